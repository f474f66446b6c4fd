/* x86_64: struct pt_regs as the kernel lays it out (arch/x86/include/uapi/asm/ptrace.h
 * order), the SysV calling convention, and the syscall wrapper prefix. */
#include "wisp.h"

static const char *const names[] = {
	"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
	"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss",
};
static const int offs[] = {
	0, 8, 16, 24, 32, 40, 48, 56, 64, 72,
	80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160,
};

const struct arch arch = {
	.name = "x86_64",
	.word = 8,
	.big_endian = false,
	.nargs = 6,
	.arg = { 112, 104, 96, 88, 72, 64 },	/* di si dx cx r8 r9 */
	.ret = 80, .ip = 128, .sp = 152, .fp = 32,
	.sarg = 8,	/* sp points at the return address */
	.syscall_prefix = "__x64_sys_",
	.sysarg = { 112, 104, 96, 56, 72, 64 },	/* di si dx r10 r8 r9 */
	.regnames = names, .regoffs = offs, .nregs = 21,
};
