/* output.c - maps and events in bpftrace's text and JSON layouts.
 *
 * The layouts are bpftrace 0.17's (the one Debian 12 ships, which
 * DESIGN.md measured), checked byte for byte against it:
 *
 *   count, sum, min, max, plain values: "@m[k1, k2]: v" lines ascending by
 *     value (plain strings and tuples by key), then one "\n";
 *   avg, stats: "@m[k]: count 2, average 50, total 101" lines ascending by
 *     the average, then a blank line after the whole map;
 *   hist, lhist: "@m[k]: " (the space is bpftrace's), bucket lines, and a
 *     blank line after each histogram; histograms ascending by total count.
 *
 * An empty map prints just its trailing newline(s) in text and nothing in
 * JSON, as bpftrace does. Entries arrive already summed over CPUs in the
 * one-CPU layout of wisp.h's "Map layout".
 */
#include "wisp.h"
#include "output.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum outfmt out_format = OUT_TEXT;
FILE *out;
bool opt_folded;

static FILE *o(FILE *f)
{
	return f ? f : out ? out : stdout;
}

/* Runtime memory (print() runs again and again while tracing), so malloc
 * rather than the compiler's arena. */
static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		fatal("out of memory printing a map");
	return p;
}

/* ------------------------------------------------------------ JSON pieces */

/* bpftrace escapes '"', '\\', \n, \r, \t, and other control bytes as
 * \u00XX. Bytes from 0x80 go out as they are: bpftrace 0.17 writes them as
 * "\uffffffc3" (a sign-extension bug) which no JSON reader accepts. */
void json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"')
			fputs("\\\"", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_msg(FILE *f, const char *type, const char *text, size_t n)
{
	fprintf(f, "{\"type\": \"%s\", \"data\": ", type);
	json_str(f, text, n);
	fputs("}\n", f);
}

void json_printf(FILE *f, const char *text, size_t n)
{
	json_msg(o(f), "printf", text, n);
}

/* The text val_print makes, as a JSON string. */
static void json_quoted(FILE *f, const struct type *t, const uint8_t *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	val_print(m, t, p);
	fclose(m);
	json_str(f, buf, len);
	free(buf);
}

void json_val(FILE *f, const struct type *t, const uint8_t *data)
{
	switch (t->kind) {
	case TY_TUPLE:
		fputc('[', f);
		for (int i = 0; i < t->nelems; i++) {
			if (i)
				fputc(',', f);
			json_val(f, t->elems[i], data + t->offs[i]);
		}
		fputc(']', f);
		break;
	case TY_STR:
	case TY_BUF:
	case TY_INET:
	case TY_TSTAMP:
	case TY_STACK:
	case TY_KSYM:
	case TY_USYM:
		json_quoted(f, t, data);
		break;
	default:
		val_print(f, t, data);
	}
}

/* ------------------------------------------------------------ symbols
 *
 * Stacks and addresses are symbolised when printed, from /proc/kallsyms
 * (read on first use) and the ELF files a process maps (read while it
 * lives: see A_PIDNOTE). bpftrace's layouts: a stack is "\n" then one
 * line per frame, "        sym+off" (8 spaces), or in perf mode
 * "\tADDR sym+off (module)"; raw mode the bare addresses. An address no
 * symbol covers prints as 0x... */

static void frame_text(FILE *f, bool user, int pid, uint64_t addr, bool offset, bool perf)
{
	uint64_t off = 0;
	const char *file = NULL;
	const char *s = user ? usym_lookup(pid, addr, &off, &file) : ksym_lookup(addr, &off);
	if (!s)
		fprintf(f, "0x%" PRIx64, addr);
	else if (offset)
		fprintf(f, "%s+%" PRIu64, s, off);
	else
		fputs(s, f);
	if (perf)
		fprintf(f, " (%s)", user ? (file ? file : "[unknown]") : "[kernel.kallsyms]");
}

/* A stack's frames (innermost first) into ips; how many. 0 when the id is
 * an error the walk returned (no user stack in a kernel thread: EFAULT)
 * or the stack map lost it. */
static int stack_frames(const struct type *t, const uint8_t *data, uint64_t *ips, int *pid)
{
	static bool warned;
	uint64_t v = load_int(data, 8, false);
	int32_t id = (int32_t)(uint32_t)v;
	*pid = (int)(v >> 32);
	/* EFAULT: no stack to walk (a kernel thread's user stack): empty, as
	 * in bpftrace. Others (EEXIST: another stack holds its hash bucket,
	 * ENOMEM: the map is full) lose the stack: say so once. */
	if (id < 0 && id != -EFAULT && !warned) {
		warned = true;
		warnx_("some stacks were lost (%s): the stack map holds %d stack ids",
		       strerror(-id), WISP_STACK_ENTRIES);
	}
	if (id < 0 || !t->smap || t->smap->fd < 0)
		return 0;
	if (bpf_map_lookup(t->smap->fd, &id, ips) < 0)
		return 0;
	int n = 0;
	while (n < t->depth && ips[n])
		n++;
	return n;
}

static void stack_print(FILE *f, const struct type *t, const uint8_t *data)
{
	uint64_t ips[WISP_STACK_DEPTH];
	int pid, n = stack_frames(t, data, ips, &pid);
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		if (t->smode == STACK_RAW) {
			fprintf(f, "%" PRIx64 "\n", ips[i]);
			continue;
		}
		if (t->smode == STACK_PERF)
			fprintf(f, "\t%" PRIx64 " ", ips[i]);
		else
			fputs("        ", f);
		frame_text(f, t->ustack, pid, ips[i], true, t->smode == STACK_PERF);
		fputc('\n', f);
	}
}

void sym_print(FILE *f, const struct type *t, const uint8_t *data)
{
	switch (t->kind) {
	case TY_STACK:
		stack_print(f, t, data);
		break;
	case TY_KSYM:
		frame_text(f, false, 0, load_int(data, 8, false), false, false);
		break;
	case TY_USYM:
		frame_text(f, true, (int)load_int(data + 8, 8, false), load_int(data, 8, false),
			   false, false);
		break;
	default:
		break;
	}
}

/* -f folded: "elem;elem;root;...;leaf value", one line an entry, as flame
 * graph tools read: tuple elements in order, each stack from its
 * outermost frame in, function names without offsets. */
static void folded_elem(FILE *f, const struct type *t, const uint8_t *p)
{
	if (t->kind != TY_STACK) {
		val_print(f, t, p);
		return;
	}
	uint64_t ips[WISP_STACK_DEPTH];
	int pid, n = stack_frames(t, p, ips, &pid);
	if (!n)
		fputs("[lost]", f);
	for (int i = n - 1; i >= 0; i--) {
		frame_text(f, t->ustack, pid, ips[i], false, false);
		if (i)
			fputc(';', f);
	}
}

static bool has_stack(const struct type *k)
{
	if (!k)
		return false;
	if (k->kind == TY_STACK)
		return true;
	for (int i = 0; k->kind == TY_TUPLE && i < k->nelems; i++)
		if (k->elems[i]->kind == TY_STACK)
			return true;
	return false;
}

/* ------------------------------------------------------------ keys */

/* The elements of a key: a tuple's, or the key itself. */
static int key_nelems(const struct type *k)
{
	return k->kind == TY_TUPLE ? k->nelems : 1;
}

static const struct type *key_elem(const struct type *k, int i, const uint8_t **p)
{
	if (k->kind != TY_TUPLE)
		return k;
	*p += k->offs[i];
	return k->elems[i];
}

/* One element of a key. bpftrace prints 64-bit integer keys as signed
 * whatever their type: @[retval] shows -14, not 18446744073709551602. */
static void key_val(FILE *f, const struct type *t, const uint8_t *p)
{
	struct type s;
	if (t->kind == TY_INT && t->size == 8 && !t->sign) {
		s = *t;
		s.sign = true;
		t = &s;
	}
	val_print(f, t, p);
}

/* Text after the map's name: "[k1, k2]", nothing when the map has no keys. */
static void key_text(FILE *f, const struct type *k, const uint8_t *p)
{
	if (!k)
		return;
	fputc('[', f);
	for (int i = 0; i < key_nelems(k); i++) {
		const uint8_t *q = p;
		const struct type *t = key_elem(k, i, &q);
		if (i)
			fputs(", ", f);
		key_val(f, t, q);
	}
	fputc(']', f);
}

/* A JSON key: the elements joined by "," with no space, as one string. */
static void key_json(FILE *f, const struct type *k, const uint8_t *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	for (int i = 0; i < key_nelems(k); i++) {
		const uint8_t *q = p;
		const struct type *t = key_elem(k, i, &q);
		if (i)
			fputc(',', m);
		key_val(m, t, q);
	}
	fclose(m);
	json_str(f, buf, len);
	free(buf);
}

/* bpftrace's sort_by_key: element by element, integers as unsigned
 * numbers, strings with strncmp, anything else by its bytes. */
static int elem_cmp(const struct type *t, const uint8_t *a, const uint8_t *b)
{
	if (t->kind == TY_INT) {
		uint64_t x = load_int(a, t->size, false), y = load_int(b, t->size, false);
		return (x > y) - (x < y);
	}
	if (t->kind == TY_STR)
		return strncmp((const char *)a, (const char *)b, t->size);
	return memcmp(a, b, t->size);
}

static int key_cmp(const struct type *k, const uint8_t *a, const uint8_t *b)
{
	if (!k)
		return 0;
	for (int i = 0; i < key_nelems(k); i++) {
		const uint8_t *qa = a, *qb = b;
		const struct type *t = key_elem(k, i, &qa);
		key_elem(k, i, &qb);
		int c = elem_cmp(t, qa, qb);
		if (c)
			return c;
	}
	return 0;
}

/* ------------------------------------------------------------ sorting */

/* A line to print: an entry, a histogram (its grouped buckets) or a stats
 * value, with the number it is sorted by. */
struct row {
	const uint8_t *key, *val;
	uint64_t v;		/* as a 64-bit pattern; signed per sortctx */
	uint64_t *counts;	/* hist/lhist: the buckets */
	int idx;		/* arrival order: the last tie-break */
};

/* qsort has no context argument in C99; output is single-threaded. */
static struct {
	bool by_value, sign;
	const struct type *key;	/* ties: bpftrace's typed key order, or */
	int keysize;		/* when key is NULL: the key bytes, as the
				   std::map bpftrace groups hist/stats in */
} sc;

static int row_cmp(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	if (sc.by_value && a->v != b->v) {
		if (sc.sign)
			return (int64_t)a->v < (int64_t)b->v ? -1 : 1;
		return a->v < b->v ? -1 : 1;
	}
	int c = sc.key ? key_cmp(sc.key, a->key, b->key) : memcmp(a->key, b->key, sc.keysize);
	if (c)
		return c;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static void sort_rows(struct row *r, int n)
{
	if (n > 1)
		qsort(r, n, sizeof(*r), row_cmp);
}

/* print(@m, top): keep the top largest, still printed ascending. */
static int first_shown(int n, int64_t top)
{
	return top > 0 && n > top ? n - (int)top : 0;
}

/* ------------------------------------------------------------ shared shapes */

static void json_open(FILE *f, const char *type, const struct map *m)
{
	fprintf(f, "{\"type\": \"%s\", \"data\": {", type);
	json_str(f, m->name, strlen(m->name));
	fputs(": ", f);
	if (m->key)
		fputc('{', f);
}

static void json_close(FILE *f, const struct map *m)
{
	if (m->key)
		fputc('}', f);
	fputs("}}\n", f);
}

/* Before a JSON element: the separator and, for a keyed map, "key": . */
static void json_elem(FILE *f, const struct map *m, const uint8_t *key, bool first)
{
	if (!first)
		fputs(", ", f);
	if (m->key) {
		key_json(f, m->key, key);
		fputs(": ", f);
	}
}

/* "@m[k]: " starting a text line. */
static void text_head(FILE *f, const struct map *m, const uint8_t *key)
{
	fputs(m->name, f);
	key_text(f, m->key, key);
	fputs(": ", f);
}

static void num_print(FILE *f, uint64_t v, bool sign, int64_t div)
{
	if (sign)
		fprintf(f, "%" PRId64, (int64_t)v / div);
	else
		fprintf(f, "%" PRIu64, v / (uint64_t)div);
}

/* ------------------------------------------------------------ plain maps */

static bool is_numeric(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: case TY_COUNT: case TY_SUM: case TY_MIN: case TY_MAX:
		return true;
	default:
		return false;
	}
}

static bool num_signed(const struct type *t)
{
	return t->kind != TY_COUNT && t->sign;
}

/* The number a numeric value shows (before div). */
static uint64_t num_value(const struct type *t, const uint8_t *val)
{
	if (t->kind == TY_INT)
		return load_int(val, t->size, t->sign);
	return load_int(val, 8, num_signed(t));
}

static void plain_value(FILE *f, const struct type *t, const uint8_t *val, int64_t div)
{
	if (is_numeric(t))
		num_print(f, num_value(t, val), num_signed(t), div);
	else if (out_format == OUT_JSON)
		json_val(f, t, val);
	else
		val_print(f, t, val);
}

/* count, sum, min, max and plain values: sorted by the number when there
 * is one, else by key. min/max entries never set (zero()/clear() leave
 * set = 0) are not shown. */
static void print_plain(FILE *f, struct map *m, struct entry *e, int n, int64_t top, int64_t div)
{
	const struct type *vt = m->val;
	bool minmax = vt->kind == TY_MIN || vt->kind == TY_MAX;
	struct row *r = xcalloc(n, sizeof(*r));
	int nr = 0;
	for (int i = 0; i < n; i++) {
		if (minmax && !load_int(e[i].val + 8, 8, false))
			continue;
		r[nr].key = e[i].key;
		r[nr].val = e[i].val;
		r[nr].idx = nr;
		if (is_numeric(vt))
			r[nr].v = num_value(vt, e[i].val);
		nr++;
	}
	sc.by_value = is_numeric(vt);
	sc.sign = num_signed(vt);
	sc.key = m->key;
	sc.keysize = m->key_size;
	sort_rows(r, nr);

	int skip = first_shown(nr, top);
	if (out_format == OUT_JSON) {
		if (nr) {
			json_open(f, "map", m);
			for (int i = skip; i < nr; i++) {
				json_elem(f, m, r[i].key, i == skip);
				plain_value(f, vt, r[i].val, div);
			}
			json_close(f, m);
		}
	} else if (opt_folded && has_stack(m->key) && is_numeric(vt)) {
		for (int i = skip; i < nr; i++) {
			for (int j = 0; j < key_nelems(m->key); j++) {
				const uint8_t *q = r[i].key;
				const struct type *t = key_elem(m->key, j, &q);
				if (j)
					fputc(';', f);
				folded_elem(f, t, q);
			}
			fputc(' ', f);
			plain_value(f, vt, r[i].val, div);
			fputc('\n', f);
		}
	} else {
		for (int i = skip; i < nr; i++) {
			if (i > skip)
				fputc('\n', f);
			text_head(f, m, r[i].key);
			plain_value(f, vt, r[i].val, div);
		}
		fputc('\n', f);
	}
	free(r);
}

/* ------------------------------------------------------------ avg, stats */

static void stats_of(const uint8_t *val, int64_t *count, int64_t *total, int64_t *avg)
{
	*count = (int64_t)load_int(val, 8, true);
	*total = (int64_t)load_int(val + 8, 8, true);
	*avg = *count ? *total / *count : 0;
}

static void stats_value(FILE *f, const struct type *vt, const uint8_t *val, int64_t div)
{
	int64_t c, t, a;
	stats_of(val, &c, &t, &a);
	if (vt->kind == TY_AVG)
		fprintf(f, "%" PRId64, a / div);
	else if (out_format == OUT_JSON)
		fprintf(f, "{\"count\": %" PRId64 ", \"average\": %" PRId64 ", \"total\": %" PRId64 "}",
			c, a, t);
	else
		fprintf(f, "count %" PRId64 ", average %" PRId64 ", total %" PRId64, c, a, t);
}

/* Sorted by the average. bpftrace ignores top and div for stats() (and
 * warns at compile time) but honours them for avg(). */
static void print_stats(FILE *f, struct map *m, struct entry *e, int n, int64_t top, int64_t div)
{
	const struct type *vt = m->val;
	struct row *r = xcalloc(n, sizeof(*r));
	for (int i = 0; i < n; i++) {
		int64_t c, t, a;
		stats_of(e[i].val, &c, &t, &a);
		r[i].key = e[i].key;
		r[i].val = e[i].val;
		r[i].v = (uint64_t)a;
		r[i].idx = i;
	}
	sc.by_value = true;
	sc.sign = true;
	sc.key = NULL;
	sc.keysize = m->key_size;
	sort_rows(r, n);
	if (vt->kind == TY_STATS)
		top = 0, div = 1;

	int skip = first_shown(n, top);
	if (out_format == OUT_JSON) {
		if (n) {
			json_open(f, "stats", m);
			for (int i = skip; i < n; i++) {
				json_elem(f, m, r[i].key, i == skip);
				stats_value(f, vt, r[i].val, div);
			}
			json_close(f, m);
		}
	} else {
		for (int i = skip; i < n; i++) {
			if (i > skip)
				fputc('\n', f);
			text_head(f, m, r[i].key);
			stats_value(f, vt, r[i].val, div);
		}
		fputs("\n\n", f);
	}
	free(r);
}

/* ------------------------------------------------------------ hist, lhist */

/* Buckets of one histogram: hist 0 (< 0), 1 (0), k >= 2 for
 * [2^(k-2), 2^(k-1)) up to 2^62; lhist 0 (< min), the steps, then >= max. */
static int lhist_steps(const struct type *t)
{
	return t->lstep > 0 ? (int)((t->lmax - t->lmin) / t->lstep) : 0;
}

static int nbuckets(const struct type *t)
{
	return t->kind == TY_HIST ? 65 : lhist_steps(t) + 2;
}

/* The first and last non-empty bucket; false when all are empty. */
static bool used_range(const uint64_t *c, int nb, int *lo, int *hi)
{
	*lo = -1;
	for (int i = 0; i < nb; i++) {
		if (c[i]) {
			if (*lo < 0)
				*lo = i;
			*hi = i;
		}
	}
	return *lo >= 0;
}

/* 2^power, with K M G T P E for each 10 powers (bpftrace's labels). */
static int pow_label(char *buf, int power)
{
	static const char suffix[] = " KMGTPE";
	int d = power / 10;
	int n = sprintf(buf, "%" PRIu64, (uint64_t)1 << (power - 10 * d));
	if (d)
		buf[n++] = suffix[d], buf[n] = '\0';
	return n;
}

/* lhist bounds: K and M only where the number is a multiple of them. */
static int lnum_label(char *buf, int64_t v)
{
	if (v && v % 1048576 == 0)
		return sprintf(buf, "%" PRId64 "M", v / 1048576);
	if (v && v % 1024 == 0)
		return sprintf(buf, "%" PRId64 "K", v / 1024);
	return sprintf(buf, "%" PRId64, v);
}

static void bucket_label(char *buf, const struct type *t, int i)
{
	char a[32], b[32];
	if (t->kind == TY_HIST) {
		if (i == 0) {
			strcpy(buf, "(..., 0)");
		} else if (i == 1) {
			strcpy(buf, "[0]");
		} else if (i == 2) {
			strcpy(buf, "[1]");
		} else {
			pow_label(a, i - 2);
			pow_label(b, i - 1);
			sprintf(buf, "[%s, %s)", a, b);
		}
		return;
	}
	if (i == 0) {
		lnum_label(a, t->lmin);
		sprintf(buf, "(..., %s)", a);
	} else if (i == lhist_steps(t) + 1) {
		lnum_label(a, t->lmax);
		sprintf(buf, "[%s, ...)", a);
	} else {
		lnum_label(a, (i - 1) * t->lstep + t->lmin);
		lnum_label(b, i * t->lstep + t->lmin);
		sprintf(buf, "[%s, %s)", a, b);
	}
}

/* One bucket line: label in 16 columns, the count right-aligned in 8, and a
 * bar of count*52/max '@'s in 52. bpftrace computes the bar in float and
 * truncates; doing the same keeps huge counts' bars identical. */
static void bar_line(FILE *f, const char *label, uint64_t shown, uint64_t count, uint64_t max)
{
	int w = max ? (int)((float)count / (float)max * 52) : 0;
	fprintf(f, "%-16s%8" PRIu64 " |", label, shown);
	for (int i = 0; i < 52; i++)
		fputc(i < w ? '@' : ' ', f);
	fputs("|\n", f);
}

/* Empty buckets before the first and after the last used one are left out.
 * div divides hist counts (not the bars); bpftrace ignores it for lhist. */
static void hist_text(FILE *f, const struct type *t, const uint64_t *c, int nb, int64_t div)
{
	int lo, hi;
	uint64_t max = 0;
	if (!used_range(c, nb, &lo, &hi))
		return;
	for (int i = lo; i <= hi; i++)
		if (c[i] > max)
			max = c[i];
	for (int i = lo; i <= hi; i++) {
		char label[80];
		bucket_label(label, t, i);
		bar_line(f, label, t->kind == TY_HIST ? c[i] / (uint64_t)div : c[i], c[i], max);
	}
}

/* [{"min": 2, "max": 3, "count": 2}, ...]: the negative bucket has only
 * "max": -1, lhist's first only "max": min-1 and its last only "min": max. */
static void hist_json(FILE *f, const struct type *t, const uint64_t *c, int nb, int64_t div)
{
	int lo, hi;
	fputc('[', f);
	if (used_range(c, nb, &lo, &hi)) {
		for (int i = lo; i <= hi; i++) {
			fputs(i > lo ? ", {" : "{", f);
			if (t->kind == TY_HIST) {
				if (i == 0)
					fputs("\"max\": -1, ", f);
				else if (i == 1)
					fputs("\"min\": 0, \"max\": 0, ", f);
				else
					fprintf(f, "\"min\": %" PRIu64 ", \"max\": %" PRIu64 ", ",
						(uint64_t)1 << (i - 2), ((uint64_t)1 << (i - 1)) - 1);
				fprintf(f, "\"count\": %" PRIu64 "}", c[i] / (uint64_t)div);
				continue;
			}
			if (i == 0)
				fprintf(f, "\"max\": %" PRId64 ", ", t->lmin - 1);
			else if (i == lhist_steps(t) + 1)
				fprintf(f, "\"min\": %" PRId64 ", ", t->lmax);
			else
				fprintf(f, "\"min\": %" PRId64 ", \"max\": %" PRId64 ", ",
					(i - 1) * t->lstep + t->lmin, i * t->lstep + t->lmin - 1);
			fprintf(f, "\"count\": %" PRIu64 "}", c[i]);
		}
	}
	fputc(']', f);
}

/* Group (user key, bucket) entries into one row per user key, with its
 * buckets and total. Returns the number of groups; *counts is to be freed. */
static int group_hist(struct map *m, struct entry *e, int n, struct row *r,
		      uint64_t **counts)
{
	int ksz = m->key_size >= 8 ? m->key_size - 8 : 0;
	int nb = nbuckets(m->val), ng = 0;
	for (int i = 0; i < n; i++) {
		r[i].key = e[i].key;
		r[i].val = e[i].val;
		r[i].idx = i;
	}
	sc.by_value = false;
	sc.key = NULL;
	sc.keysize = ksz;
	sort_rows(r, n);

	int keys = 0;
	for (int i = 0; i < n; i++)
		keys += !i || memcmp(r[i - 1].key, r[i].key, ksz);
	*counts = xcalloc((size_t)(keys ? keys : 1) * nb, sizeof(uint64_t));
	for (int i = 0; i < n; i++) {
		struct row cur = r[i];	/* r[ng] may be r[i]: groups overwrite
					   the entries already read */
		if (!ng || memcmp(r[ng - 1].key, cur.key, ksz)) {
			r[ng] = cur;
			r[ng].counts = *counts + (size_t)ng * nb;
			r[ng].v = 0;
			r[ng].idx = ng;
			ng++;
		}
		struct row *g = &r[ng - 1];
		uint64_t b = m->key_size >= 8 ? load_int(cur.key + ksz, 8, false) : 0;
		uint64_t c = load_int(cur.val, 8, false);
		if (b < (uint64_t)nb) {
			g->counts[b] += c;
			g->v += c;
		}
	}
	return ng;
}

/* Histograms sorted by their total count, ties by key bytes. */
static void print_hist(FILE *f, struct map *m, struct entry *e, int n, int64_t top, int64_t div)
{
	struct row *r = xcalloc(n, sizeof(*r));
	uint64_t *counts;
	int ng = group_hist(m, e, n, r, &counts);
	int nb = nbuckets(m->val);
	sc.by_value = true;
	sc.sign = false;
	sc.key = NULL;
	sc.keysize = m->key_size >= 8 ? m->key_size - 8 : 0;
	sort_rows(r, ng);

	int skip = first_shown(ng, top);
	if (out_format == OUT_JSON) {
		if (ng) {
			json_open(f, "hist", m);
			for (int i = skip; i < ng; i++) {
				json_elem(f, m, r[i].key, i == skip);
				hist_json(f, m->val, r[i].counts, nb, div);
			}
			json_close(f, m);
		}
	} else {
		for (int i = skip; i < ng; i++) {
			if (i > skip)
				fputc('\n', f);
			text_head(f, m, r[i].key);
			fputc('\n', f);
			hist_text(f, m->val, r[i].counts, nb, div);
		}
		fputc('\n', f);
	}
	free(counts);
	free(r);
}

/* ------------------------------------------------------------ entry points */

void map_print(FILE *f, struct map *m, struct entry *e, int n, int64_t top, int64_t div)
{
	f = o(f);
	if (div < 1)
		div = 1;
	switch (m->val->kind) {
	case TY_HIST:
	case TY_LHIST:
		print_hist(f, m, e, n, top, div);
		break;
	case TY_AVG:
	case TY_STATS:
		print_stats(f, m, e, n, top, div);
		break;
	default:
		print_plain(f, m, e, n, top, div);
	}
}

void out_attached(FILE *f, int nprobes)
{
	f = o(f);
	if (out_format == OUT_JSON)
		fprintf(f, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %d}}\n", nprobes);
	else
		fprintf(f, "Attaching %d probe%s...\n", nprobes, nprobes == 1 ? "" : "s");
}

void out_lost(FILE *f, uint64_t n)
{
	f = o(f);
	if (out_format == OUT_JSON)
		fprintf(f, "{\"type\": \"lost_events\", \"data\": {\"events\": %" PRIu64 "}}\n", n);
	else
		fprintf(f, "Lost %" PRIu64 " events\n", n);
}

void out_message(FILE *f, const char *type, const char *text, size_t n)
{
	f = o(f);
	if (out_format == OUT_JSON)
		json_msg(f, type, text, n);
	else
		fwrite(text, 1, n, f);
}

void out_time(FILE *f, const char *text)
{
	out_message(f, "time", text, strlen(text));
}

void out_value(FILE *f, const struct type *t, const uint8_t *data)
{
	f = o(f);
	if (out_format == OUT_JSON) {
		fputs("{\"type\": \"value\", \"data\": ", f);
		json_val(f, t, data);
		fputs("}\n", f);
	} else {
		val_print(f, t, data);
		fputc('\n', f);
	}
}
