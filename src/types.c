/* types.c - wisp's value types: integers, strings, tuples, aggregations. */
#include "wisp.h"
#include <string.h>
#include <linux/btf.h>

struct type *type_int(int size, bool sign)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_INT;
	t->size = size;
	t->sign = sign;
	return t;
}

struct type *type_str(int size)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_STR;
	t->size = size;
	return t;
}

int type_align(const struct type *t)
{
	switch (t->kind) {
	case TY_INT:
		return t->size;
	case TY_STR:
	case TY_BUF:
		return 1;
	case TY_TUPLE: {
		int a = 1;
		for (int i = 0; i < t->nelems; i++)
			if (type_align(t->elems[i]) > a)
				a = type_align(t->elems[i]);
		return a;
	}
	default:
		return 8;
	}
}

/* C layout: each element at its alignment, the whole padded to the
 * largest alignment, so the bytes match what the BPF program stores. */
struct type *type_tuple(struct type **elems, int n)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_TUPLE;
	t->nelems = n;
	t->elems = xalloc(n * sizeof(*elems));
	t->offs = xalloc(n * sizeof(int));
	int off = 0, maxa = 1;
	for (int i = 0; i < n; i++) {
		int a = type_align(elems[i]);
		if (a > maxa)
			maxa = a;
		off = (off + a - 1) / a * a;
		t->elems[i] = elems[i];
		t->offs[i] = off;
		off += elems[i]->size;
	}
	t->size = (off + maxa - 1) / maxa * maxa;
	return t;
}

bool type_eq(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->size == b->size && a->sign == b->sign;
	case TY_STR:
	case TY_BUF:
		return a->size == b->size;
	case TY_TUPLE:
		if (a->nelems != b->nelems)
			return false;
		for (int i = 0; i < a->nelems; i++)
			if (!type_eq(a->elems[i], b->elems[i]))
				return false;
		return true;
	case TY_LHIST:
		return a->lmin == b->lmin && a->lmax == b->lmax && a->lstep == b->lstep;
	default:
		return true;
	}
}

bool ty_is_agg(enum ty k)
{
	return k >= TY_COUNT;
}

const char *type_name(const struct type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case TY_NONE: return "none";
	case TY_INT:
		if (t->ptrs)
			return ctype_name((struct type *)t);
		return xprintf("%sint%d", t->sign ? "" : "u", t->size * 8);
	case TY_STR: return xprintf("string[%d]", t->size);
	case TY_BUF: return xprintf("buffer[%d]", t->size - 1);
	case TY_TUPLE: {
		char *s = "(";
		for (int i = 0; i < t->nelems; i++)
			s = xprintf("%s%s%s", s, i ? "," : "", type_name(t->elems[i]));
		return xprintf("%s)", s);
	}
	case TY_INET: return "inet";
	case TY_CTX: return "args";
	case TY_TSTAMP: return "timestamp";
	case TY_CREF: return ctype_name((struct type *)t);
	case TY_STACK: return t->ustack ? "ustack" : "kstack";
	case TY_KSYM: return "ksym";
	case TY_USYM: return "usym";
	case TY_COUNT: return "count";
	case TY_SUM: return "sum";
	case TY_MIN: return "min";
	case TY_MAX: return "max";
	case TY_AVG: return "avg";
	case TY_STATS: return "stats";
	case TY_HIST: return "hist";
	case TY_LHIST: return "lhist";
	}
	return "?";
}

/* ------------------------------------------------------------ C types
 *
 * A program reads kernel (or user) structures through C types. Their
 * source is BTF: the kernel's own (btf_kernel(), opened on first use, so a
 * program that names no type never pays for it) or the script's C
 * declarations, which cdecl.c turns into BTF too. The script's come first:
 * a tool that declares `struct foo` means its own layout. */

static struct btf *decls;	/* the script's declarations, or NULL */

void ctype_decls(struct program *ast)
{
	if (decls)	/* a previous compile's (the fuzzer compiles many) */
		btf_close(decls);
	decls = NULL;	/* cdecl_parse may not return (an error) */
	decls = ast->ndecls ? cdecl_parse(ast->decls, ast->ndecls, arch.word, arch.big_endian) : NULL;
}

/* A struct or union by tag: the script's, else the kernel's. */
static bool find_tagged(const char *name, int kind, struct btf **b, int *id)
{
	if (decls && (*id = btf_find(decls, name, kind)) > 0) {
		*b = decls;
		return true;
	}
	if (btf_kernel() && (*id = btf_kernel_find(name, kind, b)) > 0)
		return true;
	return false;
}

_Noreturn static void no_type(const char *tag, const char *name, struct loc loc)
{
	const char *why = btf_kernel() ? "the kernel's BTF has no such type" : btf_kernel_error();
	error_at(loc, "unknown type '%s %s': %s, and the script declares none; declare it "
		 "before the probes, as bpftrace tools do: %s %s { ... };", tag, name, why, tag, name);
}

/* Through typedefs and qualifiers; a forward declaration is replaced by
 * the full struct or union of that name, wherever it is. */
static int resolve(struct btf **b, int id)
{
	int r = btf_resolve(*b, id);
	if (r > 0 && btf_kind(*b, r) == BTF_KIND_FWD) {
		const char *name = btf_name(*b, r);
		struct btf *fb;
		int fid;
		if (find_tagged(name, BTF_KIND_STRUCT, &fb, &fid) ||
		    find_tagged(name, BTF_KIND_UNION, &fb, &fid)) {
			*b = fb;
			return fid;
		}
	}
	return r;
}

static struct type *ptr_to(struct btf *b, int id, int ptrs, bool user)
{
	struct type *t = type_int(8, false);
	t->btf = b;
	t->cid = id;
	t->ptrs = ptrs;
	t->user = user;
	return t;
}

struct type *ctype_of(struct btf *b, int id, bool user, struct loc loc)
{
	int r = resolve(&b, id);
	int ptrs = 0;
	while (r > 0 && btf_kind(b, r) == BTF_KIND_PTR) {
		ptrs++;
		r = resolve(&b, btf_pointee(b, r));
	}
	if (ptrs)
		return ptr_to(b, r < 0 ? 0 : r, ptrs, user);
	int size = btf_size(b, r), elem, n;
	switch (btf_kind(b, r)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (size != 1 && size != 2 && size != 4 && size != 8)
			error_at(loc, "%s has %d bytes: too big for an integer", btf_name(b, r), size);
		struct type *t = type_int(size, btf_kind(b, r) != BTF_KIND_INT || btf_int_signed(b, r));
		t->user = user;
		return t;
	case BTF_KIND_ARRAY:
		btf_array(b, r, &elem, &n);
		elem = resolve(&b, elem);
		if (btf_kind(b, elem) == BTF_KIND_INT && btf_size(b, elem) == 1 && n > 0) {
			struct type *t = type_str(n);
			t->user = user;
			t->psign = btf_int_signed(b, elem);	/* for its elements: s[i] */
			return t;
		}
		/* fall through */
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct type *t = xalloc(sizeof(*t));
		t->kind = TY_CREF;
		t->size = 8;
		t->btf = b;
		t->cid = r;
		t->user = user;
		return t;
	}
	case BTF_KIND_FWD:
		error_at(loc, "struct %s is only declared, never defined: its members are unknown",
			 btf_name(b, r));
	default:
		error_at(loc, "this C type cannot be read as a value");
	}
}

/* "unsigned long" and friends: bytes and sign; 0 if text is not one */
static int c_int(const char *text, bool *sign)
{
	static const struct {
		const char *name;
		int size;	/* 0: a word */
		bool sign;
	} tab[] = {
		{ "char", 1, true }, { "signed char", 1, true }, { "unsigned char", 1, false },
		{ "short", 2, true }, { "short int", 2, true }, { "unsigned short", 2, false },
		{ "int", 4, true }, { "signed", 4, true }, { "signed int", 4, true },
		{ "unsigned", 4, false }, { "unsigned int", 4, false },
		{ "long", 0, true }, { "long int", 0, true }, { "unsigned long", 0, false },
		{ "long long", 8, true }, { "unsigned long long", 8, false },
		{ "bool", 1, false }, { "_Bool", 1, false },
		{ "int8", 1, true }, { "int16", 2, true }, { "int32", 4, true }, { "int64", 8, true },
		{ "uint8", 1, false }, { "uint16", 2, false }, { "uint32", 4, false },
		{ "uint64", 8, false }, { "s8", 1, true }, { "s16", 2, true }, { "s32", 4, true },
		{ "s64", 8, true }, { "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false },
		{ "u64", 8, false },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(text, tab[i].name)) {
			*sign = tab[i].sign;
			return tab[i].size ? tab[i].size : arch.word;
		}
	return 0;
}

/* (foo_t *)x: a typedef of the script's or the kernel's */
static struct type *typedef_named(const char *name, int ptrs, struct loc loc)
{
	struct btf *b = decls;
	int id = decls ? btf_find(decls, name, BTF_KIND_TYPEDEF) : -1;
	if (id <= 0 && btf_kernel())
		id = btf_kernel_find(name, BTF_KIND_TYPEDEF, &b);
	if (id <= 0)
		return NULL;
	if (ptrs)
		return ptr_to(b, id, ptrs, false);
	return ctype_of(b, id, false, loc);
}

struct type *ctype_parse(const char *text, struct loc loc)
{
	char base[128];
	int ptrs = 0;
	size_t n = strcspn(text, "*");
	for (const char *p = text + n; *p == '*'; p++)
		ptrs++;
	while (n && text[n - 1] == ' ')
		n--;
	if (n >= sizeof(base) || text[strcspn(text, "[")])
		return NULL;
	memcpy(base, text, n);
	base[n] = '\0';
	bool sign;
	int size = c_int(base, &sign);
	if (size) {
		if (!ptrs)
			return type_int(size, sign);
		struct type *t = ptr_to(NULL, size, ptrs, false);
		t->psign = sign;
		return t;
	}
	if (!strcmp(base, "void"))
		return ptrs ? ptr_to(NULL, 0, ptrs, false) : NULL;
	bool is_union = !strncmp(base, "union ", 6);
	if (strncmp(base, "struct ", 7) && !is_union)
		return typedef_named(base, ptrs, loc);
	const char *name = base + (is_union ? 6 : 7);
	struct btf *b;
	int id;
	if (!find_tagged(name, is_union ? BTF_KIND_UNION : BTF_KIND_STRUCT, &b, &id))
		no_type(is_union ? "union" : "struct", name, loc);
	if (ptrs)
		return ptr_to(b, id, ptrs, false);
	return ctype_of(b, id, false, loc);
}

/* What base is, or points to: a struct or union's btf and id. */
static int aggregate(struct type *base, struct btf **b, struct loc loc, const char *what)
{
	if (!(base->kind == TY_CREF || (base->ptrs == 1 && base->btf)))
		error_at(loc, "%s needs a struct or union (or a pointer to one), not %s", what,
			 ctype_name(base));
	*b = base->btf;
	int id = resolve(b, base->cid);
	int k = btf_kind(*b, id);
	if (k == BTF_KIND_FWD)	/* declared, defined nowhere we can see */
		no_type("struct", btf_name(*b, id), loc);
	if (k != BTF_KIND_STRUCT && k != BTF_KIND_UNION)
		error_at(loc, "%s needs a struct or union, not %s", what, ctype_name(base));
	return id;
}

struct type *ctype_member(struct type *base, const char *name, struct loc loc, long *bitoff,
			  int *bitsz)
{
	struct btf *b;
	int id = aggregate(base, &b, loc, xprintf("'%s'", name));
	int m = btf_member(b, id, name, bitoff, bitsz);
	if (m < 0 && b == decls && btf_kernel()) {
		/* a kernel struct the script only sized (a member by value of a
		 * declared struct: cdecl takes its size from the kernel's BTF)
		 * has its members in the kernel's */
		struct btf *kb;
		int kid = btf_kernel_find(btf_name(b, id), btf_kind(b, id), &kb);
		if (kid > 0 && btf_size(kb, kid) == btf_size(b, id) &&
		    (m = btf_member(kb, kid, name, bitoff, bitsz)) >= 0)
			b = kb;
	}
	if (m < 0)
		error_at(loc, "%s has no member '%s'", ctype_name(&(struct type){ .kind = TY_CREF,
			 .btf = b, .cid = id }), name);
	return ctype_of(b, m, base->user, loc);
}

struct type *ctype_elem(struct type *base, struct loc loc, int *esize)
{
	if (base->kind == TY_CREF) {
		struct btf *b = base->btf;
		int elem, n, id = resolve(&b, base->cid);
		if (btf_array(b, id, &elem, &n) < 0)
			error_at(loc, "cannot index %s", ctype_name(base));
		*esize = btf_size(b, elem);
		return ctype_of(b, elem, base->user, loc);
	}
	if (base->kind != TY_INT || !base->ptrs)
		error_at(loc, "cannot dereference %s: cast it to a pointer type first", type_name(base));
	if (base->ptrs > 1) {
		*esize = arch.word;
		struct type *t = ptr_to(base->btf, base->cid, base->ptrs - 1, base->user);
		t->psign = base->psign;
		return t;
	}
	if (!base->btf) {
		if (!base->cid)
			error_at(loc, "cannot dereference a void pointer");
		*esize = base->cid;
		struct type *t = type_int(base->cid, base->psign);
		t->user = base->user;
		return t;
	}
	*esize = btf_size(base->btf, base->cid);
	if (*esize <= 0)
		error_at(loc, "cannot dereference %s: what it points to has no size", ctype_name(base));
	return ctype_of(base->btf, base->cid, base->user, loc);
}

int ctype_size(struct type *t)
{
	if (t->kind == TY_CREF)
		return btf_size(t->btf, t->cid);
	if (t->ptrs > 1)
		return arch.word;
	return t->btf ? btf_size(t->btf, t->cid) : t->cid;
}

bool ctype_enum(const char *name, int64_t *v)
{
	if (decls && btf_enum_value(decls, name, v))
		return true;
	return btf_kernel() && btf_enum_value(btf_kernel(), name, v);
}

const char *ctype_name(struct type *t)
{
	if (t->kind != TY_CREF && !t->ptrs)
		return type_name(t);
	const char *stars = t->kind == TY_CREF ? "" : xprintf(" %.*s", t->ptrs, "********");
	if (!t->btf && t->cid == -1)
		return "struct task_struct *";	/* curtask, not looked up yet */
	if (!t->btf)
		return xprintf("%s%s", t->cid ? type_name(type_int(t->cid, t->psign)) : "void", stars);
	struct btf *b = t->btf;
	int id = t->cid ? btf_resolve(b, t->cid) : 0;
	const char *tag = "";
	switch (btf_kind(b, id)) {
	case BTF_KIND_STRUCT: tag = "struct "; break;
	case BTF_KIND_FWD: tag = "struct "; break;
	case BTF_KIND_UNION: tag = "union "; break;
	case BTF_KIND_ENUM: tag = "enum "; break;
	case BTF_KIND_ARRAY: return xprintf("an array%s", stars);
	default: break;
	}
	const char *name = id ? btf_name(b, id) : "void";
	return xprintf("%s%s%s", tag, *name ? name : "(anonymous)", stars);
}
