#! /usr/bin/env atf-sh
# Boots of the qemu-x86_64 board (Debian's amd64 kernel under TCG): every
# scenario of board.subr.

. "$(atf_get_srcdir)/board.subr"
B=qemu-x86_64
BOARD_SLOW=100

atf_init_test_cases()
{
	add_board_cases
}
