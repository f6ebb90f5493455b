#!/bin/sh
# Issue 4, race 2, in the guest: attach, mount, unmount, detach in a tight
# loop while a udev-like prober opens every new loop device. blkasm (a loop
# node and a mount node, up then down) must never fail nor leave the image
# bound or mounted; then busybox mount -o loop / umount the same number of
# rounds, counted apart: a leftover binding right after umount returns (the
# kernel defers the clear while the prober holds the device) is a failure.
#
# usage: loopmount.sh [ROUNDS] [HOLD_MS]   (HOLD_MS 0: no prober, the control)
n=${1:-50} hold=${2:-20}
img=/host/images/fs.img
mnt=/tmp/mnt
conf=/tmp/loopmount.conf
mkdir -p "$mnt"
printf 'loop img { file %s }\nmount fs { device img; target %s }\n' "$img" "$mnt" > "$conf"

prober=
if [ "$hold" != 0 ]; then
	prober -h "$hold" -p loop -t 3000 > /tmp/prober.log 2>&1 &
	prober=$!
	until grep -q listening /tmp/prober.log; do sleep 0.05; done
fi

bound() { for f in /sys/block/loop*/loop/backing_file; do cat "$f" 2>/dev/null; done | grep -c "$img"; }
mounted() { grep -c " $mnt " /proc/mounts; }

bad=0 i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if ! blkasm -c "$conf" -t 20 up 2> /tmp/up.err; then
		bad=$((bad + 1)); echo "round $i: blkasm up failed:"; cat /tmp/up.err
	fi
	if ! blkasm -c "$conf" -t 20 down 2> /tmp/down.err; then
		bad=$((bad + 1)); echo "round $i: blkasm down failed:"; cat /tmp/down.err
	fi
	if [ "$(bound)" != 0 ] || [ "$(mounted)" != 0 ]; then
		bad=$((bad + 1)); echo "round $i: blkasm left it bound or mounted"
	fi
done

naive=0 i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if mount -o loop "$img" "$mnt" 2> /tmp/naive.err; then
		umount "$mnt" 2>> /tmp/naive.err || naive=$((naive + 1))
		[ "$(bound)" = 0 ] || naive=$((naive + 1))
	else
		naive=$((naive + 1))
	fi
	# Let a deferred clear finish so the next round starts clean.
	while [ "$(bound)" != 0 ]; do
		for d in /sys/block/loop*; do
			[ "$(cat "$d/loop/backing_file" 2>/dev/null)" = "$img" ] &&
				losetup -d "/dev/${d##*/}" 2>/dev/null
		done
		sleep 0.01
	done
done
if [ -n "$prober" ]; then
	kill "$prober" 2>/dev/null
	wait "$prober" 2>/dev/null
	tail -n 1 /tmp/prober.log
fi
echo "LOOPMOUNT rounds=$n hold_ms=$hold blkasm_failures=$bad naive_failures=$naive"
[ "$bad" = 0 ]
