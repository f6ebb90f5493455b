#!/bin/sh
# Shared by the md scenarios (sourced, not a scenario of its own): member
# images on a tmpfs, loop devices bound outside blkasm, and checks.
T=/tmp/mdt
fails=0

md_setup()
{
	mkdir -p "$T"
	grep -qs " $T " /proc/mounts || mount -t tmpfs -o size=320M tmpfs "$T"
}

# check WHAT CMD...: runs CMD, counts a failure when it fails.
check()
{
	local label=$1
	shift
	if "$@"; then
		echo "ok: $label"
	else
		echo "FAIL: $label"
		fails=$((fails + 1))
	fi
}

# images PREFIX COUNT MIB: sparse member images PREFIX0.img ...
images()
{
	local i=0
	while [ "$i" -lt "$2" ]; do
		rm -f "$T/$1$i.img"
		dd if=/dev/zero of="$T/$1$i.img" bs=1M count=0 seek="$3" 2>/dev/null
		i=$((i + 1))
	done
}

# bind FILE: binds it to a free loop device and prints the device.
bind()
{
	dev=$(losetup -f) && losetup "$dev" "$1" && echo "$dev"
}

unbind_all()
{
	for f in /sys/block/loop*/loop/backing_file; do
		case $(cat "$f" 2>/dev/null) in
		"$T"/*) f=${f%/loop/backing_file}; losetup -d "/dev/${f##*/}" ;;
		esac
	done
}

# The md arrays that exist, as "md10 md127" ("" for none).
arrays() { ls /sys/block 2>/dev/null | grep '^md' | tr '\n' ' ' | sed 's/ $//'; }

# bound FILE...: how many of the files are bound to loop devices.
bound()
{
	for f in /sys/block/loop*/loop/backing_file; do cat "$f" 2>/dev/null; done |
		grep -c "^$T/"
}

# synced mdN: no resync or recovery running or still to come (sync_action
# reads idle until a resync has started; resync_start says none after it).
synced()
{
	local d="/sys/block/$1/md"
	[ -e "$d/sync_action" ] || return 0	# raid0
	[ "$(cat "$d/sync_action")" = idle ] &&
		[ "$(cat "$d/resync_start" 2>/dev/null || echo none)" = none ]
}

# wait_sync mdN: until the initial resync or recovery is over (60 s at most).
wait_sync()
{
	local i=0
	while ! synced "$1" && [ "$i" -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	synced "$1"
}

# wait_clean mdN: until md has marked the array clean after the last write
# (its safe-mode delay), as mdadm --detail then shows (10 s at most).
wait_clean()
{
	local i=0
	while [ "$(cat "/sys/block/$1/md/array_state")" != clean ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "/sys/block/$1/md/array_state")" = clean ]
}

# The mdN a /dev/md/NAME link or /dev/mdN path stands for.
md_of() { basename "$(readlink -f "$1")"; }

# put_data DEV MIB: writes random data, keeps its checksum in $T/sum.
put_data()
{
	dd if=/dev/urandom of="$T/data" bs=1M count="$2" 2>/dev/null
	md5sum < "$T/data" | cut -d' ' -f1 > "$T/sum"
	dd if="$T/data" of="$1" bs=1M conv=fsync 2>/dev/null
}

# same_data DEV MIB: the device still starts with that data.
same_data()
{
	[ "$(dd if="$1" bs=1M count="$2" 2>/dev/null | md5sum | cut -d' ' -f1)" = "$(cat "$T/sum")" ]
}

# ms: milliseconds since boot.
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# The array UUID as mdadm writes it, from a member's 1.2 superblock.
sb_uuid()
{
	od -An -tx1 -j 4112 -N 16 "$1" | tr -d ' \n' |
		sed 's/^\(.\{8\}\)\(.\{8\}\)\(.\{8\}\)\(.\{8\}\)$/\1:\2:\3:\4/'
}

# sb_events FILE: the events count of a member's 1.2 superblock.
sb_events()
{
	set -- $(od -An -tu1 -j 4296 -N 8 "$1")
	echo $(( $1 + ($2 << 8) + ($3 << 16) + ($4 << 24) ))
}

md_finish()
{
	unbind_all
	echo "md scenario: $fails failed checks"
	[ "$fails" = 0 ]
}
