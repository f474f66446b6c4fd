/* uprobe.c - dynamic probes on user-space code:
 *
 *   uprobe:/bin/bash:readline     u:/bin/bash:readline+4     u:/bin/bash:0x4f1a0
 *   uretprobe:libc:malloc         ur:/usr/bin/x:read*        uprobe:bash:main
 *
 * The first part names an ELF file: a path, or a library or program name
 * that elf_find() looks up as the dynamic linker would (and in $PATH; with
 * -p PID, in that process's mappings first). The second part is a symbol
 * (wildcards match function symbols), symbol+offset, or an address. Each
 * becomes a file offset (through the segment that maps it), which is what
 * the kernel places a uprobe at; every process mapping the file hits it,
 * or only the -p process.
 *
 * 32-bit ARM: uprobes work on ARM-mode code only. A Thumb function (its
 * symbol's address has bit 0 set) is refused with a reason: placed at the
 * masked address it would never fire, at the odd one the kernel says
 * EINVAL.
 *
 * The attach half (provider_uprobe_attach) serves usdt.c too: the uprobe
 * PMU (Linux 4.17+; USDT semaphores through its ref_ctr_offset, 4.20+),
 * else tracefs uprobe_events.
 */
#include "wisp.h"
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compat.h"

/* PATH:SYM -> the ELF file, opened; error_at when either part is wrong. */
static struct elf *open_target(const char *prov, const char *rest, struct loc loc,
			       const char **path, const char **sym)
{
	const char *colon = strchr(rest, ':');
	if (!colon || colon == rest || !colon[1])
		error_at(loc, "%s needs a file and a symbol, e.g. %s:/bin/bash:readline", prov, prov);
	char *name = xstrndup(rest, colon - rest);
	if (has_wild(name))
		error_at(loc, "%s: wildcards are matched against symbols, not files ('%s')", prov, name);
	char err[512];
	*path = elf_find(name, opt_pid, err, sizeof(err));
	if (!*path)
		error_at(loc, "%s", err);
	struct elf *e = elf_open(*path, err, sizeof(err));
	if (!e)
		error_at(loc, "%s: %s", *path, err);
	*sym = colon + 1;
	return e;
}

static const struct elf_sym *find_sym(struct vec *syms, const char *name)
{
	for (int i = 0; i < syms->n; i++) {
		struct elf_sym *s = syms->v[i];
		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

static void push(struct probe *p, const char *prov, struct elf *e, const char *path,
		 const char *func, uint64_t vaddr, uint64_t off, bool wild, struct loc loc,
		 struct vec *out)
{
	if (elf_machine(e) == EM_ARM && (vaddr & 1)) {
		if (wild) {
			fprintf(eout(), "wisp: warning: skipping %s:%s:%s: Thumb code cannot be "
				"uprobed (only ARM-mode code)\n", prov, path, func);
			return;
		}
		error_at(loc, "%s:%s is Thumb code: uprobes on 32-bit ARM work only on ARM-mode "
			 "code (build it with -marm)", path, func ? func : "address");
	}
	uint64_t foff;
	if (!elf_vaddr_off(e, vaddr + off, &foff))
		error_at(loc, "%s: address 0x%llx is in no loaded segment", path,
			 (unsigned long long)(vaddr + off));
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->path = path;
	a->func = func;
	a->off = foff;
	a->ret = !strcmp(prov, "uretprobe");
	a->optional = wild;
	if (!func)
		a->target = xprintf("%s:0x%llx", path, (unsigned long long)vaddr);
	else if (off)
		a->target = xprintf("%s:%s+%llu", path, func, (unsigned long long)off);
	else
		a->target = xprintf("%s:%s", path, func);
	a->name = xprintf("%s:%s", prov, a->target);
	vec_push(out, a);
}

static void expand_as(const char *prov, struct probe *p, const char *rest, struct loc loc,
		      struct vec *out)
{
	const char *path, *spec;
	struct elf *e = open_target(prov, rest, loc, &path, &spec);
	uint64_t v;
	if (!strncmp(spec, "0x", 2) && provider_uint(spec, &v)) {
		push(p, prov, e, path, NULL, v, 0, false, loc, out);
		elf_close(e);
		return;
	}
	char *sym = xstrdup(spec);
	uint64_t off = 0;
	char *plus = strchr(sym, '+');
	if (plus) {
		*plus = '\0';
		if (!strcmp(prov, "uretprobe"))
			error_at(loc, "%s: a return probe takes no offset", spec);
		if (!provider_uint(plus + 1, &off))
			error_at(loc, "invalid offset '%s' in %s:%s", plus + 1, prov, rest);
	}
	struct vec syms = {0};
	if (elf_symbols(e, &syms) < 0)
		error_at(loc, "%s: cannot read its symbols: %s", path, strerror(errno));
	if (!has_wild(sym)) {
		const struct elf_sym *s = find_sym(&syms, sym);
		if (!s)
			error_at(loc, "%s has no symbol '%s'", path, sym);
		push(p, prov, e, path, s->name, s->addr, off, false, loc, out);
		elf_close(e);
		return;
	}
	if (off)
		error_at(loc, "a wildcard probe takes no offset");
	int before = out->n;
	for (int i = 0; i < syms.n; i++) {
		struct elf_sym *s = syms.v[i];
		if (s->func && s->addr && glob_match(sym, s->name))
			push(p, prov, e, path, s->name, s->addr, 0, true, loc, out);
	}
	if (out->n == before)
		error_at(loc, "no function in %s matches '%s'", path, sym);
	elf_close(e);
}

static void expand_u(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("uprobe", p, rest, loc, out);
}

static void expand_ur(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	expand_as("uretprobe", p, rest, loc, out);
}

static const char *why(int err)
{
	switch (-err) {
	case ENOENT:
		return "the file is gone";
	case EINVAL:
		return "the kernel refuses a probe at that offset";
	case ESRCH:
		return "no such process (-p)";
	case EACCES:
	case EPERM:
		return "permission denied (need root)";
	default:
		return strerror(-err);
	}
}

int provider_uprobe_attach(struct attach *a, int progfd)
{
	int bit = 0, rbit = -1, type = -1, r;
	int pid = opt_pid > 0 ? opt_pid : -1;
	if (!provider_force_tracefs())
		type = provider_pmu("uprobe", "retprobe", &bit);
	if (type >= 0 && a->ref_ctr && provider_pmu("uprobe", "ref_ctr_offset", &rbit) < 0)
		error_at(a->loc, "cannot attach %s: its semaphore needs the uprobe PMU's "
			 "ref_ctr_offset (Linux 4.20 or later)", a->name);
	if (type >= 0) {
		uint64_t config = a->ret ? 1ull << bit : 0;
		if (a->ref_ctr)
			config |= a->ref_ctr << rbit;
		struct perf_event_attr attr = provider_event_attr(type, config);
		attr.uprobe_path = (uint64_t)(uintptr_t)a->path;
		attr.probe_offset = a->off;
		r = provider_perf_try(a, progfd, &attr, pid);
	} else {
		if (strpbrk(a->path, " \t\n"))
			r = -EINVAL;
		else {
			char *def = xprintf("%s:0x%llx", a->path, (unsigned long long)a->off);
			if (a->ref_ctr)
				def = xprintf("%s(0x%llx)", def, (unsigned long long)a->ref_ctr);
			r = provider_dyn_create(a, "uprobe_events", a->ret ? 'r' : 'p', def);
		}
		if (r >= 0)
			r = provider_dyn_open(a, progfd, r, pid);
	}
	return provider_attach_end(a, r, why(r));
}

void provider_uprobe_detach(struct attach *a)
{
	provider_dyn_remove(a);
}

/* -l 'uprobe:/bin/bash:*': the function symbols of one file (main.c
 * passes "uprobe:REST"); uretprobes are not listed apart, as in bpftrace. */
static void list(const char *pattern, bool verbose)
{
	(void)verbose;
	const char *rest = strchr(pattern, ':') + 1;
	const char *colon = strchr(rest, ':');
	if (!colon || has_wild(xstrndup(rest, colon - rest)))
		return;
	char *name = xstrndup(rest, colon - rest);
	char err[512];
	const char *path = elf_find(name, opt_pid, err, sizeof(err));
	struct elf *e = path ? elf_open(path, err, sizeof(err)) : NULL;
	if (!e) {
		fprintf(eout(), "wisp: error: %s\n", err);
		return;
	}
	struct vec syms = {0};
	elf_symbols(e, &syms);
	for (int i = 0; i < syms.n; i++) {
		struct elf_sym *s = syms.v[i];
		if (s->func && s->addr && glob_match(colon + 1, s->name))
			printf("uprobe:%s:%s\n", path, s->name);
	}
	elf_close(e);
}

const struct provider prov_uprobe = {
	.name = "uprobe",
	.alias = "u",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.caps = PC_REGS | PC_USER,
	.expand = expand_u,
	.attach = provider_uprobe_attach,
	.detach = provider_uprobe_detach,
	.list = list,
};

const struct provider prov_uretprobe = {
	.name = "uretprobe",
	.alias = "ur",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.caps = PC_REGS | PC_RET | PC_USER,
	.expand = expand_ur,
	.attach = provider_uprobe_attach,
	.detach = provider_uprobe_detach,
};
