/* codegen.c - typed AST to eBPF instructions.
 *
 * One program per probe (or per attach point when the probe reads `args`
 * or `probe`, whose layout or value differs between attach points).
 *
 * Registers: r6 holds the context for the whole program; r7-r9 hold integer
 * temporaries, since helper calls clobber r0-r5; r0-r5 are used only between
 * calls. When r7-r9 run out, the left operand is spilled to the stack.
 * Integers are always held as full 64-bit values, sign- or zero-extended by
 * their type. Everything else (strings, tuples, keys, records) lives on the
 * 512-byte stack, allocated like a stack and released per statement.
 *
 * Maps are referred to by their id (index in prog->maps); run.c replaces the
 * ids with file descriptors once the maps exist.
 */
#include "wisp.h"
#include "compat.h"
#include <string.h>
#include <stdlib.h>
#include <time.h>

static struct prog *P;
static struct probe *PR;
static struct attach *AT;
static Asm *A;
static int sp;			/* bytes of stack in use */
static bool rbusy[11];
static int lexit;		/* label of the epilogue */
static bool dispatching;	/* a dispatched syscalls program (syscall_filter) ... */
static int sysname_slot;	/* ... keeps its array entry's address here */
static uint64_t start_ns;	/* for elapsed */

static int gen_int(struct node *n);
static int gen_stack(struct node *n);
static void gen_store(struct node *n, int off, struct type *dt);
static void stmt(struct node *n);
static void block(struct node *b);

/* ------------------------------------------------------------ resources */

static int salloc(int size)
{
	sp = (sp + size + 7) & ~7;
	if (sp > WISP_STACK)
		error_at(A->cur, "this probe needs more than the %d bytes of stack the kernel allows",
			 WISP_STACK);
	return -sp;
}

static int ralloc(void)
{
	for (int r = R7; r <= R9; r++)
		if (!rbusy[r]) {
			rbusy[r] = true;
			return r;
		}
	error_at(A->cur, "expression too complex (out of registers)");
}

static void rfree(int r)
{
	rbusy[r] = false;
}

static int nfree(void)
{
	return !rbusy[R7] + !rbusy[R8] + !rbusy[R9];
}

static int bpf_size(int bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	default: return BPF_DW;
	}
}

/* r = r10 + off */
static void stack_ptr(int r, int off)
{
	e_mov_reg(A, r, R10);
	e_alu64_imm(A, BPF_ADD, r, off);
}

static void ld_map(int r, struct map *m)
{
	e_ld_map(A, r, m->id);
}

/* Zero [off, off+size) of the stack with the widest aligned stores. */
static void zero(int off, int size)
{
	int end = off + size;
	while (off < end) {
		int w = 8;
		while (w > 1 && ((off & (w - 1)) || off + w > end))
			w >>= 1;
		e_st_imm(A, bpf_size(w), R10, off, 0);
		off += w;
	}
}

/* Copy n bytes between memory at src_reg+soff and dst_reg+doff, in the widest
 * chunks both sides' alignment allows (the verifier insists on aligned
 * stack access). */
static void copy(int dreg, int doff, int sreg, int soff, int n)
{
	int i = 0;
	while (i < n) {
		int w = 8;
		while (w > 1 && (((doff + i) & (w - 1)) || ((soff + i) & (w - 1)) || i + w > n))
			w >>= 1;
		e_ldx(A, bpf_size(w), R0, sreg, soff + i);
		e_stx(A, bpf_size(w), dreg, doff + i, R0);
		i += w;
	}
}

/* Store literal bytes, zero-padded to size. */
static void store_bytes(int off, const char *s, int n, int size)
{
	if (n > size)
		n = size;
	int i = 0;
	while (i < size) {
		int w = 8;
		while (w > 1 && (((off + i) & (w - 1)) || i + w > size))
			w >>= 1;
		uint64_t v = 0;
		for (int k = 0; k < w; k++) {
			unsigned char c = i + k < n ? (unsigned char)s[i + k] : 0;
			if (arch.big_endian)
				v |= (uint64_t)c << (8 * (w - 1 - k));
			else
				v |= (uint64_t)c << (8 * k);
		}
		if (w == 8 && (int64_t)v != (int32_t)v) {
			e_ld_imm64(A, R0, v);
			e_stx(A, BPF_DW, R10, off + i, R0);
		} else {
			e_st_imm(A, bpf_size(w), R10, off + i, (int32_t)v);
		}
		i += w;
	}
}

static void mov_const(int r, uint64_t v)
{
	if ((int64_t)v == (int32_t)v)
		e_mov_imm(A, r, (int32_t)v);
	else
		e_ld_imm64(A, r, v);
}

/* Extend the low `size` bytes of r to 64 bits by sign. */
static void extend(int r, int size, bool sign)
{
	if (size >= 8)
		return;
	if (sign) {
		e_alu64_imm(A, BPF_LSH, r, 64 - 8 * size);
		e_alu64_imm(A, BPF_ARSH, r, 64 - 8 * size);
	} else if (size == 4) {
		e_alu32_reg(A, BPF_MOV, r, r);
	} else {
		e_alu64_imm(A, BPF_AND, r, (1 << (8 * size)) - 1);
	}
}

static void call(int helper)
{
	e_call(A, helper);
}

/* ------------------------------------------------------------------ maps */

/* Build a map's key on the stack; returns its offset. bucket_reg >= 0 adds
 * the hist bucket index after the user's key. */
static int gen_key(struct node *mn, struct map *m, int bucket_reg)
{
	int off = salloc(m->key_size);
	int ukey = bucket_reg >= 0 ? m->key_size - 8 : m->key_size;
	if (!m->key) {
		if (bucket_reg < 0)
			e_st_imm(A, BPF_DW, R10, off, 0);
	} else if (mn->nargs == 1) {
		if (m->key->size < ukey)
			zero(off + m->key->size, ukey - m->key->size);
		gen_store(mn->args[0], off, m->key);
	} else {
		struct type *kt = m->key;
		zero(off, ukey);
		for (int i = 0; i < mn->nargs; i++)
			gen_store(mn->args[i], off + kt->offs[i], kt->elems[i]);
	}
	if (bucket_reg >= 0)
		e_stx(A, BPF_DW, R10, off + ukey, bucket_reg);
	return off;
}

static void lookup(struct map *m, int koff)
{
	ld_map(R1, m);
	stack_ptr(R2, koff);
	call(BPF_FUNC_map_lookup_elem);
}

static void update(struct map *m, int koff, int voff, int flags)
{
	ld_map(R1, m);
	stack_ptr(R2, koff);
	stack_ptr(R3, voff);
	e_mov_imm(A, R4, flags);
	call(BPF_FUNC_map_update_elem);
}

/* r0 = pointer to the entry at key koff, created zeroed if absent; jumps to
 * `fail` when the map is full. */
static void lookup_or_init(struct map *m, int koff, int fail)
{
	int have = asm_label(A);
	lookup(m, koff);
	e_jmp_imm(A, BPF_JNE, R0, 0, have);
	int voff = salloc(m->val_size);
	zero(voff, m->val_size);
	update(m, koff, voff, BPF_NOEXIST);
	lookup(m, koff);
	e_jmp_imm(A, BPF_JEQ, R0, 0, fail);
	asm_bind(A, have);
}

/* ilog2-style bucket of hist(): 0 for v < 0, 1 for 0, 2 + floor(log2 v). */
static void hist_bucket(int dst, int v)
{
	int neg = asm_label(A), zero_ = asm_label(A), done = asm_label(A);
	e_jmp_imm(A, BPF_JSLT, v, 0, neg);
	e_jmp_imm(A, BPF_JEQ, v, 0, zero_);
	e_mov_reg(A, R1, v);
	e_mov_imm(A, dst, 2);
	for (int s = 32; s; s >>= 1) {
		int skip = asm_label(A);
		e_mov_reg(A, R2, R1);
		e_alu64_imm(A, BPF_RSH, R2, s);
		e_jmp_imm(A, BPF_JEQ, R2, 0, skip);
		e_mov_reg(A, R1, R2);
		e_alu64_imm(A, BPF_ADD, dst, s);
		asm_bind(A, skip);
	}
	e_ja(A, done);
	asm_bind(A, neg);
	e_mov_imm(A, dst, 0);
	e_ja(A, done);
	asm_bind(A, zero_);
	e_mov_imm(A, dst, 1);
	asm_bind(A, done);
}

/* dst = dst / src or dst % src (op BPF_DIV or BPF_MOD), unsigned 64-bit,
 * x / 0 = 0 and x % 0 = x as in BPF. src < 0: the immediate imm.
 * Where the kernel's JIT has no 64-bit division (arch.no_div64: arm32),
 * operands that fit in 32 bits use the 32-bit instruction, which it has,
 * and the others a long division, one bit at a time. It needs three
 * registers of R0-R5 besides dst and src (four for an immediate); `busy`
 * marks the ones the caller keeps (a bit per register). */
static void div64(int op, int dst, int src, int32_t imm, unsigned busy)
{
	if (!arch.no_div64) {
		if (src < 0)
			e_alu64_imm(A, op, dst, imm);
		else
			e_alu64_reg(A, op, dst, src);
		return;
	}
	int t[4], n = 0;
	busy |= 1u << dst;
	if (src >= 0)
		busy |= 1u << src;
	for (int r = R0; r <= R5 && n < 4; r++)
		if (!(busy & (1u << r)))
			t[n++] = r;
	if (n < (src < 0 ? 4 : 3))
		error_at(A->cur, "internal: no registers for a 64-bit division");
	int d = src, q = t[0], rem = t[1], x = t[2];
	if (src < 0) {
		d = t[3];
		e_mov_imm(A, d, imm);
	}
	int slow = asm_label(A), done = asm_label(A);
	e_jmp_imm(A, BPF_JEQ, d, 0, op == BPF_DIV ? slow : done);	/* x/0 = 0 below */
	e_mov_reg(A, x, dst);
	e_alu64_imm(A, BPF_RSH, x, 32);
	e_jmp_imm(A, BPF_JNE, x, 0, slow);
	e_mov_reg(A, x, d);
	e_alu64_imm(A, BPF_RSH, x, 32);
	e_jmp_imm(A, BPF_JNE, x, 0, slow);
	e_alu32_reg(A, op, dst, d);
	e_ja(A, done);
	asm_bind(A, slow);
	e_mov_imm(A, q, 0);
	e_mov_imm(A, rem, 0);
	int zero_d = asm_label(A);
	e_jmp_imm(A, BPF_JEQ, d, 0, zero_d);
	for (int i = 63; i >= 0; i--) {
		int skip = asm_label(A);
		e_alu64_imm(A, BPF_LSH, rem, 1);
		e_mov_reg(A, x, dst);
		e_alu64_imm(A, BPF_RSH, x, i);
		e_alu64_imm(A, BPF_AND, x, 1);
		e_alu64_reg(A, BPF_OR, rem, x);
		e_jmp_reg(A, BPF_JLT, rem, d, skip);
		e_alu64_reg(A, BPF_SUB, rem, d);
		if (i < 31) {
			e_alu64_imm(A, BPF_OR, q, 1 << i);
		} else {
			e_mov_imm(A, x, 1);
			e_alu64_imm(A, BPF_LSH, x, i);
			e_alu64_reg(A, BPF_OR, q, x);
		}
		asm_bind(A, skip);
	}
	asm_bind(A, zero_d);
	e_mov_reg(A, dst, op == BPF_DIV ? q : rem);
	asm_bind(A, done);
}

static void lhist_bucket(int dst, int v, struct type *t)
{
	int below = asm_label(A), above = asm_label(A), done = asm_label(A);
	e_mov_reg(A, R1, v);
	if (t->lmin) {
		e_ld_imm64(A, R2, (uint64_t)t->lmin);
		e_jmp_reg(A, BPF_JSLT, R1, R2, below);
	} else {
		e_jmp_imm(A, BPF_JSLT, R1, 0, below);
	}
	e_ld_imm64(A, R2, (uint64_t)t->lmax);
	e_jmp_reg(A, BPF_JSGE, R1, R2, above);
	if (t->lmin) {
		e_ld_imm64(A, R2, (uint64_t)t->lmin);
		e_alu64_reg(A, BPF_SUB, R1, R2);
	}
	e_ld_imm64(A, R2, (uint64_t)t->lstep);
	if ((uint64_t)(t->lmax - t->lmin) <= UINT32_MAX)
		e_alu32_reg(A, BPF_DIV, R1, R2);	/* 0 <= R1 < lmax - lmin */
	else
		div64(BPF_DIV, R1, R2, 0, 1u << dst | 1u << v);
	e_alu64_imm(A, BPF_ADD, R1, 1);
	e_mov_reg(A, dst, R1);
	e_ja(A, done);
	asm_bind(A, below);
	e_mov_imm(A, dst, 0);
	e_ja(A, done);
	asm_bind(A, above);
	mov_const(dst, 1 + (uint64_t)((t->lmax - t->lmin) / t->lstep));
	asm_bind(A, done);
}

/* @m[k] = count() / sum(v) / ... : exact per-CPU updates in place. */
static void gen_aggregate(struct node *assign)
{
	struct node *mn = assign->lhs, *fn = assign->rhs;
	struct map *m = assign->map;
	struct type *t = m->val;
	int mark = sp;
	int v = -1, b = -1;
	if (t->kind != TY_COUNT)
		v = gen_int(fn->args[0]);
	if (t->kind == TY_HIST || t->kind == TY_LHIST) {
		b = ralloc();
		if (t->kind == TY_HIST)
			hist_bucket(b, v);
		else
			lhist_bucket(b, v, t);
	}
	int koff = gen_key(mn, m, b);
	int end = asm_label(A);
	lookup_or_init(m, koff, end);
	switch (t->kind) {
	case TY_COUNT:
	case TY_HIST:
	case TY_LHIST:
		e_ldx(A, BPF_DW, R1, R0, 0);
		e_alu64_imm(A, BPF_ADD, R1, 1);
		e_stx(A, BPF_DW, R0, 0, R1);
		break;
	case TY_SUM:
		e_ldx(A, BPF_DW, R1, R0, 0);
		e_alu64_reg(A, BPF_ADD, R1, v);
		e_stx(A, BPF_DW, R0, 0, R1);
		break;
	case TY_AVG:
	case TY_STATS:
		e_ldx(A, BPF_DW, R1, R0, 0);
		e_alu64_imm(A, BPF_ADD, R1, 1);
		e_stx(A, BPF_DW, R0, 0, R1);
		e_ldx(A, BPF_DW, R1, R0, 8);
		e_alu64_reg(A, BPF_ADD, R1, v);
		e_stx(A, BPF_DW, R0, 8, R1);
		break;
	case TY_MIN:
	case TY_MAX: {
		/* { value, set }: take v when nothing was set or v beats value */
		int take = asm_label(A);
		e_ldx(A, BPF_DW, R1, R0, 8);
		e_jmp_imm(A, BPF_JEQ, R1, 0, take);
		e_ldx(A, BPF_DW, R1, R0, 0);
		int op = t->kind == TY_MIN ? (t->sign ? BPF_JSGE : BPF_JGE)
					   : (t->sign ? BPF_JSLE : BPF_JLE);
		e_jmp_reg(A, op, v, R1, end);
		asm_bind(A, take);
		e_stx(A, BPF_DW, R0, 0, v);
		e_st_imm(A, BPF_DW, R0, 8, 1);
		break;
	}
	default:
		break;
	}
	asm_bind(A, end);
	if (v >= 0)
		rfree(v);
	if (b >= 0)
		rfree(b);
	sp = mark;
}

/* Read @m[k] into dst (ints) -- 0 when absent. */
static int gen_map_read_int(struct node *n)
{
	int mark = sp;
	int koff = gen_key(n, n->map, -1);
	int r = ralloc();
	int done = asm_label(A);
	lookup(n->map, koff);
	e_mov_imm(A, r, 0);
	e_jmp_imm(A, BPF_JEQ, R0, 0, done);
	e_ldx(A, BPF_DW, r, R0, 0);
	asm_bind(A, done);
	sp = mark;
	return r;
}

/* @m[k] op= v, @m[k]++: read-modify-write in place, as bpftrace does for
 * plain maps; creates the entry when absent. Returns the new value in a
 * register when want_val (the old one for post-increment). */
static int gen_map_rmw(struct node *mn, enum op op, struct node *rhs, int delta, bool post, bool want_val)
{
	struct map *m = mn->map;
	int mark = sp;
	int v = rhs ? gen_int(rhs) : -1;
	int koff = gen_key(mn, m, -1);
	int res = ralloc();
	int have = asm_label(A), done = asm_label(A);
	lookup(m, koff);
	e_jmp_imm(A, BPF_JNE, R0, 0, have);
	/* absent: the old value is 0 */
	e_mov_imm(A, res, 0);
	int voff = salloc(8);
	e_stx(A, BPF_DW, R10, voff, res);
	update(m, koff, voff, BPF_NOEXIST);
	lookup(m, koff);
	e_jmp_imm(A, BPF_JEQ, R0, 0, done);
	asm_bind(A, have);
	e_ldx(A, BPF_DW, res, R0, 0);
	e_mov_reg(A, R1, res);
	if (v >= 0) {
		int bop = op == OP_ADD ? BPF_ADD : op == OP_SUB ? BPF_SUB : op == OP_MUL ? BPF_MUL :
			  op == OP_DIV ? BPF_DIV : op == OP_MOD ? BPF_MOD : op == OP_AND ? BPF_AND :
			  op == OP_OR ? BPF_OR : op == OP_XOR ? BPF_XOR : op == OP_SHL ? BPF_LSH :
			  m->val->sign ? BPF_ARSH : BPF_RSH;
		if (bop == BPF_DIV || bop == BPF_MOD)
			div64(bop, R1, v, 0, 1u << R0 | 1u << res);	/* R0: the entry */
		else
			e_alu64_reg(A, bop, R1, v);
	} else {
		e_alu64_imm(A, BPF_ADD, R1, delta);
	}
	e_stx(A, BPF_DW, R0, 0, R1);
	if (!post)
		e_mov_reg(A, res, R1);
	asm_bind(A, done);
	if (v >= 0)
		rfree(v);
	sp = mark;
	if (!want_val) {
		rfree(res);
		return -1;
	}
	return res;
}

/* ------------------------------------------------------------- records */

/* Send a record for action aid with the given argument nodes through the
 * perf buffer. The record is built on the stack: u64 id, then arguments. */
static void gen_record(int aid, struct node **args, int nargs)
{
	struct action *ac = P->actions.v[aid];
	int mark = sp;
	int off = salloc(ac->size);
	e_st_imm(A, BPF_DW, R10, off, aid);
	int at = 8;
	for (int i = 0; i < nargs; i++) {
		if (ac->offs[i] > at)
			zero(off + at, ac->offs[i] - at);
		gen_store(args[i], off + ac->offs[i], ac->types[i]);
		at = ac->offs[i] + ac->types[i]->size;
	}
	if (ac->size > at)
		zero(off + at, ac->size - at);
	e_mov_reg(A, R1, R6);
	ld_map(R2, P->events);
	e_alu32_imm(A, BPF_MOV, R3, -1);	/* BPF_F_CURRENT_CPU: 0xffffffff */
	stack_ptr(R4, off);
	e_mov_imm(A, R5, ac->size);
	call(BPF_FUNC_perf_event_output);
	sp = mark;
}

/* join(argv): up to 16 user strings, too big for the stack, so the record
 * is built in a per-CPU scratch map value. */
static void gen_join(struct node *n)
{
	struct action *ac = P->actions.v[n->aid];
	struct map *sm = NULL;
	for (int i = 0; i < P->maps.n; i++)
		if (((struct map *)P->maps.v[i])->scratch)
			sm = P->maps.v[i];
	int mark = sp;
	int argv = gen_int(n->args[0]);
	int koff = salloc(8);
	e_st_imm(A, BPF_DW, R10, koff, 0);
	int buf = ralloc();
	int end = asm_label(A), send = asm_label(A);
	lookup(sm, koff);
	e_jmp_imm(A, BPF_JEQ, R0, 0, end);
	e_mov_reg(A, buf, R0);
	e_st_imm(A, BPF_DW, buf, 0, n->aid);
	int helper_str = n->post ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str;
	int helper = n->post ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
	struct type *tt = ac->types[0];
	int poff = salloc(8);
	for (int i = 0; i < tt->nelems; i++) {
		int soff = ac->offs[0] + tt->offs[i];
		e_st_imm(A, BPF_B, buf, soff, 0);
	}
	for (int i = 0; i < tt->nelems; i++) {
		int soff = ac->offs[0] + tt->offs[i];
		e_st_imm(A, BPF_DW, R10, poff, 0);
		stack_ptr(R1, poff);
		e_mov_imm(A, R2, arch.word);
		e_mov_reg(A, R3, argv);
		e_alu64_imm(A, BPF_ADD, R3, i * arch.word);
		call(helper);
		e_ldx(A, arch.word == 8 ? BPF_DW : BPF_W, R3, R10, poff);
		e_jmp_imm(A, BPF_JEQ, R3, 0, send);
		e_mov_reg(A, R1, buf);
		e_alu64_imm(A, BPF_ADD, R1, soff);
		e_mov_imm(A, R2, tt->elems[i]->size);
		call(helper_str);
	}
	asm_bind(A, send);
	e_mov_reg(A, R1, R6);
	ld_map(R2, P->events);
	e_alu32_imm(A, BPF_MOV, R3, -1);
	e_mov_reg(A, R4, buf);
	e_mov_imm(A, R5, ac->size);
	call(BPF_FUNC_perf_event_output);
	asm_bind(A, end);
	rfree(buf);
	rfree(argv);
	sp = mark;
}

/* --------------------------------------------------------------- values */

static struct tp_field *at_field(struct node *n)
{
	struct tp_format *f = AT->fmt;
	for (int i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, n->name))
			return &f->fields[i];
	error_at(n->loc, "tracepoint %s:%s has no field '%s'", f->cat, f->name, n->name);
}

/* Does e (a pointer) point into user memory? Syscall arguments do. */
static bool user_mem(struct node *e)
{
	while (e->kind == N_CAST || e->kind == N_INDEX)
		e = e->lhs;
	return e->kind == N_FIELD && e->lhs->type->kind == TY_CTX && AT->fmt && at_field(e)->user_ptr;
}

static int helper_ret(int helper)
{
	call(helper);
	int r = ralloc();
	e_mov_reg(A, r, R0);
	return r;
}

/* A register of the probed code: a word of its struct pt_regs (the
 * context), at the offset the architecture table gives. */
static int reg_load(int off)
{
	int r = ralloc();
	e_ldx(A, bpf_size(arch.word), r, R6, off);
	return r;
}

/* nbytes (1-8) at the address in r (user or kernel memory) read into a
 * zeroed slot, then loaded into r as a BPF_B/H/W/DW (ld); zeros when
 * they cannot be read. */
static void probe_into(int r, int nbytes, bool user, int ld)
{
	int mark = sp;
	int t = salloc(8);
	e_st_imm(A, BPF_DW, R10, t, 0);
	stack_ptr(R1, t);
	e_mov_imm(A, R2, nbytes);
	e_mov_reg(A, R3, r);
	call(user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel);
	e_ldx(A, ld, r, R10, t);
	sp = mark;
}

/* The size bytes (1, 2, 4, 8) at the address in r, into r, zero-extended. */
static int read_mem(int r, int size, bool user)
{
	probe_into(r, size, user, bpf_size(size));
	return r;
}

/* A USDT argument as its note describes it: a constant, a register, or
 * memory at register + displacement (+ index * scale), of 1-8 bytes,
 * sign-extended when the spec says signed. */
static int usdt_arg(const struct usdt_arg *u)
{
	int r;
	if (u->kind == UA_CONST) {
		r = ralloc();
		mov_const(r, (uint64_t)u->val);
		return r;
	}
	r = reg_load(u->reg);
	if (u->kind == UA_MEM) {
		if (u->index >= 0) {
			int i = reg_load(u->index);
			if (u->scale > 1)
				e_alu64_imm(A, BPF_MUL, i, u->scale);
			e_alu64_reg(A, BPF_ADD, r, i);
			rfree(i);
		}
		if (u->val)
			e_alu64_imm(A, BPF_ADD, r, (int32_t)u->val);
		read_mem(r, u->size, true);
	}
	extend(r, u->size, u->sign);
	return r;
}

/* argK of a probe whose context is an array of u64 arguments (kfunc,
 * raw tracepoints) */
static int ctx_arg(int k)
{
	int r = ralloc();
	e_ldx(A, BPF_DW, r, R6, k * 8);
	return r;
}

/* How many arguments AT's function has (kretfunc's retval follows them) */
static int proto_nargs(void)
{
	struct vec names = { 0 }, types = { 0 };
	if (!AT->proto || btf_proto_params(AT->btf, AT->proto, &names, &types) < 0)
		error_at(AT->loc, "retval: the prototype of %s is unknown", AT->name);
	return names.n;
}

static int gen_builtin_int(struct node *n)
{
	const char *s = n->name;
	int r;
	/* halves of a helper's u64: tgid << 32 | tid, gid << 32 | uid */
	static const struct {
		const char *name;
		int helper;
		bool high;
	} halves[] = {
		{ "pid", BPF_FUNC_get_current_pid_tgid, true },
		{ "tid", BPF_FUNC_get_current_pid_tgid, false },
		{ "gid", BPF_FUNC_get_current_uid_gid, true },
		{ "uid", BPF_FUNC_get_current_uid_gid, false },
	};
	for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		if (strcmp(s, halves[i].name))
			continue;
		r = helper_ret(halves[i].helper);
		if (halves[i].high)
			e_alu64_imm(A, BPF_RSH, r, 32);
		else
			e_alu32_reg(A, BPF_MOV, r, r);
		return r;
	}
	if (!strcmp(s, "nsecs") || !strcmp(s, "time"))
		return helper_ret(BPF_FUNC_ktime_get_ns);
	if (!strcmp(s, "elapsed")) {
		r = helper_ret(BPF_FUNC_ktime_get_ns);
		e_ld_imm64(A, R1, start_ns);
		e_alu64_reg(A, BPF_SUB, r, R1);
		return r;
	}
	if (!strcmp(s, "cpu"))
		return helper_ret(BPF_FUNC_get_smp_processor_id);
	if (!strcmp(s, "rand"))
		return helper_ret(BPF_FUNC_get_prandom_u32);
	if (!strcmp(s, "cgroup"))
		return helper_ret(BPF_FUNC_get_current_cgroup_id);
	if (!strcmp(s, "curtask"))
		return helper_ret(BPF_FUNC_get_current_task);
	if (!strcmp(s, "numaid"))
		return helper_ret(BPF_FUNC_get_numa_node_id);
	if (!strcmp(s, "kstack") || !strcmp(s, "ustack"))
		return gen_stack(n);
	if (!strcmp(s, "cpid")) {
		r = ralloc();
		mov_const(r, (uint64_t)opt_cpid);
		return r;
	}
	int k;
	if (argn(s, "arg", &k) && (PR->prov->caps & PC_USDT))
		return usdt_arg(&AT->uargs[k]);
	if (argn(s, "arg", &k) && (PR->prov->caps & PC_CTXARGS))
		return ctx_arg(k);
	if (!strcmp(s, "retval") && (PR->prov->caps & PC_CTXARGS)) {
		r = ctx_arg(proto_nargs());
		extend(r, n->type->size, n->type->sign);
		return r;
	}
	if (argn(s, "arg", &k)) {
		if (!syscall_wrapper(AT))
			return reg_load(arch.arg[k]);
		/* the wrapper's arg0 is the user's pt_regs */
		r = reg_load(arch.arg[0]);
		e_alu64_imm(A, BPF_ADD, r, arch.sysarg[k]);
		return read_mem(r, arch.word, false);
	}
	if (argn(s, "sarg", &k)) {
		r = reg_load(arch.sp);
		e_alu64_imm(A, BPF_ADD, r, arch.sarg + k * arch.word);
		return read_mem(r, arch.word, PR->prov->caps & PC_USER);
	}
	if (!strcmp(s, "retval"))
		return reg_load(arch.ret);
	error_at(n->loc, "internal: no code for builtin %s", s);
}

/* A tracepoint field read as an integer: a direct load from the context. */
static int gen_field_int(struct node *n)
{
	struct tp_field *f = at_field(n);
	int r = ralloc();
	if (f->data_loc) {
		e_ldx(A, BPF_W, r, R6, f->off);
		return r;
	}
	int size = f->size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		error_at(n->loc, "field %s has %d bytes: not an integer", f->name, f->size);
	e_ldx(A, bpf_size(size), r, R6, f->off);
	extend(r, size, f->sign);
	return r;
}

static int cmp_jop(enum op op, bool sign)
{
	switch (op) {
	case OP_EQ: return BPF_JEQ;
	case OP_NE: return BPF_JNE;
	case OP_LT: return sign ? BPF_JSLT : BPF_JLT;
	case OP_LE: return sign ? BPF_JSLE : BPF_JLE;
	case OP_GT: return sign ? BPF_JSGT : BPF_JGT;
	case OP_GE: return sign ? BPF_JSGE : BPF_JGE;
	default: return -1;
	}
}

static int negate_jop(int op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JLT: return BPF_JGE;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLE: return BPF_JGT;
	case BPF_JGT: return BPF_JLE;
	case BPF_JSLT: return BPF_JSGE;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLE: return BPF_JSGT;
	case BPF_JSGT: return BPF_JSLE;
	}
	return op;
}

static bool is_imm(struct node *n, int32_t *v)
{
	if (n->kind == N_INT && (int64_t)n->ival == (int32_t)n->ival) {
		*v = (int32_t)n->ival;
		return true;
	}
	return false;
}

static bool cmp_signed(struct node *n)
{
	return n->lhs->type->sign && n->rhs->type->sign;
}

static int str_eq(struct node *n);

/* Jump to label when the truth of n equals `when`. */
static void gen_branch(struct node *n, int label, bool when)
{
	if (n->kind == N_UNOP && n->op == OP_NOT) {
		gen_branch(n->lhs, label, !when);
		return;
	}
	if (n->kind == N_BINOP && (n->op == OP_LAND || n->op == OP_LOR)) {
		bool and = n->op == OP_LAND;
		if (when != and) {	/* && jumping on false, || jumping on true */
			gen_branch(n->lhs, label, when);
			gen_branch(n->rhs, label, when);
		} else {
			int skip = asm_label(A);
			gen_branch(n->lhs, skip, !when);
			gen_branch(n->rhs, label, when);
			asm_bind(A, skip);
		}
		return;
	}
	int jop;
	if (n->kind == N_BINOP && (jop = cmp_jop(n->op, false)) >= 0 &&
	    n->lhs->type->kind == TY_INT) {
		jop = cmp_jop(n->op, cmp_signed(n));
		if (!when)
			jop = negate_jop(jop);
		int l = gen_int(n->lhs);
		int32_t imm;
		if (is_imm(n->rhs, &imm)) {
			e_jmp_imm(A, jop, l, imm, label);
		} else {
			if (!nfree()) {
				int so = salloc(8);
				e_stx(A, BPF_DW, R10, so, l);
				rfree(l);
				int r = gen_int(n->rhs);
				e_ldx(A, BPF_DW, R0, R10, so);
				e_jmp_reg(A, jop, R0, r, label);
				rfree(r);
				return;
			}
			int r = gen_int(n->rhs);
			e_jmp_reg(A, jop, l, r, label);
			rfree(r);
		}
		rfree(l);
		return;
	}
	int r = gen_int(n);
	e_jmp_imm(A, when ? BPF_JNE : BPF_JEQ, r, 0, label);
	rfree(r);
}

/* r = 0 when control reaches `no` (or falls in here), 1 at `yes`. */
static void bool_tail(int r, int yes, int no)
{
	int out = asm_label(A);
	asm_bind(A, no);
	e_mov_imm(A, r, 0);
	e_ja(A, out);
	asm_bind(A, yes);
	e_mov_imm(A, r, 1);
	asm_bind(A, out);
}

static int alu_op(enum op op, bool sign)
{
	switch (op) {
	case OP_ADD: return BPF_ADD;
	case OP_SUB: return BPF_SUB;
	case OP_MUL: return BPF_MUL;
	case OP_DIV: return BPF_DIV;
	case OP_MOD: return BPF_MOD;
	case OP_AND: return BPF_AND;
	case OP_OR: return BPF_OR;
	case OP_XOR: return BPF_XOR;
	case OP_SHL: return BPF_LSH;
	case OP_SHR: return sign ? BPF_ARSH : BPF_RSH;
	default: return -1;
	}
}

/* dst = dst op src (or op imm). The BPF instruction set before v4 divides
 * only unsigned, so signed / and % work on magnitudes and fix the sign as
 * C does: the quotient is negative when the signs differ, the remainder
 * takes the dividend's sign. */
static void alu(struct node *n, int dst, int src, bool is_imm_, int32_t imm)
{
	bool sign = n->type->sign;
	int op = alu_op(n->op, n->lhs->type->sign);
	bool div = n->op == OP_DIV || n->op == OP_MOD;
	if (!sign || !div) {
		if (div)
			div64(op, dst, is_imm_ ? -1 : src, imm, 0);
		else if (is_imm_)
			e_alu64_imm(A, op, dst, imm);
		else
			e_alu64_reg(A, op, dst, src);
		return;
	}
	int a = asm_label(A), b = asm_label(A), c = asm_label(A);
	e_mov_reg(A, R1, dst);
	if (is_imm_)
		e_mov_imm(A, R2, imm);
	else
		e_mov_reg(A, R2, src);
	e_mov_imm(A, R3, 0);
	e_jmp_imm(A, BPF_JSGE, R1, 0, a);
	e_neg(A, R1);
	e_mov_imm(A, R3, 1);
	asm_bind(A, a);
	e_jmp_imm(A, BPF_JSGE, R2, 0, b);
	e_neg(A, R2);
	if (n->op == OP_DIV)
		e_alu64_imm(A, BPF_XOR, R3, 1);
	asm_bind(A, b);
	div64(op, R1, R2, 0, 1u << R3);	/* R3: the sign */
	e_jmp_imm(A, BPF_JEQ, R3, 0, c);
	e_neg(A, R1);
	asm_bind(A, c);
	e_mov_reg(A, dst, R1);
}

static int gen_binop(struct node *n)
{
	if (cmp_jop(n->op, false) >= 0 || n->op == OP_LAND || n->op == OP_LOR) {
		int yes = asm_label(A), no = asm_label(A);
		gen_branch(n, yes, true);
		int r = ralloc();
		bool_tail(r, yes, no);
		return r;
	}
	int l = gen_int(n->lhs);
	int32_t imm;
	if (is_imm(n->rhs, &imm)) {
		alu(n, l, -1, true, imm);
		return l;
	}
	if (!nfree()) {
		int so = salloc(8);
		e_stx(A, BPF_DW, R10, so, l);
		rfree(l);
		int r = gen_int(n->rhs);
		e_ldx(A, BPF_DW, R0, R10, so);
		alu(n, R0, r, false, 0);
		e_mov_reg(A, r, R0);
		return r;
	}
	int r = gen_int(n->rhs);
	alu(n, l, r, false, 0);
	rfree(r);
	return l;
}

/* Evaluate a string/aggregate expression into a fresh stack slot. */
static int gen_tmp(struct node *n)
{
	int off = salloc(n->type->size);
	gen_store(n, off, n->type);
	return off;
}

static int str_cmp_n(int a, int as, int b, int bs, int limit)
{
	/* r = 1 when the strings differ within limit bytes, else 0 */
	int n = as < bs ? as : bs;
	if (limit >= 0 && limit < n)
		n = limit;
	int r = ralloc();
	int differ = asm_label(A), done = asm_label(A);
	for (int i = 0; i < n; i++) {
		e_ldx(A, BPF_B, R1, R10, a + i);
		e_ldx(A, BPF_B, R2, R10, b + i);
		e_jmp_reg(A, BPF_JNE, R1, R2, differ);
		e_jmp_imm(A, BPF_JEQ, R1, 0, done);	/* both ended here */
	}
	if (limit < 0 && as != bs) {
		/* one string is longer: equal only if it ends here too */
		int lo = as < bs ? b : a;
		e_ldx(A, BPF_B, R1, R10, lo + n);
		e_jmp_imm(A, BPF_JNE, R1, 0, differ);
	}
	bool_tail(r, differ, done);
	return r;
}

static int str_eq(struct node *n)
{
	int mark = sp;
	int a = gen_tmp(n->lhs), b = gen_tmp(n->rhs);
	int r = str_cmp_n(a, n->lhs->type->size, b, n->rhs->type->size, -1);
	if (n->op == OP_EQ)
		e_alu64_imm(A, BPF_XOR, r, 1);
	sp = mark;
	return r;
}

static int gen_strcontains(struct node *n)
{
	int mark = sp;
	int h = gen_tmp(n->args[0]), nd = gen_tmp(n->args[1]);
	int hs = n->args[0]->type->size, ns = n->args[1]->type->size;
	int r = ralloc();
	int found = asm_label(A), done = asm_label(A);
	if (n->args[1]->kind == N_STR) {
		const char *s = n->args[1]->str;
		int len = n->args[1]->slen;
		if (len == 0)
			e_ja(A, found);
		for (int i = 0; i + len <= hs - 1 && len; i++) {
			int next = asm_label(A);
			for (int j = 0; j < len; j++) {
				e_ldx(A, BPF_B, R1, R10, h + i + j);
				e_jmp_imm(A, BPF_JNE, R1, (unsigned char)s[j], next);
			}
			e_ja(A, found);
			asm_bind(A, next);
			e_ldx(A, BPF_B, R1, R10, h + i);
			e_jmp_imm(A, BPF_JEQ, R1, 0, done);
		}
	} else {
		for (int i = 0; i < hs - 1; i++) {
			int next = asm_label(A);
			for (int j = 0; j < ns && i + j < hs; j++) {
				e_ldx(A, BPF_B, R2, R10, nd + j);
				e_jmp_imm(A, BPF_JEQ, R2, 0, found);
				e_ldx(A, BPF_B, R1, R10, h + i + j);
				e_jmp_reg(A, BPF_JNE, R1, R2, next);
			}
			e_ja(A, found);
			asm_bind(A, next);
			e_ldx(A, BPF_B, R1, R10, h + i);
			e_jmp_imm(A, BPF_JEQ, R1, 0, done);
		}
	}
	bool_tail(r, found, done);
	sp = mark;
	return r;
}

/* e[i]; see index_expr in sema.c for the three kinds. */
static int gen_index(struct node *n)
{
	int esize = (int)n->ival;
	struct type *lt = n->lhs->type;
	int r;
	if (lt->kind == TY_STR) {	/* a byte of a string */
		int mark = sp;
		int t = gen_tmp(n->lhs);
		r = ralloc();
		e_ldx(A, BPF_B, r, R10, t + (int)n->rhs->ival);
		sp = mark;
		return r;
	}
	if (lt->kind == TY_BUF) {	/* an element of an array in the record */
		struct tp_field *f = at_field(n->lhs);
		r = ralloc();
		e_ldx(A, bpf_size(esize), r, R6, f->off + (int)n->rhs->ival * esize);
		extend(r, esize, n->type->sign);
		return r;
	}
	/* through a pointer: read the element into the stack */
	int mark = sp;
	int t = salloc(8);
	int p = gen_int(n->lhs);
	int i = gen_int(n->rhs);
	e_alu64_imm(A, BPF_MUL, i, esize);
	e_alu64_reg(A, BPF_ADD, p, i);
	rfree(i);
	e_st_imm(A, BPF_DW, R10, t, 0);
	stack_ptr(R1, t);
	e_mov_imm(A, R2, esize);
	e_mov_reg(A, R3, p);
	call(user_mem(n->lhs) ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel);
	e_ldx(A, bpf_size(esize), p, R10, t);
	extend(p, esize, n->type->sign);
	sp = mark;
	return p;
}

/* ------------------------------------------------------------ C types */

/* The bytes at the address in r (1-8 of them, any count), read into a
 * zeroed slot and loaded as one u64 in the machine's byte order: the
 * bytes land in the low end on little-endian machines, the high end on
 * big-endian ones. bitfield extraction depends on which. */
static void read_dw(int r, int nbytes, bool user)
{
	probe_into(r, nbytes, user, BPF_DW);
}

/* The address of the object a C access names: base pointer (or the base
 * object's address) plus the member's offset or index * element size. */
static int gen_caddr(struct node *n)
{
	/* a char array (typed as a string) is indexed where it lies */
	struct node *l = n->lhs;
	int r = l->type->kind == TY_STR && l->cacc ? gen_caddr(l) : gen_int(l);
	if (n->kind == N_FIELD) {
		if (n->ival)
			e_alu64_imm(A, BPF_ADD, r, (int32_t)n->ival);
	} else if (n->kind == N_INDEX) {
		int32_t k;
		if (is_imm(n->rhs, &k)) {
			if (k)
				e_alu64_imm(A, BPF_ADD, r, k * (int32_t)n->ival);
		} else {
			int i = gen_int(n->rhs);
			e_alu64_imm(A, BPF_MUL, i, (int32_t)n->ival);
			e_alu64_reg(A, BPF_ADD, r, i);
			rfree(i);
		}
	}	/* *p: p itself */
	return r;
}

/* The value of a C access: an integer (a bitfield's bits), a pointer, or
 * for a struct, union or array the address it is at. */
static int gen_cread(struct node *n)
{
	struct type *t = n->type;
	int r = gen_caddr(n);
	if (t->kind == TY_CREF)
		return r;
	if (t->ptrs) {
		read_mem(r, arch.word, t->user);
		return r;
	}
	if (!n->bitsz) {
		read_mem(r, t->size, t->user);
		extend(r, t->size, t->sign);
		return r;
	}
	/* a bitfield: bit offsets count in memory order (from the LSB of each
	 * byte on little-endian machines, from the MSB on big-endian ones) */
	int nbytes = (n->bitoff + n->bitsz + 7) / 8;
	read_dw(r, nbytes, t->user);
	int shift = arch.big_endian ? 64 - n->bitoff - n->bitsz : n->bitoff;
	e_alu64_imm(A, BPF_LSH, r, 64 - n->bitsz - shift);
	e_alu64_imm(A, t->sign ? BPF_ARSH : BPF_RSH, r, 64 - n->bitsz);
	return r;
}

/* kstack / ustack: bpf_get_stackid's id; a ustack carries the pid in its
 * high half, for the symbols. A failed walk keeps its negative errno in
 * the low half, for output to tell apart. */
static int gen_stack(struct node *n)
{
	struct type *t = n->type;
	e_mov_reg(A, R1, R6);
	ld_map(R2, t->smap);
	e_mov_imm(A, R3, t->ustack ? BPF_F_USER_STACK : 0);
	int r = helper_ret(BPF_FUNC_get_stackid);
	e_alu32_reg(A, BPF_MOV, r, r);	/* the low 32 bits, zero-extended */
	if (t->ustack) {
		call(BPF_FUNC_get_current_pid_tgid);
		e_alu64_imm(A, BPF_RSH, R0, 32);
		e_alu64_imm(A, BPF_LSH, R0, 32);
		e_alu64_reg(A, BPF_OR, r, R0);
	}
	return r;
}

static int gen_call_int(struct node *n)
{
	const char *f = n->name;
	if (n->type->kind == TY_STACK)
		return gen_stack(n);
	if (!strcmp(f, "ksym"))
		return gen_int(n->args[0]);
	if (!strcmp(f, "strftime"))
		return gen_int(n->args[1]);
	if (!strcmp(f, "reg"))
		return reg_load((int)n->ival);
	if (!strcmp(f, "bswap")) {
		int r = gen_int(n->args[0]);
		int size = n->args[0]->type->size;
		if (size > 1)
			e_endian(A, r, size * 8, !arch.big_endian);
		return r;
	}
	if (!strcmp(f, "strncmp")) {
		int mark = sp;
		int a = gen_tmp(n->args[0]), b = gen_tmp(n->args[1]);
		int r = str_cmp_n(a, n->args[0]->type->size, b, n->args[1]->type->size,
				  (int)n->args[2]->ival);
		sp = mark;
		return r;
	}
	if (!strcmp(f, "strcontains"))
		return gen_strcontains(n);
	error_at(n->loc, "%s() has no integer value", f);
}

static int gen_int(struct node *n)
{
	struct loc saved = A->cur;
	A->cur = n->loc;
	int r;
	switch (n->kind) {
	case N_INT:
		r = ralloc();
		mov_const(r, n->ival);
		break;
	case N_NPARAMS:
		r = ralloc();
		mov_const(r, (uint64_t)P->nparams);
		break;
	case N_PARAM:
		r = ralloc();
		mov_const(r, (uint64_t)strtoll(param_text(P, n->ival), NULL, 0));
		break;
	case N_SIZEOF:
		r = ralloc();
		mov_const(r, n->ival);
		break;
	case N_BUILTIN:
		r = gen_builtin_int(n);
		break;
	case N_VAR:
		r = ralloc();
		e_ldx(A, BPF_DW, r, R10, n->var->off);
		break;
	case N_MAP:
		r = gen_map_read_int(n);
		break;
	case N_FIELD:
		if (n->cacc) {
			r = gen_cread(n);
		} else if (n->lhs->type->kind == TY_CTX && PR->prov != &prov_tracepoint) {
			/* args.NAME of a function: its argument, as argK */
			char name[16];
			snprintf(name, sizeof(name), "arg%d", (int)n->ival);
			r = gen_builtin_int(&(struct node){ .kind = N_BUILTIN, .name = name,
							    .loc = n->loc, .type = n->type });
			if (!n->type->ptrs)
				extend(r, n->type->size, n->type->sign);
		} else if (n->lhs->type->kind == TY_TUPLE) {
			int mark = sp;
			int t = gen_tmp(n->lhs);
			r = ralloc();
			e_ldx(A, BPF_DW, r, R10, t + n->lhs->type->offs[n->ival]);
			sp = mark;
		} else {
			r = gen_field_int(n);
		}
		break;
	case N_CALL:
		r = gen_call_int(n);
		break;
	case N_INDEX:
		r = n->cacc ? gen_cread(n) : gen_index(n);
		break;
	case N_BINOP:
		if ((n->op == OP_EQ || n->op == OP_NE) && n->lhs->type->kind == TY_STR)
			r = str_eq(n);
		else if (n->cacc)	/* pointer + k: k elements on */
			r = gen_binop(&(struct node){ .kind = N_BINOP, .op = n->op, .lhs = n->lhs,
				.rhs = &(struct node){ .kind = N_BINOP, .op = OP_MUL, .lhs = n->rhs,
					.rhs = &(struct node){ .kind = N_INT, .ival = n->ival,
							       .type = n->rhs->type },
					.type = n->rhs->type, .loc = n->loc },
				.type = n->type, .loc = n->loc });
		else
			r = gen_binop(n);
		break;
	case N_UNOP:
		if (n->op == OP_DEREF) {
			r = gen_cread(n);
		} else if (n->op == OP_ADDR) {
			r = gen_caddr(n->lhs);
		} else if (n->op == OP_NOT) {
			r = gen_binop(&(struct node){ .kind = N_BINOP, .op = OP_EQ, .lhs = n->lhs,
						      .rhs = &(struct node){ .kind = N_INT,
									     .type = n->lhs->type },
						      .loc = n->loc });
		} else {
			r = gen_int(n->lhs);
			if (n->op == OP_NEG)
				e_neg(A, r);
			else
				e_alu64_imm(A, BPF_XOR, r, -1);
		}
		break;
	case N_CAST:
		r = gen_int(n->lhs);
		extend(r, n->type->size, n->type->sign);
		break;
	case N_COND: {
		int els = asm_label(A), done = asm_label(A);
		gen_branch(n->cond, els, false);
		r = gen_int(n->then);
		e_ja(A, done);
		asm_bind(A, els);
		rfree(r);
		int b = gen_int(n->els);
		if (b != r) {
			e_mov_reg(A, r, b);
			rfree(b);
		}
		rbusy[r] = true;
		asm_bind(A, done);
		break;
	}
	case N_INCDEC:
		if (n->lhs->kind == N_MAP) {
			r = gen_map_rmw(n->lhs, OP_ADD, NULL, n->op == OP_ADD ? 1 : -1, n->post, true);
		} else {
			r = ralloc();
			int off = n->lhs->var->off;
			e_ldx(A, BPF_DW, r, R10, off);
			e_mov_reg(A, R1, r);
			e_alu64_imm(A, BPF_ADD, R1, n->op == OP_ADD ? 1 : -1);
			e_stx(A, BPF_DW, R10, off, R1);
			if (!n->post)
				e_mov_reg(A, r, R1);
		}
		break;
	default:
		error_at(n->loc, "internal: no integer code for this expression");
	}
	A->cur = saved;
	return r;
}

/* ------------------------------------------------------- stores to stack */

/* Read a string with probe_read_*_str into a zeroed slot. */
static void read_str(int off, int size, int src_reg, bool user)
{
	zero(off, size);
	stack_ptr(R1, off);
	e_mov_imm(A, R2, size);
	e_mov_reg(A, R3, src_reg);
	call(user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str);
}

static void gen_store_str(struct node *n, int off, struct type *dt)
{
	int size = dt->size;
	switch (n->kind) {
	case N_STR:
		store_bytes(off, n->str, n->slen + 1, size);
		return;
	case N_PARAM: {
		const char *s = param_text(P, n->ival);
		store_bytes(off, s, (int)strlen(s) + 1, size);
		return;
	}
	case N_BUILTIN:
		if (!strcmp(n->name, "comm")) {
			/* the helper NUL-pads up to its size (strncpy, later
			 * strscpy_pad), so only bytes past 16 need zeroing */
			if (size > 16)
				zero(off + 16, size - 16);
			stack_ptr(R1, off);
			e_mov_imm(A, R2, size < 16 ? size : 16);
			call(BPF_FUNC_get_current_comm);
			return;
		}
		if (!strcmp(n->name, "probe") && dispatching) {
			e_ldx(A, BPF_DW, R1, R10, sysname_slot);
			copy(R10, off, R1, 0, size < WISP_STRLEN ? size : WISP_STRLEN);
			if (size > WISP_STRLEN)
				zero(off + WISP_STRLEN, size - WISP_STRLEN);
			return;
		}
		if (!strcmp(n->name, "probe")) {
			store_bytes(off, AT->name, (int)strlen(AT->name) + 1, size);
			return;
		}
		if (!strcmp(n->name, "func")) {
			const char *fn = AT->func ? AT->func : AT->target;
			store_bytes(off, fn, (int)strlen(fn) + 1, size);
			return;
		}
		break;
	case N_CALL:
		if (!strcmp(n->name, "str")) {
			if (n->args[0]->kind == N_PARAM) {
				const char *s = param_text(P, n->args[0]->ival);
				store_bytes(off, s, (int)strlen(s) + 1, size);
				return;
			}
			if (n->args[0]->type->kind == TY_STR) {
				gen_store(n->args[0], off, dt);
				return;
			}
			int p = gen_int(n->args[0]);
			int rs = n->type->size < size ? n->type->size : size;
			if (n->nargs == 2 && n->args[1]->kind != N_INT) {
				/* str(p, len) with len known at run time: read
				 * len + 1 bytes (NUL included), at most rs */
				int l = gen_int(n->args[1]);
				int ok = asm_label(A);
				zero(off, size);
				e_mov_reg(A, R2, l);
				e_alu64_imm(A, BPF_ADD, R2, 1);
				e_jmp_imm(A, BPF_JLE, R2, rs, ok);
				e_mov_imm(A, R2, rs);
				asm_bind(A, ok);
				stack_ptr(R1, off);
				e_mov_reg(A, R3, p);
				call(n->post ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str);
				rfree(l);
				rfree(p);
				return;
			}
			read_str(off, rs, p, n->post);
			if (rs < size)
				zero(off + rs, size - rs);
			rfree(p);
			return;
		}
		break;
	case N_INDEX:
	case N_UNOP:
	case N_FIELD: {
		if (n->cacc) {	/* a char array of a C type */
			int p = gen_caddr(n);
			int rs = n->type->size < size ? n->type->size : size;
			read_str(off, rs, p, n->type->user);
			if (rs < size)
				zero(off + rs, size - rs);
			rfree(p);
			return;
		}
		if (n->kind != N_FIELD || n->lhs->type->kind == TY_TUPLE)
			break;	/* via a temporary, below */
		struct tp_field *f = at_field(n);
		if (f->data_loc) {
			e_ldx(A, BPF_W, R3, R6, f->off);
			e_alu64_imm(A, BPF_AND, R3, 0xffff);
			e_alu64_reg(A, BPF_ADD, R3, R6);
			zero(off, size);
			stack_ptr(R1, off);
			e_mov_imm(A, R2, size);
			call(BPF_FUNC_probe_read_kernel_str);
			return;
		}
		/* a char array inside the record: direct loads from the context */
		int n_ = f->size < size ? f->size : size;
		copy(R10, off, R6, f->off, n_);
		if (n_ < size)
			zero(off + n_, size - n_);
		if (n_ == size)	/* keep a terminating NUL */
			e_st_imm(A, BPF_B, R10, off + size - 1, 0);
		return;
	}
	default:
		break;
	}
	/* a string element of a tuple: build the tuple, copy the element */
	if (n->kind != N_FIELD || n->lhs->type->kind != TY_TUPLE)
		error_at(n->loc, "internal: no code for a string from this expression");
	int mark = sp;
	int t = gen_tmp(n->lhs) + n->lhs->type->offs[n->ival];
	int n_ = n->type->size < size ? n->type->size : size;
	copy(R10, off, R10, t, n_);
	if (n_ < size)
		zero(off + n_, size - n_);
	sp = mark;
}

/* Copy the value of @m[k] (a string or tuple) to the stack; zeroes when
 * the entry is absent, and pads a shorter string. */
static void gen_map_copy(struct node *n, int off, struct type *dt)
{
	int mark = sp;
	int koff = gen_key(n, n->map, -1);
	int have = asm_label(A), done = asm_label(A);
	int sz = n->type->size < dt->size ? n->type->size : dt->size;
	lookup(n->map, koff);
	e_jmp_imm(A, BPF_JNE, R0, 0, have);
	zero(off, dt->size);
	e_ja(A, done);
	asm_bind(A, have);
	e_mov_reg(A, R1, R0);
	copy(R10, off, R1, 0, sz);
	if (sz < dt->size)
		zero(off + sz, dt->size - sz);
	asm_bind(A, done);
	sp = mark;
}

static void gen_store(struct node *n, int off, struct type *dt)
{
	struct loc saved = A->cur;
	A->cur = n->loc;
	switch (dt->kind) {
	case TY_INT:
	case TY_STACK:
	case TY_KSYM:
	case TY_TSTAMP: {
		int r = gen_int(n);
		e_stx(A, bpf_size(dt->size), R10, off, r);
		rfree(r);
		break;
	}
	case TY_USYM:
		if (n->kind == N_CALL) {	/* usym(addr): the address, then the pid */
			int r = gen_int(n->args[0]);
			e_stx(A, BPF_DW, R10, off, r);
			rfree(r);
			call(BPF_FUNC_get_current_pid_tgid);
			e_alu64_imm(A, BPF_RSH, R0, 32);
			e_stx(A, BPF_DW, R10, off + 8, R0);
		} else if (n->kind == N_VAR) {
			copy(R10, off, R10, n->var->off, 16);
		} else if (n->kind == N_MAP) {
			gen_map_copy(n, off, dt);
		} else {
			error_at(n->loc, "internal: no code for a usym from this expression");
		}
		break;
	case TY_STR:
		if (n->kind == N_VAR) {
			int sz = n->type->size < dt->size ? n->type->size : dt->size;
			copy(R10, off, R10, n->var->off, sz);
			if (sz < dt->size)
				zero(off + sz, dt->size - sz);
		} else if (n->kind == N_MAP) {
			gen_map_copy(n, off, dt);
		} else if (n->kind == N_COND) {
			int els = asm_label(A), done = asm_label(A);
			gen_branch(n->cond, els, false);
			gen_store(n->then, off, dt);
			e_ja(A, done);
			asm_bind(A, els);
			gen_store(n->els, off, dt);
			asm_bind(A, done);
		} else {
			gen_store_str(n, off, dt);
		}
		break;
	case TY_TUPLE:
		if (n->kind == N_TUPLE) {
			int at = 0;
			for (int i = 0; i < n->nargs; i++) {
				if (dt->offs[i] > at)
					zero(off + at, dt->offs[i] - at);
				gen_store(n->args[i], off + dt->offs[i], dt->elems[i]);
				at = dt->offs[i] + dt->elems[i]->size;
			}
			if (dt->size > at)
				zero(off + at, dt->size - at);
		} else if (n->kind == N_VAR && type_eq(n->type, dt)) {
			copy(R10, off, R10, n->var->off, dt->size);
		} else if (n->kind == N_MAP && type_eq(n->type, dt)) {
			gen_map_copy(n, off, dt);
		} else {
			error_at(n->loc, "cannot convert %s to %s here", type_name(n->type), type_name(dt));
		}
		break;
	case TY_BUF:
		if (n->kind == N_CALL && !strcmp(n->name, "buf")) {
			int p = gen_int(n->args[0]);
			int len = dt->size - 1;
			zero(off, dt->size);
			if (n->args[1]->kind == N_INT) {
				e_st_imm(A, BPF_B, R10, off, len);
				e_mov_imm(A, R2, len);
			} else {
				/* run-time length, clamped to the buffer for the verifier */
				int l = gen_int(n->args[1]);
				int ok = asm_label(A);
				e_mov_reg(A, R2, l);
				e_jmp_imm(A, BPF_JLE, R2, len, ok);
				e_mov_imm(A, R2, len);
				asm_bind(A, ok);
				e_stx(A, BPF_B, R10, off, R2);
				rfree(l);
			}
			stack_ptr(R1, off + 1);
			e_mov_reg(A, R3, p);
			call(n->post ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel);
			rfree(p);
		} else if (n->kind == N_FIELD) {
			struct tp_field *f = at_field(n);
			int len = dt->size - 1 < f->size ? dt->size - 1 : f->size;
			zero(off, dt->size);
			e_st_imm(A, BPF_B, R10, off, len);
			copy(R10, off + 1, R6, f->off, len);
		} else if (n->kind == N_VAR) {
			copy(R10, off, R10, n->var->off, dt->size);
		} else {
			error_at(n->loc, "cannot use a buffer here");
		}
		break;
	case TY_INET: {
		if (n->kind == N_VAR) {	/* $a = ntop(...); printf("%s", $a) */
			copy(R10, off, R10, n->var->off, 24);
			break;
		}
		if (n->kind == N_MAP) {
			gen_map_copy(n, off, dt);
			break;
		}
		if (n->kind == N_COND) {
			int els = asm_label(A), done = asm_label(A);
			gen_branch(n->cond, els, false);
			gen_store(n->then, off, dt);
			e_ja(A, done);
			asm_bind(A, els);
			gen_store(n->els, off, dt);
			asm_bind(A, done);
			break;
		}
		/* ntop([af,] addr): u64 family, then 16 address bytes */
		struct node *a = n->args[n->nargs - 1];
		zero(off, 24);
		if (a->type->kind == TY_INT) {
			int r = gen_int(a);
			e_stx(A, BPF_W, R10, off + 8, r);
			rfree(r);
			if (n->nargs == 1)
				e_st_imm(A, BPF_DW, R10, off, 2);
		} else {
			int mark = sp;
			int t = gen_tmp(a);
			int len = a->type->kind == TY_BUF ? a->type->size - 1 : a->type->size;
			int src = a->type->kind == TY_BUF ? t + 1 : t;
			if (len > 16)
				len = 16;
			copy(R10, off + 8, R10, src, len);
			if (n->nargs == 1)
				e_st_imm(A, BPF_DW, R10, off, len == 16 ? 10 : 2);
			sp = mark;
		}
		if (n->nargs == 2) {
			int r = gen_int(n->args[0]);
			e_stx(A, BPF_DW, R10, off, r);
			rfree(r);
		}
		break;
	}
	default:
		error_at(n->loc, "internal: cannot store %s", type_name(dt));
	}
	A->cur = saved;
}

/* ----------------------------------------------------------- statements */

static void gen_assign(struct node *n)
{
	struct node *l = n->lhs;
	if (l->kind == N_MAP && n->rhs->kind == N_CALL && ty_is_agg(n->rhs->type->kind)) {
		gen_aggregate(n);
		return;
	}
	if (l->kind == N_VAR) {
		struct var *v = l->var;
		if (n->op == OP_NONE) {
			gen_store(n->rhs, v->off, v->type);
			return;
		}
		int r = gen_int(n->rhs);
		e_ldx(A, BPF_DW, R1, R10, v->off);
		e_alu64_reg(A, alu_op(n->op, v->type->sign), R1, r);
		e_stx(A, BPF_DW, R10, v->off, R1);
		rfree(r);
		return;
	}
	struct map *m = l->map;
	if (n->op != OP_NONE) {
		gen_map_rmw(l, n->op, n->rhs, 0, false, false);
		return;
	}
	int mark = sp;
	int voff = salloc(m->val_size);
	gen_store(n->rhs, voff, m->val);
	int koff = gen_key(l, m, -1);
	update(m, koff, voff, BPF_ANY);
	sp = mark;
}

static void gen_call_stmt(struct node *n)
{
	const char *f = n->name;
	if (!strcmp(f, "printf") || !strcmp(f, "system") || !strcmp(f, "cat")) {
		gen_record(n->aid, n->args + 1, n->nargs - 1);
		return;
	}
	if (!strcmp(f, "print")) {
		if (n->args[0]->kind == N_MAP && !n->args[0]->nargs && n->args[0]->type->kind == TY_NONE)
			gen_record(n->aid, NULL, 0);
		else
			gen_record(n->aid, n->args, 1);
		return;
	}
	if (!strcmp(f, "clear") || !strcmp(f, "zero") || !strcmp(f, "time")) {
		gen_record(n->aid, NULL, 0);
		return;
	}
	if (!strcmp(f, "exit")) {
		gen_record(n->aid, n->args, n->nargs);
		e_ja(A, lexit);
		return;
	}
	if (!strcmp(f, "delete")) {
		struct node *mn = n->args[0];
		int mark = sp;
		int koff = gen_key(mn, mn->map, -1);
		ld_map(R1, mn->map);
		stack_ptr(R2, koff);
		call(BPF_FUNC_map_delete_elem);
		sp = mark;
		return;
	}
	if (!strcmp(f, "join")) {
		gen_join(n);
		return;
	}
	/* a value-returning call used as a statement: evaluate and drop */
	if (n->type->kind == TY_INT) {
		rfree(gen_int(n));
		return;
	}
	if (n->type->kind != TY_NONE) {
		int mark = sp;
		gen_tmp(n);
		sp = mark;
	}
}

static void stmt(struct node *n)
{
	struct loc saved = A->cur;
	A->cur = n->loc;
	int mark = sp;
	switch (n->kind) {
	case N_EXPR:
		stmt(n->lhs);
		break;
	case N_ASSIGN:
		gen_assign(n);
		break;
	case N_CALL:
		gen_call_stmt(n);
		break;
	case N_INCDEC:
		if (n->lhs->kind == N_MAP)
			gen_map_rmw(n->lhs, OP_ADD, NULL, n->op == OP_ADD ? 1 : -1, false, false);
		else
			rfree(gen_int(n));
		break;
	case N_IF: {
		int els = asm_label(A), done = asm_label(A);
		gen_branch(n->cond, els, false);
		block(n->then);
		if (n->els)
			e_ja(A, done);
		asm_bind(A, els);
		if (n->els) {
			if (n->els->kind == N_IF)
				stmt(n->els);
			else
				block(n->els);
		}
		asm_bind(A, done);
		break;
	}
	case N_WHILE: {
		int top = asm_label(A), done = asm_label(A);
		asm_bind(A, top);
		gen_branch(n->cond, done, false);
		block(n->body);
		e_ja(A, top);
		asm_bind(A, done);
		break;
	}
	case N_UNROLL:
		for (uint64_t i = 0; i < n->ival; i++) {
			/* nested unrolls multiply: stop at the kernel's limit */
			if (A->n > WISP_MAX_INSNS)
				error_at(n->loc, "this probe has more than the %d instructions the kernel "
					 "allows (unroll less)", WISP_MAX_INSNS);
			block(n->body);
		}
		break;
	case N_RETURN:
		e_ja(A, lexit);
		break;
	case N_BLOCK:
		block(n);
		break;
	default:
		if (n->type && n->type->kind == TY_INT)
			rfree(gen_int(n));
		else if (n->type && n->type->kind != TY_NONE) {
			gen_tmp(n);
		}
		break;
	}
	sp = mark;
	A->cur = saved;
}

static void block(struct node *b)
{
	for (int i = 0; i < b->nargs; i++)
		stmt(b->args[i]);
}

/* ---------------------------------------------------------------- probes */

/* A tracepoint probe that never reads `args` runs as a raw tracepoint:
 * the kernel skips formatting the record, and releasing one takes a few ms
 * rather than 50-100. The syscalls:* events are not tracepoints of their
 * own (raw_syscalls feeds them), so they stay classic. run.c falls back to
 * a classic tracepoint when the kernel refuses. */
static bool raw_eligible(struct probe *pr)
{
	if (pr->prov != &prov_tracepoint || pr->uses_args)
		return false;
	for (int i = 0; i < pr->attaches.n; i++)
		if (!strcmp(((struct attach *)pr->attaches.v[i])->fmt->cat, "syscalls"))
			return false;
	return true;
}

/* A dispatched syscalls probe (struct probe's sysmap) runs on every
 * syscall: go on only for the traced ones, whose entry in the array holds
 * the probe name; keep the entry's address for `probe`. */

static void syscall_filter(struct probe *pr)
{
	struct map *m = pr->sysmap;
	sysname_slot = salloc(8);
	int koff = salloc(8);
	e_ldx(A, bpf_size(pr->sysid->size), R1, R6, pr->sysid->off);
	e_alu64_imm(A, BPF_SUB, R1, m->sysbase);
	e_jmp_imm(A, BPF_JGE, R1, m->max_entries, lexit);	/* also below sysbase */
	e_stx(A, BPF_W, R10, koff, R1);
	lookup(m, koff);
	e_jmp_imm(A, BPF_JEQ, R0, 0, lexit);
	e_ldx(A, BPF_B, R1, R0, 0);
	e_jmp_imm(A, BPF_JEQ, R1, 0, lexit);
	e_stx(A, BPF_DW, R10, sysname_slot, R0);
}

/* The first event of each pid tells user space its pid (A_PIDNOTE), so
 * that its mappings are read while it lives: the pids map's insert with
 * BPF_NOEXIST succeeds only the first time. */
static void gen_pidnote(struct probe *pr)
{
	struct action *ac = P->actions.v[pr->pidnote];
	struct map *m = NULL;
	for (int i = 0; i < P->maps.n && !m; i++)
		if (((struct map *)P->maps.v[i])->pids)
			m = P->maps.v[i];
	int mark = sp, skip = asm_label(A);
	int k = salloc(8), v = salloc(8);
	call(BPF_FUNC_get_current_pid_tgid);
	e_alu64_imm(A, BPF_RSH, R0, 32);
	e_stx(A, BPF_W, R10, k, R0);
	e_st_imm(A, BPF_DW, R10, v, 1);
	ld_map(R1, m);
	stack_ptr(R2, k);
	stack_ptr(R3, v);
	e_mov_imm(A, R4, BPF_NOEXIST);
	call(BPF_FUNC_map_update_elem);
	e_jmp_imm(A, BPF_JNE, R0, 0, skip);
	struct node pn = { .kind = N_BUILTIN, .name = "pid", .type = ac->types[0], .loc = ac->loc };
	struct node *args[1] = { &pn };
	gen_record(pr->pidnote, args, 1);
	asm_bind(A, skip);
	sp = mark;
}

static struct bpfprog *gen_prog(struct probe *pr, struct attach *at, bool dispatch)
{
	struct bpfprog *bp = xalloc(sizeof(*bp));
	bp->probe = pr;
	bp->attach = at;
	bp->fd = -1;
	bp->type = raw_eligible(pr) ? BPF_PROG_TYPE_RAW_TRACEPOINT : pr->prov->prog_type;
	PR = pr;
	AT = at;
	A = &bp->a;
	asm_init(A);
	A->cur = pr->node->loc;
	memset(rbusy, 0, sizeof(rbusy));
	sp = 0;
	lexit = asm_label(A);

	/* scratch variables live at fixed slots for the whole program */
	for (int i = 0; i < pr->vars.n; i++) {
		struct var *v = pr->vars.v[i];
		A->cur = v->loc;
		v->off = salloc(v->type->size);
	}
	e_mov_reg(A, R6, R1);
	for (int i = 0; i < pr->vars.n; i++) {
		struct var *v = pr->vars.v[i];
		zero(v->off, v->type->size);
	}
	dispatching = dispatch;
	if (dispatch)
		syscall_filter(pr);
	if (pr->node->cond) {
		A->cur = pr->node->cond->loc;
		gen_branch(pr->node->cond, lexit, false);
	}
	if (pr->pidnote >= 0)
		gen_pidnote(pr);
	block(pr->node->body);
	asm_bind(A, lexit);
	e_mov_imm(A, R0, 0);
	e_exit(A);
	asm_finish(A);
	return bp;
}

void codegen(struct prog *p)
{
	P = p;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	start_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	for (int i = 0; i < p->probes.n; i++) {
		struct probe *pr = p->probes.v[i];
		if (pr->sysmap) {
			/* one program for the syscalls wisp knows the numbers of,
			 * one each (on their own tracepoint) for the others */
			int disp = -1;
			for (int j = 0; j < pr->attaches.n; j++) {
				struct attach *a = pr->attaches.v[j];
				if (a->dispatched && disp >= 0) {
					a->prog = disp;
					continue;
				}
				a->prog = pr->progs.n;
				if (a->dispatched)
					disp = a->prog;
				vec_push(&pr->progs, gen_prog(pr, a, a->dispatched));
			}
			continue;
		}
		int nprogs = pr->per_attach ? pr->attaches.n : 1;
		for (int j = 0; j < nprogs; j++) {
			struct bpfprog *bp = gen_prog(pr, pr->attaches.v[j], false);
			vec_push(&pr->progs, bp);
		}
		for (int j = 0; j < pr->attaches.n; j++) {
			struct attach *a = pr->attaches.v[j];
			a->prog = pr->per_attach ? j : 0;
			a->raw = ((struct bpfprog *)pr->progs.v[a->prog])->type ==
				 BPF_PROG_TYPE_RAW_TRACEPOINT && pr->prov == &prov_tracepoint;
		}
	}
}
