#!/bin/bash
# Thin activation benchmark (issue 6): boots the board test root with the
# guest scenario thin_bench (tests/board/guest/thin_bench.sh), which times
# blkasm and Debian's dmsetup activating a thin pool with one thin volume,
# and N thin volumes on an active pool (N = 16 and 64; also 256 with
# BENCH_LONG=1), in the same guest; writes medians, per-volume costs,
# blkasm's peak RSS and how the time grows with N as a Markdown report to
# OUT and prints it.
#
# usage: thin_bench.sh BOARD_DIR OUT
#   BOARD_DIR  the board's build folder (make images), whose test-disk.img
#              carries dmsetup and thin_check: the board of the host's
#              architecture
# Environment: BENCH_LONG (1: N = 16, 64 and 256 and 10 runs, 75 to 110 s
# of guest time each under TCG, most of it at N = 256; otherwise N = 16 and
# 64 and 5 runs), BENCH_THIN_RUNS (runs per side and scenario, 5 or 10 as
# above), BENCH_THIN_SIZES (the values of N, "16 64" or "16 64 256" as
# above), BENCH_THIN_TIMEOUT (seconds for the whole boot, 300 + 150 per
# run).
#
# The disk is a copy; the kernel gets loglevel=4 so that no info message
# goes out on the emulated serial console in the middle of a timing.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(realpath "$1")
OUT=$2
if [ "${BENCH_LONG:-0}" = 1 ]; then
	RUNS=${BENCH_THIN_RUNS:-10}
	SIZES=${BENCH_THIN_SIZES:-16 64 256}
else
	RUNS=${BENCH_THIN_RUNS:-5}
	SIZES=${BENCH_THIN_SIZES:-16 64}
fi
TIMEOUT=${BENCH_THIN_TIMEOUT:-$((300 + 150 * RUNS))}
W=$(realpath -m "$(dirname "$OUT")/thin-work")
CONSOLE_LOG=$W/console.log
DATA=$W/samples	# SIDE SCENARIO VALUE, one sample a line
SMALL=$(tr ' ' '\n' <<< "$SIZES" | sort -n | head -n 1)
MAXN=$(tr ' ' '\n' <<< "$SIZES" | sort -n | tail -n 1)

die()
{
	echo "thin_bench: $*" >&2
	exit 1
}

# Boots the scenario; the console goes to $CONSOLE_LOG, the samples to $DATA.
boot_guest()
{
	# The console device from board.env (CONSOLE: ttyS0, ttyAMA0).
	local tty=$CONSOLE rc=0 t0 t1
	cp --sparse=always "$DIR/test-disk.img" "$W/disk.img" || die "cannot copy the test disk"
	echo "thin_bench: booting $BOARD with guest.test=thin_bench, $RUNS runs (timeout ${TIMEOUT}s)" >&2
	LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
	t0=${EPOCHREALTIME/./}
	"$TOP/rootfs/boot.sh" -q -l "$CONSOLE_LOG" -t "$TIMEOUT" -d "$W/disk.img" \
		-c "console=$tty panic=-1 loglevel=4 root=/dev/vda loop=/images/root.img rw \
guest.test=thin_bench guest.arg=$RUNS,${SIZES// /+}" "$DIR" || rc=$?
	t1=${EPOCHREALTIME/./}
	LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
	WALL=$(awk -v u=$((t1 - t0)) 'BEGIN { printf "%.0f", u / 1e6 }')
	rm -f "$W/disk.img"
	[ "$rc" = 0 ] || die "boot.sh exited $rc (console: $CONSOLE_LOG)"
	grep -aq '^THINBENCH-SKIP' "$CONSOLE_LOG" &&
		die "$(grep -a '^THINBENCH-SKIP' "$CONSOLE_LOG" | cut -d' ' -f2-): needs a board of this host's architecture"
	# Whole lines only: a kernel message may still cut into one.
	grep -a -E '^THINBENCH [a-z0-9_-]+ [a-z0-9_+]+ [0-9]+(\.[0-9]+)?$' "$CONSOLE_LOG" |
		cut -d' ' -f2- > "$DATA"
	[ -s "$DATA" ] || die "no samples on the console ($CONSOLE_LOG)"
}

env_of()	# KEY: what the guest reported as THINBENCH-ENV KEY VALUE...
{
	grep -a "^THINBENCH-ENV $1 " "$CONSOLE_LOG" | head -n 1 | cut -d' ' -f3- | sed 's/ *$//'
}

# stats SIDE SCENARIO: "COUNT MEDIAN MIN MAX" of its samples, "0" for none.
stats()
{
	awk -v s="$1" -v c="$2" '$1 == s && $2 == c { print $3 }' "$DATA" | sort -g |
		awk '{ v[NR] = $1 }
		END {
			if (!NR) { print 0; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %.3f %.3f %.3f\n", NR, m, v[1], v[NR]
		}'
}

med()	# SIDE SCENARIO: the median alone, "" for none
{
	stats "$1" "$2" | awk 'NF == 4 { print $2 }'
}

# ratio A B [NOTE]: A / B as "1.23×" (with " (NOTE)"), "—" when one is missing.
ratio()
{
	awk -v a="$1" -v b="$2" -v n="${3:-}" 'BEGIN {
		if (a == "" || b == "" || b <= 0) { print "—"; exit }
		printf "%.2f×%s\n", a / b, n == "" ? "" : " (" n ")"
	}'
}

# row LABEL SIDE SCENARIO [BASE_SIDE [NOTE [BASE_SCENARIO]]]: a table row,
# its median divided by the base's (same scenario unless given).
row()
{
	local n m lo hi r=—

	read -r n m lo hi < <(stats "$2" "$3")
	if [ "$n" = 0 ]; then
		printf '| %s | 0 | — | — | — | — |\n' "$1"
		return
	fi
	[ -z "${4:-}" ] || r=$(ratio "$m" "$(med "$4" "${6:-$3}")" "${5:-}")
	printf '| %s | %d | %.1f | %.1f | %.1f | %s |\n' "$1" "$n" "$m" "$lo" "$hi" "$r"
}

# cell SIDE SCENARIO: "median (min–max)" in ms, "—" for none.
cell()
{
	local n m lo hi

	read -r n m lo hi < <(stats "$1" "$2")
	[ "$n" != 0 ] || { echo —; return; }
	printf '%.0f (%.0f–%.0f)\n' "$m" "$lo" "$hi"
}

per()	# SIDE N: the median per volume, ms
{
	awk -v m="$(med "$1" "thin$2")" -v n="$2" 'BEGIN {
		if (m == "") print "—"; else printf "%.2f\n", m / n }'
}

rss()	# N: "ru_maxrss / VmHWM" medians in KiB
{
	printf '%s / %s\n' "$(med blkasm-rss "thin$1" | sed 's/\..*//')" \
		"$(med blkasm-hwm "thin$1" | sed 's/\..*//')"
}

# growth SIDE WHO: how the median grows over the sizes measured, as a
# sentence: the cost per volume at each N, and of each added volume between
# the last three values of N (the first of which may be 1: pool+1's N).
growth()
{
	local n pts=
	for n in $SIZES; do pts="$pts $n:$(med "$1" "thin$n")"; done
	awk -v pts="$pts" -v who="$2" 'BEGIN {
		c = split(pts, p, " ")
		for (i = 1; i <= c; i++) {
			split(p[i], f, ":")
			if (f[2] == "") { print who ": not all sizes measured."; exit }
			m++; n[m] = f[1]; t[m] = f[2]
		}
		printf "%s: ", who
		for (i = 1; i <= m; i++)
			printf "%.2f%s", t[i] / n[i], i < m - 1 ? ", " : i == m - 1 ? " and " : ""
		printf " ms per volume at N = "
		for (i = 1; i <= m; i++)
			printf "%d%s", n[i], i < m - 1 ? ", " : i == m - 1 ? " and " : "; "
		if (m < 2) { print "one size, no growth."; exit }
		if (m == 2) {
			m2 = (t[2] - t[1]) / (n[2] - n[1]); q = (t[1] / n[1]) > 0 ? m2 / (t[1] / n[1]) : 0
			printf "each added volume costs %.2f ms from %d to %d, %.2f× the mean cost at %d, ", m2, n[1], n[2], q, n[1]
		} else {
			m1 = (t[m - 1] - t[m - 2]) / (n[m - 1] - n[m - 2]); m2 = (t[m] - t[m - 1]) / (n[m] - n[m - 1])
			q = m1 > 0 ? m2 / m1 : 0
			printf "each added volume costs %.2f ms from %d to %d and %.2f ms from %d to %d (%.2f×), ", m1, n[m - 2], n[m - 1], m2, n[m - 1], n[m], q
		}
		if (q >= 0.8 && q <= 1.25) print "a constant cost per volume: linear growth."
		else if (q > 1.25) print "a cost per volume that rises with N: worse than linear."
		else print "a cost per volume that falls with N: a fixed cost spread out, otherwise linear."
	}'
}

pool_table()
{
	local b=blkasm-nocheck
	echo "## A pool and one thin volume, from nothing"
	echo
	echo "| command | runs | median ms | min ms | max ms | ÷ blkasm (medians) |"
	echo "|---|---:|---:|---:|---:|---:|"
	# shellcheck disable=SC2016 # backquotes are Markdown code spans
	{
	row '**blkasm:** `blkasm -c PLAN up` (default: thin_check first)' blkasm pool+1
	row '`blkasm -c PLAN up`, plan with `check no`' $b pool+1
	row '**dmsetup:** `dmsetup create` pool, `dmsetup create` thin, `dmsetup mknodes`' dmsetup pool+1 $b 'check no'
	row '`thin_check -q --clear-needs-check-flag META`, then the same three' dmsetup-check pool+1 blkasm 'default'
	row '`dmsetup create --concise "POOL;THIN"`, `dmsetup mknodes`' dmsetup-concise pool+1 $b 'check no'
	row '… of which `dmsetup mknodes`' dmsetup-mknodes pool+1
	row '**down:** `blkasm -c PLAN down`' blkasm-down pool+1
	row '`dmsetup remove THIN POOL` (one process)' dmsetup-down pool+1 blkasm-down
	}
	echo
	echo "blkasm's peak RSS here: $(med blkasm-hwm pool+1 | sed 's/\..*//') KiB of its own (VmHWM);"
	echo "$(med blkasm-rss pool+1 | sed 's/\..*//') KiB counting the thin_check it runs (ru_maxrss)."
	echo
}

thin_tables()
{
	local n

	echo "## N thin volumes on an active pool"
	echo
	echo "Time in ms: median (min–max) of $RUNS runs; ratios of medians."
	echo
	echo "| N | blkasm \`up\` | per volume | blkasm \`-j 1\` | \`dmsetup create\` ×N + \`mknodes\` | per volume | ÷ blkasm | \`dmsetup create --concise\` + \`mknodes\` | ÷ blkasm | blkasm peak RSS KiB (ru_maxrss / VmHWM) |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" \
			"$(cell blkasm "thin$n")" "$(per blkasm "$n")" "$(cell blkasm-j1 "thin$n")" \
			"$(cell dmsetup "thin$n")" "$(per dmsetup "$n")" \
			"$(ratio "$(med dmsetup "thin$n")" "$(med blkasm "thin$n")")" \
			"$(cell dmsetup-concise "thin$n")" \
			"$(ratio "$(med dmsetup-concise "thin$n")" "$(med blkasm "thin$n")")" "$(rss "$n")"
	done
	echo
	echo "Deactivation of the N volumes and the pool, and the \`mknodes\` share above:"
	echo
	echo "| N | \`blkasm -c PLAN down\` | per device | \`dmsetup remove\` N+1 names (one process) | ÷ blkasm | \`dmsetup mknodes\` after N creates |"
	echo "|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$(cell blkasm-down "thin$n")" \
			"$(awk -v m="$(med blkasm-down "thin$n")" -v n="$n" \
				'BEGIN { if (m == "") print "—"; else printf "%.2f\n", m / (n + 1) }')" \
			"$(cell dmsetup-down "thin$n")" \
			"$(ratio "$(med dmsetup-down "thin$n")" "$(med blkasm-down "thin$n")")" \
			"$(cell dmsetup-mknodes "thin$n")"
	done
	echo
}

one()	# SIDE SCENARIO: the median to one decimal, "—" for none
{
	awk -v m="$(med "$1" "$2")" 'BEGIN { if (m == "") print "—"; else printf "%.1f\n", m }'
}

growth_text()
{
	local n j
	j=$(env_of jobs)
	echo "## Growth with N"
	echo
	growth blkasm "blkasm (default -j ${j:-?})"
	echo
	growth blkasm-j1 "blkasm -j 1"
	echo
	growth dmsetup "dmsetup, one process per volume"
	echo
	growth dmsetup-concise "dmsetup --concise"
	echo
	awk -v a="$(med blkasm-rss "thin$SMALL")" -v c="$(med blkasm-rss "thin$MAXN")" \
		-v x="$SMALL" -v y="$MAXN" 'BEGIN {
		if (a != "" && c != "" && y > x)
			printf "blkasm'"'"'s peak RSS grows by %.1f KiB per thin node (%d KiB at N = %d, %d at %d).\n", (c - a) / (y - x), a, x, c, y
	}'
	echo
	echo "Where blkasm's time goes (medians, ms): its CPU time in \`up\` (busybox"
	echo "time, 10 ms steps, extra rounds), \`blkasm -c PLAN plan\` (reading, checking"
	echo "and ordering the plan, no device touched), and with \`-j 1\` the mean time"
	echo "of a thin node among the first and among the last quarter of the nodes, as"
	echo "blkasm logs it (whole ms): a node that costs more when more devices exist"
	echo "would show there."
	echo
	echo "| N | \`up\` wall | user | system | \`plan\` | \`-j 1\` node, first quarter | last quarter |"
	echo "|---:|---:|---:|---:|---:|---:|---:|"
	for n in $SIZES; do
		printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$(one blkasm "thin$n")" \
			"$(one blkasm-user "thin$n")" "$(one blkasm-sys "thin$n")" \
			"$(one blkasm-plan "thin$n")" "$(one blkasm-j1-first "thin$n")" \
			"$(one blkasm-j1-last "thin$n")"
	done
	echo
}

exec_table()
{
	echo "## A command that does nothing"
	echo
	echo "| command | runs | median ms | min ms | max ms | ÷ blkasm (medians) |"
	echo "|---|---:|---:|---:|---:|---:|"
	# shellcheck disable=SC2016
	{
	row '`blkasm version` (static)' exec blkasm
	row '`dmsetup version` (dynamic; one ioctl)' exec dmsetup exec '' blkasm
	row '`thin_check -V` (dynamic C++)' exec thin_check exec '' blkasm
	}
	echo
	echo "blkasm's floor RSS as measured by busybox time: $(med blkasm-rss exec | sed 's/\..*//') KiB (\`blkasm version\`)."
	echo
}

report()
{
	local host

	host=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "# Thin pool and thin volume activation benchmark"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
	echo "| guest | $BOARD: Debian kernel $(env_of kernel), $(env_of cpus) CPU, clocksource $(env_of clocksource), dm thin-pool target $(env_of target | awk '{ print $2 }') |"
	echo "| QEMU | $("$QEMU" --version | head -n 1), \`$QEMU_ARGS\` (TCG: no hardware virtualisation) |"
	echo "| host | $(nproc) × $host, kernel $(uname -r); load average $LOAD0 before, $LOAD1 after (QEMU's TCG thread competes with whatever else runs) |"
	echo "| blkasm | $(env_of blkasm) ($(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')), static; \`-j\` default $(env_of jobs) |"
	echo "| dmsetup | $(env_of dmsetup | sed 's/Library version: */libdevmapper /; s/ Driver version: */, dm ioctl interface /') (Debian's, with libdevmapper, \`DM_DISABLE_UDEV=1\`, \`--noudevsync\`) |"
	echo "| thin_check | $(env_of thin_check) |"
	echo "| pool | \`$(env_of pool_table)\` (16 MiB metadata, 64 MiB data on loop devices over a tmpfs; $(env_of thin_ids) thin ids); thin volumes \`$(env_of thin_table | awk '{ $4 = "POOL"; $5 = "ID"; print }')\` |"
	echo "| runs | $RUNS per side and scenario; whole boot ${WALL} s |"
	echo
	pool_table
	thin_tables
	growth_text
	exec_table
	echo "## Conditions"
	echo
	echo "Measured in one guest (tests/board/guest/thin_bench.sh): the wall time of"
	echo "each command or command sequence, from the shell before it to the shell"
	echo "after it (busybox ash's \$EPOCHREALTIME, µs), so process start is in every"
	echo "figure. The pool was made once by blkasm with thin ids 1..$MAXN and is"
	echo "deactivated between rounds; the loop devices stay bound and dm_thin_pool is"
	echo "loaded before any timing. Both sides load the same pool table (read back"
	echo "from blkasm's pool) and the same thin tables. For N thin volumes the pool"
	echo "is first activated, untimed, by the same tool; blkasm's \`up\` then adopts"
	echo "it (one status ioctl) and brings up N thin nodes. Every activation is"
	echo "checked before its time counts: the pool and exactly N thin devices with"
	echo "live tables, not suspended, read-write, the right thin id and size on the"
	echo "pool, pool status rw, and /dev/mapper nodes of the right devices. Every"
	echo "deactivation is checked to leave no device-mapper device or node. Sides"
	echo "alternate their order between runs; pool+1 and N = 16 start with one"
	echo "untimed round of each side. \`dmsetup mknodes\` is included as a script"
	echo "would run it, though with \`DM_DISABLE_UDEV=1\` libdevmapper already made"
	echo "the nodes; its share is shown apart. blkasm's peak RSS comes from extra"
	echo "untimed rounds: ru_maxrss of wait4 through busybox time (÷ 4: busybox 1.35"
	echo "treats the kernel's KiB as pages; floored by the exec'ing process, see the"
	echo "last table) and VmHWM read from /proc/PID/status while blkasm runs (its own"
	echo "peak, a lower bound). blkasm's \`up\` runs up to \`-j\` nodes at once (default"
	echo "$(env_of jobs)); its \`down\` takes nodes down one at a time. Under TCG every"
	echo "instruction is emulated: absolute times are several times a real"
	echo "machine's; the ratios and the growth are the figures to read."
	echo
}

main()
{
	local fails

	[ -f "$DIR/board.env" ] && [ -f "$DIR/test-disk.img" ] ||
		die "no $DIR/test-disk.img (make images first)"
	# shellcheck disable=SC1091
	. "$DIR/board.env"	# BOARD ARCH QEMU QEMU_ARGS CONSOLE
	# rootfs/debtools.sh puts dmsetup only in the root of the host's architecture.
	[ "$ARCH" = "$(uname -m)" ] ||
		die "$BOARD's test root has no dmsetup: run it with the $(uname -m) board (BOARD=qemu-$(uname -m))"
	rm -rf "$W" && mkdir -p "$W" || die "cannot make $W"
	boot_guest
	mkdir -p "$(dirname "$OUT")"
	report > "$OUT"
	cat "$OUT"
	fails=$(grep -ac '^THINBENCH-FAIL' "$CONSOLE_LOG")
	if [ "$fails" != 0 ] || ! grep -aq '^GUEST-TEST-RESULT: pass' "$CONSOLE_LOG"; then
		echo "thin_bench: $fails failures in the guest (console: $CONSOLE_LOG):" >&2
		grep -a '^THINBENCH-FAIL\|^GUEST-TEST-RESULT' "$CONSOLE_LOG" | head -n 20 >&2
		exit 1
	fi
}

main
