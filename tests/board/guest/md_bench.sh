#!/bin/sh
# Issue 5's benchmark (run by tests/bench/md_bench.sh from make bench):
# assembly and stop time of a 2-member raid1 and a 4-member raid5, blkasm
# against Debian's mdadm, in the same guest, on the same arrays.
#
# usage: md_bench.sh [RUNS]        (guest.arg=RUNS, default 10)
#
# Each array is made once by mdadm --create (1.2 superblocks, no bitmap,
# 32 MiB members on a tmpfs), resynced and stopped. Then, RUNS times, each
# side assembles it, the result is checked, and the same side stops it:
#   blkasm     blkasm -c PLAN up / down (the plan names the members by path)
#   mdadm      mdadm --assemble /dev/mdN MEMBERS / mdadm --stop /dev/mdN
#   mdadm-run  the same with --run, which only matters for an array with
#              members missing; measured to show it costs nothing here
# Both start the array the same way (blkasm writes "active" to array_state,
# mdadm issues RUN_ARRAY: both end in the kernel's do_md_run, read-write),
# and after every assemble the array must run clean or active, not degraded,
# every member in sync, no resync due (array_state, degraded, dev-*/state,
# resync_start), so neither side is measured doing less.
# Not measured: binding the loop devices (done once with losetup before),
# loading the md modules (modprobe before), and the kernel's deferred
# removal of /sys/block/mdN after a stop (waited for, untimed, so that each
# assemble starts from the same state). One untimed round of each side
# warms the page cache first; the side order alternates between runs.
#
# The clock is busybox ash's $EPOCHREALTIME (microseconds, no fork): busybox
# date has no %N and /proc/uptime counts in 10 ms.
#
# Output, one line per figure, in milliseconds:
#   MDBENCH ARRAY SIDE-assemble MS | SIDE-stop MS | blkasm-node MS
#   MDBENCH exec blkasm|mdadm MS      (the command doing nothing: the floor)
#   MDBENCH-ENV KEY VALUE...          MDBENCH-FAIL ARRAY SIDE WHY
. /tests/mdcommon.sh
RUNS=${1:-10}
md_setup

env_lines()
{
	echo "MDBENCH-ENV kernel $(uname -r)"
	echo "MDBENCH-ENV cpus $(nproc)"
	echo "MDBENCH-ENV clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "MDBENCH-ENV start_ro $(cat /sys/module/md_mod/parameters/start_ro 2>/dev/null || echo ?)"
	echo "MDBENCH-ENV mdadm $(mdadm --version 2>&1)"
	echo "MDBENCH-ENV blkasm $(blkasm version 2>&1 | head -n 1)"
	echo "MDBENCH-ENV runs $RUNS"
}

# usec EPOCHREALTIME: as microseconds. The fraction is padded or cut to six
# digits, and "1" put before it so that ash never reads it as octal.
usec()
{
	local s=${1%.*} f=${1#*.}000000
	f=${f%"${f#??????}"}
	echo $((s * 1000000 + 1$f - 1000000))
}

# elapsed T0 T1: milliseconds between two readings, three decimals.
elapsed()
{
	local d=$(($(usec "$2") - $(usec "$1")))
	printf '%d.%03d\n' $((d / 1000)) $((d % 1000))
}

fail()	# ARRAY SIDE WHY
{
	echo "MDBENCH-FAIL $*"
	fails=$((fails + 1))
}

# running COUNT LEVEL: $MD runs as both sides must leave it. Sets WHY.
running()
{
	local d=/sys/block/$MD/md st
	st=$(cat "$d/array_state" 2>/dev/null)
	case $st in
	clean|active) ;;
	*) WHY="array_state '$st'"; return 1 ;;
	esac
	WHY="level $(cat "$d/level"), raid_disks $(cat "$d/raid_disks"), degraded \
$(cat "$d/degraded"), $(cat "$d"/dev-*/state | grep -cw in_sync) in sync, \
resync_start $(cat "$d/resync_start")"
	[ "$WHY" = "level $2, raid_disks $1, degraded 0, $1 in sync, resync_start none" ]
}

# gone: /sys/block/$MD has gone (5 s at most; the kernel removes it from a
# work queue after the stop).
gone()
{
	local i=0
	while [ -e "/sys/block/$MD" ] && [ "$i" -lt 500 ]; do
		usleep 10000
		i=$((i + 1))
	done
	[ ! -e "/sys/block/$MD" ]
}

# The sides: ARRAY is the plan's node and the array's name.
up_blkasm() { blkasm -c "$T/$1.conf" up; }
down_blkasm() { blkasm -c "$T/$1.conf" down; }
up_mdadm() { mdadm --assemble "/dev/$MD" $DEVS; }
down_mdadm() { mdadm --stop "/dev/$MD"; }
up_mdadm_run() { mdadm --assemble --run "/dev/$MD" $DEVS; }
down_mdadm_run() { mdadm --stop "/dev/$MD"; }

# round ARRAY SIDE COUNT LEVEL [quiet]: one assemble and stop, checked;
# prints the figures unless quiet (the warm-up).
round()
{
	local fn t0 t1 t2 t3 rc ok=1
	WHY=
	fn=$(echo "$2" | tr - _)
	t0=$EPOCHREALTIME
	"up_$fn" "$1" > "$T/up.out" 2>&1
	t1=$EPOCHREALTIME rc=$?
	if [ "$rc" != 0 ] || ! running "$3" "$4"; then
		fail "$1" "$2" "assemble (exit $rc): $WHY: $(tr '\n' ' ' < "$T/up.out")"
		ok=0
	fi
	t2=$EPOCHREALTIME
	"down_$fn" "$1" > "$T/down.out" 2>&1
	t3=$EPOCHREALTIME rc=$?
	if [ "$rc" != 0 ] || ! gone; then
		fail "$1" "$2" "stop (exit $rc): $(tr '\n' ' ' < "$T/down.out")"
		ok=0
	fi
	if [ "$5" = quiet ] || [ "$ok" = 0 ]; then
		return
	fi
	echo "MDBENCH $1 $2-assemble $(elapsed "$t0" "$t1")"
	echo "MDBENCH $1 $2-stop $(elapsed "$t2" "$t3")"
	[ "$2" = blkasm ] || return 0
	# blkasm's own log: "<node>: <summary> (N ms)" for the md node.
	sed -n "s/.*$1: .*(\([0-9]*\) ms)\$/\1/p" "$T/up.out" | tail -n 1 |
		sed "s/^/MDBENCH $1 blkasm-node /"
}

# make_array ARRAY LEVEL COUNT NUMBER: member images bound to loop devices
# (DEVS), the array made by mdadm as /dev/mdNUMBER (MD), resynced, stopped.
make_array()
{
	local i=0
	MD=md$4
	images "$1-" "$3" 32
	DEVS=
	while [ "$i" -lt "$3" ]; do DEVS="$DEVS $(bind "$T/$1-$i.img")"; i=$((i + 1)); done
	mdadm --create "/dev/$MD" --run --quiet --metadata=1.2 --level="$2" \
		--raid-devices="$3" --bitmap=none --name="$1" $DEVS || return 1
	wait_sync "$MD" && [ "$(cat "/sys/block/$MD/md/degraded")" = 0 ] || return 1
	mdadm --stop "/dev/$MD" > /dev/null 2>&1
	gone || return 1
	echo "md $1 { members$DEVS; level $2; number $4 }" > "$T/$1.conf"
}

bench_array()	# ARRAY LEVEL COUNT NUMBER
{
	local r s order
	make_array "$@" || { fail "$1" create "mdadm --create, resync or stop failed"; unbind_all; return; }
	echo "md_bench: $1 ($3 members: $DEVS) made, resynced and stopped"
	for s in blkasm mdadm mdadm-run; do round "$1" "$s" "$3" "$2" quiet; done
	r=1
	while [ "$r" -le "$RUNS" ]; do
		order="blkasm mdadm mdadm-run"
		[ $((r % 2)) = 1 ] || order="mdadm-run mdadm blkasm"
		for s in $order; do round "$1" "$s" "$3" "$2"; done
		r=$((r + 1))
	done
	unbind_all
}

# The floor: each tool started to do nothing (a static binary against a
# dynamic one with its libraries).
bench_exec()
{
	local r=0 t0 t1
	blkasm version > /dev/null 2>&1; mdadm --version > /dev/null 2>&1
	while [ "$r" -lt "$RUNS" ]; do
		t0=$EPOCHREALTIME; blkasm version > "$T/up.out" 2>&1; t1=$EPOCHREALTIME
		echo "MDBENCH exec blkasm $(elapsed "$t0" "$t1")"
		t0=$EPOCHREALTIME; mdadm --version > "$T/up.out" 2>&1; t1=$EPOCHREALTIME
		echo "MDBENCH exec mdadm $(elapsed "$t0" "$t1")"
		r=$((r + 1))
	done
}

command -v mdadm > /dev/null || { echo "MDBENCH-SKIP no mdadm in this root"; exit 0; }
case $EPOCHREALTIME in
*.*) ;;
*) echo "MDBENCH-FAIL all shell no \$EPOCHREALTIME in this shell"; exit 1 ;;
esac
# mdadm leaves loading the personalities to the kernel's request_module.
for m in md_mod raid1 raid456; do modprobe $m; done
env_lines
bench_exec
bench_array raid1 raid1 2 10
bench_array raid5 raid5 4 11
md_finish
