#!/bin/sh
# Run libFuzzer targets one after the other, each for SECONDS, on a corpus
# kept across runs in OUT/corpus/<name> (seeded from tests/fuzz/corpus/<name>
# on first use). Prints each target's final exec/s and whether it crashed,
# and at the end a table (OUT/fuzz.md): target, exec/s, runs, coverage
# (libFuzzer's cov: edges and ft: features), corpus size, crashes (0 or 1:
# libFuzzer stops at the first); logs go
# to OUT/<name>.log, crashing inputs to OUT/artifacts/<name>-*.
# Exits non-zero when any target crashed, leaked or hit undefined behaviour.
#
# usage: run.sh SECONDS OUT TARGET...   (TARGET: path to a <name>_fuzz binary)
# env: FUZZ_TIMEOUT, libFuzzer's -timeout in seconds for one input (5): a
# run niced beside other work can be starved past 5 s on an input that
# takes milliseconds; raise it there.
set -eu
[ $# -ge 3 ] || { echo "usage: run.sh SECONDS OUT TARGET..." >&2; exit 2; }
secs=$1 out=$2
shift 2
seeds=$(dirname "$0")/corpus
failed=0
table=$out/fuzz.md
mkdir -p "$out"
{
	echo "| target | seconds | exec/s | runs | coverage (cov) | features (ft) | corpus | crashes |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$table"

for bin in "$@"; do
	name=$(basename "$bin" _fuzz)
	corpus=$out/corpus/$name
	log=$out/$name.log
	mkdir -p "$corpus" "$out/artifacts"
	if [ -z "$(ls -A "$corpus")" ] && [ -d "$seeds/$name" ]; then
		cp "$seeds/$name"/* "$corpus"/
	fi
	echo "  FUZZ      $name for $secs s ($(ls "$corpus" | wc -l) inputs in $corpus)"
	rc=0
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$bin" \
		-max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-5}" \
		-artifact_prefix="$out/artifacts/$name-" "$corpus" > "$log" 2>&1 || rc=$?
	stats=$(grep '^#[0-9].*exec/s: ' "$log" | tail -n 1) || stats=
	execs=$(echo "$stats" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')
	runs=$(echo "$stats" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(echo "$stats" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$stats" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	crashes=0
	[ "$rc" -eq 0 ] || crashes=1	# libFuzzer stops at the first
	echo "| $name | $secs | ${execs:-?} | ${runs:-?} | ${cov:-?} | ${ft:-?} | $(ls "$corpus" | wc -l) | $crashes |" >> "$table"
	if [ "$rc" -eq 0 ]; then
		echo "$name: ok, ${execs:-?} exec/s, ${runs:-?} runs"
	else
		echo "$name: CRASHED (exit $rc), ${execs:-?} exec/s; see $log"
		grep -h '^artifact_prefix=\|Test unit written to' "$log" || :
		failed=1
	fi
done
cat "$table"
exit $failed
