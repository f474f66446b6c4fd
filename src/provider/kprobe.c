/* kprobe.c - dynamic probes on kernel functions:
 *
 *   kprobe:vfs_read     k:vfs_read+16     k:vfs_*     kprobe:ext4:ext4_sync_fs
 *   kretprobe:vfs_read  kr:tcp_s*         kprobe:0xffffffff81234560
 *
 * A wildcard is matched against the functions the kernel can probe: the
 * list in tracefs available_filter_functions where it is readable, else
 * the text symbols of /proc/kallsyms; either way without the kprobe
 * blacklist (debugfs kprobes/blacklist). Every match is its own attach and
 * all of them share one program (unless the probe reads `func` or
 * `probe`). A match the kernel refuses only draws a warning; a probe none
 * of whose matches attach is an error.
 *
 * The program sees the function's struct pt_regs: argN and retval come
 * from the registers the architecture table names. Kernels whose syscalls
 * go through wrappers (__x64_sys_read, __arm64_sys_read) pass those a
 * pointer to the user's pt_regs; on a probe there, arg0.. are the
 * syscall's own arguments, read from that pt_regs (codegen.c).
 */
#include "wisp.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compat.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Function names worth offering a wildcard: not the compiler's split-off
 * parts (foo.cold, foo.isra.0) unless asked for, nor the padding and CFI
 * symbols of newer kernels. */
static bool plain_name(const char *name, const char *pat)
{
	if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
		return false;
	return !strchr(name, '.') || strchr(pat, '.');
}

/* The kprobe blacklist, sorted, or an empty list when it is not readable
 * (the kernel refuses those functions at attach anyway). */
static struct vec blacklist(void)
{
	struct vec v = {0};
	FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "re");
	if (!f)
		return v;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *name = strpbrk(line, " \t");	/* "0xSTART-0xEND\tname" */
		if (!name)
			continue;
		name += strspn(name, " \t");
		vec_push(&v, xstrndup(name, strcspn(name, " \t\n")));
	}
	fclose(f);
	if (v.n)
		qsort(v.v, v.n, sizeof(v.v[0]), cmp_str);
	return v;
}

/* Every probeable function matching pat, sorted, without duplicates.
 * Returns the source read, for messages. */
static const char *functions(const char *pat, struct vec *out)
{
	const char *src = xprintf("%s/available_filter_functions", tracefs_dir());
	FILE *f = fopen(src, "re");
	bool kallsyms = !f;
	if (kallsyms) {
		src = "/proc/kallsyms";
		f = fopen(src, "re");
		if (!f)
			fatal("cannot read %s to expand a kprobe wildcard: %s", src, strerror(errno));
	}
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char *name = line;
		if (kallsyms) {
			/* "ffffffff81234560 T vfs_read	[module]": text symbols only */
			char *type = strchr(line, ' ');
			if (!type || !type[1] || !strchr("TtWw", type[1]) || type[2] != ' ')
				continue;
			name = type + 3;
		}
		name[strcspn(name, " \t\n")] = '\0';
		if (*name && plain_name(name, pat) && glob_match(pat, name))
			vec_push(out, xstrdup(name));
	}
	fclose(f);
	if (!out->n)
		return src;
	qsort(out->v, out->n, sizeof(out->v[0]), cmp_str);
	struct vec bl = blacklist();
	int k = 0;
	for (int i = 0; i < out->n; i++) {
		if (k && !strcmp(out->v[k - 1], out->v[i]))
			continue;
		if (bl.n && bsearch(&out->v[i], bl.v, bl.n, sizeof(bl.v[0]), cmp_str))
			continue;
		out->v[k++] = out->v[i];
	}
	out->n = k;
	return src;
}

static void push(struct probe *p, const char *prov, const char *func, uint64_t off,
		 bool wild, struct vec *out)
{
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->func = func;
	a->off = off;
	a->ret = !strcmp(prov, "kretprobe");
	a->optional = wild;
	if (!func)
		a->target = xprintf("0x%llx", (unsigned long long)off);
	else if (off)
		a->target = xprintf("%s+%llu", func, (unsigned long long)off);
	else
		a->target = func;
	a->name = xprintf("%s:%s", prov, a->target);
	vec_push(out, a);
}

/* FUNC, FUNC+OFF, MODULE:FUNC, 0xADDR, or a wildcard over function names */
static void expand_as(const char *prov, struct probe *p, const char *rest, struct loc loc,
		      struct vec *out)
{
	bool ret = !strcmp(prov, "kretprobe");
	if (!*rest)
		error_at(loc, "%s needs a kernel function, e.g. %s:vfs_read", prov, prov);
	uint64_t v;
	if (!strncmp(rest, "0x", 2) && provider_uint(rest, &v)) {
		push(p, prov, NULL, v, false, out);
		return;
	}
	char *func = xstrdup(rest);
	uint64_t off = 0;
	char *plus = strchr(func, '+');
	if (plus) {
		*plus = '\0';
		if (ret)
			error_at(loc, "kretprobe:%s: a return probe takes no offset", rest);
		if (!provider_uint(plus + 1, &off))
			error_at(loc, "invalid offset '%s' in %s:%s", plus + 1, prov, rest);
	}
	const char *colon = strrchr(func, ':');
	if (!*func || (colon && !colon[1]))
		error_at(loc, "%s needs a kernel function, e.g. %s:vfs_read", prov, prov);
	if (!has_wild(func)) {
		push(p, prov, func, off, false, out);
		return;
	}
	if (colon)
		error_at(loc, "wildcards are matched against kernel function names: write %s:%s",
			 prov, colon + 1);
	if (off)
		error_at(loc, "a wildcard probe takes no offset");
	struct vec found = {0};
	const char *src = functions(func, &found);
	if (!found.n)
		error_at(loc, "no kernel function matches '%s' (in %s)", func, src);
	for (int i = 0; i < found.n; i++)
		push(p, prov, found.v[i], 0, true, out);
}

static void expand_k(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("kprobe", p, rest, loc, out);
}

static void expand_kr(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("kretprobe", p, rest, loc, out);
}

static const char *why(int err, struct attach *a)
{
	switch (-err) {
	case ENOENT:
		return a->func ? "no kernel function of that name (or its module is not loaded)"
			       : "no kernel code at that address";
	case EINVAL:
		return "the kernel refuses a probe there (a notrace or blacklisted function, or not code)";
	case EILSEQ:
		return "the offset is not at an instruction boundary";
	case EADDRNOTAVAIL:
		return "several kernel functions have that name";
	case EACCES:
	case EPERM:
		return "permission denied (need root)";
	default:
		return strerror(-err);
	}
}

static int attach(struct attach *a, int progfd)
{
	int bit = 0, type = -1, r;
	if (!provider_force_tracefs())
		type = provider_pmu("kprobe", "retprobe", &bit);
	if (type >= 0) {
		struct perf_event_attr attr = provider_event_attr(type, a->ret ? 1ull << bit : 0);
		attr.kprobe_func = a->func ? (uint64_t)(uintptr_t)a->func : 0;
		attr.probe_offset = a->off;
		r = provider_perf_try(a, progfd, &attr, -1);
	} else {
		const char *def = a->func ? (a->off ? xprintf("%s+%llu", a->func,
							      (unsigned long long)a->off) : a->func)
					  : xprintf("0x%llx", (unsigned long long)a->off);
		r = provider_dyn_create(a, "kprobe_events", a->ret ? 'r' : 'p', def);
		if (r == -ENOENT && a->tfs_event == NULL && access(xprintf("%s/kprobe_events",
				tracefs_dir()), F_OK) < 0)
			error_at(a->loc, "cannot attach %s: this kernel has no kprobes "
				 "(no kprobe PMU, no kprobe_events in %s)", a->name, tracefs_dir());
		if (r >= 0)
			r = provider_dyn_open(a, progfd, r, -1);
	}
	return provider_attach_end(a, r, why(r, a));
}

/* -l kprobe:vfs_* (main.c passes "kprobe:GLOB"). Return probes are not
 * listed apart: bpftrace neither. Nothing on a kernel without kprobes. */
static void list(const char *pattern, bool verbose)
{
	(void)verbose;
	int bit;
	if (provider_pmu("kprobe", NULL, &bit) < 0 &&
	    access(xprintf("%s/kprobe_events", tracefs_dir()), F_OK) < 0)
		return;	/* a kernel without kprobes: nothing could attach */
	const char *pat = strchr(pattern, ':') + 1;
	struct vec found = {0};
	functions(pat, &found);
	for (int i = 0; i < found.n; i++)
		printf("kprobe:%s\n", (char *)found.v[i]);
}

const struct provider prov_kprobe = {
	.name = "kprobe",
	.alias = "k",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.caps = PC_REGS,
	.expand = expand_k,
	.attach = attach,
	.detach = provider_dyn_remove,
	.list = list,
};

const struct provider prov_kretprobe = {
	.name = "kretprobe",
	.alias = "kr",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.caps = PC_REGS | PC_RET,
	.expand = expand_kr,
	.attach = attach,
	.detach = provider_dyn_remove,
};
