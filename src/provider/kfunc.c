/* kfunc.c - kernel function entry and return through BPF trampolines
 * (fentry/fexit, Linux 5.5+):
 *
 *   kfunc:vfs_read     fentry:vfs_*     kfunc:vmlinux:vfs_read   kfunc:ext4:ext4_sync_fs
 *   kretfunc:vfs_read  fexit:tcp_s*     kretfunc:ext4:*
 *
 * The functions are the FUNC records of the kernel's BTF: vmlinux's, then
 * each module's. A name without a module is looked for in vmlinux first
 * and then in the modules; a wildcard without one matches in all of them.
 * Every match is an attach named as bpftrace (0.20+) names it,
 * "kfunc:vmlinux:vfs_read", whatever alias was written.
 *
 * A tracing program is verified against one function, so each attach
 * carries what its load needs (run.c): the FUNC's BTF id, and for a
 * module's function the fd of that module's BTF object in the kernel.
 * The program's context is the function's arguments as an array of u64
 * (kretfunc: then the return value), typed by the FUNC's prototype.
 */
#include "wisp.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#define ENOTSUPP 524		/* the kernel's own, not in errno.h: no trampolines here */

static void push(struct probe *p, const char *prov, struct btf *b, int id, bool wild,
		 struct loc loc, struct vec *out)
{
	const char *mod = btf_module_name(b), *func = btf_name(b, id);
	int proto = btf_func_type(b, id);
	if (proto < 0) {
		/* a malformed BTF record: a wildcard can do without it */
		if (wild)
			return;
		error_at(loc, "%s:%s:%s: the kernel's BTF has no prototype for it", prov, mod, func);
	}
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->func = func;
	a->target = xprintf("%s:%s", mod, func);
	a->name = xprintf("%s:%s", prov, a->target);
	a->loc = loc;
	a->optional = wild;
	a->btf = b;
	a->proto = proto;
	a->btf_id = id;
	a->attach_type = strcmp(prov, "kfunc") ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY;
	if (strcmp(mod, "vmlinux")) {
		int fd = btf_module_fd(mod);
		if (fd < 0)
			error_at(loc, "cannot find the BTF of module %s in the kernel: %s%s", mod,
				 strerror(-fd), fd == -EPERM || fd == -EACCES ? " (need root)" : "");
		a->btf_obj_fd = fd;
	}
	vec_push(out, a);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The functions ftrace can trace, sorted: BTF also describes functions no
 * trampoline can be put on (__init ones, gone after boot; notrace ones),
 * which a wildcard should not offer. false when the list cannot be read
 * (then every BTF match is offered, and the kernel refuses some). Not
 * through tracefs_dir(): no tracefs is no reason to stop here. */
static bool traceable(struct vec *out)
{
	FILE *f = fopen("/sys/kernel/tracing/available_filter_functions", "re");
	if (!f)
		f = fopen("/sys/kernel/debug/tracing/available_filter_functions", "re");
	if (!f)
		return false;
	char line[512];
	while (fgets(line, sizeof(line), f))	/* "vfs_read" or "ext4_sync_fs [ext4]" */
		vec_push(out, xstrndup(line, strcspn(line, " \t\n")));
	fclose(f);
	if (out->n)
		qsort(out->v, out->n, sizeof(void *), cmp_str);
	return true;
}

/* Keep the matches ftrace can trace, when it says which. */
static void only_traceable(struct vec *btfs, struct vec *ids)
{
	struct vec ok = {0};
	if (!traceable(&ok))
		return;
	int k = 0;
	for (int i = 0; i < ids->n; i++) {
		const char *name = btf_name(btfs->v[i], (intptr_t)ids->v[i]);
		if (!bsearch(&name, ok.v, ok.n, sizeof(void *), cmp_str))
			continue;
		btfs->v[k] = btfs->v[i];
		ids->v[k++] = ids->v[i];
	}
	btfs->n = ids->n = k;
}

/* Split "MOD:FUNC" or "FUNC"; *mod is NULL when there is no module part. */
static const char *split_spec(const char *rest, char **mod)
{
	const char *colon = strchr(rest, ':');
	*mod = colon ? xstrndup(rest, colon - rest) : NULL;
	return colon ? colon + 1 : rest;
}

static void expand_as(const char *prov, struct probe *p, const char *rest, struct loc loc,
		      struct vec *out)
{
	char *mod;
	const char *func = split_spec(rest, &mod);
	if (!*func || (mod && !*mod) || strchr(func, ':'))
		error_at(loc, "%s needs a kernel function: %s:FUNCTION or %s:MODULE:FUNCTION",
			 prov, prov, prov);
	if (!btf_kernel())
		error_at(loc, "kfunc probes need the kernel's BTF: %s", btf_kernel_error());
	struct vec btfs = {0}, ids = {0};
	bool wild = has_wild(func) || (mod && has_wild(mod));
	int n = btf_kernel_match(mod, BTF_KIND_FUNC, func, &btfs, &ids);
	if (n > 0 && wild) {
		only_traceable(&btfs, &ids);
		n = ids.n;
	}
	if (n <= 0) {
		if (mod && !has_wild(mod) && !btf_module(mod))
			error_at(loc, "no BTF for kernel module '%s' (not loaded, or built "
				 "without BTF)", mod);
		const char *where = mod ? xprintf(" in %s's BTF", mod) : " in the kernel's BTF";
		if (wild)
			error_at(loc, "no traceable kernel function matches '%s'%s", rest, where);
		error_at(loc, "no kernel function '%s'%s", func, where);
	}
	for (int i = 0; i < n; i++)
		push(p, prov, btfs.v[i], (intptr_t)ids.v[i], wild, loc, out);
}

static void expand_kfunc(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("kfunc", p, rest, loc, out);
}

static void expand_kretfunc(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("kretfunc", p, rest, loc, out);
}

static const char *why(int err)
{
	switch (-err) {
	case EACCES:
	case EPERM:
		return "permission denied (need root; a locked-down kernel refuses it too)";
	case ENOTSUPP:
		return "this kernel has no BPF trampolines (fentry/fexit) for this architecture";
	case EBUSY:
		return "the function's trampoline is busy (too many programs on it)";
	case EINVAL:
		return "the kernel refuses a trampoline on this function";
	default:
		return strerror(-err);
	}
}

/* The program was loaded for its function (attach_btf_id): opening a raw
 * tracepoint with no name links it to that function's trampoline. */
static int attach(struct attach *a, int progfd)
{
	int fd = bpf_raw_tp_open(NULL, progfd);
	return provider_attach_fd(a, fd, fd < 0 ? why(fd) : NULL);
}

/* -lv: each parameter as declared, then the return value as bpftrace
 * shows them: "    struct file * file", "    ssize_t retval". */
static void print_params(struct btf *b, int proto)
{
	struct vec names = {0}, types = {0};
	char buf[256];
	int ret = btf_proto_params(b, proto, &names, &types);
	if (ret < 0)
		return;
	for (int i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		if (!strcmp(name, "...") && !types.v[i])
			printf("    ...\n");
		else if (btf_type_str(b, (intptr_t)types.v[i], buf, sizeof(buf)) >= 0)
			printf("    %s%s%s\n", buf, *name ? " " : "", name);
	}
	if (ret && btf_type_str(b, ret, buf, sizeof(buf)) >= 0)
		printf("    %s retval\n", buf);
}

/* -l kfunc:GLOB, kfunc:MOD:GLOB (main.c passes the provider's own name).
 * Nothing on a kernel without BTF: no kfunc could attach there. */
static void list_as(const char *prov, const char *pattern, bool verbose)
{
	const char *colon = strchr(pattern, ':');
	char *mod;
	const char *func = split_spec(colon ? colon + 1 : "*", &mod);
	if (!*func)
		func = "*";
	if (!btf_kernel())
		return;
	struct vec btfs = {0}, ids = {0};
	if (btf_kernel_match(mod, BTF_KIND_FUNC, func, &btfs, &ids) <= 0)
		return;
	only_traceable(&btfs, &ids);
	for (int i = 0; i < ids.n; i++) {
		struct btf *b = btfs.v[i];
		int id = (intptr_t)ids.v[i];
		printf("%s:%s:%s\n", prov, btf_module_name(b), btf_name(b, id));
		if (verbose)
			print_params(b, btf_func_type(b, id));
	}
}

static void list_kfunc(const char *pattern, bool verbose)
{
	list_as("kfunc", pattern, verbose);
}

static void list_kretfunc(const char *pattern, bool verbose)
{
	list_as("kretfunc", pattern, verbose);
}

const struct provider prov_kfunc = {
	.name = "kfunc",
	.alias = "fentry",
	.prog_type = BPF_PROG_TYPE_TRACING,
	.caps = PC_CTXARGS,
	.expand = expand_kfunc,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list_kfunc,
};

const struct provider prov_kretfunc = {
	.name = "kretfunc",
	.alias = "fexit",
	.prog_type = BPF_PROG_TYPE_TRACING,
	.caps = PC_CTXARGS | PC_RET,
	.expand = expand_kretfunc,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list_kretfunc,
};
