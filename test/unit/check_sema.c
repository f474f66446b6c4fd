/* check_sema.c - type rules and every compile-time error message. */
#include "unit.h"

static const char *prog_text;
static int nparams;
static char **params;
static bool unsafe_;

static void compile(void *arg)
{
	(void)arg;
	static struct source src;
	src.name = "stdin";
	src.text = prog_text;
	struct program *ast = parse(&src);
	struct prog *p = sema(ast, nparams, params, unsafe_);
	codegen(p);
}

/* The diagnostics of compiling text ("" when it compiles). */
static const char *diag(const char *text)
{
	prog_text = text;
	nparams = 0;
	params = NULL;
	unsafe_ = false;
	return unit_capture(compile, NULL);
}

#define ERR(text, msg) ck_assert_str_eq(diag(text), msg)
#define HAS(text, sub) do { const char *d_ = diag(text); \
	ck_assert_msg(strstr(d_, sub) != NULL, "want '%s' in: %s", sub, d_); } while (0)
#define OK(text) ck_assert_str_eq(diag(text), "")

START_TEST(accepts)
{
	OK("BEGIN { @x = 1; @y[1, \"a\"] = count(); $v = 3; $v += 2; @x++; printf(\"%d %s\\n\", $v, comm); }");
	OK("BEGIN { @h = hist(5); @l = lhist(5, 0, 100, 10); @s = stats(3); @a = avg(2); @mi = min(1); @ma = max(1); @su = sum(2); }");
	OK("BEGIN { @t[(1, \"x\")] = 1; $t = (1, \"two\", -3); print($t); print(@t); clear(@t); zero(@x); @x = 2; delete(@x); }");
	OK("END { if (@c > 1) { exit(); } else if (pid == 2) { exit(3); } else { return; } } BEGIN { @c = 1; }");
	OK("BEGIN { @q = quantize(3); $s = \"abc\"; if ($s == \"abc\") { printf(\"%s\\n\", $s); } }");
	OK("BEGIN { $i = 0; while ($i < 10) { $i++; } unroll(3) { @u = count(); } }");
	OK("BEGIN { printf(\"%d\\n\", strncmp(comm, \"wisp\", 4)); printf(\"%d\\n\", strcontains(comm, \"is\")); }");
	OK("BEGIN { printf(\"%s %d %u\\n\", ntop(0x0100007f), sizeof(uint16), bswap((uint16)1)); time(); time(\"%H\\n\"); }");
	OK("BEGIN { printf(\"%s\\n\", strftime(\"%H:%M:%S\", nsecs)); @b = (int8)-1; @c = (u32)-1; }");
	OK("t:syscalls:sys_enter_execve { printf(\"%s %c\\n\", str(args->argv[1]), args->filename[0]); @[comm[0]] = count(); }");
}
END_TEST

START_TEST(errors)
{
	ERR("BEGIN { foo; }",
	    "stdin:1:9: error: unknown identifier 'foo'\nBEGIN { foo; }\n        ^~~\n");
	ERR("BEGIN { bar(1); }",
	    "stdin:1:9: error: unknown function 'bar'\nBEGIN { bar(1); }\n        ^~~\n");
	HAS("BEGIN { @m[1] = 1; @m[\"a\"] = 2; }", "error: map @m used with two key types: [int64] and [string[2]]");
	HAS("BEGIN { @m = 1; @m = \"a\"; }", "error: map @m holds int64, cannot assign string[2]");
	HAS("BEGIN { count(); }", "error: count() is an aggregation: assign it to a map");
	HAS("BEGIN { @x = count(); @x = 1; }", "error: map @x holds count() values: assign it count() only");
	HAS("BEGIN { printf(\"%d\\n\", args->x); }", "error: args is not available in BEGIN probes");
	HAS("BEGIN { printf(\"%d\\n\", comm); }", "error: printf: %d expects an integer, got string[16]");
	HAS("BEGIN { printf(\"%d %d\\n\", 1); }", "error: printf: too few arguments");
	HAS("BEGIN { printf(\"%d\\n\", 1, 2); }", "error: printf: too many arguments");
	HAS("BEGIN { $x++; }", "error: variable $x is used before it is assigned");
	HAS("BEGIN { printf(\"%d\\n\", $y); }", "error: variable $y is used before it is assigned");
	HAS("BEGIN { system(\"ls\"); }", "error: system() runs commands: it needs --unsafe");
	OK("BEGIN { printf(\"%d %s\\n\", $1, str($2)); }");	/* missing: 0 and "" */
	HAS("BEGIN { printf(\"%d\\n\", $0); }", "error: positional parameters start at $1");
	HAS("BEGIN { printf(\"%d\\n\", cpid); }", "error: cpid is only known with -c CMD");
	HAS("nosuch:x { }", "error: unknown probe type in 'nosuch:x'");
	HAS("BEGIN { @l = lhist(1, 0, 10, 0); }", "error: lhist() step must be positive");
	HAS("BEGIN { @l = lhist(1, 10, 0, 1); }", "error: lhist() max must be greater than min");
	HAS("BEGIN { @h = hist(\"a\"); }", "error: expected an integer, got string[2]");
	HAS("BEGIN { @x = 1 + \"a\"; }", "error: '+' needs integers, got string[2]");
	HAS("BEGIN { @c = count(); printf(\"%d\\n\", @c); }", "error: map @c holds count() values, which cannot be read");
	HAS("BEGIN { print(1, 2); }", "error: print() of a value takes no other arguments");
	HAS("BEGIN { clear(1); }", "error: clear() expects a map, like clear(@name)");
	HAS("BEGIN { $x = 1; $x = \"s\"; }", "error: variable $x holds int64, cannot assign string[2]");
	HAS("BEGIN { @r = @never; }", "error: map @never is read but never assigned");
	HAS("BEGIN { str(1, 0); }", "error: str()'s length must be from 1 to 256");
	HAS("BEGIN { exit(1, 2); }", "error: exit() takes 0 to 1 arguments, 2 given");
	HAS("BEGIN { @x = (struct no_such_struct *)curtask; }", "error: unknown type 'struct no_such_struct': ");
	HAS("BEGIN { printf(\"%s %s %s %s %s %s %s %s\\n\", str(0), str(0), str(0), str(0), str(0), str(0), str(0), str(0)); }",
	    "error: this probe needs more than the 512 bytes of stack the kernel allows");
	HAS("BEGIN { @x = 1; } END { @x[1] = 2; }", "error: map @x used with two key types");
	HAS("BEGIN { unroll(100) { unroll(100) { unroll(100) { @x = 1; @y = 2; } } } }",
	    "error: this probe has more than the 1000000 instructions the kernel allows (unroll less)");
	HAS("BEGIN { @x = comm[16]; }", "error: index 16 is out of bounds: 16 elements");
	HAS("BEGIN { @x = comm[pid]; }", "error: an array index must be an integer constant");
	HAS("BEGIN { @x = pid[0]; }", "error: cannot index uint32");
}
END_TEST

START_TEST(types)
{
	prog_text = "BEGIN { @a = pid; @b = comm; @c[comm, pid] = count(); @d = (1, \"ab\"); @e = hist(1); @f[1] = lhist(3, 0, 10, 2); }";
	static struct source src;
	src.name = "stdin";
	src.text = prog_text;
	struct prog *p = sema(parse(&src), 0, NULL, false);
	ck_assert_int_eq(p->maps.n, 6);
	struct map **m = (struct map **)p->maps.v;
	ck_assert_str_eq(type_name(m[0]->val), "uint64");
	ck_assert_int_eq(m[0]->key_size, 8);
	ck_assert_str_eq(type_name(m[1]->val), "string[16]");
	ck_assert_str_eq(type_name(m[2]->key), "(string[16],uint64)");
	ck_assert_int_eq(m[2]->key_size, 24);
	ck_assert(m[2]->percpu);
	ck_assert_int_eq(m[2]->val_size, 8);
	ck_assert_str_eq(type_name(m[3]->val), "(int64,string[3])");
	ck_assert_int_eq(m[3]->val_size, 16);
	ck_assert_int_eq(m[4]->key_size, 8);	/* bucket only */
	ck_assert_int_eq(m[5]->key_size, 16);	/* u64 key + bucket */
	ck_assert_int_eq(m[5]->val->lmax, 10);
	ck_assert(p->events == NULL);
}
END_TEST

/* C types from declarations in the script: the type of each access, and
 * every error a user can make with them */
#define REC "struct rec { int i; unsigned char name[8]; unsigned bf:3; int sbf:5; " \
	"struct rec *next; short arr[4]; union { long l; char c; } u; void *v; struct fw *f; };\n" \
	"enum color { RED, GREEN = 5, BLUE }; typedef struct rec rec_t;\n"

/* the type sema gives the expression e in BEGIN, with decls declared */
static const char *ctype_of_expr_in(const char *decls, const char *e)
{
	prog_text = xprintf("%sBEGIN { $p = (struct rec *)0; $x = %s; }", decls, e);
	static struct source src;
	src.name = "stdin";
	src.text = prog_text;
	struct prog *p = sema(parse(&src), 0, NULL, false);
	struct probe *pr = p->probes.v[0];
	return type_name(((struct var *)pr->vars.v[1])->type);
}

static const char *ctype_of_expr(const char *e)
{
	return ctype_of_expr_in(REC, e);
}

START_TEST(ctypes)
{
	ck_assert_str_eq(ctype_of_expr("$p"), "struct rec *");
	ck_assert_str_eq(ctype_of_expr("$p->i"), "int64");	/* variables widen */
	ck_assert_str_eq(ctype_of_expr("$p->name"), "string[8]");
	ck_assert_str_eq(ctype_of_expr("$p->next->next"), "struct rec *");
	ck_assert_str_eq(ctype_of_expr("$p->arr[1] + 1"), "int64");
	ck_assert_str_eq(ctype_of_expr("&$p->arr[1]"), "int16 *");
	ck_assert_str_eq(ctype_of_expr("&$p->u"), "union (anonymous) *");
	ck_assert_str_eq(ctype_of_expr("$p + 1"), "struct rec *");
	ck_assert_str_eq(ctype_of_expr("(rec_t *)$p"), "struct rec *");
	ck_assert_str_eq(ctype_of_expr("*(uint32 *)$p"), "uint64");
	ck_assert_str_eq(ctype_of_expr("(unsigned long long *)0"), "uint64 *");
	ck_assert_str_eq(ctype_of_expr("GREEN + BLUE"), "int64");
	OK(REC "BEGIN { $p = (struct rec *)0; @[$p->name, $p->bf, $p->u.c] = count(); "
	   "printf(\"%s %d\\n\", $p->name, $p->sbf); @s = sizeof(struct rec); "
	   "@o = offsetof(struct rec, u.c); @e = BLUE; }");
	ck_assert_str_eq(diag(REC "BEGIN { @ = sizeof(struct rec) + offsetof(struct rec, next); }"), "");
	HAS(REC "BEGIN { $p = (struct rec *)0; $p->nope }", "error: struct rec has no member 'nope'");
	HAS(REC "BEGIN { $p = (struct rec *)0; $p->i->x }", "error: this has no fields (it is int32)");
	HAS(REC "BEGIN { $p = (struct rec *)0; $p->f->x }",
	    "error: unknown type 'struct fw': ");
	HAS(REC "BEGIN { $p = (struct rec *)0; *$p->v }", "error: cannot dereference void *: what it points to has no size");
	HAS(REC "BEGIN { $p = (struct rec *)0; $q = $p->u; }",
	    "error: cannot store union (anonymous) in a variable");
	HAS(REC "BEGIN { @ = offsetof(struct rec, bf); }", "error: offsetof: 'bf' is a bitfield");
	HAS(REC "BEGIN { @ = offsetof(struct rec, nope); }", "error: struct rec has no member 'nope'");
	HAS(REC "BEGIN { @ = *pid; }", "error: cannot dereference uint32: cast it to a pointer type first");
	HAS(REC "BEGIN { @ = &pid; }", "error: '&' needs a struct member, an array element or *pointer");
	HAS(REC "BEGIN { @ = (struct rec)0; }", "error: cannot cast to struct rec: only to integers and pointers");
	HAS(REC "BEGIN { @ = PURPLE; }", "error: unknown identifier 'PURPLE'");
	HAS("struct a { int x; } BEGIN { }", "error: ");
	HAS("struct a { foo_t x; }; BEGIN { }", "error: unknown type name 'foo_t'");
	/* a declared struct holding kernel structs by value (dcsnoop.bt's
	 * nameidata): their sizes and members come from the kernel's BTF */
	if (btf_kernel()) {
		ck_assert_str_eq(ctype_of_expr_in("struct nd { struct path path; struct qstr last; }; struct rec { int x; };\n",
						  "((struct nd *)0)->last.name"), "unsigned char *");
		ck_assert_str_eq(diag("struct nd { struct path path; struct qstr last; };\n"
				      "BEGIN { @s[sizeof(struct nd), offsetof(struct nd, last)] = count(); }"), "");
	} else {
		printf("SKIP kernel structs by value in declarations: %s\n", btf_kernel_error());
	}
	/* kstack and friends */
	OK("BEGIN { @[kstack] = count(); @[kstack(perf, 5)] = count(); @u[ustack(raw)] = count(); "
	   "printf(\"%s %s %s\\n\", kstack, ksym(1), usym(2)); }");
	HAS("BEGIN { @[kstack(fast)] = count(); }", "error: kstack(): unknown mode 'fast'");
	HAS("BEGIN { @[kstack(200)] = count(); }", "error: kstack(): the frame count must be from 1 to 127");
	HAS("BEGIN { @ = uaddr(\"main\"); }", "error: uaddr() needs a uprobe or usdt probe");
	HAS("BEGIN { @ = kaddr(\"no_such_kernel_symbol_wisp\"); }",
	    "error: kaddr: no kernel symbol 'no_such_kernel_symbol_wisp' in /proc/kallsyms");
}
END_TEST

int main(void)
{
	setenv("WISP_TRACEFS", SRCDIR "/test/data/tracefs", 1);
	Suite *s = suite_create("sema");
	TCase *tc = tcase_create("sema");
	tcase_add_test(tc, accepts);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, types);
	tcase_add_test(tc, ctypes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
