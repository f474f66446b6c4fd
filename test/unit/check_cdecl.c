/* check_cdecl.c - C declarations as BTF: layouts checked against what the
 * real compilers make of the same declarations (x86_64, aarch64, ppc64,
 * arm, mipsel and mips GCC, the tables below), every kind of declaration,
 * and the errors with their line:col. */
#include "unit.h"
#include <linux/btf.h>


static struct source src;

/* The declarations of text: each ends at a ';' outside braces and
 * parentheses, as parse() finds them (leading blanks and #define lines
 * included: the lexer skips those). */
static struct btf *decls(const char *text, int word, bool big_endian)
{
	struct loc d[256];
	int n = 0, depth = 0, start = 0;
	lex_forget_defines();
	src.name = "stdin";
	src.text = text;
	cur_src = &src;
	for (int i = 0; text[i]; i++) {
		if (text[i] == '{' || text[i] == '(')
			depth++;
		else if (text[i] == '}' || text[i] == ')')
			depth--;
		else if (text[i] == ';' && !depth) {
			ck_assert_int_lt(n, 256);
			d[n++] = (struct loc){ start, i + 1 - start };
			start = i + 1;
		}
	}
	return cdecl_parse(d, n, word, big_endian);
}

static struct btf *B(const char *text)
{
	struct btf *b = decls(text, 8, false);
	ck_assert_ptr_nonnull(b);
	return b;
}

/* The diagnostics of parsing text ("" when none). */
static const char *err_text;
static int err_word = 8;

static void parse_it(void *arg)
{
	(void)arg;
	btf_close(decls(err_text, err_word, false));
}

static const char *diag(const char *text)
{
	err_text = text;
	return unit_capture(parse_it, NULL);
}

/* its first line: "stdin:1:2: error: ..." */
static const char *diag1(const char *text)
{
	const char *d = diag(text);
	return xstrndup(d, strcspn(d, "\n"));
}

#define ERR(text, msg) ck_assert_str_eq(diag1(text), msg)

static int sid(struct btf *b, const char *name)
{
	int id = btf_find(b, name, BTF_KIND_STRUCT);
	ck_assert_msg(id > 0, "no struct %s", name);
	return id;
}

/* member's bit offset; its bitfield width in *bf (if bf) */
static long moff(struct btf *b, int id, const char *m, int *bf)
{
	long off = -1;
	int w = -1;
	ck_assert_msg(btf_member(b, id, m, &off, &w) > 0, "no member %s", m);
	if (bf)
		*bf = w;
	return off;
}

static int mtype(struct btf *b, int id, const char *m)
{
	int t = btf_member(b, id, m, NULL, NULL);
	ck_assert_msg(t > 0, "no member %s", m);
	return t;
}

/* ------------------------------------------------------------ the ABI tables
 *
 * decls.h below was compiled by each cross compiler into a program that
 * printed, for each type, its sizeof and _Alignof, each member's offsetof,
 * and each bitfield as the bytes of the struct (in memory order) after
 * setting that field to all ones (a union with a byte array):
 *
 *	#define SZ(T) printf(#T " size %zu align %zu\n", sizeof(T), _Alignof(T))
 *	#define OFF(T, f) printf(#T "." #f " off %zu\n", offsetof(T, f))
 *	#define BF(T, f) ... u.s.f = -1; (print u.b[0 .. sizeof(T)-1] in hex)
 *
 * The test prints the same from the BTF: the bytes of a bitfield from its
 * bit offset and width, bit k being bit k%8 of byte k/8 counted from the
 * least significant bit on little-endian targets and from the most
 * significant on big-endian ones. That the two agree shows that the
 * offsets, read by that convention, address the bits the compiler uses. */

static const char abi_decls[] =
	"enum e3 { E0, E1, E5 = 5 };\n"
	"struct bf1 { char a; unsigned b:3, c:5; int :0; char d; long long e:40; short f:9; };\n"
	"struct bf2 { char a; int b:20; int c:20; char d:3; unsigned long l:17; };\n"
	"struct bf3 { char a; int :3; char b; };\n"
	"struct bf4 { char a; long long :0; char b; };\n"
	"struct bf5 { short a:9; short b:9; char c:4; char d:6; };\n"
	"struct bf6 { char c; unsigned long long x:5; char d; };\n"
	"struct bf7 { char a; long long x:60; long long y:8; int z:31; _Bool t:1; enum e3 u:3; };\n"
	"struct bf8 { int a:1; long long b:63; char c; };\n"
	"struct al1 { char a; long long b; double c; char d; };\n"
	"struct al2 { char a; long l; void *p; short s; unsigned long z; int i; };\n"
	"struct al3 { char a; int b __attribute__((aligned(16))); char c; };\n"
	"struct al4 { short a; struct { char x; long long y; } n; char b; };\n"
	"struct pk1 { char a; int b:20; int c:20; long long d; } __attribute__((packed));\n"
	"struct pk2 { char a; int b; short c; long long d; char e:3; int f:7; } __attribute__((packed));\n"
	"struct pz1 { char a; long long :0; char b; } __attribute__((packed));\n"
	"struct pz2 { char a; int :3; char b; } __attribute__((packed));\n"
	"struct pz3 { char a; long long :0 __attribute__((packed)); char b; };\n"
	"union u1 { int a:3; char b:7; long long c:33; short d; };\n"
	"union uz1 { char a; long long :0; } __attribute__((packed));\n"
	"union uz2 { char a; long long :5; };\n"
	"struct __attribute__((aligned(8))) ald { char a; };\n"
	"struct pal { char a; int b __attribute__((aligned(8))); } __attribute__((packed));\n"
	"typedef int aint __attribute__((aligned(8)));\n"
	"struct tal { char a; aint b; char c; };\n"
	"enum eb { EB = 0x100000000 };\n"
	"enum eu { EU = 0xffffffff };\n"
	"enum en { EN = -1, EM = 0x80000000 };\n"
	"enum __attribute__((packed)) ep1 { EP1 = 200 };\n"
	"enum __attribute__((packed)) ep2 { EP2 = -129 };\n";

/* x86_64-linux-gnu-gcc 12, run natively (mips64el-linux-gnuabi64-gcc and riscv64-linux-gnu-gcc under qemu print the same) */
static const char gcc_x86_64[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00070000000000000000000000000000\n"
	"struct bf1.c 00f80000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff01\n"
	"struct bf2 size 16 align 8\n"
	"struct bf2.b 00ffff0f000000000000000000000000\n"
	"struct bf2.c 00000000ffff0f000000000000000000\n"
	"struct bf2.d 00000000000070000000000000000000\n"
	"struct bf2.l 0000000000000000ffff010000000000\n"
	"struct bf3 size 3 align 1\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 9 align 1\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff0100000000\n"
	"struct bf5.b 0000ff010000\n"
	"struct bf5.c 0000001e0000\n"
	"struct bf5.d 000000003f00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 001f000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000ffffffffffffff0f00000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000ffffff7f0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000800000000000000000\n"
	"struct bf7.u 0000000000000000000000000000000000000000000000000700000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 01000000000000000000000000000000\n"
	"struct bf8.b feffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 48 align 8\n"
	"struct al2.l off 8\n"
	"struct al2.p off 16\n"
	"struct al2.s off 24\n"
	"struct al2.z off 32\n"
	"struct al2.i off 40\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00ffff0f00000000000000000000\n"
	"struct pk1.c 000000f0ffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 0000000000000000000000000000000700\n"
	"struct pk2.f 000000000000000000000000000000f803\n"
	"struct pz1 size 9 align 1\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 9 align 1\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a 0700000000000000\n"
	"union u1.b 7f00000000000000\n"
	"union u1.c ffffffff01000000\n"
	"union uz1 size 1 align 1\n"
	"union uz2 size 1 align 1\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* aarch64-linux-gnu-gcc 12 under qemu-aarch64 */
static const char gcc_aarch64[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00070000000000000000000000000000\n"
	"struct bf1.c 00f80000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff01\n"
	"struct bf2 size 16 align 8\n"
	"struct bf2.b 00ffff0f000000000000000000000000\n"
	"struct bf2.c 00000000ffff0f000000000000000000\n"
	"struct bf2.d 00000000000070000000000000000000\n"
	"struct bf2.l 0000000000000000ffff010000000000\n"
	"struct bf3 size 4 align 4\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 16 align 8\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff0100000000\n"
	"struct bf5.b 0000ff010000\n"
	"struct bf5.c 0000001e0000\n"
	"struct bf5.d 000000003f00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 001f000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000ffffffffffffff0f00000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000ffffff7f0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000800000000000000000\n"
	"struct bf7.u 0000000000000000000000000000000000000000000000000700000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 01000000000000000000000000000000\n"
	"struct bf8.b feffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 48 align 8\n"
	"struct al2.l off 8\n"
	"struct al2.p off 16\n"
	"struct al2.s off 24\n"
	"struct al2.z off 32\n"
	"struct al2.i off 40\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00ffff0f00000000000000000000\n"
	"struct pk1.c 000000f0ffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 0000000000000000000000000000000700\n"
	"struct pk2.f 000000000000000000000000000000f803\n"
	"struct pz1 size 16 align 8\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 16 align 8\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a 0700000000000000\n"
	"union u1.b 7f00000000000000\n"
	"union u1.c ffffffff01000000\n"
	"union uz1 size 8 align 8\n"
	"union uz2 size 8 align 8\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* powerpc64-linux-gnu-gcc 12 (big endian) under qemu-ppc64 */
static const char gcc_ppc64[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00e00000000000000000000000000000\n"
	"struct bf1.c 001f0000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff80\n"
	"struct bf2 size 16 align 8\n"
	"struct bf2.b 00fffff0000000000000000000000000\n"
	"struct bf2.c 00000000fffff0000000000000000000\n"
	"struct bf2.d 0000000000000e000000000000000000\n"
	"struct bf2.l 0000000000000000ffff800000000000\n"
	"struct bf3 size 3 align 1\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 9 align 1\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff8000000000\n"
	"struct bf5.b 0000ff800000\n"
	"struct bf5.c 000000780000\n"
	"struct bf5.d 00000000fc00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 00f8000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000fffffffffffffff000000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000fffffffe0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000010000000000000000\n"
	"struct bf7.u 000000000000000000000000000000000000000000000000e000000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 80000000000000000000000000000000\n"
	"struct bf8.b 7fffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 48 align 8\n"
	"struct al2.l off 8\n"
	"struct al2.p off 16\n"
	"struct al2.s off 24\n"
	"struct al2.z off 32\n"
	"struct al2.i off 40\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00fffff000000000000000000000\n"
	"struct pk1.c 0000000fffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 000000000000000000000000000000e000\n"
	"struct pk2.f 0000000000000000000000000000001fc0\n"
	"struct pz1 size 9 align 1\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 9 align 1\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a e000000000000000\n"
	"union u1.b fe00000000000000\n"
	"union u1.c ffffffff80000000\n"
	"union uz1 size 1 align 1\n"
	"union uz2 size 1 align 1\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* arm-linux-gnueabihf-gcc 12 under qemu-arm */
static const char gcc_arm[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00070000000000000000000000000000\n"
	"struct bf1.c 00f80000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff01\n"
	"struct bf2 size 12 align 4\n"
	"struct bf2.b 00ffff0f0000000000000000\n"
	"struct bf2.c 00000000ffff0f0000000000\n"
	"struct bf2.d 000000000000700000000000\n"
	"struct bf2.l 0000000000000000ffff0100\n"
	"struct bf3 size 4 align 4\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 16 align 8\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff0100000000\n"
	"struct bf5.b 0000ff010000\n"
	"struct bf5.c 0000001e0000\n"
	"struct bf5.d 000000003f00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 001f000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000ffffffffffffff0f00000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000ffffff7f0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000800000000000000000\n"
	"struct bf7.u 0000000000000000000000000000000000000000000000000700000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 01000000000000000000000000000000\n"
	"struct bf8.b feffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 24 align 4\n"
	"struct al2.l off 4\n"
	"struct al2.p off 8\n"
	"struct al2.s off 12\n"
	"struct al2.z off 16\n"
	"struct al2.i off 20\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00ffff0f00000000000000000000\n"
	"struct pk1.c 000000f0ffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 0000000000000000000000000000000700\n"
	"struct pk2.f 000000000000000000000000000000f803\n"
	"struct pz1 size 16 align 8\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 16 align 8\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a 0700000000000000\n"
	"union u1.b 7f00000000000000\n"
	"union u1.c ffffffff01000000\n"
	"union uz1 size 8 align 8\n"
	"union uz2 size 8 align 8\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* mipsel-linux-gnu-gcc 12 under qemu-mipsel */
static const char gcc_mipsel[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00070000000000000000000000000000\n"
	"struct bf1.c 00f80000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff01\n"
	"struct bf2 size 12 align 4\n"
	"struct bf2.b 00ffff0f0000000000000000\n"
	"struct bf2.c 00000000ffff0f0000000000\n"
	"struct bf2.d 000000000000700000000000\n"
	"struct bf2.l 0000000000000000ffff0100\n"
	"struct bf3 size 3 align 1\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 9 align 1\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff0100000000\n"
	"struct bf5.b 0000ff010000\n"
	"struct bf5.c 0000001e0000\n"
	"struct bf5.d 000000003f00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 001f000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000ffffffffffffff0f00000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000ffffff7f0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000800000000000000000\n"
	"struct bf7.u 0000000000000000000000000000000000000000000000000700000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 01000000000000000000000000000000\n"
	"struct bf8.b feffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 24 align 4\n"
	"struct al2.l off 4\n"
	"struct al2.p off 8\n"
	"struct al2.s off 12\n"
	"struct al2.z off 16\n"
	"struct al2.i off 20\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00ffff0f00000000000000000000\n"
	"struct pk1.c 000000f0ffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 0000000000000000000000000000000700\n"
	"struct pk2.f 000000000000000000000000000000f803\n"
	"struct pz1 size 9 align 1\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 9 align 1\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a 0700000000000000\n"
	"union u1.b 7f00000000000000\n"
	"union u1.c ffffffff01000000\n"
	"union uz1 size 1 align 1\n"
	"union uz2 size 1 align 1\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* mips-linux-gnu-gcc 12 (big endian) under qemu-mips */
static const char gcc_mips[] =
	"struct bf1 size 16 align 8\n"
	"struct bf1.b 00e00000000000000000000000000000\n"
	"struct bf1.c 001f0000000000000000000000000000\n"
	"struct bf1.d off 4\n"
	"struct bf1.e 0000000000000000ffffffffff000000\n"
	"struct bf1.f 0000000000000000000000000000ff80\n"
	"struct bf2 size 12 align 4\n"
	"struct bf2.b 00fffff00000000000000000\n"
	"struct bf2.c 00000000fffff00000000000\n"
	"struct bf2.d 0000000000000e0000000000\n"
	"struct bf2.l 0000000000000000ffff8000\n"
	"struct bf3 size 3 align 1\n"
	"struct bf3.b off 2\n"
	"struct bf4 size 9 align 1\n"
	"struct bf4.b off 8\n"
	"struct bf5 size 6 align 2\n"
	"struct bf5.a ff8000000000\n"
	"struct bf5.b 0000ff800000\n"
	"struct bf5.c 000000780000\n"
	"struct bf5.d 00000000fc00\n"
	"struct bf6 size 8 align 8\n"
	"struct bf6.x 00f8000000000000\n"
	"struct bf6.d off 2\n"
	"struct bf7 size 32 align 8\n"
	"struct bf7.x 0000000000000000fffffffffffffff000000000000000000000000000000000\n"
	"struct bf7.y 00000000000000000000000000000000ff000000000000000000000000000000\n"
	"struct bf7.z 0000000000000000000000000000000000000000fffffffe0000000000000000\n"
	"struct bf7.t 0000000000000000000000000000000000000000000000010000000000000000\n"
	"struct bf7.u 000000000000000000000000000000000000000000000000e000000000000000\n"
	"struct bf8 size 16 align 8\n"
	"struct bf8.a 80000000000000000000000000000000\n"
	"struct bf8.b 7fffffffffffffff0000000000000000\n"
	"struct bf8.c off 8\n"
	"struct al1 size 32 align 8\n"
	"struct al1.b off 8\n"
	"struct al1.c off 16\n"
	"struct al1.d off 24\n"
	"struct al2 size 24 align 4\n"
	"struct al2.l off 4\n"
	"struct al2.p off 8\n"
	"struct al2.s off 12\n"
	"struct al2.z off 16\n"
	"struct al2.i off 20\n"
	"struct al3 size 32 align 16\n"
	"struct al3.b off 16\n"
	"struct al3.c off 20\n"
	"struct al4 size 32 align 8\n"
	"struct al4.n off 8\n"
	"struct al4.b off 24\n"
	"struct pk1 size 14 align 1\n"
	"struct pk1.b 00fffff000000000000000000000\n"
	"struct pk1.c 0000000fffff0000000000000000\n"
	"struct pk1.d off 6\n"
	"struct pk2 size 17 align 1\n"
	"struct pk2.b off 1\n"
	"struct pk2.c off 5\n"
	"struct pk2.d off 7\n"
	"struct pk2.e 000000000000000000000000000000e000\n"
	"struct pk2.f 0000000000000000000000000000001fc0\n"
	"struct pz1 size 9 align 1\n"
	"struct pz1.b off 8\n"
	"struct pz2 size 3 align 1\n"
	"struct pz2.b off 2\n"
	"struct pz3 size 9 align 1\n"
	"struct pz3.b off 8\n"
	"union u1 size 8 align 8\n"
	"union u1.a e000000000000000\n"
	"union u1.b fe00000000000000\n"
	"union u1.c ffffffff80000000\n"
	"union uz1 size 1 align 1\n"
	"union uz2 size 1 align 1\n"
	"struct ald size 8 align 8\n"
	"struct pal size 16 align 8\n"
	"struct pal.b off 8\n"
	"struct tal size 16 align 8\n"
	"struct tal.b off 8\n"
	"struct tal.c off 12\n"
	"enum e3 size 4 align 4\n"
	"enum eb size 8 align 8\n"
	"enum eu size 4 align 4\n"
	"enum en size 8 align 8\n"
	"enum ep1 size 1 align 1\n"
	"enum ep2 size 2 align 2\n";

/* A type's alignment: the offset of a member of that type after a char
 * (the wrappers added below the declarations). */
static const char *abi_text(const char *want, int word, bool be, int arm)
{
	char *text = xstrdup(abi_decls);
	int nwrap = 0;
	for (const char *l = want; *l; l = strchr(l, '\n') + 1) {
		char kw[16], name[32], sz[8];
		if (sscanf(l, "%15s %31s %7s", kw, name, sz) == 3 && !strcmp(sz, "size"))
			text = xprintf("%sstruct wrap%d { char c; %s %s x; };\n", text, nwrap++,
				       kw, name);
	}
	cdecl_abi_arm = arm;
	struct btf *b = decls(text, word, be);
	cdecl_abi_arm = -1;
	ck_assert_ptr_nonnull(b);

	char *got = xstrdup("");
	nwrap = 0;
	for (const char *l = want; *l; l = strchr(l, '\n') + 1) {
		char kw[16], what[64], rest[64];
		ck_assert_int_eq(sscanf(l, "%15s %63s %63s", kw, what, rest), 3);
		int kind = !strcmp(kw, "union") ? BTF_KIND_UNION
			   : !strcmp(kw, "enum") ? BTF_KIND_ENUM : BTF_KIND_STRUCT;
		char *dot = strchr(what, '.');
		if (!dot) {
			int id = btf_find(b, what, kind);
			if (id < 0)	/* a big enum */
				id = btf_find(b, what, BTF_KIND_ENUM64);
			long al = moff(b, sid(b, xprintf("wrap%d", nwrap++)), "x", NULL) / 8;
			got = xprintf("%s%s %s size %d align %ld\n", got, kw, what, btf_size(b, id), al);
			continue;
		}
		*dot = 0;
		int id = btf_find(b, what, kind), w;
		long off = moff(b, id, dot + 1, &w);
		if (!strcmp(rest, "off")) {
			ck_assert_int_eq(w, 0);
			got = xprintf("%s%s %s.%s off %ld\n", got, kw, what, dot + 1, off / 8);
			continue;
		}
		int size = btf_size(b, id);
		uint8_t bytes[64] = { 0 };
		ck_assert(size <= 64 && w > 0 && off + w <= size * 8);
		for (long k = off; k < off + w; k++)
			bytes[k / 8] |= be ? 0x80 >> (k % 8) : 1 << (k % 8);
		got = xprintf("%s%s %s.%s ", got, kw, what, dot + 1);
		for (int i = 0; i < size; i++)
			got = xprintf("%s%02x", got, bytes[i]);
		got = xprintf("%s\n", got);
	}
	btf_close(b);
	return got;
}

/* The compiler's lines against the BTF's, the first difference reported
 * (whole tables are too long for a Check message). */
static void abi_check(const char *want, int word, bool be, int arm)
{
	const char *got = abi_text(want, word, be, arm);
	for (int line = 1; *want || *got; line++) {
		size_t w = strcspn(want, "\n"), g = strcspn(got, "\n");
		ck_assert_msg(w == g && !strncmp(want, got, w), "line %d: the compiler says '%.*s', "
			      "the BTF '%.*s'", line, (int)w, want, (int)g, got);
		want += w + (want[w] != 0);
		got += g + (got[g] != 0);
	}
}

START_TEST(abi_x86_64)
{
	abi_check(gcc_x86_64, 8, false, 0);
}
END_TEST

START_TEST(abi_aarch64)
{
	abi_check(gcc_aarch64, 8, false, 1);
}
END_TEST

START_TEST(abi_ppc64)
{
	abi_check(gcc_ppc64, 8, true, 0);
}
END_TEST

START_TEST(abi_arm)
{
	abi_check(gcc_arm, 4, false, 1);
}
END_TEST

START_TEST(abi_mipsel)
{
	abi_check(gcc_mipsel, 4, false, 0);
}
END_TEST

START_TEST(abi_mips)
{
	abi_check(gcc_mips, 4, true, 0);
}
END_TEST

/* The tables differ where the targets do: a check of the check. */
START_TEST(abi_tables_differ)
{
	ck_assert(strcmp(gcc_x86_64, gcc_aarch64));	/* unnamed bitfields' alignment */
	ck_assert(strcmp(gcc_x86_64, gcc_ppc64));	/* byte order */
	ck_assert(strcmp(gcc_x86_64, gcc_mipsel));	/* word */
	ck_assert(strcmp(gcc_arm, gcc_mipsel));
	ck_assert(strcmp(gcc_mipsel, gcc_mips));
	/* and the other rule or byte order gives other lines */
	ck_assert(strcmp(abi_text(gcc_x86_64, 8, false, 1), gcc_x86_64));
	ck_assert(strcmp(abi_text(gcc_mips, 4, false, 0), gcc_mips));
}
END_TEST

/* ------------------------------------------------------------ kinds */

START_TEST(basic)
{
	static const char text[] =
		"struct task_struct { int pid; char comm[16]; struct task_struct *real_parent; };";
	for (int word = 4; word <= 8; word += 4)
		for (int be = 0; be < 2; be++) {
			struct btf *b = decls(text, word, be);
			int t = sid(b, "task_struct"), elem, n;
			ck_assert_int_eq(btf_size(b, t), word == 8 ? 32 : 24);
			ck_assert_int_eq(moff(b, t, "pid", NULL), 0);
			ck_assert_int_eq(moff(b, t, "comm", NULL), 32);
			ck_assert_int_eq(moff(b, t, "real_parent", NULL), word == 8 ? 192 : 160);
			int rp = mtype(b, t, "real_parent");
			ck_assert_int_eq(btf_kind(b, rp), BTF_KIND_PTR);
			ck_assert_int_eq(btf_size(b, rp), word);
			ck_assert_int_eq(btf_pointee(b, rp), t);
			ck_assert_int_eq(btf_array(b, mtype(b, t, "comm"), &elem, &n), 0);
			ck_assert_int_eq(n, 16);
			ck_assert_str_eq(btf_name(b, elem), "char");
			ck_assert_int_eq(btf_size(b, elem), 1);
			btf_close(b);
		}
	ck_assert_ptr_null(cdecl_parse(NULL, 0, 8, false));
}
END_TEST

/* member name, the name of its type once resolved, kind, size */
static const struct {
	const char *m, *type;
	int kind, size;		/* size 0: a word */
} base_tab[] = {
	{ "c", "char", BTF_KIND_INT, 1 }, { "sc", "signed char", BTF_KIND_INT, 1 },
	{ "uc", "unsigned char", BTF_KIND_INT, 1 }, { "s", "short int", BTF_KIND_INT, 2 },
	{ "us", "short unsigned int", BTF_KIND_INT, 2 }, { "i", "int", BTF_KIND_INT, 4 },
	{ "u", "unsigned int", BTF_KIND_INT, 4 }, { "l", "long int", BTF_KIND_INT, 0 },
	{ "ul", "long unsigned int", BTF_KIND_INT, 0 },
	{ "ll", "long long int", BTF_KIND_INT, 8 },
	{ "ull", "long long unsigned int", BTF_KIND_INT, 8 },
	{ "b", "_Bool", BTF_KIND_INT, 1 }, { "f", "float", BTF_KIND_FLOAT, 4 },
	{ "d", "double", BTF_KIND_FLOAT, 8 }, { "si", "short int", BTF_KIND_INT, 2 },
	{ "lui", "long unsigned int", BTF_KIND_INT, 0 }, { "li", "long int", BTF_KIND_INT, 0 },
	{ "sg", "int", BTF_KIND_INT, 4 }, { "ulli", "long long unsigned int", BTF_KIND_INT, 8 },
	{ "lli", "long long int", BTF_KIND_INT, 8 },
};

START_TEST(base_types)
{
	static const char text[] =
		"struct b { char c; signed char sc; unsigned char uc; short s; unsigned short us;"
		" int i; unsigned u; long l; unsigned long ul; long long ll;"
		" unsigned long long ull; _Bool b; float f; double d; short int si;"
		" long unsigned int lui; long int li; signed sg; unsigned long long int ulli;"
		" signed long long int lli; };";
	for (int word = 4; word <= 8; word += 4) {
		struct btf *b = decls(text, word, false);
		int s = sid(b, "b");
		for (size_t i = 0; i < sizeof(base_tab) / sizeof(base_tab[0]); i++) {
			int t = mtype(b, s, base_tab[i].m);
			ck_assert_msg(!strcmp(btf_name(b, t), base_tab[i].type), "%s: %s",
				      base_tab[i].m, btf_name(b, t));
			ck_assert_int_eq(btf_kind(b, t), base_tab[i].kind);
			ck_assert_int_eq(btf_size(b, t), base_tab[i].size ? base_tab[i].size : word);
		}
		/* one type of each name */
		ck_assert_int_eq(mtype(b, s, "ul"), mtype(b, s, "lui"));
		ck_assert_int_eq(mtype(b, s, "s"), mtype(b, s, "si"));
		btf_close(b);
	}
}
END_TEST

/* member, size with word 8, with word 4, and the type's name */
static const struct {
	const char *m;
	int size8, size4;
	const char *name;
} kernel_tab[] = {
	{ "a", 1, 1, "u8" }, { "b", 2, 2, "u16" }, { "c", 4, 4, "u32" }, { "d", 8, 8, "u64" },
	{ "e", 1, 1, "s8" }, { "f", 2, 2, "s16" }, { "g", 4, 4, "s32" }, { "h", 8, 8, "s64" },
	{ "i", 1, 1, "__u8" }, { "j", 2, 2, "__be16" }, { "k", 4, 4, "__be32" },
	{ "l", 8, 8, "__le64" }, { "m", 4, 4, "__wsum" }, { "n", 2, 2, "__sum16" },
	{ "o", 8, 4, "size_t" }, { "p", 8, 4, "ssize_t" }, { "q", 4, 4, "pid_t" },
	{ "r", 4, 4, "uid_t" }, { "s", 4, 4, "gid_t" }, { "t", 8, 4, "off_t" },
	{ "u", 8, 8, "loff_t" }, { "v", 4, 4, "dev_t" }, { "w", 2, 2, "umode_t" },
	{ "x", 8, 8, "sector_t" }, { "y", 4, 4, "gfp_t" }, { "z", 8, 4, "uintptr_t" },
	{ "a1", 1, 1, "int8_t" }, { "a2", 2, 2, "uint16_t" }, { "a3", 4, 4, "int32_t" },
	{ "a4", 8, 8, "uint64_t" }, { "a5", 1, 1, "bool" }, { "a6", 4, 4, "atomic_t" },
	{ "a7", 8, 8, "atomic64_t" }, { "a8", 4, 4, "refcount_t" }, { "a9", 16, 8, "list_head" },
	{ "b1", 16, 8, "hlist_node" }, { "b2", 8, 4, "hlist_head" }, { "b3", 24, 12, "rb_node" },
	{ "b4", 8, 8, "ktime_t" }, { "b5", 4, 4, "kuid_t" },
};

START_TEST(kernel_types)
{
	static const char text[] =
		"struct k { u8 a; u16 b; u32 c; u64 d; s8 e; s16 f; s32 g; s64 h; __u8 i;"
		" __be16 j; __be32 k; __le64 l; __wsum m; __sum16 n; size_t o; ssize_t p;"
		" pid_t q; uid_t r; gid_t s; off_t t; loff_t u; dev_t v; umode_t w; sector_t x;"
		" gfp_t y; uintptr_t z; int8_t a1; uint16_t a2; int32_t a3; uint64_t a4; bool a5;"
		" atomic_t a6; atomic64_t a7; refcount_t a8; struct list_head a9;"
		" struct hlist_node b1; struct hlist_head b2; struct rb_node b3; ktime_t b4;"
		" kuid_t b5; };";
	for (int word = 4; word <= 8; word += 4) {
		struct btf *b = decls(text, word, word == 4);
		int s = sid(b, "k");
		for (size_t i = 0; i < sizeof(kernel_tab) / sizeof(kernel_tab[0]); i++) {
			int t = mtype(b, s, kernel_tab[i].m);
			ck_assert_msg(btf_size(b, t) == (word == 8 ? kernel_tab[i].size8 : kernel_tab[i].size4),
				      "%s: %d bytes", kernel_tab[i].name, btf_size(b, t));
			ck_assert_str_eq(btf_name(b, t), kernel_tab[i].name);
		}
		int u32 = mtype(b, s, "c");
		ck_assert_str_eq(btf_name(b, btf_resolve(b, u32)), "unsigned int");
		ck_assert_int_eq(btf_kind(b, u32), BTF_KIND_TYPEDEF);
		int rc = mtype(b, s, "a8");
		ck_assert_int_eq(moff(b, btf_resolve(b, rc), "refs", NULL), 0);
		ck_assert_int_eq(btf_find(b, "refcount_struct", BTF_KIND_STRUCT), btf_resolve(b, rc));
		ck_assert_int_eq(moff(b, mtype(b, s, "a6"), "counter", NULL), 0);
		int lh = sid(b, "list_head");
		ck_assert_int_eq(moff(b, lh, "prev", NULL), word * 8);
		ck_assert_int_eq(btf_pointee(b, mtype(b, lh, "next")), lh);
		/* rb_node is aligned(sizeof(long)) */
		ck_assert_int_eq(moff(b, sid(b, "rb_node"), "rb_left", NULL), 2 * word * 8);
		/* sizeof as gcc (x86_64) and mipsel-linux-gnu-gcc and
		 * arm-linux-gnueabihf-gcc (word 4) print it, with these
		 * typedefs and structs written out as in the kernel */
		ck_assert_int_eq(btf_size(b, s), word == 8 ? 256 : 200);
		btf_close(b);
	}
	/* a script's own definition wins over wisp's */
	struct btf *b = B("typedef unsigned char u32; struct list_head { int x; };"
			  " struct s { u32 a; struct list_head l; };");
	ck_assert_int_eq(moff(b, sid(b, "s"), "l", NULL), 32);
	ck_assert_int_eq(btf_size(b, sid(b, "s")), 8);
	btf_close(b);
}
END_TEST

START_TEST(alignment)
{
	static const char text[] =
		"struct a { char c; long long ll; char d; double dd; char e; long l; char f;"
		" void *p; char g; u64 x; };";
	static const int off8[] = { 0, 64, 128, 192, 256, 320, 384, 448, 512, 576 };
	static const int off4[] = { 0, 64, 128, 192, 256, 288, 320, 352, 384, 448 };
	static const char *const m[] = { "c", "ll", "d", "dd", "e", "l", "f", "p", "g", "x" };
	for (int word = 4; word <= 8; word += 4)
		for (int be = 0; be < 2; be++) {
			struct btf *b = decls(text, word, be);
			int s = sid(b, "a");
			for (int i = 0; i < 10; i++)
				ck_assert_int_eq(moff(b, s, m[i], NULL), word == 8 ? off8[i] : off4[i]);
			ck_assert_int_eq(btf_size(b, s), word == 8 ? 80 : 64);
			btf_close(b);
		}
}
END_TEST

START_TEST(unions)
{
	struct btf *b = B("union u { int a; char b[3]; long long c; struct { short x, y; } s; };"
			  " struct w { char c; union u u; };"
			  " union bu { unsigned a:3; char c:7; };");
	int u = btf_find(b, "u", BTF_KIND_UNION);
	ck_assert_int_gt(u, 0);
	ck_assert_int_eq(btf_size(b, u), 8);
	static const char *const m[] = { "a", "b", "c", "s" };
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(moff(b, u, m[i], NULL), 0);
	ck_assert_int_eq(moff(b, mtype(b, u, "s"), "y", NULL), 16);
	ck_assert_int_eq(moff(b, sid(b, "w"), "u", NULL), 64);
	ck_assert_int_eq(btf_size(b, sid(b, "w")), 16);
	int bu = btf_find(b, "bu", BTF_KIND_UNION), w;
	ck_assert_int_eq(btf_size(b, bu), 4);
	ck_assert_int_eq(moff(b, bu, "c", &w), 0);
	ck_assert_int_eq(w, 7);
	btf_close(b);
}
END_TEST

START_TEST(nested)
{
	struct btf *b = B("struct s { int a; struct { short x; short y; };"
			  " union { int i; char z; } w; struct inner { long q; } in;"
			  " union { char u1; long long u2; }; char last; };");
	int s = sid(b, "s");
	ck_assert_int_eq(moff(b, s, "x", NULL), 32);	/* inside the anonymous struct */
	ck_assert_int_eq(moff(b, s, "y", NULL), 48);
	ck_assert_int_eq(moff(b, s, "w", NULL), 64);
	ck_assert_int_eq(moff(b, mtype(b, s, "w"), "z", NULL), 0);
	ck_assert_int_eq(btf_kind(b, mtype(b, s, "w")), BTF_KIND_UNION);
	ck_assert_int_eq(moff(b, s, "in", NULL), 128);
	ck_assert_int_eq(moff(b, s, "u2", NULL), 192);
	ck_assert_int_eq(moff(b, s, "last", NULL), 256);
	ck_assert_int_eq(btf_size(b, s), 40);
	int inner = sid(b, "inner");	/* defined inside, a tag of its own */
	ck_assert_int_eq(mtype(b, s, "in"), inner);
	ck_assert_int_eq(btf_size(b, inner), 8);
	ck_assert_int_eq(btf_member(b, s, "i", NULL, NULL), -1);	/* w's, not s's */
	/* a tagged struct alone declares the tag, no member */
	struct btf *c = B("struct t { struct tagged { int a; }; int b; };");
	ck_assert_int_eq(moff(c, sid(c, "t"), "b", NULL), 0);
	ck_assert_int_eq(btf_member(c, sid(c, "t"), "a", NULL, NULL), -1);
	ck_assert_int_eq(btf_size(c, sid(c, "tagged")), 4);
	btf_close(b);
	btf_close(c);
}
END_TEST

START_TEST(arrays)
{
	struct btf *b = B("#define N 4\n"
			  "enum { TASK_COMM_LEN = 16 };\n"
			  "struct arr { int m[2][3]; char comm[TASK_COMM_LEN];"
			  " char buf[sizeof(struct list_head) * 2]; short v[N]; long w[N + 1];"
			  " char e[0]; };");
	int s = sid(b, "arr"), elem, n, elem2, n2;
	ck_assert_int_eq(btf_array(b, mtype(b, s, "m"), &elem, &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(btf_array(b, elem, &elem2, &n2), 0);
	ck_assert_int_eq(n2, 3);
	ck_assert_str_eq(btf_name(b, elem2), "int");
	ck_assert_int_eq(btf_size(b, mtype(b, s, "m")), 24);
	ck_assert_int_eq(moff(b, s, "comm", NULL), 192);
	ck_assert_int_eq(btf_size(b, mtype(b, s, "comm")), 16);
	ck_assert_int_eq(moff(b, s, "buf", NULL), 320);
	ck_assert_int_eq(btf_size(b, mtype(b, s, "buf")), 32);
	ck_assert_int_eq(moff(b, s, "v", NULL), 576);
	ck_assert_int_eq(btf_size(b, mtype(b, s, "v")), 8);
	ck_assert_int_eq(moff(b, s, "w", NULL), 640);
	ck_assert_int_eq(btf_size(b, mtype(b, s, "w")), 40);
	ck_assert_int_eq(moff(b, s, "e", NULL), 960);
	ck_assert_int_eq(btf_size(b, s), 120);
	btf_close(b);
}
END_TEST

START_TEST(constants)
{
	static const char text[] =
		"#define LEN 8\n"
		"struct m { char a[LEN]; char b[sizeof(long) * 2]; int c[__alignof__(long long)];"
		" char d[(unsigned char)300]; char e[LEN > 4 ? 1 : 2]; char f[(1 << 3) % 5 - -1];"
		" char g[~0 & 3 | 8 ^ 1]; };";
	for (int word = 4; word <= 8; word += 4) {
		struct btf *b = decls(text, word, false);
		int s = sid(b, "m");
		ck_assert_int_eq(btf_size(b, mtype(b, s, "a")), 8);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "b")), 2 * word);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "c")), 32);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "d")), 44);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "e")), 1);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "f")), 4);
		ck_assert_int_eq(btf_size(b, mtype(b, s, "g")), 11);
		/* gcc (x86_64); mipsel and arm gcc (word 4) */
		ck_assert_int_eq(btf_size(b, s), word == 8 ? 116 : 108);
		btf_close(b);
	}
}
END_TEST

START_TEST(typedefs)
{
	struct btf *b = B("typedef unsigned int u32t; typedef u32t myu; typedef u32t myu;"
			  " typedef struct foo foo_t;"
			  " struct foo { myu x; foo_t *self; };"
			  " typedef struct { int a; } anon_t, *anon_p;"
			  " typedef int (*handler_t)(int, ...);"
			  " typedef char name_t[8];"
			  " typedef int aint __attribute__((aligned(8)));"
			  " struct user { foo_t f; anon_t a; handler_t h; name_t n; aint i; };");
	int myu = btf_find(b, "myu", BTF_KIND_TYPEDEF);
	ck_assert_int_gt(myu, 0);
	ck_assert_str_eq(btf_name(b, btf_resolve(b, myu)), "unsigned int");
	int foo = sid(b, "foo");
	ck_assert_int_eq(btf_resolve(b, btf_find(b, "foo_t", BTF_KIND_TYPEDEF)), foo);
	int self = mtype(b, foo, "self");
	ck_assert_str_eq(btf_name(b, btf_pointee(b, self)), "foo_t");
	ck_assert_int_eq(btf_resolve(b, btf_pointee(b, self)), foo);
	int anon = btf_resolve(b, btf_find(b, "anon_t", BTF_KIND_TYPEDEF));
	ck_assert_int_eq(btf_kind(b, anon), BTF_KIND_STRUCT);
	ck_assert_str_eq(btf_name(b, anon), "");
	int ap = btf_find(b, "anon_p", BTF_KIND_TYPEDEF);
	ck_assert_int_eq(btf_pointee(b, ap), anon);	/* the struct's pointer, as in C */
	int h = btf_resolve(b, btf_find(b, "handler_t", BTF_KIND_TYPEDEF));
	ck_assert_int_eq(btf_kind(b, btf_pointee(b, h)), BTF_KIND_FUNC_PROTO);
	int u = sid(b, "user");
	ck_assert_int_eq(moff(b, u, "a", NULL), 128);
	ck_assert_int_eq(moff(b, u, "h", NULL), 192);
	ck_assert_int_eq(moff(b, u, "n", NULL), 256);
	ck_assert_int_eq(moff(b, u, "i", NULL), 320);
	ck_assert_int_eq(btf_size(b, u), 48);
	btf_close(b);
}
END_TEST

START_TEST(enums)
{
	struct btf *b = B("enum e { A, B = 5, C, D = -3, E, F = 1 << 4, G = B + C * 2,"
			  " H = sizeof(int), };"
			  " enum big { X = 0x100000000, Y };"
			  " enum __attribute__((packed)) small { S1 = 200 };"
			  " enum { ANON = 7 };"
			  " struct s { enum e a; enum small b; enum big c; enum e f:4; };");
	static const struct { const char *n; int64_t v; } want[] = {
		{ "A", 0 }, { "B", 5 }, { "C", 6 }, { "D", -3 }, { "E", -2 }, { "F", 16 },
		{ "G", 17 }, { "H", 4 }, { "X", 0x100000000 }, { "Y", 0x100000001 },
		{ "S1", 200 }, { "ANON", 7 },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t v = 12345;
		ck_assert_msg(btf_enum_value(b, want[i].n, &v), "no %s", want[i].n);
		ck_assert_msg(v == want[i].v, "%s = %lld", want[i].n, (long long)v);
	}
	ck_assert(!btf_enum_value(b, "Z", &(int64_t){ 0 }));
	int e = btf_find(b, "e", BTF_KIND_ENUM), w;
	ck_assert_int_eq(btf_size(b, e), 4);
	ck_assert_int_eq(btf_find(b, "big", BTF_KIND_ENUM), -1);
	ck_assert_int_eq(btf_size(b, btf_find(b, "big", BTF_KIND_ENUM64)), 8);
	ck_assert_int_eq(btf_size(b, btf_find(b, "small", BTF_KIND_ENUM)), 1);
	int s = sid(b, "s");
	ck_assert_int_eq(moff(b, s, "b", NULL), 32);
	ck_assert_int_eq(moff(b, s, "c", NULL), 64);
	ck_assert_int_eq(moff(b, s, "f", &w), 128);
	ck_assert_int_eq(w, 4);
	ck_assert_int_eq(mtype(b, s, "f"), e);
	btf_close(b);
}
END_TEST

START_TEST(forward)
{
	struct btf *b = B("struct s { struct sock *sk; union unk *u; struct list_head *lh;"
			  " struct later *l; };"
			  " struct later { int x; };");
	int s = sid(b, "s");
	int sk = btf_pointee(b, mtype(b, s, "sk"));
	ck_assert_int_eq(btf_kind(b, sk), BTF_KIND_FWD);
	ck_assert_str_eq(btf_name(b, sk), "sock");
	ck_assert_int_eq(btf_find(b, "sock", BTF_KIND_STRUCT), -1);
	ck_assert_int_eq(btf_find(b, "sock", BTF_KIND_FWD), sk);
	ck_assert_int_eq(btf_size(b, sk), -1);
	int u = btf_pointee(b, mtype(b, s, "u"));
	ck_assert_int_eq(btf_kind(b, u), BTF_KIND_FWD);
	ck_assert_str_eq(btf_name(b, u), "unk");
	/* wisp knows list_head: no FWD for it */
	int lh = btf_pointee(b, mtype(b, s, "lh"));
	ck_assert_int_eq(btf_kind(b, lh), BTF_KIND_STRUCT);
	ck_assert_int_eq(btf_size(b, lh), 16);
	/* defined after its use: the same id */
	ck_assert_int_eq(btf_pointee(b, mtype(b, s, "l")), sid(b, "later"));
	ck_assert_int_eq(btf_size(b, sid(b, "later")), 4);
	btf_close(b);
}
END_TEST

START_TEST(pointers)
{
	static const char text[] = "struct p { char c; void *a; int **b; char *d[3]; const char *e; };";
	for (int word = 4; word <= 8; word += 4) {
		struct btf *b = decls(text, word, word == 8);
		int s = sid(b, "p");
		ck_assert_int_eq(moff(b, s, "a", NULL), word * 8);
		ck_assert_int_eq(moff(b, s, "b", NULL), word * 16);
		ck_assert_int_eq(moff(b, s, "d", NULL), word * 24);
		ck_assert_int_eq(moff(b, s, "e", NULL), word * 48);
		ck_assert_int_eq(btf_size(b, s), word * 7);
		int pp = mtype(b, s, "b");
		ck_assert_int_eq(btf_size(b, pp), word);
		ck_assert_int_eq(btf_kind(b, btf_pointee(b, pp)), BTF_KIND_PTR);
		ck_assert_str_eq(btf_name(b, btf_pointee(b, btf_pointee(b, pp))), "int");
		ck_assert_int_eq(btf_pointee(b, mtype(b, s, "a")), 0);	/* void */
		ck_assert_int_eq(btf_size(b, mtype(b, s, "d")), 3 * word);
		btf_close(b);
	}
}
END_TEST

START_TEST(packed_aligned)
{
	struct btf *b = B("struct __attribute__((packed)) p1 { char a; int b; long long c; };"
			  " struct p2 { char a; int b; } __packed;"
			  " struct p3 { char a; int b __aligned(8); };"
			  " struct p4 { char a; } __attribute__((aligned(16)));"
			  " struct p5 { char c; struct p4 x; };"
			  " struct p6 { char a; short b; } __attribute__((__packed__, __aligned__(4)));"
			  " struct p7 { char a; int b __attribute__((packed)); };"
			  " struct p8 { char a; int b; } __attribute__((unused, aligned, deprecated(\"x\")));");
	ck_assert_int_eq(moff(b, sid(b, "p1"), "b", NULL), 8);
	ck_assert_int_eq(moff(b, sid(b, "p1"), "c", NULL), 40);
	ck_assert_int_eq(btf_size(b, sid(b, "p1")), 13);
	ck_assert_int_eq(btf_size(b, sid(b, "p2")), 5);
	ck_assert_int_eq(moff(b, sid(b, "p3"), "b", NULL), 64);
	ck_assert_int_eq(btf_size(b, sid(b, "p3")), 16);
	ck_assert_int_eq(btf_size(b, sid(b, "p4")), 16);
	ck_assert_int_eq(moff(b, sid(b, "p5"), "x", NULL), 128);
	ck_assert_int_eq(btf_size(b, sid(b, "p5")), 32);
	ck_assert_int_eq(moff(b, sid(b, "p6"), "b", NULL), 8);
	ck_assert_int_eq(btf_size(b, sid(b, "p6")), 4);
	ck_assert_int_eq(moff(b, sid(b, "p7"), "b", NULL), 8);
	ck_assert_int_eq(btf_size(b, sid(b, "p7")), 5);
	ck_assert_int_eq(btf_size(b, sid(b, "p8")), 16);	/* aligned: the biggest, 16 */
	btf_close(b);
}
END_TEST

START_TEST(flexible)
{
	struct btf *b = B("struct f { int n; char data[]; };"
			  " struct f2 { long l; int n; short x[0]; };");
	int f = sid(b, "f"), elem, n = -1;
	ck_assert_int_eq(btf_size(b, f), 4);
	ck_assert_int_eq(moff(b, f, "data", NULL), 32);
	ck_assert_int_eq(btf_array(b, mtype(b, f, "data"), &elem, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(btf_size(b, mtype(b, f, "data")), 0);
	ck_assert_int_eq(btf_size(b, sid(b, "f2")), 16);
	ck_assert_int_eq(moff(b, sid(b, "f2"), "x", NULL), 96);
	btf_close(b);
}
END_TEST

START_TEST(function_pointers)
{
	struct btf *b = B("struct ops { void (*fn)(int); int (*cmp)(const void *, const void *);"
			  " void (*arr[3])(void); char c; long (*(*nested)(int))[4];"
			  " int (*va)(const char *fmt, ...); };");
	int s = sid(b, "ops"), elem, n;
	int fn = mtype(b, s, "fn");
	ck_assert_int_eq(btf_kind(b, fn), BTF_KIND_PTR);
	ck_assert_int_eq(btf_kind(b, btf_pointee(b, fn)), BTF_KIND_FUNC_PROTO);
	ck_assert_int_eq(moff(b, s, "cmp", NULL), 64);
	ck_assert_int_eq(moff(b, s, "arr", NULL), 128);
	ck_assert_int_eq(btf_array(b, mtype(b, s, "arr"), &elem, &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(btf_kind(b, btf_pointee(b, elem)), BTF_KIND_FUNC_PROTO);
	ck_assert_int_eq(moff(b, s, "c", NULL), 320);
	ck_assert_int_eq(moff(b, s, "nested", NULL), 384);
	int nested = btf_pointee(b, mtype(b, s, "nested"));
	ck_assert_int_eq(btf_kind(b, nested), BTF_KIND_FUNC_PROTO);
	ck_assert_int_eq(moff(b, s, "va", NULL), 448);
	ck_assert_int_eq(btf_size(b, s), 64);
	btf_close(b);
}
END_TEST

START_TEST(qualifiers)
{
	struct btf *b = B("struct q { const volatile int a; char __user *b; struct q __rcu *c;"
			  " unsigned long __percpu *const d; __attribute__((unused)) int e;"
			  " int f __attribute__((deprecated(\"x\"))); void * __restrict g; };");
	int s = sid(b, "q");
	ck_assert_int_eq(moff(b, s, "b", NULL), 64);
	ck_assert_int_eq(moff(b, s, "c", NULL), 128);
	ck_assert_int_eq(btf_pointee(b, mtype(b, s, "c")), s);
	ck_assert_int_eq(moff(b, s, "d", NULL), 192);
	ck_assert_int_eq(moff(b, s, "e", NULL), 256);
	ck_assert_int_eq(moff(b, s, "f", NULL), 288);
	ck_assert_int_eq(moff(b, s, "g", NULL), 320);
	ck_assert_int_eq(btf_size(b, s), 48);
	ck_assert_str_eq(btf_name(b, mtype(b, s, "a")), "int");
	btf_close(b);
}
END_TEST

/* The example of the interface's comment, in every target's shape. */
START_TEST(bitfields_both_orders)
{
	static const char text[] =
		"struct s { unsigned a:3, b:5; int :0; long long c; struct { short x; };"
		" union { int y; char z; } w; void (*fn)(int); struct sock *sk; };";
	for (int word = 4; word <= 8; word += 4)
		for (int be = 0; be < 2; be++) {
			struct btf *b = decls(text, word, be);
			int s = sid(b, "s"), w;
			ck_assert_int_eq(moff(b, s, "a", &w), 0);
			ck_assert_int_eq(w, 3);
			ck_assert_int_eq(moff(b, s, "b", &w), 3);
			ck_assert_int_eq(w, 5);
			ck_assert_int_eq(moff(b, s, "c", &w), 64);
			ck_assert_int_eq(w, 0);
			ck_assert_int_eq(moff(b, s, "x", NULL), 128);
			ck_assert_int_eq(moff(b, s, "w", NULL), 160);
			ck_assert_int_eq(moff(b, s, "fn", NULL), 192);
			ck_assert_int_eq(moff(b, s, "sk", NULL), word == 8 ? 256 : 224);
			ck_assert_int_eq(btf_size(b, s), word == 8 ? 40 : 32);
			btf_close(b);
		}
}
END_TEST

/* The ARM rule follows the configured target unless a test says. */
START_TEST(arm_rule_from_arch)
{
	bool arm = !strcmp(arch.name, "arm") || !strcmp(arch.name, "aarch64");
	ck_assert_int_eq(cdecl_abi_arm, -1);
	struct btf *b = B("struct u { char a; int :3; char b; };");
	ck_assert_int_eq(btf_size(b, sid(b, "u")), arm ? 4 : 3);
	btf_close(b);
}
END_TEST

START_TEST(repeated)
{
	/* the same declaration twice is no conflict */
	struct btf *b = B("struct a { int x; struct { char c; } in; int *p; char n[2]; };"
			  " struct a { int x; struct { char c; } in; int *p; char n[2]; };"
			  " enum e { A, B }; enum e { A, B };"
			  " typedef struct { int q; } t; typedef struct { int q; } t;"
			  " struct a;");
	ck_assert_int_eq(btf_size(b, sid(b, "a")), 24);
	btf_close(b);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(errors)
{
	ck_assert_str_eq(diag("struct a {\n\tfoo_t x;\n};"),
			 "stdin:2:2: error: unknown type name 'foo_t'\n\tfoo_t x;\n\t^~~~~\n");
	ERR("struct a { foo_t x; };", "stdin:1:12: error: unknown type name 'foo_t'");
	ERR("typedef struct a {\n  int x;\n  bar_t *y;\n} a_t;",
	    "stdin:3:3: error: unknown type name 'bar_t'");
	ERR("struct a { int x };", "stdin:1:18: error: expected ';' after a member, found '}'");
	ERR("struct a { int x; } b;",
	    "stdin:1:21: error: only types can be declared here, not variables");
	ERR("struct a { int 3; };", "stdin:1:16: error: expected a member name, found '3'");
	ERR("struct a { int ; };", "");	/* declares nothing: GCC only warns */
	ERR("struct a { int x @ };", "stdin:1:18: error: expected ';' after a member, found '@'");
	ERR("struct a { 5 x; };", "stdin:1:12: error: expected a type, found '5'");
	ERR("struct { int x; };",
	    "");	/* an anonymous struct declared for nothing: GCC only warns */
	ERR("struct a { struct b x; };",
	    "stdin:1:21: error: member 'x' has incomplete type 'struct b'");
	ERR("struct a { void v; };", "stdin:1:17: error: member 'v' has incomplete type 'void'");
	ERR("struct a { int f(int); };",
	    "stdin:1:16: error: member 'f' is a function; a pointer to one would do");
	ERR("struct a { int x:33; };",
	    "stdin:1:16: error: bitfield 'x' is wider than its type (32 bits)");
	ERR("struct a { _Bool x:2; };",
	    "stdin:1:18: error: bitfield 'x' is wider than its type (1 bits)");
	ERR("struct a { int x:0; };", "stdin:1:16: error: bitfield 'x' has zero width");
	ERR("struct a { int *x:3; };",
	    "stdin:1:17: error: bitfield 'x' has type 'int *', not an integer");
	ERR("struct a { int x; char x; };", "stdin:1:24: error: duplicate member 'x'");
	ERR("struct a { struct { int x; }; char x; };",
	    "stdin:1:36: error: duplicate member 'x'");
	ERR("struct a { int x; }; struct a { long x; };",
	    "stdin:1:29: error: redefinition of 'struct a' with a different layout");
	ERR("typedef int t; typedef long t;",
	    "stdin:1:29: error: redefinition of typedef 't' with a different type");
	ERR("enum e { A, B }; enum f { B };",
	    "stdin:1:27: error: redefinition of enumerator 'B'");
	ERR("enum e { A, B }; enum e { A, C };",
	    "stdin:1:23: error: redefinition of 'enum e' with different values");
	ERR("enum e { };", "stdin:1:10: error: an enum needs at least one enumerator");
	ERR("enum e { A B };", "stdin:1:12: error: expected ',' or '}' after an enumerator, found 'B'");
	ERR("struct a { char b[1/0]; };",
	    "stdin:1:20: error: division by zero in a constant expression");
	ERR("struct a { char b[N]; };",
	    "stdin:1:19: error: unknown name 'N' in a constant expression");
	ERR("struct a { char b[-1]; };", "stdin:1:19: error: array size -1 is negative");
	ERR("struct a { char b[1 << 64]; };",
	    "stdin:1:21: error: shift count 64 is out of range");
	ERR("struct a { char b[sizeof(struct z)]; };",
	    "stdin:1:19: error: sizeof of incomplete type 'struct z'");
	ERR("struct a { struct z b[2]; };",
	    "stdin:1:22: error: array of incomplete type 'struct z'");
	ERR("struct a { int x; } __attribute__((aligned(3)));",
	    "stdin:1:44: error: requested alignment 3 is not a positive power of 2");
	ERR("union a; struct a { int x; };",
	    "stdin:1:17: error: 'a' is a union tag, not a struct tag");
	ERR("struct a { unsigned long unsigned x; };",
	    "stdin:1:12: error: invalid combination of type keywords");
	ERR("struct a { int int x; };", "stdin:1:12: error: invalid combination of type keywords");
	ERR("struct a { char double x; };",
	    "stdin:1:12: error: invalid combination of type keywords");
	ERR("struct a { int struct b *x; };",
	    "stdin:1:16: error: two types in one declaration");
	ERR("typedef int;", "stdin:1:12: error: expected a name for the typedef, found ';'");
	ERR("struct a { typedef int x; };", "stdin:1:12: error: 'typedef' is not allowed here");
	ERR("struct a { int (*f)(int x y); };", "stdin:1:27: error: expected ')', found 'y'");
	ERR("struct a { int (*f)(void x); };",
	    "stdin:1:21: error: a parameter cannot have type void");
	ERR("struct a { int (*f)(int x)[2]; };",
	    "stdin:1:20: error: a function cannot return an array");
	ERR("struct a { char b[1 ? 2 3]; };", "stdin:1:25: error: expected ':', found '3'");
	ERR("struct { int x; }", "");	/* no ';': no declaration at all */
	/* a struct nested in a constant nested too deep */
	char deep[1000] = "struct a { char b[";
	for (int i = 0; i < 200; i++)
		strcat(deep, "(");
	strcat(deep, "1");
	for (int i = 0; i < 200; i++)
		strcat(deep, ")");
	strcat(deep, "]; };");
	ck_assert_ptr_nonnull(strstr(diag1(deep), "error: declaration nested too deeply"));
}
END_TEST

/* cur_src is the script's again after an error in wisp's own prelude
 * (here: a script's refcount_struct that is not the kernel's). */
START_TEST(prelude_conflict)
{
	const char *d = diag("struct refcount_struct { long x; }; struct a { refcount_t r; };");
	ck_assert_ptr_nonnull(strstr(d, "<builtin>:1:16: error: redefinition of "
				     "'struct refcount_struct' with a different layout"));
	ck_assert_ptr_eq(cur_src, &src);
	ERR("struct a { int x; }; struct b { foo_t y; };",
	    "stdin:1:33: error: unknown type name 'foo_t'");
}
END_TEST

int main(void)
{
	/* layouts here are the declarations' alone, whatever the host kernel has */
	cdecl_kernel_types = false;
	Suite *su = suite_create("cdecl");
	TCase *tc = tcase_create("abi");
	tcase_add_test(tc, abi_x86_64);
	tcase_add_test(tc, abi_aarch64);
	tcase_add_test(tc, abi_ppc64);
	tcase_add_test(tc, abi_arm);
	tcase_add_test(tc, abi_mipsel);
	tcase_add_test(tc, abi_mips);
	tcase_add_test(tc, abi_tables_differ);
	suite_add_tcase(su, tc);
	tc = tcase_create("kinds");
	tcase_add_test(tc, basic);
	tcase_add_test(tc, base_types);
	tcase_add_test(tc, kernel_types);
	tcase_add_test(tc, alignment);
	tcase_add_test(tc, unions);
	tcase_add_test(tc, nested);
	tcase_add_test(tc, arrays);
	tcase_add_test(tc, constants);
	tcase_add_test(tc, typedefs);
	tcase_add_test(tc, enums);
	tcase_add_test(tc, forward);
	tcase_add_test(tc, pointers);
	tcase_add_test(tc, packed_aligned);
	tcase_add_test(tc, flexible);
	tcase_add_test(tc, function_pointers);
	tcase_add_test(tc, qualifiers);
	tcase_add_test(tc, bitfields_both_orders);
	tcase_add_test(tc, arm_rule_from_arch);
	tcase_add_test(tc, repeated);
	suite_add_tcase(su, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, errors);
	tcase_add_test(tc, prelude_conflict);
	suite_add_tcase(su, tc);
	return unit_run(su);
}
