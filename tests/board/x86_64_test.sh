#! /usr/bin/env atf-sh
# Boots of the qemu-x86_64 board (Debian's amd64 kernel under TCG).

. "$(atf_get_srcdir)/board.subr"
B=qemu-x86_64
DISK_UUID=0b1ca5a0-0000-4000-8000-000000000002

atf_test_case root_on_loop
root_on_loop_head()
{
	atf_set descr "default command line: root filesystem in a loop image on vda"
	atf_set timeout 300
}
root_on_loop_body()
{
	boot $B 240
	expect_root_on_loop
	expect_console 'rootdev: /dev/vda is /dev/vda'
	expect_console 'root: /dev/loop[0-9]+ mounted on /root \(ext4, rw\)'
}

atf_test_case root_by_label_ro
root_by_label_ro_head()
{
	atf_set descr "root=LABEL= found through uevents and libblkid; ro honoured"
	atf_set timeout 300
}
root_by_label_ro_body()
{
	boot $B 240 -c "$(board_cmdline $B panic=-1 root=LABEL=blkasm-host loop=/images/root.img ro)"
	expect_root_on_loop
	expect_console 'rootdev: LABEL=blkasm-host is /dev/vda'
	expect_console '^root: /dev/loop[0-9]+ / ext4 ro'
}

atf_test_case root_by_uuid
root_by_uuid_head()
{
	atf_set descr "root=UUID= (upper case) with loopfstype= and an image path without /"
	atf_set timeout 300
}
root_by_uuid_body()
{
	uuid=$(echo $DISK_UUID | tr a-f A-F)
	boot $B 240 -c "$(board_cmdline $B panic=-1 root=UUID=$uuid loop=images/root.img loopfstype=ext4 rw)"
	expect_root_on_loop
	expect_console "rootdev: UUID=$uuid is /dev/vda"
}

atf_test_case wrong_root_rescue
wrong_root_rescue_head()
{
	atf_set descr "a root= that never appears: bounded wait, diagnosis, rescue shell"
	atf_set timeout 300
}
wrong_root_rescue_body()
{
	rescue_input
	boot $B 240 -c "$(board_cmdline $B root=/dev/vdz rootdelay=3 loop=/images/root.img)" \
		-w 'starting a rescue shell' -s rescue.in
	expect_console 'rootdev: no block device /dev/vdz appeared within 3 s \(block devices present: .*vda'
	expect_rescued
}

atf_test_case wrong_root_panic
wrong_root_panic_head()
{
	atf_set descr "with panic=-1 a failed boot reboots at once instead of a shell"
	atf_set timeout 300
}
wrong_root_panic_body()
{
	boot $B 240 -c "$(board_cmdline $B panic=-1 root=LABEL=no-such-label rootdelay=2)"
	expect_console 'rootdev: no block device LABEL=no-such-label appeared within 2 s'
	expect_console 'rebooting \(panic=-1\)'
	expect_rc 0
	if grep -q 'starting a rescue shell' console.log; then
		atf_fail "a rescue shell started despite panic=-1"
	fi
}

atf_test_case bad_cmdline
bad_cmdline_head()
{
	atf_set descr "a malformed parameter is named with its column; nothing is touched"
	atf_set timeout 300
}
bad_cmdline_body()
{
	rescue_input
	boot $B 240 -c "console=ttyS0 root=/dev/vda rootdelay=soon loop=/images/root.img" \
		-w 'starting a rescue shell' -s rescue.in
	expect_console 'kernel command line, column 29 \(rootdelay=soon\): expected a whole number of seconds'
	expect_rescued
	if grep -Eq 'mounted on|bound to' console.log; then
		atf_fail "devices were touched despite the bad command line"
	fi
}

atf_test_case missing_image
missing_image_head()
{
	atf_set descr "a missing image file: diagnosis, the host mount torn down, rescue"
	atf_set timeout 300
}
missing_image_body()
{
	rescue_input
	boot $B 240 -c "$(board_cmdline $B root=/dev/vda loop=/images/missing.img)" \
		-w 'starting a rescue shell' -s rescue.in
	expect_console 'rootimg: cannot attach /host/images/missing.img to a loop device: No such file or directory'
	expect_console 'host: down \([0-9]+ ms\)'
	# The final message names the node that failed.
	expect_console 'rootimg could not be brought up: cannot attach /host/images/missing.img .*; starting a rescue shell'
	expect_rescued
}

atf_test_case no_init
no_init_head()
{
	atf_set descr "a root without init is refused before the initramfs is freed"
	atf_set timeout 300
}
no_init_body()
{
	rescue_input
	boot $B 240 -c "$(board_cmdline $B root=/dev/vda rw)" \
		-w 'starting a rescue shell' -s rescue.in
	expect_console 'no init on the root filesystem'
	expect_console 'root: down \([0-9]+ ms\)'
	expect_rescued
}

atf_test_case missing_plan
missing_plan_head()
{
	atf_set descr "blkasm.conf= naming a missing plan: diagnosis, no device touched; blkasm.shell beats panic="
	atf_set timeout 300
}
missing_plan_body()
{
	rescue_input
	# blkasm.shell: the rescue shell despite the default panic=-1
	boot $B 240 -a "blkasm.conf=/etc/blkasm/nope.conf blkasm.shell" -w 'starting a rescue shell' -s rescue.in
	expect_console 'cannot read the plan /etc/blkasm/nope.conf: No such file or directory'
	expect_rescued
	if grep -Eq 'mounted on|bound to' console.log; then
		atf_fail "devices were touched despite the missing plan"
	fi
}

atf_test_case break_premount
break_premount_head()
{
	atf_set descr "blkasm.break=premount gives a shell, and the boot goes on after it"
	atf_set timeout 300
}
break_premount_body()
{
	printf '%s\n' 'test -b /dev/vda && echo have-vda' 'exit' > shell.in
	boot $B 240 -a "blkasm.break=premount" -w 'break point premount' -s shell.in
	expect_console '^have-vda'
	expect_root_on_loop
}

atf_test_case partscan_race
partscan_race_head()
{
	atf_set descr "loop partition scans while a udev-like prober opens every device: blkasm never misses one"
	atf_set timeout 600
}
partscan_race_body()
{
	# Rounds and prober hold time; make race-board runs the full 200.
	guest_test $B 540 partscan "${BLKASM_PARTSCAN_ROUNDS:-50},${BLKASM_PROBER_HOLD_MS:-20}"
	expect_console '^PARTSCAN .* blkasm_failures=0 blkasm_left_bound=0 '
}

atf_test_case loop_mount_race
loop_mount_race_head()
{
	atf_set descr "attach, mount, unmount, detach under a udev-like prober: blkasm never fails or leaks"
	atf_set timeout 600
}
loop_mount_race_body()
{
	# At a 100 ms hold the naive mount -o loop/umount leaves bindings behind.
	guest_test $B 540 loopmount "${BLKASM_LOOPMOUNT_ROUNDS:-50},${BLKASM_PROBER_HOLD_MS:-100}"
	expect_console '^LOOPMOUNT .* blkasm_failures=0 '
}

atf_test_case plan_at_boot
plan_at_boot_head()
{
	atf_set descr "a plan file in the initramfs: its nodes come up in the root's graph at boot"
	atf_set timeout 300
}
plan_at_boot_body()
{
	guest_test $B 240 planboot "" -r "$(board_dir $B)/initramfs-plan.cpio.gz"
	expect_console 'blkasm: data: /dev/loop[0-9]+ bound to /host/images/fs.img \(read-only\)'
	expect_console 'blkasm: data-fs: /dev/loop[0-9]+ mounted on /root/mnt/data \(ext4, ro\)'
	expect_console 'blkasm: boot-md: created raid1 array boot-md'
	expect_console 'blkasm: ready in [0-9]+ ms \(9 nodes\)'
	expect_console '^PLANBOOT hello: blkasm race test filesystem$'
	expect_console '^PLANBOOT md: /dev/md/boot-md is /dev/md[0-9]+, raid1 clean members 2$'
	# The next boot of the same disk assembles the array it made.
	mv console.log first-boot.log
	boot $B 240 -d disk.img -r "$(board_dir $B)/initramfs-plan.cpio.gz" -c "console=ttyS0 \
panic=-1 root=/dev/vda loop=/images/root.img rw guest.test=planboot"
	expect_rc 0
	expect_console 'blkasm: boot-md: /dev/md[0-9]+ raid1 clean, 2 of 2 members'
	if grep -q 'created raid1' console.log; then
		atf_fail "the second boot created the array again"
	fi
	expect_console '^PLANBOOT md: /dev/md/boot-md is /dev/md[0-9]+, raid1 clean members 2$'
	expect_console '^GUEST-TEST-RESULT: pass'
}

atf_test_case mdadm_in_guest
mdadm_in_guest_head()
{
	atf_set descr "Debian's mdadm, mke2fs, dmsetup and thin tools run in the test root on modules loaded on demand"
	atf_set timeout 300
}
mdadm_in_guest_body()
{
	guest_test $B 240 mdadm_smoke ""
	expect_console '^MDADM-SMOKE raid1: .* state=(clean|active) mismatch_cnt=0$'
	expect_console '^MDADM-SMOKE raid5: .* state=(clean|active) '
	expect_console '^MDADM-SMOKE ok$'
}

atf_test_case md_lost_member
md_lost_member_head()
{
	atf_set descr "md: a raid1 of two loop images with one image file gone: degraded after comes up DEGRADED naming the member node, degraded never refuses naming it; create refuses random bytes and a member listed twice"
	atf_set timeout 300
}
md_lost_member_body()
{
	guest_test $B 240 md_lost ""
	expect_console '^ok: lost member, degraded after: logged DEGRADED, names lb and why$'
	expect_console '^ok: lost member, degraded never: names lb and why$'
	expect_console '^md scenario: 0 failed checks$'
	grep -E 'blkasm: (lb|r1|rz):' console.log
}

atf_test_case md_blkasm
md_blkasm_head()
{
	atf_set descr "md: create on blank members, assemble again, refuse non-blank ones, degraded policy, stale members"
	atf_set timeout 300
}
md_blkasm_body()
{
	guest_test $B 240 md_blkasm ""
	expect_console '^md scenario: 0 failed checks$'
	expect_console '^ok: stale member: left out$'
}

atf_test_case md_mdadm_interop
md_mdadm_interop_head()
{
	atf_set descr "md: mdadm-made raid1/raid5 (with and without bitmap) assembled by blkasm; blkasm-made arrays pass mdadm --examine/--detail/--assemble"
	atf_set timeout 400
}
md_mdadm_interop_body()
{
	guest_test $B 340 md_mdadm ""
	expect_console '^ok: 5 of 4, bitmap internal: data intact \(by uuid\)$'
	expect_console "^ok: blkasm's raid5 of 4: --detail clean$"
	expect_console '^md scenario: 0 failed checks$'
}

atf_test_case md_stop_race
md_stop_race_head()
{
	atf_set descr "md: a monitor opens /dev/md0 in a loop while blkasm stops and assembles it 100 times"
	atf_set timeout 400
}
md_stop_race_body()
{
	guest_test $B 340 md_race "${BLKASM_MDRACE_ROUNDS:-100},5"
	expect_console '^MDRACE blkasm: 0 failures in [0-9]+ cycles'
	grep '^MDRACE' console.log
}

atf_test_case thin_dmsetup_interop
thin_dmsetup_interop_head()
{
	atf_set descr "thin: blkasm's pool passes thin_check and thin_dump lists its volumes; dmsetup's pool and thin volume activated by blkasm with data intact; provisioning cut short runs again"
	atf_set timeout 300
}
thin_dmsetup_interop_body()
{
	guest_test $B 240 thin_dmsetup ""
	expect_console '^ok: thin_check passes blkasm.s pool$'
	expect_console '^ok: dmsetup.s volume: data intact$'
	expect_console '^md scenario: 0 failed checks$'
}

atf_test_case full_stack_root
full_stack_root_head()
{
	atf_set descr "root on a thin volume whose pool is on an md raid1 of two loop images on the virtio disk: switch_root into it"
	atf_set timeout 600
}
full_stack_root_body()
{
	local console=ttyS0
	[ $B = qemu-aarch64 ] && console=ttyAMA0
	# First boot (the test root): make the stack and copy a root into it.
	guest_test $B 400 stack_prepare ""
	expect_console '^STACK prepared$'
	mv console.log prepare.log
	# Second boot: the initramfs's plan assembles it and switch_roots there.
	boot $B 240 -d disk.img -r "$(board_dir $B)/initramfs-stack.cpio.gz" -c "console=$console \
panic=-1 root=/dev/mapper/blkasm-root rw guest.test=stack_check"
	expect_rc 0
	expect_console 'blkasm: stack: /dev/md[0-9]+ raid1 clean, 2 of 2 members'
	expect_console 'blkasm: pool: /dev/mapper/blkasm-pool thin-pool rw'
	expect_console 'blkasm: rootvol: /dev/mapper/blkasm-root thin id 1'
	expect_console 'blkasm: ready in [0-9]+ ms \(8 nodes\)'
	expect_console '^STACK root: .* \(blkasm-root\)$'
	expect_console '^GUEST-TEST-RESULT: pass'
	grep -E 'blkasm: (ready|stack|pool|rootvol|root):' console.log
}

atf_test_case thin_aio_stack
thin_aio_stack_head()
{
	atf_set descr "thin: ext4 (dioread_nolock) on a thin volume of a pool on md raid1 arrays of loop images, all from one plan, takes aio_stress; fsck clean, pool sound, nothing left after down"
	atf_set timeout 300
}
thin_aio_stack_body()
{
	guest_test $B 240 thin_stack "${BLKASM_AIO_SECONDS:-25}"
	expect_console '^AIO-STRESS end .* errors=0 verify_failures=0 stuck=0$'
	expect_console '^THIN-STACK fsck after stress: rc=0$'
	expect_console '^THIN-STACK left: md=0 dm=0 loops=0$'
	expect_console '^THIN-STACK fsck after assembly: rc=0$'
	expect_console '^md scenario: 0 failed checks$'
	grep -E '^(AIO-STRESS|THIN-STACK) ' console.log
}

atf_test_case thin_metadata_failure
thin_metadata_failure_head()
{
	atf_set descr "thin: the pool's metadata device fails under load: the pool reports it within 30 s, blkasm shows it and tears down; needs_check refuses the next up until thin_check clears it"
	atf_set timeout 300
}
thin_metadata_failure_body()
{
	guest_test $B 240 thin_metafail ""
	expect_console '^METAFAIL error: switch [0-9]+ ms, pool Fail after [0-9]+ ms$'
	expect_console '^METAFAIL writes: switch [0-9]+ ms, pool ro,needs_check after [0-9]+ ms$'
	expect_console '^METAFAIL writes: needs_check on disk: yes$'
	expect_console '^METAFAIL writes: next up \(check no\): rc=[1-9]'
	expect_console '^METAFAIL writes: next up \(check yes\): rc=0, pool rw -$'
	expect_console '^METAFAIL corrupt: next up \(check yes\): rc=[1-9]'
	expect_console '^md scenario: 0 failed checks$'
	grep '^METAFAIL ' console.log
}

atf_init_test_cases()
{
	atf_add_test_case full_stack_root
	atf_add_test_case thin_dmsetup_interop
	atf_add_test_case thin_aio_stack
	atf_add_test_case thin_metadata_failure
	atf_add_test_case md_blkasm
	atf_add_test_case md_lost_member
	atf_add_test_case md_mdadm_interop
	atf_add_test_case md_stop_race
	atf_add_test_case mdadm_in_guest
	atf_add_test_case plan_at_boot
	atf_add_test_case loop_mount_race
	atf_add_test_case partscan_race
	atf_add_test_case root_on_loop
	atf_add_test_case root_by_label_ro
	atf_add_test_case root_by_uuid
	atf_add_test_case wrong_root_rescue
	atf_add_test_case wrong_root_panic
	atf_add_test_case bad_cmdline
	atf_add_test_case missing_image
	atf_add_test_case no_init
	atf_add_test_case missing_plan
	atf_add_test_case break_premount
}
