/* printf.c - bpftrace's printf: checking a format against its arguments,
 * and formatting a record's bytes the way bpftrace prints them.
 *
 * A conversion is C's: %[-+ #0][width][.prec][hh|h|l|ll|z|j|t]conv with
 * conv one of d i u x X o c s p, plus bpftrace's %r (a buffer, printable
 * bytes as they are), %rx (every byte \xNN) and %rh (hex bytes "61 62").
 *
 * Integers travel as their own size and are sign-extended to 64 bits, then
 * converted to the C type the length modifier names, exactly as C's printf
 * would: "%d" prints an int, "%ld" a long, "%hhx" an unsigned char. That is
 * what bpftrace does (it casts to the specifier's type before snprintf), so
 * printf("%d", 1 << 40) prints 0 and printf("%x", -1) prints ffffffff in
 * both. Strings, addresses, times and buffers are turned into text first and
 * then padded and cut by width and precision like %s.
 */
#include "wisp.h"
#include <stdlib.h>
#include "output.h"
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* One conversion of a format, as parsed. */
struct cspec {
	const char *text;	/* the '%' */
	int len;		/* bytes from the '%' through the conversion */
	bool minus, plus, space, hash, zero;
	int width, prec;	/* -1 when not given */
	char lmod[3];		/* "", "hh", "h", "l", "ll", "z", "j", "t" */
	char conv[3];		/* "d" .. "p", "r", "rx", "rh" */
};

/* ------------------------------------------------------------ reading */

/* An integer of size bytes in native byte order, sign-extended when sign,
 * as a 64-bit pattern. */
uint64_t load_int(const uint8_t *p, int size, bool sign)
{
	switch (size) {
	case 1: {
		uint8_t v = p[0];
		return sign ? (uint64_t)(int64_t)(int8_t)v : v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return sign ? (uint64_t)(int64_t)(int16_t)v : v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return sign ? (uint64_t)(int64_t)(int32_t)v : v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

/* ------------------------------------------------------------ parsing */

static bool is_lmod(const char *p, char *out)
{
	static const char *const mods[] = { "hh", "h", "ll", "l", "z", "j", "t" };
	for (size_t i = 0; i < sizeof(mods) / sizeof(*mods); i++) {
		size_t n = strlen(mods[i]);
		if (!strncmp(p, mods[i], n)) {
			memcpy(out, mods[i], n + 1);
			return true;
		}
	}
	out[0] = '\0';
	return false;
}

/* Parse the conversion starting at p[0] == '%' (not "%%"). Returns false
 * when the conversion is not one wisp knows; s->len then covers what was
 * read, so the message can quote it. */
static bool parse_spec(const char *p, struct cspec *s)
{
	const char *q = p + 1;
	memset(s, 0, sizeof(*s));
	s->text = p;
	s->width = s->prec = -1;
	for (;; q++) {
		if (*q == '-')
			s->minus = true;
		else if (*q == '+')
			s->plus = true;
		else if (*q == ' ')
			s->space = true;
		else if (*q == '#')
			s->hash = true;
		else if (*q == '0')
			s->zero = true;
		else
			break;
	}
	if (*q >= '1' && *q <= '9') {
		s->width = 0;
		while (*q >= '0' && *q <= '9' && s->width < 100000)
			s->width = s->width * 10 + (*q++ - '0');
	}
	if (*q == '.') {
		q++;
		s->prec = 0;	/* "%.s": C takes an empty precision as 0 */
		while (*q >= '0' && *q <= '9' && s->prec < 100000)
			s->prec = s->prec * 10 + (*q++ - '0');
	}
	if (is_lmod(q, s->lmod))
		q += strlen(s->lmod);
	bool ok = *q && strchr("diuxXocspr", *q);
	if (*q)
		s->conv[0] = *q++;
	if (ok && s->conv[0] == 'r' && (*q == 'x' || *q == 'h'))
		s->conv[1] = *q++;
	s->len = q - p;
	return ok;
}

/* The next conversion at or after p, skipping "%%"; NULL when none. */
static const char *next_spec(const char *p)
{
	for (; (p = strchr(p, '%')); p += 2)
		if (p[1] != '%')
			return p;
	return NULL;
}

/* ------------------------------------------------------------ checking */

static bool is_int_conv(const struct cspec *s)
{
	return s->conv[0] != 's' && s->conv[0] != 'r';
}

/* What a conversion takes, as a phrase for the message, or NULL when the
 * type fits. %s prints anything scalar (integers too, as bpftrace does). */
static const char *mismatch(const struct cspec *s, const struct type *t)
{
	if (s->conv[0] == 'r')
		return t->kind == TY_BUF ? NULL : "a buffer";
	if (s->conv[0] == 's') {
		switch (t->kind) {
		case TY_STR: case TY_INET: case TY_TSTAMP: case TY_BUF: case TY_INT:
		case TY_STACK: case TY_KSYM: case TY_USYM:
			return NULL;
		default:
			return "a string";
		}
	}
	return t->kind == TY_INT ? NULL : "an integer";
}

const char *fmt_check(const char *fmt, struct type **types, int n, int *bad_arg)
{
	struct cspec s;
	int count = 0;
	*bad_arg = -1;
	for (const char *p = fmt; (p = next_spec(p)); p += s.len, count++)
		if (!parse_spec(p, &s))
			return xprintf("printf: unknown conversion '%.*s'", s.len, s.text);
	if (count > n)
		return xprintf("printf: too few arguments for format (%d given, %d needed)",
			       n, count);
	if (count < n) {
		*bad_arg = count;
		return xprintf("printf: too many arguments for format (%d given, %d needed)",
			       n, count);
	}
	int i = 0;
	for (const char *p = fmt; (p = next_spec(p)); p += s.len, i++) {
		parse_spec(p, &s);
		const char *want = mismatch(&s, types[i]);
		if (want) {
			*bad_arg = i;
			return xprintf("printf: %%%s%s expects %s, got %s", s.lmod, s.conv,
				       want, type_name(types[i]));
		}
	}
	return NULL;
}

/* ------------------------------------------------------------ values as text */

/* A buffer's bytes as bpftrace shows them. mode 'r': printable ASCII as is,
 * the rest \xNN; 'x': every byte \xNN; 'h': "61 62 63". buf needs 4 bytes a
 * byte, plus one. */
static size_t buf_text(const uint8_t *p, int size, char mode, char *buf)
{
	int n = size > 1 ? p[0] : 0;
	if (n > size - 1)
		n = size - 1;
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		uint8_t c = p[1 + i];
		if (mode == 'r' && c >= 32 && c <= 126)
			buf[len++] = c;
		else if (mode == 'h')
			len += sprintf(buf + len, i == n - 1 ? "%02x" : "%02x ", c);
		else
			len += sprintf(buf + len, "\\x%02x", c);
	}
	buf[len] = '\0';
	return len;
}

/* u64 family at 0, then 16 address bytes. AF_INET uses the first four. */
static size_t inet_text(const uint8_t *p, char *buf, size_t size)
{
	uint64_t af;
	memcpy(&af, p, 8);
	buf[0] = '\0';
	if (af == AF_INET)
		inet_ntop(AF_INET, p + 8, buf, size);
	else if (af == AF_INET6)
		inet_ntop(AF_INET6, p + 8, buf, size);
	return strlen(buf);
}

/* strftime() in local time, with bpftrace's %f (microseconds, 6 digits)
 * put in first: every "%f" is replaced, as bpftrace's regex does. */
int64_t tstamp_offset;

static size_t tstamp_text(const uint8_t *p, const char *fmt, char *buf, size_t size)
{
	uint64_t ns;
	memcpy(&ns, p, 8);
	ns += (uint64_t)tstamp_offset;
	time_t t = (time_t)(ns / 1000000000);
	char us[8], f[256];
	snprintf(us, sizeof(us), "%06u", (unsigned)(ns % 1000000000 / 1000));
	size_t n = 0;
	for (const char *q = fmt ? fmt : ""; *q && n < sizeof(f) - 7; q++) {
		if (q[0] == '%' && q[1] == 'f') {
			memcpy(f + n, us, 6);
			n += 6;
			q++;
		} else {
			f[n++] = *q;
		}
	}
	f[n] = '\0';
	struct tm tm;
	if (!localtime_r(&t, &tm) || !(n = strftime(buf, size, f, &tm)))
		n = sprintf(buf, "(?)");
	return n;
}

static size_t int_text(uint64_t v, bool sign, char *buf)
{
	return sign ? sprintf(buf, "%" PRId64, (int64_t)v) : sprintf(buf, "%" PRIu64, v);
}

/* The text of a scalar value (not a tuple). Strings are returned in place
 * (*s points into p); everything else is written to buf, which must hold
 * TEXT_MAX bytes. */
#define TEXT_MAX 1100
static size_t scalar_text(const struct type *t, const uint8_t *p, char *buf, const char **s)
{
	*s = buf;
	switch (t->kind) {
	case TY_STR:
		*s = (const char *)p;
		return strnlen((const char *)p, t->size);
	case TY_INT:
		return int_text(load_int(p, t->size, t->sign), t->sign, buf);
	case TY_BUF:
		return buf_text(p, t->size, 'r', buf);
	case TY_INET:
		return inet_text(p, buf, TEXT_MAX);
	case TY_TSTAMP:
		return tstamp_text(p, t->fmt, buf, TEXT_MAX);
	case TY_COUNT:
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
		return int_text(load_int(p, 8, t->sign), t->kind != TY_COUNT && t->sign, buf);
	case TY_AVG:
	case TY_STATS: {
		int64_t c = (int64_t)load_int(p, 8, true), tot = (int64_t)load_int(p + 8, 8, true);
		int64_t avg = c ? tot / c : 0;
		if (t->kind == TY_AVG)
			return sprintf(buf, "%" PRId64, avg);
		return sprintf(buf, "count %" PRId64 ", average %" PRId64 ", total %" PRId64,
			       c, avg, tot);
	}
	default:
		buf[0] = '\0';
		return 0;
	}
}

void val_print(FILE *f, const struct type *t, const uint8_t *data)
{
	if (t->kind == TY_STACK || t->kind == TY_KSYM || t->kind == TY_USYM) {
		sym_print(f, t, data);
		return;
	}
	if (t->kind == TY_TUPLE) {
		fputc('(', f);
		for (int i = 0; i < t->nelems; i++) {
			if (i)
				fputs(", ", f);
			val_print(f, t->elems[i], data + t->offs[i]);
		}
		fputc(')', f);
		return;
	}
	char buf[TEXT_MAX];
	const char *s;
	size_t n = scalar_text(t, data, buf, &s);
	fwrite(s, 1, n, f);
}

/* ------------------------------------------------------------ formatting */

/* Text padded to the width and cut to the precision, as %s does. */
static void put_padded(FILE *f, const struct cspec *sp, const char *s, size_t n)
{
	if (sp->prec >= 0 && (size_t)sp->prec < n)
		n = sp->prec;
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->minus)
		fprintf(f, "%*s", pad, "");
	fwrite(s, 1, n, f);
	if (sp->minus)
		fprintf(f, "%*s", pad, "");
}

/* The C format of an integer conversion: flags, width, precision, then
 * lmod and conv as given (lmod NULL: the spec's own). */
static void c_format(const struct cspec *s, const char *lmod, const char *conv, char *buf)
{
	char *q = buf;
	*q++ = '%';
	if (s->minus) *q++ = '-';
	if (s->plus) *q++ = '+';
	if (s->space) *q++ = ' ';
	if (s->hash) *q++ = '#';
	if (s->zero) *q++ = '0';
	if (s->width >= 0)
		q += sprintf(q, "%d", s->width);
	if (s->prec >= 0)
		q += sprintf(q, ".%d", s->prec);
	sprintf(q, "%s%s", lmod ? lmod : s->lmod, conv);
}

/* Signed conversions (d i): the value as the type the modifier names
 * ("hh", "h", "ll" after lmod64, or none: int). */
static void put_signed(FILE *f, const char *cf, const char *lmod, uint64_t v)
{
	if (!strcmp(lmod, "hh"))
		fprintf(f, cf, (int)(signed char)v);
	else if (!strcmp(lmod, "h"))
		fprintf(f, cf, (int)(short)v);
	else if (!strcmp(lmod, "ll"))
		fprintf(f, cf, (long long)v);
	else
		fprintf(f, cf, (int)v);
}

/* Unsigned conversions (u x X o). */
static void put_unsigned(FILE *f, const char *cf, const char *lmod, uint64_t v)
{
	if (!strcmp(lmod, "hh"))
		fprintf(f, cf, (unsigned)(unsigned char)v);
	else if (!strcmp(lmod, "h"))
		fprintf(f, cf, (unsigned)(unsigned short)v);
	else if (!strcmp(lmod, "ll"))
		fprintf(f, cf, (unsigned long long)v);
	else
		fprintf(f, cf, (unsigned)v);
}

/* %p as glibc prints a pointer ("0x1000", "(nil)"), done by hand so that a
 * static musl build prints the same. The value is cut to a pointer's width
 * like bpftrace's (void *) cast. */
static void put_pointer(FILE *f, const struct cspec *s, uint64_t v)
{
	uintptr_t ptr = (uintptr_t)v;
	if (!ptr) {
		struct cspec nil = *s;
		nil.prec = -1;
		put_padded(f, &nil, "(nil)", 5);
		return;
	}
	struct cspec h = *s;
	h.hash = true;
	char cf[48];
	c_format(&h, "j", "x", cf);
	fprintf(f, cf, (uintmax_t)ptr);
}

/* The length modifier as wisp's C library should see it. BPF's long,
 * size_t and pointers are 64 bits on every target, so l, z, t and j mean
 * 64 bits even where wisp's own long is 32 (ARM, MIPS o32). */
static const char *lmod64(const char *lmod)
{
	return lmod[0] && strchr("lztj", lmod[0]) ? "ll" : lmod;
}

static void put_int(FILE *f, const struct cspec *s, const struct type *t, const uint8_t *p)
{
	uint64_t v = load_int(p, t->size, t->sign);
	const char *lmod = lmod64(s->lmod);
	char cf[48];
	switch (s->conv[0]) {
	case 'd':
	case 'i':
		c_format(s, lmod, s->conv, cf);
		put_signed(f, cf, lmod, v);
		break;
	case 'c':
		c_format(s, "", "c", cf);
		fprintf(f, cf, (int)(unsigned char)v);
		break;
	case 'p':
		put_pointer(f, s, v);
		break;
	default:
		c_format(s, lmod, s->conv, cf);
		put_unsigned(f, cf, lmod, v);
		break;
	}
}

static void put_arg(FILE *f, const struct cspec *s, const struct type *t, const uint8_t *p)
{
	char buf[TEXT_MAX];
	const char *text = buf;
	size_t n;
	if (is_int_conv(s) && t->kind == TY_INT) {
		put_int(f, s, t, p);
		return;
	}
	if (t->kind == TY_STACK || t->kind == TY_KSYM || t->kind == TY_USYM) {
		char *sym = NULL;	/* a stack may be longer than buf */
		size_t len = 0;
		FILE *m = open_memstream(&sym, &len);
		if (m) {
			sym_print(m, t, p);
			fclose(m);
			put_padded(f, s, sym, len);
		}
		free(sym);
		return;
	}
	if (s->conv[0] == 'r' && t->kind == TY_BUF)
		n = buf_text(p, t->size, s->conv[1] ? s->conv[1] : 'r', buf);
	else
		n = scalar_text(t, p, buf, &text);
	put_padded(f, s, text, n);
}

/* Literal text up to end, with "%%" printed as '%'. */
static void put_literal(FILE *f, const char *p, const char *end)
{
	while (p < end) {
		const char *pct = memchr(p, '%', end - p);
		if (!pct) {
			fwrite(p, 1, end - p, f);
			return;
		}
		fwrite(p, 1, pct + 1 - p, f);
		p = pct + (pct + 1 < end && pct[1] == '%' ? 2 : 1);
	}
}

void fmt_print(FILE *f, const char *fmt, struct type **types, const int *offs,
	       int n, const uint8_t *data)
{
	const char *p = fmt, *q;
	struct cspec s;
	for (int i = 0; (q = next_spec(p)); i++) {
		put_literal(f, p, q);
		if (!parse_spec(q, &s) || i >= n)
			fwrite(q, 1, s.len, f);	/* fmt_check let nothing like it through */
		else
			put_arg(f, &s, types[i], data + offs[i]);
		p = q + s.len;
	}
	put_literal(f, p, p + strlen(p));
}
