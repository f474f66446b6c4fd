/* asm.c - the BPF assembler: instruction constructors, labels, and a
 * disassembler that speaks the kernel verifier's notation.
 *
 * Code generation never computes a jump offset. A jump names a label; the
 * label number sits in the instruction's off field until asm_finish()
 * knows where every label landed and turns it into pc-relative form
 * (off = target - (pc + 1)). Every instruction is stamped with a->cur, the
 * source span it came from, so a verifier complaint about instruction i
 * can be shown under the program text that produced it.
 *
 * The disassembler prints what `bpftool prog dump xlated` and the verifier
 * log print, so -d output and verifier logs read the same and golden tests
 * compare against a notation people already know.
 */
#include "wisp.h"
#include "compat.h"

#ifndef BPF_JMP32
#define BPF_JMP32 0x06	/* headers before 5.1; the disassembler knows it */
#endif

void asm_init(Asm *a)
{
	*a = (Asm){0};
}

/* Append one instruction and return its index. */
static int emit(Asm *a, uint8_t code, int dst, int src, int16_t off, int32_t imm)
{
	if (a->n == a->cap) {
		int cap = a->cap ? 2 * a->cap : 64;
		a->insn = xrealloc(a->insn, a->cap * sizeof(*a->insn),
				   cap * sizeof(*a->insn));
		a->iloc = xrealloc(a->iloc, a->cap * sizeof(*a->iloc),
				   cap * sizeof(*a->iloc));
		a->cap = cap;
	}
	struct bpf_insn *in = &a->insn[a->n];
	*in = (struct bpf_insn){0};
	in->code = code;
	in->dst_reg = dst;
	in->src_reg = src;
	in->off = off;
	in->imm = imm;
	a->iloc[a->n] = a->cur;
	return a->n++;
}

int asm_label(Asm *a)
{
	if (a->nlabel == a->caplabel) {
		int cap = a->caplabel ? 2 * a->caplabel : 32;
		a->label = xrealloc(a->label, a->caplabel * sizeof(int),
				    cap * sizeof(int));
		a->caplabel = cap;
	}
	a->label[a->nlabel] = -1;
	return a->nlabel++;
}

void asm_bind(Asm *a, int label)
{
	a->label[label] = a->n;
}

/* Jumps (not calls, not exit) carry a label until asm_finish. */
static bool is_jump(const struct bpf_insn *in)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

void asm_finish(Asm *a)
{
	for (int pc = 0; pc < a->n; pc++) {
		struct bpf_insn *in = &a->insn[pc];
		if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			pc++;	/* the second half of a wide load is not an insn */
			continue;
		}
		if (!is_jump(in))
			continue;
		int l = (uint16_t)in->off;
		if (l >= a->nlabel || a->label[l] < 0)
			fatal("internal error: jump at %d to unbound label %d", pc, l);
		int off = a->label[l] - (pc + 1);
		if (off < INT16_MIN || off > INT16_MAX)
			fatal("internal error: jump at %d too far (%d)", pc, off);
		in->off = off;
	}
}

/* A label number rides in the 16-bit off field until asm_finish. */
static int16_t label_ref(Asm *a, int label)
{
	if (label < 0 || label >= a->nlabel || label > UINT16_MAX)
		fatal("internal error: bad label %d", label);
	return (int16_t)(uint16_t)label;
}

/* ---------------------------------------------------------- constructors */

void e_alu64_imm(Asm *a, int op, int dst, int32_t imm)
{
	emit(a, BPF_ALU64 | BPF_K | op, dst, 0, 0, imm);
}

void e_alu64_reg(Asm *a, int op, int dst, int src)
{
	emit(a, BPF_ALU64 | BPF_X | op, dst, src, 0, 0);
}

void e_alu32_imm(Asm *a, int op, int dst, int32_t imm)
{
	emit(a, BPF_ALU | BPF_K | op, dst, 0, 0, imm);
}

void e_alu32_reg(Asm *a, int op, int dst, int src)
{
	emit(a, BPF_ALU | BPF_X | op, dst, src, 0, 0);
}

void e_mov_imm(Asm *a, int dst, int32_t imm)
{
	e_alu64_imm(a, BPF_MOV, dst, imm);
}

void e_mov_reg(Asm *a, int dst, int src)
{
	e_alu64_reg(a, BPF_MOV, dst, src);
}

void e_neg(Asm *a, int dst)
{
	emit(a, BPF_ALU64 | BPF_NEG, dst, 0, 0, 0);
}

/* BPF_ALU class: the 64-bit register is converted to (or from) the given
 * byte order, then truncated to bits; on a machine already in that order
 * only the truncation happens. */
void e_endian(Asm *a, int dst, int bits, bool to_be)
{
	emit(a, BPF_ALU | BPF_END | (to_be ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0,
	     bits);
}

/* The wide load: the low half of imm in the first slot, the high half in
 * the second, whose other fields must be zero. */
static void wide(Asm *a, int dst, int src, uint64_t imm)
{
	emit(a, BPF_LD | BPF_DW | BPF_IMM, dst, src, 0, (int32_t)(uint32_t)imm);
	emit(a, 0, 0, 0, 0, (int32_t)(uint32_t)(imm >> 32));
}

void e_ld_imm64(Asm *a, int dst, uint64_t imm)
{
	wide(a, dst, 0, imm);
}

void e_ld_map(Asm *a, int dst, int mapfd)
{
	wide(a, dst, BPF_PSEUDO_MAP_FD, (uint32_t)mapfd);
}

void e_ldx(Asm *a, int size, int dst, int src, int16_t off)
{
	emit(a, BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

void e_stx(Asm *a, int size, int dst, int16_t off, int src)
{
	emit(a, BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

void e_st_imm(Asm *a, int size, int dst, int16_t off, int32_t imm)
{
	emit(a, BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}

/* BPF_ATOMIC with imm BPF_ADD is the old BPF_XADD encoding (both 0xc0),
 * so kernels from before BPF_ATOMIC existed accept it too. */
void e_xadd(Asm *a, int size, int dst, int16_t off, int src)
{
	emit(a, BPF_STX | BPF_ATOMIC | size, dst, src, off, BPF_ADD);
}

void e_jmp_imm(Asm *a, int op, int dst, int32_t imm, int label)
{
	emit(a, BPF_JMP | BPF_K | op, dst, 0, label_ref(a, label), imm);
}

void e_jmp_reg(Asm *a, int op, int dst, int src, int label)
{
	emit(a, BPF_JMP | BPF_X | op, dst, src, label_ref(a, label), 0);
}

void e_ja(Asm *a, int label)
{
	emit(a, BPF_JMP | BPF_JA, 0, 0, label_ref(a, label), 0);
}

void e_call(Asm *a, int helper)
{
	emit(a, BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}

void e_exit(Asm *a)
{
	emit(a, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* ---------------------------------------------------------- helper names */

/* BPF_FUNC_* by number. The numbers are kernel ABI and never change, so
 * the table is written out rather than taken from linux/bpf.h: an old
 * header would otherwise leave the newer helpers nameless. */
static const char *const helpers[] = {
	/*   0 */ "bpf_unspec", "bpf_map_lookup_elem", "bpf_map_update_elem",
	/*   3 */ "bpf_map_delete_elem", "bpf_probe_read", "bpf_ktime_get_ns",
	/*   6 */ "bpf_trace_printk", "bpf_get_prandom_u32",
	/*   8 */ "bpf_get_smp_processor_id", "bpf_skb_store_bytes",
	/*  10 */ "bpf_l3_csum_replace", "bpf_l4_csum_replace",
	/*  12 */ "bpf_tail_call", "bpf_clone_redirect",
	/*  14 */ "bpf_get_current_pid_tgid", "bpf_get_current_uid_gid",
	/*  16 */ "bpf_get_current_comm", "bpf_get_cgroup_classid",
	/*  18 */ "bpf_skb_vlan_push", "bpf_skb_vlan_pop",
	/*  20 */ "bpf_skb_get_tunnel_key", "bpf_skb_set_tunnel_key",
	/*  22 */ "bpf_perf_event_read", "bpf_redirect", "bpf_get_route_realm",
	/*  25 */ "bpf_perf_event_output", "bpf_skb_load_bytes",
	/*  27 */ "bpf_get_stackid", "bpf_csum_diff", "bpf_skb_get_tunnel_opt",
	/*  30 */ "bpf_skb_set_tunnel_opt", "bpf_skb_change_proto",
	/*  32 */ "bpf_skb_change_type", "bpf_skb_under_cgroup",
	/*  34 */ "bpf_get_hash_recalc", "bpf_get_current_task",
	/*  36 */ "bpf_probe_write_user", "bpf_current_task_under_cgroup",
	/*  38 */ "bpf_skb_change_tail", "bpf_skb_pull_data",
	/*  40 */ "bpf_csum_update", "bpf_set_hash_invalid",
	/*  42 */ "bpf_get_numa_node_id", "bpf_skb_change_head",
	/*  44 */ "bpf_xdp_adjust_head", "bpf_probe_read_str",
	/*  46 */ "bpf_get_socket_cookie", "bpf_get_socket_uid",
	/*  48 */ "bpf_set_hash", "bpf_setsockopt", "bpf_skb_adjust_room",
	/*  51 */ "bpf_redirect_map", "bpf_sk_redirect_map",
	/*  53 */ "bpf_sock_map_update", "bpf_xdp_adjust_meta",
	/*  55 */ "bpf_perf_event_read_value", "bpf_perf_prog_read_value",
	/*  57 */ "bpf_getsockopt", "bpf_override_return",
	/*  59 */ "bpf_sock_ops_cb_flags_set", "bpf_msg_redirect_map",
	/*  61 */ "bpf_msg_apply_bytes", "bpf_msg_cork_bytes",
	/*  63 */ "bpf_msg_pull_data", "bpf_bind", "bpf_xdp_adjust_tail",
	/*  66 */ "bpf_skb_get_xfrm_state", "bpf_get_stack",
	/*  68 */ "bpf_skb_load_bytes_relative", "bpf_fib_lookup",
	/*  70 */ "bpf_sock_hash_update", "bpf_msg_redirect_hash",
	/*  72 */ "bpf_sk_redirect_hash", "bpf_lwt_push_encap",
	/*  74 */ "bpf_lwt_seg6_store_bytes", "bpf_lwt_seg6_adjust_srh",
	/*  76 */ "bpf_lwt_seg6_action", "bpf_rc_repeat", "bpf_rc_keydown",
	/*  79 */ "bpf_skb_cgroup_id", "bpf_get_current_cgroup_id",
	/*  81 */ "bpf_get_local_storage", "bpf_sk_select_reuseport",
	/*  83 */ "bpf_skb_ancestor_cgroup_id", "bpf_sk_lookup_tcp",
	/*  85 */ "bpf_sk_lookup_udp", "bpf_sk_release", "bpf_map_push_elem",
	/*  88 */ "bpf_map_pop_elem", "bpf_map_peek_elem", "bpf_msg_push_data",
	/*  91 */ "bpf_msg_pop_data", "bpf_rc_pointer_rel", "bpf_spin_lock",
	/*  94 */ "bpf_spin_unlock", "bpf_sk_fullsock", "bpf_tcp_sock",
	/*  97 */ "bpf_skb_ecn_set_ce", "bpf_get_listener_sock",
	/*  99 */ "bpf_skc_lookup_tcp", "bpf_tcp_check_syncookie",
	/* 101 */ "bpf_sysctl_get_name", "bpf_sysctl_get_current_value",
	/* 103 */ "bpf_sysctl_get_new_value", "bpf_sysctl_set_new_value",
	/* 105 */ "bpf_strtol", "bpf_strtoul", "bpf_sk_storage_get",
	/* 108 */ "bpf_sk_storage_delete", "bpf_send_signal",
	/* 110 */ "bpf_tcp_gen_syncookie", "bpf_skb_output",
	/* 112 */ "bpf_probe_read_user", "bpf_probe_read_kernel",
	/* 114 */ "bpf_probe_read_user_str", "bpf_probe_read_kernel_str",
	/* 116 */ "bpf_tcp_send_ack", "bpf_send_signal_thread",
	/* 118 */ "bpf_jiffies64", "bpf_read_branch_records",
	/* 120 */ "bpf_get_ns_current_pid_tgid", "bpf_xdp_output",
	/* 122 */ "bpf_get_netns_cookie", "bpf_get_current_ancestor_cgroup_id",
	/* 124 */ "bpf_sk_assign", "bpf_ktime_get_boot_ns", "bpf_seq_printf",
	/* 127 */ "bpf_seq_write", "bpf_sk_cgroup_id",
	/* 129 */ "bpf_sk_ancestor_cgroup_id", "bpf_ringbuf_output",
	/* 131 */ "bpf_ringbuf_reserve", "bpf_ringbuf_submit",
	/* 133 */ "bpf_ringbuf_discard", "bpf_ringbuf_query", "bpf_csum_level",
	/* 136 */ "bpf_skc_to_tcp6_sock", "bpf_skc_to_tcp_sock",
	/* 138 */ "bpf_skc_to_tcp_timewait_sock",
	/* 139 */ "bpf_skc_to_tcp_request_sock", "bpf_skc_to_udp6_sock",
	/* 141 */ "bpf_get_task_stack", "bpf_load_hdr_opt",
	/* 143 */ "bpf_store_hdr_opt", "bpf_reserve_hdr_opt",
	/* 145 */ "bpf_inode_storage_get", "bpf_inode_storage_delete",
	/* 147 */ "bpf_d_path", "bpf_copy_from_user", "bpf_snprintf_btf",
	/* 150 */ "bpf_seq_printf_btf", "bpf_skb_cgroup_classid",
	/* 152 */ "bpf_redirect_neigh", "bpf_per_cpu_ptr", "bpf_this_cpu_ptr",
	/* 155 */ "bpf_redirect_peer", "bpf_task_storage_get",
	/* 157 */ "bpf_task_storage_delete", "bpf_get_current_task_btf",
	/* 159 */ "bpf_bprm_opts_set", "bpf_ktime_get_coarse_ns",
	/* 161 */ "bpf_ima_inode_hash", "bpf_sock_from_file", "bpf_check_mtu",
	/* 164 */ "bpf_for_each_map_elem", "bpf_snprintf", "bpf_sys_bpf",
	/* 167 */ "bpf_btf_find_by_name_kind", "bpf_sys_close",
	/* 169 */ "bpf_timer_init", "bpf_timer_set_callback",
	/* 171 */ "bpf_timer_start", "bpf_timer_cancel", "bpf_get_func_ip",
	/* 174 */ "bpf_get_attach_cookie", "bpf_task_pt_regs",
	/* 176 */ "bpf_get_branch_snapshot", "bpf_trace_vprintk",
	/* 178 */ "bpf_skc_to_unix_sock", "bpf_kallsyms_lookup_name",
	/* 180 */ "bpf_find_vma", "bpf_loop", "bpf_strncmp",
	/* 183 */ "bpf_get_func_arg", "bpf_get_func_ret",
	/* 185 */ "bpf_get_func_arg_cnt", "bpf_get_retval", "bpf_set_retval",
	/* 188 */ "bpf_xdp_get_buff_len", "bpf_xdp_load_bytes",
	/* 190 */ "bpf_xdp_store_bytes", "bpf_copy_from_user_task",
	/* 192 */ "bpf_skb_set_tstamp", "bpf_ima_file_hash", "bpf_kptr_xchg",
	/* 195 */ "bpf_map_lookup_percpu_elem", "bpf_skc_to_mptcp_sock",
	/* 197 */ "bpf_dynptr_from_mem", "bpf_ringbuf_reserve_dynptr",
	/* 199 */ "bpf_ringbuf_submit_dynptr", "bpf_ringbuf_discard_dynptr",
	/* 201 */ "bpf_dynptr_read", "bpf_dynptr_write", "bpf_dynptr_data",
	/* 204 */ "bpf_tcp_raw_gen_syncookie_ipv4",
	/* 205 */ "bpf_tcp_raw_gen_syncookie_ipv6",
	/* 206 */ "bpf_tcp_raw_check_syncookie_ipv4",
	/* 207 */ "bpf_tcp_raw_check_syncookie_ipv6", "bpf_ktime_get_tai_ns",
	/* 209 */ "bpf_user_ringbuf_drain", "bpf_cgrp_storage_get",
	/* 211 */ "bpf_cgrp_storage_delete",
};

/* The kernel's name ("bpf_map_lookup_elem"), or "unknown". */
const char *helper_name(int id)
{
	int n = sizeof(helpers) / sizeof(helpers[0]);
	return id >= 0 && id < n ? helpers[id] : "unknown";
}

/* ---------------------------------------------------------- disassembler */

/* Operator spellings, indexed by BPF_OP(code) >> 4. */
static const char *const alu_op[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "endian", "?", "?",
};
static const char *const jmp_op[16] = {
	"jmp", "==", ">", ">=", "&", "!=", "s>", "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "?", "?",
};

/* Access sizes, indexed by BPF_SIZE(code) >> 3 (W, H, B, DW). */
static const char *const mem_size[4] = { "u32", "u16", "u8", "u64" };

static void dis_alu(FILE *f, const struct bpf_insn *in)
{
	int op = BPF_OP(in->code);
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';

	if (op == BPF_END && is64)	/* the v4 unconditional byte swap */
		fprintf(f, "r%d = bswap%d r%d", in->dst_reg, in->imm, in->dst_reg);
	else if (op == BPF_END)
		fprintf(f, "r%d = %s%d r%d", in->dst_reg,
			BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm,
			in->dst_reg);
	else if (op == BPF_NEG)
		fprintf(f, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	else if (BPF_SRC(in->code) == BPF_X)
		fprintf(f, "%c%d %s %c%d", r, in->dst_reg, alu_op[op >> 4], r,
			in->src_reg);
	else
		fprintf(f, "%c%d %s %d", r, in->dst_reg, alu_op[op >> 4], in->imm);
}

static void dis_mem(FILE *f, const struct bpf_insn *in)
{
	const char *sz = mem_size[BPF_SIZE(in->code) >> 3];
	int mode = BPF_MODE(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		fprintf(f, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz, in->src_reg,
			in->off);
		return;
	case BPF_ST:
		fprintf(f, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg, in->off,
			in->imm);
		return;
	}
	if (mode == BPF_MEM)
		fprintf(f, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg, in->off,
			in->src_reg);
	else if (mode == BPF_ATOMIC && in->imm == BPF_ADD)
		fprintf(f, "lock *(%s *)(r%d %+d) += r%d", sz, in->dst_reg,
			in->off, in->src_reg);
	else
		fprintf(f, "BUG_%02x", in->code);
}

static void dis_jmp(FILE *f, const struct bpf_insn *in)
{
	int op = BPF_OP(in->code);
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';

	if (op == BPF_CALL && in->src_reg == 0)
		fprintf(f, "call %s#%d", helper_name(in->imm), in->imm);
	else if (op == BPF_CALL)
		fprintf(f, "call pc%+d", in->imm);
	else if (op == BPF_EXIT)
		fprintf(f, "exit");
	else if (op == BPF_JA)
		fprintf(f, "goto pc%+d", in->off);
	else if (BPF_SRC(in->code) == BPF_X)
		fprintf(f, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg,
			jmp_op[op >> 4], r, in->src_reg, in->off);
	else
		fprintf(f, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg,
			jmp_op[op >> 4], (uint32_t)in->imm, in->off);
}

/* The wide load: a map reference by name or fd, else the 64-bit value. */
static void dis_wide(FILE *f, const struct bpf_insn *in,
		     const char *(*mapname)(int fd))
{
	uint64_t imm = (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm;
	const char *name = NULL;

	if (in->src_reg != BPF_PSEUDO_MAP_FD) {
		fprintf(f, "r%d = 0x%llx", in->dst_reg, (unsigned long long)imm);
		return;
	}
	if (mapname)
		name = mapname(in->imm);
	if (name)
		fprintf(f, "r%d = map[%s]", in->dst_reg, name);
	else
		fprintf(f, "r%d = map[fd:%d]", in->dst_reg, in->imm);
}

int disasm(FILE *f, const struct bpf_insn *insn, int n,
	   const char *(*mapname)(int fd))
{
	int lines = 0;

	for (int i = 0; i < n; i++, lines++) {
		const struct bpf_insn *in = &insn[i];
		fprintf(f, "%4d: (%02x) ", i, in->code);
		switch (BPF_CLASS(in->code)) {
		case BPF_ALU:
		case BPF_ALU64:
			dis_alu(f, in);
			break;
		case BPF_LDX:
		case BPF_ST:
		case BPF_STX:
			dis_mem(f, in);
			break;
		case BPF_JMP:
		case BPF_JMP32:
			dis_jmp(f, in);
			break;
		case BPF_LD:
			if (in->code == (BPF_LD | BPF_DW | BPF_IMM) && i + 1 < n) {
				dis_wide(f, in, mapname);
				i++;
			} else {
				fprintf(f, "BUG_ld_%02x", in->code);
			}
			break;
		}
		fputc('\n', f);
	}
	return lines;
}
