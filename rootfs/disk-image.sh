#!/bin/sh
# Build the board's virtio disk: a raw ext4 filesystem (no partition table)
# holding the demo root image as /images/root.img, which the default kernel
# command line names (root=/dev/vda loop=/images/root.img).
#
# usage: disk-image.sh OUT.img ROOT.img [EXTRA.img...]   (extras go to /images)
# env:   DISK_SIZE (default 64M)
set -eu
img=$1 root=$2
shift 2
stage=$img.d

rm -rf "$stage" "$img"
mkdir -p "$stage/images"
cp --sparse=always "$root" "$stage/images/root.img"
for extra in "$@"; do
	cp --sparse=always "$extra" "$stage/images/"
done
mke2fs -q -F -t ext4 -L blkasm-host -U 0b1ca5a0-0000-4000-8000-000000000002 \
	-E root_owner=0:0 -d "$stage" "$img" "${DISK_SIZE:-64M}" >/dev/null
rm -rf "$stage"
