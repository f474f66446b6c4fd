/* check_btf.c - the BTF reader: a small blob built here, in both byte
 * orders, with every kind, and a split blob (a module's) on top of it;
 * every truncation and many corruptions of both; the kernel's BTF read
 * from a directory of those blobs; and the host's own vmlinux BTF when it
 * can be read. */
#include "unit.h"
#include <byteswap.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <linux/btf.h>

/* ------------------------------------------------------------ a builder */

struct blob {
	uint8_t types[1024], strs[512];
	int ntypes, nstrs;
	uint32_t str_base;	/* a split blob's: its base's string section length */
	bool swap;		/* write the other byte order */
	uint8_t out[2048];
	size_t size;
};

static void put32(struct blob *b, uint32_t v)
{
	if (b->swap)
		v = bswap_32(v);
	ck_assert_int_le(b->ntypes + 4, (int)sizeof(b->types));
	memcpy(b->types + b->ntypes, &v, 4);
	b->ntypes += 4;
}

static uint32_t s(struct blob *b, const char *str)
{
	if (!*str)
		return 0;
	int n = strlen(str) + 1;
	ck_assert_int_le(b->nstrs + n, (int)sizeof(b->strs));
	memcpy(b->strs + b->nstrs, str, n);
	b->nstrs += n;
	return b->str_base + b->nstrs - n;
}

/* struct btf_type */
static void ty(struct blob *b, const char *name, int kind, int vlen, bool kflag, uint32_t st)
{
	put32(b, s(b, name));
	put32(b, (uint32_t)kind << 24 | vlen | (uint32_t)kflag << 31);
	put32(b, st);
}

/* name:type:offset records (members), or name:value (enums, params) */
static void rec3(struct blob *b, const char *name, uint32_t x, uint32_t y)
{
	put32(b, s(b, name));
	put32(b, x);
	put32(b, y);
}
static void rec2(struct blob *b, const char *name, uint32_t x)
{
	put32(b, s(b, name));
	put32(b, x);
}

/* The header, then the types, then the strings. */
static void finish(struct blob *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .flags = 0,
		.hdr_len = sizeof(h), .type_off = 0, .type_len = b->ntypes,
		.str_off = b->ntypes, .str_len = b->nstrs,
	};
	if (b->swap) {
		h.magic = bswap_16(h.magic);
		h.hdr_len = bswap_32(h.hdr_len);
		h.type_len = bswap_32(h.type_len);
		h.str_off = bswap_32(h.str_off);
		h.str_len = bswap_32(h.str_len);
	}
	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->types, b->ntypes);
	memcpy(b->out + sizeof(h) + b->ntypes, b->strs, b->nstrs);
	b->size = sizeof(h) + b->ntypes + b->nstrs;
}

enum {
	T_INT = 1, T_S, T_U, T_PTR, T_ARR, T_TD, T_ENUM, T_ENUM64, T_PROTO, T_FUNC,
	T_CONST, T_TAG, T_TAGPTR, T_FLOAT, T_DECL, T_VAR, T_SEC, T_OLD, T_OLDINT,
	T_ULONG, T_FWD, T_LOOP, NTYPES
};

/* One of every kind. struct s (kind_flag set) is
 *	struct s { int a; int flags:3; union { int x; int arr[2]; }; struct s *next; };
 * and struct old (no kind_flag) holds a bitfield the older way: an int of
 * 5 bits at bit offset 2. */
static void build(struct blob *b, bool swap)
{
	memset(b, 0, sizeof(*b));
	b->swap = swap;
	b->nstrs = 1;		/* the empty string */
	ty(b, "int", BTF_KIND_INT, 0, 0, 4);					/* 1 */
	put32(b, BTF_INT_SIGNED << 24 | 32);
	ty(b, "s", BTF_KIND_STRUCT, 4, 1, 24);					/* 2 */
	rec3(b, "a", T_INT, 0);
	rec3(b, "flags", T_INT, 3u << 24 | 32);
	rec3(b, "", T_U, 64);
	rec3(b, "next", T_PTR, 128);
	ty(b, "", BTF_KIND_UNION, 2, 0, 8);					/* 3 */
	rec3(b, "x", T_INT, 0);
	rec3(b, "arr", T_ARR, 0);
	ty(b, "", BTF_KIND_PTR, 0, 0, T_S);					/* 4 */
	ty(b, "", BTF_KIND_ARRAY, 0, 0, 0);					/* 5 */
	put32(b, T_INT);
	put32(b, T_INT);
	put32(b, 2);
	ty(b, "s_t", BTF_KIND_TYPEDEF, 0, 0, T_S);				/* 6 */
	ty(b, "e", BTF_KIND_ENUM, 2, 1, 4);					/* 7 */
	rec2(b, "E_ONE", 1);
	rec2(b, "E_NEG", (uint32_t)-2);
	ty(b, "e64", BTF_KIND_ENUM64, 1, 0, 8);					/* 8 */
	rec3(b, "E_BIG", 0x23456789, 0x1);
	ty(b, "", BTF_KIND_FUNC_PROTO, 3, 0, T_INT);				/* 9 */
	rec2(b, "p", T_PTR);
	rec2(b, "n", T_INT);
	rec2(b, "", 0);
	ty(b, "f", BTF_KIND_FUNC, 0, 0, T_PROTO);				/* 10 */
	ty(b, "", BTF_KIND_CONST, 0, 0, T_TD);					/* 11 */
	ty(b, "rcu", BTF_KIND_TYPE_TAG, 0, 0, T_S);				/* 12 */
	ty(b, "", BTF_KIND_PTR, 0, 0, T_TAG);					/* 13 */
	ty(b, "double", BTF_KIND_FLOAT, 0, 0, 8);				/* 14 */
	ty(b, "tag", BTF_KIND_DECL_TAG, 0, 0, T_S);				/* 15 */
	put32(b, (uint32_t)-1);
	ty(b, "v", BTF_KIND_VAR, 0, 0, T_INT);					/* 16 */
	put32(b, BTF_VAR_GLOBAL_ALLOCATED);
	ty(b, ".data", BTF_KIND_DATASEC, 1, 0, 4);				/* 17 */
	put32(b, T_VAR);	/* btf_var_secinfo: type, offset, size */
	put32(b, 0);
	put32(b, 4);
	ty(b, "old", BTF_KIND_STRUCT, 1, 0, 4);					/* 18 */
	rec3(b, "bf", T_OLDINT, 0);
	ty(b, "unsigned int", BTF_KIND_INT, 0, 0, 4);				/* 19 */
	put32(b, 2 << 16 | 5);
	ty(b, "long unsigned int", BTF_KIND_INT, 0, 0, 8);			/* 20 */
	put32(b, 64);
	ty(b, "fwd", BTF_KIND_FWD, 0, 0, 0);					/* 21 */
	ty(b, "loop", BTF_KIND_TYPEDEF, 0, 0, T_LOOP);				/* 22 */
	finish(b);
}

/* ------------------------------------------------------------ the blob */

static void check_blob(struct btf *b)
{
	long off;
	int bf, elem, n;

	ck_assert_int_eq(btf_find(b, "int", BTF_KIND_INT), T_INT);
	ck_assert_int_eq(btf_find(b, "s", BTF_KIND_STRUCT), T_S);
	ck_assert_int_eq(btf_find(b, "s", BTF_KIND_UNION), -1);
	ck_assert_int_eq(btf_find(b, "s_t", BTF_KIND_TYPEDEF), T_TD);
	ck_assert_int_eq(btf_find(b, "e", BTF_KIND_ENUM), T_ENUM);
	ck_assert_int_eq(btf_find(b, "e64", BTF_KIND_ENUM64), T_ENUM64);
	ck_assert_int_eq(btf_find(b, "f", BTF_KIND_FUNC), T_FUNC);
	ck_assert_int_eq(btf_find(b, "double", BTF_KIND_FLOAT), T_FLOAT);
	ck_assert_int_eq(btf_find(b, "fwd", BTF_KIND_FWD), T_FWD);
	ck_assert_int_eq(btf_find(b, "nope", BTF_KIND_STRUCT), -1);
	ck_assert_int_eq(btf_find(b, "", BTF_KIND_UNION), -1);

	ck_assert_str_eq(btf_name(b, T_S), "s");
	ck_assert_str_eq(btf_name(b, T_U), "");
	ck_assert_str_eq(btf_name(b, 0), "");
	ck_assert_str_eq(btf_name(b, NTYPES), "");
	ck_assert_str_eq(btf_name(b, -5), "");
	ck_assert_int_eq(btf_kind(b, 0), BTF_KIND_UNKN);
	ck_assert_int_eq(btf_kind(b, T_U), BTF_KIND_UNION);
	ck_assert_int_eq(btf_kind(b, T_DECL), BTF_KIND_DECL_TAG);
	ck_assert_int_eq(btf_kind(b, T_SEC), BTF_KIND_DATASEC);
	ck_assert_int_eq(btf_kind(b, NTYPES), -1);

	ck_assert_int_eq(btf_resolve(b, T_CONST), T_S);
	ck_assert_int_eq(btf_resolve(b, T_TAG), T_S);
	ck_assert_int_eq(btf_resolve(b, T_INT), T_INT);
	ck_assert_int_eq(btf_resolve(b, 0), 0);
	ck_assert_int_eq(btf_resolve(b, T_LOOP), -1);
	ck_assert_int_eq(btf_resolve(b, NTYPES), -1);

	ck_assert_int_eq(btf_size(b, T_INT), 4);
	ck_assert_int_eq(btf_size(b, T_S), 24);
	ck_assert_int_eq(btf_size(b, T_TD), 24);
	ck_assert_int_eq(btf_size(b, T_CONST), 24);
	ck_assert_int_eq(btf_size(b, T_U), 8);
	ck_assert_int_eq(btf_size(b, T_PTR), 8);	/* as long unsigned int */
	ck_assert_int_eq(btf_size(b, T_ARR), 8);
	ck_assert_int_eq(btf_size(b, T_ENUM), 4);
	ck_assert_int_eq(btf_size(b, T_ENUM64), 8);
	ck_assert_int_eq(btf_size(b, T_FLOAT), 8);
	ck_assert_int_eq(btf_size(b, T_VAR), 4);
	ck_assert_int_eq(btf_size(b, T_SEC), 4);
	ck_assert_int_eq(btf_size(b, 0), -1);
	ck_assert_int_eq(btf_size(b, T_FUNC), -1);
	ck_assert_int_eq(btf_size(b, T_PROTO), -1);
	ck_assert_int_eq(btf_size(b, T_FWD), -1);
	ck_assert_int_eq(btf_size(b, T_LOOP), -1);

	ck_assert_int_eq(btf_member(b, T_S, "a", &off, &bf), T_INT);
	ck_assert(off == 0 && bf == 0);
	ck_assert_int_eq(btf_member(b, T_S, "flags", &off, &bf), T_INT);
	ck_assert(off == 32 && bf == 3);
	ck_assert_int_eq(btf_member(b, T_S, "x", &off, &bf), T_INT);
	ck_assert(off == 64 && bf == 0);
	ck_assert_int_eq(btf_member(b, T_TD, "arr", &off, &bf), T_ARR);	/* through the typedef */
	ck_assert(off == 64 && bf == 0);
	ck_assert_int_eq(btf_member(b, T_S, "next", &off, &bf), T_PTR);
	ck_assert(off == 128 && bf == 0);
	ck_assert_int_eq(btf_member(b, T_OLD, "bf", &off, &bf), T_OLDINT);
	ck_assert(off == 2 && bf == 5);
	off = 99;
	ck_assert_int_eq(btf_member(b, T_S, "nope", &off, &bf), -1);
	ck_assert_int_eq(off, 99);
	ck_assert_int_eq(btf_member(b, T_S, "", &off, &bf), -1);
	ck_assert_int_eq(btf_member(b, T_INT, "a", &off, &bf), -1);
	ck_assert_int_eq(btf_member(b, T_S, "a", NULL, NULL), T_INT);

	int64_t v;
	ck_assert(btf_enum_value(b, "E_ONE", &v) && v == 1);
	ck_assert(btf_enum_value(b, "E_NEG", &v) && v == -2);
	ck_assert(btf_enum_value(b, "E_BIG", &v) && v == 0x123456789);
	ck_assert(!btf_enum_value(b, "E_NONE", &v));

	ck_assert_int_eq(btf_pointee(b, T_PTR), T_S);
	ck_assert_int_eq(btf_pointee(b, T_TAGPTR), T_TAG);
	ck_assert_int_eq(btf_resolve(b, btf_pointee(b, T_TAGPTR)), T_S);
	ck_assert_int_eq(btf_pointee(b, T_INT), -1);
	ck_assert_int_eq(btf_array(b, T_ARR, &elem, &n), 0);
	ck_assert(elem == T_INT && n == 2);
	ck_assert_int_eq(btf_array(b, T_PTR, &elem, &n), -1);

	struct vec names = {0}, types = {0};
	int ret = 0;
	ck_assert_int_eq(btf_func_proto(b, "f", &names, &types, &ret), 0);
	ck_assert_int_eq(ret, T_INT);
	ck_assert_int_eq(names.n, 3);
	ck_assert_int_eq(types.n, 3);
	ck_assert_str_eq(names.v[0], "p");
	ck_assert_str_eq(names.v[1], "n");
	ck_assert_str_eq(names.v[2], "...");
	ck_assert_int_eq((intptr_t)types.v[0], T_PTR);
	ck_assert_int_eq((intptr_t)types.v[1], T_INT);
	ck_assert_int_eq((intptr_t)types.v[2], 0);
	ck_assert_int_eq(btf_func_proto(b, "g", &names, &types, &ret), -1);
	ck_assert_int_eq(btf_func_proto(b, "int", &names, &types, &ret), -1);
	ck_assert_int_eq(names.n, 3);
}

START_TEST(blob_native)
{
	struct blob bl;
	char err[256];
	build(&bl, false);
	struct btf *b = btf_parse(bl.out, bl.size, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	check_blob(b);
	btf_close(b);
}
END_TEST

START_TEST(blob_swapped)
{
	struct blob bl;
	char err[256];
	build(&bl, true);
	struct btf *b = btf_parse(bl.out, bl.size, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	check_blob(b);
	btf_close(b);
}
END_TEST

START_TEST(blob_file)
{
	struct blob bl;
	char err[256], path[] = "/tmp/wisp_btf_XXXXXX";
	build(&bl, false);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bl.out, bl.size), (ssize_t)bl.size);
	close(fd);
	struct btf *b = btf_open(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(b != NULL, "%s", err);
	check_blob(b);
	btf_close(b);
	ck_assert_ptr_null(btf_open("/no/such/btf", err, sizeof(err)));
	ck_assert_str_eq(err, "/no/such/btf: No such file or directory");
	ck_assert_ptr_null(btf_open("/", err, sizeof(err)));
	ck_assert_str_eq(err, "/: not a BTF file");
	/* a file that cannot be mapped (size 0 in stat) is read */
	ck_assert_ptr_null(btf_open("/proc/self/stat", err, sizeof(err)));
	ck_assert_str_eq(err, "/proc/self/stat: not BTF (bad magic)");
}
END_TEST

/* ------------------------------------------------------------ malformed */

/* Use everything a parsed blob offers, on every id: none may crash. */
static void poke(struct btf *b)
{
	long off;
	int bf, elem, n, ret;
	int64_t v;
	for (int id = -1; id <= NTYPES + 1; id++) {
		btf_name(b, id);
		btf_kind(b, id);
		btf_resolve(b, id);
		btf_size(b, id);
		btf_pointee(b, id);
		btf_array(b, id, &elem, &n);
		btf_member(b, id, "next", &off, &bf);
		btf_member(b, id, "arr", &off, &bf);
	}
	static const char *names[] = { "int", "s", "s_t", "e", "f", "fwd", "loop" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (int k = 0; k <= BTF_KIND_MAX; k++)
			btf_find(b, names[i], k);
	btf_enum_value(b, "E_BIG", &v);
	btf_enum_value(b, "E_NEG", &v);
	struct vec nv = {0}, tv = {0};
	btf_func_proto(b, "f", &nv, &tv, &ret);
}

START_TEST(truncated)
{
	struct blob bl;
	char err[256];
	for (int swap = 0; swap < 2; swap++) {
		build(&bl, swap);
		for (size_t len = 0; len < bl.size; len++) {
			err[0] = 0;
			struct btf *b = btf_parse(bl.out, len, err, sizeof(err));
			ck_assert_msg(!b, "length %zu parsed", len);
			ck_assert_msg(err[0], "length %zu: no reason", len);
		}
	}
	build(&bl, false);
	ck_assert_ptr_null(btf_parse(bl.out, 2, err, sizeof(err)));
	ck_assert_str_eq(err, "not BTF (too short)");
	ck_assert_ptr_null(btf_parse(bl.out, 10, err, sizeof(err)));
	ck_assert_str_eq(err, "truncated BTF header");
	ck_assert_ptr_null(btf_parse(bl.out, bl.size - 1, err, sizeof(err)));
	ck_assert_str_eq(err, "string section outside the BTF data");
}
END_TEST

START_TEST(corrupted)
{
	struct blob bl;
	char err[256];
	static const uint8_t xors[] = { 0x01, 0x02, 0x10, 0x80, 0xff, 0x7f };
	int bad = 0, good = 0;
	for (int swap = 0; swap < 2; swap++) {
		build(&bl, swap);
		for (size_t i = 0; i < bl.size; i++)
			for (size_t x = 0; x < sizeof(xors); x++) {
				uint8_t save = bl.out[i];
				bl.out[i] ^= xors[x];
				err[0] = 0;
				struct btf *b = btf_parse(bl.out, bl.size, err, sizeof(err));
				if (b) {
					poke(b);
					btf_close(b);
					good++;
				} else {
					ck_assert_msg(err[0], "byte %zu ^ %#x: no reason", i, xors[x]);
					bad++;
				}
				bl.out[i] = save;
			}
	}
	ck_assert(bad > 0 && good > 0);
}
END_TEST

START_TEST(reasons)
{
	struct blob bl;
	char err[256];
	build(&bl, false);
	bl.out[0] ^= 1;
	ck_assert_ptr_null(btf_parse(bl.out, bl.size, err, sizeof(err)));
	ck_assert_str_eq(err, "not BTF (bad magic)");
	bl.out[0] ^= 1;
	bl.out[2] = 2;
	ck_assert_ptr_null(btf_parse(bl.out, bl.size, err, sizeof(err)));
	ck_assert_str_eq(err, "BTF version 2, not 1");
	build(&bl, false);
	bl.out[sizeof(struct btf_header) + 7] = 25 | 0x80;	/* type 1's kind */
	ck_assert_ptr_null(btf_parse(bl.out, bl.size, err, sizeof(err)));
	ck_assert_str_eq(err, "type 1 has unknown kind 25");
	build(&bl, false);
	bl.out[bl.size - 1] = 'x';	/* the strings' last NUL */
	ck_assert_ptr_null(btf_parse(bl.out, bl.size, err, sizeof(err)));
	ck_assert_str_eq(err, "string section does not start and end with NUL");
	build(&bl, false);
	bl.out[sizeof(struct btf_header) + 16 + 5] = 0xff;	/* struct s's vlen: 0xff04 */
	ck_assert_ptr_null(btf_parse(bl.out, bl.size, err, sizeof(err)));
	ck_assert_str_eq(err, "type 2 truncated");
	/* a longer header, as a newer kernel might write */
	build(&bl, false);
	uint8_t big[sizeof(bl.out) + 8] = {0};
	struct btf_header h;
	memcpy(&h, bl.out, sizeof(h));
	h.hdr_len += 8;
	memcpy(big, &h, sizeof(h));
	memcpy(big + h.hdr_len, bl.out + sizeof(h), bl.size - sizeof(h));
	struct btf *b = btf_parse(big, bl.size + 8, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	check_blob(b);
	btf_close(b);
}
END_TEST

/* ------------------------------------------------------------ split */

enum {
	S_MS = NTYPES, S_PTR, S_ENUM, S_PROTO, S_FUNC, S_MSPTR, S_TD, S_FPTR, S_CPTR,
	S_PP, S_TRACE, S_TRPTR, S_TRPROTO, S_VOIDPTR, S_COUNT
};

/* base's offset of a string it holds: a split's names may be base's */
static uint32_t base_str(const struct blob *base, const char *str)
{
	for (int o = 1; o < base->nstrs; o += strlen((char *)base->strs + o) + 1)
		if (!strcmp((char *)base->strs + o, str))
			return o;
	ck_abort_msg("no string %s in the base", str);
	return 0;
}

/* A module's BTF on top of build()'s: ids from NTYPES, string offsets
 * from the base's length (the own strings start with "ms", not NUL):
 *	struct ms { int a; struct s *sp; s_t inner; };	 ("a" is base's string)
 *	enum me { M_ONE = 7 };
 *	int mf(struct ms *m, struct s *s);
 *	typedef s_t ms_t;  (a name of base's for a new type)
 *	typedef void (*btf_trace_mytp)(void *__data, int x);
 */
static void build_split(struct blob *b, const struct blob *base, bool swap)
{
	memset(b, 0, sizeof(*b));
	b->swap = swap;
	b->str_base = base->nstrs;
	ty(b, "ms", BTF_KIND_STRUCT, 3, 0, 40);				/* S_MS */
	put32(b, base_str(base, "a"));
	put32(b, T_INT);
	put32(b, 0);
	rec3(b, "sp", S_PTR, 64);
	rec3(b, "inner", T_TD, 128);
	ty(b, "", BTF_KIND_PTR, 0, 0, T_S);					/* S_PTR */
	ty(b, "me", BTF_KIND_ENUM, 1, 0, 4);				/* S_ENUM */
	rec2(b, "M_ONE", 7);
	ty(b, "", BTF_KIND_FUNC_PROTO, 2, 0, T_INT);			/* S_PROTO */
	rec2(b, "m", S_MSPTR);
	rec2(b, "s", S_PTR);
	ty(b, "mf", BTF_KIND_FUNC, 0, 0, S_PROTO);				/* S_FUNC */
	ty(b, "", BTF_KIND_PTR, 0, 0, S_MS);				/* S_MSPTR */
	put32(b, base_str(base, "s_t"));					/* S_TD */
	put32(b, (uint32_t)BTF_KIND_TYPEDEF << 24);
	put32(b, T_TD);
	ty(b, "", BTF_KIND_PTR, 0, 0, S_PROTO);				/* S_FPTR */
	ty(b, "", BTF_KIND_CONST, 0, 0, S_PTR);				/* S_CPTR */
	ty(b, "", BTF_KIND_PTR, 0, 0, S_PTR);				/* S_PP */
	ty(b, "btf_trace_mytp", BTF_KIND_TYPEDEF, 0, 0, S_TRPTR);		/* S_TRACE */
	ty(b, "", BTF_KIND_PTR, 0, 0, S_TRPROTO);				/* S_TRPTR */
	ty(b, "", BTF_KIND_FUNC_PROTO, 2, 0, 0);				/* S_TRPROTO */
	rec2(b, "__data", S_VOIDPTR);
	rec2(b, "x", T_INT);
	ty(b, "", BTF_KIND_PTR, 0, 0, 0);					/* S_VOIDPTR */
	finish(b);
}

static const char *spelt(struct btf *b, int id)
{
	static char buf[128];
	ck_assert_int_ge(btf_type_str(b, id, buf, sizeof(buf)), 0);
	return buf;
}

static void check_split(struct btf *base, struct btf *b)
{
	long off;
	int bf;
	int64_t v;

	ck_assert_int_eq(btf_count(base), NTYPES);
	ck_assert_int_eq(btf_count(b), S_COUNT);
	for (int pass = 0; pass < 2; pass++) {	/* by scan, then by the name tables */
		for (int i = 0; i < 10; i++) {
			ck_assert_int_eq(btf_find(b, "int", BTF_KIND_INT), T_INT);
			ck_assert_int_eq(btf_find(b, "ms", BTF_KIND_STRUCT), S_MS);
			ck_assert_int_eq(btf_find(b, "ms", BTF_KIND_UNION), -1);
			ck_assert_int_eq(btf_find(b, "mf", BTF_KIND_FUNC), S_FUNC);
			ck_assert_int_eq(btf_find(b, "f", BTF_KIND_FUNC), T_FUNC);
			/* base's name for a split's type: the base's comes first */
			ck_assert_int_eq(btf_find(b, "s_t", BTF_KIND_TYPEDEF), T_TD);
			ck_assert_int_eq(btf_find(base, "ms", BTF_KIND_STRUCT), -1);
		}
	}
	ck_assert_str_eq(btf_name(b, S_MS), "ms");
	ck_assert_str_eq(btf_name(b, S_TD), "s_t");
	ck_assert_str_eq(btf_name(b, T_S), "s");
	ck_assert_str_eq(btf_name(b, S_COUNT), "");
	ck_assert_str_eq(btf_name(base, S_MS), "");
	ck_assert_int_eq(btf_kind(b, S_MS), BTF_KIND_STRUCT);
	ck_assert_int_eq(btf_kind(b, T_ENUM), BTF_KIND_ENUM);
	ck_assert_int_eq(btf_kind(b, S_COUNT), -1);
	ck_assert_int_eq(btf_kind(base, S_MS), -1);

	ck_assert_int_eq(btf_member(b, S_MS, "a", &off, &bf), T_INT);
	ck_assert(off == 0 && bf == 0);
	ck_assert_int_eq(btf_member(b, S_MS, "sp", &off, &bf), S_PTR);
	ck_assert_int_eq(off, 64);
	ck_assert_int_eq(btf_member(b, S_MS, "inner", &off, &bf), T_TD);
	ck_assert_int_eq(off, 128);
	ck_assert_int_eq(btf_member(b, btf_resolve(b, T_TD), "flags", &off, &bf), T_INT);
	ck_assert(off == 32 && bf == 3);
	ck_assert_int_eq(btf_resolve(b, S_TD), T_S);
	ck_assert_int_eq(btf_resolve(b, btf_pointee(b, S_PTR)), T_S);
	ck_assert_int_eq(btf_size(b, S_MS), 40);
	ck_assert_int_eq(btf_size(b, S_PTR), 8);	/* base's long unsigned int */
	ck_assert_int_eq(btf_size(b, S_TD), 24);

	ck_assert(btf_enum_value(b, "M_ONE", &v) && v == 7);
	ck_assert(btf_enum_value(b, "E_NEG", &v) && v == -2);
	ck_assert(!btf_enum_value(base, "M_ONE", &v));

	struct vec names = {0}, types = {0};
	int ret;
	ck_assert_int_eq(btf_func_proto(b, "mf", &names, &types, &ret), 0);
	ck_assert_int_eq(ret, T_INT);
	ck_assert_int_eq(names.n, 2);
	ck_assert_str_eq(names.v[0], "m");
	ck_assert_str_eq(names.v[1], "s");
	ck_assert_int_eq((intptr_t)types.v[0], S_MSPTR);
	ck_assert_int_eq((intptr_t)types.v[1], S_PTR);
	ck_assert_int_eq(btf_func_proto(b, "f", NULL, NULL, &ret), 0);
	ck_assert_int_eq(btf_func_proto(base, "mf", NULL, NULL, &ret), -1);
	ck_assert_int_eq(btf_func_type(b, S_FUNC), S_PROTO);
	ck_assert_int_eq(btf_func_type(b, T_FUNC), T_PROTO);
	ck_assert_int_eq(btf_func_type(b, S_PROTO), -1);
	/* a raw tracepoint's typedef: the prototype behind the pointer */
	int tp = btf_pointee(b, btf_find(b, "btf_trace_mytp", BTF_KIND_TYPEDEF));
	ck_assert_int_eq(tp, S_TRPROTO);
	names.n = types.n = 0;
	ck_assert_int_eq(btf_proto_params(b, tp, &names, &types), 0);
	ck_assert_int_eq(names.n, 2);
	ck_assert_str_eq(names.v[0], "__data");
	ck_assert_str_eq(names.v[1], "x");
	ck_assert_int_eq(btf_proto_params(b, S_FUNC, &names, &types), -1);

	ck_assert_str_eq(spelt(b, S_MSPTR), "struct ms *");
	ck_assert_str_eq(spelt(b, S_PP), "struct s **");
	ck_assert_str_eq(spelt(b, S_CPTR), "struct s * const");
	ck_assert_str_eq(spelt(b, S_FPTR), "int (*)(struct ms *, struct s *)");
	ck_assert_str_eq(spelt(b, S_TRPROTO), "void (void *, int)");
	ck_assert_str_eq(spelt(b, S_ENUM), "enum me");
	ck_assert_str_eq(spelt(b, S_TD), "s_t");
	ck_assert_str_eq(spelt(b, T_CONST), "const s_t");
	ck_assert_str_eq(spelt(b, T_TAGPTR), "struct s *");	/* no word for the tag */
	ck_assert_str_eq(spelt(b, T_ARR), "int[2]");
	ck_assert_str_eq(spelt(b, T_U), "union {...}");
	ck_assert_str_eq(spelt(b, T_PROTO), "int (struct s *, int, ...)");
	ck_assert_str_eq(spelt(b, 0), "void");
	ck_assert_str_eq(spelt(b, T_FWD), "struct fwd");
	char small[8];
	ck_assert_int_eq(btf_type_str(b, S_MSPTR, small, sizeof(small)), 11);	/* as snprintf */
	ck_assert_str_eq(small, "struct ");
	ck_assert_int_eq(btf_type_str(b, S_COUNT, small, sizeof(small)), -1);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(btf_type_str(b, T_LOOP, small, sizeof(small)), 4);	/* a name */
	ck_assert_int_eq(btf_type_str(base, S_MS, small, sizeof(small)), -1);
}

static void split_pair(bool swap)
{
	struct blob bl, sp;
	char err[256];
	build(&bl, swap);
	build_split(&sp, &bl, swap);
	struct btf *base = btf_parse(bl.out, bl.size, err, sizeof(err));
	ck_assert_msg(base != NULL, "%s", err);
	struct btf *b = btf_parse_split(sp.out, sp.size, base, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	check_split(base, b);
	check_blob(base);
	btf_close(b);
	btf_close(base);
}

START_TEST(split_native)
{
	split_pair(false);
}
END_TEST

START_TEST(split_swapped)
{
	split_pair(true);
}
END_TEST

/* poke() for the split blob: everything on every id, none may crash */
static void poke_split(struct btf *b)
{
	long off;
	int bf, elem, n;
	int64_t v;
	char buf[64];
	for (int id = -1; id <= S_COUNT + 1; id++) {
		btf_name(b, id);
		btf_kind(b, id);
		btf_resolve(b, id);
		btf_size(b, id);
		btf_pointee(b, id);
		btf_array(b, id, &elem, &n);
		btf_member(b, id, "inner", &off, &bf);
		btf_func_type(b, id);
		btf_proto_params(b, id, NULL, NULL);
		btf_type_str(b, id, buf, sizeof(buf));
		btf_int_signed(b, id);
	}
	static const char *names[] = { "ms", "me", "mf", "s_t", "btf_trace_mytp" };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		for (int k = 0; k <= BTF_KIND_MAX; k++)
			btf_find(b, names[i], k);
	btf_enum_value(b, "M_ONE", &v);
	struct vec nv = {0}, tv = {0};
	int ret;
	btf_func_proto(b, "mf", &nv, &tv, &ret);
}

START_TEST(split_malformed)
{
	struct blob bl, sp;
	char err[256];
	int bad = 0, good = 0;
	static const uint8_t xors[] = { 0x01, 0x04, 0x10, 0x80, 0xff };
	for (int swap = 0; swap < 2; swap++) {
		build(&bl, swap);
		build_split(&sp, &bl, swap);
		struct btf *base = btf_parse(bl.out, bl.size, err, sizeof(err));
		ck_assert_msg(base != NULL, "%s", err);
		for (size_t len = 0; len < sp.size; len++) {
			err[0] = 0;
			struct btf *b = btf_parse_split(sp.out, len, base, err, sizeof(err));
			ck_assert_msg(!b, "length %zu parsed", len);
			ck_assert_msg(err[0], "length %zu: no reason", len);
		}
		for (size_t i = 0; i < sp.size; i++)
			for (size_t x = 0; x < sizeof(xors); x++) {
				uint8_t save = sp.out[i];
				sp.out[i] ^= xors[x];
				err[0] = 0;
				struct btf *b = btf_parse_split(sp.out, sp.size, base, err, sizeof(err));
				if (b) {
					poke_split(b);
					btf_close(b);
					good++;
				} else {
					ck_assert_msg(err[0], "byte %zu ^ %#x: no reason", i, xors[x]);
					bad++;
				}
				sp.out[i] = save;
			}
		btf_close(base);
	}
	ck_assert(bad > 0 && good > 0);
}
END_TEST

START_TEST(split_reasons)
{
	struct blob bl, sp;
	char err[256];
	build(&bl, false);
	struct btf *base = btf_parse(bl.out, bl.size, err, sizeof(err));
	ck_assert_msg(base != NULL, "%s", err);

	build_split(&sp, &bl, true);
	ck_assert_ptr_null(btf_parse_split(sp.out, sp.size, base, err, sizeof(err)));
	ck_assert_str_eq(err, "split BTF in another byte order than its base");

	build_split(&sp, &bl, false);
	sp.out[sp.size - 1] = 'x';
	ck_assert_ptr_null(btf_parse_split(sp.out, sp.size, base, err, sizeof(err)));
	ck_assert_str_eq(err, "string section does not end with NUL");

	/* the first type's name past the end of the split's strings */
	build_split(&sp, &bl, false);
	uint32_t name = bl.nstrs + sp.nstrs;
	memcpy(sp.out + sizeof(struct btf_header), &name, 4);
	ck_assert_ptr_null(btf_parse_split(sp.out, sp.size, base, err, sizeof(err)));
	ck_assert_str_eq(err, xprintf("type %d has its name outside the strings", S_MS));
	name--;		/* the last string's NUL: a name of "" */
	memcpy(sp.out + sizeof(struct btf_header), &name, 4);
	struct btf *b = btf_parse_split(sp.out, sp.size, base, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_str_eq(btf_name(b, S_MS), "");
	btf_close(b);

	/* no types and no strings of its own: the base's ids and names */
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
	};
	b = btf_parse_split(&h, sizeof(h), base, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	ck_assert_int_eq(btf_count(b), NTYPES);
	ck_assert_int_eq(btf_find(b, "s", BTF_KIND_STRUCT), T_S);
	btf_close(b);
	/* while a base needs at least the empty string */
	ck_assert_ptr_null(btf_parse(&h, sizeof(h), err, sizeof(err)));
	ck_assert_str_eq(err, "string section does not start and end with NUL");
	btf_close(base);
}
END_TEST

/* ------------------------------------------------------------ the kernel's */

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* btf_kernel() and the modules, from a directory laid out as
 * /sys/kernel/btf: vmlinux, a module "mymod", a module "bad" whose BTF
 * is not BTF, and a module "later" that the wildcard must skip over. */
START_TEST(kernel_dir)
{
	struct blob bl, sp;
	char dir[] = "/tmp/wisp_kbtf_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	build(&bl, false);
	build_split(&sp, &bl, false);
	write_file(xprintf("%s/vmlinux", dir), bl.out, bl.size);
	write_file(xprintf("%s/mymod", dir), sp.out, sp.size);
	write_file(xprintf("%s/bad", dir), "nonsense", 8);
	btf_kernel_set_dir(dir);

	struct btf *k = btf_kernel(), *w = NULL;
	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_eq(btf_kernel(), k);
	ck_assert_str_eq(btf_kernel_error(), "");
	ck_assert_str_eq(btf_module_name(k), "vmlinux");
	ck_assert_ptr_eq(btf_module("vmlinux"), k);
	struct btf *m = btf_module("mymod");
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_eq(btf_module("mymod"), m);	/* opened once */
	ck_assert_str_eq(btf_module_name(m), "mymod");
	ck_assert_ptr_null(btf_module("bad"));
	ck_assert_ptr_null(btf_module("none"));
	ck_assert_ptr_null(btf_module("../mymod"));
	ck_assert_ptr_null(btf_module(""));

	ck_assert_int_eq(btf_kernel_find("s", BTF_KIND_STRUCT, &w), T_S);
	ck_assert_ptr_eq(w, k);
	ck_assert_int_eq(btf_kernel_find("ms", BTF_KIND_STRUCT, &w), S_MS);
	ck_assert_ptr_eq(w, m);
	ck_assert_int_eq(btf_kernel_find("mf", BTF_KIND_FUNC, &w), S_FUNC);
	w = NULL;
	ck_assert_int_eq(btf_kernel_find("nope", BTF_KIND_STRUCT, &w), -1);
	ck_assert_ptr_null(w);

	struct vec btfs = {0}, ids = {0};
	/* every BTF, vmlinux first */
	ck_assert_int_eq(btf_kernel_match(NULL, BTF_KIND_FUNC, "*f", &btfs, &ids), 2);
	ck_assert(btfs.v[0] == k && (intptr_t)ids.v[0] == T_FUNC);
	ck_assert(btfs.v[1] == m && (intptr_t)ids.v[1] == S_FUNC);
	/* one module: only its own types */
	btfs.n = ids.n = 0;
	ck_assert_int_eq(btf_kernel_match("mymod", BTF_KIND_TYPEDEF, "*", &btfs, &ids), 2);
	ck_assert_int_eq((intptr_t)ids.v[0], S_TRACE);	/* btf_trace_mytp < s_t */
	ck_assert_int_eq((intptr_t)ids.v[1], S_TD);
	btfs.n = ids.n = 0;
	ck_assert_int_eq(btf_kernel_match("my*", BTF_KIND_TYPEDEF, "btf_trace_*", &btfs, &ids), 1);
	btfs.n = ids.n = 0;
	ck_assert_int_eq(btf_kernel_match("vmlinux", BTF_KIND_FUNC, "*", &btfs, &ids), 1);
	btfs.n = ids.n = 0;
	/* a plain name: the first BTF that has it; with a module glob, each */
	ck_assert_int_eq(btf_kernel_match(NULL, BTF_KIND_TYPEDEF, "s_t", &btfs, &ids), 1);
	ck_assert_ptr_eq(btfs.v[0], k);
	btfs.n = ids.n = 0;
	ck_assert_int_eq(btf_kernel_match("*", BTF_KIND_TYPEDEF, "s_t", &btfs, &ids), 2);
	btfs.n = ids.n = 0;
	ck_assert_int_eq(btf_kernel_match("none", BTF_KIND_FUNC, "*", &btfs, &ids), 0);

	/* a kernel without BTF */
	char empty[] = "/tmp/wisp_kbtf_XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(empty));
	btf_kernel_set_dir(empty);
	ck_assert_ptr_null(btf_kernel());
	ck_assert_str_eq(btf_kernel_error(),
			 xprintf("%s/vmlinux: No such file or directory (the kernel was "
				 "built without CONFIG_DEBUG_INFO_BTF)", empty));
	ck_assert_ptr_null(btf_module("mymod"));
	ck_assert_int_eq(btf_kernel_find("s", BTF_KIND_STRUCT, &w), -1);
	ck_assert_int_eq(btf_kernel_match(NULL, BTF_KIND_FUNC, "*", &btfs, &ids), -1);
	btf_kernel_set_dir(NULL);
	rmdir(empty);
	unlink(xprintf("%s/vmlinux", dir));
	unlink(xprintf("%s/mymod", dir));
	unlink(xprintf("%s/bad", dir));
	rmdir(dir);
}
END_TEST

/* ------------------------------------------------------------ vmlinux */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

START_TEST(vmlinux)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	char err[256];
	if (access(path, R_OK)) {
		printf("SKIP: no readable %s\n", path);
		return;
	}
	double t0 = now_ms();
	struct btf *b = btf_open(path, err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	double t1 = now_ms();
	int task = btf_find(b, "task_struct", BTF_KIND_STRUCT);
	double t2 = now_ms();
	ck_assert_int_eq(btf_find(b, "no_such_struct", BTF_KIND_STRUCT), -1);
	double t3 = now_ms();
	for (int i = 0; i < 8; i++)	/* past HASH_AFTER: the name table is built */
		btf_find(b, "sock", BTF_KIND_STRUCT);
	double t4 = now_ms();
	int sock = btf_find(b, "sock", BTF_KIND_STRUCT);
	double t5 = now_ms();
	printf("vmlinux BTF: btf_open %.2f ms; btf_find by scan %.2f ms (a miss %.2f ms); "
	       "8 finds building the name table %.2f ms; then a find %.4f ms\n",
	       t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4);
	ck_assert_int_gt(task, 0);
	ck_assert_int_gt(sock, 0);

	long off;
	int bf;
	int pid = btf_member(b, task, "pid", &off, &bf);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(btf_size(b, pid), 4);
	ck_assert_int_eq(bf, 0);
	int rp = btf_member(b, task, "real_parent", &off, &bf);
	ck_assert_int_gt(rp, 0);
	ck_assert_int_eq(btf_kind(b, btf_resolve(b, rp)), BTF_KIND_PTR);
	ck_assert_int_eq(btf_resolve(b, btf_pointee(b, rp)), task);
	ck_assert_int_eq(btf_size(b, rp), (int)sizeof(void *));

	int sc = btf_find(b, "sock_common", BTF_KIND_STRUCT);
	ck_assert_int_gt(btf_size(b, sc), 0);
	int64_t v;
	double t6 = now_ms();
	ck_assert(btf_enum_value(b, "TCP_ESTABLISHED", &v));
	printf("vmlinux BTF: btf_enum_value %.2f ms\n", now_ms() - t6);
	ck_assert_int_eq(v, 1);

	int skc = btf_member(b, sock, "__sk_common", &off, &bf);
	ck_assert_int_eq(btf_resolve(b, skc), sc);
	long base = off;
	int dport = btf_member(b, btf_resolve(b, skc), "skc_dport", &off, &bf);
	ck_assert_int_gt(dport, 0);	/* inside an anonymous union of sock_common */
	ck_assert_int_eq(btf_size(b, dport), 2);
	ck_assert_int_eq((base + off) % 8, 0);
	ck_assert_int_eq(bf, 0);

	struct vec names = {0}, types = {0};
	int ret;
	ck_assert_int_eq(btf_func_proto(b, "vfs_read", &names, &types, &ret), 0);
	ck_assert_int_eq(names.n, 4);
	ck_assert_str_eq(names.v[0], "file");
	ck_assert_str_eq(names.v[1], "buf");
	ck_assert_str_eq(names.v[2], "count");
	ck_assert_str_eq(names.v[3], "pos");
	ck_assert_int_eq(btf_kind(b, btf_resolve(b, ret)), BTF_KIND_INT);	/* ssize_t */
	btf_close(b);
}
END_TEST

/* btf_kernel() on this host: what the providers and sema ask of it */
START_TEST(kernel_host)
{
	double t0 = now_ms();
	struct btf *k = btf_kernel(), *w = NULL;
	if (!k) {
		printf("SKIP: %s\n", btf_kernel_error());
		return;
	}
	double t1 = now_ms();
	ck_assert_ptr_eq(btf_kernel(), k);
	int sock = btf_kernel_find("sock", BTF_KIND_STRUCT, &w);
	printf("btf_kernel %.2f ms, then btf_kernel_find %.2f ms\n", t1 - t0, now_ms() - t1);
	ck_assert_int_gt(sock, 0);
	ck_assert_ptr_eq(w, k);
	ck_assert_int_eq(btf_kernel_find("no_such_struct_here", BTF_KIND_STRUCT, &w), -1);

	/* what kfunc -lv prints for vfs_read */
	int fn = btf_find(k, "vfs_read", BTF_KIND_FUNC);
	int proto = btf_func_type(k, fn);
	ck_assert_int_gt(proto, 0);
	struct vec names = {0}, types = {0};
	int ret = btf_proto_params(k, proto, &names, &types);
	ck_assert_int_gt(ret, 0);
	ck_assert_int_eq(types.n, 4);
	char buf[128];
	static const char *want[] = { "struct file *", "char *", "size_t", "loff_t *" };
	for (int i = 0; i < 4; i++) {
		ck_assert_int_gt(btf_type_str(k, (intptr_t)types.v[i], buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, want[i]);
	}
	btf_type_str(k, ret, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ssize_t");
	ck_assert(btf_int_signed(k, ret));
	ck_assert(!btf_int_signed(k, (intptr_t)types.v[2]));	/* size_t */
	/* a raw tracepoint's prototype, behind its btf_trace_ typedef */
	int tp = btf_pointee(k, btf_find(k, "btf_trace_sched_switch", BTF_KIND_TYPEDEF));
	ck_assert_int_eq(btf_kind(k, tp), BTF_KIND_FUNC_PROTO);
	names.n = 0;
	ck_assert_int_eq(btf_proto_params(k, tp, &names, NULL), 0);
	ck_assert_int_ge(names.n, 4);
	ck_assert_str_eq(names.v[0], "");	/* the typedef's are unnamed ... */
	names.n = 0;
	tp = btf_func_type(k, btf_find(k, "__bpf_trace_sched_switch", BTF_KIND_FUNC));
	ck_assert_int_eq(btf_proto_params(k, tp, &names, NULL), 0);
	ck_assert_str_eq(names.v[0], "__data");	/* ... the function's not */
	ck_assert_str_eq(names.v[1], "preempt");

	struct vec btfs = {0}, ids = {0};
	ck_assert_int_ge(btf_kernel_match("vmlinux", BTF_KIND_FUNC, "vfs_r*", &btfs, &ids), 2);
	for (int i = 0; i < ids.n; i++)
		ck_assert_int_eq(strncmp(btf_name(k, (intptr_t)ids.v[i]), "vfs_r", 5), 0);
	int r = btf_module_fd("no_such_module_here");
	ck_assert_msg(r == -ENOENT || r == -EPERM, "%d", r);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("btf");
	TCase *tc = tcase_create("blob");
	tcase_add_test(tc, blob_native);
	tcase_add_test(tc, blob_swapped);
	tcase_add_test(tc, blob_file);
	suite_add_tcase(su, tc);
	tc = tcase_create("malformed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, corrupted);
	tcase_add_test(tc, reasons);
	tcase_add_test(tc, split_malformed);
	tcase_add_test(tc, split_reasons);
	suite_add_tcase(su, tc);
	tc = tcase_create("split");
	tcase_add_test(tc, split_native);
	tcase_add_test(tc, split_swapped);
	tcase_add_test(tc, kernel_dir);
	suite_add_tcase(su, tc);
	tc = tcase_create("vmlinux");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, vmlinux);
	tcase_add_test(tc, kernel_host);
	suite_add_tcase(su, tc);
	return unit_run(su);
}
