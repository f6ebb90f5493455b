#! /usr/bin/env atf-sh
# Each libFuzzer target for a few seconds from its seed corpus: it must not
# crash, leak or hit undefined behaviour. The targets are built next to this
# script (make unit); the seeds are read from $BLKASM_TOP/tests/fuzz/corpus.

# Long enough for libFuzzer's start-up and the run, short enough for check.
SMOKE_SECONDS=5

# smoke NAME: fuzz a copy of the seeds, print the last exec/s, fail on a
# non-zero exit (crash, leak, UB, timeout or rss limit).
smoke()
{
	local bin seeds rc stats

	bin=$(atf_get_srcdir)/$1_fuzz
	seeds=${BLKASM_TOP:?run through make check}/tests/fuzz/corpus/$1
	[ -x "$bin" ] || atf_fail "$bin missing: run make unit"
	[ -d "$seeds" ] || atf_fail "$seeds missing"
	# libFuzzer adds what it finds to its first corpus folder.
	cp -R "$seeds" corpus && mkdir artifacts || atf_fail "cannot copy $seeds"
	rc=0
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$bin" \
		-max_total_time=$SMOKE_SECONDS -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix=artifacts/ corpus > log 2>&1 || rc=$?
	stats=$(grep '^#[0-9].*exec/s: ' log | tail -n 1) || stats=
	echo "$1: $(echo "$stats" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p') exec/s" \
		"(last stats: ${stats:-none})"
	if [ "$rc" -ne 0 ]; then
		tail -n 60 log >&2
		ls artifacts >&2
		atf_fail "$1_fuzz exited with $rc (crash, leak or UB; log above)"
	fi
}

atf_test_case cmdline
cmdline_head()
{
	atf_set descr "cmdline_parse and devspec_parse survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
cmdline_body()
{
	smoke cmdline
}

atf_test_case uevent
uevent_head()
{
	atf_set descr "uev_parse survives ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
uevent_body()
{
	smoke uevent
}

atf_test_case modules
modules_head()
{
	atf_set descr "mod_parse and mod_order survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
modules_body()
{
	smoke modules
}

atf_test_case plan
plan_head()
{
	atf_set descr "plan_parse and plan_validate survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
plan_body()
{
	smoke plan
}

atf_test_case mdsb
mdsb_head()
{
	atf_set descr "mdsb_parse, mdsb_build and mdsb_select survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
mdsb_body()
{
	smoke mdsb
}

atf_test_case dmtable
dmtable_head()
{
	atf_set descr "dm_table_unpack and dm_table_pack survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
dmtable_body()
{
	smoke dmtable
}

atf_test_case thinstatus
thinstatus_head()
{
	atf_set descr "thin_pool_status_parse and thin_status_parse survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
thinstatus_body()
{
	smoke thinstatus
}

atf_test_case softdep
softdep_head()
{
	atf_set descr "modules.softdep parsing and module selection survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
softdep_body()
{
	smoke softdep
}

atf_test_case alias
alias_head()
{
	atf_set descr "modules.alias parsing and alias resolution survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
alias_body()
{
	smoke alias
}

atf_test_case kconfig
kconfig_head()
{
	atf_set descr "kernel config and mountinfo reading survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
kconfig_body()
{
	smoke kconfig
}

atf_test_case verity_sb
verity_sb_head()
{
	atf_set descr "verity_sb_parse, verity_sb_fit and verity_table survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
verity_sb_body()
{
	smoke verity_sb
}

atf_test_case verity_status
verity_status_head()
{
	atf_set descr "verity_status_parse survives ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
verity_status_body()
{
	smoke verity_status
}

atf_test_case slot_state
slot_state_head()
{
	atf_set descr "slot_state_read and the slot transitions survive ${SMOKE_SECONDS} s of fuzzing"
	atf_set timeout 60
}
slot_state_body()
{
	smoke slot_state
}

atf_init_test_cases()
{
	atf_add_test_case cmdline
	atf_add_test_case uevent
	atf_add_test_case modules
	atf_add_test_case plan
	atf_add_test_case mdsb
	atf_add_test_case dmtable
	atf_add_test_case thinstatus
	atf_add_test_case verity_sb
	atf_add_test_case verity_status
	atf_add_test_case softdep
	atf_add_test_case alias
	atf_add_test_case kconfig
	atf_add_test_case slot_state
}
