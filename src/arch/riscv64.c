/* riscv64: struct pt_regs begins with user_regs_struct (epc as pc, then
 * x1-x31 by ABI name), then status, badaddr, cause, orig_a0; arguments in
 * a0-a7; syscalls go through __riscv_sys_ wrappers (kernels since 6.6;
 * older ones call sys_ directly). */
#if !defined(__riscv) || __riscv_xlen != 64
#error "src/arch/riscv64.c is for 64-bit RISC-V only (configure picks the table)"
#endif
#include "wisp.h"

#define W(n) (8 * (n))

static const char *const names[] = {
	"pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	"status", "badaddr", "cause", "orig_a0", "fp",
};
static const int offs[] = {
	W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7),
	W(8), W(9), W(10), W(11), W(12), W(13), W(14), W(15),
	W(16), W(17), W(18), W(19), W(20), W(21), W(22), W(23),
	W(24), W(25), W(26), W(27), W(28), W(29), W(30), W(31),
	W(32), W(33), W(34), W(35), W(8),
};

const struct arch arch = {
	.name = "riscv64",
	.word = 8,
	.big_endian = false,
	.nargs = 8,
	.arg = { W(10), W(11), W(12), W(13), W(14), W(15), W(16), W(17) },
	.ret = W(10), .ip = W(0), .sp = W(2), .fp = W(8),
	.sarg = 0,
	.syscall_prefix = "__riscv_sys_",
	.sysarg = { W(10), W(11), W(12), W(13), W(14), W(15) },
	.regnames = names, .regoffs = offs,
	.nregs = sizeof(names) / sizeof(names[0]),
};
