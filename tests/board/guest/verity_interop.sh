#!/bin/sh
# dm-verity against Debian's veritysetup (cryptsetup-bin) in the guest:
# a tree made by veritysetup format is activated by blkasm, and
# veritysetup verify and status agree with it; a device veritysetup open
# made is adopted when the plan matches, refused (naming the field) when it
# does not, and never removed by blkasm down; parameters that do not fit
# the devices fail before anything is made.
. /tests/mdcommon.sh
md_setup
export DM_DISABLE_UDEV=1
# veritysetup needs device-mapper loaded (blkasm loads dm_verity itself).
modprobe dm_verity || echo "FAIL: modprobe dm_verity"

# loop_of FILE: the loop device bound to FILE.
loop_of()
{
	for f in /sys/block/loop*/loop/backing_file; do
		[ "$(cat "$f" 2>/dev/null)" = "$1" ] || continue
		f=${f%/loop/backing_file}
		echo "/dev/${f##*/}"
		return 0
	done
	return 1
}

dm_names() { dmsetup ls 2>/dev/null | grep -v 'No devices' | awk '{ print $1 }' | sort | tr '\n' ' '; }

mkdir -p "$T/tree"
echo "verity interop" > "$T/tree/hello"
dd if=/dev/urandom of="$T/tree/blob" bs=64K count=16 2>/dev/null
# Debian's mkfs.ext4 (busybox's mke2fs makes ext2 only).
mkfs.ext4 -q -F -b 4096 -O ^has_journal -d "$T/tree" "$T/data.img" 16M
veritysetup format "$T/data.img" "$T/hash.img" > "$T/format.out"
cat "$T/format.out"
H=$(sed -n 's/^Root hash:[[:space:]]*//p' "$T/format.out")
check "veritysetup format printed a root hash" test ${#H} = 64

# blkasm's device over loop devices bound here, so that veritysetup's
# own device over the same ones has a table to compare with.
ld=$(bind "$T/data.img")
lh=$(bind "$T/hash.img")
P=$T/verity.conf
cat > "$P" <<PLAN
verity v { data $ld; hash $lh; root-hash $H }
mount vm { device v; target $T/mnt; read-only yes }
PLAN
check "blkasm up: verity over veritysetup's tree" blkasm -c "$P" up
blkasm -c "$P" status
check "veritysetup verify agrees on the devices blkasm's device reads" \
	veritysetup verify "$ld" "$lh" "$H"
check "the files read through it" grep -qx "verity interop" "$T/mnt/hello"
check "dmsetup status: verified (V)" sh -c "dmsetup status blkasm-v | grep -q ' V\$'"
dmsetup table blkasm-v | cut -d' ' -f3- > "$T/t-blkasm"
check "blkasm down" blkasm -c "$P" down
check "down: no dm device left" test -z "$(dm_names)"
check "down: the loop devices it did not bind are left" test -b "$ld"
# veritysetup open of the same devices: the same table.
check "veritysetup open of the same devices" veritysetup open "$ld" vs-ref "$lh" "$H"
veritysetup status vs-ref
dmsetup table vs-ref | cut -d' ' -f3- > "$T/t-vs"
cat "$T/t-blkasm" "$T/t-vs"
check "blkasm's table is veritysetup's" cmp -s "$T/t-blkasm" "$T/t-vs"
check "veritysetup close" veritysetup close vs-ref

# A device veritysetup open made: adopted by a plan that names it.
check "veritysetup open" veritysetup open "$ld" vs-open "$lh" "$H"
cat > "$T/adopt.conf" <<PLAN
verity va { data $ld; hash $lh; root-hash $H; name vs-open }
PLAN
check "blkasm up adopts veritysetup's device" sh -c "blkasm -c $T/adopt.conf up > $T/out 2>&1"
cat "$T/out"
check "adopt: logged as already up" grep -q 'va: already up: /dev/mapper/vs-open verity' "$T/out"
check "adopt: nothing made" sh -c "! grep -q 'blkasm-va' $T/out"
check "adopt: blkasm down" blkasm -c "$T/adopt.conf" down
check "adopt: down left veritysetup's device" test "$(dm_names)" = "vs-open "
# The plan asks for another policy, or another root hash: refused, named.
cat > "$T/policy.conf" <<PLAN
verity vp { data $ld; hash $lh; root-hash $H; name vs-open; on-corruption restart }
PLAN
blkasm -c "$T/policy.conf" up > "$T/out" 2>&1
check "policy differs: refused" test $? != 0
cat "$T/out"
check "policy differs: the field named" \
	grep -q "vs-open .*is in the way: its on-corruption is error, the plan's restart; left alone" "$T/out"
other=$(echo "$H" | tr 0-9a-f 1-9a-f0)
cat > "$T/hash2.conf" <<PLAN
verity vh { data $ld; hash $lh; root-hash $other; name vs-open }
PLAN
blkasm -c "$T/hash2.conf" up > "$T/out" 2>&1
check "root hash differs: refused" test $? != 0
cat "$T/out"
check "root hash differs: the field named" grep -q "vs-open .*is in the way: its root hash is $H, the plan's $other" "$T/out"
check "refused: veritysetup's device still there" test "$(dm_names)" = "vs-open "
check "veritysetup close" veritysetup close vs-open

# Parameters that do not fit the devices: data cut short.
dd if="$T/data.img" of="$T/short.img" bs=1M count=8 2>/dev/null
ls=$(bind "$T/short.img")
cat > "$T/short.conf" <<PLAN
verity vs { data $ls; hash $lh; root-hash $H }
PLAN
blkasm -c "$T/short.conf" up > "$T/out" 2>&1
check "data shorter than data_blocks: refused" test $? != 0
cat "$T/out"
check "short: names the device and data_blocks" \
	grep -q "$ls (file $T/short.img): verity superblock: data_blocks [0-9]* of 4096 bytes need" "$T/out"
check "short: nothing activated" test -z "$(dm_names)"
md_finish
