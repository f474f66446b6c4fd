/* sym.c - addresses to symbols: the kernel's from /proc/kallsyms, a
 * process's from the ELF symbol tables of the files it maps.
 *
 * Both kinds live in the same plain table: the addresses, the sizes (user
 * symbols only) and each name's offset in one string buffer, sorted by
 * address. Parallel arrays rather than an array of structs: a struct of a
 * u64 and a u32 is padded to 16 bytes, the arrays cost 12 a symbol -- this
 * host's kallsyms has 120,000 text symbols, and wisp runs on routers.
 *
 * Everything here is malloc'd, not taken from the compile arena: the
 * caches outlive any compile (and the fuzzer's arena_reset).
 *
 * Nothing is read before it is needed: a program that never prints a
 * kernel or user symbol never reads kallsyms or an ELF file.
 */
#include "wisp.h"
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ the table */

struct symtab {
	uint64_t *addr;
	uint64_t *size;		/* when sized; 0: the symbol extends to the next */
	uint32_t *name;		/* offsets in names */
	char *names;
	int n, cap;
	size_t nlen, ncap;
	bool sized;		/* user symbols have sizes, the kernel's not */
};

/* realloc, or exit: as xalloc does */
static void *must_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

static void tab_free(struct symtab *t)
{
	free(t->addr);
	free(t->size);
	free(t->name);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

static void tab_add(struct symtab *t, uint64_t addr, uint64_t size, const char *name, size_t len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->addr = must_realloc(t->addr, t->cap * sizeof(*t->addr));
		t->name = must_realloc(t->name, t->cap * sizeof(*t->name));
		if (t->sized)
			t->size = must_realloc(t->size, t->cap * sizeof(*t->size));
	}
	while (t->ncap - t->nlen < len + 1) {
		t->ncap = t->ncap ? t->ncap * 2 : 16384;
		t->names = must_realloc(t->names, t->ncap);
	}
	t->addr[t->n] = addr;
	t->name[t->n] = t->nlen;
	if (t->sized)
		t->size[t->n] = size;
	memcpy(t->names + t->nlen, name, len);
	t->names[t->nlen + len] = '\0';
	t->nlen += len + 1;
	t->n++;
}

/* Give back what doubling left unused: the table lives as long as wisp. */
static void tab_trim(struct symtab *t)
{
	if (!t->n) {
		tab_free(t);
		return;
	}
	t->addr = must_realloc(t->addr, t->n * sizeof(*t->addr));
	t->name = must_realloc(t->name, t->n * sizeof(*t->name));
	if (t->sized)
		t->size = must_realloc(t->size, t->n * sizeof(*t->size));
	t->names = must_realloc(t->names, t->nlen);
	t->cap = t->n;
	t->ncap = t->nlen;
}

/* Aliases share an address (malloc, __libc_malloc; _stext, _text): the one
 * with the fewest leading underscores is the name people know, the first
 * in the file among equals. */
static int underscores(const char *s)
{
	int k = 0;
	while (s[k] == '_')
		k++;
	return k;
}

static bool better_alias(const struct symtab *t, int i, int than)
{
	int a = underscores(t->names + t->name[i]), b = underscores(t->names + t->name[than]);
	return a != b ? a < b : t->name[i] < t->name[than];
}

static void tab_swap(struct symtab *t, int i, int j)
{
	uint64_t a = t->addr[i];
	uint32_t n = t->name[i];
	t->addr[i] = t->addr[j], t->addr[j] = a;
	t->name[i] = t->name[j], t->name[j] = n;
	if (t->sized) {
		a = t->size[i];
		t->size[i] = t->size[j], t->size[j] = a;
	}
}

static void sift_down(struct symtab *t, int i, int n)
{
	for (int c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && t->addr[c + 1] > t->addr[c])
			c++;
		if (t->addr[i] >= t->addr[c])
			return;
		tab_swap(t, i, c);
	}
}

/* By address. kallsyms lists the kernel's code in order (modules follow,
 * each in its own order), so first see whether there is anything to do.
 * Then heapsort: in place over the parallel arrays (qsort needs an array
 * of structs), no extra memory, n log n whatever the input order. */
static void tab_sort(struct symtab *t)
{
	int i = 1;
	while (i < t->n && t->addr[i - 1] <= t->addr[i])
		i++;
	if (i >= t->n)
		return;
	for (i = t->n / 2 - 1; i >= 0; i--)
		sift_down(t, i, t->n);
	for (int end = t->n - 1; end > 0; end--) {
		tab_swap(t, 0, end);
		sift_down(t, 0, end);
	}
}

/* The symbol holding addr: of the symbols at the highest address not
 * above it, the best alias. It holds addr up to its size when it has one
 * (the largest of its aliases'), else up to the next symbol. The last
 * symbol without a size holds only its own address: nothing says where
 * it ends. */
static const char *tab_lookup(const struct symtab *t, uint64_t addr, uint64_t *off)
{
	int lo = 0, hi = t->n;	/* the first index whose address is above addr */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (t->addr[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	int best = lo - 1;
	uint64_t size = 0;
	for (int i = lo - 1; i >= 0 && t->addr[i] == t->addr[lo - 1]; i--) {
		if (t->sized && t->size[i] > size)
			size = t->size[i];
		if (better_alias(t, i, best))
			best = i;
	}
	uint64_t d = addr - t->addr[best];
	if (size ? d >= size : lo == t->n && d)
		return NULL;
	*off = d;
	return t->names + t->name[best];
}

/* ------------------------------------------------------------ kernel */

static const char *kpath = "/proc/kallsyms";
static char *kpath_set;		/* ksym_set_path's copy */
static bool kloaded;
static bool kvisible;	/* some address was not 0 */
static struct symtab ktab;

/* One kallsyms line: "ffffffff816d5370 T vfs_read" or, from a module,
 * "ffffffffc0a01000 t foo\t[mod]". False when it is not of that shape. */
static bool kparse(char *line, uint64_t *addr, char *type, char **name, size_t *len)
{
	char *end;
	errno = 0;
	*addr = strtoull(line, &end, 16);
	if (end == line || errno || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	*type = end[1];
	*name = end + 3;
	*len = strcspn(*name, " \t\n");
	return *len > 0;
}

static bool ktext(char type)
{
	return strchr("tTwW", type) != NULL;
}

static void ksym_load(void)
{
	FILE *f = fopen(kpath, "re");
	char line[1024];
	bool any = false;
	kloaded = true;
	kvisible = false;
	if (!f) {
		warnx_("cannot read %s: %s; kernel addresses will not be resolved", kpath,
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		uint64_t addr;
		char type, *name;
		size_t len;
		if (!kparse(line, &addr, &type, &name, &len))
			continue;
		any = true;
		kvisible |= addr != 0;
		/* only code: the addresses that stacks and ksym() hold */
		if (addr && ktext(type))
			tab_add(&ktab, addr, 0, name, len);
	}
	if (ferror(f))
		warnx_("reading %s: %s", kpath, strerror(errno));
	fclose(f);
	if (any && !kvisible)
		warnx_("%s hides the kernel's addresses (kptr_restrict; is wisp root?): "
		       "kernel addresses will not be resolved", kpath);
	tab_sort(&ktab);
	tab_trim(&ktab);
}

void ksym_set_path(const char *path)
{
	tab_free(&ktab);
	free(kpath_set);
	kpath_set = path ? must_realloc(NULL, strlen(path) + 1) : NULL;
	if (path)
		strcpy(kpath_set, path);
	kpath = path ? kpath_set : "/proc/kallsyms";
	kloaded = false;
}

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
	uint64_t o;
	if (!kloaded)
		ksym_load();
	return tab_lookup(&ktab, addr, off ? off : &o);
}

/* Any symbol of the file by name, text or not (kaddr of a variable):
 * the loaded table holds only code, and kaddr is rare enough to read the
 * file again for the rest. */
static bool kscan(const char *want, uint64_t *addr)
{
	FILE *f = fopen(kpath, "re");
	char line[1024];
	bool found = false;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char type, *name;
		size_t len;
		found = kparse(line, addr, &type, &name, &len) && *addr && strlen(want) == len &&
			!memcmp(name, want, len);
	}
	fclose(f);
	return found;
}

bool ksym_addr(const char *name, uint64_t *addr)
{
	if (!kloaded)
		ksym_load();
	/* the first in file order, as kscan would find it */
	int best = -1;
	for (int i = 0; i < ktab.n; i++)
		if (!strcmp(ktab.names + ktab.name[i], name) &&
		    (best < 0 || ktab.name[i] < ktab.name[best]))
			best = i;
	if (best >= 0) {
		*addr = ktab.addr[best];
		return true;
	}
	return kvisible && kscan(name, addr);
}

/* ------------------------------------------------------------ user */

/* A file a process maps, read on the first lookup that lands in it;
 * shared by every process that maps it. Its symbols are keyed by file
 * offset, not by address: the offset is what a mapping tells, and keying
 * by it means the ELF file need not stay open. */
struct ufile {
	struct ufile *next;
	char *path;
	bool read;
	struct symtab tab;
};

/* One executable mapping; file is NULL for an anonymous one ([vdso], JIT
 * code): known, but without symbols. */
struct umap {
	uint64_t start, end, pgoff;
	struct ufile *file;
};

struct uproc {
	struct uproc *next;
	int pid;
	struct umap *maps;
	int n;
	struct timespec when;	/* of the snapshot */
};

static struct ufile *files;
static struct uproc *procs;

static struct ufile *ufile_get(const char *path)
{
	struct ufile *f;
	for (f = files; f; f = f->next)
		if (!strcmp(f->path, path))
			return f;
	f = must_realloc(NULL, sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->path = must_realloc(NULL, strlen(path) + 1);
	strcpy(f->path, path);
	f->next = files;
	files = f;
	return f;
}

/* The function symbols, each at its file offset. The file's symbols come
 * through the arena (elf_symbols); the table keeps its own copy. */
static void ufile_read(struct ufile *f)
{
	char err[128];
	struct vec syms = {0};
	struct elf *e = elf_open(f->path, err, sizeof(err));
	f->read = true;
	if (!e)
		return;
	if (elf_symbols(e, &syms) < 0) {
		elf_close(e);
		return;
	}
	/* ARM: bit 0 of a Thumb function's address says Thumb; the code
	 * starts at the even address */
	uint64_t mask = elf_machine(e) == EM_ARM ? ~(uint64_t)1 : ~(uint64_t)0, off;
	f->tab.sized = true;
	for (int i = 0; i < syms.n; i++) {
		const struct elf_sym *s = syms.v[i];
		if (s->func && s->addr && elf_vaddr_off(e, s->addr & mask, &off))
			tab_add(&f->tab, off, s->size, s->name, strlen(s->name));
	}
	elf_close(e);
	tab_sort(&f->tab);
	tab_trim(&f->tab);
}

/* One line of /proc/PID/maps: "start-end perms offset dev inode   path"
 * (strtoull, not sscanf: keeps musl's scanf out of the static binary). */
static bool maps_line(char *line, unsigned long long *start, unsigned long long *end,
		      char **perms, unsigned long long *pgoff, char **path)
{
	char *p = line;
	*start = strtoull(p, &p, 16);
	if (*p++ != '-')
		return false;
	*end = strtoull(p, &p, 16);
	if (*p++ != ' ')
		return false;
	*perms = p;
	p += strcspn(p, " ");
	if (!*p)
		return false;
	*p++ = '\0';
	*pgoff = strtoull(p, &p, 16);
	for (int i = 0; i < 2; i++) {	/* dev, inode */
		p += strspn(p, " ");
		if (!*p || *p == '\n')
			return false;
		p += strcspn(p, " \n");
	}
	*path = p + strspn(p, " ");
	return true;
}

/* "start-end perms offset dev inode   path": the executable mappings.
 * NULL when the process is gone (or hidden from us). */
static struct uproc *read_maps(int pid)
{
	char line[4352];
	snprintf(line, sizeof(line), "/proc/%d/maps", pid);
	FILE *m = fopen(line, "re");
	if (!m)
		return NULL;
	struct uproc *p = must_realloc(NULL, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	clock_gettime(CLOCK_MONOTONIC, &p->when);
	int cap = 0;
	while (fgets(line, sizeof(line), m)) {
		unsigned long long start, end, pgoff;
		char *perms, *path;
		if (!maps_line(line, &start, &end, &perms, &pgoff, &path) || !strchr(perms, 'x'))
			continue;
		path[strcspn(path, "\n")] = '\0';
		/* a file replaced since it was mapped: its old path is the best guess */
		size_t len = strlen(path);
		if (len > 10 && !strcmp(path + len - 10, " (deleted)"))
			path[len - 10] = '\0';
		if (p->n == cap) {
			cap = cap ? 2 * cap : 16;
			p->maps = must_realloc(p->maps, cap * sizeof(*p->maps));
		}
		p->maps[p->n++] = (struct umap){ start, end, pgoff,
						 path[0] == '/' ? ufile_get(path) : NULL };
	}
	fclose(m);
	return p;
}

static void uproc_free(struct uproc *p)
{
	free(p->maps);
	free(p);
}

static struct uproc **uproc_find(int pid)
{
	struct uproc **pp = &procs;
	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

/* Read pid's mappings again if it still lives, in place of what was read
 * before; at most every 100 ms, so that stray addresses in a long stack
 * do not read the maps at each frame. */
static struct uproc *uproc_refresh(struct uproc **pp)
{
	struct timespec now, *then = &(*pp)->when;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000 < 100)
		return *pp;
	struct uproc *fresh = read_maps((*pp)->pid);
	if (fresh) {
		fresh->next = (*pp)->next;
		uproc_free(*pp);
		*pp = fresh;
	}
	return *pp;
}

void usym_note_pid(int pid)
{
	struct uproc **pp = uproc_find(pid), *p;
	if (*pp || !(p = read_maps(pid)))
		return;
	p->next = procs;
	procs = p;
}

void usym_forget_pid(int pid)
{
	struct uproc **pp = uproc_find(pid), *p = *pp;
	if (p) {
		*pp = p->next;
		uproc_free(p);
	}
}

static const struct umap *umap_find(const struct uproc *p, uint64_t addr)
{
	for (int i = 0; i < p->n; i++)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

const char *usym_lookup(int pid, uint64_t addr, uint64_t *off, const char **file)
{
	uint64_t o;
	const char *f_;
	off = off ? off : &o;
	file = file ? file : &f_;
	*off = 0;
	*file = NULL;
	usym_note_pid(pid);
	struct uproc **pp = uproc_find(pid);
	if (!*pp)
		return NULL;
	const struct umap *m = umap_find(*pp, addr);
	/* mapped since the snapshot (dlopen, or a snapshot taken at exec) */
	if (!m)
		m = umap_find(uproc_refresh(pp), addr);
	if (!m || !m->file)
		return NULL;
	*file = m->file->path;
	if (!m->file->read)
		ufile_read(m->file);
	return tab_lookup(&m->file->tab, addr - m->start + m->pgoff, off);
}
