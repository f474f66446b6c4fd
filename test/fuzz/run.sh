#!/bin/bash
# test/fuzz/run.sh - build and run the libFuzzer target for wisp's front end
# and code generator (test/fuzz/fuzz.c: parse, sema, codegen; nothing is
# loaded into the kernel, no root needed).
#
#   test/fuzz/run.sh                  fuzz for FUZZ_SECONDS (default 600)
#   test/fuzz/run.sh CRASH-FILE...    run the given inputs once (reproduce)
#
# Environment:
#   FUZZ_SECONDS  total fuzzing time in seconds (default 600)
#   FUZZ_OUT      work directory: binary, grown corpus, crash files
#                 (default ${TMPDIR:-/tmp}/wisp-fuzz)
#   FUZZ_JOBS     parallel fuzzing processes (default 1)
#   FUZZ_KEEP_GOING  when set, go on after a crash (libFuzzer's -fork mode;
#                 also the mode with FUZZ_JOBS > 1) and collect them all
#   FUZZ_CFLAGS   extra compiler flags, e.g. -fno-sanitize=pointer-overflow
#                 to look past one known report
#   CC            a clang with libFuzzer (default clang; Debian 12:
#                 apt-get install clang libclang-rt-14-dev)
#
# The seeds in test/fuzz/corpus are only read; new inputs go to
# $FUZZ_OUT/corpus. Exit status: 0 when no crash, leak, timeout or
# out-of-memory was found, 1 otherwise (each is printed with its trace).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-${TMPDIR:-/tmp}/wisp-fuzz}
secs=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-1}
cc=${CC:-clang}

case "$(uname -m)" in
	x86_64) arch=x86_64 ;;
	aarch64*|arm64) arch=aarch64 ;;
	arm*) arch=arm ;;
	mips*) arch=mips ;;
	riscv64) arch=riscv64 ;;
	ppc64*|powerpc64*) arch=powerpc64 ;;
	*) echo "fuzz: no src/arch table for $(uname -m)" >&2; exit 1 ;;
esac

mkdir -p "$out/corpus" "$out/crashes"

# Every stage but main.c (which holds main()); run.c is linked but never called.
srcs=()
for f in "$top"/src/*.c "$top"/src/provider/*.c "$top/src/arch/$arch.c"; do
	[ "$(basename "$f")" = main.c ] || srcs+=("$f")
done

# syscalls.c's table, generated as Makefile.am does (src/syscalls.h)
mkdir -p "$out/gen/src"
echo '#include <asm/unistd.h>' | "$cc" -x c -dM -E - |
	awk -f "$top/src/syscalls.awk" >"$out/gen/src/syscalls.h"

read -r -a cflags <<<"${FUZZ_CFLAGS:-}"
echo "fuzz: building $out/wisp-fuzz with $cc"
"$cc" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-g -O1 -D_GNU_SOURCE -I"$top/src" -I"$top/lib" -I"$out/gen" \
	-DWISP_FIXTURE="\"$top/test/data/tracefs\"" \
	"${cflags[@]+"${cflags[@]}"}" \
	-o "$out/wisp-fuzz" "$top/test/fuzz/fuzz.c" "${srcs[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export WISP_TRACEFS="$top/test/data/tracefs"

# Reproduce mode: run the given files once each.
if [ $# -gt 0 ]; then
	exec "$out/wisp-fuzz" -runs=1 "$@"
fi

echo "fuzz: fuzzing for ${secs}s (jobs: $jobs), seeds: test/fuzz/corpus, artifacts: $out/crashes/"
extra=()
if [ "$jobs" -gt 1 ] || [ -n "${FUZZ_KEEP_GOING:-}" ]; then
	extra=(-fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
set +e
"$out/wisp-fuzz" \
	-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-dict="$top/test/fuzz/wisp.dict" \
	-artifact_prefix="$out/crashes/" \
	-print_final_stats=1 \
	${extra[@]+"${extra[@]}"} \
	"$out/corpus" "$top/test/fuzz/corpus" 2>"$out/fuzz.log"
rc=$?
set -e
tail -n 15 "$out/fuzz.log"

# Report every artifact with the trace it gives when run again.
shopt -s nullglob
found=0
for a in "$out"/crashes/crash-* "$out"/crashes/leak-* "$out"/crashes/timeout-* \
	"$out"/crashes/oom-* "$out"/crashes/slow-unit-*; do
	found=$((found + 1))
	echo
	echo "=== $a"
	echo "--- input (escaped):"
	od -c -An "$a" | head -n 10
	echo "--- trace:"
	"$out/wisp-fuzz" -runs=1 "$a" 2>&1 | grep -v '^INFO:' | head -n 60 || true
done
echo
if [ "$found" -gt 0 ] || [ "$rc" -ne 0 ]; then
	echo "fuzz: FAILED: $found artifact(s) in $out/crashes (fuzzer exit $rc); full log: $out/fuzz.log"
	exit 1
fi
echo "fuzz: no crash in ${secs}s; corpus: $(find "$out/corpus" -type f | wc -l) inputs"
