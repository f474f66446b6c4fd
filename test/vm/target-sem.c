/* target-sem.c - the USDT probe of target.c that has a semaphore.
 *
 * <sys/sdt.h> gives every probe of a translation unit a semaphore once
 * _SDT_HAS_SEMAPHORES is defined, so the guarded probe lives here and
 * target.c's wisptest:tick has none. The kernel increments the semaphore
 * while a uprobe with a reference counter is attached at the probe (the
 * uprobe PMU's ref_ctr_offset, or "PATH:OFF(REFOFF)" in uprobe_events);
 * the code checks it and fires the probe only then.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

/* the name <sys/sdt.h> expects: PROVIDER_NAME_semaphore, in .probes */
__extension__ unsigned short wisptest_guarded_semaphore
	__attribute__((section(".probes"), used)) = 0;

long guarded_loop(long n);

/* n checks of the semaphore; returns how many found it set */
long guarded_loop(long n)
{
	long hits = 0;
	for (long i = 0; i < n; i++) {
		if (*(volatile unsigned short *)&wisptest_guarded_semaphore) {
			hits++;
			STAP_PROBE1(wisptest, guarded, i);
		}
	}
	return hits;
}
