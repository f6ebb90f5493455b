#!/bin/bash
# Planning time against the number of nodes (make bench; no root, no
# devices): `blkasm -c PLAN plan` on plans of N loop nodes, each naming its
# own 1 MiB sparse image file, so every node's file is stat()ed for its
# claim as at boot. The command reads, checks, orders and prints the plan;
# nothing is attached. Goal (issue 17): 4096 nodes planned in at most 20 ms,
# and growth no worse than N log N.
#
# usage: plan_bench.sh BLKASM OUT
# env: BENCH_PLAN_NODES (sizes, "256 1024 4096"), BENCH_PLAN_RUNS (runs per
# size, 7; at least 5). Wall, user and system time per run from bash's
# `time`; the table gives the median with min and max.
set -eu
export LC_ALL=C
BLKASM=$1 OUT=$2
NS=${BENCH_PLAN_NODES:-256 1024 4096}
RUNS=${BENCH_PLAN_RUNS:-7}
GOAL_MS=20
[ -x "$BLKASM" ] || { echo "plan_bench: no $BLKASM" >&2; exit 2; }
[ "$RUNS" -ge 5 ] || { echo "plan_bench: BENCH_PLAN_RUNS is at least 5" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/blkasm-planbench.XXXXXX")
trap 'rm -rf "$W"' EXIT

max=0
for n in $NS; do ((n > max)) && max=$n; done
mkdir -p "$W/img"
for ((i = 0; i < max; i++)); do
	printf '%s/img/%04d.img\0' "$W" "$i"
done | xargs -0 truncate -s 1M
for n in $NS; do
	for ((i = 0; i < n; i++)); do
		printf 'loop d%04d { file %s/img/%04d.img }\n' "$i" "$W" "$i"
	done > "$W/plan-$n.conf"
	"$BLKASM" -c "$W/plan-$n.conf" plan > /dev/null ||
		{ echo "plan_bench: blkasm rejects the plan of $n nodes" >&2; exit 1; }
done

# One run: "wall user sys" in ms.
run()
{
	local TIMEFORMAT='%3R %3U %3S' t
	t=$( { time "$BLKASM" -c "$W/plan-$1.conf" plan > /dev/null; } 2>&1 )
	awk '{ printf "%.1f %.1f %.1f\n", $1 * 1000, $2 * 1000, $3 * 1000 }' <<< "$t"
}

# stats FILE COLUMN: "median min max" of that column.
stats()
{
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 }
		END { printf "%.1f %.1f %.1f\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

for n in $NS; do
	"$BLKASM" -c "$W/plan-$n.conf" plan > /dev/null	# warm the caches
	for ((k = 0; k < RUNS; k++)); do run "$n"; done > "$W/t-$n"
done

{
	echo "# Planning time"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
	echo "| kernel | $(uname -srm) |"
	echo "| CPUs | $(nproc) × $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
	echo "| blkasm | $BLKASM ($(git -C "$(dirname "$0")" describe --always --dirty 2>/dev/null || echo '?')) |"
	echo "| files | $(df -PT "$W" | awk 'NR == 2 { print $2 }') ($W) |"
	echo
	echo "\`blkasm -c PLAN plan\` with N loop nodes, each on its own 1 MiB sparse"
	echo "image (each file stat()ed for its claim): read, checked, ordered, printed"
	echo "to /dev/null. $RUNS runs per size after one warm-up: median (min-max), ms."
	echo
	echo "| N | wall | user | system | wall per node (µs) |"
	echo "|--:|--:|--:|--:|--:|"
	for n in $NS; do
		read -r wm wl wh < <(stats "$W/t-$n" 1)
		read -r um ul uh < <(stats "$W/t-$n" 2)
		read -r sm sl sh < <(stats "$W/t-$n" 3)
		printf '| %s | %s (%s-%s) | %s (%s-%s) | %s (%s-%s) | %s |\n' "$n" \
			"$wm" "$wl" "$wh" "$um" "$ul" "$uh" "$sm" "$sl" "$sh" \
			"$(awk -v t="$wm" -v n="$n" 'BEGIN { printf "%.1f", t * 1000 / n }')"
	done
	echo
	first=${NS%% *}
	read -r w0 _ < <(stats "$W/t-$first" 1)
	read -r w1 _ < <(stats "$W/t-$max" 1)
	awk -v a="$w0" -v b="$w1" -v n0="$first" -v n1="$max" 'BEGIN {
		printf "Growth from %d to %d nodes: %.1f× the time for %.0f× the nodes", n0, n1, b / a, n1 / n0
		printf " (N log N would be %.1f×).\n", (n1 * log(n1)) / (n0 * log(n0)) }'
	echo
	awk -v t="$w1" -v g="$GOAL_MS" -v n="$max" 'BEGIN {
		printf "Goal: %d nodes in at most %d ms: %s (median %.1f ms).\n", n, g,
			(n == 4096 && t <= g) ? "met" : (n == 4096 ? "NOT met" : "not measured at 4096"), t }'
} > "$OUT"
cat "$OUT"
