#!/bin/sh
# Real md superblocks for the fuzzer's seed corpus (tests/fuzz/md-seeds.sh
# boots this; not a board test). Debian's mdadm makes one array of each
# kind on loop devices over tmpfs files, waits until it is in sync and stops
# it; then each member's superblock (4096 bytes from where its metadata
# version keeps it) goes to the console as hex:
#   MDSEED <file> <64 hex digits>       128 lines, in order
#   MDSEED-END <file> <sha256>
# <file> is mdadm-<level>[-bitmap]-<version>-<member>.bin.
# Kernel messages are held back meanwhile (printk level 1) so that no line
# is cut. x86_64 test root only (rootfs/debtools.sh).
#
# usage: mdseed.sh
dir=/tmp/mdseed
size_mib=16
loops= printk=

fail() { echo "MDSEED-FAILED: $*"; cleanup; exit 1; }
ms() { read -r up _ < /proc/uptime; echo "${up%.*}${up#*.}0"; }

cleanup()
{
	[ -z "$printk" ] || echo "$printk" > /proc/sys/kernel/printk
	[ -e /sys/block/md0/md ] && mdadm --stop /dev/md0 2>/dev/null
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	loops=
	umount "$dir" 2>/dev/null
}

# in_sync: md0 has finished its resync or recovery (see mdadm_smoke.sh for
# why not mdadm --wait), 120 s at most. raid0 has no redundancy to sync.
in_sync()
{
	local n=0 md=/sys/block/md0/md
	[ "$(cat "$md/level")" = raid0 ] && return 0
	until [ "$(cat "$md/sync_action")" = idle ] &&
	    [ "$(cat "$md/degraded")" = 0 ] &&
	    [ "$(cat "$md/resync_start")" = none ]; do
		n=$((n + 1))
		[ "$n" -le 1200 ] || return 1
		sleep 0.1
	done
}

# Where VERSION keeps its superblock on a member of SECTORS, in sectors:
# 1.0 at the end (8 KiB from it, 4 KiB aligned), 1.1 at 0, 1.2 at 4 KiB.
sb_sector()
{
	case $1 in
	1.0) echo $(( ($2 - 16) & ~7 )) ;;
	1.1) echo 0 ;;
	1.2) echo 8 ;;
	esac
}

# seed NAME VERSION N MDADM_OPTIONS...: make, sync and stop the array on N
# fresh members, then print each member's superblock.
seed()
{
	local name=$1 version=$2 n=$3 i=0 files= devs= f l t sectors off
	shift 3
	while [ "$i" -lt "$n" ]; do
		f=$dir/$name-$i.img
		dd if=/dev/zero of="$f" bs=1M count=0 seek=$size_mib 2>/dev/null &&
			l=$(losetup -f) && losetup "$l" "$f" || fail "cannot attach $f"
		loops="$loops $l" files="$files $f" devs="$devs $l"
		i=$((i + 1))
	done
	t=$(ms)
	# shellcheck disable=SC2086 # devs is a word list
	mdadm --create /dev/md0 --run --metadata="$version" --raid-devices="$n" \
		"$@" $devs || fail "$name: mdadm --create"
	echo "MDSEED-ARRAY $name: create_ms=$(($(ms) - t))"
	in_sync || fail "$name: no sync within 120 s"
	mdadm --detail /dev/md0
	mdadm --stop /dev/md0 || fail "$name: mdadm --stop"
	for l in $devs; do losetup -d "$l" || fail "$name: losetup -d $l"; done
	loops=

	# From the backing files: the loop devices' own page cache may hold
	# what mdadm read before the kernel wrote the superblock.
	printk=$(cat /proc/sys/kernel/printk | tr '\t' ' ')
	echo 1 > /proc/sys/kernel/printk
	i=0
	for f in $files; do
		sectors=$(($(wc -c < "$f") / 512))
		off=$(sb_sector "$version" "$sectors")
		out=mdadm-$name-$i.bin
		dd if="$f" bs=512 skip="$off" count=8 2>/dev/null > "$dir/sb" ||
			fail "$name: cannot read $f"
		hexdump -v -e '32/1 "%02x" "\n"' "$dir/sb" | sed "s/^/MDSEED $out /"
		echo "MDSEED-END $out $(sha256sum < "$dir/sb" | cut -d' ' -f1)"
		rm -f "$f"
		i=$((i + 1))
	done
	echo "$printk" > /proc/sys/kernel/printk
	printk=
}

mkdir -p "$dir" && mount -t tmpfs -o size=128m mdseed "$dir" ||
	fail "cannot mount a tmpfs on $dir"
for m in md_mod raid0 raid1 raid10 raid456; do
	modprobe "$m" || fail "modprobe $m"
done
echo "MDSEED-START $(mdadm --version 2>&1)"

seed raid1-bitmap-1.2 1.2 2 --level=1 --bitmap=internal
seed raid5-1.2 1.2 4 --level=5 --bitmap=none
seed raid10-1.2 1.2 4 --level=10 --bitmap=none
seed raid0-1.2 1.2 2 --level=0
seed raid1-1.0 1.0 2 --level=1 --bitmap=none
seed raid1-1.1 1.1 2 --level=1 --bitmap=none

cleanup
echo "MDSEED-DONE"
