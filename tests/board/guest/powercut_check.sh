#!/bin/sh
# Power cuts, the boot after a cut (tests/board/powercut.sh): the initramfs
# brought the stack up again from the same disk. Checks it: the raid1 with
# both members, the pool's transaction id and thin id 1, thin_check clean
# (on a metadata snapshot of the live pool), and every file
# whose POWERCUT-FSYNCED line the cut boot printed intact.
# usage: powercut_check.sh FSYNCED   (the last file number seen, 0 for none)
n=${1:-0}
fails=0
bad() { echo "POWERCUT-BAD $*"; fails=$((fails + 1)); }
export DM_DISABLE_UDEV=1

md=$(basename "$(readlink -f /dev/md/pcmd 2>/dev/null)")
[ -n "$md" ] && [ -d "/sys/block/$md/md" ] || bad "no md array pcmd"
[ -z "$md" ] || echo "POWERCUT-MD $md $(cat /sys/block/$md/md/level) $(cat /sys/block/$md/md/array_state) members $(ls /sys/block/$md/slaves | wc -l)"
[ -z "$md" ] || [ "$(ls /sys/block/$md/slaves | wc -l)" = 2 ] || bad "pcmd has not 2 members"
st=$(dmsetup status blkasm-pcpool 2>/dev/null)
echo "POWERCUT-POOL $st"
set -- $st
[ "$3" = thin-pool ] && [ "$4" = 1 ] || bad "pool transaction id ${4:-none}, expected 1 (one thin created)"
dmsetup status blkasm-pcvol > /dev/null 2>&1 || bad "no thin volume blkasm-pcvol"
# thin_check on the live pool: through a metadata snapshot.
meta=/dev/mapper/blkasm-pcpool-tmeta
if dmsetup message blkasm-pcpool 0 reserve_metadata_snap; then
	thin_check --metadata-snap "$meta" > /tmp/pc.out 2>&1 || bad "thin_check: $(tr '\n' ' ' < /tmp/pc.out)"
	dmsetup message blkasm-pcpool 0 release_metadata_snap || bad "release_metadata_snap"
	echo "POWERCUT-THINCHECK $(cat /tmp/pc.out | tr '\n' ' ')"
else
	bad "reserve_metadata_snap"
fi
if [ "$n" -gt 0 ]; then
	mkdir -p /mnt/pc
	if mount -t ext4 -o ro /dev/mapper/blkasm-pcvol /mnt/pc; then
		i=1
		while [ "$i" -le "$n" ]; do
			yes "powercut file $i" | head -c 65536 > /tmp/expected
			cmp -s /tmp/expected "/mnt/pc/file-$i" || bad "file-$i lost or changed"
			i=$((i + 1))
		done
		umount /mnt/pc
	else
		bad "the volume does not mount, $n files were fsynced"
	fi
fi
echo "POWERCUT-CHECK files=$n bad=$fails"
[ "$fails" = 0 ]
