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
	bool *loaded;		/* by an entry's offset in prelude: parsed already */
} S;

/* v, an array of *cap elements of size bytes, with room for element n */
static void *grow(void *v, int n, int *cap, size_t size)
{
	if (n < *cap)
		return v;
	int c = *cap ? 2 * *cap : 8;
	v = xrealloc(v, *cap * size, c * size);
	*cap = c;
	return v;
}

static int new_type(int kind, const char *name)
{
	S.t = grow(S.t, S.n, &S.cap, sizeof(*S.t));
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

static const char *kind_word(int kind)
{
	return kind == BTF_KIND_UNION ? "union" : kind == BTF_KIND_ENUM ? "enum" : "struct";
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
	if (is_tag(t->kind))
		return xprintf("%s %s", kind_word(t->kind), t->name ? t->name : "<anonymous>");
	switch (t->kind) {
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

/* An enumerator's value: those of every enum defined, and of the one
 * being defined so far (see enum_body). */
static bool find_const(const char *name, int64_t *v)
{
	for (int i = 1; i < S.n; i++)
		for (int j = 0; S.t[i].kind == BTF_KIND_ENUM && j < S.t[i].n; j++)
			if (!strcmp(S.t[i].vals[j].name, name)) {
				*v = S.t[i].vals[j].val;
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

/* Each entry is a name and what it is, both ended by a NUL: a typedef's
 * name and type ("u8\0__u8\0" is typedef __u8 u8;), or a tag and its
 * body ("struct x\0{ int y; }\0" is struct x { int y; };). Plain data,
 * made into C text when needed (see load_builtin). */
static const char prelude[] =
	"bool\0_Bool\0"
	"__u8\0unsigned char\0"
	"__s8\0signed char\0"
	"__u16\0unsigned short\0"
	"__s16\0short\0"
	"__u32\0unsigned int\0"
	"__s32\0int\0"
	"__u64\0unsigned long long\0"
	"__s64\0long long\0"
	"u8\0__u8\0"
	"s8\0__s8\0"
	"u16\0__u16\0"
	"s16\0__s16\0"
	"u32\0__u32\0"
	"s32\0__s32\0"
	"u64\0__u64\0"
	"s64\0__s64\0"
	"__be16\0__u16\0"
	"__be32\0__u32\0"
	"__be64\0__u64\0"
	"__le16\0__u16\0"
	"__le32\0__u32\0"
	"__le64\0__u64\0"
	"__wsum\0__u32\0"
	"__sum16\0__u16\0"
	"int8_t\0signed char\0"
	"uint8_t\0unsigned char\0"
	"int16_t\0short\0"
	"uint16_t\0unsigned short\0"
	"int32_t\0int\0"
	"uint32_t\0unsigned int\0"
	"int64_t\0long long\0"
	"uint64_t\0unsigned long long\0"
	"size_t\0unsigned long\0"
	"ssize_t\0long\0"
	"uintptr_t\0unsigned long\0"
	"intptr_t\0long\0"
	"pid_t\0int\0"
	"uid_t\0unsigned int\0"
	"gid_t\0unsigned int\0"
	"off_t\0long\0"
	"loff_t\0long long\0"
	"dev_t\0u32\0"
	"umode_t\0unsigned short\0"
	"sector_t\0u64\0"
	"gfp_t\0unsigned int\0"
	"ktime_t\0s64\0"
	"atomic_t\0struct { int counter; }\0"
	"atomic64_t\0struct { s64 counter; }\0"
	"atomic_long_t\0struct { long counter; }\0"
	"refcount_t\0struct refcount_struct { atomic_t refs; }\0"
	"struct refcount_struct\0{ atomic_t refs; }\0"
	"kuid_t\0struct { uid_t val; }\0"
	"kgid_t\0struct { gid_t val; }\0"
	"struct list_head\0{ struct list_head *next, *prev; }\0"
	"struct hlist_head\0{ struct hlist_node *first; }\0"
	"struct hlist_node\0{ struct hlist_node *next, **pprev; }\0"
	"struct rb_node\0"
	"{ unsigned long __rb_parent_color; struct rb_node *rb_right; "
	"struct rb_node *rb_left; } __attribute__((aligned(sizeof(long))))\0"
	"struct rb_root\0{ struct rb_node *rb_node; }\0";

static void parse_decl(struct source *src, int off, int len);

/* Parse a prelude entry's text. An error in it (a script's own struct
 * refcount_struct that differs) is reported against that text, then
 * passed on as it would have been: cur_src is the script's again either
 * way. */
static void parse_builtin(const char *text)
{
	struct source src = { "<builtin>", text }, *save = cur_src;
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
	parse_decl(&src, 0, (int)strlen(text));
	cur_src = save;
	error_jmp = outer;
}

/* Parse the prelude's entry for key (once); false if there is none. */
static bool load_builtin(const char *key)
{
	for (const char *name = prelude, *what; *name; name = what + strlen(what) + 1) {
		what = name + strlen(name) + 1;
		if (strcmp(name, key) || S.loaded[name - prelude])
			continue;
		S.loaded[name - prelude] = true;
		parse_builtin(strncmp(key, "struct ", 7) ? xprintf("typedef %s %s;", what, key)
							 : xprintf("%s %s;", key, what));
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

/* The alignment of a kernel BTF type: its largest member's (a struct
 * whose size is not a multiple of that was packed). */
static int kernel_align(struct btf *b, int id, int depth)
{
	int a = 1, m, e, n;
	id = btf_resolve(b, id);
	if (depth > 16)
		return 1;
	switch (btf_kind(b, id)) {
	case BTF_KIND_PTR:
		return S.word;
	case BTF_KIND_ARRAY:
		return btf_array(b, id, &e, &n) < 0 ? 1 : kernel_align(b, e, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (int i = 0; (m = btf_member_type(b, id, i)) >= 0; i++)
			if (kernel_align(b, m, depth + 1) > a)
				a = kernel_align(b, m, depth + 1);
		return btf_size(b, id) % a ? 1 : a;
	default:
		n = btf_size(b, id);
		return n >= 8 ? 8 : n > 0 ? n : 1;
	}
}

/* A struct or union the script uses by value but never defines (bpftrace
 * tools #include the headers that would): with the kernel's BTF, it takes
 * the kernel's size and alignment; its members are read from the kernel's
 * (types.c looks there). */
bool cdecl_kernel_types = true;

static void kernel_tag(int id)
{
	struct btf *kb;
	int kid;
	if (!cdecl_kernel_types || S.word != arch.word || !btf_kernel() ||
	    (kid = btf_kernel_find(S.t[id].name, S.t[id].kind, &kb)) <= 0)
		return;
	S.t[id].size = btf_size(kb, kid);
	S.t[id].align = kernel_align(kb, kid, 0);
	S.t[id].defined = true;
}

/* A tag without a body that the prelude knows gets the prelude's, else
 * the kernel's size (kernel_tag). */
static void complete_builtin(int id)
{
	int r = resolve(id);
	struct cty *t = &S.t[r];
	if (t->name && !t->defined && t->kind != BTF_KIND_ENUM &&
	    !load_builtin(xprintf("%s %s", t->kind == BTF_KIND_UNION ? "union" : "struct",
				  t->name)))
		kernel_tag(r);
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

/* Which word of list t is (0, 1, ...), or -1. A list is words each
 * ended by a NUL, then an empty one: "a\0b\0" (one string, no pointers). */
static int word_in(const struct token *t, const char *list)
{
	for (int i = 0; t->kind == TK_IDENT && *list; i++, list += strlen(list) + 1)
		if (!strcmp(t->s, list))
			return i;
	return -1;
}

/* Qualifiers and the kernel's annotations: nothing to the layout. */
static const char ignored[] =
	"const\0volatile\0restrict\0__restrict\0__restrict__\0__const\0__const__\0"
	"__volatile\0__volatile__\0__user\0__kernel\0__rcu\0__iomem\0__percpu\0__force\0"
	"__private\0__bitwise\0__bitwise__\0__randomize_layout\0__extension__\0__must_check\0";

/* What starts attributes: GCC's two spellings, and the kernel's macros
 * __packed and __aligned(N). */
enum { A_ATTRIBUTE, A_ATTRIBUTE_, A_PACKED, A_ALIGNED };
static const char attr_words[] = "__attribute__\0__attribute\0__packed\0__aligned\0";

enum { K_VOID, K_BOOL, K_CHAR, K_SHORT, K_INT, K_LONG, K_SIGNED, K_UNSIGNED, K_FLOAT,
	K_DOUBLE, NKW };

/* Which type keyword t is, or -1. __signed__ and __signed (the two words
 * after NKW) are K_SIGNED. */
static int keyword(const struct token *t)
{
	int k = word_in(t, "void\0_Bool\0char\0short\0int\0long\0signed\0unsigned\0float\0"
			"double\0__signed__\0__signed\0");
	return k >= NKW ? K_SIGNED : k;
}

static bool attr_start(const struct token *t)
{
	return word_in(t, attr_words) >= 0;
}

/* BTF_KIND_STRUCT, _UNION or _ENUM for the keyword at t, else 0. */
static int tag_kind(const struct token *t)
{
	_Static_assert(BTF_KIND_UNION == BTF_KIND_STRUCT + 1 && BTF_KIND_ENUM == BTF_KIND_STRUCT + 2,
		       "tag kinds in struct, union, enum order");
	int i = word_in(t, "struct\0union\0enum\0");
	return i < 0 ? 0 : BTF_KIND_STRUCT + i;
}

/* Can a type name begin at t? (A cast in an expression, a parameter.) */
static bool type_start(const struct token *t)
{
	return keyword(t) >= 0 || word_in(t, ignored) >= 0 || attr_start(t) || tag_kind(t) ||
	       (t->kind == TK_IDENT && lookup_typedef(t->s) > 0);
}

/* ------------------------------------------------------------ constants */

static int64_t expr(struct parser *p);
static int type_name_(struct parser *p);

/* The binary operators, by precedence (loosest 1) */
static const struct {
	char op[3], prec;
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
	case '|': return op[1] ? a || b : a | b;
	case '&': return op[1] ? a && b : a & b;
	}
	if (op[1] == op[0]) {	/* << >> */
		if (b < 0 || b > 63)
			error_at(loc, "shift count %lld is out of range", (long long)b);
		return op[0] == '<' ? (int64_t)(x << b) : a >> b;
	}
	if (op[1])		/* <= >= */
		return op[0] == '<' ? a <= b : a >= b;
	return op[0] == '<' ? a < b : a > b;
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
	} else if (word_in(&t, "_Alignof\0__alignof__\0__alignof\0alignof\0") >= 0) {
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
	for (int w; (w = word_in(&p->tok, attr_words)) >= 0;) {
		next(p);
		if (w == A_PACKED) {
			a->packed = true;
			continue;
		}
		if (w == A_ALIGNED) {
			aligned_arg(p, a);
			continue;
		}
		expect(p, "(");
		expect(p, "(");
		while (p->tok.kind == TK_IDENT) {
			/* packed and aligned, and their __x__ spellings */
			w = word_in(&p->tok, "packed\0__packed__\0aligned\0__aligned__\0");
			next(p);
			if (w >= 2)
				aligned_arg(p, a);
			else if (w >= 0)
				a->packed = true;
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
		if (word_in(&p->tok, ignored) >= 0)
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
		ps = grow(ps, n, &cap, sizeof(*ps));
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

struct raws {
	struct raw *v;
	int n, cap;
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

	for (struct raw *r = m; r < m + n; r++) {
		int64_t size = size_of(r->type) * 8, off;
		int talign = align_of(r->type), unit = talign * 8;
		bool packed = sa.packed || r->a.packed;
		int a = packed ? 1 : talign;
		if (r->a.aligned > a)
			a = r->a.aligned;
		/* a bitfield that would cross a storage unit of its type goes
		 * to the next unit (packed ones go anywhere), a :0 at once */
		if (is_union)
			off = 0;
		else if (r->bits < 0)
			off = round_up(pos, a * 8);
		else if (!r->bits || (!packed && round_up(pos % unit + r->bits, unit) > size))
			off = round_up(pos, unit);
		else
			off = pos;
		pos = off + (r->bits < 0 ? size : r->bits);
		if (pos > end)
			end = pos;
		/* unnamed bitfields align the struct only on ARM, where a :0
		 * does it even in a packed struct */
		int ma = r->name || r->bits < 0 ? a : !arm_abi() ? 1 : r->bits ? a : talign;
		if (ma > align)
			align = ma;
		if (!r->name && r->bits >= 0)
			continue;	/* an unnamed bitfield only takes space */
		if (r->bits > 0)
			bitfields = true;
		mems[nm++] = (struct member){ r->name, r->type, off, r->bits > 0 ? r->bits : 0 };
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

static void push_raw(struct raws *l, struct raw r)
{
	check_member(&r, l->v, l->n);
	l->v = grow(l->v, l->n, &l->cap, sizeof(*l->v));
	l->v[l->n++] = r;
}

/* One member declaration: declspec declarator [":" width] ("," ...)* ";"
 * or an anonymous struct or union: struct { ... }; */
static void member_decl(struct parser *p, struct raws *l)
{
	struct attrs a = { 0 };
	struct token first = p->tok;
	int base = declspec(p, NULL, &a);
	if (is(p, ";")) {
		struct cty *t = &S.t[base];
		/* a tagged struct alone declares its tag, not a member (C11) */
		if ((t->kind == BTF_KIND_STRUCT || t->kind == BTF_KIND_UNION) && !t->name)
			push_raw(l, (struct raw){ NULL, base, -1, a, first.loc });
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
		push_raw(l, r);
		if (!is(p, ","))
			break;
		next(p);
	}
	if (!is(p, ";"))
		expected(p, "';' after a member");
	next(p);
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

/* "{" member-decl* "}" attributes, laid out into struct or union id */
static void struct_body(struct parser *p, int id, struct attrs a)
{
	struct token open = p->tok;
	struct raws l = { 0 };

	enter(p);
	next(p);
	while (!is(p, "}")) {
		if (p->tok.kind == TK_EOF)
			expected(p, "'}'");
		if (is(p, ";"))
			next(p);
		else
			member_decl(p, &l);
	}
	next(p);
	p->depth--;
	attributes(p, &a);
	layout(id, l.v, l.n, a, open.loc);
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

/* "{" enumerator ("=" expr)? ("," ...)* ","? "}" attributes, into enum
 * id. The values of a new enum are constants at once (B = A + 1); those
 * of one defined again are not, and go into a type of their own, made at
 * the end to compare. The enum with the values is returned. */
static int enum_body(struct parser *p, int id, bool again, struct attrs a)
{
	struct token open = p->tok;
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
		vals = grow(vals, n, &cap, sizeof(*vals));
		vals[n++] = (struct enumr){ name.s, v };
		if (!again) {
			S.t[id].vals = vals;
			S.t[id].n = n;
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
	if (again)
		id = new_type(BTF_KIND_ENUM, NULL);
	struct cty *t = &S.t[id];
	t->vals = vals;
	t->n = n;
	t->size = t->align = enum_size(min, max, a.packed);
	t->defined = true;
	return id;
}

/* struct-or-union-or-enum-specifier. A tag defined again must have the
 * same body; the second is made into a type of its own to compare. */
static int tagged(struct parser *p)
{
	struct token kw = p->tok, tag = { 0 };
	int kind = tag_kind(&kw);
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
	int id = tag.s ? tag_ref(tag, kind) : new_type(kind, NULL);
	bool again = S.t[id].defined;
	int body;
	if (kind == BTF_KIND_ENUM) {
		body = enum_body(p, id, again, a);
	} else {
		body = again ? new_type(kind, NULL) : id;
		struct_body(p, body, a);
	}
	if (again) {
		bool same = same_body(id, body, 0);
		if (kind == BTF_KIND_ENUM)
			S.n--;	/* the copy was only to compare: nothing refers to it */
		if (!same)
			error_at(tag.loc, "redefinition of '%s %s' with %s", kind_word(kind), tag.s,
				 kind == BTF_KIND_ENUM ? "different values" : "a different layout");
	}
	return id;
}

/* The types keywords make, by the names GCC (and so the kernel's BTF)
 * gives them, a word of base_names each. Size 0 is a long's (the word),
 * -1 two longs'. */
enum { T_CHAR, T_SCHAR, T_UCHAR, T_SHORT, T_USHORT, T_INT, T_UINT, T_LONG, T_ULONG,
	T_LLONG, T_ULLONG, T_BOOL, T_FLOAT, T_DOUBLE, T_LDOUBLE };
static const char base_names[] =
	"char\0signed char\0unsigned char\0short int\0short unsigned int\0int\0unsigned int\0"
	"long int\0long unsigned int\0long long int\0long long unsigned int\0_Bool\0float\0"
	"double\0long double\0";
static const struct {
	signed char size;
	uint8_t enc;
} bases[] = {
	{ 1, BTF_INT_CHAR }, { 1, BTF_INT_SIGNED }, { 1, 0 }, { 2, BTF_INT_SIGNED }, { 2, 0 },
	{ 4, BTF_INT_SIGNED }, { 4, 0 }, { 0, BTF_INT_SIGNED }, { 0, 0 }, { 8, BTF_INT_SIGNED },
	{ 8, 0 }, { 1, BTF_INT_BOOL }, { 4, 0 }, { 8, 0 }, { -1, 0 },
};

/* Each base type is made once: its name is its word in base_names, so
 * the pointer tells. */
static int base_type(int i)
{
	const char *name = base_names;
	for (int k = 0; k < i; k++)
		name += strlen(name) + 1;
	for (int id = 1; id < S.n; id++)
		if (S.t[id].name == name)
			return id;
	int id = new_type(i >= T_FLOAT ? BTF_KIND_FLOAT : BTF_KIND_INT, name);
	int size = bases[i].size;
	S.t[id].size = S.t[id].align = size > 0 ? size : S.word * (1 - size);
	S.t[id].enc = bases[i].enc;
	return id;
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
	if (c[K_BOOL] || c[K_FLOAT])
		return base_type(c[K_BOOL] ? T_BOOL : T_FLOAT);
	if (c[K_DOUBLE])
		return base_type(c[K_LONG] ? T_LDOUBLE : T_DOUBLE);
	if (c[K_CHAR])
		return base_type(u ? T_UCHAR : s ? T_SCHAR : T_CHAR);
	/* the unsigned type follows each signed one in bases[] */
	return base_type(u + (c[K_SHORT] ? T_SHORT : c[K_LONG] == 2 ? T_LLONG
			      : c[K_LONG] ? T_LONG : T_INT));
}

/* declspec = (keyword | qualifier | attribute | "typedef" | tagged | typedef-name)+
 * An identifier after a type is the declarator's name, not a type. */
static int declspec(struct parser *p, bool *is_typedef, struct attrs *a)
{
	int c[NKW] = { 0 }, nkw = 0, type = -1;
	struct token first = p->tok;
	enter(p);
	while (p->tok.kind == TK_IDENT) {
		const struct token *t = &p->tok;	/* until next() */
		int k = keyword(t);
		if (attr_start(t)) {
			attributes(p, a);
			continue;
		}
		if (word_in(t, ignored) >= 0) {
			next(p);
			continue;
		}
		if (!strcmp(t->s, "typedef")) {
			if (!is_typedef)
				error_at(t->loc, "'typedef' is not allowed here");
			*is_typedef = true;
			next(p);
			continue;
		}
		bool tag = tag_kind(t);
		if ((k >= 0 && type >= 0) || (tag && (type >= 0 || nkw)))
			error_at(t->loc, "two types in one declaration");
		if (k >= 0) {
			c[k]++;
			nkw++;
			next(p);
		} else if (tag) {
			type = tagged(p);
		} else if (type >= 0 || nkw) {
			break;	/* the declarator's name */
		} else {
			type = lookup_typedef(t->s);
			if (type < 0)
				error_at(t->loc, "unknown type name '%s'", t->s);
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

/* One type: its struct btf_type, then the records its kind has. A tag
 * never defined is a FWD, which the language looks for elsewhere (an
 * enum one is an ENUM of no values, as BTF has it); an enum of 8 bytes
 * is an ENUM64. */
static void put_type(struct buf *b, struct buf *s, int id)
{
	struct cty *t = &S.t[id];
	int kind = t->kind;
	bool kflag = t->bitfields;
	uint32_t st = (uint32_t)t->size;
	if (kind == BTF_KIND_PTR || kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_FUNC_PROTO)
		st = t->ref;
	if (kind == BTF_KIND_ARRAY)
		st = 0;
	if ((kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) && !t->defined) {
		kflag = kind == BTF_KIND_UNION;
		kind = BTF_KIND_FWD;
		st = 0;
	}
	for (int i = 0; kind == BTF_KIND_ENUM && i < t->n; i++)
		kflag |= t->vals[i].val < 0;	/* signed */
	if (kind == BTF_KIND_ENUM && t->size == 8)
		kind = BTF_KIND_ENUM64;
	put32(b, str_off(s, t->name));
	put32(b, (uint32_t)kflag << 31 | (uint32_t)kind << 24 | (uint32_t)(t->n + t->variadic));
	put32(b, st);
	if (kind == BTF_KIND_INT)
		put32(b, t->enc << 24 | (uint32_t)t->size * 8);
	if (kind == BTF_KIND_ARRAY) {
		put32(b, t->ref);
		put32(b, base_type(T_ULONG));
		put32(b, (uint32_t)t->nelems);
	}
	for (int i = 0; i < t->n; i++) {
		if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) {
			uint64_t v = (uint64_t)t->vals[i].val;
			put32(b, str_off(s, t->vals[i].name));
			put32(b, (uint32_t)v);
			if (kind == BTF_KIND_ENUM64)
				put32(b, (uint32_t)(v >> 32));
			continue;
		}
		struct member *m = &t->mems[i];
		put32(b, str_off(s, m->name));
		put32(b, m->type);
		if (kind != BTF_KIND_FUNC_PROTO)
			put32(b, (uint32_t)(kflag ? (int64_t)m->bits << 24 | m->off : m->off));
	}
	if (t->variadic) {	/* "...": a parameter of no name and type void */
		put32(b, 0);
		put32(b, 0);
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
	S.loaded = xalloc(sizeof(prelude));
	new_type(0, NULL);	/* id 0: void */
	/* first, so it is always there: the index type of arrays, and how
	 * btf.c learns the size of a pointer (a long's) */
	base_type(T_ULONG);
	for (int i = 0; i < n; i++)
		parse_decl(cur_src, decls[i].off, decls[i].len);
	/* tags never defined that the prelude knows (struct list_head *):
	 * its bodies may name more, which this loop then reaches too */
	for (int id = 1; id < S.n; id++)
		if (S.t[id].kind == BTF_KIND_STRUCT || S.t[id].kind == BTF_KIND_UNION)
			complete_builtin(id);
	return emit();
}
