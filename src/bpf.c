/* bpf.c - thin, checked wrappers over bpf(2) and perf_event_open(2), and
 * the CPU lists the per-CPU structures are sized from.
 *
 * Everything returns an fd or 0, or -errno; nothing here prints or exits,
 * so the caller decides what a failure means (a missing feature may only
 * need a fallback). bpf(2) fds are close-on-exec without asking; perf
 * events are opened with PERF_FLAG_FD_CLOEXEC so a -c child or system()
 * inherits none of them.
 *
 * Old kernels: the attr union from a newer header is larger than an old
 * kernel's; the kernel accepts that as long as the bytes it does not know
 * are zero, so fields it lacks (object names) must be left zero there. We
 * retry without the name when the kernel refuses it.
 */
#include "wisp.h"
#include "compat.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

/* A pointer as the kernel's u64 field wants it; the cast through
 * uintptr_t zero-extends on 32-bit machines. */
static uint64_t ptr64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int raw_bpf(int cmd, void *attr, size_t size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);
	return r < 0 ? -errno : (int)r;
}

int sys_bpf(int cmd, union bpf_attr *attr)
{
	return raw_bpf(cmd, attr, sizeof(*attr));
}

/* Object names: at most 15 characters of [A-Za-z0-9_.] (the kernel
 * rejects anything else with EINVAL), so "@m" becomes "_m". */
static void set_name(char *dst, const char *src)
{
	memset(dst, 0, BPF_OBJ_NAME_LEN);
	for (int i = 0; src && src[i] && i < (int)BPF_OBJ_NAME_LEN - 1; i++) {
		char c = src[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.';
		dst[i] = ok ? c : '_';
	}
}

/* Names came in 4.15: before that the kernel says EINVAL, or E2BIG when
 * the name lies past the end of the attr it knows. */
static bool name_refused(int err)
{
	return err == -EINVAL || err == -E2BIG;
}

int bpf_map_create(enum bpf_map_type type, int key_size, int val_size,
		   int max_entries, uint32_t flags, const char *name)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = val_size;
	attr.max_entries = max_entries;
	attr.map_flags = flags;
	set_name(attr.map_name, name);
	int fd = sys_bpf(BPF_MAP_CREATE, &attr);
	if (fd < 0 && name && name[0] && name_refused(fd)) {
		memset(attr.map_name, 0, sizeof(attr.map_name));
		fd = sys_bpf(BPF_MAP_CREATE, &attr);
	}
	return fd;
}

static int map_elem(int cmd, int fd, const void *key, const void *val,
		    uint64_t flags)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_fd = fd;
	attr.key = ptr64(key);
	attr.value = ptr64(val);	/* next_key shares this field */
	attr.flags = flags;
	return sys_bpf(cmd, &attr);
}

int bpf_map_lookup(int fd, const void *key, void *val)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, val, 0);
}

int bpf_map_update(int fd, const void *key, const void *val, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, val, flags);
}

int bpf_map_delete(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

/* key NULL asks for the first key (kernels before 4.12 want a key that
 * is not in the map instead; the caller can pass one). */
int bpf_map_next_key(int fd, const void *key, void *next)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next, 0);
}

/* KERNEL_VERSION of the running kernel: kprobe programs on kernels before
 * 5.0 must carry it. Sublevels above 255 are clamped as the kernel does. */
static uint32_t kernel_version(void)
{
	struct utsname u;
	if (uname(&u) < 0)
		return 0;
	/* "6.1.0-13-amd64": three numbers (strtoul, not sscanf: keeps the
	 * static binary free of the scanf machinery) */
	char *p = u.release;
	unsigned long a = strtoul(p, &p, 10), b = 0, c = 0;
	if (*p != '.')
		return 0;
	b = strtoul(p + 1, &p, 10);
	if (*p == '.')
		c = strtoul(p + 1, &p, 10);
	if (c > 255)
		c = 255;
	return (uint32_t)(a << 16 | b << 8 | c);
}

int bpf_prog_load(enum bpf_prog_type type, const struct bpf_insn *insn, int n,
		  const char *name, char *log, size_t log_size, const struct attach *tr)
{
	static const char license[] = "GPL";
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	if (tr) {	/* fentry/fexit: what the program attaches to */
		attr.expected_attach_type = tr->attach_type;
		attr.attach_btf_id = tr->btf_id;
		attr.attach_btf_obj_fd = tr->btf_obj_fd;
	}
	attr.insns = ptr64(insn);
	attr.insn_cnt = n;
	attr.license = ptr64(license);
	attr.kern_version = kernel_version();
	/* The kernel wants at least 128 bytes of log and, before 5.2, at
	 * most 16 MiB; a log that does not fit fails the load with ENOSPC. */
	if (log && log_size >= 128) {
		if (log_size > (UINT32_MAX >> 8))
			log_size = UINT32_MAX >> 8;
		log[0] = '\0';
		attr.log_level = 1;
		attr.log_buf = ptr64(log);
		attr.log_size = log_size;
	}
	set_name(attr.prog_name, name);
	int fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && name && name[0] && name_refused(fd)) {
		memset(attr.prog_name, 0, sizeof(attr.prog_name));
		if (log)
			log[0] = '\0';
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
	}
	return fd;
}

/* BPF_PROG_TEST_RUN's part of the attr, written out because its ctx
 * fields (5.2) are newer than the oldest headers wisp builds with. The
 * u64s are 8-aligned as in the kernel's union, also on i386. */
struct test_run_attr {
	uint32_t prog_fd, retval;
	uint32_t data_size_in, data_size_out;
	uint64_t data_in __attribute__((aligned(8)));
	uint64_t data_out __attribute__((aligned(8)));
	uint32_t repeat, duration;
	uint32_t ctx_size_in, ctx_size_out;
	uint64_t ctx_in __attribute__((aligned(8)));
	uint64_t ctx_out __attribute__((aligned(8)));
	uint32_t flags, cpu;
};
_Static_assert(offsetof(struct test_run_attr, data_in) == 16, "ABI");
_Static_assert(offsetof(struct test_run_attr, ctx_size_in) == 40, "ABI");
_Static_assert(offsetof(struct test_run_attr, ctx_in) == 48, "ABI");
_Static_assert(offsetof(struct test_run_attr, cpu) == 68, "ABI");

/* Run a program once on this CPU (BEGIN and END are raw-tracepoint
 * programs run this way; raw tracepoint test runs came in 5.10). The
 * program's return value is not needed. */
int bpf_prog_test_run(int progfd, void *ctx, size_t ctx_size)
{
	struct test_run_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = progfd;
	attr.ctx_in = ptr64(ctx);
	attr.ctx_size_in = ctx_size;
	int r = raw_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	return r < 0 ? r : 0;
}

int bpf_raw_tp_open(const char *name, int progfd)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = ptr64(name);
	attr.raw_tracepoint.prog_fd = progfd;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
}

int perf_event_open_(struct perf_event_attr *attr, int pid, int cpu, int group,
		     unsigned long flags)
{
	if (!attr->size)
		attr->size = sizeof(*attr);
	long fd = syscall(__NR_perf_event_open, attr, pid, cpu, group,
			  flags | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int perf_attach_bpf(int evfd, int progfd)
{
	if (ioctl(evfd, PERF_EVENT_IOC_SET_BPF, progfd) < 0)
		return -errno;
	if (ioctl(evfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	return 0;
}

/* ------------------------------------------------------------ CPU lists */

/* Read a sysfs CPU list ("0-3,5\n") into cpus[] (up to max); returns how
 * many CPUs it names, or -errno. */
static int read_cpulist(const char *path, int *cpus, int max)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t len = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (len < 0)
		return -err;
	buf[len] = '\0';

	int n = 0;
	char *p = buf;
	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p || lo < 0)
			return -EINVAL;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1 || hi < lo)
				return -EINVAL;
			p = end;
		}
		for (long c = lo; c <= hi; c++, n++) {
			if (n >= max)
				return -E2BIG;
			cpus[n] = c;
		}
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return n;
}

/* The highest possible CPU number plus one: per-CPU map values and the
 * perf event array are this many long, holes included. */
int ncpus_possible(void)
{
	static int cached;
	static int cpus[4096];
	if (cached > 0)
		return cached;
	int n = read_cpulist("/sys/devices/system/cpu/possible", cpus, 4096);
	if (n < 0)
		return n;
	if (n == 0)
		return -EINVAL;
	int hi = 0;
	for (int i = 0; i < n; i++)
		if (cpus[i] > hi)
			hi = cpus[i];
	cached = hi + 1;
	return cached;
}

int ncpus_online_list(int *cpus, int max)
{
	return read_cpulist("/sys/devices/system/cpu/online", cpus, max);
}
