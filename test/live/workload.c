/* workload.c - the processes the live tests trace (test/live/run.sh).
 *
 * Each subcommand does something whose events are known exactly. It first
 * renames itself (prctl PR_SET_NAME) to a distinctive comm, "wl_<cmd>", so
 * that a probe filtered by comm sees only what the subcommand does, not what
 * the dynamic loader did before main() (it reads libc with read(2)).
 * When WL_PIDFILE is set, the process id is written there first.
 *
 *   workload getppid N T       T threads, each N getppid() calls
 *   workload open PATH N       openat(PATH) N times (each closed again)
 *   workload read SIZE...      read(2) SIZE bytes from /dev/zero, for each SIZE;
 *                              a SIZE of "-" reads from fd -1 instead (-EBADF)
 *   workload exit MS STATUS    sleep MS milliseconds, exit with STATUS
 *   workload pipe STRING       write STRING into a pipe (one write(2)), read it back
 *   workload pipebin           the same with 12 fixed bytes, some not printable:
 *                              'a' 'b' 0x00 0x01 0x7f 0xff '"' '\\' '\n' 'c' 'd' ' '
 *   workload busy MS           one thread per online CPU (pinned), spinning MS ms
 *   workload faults N          touch N fresh pages (N page faults)
 *   workload waitsig N         getpgid() every 20 ms until SIGUSR1, then N
 *                              getppid() calls, then exit 0
 *   workload sleep MS          sleep MS milliseconds
 *   workload argv ARGS...      nothing (the interest is in its own execve)
 *   workload calls N           N rounds of calls with known arguments and
 *                              results, for uprobes and USDT (see do_calls)
 *   workload structs N         N calls of ct_rec_take(&rec), rec a struct
 *                              wl_rec of known contents (see make_rec)
 *   workload layout            print sizeof/offsetof of struct wl_rec, as the
 *                              C compiler lays it out (no tracing needed)
 *   workload stack N [MS]      st_loop: N calls st_a -> st_b -> st_c, with
 *                              frame pointers; then sleep MS ms (default 0)
 *   workload zero MS           read(2) /dev/zero in 1 MiB chunks for MS ms
 *   workload fork N            fork N children that exit at once (each waited)
 *   workload sysnr NAME        print the syscall number of NAME (getppid,
 *                              getpgid), as the C library's headers have it
 *   workload getpgid N ARG     N getpgid(ARG) calls (ESRCH when ARG is no process)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#if defined(__has_include)
#if __has_include(<sys/sdt.h>)
#define WL_USDT 1
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#endif
#endif

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long num(const char *s)
{
	char *end;
	long v = strtol(s, &end, 0);
	if (end == s || *end) {
		fprintf(stderr, "workload: not a number: '%s'\n", s);
		exit(2);
	}
	return v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------ getppid */

static long calls;

static void *getppid_thread(void *arg)
{
	(void)arg;
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	return NULL;
}

static int do_getppid(long n, long t)
{
	pthread_t th[64];
	if (t < 1 || t > 64)
		t = 1;
	calls = n;
	for (long i = 0; i < t; i++)
		if ((errno = pthread_create(&th[i], NULL, getppid_thread, NULL)))
			die("pthread_create");
	for (long i = 0; i < t; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* --------------------------------------------------------------- busy */

static long busy_ms;
static volatile unsigned long busy_sink;	/* keeps the loop from being optimised away */

static void *busy_thread(void *arg)
{
	long cpu = (long)arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort */
	double end = now_ms() + busy_ms;
	while (now_ms() < end)
		for (int i = 0; i < 10000; i++)
			busy_sink += i;
	return NULL;
}

static int do_busy(long ms)
{
	pthread_t th[1024];
	long nt = 0;
	cpu_set_t set;
	busy_ms = ms;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		die("sched_getaffinity");
	for (long cpu = 0; cpu < CPU_SETSIZE && nt < 1024; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if ((errno = pthread_create(&th[nt], NULL, busy_thread, (void *)cpu)))
			die("pthread_create");
		nt++;
	}
	for (long i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* ------------------------------------------------------------ waitsig */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static int do_waitsig(long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	while (!got_usr1) {
		syscall(SYS_getpgid, 0);
		sleep_ms(20);
	}
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

/* The functions below are not named wl_*: uprobe_wildcard_func and
 * uprobe_long_path count exactly the two that match uprobe:...:wl_*. */

/* ------------------------------------------------------------ structs
 *
 * struct wl_rec: integers of every size and sign, a char array, a nested
 * struct, a union, an int array, bitfields (a signed one, two crossing a
 * byte boundary) and a pointer to another struct. test/live/run.sh
 * declares the same types in its scripts (WL_REC_DECL there): keep the two
 * in step. */
struct wl_inner {
	short s;
	unsigned char tag;
	long long big;
};

struct wl_other {
	int id;
	char label[8];
};

struct wl_rec {
	signed char i8;
	unsigned char u8;
	short i16;
	unsigned short u16;
	int i32;
	unsigned int u32;
	long long i64;
	unsigned long long u64;
	char name[12];
	struct wl_inner in;
	union {
		int i;
		unsigned char b[4];
	} u;
	int arr[4];
	unsigned int bf1 : 3;	/* bits 0-2 */
	int bf2 : 5;		/* bits 3-7, signed */
	unsigned int bf3 : 10;	/* bits 8-17: crosses a byte */
	int bf4 : 7;		/* bits 18-24: signed, crosses a byte */
	struct wl_other *other;
	unsigned char tail;
};

static struct wl_other wl_other_rec = { 42, "other" };

static void make_rec(struct wl_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->i8 = -5;
	r->u8 = 250;
	r->i16 = -1234;
	r->u16 = 65000;
	r->i32 = -100000;
	r->u32 = 4000000000u;
	r->i64 = -5000000000LL;
	r->u64 = 18000000000000000000ULL;
	strcpy(r->name, "hello");
	r->in.s = -7;
	r->in.tag = 'A';
	r->in.big = 1LL << 40;
	r->u.i = 0x7f7f7f7f;	/* every b[k] is 127, whatever the byte order */
	r->arr[0] = 10;
	r->arr[1] = -20;
	r->arr[2] = 30;
	r->arr[3] = -40;
	r->bf1 = 5;
	r->bf2 = -9;
	r->bf3 = 777;
	r->bf4 = -50;
	r->other = &wl_other_rec;
	r->tail = 99;
}

__attribute__((noinline, used)) int ct_rec_take(struct wl_rec *r)
{
	__asm__ volatile("" : : "r"(r) : "memory");
	return r->tail;
}

static int do_structs(long n)
{
	struct wl_rec r;
	long s = 0;
	make_rec(&r);
	for (long i = 0; i < n; i++)
		s += ct_rec_take(&r);
	return s == 1;	/* never: keeps the calls */
}

static int do_layout(void)
{
	printf("sizeof %zu\n", sizeof(struct wl_rec));
	printf("i64 %zu\n", offsetof(struct wl_rec, i64));
	printf("name %zu\n", offsetof(struct wl_rec, name));
	printf("in %zu\n", offsetof(struct wl_rec, in));
	printf("in.big %zu\n", offsetof(struct wl_rec, in.big));
	printf("u %zu\n", offsetof(struct wl_rec, u));
	printf("arr %zu\n", offsetof(struct wl_rec, arr));
	printf("other %zu\n", offsetof(struct wl_rec, other));
	printf("tail %zu\n", offsetof(struct wl_rec, tail));
	printf("inner %zu\n", sizeof(struct wl_inner));
	return 0;
}

/* -------------------------------------------------------------- stack
 *
 * st_loop -> st_a -> st_b -> st_c, none inlined.
 * Each allocates a variable-sized buffer, which makes any compiler at any
 * optimisation level set up a frame pointer (push %rbp first): the
 * kernel's user stack walk follows frame pointers, and at a uprobe on a
 * function's first instruction it takes the caller from the stack top. */
static volatile int st_len = 16;

#define WL_FRAME()                                                  \
	do {                                                        \
		char *p_ = __builtin_alloca(st_len);          \
		p_[0] = 1;                                          \
		__asm__ volatile("" : : "r"(p_) : "memory");        \
	} while (0)

__attribute__((noinline, used)) int st_c(int x)
{
	WL_FRAME();
	return x + 1;
}

__attribute__((noinline, used)) int st_b(int x)
{
	WL_FRAME();
	return st_c(x) + 1;
}

__attribute__((noinline, used)) int st_a(int x)
{
	WL_FRAME();
	return st_b(x) + 1;
}

__attribute__((noinline, used)) int st_loop(long n)
{
	int s = 0;
	WL_FRAME();
	for (long i = 0; i < n; i++)
		s += st_a((int)i);
	return s;
}

/* ------------------------------------------------------------ zero, fork */

static int do_zero(long ms)
{
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	size_t sz = 1 << 20;
	char *buf = malloc(sz);
	if (fd < 0 || !buf)
		die("/dev/zero");
	double end = now_ms() + ms;
	while (now_ms() < end)
		if (read(fd, buf, sz) != (ssize_t)sz)
			die("read");
	return 0;
}

static int do_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		if (p < 0)
			die("fork");
		if (p == 0)
			_exit(0);
		if (waitpid(p, NULL, 0) != p)
			die("waitpid");
	}
	return 0;
}

/* --------------------------------------------------------------- main */

static void usage(void)
{
	fputs("usage: workload getppid N T | open PATH N | read SIZE... | exit MS STATUS |\n"
	      "                pipe STRING | pipebin | busy MS | faults N | waitsig N | sleep MS | argv ARGS... |\n"
	      "                calls N | structs N | layout | stack N [MS] | zero MS | fork N | sysnr NAME |\n"
	      "                getpgid N ARG\n",
	      stderr);
	exit(2);
}

/* The uprobe targets: not inlined, not merged, called through volatile
 * arguments so the compiler cannot fold them. wl_many has more arguments
 * than any ABI passes in registers (sarg0..). */
__attribute__((noinline, used)) int wl_add3(int a, int b, int c)
{
	__asm__ volatile("" ::: "memory");
	return a + b + c;
}

__attribute__((noinline, used)) long wl_many(long a1, long a2, long a3, long a4, long a5,
					     long a6, long a7, long a8, long a9, long a10)
{
	__asm__ volatile("" ::: "memory");
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10;
}

#ifdef WL_USDT
/* sys/sdt.h with _SDT_HAS_SEMAPHORES wants one for every probe; the
 * kernel raises a probe's while a uprobe is on it (ref_ctr_offset).
 * wisptest:guarded fires only then. */
unsigned short wisptest_tick_semaphore __attribute__((used, section(".probes")));
unsigned short wisptest_guarded_semaphore __attribute__((used, section(".probes")));
#endif

/* Round i (0 <= i < n): wl_add3(i % 3, 10, -5), which returns i % 3 + 5;
 * wl_many(1, 2, ..., 10), which returns 55; USDT wisptest:tick(i % 2, -7)
 * and, when traced, wisptest:guarded(42). */
static int do_calls(long n)
{
	volatile int ten = 10, minus5 = -5;
	long s = 0;
	for (long i = 0; i < n; i++) {
		s += wl_add3((int)(i % 3), ten, minus5);
		s += wl_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
#ifdef WL_USDT
		volatile long odd = i % 2, m7 = -7, v42 = 42;
		DTRACE_PROBE2(wisptest, tick, odd, m7);
		if (wisptest_guarded_semaphore)
			DTRACE_PROBE1(wisptest, guarded, v42);
#endif
	}
	return s == 0;	/* never: keeps the calls */
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *cmd = argv[1];
	char comm[16];
	snprintf(comm, sizeof(comm), "wl_%s", cmd);
	prctl(PR_SET_NAME, comm, 0, 0, 0);

	const char *pidfile = getenv("WL_PIDFILE");
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (!f)
			die(pidfile);
		fprintf(f, "%d\n", (int)getpid());
		if (fclose(f))
			die(pidfile);
	}

	if (!strcmp(cmd, "getppid") && argc == 4)
		return do_getppid(num(argv[2]), num(argv[3]));
	if (!strcmp(cmd, "open") && argc == 4) {
		long n = num(argv[3]);
		for (long i = 0; i < n; i++) {
			int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				die(argv[2]);
			close(fd);
		}
		return 0;
	}
	if (!strcmp(cmd, "read") && argc >= 3) {
		int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die("/dev/zero");
		for (int i = 2; i < argc; i++) {
			char c;
			if (!strcmp(argv[i], "-")) {
				if (read(-1, &c, 1) != -1 || errno != EBADF)
					die("read(-1)");
				continue;
			}
			long n = num(argv[i]);
			char *buf = malloc(n ? n : 1);
			if (!buf)
				die("malloc");
			if (read(fd, buf, n) != n)
				die("read");
			free(buf);
		}
		close(fd);
		return 0;
	}
	if (!strcmp(cmd, "exit") && argc == 4) {
		sleep_ms(num(argv[2]));
		return (int)num(argv[3]);
	}
	if ((!strcmp(cmd, "pipe") && argc == 3) || (!strcmp(cmd, "pipebin") && argc == 2)) {
		static const char bin[12] = { 'a', 'b', 0x00, 0x01, 0x7f, (char)0xff,
					      '"', '\\', '\n', 'c', 'd', ' ' };
		const char *s = argc == 3 ? argv[2] : bin;
		size_t len = argc == 3 ? strlen(argv[2]) : sizeof(bin);
		int p[2];
		char *back = malloc(len + 1);
		if (!back || pipe(p) < 0)
			die("pipe");
		if (write(p[1], s, len) != (ssize_t)len)
			die("write");
		if (read(p[0], back, len) != (ssize_t)len)
			die("read");
		return 0;
	}
	if (!strcmp(cmd, "busy") && argc == 3)
		return do_busy(num(argv[2]));
	if (!strcmp(cmd, "faults") && argc == 3) {
		long n = num(argv[2]), psz = sysconf(_SC_PAGESIZE);
		char *m = mmap(NULL, n * psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			die("mmap");
		for (long i = 0; i < n; i++)
			((volatile char *)m)[i * psz] = 1;
		return 0;
	}
	if (!strcmp(cmd, "waitsig") && argc == 3)
		return do_waitsig(num(argv[2]));
	if (!strcmp(cmd, "calls") && argc == 3)
		return do_calls(num(argv[2]));
	if (!strcmp(cmd, "sleep") && argc == 3) {
		sleep_ms(num(argv[2]));
		return 0;
	}
	if (!strcmp(cmd, "argv"))
		return 0;
	if (!strcmp(cmd, "structs") && argc == 3)
		return do_structs(num(argv[2]));
	if (!strcmp(cmd, "layout") && argc == 2)
		return do_layout();
	if (!strcmp(cmd, "stack") && (argc == 3 || argc == 4)) {
		int r = st_loop(num(argv[2])) == -1;	/* never: keeps the calls */
		if (argc == 4)
			sleep_ms(num(argv[3]));
		return r;
	}
	if (!strcmp(cmd, "zero") && argc == 3)
		return do_zero(num(argv[2]));
	if (!strcmp(cmd, "fork") && argc == 3)
		return do_fork(num(argv[2]));
	if (!strcmp(cmd, "sysnr") && argc == 3) {
		if (!strcmp(argv[2], "getppid"))
			printf("%d\n", (int)SYS_getppid);
		else if (!strcmp(argv[2], "getpgid"))
			printf("%d\n", (int)SYS_getpgid);
		else
			usage();
		return 0;
	}
	if (!strcmp(cmd, "getpgid") && argc == 4) {
		long n = num(argv[2]), arg = num(argv[3]);
		for (long i = 0; i < n; i++)
			syscall(SYS_getpgid, arg);
		return 0;
	}
	usage();
}
