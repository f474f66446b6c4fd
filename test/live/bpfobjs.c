/* bpfobjs.c - list the BPF programs and maps that exist in the kernel, for
 * the cleanup tests of test/live/run.sh. Raw bpf(2), no libbpf.
 *
 *   bpfobjs            one line per object: "prog ID NAME" / "map ID NAME"
 *   bpfobjs count      "progs N maps M"
 *
 * Needs root (CAP_SYS_ADMIN) to walk the ids; an object that goes away
 * while it is being looked at is skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The name of object id (a prog or a map), or "?" when it cannot be read. */
static void obj_name(int getfd_cmd, uint32_t id, char *name, size_t size)
{
	union bpf_attr a;
	snprintf(name, size, "?");
	memset(&a, 0, sizeof(a));
	if (getfd_cmd == BPF_PROG_GET_FD_BY_ID)
		a.prog_id = id;
	else
		a.map_id = id;
	int fd = (int)sys_bpf(getfd_cmd, &a);
	if (fd < 0)
		return;
	union {
		struct bpf_prog_info p;
		struct bpf_map_info m;
	} info;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0) {
		const char *n = getfd_cmd == BPF_PROG_GET_FD_BY_ID ? info.p.name : info.m.name;
		if (*n)
			snprintf(name, size, "%.*s", BPF_OBJ_NAME_LEN, n);
		else
			snprintf(name, size, "-");
	}
	close(fd);
}

/* Walk the ids of one kind; print each unless counting. -1 on error. */
static long walk(int next_cmd, int getfd_cmd, const char *kind, int print)
{
	union bpf_attr a;
	uint32_t id = 0;
	long n = 0;
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.start_id = id;
		if (sys_bpf(next_cmd, &a) < 0) {
			if (errno == ENOENT)
				return n;
			fprintf(stderr, "bpfobjs: walking %s ids: %s\n", kind, strerror(errno));
			return -1;
		}
		id = a.next_id;
		n++;
		if (print) {
			char name[BPF_OBJ_NAME_LEN + 8];
			obj_name(getfd_cmd, id, name, sizeof(name));
			printf("%s %u %s\n", kind, id, name);
		}
	}
}

int main(int argc, char **argv)
{
	int count = argc > 1 && !strcmp(argv[1], "count");
	long p = walk(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, "prog", !count);
	long m = walk(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, "map", !count);
	if (p < 0 || m < 0)
		return 1;
	if (count)
		printf("progs %ld maps %ld\n", p, m);
	return 0;
}
