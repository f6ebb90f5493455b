#!/bin/sh
# Shared by the inject_* scenarios (sourced, not a scenario of its own):
# EBUSY injected into the tree kernel's injection points
# (rootfs/kernel/patches, docs/kernel.md) through fail_function, and the
# checks and figures of each case.
#
# fail_function's task filter (make-it-fail) cannot single out blkasm: on
# x86 the kprobe's handler runs from the int3 trap, which the kernel enters
# like an NMI (in_task() is false), so a filtered injection never fires.
# The injection hits every caller of the function instead: the scenarios
# run nothing else meanwhile, and the counts they print are the kernel's.
#
# A case either ends within the retry policy (RETRY_DEVICE_BUSY: 64
# attempts, 10 s; docs/retry.md), where blkasm must succeed, or is refused
# for good, where blkasm must give up in bounded time with a diagnosis that
# names the device, the attempts and the time.
. /tests/mdcommon.sh
FF=/sys/kernel/debug/fail_function
EBUSY_RETVAL=0xfffffffffffffff0	# -16 as the u64 fail_function wants
# The longest a give-up may take: the policy's 10 s deadline and slack
# for TCG.
GIVEUP_MAX_MS=12000

inj_setup()
{
	md_setup
	grep -qs ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	if [ ! -d "$FF" ]; then
		echo "FAIL: no $FF: not the tree kernel (KERNEL=tree)?"
		exit 1
	fi
	# md's "still in use" and loop's scan warnings, once per refusal,
	# stay in the kernel log, off the console.
	echo 4 > /proc/sys/kernel/printk
}

# inj_on FUNCTION TIMES [PERCENT]: FUNCTION returns -EBUSY, TIMES times
# (-1: without end), each call with a chance of PERCENT (default 100).
inj_on()
{
	grep -q "^$1[[:space:]]" "$FF/injectable" ||
		{ echo "FAIL: $1 is not injectable"; fails=$((fails + 1)); return 1; }
	echo "$1" > "$FF/inject"
	echo "$EBUSY_RETVAL" > "$FF/$1/retval"
	echo N > "$FF/task-filter"
	echo "${3:-100}" > "$FF/probability"
	echo 1 > "$FF/interval"
	echo 0 > "$FF/space"
	echo 0 > "$FF/verbose"
	echo "$2" > "$FF/times"
	inj_times=$2
}

# The injections made since inj_on (only for a finite TIMES).
inj_done() { echo $((inj_times - $(cat "$FF/times"))); }

inj_off()
{
	echo 0 > "$FF/probability"
	echo > "$FF/inject"
}

# expect_success LABEL CMD...: CMD must succeed. Prints the refusals the
# kernel made meanwhile and its time.
expect_success()
{
	local label=$1 t0 t n
	shift
	t0=$(ms)
	if "$@" > "$T/out" 2>&1; then
		t=$(( $(ms) - t0 ))
		n=$(inj_done)
		inj_off
		echo "INJECT $label: pass, succeeded after $n refusals in $t ms"
		check "$label: succeeded after $n refusals" true
	else
		t=$(( $(ms) - t0 ))
		inj_off
		cat "$T/out"
		echo "INJECT $label: FAIL, failed after $t ms"
		check "$label: succeeded" false
	fi
}

# expect_giveup LABEL REGEX MAX_MS CMD...: CMD must fail
# within MAX_MS with a diagnosis matching REGEX (grep -E) that says how
# many attempts in how long.
expect_giveup()
{
	local label=$1 re=$2 max=$3 t0 t why
	shift 3
	t0=$(ms)
	if "$@" > "$T/out" 2>&1; then
		t=$(( $(ms) - t0 ))
		inj_off
		cat "$T/out"
		echo "INJECT $label: FAIL, succeeded despite the refusals ($t ms)"
		check "$label: gave up" false
		return
	fi
	t=$(( $(ms) - t0 ))
	inj_off
	why=$(grep -E -- "$re" "$T/out" | head -n 1)
	if [ -z "$why" ] || ! echo "$why" | grep -Eq 'after [0-9]+ attempts in [0-9]+\.[0-9]{3} s'; then
		cat "$T/out"
		echo "INJECT $label: FAIL, no diagnosis /$re/ with attempts and time"
		check "$label: diagnosis" false
		return
	fi
	if [ "$t" -gt "$max" ]; then
		echo "INJECT $label: FAIL, gave up after $t ms (bound $max ms): $why"
		check "$label: bounded" false
		return
	fi
	echo "INJECT $label: pass, gave up in $t ms: $why"
	check "$label: bounded give-up with a diagnosis" true
}

inj_finish()
{
	inj_off
	echo "inject scenario: $fails failed checks"
	[ "$fails" = 0 ]
}
