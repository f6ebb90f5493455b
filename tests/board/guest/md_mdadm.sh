#!/bin/sh
# Issue 5 interop with Debian's mdadm (x86_64 board): arrays made by
# mdadm --create (raid1 and raid5, with and without an internal bitmap) are
# assembled by blkasm, by members and by UUID, with their data intact; an
# array made by blkasm passes mdadm --examine, shows clean in mdadm
# --detail and is assembled by mdadm with its data.
. /tests/mdcommon.sh
md_setup
# mdadm leaves loading the personalities to the kernel's request_module.
for m in md_mod raid0 raid1 raid10 raid456; do modprobe $m; done

# mdadm_made LEVEL COUNT BITMAP
mdadm_made()
{
	what="$1 of $2, bitmap $3"
	images d "$2" 24
	devs= i=0
	while [ "$i" -lt "$2" ]; do devs="$devs $(bind "$T/d$i.img")"; i=$((i + 1)); done
	mdadm --create /dev/md/im --run --quiet --metadata=1.2 --level="$1" \
		--raid-devices="$2" --bitmap="$3" --name=im $devs || { fails=$((fails + 1)); return; }
	md=$(md_of /dev/md/im)
	check "$what: mdadm resync ends" wait_sync "$md"
	put_data /dev/md/im 8
	uuid=$(mdadm --detail --export /dev/md/im | sed -n 's/^MD_UUID=//p')
	mdadm --stop /dev/md/im
	rm -f /dev/md/im
	echo "md im { members$devs; level $1 }" > "$T/p1.conf"
	t0=$(ms)
	check "$what: blkasm assembles by members" blkasm -c "$T/p1.conf" up
	echo "MD blkasm assemble of mdadm's $what: $(( $(ms) - t0 )) ms"
	md=$(md_of /dev/md/im)
	check "$what: all members in" test "$(cat /sys/block/$md/md/degraded)" = 0
	check "$what: data intact" same_data /dev/md/im 8
	if [ "$3" = internal ]; then
		check "$what: bitmap in use" sh -c "grep -q bitmap /proc/mdstat"
	else
		check "$what: no bitmap" sh -c "! grep -q bitmap /proc/mdstat"
	fi
	cat /proc/mdstat
	check "$what: down" blkasm -c "$T/p1.conf" down
	check "$what: stopped" test -z "$(arrays)"
	echo "md im { uuid $uuid }" > "$T/p2.conf"
	check "$what: blkasm assembles by uuid $uuid" blkasm -c "$T/p2.conf" up
	check "$what: data intact (by uuid)" same_data /dev/md/im 8
	check "$what: down (by uuid)" blkasm -c "$T/p2.conf" down
	unbind_all
}
mdadm_made 1 2 none
mdadm_made 1 2 internal
mdadm_made 5 4 none
mdadm_made 5 4 internal

# blkasm_made LEVEL COUNT: blkasm creates, mdadm examines and assembles.
blkasm_made()
{
	what="blkasm's raid$1 of $2"
	images b "$2" 24
	{
		i=0 mem=
		while [ "$i" -lt "$2" ]; do
			echo "loop l$i { file $T/b$i.img }"
			mem="$mem l$i"
			i=$((i + 1))
		done
		echo "md bm { members$mem; level raid$1; create yes }"
	} > "$T/p3.conf"
	check "$what: created" blkasm -c "$T/p3.conf" up
	md=$(md_of /dev/md/bm)
	check "$what: resync ends" wait_sync "$md"
	put_data /dev/md/bm 8
	check "$what: marked clean" wait_clean "$md"
	for d in $(ls /sys/block/$md/md | sed -n 's/^dev-//p'); do
		mdadm --examine "/dev/$d" > "$T/examine" 2>&1
		rc=$?
		check "$what: mdadm --examine $d" test "$rc" = 0
		check "$what: --examine says raid$1" grep -q "Raid Level : raid$1" "$T/examine"
		check "$what: --examine: checksum correct" grep -q "Checksum : .* - correct" "$T/examine"
	done
	cat "$T/examine"
	mdadm --detail "/dev/$md" > "$T/detail" 2>&1
	check "$what: mdadm --detail" test $? = 0
	cat "$T/detail"
	check "$what: --detail clean" grep -Eq "State : clean *$" "$T/detail"
	check "$what: --detail all active" grep -q "Active Devices : $2" "$T/detail"
	check "$what: blkasm down" blkasm -c "$T/p3.conf" down
	devs= i=0
	while [ "$i" -lt "$2" ]; do devs="$devs $(bind "$T/b$i.img")"; i=$((i + 1)); done
	check "$what: mdadm --assemble" mdadm --assemble /dev/md100 $devs
	check "$what: data intact under mdadm" same_data /dev/md100 8
	mdadm --stop /dev/md100
	unbind_all
}
blkasm_made 1 2
blkasm_made 5 4
blkasm_made 10 4
blkasm_made 0 2
md_finish
