#! /usr/bin/env atf-sh
# A plan of 4 levels and 2 independent branches on real loop devices:
#   loop a0 -> mount a1 -> loop a2 (a file inside a1) -> mount a3, and the
#   same for b. plan prints the order; up twice leaves the same devices;
#   status shows them; down leaves none.

. "$(atf_get_srcdir)/host.subr"

# An ext4 image holding another ext4 image, inner.img.
make_images()
{
	for b in a b; do
		mkdir -p "stage-$b"
		mke2fs -q -F -t ext4 -L "inner-$b" "stage-$b/inner.img" 8M
		mke2fs -q -F -t ext4 -L "outer-$b" -d "stage-$b" "$b.img" 32M
	done
}

write_plan()
{
	W=$(pwd)
	cat > plan.conf <<CONF
# two branches, four levels each
loop a0 { file $W/a.img }
loop b0 { file $W/b.img }
mount a1 {
	device a0
	target $W/mnt/a
}
mount b1 { device b0; target $W/mnt/b; options noatime }
loop a2 { file $W/mnt/a/inner.img }
loop b2 { file $W/mnt/b/inner.img; read-only yes }
mount a3 { device a2; target $W/mnt/a-inner; type ext4 }
mount b3 { device b2; target $W/mnt/b-inner; read-only yes }
CONF
}

# Loop devices bound to files below this test's folder, and its mounts.
devices()
{
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		case $(cat "$f") in
		"$W"/*) echo "${f%/loop/backing_file} $(cat "$f")" ;;
		esac
	done | sed 's|/sys/block/||' | sort
	awk -v w="$W" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort
}

cleanup_mounts()
{
	W=$(pwd)
	for m in a-inner b-inner a b; do umount "$W/mnt/$m" 2>/dev/null; done
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		case $(cat "$f") in "$W"/*) d=${f%/loop/backing_file}; losetup -d "/dev/${d##*/}" ;; esac
	done
	return 0
}

atf_test_case four_levels cleanup
four_levels_head()
{
	atf_set descr "plan order, idempotent up, status, complete down on real loop devices"
	atf_set require.user root
	atf_set timeout 120
}
four_levels_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	make_images
	write_plan

	atf_check -o save:plan.out "$(bin)" -c plan.conf plan
	cat plan.out
	# Each node after what it needs; the branches interleave in file order.
	atf_check -o inline:"a0 b0 a1 b1 a2 b2 a3 b3\n" \
		awk '{ printf "%s%s", (NR > 1 ? " " : ""), $2 } END { print "" }' plan.out
	atf_check -o match:'^5\. a2 +loop +file=.*/mnt/a/inner.img  \(needs a1\)$' cat plan.out

	atf_check -s exit:0 -e save:up1.err "$(bin)" -c plan.conf -j 2 up
	cat up1.err
	devices > devices1
	cat devices1
	atf_check -o match:'^4$' sh -c 'grep -c "^loop" devices1'
	atf_check -o match:'^4$' sh -c 'grep -vc "^loop" devices1'
	atf_check -o match:'a3: /dev/loop[0-9]+ mounted on .*/mnt/a-inner \(ext4, rw\)' cat up1.err
	atf_check -o match:'b3: /dev/loop[0-9]+ mounted on .*/mnt/b-inner \(ext4, ro\)' cat up1.err

	# Again: everything is adopted, nothing is made twice.
	atf_check -s exit:0 -e save:up2.err "$(bin)" -c plan.conf up
	cat up2.err
	atf_check -o match:'^8$' sh -c 'grep -c "already up" up2.err'
	devices > devices2
	atf_check cmp devices1 devices2

	atf_check -o save:status.out "$(bin)" -c plan.conf status
	cat status.out
	atf_check -o match:'^8$' sh -c 'grep -Ec "^ *[ab][0-3] +(loop|mount) +up " status.out'
	atf_check -o match:'held by .*/mnt/a-inner' grep '^ *a2 ' status.out
	atf_check -o match:'bound to .*/mnt/b/inner.img \(read-only\) \[ro offset=0 sizelimit=0\]' \
		grep '^ *b2 ' status.out
	atf_check -o match:'"name": "b3", "kind": "mount", "state": "up", "created": true' \
		"$(bin)" -c plan.conf status --json

	atf_check -s exit:0 -e save:down.err "$(bin)" -c plan.conf down
	cat down.err
	devices > devices3
	atf_check -o empty cat devices3
	atf_check -o save:status2.out "$(bin)" -c plan.conf status
	atf_check -o match:'^8$' sh -c 'grep -Ec "^ *[ab][0-3] +(loop|mount) +down " status2.out'
}
four_levels_cleanup()
{
	cleanup_mounts
}

atf_test_case down_leaves_foreign_devices cleanup
down_leaves_foreign_devices_head()
{
	atf_set descr "down never detaches a device blkasm did not set up"
	atf_set require.user root
	atf_set timeout 60
}
down_leaves_foreign_devices_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	truncate -s 8M x.img
	printf 'loop x { file %s/x.img }\n' "$W" > plan.conf
	dev=$(losetup -f --show "$W/x.img")
	atf_check -s exit:0 -e match:'x: already up: .*bound to' "$(bin)" -c plan.conf up
	atf_check -s exit:0 -e match:'x: left alone: not created by blkasm' "$(bin)" -c plan.conf down
	atf_check -o inline:"$W/x.img\n" cat "/sys/block/${dev#/dev/}/loop/backing_file"
	losetup -d "$dev"
}
down_leaves_foreign_devices_cleanup()
{
	cleanup_mounts
}

atf_test_case ambiguous_tag cleanup
ambiguous_tag_head()
{
	atf_set descr "a mount whose LABEL= two devices carry fails and mounts nothing"
	atf_set require.user root
	atf_set timeout 60
}
ambiguous_tag_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	mke2fs -q -F -t ext4 -L blkasm-amb amb.img 8M
	one=$(losetup -r -f --show "$W/amb.img")
	two=$(losetup -r -f --show "$W/amb.img")
	printf 'mount m { device LABEL=blkasm-amb; target %s/m; read-only yes }\n' "$W" > plan.conf
	atf_check -s exit:1 -e match:"m: LABEL=blkasm-amb is ambiguous: .*${one#/dev/}.* all carry it" \
		"$(bin)" -c plan.conf -t 5 up
	atf_check -s exit:1 grep -q " $W/m " /proc/self/mountinfo
	losetup -d "$one" "$two"
}
ambiguous_tag_cleanup()
{
	cleanup_mounts
}

atf_test_case pending_detach_not_adopted cleanup
pending_detach_not_adopted_head()
{
	atf_set descr "a binding whose detach is pending (held open) is waited out, not adopted"
	atf_set require.user root
	atf_set timeout 60
}
pending_detach_not_adopted_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	truncate -s 8M p.img
	printf 'loop p { file %s/p.img }\n' "$W" > plan.conf
	old=$(losetup -f --show "$W/p.img")
	# Someone holds it for 0.4 s; meanwhile it is detached: the kernel only
	# marks it autoclear and clears it at the last close.
	sh -c 'exec 3<"$1"; sleep 0.4' holder "$old" &
	holder=$!
	sleep 0.1
	losetup -d "$old"
	atf_check -o inline:"1\n" cat "/sys/block/${old#/dev/}/loop/autoclear"
	atf_check -s exit:0 -e save:up.err "$(bin)" -c plan.conf -t 10 up
	cat up.err
	wait "$holder"
	atf_check -s exit:1 grep -q 'already up' up.err
	atf_check -o match:'p: /dev/loop[0-9]+ bound to' cat up.err
	new=$(sed -n 's|.*p: \(/dev/loop[0-9]*\) bound.*|\1|p' up.err)
	atf_check -o inline:"$W/p.img\n" cat "/sys/block/${new#/dev/}/loop/backing_file"
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf down
}
pending_detach_not_adopted_cleanup()
{
	cleanup_mounts
}

atf_test_case detach_names_holder cleanup
detach_names_holder_head()
{
	atf_set descr "a detach still held at the deadline gives up and names who holds it"
	atf_set require.user root
	atf_set timeout 60
}
detach_names_holder_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	truncate -s 8M h.img
	printf 'loop h { file %s/h.img }\n' "$W" > plan.conf
	atf_check -s exit:0 -e save:up.err "$(bin)" -c plan.conf up
	dev=$(sed -n 's|.*h: \(/dev/loop[0-9]*\) bound.*|\1|p' up.err)
	sh -c 'exec 3<"$1"; exec sleep 4' holder "$dev" &
	holder=$!
	sleep 0.2
	atf_check -s exit:1 \
		-e match:"h: cannot take it down: $dev still bound after [0-9]+ attempts in [0-9.]+ s, the (deadline|attempt cap): (Device or resource|Resource) busy \(held by pid $holder sleep\)" \
		"$(bin)" -c plan.conf -t 2 down
	wait "$holder"
	# The kernel finished the deferred clear at the holder's last close.
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf down
	atf_check -o empty sh -c "grep -l '$W/h.img' /sys/block/loop*/loop/backing_file 2>/dev/null || true"
}
detach_names_holder_cleanup()
{
	cleanup_mounts
}

# Loop devices bound to files below $W, one per line.
bound()
{
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		case $(cat "$f") in "$W"/*) echo "${f%/loop/backing_file}" ;; esac
	done
}

atf_test_case fifo_backing_and_record cleanup
fifo_backing_and_record_head()
{
	atf_set descr "a FIFO as backing file or as the record fails at once, within -t"
	atf_set require.user root
	atf_set timeout 60
}
fifo_backing_and_record_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	mkfifo back.fifo
	printf 'loop f { file %s/back.fifo; read-only yes }\n' "$W" > fifo.conf
	# A read-only open of a FIFO waits for a writer: never, here.
	atf_check -s exit:1 \
		-e match:"f: cannot attach $W/back.fifo to a loop device: not a regular file \(a FIFO" \
		timeout -s KILL 3 "$(bin)" -t 2 -c fifo.conf up
	printf 'loop g { file %s/back.fifo }\n' "$W" > rw.conf
	atf_check -s exit:1 -e match:"g: cannot attach $W/back.fifo to a loop device: not a regular file" \
		timeout -s KILL 3 "$(bin)" -t 2 -c rw.conf up

	truncate -s 8M a.img
	printf 'loop a { file %s/a.img }\n' "$W" > plan.conf
	export BLKASM_RUN_DIR="$W/fiforun"
	mkdir fiforun
	mkfifo fiforun/state
	for c in up down status; do
		atf_check -s exit:1 -o empty \
			-e inline:"blkasm: cannot read the record $W/fiforun/state: not a regular file (a FIFO, socket or character device)\n" \
			timeout -s KILL 3 "$(bin)" -t 2 -c plan.conf "$c"
	done
	bound > bound.out
	atf_check -o empty cat bound.out
}
fifo_backing_and_record_cleanup()
{
	cleanup_mounts
}

atf_test_case unrecorded_up_undone cleanup
unrecorded_up_undone_head()
{
	atf_set descr "up that cannot record what it made fails and takes it down again"
	atf_set require.user root
	atf_set timeout 60
}
unrecorded_up_undone_body()
{
	W=$(pwd)
	export BLKASM_RUN_DIR="$W/run"
	mke2fs -q -F -t ext4 a.img 8M
	printf 'loop a { file %s/a.img }\nmount m { device a; target %s/mnt/a }\n' "$W" "$W" > plan.conf
	# A file where the record's folder would be: nothing can be written.
	touch run
	atf_check -s exit:1 -e save:up.err "$(bin)" -c plan.conf -t 10 up
	cat up.err
	atf_check -o match:"cannot record the state in $W/run: Not a directory: taking down what this run made" cat up.err
	atf_check -o match:'m: down' -o match:'a: down' cat up.err
	bound > bound.out
	atf_check -o empty cat bound.out
	atf_check -s exit:1 grep -q " $W/mnt/a " /proc/self/mountinfo

	# Once it can be recorded, down takes down what up made.
	rm run
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf up
	atf_check -s exit:0 -e match:'a: down' "$(bin)" -c plan.conf down
	bound > bound.out
	atf_check -o empty cat bound.out
}
unrecorded_up_undone_cleanup()
{
	cleanup_mounts
}

atf_test_case md_unavailable cleanup
md_unavailable_head()
{
	atf_set descr "on a kernel without md, up of an md node says so, and undoes its members"
	atf_set require.user root
	atf_set timeout 60
}
md_unavailable_body()
{
	[ ! -e /sys/module/md_mod ] && [ ! -e /proc/mdstat ] ||
		atf_skip "this kernel has md"
	W=$(pwd)
	export BLKASM_RUN_DIR="$W/run"
	truncate -s 32M m0.img m1.img
	printf 'loop m0 { file %s/m0.img }\nloop m1 { file %s/m1.img }\nmd r { members m0 m1; level 1; create yes }\n' \
		"$W" "$W" > plan.conf
	atf_check -s exit:1 -e save:up.err timeout -s KILL 10 "$(bin)" -c plan.conf -t 5 up
	cat up.err
	atf_check -o match:'r: md is not available in this kernel: no /sys/module/md_mod, no /proc/mdstat' \
		cat up.err
	atf_check -s exit:1 grep -q 'still being freed' up.err
	# Nothing written to the members, nothing left bound.
	atf_check -o inline:"0\n" sh -c 'cat m0.img m1.img | tr -d "\\000" | wc -c'
	bound > bound.out
	atf_check -o empty cat bound.out
}
md_unavailable_cleanup()
{
	cleanup_mounts
}

atf_test_case symlink_loop_backing cleanup
symlink_loop_backing_head()
{
	atf_set descr "a backing file that is a symlink loop is named in the error"
	atf_set require.user root
	atf_set timeout 30
}
symlink_loop_backing_body()
{
	W=$(pwd)
	export BLKASM_RUN_DIR="$W/run"
	ln -s s2 s1
	ln -s s1 s2
	printf 'loop s { file %s/s1 }\n' "$W" > plan.conf
	atf_check -s exit:1 \
		-e inline:"blkasm: s: cannot look for a loop device bound to $W/s1: $(eloop)\n" \
		"$(bin)" -c plan.conf up
}
symlink_loop_backing_cleanup()
{
	cleanup_mounts
}

atf_init_test_cases()
{
	atf_add_test_case fifo_backing_and_record
	atf_add_test_case unrecorded_up_undone
	atf_add_test_case md_unavailable
	atf_add_test_case symlink_loop_backing
	atf_add_test_case detach_names_holder
	atf_add_test_case pending_detach_not_adopted
	atf_add_test_case ambiguous_tag
	atf_add_test_case four_levels
	atf_add_test_case down_leaves_foreign_devices
}
