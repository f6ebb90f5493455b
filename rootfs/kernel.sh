#!/bin/sh
# Fetch and unpack the board's Debian kernel (no installation).
#
# usage: kernel.sh OUT
# env:   DL (download cache), DEB_ARCH, KERNEL_META (e.g. linux-image-amd64),
#        KERNEL_SUFFIX (appended to the resolved package, e.g. -unsigned),
#        KERNEL_FORMAT (vmlinux: decompress the bzImage for a PVH boot;
#        image: use the vmlinuz as is)
#
# The ABI number is never hard-coded: the meta package's dependency names the
# current image package. Layout:
#   OUT/image                             what QEMU's -kernel gets
#   OUT/kver                              kernel release, e.g. 6.1.0-56-amd64
#   OUT/config                            the kernel's .config
#   OUT/modules/lib/modules/<kver>/       all modules + modules.dep (depmod)
#   OUT/modules/boot/vmlinuz-<kver>       the packaged kernel
set -eu
# As root, apt downloads as _apt, which cannot write into a private cache.
APT_OPTS=-q
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
out=$1
: "${DL:?}" "${DEB_ARCH:?}" "${KERNEL_META:?}" "${KERNEL_FORMAT:?}"
KERNEL_SUFFIX=${KERNEL_SUFFIX-}

pkg=$(apt-cache depends "$KERNEL_META:$DEB_ARCH" |
	sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "kernel.sh: cannot resolve $KERNEL_META" >&2; exit 1; }
pkg=$pkg$KERNEL_SUFFIX
ver=$(apt-cache show --no-all-versions "$pkg:$DEB_ARCH" | sed -n 's/^Version: //p')
deb=$DL/kernel/${pkg}_$(echo "$ver" | sed 's/:/%3a/')_$DEB_ARCH.deb

mkdir -p "$DL/kernel"
if [ ! -f "$deb" ]; then
	(cd "$DL/kernel" && apt-get download $APT_OPTS "$pkg:$DEB_ARCH=$ver")
fi

rm -rf "$out"
mkdir -p "$out/modules"
dpkg-deb -x "$deb" "$out/modules"
kver=$(ls "$out/modules/lib/modules")
echo "$kver" > "$out/kver"
# The packages ship no modules.dep (Debian runs depmod at install time).
depmod -b "$out/modules" "$kver"
ln -s "modules/boot/config-$kver" "$out/config"

vmlinuz=$out/modules/boot/vmlinuz-$kver
case $KERNEL_FORMAT in
vmlinux)
	# bzImage = setup code + xz-compressed vmlinux. Booting the ELF through
	# PVH skips the in-guest decompression (~3.6 s under TCG).
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
	tail -c +"$((off + 1))" "$vmlinuz" | xz -dc --single-stream > "$out/image"
	file -b "$out/image" | grep -q '^ELF' ||
		{ echo "kernel.sh: no ELF vmlinux in $vmlinuz" >&2; exit 1; }
	;;
image)
	ln -s "modules/boot/vmlinuz-$kver" "$out/image"
	;;
*)
	echo "kernel.sh: unknown KERNEL_FORMAT $KERNEL_FORMAT" >&2; exit 1 ;;
esac
