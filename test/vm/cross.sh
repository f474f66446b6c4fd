#!/bin/bash
# test/vm/cross.sh [ARCH...] - static cross builds of wisp and of the guest
# test programs, one out-of-tree build directory per architecture.
#
#   make cross                       (all architectures, in the build tree)
#   test/vm/cross.sh arm64 mips      (some; the Debian names below)
#
# ARCH      host triplet (configure --host)   compiler
# amd64     x86_64-linux-gnu                  gcc (x86_64-linux-gnu-gcc)
# arm64     aarch64-linux-gnu                 gcc-aarch64-linux-gnu
# armhf     arm-linux-gnueabihf               gcc-arm-linux-gnueabihf
# mipsel    mipsel-linux-gnu                  gcc-mipsel-linux-gnu
# mips64el  mips64el-linux-gnuabi64           gcc-mips64el-linux-gnuabi64
# mips      mips-linux-gnu (big-endian)       gcc-mips-linux-gnu
# (each with its libc6-dev-ARCH-cross; amd64 with libc6-dev)
#
# For each ARCH, in $WISP_CROSS_DIR/ARCH (default: test/vm/cross/ARCH of the
# build tree when run by make, else of the source tree; test/vm/.gitignore
# keeps it out of git):
#   configure --host=TRIPLET --enable-static-binary CFLAGS=-Os, make src/wisp
#   wisp      the stripped static binary (src/wisp is the unstripped one)
#   target    test/vm/target.c + target-sem.c, static, -O2, not stripped
#             (uprobes find add3 by its symbol); -marm on armhf, because
#             ARM uprobes only work on ARM-mode code, and -mapcs-frame, because
#             the ARM kernel walks user stacks (ustack) only through APCS
#             frame records
# and prints each stripped size. Builds are incremental: a second run only
# remakes what changed.
#
# configure refuses a source tree that was configured in place, and a VPATH
# build would pick up its objects, so the sources are copied first into
# $WISP_CROSS_DIR/src (the files git knows, with uncommitted changes; in a
# release tarball's tree, `make distdir`), and autoreconf'd there when needed.
# <sys/sdt.h> (systemtap-sdt-dev) is the build machine's, for every ARCH.
#
# Environment: WISP_CROSS_DIR, JOBS (make -j; default: the CPUs),
# CROSS_CFLAGS (default -Os), V=1 (show the build's output).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ALL_ARCHS=(amd64 arm64 armhf mipsel mips64el mips)
out=${WISP_CROSS_DIR:-$top/test/vm/cross}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cflags=${CROSS_CFLAGS:--Os}

triplet() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	mipsel) echo mipsel-linux-gnu ;;
	mips64el) echo mips64el-linux-gnuabi64 ;;
	mips) echo mips-linux-gnu ;;
	*) return 1 ;;
	esac
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=("${ALL_ARCHS[@]}")
for a in "${archs[@]}"; do
	triplet "$a" >/dev/null || { echo "cross: unknown arch '$a' (one of: ${ALL_ARCHS[*]})" >&2; exit 2; }
done

# quiet unless V=1; the log is shown when a step fails
run() {	# run LOG CMD...
	local log=$1
	shift
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee -a "$log"
		return "${PIPESTATUS[0]}"
	fi
	if ! "$@" >>"$log" 2>&1; then
		echo "cross: failed: $* (last lines of $log:)" >&2
		tail -n 40 "$log" >&2
		return 1
	fi
}

mkdir -p "$out"
out=$(cd "$out" && pwd)

# ---------------------------------------------------------- the sources
src=$out/src
prepare_sources() {
	local log=$out/src.log
	: >"$log"
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		mkdir -p "$src"
		# tracked and new files (not ignored), as they are in the work tree;
		# rsync keeps their times, so unchanged files rebuild nothing
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			grep -zv '^test/vm/cross/' |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
			rsync -a --from0 --files-from=- "$top/" "$src/"
	elif [ -f "$top/config.status" ]; then
		# a release tree configured in place: its own list of sources
		rm -rf "$src"
		run "$log" make -C "$top" distdir distdir="$src"
	else
		src=$top	# a clean tree: build from it directly
	fi
	if [ ! -x "$src/configure" ] || [ "$src/configure" -ot "$src/configure.ac" ]; then
		command -v autoreconf >/dev/null ||
			{ echo "cross: autoreconf is needed (apt-get install autoconf automake)" >&2; exit 1; }
		(cd "$src" && run "$log" autoreconf -fi)
	fi
}
prepare_sources

# <sys/sdt.h> for the cross compilers: Debian installs it under the build
# machine's multiarch directory, out of their search path
sdt=$out/sdt
mkdir -p "$sdt/sys"
sdt_h=
for d in "/usr/include/$(gcc -print-multiarch 2>/dev/null)" /usr/include /usr/local/include; do
	[ -f "$d/sys/sdt.h" ] && { sdt_h=$d/sys; break; }
done
[ -n "$sdt_h" ] || { echo "cross: no <sys/sdt.h> (apt-get install systemtap-sdt-dev)" >&2; exit 1; }
for f in "$sdt_h"/sdt.h "$sdt_h"/sdt-config.h; do
	[ -f "$f" ] && ln -sfn "$f" "$sdt/sys/"
done

# ---------------------------------------------------------- per arch
human() {	# bytes -> "123456 bytes (121 KiB)"
	echo "$1 bytes ($((($1 + 512) / 1024)) KiB)"
}

build_arch() {
	local a=$1 t cc dir log size tsize marm=
	t=$(triplet "$a")
	cc=$t-gcc
	command -v "$cc" >/dev/null ||
		{ echo "cross: $cc not found (apt-get install gcc-$t libc6-dev-$a-cross)" >&2; return 1; }
	dir=$out/$a
	log=$dir/build.log
	mkdir -p "$dir"
	: >"$log"
	local args="$src/configure --host=$t --enable-static-binary CFLAGS=$cflags"
	if [ ! -f "$dir/config.status" ] || [ "$dir/config.status" -ot "$src/configure" ] ||
		[ "$(cat "$dir/configure.args" 2>/dev/null)" != "$args" ]; then
		rm -f "$dir/configure.args"
		(cd "$dir" && run "$log" "$src/configure" --host="$t" --enable-static-binary "CFLAGS=$cflags") || return 1
		echo "$args" >"$dir/configure.args"
	fi
	rm -f "$dir/wisp"	# only a successful build leaves one
	run "$log" make -C "$dir" -j"$jobs" src/wisp || return 1
	"$t-strip" -o "$dir/wisp" "$dir/src/wisp"
	case $(file -b "$dir/wisp") in
	*"statically linked"*|*"static-pie linked"*) ;;
	*) echo "cross: $dir/wisp is not a static binary: $(file -b "$dir/wisp")" >&2; return 1 ;;
	esac
	[ "$a" = armhf ] && marm="-marm -mapcs-frame"
	if [ ! "$dir/target" -nt "$src/test/vm/target.c" ] || [ ! "$dir/target" -nt "$src/test/vm/target-sem.c" ]; then
		run "$log" "$cc" -static -O2 -Wall -Wextra $marm -I"$sdt" -o "$dir/target" \
			"$src/test/vm/target.c" "$src/test/vm/target-sem.c" || return 1
	fi
	size=$(stat -c %s "$dir/wisp")
	tsize=$(stat -c %s "$dir/target")
	printf 'cross %-8s wisp %s stripped, static (%s); target %s\n' "$a" "$(human "$size")" "$t" "$(human "$tsize")"
}

rc=0
for a in "${archs[@]}"; do
	build_arch "$a" || { echo "cross $a: FAILED (log: $out/$a/build.log)"; rc=1; }
done
exit $rc
