/* software.c - the kernel's software perf events, counted on every CPU:
 *
 *   software:page-faults:100    s:faults:1    software:cs
 *
 * The program runs once every COUNT events (on each CPU); without a count,
 * bpftrace's default for the event. The names and aliases are perf's.
 */
#include "wisp.h"
#include <string.h>

static const struct swevent {
	const char *name, *alias;
	int config;
	uint64_t period;	/* bpftrace's default sample period */
} events[] = {
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1 },
};
#define NEVENTS (int)(sizeof(events) / sizeof(events[0]))

static const struct swevent *find(const char *name)
{
	for (int i = 0; i < NEVENTS; i++)
		if (!strcmp(events[i].name, name) ||
		    (events[i].alias && !strcmp(events[i].alias, name)))
			return &events[i];
	return NULL;
}

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	size_t n = strcspn(rest, ":");
	char *name = xstrndup(rest, n);
	if (!n)
		error_at(loc, "software probe needs an event name, e.g. software:page-faults:100");
	const struct swevent *ev = find(name);
	if (!ev)
		error_at(loc, "unknown software event '%s' (expected alignment-faults, bpf-output, "
			 "context-switches or cs, cpu-clock or cpu, cpu-migrations, dummy, "
			 "emulation-faults, major-faults, minor-faults, page-faults or faults, "
			 "task-clock)", name);

	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->config = ev->config;
	a->period = ev->period;
	a->target = xstrdup(rest);
	/* as bpftrace's `probe` says it: the name as written, then the count */
	a->name = xprintf("software:%s", name);
	if (rest[n]) {
		const char *count = rest + n + 1;
		if (!provider_uint(count, &a->period) || a->period == 0)
			error_at(loc, "invalid count '%s' in software:%s: a positive integer expected",
				 count, rest);
		a->name = xprintf("software:%s:%llu", name, (unsigned long long)a->period);
	}
	vec_push(out, a);
}

static int attach(struct attach *a, int progfd)
{
	struct perf_event_attr attr = {0};
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = a->config;
	attr.sample_period = a->period;
	attr.disabled = 1;
	return provider_perf_open(a, progfd, &attr, true);
}

/* "software:cpu-clock:" as bpftrace -l prints them; a pattern may name the
 * event with or without the trailing colon, or by its alias. */
static void list(const char *pattern, bool verbose)
{
	(void)verbose;
	for (int i = 0; i < NEVENTS; i++) {
		const struct swevent *ev = &events[i];
		char *full = xprintf("software:%s:", ev->name);
		bool hit = provider_list_match(&prov_software, pattern, full) ||
			   provider_list_match(&prov_software, pattern, xprintf("software:%s", ev->name)) ||
			   (ev->alias && provider_list_match(&prov_software, pattern,
							     xprintf("software:%s", ev->alias)));
		if (hit)
			printf("%s\n", full);
	}
}

const struct provider prov_software = {
	.name = "software",
	.alias = "s",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = expand,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list,
};
