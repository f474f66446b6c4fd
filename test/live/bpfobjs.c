/* bpfobjs.c - list the BPF programs and maps that exist in the kernel, for
 * the cleanup tests of test/live/run.sh. Raw bpf(2), no libbpf.
 *
 *   bpfobjs            one line per object: "prog ID NAME" / "map ID NAME"
 *   bpfobjs count      "progs N maps M"
 *   bpfobjs btf FILE STRUCT [MEMBER...]
 *                      from the BTF file FILE (/sys/kernel/btf/vmlinux): the
 *                      first struct named STRUCT, "size N", then for each
 *                      MEMBER (a direct one) "MEMBER BYTE_OFFSET"; exit 1 if
 *                      there is no such struct or member. A reader of its
 *                      own, so that wisp's sizeof/offsetof are checked
 *                      against something that is not wisp (no bpftool).
 *
 * Needs root (CAP_SYS_ADMIN) to walk the ids; an object that goes away
 * while it is being looked at is skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ------------------------------------------------------------ btf
 * The BTF format (the kernel's Documentation/bpf/btf.rst), written out
 * here so that old UAPI headers do not matter: a header, then the type
 * records, then the strings. Each record is 12 bytes (name_off, info,
 * size/type) followed by a kind-dependent tail. Host byte order only. */
struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 20, n = 0;
	unsigned char *buf = malloc(cap);
	if (!f || !buf)
		return NULL;
	for (;;) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		cap *= 2;
		if (!(buf = realloc(buf, cap)))
			return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int btf_main(int argc, char **argv)
{
	size_t len;
	unsigned char *data = load(argv[2], &len);
	if (!data) {
		fprintf(stderr, "bpfobjs: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	struct btf_hdr h;
	memcpy(&h, data, sizeof(h));
	if (len < sizeof(h) || h.magic != 0xeB9F ||
	    (size_t)h.hdr_len + h.str_off + h.str_len > len ||
	    (size_t)h.hdr_len + h.type_off + h.type_len > len) {
		fprintf(stderr, "bpfobjs: %s: not BTF in this byte order\n", argv[2]);
		return 1;
	}
	const unsigned char *t = data + h.hdr_len + h.type_off, *end = t + h.type_len;
	const char *str = (const char *)data + h.hdr_len + h.str_off;
	while (t + 12 <= end) {
		uint32_t name_off, info, size;
		memcpy(&name_off, t, 4);
		memcpy(&info, t + 4, 4);
		memcpy(&size, t + 8, 4);
		unsigned kind = (info >> 24) & 0x1f, vlen = info & 0xffff, kflag = info >> 31;
		const unsigned char *tail = t + 12;
		size_t tail_len;
		switch (kind) {
		case 1: case 14: case 17:	/* INT, VAR, DECL_TAG */
			tail_len = 4;
			break;
		case 3:				/* ARRAY */
			tail_len = 12;
			break;
		case 4: case 5: case 15: case 19:	/* STRUCT, UNION, DATASEC, ENUM64 */
			tail_len = 12 * (size_t)vlen;
			break;
		case 6: case 13:		/* ENUM, FUNC_PROTO */
			tail_len = 8 * (size_t)vlen;
			break;
		case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
			tail_len = 0;
			break;
		default:
			fprintf(stderr, "bpfobjs: %s: unknown BTF kind %u\n", argv[2], kind);
			return 1;
		}
		if (kind == 4 && name_off < h.str_len && !strcmp(str + name_off, argv[3])) {
			printf("size %u\n", size);
			for (int a = 4; a < argc; a++) {
				int found = 0;
				for (unsigned i = 0; i < vlen && !found; i++) {
					uint32_t mname, moff;
					memcpy(&mname, tail + 12 * i, 4);
					memcpy(&moff, tail + 12 * i + 8, 4);
					if (kflag)
						moff &= 0xffffff;
					if (mname < h.str_len && !strcmp(str + mname, argv[a])) {
						printf("%s %u\n", argv[a], moff / 8);
						found = 1;
					}
				}
				if (!found) {
					fprintf(stderr, "bpfobjs: struct %s has no member %s\n", argv[3], argv[a]);
					return 1;
				}
			}
			return 0;
		}
		t = tail + tail_len;
	}
	fprintf(stderr, "bpfobjs: %s: no struct %s\n", argv[2], argv[3]);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "btf"))
		return btf_main(argc, argv);
	int count = argc > 1 && !strcmp(argv[1], "count");
	long p = walk(BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, "prog", !count);
	long m = walk(BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, "map", !count);
	if (p < 0 || m < 0)
		return 1;
	if (count)
		printf("progs %ld maps %ld\n", p, m);
	return 0;
}
