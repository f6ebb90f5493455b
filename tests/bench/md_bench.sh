#!/bin/bash
# md assembly benchmark (issue 5): boots the board test root with the guest
# scenario md_bench (tests/board/guest/md_bench.sh), which times blkasm and
# Debian's mdadm assembling and stopping a 2-member raid1 and a 4-member
# raid5 in the same guest; writes the medians as a Markdown report to OUT
# and prints it.
#
# usage: md_bench.sh BOARD_DIR OUT
#   BOARD_DIR  the board's build folder (make images), whose test-disk.img
#              carries mdadm: the board of the host's architecture
# Environment: BENCH_MD_RUNS (runs per side and array, 10),
# BENCH_MD_TIMEOUT (seconds for the whole boot, 300 + 20 per run).
#
# The disk is a copy (the scenario writes to its tmpfs only, but the root
# is mounted rw). The kernel gets loglevel=4 so that md's info messages
# do not go out on the emulated serial console in the middle of a timing.
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(realpath "$1")
OUT=$2
RUNS=${BENCH_MD_RUNS:-10}
TIMEOUT=${BENCH_MD_TIMEOUT:-$((300 + 20 * RUNS))}
W=$(realpath -m "$(dirname "$OUT")/md-work")
CONSOLE_LOG=$W/console.log
DATA=$W/samples	# ARRAY KEY MS, one sample a line

die()
{
	echo "md_bench: $*" >&2
	exit 1
}

# Boots the scenario; the console goes to $CONSOLE_LOG, the samples to $DATA.
run_guest()
{
	# The console device from board.env (CONSOLE: ttyS0, ttyAMA0).
	local tty=$CONSOLE rc=0 t0 t1
	cp --sparse=always "$DIR/test-disk.img" "$W/disk.img" || die "cannot copy the test disk"
	echo "md_bench: booting $BOARD with guest.test=md_bench, $RUNS runs (timeout ${TIMEOUT}s)" >&2
	t0=${EPOCHREALTIME/./}
	"$TOP/rootfs/boot.sh" -q -l "$CONSOLE_LOG" -t "$TIMEOUT" -d "$W/disk.img" \
		-c "console=$tty panic=-1 loglevel=4 root=/dev/vda loop=/images/root.img rw \
guest.test=md_bench guest.arg=$RUNS" "$DIR" || rc=$?
	t1=${EPOCHREALTIME/./}
	WALL=$(awk -v u=$((t1 - t0)) 'BEGIN { printf "%.1f", u / 1e6 }')
	rm -f "$W/disk.img"
	[ "$rc" = 0 ] || die "boot.sh exited $rc (console: $CONSOLE_LOG)"
	# Only well-formed lines: a kernel message may still cut into one.
	grep -a -E '^MDBENCH [a-z0-9]+ [a-z-]+ [0-9]+(\.[0-9]+)?$' "$CONSOLE_LOG" |
		cut -d' ' -f2- > "$DATA"
	grep -aq '^MDBENCH-SKIP' "$CONSOLE_LOG" &&
		die "$(grep -a '^MDBENCH-SKIP' "$CONSOLE_LOG" | cut -d' ' -f2-): needs a board of this host's architecture"
	[ -s "$DATA" ] || die "no samples on the console ($CONSOLE_LOG)"
}

# guest_env KEY: a value the guest reported (MDBENCH-ENV KEY VALUE...).
guest_env()
{
	grep -a "^MDBENCH-ENV $1 " "$CONSOLE_LOG" | head -n 1 | cut -d' ' -f3-
}

# stats ARRAY KEY: "N MEDIAN MIN MAX" of its samples ("0" for none).
stats()
{
	awk -v a="$1" -v k="$2" '$1 == a && $2 == k { print $3 }' "$DATA" | sort -n |
		awk '{ v[NR] = $1 }
		END {
			if (!NR) { print 0; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %.3f %.3f %.3f\n", NR, m, v[1], v[NR]
		}'
}

# row LABEL ARRAY KEY [BASE_KEY]: a table row; the last column is this
# median divided by BASE_KEY's.
row()
{
	local n med min max bn bmed ratio=—

	read -r n med min max < <(stats "$2" "$3")
	if [ "$n" = 0 ]; then
		printf '| %s | 0 | — | — | — | — |\n' "$1"
		return
	fi
	if [ -n "${4:-}" ]; then
		read -r bn bmed _ < <(stats "$2" "$4")
		[ "$bn" != 0 ] && ratio=$(awk -v a="$med" -v b="$bmed" \
			'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }')
	fi
	printf '| %s | %d | %.2f | %.2f | %.2f | %s |\n' "$1" "$n" "$med" "$min" "$max" "$ratio"
}

# shellcheck disable=SC2016 # backquotes are Markdown code spans
array_table()	# ARRAY TITLE
{
	echo "## $2"
	echo
	echo "| command | runs | median ms | min ms | max ms | ÷ blkasm (medians) |"
	echo "|---|---:|---:|---:|---:|---:|"
	row '**assemble:** `blkasm -c PLAN up`' "$1" blkasm-assemble
	row '`mdadm --assemble /dev/mdN MEMBERS`' "$1" mdadm-assemble blkasm-assemble
	row '`mdadm --assemble --run /dev/mdN MEMBERS`' "$1" mdadm-run-assemble blkasm-assemble
	row '**stop:** `blkasm -c PLAN down`' "$1" blkasm-stop
	row '`mdadm --stop /dev/mdN` (after `--assemble`)' "$1" mdadm-stop blkasm-stop
	row '`mdadm --stop /dev/mdN` (after `--assemble --run`)' "$1" mdadm-run-stop blkasm-stop
	row "blkasm's md node inside \`up\`, as its log says (whole ms)" "$1" blkasm-node
	echo
	echo "Less each tool's do-nothing floor (last table), medians: $(net "$1" assemble up \
		--assemble); $(net "$1" stop down --stop)."
	echo
}

# net ARRAY OP BLKASM_VERB MDADM_OPTION: both medians of OP less the
# medians of the do-nothing commands, and their ratio.
net()
{
	awk -v b="$(median "$1" "blkasm-$2")" -v m="$(median "$1" "mdadm-$2")" \
		-v fb="$(median exec blkasm)" -v fm="$(median exec mdadm)" \
		-v bv="$3" -v mo="$4" 'BEGIN {
			if (b == "" || m == "" || fb == "" || fm == "") { print "—"; exit }
			printf "blkasm %s %.2f ms, mdadm %s %.2f ms", bv, b - fb, mo, m - fm
			if (b - fb > 0) printf " (%.2f×)", (m - fm) / (b - fb)
		}'
}

median()	# ARRAY KEY: the median alone ("" for no samples)
{
	stats "$1" "$2" | awk 'NF == 4 { print $2 }'
}

report()
{
	local qemu host

	qemu=$("$QEMU" --version | head -n 1)
	host=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "# md assembly benchmark"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
	echo "| guest | $BOARD: Debian kernel $(guest_env kernel), $(guest_env cpus) CPU, clocksource $(guest_env clocksource), md_mod start_ro=$(guest_env start_ro) |"
	echo "| QEMU | $qemu, \`$QEMU_ARGS\` (TCG: no hardware virtualisation) |"
	echo "| host | $(nproc) × $host, kernel $(uname -r) |"
	echo "| blkasm | $(guest_env blkasm) ($(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')) |"
	echo "| mdadm | $(guest_env mdadm) (Debian's binary with its libraries) |"
	echo "| runs | $RUNS per command and array; whole boot ${WALL} s |"
	echo
	array_table raid1 'raid1, 2 members of 32 MiB'
	array_table raid5 'raid5, 4 members of 32 MiB (512K chunk)'
	# shellcheck disable=SC2016
	echo "## A command that does nothing"
	echo
	echo "| command | runs | median ms | min ms | max ms | ÷ blkasm (medians) |"
	echo "|---|---:|---:|---:|---:|---:|"
	row '`blkasm version` (static)' exec blkasm
	row '`mdadm --version` (dynamic: ld.so, libc, libudev)' exec mdadm blkasm
	echo
	echo "Measured in one guest (tests/board/guest/md_bench.sh): wall time of each"
	echo "command, from the shell before it to the shell after it (busybox ash's"
	echo "\$EPOCHREALTIME, µs), so process start is in every figure (the last table"
	echo "shows that floor). The arrays were made once by \`mdadm --create\` (1.2"
	echo "superblocks, no bitmap) on loop devices over a tmpfs, resynced and stopped;"
	echo "the loop devices stay bound and the md modules are loaded before any timing."
	echo "Each run assembles with one tool, checks the array (array_state clean or"
	echo "active, not degraded, every member in sync, resync_start none) and stops it"
	echo "with the same tool; the sides alternate their order between runs, after one"
	echo "untimed warm-up round each. Both start the array through the kernel's"
	echo "do_md_run (blkasm: \`active\` to array_state; mdadm: RUN_ARRAY). \`--run\` only"
	echo "matters when members are missing. A stop's time is until the command returns;"
	echo "the kernel's deferred removal of /sys/block/mdN is waited for untimed. Under"
	echo "TCG every instruction is emulated: absolute times are several times a real"
	echo "machine's, and the ratios are the figure to read."
	echo
}

main()
{
	local fails

	[ -f "$DIR/board.env" ] && [ -f "$DIR/test-disk.img" ] ||
		die "no $DIR/test-disk.img (make images first)"
	# shellcheck disable=SC1091
	. "$DIR/board.env"	# BOARD ARCH QEMU QEMU_ARGS CONSOLE
	# rootfs/debtools.sh puts mdadm only in the root of the host's architecture.
	[ "$ARCH" = "$(uname -m)" ] ||
		die "$BOARD's test root has no mdadm: run it with the $(uname -m) board (BOARD=qemu-$(uname -m))"
	rm -rf "$W" && mkdir -p "$W" || die "cannot make $W"
	run_guest
	mkdir -p "$(dirname "$OUT")"
	report > "$OUT"
	cat "$OUT"
	fails=$(grep -ac '^MDBENCH-FAIL' "$CONSOLE_LOG")
	if [ "$fails" != 0 ] || ! grep -aq '^GUEST-TEST-RESULT: pass' "$CONSOLE_LOG"; then
		echo "md_bench: $fails failed rounds in the guest (console: $CONSOLE_LOG):" >&2
		grep -a '^MDBENCH-FAIL\|^GUEST-TEST-RESULT' "$CONSOLE_LOG" | head -n 20 >&2
		exit 1
	fi
}

main
