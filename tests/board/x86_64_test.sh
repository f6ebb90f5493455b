#! /usr/bin/env atf-sh
# Boots of the qemu-x86_64 board (Debian's amd64 kernel under TCG): every
# scenario of board.subr, at the full rounds.

. "$(atf_get_srcdir)/board.subr"
B=qemu-x86_64
BOARD_SLOW=100
PARTSCAN_ROUNDS=50
LOOPMOUNT_ROUNDS=50
MDRACE_ROUNDS=100
AIO_SECONDS=25

atf_init_test_cases()
{
	add_board_cases
}
