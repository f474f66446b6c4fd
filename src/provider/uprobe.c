/* uprobe.c - placeholder */
#include "wisp.h"
static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{ (void)p; (void)rest; (void)out; error_at(loc, "uprobes are not supported yet"); }
int provider_uprobe_attach(struct attach *a, int progfd) { (void)a; (void)progfd; return -1; }
void provider_uprobe_detach(struct attach *a) { provider_close_fds(a); }
const struct provider prov_uprobe = { .name = "uprobe", .alias = "u", .prog_type = BPF_PROG_TYPE_KPROBE, .expand = expand, .attach = provider_uprobe_attach, .detach = provider_uprobe_detach };
const struct provider prov_uretprobe = { .name = "uretprobe", .alias = "ur", .prog_type = BPF_PROG_TYPE_KPROBE, .expand = expand, .attach = provider_uprobe_attach, .detach = provider_uprobe_detach };
