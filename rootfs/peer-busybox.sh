#!/bin/sh
# Build the busybox peer's initramfs for make bench: the board's busybox,
# a shell /init (rootfs/peer-busybox-init.sh), Debian 12's own losetup
# (package mount, util-linux), mdadm and dmsetup, dynamic, with their
# libraries and loader (rootfs/debtools.sh's closure), and the same kernel
# modules as blkasm's plain initramfs (both module lists, modules.dep
# closure, rootfs/modules.sh). It is packed the way a hand-made initramfs
# is: a staging folder archived by cpio, gzip -9 like blkasm's, unprivileged
# (owners 0:0, and a hand-made cpio member for /dev/console, since mknod
# would need root).
#
# usage: peer-busybox.sh OUT.cpio.gz BUSYBOX_DIR KERNEL_DIR MODULES ONDEMAND
#   MODULES, ONDEMAND  board/<name>/modules and modules.ondemand
# env:   DL, DEB_ARCH (debtools.sh: the board must be of this host's
#        architecture)
# The tools are staged in OUT.tools (kept: a later build reuses nothing
# from it, but it shows what was packed).
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 5 ] ||
	{ echo "usage: peer-busybox.sh OUT.cpio.gz BUSYBOX_DIR KERNEL_DIR MODULES ONDEMAND" >&2; exit 2; }
out=$(abs "$1") bb=$(abs "$2") kdir=$(abs "$3") list=$(abs "$4") ondemand=$(abs "$5")
top=$(cd "$(dirname "$0")" && pwd)
stage=$out.d
kver=$(cat "$kdir/kver")

DEBTOOLS_PKGS="mount mdadm dmsetup" DEBTOOLS_FILES="sbin/losetup sbin/mdadm sbin/dmsetup" \
	"$top/debtools.sh" "$out.tools"

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin dev proc sys run root host tmp etc/blkasm "lib/modules/$kver"
chmod 1777 tmp
cp "$top/peer-busybox-init.sh" init
chmod 0755 init
cp "$bb/busybox" bin/busybox
for a in $(cat "$bb/applets"); do
	[ "$a" = busybox ] || ln -s busybox "bin/$a"
done
# The boot list, read by the shell /init.
sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list" > etc/blkasm/modules
"$top/modules.sh" "$kdir" . "$list" "$ondemand"
cp -a "$out.tools/root/." .

# One newc header: name mode rdevmajor rdevminor (ino 0 works for the kernel).
newc() {
	ns=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$ns" 0
	printf '%s\0' "$1"
	pad=$(( (4 - (110 + ns) % 4) % 4 ))
	[ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
}
{
	find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet
	newc dev/console $((0020600)) 5 1
	newc TRAILER!!! 0 0 0
} | gzip -9n > "$out.tmp"
cd - >/dev/null
mv "$out.tmp" "$out"
rm -rf "$stage"
