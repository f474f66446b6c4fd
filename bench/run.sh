#!/bin/bash
# bench/run.sh - wisp's speed and size, each against a bare baseline measured
# in the same run (timings here are noisy: medians of several runs).
#
#   sudo bench/run.sh                     uses ./src/wisp
#   sudo WISP=/path/wisp STATIC=/path/static-wisp bench/run.sh
#
# Measures:
#  a. exec-to-attached: `wisp -q -c 'timing stamp F' PROGRAM`. wisp lets its
#     -c child go only once every probe is attached; the child writes the
#     monotonic clock to F. The time from starting wisp to that stamp, less
#     the same for running the stamp program bare (the cost of one exec),
#     is exec-to-attached. Teardown is not counted. Median of RUNS runs.
#  b. peak RSS of the same wisp run (wait4's ru_maxrss, which also counts
#     the -c child), median. The helpers are built static (musl-gcc when
#     installed) so that the RSS of the forked helper before its exec, which
#     ru_maxrss includes, stays near zero.
#  c. the stripped size of STATIC (a static binary, e.g. the musl build).
#  d. added cost per event: bench/getppid_loop (2,000,000 getppid() calls)
#     bare, then under `wisp -c getppid_loop` counting
#     raw_syscalls:sys_enter by comm; LOOP_RUNS alternating runs each, medians,
#     and the count wisp printed for getppid_loop must be >= 2,000,000.
#  e. instructions: `wisp -d` on each benchmark program, instruction lines.
#  f. kernel types and stacks: a. and b. again for a program that reads a
#     kernel struct through BTF (curtask->real_parent->pid) and one that
#     keys a map by kstack, and the kernel memory of the stack maps each
#     tracer creates for `@[kstack] = count()` (the memlock of its
#     stack-trace maps in /proc/PID/fdinfo while it runs).
# bpftrace and ply are measured the same way when they are installed.
#
# Environment: WISP (./src/wisp), STATIC (unset: skip c), RUNS (21),
# LOOP_RUNS (5), CC (cc). Builds only its two helpers (bench/*.c), in a
# temporary directory. Needs root (it attaches probes).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
wisp=${WISP:-./src/wisp}
runs=${RUNS:-21}
loop_runs=${LOOP_RUNS:-5}
cc=${CC:-cc}
calls=2000000

die() { echo "bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run me as root: the benchmarks attach probes"
[ -x "$wisp" ] || die "no wisp at '$wisp' (build it, or set WISP=path)"
wisp=$(cd "$(dirname "$wisp")" && pwd)/$(basename "$wisp")

tmp=$(mktemp -d /tmp/wisp-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# The helpers are static, musl if there is musl-gcc: ru_maxrss counts the
# pages of the forked `timing` before it execs the tracer, so a small
# static `timing` keeps that floor near zero (a dynamic glibc one is ~1.3 MB).
helper_cc=("$cc" -O2)
if command -v musl-gcc >/dev/null; then
	helper_cc=(musl-gcc -static -Os)
elif "$cc" -static -O2 -o "$tmp/timing" "$here/timing.c" 2>/dev/null; then
	helper_cc=("$cc" -static -O2)
fi
"${helper_cc[@]}" -o "$tmp/timing" "$here/timing.c"
"${helper_cc[@]}" -o "$tmp/getppid_loop" "$here/getppid_loop.c"
stamp="$tmp/stamp"

# median of the numbers on standard input (one a line)
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The benchmark programs, in wisp's (bpftrace's) language.
prog_attach='tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
prog_event='tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
prog_read='tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @bytes = hist(args->ret); }'
prog_open='tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args->filename)); }'
prog_btf='tracepoint:syscalls:sys_enter_getppid { @[curtask->real_parent->pid] = count(); }'
prog_kstack='tracepoint:syscalls:sys_enter_getppid { @[kstack] = count(); }'

echo "wisp: $wisp ($("$wisp" --version 2>/dev/null || echo 'version unknown'))"
echo "kernel: $(uname -r), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "helpers built with: ${helper_cc[*]}"

# ------------------------------------------------------------ a, b
# measure_attach NAME CMD...: CMD must run the stamp program once attached.
# Prints "NAME attach_ms rss_kb" (medians), or NAME n/a.
measure_attach() {
	local name=$1 i line
	shift
	: >"$tmp/attach.$name"
	for ((i = 0; i < runs; i++)); do
		line=$("$tmp/timing" run "$stamp" "$@" </dev/null 2>"$tmp/err.$name") || true
		case $line in
		attach_ns=-1*|"") ;;
		attach_ns=*) echo "$line" >>"$tmp/attach.$name" ;;
		esac
	done
	if [ ! -s "$tmp/attach.$name" ]; then
		echo "bench: $name never attached; its last error:" >&2
		head -n 5 "$tmp/err.$name" >&2
		echo "$name n/a n/a"
		return
	fi
	local ms kb
	ms=$(sed 's/.*attach_ns=\([0-9]*\).*/\1/' "$tmp/attach.$name" | median)
	kb=$(sed 's/.*maxrss_kb=\([0-9]*\).*/\1/' "$tmp/attach.$name" | median)
	echo "$name $(awk -v n="$ms" 'BEGIN { printf "%.3f", n / 1e6 }') $kb"
}

echo
echo "a/b. exec-to-attached and peak RSS, median of $runs runs: $prog_attach"
base_ab=$(measure_attach baseline "$tmp/timing" stamp "$stamp")
wisp_ab=$(measure_attach wisp "$wisp" -q -c "$tmp/timing stamp $stamp" -e "$prog_attach")
others_ab=()
if command -v bpftrace >/dev/null; then
	others_ab+=("$(measure_attach bpftrace bpftrace -q -c "$tmp/timing stamp $stamp" -e "$prog_attach")")
else
	echo "bpftrace: not installed"
fi
if command -v ply >/dev/null; then
	others_ab+=("$(measure_attach ply ply -c "$tmp/timing stamp $stamp" \
		'tracepoint:syscalls/sys_enter_getppid { @ = count(); }')")
else
	echo "ply: not installed"
fi

# ------------------------------------------------------------ f
echo
echo "f. the same for a program reading kernel structs (BTF): $prog_btf"
btf_ab=$(measure_attach wisp_btf "$wisp" -q -c "$tmp/timing stamp $stamp" -e "$prog_btf")
kst_ab=$(measure_attach wisp_kstack "$wisp" -q -c "$tmp/timing stamp $stamp" -e "$prog_kstack")
if command -v bpftrace >/dev/null; then
	others_ab+=("$(measure_attach bpftrace_btf bpftrace -q -c "$tmp/timing stamp $stamp" -e "$prog_btf")")
fi

# stack_mem NAME CMD...: the memlock bytes of CMD's stack-trace maps (type 7)
stack_mem() {
	local name=$1 pid fd kb=0 i
	shift
	"$@" >/dev/null 2>&1 </dev/null &
	pid=$!
	for ((i = 0; i < 100; i++)); do	# until it holds a stack map (10 s)
		sleep 0.1
		grep -qs '^map_type:[[:space:]]*7$' /proc/$pid/fdinfo/* && break
	done
	sleep 0.2
	for fd in /proc/$pid/fdinfo/*; do
		grep -qs '^map_type:[[:space:]]*7$' "$fd" || continue
		kb=$((kb + $(sed -n 's/^memlock:[[:space:]]*//p' "$fd") / 1024))
	done
	kill -INT $pid 2>/dev/null
	wait $pid 2>/dev/null || true
	echo "$name $kb"
}
stack_mems=("$(stack_mem wisp "$wisp" -q -e 'profile:hz:99 { @[kstack] = count(); }')")
if command -v bpftrace >/dev/null; then
	stack_mems+=("$(stack_mem bpftrace bpftrace -q -e 'profile:hz:99 { @[kstack] = count(); }')")
fi

# ------------------------------------------------------------ c
size_kb=n/a
if [ -n "${STATIC:-}" ]; then
	[ -f "$STATIC" ] || die "no static binary at STATIC='$STATIC'"
	strip -o "$tmp/static.stripped" "$STATIC"
	size_b=$(stat -c %s "$tmp/static.stripped")
	size_kb=$(awk -v b="$size_b" 'BEGIN { printf "%.1f", b / 1024 }')
	echo
	echo "c. $(file -b "$STATIC" | cut -d, -f1-5)"
	echo "   stripped: $size_b bytes"
fi

# ------------------------------------------------------------ d
# one_loop: ns/call of a bare run
one_loop() { "$tmp/getppid_loop" "$calls" | sed -n 's/.* \([0-9.]*\) ns\/call/\1/p'; }

# one_traced NAME CMD...: ns/call under the tracer; checks its count
one_traced() {
	local name=$1 outf="$tmp/traced.$1"
	shift
	"$@" >"$outf" 2>&1 </dev/null || true
	local n count
	n=$(sed -n 's/^getppid_loop: .* \([0-9.]*\) ns\/call$/\1/p' "$outf")
	count=$(sed -n 's/^@\[getppid_loop\]: \([0-9]*\)$/\1/p' "$outf" | tail -n 1)
	if [ -z "$n" ]; then
		echo "bench: $name: the loop did not run; output:" >&2
		head -n 10 "$outf" >&2
		return
	fi
	if [ -z "$count" ] || [ "$count" -lt "$calls" ]; then
		echo "bench: $name counted ${count:-nothing} for getppid_loop, expected >= $calls" >&2
		echo "BADCOUNT" >>"$tmp/badcount.$name"
	fi
	echo "$n"
}

echo
echo "d. per-event cost, $loop_runs alternating runs: $prog_event"
: >"$tmp/bare"
: >"$tmp/ev.wisp"
for ((i = 0; i < loop_runs; i++)); do
	one_loop >>"$tmp/bare"
	one_traced wisp "$wisp" -q -c "$tmp/getppid_loop $calls" -e "$prog_event" >>"$tmp/ev.wisp"
done
bare=$(median <"$tmp/bare")
ev_wisp=$(median <"$tmp/ev.wisp")
echo "   bare: $(tr '\n' ' ' <"$tmp/bare")"
echo "   wisp: $(tr '\n' ' ' <"$tmp/ev.wisp")"
count_ok=yes
[ -e "$tmp/badcount.wisp" ] && count_ok=NO
ev_other=()
if command -v bpftrace >/dev/null; then
	: >"$tmp/ev.bpftrace"
	for ((i = 0; i < loop_runs; i++)); do
		one_traced bpftrace bpftrace -q -c "$tmp/getppid_loop $calls" -e "$prog_event" >>"$tmp/ev.bpftrace"
	done
	ev_other+=("bpftrace $(median <"$tmp/ev.bpftrace")")
fi
if command -v ply >/dev/null; then
	: >"$tmp/ev.ply"
	for ((i = 0; i < loop_runs; i++)); do
		one_traced ply ply -c "$tmp/getppid_loop $calls" \
			'tracepoint:raw_syscalls/sys_enter { @[comm] = count(); }' >>"$tmp/ev.ply"
	done
	ev_other+=("ply $(median <"$tmp/ev.ply")")
fi

# ------------------------------------------------------------ e
# instructions: lines of the kernel's disassembly notation ("  3: (b7) r0 = 0")
insns() { "$wisp" -d -e "$1" 2>/dev/null | grep -cE '^ *[0-9]+: \([0-9a-f]{2}\)' || true; }

# ------------------------------------------------------------ the table
added() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%+.1f", a - b }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { if (v == "n/a") print "?"; else print (v + 0 < t + 0) ? "ok" : "OVER" }'; }

read -r _ base_ms base_kb <<<"$base_ab"
read -r _ wisp_ms wisp_kb <<<"$wisp_ab"
att_added=$(added "$wisp_ms" "$base_ms")
ev_added=$(added "$ev_wisp" "$bare")

echo
printf '%-36s %12s %12s %12s  %s\n' "measure" "wisp" "baseline" "added" "target"
printf '%-36s %12s %12s %12s  %s %s\n' "exec-to-attached (ms, median)" "$wisp_ms" "$base_ms" "$att_added" "< 2 ms" "$(verdict "${att_added#+}" 2)"
printf '%-36s %12s %12s %12s  %s %s\n' "peak RSS (KiB, median)" "$wisp_kb" "$base_kb" "" "< 1536 KiB" "$(verdict "$wisp_kb" 1536)"
printf '%-36s %12s %12s %12s  %s %s\n' "stripped static binary (KiB)" "$size_kb" "" "" "< 200 KiB" "$(verdict "$size_kb" 200)"
printf '%-36s %12s %12s %12s  %s %s\n' "getppid() ns/call (median)" "$ev_wisp" "$bare" "$ev_added" "< 150 ns" "$(verdict "${ev_added#+}" 150)"
printf '%-36s %12s\n' "count for getppid_loop >= $calls" "$count_ok"
for o in "${others_ab[@]+"${others_ab[@]}"}"; do
	read -r name ms kb <<<"$o"
	printf '%-36s %12s %12s %12s\n' "$name exec-to-attached (ms)" "$ms" "$base_ms" "$(added "$ms" "$base_ms")"
	printf '%-36s %12s\n' "$name peak RSS (KiB)" "$kb"
done
for o in "${ev_other[@]+"${ev_other[@]}"}"; do
	read -r name ns <<<"$o"
	printf '%-36s %12s %12s %12s\n' "$name getppid() ns/call" "$ns" "$bare" "$(added "$ns" "$bare")"
done
read -r _ btf_ms btf_kb <<<"$btf_ab"
read -r _ kst_ms kst_kb <<<"$kst_ab"
printf '%-36s %12s %12s %12s\n' "BTF program exec-to-attached (ms)" "$btf_ms" "$base_ms" "$(added "$btf_ms" "$base_ms")"
printf '%-36s %12s\n' "BTF program peak RSS (KiB)" "$btf_kb"
printf '%-36s %12s %12s %12s\n' "kstack program exec-to-attached (ms)" "$kst_ms" "$base_ms" "$(added "$kst_ms" "$base_ms")"
printf '%-36s %12s\n' "kstack program peak RSS (KiB)" "$kst_kb"
for o in "${stack_mems[@]}"; do
	read -r name kb <<<"$o"
	printf '%-36s %12s\n' "$name stack map memlock (KiB)" "$kb"
done
echo
printf '%-36s %12s\n' "program (wisp -d)" "insns"
for p in "$prog_attach" "$prog_event" "$prog_read" "$prog_open"; do
	printf '%-36s %12s\n' "${p:0:36}" "$(insns "$p")"
done
[ "$count_ok" = yes ] || exit 1
