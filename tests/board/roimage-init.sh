#!/bin/sh
# /sbin/init of the read-only image roots (rootfs/roimage.sh builds them;
# tests/board/roimage.subr boots them). Prints what the tests check, one
# ROIMG line each, then powers off:
#   ROIMG root: the mount of /, and of the overlay's lower layer
#   ROIMG write: whether a file can be written to / and read back
#   ROIMG persisted: the content of /persisted from an earlier boot, or
#                    none; then this boot writes its own (boot N)
#   ROIMG status: blkasm status of the root's verity device (roothash=)
#   ROIMG hostname: a file read from the root
#   ROIMG victim: whether /victim reads (last: with blkasm.oncorruption=
#                 restart a corrupt block reboots the board here)
PATH=/bin:/sbin
export PATH
grep -qs ' /proc ' /proc/mounts || mount -t proc proc /proc
grep -qs ' /sys ' /proc/mounts || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
# A verity root is read-only: scratch files go to RAM.
mount -t tmpfs tmpfs /tmp

echo
echo "BLKASM-ROOT-OK"
awk '$2 == "/" { print "ROIMG root: " $1 " " $3 " " substr($4, 1, 2) }' /proc/mounts
awk '$2 == "/run/blkasm/rootbase" { print "ROIMG lower: " $1 " " $3 " " substr($4, 1, 2) }' /proc/mounts

if echo "written at boot" > /roimg-written 2>/dev/null &&
	[ "$(cat /roimg-written)" = "written at boot" ]; then
	echo "ROIMG write: ok"
else
	echo "ROIMG write: read-only"
fi
if [ -w / ] && grep -qs ' / overlay ' /proc/mounts; then
	if [ -f /persisted ]; then
		echo "ROIMG persisted: $(cat /persisted)"
		n=$(($(sed 's/boot //' /persisted) + 1))
	else
		echo "ROIMG persisted: none"
		n=1
	fi
	echo "boot $n" > /persisted
	sync
fi

# The verity device the boot made, as blkasm status sees it: a plan
# naming it with the devices and root hash of this boot's command line.
for w in $(cat /proc/cmdline); do
	case $w in
	roothash=*) hash=${w#roothash=} ;;
	blkasm.hashoffset=*) offset=${w#blkasm.hashoffset=} ;;
	esac
done
if [ -n "${hash:-}" ] && [ -e /dev/mapper/blkasm-rootverity ]; then
	for d in /sys/block/dm-*; do
		[ "$(cat "$d/dm/name")" = blkasm-rootverity ] && dm=${d##*/}
	done
	set -- $(ls /sys/block/"$dm"/slaves)
	{
		echo "verity rootverity {"
		echo "  data /dev/$1"
		if [ -n "${offset:-}" ]; then echo "  hash-offset $offset"; else echo "  hash /dev/$2"; fi
		echo "  root-hash $hash"
		echo "}"
	} > /tmp/boot.conf
	# Which slave holds the data: the one bound to the image, not the tree.
	case $(cat /sys/block/"$1"/loop/backing_file 2>/dev/null) in
	*.verity) sed -i "s|data /dev/$1|data /dev/$2|; s|hash /dev/$2|hash /dev/$1|" /tmp/boot.conf ;;
	esac
	blkasm -c /tmp/boot.conf status | sed 's/^/ROIMG status: /'
fi
echo "ROIMG hostname: $(cat /etc/hostname)"
if cat /victim > /dev/null 2>/tmp/victim.err; then
	echo "ROIMG victim: ok"
else
	echo "ROIMG victim: error: $(cat /tmp/victim.err)"
fi
echo "ROIMG after victim: $(head -c 5 /etc/passwd)"
if [ -n "${hash:-}" ] && [ -e /tmp/boot.conf ]; then
	blkasm -c /tmp/boot.conf status | sed 's/^/ROIMG status after: /'
fi
echo "BLKASM-ROOT-END"
sync
poweroff -f
