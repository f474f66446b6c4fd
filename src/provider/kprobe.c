/* kprobe.c - placeholder */
#include "wisp.h"
static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{ (void)p; (void)rest; (void)out; error_at(loc, "kprobes are not supported yet"); }
const struct provider prov_kprobe = { .name = "kprobe", .alias = "k", .prog_type = BPF_PROG_TYPE_KPROBE, .expand = expand, .detach = provider_close_fds };
const struct provider prov_kretprobe = { .name = "kretprobe", .alias = "kr", .prog_type = BPF_PROG_TYPE_KPROBE, .expand = expand, .detach = provider_close_fds };
