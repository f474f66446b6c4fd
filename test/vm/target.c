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
 *   target struct N    N calls of take_rec(&rec): struct wt_rec below, with
 *                      known members (every kind of C member: see
 *                      rec_init); `target layout` prints what the guest
 *                      case compares with the script's view of it:
 *                      sizeof/offsetof, the byte order
 *   target deep N      N calls main -> deep_a -> deep_b -> deep_c, which
 *                      hits USDT wisptest:deep(i); frame pointers, no
 *                      inlining or tail calls, so user stacks read
 *                      deep_c, deep_b, deep_a, main
 *   target frames      "apcs" when ARM code has APCS frame records (built
 *                      -mapcs-frame), "other" on ARM otherwise, else "fp"
 *
 * Environment:
 *   WT_SNAP=FILE    before the work, a child process (another pid, so not
 *                   counted) copies kprobe_events and uprobe_events to FILE:
 *                   what probes existed while wisp was attached
 *   WT_REPORT=FILE  write "guarded HITS" there at the end: how many times
 *                   the semaphore was set when checked (usdt mode)
 *   WT_LINGER=SECS  sleep that long after the work, before exiting: a
 *                   tracer that reads the process's mappings when its
 *                   first event arrives (ustack, usym) finds it alive
 *   WT_FILE=PATH    reads mode: the file to make and read (kernel probes
 *                   check its name through struct file); default
 *                   /tmp/target.PID
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
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
	char path[256], buf[256];
	const char *name = getenv("WT_FILE");
	if (name && *name)
		snprintf(path, sizeof(path), "%s", name);
	else
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

/* ------------------------------------------------------- struct mode
 * guest.sh's struct_decl case declares these same types in its script
 * and prints every member of rec at take_rec's uprobe: the values must
 * be these on every architecture (32-bit long, 8-aligned long long on
 * ARM EABI and MIPS o32, big-endian bitfields), and its sizeof/offsetof
 * what `target layout` prints. Keep the two in step. */
struct wt_inner {
	short s;
	unsigned char c;
	int i;
};
union wt_u {
	unsigned int w;
	unsigned short h[2];
	unsigned char b[4];
};
struct wt_other {
	int id;
	char tag[8];
};
struct wt_rec {
	signed char i8;
	unsigned char u8;
	short i16;
	unsigned short u16;
	int i32;
	unsigned int u32;
	long l;
	unsigned long ul;
	char c1;
	long long ll;
	unsigned long long ull;
	char name[12];
	struct wt_inner in;
	union wt_u u;
	int arr[4];
	unsigned int bf_a : 3;
	int bf_s : 6;		/* signed, across a byte boundary */
	unsigned int bf_x : 11;	/* across another */
	unsigned int bf_y : 1;
	unsigned long long bf_w : 40;	/* 40 bits from bit 21 of an 8-byte unit */
	int *ip;
	struct wt_other *next;
	short tail;
};

static int wt_int = 31337;
static struct wt_other wt_other = { 77, "other" };

static void rec_init(struct wt_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->i8 = -5;
	r->u8 = 250;
	r->i16 = -1234;
	r->u16 = 60000;
	r->i32 = -123456789;
	r->u32 = 4000000000u;
	r->l = -42;
	r->ul = 3000000000ul;
	r->c1 = 'Q';
	r->ll = -1234567890123ll;
	r->ull = 0xfedcba9876543210ull;
	strcpy(r->name, "wisp-struct");
	r->in.s = -7;
	r->in.c = 200;
	r->in.i = 99999;
	r->u.w = 0x11223344;
	r->arr[0] = 1;
	r->arr[1] = -2;
	r->arr[2] = 3;
	r->arr[3] = -4;
	r->bf_a = 5;
	r->bf_s = -19;
	r->bf_x = 1445;
	r->bf_y = 1;
	r->bf_w = 0x12345678abull;
	r->ip = &wt_int;
	r->next = &wt_other;
	r->tail = -300;
}

__attribute__((noinline, noipa, used)) int take_rec(struct wt_rec *r)
{
	__asm__ __volatile__("" ::: "memory");
	return r->i32 + r->bf_s;
}

/* the line the script prints with sizeof and offsetof: same format */
static void layout(void)
{
	union { unsigned int w; unsigned char b; } e = { 1 };
	printf("endian %s\n", e.b ? "little" : "big");
	printf("sizes %u %u %u %u %u %u %u %u %u %u %u\n",
	       (unsigned)sizeof(struct wt_rec), (unsigned)sizeof(struct wt_inner),
	       (unsigned)sizeof(union wt_u), (unsigned)sizeof(struct wt_other),
	       (unsigned)offsetof(struct wt_rec, l), (unsigned)offsetof(struct wt_rec, ll),
	       (unsigned)offsetof(struct wt_rec, name), (unsigned)offsetof(struct wt_rec, in.i),
	       (unsigned)offsetof(struct wt_rec, arr), (unsigned)offsetof(struct wt_rec, next),
	       (unsigned)offsetof(struct wt_rec, tail));
}

/* --------------------------------------------------------- deep mode
 * Three calls deep, each with a frame record (frame pointers, whatever
 * the compiler's default; no shrink-wrapping, so the record is made
 * before the body runs), none inlined, cloned or turned into a jump.
 * deep_c calls deep_leaf first: a leaf may skip its frame record, and
 * the probe must see deep_c's. ARM's kernel walks user stacks by APCS
 * frame records (fp - 12: fp, sp, lr), which only -mapcs-frame makes:
 * `target frames` says whether deep_b has one. */
#define WT_FRAME __attribute__((noinline, noipa, used, \
	optimize("no-omit-frame-pointer", "no-optimize-sibling-calls", "no-shrink-wrap")))

WT_FRAME int deep_leaf(int i)
{
	__asm__ __volatile__("" ::: "memory");
	return i * 2;
}

WT_FRAME int deep_c(int i)
{
	int r = deep_leaf(i);
	STAP_PROBE1(wisptest, deep, i);
	__asm__ __volatile__("" ::: "memory");
	return r + 1;
}

WT_FRAME int deep_b(int i)
{
	int r = deep_c(i) + 1;
	__asm__ __volatile__("" ::: "memory");
	return r;
}

WT_FRAME int deep_a(int i)
{
	int r = deep_b(i) + 1;
	__asm__ __volatile__("" ::: "memory");
	return r;
}

/* "apcs" when deep_b starts as -mapcs-frame makes it (mov ip, sp; push
 * {fp, ip, lr, pc}), "other" on ARM otherwise; "fp" elsewhere */
static void frames(void)
{
#if defined(__arm__)
	const unsigned int *code = (const unsigned int *)(void *)deep_b;
	printf("%s\n", code[0] == 0xe1a0c00du && code[1] == 0xe92dd800u ? "apcs" : "other");
#else
	printf("fp\n");
#endif
}

static volatile int tick_a[3] = { 7, 5, 5 };
static volatile int sink;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: target reads N | add3 N | usdt N | struct N | deep N | nr | layout | frames\n");
		return 2;
	}
	const char *mode = argv[1];
	if (!strcmp(mode, "nr")) {
		printf("%d\n", (int)SYS_read);
		return 0;
	}
	if (!strcmp(mode, "layout")) {
		layout();
		return 0;
	}
	if (!strcmp(mode, "frames")) {
		frames();
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
	} else if (!strcmp(mode, "struct")) {
		struct wt_rec rec;
		rec_init(&rec);
		for (long i = 0; i < n; i++)
			sink = take_rec(&rec);
	} else if (!strcmp(mode, "deep")) {
		for (long i = 0; i < n; i++)
			sink = deep_a((int)i);
	} else {
		fprintf(stderr, "target: unknown mode '%s'\n", mode);
		return 2;
	}
	const char *linger = getenv("WT_LINGER");
	if (linger && *linger)
		sleep((unsigned)num(linger));
	return 0;
}
