#!/bin/sh
# make bench: every benchmark in turn (sizes first, no boots), each writing a Markdown report in
# O/bench and printing it. Speed goals live here, never in timed test
# assertions.
#
# usage: run.sh O B   (the build folder and the board's build folder)
# The binary size report (tests/bench/binary_size.sh) reads the link maps.
# The planning time (tests/bench/plan_bench.sh) needs no root or device.
# The loop benchmarks need root (loop devices); without it, sudo. The md
# and thin benchmarks boot B's test root (tests/bench/md_bench.sh,
# tests/bench/thin_bench.sh); the boot benchmark boots blkasm and its peers
# (tests/bench/boot_bench.sh: boot.md and boot.png). A failing benchmark
# does not keep the next from running; the exit status is 1 if any failed.
set -eu
O=$1
B=$2

if [ "$(id -u)" != 0 ]; then
	exec sudo -E "$0" "$@"
fi
mkdir -p "$O/bench"
rc=0
# The binary's size: this board's blkasm and each other board's already
# built in O (a column each).
bins="$B/blkasm"
for b in "$O"/*/blkasm; do
	if [ -f "$b.map" ] && [ "$(readlink -f "$b")" != "$(readlink -f "$B/blkasm")" ]; then
		bins="$bins $b"
	fi
done
# shellcheck disable=SC2086 # build folders have no blanks
"$(dirname "$0")/binary_size.sh" "$O/bench/size-binary.md" $bins || rc=1
"$(dirname "$0")/size_bench.sh" "$B" "$O/bench/size.md" || rc=1
# Planning time at 256/1024/4096 nodes: the board's binary, when this
# machine runs it (an aarch64 board's does not on x86_64).
if "$B/blkasm" version > /dev/null 2>&1; then
	"$(dirname "$0")/plan_bench.sh" "$B/blkasm" "$O/bench/plan.md" || rc=1
else
	echo "plan_bench: $B/blkasm does not run on this machine; no plan.md" >&2
fi
"$(dirname "$0")/loop_bench.sh" "$B/blkasm" "$O/host/tests/bench/hold" \
	"$O/host/tests/race/prober" "$O/bench/loop.md" || rc=1
"$(dirname "$0")/md_bench.sh" "$B" "$O/bench/md.md" || rc=1
"$(dirname "$0")/thin_bench.sh" "$B" "$O/bench/thin.md" || rc=1
# Last: it reuses the thin benchmark's samples for its scale table.
"$(dirname "$0")/boot_bench.sh" "$O" "$B" "$O/bench/boot.md" || rc=1
exit "$rc"
