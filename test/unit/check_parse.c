/* check_parse.c - the parser and ast_dump: precedence, every statement
 * form, probes and specs, node locations, every syntax error, and the
 * limits that keep hostile input from crashing it. */
#include "unit.h"

static struct source src;
static struct program *prog;

static void do_parse(void *arg)
{
	src.name = "stdin";
	src.text = arg;
	prog = parse(&src);
}

static struct program *parse_ok(const char *text)
{
	const char *err = unit_capture(do_parse, (void *)text);
	ck_assert_msg(!*err, "unexpected error parsing <%s>:\n%s", text, err);
	return prog;
}

static const char *dump_prog(struct program *p)
{
	char *buf;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	ast_dump(m, p);
	fclose(m);
	char *r = xstrdup(buf);
	free(buf);
	return r;
}

/* ast_dump of a whole program */
static const char *dump(const char *text)
{
	return dump_prog(parse_ok(text));
}

/* ast_dump of the statements of `BEGIN { body }` (each at depth 1) */
static const char *body(const char *body)
{
	const char *d = dump(xprintf("BEGIN { %s }", body));
	ck_assert(!strncmp(d, "probe BEGIN\n", 12));
	return d + 12;
}

/* The full diagnostic for text ("" when it parses). */
static const char *perr(const char *text)
{
	return unit_capture(do_parse, (void *)text);
}

/* The message alone, between "error: " and the end of its line. */
static const char *pmsg(const char *text)
{
	const char *e = perr(text), *m = strstr(e, "error: ");
	ck_assert_msg(m != NULL, "no error parsing <%s>", text);
	m += 7;
	return xstrndup(m, strcspn(m, "\n"));
}

/* the first statement of the first probe, through an N_EXPR */
static struct node *first_expr(const char *text)
{
	struct node *s = parse_ok(text)->probes[0]->body->args[0];
	return s->kind == N_EXPR ? s->lhs : s;
}

/* ------------------------------------------------------ precedence */

START_TEST(prec_mul_add)
{
	ck_assert_str_eq(body("1 + 2 * 3"),
			 " +\n  int 1\n  *\n   int 2\n   int 3\n");
	ck_assert_str_eq(body("(1 + 2) * 3"),
			 " *\n  +\n   int 1\n   int 2\n  int 3\n");
	ck_assert_str_eq(body("1 - 2 - 3"),
			 " -\n  -\n   int 1\n   int 2\n  int 3\n");
	ck_assert_str_eq(body("8 / 4 % 3 * 2"),
			 " *\n  %\n   /\n    int 8\n    int 4\n   int 3\n  int 2\n");
}
END_TEST

START_TEST(prec_levels)
{
	/* one operator of each level, lowest first: each nests in the one before */
	ck_assert_str_eq(body("a || b && c | d ^ e & f == g < h << i + j * k"),
			 " ||\n"
			 "  builtin a\n"
			 "  &&\n"
			 "   builtin b\n"
			 "   |\n"
			 "    builtin c\n"
			 "    ^\n"
			 "     builtin d\n"
			 "     &\n"
			 "      builtin e\n"
			 "      ==\n"
			 "       builtin f\n"
			 "       <\n"
			 "        builtin g\n"
			 "        <<\n"
			 "         builtin h\n"
			 "         +\n"
			 "          builtin i\n"
			 "          *\n"
			 "           builtin j\n"
			 "           builtin k\n");
	/* and the other way round */
	ck_assert_str_eq(body("a * b + c >> d >= e != f & g ^ h | i && j || k"),
			 " ||\n"
			 "  &&\n"
			 "   |\n"
			 "    ^\n"
			 "     &\n"
			 "      !=\n"
			 "       >=\n"
			 "        >>\n"
			 "         +\n"
			 "          *\n"
			 "           builtin a\n"
			 "           builtin b\n"
			 "          builtin c\n"
			 "         builtin d\n"
			 "        builtin e\n"
			 "       builtin f\n"
			 "      builtin g\n"
			 "     builtin h\n"
			 "    builtin i\n"
			 "   builtin j\n"
			 "  builtin k\n");
}
END_TEST

START_TEST(prec_same_level)
{
	ck_assert_str_eq(body("a < b <= c > d >= e"),
			 " >=\n  >\n   <=\n    <\n     builtin a\n     builtin b\n"
			 "    builtin c\n   builtin d\n  builtin e\n");
	ck_assert_str_eq(body("a == b != c"),
			 " !=\n  ==\n   builtin a\n   builtin b\n  builtin c\n");
	ck_assert_str_eq(body("1 << 2 >> 3"),
			 " >>\n  <<\n   int 1\n   int 2\n  int 3\n");
	/* C's trap kept: & binds looser than == */
	ck_assert_str_eq(body("$x & 1 == 0"),
			 " &\n  var $x\n  ==\n   int 1\n   int 0\n");
}
END_TEST

START_TEST(prec_ternary)
{
	ck_assert_str_eq(body("1 ? 2 : 3 ? 4 : 5"),
			 " ?:\n  int 1\n  int 2\n  ?:\n   int 3\n   int 4\n   int 5\n");
	ck_assert_str_eq(body("a || b ? c + 1 : d"),
			 " ?:\n  ||\n   builtin a\n   builtin b\n  +\n   builtin c\n   int 1\n"
			 "  builtin d\n");
	ck_assert_str_eq(body("a ? b ? 1 : 2 : 3"),
			 " ?:\n  builtin a\n  ?:\n   builtin b\n   int 1\n   int 2\n  int 3\n");
}
END_TEST

START_TEST(prec_unary)
{
	ck_assert_str_eq(body("!a == b"),
			 " ==\n  !\n   builtin a\n  builtin b\n");
	ck_assert_str_eq(body("-a * ~b"),
			 " *\n  -\n   builtin a\n  ~\n   builtin b\n");
	ck_assert_str_eq(body("+5"), " int 5\n");
	ck_assert_str_eq(body("- -1"), " -\n  -\n   int 1\n");
	ck_assert_str_eq(body("!!$x"), " !\n  !\n   var $x\n");
	ck_assert_str_eq(body("~$x[1]"), " ~\n  index\n   var $x\n   int 1\n");
	ck_assert_str_eq(body("-$a->b"), " -\n  field -> b\n   var $a\n");
}
END_TEST

START_TEST(prec_postfix)
{
	ck_assert_str_eq(body("$a->b.c[2]"),
			 " index\n  field . c\n   field -> b\n    var $a\n  int 2\n");
	ck_assert_str_eq(body("args->filename"), " field -> filename\n  builtin args\n");
	ck_assert_str_eq(body("args.filename"), " field . filename\n  builtin args\n");
	ck_assert_str_eq(body("$t.0.1"), " field . 1\n  field . 0\n   var $t\n");
	ck_assert_str_eq(body("@m[1][2]"),
			 " index\n  map @m[1]\n   int 1\n  int 2\n");
	ck_assert_str_eq(body("f(1)->x"), " field -> x\n  call f\n   int 1\n");
}
END_TEST

/* -------------------------------------------- tuples, casts, parens */

START_TEST(tuples_parens)
{
	ck_assert_str_eq(body("(1)"), " int 1\n");
	ck_assert_str_eq(body("((((1))))"), " int 1\n");
	ck_assert_str_eq(body("(1, \"a\")"), " tuple\n  int 1\n  string \"a\"\n");
	ck_assert_str_eq(body("((1, 2))"), " tuple\n  int 1\n  int 2\n");
	ck_assert_str_eq(body("(1, (2, 3), $x)"),
			 " tuple\n  int 1\n  tuple\n   int 2\n   int 3\n  var $x\n");
	ck_assert_str_eq(body("(pid)"), " builtin pid\n");
	ck_assert_str_eq(body("(pid) + 1"), " +\n  builtin pid\n  int 1\n");
}
END_TEST

START_TEST(casts)
{
	ck_assert_str_eq(body("(uint8)1"), " cast (uint8)\n  int 1\n");
	ck_assert_str_eq(body("(u64)1 + 1"), " +\n  cast (u64)\n   int 1\n  int 1\n");
	ck_assert_str_eq(body("(int16)args->x"), " cast (int16)\n  field -> x\n   builtin args\n");
	ck_assert_str_eq(body("(struct task_struct *)curtask"),
			 " cast (struct task_struct *)\n  builtin curtask\n");
	ck_assert_str_eq(body("(struct  sk**)0"), " cast (struct sk **)\n  int 0\n");
	ck_assert_str_eq(body("(struct foo)$x"), " cast (struct foo)\n  var $x\n");
	ck_assert_str_eq(body("(union u *)0"), " cast (union u *)\n  int 0\n");
	ck_assert_str_eq(body("(unsigned long long *)0"),
			 " cast (unsigned long long *)\n  int 0\n");
	ck_assert_str_eq(body("*$p"), " *\n  var $p\n");
	ck_assert_str_eq(body("&$p->a[1]"), " &\n  index\n   field -> a\n    var $p\n   int 1\n");
	ck_assert_str_eq(body("offsetof(struct sock, __sk_common.skc_dport)"),
			 " offsetof (struct sock, __sk_common.skc_dport)\n");
	ck_assert_str_eq(body("sizeof(union u)"), " sizeof (union u)\n");
	ck_assert_str_eq(body("(uint8 *)$p"), " cast (uint8 *)\n  var $p\n");
	ck_assert_str_eq(body("(uint32[4])$p"), " cast (uint32[4])\n  var $p\n");
	ck_assert_str_eq(body("-(s8)(u8)$p"), " -\n  cast (s8)\n   cast (u8)\n    var $p\n");
	static const char *const names[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	};
	for (int i = 0; i < 16; i++) {
		struct node *n = first_expr(xprintf("BEGIN { (%s)1 }", names[i]));
		ck_assert_int_eq(n->kind, N_CAST);
		ck_assert_str_eq(n->name, names[i]);
	}
	/* other words in parentheses are expressions */
	ck_assert_int_eq(first_expr("BEGIN { (integer) }")->kind, N_BUILTIN);
	ck_assert_int_eq(first_expr("BEGIN { (int)1 }")->kind, N_CAST);
}
END_TEST

START_TEST(sizeofs)
{
	ck_assert_str_eq(body("sizeof(uint32)"), " sizeof (uint32)\n");
	ck_assert_str_eq(body("sizeof(struct task_struct)"), " sizeof (struct task_struct)\n");
	ck_assert_str_eq(body("sizeof(struct x *)"), " sizeof (struct x *)\n");
	ck_assert_str_eq(body("sizeof($x + 1)"), " sizeof\n  +\n   var $x\n   int 1\n");
	ck_assert_str_eq(body("sizeof(pid) * 2"), " *\n  sizeof\n   builtin pid\n  int 2\n");
}
END_TEST

/* ------------------------------------------------- primaries, calls */

START_TEST(primaries)
{
	ck_assert_str_eq(body("$1 + $# + $10"),
			 " +\n  +\n   param $1\n   param $#\n  param $10\n");
	struct node *n = first_expr("BEGIN { $12 }");
	ck_assert_int_eq(n->kind, N_PARAM);
	ck_assert_uint_eq(n->ival, 12);
	ck_assert_int_eq(first_expr("BEGIN { $# }")->kind, N_NPARAMS);
	ck_assert_str_eq(body("1_000 + 1e6 + 0x10 + 010"),
			 " +\n  +\n   +\n    int 1000\n    int 1000000\n   int 16\n  int 8\n");
	ck_assert_str_eq(body("\"a\\tb\\n\\\"\\\\\\001\""),
			 " string \"a\\tb\\n\\\"\\\\\\x01\"\n");
	n = first_expr("BEGIN { \"a\\0b\" }");
	ck_assert_int_eq(n->kind, N_STR);
	ck_assert_int_eq(n->slen, 3);
	ck_assert_mem_eq(n->str, "a\0b", 4);
	ck_assert_str_eq(body("comm; nsecs; arg0; retval"),
			 " builtin comm\n builtin nsecs\n builtin arg0\n builtin retval\n");
}
END_TEST

START_TEST(calls)
{
	ck_assert_str_eq(body("printf(\"%d %s\\n\", $x, comm)"),
			 " call printf\n  string \"%d %s\\n\"\n  var $x\n  builtin comm\n");
	ck_assert_str_eq(body("exit()"), " call exit\n");
	ck_assert_str_eq(body("@c = count()"), " assign =\n  map @c\n  call count\n");
	ck_assert_str_eq(body("@h = hist(arg0)"),
			 " assign =\n  map @h\n  call hist\n   builtin arg0\n");
	ck_assert_str_eq(body("@l = lhist($v, 0, 100, 10)"),
			 " assign =\n  map @l\n  call lhist\n   var $v\n   int 0\n   int 100\n"
			 "   int 10\n");
	ck_assert_str_eq(body("str(arg0, 8)"), " call str\n  builtin arg0\n  int 8\n");
	ck_assert_str_eq(body("delete(@m[$k])"),
			 " call delete\n  map @m[1]\n   var $k\n");
	ck_assert_str_eq(body("print(@m, 10, 2)"),
			 " call print\n  map @m\n  int 10\n  int 2\n");
	ck_assert_str_eq(body("time(\"%H\")"), " call time\n  string \"%H\"\n");
	ck_assert_str_eq(body("f (1)"), " call f\n  int 1\n");
	ck_assert_str_eq(body("f(g(h()))"), " call f\n  call g\n   call h\n");
}
END_TEST

START_TEST(maps)
{
	ck_assert_str_eq(body("@m[1, \"a\"] = 2"),
			 " assign =\n  map @m[2]\n   int 1\n   string \"a\"\n  int 2\n");
	ck_assert_str_eq(body("@ = 1"), " assign =\n  map @\n  int 1\n");
	ck_assert_str_eq(body("@[comm] = count()"),
			 " assign =\n  map @[1]\n   builtin comm\n  call count\n");
	ck_assert_str_eq(body("@m[(1, 2)]"), " map @m[1]\n  tuple\n   int 1\n   int 2\n");
	ck_assert_str_eq(body("@m[@n[1]]"), " map @m[1]\n  map @n[1]\n   int 1\n");
	struct node *n = first_expr("BEGIN { @m[1, 2] }");
	ck_assert_int_eq(n->kind, N_MAP);
	ck_assert_str_eq(n->name, "@m");
	ck_assert_int_eq(n->nargs, 2);
	ck_assert_uint_eq(n->args[1]->ival, 2);
}
END_TEST

/* ------------------------------------------------------ statements */

START_TEST(assignments)
{
	static const struct {
		const char *op;
		enum op o;
	} ops[] = {
		{ "=", OP_NONE }, { "+=", OP_ADD }, { "-=", OP_SUB }, { "*=", OP_MUL },
		{ "/=", OP_DIV }, { "%=", OP_MOD }, { "&=", OP_AND }, { "|=", OP_OR },
		{ "^=", OP_XOR }, { "<<=", OP_SHL }, { ">>=", OP_SHR },
	};
	for (int i = 0; i < 11; i++) {
		ck_assert_str_eq(body(xprintf("$x %s 1", ops[i].op)),
				 xprintf(" assign %s\n  var $x\n  int 1\n", ops[i].op));
		struct node *n = first_expr(xprintf("BEGIN { @m[1] %s 2 }", ops[i].op));
		ck_assert_int_eq(n->kind, N_ASSIGN);
		ck_assert_int_eq(n->op, ops[i].o);
		ck_assert_int_eq(n->lhs->kind, N_MAP);
		ck_assert_int_eq(n->rhs->kind, N_INT);
	}
	ck_assert_str_eq(body("$x = $y == 1 ? 2 : 3"),
			 " assign =\n  var $x\n  ?:\n   ==\n    var $y\n    int 1\n   int 2\n"
			 "   int 3\n");
}
END_TEST

START_TEST(incdec)
{
	ck_assert_str_eq(body("$x++; $x--; ++$x; --$x"),
			 " post ++\n  var $x\n post --\n  var $x\n pre ++\n  var $x\n"
			 " pre --\n  var $x\n");
	ck_assert_str_eq(body("@m[pid]++; --@"),
			 " post ++\n  map @m[1]\n   builtin pid\n pre --\n  map @\n");
	struct node *n = first_expr("BEGIN { $x++ }");
	ck_assert_int_eq(n->kind, N_INCDEC);
	ck_assert_int_eq(n->op, OP_ADD);
	ck_assert(n->post);
	n = first_expr("BEGIN { --$x }");
	ck_assert_int_eq(n->op, OP_SUB);
	ck_assert(!n->post);
	ck_assert_str_eq(body("$y = $x++ + 1"),
			 " assign =\n  var $y\n  +\n   post ++\n    var $x\n   int 1\n");
}
END_TEST

START_TEST(if_else)
{
	ck_assert_str_eq(body("if ($x) { 1 }"), " if\n  var $x\n  then\n   int 1\n");
	ck_assert_str_eq(body("if ($x > 1) { 1; 2 } else { 3 }"),
			 " if\n  >\n   var $x\n   int 1\n  then\n   int 1\n   int 2\n"
			 "  else\n   int 3\n");
	ck_assert_str_eq(body("if (1) { } else if (2) { 3 } else { 4 }"),
			 " if\n  int 1\n  then\n  else\n   if\n    int 2\n    then\n     int 3\n"
			 "    else\n     int 4\n");
	/* the else-if is an N_IF in els, ending in a block */
	struct node *n = first_expr("BEGIN { if (1) {} else if (2) {} else if (3) {} }");
	ck_assert_int_eq(n->kind, N_IF);
	ck_assert_int_eq(n->then->kind, N_BLOCK);
	ck_assert_int_eq(n->els->kind, N_IF);
	ck_assert_int_eq(n->els->els->kind, N_IF);
	ck_assert_ptr_null(n->els->els->els);
	n = first_expr("BEGIN { if (1) {} else if (2) {} else { 5 } }");
	ck_assert_int_eq(n->els->els->kind, N_BLOCK);
	ck_assert_int_eq(n->els->els->nargs, 1);
}
END_TEST

START_TEST(loops)
{
	ck_assert_str_eq(body("while ($i < 10) { $i++; }"),
			 " while\n  <\n   var $i\n   int 10\n  do\n   post ++\n    var $i\n");
	ck_assert_str_eq(body("unroll (4) { @x++ }"), " unroll 4\n  post ++\n   map @x\n");
	struct node *n = first_expr("BEGIN { unroll(100) {} }");
	ck_assert_int_eq(n->kind, N_UNROLL);
	ck_assert_uint_eq(n->ival, 100);
	ck_assert_int_eq(n->body->kind, N_BLOCK);
	n = first_expr("BEGIN { unroll(1) {} }");
	ck_assert_uint_eq(n->ival, 1);
	n = first_expr("BEGIN { while (1) { 2 } }");
	ck_assert_int_eq(n->kind, N_WHILE);
	ck_assert_int_eq(n->body->nargs, 1);
}
END_TEST

START_TEST(blocks_and_separators)
{
	ck_assert_str_eq(body("{ 1; { 2 } }"), " block\n  int 1\n  block\n   int 2\n");
	ck_assert_str_eq(body(";; 1;; ; 2;"), " int 1\n int 2\n");
	ck_assert_str_eq(body(""), "");
	ck_assert_str_eq(body("return"), " return\n");
	ck_assert_str_eq(body("if (1) { return; } 2"), " if\n  int 1\n  then\n   return\n int 2\n");
	/* statements ending in a block need no ';' */
	ck_assert_str_eq(body("if (1) {} while (1) {} unroll (2) {} {} 3"),
			 " if\n  int 1\n  then\n while\n  int 1\n  do\n unroll 2\n block\n int 3\n");
	struct node *b = parse_ok("BEGIN { 1; 2; 3 }")->probes[0]->body;
	ck_assert_int_eq(b->kind, N_BLOCK);
	ck_assert_int_eq(b->nargs, 3);
	ck_assert_int_eq(b->args[0]->kind, N_EXPR);
	ck_assert_int_eq(b->args[0]->lhs->kind, N_INT);
}
END_TEST

/* ---------------------------------------------------------- probes */

START_TEST(probes)
{
	ck_assert_str_eq(dump("BEGIN { 1 } END { 2 }"),
			 "probe BEGIN\n int 1\nprobe END\n int 2\n");
	ck_assert_str_eq(dump("BEGIN{}END{}"), "probe BEGIN\nprobe END\n");
	ck_assert_str_eq(dump("kprobe:a,\n  kprobe:b ,kprobe:c\n{ }"),
			 "probe kprobe:a, kprobe:b, kprobe:c\n");
	struct program *p = parse_ok("kprobe:a,\n\tkprobe:b {}\ninterval:s:1 { exit() }");
	ck_assert_int_eq(p->nprobes, 2);
	ck_assert_int_eq(p->probes[0]->kind, N_PROBE);
	ck_assert_int_eq(p->probes[0]->nspecs, 2);
	ck_assert_str_eq(p->probes[0]->specs[1].text, "kprobe:b");
	ck_assert_int_eq(p->probes[0]->specs[1].loc.off, 11);
	ck_assert_int_eq(p->probes[0]->specs[1].loc.len, 8);
	ck_assert_int_eq(p->probes[0]->loc.off, 0);
	ck_assert_ptr_null(p->probes[0]->cond);
	ck_assert_str_eq(p->probes[1]->specs[0].text, "interval:s:1");
	ck_assert_ptr_eq(cur_src, &src);
}
END_TEST

START_TEST(filters)
{
	ck_assert_str_eq(dump("tracepoint:syscalls:sys_enter_openat /pid == 1/ "
			      "{ printf(\"%s\\n\", str(args->filename)); }"),
			 "probe tracepoint:syscalls:sys_enter_openat\n"
			 " filter\n"
			 "  ==\n"
			 "   builtin pid\n"
			 "   int 1\n"
			 " call printf\n"
			 "  string \"%s\\n\"\n"
			 "  call str\n"
			 "   field -> filename\n"
			 "    builtin args\n");
	ck_assert_str_eq(dump("BEGIN/1/{}"), "probe BEGIN\n filter\n  int 1\n");
	/* a '/' inside the filter divides unless '{' follows it */
	ck_assert_str_eq(dump("BEGIN /pid / 2 == 1/ { }"),
			 "probe BEGIN\n filter\n  ==\n   /\n    builtin pid\n    int 2\n   int 1\n");
	ck_assert_str_eq(dump("BEGIN /$x/ /* c */\n{ }"),
			 "probe BEGIN\n filter\n  var $x\n");
	ck_assert_str_eq(dump("uprobe:/bin/bash:readline /pid == 1/ { }"),
			 "probe uprobe:/bin/bash:readline\n filter\n  ==\n   builtin pid\n   int 1\n");
	/* a '/' is division again outside filters */
	ck_assert_str_eq(body("$x / 2"), " /\n  var $x\n  int 2\n");
}
END_TEST

START_TEST(spec_forms)
{
	ck_assert_str_eq(dump("tracepoint:sched/sched_switch { }"),
			 "probe tracepoint:sched/sched_switch\n");
	ck_assert_str_eq(dump("t:sched:sched_switch,tracepoint:syscalls:sys_enter_* {}"),
			 "probe t:sched:sched_switch, tracepoint:syscalls:sys_enter_*\n");
	ck_assert_str_eq(dump("kprobe:vfs_read+0x10 {} profile:hz:99 {} "
			      "software:page-faults:100 {} usdt:/path:prov:name {}"),
			 "probe kprobe:vfs_read+0x10\nprobe profile:hz:99\n"
			 "probe software:page-faults:100\nprobe usdt:/path:prov:name\n");
}
END_TEST

START_TEST(shebang_include)
{
	ck_assert_str_eq(dump("#!/usr/bin/env bpftrace\n"
			      "#include <linux/sched.h>\n"
			      "#include \"net/sock.h\"\n"
			      "// a comment\n"
			      "BEGIN { 1 }\n"),
			 "probe BEGIN\n int 1\n");
	/* the note under -v goes to err_out */
	verbose = 1;
	const char *e = perr("#include <linux/fs.h>\nBEGIN { }");
	verbose = 0;
	ck_assert_str_eq(e, "wisp: note: ignoring #include <linux/fs.h>\n");
}
END_TEST

/* ------------------------------------------------------------ locs */

START_TEST(locations)
{
	/*                      0         1         2         3
	 *                      0123456789012345678901234567890123456 */
	struct node *s = first_expr("BEGIN { @map[1] += count() + $x->f }");
	ck_assert_int_eq(s->kind, N_ASSIGN);
	ck_assert_int_eq(s->loc.off, 16);	/* += */
	ck_assert_int_eq(s->loc.len, 2);
	ck_assert_int_eq(s->lhs->loc.off, 8);	/* @map */
	ck_assert_int_eq(s->lhs->loc.len, 4);
	struct node *plus = s->rhs;
	ck_assert_int_eq(plus->loc.off, 27);	/* + */
	ck_assert_int_eq(plus->loc.len, 1);
	ck_assert_int_eq(plus->lhs->loc.off, 19);	/* count */
	ck_assert_int_eq(plus->lhs->loc.len, 5);
	ck_assert_int_eq(plus->rhs->kind, N_FIELD);
	ck_assert_int_eq(plus->rhs->loc.off, 33);	/* f */
	ck_assert_int_eq(plus->rhs->lhs->loc.off, 29);	/* $x */
	ck_assert_int_eq(plus->rhs->lhs->loc.len, 2);

	/*                 0123456789012345678901234 */
	s = first_expr("BEGIN { (uint8)$x[2] && \"ab\" }");
	ck_assert_int_eq(s->loc.off, 21);	/* && */
	ck_assert_int_eq(s->loc.len, 2);
	ck_assert_int_eq(s->lhs->kind, N_CAST);
	ck_assert_int_eq(s->lhs->loc.off, 8);	/* (uint8) */
	ck_assert_int_eq(s->lhs->loc.len, 7);
	ck_assert_int_eq(s->lhs->lhs->kind, N_INDEX);
	ck_assert_int_eq(s->lhs->lhs->loc.off, 17);	/* [ */
	ck_assert_int_eq(s->rhs->loc.off, 24);	/* "ab" */
	ck_assert_int_eq(s->rhs->loc.len, 4);

	/*                 012345678901234567890 */
	s = first_expr("BEGIN { $x++ }");
	ck_assert_int_eq(s->loc.off, 10);
	s = first_expr("BEGIN { if (1) {} }");
	ck_assert_int_eq(s->loc.off, 8);
	ck_assert_int_eq(s->loc.len, 2);
}
END_TEST

/* ---------------------------------------------------------- errors */

START_TEST(error_full_text)
{
	ck_assert_str_eq(perr("BEGIN { printf(\"x\") x }"),
			 "stdin:1:21: error: expected ';' or '}' after statement, found 'x'\n"
			 "BEGIN { printf(\"x\") x }\n"
			 "                    ^\n");
	ck_assert_str_eq(perr("BEGIN {\n  @x = 1\n"),
			 "stdin:2:9: error: missing '}' at end of probe\n"
			 "  @x = 1\n"
			 "        ^\n");
	ck_assert_str_eq(perr("BEGIN { args->f = 1 }"),
			 "stdin:1:15: error: assignment to something that is not a variable or map\n"
			 "BEGIN { args->f = 1 }\n"
			 "              ^\n");
	ck_assert_str_eq(perr("BEGIN {}\n{ }"),
			 "stdin:2:1: error: expected a probe, found '{'\n"
			 "{ }\n"
			 "^\n");
	ck_assert_str_eq(perr("BEGIN { unroll (101) {} }"),
			 "stdin:1:17: error: unroll count must be an integer from 1 to 100\n"
			 "BEGIN { unroll (101) {} }\n"
			 "                ^~~\n");
}
END_TEST

static const struct {
	const char *text, *msg;
} errors[] = {
	{ "", "expected a probe, found end of input" },
	{ "// nothing\n", "expected a probe, found end of input" },
	{ "{ }", "expected a probe, found '{'" },
	{ "BEGIN {} }", "expected a probe, found '}'" },
	{ "BEGIN, {}", "expected a probe, found '{'" },
	{ "BEGIN x", "expected '{', a filter or ',' after probe spec, found 'x'" },
	{ "BEGIN", "expected '{', a filter or ',' after probe spec, found end of input" },
	{ "struct foo { int x; }", "this declaration does not end: ';' expected" },
	{ "BEGIN /1 {}", "expected '/' at end of filter, found '{'" },
	{ "BEGIN /1/ 2", "expected '/' at end of filter, found end of input" },
	{ "BEGIN /1/ 2/ ;", "expected an expression, found ';'" },
	{ "BEGIN /1/", "expected '{' after filter, found end of input" },
	{ "BEGIN { 1", "missing '}' at end of probe" },
	{ "BEGIN { if (1) { 2 }", "missing '}' at end of probe" },
	{ "BEGIN { if (1) { 2", "missing '}' at end of block" },
	{ "BEGIN { { ", "missing '}' at end of block" },
	{ "BEGIN { $x = 1 $y = 2 }", "expected ';' or '}' after statement, found '$y'" },
	{ "BEGIN { @x = 1 = 2 }", "expected ';' or '}' after statement, found '='" },
	{ "BEGIN { 1 \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }",
	  "expected ';' or '}' after statement, found '\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa...'" },
	{ "BEGIN { unroll(0) {} }", "unroll count must be an integer from 1 to 100" },
	{ "BEGIN { unroll(101) {} }", "unroll count must be an integer from 1 to 100" },
	{ "BEGIN { unroll($x) {} }", "unroll count must be an integer from 1 to 100" },
	{ "BEGIN { unroll(-1) {} }", "unroll count must be an integer from 1 to 100" },
	{ "BEGIN { unroll 5 {} }", "expected '(' after 'unroll', found '5'" },
	{ "BEGIN { unroll (5 {} }", "expected ')', found '{'" },
	{ "BEGIN { unroll (5) 1 }", "expected '{' after unroll count, found '1'" },
	{ "BEGIN { 1 = 2 }", "assignment to something that is not a variable or map" },
	{ "BEGIN { f() += 2 }", "assignment to something that is not a variable or map" },
	{ "BEGIN { $x[0] = 2 }", "assignment to something that is not a variable or map" },
	{ "BEGIN { 1++ }", "operand of '++' must be a variable or map" },
	{ "BEGIN { --f() }", "operand of '--' must be a variable or map" },
	{ "BEGIN { $x++-- }", "operand of '--' must be a variable or map" },
	{ "BEGIN { return 1 }", "'return' takes no value" },
	{ "BEGIN { if 1 {} }", "expected '(' after 'if', found '1'" },
	{ "BEGIN { if (1 {} }", "expected ')', found '{'" },
	{ "BEGIN { if (1) printf(\"x\"); }", "expected '{' after if condition, found 'printf'" },
	{ "BEGIN { if (1) {} else printf(); }",
	  "expected '{' or 'if' after 'else', found 'printf'" },
	{ "BEGIN { while 1 {} }", "expected '(' after 'while', found '1'" },
	{ "BEGIN { while (1) $x++; }", "expected '{' after while condition, found '$x'" },
	{ "BEGIN { else {} }", "'else' without 'if'" },
	{ "BEGIN { for ($x : @m) {} }", "'for' is not supported" },
	{ "BEGIN { break; }", "'break' is not supported" },
	{ "BEGIN { $x = ; }", "expected an expression, found ';'" },
	{ "BEGIN { $x = if; }", "expected an expression, found 'if'" },
	{ "BEGIN { while(1) {} while; }", "expected '(' after 'while', found ';'" },
	{ "BEGIN { return(); }", "'return' takes no value" },
	{ "BEGIN { struct(1) }", "expected an expression, found 'struct'" },
	{ "BEGIN { unroll + 1 }", "expected '(' after 'unroll', found '+'" },
	{ "BEGIN { $x = 1 + }", "expected an expression, found '}'" },
	{ "BEGIN { $x = / 2 }", "expected an expression, found '/'" },
	{ "BEGIN { sizeof 4 }", "expected '(' after 'sizeof', found '4'" },
	{ "BEGIN { sizeof(uint8 }", "expected ')', found '}'" },
	{ "BEGIN { (struct 1 *)0 }", "expected a struct name after 'struct', found '1'" },
	{ "BEGIN { (struct if)0 }", "expected a struct name after 'struct', found 'if'" },
	{ "BEGIN { (uint8 + 1) }", "expected ')' after the type of a cast, found '+'" },
	{ "BEGIN { (uint8[0])1 }", "array length must be an integer from 1 to 65536" },
	{ "BEGIN { (uint8[2)1 }", "expected ']', found ')'" },
	{ "BEGIN { $x->1 }", "expected a field name after '->', found '1'" },
	{ "BEGIN { $x. }", "expected a field name after '.', found '}'" },
	{ "BEGIN { () }", "expected an expression, found ')'" },
	{ "BEGIN { (1, ) }", "expected an expression, found ')'" },
	{ "BEGIN { (1 2) }", "expected ')' or ',', found '2'" },
	{ "BEGIN { f(1 }", "expected ')', found '}'" },
	{ "BEGIN { f(1,) }", "expected an expression, found ')'" },
	{ "BEGIN { @m[1 }", "expected ']', found '}'" },
	{ "BEGIN { @m[] }", "expected an expression, found ']'" },
	{ "BEGIN { $x[1 }", "expected ']', found '}'" },
	{ "BEGIN { 1 ? 2 }", "expected ':' in '?:', found '}'" },
	{ "BEGIN { \"x }", "unterminated string" },
	{ "BEGIN { 0x }", "invalid integer literal '0x'" },
	{ "BEGIN\n#pragma once\n#error X\n{ }", "unsupported preprocessor directive '#error'" },
};

START_TEST(error_messages)
{
	ck_assert_str_eq(pmsg(errors[_i].text), errors[_i].msg);
}
END_TEST

/* Errors point at the offending token. */
START_TEST(error_places)
{
	const char *e = perr("BEGIN { $x = (1, 2 3) }");
	ck_assert(strncmp(e, "stdin:1:20: ", 12) == 0);
	e = perr("BEGIN {\n\tif (1) {\n\t\t@x = 1 +\n\t}\n}");
	ck_assert_str_eq(e, "stdin:4:2: error: expected an expression, found '}'\n"
			    "\t}\n"
			    "\t^\n");
}
END_TEST

/* ---------------------------------------------------------- limits */

static const char *repeat(const char *s, int n)
{
	size_t l = strlen(s);
	char *r = xalloc(l * n + 1);
	for (int i = 0; i < n; i++)
		memcpy(r + i * l, s, l);
	return r;
}

START_TEST(deep_nesting)
{
	/* 1000 levels of anything: an error, never a crash */
	const char *deep[] = {
		xprintf("BEGIN { $x = %s1%s }", repeat("(", 1000), repeat(")", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("!", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("-(uint8)", 1000)),
		xprintf("BEGIN { $x = %s$x }", repeat("++", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("1 ? 2 : ", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("f(", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("@m[", 1000)),
		xprintf("BEGIN { $x = %s1 }", repeat("sizeof(", 1000)),
	};
	for (size_t i = 0; i < sizeof(deep) / sizeof(deep[0]); i++)
		ck_assert_str_eq(pmsg(deep[i]), "expression nested too deeply");
	ck_assert_str_eq(pmsg(xprintf("BEGIN { %s }", repeat("{", 1000))),
			 "blocks nested too deeply");
	ck_assert_str_eq(pmsg(xprintf("BEGIN { %s }", repeat("if (1) {", 1000))),
			 "blocks nested too deeply");
	ck_assert_str_eq(pmsg(xprintf("BEGIN { if (1) {} %s }", repeat("else if (1) {} ", 1000))),
			 "too many 'else if' branches");

	/* 1000 parentheses in a row is an error at the 201st */
	const char *e = perr(xprintf("BEGIN { %s }", repeat("(", 1000)));
	ck_assert(strncmp(e, "stdin:1:209: error: expression nested too deeply", 48) == 0);

	/* but 150 levels are fine */
	parse_ok(xprintf("BEGIN { $x = %s1%s }", repeat("(", 150), repeat(")", 150)));
	parse_ok(xprintf("BEGIN { %s%s }", repeat("{", 150), repeat("}", 150)));
	parse_ok(xprintf("BEGIN { if (1) {} %s }", repeat("else if (1) {} ", 150)));
}
END_TEST

/* Long chains need no recursion to parse but build tall trees, which
 * later stages walk recursively: bounded too. */
START_TEST(long_chains)
{
	ck_assert_str_eq(pmsg(xprintf("BEGIN { $x = %s1 }", repeat("1 + ", 100000))),
			 "expression nested too deeply");
	ck_assert_str_eq(pmsg(xprintf("BEGIN { $x = $y%s }", repeat("[1]", 100000))),
			 "expression nested too deeply");
	ck_assert_str_eq(pmsg(xprintf("BEGIN { $x = $y%s }", repeat(".a", 100000))),
			 "expression nested too deeply");
	/* long but flat is fine */
	parse_ok(xprintf("BEGIN { $x = %s1 }", repeat("1 + ", 500)));
	parse_ok(xprintf("BEGIN { f(%s1) }", repeat("1, ", 10000)));
	parse_ok(xprintf("BEGIN { %s }", repeat("$x = 1; ", 10000)));
	struct program *p = parse_ok(xprintf("%s", repeat("BEGIN { } ", 1000)));
	ck_assert_int_eq(p->nprobes, 1000);
}
END_TEST

/* --------------------------------------------------------- ast.c */

START_TEST(dump_types)
{
	struct program *p = parse_ok("BEGIN /pid == 1/ { @m[\"a\\x01\"] = 1 }");
	struct node *f = p->probes[0]->cond;
	f->type = type_int(8, false);
	f->lhs->type = type_int(4, false);
	struct node *a = p->probes[0]->body->args[0];
	a->lhs->args[0]->type = type_str(64);
	ck_assert_str_eq(dump_prog(p),
			 "probe BEGIN\n"
			 " filter\n"
			 "  == :: uint64\n"
			 "   builtin pid :: uint32\n"
			 "   int 1\n"
			 " assign =\n"
			 "  map @m[1]\n"
			 "   string \"a\\x01\" :: string[64]\n"
			 "  int 1\n");
}
END_TEST

START_TEST(op_strings)
{
	static const char *const want[] = {
		[OP_NONE] = "", [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*",
		[OP_DIV] = "/", [OP_MOD] = "%", [OP_AND] = "&", [OP_OR] = "|",
		[OP_XOR] = "^", [OP_SHL] = "<<", [OP_SHR] = ">>", [OP_LAND] = "&&",
		[OP_LOR] = "||", [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
		[OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_NEG] = "-",
		[OP_NOT] = "!", [OP_BNOT] = "~",
	};
	for (int i = OP_NONE; i <= OP_BNOT; i++)
		ck_assert_str_eq(op_str(i), want[i]);
}
END_TEST

/* C declarations at the top level, before, between and after probes: the
 * parser records where each is (up to its ';' outside braces) */
START_TEST(declarations)
{
	const char *text = "struct a { int x; struct { int y; } in; };\n"
			   "BEGIN { }\n"
			   "typedef unsigned int u_t;\n"
			   "enum e { A = 1, B };\n"
			   "union u { int i; char c[4]; };\n"
			   "END { }\n";
	struct program *p = parse_ok(text);
	ck_assert_int_eq(p->nprobes, 2);
	ck_assert_int_eq(p->ndecls, 4);
	const char *want[] = {
		"struct a { int x; struct { int y; } in; };", "typedef unsigned int u_t;",
		"enum e { A = 1, B };", "union u { int i; char c[4]; };",
	};
	for (int i = 0; i < 4; i++)
		ck_assert_str_eq(xstrndup(text + p->decls[i].off, p->decls[i].len), want[i]);
	ck_assert_str_eq(pmsg("struct a { int x; \nBEGIN { }"),
			 "this declaration does not end: ';' expected");
	ck_assert_str_eq(pmsg("struct a { int x; };"), "a program needs at least one probe");
	ck_assert_str_eq(pmsg("BEGIN { offsetof(struct a) }"), "expected ',', found ')'");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, prec_mul_add);
	tcase_add_test(tc, prec_levels);
	tcase_add_test(tc, prec_same_level);
	tcase_add_test(tc, prec_ternary);
	tcase_add_test(tc, prec_unary);
	tcase_add_test(tc, prec_postfix);
	tcase_add_test(tc, tuples_parens);
	tcase_add_test(tc, casts);
	tcase_add_test(tc, sizeofs);
	tcase_add_test(tc, primaries);
	tcase_add_test(tc, calls);
	tcase_add_test(tc, maps);
	tcase_add_test(tc, assignments);
	tcase_add_test(tc, incdec);
	tcase_add_test(tc, if_else);
	tcase_add_test(tc, loops);
	tcase_add_test(tc, blocks_and_separators);
	tcase_add_test(tc, probes);
	tcase_add_test(tc, filters);
	tcase_add_test(tc, spec_forms);
	tcase_add_test(tc, shebang_include);
	tcase_add_test(tc, locations);
	tcase_add_test(tc, error_full_text);
	tcase_add_loop_test(tc, error_messages, 0, sizeof(errors) / sizeof(errors[0]));
	tcase_add_test(tc, error_places);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, long_chains);
	tcase_add_test(tc, dump_types);
	tcase_add_test(tc, op_strings);
	tcase_add_test(tc, declarations);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
