#! /usr/bin/env atf-sh
# Boots of the qemu-aarch64 board (Debian's arm64 kernel under TCG).

. "$(atf_get_srcdir)/board.subr"
B=qemu-aarch64

atf_test_case root_on_loop
root_on_loop_head()
{
	atf_set descr "default command line: root filesystem in a loop image on vda"
	atf_set timeout 400
}
root_on_loop_body()
{
	boot $B 360
	expect_root_on_loop
}

atf_test_case wrong_root_rescue
wrong_root_rescue_head()
{
	atf_set descr "a root= that never appears: bounded wait, diagnosis, rescue shell"
	atf_set timeout 400
}
wrong_root_rescue_body()
{
	rescue_input
	boot $B 360 -c "$(board_cmdline $B root=PARTUUID=0b1ca5a0-01 rootdelay=3 loop=/images/root.img)" \
		-w 'starting a rescue shell' -s rescue.in
	expect_console 'rootdev: no block device PARTUUID=0b1ca5a0-01 appeared within 3 s'
	expect_rescued
}

atf_test_case md_lost_member
md_lost_member_head()
{
	atf_set descr "md: a raid1 of two loop images with one image file gone: degraded after comes up DEGRADED naming the member node, degraded never refuses naming it; create refuses random bytes and a member listed twice"
	atf_set timeout 400
}
md_lost_member_body()
{
	guest_test $B 340 md_lost ""
	expect_console '^ok: lost member, degraded after: logged DEGRADED, names lb and why$'
	expect_console '^ok: lost member, degraded never: names lb and why$'
	expect_console '^md scenario: 0 failed checks$'
	grep -E 'blkasm: (lb|r1|rz):' console.log
}

atf_test_case md_blkasm
md_blkasm_head()
{
	atf_set descr "md on arm64: create, assemble again with data intact, degraded policy, stale members"
	atf_set timeout 400
}
md_blkasm_body()
{
	guest_test $B 340 md_blkasm ""
	expect_console '^ok: assemble again: data intact$'
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

atf_init_test_cases()
{
	atf_add_test_case full_stack_root
	atf_add_test_case md_blkasm
	atf_add_test_case md_lost_member
	atf_add_test_case root_on_loop
	atf_add_test_case wrong_root_rescue
}
