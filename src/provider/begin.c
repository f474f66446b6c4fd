/* begin.c - BEGIN and END: probes that no event fires. run.c runs their
 * programs itself (BPF_PROG_TEST_RUN) before the first event and after the
 * last, so there is nothing to attach; the program type is one that
 * test-run accepts and that may call the helpers a probe uses. */
#include "wisp.h"

static void expand_special(const char *name, struct probe *p, const char *rest,
			   struct loc loc, struct vec *out)
{
	/* rest is whatever follows the name, colon included */
	if (*rest)
		error_at(loc, "%s takes no arguments: unexpected '%s'", name, rest);
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->name = name;
	a->target = "";
	vec_push(out, a);
}

static void expand_begin(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_special("BEGIN", p, rest, loc, out);
}

static void expand_end(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_special("END", p, rest, loc, out);
}

static int attach_none(struct attach *a, int progfd)
{
	(void)a;
	(void)progfd;
	return 0;
}

static void detach_none(struct attach *a)
{
	(void)a;
}

/* bpftrace -l lists neither */
static void list_none(const char *pattern, bool verbose)
{
	(void)pattern;
	(void)verbose;
}

const struct provider prov_begin = {
	.name = "BEGIN",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = expand_begin,
	.attach = attach_none,
	.detach = detach_none,
	.list = list_none,
};

const struct provider prov_end = {
	.name = "END",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.expand = expand_end,
	.attach = attach_none,
	.detach = detach_none,
	.list = list_none,
};
