#!/bin/sh
# Power cuts, the first boot's root (tests/board/powercut.sh): blkasm has
# provisioned the stack of tests/board/guest/powercut-plan.conf in the initramfs;
# this makes ext4 on the thin volume when it has none and writes 40 files
# of known content (64 KiB each: tests/board/powercut.sh checks as many
# after an uncut boot), each fsynced (and its folder) before its
# POWERCUT-FSYNCED line. The board may lose power at any instant.
vol=/dev/mapper/blkasm-pcvol
echo "POWERCUT-ROOT $(cut -d' ' -f1 /proc/uptime)"
[ -b "$vol" ] || { echo "POWERCUT-ERROR no $vol"; exit 1; }
if ! blkid "$vol" | grep -q 'TYPE="ext4"'; then
	mkfs.ext4 -q -F -L pcvol "$vol" || exit 1
	echo "POWERCUT-MKFS done"
fi
mkdir -p /mnt/pc
mount -t ext4 "$vol" /mnt/pc || exit 1
i=1
while [ "$i" -le 40 ]; do
	yes "powercut file $i" | head -c 65536 |
		dd of="/mnt/pc/file-$i" conv=fsync 2>/dev/null || exit 1
	sync /mnt/pc || exit 1
	echo "POWERCUT-FSYNCED $i"
	i=$((i + 1))
done
umount /mnt/pc
echo "POWERCUT-WRITES-DONE"
