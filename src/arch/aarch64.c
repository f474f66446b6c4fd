/* aarch64: struct pt_regs begins with the uapi user_pt_regs (regs[31],
 * sp, pc, pstate), then orig_x0; AAPCS64 passes 8 arguments in x0-x7;
 * syscalls go through __arm64_sys_ wrappers (since 4.19). reg() also takes
 * bpftrace's r0-r30 and the fp/lr names of x29/x30. */
#if !defined(__aarch64__)
#error "src/arch/aarch64.c is for AArch64 only (configure picks the table)"
#endif
#include "wisp.h"

#define X(n) (8 * (n))

static const char *const names[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7",
	"x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
	"x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate", "orig_x0", "fp", "lr",
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
	"r24", "r25", "r26", "r27", "r28", "r29", "r30",
};
static const int offs[] = {
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7),
	X(8), X(9), X(10), X(11), X(12), X(13), X(14), X(15),
	X(16), X(17), X(18), X(19), X(20), X(21), X(22), X(23),
	X(24), X(25), X(26), X(27), X(28), X(29), X(30),
	X(31), X(32), X(33), X(34), X(29), X(30),
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7),
	X(8), X(9), X(10), X(11), X(12), X(13), X(14), X(15),
	X(16), X(17), X(18), X(19), X(20), X(21), X(22), X(23),
	X(24), X(25), X(26), X(27), X(28), X(29), X(30),
};

const struct arch arch = {
	.name = "aarch64",
	.word = 8,
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	.big_endian = true,
#endif
	.nargs = 8,
	.arg = { X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7) },
	.ret = X(0), .ip = X(32), .sp = X(31), .fp = X(29),
	.sarg = 0,
	.syscall_prefix = "__arm64_sys_",
	.sysarg = { X(0), X(1), X(2), X(3), X(4), X(5) },
	.regnames = names, .regoffs = offs,
	.nregs = sizeof(names) / sizeof(names[0]),
};
