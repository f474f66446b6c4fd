#!/bin/sh
# test/vm/guest.sh [CASE...] - the guest-kernel suite. Runs as root inside a
# guest booted by test/vm/run.sh, under busybox sh; /bin/wisp and
# /bin/target (test/vm/target.c) are the guest architecture's static builds.
#
# The suite runs twice: with bpf_jit_enable=0 (the interpreter), then =1 (the
# JIT). When the kernel cannot change the setting, it says so and runs once.
# Each case prints "PASS name (jit off)", "FAIL name (jit on): why" (then a
# diff, indented by 4) or "SKIP name (jit off): reason", where a reason is a
# missing kernel feature. The last line is
#   guest: N passed, N failed, N skipped (jit off+on)
# and the exit status is 1 when a case failed.
#
# Every case must leave kprobe_events and uprobe_events empty: after each
# one the runner checks them (a case that leaves a probe there fails) and
# clears them. kprobe_tracefs, uprobe_tracefs, usdt_tracefs and
# cleanup_sigterm_tracefs run the kprobe, uprobe and USDT programs again
# with WISP_FORCE_TRACEFS=1, which makes wisp create its probes through
# those files rather than the perf PMUs: they check that the probes were
# there while wisp was attached (target's WT_SNAP) and gone afterwards.
# After each pass, kernel_log fails if the kernel logged a BUG, WARNING or
# Oops during it.
#
# Cases: kprobes (counts, arg2, retval, a wildcard with probe and func),
# uprobes (arguments, retval), USDT (arguments, a semaphore), tracepoints
# (syscalls:* typed fields, printf, hist, lhist, aggregations; the same on
# raw_syscalls:*, which fire on every kernel), 64-bit arithmetic, printf
# values, and cleanup when wisp is stopped by SIGINT / SIGTERM. C types:
# args by name from the kernel's BTF (kprobe, kfunc, rawtracepoint) with
# member chains to the file's name, a struct declared in the script read
# member by member at a uprobe (32-bit and big-endian layouts, bitfields);
# kstack, ustack, ksym, kaddr and usym.
#
# Exactness: target's reads, add3 calls and USDT hits are known (see
# target.c); probes that see every process are filtered to it with
# `pid == cpid && comm == "target"`. The comm test keeps out wisp's -c child
# before its exec: it waits for the go-ahead in read(2) on a pipe, which may
# start after the probes are attached. Expected texts are bpftrace's output
# for the program, derived by hand (test/live/run.sh does the same).
#
# Environment: WISP (/bin/wisp), TARGET (/bin/target), WTO (seconds for one
# wisp run, default 120: TCG is slow), KEEP=1 keeps /tmp/guest.

WISP=${WISP:-/bin/wisp}
TARGET=${TARGET:-/bin/target}
WTO=${WTO:-120}
T=/tmp/guest
rm -rf "$T"
mkdir -p "$T"
export LC_ALL=C

TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -d "$d/events" ]; then
		TRACEFS=$d
		break
	fi
done
KE=$TRACEFS/kprobe_events
UE=$TRACEFS/uprobe_events

# ------------------------------------------------------------------ helpers

why=''		# set by a failing check: the reason
detail=''	# a file of more lines (a diff), printed indented under FAIL

fail() {
	why=$*
	return 1
}

skip() {
	why=$*
	return 77
}

# one line of a file, for messages: newlines as |, at most 300 bytes
oneline() {
	head -c 300 "$1" 2>/dev/null | tr '\n' '|'
}

# w ARGS...: wisp under timeout, environment from $WENV; stdout in $C/out,
# stderr in $C/err, exit status in $rc
WENV=
w() {
	local t0 t1
	t0=$(date +%s)
	# shellcheck disable=SC2086
	env $WENV timeout -k 10 "$WTO" "$WISP" "$@" >"$C/out" 2>"$C/err" </dev/null
	rc=$?
	t1=$(date +%s)
	if [ $((t1 - t0)) -ge "$WTO" ]; then
		echo "timed out after ${WTO}s" >>"$C/err"
		rc=124
	fi
}

rc_is() {	# rc_is EXPECTED
	[ "$rc" = "$1" ] && return 0
	fail "exit status: expected $1, got $rc (stderr: $(oneline "$C/err"))"
}

no_stderr() {
	[ -s "$C/err" ] || return 0
	fail "unexpected stderr: $(oneline "$C/err")"
}

ok_run() {	# the last run exited 0 and said nothing on stderr
	rc_is 0 && no_stderr
}

# same WHAT EXPECTED_TEXT FILE: byte for byte
same() {
	printf '%s' "$2" >"$C/expected"
	cmp -s "$C/expected" "$3" && return 0
	why="$1 differs (expected $(wc -c <"$C/expected") bytes, got $(wc -c <"$3") bytes; diff -u expected got below)"
	# each line ends in $, to show trailing blanks
	diff -u "$C/expected" "$3" 2>/dev/null | tail -n +3 | head -n 60 | sed 's/$/$/' >"$C/diff"
	[ -s "$C/diff" ] || { echo "expected:"; sed 's/$/$/' "$C/expected"; echo "got:"; sed 's/$/$/' "$3"; } >"$C/diff"
	detail=$C/diff
	return 1
}

# the probes listed in kprobe_events and uprobe_events now
probes_now() {
	cat "$KE" "$UE" 2>/dev/null
}

# ---------------------------------------------------- what the kernel has

need_tracefs() {	# need_tracefs [CAT/NAME...]
	[ -n "$TRACEFS" ] || { skip "no tracefs"; return; }
	local t
	for t in "$@"; do
		[ -f "$TRACEFS/events/$t/format" ] || { skip "the kernel has no tracepoint $t"; return; }
	done
	return 0
}

need_kprobes() {
	[ -d /sys/bus/event_source/devices/kprobe ] || [ -f "$KE" ] ||
		{ skip "the kernel has no kprobes (no kprobe PMU, no kprobe_events)"; return; }
	grep -q ' vfs_read$' /proc/kallsyms 2>/dev/null ||
		{ skip "no vfs_read in /proc/kallsyms"; return; }
	return 0
}

need_kprobe_events() {
	need_kprobes || return
	[ -f "$KE" ] || skip "the kernel has no kprobe_events (CONFIG_KPROBE_EVENTS)"
}

need_uprobes() {
	[ -d /sys/bus/event_source/devices/uprobe ] || [ -f "$UE" ] ||
		skip "the kernel has no uprobes (no uprobe PMU, no uprobe_events)"
}

need_uprobe_events() {
	need_uprobes || return
	[ -f "$UE" ] || skip "the kernel has no uprobe_events (CONFIG_UPROBE_EVENTS)"
}

# Do syscalls:* tracepoints fire on this kernel? (On Debian's mips64el 6.1
# they never do, not even for ftrace; raw_syscalls:* do.) Asked of ftrace
# itself, once per boot, without wisp.
SYSCALLS_FIRE=
syscalls_fire() {
	if [ -z "$SYSCALLS_FIRE" ]; then
		local ev=$TRACEFS/events/syscalls/sys_enter_read
		SYSCALLS_FIRE=no
		if [ -f "$ev/enable" ]; then
			: >"$TRACEFS/trace"
			echo 1 >"$ev/enable"
			"$TARGET" reads 10
			echo 0 >"$ev/enable"
			[ "$(grep -c 'target-[0-9]' "$TRACEFS/trace")" -ge 10 ] && SYSCALLS_FIRE=yes
			: >"$TRACEFS/trace"
		fi
	fi
	[ "$SYSCALLS_FIRE" = yes ]
}

need_syscalls() {	# need_syscalls NAME...: syscalls:NAME exist and fire
	local n
	for n in "$@"; do
		need_tracefs "syscalls/$n" || return
	done
	syscalls_fire || skip "syscalls:* tracepoints never fire on this kernel (ftrace sees no sys_enter_read either; raw_syscalls cases cover it)"
}

# --------------------------------------------- expected outputs of target
# target reads 100: counts 1 x10, 16 x20, 64 x30, 256 x40; returns 1 x10,
# 16 x20, 64 x70. Maps print sorted by value.
EXP_COUNT='@[1]: 10
@[16]: 20
@[64]: 30
@[256]: 40
'
EXP_RET='@[1]: 10
@[16]: 20
@[64]: 70
'
# hist and lhist of those returns; bars: floor(count * 52 / 70)
EXP_HIST='[1]                   10 |@@@@@@@                                             |
[2, 4)                 0 |                                                    |
[4, 8)                 0 |                                                    |
[8, 16)                0 |                                                    |
[16, 32)              20 |@@@@@@@@@@@@@@                                      |
[32, 64)               0 |                                                    |
[64, 128)             70 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
'
EXP_LHIST='[0, 20)               30 |@@@@@@@@@@@@@@@@@@@@@@                              |
[20, 40)               0 |                                                    |
[40, 60)               0 |                                                    |
[60, 80)              70 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
'
# the filter every system-wide probe gets
F='pid == cpid && comm == "target"'

# ------------------------------------------------------------------ kprobes

t_kprobe_count() {
	need_kprobes || return
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @ = count(); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@: 100
' "$C/out"
}

t_kretprobe_count() {
	need_kprobes || return
	w -c "$TARGET reads 100" -e "kretprobe:vfs_read /$F/ { @ = count(); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@: 100
' "$C/out"
}

t_kprobe_arg() {
	# vfs_read(file, buf, count, pos): arg2 is the count asked for
	need_kprobes || return
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @[arg2] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


$EXP_COUNT" "$C/out"
}

t_kretprobe_retval() {
	need_kprobes || return
	w -c "$TARGET reads 100" -e "kretprobe:vfs_read /$F/ { @[retval] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


$EXP_RET" "$C/out"
}

t_kprobe_wildcard() {
	# vfs_rea* matches more than vfs_read (vfs_readv, vfs_readlink, ...).
	# target calls vfs_read 100 times and nothing else of these, but for
	# the readlink(2) that static glibc's start-up may make: that line, if
	# there, is left out of the comparison
	need_kprobes || return
	local n
	w -c "$TARGET reads 100" -e "kprobe:vfs_rea* /$F/ { @p[probe] = count(); @f[func] = count(); }"
	ok_run || return 1
	n=$(sed -n '1s/^Attaching \([0-9]*\) probes\.\.\.$/\1/p' "$C/out")
	[ -n "$n" ] || { fail "first line: expected 'Attaching N probes...', got '$(head -n 1 "$C/out")'"; return 1; }
	[ "$n" -ge 2 ] || { fail "kprobe:vfs_rea* attached $n probe(s); vfs_read, vfs_readv, vfs_readlink... exist"; return 1; }
	grep -v -E '^@(p\[kprobe:|f\[)vfs_readlink\]: 1$' "$C/out" >"$C/out.main"
	same "output (a vfs_readlink line of 1 left out)" "Attaching $n probes...


@f[vfs_read]: 100
@p[kprobe:vfs_read]: 100
" "$C/out.main"
}

t_kprobe_tracefs() {
	# the same probes made through kprobe_events (WISP_FORCE_TRACEFS=1)
	need_kprobe_events || return
	WENV="WISP_FORCE_TRACEFS=1 WT_SNAP=$C/during"
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @k = count(); }
		kretprobe:vfs_read /$F/ { @r[retval] = count(); }"
	WENV=
	ok_run || return 1
	grep -q '^p' "$C/during" && grep -q '^r' "$C/during" ||
		{ fail "WISP_FORCE_TRACEFS=1: expected a p: and an r: probe in kprobe_events while attached, found '$(oneline "$C/during")'"; return 1; }
	same "output" "Attaching 2 probes...


@k: 100
@r[1]: 10
@r[16]: 20
@r[64]: 70
" "$C/out"
}

# ------------------------------------------------------------------ uprobes
# target add3 30: add3(10, 20, 30) = 60 x10, add3(1, 2, 3) = 6 x20

t_uprobe_args() {
	need_uprobes || return
	w -c "$TARGET add3 30" -e "uprobe:$TARGET:add3 { @[arg0, arg1, arg2] = count(); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@[10, 20, 30]: 10
@[1, 2, 3]: 20
' "$C/out"
}

t_uretprobe_retval() {
	need_uprobes || return
	w -c "$TARGET add3 30" -e "uretprobe:$TARGET:add3 { @[retval] = count(); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@[60]: 10
@[6]: 20
' "$C/out"
}

t_uprobe_tracefs() {
	need_uprobe_events || return
	WENV="WISP_FORCE_TRACEFS=1 WT_SNAP=$C/during"
	w -c "$TARGET add3 30" -e "uprobe:$TARGET:add3 { @a[arg0, arg1, arg2] = count(); }
		uretprobe:$TARGET:add3 { @r[retval] = count(); }"
	WENV=
	ok_run || return 1
	grep -q '^p' "$C/during" && grep -q '^r' "$C/during" ||
		{ fail "WISP_FORCE_TRACEFS=1: expected a p: and an r: probe in uprobe_events while attached, found '$(oneline "$C/during")'"; return 1; }
	same "output" 'Attaching 2 probes...


@a[10, 20, 30]: 10
@a[1, 2, 3]: 20
@r[60]: 10
@r[6]: 20
' "$C/out"
}

# --------------------------------------------------------------------- USDT
# target usdt 30: wisptest:tick(7, -1) x10, tick(5, -1) x20 (int arguments,
# from memory or a register and a constant: see readelf -n target); then
# 30 checks of wisptest:guarded's semaphore

t_usdt_args() {
	need_uprobes || return
	w -c "$TARGET usdt 30" -e "usdt:$TARGET:wisptest:tick { @[arg0, arg1] = count(); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@[7, -1]: 10
@[5, -1]: 20
' "$C/out"
}

t_usdt_semaphore() {
	# untraced, the semaphore stays 0 and the probe's code never runs
	need_uprobes || return
	WT_REPORT=$C/report0 "$TARGET" usdt 30 >/dev/null 2>&1
	[ "$(cat "$C/report0" 2>/dev/null)" = "guarded 0" ] ||
		{ fail "untraced: expected 'guarded 0' from target, got '$(oneline "$C/report0")'"; return 1; }
	WENV="WT_REPORT=$C/report"
	w -c "$TARGET usdt 30" -e "usdt:$TARGET:wisptest:guarded { @ = count(); @a[arg0 < 30] = count(); }"
	WENV=
	ok_run || return 1
	[ "$(cat "$C/report" 2>/dev/null)" = "guarded 30" ] ||
		{ fail "traced: the semaphore was not set: expected 'guarded 30' from target, got '$(oneline "$C/report")'"; return 1; }
	same "output" 'Attaching 1 probe...


@: 30
@a[1]: 30
' "$C/out"
}

t_usdt_tracefs() {
	need_uprobe_events || return
	WENV="WISP_FORCE_TRACEFS=1 WT_SNAP=$C/during WT_REPORT=$C/report"
	w -c "$TARGET usdt 30" -e "usdt:$TARGET:wisptest:tick { @t[arg0, arg1] = count(); }
		usdt:$TARGET:wisptest:guarded { @g = count(); }"
	WENV=
	ok_run || return 1
	[ "$(grep -c '^p' "$C/during")" -ge 2 ] ||
		{ fail "WISP_FORCE_TRACEFS=1: expected 2 probes in uprobe_events while attached, found '$(oneline "$C/during")'"; return 1; }
	grep -q '^p.*([^)]*)' "$C/during" ||
		{ fail "WISP_FORCE_TRACEFS=1: the guarded probe has no (semaphore offset) in uprobe_events: '$(oneline "$C/during")'"; return 1; }
	[ "$(cat "$C/report" 2>/dev/null)" = "guarded 30" ] ||
		{ fail "the semaphore was not set: expected 'guarded 30' from target, got '$(oneline "$C/report")'"; return 1; }
	same "output" 'Attaching 2 probes...


@g: 30
@t[7, -1]: 10
@t[5, -1]: 20
' "$C/out"
}

# -------------------------------------------------------------- tracepoints

t_tp_args() {
	# a typed field: size_t count (4 bytes on 32-bit kernels, 8 on 64-bit)
	need_syscalls sys_enter_read || return
	w -c "$TARGET reads 100" -e "tracepoint:syscalls:sys_enter_read /$F/ { @[args->count] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


$EXP_COUNT" "$C/out"
}

t_tp_printf() {
	need_syscalls sys_exit_read || return
	w -q -c "$TARGET reads 10" -e "tracepoint:syscalls:sys_exit_read /$F/ {
		printf(\"%s read %d bytes, %x|%5d|%-4u|\\n\", comm, args->ret, args->ret, args->ret, args->ret); }"
	ok_run || return 1
	same "output" 'target read 1 bytes, 1|    1|1   |
target read 16 bytes, 10|   16|16  |
target read 16 bytes, 10|   16|16  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |
target read 64 bytes, 40|   64|64  |


' "$C/out"
}

t_tp_hist() {
	need_syscalls sys_exit_read || return
	w -c "$TARGET reads 100" -e "tracepoint:syscalls:sys_exit_read /$F/ {
		@h = hist(args->ret); @n[comm, args->ret] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@h: 
$EXP_HIST
@n[target, 1]: 10
@n[target, 16]: 20
@n[target, 64]: 70
" "$C/out"
}

t_tp_lhist() {
	need_syscalls sys_exit_read || return
	w -c "$TARGET reads 100" -e "tracepoint:syscalls:sys_exit_read /$F/ { @l = lhist(args->ret, 0, 100, 20); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@l: 
$EXP_LHIST
" "$C/out"
}

t_tp_aggregations() {
	# sum 10 + 320 + 4480 = 4810, average 48
	need_syscalls sys_exit_read || return
	w -c "$TARGET reads 100" -e "tracepoint:syscalls:sys_exit_read /$F/ {
		@s = sum(args->ret); @mi = min(args->ret); @ma = max(args->ret);
		@a = avg(args->ret); @st = stats(args->ret); }"
	ok_run || return 1
	same "output" 'Attaching 1 probe...


@a: 48

@ma: 64
@mi: 1
@s: 4810
@st: count 100, average 48, total 4810

' "$C/out"
}

NR_READ=
nr_read() {
	[ -n "$NR_READ" ] || NR_READ=$("$TARGET" nr)
	[ -n "$NR_READ" ] || { fail "target nr printed nothing"; return 1; }
}

t_raw_syscalls_args() {
	# every kernel fires raw_syscalls (mips64el 6.1 too): args->id is the
	# ABI's number (4003 for read on o32, 5000 on n64), args->args[] longs
	need_tracefs raw_syscalls/sys_enter || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "tracepoint:raw_syscalls:sys_enter /$F && args->id == $NR_READ/ {
		@[args->args[2]] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


$EXP_COUNT" "$C/out"
}

t_raw_syscalls_hist() {
	need_tracefs raw_syscalls/sys_exit || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "tracepoint:raw_syscalls:sys_exit /$F && args->id == $NR_READ/ {
		@h = hist(args->ret); @n[comm, args->ret] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@h: 
$EXP_HIST
@n[target, 1]: 10
@n[target, 16]: 20
@n[target, 64]: 70
" "$C/out"
}

t_raw_syscalls_lhist() {
	need_tracefs raw_syscalls/sys_exit || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "tracepoint:raw_syscalls:sys_exit /$F && args->id == $NR_READ/ {
		@l = lhist(args->ret, 0, 100, 20); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@l: 
$EXP_LHIST
" "$C/out"
}

t_arith() {
	# 64-bit arithmetic on a run-time value (no constant folding): what the
	# 32-bit JITs and interpreters must do in halves. For the count 256:
	# 256 * 1000000007 = 256000001792, 256 << 40 = 281474976710656,
	# >> 38 = 1024; @x: 40 * 0x7fffffff00000100 wraps to 0xffffffd800002800,
	# signed
	need_tracefs raw_syscalls/sys_enter || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "tracepoint:raw_syscalls:sys_enter /$F && args->id == $NR_READ && args->args[2] == 256/ {
		\$c = (int64)args->args[2];
		@[\$c * 1000000007, \$c << 40, (\$c << 40) >> 38] = count();
		@x = sum(\$c ^ 0x7fffffff00000000); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@[256000001792, 281474976710656, 1024]: 40
@x: -171798681600
" "$C/out"
}

t_arith_div() {
	# division and modulo, unsigned and signed (C's): 256 / 7 = 36,
	# 256 % 7 = 4, -256 / 7 = -36, -256 % 7 = -4, (256 << 32) / 3 = 366503875925
	need_tracefs raw_syscalls/sys_enter || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "tracepoint:raw_syscalls:sys_enter /$F && args->id == $NR_READ && args->args[2] == 256/ {
		\$c = (int64)args->args[2];
		@[\$c / 7, \$c % 7, -\$c / 7, -\$c % 7, (\$c << 32) / 3] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@[36, 4, -36, -4, 366503875925]: 40
" "$C/out"
}

t_printf_values() {
	# values through the perf buffer: sizes, signs, 64-bit halves (the byte
	# order and the word size of the guest); C's printf of the same values
	w -q -e 'BEGIN {
		printf("[%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n", 42, -42, 42, 255, 255, 8, 65, "str");
		printf("[%5d] [%-5d|] [%05d] [%+d] [%#x] [%#o]\n", 42, 42, 42, 42, 255, 8);
		printf("[%d] [%d] [%d] [%d] [%u] [%x] [%d]\n", (int8)-1, (uint8)255, (int16)-300, (int32)-5, (uint32)-1, (uint16)-1, (uint8)-1);
		printf("[%d] [%u] [%x] [%lld] [%llu] [%llx] [%lld] [%llx]\n", 0x100000001, -1, -1, -1, -1, -1, 5000000000, 5000000000);
		printf("[%s] [%10s] [%-6s|]\n", comm, "abc", "ab");
		$x = -7; $y = (uint64)3;
		printf("[%d] [%u] [%x] [%ld] [%llu]\n", $x * 6, $y * 2, $x, $x, 0x123456789abcdef0);
		@m[(int8)-2, (uint16)65535, 0x1122334455667788] = count();
		exit(); }'
	ok_run || return 1
	same "output" '[42] [-42] [42] [ff] [FF] [10] [A] [str] [%]
[   42] [42   |] [00042] [+42] [0xff] [010]
[-1] [255] [-300] [-5] [4294967295] [ffff] [255]
[1] [4294967295] [ffffffff] [-1] [18446744073709551615] [ffffffffffffffff] [5000000000] [12a05f200]
[wisp] [       abc] [ab    |]
[-42] [6] [fffffff9] [-7] [1311768467463790320]


@m[-2, 65535, 1234605616436508552]: 1
' "$C/out"
}

t_printf_long() {
	# %ld %lu %lx are 64 bits in bpftrace, whose long is 64 bits: the output
	# must be the same on a 32-bit guest
	w -q -e 'BEGIN { printf("[%ld] [%lu] [%lx] [%li] [%lu]\n", -1, -1, -1, 5000000000, 5000000000); exit(); }'
	ok_run || return 1
	same "output" '[-1] [18446744073709551615] [ffffffffffffffff] [5000000000] [5000000000]


' "$C/out"
}

# ------------------------------------------------------------------ cleanup
# wisp stopped by a signal while its probes are attached: nothing may be
# left in kprobe_events / uprobe_events (the runner checks after each case)

cleanup_by_signal() {	# cleanup_by_signal SIG ENV
	local wpid i
	# shellcheck disable=SC2086 # $2: an assignment for env, or nothing
	env $2 timeout -k 10 "$WTO" "$WISP" -e "kprobe:vfs_read /comm == \"target\"/ { @k = count(); }
		uprobe:$TARGET:add3 { @u = count(); }" >"$C/out" 2>"$C/err" </dev/null &
	wpid=$!	# busybox timeout execs wisp in this process
	i=0
	while ! grep -q '^Attaching' "$C/out" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { kill -KILL "$wpid"; fail "no Attaching line after 60 s (stderr: $(oneline "$C/err"))"; return 1; }
		kill -0 "$wpid" 2>/dev/null || { wait "$wpid"; rc=$?; fail "wisp exited early ($rc): $(oneline "$C/err")"; return 1; }
		sleep 0.1
	done
	probes_now >"$C/during"
	"$TARGET" add3 5
	kill "-$1" "$wpid"
	wait "$wpid"
	rc=$?
	ok_run || return 1
	grep -q '^@u: 5$' "$C/out" || { fail "expected '@u: 5' after SIG$1, got '$(oneline "$C/out")'"; return 1; }
	if [ -n "$2" ]; then
		[ "$(grep -c . "$C/during")" -ge 2 ] ||
			{ fail "$2: expected the kprobe and the uprobe in kprobe_events/uprobe_events while attached, found '$(oneline "$C/during")'"; return 1; }
	fi
	return 0
}

t_cleanup_sigint() {
	need_kprobes && need_uprobes || return
	cleanup_by_signal INT ""
}

t_cleanup_sigterm_tracefs() {
	need_kprobe_events && need_uprobe_events || return
	cleanup_by_signal TERM WISP_FORCE_TRACEFS=1
}

# ------------------------------------------- syscall entry points, reg()

# the syscall's own entry point: __x64_sys_read / __arm64_sys_read take the
# user's pt_regs, from which arg0.. are read; elsewhere sys_read takes them
t_kprobe_syscall_entry() {
	need_kprobes || return
	local fn
	case $(uname -m) in
	x86_64) fn=__x64_sys_read ;;
	aarch64) fn=__arm64_sys_read ;;
	mips*) skip "the MIPS kernels here crash in a kprobe's single-step on sys_read, called straight from syscall entry (a kernel bug: 2 crashed boots in one CI run)"; return ;;
	*) fn=sys_read ;;
	esac
	grep -q " $fn\$" /proc/kallsyms || { skip "no $fn in /proc/kallsyms"; return; }
	w -c "$TARGET reads 100" -e "kprobe:$fn /$F/ { @[arg2] = count(); }"
	ok_run || return 1
	same "output ($fn)" "Attaching 1 probe...


$EXP_COUNT" "$C/out"
}

# reg() by the architecture's name of vfs_read's third argument register
t_kprobe_reg() {
	need_kprobes || return
	local r
	case $(uname -m) in
	x86_64) r=dx ;;
	aarch64) r=x2 ;;
	arm*) r=r2 ;;
	mips*) r=a2 ;;
	*) skip "no register name known for $(uname -m)"; return ;;
	esac
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @[reg(\"$r\") == arg2] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@[1]: 100
" "$C/out"
}

# a wisp killed (SIGKILL) while its kprobe_events entries exist leaves them;
# the next wisp that makes tracefs probes removes them. The killed one
# probes a function nothing here calls (vfs_fsync): the MIPS guests' kernels
# sometimes crash in a kprobe's single-step, and this loop reads files.
t_kprobe_stale_tracefs() {
	need_kprobe_events || return
	local wpid i
	WISP_FORCE_TRACEFS=1 "$WISP" -e 'kprobe:vfs_fsync { @ = count(); }' >"$C/out1" 2>"$C/err1" </dev/null &
	wpid=$!
	i=0
	while ! grep -q '^Attaching' "$C/out1" 2>/dev/null || ! grep -q wisp_ "$KE"; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { kill -KILL "$wpid"; fail "no kprobe_events entry after 60 s (stderr: $(oneline "$C/err1"))"; return 1; }
		sleep 0.1
	done
	kill -KILL "$wpid"
	wait "$wpid"
	grep -q "^p:wisp_$wpid/" "$KE" || { fail "after SIGKILL, expected wisp_$wpid in kprobe_events, found '$(oneline "$KE")'"; return 1; }
	WENV="WISP_FORCE_TRACEFS=1"
	w -c "$TARGET reads 10" -e "kprobe:vfs_read /$F/ { @ = count(); }"
	WENV=
	ok_run || return 1
	same "output" "Attaching 1 probe...


@: 10
" "$C/out" || return 1
	! grep -q wisp_ "$KE" || fail "the next run left '$(oneline "$KE")'"
}

# a function the kernel does not have: the error points at the probe
t_kprobe_error() {
	need_kprobes || return
	w -e 'BEGIN { }
kprobe:no_such_function_xyz { @ = count(); }'
	rc_is 1 || return 1
	grep -q '^stdin:2:1: error: cannot attach kprobe:no_such_function_xyz: no kernel function of that name' "$C/err" ||
		{ fail "no error at 2:1: $(oneline "$C/err")"; return 1; }
	grep -q '^\^~' "$C/err" || fail "no caret line: $(oneline "$C/err")"
}

# -l lists the functions a kprobe wildcard would match
t_kprobe_list() {
	need_kprobes || return
	w -l 'kprobe:vfs_rea*'
	ok_run || return 1
	grep -qx 'kprobe:vfs_read' "$C/out" || { fail "no kprobe:vfs_read in: $(oneline "$C/out")"; return 1; }
	! grep -qv '^kprobe:vfs_rea' "$C/out" || fail "lines that do not match: $(oneline "$C/out")"
}

# 32-bit ARM: a Thumb function cannot be uprobed; wisp says so
t_uprobe_thumb() {
	case $(uname -m) in
	arm*) ;;
	*) skip "Thumb code exists on 32-bit ARM only"; return ;;
	esac
	need_uprobes || return
	w -e "uprobe:$TARGET:thumb_fn { @ = count(); }"
	rc_is 1 || return 1
	grep -q 'is Thumb code: uprobes on 32-bit ARM work only on ARM-mode code' "$C/err" ||
		fail "no Thumb error: $(oneline "$C/err")"
}

# ------------------------------------------------- C types, BTF, stacks

need_btf() {
	[ -f /sys/kernel/btf/vmlinux ] ||
		skip "the kernel has no BTF (no /sys/kernel/btf/vmlinux: built without CONFIG_DEBUG_INFO_BTF)"
}

# args.NAME of a kprobe, from the kernel's BTF prototype of vfs_read(struct
# file *file, char *buf, size_t count, loff_t *pos): count as asked, and
# the name of the file target reads (WT_FILE) through args.file (typed
# struct file *), a cast of it and a cast of arg0; the kretprobe's retval
# beside it is unchanged
t_kprobe_btf_args() {
	need_kprobes || return
	need_btf || return
	WENV="WT_FILE=$C/wisp_btf_reads"
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @c[args.count] = count();
		@f[str(args.file->f_path.dentry->d_name.name), args.file->f_path.dentry->d_name.len] = count();
		@h[str(((struct file *)arg0)->f_path.dentry->d_name.name)] = count(); }
		kretprobe:vfs_read /$F/ { @r[retval] = count(); }"
	WENV=
	ok_run || return 1
	same "output" "Attaching 2 probes...


@c[1]: 10
@c[16]: 20
@c[64]: 30
@c[256]: 40
@f[wisp_btf_reads, 14]: 100
@h[wisp_btf_reads]: 100
@r[1]: 10
@r[16]: 20
@r[64]: 70
" "$C/out" || return 1
	# a typed argument cast to the type it has
	WENV="WT_FILE=$C/wisp_btf_reads"
	w -c "$TARGET reads 10" -e "kprobe:vfs_read /$F/ {
		@g[str(((struct file *)args.file)->f_path.dentry->d_name.name)] = count(); }"
	WENV=
	ok_run || return 1
	same "output ((struct file *)args.file)" "Attaching 1 probe...


@g[wisp_btf_reads]: 10
" "$C/out"
}

# the frame of the kernel's system call entry under vfs_read, per arch
syscall_frame() {
	case $(uname -m) in
	x86_64) echo entry_SYSCALL_64 ;;
	aarch64) echo el0_svc ;;
	arm*) echo ret_fast_syscall ;;
	mips*) echo syscall_common ;;
	*) echo ;;
	esac
}

# @[kstack] = count() under vfs_read: target's 100 reads under one stack
# whose lines are "        name+off" (8 spaces), the first vfs_read+N,
# then the read system call (ksys_read, or __arm64_sys_read into which it
# is inlined) and the architecture's syscall entry (a frame whose name
# starts with syscall_frame's); then kstack in printf prints that same
# stack
t_kstack_kprobe() {
	need_kprobes || return
	local entry n
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @[kstack] = count(); }"
	ok_run || return 1
	entry=$(syscall_frame)
	# the map: "@[", frames, "]: N"
	awk -v entry="$entry" '
		NR == 1 { if ($0 != "Attaching 1 probe...") { print "line 1: " $0; bad = 1 }; next }
		NR <= 3 { if ($0 != "") { print "line " NR " not empty: " $0; bad = 1 }; next }
		$0 == "@[" { stacks++; inside = 1; nf = 0; sys = 0; ent = 0; next }
		inside && /^\]: [0-9]+$/ {
			inside = 0; total += substr($0, 4)
			if (!sys) { print "stack " stacks ": no ksys_read or *sys_read frame"; bad = 1 }
			if (entry != "" && !ent) { print "stack " stacks ": no " entry " frame"; bad = 1 }
			next
		}
		inside {
			nf++
			if ($0 !~ /^        [A-Za-z_][A-Za-z0-9_.]*\+[0-9]+$/) { print "not a frame line: \"" $0 "\""; bad = 1 }
			if (nf == 1 && $0 !~ /^        vfs_read\+[0-9]+$/) { print "first frame: " $0; bad = 1 }
			if ($0 ~ /^        (ksys_read|__[a-z0-9]+_sys_read|sys_read)\+/) sys = 1
			if (entry != "" && index($0, "        " entry) == 1) ent = 1
			next
		}
		{ print "unexpected line: " $0; bad = 1 }
		END {
			if (stacks != 1) { print "expected 1 stack, got " stacks + 0; bad = 1 }
			if (total != 100) { print "expected 100 reads, got " total + 0; bad = 1 }
			exit bad
		}' "$C/out" >"$C/diff" ||
		{ why="@[kstack] = count(): not 100 reads under one vfs_read stack"; { cat "$C/diff"; echo "output:"; cat "$C/out"; } >"$C/detail"; detail=$C/detail; return 1; }
	# the frames, as printf's %s must print them
	sed -n '/^@\[$/,/^\]: /p' "$C/out" | sed '1d;$d' >"$C/frames"
	n=$(wc -l <"$C/frames")
	w -q -c "$TARGET reads 3" -e "kprobe:vfs_read /$F/ { printf(\"[%s]\\n\", kstack); }"
	ok_run || return 1
	same "printf of kstack ($n frames)" "[
$(cat "$C/frames")
]
[
$(cat "$C/frames")
]
[
$(cat "$C/frames")
]


" "$C/out"
}

# the script's own declarations of target.c's struct wt_rec (the same
# text), a uprobe that prints every member of the one target passes to
# take_rec: every size and sign of integer, 32-bit long, 8-aligned long long
# (ARM EABI, MIPS o32), a char array, a nested struct, a union, an array,
# bitfields (a signed one, ones across byte boundaries, 40 bits of a long
# long: big-endian bit order on mips), *p and a pointer to another struct.
# The values are the same everywhere but for the union's views of 0x11223344;
# sizeof and offsetof must be what the cross compiler gave target.
STRUCT_DECLS='struct wt_inner {
	short s;
	unsigned char c;
	int i;
};
union wt_u {
	unsigned int w;
	unsigned short h[2];
	unsigned char b[4];
};
struct wt_other {
	int id;
	char tag[8];
};
struct wt_rec {
	signed char i8;
	unsigned char u8;
	short i16;
	unsigned short u16;
	int i32;
	unsigned int u32;
	long l;
	unsigned long ul;
	char c1;
	long long ll;
	unsigned long long ull;
	char name[12];
	struct wt_inner in;
	union wt_u u;
	int arr[4];
	unsigned int bf_a : 3;
	int bf_s : 6;
	unsigned int bf_x : 11;
	unsigned int bf_y : 1;
	unsigned long long bf_w : 40;
	int *ip;
	struct wt_other *next;
	short tail;
};'

t_struct_decl() {
	need_uprobes || return
	local union
	"$TARGET" layout >"$C/layout" 2>&1 || { fail "target layout failed: $(oneline "$C/layout")"; return 1; }
	case $(sed -n 's/^endian //p' "$C/layout") in
	little) union='union 11223344 3344 44' ;;
	big) union='union 11223344 1122 11' ;;
	*) fail "target layout: no endian line: $(oneline "$C/layout")"; return 1 ;;
	esac
	grep -q '^sizes ' "$C/layout" || { fail "target layout: no sizes line: $(oneline "$C/layout")"; return 1; }
	w -q -c "$TARGET struct 1" -e "$STRUCT_DECLS
uprobe:$TARGET:take_rec {
	\$r = (struct wt_rec *)arg0;
	printf(\"ints %d %d %d %d %d %u\\n\", \$r->i8, \$r->u8, \$r->i16, \$r->u16, \$r->i32, \$r->u32);
	printf(\"longs %ld %lu %c %lld %llu %llx\\n\", \$r->l, \$r->ul, \$r->c1, \$r->ll, \$r->ull, \$r->ull);
	printf(\"name %s\\n\", \$r->name);
	printf(\"inner %d %d %d\\n\", \$r->in.s, \$r->in.c, \$r->in.i);
	printf(\"union %x %x %x\\n\", \$r->u.w, \$r->u.h[0], \$r->u.b[0]);
	printf(\"arr %d %d %d %d\\n\", \$r->arr[0], \$r->arr[1], \$r->arr[2], \$r->arr[3]);
	printf(\"bits %d %d %d %d %llx\\n\", \$r->bf_a, \$r->bf_s, \$r->bf_x, \$r->bf_y, \$r->bf_w);
	printf(\"ptrs %d %d %s %d\\n\", *\$r->ip, \$r->next->id, \$r->next->tag, \$r->tail);
	printf(\"sizes %d %d %d %d %d %d %d %d %d %d %d\\n\", sizeof(struct wt_rec), sizeof(struct wt_inner),
		sizeof(union wt_u), sizeof(struct wt_other), offsetof(struct wt_rec, l),
		offsetof(struct wt_rec, ll), offsetof(struct wt_rec, name), offsetof(struct wt_rec, in.i),
		offsetof(struct wt_rec, arr), offsetof(struct wt_rec, next), offsetof(struct wt_rec, tail));
	@calls = count();
}"
	ok_run || return 1
	same "output (target layout: $(oneline "$C/layout"))" "ints -5 250 -1234 60000 -123456789 4000000000
longs -42 3000000000 Q -1234567890123 18364758544493064720 fedcba9876543210
name wisp-struct
inner -7 200 99999
$union
arr 1 -2 3 -4
bits 5 -19 1445 1 12345678ab
ptrs 31337 77 other -300
$(grep '^sizes ' "$C/layout")


@calls: 1
" "$C/out"
}

# Can the kernel walk this guest's user stacks? It reads frame records by
# frame pointer: ARM's by APCS records, which target has only when built
# -mapcs-frame; MIPS records no user stack at all (no user-space perf
# callchain walker), which ustack_check sees and skips.
need_ustack() {
	need_uprobes || return
	case $(uname -m) in
	arm*)
		[ "$("$TARGET" frames)" = apcs ] ||
			skip "ARM's kernel walks user stacks by APCS frame records (fp-12: fp, sp, lr); target was built without -mapcs-frame (test/vm/cross.sh)"
		return
		;;
	esac
	return 0
}

# the user stack of target 3 calls deep, at USDT wisptest:deep in deep_c
# (after its frame record is made): deep_c, deep_b, deep_a, main (their
# offsets vary with the compiler: +N here); at deep_c's entry, ustack(1) is
# deep_c+0; usym of the probe's pc is deep_c. $1: WT_LINGER's seconds, so
# that target lives until wisp has read its mappings (empty: it exits as
# soon as it is done)
ustack_check() {
	local pc
	case $(uname -m) in
	x86_64) pc=ip ;;
	*) pc=pc ;;
	esac
	WENV=${1:+WT_LINGER=$1}
	w -c "$TARGET deep 5" -e "usdt:$TARGET:wisptest:deep { @d[ustack(4)] = count(); @u[usym(reg(\"$pc\"))] = count(); }
		uprobe:$TARGET:deep_c { @e[ustack(1)] = count(); }"
	WENV=
	ok_run || return 1
	case $(uname -m) in
	mips*)
		if [ "$(awk '/^@d\[$/ { getline; print; exit }' "$C/out")" = "]: 5" ]; then
			skip "the MIPS kernel records no user stacks (MIPS has no user-space perf callchain walker): ustack is empty"
			return
		fi
		;;
	esac
	awk '/^@d\[$/ { d = 1; print; next }
	     d && /^\]/ { d = 0 }
	     d { sub(/\+[0-9]+$/, "+N") }
	     { print }' "$C/out" >"$C/out.n"
	same "output (offsets in @d as +N)" "Attaching 2 probes...


@d[
        deep_c+N
        deep_b+N
        deep_a+N
        main+N
]: 5
@e[
        deep_c+0
]: 5
@u[deep_c]: 5
" "$C/out.n"
}

t_ustack() {
	need_ustack || return
	ustack_check 2
}

# the same with target exiting as soon as it is done: its addresses must
# still be named (wisp is told its pid by the first event, which it may
# read after the process is gone)
t_ustack_exited() {
	need_ustack || return
	ustack_check ""
}

# kfunc/kretfunc (fentry/fexit): typed args by name, retval with them. The
# kernel may not allow them (arm64 6.1 has no BPF trampolines for kernel
# functions): wisp says so and the case skips with its words
t_kfunc() {
	need_btf || return
	WENV="WT_FILE=$C/wisp_kfunc_reads"
	w -c "$TARGET reads 100" -e "kfunc:vfs_read /$F/ { @c[args.count] = count();
		@f[str(args.file->f_path.dentry->d_name.name)] = count(); }
		kretfunc:vfs_read /$F/ { @r[args.count, retval] = count(); }"
	WENV=
	if [ "$rc" = 1 ] && grep -q -E '(cannot attach|the kernel refused) kfunc:' "$C/err"; then
		skip "$(grep -E '(cannot attach|the kernel refused) kfunc:' "$C/err" | head -n 1 | sed 's/^[^ ]*: error: //')"
		return
	fi
	ok_run || return 1
	same "output" "Attaching 2 probes...


@c[1]: 10
@c[16]: 20
@c[64]: 30
@c[256]: 40
@f[wisp_kfunc_reads]: 100
@r[1, 1]: 10
@r[16, 16]: 20
@r[64, 64]: 30
@r[256, 64]: 40
" "$C/out"
}

# rawtracepoint:sys_enter(struct pt_regs *regs, long id): args.id typed
# from the BTF of its btf_trace_sys_enter
t_rawtracepoint_args() {
	need_btf || return
	nr_read || return 1
	w -c "$TARGET reads 100" -e "rawtracepoint:sys_enter /$F && args.id == $NR_READ/ { @[args.id] = count(); }"
	ok_run || return 1
	same "output" "Attaching 1 probe...


@[$NR_READ]: 100
" "$C/out"
}

# ksym(kaddr(name)) is name, and so is ksym of an address inside it; in a
# kprobe, ksym of the probed pc is the function
t_ksym() {
	w -q -e 'BEGIN { printf("%s|%s|%s\n", ksym(kaddr("vfs_read")), ksym(kaddr("vfs_read") + 1), ksym(kaddr("vfs_write"))); exit(); }'
	ok_run || return 1
	same "output" 'vfs_read|vfs_read|vfs_write


' "$C/out" || return 1
	need_kprobes || return
	local pc
	case $(uname -m) in
	x86_64) pc=ip ;;
	*) pc=pc ;;
	esac
	w -c "$TARGET reads 100" -e "kprobe:vfs_read /$F/ { @[ksym(reg(\"$pc\"))] = count(); }"
	ok_run || return 1
	same "output (kprobe, ksym(reg(\"$pc\")))" "Attaching 1 probe...


@[vfs_read]: 100
" "$C/out"
}

# ------------------------------------------------------------------- runner

CASES="kprobe_count kretprobe_count kprobe_arg kretprobe_retval kprobe_wildcard kprobe_tracefs
	uprobe_args uretprobe_retval uprobe_tracefs
	usdt_args usdt_semaphore usdt_tracefs
	tp_args tp_printf tp_hist tp_lhist tp_aggregations
	raw_syscalls_args raw_syscalls_hist raw_syscalls_lhist
	arith arith_div printf_values printf_long cleanup_sigint cleanup_sigterm_tracefs
	kprobe_syscall_entry kprobe_reg kprobe_stale_tracefs kprobe_list kprobe_error uprobe_thumb
	kprobe_btf_args kstack_kprobe struct_decl ustack ustack_exited kfunc rawtracepoint_args ksym"
[ $# -gt 0 ] && CASES="$*"

npass=0 nfail=0 nskip=0

result() {	# result NAME LABEL STATUS
	case $3 in
	0)
		echo "PASS $1 ($2)"
		npass=$((npass + 1))
		;;
	77)
		echo "SKIP $1 ($2): $why"
		nskip=$((nskip + 1))
		;;
	*)
		echo "FAIL $1 ($2): ${why:-failed}"
		[ -n "$detail" ] && [ -s "$detail" ] && sed 's/^/    /' "$detail"
		nfail=$((nfail + 1))
		;;
	esac
}

run_case() {	# run_case NAME LABEL
	local r left
	C=$T/$1.$3
	mkdir -p "$C"
	why='' detail='' rc='' WENV=''
	if ! type "t_$1" >/dev/null 2>&1; then
		why="no such case"
		result "$1" "$2" 1
		return
	fi
	"t_$1"
	r=$?
	# nothing left behind: no process of wisp's, no probe
	left=$(probes_now)
	if [ -n "$left" ]; then
		if [ "$r" != 1 ]; then
			why="left behind: $(echo "$left" | head -n 4 | tr '\n' '|')"
			r=1
		else
			why="$why; and left behind: $(echo "$left" | head -n 4 | tr '\n' '|')"
		fi
		: >"$KE" 2>/dev/null
		: >"$UE" 2>/dev/null
	fi
	result "$1" "$2" "$r"
}

# BUG, WARNING, Oops... in the kernel log since the mark
kernel_log_check() {	# kernel_log_check MARK LABEL
	dmesg | tail -n +"$(($1 + 1))" >"$T/dmesg.new"
	C=$T/kernel_log.$2
	mkdir -p "$C"
	why='' detail=''
	if grep -i -E 'BUG:|WARNING:|Oops|Unable to handle|general protection|Call Trace|Kernel panic' "$T/dmesg.new" >"$C/lines"; then
		why="the kernel complained during the suite"
		head -n 40 "$C/lines" >"$C/diff"
		detail=$C/diff
		result kernel_log "jit $2" 1
	else
		result kernel_log "jit $2" 0
	fi
	# what the kernel said about BPF: "NOT YET" is arm32's JIT refusing
	# an instruction (BPF atomics); worth seeing, not a failure
	grep -E -i 'not yet|bpf|jit' "$T/dmesg.new" | head -n 5 | sed "s/^/kernel: (jit $2) /"
}

JITF=/proc/sys/net/core/bpf_jit_enable
set_jit() {	# set_jit 0|1: whether it is now that
	[ -f "$JITF" ] || return 1
	echo "$1" >"$JITF" 2>/dev/null
	[ "$(cat "$JITF")" = "$1" ]
}

passes=
modes=
if [ ! -f "$JITF" ]; then
	echo "note: no $JITF (no BPF JIT in this kernel): the suite runs once, interpreted"
	passes=off
	modes="interpreter only: no JIT"
else
	set_jit 0 && passes=off || echo "note: bpf_jit_enable cannot be set to 0 (CONFIG_BPF_JIT_ALWAYS_ON?): no run with the interpreter"
	if set_jit 1; then
		passes="$passes on"
	else
		echo "note: bpf_jit_enable cannot be set to 1 (no JIT for this CPU?): no run with the JIT"
	fi
	case $passes in
	"off on") modes="jit off+on" ;;
	off) modes="jit off only: the JIT cannot be enabled" ;;
	" on") modes="jit on only: the JIT cannot be disabled" ;;
	*) modes="neither jit setting took" ;;
	esac
fi
[ -n "$TRACEFS" ] || echo "note: no tracefs: the tracepoint and tracefs cases skip"

for p in $passes; do
	if [ "$p" = off ]; then set_jit 0; else set_jit 1; fi
	mark=$(dmesg | wc -l)
	for c in $CASES; do
		run_case "$c" "jit $p" "$p"
	done
	kernel_log_check "$mark" "$p"
done
[ -z "${KEEP:-}" ] && rm -rf "$T"
echo "guest: $npass passed, $nfail failed, $nskip skipped ($modes)"
[ "$nfail" -eq 0 ]
