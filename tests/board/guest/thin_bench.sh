#!/bin/sh
# Issue 6's benchmark (run by tests/bench/thin_bench.sh from make bench):
# activation of a thin pool and its thin volumes, blkasm against dmsetup
# (Debian's, without udev, as an initramfs script would run it), in the
# same guest, on the same pool.
#
# usage: thin_bench.sh [RUNS [SIZES]]  (guest.arg=RUNS,SIZES; default 10 and
#                                      16+64+256: the values of N, joined by +)
#
# Made once, untimed: a 16 MiB metadata and a 64 MiB data image on a tmpfs,
# bound to loop devices that stay bound; blkasm makes the pool on them with
# thin ids 1..the largest N (create yes, -j 1), thin_dump counts them, everything is
# deactivated. Both sides then load the very same pool table (read back from
# blkasm's pool) and thin tables "0 SECTORS thin POOL ID" of 64 MiB.
#
# Scenarios, each side RUNS times, alternating their order between runs;
# one untimed warm-up round of each side before pool+1 and thin16 (the
# larger N run the same binaries and kernel paths):
#   pool+1   pool and thin id 1 activated from nothing
#     blkasm           blkasm -c PLAN up (its default: thin_check first)
#     blkasm-nocheck   the same plan with "check no"
#     dmsetup          dmsetup create POOL; dmsetup create THIN; dmsetup
#                      mknodes: one process per command
#     dmsetup-check    thin_check -q --clear-needs-check-flag META first, as
#                      lvm2 does: what blkasm's default does
#     dmsetup-concise  one dmsetup create --concise "POOL;THIN", mknodes
#   thinN    N (16, 64, 256 by default) thin volumes on the pool, already active
#            (activated untimed by the same tool just before)
#     blkasm           blkasm -c PLAN up (pool node adopted, N thin nodes)
#     blkasm-j1        the same with -j 1 (the default runs 4 nodes at once)
#     dmsetup          N dmsetup create, then dmsetup mknodes
#     dmsetup-concise  one dmsetup create --concise with N devices, mknodes
# Every activation is checked before its time counts: the pool and exactly
# the N thin devices have live tables, are neither suspended nor read-only,
# each thin maps its id with the right size on the pool, the pool's status
# is rw, and /dev/mapper/NAME is a block node of the device (dmsetup info,
# table, status and ls, untimed). Deactivation (blkasm -c PLAN down; one
# dmsetup remove naming the thin volumes and then the pool) is timed as
# well and checked to leave no device-mapper device and no node behind.
# With DM_DISABLE_UDEV=1 libdevmapper makes /dev/mapper nodes itself (the
# thin table naming /dev/mapper/ds-pool loads before mknodes runs), so
# mknodes only repeats the work; its share is printed apart.
#
# Peak RSS of blkasm up (the default side), in extra untimed rounds:
#   blkasm-rss  ru_maxrss from wait4 as busybox time -f %M reports it,
#               divided by 4 (busybox 1.35 converts the KiB the kernel gives
#               as if they were pages). The kernel keeps the larger of
#               blkasm's peak and the RSS of the busybox process it was
#               exec'd from (exec_mmap: setmax_mm_hiwater_rss), so this is
#               an upper bound, floored: "blkasm-rss exec" is blkasm version
#               measured the same way.
#   blkasm-hwm  VmHWM of /proc/PID/status, read in a loop while blkasm runs:
#               blkasm's own peak, a lower bound (the last read may come a
#               little before the end).
#   blkasm-user, blkasm-sys  its user and system time in ms (busybox time,
#               10 ms steps): against the wall time, how much of it is
#               waiting, and how much CPU is blkasm's own code.
# These include what blkasm spawns and waits for (wait4 reports both): for
# pool+1, thin_check. Also, to see where time goes as N grows:
#   blkasm-plan thinN   blkasm -c PLAN plan: reading, checking and ordering
#                       the plan, no device touched
#   blkasm-j1-first|last thinN  mean time of the first and last quarter of
#                       the thin nodes in a -j 1 up, as blkasm logs it
#
# The clock is busybox ash's $EPOCHREALTIME (microseconds, no fork).
# Output, one line per figure, milliseconds unless said otherwise:
#   THINBENCH SIDE SCENARIO MS          SIDE-down, SIDE-mknodes likewise
#   THINBENCH blkasm-rss|blkasm-hwm SCENARIO KIB
#   THINBENCH exec blkasm|dmsetup|thin_check MS   (doing nothing: the floor)
#   THINBENCH-ENV KEY VALUE...          THINBENCH-FAIL SIDE SCENARIO WHY
. /tests/mdcommon.sh
RUNS=${1:-10}
SIZES=$(echo "${2:-16+64+256}" | tr + ' ')
MAXN=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -n 1)
VS=$((64 * 2048))	# sectors of each thin volume
export DM_DISABLE_UDEV=1	# no udev: libdevmapper makes the nodes itself

fail()	# SIDE SCENARIO WHY
{
	echo "THINBENCH-FAIL $*"
	fails=$((fails + 1))
}

# us T: $EPOCHREALTIME as whole microseconds; the fraction is cut or padded
# to six digits, behind a 1 so that ash never reads it as octal.
us()
{
	local f=${1#*.}000000
	f=${f%"${f#??????}"}
	echo $((${1%.*} * 1000000 + 1$f - 1000000))
}

ms()	# T0 T1: the milliseconds between, three decimals
{
	local d=$(($(us "$2") - $(us "$1")))
	printf '%d.%03d\n' $((d / 1000)) $((d % 1000))
}

# live PREFIX N: PREFIXpool and exactly the thin devices PREFIXt1..tN are up
# as both sides must leave them (see the top). Sets WHY.
live()
{
	WHY=
	if ! dmsetup info -c --noheadings --separator ' ' -o name,attr,major,minor \
			> "$T/v.info" 2>&1 || ! dmsetup table > "$T/v.table" 2>&1 ||
			! dmsetup status "${1}pool" > "$T/v.status" 2>&1; then
		WHY="dmsetup: $(cat "$T/v.info" "$T/v.table" "$T/v.status" | tr '\n' ' ' | cut -c1-200)"
		return 1
	fi
	ls -ln /dev/mapper > "$T/v.nodes"
	WHY=$(awk -v p="$1" -v n="$2" -v vs="$VS" '
		function dev_ok(d) {
			if (attr[d] != "L--w") { print d ": attr \"" attr[d] "\""; return 0 }
			if (node[d] != dev[d]) { print d ": node " node[d] ", device " dev[d]; return 0 }
			return 1
		}
		FILENAME ~ /info$/ { attr[$1] = $2; dev[$1] = $3 "," $4; next }
		FILENAME ~ /table$/ {
			sub(/:$/, "", $1)
			if ($4 == "thin") { thins++; len[$1] = $3; pool[$1] = $5; id[$1] = $6 }
			next
		}
		FILENAME ~ /status$/ { ptype = $3; pmode = $8; next }
		/^b/ { node[$NF] = $5 $6 }
		END {
			pn = p "pool"
			pd = dev[pn]; sub(/,/, ":", pd)
			if (!dev_ok(pn)) exit
			if (ptype != "thin-pool" || pmode != "rw") { print pn ": status " ptype " " pmode; exit }
			for (i = 1; i <= n; i++) {
				t = p "t" i
				if (!dev_ok(t)) exit
				if (id[t] != i || len[t] != vs || pool[t] != pd) {
					print t ": table thin " pool[t] " " id[t] ", " len[t] " sectors"
					exit
				}
			}
			if (thins + 0 != n) print thins + 0 " thin devices, expected " n
		}' "$T/v.info" "$T/v.table" "$T/v.status" "$T/v.nodes")
	[ -z "$WHY" ]
}

# gone PREFIX: no device-mapper device at all, no PREFIX node left. Sets WHY.
gone()
{
	WHY=$(dmsetup ls 2>&1)
	[ "$WHY" = "No devices found" ] || return 1
	WHY=$(ls /dev/mapper | grep "^$1")
	[ -z "$WHY" ]
}

# ---- the sides: SCEN, N, CONF and SPEC are set by scenario() ----

up_blkasm() { blkasm -c "$CONF" up; }
up_blkasm_nocheck() { blkasm -c "$T/pool1n.conf" up; }
up_blkasm_j1() { blkasm -j 1 -c "$CONF" up; }
down_blkasm() { blkasm -c "$CONF" down; }

# One process per command. MID marks where mknodes starts.
up_dmsetup()
{
	local i=1
	if [ "$SCEN" = pool+1 ]; then
		dmsetup create --noudevsync ds-pool --table "$POOL_TABLE" || return
	fi
	while [ "$i" -le "$N" ]; do
		dmsetup create --noudevsync "ds-t$i" --table "0 $VS thin /dev/mapper/ds-pool $i" ||
			return
		i=$((i + 1))
	done
	MID=$EPOCHREALTIME
	dmsetup mknodes
}
up_dmsetup_check() { thin_check -q --clear-needs-check-flag "$META" && up_dmsetup; }
up_dmsetup_concise()
{
	dmsetup create --noudevsync --concise "$SPEC" || return
	MID=$EPOCHREALTIME
	dmsetup mknodes
}
down_dmsetup() { dmsetup remove --noudevsync $NAMES ds-pool; }

family() { case $1 in blkasm*) echo blkasm ;; *) echo dmsetup ;; esac; }

# pre SIDE: the pool alone, untimed, before a thinN round.
pre()
{
	local p=ds-
	[ "$SCEN" != pool+1 ] || return 0
	case $(family "$1") in
	blkasm) blkasm -c "$CONF" up pool > "$T/pre.out" 2>&1 ;;
	*) dmsetup create --noudevsync ds-pool --table "$POOL_TABLE" > "$T/pre.out" 2>&1 ;;
	esac
	[ "$(family "$1")" = dmsetup ] || p=blkasm-
	live "$p" 0 || { WHY="pool alone: $WHY $(tr '\n' ' ' < "$T/pre.out")"; return 1; }
}

# round SIDE [quiet]: one activation and deactivation, both checked, with
# their times printed unless quiet (the warm-up). 1 when not clean after.
round()
{
	local fam p=ds- fn t0 t1 t2 t3 rc up=
	fam=$(family "$1")
	fn=up_$(echo "$1" | tr - _)
	[ "$fam" = dmsetup ] || p=blkasm-
	pre "$1" || { fail "$1" "$SCEN" "$WHY"; return 1; }
	MID=
	t0=$EPOCHREALTIME
	"$fn" > "$T/up.out" 2>&1
	rc=$?
	t1=$EPOCHREALTIME
	if [ "$rc" = 0 ] && live "$p" "$N"; then
		up=$(ms "$t0" "$t1")
	else
		fail "$1" "$SCEN" "up (exit $rc): $WHY: $(tr '\n' ' ' < "$T/up.out" | cut -c1-300)"
	fi
	t2=$EPOCHREALTIME
	"down_$fam" > "$T/down.out" 2>&1
	rc=$?
	t3=$EPOCHREALTIME
	if [ "$rc" != 0 ] || ! gone "$p"; then
		fail "$1" "$SCEN" "down (exit $rc): $WHY: $(tr '\n' ' ' < "$T/down.out" | cut -c1-300)"
		return 1
	fi
	[ -n "$up" ] && [ "$2" != quiet ] || return 0
	echo "THINBENCH $1 $SCEN $up"
	echo "THINBENCH $1-down $SCEN $(ms "$t2" "$t3")"
	[ -z "$MID" ] || echo "THINBENCH $1-mknodes $SCEN $(ms "$MID" "$t1")"
	[ "$1" != blkasm-j1 ] || node_times
}

# With -j 1 the thin nodes run one after the other in file order: the mean
# of the first and of the last quarter of their times ("tN: ... (M ms)" in
# blkasm's log) tells whether a node costs more when more devices exist.
node_times()
{
	sed -n 's/^.*t\([0-9]*\): .*(\([0-9]*\) ms)$/\1 \2/p' "$T/up.out" |
		awk -v n="$N" -v s="$SCEN" '
		$1 <= n / 4 { a += $2; na++ }
		$1 > n - n / 4 { b += $2; nb++ }
		END {
			if (na) printf "THINBENCH blkasm-j1-first %s %.2f\n", s, a / na
			if (nb) printf "THINBENCH blkasm-j1-last %s %.2f\n", s, b / nb
		}'
}

# scenario NAME: the plan, the thin count, the dmsetup names and spec.
scenario()
{
	local i=1
	SCEN=$1
	case $1 in
	pool+1) N=1 CONF=$T/pool1.conf ;;
	*) N=${1#thin} CONF=$T/thin$N.conf ;;
	esac
	NAMES='' SPEC=''
	[ "$1" != pool+1 ] || SPEC="ds-pool,,,rw,$POOL_TABLE"
	while [ "$i" -le "$N" ]; do
		NAMES="$NAMES ds-t$i"
		SPEC="$SPEC${SPEC:+;}ds-t$i,,,rw,0 $VS thin /dev/mapper/ds-pool $i"
		i=$((i + 1))
	done
}

# bench_scenario NAME WARM SIDES...: RUNS rounds of each side, after one
# untimed round each when WARM is warm.
bench_scenario()
{
	local r s order warm=$2
	scenario "$1"
	shift 2
	if [ "$warm" = warm ]; then
		for s in "$@"; do round "$s" quiet || { cleanup; return; }; done
	fi
	r=1
	while [ "$r" -le "$RUNS" ]; do
		order="$*"
		[ $((r % 2)) = 1 ] || order=$(echo "$order" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
		for s in $order; do round "$s" || { cleanup; return; }; done
		r=$((r + 1))
	done
	echo "thin_bench: $SCEN done"
}

# After a failed round: whatever is left, so that the next scenario starts clean.
cleanup()
{
	blkasm -c "$CONF" down > /dev/null 2>&1
	dmsetup remove_all > /dev/null 2>&1
	rm -f /dev/mapper/blkasm-* /dev/mapper/ds-*
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
		[ -n "$v" ] || break	# exited: its memory is gone
		HWM=$v
	done
}

# rss_round SCENARIO: blkasm up measured both ways (see the top), untimed.
rss_round()
{
	local pid rc rss user sys
	scenario "$1"
	pre blkasm || { fail blkasm-rss "$SCEN" "$WHY"; return; }
	busybox time -f '%M %U %S' -o "$T/rss" blkasm -c "$CONF" up > "$T/up.out" 2>&1
	rc=$?
	read -r rss user sys < "$T/rss"
	if [ "$rc" = 0 ] && live blkasm- "$N"; then
		echo "THINBENCH blkasm-rss $SCEN $((rss / 4))"
		echo "THINBENCH blkasm-user $SCEN $(awk -v v="$user" 'BEGIN { print v * 1000 }')"
		echo "THINBENCH blkasm-sys $SCEN $(awk -v v="$sys" 'BEGIN { print v * 1000 }')"
	else
		fail blkasm-rss "$SCEN" "up (exit $rc): $WHY"
	fi
	down_blkasm > /dev/null 2>&1
	pre blkasm || { fail blkasm-hwm "$SCEN" "$WHY"; return; }
	blkasm -c "$CONF" up > "$T/up.out" 2>&1 &
	pid=$!
	hwm "$pid"
	wait "$pid"
	rc=$?
	if [ "$rc" = 0 ] && live blkasm- "$N"; then
		echo "THINBENCH blkasm-hwm $SCEN $HWM"
	else
		fail blkasm-hwm "$SCEN" "up (exit $rc): $WHY"
	fi
	down_blkasm > /dev/null 2>&1
	gone blkasm- || fail blkasm-rss "$SCEN" "down: $WHY"
}

# Each command RUNS times, after one untimed call.
bench_exec()
{
	local r=0 t0 t1 rss
	while [ "$r" -le "$RUNS" ]; do
		for c in "blkasm version" "dmsetup version" "thin_check -V"; do
			t0=$EPOCHREALTIME
			$c > "$T/up.out" 2>&1
			t1=$EPOCHREALTIME
			[ "$r" = 0 ] || echo "THINBENCH exec ${c%% *} $(ms "$t0" "$t1")"
		done
		r=$((r + 1))
	done
	busybox time -f %M -o "$T/rss" blkasm version > /dev/null 2>&1
	read -r rss < "$T/rss"
	echo "THINBENCH blkasm-rss exec $((rss / 4))"
	for n in $SIZES; do
		r=0
		while [ "$r" -le "$RUNS" ]; do
			t0=$EPOCHREALTIME
			blkasm -c "$T/thin$n.conf" plan > "$T/up.out" 2>&1
			t1=$EPOCHREALTIME
			[ "$r" = 0 ] || echo "THINBENCH blkasm-plan thin$n $(ms "$t0" "$t1")"
			r=$((r + 1))
		done
	done
}

plan_file()	# FILE N [POOL OPTIONS] [THIN OPTIONS]
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

# The pool with thin ids 1..MAXN made by blkasm, then deactivated.
prepare()
{
	images meta 1 16
	images data 1 64
	META=$(bind "$T/meta0.img") && DATA=$(bind "$T/data0.img") || return
	plan_file "$T/prep.conf" "$MAXN" "create yes" "create yes"
	plan_file "$T/pool1.conf" 1
	plan_file "$T/pool1n.conf" 1 "check no"
	for n in $SIZES; do plan_file "$T/thin$n.conf" "$n" "check no"; done
	blkasm -j 1 -c "$T/prep.conf" up > "$T/up.out" 2>&1 && live blkasm- "$MAXN" ||
		{ echo "$WHY"; tail -n 5 "$T/up.out"; return 1; }
	POOL_TABLE=$(dmsetup table blkasm-pool)
	echo "THINBENCH-ENV pool_table $POOL_TABLE"
	echo "THINBENCH-ENV pool_status $(dmsetup status blkasm-pool)"
	echo "THINBENCH-ENV thin_table $(dmsetup table blkasm-t1)"
	blkasm -c "$T/prep.conf" down > "$T/down.out" 2>&1 && gone blkasm- ||
		{ echo "$WHY"; tail -n 5 "$T/down.out"; return 1; }
	echo "THINBENCH-ENV thin_ids $(thin_dump "$META" | grep -c '<device ')"
}

env_lines()
{
	echo "THINBENCH-ENV kernel $(uname -r)"
	echo "THINBENCH-ENV cpus $(nproc)"
	echo "THINBENCH-ENV clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "THINBENCH-ENV blkasm $(blkasm version 2>&1 | head -n 1)"
	echo "THINBENCH-ENV jobs $(blkasm help 2>&1 | sed -n 's/.*-j JOBS.*default \([0-9]*\)).*/\1/p')"
	echo "THINBENCH-ENV dmsetup $(dmsetup version 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
	echo "THINBENCH-ENV thin_check $(thin_check -V 2>&1)"
	echo "THINBENCH-ENV target $(dmsetup targets | grep '^thin-pool')"
	echo "THINBENCH-ENV runs $RUNS"
	echo "THINBENCH-ENV sizes $SIZES"
}

command -v dmsetup > /dev/null && command -v thin_check > /dev/null ||
	{ echo "THINBENCH-SKIP no dmsetup or thin_check in this root"; exit 0; }
case $EPOCHREALTIME in
*.*) ;;
*) echo "THINBENCH-FAIL all all no \$EPOCHREALTIME in this shell"; exit 1 ;;
esac
md_setup
modprobe dm_thin_pool
env_lines
prepare || { fail all prepare "could not make the pool"; unbind_all; exit 1; }
bench_exec
bench_scenario pool+1 warm blkasm blkasm-nocheck dmsetup dmsetup-check dmsetup-concise
warm=warm
for n in $SIZES; do
	bench_scenario "thin$n" "$warm" blkasm blkasm-j1 dmsetup dmsetup-concise
	warm=cold
done
r=0
while [ "$r" -lt "$RUNS" ] && [ "$r" -lt 3 ]; do
	for s in pool+1 $SIZES; do
		case $s in pool+1) rss_round pool+1 ;; *) rss_round "thin$s" ;; esac
	done
	r=$((r + 1))
done
unbind_all
echo "thin_bench: $fails failures"
[ "$fails" = 0 ]
