#!/bin/sh
# EBUSY injected into the md paths of the tree kernel (KERNEL=tree):
#   stop  array_state=clear refused as while /dev/mdN is open
#         (md_check_stoppable)
#   open  opens of /dev/mdN refused as when they race a stop of the same
#         number (md_check_open): blkasm's first open of the array it
#         started
# Each: refused N times (blkasm must succeed), with a probability (stop),
# and for good (blkasm must give up within the policy's bound, with a
# diagnosis).
#
# usage: inject_md.sh stop|open [N]
op=$1 n=${2:-5}
. /tests/injcommon.sh
inj_setup
images r 2 16
a=$(bind "$T/r0.img")
b=$(bind "$T/r1.img")
P=$T/md.conf
printf 'md r { members %s %s; level raid1; create yes; number 0; assume-clean yes }\n' \
	"$a" "$b" > "$P"
up() { blkasm -c "$P" up; }
down() { blkasm -c "$P" down; }
running() { [ "$(cat /sys/block/md0/md/array_state 2>/dev/null)" = clean ] ||
	[ "$(cat /sys/block/md0/md/array_state 2>/dev/null)" = active ]; }
check "create md0" up
check "md0 runs" running

case $op in
stop)
	inj_on md_check_stoppable "$n"
	expect_success "md stop, refused $n times" blkasm -c "$P" down
	check "stop: md0 stopped" sh -c '! [ -e /sys/block/md0/md/array_state ] ||
		[ "$(cat /sys/block/md0/md/array_state)" = clear ]'
	check "stop: assemble again" up
	inj_on md_check_stoppable 1000 75
	expect_success "md stop, refused with 75% probability" blkasm -c "$P" down
	check "stop: assemble again" up
	inj_on md_check_stoppable -1
	expect_giveup "md stop, refused for good" "/dev/md0 still running" \
		"$GIVEUP_MAX_MS" blkasm -c "$P" down
	check "stop: md0 still runs after the give-up" running
	check "stop: down once the refusals end" down
	;;
open)
	check "open: down" down
	inj_on md_check_open "$n"
	expect_success "md open after assembly, refused $n times" blkasm -c "$P" up
	check "open: md0 runs" running
	check "open: down" down
	inj_on md_check_open -1
	expect_giveup "md open after assembly, refused for good" \
		"/dev/md0 started but does not open" "$GIVEUP_MAX_MS" blkasm -c "$P" up
	check "open: md0 taken down again after the give-up" sh -c '! [ -e /sys/block/md0/md/array_state ] ||
		[ "$(cat /sys/block/md0/md/array_state)" = clear ]'
	;;
*)
	echo "usage: inject_md.sh stop|open [N]"
	exit 2
	;;
esac
down 2>/dev/null
inj_finish
