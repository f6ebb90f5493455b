#!/bin/sh
# Sourced by stack_prepare.sh and slots_prepare.sh: copy_root DEVICE LABEL
# makes ext4 (busybox: ext2) labelled LABEL on DEVICE and copies this test
# root into it, so that a later boot can switch_root there.
copy_root()
{
	local mkfs=mkfs.ext4 d
	command -v mkfs.ext4 >/dev/null || mkfs=mke2fs
	$mkfs -q -L "$2" "$1" || return 1
	mkdir -p /tmp/new
	mount "$1" /tmp/new || return 1
	for d in bin sbin usr etc lib tests root; do
		[ -e "/$d" ] && cp -a "/$d" /tmp/new/
	done
	mkdir -p /tmp/new/dev /tmp/new/proc /tmp/new/sys /tmp/new/run /tmp/new/tmp /tmp/new/host
	chmod 1777 /tmp/new/tmp
}
