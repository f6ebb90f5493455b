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

atf_init_test_cases()
{
	atf_add_test_case md_blkasm
	atf_add_test_case root_on_loop
	atf_add_test_case wrong_root_rescue
}
