/* interval.c - a timer on one CPU: interval:s:1, interval:ms:100,
 * interval:us:500, interval:hz:10, and the short interval:1s / 100ms.
 *
 * A cpu-clock software perf event on the first online CPU, its sample
 * period the interval in ns (hz too: 1e9/N, exact for a clock). One CPU
 * because an interval probe is meant to run once per interval, not once
 * per CPU. */
#include "wisp.h"
#include <string.h>

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	provider_time_spec(a, "interval", rest, loc, false);
	vec_push(out, a);
}

static int attach(struct attach *a, int progfd)
{
	struct perf_event_attr attr = {0};
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = a->period;
	attr.disabled = 1;
	return provider_perf_open(a, progfd, &attr, false);
}

/* nothing to list: any count goes */
static void list(const char *pattern, bool verbose)
{
	(void)pattern;
	(void)verbose;
}

const struct provider prov_interval = {
	.name = "interval",
	.alias = "i",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = expand,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list,
};
