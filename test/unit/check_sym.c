/* check_sym.c - kernel symbols from kallsyms fixtures and from the host's
 * own /proc/kallsyms; user symbols in this very process (its functions,
 * libc's, the ELF fixtures mapped into it), and in a child that has
 * exited. */
#include "unit.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define FIXDIR SRCDIR "/test/data/elf/"

static char kfile[64];

/* Write text to a fresh temp file and point the kernel side at it. */
static void kfixture(const char *text)
{
	if (kfile[0])
		unlink(kfile);
	strcpy(kfile, "/tmp/check_sym_XXXXXX");
	int fd = mkstemp(kfile);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
	ksym_set_path(kfile);
}

static void kdone(void)
{
	unlink(kfile);
	kfile[0] = '\0';
	ksym_set_path(NULL);
}

/* diagnostics go to a buffer while capturing */
static char *cap_buf;
static size_t cap_len;
static void cap_start(void)
{
	err_out = open_memstream(&cap_buf, &cap_len);
	ck_assert_ptr_nonnull(err_out);
}
static const char *cap_end(void)
{
	fclose(err_out);
	err_out = NULL;
	char *r = xstrdup(cap_buf);
	free(cap_buf);
	cap_buf = NULL;
	return r;
}

/* ksym_lookup(addr) is want (NULL: none) at offset off */
static void kis(uint64_t addr, const char *want, uint64_t off)
{
	uint64_t got_off = 12345;
	const char *got = ksym_lookup(addr, &got_off);
	if (!want) {
		ck_assert_msg(got == NULL, "0x%llx: %s+%llu, want none", (unsigned long long)addr,
			      got, (unsigned long long)got_off);
		return;
	}
	ck_assert_msg(got && !strcmp(got, want) && got_off == off, "0x%llx: %s+%llu, want %s+%llu",
		      (unsigned long long)addr, got ? got : "(none)", (unsigned long long)got_off,
		      want, (unsigned long long)off);
}

static void kaddr_is(const char *name, uint64_t want)
{
	uint64_t a = 0;
	bool ok = ksym_addr(name, &a);
	if (!want)
		ck_assert_msg(!ok, "kaddr(%s) = 0x%llx, want none", name, (unsigned long long)a);
	else
		ck_assert_msg(ok && a == want, "kaddr(%s) = %d 0x%llx", name, ok,
			      (unsigned long long)a);
}

/* ------------------------------------------------------------ kallsyms fixtures */

/* Out of address order as the real file is (modules last, data between),
 * with aliases, a weak symbol, a module and its name, data, and a static
 * function name used twice. */
static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000100 t helper\n"
	"ffffffff81000200 T vfs_read\n"
	"ffffffff81000180 W weak_fn\n"
	"ffffffff81000280 t twice\n"
	"ffffffff81000300 t twice\n"
	"ffffffff82000000 D jiffies\n"
	"ffffffff82000040 d static_var\n"
	"ffffffff81000400 T _etext\n"
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffffc0001000 t mod_fn\t[mymod]\n"
	"ffffffffc0001040 T mod_last\t[mymod]\n";

START_TEST(ksym_fixture)
{
	kfixture(kallsyms);
	/* before the first, at and in each, the byte before the next */
	kis(0, NULL, 0);
	kis(0xffffffff80ffffff, NULL, 0);
	kis(0xffffffff81000000, "startup_64", 0);	/* the alias without underscores */
	kis(0xffffffff810000ff, "startup_64", 0xff);
	kis(0xffffffff81000100, "helper", 0);
	kis(0xffffffff81000101, "helper", 1);
	kis(0xffffffff8100017f, "helper", 0x7f);
	kis(0xffffffff81000180, "weak_fn", 0);
	kis(0xffffffff810001ff, "weak_fn", 0x7f);
	kis(0xffffffff81000200, "vfs_read", 0);
	kis(0xffffffff81000290, "twice", 0x10);
	kis(0xffffffff81000310, "twice", 0x10);
	/* data is not code: the text before it holds its addresses */
	kis(0xffffffff82000000, "_etext", 0xffffffff82000000 - 0xffffffff81000400);
	/* a module's name without its [module] */
	kis(0xffffffffc0001000, "mod_fn", 0);
	kis(0xffffffffc000103f, "mod_fn", 0x3f);
	/* the last holds its own address, nothing beyond: where it ends is unknown */
	kis(0xffffffffc0001040, "mod_last", 0);
	kis(0xffffffffc0001041, NULL, 0);
	kis(UINT64_MAX, NULL, 0);
	/* no offset wanted */
	ck_assert_str_eq(ksym_lookup(0xffffffff81000201, NULL), "vfs_read");
	kdone();
}
END_TEST

START_TEST(ksym_by_name)
{
	kfixture(kallsyms);
	kaddr_is("vfs_read", 0xffffffff81000200);
	kaddr_is("_stext", 0xffffffff81000000);
	kaddr_is("_text", 0xffffffff81000000);
	kaddr_is("weak_fn", 0xffffffff81000180);
	kaddr_is("mod_fn", 0xffffffffc0001000);
	kaddr_is("mod_last", 0xffffffffc0001040);
	kaddr_is("twice", 0xffffffff81000280);	/* the first of the file */
	/* variables too, though lookups know only code */
	kaddr_is("jiffies", 0xffffffff82000000);
	kaddr_is("static_var", 0xffffffff82000040);
	/* none of these */
	kaddr_is("vfs_rea", 0);
	kaddr_is("vfs_read_", 0);
	kaddr_is("mymod", 0);
	kaddr_is("[mymod]", 0);
	kaddr_is("fixed_percpu_data", 0);	/* address 0 */
	kaddr_is("", 0);
	kdone();
}
END_TEST

/* kptr_restrict: every address 0. One warning, nothing resolves. */
START_TEST(ksym_hidden)
{
	kfixture("0000000000000000 T _stext\n"
		 "0000000000000000 T vfs_read\n"
		 "0000000000000000 t mod_fn\t[mymod]\n");
	cap_start();
	kis(0, NULL, 0);
	kis(0xffffffff81000000, NULL, 0);
	kaddr_is("vfs_read", 0);
	kaddr_is("_stext", 0);
	const char *said = cap_end();
	ck_assert_msg(strstr(said, "wisp: warning: ") && strstr(said, kfile) &&
		      strstr(said, "hides the kernel's addresses"), "%s", said);
	ck_assert_msg(strchr(said, '\n') == said + strlen(said) - 1, "more than once: %s", said);
	kdone();
}
END_TEST

/* No file (a kernel without kallsyms), an empty one, and lines of another
 * shape: nothing resolves, a warning says why when there is no file. */
START_TEST(ksym_bad_files)
{
	ksym_set_path("/nonexistent/kallsyms");
	cap_start();
	kis(0xffffffff81000000, NULL, 0);
	kaddr_is("vfs_read", 0);
	const char *said = cap_end();
	ck_assert_msg(strstr(said, "cannot read /nonexistent/kallsyms: ") &&
		      strchr(said, '\n') == said + strlen(said) - 1, "%s", said);

	kfixture("");
	cap_start();
	kis(0xffffffff81000000, NULL, 0);
	ck_assert_str_eq(cap_end(), "");

	kfixture("garbage\n"
		 "ffffffff81000000\n"
		 "ffffffff81000000 T\n"
		 "ffffffff81000000 Tx good\n"
		 "zzzz T bad\n"
		 "ffffffff81000100 T good\n"
		 "ffffffff81000200  T bad2\n");
	kis(0xffffffff81000100, "good", 0);
	kis(0xffffffff810000ff, NULL, 0);
	kis(0xffffffff81000200, NULL, 0);	/* past the last: bad2 was not taken */
	kaddr_is("good", 0xffffffff81000100);
	kaddr_is("bad", 0);
	kaddr_is("bad2", 0);
	kdone();
}
END_TEST

/* Nothing is read before the first question: the file may appear later. */
START_TEST(ksym_lazy)
{
	char path[64];
	strcpy(path, "/tmp/check_sym_lazy_XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(close(fd), 0);
	ksym_set_path(path);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(kallsyms, f);
	ck_assert_int_eq(fclose(f), 0);
	kis(0xffffffff81000201, "vfs_read", 1);
	/* and ksym_set_path forgets what was read */
	kfixture("ffffffff81000200 T other_read\n"
		 "ffffffff81000300 T other_write\n");
	kis(0xffffffff81000201, "other_read", 1);
	kaddr_is("vfs_read", 0);
	unlink(path);
	kdone();
}
END_TEST

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static size_t heap_used(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}

/* The host's kernel: vfs_read exists on every kernel wisp supports. */
START_TEST(ksym_host)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256];
	unsigned long long a = 0;
	if (!f) {
		printf("SKIP ksym_host: cannot read /proc/kallsyms: %s\n", strerror(errno));
		return;
	}
	while (!a && fgets(line, sizeof(line), f))
		a = strtoull(line, NULL, 16);
	fclose(f);
	if (!a) {
		printf("SKIP ksym_host: /proc/kallsyms shows no addresses (kptr_restrict, or not root)\n");
		return;
	}
	ksym_set_path("/proc/kallsyms");
	size_t before = heap_used();
	double t0 = now_ms();
	ck_assert_ptr_null(ksym_lookup(1, NULL));
	double t1 = now_ms();
	size_t after = heap_used();
	uint64_t addr = 0, off = 0;
	ck_assert(ksym_addr("vfs_read", &addr));
	double t2 = now_ms();
	ck_assert(ksym_addr("vfs_read", &addr));
	ck_assert_str_eq(ksym_lookup(addr + 1, &off), "vfs_read");
	ck_assert_uint_eq(off, 1);
	ck_assert_str_eq(ksym_lookup(addr, &off), "vfs_read");
	ck_assert_uint_eq(off, 0);
	printf("kallsyms: loaded in %.1f ms, %zu bytes of heap; ksym_addr %.2f ms\n", t1 - t0,
	       after - before, t2 - t1);
	ksym_set_path(NULL);
}
END_TEST

/* ------------------------------------------------------------ user symbols */

/* Functions of this program, with names nothing else has. The volatile
 * loop keeps each longer than the offsets looked up in it. */
volatile int sym_sink;
__attribute__((noinline)) int wisp_symtest_alpha(int x)
{
	for (int i = 0; i < x; i++)
		sym_sink += i * 3;
	return sym_sink;
}
__attribute__((noinline)) int wisp_symtest_beta(int x)
{
	for (int i = 0; i < x; i++)
		sym_sink ^= i + 7;
	return sym_sink;
}

/* a function's address, as a stack would hold it */
#define fn_addr(fn) ((uint64_t)(uintptr_t)(fn))

static const char *self_exe(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	return buf;
}

/* usym_lookup(pid, addr) is want at off, in a file whose name ends so */
static void uis(int pid, uint64_t addr, const char *want, uint64_t off, const char *file_end)
{
	uint64_t got_off = 12345;
	const char *file = "unset";
	const char *got = usym_lookup(pid, addr, &got_off, &file);
	ck_assert_msg(want ? got && !strcmp(got, want) && got_off == off : !got,
		      "0x%llx: %s+%llu, want %s+%llu", (unsigned long long)addr, got ? got : "(none)",
		      (unsigned long long)got_off, want ? want : "(none)", (unsigned long long)off);
	if (!file_end) {
		ck_assert_msg(file == NULL, "0x%llx: file %s, want none", (unsigned long long)addr,
			      file);
		return;
	}
	size_t n = file ? strlen(file) : 0, k = strlen(file_end);
	ck_assert_msg(file && n >= k && !strcmp(file + n - k, file_end), "0x%llx: file %s, want *%s",
		      (unsigned long long)addr, file ? file : "(none)", file_end);
}

START_TEST(usym_self)
{
	usym_forget_pid(getpid());
	const char *exe = self_exe();
	uis(getpid(), fn_addr(wisp_symtest_alpha) + 3, "wisp_symtest_alpha", 3, exe);
	uis(getpid(), fn_addr(wisp_symtest_alpha), "wisp_symtest_alpha", 0, exe);
	uis(getpid(), fn_addr(wisp_symtest_beta) + 1, "wisp_symtest_beta", 1, "/check_sym");
	uis(getpid(), fn_addr(wisp_symtest_beta) + 1, "wisp_symtest_beta", 1, exe);
	/* a function of libc, and no offset or file wanted */
	uis(getpid(), fn_addr(abs) + 2, "abs", 2, ".so.6");
	ck_assert_str_eq(usym_lookup(getpid(), fn_addr(abs), NULL, NULL), "abs");
	/* no mapping: none and no file */
	uis(getpid(), 16, NULL, 0, NULL);
	uis(getpid(), UINT64_MAX - 4096, NULL, 0, NULL);
	/* the heap and the stack: not code */
	int *heap = malloc(64);
	uis(getpid(), (uintptr_t)heap, NULL, 0, NULL);
	uis(getpid(), (uintptr_t)&heap, NULL, 0, NULL);
	free(heap);
	/* the vDSO: code, but no file to read */
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	if (vdso)
		uis(getpid(), vdso + 16, NULL, 0, NULL);
	/* no such process */
	uis(INT_MAX, fn_addr(wisp_symtest_alpha), NULL, 0, NULL);
	uis(-1, fn_addr(wisp_symtest_alpha), NULL, 0, NULL);
}
END_TEST

/* aliases at one address: the name without underscores (libc's getpid is
 * __getpid too) */
START_TEST(usym_alias)
{
	const char *got = usym_lookup(getpid(), fn_addr(getpid), NULL, NULL);
	ck_assert_msg(got && !strcmp(got, "getpid"), "%s", got ? got : "(none)");
}
END_TEST

/* Map a file into this process as code; returns where, or NULL. */
static uint8_t *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*len = st.st_size;
	void *p = mmap(NULL, st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	ck_assert_int_eq(close(fd), 0);
	if (p == MAP_FAILED) {
		printf("SKIP: cannot map %s as code: %s\n", path, strerror(errno));
		return NULL;
	}
	return p;
}

/* The ELF fixtures of other architectures mapped as code: names from the
 * file offset, symbol sizes (a gap between two functions, the end of the
 * last), ARM Thumb's bit 0, objects that are no functions. */
START_TEST(usym_fixtures)
{
	static const struct {
		const char *file;
		uint64_t at;	/* file offset */
		const char *want;
		uint64_t off;
	} cases[] = {
		{ "x86_64.elf", 0xe8, "fx_add", 0 },
		{ "x86_64.elf", 0xed, "fx_add", 5 },
		{ "x86_64.elf", 0xee, "fx_mem", 0 },
		{ "x86_64.elf", 0x14d, "fx_sem", 14 },
		{ "x86_64.elf", 0x14e, NULL, 0 },	/* past fx_sem's 15 bytes */
		{ "x86_64.elf", 0x160, NULL, 0 },	/* fx_global: data */
		{ "x86_64.elf", 0x10, NULL, 0 },	/* the ELF header */
		{ "thumb.elf", 0x94, "fx_add", 0 },	/* 0x10095 in the file */
		{ "thumb.elf", 0x95, "fx_add", 1 },
		{ "thumb.elf", 0x99, "fx_add", 5 },
		{ "thumb.elf", 0x9a, "fx_mem", 0 },
		{ "arm.elf", 0x94, "fx_add", 0 },
		{ "mips.elf", 0x11b, "fx_add", 11 },
		{ "mips.elf", 0x1bb, "_start", 83 },
		{ "mips.elf", 0x1bc, NULL, 0 },		/* between _start and fx_sem */
		{ "mips.elf", 0x1c0, "fx_sem", 0 },
		{ "x86_64.so", 0x410, "fx_add", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		const char *path = xprintf(FIXDIR "%s", cases[i].file);
		uint8_t *p = map_file(path, &len);
		if (!p)
			return;
		usym_forget_pid(getpid());
		uis(getpid(), (uintptr_t)p + cases[i].at, cases[i].want, cases[i].off, cases[i].file);
		ck_assert_int_eq(munmap(p, len), 0);
	}
}
END_TEST

/* A file that is not ELF, and one deleted after it was mapped: no symbol,
 * but the file is named (without the " (deleted)" of the maps). */
START_TEST(usym_unreadable)
{
	size_t len;
	uint8_t *p = map_file(FIXDIR "fixture.c", &len);
	if (!p)
		return;
	usym_forget_pid(getpid());
	uis(getpid(), (uintptr_t)p + 8, NULL, 0, "/fixture.c");
	ck_assert_int_eq(munmap(p, len), 0);

	char tmp[64];
	strcpy(tmp, "/tmp/check_sym_elf_XXXXXX");
	int fd = mkstemp(tmp), in = open(FIXDIR "x86_64.elf", O_RDONLY);
	char buf[8192];
	ssize_t n;
	ck_assert(fd >= 0 && in >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(fd, buf, n), n);
	ck_assert_int_eq(close(in), 0);
	ck_assert_int_eq(close(fd), 0);
	p = map_file(tmp, &len);
	ck_assert_int_eq(unlink(tmp), 0);
	if (!p)
		return;
	usym_forget_pid(getpid());
	uis(getpid(), (uintptr_t)p + 0xe8, NULL, 0, tmp);
	ck_assert_int_eq(munmap(p, len), 0);
}
END_TEST

/* A copy of the x86_64 fixture, its code mapped; size 0 for the symbols
 * named in zero (as hand-written assembly often has them). */
static uint8_t *map_sized(char *tmp, size_t *len, const char *const *zero, int nzero)
{
	int in = open(FIXDIR "x86_64.elf", O_RDONLY);
	uint8_t img[8192];
	ssize_t n = read(in, img, sizeof(img));
	ck_assert(in >= 0 && n > 0 && n < (ssize_t)sizeof(img));
	ck_assert_int_eq(close(in), 0);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sh = (Elf64_Shdr *)(img + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB)
			continue;
		const char *strs = (const char *)img + sh[sh[i].sh_link].sh_offset;
		Elf64_Sym *sym = (Elf64_Sym *)(img + sh[i].sh_offset);
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			for (int z = 0; z < nzero; z++)
				if (!strcmp(strs + sym[k].st_name, zero[z]))
					sym[k].st_size = 0;
	}
	strcpy(tmp, "/tmp/check_sym_elf_XXXXXX");
	int fd = mkstemp(tmp);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, img, n), n);
	ck_assert_int_eq(close(fd), 0);
	uint8_t *p = map_file(tmp, len);
	usym_forget_pid(getpid());
	return p;
}

/* Size 0: the symbol extends to the next one; the last, nowhere. */
START_TEST(usym_size0)
{
	static const char *const zero[] = { "fx_add", "fx_sem" };
	char tmp[64];
	size_t len;
	uint8_t *p = map_sized(tmp, &len, zero, 2);
	if (p) {
		uis(getpid(), (uintptr_t)p + 0xed, "fx_add", 5, tmp);
		uis(getpid(), (uintptr_t)p + 0xee, "fx_mem", 0, tmp);
		uis(getpid(), (uintptr_t)p + 0x13f, "fx_sem", 0, tmp);
		uis(getpid(), (uintptr_t)p + 0x140, NULL, 0, tmp);
		ck_assert_int_eq(munmap(p, len), 0);
	}
	ck_assert_int_eq(unlink(tmp), 0);
}
END_TEST

/* Mapped after the snapshot: the lookup reads the maps again. */
START_TEST(usym_remap)
{
	size_t len;
	usym_forget_pid(getpid());
	usym_note_pid(getpid());
	uint8_t *p = map_file(FIXDIR "arm.elf", &len);
	if (!p)
		return;
	usym_lookup(getpid(), (uintptr_t)p + 0x94, NULL, NULL);	/* may be too soon */
	usleep(150 * 1000);
	uis(getpid(), (uintptr_t)p + 0x94, "fx_add", 0, "/arm.elf");
	ck_assert_int_eq(munmap(p, len), 0);
}
END_TEST

/* After exit: a child's mappings, noted while it lived, still name its
 * functions once it is gone and reaped (fork keeps the parent's layout). */
START_TEST(usym_after_exit)
{
	int ready[2], go[2];
	char c = 0;
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	usym_note_pid(pid);
	ck_assert_int_eq(write(go[1], "g", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(close(ready[i]) | close(go[i]), 0);

	uis(pid, fn_addr(wisp_symtest_beta) + 3, "wisp_symtest_beta", 3, self_exe());
	uis(pid, fn_addr(abs), "abs", 0, ".so.6");
	uis(pid, 16, NULL, 0, NULL);
	/* forgotten: nothing left to read */
	usym_forget_pid(pid);
	uis(pid, fn_addr(wisp_symtest_beta) + 3, NULL, 0, NULL);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("sym");
	TCase *tc = tcase_create("kernel");
	tcase_add_test(tc, ksym_fixture);
	tcase_add_test(tc, ksym_by_name);
	tcase_add_test(tc, ksym_hidden);
	tcase_add_test(tc, ksym_bad_files);
	tcase_add_test(tc, ksym_lazy);
	tcase_add_test(tc, ksym_host);
	suite_add_tcase(su, tc);
	tc = tcase_create("user");
	tcase_add_test(tc, usym_self);
	tcase_add_test(tc, usym_alias);
	tcase_add_test(tc, usym_fixtures);
	tcase_add_test(tc, usym_unreadable);
	tcase_add_test(tc, usym_size0);
	tcase_add_test(tc, usym_remap);
	tcase_add_test(tc, usym_after_exit);
	suite_add_tcase(su, tc);
	return unit_run(su);
}
