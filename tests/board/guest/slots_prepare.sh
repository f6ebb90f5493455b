#!/bin/sh
# First boot of the thin slot test: makes the stack of slots-thin-plan.conf
# (root_a and root_b as thin volumes), copies this test root into root_a,
# and takes it all down again; the host then boots initramfs-slots.
set -u
plan=/tests/slots-thin-plan.conf
for i in a b; do
	rm -f "/host/images/slots-$i.img"
	dd if=/dev/zero of="/host/images/slots-$i.img" bs=1M count=0 seek=96 2>/dev/null
done
blkasm -c "$plan" up || exit 1
. /tests/rootcopy.sh
copy_root /dev/mapper/blkasm-root_a slot-root || exit 1
umount /tmp/new
blkasm -c "$plan" down || exit 1
echo "SLOTS prepared"
