#!/bin/sh
# Print "N passed, N failed, N skipped" from a `kyua report --verbose` file
# and exit non-zero when anything failed. kyua counts skips as passes; here
# they are counted apart, and broken and expected_failure count as failed.
#
# usage: summary.sh REPORT [KYUA_STATUS]
# KYUA_STATUS, kyua test's exit status, is kept: when it is not 0 the exit
# status is not either, even if the report shows no failure (kyua stopped,
# or a Kyuafile did not load).
set -eu
report=$1 kyua_status=${2:-0}

line=$(grep '^Test cases: ' "$report" 2>/dev/null | tail -n 1) || line=
if [ -z "$line" ]; then
	echo "summary.sh: no kyua summary in $report (kyua could not load a Kyuafile or run?)" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
[ "$kyua_status" = 0 ] || echo "summary.sh: kyua test exited $kyua_status" >&2
# Test cases: 4 total, 1 skipped, 1 expected failures, 0 broken, 1 failed
rc=0
echo "$line" | awk -F'[:,]' '{
	for (i = 2; i <= NF; i++) {
		split($i, w, " ")
		n = w[1]; k = w[2]
		if (k == "total") total = n
		else if (k == "skipped") skip = n
		else if (k == "expected") xfail = n
		else if (k == "broken") broken = n
		else if (k == "failed") failed = n
	}
	bad = failed + broken + xfail
	printf "%d passed, %d failed, %d skipped\n", total - skip - bad, bad, skip
	exit bad > 0
}' || rc=$?
[ "$rc" != 0 ] || rc=$kyua_status
exit "$rc"
