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
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

/* --------------------------------------------------------------- main */

static void usage(void)
{
	fputs("usage: workload getppid N T | open PATH N | read SIZE... | exit MS STATUS |\n"
	      "                pipe STRING | pipebin | busy MS | faults N | waitsig N | sleep MS | argv ARGS... |\n"
	      "                calls N\n",
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
	usage();
}
