/* profile.c - sampling on every CPU: profile:hz:99, profile:s:1,
 * profile:ms:10, profile:us:100, and the short profile:99hz / 10ms.
 *
 * One cpu-clock software perf event per online CPU. hz asks the kernel for
 * a frequency (it adjusts the period itself); the other units are a fixed
 * period in ns. */
#include "wisp.h"

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	provider_time_spec(a, "profile", rest, loc, true);
	vec_push(out, a);
}

static int attach(struct attach *a, int progfd)
{
	struct perf_event_attr attr = {0};
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	if (a->freq) {
		attr.freq = 1;
		attr.sample_freq = a->period;
	} else {
		attr.sample_period = a->period;
	}
	attr.disabled = 1;
	return provider_perf_open(a, progfd, &attr, true);
}

static void list(const char *pattern, bool verbose)
{
	(void)pattern;
	(void)verbose;
}

const struct provider prov_profile = {
	.name = "profile",
	.alias = "p",
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.expand = expand,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list,
};
