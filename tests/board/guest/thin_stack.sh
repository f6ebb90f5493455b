#!/bin/sh
# Issue 6, the whole stack under load (x86_64 board): one blkasm plan makes
# loop devices, two md raid1 arrays (pool metadata, pool data), a thin pool
# and a thin volume; ext4 on the volume, mounted with dioread_nolock (and
# discard, so punched blocks go back to the pool), takes aio_stress (direct
# AIO against fallocate and punch-hole, xfstests generic/300's idea) for
# SECONDS; then the filesystem, the pool metadata and the teardown are
# checked, and the stack is assembled again with the filesystem intact.
# usage: thin_stack.sh [SECONDS]
. /tests/mdcommon.sh
secs=${1:-25}
md_setup
images tm 2 8
images td 2 100
P=$T/stack.conf
cat > "$P" <<PLAN
loop m0 { file $T/tm0.img }
loop m1 { file $T/tm1.img }
loop d0 { file $T/td0.img }
loop d1 { file $T/td1.img }
md tmeta { members m0 m1; level raid1; create yes; assume-clean yes }
md tdata { members d0 d1; level raid1; create yes; assume-clean yes }
thin-pool pool { metadata tmeta; data tdata; create yes }
thin vol { pool pool; id 1; size 88M; create yes }
PLAN
dm_left() { dmsetup ls 2>/dev/null | grep -vc 'No devices found'; }

t0=$(ms)
check "one plan: loops, md, pool, volume made" blkasm -c "$P" up
echo "THIN-STACK up (created): $(( $(ms) - t0 )) ms"
check "volume is a block device" test -b /dev/mapper/blkasm-vol
mkfs.ext4 -q -L stack /dev/mapper/blkasm-vol
mkdir -p /mnt/stack
check "ext4 mounted with dioread_nolock" \
	mount -o dioread_nolock,discard /dev/mapper/blkasm-vol /mnt/stack
grep ' /mnt/stack ' /proc/mounts
rc=0
aio_stress -t "$secs" -w 2 -v 2 -d 16 -r 32 -V 16 -p 10 /mnt/stack || rc=$?
echo "THIN-STACK aio_stress exit: $rc"
check "aio_stress: no error, no verification failure" test "$rc" = 0
blkasm -c "$P" status
t0=$(ms)
check "umount" umount /mnt/stack
echo "THIN-STACK umount: $(( $(ms) - t0 )) ms"
e2fsck -fn /dev/mapper/blkasm-vol > "$T/fsck" 2>&1
rc=$?
tail -n 3 "$T/fsck"
echo "THIN-STACK fsck after stress: rc=$rc"
check "e2fsck -fn: clean" test "$rc" = 0
check "pool still rw, no needs_check" sh -c \
	"dmsetup status blkasm-pool | grep -q ' rw .* - [0-9]* *$'"
dmsetup status blkasm-pool
t0=$(ms)
check "blkasm down" blkasm -c "$P" down
echo "THIN-STACK down: $(( $(ms) - t0 )) ms"
echo "THIN-STACK left: md=$(arrays | wc -w) dm=$(dm_left) loops=$(bound)"
check "down: no md array left" test -z "$(arrays)"
check "down: no dm device left" test "$(dm_left)" = 0
check "down: no loop device left" test "$(bound)" = 0

# The pool's metadata, through its md array alone (up NODE brings up what it needs).
check "metadata array alone" blkasm -c "$P" up tmeta
check "thin_check passes the metadata" thin_check /dev/md/tmeta
check "metadata array down" blkasm -c "$P" down
# The next boot: everything assembled, nothing created, filesystem intact.
t0=$(ms)
blkasm -c "$P" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
echo "THIN-STACK up (assembled): $(( $(ms) - t0 )) ms"
check "assembled again" test "$rc" = 0
check "assembled again: nothing created" sh -c "! grep -q 'created' $T/out"
e2fsck -fn /dev/mapper/blkasm-vol > "$T/fsck" 2>&1
rc=$?
echo "THIN-STACK fsck after assembly: rc=$rc"
check "assembled again: e2fsck -fn clean" test "$rc" = 0
check "assembled again: down" blkasm -c "$P" down
check "nothing left at the end" test -z "$(arrays)" -a "$(dm_left)" = 0 -a "$(bound)" = 0
md_finish
