#!/bin/sh
# The boot brought up the plan file's nodes with the root's: the image's
# filesystem is mounted read-only at /mnt/data in the new root, from a loop
# device bound to /host/images/fs.img; the md raid1 boot-md runs on two
# loop devices, as /dev/md/boot-md. With the argument lose-md-b, the image
# of one member is moved away afterwards, so that the next boot lacks it.
cat /proc/mdstat
md=$(readlink -f /dev/md/boot-md)
echo "PLANBOOT md: /dev/md/boot-md is $md, $(cat /sys/block/${md#/dev/}/md/level)" \
	"$(cat /sys/block/${md#/dev/}/md/array_state)" \
	"members $(ls /sys/block/${md#/dev/}/md | grep -c '^dev-loop')"
line=$(grep ' /mnt/data ' /proc/mounts)
echo "PLANBOOT mount: $line"
echo "PLANBOOT hello: $(cat /mnt/data/hello 2>&1)"
case $line in
/dev/loop*" /mnt/data ext4 ro,"*) ;;
*) exit 1 ;;
esac
dev=${line%% *}
echo "PLANBOOT backing: $(cat "/sys/block/${dev#/dev/}/loop/backing_file")"
[ "$(cat "/sys/block/${dev#/dev/}/loop/backing_file")" = /host/images/fs.img ] &&
	[ "$(cat /mnt/data/hello)" = "blkasm race test filesystem" ] || exit 1
if [ "${1:-}" = lose-md-b ]; then
	mv /host/images/md-b.img /host/images/md-b.lost && sync &&
		echo "PLANBOOT lost: /host/images/md-b.img"
fi
