#! /usr/bin/env atf-sh
# Boots on the boards' own kernels (KERNEL=tree: linux-source-6.1 with the
# project's patches, everything built in; make check builds them into
# $(O)/<board>-tree), and EBUSY injected through fail_function into every
# kernel path of blkasm's operations that can refuse with it
# (docs/kernel.md): success while the refusals end within the retry
# policy, a bounded give-up with a diagnosis when they never end. And the
# one-file kernel, with the initramfs built in, booting on its own.

. "$(atf_get_srcdir)/board.subr"
X=qemu-x86_64-tree
A=qemu-aarch64-tree

# The tree build of a board, or skip (a kyua run without make check's
# tree builds).
need_tree()
{
	[ -f "$(board_dir "$1")/board.env" ] && [ -f "$(board_dir "$1")/kernel/key" ] ||
		atf_skip "no $1 build (make check, or make images KERNEL=tree)"
}

# The console shows the tree kernel: its release and its build's cache key.
expect_tree_kernel()
{
	local kdir
	kdir=$(board_dir "$1")/kernel
	expect_console "Linux version $(cat "$kdir/kver") \(blkasm@blkasm\)"
	echo "kernel: $(cat "$kdir/key")"
}

atf_test_case x86_64_root_on_loop
x86_64_root_on_loop_head()
{
	atf_set descr "qemu-x86_64 on its own kernel: root filesystem in a loop image on vda, power-off ends QEMU"
	atf_set timeout 300
}
x86_64_root_on_loop_body()
{
	need_tree $X
	boot $X 240
	expect_tree_kernel $X
	expect_root_on_loop
	expect_console 'rootdev: /dev/vda is /dev/vda'
	expect_console '^(\[ *[0-9.]+\] )?Unpacking initramfs\.\.\.$'
}

atf_test_case aarch64_root_on_loop
aarch64_root_on_loop_head()
{
	atf_set descr "qemu-aarch64 on its own kernel: root filesystem in a loop image on vda, power-off ends QEMU"
	atf_set timeout 400
}
aarch64_root_on_loop_body()
{
	need_tree $A
	boot $A 360
	expect_tree_kernel $A
	expect_root_on_loop
	expect_console '^(\[ *[0-9.]+\] )?Unpacking initramfs\.\.\.$'
}

# builtin BOARD TIMEOUT: the one-file kernel, kernel/image-initramfs (make
# images KERNEL=tree: the plain initramfs, uncompressed, linked into the
# tree kernel), booted with no initrd at all (boot.sh -R), reaches the root
# on loop. The kernel says "Unpacking initramfs..." only for an initrd it
# was handed (the root_on_loop cases see it); "blkasm: ready" and
# /run/blkasm/timings (expect_root_on_loop) come from blkasm's boot, which
# only runs as PID 1: the built-in initramfs's /init.
builtin()
{
	local kdir
	need_tree "$1"
	kdir=$(board_dir "$1")/kernel
	[ -f "$kdir/image-initramfs" ] ||
		atf_fail "no $kdir/image-initramfs (make images KERNEL=tree)"
	boot "$1" "$2" -R -k "$kdir/image-initramfs"
	expect_tree_kernel "$1"
	expect_root_on_loop
	! grep -q 'Unpacking initramfs' console.log ||
		atf_fail "the kernel unpacked an initrd: the boot was not on the built-in initramfs alone"
}

atf_test_case x86_64_builtin_initramfs
x86_64_builtin_initramfs_head()
{
	atf_set descr "qemu-x86_64 on the one-file kernel (initramfs built in), no initrd: root filesystem in a loop image on vda"
	atf_set timeout 300
}
x86_64_builtin_initramfs_body()
{
	builtin $X 240
}

atf_test_case aarch64_builtin_initramfs
aarch64_builtin_initramfs_head()
{
	atf_set descr "qemu-aarch64 on the one-file kernel (initramfs built in), no initrd: root filesystem in a loop image on vda"
	atf_set timeout 400
}
aarch64_builtin_initramfs_body()
{
	builtin $A 360
}

atf_test_case x86_64_full_stack_root
x86_64_full_stack_root_head()
{
	atf_set descr "qemu-x86_64 on its own kernel: root on a thin volume on md raid1 on loop images, built-in drivers only"
	atf_set timeout 600
}
x86_64_full_stack_root_body()
{
	need_tree $X
	stack_boot $X
	expect_tree_kernel $X
}

# inject BOARD SCENARIO ARGS: a guest scenario of tests/board/guest on the
# tree kernel; passes when all its checks did. Its figures go to stdout.
inject()
{
	need_tree "$1"
	guest_test "$1" 300 "$2" "$3"
	expect_tree_kernel "$1"
	expect_console '^inject scenario: 0 failed checks$'
	grep '^INJECT ' console.log
}

# A case refused 5 times ends in success; refused for good, in a give-up
# whose diagnosis says WHAT, with the attempts and the time.
expect_injected()
{
	local label=$1 what=$2
	expect_console "^INJECT $label, refused 5 times: pass, succeeded after 5 refusals"
	expect_console "^INJECT $label, refused for good: pass, gave up in [0-9]+ ms: .*$what after [0-9]+ attempts in [0-9]+\.[0-9]+ s"
}

inject_loop_attach()
{
	inject "$1" inject_loop attach,5
	expect_injected "loop attach" "cannot attach /tmp/mdt/lp0.img to a loop device"
	expect_console '^INJECT loop attach, refused with 75% probability: pass'
	expect_console '^INJECT loop attach, refused for good, -t 2: pass, .*, the deadline'
}
descr_loop_attach="LOOP_CONFIGURE refused with EBUSY (device taken): attach succeeds after 5 refusals and at 75%; bounded give-up when refused for good or at -t's deadline"

inject_loop_detach()
{
	inject "$1" inject_loop detach,5
	expect_injected "loop detach" "/dev/loop[0-9]+ still bound"
}
descr_loop_detach="LOOP_CLR_FD refused with EBUSY (as before 4.4): detach succeeds after 5 refusals; bounded give-up when refused for good"

inject_partscan()
{
	inject "$1" inject_loop partscan,5
	expect_injected "partition rescan" "/dev/loop[0-9]+: 0 of 3 partitions appeared"
}
descr_partscan="partition rescans refused with EBUSY (a partition held): all 3 partitions after 5 refusals; bounded give-up when refused for good"

inject_md_stop()
{
	inject "$1" inject_md stop,5
	expect_injected "md stop" "/dev/md0 still running"
	expect_console '^INJECT md stop, refused with 75% probability: pass'
}
descr_md_stop="md stop refused with EBUSY (array held open): stop succeeds after 5 refusals and at 75%; bounded give-up when refused for good"

inject_md_open()
{
	inject "$1" inject_md open,5
	expect_injected "md open after assembly" "/dev/md0 started but does not open"
}
descr_md_open="opens of a started md array refused with EBUSY (racing a stop): assembly succeeds after 5 refusals; bounded give-up when refused for good"

inject_dm_remove()
{
	inject "$1" inject_dm 5
	expect_injected "dm remove" "/dev/mapper/blkasm-vol still there"
}
descr_dm_remove="DM_DEV_REMOVE refused with EBUSY (device held open): thin volume and pool go after 5 refusals; bounded give-up when refused for good"

# The boot's deadline against a kernel that keeps refusing: a
# blkasm.break=top shell arms fail_function (EBUSY from every
# LOOP_CONFIGURE, for good), and with blkasm.timeout=3 the boot must give
# up on the root image's loop node and start the rescue shell within
# 3 s + 1 s of that shell's exit (the break shell's time does not count
# against the deadline; docs/boot-parameters.md).
inject_boot_deadline()
{
	local b=$1 ff=/sys/kernel/debug/fail_function resume rescue ms
	need_tree "$b"
	{
		echo "mount -t debugfs debugfs /sys/kernel/debug"
		echo "echo loop_check_unbound > $ff/inject"
		echo "echo 0xfffffffffffffff0 > $ff/loop_check_unbound/retval"
		echo "echo N > $ff/task-filter"
		echo "echo 0 > $ff/verbose"
		echo "echo 1 > $ff/interval"
		echo "echo 100 > $ff/probability"
		echo "echo -1 > $ff/times"
		echo "exit"
		echo "@wait could not be brought up"
		echo 'echo rescue-$((6*7))'
		echo "poweroff -f"
	} > shell.in
	boot "$b" 300 -w 'break point top' -s shell.in -c \
		"$(board_cmdline "$b" root=/dev/vda loop=/images/root.img rw blkasm.timeout=3 blkasm.break=top)"
	expect_tree_kernel "$b"
	expect_rescued
	expect_console 'blkasm: rootimg could not be brought up: cannot attach /host/images/root\.img to a loop device.*the deadline'
	# Kernel timestamps (ms) of the boot going on and of the rescue shell;
	# awk drops leading zeros ("0.944" gives 0944, which $(( )) reads as octal).
	resume=$(sed -n 's/^\[ *\([0-9]*\)\.\([0-9]\{3\}\)[0-9]*\] blkasm: break point top: the shell exited.*/\1\2/p' console.log | head -n 1 | awk '{ print $1 + 0 }')
	rescue=$(sed -n 's/^\[ *\([0-9]*\)\.\([0-9]\{3\}\)[0-9]*\] blkasm: .*could not be brought up.*starting a rescue shell.*/\1\2/p' console.log | head -n 1 | awk '{ print $1 + 0 }')
	[ -n "$resume" ] && [ -n "$rescue" ] || atf_fail "no resume or rescue time on the console"
	ms=$((rescue - resume))
	echo "deadline under EBUSY: the rescue shell started $ms ms after the break shell exited (blkasm.timeout=3)"
	[ "$ms" -le 4000 ] || atf_fail "the rescue shell started $ms ms after the boot went on, more than 3 s + 1 s"
}
descr_boot_deadline="at boot, LOOP_CONFIGURE refused with EBUSY for good (armed from a blkasm.break=top shell): with blkasm.timeout=3 the rescue shell starts within 4 s of the boot going on, naming the root image's loop node"

INJECT_CASES="loop_attach loop_detach partscan md_stop md_open dm_remove boot_deadline"

# One test case per injection case and board: <arch>_inject_<case>.
for c in $INJECT_CASES; do
	for arch in x86_64 aarch64; do
		atf_test_case "${arch}_inject_$c"
		eval "${arch}_inject_${c}_head() {
			atf_set descr \"\$descr_$c (qemu-$arch)\"
			atf_set timeout 400
		}
		${arch}_inject_${c}_body() { inject_$c qemu-$arch-tree; }"
	done
done

atf_init_test_cases()
{
	atf_add_test_case x86_64_root_on_loop
	atf_add_test_case aarch64_root_on_loop
	atf_add_test_case x86_64_builtin_initramfs
	atf_add_test_case aarch64_builtin_initramfs
	atf_add_test_case x86_64_full_stack_root
	for c in $INJECT_CASES; do
		atf_add_test_case "x86_64_inject_$c"
		atf_add_test_case "aarch64_inject_$c"
	done
}
