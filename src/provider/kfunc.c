/* kfunc.c - kfunc/fentry and kretfunc/fexit (being written) */
#include "wisp.h"

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	(void)p; (void)rest; (void)out;
	error_at(loc, "kfunc probes are not supported yet");
}
static int attach(struct attach *a, int progfd) { (void)a; (void)progfd; return -1; }
static void detach(struct attach *a) { (void)a; }
static void list(const char *pattern, bool verbose) { (void)pattern; (void)verbose; }

const struct provider prov_kfunc = {
	.name = "kfunc", .alias = "fentry", .prog_type = BPF_PROG_TYPE_TRACING,
	.caps = PC_CTXARGS, .expand = expand, .attach = attach, .detach = detach, .list = list,
};
const struct provider prov_kretfunc = {
	.name = "kretfunc", .alias = "fexit", .prog_type = BPF_PROG_TYPE_TRACING,
	.caps = PC_CTXARGS | PC_RET, .expand = expand, .attach = attach, .detach = detach, .list = list,
};
