#!/bin/sh
# First boot of the full-stack test: makes two loop images on the virtio
# disk, brings up the stack plan (md raid1, thin pool on slices of it, thin
# volume), makes a filesystem on the volume and copies this test root into
# it, so that the next boot can switch_root there.
set -u
plan=/tests/stack-plan.conf
for i in a b; do
	rm -f "/host/images/stack-$i.img"
	dd if=/dev/zero of="/host/images/stack-$i.img" bs=1M count=0 seek=96 2>/dev/null
done
blkasm -c "$plan" up || exit 1
mkfs=mkfs.ext4
command -v mkfs.ext4 >/dev/null || mkfs=mke2fs	# busybox: ext2
$mkfs -q -L stack-root /dev/mapper/blkasm-root || exit 1
mkdir -p /tmp/new
mount /dev/mapper/blkasm-root /tmp/new || exit 1
for d in bin sbin usr etc lib tests root; do
	[ -e "/$d" ] && cp -a "/$d" /tmp/new/
done
mkdir -p /tmp/new/dev /tmp/new/proc /tmp/new/sys /tmp/new/run /tmp/new/tmp /tmp/new/host
chmod 1777 /tmp/new/tmp
echo "this root lives on a thin volume" > /tmp/new/etc/stack-marker
du -sk /tmp/new | sed 's/^/STACK copied KiB: /'
umount /tmp/new
blkasm -c "$plan" status
blkasm -c "$plan" down || exit 1
echo "STACK prepared"
