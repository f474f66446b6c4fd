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
 * `#include` lines (bpftrace scripts carry them for the C preprocessor;
 * wisp takes types from elsewhere).
 */
#include "wisp.h"
#include <ctype.h>
#include <string.h>

/* #include notes are printed once even though the parser lexes some text
 * twice when it peeks: only lines past this offset are noted. */
static int noted_upto;

void lex_init(struct lexer *lx, struct source *src)
{
	lx->start = src->text;
	lx->p = src->text;
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

/* A '#' that begins a line: `#include` lines are dropped (with a note
 * under -v); any other directive would need a C preprocessor. */
static const char *skip_directive(struct lexer *lx, const char *p)
{
	const char *w = p + 1, *e;
	while (*w == ' ' || *w == '\t')
		w++;
	for (e = w; is_ident(*e); e++)
		;
	if (e == w && *e && !isspace((unsigned char)*e))
		e++;	/* name "#!" in the message, not just "#" */
	if (e - w != 7 || strncmp(w, "include", 7))
		error_at(mkloc(lx, p, e), "unsupported preprocessor directive '%.*s'",
			 (int)(e - p), p);
	for (e = p; *e && *e != '\n'; e++)
		;
	if (verbose && p - lx->start > noted_upto) {
		const char *t = e;
		while (t > p && isspace((unsigned char)t[-1]))
			t--;
		fprintf(eout(), "wisp: note: ignoring %.*s\n",
			(int)(t - p), p);
		noted_upto = (int)(p - lx->start);
	}
	return e;
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

struct token lex_next(struct lexer *lx)
{
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
