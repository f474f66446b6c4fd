/* rawtracepoint.c - the kernel's tracepoints as raw tracepoints (4.17+):
 *
 *   rawtracepoint:sched_switch    rt:sched_*    rawtracepoint:kvm:kvm_exit
 *   rawtracepoint:sched:sched_switch (a tracefs category, as tracepoint: has)
 *
 * A raw tracepoint hands the program the arguments the kernel passed to
 * trace_sched_switch(), not the formatted record tracepoint: reads, as an
 * array of u64: argN is ctx[N]. Cheaper to run and to release than a
 * tracepoint, and it sees tracepoints that have no tracefs event.
 *
 * The arguments' types come from BTF. For each tracepoint the kernel has
 * a typedef btf_trace_NAME, a pointer to the prototype of its probes,
 * whose first parameter (void *__data) is the kernel's own, not the
 * tracepoint's: hence proto_skip 1. That typedef's parameters have no
 * names; the same prototype with names is __probestub_NAME's (6.4+) or
 * __bpf_trace_CLASS's (the class is the event's own name unless it was
 * made with DEFINE_EVENT), used when found. Without BTF (embedded kernels)
 * the names are tracefs's events and arg0.. are untyped.
 *
 * The part before the name is a module whose BTF has the tracepoint
 * ("vmlinux" for the kernel's own, or a glob of modules), else a tracefs
 * category, which only narrows the names.
 */
#include "wisp.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>

#define PREFIX "btf_trace_"

struct tp {
	const char *name;	/* "sched_switch" */
	const char *mod;	/* its module's name, NULL for vmlinux's (or unknown) */
	struct btf *btf;	/* NULL without BTF */
	int proto;		/* 0 when unknown */
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Do prototypes p and q have the same parameter types? */
static bool same_params(struct btf *b, int p, int q)
{
	struct vec tp = {0}, tq = {0};
	if (btf_proto_params(b, p, NULL, &tp) < 0 || btf_proto_params(b, q, NULL, &tq) < 0 ||
	    tp.n != tq.n)
		return false;
	for (int i = 0; i < tp.n; i++)
		if (tp.v[i] != tq.v[i])
			return false;
	return true;
}

/* The prototype of tracepoint name, with parameter names when the kernel
 * has a function that carries them (see the top); 0 when none. */
static int proto_of(struct btf *b, const char *name, int typedef_id)
{
	int proto = btf_pointee(b, typedef_id);
	if (btf_kind(b, proto) != BTF_KIND_FUNC_PROTO)
		return 0;
	static const char *const named[] = { "__probestub_", "__bpf_trace_" };
	for (int i = 0; i < 2; i++) {
		int f = btf_func_type(b, btf_find(b, xprintf("%s%s", named[i], name),
						  BTF_KIND_FUNC));
		if (f > 0 && same_params(b, f, proto))
			return f;
	}
	return proto;
}

static void push_tp(struct vec *out, const char *name, const char *mod, struct btf *b,
		    int proto)
{
	struct tp *t = xalloc(sizeof(*t));
	*t = (struct tp){ name, mod, b, proto };
	vec_push(out, t);
}

/* The tracefs events matching cat:pat, by name, once each; -errno. */
static int tracefs_names(const char *cat, const char *pat, struct vec *names)
{
	struct vec found = {0};
	int r = tp_list(cat, pat, &found);
	if (r < 0)
		return r;
	for (int i = 0; i < found.n; i++)
		vec_push(names, strchr(found.v[i], ':') + 1);
	if (names->n)
		qsort(names->v, names->n, sizeof(void *), cmp_str);
	int k = 0;
	for (int i = 0; i < names->n; i++)
		if (!k || strcmp(names->v[k - 1], names->v[i]))
			names->v[k++] = names->v[i];
	names->n = k;
	return k;
}

/* The tracepoints qual:pat names (qual NULL when the spec had none) as
 * struct tp *: from BTF when the kernel has it, else from tracefs. The
 * count, or -errno when tracefs cannot be listed. */
static int collect(const char *qual, const char *pat, struct vec *out)
{
	struct btf *k = btf_kernel();
	bool by_mod = k && qual && (!strcmp(qual, "vmlinux") || has_wild(qual) ||
				    btf_module(qual));
	const char *cat = qual && !by_mod ? qual : NULL;
	struct vec names = {0};
	if (!k) {
		int r = tracefs_names(cat && strcmp(cat, "vmlinux") ? cat : "*", pat, &names);
		for (int i = 0; i < r; i++)
			push_tp(out, names.v[i], NULL, NULL, 0);
		return r;
	}
	if (cat) {		/* only the category's names */
		int r = tracefs_names(cat, pat, &names);
		if (r <= 0)
			return r;
	}
	struct vec btfs = {0}, ids = {0};
	int n = btf_kernel_match(by_mod ? qual : NULL, BTF_KIND_TYPEDEF,
				 xprintf(PREFIX "%s", pat), &btfs, &ids);
	for (int i = 0; i < n; i++) {
		struct btf *b = btfs.v[i];
		int id = (intptr_t)ids.v[i];
		const char *name = btf_name(b, id) + strlen(PREFIX);
		if (cat && !bsearch(&name, names.v, names.n, sizeof(void *), cmp_str))
			continue;
		const char *mod = btf_module_name(b);
		push_tp(out, name, strcmp(mod, "vmlinux") ? mod : NULL, b, proto_of(b, name, id));
	}
	/* a tracepoint BTF does not describe (a module without BTF): untyped */
	if (!out->n && !has_wild(pat) && !by_mod) {
		names.n = 0;
		int r = tracefs_names(cat ? cat : "*", pat, &names);
		if (r > 0)
			push_tp(out, names.v[0], NULL, NULL, 0);
	}
	return out->n;
}

/* Split "QUAL:NAME" or "NAME"; *qual is NULL when there is no first part. */
static const char *split_spec(const char *rest, char **qual)
{
	const char *colon = strchr(rest, ':');
	*qual = colon ? xstrndup(rest, colon - rest) : NULL;
	return colon ? colon + 1 : rest;
}

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	char *qual;
	const char *name = split_spec(rest, &qual);
	if (!*name || (qual && !*qual) || strchr(name, ':'))
		error_at(loc, "rawtracepoint needs a tracepoint: rawtracepoint:NAME or "
			 "rawtracepoint:MODULE:NAME, e.g. rawtracepoint:sched_switch");
	struct vec found = {0};
	int r = collect(qual, name, &found);
	if (r < 0)
		error_at(loc, "cannot list the tracepoints in %s/events: %s", tracefs_dir(),
			 strerror(-r));
	if (r == 0) {
		const char *in = qual ? xprintf(" in %s", qual) : "";
		if (has_wild(name) || (qual && has_wild(qual)))
			error_at(loc, "no raw tracepoint matches '%s'%s", name, in);
		error_at(loc, "no raw tracepoint '%s'%s", name, in);
	}
	bool wild = has_wild(name) || (qual && has_wild(qual));
	for (int i = 0; i < found.n; i++) {
		struct tp *t = found.v[i];
		struct attach *a = xalloc(sizeof(*a));
		a->probe = p;
		a->func = t->name;
		a->target = t->mod ? xprintf("%s:%s", t->mod, t->name) : t->name;
		a->name = xprintf("rawtracepoint:%s", a->target);
		a->loc = loc;
		a->optional = wild;
		a->btf = t->btf;
		a->proto = t->proto;
		a->proto_skip = t->proto ? 1 : 0;
		vec_push(out, a);
	}
}

static const char *why(int err)
{
	switch (-err) {
	case ENOENT:
		return "no tracepoint of that name (or its module is not loaded)";
	case EACCES:
	case EPERM:
		return "permission denied (need root)";
	case EINVAL:
		return "the kernel refuses it (raw tracepoints need Linux 4.17)";
	default:
		return strerror(-err);
	}
}

static int attach(struct attach *a, int progfd)
{
	int fd = bpf_raw_tp_open(a->func, progfd);
	return provider_attach_fd(a, fd, fd < 0 ? why(fd) : NULL);
}

/* -lv: the tracepoint's own parameters, without the kernel's __data */
static void print_params(struct btf *b, int proto)
{
	struct vec names = {0}, types = {0};
	char buf[256];
	if (!proto || btf_proto_params(b, proto, &names, &types) < 0)
		return;
	for (int i = 1; i < names.n; i++) {
		const char *name = names.v[i];
		if (btf_type_str(b, (intptr_t)types.v[i], buf, sizeof(buf)) >= 0)
			printf("    %s%s%s\n", buf, *name ? " " : "", name);
	}
}

/* -l rawtracepoint:GLOB, rawtracepoint:MOD:GLOB, rawtracepoint:CAT:GLOB */
static void list(const char *pattern, bool verbose)
{
	const char *colon = strchr(pattern, ':');
	char *qual;
	const char *name = split_spec(colon ? colon + 1 : "*", &qual);
	if (!*name)
		name = "*";
	struct vec found = {0};
	if (collect(qual, name, &found) < 0)
		return;
	for (int i = 0; i < found.n; i++) {
		struct tp *t = found.v[i];
		if (t->mod)
			printf("rawtracepoint:%s:%s\n", t->mod, t->name);
		else
			printf("rawtracepoint:%s\n", t->name);
		if (verbose)
			print_params(t->btf, t->proto);
	}
}

const struct provider prov_rawtracepoint = {
	.name = "rawtracepoint",
	.alias = "rt",
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.caps = PC_CTXARGS,
	.expand = expand,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list,
};
