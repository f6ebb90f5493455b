#!/bin/sh
# blkasm's host build under valgrind's memcheck, in place of the binary
# for the CLI host tests' *_vg_test variants (tests/host/vg.subr). The
# Makefile writes the path of the build for @BLKASM@.
#
# memcheck's reports go to a file of their own, so the tests still compare
# blkasm's own stdout and stderr; a report is a finding: it is added to
# stderr and, whatever blkasm's own exit status, the run exits 99 (a status
# blkasm never uses), so the test that ran it fails. Leaks count when
# definite or indirect (memory no pointer reaches at exit); memory still
# reachable at exit is not a leak. File descriptors left open at exit
# count too, except those blkasm was handed (the standard ones, and what
# the test harness leaves open: memcheck lists them "inherited from
# parent"). Valgrind 3.19 has no wrapper for the loop ioctls
# (LOOP_CTL_GET_FREE, LOOP_CONFIGURE, LOOP_GET_STATUS64, ...): it warns
# once per request, which is dropped here, and cannot tell what
# LOOP_GET_STATUS64 writes (blkasm zeroes that struct before the call).
log=$(mktemp "${TMPDIR:-/tmp}/blkasm-vg.XXXXXX") || exit 98
valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	--track-fds=yes --log-file="$log" @BLKASM@ "$@"
rc=$?
# One record per blank "==PID==" line; the summary line of the fd list
# goes, and so do the records of inherited fds, and the loop ioctls'
# warnings (three lines each, not followed by a blank one).
awk 'drop > 0 { drop--; next }
	/Warning: noted but unhandled ioctl 0x4c[0-9a-f][0-9a-f] / { drop = 2; next }
	/^==[0-9]+== *$/ { flush(); next }
	/FILE DESCRIPTORS: [0-9]+ open/ { next }
	{ rec = rec $0 "\n" }
	END { flush() }
	function flush() {
		if (rec != "" && rec !~ /inherited from parent/)
			printf "%s", rec
		rec = ""
	}' "$log" > "$log.f" && mv "$log.f" "$log"
if [ -s "$log" ]; then
	{ echo "valgrind: findings in blkasm $*:"; cat "$log"; } >&2
	rc=99
fi
rm -f "$log"
exit $rc
