#!/bin/sh
# Debian's own tools work in the guest (x86_64 test root, rootfs/debtools.sh),
# without udev, on modules loaded on demand with busybox modprobe: mdadm
# makes a raid1 with an internal bitmap and a raid5 of four on loop devices
# over tmpfs files, waits for the resync, --examine and --detail agree with
# what was asked, and the arrays stop; mkfs.ext4 and e2fsck work on the
# raid1, dmsetup talks to dm_mod, thin_check runs. Prints one MDADM-SMOKE
# line per step with its figures.
#
# usage: mdadm_smoke.sh
dir=/tmp/mdsmoke
loops=

say() { echo "MDADM-SMOKE $*"; }
fail() { say "FAILED: $*"; cleanup; exit 1; }

# Milliseconds of uptime (busybox date has no %N); /proc/uptime has two
# decimals, and arithmetic on them would read "08" as octal.
ms() { read -r up _ < /proc/uptime; echo "${up%.*}${up#*.}0"; }

cleanup()
{
	for md in /dev/md0 /dev/md1; do
		[ -e "/sys/block/${md#/dev/}/md" ] && mdadm --stop "$md" 2>/dev/null
	done
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	umount "$dir" 2>/dev/null
}

# attach FILE: binds FILE to the first free loop device, prints it.
attach()
{
	local dev
	dev=$(losetup -f) && losetup "$dev" "$1" && echo "$dev"
}

# wait_idle MD: until the array is in sync, 120 s at most. sysfs, not
# mdadm --wait: that one sleeps in select() on /proc/mdstat with a 5 s
# timeout, and the end of a raid5 recovery does not wake it (seen here: it
# returned 5 s late, or when the array was stopped). sync_action alone is not
# enough: it reads "idle" until the md thread has started the resync, so the
# array must also be whole (degraded 0) and clean (resync_start none).
wait_idle()
{
	local n=0 md=/sys/block/${1#/dev/}/md
	until [ "$(cat "$md/sync_action")" = idle ] &&
	    [ "$(cat "$md/degraded")" = 0 ] &&
	    [ "$(cat "$md/resync_start")" = none ]; do
		n=$((n + 1))
		[ "$n" -le 1200 ] || return 1
		sleep 0.1
	done
}

# expect TEXT PATTERN WHAT: TEXT has a line matching PATTERN (grep -E).
expect()
{
	echo "$1" | grep -Eq -- "$2" || fail "$3: no /$2/ in:
$1"
}

# stopped MD: mdadm --stop, then /proc/mdstat no longer lists it.
stop()
{
	local n=0 name=${1#/dev/}
	mdadm --stop "$1" || fail "mdadm --stop $1"
	while grep -q "^$name :" /proc/mdstat; do
		n=$((n + 1))
		[ "$n" -le 100 ] || fail "$1 still in /proc/mdstat after --stop"
		sleep 0.1
	done
}

t=$(ms)
for m in md_mod raid1 raid456; do
	modprobe "$m" || fail "modprobe $m"
done
grep -q '^Personalities : .*raid1.*raid5' /proc/mdstat ||
	grep -q '^Personalities : .*raid5.*raid1' /proc/mdstat ||
	fail "personalities missing: $(head -n 1 /proc/mdstat)"
say "modprobe md_mod raid1 raid456: $(($(ms) - t)) ms; $(head -n 1 /proc/mdstat)"

[ -x /sbin/mdadm ] || fail "no /sbin/mdadm in this test root (x86_64 only)"
say "udev: $( [ -e /run/udev/control ] && echo running || echo none)," \
	"mdadm: $(mdadm --version 2>&1)"
mkdir -p "$dir" && mount -t tmpfs -o size=96m mdsmoke "$dir" ||
	fail "cannot mount a tmpfs on $dir"

for i in 0 1 2 3; do
	dd if=/dev/zero of="$dir/m$i.img" bs=1M count=0 seek=16 2>/dev/null &&
		l=$(attach "$dir/m$i.img") || fail "cannot attach $dir/m$i.img"
	loops="$loops $l"
done
set -- $loops
say "members:$loops"

# raid1, bitmap, 1.2 ---------------------------------------------------------
t=$(ms)
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --bitmap=internal \
	--metadata=1.2 "$1" "$2" || fail "mdadm --create raid1"
c=$(($(ms) - t)); t=$(ms)
wait_idle /dev/md0 || fail "raid1 resync did not finish in 120 s"
s=$(($(ms) - t))
d=$(mdadm --detail /dev/md0) || fail "mdadm --detail /dev/md0"
e=$(mdadm --examine "$1") || fail "mdadm --examine $1"
echo "$d"; echo "$e"
expect "$d" 'Raid Level : raid1$' "detail"
expect "$d" 'State : (active|clean) *$' "detail"
expect "$d" 'Active Devices : 2$' "detail"
expect "$d" 'Failed Devices : 0$' "detail"
expect "$d" 'Intent Bitmap : Internal$' "detail"
expect "$e" 'Magic : a92b4efc$' "examine"
expect "$e" 'Version : 1.2$' "examine"
expect "$e" 'Super Offset : 8 sectors$' "examine"
expect "$e" 'Internal Bitmap : 8 sectors from superblock$' "examine"
[ -b /dev/md0 ] || fail "no /dev/md0 node"
say "raid1: create_ms=$c sync_ms=$s size_kib=$(($(cat /sys/block/md0/size) / 2))" \
	"state=$(cat /sys/block/md0/md/array_state)" \
	"mismatch_cnt=$(cat /sys/block/md0/md/mismatch_cnt)"

# e2fsprogs on the array: Debian's mke2fs (not busybox's), e2fsck.
t=$(ms)
mkfs.ext4 -q -F -L mdsmoke /dev/md0 || fail "mkfs.ext4 /dev/md0"
f=$(e2fsck -fn /dev/md0 2>&1) || fail "e2fsck /dev/md0: $f"
dumpe2fs -h /dev/md0 2>/dev/null | grep -q '^Filesystem features:.*extent' ||
	fail "mkfs.ext4 made no ext4 on /dev/md0"
say "ext4 on raid1: mkfs+fsck_ms=$(($(ms) - t))"

stop /dev/md0
mdadm --zero-superblock "$1" "$2" || fail "mdadm --zero-superblock"
mdadm --examine "$1" > /dev/null 2>&1 && fail "$1 still has a superblock"

# raid5 of 4, no bitmap, 1.2 -------------------------------------------------
t=$(ms)
mdadm --create /dev/md1 --run --level=5 --raid-devices=4 --bitmap=none \
	--metadata=1.2 "$@" || fail "mdadm --create raid5"
c=$(($(ms) - t)); t=$(ms)
wait_idle /dev/md1 || fail "raid5 recovery did not finish in 120 s"
s=$(($(ms) - t))
d=$(mdadm --detail /dev/md1) || fail "mdadm --detail /dev/md1"
e=$(mdadm --examine "$4") || fail "mdadm --examine $4"
echo "$d"; echo "$e"
expect "$d" 'Raid Level : raid5$' "detail"
expect "$d" 'State : (active|clean) *$' "detail"
expect "$d" 'Active Devices : 4$' "detail"
expect "$d" 'Failed Devices : 0$' "detail"
expect "$e" 'Version : 1.2$' "examine"
expect "$e" 'Raid Devices : 4$' "examine"
echo "$d" | grep -q 'Intent Bitmap' && fail "raid5 has a bitmap despite --bitmap=none"
say "raid5: create_ms=$c sync_ms=$s size_kib=$(($(cat /sys/block/md1/size) / 2))" \
	"state=$(cat /sys/block/md1/md/array_state)" \
	"chunk=$(cat /sys/block/md1/md/chunk_size)"
stop /dev/md1

# device-mapper and the thin tools answer.
export DM_DISABLE_UDEV=1
modprobe dm_mod || fail "modprobe dm_mod"
v=$(dmsetup --noudevsync version 2>&1) || fail "dmsetup version: $v"
say "dmsetup: $(echo "$v" | tr '\n' ' ')"
v=$(thin_check -V 2>&1) || fail "thin_check -V: $v"
say "thin_check: $v"

cleanup
loops=
say "ok"
