#! /usr/bin/env atf-sh
# Boots of the qemu-aarch64 board (Debian's arm64 kernel under TCG, a
# cortex-a57): every scenario of board.subr, at the same rounds as x86_64.
# None is left out: Debian ships every tool of the test root for arm64
# too (mdadm, dmsetup, thin-provisioning-tools, e2fsprogs; rootfs/
# debtools.sh unpacks their arm64 packages), and the races' prober and
# aio_stress are built for the board. Its boots take about as long as
# x86_64's here; the timeouts get half as much again, as before.
# initramfs_generator is a cross build here: the host is x86_64, and the
# generator packs from the module tree unpacked from Debian's arm64 kernel
# package (rootfs/kernel.sh), with the board's arm64 blkasm.

. "$(atf_get_srcdir)/board.subr"
B=qemu-aarch64
BOARD_SLOW=150

atf_init_test_cases()
{
	add_board_cases
}
