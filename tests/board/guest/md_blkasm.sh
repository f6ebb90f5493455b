#!/bin/sh
# Issue 5 with blkasm alone (both boards): create a raid1 on blank loop
# images, assemble it again with its data intact, refuse to create over a
# filesystem, and apply the degraded policy (never / after / now) and the
# stale-member rule to an array given by UUID.
. /tests/mdcommon.sh
md_setup
images m 2 24
images x 2 24
P=$T/plan.conf

cat > "$P" <<PLAN
loop la { file $T/m0.img }
loop lb { file $T/m1.img }
md r1 { members la lb; level raid1; create yes }
PLAN
t0=$(ms)
check "create raid1: up" blkasm -c "$P" up
echo "MD create+start: $(( $(ms) - t0 )) ms"
md=$(md_of /dev/md/r1)
check "create raid1: /dev/md/r1 is an array" test -b /dev/md/r1
check "create raid1: level" test "$(cat /sys/block/$md/md/level)" = raid1
check "create raid1: 2 members" test "$(ls -d /sys/block/$md/md/dev-* | wc -l)" = 2
check "create raid1: resync ends" wait_sync "$md"
put_data /dev/md/r1 8
blkasm -c "$P" status
check "down" blkasm -c "$P" down
check "down: no array left" test -z "$(arrays)"
check "down: images unbound" test "$(bound)" = 0

t0=$(ms)
check "assemble again: up" blkasm -c "$P" up > "$T/out" 2>&1
echo "MD assemble (2 loops + raid1): $(( $(ms) - t0 )) ms"
cat "$T/out"
check "assemble again: not created anew" sh -c "! grep -q created $T/out"
check "assemble again: data intact" same_data /dev/md/r1 8
uuid=$(sb_uuid "$T/m0.img")
echo "array uuid $uuid"
check "status names the array" sh -c "blkasm -c $P status | grep -q $uuid"
check "down again" blkasm -c "$P" down

# Safety: never create over a device that carries something.
mke2fs -q "$T/x0.img" 2>/dev/null || mke2fs -F -q "$T/x0.img"
cat > "$T/bad.conf" <<PLAN
loop ly { file $T/x1.img }
loop lx { file $T/x0.img }
md bad { members ly lx; level raid1; create yes }
PLAN
blkasm -c "$T/bad.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "create over ext2: refused" test "$rc" != 0
check "create over ext2: says why" grep -q "carries ext" "$T/out"
check "create over ext2: the blank one left blank" test -z "$(od -An -x "$T/x1.img" | grep -v '^ *0000 0000 0000 0000 0000 0000 0000 0000$' | grep -v '^\*$')"
check "create over ext2: ext2 magic intact" test "$(od -An -tx1 -j 1080 -N 2 "$T/x0.img" | tr -d ' ')" = 53ef
check "create over ext2: nothing left" test -z "$(arrays)" -a "$(bound)" = 0

# Degraded policy, array by UUID with one member missing.
a=$(bind "$T/m0.img")
policy()
{
	printf 'md r1 { uuid %s; degraded %s; wait %s }\n' "$uuid" "$1" "$2" > "$T/deg.conf"
}
policy never 2
t0=$(ms)
blkasm -c "$T/deg.conf" up > "$T/out" 2>&1
rc=$? t=$(( $(ms) - t0 ))
cat "$T/out"
echo "MD degraded never: exit $rc after $t ms"
check "degraded never: refused" test "$rc" != 0
check "degraded never: says why" grep -q "1 of 2 slots present" "$T/out"
check "degraded never: waited the 2 s" test "$t" -ge 2000
check "degraded never: no array left" test -z "$(arrays)"

policy after 2
t0=$(ms)
blkasm -c "$T/deg.conf" up > "$T/out" 2>&1
rc=$? t=$(( $(ms) - t0 ))
cat "$T/out"
echo "MD degraded after: exit $rc after $t ms"
check "degraded after: started" test "$rc" = 0
check "degraded after: waited the 2 s first" test "$t" -ge 2000
check "degraded after: logged as degraded" grep -q DEGRADED "$T/out"
check "degraded after: kernel counts 1 missing" test "$(cat /sys/block/$(md_of /dev/md/r1)/md/degraded)" = 1
check "degraded after: data intact" same_data /dev/md/r1 8
put_data /dev/md/r1 4
check "degraded after: down" blkasm -c "$T/deg.conf" down

policy now 30
t0=$(ms)
blkasm -c "$T/deg.conf" up > "$T/out" 2>&1
rc=$? t=$(( $(ms) - t0 ))
echo "MD degraded now: exit $rc after $t ms"
check "degraded now: started" test "$rc" = 0
check "degraded now: did not wait" test "$t" -lt 2000
check "degraded now: down" blkasm -c "$T/deg.conf" down

# The member left behind is stale now (older events): never used.
echo "events: m0 $(sb_events "$T/m0.img"), m1 $(sb_events "$T/m1.img")"
b=$(bind "$T/m1.img")
policy never 2
blkasm -c "$T/deg.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
check "stale member, degraded never: refused" test "$rc" != 0
check "stale member: named as stale" grep -q "${b#/dev/} (stale" "$T/out"
policy now 2
blkasm -c "$T/deg.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
md=$(md_of /dev/md/r1)
check "stale member, degraded now: started" test "$rc" = 0
check "stale member: left out" test "$(ls /sys/block/$md/md | grep '^dev-' | tr '\n' ' ')" = "dev-${a#/dev/} "
check "stale member: reported" grep -q "left out of the array: ${b#/dev/} (stale" "$T/out"
check "stale member: newest data" same_data /dev/md/r1 4
check "stale member: down" blkasm -c "$T/deg.conf" down
# Members that are partitions, named by their GPT labels.
unbind_all
cp /host/images/parts.img "$T/parts.img"
cat > "$T/parts.conf" <<PLAN
loop p { file $T/parts.img; partscan yes }
md pm { members PARTLABEL=one PARTLABEL=two; level raid1; create yes; after p }
PLAN
blkasm -c "$T/parts.conf" up > "$T/out" 2>&1
rc=$?
cat "$T/out"
md=$(md_of /dev/md/pm)
check "partitions: created on PARTLABEL=one and two" test "$rc" = 0
check "partitions: members are p1 and p2" test "$(ls /sys/block/$md/md | grep '^dev-' | sed 's/^dev-loop[0-9]*//' | sort | tr '\n' ' ')" = "p1 p2 "
check "partitions: down" blkasm -c "$T/parts.conf" down
check "partitions: nothing left" test -z "$(arrays)" -a "$(bound)" = 0
md_finish
