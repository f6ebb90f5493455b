#!/bin/sh
# Build a tiny-initramfs image (Debian 12's tiny-initramfs 0.1, mktirfs) for
# the board's kernel, as a peer that make bench boots next to blkasm
# (tests/bench/boot_bench.sh): the smallest initramfs generator Debian has.
#
# usage: peer-tirfs.sh OUT.img KERNEL_DIR MODULES
#   KERNEL_DIR  from kernel.sh (kver, modules/lib/modules/<kver>/)
#   MODULES     board/<name>/modules: the board's boot list (loop left out)
# env:   DL (download cache, rootfs/peer-debs.sh)
#
# tiny-initramfs's /init is one static C program: it loads the modules
# listed in the image in order (no udev, no modprobe: it insmods the files),
# waits for root= (a kernel device name or UUID=, created by devtmpfs),
# mounts it and switches to it. It has no md, dm or loop support: make
# bench boots it on the plain layout only. Its package tiny-initramfs
# conflicts with initramfs-tools, so tiny-initramfs-core (mktirfs and the
# /init binaries) is unpacked into OUT.pkg (rootfs/peer-debs.sh) and
# mktirfs runs from there. mktirfs has its paths written in (its
# configuration file in /etc, its functions and binaries under /usr) and
# calls /sbin/modprobe --set-version for the modules of /lib/modules, so it
# runs as a copy, OUT.pkg/mktirfs, with those paths pointed at the unpacked
# package, no configuration file, and modprobe -d at KERNEL_DIR's modules.
# Options: -m no (no modules detected from this machine's own root),
# --include-modules with the board list (its modules.dep dependencies are
# added by mktirfs, in order), -M no (no microcode: the guest is QEMU's).
# Unprivileged. Writes OUT.img (gzip cpio) and OUT.img.list (its members).
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 3 ] || { echo "usage: peer-tirfs.sh OUT.img KERNEL_DIR MODULES" >&2; exit 2; }
out=$(abs "$1") kdir=$(abs "$2") list=$(abs "$3")
top=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kdir/kver")
[ -f "$kdir/modules/lib/modules/$kver/modules.dep" ] ||
	{ echo "peer-tirfs.sh: $kdir is not an unpacked kernel (kernel.sh)" >&2; exit 1; }

pkg=$out.pkg
"$top/peer-debs.sh" "$pkg" tiny-initramfs-core
r=$pkg/root
[ -x "$r/usr/sbin/mktirfs" ] && [ -f "$r/usr/share/tiny-initramfs/functions" ] ||
	{ echo "peer-tirfs.sh: no mktirfs in tiny-initramfs-core" >&2; exit 1; }
# Its paths, rewritten; the copy checks that each was there to rewrite.
sed -e "s|^CFGFILE=.*|CFGFILE=\"$pkg/none.conf\"|" \
	-e "s|^PKGLIBEXECDIR=\"/usr/lib/|PKGLIBEXECDIR=\"$r/usr/lib/|" \
	-e "s|^\. /usr/share/tiny-initramfs/functions|. $pkg/functions|" \
	"$r/usr/sbin/mktirfs" > "$pkg/mktirfs"
sed -e "s|/usr/share/tiny-initramfs/hooks|$r/usr/share/tiny-initramfs/hooks|g" \
	-e "s|/etc/tiny-initramfs/hooks|$pkg/hooks|g" \
	-e "s|/sbin/modprobe |/sbin/modprobe -d $kdir/modules |" \
	"$r/usr/share/tiny-initramfs/functions" > "$pkg/functions"
[ "$(grep -c "$pkg" "$pkg/mktirfs")" = 3 ] && grep -q "modprobe -d $kdir/modules" "$pkg/functions" ||
	{ echo "peer-tirfs.sh: mktirfs is not as expected (paths not rewritten)" >&2; exit 1; }
chmod 0755 "$pkg/mktirfs"

mods=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' -e '/^loop$/d' "$list" | paste -sd, -)
rm -f "$out.tmp"
mkdir -p "$pkg/tmp"
TMPDIR=$pkg/tmp "$pkg/mktirfs" -o "$out.tmp" -m no -M no --include-modules="$mods" "$kver"
gzip -dc "$out.tmp" | cpio -it --quiet > "$out.list"
grep -qx init "$out.list" && grep -qx modules "$out.list" ||
	{ echo "peer-tirfs.sh: no /init or module list in $out" >&2; exit 1; }
chmod 0644 "$out.tmp"
mv "$out.tmp" "$out"
