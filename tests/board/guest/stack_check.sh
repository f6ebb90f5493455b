#!/bin/sh
# Second boot of the full-stack test, run from the root that blkasm
# assembled: / must be the thin volume (blkasm-root), on a pool on an md
# raid1 of two loop images.
root=$(awk '$2 == "/" { print $1 }' /proc/mounts | tail -1)
set -- $(stat -L -c '%t %T' "$root")
name=$(cat "/sys/dev/block/$((0x$1)):$((0x$2))/dm/name" 2>/dev/null)
echo "STACK root: $root ($name)"
echo "STACK marker: $(cat /etc/stack-marker 2>/dev/null)"
cat /proc/mdstat
md=$(grep -o '^md[0-9]*' /proc/mdstat | head -1)
echo "STACK md: $md $(cat /sys/block/$md/md/level) $(cat /sys/block/$md/md/array_state)" \
	"members $(ls /sys/block/$md/md | grep -c '^dev-loop')"
echo "STACK loops: $(cat /sys/block/loop*/loop/backing_file 2>/dev/null | grep -c '/images/stack-')"
[ "$name" = blkasm-root ] && [ "$(cat /etc/stack-marker)" = "this root lives on a thin volume" ] &&
	[ "$(cat /sys/block/$md/md/level)" = raid1 ] &&
	[ "$(ls /sys/block/$md/md | grep -c '^dev-loop')" = 2 ]
