/* error.c - diagnostics with a source line and a caret.
 *
 *   stdin:1:23: error: unknown field 'filenam' of tracepoint syscalls:sys_enter_openat
 *   tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filenam)); }
 *                                                               ^~~~~~~~~~~~~
 */
#include "wisp.h"
#include <stdlib.h>
#include <string.h>

struct source *cur_src;
jmp_buf *error_jmp;
FILE *err_out;
int verbose;

FILE *eout(void)
{
	return err_out ? err_out : stderr;
}

void loc_linecol(struct loc l, int *line, int *col)
{
	const char *t = cur_src ? cur_src->text : "";
	int ln = 1, c = 1;
	for (int i = 0; i < l.off && t[i]; i++) {
		if (t[i] == '\n') {
			ln++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = ln;
	*col = c;
}

static void report(const char *kind, struct loc l, const char *fmt, va_list ap)
{
	FILE *f = eout();
	int line, col;
	if (!cur_src) {
		fprintf(f, "wisp: %s: ", kind);
		vfprintf(f, fmt, ap);
		fputc('\n', f);
		return;
	}
	loc_linecol(l, &line, &col);
	fprintf(f, "%s:%d:%d: %s: ", cur_src->name, line, col, kind);
	vfprintf(f, fmt, ap);
	fputc('\n', f);

	/* the source line, then a caret under the spot and ~ under the span */
	const char *t = cur_src->text;
	const char *b = t + l.off - (col - 1), *e = b;
	while (*e && *e != '\n')
		e++;
	fprintf(f, "%.*s\n", (int)(e - b), b);
	for (const char *p = b; p < t + l.off; p++)
		fputc(*p == '\t' ? '\t' : ' ', f);
	fputc('^', f);
	for (int i = 1; i < l.len && t + l.off + i < e; i++)
		fputc('~', f);
	fputc('\n', f);
}

void error_at(struct loc l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("error", l, fmt, ap);
	va_end(ap);
	if (error_jmp)
		longjmp(*error_jmp, 1);
	exit(1);
}

void warn_at(struct loc l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("warning", l, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(eout(), "wisp: error: ");
	vfprintf(eout(), fmt, ap);
	fputc('\n', eout());
	va_end(ap);
	if (error_jmp)
		longjmp(*error_jmp, 1);
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(eout(), "wisp: warning: ");
	vfprintf(eout(), fmt, ap);
	fputc('\n', eout());
	va_end(ap);
}
