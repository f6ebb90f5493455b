#!/bin/bash
# Loop device benchmarks, as root, on this machine's loop driver. Writes a
# Markdown report to OUT and prints it.
#
#   1. Attach+detach latency per device: N image files attached and then
#      detached by blkasm (one plan of N loop nodes, `up` then `down`, -j 1
#      and -j 4), util-linux (`losetup -f --show` per file, `losetup -d` per
#      device) and busybox (`losetup -f`, `losetup -d`), interleaved in the
#      same run on the same images.
#   2. Time to succeed under a holder: a device held open for T ms (tests/
#      bench/hold.c) is taken down by `blkasm down`, and by `losetup -d`
#      plus the poll loop a script needs until the binding is gone (the
#      kernel defers the clear to the last close). The fixed-tick retries of
#      mdadm/libdevmapper and systemd are computed next to them.
#   3. The same under the udev-like prober (tests/tools/prober.c, -h T).
#
# usage: loop_bench.sh BLKASM HOLD PROBER OUT
# Environment: BENCH_N (device counts, "1 16 64"), BENCH_RUNS (runs per
# count, 5), BENCH_HOLD_MS ("0 10 100"), BENCH_HOLD_RUNS (10), BENCH_POLL_MS
# (the scripted poll interval, 10), BENCH_PROBER (0 skips part 3).
#
# Timing is bash's $EPOCHREALTIME (microseconds, no fork per reading). Only
# loop devices bound to files below the work folder are ever detached.
set -u
export LC_ALL=C	# $EPOCHREALTIME's decimal point is the locale's

BLKASM=$(realpath "$1")
HOLD=$(realpath "$2")
PROBER=$(realpath "$3")
OUT=$4
W=$(realpath -m "$(dirname "$OUT")/work")
LOG=${OUT%.md}.log	# what the commands wrote on stderr
NS=${BENCH_N:-1 16 64}
RUNS=${BENCH_RUNS:-5}
HOLD_TS=${BENCH_HOLD_MS:-0 10 100}
HOLD_RUNS=${BENCH_HOLD_RUNS:-10}
POLL_MS=${BENCH_POLL_MS:-10}
export BLKASM_RUN_DIR="$W/run" BLKID_FILE="$W/blkid.tab"

die()
{
	echo "loop_bench: $*" >&2
	exit 1
}

# ---- small tools ---------------------------------------------------------

now()	# now VAR: microseconds since the epoch into VAR
{
	printf -v "$1" %s "${EPOCHREALTIME/./}"
}

# A sleep without a fork: read with a timeout on a FIFO nobody writes to.
nap_ms()
{
	local s

	printf -v s '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
	read -r -t "$s" -u "$NAP_FD" _
}

# median NUMBER...: the median (mean of the middle two for an even count).
median()
{
	[ $# -gt 0 ] || { echo nan; return; }
	printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 }
		END { if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2];
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# samples LIST: how many numbers a space-separated list holds.
samples()
{
	set -- $1
	echo $#
}

# ms US [DIVISOR]: microseconds (divided) as milliseconds, two decimals.
ms()
{
	awk -v u="$1" -v d="${2:-1}" 'BEGIN {
		if (u == "nan") print "—"; else printf "%.2f", u / d / 1000 }'
}

# The loop devices (NAME FILE) bound to files below $W.
bound()
{
	local f b d

	for f in /sys/block/loop*/loop/backing_file; do
		read -r b 2>/dev/null < "$f" || continue
		case $b in
		"$W"/*) d=${f%/loop/backing_file}; echo "${d##*/} $b" ;;
		esac
	done
}

# Bindings to files elsewhere: someone else uses loop devices now.
foreign()
{
	local f b n=0

	for f in /sys/block/loop*/loop/backing_file; do
		read -r b 2>/dev/null < "$f" || continue
		case $b in "$W"/*) ;; *) n=$((n + 1)) ;; esac
	done
	echo "$n"
}

# Other probers or udevd: they open every new loop device and skew timings.
other_openers()
{
	local p

	for p in $(pgrep -x prober) $(pgrep -x systemd-udevd) $(pgrep -x udevd); do
		[ "$p" = "${PROBER_PID:-}" ] && continue
		tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null && echo
	done
}

# settle: wait (5 s at most) until nothing of ours is bound; a deferred clear
# lands when the last opener goes. Forces what stays and counts it.
LEFTOVERS=0 FAILS=0

# Only blkasm's failures fail the benchmark; the others' are in the tables.
count_fail()	# SIDE
{
	case $1 in blkasm*) FAILS=$((FAILS + FAIL)) ;; esac
}

settle()
{
	local i dev

	for ((i = 0; i < 500; i++)); do
		[ -z "$(bound)" ] && return 0
		nap_ms 10
	done
	LEFTOVERS=$((LEFTOVERS + 1))
	echo "loop_bench: still bound after 5 s, forcing: $(bound | paste -sd' ')" >&2
	bound | while read -r dev _; do losetup -d "/dev/$dev" 2>/dev/null; done
	nap_ms 200
}

cleanup()
{
	[ -n "${PROBER_PID:-}" ] && kill -TERM "$PROBER_PID" 2>/dev/null && wait "$PROBER_PID"
	[ -n "${HOLD_PID:-}" ] && kill "$HOLD_PID" 2>/dev/null
	[ -d "$W" ] || return 0
	PROBER_PID='' settle
	[ -z "$(bound)" ] && rm -rf "$W"
}

# ---- 1. attach+detach latency --------------------------------------------

# Each side sets UP and DOWN (microseconds for all N devices), FAIL (a
# command failed) and LEFT (our bindings still there when the detach
# commands had returned).

side_blkasm()	# JOBS N
{
	local plan=$W/plan-$2.conf t0 t1 t2

	FAIL=0
	now t0
	"$BLKASM" -t 30 -j "$1" -c "$plan" up > /dev/null 2>> "$LOG" || FAIL=1
	now t1
	"$BLKASM" -t 30 -j "$1" -c "$plan" down > /dev/null 2>> "$LOG" || FAIL=1
	now t2
	LEFT=$(bound | wc -l)
	UP=$((t1 - t0)) DOWN=$((t2 - t1))
}

side_util_linux()	# N
{
	local devs=() dev i t0 t1 t2

	FAIL=0
	now t0
	for ((i = 0; i < $1; i++)); do
		dev=$(losetup -f --show "${IMG[i]}" 2>> "$LOG") || { FAIL=1; continue; }
		devs+=("$dev")
	done
	now t1
	for dev in "${devs[@]}"; do
		losetup -d "$dev" 2>> "$LOG" || FAIL=1
	done
	now t2
	LEFT=$(bound | wc -l)
	UP=$((t1 - t0)) DOWN=$((t2 - t1))
}

# busybox losetup has no --show: which device took a file is looked up in
# sysfs between the two timed phases (not counted).
side_busybox()	# N
{
	local -A dev_of=()
	local name file i t0 t1 t2 t3

	FAIL=0
	now t0
	for ((i = 0; i < $1; i++)); do
		busybox losetup -f "${IMG[i]}" 2>> "$LOG" || FAIL=1
	done
	now t1
	while read -r name file; do dev_of[$file]=/dev/$name; done < <(bound)
	[ "${#dev_of[@]}" -eq "$1" ] || FAIL=1
	now t2
	for file in "${!dev_of[@]}"; do
		busybox losetup -d "${dev_of[$file]}" 2>> "$LOG" || FAIL=1
	done
	now t3
	LEFT=$(bound | wc -l)
	UP=$((t1 - t0)) DOWN=$((t3 - t2))
}

SIDES=(blkasm_j1 blkasm_j4 util_linux busybox)
declare -A LABEL=(
	[blkasm_j1]='blkasm -j 1 (one plan: up, down)'
	[blkasm_j4]='blkasm -j 4 (one plan: up, down)'
	[util_linux]='util-linux losetup -f --show / -d'
	[busybox]='busybox losetup -f / -d'
)

run_side()	# SIDE N
{
	case $1 in
	blkasm_j1) side_blkasm 1 "$2" ;;
	blkasm_j4) side_blkasm 4 "$2" ;;
	util_linux) side_util_linux "$2" ;;
	busybox) side_busybox "$2" ;;
	esac
}

# Results: R_UP[side,n] etc. hold space-separated samples.
declare -A R_UP R_DOWN R_TOT R_FAIL R_LEFT
latency()
{
	local n r s

	for n in $NS; do
		for ((r = 0; r < RUNS; r++)); do
			# Interleaved, so a drift of the machine hits every side alike.
			for s in "${SIDES[@]}"; do
				run_side "$s" "$n"
				((FAIL)) || R_UP[$s,$n]+=" $UP" R_DOWN[$s,$n]+=" $DOWN" \
					R_TOT[$s,$n]+=" $((UP + DOWN))"
				R_FAIL[$s,$n]=$((${R_FAIL[$s,$n]:-0} + FAIL))
				count_fail "$s"
				R_LEFT[$s,$n]=$((${R_LEFT[$s,$n]:-0} + (LEFT > 0)))
				settle
			done
		done
		echo "loop_bench: attach+detach of $n device(s) done" >&2
	done
}

latency_report()
{
	local n s

	echo "## Attach+detach latency per device"
	echo
	echo "Wall time to attach N image files and then detach them, divided by N;"
	echo "median of $RUNS runs per row (sides interleaved within each run, same images);"
	echo "samples: the runs that succeeded. A failed run is one where a command failed"
	echo "(a losetup whose free device another opener held: it does not retry)."
	echo "blkasm's time is its two commands; losetup's is one command per device."
	echo "\"Bound at return\": runs in which one of the images was still bound when the"
	echo "detach command(s) had returned (the kernel had deferred the clear)."
	echo
	echo "| tool | N | samples | attach+detach ms/dev | attach ms/dev | detach ms/dev | total ms | bound at return | failed runs |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $NS; do
		for s in "${SIDES[@]}"; do
			# shellcheck disable=SC2086
			printf '| %s | %d | %d | %s | %s | %s | %s | %d | %d |\n' "${LABEL[$s]}" "$n" \
				"$(samples "${R_TOT[$s,$n]:-}")" "$(ms "$(median ${R_TOT[$s,$n]:-})" "$n")" \
				"$(ms "$(median ${R_UP[$s,$n]:-})" "$n")" \
				"$(ms "$(median ${R_DOWN[$s,$n]:-})" "$n")" \
				"$(ms "$(median ${R_TOT[$s,$n]:-})")" \
				"${R_LEFT[$s,$n]}" "${R_FAIL[$s,$n]}"
		done
	done
	echo
}

# ---- 2. time to succeed under a holder -----------------------------------

# start_hold DEV T: the holder has DEV open when this returns; OPENED is its
# open time. finish_hold then sets CLOSED, its close time.
start_hold()
{
	local word

	"$HOLD" "$1" "$2" 1>&"$HOLD_FD" 2>> "$LOG" &
	HOLD_PID=$!
	read -r -t 5 -u "$HOLD_FD" word OPENED || die "hold $1 did not start: $(tail -n 1 "$LOG")"
	[ "$word" = open ] || die "hold: unexpected output: $word $OPENED"
	OPENED=${OPENED/./}
}

finish_hold()
{
	local word

	read -r -t 5 -u "$HOLD_FD" word CLOSED || die "hold did not close"
	CLOSED=${CLOSED/./}
	wait "$HOLD_PID"
	HOLD_PID=
}

# Sets TOOK (down started to its return), EXTRA (TOOK less the part of the
# hold still ahead when down started), LEFT, FAIL.
held_blkasm()	# T
{
	local plan=$W/plan-1.conf dev t0 t1

	FAIL=0
	"$BLKASM" -t 30 -c "$plan" up > /dev/null 2>> "$LOG" || FAIL=1
	dev=$(bound | awk '{ print $1; exit }')
	[ -n "$dev" ] || { FAIL=1; return; }
	start_hold "/dev/$dev" "$1"
	now t0
	"$BLKASM" -t 30 -c "$plan" down > /dev/null 2>> "$LOG" || FAIL=1
	now t1
	LEFT=$(bound | wc -l)
	finish_hold
	held_times "$t0" "$t1"
}

# What a script does: losetup -d, then poll sysfs until the binding is gone.
held_util_linux()	# T
{
	local dev t0 t1

	FAIL=0
	dev=$(losetup -f --show "${IMG[0]}" 2>> "$LOG") || { FAIL=1; return; }
	start_hold "$dev" "$1"
	now t0
	losetup -d "$dev" 2>> "$LOG" || FAIL=1
	LEFT=$(bound | wc -l)
	while [ -e "/sys/block/${dev#/dev/}/loop/backing_file" ]; do
		nap_ms "$POLL_MS"
	done
	now t1
	finish_hold
	held_times "$t0" "$t1"
}

held_times()	# T0 T1
{
	local ahead=$((CLOSED - $1))

	((ahead < 0)) && ahead=0
	TOOK=$(($2 - $1)) EXTRA=$(($2 - $1 - ahead))
}

declare -A H_TOOK H_EXTRA H_LEFT H_FAIL
holder()
{
	local t r s

	for t in $HOLD_TS; do
		for ((r = 0; r < HOLD_RUNS; r++)); do
			for s in blkasm util_linux; do
				"held_$s" "$t"
				((FAIL)) || H_TOOK[$s,$t]+=" $TOOK" H_EXTRA[$s,$t]+=" $EXTRA"
				H_LEFT[$s,$t]=$((${H_LEFT[$s,$t]:-0} + (LEFT > 0)))
				H_FAIL[$s,$t]=$((${H_FAIL[$s,$t]:-0} + FAIL))
				count_fail "$s"
				settle
			done
		done
		echo "loop_bench: holder T=$t ms done" >&2
	done
}

# fixed_tick T: computed, not measured. Attempts at 0 and after each sleep;
# the first attempt at or after T succeeds. Prints "MDADM SYSTEMD" medians
# in microseconds: mdadm/libdevmapper sleep 200 ms between attempts, systemd
# a random 10-250 ms (uniform; 20001 draws, fixed seed).
fixed_tick()
{
	local sd

	sd=$(awk -v t="$1" 'BEGIN {
		srand(1)
		for (i = 0; i < 20001; i++) {
			for (at = 0; at < t; ) at += 10 + 240 * rand()
			printf "%d\n", at * 1000
		}
	}' | sort -n | sed -n 10001p)
	echo "$(( (($1 + 199) / 200) * 200 * 1000 )) $sd"
}

holder_report()
{
	local t s md sd label

	echo "## Time to succeed under a holder"
	echo
	echo "An image is bound, a holder opens the device read-only and keeps it open for"
	echo "exactly T ms (tests/bench/hold.c); the moment it has it open, the detach starts."
	echo "\"Took\": from the start of the detach until the binding is gone (blkasm: its"
	echo "\`down\` returned; util-linux: \`losetup -d\` and then a poll of sysfs every"
	echo "$POLL_MS ms until backing_file is gone, as a script must). \"Beyond the hold\":"
	echo "took minus the part of the hold still ahead when the detach started. \"Bound at"
	echo "return\": reps in which the binding was still there when the detach command returned."
	echo
	echo "| T ms | tool | samples | took ms (median) | beyond the hold ms (median) | bound at return | failed |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
	for t in $HOLD_TS; do
		for s in blkasm util_linux; do
			case $s in
			blkasm) label='blkasm down (measured)' ;;
			util_linux) label="losetup -d + poll every $POLL_MS ms (measured)" ;;
			esac
			# shellcheck disable=SC2086
			printf '| %d | %s | %d | %s | %s | %d | %d |\n' "$t" "$label" "$(samples "${H_TOOK[$s,$t]:-}")" \
				"$(ms "$(median ${H_TOOK[$s,$t]:-})")" \
				"$(ms "$(median ${H_EXTRA[$s,$t]:-})")" \
				"${H_LEFT[$s,$t]}" "${H_FAIL[$s,$t]}"
		done
		read -r md sd < <(fixed_tick "$t")
		printf '| %d | %s | — | %s | %s | — | — |\n' "$t" \
			'*computed:* 200 ms fixed retry (mdadm, libdevmapper)' \
			"$(ms "$md")" "$(ms $((md - t * 1000)))"
		printf '| %d | %s | — | %s | %s | — | — |\n' "$t" \
			'*computed:* random 10–250 ms retry (systemd)' \
			"$(ms "$sd")" "$(ms $((sd - t * 1000)))"
	done
	echo
	echo "Computed rows are a model, not a measurement: an attempt at 0 and after each"
	echo "sleep, the first attempt at or after T succeeding, operation cost taken as 0"
	echo "(systemd: median of 20001 draws of uniform 10–250 ms sleeps)."
	echo
}

# ---- 3. under the prober -------------------------------------------------

# start_prober T: the udev-like prober opens every new or changed loop
# device (ours and anyone else's) for T ms.
start_prober()
{
	local i

	: > "$W/prober.out"
	"$PROBER" -h "$1" -j 64 -t 600 > "$W/prober.out" 2>&1 &
	PROBER_PID=$!
	for ((i = 0; i < 500; i++)); do
		grep -q listening "$W/prober.out" && return 0
		nap_ms 10
	done
	die "the prober did not start: $(cat "$W/prober.out")"
}

stop_prober()
{
	kill -TERM "$PROBER_PID" 2>/dev/null
	wait "$PROBER_PID"
	PROBER_PID=
}

# Up, then down at once, while the prober reacts to the attach. Sets UP,
# TOOK (the detach until the binding is gone), LEFT, FAIL.
probed_blkasm()
{
	local plan=$W/plan-1.conf t0 t1 t2

	FAIL=0
	now t0
	"$BLKASM" -t 30 -c "$plan" up > /dev/null 2>> "$LOG" || FAIL=1
	now t1
	"$BLKASM" -t 30 -c "$plan" down > /dev/null 2>> "$LOG" || FAIL=1
	now t2
	LEFT=$(bound | wc -l)
	UP=$((t1 - t0)) TOOK=$((t2 - t1))
}

probed_util_linux()
{
	local dev t0 t1 t2

	FAIL=0
	now t0
	dev=$(losetup -f --show "${IMG[0]}" 2>> "$LOG") || { FAIL=1; return; }
	now t1
	losetup -d "$dev" 2>> "$LOG" || FAIL=1
	LEFT=$(bound | wc -l)
	while [ -e "/sys/block/${dev#/dev/}/loop/backing_file" ]; do
		nap_ms "$POLL_MS"
	done
	now t2
	UP=$((t1 - t0)) TOOK=$((t2 - t1))
}

declare -A P_UP P_TOOK P_LEFT P_FAIL
probed()
{
	local t r s

	for t in $HOLD_TS; do
		start_prober "$t"
		for ((r = 0; r < HOLD_RUNS; r++)); do
			for s in blkasm util_linux; do
				UP=0 TOOK=0
				"probed_$s"
				((FAIL)) || P_UP[$s,$t]+=" $UP" P_TOOK[$s,$t]+=" $TOOK"
				P_LEFT[$s,$t]=$((${P_LEFT[$s,$t]:-0} + (LEFT > 0)))
				P_FAIL[$s,$t]=$((${P_FAIL[$s,$t]:-0} + FAIL))
				count_fail "$s"
				settle
				# The clear's own uevent has the prober open the
				# device once more: let that hold pass too.
				nap_ms $((t + 5))
			done
		done
		stop_prober
		echo "loop_bench: prober -h $t done" >&2
	done
}

probed_report()
{
	local t s label

	echo "## Under the prober"
	echo
	echo "The udev-like prober (tests/tools/prober.c, \`-h T\`) opens every new or changed"
	echo "loop device for T ms. Each rep attaches one image and detaches it at once, while"
	echo "the prober reacts to the attach; when its open lands is up to the race, so the"
	echo "detach waits anywhere from 0 to T ms. \"Detach\": until the binding is gone"
	echo "(util-linux: \`losetup -d\` then a poll every $POLL_MS ms)."
	echo
	echo "| T ms | tool | samples | attach ms (median) | detach ms (median) | bound at return | failed |"
	echo "|---:|---|---:|---:|---:|---:|---:|"
	for t in $HOLD_TS; do
		for s in blkasm util_linux; do
			case $s in
			blkasm) label='blkasm up, down' ;;
			util_linux) label="losetup -f --show, -d + poll every $POLL_MS ms" ;;
			esac
			# shellcheck disable=SC2086
			printf '| %d | %s | %d | %s | %s | %d | %d |\n' "$t" "$label" "$(samples "${P_UP[$s,$t]:-}")" \
				"$(ms "$(median ${P_UP[$s,$t]:-})")" "$(ms "$(median ${P_TOOK[$s,$t]:-})")" \
				"${P_LEFT[$s,$t]}" "${P_FAIL[$s,$t]}"
		done
	done
	echo
}

# ---- the run -------------------------------------------------------------

setup()
{
	local n i max=1

	[ "$(id -u)" = 0 ] || die "needs root (loop devices)"
	[ -x "$BLKASM" ] && [ -x "$HOLD" ] || die "build $BLKASM and $HOLD first"
	command -v losetup > /dev/null && command -v busybox > /dev/null ||
		die "needs util-linux losetup and busybox"
	[ -e /dev/loop-control ] || die "no /dev/loop-control (modprobe loop)"
	[ -z "$(bound 2>/dev/null)" ] || die "$W: images still bound from an earlier run"
	rm -rf "$W" && mkdir -p "$W/img" "$W/run" || die "cannot make $W"
	rm -f "$OUT"
	: > "$LOG"
	mkfifo "$W/nap" "$W/hold" || die "mkfifo"
	exec {NAP_FD}<> "$W/nap" {HOLD_FD}<> "$W/hold"
	for n in $NS; do ((n > max)) && max=$n; done
	IMG=()
	for ((i = 0; i < max; i++)); do
		IMG[i]=$(printf '%s/img/%03d.img' "$W" "$i")
		truncate -s 1M "${IMG[i]}" || die "cannot make ${IMG[i]}"
	done
	for n in $NS 1; do
		for ((i = 0; i < n; i++)); do
			printf 'loop d%03d { file %s }\n' "$i" "${IMG[i]}"
		done > "$W/plan-$n.conf"
	done
	"$BLKASM" -c "$W/plan-$max.conf" plan > /dev/null || die "blkasm rejects the plan"
}

environment()
{
	local others

	echo "# Loop device benchmarks"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
	echo "| kernel | $(uname -srm) |"
	echo "| CPUs | $(nproc) × $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
	echo "| blkasm | $("$BLKASM" version 2>&1 | head -n 1) ($(git -C "$(dirname "$0")" describe --always --dirty 2>/dev/null || echo '?')) |"
	echo "| util-linux | $(losetup --version) |"
	echo "| busybox | $(busybox 2>&1 | head -n 1 | cut -d' ' -f1-2) |"
	echo "| loop devices | $LOOPS_START before the run; bindings of others: $FOREIGN_START at the start, $(foreign) at the end |"
	others=$( { echo "$OTHERS_START"; other_openers; } | grep . | sort -u | paste -sd';')
	echo "| other openers | ${others:-none seen (no udevd, no other prober)} |"
	echo "| forced cleanups | $LEFTOVERS (bindings still there 5 s after a run) |"
	echo
	if [ -n "$others" ] || [ "$FOREIGN_START" != 0 ]; then
		echo "**Warning:** other processes used loop devices during this run; a prober or"
		echo "udevd opens our devices too and lengthens detaches. Rerun on a quiet machine."
		echo
	fi
}

main()
{
	local started body

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	setup
	FOREIGN_START=$(foreign)
	LOOPS_START=$(find /sys/block -maxdepth 1 -name 'loop*' | wc -l)
	OTHERS_START=$(other_openers)
	now started
	latency
	holder
	[ "${BENCH_PROBER:-1}" != 0 ] && [ -x "$PROBER" ] && probed
	body=$(
		latency_report
		holder_report
		[ -n "${P_UP[*]}" ] && probed_report
		echo "Run time: $(ms $(( ${EPOCHREALTIME/./} - started )) 1000) s."
	)
	mkdir -p "$(dirname "$OUT")"
	{ environment; echo "$body"; } > "$OUT"
	cat "$OUT"
	[ "$LEFTOVERS" -eq 0 ] && [ "$FAILS" -eq 0 ] || {
		echo "loop_bench: $FAILS failed blkasm runs, $LEFTOVERS forced cleanups; messages:" >&2
		grep -v ' ([0-9]* ms)$' "$LOG" | sort | uniq -c | sort -rn | head -n 20 >&2
		exit 1
	}
}

main
