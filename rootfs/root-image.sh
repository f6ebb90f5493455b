#!/bin/sh
# Build the demo root filesystem: an ext4 image made with mke2fs -d (no loop
# mount, no root needed), busybox + applet links, /sbin/init = rootfs/init.sh.
#
# usage: root-image.sh OUT.img BUSYBOX_DIR   (BUSYBOX_DIR from busybox.sh)
# env:   ROOT_SIZE (default 32M)
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
img=$(abs "$1") bb=$(abs "$2")
top=$(cd "$(dirname "$0")" && pwd)
stage=$img.d

rm -rf "$stage" "$img"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin dev proc sys run host tmp etc root
cp "$bb/busybox" bin/busybox
for a in $(cat "$bb/applets"); do
	[ "$a" = busybox ] || ln -s busybox "bin/$a"
done
rm -f bin/init
cp "$top/init.sh" sbin/init
chmod 0755 sbin/init
chmod 1777 tmp
echo blkasm-demo > etc/hostname
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
echo 'root:x:0:' > etc/group
cd - >/dev/null

mke2fs -q -F -t ext4 -L blkasm-root -U 0b1ca5a0-0000-4000-8000-000000000001 \
	-E root_owner=0:0 -d "$stage" "$img" "${ROOT_SIZE:-32M}" >/dev/null
rm -rf "$stage"
