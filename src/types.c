/* types.c - wisp's value types: integers, strings, tuples, aggregations. */
#include "wisp.h"
#include <string.h>

struct type *type_int(int size, bool sign)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_INT;
	t->size = size;
	t->sign = sign;
	return t;
}

struct type *type_str(int size)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_STR;
	t->size = size;
	return t;
}

int type_align(const struct type *t)
{
	switch (t->kind) {
	case TY_INT:
		return t->size;
	case TY_STR:
	case TY_BUF:
		return 1;
	case TY_TUPLE: {
		int a = 1;
		for (int i = 0; i < t->nelems; i++)
			if (type_align(t->elems[i]) > a)
				a = type_align(t->elems[i]);
		return a;
	}
	default:
		return 8;
	}
}

/* C layout: each element at its alignment, the whole padded to the
 * largest alignment, so the bytes match what the BPF program stores. */
struct type *type_tuple(struct type **elems, int n)
{
	struct type *t = xalloc(sizeof(*t));
	t->kind = TY_TUPLE;
	t->nelems = n;
	t->elems = xalloc(n * sizeof(*elems));
	t->offs = xalloc(n * sizeof(int));
	int off = 0, maxa = 1;
	for (int i = 0; i < n; i++) {
		int a = type_align(elems[i]);
		if (a > maxa)
			maxa = a;
		off = (off + a - 1) / a * a;
		t->elems[i] = elems[i];
		t->offs[i] = off;
		off += elems[i]->size;
	}
	t->size = (off + maxa - 1) / maxa * maxa;
	return t;
}

bool type_eq(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return a->size == b->size && a->sign == b->sign;
	case TY_STR:
	case TY_BUF:
		return a->size == b->size;
	case TY_TUPLE:
		if (a->nelems != b->nelems)
			return false;
		for (int i = 0; i < a->nelems; i++)
			if (!type_eq(a->elems[i], b->elems[i]))
				return false;
		return true;
	case TY_LHIST:
		return a->lmin == b->lmin && a->lmax == b->lmax && a->lstep == b->lstep;
	default:
		return true;
	}
}

bool ty_is_agg(enum ty k)
{
	return k >= TY_COUNT;
}

const char *type_name(const struct type *t)
{
	if (!t)
		return "none";
	switch (t->kind) {
	case TY_NONE: return "none";
	case TY_INT: return xprintf("%sint%d", t->sign ? "" : "u", t->size * 8);
	case TY_STR: return xprintf("string[%d]", t->size);
	case TY_BUF: return xprintf("buffer[%d]", t->size - 1);
	case TY_TUPLE: {
		char *s = "(";
		for (int i = 0; i < t->nelems; i++)
			s = xprintf("%s%s%s", s, i ? "," : "", type_name(t->elems[i]));
		return xprintf("%s)", s);
	}
	case TY_INET: return "inet";
	case TY_CTX: return "args";
	case TY_TSTAMP: return "timestamp";
	case TY_COUNT: return "count";
	case TY_SUM: return "sum";
	case TY_MIN: return "min";
	case TY_MAX: return "max";
	case TY_AVG: return "avg";
	case TY_STATS: return "stats";
	case TY_HIST: return "hist";
	case TY_LHIST: return "lhist";
	}
	return "?";
}
