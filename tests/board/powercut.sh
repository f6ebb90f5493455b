#!/bin/bash
# Power cuts during first-boot provisioning (issue 16): the board test root
# boots with initramfs-powercut, whose plan (tests/board/guest/powercut-plan.conf)
# creates an md raid1 on two blank images, a thin pool on it and a thin
# volume; the root's init (tests/board/guest/powercut_write.sh) makes ext4
# on the volume and writes and fsyncs 40 files. QEMU is killed
# (SIGKILL: no shutdown of any kind) at an instant drawn uniformly over the
# provisioning window: from blkasm's first line on the console to the
# last fsync, as long as one uncut calibration boot took, counted from the
# moment blkasm's first line shows in each boot (so the kernel's and the
# firmware's own time, which varies with the machine's load, does not
# move the instants). The next boot of the same disk must come up with the
# stack whole (tests/board/guest/powercut_check.sh: the array assembled and
# not created twice, the pool's transaction id and thin id, thin_check
# clean, every file fsynced before the cut intact), or refuse naming what
# is wrong, start the rescue shell, and leave the images as they were.
#
# usage: powercut.sh BOARD_DIR WORK CUTS SEED
#   BOARD_DIR  the board's build ($(O)/$(BOARD): test-disk.img,
#              initramfs-powercut.cpio.gz, board.env)
#   WORK       a folder for the disks and consoles (emptied)
#   CUTS       how many cuts; SEED  the seed of the instants (a number):
#              the same seed draws the same instants (replay one failure)
# Prints one POWERCUT line per cut and the tally by phase; exit status 1
# when a cut ended in lost data, a refusal that wrote, or neither.
set -u
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(realpath "$1") work=$(realpath -m "$2") cuts=$3 seed=$4
case $cuts$seed in *[!0-9]*|'') echo "powercut.sh: CUTS and SEED are numbers" >&2; exit 2 ;; esac
CONSOLE=
. "$dir/board.env"
initrd=$dir/initramfs-powercut.cpio.gz
for f in "$initrd" "$dir/test-disk.img"; do
	[ -f "$f" ] || { echo "powercut.sh: no $f (make images)" >&2; exit 2; }
done
params="console=$CONSOLE panic=-1 root=/dev/vda loop=/images/root.img rw"
rm -rf "$work" && mkdir -p "$work" || exit 2
printf '%s\n' 'echo rescue-$((6*7))' 'poweroff -f' > "$work/rescue.in"

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
fresh() { cp --sparse=always "$dir/test-disk.img" "$work/disk.img"; }
images_sha() { for f in md-a.img md-b.img; do
	rm -f "$work/dump"; debugfs -R "dump /images/$f $work/dump" "$work/disk.img" 2>/dev/null
	sha256sum < "$work/dump" | cut -c1-16; done | tr '\n' ' '; }

# The step a cut fell in, from what its console shows.
phase_of()
{
	if grep -q 'pcvol: created thin id' "$1"; then echo "file write"
	elif grep -q 'pcpool: /dev/mapper/blkasm-pcpool' "$1"; then echo "create_thin"
	elif grep -q 'pcmd: created raid1' "$1"; then echo "pool create"
	else echo "md create"
	fi
}

# check_boot LOG FSYNCED: the boot after a cut, on $work/disk.img.
check_boot()
{
	"$TOP/rootfs/boot.sh" -q -l "$1" -t 300 -d "$work/disk.img" -r "$initrd" \
		-w 'starting a rescue shell' -s "$work/rescue.in" \
		-c "$params guest.test=powercut_check guest.arg=$2" "$dir"
}

# Calibration: one boot without a cut, watched for the window's ends.
fresh
t0=$(now_ms)
"$TOP/rootfs/boot.sh" -q -l "$work/calibrate.log" -t 300 -d "$work/disk.img" -r "$initrd" \
	-c "$params guest.test=powercut_write" "$dir" &
pid=$!
start= end=
while kill -0 "$pid" 2>/dev/null; do
	[ -n "$start" ] || ! grep -qs 'blkasm: starting at' "$work/calibrate.log" || start=$(( $(now_ms) - t0 ))
	[ -n "$end" ] || ! grep -qs '^POWERCUT-WRITES-DONE' "$work/calibrate.log" || end=$(( $(now_ms) - t0 ))
	sleep 0.02
done
wait "$pid"
rc=$?
if [ "$rc" != 0 ] || [ -z "$start" ] || [ -z "$end" ]; then
	echo "powercut.sh: the calibration boot failed (exit $rc; console $work/calibrate.log)" >&2
	exit 1
fi
check_boot "$work/calibrate-check.log" 40
grep -q '^GUEST-TEST-RESULT: pass' "$work/calibrate-check.log" || {
	echo "powercut.sh: the boot after the uncut one failed (console $work/calibrate-check.log)" >&2
	exit 1; }
window=$((end - start))
echo "POWERCUT window: ${window} ms from blkasm's first line to the last fsync (calibration boot); seed $seed"

failed=0
: > "$work/tally"
for i in $(seq 1 "$cuts"); do
	# The i-th draw of the seed's sequence.
	at=$(awk -v s="$seed" -v i="$i" -v w="$window" \
		'BEGIN { srand(s % 2147483647); for (k = 1; k <= i; k++) r = rand(); printf "%d", w * r }')
	fresh
	"$TOP/rootfs/boot.sh" -q -l "$work/cut-$i.log" -t 300 -d "$work/disk.img" -r "$initrd" \
		-c "$params guest.test=powercut_write" "$dir" &
	pid=$!
	until grep -qs 'blkasm: starting at' "$work/cut-$i.log" || ! kill -0 "$pid" 2>/dev/null; do
		sleep 0.02
	done
	sleep "$(awk -v ms="$at" 'BEGIN { printf "%.3f", ms / 1000 }')"
	# QEMU is the one process with this disk on its command line.
	pkill -KILL -f "file=$work/disk.img," 2>/dev/null
	wait "$pid"
	rc=$?
	phase=$(phase_of "$work/cut-$i.log")
	[ "$rc" = 137 ] || phase="after the window"
	fs=$(sed -n 's/^POWERCUT-FSYNCED \([0-9]*\)$/\1/p' "$work/cut-$i.log" | tail -n 1)
	fs=${fs:-0}
	before=$(images_sha)
	check_boot "$work/check-$i.log" "$fs"
	after=$(images_sha)
	log=$work/check-$i.log
	if grep -q '^GUEST-TEST-RESULT: pass' "$log"; then
		outcome=recovered
		if grep -q 'pcmd: created raid1' "$work/cut-$i.log" && grep -q 'pcmd: created raid1' "$log"; then
			outcome="FAILED: the array was created twice"
		fi
	elif grep -q 'starting a rescue shell' "$log" && grep -q '^rescue-42' "$log"; then
		why=$(grep -o 'blkasm: pc[a-z-]*: .*' "$log" | grep -v ' (.* ms)$' | head -n 1)
		if [ "$before" != "$after" ]; then
			outcome="FAILED: refused, but the images changed"
		elif [ -z "$why" ]; then
			outcome="FAILED: refused without naming a node"
		else
			outcome="refused: $why"
		fi
	else
		outcome="FAILED: $(grep '^POWERCUT-BAD' "$log" | tr '\n' ';' | head -c 300)"
		[ -n "$(grep '^POWERCUT-BAD' "$log")" ] || outcome="FAILED: no result (console $log)"
	fi
	echo "POWERCUT cut $i at ${at} ms: phase $phase, fsynced $fs: $outcome"
	echo "$phase|${outcome%%:*}" >> "$work/tally"
	case $outcome in FAILED*) failed=$((failed + 1)) ;; esac
done

lost=$(grep -c 'lost or changed\|does not mount' "$work"/check-*.log 2>/dev/null | awk -F: '{ s += $NF } END { print s + 0 }')
echo "POWERCUT tally (seed $seed, $cuts cuts): phase | cuts | recovered | refused with diagnosis | failed"
for p in "md create" "pool create" "create_thin" "file write" "after the window"; do
	awk -F'|' -v p="$p" '$1 == p { n++; if ($2 == "recovered") r++; else if ($2 == "refused") f++; else x++ }
		END { if (n) printf "POWERCUT  %s | %d | %d | %d | %d\n", p, n, r, f, x }' "$work/tally"
done
echo "POWERCUT lost files: $lost; failed cuts: $failed"
[ "$failed" = 0 ]
