#!/bin/sh
# Issue 4, race 1: a partitioned image attached with partition scanning while
# a udev-like prober opens every new loop device and partition. Each round:
# blkasm (a loop node with partscan) must give all 3 partitions, every time;
# then the naive way, busybox losetup -P, checked the way a script would
# (right after it returns), to show the scenario bites.
#
# usage: partscan.sh [ROUNDS] [HOLD_MS]   (HOLD_MS 0: no prober, the control)
n=${1:-50} hold=${2:-20}
img=/host/images/parts.img
conf=/tmp/parts.conf
printf 'loop parts { file %s; partscan yes; read-only yes }\n' "$img" > "$conf"

prober=
if [ "$hold" != 0 ]; then
	prober -h "$hold" -p loop -t 3000 > /tmp/prober.log 2>&1 &
	prober=$!
	until grep -q listening /tmp/prober.log; do sleep 0.05; done
fi

# The partitions of a loop device, by their sysfs entries.
parts() { ls -d "/sys/block/${1#/dev/}/${1#/dev/}p"* 2>/dev/null | wc -l; }

# The loop device bound to a file (busybox losetup has no --show).
bound_to()
{
	for f in /sys/block/loop*/loop/backing_file; do
		[ "$(cat "$f" 2>/dev/null)" = "$1" ] || continue
		f=${f%/loop/backing_file}
		echo "/dev/${f##*/}"
		return
	done
}

bound() { for f in /sys/block/loop*/loop/backing_file; do cat "$f" 2>/dev/null; done | grep -c "$img"; }

# blkasm's rounds first, then the naive ones: a naive detach is deferred
# while the prober holds the device, and must not leak into blkasm's turn.
bad=0 i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if blkasm -c "$conf" -t 20 up 2> /tmp/up.err; then
		dev=$(sed -n 's|.*parts: \(/dev/loop[0-9]*\) bound.*|\1|p' /tmp/up.err)
		c=$(parts "$dev")
		if [ -z "$dev" ] || [ "$c" != 3 ]; then
			bad=$((bad + 1))
			echo "round $i: blkasm: '$dev' has $c partitions:"; cat /tmp/up.err
		fi
	else
		bad=$((bad + 1))
		echo "round $i: blkasm up failed:"; cat /tmp/up.err
	fi
	if ! blkasm -c "$conf" -t 20 down 2> /tmp/down.err; then
		bad=$((bad + 1))
		echo "round $i: blkasm down failed:"; cat /tmp/down.err
	fi
done
left=$(bound)	# blkasm's down waits until the kernel has let go

naive=0 i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	if losetup -r -P -f "$img" 2> /tmp/naive.err && dev=$(bound_to "$img") &&
	    [ -n "$dev" ]; then
		[ "$(parts "$dev")" = 3 ] || naive=$((naive + 1))
		losetup -d "$dev" 2>> /tmp/naive.err || naive=$((naive + 1))
	else
		naive=$((naive + 1))
	fi
	# A deferred detach: let it finish so the next round starts clean.
	while [ "$(bound)" != 0 ]; do sleep 0.01; done
done
if [ -n "$prober" ]; then
	kill "$prober" 2>/dev/null
	wait "$prober" 2>/dev/null
	tail -n 1 /tmp/prober.log
fi
echo "PARTSCAN rounds=$n hold_ms=$hold blkasm_failures=$bad blkasm_left_bound=$left naive_failures=$naive"
[ "$bad" = 0 ] && [ "$left" = 0 ]
