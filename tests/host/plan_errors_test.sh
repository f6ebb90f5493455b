#! /usr/bin/env atf-sh
# Every malformed plan in tests/plans/bad: `blkasm plan` and `blkasm up`
# both exit 1 with the expected first line on stderr (FILE:LINE:COL:
# message, the file as given on the command line) and leave every loop
# device and mount as they were: a plan is checked whole before anything
# is touched. The good plans pass `blkasm plan`.

. "$(atf_get_srcdir)/host.subr"

plans()
{
	echo "${BLKASM_TOP:?run through make check}/tests/plans"
}

# The images the bad plans name; `up` makes them, so that a plan that got
# through validation by mistake would really attach them.
IMAGES=/tmp/blkasm-nonexistent

# Loop devices and their backing files, and mount points: what must not change.
devices_state()
{
	local f

	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] && echo "$f $(cat "$f")"
	done
	awk '{ print $5 }' /proc/self/mountinfo | sort
}

# check_bad COMMAND: runs COMMAND on every bad plan, reports all that go wrong.
check_bad()
{
	local work conf want got rc failed=0 count=0

	work=$(pwd)
	cd "$(plans)" || atf_fail "no $(plans)"
	for conf in bad/*.conf; do
		count=$((count + 1))
		want=$(cat "${conf%.conf}.err") || atf_fail "${conf%.conf}.err missing"
		devices_state > "$work/before"
		rc=0
		"$(bin)" -t 10 -c "$conf" "$1" > "$work/out" 2> "$work/err" || rc=$?
		devices_state > "$work/after"
		got=$(head -n 1 "$work/err")
		if [ "$rc" -ne 1 ]; then
			echo "$conf: $1 exited with $rc, expected 1" >&2
			failed=$((failed + 1))
		elif [ "$got" != "$want" ]; then
			printf '%s: %s\n  expected: %s\n  got:      %s\n' "$conf" "$1" \
				"$want" "$got" >&2
			failed=$((failed + 1))
		elif ! cmp -s "$work/before" "$work/after"; then
			echo "$conf: $1 changed loop devices or mounts:" >&2
			diff -u "$work/before" "$work/after" >&2
			failed=$((failed + 1))
		fi
	done
	cd "$work" || atf_fail "cannot go back to $work"
	[ "$count" -ge 40 ] || atf_fail "only $count bad plans"
	[ "$failed" -eq 0 ] || atf_fail "$failed of $count bad plans wrong with $1 (above)"
	echo "$count bad plans rejected by $1"
}

atf_test_case bad_plans_plan
bad_plans_plan_head()
{
	atf_set descr "blkasm plan rejects each bad plan with its exact first error"
	atf_set timeout 120
}
bad_plans_plan_body()
{
	check_bad plan
}

atf_test_case bad_plans_up cleanup
bad_plans_up_head()
{
	atf_set descr "blkasm up rejects each bad plan alike and attaches or mounts nothing"
	atf_set require.user root
	atf_set timeout 300
}
bad_plans_up_body()
{
	local img

	[ ! -e "$IMAGES" ] || atf_skip "$IMAGES exists: left by another run?"
	mkdir "$IMAGES" || atf_fail "cannot make $IMAGES"
	touch "$IMAGES/.made-by-plan_errors_test"
	for img in $(cat "$(plans)"/bad/*.conf | grep -o "$IMAGES/[a-z0-9]*\.img" | sort -u); do
		truncate -s 1M "$img" || atf_fail "cannot make $img"
	done
	check_bad up
}
bad_plans_up_cleanup()
{
	local dev

	[ -e "$IMAGES/.made-by-plan_errors_test" ] || return 0
	# Only what a wrongly accepted plan could have attached: our images.
	for dev in $(losetup -n -O NAME,BACK-FILE 2>/dev/null |
			awk -v d="$IMAGES/" 'index($2, d) == 1 { print $1 }'); do
		losetup -d "$dev"
	done
	rm -rf "$IMAGES"
}

atf_test_case good_plans
good_plans_head()
{
	atf_set descr "blkasm plan accepts the good plans and lists every node"
}
good_plans_body()
{
	local work conf nodes

	work=$(pwd)
	cd "$(plans)" || atf_fail "no $(plans)"
	for conf in good/*.conf; do
		nodes=$(grep -c '^[a-z-]* [A-Za-z0-9_.-]* {' "$conf")
		atf_check -o save:"$work/out" "$(bin)" -c "$conf" plan
		[ "$(grep -c '^[0-9]*\. ' "$work/out")" -eq "$nodes" ] ||
			atf_fail "$conf: $nodes nodes, but plan printed: $(cat "$work/out")"
	done
}

# plan_of FILE_A FILE_B: two read-write loop nodes, one on each file.
plan_of()
{
	printf 'loop a { file %s }\nloop b { file %s }\n' "$1" "$2" > links.conf
}

atf_test_case links_are_one_file
links_are_one_file_head()
{
	atf_set descr "one image reached through a symlink or a hard link is refused for two loop nodes"
}
links_are_one_file_body()
{
	local dir

	dir=$(pwd)
	truncate -s 1M a.img other.img || atf_fail "cannot make images"
	ln -s a.img sym.img && ln a.img hard.img || atf_fail "cannot link a.img"
	plan_of "$dir/a.img" "$dir/sym.img"
	atf_check -s exit:1 -e inline:"links.conf:2:15: loop node 'b' conflicts with node 'a' (1:15): it binds $dir/sym.img at offset 0, and 'a' binds $dir/a.img at offset 0 (the same file)\n" \
		"$(bin)" -c links.conf plan
	plan_of "$dir/hard.img" "$dir/a.img"
	atf_check -s exit:1 -e inline:"links.conf:2:15: loop node 'b' conflicts with node 'a' (1:15): it binds $dir/a.img at offset 0, and 'a' binds $dir/hard.img at offset 0 (the same file)\n" \
		"$(bin)" -c links.conf plan
	# Two files are two files, however alike their paths.
	plan_of "$dir/a.img" "$dir/other.img"
	atf_check -o ignore "$(bin)" -c links.conf plan
}

atf_init_test_cases()
{
	atf_add_test_case links_are_one_file
	# Under valgrind (plan_errors_vg_test) up alone: its refusals run the
	# same parser and checks as plan's, and valgrind's start, some 0.4 s a
	# run, would double the time for nothing new.
	[ -n "${BLKASM_VALGRIND:-}" ] || atf_add_test_case bad_plans_plan
	atf_add_test_case bad_plans_up
	atf_add_test_case good_plans
}
