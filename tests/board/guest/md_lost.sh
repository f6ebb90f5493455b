#!/bin/sh
# Issue 12 with blkasm alone (both boards): a raid1 of two loop image files
# survives a lost member. With one image file gone its loop node fails;
# the md node counts it as a missing member: "degraded after" starts the
# array DEGRADED and names the member node and why, "degraded never"
# refuses and names it. Also: create refuses members full of random bytes
# (no signature, but data) and a member listed twice.
. /tests/mdcommon.sh
md_setup
images m 2 24
P=$T/plan.conf

# plan POLICY: the raid1 of loop nodes la and lb on m0.img and m1.img.
plan()
{
	cat > "$P" <<PLAN
loop la { file $T/m0.img }
loop lb { file $T/m1.img }
md r1 { members la lb; level raid1; create yes; degraded $1; wait 2 }
PLAN
}

plan never
check "create raid1: up" blkasm -c "$P" up
md=$(md_of /dev/md/r1)
check "create raid1: resync ends" wait_sync "$md"
put_data /dev/md/r1 8
check "create raid1: down" blkasm -c "$P" down

# The image file of lb is lost.
mv "$T/m1.img" "$T/m1.lost"
plan after
blkasm -c "$P" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "lost member, degraded after: up" test "$rc" = 0
check "lost member, degraded after: the loop node failed, named" \
	grep -q "lb: .*$T/m1.img.*r1 goes on without it" "$T/out"
check "lost member, degraded after: logged DEGRADED, names lb and why" \
	grep -q "r1: starting DEGRADED with 1 of 2 slots (degraded after); missing: lb: .*$T/m1.img" "$T/out"
check "lost member, degraded after: kernel counts 1 missing" \
	test "$(cat /sys/block/$(md_of /dev/md/r1)/md/degraded)" = 1
check "lost member, degraded after: data intact" same_data /dev/md/r1 8
check "lost member, degraded after: down" blkasm -c "$P" down
check "lost member, degraded after: nothing left" test -z "$(arrays)" -a "$(bound)" = 0

plan never
blkasm -c "$P" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "lost member, degraded never: refused" test "$rc" != 0
check "lost member, degraded never: names lb and why" \
	grep -q "r1: 1 of 2 slots present; missing: lb: .*$T/m1.img.*degraded never" "$T/out"
check "lost member, degraded never: nothing left" test -z "$(arrays)" -a "$(bound)" = 0
mv "$T/m1.lost" "$T/m1.img"

# Random bytes are data: no signature libblkid knows, but not blank.
images z 2 24
dd if=/dev/urandom of="$T/z1.img" bs=1M count=1 seek=23 conv=notrunc 2>/dev/null
cat > "$T/z.conf" <<PLAN
loop za { file $T/z0.img }
loop zb { file $T/z1.img }
md rz { members za zb; level raid1; create yes }
PLAN
blkasm -c "$T/z.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "random bytes: create refused" test "$rc" != 0
check "random bytes: names device, file, offset and remedy" \
	grep -q "(file $T/z1.img) is not blank: non-zero data at byte 2411724[0-9].*blkdiscard -z" "$T/out"
check "random bytes: nothing written" test -z "$(od -An -x "$T/z0.img" | grep -v '^ *0000 0000 0000 0000 0000 0000 0000 0000$' | grep -v '^\*$')"
check "random bytes: nothing left" test -z "$(arrays)" -a "$(bound)" = 0

# One member listed twice: refused before anything is touched.
printf 'loop za { file %s }\nmd rz { members za za; level raid1; create yes }\n' \
	"$T/z0.img" > "$T/twice.conf"
blkasm -c "$T/twice.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "member twice: refused" test "$rc" != 0
check "member twice: says where" grep -q "twice.conf:2:20: .*twice" "$T/out"
md_finish
