#! /usr/bin/env atf-sh
# blkasm slot on a state file in the test's folder: show (text and JSON),
# init, good, activate, next, and the refusals (nothing written, non-zero).

. "$(atf_get_srcdir)/host.subr"

atf_test_case init_and_show
init_and_show_head()
{
	atf_set descr "slot init makes an 8 KiB state; show prints it as text and JSON"
}
init_and_show_body()
{
	B=$(bin)
	atf_check -o inline:"s: created with 3 slots\n" "$B" slot init --state s a b:10:3 c:0
	atf_check -o inline:"8192\n" stat -c %s s
	atf_check -o match:'^state s \(copy 1, sequence 2\)$' \
		-o match:'^a +15 +0 +yes' -o match:'^b +10 +3 +no' -o match:'^c +0 +0 +yes' \
		-o match:'^next boot: a$' "$B" slot show --state s
	atf_check -o inline:'{"state": "s", "sequence": 2, "copy": 1, "bad_copy": null, "slots": [{"name": "a", "priority": 15, "tries": 0, "good": true}, {"name": "b", "priority": 10, "tries": 3, "good": false}, {"name": "c", "priority": 0, "tries": 0, "good": true}], "next": null, "booted": null, "boots": "a"}\n' \
		"$B" slot show --state s --json
	if command -v python3 >/dev/null; then
		"$B" slot show --state s --json > s.json
		atf_check -o ignore python3 -m json.tool s.json
	fi
}

atf_test_case changes
changes_head()
{
	atf_set descr "activate, next and good print old -> new; an unchanged state is not written"
}
changes_body()
{
	B=$(bin)
	atf_check -o ignore "$B" slot init --state s a b
	atf_check -o inline:"s: a: priority 15 -> 14; b: priority 14 -> 15, tries 0 -> 2, good yes -> no\n" \
		"$B" slot activate --state s b --tries 2
	atf_check -o match:'^next boot: b$' -o match:'sequence 3' "$B" slot show --state s
	atf_check -o inline:"s: next boot: - -> a\n" "$B" slot next --state s a
	atf_check -o match:'^a +14 +0 +yes +next boot only$' -o match:'^next boot: a$' \
		"$B" slot show --state s
	atf_check -o match:'"next": "a"' -o match:'"boots": "a"' "$B" slot show --state s --json
	atf_check -o inline:"s: b: good no -> yes\n" "$B" slot good --state s b
	cp s before
	atf_check -o inline:"s: unchanged\n" "$B" slot good --state s b
	atf_check cmp s before
	atf_check -o match:'sequence 5' "$B" slot show --state s
}

atf_test_case refusals
refusals_head()
{
	atf_set descr "bad input: a message naming the argument or the state, exit 1, nothing written"
}
refusals_body()
{
	B=$(bin)
	atf_check -o ignore "$B" slot init --state s a b
	cp s before
	atf_check -s exit:1 -e match:"s exists and is not blank .*not overwritten" \
		"$B" slot init --state s x
	atf_check -s exit:1 -e match:"no slot named 'zz'" "$B" slot activate --state s zz
	atf_check -s exit:1 -e match:'--tries 8: expected a whole number, 1-7' \
		"$B" slot activate --state s b --tries 8
	atf_check -s exit:1 -e match:'--tries 0: expected' "$B" slot activate --state s b --tries 0
	atf_check -s exit:1 -e match:'no slot was booted from it yet' "$B" slot good --state s
	atf_check -s exit:1 -e match:'--state PATH is needed' "$B" slot show
	atf_check -s exit:1 -e match:"unexpected argument 'b'" "$B" slot next --state s a b
	atf_check -s exit:1 -e match:'unexpected option --tries' "$B" slot next --state s a --tries 2
	atf_check -s exit:2 -e match:"unknown subcommand 'frob'" "$B" slot frob --state s
	atf_check cmp s before
	atf_check -s exit:1 -e match:'Bad:x: a slot name is 1-23 of a-z' \
		"$B" slot init --state t Bad:x
	atf_check -s exit:1 -e match:'a:16: expected a priority 0-15' "$B" slot init --state t a:16
	atf_check -s exit:1 -e match:'a:1:9: expected tries 1-7' "$B" slot init --state t a:1:9
	atf_check -s exit:1 -e match:'slot a named twice' "$B" slot init --state t a b a
	atf_check -s exit:1 -e match:'t: No such file' "$B" slot show --state t
	printf 'data' > u
	atf_check -s exit:1 -e match:'u exists and is not blank' "$B" slot init --state u a
	atf_check -o inline:'data' cat u
	mkfifo f
	atf_check -s exit:1 -e match:'f: .*not a regular file' "$B" slot show --state f
}

atf_test_case corrupt_copies
corrupt_copies_head()
{
	atf_set descr "one bad copy: the other is used and named; both bad: each copy's fault"
}
corrupt_copies_body()
{
	B=$(bin)
	atf_check -o ignore "$B" slot init --state s a b
	atf_check -o ignore "$B" slot next --state s b	# copy 0, sequence 3
	printf 'XXXX' | dd of=s bs=1 seek=100 conv=notrunc 2>/dev/null
	atf_check -o match:'^state s \(copy 1, sequence 2\)$' \
		-o match:'^copy 0 is not valid: checksum mismatch' "$B" slot show --state s
	atf_check -o match:'"bad_copy": "checksum mismatch' "$B" slot show --state s --json
	# The next change goes over the bad copy, never the good one.
	atf_check -o inline:"s: next boot: - -> a\n" "$B" slot next --state s a
	atf_check -o match:'copy 0, sequence 3' -o not-match:'not valid' "$B" slot show --state s
	printf 'XXXX' | dd of=s bs=1 seek=4096 conv=notrunc 2>/dev/null
	printf 'YYYY' | dd of=s bs=1 seek=200 conv=notrunc 2>/dev/null
	atf_check -s exit:1 \
		-e match:'^blkasm slot show: s: no valid copy: copy 0: checksum mismatch .*; copy 1: bad magic$' \
		"$B" slot show --state s
	cp s before
	atf_check -s exit:1 -e match:'no valid copy' "$B" slot good --state s a
	atf_check cmp s before
}

atf_init_test_cases()
{
	atf_add_test_case init_and_show
	atf_add_test_case changes
	atf_add_test_case refusals
	atf_add_test_case corrupt_copies
}
