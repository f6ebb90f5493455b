#!/bin/bash
# Boot a board's build under QEMU (TCG) and capture its serial console.
#
# usage: boot.sh [options] BOARD_DIR      (BOARD_DIR = $(O)/$(BOARD), which
#                                          holds board.env, written by make)
#   -a ARGS     append ARGS to the board's kernel command line
#   -c CMDLINE  replace the whole kernel command line (-a still appends)
#   -t SECS     timeout, default 300 (0: none; default none with -i)
#   -l LOG      console log, default BOARD_DIR/console.log
#   -w REGEX    wait until REGEX (grep -E) shows on the console, then type
#   -s FILE     the lines of FILE ('-': stdin) into the console. A line
#               "@wait REGEX" in FILE waits again for REGEX in the output
#               that follows what was already typed. After a match, typing
#               starts once the console has been quiet for 0.3 s.
#   -m MARKER   fail (exit 4) unless MARKER (fixed string) shows on the console
#   -d FILE     attach FILE as a raw virtio disk, writable (repeatable: vda,
#               vdb, ...); replaces the default, BOARD_DIR/disk.img, which is
#               attached with snapshot=on so boots never change it
#   -N          no disk at all
#   -r INITRD   use INITRD instead of BOARD_DIR/initramfs.cpio.gz
#   -R          no initrd at all: the kernel's built-in initramfs (with
#               -k BOARD_DIR/kernel/image-initramfs, KERNEL=tree)
#   -k KERNEL   use KERNEL instead of BOARD_DIR/kernel/image
#   -Q ARGS     extra QEMU arguments (word-split)
#   -q          quiet: console to LOG only, not to stdout
#   -i          interactive: console on this terminal (C-a x quits QEMU),
#               appends demo.shell
# The same settings can come from the environment: BOOT_APPEND, BOOT_CMDLINE,
# BOOT_TIMEOUT, BOOT_LOG, BOOT_MARKER, BOOT_QEMU_ARGS, BOOT_INTERACTIVE=1.
#
# The log has LF line ends (the console's CR LF is converted after the run).
# Exit status: QEMU's (0 after a guest power-off), 124 on timeout,
# 3 if the kernel panicked (QEMU itself exits 0 then: panic=-1, -no-reboot),
# 4 if -m MARKER is missing, 2 on a usage error; 137 when QEMU was killed
# (SIGKILL: tests/board/powercut.sh cuts the power so).
set -eu

append=${BOOT_APPEND-} cmdline=${BOOT_CMDLINE-} timeout=${BOOT_TIMEOUT-}
log=${BOOT_LOG-} marker=${BOOT_MARKER-} qextra=${BOOT_QEMU_ARGS-}
interactive=${BOOT_INTERACTIVE-} quiet= wait_re= input= initrd= kernel=
disks=() nodisk= noinitrd=

usage() { sed -n '3,/^set /s/^# \{0,1\}//p' "$0" >&2; exit 2; }
while getopts a:c:t:l:w:s:m:d:Nr:Rk:Q:qih opt; do
	case $opt in
	a) append="$append $OPTARG" ;;
	c) cmdline=$OPTARG ;;
	t) timeout=$OPTARG ;;
	l) log=$OPTARG ;;
	w) wait_re=$OPTARG ;;
	s) input=$OPTARG ;;
	m) marker=$OPTARG ;;
	d) disks+=("$OPTARG") ;;
	N) nodisk=1 ;;
	r) initrd=$OPTARG ;;
	R) noinitrd=1 ;;
	k) kernel=$OPTARG ;;
	Q) qextra="$qextra $OPTARG" ;;
	q) quiet=1 ;;
	i) interactive=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
[ -z "$noinitrd" ] || [ -z "$initrd" ] || usage   # -R or -r, not both
dir=$1
[ -f "$dir/board.env" ] || { echo "boot.sh: no $dir/board.env (run make first)" >&2; exit 2; }
. "$dir/board.env"   # QEMU QEMU_ARGS CMDLINE

cmdline="${cmdline:-$CMDLINE}${append:+ $append}"
[ -z "$interactive" ] || cmdline="$cmdline demo.shell"
[ -n "$timeout" ] || { [ -n "$interactive" ] && timeout=0 || timeout=300; }
log=${log:-$dir/console.log}
if [ -n "$input" ] && [ "$input" = - ]; then
	input=$(mktemp); cat > "$input"; trap 'rm -f "$input"' EXIT
fi

drives=()
if [ -z "$nodisk" ]; then
	if [ ${#disks[@]} -eq 0 ]; then
		drives+=(-drive "file=$dir/disk.img,format=raw,if=virtio,snapshot=on")
	fi
	for d in "${disks[@]}"; do
		drives+=(-drive "file=$d,format=raw,if=virtio")
	done
fi

initrd_args=(-initrd "${initrd:-$dir/initramfs.cpio.gz}")
[ -z "$noinitrd" ] || initrd_args=()

serial=stdio
[ -z "$interactive" ] || serial=mon:stdio
# shellcheck disable=SC2086 # QEMU_ARGS and qextra are word lists
cmd=("$QEMU" $QEMU_ARGS -serial "$serial" -kernel "${kernel:-$dir/kernel/image}"
	"${initrd_args[@]}" "${drives[@]}" $qextra
	-append "$cmdline")

# Type the input lines once their prompt regex has appeared in the log.
# Polls the log file (this is a test harness, not boot code).
feed() {
	local off=0 re=$wait_re line
	wait_for() {
		local n m=-1
		until tail -c +"$((off + 1))" "$log" 2>/dev/null | tr -d '\r' |
			grep -Eq -- "$1"; do
			sleep 0.1
		done
		# Then let the console settle: a shell that is still starting (busybox
		# line editing queries the terminal) would eat what we type.
		while n=$(stat -c %s "$log") && [ "$n" != "$m" ]; do
			m=$n
			sleep 0.3
		done
	}
	[ -z "$re" ] || wait_for "$re"
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"@wait "*) wait_for "${line#@wait }" ;;
		*) off=$(stat -c %s "$log"); printf '%s\n' "$line" >&3 ;;
		esac
	done < "$input"
}

: > "$log"
to=()
if [ "$timeout" != 0 ]; then
	to=(timeout -k 5)
	[ -z "$interactive" ] || to+=(--foreground)
	to+=("$timeout")
fi

rc=0
if [ -n "$interactive" ]; then
	"${to[@]}" "${cmd[@]}" | tee "$log"; rc=${PIPESTATUS[0]}
else
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	exec 3<>"$fifo"   # held open read-write: QEMU never sees EOF
	rm -f "$fifo"
	fpid=
	if [ -n "$input" ]; then feed & fpid=$!; fi
	if [ -n "$quiet" ]; then
		# The braces take bash's notice of a child killed by a signal.
		{ "${to[@]}" "${cmd[@]}" <&3 >"$log" 2>&1; } 2>/dev/null || rc=$?
	else
		"${to[@]}" "${cmd[@]}" <&3 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
	fi
	[ -z "$fpid" ] || kill "$fpid" 2>/dev/null || true
	exec 3>&-
fi

# The serial line ends lines with CR LF; the log gets plain LF, so that
# tests can anchor patterns with $.
sed -i 's/\r$//' "$log"

if [ "$rc" = 124 ]; then
	echo "boot.sh: timeout after ${timeout}s (log: $log)" >&2
elif [ "$rc" = 0 ] && grep -q 'Kernel panic - not syncing' "$log"; then
	echo "boot.sh: kernel panic (log: $log)" >&2; rc=3
elif [ "$rc" = 0 ] && [ -n "$marker" ] && ! grep -qF -- "$marker" "$log"; then
	echo "boot.sh: no '$marker' on the console (log: $log)" >&2; rc=4
fi
exit "$rc"
