#!/bin/sh
# Initramfs sizes, side by side (make bench's first step; no boots): the
# images blkasm-initramfs writes for the board's kernel, for a loop root
# plan (tests/board/loop-plan.conf), the full stack
# (tests/board/guest/stack-plan.conf) and the board's plain image (both
# module lists, no plan), next to the peers of the boot benchmark: the
# busybox peer (rootfs/peer-busybox.sh), Debian's initramfs-tools
# (rootfs/peer-itools.sh), dracut (rootfs/peer-dracut.sh) and
# tiny-initramfs (rootfs/peer-tirfs.sh), all for the same kernel.
#
# usage: size_bench.sh BOARD_DIR OUT
# Writes OUT (Markdown) and prints it. Compressed: the file's size;
# unpacked: the cpio stream's; files: members listed by cpio -t.
set -eu
export LC_ALL=C
dir=$1 out=$2

row()	# NAME FILE
{
	[ -f "$2" ] || { echo "size_bench.sh: no $2 (make bench builds it)" >&2; exit 1; }
	cat=cat how=none
	case $(head -c 4 "$2" | od -An -tx1 | tr -d ' \n') in
	1f8b*) cat="gzip -dc" how=gzip ;;
	28b52ffd) cat="zstd -dcq" how=zstd ;;
	fd377a58) cat="xz -dc" how=xz ;;
	esac
	bytes=$($cat < "$2" | wc -c)
	files=$($cat < "$2" | cpio -it --quiet 2>/dev/null | wc -l)
	printf '| %s | %s (%s) | %.2f MB | %.2f MB | %d |\n' "$1" "$(basename "$2")" "$how" \
		"$(awk -v b="$(stat -c %s "$2")" 'BEGIN { print b / 1e6 }')" \
		"$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$files"
}

mkdir -p "$(dirname "$out")"
{
	echo "# Initramfs size"
	echo
	echo "$(cat "$dir/kernel/kver"), board $(basename "$dir"), $(date -u '+%Y-%m-%d %H:%M UTC')."
	echo "blkasm's images are written by blkasm-initramfs (gzip): the loop root"
	echo "plan packs loop and ext4 only, the full stack md raid1 and dm-thin too,"
	echo "the board image without a plan every module of both board lists. The"
	echo "busybox peer packs the board lists and Debian's losetup, mdadm and"
	echo "dmsetup with their libraries; initramfs-tools packs what its defaults"
	echo "take (MODULES=most, zstd); dracut too (no host-only mode: every storage"
	echo "and filesystem module, systemd, udev, mdadm, dm, crypt...; dmsquash-live"
	echo "added, no early microcode; the compression it picks); tiny-initramfs its"
	echo "static /init and the board's boot list with its dependencies (gzip)."
	echo
	echo "| tool | image (compression) | compressed | unpacked (cpio stream) | files |"
	echo "|---|---|---:|---:|---:|"
	row "blkasm-initramfs: loop root plan" "$dir/initramfs-loop.cpio.gz"
	row "blkasm-initramfs: full-stack plan" "$dir/initramfs-stack.cpio.gz"
	row "blkasm-initramfs: board lists, no plan" "$dir/initramfs.cpio.gz"
	row "busybox peer" "$dir/peer-busybox.cpio.gz"
	row "Debian initramfs-tools" "$dir/peer-itools.img"
	row "Debian dracut" "$dir/peer-dracut.img"
	row "Debian tiny-initramfs" "$dir/peer-tirfs.img"
} > "$out"
cat "$out"
