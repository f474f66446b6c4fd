/* sema.c - names and types.
 *
 * Walks the AST once per probe, giving every expression a type, every
 * scratch variable and map a fixed type, and every call that talks to user
 * space (printf, print, exit, ...) an action. Probe specs are expanded into
 * attach points here, so that `args->field` can be checked against the
 * tracepoint's format.
 *
 * Maps are global and may be read in one probe before the probe that writes
 * them, so the walk runs twice: the first pass learns map types and treats
 * what it does not know yet as "unknown" (no errors), the second pass checks
 * everything and records actions.
 */
#include "wisp.h"
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct prog *P;
static struct probe *cur;	/* the probe being checked */
static int pass;		/* 1: learn map types; 2: check */
static int loop_depth;

static struct type t_unknown = { .kind = TY_NONE, .size = -1 };
static struct type t_none = { .kind = TY_NONE };

static bool unk(const struct type *t)
{
	return t == &t_unknown;
}

static struct type *u64t(void)
{
	return type_int(8, false);
}

static struct type *s64t(void)
{
	return type_int(8, true);
}

static struct type *mk(enum ty k, int size)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = k;
	t->size = size;
	return t;
}

static bool is_int(const struct type *t)
{
	return t->kind == TY_INT;
}

/* Integers travel as 64 bits in maps, keys and records, keeping their sign. */
static struct type *widen(struct type *t)
{
	if (t->kind == TY_INT && t->ptrs) {	/* a typed pointer stays one */
		struct type *w = xalloc(sizeof(*w));
		*w = *t;
		w->size = 8;
		return w;
	}
	if (t->kind == TY_INT)
		return type_int(8, t->sign);
	if (t->kind == TY_TUPLE) {
		struct type **e = xalloc(t->nelems * sizeof(*e));
		for (int i = 0; i < t->nelems; i++)
			e[i] = widen(t->elems[i]);
		return type_tuple(e, t->nelems);
	}
	return t;
}

/* Can a value of type b be stored where type a lives?  Integers of any size
 * and sign, strings of any size (truncated or padded) and tuples of such. */
static bool compatible(const struct type *a, const struct type *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == TY_TUPLE) {
		if (a->nelems != b->nelems)
			return false;
		for (int i = 0; i < a->nelems; i++)
			if (!compatible(a->elems[i], b->elems[i]))
				return false;
		return true;
	}
	if (a->kind == TY_BUF)
		return true;
	if (a->kind == TY_LHIST)
		return type_eq(a, b);
	return true;
}

static struct type *check(struct node *n);
static void stmt(struct node *n);
static struct type *want_int(struct node *n);
static int64_t const_int(struct node *n, const char *what);
static void nargs_between(struct node *n, int lo, int hi);
static const char *const_str(struct node *n, const char *what);

/* ---------------------------------------------------------------- maps */

static struct map *map_get(struct node *n)
{
	for (int i = 0; i < P->maps.n; i++) {
		struct map *m = P->maps.v[i];
		if (!strcmp(m->name, n->name))
			return m;
	}
	struct map *m = xalloc(sizeof(*m));
	m->name = n->name;
	m->loc = n->loc;
	m->fd = -1;
	m->id = P->maps.n;
	m->max_entries = WISP_MAP_ENTRIES;
	vec_push(&P->maps, m);
	return m;
}

/* The key type of @m[k1, k2, ...]: NULL for none, the widened key, or a
 * tuple of them. Checked against the map's earlier uses. */
static void map_keys(struct node *n, struct map *m)
{
	struct type *kt = NULL;
	bool u = false;
	if (n->nargs == 1) {
		kt = check(n->args[0]);
		u = unk(kt);
	} else if (n->nargs > 1) {
		struct type **e = xalloc(n->nargs * sizeof(*e));
		for (int i = 0; i < n->nargs; i++) {
			e[i] = check(n->args[i]);
			u |= unk(e[i]);
		}
		if (!u)
			kt = type_tuple(e, n->nargs);
	}
	if (u)
		return;
	for (int i = 0; i < n->nargs; i++) {
		struct type *t = n->args[i]->type;
		if (t->kind == TY_NONE || t->kind == TY_CTX || ty_is_agg(t->kind))
			error_at(n->args[i]->loc, "%s cannot be a map key", type_name(t));
	}
	if (kt)
		kt = widen(kt);
	if (!m->key && !m->key_known) {
		m->key = kt;
		m->key_known = true;
		return;
	}
	if (!kt != !m->key || (kt && !compatible(m->key, kt)))
		error_at(n->loc, "map %s used with two key types: [%s] and [%s]", m->name,
			 m->key ? type_name(m->key) : "", kt ? type_name(kt) : "");
}

static void map_value(struct map *m, struct type *vt, struct loc loc)
{
	if (unk(vt))
		return;
	if (vt->kind == TY_NONE || vt->kind == TY_CTX)
		error_at(loc, "cannot store %s in map %s", vt->kind == TY_CTX ? "args" : "a value of no type",
			 m->name);
	vt = widen(vt);
	if (!m->val) {
		m->val = vt;
		return;
	}
	if (!compatible(m->val, vt))
		error_at(loc, "map %s holds %s, cannot assign %s", m->name, type_name(m->val),
			 type_name(vt));
}

/* ------------------------------------------------------------ actions */

static int action(enum act k, struct node *n, const char *fmt, struct node **args, int nargs)
{
	if (pass == 1)
		return -1;
	struct action *a = xalloc(sizeof(*a));
	a->kind = k;
	a->loc = n->loc;
	a->fmt = fmt;
	a->nargs = nargs;
	a->types = xalloc((nargs + 1) * sizeof(*a->types));
	a->offs = xalloc((nargs + 1) * sizeof(int));
	/* record: u64 action id, then each argument at its alignment */
	int off = 8;
	for (int i = 0; i < nargs; i++) {
		struct type *t = widen(args[i]->type);
		int al = type_align(t);
		off = (off + al - 1) / al * al;
		a->types[i] = t;
		a->offs[i] = off;
		off += t->size;
	}
	a->size = (off + 7) & ~7;
	n->aid = P->actions.n;
	vec_push(&P->actions, a);
	return n->aid;
}

/* The per-CPU buffer for records too big for the stack. */
static void scratch_map(int size)
{
	for (int i = 0; i < P->maps.n; i++) {
		struct map *m = P->maps.v[i];
		if (m->scratch) {
			if (m->val_size < size)
				m->val_size = size;
			return;
		}
	}
	struct map *m = xalloc(sizeof(*m));
	m->name = "@__scratch";
	m->fd = -1;
	m->id = P->maps.n;
	m->scratch = true;
	m->key_size = 4;
	m->val_size = size;
	m->max_entries = 1;
	vec_push(&P->maps, m);
}

/* ----------------------------------------------------------- builtins */

bool argn(const char *name, const char *prefix, int *k)
{
	size_t l = strlen(prefix);
	if (strncmp(name, prefix, l) || !name[l])
		return false;
	char *end;
	long v = strtol(name + l, &end, 10);
	if (*end || v < 0 || v > 63)
		return false;
	*k = (int)v;
	return true;
}

/* A kprobe on a syscall's wrapper (__x64_sys_read): its one argument is
 * the user's pt_regs, where the syscall's arguments are. */
bool syscall_wrapper(const struct attach *a)
{
	size_t n = strlen(arch.syscall_prefix);
	return (a->probe->prov == &prov_kprobe) && a->func && strcmp(arch.syscall_prefix, "sys_") &&
	       !strncmp(a->func, arch.syscall_prefix, n);
}

/* The string size of `probe` (or `func`): room for the longest name of
 * the probe's attach points, so that long paths of uprobes stay whole
 * (and distinct as keys); bpftrace's 64 bytes at least. */
static int name_size(bool func)
{
	size_t n = WISP_STRLEN - 1;
	for (int i = 0; i < cur->attaches.n; i++) {
		struct attach *a = cur->attaches.v[i];
		const char *s = func ? (a->func ? a->func : a->target) : a->name;
		if (s && strlen(s) > n)
			n = strlen(s);
	}
	return (int)((n + 1 + 7) & ~(size_t)7);
}

/* argN of a USDT probe: typed by its spec. Each location of a probe may
 * place its arguments differently, so each gets its own program. */
static struct type *usdt_arg(struct node *n, int k)
{
	bool sign = false;
	for (int i = 0; i < cur->attaches.n; i++) {
		struct attach *a = cur->attaches.v[i];
		if (a->nuargs < 0)
			error_at(n->loc, "%s: cannot decode the arguments of %s: %s", n->name,
				 a->name, a->uargs_error ? a->uargs_error : "unknown format");
		if (k >= a->nuargs)
			error_at(n->loc, "%s: %s has %d argument%s", n->name, a->name, a->nuargs,
				 a->nuargs == 1 ? "" : "s");
		sign |= a->uargs[k].sign;
	}
	if (cur->attaches.n > 1)
		cur->per_attach = true;
	return type_int(8, sign);
}

/* curtask is a struct task_struct * when that type is known (the kernel's
 * BTF, or the script's declaration); else a plain integer. Only when the
 * program follows it (curtask->...) is the type looked up: printing the
 * address needs no BTF. */
static struct type *curtask_type(void)
{
	struct type *t = type_int(8, false);
	t->ptrs = 1;
	t->cid = -1;	/* "struct task_struct", looked up by cderef() */
	return t;
}

/* A typed pointer about to be followed: curtask's type is found now. */
static struct type *cderef(struct type *t, struct loc loc)
{
	if (t->kind == TY_INT && t->ptrs == 1 && !t->btf && t->cid == -1)
		return ctype_parse("struct task_struct *", loc);
	return t;
}

/* ---------------------------------------------------- stacks, symbols */

/* A symbol's address in an ELF file, as the file gives it (the run-time
 * address for executables that are not position-independent). */
static uint64_t uaddr_of(const char *path, const char *name, struct loc loc)
{
	char err[256];
	struct elf *e = elf_open(path, err, sizeof(err));
	if (!e)
		error_at(loc, "uaddr: %s: %s", path, err);
	struct vec syms = { 0 };
	elf_symbols(e, &syms);
	for (int i = 0; i < syms.n; i++) {
		struct elf_sym *s = syms.v[i];
		if (!strcmp(s->name, name)) {
			uint64_t a = s->addr;
			elf_close(e);
			return a;
		}
	}
	elf_close(e);
	error_at(loc, "uaddr: %s has no symbol '%s'", path, name);
}

/* A program that keeps user addresses (ustack, usym) tells user space
 * each new pid, once, so that its mappings are read while it lives: a -c
 * workload has exited by the time the maps are printed. */
static void pid_note(struct node *n)
{
	if (pass == 1 || cur->pidnote >= 0)
		return;
	struct map *m = NULL;
	for (int i = 0; i < P->maps.n && !m; i++)
		if (((struct map *)P->maps.v[i])->pids)
			m = P->maps.v[i];
	if (!m) {
		m = xalloc(sizeof(*m));
		m->name = "@__pids";
		m->loc = n->loc;
		m->key = type_int(4, false);
		m->key_known = true;
		m->val = u64t();
		m->pids = true;
		m->max_entries = WISP_MAP_ENTRIES;
		m->fd = -1;
		m->id = P->maps.n;
		vec_push(&P->maps, m);
	}
	struct node *pn = xalloc(sizeof(*pn));
	pn->kind = N_BUILTIN;
	pn->name = "pid";
	pn->loc = n->loc;
	pn->type = type_int(4, false);
	struct node *holder = xalloc(sizeof(*holder));
	holder->loc = n->loc;
	cur->pidnote = action(A_PIDNOTE, holder, NULL, &pn, 1);
}

/* kstack / ustack: a stack id in a stack trace map of that depth, one map
 * per kind and depth, sized small: WISP_STACK_ENTRIES ids. */
static struct type *stack_type(struct node *n, bool ustack, int depth, int mode)
{
	struct map *m = NULL;
	for (int i = 0; i < P->maps.n && !m; i++) {
		struct map *x = P->maps.v[i];
		if (x->stack && x->ustack == ustack && x->val_size == depth * 8)
			m = x;
	}
	if (!m) {
		m = xalloc(sizeof(*m));
		m->name = xprintf("@__%cstack%d", ustack ? 'u' : 'k', depth);
		m->loc = n->loc;
		m->stack = true;
		m->ustack = ustack;
		m->key_known = true;
		m->val = u64t();
		m->key_size = 4;
		m->val_size = depth * 8;
		m->max_entries = WISP_STACK_ENTRIES;
		m->fd = -1;
		m->id = P->maps.n;
		vec_push(&P->maps, m);
	}
	if (ustack)
		pid_note(n);
	struct type *t = mk(TY_STACK, 8);
	t->ustack = ustack;
	t->depth = depth;
	t->smode = mode;
	t->smap = m;
	return t;
}

/* kstack(mode), kstack(n), kstack(mode, n); mode is bpftrace, perf or raw */
static struct type *stack_call(struct node *n)
{
	nargs_between(n, 0, 2);
	int mode = STACK_BPFTRACE, depth = WISP_STACK_DEPTH;
	for (int i = 0; i < n->nargs; i++) {
		struct node *a = n->args[i];
		if (a->kind == N_BUILTIN && i == 0 && n->nargs <= 2) {
			if (!strcmp(a->name, "perf"))
				mode = STACK_PERF;
			else if (!strcmp(a->name, "raw"))
				mode = STACK_RAW;
			else if (strcmp(a->name, "bpftrace"))
				error_at(a->loc, "%s(): unknown mode '%s': bpftrace, perf or raw", n->name,
					 a->name);
			continue;
		}
		int64_t d = const_int(a, xprintf("%s()'s frame count", n->name));
		if (d < 1 || d > WISP_STACK_DEPTH)
			error_at(a->loc, "%s(): the frame count must be from 1 to %d", n->name,
				 WISP_STACK_DEPTH);
		depth = (int)d;
	}
	return stack_type(n, n->name[0] == 'u', depth, mode);
}

/* ksym, usym, kaddr, uaddr; NULL when f is none of them */
static struct type *sym_call(struct node *n)
{
	const char *f = n->name;
	if (!strcmp(f, "ksym") || !strcmp(f, "usym")) {
		nargs_between(n, 1, 1);
		want_int(n->args[0]);
		if (f[0] == 'k')
			return mk(TY_KSYM, 8);
		pid_note(n);
		return mk(TY_USYM, 16);
	}
	if (!strcmp(f, "kaddr")) {
		nargs_between(n, 1, 1);
		const char *name = const_str(n->args[0], "kaddr()'s symbol");
		uint64_t addr;
		if (!ksym_addr(name, &addr))
			error_at(n->args[0]->loc, "kaddr: no kernel symbol '%s' in /proc/kallsyms", name);
		n->kind = N_INT;
		n->ival = addr;
		return u64t();
	}
	if (!strcmp(f, "uaddr")) {
		nargs_between(n, 1, 1);
		const char *name = const_str(n->args[0], "uaddr()'s symbol");
		struct attach *a = cur->attaches.v[0];
		if (!(cur->prov->caps & PC_USER) || !a->path)
			error_at(n->loc, "uaddr() needs a uprobe or usdt probe: it looks the symbol "
				 "up in the probed file");
		n->kind = N_INT;
		n->ival = uaddr_of(a->path, name, n->args[0]->loc);
		return u64t();
	}
	return NULL;
}

/* retval of a kretfunc: ctx[number of arguments], typed by the
 * prototype's return type. */
static struct type *ctx_retval(struct node *n)
{
	struct type *t = NULL;
	for (int i = 0; i < cur->attaches.n; i++) {
		struct attach *a = cur->attaches.v[i];
		struct vec names = { 0 }, types = { 0 };
		int ret = a->proto ? btf_proto_params(a->btf, a->proto, &names, &types) : 0;
		struct type *rt = ret > 0 ? ctype_of(a->btf, ret, false, n->loc) : s64t();
		if (rt->kind == TY_CREF || rt->kind == TY_STR)
			rt = u64t();
		if (t && !type_eq(t, rt))
			cur->per_attach = true;
		t = rt;
	}
	return t;
}

static struct type *builtin(struct node *n)
{
	const char *s = n->name;
	static const struct {
		const char *name;
		int size;
		bool sign;
	} ints[] = {
		{ "pid", 4, false }, { "tid", 4, false }, { "uid", 4, false },
		{ "gid", 4, false }, { "nsecs", 8, false }, { "elapsed", 8, false },
		{ "cpu", 4, false }, { "rand", 4, false }, { "cgroup", 8, false },
		{ "curtask", 8, false }, { "cpid", 4, false }, { "numaid", 4, false },
		{ "time", 8, false },	/* ply: nanoseconds */
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(s, ints[i].name)) {
			if (!strcmp(s, "cpid") && !opt_cpid)
				error_at(n->loc, "cpid is only known with -c CMD");
			if (!strcmp(s, "curtask"))
				return curtask_type();
			return type_int(ints[i].size, ints[i].sign);
		}
	if (!strcmp(s, "comm"))
		return type_str(16);
	if (!strcmp(s, "probe")) {
		cur->per_attach = true;
		return type_str(name_size(false));
	}
	if (!strcmp(s, "args") && cur->prov != &prov_tracepoint) {
		/* a kernel function's or raw tracepoint's: args.NAME from BTF */
		unsigned c = cur->prov->caps;
		bool kprobe = (c & PC_REGS) && !(c & (PC_USER | PC_RET));
		if (!(c & PC_CTXARGS) && !kprobe)
			error_at(n->loc, "args is not available in %s probes", cur->prov->name);
		return mk(TY_CTX, 0);
	}
	if (!strcmp(s, "args")) {
		cur->per_attach = true;
		cur->uses_args = true;
		return mk(TY_CTX, 0);
	}
	int k;
	unsigned caps = cur->prov->caps;
	bool entry = (caps & PC_REGS) && !(caps & PC_RET);
	if (argn(s, "arg", &k) && (caps & PC_USDT))
		return usdt_arg(n, k);
	if (argn(s, "arg", &k) && (caps & PC_CTXARGS)) {
		if (k >= 12)
			error_at(n->loc, "%s: BPF programs see at most 12 arguments", s);
		return u64t();
	}
	if (!strcmp(s, "retval") && (caps & PC_CTXARGS) && (caps & PC_RET))
		return ctx_retval(n);
	if (argn(s, "arg", &k) && entry) {
		if (k >= arch.nargs)
			error_at(n->loc, "%s: %s passes %d arguments in registers; read the "
				 "others from the stack with sarg0..", s, arch.name, arch.nargs);
		if (k >= 6 && syscall_wrapper(cur->attaches.v[0]))
			error_at(n->loc, "%s: a syscall has at most 6 arguments", s);
		/* a wrapper's arguments are read another way: one program
		 * cannot serve wrappers and plain functions both */
		for (int i = 1; i < cur->attaches.n; i++)
			if (syscall_wrapper(cur->attaches.v[i]) != syscall_wrapper(cur->attaches.v[0]))
				cur->per_attach = true;
		return u64t();
	}
	if ((argn(s, "sarg", &k) && entry) || (!strcmp(s, "retval") && (caps & PC_RET)))
		return u64t();
	if (!strcmp(s, "func") && (caps & (PC_REGS | PC_USDT))) {
		cur->per_attach = true;
		return type_str(name_size(true));
	}
	if (argn(s, "arg", &k) || !strcmp(s, "retval") || !strcmp(s, "func") ||
	    argn(s, "sarg", &k))
		error_at(n->loc, "%s is not available in %s probes", s, cur->prov->name);
	if (!strcmp(s, "kstack") || !strcmp(s, "ustack"))
		return stack_type(n, s[0] == 'u', WISP_STACK_DEPTH, STACK_BPFTRACE);
	/* macros of the headers bpftrace tools #include (which wisp does not
	 * read): the Linux ABI's values, the same on every architecture */
	static const struct {
		const char *name;
		int v;
	} defs[] = {
		{ "AF_UNSPEC", 0 }, { "AF_UNIX", 1 }, { "AF_LOCAL", 1 }, { "AF_INET", 2 },
		{ "AF_INET6", 10 }, { "AF_NETLINK", 16 }, { "AF_PACKET", 17 },
		{ "TASK_COMM_LEN", 16 },
	};
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(s, defs[i].name)) {
			n->kind = N_INT;
			n->ival = (uint64_t)defs[i].v;
			return s64t();
		}
	int64_t v;
	if (ctype_enum(s, &v)) {	/* TCP_ESTABLISHED */
		n->kind = N_INT;
		n->ival = (uint64_t)v;
		return s64t();
	}
	error_at(n->loc, "unknown identifier '%s'", s);
}

static struct tp_field *tp_field(struct tp_format *f, const char *name)
{
	for (int i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

/* The type of a tracepoint field, as bpftrace gives it: integers by size and
 * sign, char arrays and __data_loc strings as strings, pointers as u64. */
struct type *field_type(const struct tp_field *f)
{
	if (f->data_loc)
		return f->is_str ? type_str(WISP_STRLEN) : u64t();
	if (f->is_str && f->array_len)
		return type_str(f->array_len);
	if (f->is_ptr)
		return u64t();
	if (f->array_len) {
		/* other arrays: readable as a whole only as raw bytes */
		struct type *t = mk(TY_BUF, f->size + 1);
		return t;
	}
	if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		return type_int(f->size, f->sign);
	return mk(TY_BUF, f->size + 1);
}

/* The typed arguments of a function (kfunc, kprobe) or raw tracepoint,
 * from its BTF prototype: args.NAME becomes argK, typed. The prototype is
 * looked up here for kprobes, which need BTF only when args is read. */
static bool attach_proto(struct attach *a, struct loc loc)
{
	if (a->proto)
		return true;
	if (!(cur->prov->caps & PC_REGS) || (cur->prov->caps & PC_USER) || !a->func)
		return false;
	if (syscall_wrapper(a))	/* its one argument is the user's pt_regs */
		error_at(loc, "args: %s is a syscall wrapper: arg0, arg1, ... are the syscall's "
			 "arguments", a->func);
	if (!btf_kernel())
		error_at(loc, "args: the arguments of %s are known by name only from the "
			 "kernel's BTF: %s; use arg0, arg1, ...", a->func, btf_kernel_error());
	struct btf *b;
	int fid = btf_kernel_find(a->func, BTF_KIND_FUNC, &b);
	if (fid < 0)
		return false;
	a->btf = b;
	a->proto = btf_func_type(b, fid);
	return a->proto > 0;
}

static struct type *proto_arg(struct node *n)
{
	struct type *t = NULL;
	int k = -1;
	for (int i = 0; i < cur->attaches.n; i++) {
		struct attach *a = cur->attaches.v[i];
		if (!attach_proto(a, n->loc))
			error_at(n->loc, "args: the kernel's BTF does not describe %s", a->name);
		struct vec names = { 0 }, types = { 0 };
		btf_proto_params(a->btf, a->proto, &names, &types);
		int j;
		for (j = a->proto_skip; j < names.n; j++)
			if (!strcmp(names.v[j], n->name))
				break;
		if (j == names.n) {
			char *list = "";
			for (int q = a->proto_skip; q < names.n; q++)
				list = xprintf("%s%s%s", list, *list ? ", " : "", (char *)names.v[q]);
			error_at(n->loc, "%s has no argument '%s' (it has: %s)", a->name, n->name,
				 *list ? list : "none");
		}
		struct type *at = ctype_of(a->btf, (int)(intptr_t)types.v[j], cur->prov->caps & PC_USER,
					   n->loc);
		if (at->kind == TY_CREF || at->kind == TY_STR)
			error_at(n->loc, "argument '%s' is passed by value as %s: not supported", n->name,
				 ctype_name(at));
		if (t && (k != j - a->proto_skip || !type_eq(t, at)))
			error_at(n->loc, "argument '%s' differs between the probe's functions", n->name);
		t = at;
		k = j - a->proto_skip;
	}
	if (k >= arch.nargs && (cur->prov->caps & PC_REGS))
		error_at(n->loc, "argument '%s' is argument %d: %s passes only %d in registers",
			 n->name, k, arch.name, arch.nargs);
	n->ival = (uint64_t)k;	/* codegen reads it as argK */
	return t;
}

static struct type *field(struct node *n)
{
	struct type *lt = check(n->lhs);
	if (unk(lt))
		return &t_unknown;
	if (lt->kind == TY_TUPLE) {	/* $t.0: an element of a tuple */
		char *end;
		long i = strtol(n->name, &end, 10);
		if (*end || !*n->name || n->arrow)
			error_at(n->loc, "a tuple's elements are read as .0, .1, ...");
		if (i < 0 || i >= lt->nelems)
			error_at(n->loc, "tuple index %ld out of range: it has %d elements", i, lt->nelems);
		n->ival = (uint64_t)i;
		return lt->elems[i];
	}
	lt = cderef(lt, n->loc);
	if (lt->kind == TY_CREF || (lt->ptrs && lt->btf)) {
		long bit;
		int bsz;
		struct type *t = ctype_member(lt, n->name, n->loc, &bit, &bsz);
		n->cacc = true;
		n->ival = (uint64_t)(bit / 8);
		n->bitsz = bsz;
		n->bitoff = (int)(bit % 8);
		if (bsz && bsz + n->bitoff > 64)
			error_at(n->loc, "bitfield '%s' spans more than 8 bytes", n->name);
		if (!bsz && bit % 8)
			error_at(n->loc, "member '%s' does not start on a byte", n->name);
		return t;
	}
	if (lt->kind != TY_CTX)
		error_at(n->loc, "%s has no fields (it is %s)", n->lhs->kind == N_BUILTIN ? n->lhs->name : "this",
			 type_name(lt));
	if (cur->prov != &prov_tracepoint)
		return proto_arg(n);
	struct type *t = NULL;
	for (int i = 0; i < cur->attaches.n; i++) {
		struct attach *a = cur->attaches.v[i];
		struct tp_field *f = tp_field(a->fmt, n->name);
		if (!f)
			error_at(n->loc, "tracepoint %s:%s has no field '%s'", a->fmt->cat, a->fmt->name,
				 n->name);
		if (!t)
			t = field_type(f);
	}
	return t;
}

/* The tracepoint field an expression reads directly (args->f), or NULL. */
static struct tp_field *args_field(struct node *n)
{
	if (n->kind != N_FIELD || n->lhs->kind != N_BUILTIN || strcmp(n->lhs->name, "args"))
		return NULL;
	struct tp_format *f = ((struct attach *)cur->attaches.v[0])->fmt;
	return f ? tp_field(f, n->name) : NULL;	/* NULL: a function's args */
}

/* What a C pointer type in a format file points to: bytes and sign of the
 * element, from its spelling ("const char *", "u32 *", "char **"). 0 when
 * it cannot be known (void, structs). */
static int pointee(const char *ctype, bool *sign)
{
	const char *star = strchr(ctype, '*');
	if (!star)
		return 0;
	*sign = false;
	if (strchr(star + 1, '*'))
		return arch.word;	/* a pointer to pointers */
	char base[64];
	size_t n = (size_t)(star - ctype) < sizeof(base) - 1 ? (size_t)(star - ctype) : sizeof(base) - 1;
	memcpy(base, ctype, n);
	base[n] = '\0';
	const char *b = base;
	for (const char *q; (q = strstr(b, "const ")) || (q = strstr(b, "volatile "));)
		b = strchr(q, ' ') + 1;
	bool u = !strncmp(b, "unsigned", 8) || b[0] == 'u' || !strncmp(b, "__u", 3);
	static const struct {
		const char *name;
		int size;
	} tab[] = {
		{ "char", 1 }, { "short", 2 }, { "long long", 8 }, { "long", 0 }, { "int", 4 },
		{ "8", 1 }, { "16", 2 }, { "32", 4 }, { "64", 8 }, { "size_t", 0 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strstr(b, tab[i].name)) {
			*sign = !u;
			return tab[i].size ? tab[i].size : arch.word;
		}
	return 0;
}

/* e[i]: a byte of a string, an element of a tracepoint's array field, or
 * what a pointer field points to (read from user or kernel memory).
 * Codegen tells them apart by the left side's type; n->ival is the element
 * size. */
static struct type *index_expr(struct node *n)
{
	struct type *lt = check(n->lhs);
	want_int(n->rhs);
	if (unk(lt))
		return &t_unknown;
	lt = cderef(lt, n->loc);
	if (lt->kind == TY_STR && n->lhs->cacc) {	/* a char array's element */
		want_int(n->rhs);
		n->cacc = true;
		n->ival = 1;
		struct type *t = type_int(1, lt->psign);
		t->user = lt->user;
		return t;
	}
	if (lt->kind == TY_CREF || lt->ptrs) {
		int esize;
		struct type *t = ctype_elem(lt, n->loc, &esize);
		n->cacc = true;
		n->ival = (uint64_t)esize;
		return t;
	}
	struct tp_field *f = args_field(n->lhs);
	bool sign = true;
	if (lt->kind == TY_STR || (lt->kind == TY_BUF && f && f->array_len)) {
		int64_t i = const_int(n->rhs, "an array index");
		int esize = lt->kind == TY_STR ? 1 : f->size / f->array_len;
		int len = lt->kind == TY_STR ? lt->size : f->array_len;
		if (i < 0 || i >= len)
			error_at(n->rhs->loc, "index %lld is out of bounds: %d elements", (long long)i, len);
		if (esize != 1 && esize != 2 && esize != 4 && esize != 8)
			error_at(n->loc, "elements of %d bytes cannot be read as integers", esize);
		n->ival = (uint64_t)esize;
		return type_int(esize, lt->kind == TY_STR ? false : f->sign);
	}
	if (is_int(lt) && f && f->is_ptr) {
		int esize = pointee(f->ctype, &sign);
		if (!esize)
			error_at(n->loc, "cannot index '%s %s': the size of what it points to is unknown",
				 f->ctype, f->name);
		n->ival = (uint64_t)esize;
		return type_int(esize, sign);
	}
	error_at(n->loc, "cannot index %s", type_name(lt));
}

/* ---------------------------------------------------------- functions */

static void nargs_between(struct node *n, int lo, int hi)
{
	if (n->nargs < lo || n->nargs > hi) {
		if (lo == hi)
			error_at(n->loc, "%s() takes %d argument%s, %d given", n->name, lo,
				 lo == 1 ? "" : "s", n->nargs);
		error_at(n->loc, "%s() takes %d to %d arguments, %d given", n->name, lo, hi, n->nargs);
	}
}

static struct type *want_int(struct node *n)
{
	struct type *t = check(n);
	if (!unk(t) && !is_int(t))
		error_at(n->loc, "expected an integer, got %s", type_name(t));
	return t;
}

static bool is_const_int(struct node *n)
{
	return n->kind == N_INT || (n->kind == N_UNOP && n->op == OP_NEG && n->lhs->kind == N_INT);
}

static int64_t const_int(struct node *n, const char *what)
{
	if (n->kind == N_INT) {
		n->type = s64t();
		return (int64_t)n->ival;
	}
	if (n->kind == N_UNOP && n->op == OP_NEG && n->lhs->kind == N_INT) {
		check(n);
		return -(int64_t)n->lhs->ival;
	}
	if (n->kind == N_PARAM) {
		struct type *t = check(n);
		if (is_int(t))
			return strtoll(param_text(P, n->ival), NULL, 0);
	}
	error_at(n->loc, "%s must be an integer constant", what);
}

static const char *const_str(struct node *n, const char *what)
{
	if (n->kind == N_STR) {
		check(n);
		return n->str;
	}
	error_at(n->loc, "%s must be a string literal", what);
}

/* A map argument: print(@m), clear(@m), zero(@m): the map itself. */
static struct map *map_arg(struct node *call, struct node *a)
{
	if (a->kind != N_MAP || a->nargs)
		error_at(a->loc, "%s() expects a map, like %s(@name)", call->name, call->name);
	struct map *m = map_get(a);
	a->map = m;
	a->type = &t_none;
	return m;
}

static struct type *aggregation(struct node *n, enum ty k)
{
	if (k == TY_COUNT) {
		nargs_between(n, 0, 0);
		return mk(TY_COUNT, 8);
	}
	if (k == TY_LHIST) {
		nargs_between(n, 4, 4);
		struct type *vt = want_int(n->args[0]);
		struct type *t = mk(TY_LHIST, 8);
		t->lmin = const_int(n->args[1], "lhist() min");
		t->lmax = const_int(n->args[2], "lhist() max");
		t->lstep = const_int(n->args[3], "lhist() step");
		if (t->lstep <= 0)
			error_at(n->args[3]->loc, "lhist() step must be positive");
		if (t->lmax <= t->lmin)
			error_at(n->args[2]->loc, "lhist() max must be greater than min");
		if ((t->lmax - t->lmin) / t->lstep > 1000)
			error_at(n->args[3]->loc, "lhist() would have more than 1000 buckets");
		t->sign = !unk(vt) && vt->sign;
		return t;
	}
	nargs_between(n, 1, 1);
	struct type *vt = want_int(n->args[0]);
	struct type *t = mk(k, k == TY_SUM || k == TY_HIST ? 8 : 16);
	t->sign = unk(vt) ? true : vt->sign;
	return t;
}

static enum ty agg_kind(const char *name)
{
	static const struct {
		const char *name;
		enum ty k;
	} tab[] = {
		{ "count", TY_COUNT }, { "sum", TY_SUM }, { "min", TY_MIN }, { "max", TY_MAX },
		{ "avg", TY_AVG }, { "stats", TY_STATS }, { "hist", TY_HIST },
		{ "quantize", TY_HIST }, { "lhist", TY_LHIST },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(name, tab[i].name))
			return tab[i].k;
	return TY_NONE;
}

/* printf-like: a literal format, then arguments checked against it. */
static void format_call(struct node *n, enum act k)
{
	if (n->nargs < 1)
		error_at(n->loc, "%s() needs a format string", n->name);
	const char *fmt = const_str(n->args[0], "the format");
	bool u = false;
	for (int i = 1; i < n->nargs; i++) {
		struct type *t = check(n->args[i]);
		u |= unk(t);
		if (!unk(t) && (t->kind == TY_NONE || t->kind == TY_CTX || ty_is_agg(t->kind)))
			error_at(n->args[i]->loc, "%s cannot be printed", type_name(t));
	}
	if (u || pass == 1)
		return;
	struct type **types = xalloc(n->nargs * sizeof(*types));
	for (int i = 1; i < n->nargs; i++)
		types[i - 1] = widen(n->args[i]->type);
	int bad;
	const char *msg = fmt_check(fmt, types, n->nargs - 1, &bad);
	if (msg)
		error_at(bad >= 0 ? n->args[bad + 1]->loc : n->args[0]->loc, "%s", msg);
	action(k, n, fmt, n->args + 1, n->nargs - 1);
}

static bool user_ptr(struct node *n)
{
	if (n->kind == N_CAST || n->kind == N_INDEX)	/* argv[0] points where argv does */
		return user_ptr(n->lhs);
	if (n->kind == N_FIELD && n->lhs->kind == N_BUILTIN && !strcmp(n->lhs->name, "args")) {
		struct attach *a = cur->attaches.v[0];
		if (!a->fmt)	/* a function's args (kprobe, kfunc): kernel memory */
			return false;
		struct tp_field *f = tp_field(a->fmt, n->name);
		return f && f->user_ptr;
	}
	/* what a uprobe or USDT probe reads is the process's; a syscall's
	 * arguments point into user memory too */
	int k;
	if (n->kind == N_BUILTIN && (argn(n->name, "arg", &k) || argn(n->name, "sarg", &k) ||
				     !strcmp(n->name, "retval")))
		return (cur->prov->caps & PC_USER) ||
		       (n->name[0] == 'a' && syscall_wrapper(cur->attaches.v[0]));
	if (n->kind == N_CALL && !strcmp(n->name, "reg"))
		return cur->prov->caps & PC_USER;
	return false;
}

static struct type *call(struct node *n)
{
	const char *f = n->name;
	if (!strcmp(f, "kstack") || !strcmp(f, "ustack"))
		return stack_call(n);
	struct type *st = sym_call(n);
	if (st)
		return st;
	enum ty ak = agg_kind(f);
	if (ak != TY_NONE)
		error_at(n->loc, "%s() is an aggregation: assign it to a map, like @x = %s(...)", f, f);

	if (!strcmp(f, "printf")) {
		format_call(n, A_PRINTF);
		return &t_none;
	}
	if (!strcmp(f, "system")) {
		if (!P->unsafe)
			error_at(n->loc, "system() runs commands: it needs --unsafe");
		format_call(n, A_SYSTEM);
		return &t_none;
	}
	if (!strcmp(f, "cat")) {
		format_call(n, A_CAT);
		return &t_none;
	}
	if (!strcmp(f, "print")) {
		nargs_between(n, 1, 3);
		struct node *a = n->args[0];
		if (a->kind == N_MAP && !a->nargs) {
			struct map *m = map_arg(n, a);
			int64_t top = n->nargs > 1 ? const_int(n->args[1], "print() top") : 0;
			int64_t div = n->nargs > 2 ? const_int(n->args[2], "print() div") : 0;
			if (action(A_PRINT_MAP, n, NULL, NULL, 0) >= 0) {
				struct action *ac = P->actions.v[n->aid];
				ac->map = m;
				ac->top = top;
				ac->div = div;
			}
			return &t_none;
		}
		if (n->nargs > 1)
			error_at(n->args[1]->loc, "print() of a value takes no other arguments");
		struct type *t = check(a);
		if (unk(t))
			return &t_none;
		if (t->kind == TY_NONE || t->kind == TY_CTX)
			error_at(a->loc, "print() cannot print %s", type_name(t));
		action(A_PRINT_VAL, n, NULL, n->args, 1);
		return &t_none;
	}
	if (!strcmp(f, "clear") || !strcmp(f, "zero")) {
		nargs_between(n, 1, 1);
		struct map *m = map_arg(n, n->args[0]);
		if (action(f[0] == 'c' ? A_CLEAR : A_ZERO, n, NULL, NULL, 0) >= 0)
			((struct action *)P->actions.v[n->aid])->map = m;
		return &t_none;
	}
	if (!strcmp(f, "delete")) {
		nargs_between(n, 1, 2);
		struct node *a = n->args[0];
		if (n->nargs == 2) {	/* delete(@m, key) */
			if (a->kind != N_MAP || a->nargs)
				error_at(a->loc, "delete() expects a map, like delete(@m, key)");
			a->args = &n->args[1];
			a->nargs = 1;
			n->nargs = 1;
		}
		if (a->kind != N_MAP)
			error_at(a->loc, "delete() expects a map entry, like delete(@m[key])");
		struct map *m = map_get(a);
		a->map = m;
		map_keys(a, m);
		a->type = &t_none;
		return &t_none;
	}
	if (!strcmp(f, "exit")) {
		nargs_between(n, 0, 1);
		if (n->nargs)
			want_int(n->args[0]);
		if (n->nargs && unk(n->args[0]->type))
			return &t_none;
		action(A_EXIT, n, NULL, n->args, n->nargs);
		return &t_none;
	}
	if (!strcmp(f, "time")) {
		nargs_between(n, 0, 1);
		const char *fmt = n->nargs ? const_str(n->args[0], "time()'s format") : "%H:%M:%S\n";
		action(A_TIME, n, fmt, NULL, 0);
		return &t_none;
	}
	if (!strcmp(f, "strftime")) {
		nargs_between(n, 2, 2);
		struct type *t = mk(TY_TSTAMP, 8);
		t->fmt = const_str(n->args[0], "strftime()'s format");
		want_int(n->args[1]);
		return t;
	}
	if (!strcmp(f, "str")) {
		nargs_between(n, 1, 2);
		struct type *t = check(n->args[0]);
		int size = WISP_STRLEN;
		if (n->nargs == 2 && !is_const_int(n->args[1])) {
			want_int(n->args[1]);	/* a run-time limit, within WISP_STRLEN */
		} else if (n->nargs == 2) {
			int64_t len = const_int(n->args[1], "str()'s length");
			if (len < 1 || len > 256)
				error_at(n->args[1]->loc, "str()'s length must be from 1 to 256");
			size = (int)len + 1;
		}
		if (n->args[0]->kind == N_PARAM)	/* str($1): the parameter's text */
			return type_str((int)strlen(param_text(P, n->args[0]->ival)) + 1);
		if (unk(t))
			return &t_unknown;
		if (t->kind == TY_STR)
			return t;
		if (!is_int(t))
			error_at(n->args[0]->loc, "str() expects a pointer or a string, got %s", type_name(t));
		n->post = user_ptr(n->args[0]) || t->user;	/* read with the user-memory helper */
		return type_str(size);
	}
	if (!strcmp(f, "buf")) {
		nargs_between(n, 2, 2);
		want_int(n->args[0]);
		n->post = user_ptr(n->args[0]);
		if (!is_const_int(n->args[1])) {
			/* a length known only at run time: up to WISP_STRLEN bytes */
			want_int(n->args[1]);
			return mk(TY_BUF, WISP_STRLEN + 1);
		}
		int64_t len = const_int(n->args[1], "buf()'s length");
		if (len < 1 || len > 255)
			error_at(n->args[1]->loc, "buf()'s length must be from 1 to 255");
		return mk(TY_BUF, (int)len + 1);
	}
	if (!strcmp(f, "strncmp")) {
		nargs_between(n, 3, 3);
		for (int i = 0; i < 2; i++) {
			struct type *t = check(n->args[i]);
			if (!unk(t) && t->kind != TY_STR)
				error_at(n->args[i]->loc, "strncmp() compares strings, got %s", type_name(t));
		}
		int64_t len = const_int(n->args[2], "strncmp()'s length");
		if (len < 0 || len > 256)
			error_at(n->args[2]->loc, "strncmp()'s length must be from 0 to 256");
		return s64t();
	}
	if (!strcmp(f, "strcontains")) {
		nargs_between(n, 2, 2);
		for (int i = 0; i < 2; i++) {
			struct type *t = check(n->args[i]);
			if (!unk(t) && t->kind != TY_STR)
				error_at(n->args[i]->loc, "strcontains() takes strings, got %s", type_name(t));
		}
		return s64t();
	}
	if (!strcmp(f, "ntop")) {
		nargs_between(n, 1, 2);
		if (n->nargs == 2)
			want_int(n->args[0]);
		struct node *a = n->args[n->nargs - 1];
		struct type *t = check(a);
		if (!unk(t) && !is_int(t) &&
		    !((t->kind == TY_BUF || t->kind == TY_STR) && (t->size == 5 || t->size == 17 ||
								   t->size == 4 || t->size == 16)))
			error_at(a->loc, "ntop() expects an IPv4 integer or a 4- or 16-byte address, got %s",
				 type_name(t));
		return mk(TY_INET, 24);
	}
	if (!strcmp(f, "join")) {
		nargs_between(n, 1, 2);
		want_int(n->args[0]);
		const char *delim = n->nargs == 2 ? const_str(n->args[1], "join()'s delimiter") : " ";
		n->post = user_ptr(n->args[0]);
		if (pass == 2) {
			struct type *el[16];
			for (int i = 0; i < 16; i++)
				el[i] = type_str(WISP_STRLEN);
			struct node tn = { .type = type_tuple(el, 16) };
			struct node *tp = &tn;
			action(A_JOIN, n, delim, &tp, 1);
			scratch_map(((struct action *)P->actions.v[n->aid])->size);
		}
		return &t_none;
	}
	if (!strcmp(f, "reg")) {
		nargs_between(n, 1, 1);
		/* perf event programs (profile, software) see the interrupted
		 * pt_regs too: their context begins with them */
		if (!(cur->prov->caps & PC_REGS) && !(cur->prov->caps & PC_USDT) &&
		    cur->prov->prog_type != BPF_PROG_TYPE_PERF_EVENT)
			error_at(n->loc, "reg() is not available in %s probes", cur->prov->name);
		const char *name = const_str(n->args[0], "reg()'s register name");
		for (int i = 0; i < arch.nregs; i++)
			if (!strcmp(arch.regnames[i], name)) {
				n->ival = arch.regoffs[i];
				return u64t();
			}
		char *names = "";
		for (int i = 0; i < arch.nregs; i++)
			names = xprintf("%s%s%s", names, i ? " " : "", arch.regnames[i]);
		error_at(n->args[0]->loc, "%s has no register '%s' (it has: %s)", arch.name, name, names);
	}
	if (!strcmp(f, "bswap")) {
		nargs_between(n, 1, 1);
		return want_int(n->args[0]);
	}
	if (!strcmp(f, "cgroupid") || !strcmp(f, "kptr") || !strcmp(f, "uptr") || !strcmp(f, "macaddr"))
		error_at(n->loc, "%s() is not supported yet", f);
	error_at(n->loc, "unknown function '%s'", f);
}

/* --------------------------------------------------------- expressions */

static struct type *binop(struct node *n)
{
	struct type *l = check(n->lhs), *r = check(n->rhs);
	/* every operator gives an integer, whatever pass 1 knows of its
	 * operands: `@n = @n + 1` types @n even before @n is known */
	if (unk(l) || unk(r))
		return s64t();
	if (n->op == OP_EQ || n->op == OP_NE) {
		if (l->kind == TY_STR && r->kind == TY_STR)
			return s64t();
	}
	if (!is_int(l))
		error_at(n->lhs->loc, "'%s' needs integers, got %s", op_str(n->op), type_name(l));
	if (!is_int(r))
		error_at(n->rhs->loc, "'%s' needs integers, got %s", op_str(n->op), type_name(r));
	if (l->ptrs && !r->ptrs && (n->op == OP_ADD || n->op == OP_SUB) && l->cid != -1) {
		/* C's pointer arithmetic: p + 1 is the next element */
		struct type *t = widen(l);
		n->cacc = true;
		n->ival = (uint64_t)(l->ptrs > 1 ? arch.word : ctype_size(l) > 0 ? ctype_size(l) : 1);
		return t;
	}
	switch (n->op) {
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
	case OP_LAND: case OP_LOR:
		return s64t();
	default:
		/* 64-bit arithmetic; unsigned unless both sides are signed */
		return type_int(8, l->sign && r->sign);
	}
}

static struct type *var_ref(struct node *n)
{
	for (int i = 0; i < cur->vars.n; i++) {
		struct var *v = cur->vars.v[i];
		if (!strcmp(v->name, n->name)) {
			n->var = v;
			return v->type ? v->type : &t_unknown;
		}
	}
	if (pass == 1)
		return &t_unknown;
	error_at(n->loc, "variable %s is used before it is assigned", n->name);
}

static struct type *map_ref(struct node *n)
{
	struct map *m = map_get(n);
	n->map = m;
	map_keys(n, m);
	if (!m->val) {
		if (pass == 1)
			return &t_unknown;
		error_at(n->loc, "map %s is read but never assigned", m->name);
	}
	if (ty_is_agg(m->val->kind))
		error_at(n->loc, "map %s holds %s() values, which cannot be read in a probe (print it instead)",
			 m->name, type_name(m->val));
	return m->val;
}

/* $N's text; a parameter not given is "" (0 as a number), as in bpftrace,
 * where tools take optional arguments that way. */
const char *param_text(struct prog *p, uint64_t i)
{
	return i >= 1 && i <= (uint64_t)p->nparams ? p->params[i - 1] : "";
}

static struct type *param(struct node *n)
{
	if (n->ival == 0)
		error_at(n->loc, "positional parameters start at $1");
	const char *s = param_text(P, n->ival);
	if (!*s)
		return s64t();
	char *end;
	if (*s) {
		(void)strtoll(s, &end, 0);
		if (!*end)
			return s64t();
	}
	return type_str((int)strlen(s) + 1);
}

static struct type *assign(struct node *n)
{
	struct node *l = n->lhs;
	struct type *rt;
	if (l->kind == N_MAP && n->op == OP_NONE && n->rhs->kind == N_CALL && agg_kind(n->rhs->name)) {
		struct map *m = map_get(l);
		l->map = m;
		map_keys(l, m);
		rt = aggregation(n->rhs, agg_kind(n->rhs->name));
		n->rhs->type = rt;
		map_value(m, rt, n->rhs->loc);
		m->percpu = true;
		if (rt->kind == TY_HIST || rt->kind == TY_LHIST)
			m->percpu = true;
		n->map = m;
		return &t_none;
	}
	rt = check(n->rhs);
	if (n->op != OP_NONE && !unk(rt) && !is_int(rt))
		error_at(n->rhs->loc, "'%s=' needs an integer, got %s", op_str(n->op), type_name(rt));
	if (l->kind == N_VAR) {
		struct var *v = NULL;
		for (int i = 0; i < cur->vars.n; i++)
			if (!strcmp(((struct var *)cur->vars.v[i])->name, l->name))
				v = cur->vars.v[i];
		if (!v) {
			if (n->op != OP_NONE && pass == 2)
				error_at(l->loc, "variable %s is used before it is assigned", l->name);
			v = xalloc(sizeof(*v));
			v->name = l->name;
			v->loc = l->loc;
			vec_push(&cur->vars, v);
		}
		l->var = v;
		if (!unk(rt)) {
			if (rt->kind == TY_NONE || rt->kind == TY_CTX)
				error_at(n->rhs->loc, "cannot assign %s to a variable",
					 rt->kind == TY_CTX ? "args" : "a value of no type");
			if (rt->kind == TY_CREF)
				error_at(n->rhs->loc, "cannot store %s in a variable: read its members, "
					 "or keep its address (&)", ctype_name(rt));
			if (!v->type)
				v->type = widen(rt);
			else if (!compatible(v->type, rt))
				error_at(n->rhs->loc, "variable %s holds %s, cannot assign %s", v->name,
					 type_name(v->type), type_name(rt));
		}
		l->type = v->type ? v->type : &t_unknown;
		return &t_none;
	}
	if (l->kind == N_MAP) {
		struct map *m = map_get(l);
		l->map = m;
		n->map = m;
		map_keys(l, m);
		if (m->val && ty_is_agg(m->val->kind))
			error_at(n->loc, "map %s holds %s() values: assign it %s() only", m->name,
				 type_name(m->val), type_name(m->val));
		map_value(m, n->op != OP_NONE && unk(rt) ? s64t() : rt, n->rhs->loc);
		l->type = m->val ? m->val : &t_unknown;
		return &t_none;
	}
	error_at(l->loc, "can only assign to a $variable or a @map");
}

/* *p and &x of C types. *p reads what p points to (an element at index
 * 0); &x is the address of a member, element or *p, typed. */
static struct type *c_unop(struct node *n)
{
	if (n->op == OP_DEREF) {
		struct type *lt = check(n->lhs);
		if (unk(lt))
			return &t_unknown;
		lt = cderef(lt, n->loc);
		int esize;
		struct type *t = ctype_elem(lt, n->loc, &esize);
		n->cacc = true;
		n->ival = (uint64_t)esize;
		return t;
	}
	struct node *x = n->lhs;
	struct type *xt = check(x);
	if (unk(xt))
		return &t_unknown;
	if (!x->cacc)
		error_at(n->loc, "'&' needs a struct member, an array element or *pointer");
	struct type *t = type_int(8, false);
	t->user = xt->user;
	if (xt->kind == TY_CREF) {
		t->btf = xt->btf;
		t->cid = xt->cid;
		t->ptrs = 1;
	} else if (xt->ptrs) {
		*t = *xt;
		t->ptrs++;
	} else if (xt->kind == TY_INT) {
		t->cid = xt->size;
		t->psign = xt->sign;
		t->ptrs = 1;
	}	/* a char array (string): a plain address */
	return t;
}

static struct type *check(struct node *n)
{
	struct type *t = NULL;
	switch (n->kind) {
	case N_INT:
		t = type_int(8, n->ival <= INT64_MAX);
		break;
	case N_STR:
		t = type_str(n->slen + 1);
		break;
	case N_BUILTIN:
		t = builtin(n);
		break;
	case N_VAR:
		t = var_ref(n);
		break;
	case N_MAP:
		t = map_ref(n);
		break;
	case N_PARAM:
		t = param(n);
		break;
	case N_NPARAMS:
		t = s64t();
		break;
	case N_CALL:
		t = call(n);
		break;
	case N_BINOP:
		t = binop(n);
		break;
	case N_UNOP:
		if (n->op == OP_DEREF || n->op == OP_ADDR) {
			t = c_unop(n);
			break;
		}
		t = want_int(n->lhs);
		if (!unk(t))
			t = n->op == OP_NOT ? s64t() : type_int(8, n->op == OP_NEG ? true : t->sign);
		break;
	case N_COND: {
		want_int(n->cond);
		struct type *a = check(n->then), *b = check(n->els);
		if (unk(a) || unk(b)) {
			t = &t_unknown;
			break;
		}
		if (!compatible(a, b) || a->kind == TY_NONE)
			error_at(n->loc, "the branches of ?: have different types: %s and %s", type_name(a),
				 type_name(b));
		if (a->kind == TY_INT)
			t = type_int(8, a->sign && b->sign);
		else
			t = a->size >= b->size ? a : b;
		break;
	}
	case N_CAST: {
		struct type *ct = ctype_parse(n->name, n->loc);
		if (!ct)
			error_at(n->loc, "unknown type '%s'", n->name);
		if (ct->kind != TY_INT)
			error_at(n->loc, "cannot cast to %s: only to integers and pointers", n->name);
		struct type *ot = want_int(n->lhs);
		if (ct->ptrs) {
			/* what it points to lives where the operand points: a typed
			 * pointer's memory, else user memory for what uprobes and
			 * syscall arguments give, and in uprobes for any number */
			struct type *c = xalloc(sizeof(*c));
			*c = *ct;
			if (!unk(ot) && ot->ptrs && ot->cid != -1)
				c->user = ot->user;
			else
				c->user = user_ptr(n->lhs) || (!unk(ot) && ot->user) ||
					  (cur->prov->caps & PC_USER);
			ct = c;
		}
		t = ct;
		break;
	}
	case N_FIELD:
		t = field(n);
		break;
	case N_INDEX:
		t = index_expr(n);
		break;
	case N_TUPLE: {
		struct type **e = xalloc(n->nargs * sizeof(*e));
		for (int i = 0; i < n->nargs; i++) {
			e[i] = check(n->args[i]);
			if (unk(e[i]))
				return n->type = &t_unknown;
			if (e[i]->kind == TY_NONE || e[i]->kind == TY_CTX || ty_is_agg(e[i]->kind))
				error_at(n->args[i]->loc, "%s cannot be part of a tuple", type_name(e[i]));
			e[i] = widen(e[i]);
		}
		t = type_tuple(e, n->nargs);
		break;
	}
	case N_SIZEOF: {
		struct type *st = n->name ? ctype_parse(n->name, n->loc) : check(n->lhs);
		if (!st)
			error_at(n->loc, "sizeof: unknown type '%s'", n->name);
		n->ival = unk(st) ? 8 : (uint64_t)st->size;
		if (!unk(st) && st->kind == TY_BUF)
			n->ival = st->size - 1;
		if (!unk(st) && st->kind == TY_CREF)
			n->ival = (uint64_t)ctype_size(st);
		if (!unk(st) && st->ptrs)
			n->ival = n->name ? (uint64_t)arch.word : 8;
		t = u64t();
		break;
	}
	case N_OFFSETOF: {
		struct type *st = ctype_parse(n->name, n->loc);
		if (!st || st->kind != TY_CREF)
			error_at(n->loc, "offsetof needs a struct or union type, not '%s'", n->name);
		long off = 0, bit;
		int bsz;
		char *path = xstrdup(n->str);
		for (char *m = strtok(path, "."); m; m = strtok(NULL, ".")) {
			if (st->kind != TY_CREF)
				error_at(n->loc, "offsetof: '%s' is not inside a struct", m);
			st = ctype_member(st, m, n->loc, &bit, &bsz);
			if (bsz)
				error_at(n->loc, "offsetof: '%s' is a bitfield", m);
			off += bit / 8;
		}
		n->kind = N_INT;
		n->ival = (uint64_t)off;
		t = u64t();
		break;
	}
	case N_ASSIGN:
		t = assign(n);
		break;
	case N_INCDEC: {
		struct node *l = n->lhs;
		if (l->kind != N_VAR && l->kind != N_MAP)
			error_at(l->loc, "'%s' needs a $variable or a @map entry", n->op == OP_ADD ? "++" : "--");
		if (l->kind == N_MAP) {
			struct map *m = map_get(l);
			l->map = m;
			map_keys(l, m);
			map_value(m, s64t(), n->loc);
			if (ty_is_agg(m->val->kind))
				error_at(n->loc, "map %s holds %s() values", m->name, type_name(m->val));
			n->map = m;
			t = m->val;
		} else {
			t = var_ref(l);
		}
		if (!unk(t) && !is_int(t))
			error_at(n->loc, "'%s' needs an integer, got %s", n->op == OP_ADD ? "++" : "--",
				 type_name(t));
		l->type = t;
		break;
	}
	default:
		error_at(n->loc, "this is a statement, not an expression");
	}
	n->type = t;
	return t;
}

/* ------------------------------------------------------------ statements */

static void block(struct node *b)
{
	for (int i = 0; i < b->nargs; i++)
		stmt(b->args[i]);
}

static void stmt(struct node *n)
{
	switch (n->kind) {
	case N_EXPR:
		check(n->lhs);
		n->type = &t_none;
		break;
	case N_IF:
		want_int(n->cond);
		block(n->then);
		if (n->els) {
			if (n->els->kind == N_IF)
				stmt(n->els);
			else
				block(n->els);
		}
		break;
	case N_WHILE:
		want_int(n->cond);
		loop_depth++;
		block(n->body);
		loop_depth--;
		break;
	case N_UNROLL:
		block(n->body);
		break;
	case N_RETURN:
		break;
	case N_BLOCK:
		block(n);
		break;
	default:
		check(n);
	}
}

/* The sizes the kernel map is created with: see "Map layout" in wisp.h. */
static void map_layout(struct map *m)
{
	if (!m->val)
		error_at(m->loc, "map %s is never assigned a value", m->name);
	bool hist = m->val->kind == TY_HIST || m->val->kind == TY_LHIST;
	m->key_size = m->key ? m->key->size : 8;
	if (hist)
		m->key_size = (m->key ? (m->key->size + 7) / 8 * 8 : 0) + 8;	/* aligned bucket */
	m->val_size = m->val->size;
	if (m->key_size > 512 || m->val_size > 512)
		error_at(m->loc, "map %s: key or value over 512 bytes", m->name);
}

/* --------------------------------------------------------------- probes */

static void expand(struct node *pn)
{
	const struct provider *prov = NULL;
	struct probe *pr = NULL;
	for (int i = 0; i < pn->nspecs; i++) {
		struct spec *s = &pn->specs[i];
		const char *rest;
		const struct provider *pv = provider_find(s->text, &rest);
		if (!pv)
			error_at(s->loc, "unknown probe type in '%s'", s->text);
		if (prov && pv != prov)
			error_at(s->loc, "a probe cannot mix %s and %s: write them as two probes",
				 prov->name, pv->name);
		if (!pr) {
			pr = xalloc(sizeof(*pr));
			pr->node = pn;
			pr->prov = pv;
			pr->index = P->probes.n;
			pr->pidnote = -1;
			vec_push(&P->probes, pr);
		}
		prov = pv;
		int before = pr->attaches.n;
		pv->expand(pr, rest, s->loc, &pr->attaches);
		for (int j = before; j < pr->attaches.n; j++) {
			((struct attach *)pr->attaches.v[j])->probe = pr;
			((struct attach *)pr->attaches.v[j])->loc = s->loc;
		}
	}
}

static void check_probe(struct probe *pr)
{
	cur = pr;
	struct node *pn = pr->node;
	if (pn->cond)
		want_int(pn->cond);
	block(pn->body);
}

/* Dispatch a syscalls:* probe through raw_syscalls (struct probe's
 * sysmap) when it matches many syscalls, all entries or all exits, reads
 * no `args` (their layouts differ), and every number is known. Fewer
 * stay one tracepoint each: raw_syscalls runs the program on every
 * syscall, which costs more than a few slow releases. */
#define SYSCALL_DISPATCH_MIN 16

static void syscall_dispatch(struct probe *pr)
{
	if (pr->prov != &prov_tracepoint || pr->uses_args || pr->attaches.n < SYSCALL_DISPATCH_MIN)
		return;
	const char *dir = NULL;
	int lo = 1 << 30, hi = -1, known = 0;
	for (int i = 0; i < pr->attaches.n; i++) {
		struct attach *a = pr->attaches.v[i];
		const char *name = a->fmt->name;
		const char *d = !strncmp(name, "sys_enter_", 10) ? "sys_enter"
				: !strncmp(name, "sys_exit_", 9) ? "sys_exit" : NULL;
		if (strcmp(a->fmt->cat, "syscalls") || !d || (dir && strcmp(d, dir)))
			return;
		dir = d;
		int nr = syscall_nr(name + strlen(d) + 1);
		a->sysnr = nr;
		if (nr < 0)
			continue;	/* newer than wisp's headers: its own tracepoint */
		known++;
		lo = nr < lo ? nr : lo;
		hi = nr > hi ? nr : hi;
	}
	if (known < SYSCALL_DISPATCH_MIN)
		return;
	struct tp_format *raw = tp_format_read("raw_syscalls", dir);
	struct tp_field *id = raw ? tp_field(raw, "id") : NULL;
	if (!id || (id->size != 4 && id->size != 8))
		return;
	pr->sysraw = raw;
	pr->sysid = id;
	struct map *m = xalloc(sizeof(*m));
	m->name = "@__syscalls";
	m->fd = -1;
	m->id = P->maps.n;
	m->syscalls = true;
	m->sysbase = lo;
	m->key_size = 4;
	m->val_size = WISP_STRLEN;
	m->max_entries = hi - lo + 1;
	vec_push(&P->maps, m);
	pr->sysmap = m;
	for (int i = 0; i < pr->attaches.n; i++) {
		struct attach *a = pr->attaches.v[i];
		a->dispatched = a->sysnr >= 0;
	}
}

struct prog *sema(struct program *ast, int nparams, char **params, bool unsafe)
{
	P = xalloc(sizeof(*P));
	P->ast = ast;
	P->nparams = nparams;
	P->params = params;
	P->unsafe = unsafe;
	ctype_decls(ast);
	for (int i = 0; i < ast->nprobes; i++)
		expand(ast->probes[i]);
	for (pass = 1; pass <= 2; pass++) {
		for (int i = 0; i < P->probes.n; i++) {
			struct probe *pr = P->probes.v[i];
			if (pass == 2)
				pr->vars.n = 0;	/* variables are typed again in source order */
			check_probe(pr);
		}
	}
	for (int i = 0; i < P->maps.n; i++)
		if (!((struct map *)P->maps.v[i])->scratch && !((struct map *)P->maps.v[i])->stack)
			map_layout(P->maps.v[i]);
	for (int i = 0; i < P->probes.n; i++)
		syscall_dispatch(P->probes.v[i]);
	if (P->actions.n) {
		struct map *m = xalloc(sizeof(*m));
		m->name = "events";
		m->fd = -1;
		m->id = P->maps.n;
		P->events = m;
	}
	return P;
}
