#! /usr/bin/env atf-sh
# Boots of the qemu-x86_64 board (Debian's amd64 kernel under TCG): every
# scenario of board.subr.

. "$(atf_get_srcdir)/board.subr"
B=qemu-x86_64
BOARD_SLOW=100
# initramfs_generator: this host is amd64 too, so the generator packs for
# the kernel package installed on it (-k VERSION), as a user of this board
# would.
GEN_KERNEL=host

atf_init_test_cases()
{
	add_board_cases
}
