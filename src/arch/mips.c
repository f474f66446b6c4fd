/* mips and mipsel, 32- and 64-bit: one file, the ABI picked by the
 * compiler's macros.
 *
 * The kernel's struct pt_regs (arch/mips/include/asm/ptrace.h):
 *   32-bit kernels:  unsigned long pad0[8];   (later renamed args[8]: the o32
 *                                             argument save area)
 *   then             regs[32], cp0_status, hi, lo, cp0_badvaddr, cp0_cause,
 *                    cp0_epc  (each an unsigned long)
 * (kernels for SmartMIPS cores put an acx word after lo; Octeon ones add
 * registers at the end only).
 *
 * o32 passes 4 arguments in a0-a3 ($4-$7), whose $8-$15 are t0-t7; n64 and
 * n32 pass 8 in a0-a7 ($4-$11), and their $12-$15 are t0-t3. The table
 * assumes the kernel is as wide as wisp's ABI: o32 on a 32-bit kernel, n64
 * and n32 on a 64-bit one. Syscalls are plain sys_ functions. */
#if !defined(__mips__)
#error "src/arch/mips.c is for MIPS only (configure picks the table)"
#endif
#include "wisp.h"

#if _MIPS_SIM == _ABIO32
#define WORD 4
#define BASE 32		/* pad0[8] */
#define NARGS 4
#define ARCHNAME "mips"
#else
#define WORD 8
#define BASE 0
#define NARGS 8
#define ARCHNAME "mips64"
#endif

#define R(n) (BASE + WORD * (n))	/* regs[n] */
#define SPECIAL(n) R(32 + (n))		/* 0 status, 1 hi, 2 lo, 3 badvaddr, 4 cause, 5 epc */

static const char *const names[] = {
	"zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
#if NARGS == 4
	"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
#else
	"a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
#endif
	"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
	"t8", "t9", "k0", "k1", "gp", "sp", "fp", "ra",
	"s8", "status", "hi", "lo", "badvaddr", "cause", "epc", "pc",
};
static const int offs[] = {
	R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7),
	R(8), R(9), R(10), R(11), R(12), R(13), R(14), R(15),
	R(16), R(17), R(18), R(19), R(20), R(21), R(22), R(23),
	R(24), R(25), R(26), R(27), R(28), R(29), R(30), R(31),
	R(30), SPECIAL(0), SPECIAL(1), SPECIAL(2), SPECIAL(3), SPECIAL(4), SPECIAL(5), SPECIAL(5),
};

const struct arch arch = {
	.name = ARCHNAME,
	.word = WORD,
#if defined(__MIPSEB__)
	.big_endian = true,
#endif
	.nargs = NARGS,
#if NARGS == 4
	.arg = { R(4), R(5), R(6), R(7) },
#else
	.arg = { R(4), R(5), R(6), R(7), R(8), R(9), R(10), R(11) },
#endif
	.ret = R(2), .ip = SPECIAL(5), .sp = R(29), .fp = R(30),
#if NARGS == 4
	.sarg = 16,	/* o32: the caller reserves home slots for a0-a3 */
#endif
	.syscall_prefix = "sys_",
	.regnames = names, .regoffs = offs,
	.nregs = sizeof(names) / sizeof(names[0]),
};
