/* check_syscalls.c - the syscall table generated from <asm/unistd.h>:
 * known numbers of the host's architecture, the event names that are not
 * __NR_ names, nr -> name -> nr, and every syscalls:sys_enter_* event of
 * this machine's tracefs (when it can be read; else the test says why it
 * skips, on stdout). */
#include "unit.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/version.h>

/* ------------------------------------------------------------ numbers */

START_TEST(t_known)
{
	/* the same headers as the table, through libc's names */
	ck_assert_int_eq(syscall_nr("openat"), SYS_openat);
	ck_assert_int_eq(syscall_nr("read"), SYS_read);
	ck_assert_int_eq(syscall_nr("getppid"), SYS_getppid);
	ck_assert_int_eq(syscall_nr("exit_group"), SYS_exit_group);
	/* and the numbers themselves, written out */
#if defined(__x86_64__) && !defined(__ILP32__)
	ck_assert_int_eq(syscall_nr("read"), 0);
	ck_assert_int_eq(syscall_nr("openat"), 257);
	ck_assert_int_eq(syscall_nr("getppid"), 110);
	ck_assert_int_eq(syscall_nr("bpf"), 321);
	ck_assert_int_eq(syscall_nr("stat"), 4);
	ck_assert_str_eq(syscall_name(257), "openat");
	ck_assert_str_eq(syscall_name(0), "read");
#elif defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64)
	ck_assert_int_eq(syscall_nr("read"), 63);
	ck_assert_int_eq(syscall_nr("openat"), 56);
	ck_assert_int_eq(syscall_nr("getppid"), 173);
	ck_assert_str_eq(syscall_name(56), "openat");
#elif defined(__arm__)
	ck_assert_int_eq(syscall_nr("read"), 3);
	ck_assert_int_eq(syscall_nr("openat"), 322);
	ck_assert_int_eq(syscall_nr("getppid"), 64);
	ck_assert_str_eq(syscall_name(322), "openat");
#elif defined(__mips__) && _MIPS_SIM == _ABIO32
	ck_assert_int_eq(syscall_nr("read"), 4003);
	ck_assert_int_eq(syscall_nr("openat"), 4288);
	ck_assert_int_eq(syscall_nr("getppid"), 4064);
	ck_assert_str_eq(syscall_name(4288), "openat");
	ck_assert_ptr_null(syscall_name(288));
#elif defined(__mips__) && _MIPS_SIM == _ABI64
	ck_assert_int_eq(syscall_nr("read"), 5000);
	ck_assert_int_eq(syscall_nr("openat"), 5247);
	ck_assert_int_eq(syscall_nr("getppid"), 5108);
	ck_assert_str_eq(syscall_name(5247), "openat");
#else
	printf("note %s: no numbers written out for this architecture\n", __func__);
#endif
}
END_TEST

/* The event names that differ from the __NR_ ones. */
START_TEST(t_aliases)
{
#ifdef __NR_stat
	ck_assert_int_eq(syscall_nr("newstat"), __NR_stat);
	ck_assert_int_eq(syscall_nr("newlstat"), __NR_lstat);
#endif
	ck_assert_int_eq(syscall_nr("newfstat"), __NR_fstat);
	ck_assert_int_eq(syscall_nr("newuname"), __NR_uname);
	ck_assert_int_eq(syscall_nr("umount"), __NR_umount2);
	ck_assert_int_eq(syscall_nr("pread64"), __NR_pread64);
#ifdef __NR_sendfile64
	ck_assert_int_eq(syscall_nr("sendfile64"), __NR_sendfile64);
	ck_assert_int_eq(syscall_nr("sendfile"), __NR_sendfile);
#else
	ck_assert_int_eq(syscall_nr("sendfile64"), __NR_sendfile);
#endif
#ifdef __NR_clock_gettime64
	/* 32-bit: event clock_gettime is the 64-bit time one */
	ck_assert_int_eq(syscall_nr("clock_gettime"), __NR_clock_gettime64);
	ck_assert_int_eq(syscall_nr("clock_gettime32"), __NR_clock_gettime);
	ck_assert_int_eq(syscall_nr("futex"), __NR_futex_time64);
	ck_assert_int_eq(syscall_nr("nanosleep_time32"), __NR_nanosleep);
#else
	ck_assert_int_eq(syscall_nr("clock_gettime"), __NR_clock_gettime);
	ck_assert_int_eq(syscall_nr("futex"), __NR_futex);
#endif
#if defined(__x86_64__) && !defined(__ILP32__)
	ck_assert_int_eq(syscall_nr("newstat"), 4);
	ck_assert_int_eq(syscall_nr("newfstat"), 5);
	ck_assert_int_eq(syscall_nr("newlstat"), 6);
	ck_assert_int_eq(syscall_nr("sendfile64"), 40);
	ck_assert_int_eq(syscall_nr("newuname"), 63);
	ck_assert_int_eq(syscall_nr("umount"), 166);
#endif
#if defined(__mips__) && _MIPS_SIM == _ABIO32
	ck_assert_int_eq(syscall_nr("uname"), 4109);
	ck_assert_int_eq(syscall_nr("newuname"), 4122);
	ck_assert_int_eq(syscall_nr("oldumount"), 4022);
	ck_assert_int_eq(syscall_nr("umount"), 4052);
#endif
#ifdef __NR_getuid32
	ck_assert_int_eq(syscall_nr("getuid"), __NR_getuid32);
	ck_assert_int_eq(syscall_nr("getuid16"), __NR_getuid);
#endif
}
END_TEST

START_TEST(t_unknown)
{
	ck_assert_int_eq(syscall_nr("no_such_syscall"), -1);
	ck_assert_int_eq(syscall_nr(""), -1);
	ck_assert_int_eq(syscall_nr(NULL), -1);
	ck_assert_int_eq(syscall_nr("OPENAT"), -1);
	ck_assert_int_eq(syscall_nr("openat "), -1);
	ck_assert_int_eq(syscall_nr("sys_enter_openat"), -1);
	ck_assert_int_eq(syscall_nr("16"), -1);
#ifndef __NR_clock_gettime64
	/* the 32-bit targets' event names are not taken elsewhere */
	ck_assert_int_eq(syscall_nr("clock_gettime32"), -1);
	ck_assert_int_eq(syscall_nr("futex_time32"), -1);
#endif
#ifndef __NR_getuid32
	ck_assert_int_eq(syscall_nr("getuid16"), -1);
#endif
#ifndef __aarch64__
	ck_assert_int_eq(syscall_nr("arm64_personality"), -1);
#endif
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ck_assert_int_eq(syscall_nr(big), -1);
	ck_assert_ptr_null(syscall_name(-1));
	ck_assert_ptr_null(syscall_name(1 << 30));
	ck_assert_ptr_null(syscall_name(syscall_nr("openat") + 100000));
}
END_TEST

/* nr -> name -> nr over the whole range. The __NR_ name goes back to its
 * number except where it is also the event name of a newer slot (32-bit:
 * clock_gettime is the _time64 one): never on 64-bit targets. */
START_TEST(t_round_trip)
{
	int names = 0, moved = 0;
	for (int nr = -10; nr < 10000; nr++) {
		const char *name = syscall_name(nr);
		if (!name)
			continue;
		names++;
		ck_assert_ptr_eq(syscall_name(nr), name);	/* stable */
		int back = syscall_nr(name);
		ck_assert_int_ge(back, 0);
		if (back != nr) {
			printf("note %s: %s is %d, its event %d (%s)\n", __func__, name, nr,
			       back, syscall_name(back));
			ck_assert_str_ne(syscall_name(back), name);
			moved++;
		}
	}
	ck_assert_int_gt(names, 250);
	if (sizeof(long) == 8)
		ck_assert_int_eq(moved, 0);
	printf("note %s: %d names, %d the event of another slot\n", __func__, names, moved);
}
END_TEST

/* ------------------------------------------------------------ tracefs */

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every syscalls:sys_enter_* event here has a number, and no two the same
 * one. A kernel newer than the <asm/unistd.h> wisp was built with has
 * syscalls the table cannot know: those are listed, and fail the test
 * only when the headers are not older than the kernel. */
START_TEST(t_events)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events/syscalls",
		"/sys/kernel/debug/tracing/events/syscalls",
	};
	DIR *d = NULL;
	const char *dir = NULL;
	int err = 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !d; i++) {
		d = opendir(dirs[i]);
		if (d)
			dir = dirs[i];
		else if (!err || errno != ENOENT)
			err = errno;
	}
	if (!d) {
		printf("SKIP %s: cannot read %s or %s: %s\n", __func__, dirs[0], dirs[1],
		       strerror(err));
		return;
	}
	struct vec ev = { 0 };
	struct dirent *e;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "sys_enter_", 10))
			vec_push(&ev, xstrdup(e->d_name + 10));
	closedir(d);
	if (!ev.n) {
		printf("SKIP %s: no sys_enter_* events in %s (no CONFIG_FTRACE_SYSCALLS?)\n",
		       __func__, dir);
		return;
	}
	qsort(ev.v, ev.n, sizeof(ev.v[0]), by_str);

	struct utsname u;
	int kmaj = 0, kmin = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &kmaj, &kmin);
	bool old_headers = KERNEL_VERSION(kmaj, kmin, 0) >
			   KERNEL_VERSION(LINUX_VERSION_CODE >> 16, (LINUX_VERSION_CODE >> 8) & 255, 0);

	int unresolved = 0;
	char *owner[1 << 14] = { 0 };	/* nr - first -> the event that has it */
	int first = syscall_nr("read") > 1000 ? syscall_nr("read") / 1000 * 1000 : 0;
	for (int i = 0; i < ev.n; i++) {
		char *name = ev.v[i];
		int nr = syscall_nr(name);
		if (nr < 0) {
			printf("%s %s: sys_enter_%s has no number\n",
			       old_headers ? "note" : "FAIL", __func__, name);
			unresolved++;
			continue;
		}
		int k = nr - first;
		ck_assert_msg(k >= 0 && k < (int)(sizeof(owner) / sizeof(owner[0])),
			      "%s: %d out of range", name, nr);
		ck_assert_msg(!owner[k], "sys_enter_%s and sys_enter_%s both have number %d",
			      owner[k], name, nr);
		owner[k] = name;
	}
	printf("note %s: %d of %d sys_enter_* events in %s resolve\n", __func__,
	       ev.n - unresolved, ev.n, dir);
	if (unresolved && old_headers)
		printf("note %s: the %d without a number are newer than the <asm/unistd.h> "
		       "of Linux %d.%d this was built with (the kernel is %d.%d)\n",
		       __func__, unresolved, LINUX_VERSION_CODE >> 16,
		       (LINUX_VERSION_CODE >> 8) & 255, kmaj, kmin);
	else
		ck_assert_int_eq(unresolved, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("syscalls");
	TCase *tc = tcase_create("syscalls");
	tcase_add_test(tc, t_known);
	tcase_add_test(tc, t_aliases);
	tcase_add_test(tc, t_unknown);
	tcase_add_test(tc, t_round_trip);
	tcase_add_test(tc, t_events);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
