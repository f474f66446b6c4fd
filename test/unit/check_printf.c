/* check_printf.c - printf formats: fmt_check's verdicts and fmt_print's text.
 *
 * A record is built by hand as the BPF program would send it: arguments at
 * 8-byte aligned offsets, integers in native byte order with their own size.
 * Expected texts for integers follow C (and bpftrace, which casts to the
 * specifier's type): "%d" is an int, "%ld" a long, "%hhx" an unsigned char.
 */
#include "unit.h"
#include "output.h"
#include <sys/socket.h>
#include <time.h>

/* ------------------------------------------------------------ records */

struct rec {
	uint8_t data[2048];
	int offs[8];
	struct type *types[8];
	int n, size;
};

static uint8_t *rec_add(struct rec *r, struct type *t)
{
	r->size = (r->size + 7) / 8 * 8;
	r->offs[r->n] = r->size;
	r->types[r->n++] = t;
	r->size += t->size;
	ck_assert_int_le(r->size, (int)sizeof(r->data));
	return r->data + r->offs[r->n - 1];
}

static void rec_int(struct rec *r, int size, bool sign, int64_t v)
{
	uint8_t *p = rec_add(r, type_int(size, sign));
	uint8_t b1 = v;
	uint16_t b2 = v;
	uint32_t b4 = v;
	switch (size) {
	case 1: memcpy(p, &b1, 1); break;
	case 2: memcpy(p, &b2, 2); break;
	case 4: memcpy(p, &b4, 4); break;
	default: memcpy(p, &v, 8);
	}
}

static void rec_str(struct rec *r, int size, const char *s)
{
	uint8_t *p = rec_add(r, type_str(size));
	memcpy(p, s, strnlen(s, size));
}

static struct type *buf_t(int n)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_BUF;
	t->size = 1 + n;
	return t;
}

/* A buffer of capacity cap holding len bytes of s. */
static void rec_buf(struct rec *r, int cap, const char *s, int len)
{
	uint8_t *p = rec_add(r, buf_t(cap));
	p[0] = len;
	memcpy(p + 1, s, len < cap ? len : cap);
}

static void rec_inet(struct rec *r, uint64_t af, const uint8_t *addr, int n)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_INET;
	t->size = 24;
	uint8_t *p = rec_add(r, t);
	memcpy(p, &af, 8);
	memcpy(p + 8, addr, n);
}

static void rec_time(struct rec *r, const char *fmt, uint64_t ns)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_TSTAMP;
	t->size = 8;
	t->fmt = fmt;
	memcpy(rec_add(r, t), &ns, 8);
}

/* Check the format against the record (it must pass), then print it. */
static const char *pf(const char *fmt, struct rec *r)
{
	int bad = 99;
	const char *err = fmt_check(fmt, r->types, r->n, &bad);
	ck_assert_msg(!err, "%s: %s", fmt, err);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fmt_print(f, fmt, r->types, r->offs, r->n, r->data);
	fclose(f);
	const char *s = xstrdup(buf);
	free(buf);
	return s;
}

/* One integer argument. */
static const char *pf1(const char *fmt, int size, bool sign, int64_t v)
{
	struct rec r = { 0 };
	rec_int(&r, size, sign, v);
	return pf(fmt, &r);
}

/* One string argument. */
static const char *pfs(const char *fmt, const char *s)
{
	struct rec r = { 0 };
	rec_str(&r, 64, s);
	return pf(fmt, &r);
}

/* ------------------------------------------------------------ integers */

START_TEST(int_conversions)
{
	ck_assert_str_eq(pf1("%d", 8, true, -5), "-5");
	ck_assert_str_eq(pf1("%i", 8, true, -5), "-5");
	ck_assert_str_eq(pf1("%u", 8, true, 42), "42");
	ck_assert_str_eq(pf1("%x", 8, false, 255), "ff");
	ck_assert_str_eq(pf1("%X", 8, false, 255), "FF");
	ck_assert_str_eq(pf1("%o", 8, false, 8), "10");
	ck_assert_str_eq(pf1("[%d]", 4, true, 7), "[7]");
}
END_TEST

/* bpftrace 0.17: printf("%d|%u|%x", 1 << 40, -1, -1) prints "0|4294967295|ffffffff" */
START_TEST(int_is_c_int)
{
	ck_assert_str_eq(pf1("%d", 8, true, (int64_t)1 << 40), "0");
	ck_assert_str_eq(pf1("%u", 8, true, -1), "4294967295");
	ck_assert_str_eq(pf1("%x", 8, true, -1), "ffffffff");
	ck_assert_str_eq(pf1("%d", 4, false, 0xffffffff), "-1");
}
END_TEST

/* bpftrace 0.17: "%ld|%lu|%lld|%llu|%hd|%hhd|%hu|%hhu" of
 * 1 << 40, -1, -1, -1, 70000, 300, -1, -1 */
START_TEST(length_modifiers)
{
	ck_assert_str_eq(pf1("%lld", 8, true, (int64_t)1 << 40), "1099511627776");
	ck_assert_str_eq(pf1("%llu", 8, true, -1), "18446744073709551615");
	ck_assert_str_eq(pf1("%lld", 8, true, INT64_MIN), "-9223372036854775808");
	ck_assert_str_eq(pf1("%llx", 8, false, UINT64_MAX), "ffffffffffffffff");
	ck_assert_str_eq(pf1("%jd", 8, true, -6), "-6");
	ck_assert_str_eq(pf1("%ju", 8, true, -1), "18446744073709551615");
	ck_assert_str_eq(pf1("%hd", 8, true, 70000), "4464");
	ck_assert_str_eq(pf1("%hhd", 8, true, 300), "44");
	ck_assert_str_eq(pf1("%hu", 8, true, -1), "65535");
	ck_assert_str_eq(pf1("%hhu", 8, true, 321), "65");
	ck_assert_str_eq(pf1("%hhx", 8, true, -1), "ff");
	ck_assert_str_eq(pf1("%hx", 8, true, -1), "ffff");
	ck_assert_str_eq(pf1("%zd", 8, true, -5), "-5");
	ck_assert_str_eq(pf1("%td", 8, true, -7), "-7");
	if (sizeof(long) == 8) {
		ck_assert_str_eq(pf1("%ld", 8, true, (int64_t)1 << 40), "1099511627776");
		ck_assert_str_eq(pf1("%lu", 8, true, -1), "18446744073709551615");
		ck_assert_str_eq(pf1("%lx", 8, true, -1), "ffffffffffffffff");
		ck_assert_str_eq(pf1("%zx", 8, true, -1), "ffffffffffffffff");
	} else {
		ck_assert_str_eq(pf1("%ld", 8, true, (int64_t)1 << 40), "0");
		ck_assert_str_eq(pf1("%lx", 8, true, -1), "ffffffff");
	}
}
END_TEST

/* Small integers are sign- or zero-extended from their own size first.
 * bpftrace 0.17: "%d|%u|%x" of (uint8)200, (int8)-56, (int16)-2 prints
 * "200|4294967240|fffffffe"; "%lu|%ld" of (uint32)-1, (int32)-1 prints
 * "4294967295|-1". */
START_TEST(small_ints)
{
	ck_assert_str_eq(pf1("%d", 1, false, 200), "200");
	ck_assert_str_eq(pf1("%d", 1, true, -56), "-56");
	ck_assert_str_eq(pf1("%u", 1, true, -56), "4294967240");
	ck_assert_str_eq(pf1("%x", 2, true, -2), "fffffffe");
	ck_assert_str_eq(pf1("%u", 2, false, 65535), "65535");
	ck_assert_str_eq(pf1("%d", 2, true, -300), "-300");
	ck_assert_str_eq(pf1("%llu", 4, false, 0xffffffff), "4294967295");
	ck_assert_str_eq(pf1("%lld", 4, true, -1), "-1");
	ck_assert_str_eq(pf1("%llx", 4, true, -1), "ffffffffffffffff");
	ck_assert_str_eq(pf1("%llx", 4, false, 0xfffffffe), "fffffffe");
}
END_TEST

/* bpftrace 0.17: "%5d|%-5d|%05d" of 42 -> "   42|42   |00042" and
 * "%.3d" of 5 -> "005". */
START_TEST(int_flags_width_precision)
{
	ck_assert_str_eq(pf1("%5d|", 8, true, 42), "   42|");
	ck_assert_str_eq(pf1("%-5d|", 8, true, 42), "42   |");
	ck_assert_str_eq(pf1("%05d", 8, true, 42), "00042");
	ck_assert_str_eq(pf1("%05d", 8, true, -42), "-0042");
	ck_assert_str_eq(pf1("%+d", 8, true, 42), "+42");
	ck_assert_str_eq(pf1("% d", 8, true, 42), " 42");
	ck_assert_str_eq(pf1("%.3d", 8, true, 5), "005");
	ck_assert_str_eq(pf1("%8.3d|", 8, true, -7), "    -007|");
	ck_assert_str_eq(pf1("%.0d|", 8, true, 0), "|");
	ck_assert_str_eq(pf1("%#x", 8, false, 255), "0xff");
	ck_assert_str_eq(pf1("%#X", 8, false, 255), "0XFF");
	ck_assert_str_eq(pf1("%#o", 8, false, 8), "010");
	ck_assert_str_eq(pf1("%-#10llx|", 8, false, 4096), "0x1000    |");
	ck_assert_str_eq(pf1("%08llx", 8, false, 0xbeef), "0000beef");
}
END_TEST

/* bpftrace 0.17: "%c|%5c|%-3c|" of 65, 66, 67 -> "A|    B|C  |"; 0x141 -> 'A' */
START_TEST(char_conversion)
{
	ck_assert_str_eq(pf1("%c", 8, true, 65), "A");
	ck_assert_str_eq(pf1("%5c|", 8, true, 66), "    B|");
	ck_assert_str_eq(pf1("%-3c|", 8, true, 67), "C  |");
	ck_assert_str_eq(pf1("%c", 8, true, 0x141), "A");
	ck_assert_str_eq(pf1("%c", 1, false, '\n'), "\n");
}
END_TEST

/* bpftrace 0.17: "%p|%20p|" of 4096, 0 -> "0x1000|               (nil)|";
 * "%-12p|" of 255 -> "0xff        |" */
START_TEST(pointer_conversion)
{
	ck_assert_str_eq(pf1("%p", 8, false, 4096), "0x1000");
	ck_assert_str_eq(pf1("%p", 8, false, 0), "(nil)");
	ck_assert_str_eq(pf1("%20p|", 8, false, 0), "               (nil)|");
	ck_assert_str_eq(pf1("%-8p|", 8, false, 0), "(nil)   |");
	ck_assert_str_eq(pf1("%-12p|", 8, false, 255), "0xff        |");
	ck_assert_str_eq(pf1("%12p|", 8, false, 255), "        0xff|");
	ck_assert_str_eq(pf1("%020p", 8, false, 4096), "0x000000000000001000");
	if (sizeof(void *) == 8)
		ck_assert_str_eq(pf1("%p", 8, true, -1), "0xffffffffffffffff");
	else
		ck_assert_str_eq(pf1("%p", 8, true, -1), "0xffffffff");
}
END_TEST

START_TEST(percent)
{
	struct rec r = { 0 };
	ck_assert_str_eq(pf("100%%\n", &r), "100%\n");
	ck_assert_str_eq(pf("%%d %%%%", &r), "%d %%");
	ck_assert_str_eq(pf("", &r), "");
	ck_assert_str_eq(pf1("%d%%", 8, true, 5), "5%");
	ck_assert_str_eq(pf1("%%%d%%", 8, true, 5), "%5%");
	ck_assert_str_eq(pf1("x%%y %d\n", 8, true, 3), "x%y 3\n");
}
END_TEST

START_TEST(several_args)
{
	struct rec r = { 0 };
	rec_int(&r, 4, true, -1);
	rec_str(&r, 16, "comm");
	rec_int(&r, 8, false, 4096);
	rec_int(&r, 1, false, 'z');
	ck_assert_str_eq(pf("pid %d comm %s size %llu %c!\n", &r), "pid -1 comm comm size 4096 z!\n");
}
END_TEST

/* ------------------------------------------------------------ strings */

/* bpftrace 0.17: "%s|%10s|%-10s|" of "abc" -> "abc|       abc|abc       |";
 * "%5.2s" of "abcdef" -> "   ab"; "%.1s" of "xy" -> "x" */
START_TEST(string_conversions)
{
	ck_assert_str_eq(pfs("%s", "abc"), "abc");
	ck_assert_str_eq(pfs("%10s|", "abc"), "       abc|");
	ck_assert_str_eq(pfs("%-10s|", "abc"), "abc       |");
	ck_assert_str_eq(pfs("%.2s|", "abc"), "ab|");
	ck_assert_str_eq(pfs("%5.2s|", "abcdef"), "   ab|");
	ck_assert_str_eq(pfs("%-5.1s|", "xy"), "x    |");
	ck_assert_str_eq(pfs("%.0s|", "xy"), "|");
	ck_assert_str_eq(pfs("%.s|", "xy"), "|");
	ck_assert_str_eq(pfs("[%s]", ""), "[]");
	ck_assert_str_eq(pfs("%05s", "ab"), "   ab");	/* glibc pads strings with spaces */
	ck_assert_str_eq(pfs("%s", "a%db"), "a%db");	/* arguments are not formats */
}
END_TEST

/* A string filling its whole size has no NUL: it ends at the size. */
START_TEST(string_full_size)
{
	struct rec r = { 0 };
	rec_str(&r, 4, "abcd");
	rec_int(&r, 8, true, 9);
	ck_assert_str_eq(pf("%s|%d", &r), "abcd|9");
}
END_TEST

/* %s prints integers too (bpftrace prints them for %s). */
START_TEST(string_of_int)
{
	ck_assert_str_eq(pf1("%s", 8, true, -7), "-7");
	ck_assert_str_eq(pf1("%s", 8, false, UINT64_MAX), "18446744073709551615");
	ck_assert_str_eq(pf1("%5s|", 2, true, 12), "   12|");
	ck_assert_str_eq(pf1("%s", 1, true, -1), "-1");
}
END_TEST

/* bpftrace 0.17: ntop(0x0100007f) with "%5s" -> "127.0.0.1" and
 * ntop(pton("fe80::1")) with "%-20s|" -> "fe80::1             |" */
START_TEST(inet)
{
	uint8_t v4[4] = { 127, 0, 0, 1 };
	uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct rec r = { 0 };
	rec_inet(&r, AF_INET, v4, 4);
	rec_inet(&r, AF_INET6, v6, 16);
	rec_inet(&r, AF_INET6, v6b, 16);
	ck_assert_str_eq(pf("%5s|%-20s|%s", &r), "127.0.0.1|fe80::1             |2001:db8::1");
}
END_TEST

START_TEST(inet_width_precision)
{
	uint8_t v4[4] = { 10, 1, 2, 3 };
	struct rec r = { 0 };
	rec_inet(&r, 2, v4, 4);
	rec_inet(&r, 2, v4, 4);
	ck_assert_str_eq(pf("%12s|%.4s", &r), "    10.1.2.3|10.1");
}
END_TEST

/* ------------------------------------------------------------ buffers */

/* bpftrace 0.17: "%r" of buf("ab\x01\xff\n", 5) -> "ab\x01\xff\x0a";
 * "%rx|%rh" of buf("ab", 2) -> "\x61\x62|61 62" */
START_TEST(buffers)
{
	struct rec r = { 0 };
	rec_buf(&r, 8, "ab\x01\xff\n", 5);
	ck_assert_str_eq(pf("%r", &r), "ab\\x01\\xff\\x0a");
	ck_assert_str_eq(pf("%s", &r), "ab\\x01\\xff\\x0a");

	struct rec x = { 0 };
	rec_buf(&x, 2, "ab", 2);
	rec_buf(&x, 2, "ab", 2);
	ck_assert_str_eq(pf("%rx|%rh", &x), "\\x61\\x62|61 62");

	struct rec w = { 0 };
	rec_buf(&w, 4, "ab", 2);
	rec_buf(&w, 4, "ab", 2);
	rec_buf(&w, 4, "a ~\x7f", 4);
	ck_assert_str_eq(pf("%6r|%-6r|%r", &w), "    ab|ab    |a ~\\x7f");

	/* the length byte says how much of the capacity is used, never more */
	struct rec c = { 0 };
	rec_buf(&c, 3, "xyz", 200);
	ck_assert_str_eq(pf("[%r]", &c), "[xyz]");
	struct rec e = { 0 };
	rec_buf(&e, 3, "", 0);
	rec_buf(&e, 3, "", 0);
	ck_assert_str_eq(pf("[%r][%rh]", &e), "[][]");
}
END_TEST

/* ------------------------------------------------------------ timestamps */

/* 1700000000.123456789 s is 2023-11-14 22:13:20 UTC. */
START_TEST(timestamps)
{
	setenv("TZ", "UTC", 1);
	tzset();
	struct rec r = { 0 };
	rec_time(&r, "%Y-%m-%d %H:%M:%S.%f", 1700000000123456789ull);
	ck_assert_str_eq(pf("[%s]", &r), "[2023-11-14 22:13:20.123456]");

	struct rec w = { 0 };
	rec_time(&w, "%H:%M", 1700000000000000000ull);
	rec_time(&w, "%f%f", 5000);
	ck_assert_str_eq(pf("%-7s|%s", &w), "22:13  |000005000005");
}
END_TEST

/* ------------------------------------------------------------ val_print */

static const char *vp(const struct type *t, const uint8_t *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	val_print(f, t, p);
	fclose(f);
	const char *s = xstrdup(buf);
	free(buf);
	return s;
}

START_TEST(values)
{
	uint8_t m3 = (uint8_t)-3;
	ck_assert_str_eq(vp(type_int(1, true), &m3), "-3");
	ck_assert_str_eq(vp(type_int(1, false), &m3), "253");
	uint64_t big = UINT64_MAX;
	ck_assert_str_eq(vp(type_int(8, false), (uint8_t *)&big), "18446744073709551615");
	ck_assert_str_eq(vp(type_int(8, true), (uint8_t *)&big), "-1");
	ck_assert_str_eq(vp(type_str(8), (const uint8_t *)"abc\0\0\0\0\0"), "abc");

	/* (1, "two", (int8)-3, ("in", 5)) */
	struct type *inner_el[] = { type_str(4), type_int(4, false) };
	struct type *inner = type_tuple(inner_el, 2);
	struct type *el[] = { type_int(8, true), type_str(8), type_int(1, true), inner };
	struct type *t = type_tuple(el, 4);
	uint8_t *p = xalloc(t->size);
	int64_t one = 1;
	uint32_t five = 5;
	memcpy(p + t->offs[0], &one, 8);
	memcpy(p + t->offs[1], "two", 3);
	p[t->offs[2]] = (uint8_t)-3;
	memcpy(p + t->offs[3] + inner->offs[0], "in", 2);
	memcpy(p + t->offs[3] + inner->offs[1], &five, 4);
	ck_assert_str_eq(vp(t, p), "(1, two, -3, (in, 5))");

	struct rec r = { 0 };
	rec_buf(&r, 4, "a\tb", 3);
	ck_assert_str_eq(vp(r.types[0], r.data), "a\\x09b");
	uint8_t v4[4] = { 192, 168, 0, 1 };
	struct rec n = { 0 };
	rec_inet(&n, AF_INET, v4, 4);
	ck_assert_str_eq(vp(n.types[0], n.data), "192.168.0.1");
}
END_TEST

/* ------------------------------------------------------------ fmt_check */

/* Returns the message (or "ok") and the argument blamed. */
static const char *chk(const char *fmt, struct rec *r, int *bad)
{
	const char *err = fmt_check(fmt, r->types, r->n, bad);
	return err ? err : "ok";
}

START_TEST(check_counts)
{
	struct rec r = { 0 };
	int bad;
	rec_int(&r, 8, true, 1);
	ck_assert_str_eq(chk("%d %d\n", &r, &bad),
			 "printf: too few arguments for format (1 given, 2 needed)");
	ck_assert_int_eq(bad, -1);
	rec_int(&r, 8, true, 2);
	rec_int(&r, 8, true, 3);
	ck_assert_str_eq(chk("%d %d\n", &r, &bad),
			 "printf: too many arguments for format (3 given, 2 needed)");
	ck_assert_int_eq(bad, 2);
	ck_assert_str_eq(chk("%d %%d %d %d", &r, &bad), "ok");
	ck_assert_str_eq(chk("no conversions %%", &r, &bad),
			 "printf: too many arguments for format (3 given, 0 needed)");
	ck_assert_int_eq(bad, 0);
	struct rec none = { 0 };
	ck_assert_str_eq(chk("100%%\n", &none, &bad), "ok");
}
END_TEST

START_TEST(check_types)
{
	struct rec r = { 0 };
	int bad;
	rec_int(&r, 8, true, 1);
	rec_str(&r, 64, "s");
	ck_assert_str_eq(chk("%d %d", &r, &bad), "printf: %d expects an integer, got string[64]");
	ck_assert_int_eq(bad, 1);
	ck_assert_str_eq(chk("%s %lld", &r, &bad), "printf: %lld expects an integer, got string[64]");
	ck_assert_int_eq(bad, 1);
	ck_assert_str_eq(chk("%c %x", &r, &bad), "printf: %x expects an integer, got string[64]");
	ck_assert_str_eq(chk("%p %s", &r, &bad), "ok");
	ck_assert_str_eq(chk("%r %s", &r, &bad), "printf: %r expects a buffer, got int64");
	ck_assert_int_eq(bad, 0);
	ck_assert_str_eq(chk("%rx %s", &r, &bad), "printf: %rx expects a buffer, got int64");

	struct type *el[] = { type_int(8, false), type_str(64) };
	struct rec t = { 0 };
	rec_add(&t, type_tuple(el, 2));
	ck_assert_str_eq(chk("%s", &t, &bad), "printf: %s expects a string, got (uint64,string[64])");
	ck_assert_int_eq(bad, 0);

	struct rec b = { 0 };
	rec_buf(&b, 4, "ab", 2);
	ck_assert_str_eq(chk("%d", &b, &bad), "printf: %d expects an integer, got buffer[4]");
	ck_assert_str_eq(chk("%r", &b, &bad), "ok");
	ck_assert_str_eq(chk("%rh", &b, &bad), "ok");
	ck_assert_str_eq(chk("%-8s", &b, &bad), "ok");
}
END_TEST

START_TEST(check_unknown)
{
	struct rec r = { 0 };
	int bad = 5;
	rec_int(&r, 8, true, 1);
	ck_assert_str_eq(chk("%q", &r, &bad), "printf: unknown conversion '%q'");
	ck_assert_int_eq(bad, -1);
	ck_assert_str_eq(chk("a %-5lq b", &r, &bad), "printf: unknown conversion '%-5lq'");
	ck_assert_str_eq(chk("%d %", &r, &bad), "printf: unknown conversion '%'");
	ck_assert_str_eq(chk("%*d", &r, &bad), "printf: unknown conversion '%*'");
	ck_assert_str_eq(chk("%5%", &r, &bad), "printf: unknown conversion '%5%'");
	ck_assert_str_eq(chk("%f", &r, &bad), "printf: unknown conversion '%f'");
	ck_assert_str_eq(chk("%Lf", &r, &bad), "printf: unknown conversion '%L'");
	ck_assert_str_eq(chk("%n", &r, &bad), "printf: unknown conversion '%n'");
	ck_assert_str_eq(chk("%ll", &r, &bad), "printf: unknown conversion '%ll'");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("printf");
	tcase_add_test(tc, int_conversions);
	tcase_add_test(tc, int_is_c_int);
	tcase_add_test(tc, length_modifiers);
	tcase_add_test(tc, small_ints);
	tcase_add_test(tc, int_flags_width_precision);
	tcase_add_test(tc, char_conversion);
	tcase_add_test(tc, pointer_conversion);
	tcase_add_test(tc, percent);
	tcase_add_test(tc, several_args);
	tcase_add_test(tc, string_conversions);
	tcase_add_test(tc, string_full_size);
	tcase_add_test(tc, string_of_int);
	tcase_add_test(tc, inet);
	tcase_add_test(tc, inet_width_precision);
	tcase_add_test(tc, buffers);
	tcase_add_test(tc, timestamps);
	tcase_add_test(tc, values);
	tcase_add_test(tc, check_counts);
	tcase_add_test(tc, check_types);
	tcase_add_test(tc, check_unknown);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
