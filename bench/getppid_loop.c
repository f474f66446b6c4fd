/* getppid_loop.c - the per-event cost workload of bench/run.sh.
 *
 *   getppid_loop [N]     N getppid() system calls (default 2,000,000)
 *
 * Prints "getppid_loop: N calls, X ns/call" (the loop alone, timed with
 * CLOCK_MONOTONIC). Run bare, then under a tracer that counts
 * raw_syscalls:sys_enter: the difference is the tracer's cost per event.
 * Keep the binary's name: the tracer's map is keyed by comm.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
	if (n <= 0)
		n = 2000000;
	/* the system call itself, whatever the libc caches */
	for (int i = 0; i < 1000; i++)
		syscall(SYS_getppid);
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	double t1 = now_ns();
	printf("getppid_loop: %ld calls, %.1f ns/call\n", n, (t1 - t0) / n);
	return 0;
}
