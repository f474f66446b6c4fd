/* check_usdt.c - USDT argument specs as each architecture's gcc writes
 * them (decoded as text for every architecture, resolved to pt_regs
 * offsets for the one wisp is built for), and the usdt provider: expanding
 * specs over the fixtures of test/data/elf, and -l. */
#include "unit.h"
#include <errno.h>
#include <unistd.h>

/* provider/usdt.c: one argument spec, registers by name */
bool usdt_parse_arg(const char *arch_name, const char *spec, struct usdt_arg *a,
		    char *base, char *index, char *err, size_t errlen);

#define FIXDIR SRCDIR "/test/data/elf/"

/* ------------------------------------------------------------ specs as text */

struct want {
	const char *arch, *spec;
	enum usdt_kind kind;
	int size;
	bool sign;
	const char *base, *index;
	int scale;
	int64_t val;
};

#define C UA_CONST
#define R UA_REG
#define M UA_MEM
static const struct want good[] = {
	/* x86_64: gcc's (fixtures) and hand-written */
	{ "x86_64", "-8@%rdi", R, 8, true, "di", "", 1, 0 },
	{ "x86_64", "-4@%edi", R, 4, true, "di", "", 1, 0 },
	{ "x86_64", "8@%rax", R, 8, false, "ax", "", 1, 0 },
	{ "x86_64", "-2@%ax", R, 2, true, "ax", "", 1, 0 },
	{ "x86_64", "1@%al", R, 1, false, "ax", "", 1, 0 },
	{ "x86_64", "1@%dil", R, 1, false, "di", "", 1, 0 },
	{ "x86_64", "1@%sil", R, 1, false, "si", "", 1, 0 },
	{ "x86_64", "8@%rsp", R, 8, false, "sp", "", 1, 0 },
	{ "x86_64", "-4@%r8d", R, 4, true, "r8", "", 1, 0 },
	{ "x86_64", "2@%r11w", R, 2, false, "r11", "", 1, 0 },
	{ "x86_64", "1@%r15b", R, 1, false, "r15", "", 1, 0 },
	{ "x86_64", "8@%r10", R, 8, false, "r10", "", 1, 0 },
	{ "x86_64", "-4@$5", C, 4, true, "", "", 1, 5 },
	{ "x86_64", "-4@$-3", C, 4, true, "", "", 1, -3 },
	{ "x86_64", "8@$0x10", C, 8, false, "", "", 1, 16 },
	{ "x86_64", "8@-8(%rbp)", M, 8, false, "bp", "", 1, -8 },
	{ "x86_64", "-4@(%rax)", M, 4, true, "ax", "", 1, 0 },
	{ "x86_64", "-4@4(%rdi)", M, 4, true, "di", "", 1, 4 },
	{ "x86_64", "-4@-4(%rsp)", M, 4, true, "sp", "", 1, -4 },
	{ "x86_64", "8@(%rax,%rdx,8)", M, 8, false, "ax", "dx", 8, 0 },
	{ "x86_64", "4@16(%rbx,%rcx)", M, 4, false, "bx", "cx", 1, 16 },
	{ "x86_64", "2@-0x20(%r12,%r13,2)", M, 2, false, "r12", "r13", 2, -32 },
	{ "x86_64", "8f@-16(%rbp)", M, 8, false, "bp", "", 1, -16 },
	/* aarch64 */
	{ "aarch64", "-8@x0", R, 8, true, "x0", "", 1, 0 },
	{ "aarch64", "1@x0", R, 1, false, "x0", "", 1, 0 },
	{ "aarch64", "8@w1", R, 8, false, "x1", "", 1, 0 },
	{ "aarch64", "8@sp", R, 8, false, "sp", "", 1, 0 },
	{ "aarch64", "4@wsp", R, 4, false, "sp", "", 1, 0 },
	{ "aarch64", "-4@5", C, 4, true, "", "", 1, 5 },
	{ "aarch64", "-4@-3", C, 4, true, "", "", 1, -3 },
	{ "aarch64", "4@[sp, 16]", M, 4, false, "sp", "", 1, 16 },
	{ "aarch64", "-4@[sp, 12]", M, 4, true, "sp", "", 1, 12 },
	{ "aarch64", "8@[x2]", M, 8, false, "x2", "", 1, 0 },
	{ "aarch64", "-4@[x0, 4]", M, 4, true, "x0", "", 1, 4 },
	{ "aarch64", "4@[x29, #-8]", M, 4, false, "x29", "", 1, -8 },
	{ "aarch64", "8@[x0, x1, lsl #3]", M, 8, false, "x0", "x1", 8, 0 },
	{ "aarch64", "8@[x0, x1]", M, 8, false, "x0", "x1", 1, 0 },
	/* arm */
	{ "arm", "-4@r0", R, 4, true, "r0", "", 1, 0 },
	{ "arm", "1@r0", R, 1, false, "r0", "", 1, 0 },
	{ "arm", "4@lr", R, 4, false, "lr", "", 1, 0 },
	{ "arm", "4@#5", C, 4, false, "", "", 1, 5 },
	{ "arm", "-4@#-3", C, 4, true, "", "", 1, -3 },
	{ "arm", "4@[fp, #-8]", M, 4, false, "fp", "", 1, -8 },
	{ "arm", "-4@[r0, #4]", M, 4, true, "r0", "", 1, 4 },
	{ "arm", "-4@[r3]", M, 4, true, "r3", "", 1, 0 },
	{ "arm", "-4@[r0, r1, lsl #2]", M, 4, true, "r0", "r1", 4, 0 },
	{ "arm", "4@[sp]", M, 4, false, "sp", "", 1, 0 },
	{ "arm", "4@r0", R, 4, false, "r0", "", 1, 0 },
	/* mips (o32) and mips64 (n64): numbered registers stay "$N" */
	{ "mips", "-4@$4", R, 4, true, "$4", "", 1, 0 },
	{ "mips", "-2@$2", R, 2, true, "$2", "", 1, 0 },
	{ "mips", "-4@$a0", R, 4, true, "a0", "", 1, 0 },
	{ "mips", "-4@5", C, 4, true, "", "", 1, 5 },
	{ "mips", "-4@-3", C, 4, true, "", "", 1, -3 },
	{ "mips", "4@16($sp)", M, 4, false, "sp", "", 1, 16 },
	{ "mips", "4@16($29)", M, 4, false, "$29", "", 1, 16 },
	{ "mips", "-4@0($5)", M, 4, true, "$5", "", 1, 0 },
	{ "mips", "-4@8($sp)", M, 4, true, "sp", "", 1, 8 },
	{ "mips", "4@-8($fp)", M, 4, false, "fp", "", 1, -8 },
	{ "mips64", "-8@$4", R, 8, true, "$4", "", 1, 0 },
	{ "mips64", "-4@0($2)", M, 4, true, "$2", "", 1, 0 },
	/* riscv64 */
	{ "riscv64", "-8@a0", R, 8, true, "a0", "", 1, 0 },
	{ "riscv64", "-2@a5", R, 2, true, "a5", "", 1, 0 },
	{ "riscv64", "-4@5", C, 4, true, "", "", 1, 5 },
	{ "riscv64", "-4@0(a1)", M, 4, true, "a1", "", 1, 0 },
	{ "riscv64", "-4@12(sp)", M, 4, true, "sp", "", 1, 12 },
	{ "riscv64", "8@-24(s0)", M, 8, false, "s0", "", 1, -24 },
	/* powerpc64: registers are bare numbers, constants "i"N (sys/sdt.h's %I) */
	{ "powerpc64", "-8@3", R, 8, true, "r3", "", 1, 0 },
	{ "powerpc64", "1@3", R, 1, false, "r3", "", 1, 0 },
	{ "powerpc64", "8@%r31", R, 8, false, "r31", "", 1, 0 },
	{ "powerpc64", "-4@i5", C, 4, true, "", "", 1, 5 },
	{ "powerpc64", "-4@i-3", C, 4, true, "", "", 1, -3 },
	{ "powerpc64", "-4@0(10)", M, 4, true, "r10", "", 1, 0 },
	{ "powerpc64", "8@16(%r1)", M, 8, false, "r1", "", 1, 16 },
	{ "powerpc64", "-4@3,4", M, 4, true, "r3", "r4", 1, 0 },
};

struct refusal {
	const char *arch, *spec, *why;
};

static const struct refusal bad[] = {
	{ "x86_64", "-4@fx_global(%rip)", "symbol" },
	{ "x86_64", "4@foo+8(%rip)", "symbol" },
	{ "x86_64", "8@16(%rip)", "%rip" },
	{ "x86_64", "8@$foo", "symbol's address" },
	{ "x86_64", "1@%ah", "whole value" },
	{ "x86_64", "8@%fs:0x28", "segment" },
	{ "x86_64", "8@0(,%rax,8)", "base register" },
	{ "x86_64", "8@(%rax,%rdx,3)", "scale" },
	{ "x86_64", "8@1234", "absolute" },
	{ "x86_64", "3@%eax", "bad size" },
	{ "x86_64", "16@%eax", "bad size" },
	{ "x86_64", "x@%eax", "bad size" },
	{ "x86_64", "8@", "nothing" },
	{ "x86_64", "8@(%rax", "unexpected" },
	{ "x86_64", "8@%", "not a register" },
	{ "aarch64", "-4@[x3, #:lo12:.LANCHOR0]", "symbol" },
	{ "aarch64", "8@[x0, x1, lsl #7]", "shift" },
	{ "aarch64", "8@[x0", "unexpected" },
	{ "arm", "4@[r0, -r1]", "bad offset" },
	{ "mips", "-4@%lo(fx_global)($2)", "symbol" },
	{ "mips", "4@fx_global", "symbol's address" },
	{ "mips", "4@16($sp", "unexpected" },
	{ "riscv64", "-4@%lo(fx_global)(a5)", "symbol" },
	{ "powerpc64", "8@3,", "indexed" },
	{ "powerpc64", "8@123456789012345", "whole value" },
};

START_TEST(spec_text)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct want *w = &good[i];
		struct usdt_arg a;
		char base[16], index[16], err[128];
		bool ok = usdt_parse_arg(w->arch, w->spec, &a, base, index, err, sizeof(err));
		ck_assert_msg(ok, "%s %s: %s", w->arch, w->spec, err);
		ck_assert_msg(a.kind == w->kind && a.size == w->size && a.sign == w->sign,
			      "%s %s: kind %d size %d sign %d", w->arch, w->spec, a.kind, a.size, a.sign);
		ck_assert_msg(!strcmp(base, w->base) && !strcmp(index, w->index),
			      "%s %s: base '%s' index '%s'", w->arch, w->spec, base, index);
		ck_assert_msg(a.scale == w->scale && a.val == w->val, "%s %s: scale %d val %lld",
			      w->arch, w->spec, a.scale, (long long)a.val);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct refusal *r = &bad[i];
		struct usdt_arg a;
		char base[16], index[16], err[128] = "";
		bool ok = usdt_parse_arg(r->arch, r->spec, &a, base, index, err, sizeof(err));
		ck_assert_msg(!ok, "%s %s was accepted", r->arch, r->spec);
		ck_assert_msg(strstr(err, r->why), "%s %s: '%s' lacks '%s'", r->arch, r->spec, err, r->why);
	}
}
END_TEST

/* Every argument gcc wrote in every fixture's notes decodes, except the
 * ones relative to a symbol (fx_global, and aarch64's section anchor). */
static const struct {
	const char *file, *arch;
} fixture_arch[] = {
	{ "x86_64.elf", "x86_64" }, { "x86_64.so", "x86_64" }, { "aarch64.elf", "aarch64" },
	{ "arm.elf", "arm" }, { "thumb.elf", "arm" }, { "mipsel.elf", "mips" }, { "mips.elf", "mips" },
	{ "mips64el.elf", "mips64" }, { "riscv64.elf", "riscv64" }, { "ppc64le.elf", "powerpc64" },
};

START_TEST(spec_fixtures)
{
	for (size_t i = 0; i < sizeof(fixture_arch) / sizeof(fixture_arch[0]); i++) {
		char err[128];
		struct elf *e = elf_open(xprintf(FIXDIR "%s", fixture_arch[i].file), err, sizeof(err));
		ck_assert_msg(e != NULL, "%s: %s", fixture_arch[i].file, err);
		struct vec notes = {0};
		ck_assert_int_eq(elf_usdt_notes(e, &notes), 7);
		elf_close(e);
		int nargs = 0;
		for (int k = 0; k < notes.n; k++) {
			const char *args = ((struct usdt_note *)notes.v[k])->args;
			for (const char *s = args; *s; s += *s == ' ') {
				/* specs are separated by spaces outside brackets */
				size_t len = 0;
				for (int depth = 0; s[len] && (s[len] != ' ' || depth); len++)
					depth += (s[len] == '[') - (s[len] == ']');
				const char *t = xstrndup(s, len);
				s += len;
				struct usdt_arg a;
				char base[16], index[16];
				bool sym = strstr(t, "fx_global") || strstr(t, "LANCHOR");
				bool ok = usdt_parse_arg(fixture_arch[i].arch, t, &a, base, index, err, sizeof(err));
				ck_assert_msg(ok != sym, "%s: %s: %s", fixture_arch[i].file, t, ok ? "accepted" : err);
				nargs++;
			}
		}
		ck_assert_int_eq(nargs, 12);
	}
}
END_TEST

/* ------------------------------------------------------------ this machine's specs */

static int regoff(const char *name)
{
	for (int i = 0; i < arch.nregs; i++)
		if (!strcmp(arch.regnames[i], name))
			return arch.regoffs[i];
	ck_abort_msg("no register %s in the %s table", name, arch.name);
	return -1;
}

/* Specs for the architecture wisp is built for, and the registers (by
 * table name) their base and index must resolve to. */
static const struct {
	const char *arch, *spec;
	const char *regs[4][2];
} host_specs[] = {
	{ "x86_64", "-4@%edi 8@-8(%rbp) -4@$5 8@(%rax,%rdx,8)",
	  { { "di", NULL }, { "bp", NULL }, { NULL, NULL }, { "ax", "dx" } } },
	{ "aarch64", "-4@w0 8@[sp, 16] -4@5 8@[x2, x3, lsl #3]",
	  { { "x0", NULL }, { "sp", NULL }, { NULL, NULL }, { "x2", "x3" } } },
	{ "arm", "-4@r0 4@[fp, #-8] 4@#5 -4@[r0, r1, lsl #2]",
	  { { "r0", NULL }, { "fp", NULL }, { NULL, NULL }, { "r0", "r1" } } },
	{ "mips", "-4@$4 4@16($sp) -4@5 4@16($29)",
	  { { "a0", NULL }, { "sp", NULL }, { NULL, NULL }, { "sp", NULL } } },
	{ "mips64", "-8@$4 4@16($sp) -4@5 4@16($29)",
	  { { "a0", NULL }, { "sp", NULL }, { NULL, NULL }, { "sp", NULL } } },
	{ "riscv64", "-8@a0 8@-24(s0) -4@5 4@12(sp)",
	  { { "a0", NULL }, { "s0", NULL }, { NULL, NULL }, { "sp", NULL } } },
	{ "powerpc64", "-8@3 8@16(%r1) -4@i5 -4@3,4",
	  { { "r3", NULL }, { "r1", NULL }, { NULL, NULL }, { "r3", "r4" } } },
};

START_TEST(spec_resolved)
{
	int h = -1;
	for (size_t i = 0; i < sizeof(host_specs) / sizeof(host_specs[0]); i++)
		if (!strcmp(host_specs[i].arch, arch.name))
			h = i;
	ck_assert_msg(h >= 0, "no specs for %s", arch.name);
	struct usdt_arg *a;
	int n;
	char err[256];
	ck_assert_msg(usdt_parse_args(host_specs[h].spec, &a, &n, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(n, 4);
	for (int k = 0; k < 4; k++) {
		const char *base = host_specs[h].regs[k][0], *index = host_specs[h].regs[k][1];
		ck_assert_int_eq(a[k].kind, k == 0 ? UA_REG : k == 2 ? UA_CONST : UA_MEM);
		if (base)
			ck_assert_int_eq(a[k].reg, regoff(base));
		ck_assert_int_eq(a[k].index, index ? regoff(index) : -1);
	}
	ck_assert_int_eq(a[0].reg, arch.arg[0]);
	ck_assert(a[2].val == 5);

	/* spaces anywhere, none at all */
	ck_assert(usdt_parse_args("", &a, &n, err, sizeof(err)) && n == 0);
	ck_assert(usdt_parse_args("  ", &a, &n, err, sizeof(err)) && n == 0);
	ck_assert(usdt_parse_args(xprintf(" %s  ", host_specs[h].spec), &a, &n, err, sizeof(err)));
	ck_assert_int_eq(n, 4);

	/* a register this architecture lacks; a spec that is no spec */
	const char *spec = !strcmp(arch.name, "x86_64") ? "-4@%edi 8@%xmm0" :
			   !strcmp(arch.name, "powerpc64") ? "-8@3 8@%f1" :
			   !strncmp(arch.name, "mips", 4) ? "-4@$4 8@$f1" : "-4@5 8@xmm0";
	ck_assert(!usdt_parse_args(spec, &a, &n, err, sizeof(err)));
	ck_assert_msg(strstr(err, "argument 1 (") && strstr(err, "no register"), "%s", err);
	ck_assert(!usdt_parse_args("8@%eax$ 8@", &a, &n, err, sizeof(err)));
	ck_assert_msg(!strncmp(err, "argument 0 ('8@%eax$')", 22), "%s", err);
}
END_TEST

/* ------------------------------------------------------------ the provider */

/* The fixture of the architecture wisp is built for, and where its probes
 * are: file offsets of wisp:add, the two wisp:twice, and the semaphore;
 * whether wisp:mem's arguments decode (not when one is symbol-relative). */
static const struct host_fx {
	const char *arch, *file;
	uint64_t add, twice[2], sem;
	bool mem_ok;
} host_fxs[] = {
	{ "x86_64", "x86_64.elf", 0xe8, { 0xf9, 0x104 }, 0x164, false },
	{ "aarch64", "aarch64.elf", 0x120, { 0x14c, 0x164 }, 0xffc, false },
	{ "arm", "arm.elf", 0x94, { 0xbc, 0xd8 }, 0x154, true },
	{ "mips", "mipsel.elf", 0x110, { 0x13c, 0x158 }, 0x210, false },	/* mips.elf: the same */
	{ "mips64", "mips64el.elf", 0x190, { 0x1c8, 0x1e8 }, 0x2c0, true },
	{ "riscv64", "riscv64.elf", 0x120, { 0x134, 0x142 }, 0x1a0, false },
	{ "powerpc64", "ppc64le.elf", 0xe8, { 0x13c, 0x164 }, 0x22c, true },
};

static const struct host_fx *host_fx(void)
{
	for (size_t i = 0; i < sizeof(host_fxs) / sizeof(host_fxs[0]); i++)
		if (!strcmp(host_fxs[i].arch, arch.name))
			return &host_fxs[i];
	ck_abort_msg("no fixture for %s", arch.name);
	return NULL;
}

static const char *fx_path(void)
{
	const struct host_fx *f = host_fx();
	if (!strcmp(f->arch, "mips") && arch.big_endian)
		return FIXDIR "mips.elf";
	return xprintf(FIXDIR "%s", f->file);
}

struct ex {
	const char *rest;
	struct probe probe;
	struct vec out;
};

static void do_expand(void *arg)
{
	struct ex *e = arg;
	prov_usdt.expand(&e->probe, e->rest, (struct loc){ 0, 0 }, &e->out);
}

/* Expand spec ("usdt:..." or "U:..."): the diagnostics, "" when none */
static const char *expand(struct ex *e, const char *spec)
{
	memset(e, 0, sizeof(*e));
	cur_src = NULL;
	ck_assert_ptr_eq(provider_find(spec, &e->rest), &prov_usdt);
	return unit_capture(do_expand, e);
}

static struct vec expand_ok(const char *spec, int n)
{
	static struct ex e;
	const char *err = expand(&e, spec);
	ck_assert_msg(!*err, "%s: %s", spec, err);
	ck_assert_msg(e.out.n == n, "%s: %d attaches", spec, e.out.n);
	return e.out;
}

static void expand_fails(const char *spec, const char *msg)
{
	struct ex e;
	const char *err = expand(&e, spec);
	ck_assert_str_eq(err, xprintf("wisp: error: %s\n", msg));
}

START_TEST(expand_one)
{
	const struct host_fx *f = host_fx();
	const char *path = fx_path();
	struct vec v = expand_ok(xprintf("usdt:%s:wisp:add", path), 1);
	struct attach *a = v.v[0];
	ck_assert_str_eq(a->name, xprintf("usdt:%s:wisp:add", path));
	ck_assert_str_eq(a->target, xprintf("%s:wisp:add", path));
	ck_assert_str_eq(a->path, path);
	ck_assert(a->off == f->add);
	ck_assert(a->ref_ctr == 0);
	ck_assert(!a->optional && !a->ret && !a->func);
	ck_assert_int_eq(a->nuargs, 2);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(a->uargs[k].kind, UA_REG);
		ck_assert_int_eq(a->uargs[k].reg, arch.arg[k]);
		ck_assert_int_eq(a->uargs[k].size, arch.word);
		ck_assert(a->uargs[k].sign);
	}
	/* the provider left out, the alias */
	v = expand_ok(xprintf("U:%s:konst", path), 1);
	a = v.v[0];
	ck_assert_int_eq(a->nuargs, 2);
	ck_assert(a->uargs[0].kind == UA_CONST && a->uargs[0].val == 5 && a->uargs[0].size == 4);
	ck_assert(a->uargs[1].kind == UA_CONST && a->uargs[1].val == -3 && a->uargs[1].sign);
	v = expand_ok(xprintf("usdt:%s:other:small", path), 1);
	a = v.v[0];
	ck_assert_int_eq(a->nuargs, 3);
	ck_assert(a->uargs[1].size == 1 && !a->uargs[1].sign);
	ck_assert(a->uargs[2].size == 2 && a->uargs[2].sign);
}
END_TEST

START_TEST(expand_semaphore)
{
	const struct host_fx *f = host_fx();
	struct vec v = expand_ok(xprintf("usdt:%s:wisp:sem", fx_path()), 1);
	struct attach *a = v.v[0];
	ck_assert(a->ref_ctr == f->sem);
	ck_assert_int_eq(a->nuargs, 2);
}
END_TEST

/* A probe in two places: two attaches, one name */
START_TEST(expand_locations)
{
	const struct host_fx *f = host_fx();
	struct vec v = expand_ok(xprintf("usdt:%s:wisp:twice", fx_path()), 2);
	for (int k = 0; k < 2; k++) {
		struct attach *a = v.v[k];
		ck_assert(a->off == f->twice[k]);
		ck_assert_int_eq(a->nuargs, 0);
		ck_assert_str_eq(a->name, ((struct attach *)v.v[0])->name);
	}
}
END_TEST

START_TEST(expand_wildcards)
{
	const char *path = fx_path();
	struct vec v = expand_ok(xprintf("usdt:%s:wisp:*", path), 6);
	for (int k = 0; k < v.n; k++)
		ck_assert(((struct attach *)v.v[k])->optional);
	expand_ok(xprintf("usdt:%s:*", path), 7);
	expand_ok(xprintf("usdt:%s:*:*", path), 7);
	expand_ok(xprintf("usdt:%s:*:s*", path), 2);	/* small, sem */
	expand_ok(xprintf("usdt:%s:oth?r:*", path), 1);
	expand_ok(xprintf("usdt:%s:tw?ce", path), 2);
}
END_TEST

/* Arguments that cannot be decoded are no error until argN is read */
START_TEST(expand_undecodable)
{
	const struct host_fx *f = host_fx();
	struct vec v = expand_ok(xprintf("usdt:%s:wisp:mem", fx_path()), 1);
	struct attach *a = v.v[0];
	if (f->mem_ok) {
		ck_assert_int_eq(a->nuargs, 3);
		ck_assert_ptr_null(a->uargs_error);
		return;
	}
	ck_assert_int_eq(a->nuargs, -1);
	ck_assert_ptr_null(a->uargs);
	ck_assert_ptr_nonnull(a->uargs_error);
	ck_assert_msg(!strncmp(a->uargs_error, "argument 2 (", 12) && strstr(a->uargs_error, "symbol"),
		      "%s", a->uargs_error);
}
END_TEST

START_TEST(expand_errors)
{
	const char *path = fx_path();
	expand_fails(xprintf("usdt:%s:wisp:nope", path),
		     xprintf("no USDT probe matches 'wisp:nope' in %s", path));
	expand_fails(xprintf("usdt:%s:nope", path),
		     xprintf("no USDT probe matches '*:nope' in %s", path));
	expand_fails(xprintf("usdt:%s", path),
		     "usdt probe needs a file and a probe name: usdt:PATH:[PROVIDER:]NAME");
	expand_fails("usdt:", "usdt probe needs a file and a probe name: usdt:PATH:[PROVIDER:]NAME");
	expand_fails(xprintf("usdt:%s:a:b:c", path),
		     "usdt probe needs a file and a probe name: usdt:PATH:[PROVIDER:]NAME");
	expand_fails("usdt:/no/such/file:a:b", xprintf("/no/such/file: %s", strerror(ENOENT)));
	expand_fails("usdt:" FIXDIR "fixture.c:a:b",
		     "cannot read " FIXDIR "fixture.c: not an ELF file");
	/* an ELF file without notes: this test program */
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	expand_fails(xprintf("usdt:%s:a:b", self),
		     xprintf("%s has no USDT probes (no .note.stapsdt section)", self));
	struct ex e;
	const char *err = expand(&e, "usdt:libwisp_no_such_lib:a:b");
	ck_assert_msg(strstr(err, "no library or program named 'libwisp_no_such_lib'"), "%s", err);
}
END_TEST

/* ------------------------------------------------------------ -l */

static char *capture_stdout(void (*f)(void *), void *arg)
{
	fflush(stdout);
	FILE *tmp = tmpfile();
	ck_assert_ptr_nonnull(tmp);
	int saved = dup(STDOUT_FILENO);
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

static void do_list(void *arg)
{
	prov_usdt.list(arg, false);
}

static char *list(const char *pattern)
{
	return capture_stdout(do_list, (void *)pattern);
}

START_TEST(listing)
{
	const char *p = FIXDIR "x86_64.elf";
	const char *all = xprintf("usdt:%s:other:small\nusdt:%s:wisp:add\nusdt:%s:wisp:konst\n"
				  "usdt:%s:wisp:mem\nusdt:%s:wisp:sem\nusdt:%s:wisp:twice\n",
				  p, p, p, p, p, p);
	ck_assert_str_eq(list(xprintf("usdt:%s:*", p)), all);
	ck_assert_str_eq(list(xprintf("usdt:%s", p)), all);
	ck_assert_str_eq(list(xprintf("usdt:%s:*:*", p)), all);
	ck_assert_str_eq(list(xprintf("usdt:%s:wisp:t*", p)), xprintf("usdt:%s:wisp:twice\n", p));
	ck_assert_str_eq(list(xprintf("usdt:%s:s*", p)),
			 xprintf("usdt:%s:other:small\nusdt:%s:wisp:sem\n", p, p));
	/* no file: nothing to look in */
	ck_assert_str_eq(list("usdt:*"), "");
	ck_assert_str_eq(list(NULL), "");
	ck_assert_str_eq(list("tracepoint:*"), "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("usdt");
	TCase *tc = tcase_create("specs");
	tcase_add_test(tc, spec_text);
	tcase_add_test(tc, spec_fixtures);
	tcase_add_test(tc, spec_resolved);
	suite_add_tcase(s, tc);
	tc = tcase_create("provider");
	tcase_add_test(tc, expand_one);
	tcase_add_test(tc, expand_semaphore);
	tcase_add_test(tc, expand_locations);
	tcase_add_test(tc, expand_wildcards);
	tcase_add_test(tc, expand_undecodable);
	tcase_add_test(tc, expand_errors);
	tcase_add_test(tc, listing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
