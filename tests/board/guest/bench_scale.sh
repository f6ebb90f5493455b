#!/bin/sh
# make bench (tests/bench/boot_bench.sh): how blkasm's time and memory grow
# with the number of nodes in one plan.
#
# usage: bench_scale.sh [RUNS [LOOP_SIZES [THIN_SIZES]]]
#        (guest.arg=RUNS,LOOP_SIZES,THIN_SIZES; sizes joined by '+', e.g.
#        5,1+16+64+256,1; a size list "none" skips that kind; defaults 5,
#        1+16+64+256, 1+16+64+256)
#
#   loop N   a plan of N loop nodes, each binding its own 1 MiB sparse image
#            on a tmpfs; timed: blkasm -c PLAN up, until all N are bound
#            (checked after: N loop devices with those backing files); then
#            blkasm -c PLAN down, untimed, checked to leave none
#   thin N   N thin volumes (thin ids 1..N, 64 MiB each) on a pool that is
#            already active, as tests/board/guest/thin_bench.sh measures
#            them: the pool (16 MiB metadata and 64 MiB data images on the
#            tmpfs, made once by blkasm with ids 1..256) is activated
#            untimed by blkasm -c PLAN up pool, then blkasm -c PLAN up is
#            timed (pool adopted, N thin nodes), then down, untimed
# Peak memory: VmHWM of the blkasm process, read from /proc/PID/status in a
# loop while it runs, in an extra untimed round per size (a lower bound: the
# last read may come a little before the end; a poller in the timed rounds
# would take CPU from blkasm on this one-CPU guest).
# The clock is busybox ash's $EPOCHREALTIME (µs). Runs go round the sizes,
# smallest first, after one untimed warm-up round of the smallest.
# Output:
#   BENCHSCALE KIND N ms MS | BENCHSCALE KIND N hwm KIB
#   BENCHSCALE KIND 256 first32|last32 MS   (profile, below)
#   BENCHSCALE-ENV KEY VALUE...      BENCHSCALE-FAIL KIND N WHY
. /tests/mdcommon.sh
RUNS=${1:-5}
LOOPS=$(echo "${2:-1+16+64+256}" | tr + ' ')
THINS=$(echo "${3:-1+16+64+256}" | tr + ' ')
[ "$LOOPS" != none ] || LOOPS=
[ "$THINS" != none ] || THINS=
S=$T/scale

fail()	# KIND N WHY
{
	echo "BENCHSCALE-FAIL $*"
	fails=$((fails + 1))
}

us()	# $EPOCHREALTIME as µs (fraction padded to 6 digits, no octal)
{
	local f=${1#*.}000000
	f=${f%"${f#??????}"}
	echo $((${1%.*} * 1000000 + 1$f - 1000000))
}

ms()	# T0 T1
{
	local d=$(($(us "$2") - $(us "$1")))
	printf '%d.%03d\n' $((d / 1000)) $((d % 1000))
}

# hwm PID: HWM, the last VmHWM (KiB) seen while PID ran.
hwm()
{
	local k v u
	HWM=0
	while [ -r "/proc/$1/status" ]; do
		v=
		{ while read -r k v u; do
			[ "$k" = VmHWM: ] && break
			v=
		done < "/proc/$1/status"; } 2>/dev/null
		[ -n "$v" ] || break
		HWM=$v
	done
}

loops_bound()	# how many loop devices have backing files in $S
{
	for f in /sys/block/loop*/loop/backing_file; do cat "$f" 2>/dev/null; done |
		grep -c "^$S/l"
}

thins_up()	# how many blkasm-t* dm devices exist
{
	ls /dev/mapper 2>/dev/null | grep -c '^blkasm-t[0-9]'
}

loop_plan()	# N
{
	local i=1
	while [ "$i" -le "$1" ]; do
		[ -f "$S/l$i.img" ] || dd if=/dev/zero of="$S/l$i.img" bs=1M count=0 seek=1 2>/dev/null
		echo "loop l$i { file $S/l$i.img }"
		i=$((i + 1))
	done > "$S/loop$1.conf"
}

thin_plan()	# FILE N [POOL OPTIONS] [THIN OPTIONS]
{
	local i=1
	{
		echo "thin-pool pool { metadata $META; data $DATA; $3 }"
		while [ "$i" -le "$2" ]; do
			echo "thin t$i { pool pool; id $i; size 64M; $4 }"
			i=$((i + 1))
		done
	} > "$1"
}

# round KIND N [quiet|hwm]: one timed up (or, with hwm, one polled for its
# peak memory), checked, and the down.
round()
{
	local conf=$S/$1$2.conf t0 t1 rc pid got
	if [ "$1" = thin ]; then
		blkasm -c "$conf" up pool > "$S/pre.out" 2>&1 ||
			{ fail "$1" "$2" "pool: $(tr '\n' ' ' < "$S/pre.out")"; return 1; }
	fi
	if [ "${3:-}" = hwm ]; then
		blkasm -c "$conf" up > "$S/up.out" 2>&1 &
		pid=$!
		hwm "$pid"
		wait "$pid"
		rc=$?
	else
		t0=$EPOCHREALTIME
		blkasm -c "$conf" up > "$S/up.out" 2>&1
		rc=$?
		t1=$EPOCHREALTIME
	fi
	case $1 in loop) got=$(loops_bound) ;; thin) got=$(thins_up) ;; esac
	if [ "$rc" != 0 ] || [ "$got" != "$2" ]; then
		fail "$1" "$2" "up (exit $rc): $got of $2 up: $(tail -n 3 "$S/up.out" | tr '\n' ' ')"
	elif [ "${3:-}" = hwm ]; then
		echo "BENCHSCALE $1 $2 hwm $HWM"
	elif [ "${3:-}" != quiet ]; then
		echo "BENCHSCALE $1 $2 ms $(ms "$t0" "$t1")"
	fi
	blkasm -c "$conf" down > "$S/down.out" 2>&1
	case $1 in loop) got=$(loops_bound) ;; thin) got=$(thins_up) ;; esac
	if [ "$got" != 0 ]; then
		fail "$1" "$2" "down left $got: $(tail -n 3 "$S/down.out" | tr '\n' ' ')"
		return 1
	fi
}

# profile KIND N: one more untimed up at N, and what blkasm's own log says
# each node took ("NAME: ... (MS ms)", in the order they finished): the
# mean of the first 32 and of the last 32 to finish. A cost per node that
# grows with the devices already there shows as a larger second figure.
profile()
{
	local conf=$S/$1$2.conf
	if [ "$1" = thin ]; then
		blkasm -c "$conf" up pool > "$S/pre.out" 2>&1 || return
	fi
	blkasm -c "$conf" up > "$S/prof.out" 2>&1
	sed -n "s/^blkasm: [lt][0-9][0-9]*: .* (\([0-9]*\) ms)\$/\1/p" "$S/prof.out" |
		awk -v k="$1" -v n="$2" '{ v[NR] = $1 }
		END {
			if (NR < 64) exit
			for (i = 1; i <= 32; i++) { a += v[i]; b += v[NR - 32 + i] }
			printf "BENCHSCALE %s %s first32 %.1f\nBENCHSCALE %s %s last32 %.1f\n", k, n, a / 32, k, n, b / 32
		}'
	blkasm -c "$conf" down > "$S/down.out" 2>&1
}

# The pool with thin ids 1..256 made once by blkasm, then deactivated.
prepare_thin()
{
	images meta 1 16
	images data 1 64
	META=$(bind "$T/meta0.img") && DATA=$(bind "$T/data0.img") || return 1
	thin_plan "$S/prep.conf" 256 "create yes" "create yes"
	for n in $THINS; do thin_plan "$S/thin$n.conf" "$n" "check no"; done
	blkasm -j 1 -c "$S/prep.conf" up > "$S/up.out" 2>&1 &&
		[ "$(thins_up)" = 256 ] || { tail -n 5 "$S/up.out"; return 1; }
	blkasm -c "$S/prep.conf" down > "$S/down.out" 2>&1 &&
		[ "$(thins_up)" = 0 ] || { tail -n 5 "$S/down.out"; return 1; }
}

case $EPOCHREALTIME in
*.*) ;;
*) echo "BENCHSCALE-FAIL all 0 no \$EPOCHREALTIME in this shell"; exit 1 ;;
esac
md_setup
mkdir -p "$S"
modprobe loop
modprobe dm_thin_pool
echo "BENCHSCALE-ENV kernel $(uname -r)"
echo "BENCHSCALE-ENV cpus $(nproc)"
echo "BENCHSCALE-ENV blkasm $(blkasm version 2>&1 | head -n 1)"
echo "BENCHSCALE-ENV jobs $(blkasm help 2>&1 | sed -n 's/.*-j JOBS.*(default \([0-9]*\)).*/\1/p')"
for n in $LOOPS; do loop_plan "$n"; done
if [ -n "$THINS" ]; then
	prepare_thin || { fail thin 0 "could not make the pool"; THINS=; }
fi
for k in loop thin; do
	case $k in loop) sizes=$LOOPS ;; *) sizes=$THINS ;; esac
	for n in $sizes; do round "$k" "$n" quiet; break; done
done
r=1
while [ "$r" -le "$RUNS" ]; do
	for n in $LOOPS; do round loop "$n"; done
	for n in $THINS; do round thin "$n"; done
	r=$((r + 1))
done
for n in $LOOPS; do round loop "$n" hwm; done
for n in $THINS; do round thin "$n" hwm; done
for n in $LOOPS; do [ "$n" -lt 256 ] || profile loop "$n"; done
for n in $THINS; do [ "$n" -lt 256 ] || profile thin "$n"; done
unbind_all
echo "bench_scale: $fails failures"
[ "$fails" = 0 ]
