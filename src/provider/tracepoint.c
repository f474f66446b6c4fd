/* tracepoint.c - the kernel's static tracepoints, as tracefs lists them:
 *
 *   tracepoint:sched:sched_switch    t:syscalls:sys_enter_open*
 *   tracepoint:sched/sched_switch    (ply's spelling)
 *
 * Each match becomes one attach carrying the event's format, which is what
 * `args` reads. A program is attached through a PERF_TYPE_TRACEPOINT perf
 * event on one CPU: the kernel runs a tracepoint's BPF programs for events
 * on every CPU, whatever CPU the perf event was opened on.
 */
#include "wisp.h"
#include <errno.h>
#include <string.h>
#include "compat.h"

static void push_event(struct probe *p, const char *cat, const char *name,
		       struct loc loc, struct vec *out)
{
	struct tp_format *fmt = tp_format_read(cat, name);
	if (!fmt) {
		if (errno == ENOENT || errno == ENOTDIR)
			error_at(loc, "tracepoint %s:%s not found", cat, name);
		error_at(loc, "cannot read the format of tracepoint %s:%s: %s",
			 cat, name, strerror(errno));
	}
	struct attach *a = xalloc(sizeof(*a));
	a->probe = p;
	a->name = xprintf("tracepoint:%s:%s", cat, name);
	a->target = xprintf("%s:%s", cat, name);
	a->fmt = fmt;
	vec_push(out, a);
}

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	size_t n = strcspn(rest, ":/");
	if (n == 0 || !rest[n] || !rest[n + 1])
		error_at(loc, "tracepoint probe needs category:name, e.g. tracepoint:sched:sched_switch");
	char *cat = xstrndup(rest, n);
	const char *name = rest + n + 1;
	if (strpbrk(name, ":/"))
		error_at(loc, "too many parts in tracepoint:%s (expected tracepoint:category:name)", rest);

	if (!has_wild(cat) && !has_wild(name)) {
		push_event(p, cat, name, loc, out);
		return;
	}
	struct vec found = {0};
	int r = tp_list(cat, name, &found);
	if (r < 0)
		error_at(loc, "cannot list the tracepoints in %s/events: %s",
			 tracefs_dir(), strerror(-r));
	if (r == 0)
		error_at(loc, "no tracepoint matches '%s:%s'", cat, name);
	for (int i = 0; i < found.n; i++) {
		char *cn = found.v[i], *colon = strchr(cn, ':');
		*colon = '\0';
		push_event(p, cn, colon + 1, loc, out);
	}
}

/* A dispatched syscalls probe (struct probe's sysmap): its first attach
 * opens raw_syscalls:sys_enter (or sys_exit) for the one program; each
 * attach then turns its syscall on in the array, with its probe name. */
static int attach_syscall(struct attach *a, int progfd)
{
	struct probe *pr = a->probe;
	if (!pr->sysopen) {
		struct perf_event_attr attr = provider_event_attr(PERF_TYPE_TRACEPOINT, pr->sysraw->id);
		int r = provider_perf_open(a, progfd, &attr, false);
		if (r < 0)
			return r;
		pr->sysopen = true;
	}
	char name[WISP_STRLEN] = {0};
	snprintf(name, sizeof(name), "%s", a->name);
	uint32_t key = (uint32_t)(a->sysnr - pr->sysmap->sysbase);
	int r = bpf_map_update(pr->sysmap->fd, &key, name, BPF_ANY);
	if (r < 0) {
		fprintf(eout(), "wisp: error: cannot attach %s: %s\n",
			a->name, strerror(-r));
		return r;
	}
	return 0;
}

static int attach(struct attach *a, int progfd)
{
	if (a->dispatched)
		return attach_syscall(a, progfd);
	if (a->raw) {
		/* the raw tracepoint carries the event's name; no message: run.c
		 * retries as a classic tracepoint */
		int fd = bpf_raw_tp_open(a->fmt->name, progfd);
		if (fd < 0)
			return fd;
		a->fds = xalloc(sizeof(int));
		a->fds[0] = fd;
		a->nfds = 1;
		return 0;
	}
	struct perf_event_attr attr = provider_event_attr(PERF_TYPE_TRACEPOINT, a->fmt->id);
	return provider_perf_open(a, progfd, &attr, false);
}

/* bpftrace -lv prints each field as declared: "    char prev_comm[16]" */
static void print_fields(const char *cat, const char *name)
{
	struct tp_format *fmt = tp_format_read(cat, name);
	if (!fmt) {
		fprintf(eout(),
			"wisp: warning: cannot read the format of tracepoint %s:%s: %s\n",
			cat, name, strerror(errno));
		return;
	}
	for (int i = 0; i < fmt->nfields; i++) {
		struct tp_field *f = &fmt->fields[i];
		if (f->array_len > 0)
			printf("    %s %s[%d]\n", f->ctype, f->name, f->array_len);
		else
			printf("    %s %s\n", f->ctype, f->name);
	}
}

/* Split "tracepoint:CAT:NAME" (or "t:...") into its two globs; a lone
 * "tracepoint:GLOB" means any category, as in bpftrace. Else NULL. */
static bool split_pattern(const char *pattern, const char **cat, const char **name)
{
	const char *rest;
	if (!pattern || provider_find(pattern, &rest) != &prov_tracepoint || !strchr(pattern, ':'))
		return false;
	size_t n = strcspn(rest, ":");
	if (!rest[n]) {
		*cat = "*";
		*name = rest;
	} else {
		*cat = xstrndup(rest, n);
		*name = rest + n + 1;
	}
	return !strchr(*name, ':');
}

static void list(const char *pattern, bool verbose)
{
	const char *cat = "*", *name = "*";
	bool split = split_pattern(pattern, &cat, &name);
	struct vec found = {0};
	int r = tp_list(cat, name, &found);
	if (r < 0) {
		fprintf(eout(),
			"wisp: error: cannot list the tracepoints in %s/events: %s\n",
			tracefs_dir(), strerror(-r));
		return;
	}
	for (int i = 0; i < found.n; i++) {
		char *full = xprintf("tracepoint:%s", (char *)found.v[i]);
		if (!split && !provider_list_match(&prov_tracepoint, pattern, full))
			continue;
		printf("%s\n", full);
		if (verbose) {
			char *cn = found.v[i], *colon = strchr(cn, ':');
			*colon = '\0';
			print_fields(cn, colon + 1);
		}
	}
}

const struct provider prov_tracepoint = {
	.name = "tracepoint",
	.alias = "t",
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.expand = expand,
	.attach = attach,
	.detach = provider_close_fds,
	.list = list,
};
