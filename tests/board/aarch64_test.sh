#! /usr/bin/env atf-sh
# Boots of the qemu-aarch64 board (Debian's arm64 kernel under TCG, about
# half the speed of the x86_64 board here): every scenario of board.subr.
# Debian ships all the test root's tools for arm64 too (mdadm, dmsetup,
# thin-provisioning-tools, e2fsprogs: rootfs/debtools.sh unpacks them), so
# no scenario is left out.
#
# Shorter here, to keep make check's time: the races run fewer rounds (a
# quarter of x86_64's; make race-board runs the full count on x86_64) and
# aio_stress runs 10 s instead of 25.

. "$(atf_get_srcdir)/board.subr"
B=qemu-aarch64
BOARD_SLOW=150
PARTSCAN_ROUNDS=12
LOOPMOUNT_ROUNDS=12
MDRACE_ROUNDS=25
AIO_SECONDS=10

atf_init_test_cases()
{
	add_board_cases
}
