#!/bin/sh
# Install the Debian packages blkasm needs, only when something is missing.
#
# Idempotent and cheap when warm: one dpkg-query, no apt-get. Also enables the
# arm64 foreign architecture (cross musl, arm64 kernel and busybox) and deb-src
# (apt-get source util-linux).
set -eu

PKGS="make gcc libc6-dev linux-libc-dev musl-tools musl-dev
kyua atf-sh libatf-dev libblkid-dev libmount-dev
qemu-system-x86 qemu-system-arm qemu-user-static
busybox-static e2fsprogs cpio gzip xz-utils zstd file dpkg-dev kmod
coreutils util-linux fdisk apt
gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu musl-dev:arm64
linux-libc-dev-arm64-cross
clang libclang-rt-14-dev
linux-source-6.1 bc bison flex libelf-dev libssl-dev patch
gnuplot-nox initramfs-tools mdadm dmsetup systemd
cryptsetup-bin squashfs-tools erofs-utils valgrind"
# dmsetup and systemd: make bench's dracut peer (rootfs/peer-dracut.sh) packs
# them from this machine, as dracut does (dracut itself is never installed).
# Debian's own kernel installed on the host as a user would install it: the
# x86_64 board test initramfs_generator packs an image for it with
# blkasm-initramfs -k VERSION and boots /boot/vmlinuz-VERSION.
[ "$(dpkg --print-architecture)" != amd64 ] || PKGS="$PKGS linux-image-amd64"

SRC=/etc/apt/sources.list.d/debian.sources
need_update=

[ "$(id -u)" = 0 ] || SUDO=sudo
SUDO=${SUDO:-}

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
	need_update=1
fi

# deb-src: deb822 sources (Debian 12 default), else a one-line sources.list.
if [ -f "$SRC" ]; then
	if grep -q '^Types: *deb *$' "$SRC"; then
		$SUDO sed -i 's/^Types: *deb *$/Types: deb deb-src/' "$SRC"
		need_update=1
	fi
elif [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src' /etc/apt/sources.list; then
	sed -n 's/^deb /deb-src /p' /etc/apt/sources.list |
		$SUDO tee /etc/apt/sources.list.d/blkasm-src.list >/dev/null
	need_update=1
fi

# Fast path: one dpkg-query; "ii" lines for all of them means nothing to do.
n=$(echo $PKGS | wc -w)
ok=$(dpkg-query -W -f='${db:Status-Abbrev}\n' $PKGS 2>/dev/null | grep -c '^ii') || ok=0
missing=
if [ "$ok" -ne "$n" ]; then
	missing=$(for p in $PKGS; do
		s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) || s=
		[ "${s%% *}" = ii ] || echo "$p"
	done)
fi

if [ -n "$missing" ]; then
	echo "deps: installing" $missing
	need_update=1
fi
[ -z "$need_update" ] && exit 0

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
[ -n "$missing" ] && $SUDO apt-get install -y -q --no-install-recommends $missing
exit 0
