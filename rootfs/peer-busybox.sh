#!/bin/sh
# Build the busybox peer's initramfs for make bench: the board's busybox,
# a shell /init (rootfs/peer-busybox-init.sh), Debian 12's own losetup
# (package mount, util-linux), mdadm and dmsetup, dynamic, with their
# libraries and loader (rootfs/debtools.sh's closure), and the same kernel
# modules as blkasm's initramfs (both module lists, modules.dep closure).
#
# usage: peer-busybox.sh OUT.cpio.gz BUSYBOX_DIR KERNEL_DIR MODULES ONDEMAND
#   MODULES, ONDEMAND  board/<name>/modules and modules.ondemand
# env:   DL, DEB_ARCH (debtools.sh: the board must be of this host's
#        architecture)
# The tools are staged in OUT.tools (kept: a later build reuses nothing
# from it, but it shows what was packed); the archive is made by
# rootfs/initramfs.sh, gzip -9 like blkasm's.
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 5 ] ||
	{ echo "usage: peer-busybox.sh OUT.cpio.gz BUSYBOX_DIR KERNEL_DIR MODULES ONDEMAND" >&2; exit 2; }
out=$(abs "$1") bb=$(abs "$2") kdir=$(abs "$3") list=$(abs "$4") ondemand=$(abs "$5")
top=$(cd "$(dirname "$0")" && pwd)

DEBTOOLS_PKGS="mount mdadm dmsetup" DEBTOOLS_FILES="sbin/losetup sbin/mdadm sbin/dmsetup" \
	"$top/debtools.sh" "$out.tools"
"$top/initramfs.sh" -o "$ondemand" -t "$out.tools/root" "$out" "$top/peer-busybox-init.sh" \
	"$bb" "$kdir" "$list"
