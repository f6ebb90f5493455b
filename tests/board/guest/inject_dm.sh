#!/bin/sh
# EBUSY injected into device-mapper removal on the tree kernel
# (KERNEL=tree): DM_DEV_REMOVE refused as while the device is open
# (dm_lock_for_deletion), when blkasm takes down a thin volume and its pool.
# Refused N times (blkasm must succeed) and for good (blkasm must give up
# within the policy's bound, with a diagnosis).
#
# usage: inject_dm.sh [N]
n=${1:-5}
. /tests/injcommon.sh
inj_setup
images meta 1 8
images data 1 64
P=$T/thin.conf
cat > "$P" <<PLAN
loop lmeta { file $T/meta0.img }
loop ldata { file $T/data0.img }
thin-pool pool { metadata lmeta; data ldata; create yes }
thin vol { pool pool; id 1; size 32M; create yes }
PLAN
up() { blkasm -c "$P" up; }
down() { blkasm -c "$P" down; }
dm_count() { ls /sys/block | grep -c '^dm-'; }

check "thin pool and volume up" up
check "two dm devices" test "$(dm_count)" = 2
inj_on dm_lock_for_deletion "$n"
expect_success "dm remove, refused $n times" blkasm -c "$P" down
check "remove: no dm device left" test "$(dm_count)" = 0
check "remove: nothing left bound" test "$(bound)" = 0
check "up again" up
inj_on dm_lock_for_deletion -1
expect_giveup "dm remove, refused for good" "/dev/mapper/blkasm-vol still there" \
	"$GIVEUP_MAX_MS" blkasm -c "$P" down
check "remove: the volume is still there after the give-up" test -b /dev/mapper/blkasm-vol
check "remove: down once the refusals end" down
check "remove: no dm device left at last" test "$(dm_count)" = 0
unbind_all
inj_finish
