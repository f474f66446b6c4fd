/* check_elf.c - the ELF reader: headers of both classes and byte orders,
 * symbols, address -> file offset, the USDT notes of every architecture's
 * fixture, malformed files, ld.so.cache, and finding libraries by name.
 *
 * The fixtures in test/data/elf are made by make-fixtures.sh from
 * fixture.c; the expected values below are what readelf and nm said of
 * them (fixtures.txt). */
#include "unit.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

int elf_ldcache(const char *file, const char *name, struct vec *out);	/* elf.c */

#define FIXDIR SRCDIR "/test/data/elf/"

struct note_want {
	const char *provider, *name, *args;
	uint64_t pc, sem;
};

static const struct note_want notes_x86_64[] = {
	{ "wisp", "add", "-8@%rdi -8@%rsi", 0x4000e8, 0 },
	{ "wisp", "mem", "-4@(%rax) -4@4(%rdi) -4@fx_global(%rip)", 0x4000f2, 0 },
	{ "wisp", "konst", "-4@$5 -4@$-3", 0x4000f8, 0 },
	{ "wisp", "twice", "", 0x4000f9, 0 },
	{ "other", "small", "-4@-4(%rsp) 1@%dil -2@%ax", 0x400103, 0 },
	{ "wisp", "twice", "", 0x400104, 0 },
	{ "wisp", "sem", "-4@%edi -8@%rsi", 0x400149, 0x401164 },
};
static const struct note_want notes_x86_64_so[] = {
	{ "wisp", "add", "-8@%rdi -8@%rsi", 0x410, 0 },
	{ "wisp", "mem", "-4@(%rax) -4@4(%rdi) -4@(%rdx)", 0x421, 0 },
	{ "wisp", "konst", "-4@$5 -4@$-3", 0x427, 0 },
	{ "wisp", "twice", "", 0x428, 0 },
	{ "other", "small", "-4@-4(%rsp) 1@%dil -2@%ax", 0x432, 0 },
	{ "wisp", "twice", "", 0x433, 0 },
	{ "wisp", "sem", "-4@%edi -8@%rsi", 0x487, 0x2044 },
};
static const struct note_want notes_aarch64[] = {
	{ "wisp", "add", "-8@x0 -8@x1", 0x400120, 0 },
	{ "wisp", "mem", "-4@[x1] -4@[x0, 4] -4@[x3, #:lo12:.LANCHOR0]", 0x400138, 0 },
	{ "wisp", "konst", "-4@5 -4@-3", 0x400148, 0 },
	{ "wisp", "twice", "", 0x40014c, 0 },
	{ "other", "small", "-4@[sp, 12] 1@x0 -2@x1", 0x400160, 0 },
	{ "wisp", "twice", "", 0x400164, 0 },
	{ "wisp", "sem", "-4@x0 -8@x1", 0x4001c4, 0x401ffc },
};
static const struct note_want notes_arm[] = {
	{ "wisp", "add", "-4@r0 -4@r1", 0x10094, 0 },
	{ "wisp", "mem", "-4@[r0, r1, lsl #2] -4@[r0, #4] -4@[r3]", 0x100a4, 0 },
	{ "wisp", "konst", "-4@#5 -4@#-3", 0x100b8, 0 },
	{ "wisp", "twice", "", 0x100bc, 0 },
	{ "other", "small", "-4@r3 1@r0 -2@r2", 0x100d4, 0 },
	{ "wisp", "twice", "", 0x100d8, 0 },
	{ "wisp", "sem", "-4@r0 -4@r1", 0x1012c, 0x11154 },
};
static const struct note_want notes_thumb[] = {
	{ "wisp", "add", "-4@r0 -4@r1", 0x10094, 0 },
	{ "wisp", "mem", "-4@[r0, r1, lsl #2] -4@[r0, #4] -4@[r3]", 0x1009c, 0 },
	{ "wisp", "konst", "-4@#5 -4@#-3", 0x100ac, 0 },
	{ "wisp", "twice", "", 0x100ae, 0 },
	{ "other", "small", "-4@r3 1@r0 -2@r2", 0x100ba, 0 },
	{ "wisp", "twice", "", 0x100bc, 0 },
	{ "wisp", "sem", "-4@r0 -4@r1", 0x100f4, 0x11118 },
};
/* mips and mipsel: the same code, either byte order */
static const struct note_want notes_mips[] = {
	{ "wisp", "add", "-4@$4 -4@$5", 0x400110, 0 },
	{ "wisp", "mem", "-4@0($5) -4@4($4) -4@%lo(fx_global)($2)", 0x400128, 0 },
	{ "wisp", "konst", "-4@5 -4@-3", 0x400138, 0 },
	{ "wisp", "twice", "", 0x40013c, 0 },
	{ "other", "small", "-4@8($sp) 1@$4 -2@$2", 0x400154, 0 },
	{ "wisp", "twice", "", 0x400158, 0 },
	{ "wisp", "sem", "-4@$4 -4@$5", 0x4001d0, 0x401210 },
};
static const struct note_want notes_mips64el[] = {
	{ "wisp", "add", "-8@$4 -8@$5", 0x120000190, 0 },
	{ "wisp", "mem", "-4@0($5) -4@4($4) -4@0($2)", 0x1200001b4, 0 },
	{ "wisp", "konst", "-4@5 -4@-3", 0x1200001c4, 0 },
	{ "wisp", "twice", "", 0x1200001c8, 0 },
	{ "other", "small", "-4@$2 1@$4 -2@$3", 0x1200001e4, 0 },
	{ "wisp", "twice", "", 0x1200001e8, 0 },
	{ "wisp", "sem", "-4@$4 -8@$5", 0x12000027c, 0x1200012c0 },
};
static const struct note_want notes_riscv64[] = {
	{ "wisp", "add", "-8@a0 -8@a1", 0x10120, 0 },
	{ "wisp", "mem", "-4@0(a1) -4@4(a0) -4@%lo(fx_global)(a5)", 0x1012a, 0 },
	{ "wisp", "konst", "-4@5 -4@-3", 0x10132, 0 },
	{ "wisp", "twice", "", 0x10134, 0 },
	{ "other", "small", "-4@12(sp) 1@a0 -2@a5", 0x10140, 0 },
	{ "wisp", "twice", "", 0x10142, 0 },
	{ "wisp", "sem", "-4@a0 -8@a1", 0x10180, 0x111a0 },
};
static const struct note_want notes_ppc64le[] = {
	{ "wisp", "add", "-8@3 -8@4", 0x100000e8, 0 },
	{ "wisp", "mem", "-4@3,4 -4@0(10) -4@0(9)", 0x10000118, 0 },
	{ "wisp", "konst", "-4@i5 -4@i-3", 0x10000138, 0 },
	{ "wisp", "twice", "", 0x1000013c, 0 },
	{ "other", "small", "-4@9 1@3 -2@10", 0x10000160, 0 },
	{ "wisp", "twice", "", 0x10000164, 0 },
	{ "wisp", "sem", "-4@3 -8@4", 0x100001f4, 0x1000122c },
};

/* One fixture: its header, symbol count (defined, named, with an address,
 * mapping symbols left out), a few symbols, its two PT_LOAD segments (the
 * text at file offset 0), and its notes. */
static const struct fixture {
	const char *file;
	int machine;
	bool is64, big;
	int nsyms;
	uint64_t add, mem, start, global, semvar;	/* fx_add fx_mem _start fx_global wisp_sem_semaphore */
	uint64_t text_va, data_va, data_off;
	const struct note_want *notes;
} fixtures[] = {
	{ "x86_64.elf", EM_X86_64, true, false, 13, 0x4000e8, 0x4000ee, 0x40010a, 0x401160, 0x401164,
	  0x400000, 0x401150, 0x150, notes_x86_64 },
	{ "x86_64.so", EM_X86_64, true, false, 12, 0x410, 0x416, 0x439, 0x2040, 0x2044,
	  0, 0x1eb0, 0xeb0, notes_x86_64_so },
	{ "aarch64.elf", EM_AARCH64, true, false, 17, 0x400120, 0x40012c, 0x400174, 0x401fe8, 0x401ffc,
	  0x400000, 0x401fe8, 0xfe8, notes_aarch64 },
	{ "arm.elf", EM_ARM, false, false, 17, 0x10094, 0x100a0, 0x100e8, 0x11140, 0x11154,
	  0x10000, 0x11140, 0x140, notes_arm },
	{ "thumb.elf", EM_ARM, false, false, 17, 0x10095, 0x1009b, 0x100c5, 0x11104, 0x11118,
	  0x10000, 0x11104, 0x104, notes_thumb },
	{ "mipsel.elf", EM_MIPS, false, false, 18, 0x400110, 0x40011c, 0x400168, 0x401200, 0x401210,
	  0x400000, 0x4011f0, 0x1f0, notes_mips },
	{ "mips.elf", EM_MIPS, false, true, 18, 0x400110, 0x40011c, 0x400168, 0x401200, 0x401210,
	  0x400000, 0x4011f0, 0x1f0, notes_mips },
	{ "mips64el.elf", EM_MIPS, true, false, 18, 0x120000190, 0x12000019c, 0x1200001f8,
	  0x1200012b0, 0x1200012c0, 0x120000000, 0x1200012a0, 0x2a0, notes_mips64el },
	{ "riscv64.elf", EM_RISCV, true, false, 17, 0x10120, 0x10126, 0x1014a, 0x111a4, 0x111a0,
	  0x10000, 0x11190, 0x190, notes_riscv64 },
	{ "ppc64le.elf", EM_PPC64, true, false, 14, 0x100000e8, 0x10000100, 0x1000017c, 0x10001218,
	  0x1000122c, 0x10000000, 0x10001218, 0x218, notes_ppc64le },
};
#define NFIX (int)(sizeof(fixtures) / sizeof(fixtures[0]))
#define NNOTES 7

static struct elf *open_fx(const char *file)
{
	char err[256];
	struct elf *e = elf_open(xprintf(FIXDIR "%s", file), err, sizeof(err));
	ck_assert_msg(e != NULL, "%s: %s", file, err);
	return e;
}

static const struct elf_sym *find_sym(struct vec *syms, const char *name)
{
	for (int i = 0; i < syms->n; i++) {
		const struct elf_sym *s = syms->v[i];
		if (!strcmp(s->name, name))
			return s;
	}
	ck_abort_msg("no symbol %s", name);
	return NULL;
}

/* The whole file, malloc'd. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*n = ftell(f);
	rewind(f);
	uint8_t *p = malloc(*n);
	ck_assert_uint_eq(fread(p, 1, *n, f), *n);
	fclose(f);
	return p;
}

static const char *tmp_file(const void *buf, size_t n)
{
	static char path[64];
	strcpy(path, "/tmp/check_elf_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
	return path;
}

/* ------------------------------------------------------------ fixtures */

START_TEST(header)
{
	for (int i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct elf *e = open_fx(f->file);
		ck_assert_msg(elf_machine(e) == f->machine, "%s", f->file);
		ck_assert_msg(elf_is64(e) == f->is64, "%s", f->file);
		ck_assert_msg(elf_big_endian(e) == f->big, "%s", f->file);
		elf_close(e);
	}
}
END_TEST

START_TEST(symbols)
{
	for (int i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct elf *e = open_fx(f->file);
		struct vec syms = {0};
		int n = elf_symbols(e, &syms);
		ck_assert_msg(n == f->nsyms && syms.n == n, "%s: %d symbols", f->file, n);
		for (int k = 0; k < n; k++) {
			const struct elf_sym *s = syms.v[k], *prev = k ? syms.v[k - 1] : NULL;
			ck_assert_msg(s->name[0] && s->name[0] != '$', "%s: symbol '%s'", f->file, s->name);
			ck_assert_msg(!prev || strcmp(prev->name, s->name) < 0 ||
				      (!strcmp(prev->name, s->name) && prev->addr < s->addr),
				      "%s: %s after %s", f->file, s->name, prev ? prev->name : "");
		}
		const struct elf_sym *add = find_sym(&syms, "fx_add");
		ck_assert_msg(add->addr == f->add && add->func, "%s: fx_add", f->file);
		ck_assert(find_sym(&syms, "fx_mem")->addr == f->mem);
		ck_assert(find_sym(&syms, "_start")->addr == f->start);
		const struct elf_sym *g = find_sym(&syms, "fx_global");
		ck_assert_msg(g->addr == f->global && !g->func && g->size == 4, "%s: fx_global", f->file);
		ck_assert(find_sym(&syms, "wisp_sem_semaphore")->addr == f->semvar);
		ck_assert(find_sym(&syms, "wisp_sem_semaphore")->size == 2);
		elf_close(e);
	}
}
END_TEST

/* ARM: the Thumb build's functions have bit 0 set, the ARM build's not;
 * the notes' addresses are the nops' own, even in Thumb code */
START_TEST(thumb_bit)
{
	struct vec a = {0}, t = {0};
	struct elf *ea = open_fx("arm.elf"), *et = open_fx("thumb.elf");
	elf_symbols(ea, &a);
	elf_symbols(et, &t);
	const char *funcs[] = { "fx_add", "fx_mem", "fx_const", "fx_stack", "fx_sem", "_start" };
	for (int i = 0; i < 6; i++) {
		ck_assert_msg((find_sym(&a, funcs[i])->addr & 1) == 0, "arm %s", funcs[i]);
		ck_assert_msg((find_sym(&t, funcs[i])->addr & 1) == 1, "thumb %s", funcs[i]);
		ck_assert(find_sym(&t, funcs[i])->func);
	}
	ck_assert_uint_eq(find_sym(&t, "fx_global")->addr & 1, 0);
	struct vec notes = {0};
	ck_assert_int_eq(elf_usdt_notes(et, &notes), NNOTES);
	for (int i = 0; i < notes.n; i++)
		ck_assert_uint_eq(((struct usdt_note *)notes.v[i])->pc & 1, 0);
	elf_close(ea);
	elf_close(et);
}
END_TEST

/* .symtab and .dynsym hold the same globals: each once */
START_TEST(symbols_dedup)
{
	struct elf *e = open_fx("x86_64.so");
	struct vec syms = {0};
	ck_assert_int_eq(elf_symbols(e, &syms), 12);
	const char *want[] = {
		"_.stapsdt.base", "_DYNAMIC", "_GLOBAL_OFFSET_TABLE_", "_start", "fx_add", "fx_array",
		"fx_const", "fx_global", "fx_mem", "fx_sem", "fx_stack", "wisp_sem_semaphore",
	};
	for (int i = 0; i < 12; i++)
		ck_assert_str_eq(((struct elf_sym *)syms.v[i])->name, want[i]);
	ck_assert_uint_eq(find_sym(&syms, "fx_add")->size, 6);
	/* appended after what out already holds */
	ck_assert_int_eq(elf_symbols(e, &syms), 12);
	ck_assert_int_eq(syms.n, 24);
	elf_close(e);
}
END_TEST

START_TEST(vaddr_off)
{
	for (int i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct elf *e = open_fx(f->file);
		uint64_t off = 0, add = f->add & ~(uint64_t)1;
		ck_assert_msg(elf_vaddr_off(e, add, &off) && off == add - f->text_va, "%s", f->file);
		ck_assert(elf_vaddr_off(e, f->text_va, &off) && off == 0);
		ck_assert_msg(elf_vaddr_off(e, f->global, &off) &&
			      off == f->global - f->data_va + f->data_off, "%s: fx_global", f->file);
		ck_assert(elf_vaddr_off(e, f->semvar, &off) &&
			  off == f->semvar - f->data_va + f->data_off);
		ck_assert_msg(!elf_vaddr_off(e, f->data_va + 0x1000, &off), "%s", f->file);
		ck_assert(!elf_vaddr_off(e, f->text_va ? f->text_va - 1 : UINT64_MAX, &off));
		elf_close(e);
	}
}
END_TEST

START_TEST(usdt_notes)
{
	for (int i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct elf *e = open_fx(f->file);
		struct vec notes = {0};
		ck_assert_msg(elf_usdt_notes(e, &notes) == NNOTES, "%s", f->file);
		for (int k = 0; k < NNOTES; k++) {
			const struct usdt_note *u = notes.v[k];
			const struct note_want *w = &f->notes[k];
			ck_assert_str_eq(u->provider, w->provider);
			ck_assert_str_eq(u->name, w->name);
			ck_assert_str_eq(u->args, w->args);
			ck_assert_msg(u->pc == w->pc, "%s note %d: pc 0x%llx", f->file, k,
				      (unsigned long long)u->pc);
			ck_assert_msg(u->sem == w->sem, "%s note %d: sem", f->file, k);
		}
		/* the semaphore is wisp_sem_semaphore, in the file's data */
		ck_assert(((struct usdt_note *)notes.v[6])->sem == f->semvar);
		elf_close(e);
	}
}
END_TEST

/* The note's base differs from .stapsdt.base's address (as after prelink):
 * the pc and a semaphore move by the difference, a 0 semaphore stays. */
static const Elf64_Shdr *shdr64(uint8_t *img, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sh = (Elf64_Shdr *)(img + eh->e_shoff);
	const char *strs = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(strs + sh[i].sh_name, name))
			return &sh[i];
	ck_abort_msg("no section %s", name);
	return NULL;
}

START_TEST(prelinked)
{
	size_t n;
	uint8_t *img = slurp(FIXDIR "x86_64.elf", &n);
	int64_t deltas[] = { 0x1000, -0x100 };
	for (int d = 0; d < 2; d++) {
		Elf64_Shdr *base = (Elf64_Shdr *)shdr64(img, ".stapsdt.base");
		uint64_t was = base->sh_addr;
		base->sh_addr += deltas[d];
		const char *path = tmp_file(img, n);
		base->sh_addr = was;
		char err[128];
		struct elf *e = elf_open(path, err, sizeof(err));
		ck_assert_ptr_nonnull(e);
		struct vec notes = {0};
		ck_assert_int_eq(elf_usdt_notes(e, &notes), NNOTES);
		for (int k = 0; k < NNOTES; k++) {
			const struct usdt_note *u = notes.v[k];
			ck_assert(u->pc == notes_x86_64[k].pc + deltas[d]);
			ck_assert(u->sem == (notes_x86_64[k].sem ? notes_x86_64[k].sem + deltas[d] : 0));
		}
		elf_close(e);
		unlink(path);
	}
	free(img);
}
END_TEST

/* ------------------------------------------------------------ malformed files */

static void open_fails(const void *buf, size_t n, const char *why)
{
	char err[128] = "";
	const char *path = tmp_file(buf, n);
	struct elf *e = elf_open(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(e == NULL, "opened a bad file (want '%s')", why);
	ck_assert_str_eq(err, why);
}

START_TEST(not_elf)
{
	char err[128];
	open_fails("", 0, "not an ELF file");
	open_fails("#!/bin/sh\necho this is a script\n", 31, "not an ELF file");
	uint8_t id[64] = "\177ELF\003\001\001";
	open_fails(id, 16, "unknown ELF class");
	id[EI_CLASS] = ELFCLASS64;
	id[EI_DATA] = 3;
	open_fails(id, 16, "unknown ELF byte order");
	id[EI_DATA] = ELFDATA2LSB;
	open_fails(id, 40, "truncated ELF header");
	id[EI_CLASS] = ELFCLASS32;
	open_fails(id, 51, "truncated ELF header");
	ck_assert_ptr_null(elf_open(FIXDIR "no-such-file", err, sizeof(err)));
	ck_assert_str_eq(err, strerror(ENOENT));
	ck_assert_ptr_null(elf_open(FIXDIR, err, sizeof(err)));
	ck_assert_str_eq(err, "is a directory");
	elf_close(NULL);
}
END_TEST

/* Everything the reader offers, on a file that opened: it must not crash. */
static void use_all(struct elf *e)
{
	struct vec v = {0};
	uint64_t off;
	elf_symbols(e, &v);
	elf_usdt_notes(e, &v);
	elf_vaddr_off(e, 0x400100, &off);
	elf_vaddr_off(e, 0x10094, &off);
}

/* Cut at every length: an error or a usable (partial) file. One fixture
 * of each class and byte order (and a shared object) is enough. */
START_TEST(truncated)
{
	const char *files[] = { "x86_64.so", "mips.elf", "mips64el.elf", "thumb.elf" };
	for (int i = 0; i < 4; i++) {
		size_t n;
		uint8_t *img = slurp(xprintf(FIXDIR "%s", files[i]), &n);
		const char *path = tmp_file(img, n);
		for (size_t len = n; len-- > 0;) {
			char err[128] = "";
			ck_assert_int_eq(truncate(path, len), 0);
			struct elf *e = elf_open(path, err, sizeof(err));
			if (e) {
				use_all(e);
				elf_close(e);
			} else {
				ck_assert(err[0]);
			}
		}
		unlink(path);
		free(img);
	}
}
END_TEST

/* Random bytes changed, deterministically: no crash, whatever they hit */
START_TEST(corrupted)
{
	uint32_t seed = 12345;
	for (int i = 0; i < NFIX; i++) {
		size_t n;
		uint8_t *img = slurp(xprintf(FIXDIR "%s", fixtures[i].file), &n);
		uint8_t *bad = malloc(n);
		for (int round = 0; round < 200; round++) {
			memcpy(bad, img, n);
			for (int k = 0; k < 1 + round % 8; k++) {
				seed = seed * 1103515245 + 12345;
				size_t at = (seed >> 8) % n;
				seed = seed * 1103515245 + 12345;
				/* the headers and tables matter most: hit the first 256 bytes often */
				if (round & 1)
					at %= 256;
				bad[at] = seed >> 16;
			}
			char err[128];
			const char *path = tmp_file(bad, n);
			struct elf *e = elf_open(path, err, sizeof(err));
			unlink(path);
			if (e) {
				use_all(e);
				elf_close(e);
			}
		}
		free(bad);
		free(img);
	}
}
END_TEST

static void patched(uint8_t *img, size_t n, bool want_open, int want_syms, int want_notes)
{
	char err[128];
	const char *path = tmp_file(img, n);
	struct elf *e = elf_open(path, err, sizeof(err));
	unlink(path);
	if (!want_open) {
		ck_assert_ptr_null(e);
		ck_assert_str_eq(err, "section headers out of range");
		return;
	}
	ck_assert_ptr_nonnull(e);
	struct vec v = {0};
	errno = 0;
	ck_assert_int_eq(elf_symbols(e, &v), want_syms);
	if (want_syms < 0)
		ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(v.n, want_syms < 0 ? 0 : want_syms);
	ck_assert_int_eq(elf_usdt_notes(e, &v), want_notes);
	elf_close(e);
}

START_TEST(out_of_range)
{
	size_t n;
	uint8_t *img = slurp(FIXDIR "x86_64.elf", &n);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sym = (Elf64_Shdr *)shdr64(img, ".symtab");
	Elf64_Shdr *note = (Elf64_Shdr *)shdr64(img, ".note.stapsdt");
	Elf64_Ehdr keep = *eh;
	Elf64_Shdr ks = *sym, kn = *note;

	patched(img, n, true, 13, NNOTES);
	eh->e_shoff = UINT64_MAX - 8;
	patched(img, n, false, 0, 0);
	eh->e_shoff = n - 64;
	patched(img, n, false, 0, 0);
	*eh = keep;
	eh->e_shentsize = 8;
	patched(img, n, false, 0, 0);
	*eh = keep;
	eh->e_shnum = 60000;
	patched(img, n, false, 0, 0);
	*eh = keep;

	sym->sh_offset = n + 100;
	patched(img, n, true, -1, NNOTES);
	sym->sh_offset = UINT64_MAX - 10;
	patched(img, n, true, -1, NNOTES);
	*sym = ks;
	sym->sh_link = 999;			/* no such string table */
	patched(img, n, true, -1, NNOTES);
	*sym = ks;
	sym->sh_size = UINT64_MAX;
	patched(img, n, true, -1, NNOTES);
	*sym = ks;

	note->sh_size = n;
	patched(img, n, true, 13, -1);
	*note = kn;
	uint32_t *first = (uint32_t *)(img + note->sh_offset);
	uint32_t namesz = first[0], descsz = first[1];
	first[0] = 0xfffffff0;
	patched(img, n, true, 13, -1);
	first[0] = namesz;
	first[1] = 0xffffffff;
	patched(img, n, true, 13, -1);
	first[1] = 4;				/* too short for three addresses */
	patched(img, n, true, 13, -1);
	first[1] = descsz;
	/* a name without its NUL: "wisp" runs into the next note */
	uint8_t *desc = img + note->sh_offset + 12 + 8;
	uint8_t *prov = desc + 24;
	memset(prov, 'x', descsz - 24);
	patched(img, n, true, 13, -1);
	free(img);
}
END_TEST

/* ------------------------------------------------------------ ld.so.cache */

struct cache {
	uint8_t buf[4096];
	size_t n;
};

static uint32_t put(struct cache *c, const void *p, size_t n)
{
	uint32_t at = c->n;
	memcpy(c->buf + c->n, p, n);
	c->n += n;
	return at;
}

static void put32(struct cache *c, size_t at, uint32_t v)
{
	memcpy(c->buf + at, &v, 4);
}

static const char *const keys[] = { "libfoo.so.1", "libfoo.so", "libfoobar.so.2", "libc.so.6" };

/* The new table at c->n: header, entries, strings (offsets from the header). */
static void new_table(struct cache *c, const char *dir)
{
	size_t hdr = c->n, ent;
	uint8_t zero[48] = {0};
	put(c, zero, 48);
	memcpy(c->buf + hdr, "glibc-ld.so.cache1.1", 20);
	put32(c, hdr + 20, 4);
	ent = c->n;
	for (int i = 0; i < 4; i++)
		put(c, zero, 24);
	for (int i = 0; i < 4; i++) {
		put32(c, ent + 24 * i, 0x303);
		put32(c, ent + 24 * i + 4, put(c, keys[i], strlen(keys[i]) + 1) - hdr);
		const char *v = xprintf("%s/%s", dir, keys[i]);
		put32(c, ent + 24 * i + 8, put(c, v, strlen(v) + 1) - hdr);
	}
}

/* The old table: magic, count, 12-byte entries; strings after them. */
static void old_table(struct cache *c, const char *dir, bool with_new)
{
	uint8_t zero[16] = {0};
	put(c, "ld.so-1.7.0", 11);
	put(c, zero, 1);
	uint32_t four = 4;
	put(c, &four, 4);
	size_t ent = c->n;
	for (int i = 0; i < 4; i++)
		put(c, zero, 12);
	size_t strs = c->n;
	if (with_new) {
		while (c->n % 8)
			put(c, zero, 1);	/* the new table is 8-byte aligned */
		new_table(c, "/new");
	}
	for (int i = 0; i < 4; i++) {
		put32(c, ent + 12 * i, 1);
		put32(c, ent + 12 * i + 4, put(c, keys[i], strlen(keys[i]) + 1) - strs);
		const char *v = xprintf("%s/%s", dir, keys[i]);
		put32(c, ent + 12 * i + 8, put(c, v, strlen(v) + 1) - strs);
	}
}

static void cache_has(struct cache *c, const char *name, const char *a, const char *b)
{
	const char *path = tmp_file(c->buf, c->n);
	struct vec v = {0};
	int n = elf_ldcache(path, name, &v);
	unlink(path);
	ck_assert_int_eq(n, !a ? 0 : !b ? 1 : 2);
	if (a)
		ck_assert_str_eq(v.v[0], a);
	if (b)
		ck_assert_str_eq(v.v[1], b);
}

START_TEST(ldcache)
{
	struct cache c = {0};
	new_table(&c, "/new");
	cache_has(&c, "libfoo", "/new/libfoo.so.1", "/new/libfoo.so");
	cache_has(&c, "libfoo.so", "/new/libfoo.so.1", "/new/libfoo.so");
	cache_has(&c, "libfoo.so.1", "/new/libfoo.so.1", NULL);
	cache_has(&c, "libfoobar", "/new/libfoobar.so.2", NULL);
	cache_has(&c, "libc", "/new/libc.so.6", NULL);
	cache_has(&c, "libfo", NULL, NULL);

	memset(&c, 0, sizeof(c));
	old_table(&c, "/old", false);
	cache_has(&c, "libfoo", "/old/libfoo.so.1", "/old/libfoo.so");
	cache_has(&c, "libc", "/old/libc.so.6", NULL);

	/* both: the new table is the one read */
	memset(&c, 0, sizeof(c));
	old_table(&c, "/old", true);
	cache_has(&c, "libfoobar", "/new/libfoobar.so.2", NULL);

	/* damaged: a count far beyond the file, strings past its end */
	memset(&c, 0, sizeof(c));
	new_table(&c, "/new");
	put32(&c, 20, 0xffffffff);
	cache_has(&c, "libfoo", "/new/libfoo.so.1", "/new/libfoo.so");
	put32(&c, 20, 4);
	put32(&c, 48 + 8, 100000);
	cache_has(&c, "libfoo", "/new/libfoo.so", NULL);

	struct vec v = {0};
	ck_assert_int_eq(elf_ldcache(FIXDIR "fixture.c", "libc", &v), -1);
	ck_assert_int_eq(elf_ldcache(FIXDIR "no-such-cache", "libc", &v), -1);
	ck_assert_int_eq(elf_ldcache(FIXDIR, "libc", &v), -1);
	ck_assert_int_eq(v.n, 0);
}
END_TEST

/* ------------------------------------------------------------ elf_find */

/* Is the file at path of the kind this test program is? */
static bool own_kind(const char *path)
{
	char err[64];
	struct elf *me = elf_open("/proc/self/exe", err, sizeof(err)), *e = elf_open(path, err, sizeof(err));
	bool same = me && e && elf_machine(me) == elf_machine(e) && elf_is64(me) == elf_is64(e) &&
		    elf_big_endian(me) == elf_big_endian(e);
	elf_close(me);
	elf_close(e);
	return same;
}

/* What `ldconfig -p` says libc.so.6 is for this machine, or NULL. */
static const char *ldconfig_libc(void)
{
	FILE *p = popen("(/sbin/ldconfig -p || ldconfig -p) 2>/dev/null", "r");
	char line[1024];
	const char *found = NULL;
	if (!p)
		return NULL;
	while (fgets(line, sizeof(line), p)) {
		char *arrow = strstr(line, " => ");
		if (found || strncmp(line, "\tlibc.so.6 ", 11) || !arrow)
			continue;
		arrow[strcspn(arrow, "\n")] = '\0';
		if (own_kind(arrow + 4))
			found = xstrdup(arrow + 4);
	}
	pclose(p);
	return found;
}

START_TEST(find_libc)
{
	char err[512];
	const char *want = ldconfig_libc();
	if (!want) {
		printf("find_libc: skipped: ldconfig -p lists no libc.so.6 (not glibc?)\n");
		return;
	}
	const char *got = elf_find("libc", 0, err, sizeof(err));
	ck_assert_msg(got != NULL, "libc: %s", err);
	ck_assert_str_eq(got, want);
	got = elf_find("libc.so.6", 0, err, sizeof(err));
	ck_assert_msg(got != NULL, "libc.so.6: %s", err);
	ck_assert_str_eq(got, want);
	got = elf_find("libc.so", 0, err, sizeof(err));
	ck_assert_msg(got != NULL, "libc.so: %s", err);
	ck_assert_str_eq(got, want);
	/* glibc 2.34 left libpthread.so.0 as an empty library */
	got = elf_find("libpthread", 0, err, sizeof(err));
	ck_assert_msg(got != NULL, "libpthread: %s", err);
	ck_assert_msg(!strncmp(strrchr(got, '/'), "/libpthread", 11), "%s", got);
	ck_assert(own_kind(got));
}
END_TEST

/* With a pid: the file that process maps, as its maps show it */
START_TEST(find_in_process)
{
	char err[512], line[4096];
	const char *got = elf_find("libc", getpid(), err, sizeof(err));
	ck_assert_msg(got != NULL, "%s", err);
	FILE *m = fopen("/proc/self/maps", "r");
	bool mapped = false;
	while (fgets(line, sizeof(line), m))
		if (strstr(line, got))
			mapped = true;
	fclose(m);
	ck_assert_msg(mapped, "%s is not in /proc/self/maps", got);
	ck_assert_msg(strstr(got, "/libc"), "%s", got);
	/* a program by its name */
	got = elf_find("check_elf", getpid(), err, sizeof(err));
	ck_assert_msg(got && !strcmp(strrchr(got, '/'), "/check_elf"), "%s", got ? got : err);
}
END_TEST

START_TEST(find_program)
{
	char err[512];
	const char *got = elf_find("sh", 0, err, sizeof(err));
	ck_assert_msg(got != NULL, "%s", err);
	ck_assert_str_eq(strrchr(got, '/'), "/sh");
	ck_assert_int_eq(access(got, X_OK), 0);
	if (!access("/bin/bash", X_OK) || !access("/usr/bin/bash", X_OK)) {
		got = elf_find("bash", 0, err, sizeof(err));
		ck_assert_msg(got != NULL, "%s", err);
		ck_assert_str_eq(strrchr(got, '/'), "/bash");
	}
}
END_TEST

START_TEST(find_path)
{
	char err[512], cwd[PATH_MAX];
	const char *abs = FIXDIR "x86_64.elf";
	ck_assert_str_eq(elf_find(abs, 0, err, sizeof(err)), abs);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(SRCDIR), 0);
	const char *rel = elf_find("test/data/elf/x86_64.elf", 0, err, sizeof(err));
	const char *dot = elf_find("./test/data/elf/x86_64.elf", 0, err, sizeof(err));
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_ptr_nonnull(rel);
	ck_assert_ptr_nonnull(dot);
	struct stat a, b, c;
	ck_assert(rel[0] == '/' && dot[0] == '/');
	ck_assert(!stat(abs, &a) && !stat(rel, &b) && !stat(dot, &c));
	ck_assert(a.st_ino == b.st_ino && a.st_ino == c.st_ino);
	ck_assert_ptr_null(strstr(dot, "/./"));
}
END_TEST

START_TEST(find_missing)
{
	char err[512];
	ck_assert_ptr_null(elf_find("libwisp_no_such_lib", 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no library or program named 'libwisp_no_such_lib' (searched ") &&
		      strstr(err, "/etc/ld.so.cache") && strstr(err, "/usr/lib") &&
		      strstr(err, "$PATH)"), "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_ptr_null(elf_find("libwisp_no_such_lib", getpid(), err, sizeof(err)));
	ck_assert_msg(strstr(err, xprintf("the files mapped by process %d", getpid())), "%s", err);
	ck_assert_ptr_null(elf_find("/no/such/dir/libx.so", 0, err, sizeof(err)));
	ck_assert_str_eq(err, xprintf("/no/such/dir/libx.so: %s", strerror(ENOENT)));
	ck_assert_ptr_null(elf_find("", 0, err, sizeof(err)));
	/* a tiny buffer is cut, not overrun */
	char small[8];
	ck_assert_ptr_null(elf_find("libwisp_no_such_lib", 0, small, sizeof(small)));
	ck_assert_str_eq(small, "no libr");
}
END_TEST

/* ------------------------------------------------------------ elf_off_vaddr */

/* File offset -> address: the reverse of elf_vaddr_off in both segments,
 * a round trip for every symbol in the file, and nothing for the bytes no
 * PT_LOAD maps (the section headers at the end of the file). */
START_TEST(off_vaddr)
{
	for (int i = 0; i < NFIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct elf *e = open_fx(f->file);
		uint64_t va = 0, off, add = f->add & ~(uint64_t)1;
		ck_assert_msg(elf_off_vaddr(e, add - f->text_va, &va) && va == add, "%s", f->file);
		ck_assert(elf_off_vaddr(e, 0, &va) && va == f->text_va);
		ck_assert_msg(elf_off_vaddr(e, f->global - f->data_va + f->data_off, &va) &&
			      va == f->global, "%s: fx_global", f->file);
		struct vec syms = {0};
		ck_assert_int_gt(elf_symbols(e, &syms), 0);
		for (int k = 0; k < syms.n; k++) {
			const struct elf_sym *s = syms.v[k];
			if (!elf_vaddr_off(e, s->addr, &off))
				continue;	/* .bss, or past the end of a segment */
			ck_assert_msg(elf_off_vaddr(e, off, &va) && va == s->addr, "%s: %s", f->file,
				      s->name);
		}
		struct stat st;
		ck_assert_int_eq(stat(xprintf(FIXDIR "%s", f->file), &st), 0);
		va = 12345;
		ck_assert_msg(!elf_off_vaddr(e, st.st_size - 1, &va), "%s: last byte", f->file);
		ck_assert(!elf_off_vaddr(e, UINT64_MAX, &va));
		ck_assert_uint_eq(va, 12345);
		elf_close(e);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("fixtures");
	tcase_add_test(tc, header);
	tcase_add_test(tc, symbols);
	tcase_add_test(tc, thumb_bit);
	tcase_add_test(tc, symbols_dedup);
	tcase_add_test(tc, vaddr_off);
	tcase_add_test(tc, usdt_notes);
	tcase_add_test(tc, prelinked);
	tcase_add_test(tc, off_vaddr);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, not_elf);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, corrupted);
	tcase_add_test(tc, out_of_range);
	suite_add_tcase(s, tc);
	tc = tcase_create("find");
	tcase_add_test(tc, ldcache);
	tcase_add_test(tc, find_libc);
	tcase_add_test(tc, find_in_process);
	tcase_add_test(tc, find_program);
	tcase_add_test(tc, find_path);
	tcase_add_test(tc, find_missing);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
