/* arm (32-bit): struct pt_regs is uregs[18]: r0-r10, fp (r11), ip (r12),
 * sp, lr, pc, cpsr, ORIG_r0; AAPCS passes 4 arguments in r0-r3; syscalls
 * are plain sys_ functions. Little- or big-endian (armeb) alike. */
#if !defined(__arm__)
#error "src/arch/arm.c is for 32-bit ARM only (configure picks the table)"
#endif
#include "wisp.h"

#define R(n) (4 * (n))

static const char *const names[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"fp", "ip", "sp", "lr", "pc", "cpsr", "orig_r0",
	"r11", "r12", "r13", "r14", "r15",
};
static const int offs[] = {
	R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7), R(8), R(9), R(10),
	R(11), R(12), R(13), R(14), R(15), R(16), R(17),
	R(11), R(12), R(13), R(14), R(15),
};

const struct arch arch = {
	.name = "arm",
	.word = 4,
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	.big_endian = true,
#endif
	.nargs = 4,
	.arg = { R(0), R(1), R(2), R(3) },
	.ret = R(0), .ip = R(15), .sp = R(13), .fp = R(11),
	.sarg = 0,
	.syscall_prefix = "sys_",
	.no_div64 = true,
	.regnames = names, .regoffs = offs,
	.nregs = sizeof(names) / sizeof(names[0]),
};
