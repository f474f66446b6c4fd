/* wisp.h - the one header every stage shares.
 *
 * The program flows through the stages in this order, one file each:
 *
 *   text -> lex.c -> parse.c -> AST -> sema.c -> codegen.c -> asm.c (insns)
 *        -> bpf.c (maps, load) -> provider/ (attach) -> run.c (events)
 *        -> output.c / printf.c (bpftrace's text and JSON output)
 *
 * Everything the compiler allocates comes from one arena (util.c) so that a
 * compile can be thrown away whole; the fuzzer relies on that.
 */
#ifndef WISP_H
#define WISP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#define WISP_STRLEN 64		/* bytes of a string value, NUL included (bpftrace's default) */
#define WISP_MAP_ENTRIES 4096	/* default max entries of a map */
#define WISP_STACK 512		/* the BPF stack */
#define WISP_MAX_INSNS 1000000	/* the kernel's limit for one program (5.2+, privileged) */
#define WISP_STACK_ENTRIES 1024	/* stack ids a stack trace map holds: ~1 MB at 127 frames */
#define WISP_STACK_DEPTH 127	/* frames of kstack/ustack (the kernel's default maximum) */

/* ---------------------------------------------------------------- util.c */

void *xalloc(size_t n);			/* zeroed, from the arena; never NULL */
void *xrealloc(void *p, size_t old, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void arena_reset(void);			/* frees everything xalloc'd */

/* A growable array of pointers, arena-allocated. */
struct vec {
	void **v;
	int n, cap;
};
void vec_push(struct vec *v, void *p);

bool glob_match(const char *pat, const char *s);	/* '*' and '?' */
bool has_wild(const char *s);	/* does s use them? */
/* a one-line reason into err[errlen] (err may be NULL): the readers' errors */
void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --------------------------------------------------------------- error.c */

/* The text being compiled. name is the file name, or "stdin" for a program
 * given on the command line (as bpftrace says). */
struct source {
	const char *name;
	const char *text;
};
extern struct source *cur_src;

/* A span in cur_src: byte offset and length. line:col are computed when an
 * error is printed. */
struct loc {
	int off, len;
};

/* "file:line:col: error: msg", the source line, a caret (and ~ under the
 * rest of the span), then exit(1) -- or longjmp(*error_jmp) when set. */
_Noreturn void error_at(struct loc l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void warn_at(struct loc l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "wisp: error: msg" for errors with no place in the program; exit(1). */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void loc_linecol(struct loc l, int *line, int *col);
extern jmp_buf *error_jmp;
extern FILE *err_out;		/* where diagnostics go: stderr (tests redirect) */
FILE *eout(void);		/* err_out, else stderr */
extern int verbose;

/* ----------------------------------------------------------------- lex.c */

enum tkind {
	TK_EOF,
	TK_INT,		/* ival */
	TK_STR,		/* str/slen: decoded bytes, escapes applied */
	TK_IDENT,	/* also keywords: if else while unroll return ... */
	TK_VAR,		/* $name: s = "$name" */
	TK_MAP,		/* @name or a lone @: s = "@name" / "@" */
	TK_PARAM,	/* $1 .. $N: ival = N */
	TK_NPARAMS,	/* $# */
	TK_PUNCT,	/* s = the punctuator: "->", "<<=", "{", ... */
	TK_SPEC,	/* a probe spec, read by lex_spec(): s = its text */
};

struct token {
	enum tkind kind;
	struct loc loc;
	const char *s;		/* NUL-terminated text of ident/punct/var/map/spec */
	uint64_t ival;
	const char *str;	/* TK_STR: decoded bytes (NUL-terminated too) */
	int slen;
};

struct lexer {
	const char *p;		/* next character */
	const char *start;	/* cur_src->text */
	const char *mp, *mend;	/* the rest of a #define's expansion, if any */
	bool in_macro;
};
void lex_init(struct lexer *lx, struct source *src);
struct token lex_next(struct lexer *lx);	/* a normal token */
void lex_forget_defines(void);			/* parse() starts with none */
struct token lex_spec(struct lexer *lx);	/* a probe spec, or a normal token
						   ('{', EOF, ...) if none starts here */

/* ----------------------------------------------------------------- AST */

enum nkind {
	/* expressions */
	N_INT,		/* ival */
	N_STR,		/* str, slen */
	N_BUILTIN,	/* name: "pid", "comm", "args", "arg0", "retval", ... */
	N_VAR,		/* name: "$x" */
	N_MAP,		/* name: "@m" or "@"; args/nargs: the keys (0 = scalar) */
	N_PARAM,	/* $N: ival = N */
	N_NPARAMS,	/* $# */
	N_CALL,		/* name, args/nargs; a bare aggregation like count() too */
	N_BINOP,	/* op, lhs, rhs */
	N_UNOP,		/* op (OP_NEG, OP_NOT, OP_BNOT), lhs */
	N_COND,		/* cond ? then : els */
	N_CAST,		/* (name) lhs: name = "uint8", "u8", "int64", ... */
	N_FIELD,	/* lhs->name (arrow) or lhs.name */
	N_INDEX,	/* lhs[rhs] */
	N_TUPLE,	/* (args...) with nargs >= 2 */
	N_SIZEOF,	/* sizeof(name) when name != NULL, else sizeof(lhs) */
	N_OFFSETOF,	/* offsetof(name, str): str is the member path "a.b" */
	N_ASSIGN,	/* lhs (N_VAR or N_MAP) op= rhs; op = OP_NONE for plain '=' */
	N_INCDEC,	/* lhs ++/--: op = OP_ADD or OP_SUB, post = postfix */
	/* statements */
	N_EXPR,		/* lhs; */
	N_IF,		/* if (cond) then [else els] ; els may be another N_IF */
	N_WHILE,	/* while (cond) body */
	N_UNROLL,	/* unroll (ival) body */
	N_RETURN,	/* return; */
	N_BLOCK,	/* { args... } */
	N_PROBE,	/* specs; cond = filter or NULL; body (N_BLOCK) */
};

enum op {
	OP_NONE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
	OP_LAND, OP_LOR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_NEG, OP_NOT, OP_BNOT,
	OP_DEREF, OP_ADDR,	/* unary * and & */
};

struct type;
struct map;
struct var;

struct spec {			/* one probe spec of a probe, as written */
	const char *text;
	struct loc loc;
};

struct node {
	enum nkind kind;
	struct loc loc;		/* the spot an error about this node points at */
	enum op op;
	bool post;		/* N_INCDEC: x++ rather than ++x */
	bool arrow;		/* N_FIELD: -> rather than . */
	struct node *lhs, *rhs;
	struct node *cond, *then, *els, *body;
	struct node **args;	/* call args, map keys, tuple elements, block statements */
	int nargs;
	const char *name;
	uint64_t ival;
	const char *str;
	int slen;
	struct spec *specs;	/* N_PROBE */
	int nspecs;

	/* filled in by sema.c */
	struct type *type;
	struct map *map;	/* N_MAP, and the map of a map-assignment */
	struct var *var;	/* N_VAR */
	int aid;		/* index into prog->actions (printf, print, ...) */
	bool cacc;		/* a C access: member, element or *p of a C type;
				   ival is the byte offset (members) or the
				   element size (index) */
	int bitoff, bitsz;	/* a bitfield member: bits from ival's byte, width */
};

struct program {
	struct node **probes;	/* N_PROBE nodes in source order */
	int nprobes;
	struct loc *decls;	/* C declarations (struct, union, enum, typedef) */
	int ndecls;
};

/* parse.c */
struct program *parse(struct source *src);
/* ast.c: the typed tree, for -d */
void ast_dump(FILE *f, struct program *p);
const char *op_str(enum op op);

/* --------------------------------------------------------------- types */

enum ty {
	TY_NONE,	/* statements, void calls */
	TY_INT,		/* size 1,2,4,8; sign */
	TY_STR,		/* size bytes, NUL-terminated within */
	TY_BUF,		/* size = 1 + n: u8 length, then n bytes (buf(), %r) */
	TY_TUPLE,	/* elems[i] at offs[i]; size includes padding */
	TY_INET,	/* 24 bytes: u64 address family, 16 address bytes (ntop) */
	TY_CTX,		/* the `args` of a tracepoint: fields come from the attach */
	TY_TSTAMP,	/* strftime(): 8 bytes ns (CLOCK_MONOTONIC, as nsecs); fmt in .fmt */
	TY_CREF,	/* a C struct, union or array in memory, known by its address
			   (btf/cid; never stored: its members are read) */
	TY_STACK,	/* kstack/ustack: u64 stack id | pid << 32 (ustack); smap */
	TY_KSYM,	/* ksym(addr): u64 address, printed as the kernel symbol */
	TY_USYM,	/* usym(addr): u64 address, u64 pid; printed as the symbol */
	/* map values written by aggregations; see "Map layout" below */
	TY_COUNT, TY_SUM, TY_MIN, TY_MAX, TY_AVG, TY_STATS, TY_HIST, TY_LHIST,
};

struct type {
	enum ty kind;
	int size;		/* bytes in BPF memory */
	bool sign;		/* TY_INT, and TY_SUM/MIN/MAX/AVG/STATS of signed values */
	int nelems;		/* TY_TUPLE */
	struct type **elems;
	int *offs;
	int64_t lmin, lmax, lstep;	/* TY_LHIST */
	const char *fmt;	/* TY_TSTAMP: strftime format */
	/* C types, from BTF or the script's declarations (types.c). A TY_INT
	 * with ptrs > 0 is a typed pointer: to btf's type cid through ptrs
	 * levels (btf NULL: to an integer of cid bytes, signed if psign). A
	 * TY_CREF is the object btf/cid itself. */
	struct btf *btf;
	int cid, ptrs;
	bool psign;
	bool user;		/* what it points to (or is) is in user memory */
	/* TY_STACK */
	bool ustack;
	int depth;		/* frames */
	int smode;		/* STACK_BPFTRACE, STACK_PERF, STACK_RAW */
	struct map *smap;	/* the stack trace map it indexes */
};
enum { STACK_BPFTRACE, STACK_PERF, STACK_RAW };

/* C types (types.c). The script's declarations come first, then the
 * kernel's BTF, which is opened only when a type is asked for. */
void ctype_decls(struct program *ast);	/* reads the script's declarations */
/* A cast's or sizeof's type text ("struct sock *", "unsigned int",
 * "uint32 *", "struct x"); NULL when it names no known type (error_at for
 * a struct the kernel and the script both lack). */
struct type *ctype_parse(const char *text, struct loc loc);
/* The language type of a value of C type id in b: integers, typed
 * pointers, char arrays as strings, other aggregates as TY_CREF. */
struct type *ctype_of(struct btf *b, int id, bool user, struct loc loc);
/* base.name (base a TY_CREF struct/union or a pointer to one): the
 * member's type; *bitoff is its offset in bits, *bitsz its width when a
 * bitfield (else 0). error_at when there is no such member. */
struct type *ctype_member(struct type *base, const char *name, struct loc loc, long *bitoff,
			  int *bitsz);
/* base[i] and *base: the element's type and size */
struct type *ctype_elem(struct type *base, struct loc loc, int *esize);
int ctype_size(struct type *t);		/* bytes of a TY_CREF, or what a pointer points to */
bool ctype_enum(const char *name, int64_t *v);	/* an enumerator of the script or the kernel */
const char *ctype_name(struct type *t);	/* "struct sock *" */

struct type *type_int(int size, bool sign);
struct type *type_str(int size);
struct type *type_tuple(struct type **elems, int n);	/* lays out, C alignment */
bool type_eq(const struct type *a, const struct type *b);
const char *type_name(const struct type *t);		/* "uint64", "string[64]", ... */
int type_align(const struct type *t);
bool ty_is_agg(enum ty k);

/* ------------------------------------------------------------- maps
 *
 * Map layout in the kernel (decoded by output.c):
 *  - every map is a BPF hash map; a map with no keys uses one u64 key of 0.
 *  - the key is the key type's bytes (a tuple when there are several keys);
 *    hist and lhist maps append a u64 bucket index to the user's key.
 *  - aggregations use per-CPU hash maps (exact counts without atomics; the
 *    arm32 JIT has none); output.c sums the CPUs. Per-CPU value of:
 *      count, sum:  u64 / s64
 *      min, max:    { s64 value; u64 set; }   set = 1 once a value was seen
 *      avg, stats:  { s64 count; s64 total; }
 *      hist, lhist: u64 count of the bucket
 *  - plain `@m = expr` maps are ordinary hash maps with the value's bytes.
 *
 * Buckets: hist(v): index 0 holds v < 0, index 1 holds v == 0, and index
 *  k >= 2 holds 2^(k-2) <= v < 2^(k-1)  ([1], [2, 4), [4, 8) ...).
 *  lhist(v, min, max, step): index 0 holds v < min, index 1 + (v-min)/step
 *  for min <= v < max, index 1 + (max-min)/step holds v >= max.
 */
struct map {
	const char *name;	/* "@m", or "@" */
	struct loc loc;		/* first mention */
	struct type *key;	/* NULL when the map has no keys */
	bool key_known;		/* sema: key type fixed (key may still be NULL) */
	struct type *val;	/* value type: TY_COUNT.. or a plain type */
	int key_size;		/* as created in the kernel (bucket included) */
	int val_size;		/* one CPU's value */
	bool percpu;
	int max_entries;
	int fd;			/* -1 until created */
	int id;			/* index in prog->maps; the events map's id is prog->maps.n */
	bool stack;		/* a stack trace map: depth frames of val_size / 8 */
	bool ustack;
	bool pids;		/* the pids already noted (A_PIDNOTE), not printed */
	bool scratch;		/* a per-CPU array of one entry (key u32 0): room for records
				   too big for the stack (join); not a user map, never printed */
	bool syscalls;		/* the array of a dispatched syscalls probe (struct
				   probe's sysmap), keyed by syscall number - sysbase */
	int sysbase;
};

/* ------------------------------------------------------------ actions
 *
 * Everything a BPF program asks user space to do travels as a perf-buffer
 * record: a u64 action id (index into prog->actions) followed by the
 * arguments laid out at offs[] (relative to the start of the record).
 */
enum act {
	A_PRINTF,	/* fmt, args */
	A_PRINT_MAP,	/* map, top, div */
	A_PRINT_VAL,	/* print(value): args[0] */
	A_CLEAR,	/* map */
	A_ZERO,		/* map */
	A_EXIT,		/* args[0] = exit code (int), if nargs */
	A_TIME,		/* fmt (strftime format, default "%H:%M:%S\n") */
	A_CAT,		/* fmt, args: the file name */
	A_SYSTEM,	/* fmt, args: the command line */
	A_JOIN,		/* args[0]: TY_STR array of nelems, delim in fmt */
	A_PIDNOTE,	/* args[0]: a pid whose user addresses the program keeps
			   (ustack, usym): its mappings are read while it lives */
};

struct action {
	enum act kind;
	struct loc loc;
	const char *fmt;
	int nargs;
	struct type **types;
	int *offs;
	int size;		/* bytes of the whole record */
	struct map *map;
	int64_t top, div;
};

/* ---------------------------------------------------- printf.c */

/* Check a printf/system/cat format against the argument types. Returns NULL
 * when fine, else a message; *bad_arg is set to the argument index at
 * fault (or -1 for the format itself). */
const char *fmt_check(const char *fmt, struct type **types, int n, int *bad_arg);
/* Format a record's arguments (types[i] at data + offs[i]) like printf. */
void fmt_print(FILE *out, const char *fmt, struct type **types, const int *offs,
	       int n, const uint8_t *data);
/* Added to a TY_TSTAMP's nanoseconds to make them wall-clock time: run.c
 * sets it to CLOCK_REALTIME - CLOCK_MONOTONIC (nsecs is monotonic). */
extern int64_t tstamp_offset;
/* Print one value as bpftrace prints map keys and values: ints in decimal,
 * strings bare, tuples "(a, b)", inet as an address. */
void val_print(FILE *out, const struct type *t, const uint8_t *data);

/* ---------------------------------------------------- output.c */

enum outfmt { OUT_TEXT, OUT_JSON };
extern enum outfmt out_format;
extern FILE *out;		/* -o FILE, else stdout */

/* One entry of a map as read from the kernel: key bytes (bucket index
 * included for hist maps) and the value summed over CPUs into the
 * single-CPU layout. */
struct entry {
	uint8_t *key;
	uint8_t *val;
};
/* Print a map from its entries in bpftrace's layout; used by print(@m),
 * at exit, and by the unit tests with synthetic entries. top/div as
 * print(@m, top, div): 0 means all / no division. */
void map_print(FILE *f, struct map *m, struct entry *e, int n, int64_t top, int64_t div);
void json_str(FILE *f, const char *s, size_t n);	/* a JSON string literal */
/* kstack/ustack, ksym, usym values as text (bpftrace's layout) */
void sym_print(FILE *f, const struct type *t, const uint8_t *data);
extern bool opt_folded;	/* -f folded: stack-keyed maps as flame graph input */
/* {"type": "printf", "data": "..."} etc. from text produced in text mode */
void json_printf(FILE *f, const char *text, size_t n);

/* ------------------------------------------------------- asm.c */

/* An instruction stream under construction. Jumps go to labels, which are
 * resolved by asm_finish(). Each instruction remembers the source spot it
 * was generated for, so verifier errors can point at the program line. */
struct asm_ {
	struct bpf_insn *insn;
	struct loc *iloc;	/* per instruction */
	int n, cap;
	int *label;		/* label -> insn index, -1 = unbound */
	int nlabel, caplabel;
	struct loc cur;		/* stamped on each emitted instruction */
};
typedef struct asm_ Asm;

enum {
	R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10
};

void asm_init(Asm *a);
int asm_label(Asm *a);			/* a new unbound label */
void asm_bind(Asm *a, int label);	/* the label is the next instruction */
void asm_finish(Asm *a);		/* patch jump offsets; fatal on an unbound label */

/* op is a BPF_ADD.. BPF_ARSH / BPF_MOV constant; size is BPF_B/H/W/DW */
void e_alu64_imm(Asm *a, int op, int dst, int32_t imm);
void e_alu64_reg(Asm *a, int op, int dst, int src);
void e_alu32_imm(Asm *a, int op, int dst, int32_t imm);
void e_alu32_reg(Asm *a, int op, int dst, int src);
void e_mov_imm(Asm *a, int dst, int32_t imm);	/* 64-bit, sign-extended */
void e_mov_reg(Asm *a, int dst, int src);
void e_neg(Asm *a, int dst);
void e_endian(Asm *a, int dst, int bits, bool to_be);	/* bswap-ish: BPF_END */
void e_ld_imm64(Asm *a, int dst, uint64_t imm);
void e_ld_map(Asm *a, int dst, int mapfd);	/* BPF_PSEUDO_MAP_FD */
void e_ldx(Asm *a, int size, int dst, int src, int16_t off);
void e_stx(Asm *a, int size, int dst, int16_t off, int src);
void e_st_imm(Asm *a, int size, int dst, int16_t off, int32_t imm);
void e_xadd(Asm *a, int size, int dst, int16_t off, int src);	/* lock *(dst+off) += src */
void e_jmp_imm(Asm *a, int op, int dst, int32_t imm, int label);	/* op: BPF_JEQ.. */
void e_jmp_reg(Asm *a, int op, int dst, int src, int label);
void e_ja(Asm *a, int label);
void e_call(Asm *a, int helper);	/* BPF_FUNC_* */
void e_exit(Asm *a);

/* Disassemble in the kernel verifier's notation, one instruction a line:
 * "   3: (79) r1 = *(u64 *)(r10 -8)". Map loads print "map[fd:N]"
 * unless mapname(fd) gives a name. Returns the number of lines. */
int disasm(FILE *f, const struct bpf_insn *insn, int n,
	   const char *(*mapname)(int fd));
const char *helper_name(int id);

/* ------------------------------------------------------- bpf.c
 * Thin, checked wrappers over bpf(2) and perf_event_open(2). Each returns
 * the fd or 0 on success, -errno on failure (never exits). */
int sys_bpf(int cmd, union bpf_attr *attr);
int bpf_map_create(enum bpf_map_type type, int key_size, int val_size,
		   int max_entries, uint32_t flags, const char *name);
int bpf_map_lookup(int fd, const void *key, void *val);
int bpf_map_update(int fd, const void *key, const void *val, uint64_t flags);
int bpf_map_delete(int fd, const void *key);
int bpf_map_next_key(int fd, const void *key, void *next);	/* key NULL = first */
/* log receives the verifier log (may be NULL); log_size its capacity.
 * tr: a BPF_PROG_TYPE_TRACING program's target (btf_id ...), else NULL. */
struct attach;
int bpf_prog_load(enum bpf_prog_type type, const struct bpf_insn *insn, int n,
		  const char *name, char *log, size_t log_size, const struct attach *tr);
int bpf_prog_test_run(int progfd, void *ctx, size_t ctx_size);	/* BEGIN/END */
int bpf_raw_tp_open(const char *name, int progfd);
int perf_event_open_(struct perf_event_attr *attr, int pid, int cpu, int group, unsigned long flags);
int perf_attach_bpf(int evfd, int progfd);	/* SET_BPF + ENABLE */
int ncpus_possible(void);	/* from /sys/devices/system/cpu/possible */
int ncpus_online_list(int *cpus, int max);	/* online CPU numbers */

/* ------------------------------------------------------ perfbuf.c
 * The per-CPU perf ring buffers events arrive through. */
struct perfbuf;
/* pages: data pages per CPU (power of two); watermark: bytes before wakeup */
struct perfbuf *perfbuf_open(int mapfd, int pages, int watermark);
/* Wait up to timeout_ms, then hand every complete sample to cb.
 * Returns the number of samples, or -errno. Lost records are added up. */
int perfbuf_poll(struct perfbuf *pb, int timeout_ms,
		 void (*cb)(void *ctx, const void *data, int size), void *ctx);
uint64_t perfbuf_lost(struct perfbuf *pb);	/* total lost so far */
void perfbuf_close(struct perfbuf *pb);

/* ------------------------------------------------------- tracefs.c */
const char *tracefs_dir(void);		/* found or mounted; fatal with a reason if neither */
struct tp_field {
	const char *name;
	const char *ctype;	/* as written in the format file: "const char *" */
	int off, size;
	bool sign;
	bool data_loc;		/* __data_loc: u32 (len << 16 | offset) */
	bool is_str;		/* char array, __data_loc char[], or char pointer */
	bool is_ptr;		/* a pointer (user or kernel memory: see user_ptr) */
	bool user_ptr;		/* a __user pointer (syscall string args) */
	int array_len;		/* >0 for fixed arrays: elements */
};
struct tp_format {
	const char *cat, *name;
	int id;
	struct tp_field *fields;	/* common_* fields excluded */
	int nfields;
};
/* "cat", "name" -> parsed format; NULL (errno set) when absent */
struct tp_format *tp_format_read(const char *cat, const char *name);
struct tp_format *tp_format_parse(const char *text);	/* for unit tests */
/* Every "cat:name" matching the two globs, sorted. */
int tp_list(const char *catpat, const char *namepat, struct vec *out);

/* ------------------------------------------------------- providers
 *
 * A provider is one file in src/provider/. It turns the part of a probe
 * spec after "name:" into attach points (expanding wildcards), says what
 * its probes know (tracepoint args, registers), and attaches a loaded
 * program.
 */
struct probe;

struct attach {
	struct probe *probe;
	const char *name;	/* canonical full name: "tracepoint:sched:sched_switch" */
	const char *target;	/* provider part: "sched:sched_switch", "s:1" */
	struct tp_format *fmt;	/* tracepoint args, else NULL */
	uint64_t period;	/* interval/profile/software: perf sample period or freq */
	bool freq;		/* period is a frequency */
	int config;		/* software event: PERF_COUNT_SW_* */
	int prog;		/* index into probe->progs */
	bool raw;		/* a tracepoint attached as a raw tracepoint: cheaper to
				   run and to release; only when `args` is not read */
	int *fds;		/* kernel objects held for this attach */
	int nfds;
	/* kprobe, uprobe, usdt */
	const char *func;	/* the symbol probed ("vfs_read"), NULL for an address */
	const char *path;	/* uprobe/usdt: the ELF file */
	uint64_t off;		/* kprobe: offset into func (or the address when func is
				   NULL); uprobe/usdt: offset in the file */
	uint64_t ref_ctr;	/* usdt: file offset of the semaphore, 0 if none */
	bool ret;		/* kretprobe/uretprobe */
	struct usdt_arg *uargs;	/* usdt: the note's arguments, decoded */
	int nuargs;		/* -1: could not be decoded (uargs_error says why) */
	const char *uargs_error;
	char *tfs_event;	/* "wisp_PID/name" when made through {k,u}probe_events */
	bool optional;		/* a wildcard's match: failing to attach it is a warning */
	bool dispatched;	/* a syscall served by its probe's sysmap program ... */
	int sysnr;		/* ... under this number */
	struct loc loc;		/* the spec it came from */
	/* typed arguments from BTF (kfunc, rawtracepoint; kprobe args by name) */
	struct btf *btf;	/* where proto lives: vmlinux's or a module's BTF */
	int proto;		/* its FUNC_PROTO id; 0 = none known */
	int proto_skip;		/* leading parameters that are not the probe's
				   (a raw tracepoint's `void *__data`) */
	/* kfunc/kretfunc: what the load needs (BPF_PROG_TYPE_TRACING) */
	int btf_id;		/* attach_btf_id: the FUNC's id */
	int btf_obj_fd;		/* a module's BTF object fd, 0 for vmlinux */
	int attach_type;	/* BPF_TRACE_FENTRY / BPF_TRACE_FEXIT */
};

/* A USDT argument as the note's spec describes it ("-4@%edi", "8@-8(%rbp)",
 * "4@[sp, 16]", "-4@$5", "8@(%rax,%rdx,8)"): a constant, a register, or memory
 * at base register + disp (+ index register * scale). Register offsets are
 * into the probed task's struct pt_regs (the arch table's). */
enum usdt_kind { UA_CONST, UA_REG, UA_MEM };
struct usdt_arg {
	enum usdt_kind kind;
	int size;		/* 1, 2, 4, 8 */
	bool sign;
	int reg;		/* pt_regs offset of the (base) register */
	int index;		/* pt_regs offset of the index register, or -1 */
	int scale;
	int64_t val;		/* the constant, or the displacement */
};
/* provider/usdt.c: decode one note's argument string for this architecture;
 * false with a reason in err when a spec cannot be decoded. */
bool usdt_parse_args(const char *spec, struct usdt_arg **out, int *n, char *err, size_t errlen);

/* What a provider's probes know, beyond the builtins every probe has. */
enum {
	PC_REGS = 1,		/* the context is the probed code's pt_regs: argN, sargN, reg() */
	PC_RET = 2,		/* a return probe: retval */
	PC_USER = 4,		/* the probed code runs in user space */
	PC_USDT = 8,		/* argN are the USDT note's arguments */
	PC_CTXARGS = 16,	/* the context is a u64 array of the arguments
				   (kfunc, rawtracepoint): argN is ctx[N] */
};

struct provider {
	const char *name;	/* "tracepoint" */
	const char *alias;	/* "t", or NULL */
	enum bpf_prog_type prog_type;
	unsigned caps;		/* PC_* */
	/* Expand rest (the spec after "name:") into attaches pushed on out;
	 * error_at(loc) when it is malformed or matches nothing. */
	void (*expand)(struct probe *p, const char *rest, struct loc loc, struct vec *out);
	/* Attach a loaded program. 0; 1 when an optional attach was skipped
	 * (with a warning); or -errno with a message already said. */
	int (*attach)(struct attach *a, int progfd);
	/* Release what attach made (also on error paths). */
	void (*detach)(struct attach *a);
	/* -l: print matching probe names ("tracepoint:cat:name"); verbose adds args */
	void (*list)(const char *pattern, bool verbose);
};

/* provider.c: the table (NULL-terminated), lookup by spec prefix
 * ("tracepoint", "t", "BEGIN"). *rest points into spec after the first ':'. */
const struct provider *provider_find(const char *spec, const char **rest);
extern const struct provider *const providers[];
/* Teardown of many attaches: several closes at once (the kernel takes
 * 25-50 ms per tracepoint event, and threads overlap half of that). */
void provider_detach_all(struct vec *attaches);
/* shared by the providers */
bool provider_uint(const char *s, uint64_t *v);	/* "99", "1_000", "0x10", "1e6" */
void provider_time_spec(struct attach *a, const char *prov, const char *rest,
			struct loc loc, bool hz_freq);	/* "s:1", "hz:99", "1s" */
bool provider_list_match(const struct provider *p, const char *pattern, const char *name);
int provider_perf_open(struct attach *a, int progfd, struct perf_event_attr *attr, bool every_cpu);
void provider_close_fds(struct attach *a);
/* kprobes and uprobes: through the dynamic PMUs, else tracefs entries */
bool provider_force_tracefs(void);	/* WISP_FORCE_TRACEFS=1 */
struct perf_event_attr provider_event_attr(uint32_t type, uint64_t config);
int provider_attach_end(struct attach *a, int r, const char *why);	/* 0, 1 skipped, or exits */
int provider_attach_fd(struct attach *a, int fd, const char *why);	/* keeps fd, then as above */
int provider_pmu(const char *pmu, const char *fmt, int *bit);
int provider_perf_try(struct attach *a, int progfd, struct perf_event_attr *attr, int pid);
int provider_dyn_create(struct attach *a, const char *file, char kind, const char *def);
int provider_dyn_open(struct attach *a, int progfd, int id, int pid);
void provider_dyn_remove(struct attach *a);
/* uprobe/uretprobe/usdt: attach a->path at a->off (with a->ref_ctr) through
 * the uprobe PMU, else uprobe_events; -p limits it to opt_pid. */
int provider_uprobe_attach(struct attach *a, int progfd);
void provider_uprobe_detach(struct attach *a);

extern const struct provider prov_begin, prov_end, prov_tracepoint,
	prov_interval, prov_profile, prov_software,
	prov_kprobe, prov_kretprobe, prov_uprobe, prov_uretprobe, prov_usdt,
	prov_kfunc, prov_kretfunc, prov_rawtracepoint;

/* ---------------------------------------------------------------- elf.c
 * wisp's own ELF reader: what uprobes and USDT need of an executable or a
 * shared object. 32- and 64-bit, either byte order, whatever wisp's own. */
struct elf;
struct elf_sym {
	const char *name;
	uint64_t addr;		/* st_value: ARM Thumb functions have bit 0 set */
	uint64_t size;
	bool func;		/* STT_FUNC or STT_GNU_IFUNC */
};
struct usdt_note {
	const char *provider, *name;
	const char *args;	/* the argument specs: "-4@%edi 8@-8(%rbp)" */
	uint64_t pc;		/* the probe's address, prelink-adjusted (.stapsdt.base) */
	uint64_t sem;		/* the semaphore's address, 0 if none */
};
/* NULL with a one-line reason in err ("not an ELF file", "truncated ...") */
struct elf *elf_open(const char *path, char *err, size_t errlen);
void elf_close(struct elf *e);
int elf_machine(const struct elf *e);	/* e_machine: EM_X86_64, EM_ARM ... */
bool elf_is64(const struct elf *e);
bool elf_big_endian(const struct elf *e);
/* The defined symbols with a name and an address (.symtab and .dynsym,
 * deduplicated), pushed on out as struct elf_sym *, sorted by name.
 * Returns how many, or -1 with errno set. */
int elf_symbols(struct elf *e, struct vec *out);
/* A virtual address -> its offset in the file, through the PT_LOAD segment
 * that holds it; false when none does. */
bool elf_vaddr_off(const struct elf *e, uint64_t vaddr, uint64_t *off);
/* The reverse: a file offset -> the virtual address it is loaded at. */
bool elf_off_vaddr(const struct elf *e, uint64_t off, uint64_t *vaddr);
/* The .note.stapsdt notes, as struct usdt_note *; how many, or -1. */
int elf_usdt_notes(struct elf *e, struct vec *out);
/* Where uprobe:NAME:... lives: an absolute or relative path as is; a name
 * without '/' looked up in the libraries the dynamic linker would use
 * ("libc" -> .../libc.so.6, through /etc/ld.so.cache and the default
 * directories) and in $PATH; with pid > 0, first in that process's
 * mappings (/proc/PID/maps). NULL with a reason in err. */
const char *elf_find(const char *name, int pid, char *err, size_t errlen);

/* ----------------------------------------------------------- syscalls.c
 * The syscall numbers of the target wisp was built for, taken from the
 * __NR_* macros of the UAPI headers at build time. */
/* "openat" (as in syscalls:sys_enter_openat) -> its number, or -1. Knows
 * the event names that differ from the __NR_ ones ("newstat" -> stat). */
int syscall_nr(const char *name);
const char *syscall_name(int nr);	/* the __NR_ name, or NULL */

/* ---------------------------------------------------------------- btf.c
 * wisp's own reader of BTF, the kernel's type information. Type ids are
 * BTF's own (0 is void); kinds are BTF_KIND_* of <linux/btf.h>. A blob in
 * either byte order is read; a malformed one gives an error, never a crash. */
struct btf;
/* e.g. /sys/kernel/btf/vmlinux; NULL with a one-line reason in err */
struct btf *btf_open(const char *path, char *err, size_t errlen);
struct btf *btf_parse(const void *data, size_t size, char *err, size_t errlen);	/* copies data */
void btf_close(struct btf *b);
int btf_find(struct btf *b, const char *name, int kind);	/* first id of that name and kind, or -1 */
int btf_resolve(struct btf *b, int id);	/* through typedef/const/volatile/restrict/type_tag; -1 on a loop */
int btf_size(struct btf *b, int id);	/* bytes (after resolving); -1 for void, func, fwd */
const char *btf_name(struct btf *b, int id);	/* "" if anonymous */
int btf_kind(struct btf *b, int id);	/* BTF_KIND_*; -1 for no such id */
/* A member of a struct/union (or a typedef of one) by name, looked for in
 * anonymous inner structs/unions too: its type id, its bit offset from the
 * start of struct_id, and its bit size when a bitfield (0 if not). -1 if
 * none. */
int btf_member(struct btf *b, int struct_id, const char *name, long *bit_off,
	       int *bitfield_size);
int btf_member_type(struct btf *b, int id, int i);	/* the i-th member's type; -1 past the last */
bool btf_enum_value(struct btf *b, const char *name, int64_t *value);	/* ENUM and ENUM64 */
bool btf_int_signed(struct btf *b, int id);	/* an INT with BTF_INT_SIGNED */
int btf_func_type(struct btf *b, int func_id);	/* a FUNC's FUNC_PROTO id; -1 otherwise */
/* A FUNC_PROTO's parameters as btf_func_proto gives them; returns the
 * return type id (0 = void), -1 when proto is not a FUNC_PROTO. */
int btf_proto_params(struct btf *b, int proto, struct vec *param_names,
		     struct vec *param_types_as_intptr);
int btf_pointee(struct btf *b, int id);	/* PTR: the pointed-to id (unresolved); -1 otherwise */
int btf_array(struct btf *b, int id, int *elem_type, int *nelems);	/* ARRAY: 0; -1 otherwise */
/* FUNC by name -> its prototype: the parameters' names (arena copies; a
 * variadic tail is "..." of type 0) and type ids pushed as intptr_t, and
 * the return type (0 = void). 0, or -1 when there is no such function. */
int btf_func_proto(struct btf *b, const char *func, struct vec *param_names,
		   struct vec *param_types_as_intptr, int *ret_type);

/* Split BTF (a module's: its ids and strings continue base's) on top of
 * base; ids below base's count are base's. */
struct btf *btf_open_split(const char *path, struct btf *base, char *err, size_t errlen);
struct btf *btf_parse_split(const void *data, size_t size, struct btf *base, char *err,
			    size_t errlen);
int btf_count(struct btf *b);	/* ids 0 .. count-1 (base's included) */
/* The running kernel's BTF, opened on first use (a program that needs no
 * types never reads it): /sys/kernel/btf/vmlinux. NULL when the kernel has
 * none; btf_kernel_error() then says why in one line. */
struct btf *btf_kernel(void);
const char *btf_kernel_error(void);
/* A module's BTF (/sys/kernel/btf/MOD, split on vmlinux's), opened once;
 * NULL when absent. */
struct btf *btf_module(const char *mod);
/* A named type (or FUNC) of that kind in vmlinux, then in each module's
 * BTF: its id, and *where the BTF it is in. -1 when none has it. */
int btf_kernel_find(const char *name, int kind, struct btf **where);
/* The fd of a module's BTF object in the kernel (for attach_btf_obj_fd),
 * found by name through BPF_BTF_GET_NEXT_ID; -errno when not found. */
int btf_module_fd(const char *mod);	/* kept open: do not close it */
/* C's spelling of a type as bpftrace prints it ("struct file *", "const
 * char *"); the length as snprintf gives it, -1 for a bad id */
int btf_type_str(struct btf *b, int id, char *buf, size_t n);
/* "vmlinux" for btf_kernel()'s, the module's name for btf_module()'s,
 * NULL for other BTF */
const char *btf_module_name(struct btf *b);
/* Types of that kind whose names match name_glob, in vmlinux (if mod_glob
 * matches "vmlinux") and in each module whose name matches mod_glob (NULL
 * = all): vmlinux first, then modules by name, sorted by name, one per
 * name. A plain name with mod_glob NULL stops at the first BTF that has
 * it. Pushes btf and id (intptr_t) onto two parallel vecs; the count, or
 * -1 when the kernel has no BTF. */
int btf_kernel_match(const char *mod_glob, int kind, const char *name_glob,
		     struct vec *btfs, struct vec *ids_as_intptr);
void btf_kernel_set_dir(const char *dir);	/* tests: not /sys/kernel/btf (NULL: it again) */

/* --------------------------------------------------------------- cdecl.c
 * C struct, union, enum and typedef declarations written in a script (as
 * bpftrace tools carry them for kernels without BTF), laid out by the C
 * ABI of a target with the given word size (4 or 8) and byte order, and
 * returned as BTF, so the rest of wisp sees one kind of type whatever its
 * source. decls are the spans of cur_src that parse() found to hold
 * declarations; errors go through error_at(). NULL when n == 0. */
struct btf *cdecl_parse(const struct loc *decls, int n, int word, bool big_endian);
extern bool cdecl_kernel_types;	/* tests: false keeps the kernel's BTF out of layouts */
extern int cdecl_abi_arm;	/* tests: ARM's rule for unnamed bitfields (1), others' (0),
				   or -1: the configured architecture's */

/* ----------------------------------------------------------------- sym.c
 * Symbols for addresses: the kernel's from /proc/kallsyms, read on first
 * use; a process's from the ELF symbol tables of the files it maps. */
/* Kernel: the symbol holding addr and the offset into it; NULL if none. */
const char *ksym_lookup(uint64_t addr, uint64_t *off);
bool ksym_addr(const char *name, uint64_t *addr);	/* kaddr("name") */
/* Which file the kernel reads (tests point it at a fixture); resets. */
void ksym_set_path(const char *path);
/* User: the function holding addr in process pid, the offset into it and
 * the file it is in; NULL if unknown (*file may still be set). */
const char *usym_lookup(int pid, uint64_t addr, uint64_t *off, const char **file);
/* Read pid's mappings now (/proc/PID/maps) so that its addresses can be
 * resolved after it exits; cheap when already read. */
void usym_note_pid(int pid);
/* Forget pid's mappings (it exec'd): the next lookup reads them again. */
void usym_forget_pid(int pid);

/* ------------------------------------------------------ arch/
 * One table per architecture (chosen at configure time). */
struct arch {
	const char *name;
	int word;		/* bytes in a long */
	bool big_endian;
	int nargs;		/* arguments passed in registers */
	int arg[8];		/* pt_regs offsets of those arguments */
	int ret, ip, sp, fp;	/* pt_regs offsets */
	int sarg;		/* offset from sp, at function entry, of the first
				   argument passed on the stack (sarg0) */
	const char *syscall_prefix;	/* "__x64_sys_" */
	int sysarg[6];		/* pt_regs offsets of a syscall's arguments: a
				   wrapper's (prefix != "sys_") arg0 points at them */
	bool no_div64;		/* the kernel's JIT refuses 64-bit division (arm32:
				   ENOTSUPP, no fallback to the interpreter) */
	const char *const *regnames;	/* reg("name"), with offsets in regoffs */
	const int *regoffs;
	int nregs;
};
extern const struct arch arch;

/* -------------------------------------------------- the program */

struct probe {
	struct node *node;	/* N_PROBE */
	int index;
	const struct provider *prov;	/* of the first spec (all specs of one probe share a kind) */
	struct vec attaches;	/* struct attach * */
	bool per_attach;	/* one program per attach (uses args/probe/func) */
	bool uses_args;		/* reads the tracepoint's formatted record */
	struct vec progs;	/* struct bpfprog * */
	struct vec vars;	/* struct var *: the probe's scratch variables */
	/* Many syscalls:sys_{enter,exit}_* events: one program on raw_syscalls,
	 * which feeds them all, picks the traced syscalls by number from this
	 * array (value: the probe name, "" when not traced). One attachment
	 * instead of hundreds: the kernel releases each in 25-100 ms. */
	struct map *sysmap;
	struct tp_format *sysraw;	/* raw_syscalls:sys_enter (or sys_exit) ... */
	const struct tp_field *sysid;	/* ... and its `id` field */
	bool sysopen;		/* attach: its perf event is open */
	int pidnote;		/* the A_PIDNOTE action (ustack, usym), or -1 */
};

struct var {
	const char *name;	/* "$x" */
	struct loc loc;
	struct type *type;
	int off;		/* codegen: stack slot (from r10) */
};

struct bpfprog {
	struct probe *probe;
	struct attach *attach;	/* the attach it was specialised for, or the first */
	Asm a;
	int fd;
	enum bpf_prog_type type;
};

struct prog {
	struct program *ast;
	struct vec probes;	/* struct probe * */
	struct vec maps;	/* struct map * */
	struct vec actions;	/* struct action * */
	struct map *events;	/* the perf event array, if any action exists */
	int nparams;		/* positional parameters given */
	char **params;
	bool unsafe;
};

/* sema.c: "arg3" with prefix "arg" -> 3 (0..63) */
bool argn(const char *name, const char *prefix, int *k);
/* sema.c: is a a kprobe on a syscall wrapper (arg0.. read through pt_regs)? */
bool syscall_wrapper(const struct attach *a);
/* sema.c: resolve names and types, collect maps and actions, expand probes */
struct prog *sema(struct program *ast, int nparams, char **params, bool unsafe);
const char *param_text(struct prog *p, uint64_t i);	/* $i, "" when not given */
/* codegen.c: build each probe's instructions (no kernel objects needed) */
void codegen(struct prog *p);
/* run.c: create maps, load, attach, run the event loop, print at exit */
int run(struct prog *p);
/* run.c: a program's name in messages and -d: its attach point when it was
 * made for one, else the probe as written */
const char *prog_title(struct bpfprog *bp);

/* options shared by stages */
extern bool opt_quiet;
extern bool opt_dry_run;
extern int opt_pid;		/* -p */
extern int opt_cpid;		/* -c child's pid */
extern int opt_perf_pages;	/* perf buffer pages per CPU */

#endif
