/* provider.c - the table of providers, and what they share: finding the
 * provider of a spec, reading counts and time units, opening perf events on
 * CPUs, and tearing attachments down quickly.
 *
 * Teardown is the slow part of tracing with classic tracepoints. Releasing
 * a tracepoint perf event waits for a grace period, and the kernel does
 * those one at a time (about 25 ms each here, however many threads close
 * them); detaching the BPF program adds as much again, and that part does
 * overlap. Measured on this machine, 360 syscalls:sys_enter_* events:
 * closed one by one 18.6 s; by 2 to 64 threads 8.8-9.0 s (the floor).
 * Raw tracepoints (used when a probe never reads args) release in a few ms.
 */
#include "wisp.h"
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include "compat.h"

const struct provider *const providers[] = {
	&prov_begin, &prov_end, &prov_tracepoint,
	&prov_interval, &prov_profile, &prov_software,
	&prov_kprobe, &prov_kretprobe, &prov_uprobe, &prov_uretprobe, &prov_usdt,
	&prov_kfunc, &prov_kretfunc, &prov_rawtracepoint,
	NULL,
};

/* "tracepoint:sched:sched_switch" -> prov_tracepoint, rest "sched:sched_switch".
 * rest points into spec, after the first ':' (or at its end when there is
 * none); for BEGIN and END, which take nothing, it is everything after the
 * name, colon included, so that "BEGIN:" is caught too. */
const struct provider *provider_find(const char *spec, const char **rest)
{
	size_t n = strcspn(spec, ":");
	for (int i = 0; providers[i]; i++) {
		const struct provider *p = providers[i];
		bool hit = (strlen(p->name) == n && !strncmp(spec, p->name, n)) ||
			   (p->alias && strlen(p->alias) == n && !strncmp(spec, p->alias, n));
		if (!hit)
			continue;
		if (rest) {
			if (p == &prov_begin || p == &prov_end || !spec[n])
				*rest = spec + n;
			else
				*rest = spec + n + 1;
		}
		return p;
	}
	return NULL;
}

/* ------------------------------------------------------ spec parts */

/* A count in a spec: "99", "1_000", "0x10", "1e6"; false unless all of s is
 * one non-overflowing number. */
bool provider_uint(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int base = 10, digits = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d;
		if (*s == '_' && digits)
			continue;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (x > (UINT64_MAX - d) / base)
			return false;
		x = x * base + d;
		digits++;
	}
	if (!digits)
		return false;
	if (base == 10 && (*s == 'e' || *s == 'E') && s[1]) {
		int e = 0;
		for (s++; *s >= '0' && *s <= '9' && e < 100; s++)
			e = e * 10 + (*s - '0');
		while (e-- > 0) {
			if (x > UINT64_MAX / 10)
				return false;
			x *= 10;
		}
	}
	if (*s)
		return false;
	*v = x;
	return true;
}

struct unit {
	const char *name;
	uint64_t ns;		/* 0: a rate (hz), not a period */
};

/* bpftrace's unit:N units, then the duration suffixes of its (and ply's)
 * short form "1s", "100ms", "99hz". */
static const struct unit long_units[] = {
	{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 }, { "hz", 0 },
	{ NULL, 0 },
};
static const struct unit short_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	{ "m", 60000000000ull }, { "h", 3600000000000ull }, { "d", 86400000000000ull },
	{ "hz", 0 },
	{ NULL, 0 },
};

static const struct unit *find_unit(const struct unit *u, const char *name)
{
	for (; u->name; u++)
		if (!strcmp(u->name, name))
			return u;
	return NULL;
}

/* "s:1", "hz:99", "1s", "99hz" after interval: or profile:. A rate becomes
 * a frequency when hz_freq (profile), else a period in ns (interval fires
 * on one CPU, where a fixed period is exact). */
void provider_time_spec(struct attach *a, const char *prov, const char *rest,
			struct loc loc, bool hz_freq)
{
	const char *colon = strchr(rest, ':');
	const struct unit *u;
	const char *count;
	char *unit;
	uint64_t n;

	if (!*rest)
		error_at(loc, "%s probe needs a unit and a count, e.g. %s", prov,
			 hz_freq ? "profile:hz:99" : "interval:s:1");
	if (colon) {
		unit = xstrndup(rest, colon - rest);
		count = colon + 1;
		if (!(u = find_unit(long_units, unit)))
			error_at(loc, "unknown time unit '%s' in %s:%s (expected s, ms, us, ns or hz)",
				 unit, prov, rest);
		if (!*count)
			error_at(loc, "%s:%s needs a count after the unit, e.g. %s:%s:1",
				 prov, rest, prov, unit);
	} else {
		size_t nd = strspn(rest, "0123456789_");
		unit = xstrdup(rest + nd);
		count = xstrndup(rest, nd);
		if (!nd && find_unit(long_units, rest))
			error_at(loc, "%s:%s needs a count after the unit, e.g. %s:%s:1",
				 prov, rest, prov, rest);
		if (!nd)
			error_at(loc, "%s:%s needs a unit and a count, e.g. %s", prov, rest,
				 hz_freq ? "profile:hz:99" : "interval:s:1");
		if (!*unit)
			error_at(loc, "%s:%s needs a time unit after the count, e.g. %s:%ss",
				 prov, rest, prov, rest);
		if (!(u = find_unit(short_units, unit)))
			error_at(loc, "unknown time unit '%s' in %s:%s (expected ns, us, ms, s, m, h, d or hz)",
				 unit, prov, rest);
	}
	if (!provider_uint(count, &n) || n == 0)
		error_at(loc, "invalid count '%s' in %s:%s: a positive integer expected",
			 count, prov, rest);

	if (u->ns == 0 && hz_freq) {
		a->period = n;
		a->freq = true;
	} else if (u->ns == 0) {
		if (n > 1000000000)
			error_at(loc, "%s:%s is too fast: at most 1000000000 hz", prov, rest);
		a->period = 1000000000 / n;
	} else {
		if (n > UINT64_MAX / u->ns)
			error_at(loc, "%s:%s is too long a period", prov, rest);
		a->period = n * u->ns;
	}
	a->config = PERF_COUNT_SW_CPU_CLOCK;
	a->target = xstrdup(rest);
	/* bpftrace's `probe` prints the count as a number: "interval:s:1" */
	a->name = colon ? xprintf("%s:%s:%llu", prov, unit, (unsigned long long)n)
			: xprintf("%s:%s", prov, rest);
}

/* -l: does pattern (NULL = everything) select this probe name? Patterns may
 * use the provider's alias: "t:sched:*". */
bool provider_list_match(const struct provider *p, const char *pattern, const char *name)
{
	if (!pattern || glob_match(pattern, name))
		return true;
	size_t n = p->alias ? strlen(p->alias) : 0;
	if (n && !strncmp(pattern, p->alias, n) && pattern[n] == ':')
		return glob_match(xprintf("%s%s", p->name, pattern + n), name);
	return false;
}

/* ------------------------------------------------------ attach */

static int attach_fail(struct attach *a, const char *what, int cpu, int err)
{
	fprintf(eout(), "wisp: error: cannot attach %s: %s on CPU %d: %s%s\n",
		a->name, what, cpu, strerror(-err),
		err == -EACCES || err == -EPERM ? " (need root)" : "");
	provider_close_fds(a);
	return err;
}

/* Open attr on the first online CPU, or on every one, and attach progfd to
 * each event. The fds are kept in a->fds for detach. */
int provider_perf_open(struct attach *a, int progfd, struct perf_event_attr *attr, bool every_cpu)
{
	int max = ncpus_possible();
	if (max < 1)
		max = 4096;
	int *cpus = xalloc(max * sizeof(int));
	int n = ncpus_online_list(cpus, max);
	if (n <= 0) {
		fprintf(eout(), "wisp: error: cannot attach %s: no online CPUs: %s\n",
			a->name, n < 0 ? strerror(-n) : "none listed");
		return n < 0 ? n : -ENODEV;
	}
	if (!every_cpu)
		n = 1;

	a->fds = xalloc(n * sizeof(int));
	a->nfds = 0;
	for (int i = 0; i < n; i++) {
		int fd = perf_event_open_(attr, -1, cpus[i], -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0)
			return attach_fail(a, "perf_event_open", cpus[i], fd);
		a->fds[a->nfds++] = fd;
		int r = perf_attach_bpf(fd, progfd);
		if (r < 0)
			return attach_fail(a, "attaching the program", cpus[i], r);
	}
	return 0;
}

static void close_fd(int fd)
{
	/* Linux closes the fd even when close() says EINTR */
	if (close(fd) < 0 && errno != EINTR)
		fprintf(eout(), "wisp: warning: cannot close perf event fd %d: %s\n",
			fd, strerror(errno));
}

void provider_close_fds(struct attach *a)
{
	for (int i = 0; i < a->nfds; i++)
		close_fd(a->fds[i]);
	a->nfds = 0;
}

/* ------------------------------------------------------ detach */

/* Two threads already reach the floor on this machine; a few more cost
 * little and help where the program detach part is slower. */
#define DETACH_THREADS 4

struct closer {
	int *fds;
	int n, first, stride;
};

static void *close_slice(void *arg)
{
	struct closer *c = arg;
	for (int i = c->first; i < c->n; i += c->stride)
		close_fd(c->fds[i]);
	return NULL;
}

/* Every fd of every attach, in one malloc'd array; the attaches forget them. */
static int *take_fds(struct vec *attaches, int *np)
{
	int n = 0, k = 0;
	for (int i = 0; i < attaches->n; i++)
		n += ((struct attach *)attaches->v[i])->nfds;
	*np = n;
	int *fds = malloc(n ? n * sizeof(int) : 1);
	if (!fds)
		return NULL;
	for (int i = 0; i < attaches->n; i++) {
		struct attach *a = attaches->v[i];
		for (int j = 0; j < a->nfds; j++)
			fds[k++] = a->fds[j];
		a->nfds = 0;
	}
	return fds;
}

static void close_parallel(int *fds, int n)
{
	int nt = n < DETACH_THREADS ? n : DETACH_THREADS;
	struct closer c[DETACH_THREADS];
	pthread_t th[DETACH_THREADS];
	bool started[DETACH_THREADS] = { false };
	pthread_attr_t attr;
	if (n == 0)
		return;
	bool have_attr = pthread_attr_init(&attr) == 0;

	/* small stacks: the routers this runs on have little memory */
	if (have_attr) {
		size_t stack = 64 * 1024;
		if (stack < (size_t)PTHREAD_STACK_MIN)
			stack = PTHREAD_STACK_MIN;
		pthread_attr_setstacksize(&attr, stack);
	}
	for (int k = 0; k < nt; k++) {
		c[k] = (struct closer){ fds, n, k, nt };
		if (k > 0)
			started[k] = pthread_create(&th[k], have_attr ? &attr : NULL,
						    close_slice, &c[k]) == 0;
	}
	close_slice(&c[0]);
	for (int k = 1; k < nt; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			close_slice(&c[k]);	/* no thread: do its share here */
	}
	if (have_attr)
		pthread_attr_destroy(&attr);
}

void provider_detach_all(struct vec *attaches)
{
	int n;
	int *fds = take_fds(attaches, &n);
	if (!fds) {
		/* no memory for the list: one at a time, as they are */
		for (int i = 0; i < attaches->n; i++)
			provider_close_fds(attaches->v[i]);
		return;
	}
	close_parallel(fds, n);
	free(fds);
	for (int i = 0; i < attaches->n; i++) {
		struct attach *a = attaches->v[i];
		if (a->tfs_event)
			provider_dyn_remove(a);
	}
}

/* ------------------------------------------------------ dynamic probes
 *
 * kprobes and uprobes are made one of two ways. Through the dynamic PMUs
 * (Linux 4.17+: "kprobe" and "uprobe" under /sys/bus/event_source/devices)
 * the probe is created with its perf event and removed when the fd is
 * closed, so nothing can be left behind, even when wisp is killed. Older
 * kernels need a definition written to tracefs kprobe_events/uprobe_events,
 * opened as a tracepoint and removed at detach. Those entries are named
 * wisp_PID/...: a later run removes the ones a killed wisp left.
 * WISP_FORCE_TRACEFS=1 takes the tracefs way on any kernel (the tests use
 * it to cover the old path). */

bool provider_force_tracefs(void)
{
	const char *s = getenv("WISP_FORCE_TRACEFS");
	return s && *s && strcmp(s, "0");
}

static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	return ok;
}

/* The type number of a dynamic PMU, and the config bit of the format
 * named fmt ("retprobe" is "config:0", "ref_ctr_offset" "config:32-63");
 * -1 when the PMU (or that format) does not exist. Read once: a wildcard
 * attaches hundreds of probes. */
static int pmu_read(const char *pmu, const char *fmt, int *bit);

int provider_pmu(const char *pmu, const char *fmt, int *bit)
{
	static struct {
		const char *pmu, *fmt;
		int type, bit;
	} seen[4];
	static int nseen;
	for (int i = 0; i < nseen; i++)
		if (!strcmp(seen[i].pmu, pmu) && !strcmp(seen[i].fmt, fmt ? fmt : "")) {
			*bit = seen[i].bit;
			return seen[i].type;
		}
	int b = 0, type = pmu_read(pmu, fmt, &b);
	if (nseen < 4) {	/* pmu and fmt are the callers' literals */
		seen[nseen].pmu = pmu;
		seen[nseen].fmt = fmt ? fmt : "";
		seen[nseen].type = type;
		seen[nseen++].bit = b;
	}
	*bit = b;
	return type;
}

static int pmu_read(const char *pmu, const char *fmt, int *bit)
{
	char buf[64];
	if (!read_line(xprintf("/sys/bus/event_source/devices/%s/type", pmu), buf, sizeof(buf)))
		return -1;
	int type = atoi(buf);
	if (fmt) {
		char *path = xprintf("/sys/bus/event_source/devices/%s/format/%s", pmu, fmt);
		if (!read_line(path, buf, sizeof(buf)) || strncmp(buf, "config:", 7))
			return -1;
		*bit = atoi(buf + 7);
	}
	return type;
}

/* Open attr (pid -1: on the first online CPU; else for that process on
 * every CPU) and attach progfd. -errno, with nothing said and nothing
 * kept, on failure. */
int provider_perf_try(struct attach *a, int progfd, struct perf_event_attr *attr, int pid)
{
	int cpu = -1;
	if (pid < 0 && ncpus_online_list(&cpu, 1) < 1)
		cpu = 0;
	int fd = perf_event_open_(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return fd;
	int r = perf_attach_bpf(fd, progfd);
	if (r < 0) {
		close(fd);
		return r;
	}
	a->fds = xalloc(sizeof(int));
	a->fds[0] = fd;
	a->nfds = 1;
	return 0;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* Remove the entries of wisp processes that no longer exist from file
 * ("kprobe_events"): lines read "p:wisp_123/name target". Once per file. */
static void remove_stale(const char *file)
{
	char *path = xprintf("%s/%s", tracefs_dir(), file);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	char line[512];
	struct vec dead = {0};
	while (fgets(line, sizeof(line), f)) {
		char *g = strchr(line, ':'), *end;
		if (!g || strncmp(g + 1, "wisp_", 5))
			continue;
		long pid = strtol(g + 6, &end, 10);
		if (end == g + 6 || *end != '/')
			continue;
		if (pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		vec_push(&dead, xstrndup(g + 1, strcspn(g + 1, " \n")));
	}
	fclose(f);
	for (int i = 0; i < dead.n; i++) {
		int r = write_str(path, xprintf("-:%s\n", (char *)dead.v[i]));
		if (r < 0)
			fprintf(eout(), "wisp: warning: cannot remove %s left by an earlier wisp: %s\n",
				(char *)dead.v[i], strerror(-r));
	}
}

/* Create "KIND:wisp_PID/NAME DEF" in tracefs file (kprobe_events,
 * uprobe_events) and return its tracepoint id; a->tfs_event keeps the
 * name for provider_dyn_remove. -errno, nothing said, on failure. */
int provider_dyn_create(struct attach *a, const char *file, char kind, const char *def)
{
	static int seq;
	static bool cleaned[2];
	bool k = file[0] == 'k';
	if (!cleaned[k]) {
		cleaned[k] = true;
		remove_stale(file);
	}
	/* event names are C identifiers of at most 64 bytes */
	char name[48];
	const char *s = a->func ? a->func : "addr";
	int n = 0;
	name[n++] = kind;
	name[n++] = '_';
	for (; *s && n < 32; s++)
		name[n++] = isalnum((unsigned char)*s) ? *s : '_';
	snprintf(name + n, sizeof(name) - n, "_%d", seq++);

	char *event = xprintf("wisp_%d/%s", (int)getpid(), name);
	int r = write_str(xprintf("%s/%s", tracefs_dir(), file),
			  xprintf("%c:%s %s\n", kind, event, def));
	if (r < 0)
		return r;
	a->tfs_event = event;
	a->nfds = 0;
	char buf[32];
	if (!read_line(xprintf("%s/events/%s/id", tracefs_dir(), event), buf, sizeof(buf))) {
		int err = -errno;
		provider_dyn_remove(a);
		return err;
	}
	return atoi(buf);
}

/* Close the attach's events, then remove its tracefs entry (the kernel
 * refuses while an event is open). */
void provider_dyn_remove(struct attach *a)
{
	provider_close_fds(a);
	if (!a->tfs_event)
		return;
	const char *file = a->probe && (a->probe->prov == &prov_kprobe ||
					a->probe->prov == &prov_kretprobe)
				   ? "kprobe_events" : "uprobe_events";
	int r = write_str(xprintf("%s/%s", tracefs_dir(), file), xprintf("-:%s\n", a->tfs_event));
	if (r < 0)
		fprintf(eout(), "wisp: warning: cannot remove %s from %s: %s\n",
			a->tfs_event, file, strerror(-r));
	a->tfs_event = NULL;
}

/* A perf event for a BPF program: tracepoint id (PERF_TYPE_TRACEPOINT),
 * or a kprobe/uprobe PMU's; disabled until perf_attach_bpf. */
struct perf_event_attr provider_event_attr(uint32_t type, uint64_t config)
{
	struct perf_event_attr attr = {0};
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	attr.sample_period = 1;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.wakeup_events = 1;
	attr.disabled = 1;
	return attr;
}

/* A tracepoint perf event on the entry provider_dyn_create made. */
int provider_dyn_open(struct attach *a, int progfd, int id, int pid)
{
	struct perf_event_attr attr = provider_event_attr(PERF_TYPE_TRACEPOINT, id);
	int r = provider_perf_try(a, progfd, &attr, pid);
	if (r < 0)
		provider_dyn_remove(a);
	return r;
}

/* How a kprobe's or uprobe's attach ends: 0 when made; a wildcard's match
 * the kernel refused is a warning (1: skipped); else an error at the
 * probe's spec, with why. */
int provider_attach_end(struct attach *a, int r, const char *why)
{
	if (r >= 0)
		return 0;
	if (a->optional) {
		fprintf(eout(), "wisp: warning: skipping %s: %s\n", a->name, why);
		return 1;
	}
	error_at(a->loc, "cannot attach %s: %s", a->name, why);
}

/* The end of an attach that made one fd (a raw tracepoint or BPF link):
 * keep it for detach, or report fd's error with why. */
int provider_attach_fd(struct attach *a, int fd, const char *why)
{
	if (fd >= 0) {
		a->fds = xalloc(sizeof(int));
		a->fds[0] = fd;
		a->nfds = 1;
	}
	return provider_attach_end(a, fd < 0 ? fd : 0, why);
}
