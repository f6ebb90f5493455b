#!/bin/sh
# Issue 5 race: a monitor opens /dev/md0 over and over (hold HOLD_MS, then
# a 1 ms pause) while blkasm stops and assembles the array ROUNDS times.
# Every cycle must succeed within the deadline (-t 20 s); the slowest
# cycle is reported. md refuses to stop an open array (EBUSY) and an
# open racing a stop fails: both are waited out.
#
# usage: md_race.sh [ROUNDS] [HOLD_MS]
n=${1:-100} hold=${2:-5}
. /tests/mdcommon.sh
md_setup
images r 2 16
a=$(bind "$T/r0.img")
b=$(bind "$T/r1.img")
printf 'md r { members %s %s; level raid1; create yes; number 0; assume-clean yes }\n' \
	"$a" "$b" > "$T/race.conf"
check "create md0" blkasm -c "$T/race.conf" up
check "it is md0" test "$(md_of /dev/md/r)" = md0

prober -l /dev/md0 -h "$hold" -g 1 > "$T/prober.log" 2>&1 &
pid=$!
until grep -q listening "$T/prober.log"; do sleep 0.05; done

bad=0 i=0 worst=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	t0=$(ms)
	if ! blkasm -c "$T/race.conf" -t 20 down 2> "$T/down.err"; then
		bad=$((bad + 1)); echo "round $i: down failed:"; cat "$T/down.err"
	fi
	if ! blkasm -c "$T/race.conf" -t 20 up 2> "$T/up.err"; then
		bad=$((bad + 1)); echo "round $i: up failed:"; cat "$T/up.err"
	fi
	t=$(( $(ms) - t0 ))
	[ "$t" -gt "$worst" ] && worst=$t
	[ -b /dev/md0 ] || { bad=$((bad + 1)); echo "round $i: no /dev/md0"; }
done
kill "$pid"
wait "$pid"
cat "$T/prober.log"
echo "MDRACE blkasm: $bad failures in $n cycles (stop + assemble), slowest cycle $worst ms, hold $hold ms"
check "no failure" test "$bad" = 0
check "every cycle within the 20 s deadline" test "$worst" -lt 20000
check "final down" blkasm -c "$T/race.conf" down
md_finish
