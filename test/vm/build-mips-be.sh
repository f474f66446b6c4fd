#!/bin/bash
# test/vm/build-mips-be.sh [OUTDIR] - how test/vm/prebuilt/mips was made.
#
# Debian 12 has no big-endian MIPS port, so there is no stock kernel or
# busybox to download for the `mips` guest. This builds both from Debian's
# own sources with Debian's mips-linux-gnu cross compiler:
#   kernel   linux-source-6.1 (the package), ARCH=mips malta_defconfig, made
#            big-endian and given what wisp's tests need (the fragment below:
#            kprobes, uprobes, BPF with its JIT, ftrace syscalls, the
#            initramfs, the serial console, power-off); `make vmlinux` only
#   busybox  Debian's busybox source package with Debian's static
#            configuration (debian/config/pkg/static)
# and writes OUTDIR/{vmlinux.xz,busybox.xz,config} (default: test/vm/prebuilt/mips
# next to this script, which fetch.sh unpacks into the cache).
#
# Needs root (apt-get), about 2 GB of disk under $WORK (default
# /var/tmp/wisp-mips-be) and 10-15 minutes on 2 CPUs. `apt-get source`
# needs a deb-src entry: one for the configured mirror is added when there
# is none. JOBS sets make -j (default: the CPUs).
set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:-$here/prebuilt/mips}
work=${WORK:-/var/tmp/wisp-mips-be}
jobs=${JOBS:-$(nproc)}
X=mips-linux-gnu-

mkdir -p "$outdir" "$work"
outdir=$(cd "$outdir" && pwd)

echo "build-mips-be: packages"
apt-get install -y -qq --no-install-recommends gcc-mips-linux-gnu libc6-dev-mips-cross \
	make flex bison bc libssl-dev libelf-dev dpkg-dev xz-utils >/dev/null

# a deb-src line for `apt-get source busybox`, on the mirror already in use
if ! apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox'; then
	mirror=
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources | grep -v security | head -n 1)
	fi
	if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
		mirror=$(awk '$1 == "deb" && $3 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
	fi
	mirror=${mirror:-http://deb.debian.org/debian}
	echo "build-mips-be: adding deb-src $mirror bookworm main"
	cat >/etc/apt/sources.list.d/wisp-deb-src.sources <<EOF
Types: deb-src
URIs: $mirror
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt-get update -qq || echo "build-mips-be: apt-get update reported errors (continuing)"
fi

cd "$work"
chown _apt "$work" 2>/dev/null || true	# apt-get download fetches as _apt

# ------------------------------------------------------------------ kernel
echo "build-mips-be: linux-source-6.1"
ls linux-source-6.1_*_all.deb >/dev/null 2>&1 || apt-get download -q linux-source-6.1
if [ ! -d linux-source-6.1 ]; then
	dpkg-deb --fsys-tarfile linux-source-6.1_*_all.deb |
		tar -xO ./usr/src/linux-source-6.1.tar.xz | tar -xJ
fi

# What the guest suite needs on top of malta_defconfig. MODULES stays on:
# in 6.1, KPROBES and the BPF JIT depend on it (no module is built).
cat >mips-be.config <<'EOF'
# CONFIG_CPU_LITTLE_ENDIAN is not set
CONFIG_CPU_BIG_ENDIAN=y
CONFIG_MODULES=y
CONFIG_DEBUG_INFO_NONE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_POWER_RESET=y
CONFIG_POWER_RESET_PIIX4_POWEROFF=y
CONFIG_PERF_EVENTS=y
CONFIG_BPF_SYSCALL=y
CONFIG_BPF_JIT=y
CONFIG_KPROBES=y
CONFIG_UPROBES=y
CONFIG_FTRACE=y
CONFIG_FUNCTION_TRACER=y
CONFIG_DYNAMIC_FTRACE=y
CONFIG_FTRACE_SYSCALLS=y
CONFIG_KPROBE_EVENTS=y
CONFIG_UPROBE_EVENTS=y
CONFIG_BPF_EVENTS=y
CONFIG_DEBUG_FS=y
CONFIG_KALLSYMS_ALL=y
EOF

kb=$work/mips-be-kernel
mkdir -p "$kb"
(
	cd linux-source-6.1
	make -s ARCH=mips CROSS_COMPILE=$X O="$kb" malta_defconfig
	ARCH=mips scripts/kconfig/merge_config.sh -m -O "$kb" "$kb/.config" ../mips-be.config >/dev/null
	make -s ARCH=mips CROSS_COMPILE=$X O="$kb" olddefconfig
	# every line of the fragment must have survived olddefconfig
	missing=$(grep -v '^#' ../mips-be.config | while IFS= read -r l; do grep -qx "$l" "$kb/.config" || echo "$l"; done)
	[ -z "$missing" ] || { echo "build-mips-be: not taken by the kernel config: $missing" >&2; exit 1; }
	echo "build-mips-be: make vmlinux (log: $work/kernel.log)"
	make ARCH=mips CROSS_COMPILE=$X O="$kb" -j"$jobs" vmlinux >"$work/kernel.log" 2>&1 ||
		{ tail -n 30 "$work/kernel.log"; exit 1; }
)

# ----------------------------------------------------------------- busybox
echo "build-mips-be: busybox"
bbdir=$(ls -d busybox-1.*/ 2>/dev/null | head -n 1 || true)
if [ -z "$bbdir" ]; then
	apt-get source -q busybox >/dev/null
	bbdir=$(ls -d busybox-1.*/ | head -n 1)
fi
(
	cd "$bbdir"
	cp debian/config/pkg/static .config
	# new options take their defaults (yes ends by SIGPIPE: not a failure)
	{ yes '' || true; } | make CROSS_COMPILE=$X oldconfig >/dev/null 2>&1
	make CROSS_COMPILE=$X -j"$jobs" busybox >"$work/busybox.log" 2>&1 ||
		{ tail -n 30 "$work/busybox.log"; exit 1; }
	case $(file -b busybox) in
	*MSB*MIPS*statically\ linked*) ;;
	*) echo "build-mips-be: busybox is not a static big-endian MIPS binary: $(file -b busybox)" >&2; exit 1 ;;
	esac
)

xz -T0 -9 -c "$kb/vmlinux" >"$outdir/vmlinux.xz"
xz -T0 -9 -c "$bbdir/busybox" >"$outdir/busybox.xz"
cp "$kb/.config" "$outdir/config"
ls -l "$outdir"
echo "build-mips-be: done; the next fetch.sh mips unpacks these"
