#!/bin/sh
# Maintenance tool (not part of make check): refresh the real md superblocks
# in the seed corpus of the mdsb fuzz target, tests/fuzz/corpus/mdsb. Boots
# the x86_64 board's test root with the guest scenario mdseed
# (tests/board/guest/mdseed.sh), where Debian's mdadm makes raid1 with an
# internal bitmap, raid5, raid10 and raid0 with 1.2 metadata and raid1 with
# 1.0 and 1.1, and prints each member's 4 KiB superblock as hex. Those
# become mdadm-<level>[-bitmap]-<version>-<member>.bin, replacing the
# previous mdadm-*.bin; other seeds there are left alone. Commit the result.
#
# usage: tests/fuzz/md-seeds.sh [BUILD]   (BUILD: make's O=, default build;
#                                         needs `make images` for qemu-x86_64)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
out=$top/tests/fuzz/corpus/mdsb
BOARD=qemu-x86_64

[ -f "$build/$BOARD/test-disk.img" ] ||
	{ echo "md-seeds: no $build/$BOARD/test-disk.img: run make images first" >&2; exit 1; }
BLKASM_BUILD=$build BLKASM_TOP=$top
export BLKASM_BUILD BLKASM_TOP
# board.subr is written for atf-sh; this is all of atf it needs.
atf_fail() { echo "md-seeds: $*" >&2; tail -n 40 console.log >&2; exit 1; }
. "$top/tests/board/board.subr"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "md-seeds: booting $BOARD with guest.test=mdseed ..."
guest_test $BOARD 600 mdseed "" > boot.out
grep -E '^MDSEED-(START|ARRAY)' console.log

# The hex of each file, then its sha256 to check it came through whole.
mkdir seeds
awk '$1 == "MDSEED" { print $3 > ("seeds/" $2 ".hex") }
     $1 == "MDSEED-END" { print $3 > ("seeds/" $2 ".sha256") }' console.log
n=0
for hex in seeds/*.hex; do
	[ -e "$hex" ] || atf_fail "no MDSEED lines on the console"
	f=${hex%.hex}
	busybox xxd -r -p "$hex" > "$f"
	[ "$(wc -c < "$f")" = 4096 ] || atf_fail "${f##*/}: $(wc -c < "$f") bytes, not 4096"
	[ "$(sha256sum < "$f" | cut -d' ' -f1)" = "$(cat "$f.sha256" 2>/dev/null)" ] ||
		atf_fail "${f##*/}: garbled on the console (sha256 differs)"
	# struct mdp_superblock_1: magic 0xa92b4efc, little endian, at 0.
	[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = fc4e2ba9 ] ||
		atf_fail "${f##*/}: no md magic at its start"
	n=$((n + 1))
done

mkdir -p "$out"
rm -f "$out"/mdadm-*.bin
for hex in seeds/*.hex; do
	cp "${hex%.hex}" "$out/"
done
echo "md-seeds: $n superblocks in $out:"
ls -l "$out"/mdadm-*.bin
