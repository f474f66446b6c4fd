/* fixture.c - the source of the ELF fixtures that check_elf and check_usdt
 * read (see make-fixtures.sh). It is compiled twice per architecture and
 * the two objects linked together: once plain, once with -DSEMAPHORES,
 * because <sys/sdt.h> gives every probe of a translation unit a semaphore
 * when _SDT_HAS_SEMAPHORES is defined (as dtrace -h headers do).
 *
 * Nothing here ever runs: the files are only read. The probes are chosen
 * for the operand kinds gcc emits: registers, constants, stack and indexed
 * memory, a global (rip-relative on x86_64), a probe in two places. */
#ifdef SEMAPHORES
#define _SDT_HAS_SEMAPHORES 1
__extension__ unsigned short wisp_sem_semaphore
	__attribute__((unused, section(".probes")));
#endif
#include <sys/sdt.h>

#ifdef SEMAPHORES
int fx_sem(int a, long b)
{
	if (__builtin_expect(wisp_sem_semaphore, 0))
		STAP_PROBE2(wisp, sem, a, b);
	return a * 3;
}
#else
int fx_sem(int a, long b);
int fx_global = 7;

__attribute__((noinline)) long fx_add(long a, long b)
{
	STAP_PROBE2(wisp, add, a, b);
	return a + b;
}

__attribute__((noinline)) int fx_mem(int *p, long i)
{
	STAP_PROBE3(wisp, mem, p[i], p[1], fx_global);
	return p[i] + 1;
}

__attribute__((noinline)) void fx_const(void)
{
	STAP_PROBE2(wisp, konst, 5, -3);
	STAP_PROBE(wisp, twice);
}

__attribute__((noinline)) int fx_stack(int n)
{
	volatile int slot = n;
	unsigned char c = (unsigned char)n;
	short s = (short)-n;
	STAP_PROBE3(other, small, slot, c, s);
	STAP_PROBE(wisp, twice);
	return slot;
}

int fx_array[4] = { 1, 2, 3, 4 };

void _start(void)
{
	int *v = fx_array;
	fx_add(1, 2);
	fx_mem(v, 2);
	fx_const();
	fx_stack(9);
	fx_sem(1, 2);
	for (;;)
		;
}
#endif
