/* check_asm.c - the assembler: encodings, label fix-ups, the wide load,
 * helper names, and the disassembler against golden verifier notation. */
#include "unit.h"
#include "compat.h"

/* disasm() into an arena string; *lines gets its return value. */
static const char *dis(const Asm *a, const char *(*mapname)(int), int *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int n = disasm(m, a->insn, a->n, mapname);
	fclose(m);
	if (lines)
		*lines = n;
	char *r = xstrdup(buf);
	free(buf);
	return r;
}

static const char *name_fd5(int fd)
{
	return fd == 5 ? "@name" : NULL;
}

/* One program using every constructor, with forward and backward jumps. */
static void build(Asm *a)
{
	asm_init(a);
	int l_a = asm_label(a), l_top = asm_label(a), l_b = asm_label(a);
	int l_end = asm_label(a);

	e_mov_reg(a, R6, R1);
	e_call(a, BPF_FUNC_get_current_pid_tgid);
	e_stx(a, BPF_DW, R10, -8, R0);
	e_ld_map(a, R1, 5);
	e_ldx(a, BPF_DW, R0, R1, 0);
	e_jmp_imm(a, BPF_JEQ, R0, 0, l_a);
	e_alu64_imm(a, BPF_ADD, R1, -8);
	e_alu32_imm(a, BPF_MOV, R1, 0);
	asm_bind(a, l_a);
	e_xadd(a, BPF_DW, R0, 0, R1);
	e_endian(a, R1, 16, true);
	asm_bind(a, l_top);
	e_ld_imm64(a, R2, 0x123456789ULL);
	e_alu32_reg(a, BPF_MOV, R1, R2);
	e_alu64_imm(a, BPF_ARSH, R1, 32);
	e_jmp_imm(a, BPF_JLT, R1, 5, l_top);
	e_jmp_reg(a, BPF_JSGT, R1, R2, l_b);
	e_st_imm(a, BPF_B, R10, -1, 0);
	asm_bind(a, l_b);
	e_alu64_reg(a, BPF_SUB, R1, R2);
	e_mov_imm(a, R0, -1);
	e_neg(a, R0);
	e_endian(a, R3, 32, false);
	e_stx(a, BPF_W, R10, -16, R3);
	e_ldx(a, BPF_H, R4, R10, -16);
	e_xadd(a, BPF_W, R10, -16, R4);
	e_st_imm(a, BPF_DW, R10, -24, -7);
	e_jmp_imm(a, BPF_JNE, R0, -1, l_end);
	e_ja(a, l_b);
	e_alu64_reg(a, BPF_ADD, R0, R6);
	e_call(a, 999);
	asm_bind(a, l_end);
	e_exit(a);
	asm_finish(a);
}

static const char golden[] =
	"   0: (bf) r6 = r1\n"
	"   1: (85) call bpf_get_current_pid_tgid#14\n"
	"   2: (7b) *(u64 *)(r10 -8) = r0\n"
	"   3: (18) r1 = map[fd:5]\n"
	"   5: (79) r0 = *(u64 *)(r1 +0)\n"
	"   6: (15) if r0 == 0x0 goto pc+2\n"
	"   7: (07) r1 += -8\n"
	"   8: (b4) w1 = 0\n"
	"   9: (db) lock *(u64 *)(r0 +0) += r1\n"
	"  10: (dc) r1 = be16 r1\n"
	"  11: (18) r2 = 0x123456789\n"
	"  13: (bc) w1 = w2\n"
	"  14: (c7) r1 s>>= 32\n"
	"  15: (a5) if r1 < 0x5 goto pc-5\n"
	"  16: (6d) if r1 s> r2 goto pc+1\n"
	"  17: (72) *(u8 *)(r10 -1) = 0\n"
	"  18: (1f) r1 -= r2\n"
	"  19: (b7) r0 = -1\n"
	"  20: (87) r0 = -r0\n"
	"  21: (d4) r3 = le32 r3\n"
	"  22: (63) *(u32 *)(r10 -16) = r3\n"
	"  23: (69) r4 = *(u16 *)(r10 -16)\n"
	"  24: (c3) lock *(u32 *)(r10 -16) += r4\n"
	"  25: (7a) *(u64 *)(r10 -24) = -7\n"
	"  26: (55) if r0 != 0xffffffff goto pc+3\n"
	"  27: (05) goto pc-10\n"
	"  28: (0f) r0 += r6\n"
	"  29: (85) call unknown#999\n"
	"  30: (95) exit\n";

START_TEST(golden_program)
{
	Asm a;
	int lines;
	build(&a);
	ck_assert_int_eq(a.n, 31);
	ck_assert_str_eq(dis(&a, NULL, &lines), golden);
	ck_assert_int_eq(lines, 29);	/* two wide loads: 31 slots, 29 lines */
}
END_TEST

START_TEST(map_names)
{
	Asm a;
	asm_init(&a);
	e_ld_map(&a, R1, 5);
	e_ld_map(&a, R2, 6);
	e_exit(&a);
	asm_finish(&a);
	ck_assert_str_eq(dis(&a, name_fd5, NULL),
			 "   0: (18) r1 = map[@name]\n"
			 "   2: (18) r2 = map[fd:6]\n"
			 "   4: (95) exit\n");
}
END_TEST

/* The raw encodings the kernel sees, field by field. */
START_TEST(encodings)
{
	Asm a;
	build(&a);
	const struct bpf_insn *in = a.insn;

	/* ld_map: src_reg marks the fd; the second slot is all zero */
	ck_assert_int_eq(in[3].code, BPF_LD | BPF_DW | BPF_IMM);
	ck_assert_int_eq(in[3].src_reg, BPF_PSEUDO_MAP_FD);
	ck_assert_int_eq(in[3].dst_reg, R1);
	ck_assert_int_eq(in[3].imm, 5);
	ck_assert_int_eq(in[4].code, 0);
	ck_assert_int_eq(in[4].imm, 0);
	/* ld_imm64: low half first */
	ck_assert_int_eq(in[11].src_reg, 0);
	ck_assert_int_eq((uint32_t)in[11].imm, 0x23456789u);
	ck_assert_int_eq(in[12].imm, 0x1);
	ck_assert_int_eq(in[12].code, 0);
	/* xadd: BPF_STX | 0xc0 | size, imm = BPF_ADD */
	ck_assert_int_eq(in[9].code, 0xdb);
	ck_assert_int_eq(in[9].imm, BPF_ADD);
	ck_assert_int_eq(in[9].dst_reg, R0);
	ck_assert_int_eq(in[9].src_reg, R1);
	/* endian: imm is the width */
	ck_assert_int_eq(in[10].code, BPF_ALU | BPF_END | BPF_TO_BE);
	ck_assert_int_eq(in[10].imm, 16);
	ck_assert_int_eq(in[21].code, BPF_ALU | BPF_END | BPF_TO_LE);
	/* stores keep the offset, st keeps the immediate sign-extended */
	ck_assert_int_eq(in[25].off, -24);
	ck_assert_int_eq(in[25].imm, -7);
	/* calls carry the helper id */
	ck_assert_int_eq(in[1].imm, BPF_FUNC_get_current_pid_tgid);
	ck_assert_int_eq(in[1].src_reg, 0);
}
END_TEST

/* Forward and backward offsets: off = target - (pc + 1). */
START_TEST(label_patching)
{
	Asm a;
	asm_init(&a);
	int self = asm_label(&a), next = asm_label(&a), fwd = asm_label(&a);
	int back = asm_label(&a), unused = asm_label(&a);
	(void)unused;		/* an unbound label nobody jumps to is fine */

	asm_bind(&a, back);
	e_mov_imm(&a, R0, 0);			/* 0 */
	asm_bind(&a, self);
	e_ja(&a, self);				/* 1: -> 1, off -1 */
	e_jmp_imm(&a, BPF_JEQ, R0, 1, next);	/* 2: -> 3, off 0 */
	asm_bind(&a, next);
	e_jmp_reg(&a, BPF_JGT, R0, R1, fwd);	/* 3: -> 7, off 3 */
	e_ld_imm64(&a, R1, 1);			/* 4, 5 */
	e_ja(&a, back);				/* 6: -> 0, off -7 */
	asm_bind(&a, fwd);
	e_exit(&a);				/* 7 */
	asm_finish(&a);

	ck_assert_int_eq(a.n, 8);
	ck_assert_int_eq(a.insn[1].off, -1);
	ck_assert_int_eq(a.insn[2].off, 0);
	ck_assert_int_eq(a.insn[3].off, 3);
	ck_assert_int_eq(a.insn[6].off, -7);
	/* the wide load's halves and the exit are not jumps: untouched */
	ck_assert_int_eq(a.insn[4].off, 0);
	ck_assert_int_eq(a.insn[5].off, 0);
	ck_assert_int_eq(a.insn[7].off, 0);
}
END_TEST

/* A wide load takes two slots: indices after it, and jump offsets across
 * it, count both, and the disassembler skips the second. */
START_TEST(wide_skip)
{
	Asm a;
	asm_init(&a);
	int l = asm_label(&a);
	e_ld_imm64(&a, R3, 0xffffffff00000005ULL);
	e_jmp_imm(&a, BPF_JSLE, R3, -2, l);	/* index 2 */
	e_ld_map(&a, R1, 7);			/* 3, 4 */
	asm_bind(&a, l);
	e_exit(&a);				/* 5 */
	asm_finish(&a);

	int lines;
	ck_assert_str_eq(dis(&a, NULL, &lines),
			 "   0: (18) r3 = 0xffffffff00000005\n"
			 "   2: (d5) if r3 s<= 0xfffffffe goto pc+2\n"
			 "   3: (18) r1 = map[fd:7]\n"
			 "   5: (95) exit\n");
	ck_assert_int_eq(lines, 4);
	ck_assert_int_eq(a.insn[2].off, 2);
}
END_TEST

/* Each slot, both halves of a wide load included, remembers a->cur. */
START_TEST(locations)
{
	Asm a;
	asm_init(&a);
	a.cur = (struct loc){ 3, 4 };
	e_mov_imm(&a, R0, 0);
	a.cur = (struct loc){ 10, 2 };
	e_ld_imm64(&a, R1, 1);
	a.cur = (struct loc){ 20, 1 };
	e_exit(&a);
	ck_assert_int_eq(a.iloc[0].off, 3);
	ck_assert_int_eq(a.iloc[0].len, 4);
	ck_assert_int_eq(a.iloc[1].off, 10);
	ck_assert_int_eq(a.iloc[2].off, 10);
	ck_assert_int_eq(a.iloc[3].off, 20);
}
END_TEST

/* Growth past the initial capacity keeps earlier instructions. */
START_TEST(growth)
{
	Asm a;
	asm_init(&a);
	int l = asm_label(&a);
	for (int i = 0; i < 1000; i++)
		e_mov_imm(&a, R0, i);
	e_ja(&a, l);
	for (int i = 0; i < 300; i++)
		asm_label(&a);
	asm_bind(&a, l);
	e_exit(&a);
	asm_finish(&a);
	ck_assert_int_eq(a.n, 1002);
	ck_assert_int_eq(a.insn[0].imm, 0);
	ck_assert_int_eq(a.insn[999].imm, 999);
	ck_assert_int_eq(a.insn[1000].off, 0);
	ck_assert_int_eq(a.nlabel, 301);
}
END_TEST

static void finish_unbound(void *arg)
{
	Asm *a = arg;
	asm_finish(a);
}

START_TEST(unbound_label)
{
	Asm a;
	asm_init(&a);
	asm_label(&a);
	int l = asm_label(&a);
	e_ja(&a, l);
	e_exit(&a);
	ck_assert_str_eq(unit_capture(finish_unbound, &a),
			 "wisp: error: internal error: jump at 0 to unbound label 1\n");
}
END_TEST

START_TEST(helper_names)
{
	ck_assert_str_eq(helper_name(0), "bpf_unspec");
	ck_assert_str_eq(helper_name(BPF_FUNC_map_lookup_elem), "bpf_map_lookup_elem");
	ck_assert_str_eq(helper_name(4), "bpf_probe_read");
	ck_assert_str_eq(helper_name(14), "bpf_get_current_pid_tgid");
	ck_assert_str_eq(helper_name(16), "bpf_get_current_comm");
	ck_assert_str_eq(helper_name(25), "bpf_perf_event_output");
	ck_assert_str_eq(helper_name(27), "bpf_get_stackid");
	ck_assert_str_eq(helper_name(35), "bpf_get_current_task");
	ck_assert_str_eq(helper_name(45), "bpf_probe_read_str");
	ck_assert_str_eq(helper_name(112), "bpf_probe_read_user");
	ck_assert_str_eq(helper_name(113), "bpf_probe_read_kernel");
	ck_assert_str_eq(helper_name(114), "bpf_probe_read_user_str");
	ck_assert_str_eq(helper_name(115), "bpf_probe_read_kernel_str");
	ck_assert_str_eq(helper_name(125), "bpf_ktime_get_boot_ns");
	ck_assert_str_eq(helper_name(130), "bpf_ringbuf_output");
	ck_assert_str_eq(helper_name(131), "bpf_ringbuf_reserve");
	ck_assert_str_eq(helper_name(132), "bpf_ringbuf_submit");
	ck_assert_str_eq(helper_name(133), "bpf_ringbuf_discard");
	ck_assert_str_eq(helper_name(134), "bpf_ringbuf_query");
	ck_assert_str_eq(helper_name(158), "bpf_get_current_task_btf");
	ck_assert_str_eq(helper_name(209), "bpf_user_ringbuf_drain");
	ck_assert_str_eq(helper_name(211), "bpf_cgrp_storage_delete");
	ck_assert_str_eq(helper_name(212), "unknown");
	ck_assert_str_eq(helper_name(-1), "unknown");
}
END_TEST

/* Every helper the header names gets the header's name: the mapper lists
 * them in id order. */
#define HDR_NAME(x) "bpf_" #x
static const char *const hdr_names[] = { __BPF_FUNC_MAPPER(HDR_NAME) };

START_TEST(helper_names_match_header)
{
	int n = sizeof(hdr_names) / sizeof(hdr_names[0]);
	ck_assert_int_ge(n, 100);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(helper_name(i), hdr_names[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("asm");
	TCase *tc = tcase_create("asm");
	tcase_add_test(tc, golden_program);
	tcase_add_test(tc, map_names);
	tcase_add_test(tc, encodings);
	tcase_add_test(tc, label_patching);
	tcase_add_test(tc, wide_skip);
	tcase_add_test(tc, locations);
	tcase_add_test(tc, growth);
	tcase_add_test(tc, unbound_label);
	tcase_add_test(tc, helper_names);
	tcase_add_test(tc, helper_names_match_header);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
