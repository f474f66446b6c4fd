/* cdecl.c - C declarations in scripts, as BTF (being written) */
#include "wisp.h"

struct btf *cdecl_parse(const struct loc *decls, int n, int word, bool big_endian)
{
	(void)word;
	(void)big_endian;
	if (n > 0)
		error_at(decls[0], "C declarations are not supported yet");
	return NULL;
}
