#!/bin/sh
# Build the disk of the read-only image root scenarios (tests/board/roimage.subr):
# an ext4 filesystem (no partition table, label blkasm-roimg) whose /images
# hold the same small root filesystem as
#   root.sqfs, root.verity   squashfs (mksquashfs, padded to 4 KiB) and its
#                            verity hash tree in the sidecar file
#   root.erofs               erofs (mkfs.erofs)
#   vroot.img, vroot.verity  ext4 and its verity hash tree in a sidecar file,
#                            as systemd names them (veritysetup format)
#   aroot.img                ext4 with its hash tree appended, at a 4 KiB
#                            aligned offset (veritysetup format --hash-offset)
#   vflip.img, vflip.verity  vroot.img with one byte flipped in the first
#                            data block of /victim, and vroot's hash tree
#   vbad.img, vbad.verity    vroot.img, and vroot's tree whose superblock
#                            has data_block_size 3000
# The root is busybox, the board's blkasm as /sbin/blkasm, /victim (64 KiB
# of fixed bytes) and tests/board/roimage-init.sh as
# /sbin/init. OUT.env records what the tests check against: the images'
# sha256, the root hashes, aroot's hash offset and vflip's flipped block.
# Everything is made from files (no loop device, no dm, no root needed):
# veritysetup format computes the tree in user space.
#
# usage: roimage.sh OUT.img BUSYBOX_DIR BLKASM INIT
# (make bench builds one with the demo root's init, rootfs/init.sh, for its
# image layout: roimg-demo.img)
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
img=$(abs "$1") bb=$(abs "$2") blkasm=$(abs "$3") init=$(abs "$4")
env=${img%.img}.env
work=$img.d
stage=$work/root
host=$work/host

rm -rf "$work" "$img" "$env"
mkdir -p "$stage" "$host/images" "$host/overlay"
(
	cd "$stage"
	mkdir -p bin sbin dev proc sys run host tmp etc root
	cp "$bb/busybox" bin/busybox
	for a in $(cat "$bb/applets"); do
		[ "$a" = busybox ] || ln -s busybox "bin/$a"
	done
	rm -f bin/init
	cp "$init" sbin/init
	cp "$blkasm" sbin/blkasm
	chmod 0755 sbin/init sbin/blkasm
	chmod 1777 tmp
	echo blkasm-roimg > etc/hostname
	echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
	echo 'root:x:0:' > etc/group
	# Fixed bytes, the same on every build.
	seq -w 0 99999 | head -c 65536 > victim
)
# Files dated at the epoch: the same images from the same inputs.
find "$stage" -exec touch -h -d @0 {} +

mksquashfs "$stage" "$host/images/root.sqfs" -quiet -noappend -all-root \
	-mkfs-time 0 -comp gzip >/dev/null
mkfs.erofs -zlz4hc -T0 --all-root "$host/images/root.erofs" "$stage" >/dev/null

# ext4 without a journal: mounted read-only through verity, never replayed.
mke2fs -q -F -t ext4 -b 4096 -O ^has_journal -L blkasm-vroot \
	-U 0b1ca5a0-0000-4000-8000-000000000005 -E root_owner=0:0 -d "$stage" \
	"$host/images/vroot.img" 8M >/dev/null
VSALT=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
VUUID=0b1ca5a0-0000-4000-8000-0000000000a1
root_hash() { sed -n 's/^Root hash:[[:space:]]*//p'; }
VROOT_HASH=$(veritysetup format --salt=$VSALT --uuid=$VUUID \
	"$host/images/vroot.img" "$host/images/vroot.verity" | root_hash)

# The tree appended after the data, at the next 4 KiB boundary.
cp "$host/images/vroot.img" "$host/images/aroot.img"
AROOT_OFFSET=$(( ($(stat -c %s "$host/images/aroot.img") + 4095) / 4096 * 4096 ))
AROOT_HASH=$(veritysetup format --salt=$VSALT --uuid=$VUUID --hash-offset=$AROOT_OFFSET \
	"$host/images/aroot.img" "$host/images/aroot.img" | root_hash)

SQFS_HASH=$(veritysetup format --salt=$VSALT --uuid=$VUUID \
	"$host/images/root.sqfs" "$host/images/root.verity" | root_hash)

# One byte of /victim's first block flipped after the tree was made.
VICTIM_BLOCK=$(debugfs -R "bmap /victim 0" "$host/images/vroot.img" 2>/dev/null)
case $VICTIM_BLOCK in ''|*[!0-9]*) echo "roimage.sh: no block for /victim" >&2; exit 1 ;; esac
cp "$host/images/vroot.img" "$host/images/vflip.img"
cp "$host/images/vroot.verity" "$host/images/vflip.verity"
byte=$(od -An -tu1 -j $((VICTIM_BLOCK * 4096 + 100)) -N1 "$host/images/vflip.img" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 0x5a)))" |
	dd of="$host/images/vflip.img" bs=1 seek=$((VICTIM_BLOCK * 4096 + 100)) conv=notrunc 2>/dev/null

# data_block_size (bytes 64-67, little endian) 3000: not a power of two.
cp "$host/images/vroot.img" "$host/images/vbad.img"
cp "$host/images/vroot.verity" "$host/images/vbad.verity"
printf '\270\013\000\000' | dd of="$host/images/vbad.verity" bs=1 seek=64 conv=notrunc 2>/dev/null

[ ${#VROOT_HASH} = 64 ] && [ ${#AROOT_HASH} = 64 ] && [ ${#SQFS_HASH} = 64 ] ||
	{ echo "roimage.sh: veritysetup format printed no root hash" >&2; exit 1; }
veritysetup verify "$host/images/vroot.img" "$host/images/vroot.verity" "$VROOT_HASH"
if veritysetup verify "$host/images/vflip.img" "$host/images/vflip.verity" "$VROOT_HASH" \
	>/dev/null 2>&1; then
	echo "roimage.sh: veritysetup verify passes the flipped image" >&2
	exit 1
fi

{
	echo "VROOT_HASH=$VROOT_HASH"
	echo "AROOT_HASH=$AROOT_HASH"
	echo "AROOT_OFFSET=$AROOT_OFFSET"
	echo "SQFS_HASH=$SQFS_HASH"
	echo "VICTIM_BLOCK=$VICTIM_BLOCK"
	for f in root.sqfs root.erofs vroot.img; do
		echo "SHA256_$(echo "$f" | tr a-z. A-Z_)=$(sha256sum "$host/images/$f" | cut -d' ' -f1)"
	done
} > "$env"

mke2fs -q -F -t ext4 -b 4096 -L blkasm-roimg -U 0b1ca5a0-0000-4000-8000-000000000004 \
	-E root_owner=0:0 -d "$host" "$img" 96M >/dev/null
rm -rf "$work"
