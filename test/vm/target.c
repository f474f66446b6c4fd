/* target.c - the workload the guest suite (test/vm/guest.sh) traces.
 *
 * Built static for each guest architecture by test/vm/cross.sh, together
 * with target-sem.c (the USDT probe with a semaphore), never stripped:
 * uprobes find add3 by its symbol. On armhf it is built -marm, since ARM
 * uprobes only work on ARM-mode code.
 *
 * Every mode does a number of things known exactly, so that a probe
 * filtered with `pid == cpid && comm == "target"` counts them exactly:
 *
 *   target reads N     N read(2) calls on a 64-byte file it made; the i-th
 *                      asks for SIZES[i % 10] bytes after an lseek to 0:
 *                        count  1 x1, 16 x2, 64 x3, 256 x4 per ten reads
 *                        ret    1 x1, 16 x2, 64 x7 (the file is 64 bytes)
 *   target add3 N      N calls of add3(): i % 3 == 0 -> add3(10, 20, 30) = 60,
 *                      otherwise add3(1, 2, 3) = 6
 *   target usdt N      N hits of USDT wisptest:tick(a, b): a = 7 when
 *                      i % 3 == 0, else 5; b = -1 (both int, from memory
 *                      and from a register); then N
 *                      iterations of the semaphore-guarded wisptest:guarded(i)
 *                      (target-sem.c), which fires only while traced
 *   target nr          print read(2)'s system call number
 *
 * Environment:
 *   WT_SNAP=FILE    before the work, a child process (another pid, so not
 *                   counted) copies kprobe_events and uprobe_events to FILE:
 *                   what probes existed while wisp was attached
 *   WT_REPORT=FILE  write "guarded HITS" there at the end: how many times
 *                   the semaphore was set when checked (usdt mode)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/sdt.h>
#include <sys/wait.h>

long guarded_loop(long n);	/* target-sem.c: the hits seen */

static const size_t sizes[10] = { 1, 16, 16, 64, 64, 64, 256, 256, 256, 256 };

static void die(const char *what)
{
	fprintf(stderr, "target: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);
	if (end == s || *end || v < 0) {
		fprintf(stderr, "target: not a count: '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Not inlined, not cloned, not folded: the symbol is the code that runs,
 * with its arguments in the ABI's registers. */
__attribute__((noinline, noipa, used)) int add3(int a, int b, int c)
{
	__asm__ __volatile__("" ::: "memory");
	return a + b + c;
}

#if defined(__arm__)
/* Thumb code (its symbol's address has bit 0 set): wisp must refuse to
 * uprobe it, with the reason */
__attribute__((noinline, noipa, used, target("thumb"))) int thumb_fn(int a)
{
	__asm__ __volatile__("" ::: "memory");
	return a + 1;
}
#endif

/* Copy one file to fd out (a child of ours does this: other pid) */
static void copy_file(const char *path, int out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(fd);
}

static void snapshot(const char *dst)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (out < 0)
			_exit(1);
		for (int d = 0; d < 2; d++) {
			char p[128];
			snprintf(p, sizeof(p), "%s/kprobe_events", dirs[d]);
			if (access(p, F_OK) != 0)
				continue;
			copy_file(p, out);
			snprintf(p, sizeof(p), "%s/uprobe_events", dirs[d]);
			copy_file(p, out);
			break;
		}
		close(out);
		_exit(0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

static void do_reads(long n)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/tmp/target.%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(path);
	memset(buf, 'w', 64);
	if (write(fd, buf, 64) != 64)
		die("write");
	unlink(path);
	for (long i = 0; i < n; i++) {
		if (lseek(fd, 0, SEEK_SET) != 0)
			die("lseek");
		size_t want = sizes[i % 10];
		ssize_t got = read(fd, buf, want);
		if (got != (ssize_t)(want < 64 ? want : 64))
			die("read");
	}
	close(fd);
}

static volatile int tick_a[3] = { 7, 5, 5 };
static volatile int sink;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: target reads N | add3 N | usdt N | nr\n");
		return 2;
	}
	const char *mode = argv[1];
	if (!strcmp(mode, "nr")) {
		printf("%d\n", (int)SYS_read);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "target: %s needs a count\n", mode);
		return 2;
	}
	long n = num(argv[2]);
	const char *snap = getenv("WT_SNAP");
	if (snap && *snap)
		snapshot(snap);

	if (!strcmp(mode, "reads")) {
		do_reads(n);
	} else if (!strcmp(mode, "add3")) {
		for (long i = 0; i < n; i++)
			sink = i % 3 == 0 ? add3(10, 20, 30) : add3(1, 2, 3);
	} else if (!strcmp(mode, "usdt")) {
		for (long i = 0; i < n; i++) {
			/* a from memory, b in a register: 2 - argc is -1 */
			int a = tick_a[i % 3], b = 2 - argc;
			STAP_PROBE2(wisptest, tick, a, b);
		}
		long hits = guarded_loop(n);
		const char *rep = getenv("WT_REPORT");
		if (rep && *rep) {
			FILE *f = fopen(rep, "w");
			if (!f)
				die(rep);
			fprintf(f, "guarded %ld\n", hits);
			fclose(f);
		}
	} else {
		fprintf(stderr, "target: unknown mode '%s'\n", mode);
		return 2;
	}
	return 0;
}
