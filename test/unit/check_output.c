/* check_output.c - map and event layouts, text and JSON.
 *
 * Maps are built by hand as the kernel would hand them to output.c: key and
 * value bytes in native byte order, already summed over CPUs. The expected
 * histogram texts were printed by bpftrace 0.17 for the same data (the
 * program is in each test's comment); the other bars are worked out by hand
 * as floor(count * 52 / max).
 */
#include "unit.h"
#include "output.h"

/* ------------------------------------------------------------ helpers */

static uint8_t *u64s(int n, const uint64_t *v)
{
	uint8_t *p = xalloc(8 * n);
	memcpy(p, v, 8 * n);
	return p;
}

#define U64S(...) u64s(sizeof((uint64_t[]){ __VA_ARGS__ }) / 8, (uint64_t[]){ __VA_ARGS__ })

/* A string of size bytes (zero-padded) followed by ntail u64s. */
static uint8_t *str_then(const char *s, int size, int ntail, const uint64_t *tail)
{
	uint8_t *p = xalloc(size + 8 * ntail);
	memcpy(p, s, strlen(s));
	if (ntail)
		memcpy(p + size, tail, 8 * ntail);
	return p;
}

static struct type *agg(enum ty k, bool sign)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = k;
	t->sign = sign;
	t->size = (k == TY_COUNT || k == TY_SUM || k == TY_HIST || k == TY_LHIST) ? 8 : 16;
	return t;
}

static struct type *lhist_t(int64_t min, int64_t max, int64_t step)
{
	struct type *t = agg(TY_LHIST, false);
	t->lmin = min;
	t->lmax = max;
	t->lstep = step;
	return t;
}

static struct map *mk(const char *name, struct type *key, int key_size, struct type *val)
{
	struct map *m = xalloc(sizeof(*m));
	m->name = name;
	m->key = key;
	m->key_size = key_size;
	m->val = val;
	m->val_size = val->size;
	m->fd = -1;
	return m;
}

/* map_print into a string, in the given format. */
static const char *show(enum outfmt fmt, struct map *m, struct entry *e, int n,
			int64_t top, int64_t div)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	out_format = fmt;
	map_print(f, m, e, n, top, div);
	out_format = OUT_TEXT;
	fclose(f);
	const char *r = xstrdup(buf);
	free(buf);
	return r;
}

/* Long texts: on a mismatch, show where they part instead of both whole
 * (Check refuses messages of several KB). */
static void text_eq(const char *got, const char *want, int line)
{
	size_t i = 0, start;
	if (!strcmp(got, want))
		return;
	while (got[i] && got[i] == want[i])
		i++;
	for (start = i; start > 0 && want[start - 1] != '\n'; start--)
		;
	ck_abort_msg("line %d: output differs at byte %zu\n got: %.160s\nwant: %.160s",
		     line, i, got + start, want + start);
}

#define ck_text(got, want) text_eq(got, want, __LINE__)

#define TEXT(m, e, n, top, div) show(OUT_TEXT, m, e, n, top, div)
#define JSON(m, e, n, top, div) show(OUT_JSON, m, e, n, top, div)
#define NE(a) ((int)(sizeof(a) / sizeof(*(a))))

/* Entries of a map keyed by one u64, values given as u64 lists. */
static struct entry ent64(uint64_t key, uint8_t *val)
{
	return (struct entry){ U64S(key), val };
}

/* A hist entry: (user key u64, bucket) -> count. */
static struct entry hent(uint64_t key, uint64_t bucket, uint64_t count)
{
	return (struct entry){ U64S(key, bucket), U64S(count) };
}

/* A hist entry keyed by a string[64]. */
static struct entry hsent(const char *key, uint64_t bucket, uint64_t count)
{
	return (struct entry){ str_then(key, 64, 1, &bucket), U64S(count) };
}

/* ------------------------------------------------------------ count, sum */

START_TEST(scalar_count)
{
	struct map *m = mk("@x", NULL, 8, agg(TY_COUNT, false));
	struct entry e[] = { ent64(0, U64S(5)) };
	ck_text(TEXT(m, e, 1, 0, 0), "@x: 5\n");
	ck_text(JSON(m, e, 1, 0, 0), "{\"type\": \"map\", \"data\": {\"@x\": 5}}\n");
	m->name = "@";
	ck_text(TEXT(m, e, 1, 0, 0), "@: 5\n");
}
END_TEST

/* BEGIN { @c[3] = count(); @c[1] = count(); @c[2] = count(); @c[2] = count();
 *         @c[5] = count(); @c[5] = count(); @c[5] = count(); print(@c, 2, 2); } */
START_TEST(keyed_count_sorted)
{
	struct map *m = mk("@c", type_int(8, true), 8, agg(TY_COUNT, false));
	struct entry e[] = {
		ent64(5, U64S(3)), ent64(3, U64S(1)), ent64(2, U64S(2)), ent64(1, U64S(1)),
	};
	/* ascending by value; the tie 1/3 in key order */
	ck_text(TEXT(m, e, NE(e), 0, 0),
			 "@c[1]: 1\n@c[3]: 1\n@c[2]: 2\n@c[5]: 3\n");
	ck_text(TEXT(m, e, NE(e), 2, 2), "@c[2]: 1\n@c[5]: 1\n");
	ck_text(TEXT(m, e, NE(e), 10, 0),
			 "@c[1]: 1\n@c[3]: 1\n@c[2]: 2\n@c[5]: 3\n");
	ck_text(JSON(m, e, NE(e), 2, 2),
			 "{\"type\": \"map\", \"data\": {\"@c\": {\"2\": 1, \"5\": 1}}}\n");
}
END_TEST

/* Integer keys tie-break as unsigned numbers, as bpftrace's sort_by_key:
 * 0, 1, then -1. */
START_TEST(int_keys_unsigned_order)
{
	struct map *m = mk("@c", type_int(8, true), 8, agg(TY_COUNT, false));
	struct entry e[] = { ent64(-1, U64S(1)), ent64(1, U64S(1)), ent64(0, U64S(1)) };
	ck_text(TEXT(m, e, NE(e), 0, 0), "@c[0]: 1\n@c[1]: 1\n@c[-1]: 1\n");
}
END_TEST

/* BEGIN { @mk["workload", 7] = count(); @mk["workload", 7] = count();
 *         @mk["zz", 1] = count(); } */
START_TEST(multi_key_tuple)
{
	struct type *el[] = { type_str(16), type_int(8, true) };
	struct type *k = type_tuple(el, 2);
	struct map *m = mk("@mk", k, k->size, agg(TY_COUNT, false));
	uint64_t seven = 7, one = 1;
	struct entry e[] = {
		{ str_then("workload", 16, 1, &seven), U64S(2) },
		{ str_then("zz", 16, 1, &one), U64S(1) },
	};
	ck_assert_int_eq(k->size, 24);
	ck_text(TEXT(m, e, 2, 0, 0), "@mk[zz, 1]: 1\n@mk[workload, 7]: 2\n");
	ck_text(JSON(m, e, 2, 0, 0),
			 "{\"type\": \"map\", \"data\": {\"@mk\": {\"zz,1\": 1, \"workload,7\": 2}}}\n");
}
END_TEST

START_TEST(sum_signed)
{
	struct map *m = mk("@sm", NULL, 8, agg(TY_SUM, true));
	struct entry e[] = { ent64(0, U64S(-7)) };
	ck_text(TEXT(m, e, 1, 0, 0), "@sm: -7\n");
	ck_text(TEXT(m, e, 1, 0, 2), "@sm: -3\n");	/* C truncation */
	ck_text(JSON(m, e, 1, 0, 0), "{\"type\": \"map\", \"data\": {\"@sm\": -7}}\n");

	struct map *k = mk("@su", type_int(8, true), 8, agg(TY_SUM, true));
	struct entry f[] = { ent64(2, U64S(1)), ent64(1, U64S(-3)) };
	ck_text(TEXT(k, f, 2, 0, 0), "@su[1]: -3\n@su[2]: 1\n");

	/* unsigned: a huge sum is not negative */
	struct map *u = mk("@su", NULL, 8, agg(TY_SUM, false));
	ck_text(TEXT(u, e, 1, 0, 0), "@su: 18446744073709551609\n");
}
END_TEST

/* BEGIN { @mn[1] = min(-5); @mn[2] = min(3); @mn[3] = min(-100);
 *         @mx[1] = max(7); @mx[2] = max(-2); @mx[3] = max(100);
 *         print(@mn, 2, 2); print(@mx, 2, 2); } */
START_TEST(min_max)
{
	struct map *mn = mk("@mn", type_int(8, true), 8, agg(TY_MIN, true));
	struct entry e[] = {
		ent64(1, U64S(-5, 1)), ent64(2, U64S(3, 1)), ent64(3, U64S(-100, 1)),
		ent64(4, U64S(0, 0)),	/* never set: not shown */
	};
	ck_text(TEXT(mn, e, NE(e), 0, 0), "@mn[3]: -100\n@mn[1]: -5\n@mn[2]: 3\n");
	ck_text(TEXT(mn, e, NE(e), 2, 2), "@mn[1]: -2\n@mn[2]: 1\n");
	ck_text(JSON(mn, e, NE(e), 2, 2),
			 "{\"type\": \"map\", \"data\": {\"@mn\": {\"1\": -2, \"2\": 1}}}\n");

	struct map *mx = mk("@mx", type_int(8, true), 8, agg(TY_MAX, true));
	struct entry f[] = { ent64(1, U64S(7, 1)), ent64(2, U64S(-2, 1)), ent64(3, U64S(100, 1)) };
	ck_text(TEXT(mx, f, 3, 2, 2), "@mx[1]: 3\n@mx[3]: 50\n");

	/* only unset entries: an empty map */
	ck_text(TEXT(mn, e + 3, 1, 0, 0), "\n");
	ck_text(JSON(mn, e + 3, 1, 0, 0), "");
}
END_TEST

/* ------------------------------------------------------------ avg, stats */

/* BEGIN { @a = avg(-5); @a = avg(2); } prints "@a: -1" and a blank line. */
START_TEST(avg_negative)
{
	struct map *m = mk("@a", NULL, 8, agg(TY_AVG, true));
	struct entry e[] = { ent64(0, U64S(2, -3)) };
	ck_text(TEXT(m, e, 1, 0, 0), "@a: -1\n\n");
	ck_text(JSON(m, e, 1, 0, 0), "{\"type\": \"stats\", \"data\": {\"@a\": -1}}\n");
}
END_TEST

/* BEGIN { @ak[1] = avg(50); @ak[2] = avg(-100); @ak[3] = avg(7); print(@ak, 2, 3); } */
START_TEST(avg_keyed_top_div)
{
	struct map *m = mk("@ak", type_int(8, true), 8, agg(TY_AVG, true));
	struct entry e[] = {
		ent64(1, U64S(1, 50)), ent64(2, U64S(1, -100)), ent64(3, U64S(1, 7)),
	};
	ck_text(TEXT(m, e, 3, 0, 0), "@ak[2]: -100\n@ak[3]: 7\n@ak[1]: 50\n\n");
	ck_text(TEXT(m, e, 3, 2, 3), "@ak[3]: 2\n@ak[1]: 16\n\n");
	ck_text(JSON(m, e, 3, 2, 3),
			 "{\"type\": \"stats\", \"data\": {\"@ak\": {\"3\": 2, \"1\": 16}}}\n");
}
END_TEST

/* BEGIN { @sk[1] = stats(5); @sk[2] = stats(100); @sk[2] = stats(1);
 *         @sk[3] = stats(-7); print(@sk, 1, 2); } -- top and div ignored */
START_TEST(stats_keyed)
{
	struct map *m = mk("@sk", type_int(8, true), 8, agg(TY_STATS, true));
	struct entry e[] = {
		ent64(2, U64S(2, 101)), ent64(1, U64S(1, 5)), ent64(3, U64S(1, -7)),
	};
	const char *want =
		"@sk[3]: count 1, average -7, total -7\n"
		"@sk[1]: count 1, average 5, total 5\n"
		"@sk[2]: count 2, average 50, total 101\n"
		"\n";
	ck_text(TEXT(m, e, 3, 0, 0), want);
	ck_text(TEXT(m, e, 3, 1, 2), want);
	ck_text(JSON(m, e, 3, 1, 2),
			 "{\"type\": \"stats\", \"data\": {\"@sk\": {"
			 "\"3\": {\"count\": 1, \"average\": -7, \"total\": -7}, "
			 "\"1\": {\"count\": 1, \"average\": 5, \"total\": 5}, "
			 "\"2\": {\"count\": 2, \"average\": 50, \"total\": 101}}}}\n");
}
END_TEST

START_TEST(stats_scalar)
{
	struct map *m = mk("@st", NULL, 8, agg(TY_STATS, true));
	struct entry e[] = { ent64(0, U64S(15, 35503)) };
	ck_text(TEXT(m, e, 1, 0, 0), "@st: count 15, average 2366, total 35503\n\n");
	ck_text(JSON(m, e, 1, 0, 0),
			 "{\"type\": \"stats\", \"data\": {\"@st\": "
			 "{\"count\": 15, \"average\": 2366, \"total\": 35503}}}\n");
	/* zeroed: no division by zero */
	struct entry z[] = { ent64(0, U64S(0, 0)) };
	ck_text(TEXT(m, z, 1, 0, 0), "@st: count 0, average 0, total 0\n\n");
}
END_TEST

/* ------------------------------------------------------------ empty maps */

START_TEST(empty_maps)
{
	struct map *c = mk("@c", type_int(8, true), 8, agg(TY_COUNT, false));
	struct map *s = mk("@s", NULL, 8, agg(TY_STATS, true));
	struct map *h = mk("@h", NULL, 8, agg(TY_HIST, false));
	ck_text(TEXT(c, NULL, 0, 0, 0), "\n");
	ck_text(TEXT(s, NULL, 0, 0, 0), "\n\n");
	ck_text(TEXT(h, NULL, 0, 0, 0), "\n");
	ck_text(JSON(c, NULL, 0, 0, 0), "");
	ck_text(JSON(s, NULL, 0, 0, 0), "");
	ck_text(JSON(h, NULL, 0, 0, 0), "");
}
END_TEST

/* ------------------------------------------------------------ plain values */

START_TEST(plain_values)
{
	struct map *s = mk("@str", NULL, 8, type_str(64));
	struct entry e[] = { { U64S(0), str_then("hello", 64, 0, NULL) } };
	ck_text(TEXT(s, e, 1, 0, 0), "@str: hello\n");
	ck_text(JSON(s, e, 1, 0, 0), "{\"type\": \"map\", \"data\": {\"@str\": \"hello\"}}\n");

	struct type *el[] = { type_int(8, true), type_str(8), type_int(8, true) };
	struct type *tt = type_tuple(el, 3);
	uint8_t *tv = xalloc(tt->size);
	int64_t one = 1, m3 = -3;
	memcpy(tv + tt->offs[0], &one, 8);
	memcpy(tv + tt->offs[1], "two", 3);
	memcpy(tv + tt->offs[2], &m3, 8);
	struct map *t = mk("@t", NULL, 8, tt);
	struct entry f[] = { { U64S(0), tv } };
	ck_text(TEXT(t, f, 1, 0, 0), "@t: (1, two, -3)\n");
	ck_text(JSON(t, f, 1, 0, 0), "{\"type\": \"map\", \"data\": {\"@t\": [1,\"two\",-3]}}\n");
}
END_TEST

/* BEGIN { @kv[-1] = "a"; @kv[1] = "b"; @kv[0] = "c"; } -- by key, unsigned */
START_TEST(string_values_by_key)
{
	struct map *m = mk("@kv", type_int(8, true), 8, type_str(64));
	struct entry e[] = {
		{ U64S(-1), str_then("a", 64, 0, NULL) },
		{ U64S(1), str_then("b", 64, 0, NULL) },
		{ U64S(0), str_then("c", 64, 0, NULL) },
	};
	ck_text(TEXT(m, e, 3, 0, 0), "@kv[0]: c\n@kv[1]: b\n@kv[-1]: a\n");
	ck_text(TEXT(m, e, 3, 2, 0), "@kv[1]: b\n@kv[-1]: a\n");
	ck_text(JSON(m, e, 3, 0, 0),
			 "{\"type\": \"map\", \"data\": {\"@kv\": {\"0\": \"c\", \"1\": \"b\", \"-1\": \"a\"}}}\n");
}
END_TEST

/* BEGIN { @s["b"] = "x"; @s["a"] = "y"; @s["c"] = "a"; print(@s, 2);
 *         @sv[5, "b"] = "q"; @sv[5, "a"] = "r"; @sv[1, "z"] = "s"; } */
START_TEST(string_keys_order)
{
	struct map *m = mk("@s", type_str(64), 64, type_str(64));
	struct entry e[] = {
		{ str_then("b", 64, 0, NULL), str_then("x", 64, 0, NULL) },
		{ str_then("a", 64, 0, NULL), str_then("y", 64, 0, NULL) },
		{ str_then("c", 64, 0, NULL), str_then("a", 64, 0, NULL) },
	};
	ck_text(TEXT(m, e, 3, 0, 0), "@s[a]: y\n@s[b]: x\n@s[c]: a\n");
	ck_text(TEXT(m, e, 3, 2, 0), "@s[b]: x\n@s[c]: a\n");

	struct type *el[] = { type_int(8, true), type_str(8) };
	struct type *k = type_tuple(el, 2);
	struct map *t = mk("@sv", k, k->size, type_str(8));
	uint8_t *k1 = xalloc(16), *k2 = xalloc(16), *k3 = xalloc(16);
	k1[0] = 5, k1[8] = 'b';
	k2[0] = 5, k2[8] = 'a';
	k3[0] = 1, k3[8] = 'z';
	struct entry f[] = {
		{ k1, (uint8_t *)"q\0\0\0\0\0\0" }, { k2, (uint8_t *)"r\0\0\0\0\0\0" },
		{ k3, (uint8_t *)"s\0\0\0\0\0\0" },
	};
	ck_text(TEXT(t, f, 3, 0, 0), "@sv[1, z]: s\n@sv[5, a]: r\n@sv[5, b]: q\n");
	ck_text(JSON(t, f, 3, 0, 0),
			 "{\"type\": \"map\", \"data\": {\"@sv\": {\"1,z\": \"s\", \"5,a\": \"r\", \"5,b\": \"q\"}}}\n");
}
END_TEST

/* BEGIN { @v[2] = -5; @v[1] = 3; @v[3] = -100;
 *         @u8[(uint8)3] = (int8)-3; @u8[(uint8)1] = (int8)5; } */
START_TEST(int_values)
{
	struct map *m = mk("@v", type_int(8, true), 8, type_int(8, true));
	struct entry e[] = { ent64(2, U64S(-5)), ent64(1, U64S(3)), ent64(3, U64S(-100)) };
	ck_text(TEXT(m, e, 3, 0, 0), "@v[3]: -100\n@v[2]: -5\n@v[1]: 3\n");
	ck_text(JSON(m, e, 3, 0, 0),
			 "{\"type\": \"map\", \"data\": {\"@v\": {\"3\": -100, \"2\": -5, \"1\": 3}}}\n");

	struct map *s = mk("@u8", type_int(1, false), 1, type_int(1, true));
	uint8_t k3 = 3, k1 = 1, vm3 = (uint8_t)-3, v5 = 5;
	struct entry f[] = { { &k1, &v5 }, { &k3, &vm3 } };
	ck_text(TEXT(s, f, 2, 0, 0), "@u8[3]: -3\n@u8[1]: 5\n");
}
END_TEST

/* BEGIN { @ks["a\"b\\c\n"] = count(); } */
START_TEST(json_key_escaped)
{
	struct map *m = mk("@ks", type_str(64), 64, agg(TY_COUNT, false));
	struct entry e[] = { { str_then("a\"b\\c\n", 64, 0, NULL), U64S(1) } };
	ck_text(TEXT(m, e, 1, 0, 0), "@ks[a\"b\\c\n]: 1\n");
	ck_text(JSON(m, e, 1, 0, 0),
			 "{\"type\": \"map\", \"data\": {\"@ks\": {\"a\\\"b\\\\c\\n\": 1}}}\n");
}
END_TEST

/* ------------------------------------------------------------ hist */

/* BEGIN { @h = hist(-1); @h = hist(0); @h = hist(1); @h = hist(5);
 *         @h = hist(1024); @h = hist(1500000); } */
START_TEST(hist_powers)
{
	/* no user key: the key is the bucket index alone */
	struct map *m = mk("@h", NULL, 8, agg(TY_HIST, false));
	struct entry e[] = {
		{ U64S(22), U64S(1) }, { U64S(0), U64S(1) }, { U64S(1), U64S(1) },
		{ U64S(2), U64S(1) }, { U64S(4), U64S(1) }, { U64S(12), U64S(1) },
	};
	ck_text(TEXT(m, e, NE(e), 0, 0),
			 "@h: \n"
			 "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[2, 4)                 0 |                                                    |\n"
			 "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[8, 16)                0 |                                                    |\n"
			 "[16, 32)               0 |                                                    |\n"
			 "[32, 64)               0 |                                                    |\n"
			 "[64, 128)              0 |                                                    |\n"
			 "[128, 256)             0 |                                                    |\n"
			 "[256, 512)             0 |                                                    |\n"
			 "[512, 1K)              0 |                                                    |\n"
			 "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[2K, 4K)               0 |                                                    |\n"
			 "[4K, 8K)               0 |                                                    |\n"
			 "[8K, 16K)              0 |                                                    |\n"
			 "[16K, 32K)             0 |                                                    |\n"
			 "[32K, 64K)             0 |                                                    |\n"
			 "[64K, 128K)            0 |                                                    |\n"
			 "[128K, 256K)           0 |                                                    |\n"
			 "[256K, 512K)           0 |                                                    |\n"
			 "[512K, 1M)             0 |                                                    |\n"
			 "[1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
	ck_text(JSON(m, e, NE(e), 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 0, \"count\": 1}, {\"min\": 1, \"max\": 1, \"count\": 1}, {\"min\": 2, \"max\": 3, \"count\": 0}, {\"min\": 4, \"max\": 7, \"count\": 1}, {\"min\": 8, \"max\": 15, \"count\": 0}, {\"min\": 16, \"max\": 31, \"count\": 0}, {\"min\": 32, \"max\": 63, \"count\": 0}, {\"min\": 64, \"max\": 127, \"count\": 0}, {\"min\": 128, \"max\": 255, \"count\": 0}, {\"min\": 256, \"max\": 511, \"count\": 0}, {\"min\": 512, \"max\": 1023, \"count\": 0}, {\"min\": 1024, \"max\": 2047, \"count\": 1}, {\"min\": 2048, \"max\": 4095, \"count\": 0}, {\"min\": 4096, \"max\": 8191, \"count\": 0}, {\"min\": 8192, \"max\": 16383, \"count\": 0}, {\"min\": 16384, \"max\": 32767, \"count\": 0}, {\"min\": 32768, \"max\": 65535, \"count\": 0}, {\"min\": 65536, \"max\": 131071, \"count\": 0}, {\"min\": 131072, \"max\": 262143, \"count\": 0}, {\"min\": 262144, \"max\": 524287, \"count\": 0}, {\"min\": 524288, \"max\": 1048575, \"count\": 0}, {\"min\": 1048576, \"max\": 2097151, \"count\": 1}]}}\n");
}
END_TEST

/* BEGIN { 2, 2, 3 -> [2, 4); 5 x5, 6, 7 -> [4, 8); 20, 31 -> [16, 32);
 *         600 -> [512, 1K) }: bars 22, 52, 14 and 7 of 52. */
START_TEST(hist_bars_gap)
{
	/* user key u64 0 then the bucket: both layouts decode the same */
	struct map *m = mk("@h2", NULL, 16, agg(TY_HIST, false));
	struct entry e[] = { hent(0, 3, 3), hent(0, 4, 7), hent(0, 6, 2), hent(0, 11, 1) };
	ck_text(TEXT(m, e, NE(e), 0, 0),
			 "@h2: \n"
			 "[2, 4)                 3 |@@@@@@@@@@@@@@@@@@@@@@                              |\n"
			 "[4, 8)                 7 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[8, 16)                0 |                                                    |\n"
			 "[16, 32)               2 |@@@@@@@@@@@@@@                                      |\n"
			 "[32, 64)               0 |                                                    |\n"
			 "[64, 128)              0 |                                                    |\n"
			 "[128, 256)             0 |                                                    |\n"
			 "[256, 512)             0 |                                                    |\n"
			 "[512, 1K)              1 |@@@@@@@                                             |\n"
			 "\n");
	ck_text(JSON(m, e, NE(e), 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@h2\": [{\"min\": 2, \"max\": 3, \"count\": 3}, {\"min\": 4, \"max\": 7, \"count\": 7}, {\"min\": 8, \"max\": 15, \"count\": 0}, {\"min\": 16, \"max\": 31, \"count\": 2}, {\"min\": 32, \"max\": 63, \"count\": 0}, {\"min\": 64, \"max\": 127, \"count\": 0}, {\"min\": 128, \"max\": 255, \"count\": 0}, {\"min\": 256, \"max\": 511, \"count\": 0}, {\"min\": 512, \"max\": 1023, \"count\": 1}]}}\n");
	/* div divides the counts, not the bars */
	ck_text(TEXT(m, e, 1, 0, 2),
			 "@h2: \n"
			 "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
}
END_TEST

/* The top buckets: 2^62 (the last) and labels with E; a zeroed histogram
 * prints its header alone. */
START_TEST(hist_edges)
{
	struct map *m = mk("@h", NULL, 8, agg(TY_HIST, false));
	struct entry e[] = { { U64S(64), U64S(1) }, { U64S(63), U64S(4) } };
	ck_text(TEXT(m, e, 2, 0, 0),
			 "@h: \n"
			 "[2E, 4E)               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[4E, 8E)               1 |@@@@@@@@@@@@@                                       |\n"
			 "\n");
	ck_text(JSON(m, e, 2, 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@h\": ["
			 "{\"min\": 2305843009213693952, \"max\": 4611686018427387903, \"count\": 4}, "
			 "{\"min\": 4611686018427387904, \"max\": 9223372036854775807, \"count\": 1}]}}\n");

	struct entry z[] = { { U64S(5), U64S(0) } };
	ck_text(TEXT(m, z, 1, 0, 0), "@h: \n\n");
	ck_text(JSON(m, z, 1, 0, 0), "{\"type\": \"hist\", \"data\": {\"@h\": []}}\n");
}
END_TEST

/* BEGIN { @hk["z"] = hist(5); @hk["y"] = hist(5); @hk["y"] = hist(5);
 *         @hk["a"] = hist(100) x3; @hk["b"] = hist(1);
 *         print(@hk); print(@hk, 2, 2); }
 * Ordered by total count; the tie b/z by key. */
START_TEST(hist_keyed)
{
	struct map *m = mk("@hk", type_str(64), 72, agg(TY_HIST, false));
	struct entry e[] = {
		hsent("a", 8, 3), hsent("y", 4, 2), hsent("z", 4, 1), hsent("b", 2, 1),
	};
	ck_text(TEXT(m, e, NE(e), 0, 0),
			 "@hk[b]: \n"
			 "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n"
			 "@hk[z]: \n"
			 "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n"
			 "@hk[y]: \n"
			 "[4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n"
			 "@hk[a]: \n"
			 "[64, 128)              3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
	ck_text(TEXT(m, e, NE(e), 2, 2),
			 "@hk[y]: \n"
			 "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n"
			 "@hk[a]: \n"
			 "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
	ck_text(JSON(m, e, NE(e), 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@hk\": {\"b\": [{\"min\": 1, \"max\": 1, \"count\": 1}], \"z\": [{\"min\": 4, \"max\": 7, \"count\": 1}], \"y\": [{\"min\": 4, \"max\": 7, \"count\": 2}], \"a\": [{\"min\": 64, \"max\": 127, \"count\": 3}]}}}\n");
	ck_text(JSON(m, e, NE(e), 2, 2),
			 "{\"type\": \"hist\", \"data\": {\"@hk\": {\"y\": [{\"min\": 4, \"max\": 7, \"count\": 1}], \"a\": [{\"min\": 64, \"max\": 127, \"count\": 1}]}}}\n");
}
END_TEST

/* Several buckets of one key among others' entries, in any order. */
START_TEST(hist_keyed_grouping)
{
	struct map *m = mk("@h", type_int(8, false), 16, agg(TY_HIST, false));
	struct entry e[] = {
		hent(7, 3, 1), hent(9, 2, 5), hent(7, 5, 2), hent(9, 4, 1), hent(7, 4, 1),
	};
	ck_text(TEXT(m, e, NE(e), 0, 0),
			 "@h[7]: \n"
			 "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
			 "[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
			 "[8, 16)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n"
			 "@h[9]: \n"
			 "[1]                    5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[2, 4)                 0 |                                                    |\n"
			 "[4, 8)                 1 |@@@@@@@@@@                                          |\n"
			 "\n");
}
END_TEST

/* ------------------------------------------------------------ lhist */

/* BEGIN { @l = lhist(-5, 0, 100, 10); @l = lhist(15, 0, 100, 10) x2;
 *         @l = lhist(250, 0, 100, 10); print(@l); print(@l, 0, 2); }
 * bpftrace ignores div for lhist. */
START_TEST(lhist_below_above)
{
	struct map *m = mk("@l", NULL, 8, lhist_t(0, 100, 10));
	struct entry e[] = { { U64S(0), U64S(1) }, { U64S(2), U64S(2) }, { U64S(11), U64S(1) } };
	const char *want =
			 "@l: \n"
			 "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
			 "[0, 10)                0 |                                                    |\n"
			 "[10, 20)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[20, 30)               0 |                                                    |\n"
			 "[30, 40)               0 |                                                    |\n"
			 "[40, 50)               0 |                                                    |\n"
			 "[50, 60)               0 |                                                    |\n"
			 "[60, 70)               0 |                                                    |\n"
			 "[70, 80)               0 |                                                    |\n"
			 "[80, 90)               0 |                                                    |\n"
			 "[90, 100)              0 |                                                    |\n"
			 "[100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
			 "\n";
	ck_text(TEXT(m, e, 3, 0, 0), want);
	ck_text(TEXT(m, e, 3, 0, 2), want);
	ck_text(JSON(m, e, 3, 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@l\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 9, \"count\": 0}, {\"min\": 10, \"max\": 19, \"count\": 2}, {\"min\": 20, \"max\": 29, \"count\": 0}, {\"min\": 30, \"max\": 39, \"count\": 0}, {\"min\": 40, \"max\": 49, \"count\": 0}, {\"min\": 50, \"max\": 59, \"count\": 0}, {\"min\": 60, \"max\": 69, \"count\": 0}, {\"min\": 70, \"max\": 79, \"count\": 0}, {\"min\": 80, \"max\": 89, \"count\": 0}, {\"min\": 90, \"max\": 99, \"count\": 0}, {\"min\": 100, \"count\": 1}]}}\n");
}
END_TEST

/* BEGIN { @lk = lhist(1000, 1024, 4096, 1024); @lk = lhist(5000, ...);
 *         @lk = lhist(2047, ...); }: K on multiples of 1024. */
START_TEST(lhist_k_labels)
{
	struct map *m = mk("@lk", NULL, 8, lhist_t(1024, 4096, 1024));
	struct entry e[] = { { U64S(4), U64S(1) }, { U64S(0), U64S(1) }, { U64S(1), U64S(1) } };
	ck_text(TEXT(m, e, 3, 0, 0),
			 "@lk: \n"
			 "(..., 1K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "[2K, 3K)               0 |                                                    |\n"
			 "[3K, 4K)               0 |                                                    |\n"
			 "[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
	ck_text(JSON(m, e, 3, 0, 0),
			 "{\"type\": \"hist\", \"data\": {\"@lk\": [{\"max\": 1023, \"count\": 1}, {\"min\": 1024, \"max\": 2047, \"count\": 1}, {\"min\": 2048, \"max\": 3071, \"count\": 0}, {\"min\": 3072, \"max\": 4095, \"count\": 0}, {\"min\": 4096, \"count\": 1}]}}\n");
}
END_TEST

START_TEST(lhist_m_labels)
{
	struct map *m = mk("@l2", NULL, 8, lhist_t(0, 4194304, 1048576));
	struct entry e[] = { { U64S(1), U64S(1) }, { U64S(4), U64S(3) } };
	ck_text(TEXT(m, e, 2, 0, 0),
			 "@l2: \n"
			 "[0, 1M)                1 |@@@@@@@@@@@@@@@@@                                   |\n"
			 "[1M, 2M)               0 |                                                    |\n"
			 "[2M, 3M)               0 |                                                    |\n"
			 "[3M, 4M)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
			 "\n");
}
END_TEST

/* ------------------------------------------------------------ JSON, events */

static const char *capture(void (*fn)(FILE *, void *), void *arg, enum outfmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	out_format = fmt;
	fn(f, arg);
	out_format = OUT_TEXT;
	fclose(f);
	const char *r = xstrdup(buf);
	free(buf);
	return r;
}

static void do_json_str(FILE *f, void *arg)
{
	const char *s = arg;
	json_str(f, s, strlen(s) + 1);	/* the NUL too */
}

START_TEST(json_escapes)
{
	ck_text(capture(do_json_str, "a\"b\\c\n\t\r\x01\x1f\x7f/\xc3\xa9", OUT_TEXT),
			 "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\x7f/\xc3\xa9\\u0000\"");
}
END_TEST

static void do_printf(FILE *f, void *arg)
{
	json_printf(f, arg, strlen(arg));
}

START_TEST(json_printf_shape)
{
	ck_text(capture(do_printf, "x \"1\"\n", OUT_TEXT),
			 "{\"type\": \"printf\", \"data\": \"x \\\"1\\\"\\n\"}\n");
}
END_TEST

static void do_attached(FILE *f, void *arg)
{
	out_attached(f, *(int *)arg);
}

static void do_lost(FILE *f, void *arg)
{
	out_lost(f, *(uint64_t *)arg);
}

static void do_time(FILE *f, void *arg)
{
	out_time(f, arg);
}

static void do_cat(FILE *f, void *arg)
{
	out_message(f, "cat", arg, strlen(arg));
}

START_TEST(events)
{
	int one = 1, three = 3;
	uint64_t lost = 42;
	ck_text(capture(do_attached, &one, OUT_TEXT), "Attaching 1 probe...\n");
	ck_text(capture(do_attached, &three, OUT_TEXT), "Attaching 3 probes...\n");
	ck_text(capture(do_attached, &three, OUT_JSON),
			 "{\"type\": \"attached_probes\", \"data\": {\"probes\": 3}}\n");
	ck_text(capture(do_lost, &lost, OUT_TEXT), "Lost 42 events\n");
	ck_text(capture(do_lost, &lost, OUT_JSON),
			 "{\"type\": \"lost_events\", \"data\": {\"events\": 42}}\n");
	ck_text(capture(do_time, "04:28:36\n", OUT_TEXT), "04:28:36\n");
	ck_text(capture(do_time, "04:28:36\n", OUT_JSON),
			 "{\"type\": \"time\", \"data\": \"04:28:36\\n\"}\n");
	ck_text(capture(do_cat, "line\n", OUT_TEXT), "line\n");
	ck_text(capture(do_cat, "line\n", OUT_JSON),
			 "{\"type\": \"cat\", \"data\": \"line\\n\"}\n");
}
END_TEST

struct tv {
	const struct type *t;
	const uint8_t *p;
};

static void do_value(FILE *f, void *arg)
{
	struct tv *v = arg;
	out_value(f, v->t, v->p);
}

/* BEGIN { print(5); print("str"); print((1, "a", (int8)-2)); } */
START_TEST(value_shapes)
{
	struct tv i = { type_int(8, true), U64S(5) };
	struct tv s = { type_str(64), str_then("str", 64, 0, NULL) };
	struct type *el[] = { type_int(8, true), type_str(4), type_int(1, true) };
	struct type *tt = type_tuple(el, 3);
	uint8_t *tb = xalloc(tt->size);
	tb[0] = 1;
	tb[8] = 'a';
	tb[12] = (uint8_t)-2;
	struct tv t = { tt, tb };
	ck_assert_int_eq(tt->offs[2], 12);
	ck_text(capture(do_value, &i, OUT_TEXT), "5\n");
	ck_text(capture(do_value, &s, OUT_TEXT), "str\n");
	ck_text(capture(do_value, &t, OUT_TEXT), "(1, a, -2)\n");
	ck_text(capture(do_value, &i, OUT_JSON), "{\"type\": \"value\", \"data\": 5}\n");
	ck_text(capture(do_value, &s, OUT_JSON), "{\"type\": \"value\", \"data\": \"str\"}\n");
	ck_text(capture(do_value, &t, OUT_JSON),
			 "{\"type\": \"value\", \"data\": [1,\"a\",-2]}\n");
}
END_TEST

/* A NULL FILE writes to `out`. */
START_TEST(null_file_uses_out)
{
	char *buf = NULL;
	size_t len = 0;
	out = open_memstream(&buf, &len);
	out_attached(NULL, 2);
	fclose(out);
	out = NULL;
	ck_text(buf, "Attaching 2 probes...\n");
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");
	tcase_add_test(tc, scalar_count);
	tcase_add_test(tc, keyed_count_sorted);
	tcase_add_test(tc, int_keys_unsigned_order);
	tcase_add_test(tc, multi_key_tuple);
	tcase_add_test(tc, sum_signed);
	tcase_add_test(tc, min_max);
	tcase_add_test(tc, avg_negative);
	tcase_add_test(tc, avg_keyed_top_div);
	tcase_add_test(tc, stats_keyed);
	tcase_add_test(tc, stats_scalar);
	tcase_add_test(tc, empty_maps);
	tcase_add_test(tc, plain_values);
	tcase_add_test(tc, string_values_by_key);
	tcase_add_test(tc, string_keys_order);
	tcase_add_test(tc, int_values);
	tcase_add_test(tc, json_key_escaped);
	tcase_add_test(tc, hist_powers);
	tcase_add_test(tc, hist_bars_gap);
	tcase_add_test(tc, hist_edges);
	tcase_add_test(tc, hist_keyed);
	tcase_add_test(tc, hist_keyed_grouping);
	tcase_add_test(tc, lhist_below_above);
	tcase_add_test(tc, lhist_k_labels);
	tcase_add_test(tc, lhist_m_labels);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_printf_shape);
	tcase_add_test(tc, events);
	tcase_add_test(tc, value_shapes);
	tcase_add_test(tc, null_file_uses_out);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
