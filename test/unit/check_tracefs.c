/* check_tracefs.c - tracepoint format parsing, probe spec parsing of every
 * provider, listing, and teardown.
 *
 * The format texts are copied from a 6.18 kernel's tracefs. Tests that
 * need this machine's tracefs (or root, for perf events) say so on stdout
 * and return when it is not there: they never pass silently. */
#include "unit.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* ------------------------------------------------------------ helpers */

static const char openat_fmt[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
	"((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename))\n";

static const char switch_fmt[] =
	"name: sched_switch\n"
	"ID: 372\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"prev_comm=%s prev_pid=%d\", REC->prev_comm, REC->prev_pid\n";

static const char exec_fmt[] =
	"name: sched_process_exec\n"
	"ID: 365\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid\n";

/* arrays and oddities gathered from several events */
static const char misc_fmt[] =
	"name: misc\n"
	"ID: 7\n"
	"format:\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n"
	"\tfield:__u8 saddr[4];\toffset:64;\tsize:4;\tsigned:0;\n"
	"\tfield:const char *const * argv;\toffset:72;\tsize:8;\tsigned:0;\n"
	"\tfield:char comm[TASK_COMM_LEN];\toffset:80;\tsize:16;\tsigned:0;\n"
	"\tfield:s64 delta;\toffset:96;\tsize:8;\tsigned:1;\n"
	"\tfield:char * name;\toffset:104;\tsize:4;\tsigned:0;\n"
	"\tfield:__data_loc u8[] buf;\toffset:108;\tsize:4;\tsigned:0;\n"
	"\tfield:short val;\toffset:112;\tsize:2;\tsigned:1;\n";

static void check_field(const struct tp_field *f, const char *name, const char *ctype,
			int off, int size, bool sign)
{
	ck_assert_str_eq(f->name, name);
	ck_assert_str_eq(f->ctype, ctype);
	ck_assert_int_eq(f->off, off);
	ck_assert_int_eq(f->size, size);
	ck_assert_int_eq(f->sign, sign);
}

static void check_flags(const struct tp_field *f, bool data_loc, bool is_str, bool is_ptr,
			bool user_ptr, int array_len)
{
	ck_assert_int_eq(f->data_loc, data_loc);
	ck_assert_int_eq(f->is_str, is_str);
	ck_assert_int_eq(f->is_ptr, is_ptr);
	ck_assert_int_eq(f->user_ptr, user_ptr);
	ck_assert_int_eq(f->array_len, array_len);
}

/* Expanding one spec, with the diagnostics captured. */
struct ex {
	const struct provider *p;
	const char *rest;
	struct probe probe;
	struct vec out;
};

static void do_expand(void *arg)
{
	struct ex *e = arg;
	e->p->expand(&e->probe, e->rest, (struct loc){ 0, 0 }, &e->out);
}

/* Diagnostics of expanding spec (the whole "provider:rest"); e->out gets
 * the attaches. */
static const char *expand(struct ex *e, const char *spec)
{
	memset(e, 0, sizeof(*e));
	cur_src = NULL;
	e->p = provider_find(spec, &e->rest);
	ck_assert_msg(e->p != NULL, "no provider for %s", spec);
	return unit_capture(do_expand, e);
}

static struct attach *expand_one(const char *spec)
{
	struct ex e;
	const char *err = expand(&e, spec);
	ck_assert_msg(!*err, "%s: %s", spec, err);
	ck_assert_int_eq(e.out.n, 1);
	struct attach *a = e.out.v[0];
	ck_assert_ptr_eq(a->probe, &e.probe);
	a->probe = NULL;	/* e is gone */
	return a;
}

static void expect_error(const char *spec, const char *msg)
{
	struct ex e;
	const char *err = expand(&e, spec);
	ck_assert_str_eq(err, xprintf("wisp: error: %s\n", msg));
}

/* Whatever f prints on stdout. */
static char *capture_stdout(void (*f)(void *), void *arg)
{
	fflush(stdout);
	FILE *tmp = tmpfile();
	ck_assert_ptr_nonnull(tmp);
	int saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), STDOUT_FILENO), 0);
	f(arg);
	fflush(stdout);
	ck_assert_int_ge(dup2(saved, STDOUT_FILENO), 0);
	close(saved);
	long n = ftell(tmp);
	char *buf = xalloc(n + 1);
	rewind(tmp);
	ck_assert_int_eq(fread(buf, 1, n, tmp), n);
	fclose(tmp);
	return buf;
}

struct lst {
	const struct provider *p;
	const char *pattern;
	bool verbose;
};

static void do_list(void *arg)
{
	struct lst *l = arg;
	l->p->list(l->pattern, l->verbose);
}

static char *list(const struct provider *p, const char *pattern, bool verbose)
{
	struct lst l = { p, pattern, verbose };
	return capture_stdout(do_list, &l);
}

/* This machine's tracefs, if it can be read; else say why the test skips. */
static bool have_tracefs(const char *test)
{
	if (access("/sys/kernel/tracing/events/sched/sched_switch/format", R_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events/sched/sched_switch/format", R_OK) == 0)
		return true;
	printf("SKIP %s: tracefs with sched:sched_switch not readable here\n", test);
	return false;
}

static bool have_root(const char *test)
{
	if (geteuid() == 0)
		return true;
	printf("SKIP %s: needs root for perf events and BPF\n", test);
	return false;
}

/* ------------------------------------------------------------ formats */

START_TEST(parse_openat)
{
	struct tp_format *f = tp_format_parse(openat_fmt);
	ck_assert_str_eq(f->name, "sys_enter_openat");
	ck_assert_ptr_null(f->cat);
	ck_assert_int_eq(f->id, 782);
	ck_assert_int_eq(f->nfields, 5);
	check_field(&f->fields[0], "__syscall_nr", "int", 8, 4, true);
	check_field(&f->fields[1], "dfd", "int", 16, 8, false);
	check_field(&f->fields[2], "filename", "const char *", 24, 8, false);
	check_field(&f->fields[3], "flags", "int", 32, 8, false);
	check_field(&f->fields[4], "mode", "umode_t", 40, 8, false);
	check_flags(&f->fields[0], false, false, false, false, 0);
	check_flags(&f->fields[1], false, false, false, false, 0);
	/* parsed text knows no category: user_ptr is tp_format_read's call */
	check_flags(&f->fields[2], false, true, true, false, 0);
	check_flags(&f->fields[4], false, false, false, false, 0);
}
END_TEST

START_TEST(parse_sched_switch)
{
	struct tp_format *f = tp_format_parse(switch_fmt);
	ck_assert_str_eq(f->name, "sched_switch");
	ck_assert_int_eq(f->id, 372);
	ck_assert_int_eq(f->nfields, 7);
	check_field(&f->fields[0], "prev_comm", "char", 8, 16, false);
	check_flags(&f->fields[0], false, true, false, false, 16);
	check_field(&f->fields[1], "prev_pid", "pid_t", 24, 4, true);
	check_flags(&f->fields[1], false, false, false, false, 0);
	check_field(&f->fields[2], "prev_prio", "int", 28, 4, true);
	check_field(&f->fields[3], "prev_state", "long", 32, 8, true);
	check_field(&f->fields[4], "next_comm", "char", 40, 16, false);
	check_flags(&f->fields[4], false, true, false, false, 16);
	check_field(&f->fields[5], "next_pid", "pid_t", 56, 4, true);
	check_field(&f->fields[6], "next_prio", "int", 60, 4, true);
}
END_TEST

START_TEST(parse_data_loc)
{
	struct tp_format *f = tp_format_parse(exec_fmt);
	ck_assert_str_eq(f->name, "sched_process_exec");
	ck_assert_int_eq(f->id, 365);
	ck_assert_int_eq(f->nfields, 3);
	check_field(&f->fields[0], "filename", "__data_loc char[]", 8, 4, false);
	check_flags(&f->fields[0], true, true, false, false, 0);
	check_field(&f->fields[1], "pid", "pid_t", 12, 4, true);
	check_field(&f->fields[2], "old_pid", "pid_t", 16, 4, true);
}
END_TEST

START_TEST(parse_arrays_and_signs)
{
	struct tp_format *f = tp_format_parse(misc_fmt);
	ck_assert_int_eq(f->id, 7);
	ck_assert_int_eq(f->nfields, 8);
	check_field(&f->fields[0], "args", "unsigned long", 16, 48, false);
	check_flags(&f->fields[0], false, false, false, false, 6);
	check_field(&f->fields[1], "saddr", "__u8", 64, 4, false);
	check_flags(&f->fields[1], false, false, false, false, 4);
	check_field(&f->fields[2], "argv", "const char *const *", 72, 8, false);
	check_flags(&f->fields[2], false, false, true, false, 0);
	/* a length the kernel left as a symbol: the bytes count */
	check_field(&f->fields[3], "comm", "char", 80, 16, false);
	check_flags(&f->fields[3], false, true, false, false, 16);
	check_field(&f->fields[4], "delta", "s64", 96, 8, true);
	check_flags(&f->fields[4], false, false, false, false, 0);
	check_field(&f->fields[5], "name", "char *", 104, 4, false);
	check_flags(&f->fields[5], false, true, true, false, 0);
	check_field(&f->fields[6], "buf", "__data_loc u8[]", 108, 4, false);
	check_flags(&f->fields[6], true, false, false, false, 0);
	check_field(&f->fields[7], "val", "short", 112, 2, true);
}
END_TEST

START_TEST(parse_degenerate)
{
	struct tp_format *f = tp_format_parse("");
	ck_assert_int_eq(f->nfields, 0);
	ck_assert_int_eq(f->id, 0);
	ck_assert_ptr_null(f->name);
	/* no trailing newline, no print fmt, only common fields */
	f = tp_format_parse("name: x\nID: 12\nformat:\n\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;");
	ck_assert_str_eq(f->name, "x");
	ck_assert_int_eq(f->id, 12);
	ck_assert_int_eq(f->nfields, 0);
	/* fields after "print fmt:" are not fields */
	f = tp_format_parse("ID: 1\nprint fmt: \"x\"\n\tfield:int a;\toffset:8;\tsize:4;\tsigned:1;\n");
	ck_assert_int_eq(f->nfields, 0);
}
END_TEST

START_TEST(globs)
{
	ck_assert(glob_match("sys_enter_*", "sys_enter_openat"));
	ck_assert(glob_match("*open*", "sys_enter_openat"));
	ck_assert(glob_match("sys_?nter_open", "sys_enter_open"));
	ck_assert(glob_match("*", ""));
	ck_assert(glob_match("sched_switch", "sched_switch"));
	ck_assert(!glob_match("sched_switch", "sched_switch2"));
	ck_assert(!glob_match("sys_enter_*", "sys_exit_open"));
	ck_assert(!glob_match("?", ""));
	ck_assert(!glob_match("*open", "sys_enter_openat"));
}
END_TEST

/* ------------------------------------------------------------ provider_find */

static void find_is(const char *spec, const struct provider *want, const char *rest)
{
	const char *r = "unset";
	ck_assert_ptr_eq(provider_find(spec, &r), want);
	if (want)
		ck_assert_str_eq(r, rest);
}

START_TEST(find_spellings)
{
	find_is("BEGIN", &prov_begin, "");
	find_is("END", &prov_end, "");
	find_is("BEGIN:x", &prov_begin, ":x");
	find_is("END:", &prov_end, ":");
	find_is("tracepoint:sched:sched_switch", &prov_tracepoint, "sched:sched_switch");
	find_is("t:sched:sched_switch", &prov_tracepoint, "sched:sched_switch");
	find_is("t:sched/sched_switch", &prov_tracepoint, "sched/sched_switch");
	find_is("tracepoint", &prov_tracepoint, "");
	find_is("interval:s:1", &prov_interval, "s:1");
	find_is("i:ms:10", &prov_interval, "ms:10");
	find_is("profile:hz:99", &prov_profile, "hz:99");
	find_is("p:99hz", &prov_profile, "99hz");
	find_is("software:cs:10", &prov_software, "cs:10");
	find_is("s:faults", &prov_software, "faults");
	find_is("kprobe:do_sys_open", &prov_kprobe, "do_sys_open");
	find_is("kr:vfs_read", &prov_kretprobe, "vfs_read");
	find_is("u:/bin/sh:main", &prov_uprobe, "/bin/sh:main");
	find_is("uretprobe:libc:malloc", &prov_uretprobe, "libc:malloc");
	find_is("U:/bin/x:p:n", &prov_usdt, "/bin/x:p:n");
	find_is("kfunc:vfs_read", &prov_kfunc, "vfs_read");
	find_is("fentry:vmlinux:vfs_read", &prov_kfunc, "vmlinux:vfs_read");
	find_is("fexit:vfs_read", &prov_kretfunc, "vfs_read");
	find_is("kretfunc:vfs_read", &prov_kretfunc, "vfs_read");
	find_is("rawtracepoint:sched_switch", &prov_rawtracepoint, "sched_switch");
	find_is("rt:sched_switch", &prov_rawtracepoint, "sched_switch");
	find_is("kfun:vfs_read", NULL, NULL);
	find_is("BEGINX", NULL, NULL);
	find_is("begin", NULL, NULL);
	find_is("T:sched:sched_switch", NULL, NULL);
	find_is("", NULL, NULL);
	find_is(":x", NULL, NULL);
	ck_assert_ptr_eq(provider_find("tracepoint:a:b", NULL), &prov_tracepoint);

	int n = 0;
	while (providers[n])
		n++;
	ck_assert_int_eq(n, 14);
}
END_TEST

START_TEST(uints)
{
	uint64_t v = 7;
	ck_assert(provider_uint("99", &v) && v == 99);
	ck_assert(provider_uint("1_000", &v) && v == 1000);
	ck_assert(provider_uint("0x10", &v) && v == 16);
	ck_assert(provider_uint("1e6", &v) && v == 1000000);
	ck_assert(provider_uint("0", &v) && v == 0);
	ck_assert(provider_uint("18446744073709551615", &v) && v == UINT64_MAX);
	v = 7;
	ck_assert(!provider_uint("18446744073709551616", &v));
	ck_assert(!provider_uint("", &v));
	ck_assert(!provider_uint("1x", &v));
	ck_assert(!provider_uint("-1", &v));
	ck_assert(!provider_uint("_1", &v));
	ck_assert(!provider_uint("0x", &v));
	ck_assert(!provider_uint("1e", &v));
	ck_assert(!provider_uint("1e20", &v));
	ck_assert(!provider_uint("s", &v));
	ck_assert_int_eq(v, 7);
}
END_TEST

/* ------------------------------------------------------------ BEGIN/END */

START_TEST(begin_end)
{
	struct attach *a = expand_one("BEGIN");
	ck_assert_str_eq(a->name, "BEGIN");
	ck_assert_str_eq(a->target, "");
	ck_assert_ptr_null(a->fmt);
	ck_assert_int_eq(a->nfds, 0);
	ck_assert_int_eq(prov_begin.attach(a, -1), 0);
	prov_begin.detach(a);
	a = expand_one("END");
	ck_assert_str_eq(a->name, "END");
	ck_assert_int_eq(prov_end.prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	ck_assert_int_eq(prov_begin.prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
	expect_error("BEGIN:x", "BEGIN takes no arguments: unexpected ':x'");
	expect_error("END:", "END takes no arguments: unexpected ':'");
	ck_assert_str_eq(list(&prov_begin, "*", true), "");
}
END_TEST

/* ------------------------------------------------------------ interval */

static void time_is(const char *spec, const char *name, const char *target,
		    uint64_t period, bool freq)
{
	struct attach *a = expand_one(spec);
	ck_assert_str_eq(a->name, name);
	ck_assert_str_eq(a->target, target);
	ck_assert_uint_eq(a->period, period);
	ck_assert_int_eq(a->freq, freq);
	ck_assert_int_eq(a->config, PERF_COUNT_SW_CPU_CLOCK);
	ck_assert_ptr_null(a->fmt);
}

START_TEST(interval_specs)
{
	time_is("interval:s:1", "interval:s:1", "s:1", 1000000000, false);
	time_is("i:s:5", "interval:s:5", "s:5", 5000000000ull, false);
	time_is("interval:ms:100", "interval:ms:100", "ms:100", 100000000, false);
	time_is("interval:us:500", "interval:us:500", "us:500", 500000, false);
	time_is("interval:ns:7", "interval:ns:7", "ns:7", 7, false);
	time_is("interval:hz:10", "interval:hz:10", "hz:10", 100000000, false);
	time_is("interval:hz:3", "interval:hz:3", "hz:3", 333333333, false);
	time_is("interval:s:1_000", "interval:s:1000", "s:1_000", 1000000000000ull, false);
	time_is("interval:1s", "interval:1s", "1s", 1000000000, false);
	time_is("i:100ms", "interval:100ms", "100ms", 100000000, false);
	time_is("interval:250us", "interval:250us", "250us", 250000, false);
	time_is("interval:2m", "interval:2m", "2m", 120000000000ull, false);
	time_is("interval:1h", "interval:1h", "1h", 3600000000000ull, false);
	time_is("interval:1d", "interval:1d", "1d", 86400000000000ull, false);
	time_is("interval:4hz", "interval:4hz", "4hz", 250000000, false);
	ck_assert_int_eq(prov_interval.prog_type, BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_str_eq(prov_interval.alias, "i");
}
END_TEST

START_TEST(interval_errors)
{
	expect_error("interval", "interval probe needs a unit and a count, e.g. interval:s:1");
	expect_error("interval:", "interval probe needs a unit and a count, e.g. interval:s:1");
	expect_error("interval:x:1",
		     "unknown time unit 'x' in interval:x:1 (expected s, ms, us, ns or hz)");
	expect_error("interval:1:s",
		     "unknown time unit '1' in interval:1:s (expected s, ms, us, ns or hz)");
	expect_error("interval:s:", "interval:s: needs a count after the unit, e.g. interval:s:1");
	expect_error("interval:s", "interval:s needs a count after the unit, e.g. interval:s:1");
	expect_error("interval:s:0", "invalid count '0' in interval:s:0: a positive integer expected");
	expect_error("interval:s:abc", "invalid count 'abc' in interval:s:abc: a positive integer expected");
	expect_error("interval:s:-1", "invalid count '-1' in interval:s:-1: a positive integer expected");
	expect_error("interval:s:1:2", "invalid count '1:2' in interval:s:1:2: a positive integer expected");
	expect_error("interval:0s", "invalid count '0' in interval:0s: a positive integer expected");
	expect_error("interval:5x",
		     "unknown time unit 'x' in interval:5x (expected ns, us, ms, s, m, h, d or hz)");
	expect_error("interval:5", "interval:5 needs a time unit after the count, e.g. interval:5s");
	expect_error("interval:abc", "interval:abc needs a unit and a count, e.g. interval:s:1");
	expect_error("interval:hz:2000000000", "interval:hz:2000000000 is too fast: at most 1000000000 hz");
	expect_error("interval:s:20000000000", "interval:s:20000000000 is too long a period");
}
END_TEST

/* ------------------------------------------------------------ profile */

START_TEST(profile_specs)
{
	time_is("profile:hz:99", "profile:hz:99", "hz:99", 99, true);
	time_is("p:hz:49", "profile:hz:49", "hz:49", 49, true);
	time_is("profile:s:1", "profile:s:1", "s:1", 1000000000, false);
	time_is("profile:ms:10", "profile:ms:10", "ms:10", 10000000, false);
	time_is("profile:us:100", "profile:us:100", "us:100", 100000, false);
	time_is("profile:99hz", "profile:99hz", "99hz", 99, true);
	time_is("p:10ms", "profile:10ms", "10ms", 10000000, false);
	ck_assert_int_eq(prov_profile.prog_type, BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_str_eq(prov_profile.alias, "p");
}
END_TEST

START_TEST(profile_errors)
{
	expect_error("profile", "profile probe needs a unit and a count, e.g. profile:hz:99");
	expect_error("profile:khz:1",
		     "unknown time unit 'khz' in profile:khz:1 (expected s, ms, us, ns or hz)");
	expect_error("profile:hz:", "profile:hz: needs a count after the unit, e.g. profile:hz:1");
	expect_error("profile:hz:0", "invalid count '0' in profile:hz:0: a positive integer expected");
	expect_error("profile:hz:x", "invalid count 'x' in profile:hz:x: a positive integer expected");
	expect_error("profile:hz", "profile:hz needs a count after the unit, e.g. profile:hz:1");
	expect_error("profile:x", "profile:x needs a unit and a count, e.g. profile:hz:99");
}
END_TEST

/* ------------------------------------------------------------ software */

static void sw_is(const char *spec, const char *name, int config, uint64_t period)
{
	struct attach *a = expand_one(spec);
	ck_assert_str_eq(a->name, name);
	ck_assert_int_eq(a->config, config);
	ck_assert_uint_eq(a->period, period);
	ck_assert_int_eq(a->freq, false);
}

START_TEST(software_specs)
{
	/* bpftrace's default periods */
	sw_is("software:alignment-faults", "software:alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS, 1);
	sw_is("software:bpf-output", "software:bpf-output", PERF_COUNT_SW_BPF_OUTPUT, 1);
	sw_is("software:context-switches", "software:context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000);
	sw_is("software:cs", "software:cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000);
	sw_is("software:cpu-clock", "software:cpu-clock", PERF_COUNT_SW_CPU_CLOCK, 1000000);
	sw_is("software:cpu", "software:cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000);
	sw_is("software:cpu-migrations", "software:cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 1);
	sw_is("software:dummy", "software:dummy", PERF_COUNT_SW_DUMMY, 1);
	sw_is("software:emulation-faults", "software:emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS, 1);
	sw_is("software:major-faults", "software:major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1);
	sw_is("software:minor-faults", "software:minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, 100);
	sw_is("software:page-faults", "software:page-faults", PERF_COUNT_SW_PAGE_FAULTS, 100);
	sw_is("software:faults", "software:faults", PERF_COUNT_SW_PAGE_FAULTS, 100);
	sw_is("software:task-clock", "software:task-clock", PERF_COUNT_SW_TASK_CLOCK, 1);
	/* counts, and bpftrace's names: alias kept, count as a number */
	sw_is("s:faults:1", "software:faults:1", PERF_COUNT_SW_PAGE_FAULTS, 1);
	sw_is("software:cpu-clock:1_000", "software:cpu-clock:1000", PERF_COUNT_SW_CPU_CLOCK, 1000);
	sw_is("software:cs:1e3", "software:cs:1000", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000);
	struct attach *a = expand_one("s:faults:1");
	ck_assert_str_eq(a->target, "faults:1");
	ck_assert_int_eq(prov_software.prog_type, BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_str_eq(prov_software.alias, "s");
}
END_TEST

START_TEST(software_errors)
{
	expect_error("software", "software probe needs an event name, e.g. software:page-faults:100");
	expect_error("software:", "software probe needs an event name, e.g. software:page-faults:100");
	expect_error("software::5", "software probe needs an event name, e.g. software:page-faults:100");
	expect_error("software:nosuch",
		     "unknown software event 'nosuch' (expected alignment-faults, bpf-output, "
		     "context-switches or cs, cpu-clock or cpu, cpu-migrations, dummy, "
		     "emulation-faults, major-faults, minor-faults, page-faults or faults, task-clock)");
	expect_error("software:cs:0", "invalid count '0' in software:cs:0: a positive integer expected");
	expect_error("software:cs:", "invalid count '' in software:cs:: a positive integer expected");
	expect_error("software:cs:x", "invalid count 'x' in software:cs:x: a positive integer expected");
	expect_error("software:cs:1:2", "invalid count '1:2' in software:cs:1:2: a positive integer expected");
}
END_TEST

START_TEST(software_list)
{
	ck_assert_str_eq(list(&prov_software, "software:*", false),
			 "software:alignment-faults:\n"
			 "software:bpf-output:\n"
			 "software:context-switches:\n"
			 "software:cpu-clock:\n"
			 "software:cpu-migrations:\n"
			 "software:dummy:\n"
			 "software:emulation-faults:\n"
			 "software:major-faults:\n"
			 "software:minor-faults:\n"
			 "software:page-faults:\n"
			 "software:task-clock:\n");
	ck_assert_str_eq(list(&prov_software, "s:cs", false), "software:context-switches:\n");
	ck_assert_str_eq(list(&prov_software, "software:cpu-clock:", true), "software:cpu-clock:\n");
	ck_assert_str_eq(list(&prov_software, "*major*", false), "software:major-faults:\n");
	ck_assert_str_eq(list(&prov_software, "tracepoint:*", false), "");
	ck_assert_str_eq(list(&prov_interval, "interval:*", false), "");
	ck_assert_str_eq(list(&prov_profile, "profile:*", false), "");
}
END_TEST

/* ------------------------------------------------------------ tracepoint */

START_TEST(tracepoint_spec_errors)
{
	const char *need = "tracepoint probe needs category:name, e.g. tracepoint:sched:sched_switch";
	expect_error("tracepoint", need);
	expect_error("tracepoint:", need);
	expect_error("tracepoint:sched", need);
	expect_error("tracepoint:sched:", need);
	expect_error("t::sched_switch", need);
	expect_error("tracepoint:a:b:c", "too many parts in tracepoint:a:b:c (expected tracepoint:category:name)");
	expect_error("t:a/b/c", "too many parts in tracepoint:a/b/c (expected tracepoint:category:name)");
	ck_assert_int_eq(prov_tracepoint.prog_type, BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_str_eq(prov_tracepoint.alias, "t");
}
END_TEST

START_TEST(tracepoint_expand)
{
	if (!have_tracefs(__func__))
		return;
	struct attach *a = expand_one("tracepoint:sched:sched_switch");
	ck_assert_str_eq(a->name, "tracepoint:sched:sched_switch");
	ck_assert_str_eq(a->target, "sched:sched_switch");
	ck_assert_ptr_nonnull(a->fmt);
	ck_assert_str_eq(a->fmt->cat, "sched");
	ck_assert_str_eq(a->fmt->name, "sched_switch");
	ck_assert_int_gt(a->fmt->id, 0);
	ck_assert_int_ge(a->fmt->nfields, 7);
	ck_assert_str_eq(a->fmt->fields[0].name, "prev_comm");
	ck_assert_int_eq(a->fmt->fields[0].is_str, true);
	ck_assert_int_eq(a->fmt->fields[0].array_len, 16);
	ck_assert_int_eq(a->fmt->fields[0].user_ptr, false);

	/* ply's spelling names the same event */
	struct attach *b = expand_one("t:sched/sched_switch");
	ck_assert_str_eq(b->name, "tracepoint:sched:sched_switch");
	ck_assert_int_eq(b->fmt->id, a->fmt->id);

	expect_error("tracepoint:sched:sched_nosuch", "tracepoint sched:sched_nosuch not found");
	expect_error("tracepoint:nosuchcat:x", "tracepoint nosuchcat:x not found");
	expect_error("tracepoint:..:sched", "tracepoint ..:sched not found");
	expect_error("tracepoint:sched:nosuch*", "no tracepoint matches 'sched:nosuch*'");
	expect_error("t:nosuch*:sched_switch", "no tracepoint matches 'nosuch*:sched_switch'");
}
END_TEST

START_TEST(tracepoint_wildcard)
{
	if (!have_tracefs(__func__))
		return;
	struct ex e;
	const char *err = expand(&e, "tracepoint:sched:sched_process_*");
	ck_assert_str_eq(err, "");
	struct vec want = {0};
	ck_assert_int_eq(tp_list("sched", "sched_process_*", &want), e.out.n);
	ck_assert_int_ge(e.out.n, 5);	/* exec exit fork free wait ... */
	const char *prev = "";
	for (int i = 0; i < e.out.n; i++) {
		struct attach *a = e.out.v[i];
		ck_assert_str_eq(a->name, xprintf("tracepoint:%s", (char *)want.v[i]));
		ck_assert_int_gt(strcmp(a->name, prev), 0);	/* sorted */
		ck_assert(glob_match("tracepoint:sched:sched_process_*", a->name));
		ck_assert_ptr_nonnull(a->fmt);
		ck_assert_ptr_eq(a->probe, &e.probe);
		prev = a->name;
	}
	/* the one with a __data_loc string */
	err = expand(&e, "t:sched:sched_process_exe?");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(e.out.n, 1);
	struct attach *a = e.out.v[0];
	ck_assert_str_eq(a->name, "tracepoint:sched:sched_process_exec");
	check_field(&a->fmt->fields[0], "filename", "__data_loc char[]", 8, 4, false);
	check_flags(&a->fmt->fields[0], true, true, false, false, 0);

	/* syscall pointers are user memory */
	a = expand_one("tracepoint:syscalls:sys_enter_openat");
	ck_assert_str_eq(a->fmt->fields[2].name, "filename");
	check_flags(&a->fmt->fields[2], false, true, true, true, 0);
	check_flags(&a->fmt->fields[1], false, false, false, false, 0);
}
END_TEST

START_TEST(tracepoint_listing)
{
	if (!have_tracefs(__func__))
		return;
	struct vec v = {0};
	ck_assert_int_eq(tp_list("sched", "sched_switch", &v), 1);
	ck_assert_str_eq(v.v[0], "sched:sched_switch");
	ck_assert_int_eq(tp_list("sched", "nosuch", &v), 0);
	ck_assert_int_eq(tp_list("nosuch", "*", &v), 0);
	ck_assert_int_eq(tp_list("../events/sched", "*", &v), 0);
	/* ftrace's internal events are not tracepoints one can use */
	ck_assert_int_eq(tp_list("ftrace", "*", &v), 0);
	ck_assert_int_eq(tp_list("ftrac?", "print", &v), 0);
	v.n = 0;
	int n = tp_list("*", "*", &v);
	ck_assert_int_gt(n, 100);
	ck_assert_int_eq(n, v.n);
	bool seen = false;
	for (int i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(strchr(v.v[i], ':'));
		if (i)
			ck_assert_int_lt(strcmp(v.v[i - 1], v.v[i]), 0);
		seen |= !strcmp(v.v[i], "sched:sched_switch");
		/* files like events/enable and events/sched/filter are not events */
		ck_assert(strcmp(strchr(v.v[i], ':') + 1, "enable") != 0);
		ck_assert(strcmp(strchr(v.v[i], ':') + 1, "filter") != 0);
	}
	ck_assert(seen);

	/* bpftrace -lv's layout */
	ck_assert_str_eq(list(&prov_tracepoint, "tracepoint:sched:sched_switch", true),
			 "tracepoint:sched:sched_switch\n"
			 "    char prev_comm[16]\n"
			 "    pid_t prev_pid\n"
			 "    int prev_prio\n"
			 "    long prev_state\n"
			 "    char next_comm[16]\n"
			 "    pid_t next_pid\n"
			 "    int next_prio\n");
	ck_assert_str_eq(list(&prov_tracepoint, "t:sched:sched_process_exec", true),
			 "tracepoint:sched:sched_process_exec\n"
			 "    __data_loc char[] filename\n"
			 "    pid_t pid\n"
			 "    pid_t old_pid\n");
	ck_assert_str_eq(list(&prov_tracepoint, "tracepoint:syscalls:sys_enter_openat", true),
			 "tracepoint:syscalls:sys_enter_openat\n"
			 "    int __syscall_nr\n"
			 "    int dfd\n"
			 "    const char * filename\n"
			 "    int flags\n"
			 "    umode_t mode\n");
	ck_assert_str_eq(list(&prov_tracepoint, "tracepoint:sched:sched_switch", false),
			 "tracepoint:sched:sched_switch\n");
	/* a glob over the whole name; "tracepoint:GLOB" means any category */
	ck_assert_str_eq(list(&prov_tracepoint, "*:sched_switc?", false), "tracepoint:sched:sched_switch\n");
	ck_assert_str_eq(list(&prov_tracepoint, "tracepoint:sched_switch", false),
			 "tracepoint:sched:sched_switch\n");
	ck_assert_str_eq(list(&prov_tracepoint, "tracepoint:sched:nosuch", false), "");
	char *all = list(&prov_tracepoint, "tracepoint:*", false);
	char *open = list(&prov_tracepoint, "t:syscalls:*open*", false);
	ck_assert_ptr_nonnull(strstr(open, "tracepoint:syscalls:sys_enter_openat\n"));
	int lines = 0;
	for (char *l = strtok(open, "\n"); l; l = strtok(NULL, "\n"), lines++) {
		ck_assert(glob_match("tracepoint:syscalls:*open*", l));
		ck_assert_ptr_nonnull(strstr(all, xprintf("%s\n", l)));
	}
	ck_assert_int_ge(lines, 4);	/* open openat, enter and exit */
	int total = 0;
	for (char *l = all; (l = strchr(l, '\n')); l++)
		total++;
	ck_assert_int_eq(total, v.n);	/* every event, once */
}
END_TEST

/* Every field of every event on this machine prints back as the kernel
 * declared it: what -lv shows is what the format file says. */
START_TEST(tracepoint_all_formats)
{
	if (!have_tracefs(__func__))
		return;
	struct vec v = {0};
	int n = tp_list("*", "*", &v), fields = 0;
	for (int i = 0; i < n; i++) {
		char *cat = xstrdup(v.v[i]), *name = strchr(cat, ':');
		*name++ = '\0';
		char *path = xprintf("%s/events/%s/%s/format", tracefs_dir(), cat, name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;	/* some need more than root can have */
		struct tp_format *fmt = tp_format_read(cat, name);
		ck_assert_msg(fmt != NULL, "%s:%s: %s", cat, name, strerror(errno));
		char line[1024];
		int k = 0;
		while (fgets(line, sizeof(line), f)) {
			char *p = strstr(line, "field:");
			if (!p || strstr(line, "common_"))
				continue;
			p += 6;
			*strchr(p, ';') = '\0';
			ck_assert_int_lt(k, fmt->nfields);
			struct tp_field *fl = &fmt->fields[k++];
			char *decl = fl->array_len > 0 && !fl->data_loc
				? xprintf("%s %s[%d]", fl->ctype, fl->name, fl->array_len)
				: xprintf("%s %s", fl->ctype, fl->name);
			/* lengths left as symbols come back as numbers; ftrace's
			 * own events end in flexible arrays "buf[]" */
			char *br = strrchr(p, '[');
			size_t len = strlen(p);
			bool symbolic = br && br[1] != ']' && !isdigit((unsigned char)br[1]);
			bool flexible = len > 2 && !strcmp(p + len - 2, "[]");
			if (flexible)
				ck_assert_str_eq(cat, "ftrace");
			if (!symbolic && !flexible && strcmp(decl, p))
				ck_abort_msg("%s:%s: '%s' came back as '%s'", cat, name, p, decl);
			fields++;
		}
		fclose(f);
		ck_assert_int_eq(k, fmt->nfields);
	}
	ck_assert_int_gt(fields, 1000);
}
END_TEST

/* ------------------------------------------------------------ attach */

static int trivial_prog(enum bpf_prog_type type)
{
	struct bpf_insn insn[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[256];
	return bpf_prog_load(type, insn, 2, "wisp_test", log, sizeof(log), NULL);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

struct att {
	const struct provider *p;
	struct attach *a;
	int progfd, r;
};

static void do_attach(void *arg)
{
	struct att *t = arg;
	t->r = t->p->attach(t->a, t->progfd);
}

START_TEST(attach_live)
{
	if (!have_root(__func__) || !have_tracefs(__func__))
		return;
	int tp = trivial_prog(BPF_PROG_TYPE_TRACEPOINT);
	int pe = trivial_prog(BPF_PROG_TYPE_PERF_EVENT);
	ck_assert_int_ge(tp, 0);
	ck_assert_int_ge(pe, 0);
	int cpus[4096];
	int ncpu = ncpus_online_list(cpus, 4096);
	ck_assert_int_gt(ncpu, 0);

	struct attach *a = expand_one("tracepoint:sched:sched_switch");
	struct att t = { &prov_tracepoint, a, tp, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t), "");
	ck_assert_int_eq(t.r, 0);
	ck_assert_int_eq(a->nfds, 1);
	int fd = a->fds[0];
	ck_assert(fd_open(fd));
	prov_tracepoint.detach(a);
	ck_assert_int_eq(a->nfds, 0);
	ck_assert(!fd_open(fd));

	a = expand_one("interval:ms:100");
	t = (struct att){ &prov_interval, a, pe, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t), "");
	ck_assert_int_eq(a->nfds, 1);
	prov_interval.detach(a);

	a = expand_one("profile:hz:99");
	t = (struct att){ &prov_profile, a, pe, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t), "");
	ck_assert_int_eq(a->nfds, ncpu);
	prov_profile.detach(a);

	a = expand_one("software:cs:1000");
	t = (struct att){ &prov_software, a, pe, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t), "");
	ck_assert_int_eq(a->nfds, ncpu);
	prov_software.detach(a);

	/* a bad program: said, and nothing left open */
	a = expand_one("interval:s:1");
	t = (struct att){ &prov_interval, a, 999999, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t),
			 xprintf("wisp: error: cannot attach interval:s:1: attaching the program "
				 "on CPU %d: Bad file descriptor\n", cpus[0]));
	ck_assert_int_eq(t.r, -EBADF);
	ck_assert_int_eq(a->nfds, 0);
	/* a tracepoint program on a perf event: the kernel refuses it */
	a = expand_one("software:cpu");
	t = (struct att){ &prov_software, a, tp, 1 };
	ck_assert_str_eq(unit_capture(do_attach, &t),
			 xprintf("wisp: error: cannot attach software:cpu: attaching the program "
				 "on CPU %d: Invalid argument\n", cpus[0]));
	ck_assert_int_eq(t.r, -EINVAL);
	ck_assert_int_eq(a->nfds, 0);
	close(tp);
	close(pe);
}
END_TEST

/* ------------------------------------------------------------ detach */

static struct attach *fake_attach(struct vec *all, int n)
{
	struct attach *a = xalloc(sizeof(*a));
	a->fds = xalloc(n * sizeof(int));
	for (int i = 0; i < n; i++) {
		a->fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(a->fds[i], 0);
	}
	a->nfds = n;
	vec_push(all, a);
	return a;
}

START_TEST(detach_all_closes)
{
	struct vec all = {0};
	struct attach *a = fake_attach(&all, 1);
	struct attach *b = fake_attach(&all, 0);
	struct attach *c = fake_attach(&all, 9);
	int fa = a->fds[0], fc[9];
	memcpy(fc, c->fds, sizeof(fc));
	provider_detach_all(&all);
	ck_assert_int_eq(a->nfds, 0);
	ck_assert_int_eq(b->nfds, 0);
	ck_assert_int_eq(c->nfds, 0);
	ck_assert(!fd_open(fa));
	for (int i = 0; i < 9; i++)
		ck_assert(!fd_open(fc[i]));
	provider_detach_all(&all);	/* twice is harmless */
	struct vec none = {0};
	provider_detach_all(&none);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("tracefs");
	TCase *tc = tcase_create("tracefs");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parse_openat);
	tcase_add_test(tc, parse_sched_switch);
	tcase_add_test(tc, parse_data_loc);
	tcase_add_test(tc, parse_arrays_and_signs);
	tcase_add_test(tc, parse_degenerate);
	tcase_add_test(tc, globs);
	tcase_add_test(tc, find_spellings);
	tcase_add_test(tc, uints);
	tcase_add_test(tc, begin_end);
	tcase_add_test(tc, interval_specs);
	tcase_add_test(tc, interval_errors);
	tcase_add_test(tc, profile_specs);
	tcase_add_test(tc, profile_errors);
	tcase_add_test(tc, software_specs);
	tcase_add_test(tc, software_errors);
	tcase_add_test(tc, software_list);
	tcase_add_test(tc, tracepoint_spec_errors);
	tcase_add_test(tc, tracepoint_expand);
	tcase_add_test(tc, tracepoint_wildcard);
	tcase_add_test(tc, tracepoint_listing);
	tcase_add_test(tc, tracepoint_all_formats);
	tcase_add_test(tc, attach_live);
	tcase_add_test(tc, detach_all_closes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
