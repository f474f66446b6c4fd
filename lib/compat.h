/* compat.h - constants newer than the oldest UAPI headers wisp builds with.
 * wisp compiles against whatever linux/bpf.h the toolchain has (Debian's,
 * or a cross toolchain's older one) and decides at run time what the kernel
 * supports; these fill in names the headers may lack. */
#ifndef WISP_COMPAT_H
#define WISP_COMPAT_H
#include <linux/bpf.h>

#ifndef BPF_ATOMIC
#define BPF_ATOMIC 0xc0
#endif
#ifndef BPF_F_TEST_RUN_ON_CPU
#define BPF_F_TEST_RUN_ON_CPU (1U << 0)
#endif
#include <linux/perf_event.h>
#ifndef PERF_FLAG_FD_CLOEXEC
#define PERF_FLAG_FD_CLOEXEC (1UL << 3)	/* linux/perf_event.h of 3.14 */
#endif
#endif
