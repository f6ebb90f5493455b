#! /usr/bin/env atf-sh
# overlay_host_test's cases, with blkasm's host build under valgrind's memcheck in
# place of the static binary (host.subr, valgrind.sh): a memcheck finding
# (invalid access, uninitialised value, leak, fd left open) fails the case.
BLKASM_VALGRIND=1
. "$(atf_get_srcdir)/overlay_host_test"
