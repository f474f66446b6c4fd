/* elf.c - the little of ELF that uprobes and USDT need: symbols, the file
 * offset of an address, the .note.stapsdt notes, and finding a library or
 * program by name the way the dynamic linker and the shell would.
 *
 * The file is mapped read-only and every field is read byte by byte in the
 * file's own byte order, so a big-endian file reads the same on a
 * little-endian host (and unaligned fields are no trouble). Every offset
 * and size is checked against the mapping before use: a truncated or
 * malformed file gives an error, never a crash.
 */
#include "wisp.h"
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

struct elf {
	const uint8_t *p;	/* the mapping */
	size_t size;
	bool is64, big;
	int machine;
	uint64_t phoff, shoff;
	unsigned phnum, phentsize, shnum, shentsize, shstrndx;
};

/* ------------------------------------------------------------ reading */

/* n bytes at p as an unsigned number in the file's byte order */
static uint64_t rd(const struct elf *e, const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << 8 * (e->big ? n - 1 - i : i);
	return v;
}

/* Field f of the ELF structure T (Ehdr, Shdr, Sym ...) that starts at p,
 * whichever class the file is: <elf.h> gives both layouts. */
#define FIELD(e, p, T, f)						\
	rd(e, (p) + ((e)->is64 ? offsetof(Elf64_##T, f) : offsetof(Elf32_##T, f)), \
	   (e)->is64 ? (int)sizeof(((Elf64_##T *)0)->f) : (int)sizeof(((Elf32_##T *)0)->f))
#define SIZEOF(e, T) ((e)->is64 ? sizeof(Elf64_##T) : sizeof(Elf32_##T))

/* Is [off, off + len) inside the file? */
static bool inside(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* A section header, in host form. */
struct sec {
	uint32_t name, type, link;
	uint64_t addr, off, size, align, entsize;
};

static bool section(const struct elf *e, unsigned i, struct sec *s)
{
	if (i >= e->shnum)
		return false;
	const uint8_t *p = e->p + e->shoff + (uint64_t)i * e->shentsize;
	s->name = FIELD(e, p, Shdr, sh_name);
	s->type = FIELD(e, p, Shdr, sh_type);
	s->link = FIELD(e, p, Shdr, sh_link);
	s->addr = FIELD(e, p, Shdr, sh_addr);
	s->off = FIELD(e, p, Shdr, sh_offset);
	s->size = FIELD(e, p, Shdr, sh_size);
	s->align = FIELD(e, p, Shdr, sh_addralign);
	s->entsize = FIELD(e, p, Shdr, sh_entsize);
	return true;
}

/* The section's bytes, or NULL when it has none in the file or they lie
 * outside it. */
static const uint8_t *sec_data(const struct elf *e, const struct sec *s)
{
	if (s->type == SHT_NOBITS || !inside(e, s->off, s->size))
		return NULL;
	return e->p + s->off;
}

/* The NUL-terminated string at off in a string table of n bytes, or NULL. */
static const char *str_at(const uint8_t *tab, uint64_t n, uint64_t off)
{
	if (!tab || off >= n || !memchr(tab + off, 0, n - off))
		return NULL;
	return (const char *)tab + off;
}

static const char *sec_name(const struct elf *e, const struct sec *s)
{
	struct sec st;
	if (!section(e, e->shstrndx, &st))
		return NULL;
	return str_at(sec_data(e, &st), st.size, s->name);
}

/* ------------------------------------------------------------ opening */

/* Check the header and the two header tables against the file. */
static const char *parse_header(struct elf *e)
{
	const uint8_t *p = e->p;
	if (e->size < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG))
		return "not an ELF file";
	if (p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64)
		return "unknown ELF class";
	if (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB)
		return "unknown ELF byte order";
	e->is64 = p[EI_CLASS] == ELFCLASS64;
	e->big = p[EI_DATA] == ELFDATA2MSB;
	if (e->size < SIZEOF(e, Ehdr))
		return "truncated ELF header";
	e->machine = FIELD(e, p, Ehdr, e_machine);
	e->phoff = FIELD(e, p, Ehdr, e_phoff);
	e->phnum = FIELD(e, p, Ehdr, e_phnum);
	e->phentsize = FIELD(e, p, Ehdr, e_phentsize);
	e->shoff = FIELD(e, p, Ehdr, e_shoff);
	e->shnum = FIELD(e, p, Ehdr, e_shnum);
	e->shentsize = FIELD(e, p, Ehdr, e_shentsize);
	e->shstrndx = FIELD(e, p, Ehdr, e_shstrndx);
	if (!e->shoff)
		e->shnum = 0;
	if (e->shnum || e->shoff) {
		if (e->shentsize < SIZEOF(e, Shdr) || !inside(e, e->shoff, e->shentsize))
			return "section headers out of range";
		/* more sections than e_shnum holds: the count is in section 0 */
		struct sec s0;
		e->shnum = e->shnum ? e->shnum : 1;
		section(e, 0, &s0);
		if (FIELD(e, p, Ehdr, e_shnum) == 0)
			e->shnum = s0.size > UINT32_MAX ? 0 : s0.size;
		if (e->shstrndx == SHN_XINDEX)
			e->shstrndx = s0.link;
		if (!inside(e, e->shoff, (uint64_t)e->shnum * e->shentsize))
			return "section headers out of range";
	}
	if (e->phnum) {
		if (e->phentsize < SIZEOF(e, Phdr) ||
		    !inside(e, e->phoff, (uint64_t)e->phnum * e->phentsize))
			return "program headers out of range";
	}
	return NULL;
}

struct elf *elf_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		say(err, errlen, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT) {
		say(err, errlen, S_ISDIR(st.st_mode) ? "is a directory" : "not an ELF file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		say(err, errlen, "too big to map");
		close(fd);
		return NULL;
	}
	void *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		say(err, errlen, "cannot map it: %s", strerror(errno));
		return NULL;
	}
	struct elf *e = calloc(1, sizeof(*e));
	if (!e) {
		munmap(p, st.st_size);
		say(err, errlen, "out of memory");
		return NULL;
	}
	e->p = p;
	e->size = st.st_size;
	const char *why = parse_header(e);
	if (why) {
		say(err, errlen, "%s", why);
		elf_close(e);
		return NULL;
	}
	return e;
}

void elf_close(struct elf *e)
{
	if (!e)
		return;
	munmap((void *)e->p, e->size);
	free(e);
}

int elf_machine(const struct elf *e)
{
	return e->machine;
}

bool elf_is64(const struct elf *e)
{
	return e->is64;
}

bool elf_big_endian(const struct elf *e)
{
	return e->big;
}

/* ------------------------------------------------------------ symbols */

static int cmp_sym(const void *a, const void *b)
{
	const struct elf_sym *x = *(struct elf_sym *const *)a, *y = *(struct elf_sym *const *)b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One symbol table (SHT_SYMTAB or SHT_DYNSYM); false when it is malformed. */
static bool read_symtab(struct elf *e, const struct sec *s, struct vec *out)
{
	struct sec strs;
	const uint8_t *tab = sec_data(e, s), *str;
	uint64_t esz = SIZEOF(e, Sym);
	if (s->entsize > esz)
		esz = s->entsize;
	if (!tab || !section(e, s->link, &strs) || !(str = sec_data(e, &strs)))
		return false;
	/* entry 0 is the undefined symbol */
	for (uint64_t off = esz; off + SIZEOF(e, Sym) <= s->size; off += esz) {
		const uint8_t *p = tab + off;
		unsigned info = FIELD(e, p, Sym, st_info), shndx = FIELD(e, p, Sym, st_shndx);
		unsigned type = ELF32_ST_TYPE(info);
		uint64_t addr = FIELD(e, p, Sym, st_value);
		if (shndx == SHN_UNDEF || !addr || type == STT_SECTION || type == STT_FILE ||
		    type == STT_TLS)
			continue;
		const char *name = str_at(str, strs.size, FIELD(e, p, Sym, st_name));
		if (!name)
			return false;
		/* "" and the ARM/AArch64/RISC-V mapping symbols ($a, $d, $t, $x...) */
		if (!*name || *name == '$')
			continue;
		struct elf_sym *sym = xalloc(sizeof(*sym));
		sym->name = xstrdup(name);
		sym->addr = addr;
		sym->size = FIELD(e, p, Sym, st_size);
		sym->func = type == STT_FUNC || type == STT_GNU_IFUNC;
		vec_push(out, sym);
	}
	return true;
}

int elf_symbols(struct elf *e, struct vec *out)
{
	int first = out->n;
	struct sec s;
	for (unsigned i = 0; section(e, i, &s); i++) {
		if (s.type != SHT_SYMTAB && s.type != SHT_DYNSYM)
			continue;
		if (!read_symtab(e, &s, out)) {
			out->n = first;
			errno = EINVAL;
			return -1;
		}
	}
	/* sorted by name; the same symbol in .symtab and .dynsym once */
	int n = out->n - first, k = 0;
	if (!n)
		return 0;
	void **v = out->v + first;
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_sym);
	for (int i = 0; i < n; i++)
		if (!k || cmp_sym(&v[k - 1], &v[i]))
			v[k++] = v[i];
	out->n = first + k;
	return k;
}

bool elf_vaddr_off(const struct elf *e, uint64_t vaddr, uint64_t *off)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		const uint8_t *p = e->p + e->phoff + (uint64_t)i * e->phentsize;
		uint64_t va = FIELD(e, p, Phdr, p_vaddr), filesz = FIELD(e, p, Phdr, p_filesz);
		/* only the part backed by the file has an offset in it */
		if (FIELD(e, p, Phdr, p_type) == PT_LOAD && vaddr >= va && vaddr - va < filesz) {
			*off = vaddr - va + FIELD(e, p, Phdr, p_offset);
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ USDT notes */

/* One stapsdt note's descriptor: pc, base and semaphore (each a word of
 * the file's class), then "provider\0name\0args\0". base is where the
 * linker put .stapsdt.base; prelink moves the section but cannot fix the
 * (unallocated) note, so the difference is applied to pc and semaphore.
 * False when malformed. */
static bool read_note(struct elf *e, const uint8_t *d, uint64_t n, bool have_base,
		      uint64_t base, struct vec *out)
{
	int w = e->is64 ? 8 : 4;
	if (n < 3u * w + 2)
		return false;
	uint64_t pc = rd(e, d, w), nbase = rd(e, d + w, w), sem = rd(e, d + 2 * w, w);
	const char *prov = str_at(d, n, 3 * w);
	const char *name = prov ? str_at(d, n, 3 * w + strlen(prov) + 1) : NULL;
	if (!name)
		return false;
	const char *args = str_at(d, n, (const uint8_t *)name + strlen(name) + 1 - d);
	if (have_base && nbase && base != nbase) {
		pc += base - nbase;
		if (sem)
			sem += base - nbase;
	}
	struct usdt_note *u = xalloc(sizeof(*u));
	u->provider = xstrdup(prov);
	u->name = xstrdup(name);
	u->args = xstrdup(args ? args : "");
	u->pc = pc;
	u->sem = sem;
	vec_push(out, u);
	return true;
}

int elf_usdt_notes(struct elf *e, struct vec *out)
{
	int first = out->n;
	bool have_base = false;
	uint64_t base = 0;
	struct sec s;
	for (unsigned i = 0; section(e, i, &s); i++) {
		const char *name = sec_name(e, &s);
		if (name && !strcmp(name, ".stapsdt.base")) {
			have_base = true;
			base = s.addr;
		}
	}
	for (unsigned i = 0; section(e, i, &s); i++) {
		const char *name = sec_name(e, &s);
		if (s.type != SHT_NOTE || !name || strcmp(name, ".note.stapsdt"))
			continue;
		const uint8_t *d = sec_data(e, &s);
		uint64_t al = s.align == 8 ? 8 : 4, pos = 0;
		if (!d)
			goto bad;
		/* namesz, descsz, type; the name and the descriptor, each padded */
		while (pos + 12 <= s.size) {
			const uint8_t *h = d + pos;
			uint64_t namesz = rd(e, h, 4), descsz = rd(e, h + 4, 4);
			uint64_t desc = pos + 12 + ((namesz + al - 1) & ~(al - 1));
			if (desc > s.size || descsz > s.size - desc)
				goto bad;
			if (rd(e, h + 8, 4) == 3 && namesz == 8 && !memcmp(h + 12, "stapsdt", 8) &&
			    !read_note(e, d + desc, descsz, have_base, base, out))
				goto bad;
			pos = desc + ((descsz + al - 1) & ~(al - 1));
		}
	}
	return out->n - first;
bad:
	out->n = first;
	errno = EINVAL;
	return -1;
}

/* ------------------------------------------------------------ finding files */

/* What wisp itself was built for: a library of another machine, class or
 * byte order is a last resort (it could not be in wisp's target's
 * processes). */
#if defined(__x86_64__)
#define OWN_MACHINE EM_X86_64
#elif defined(__i386__)
#define OWN_MACHINE EM_386
#elif defined(__aarch64__)
#define OWN_MACHINE EM_AARCH64
#elif defined(__arm__)
#define OWN_MACHINE EM_ARM
#elif defined(__mips__)
#define OWN_MACHINE EM_MIPS
#elif defined(__riscv)
#define OWN_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define OWN_MACHINE EM_PPC64
#elif defined(__powerpc__)
#define OWN_MACHINE EM_PPC
#else
#define OWN_MACHINE EM_NONE
#endif

struct find {
	const char *name;
	const char *found;	/* an ELF file of wisp's own kind */
	const char *fallback;	/* the first ELF file of another kind */
};

/* Take path if it is an ELF file of wisp's kind; true when the search is over. */
static bool consider(struct find *f, const char *path)
{
	char err[8];
	struct elf *e = elf_open(path, err, sizeof(err));
	if (!e)
		return false;
	bool own = e->machine == OWN_MACHINE && e->is64 == (sizeof(void *) == 8) &&
		   e->big == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	elf_close(e);
	if (own)
		f->found = xstrdup(path);
	else if (!f->fallback)
		f->fallback = xstrdup(path);
	return own;
}

/* Does the file name file answer to name? "libc" is any libc.so*,
 * "libc.so" is libc.so.6 too; glibc before 2.34 mapped libc-2.31.so. */
static bool lib_match(const char *name, const char *file)
{
	size_t n = strlen(name);
	if (strncmp(file, name, n))
		return false;
	const char *rest = file + n;
	if (!*rest)
		return true;
	if (!strncmp(rest, ".so", 3) && (!rest[3] || rest[3] == '.'))
		return true;
	if (n > 3 && !strcmp(name + n - 3, ".so") && rest[0] == '.')
		return true;
	return rest[0] == '-' && rest[1] >= '0' && rest[1] <= '9' && strstr(rest, ".so");
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The files a process has mapped (as it sees them). */
static bool search_maps(struct find *f, int pid)
{
	FILE *m = fopen(xprintf("/proc/%d/maps", pid), "re");
	char line[4352];
	if (!m)
		return false;
	while (!f->found && fgets(line, sizeof(line), m)) {
		char *path = strchr(line, '/');
		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (lib_match(f->name, base_name(path)))
			consider(f, path);
	}
	fclose(m);
	return f->found != NULL;
}

/* The paths /etc/ld.so.cache (or another cache file) gives for name, in the
 * cache's order, pushed on out as strings. glibc's format since 2.32 is
 * "glibc-ld.so.cache1.1": a 48-byte header (entry count at 20), then
 * 24-byte entries {flags, key, value, osversion, hwcap} whose key (the
 * soname) and value (the path) are offsets from the header. Before that
 * ldconfig wrote the old "ld.so-1.7.0" format -- entry count at 12,
 * 12-byte entries {flags, key, value} from 16, offsets counted from the end
 * of the entries -- usually followed by the new table at the next 8-byte
 * boundary (that is where the strings begin). The cache is in the host's
 * byte order. Returns how many, or -1 when there is no readable cache. */
int elf_ldcache(const char *file, const char *name, struct vec *out);
int elf_ldcache(const char *file, const char *name, struct vec *out)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC), n0 = out->n;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 16) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t size = st.st_size;
	const uint8_t *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;

	static const char new_magic[] = "glibc-ld.so.cache1.1";
	uint64_t hdr = 0, ent, nent, esz, strbase, end = 0;
	uint32_t n;
	bool old = !memcmp(p, "ld.so-1.7.0", 11);
	if (old) {
		memcpy(&n, p + 12, 4);
		end = 16 + (uint64_t)n * 12;
		hdr = (end + 7) & ~(uint64_t)7;
	}
	if (hdr + 48 <= size && !memcmp(p + hdr, new_magic, 20)) {
		memcpy(&n, p + hdr + 20, 4);
		ent = hdr + 48, nent = n, esz = 24, strbase = hdr;
	} else if (old) {
		ent = 16, nent = end > size ? 0 : (end - 16) / 12, esz = 12, strbase = end;
	} else {
		munmap((void *)p, size);
		return -1;
	}
	for (uint64_t i = 0; i < nent && ent + (i + 1) * esz <= size; i++) {
		uint32_t kv[2];
		memcpy(kv, p + ent + i * esz + 4, 8);
		const char *key = str_at(p, size, strbase + kv[0]);
		const char *val = str_at(p, size, strbase + kv[1]);
		if (key && val && lib_match(name, key))
			vec_push(out, xstrdup(val));
	}
	munmap((void *)p, size);
	return out->n - n0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of one directory that answer to the name, in name order (so
 * that "libc" tries libc.so before libc.so.6: the first may be a linker
 * script, which is no ELF file and is passed over). */
static bool search_dir(struct find *f, const char *dir)
{
	DIR *d = opendir(dir);
	struct vec names = {0};
	struct dirent *de;
	if (!d)
		return false;
	while ((de = readdir(d)))
		if (lib_match(f->name, de->d_name))
			vec_push(&names, xstrdup(de->d_name));
	closedir(d);
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(names.v[0]), cmp_str);
	for (int i = 0; i < names.n; i++)
		if (consider(f, xprintf("%s/%s", dir, (char *)names.v[i])))
			return true;
	return false;
}

/* Each directory listed in a file (musl's /etc/ld-musl-ARCH.path: one or
 * more a line, or separated by ':'). */
static bool search_path_file(struct find *f, const char *file)
{
	FILE *p = fopen(file, "re");
	char line[4096];
	bool done = false;
	if (!p)
		return false;
	while (!done && fgets(line, sizeof(line), p))
		for (char *save, *dir = strtok_r(line, ":\n", &save); dir && !done;
		     dir = strtok_r(NULL, ":\n", &save))
			done = search_dir(f, dir);
	fclose(p);
	return done;
}

static bool search_musl(struct find *f)
{
	DIR *d = opendir("/etc");
	struct dirent *de;
	bool done = false;
	if (!d)
		return false;
	while (!done && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (!strncmp(de->d_name, "ld-musl-", 8) && n > 5 &&
		    !strcmp(de->d_name + n - 5, ".path"))
			done = search_path_file(f, xprintf("/etc/%s", de->d_name));
	}
	closedir(d);
	return done;
}

/* dir, then its multiarch subdirectories ("x86_64-linux-gnu",
 * "arm-linux-gnueabihf", "mipsel-linux-musl"...): found by their shape
 * rather than named, and the wrong ones fail consider()'s machine check. */
static bool search_libdir(struct find *f, const char *dir)
{
	if (search_dir(f, dir))
		return true;
	DIR *d = opendir(dir);
	struct dirent *de;
	struct vec subs = {0};
	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strstr(de->d_name, "-linux-"))
			vec_push(&subs, xprintf("%s/%s", dir, de->d_name));
	closedir(d);
	for (int i = 0; i < subs.n; i++)
		if (search_dir(f, subs.v[i]))
			return true;
	return false;
}

/* A program the shell would run: exactly the name, in a $PATH directory. */
static bool search_programs(struct find *f)
{
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	for (char *save, *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *file = xprintf("%s/%s", *dir ? dir : ".", f->name);
		struct stat st;
		if (!stat(file, &st) && S_ISREG(st.st_mode) && !access(file, X_OK) && consider(f, file))
			return true;
	}
	return false;
}

static const char *const lib_dirs[] = {
	"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib",
};

const char *elf_find(const char *name, int pid, char *err, size_t errlen)
{
	if (!*name) {
		say(err, errlen, "no file name given");
		return NULL;
	}
	if (strchr(name, '/')) {
		if (access(name, F_OK)) {
			say(err, errlen, "%s: %s", name, strerror(errno));
			return NULL;
		}
		char cwd[4096];
		if (name[0] == '/' || !getcwd(cwd, sizeof(cwd)))
			return xstrdup(name);
		/* attach names and uprobe_events want the full path */
		return xprintf("%s/%s", strcmp(cwd, "/") ? cwd : "",
			       strncmp(name, "./", 2) ? name : name + 2);
	}
	struct find f = { .name = name };
	if (pid > 0 && search_maps(&f, pid))
		return f.found;
	struct vec cached = {0};
	elf_ldcache("/etc/ld.so.cache", name, &cached);
	for (int i = 0; i < cached.n; i++)
		if (consider(&f, cached.v[i]))
			return f.found;
	if (search_musl(&f))
		return f.found;
	for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++)
		if (search_libdir(&f, lib_dirs[i]))
			return f.found;
	if (search_programs(&f))
		return f.found;
	if (f.fallback)
		return f.fallback;
	say(err, errlen, "no library or program named '%s' (searched %s/etc/ld.so.cache, "
	    "/etc/ld-musl-*.path, /lib, /usr/lib and their multiarch directories, /lib64, "
	    "/usr/lib64, /usr/local/lib and $PATH)", name,
	    pid > 0 ? xprintf("the files mapped by process %d, ", pid) : "");
	return NULL;
}

bool elf_off_vaddr(const struct elf *e, uint64_t off, uint64_t *vaddr)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		const uint8_t *p = e->p + e->phoff + (uint64_t)i * e->phentsize;
		uint64_t fo = FIELD(e, p, Phdr, p_offset), filesz = FIELD(e, p, Phdr, p_filesz);
		/* the bytes past filesz are zeroes in memory, not the file's */
		if (FIELD(e, p, Phdr, p_type) == PT_LOAD && off >= fo && off - fo < filesz) {
			*vaddr = off - fo + FIELD(e, p, Phdr, p_vaddr);
			return true;
		}
	}
	return false;
}
