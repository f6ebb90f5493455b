#!/bin/bash
# Boot-time benchmark (issue 8): boots the x86_64 board again and again with
# blkasm and with two peers, on the same kernel and the same disk images,
# and writes one report, OUT (Markdown), and a chart next to it (OUT with
# .png for .md, gnuplot: tests/bench/boot.gp).
#
# usage: boot_bench.sh [--report] O BOARD_DIR OUT
#   --report   no boots: the report and chart again from the samples that
#              the last run left in boot-work/ next to OUT
#   O          the build folder ($(O)): a thin benchmark run's samples in
#              O/bench/thin-work are reused for the thin volume scale
#   BOARD_DIR  the board's build folder: make images and the bench images
#              (initramfs-benchmd.cpio.gz, peer-busybox.cpio.gz,
#              peer-itools.img, peer-dracut.img, peer-tirfs.img); the board
#              of this host's architecture
# Environment: BENCH_BOOT_RUNS (boots per tool and layout, 5),
# BENCH_BOOT_JOBS (one-CPU guests booted at once, 2: each QEMU's TCG
# thread has a host CPU of its own; 1: one at a time),
# BENCH_SCALE_RUNS (runs per size in the scale scenario, 5; 0: no scale
# scenario), BENCH_LONG (1: the scale scenario up to 256 loop devices;
# otherwise up to 64), BENCH_BOOT_SMP (1: also boot the two-CPU board, the
# default; those boots run alone, as they take both host CPUs).
#
# The tools: blkasm, the board's initramfs (the static blkasm as /init,
# gzip; the md layout's has tests/bench/boot-md.conf as its plan, the stack
# layout's tests/board/guest/stack-plan.conf), and the peers of
# tests/bench/peers.subr: a busybox script, initramfs-tools, dracut and
# tiny-initramfs.
# The layouts (all disks attached with snapshot=on: every boot sees the
# same bytes):
#   loop   root=/dev/vda loop=/images/root.img, the board's disk.img
#   image  root=/dev/vda loop=/images/root.sqfs roothash=… blkasm.overlay=tmpfs:
#          the demo root as squashfs, its verity tree in the sidecar
#          root.verity, under a RAM overlay (roimg-demo.img, made by
#          rootfs/roimage.sh); dracut boots the same squashfs through
#          dmsquash-live (root=live:/dev/vda, no verity)
#   stack  root=/dev/mapper/blkasm-root: a thin volume in a pool on an md
#          raid1 of two loop images on the disk (made once, here, by a
#          boot of the test root: tests/board/guest/bench_prepare.sh)
#   plain  root=/dev/vda, the demo root's own image as the disk
#   md     the demo root on an md raid1 of two virtio disks (made by
#          mdadm --create in the same preparing boot); root=/dev/md0,
#          initramfs-tools and dracut root=UUID=... (their udev rules
#          assemble the array as md127)
# Which peer boots which layout, and why not: peers.subr (supported).
# BENCH_BOOT_SMP=0 leaves out the second set of boots on a two-CPU board
# (QEMU -smp 2: blkasm and the busybox script on the loop layout).
# Every boot has "quiet" (console loglevel 4, as Debian installs GRUB) and
# demo.dmesg: the demo root's init prints the kernel's log at the end, and
# the intervals are taken from its timestamps (see the report's
# definitions). The scale figures come from another boot of the test root
# (tests/board/guest/bench_scale.sh).
set -u
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/../.." && pwd)
MODE=run
if [ "${1:-}" = --report ]; then
	MODE=report
	shift
fi
O=$(realpath "$1")
DIR=$(realpath "$2")
TDIR=$DIR-tree	# the same board on its tree kernel (tool tree, peers.subr)
OUT=$(realpath -m "$3")
PNG=${OUT%.md}.png
RUNS=${BENCH_BOOT_RUNS:-5}
SRUNS=${BENCH_SCALE_RUNS:-5}
SMP=${BENCH_BOOT_SMP:-1}
JOBS=${BENCH_BOOT_JOBS:-2}
LONG=${BENCH_LONG:-0}
if [ "$LONG" = 1 ]; then SCALE_LOOPS=1+16+64+256; else SCALE_LOOPS=1+16+64; fi
W=$(dirname "$OUT")/boot-work
DATA=$W/samples		# CONFIG KEY VALUE, one sample a line
SCALE=$W/scale		# KIND N ms|hwm VALUE
FAILS=$W/failures
FS_UUID=0b1ca5a0-0000-4000-8000-000000000001	# rootfs/root-image.sh
LAYOUTS="loop image stack plain md"
MD_UUID=	# the md layout's array (mdadm --examine of its first member)
# shellcheck source=tests/bench/peers.subr
. "$TOP/tests/bench/peers.subr"	# TOOLS PEERS, each tool's boot

die()
{
	echo "boot_bench: $*" >&2
	exit 1
}

now_us() { echo "${EPOCHREALTIME/./}"; }

# ---- the layouts and the boot command of each tool on each ----

drives()	# LAYOUT: QEMU -drive options, read-only through snapshot=on
{
	local f d=
	case $1 in
	loop) f=$DIR/disk.img ;;
	image) f=$DIR/roimg-demo.img ;;
	stack) f=$W/stack-disk.img ;;
	plain) f=$DIR/root.img ;;
	md) f="$W/md-a.img $W/md-b.img" ;;
	esac
	for x in $f; do d="$d -drive file=$x,format=raw,if=virtio,snapshot=on"; done
	echo "$d"
}

# What / must be mounted from in the demo root (its "root:" line).
root_re()	# LAYOUT
{
	case $1 in
	loop) echo '^root: /dev/loop[0-9]+ / ext4 ' ;;
	image) echo '^root: (overlay|LiveOS_rootfs) / overlay ' ;;	# dracut names it
	stack) echo '^root: /dev/(mapper/blkasm-root|dm-[0-9]+) / ext4 ' ;;
	plain) echo '^root: /dev/vda / ext4 ' ;;
	md) echo '^root: /dev/md[0-9]+ / ext4 ' ;;
	esac
}

# ---- preparing boots (the test root) ----

# test_boot NAME TIMEOUT CMDLINE_ARGS [boot.sh options]: boots the test root
# (a copy of its disk) with guest.test=NAME; console in $W/NAME.log.
test_boot()
{
	local name=$1 timeout=$2 args=$3 rc=0
	shift 3
	cp --sparse=always "$DIR/test-disk.img" "$W/test-disk.img" || die "cannot copy the test disk"
	"$TOP/rootfs/boot.sh" -q -l "$W/$name.log" -t "$timeout" -d "$W/test-disk.img" "$@" \
		-c "console=ttyS0 panic=-1 loglevel=4 root=/dev/vda loop=/images/root.img rw \
guest.test=$name $args" "$DIR" || rc=$?
	rm -f "$W/test-disk.img"
	[ "$rc" = 0 ] || die "the $name boot failed: boot.sh exited $rc (console: $W/$name.log)"
	grep -aq '^GUEST-TEST-RESULT: pass' "$W/$name.log" ||
		die "the $name scenario failed (console: $W/$name.log)"
}

prepare_layouts()
{
	echo "boot_bench: making the stack and md layouts (one boot of the test root)" >&2
	DISK_SIZE=320M "$TOP/rootfs/disk-image.sh" "$W/stack-disk.img" "$DIR/root.img" ||
		die "cannot make the stack disk"
	rm -f "$W/md-a.img" "$W/md-b.img"
	truncate -s 64M "$W/md-a.img" "$W/md-b.img"
	test_boot bench_prepare 400 "" -d "$W/stack-disk.img" -d "$W/md-a.img" -d "$W/md-b.img"
	grep -aq '^BENCH-PREPARED' "$W/bench_prepare.log" || die "no BENCH-PREPARED"
	md_uuid
}

md_uuid()
{
	MD_UUID=$(mdadm --examine --export "$W/md-a.img" | sed -n 's/^MD_UUID=//p')
	[ -n "$MD_UUID" ] || die "no md superblock on $W/md-a.img"
}

# The thin volume sizes of the scale table that the thin benchmark of this
# run already measured (its samples, newer than blkasm), one a line.
thin_reused()
{
	local s=$O/bench/thin-work/samples n
	[ -s "$s" ] && [ "$s" -nt "$DIR/blkasm" ] || return 0
	for n in ${SCALE_LOOPS//+/ }; do
		[ "$n" != 1 ] && grep -q "^blkasm thin$n " "$s" &&
			grep -q "^blkasm-hwm thin$n " "$s" && echo "$n"
	done
}

scale_boot()
{
	local thins="" reused n s=$O/bench/thin-work/samples
	if [ "$SRUNS" = 0 ]; then
		THIN_SOURCE="not measured (BENCH_SCALE_RUNS=0)"
		: > "$SCALE"
		return
	fi
	reused=$(thin_reused)
	for n in ${SCALE_LOOPS//+/ }; do
		grep -qx "$n" <<< "$reused" || thins=$thins${thins:++}$n
	done
	if [ -n "$reused" ]; then
		THIN_SOURCE="N = $(paste -sd, <<< "$reused" | sed 's/,/, /g') from the thin benchmark's samples ($(realpath --relative-to="$TOP" "$s") of $(date -u -r "$s" '+%H:%M UTC'), tests/board/guest/thin_bench.sh, same definition, $(grep -c "^blkasm thin$(tail -n 1 <<< "$reused") " "$s") runs); N = ${thins//+/, } from bench_scale"
		awk -v want=" $(paste -sd' ' <<< "$reused") " '
		     $1 == "blkasm" && $2 ~ /^thin[0-9]+$/ { n = substr($2, 5); if (index(want, " " n " ")) print "thin", n, "ms", $3 }
		     $1 == "blkasm-hwm" && $2 ~ /^thin[0-9]+$/ { n = substr($2, 5); if (index(want, " " n " ")) print "thin", n, "hwm", $3 }' \
			"$s" > "$W/scale.thin"
	else
		THIN_SOURCE="all sizes from bench_scale (no thin benchmark samples of this run)"
		: > "$W/scale.thin"
	fi
	echo "boot_bench: scale scenario, $SRUNS runs (loops ${SCALE_LOOPS//+/, }, thin volumes ${thins//+/, })" >&2
	test_boot bench_scale 900 "guest.arg=$SRUNS,$SCALE_LOOPS,$thins"
	grep -a -E '^BENCHSCALE (loop|thin) [0-9]+ (ms|hwm|first32|last32) [0-9]+(\.[0-9]+)?$' "$W/bench_scale.log" |
		cut -d' ' -f2- | cat - "$W/scale.thin" > "$SCALE"
	grep -a '^BENCHSCALE-FAIL' "$W/bench_scale.log" >> "$FAILS"
}

# ---- the boots ----

# ts PATTERN LOG: the timestamp (ms, three decimals) of the first line of
# the kernel log (the demo root's dmesg) that has PATTERN (fixed string).
ts()
{
	awk -v p="$1" '/^DEMO-DMESG-BEGIN/ { inside = 1; next } /^DEMO-DMESG-END/ { inside = 0 }
		inside && index($0, p) && match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
			v = substr($0, RSTART + 1, RLENGTH - 2); sub(/^ */, "", v)
			printf "%.3f\n", v * 1000; exit
		}' "$2"
}

sample() { echo "$1 $2 $3" >> "$DATA"; }

sub_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a - b }'; }

# boot_one TOOL LAYOUT ROUND [CPUS]: one boot, checked; its figures into
# $DATA, as configuration TOOL-LAYOUT (TOOL-LAYOUT-smp2 on two CPUs).
boot_one()
{
	local tool=$1 layout=$2 cpus=${4:-1} c=$1-$2 rc=0 t0 t1 k u0 u1 e r s log q kopt=()
	[ "$cpus" = 1 ] || c=$c-smp$cpus
	[ "$tool" != tree ] || kopt=(-k "$TDIR/kernel/image")
	log=$W/boot-$c-$3.log
	q=$(drives "$layout")
	[ "$cpus" = 1 ] || q="$q -smp $cpus"
	t0=$(now_us)
	"$TOP/rootfs/boot.sh" -q -l "$log" -t "$(boot_timeout "$tool")" -N -Q "$q" \
		-r "$(initrd "$tool" "$layout")" "${kopt[@]}" \
		-c "console=ttyS0 panic=-1 quiet $(root_args "$tool" "$layout") demo.dmesg" "$DIR" || rc=$?
	t1=$(now_us)
	if [ "$rc" != 0 ] || ! grep -aq '^BLKASM-ROOT-OK' "$log" ||
			! grep -aEq "$(root_re "$layout")" "$log" || ! grep -aq '^DEMO-DMESG-END' "$log"; then
		echo "$c round $3: boot.sh exited $rc, root reached: $(grep -ac '^BLKASM-ROOT-OK' "$log"), $(grep -a '^root:' "$log") (console: $log)" >> "$FAILS"
		echo "boot_bench: $tool on $layout ($cpus CPU) failed (console: $log)" >&2
		return
	fi
	k=$(ts 'Linux version' "$log")
	u0=$(ts 'Trying to unpack rootfs image as initramfs' "$log")
	u1=$(ts 'Freeing initrd memory' "$log")
	s=$(ts 'Run /init as init process' "$log")
	e=$(ts "$(end_marker "$tool")" "$log")
	r=$(ts 'demo-root: init started' "$log")
	if [ -z "$k" ] || [ -z "$s" ] || [ -z "$e" ] || [ -z "$r" ]; then
		echo "$c round $3: markers missing from the kernel log (log wrapped?) (console: $log)" >> "$FAILS"
		return
	fi
	sample "$c" kinit "$s"
	[ -z "$u0" ] || [ -z "$u1" ] || sample "$c" unpack "$(sub_ms "$u1" "$u0")"
	sample "$c" initend "$(sub_ms "$e" "$s")"
	sample "$c" toroot "$(sub_ms "$r" "$e")"
	sample "$c" total "$r"
	sample "$c" wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }')"
	if [ "$tool" = blkasm ] || [ "$tool" = tree ]; then
		blkasm_figures "$c" "$log" "$s"
	else
		peer_figures "$tool" "$c" "$log" "$s"
	fi
	rm -f "$log"	# kept only when it failed
}

# blkasm_figures CONFIG LOG RUN_INIT_MS: what blkasm wrote to
# /run/blkasm/timings (the demo root prints it) and logged.
blkasm_figures()
{
	local c=$1 log=$2
	awk -v c="$c" '
		/^run: \/run\/blkasm\/timings/ { t = 1; next }
		/^run: / || /^BLKASM-ROOT-END/ { t = 0 }
		t && $1 == "init_to_ready_ms" { print c, "ready_ms", $2 }
		t && $1 == "vm_hwm_kb" { print c, "hwm", $2 }
		t && $1 == "kernel_op" { print c, "op_" $2, $4 / 1000 }
		t && $1 == "node" { print c, "node_" $2, $3 }' "$log" >> "$DATA"
	sed -n 's/.*blkasm: modules: [0-9]* loaded from .* (\([0-9]*\) ms)$/\1/p' "$log" | head -n 1 |
		sed "s/^/$c modules_ms /" >> "$DATA"
	sample "$c" start "$(sub_ms "$(ts 'blkasm: starting at' "$log")" "$3")"
}

# boot_job TOOL LAYOUT ROUND [CPUS]: boot_one in the background when JOBS
# allow it (after waiting for a running boot to end), its samples in a file
# of its own, added to $DATA in one append by collect.
boot_job()
{
	local part
	part=$W/part-$1-$2-${4:-1}-$3
	if [ "$JOBS" -le 1 ]; then
		DATA=$part boot_one "$@"
		return
	fi
	while [ "$(jobs -pr | wc -l)" -ge "$JOBS" ]; do wait -n; done
	DATA=$part boot_one "$@" &
}

collect()
{
	local f
	wait
	for f in "$W"/part-*; do
		[ -e "$f" ] || continue
		cat "$f" >> "$DATA" && rm -f "$f"
	done
}

boot_all()
{
	local r=1 t l n=0
	for l in $LAYOUTS; do for t in $TOOLS; do supported "$t" "$l" && n=$((n + 1)); done; done
	n="$n boots"
	[ "$SMP" = 0 ] || n="$n + $(set -- $SMP_TOOLS; echo $#) on two CPUs"
	echo "boot_bench: $RUNS rounds of $n (every tool on every layout it supports, in turn; $JOBS one-CPU boot(s) at a time)" >&2
	while [ "$r" -le "$RUNS" ]; do
		for l in $LAYOUTS; do
			for t in $TOOLS; do
				supported "$t" "$l" && boot_job "$t" "$l" "$r"
			done
		done
		collect
		# The two-CPU boots take both of this host's CPUs: one at a time.
		if [ "$SMP" != 0 ]; then
			for t in $SMP_TOOLS; do DATA=$W/part-smp boot_one "$t" loop "$r" 2; done
			collect
		fi
		echo "boot_bench: round $r of $RUNS done" >&2
		r=$((r + 1))
	done
}

# ---- statistics ----

# stats CONFIG KEY: "N MEDIAN MIN MAX" ("0" for no samples).
stats()
{
	awk -v c="$1" -v k="$2" '$1 == c && $2 == k { print $3 }' "$DATA" | sort -g |
		awk '{ v[NR] = $1 }
		END {
			if (!NR) { print 0; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %.3f %.3f %.3f\n", NR, m, v[1], v[NR]
		}'
}

med() { stats "$1" "$2" | awk 'NF == 4 { print $2 }'; }

# cell CONFIG KEY: "median (min–max)", whole ms; "—" for none.
cell()
{
	local n m lo hi
	read -r n m lo hi < <(stats "$1" "$2")
	[ "$n" != 0 ] || { echo —; return; }
	printf '%.0f (%.0f–%.0f)\n' "$m" "$lo" "$hi"
}

ratio()	# A B: A / B as 0.42×, — when one is missing
{
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b <= 0) { print "—"; exit }
		printf "%.2f×\n", a / b }'
}

# sstats KIND N KEY: as stats, over the scale samples.
sstats()
{
	awk -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n && $3 == f { print $4 }' "$SCALE" |
		sort -g | awk '{ v[NR] = $1 }
		END {
			if (!NR) { print 0; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %.3f %.3f %.3f\n", NR, m, v[1], v[NR]
		}'
}

smed() { sstats "$@" | awk 'NF == 4 { print $2 }'; }

# ---- the report ----

layout_name()
{
	case $1 in
	loop) echo "(a) root on a loop image" ;;
	image) echo "(c) read-only image root: squashfs on a loop device, dm-verity (sidecar tree), RAM overlay" ;;
	stack) echo "(b) full stack: loop images → md raid1 → thin pool → thin root" ;;
	plain) echo "plain root= on the virtio disk" ;;
	md) echo "root on an md raid1 of two virtio disks" ;;
	esac
}


split_table()
{
	local l t c
	echo "| layout | tool | boots | kernel start → /init | of which initramfs unpacking | /init → switch_root | switch_root → root's init | kernel start → root's init | QEMU run (host wall) |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	for l in $LAYOUTS; do
		for t in $TOOLS; do
			c=$t-$l
			if ! supported "$t" "$l"; then
				printf '| %s | %s | — | not supported (%s) | | | | | |\n' "$l" "$(tool_name "$t")" \
					"$(unsupported_why "$t" "$l")"
				continue
			fi
			printf '| %s | %s | %s/%s | %s | %s | %s | %s | %s | %s |\n' "$l" "$(tool_name "$t")" \
				"$(stats "$c" total | cut -d' ' -f1)" "$RUNS" \
				"$(cell "$c" kinit)" "$(cell "$c" unpack)" "$(cell "$c" initend)" \
				"$(cell "$c" toroot)" "$(cell "$c" total)" "$(cell "$c" wall)"
		done
	done
}

ratio_table()
{
	local l p
	echo "| layout | peer | /init → switch_root: blkasm ÷ peer | kernel start → /init | switch_root → root's init | kernel start → root's init |"
	echo "|---|---|---:|---:|---:|---:|"
	for l in $LAYOUTS; do
		for p in $PEERS; do
			supported "$p" "$l" || continue
			printf '| %s | %s | %s | %s | %s | %s |\n' "$l" "$(tool_name "$p")" \
				"$(ratio "$(med "blkasm-$l" initend)" "$(med "$p-$l" initend)")" \
				"$(ratio "$(med "blkasm-$l" kinit)" "$(med "$p-$l" kinit)")" \
				"$(ratio "$(med "blkasm-$l" toroot)" "$(med "$p-$l" toroot)")" \
				"$(ratio "$(med "blkasm-$l" total)" "$(med "$p-$l" total)")"
		done
	done
}

# blkasm's read-only image root next to its plain ext4 image root.
image_table()
{
	local k
	echo "| interval | loop: ext4 image | image: squashfs + verity + overlay | image ÷ loop |"
	echo "|---|---:|---:|---:|"
	for k in kinit initend toroot total; do
		printf '| %s | %s | %s | %s |\n' "$(case $k in kinit) echo "kernel start → /init" ;;
			initend) echo "/init → switch_root" ;; toroot) echo "switch_root → root's init" ;;
			total) echo "kernel start → root's init" ;; esac)" \
			"$(cell blkasm-loop "$k")" "$(cell blkasm-image "$k")" \
			"$(ratio "$(med blkasm-image "$k")" "$(med blkasm-loop "$k")")"
	done
}

# The nodes of blkasm's plan for LAYOUT, in the order its timings list them.
nodes_of()
{
	awk -v c="blkasm-$1" '$1 == c && $2 ~ /^node_/ { n = substr($2, 6); if (!(n in s)) { s[n] = 1; print n } }' "$DATA"
}

node_table()
{
	local l n
	echo "| layout | exec to first log line | modules | nodes (each: median ms) | /init → ready (blkasm's clock) | peak RSS (VmHWM) |"
	echo "|---|---:|---:|---|---:|---:|"
	for l in $LAYOUTS; do
		printf '| %s | %s | %s | %s | %s | %s KiB |\n' "$l" "$(cell "blkasm-$l" start)" \
			"$(cell "blkasm-$l" modules_ms)" \
			"$(for n in $(nodes_of "$l"); do printf '%s %.0f, ' "$n" "$(med "blkasm-$l" "node_$n")"; done | sed 's/, $//')" \
			"$(cell "blkasm-$l" ready_ms)" "$(med "blkasm-$l" hwm | sed 's/\..*//')"
	done
}

# Kernel operations against blkasm's own /init-to-ready time.
ops_table()
{
	local l c t k
	echo "| layout | kernel | /init → ready | ioctl | mount | sysfs writes | module loads (finit_module) | ioctl + mount + sysfs | ready ÷ (ioctl + mount + sysfs) | all four | ready ÷ all four | target ≤ 1.05 |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	for t in blkasm tree; do
	for l in $LAYOUTS; do
		c=$t-$l
		k=Debian
		if [ "$t" = tree ]; then
			k=tree
			[ -n "$(med "$c" ready_ms)" ] || continue
		fi
		awk -v c="$c" -v k="$k" '$1 == c { v[$2] = v[$2] " " $3 }
			function median(s,   a, n, i, j, t) {
				n = split(s, a, " "); if (!n) return ""
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			END {
				# Per boot: the ratio, then the median of those (one boot, one ratio).
				n = split(v["ready_ms"], r, " "); split(v["op_ioctl"], io, " "); split(v["op_mount"], mo, " ")
				split(v["op_sysfs"], sy, " "); split(v["op_module"], md, " ")
				for (i = 1; i <= n; i++) {
					nar = io[i] + mo[i] + sy[i]; all = nar + md[i]
					s1 = s1 " " nar; s2 = s2 " " all
					q1 = q1 " " (nar > 0 ? r[i] / nar : 0); q2 = q2 " " (all > 0 ? r[i] / all : 0)
				}
				if (!n) { printf "| %s | %s | — | | | | | | | | | |\n", l, k; exit }
				q = median(q2)
				printf "| %s | %s | %.0f ms | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f | %.3f | %s |\n", l, k,
					median(v["ready_ms"]), median(v["op_ioctl"]), median(v["op_mount"]),
					median(v["op_sysfs"]), median(v["op_module"]), median(s1), median(q1),
					median(s2), q, (q <= 1.05 ? "met (all four)" : "missed by " sprintf("%.3f", q - 1.05))
			}' l="$l" "$DATA"
	done
	done
}

scale_table()
{
	local k n
	echo "| nodes | N | blkasm \`up\`: median ms (min–max) | per node | each added node (from the previous N) | peak RSS (VmHWM) |"
	echo "|---|---:|---:|---:|---:|---:|"
	for k in loop thin; do
		local prev_n='' prev_m=
		for n in 1 16 64 256; do
			local s cnt m lo hi h
			s=$(sstats "$k" "$n" ms)
			read -r cnt m lo hi <<< "$s"
			h=$(smed "$k" "$n" hwm | sed 's/\..*//')
			if [ "$cnt" = 0 ]; then
				printf '| %s | %s | — | — | — | %s |\n' "$k" "$n" "${h:-—} KiB"
				continue
			fi
			printf '| %s | %s | %.1f (%.1f–%.1f) | %.2f | %s | %s KiB |\n' "$k" "$n" "$m" "$lo" "$hi" \
				"$(awk -v m="$m" -v n="$n" 'BEGIN { print m / n }')" \
				"$(if [ -n "$prev_n" ]; then awk -v a="$prev_m" -v b="$m" -v x="$prev_n" -v y="$n" 'BEGIN { printf "%.2f", (b - a) / (y - x) }'; else echo —; fi)" \
				"${h:-—}"
			prev_n=$n prev_m=$m
		done
	done
}

# growth KIND: the verdict on linearity, from the marginal cost per node
# between the last three sizes measured.
growth()
{
	local n pts=
	for n in 1 16 64 256; do
		pts="$pts $n:$(smed "$1" "$n" ms):$(smed "$1" "$n" hwm)"
	done
	awk -v k="$1" -v pts="$pts" 'BEGIN {
		c = split(pts, p, " ")
		for (i = 1; i <= c; i++) {
			split(p[i], f, ":")
			if (f[2] == "") continue
			m++; n[m] = f[1]; t[m] = f[2]; h[m] = f[3]
		}
		if (m < 3) { print k ": fewer than three sizes measured, no verdict."; exit }
		m1 = (t[m - 1] - t[m - 2]) / (n[m - 1] - n[m - 2]); m2 = (t[m] - t[m - 1]) / (n[m] - n[m - 1])
		q = m1 > 0 ? m2 / m1 : 0
		printf "%s: each added node costs %.2f ms from N = %d to %d and %.2f ms from %d to %d (%.2f×): ", k, m1, n[m - 2], n[m - 1], m2, n[m - 1], n[m], q
		if (q >= 0.8 && q <= 1.25) printf "linear"
		else if (q > 1.25) printf "**worse than linear** (the cost per node grows with N)"
		else printf "linear after a fixed cost (the cost per node falls with N)"
		if (h[m - 1] != "" && h[m] != "") printf "; memory grows by %.1f KiB per node (%d KiB at %d, %d at %d)", (h[m] - h[m - 1]) / (n[m] - n[m - 1]), h[m - 1], n[m - 1], h[m], n[m]
		print "."
	}'
	awk -v k="$1" -v a="$(smed "$1" 256 first32)" -v b="$(smed "$1" 256 last32)" 'BEGIN {
		if (a == "" || b == "") exit
		printf "In one more run at N = 256, blkasm'"'"'s log gives the first 32 %s nodes to finish %.1f ms each on average and the last 32 %.1f ms (%.1f×)%s\n", k, a, b, (a > 0 ? b / a : 0),
			(b > 1.5 * a ? ": a node costs more the more devices exist already." : ".")
	}'
}

# The largest slice of the boot left, for blkasm's two layouts of the
# issue: the parts of kernel start to the root's init, the largest named.
largest_cost()
{
	local l
	for l in loop stack; do
		awk -v c="blkasm-$l" -v l="$l" '$1 == c { s[$2] = s[$2] " " $3 }
			function median(x,   a, n, i, j, t) {
				n = split(x, a, " "); if (!n) return ""
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			END {
				total = median(s["total"])
				if (total == "") { printf "- %s: no boot of blkasm reached the root.\n", l; exit }
				ready = median(s["ready_ms"]); kinit = median(s["kinit"])
				part["loading kernel modules, the time inside finit_module (the boot list and what the drivers load on demand)"] = median(s["op_module"])
				for (k in s) if (k ~ /^node_/) part["blkasm node " substr(k, 6)] = median(s[k])
				part["exec of /init to blkasm'"'"'s first log line"] = median(s["start"])
				part["switch_root to the root'"'"'s first line"] = median(s["toroot"])
				best = ""; bv = -1
				for (p in part) if (part[p] + 0 > bv) { bv = part[p] + 0; best = p }
				printf "- %s: %.0f ms from kernel start to the root'"'"'s init. The kernel before /init takes %.0f ms (%.0f%%; the same for every tool but for unpacking the initramfs, %.0f ms of it here). After /init the largest part is %s: %.0f ms, %.0f%% of blkasm'"'"'s %.0f ms /init-to-ready.\n",
					l, total, kinit, 100 * kinit / total, median(s["unpack"]), best, bv, 100 * bv / ready, ready
			}' "$DATA"
	done
}

chart()
{
	local l t c
	{
		echo "# label kinit initend toroot"
		for l in $LAYOUTS; do
			for t in $TOOLS; do
				supported "$t" "$l" || continue
				c=$t-$l
				[ -n "$(med "$c" total)" ] || continue
				printf '"%s\\n%s" %s %s %s\n' "$l" "$t" "$(med "$c" kinit)" "$(med "$c" initend)" "$(med "$c" toroot)"
			done
		done
		for t in $SMP_TOOLS; do
			c=$t-loop-smp2
			[ -n "$(med "$c" total)" ] || continue
			printf '"loop, 2 CPUs\\n%s" %s %s %s\n' "$t" "$(med "$c" kinit)" "$(med "$c" initend)" "$(med "$c" toroot)"
		done
	} > "$W/chart.dat"
	gnuplot -e "data='$W/chart.dat'; out='$PNG'" "$TOP/tests/bench/boot.gp" ||
		echo "boot_bench: gnuplot failed" >&2
}

report()
{
	local qemu host kver
	local BIG=${SCALE_LOOPS##*+}
	qemu=$("$QEMU" --version | head -n 1)
	host=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	kver=$(cat "$DIR/kernel/kver")
	echo "# Boot time: blkasm against a busybox script and Debian's initramfs-tools, dracut and tiny-initramfs"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| date | $DATE (the end of the run) |"
	echo "| guest | $BOARD: Debian kernel $kver (vmlinux through PVH)$([ -f "$TDIR/kernel/kver" ] && echo "; tree rows: the project's kernel $(cat "$TDIR/kernel/kver") ($(cat "$TDIR/kernel/key" 2>/dev/null))"), 1 CPU (and 2 for the two-CPU rows: QEMU \`-smp 2\`), 512 MiB; command line \`console=ttyS0 panic=-1 quiet ROOT… demo.dmesg\` |"
	echo "| QEMU | $qemu, \`$QEMU_ARGS\` (TCG: every instruction emulated) |"
	echo "| host | $(nproc) × $host, kernel $(uname -r); load average $LOAD0 at the start, $LOAD1 at the end (other work shares this machine) |"
	echo "| blkasm | $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?'), static musl, $(stat -c %s "$DIR/blkasm") bytes |"
	echo "| peers | $(peer_versions) |"
	echo "| runs | $RUNS boots of each tool on each layout, taken in turn (round-robin), $JOBS one-CPU guest(s) at a time (\`BENCH_BOOT_JOBS\`; the two-CPU boots alone); whole benchmark ${WALL} s |"
	echo
	echo "## Boot split"
	echo
	echo "Milliseconds, median (min–max) over the boots that reached the root."
	echo
	split_table
	echo
	echo "Intervals, all from the kernel's printk clock (the demo root prints \`dmesg\`"
	echo "at the end: \`demo.dmesg\`), which starts at 0 when the kernel starts (QEMU's"
	echo "own start and the firmware come before and are in the host wall time only):"
	echo
	echo "- **kernel start → /init**: the kernel's \"Run /init as init process\"."
	echo "  **initramfs unpacking**: from \"Trying to unpack rootfs image as"
	echo "  initramfs...\" to \"Freeing initrd memory\"; it runs asynchronously"
	echo "  beside other kernel initialisation, and /init waits for it."
	echo "- **/init → switch_root**: from \"Run /init\" to the last line before"
	echo "  switch_root: blkasm's \"blkasm: ready in N ms\" (logged right before its"
	echo "  switch_root), the busybox script's \"peer-busybox: switch_root\" (echo"
	echo "  to /dev/kmsg just before \`exec switch_root\`), initramfs-tools'"
	echo "  \"peer-itools: switch_root\" (a script of the last init-bottom stage, after"
	echo "  udev's, added through a private copy of /etc/initramfs-tools: what is"
	echo "  left after it is moving /run and \`exec run-init\`), dracut's \"peer-dracut:"
	echo "  switch_root\" (an ExecStartPre of initrd-switch-root.service: next comes"
	echo "  \`systemctl switch-root\`; its hooks end earlier, see below), and for"
	echo "  tiny-initramfs, which has no hook (one C program), the kernel's"
	echo "  \"EXT4-fs (vda): mounted filesystem\" for its mount of the root (what is"
	echo "  left after it is moving /dev and /proc and switching: those fall in the"
	echo "  next interval)."
	echo "- **switch_root → root's init**: from that line to \"demo-root: init"
	echo "  started\", the first line of the demo root's /sbin/init"
	echo "  (rootfs/init.sh writes it to /dev/kmsg before anything else). It holds"
	echo "  switch_root itself (emptying the initramfs: run-init and busybox delete"
	echo "  its files), the exec of the root's init and a busybox shell's start."
	echo "- **kernel start → root's init**: the sum."
	echo
	echo "Layouts: $(for l in $LAYOUTS; do printf '**%s**: %s; ' "$l" "$(layout_name "$l")"; done | sed 's/; $//')."
	echo "The stack and md disks were made once by a boot of the test root"
	echo "(tests/board/guest/bench_prepare.sh: blkasm's stack plan, then the demo"
	echo "root copied into the thin volume; \`mdadm --create --assume-clean\` of a"
	echo "raid1 holding the demo root); every boot attaches them with"
	echo "\`snapshot=on\`, so each starts from the same bytes. Every tool booted"
	echo "every layout it supports; what a peer cannot boot, and why, is in the"
	echo "table's \"not supported\" rows. In short: **Debian 12's initramfs-tools has"
	echo "no \`loop=\` (Ubuntu's has) and neither it nor dracut makes a thin volume"
	echo "without lvm2; dracut has no \`loop=\` either (dmsquash-live boots an image"
	echo "file only as a read-only live root under an overlay); tiny-initramfs mounts"
	echo "kernel device names and UUIDs only (no md, dm or loop).** The image layout"
	echo "is blkasm's and dracut's: dracut boots the same squashfs file on the same"
	echo "disk through dmsquash-live (\`root=live:/dev/vda rd.live.dir=images"
	echo "rd.live.squashimg=root.sqfs rd.live.overlay.overlayfs=1\`: the disk"
	echo "mounted, the file on a loop device, overlayfs on tmpfs) **but without"
	echo "dm-verity**: dmsquash-live has no verity for a squashfs file and systemd's"
	echo "\`roothash=\` wants the data on a block device of its own, so dracut does"
	echo "less work there than blkasm (no hash tree read, no verified reads)."
	echo "Each tool's command line is what its users would write: blkasm and the"
	echo "busybox script \`root=/dev/md0\` (the script also gets the members,"
	echo "\`peer.md=/dev/vda,/dev/vdb\`), initramfs-tools \`root=UUID=\`, dracut"
	echo "\`root=UUID=… rd.md.uuid=…\` (it assembles only the arrays named, as its"
	echo "host-only mode writes them), assembled by udev as md127 in both."
	echo "dracut's image is its Debian default (no host-only mode, every storage"
	echo "and filesystem module of the kernel, systemd as the initramfs's init)."
	echo "From its last hook (cleanup, after pre-pivot) to its switch_root marker,"
	echo "systemd stops the initramfs's services: $(for l in $LAYOUTS; do supported dracut "$l" && printf '%s %s ms, ' "$l" "$(cell "dracut-$l" hooks)"; done | sed 's/, $//') (median (min–max))."
	echo
	echo "## Two virtual CPUs"
	echo
	echo "Real boards have several cores: the loop layout again on the same board"
	echo "with QEMU \`-smp 2\` (TCG runs one host thread per virtual CPU; this host"
	echo "has $(nproc) CPUs, shared with other work), in the same rounds as the rest, for blkasm"
	echo "and the busybox script, next to their one-CPU boots above."
	echo
	if [ "$SMP" = 0 ]; then
		echo "Not run (BENCH_BOOT_SMP=0)."
	else
		smp_table
		echo
		smp_ratios
	fi
	echo
	echo "## blkasm ÷ each peer (medians)"
	echo
	echo "Below 1 means blkasm takes less time."
	echo
	ratio_table
	echo
	echo "## Read-only image root against the plain ext4 image"
	echo
	echo "blkasm on the same board in the same run, medians in ms (min–max): the"
	echo "loop layout (an ext4 image, read-write) and the image layout (the same"
	echo "demo root as squashfs, verified by dm-verity with the root hash on the"
	echo "command line, under a RAM overlay: nodes rootdev, host, rootimg,"
	echo "roothashimg, rootverity, rootbase, root; dm_verity, squashfs and overlay"
	echo "loaded on demand from the initramfs)."
	echo
	image_table
	echo
	echo "## blkasm's /init, per part"
	echo
	echo "Medians in ms (min–max): from \"Run /init\" to blkasm's first log line, its"
	echo "module loading (its log line), each node as /run/blkasm/timings records it"
	echo "(nodes of independent branches overlap: blkasm runs up to 4 at once), its"
	echo "own /init-to-ready clock (from its first instruction: a little less than"
	echo "the kernel's interval above) and its peak RSS at ready (VmHWM of process"
	echo "1, read just before switch_root and written to the timings)."
	echo
	node_table
	echo
	echo "## Distance from the physical limit"
	echo
	echo "The time spent inside the kernel operations themselves, as blkasm's seam"
	echo "times each call (lib/sys.c: ioctl, mount/umount, finit_module, sysfs"
	echo "attribute writes; logged as \"kernel operations\" and in the timings),"
	echo "against blkasm's whole /init-to-ready time. Medians per boot, ms; the"
	echo "ratio is taken per boot, then its median."
	echo
	ops_table
	echo
	echo "On the Debian kernel the board's modules are loaded by blkasm at /init"
	echo "(finit_module: signature checks and relocation in the kernel), which"
	echo "dwarfs the rest, so the ratio is given both ways. The tree kernel (rows"
	echo "\"tree\"; the project's own kernel, every driver built in) loads no"
	echo "module: there the ratio shows blkasm's own cost beside its kernel calls."
	echo "The target, 1.05 (issue 17), is judged on all four. blkasm's own time is"
	echo "what lies outside those calls: waiting for uevents of devices the kernel"
	echo "probes asynchronously, libblkid's probe of a filesystem type (its reads"
	echo "are not timed as kernel calls), reading files, planning, logging."
	echo
	echo "## Initramfs size"
	echo
	echo "In size.md (tests/bench/size_bench.sh, the first step of make bench)."
	echo
	echo "## Scale"
	echo
	echo "blkasm \`up\` on a running system (the test root, same kernel, 1 CPU) with"
	echo "N nodes in one plan: N loop devices each on its own image, or N thin"
	echo "volumes on an already active pool (tests/board/guest/bench_scale.sh;"
	echo "thin: $THIN_SOURCE). bench_scale makes $SRUNS runs per size. Peak RSS:"
	echo "VmHWM of the blkasm process polled from /proc/PID/status in separate"
	echo "untimed rounds (a lower bound). Sizes up to $BIG; \`BENCH_LONG=1\` (make"
	echo "bench BENCH_LONG=1) measures up to 256."
	echo
	scale_table
	echo
	growth loop
	echo
	growth thin
	echo
	echo "## Binary size and peak RSS"
	echo
	echo "| | |"
	echo "|---|---|"
	echo "| static binary (\`stat -c %s $(realpath --relative-to="$TOP" "$DIR/blkasm")\`, musl, stripped, libblkid and libmount's option maps inside) | $(stat -c %s "$DIR/blkasm") bytes |"
	echo "| peak RSS at boot (VmHWM at ready) | $(for l in $LAYOUTS; do printf '%s %s KiB, ' "$l" "$(med "blkasm-$l" hwm | sed 's/\..*//')"; done | sed 's/, $//') |"
	echo "| peak RSS of \`up\`, 1 and $BIG loop nodes | $(smed loop 1 hwm | sed 's/\..*//') KiB, $(smed loop "$BIG" hwm | sed 's/\..*//') KiB |"
	echo "| peak RSS of \`up\`, 1 and $BIG thin volumes | $(smed thin 1 hwm | sed 's/\..*//') KiB, $(smed thin "$BIG" hwm | sed 's/\..*//') KiB |"
	echo
	if [ -s "$FAILS" ]; then
		echo "## Failures"
		echo
		sed 's/^/- /' "$FAILS"
		echo
	fi
	echo "## Closing note"
	echo
	echo "The boot split again (ms, median (min–max)); chart: $(basename "$PNG")."
	echo
	split_table
	echo
	echo "**Largest remaining cost**, from these figures:"
	echo
	largest_cost
	echo
}

main()
{
	local t0 t1
	[ -f "$DIR/board.env" ] || die "no $DIR/board.env (make images first)"
	# shellcheck disable=SC1091
	. "$DIR/board.env"	# BOARD ARCH QEMU QEMU_ARGS
	[ "$ARCH" = "$(uname -m)" ] ||
		die "the peers take Debian's binaries of this host: run it with BOARD=qemu-$(uname -m)"
	for f in blkasm root.img disk.img test-disk.img initramfs.cpio.gz initramfs-stack.cpio.gz \
			initramfs-benchmd.cpio.gz peer-busybox.cpio.gz peer-itools.img peer-dracut.img \
			peer-tirfs.img roimg-demo.img roimg-demo.env; do
		[ -f "$DIR/$f" ] || die "no $DIR/$f (make bench builds it)"
	done
	SQFS_HASH=$(sed -n 's/^SQFS_HASH=//p' "$DIR/roimg-demo.env")
	[ ${#SQFS_HASH} = 64 ] || die "no SQFS_HASH in $DIR/roimg-demo.env"
	if [ "$MODE" = run ]; then
		rm -rf "$W" && mkdir -p "$W" || die "cannot make $W"
		: > "$DATA"; : > "$FAILS"
		LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
		t0=$(now_us)
		prepare_layouts
		scale_boot
		boot_all
		t1=$(now_us)
		WALL=$(( (t1 - t0) / 1000000 ))
		LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
		DATE=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
		declare -p LOAD0 LOAD1 WALL THIN_SOURCE RUNS SRUNS SMP DATE JOBS SCALE_LOOPS > "$W/run.env"
	else
		[ -f "$W/run.env" ] || die "no run to report on in $W"
		# shellcheck disable=SC1091
		. "$W/run.env"
	fi
	mkdir -p "$(dirname "$OUT")"
	report > "$OUT"
	chart
	cat "$OUT"
	echo "boot_bench: report $OUT, chart $PNG" >&2
	[ ! -s "$FAILS" ] || { echo "boot_bench: $(wc -l < "$FAILS") failures (see the report)" >&2; exit 1; }
}

main
