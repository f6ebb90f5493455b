#! /usr/bin/env atf-sh
# The races of the qemu-aarch64 board (board.subr's BOARD_RACES), in a
# program of their own that kyua runs alone (tests/board/Kyuafile): the
# guest's prober or monitor races blkasm, and a second guest on the host
# would change their timing. Same board settings as aarch64_test.sh.

. "$(atf_get_srcdir)/board.subr"
B=qemu-aarch64
BOARD_SLOW=150

atf_init_test_cases()
{
	add_board_races
}
