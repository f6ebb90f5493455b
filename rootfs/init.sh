#!/bin/sh
# /sbin/init of the demo root filesystem (busybox). blkasm switch_roots here
# after assembling the storage; /dev and /run are moved in by blkasm.
#
# Prints a fixed marker and what was assembled, then powers off so QEMU
# exits 0. With demo.shell on the kernel command line it runs an
# interactive shell on the console first; with demo.dmesg it prints the
# kernel's log (dmesg) between DEMO-DMESG-BEGIN and DEMO-DMESG-END lines.
PATH=/bin:/sbin
export PATH
# First, a line with the kernel's timestamp: make bench measures from the
# initramfs's switch_root to here (/dev is the initramfs's, moved in).
[ -c /dev/kmsg ] && echo "demo-root: init started" > /dev/kmsg

grep -qs ' /proc ' /proc/mounts || mount -t proc proc /proc
grep -qs ' /sys ' /proc/mounts || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
[ -r /etc/hostname ] && hostname -F /etc/hostname

echo
echo "BLKASM-ROOT-OK"
echo "uptime: $(cut -d ' ' -f 1 /proc/uptime) s"
awk '$2 == "/" { print "root: " $0 }' /proc/mounts
for d in /sys/block/loop*; do
	[ -r "$d/loop/backing_file" ] || continue
	echo "loop: /dev/${d##*/} $(cat "$d/loop/backing_file")"
done
# The filesystem holding the image stays reachable (initramfs-tools: /host).
if grep -qs ' /host ' /proc/mounts; then
	echo "host: $(awk '$2 == "/host" { print $1 " " $3 }' /proc/mounts), $(ls /host/images | tr '\n' ' ')"
fi
if [ -d /run/blkasm ]; then
	# -xdev: not into the overlay's lower layer or RAM upper mounted below.
	for f in $(find /run/blkasm -xdev -type f | sort); do
		echo "run: $f"
		sed 's/^/  /' "$f"
	done
fi
echo "BLKASM-ROOT-END"

case " $(cat /proc/cmdline) " in
*" demo.dmesg "*)
	# The kernel's log with its timestamps, for a boot made quiet.
	echo "DEMO-DMESG-BEGIN"
	dmesg
	echo "DEMO-DMESG-END"
	;;
esac
case " $(cat /proc/cmdline) " in
*" demo.shell "*)
	echo "blkasm demo root: interactive shell, exit to power off"
	setsid cttyhack /bin/sh -l
	;;
esac
sync
poweroff -f
