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
. /tests/rootcopy.sh
copy_root /dev/mapper/blkasm-root stack-root || exit 1
echo "this root lives on a thin volume" > /tmp/new/etc/stack-marker
du -sk /tmp/new | sed 's/^/STACK copied KiB: /'
umount /tmp/new
blkasm -c "$plan" status
blkasm -c "$plan" down || exit 1
echo "STACK prepared"
