#!/bin/sh
# /sbin/init of the board test root: blkasm switch_roots here like into the
# demo root, then this runs the scenario that guest.test=NAME names
# (/tests/NAME.sh, with the values of guest.arg=A,B,... as its arguments),
# prints its verdict and powers off. Scenarios print their own figures and exit 0 for a pass.
# Debian's tools (the board's architecture: rootfs/debtools.sh) in /usr/sbin and /sbin come
# before busybox's applets in /bin: mke2fs is in both, and busybox's makes
# ext2 only.
PATH=/usr/sbin:/sbin:/bin:/usr/bin
export PATH

grep -qs ' /proc ' /proc/mounts || mount -t proc proc /proc
grep -qs ' /sys ' /proc/mounts || mount -t sysfs sysfs /sys

name= args=
for arg in $(cat /proc/cmdline); do
	case $arg in
	guest.test=*) name=${arg#guest.test=} ;;
	guest.arg=*) args=$(echo "${arg#guest.arg=}" | tr , ' ') ;;
	esac
done
echo "GUEST-TEST-START: ${name:-none}"
if [ -n "$name" ] && [ -x "/tests/$name.sh" ]; then
	if "/tests/$name.sh" $args; then
		echo "GUEST-TEST-RESULT: pass"
	else
		echo "GUEST-TEST-RESULT: fail"
	fi
else
	echo "GUEST-TEST-RESULT: fail (no scenario '$name')"
fi
sync
poweroff -f
