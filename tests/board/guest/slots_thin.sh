#!/bin/sh
# The thin slot test's boots from the slot blkasm chose (root_a, then
# root_b), the state on /dev/vdb:
#   first   on root_a: marker "old", blkasm slot snapshot root_b (a snapshot
#           of the running root), marker "new", root_b activated
#   second  on root_b: the marker is "old" again; deleting root_b (booted)
#           is refused
set -u
plan=/tests/slots-thin-plan.conf
state=/dev/vdb
root=$(awk '$2 == "/" { print $1 }' /proc/mounts | tail -1)
set -- $(stat -L -c '%t %T' "$root") "$@"
name=$(cat "/sys/dev/block/$((0x$1)):$((0x$2))/dm/name" 2>/dev/null)
shift 2
echo "SLOTS root: $root ($name)"
case ${1:-} in
first)
	[ "$name" = blkasm-root_a ] || exit 1
	echo old > /etc/slot-marker && sync
	blkasm -c "$plan" slot snapshot root_b --state "$state" || exit 1
	echo new > /etc/slot-marker && sync
	blkasm slot activate root_b --tries 3 --state "$state" || exit 1
	echo "SLOTS marker on root_a: $(cat /etc/slot-marker)"
	blkasm slot show --state "$state"
	;;
second)
	[ "$name" = blkasm-root_b ] || exit 1
	echo "SLOTS marker on root_b: $(cat /etc/slot-marker)"
	[ "$(cat /etc/slot-marker)" = old ] || exit 1
	if blkasm -c "$plan" slot delete root_b --state "$state"; then
		echo "SLOTS the booted slot was deleted"
		exit 1
	fi
	blkasm slot show --state "$state"
	;;
*) exit 1 ;;
esac
