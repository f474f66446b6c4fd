/* util.c - the compile arena, a pointer vector, glob matching.
 *
 * The compiler never frees piecemeal: everything comes from the arena and
 * goes at once (arena_reset), which keeps the stages simple and lets the
 * fuzzer compile millions of programs without leaking. */
#include "wisp.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};
static struct chunk *arena;

void *xalloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!arena || arena->cap - arena->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		struct chunk *c = malloc(sizeof(*c) + cap);
		if (!c)
			fatal("out of memory");
		c->next = arena;
		c->used = 0;
		c->cap = cap;
		arena = c;
	}
	void *p = arena->mem + arena->used;
	arena->used += n;
	memset(p, 0, n);
	return p;
}

void *xrealloc(void *p, size_t old, size_t n)
{
	void *q = xalloc(n);
	if (p)
		memcpy(q, p, old < n ? old : n);
	return q;
}

void arena_reset(void)
{
	while (arena) {
		struct chunk *c = arena;
		arena = c->next;
		free(c);
	}
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xalloc(n + 1);
	memcpy(p, s, n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = xalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(p, n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void vec_push(struct vec *v, void *p)
{
	if (v->n == v->cap) {
		int cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof(void *), cap * sizeof(void *));
		v->cap = cap;
	}
	v->v[v->n++] = p;
}

/* '*' matches any run, '?' one character; no classes (tracepoint and
 * symbol names never need them). Iterative with one backtrack point. */
/* A one-line reason into a caller's buffer (err may be NULL). */
void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool has_wild(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

bool glob_match(const char *pat, const char *s)
{
	const char *star = NULL, *ss = NULL;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			ss = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++ss;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}
