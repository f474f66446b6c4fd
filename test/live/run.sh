#!/bin/bash
# test/live/run.sh - wisp's live tests: real programs, loaded into the running
# kernel, tracing small workloads whose events are known exactly.
#
#   sudo make check                      (runs this with WISP and srcdir set)
#   sudo WISP=./src/wisp test/live/run.sh [CASE...]
#
# Each case prints "PASS name", "FAIL name: why" (with a diff of the output
# when it is long) or "SKIP name: reason" (a kernel feature that is really
# missing); the last line is "N passed, N failed, N skipped". Exit status:
# 1 if a case failed, 0 otherwise, 77 (automake's skip) when not root.
#
# Determinism: every probe that sees system-wide events is filtered to the
# workload (pid == cpid, or the workload's own comm "wl_<cmd>", set with
# prctl after the dynamic loader is done), so that other activity on the
# machine cannot change an exact count. Timing is only ever checked against
# loose sanity ranges. Every wisp run is under timeout(1).
#
# The expected texts are bpftrace's output for the same program, derived by
# hand from the workload (bucket labels, 52-column bars, sort order), not
# taken from a bpftrace run: bpftrace is not needed here.
#
# Environment: WISP (the binary; default ../../src/wisp from here), srcdir
# (the source tree), WORKLOAD and BPFOBJS (the helpers; default: next to
# this script in the build tree, else compiled with $CC into a temporary
# directory), KEEP=1 keeps the temporary directory.

export LC_ALL=C

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live tests need root (they load BPF programs)"
	exit 77
fi

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${srcdir:-$(cd "$here/../.." && pwd)}
WISP=${WISP:-$here/../../src/wisp}
if [ ! -x "$WISP" ]; then
	echo "FAIL setup: no wisp binary at '$WISP' (build it, or set WISP=path)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
WISP=$(cd "$(dirname "$WISP")" && pwd)/$(basename "$WISP")
builddir=$(cd "$(dirname "$WISP")/.." && pwd)

T=$(mktemp -d /tmp/wisp-live.XXXXXX) || exit 1
chmod 755 "$T"
# At exit: background jobs of this shell still running (never a pid that
# may have been reused: only jobs not yet waited for), then the files.
cleanup_all() {
	local p
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup_all EXIT
trap 'exit 1' INT TERM

# The helpers: built by `make check` next to this script in the build tree.
helper() {	# helper NAME VAR -> path of an executable
	local name=$1 want=$2 p
	if [ -n "$want" ]; then
		echo "$want"
		return
	fi
	for p in "$builddir/test/live/$name" "$here/$name"; do
		if [ -x "$p" ] && [ "$p" -nt "$srcdir/test/live/$name.c" ]; then
			echo "$p"
			return
		fi
	done
	${CC:-cc} -O2 -Wall -o "$T/$name" "$srcdir/test/live/$name.c" -lpthread >&2 || return 1
	echo "$T/$name"
}
WORKLOAD=$(helper workload "${WORKLOAD:-}") || { echo "FAIL setup: cannot build workload"; exit 1; }
BPFOBJS=$(helper bpfobjs "${BPFOBJS:-}") || { echo "FAIL setup: cannot build bpfobjs"; exit 1; }

# tracefs, mounted if needed (as bpftrace and wisp do)
TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -d "$d/events" ]; then
		TRACEFS=$d
		break
	fi
done
if [ -z "$TRACEFS" ] && mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
	[ -d /sys/kernel/tracing/events ]; then
	TRACEFS=/sys/kernel/tracing
fi

KNOWN=$T/openme		# the file the open workload opens (< 64 bytes of path)
: >"$KNOWN"

# ------------------------------------------------------------------ helpers

why=''		# set by a failing check: the reason
detail=''	# optional: more lines (a diff), printed indented under FAIL

fail() {
	why=$*
	return 1
}

# same WHAT EXPECTED_FILE GOT_FILE: byte-for-byte equal, else a diff in $detail
same() {
	if cmp -s "$2" "$3"; then
		return 0
	fi
	why="$1 differs (expected $(wc -c <"$2") bytes, got $(wc -c <"$3") bytes; diff -u expected got below)"
	detail=$(diff -a -u "$2" "$3" | tail -n +3 | head -n 60 | cat -A)
	return 1
}

# same_text WHAT EXPECTED_TEXT GOT_FILE (the text is written with printf %s)
same_text() {
	printf '%s' "$2" >"$C/expected"
	same "$1" "$C/expected" "$3"
}

# eq WHAT EXPECTED GOT
eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# rc_is EXPECTED: the last wisp run's exit status
rc_is() {
	[ "$rc" = "$1" ] && return 0
	fail "exit status: expected $1, got $rc (stderr: $(head -c 300 "$C/err" | tr '\n' '|'))"
}

# no_stderr: the last run said nothing on stderr
no_stderr() {
	[ -s "$C/err" ] || return 0
	fail "unexpected stderr: $(head -c 300 "$C/err" | tr '\n' '|')"
}

# w SECONDS ARGS...: run wisp under timeout; stdout in $C/out, stderr in
# $C/err, status in $rc.
w() {
	local secs=$1
	shift
	timeout -k 5 "$secs" "$WISP" "$@" >"$C/out" 2>"$C/err" </dev/null
	rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "timed out after ${secs}s" >>"$C/err"
	fi
}

# wbg SECONDS ARGS...: wisp in the background (stdout $C/out, stderr $C/err);
# sets $tpid (the timeout process: `wait $tpid` gives wisp's status) and
# $wpid (wisp itself, to signal).
wbg() {
	local secs=$1 i
	shift
	timeout -k 5 "$secs" "$WISP" "$@" >"$C/out" 2>"$C/err" </dev/null &
	tpid=$!
	wpid=
	for ((i = 0; i < 200; i++)); do
		wpid=$(child_of "$tpid")
		[ -n "$wpid" ] && break
		sleep 0.01
	done
}

# the (first) child process of pid $1
child_of() {
	local f s rest
	if [ -r "/proc/$1/task/$1/children" ]; then
		s=$(<"/proc/$1/task/$1/children")
		set -- $s
		echo "${1:-}"
		return
	fi
	for f in /proc/[0-9]*/stat; do
		s=$(<"$f") 2>/dev/null || continue
		rest=${s##*) }
		set -- $rest
		if [ "$2" = "$1" ]; then
			f=${f#/proc/}
			echo "${f%/stat}"
			return
		fi
	done
}

# wait_for FILE PATTERN SECONDS: until a line of FILE matches (grep -E)
wait_for() {
	local i n=$(($3 * 20))
	for ((i = 0; i < n; i++)); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# count of tracepoints matching CATEGORY and NAME-GLOB in tracefs
tp_count() {
	local n=0 d
	for d in "$TRACEFS"/events/$1/$2; do
		[ -f "$d/format" ] && n=$((n + 1))
	done
	echo "$n"
}

need_tracefs() {
	[ -n "$TRACEFS" ] || { why="no tracefs (not mounted at /sys/kernel/tracing and cannot be mounted)"; return 77; }
	local t
	for t in "$@"; do
		[ -f "$TRACEFS/events/$t/format" ] || { why="tracepoint $t does not exist ($TRACEFS/events/$t/format)"; return 77; }
	done
	return 0
}

need_pmu() {	# need_pmu NAME: a perf PMU of that name in sysfs
	[ -d "/sys/bus/event_source/devices/$1" ] ||
		{ why="no '$1' perf PMU (/sys/bus/event_source/devices/$1)"; return 77; }
}

# ----------------------------------------------------------- BEGIN / END

t_begin_exit() {
	w 10 -e 'BEGIN { printf("hello\n"); exit(); }'
	rc_is 0 && no_stderr || return 1
	# bpftrace: the Attaching line, the output, then two newlines at exit
	same_text "output" $'Attaching 1 probe...\nhello\n\n\n' "$C/out"
}

t_end_probe() {
	w 10 -e 'BEGIN { printf("begin\n"); @a = 1; exit(); } END { printf("end %d\n", @a + 1); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'Attaching 2 probes...\nbegin\nend 2\n\n\n@a: 1\n' "$C/out"
}

t_quiet() {
	w 10 -q -e 'BEGIN { printf("hello\n"); @x = 7; exit(); } END { printf("bye\n"); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'hello\nbye\n\n\n@x: 7\n' "$C/out"
}

t_exit_code() {
	w 10 -q -e 'BEGIN { exit(3); }'
	rc_is 3 || return 1
	same_text "output" $'\n\n' "$C/out" || return 1
	w 10 -q -e 'BEGIN { exit(); }'
	rc_is 0 || return 1
	# exit(code) from a probe that fires later, not in BEGIN
	w 10 -q -e 'BEGIN { @n = 0; } interval:ms:50 { @n = @n + 1; if (@n == 2) { exit(5); } } END { clear(@n); }'
	rc_is 5 || return 1
	same_text "output" $'\n\n' "$C/out"
}

t_map_read_before_assign() {
	# a map read (in a filter, in a condition) before the statement that
	# assigns it, in source order: bpftrace takes it (the map is global)
	w 10 -q -e 'interval:ms:50 /@n < 2/ { @n = @n + 1; } interval:ms:500 { exit(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'\n\n@n: 2\n' "$C/out" || return 1
	w 10 -q -e 'interval:ms:50 { if (@m < 3) { @m = @m + 1; } } interval:ms:500 { exit(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'\n\n@m: 3\n' "$C/out"
}

t_compile_error() {
	local prog='BEGIN { printf("x\n") exit(); }' l1 l2 l3 col
	w 10 -e "$prog"
	rc_is 1 || return 1
	[ -s "$C/out" ] && { fail "stdout not empty: $(head -c 200 "$C/out")"; return 1; }
	l1=$(sed -n 1p "$C/err") l2=$(sed -n 2p "$C/err") l3=$(sed -n 3p "$C/err")
	[[ $l1 =~ ^stdin:1:([0-9]+):\ error:\ .+ ]] ||
		{ fail "first stderr line: expected 'stdin:1:COL: error: ...', got '$l1'"; return 1; }
	col=${BASH_REMATCH[1]}
	eq "second stderr line (the source line)" "$prog" "$l2" || return 1
	[[ $l3 =~ ^(\ *)\^~*$ ]] ||
		{ fail "third stderr line: expected a caret line, got '$l3'"; return 1; }
	eq "caret column" "$col" "$((${#BASH_REMATCH[1]} + 1))" || return 1
	eq "the error's column (at 'exit')" 23 "$col"
}

t_error_field() {
	local prog='tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filenam)); }' l1 l3 col
	need_tracefs syscalls/sys_enter_openat || return
	w 10 -e "$prog"
	rc_is 1 || return 1
	l1=$(sed -n 1p "$C/err") l3=$(sed -n 3p "$C/err")
	[[ $l1 =~ ^stdin:1:([0-9]+):\ error:\ tracepoint\ syscalls:sys_enter_openat\ has\ no\ field\ \'filenam\'$ ]] ||
		{ fail "first stderr line: expected \"stdin:1:COL: error: tracepoint syscalls:sys_enter_openat has no field 'filenam'\", got '$l1'"; return 1; }
	col=${BASH_REMATCH[1]}
	# the spot is args->filenam (column 59) or the field name (column 65)
	[ "$col" = 59 ] || [ "$col" = 65 ] || { fail "column $col is not at args->filenam (59 or 65)"; return 1; }
	[[ $l3 =~ ^(\ *)\^~*$ ]] && [ "$((${#BASH_REMATCH[1]} + 1))" = "$col" ] ||
		fail "caret line '$l3' does not point at column $col"
}

t_error_file() {
	# an error in a program file names the file and the line
	printf 'BEGIN {\n  @x = nosuchfunc(1);\n}\n' >"$C/bad.bt"
	w 10 "$C/bad.bt"
	rc_is 1 || return 1
	grep -Eq "^$C/bad.bt:2:[0-9]+: error: " "$C/err" ||
		fail "stderr: expected '$C/bad.bt:2:COL: error: ...', got '$(head -n 1 "$C/err")'"
}

# ------------------------------------------------------------ tracepoints

t_tp_openat_user_string() {
	need_tracefs syscalls/sys_enter_openat || return
	w 20 -c "$WORKLOAD open $KNOWN 3" -e \
		'tracepoint:syscalls:sys_enter_openat /pid == cpid && comm == "wl_open"/ {
			printf("%s|%d\n", str(args->filename), args.dfd);
			@[str(args.filename)] = count(); }'
	rc_is 0 && no_stderr || return 1
	# dfd is AT_FDCWD (-100), a signed int field
	same_text "output" "Attaching 1 probe...
$KNOWN|-100
$KNOWN|-100
$KNOWN|-100


@[$KNOWN]: 3
" "$C/out"
}

t_tp_exec_kernel_string() {
	need_tracefs sched/sched_process_exec || return
	w 20 -c "$WORKLOAD argv" -e \
		'tracepoint:sched:sched_process_exec /pid == cpid/ {
			printf("%s|%s|%d|%d\n", str(args->filename), comm, args->pid == cpid, args.old_pid == cpid); }'
	rc_is 0 && no_stderr || return 1
	# filename is a __data_loc char[]; comm after the exec is the file's name
	same_text "output" "Attaching 1 probe...
$WORKLOAD|workload|1|1


" "$C/out"
}

t_tp_char_array() {
	# a char[16] field of a kernel tracepoint, compared and used as a key
	need_tracefs sched/sched_switch || return
	w 20 -q -c "$WORKLOAD exit 200 0" -e \
		'tracepoint:sched:sched_switch /args->prev_pid == cpid && args->prev_comm == "wl_exit"/ {
			@[args->prev_comm, args.prev_pid == cpid] = count(); }'
	rc_is 0 && no_stderr || return 1
	grep -Eq '^@\[wl_exit, 1\]: [1-9][0-9]*$' "$C/out" && [ "$(grep -c . "$C/out")" = 1 ] ||
		fail "output: expected '@[wl_exit, 1]: N' (N > 0) alone, got '$(tr '\n' '|' <"$C/out")'"
}

t_tp_wildcard() {
	need_tracefs syscalls/sys_enter_getppid || return
	local n=$(($(tp_count syscalls 'sys_enter_getpp*') + $(tp_count syscalls 'sys_enter_getppi?')))
	w 20 -c "$WORKLOAD getppid 1000 1" -e \
		'tracepoint:syscalls:sys_enter_getpp* /pid == cpid/ { @a = count(); }
		 t:syscalls:sys_enter_getppi? /pid == cpid/ { @b = count(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching $n probes...


@a: 1000
@b: 1000
" "$C/out"
}

# 16 or more syscalls:* tracepoints without args run as one program on
# raw_syscalls (about 20 more for syscalls newer than wisp's headers, not
# one per tracepoint), and count exactly what the per-syscall ones would
t_tp_syscalls_dispatch() {
	need_tracefs syscalls/sys_enter_getppid raw_syscalls/sys_enter || return
	local n progs
	n=$(tp_count syscalls 'sys_enter_*')
	[ "$n" -ge 16 ] || { why="only $n syscalls:sys_enter_* tracepoints"; return 77; }
	progs=$("$WISP" -d -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }' 2>/dev/null | grep -c '^probe tracepoint')
	[ "$progs" -ge 1 ] && [ "$progs" -lt 64 ] ||
		{ fail "expected one program for the $n syscalls (plus a few newer than the headers), got $progs"; return 1; }
	w 30 -c "$WORKLOAD getppid 4321 1" -e \
		'tracepoint:syscalls:sys_enter_* /pid == cpid/ { @[probe] = count(); }
		 tracepoint:syscalls:sys_exit_* /pid == cpid/ { @x = count(); }'
	rc_is 0 && no_stderr || return 1
	grep -qx '@\[tracepoint:syscalls:sys_enter_getppid\]: 4321' "$C/out" ||
		{ fail "expected '@[tracepoint:syscalls:sys_enter_getppid]: 4321' in: $(tr '\n' '|' <"$C/out")"; return 1; }
	head -n 1 "$C/out" | grep -qx "Attaching $((2 * n)) probes..." ||
		fail "expected 'Attaching $((2 * n)) probes...', got '$(head -n 1 "$C/out")'"
}

# 64-bit integer keys print signed, whatever their type, as in bpftrace
# (@[retval] of a kretprobe shows -14, not 18446744073709551602)
t_key_signed() {
	w 10 -e 'BEGIN { @a[(uint64)-2] = count(); @b[(uint32)-2] = count(); @c[(int64)-3, (uint64)-4] = count(); exit(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 1 probe...


@a[-2]: 1
@b[4294967294]: 1
@c[-3, -4]: 1
" "$C/out"
}

t_tp_ply_spelling() {
	need_tracefs syscalls/sys_enter_getppid || return
	w 20 -c "$WORKLOAD getppid 777 1" -e \
		'tracepoint:syscalls/sys_enter_getppid /pid == cpid/ { @ = count(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'Attaching 1 probe...\n\n\n@: 777\n' "$C/out"
}

t_tp_probe_builtin() {
	need_tracefs syscalls/sys_enter_getppid syscalls/sys_enter_getpid || return
	local n
	n=$(tp_count syscalls 'sys_enter_getp*')
	# WL_PIDFILE makes the workload call getpid() once, before its getppid()s
	WL_PIDFILE=$C/pid w 20 -c "$WORKLOAD getppid 300 1" -e \
		'tracepoint:syscalls:sys_enter_getp* /pid == cpid/ { @[probe] = count(); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching $n probes...


@[tracepoint:syscalls:sys_enter_getpid]: 1
@[tracepoint:syscalls:sys_enter_getppid]: 300
" "$C/out"
}

# ----------------------------------------------------------- aggregations

t_count_exact() {
	need_tracefs syscalls/sys_enter_getppid || return
	w 60 -c "$WORKLOAD getppid 1000000 2" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @ = count(); @c[comm] = count(); @t[tid] = count(); }'
	rc_is 0 && no_stderr || return 1
	# two threads: their tids are not known in advance, their counts are
	sed -E 's/^@t\[[0-9]+\]: /@t[TID]: /' "$C/out" >"$C/out.norm"
	same_text "output (tids replaced by TID)" "Attaching 1 probe...


@: 2000000
@c[wl_getppid]: 2000000
@t[TID]: 1000000
@t[TID]: 1000000
" "$C/out.norm" || return 1
	local tids
	tids=$(sed -n 's/^@t\[\([0-9]*\)\].*/\1/p' "$C/out" | sort -u | wc -l)
	eq "distinct tids" 2 "$tids"
}

# The reads are: -EBADF (-9) x1, 0 x2, 1 x3, 100 x4, 1000 x5, 4096 x6.
# count 21, total -9 + 0 + 3 + 400 + 5000 + 24576 = 29970, average 1427.
READS="- 0 0 1 1 1 100 100 100 100 1000 1000 1000 1000 1000 4096 4096 4096 4096 4096 4096"

t_aggregations() {
	need_tracefs syscalls/sys_exit_read || return
	w 20 -c "$WORKLOAD read $READS" -e \
		'tracepoint:syscalls:sys_exit_read /pid == cpid && comm == "wl_read"/ {
			@s = sum(args->ret); @mi = min(args->ret); @ma = max(args->ret);
			@a = avg(args->ret); @st = stats(args->ret); @h = hist(args->ret);
			@l = lhist(args->ret, 0, 5000, 1000); @k[comm, args->ret] = count(); }'
	rc_is 0 && no_stderr || return 1
	# bars: floor(count * 52 / max); hist max 6: 1->8 2->17 3->26 4->34
	# 5->43 6->52; lhist max 9: 1->5 5->28 6->34 9->52
	same_text "output" 'Attaching 1 probe...


@a: 1427

@h: 
(..., 0)               1 |@@@@@@@@                                            |
[0]                    2 |@@@@@@@@@@@@@@@@@                                   |
[1]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[2, 4)                 0 |                                                    |
[4, 8)                 0 |                                                    |
[8, 16)                0 |                                                    |
[16, 32)               0 |                                                    |
[32, 64)               0 |                                                    |
[64, 128)              4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |
[128, 256)             0 |                                                    |
[256, 512)             0 |                                                    |
[512, 1K)              5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         |
[1K, 2K)               0 |                                                    |
[2K, 4K)               0 |                                                    |
[4K, 8K)               6 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@k[wl_read, -9]: 1
@k[wl_read, 0]: 2
@k[wl_read, 1]: 3
@k[wl_read, 100]: 4
@k[wl_read, 1000]: 5
@k[wl_read, 4096]: 6
@l: 
(..., 0)               1 |@@@@@                                               |
[0, 1000)              9 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
[1000, 2000)           5 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@                        |
[2000, 3000)           0 |                                                    |
[3000, 4000)           0 |                                                    |
[4000, 5000)           6 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |

@ma: 4096
@mi: -9
@s: 29970
@st: count 21, average 1427, total 29970

' "$C/out"
}

t_hist_large() {
	# big buckets, lhist's top bucket, and lhist labels in K when the step is
	# a multiple of 1024 (as bpftrace): reads of 70000 (x2) and 5000 (x1)
	need_tracefs syscalls/sys_exit_read || return
	w 20 -c "$WORKLOAD read 70000 5000 70000" -e \
		'tracepoint:syscalls:sys_exit_read /pid == cpid && comm == "wl_read"/ {
			@h = hist(args->ret); @l = lhist(args->ret, 0, 10000, 5000);
			@l3 = lhist(args->ret, 0, 8192, 4096); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" 'Attaching 1 probe...


@h: 
[4K, 8K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[8K, 16K)              0 |                                                    |
[16K, 32K)             0 |                                                    |
[32K, 64K)             0 |                                                    |
[64K, 128K)            2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@l: 
[5000, 10000)          1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[10000, ...)           2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

@l3: 
[4K, 8K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
[8K, ...)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

' "$C/out"
}

# ---------------------------------------------------------------- printf

t_printf_specifiers() {
	cat >"$C/p.bt" <<'EOF'
BEGIN {
  printf("[%d] [%i] [%u] [%x] [%X] [%o] [%c] [%s] [%%]\n", 42, -42, 42, 255, 255, 8, 65, "str");
  printf("[%5d] [%-5d|] [%05d] [%+d] [% d] [%+d] [%-+6d|] [%#x] [%#o] [%#X]\n", 42, 42, 42, 42, 42, -42, 42, 255, 8, 255);
  printf("[%.3d] [%8.3d] [%-8.3d|] [%.2s] [%10s] [%-10s|] [%10.2s]\n", 7, 7, 7, "abcdef", "abc", "abc", "abcdef");
  printf("[%d] [%d] [%d] [%d] [%u] [%x] [%d]\n", (int8)-1, (uint8)255, (int16)-300, (int32)-5, (uint32)-1, (uint16)-1, (uint8)-1);
  printf("[%d] [%u] [%x] [%ld] [%lu] [%lx] [%lld] [%llx]\n", 0x100000001, -1, -1, -1, -1, -1, 5000000000, 5000000000);
  printf("[%c%c%c] [%5c] [%-3c|]\n", 119, 105, 115, 112, 113);
  printf("[%s] [%s] [%-12s|]\n", ntop(0x0100007f), ntop(2, 0x0101a8c0), ntop(0x0100007f));
  printf("[%p]\n", 0xffff8000deadbeef);
  $x = -7; $y = (uint64)3;
  printf("[%d] [%u] [%x] [%5d] [%ld]\n", $x * 6, $y * 2, $x, $x, $x);
  exit();
}
EOF
	w 10 -q "$C/p.bt"
	rc_is 0 && no_stderr || return 1
	# C's printf of the same values; %d/%u/%x of 64-bit values are cast to
	# int as C would (bpftrace does so); %% is one '%'
	same_text "output" '[42] [-42] [42] [ff] [FF] [10] [A] [str] [%]
[   42] [42   |] [00042] [+42] [ 42] [-42] [+42   |] [0xff] [010] [0XFF]
[007] [     007] [007     |] [ab] [       abc] [abc       |] [        ab]
[-1] [255] [-300] [-5] [4294967295] [ffff] [255]
[1] [4294967295] [ffffffff] [-1] [18446744073709551615] [ffffffffffffffff] [5000000000] [12a05f200]
[wis] [    p] [q  |]
[127.0.0.1] [192.168.1.1] [127.0.0.1   |]
[0xffff8000deadbeef]
[-42] [6] [fffffff9] [   -7] [-7]


' "$C/out"
}

t_printf_event_values() {
	# printf of tracepoint values: a signed long, a pointer-sized user address
	need_tracefs syscalls/sys_exit_read || return
	w 20 -q -c "$WORKLOAD read - 100 4096" -e \
		'tracepoint:syscalls:sys_exit_read /pid == cpid && comm == "wl_read"/ {
			printf("<%d> <%6d> <%-6d> <%x> <%s>\n", args->ret, args->ret, args->ret, args->ret, comm); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" '<-9> <    -9> <-9    > <fffffff7> <wl_read>
<100> <   100> <100   > <64> <wl_read>
<4096> <  4096> <4096  > <1000> <wl_read>


' "$C/out"
}

t_buf_r() {
	need_tracefs syscalls/sys_enter_write || return
	w 20 -q -c "$WORKLOAD pipebin" -e \
		'tracepoint:syscalls:sys_enter_write /pid == cpid && comm == "wl_pipebin"/ {
			printf("%r|\n", buf(args->buf, 12)); printf("%r|\n", buf(args->buf, 3)); }'
	rc_is 0 && no_stderr || return 1
	# bytes: a b 00 01 7f ff " \ \n c d space; non-printable ones as \xNN
	same_text "output" 'ab\x00\x01\x7f\xff"\\x0acd |
ab\x00|


' "$C/out"
}

t_buf_variable_length() {
	# bpftrace takes a length that is not a constant: buf(args->buf, args->count)
	need_tracefs syscalls/sys_enter_write || return
	w 20 -q -c "$WORKLOAD pipe hello_pipe" -e \
		'tracepoint:syscalls:sys_enter_write /pid == cpid && comm == "wl_pipe"/ {
			printf("%r|%s|\n", buf(args->buf, args->count), str(args->buf, args->count)); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" $'hello_pipe|hello_pipe|\n\n\n' "$C/out"
}

t_strftime_time() {
	local d0 d1
	d0=$(date +%Y-%m-%d)
	w 10 -q -e 'BEGIN { printf("%s|\n", strftime("%Y-%m-%d", nsecs)); time("%Y-%m-%d|\n"); time(); exit(); }'
	d1=$(date +%Y-%m-%d)
	rc_is 0 && no_stderr || return 1
	local l1 l2 l3
	l1=$(sed -n 1p "$C/out") l2=$(sed -n 2p "$C/out") l3=$(sed -n 3p "$C/out")
	[ "$l1" = "$d0|" ] || [ "$l1" = "$d1|" ] || { fail "strftime(\"%Y-%m-%d\", nsecs): expected '$d0|', got '$l1'"; return 1; }
	[ "$l2" = "$d0|" ] || [ "$l2" = "$d1|" ] || { fail "time(\"%Y-%m-%d|\\n\"): expected '$d0|', got '$l2'"; return 1; }
	[[ $l3 =~ ^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]$ ]] || { fail "time(): expected HH:MM:SS, got '$l3'"; return 1; }
	eq "line count" 5 "$(wc -l <"$C/out")"
}

# ---------------------------------------------------------------- strings

t_strings() {
	need_tracefs syscalls/sys_enter_openat || return
	# str($1) of a positional parameter, compared in the filter
	w 20 -q -c "$WORKLOAD open $KNOWN 2" -e \
		'tracepoint:syscalls:sys_enter_openat /comm == "wl_open" && str(args->filename) == str($1)/ {
			printf("%s|%s|%s|%d|%d|%d|%d|%d\n", str(args->filename, 5), str(args->filename, 10), comm,
			       strncmp(str(args->filename), "/tmp/wisp-live.", 15),
			       strncmp(str(args->filename), "/tmp/wisp-livX.", 15),
			       strcontains(str(args->filename), "openme"),
			       strcontains(str(args->filename), "nothere"),
			       str(args->filename) != "x"); }' "$KNOWN"
	rc_is 0 && no_stderr || return 1
	local line="/tmp/|/tmp/wisp-|wl_open|0|1|1|0|1"
	same_text "output" "$line
$line


" "$C/out"
}

t_join_argv() {
	need_tracefs syscalls/sys_enter_execve || return
	w 20 -q -c "$WORKLOAD argv one two three" -e \
		'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv); join(args->argv, ","); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" "$WORKLOAD argv one two three
$WORKLOAD,argv,one,two,three


" "$C/out"
}

# ------------------------------------------------- interval, profile, software

# the value of "@name: N" in $C/out
map_val() {
	sed -n "s/^$1: \([0-9]*\)\$/\1/p" "$C/out"
}

t_interval_ms() {
	w 15 -e 'interval:ms:100 { @ = count(); } interval:s:1 { exit(); }'
	rc_is 0 && no_stderr || return 1
	local n
	n=$(map_val @)
	[ -n "$n" ] && [ "$n" -ge 8 ] && [ "$n" -le 11 ] || { fail "interval:ms:100 fired '$n' times in 1 s: expected 8..11"; return 1; }
	same_text "output" "Attaching 2 probes...


@: $n
" "$C/out"
}

t_interval_hz() {
	w 15 -q -e 'interval:hz:20 { @ = count(); } i:s:1 { exit(); }'
	rc_is 0 && no_stderr || return 1
	local n
	n=$(map_val @)
	[ -n "$n" ] && [ "$n" -ge 17 ] && [ "$n" -le 22 ] || fail "interval:hz:20 fired '$n' times in 1 s: expected 17..22"
}

t_profile_hz() {
	need_pmu software || return
	# one thread pinned to each CPU we may use, busy 1 s: a key per CPU
	w 30 -q -c "$WORKLOAD busy 1000" -e 'profile:hz:99 /comm == "wl_busy"/ { @[cpu] = count(); }'
	rc_is 0 && no_stderr || return 1
	local keys want
	keys=$(sed -n 's/^@\[\([0-9]*\)\]: [1-9][0-9]*$/\1/p' "$C/out" | sort -n | tr '\n' ' ')
	want=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status | tr ',' '\n' |
		awk -F- '{ e = NF > 1 ? $2 : $1; for (i = $1; i <= e; i++) print i }' |
		while read -r c; do [ "$(cat /sys/devices/system/cpu/cpu$c/online 2>/dev/null || echo 1)" = 1 ] && echo "$c"; done |
		sort -n | tr '\n' ' ')
	eq "CPUs with samples (keys of @[cpu], counts > 0)" "$want" "$keys" || { detail=$(cat "$C/out"); return 1; }
	[ "$(grep -c '^@' "$C/out")" = "$(echo $want | wc -w)" ] || fail "unexpected lines: $(tr '\n' '|' <"$C/out")"
}

t_software_cpu_clock() {
	need_pmu software || return
	w 30 -q -c "$WORKLOAD busy 500" -e \
		'software:cpu-clock:1000000 /comm == "wl_busy"/ { @c = count(); } s:task-clock:1000000 /comm == "wl_busy"/ { @t = count(); }'
	rc_is 0 && no_stderr || return 1
	local c t
	c=$(map_val @c) t=$(map_val @t)
	[ -n "$c" ] && [ "$c" -gt 0 ] || { fail "software:cpu-clock counted '$c' for a busy workload: expected > 0"; return 1; }
	[ -n "$t" ] && [ "$t" -gt 0 ] || fail "software:task-clock counted '$t' for a busy workload: expected > 0"
}

t_software_page_faults() {
	need_pmu software || return
	w 30 -q -c "$WORKLOAD faults 1000" -e \
		'software:page-faults:1 /comm == "wl_faults"/ { @ = count(); } s:faults:100 /comm == "wl_faults"/ { @h = count(); }'
	rc_is 0 && no_stderr || return 1
	local n h
	n=$(map_val @) h=$(map_val @h)
	# 1000 pages touched, plus the few faults of exiting
	[ -n "$n" ] && [ "$n" -ge 1000 ] && [ "$n" -le 1100 ] || { fail "page-faults:1 counted '$n': expected 1000..1100"; return 1; }
	[ -n "$h" ] && [ "$h" -ge 9 ] && [ "$h" -le 11 ] || fail "page-faults:100 counted '$h': expected 9..11"
}

# ------------------------------------------------------------ -c, -p, $N

t_cpid() {
	need_tracefs syscalls/sys_enter_getppid || return
	WL_PIDFILE=$C/pid w 20 -c "$WORKLOAD getppid 10 1" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @ = count(); } END { printf("cpid %d\n", cpid); }'
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...
cpid $(cat "$C/pid")


@: 10
" "$C/out"
}

t_c_child_exit() {
	need_tracefs sched/sched_process_exit || return
	local t0 t1
	t0=$(date +%s%N)
	w 20 -c "$WORKLOAD exit 500 7" -e \
		'tracepoint:sched:sched_process_exit /pid == cpid/ { printf("exit %d\n", args->pid == cpid); }'
	t1=$(date +%s%N)
	# wisp's status is its own, not the child's (as bpftrace)
	rc_is 0 && no_stderr || return 1
	same_text "output" $'Attaching 1 probe...\nexit 1\n\n\n' "$C/out" || return 1
	[ $(((t1 - t0) / 1000000)) -lt 8000 ] || fail "wisp took $(((t1 - t0) / 1000000)) ms to notice its child's exit"
}

t_c_bad_command() {
	w 10 -c "/nonexistent/wisp-test-cmd" -e 'BEGIN { @ = 1; }'
	rc_is 1 || return 1
	grep -q 'nonexistent' "$C/err" || fail "stderr does not name the command: $(head -c 200 "$C/err")"
}

t_p_pid() {
	need_tracefs syscalls/sys_enter_getppid syscalls/sys_enter_getpgid || return
	WL_PIDFILE=$C/pid "$WORKLOAD" waitsig 500 &
	local wl=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$C/pid" ] && break
		sleep 0.02
	done
	wbg 20 -p "$wl" -e \
		'tracepoint:syscalls:sys_enter_getpgid /pid == $1 && @ready == 0/ { @ready = 1; printf("ready %d %s %d\n", $#, str($2), $3 + 1); }
		 tracepoint:syscalls:sys_enter_getppid /pid == $1/ { @n = count(); }' "$wl" hello 41
	if ! wait_for "$C/out" '^ready' 10; then
		kill -KILL "$wl" 2>/dev/null
		kill -TERM "$tpid" 2>/dev/null	# timeout passes it on to wisp
		wait "$tpid"
		fail "no 'ready' line in 10 s: $(tr '\n' '|' <"$C/out") $(tr '\n' '|' <"$C/err")"
		return 1
	fi
	kill -USR1 "$wl"
	wait "$wl"
	# wisp ends by itself once the process is gone
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...
ready 3 hello 42


@n: 500
@ready: 1
" "$C/out"
}

t_positional() {
	w 10 -q -e 'BEGIN { printf("%d %d %s %s|\n", $#, $1 * 2, str($2), str($1)); exit(); }' 21 two
	rc_is 0 && no_stderr || return 1
	same_text "output" $'2 42 two 21|\n\n\n' "$C/out"
}

# ------------------------------------------------------------------ -f json

t_json() {
	w 10 -f json -e 'BEGIN { printf("hi \"q\"\t\\\n"); @m["a"] = 1; @n = 5;
		@h = hist(3); @h = hist(2); @h = hist(-1);
		@l = lhist(5, 0, 10, 5); @l2 = lhist(300, 0, 200, 100); @l2 = lhist(-5, 0, 200, 100);
		@s = stats(4); @s = stats(6); @a = avg(7); @k["x", 2] = count();
		@kh["a"] = hist(5); @kh["b"] = hist(1); exit(); }'
	rc_is 0 && no_stderr || return 1
	# bpftrace (0.17) also prints two empty lines before the maps; only
	# the JSON lines are compared here
	grep -v '^$' "$C/out" >"$C/out.json"
	same_text "JSON lines" '{"type": "attached_probes", "data": {"probes": 1}}
{"type": "printf", "data": "hi \"q\"\t\\\n"}
{"type": "stats", "data": {"@a": 7}}
{"type": "hist", "data": {"@h": [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 0}, {"min": 1, "max": 1, "count": 0}, {"min": 2, "max": 3, "count": 2}]}}
{"type": "map", "data": {"@k": {"x,2": 1}}}
{"type": "hist", "data": {"@kh": {"a": [{"min": 4, "max": 7, "count": 1}], "b": [{"min": 1, "max": 1, "count": 1}]}}}
{"type": "hist", "data": {"@l": [{"min": 5, "max": 9, "count": 1}]}}
{"type": "hist", "data": {"@l2": [{"max": -1, "count": 1}, {"min": 0, "max": 99, "count": 0}, {"min": 100, "max": 199, "count": 0}, {"min": 200, "count": 1}]}}
{"type": "map", "data": {"@m": {"a": 1}}}
{"type": "map", "data": {"@n": 5}}
{"type": "stats", "data": {"@s": {"count": 2, "average": 5, "total": 10}}}
' "$C/out.json"
}

t_json_events() {
	need_tracefs syscalls/sys_exit_read || return
	w 20 -f json -c "$WORKLOAD read 1 100 100" -e \
		'tracepoint:syscalls:sys_exit_read /pid == cpid && comm == "wl_read"/ {
			printf("%d\n", args->ret); @[comm] = sum(args->ret); @h = hist(args->ret); }'
	rc_is 0 && no_stderr || return 1
	grep -v '^$' "$C/out" >"$C/out.json"
	same_text "JSON lines" '{"type": "attached_probes", "data": {"probes": 1}}
{"type": "printf", "data": "1\n"}
{"type": "printf", "data": "100\n"}
{"type": "printf", "data": "100\n"}
{"type": "map", "data": {"@": {"wl_read": 201}}}
{"type": "hist", "data": {"@h": [{"min": 1, "max": 1, "count": 1}, {"min": 2, "max": 3, "count": 0}, {"min": 4, "max": 7, "count": 0}, {"min": 8, "max": 15, "count": 0}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 0}, {"min": 64, "max": 127, "count": 2}]}}
' "$C/out.json"
}

# --------------------------------------------------------- -o, -B, -l, -d, -n

t_output_file() {
	w 10 -o "$C/o.txt" -e 'BEGIN { printf("to the file\n"); @z = 3; exit(); }'
	rc_is 0 && no_stderr || return 1
	[ -s "$C/out" ] && { fail "stdout not empty with -o: $(head -c 200 "$C/out")"; return 1; }
	same_text "the -o file" $'Attaching 1 probe...\nto the file\n\n\n@z: 3\n' "$C/o.txt" || return 1
	# an -o file that cannot be created is an error
	w 10 -o /nonexistent-dir/o.txt -e 'BEGIN { exit(); }'
	rc_is 1
}

t_buffering() {
	local m
	for m in none line full; do
		w 10 -B "$m" -e 'BEGIN { printf("a\n"); printf("b"); printf("c\n"); exit(); }'
		rc_is 0 && no_stderr || { why="-B $m: $why"; return 1; }
		same_text "-B $m output" $'Attaching 1 probe...\na\nbc\n\n\n' "$C/out" || return 1
	done
	# -B line (the default): each line reaches the file while wisp runs
	wbg 20 -B line -o "$C/live.txt" -e 'interval:ms:100 { printf("tick\n"); }'
	wait_for "$C/live.txt" '^tick$' 5
	local seen=$?
	kill -0 "$wpid" 2>/dev/null
	local alive=$?
	kill -INT "$wpid" 2>/dev/null
	wait "$tpid"
	rc=$?
	[ "$seen" = 0 ] || { fail "-B line: no 'tick' line in the -o file within 5 s"; return 1; }
	[ "$alive" = 0 ] || { fail "wisp had exited before SIGINT"; return 1; }
	rc_is 0 || return 1
	w 10 -B bogus -e 'BEGIN { exit(); }'
	rc_is 1
}

t_list() {
	need_tracefs syscalls/sys_enter_openat || return
	w 10 -l 'tracepoint:syscalls:sys_enter_open*'
	rc_is 0 && no_stderr || return 1
	(cd "$TRACEFS/events/syscalls" && for d in sys_enter_open*; do
		[ -f "$d/format" ] && echo "tracepoint:syscalls:$d"
	done) | sort >"$C/expected"
	same "-l output" "$C/expected" "$C/out" || return 1
	# t: alias, a single match
	w 10 -l 't:syscalls:sys_enter_getppid'
	rc_is 0 || return 1
	same_text "-l t:... output" $'tracepoint:syscalls:sys_enter_getppid\n' "$C/out" || return 1
	# a program's attach points
	w 10 -l -e 'tracepoint:syscalls:sys_enter_getppi? { @ = count(); } tracepoint:syscalls:sys_enter_openat { }'
	rc_is 0 || return 1
	same_text "-l -e PROGRAM output" $'tracepoint:syscalls:sys_enter_getppid\ntracepoint:syscalls:sys_enter_openat\n' "$C/out"
}

t_list_verbose() {
	need_tracefs syscalls/sys_enter_openat || return
	w 10 -lv 'tracepoint:syscalls:sys_enter_openat'
	rc_is 0 && no_stderr || return 1
	# the fields of the format file, common_* left out: "    TYPE NAME"
	{
		echo "tracepoint:syscalls:sys_enter_openat"
		sed -n 's/^[[:space:]]*field:\([^;]*\);.*/\1/p' "$TRACEFS/events/syscalls/sys_enter_openat/format" |
			grep -v 'common_' | sed 's/^/    /'
	} >"$C/expected"
	same "-lv output" "$C/expected" "$C/out"
}

t_debug_dump() {
	need_tracefs syscalls/sys_enter_getppid || return
	w 10 -d -e 'tracepoint:syscalls:sys_enter_getppid /pid == 1234/ { @ = count(); }'
	rc_is 0 && no_stderr || return 1
	grep -q '^probe tracepoint:syscalls:sys_enter_getppid' "$C/out" || { fail "no AST 'probe tracepoint:syscalls:sys_enter_getppid' line"; return 1; }
	grep -Eq '^ +builtin pid' "$C/out" || { fail "the AST does not show 'builtin pid'"; return 1; }
	grep -q '^probe tracepoint:syscalls:sys_enter_getppid:$' "$C/out" || { fail "no 'probe tracepoint:syscalls:sys_enter_getppid:' instruction header"; return 1; }
	grep -Eq '^ +0: \([0-9a-f]{2}\) ' "$C/out" || { fail "no instruction 0 in the verifier's notation"; return 1; }
	grep -Eq 'call bpf_get_current_pid_tgid#14' "$C/out" || { fail "no 'call bpf_get_current_pid_tgid#14'"; return 1; }
	grep -Eq '0x4d2' "$C/out" || { fail "the filter constant 1234 (0x4d2) is not in the code"; return 1; }
	grep -Eq '^ +[0-9]+: \(95\) exit$' "$C/out" || fail "no '(95) exit' instruction"
	# that -d loads nothing is checked by t_dry_run: it works without privileges
}

# [] on a user pointer to pointers (argv), a user string and a char array.
t_index() {
	w 20 -q -c '/usr/bin/true xyz' -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ {
		printf("[%s|%s|%c]\n", str(args->argv[0]), str(args->argv[1]), args->filename[5]); }
		tracepoint:sched:sched_process_exit /pid == cpid/ { printf("<%c%c>\n", args->comm[0], args->comm[1]); }'
	rc_is 0 && no_stderr || return 1
	# the two probes may fire on different CPUs, whose buffers are read in
	# turn: compare the lines in sorted order
	printf '%s\n' '' '' '<tr>' '[/usr/bin/true|xyz|b]' >"$C/want"
	LC_ALL=C sort "$C/out" >"$C/sorted"
	same "index output (sorted)" "$C/want" "$C/sorted"
}

# The verifier's rejection is reported at the probe and line it came from:
# an unbounded loop, on line 2 of a file.
t_verifier_error() {
	printf '%s\n' 'BEGIN { $i = 1;' '  while ($i > 0) { $i = $i + 1; } }' >"$C/loop.bt"
	w 60 "$C/loop.bt"
	rc_is 1 || return 1
	head -n 1 "$C/err" >"$C/first"
	grep -Eq "^$C/loop.bt:2:[0-9]+: error: the kernel's verifier rejected probe BEGIN: " "$C/first" ||
		{ fail "first line: $(cat "$C/first")"; return 1; }
	sed -n 2p "$C/err" | grep -qxF '  while ($i > 0) { $i = $i + 1; } }' ||
		{ fail "no source line under the message: $(head -c 300 "$C/err" | tr '\n' '|')"; return 1; }
	sed -n 3p "$C/err" | grep -Eq '^ +\^' || { fail "no caret line"; return 1; }
}

# Without privileges, wisp says which capabilities it needs and exits 1.
t_no_privilege() {
	if ! command -v setpriv >/dev/null; then
		why="setpriv (util-linux) is not installed"
		return 77
	fi
	local run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	if ! "${run_as[@]}" test -x "$WISP"; then
		why="uid 65534 cannot execute $WISP (a directory on its path is not searchable)"
		return 77
	fi
	timeout 10 "${run_as[@]}" "$WISP" -e 'BEGIN { exit(); }' >"$C/out" 2>"$C/err" </dev/null
	rc=$?
	rc_is 1 || return 1
	grep -qx 'wisp: error: tracing needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN: run as root' "$C/err" ||
		{ fail "stderr: $(head -c 300 "$C/err" | tr '\n' '|')"; return 1; }
}

t_dry_run() {
	w 10 -n -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
	rc_is 0 && no_stderr || return 1
	[ -s "$C/out" ] && { fail "-n printed: $(head -c 200 "$C/out")"; return 1; }
	w 10 -n -e 'BEGIN { @x = nosuchfunc(); }'
	rc_is 1 || return 1
	grep -q 'error:' "$C/err" || { fail "-n of a bad program: no error on stderr"; return 1; }

	# as a user without privileges
	local run_as
	if command -v setpriv >/dev/null; then
		run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	elif command -v su >/dev/null && id nobody >/dev/null 2>&1; then
		run_as=(su -s /bin/sh -c 'exec "$0" "$@"' nobody)
	else
		why="-n as non-root: neither setpriv nor su (with user nobody) is available"
		return 77
	fi
	if ! "${run_as[@]}" test -x "$WISP"; then
		why="-n as non-root: uid 65534 cannot execute $WISP (a directory on its path is not searchable)"
		return 77
	fi
	timeout 10 "${run_as[@]}" "$WISP" -n -e 'BEGIN { printf("%d\n", 1); } interval:s:1 { @ = count(); }' \
		>"$C/out" 2>"$C/err" </dev/null
	rc=$?
	rc_is 0 && no_stderr || { why="-n as uid 65534: $why"; return 1; }
	# tracepoint formats from the test fixture (the real tracefs needs root)
	local fx=$srcdir/test/data/tracefs
	if "${run_as[@]}" test -r "$fx/events/syscalls/sys_enter_openat/format"; then
		timeout 10 "${run_as[@]}" env WISP_TRACEFS="$fx" "$WISP" -n -e \
			'tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args->filename)); }' \
			>"$C/out" 2>"$C/err" </dev/null
		rc=$?
		rc_is 0 && no_stderr || { why="-n as uid 65534 with WISP_TRACEFS: $why"; return 1; }
		# -d loads nothing either
		timeout 10 "${run_as[@]}" env WISP_TRACEFS="$fx" "$WISP" -d -e \
			'tracepoint:syscalls:sys_enter_getppid { @ = count(); }' >"$C/out" 2>"$C/err" </dev/null
		rc=$?
		rc_is 0 && no_stderr || { why="-d as uid 65534 with WISP_TRACEFS: $why"; return 1; }
		grep -Eq '^ +[0-9]+: \(95\) exit$' "$C/out" || { fail "-d as uid 65534: no instructions printed"; return 1; }
	fi
	return 0
}

# ---------------------------------------------------------------- lost events

# A printf for each of 200000 getppid() calls, 1 page of perf buffer, and
# wisp's stdout a pipe that nobody reads for 2 s: wisp blocks writing, the
# buffer overflows. Every event must be either printed or counted lost.
lost_check() {	# lost_check TOTAL: $C/out holds the output
	local printed lost nlines
	printed=$(grep -c '^e [0-9]*$' "$C/out")
	lost=$(awk '/^Lost [0-9]+ events$/ { s += $2 } END { print s + 0 }' "$C/out")
	nlines=$(grep -c '^Lost [0-9]* events$' "$C/out")
	[ "$nlines" -gt 0 ] && [ "$lost" -gt 0 ] ||
		{ fail "no 'Lost N events' line (printed $printed of $1)"; return 1; }
	eq "printed + lost (printed $printed, lost $lost in $nlines lines)" "$1" "$((printed + lost))"
}

t_lost_events() {
	need_tracefs syscalls/sys_enter_getppid syscalls/sys_enter_getpgid || return
	local total=200000 wl i
	# -p: the workload is not wisp's child (no SIGCHLD while blocked)
	WL_PIDFILE=$C/pid "$WORKLOAD" waitsig "$total" &
	wl=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$C/pid" ] && break
		sleep 0.02
	done
	timeout -k 5 60 "$WISP" --perf-pages 1 -p "$wl" -e \
		'tracepoint:syscalls:sys_enter_getpgid /pid == $1 && @r == 0/ { @r = 1; printf("ready\n"); }
		 tracepoint:syscalls:sys_enter_getppid /pid == $1/ { printf("e %d\n", tid); }' "$wl" 2>"$C/err" </dev/null |
		{
			while read -r line; do
				echo "$line"
				[ "$line" = ready ] && break
			done
			kill -USR1 "$wl"
			sleep 2
			cat
		} >"$C/out"
	rc=${PIPESTATUS[0]}
	wait "$wl" 2>/dev/null
	rc_is 0 || return 1
	grep -q 'error' "$C/err" && { fail "stderr: $(tr '\n' '|' <"$C/err")"; return 1; }
	lost_check "$total"
}

t_lost_events_c() {
	# the same with -c: the child exits (SIGCHLD) while wisp is blocked
	# writing to the pipe; nothing may be dropped or fail because of it
	need_tracefs syscalls/sys_enter_getppid || return
	local total=200000
	timeout -k 5 60 "$WISP" --perf-pages 1 -c "$WORKLOAD getppid $total 1" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { printf("e %d\n", tid); }' 2>"$C/err" </dev/null |
		{ sleep 2; cat; } >"$C/out"
	rc=${PIPESTATUS[0]}
	rc_is 0 || return 1
	grep -q 'error' "$C/err" && { fail "stderr: $(tr '\n' '|' <"$C/err")"; return 1; }
	lost_check "$total"
}

# ------------------------------------------------------------------ cleanup

# The BPF objects and perf events a running wisp holds, from its fdinfo.
held_objs() {	# held_objs PID -> "prog ID" / "map ID" lines
	grep -h -E '^(prog|map)_id:' /proc/"$1"/fdinfo/* 2>/dev/null |
		sed -E 's/^(prog|map)_id:[[:space:]]*/\1 /' | sort -u
}
perf_fds() {	# perf_fds PID -> number of perf event fds
	ls -l /proc/"$1"/fd 2>/dev/null | grep -c 'anon_inode:\[perf_event\]'
}
wisp_procs() {	# pids of processes running the wisp binary
	find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$WISP" 2>/dev/null |
		sed 's,^/proc/\([0-9]*\)/exe$,\1,' | sort
}

# After wisp $wpid started from wbg has attached: the objects it holds.
# Waits until its fds stop changing (attach done), at most 10 s.
snapshot() {
	local i prev='' cur np
	for ((i = 0; i < 100; i++)); do
		np=$(perf_fds "$wpid")
		cur="$(held_objs "$wpid")"$'\n'"perf $np"
		if [ -n "$prev" ] && [ "$cur" = "$prev" ] && [ "$np" -gt 0 ] && grep -q '^prog ' <<<"$cur"; then
			break
		fi
		prev=$cur
		sleep 0.1
	done
	grep -E '^(prog|map) ' <<<"$cur" >"$C/held"
	nperf=$np
}

# After wisp ended: within 15 s, none of what it held is left, no wisp
# process that was not there before is left, and no probe of its remains in
# kprobe_events / uprobe_events.
check_released() {	# check_released PROCS_BEFORE_FILE
	local left procs
	[ -s "$C/held" ] || { fail "wisp held no BPF programs or maps while running"; return 1; }
	[ "$nperf" -gt 0 ] || { fail "wisp held no perf events while running"; return 1; }
	local deadline=$((SECONDS + 15))
	while :; do
		"$BPFOBJS" | awk '{ print $1, $2 }' | sort >"$C/now"
		left=$(comm -12 "$C/held" "$C/now" | tr '\n' ' ')
		wisp_procs >"$C/procs"
		procs=$(comm -13 "$1" "$C/procs" | tr '\n' ' ')
		[ -z "$left" ] && [ -z "$procs" ] && ! kill -0 "$wpid" 2>/dev/null && break
		[ "$SECONDS" -ge "$deadline" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || { fail "15 s after wisp exited, these BPF objects of its remain: $left"; return 1; }
	[ -z "$procs" ] || { fail "15 s after wisp exited, wisp processes remain: $procs"; return 1; }
	kill -0 "$wpid" 2>/dev/null && { fail "wisp (pid $wpid) still exists"; return 1; }
	local f
	for f in "$TRACEFS/kprobe_events" "$TRACEFS/uprobe_events"; do
		[ -r "$f" ] || continue
		grep -qi 'wisp' "$f" && { fail "$f holds wisp's probes: $(grep -i wisp "$f" | head -3 | tr '\n' '|')"; return 1; }
	done
	return 0
}

# a program with many attach points: 6+ tracepoints, interval, profile
# (perf events on every CPU), printf (perf buffers)
CLEANUP_PROG='tracepoint:syscalls:sys_enter_getp* { @[probe] = count(); }
	interval:ms:100 { @i = count(); }
	profile:hz:49 { @p = count(); }
	tracepoint:syscalls:sys_enter_getppid /comm == "wl_getppid"/ { printf("x\n"); }
	END { printf("end\n"); }'

cleanup_by_signal() {	# cleanup_by_signal SIG
	need_tracefs syscalls/sys_enter_getppid || return
	need_pmu software || return
	wisp_procs >"$C/procs.before"
	wbg 30 -e "$CLEANUP_PROG"
	[ -n "$wpid" ] || { fail "cannot find wisp's pid"; return 1; }
	wait_for "$C/out" '^Attaching' 10 || { fail "no Attaching line: $(tr '\n' '|' <"$C/err")"; return 1; }
	snapshot
	kill "-$1" "$wpid"
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	# END ran and the maps were printed
	grep -q '^end$' "$C/out" || { fail "no END output after SIG$1"; return 1; }
	grep -q '^@i: [0-9]' "$C/out" || { fail "no @i map printed after SIG$1"; return 1; }
	check_released "$C/procs.before"
}

t_cleanup_sigint() { cleanup_by_signal INT; }
t_cleanup_sigterm() { cleanup_by_signal TERM; }

t_cleanup_child_exit() {
	need_tracefs syscalls/sys_enter_getppid || return
	need_pmu software || return
	wisp_procs >"$C/procs.before"
	wbg 30 -c "$WORKLOAD exit 3000 0" -e "$CLEANUP_PROG"
	[ -n "$wpid" ] || { fail "cannot find wisp's pid"; return 1; }
	snapshot
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	grep -q '^end$' "$C/out" || { fail "no END output after the child exited"; return 1; }
	check_released "$C/procs.before"
}

t_cleanup_exit() {
	need_tracefs syscalls/sys_enter_getppid || return
	need_pmu software || return
	wisp_procs >"$C/procs.before"
	# exit() once the test runs the workload, after the snapshot
	wbg 30 -e "$CLEANUP_PROG
		tracepoint:syscalls:sys_enter_getppid /comm == \"wl_getppid\"/ { exit(); }"
	[ -n "$wpid" ] || { fail "cannot find wisp's pid"; return 1; }
	wait_for "$C/out" '^Attaching' 10 || { fail "no Attaching line: $(tr '\n' '|' <"$C/err")"; return 1; }
	snapshot
	"$WORKLOAD" getppid 1 1
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	grep -q '^end$' "$C/out" || { fail "no END output after exit()"; return 1; }
	check_released "$C/procs.before"
}

# ------------------------------------------------------- uprobes and USDT
# `workload calls N` runs N rounds of wl_add3(i % 3, 10, -5) (returns
# i % 3 + 5), wl_many(1..10) (returns 55) and the USDT probes
# wisptest:tick(i % 2, -7) and, while traced, wisptest:guarded(42).

t_uprobe_args() {
	need_pmu uprobe || return
	w 20 -c "$WORKLOAD calls 100" -e \
		"uprobe:$WORKLOAD:wl_add3 /pid == cpid/ { @[(int32)arg0, (int32)arg1, (int32)arg2] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 1 probe...


@[1, 10, -5]: 33
@[2, 10, -5]: 33
@[0, 10, -5]: 34
" "$C/out"
}

t_uretprobe_retval() {
	need_pmu uprobe || return
	w 20 -c "$WORKLOAD calls 100" -e \
		"uretprobe:$WORKLOAD:wl_add3 /pid == cpid/ { @[(int32)retval] = count(); }
		 ur:$WORKLOAD:wl_many /pid == cpid/ { @m = stats(retval); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@[6]: 33
@[7]: 33
@[5]: 34
@m: count 100, average 55, total 5500

" "$C/out"
}

# Stack arguments: wl_many's first argument not passed in a register
t_uprobe_sarg() {
	need_pmu uprobe || return
	local first
	case $(uname -m) in
	x86_64) first=7 ;;
	aarch64|riscv64|mips64*) first=9 ;;
	arm*|mips*) first=5 ;;
	*) why="no stack-argument layout known for $(uname -m)"; return 77 ;;
	esac
	w 20 -c "$WORKLOAD calls 10" -e \
		"uprobe:$WORKLOAD:wl_many /pid == cpid/ { @[sarg0, sarg1] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 1 probe...


@[$first, $((first + 1))]: 10
" "$C/out"
}

t_uprobe_wildcard_func() {
	need_pmu uprobe || return
	w 20 -c "$WORKLOAD calls 25" -e \
		"uprobe:$WORKLOAD:wl_* /pid == cpid/ { @[func] = count(); @p[probe] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@[wl_add3]: 25
@[wl_many]: 25
@p[uprobe:$WORKLOAD:wl_add3]: 25
@p[uprobe:$WORKLOAD:wl_many]: 25
" "$C/out"
}

# `probe` holds the whole name however long the path: two functions of a
# file under a deep directory stay two keys (64 bytes would cut them)
t_uprobe_long_path() {
	need_pmu uprobe || return
	local d=$T/a_directory_name_long_enough/to_push_the_probe_name/past_sixty_four_bytes
	mkdir -p "$d" && cp "$WORKLOAD" "$d/workload" || { fail "cannot copy the workload"; return 1; }
	w 20 -c "$d/workload calls 5" -e \
		"uprobe:$d/workload:wl_* /pid == cpid/ { @[probe] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@[uprobe:$d/workload:wl_add3]: 5
@[uprobe:$d/workload:wl_many]: 5
" "$C/out"
}

# By address (the symbol's, as nm prints it) and by symbol+offset
t_uprobe_address() {
	need_pmu uprobe || return
	command -v nm >/dev/null || { why="no nm (binutils) to find wl_add3's address"; return 77; }
	local addr
	addr=$(nm "$WORKLOAD" | awk '$3 == "wl_add3" { print $1 }')
	[ -n "$addr" ] || { fail "nm finds no wl_add3 in $WORKLOAD"; return 1; }
	addr=0x${addr#"${addr%%[!0]*}"}
	w 20 -c "$WORKLOAD calls 40" -e \
		"uprobe:$WORKLOAD:$addr /pid == cpid/ { @a = count(); }
		 uprobe:$WORKLOAD:wl_add3+0 /pid == cpid/ { @o = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@a: 40
@o: 40
" "$C/out"
}

# A library by name, resolved as the dynamic linker does (ld.so.cache)
t_uprobe_library() {
	need_pmu uprobe || return
	ldd "$WORKLOAD" 2>/dev/null | grep -q 'libc\.so' ||
		{ why="the workload is not linked with a shared libc"; return 77; }
	w 20 -c "$WORKLOAD open $KNOWN 7" -e \
		'uprobe:libc:close /pid == cpid/ { @ = count(); }'
	rc_is 0 && no_stderr || return 1
	# close() of each openat, and of nothing else the workload does after main()
	local n
	n=$(sed -n 's/^@: //p' "$C/out")
	[ "${n:-0}" -ge 7 ] || fail "expected at least 7 close() calls, got '${n}'"
}

t_uprobe_tracefs() {
	need_tracefs || return
	[ -e "$TRACEFS/uprobe_events" ] || { why="no uprobe_events in $TRACEFS"; return 77; }
	WISP_FORCE_TRACEFS=1 w 20 -c "$WORKLOAD calls 30" -e \
		"uprobe:$WORKLOAD:wl_add3 /pid == cpid/ { @ = count(); }
		 uretprobe:$WORKLOAD:wl_add3 /pid == cpid/ { @r = sum((int32)retval); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@: 30
@r: 180
" "$C/out" || return 1
	! grep -q ':wisp_' "$TRACEFS/uprobe_events" ||
		fail "uprobe_events still holds: $(grep ':wisp_' "$TRACEFS/uprobe_events" | tr '\n' '|')"
}

# -p: a uprobe on a library fires for that process only
t_uprobe_p_pid() {
	need_pmu uprobe || return
	need_tracefs syscalls/sys_enter_getpgid || return
	WL_PIDFILE=$C/pidA "$WORKLOAD" waitsig 50 &
	local a=$!
	"$WORKLOAD" waitsig 70 &
	local b=$!
	wbg 20 -p "$a" -e \
		"tracepoint:syscalls:sys_enter_getpgid /pid == $a && @ready == 0/ { @ready = 1; printf(\"ready\\n\"); }
		 uprobe:libc:syscall { @[pid] = count(); }"
	if ! wait_for "$C/out" '^ready' 10; then
		kill -KILL "$a" "$b" 2>/dev/null
		kill -TERM "$tpid" 2>/dev/null
		wait "$tpid"
		fail "no 'ready' line in 10 s: $(tr '\n' '|' <"$C/err")"
		return 1
	fi
	kill -USR1 "$a" "$b"
	wait "$a" "$b"
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	grep -q "^@\[$b\]" "$C/out" && { fail "process $b (not -p) was traced"; return 1; }
	local n
	n=$(sed -n "s/^@\[$a\]: //p" "$C/out")
	[ "${n:-0}" -ge 50 ] || fail "expected at least 50 syscall() calls of $a, got '$n'"
}

t_usdt() {
	need_pmu uprobe || return
	"$WISP" -l "usdt:$WORKLOAD:*" 2>/dev/null | grep -q wisptest:tick ||
		{ why="the workload has no USDT notes (built without <sys/sdt.h>: install systemtap-sdt-dev)"; return 77; }
	w 20 -c "$WORKLOAD calls 100" -e \
		"usdt:$WORKLOAD:wisptest:tick /pid == cpid/ { @[arg0, arg1] = count(); }
		 usdt:$WORKLOAD:wisptest:guarded /pid == cpid/ { @g[arg0] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@[0, -7]: 50
@[1, -7]: 50
@g[42]: 100
" "$C/out"
}

t_uprobe_errors() {
	w 10 -e "uprobe:$WORKLOAD:no_such_function { @ = count(); }"
	rc_is 1 || return 1
	grep -q "error: .* has no symbol 'no_such_function'" "$C/err" ||
		{ fail "no missing-symbol error: $(tr '\n' '|' <"$C/err")"; return 1; }
	grep -q '^ *\^' "$C/err" || { fail "no caret line"; return 1; }
	w 10 -e 'uprobe:no_such_library_xyz:f { @ = count(); }'
	rc_is 1 || return 1
	grep -q "no library or program named 'no_such_library_xyz'" "$C/err" ||
		fail "no missing-library error: $(tr '\n' '|' <"$C/err")"
}

# Without kprobes (this machine's kernel): a clear error, nothing left
t_kprobe_unavailable() {
	if [ -d /sys/bus/event_source/devices/kprobe ] || [ -e "$TRACEFS/kprobe_events" ]; then
		why="this kernel has kprobes (they are tested in the guest kernels: make check-vm)"
		return 77
	fi
	w 10 -e 'kprobe:vfs_read { @ = count(); }'
	rc_is 1 || return 1
	grep -q '^stdin:1:1: error: cannot attach kprobe:vfs_read: this kernel has no kprobes' "$C/err" ||
		{ fail "no clear error at the probe: $(tr '\n' '|' <"$C/err")"; return 1; }
	grep -q '^\^~' "$C/err" || { fail "no caret line: $(tr '\n' '|' <"$C/err")"; return 1; }
	# nor does -l offer any
	w 10 -l 'kprobe:*'
	rc_is 0 || return 1
	[ ! -s "$C/out" ] || fail "-l lists kprobes on a kernel without them: $(head -c 200 "$C/out" | tr '\n' '|')"
}

# ------------------------------------------------------------- C types
# Casts to struct pointers, member chains, arrays, bitfields, *p and &x,
# sizeof/offsetof, enum constants, #define/#ifdef; the types come from C
# declarations in the script (as bpftrace tools carry them) or from the
# kernel's BTF. workload.c's struct wl_rec, declared the same way here
# (keep the two in step); its values are make_rec's.

WL_REC_DECL='struct wl_inner {
	short s;
	unsigned char tag;
	long long big;
};
struct wl_other {
	int id;
	char label[8];
};
struct wl_rec {
	signed char i8;
	unsigned char u8;
	short i16;
	unsigned short u16;
	int i32;
	unsigned int u32;
	long long i64;
	unsigned long long u64;
	char name[12];
	struct wl_inner in;
	union {
		int i;
		unsigned char b[4];
	} u;
	int arr[4];
	unsigned int bf1 : 3;
	int bf2 : 5;
	unsigned int bf3 : 10;
	int bf4 : 7;
	struct wl_other *other;
	unsigned char tail;
};
'

need_btf() {
	[ -r /sys/kernel/btf/vmlinux ] || { why="the kernel has no BTF (/sys/kernel/btf/vmlinux)"; return 77; }
}

# every member of a struct wl_rec in user memory, read through a cast of a
# uprobe's argument; the layout (sizeof, offsetof) as the C compiler made it
struct_decl_run() {
	need_pmu uprobe || return
	local layout
	layout=$("$WORKLOAD" layout) || { fail "workload layout failed"; return 1; }
	{
		printf '%s' "$WL_REC_DECL"
		cat <<EOF
uprobe:$WORKLOAD:ct_rec_take /pid == cpid/ {
	\$r = (struct wl_rec *)arg0;
	printf("%d %d %d %d %d %u %ld %lu\n", \$r->i8, \$r->u8, \$r->i16, \$r->u16, \$r->i32, \$r->u32, \$r->i64, \$r->u64);
	printf("%s|%d %c %ld|%d %d %d|%d %d %d %d\n", \$r->name, \$r->in.s, \$r->in.tag, \$r->in.big,
	       \$r->u.i, \$r->u.b[0], \$r->u.b[3], \$r->arr[0], \$r->arr[1], \$r->arr[2], \$r->arr[3]);
	printf("%u %d %u %d|%d %s %c|%d\n", \$r->bf1, \$r->bf2, \$r->bf3, \$r->bf4,
	       \$r->other->id, \$r->other->label, \$r->other->label[4], ((struct wl_rec *)arg0)->tail);
	printf("%d %d %d %d %d %d|%c %d %d\n", *(&\$r->i32), (*\$r).tail, *\$r->arr, *(&\$r->arr[0] + 2),
	       *(uint16 *)&\$r->u16, *(int16 *)(arg0 + 2), \$r->name[1],
	       (uint64)(\$r + 1) - (uint64)\$r == sizeof(struct wl_rec), sizeof(\$r->arr));
	@[\$r->bf4, \$r->other->label, \$r->u16] = count();
}
END {
	printf("sizeof %d\n", sizeof(struct wl_rec));
	printf("i64 %d\n", offsetof(struct wl_rec, i64));
	printf("name %d\n", offsetof(struct wl_rec, name));
	printf("in %d\n", offsetof(struct wl_rec, in));
	printf("in.big %d\n", offsetof(struct wl_rec, in.big));
	printf("u %d\n", offsetof(struct wl_rec, u));
	printf("arr %d\n", offsetof(struct wl_rec, arr));
	printf("other %d\n", offsetof(struct wl_rec, other));
	printf("tail %d\n", offsetof(struct wl_rec, tail));
	printf("inner %d\n", sizeof(struct wl_inner));
}
EOF
	} >"$C/rec.bt"
	w 20 -c "$WORKLOAD structs 3" "$C/rec.bt"
	rc_is 0 && no_stderr || return 1
	# u.i is 0x7f7f7f7f: every u.b[k] is 127; bf2 and bf4 are signed, bf3
	# and bf4 cross a byte; *(int16 *)(arg0 + 2) is i16
	local rec='-5 250 -1234 65000 -100000 4000000000 -5000000000 18000000000000000000
hello|-7 A 1099511627776|2139062143 127 127|10 -20 30 -40
5 -9 777 -50|42 other r|99
-100000 99 10 30 65000 -1234|e 1 16'
	same_text "output" "Attaching 2 probes...
$rec
$rec
$rec
$layout


@[-50, other, 65000]: 3
" "$C/out"
}

t_struct_decl_uprobe() { struct_decl_run; }
# the same through bpf_probe_read (kernels before 5.5 lack the _user helper)
t_struct_decl_old_helpers() { WISP_OLD_HELPERS=1 struct_decl_run; }

# The kernel's structs through BTF: curtask (struct task_struct *) in a
# thread of the workload, whose parent is wisp (-c), whose parent is
# timeout(1); an array member, & and *, a cast, enum constants, sizeof and
# offsetof against BTF read by bpfobjs (not wisp), #define and #ifdef.
struct_btf_run() {
	need_btf || return
	need_tracefs syscalls/sys_enter_getppid || return
	local btf
	btf=$("$BPFOBJS" btf /sys/kernel/btf/vmlinux task_struct pid tgid comm real_parent 2>&1) ||
		{ fail "bpfobjs cannot read task_struct from the BTF: $btf"; return 1; }
	cat >"$C/t.bt" <<'EOF'
#define WL_MAGIC 4242
#ifdef BPFTRACE_HAVE_BTF
#define WL_HAVE "btf"
#else
#define WL_HAVE "nobtf"
#endif
#ifdef WL_NOT_DEFINED
#define WL_X 1
#else
#define WL_X 2
#endif
#ifndef WL_MAGIC
#define WL_Y 1
#else
#define WL_Y 2
#endif
tracepoint:syscalls:sys_enter_getppid /pid == cpid/ {
	$t = (struct task_struct *)curtask;
	printf("%d %d %d %d|%s|%c%c|%d\n", curtask->pid == tid, curtask->tgid, $t->pid == tid, $t->tgid == cpid,
	       curtask->comm, curtask->comm[0], curtask->comm[3], sizeof(curtask->comm));
	printf("%d %d %s|%d %d %d\n", curtask->real_parent->tgid, curtask->real_parent->real_parent->tgid,
	       curtask->real_parent->comm, *(&curtask->tgid), (*curtask).tgid, *&$t->real_parent->tgid);
	printf("%d %d %s %d %d %d\n", TCP_ESTABLISHED, TCP_CLOSE, WL_HAVE, WL_MAGIC + 1, WL_X, WL_Y);
}
END {
	printf("size %d\n", sizeof(struct task_struct));
	printf("pid %d\n", offsetof(struct task_struct, pid));
	printf("tgid %d\n", offsetof(struct task_struct, tgid));
	printf("comm %d\n", offsetof(struct task_struct, comm));
	printf("real_parent %d\n", offsetof(struct task_struct, real_parent));
}
EOF
	# one thread making 3 getppid() calls: curtask->pid is its tid
	WL_PIDFILE=$C/pid wbg 20 -c "$WORKLOAD getppid 3 1" "$C/t.bt"
	[ -n "$wpid" ] || { fail "cannot find wisp's pid"; return 1; }
	wait "$tpid"
	rc=$?
	rc_is 0 && no_stderr || return 1
	local wl wcomm lines
	wl=$(cat "$C/pid")
	wcomm=$(basename "$WISP" | cut -c1-15)
	lines="1 $wl 1 1|wl_getppid|wg|16
$wpid $tpid $wcomm|$wl $wl $wpid
1 7 btf 4243 2 2"
	same_text "output" "Attaching 2 probes...
$lines
$lines
$lines
$btf


" "$C/out"
}

t_struct_btf_curtask() { WISP_OLD_HELPERS=0 struct_btf_run; }
t_struct_btf_old_helpers() { WISP_OLD_HELPERS=1 struct_btf_run; }

# Raw tracepoints' arguments by name and type, from BTF: sys_enter's id and
# regs (the first syscall argument: a pid no process can have), sys_exit's
# ret (-ESRCH), sched_process_fork's parent and child, sched_process_exit's p
t_rawtp_typed_args() {
	need_btf || return
	local reg nr bad=2147483001
	case $(uname -m) in
	x86_64) reg=di ;;
	aarch64) reg='regs[0]' ;;
	riscv64) reg=a0 ;;
	*) why="no pt_regs member known for the first syscall argument on $(uname -m)"; return 77 ;;
	esac
	nr=$("$WORKLOAD" sysnr getpgid) || { fail "workload sysnr failed"; return 1; }
	w 20 -c "$WORKLOAD getpgid 7 $bad" -e \
		"rawtracepoint:sys_enter /pid == cpid && args.id == $nr/ { @[args.id, args.regs->$reg] = count(); }
		 rawtracepoint:sys_exit /pid == cpid && comm == \"wl_getpgid\" && args.ret == -3/ { @x = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "sys_enter/sys_exit output" "Attaching 2 probes...


@[$nr, $bad]: 7
@x: 7
" "$C/out" || return 1
	w 20 -c "$WORKLOAD fork 5" -e \
		'rawtracepoint:sched_process_fork /args.parent->tgid == cpid/ {
			@[args.parent->comm, args.child->comm, args.child->tgid != cpid, args.child->real_parent->tgid == cpid] = count(); }
		 rawtracepoint:sched_process_exit /args.p->real_parent->tgid == cpid/ { @e[args.p->comm, args.p->pid == args.p->tgid] = count(); }'
	rc_is 0 && no_stderr || return 1
	same_text "fork/exit output" "Attaching 2 probes...


@[wl_fork, wl_fork, 1, 1]: 5
@e[wl_fork, 1]: 5
" "$C/out"
}

# args.NAME of kprobes and kfuncs is argK of the BTF prototype: compiled
# only (-d), so this runs without kprobes or fentry; the code is the same
# as for arg2 (vfs_read(file, buf, count, pos))
t_args_btf_compile() {
	need_btf || return
	local p
	for p in kprobe kfunc; do
		w 10 -d -e "$p:vfs_read { @ = args.count; }"
		rc_is 0 && no_stderr || { why="$p -d: $why"; return 1; }
		sed -n '/^probe .*:$/,$p' "$C/out" >"$C/byname"
		w 10 -d -e "$p:vfs_read { @ = arg2; }"
		rc_is 0 && no_stderr || { why="$p -d: $why"; return 1; }
		sed -n '/^probe .*:$/,$p' "$C/out" >"$C/bynum"
		[ -s "$C/bynum" ] || { fail "$p -d: no instructions printed"; return 1; }
		same "$p:vfs_read's code for args.count (against arg2's)" "$C/bynum" "$C/byname" || return 1
	done
}

# err_at FILE LINE COL MESSAGE [glob]: the last run failed (status 1, no
# stdout) with "FILE:LINE:COL: error: MESSAGE" (a glob pattern when the
# fifth argument is "glob"), then the source line, then a caret at COL.
err_at() {
	rc_is 1 || return 1
	[ -s "$C/out" ] && { fail "stdout not empty: $(head -c 200 "$C/out" | tr '\n' '|')"; return 1; }
	local l1 l3 want="$1:$2:$3: error: $4"
	l1=$(sed -n 1p "$C/err") l3=$(sed -n 3p "$C/err")
	if [ "${5:-}" = glob ]; then
		[[ $l1 == $want ]] || { fail "first stderr line: expected '$want', got '$l1'"; return 1; }
	else
		eq "first stderr line" "$want" "$l1" || return 1
	fi
	# the caret line keeps the source line's tabs
	[[ $l3 =~ ^([[:blank:]]*)\^~*$ ]] && [ "$((${#BASH_REMATCH[1]} + 1))" = "$3" ] ||
		fail "caret line '$l3' does not point at column $3 (stderr: $(head -c 300 "$C/err" | tr '\n' '|'))"
}

t_ctype_errors() {
	need_btf || return
	w 10 -e 'BEGIN { @ = ((struct wl_nosuch *)0)->x; }'
	err_at stdin 1 14 "unknown type 'struct wl_nosuch': the kernel's BTF has no such type, and the script declares none; declare it before the probes, as bpftrace tools do: struct wl_nosuch { ... };" ||
		{ why="unknown struct: $why"; return 1; }
	w 10 -e 'BEGIN { @ = curtask->wl_nosuch; }'
	err_at stdin 1 22 "struct task_struct has no member 'wl_nosuch'" || { why="kernel member: $why"; return 1; }
	printf '%s\n' 'struct wl_s { int a; char b; };' 'BEGIN {' '	$p = (struct wl_s *)0; @ = $p->c;' '}' >"$C/m.bt"
	w 10 "$C/m.bt"
	err_at "$C/m.bt" 3 33 "struct wl_s has no member 'c'" || { why="declared member: $why"; return 1; }
	w 10 -e 'rawtracepoint:sys_enter { @ = args.nosuch; }'
	err_at stdin 1 36 "rawtracepoint:sys_enter has no argument 'nosuch' (it has: regs, id)" ||
		{ why="rawtracepoint args: $why"; return 1; }
	w 10 -n -e 'kprobe:vfs_read { @ = args.nosuch; }'
	err_at stdin 1 28 "kprobe:vfs_read has no argument 'nosuch' (it has: file, buf, count, pos)" ||
		{ why="kprobe args: $why"; return 1; }
	w 10 -e 'BEGIN { @ = TCP_WL_NOSUCH; }'
	err_at stdin 1 13 "unknown identifier 'TCP_WL_NOSUCH'" || { why="enum constant: $why"; return 1; }
	# a C declaration's syntax: the member's ';' is missing (line 3, the '}')
	printf '%s\n' 'struct wl_a {' '	int x' '};' 'BEGIN { exit(); }' >"$C/d.bt"
	w 10 "$C/d.bt"
	err_at "$C/d.bt" 3 1 "expected ';'*" glob || { why="declaration syntax: $why"; return 1; }
}

# kfunc on a kernel that refuses fentry programs: the reason, at the probe
t_kfunc_refused() {
	need_btf || return
	w 20 -c "$WORKLOAD sleep 100" -e 'kfunc:vfs_read { @ = count(); }'
	if [ "$rc" = 0 ]; then
		why="this kernel loads fentry programs (kfunc_args tests them here)"
		return 77
	fi
	err_at stdin 1 1 "the kernel refused kfunc:vmlinux:vfs_read: Operation not permitted: this kernel does not allow fentry/fexit programs (kfunc:); use kprobe:vfs_read instead"
}

# kfunc/kretfunc with arguments by name (needs a kernel that allows them)
t_kfunc_args() {
	need_btf || return
	w 20 -c "$WORKLOAD read 100 100 4096" -e \
		'kfunc:vfs_read /pid == cpid && comm == "wl_read"/ { @[args.count] = count(); }
		 kretfunc:vfs_read /pid == cpid && comm == "wl_read"/ { @r[retval] = count(); }'
	if [ "$rc" = 1 ] && grep -q 'does not allow fentry/fexit programs' "$C/err"; then
		why="the kernel refuses fentry/fexit programs (EPERM at load: kernel lockdown or no fentry support), so kfunc:/kretfunc: cannot run here"
		return 77
	fi
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 2 probes...


@[4096]: 1
@[100]: 2
@r[4096]: 1
@r[100]: 2
" "$C/out"
}

# --------------------------------------------------------- stacks, symbols

# The entries of stack-keyed maps in $1, one a line: "@name|count|frame|..."
# (the frame lines as printed, indentation included)
stack_records() {
	awk '
	/^@[A-Za-z0-9_]*\[$/ { name = substr($0, 1, length($0) - 1); fr = ""; inkey = 1; next }
	inkey && /^\]: [0-9]+$/ { print name "|" substr($0, 4) fr; inkey = 0; next }
	inkey { fr = fr "|" $0 }
	' "$1"
}

# The offset in FILE's function CALLER of the instruction after its call
# to CALLEE: the return address a stack shows (objdump)
ret_off() {
	local a
	a=$(objdump -d --no-show-raw-insn "$1" | awk -v f="<$2>:" -v c="<$3>" '
		$2 == f { start = $1; inf = 1; next }
		inf && /^$/ { exit }
		inf && want { sub(":", "", $1); print start, $1; exit }
		inf && /call/ && index($0, c) { want = 1 }')
	set -- $a
	[ $# = 2 ] || return 1
	echo $((0x$2 - 0x$1))
}

# nm's address of SYMBOL in FILE, without leading zeros
nm_addr() {
	local a
	a=$(nm "$1" | awk -v s="$2" '$3 == s { print $1; exit }')
	[ -n "$a" ] || return 1
	echo "${a#"${a%%[!0]*}"}"
}

# does /proc/kallsyms have SYM at an address that plus OFF is ADDR (hex)?
kallsyms_has() {	# kallsyms_has ADDR SYM OFF
	local a
	for a in $(awk -v s="$2" '$3 == s { print $1 }' /proc/kallsyms); do
		[ $((0x$a + $3)) = $((0x$1)) ] && return 0
	done
	return 1
}

kallsyms_visible() {
	local a
	a=$(awk '$3 == "vfs_read" { print $1; exit }' /proc/kallsyms)
	case $a in
	'' | *[!0]*) [ -n "$a" ] && return 0 ;;
	esac
	why="/proc/kallsyms shows no addresses (kptr_restrict)"
	return 77
}

# profile samples of a workload reading /dev/zero: kstack in bpftrace's
# layout, kstack(3), kstack(perf) and kstack(raw) of the same samples
t_kstack_profile() {
	need_pmu software || return
	kallsyms_visible || return
	w 30 -c "$WORKLOAD zero 1000" -e \
		'profile:hz:99 /pid == cpid/ { @[kstack] = count(); @k3[kstack(3)] = count();
			@p[kstack(perf)] = count(); @r[kstack(raw)] = count(); @n = count(); }'
	rc_is 0 && no_stderr || return 1
	local n
	n=$(map_val @n)
	[ -n "$n" ] && [ "$n" -ge 10 ] || { fail "only '$n' samples of a workload busy for 1 s"; return 1; }
	stack_records "$C/out" >"$C/rec"
	# every line is the Attaching line, a blank, a stack map's or @n's
	awk -v n="$n" '
		NR == 1 { if ($0 != "Attaching 1 probe...") bad = bad " [" $0 "]"; next }
		/^$/ || /^@[a-z0-9]*\[$/ || /^\]: [0-9]+$/ || $0 == "@n: " n { next }
		/^        [A-Za-z0-9_.$]+\+[0-9]+$/ || /^\t[0-9a-f]+ [A-Za-z0-9_.$]+\+[0-9]+ \(\[kernel\.kallsyms\]\)$/ || /^[0-9a-f]+$/ { next }
		{ bad = bad " [" $0 "]" }
		END { if (bad != "") { print "unexpected lines:" bad; exit 1 } }' "$C/out" >"$C/why" ||
		{ fail "$(head -c 400 "$C/why")"; detail=$(head -n 40 "$C/out" | cat -A); return 1; }
	local m sum
	for m in @ @k3 @p @r; do
		sum=$(awk -F'|' -v m="$m" '$1 == m { s += $2 } END { print s + 0 }' "$C/rec")
		eq "samples in $m (against @n)" "$n" "$sum" || return 1
	done
	# the modes' frames: bpftrace's "        sym+off", perf's "\tADDR sym+off
	# ([kernel.kallsyms])", raw "ADDR": the same stacks
	awk -F'|' '$1 == "@" { s = $2; for (i = 3; i <= NF; i++) { sub(/^ +/, "", $i); s = s "|" $i }; print s }' "$C/rec" | sort >"$C/bt"
	awk -F'|' '$1 == "@p" { s = $2; for (i = 3; i <= NF; i++) { split($i, f, " "); s = s "|" f[2] }; print s }' "$C/rec" | sort >"$C/pf"
	same "kstack against kstack(perf)'s symbols" "$C/bt" "$C/pf" || return 1
	awk -F'|' '$1 == "@p" { s = $2; for (i = 3; i <= NF; i++) { split($i, f, " "); sub(/^\t/, "", f[1]); s = s "|" f[1] }; print s }' "$C/rec" | sort >"$C/pa"
	awk -F'|' '$1 == "@r" { print }' "$C/rec" | cut -d'|' -f2- | sort >"$C/ra"
	same "kstack(raw) against kstack(perf)'s addresses" "$C/pa" "$C/ra" || return 1
	# kstack(3): at most 3 frames, each key the start of a full stack
	local k
	while IFS= read -r k; do
		awk -F'|' '{ exit !(NF <= 5) }' <<<"$k" || { fail "kstack(3) key with more than 3 frames: $k"; return 1; }
		k=$(cut -d'|' -f3- <<<"$k")
		[ -z "$k" ] && continue
		awk -F'|' '$1 == "@"' "$C/rec" | cut -d'|' -f3- | grep -qF -- "$k" ||
			{ fail "kstack(3) key '$k' starts no kstack key"; return 1; }
	done < <(awk -F'|' '$1 == "@k3"' "$C/rec")
	# most samples are in read(2): vfs_read called by ksys_read
	local inread
	inread=$(awk -F'|' '$1 == "@" && /\| +vfs_read\+[0-9]+\| +ksys_read\+[0-9]+(\||$)/ { s += $2 } END { print s + 0 }' "$C/rec")
	[ $((inread * 2)) -gt "$n" ] ||
		{ fail "only $inread of $n samples have vfs_read called from ksys_read"; detail=$(head -n 40 "$C/out"); return 1; }
	# perf's addresses are kallsyms' symbol + offset (the busiest stack)
	local top f addr sym off
	top=$(awk -F'|' '$1 == "@p" && $2 > max { max = $2; s = $0 } END { print s }' "$C/rec")
	IFS='|' read -ra f <<<"$top"
	for ((k = 2; k < ${#f[@]}; k++)); do
		[[ ${f[k]} =~ ^$'\t'([0-9a-f]+)\ ([^ ]+)\+([0-9]+)\  ]] || { fail "perf frame '${f[k]}'"; return 1; }
		addr=${BASH_REMATCH[1]} sym=${BASH_REMATCH[2]} off=${BASH_REMATCH[3]}
		kallsyms_has "$addr" "$sym" "$off" ||
			{ fail "kstack(perf) frame $addr $sym+$off: /proc/kallsyms has no $sym at $addr - $off"; return 1; }
	done
}

# A syscall's kernel stack is the same at every call: one key, the exact
# count; kstack(2) is its first two frames
t_kstack_tracepoint() {
	need_tracefs syscalls/sys_enter_getppid || return
	w 20 -c "$WORKLOAD getppid 1000 1" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[kstack] = count(); @s[kstack(2)] = count(); }'
	rc_is 0 && no_stderr || return 1
	stack_records "$C/out" >"$C/rec"
	local full two
	full=$(awk -F'|' '$1 == "@"' "$C/rec")
	two=$(awk -F'|' '$1 == "@s"' "$C/rec")
	[[ $full =~ ^@\|1000(\|\ {8}[A-Za-z0-9_.]+\+[0-9]+){2,}$ ]] ||
		{ fail "@: expected one key of 2 or more 'sym+off' frames, count 1000, got: $(tr '\n' '#' <<<"$full")"; return 1; }
	eq "@s (kstack(2))" "@s|1000|$(cut -d'|' -f3-4 <<<"$full")" "$two" || return 1
	if [ "$(uname -m)" = x86_64 ]; then
		grep -q '|        do_syscall_64+[0-9]*|' <<<"$full|" || { fail "no do_syscall_64 frame: $full"; return 1; }
	fi
	# and the text around them
	local body
	body=$(cut -d'|' -f3- <<<"$full" | tr '|' '\n')
	same_text "output" "Attaching 1 probe...


@[
$body
]: 1000
@s[
$(head -n 2 <<<"$body")
]: 1000
" "$C/out"
}

# A uprobe 3 calls deep: ustack's frames are the functions' names and the
# return addresses' offsets (objdump's); the workload lives 500 ms after
# the calls (wisp reads a process's mappings at its first record, and the
# records at least every 100 ms), and has exited when the maps print.
t_ustack_known_frames() {
	need_pmu uprobe || return
	command -v objdump >/dev/null && command -v nm >/dev/null ||
		{ why="no objdump/nm (binutils) to find the return addresses"; return 77; }
	local ob oa ol aa al path
	ob=$(ret_off "$WORKLOAD" st_b st_c) && oa=$(ret_off "$WORKLOAD" st_a st_b) &&
		ol=$(ret_off "$WORKLOAD" st_loop st_a) ||
		{ fail "objdump finds no calls st_loop -> a -> b -> c in $WORKLOAD"; return 1; }
	aa=$(nm_addr "$WORKLOAD" st_a) && al=$(nm_addr "$WORKLOAD" st_loop) ||
		{ fail "nm finds no st_a/st_loop in $WORKLOAD"; return 1; }
	path=$(readlink -f "$WORKLOAD")
	w 20 -c "$WORKLOAD stack 100 500" -e "uprobe:$WORKLOAD:st_c /pid == cpid/ {
			@[ustack] = count(); @u3[ustack(3)] = count();
			if (@once == 0) { @once = 1; printf(\"%s|\\n\", ustack(3)); } }
		uprobe:$WORKLOAD:st_a /pid == cpid/ { @p[ustack(perf, 2)] = count(); }"
	rc_is 0 && no_stderr || return 1
	# @[ustack]: the 5 known frames (main's return address is right; what
	# its caller's frame pointer gives may be anything, or nothing: a
	# clang-built main keeps no frame pointer for the walk to follow), the
	# rest dropped; perf's addresses checked against nm's
	# (modulo the page: the load address is page-aligned), then "ADDR"
	awk -v aa="$aa" -v al="$al" -v ol="$ol" '
		function hexmod(h,    i, v) { v = 0; h = tolower(h)
			for (i = length(h) - 2; i <= length(h); i++) if (i > 0) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v }
		$0 == "@[" { k = 1; print; next }
		k && /^\]: / { k = 0; print; next }
		k && k <= 5 { k++; print; next }
		k { if ($0 !~ /^        ([A-Za-z0-9_.]+\+[0-9]+|0x[0-9a-f]+)$/) print "BAD FRAME " $0; next }
		/^\t[0-9a-f]+ / { split($0, f, " "); a = f[1]; sub(/^\t/, "", a); p++
			want = p == 1 ? hexmod(aa) : (hexmod(al) + ol) % 4096
			if (hexmod(a) != want) print "ADDR " a " is not at page offset " want
			sub(/^\t[0-9a-f]+ /, "\tADDR "); print; next }
		{ print }' "$C/out" >"$C/norm"
	local f3="        st_c+0
        st_b+$ob
        st_a+$oa"
	same_text "output (normalised: no frames past main, ADDR for perf's addresses)" "Attaching 2 probes...

$f3
|


@[
$f3
        st_loop+$ol
        $(sed -n 's/^        \(main+[0-9]*\)$/\1/p' "$C/out" | head -n 1 | grep . || echo 'main+N')
]: 100
@once: 1
@p[
	ADDR st_a+0 ($path)
	ADDR st_loop+$ol ($path)
]: 100
@u3[
$f3
]: 100
" "$C/norm"
}

# ksym(kaddr(...)) and kaddr against /proc/kallsyms, usym of the probed
# instruction, uaddr as the ELF gives it, symbols as map keys
t_sym_functions() {
	need_pmu uprobe || return
	kallsyms_visible || return
	command -v nm >/dev/null || { why="no nm (binutils) for the workload's symbol addresses"; return 77; }
	local kv uc
	kv=$(awk '$3 == "vfs_read" { print $1; exit }' /proc/kallsyms)
	kv=${kv#"${kv%%[!0]*}"}
	uc=$(nm_addr "$WORKLOAD" st_c) || { fail "nm finds no st_c"; return 1; }
	w 20 -c "$WORKLOAD stack 3 500" -e "uprobe:$WORKLOAD:st_c /pid == cpid/ {
		printf(\"%s|%s|%s|%lx|%lx|%d\\n\", usym(reg(\"ip\")), ksym(kaddr(\"vfs_read\")), ksym(kaddr(\"vfs_read\") + 1),
		       kaddr(\"vfs_read\"), uaddr(\"st_c\"), (reg(\"ip\") & 4095) == (uaddr(\"st_c\") & 4095));
		@[usym(reg(\"ip\")), ksym(kaddr(\"ksys_read\"))] = count(); }"
	rc_is 0 && no_stderr || return 1
	local line="st_c|vfs_read|vfs_read|$kv|$uc|1"
	same_text "output" "Attaching 1 probe...
$line
$line
$line


@[st_c, ksys_read]: 3
" "$C/out"
}

# uaddr in an executable that is not position-independent: the run-time
# address itself (reg("ip") at the probe), and usym of it
t_uaddr_nopie() {
	need_pmu uprobe || return
	command -v nm >/dev/null || { why="no nm (binutils) for the symbol addresses"; return 77; }
	local np=$T/wl_nopie uc
	if [ ! -x "$np" ]; then
		${CC:-cc} -O2 -fno-pie -no-pie -o "$np" "$srcdir/test/live/workload.c" -lpthread 2>"$C/cc.err" ||
			{ why="the C compiler cannot build a non-PIE executable: $(head -c 200 "$C/cc.err" | tr '\n' '|')"; return 77; }
	fi
	uc=$(nm_addr "$np" st_c) || { fail "nm finds no st_c in $np"; return 1; }
	w 20 -c "$np stack 2 500" -e "uprobe:$np:st_c /pid == cpid/ {
		printf(\"%lx %d %s %s\\n\", uaddr(\"st_c\"), reg(\"ip\") == uaddr(\"st_c\"),
		       usym(reg(\"ip\")), usym(uaddr(\"st_b\"))); }"
	rc_is 0 && no_stderr || return 1
	same_text "output" "Attaching 1 probe...
$uc 1 st_c st_b
$uc 1 st_c st_b


" "$C/out"
}

# -f folded: stack-keyed count maps as flame graph lines, "comm;root;...;leaf
# COUNT", no offsets, no blank lines; other maps as in text
t_stack_folded() {
	need_pmu uprobe || return
	w 20 -f folded -c "$WORKLOAD stack 50 500" -e "uprobe:$WORKLOAD:st_c /pid == cpid/ {
		@[comm, ustack(4)] = count(); @n = count(); @u[ustack(2)] = count(); }"
	rc_is 0 && no_stderr || return 1
	same_text "ustack output" "Attaching 1 probe...
wl_stack;st_loop;st_a;st_b;st_c 50
@n: 50
st_b;st_c 50
" "$C/out" || return 1
	# a kernel stack: the frames kstack prints, reversed, without offsets
	need_tracefs syscalls/sys_enter_getppid || return
	local prog='tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[comm, kstack] = count(); }'
	w 20 -c "$WORKLOAD getppid 300 1" -e "$prog"
	rc_is 0 && no_stderr || return 1
	local frames
	frames=$(sed -n 's/^        \([A-Za-z0-9_.]*\)+[0-9]*$/\1/p' "$C/out" | tac | tr '\n' ';')
	[ -n "$frames" ] || { fail "no kstack frames in text mode: $(tr '\n' '|' <"$C/out")"; return 1; }
	w 20 -f folded -c "$WORKLOAD getppid 300 1" -e "$prog"
	rc_is 0 && no_stderr || return 1
	same_text "kstack output" "Attaching 1 probe...
wl_getppid;${frames%;} 300
" "$C/out"
}

# -f json: a stack key (alone or in a tuple) and a stack value are one JSON
# string each, the text kstack/ustack print
t_json_stack() {
	need_tracefs syscalls/sys_enter_getppid || return
	w 20 -c "$WORKLOAD getppid 200 1" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[kstack(3)] = count(); }'
	rc_is 0 && no_stderr || return 1
	local js
	js=$(sed -n 's/^\(        [A-Za-z0-9_.]*+[0-9]*\)$/\1\\n/p' "$C/out" | tr -d '\n')
	[ -n "$js" ] || { fail "no kstack frames in text mode: $(tr '\n' '|' <"$C/out")"; return 1; }
	w 20 -f json -c "$WORKLOAD getppid 200 1" -e \
		'tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @[kstack(3)] = count(); @k[comm, kstack(3)] = count(); @v = kstack(3); }'
	rc_is 0 && no_stderr || return 1
	grep -v '^$' "$C/out" >"$C/out.json"
	same_text "JSON lines" "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}
{\"type\": \"map\", \"data\": {\"@\": {\"\\n$js\": 200}}}
{\"type\": \"map\", \"data\": {\"@k\": {\"wl_getppid,\\n$js\": 200}}}
{\"type\": \"map\", \"data\": {\"@v\": \"\\n$js\"}}
" "$C/out.json" || return 1
	# a user stack, whose frames are known
	need_pmu uprobe || return
	command -v objdump >/dev/null || { why="no objdump (binutils) for the ustack part"; return 77; }
	local ob
	ob=$(ret_off "$WORKLOAD" st_b st_c) || { fail "objdump finds no call to st_c"; return 1; }
	w 20 -f json -c "$WORKLOAD stack 20 500" -e \
		"uprobe:$WORKLOAD:st_c /pid == cpid/ { @[ustack(2)] = count(); }"
	rc_is 0 && no_stderr || return 1
	grep -v '^$' "$C/out" >"$C/out.json"
	same_text "JSON lines (ustack)" "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}
{\"type\": \"map\", \"data\": {\"@\": {\"\\n        st_c+0\\n        st_b+$ob\\n\": 20}}}
" "$C/out.json"
}

# ------------------------------------------------------------------- runner

CASES=(
	begin_exit end_probe quiet exit_code map_read_before_assign compile_error error_field error_file
	tp_openat_user_string tp_exec_kernel_string tp_char_array tp_wildcard tp_syscalls_dispatch key_signed
	tp_ply_spelling tp_probe_builtin
	count_exact aggregations hist_large
	printf_specifiers printf_event_values buf_r buf_variable_length strftime_time
	strings join_argv
	interval_ms interval_hz profile_hz software_cpu_clock software_page_faults
	cpid c_child_exit c_bad_command p_pid positional
	json json_events
	output_file buffering list list_verbose debug_dump dry_run verifier_error no_privilege index
	lost_events lost_events_c
	cleanup_sigint cleanup_sigterm cleanup_child_exit cleanup_exit
	uprobe_args uretprobe_retval uprobe_sarg uprobe_wildcard_func uprobe_long_path uprobe_address uprobe_library uprobe_tracefs
	uprobe_p_pid usdt uprobe_errors kprobe_unavailable
	struct_decl_uprobe struct_decl_old_helpers struct_btf_curtask struct_btf_old_helpers
	rawtp_typed_args args_btf_compile ctype_errors kfunc_refused kfunc_args
	kstack_profile kstack_tracepoint ustack_known_frames sym_functions uaddr_nopie
	stack_folded json_stack
)
[ $# -gt 0 ] && CASES=("$@")

npass=0 nfail=0 nskip=0
start=$(date +%s)
for name in "${CASES[@]}"; do
	if ! declare -F "t_$name" >/dev/null; then
		echo "FAIL $name: no such case"
		nfail=$((nfail + 1))
		continue
	fi
	C=$T/$name
	mkdir -p "$C"
	why='' detail='' rc=''
	"t_$name"
	r=$?
	case $r in
	0)
		echo "PASS $name"
		npass=$((npass + 1))
		;;
	77)
		echo "SKIP $name: $why"
		nskip=$((nskip + 1))
		;;
	*)
		echo "FAIL $name: ${why:-failed}"
		[ -n "$detail" ] && sed 's/^/    /' <<<"$detail"
		nfail=$((nfail + 1))
		;;
	esac
done
echo "# the live tests took $(($(date +%s) - start)) s"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
