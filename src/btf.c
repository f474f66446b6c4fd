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
 * Split BTF (a module's, whose ids continue vmlinux's) is not read yet.
 */
#include "wisp.h"
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define MAXDEPTH 32		/* typedef chains, nested anonymous members */
#define HASH_AFTER 8		/* linear lookups before the name table is built */

struct btf {
	const uint8_t *p;	/* the whole blob */
	size_t size;
	bool mapped;		/* munmap, else free */
	bool swap;		/* written in the other byte order */
	const uint8_t *types;	/* the type section */
	uint32_t types_len;
	const char *strs;	/* the string section: starts and ends with NUL */
	uint32_t strs_len;
	uint32_t *off;		/* off[id]: where type id starts in types; [0] is void */
	int n;			/* ids 0 .. n-1 */
	uint32_t *hash;		/* name -> id, open addressing, 0 = empty; lazy */
	uint32_t hmask;
	int lookups;		/* made so far, to decide when to build it */
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
	const uint8_t *p = b->types + b->off[id];
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
 * ends in NUL, so any offset inside it is a whole string). */
static const char *str(const struct btf *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : "";
}

/* Bytes of the records that follow a type of this kind with vlen entries;
 * -1 for a kind this reader does not know (so cannot step over). */
static long rest_size(int kind, int vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC: case BTF_KIND_FLOAT: case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	}
	return -1;
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
	if (!str_len || b->strs[0] || b->strs[str_len - 1])
		return "string section does not start and end with NUL";

	int cap = 1024;
	b->off = malloc(cap * sizeof(*b->off));
	if (!b->off)
		return "out of memory";
	b->off[0] = 0;
	b->n = 1;
	for (uint32_t o = 0; o < type_len;) {
		if (type_len - o < 12) {
			snprintf(why, whylen, "type %d truncated", b->n);
			return why;
		}
		uint32_t info = rd32(b, b->types + o + 4);
		long rest = rest_size(BTF_INFO_KIND(info), BTF_INFO_VLEN(info));
		if (rest < 0) {
			snprintf(why, whylen, "type %d has unknown kind %d",
				 b->n, (int)BTF_INFO_KIND(info));
			return why;
		}
		if ((uint64_t)type_len - o - 12 < (uint64_t)rest) {
			snprintf(why, whylen, "type %d truncated", b->n);
			return why;
		}
		if (rd32(b, b->types + o) >= str_len) {
			snprintf(why, whylen, "type %d has its name outside the strings", b->n);
			return why;
		}
		if (b->n == cap) {
			if (cap > INT32_MAX / 2)
				return "too many types";
			uint32_t *q = realloc(b->off, 2 * cap * sizeof(*q));
			if (!q)
				return "out of memory";
			b->off = q;
			cap *= 2;
		}
		b->off[b->n++] = o;
		o += 12 + rest;
	}
	uint32_t *q = realloc(b->off, b->n * sizeof(*q));
	if (q)
		b->off = q;
	return NULL;
}

/* Take over data (mapped or malloc'd) and parse it; on failure give it
 * back and say why. */
static struct btf *wrap(const void *data, size_t size, bool mapped,
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
	char why[128];
	const char *msg = parse_blob(b, why, sizeof(why));
	if (msg) {
		say(err, errlen, "%s", msg);
		btf_close(b);
		return NULL;
	}
	return b;
}

struct btf *btf_parse(const void *data, size_t size, char *err, size_t errlen)
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
	return wrap(p, size, false, err, errlen);
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

struct btf *btf_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		say(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX / 2) {
		say(err, errlen, "%s: not a BTF file", path);
		close(fd);
		return NULL;
	}
	void *p = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)
			     : MAP_FAILED;
	struct btf *b;
	char why[200];
	if (p != MAP_FAILED) {
		close(fd);
		b = wrap(p, st.st_size, true, why, sizeof(why));
	} else {
		size_t size = 0;
		p = slurp(fd, st.st_size, &size);
		int e = errno;
		close(fd);
		if (!p) {
			say(err, errlen, "%s: %s", path, strerror(e));
			return NULL;
		}
		b = wrap(p, size, false, why, sizeof(why));
	}
	if (!b)
		say(err, errlen, "%s: %s", path, why);
	return b;
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
	for (int id = 1; id < b->n; id++)
		named += *str(b, rd32(b, b->types + b->off[id])) != 0;
	while (cap < named * 2)
		cap *= 2;
	b->hash = calloc(cap, sizeof(*b->hash));
	if (!b->hash)
		return false;
	b->hmask = cap - 1;
	for (int id = 1; id < b->n; id++) {
		const char *name = str(b, rd32(b, b->types + b->off[id]));
		if (!*name)
			continue;
		uint32_t i = hash_str(name) & b->hmask;
		while (b->hash[i])
			i = (i + 1) & b->hmask;
		b->hash[i] = id;
	}
	return true;
}

/* The first type of that name and kind (kind < 0: any kind). */
static int find(struct btf *b, const char *name, int kind)
{
	struct btype t;
	if (!b->hash && (++b->lookups <= HASH_AFTER || !build_hash(b))) {
		/* few lookups yet (or no memory for the table): scan */
		for (int id = 1; id < b->n; id++)
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

/* ------------------------------------------------------------ enums */

/* Enumerators have no type of their own, so this one is a scan of every
 * enum: rare (a constant in a program), and a few ms on vmlinux. */
bool btf_enum_value(struct btf *b, const char *name, int64_t *value)
{
	struct btype t;
	for (int id = 1; id < b->n; id++) {
		if (!ty_get(b, id, &t))
			continue;
		if (t.kind == BTF_KIND_ENUM) {
			for (int i = 0; i < t.vlen; i++) {
				const uint8_t *e = t.rest + i * sizeof(struct btf_enum);
				if (strcmp(str(b, rd32(b, e)), name))
					continue;
				uint32_t v = rd32(b, e + 4);
				/* kind_flag says signed; unset (and in BTF
				 * older than it) the value is unsigned */
				*value = t.kflag ? (int64_t)(int32_t)v : (int64_t)v;
				return true;
			}
		} else if (t.kind == BTF_KIND_ENUM64) {
			for (int i = 0; i < t.vlen; i++) {
				const uint8_t *e = t.rest + i * sizeof(struct btf_enum64);
				if (strcmp(str(b, rd32(b, e)), name))
					continue;
				*value = (int64_t)((uint64_t)rd32(b, e + 8) << 32 | rd32(b, e + 4));
				return true;
			}
		}
	}
	return false;
}

/* ------------------------------------------------------------ functions */

/* A variadic function's last parameter has no name and type 0: it is
 * pushed as "..." with type 0. Names are copied to the arena. */
int btf_func_proto(struct btf *b, const char *func, struct vec *param_names,
		   struct vec *param_types_as_intptr, int *ret_type)
{
	struct btype t;
	int id = btf_find(b, func, BTF_KIND_FUNC);
	if (!ty_get(b, id, &t) || !ty_get(b, t.st, &t) || t.kind != BTF_KIND_FUNC_PROTO)
		return -1;
	if (t.st >= (uint32_t)b->n)
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
	if (ret_type)
		*ret_type = t.st;
	return 0;
}
