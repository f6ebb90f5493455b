#! /usr/bin/env atf-sh
# Race B: LOOP_CTL_GET_FREE. Four processes attach 16 images each, all at
# once. blkasm (`up` of a plan of 16 loop nodes, one plan and run folder per
# process) must bind each of the 64 images exactly once and `down` must
# leave none; the naive way scripts do it (`losetup -f` to find a free
# device, then `losetup DEV FILE` to bind it) loses when two processes are
# handed the same free device. Only blkasm's failures fail the test; the
# naive rate is printed next to it.
#
# BLKASM_RACE_ROUNDS rounds (default 5; more through `make race`), without
# and with the udev-like prober.

. "$(atf_get_srcdir)/race.subr"

PROCS="1 2 3 4"
IMAGES=16

setup()
{
	W=$(pwd)
	export BLKID_FILE="$W/blkid.tab"
	for k in $PROCS; do
		mkdir -p "p$k"
		: > "p$k/plan.conf"
		for i in $(seq $IMAGES); do
			truncate -s 1M "$W/p$k/$i.img"
			echo "loop n$i { file $W/p$k/$i.img }" >> "p$k/plan.conf"
		done
	done
}

# Each process ($pids) spins on ./go so that all four start within a few ms.
release()
{
	sleep 0.05
	: > go
	wait $pids
	pids=
	rm -f go
}

# How many of the 64 images are not bound exactly once (0 when all are).
misbound()
{
	bound > bound.now
	for k in $PROCS; do
		for i in $(seq $IMAGES); do echo "$W/p$k/$i.img"; done
	done | awk 'NR == FNR { n[$2]++; next } n[$0] != 1 { bad++ } END { print bad + 0 }' \
		bound.now -
}

blkasm_all()	# blkasm_all up|down
{
	for k in $PROCS; do
		(
			while [ ! -e go ]; do sleep 0.001; done
			BLKASM_RUN_DIR="$W/p$k/run" "$(bin)" -c "p$k/plan.conf" "$1" \
				> /dev/null 2> "p$k/$1.err" || echo "$k" >> failed
		) &
		pids="$pids $!"
	done
	release
}

blkasm_round()
{
	lost=0
	rm -f failed
	blkasm_all up
	bad=$(misbound)
	if [ -s failed ] || [ "$bad" -ne 0 ]; then
		echo "  blkasm round $r: up: processes failed: $(cat failed 2>/dev/null | tr '\n' ' ');" \
			"$bad images not bound exactly once"
		cat p*/up.err | grep -v ' bound to ' | sed 's/^/    /'
		lost=1
		images=$((images + bad))
	fi
	rm -f failed
	blkasm_all down
	if [ -s failed ] || [ -n "$(bound)" ]; then
		echo "  blkasm round $r: down: processes failed: $(cat failed 2>/dev/null | tr '\n' ' ');" \
			"$(bound | wc -l) left bound"
		cat p*/down.err | grep -v ': down' | sed 's/^/    /'
		lost=1
		cleanup_bound
	fi
	fails=$((fails + lost))
}

# Find, then bind: two processes may be handed the same device.
naive_proc()
{
	for i in $(seq $IMAGES); do
		dev=$(losetup -f 2>> "p$1/naive.err") &&
			losetup "$dev" "$W/p$1/$i.img" 2>> "p$1/naive.err" ||
			echo "$1 $i" >> failed
	done
}

naive_round()
{
	rm -f failed p*/naive.err
	for k in $PROCS; do
		( while [ ! -e go ]; do sleep 0.001; done; naive_proc "$k" ) &
		pids="$pids $!"
	done
	release
	bad=$(misbound)
	if [ "$bad" -ne 0 ]; then
		[ "$fails" -lt 3 ] && {
			echo "  naive round $r: $bad images not bound exactly once;" \
				"$(wc -l < failed 2>/dev/null || echo 0) binds failed"
			sort -u p*/naive.err | head -n 3 | sed 's/^/    /'
		}
		fails=$((fails + 1))
		images=$((images + bad))
	fi
	cleanup_bound
}

cleanup_bound()
{
	bound | while read -r dev _; do losetup -d "/dev/$dev" 2>/dev/null; done
	for _ in $(seq 500); do
		[ -z "$(bound)" ] && return 0
		sleep 0.01
	done
	atf_fail "could not detach: $(bound | tr '\n' ' ')"
}

race()
{
	n=$(rounds)
	echo "$n rounds of 4 processes x $IMAGES images"
	for side in blkasm naive; do
		fails=0 images=0
		start=$(date +%s)
		for r in $(seq "$n"); do
			${side}_round
		done
		eval "${side}_fails=$fails ${side}_images=$images"
		echo "  $side: $(($(date +%s) - start)) s"
	done
	stop_prober
	report "B $1 blkasm (rounds)" "$blkasm_fails" "$n"
	report "B $1 blkasm (images not bound exactly once)" "$blkasm_images" "$((n * 64))"
	report "B $1 naive: losetup -f, losetup DEV (rounds)" "$naive_fails" "$n"
	report "B $1 naive (images not bound exactly once)" "$naive_images" "$((n * 64))"
	[ "$naive_fails" -eq 0 ] && echo "note: the naive find-then-bind never lost a race here"
	[ "$blkasm_fails" -eq 0 ] || atf_fail "blkasm failed $blkasm_fails of $n rounds"
}

atf_test_case get_free cleanup
get_free_head()
{
	atf_set descr "4 concurrent ups of 16 loop nodes bind 64 images exactly once; down leaves none"
	atf_set require.user root
	atf_set timeout $((60 + 5 * $(rounds)))
}
get_free_body()
{
	setup
	race get_free
}
get_free_cleanup()
{
	cleanup_all
}

atf_test_case get_free_probed cleanup
get_free_probed_head()
{
	atf_set descr "the same under a udev-like prober"
	atf_set require.user root
	atf_set timeout $((60 + 5 * $(rounds)))
}
get_free_probed_body()
{
	setup
	start_prober "${BLKASM_RACE_HOLD_MS:-50}" "$((60 + 5 * $(rounds)))"
	echo "prober: hold ${BLKASM_RACE_HOLD_MS:-50} ms"
	race get_free_probed
}
get_free_probed_cleanup()
{
	cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case get_free
	atf_add_test_case get_free_probed
}
