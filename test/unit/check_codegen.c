/* check_codegen.c - golden dumps of the instructions for representative
 * programs. Each test/golden/NAME.bt is compiled (against the tracefs
 * fixture in test/data/tracefs) and its disassembly compared with
 * test/golden/NAME.out; WISP_UPDATE_GOLDEN=1 rewrites the .out files. */
#include "unit.h"

static struct prog *cur;

static const char *map_name(int id)
{
	if (cur->events && cur->events->id == id)
		return "events";
	for (int i = 0; i < cur->maps.n; i++)
		if (((struct map *)cur->maps.v[i])->id == id)
			return ((struct map *)cur->maps.v[i])->name;
	return NULL;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* The disassembly of every program of the compiled text. */
static char *compile_dump(const char *text)
{
	static struct source src;
	src.name = "golden";
	src.text = text;
	cur = sema(parse(&src), 0, NULL, false);
	codegen(cur);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	for (int i = 0; i < cur->probes.n; i++) {
		struct probe *pr = cur->probes.v[i];
		for (int j = 0; j < pr->progs.n; j++) {
			struct bpfprog *bp = pr->progs.v[j];
			fprintf(m, "probe %s:\n", bp->attach->name);
			disasm(m, bp->a.insn, bp->a.n, map_name);
		}
	}
	fclose(m);
	return buf;
}

static const char *const golden[] = {
	"count_comm", "printf", "hist", "lhist", "stats_minmax", "filter_if", "while_unroll",
	"strings", "tuple_keys", "tracepoint_fields", "map_rmw", "ternary_cast", "join",
	"kprobe_regs", "ctypes",
};

START_TEST(golden_dump)
{
	const char *name = golden[_i];
	char *path = xprintf("%s/test/golden/%s.bt", SRCDIR, name);
	char *text = slurp(path);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	/* "// arch: x86_64" on the first line: the dump holds that
	 * architecture's pt_regs offsets */
	if (!strncmp(text, "// arch: ", 9) && strncmp(text + 9, arch.name, strlen(arch.name))) {
		printf("SKIP golden %s: made for another architecture than %s\n", name, arch.name);
		free(text);
		return;
	}
	char *got = compile_dump(text);
	char *opath = xprintf("%s/test/golden/%s.out", SRCDIR, name);
	if (getenv("WISP_UPDATE_GOLDEN")) {
		FILE *f = fopen(opath, "w");
		fputs(got, f);
		fclose(f);
	}
	char *want = slurp(opath);
	ck_assert_msg(want != NULL, "cannot read %s", opath);
	ck_assert_str_eq(got, want);
	free(text);
	free(got);
	free(want);
}
END_TEST

/* The instruction count of the benchmark program stays small. */
START_TEST(bench_size)
{
	compile_dump("tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }");
	struct bpfprog *bp = ((struct probe *)cur->probes.v[0])->progs.v[0];
	ck_assert_int_le(bp->a.n, 34);
}
END_TEST

int main(void)
{
	setenv("WISP_TRACEFS", SRCDIR "/test/data/tracefs", 1);
	Suite *s = suite_create("codegen");
	TCase *tc = tcase_create("codegen");
	tcase_add_loop_test(tc, golden_dump, 0, sizeof(golden) / sizeof(golden[0]));
	tcase_add_test(tc, bench_size);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
