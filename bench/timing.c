/* timing.c - exec-to-attached time and peak RSS for bench/run.sh.
 *
 *   timing stamp FILE          write CLOCK_MONOTONIC now (ns) to FILE
 *   timing run FILE CMD...     run CMD, wait for it, then print
 *                              "attach_ns=T maxrss_kb=R status=S"
 *
 * The tracer runs as `TRACER -c 'timing stamp FILE' PROGRAM`: the -c child
 * is let go only once every probe is attached, so the stamp it writes, less
 * the time `run` started the tracer, is exec-to-attached -- plus the exec
 * of the stamp program, which the bare baseline `timing run FILE timing
 * stamp FILE` measures in the same run. Teardown is not counted. maxrss is
 * the tracer's peak resident set (wait4), in KiB; T is -1 when no stamp
 * was written (the tracer failed before attaching). CMD's standard output
 * goes to /dev/null; its standard error is left alone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "stamp")) {
		long long t = now_ns();
		FILE *f = fopen(argv[2], "w");
		if (!f || fprintf(f, "%lld\n", t) < 0 || fclose(f))
			return 1;
		return 0;
	}
	if (argc < 4 || strcmp(argv[1], "run")) {
		fprintf(stderr, "usage: timing stamp FILE | timing run FILE CMD...\n");
		return 2;
	}
	const char *file = argv[2];
	unlink(file);
	long long t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		/* only the result line goes to standard output */
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0 && null != 1) {
			dup2(null, 1);
			close(null);
		}
		execvp(argv[3], argv + 3);
		fprintf(stderr, "timing: cannot run %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("wait4");
			return 1;
		}
	long long t1 = -1;
	FILE *f = fopen(file, "r");
	if (f) {
		if (fscanf(f, "%lld", &t1) != 1)
			t1 = -1;
		fclose(f);
	}
	printf("attach_ns=%lld maxrss_kb=%ld status=%d\n", t1 < 0 ? -1 : t1 - t0,
	       ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
