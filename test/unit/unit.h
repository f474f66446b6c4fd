/* unit.h - what every Check unit test shares. */
#ifndef UNIT_H
#define UNIT_H
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "wisp.h"

/* Run one suite, print Check's summary, exit non-zero on failure. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Compile-time errors: run f(arg) with error_jmp set and diagnostics going
 * to a memory buffer; returns the diagnostics ("" when none) -- owned by
 * the arena. */
static inline const char *unit_capture(void (*f)(void *), void *arg)
{
	static char *buf;
	static size_t len;
	FILE *m = open_memstream(&buf, &len);
	jmp_buf jb;
	err_out = m;
	error_jmp = &jb;
	if (!setjmp(jb))
		f(arg);
	error_jmp = NULL;
	err_out = NULL;
	fclose(m);
	char *r = xstrdup(buf);
	free(buf);
	buf = NULL;
	return r;
}
#endif
