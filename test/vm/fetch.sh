#!/bin/bash
# test/vm/fetch.sh ARCH... - the guest kernels and busybox, into the cache.
#
#   test/vm/fetch.sh amd64 arm64 armhf mipsel mips64el mips
#
# For each ARCH, Debian 12's stock kernel (linux-image-*, only its /boot:
# the initramfs is the guest's root, no modules are needed) and
# busybox-static, fetched with `apt-get download`, go to
#   $WISP_VM_CACHE/ARCH/kernel    what QEMU boots (-kernel)
#   $WISP_VM_CACHE/ARCH/config    the kernel's configuration
#   $WISP_VM_CACHE/ARCH/package   the package it came from
#   $WISP_VM_CACHE/ARCH/busybox   a static busybox
# (the .deb files stay in $WISP_VM_CACHE/debs). WISP_VM_CACHE defaults to
# /var/tmp/wisp-vm. A second run downloads nothing: an ARCH whose files are
# there is left alone (rm -rf $WISP_VM_CACHE/ARCH to fetch it anew).
#
# ARCH     package (flavour)          booted as
# amd64    linux-image-amd64          the uncompressed vmlinux (QEMU's PVH
#                                     entry: no decompressor, much faster
#                                     under TCG)
# arm64    linux-image-arm64          vmlinuz
# armhf    linux-image-armmp          vmlinuz
# mipsel   linux-image-4kc-malta      vmlinuz
# mips64el linux-image-5kc-malta      vmlinuz
# mips     none: Debian has no big-endian MIPS port. test/vm/prebuilt/mips
#          holds a vmlinux, busybox and config made by build-mips-be.sh.
#
# The foreign architectures are added to dpkg (dpkg --add-architecture)
# when needed, which needs root, as does `apt-get update`. An update that
# fails for one index (a foreign -security index can fail mid-sync with
# "File has unexpected size") is tolerated; a download that then fails is
# not. KVER pins the kernel ABI (KVER=6.1.0-28); by default the one the
# meta package depends on today is taken.
set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

here=$(cd "$(dirname "$0")" && pwd)
cache=${WISP_VM_CACHE:-/var/tmp/wisp-vm}

[ $# -gt 0 ] || { echo "usage: $0 amd64|arm64|armhf|mipsel|mips64el|mips..." >&2; exit 2; }

mkdir -p "$cache/debs"
cache=$(cd "$cache" && pwd)
debs=$cache/debs
# apt-get download runs its fetch as the _apt user: it must be able to write
chown _apt "$debs" 2>/dev/null || true

updated=0
apt_update() {
	[ "$updated" = 1 ] && return 0
	updated=1
	echo "fetch: apt-get update" >&2
	apt-get update -qq >&2 || echo "fetch: apt-get update reported errors (continuing)" >&2
}

ensure_dpkg_arch() {	# ensure_dpkg_arch DEBARCH
	local da=$1
	[ "$da" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$da" && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "fetch: dpkg does not know the architecture $da; as root: dpkg --add-architecture $da && apt-get update" >&2
		return 1
	fi
	echo "fetch: dpkg --add-architecture $da" >&2
	dpkg --add-architecture "$da"
	updated=0
	apt_update
}

# the package the meta package depends on (linux-image-6.1.0-NN-FLAVOUR)
kernel_package() {	# kernel_package FLAVOUR DEBARCH
	local p
	if [ -n "${KVER:-}" ]; then
		echo "linux-image-$KVER-$1"
		return
	fi
	p=$(apt-cache depends "linux-image-$1:$2" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	if [ -z "$p" ]; then
		apt_update
		p=$(apt-cache depends "linux-image-$1:$2" 2>/dev/null | awk '/Depends: linux-image-/ { print $2; exit }')
	fi
	[ -n "$p" ] || { echo "fetch: apt-cache knows no linux-image-$1:$2" >&2; return 1; }
	echo "${p%%:*}"
}

download() {	# download PACKAGE DEBARCH -> the .deb's path (downloaded once)
	local pkg=$1 da=$2 f
	f=$(ls "$debs/${pkg}_"*"_$da.deb" 2>/dev/null | head -n 1 || true)
	if [ -z "$f" ]; then
		echo "fetch: apt-get download $pkg:$da" >&2
		if ! (cd "$debs" && apt-get download -q "$pkg:$da" >&2); then
			apt_update
			(cd "$debs" && apt-get download -q "$pkg:$da" >&2) ||
				{ echo "fetch: cannot download $pkg:$da" >&2; return 1; }
		fi
		f=$(ls "$debs/${pkg}_"*"_$da.deb" 2>/dev/null | head -n 1 || true)
		[ -n "$f" ] || { echo "fetch: $pkg:$da was downloaded but is not in $debs" >&2; return 1; }
	fi
	echo "$f"
}

# an xz stream inside a bzImage (Debian's x86 kernels are xz-compressed),
# decompressed: the ELF vmlinux that QEMU boots through PVH
unpack_bzimage() {	# unpack_bzimage BZIMAGE OUT
	local off
	off=$(grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	tail -c +$((off + 1)) "$1" | xz -dc >"$2.tmp" 2>/dev/null || true	# trailing data: ignored
	case $(file -b "$2.tmp") in
	ELF*) mv "$2.tmp" "$2" ;;
	*) rm -f "$2.tmp"; return 1 ;;
	esac
}

fetch_debian() {	# fetch_debian ARCH DEBARCH FLAVOUR
	local a=$1 da=$2 flav=$3 dir=$cache/$1 pkg deb x
	if [ ! -s "$dir/kernel" ] || [ ! -s "$dir/config" ]; then
		ensure_dpkg_arch "$da"
		pkg=$(kernel_package "$flav" "$da")
		deb=$(download "$pkg" "$da")
		x=$(mktemp -d "$cache/unpack.XXXXXX")
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" --wildcards './boot/*'
		mkdir -p "$dir"
		cp "$x"/boot/config-* "$dir/config"
		if [ "$a" = amd64 ]; then
			unpack_bzimage "$x"/boot/vmlinuz-* "$dir/kernel" ||
				cp "$x"/boot/vmlinuz-* "$dir/kernel"	# boots, only slower
		else
			cp "$x"/boot/vmlinuz-* "$dir/kernel"
		fi
		rm -rf "$x"
		basename "$deb" >"$dir/package"
		rm -f "$deb"	# 40-70 MB, of which only /boot was needed
	fi
	if [ ! -x "$dir/busybox" ]; then
		ensure_dpkg_arch "$da"
		deb=$(download busybox-static "$da")
		x=$(mktemp -d "$cache/unpack.XXXXXX")
		dpkg-deb -x "$deb" "$x"
		install -m 755 "$x/bin/busybox" "$dir/busybox"
		rm -rf "$x"
	fi
}

fetch_mips() {
	local dir=$cache/mips p=$here/prebuilt/mips sum
	for f in vmlinux.xz busybox.xz config; do
		[ -f "$p/$f" ] || { echo "fetch: $p/$f is missing (see build-mips-be.sh)" >&2; return 1; }
	done
	# re-unpacked when the prebuilt files change
	sum=$(cat "$p/vmlinux.xz" "$p/busybox.xz" "$p/config" | md5sum | cut -d' ' -f1)
	if [ "$(cat "$dir/source" 2>/dev/null)" != "$sum" ] || [ ! -s "$dir/kernel" ] || [ ! -x "$dir/busybox" ]; then
		mkdir -p "$dir"
		xz -dc "$p/vmlinux.xz" >"$dir/kernel"
		xz -dc "$p/busybox.xz" >"$dir/busybox"
		chmod 755 "$dir/busybox"
		cp "$p/config" "$dir/config"
		echo "test/vm/prebuilt/mips (linux-source-6.1, malta_defconfig, big-endian; build-mips-be.sh)" >"$dir/package"
		echo "$sum" >"$dir/source"
	fi
}

fetch_one() {
	case $1 in
	amd64) fetch_debian amd64 amd64 amd64 ;;
	arm64) fetch_debian arm64 arm64 arm64 ;;
	armhf) fetch_debian armhf armhf armmp ;;
	mipsel) fetch_debian mipsel mipsel 4kc-malta ;;
	mips64el) fetch_debian mips64el mips64el 5kc-malta ;;
	mips) fetch_mips ;;
	esac
}

for a in "$@"; do
	case $a in
	amd64|arm64|armhf|mipsel|mips64el|mips) ;;
	*) echo "fetch: unknown arch '$a' (amd64 arm64 armhf mipsel mips64el mips)" >&2; exit 2 ;;
	esac
done
# the foreign architectures still needed, added at once: one apt-get update
need=()
for a in "$@"; do
	[ "$a" = mips ] && continue
	[ -s "$cache/$a/kernel" ] && [ -s "$cache/$a/config" ] && [ -x "$cache/$a/busybox" ] && continue
	[ "$a" = "$(dpkg --print-architecture)" ] && continue
	dpkg --print-foreign-architectures | grep -qx "$a" || need+=("$a")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { echo "fetch: dpkg does not know ${need[*]}; as root: dpkg --add-architecture ARCH for each, then apt-get update" >&2; exit 1; }
	for a in "${need[@]}"; do
		echo "fetch: dpkg --add-architecture $a" >&2
		dpkg --add-architecture "$a"
	done
	apt_update
fi

rc=0
set +e
for a in "$@"; do
	# a subshell with its own errexit: any failed step fails this arch
	(set -e; fetch_one "$a")
	if [ $? != 0 ]; then
		echo "fetch $a: FAILED" >&2
		rc=1
		continue
	fi
	echo "fetch $a: $(cat "$cache/$a/package") -> $cache/$a/kernel"
done
exit $rc
