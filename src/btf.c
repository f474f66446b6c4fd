/* btf.c - wisp's own reader of BTF, the kernel's type information
 * (/sys/kernel/btf/vmlinux): what a struct's members are and where they
 * lie, how big a type is, an enumerator's value, a function's parameters.
 *
 * The blob is mapped (or read, for files that cannot be mapped) once and
 * left as it is. Opening makes one pass over the types that checks each
 * one's extent and records where it starts: an array of uint32 offsets,
 * 4 bytes a type. Everything else is read from the blob when asked, so a
 * vmlinux of ~127k types (6.18, x86_64) costs its own 5.3 MB, mapped,
 * plus 0.5 MB. Names are found by a linear scan (0.5 ms on that vmlinux)
 * until HASH_AFTER lookups have been made; then a table of name -> id is
 * built (5 ms, 4 bytes a slot, at least two slots a named type: 1 MB
 * there), after which a lookup costs well under a microsecond. A short
 * program asks for a few names and never pays for the table.
 *
 * Fields are read with memcpy, swapped when the blob's magic says it was
 * written in the other byte order (a big-endian router's BTF read on a
 * little-endian host, or the reverse). Every offset, count and type id is
 * checked before use: a truncated or corrupted blob gives an error or an
 * answer of "none", never a crash, and chains of typedefs or nested
 * structs that loop stop at a fixed depth.
 *
 * Split BTF is a module's (/sys/kernel/btf/ext4): a blob of its own whose
 * type ids continue where vmlinux's end and whose string offsets continue
 * past vmlinux's string section. It is parsed on top of its base, which
 * it does not own and whose byte order it must share (the kernel writes
 * both alike); every accessor takes any id, and ty_get() and str()
 * send an id or a name offset below the split's own range to the base.
 * A name is looked for in the base first (a module refers to vmlinux's
 * types, and vmlinux's name table serves every module), then among the
 * split's own types.
 *
 * The kernel's BTF is opened on first use and kept: vmlinux's costs 3-5
 * ms, each module's a fraction of that, and a program that asks for no
 * type reads none. A name missing from vmlinux is looked for in every
 * module's BTF, each opened then.
 */
#include "wisp.h"
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/btf.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define MAXDEPTH 32		/* typedef chains, nested anonymous members */
#define HASH_AFTER 8		/* linear lookups before the name table is built */

struct btf {
	struct btf *base;	/* split BTF: the BTF it continues (not ours) */
	int first;		/* our own first id: 1, or base's count */
	uint32_t str_first;	/* our own first string offset: 0, or the end of base's */
	const uint8_t *p;	/* the whole blob */
	size_t size;
	bool mapped;		/* munmap, else free */
	bool swap;		/* written in the other byte order */
	const uint8_t *types;	/* the type section */
	uint32_t types_len;
	const char *strs;	/* the string section: starts and ends with NUL */
	uint32_t strs_len;
	uint32_t *off;		/* off[id - first]: where type id starts in types */
	int n;			/* ids 0 .. n-1, base's included */
	uint32_t *hash;		/* our names -> id, open addressing, 0 = empty; lazy */
	uint32_t hmask;
	int lookups;		/* made so far, to decide when to build it */
	const char *kname;	/* the kernel's: "vmlinux" or the module's name */
	int ptr_size;		/* bytes of a pointer, found lazily */
};

/* ------------------------------------------------------------ reading */

static uint32_t rd32(const struct btf *b, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return b->swap ? bswap_32(v) : v;
}

/* One type's fixed part, decoded, and where its trailing records start. */
struct btype {
	uint32_t name;		/* name_off */
	int kind, vlen;
	bool kflag;
	uint32_t st;		/* size or type, by kind */
	const uint8_t *rest;	/* the kind's records after struct btf_type */
};

static bool ty_get(const struct btf *b, int id, struct btype *t)
{
	if (id <= 0 || id >= b->n)
		return false;
	while (id < b->first)
		b = b->base;
	const uint8_t *p = b->types + b->off[id - b->first];
	uint32_t info = rd32(b, p + 4);
	t->name = rd32(b, p);
	t->kind = BTF_INFO_KIND(info);
	t->vlen = BTF_INFO_VLEN(info);
	t->kflag = BTF_INFO_KFLAG(info);
	t->st = rd32(b, p + 8);
	t->rest = p + 12;
	return true;
}

/* The string at off, "" when off lies outside the section (the section
 * ends in NUL, so any offset inside it is a whole string). Offsets below
 * a split's own are its base's. */
static const char *str(const struct btf *b, uint32_t off)
{
	while (off < b->str_first)
		b = b->base;
	off -= b->str_first;
	return off < b->strs_len ? b->strs + off : "";
}

/* Bytes of the records that follow a type of each kind: a fixed part,
 * and a part for each of its vlen entries. */
static const struct {
	uint8_t fixed, each;
} records[] = {
	[BTF_KIND_INT] = { 4, 0 },
	[BTF_KIND_ARRAY] = { sizeof(struct btf_array), 0 },
	[BTF_KIND_STRUCT] = { 0, sizeof(struct btf_member) },
	[BTF_KIND_UNION] = { 0, sizeof(struct btf_member) },
	[BTF_KIND_ENUM] = { 0, sizeof(struct btf_enum) },
	[BTF_KIND_FUNC_PROTO] = { 0, sizeof(struct btf_param) },
	[BTF_KIND_VAR] = { 4, 0 },
	[BTF_KIND_DATASEC] = { 0, sizeof(struct btf_var_secinfo) },
	[BTF_KIND_DECL_TAG] = { 4, 0 },
	[BTF_KIND_ENUM64] = { 0, sizeof(struct btf_enum64) },
	/* the others (PTR FWD TYPEDEF VOLATILE CONST RESTRICT FUNC FLOAT
	 * TYPE_TAG) have none */
};

/* -1 for a kind this reader does not know (so cannot step over) */
static long rest_size(int kind, int vlen)
{
	if (kind < 1 || kind > BTF_KIND_ENUM64)
		return -1;
	return records[kind].fixed + (long)vlen * records[kind].each;
}

/* ------------------------------------------------------------ opening */

/* Check the header and the sections, then step over every type once,
 * recording where each starts. NULL, or the reason the blob is bad. */
static const char *parse_blob(struct btf *b, char *why, size_t whylen)
{
	const uint8_t *p = b->p;
	if (b->size < 4)
		return "not BTF (too short)";
	uint16_t magic;
	memcpy(&magic, p, 2);
	if (magic == bswap_16(BTF_MAGIC))
		b->swap = true;
	else if (magic != BTF_MAGIC)
		return "not BTF (bad magic)";
	/* the records of both are read with one byte order */
	if (b->base && b->swap != b->base->swap)
		return "split BTF in another byte order than its base";
	if (p[2] != BTF_VERSION) {
		snprintf(why, whylen, "BTF version %d, not %d", p[2], BTF_VERSION);
		return why;
	}
	if (b->size < sizeof(struct btf_header))
		return "truncated BTF header";
	uint32_t hdr_len = rd32(b, p + offsetof(struct btf_header, hdr_len));
	uint32_t type_off = rd32(b, p + offsetof(struct btf_header, type_off));
	uint32_t type_len = rd32(b, p + offsetof(struct btf_header, type_len));
	uint32_t str_off = rd32(b, p + offsetof(struct btf_header, str_off));
	uint32_t str_len = rd32(b, p + offsetof(struct btf_header, str_len));
	/* a longer header (a newer kernel's) is fine: its sections still
	 * start after hdr_len */
	if (hdr_len < sizeof(struct btf_header) || hdr_len > b->size)
		return "bad BTF header length";
	uint64_t data = b->size - hdr_len;
	if ((uint64_t)type_off + type_len > data)
		return "type section outside the BTF data";
	if ((uint64_t)str_off + str_len > data)
		return "string section outside the BTF data";
	b->types = p + hdr_len + type_off;
	b->types_len = type_len;
	b->strs = (const char *)p + hdr_len + str_off;
	b->strs_len = str_len;
	/* a split's strings may be none, and need not start with the
	 * empty string: offset 0 is its base's */
	if (b->base) {
		if (str_len && b->strs[str_len - 1])
			return "string section does not end with NUL";
	} else if (!str_len || b->strs[0] || b->strs[str_len - 1]) {
		return "string section does not start and end with NUL";
	}
	uint64_t str_end = (uint64_t)b->str_first + str_len;
	if (str_end > UINT32_MAX)
		return "too many strings";

	int cap = 1024;
	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return "out of memory";
	b->n = b->first;
	for (uint32_t o = 0; o < type_len;) {
		/* what is wrong with type b->n (told its kind too), if anything */
		const char *bad = NULL;
		int kind = 0;
		long rest = 0;
		if (type_len - o >= 12) {
			uint32_t info = rd32(b, b->types + o + 4);
			kind = BTF_INFO_KIND(info);
			rest = rest_size(kind, BTF_INFO_VLEN(info));
		}
		if (rest < 0)
			bad = "type %d has unknown kind %d";
		else if ((uint64_t)type_len - o < 12 + (uint64_t)rest)
			bad = "type %d truncated";
		else if (rd32(b, b->types + o) >= str_end)
			bad = "type %d has its name outside the strings";
		if (bad) {
			snprintf(why, whylen, bad, b->n, kind);
			return why;
		}
		if (b->n - b->first == cap) {
			if (cap > INT32_MAX / 4 || b->n > INT32_MAX - cap)
				return "too many types";
			uint32_t *q = realloc(b->off, 2 * cap * sizeof(*q));
			if (!q)
				return "out of memory";
			b->off = q;
			cap *= 2;
		}
		b->off[b->n++ - b->first] = o;
		o += 12 + rest;
	}
	uint32_t *q = realloc(b->off, (b->n - b->first + 1) * sizeof(*q));
	if (q)
		b->off = q;
	return NULL;
}

/* Take over data (mapped or malloc'd) and parse it, on top of base when
 * that is not NULL; on failure give it back and say why. */
static struct btf *wrap(const void *data, size_t size, bool mapped, struct btf *base,
			char *err, size_t errlen)
{
	struct btf *b = calloc(1, sizeof(*b));
	if (!b) {
		if (mapped)
			munmap((void *)data, size);
		else
			free((void *)data);
		say(err, errlen, "out of memory");
		return NULL;
	}
	b->p = data;
	b->size = size;
	b->mapped = mapped;
	b->base = base;
	b->first = base ? base->n : 1;
	b->str_first = base ? base->str_first + base->strs_len : 0;
	char why[128];
	const char *msg = parse_blob(b, why, sizeof(why));
	if (msg) {
		say(err, errlen, "%s", msg);
		btf_close(b);
		return NULL;
	}
	return b;
}

struct btf *btf_parse_split(const void *data, size_t size, struct btf *base, char *err,
			    size_t errlen)
{
	/* a copy, so that the caller's buffer may go and btf_close frees
	 * the same way whatever opened it */
	void *p = malloc(size ? size : 1);
	if (!p) {
		say(err, errlen, "out of memory");
		return NULL;
	}
	if (size)
		memcpy(p, data, size);
	return wrap(p, size, false, base, err, errlen);
}

struct btf *btf_parse(const void *data, size_t size, char *err, size_t errlen)
{
	return btf_parse_split(data, size, NULL, err, errlen);
}

/* The whole of fd into a malloc'd buffer: sysfs files say a size but
 * cannot always be mapped. */
static void *slurp(int fd, size_t hint, size_t *size)
{
	size_t cap = hint ? hint + 1 : 65536, n = 0;
	char *p = malloc(cap);
	while (p) {
		if (n == cap) {
			char *q = realloc(p, cap * 2);
			if (!q)
				break;
			p = q;
			cap *= 2;
		}
		ssize_t r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			*size = n;
			return p;
		}
		n += r;
	}
	free(p);
	return NULL;
}

struct btf *btf_open_split(const char *path, struct btf *base, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct btf *b = NULL;
	char buf[200];
	const char *why = buf;
	if (fd < 0 || fstat(fd, &st) < 0) {
		why = strerror(errno);
	} else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX / 2) {
		why = "not a BTF file";
	} else {
		size_t size = st.st_size;
		void *p = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
		bool mapped = p != MAP_FAILED;
		if (!mapped)
			p = slurp(fd, size, &size);
		if (!p)
			why = strerror(errno);
		else
			b = wrap(p, size, mapped, base, buf, sizeof(buf));
	}
	if (fd >= 0)
		close(fd);
	if (!b)
		say(err, errlen, "%s: %s", path, why);
	return b;
}

struct btf *btf_open(const char *path, char *err, size_t errlen)
{
	return btf_open_split(path, NULL, err, errlen);
}

int btf_count(struct btf *b)
{
	return b->n;
}

void btf_close(struct btf *b)
{
	if (!b)
		return;
	if (b->mapped)
		munmap((void *)b->p, b->size);
	else
		free((void *)b->p);
	free(b->off);
	free(b->hash);
	free(b);
}

/* ------------------------------------------------------------ names */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Every named type in one table keyed by name: a slot per type, so
 * several types of one name (struct foo and typedef foo) sit in
 * consecutive probes, in id order. false when out of memory. */
static bool build_hash(struct btf *b)
{
	uint32_t named = 0, cap = 16;
	for (int id = b->first; id < b->n; id++)
		named += *str(b, rd32(b, b->types + b->off[id - b->first])) != 0;
	while (cap < named * 2)
		cap *= 2;
	b->hash = calloc(cap, sizeof(*b->hash));
	if (!b->hash)
		return false;
	b->hmask = cap - 1;
	for (int id = b->first; id < b->n; id++) {
		const char *name = str(b, rd32(b, b->types + b->off[id - b->first]));
		if (!*name)
			continue;
		uint32_t i = hash_str(name) & b->hmask;
		while (b->hash[i])
			i = (i + 1) & b->hmask;
		b->hash[i] = id;
	}
	return true;
}

/* The first of b's own types (not its base's) of that name and kind
 * (kind < 0: any kind). */
static int find_own(struct btf *b, const char *name, int kind)
{
	struct btype t;
	if (!b->hash && (++b->lookups <= HASH_AFTER || !build_hash(b))) {
		/* few lookups yet (or no memory for the table): scan */
		for (int id = b->first; id < b->n; id++)
			if (ty_get(b, id, &t) && (kind < 0 || t.kind == kind) &&
			    !strcmp(str(b, t.name), name))
				return id;
		return -1;
	}
	for (uint32_t i = hash_str(name) & b->hmask; b->hash[i]; i = (i + 1) & b->hmask)
		if (ty_get(b, b->hash[i], &t) && (kind < 0 || t.kind == kind) &&
		    !strcmp(str(b, t.name), name))
			return b->hash[i];
	return -1;
}

/* The base's type of that name first, then ours. */
static int find(struct btf *b, const char *name, int kind)
{
	if (b->base) {
		int id = find(b->base, name, kind);
		if (id >= 0)
			return id;
	}
	return find_own(b, name, kind);
}

int btf_find(struct btf *b, const char *name, int kind)
{
	if (!name || !*name)
		return -1;
	return find(b, name, kind);
}

const char *btf_name(struct btf *b, int id)
{
	struct btype t;
	return ty_get(b, id, &t) ? str(b, t.name) : "";
}

int btf_kind(struct btf *b, int id)
{
	struct btype t;
	if (id == 0)
		return BTF_KIND_UNKN;	/* void */
	return ty_get(b, id, &t) ? t.kind : -1;
}

/* ------------------------------------------------------------ types */

int btf_resolve(struct btf *b, int id)
{
	struct btype t;
	for (int i = 0; i < MAXDEPTH; i++) {
		if (!ty_get(b, id, &t))
			return id == 0 ? 0 : -1;
		switch (t.kind) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			id = t.st;
			break;
		default:
			return id;
		}
	}
	return -1;	/* a loop */
}

/* BTF does not say how big a pointer is: it is the size of the target's
 * long, which vmlinux always has. */
static int ptr_size(struct btf *b)
{
	if (!b->ptr_size) {
		struct btype t;
		int id = find(b, "long unsigned int", BTF_KIND_INT);
		if (id < 0)
			id = find(b, "long int", BTF_KIND_INT);
		b->ptr_size = ty_get(b, id, &t) && (t.st == 4 || t.st == 8) ? (int)t.st
									   : (int)sizeof(void *);
	}
	return b->ptr_size;
}

static int size_of(struct btf *b, int id, int depth)
{
	struct btype t;
	id = btf_resolve(b, id);
	if (depth > MAXDEPTH || !ty_get(b, id, &t))
		return -1;
	switch (t.kind) {
	case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION:
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
	case BTF_KIND_DATASEC:
		return t.st <= INT32_MAX ? (int)t.st : -1;
	case BTF_KIND_PTR:
		return ptr_size(b);
	case BTF_KIND_VAR:
		return size_of(b, t.st, depth + 1);
	case BTF_KIND_ARRAY: {
		uint32_t n = rd32(b, t.rest + offsetof(struct btf_array, nelems));
		int elem = size_of(b, rd32(b, t.rest), depth + 1);
		if (elem < 0 || (uint64_t)elem * n > INT32_MAX)
			return -1;
		return elem * n;
	}
	}
	return -1;	/* void, fwd, func, func_proto, decl_tag */
}

int btf_size(struct btf *b, int id)
{
	return size_of(b, id, 0);
}

int btf_pointee(struct btf *b, int id)
{
	struct btype t;
	if (!ty_get(b, btf_resolve(b, id), &t) || t.kind != BTF_KIND_PTR)
		return -1;
	return t.st < (uint32_t)b->n ? (int)t.st : -1;
}

int btf_array(struct btf *b, int id, int *elem_type, int *nelems)
{
	struct btype t;
	if (!ty_get(b, btf_resolve(b, id), &t) || t.kind != BTF_KIND_ARRAY)
		return -1;
	uint32_t elem = rd32(b, t.rest + offsetof(struct btf_array, type));
	uint32_t n = rd32(b, t.rest + offsetof(struct btf_array, nelems));
	if (elem >= (uint32_t)b->n || n > INT32_MAX)
		return -1;
	*elem_type = elem;
	*nelems = n;
	return 0;
}

/* ------------------------------------------------------------ members */

static int member(struct btf *b, int id, const char *name, long base,
		  long *bit_off, int *bitfield_size, int depth)
{
	struct btype t;
	if (depth > MAXDEPTH || !ty_get(b, btf_resolve(b, id), &t) ||
	    (t.kind != BTF_KIND_STRUCT && t.kind != BTF_KIND_UNION))
		return -1;
	for (int i = 0; i < t.vlen; i++) {
		const uint8_t *m = t.rest + i * sizeof(struct btf_member);
		const char *mname = str(b, rd32(b, m));
		uint32_t type = rd32(b, m + offsetof(struct btf_member, type));
		uint32_t off = rd32(b, m + offsetof(struct btf_member, offset));
		long bits = t.kflag ? BTF_MEMBER_BIT_OFFSET(off) : off;
		int bf = t.kflag ? BTF_MEMBER_BITFIELD_SIZE(off) : 0;
		if (type >= (uint32_t)b->n)
			continue;
		if (!*mname) {
			/* an anonymous struct or union: its members are ours */
			int r = member(b, type, name, base + bits, bit_off,
				       bitfield_size, depth + 1);
			if (r >= 0)
				return r;
			continue;
		}
		if (strcmp(mname, name))
			continue;
		/* Without kind_flag, a bitfield is an int whose encoding has
		 * fewer bits than its size, maybe shifted by an offset. */
		struct btype it;
		if (!t.kflag && ty_get(b, btf_resolve(b, type), &it) &&
		    it.kind == BTF_KIND_INT) {
			uint32_t enc = rd32(b, it.rest);
			if (BTF_INT_BITS(enc) != it.st * 8 || BTF_INT_OFFSET(enc)) {
				bf = BTF_INT_BITS(enc);
				bits += BTF_INT_OFFSET(enc);
			}
		}
		*bit_off = base + bits;
		*bitfield_size = bf;
		return type;
	}
	return -1;
}

int btf_member_type(struct btf *b, int id, int i)
{
	struct btype t;
	if (!ty_get(b, btf_resolve(b, id), &t) || i < 0 || i >= t.vlen ||
	    (t.kind != BTF_KIND_STRUCT && t.kind != BTF_KIND_UNION))
		return -1;
	uint32_t type = rd32(b, t.rest + i * sizeof(struct btf_member) +
			       offsetof(struct btf_member, type));
	return type < (uint32_t)b->n ? (int)type : -1;
}

int btf_member(struct btf *b, int struct_id, const char *name, long *bit_off,
	       int *bitfield_size)
{
	long off = 0;
	int bf = 0;
	int r = member(b, struct_id, name, 0, &off, &bf, 0);
	if (r >= 0) {
		if (bit_off)
			*bit_off = off;
		if (bitfield_size)
			*bitfield_size = bf;
	}
	return r;
}

bool btf_int_signed(struct btf *b, int id)
{
	struct btype t;
	return ty_get(b, btf_resolve(b, id), &t) && t.kind == BTF_KIND_INT &&
	       (BTF_INT_ENCODING(rd32(b, t.rest)) & BTF_INT_SIGNED);
}

/* ------------------------------------------------------------ enums */

/* Enumerators have no type of their own, so this one is a scan of every
 * enum: rare (a constant in a program), and a few ms on vmlinux. */
bool btf_enum_value(struct btf *b, const char *name, int64_t *value)
{
	struct btype t;
	for (int id = 1; id < b->n; id++) {
		if (!ty_get(b, id, &t) || (t.kind != BTF_KIND_ENUM && t.kind != BTF_KIND_ENUM64))
			continue;
		for (int i = 0; i < t.vlen; i++) {
			const uint8_t *e = t.rest + i * records[t.kind].each;
			if (strcmp(str(b, rd32(b, e)), name))
				continue;
			uint32_t v = rd32(b, e + 4);
			if (t.kind == BTF_KIND_ENUM64)
				*value = (int64_t)((uint64_t)rd32(b, e + 8) << 32 | v);
			else	/* kind_flag says signed; unset (and in BTF
				 * older than it) the value is unsigned */
				*value = t.kflag ? (int64_t)(int32_t)v : (int64_t)v;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------ functions */

int btf_func_type(struct btf *b, int func_id)
{
	struct btype t, p;
	if (!ty_get(b, func_id, &t) || t.kind != BTF_KIND_FUNC ||
	    t.st >= (uint32_t)b->n || !ty_get(b, t.st, &p) || p.kind != BTF_KIND_FUNC_PROTO)
		return -1;
	return t.st;
}

/* A variadic function's last parameter has no name and type 0: it is
 * pushed as "..." with type 0. Names are copied to the arena. */
int btf_proto_params(struct btf *b, int proto, struct vec *param_names,
		     struct vec *param_types_as_intptr)
{
	struct btype t;
	if (!ty_get(b, proto, &t) || t.kind != BTF_KIND_FUNC_PROTO || t.st >= (uint32_t)b->n)
		return -1;
	for (int i = 0; i < t.vlen; i++)	/* check all before pushing any */
		if (rd32(b, t.rest + i * sizeof(struct btf_param) + 4) >= (uint32_t)b->n)
			return -1;
	for (int i = 0; i < t.vlen; i++) {
		const uint8_t *p = t.rest + i * sizeof(struct btf_param);
		uint32_t type = rd32(b, p + 4);
		const char *name = str(b, rd32(b, p));
		if (!type && !*name && i == t.vlen - 1)
			name = "...";
		if (param_names)
			vec_push(param_names, xstrdup(name));
		if (param_types_as_intptr)
			vec_push(param_types_as_intptr, (void *)(intptr_t)type);
	}
	return t.st;
}

int btf_func_proto(struct btf *b, const char *func, struct vec *param_names,
		   struct vec *param_types_as_intptr, int *ret_type)
{
	int proto = btf_func_type(b, btf_find(b, func, BTF_KIND_FUNC));
	int ret = proto < 0 ? -1 : btf_proto_params(b, proto, param_names,
						    param_types_as_intptr);
	if (ret < 0)
		return -1;
	if (ret_type)
		*ret_type = ret;
	return 0;
}

/* ------------------------------------------------------------ type names */

/* Text appended to buf[n], always NUL-terminated; len counts what would
 * have been written had it fit, as snprintf does. */
struct sbuf {
	char *p;
	size_t n, len;
	char last;		/* the last character appended */
};

static void put(struct sbuf *s, const char *text)
{
	for (; *text; text++, s->len++) {
		if (s->len + 1 < s->n)
			s->p[s->len] = *text;
		s->last = *text;
	}
	if (s->n)
		s->p[s->len < s->n ? s->len : s->n - 1] = '\0';
}

static bool spell(struct btf *b, int id, struct sbuf *s, int depth);

/* "int (*)(struct sock *, int)": mid is what stands for the name */
static bool proto_str(struct btf *b, const struct btype *t, const char *mid,
		      struct sbuf *s, int depth)
{
	if (!spell(b, t->st, s, depth + 1))
		return false;
	put(s, " ");
	put(s, mid);
	put(s, "(");
	for (int i = 0; i < t->vlen; i++) {
		const uint8_t *p = t->rest + i * sizeof(struct btf_param);
		uint32_t type = rd32(b, p + 4);
		if (i)
			put(s, ", ");
		if (!type && i == t->vlen - 1)
			put(s, "...");
		else if (type >= (uint32_t)b->n || !spell(b, type, s, depth + 1))
			return false;
	}
	put(s, t->vlen ? ")" : "void)");
	return true;
}

static const char *tagged(const char *tag, const char *name)
{
	return *name ? xprintf("%s %s", tag, name) : xprintf("%s {...}", tag);
}

/* C's spelling of a type, in bpftrace's manner: "struct file *",
 * "const char *", "char **", "size_t". Type tags (__rcu, __user) and
 * restrict are left out: C has no words for the first. */
static bool spell(struct btf *b, int id, struct sbuf *s, int depth)
{
	struct btype t, u;
	if (depth > MAXDEPTH)
		return false;
	if (id == 0) {
		put(s, "void");
		return true;
	}
	if (!ty_get(b, id, &t))
		return false;
	const char *name = str(b, t.name);
	switch (t.kind) {
	case BTF_KIND_STRUCT:
		put(s, tagged("struct", name));
		return true;
	case BTF_KIND_UNION:
		put(s, tagged("union", name));
		return true;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		put(s, tagged("enum", name));
		return true;
	case BTF_KIND_FWD:
		put(s, tagged(t.kflag ? "union" : "struct", name));
		return true;
	case BTF_KIND_CONST: case BTF_KIND_VOLATILE: {
		const char *q = t.kind == BTF_KIND_CONST ? "const" : "volatile";
		if (ty_get(b, t.st, &u) && u.kind == BTF_KIND_PTR) {
			/* the pointer itself is qualified: "char * const" */
			if (!spell(b, t.st, s, depth + 1))
				return false;
			put(s, " ");
			put(s, q);
			return true;
		}
		put(s, q);
		put(s, " ");
		return spell(b, t.st, s, depth + 1);
	}
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		return spell(b, t.st, s, depth + 1);
	case BTF_KIND_PTR:
		if (ty_get(b, t.st, &u) && u.kind == BTF_KIND_FUNC_PROTO)
			return proto_str(b, &u, "(*)", s, depth);
		if (!spell(b, t.st, s, depth + 1))
			return false;
		put(s, s->last == '*' ? "*" : " *");
		return true;
	case BTF_KIND_ARRAY: {
		int elem, n;
		if (btf_array(b, id, &elem, &n) < 0 || !spell(b, elem, s, depth + 1))
			return false;
		put(s, xprintf("[%d]", n));
		return true;
	}
	case BTF_KIND_FUNC_PROTO:
		return proto_str(b, &t, "", s, depth);
	}
	put(s, name);	/* int, float, typedef, func, var, datasec */
	return true;
}

int btf_type_str(struct btf *b, int id, char *buf, size_t n)
{
	struct sbuf s = { buf, n, 0, 0 };
	if (n)
		buf[0] = '\0';
	if (!spell(b, id, &s, 0)) {
		if (n)
			buf[0] = '\0';
		return -1;
	}
	return s.len > INT32_MAX ? INT32_MAX : (int)s.len;
}

/* ------------------------------------------------------------ the kernel's */

/* What was read of the kernel's BTF, kept for the process's life (not in
 * the arena: arena_reset must not take it). Modules are named by the
 * files beside vmlinux; each is opened when first asked for. */
struct kmod {
	char *name;
	struct btf *btf;
	bool opened;		/* btf is what opening gave, NULL included */
	int fd;			/* its BTF object in the kernel; 0 until found */
};

static struct {
	const char *dir;	/* where vmlinux and the modules' files are */
	struct btf *vmlinux;
	bool opened;
	char error[320];
	struct kmod *mods;
	int nmods, cap;
	bool listed;		/* every module of dir is in mods, sorted */
} kb;

static const char *kdir(void)
{
	return kb.dir ? kb.dir : "/sys/kernel/btf";
}

struct btf *btf_kernel(void)
{
	if (kb.opened)
		return kb.vmlinux;
	kb.opened = true;
	char *path = xprintf("%s/vmlinux", kdir());
	kb.vmlinux = btf_open(path, kb.error, sizeof(kb.error));
	if (kb.vmlinux)
		kb.vmlinux->kname = "vmlinux";
	if (!kb.vmlinux && access(path, F_OK) < 0 && errno == ENOENT) {
		size_t n = strlen(kb.error);
		snprintf(kb.error + n, sizeof(kb.error) - n,
			 " (the kernel was built without CONFIG_DEBUG_INFO_BTF)");
	}
	return kb.vmlinux;
}

const char *btf_kernel_error(void)
{
	return kb.error;
}

/* The cache entry of module mod, made when new; NULL when out of memory. */
static struct kmod *kmod_get(const char *mod)
{
	for (int i = 0; i < kb.nmods; i++)
		if (!strcmp(kb.mods[i].name, mod))
			return &kb.mods[i];
	if (kb.nmods == kb.cap) {
		int cap = kb.cap ? 2 * kb.cap : 64;
		struct kmod *m = realloc(kb.mods, cap * sizeof(*m));
		if (!m)
			return NULL;
		kb.mods = m;
		kb.cap = cap;
	}
	char *name = strdup(mod);
	if (!name)
		return NULL;
	kb.mods[kb.nmods] = (struct kmod){ .name = name };
	return &kb.mods[kb.nmods++];
}

static struct btf *kmod_open(struct kmod *m)
{
	if (!m->opened) {
		m->opened = true;
		if (btf_kernel())
			m->btf = btf_open_split(xprintf("%s/%s", kdir(), m->name),
						kb.vmlinux, NULL, 0);
		if (m->btf)
			m->btf->kname = m->name;
	}
	return m->btf;
}

/* A file name that can only be one in the directory: no path tricks. */
static bool module_name(const char *mod)
{
	return *mod && !strchr(mod, '/') && strcmp(mod, ".") && strcmp(mod, "..");
}

struct btf *btf_module(const char *mod)
{
	if (!strcmp(mod, "vmlinux"))
		return btf_kernel();
	if (!module_name(mod))
		return NULL;
	struct kmod *m = kmod_get(mod);
	return m ? kmod_open(m) : NULL;
}

static int cmp_kmod(const void *a, const void *b)
{
	return strcmp(((const struct kmod *)a)->name, ((const struct kmod *)b)->name);
}

/* Every module with BTF into kb.mods, by name (once). A directory that
 * cannot be read has none. */
static void list_modules(void)
{
	if (kb.listed)
		return;
	kb.listed = true;
	DIR *d = opendir(kdir());
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux"))
			kmod_get(e->d_name);
	closedir(d);
	if (kb.nmods)
		qsort(kb.mods, kb.nmods, sizeof(*kb.mods), cmp_kmod);
}

int btf_kernel_find(const char *name, int kind, struct btf **where)
{
	struct btf *k = btf_kernel();
	if (!k || !name || !*name)
		return -1;
	int id = find(k, name, kind);
	if (id >= 0) {
		*where = k;
		return id;
	}
	list_modules();
	for (int i = 0; i < kb.nmods; i++) {
		struct btf *b = kmod_open(&kb.mods[i]);
		/* only the module's own types: vmlinux's just missed */
		if (b && (id = find_own(b, name, kind)) >= 0) {
			*where = b;
			return id;
		}
	}
	return -1;
}

struct hit {
	const char *name;
	int id;
};

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static void push_hit(struct btf *b, int id, struct vec *btfs, struct vec *ids)
{
	vec_push(btfs, b);
	vec_push(ids, (void *)(intptr_t)id);
}

/* b's own types of that kind whose names match glob, by name, one a name
 * (static functions of one name in several files: the first id). */
static void match_own(struct btf *b, int kind, const char *glob, struct vec *btfs,
		      struct vec *ids)
{
	if (!has_wild(glob)) {
		int id = find_own(b, glob, kind);
		if (id >= 0)
			push_hit(b, id, btfs, ids);
		return;
	}
	struct btype t;
	struct hit *h = NULL;
	int n = 0, cap = 0;
	for (int id = b->first; id < b->n; id++) {
		if (!ty_get(b, id, &t) || t.kind != kind || !glob_match(glob, str(b, t.name)))
			continue;
		if (n == cap) {
			int ncap = cap ? 2 * cap : 64;
			h = xrealloc(h, cap * sizeof(*h), ncap * sizeof(*h));
			cap = ncap;
		}
		h[n++] = (struct hit){ str(b, t.name), id };
	}
	if (n)
		qsort(h, n, sizeof(*h), cmp_hit);
	for (int i = 0; i < n; i++)
		if (!i || strcmp(h[i - 1].name, h[i].name))
			push_hit(b, h[i].id, btfs, ids);
}

int btf_kernel_match(const char *mod_glob, int kind, const char *name_glob,
		     struct vec *btfs, struct vec *ids_as_intptr)
{
	struct btf *k = btf_kernel();
	if (!k)
		return -1;
	int start = ids_as_intptr->n;
	/* a plain name asked of every BTF: the first that has it */
	bool first_only = !mod_glob && !has_wild(name_glob);
	if (!mod_glob || glob_match(mod_glob, "vmlinux")) {
		match_own(k, kind, name_glob, btfs, ids_as_intptr);
		if (first_only && ids_as_intptr->n > start)
			return 1;
	}
	if (mod_glob && !has_wild(mod_glob)) {
		struct btf *b = strcmp(mod_glob, "vmlinux") ? btf_module(mod_glob) : NULL;
		if (b)
			match_own(b, kind, name_glob, btfs, ids_as_intptr);
		return ids_as_intptr->n - start;
	}
	list_modules();
	for (int i = 0; i < kb.nmods; i++) {
		struct kmod *m = &kb.mods[i];
		if (mod_glob && !glob_match(mod_glob, m->name))
			continue;
		struct btf *b = kmod_open(m);
		if (b)
			match_own(b, kind, name_glob, btfs, ids_as_intptr);
		if (first_only && ids_as_intptr->n > start)
			break;
	}
	return ids_as_intptr->n - start;
}

const char *btf_module_name(struct btf *b)
{
	return b ? b->kname : NULL;
}

/* The info BPF_OBJ_GET_INFO_BY_FD gives of a BTF object, written out:
 * name and kernel_btf (5.11, with module BTF) are newer than some headers
 * wisp builds with. */
struct btf_obj_info {
	uint64_t btf;
	uint32_t btf_size, id;
	uint64_t name;
	uint32_t name_len, kernel_btf;
} __attribute__((aligned(8)));

/* Is fd the kernel's BTF object named mod? */
static bool obj_named(int fd, const char *mod)
{
	char name[64] = "";
	struct btf_obj_info info;
	union bpf_attr attr;
	memset(&info, 0, sizeof(info));
	info.name = (uint64_t)(uintptr_t)name;
	info.name_len = sizeof(name);
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
		return false;
	name[sizeof(name) - 1] = '\0';
	return info.kernel_btf && !strcmp(name, mod);
}

/* Walk the kernel's BTF objects for mod's; its fd, or -errno. */
static int obj_fd(const char *mod)
{
	union bpf_attr attr;
	uint32_t id = 0;
	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		int r = sys_bpf(BPF_BTF_GET_NEXT_ID, &attr);
		if (r < 0)
			return r;	/* -ENOENT past the last one */
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.btf_id = id;
		int fd = sys_bpf(BPF_BTF_GET_FD_BY_ID, &attr);
		if (fd == -ENOENT)
			continue;	/* gone since: a module unloaded */
		if (fd < 0)
			return fd;
		if (obj_named(fd, mod))
			return fd;
		close(fd);
	}
}

/* The fd is kept open, and shared, for the process's life: a wildcard
 * over a module's functions loads a program per function with it. */
int btf_module_fd(const char *mod)
{
	struct kmod *m = kmod_get(mod);
	if (!m)
		return -ENOMEM;
	if (!m->fd)
		m->fd = obj_fd(mod);
	if (m->fd == 0) {
		/* stdin was closed: 0 would say vmlinux to the kernel */
		m->fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		if (m->fd < 0)
			m->fd = -errno;
		close(0);
	}
	return m->fd;
}

/* Tests: read dir (vmlinux and modules' files) instead of
 * /sys/kernel/btf, NULL for that again; forgets everything read. */
void btf_kernel_set_dir(const char *dir)
{
	btf_close(kb.vmlinux);
	for (int i = 0; i < kb.nmods; i++) {
		btf_close(kb.mods[i].btf);
		if (kb.mods[i].fd > 0)
			close(kb.mods[i].fd);
		free(kb.mods[i].name);
	}
	free(kb.mods);
	free((char *)kb.dir);
	memset(&kb, 0, sizeof(kb));
	kb.dir = dir ? strdup(dir) : NULL;
}
