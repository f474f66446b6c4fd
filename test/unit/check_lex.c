/* check_lex.c - the tokenizer: every token kind, numbers, strings,
 * comments, directives, probe specs and the exact error messages. */
#include "unit.h"

static struct source src;

static void set_src(const char *text)
{
	src.name = "stdin";
	src.text = text;
	cur_src = &src;
}

#define MAXT 64
static struct token toks[MAXT];
static int ntoks;

/* Lex all of text with lex_next into toks[] (EOF included). */
static void lex_all(void *arg)
{
	struct lexer lx;
	set_src(arg);
	lex_init(&lx, &src);
	ntoks = 0;
	do
		toks[ntoks] = lex_next(&lx);
	while (toks[ntoks++].kind != TK_EOF && ntoks < MAXT);
}

static void lex_ok(const char *text)
{
	const char *err = unit_capture(lex_all, (void *)text);
	ck_assert_msg(!*err, "unexpected error lexing <%s>: %s", text, err);
}

/* The full diagnostic lexing text gives ("" if none). */
static const char *lex_err(const char *text)
{
	return unit_capture(lex_all, (void *)text);
}

/* The error message alone: the text between "error: " and the newline. */
static const char *lex_msg(const char *text)
{
	const char *e = lex_err(text), *m = strstr(e, "error: ");
	ck_assert_msg(m != NULL, "no error lexing <%s>", text);
	m += 7;
	return xstrndup(m, strcspn(m, "\n"));
}

static void tok_is(int i, enum tkind k, const char *s)
{
	ck_assert_int_lt(i, ntoks);
	ck_assert_int_eq(toks[i].kind, k);
	ck_assert_str_eq(toks[i].s, s);
}

START_TEST(kinds)
{
	lex_ok("foo $x @m @ $1 $12 $# 42 \"s\" -> if");
	ck_assert_int_eq(ntoks, 12);
	tok_is(0, TK_IDENT, "foo");
	tok_is(1, TK_VAR, "$x");
	tok_is(2, TK_MAP, "@m");
	tok_is(3, TK_MAP, "@");
	tok_is(4, TK_PARAM, "$1");
	ck_assert_uint_eq(toks[4].ival, 1);
	tok_is(5, TK_PARAM, "$12");
	ck_assert_uint_eq(toks[5].ival, 12);
	tok_is(6, TK_NPARAMS, "$#");
	tok_is(7, TK_INT, "42");
	ck_assert_uint_eq(toks[7].ival, 42);
	ck_assert_int_eq(toks[8].kind, TK_STR);
	ck_assert_str_eq(toks[8].str, "s");
	tok_is(9, TK_PUNCT, "->");
	tok_is(10, TK_IDENT, "if");
	ck_assert_int_eq(toks[11].kind, TK_EOF);
}
END_TEST

START_TEST(idents_and_maps)
{
	lex_ok("_a9 arg0 @_x1 $_ @[");
	tok_is(0, TK_IDENT, "_a9");
	tok_is(1, TK_IDENT, "arg0");
	tok_is(2, TK_MAP, "@_x1");
	tok_is(3, TK_VAR, "$_");
	tok_is(4, TK_MAP, "@");
	tok_is(5, TK_PUNCT, "[");
}
END_TEST

START_TEST(punctuators)
{
	static const char *const p[] = {
		"<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
		"&&", "||", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
		"+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=",
		"(", ")", "[", "]", "{", "}", ",", ";", ":", "?", ".",
	};
	int n = sizeof(p) / sizeof(p[0]);
	char *text = "";
	for (int i = 0; i < n; i++)
		text = xprintf("%s%s ", text, p[i]);
	lex_ok(text);
	ck_assert_int_eq(ntoks, n + 1);
	for (int i = 0; i < n; i++)
		tok_is(i, TK_PUNCT, p[i]);
}
END_TEST

START_TEST(longest_match)
{
	lex_ok("a<<=b>>c->d---e");
	tok_is(1, TK_PUNCT, "<<=");
	tok_is(3, TK_PUNCT, ">>");
	tok_is(5, TK_PUNCT, "->");
	tok_is(7, TK_PUNCT, "--");
	tok_is(8, TK_PUNCT, "-");
	tok_is(9, TK_IDENT, "e");
}
END_TEST

START_TEST(locations)
{
	lex_ok("ab  @cd\n\t\"x\"");
	ck_assert_int_eq(toks[0].loc.off, 0);
	ck_assert_int_eq(toks[0].loc.len, 2);
	ck_assert_int_eq(toks[1].loc.off, 4);
	ck_assert_int_eq(toks[1].loc.len, 3);
	ck_assert_int_eq(toks[2].loc.off, 9);
	ck_assert_int_eq(toks[2].loc.len, 3);
	/* end of input sits just after the last non-blank character */
	lex_ok("x  \n\n");
	ck_assert_int_eq(toks[1].kind, TK_EOF);
	ck_assert_int_eq(toks[1].loc.off, 1);
}
END_TEST

static const struct {
	const char *text;
	uint64_t v;
} nums[] = {
	{ "0", 0 }, { "42", 42 }, { "0x1F", 31 }, { "0XfF", 255 }, { "010", 8 },
	{ "00", 0 }, { "0777", 511 }, { "1_000_000", 1000000 }, { "1__0", 10 },
	{ "0xff_ff", 65535 }, { "1e6", 1000000 }, { "1E3", 1000 }, { "1e0", 1 },
	{ "2e+2", 200 }, { "1.5e3", 1500 }, { "20e-1", 2 }, { "0e99999", 0 },
	{ "1_000e3", 1000000 }, { "010e2", 1000 },
	{ "18446744073709551615", UINT64_MAX }, { "0xffffffffffffffff", UINT64_MAX },
	{ "01777777777777777777777", UINT64_MAX },
	{ "1844674407370955161e1", 18446744073709551610ULL },
	{ "7u", 7 }, { "7ul", 7 }, { "5LL", 5 }, { "5ull", 5 }, { "0x10UL", 16 },
};

START_TEST(numbers)
{
	const char *t = nums[_i].text;
	lex_ok(t);
	ck_assert_int_eq(ntoks, 2);
	ck_assert_int_eq(toks[0].kind, TK_INT);
	ck_assert_str_eq(toks[0].s, t);
	ck_assert_msg(toks[0].ival == nums[_i].v, "%s: got %llu", t,
		      (unsigned long long)toks[0].ival);
	ck_assert_int_eq(toks[0].loc.len, (int)strlen(t));
}
END_TEST

static const struct {
	const char *text, *msg;
} bad_nums[] = {
	{ "0x", "invalid integer literal '0x'" },
	{ "0xg1", "invalid integer literal '0xg1'" },
	{ "0x_1", "invalid integer literal '0x_1'" },
	{ "08", "invalid integer literal '08'" },
	{ "0_7", "invalid integer literal '0_7'" },
	{ "1_", "invalid integer literal '1_'" },
	{ "1_e6", "invalid integer literal '1_e6'" },
	{ "12abc", "invalid integer literal '12abc'" },
	{ "1e", "invalid integer literal '1e'" },
	{ "7uu", "invalid integer literal '7uu'" },
	{ "18446744073709551616", "integer literal '18446744073709551616' is too large" },
	{ "0x10000000000000000", "integer literal '0x10000000000000000' is too large" },
	{ "02000000000000000000000", "integer literal '02000000000000000000000' is too large" },
	{ "1e20", "integer literal '1e20' is too large" },
	{ "2e19", "integer literal '2e19' is too large" },
	{ "1e-3", "'1e-3' is not an integer" },
	{ "1.25e1", "'1.25e1' is not an integer" },
	{ "1.5", "floating-point literal '1.5' is not supported" },
};

START_TEST(number_errors)
{
	ck_assert_str_eq(lex_msg(bad_nums[_i].text), bad_nums[_i].msg);
}
END_TEST

START_TEST(number_error_full)
{
	ck_assert_str_eq(lex_err("x = 0x + 1"),
			 "stdin:1:5: error: invalid integer literal '0x'\n"
			 "x = 0x + 1\n"
			 "    ^~\n");
}
END_TEST

/* After a '.', digits are a tuple index: $t.0.1 is not the number 0.1 */
START_TEST(tuple_index)
{
	lex_ok("$t.0.1");
	ck_assert_int_eq(ntoks, 6);
	tok_is(0, TK_VAR, "$t");
	tok_is(1, TK_PUNCT, ".");
	tok_is(2, TK_INT, "0");
	tok_is(3, TK_PUNCT, ".");
	tok_is(4, TK_INT, "1");
	ck_assert_uint_eq(toks[4].ival, 1);
}
END_TEST

START_TEST(strings)
{
	lex_ok("\"a\\n\\t\\r\\\\\\\"\\'\\0\\101\\x41\\x4g\\0012\"");
	ck_assert_int_eq(toks[0].kind, TK_STR);
	ck_assert_int_eq(toks[0].slen, 14);
	ck_assert_mem_eq(toks[0].str, "a\n\t\r\\\"'\0AA\x04g\0012", 15);
	ck_assert_int_eq(toks[0].loc.off, 0);
	ck_assert_int_eq(toks[0].loc.len, (int)strlen(src.text));

	lex_ok("\"\" \"%s\\n\"");
	ck_assert_int_eq(toks[0].slen, 0);
	ck_assert_str_eq(toks[0].str, "");
	ck_assert_str_eq(toks[1].str, "%s\n");
	ck_assert_int_eq(toks[1].slen, 3);
}
END_TEST

START_TEST(string_errors)
{
	ck_assert_str_eq(lex_err("x = \"abc"),
			 "stdin:1:5: error: unterminated string\n"
			 "x = \"abc\n"
			 "    ^\n");
	ck_assert_str_eq(lex_err("a \"b\\qc\""),
			 "stdin:1:5: error: unknown escape sequence '\\q'\n"
			 "a \"b\\qc\"\n"
			 "    ^~\n");
	ck_assert_str_eq(lex_msg("\"ab\ncd\""), "newline in string");
	ck_assert_str_eq(lex_msg("\"ab\\\ncd\""), "newline in string");
	ck_assert_str_eq(lex_msg("\"ab\\"), "unterminated string");
	ck_assert_str_eq(lex_msg("\"\\xz\""), "missing hex digits after '\\x'");
	ck_assert_str_eq(lex_msg("\"\\400\""), "octal escape sequence '\\400' is out of range");
	ck_assert_str_eq(lex_msg("\"\\e\""), "unknown escape sequence '\\e'");
	ck_assert_str_eq(lex_msg("\"\\\x01\""),
			 "unknown escape sequence '\\' followed by byte 0x01");
}
END_TEST

START_TEST(comments)
{
	lex_ok("a // one\n b /* two\n * / three */ c/**/d//");
	ck_assert_int_eq(ntoks, 5);
	tok_is(0, TK_IDENT, "a");
	tok_is(1, TK_IDENT, "b");
	tok_is(2, TK_IDENT, "c");
	tok_is(3, TK_IDENT, "d");
	ck_assert_str_eq(lex_err("a /* b\nc"),
			 "stdin:1:3: error: unterminated comment\n"
			 "a /* b\n"
			 "  ^~\n");
}
END_TEST

START_TEST(shebang_and_include)
{
	lex_ok("#!/usr/bin/env bpftrace\n#include <linux/sched.h>\n"
	       "  #include \"x.h\"\n# include <y>\n#include<z.h>\nfoo");
	ck_assert_int_eq(ntoks, 2);
	tok_is(0, TK_IDENT, "foo");
	int line, col;
	loc_linecol(toks[0].loc, &line, &col);
	ck_assert_int_eq(line, 6);
	ck_assert_int_eq(col, 1);
	/* #! only on the first line */
	ck_assert_str_eq(lex_msg("a\n#!x"), "unsupported preprocessor directive '#!'");
	ck_assert_str_eq(lex_msg("#includes\n"),
			 "unsupported preprocessor directive '#includes'");
	ck_assert_str_eq(lex_msg("a # b"), "unexpected character '#'");
}
END_TEST

/* #define: object-like macros, expanded where their name is lexed as an
 * identifier; no expansion inside an expansion; empty ones vanish */
START_TEST(defines)
{
	lex_forget_defines();
	lex_ok("#define LEN 16\n#define AF (2 + LEN) // why\n#define NOTHING\n"
	       "#define SELF SELF\nLEN AF NOTHING x SELF LENGTH");
	ck_assert_int_eq(ntoks, 10);
	tok_is(0, TK_INT, "16");
	ck_assert_int_eq(toks[0].ival, 16);
	tok_is(1, TK_PUNCT, "(");
	tok_is(2, TK_INT, "2");
	tok_is(3, TK_PUNCT, "+");
	tok_is(4, TK_IDENT, "LEN");	/* not expanded again inside AF */
	tok_is(5, TK_PUNCT, ")");
	tok_is(6, TK_IDENT, "x");
	tok_is(7, TK_IDENT, "SELF");
	tok_is(8, TK_IDENT, "LENGTH");
	/* a redefinition wins from where it is */
	lex_forget_defines();
	lex_ok("#define N 1\nN\n#define N 2\nN");
	ck_assert_int_eq(toks[0].ival, 1);
	ck_assert_int_eq(toks[1].ival, 2);
	lex_forget_defines();
	ck_assert_str_eq(lex_msg("#define F(x) x\n"), "function-like macros are not supported");
	ck_assert_str_eq(lex_msg("#define\n"), "#define needs a macro name");
	lex_forget_defines();
}
END_TEST

/* #ifdef/#ifndef/#else/#endif and #if 0/1 pick lines; nested ones in a
 * skipped branch are skipped whole */
START_TEST(conditionals)
{
	lex_forget_defines();
	lex_ok("#define A\n#ifdef A\nyes1\n#else\nno1\n#endif\n"
	       "#ifndef A\nno2\n#ifdef A\nno3\n#endif\n#else\nyes2\n#endif\n"
	       "#if 0\nno4\n#endif\n#if 1\nyes3\n#endif\nend");
	ck_assert_int_eq(ntoks, 5);
	tok_is(0, TK_IDENT, "yes1");
	tok_is(1, TK_IDENT, "yes2");
	tok_is(2, TK_IDENT, "yes3");
	tok_is(3, TK_IDENT, "end");
	/* BPFTRACE_HAVE_BTF follows the kernel, as in bpftrace */
	lex_forget_defines();
	FILE *f = fopen("/sys/kernel/btf/vmlinux", "r");
	lex_ok("#ifdef BPFTRACE_HAVE_BTF\nbtf\n#else\nnobtf\n#endif\n");
	tok_is(0, TK_IDENT, f ? "btf" : "nobtf");
	if (f)
		fclose(f);
	ck_assert_str_eq(lex_msg("#ifdef X\nfoo\n"), "unterminated conditional directive");
	ck_assert_str_eq(lex_msg("#if X\n#endif\n"), "only '#if 0' and '#if 1' are supported");
	lex_forget_defines();
}
END_TEST

/* -v notes each #include once, even when the text is lexed twice */
START_TEST(include_note)
{
	char *buf;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	struct lexer lx, copy;
	set_src("#include <linux/sched.h>  \nfoo #include\n");
	err_out = m;
	verbose = 1;
	lex_init(&lx, &src);
	copy = lx;
	lex_next(&copy);
	lex_next(&lx);
	verbose = 0;
	err_out = NULL;
	fclose(m);
	ck_assert_str_eq(buf, "wisp: note: ignoring #include <linux/sched.h>\n");
	free(buf);

	/* and says nothing without -v */
	ck_assert_str_eq(lex_err("#include <a.h>\nx"), "");
}
END_TEST

START_TEST(dollar_errors)
{
	ck_assert_str_eq(lex_err("$ x"),
			 "stdin:1:1: error: expected a variable name, a number or '#' after '$'\n"
			 "$ x\n"
			 "^\n");
	ck_assert_str_eq(lex_msg("$1x"), "invalid positional parameter '$1x'");
	ck_assert_str_eq(lex_msg("$99999999999"),
			 "positional parameter '$99999999999' is too large");
}
END_TEST

START_TEST(bad_chars)
{
	ck_assert_str_eq(lex_err("a ` b"),
			 "stdin:1:3: error: unexpected character '`'\n"
			 "a ` b\n"
			 "  ^\n");
	ck_assert_str_eq(lex_msg("a \x80"), "unexpected byte 0x80");
	ck_assert_str_eq(lex_msg("\\"), "unexpected character '\\'");
}
END_TEST

/* ------------------------------------------------------------ specs */

/* lex_spec once, then lex_next to the end */
static void lex_spec_all(void *arg)
{
	struct lexer lx;
	set_src(arg);
	lex_init(&lx, &src);
	ntoks = 0;
	toks[ntoks++] = lex_spec(&lx);
	while (toks[ntoks - 1].kind != TK_EOF && ntoks < MAXT)
		toks[ntoks++] = lex_next(&lx);
}

static void spec_ok(const char *text)
{
	const char *err = unit_capture(lex_spec_all, (void *)text);
	ck_assert_msg(!*err, "unexpected error lexing <%s>: %s", text, err);
}

static const struct {
	const char *text, *spec, *after;
} specs[] = {
	{ "tracepoint:syscalls:sys_enter_* {", "tracepoint:syscalls:sys_enter_*", "{" },
	{ "t:sched:sched_switch{", "t:sched:sched_switch", "{" },
	{ "uprobe:/bin/bash:readline /pid == 1/ {", "uprobe:/bin/bash:readline", "/" },
	{ "kprobe:vfs_read+0x10,kprobe:b", "kprobe:vfs_read+0x10", "," },
	{ "interval:s:1 {", "interval:s:1", "{" },
	{ "profile:hz:99{", "profile:hz:99", "{" },
	{ "BEGIN/1/{", "BEGIN", "/" },
	{ "END\n{", "END", "{" },
	{ "software:page-faults:100 {", "software:page-faults:100", "{" },
	{ "tracepoint:sched/sched_switch {", "tracepoint:sched/sched_switch", "{" },
	{ "usdt:/usr/lib/libc.so.6:libc:setjmp {", "usdt:/usr/lib/libc.so.6:libc:setjmp", "{" },
	{ "  // comment\n /* c */ k:f\t,", "k:f", "," },
	{ "*:x {", "*:x", "{" },
	/* after a ':' a '/' is part of the spec: a filter needs a blank */
	{ "kprobe:f/1/ {", "kprobe:f/1/", "{" },
	{ "kprobe:f /1/ {", "kprobe:f", "/" },
};

START_TEST(spec_forms)
{
	spec_ok(specs[_i].text);
	ck_assert_int_eq(toks[0].kind, TK_SPEC);
	ck_assert_str_eq(toks[0].s, specs[_i].spec);
	ck_assert_int_eq(toks[0].loc.off, (int)(strstr(specs[_i].text, specs[_i].spec) -
						specs[_i].text));
	ck_assert_int_eq(toks[0].loc.len, (int)strlen(specs[_i].spec));
	tok_is(1, TK_PUNCT, specs[_i].after);
}
END_TEST

/* Where no spec starts, lex_spec gives the ordinary token. */
START_TEST(spec_none)
{
	spec_ok(" { x");
	tok_is(0, TK_PUNCT, "{");
	spec_ok("}");
	tok_is(0, TK_PUNCT, "}");
	spec_ok("/x/");
	tok_is(0, TK_PUNCT, "/");
	spec_ok("  \n");
	ck_assert_int_eq(toks[0].kind, TK_EOF);
	spec_ok("@x");
	tok_is(0, TK_MAP, "@x");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lex");
	TCase *tc = tcase_create("lex");
	tcase_add_test(tc, kinds);
	tcase_add_test(tc, idents_and_maps);
	tcase_add_test(tc, punctuators);
	tcase_add_test(tc, longest_match);
	tcase_add_test(tc, locations);
	tcase_add_loop_test(tc, numbers, 0, sizeof(nums) / sizeof(nums[0]));
	tcase_add_loop_test(tc, number_errors, 0, sizeof(bad_nums) / sizeof(bad_nums[0]));
	tcase_add_test(tc, number_error_full);
	tcase_add_test(tc, tuple_index);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, string_errors);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, shebang_and_include);
	tcase_add_test(tc, defines);
	tcase_add_test(tc, conditionals);
	tcase_add_test(tc, include_note);
	tcase_add_test(tc, dollar_errors);
	tcase_add_test(tc, bad_chars);
	tcase_add_loop_test(tc, spec_forms, 0, sizeof(specs) / sizeof(specs[0]));
	tcase_add_test(tc, spec_none);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
