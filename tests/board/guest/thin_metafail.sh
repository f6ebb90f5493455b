#!/bin/sh
# Issue 6, a pool whose metadata device fails under load (x86_64 board).
# The pool's metadata sits on a dm layer made with dmsetup over a loop
# image ("tmeta", linear while healthy); blkasm makes the pool and a thin
# volume on it. With ext4 on the volume taking aio_stress and a
# drop_caches loop running, the layer is switched to fail, and the pool
# must report the failure within 30 s instead of hanging. Three ways:
#   error        every metadata I/O fails (dm-error): the pool fails
#                (status Fail); the kernel cannot record needs_check.
#   writes       flakey error_writes (reads work): a commit fails, the
#                kernel aborts the transaction, sets needs_check in its copy
#                of the superblock and goes read-only. That copy reaches the
#                disk when the pool is taken down on a healed device: the
#                next "boot" with check no refuses the pool, with thin_check
#                the flag is cleared and the pool comes up read-write, and a
#                metadata that thin_check rejects is refused.
#   writes-kept  as writes, but the pool is taken down while the writes still
#                fail: the flag is lost, the next boot sees a sound pool.
. /tests/mdcommon.sh
md_setup
export DM_DISABLE_UDEV=1
modprobe dm_mod && modprobe dm_flakey
# drop_caches logs every write at info level: keep the console readable.
printk=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
BOUND_MS=30000
msz=$((8 * 2048))
P=$T/metafail.conf
dm_blkasm() { dmsetup ls 2>/dev/null | grep -c '^blkasm-'; }
pool_status() { dmsetup status blkasm-pool 2>/dev/null; }

# A fresh metadata image behind a linear tmeta, a blank data image.
setup()
{
	dmsetup remove --noudevsync tmeta 2>/dev/null
	unbind_all
	images meta 1 8
	images data 1 160
	lm=$(bind "$T/meta0.img")
	dmsetup create --noudevsync tmeta --table "0 $msz linear $lm 0"
	dmsetup mknodes tmeta
}

meta_table()
{
	dmsetup load --noudevsync tmeta --table "0 $msz $1" &&
		dmsetup resume --noudevsync tmeta
}

# plan CHECK: the pool on tmeta, thin_check on or off.
plan()
{
	cat > "$P" <<PLAN
loop ldata { file $T/data0.img }
thin-pool pool { metadata /dev/mapper/tmeta; data ldata; create yes; check $1 }
thin vol { pool pool; id 1; size 128M; create yes }
PLAN
}

# The needs_check bit of the superblock on tmeta, as thin_dump reads it.
flag_on_disk()
{
	case $(thin_dump /dev/mapper/tmeta 2>/dev/null | head -n 1) in
	*' flags="1"'*) echo yes ;;
	*) echo no ;;
	esac
}

# fail_under_load NAME TABLE: up, ext4 under aio_stress and drop_caches,
# then tmeta switched to TABLE; waits (bounded) for the pool to say so.
fail_under_load()
{
	local name=$1 table=$2 t0 t1 s
	plan no
	check "$name: pool and volume made" blkasm -c "$P" up
	mkfs.ext4 -q /dev/mapper/blkasm-vol
	mkdir -p /mnt/v
	check "$name: ext4 mounted" mount -o dioread_nolock /dev/mapper/blkasm-vol /mnt/v
	aio_stress -t 12 /mnt/v > "$T/aio.out" 2>&1 &
	aio=$!
	(while :; do echo 3 > /proc/sys/vm/drop_caches; sleep 0.2; done) &
	dropper=$!
	sleep 4
	t0=$(ms)
	meta_table "$table"
	t1=$(ms)
	while [ $(( $(ms) - t1 )) -lt $BOUND_MS ]; do
		s=$(pool_status)
		case $s in *' Fail'*|*' ro '*|*needs_check*) break ;; esac
		sleep 0.1
	done
	state=$(echo "$s" | awk '$4 == "Fail" { print "Fail"; next }
		{ print $8 ($11 == "needs_check" ? ",needs_check" : "") }')
	state=${state:-gone}
	echo "METAFAIL $name: switch $(( t1 - t0 )) ms, pool $state after $(( $(ms) - t1 )) ms"
	echo "METAFAIL $name: pool status: $s"
	check "$name: the pool reports the failure within $((BOUND_MS / 1000)) s" \
		test "$state" != rw -a "$state" != gone
}

# Ends the load: aio_stress runs out its time, the dropper is stopped.
end_load()
{
	wait "$aio"
	echo "METAFAIL $1: aio_stress exit $?: $(grep '^AIO-STRESS end' "$T/aio.out")"
	kill "$dropper"
	wait "$dropper" 2>/dev/null
	local t0=$(ms)
	check "$1: umount" umount /mnt/v
	echo "METAFAIL $1: umount $(( $(ms) - t0 )) ms"
}

down_timed()
{
	local t0=$(ms) rc=0
	blkasm -c "$P" down > "$T/down" 2>&1 || rc=$?
	cat "$T/down"
	echo "METAFAIL $1: blkasm down rc=$rc in $(( $(ms) - t0 )) ms"
	check "$1: blkasm down" test "$rc" = 0
	check "$1: nothing of blkasm's left" test "$(dm_blkasm)" = 0 -a "$(bound)" = 1
}

# next_up NAME CHECK: the next boot's blkasm up; its exit status in $rc.
next_up()
{
	plan "$2"
	rc=0
	blkasm -c "$P" up > "$T/up" 2>&1 || rc=$?
	cat "$T/up"
	echo "METAFAIL $1: next up (check $2): rc=$rc, pool $(pool_status | awk '{ print $8, $11 }')"
}

# 1. Every metadata I/O fails.
setup
fail_under_load error error
check "error: the pool failed (status Fail)" test "$state" = Fail
blkasm -c "$P" status | tee "$T/status"
check "error: blkasm status shows the pool FAILED" grep -q 'thin-pool up .*FAILED' "$T/status"
end_load error
down_timed error
meta_table "linear $lm 0"
f=$(flag_on_disk)
echo "METAFAIL error: needs_check on disk: $f"
next_up error no
check "error: the next up follows the on-disk flag" \
	test "$([ "$f" = yes ] && echo refused || echo up)" = "$([ "$rc" = 0 ] && echo up || echo refused)"
blkasm -c "$P" down > /dev/null 2>&1

# 2. Metadata writes fail, reads work; the layer heals before the teardown.
setup
fail_under_load writes "flakey $lm 0 0 1 1 error_writes"
check "writes: the pool is read-only with needs_check" test "$state" = ro,needs_check
blkasm -c "$P" status | tee "$T/status"
check "writes: blkasm status shows ro, NEEDS CHECK" grep -q 'thin-pool up .*ro, NEEDS CHECK' "$T/status"
rc=0
blkasm -c "$P" up > "$T/up" 2>&1 || rc=$?
cat "$T/up"
check "writes: up on the running pool refuses it" test "$rc" != 0
check "writes: ... naming needs_check" grep -q 'needs_check' "$T/up"
check "writes: ... and leaves the volume" test -b /dev/mapper/blkasm-vol
t0=$(ms)
rc=0
blkasm -c "$P" down > "$T/down" 2>&1 || rc=$?
cat "$T/down"
echo "METAFAIL writes: blkasm down while mounted: rc=$rc in $(( $(ms) - t0 )) ms"
check "writes: down while mounted gives up" test "$rc" != 0
check "writes: ... within its bound" test $(( $(ms) - t0 )) -lt 15000
check "writes: ... naming the mount" grep -q 'mounted on /mnt/v' "$T/down"
end_load writes
meta_table "linear $lm 0"
down_timed writes
f=$(flag_on_disk)
echo "METAFAIL writes: needs_check on disk: $f"
check "writes: the kernel recorded needs_check" test "$f" = yes
next_up writes no
check "writes: the next up refuses read-write use" test "$rc" != 0
check "writes: ... naming needs_check" grep -q 'needs_check' "$T/up"
check "writes: ... leaving nothing behind" test "$(dm_blkasm)" = 0 -a "$(bound)" = 1
next_up writes yes
check "writes: with thin_check the pool comes up" test "$rc" = 0
check "writes: ... after thin_check found it sound" grep -q 'thin_check found the metadata on .* sound' "$T/up"
check "writes: ... read-write, needs_check cleared" sh -c "dmsetup status blkasm-pool | grep -q ' rw .* - [0-9]* *\$'"
e2fsck -fn /dev/mapper/blkasm-vol > "$T/fsck" 2>&1
echo "METAFAIL writes: e2fsck -fn of the volume after the failure: rc=$?"
tail -n 2 "$T/fsck"
blkasm -c "$P" down > /dev/null 2>&1
# Metadata thin_check rejects (a byte of the superblock changed): refused.
printf '\001' | dd of=/dev/mapper/tmeta bs=1 seek=20 conv=notrunc,fsync 2>/dev/null
next_up corrupt yes
check "corrupt: thin_check's verdict refuses the pool" test "$rc" != 0
check "corrupt: ... saying so" grep -q 'thin_check found problems' "$T/up"
check "corrupt: ... leaving nothing behind" test "$(dm_blkasm)" = 0 -a "$(bound)" = 1
printf '\000' | dd of=/dev/mapper/tmeta bs=1 seek=20 conv=notrunc,fsync 2>/dev/null
next_up restored yes
check "restored: the pool comes up again" test "$rc" = 0
blkasm -c "$P" down > /dev/null 2>&1

# 3. As 2, but taken down while the writes still fail: the flag is lost.
setup
plan no
check "writes-kept: pool and volume made" blkasm -c "$P" up
meta_table "flakey $lm 0 0 1 1 error_writes"
dd if=/dev/urandom of=/dev/mapper/blkasm-vol bs=64k count=16 oflag=direct conv=fsync 2>/dev/null
s=$(pool_status)
echo "METAFAIL writes-kept: pool status: $s"
check "writes-kept: read-only with needs_check" sh -c "echo '$s' | grep -q ' ro .*needs_check'"
down_timed writes-kept
meta_table "linear $lm 0"
f=$(flag_on_disk)
echo "METAFAIL writes-kept: needs_check on disk: $f"
next_up writes-kept no
check "writes-kept: the next up follows the on-disk flag" \
	test "$([ "$f" = yes ] && echo refused || echo up)" = "$([ "$rc" = 0 ] && echo up || echo refused)"
blkasm -c "$P" down > /dev/null 2>&1

dmsetup remove --noudevsync tmeta
# What the kernel said about the pools, in order.
dmesg | grep 'device-mapper: thin: [0-9]' | head -n 16
dmesg -n "$printk"
check "nothing left at the end" test "$(dmsetup ls | grep -vc 'No devices found')" = 0
md_finish
