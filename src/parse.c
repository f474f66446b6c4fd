/* parse.c - recursive descent parser: bpftrace source to the AST of wisp.h.
 *
 * The grammar a function implements is written above it. Tokens are pulled
 * one at a time from lex.c (p->tok is the current one) because where a
 * probe spec may begin the parser must ask for one with lex_spec().
 *
 * The parser checks only syntax: builtin and function names, argument
 * counts and types are sema's business.
 *
 * Hostile input is expected (a fuzzer feeds this file), so recursion is
 * bounded (MAX_DEPTH) and so is the height of expression trees
 * (MAX_HEIGHT), which later stages walk recursively: `1+1+...+1` builds a
 * deep tree with no recursion here.
 */
#include "wisp.h"
#include <string.h>

#define MAX_DEPTH 200
#define MAX_HEIGHT 1000

struct parser {
	struct lexer lx;
	struct token tok;	/* the current token */
	int depth;		/* nesting of expressions */
	int sdepth;		/* nesting of blocks and else-ifs */
	int h;			/* height of the tree the last function returned */
	bool in_filter;		/* a '/' before '{' ends the expression */
};

static struct node *expr(struct parser *p);
static struct node *unary(struct parser *p);
static struct node *stmts(struct parser *p, const char *what);

/* ------------------------------------------------------------ tokens */

static void next(struct parser *p)
{
	p->tok = lex_next(&p->lx);
}

static void next_spec(struct parser *p)
{
	p->tok = lex_spec(&p->lx);
}

/* The token after the current one; lexing a copy leaves p alone. */
static struct token peek(struct parser *p)
{
	struct lexer l = p->lx;
	return lex_next(&l);
}

static bool is(const struct token *t, const char *s)
{
	return t->kind == TK_PUNCT && !strcmp(t->s, s);
}

static bool is_word(const struct token *t, const char *s)
{
	return t->kind == TK_IDENT && !strcmp(t->s, s);
}

/* How a token is named in "expected X, found Y". */
static const char *desc(const struct token *t)
{
	if (t->kind == TK_EOF)
		return "end of input";
	if (strlen(t->s) > 32)
		return xprintf("'%.29s...'", t->s);
	return xprintf("'%s'", t->s);
}

_Noreturn static void expected(struct parser *p, const char *what)
{
	error_at(p->tok.loc, "expected %s, found %s", what, desc(&p->tok));
}

static void expect(struct parser *p, const char *s)
{
	if (!is(&p->tok, s))
		expected(p, xprintf("'%s'", s));
	next(p);
}

/* Words that can't name a builtin or function. */
static bool is_keyword(const char *s)
{
	static const char *const kw[] = {
		"if", "else", "while", "unroll", "return", "sizeof", "struct", "union",
		"offsetof",
	};
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (!strcmp(s, kw[i]))
			return true;
	return false;
}

static bool is_int_type(const char *s)
{
	static const char *const ty[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	};
	for (size_t i = 0; i < sizeof(ty) / sizeof(ty[0]); i++)
		if (!strcmp(s, ty[i]))
			return true;
	return false;
}

/* C's names of integer types, which casts and sizeof accept too: the
 * words that may make one up ("unsigned long long", "char"). */
static bool is_c_word(const char *s)
{
	static const char *const w[] = {
		"char", "short", "int", "long", "unsigned", "signed", "void", "bool", "_Bool",
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(s, w[i]))
			return true;
	return false;
}

/* Does a type name start here (in a cast or sizeof)? */
static bool type_start(const struct token *t)
{
	return t->kind == TK_IDENT && (is_int_type(t->s) || is_c_word(t->s) ||
				       !strcmp(t->s, "struct") || !strcmp(t->s, "union"));
}

/* ------------------------------------------------------- limits, nodes */

/* Every recursive path passes here (expressions on p->depth, statements
 * on p->sdepth), so the C stack stays bounded whatever the input. */
static void enter(struct parser *p, int *depth, const char *msg)
{
	if (++*depth > MAX_DEPTH)
		error_at(p->tok.loc, "%s", msg);
}

static void leave(int *depth)
{
	--*depth;
}

#define DEEP_EXPR "expression nested too deeply"

static struct node *new_node(enum nkind k, struct loc loc)
{
	struct node *n = xalloc(sizeof(*n));
	n->kind = k;
	n->loc = loc;
	return n;
}

/* Record the height of the tree n tops, refusing trees too tall. */
static struct node *height(struct parser *p, struct node *n, int h)
{
	if (h > MAX_HEIGHT)
		error_at(n->loc, DEEP_EXPR);
	p->h = h;
	return n;
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

static struct node *leaf(struct parser *p, enum nkind k)
{
	struct node *n = new_node(k, p->tok.loc);
	n->ival = p->tok.ival;
	next(p);
	p->h = 1;
	return n;
}

/* list = expr ("," expr)* close    (empty when empty_ok and close follows)
 * Fills n->args/nargs; returns the tallest element's height. */
static int list(struct parser *p, struct node *n, const char *close, bool empty_ok)
{
	struct vec v = { 0 };
	int h = 0;

	if (!(empty_ok && is(&p->tok, close))) {
		for (;;) {
			vec_push(&v, expr(p));
			h = max(h, p->h);
			if (!is(&p->tok, ","))
				break;
			next(p);
		}
	}
	expect(p, close);
	n->nargs = v.n;
	n->args = xalloc(v.n * sizeof(struct node *));
	for (int i = 0; i < v.n; i++)
		n->args[i] = v.v[i];
	return h;
}

/* ----------------------------------------------------------- types */

/* type = ("struct" IDENT | "union" IDENT | inttype | cword+ | IDENT) "*"* ("[" INT "]")?
 * Returned as normalised text: "uint8", "struct task_struct *",
 * "struct sk **", "uint8[4]", "unsigned long *". */
static const char *type(struct parser *p)
{
	const char *s = p->tok.s;

	if (is_word(&p->tok, "struct") || is_word(&p->tok, "union")) {
		const char *tag = p->tok.s;
		next(p);
		if (p->tok.kind != TK_IDENT || is_keyword(p->tok.s))
			expected(p, xprintf("a %s name after '%s'", tag, tag));
		s = xprintf("%s %s", tag, p->tok.s);
	} else if (is_c_word(p->tok.s)) {
		struct token t = peek(p);
		while (t.kind == TK_IDENT && is_c_word(t.s)) {
			next(p);
			s = xprintf("%s %s", s, p->tok.s);
			t = peek(p);
		}
	}
	next(p);
	if (is(&p->tok, "*"))
		s = xprintf("%s ", s);
	while (is(&p->tok, "*")) {
		s = xprintf("%s*", s);
		next(p);
	}
	if (is(&p->tok, "[")) {
		next(p);
		if (p->tok.kind != TK_INT || p->tok.ival == 0 || p->tok.ival > 65536)
			error_at(p->tok.loc, "array length must be an integer from 1 to 65536");
		s = xprintf("%s[%d]", s, (int)p->tok.ival);
		next(p);
		expect(p, "]");
	}
	return s;
}

/* ------------------------------------------------------- expressions */

/* map = MAP ("[" expr ("," expr)* "]")? */
static struct node *map(struct parser *p)
{
	struct node *n = new_node(N_MAP, p->tok.loc);
	int h = 0;

	n->name = p->tok.s;
	next(p);
	if (is(&p->tok, "[")) {
		next(p);
		h = list(p, n, "]", false);
	}
	return height(p, n, h + 1);
}

/* sizeof = "sizeof" "(" (type | expr) ")" */
static struct node *sizeof_(struct parser *p)
{
	struct node *n = new_node(N_SIZEOF, p->tok.loc);
	int h = 0;

	next(p);
	if (!is(&p->tok, "("))
		expected(p, "'(' after 'sizeof'");
	next(p);
	if (type_start(&p->tok)) {
		n->name = type(p);
	} else {
		n->lhs = expr(p);
		h = p->h;
	}
	expect(p, ")");
	return height(p, n, h + 1);
}

/* offsetof = "offsetof" "(" type "," IDENT ("." IDENT)* ")"
 * The member path is kept as text: "a.b.c". */
static struct node *offsetof_(struct parser *p)
{
	struct node *n = new_node(N_OFFSETOF, p->tok.loc);
	next(p);
	expect(p, "(");
	if (!type_start(&p->tok))
		expected(p, "a type as offsetof's first argument");
	n->name = type(p);
	expect(p, ",");
	const char *path = NULL;
	for (;;) {
		if (p->tok.kind != TK_IDENT)
			expected(p, "a member name");
		path = path ? xprintf("%s.%s", path, p->tok.s) : p->tok.s;
		next(p);
		if (!is(&p->tok, "."))
			break;
		next(p);
	}
	n->str = path;
	expect(p, ")");
	return height(p, n, 1);
}

/* ident = IDENT "(" (expr ("," expr)*)? ")"     a call
 *       | IDENT                                 a builtin
 *       | sizeof | offsetof */
static struct node *ident(struct parser *p)
{
	if (is_word(&p->tok, "sizeof"))
		return sizeof_(p);
	if (is_word(&p->tok, "offsetof"))
		return offsetof_(p);
	if (is_keyword(p->tok.s))
		expected(p, "an expression");
	struct node *n = new_node(N_BUILTIN, p->tok.loc);
	n->name = p->tok.s;
	next(p);
	if (!is(&p->tok, "("))
		return height(p, n, 1);
	n->kind = N_CALL;
	next(p);
	return height(p, n, list(p, n, ")", true) + 1);
}

/* paren = "(" expr ")"                   grouping
 *       | "(" expr ("," expr)+ ")"       a tuple */
static struct node *paren(struct parser *p)
{
	struct node *n = new_node(N_TUPLE, p->tok.loc);
	next(p);
	struct node *e = expr(p);
	if (is(&p->tok, ")")) {
		next(p);
		return e;	/* p->h is e's */
	}
	if (!is(&p->tok, ","))
		expected(p, "')' or ','");
	int h = p->h;
	next(p);
	h = max(h, list(p, n, ")", false));
	/* list() stored the elements after the first: put it in front */
	struct node **args = xalloc((n->nargs + 1) * sizeof(*args));
	args[0] = e;
	memcpy(args + 1, n->args, n->nargs * sizeof(*args));
	n->args = args;
	n->nargs++;
	return height(p, n, h + 1);
}

/* primary = INT | STR | VAR | PARAM | "$#" | map | ident | paren */
static struct node *primary(struct parser *p)
{
	struct node *n;

	switch (p->tok.kind) {
	case TK_INT:
		return leaf(p, N_INT);
	case TK_STR:
		n = new_node(N_STR, p->tok.loc);
		n->str = p->tok.str;
		n->slen = p->tok.slen;
		next(p);
		return height(p, n, 1);
	case TK_VAR:
		n = new_node(N_VAR, p->tok.loc);
		n->name = p->tok.s;
		next(p);
		return height(p, n, 1);
	case TK_PARAM:
		return leaf(p, N_PARAM);
	case TK_NPARAMS:
		return leaf(p, N_NPARAMS);
	case TK_MAP:
		return map(p);
	case TK_IDENT:
		return ident(p);
	default:
		if (is(&p->tok, "("))
			return paren(p);
		expected(p, "an expression");
	}
}

static bool lvalue(struct node *n)
{
	return n->kind == N_VAR || n->kind == N_MAP;
}

/* op (a "++" or "--" token) applied to e */
static struct node *incdec(const struct token *op, struct node *e, bool post)
{
	if (!lvalue(e))
		error_at(op->loc, "operand of '%s' must be a variable or map", op->s);
	struct node *n = new_node(N_INCDEC, op->loc);
	n->op = is(op, "++") ? OP_ADD : OP_SUB;
	n->post = post;
	n->lhs = e;
	return n;
}

/* field = ("->" | ".") IDENT  |  "." INT     (a tuple element: $t.0) */
static struct node *field(struct parser *p, struct node *lhs)
{
	bool arrow = is(&p->tok, "->");
	next(p);
	if (p->tok.kind != TK_IDENT && (arrow || p->tok.kind != TK_INT))
		expected(p, xprintf("a field name after '%s'", arrow ? "->" : "."));
	struct node *n = new_node(N_FIELD, p->tok.loc);
	n->arrow = arrow;
	n->name = p->tok.s;
	n->lhs = lhs;
	next(p);
	return n;
}

/* postfix = primary ("[" expr "]" | field | "++" | "--")* */
static struct node *postfix(struct parser *p)
{
	struct node *n = primary(p), *m;
	int h = p->h;

	for (;;) {
		if (is(&p->tok, "[")) {
			m = new_node(N_INDEX, p->tok.loc);
			next(p);
			m->lhs = n;
			m->rhs = expr(p);
			h = max(h, p->h);
			expect(p, "]");
		} else if (is(&p->tok, "->") || is(&p->tok, ".")) {
			m = field(p, n);
		} else if (is(&p->tok, "++") || is(&p->tok, "--")) {
			m = incdec(&p->tok, n, true);
			next(p);
		} else {
			return height(p, n, h);
		}
		n = height(p, m, ++h);
	}
}

/* cast = "(" type ")" unary */
static struct node *cast(struct parser *p)
{
	struct loc l = p->tok.loc;
	enter(p, &p->depth, DEEP_EXPR);
	next(p);
	const char *name = type(p);
	if (!is(&p->tok, ")"))
		expected(p, "')' after the type of a cast");
	l.len = p->tok.loc.off + 1 - l.off;
	next(p);
	struct node *n = new_node(N_CAST, l);
	n->name = name;
	n->lhs = unary(p);
	leave(&p->depth);
	return height(p, n, p->h + 1);
}

/* "(" IDENT "*"+ ")": a cast to a pointer to a typedef'd type, since no
 * expression has that shape ("(x *)" multiplies by nothing). */
static bool typedef_cast(struct parser *p)
{
	struct lexer l = p->lx;
	struct token t = lex_next(&l);
	if (t.kind != TK_IDENT || is_keyword(t.s))
		return false;
	int stars = 0;
	for (t = lex_next(&l); is(&t, "*"); t = lex_next(&l))
		stars++;
	return stars > 0 && is(&t, ")");
}

/* unary = ("!" | "~" | "-" | "+" | "*" | "&") unary
 *       | ("++" | "--") unary
 *       | cast
 *       | postfix
 * A unary '+' changes nothing and leaves no node. */
static struct node *unary(struct parser *p)
{
	static const struct { const char *s; enum op op; } ops[] = {
		{ "!", OP_NOT }, { "~", OP_BNOT }, { "-", OP_NEG }, { "+", OP_NONE },
		{ "*", OP_DEREF }, { "&", OP_ADDR },
	};
	struct token t = p->tok;
	struct node *n;

	if (is(&t, "(")) {
		struct token u = peek(p);
		if (type_start(&u) || typedef_cast(p))
			return cast(p);
	}
	if (is(&t, "++") || is(&t, "--")) {
		enter(p, &p->depth, DEEP_EXPR);
		next(p);
		struct node *e = unary(p);
		leave(&p->depth);
		return height(p, incdec(&t, e, false), p->h + 1);
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!is(&t, ops[i].s))
			continue;
		enter(p, &p->depth, DEEP_EXPR);
		next(p);
		struct node *e = unary(p);
		leave(&p->depth);
		if (ops[i].op == OP_NONE)
			return e;
		n = new_node(N_UNOP, t.loc);
		n->op = ops[i].op;
		n->lhs = e;
		return height(p, n, p->h + 1);
	}
	return postfix(p);
}

static const struct binop {
	const char *s;
	enum op op;
	int prec;
} binops[] = {
	{ "||", OP_LOR, 1 }, { "&&", OP_LAND, 2 }, { "|", OP_OR, 3 },
	{ "^", OP_XOR, 4 }, { "&", OP_AND, 5 },
	{ "==", OP_EQ, 6 }, { "!=", OP_NE, 6 },
	{ "<", OP_LT, 7 }, { "<=", OP_LE, 7 }, { ">", OP_GT, 7 }, { ">=", OP_GE, 7 },
	{ "<<", OP_SHL, 8 }, { ">>", OP_SHR, 8 },
	{ "+", OP_ADD, 9 }, { "-", OP_SUB, 9 },
	{ "*", OP_MUL, 10 }, { "/", OP_DIV, 10 }, { "%", OP_MOD, 10 },
};

/* The binary operator at the current token, or NULL. Inside a filter a
 * '/' followed by '{' (or the end) is the filter's closing slash. */
static const struct binop *binop_here(struct parser *p)
{
	if (p->tok.kind != TK_PUNCT)
		return NULL;
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++) {
		if (strcmp(p->tok.s, binops[i].s))
			continue;
		if (binops[i].op == OP_DIV && p->in_filter) {
			struct token t = peek(p);
			if (is(&t, "{") || t.kind == TK_EOF)
				return NULL;
		}
		return &binops[i];
	}
	return NULL;
}

/* binary = unary (binop unary)*, by precedence climbing; lowest first:
 *   ||    &&    |    ^    &    == !=    < <= > >=    << >>    + -    * / %
 * All are left associative. Recursion is bounded by the number of
 * levels; a long chain is a loop here, but a deep tree for later. */
static struct node *binary(struct parser *p, int minprec)
{
	struct node *lhs = unary(p);
	int h = p->h;
	const struct binop *b;

	while ((b = binop_here(p)) && b->prec >= minprec) {
		struct node *n = new_node(N_BINOP, p->tok.loc);
		next(p);
		n->op = b->op;
		n->lhs = lhs;
		n->rhs = binary(p, b->prec + 1);
		lhs = height(p, n, max(h, p->h) + 1);
		h = p->h;
	}
	p->h = h;
	return lhs;
}

/* expr = binary ("?" expr ":" expr)?        (right associative) */
static struct node *expr(struct parser *p)
{
	enter(p, &p->depth, DEEP_EXPR);
	struct node *c = binary(p, 1);
	if (is(&p->tok, "?")) {
		struct node *n = new_node(N_COND, p->tok.loc);
		int h = p->h;
		next(p);
		n->cond = c;
		n->then = expr(p);
		h = max(h, p->h);
		if (!is(&p->tok, ":"))
			expected(p, "':' in '?:'");
		next(p);
		n->els = expr(p);
		c = height(p, n, max(h, p->h) + 1);
	}
	leave(&p->depth);
	return c;
}

/* -------------------------------------------------------- statements */

/* body = "{" stmt-list "}"       after `what` ("if condition", ...) */
static struct node *body(struct parser *p, const char *what)
{
	if (!is(&p->tok, "{"))
		expected(p, xprintf("'{' after %s", what));
	struct node *n = stmts(p, "block");
	next(p);
	return n;
}

/* if = "if" "(" expr ")" body ("else" "if" "(" expr ")" body)* ("else" body)?
 * Each else-if is an N_IF in the els of the one before. The chain is
 * built in a loop, but later stages walk it recursively, so it is bounded. */
static struct node *if_(struct parser *p)
{
	struct node *first = NULL, **tail = &first;

	for (int k = 0;; k++) {
		if (k == MAX_DEPTH)
			error_at(p->tok.loc, "too many 'else if' branches");
		struct node *n = new_node(N_IF, p->tok.loc);
		*tail = n;
		tail = &n->els;
		next(p);
		if (!is(&p->tok, "("))
			expected(p, "'(' after 'if'");
		next(p);
		n->cond = expr(p);
		expect(p, ")");
		n->then = body(p, "if condition");
		if (!is_word(&p->tok, "else"))
			return first;
		next(p);
		if (is(&p->tok, "{")) {
			*tail = body(p, "'else'");
			return first;
		}
		if (!is_word(&p->tok, "if"))
			expected(p, "'{' or 'if' after 'else'");
	}
}

/* while = "while" "(" expr ")" body */
static struct node *while_(struct parser *p)
{
	struct node *n = new_node(N_WHILE, p->tok.loc);
	next(p);
	if (!is(&p->tok, "("))
		expected(p, "'(' after 'while'");
	next(p);
	n->cond = expr(p);
	expect(p, ")");
	n->body = body(p, "while condition");
	return n;
}

/* unroll = "unroll" "(" INT ")" body        (1 <= INT <= 100) */
static struct node *unroll(struct parser *p)
{
	struct node *n = new_node(N_UNROLL, p->tok.loc);
	next(p);
	if (!is(&p->tok, "("))
		expected(p, "'(' after 'unroll'");
	next(p);
	if (p->tok.kind != TK_INT || p->tok.ival < 1 || p->tok.ival > 100)
		error_at(p->tok.loc, "unroll count must be an integer from 1 to 100");
	n->ival = p->tok.ival;
	next(p);
	expect(p, ")");
	n->body = body(p, "unroll count");
	return n;
}

/* simple = expr (assignop expr)?
 * assignop = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^="
 *          | "<<=" | ">>=" */
static struct node *simple(struct parser *p)
{
	static const struct { const char *s; enum op op; } ops[] = {
		{ "=", OP_NONE }, { "+=", OP_ADD }, { "-=", OP_SUB }, { "*=", OP_MUL },
		{ "/=", OP_DIV }, { "%=", OP_MOD }, { "&=", OP_AND }, { "|=", OP_OR },
		{ "^=", OP_XOR }, { "<<=", OP_SHL }, { ">>=", OP_SHR },
	};
	struct node *e = expr(p);

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!is(&p->tok, ops[i].s))
			continue;
		if (!lvalue(e))
			error_at(e->loc, "assignment to something that is not a variable or map");
		struct node *n = new_node(N_ASSIGN, p->tok.loc);
		next(p);
		n->op = ops[i].op;
		n->lhs = e;
		n->rhs = expr(p);
		return n;
	}
	struct node *n = new_node(N_EXPR, e->loc);
	n->lhs = e;
	return n;
}

/* stmt = if | while | unroll | "return" | "{" stmt-list "}" | simple */
static struct node *stmt(struct parser *p)
{
	struct token *t = &p->tok;
	struct node *n;

	if (is_word(t, "if"))
		return if_(p);
	if (is_word(t, "while"))
		return while_(p);
	if (is_word(t, "unroll"))
		return unroll(p);
	if (is(t, "{")) {
		n = stmts(p, "block");
		next(p);
		return n;
	}
	if (is_word(t, "else"))
		error_at(t->loc, "'else' without 'if'");
	if (is_word(t, "for") || is_word(t, "break") || is_word(t, "continue"))
		error_at(t->loc, "'%s' is not supported", t->s);
	if (is_word(t, "return")) {
		n = new_node(N_RETURN, t->loc);
		next(p);
		if (!is(t, ";") && !is(t, "}") && t->kind != TK_EOF)
			error_at(t->loc, "'return' takes no value");
		return n;
	}
	return simple(p);
}

static bool blocky(struct node *n)
{
	return n->kind == N_IF || n->kind == N_WHILE || n->kind == N_UNROLL ||
	       n->kind == N_BLOCK;
}

/* stmt-list = "{" (stmt? ";")* stmt? "}"
 * A statement that ends with a block needs no ';'. Stops at the '}',
 * which the caller eats: after a probe, a spec may come next. */
static struct node *stmts(struct parser *p, const char *what)
{
	struct node *n = new_node(N_BLOCK, p->tok.loc);
	struct vec v = { 0 };

	enter(p, &p->sdepth, "blocks nested too deeply");
	next(p);
	for (;;) {
		if (p->tok.kind == TK_EOF)
			error_at(p->tok.loc, "missing '}' at end of %s", what);
		if (is(&p->tok, "}"))
			break;
		if (is(&p->tok, ";")) {
			next(p);
			continue;
		}
		struct node *s = stmt(p);
		vec_push(&v, s);
		if (blocky(s) || is(&p->tok, "}") || p->tok.kind == TK_EOF)
			continue;
		if (!is(&p->tok, ";"))
			expected(p, "';' or '}' after statement");
		next(p);
	}
	leave(&p->sdepth);
	n->nargs = v.n;
	n->args = xalloc(v.n * sizeof(struct node *));
	for (int i = 0; i < v.n; i++)
		n->args[i] = v.v[i];
	return n;
}

/* ------------------------------------------------------------ probes */

/* filter = "/" expr "/"     the closing '/' must be followed by '{' */
static struct node *filter(struct parser *p)
{
	next(p);
	p->in_filter = true;
	struct node *e = expr(p);
	p->in_filter = false;
	if (!is(&p->tok, "/"))
		expected(p, "'/' at end of filter");
	next(p);
	if (!is(&p->tok, "{"))
		expected(p, "'{' after filter");
	return e;
}

/* probe = SPEC ("," SPEC)* filter? "{" stmt-list "}" */
static struct node *probe(struct parser *p)
{
	struct vec v = { 0 };

	for (;;) {
		if (p->tok.kind != TK_SPEC)
			expected(p, "a probe");
		struct spec *s = xalloc(sizeof(*s));
		s->text = p->tok.s;
		s->loc = p->tok.loc;
		vec_push(&v, s);
		next(p);
		if (!is(&p->tok, ","))
			break;
		next_spec(p);
	}
	struct spec *first = v.v[0];
	struct node *n = new_node(N_PROBE, first->loc);
	n->nspecs = v.n;
	n->specs = xalloc(v.n * sizeof(struct spec));
	for (int i = 0; i < v.n; i++)
		n->specs[i] = *(struct spec *)v.v[i];

	if (is(&p->tok, "/"))
		n->cond = filter(p);
	if (!is(&p->tok, "{"))
		expected(p, "'{', a filter or ',' after probe spec");
	n->body = stmts(p, "probe");
	next_spec(p);
	return n;
}

/* Does a C declaration start at this spec-position token? */
static bool decl_start(const struct token *t)
{
	static const char *const w[] = { "struct", "union", "enum", "typedef" };
	if (t->kind != TK_SPEC)
		return false;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(t->s, w[i]))
			return true;
	return false;
}

/* decl = ("struct" | "union" | "enum" | "typedef") ... ";"
 * A C declaration at the top level: its extent is found here (up to the
 * ';' outside braces) and cdecl.c reads it when sema needs types. */
static struct loc decl(struct parser *p)
{
	struct lexer lx = p->lx;
	struct loc l = p->tok.loc;
	int depth = 0;
	lx.p = cur_src->text + l.off;
	for (;;) {
		struct token t = lex_next(&lx);
		if (t.kind == TK_EOF)
			error_at(l, "this declaration does not end: ';' expected");
		if (is(&t, "{"))
			depth++;
		else if (is(&t, "}"))
			depth--;
		else if (is(&t, ";") && depth <= 0) {
			l.len = t.loc.off + 1 - l.off;
			break;
		}
	}
	p->lx.p = cur_src->text + l.off + l.len;
	next_spec(p);
	return l;
}

/* program = (decl | probe)+ */
struct program *parse(struct source *src)
{
	struct parser ps = { 0 }, *p = &ps;
	struct vec v = { 0 }, d = { 0 };

	cur_src = src;
	lex_forget_defines();
	lex_init(&p->lx, src);
	next_spec(p);
	do {
		if (decl_start(&p->tok)) {
			struct loc *l = xalloc(sizeof(*l));
			*l = decl(p);
			vec_push(&d, l);
		} else {
			vec_push(&v, probe(p));
		}
	} while (p->tok.kind != TK_EOF);
	if (!v.n)
		error_at(*(struct loc *)d.v[d.n - 1], "a program needs at least one probe");

	struct program *prog = xalloc(sizeof(*prog));
	prog->nprobes = v.n;
	prog->probes = xalloc(v.n * sizeof(struct node *));
	for (int i = 0; i < v.n; i++)
		prog->probes[i] = v.v[i];
	prog->ndecls = d.n;
	prog->decls = xalloc(d.n * sizeof(struct loc));
	for (int i = 0; i < d.n; i++)
		prog->decls[i] = *(struct loc *)d.v[i];
	return prog;
}
