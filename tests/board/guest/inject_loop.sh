#!/bin/sh
# EBUSY injected into the loop paths of the tree kernel (KERNEL=tree):
#   attach    LOOP_CONFIGURE finds the free device taken (loop_check_unbound)
#   detach    LOOP_CLR_FD refused, as before 4.4 (loop_check_clear)
#   partscan  the partition rescan of a partscan attach refused, as while a
#             prober holds a partition (disk_check_open_partitions)
# Each: refused N times (blkasm must succeed), refused with a probability
# (attach), refused for good (blkasm must give up within the policy's
# bound, with a diagnosis), and with -t 2 (the command's deadline ends it).
#
# usage: inject_loop.sh attach|detach|partscan [N]
op=$1 n=${2:-5}
. /tests/injcommon.sh
inj_setup
images lp 1 8
P=$T/loop.conf
printf 'loop lp { file %s }\n' "$T/lp0.img" > "$P"
up() { blkasm -c "$P" up; }
down() { blkasm -c "$P" down; }

case $op in
attach)
	inj_on loop_check_unbound "$n"
	expect_success "loop attach, refused $n times" blkasm -c "$P" up
	check "attach: bound" test "$(bound)" = 1
	check "attach: down" down
	inj_on loop_check_unbound 1000 75
	expect_success "loop attach, refused with 75% probability" blkasm -c "$P" up
	check "attach (75%): down" down
	inj_on loop_check_unbound -1
	expect_giveup "loop attach, refused for good" "cannot attach $T/lp0.img" \
		"$GIVEUP_MAX_MS" blkasm -c "$P" up
	inj_on loop_check_unbound -1
	expect_giveup "loop attach, refused for good, -t 2" \
		"cannot attach .*, the deadline" 3000 blkasm -c "$P" -t 2 up
	check "attach: nothing left bound" test "$(bound)" = 0
	;;
detach)
	check "detach: up" up
	inj_on loop_check_clear "$n"
	expect_success "loop detach, refused $n times" blkasm -c "$P" down
	check "detach: unbound" test "$(bound)" = 0
	check "detach: up again" up
	inj_on loop_check_clear -1
	expect_giveup "loop detach, refused for good" "/dev/loop[0-9]+ still bound" \
		"$GIVEUP_MAX_MS" blkasm -c "$P" down
	check "detach: still bound after the give-up" test "$(bound)" = 1
	check "detach: down once the refusals end" down
	check "detach: unbound at last" test "$(bound)" = 0
	;;
partscan)
	printf 'loop parts { file /host/images/parts.img; partscan yes; read-only yes }\n' > "$P"
	parts() { ls -d /sys/block/loop*/loop*p[0-9]* 2>/dev/null | wc -l; }
	inj_on disk_check_open_partitions "$n"
	expect_success "partition rescan, refused $n times" blkasm -c "$P" up
	check "partscan: 3 partitions" test "$(parts)" = 3
	check "partscan: down" down
	inj_on disk_check_open_partitions -1
	expect_giveup "partition rescan, refused for good" \
		"/dev/loop[0-9]+: 0 of 3 partitions appeared" "$GIVEUP_MAX_MS" blkasm -c "$P" up
	check "partscan: the loop device was let go" sh -c \
		"! grep -qs parts.img /sys/block/loop*/loop/backing_file"
	;;
*)
	echo "usage: inject_loop.sh attach|detach|partscan [N]"
	exit 2
	;;
esac
unbind_all
inj_finish
