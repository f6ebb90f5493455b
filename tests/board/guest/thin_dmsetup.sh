#!/bin/sh
# Issue 6 with device-mapper's own tools (x86_64 board): a pool and thin
# volumes made by blkasm pass thin_check and thin_dump lists them; a pool
# and thin volumes made by dmsetup are activated by blkasm with their data
# intact; blkasm provisions again safely after being cut short.
. /tests/mdcommon.sh
md_setup
export DM_DISABLE_UDEV=1
images meta 1 8
images data 1 128
P=$T/thin.conf
cat > "$P" <<PLAN
loop lmeta { file $T/meta0.img }
loop ldata { file $T/data0.img }
thin-pool pool { metadata lmeta; data ldata; create yes }
thin vol1 { pool pool; id 1; size 64M; create yes }
thin vol2 { pool pool; id 2; size 32M; create yes }
PLAN
t0=$(ms)
check "blkasm: new pool, two thin volumes" blkasm -c "$P" up
echo "THIN create pool + 2 volumes: $(( $(ms) - t0 )) ms"
check "blkasm: /dev/mapper/blkasm-vol1 is a block device" test -b /dev/mapper/blkasm-vol1
put_data /dev/mapper/blkasm-vol1 8
blkasm -c "$P" status
dmsetup status
check "blkasm down" blkasm -c "$P" down
check "down: no dm device left" test -z "$(dmsetup ls 2>/dev/null | grep -v 'No devices')"
m=$(bind "$T/meta0.img")
check "thin_check passes blkasm's pool" thin_check "$m"
thin_dump "$m" > "$T/dump" 2>&1
cat "$T/dump"
check "thin_dump lists thin id 1" grep -q 'dev_id="1"' "$T/dump"
check "thin_dump lists thin id 2" grep -q 'dev_id="2"' "$T/dump"
check "thin_dump: transaction 2" grep -q 'transaction="2"' "$T/dump"
losetup -d "$m"

t0=$(ms)
check "blkasm again: activates the existing pool and volumes" blkasm -c "$P" up > "$T/out" 2>&1
echo "THIN activate pool + 2 volumes: $(( $(ms) - t0 )) ms"
cat "$T/out"
check "again: nothing created" sh -c "! grep -q 'created thin' $T/out"
check "again: data intact" same_data /dev/mapper/blkasm-vol1 8
# Provisioning cut short after the create message, before the
# transaction id moved on: running again finds the id taken and goes on.
dmsetup message blkasm-pool 0 "create_thin 3"
cat >> "$P" <<PLAN
thin vol3 { pool pool; id 3; size 16M; create yes }
PLAN
check "cut short after create_thin: up again" blkasm -c "$P" up
check "cut short: vol3 active" test -b /dev/mapper/blkasm-vol3
check "cut short: transaction id unchanged" sh -c "dmsetup status blkasm-pool | grep -q 'thin-pool 2 '"
# A snapshot of the active vol1 (suspended meanwhile): same data, and
# writes to it leave vol1 alone.
cat >> "$P" <<PLAN
thin snap1 { pool pool; id 4; size 64M; snapshot-of vol1 }
PLAN
check "snapshot of an active volume: up" blkasm -c "$P" up
check "snapshot: vol1 resumed" sh -c "! dmsetup info blkasm-vol1 | grep -q SUSPENDED"
check "snapshot: same data" same_data /dev/mapper/blkasm-snap1 8
dd if=/dev/zero of=/dev/mapper/blkasm-snap1 bs=1M count=1 conv=fsync 2>/dev/null
check "snapshot: writes to it leave vol1 alone" same_data /dev/mapper/blkasm-vol1 8
check "snapshot: transaction 3" sh -c "dmsetup status blkasm-pool | grep -q 'thin-pool 3 '"
check "again: down" blkasm -c "$P" down

# dmsetup's pool: made by hand as its documentation says.
images dmeta 1 8
images ddata 1 128
mm=$(bind "$T/dmeta0.img")
dd=$(bind "$T/ddata0.img")
sz=$(( 128 * 2048 ))
dmsetup create --noudevsync dpool --table "0 $sz thin-pool $mm $dd 128 1024 1 skip_block_zeroing"
dmsetup message dpool 0 "create_thin 7"
dmsetup message dpool 0 "set_transaction_id 0 1"
dmsetup create --noudevsync dthin --table "0 $(( 48 * 2048 )) thin /dev/mapper/dpool 7"
dmsetup mknodes
put_data /dev/mapper/dthin 8
dmsetup remove --noudevsync dthin
dmsetup remove --noudevsync dpool
cat > "$T/d.conf" <<PLAN
thin-pool dpool { metadata $mm; data $dd; block-size 64K }
thin dthin { pool dpool; id 7; size 48M }
PLAN
check "blkasm activates dmsetup's pool and thin id 7" blkasm -c "$T/d.conf" up
check "dmsetup's volume: data intact" same_data /dev/mapper/blkasm-dthin 8
blkasm -c "$T/d.conf" status
check "dmsetup's pool: down" blkasm -c "$T/d.conf" down
check "dmsetup's pool: metadata still sound" thin_check "$mm"
md_finish
