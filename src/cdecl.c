/* cdecl.c - C declarations in scripts, as BTF.
 *
 * bpftrace tools written for kernels without BTF carry the types they read:
 *
 *   struct task_struct { int pid; char comm[16]; struct task_struct *real_parent; };
 *
 * This file parses such declarations (struct, union, enum, typedef), lays
 * them out by the target's C ABI and writes them as a BTF blob for
 * btf_parse(), so that the rest of wisp sees one kind of type.
 *
 * Types live in one table whose index is the BTF type id (0 is void): a
 * type is an int from the moment it is named until it is written. A tag
 * used before its body (struct foo *next inside struct foo, or a struct
 * defined further down) gets its id at once and is filled in when the
 * body comes; one never defined is written as a FWD, which the language
 * resolves by name elsewhere (the kernel's BTF).
 *
 * Layout is GCC's for the target (word 4 or 8 bytes): natural alignment,
 * 8-byte types 8-aligned everywhere. A bitfield goes at the current bit
 * unless it would cross a boundary of its type's storage unit, then at the
 * next one; `:0` moves to the next unit of its type. Bit offsets are in
 * memory order, the same numbers for both byte orders: on a big-endian
 * target bit k is counted from the most significant bit of byte k/8 (as
 * the kernel's BTF counts there too), which is also how GCC allocates.
 * One ABI difference word and byte order cannot tell: ARM (AAPCS, 32 and
 * 64 bit) lets unnamed bitfields align the struct, the others do not; the
 * configured target (arch.name) decides.
 *
 * Names the kernel's headers would give (u32, size_t, atomic_t, struct
 * list_head ...) come from a small prelude of C text, parsed the first
 * time a script needs one it did not declare itself.
 */
#include "wisp.h"
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#define MAXDEPTH 64		/* nested declarators, bodies, expressions */

/* ARM's rule for unnamed bitfields: -1 takes it from arch.name; the unit
 * tests set 0 or 1 to check both rules on any host. */
int cdecl_abi_arm = -1;

/* ------------------------------------------------------------ types */

struct member {
	const char *name;	/* NULL: an anonymous struct or union */
	int type;
	int64_t off;		/* bits from the start of the struct */
	int bits;		/* bitfield width; 0 when not a bitfield */
};

struct enumr {
	const char *name;
	int64_t val;
};

struct cty {
	int kind;		/* BTF_KIND_* */
	const char *name;	/* NULL: anonymous */
	int64_t size;		/* bytes: INT FLOAT PTR ARRAY, and defined tags */
	int align;		/* bytes; TYPEDEF: 0, or what an aligned attribute said */
	int ref;		/* PTR TYPEDEF ARRAY: the type; FUNC_PROTO: the return type */
	int64_t nelems;		/* ARRAY */
	uint32_t enc;		/* INT: BTF_INT_SIGNED, CHAR or BOOL */
	bool defined;		/* STRUCT UNION ENUM: the body was seen */
	bool variadic;		/* FUNC_PROTO */
	bool bitfields;		/* STRUCT UNION: written with kind_flag */
	struct member *mems;	/* STRUCT UNION members; FUNC_PROTO parameters */
	struct enumr *vals;	/* ENUM */
	int n;
	int ptr;		/* the pointer to this type, once made */
};

static struct {
	struct cty *t;
	int n, cap;
	int word;
	struct enumr *consts;	/* every enumerator, for constant expressions */
	int nconsts, capconsts;
	bool *loaded;		/* prelude entries parsed already */
} S;

static int new_type(int kind, const char *name)
{
	if (S.n == S.cap) {
		int cap = S.cap ? 2 * S.cap : 64;
		S.t = xrealloc(S.t, S.cap * sizeof(*S.t), cap * sizeof(*S.t));
		S.cap = cap;
	}
	S.t[S.n] = (struct cty){ .kind = kind, .name = name, .align = 1 };
	return S.n++;
}

/* Through typedefs to the type itself. Typedefs only name earlier types,
 * so this cannot loop. */
static int resolve(int id)
{
	while (S.t[id].kind == BTF_KIND_TYPEDEF)
		id = S.t[id].ref;
	return id;
}

static bool is_tag(int kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM;
}

/* bytes, or -1 for void, functions and tags without a body */
static int64_t size_of(int id)
{
	struct cty *t = &S.t[resolve(id)];
	if (!id || t->kind == BTF_KIND_FUNC_PROTO || (is_tag(t->kind) && !t->defined))
		return -1;
	return t->size;
}

static int align_of(int id)
{
	for (; S.t[id].kind == BTF_KIND_TYPEDEF; id = S.t[id].ref)
		if (S.t[id].align)
			return S.t[id].align;
	return S.t[id].align;
}

/* Base types are made once, by name: "long unsigned int" as GCC (and so
 * the kernel's BTF) calls it. */
static int base_type(int kind, const char *name, int size, uint32_t enc)
{
	for (int i = 1; i < S.n; i++)
		if (S.t[i].kind == kind && !strcmp(S.t[i].name, name))
			return i;
	int id = new_type(kind, name);
	S.t[id].size = size;
	S.t[id].align = size;
	S.t[id].enc = enc;
	return id;
}

static int int_type(const char *name, int size, uint32_t enc)
{
	return base_type(BTF_KIND_INT, name, size, enc);
}

static int pointer_to(int id)
{
	if (S.t[id].ptr)
		return S.t[id].ptr;
	int p = new_type(BTF_KIND_PTR, NULL);
	S.t[p].ref = id;
	S.t[p].size = S.t[p].align = S.word;
	S.t[id].ptr = p;
	return p;
}

static const char *tname(int id)
{
	struct cty *t = &S.t[id];
	if (!id)
		return "void";
	switch (t->kind) {
	case BTF_KIND_STRUCT: return xprintf("struct %s", t->name ? t->name : "<anonymous>");
	case BTF_KIND_UNION: return xprintf("union %s", t->name ? t->name : "<anonymous>");
	case BTF_KIND_ENUM: return xprintf("enum %s", t->name ? t->name : "<anonymous>");
	case BTF_KIND_PTR: return xprintf("%s *", tname(t->ref));
	case BTF_KIND_ARRAY: return xprintf("%s[%lld]", tname(t->ref), (long long)t->nelems);
	case BTF_KIND_FUNC_PROTO: return xprintf("%s (...)", tname(t->ref));
	}
	return t->name;
}

static int array_of(int elem, int64_t n, struct loc loc)
{
	for (int i = 1; i < S.n; i++)
		if (S.t[i].kind == BTF_KIND_ARRAY && S.t[i].ref == elem && S.t[i].nelems == n)
			return i;
	int64_t esize = size_of(elem);
	if (n > UINT32_MAX || (n && esize > INT32_MAX / n))
		error_at(loc, "array is too large");
	int id = new_type(BTF_KIND_ARRAY, NULL);
	S.t[id].ref = elem;
	S.t[id].nelems = n;
	S.t[id].size = esize * n;
	S.t[id].align = align_of(elem);
	return id;
}

static int find_named(const char *name, bool tag)
{
	for (int i = 1; i < S.n; i++)
		if (S.t[i].name && (tag ? is_tag(S.t[i].kind) : S.t[i].kind == BTF_KIND_TYPEDEF) &&
		    !strcmp(S.t[i].name, name))
			return i;
	return -1;
}

static bool find_const(const char *name, int64_t *v)
{
	for (int i = 0; i < S.nconsts; i++)
		if (!strcmp(S.consts[i].name, name)) {
			*v = S.consts[i].val;
			return true;
		}
	return false;
}

/* Is a the same type as b? Tags are the same only as the same id (one tag,
 * one type); anonymous ones, pointers, arrays and functions by what they
 * are made of, so that a declaration repeated word for word is no
 * conflict. */
static bool same_type(int a, int b, int depth);

static bool same_body(int a, int b, int depth)
{
	struct cty *x = &S.t[a], *y = &S.t[b];
	if (x->kind != y->kind || x->defined != y->defined || x->size != y->size ||
	    x->align != y->align || x->n != y->n)
		return false;
	for (int i = 0; i < x->n; i++) {
		if (x->kind == BTF_KIND_ENUM) {
			if (strcmp(x->vals[i].name, y->vals[i].name) || x->vals[i].val != y->vals[i].val)
				return false;
			continue;
		}
		struct member *m = &x->mems[i], *n = &y->mems[i];
		if ((m->name || n->name) && (!m->name || !n->name || strcmp(m->name, n->name)))
			return false;
		if (m->off != n->off || m->bits != n->bits || !same_type(m->type, n->type, depth + 1))
			return false;
	}
	return true;
}

static bool same_type(int a, int b, int depth)
{
	struct cty *x = &S.t[a], *y = &S.t[b];
	if (a == b)
		return true;
	if (depth > MAXDEPTH || x->kind != y->kind)
		return false;
	switch (x->kind) {
	case BTF_KIND_PTR:
		return same_type(x->ref, y->ref, depth + 1);
	case BTF_KIND_ARRAY:
		return x->nelems == y->nelems && same_type(x->ref, y->ref, depth + 1);
	case BTF_KIND_TYPEDEF:
		return !strcmp(x->name, y->name) && x->align == y->align &&
		       same_type(x->ref, y->ref, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		if (x->n != y->n || x->variadic != y->variadic || !same_type(x->ref, y->ref, depth + 1))
			return false;
		for (int i = 0; i < x->n; i++)
			if (!same_type(x->mems[i].type, y->mems[i].type, depth + 1))
				return false;
		return true;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
		return !x->name && !y->name && same_body(a, b, depth + 1);
	}
	return false;	/* base types are made once each */
}

/* ------------------------------------------------------------ the prelude */

static const struct builtin {
	const char *name;	/* a typedef name, or "struct tag" */
	const char *text;
} prelude[] = {
	{ "bool", "typedef _Bool bool;" },
	{ "__u8", "typedef unsigned char __u8;" },
	{ "__s8", "typedef signed char __s8;" },
	{ "__u16", "typedef unsigned short __u16;" },
	{ "__s16", "typedef short __s16;" },
	{ "__u32", "typedef unsigned int __u32;" },
	{ "__s32", "typedef int __s32;" },
	{ "__u64", "typedef unsigned long long __u64;" },
	{ "__s64", "typedef long long __s64;" },
	{ "u8", "typedef __u8 u8;" },
	{ "s8", "typedef __s8 s8;" },
	{ "u16", "typedef __u16 u16;" },
	{ "s16", "typedef __s16 s16;" },
	{ "u32", "typedef __u32 u32;" },
	{ "s32", "typedef __s32 s32;" },
	{ "u64", "typedef __u64 u64;" },
	{ "s64", "typedef __s64 s64;" },
	{ "__be16", "typedef __u16 __be16;" },
	{ "__be32", "typedef __u32 __be32;" },
	{ "__be64", "typedef __u64 __be64;" },
	{ "__le16", "typedef __u16 __le16;" },
	{ "__le32", "typedef __u32 __le32;" },
	{ "__le64", "typedef __u64 __le64;" },
	{ "__wsum", "typedef __u32 __wsum;" },
	{ "__sum16", "typedef __u16 __sum16;" },
	{ "int8_t", "typedef signed char int8_t;" },
	{ "uint8_t", "typedef unsigned char uint8_t;" },
	{ "int16_t", "typedef short int16_t;" },
	{ "uint16_t", "typedef unsigned short uint16_t;" },
	{ "int32_t", "typedef int int32_t;" },
	{ "uint32_t", "typedef unsigned int uint32_t;" },
	{ "int64_t", "typedef long long int64_t;" },
	{ "uint64_t", "typedef unsigned long long uint64_t;" },
	{ "size_t", "typedef unsigned long size_t;" },
	{ "ssize_t", "typedef long ssize_t;" },
	{ "uintptr_t", "typedef unsigned long uintptr_t;" },
	{ "intptr_t", "typedef long intptr_t;" },
	{ "pid_t", "typedef int pid_t;" },
	{ "uid_t", "typedef unsigned int uid_t;" },
	{ "gid_t", "typedef unsigned int gid_t;" },
	{ "off_t", "typedef long off_t;" },
	{ "loff_t", "typedef long long loff_t;" },
	{ "dev_t", "typedef u32 dev_t;" },
	{ "umode_t", "typedef unsigned short umode_t;" },
	{ "sector_t", "typedef u64 sector_t;" },
	{ "gfp_t", "typedef unsigned int gfp_t;" },
	{ "ktime_t", "typedef s64 ktime_t;" },
	{ "atomic_t", "typedef struct { int counter; } atomic_t;" },
	{ "atomic64_t", "typedef struct { s64 counter; } atomic64_t;" },
	{ "atomic_long_t", "typedef struct { long counter; } atomic_long_t;" },
	{ "refcount_t", "typedef struct refcount_struct { atomic_t refs; } refcount_t;" },
	{ "struct refcount_struct", "struct refcount_struct { atomic_t refs; };" },
	{ "kuid_t", "typedef struct { uid_t val; } kuid_t;" },
	{ "kgid_t", "typedef struct { gid_t val; } kgid_t;" },
	{ "struct list_head", "struct list_head { struct list_head *next, *prev; };" },
	{ "struct hlist_head", "struct hlist_head { struct hlist_node *first; };" },
	{ "struct hlist_node", "struct hlist_node { struct hlist_node *next, **pprev; };" },
	{ "struct rb_node", "struct rb_node { unsigned long __rb_parent_color; "
	  "struct rb_node *rb_right; struct rb_node *rb_left; } "
	  "__attribute__((aligned(sizeof(long))));" },
	{ "struct rb_root", "struct rb_root { struct rb_node *rb_node; };" },
};
#define NPRELUDE (int)(sizeof(prelude) / sizeof(prelude[0]))

static void parse_decl(struct source *src, int off, int len);

/* Parse the prelude's entry for key (once); false if there is none. An
 * error in it (a script's own struct refcount_struct that differs) is
 * reported against the prelude's text, then passed on as it would have
 * been: cur_src is the script's again either way. */
static bool load_builtin(const char *key)
{
	for (int i = 0; i < NPRELUDE; i++) {
		if (strcmp(prelude[i].name, key) || S.loaded[i])
			continue;
		S.loaded[i] = true;
		struct source src = { "<builtin>", prelude[i].text }, *save = cur_src;
		jmp_buf jb, *outer = error_jmp;
		cur_src = &src;
		error_jmp = &jb;
		if (setjmp(jb)) {
			cur_src = save;
			error_jmp = outer;
			if (outer)
				longjmp(*outer, 1);
			exit(1);
		}
		parse_decl(&src, 0, (int)strlen(src.text));
		cur_src = save;
		error_jmp = outer;
		return true;
	}
	return false;
}

/* A typedef name: the script's, else the prelude's. -1 if neither. */
static int lookup_typedef(const char *name)
{
	int id = find_named(name, false);
	if (id < 0 && load_builtin(name))
		id = find_named(name, false);
	return id;
}

/* A tag without a body that the prelude knows gets the prelude's. */
static void complete_builtin(int id)
{
	struct cty *t = &S.t[resolve(id)];
	if (t->name && !t->defined && t->kind != BTF_KIND_ENUM)
		load_builtin(xprintf("%s %s", t->kind == BTF_KIND_UNION ? "union" : "struct",
				     t->name));
}

/* ------------------------------------------------------------ tokens */

struct parser {
	struct lexer lx;
	struct token tok;
	const char *end;	/* where the declaration's text ends */
	int depth;
};

/* The next token of the declaration; TK_EOF past its end, where the
 * lexer is not even asked (what follows is not C). Tokens of a #define's
 * expansion lie in the #define line, before the declaration. */
static void next(struct parser *p)
{
	int end = (int)(p->end - p->lx.start);
	if (!p->lx.mp && p->lx.p >= p->end)
		p->tok = (struct token){ .kind = TK_EOF, .loc = { end, 0 }, .s = "" };
	else
		p->tok = lex_next(&p->lx);
	if (p->tok.kind == TK_EOF || p->tok.loc.off >= end)
		p->tok = (struct token){ .kind = TK_EOF, .loc = { end, 0 }, .s = "" };
}

static bool is(struct parser *p, const char *s)
{
	return p->tok.kind == TK_PUNCT && !strcmp(p->tok.s, s);
}

static bool is_word(const struct token *t, const char *s)
{
	return t->kind == TK_IDENT && !strcmp(t->s, s);
}

_Noreturn static void expected(struct parser *p, const char *what)
{
	const struct token *t = &p->tok;
	const char *found = t->kind == TK_EOF ? "the end of the declaration"
			    : strlen(t->s) > 32 ? xprintf("'%.29s...'", t->s) : xprintf("'%s'", t->s);
	error_at(t->loc, "expected %s, found %s", what, found);
}

static void expect(struct parser *p, const char *s)
{
	if (!is(p, s))
		expected(p, xprintf("'%s'", s));
	next(p);
}

static void enter(struct parser *p)
{
	if (++p->depth > MAXDEPTH)
		error_at(p->tok.loc, "declaration nested too deeply");
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Qualifiers and the kernel's annotations: nothing to the layout. */
static const char *const ignored[] = {
	"const", "volatile", "restrict", "__restrict", "__restrict__", "__const", "__const__",
	"__volatile", "__volatile__", "__user", "__kernel", "__rcu", "__iomem", "__percpu",
	"__force", "__private", "__bitwise", "__bitwise__", "__randomize_layout",
	"__extension__", "__must_check", NULL,
};

enum { K_VOID, K_BOOL, K_CHAR, K_SHORT, K_INT, K_LONG, K_SIGNED, K_UNSIGNED, K_FLOAT,
	K_DOUBLE, NKW };
static const char *const kwnames[NKW] = {
	"void", "_Bool", "char", "short", "int", "long", "signed", "unsigned", "float", "double",
};

static int keyword(const char *s)
{
	for (int k = 0; k < NKW; k++)
		if (!strcmp(s, kwnames[k]))
			return k;
	return !strcmp(s, "__signed__") || !strcmp(s, "__signed") ? K_SIGNED : -1;
}

static bool attr_start(const struct token *t)
{
	return t->kind == TK_IDENT && (!strcmp(t->s, "__attribute__") || !strcmp(t->s, "__attribute") ||
				       !strcmp(t->s, "__packed") || !strcmp(t->s, "__aligned"));
}

/* Can a type name begin at t? (A cast in an expression, a parameter.) */
static bool type_start(const struct token *t)
{
	if (t->kind != TK_IDENT)
		return false;
	return keyword(t->s) >= 0 || in_list(t->s, ignored) || attr_start(t) ||
	       is_word(t, "struct") || is_word(t, "union") || is_word(t, "enum") ||
	       lookup_typedef(t->s) > 0;
}

/* ------------------------------------------------------------ constants */

static int64_t expr(struct parser *p);
static int type_name_(struct parser *p);

static const struct {
	const char *op;
	int prec;
} binops[] = {
	{ "||", 1 }, { "&&", 2 }, { "|", 3 }, { "^", 4 }, { "&", 5 }, { "==", 6 }, { "!=", 6 },
	{ "<", 7 }, { ">", 7 }, { "<=", 7 }, { ">=", 7 }, { "<<", 8 }, { ">>", 8 },
	{ "+", 9 }, { "-", 9 }, { "*", 10 }, { "/", 10 }, { "%", 10 },
};

/* Wrapping arithmetic (through uint64_t, so that overflow is defined). */
static int64_t apply(const char *op, int64_t a, int64_t b, struct loc loc)
{
	uint64_t x = a, y = b;
	switch (op[0]) {
	case '+': return (int64_t)(x + y);
	case '-': return (int64_t)(x - y);
	case '*': return (int64_t)(x * y);
	case '/': case '%':
		if (!b)
			error_at(loc, "division by zero in a constant expression");
		if (b == -1)
			return op[0] == '/' ? (int64_t)(0 - x) : 0;
		return op[0] == '/' ? a / b : a % b;
	case '^': return a ^ b;
	case '=': return a == b;
	case '!': return a != b;
	}
	if (!strcmp(op, "||")) return a || b;
	if (!strcmp(op, "&&")) return a && b;
	if (!strcmp(op, "|")) return a | b;
	if (!strcmp(op, "&")) return a & b;
	if (!strcmp(op, "<")) return a < b;
	if (!strcmp(op, ">")) return a > b;
	if (!strcmp(op, "<=")) return a <= b;
	if (!strcmp(op, ">=")) return a >= b;
	if (b < 0 || b > 63)
		error_at(loc, "shift count %lld is out of range", (long long)b);
	return !strcmp(op, "<<") ? (int64_t)(x << b) : a >> b;
}

/* The value a cast to integer type t gives v. */
static int64_t cast(int t, int64_t v)
{
	struct cty *c = &S.t[resolve(t)];
	int64_t size = size_of(t);
	if (c->kind == BTF_KIND_ENUM || size <= 0 || size >= 8)
		return v;
	uint64_t mask = (1ull << (size * 8)) - 1, u = (uint64_t)v & mask;
	if (c->kind == BTF_KIND_INT && (c->enc & BTF_INT_SIGNED) && (u >> (size * 8 - 1)))
		u |= ~mask;
	return (int64_t)u;
}

/* sizeof(type), _Alignof(type) */
static int64_t size_or_align(struct parser *p, bool align)
{
	struct token at = p->tok;
	next(p);
	expect(p, "(");
	int t = type_name_(p);
	expect(p, ")");
	complete_builtin(t);
	if (size_of(t) < 0)
		error_at(at.loc, "%s of incomplete type '%s'", at.s, tname(t));
	return align ? align_of(t) : size_of(t);
}

static int64_t unary(struct parser *p)
{
	struct token t = p->tok;
	enter(p);
	int64_t v;
	if (is(p, "-") || is(p, "+") || is(p, "~") || is(p, "!")) {
		next(p);
		v = unary(p);
		v = t.s[0] == '-' ? (int64_t)(0 - (uint64_t)v) : t.s[0] == '~' ? ~v
		    : t.s[0] == '!' ? !v : v;
	} else if (is(p, "(")) {
		next(p);
		if (type_start(&p->tok)) {
			int ty = type_name_(p);
			expect(p, ")");
			v = cast(ty, unary(p));
		} else {
			v = expr(p);
			expect(p, ")");
		}
	} else if (t.kind == TK_INT) {
		next(p);
		v = (int64_t)t.ival;
	} else if (is_word(&t, "sizeof")) {
		v = size_or_align(p, false);
	} else if (is_word(&t, "_Alignof") || is_word(&t, "__alignof__") ||
		   is_word(&t, "__alignof") || is_word(&t, "alignof")) {
		v = size_or_align(p, true);
	} else if (t.kind == TK_IDENT) {
		if (!find_const(t.s, &v))
			error_at(t.loc, "unknown name '%s' in a constant expression", t.s);
		next(p);
	} else {
		expected(p, "a constant");
	}
	p->depth--;
	return v;
}

static int binop_prec(struct parser *p)
{
	if (p->tok.kind != TK_PUNCT)
		return 0;
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		if (!strcmp(p->tok.s, binops[i].op))
			return binops[i].prec;
	return 0;
}

static int64_t binary(struct parser *p, int min)
{
	int64_t v = unary(p);
	for (int prec; (prec = binop_prec(p)) >= min && prec;) {
		struct token op = p->tok;
		next(p);
		v = apply(op.s, v, binary(p, prec + 1), op.loc);
	}
	return v;
}

/* A constant expression: array sizes, bitfield widths, enumerator values. */
static int64_t expr(struct parser *p)
{
	enter(p);
	int64_t c = binary(p, 1);
	if (is(p, "?")) {
		next(p);
		int64_t a = expr(p);
		expect(p, ":");
		int64_t b = expr(p);
		c = c ? a : b;
	}
	p->depth--;
	return c;
}

/* ------------------------------------------------------------ attributes */

struct attrs {
	bool packed;
	int aligned;		/* 0: none */
};

static int biggest_alignment(void)
{
	return S.word == 8 ? 16 : 8;	/* __BIGGEST_ALIGNMENT__ of the wisp targets */
}

static void aligned_arg(struct parser *p, struct attrs *a)
{
	if (!is(p, "(")) {
		a->aligned = biggest_alignment();
		return;
	}
	next(p);
	struct token at = p->tok;
	int64_t v = expr(p);
	if (v <= 0 || v > (1 << 28) || (v & (v - 1)))
		error_at(at.loc, "requested alignment %lld is not a positive power of 2",
			 (long long)v);
	if (v > a->aligned)
		a->aligned = (int)v;
	expect(p, ")");
}

/* Skip a parenthesised group, nested ones included. */
static void skip_parens(struct parser *p)
{
	int depth = 0;
	do {
		if (p->tok.kind == TK_EOF)
			expected(p, "')'");
		if (is(p, "("))
			depth++;
		else if (is(p, ")"))
			depth--;
		next(p);
	} while (depth > 0);
}

/* __attribute__((packed, aligned(8), ...)) and the kernel's __packed and
 * __aligned(N), any number of them; other attributes are skipped. */
static void attributes(struct parser *p, struct attrs *a)
{
	while (attr_start(&p->tok)) {
		if (is_word(&p->tok, "__packed")) {
			a->packed = true;
			next(p);
			continue;
		}
		if (is_word(&p->tok, "__aligned")) {
			next(p);
			aligned_arg(p, a);
			continue;
		}
		next(p);
		expect(p, "(");
		expect(p, "(");
		while (p->tok.kind == TK_IDENT) {
			const char *n = p->tok.s;
			next(p);
			if (!strcmp(n, "packed") || !strcmp(n, "__packed__"))
				a->packed = true;
			else if (!strcmp(n, "aligned") || !strcmp(n, "__aligned__"))
				aligned_arg(p, a);
			else if (is(p, "("))
				skip_parens(p);
			if (!is(p, ","))
				break;
			next(p);
		}
		expect(p, ")");
		expect(p, ")");
	}
}

/* Qualifiers and attributes where they change nothing (after a '*'). */
static void skip_qualifiers(struct parser *p)
{
	struct attrs none = { 0 };
	for (;;) {
		if (p->tok.kind == TK_IDENT && in_list(p->tok.s, ignored))
			next(p);
		else if (attr_start(&p->tok))
			attributes(p, &none);
		else
			return;
	}
}

/* ------------------------------------------------------------ declarators */

static int declspec(struct parser *p, bool *is_typedef, struct attrs *a);
static int declarator(struct parser *p, int type, struct token *name);

/* type-name = declspec abstract-declarator: sizeof's, a cast's */
static int type_name_(struct parser *p)
{
	struct attrs a = { 0 };
	return declarator(p, declspec(p, NULL, &a), NULL);
}

static int suffix(struct parser *p, int type);

/* "(" params ")" suffix: a function returning what the suffix after the
 * ')' makes of ret. Arrays and functions as parameters are pointers, as
 * in C. */
static int params(struct parser *p, int ret, struct loc at)
{
	next(p);
	struct member *ps = NULL;
	int n = 0, cap = 0;
	bool variadic = false;
	struct parser peek = *p;
	next(&peek);
	if (is_word(&p->tok, "void") && peek.tok.kind == TK_PUNCT && !strcmp(peek.tok.s, ")"))
		next(p);
	while (!is(p, ")")) {
		if (is(p, ".")) {
			for (int i = 0; i < 3; i++)
				expect(p, ".");
			variadic = true;
			break;
		}
		struct attrs a = { 0 };
		struct token name = { 0 }, first = p->tok;
		int t = declarator(p, declspec(p, NULL, &a), &name);
		int k = S.t[resolve(t)].kind;
		if (!t)
			error_at(first.loc, "a parameter cannot have type void");
		if (k == BTF_KIND_ARRAY)
			t = pointer_to(S.t[resolve(t)].ref);
		else if (k == BTF_KIND_FUNC_PROTO)
			t = pointer_to(t);
		if (n == cap) {
			ps = xrealloc(ps, cap * sizeof(*ps), (cap ? 2 * cap : 4) * sizeof(*ps));
			cap = cap ? 2 * cap : 4;
		}
		ps[n++] = (struct member){ .name = name.s, .type = t };
		if (!is(p, ","))
			break;
		next(p);
	}
	expect(p, ")");
	ret = suffix(p, ret);
	int r = S.t[resolve(ret)].kind;
	if (r == BTF_KIND_ARRAY)
		error_at(at, "a function cannot return an array");
	if (r == BTF_KIND_FUNC_PROTO)
		error_at(at, "a function cannot return a function");
	int id = new_type(BTF_KIND_FUNC_PROTO, NULL);
	S.t[id].ref = ret;
	S.t[id].mems = ps;
	S.t[id].n = n;
	S.t[id].variadic = variadic;
	return id;
}

/* Array and function suffixes: int a[2][3] is an array of 2 arrays of 3. */
static int suffix(struct parser *p, int type)
{
	struct token at = p->tok;
	if (is(p, "(")) {
		enter(p);
		int t = params(p, type, at.loc);
		p->depth--;
		return t;
	}
	if (!is(p, "["))
		return type;
	enter(p);
	next(p);
	int64_t n = 0;
	if (!is(p, "]")) {
		struct token nt = p->tok;
		n = expr(p);
		if (n < 0)
			error_at(nt.loc, "array size %lld is negative", (long long)n);
	}
	expect(p, "]");
	type = suffix(p, type);
	p->depth--;
	if (S.t[resolve(type)].kind == BTF_KIND_FUNC_PROTO)
		error_at(at.loc, "an array of functions is not a type");
	complete_builtin(type);
	if (size_of(type) < 0)
		error_at(at.loc, "array of incomplete type '%s'", tname(type));
	return array_of(type, n, at.loc);
}

/* Does a nested declarator follow the '(' at p->tok (as in int (*fn)(int)),
 * rather than a parameter list (as in the abstract int (int))? */
static bool nested_follows(struct parser *p)
{
	struct parser peek = *p;
	next(&peek);
	if (is(&peek, "*") || is(&peek, "(") || is(&peek, "["))
		return true;
	return peek.tok.kind == TK_IDENT && !type_start(&peek.tok);
}

/* declarator = "*"* (ident | "(" declarator ")")? suffix
 * The type of a nested declarator's name is built from the outside in:
 * in int (*fn)(int), fn is a pointer to what the suffix after the ')'
 * makes of int. So the inner part is skipped, the suffix read, and the
 * inner part read again on top of that. name NULL: an abstract one. */
static int declarator(struct parser *p, int type, struct token *name)
{
	enter(p);
	while (is(p, "*")) {
		next(p);
		type = pointer_to(type);
		skip_qualifiers(p);
	}
	if (is(p, "(") && nested_follows(p)) {
		struct parser inner = *p;
		skip_parens(p);
		type = suffix(p, type);
		struct parser after = *p;
		*p = inner;
		next(p);
		type = declarator(p, type, name);
		if (!is(p, ")"))
			expected(p, "')'");
		*p = after;
		p->depth--;
		return type;
	}
	if (name && p->tok.kind == TK_IDENT && !attr_start(&p->tok)) {
		*name = p->tok;
		next(p);
	}
	type = suffix(p, type);
	p->depth--;
	return type;
}

/* ------------------------------------------------------------ structs */

/* A member as written, before layout. */
struct raw {
	const char *name;
	int type;
	int bits;		/* -1: not a bitfield */
	struct attrs a;
	struct loc loc;
};

static bool arm_abi(void)
{
	if (cdecl_abi_arm >= 0)
		return cdecl_abi_arm;
	return !strcmp(arch.name, "arm") || !strcmp(arch.name, "aarch64");
}

static int64_t round_up(int64_t x, int64_t a)
{
	return (x + a - 1) / a * a;
}

/* Place the members (GCC's rules, see the top of the file) and fill in
 * the struct or union id. */
static void layout(int id, struct raw *m, int n, struct attrs sa, struct loc loc)
{
	bool is_union = S.t[id].kind == BTF_KIND_UNION, bitfields = false;
	int64_t pos = 0, end = 0;	/* bits */
	int align = 1, nm = 0;
	struct member *mems = xalloc((n ? n : 1) * sizeof(*mems));

	for (int i = 0; i < n; i++) {
		int64_t size = size_of(m[i].type) * 8, off;
		int talign = align_of(m[i].type);
		bool packed = sa.packed || m[i].a.packed;
		int a = packed ? 1 : talign;
		if (m[i].a.aligned > a)
			a = m[i].a.aligned;
		if (m[i].bits < 0) {
			off = is_union ? 0 : round_up(pos, a * 8);
		} else if (is_union) {
			off = 0;
		} else if (m[i].bits == 0) {
			off = round_up(pos, talign * 8);
		} else {
			/* one that would cross a storage unit of its type goes
			 * to the next unit; packed ones go anywhere */
			int64_t unit = talign * 8;
			off = pos;
			if (!packed && round_up(off % unit + m[i].bits, unit) > size)
				off = round_up(off, unit);
		}
		int64_t width = m[i].bits < 0 ? size : m[i].bits;
		pos = off + width;
		if (pos > end)
			end = pos;
		/* unnamed bitfields align the struct only on ARM, where a :0
		 * does it even in a packed struct */
		int ma = m[i].name || m[i].bits < 0 ? a : !arm_abi() ? 1 : m[i].bits ? a : talign;
		if (ma > align)
			align = ma;
		if (!m[i].name && m[i].bits >= 0)
			continue;	/* an unnamed bitfield only takes space */
		if (m[i].bits > 0)
			bitfields = true;
		mems[nm++] = (struct member){ m[i].name, m[i].type, off, m[i].bits > 0 ? m[i].bits : 0 };
	}
	if (sa.aligned > align)
		align = sa.aligned;
	int64_t size = round_up(round_up(end, 8) / 8, align);
	if (size > INT32_MAX)
		error_at(loc, "%s is too large", tname(id));
	if (nm > BTF_MAX_VLEN)
		error_at(loc, "%s has too many members", tname(id));
	if (bitfields && end >= (1 << 24))
		error_at(loc, "%s is too large for bitfield offsets in BTF", tname(id));
	struct cty *t = &S.t[id];
	t->mems = mems;
	t->n = nm;
	t->size = size;
	t->align = align;
	t->bitfields = bitfields;
	t->defined = true;
}

/* Is name a member of struct/union id, or of its anonymous members? */
static bool has_member(int id, const char *name, int depth)
{
	struct cty *t = &S.t[resolve(id)];
	if (depth > MAXDEPTH || (t->kind != BTF_KIND_STRUCT && t->kind != BTF_KIND_UNION))
		return false;
	for (int i = 0; i < t->n; i++)
		if (t->mems[i].name ? !strcmp(t->mems[i].name, name)
				    : has_member(t->mems[i].type, name, depth + 1))
			return true;
	return false;
}

static void check_member(struct raw *m, struct raw *prev, int nprev)
{
	const char *name = m->name ? m->name : "<anonymous>";
	int r = resolve(m->type);
	struct cty *t = &S.t[r];
	if (t->kind == BTF_KIND_FUNC_PROTO)
		error_at(m->loc, "member '%s' is a function; a pointer to one would do", name);
	complete_builtin(m->type);
	if (size_of(m->type) < 0)
		error_at(m->loc, "member '%s' has incomplete type '%s'", name, tname(m->type));
	t = &S.t[r];
	if (m->bits >= 0) {
		int64_t max = t->kind == BTF_KIND_INT && (t->enc & BTF_INT_BOOL) ? 1 : t->size * 8;
		if (t->kind != BTF_KIND_INT && t->kind != BTF_KIND_ENUM)
			error_at(m->loc, "bitfield '%s' has type '%s', not an integer", name,
				 tname(m->type));
		if (m->bits > max)
			error_at(m->loc, "bitfield '%s' is wider than its type (%lld bits)", name,
				 (long long)max);
		if (m->bits == 0 && m->name)
			error_at(m->loc, "bitfield '%s' has zero width", name);
	}
	for (int i = 0; m->name && i < nprev; i++)
		if (prev[i].name ? !strcmp(prev[i].name, m->name)
				 : prev[i].bits < 0 && has_member(prev[i].type, m->name, 0))
			error_at(m->loc, "duplicate member '%s'", m->name);
}

static void push_raw(struct raw **v, int *n, int *cap, struct raw r)
{
	if (*n == *cap) {
		*v = xrealloc(*v, *cap * sizeof(**v), (*cap ? 2 * *cap : 8) * sizeof(**v));
		*cap = *cap ? 2 * *cap : 8;
	}
	(*v)[(*n)++] = r;
}

/* One member declaration: declspec declarator [":" width] ("," ...)* ";"
 * or an anonymous struct or union: struct { ... }; */
static void member_decl(struct parser *p, struct raw **v, int *n, int *cap)
{
	struct attrs a = { 0 };
	struct token first = p->tok;
	int base = declspec(p, NULL, &a);
	if (is(p, ";")) {
		struct cty *t = &S.t[base];
		/* a tagged struct alone declares its tag, not a member (C11) */
		if ((t->kind == BTF_KIND_STRUCT || t->kind == BTF_KIND_UNION) && !t->name) {
			struct raw r = { NULL, base, -1, a, first.loc };
			check_member(&r, *v, *n);
			push_raw(v, n, cap, r);
		}
		next(p);
		return;
	}
	for (;;) {
		struct raw r = { .bits = -1, .a = a, .type = base };
		struct token name = { 0 };
		if (!is(p, ":"))
			r.type = declarator(p, base, &name);
		attributes(p, &r.a);
		r.loc = name.s ? name.loc : p->tok.loc;
		if (is(p, ":")) {
			next(p);
			struct token w = p->tok;
			int64_t bits = expr(p);
			if (bits < 0 || bits > INT32_MAX)
				error_at(w.loc, "bitfield width %lld is negative or too large",
					 (long long)bits);
			r.bits = (int)bits;
			attributes(p, &r.a);
		} else if (!name.s) {
			expected(p, "a member name");
		}
		r.name = name.s;
		check_member(&r, *v, *n);
		push_raw(v, n, cap, r);
		if (!is(p, ","))
			break;
		next(p);
	}
	if (!is(p, ";"))
		expected(p, "';' after a member");
	next(p);
}

static const char *kind_word(int kind)
{
	return kind == BTF_KIND_UNION ? "union" : kind == BTF_KIND_ENUM ? "enum" : "struct";
}

/* The type a tag names (made now, without a body, if new). */
static int tag_ref(struct token tag, int kind)
{
	int id = find_named(tag.s, true);
	if (id > 0 && S.t[id].kind != kind)
		error_at(tag.loc, "'%s' is a %s tag, not a %s tag", tag.s, kind_word(S.t[id].kind),
			 kind_word(kind));
	if (id < 0) {
		id = new_type(kind, tag.s);
		if (kind == BTF_KIND_ENUM)
			S.t[id].size = S.t[id].align = 4;	/* if it ever gets a body */
	}
	return id;
}

/* "{" member-decl* "}" attributes. A tag defined again must have the same
 * layout; the second body is laid out into a type of its own to compare. */
static int struct_body(struct parser *p, struct token *tag, int kind, struct attrs a)
{
	struct token open = p->tok;
	int id = tag ? tag_ref(*tag, kind) : new_type(kind, NULL);
	bool again = S.t[id].defined;
	int target = again ? new_type(kind, NULL) : id;
	struct raw *v = NULL;
	int n = 0, cap = 0;

	enter(p);
	next(p);
	while (!is(p, "}")) {
		if (p->tok.kind == TK_EOF)
			expected(p, "'}'");
		if (is(p, ";"))
			next(p);
		else
			member_decl(p, &v, &n, &cap);
	}
	next(p);
	p->depth--;
	attributes(p, &a);
	layout(target, v, n, a, open.loc);
	if (again && !same_body(id, target, 0))
		error_at(tag->loc, "redefinition of '%s %s' with a different layout", kind_word(kind),
			 tag->s);
	return id;
}

/* The smallest size of an enum holding min..max: 4 unless a value needs 8,
 * or as small as 1 when packed. */
static int enum_size(int64_t min, int64_t max, bool packed)
{
	for (int size = packed ? 1 : 4; size < 8; size *= 2) {
		int64_t lo = -((int64_t)1 << (size * 8 - 1));
		if (min >= lo && max <= -lo - 1)
			return size;
		if (min >= 0 && max <= -2 * lo - 1)
			return size;
	}
	return 8;
}

/* "{" enumerator ("=" expr)? ("," ...)* ","? "}" attributes */
static int enum_body(struct parser *p, struct token *tag, struct attrs a)
{
	struct token open = p->tok;
	int id = tag ? tag_ref(*tag, BTF_KIND_ENUM) : new_type(BTF_KIND_ENUM, NULL);
	bool again = S.t[id].defined;
	struct enumr *vals = NULL;
	int n = 0, cap = 0;
	int64_t v = 0, min = 0, max = 0;

	next(p);
	while (!is(p, "}")) {
		struct token name = p->tok;
		if (name.kind != TK_IDENT)
			expected(p, "an enumerator name");
		next(p);
		if (is(p, "=")) {
			next(p);
			v = expr(p);
		}
		int64_t old;
		if (!again && find_const(name.s, &old))
			error_at(name.loc, "redefinition of enumerator '%s'", name.s);
		if (n == cap) {
			vals = xrealloc(vals, cap * sizeof(*vals), (cap ? 2 * cap : 8) * sizeof(*vals));
			cap = cap ? 2 * cap : 8;
		}
		vals[n++] = (struct enumr){ name.s, v };
		if (!again) {
			if (S.nconsts == S.capconsts) {
				int c = S.capconsts ? 2 * S.capconsts : 16;
				S.consts = xrealloc(S.consts, S.capconsts * sizeof(*S.consts),
						    c * sizeof(*S.consts));
				S.capconsts = c;
			}
			S.consts[S.nconsts++] = vals[n - 1];
		}
		min = n == 1 || v < min ? v : min;
		max = n == 1 || v > max ? v : max;
		v = (int64_t)((uint64_t)v + 1);
		if (!is(p, ","))
			break;
		next(p);
	}
	if (!is(p, "}"))
		expected(p, "',' or '}' after an enumerator");
	if (!n)
		error_at(p->tok.loc, "an enum needs at least one enumerator");
	next(p);
	attributes(p, &a);
	if (n > BTF_MAX_VLEN)
		error_at(open.loc, "enum has too many enumerators");
	int size = enum_size(min, max, a.packed);
	if (again) {
		struct cty *t = &S.t[id];
		bool same = t->n == n && t->size == size;
		for (int i = 0; same && i < n; i++)
			same = !strcmp(t->vals[i].name, vals[i].name) && t->vals[i].val == vals[i].val;
		if (!same)
			error_at(tag->loc, "redefinition of 'enum %s' with different values", tag->s);
		return id;
	}
	struct cty *t = &S.t[id];
	t->vals = vals;
	t->n = n;
	t->size = t->align = size;
	t->defined = true;
	return id;
}

/* struct-or-union-or-enum-specifier */
static int tagged(struct parser *p)
{
	struct token kw = p->tok, tag = { 0 };
	int kind = is_word(&kw, "union") ? BTF_KIND_UNION
		   : is_word(&kw, "enum") ? BTF_KIND_ENUM : BTF_KIND_STRUCT;
	struct attrs a = { 0 };
	next(p);
	attributes(p, &a);
	if (p->tok.kind == TK_IDENT) {
		tag = p->tok;
		next(p);
		attributes(p, &a);
	}
	if (!is(p, "{")) {
		if (!tag.s)
			expected(p, xprintf("a tag name or '{' after '%s'", kw.s));
		return tag_ref(tag, kind);
	}
	if (kind == BTF_KIND_ENUM)
		return enum_body(p, tag.s ? &tag : NULL, a);
	return struct_body(p, tag.s ? &tag : NULL, kind, a);
}

/* The int, long, ... a combination of keywords makes, or an error. */
static int keyword_type(const int *c, struct loc loc)
{
	bool u = c[K_UNSIGNED] > 0, s = c[K_SIGNED] > 0, bad = c[K_SIGNED] + c[K_UNSIGNED] > 1;
	int kinds = 0;		/* of void _Bool char short long float double */
	for (int k = 0; k < NKW; k++) {
		bad |= c[k] > (k == K_LONG ? 2 : 1);
		kinds += k != K_INT && k != K_SIGNED && k != K_UNSIGNED && c[k];
	}
	if (kinds > 1)		/* only long double mixes two */
		bad |= kinds > 2 || !c[K_DOUBLE] || c[K_LONG] != 1;
	if (c[K_VOID] || c[K_BOOL] || c[K_FLOAT] || c[K_DOUBLE])
		bad |= u || s || c[K_INT];
	bad |= c[K_CHAR] && c[K_INT];
	if (bad)
		error_at(loc, "invalid combination of type keywords");
	if (c[K_VOID])
		return 0;
	if (c[K_BOOL])
		return int_type("_Bool", 1, BTF_INT_BOOL);
	if (c[K_FLOAT])
		return base_type(BTF_KIND_FLOAT, "float", 4, 0);
	if (c[K_DOUBLE] && c[K_LONG])
		return base_type(BTF_KIND_FLOAT, "long double", S.word == 8 ? 16 : 8, 0);
	if (c[K_DOUBLE])
		return base_type(BTF_KIND_FLOAT, "double", 8, 0);
	if (c[K_CHAR])
		return u ? int_type("unsigned char", 1, 0)
		     : s ? int_type("signed char", 1, BTF_INT_SIGNED)
			 : int_type("char", 1, BTF_INT_CHAR);
	if (c[K_SHORT])
		return u ? int_type("short unsigned int", 2, 0)
			 : int_type("short int", 2, BTF_INT_SIGNED);
	if (c[K_LONG] == 2)
		return u ? int_type("long long unsigned int", 8, 0)
			 : int_type("long long int", 8, BTF_INT_SIGNED);
	if (c[K_LONG])
		return u ? int_type("long unsigned int", S.word, 0)
			 : int_type("long int", S.word, BTF_INT_SIGNED);
	return u ? int_type("unsigned int", 4, 0) : int_type("int", 4, BTF_INT_SIGNED);
}

/* declspec = (keyword | qualifier | attribute | "typedef" | tagged | typedef-name)+
 * An identifier after a type is the declarator's name, not a type. */
static int declspec(struct parser *p, bool *is_typedef, struct attrs *a)
{
	int c[NKW] = { 0 }, nkw = 0, type = -1;
	struct token first = p->tok;
	enter(p);
	while (p->tok.kind == TK_IDENT) {
		struct token t = p->tok;
		int k = keyword(t.s);
		if (attr_start(&t)) {
			attributes(p, a);
			continue;
		}
		if (in_list(t.s, ignored)) {
			next(p);
			continue;
		}
		if (!strcmp(t.s, "typedef")) {
			if (!is_typedef)
				error_at(t.loc, "'typedef' is not allowed here");
			*is_typedef = true;
			next(p);
			continue;
		}
		bool tag = is_word(&t, "struct") || is_word(&t, "union") || is_word(&t, "enum");
		if ((k >= 0 && type >= 0) || (tag && (type >= 0 || nkw)))
			error_at(t.loc, "two types in one declaration");
		if (k >= 0) {
			c[k]++;
			nkw++;
			next(p);
		} else if (tag) {
			type = tagged(p);
		} else if (type >= 0 || nkw) {
			break;	/* the declarator's name */
		} else {
			type = lookup_typedef(t.s);
			if (type < 0)
				error_at(t.loc, "unknown type name '%s'", t.s);
			next(p);
		}
	}
	p->depth--;
	if (type >= 0)
		return type;
	if (!nkw)
		expected(p, "a type");
	return keyword_type(c, first.loc);
}

/* ------------------------------------------------------------ declarations */

static void define_typedef(struct token name, int type, struct attrs a)
{
	int old = find_named(name.s, false);
	if (old > 0) {
		if (!same_type(S.t[old].ref, type, 0) || S.t[old].align != a.aligned)
			error_at(name.loc, "redefinition of typedef '%s' with a different type",
				 name.s);
		return;
	}
	int id = new_type(BTF_KIND_TYPEDEF, name.s);
	S.t[id].ref = type;
	S.t[id].align = a.aligned;
}

/* decl = declspec ";"  |  "typedef" declspec declarator ("," declarator)* ";" */
static void top_decl(struct parser *p)
{
	bool td = false;
	struct attrs a = { 0 };
	int base = declspec(p, &td, &a);
	if (!td && !is(p, ";")) {
		if (p->tok.kind == TK_IDENT || is(p, "*"))
			error_at(p->tok.loc, "only types can be declared here, not variables");
		expected(p, "';' after the declaration");
	}
	while (td) {
		struct token name = { 0 };
		struct attrs ta = a;
		int t = declarator(p, base, &name);
		attributes(p, &ta);
		if (!name.s)
			expected(p, "a name for the typedef");
		define_typedef(name, t, ta);
		if (!is(p, ","))
			break;
		next(p);
	}
	if (!is(p, ";"))
		expected(p, "';' after the declaration");
	next(p);
	if (p->tok.kind != TK_EOF)
		expected(p, "the end of the declaration");
}

static void parse_decl(struct source *src, int off, int len)
{
	struct parser p = { 0 };
	lex_init(&p.lx, src);
	p.lx.p = src->text + off;
	p.end = src->text + off + len;
	next(&p);
	top_decl(&p);
}

/* ------------------------------------------------------------ BTF */

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->n + n)
			cap *= 2;
		b->p = xrealloc(b->p, b->cap, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put32(struct buf *b, uint32_t v)
{
	put(b, &v, 4);
}

/* A name's offset in the string section, each name stored once. */
static uint32_t str_off(struct buf *s, const char *name)
{
	if (!name || !*name)
		return 0;
	for (size_t o = 1; o < s->n; o += strlen((char *)s->p + o) + 1)
		if (!strcmp((char *)s->p + o, name))
			return o;
	size_t o = s->n;
	put(s, name, strlen(name) + 1);
	return o;
}

static void put_head(struct buf *b, struct buf *s, const char *name, int kind, int vlen,
		     bool kflag, uint32_t size_or_type)
{
	put32(b, str_off(s, name));
	put32(b, (uint32_t)kflag << 31 | (uint32_t)kind << 24 | (uint32_t)vlen);
	put32(b, size_or_type);
}

static void put_struct(struct buf *b, struct buf *s, struct cty *t)
{
	if (!t->defined) {	/* declared, never defined: the language looks elsewhere */
		put_head(b, s, t->name, BTF_KIND_FWD, 0, t->kind == BTF_KIND_UNION, 0);
		return;
	}
	put_head(b, s, t->name, t->kind, t->n, t->bitfields, (uint32_t)t->size);
	for (int i = 0; i < t->n; i++) {
		struct member *m = &t->mems[i];
		put32(b, str_off(s, m->name));
		put32(b, m->type);
		put32(b, (uint32_t)(t->bitfields ? (int64_t)m->bits << 24 | m->off : m->off));
	}
}

static void put_enum(struct buf *b, struct buf *s, struct cty *t)
{
	bool sign = false;
	for (int i = 0; i < t->n; i++)
		sign |= t->vals[i].val < 0;
	if (!t->defined) {	/* an enum only named: BTF's forward enum has no values */
		put_head(b, s, t->name, BTF_KIND_ENUM, 0, false, 4);
		return;
	}
	bool big = t->size == 8;
	put_head(b, s, t->name, big ? BTF_KIND_ENUM64 : BTF_KIND_ENUM, t->n, sign, (uint32_t)t->size);
	for (int i = 0; i < t->n; i++) {
		uint64_t v = (uint64_t)t->vals[i].val;
		put32(b, str_off(s, t->vals[i].name));
		put32(b, (uint32_t)v);
		if (big)
			put32(b, (uint32_t)(v >> 32));
	}
}

static void put_type(struct buf *b, struct buf *s, int id)
{
	struct cty *t = &S.t[id];
	switch (t->kind) {
	case BTF_KIND_INT:
		put_head(b, s, t->name, t->kind, 0, false, (uint32_t)t->size);
		put32(b, t->enc << 24 | (uint32_t)t->size * 8);
		break;
	case BTF_KIND_FLOAT:
		put_head(b, s, t->name, t->kind, 0, false, (uint32_t)t->size);
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF:
		put_head(b, s, t->name, t->kind, 0, false, t->ref);
		break;
	case BTF_KIND_ARRAY:
		put_head(b, s, NULL, t->kind, 0, false, 0);
		put32(b, t->ref);
		put32(b, int_type("long unsigned int", S.word, 0));
		put32(b, (uint32_t)t->nelems);
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		put_struct(b, s, t);
		break;
	case BTF_KIND_ENUM:
		put_enum(b, s, t);
		break;
	case BTF_KIND_FUNC_PROTO:
		put_head(b, s, NULL, t->kind, t->n + t->variadic, false, t->ref);
		for (int i = 0; i < t->n; i++) {
			put32(b, str_off(s, t->mems[i].name));
			put32(b, t->mems[i].type);
		}
		if (t->variadic) {
			put32(b, 0);
			put32(b, 0);
		}
		break;
	}
}

static struct btf *emit(void)
{
	struct buf types = { 0 }, strs = { 0 }, out = { 0 };
	put(&strs, "", 1);
	for (int id = 1; id < S.n; id++)
		put_type(&types, &strs, id);
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = types.n, .str_off = types.n, .str_len = strs.n,
	};
	put(&out, &h, sizeof(h));
	put(&out, types.p, types.n);
	put(&out, strs.p, strs.n);
	char err[200];
	struct btf *b = btf_parse(out.p, out.n, err, sizeof(err));
	if (!b)
		fatal("the BTF made of the script's declarations does not read back: %s", err);
	return b;
}

/* big_endian changes nothing: bit offsets are in memory order (see the
 * top of the file), and the blob is in the host's byte order like
 * everything else wisp builds. */
struct btf *cdecl_parse(const struct loc *decls, int n, int word, bool big_endian)
{
	(void)big_endian;
	if (n <= 0)
		return NULL;
	memset(&S, 0, sizeof(S));
	S.word = word;
	S.loaded = xalloc(NPRELUDE * sizeof(*S.loaded));
	new_type(0, NULL);	/* id 0: void */
	/* first, so it is always there: the index type of arrays, and how
	 * btf.c learns the size of a pointer (a long's) */
	int_type("long unsigned int", word, 0);
	for (int i = 0; i < n; i++)
		parse_decl(cur_src, decls[i].off, decls[i].len);
	/* tags never defined that the prelude knows (struct list_head *):
	 * its bodies may name more, which this loop then reaches too */
	for (int id = 1; id < S.n; id++)
		if (S.t[id].kind == BTF_KIND_STRUCT || S.t[id].kind == BTF_KIND_UNION)
			complete_builtin(id);
	return emit();
}
