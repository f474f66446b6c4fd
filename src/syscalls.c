/* syscalls.c - syscall numbers and names of the target wisp is built for.
 *
 * The table is src/syscalls.h, generated at build time from the __NR_
 * macros of <asm/unistd.h> as the configured (cross) compiler sees them
 * (Makefile.am, src/syscalls.awk): one string of names, "\0" between them,
 * indexed by number - SYSCALL_FIRST (4000, 5000 or 6000 on mips). Every
 * number in it is checked here against the macro it was computed from.
 *
 * syscall_nr() takes the name of a tracefs event, syscalls:sys_enter_NAME,
 * which is the name of the kernel function (SYSCALL_DEFINE(NAME)) in the
 * syscall table's slot, not always the slot's __NR_ name. The differences
 * (from the syscall tables of x86_64, arm64, arm and mips, and this list
 * checked against a 6.18 x86_64 kernel's tracefs by check_syscalls) are
 * the aliases below; note that a 32-bit wisp on a 64-bit kernel sees the
 * kernel's events and numbers, not these.
 */
#include "wisp.h"
#include <string.h>
#include <asm/unistd.h>

#define SYSCALL_CHECK(name, nr) _Static_assert(__NR_##name == (nr), "__NR_" #name);
#include "src/syscalls.h"

/* Event names that are a newer syscall than the __NR_ name they equal:
 * used before the table, when the target exists. On mips o32, event
 * "uname" is slot 109 (and "newuname" __NR_uname); on arm, "getrlimit" is
 * ugetrlimit. Besides: on 32-bit targets event X is __NR_X_time64 (futex,
 * ppoll...), event Xtime is __NR_Xtime64 (clock_gettime, timer_settime),
 * and on arm event X is __NR_X32 (the 32-bit uid calls: getuid, chown...). */
static const char newer[] =
	"umount\0" "umount2\0"
	"uname\0" "unused109\0"
	"getrlimit\0" "ugetrlimit\0";

/* Event names that are no __NR_ name: tried after the table. Besides: on
 * 32-bit targets event X_time32 or Xtime32 is __NR_X (nanosleep_time32,
 * clock_gettime32), and on arm X16 is __NR_X (getuid16). */
static const char older[] =
	"newstat\0" "stat\0"
	"newlstat\0" "lstat\0"
	"newfstat\0" "fstat\0"
	"newuname\0" "uname\0"
	"sendfile64\0" "sendfile\0"		/* 64-bit targets */
	"fadvise64_64\0" "fadvise64\0"		/* arm64, mips */
	"llseek\0" "_llseek\0"
	"select\0" "_newselect\0"
	"sysctl\0" "_sysctl\0"
	"oldumount\0" "umount\0"
	"olduname\0" "unused59\0"		/* mips o32 */
	"old_readdir\0" "readdir\0"
#if defined(__aarch64__)
	"arm64_personality\0" "personality\0"
#elif defined(__arm__)
	"old_semctl\0" "semctl\0"
	"old_msgctl\0" "msgctl\0"
	"old_shmctl\0" "shmctl\0"
#elif defined(__mips__)
	"mips_mmap\0" "mmap\0"
	"mips_mmap2\0" "mmap2\0"
#endif
	;

/* the __NR_ name -> number, or -1 */
static int lookup(const char *name)
{
	const char *p = syscall_names;
	for (int i = 0; i < SYSCALL_COUNT; i++, p += strlen(p) + 1)
		if (*p && !strcmp(p, name))
			return SYSCALL_FIRST + i;
	return -1;
}

/* name in a list of pairs -> the number of its partner, or -1 */
static int pair(const char *list, const char *name)
{
	for (const char *p = list; *p;) {
		const char *to = p + strlen(p) + 1;
		if (!strcmp(p, name))
			return lookup(to);
		p = to + strlen(to) + 1;
	}
	return -1;
}

static bool ends(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* name + suffix (or name less its last `cut` bytes) in the table */
static int variant(const char *name, size_t n, size_t cut, const char *suffix)
{
	char buf[64];
	if (n - cut + strlen(suffix) >= sizeof(buf))
		return -1;
	memcpy(buf, name, n - cut);
	strcpy(buf + n - cut, suffix);
	return lookup(buf);
}

int syscall_nr(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	int nr;
	if (!n || n > 48)
		return -1;
	if ((nr = pair(newer, name)) >= 0 ||
	    (nr = variant(name, n, 0, "_time64")) >= 0 ||
	    (ends(name, n, "time") && (nr = variant(name, n, 0, "64")) >= 0) ||
	    (nr = variant(name, n, 0, "32")) >= 0 ||
	    (nr = lookup(name)) >= 0 ||
	    (nr = pair(older, name)) >= 0 ||
	    (nr = pair(syscall_also, name)) >= 0)
		return nr;
	/* only where there are both (32-bit targets; arm's uids) */
	if (lookup("clock_gettime64") >= 0 && ends(name, n, "_time32"))
		return variant(name, n, 7, "");
	if ((lookup("clock_gettime64") >= 0 && ends(name, n, "time32")) ||
	    (lookup("getuid32") >= 0 && ends(name, n, "16")))
		return variant(name, n, 2, "");
	return -1;
}

const char *syscall_name(int nr)
{
	if (nr < SYSCALL_FIRST || nr >= SYSCALL_FIRST + SYSCALL_COUNT)
		return NULL;
	const char *p = syscall_names;
	for (int i = SYSCALL_FIRST; i < nr; i++)
		p += strlen(p) + 1;
	return *p ? p : NULL;
}
