#!/bin/sh
# Build the board test root: the demo root's busybox plus the board's static
# blkasm and prober, the scenarios of tests/board/guest, and
# rootfs/test-init.sh as /sbin/init. An ext4 image made with mke2fs -d.
#
# usage: test-image.sh OUT.img BUSYBOX_DIR BLKASM PROBER GUEST_DIR
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
img=$(abs "$1") bb=$(abs "$2") blkasm=$(abs "$3") prober=$(abs "$4") guest=$(abs "$5")
top=$(cd "$(dirname "$0")" && pwd)
stage=$img.d

rm -rf "$stage" "$img"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin usr/bin dev proc sys run host tmp etc root tests
cp "$bb/busybox" bin/busybox
for a in $(cat "$bb/applets"); do
	[ "$a" = busybox ] || ln -s busybox "bin/$a"
done
rm -f bin/init
cp "$top/test-init.sh" sbin/init
cp "$blkasm" usr/bin/blkasm
cp "$prober" usr/bin/prober
cp "$guest"/*.sh tests/
chmod 0755 sbin/init tests/*.sh
chmod 1777 tmp
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
cd - >/dev/null

mke2fs -q -F -t ext4 -L blkasm-test -E root_owner=0:0 -d "$stage" "$img" 64M >/dev/null
rm -rf "$stage"
