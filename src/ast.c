/* ast.c - operator names and the tree printer behind `wisp -d`.
 *
 * One node a line, children indented one space deeper; after sema a node
 * with a type shows it as " :: TYPE":
 *
 *   probe tracepoint:syscalls:sys_enter_openat
 *    filter
 *     == :: uint64
 *      builtin pid :: uint32
 *      int 1
 *    call printf
 *     string "%s\n"
 *     field -> filename
 *      builtin args
 *
 * A probe's, if's, while's and unroll's statements are printed straight
 * under labels ("filter", "then", "else", "do"), so the common shapes stay
 * short; expression statements show only their expression.
 */
#include "wisp.h"
#include <ctype.h>

const char *op_str(enum op op)
{
	switch (op) {
	case OP_NONE: return "";
	case OP_ADD: return "+";
	case OP_SUB: return "-";
	case OP_MUL: return "*";
	case OP_DIV: return "/";
	case OP_MOD: return "%";
	case OP_AND: return "&";
	case OP_OR: return "|";
	case OP_XOR: return "^";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_LAND: return "&&";
	case OP_LOR: return "||";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_LT: return "<";
	case OP_LE: return "<=";
	case OP_GT: return ">";
	case OP_GE: return ">=";
	case OP_NEG: return "-";
	case OP_NOT: return "!";
	case OP_BNOT: return "~";
	case OP_DEREF: return "*";
	case OP_ADDR: return "&";
	}
	return "?";
}

static void dump(FILE *f, struct node *n, int d);

/* Start a line at depth d. */
static void indent(FILE *f, int d)
{
	fprintf(f, "%*s", d, "");
}

/* End n's line, with its type once sema has set one. */
static void eol(FILE *f, struct node *n)
{
	if (n && n->type)
		fprintf(f, " :: %s", type_name(n->type));
	fputc('\n', f);
}

/* A string literal as C would write it. */
static void quote(FILE *f, const char *s, int n)
{
	fputc('"', f);
	for (int i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (isprint(c))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputc('"', f);
}

/* A label line ("then", "do") and the statements of block b under it. */
static void labelled(FILE *f, const char *label, struct node *b, int d)
{
	indent(f, d);
	fprintf(f, "%s\n", label);
	if (b->kind != N_BLOCK) {
		dump(f, b, d + 1);
		return;
	}
	for (int i = 0; i < b->nargs; i++)
		dump(f, b->args[i], d + 1);
}

static void dump_args(FILE *f, struct node *n, int d)
{
	for (int i = 0; i < n->nargs; i++)
		dump(f, n->args[i], d);
}

/* The text of n's own line (after the indent). */
static void head(FILE *f, struct node *n)
{
	switch (n->kind) {
	case N_INT: fprintf(f, "int %llu", (unsigned long long)n->ival); break;
	case N_STR: fputs("string ", f); quote(f, n->str, n->slen); break;
	case N_BUILTIN: fprintf(f, "builtin %s", n->name); break;
	case N_VAR: fprintf(f, "var %s", n->name); break;
	case N_MAP:
		fprintf(f, "map %s", n->name);
		if (n->nargs)
			fprintf(f, "[%d]", n->nargs);
		break;
	case N_PARAM: fprintf(f, "param $%llu", (unsigned long long)n->ival); break;
	case N_NPARAMS: fputs("param $#", f); break;
	case N_CALL: fprintf(f, "call %s", n->name); break;
	case N_BINOP:
	case N_UNOP: fputs(op_str(n->op), f); break;
	case N_COND: fputs("?:", f); break;
	case N_CAST: fprintf(f, "cast (%s)", n->name); break;
	case N_FIELD: fprintf(f, "field %s %s", n->arrow ? "->" : ".", n->name); break;
	case N_INDEX: fputs("index", f); break;
	case N_TUPLE: fputs("tuple", f); break;
	case N_SIZEOF:
		fputs("sizeof", f);
		if (n->name)
			fprintf(f, " (%s)", n->name);
		break;
	case N_OFFSETOF: fprintf(f, "offsetof (%s, %s)", n->name, n->str); break;
	case N_ASSIGN: fprintf(f, "assign %s=", op_str(n->op)); break;
	case N_INCDEC:
		fprintf(f, "%s %s", n->post ? "post" : "pre", n->op == OP_ADD ? "++" : "--");
		break;
	case N_EXPR: fputs("expr", f); break;
	case N_IF: fputs("if", f); break;
	case N_WHILE: fputs("while", f); break;
	case N_UNROLL: fprintf(f, "unroll %llu", (unsigned long long)n->ival); break;
	case N_RETURN: fputs("return", f); break;
	case N_BLOCK: fputs("block", f); break;
	case N_PROBE:
		fputs("probe ", f);
		for (int i = 0; i < n->nspecs; i++)
			fprintf(f, "%s%s", i ? ", " : "", n->specs[i].text);
		break;
	}
}

static void dump(FILE *f, struct node *n, int d)
{
	if (!n)
		return;
	if (n->kind == N_EXPR) {	/* a statement shows as its expression */
		dump(f, n->lhs, d);
		return;
	}
	indent(f, d);
	head(f, n);
	eol(f, n);
	switch (n->kind) {
	case N_PROBE:
		if (n->cond) {
			indent(f, d + 1);
			fputs("filter\n", f);
			dump(f, n->cond, d + 2);
		}
		dump_args(f, n->body, d + 1);
		break;
	case N_IF:
		dump(f, n->cond, d + 1);
		labelled(f, "then", n->then, d + 1);
		if (n->els)
			labelled(f, "else", n->els, d + 1);
		break;
	case N_WHILE:
		dump(f, n->cond, d + 1);
		labelled(f, "do", n->body, d + 1);
		break;
	case N_UNROLL:
		dump_args(f, n->body, d + 1);
		break;
	case N_COND:
		dump(f, n->cond, d + 1);
		dump(f, n->then, d + 1);
		dump(f, n->els, d + 1);
		break;
	default:
		dump(f, n->lhs, d + 1);
		dump(f, n->rhs, d + 1);
		dump_args(f, n, d + 1);
		break;
	}
}

void ast_dump(FILE *f, struct program *p)
{
	for (int i = 0; i < p->nprobes; i++)
		dump(f, p->probes[i], 0);
}
