#!/bin/sh
# A small ext4 filesystem image holding one file, for the guests' loop
# attach/mount races (it lives on the board test disk as /images/fs.img).
#
# usage: fs-image.sh OUT.img
set -eu
img=$1
stage=$img.d

rm -rf "$stage" "$img"
mkdir -p "$stage"
echo "blkasm race test filesystem" > "$stage/hello"
mke2fs -q -F -t ext4 -L blkasm-race -E root_owner=0:0 -d "$stage" "$img" 8M >/dev/null
rm -rf "$stage"
