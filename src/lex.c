/* lex.c - the tokenizer of the bpftrace language.
 *
 * The parser pulls tokens one at a time, because one token kind depends on
 * where the parser is: a probe spec (`tracepoint:syscalls:sys_enter_*`,
 * `uprobe:/bin/bash:readline`) is not made of ordinary tokens, so the
 * parser calls lex_spec() where a spec may begin and lex_next() elsewhere.
 * Lookahead is cheap: a struct lexer is two pointers, so the parser peeks
 * by lexing from a copy.
 *
 * Ignored text: whitespace, // and block comments, a `#!` first line and
 * the preprocessor lines handled below (#include, #define, #ifdef ...).
 */
#include "wisp.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* #include notes are printed once even though the parser lexes some text
 * twice when it peeks: only lines past this offset are noted. */
static int noted_upto;

void lex_init(struct lexer *lx, struct source *src)
{
	lx->start = src->text;
	lx->p = src->text;
	lx->mp = lx->mend = NULL;
	lx->in_macro = false;
	noted_upto = -1;
	if (lx->p[0] == '#' && lx->p[1] == '!')
		while (*lx->p && *lx->p != '\n')
			lx->p++;
}

static struct loc mkloc(struct lexer *lx, const char *b, const char *e)
{
	return (struct loc){ (int)(b - lx->start), (int)(e - b) };
}

/* ctype wants unsigned char values; source bytes may be negative chars */
static bool is_ident1(int c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Is p the first non-blank character of its line? */
static bool line_start(struct lexer *lx, const char *p)
{
	while (p > lx->start && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	return p == lx->start || p[-1] == '\n';
}

/* ----------------------------------------------------- the preprocessor
 *
 * What bpftrace tools ask of cpp, without a cpp:
 *   #include <...>          dropped (a note under -v): types come from BTF
 *                           or from declarations in the script itself
 *   #define NAME [tokens]   an object-like macro, expanded where NAME is
 *                           lexed as an identifier (not inside its own
 *                           expansion)
 *   #ifdef, #ifndef, #else, #endif, and #if 0/1
 *                           conditionals; BPFTRACE_HAVE_BTF is defined when
 *                           the kernel has BTF, as bpftrace defines it
 * Macros live in a table of spans of the source text. parse() empties it
 * (lex_forget_defines); lex_init() does not, because cdecl.c lexes the
 * declarations again after the parser is done. */
struct define {
	const char *name;
	int nlen;
	const char *val, *vend;	/* the replacement, in the source text */
};
static struct define *defs;	/* malloc'd: outlives arena resets */
static int ndefs, capdefs;

void lex_forget_defines(void)
{
	ndefs = 0;
}

static struct define *define_find(const char *b, int n)
{
	for (int i = ndefs - 1; i >= 0; i--)
		if (defs[i].nlen == n && !strncmp(defs[i].name, b, n))
			return &defs[i];
	return NULL;
}

static bool have_btf(void)
{
	static int known = -1;
	if (known < 0) {
		FILE *f = fopen("/sys/kernel/btf/vmlinux", "r");
		known = f != NULL;
		if (f)
			fclose(f);
	}
	return known;
}

static bool defined(const char *b, int n)
{
	if (n == 17 && !strncmp(b, "BPFTRACE_HAVE_BTF", 17))
		return have_btf();
	return define_find(b, n) != NULL;
}

/* #define NAME rest-of-line (comments cut off) */
static void define(struct lexer *lx, const char *w, const char *eol)
{
	while (*w == ' ' || *w == '\t')
		w++;
	const char *e = w;
	while (is_ident(*e))
		e++;
	if (e == w || !is_ident1(*w))
		error_at(mkloc(lx, w, e > w ? e : w + 1), "#define needs a macro name");
	if (*e == '(')
		error_at(mkloc(lx, w, e + 1), "function-like macros are not supported");
	const char *v = e, *ve = v;
	for (const char *q = v; q < eol; q++) {
		if (q[0] == '/' && (q[1] == '/' || q[1] == '*'))
			break;
		if (!isspace((unsigned char)*q))
			ve = q + 1;
	}
	struct define *d = define_find(w, (int)(e - w));
	if (d && d->val == v)
		return;	/* the parser peeked past this line before */
	if (ndefs == capdefs) {
		int cap = capdefs ? capdefs * 2 : 16;
		struct define *nd = realloc(defs, cap * sizeof(*defs));
		if (!nd)
			fatal("out of memory");
		defs = nd;
		capdefs = cap;
	}
	defs[ndefs++] = (struct define){ w, (int)(e - w), v, ve };
}

/* The directive's name at p (after '#'): its bounds in *w, *e. */
static void directive_name(const char *p, const char **w, const char **e)
{
	const char *q = p + 1;
	while (*q == ' ' || *q == '\t')
		q++;
	*w = q;
	while (is_ident(*q))
		q++;
	*e = q;
}

static bool is_dir(const char *w, const char *e, const char *name)
{
	return (size_t)(e - w) == strlen(name) && !strncmp(w, name, e - w);
}

/* The end of the line p is on. */
static const char *eol(const char *p)
{
	while (*p && *p != '\n')
		p++;
	return p;
}

/* The condition of #ifdef / #ifndef / #if at w..e: true or false. */
static bool condition(struct lexer *lx, const char *w, const char *e, const char *end)
{
	const char *a = e;
	while (*a == ' ' || *a == '\t')
		a++;
	const char *b = a;
	while (b < end && !isspace((unsigned char)*b))
		b++;
	if (is_dir(w, e, "if")) {
		if (b - a == 1 && (*a == '0' || *a == '1'))
			return *a == '1';
		error_at(mkloc(lx, w - 1, end), "only '#if 0' and '#if 1' are supported");
	}
	bool d = defined(a, (int)(b - a));
	return is_dir(w, e, "ifdef") ? d : !d;
}

/* Skip the lines of a false branch: up to its #else or #endif (nested
 * conditionals skipped whole). Returns where lexing goes on. */
static const char *skip_branch(struct lexer *lx, const char *start, const char *p)
{
	int depth = 0;
	for (;;) {
		if (!*p)
			error_at(mkloc(lx, start, eol(start)), "unterminated conditional directive");
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#') {
			const char *w, *e;
			directive_name(q, &w, &e);
			if (is_dir(w, e, "if") || is_dir(w, e, "ifdef") || is_dir(w, e, "ifndef"))
				depth++;
			else if (is_dir(w, e, "endif") && depth-- == 0)
				return eol(q);
			else if (is_dir(w, e, "else") && depth == 0)
				return eol(q);	/* the #else branch is taken */
		}
		p = eol(p);
		if (*p)
			p++;
	}
}

/* A '#' that begins a line. A taken branch's #else skips to its #endif;
 * an #endif just ends the line (conditionals are not checked for
 * balance beyond that: bpftrace tools use them only around #includes). */
static const char *skip_directive(struct lexer *lx, const char *p)
{
	const char *w, *e, *end = eol(p);
	directive_name(p, &w, &e);
	if (e == w && *e && !isspace((unsigned char)*e))
		e++;	/* name "#!" in the message, not just "#" */
	if (is_dir(w, e, "include")) {
		if (verbose && p - lx->start > noted_upto) {
			const char *t = end;
			while (t > p && isspace((unsigned char)t[-1]))
				t--;
			fprintf(eout(), "wisp: note: ignoring %.*s\n", (int)(t - p), p);
			noted_upto = (int)(p - lx->start);
		}
		return end;
	}
	if (is_dir(w, e, "define")) {
		define(lx, e, end);
		return end;
	}
	if (is_dir(w, e, "ifdef") || is_dir(w, e, "ifndef") || is_dir(w, e, "if"))
		return condition(lx, w, e, end) ? end : skip_branch(lx, p, *end ? end + 1 : end);
	if (is_dir(w, e, "else"))
		return skip_branch(lx, p, *end ? end + 1 : end);
	if (is_dir(w, e, "endif") || is_dir(w, e, "pragma") || is_dir(w, e, "undef"))
		return end;
	error_at(mkloc(lx, p, e), "unsupported preprocessor directive '%.*s'", (int)(e - p), p);
}

/* Skip whitespace, comments and #include lines. */
static void skip_space(struct lexer *lx)
{
	const char *p = lx->p;
	for (;;) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			if (!e)
				error_at(mkloc(lx, p, p + 2), "unterminated comment");
			p = e + 2;
		} else if (*p == '#' && line_start(lx, p)) {
			p = skip_directive(lx, p);
		} else {
			break;
		}
	}
	lx->p = p;
}

static struct token mktok(struct lexer *lx, enum tkind k, const char *b, const char *e)
{
	struct token t = { 0 };
	t.kind = k;
	t.loc = mkloc(lx, b, e);
	t.s = xstrndup(b, e - b);
	return t;
}

/* ------------------------------------------------------------ numbers */

/* v = v * base + d, false on overflow of 64 bits */
static bool accum(uint64_t *v, unsigned base, unsigned d)
{
	if (*v > (UINT64_MAX - d) / base)
		return false;
	*v = *v * base + d;
	return true;
}

static unsigned digit_val(int c)
{
	c = (unsigned char)c;
	if (isdigit(c))
		return c - '0';
	if (isxdigit(c))
		return tolower(c) - 'a' + 10;
	return 99;
}

_Noreturn static void bad_number(struct lexer *lx, const char *b)
{
	const char *e = b;
	while (is_ident(*e) || (*e == '.' && isdigit((unsigned char)e[1])))
		e++;
	error_at(mkloc(lx, b, e), "invalid integer literal '%.*s'", (int)(e - b), b);
}

_Noreturn static void too_large(struct lexer *lx, const char *b, const char *e)
{
	error_at(mkloc(lx, b, e), "integer literal '%.*s' is too large", (int)(e - b), b);
}

/* Digits of base from p, with '_' between them (not first, not last).
 * Returns the end; *v is the value, *ovf set on overflow. The number
 * began at b (for the error message). */
static const char *digits(struct lexer *lx, const char *b, const char *p,
			  unsigned base, uint64_t *v, bool *ovf)
{
	const char *q = p;
	*v = 0;
	for (; digit_val(*q) < base || *q == '_'; q++)
		if (*q != '_' && !accum(v, base, digit_val(*q)))
			*ovf = true;
	if (q == p || *p == '_' || q[-1] == '_')
		bad_number(lx, b);
	return q;
}

/* C's integer suffixes (u, l, ul, ll, ull in any case) mean nothing here:
 * every integer is 64 bits until sema narrows it. */
static const char *suffix(const char *p)
{
	if (*p == 'u' || *p == 'U')
		p++;
	if (*p == 'l' || *p == 'L')
		p += (p[1] == p[0]) ? 2 : 1;
	if ((*p == 'u' || *p == 'U') && (p[-1] == 'l' || p[-1] == 'L'))
		p++;
	return p;
}

/* 1e6, 1_000e3, 1.5e3, 25e-1: scientific notation whose value is an
 * integer. The mantissa digits and exponent are combined exactly (no
 * floating point): m * 10^(exp - fraction digits). */
static uint64_t scientific(struct lexer *lx, const char *b, const char *dot,
			   const char *e, const char *end)
{
	char *m = xalloc(e - b + 1);
	int n = 0, frac = 0;
	for (const char *q = b; q < e; q++) {
		if (isdigit((unsigned char)*q)) {
			m[n++] = *q;
			if (dot && q > dot)
				frac++;
		}
	}
	const char *q = e + 1;
	int sign = 1;
	long x = 0;
	if (*q == '+' || *q == '-')
		sign = *q++ == '-' ? -1 : 1;
	for (; isdigit((unsigned char)*q); q++)
		if (x < 100000)
			x = x * 10 + (*q - '0');
	long e10 = sign * x - frac;
	while (n > 0 && m[n - 1] == '0') {
		n--;
		e10++;
	}
	int i = 0;
	while (i < n && m[i] == '0')
		i++;
	if (i == n)
		return 0;
	if (e10 < 0)
		error_at(mkloc(lx, b, end), "'%.*s' is not an integer", (int)(end - b), b);
	uint64_t v = 0;
	for (; i < n; i++)
		if (!accum(&v, 10, m[i] - '0'))
			too_large(lx, b, end);
	for (; e10 > 0; e10--)
		if (!accum(&v, 10, 0))
			too_large(lx, b, end);
	return v;
}

/* Where a decimal number has a fraction or exponent: sets *dot and *exp
 * (NULL when absent) and returns the end of the number. */
static const char *decimal_tail(const char *p, const char **dot, const char **exp)
{
	*dot = *exp = NULL;
	if (*p == '.' && isdigit((unsigned char)p[1])) {
		*dot = p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'e' || *p == 'E') &&
	    (isdigit((unsigned char)p[1]) ||
	     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
		*exp = p++;
		if (*p == '+' || *p == '-')
			p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

/* int = "0x" hex | "0" octal | decimal ("." decimal)? ("e" [+-]? decimal)?
 * with '_' between digits and an optional C suffix. Right after a '.'
 * (a tuple index: $t.0.1) only plain decimal digits are read. */
static struct token lex_number(struct lexer *lx)
{
	const char *b = lx->p, *p;
	uint64_t v = 0;
	bool ovf = false;

	if (b > lx->start && b[-1] == '.') {
		for (p = b; isdigit((unsigned char)*p); p++)
			if (!accum(&v, 10, *p - '0'))
				ovf = true;
	} else if (b[0] == '0' && (b[1] == 'x' || b[1] == 'X')) {
		p = suffix(digits(lx, b, b + 2, 16, &v, &ovf));
	} else {
		const char *dot, *exp;
		p = decimal_tail(digits(lx, b, b, 10, &v, &ovf), &dot, &exp);
		if (dot && !exp)
			error_at(mkloc(lx, b, p), "floating-point literal '%.*s' is not supported",
				 (int)(p - b), b);
		if (exp) {
			v = scientific(lx, b, dot, exp, p);
			ovf = false;
		} else if (b[0] == '0' && p - b > 1) {
			ovf = false;
			if (digits(lx, b, b + 1, 8, &v, &ovf) != p)
				bad_number(lx, b);
		}
		p = suffix(p);
	}
	if (is_ident(*p))
		bad_number(lx, b);
	if (ovf)
		too_large(lx, b, p);
	lx->p = p;
	struct token t = mktok(lx, TK_INT, b, p);
	t.ival = v;
	return t;
}

/* ------------------------------------------------------------ strings */

static int octal_escape(const char **pp)
{
	const char *p = *pp;
	int v = 0;
	for (int i = 0; i < 3 && *p >= '0' && *p <= '7'; i++)
		v = v * 8 + (*p++ - '0');
	*pp = p;
	return v;
}

/* One escape after a backslash at bs; appends the byte to buf. */
static const char *escape(struct lexer *lx, const char *bs, char *buf, int *n)
{
	const char *p = bs + 1;
	int c = (unsigned char)*p;
	static const char from[] = "ntr\\\"'", to[] = "\n\t\r\\\"'";
	const char *f = c ? strchr(from, c) : NULL;

	if (f) {
		buf[(*n)++] = to[f - from];
		return p + 1;
	}
	if (c >= '0' && c <= '7') {
		int v = octal_escape(&p);
		if (v > 255)
			error_at(mkloc(lx, bs, p), "octal escape sequence '%.*s' is out of range",
				 (int)(p - bs), bs);
		buf[(*n)++] = (char)v;
		return p;
	}
	if (c == 'x') {
		int v = 0, i;
		for (i = 0, p++; i < 2 && isxdigit((unsigned char)*p); i++, p++)
			v = v * 16 + digit_val(*p);
		if (!i)
			error_at(mkloc(lx, bs, p), "missing hex digits after '\\x'");
		buf[(*n)++] = (char)v;
		return p;
	}
	if (isprint(c))
		error_at(mkloc(lx, bs, p + 1), "unknown escape sequence '\\%c'", c);
	error_at(mkloc(lx, bs, p + 1), "unknown escape sequence '\\' followed by byte 0x%02x", c);
}

/* str = '"' (char | escape)* '"' on one line */
static struct token lex_string(struct lexer *lx)
{
	const char *b = lx->p, *p = b + 1;
	char *buf = xalloc(strcspn(b, "\n") + 1);	/* decoded <= raw */
	int n = 0;

	while (*p != '"') {
		if (!*p)
			error_at(mkloc(lx, b, b + 1), "unterminated string");
		if (*p == '\n')
			error_at(mkloc(lx, b, p), "newline in string");
		if (*p == '\\' && p[1] && p[1] != '\n')
			p = escape(lx, p, buf, &n);
		else if (*p == '\\')
			p++;	/* the NUL or newline after it is reported above */
		else
			buf[n++] = *p++;
	}
	lx->p = p + 1;
	struct token t = mktok(lx, TK_STR, b, lx->p);
	t.str = buf;
	t.slen = n;
	return t;
}

/* ------------------------------------------------------ other tokens */

/* var = "$" ident ; param = "$" digits ; nparams = "$#" */
static struct token lex_dollar(struct lexer *lx)
{
	const char *b = lx->p, *p = b + 1;
	struct token t;

	if (is_ident1(*p)) {
		while (is_ident(*p))
			p++;
		lx->p = p;
		return mktok(lx, TK_VAR, b, p);
	}
	if (*p == '#') {
		lx->p = p + 1;
		return mktok(lx, TK_NPARAMS, b, p + 1);
	}
	if (!isdigit((unsigned char)*p))
		error_at(mkloc(lx, b, b + 1),
			 "expected a variable name, a number or '#' after '$'");
	uint64_t v = 0;
	bool ovf = false;
	for (; isdigit((unsigned char)*p); p++)
		if (!accum(&v, 10, *p - '0') || v > 0x7fffffff)
			ovf = true;
	if (is_ident(*p)) {
		const char *e = p;
		while (is_ident(*e))
			e++;
		error_at(mkloc(lx, b, e), "invalid positional parameter '%.*s'",
			 (int)(e - b), b);
	}
	if (ovf)
		error_at(mkloc(lx, b, p), "positional parameter '%.*s' is too large",
			 (int)(p - b), b);
	lx->p = p;
	t = mktok(lx, TK_PARAM, b, p);
	t.ival = v;
	return t;
}

/* map = "@" ident? */
static struct token lex_map(struct lexer *lx)
{
	const char *b = lx->p, *p = b + 1;
	if (is_ident1(*p))
		while (is_ident(*p))
			p++;
	lx->p = p;
	return mktok(lx, TK_MAP, b, p);
}

/* Longest first, so "<<=" wins over "<<" and "<". */
static const char *const puncts[] = {
	"<<=", ">>=",
	"->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=",
	"(", ")", "[", "]", "{", "}", ",", ";", ":", "?", ".",
};

static struct token lex_punct(struct lexer *lx)
{
	const char *b = lx->p;
	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i]);
		if (!strncmp(b, puncts[i], n)) {
			lx->p = b + n;
			return mktok(lx, TK_PUNCT, b, b + n);
		}
	}
	int c = (unsigned char)*b;
	if (isprint(c))
		error_at(mkloc(lx, b, b + 1), "unexpected character '%c'", c);
	error_at(mkloc(lx, b, b + 1), "unexpected byte 0x%02x", c);
}

/* End of input: the spot just after the last non-blank character, so a
 * "missing '}'" caret lands on a line with text. */
static struct token lex_eof(struct lexer *lx)
{
	const char *e = lx->p;
	while (e > lx->start && isspace((unsigned char)e[-1]))
		e--;
	struct token t = mktok(lx, TK_EOF, e, e);
	return t;
}

/* The next token of a macro's expansion, if one is under way. */
static bool macro_next(struct lexer *lx, struct token *t)
{
	if (!lx->mp)
		return false;
	const char *save = lx->p;
	lx->p = lx->mp;
	while (lx->p < lx->mend && isspace((unsigned char)*lx->p))
		lx->p++;
	bool more = lx->p < lx->mend;
	if (more) {
		const char *mend = lx->mend;
		lx->mp = NULL;
		lx->in_macro = true;	/* no expansion inside an expansion */
		*t = lex_next(lx);
		lx->in_macro = false;
		lx->mp = lx->p;
		lx->mend = mend;
	} else {
		lx->mp = lx->mend = NULL;
	}
	lx->p = save;
	return more;
}

struct token lex_next(struct lexer *lx)
{
	struct token mt;
	if (macro_next(lx, &mt))
		return mt;
	skip_space(lx);
	int c = (unsigned char)*lx->p;
	if (!c)
		return lex_eof(lx);
	if (isdigit(c))
		return lex_number(lx);
	if (c == '"')
		return lex_string(lx);
	if (c == '$')
		return lex_dollar(lx);
	if (c == '@')
		return lex_map(lx);
	if (is_ident1(c)) {
		const char *b = lx->p;
		while (is_ident(*lx->p))
			lx->p++;
		struct define *d = define_find(b, (int)(lx->p - b));
		if (d && !lx->in_macro) {
			lx->mp = d->val;
			lx->mend = d->vend;
			return lex_next(lx);
		}
		return mktok(lx, TK_IDENT, b, lx->p);
	}
	return lex_punct(lx);
}

/* spec = a run of characters other than whitespace, ',' and '{', where a
 * '/' ends the run unless a ':' came before it: `BEGIN/pid/` is BEGIN and
 * a filter, `uprobe:/bin/sh:main` and ply's `tracepoint:sched/sched_switch`
 * are one spec each. A filter after such a spec needs a blank before it.
 * Specs begin with a letter, digit, '_' or '*'; anything else is lexed as
 * an ordinary token for the parser to complain about. */
struct token lex_spec(struct lexer *lx)
{
	skip_space(lx);
	const char *b = lx->p, *p = b;
	bool colon = false;

	if (!is_ident(*b) && *b != '*')
		return lex_next(lx);
	for (; *p && !isspace((unsigned char)*p) && *p != ',' && *p != '{'; p++) {
		if (*p == ':')
			colon = true;
		if (*p == '/' && !colon)
			break;
	}
	lx->p = p;
	return mktok(lx, TK_SPEC, b, p);
}
