#!/bin/sh
# make-fixtures.sh - rebuild the ELF fixtures of check_elf and check_usdt
# from fixture.c with Debian's cross compilers (gcc-<triplet> packages) and
# <sys/sdt.h> (systemtap-sdt-dev). Run it here: sh make-fixtures.sh.
#
# Each fixture is a small static executable without libc (a few KB). The
# unit tests hardcode what they expect from these files; fixtures.txt
# records what nm and readelf said when they were made, to compare with.
set -eu
cd "$(dirname "$0")"

# the cross compilers do not search the host's multiarch include dir:
# give them <sys/sdt.h> alone
sdt=$(echo '#include <sys/sdt.h>' | gcc -E -H -x c - 2>&1 >/dev/null | sed -n 's/^\. //p' | head -1)
inc=$(mktemp -d)
trap 'rm -rf "$inc"' EXIT
mkdir "$inc/sys"
cp "$sdt" "$(dirname "$sdt")/sdt-config.h" "$inc/sys/"

CFLAGS="-Os -fno-pic -fno-asynchronous-unwind-tables -fno-stack-protector -ffreestanding -I$inc"
LDFLAGS="-e _start -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code"

# mips's ld warns "can't find matching LO16 reloc against fx_global": the
# %lo() half of that address only appears in the note's text (harmless)
build() {	# file compiler extra-flags...
	out=$1 cc=$2
	shift 2
	$cc $CFLAGS "$@" -c fixture.c -o "$inc/a.o"
	$cc $CFLAGS "$@" -DSEMAPHORES -c fixture.c -o "$inc/b.o"
	$cc $CFLAGS "$@" $LDFLAGS "$inc/a.o" "$inc/b.o" -o "$out"
	{
		echo "== $out"
		nm "$out" | grep -i ' [tdbr] '
		readelf -lW "$out" | grep LOAD
		readelf -SW "$out" | grep -E 'stapsdt|probes|sym'
		readelf -nW "$out" | grep -E 'Provider|Location|Arguments'
	} >>fixtures.txt
}

: >fixtures.txt
build x86_64.elf x86_64-linux-gnu-gcc
build aarch64.elf aarch64-linux-gnu-gcc
build arm.elf arm-linux-gnueabihf-gcc -marm
build thumb.elf arm-linux-gnueabihf-gcc -mthumb
build mipsel.elf mipsel-linux-gnu-gcc
build mips.elf mips-linux-gnu-gcc
build mips64el.elf mips64el-linux-gnuabi64-gcc
build riscv64.elf riscv64-linux-gnu-gcc
build ppc64le.elf powerpc64le-linux-gnu-gcc
# a shared object: .dynsym and .symtab both, position-independent code
CFLAGS=$(echo "$CFLAGS" | sed 's/-fno-pic/-fPIC/')
LDFLAGS="-shared -nostdlib -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noseparate-code"
build x86_64.so x86_64-linux-gnu-gcc
