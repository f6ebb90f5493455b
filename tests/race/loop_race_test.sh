#! /usr/bin/env atf-sh
# Race A: attach an image, mount it, unmount it, detach it, over and over,
# while a udev-like prober opens every new loop device for a while (as
# udev's blkid builtin does). blkasm (`up` then `down` of a loop node and a
# mount node on it) against the naive way scripts do the same with
# util-linux. A run fails when a command exits non-zero or when, once
# `down`/`umount`/`losetup -d` has returned, the image is still bound or
# mounted: the kernel defers LOOP_CLR_FD while someone holds the device,
# and the next user then finds it busy or gone.
#
# Only blkasm's failures fail the test; the naive rate is printed next to
# it to show the scenario bites. BLKASM_RACE_ITERATIONS (default 50; 1000
# through `make race`) and BLKASM_RACE_HOLD_MS (prober hold, default 50).

. "$(atf_get_srcdir)/race.subr"

hold_ms()
{
	echo "${BLKASM_RACE_HOLD_MS:-50}"
}

setup()
{
	W=$(pwd)
	export BLKASM_RUN_DIR="$W/run" BLKID_FILE="$W/blkid.tab"
	truncate -s 8M "$W/a.img"
	mke2fs -q -F -t ext4 "$W/a.img"
	mkdir -p "$W/mnt"
	printf 'loop a { file %s/a.img%s }\nmount m { device a; target %s/mnt }\n' \
		"$W" "$1" "$W" > plan.conf
}

# After a failed iteration: say why (the first few times), then wait for
# the deferred clear to land and force what did not, so the next iteration
# starts clean.
settle()
{
	case $1 in left*) lefts=$((lefts + 1)) ;; esac
	if [ "$fails" -le 3 ]; then
		echo "  $side iteration $i: $1"
		sed 's/^/    /' step.err 2>/dev/null
		left_behind | sed 's/^/    left: /'
	fi
	for _ in $(seq 300); do
		left_behind > /dev/null || return 0
		sleep 0.01
	done
	for m in $(mounts); do umount "$m" 2>/dev/null; done
	bound | while read -r dev _; do losetup -d "/dev/$dev" 2>/dev/null; done
	sleep 0.2
}

# One blkasm iteration; non-zero when it failed.
blkasm_once()
{
	"$(bin)" -c plan.conf up > /dev/null 2> step.err || { settle "up failed"; return 1; }
	[ "$(bound | wc -l)" -eq 1 ] && [ -n "$(mounts)" ] ||
		{ settle "up did not leave one device mounted"; return 1; }
	"$(bin)" -c plan.conf down > /dev/null 2> step.err || { settle "down failed"; return 1; }
	left_behind > /dev/null && { settle "left behind after down"; return 1; }
	return 0
}

# The same with util-linux, as scripts do it.
naive_once()
{
	if [ "$autoclear" = yes ]; then
		mount -o loop "$W/a.img" "$W/mnt" 2> step.err || { settle "mount -o loop failed"; return 1; }
		umount "$W/mnt" 2> step.err || { settle "umount failed"; return 1; }
	else
		dev=$(losetup -f --show "$W/a.img" 2> step.err) || { settle "losetup -f failed"; return 1; }
		mount "$dev" "$W/mnt" 2> step.err || { settle "mount $dev failed"; return 1; }
		umount "$W/mnt" 2> step.err || { settle "umount failed"; return 1; }
		losetup -d "$dev" 2> step.err || { settle "losetup -d $dev failed"; return 1; }
	fi
	left_behind > /dev/null && { settle "left behind after umount/detach"; return 1; }
	return 0
}

# race NAME AUTOCLEAR: N iterations of each side under the prober.
race()
{
	autoclear=$2
	n=$(iterations)
	start_prober "$(hold_ms)" "$((n * 2 + 60))"
	echo "prober: hold $(hold_ms) ms; $n iterations each"
	for side in blkasm naive; do
		fails=0 lefts=0
		start=$(date +%s)
		for i in $(seq "$n"); do
			${side}_once || fails=$((fails + 1))
		done
		eval "${side}_fails=$fails ${side}_lefts=$lefts"
		echo "  $side: $(($(date +%s) - start)) s"
	done
	stop_prober
	report "A $1 blkasm" "$blkasm_fails" "$n" "$blkasm_lefts left bound/mounted"
	report "A $1 naive ($3)" "$naive_fails" "$n" "$naive_lefts left bound/mounted"
	if [ "$naive_fails" -eq 0 ]; then
		echo "note: the naive approach never failed at a $(hold_ms) ms hold:" \
			"raise BLKASM_RACE_HOLD_MS to make the scenario bite"
	fi
	[ "$blkasm_fails" -eq 0 ] || atf_fail "blkasm failed $blkasm_fails of $n iterations"
}

atf_test_case loop_mount cleanup
loop_mount_head()
{
	atf_set descr "loop + mount up/down under a udev-like prober, vs losetup -f + mount + umount + losetup -d"
	atf_set require.user root
	atf_set timeout $((60 + $(iterations)))
}
loop_mount_body()
{
	setup ""
	race loop_mount no "losetup -f, mount, umount, losetup -d"
}
loop_mount_cleanup()
{
	cleanup_all
}

atf_test_case loop_mount_autoclear cleanup
loop_mount_autoclear_head()
{
	atf_set descr "autoclear loop + mount up/down under a udev-like prober, vs mount -o loop + umount"
	atf_set require.user root
	atf_set timeout $((60 + $(iterations)))
}
loop_mount_autoclear_body()
{
	setup "; autoclear yes"
	race loop_mount_autoclear yes "mount -o loop, umount"
}
loop_mount_autoclear_cleanup()
{
	cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case loop_mount
	atf_add_test_case loop_mount_autoclear
}
