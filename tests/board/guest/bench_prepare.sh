#!/bin/sh
# make bench (tests/bench/boot_bench.sh): makes, once, the disk layouts that
# the boot benchmark then boots with blkasm and its peers. Disks attached
# after the test root's (vda):
#   vdb  the stack disk: ext4 with /images/root.img (the demo root); gets
#        stack-a.img and stack-b.img, brought up with the full-stack plan
#        (tests/board/guest/stack-plan.conf, its host mount moved to vdb
#        and /bh): md raid1 of the two images, thin pool on slices of it,
#        thin volume blkasm-root, into which the demo root is copied
#        (dd: the same filesystem, label and UUID as root.img); and
#        /images/stack.dm, the device-mapper tables blkasm loaded as one
#        `dmsetup create --concise` argument, with device numbers made
#        names, for the busybox peer's /init
#   vdc, vdd  blank: an md raid1 made by mdadm --create (1.2 superblock,
#        --assume-clean), holding the demo root (dd), for the md layout
#        that Debian's initramfs-tools can boot (its mdadm hook)
# Everything is stopped and unmounted at the end; prints BENCH-PREPARED.
set -u
plan=/tmp/bench-stack.conf

fail()
{
	echo "BENCH-PREPARE-FAIL: $*"
	exit 1
}

# devpath MAJ:MIN: the device's path (/dev/mapper/NAME for dm devices).
devpath()
{
	local d
	if [ -r "/sys/dev/block/$1/dm/name" ]; then
		echo "/dev/mapper/$(cat "/sys/dev/block/$1/dm/name")"
	else
		d=$(readlink "/sys/dev/block/$1") && echo "/dev/${d##*/}"
	fi
}

# spec: the tables of the stack's dm devices, in the order they must be
# made, as one dmsetup --concise argument; MAJ:MIN become device paths.
spec()
{
	local n t w out sep=
	for n in blkasm-pool-tmeta blkasm-pool-tdata blkasm-pool blkasm-root; do
		t=$(dmsetup table "$n") || return 1
		out=
		for w in $t; do
			case $w in
			*[!0-9:]* | :* | *: | *:*:*) ;;
			*:*) w=$(devpath "$w") || return 1 ;;
			esac
			out="$out${out:+ }$w"
		done
		printf '%s%s,,,rw,%s' "$sep" "$n" "$out"
		sep=';'
	done
	echo
}

for m in md_mod raid1 dm_thin_pool; do modprobe "$m" || fail "modprobe $m"; done
for d in vdb vdc vdd; do [ -b "/dev/$d" ] || fail "no /dev/$d attached"; done

mkdir -p /bh
mount -t ext4 /dev/vdb /bh || fail "cannot mount /dev/vdb"
[ -f /bh/images/root.img ] || fail "no /images/root.img on /dev/vdb"
sed -e 's#device /dev/vda#device /dev/vdb#' -e 's#target /host#target /bh#' \
	-e 's#/host/images/#/bh/images/#' /tests/stack-plan.conf > "$plan"
for i in a b; do
	rm -f "/bh/images/stack-$i.img"
	dd if=/dev/zero of="/bh/images/stack-$i.img" bs=1M count=0 seek=96 2>/dev/null
done
blkasm -c "$plan" up || fail "blkasm up of the stack"
# blkasm mounted vdb again on /bh as the plan's host node: one mount suffices.
dd if=/bh/images/root.img of=/dev/mapper/blkasm-root bs=1M conv=fsync 2>/dev/null ||
	fail "dd into the thin volume"
spec > /bh/images/stack.dm || fail "dmsetup table"
echo "BENCH-STACK-DM: $(cat /bh/images/stack.dm)"
blkasm -c "$plan" status
blkasm -c "$plan" down || fail "blkasm down of the stack"

mdadm --create /dev/md0 --run --quiet --metadata=1.2 --level=1 --raid-devices=2 \
	--assume-clean --bitmap=none --name=benchroot /dev/vdc /dev/vdd || fail "mdadm --create"
dd if=/bh/images/root.img of=/dev/md0 bs=1M conv=fsync 2>/dev/null || fail "dd into md0"
mdadm --detail /dev/md0 | sed -n 's/^ *\(UUID\|Name\|Raid Level\|Array Size\) : /BENCH-MD: \1: /p'
mdadm --stop /dev/md0 || fail "mdadm --stop"
while grep -qs ' /bh ' /proc/mounts; do umount /bh || fail "umount /bh"; done
sync
echo "BENCH-PREPARED"
