/* usdt.c - placeholder: being written (see wisp.h for the interface). */
#include "wisp.h"
#include <string.h>
bool usdt_parse_args(const char *spec, struct usdt_arg **out, int *n, char *err, size_t errlen)
{ (void)spec; (void)out; (void)n; snprintf(err, errlen, "not yet"); return false; }
static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{ (void)p; (void)rest; (void)out; error_at(loc, "usdt probes are not supported yet"); }
const struct provider prov_usdt = {
	.name = "usdt", .alias = "U", .prog_type = BPF_PROG_TYPE_KPROBE,
	.expand = expand, .attach = provider_uprobe_attach, .detach = provider_uprobe_detach,
};
