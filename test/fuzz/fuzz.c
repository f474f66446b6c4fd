/* fuzz.c - a libFuzzer target for wisp's front end and code generator.
 *
 * Each input is a program text. It goes through parse(), sema() and
 * codegen() -- everything short of the kernel: no map is created, nothing
 * is loaded or attached, run() is never called, so the target needs no
 * root. Compile errors come back through error_jmp (error_at() and fatal()
 * longjmp there when it is set); their text goes to /dev/null. The arena is
 * thrown away after every input.
 *
 * Tracepoint probes read format files from the fixture test/data/tracefs
 * (WISP_TRACEFS, set below unless already set), so a run does not depend on
 * the machine's tracefs.
 *
 * Build and run: test/fuzz/run.sh (see README.md, "Fuzzing").
 */
#include "wisp.h"
#include <stdlib.h>
#include <string.h>

#ifndef WISP_FIXTURE
#define WISP_FIXTURE "test/data/tracefs"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("WISP_TRACEFS", WISP_FIXTURE, 0);
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("fuzz: /dev/null");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A program is text: the copy ends at the first NUL, as a C string. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct source src = { .name = "fuzz", .text = text };
	jmp_buf jb;
	err_out = devnull;
	error_jmp = &jb;
	if (!setjmp(jb)) {
		struct program *ast = parse(&src);
		struct prog *p = sema(ast, 0, NULL, false);
		codegen(p);
	}
	error_jmp = NULL;
	cur_src = NULL;
	arena_reset();
	free(text);
	return 0;
}
