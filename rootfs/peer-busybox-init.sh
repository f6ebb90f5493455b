#!/bin/sh
# /init of the busybox peer (rootfs/peer-busybox.sh): what a hand-written
# shell initramfs does with busybox and Debian's own losetup, mdadm and
# dmsetup (dynamic, their libraries packed), for make bench to boot next to
# blkasm on the same kernel and disk images (tests/bench/boot_bench.sh).
#
# The layout comes from the kernel command line, peer.layout=:
#   loop   root=/dev/vda loop=/images/root.img: mount the disk on /host,
#          losetup the image, mount it (initramfs-tools' loop= of Ubuntu)
#   plain  root=/dev/vda: mount it
#   md     root=/dev/md0 peer.md=/dev/vda,/dev/vdb: mdadm --assemble the
#          raid1, mount it
#   stack  root=/dev/mapper/blkasm-root: the disk on /host, losetup
#          /host/images/stack-a.img and stack-b.img, mdadm --assemble them
#          as /dev/md127, one dmsetup create --concise with the tables kept in
#          /host/images/stack.dm (the pool's metadata and data slices, the
#          pool, the thin volume: written when the stack was made), mount
# The board's boot modules (/etc/blkasm/modules) are loaded in order with
# busybox modprobe; loop for loop and stack, md_mod and raid1 for md and
# stack, dm_thin_pool for stack. Devices that appear asynchronously (the virtio disks) are polled
# for every 10 ms, as such scripts do (no uevent listener in a shell).
# Markers with the kernel's timestamps go to /dev/kmsg: "peer-busybox:
# init started" and, just before switch_root, "peer-busybox: switch_root".
# On a failure it says why on the console and powers off.
# Debian's tools are called by path: Debian's busybox shell runs its own
# applet for any command that has one (losetup), whatever PATH says.
PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PATH

mount -t devtmpfs devtmpfs /dev
echo "peer-busybox: init started" > /dev/kmsg
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run

die()
{
	echo "peer-busybox: $*" > /dev/kmsg
	echo "PEER-FAIL: $*"
	poweroff -f
}

# wait_dev PATH: until PATH is a block device, 30 s at most.
wait_dev()
{
	local i=0
	while [ ! -b "$1" ]; do
		[ "$i" -lt 3000 ] || die "no $1 after 30 s"
		usleep 10000
		i=$((i + 1))
	done
}

layout= root= loop= fstype=ext4 md= rw=rw init=/sbin/init
for arg in $(cat /proc/cmdline); do
	case $arg in
	peer.layout=*) layout=${arg#*=} ;;
	peer.md=*) md=$(echo "${arg#*=}" | tr , ' ') ;;
	root=*) root=${arg#*=} ;;
	loop=*) loop=${arg#*=} ;;
	rootfstype=*) fstype=${arg#*=} ;;
	init=*) init=${arg#*=} ;;
	ro) rw=ro ;;
	rw) rw=rw ;;
	esac
done

for m in $(cat /etc/blkasm/modules); do
	modprobe "$m" || die "modprobe $m failed"
done

case $layout in
loop)
	modprobe loop || die "modprobe loop failed"
	wait_dev "$root"
	mount -t "$fstype" -o rw "$root" /host || die "cannot mount $root"
	dev=$(/sbin/losetup -f --show "/host$loop") || die "losetup /host$loop failed"
	mount -t "$fstype" -o "$rw" "$dev" /root || die "cannot mount $dev"
	;;
plain)
	wait_dev "$root"
	mount -t "$fstype" -o "$rw" "$root" /root || die "cannot mount $root"
	;;
md)
	modprobe raid1 || die "modprobe raid1 failed"
	for d in $md; do wait_dev "$d"; done
	MDADM_NO_UDEV=1 /sbin/mdadm --assemble "$root" $md || die "mdadm --assemble $root failed"
	mount -t "$fstype" -o "$rw" "$root" /root || die "cannot mount $root"
	;;
stack)
	modprobe loop && modprobe raid1 && modprobe dm_thin_pool ||
		die "modprobe loop, raid1, dm_thin_pool failed"
	wait_dev /dev/vda
	mount -t ext4 -o rw /dev/vda /host || die "cannot mount /dev/vda"
	a=$(/sbin/losetup -f --show /host/images/stack-a.img) &&
		b=$(/sbin/losetup -f --show /host/images/stack-b.img) || die "losetup failed"
	MDADM_NO_UDEV=1 /sbin/mdadm --assemble /dev/md127 "$a" "$b" ||
		die "mdadm --assemble /dev/md127 failed"
	DM_DISABLE_UDEV=1 /sbin/dmsetup create --noudevsync --concise "$(cat /host/images/stack.dm)" ||
		die "dmsetup create failed"
	mount -t "$fstype" -o "$rw" "$root" /root || die "cannot mount $root"
	;;
*)
	die "unknown peer.layout '$layout'"
	;;
esac

# The root's init finds /dev, /run, /proc and /sys as blkasm leaves them.
if grep -qs ' /host ' /proc/mounts; then
	mount --move /host /root/host || umount /host
fi
echo "peer-busybox: switch_root" > /dev/kmsg
for d in dev run proc sys; do
	mount --move "/$d" "/root/$d"
done
exec switch_root /root "$init"
