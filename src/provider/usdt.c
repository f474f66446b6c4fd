/* usdt.c - user-space statically defined tracing: the probes <sys/sdt.h>
 * (and dtrace -G) put in programs and libraries.
 *
 *   usdt:/path/to/prog:provider:name     usdt:/path:name (any provider)
 *   usdt:libc:libc:setjmp                U:bash:*  (wildcards: * and ?)
 *
 * Each probe is a nop whose address, semaphore and arguments are described
 * by a note in .note.stapsdt (elf.c reads them). Every location of every
 * matching probe becomes one attach: a uprobe at the nop's file offset,
 * with the semaphore's file offset as the uprobe's reference counter (the
 * kernel increments it while the probe is attached, which is what turns on
 * probes guarded by PROVIDER_NAME_ENABLED()).
 *
 * The note describes each argument as the assembler operand the compiler
 * chose for it, prefixed by its size ("-4@%edi", "8@-8(%rbp)", "4@[sp, 16]",
 * "-4@$5"): usdt_parse_args turns those into pt_regs offsets. An argument
 * that cannot be decoded (one relative to a symbol, say) is not an error
 * until a probe reads argN: sema.c reports uargs_error then.
 */
#include "wisp.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- argument specs */

static bool says(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return false;
}

/* A number as the assembler writes it: decimal, 0x hex, optional sign. */
static bool number(const char **s, int64_t *v)
{
	const char *p = *s;
	char *end;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	*v = strtoll(*s, &end, 0);
	*s = end;
	return true;
}

/* A register name as written ("%rdi", "w1", "$4", "%r3"): the characters
 * of a name, prefix included, copied into buf. */
static bool reg_word(const char **s, char *buf, size_t n)
{
	size_t k = 0;
	const char *p = *s;
	if (*p == '%' || *p == '$')
		buf[k++] = *p++;
	while (isalnum((unsigned char)*p) || *p == '_') {
		if (k + 1 >= n)
			return false;
		buf[k++] = *p++;
	}
	buf[k] = '\0';
	if (!k || (k == 1 && (buf[0] == '%' || buf[0] == '$')))
		return false;
	*s = p;
	return true;
}

static void skip_space(const char **s)
{
	while (**s == ' ')
		(*s)++;
}

/* The register names an architecture's assembler uses, as the names of its
 * arch table: x86 "%edi"/"%dil"/"%rdi" -> "di", "%r8d" -> "r8"; aarch64
 * "w1" -> "x1"; powerpc "3" or "%r3" -> "r3"; mips "$sp" -> "sp" (a
 * numbered "$4" stays: it is the table's row 4). False for registers that
 * hold no whole value (x86's high bytes). */
static bool norm_reg(const char *arch_name, char *r)
{
	size_t n;
	if (!strcmp(arch_name, "x86_64")) {
		if (r[0] != '%')
			return false;
		memmove(r, r + 1, strlen(r));
		n = strlen(r);
		if (r[0] == 'r' && isdigit((unsigned char)r[1])) {
			while (n > 1 && strchr("dwb", r[n - 1]))
				r[--n] = '\0';
		} else if (n == 3 && (r[0] == 'r' || r[0] == 'e')) {
			memmove(r, r + 1, n);
		} else if (n == 3 && r[2] == 'l') {
			r[2] = '\0';		/* dil, sil, bpl, spl */
		} else if (n == 2 && strchr("abcd", r[0]) && r[1] == 'l') {
			r[1] = 'x';
		} else if (n == 2 && strchr("abcd", r[0]) && r[1] == 'h') {
			return false;
		}
		return true;
	}
	if (!strcmp(arch_name, "aarch64")) {
		if (!strcmp(r, "wsp"))
			strcpy(r, "sp");
		else if (r[0] == 'w' && isdigit((unsigned char)r[1]))
			r[0] = 'x';
		return true;
	}
	if (!strcmp(arch_name, "powerpc64")) {
		if (r[0] == '%')
			memmove(r, r + 1, strlen(r));
		if (isdigit((unsigned char)r[0])) {
			if (strlen(r) > 2)
				return false;
			memmove(r + 1, r, strlen(r) + 1);
			r[0] = 'r';
		}
		return true;
	}
	if (!strncmp(arch_name, "mips", 4) && r[0] == '$' && !isdigit((unsigned char)r[1]))
		memmove(r, r + 1, strlen(r));
	return r[0] != '%';
}

/* "disp(%base,%index,scale)" and its shorter forms (x86, AT&T syntax) */
static bool x86_mem(const char *s, struct usdt_arg *a, char *base, char *index,
		    char *err, size_t errlen)
{
	a->kind = UA_MEM;
	if (*s != '(' && !number(&s, &a->val))
		return says(err, errlen, "the address is relative to a symbol (a global "
			    "variable?): not supported");
	if (*s++ != '(')
		return says(err, errlen, "an absolute address: not supported");
	if (*s == ',')
		return says(err, errlen, "an address without a base register: not supported");
	if (!reg_word(&s, base, 16) || !norm_reg("x86_64", base))
		return says(err, errlen, "bad base register");
	if (!strcmp(base, "ip"))
		return says(err, errlen, "the address is relative to %rip (a global "
			    "variable?): not supported");
	if (*s == ',') {
		int64_t scale = 1;
		s++;
		if (!reg_word(&s, index, 16) || !norm_reg("x86_64", index))
			return says(err, errlen, "bad index register");
		if (*s == ',' && (s++, !number(&s, &scale)))
			return says(err, errlen, "bad scale");
		if (scale != 1 && scale != 2 && scale != 4 && scale != 8)
			return says(err, errlen, "bad scale");
		a->scale = scale;
	}
	if (strcmp(s, ")"))
		return says(err, errlen, "unexpected text after the address");
	return true;
}

/* "[base]", "[base, #disp]", "[base, disp]", "[base, index]",
 * "[base, index, lsl #n]" (arm and aarch64) */
static bool arm_mem(const char *arch_name, const char *s, struct usdt_arg *a, char *base,
		    char *index, char *err, size_t errlen)
{
	a->kind = UA_MEM;
	s++;
	skip_space(&s);
	if (!reg_word(&s, base, 16) || !norm_reg(arch_name, base))
		return says(err, errlen, "bad base register");
	skip_space(&s);
	if (*s == ',') {
		s++;
		skip_space(&s);
		if (*s == '#')
			s++;
		if (*s == ':')
			return says(err, errlen, "the address is relative to a symbol (a global "
				    "variable?): not supported");
		if (!number(&s, &a->val)) {
			if (!reg_word(&s, index, 16) || !norm_reg(arch_name, index))
				return says(err, errlen, "bad offset");
			skip_space(&s);
			if (!strncmp(s, ", lsl ", 6)) {
				int64_t sh;
				s += 6;
				if (*s == '#')
					s++;
				if (!number(&s, &sh) || sh < 0 || sh > 3)
					return says(err, errlen, "bad shift");
				a->scale = 1 << sh;
			}
		}
		skip_space(&s);
	}
	if (strcmp(s, "]"))
		return says(err, errlen, "unexpected text in the address");
	return true;
}

/* "disp(base)", "(base)" (mips, riscv, powerpc) and powerpc's "base,index" */
static bool paren_mem(const char *arch_name, const char *s, struct usdt_arg *a, char *base,
		      char *err, size_t errlen)
{
	a->kind = UA_MEM;
	if (*s != '(' && !number(&s, &a->val))
		return says(err, errlen, "the address is relative to a symbol (a global "
			    "variable?): not supported");
	if (*s != '(')
		return says(err, errlen, "an absolute address: not supported");
	s++;
	if (!reg_word(&s, base, 16) || !norm_reg(arch_name, base))
		return says(err, errlen, "bad base register");
	if (strcmp(s, ")"))
		return says(err, errlen, "unexpected text after the address");
	return true;
}

/* One argument spec of a note, decoded as the named architecture's
 * assembler wrote it: kind, size, sign, displacement or constant and scale
 * in *a; the registers by name (see norm_reg) in base and index (16 bytes
 * each, "" when none). The tests call it for every architecture. */
bool usdt_parse_arg(const char *arch_name, const char *spec, struct usdt_arg *a,
		    char *base, char *index, char *err, size_t errlen);
bool usdt_parse_arg(const char *arch_name, const char *spec, struct usdt_arg *a,
		    char *base, char *index, char *err, size_t errlen)
{
	const char *s = spec, *at = strchr(spec, '@');
	bool is_x86 = !strcmp(arch_name, "x86_64"), is_ppc = !strcmp(arch_name, "powerpc64");
	bool is_arm = !strcmp(arch_name, "arm") || !strcmp(arch_name, "aarch64");
	bool is_mips = !strncmp(arch_name, "mips", 4);
	*a = (struct usdt_arg){ .size = 8, .index = -1, .scale = 1 };
	base[0] = index[0] = '\0';

	/* [-]size[f]@ ; old notes had no size: a word */
	if (at) {
		int64_t size;
		a->sign = *s == '-';
		if (!number(&s, &size))
			return says(err, errlen, "bad size");
		if (*s == 'f')
			s++;	/* a floating-point value: its bits */
		if (s != at || (size = llabs(size)) > 8 || (size & (size - 1)) || !size)
			return says(err, errlen, "bad size");
		a->size = size;
		s = at + 1;
	} else if (!strcmp(arch_name, "arm") || is_mips) {
		a->size = !strcmp(arch_name, "mips64") ? 8 : 4;
	}
	if (!*s)
		return says(err, errlen, "nothing after the size");

	/* constants: x86 "$5", arm "#5", powerpc "i5", the others "5" */
	const char *c = s;
	if ((is_x86 && *c == '$') || (is_arm && *c == '#') || (is_ppc && *c == 'i'))
		c++;
	else if (is_x86 || is_ppc)
		c = NULL;
	if (c && number(&c, &a->val) && !*c) {
		a->kind = UA_CONST;
		return true;
	}
	if (is_x86 && *s == '$')
		return says(err, errlen, "the value is a symbol's address: not supported");
	if (is_x86 && *s != '%')
		return x86_mem(s, a, base, index, err, errlen);
	if (is_x86 && strchr(s, ':'))
		return says(err, errlen, "a segment-relative (thread-local?) address: not supported");
	if (is_arm && *s == '[')
		return arm_mem(arch_name, s, a, base, index, err, errlen);
	if (is_ppc && strchr(s, ',')) {
		a->kind = UA_MEM;
		if (!reg_word(&s, base, 16) || *s++ != ',' || !reg_word(&s, index, 16) || *s ||
		    !norm_reg(arch_name, base) || !norm_reg(arch_name, index))
			return says(err, errlen, "bad indexed address");
		return true;
	}
	if (!is_x86 && (strchr(s, '(') || (*s == '%' && !is_ppc)))
		return paren_mem(arch_name, s, a, base, err, errlen);

	a->kind = UA_REG;
	if (!reg_word(&s, base, 16) || *s)
		return says(err, errlen, "not a register, a constant or an address");
	if (is_mips && base[0] != '$')
		return says(err, errlen, "the value is a symbol's address: not supported");
	if (!norm_reg(arch_name, base))
		return says(err, errlen, "not a register that holds a whole value");
	return true;
}

/* A register name (normalised) -> its offset in this architecture's
 * pt_regs; -1 when unknown. mips's "$N" is the table's row N. */
static int reg_off(const char *name)
{
	if (name[0] == '$' && !strncmp(arch.name, "mips", 4)) {
		int n = atoi(name + 1);
		return n >= 0 && n < 32 && n < arch.nregs ? arch.regoffs[n] : -1;
	}
	for (int i = 0; i < arch.nregs; i++)
		if (!strcmp(arch.regnames[i], name))
			return arch.regoffs[i];
	return -1;
}

/* The length of the argument spec at s: up to a space outside brackets
 * (arm's "[sp, 16]" has spaces of its own). */
static size_t spec_len(const char *s)
{
	size_t n = 0;
	for (int depth = 0; s[n] && (s[n] != ' ' || depth); n++)
		depth += (s[n] == '[') - (s[n] == ']');
	return n;
}

bool usdt_parse_args(const char *spec, struct usdt_arg **out, int *n, char *err, size_t errlen)
{
	int cap = 0, k = 0;
	for (const char *s = spec; *s; s++)
		cap += *s != ' ' && (s == spec || s[-1] == ' ');
	*out = cap ? xalloc(cap * sizeof(**out)) : NULL;
	*n = 0;
	for (const char *s = spec; *s;) {
		size_t len = spec_len(s);
		if (!len) {
			s++;
			continue;
		}
		char *one = xstrndup(s, len), base[16], index[16], why[128];
		struct usdt_arg *a = &(*out)[k];
		s += len;
		if (!usdt_parse_arg(arch.name, one, a, base, index, why, sizeof(why))) {
			snprintf(err, errlen, "argument %d ('%s'): %s", k, one, why);
			return false;
		}
		const char *bad = NULL;
		if (base[0] && (a->reg = reg_off(base)) < 0)
			bad = base;
		if (index[0] && (a->index = reg_off(index)) < 0)
			bad = index;
		if (bad) {
			snprintf(err, errlen, "argument %d ('%s'): no register '%s' on %s", k, one,
				 bad, arch.name);
			return false;
		}
		k++;
	}
	*n = k;
	return true;
}

/* --------------------------------------------------------------- probes */

/* "FILE:PROVIDER:NAME" or "FILE:NAME" -> its parts; provider "*" when
 * left out. False when there is no probe part or too many parts. */
static bool split_spec(const char *rest, const char **file, const char **prov, const char **name)
{
	const char *c1 = strchr(rest, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || (c2 && strchr(c2 + 1, ':')))
		return false;
	*file = xstrndup(rest, c1 - rest);
	*prov = c2 ? xstrndup(c1 + 1, c2 - c1 - 1) : "*";
	*name = c2 ? c2 + 1 : c1 + 1;
	return **file && **prov && **name;
}

/* The file and its notes; NULL with a reason in err. */
static struct elf *open_notes(const char *path, struct vec *notes, char *err, size_t errlen)
{
	char why[256];
	struct elf *e = elf_open(path, why, sizeof(why));
	if (!e) {
		snprintf(err, errlen, "cannot read %s: %s", path, why);
		return NULL;
	}
	if (elf_usdt_notes(e, notes) < 0) {
		snprintf(err, errlen, "cannot read the USDT notes of %s: malformed .note.stapsdt", path);
		elf_close(e);
		return NULL;
	}
	return e;
}

static struct attach *note_attach(struct probe *p, struct elf *e, const char *path,
				  const struct usdt_note *u, const char **fail)
{
	struct attach *a = xalloc(sizeof(*a));
	char err[256];
	a->probe = p;
	a->path = path;
	a->target = xprintf("%s:%s:%s", path, u->provider, u->name);
	a->name = xprintf("usdt:%s", a->target);
	if (!elf_vaddr_off(e, u->pc, &a->off))
		*fail = xprintf("USDT probe %s:%s at 0x%llx lies outside the loaded segments of %s",
				u->provider, u->name, (unsigned long long)u->pc, path);
	/* a semaphore outside the file's data could not be counted by the kernel */
	if (u->sem && !elf_vaddr_off(e, u->sem, &a->ref_ctr))
		*fail = xprintf("the semaphore of USDT probe %s:%s (0x%llx) lies outside the "
				"file-backed segments of %s", u->provider, u->name,
				(unsigned long long)u->sem, path);
	if (!usdt_parse_args(u->args, &a->uargs, &a->nuargs, err, sizeof(err))) {
		a->uargs = NULL;
		a->nuargs = -1;
		a->uargs_error = xstrdup(err);
	}
	return a;
}

static void expand(struct probe *p, const char *rest, struct loc loc, struct vec *out)
{
	const char *file, *prov, *name, *path, *fail = NULL;
	char err[512];
	if (!split_spec(rest, &file, &prov, &name))
		error_at(loc, "usdt probe needs a file and a probe name: usdt:PATH:[PROVIDER:]NAME");
	if (!(path = elf_find(file, opt_pid, err, sizeof(err))))
		error_at(loc, "%s", err);
	struct vec notes = {0};
	struct elf *e = open_notes(path, &notes, err, sizeof(err));
	if (!e)
		error_at(loc, "%s", err);

	bool wild = strpbrk(prov, "*?") || strpbrk(name, "*?");
	int n0 = out->n;
	for (int i = 0; i < notes.n && !fail; i++) {
		struct usdt_note *u = notes.v[i];
		if (!glob_match(prov, u->provider) || !glob_match(name, u->name))
			continue;
		struct attach *a = note_attach(p, e, path, u, &fail);
		a->optional = wild;
		a->loc = loc;
		vec_push(out, a);
	}
	elf_close(e);	/* before any error: error_at does not return */
	if (fail)
		error_at(loc, "%s", fail);
	if (!notes.n)
		error_at(loc, "%s has no USDT probes (no .note.stapsdt section)", path);
	if (out->n == n0)
		error_at(loc, "no USDT probe matches '%s:%s' in %s", prov, name, path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l 'usdt:PATH[:PROVIDER]:NAME' or 'usdt:PATH': each probe once, sorted.
 * Without a file there is nothing to look in ("usdt:*" lists nothing). */
static void list(const char *pattern, bool verbose)
{
	const char *rest, *file, *prov = "*", *name = "*", *path;
	char err[512];
	FILE *ef = eout();
	(void)verbose;
	if (!pattern || provider_find(pattern, &rest) != &prov_usdt || !*rest)
		return;
	if (!strchr(rest, ':'))
		file = rest;
	else if (!split_spec(rest, &file, &prov, &name))
		return;
	if (strpbrk(file, "*?"))
		return;
	if (!(path = elf_find(file, opt_pid, err, sizeof(err)))) {
		fprintf(ef, "wisp: error: %s\n", err);
		return;
	}
	struct vec notes = {0}, names = {0};
	struct elf *e = open_notes(path, &notes, err, sizeof(err));
	if (!e) {
		fprintf(ef, "wisp: error: %s\n", err);
		return;
	}
	elf_close(e);
	for (int i = 0; i < notes.n; i++) {
		struct usdt_note *u = notes.v[i];
		if (glob_match(prov, u->provider) && glob_match(name, u->name))
			vec_push(&names, xprintf("usdt:%s:%s:%s", path, u->provider, u->name));
	}
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(names.v[0]), cmp_str);
	for (int i = 0; i < names.n; i++)
		if (!i || strcmp(names.v[i], names.v[i - 1]))
			printf("%s\n", (char *)names.v[i]);
}

const struct provider prov_usdt = {
	.name = "usdt",
	.alias = "U",
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.caps = PC_REGS | PC_USER | PC_USDT,
	.expand = expand,
	.attach = provider_uprobe_attach,
	.detach = provider_uprobe_detach,
	.list = list,
};
