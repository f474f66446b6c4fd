/* powerpc64 (big- and little-endian): struct pt_regs is gpr[32], nip, msr,
 * orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result; the ELF
 * ABIs pass 8 arguments in r3-r10 and return in r3; r1 is the stack
 * pointer and, through its back chain, the frame pointer too. Syscall
 * wrappers keep the sys_ names. */
#if !defined(__powerpc64__)
#error "src/arch/powerpc64.c is for 64-bit PowerPC only (configure picks the table)"
#endif
#include "wisp.h"

#define G(n) (8 * (n))

static const char *const names[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
	"r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
	"nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe",
	"trap", "dar", "dsisr", "result", "sp",
};
static const int offs[] = {
	G(0), G(1), G(2), G(3), G(4), G(5), G(6), G(7),
	G(8), G(9), G(10), G(11), G(12), G(13), G(14), G(15),
	G(16), G(17), G(18), G(19), G(20), G(21), G(22), G(23),
	G(24), G(25), G(26), G(27), G(28), G(29), G(30), G(31),
	G(32), G(33), G(34), G(35), G(36), G(37), G(38), G(39),
	G(40), G(41), G(42), G(43), G(1),
};

const struct arch arch = {
	.name = "powerpc64",
	.word = 8,
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	.big_endian = true,
#endif
	.nargs = 8,
	.arg = { G(3), G(4), G(5), G(6), G(7), G(8), G(9), G(10) },
	.ret = G(3), .ip = G(32), .sp = G(1), .fp = G(1),
	.sarg = 96,	/* ELFv2: after the 32-byte frame header and 8 saved-parameter words */
	.syscall_prefix = "sys_",
	.regnames = names, .regoffs = offs,
	.nregs = sizeof(names) / sizeof(names[0]),
};
