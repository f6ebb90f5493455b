#! /usr/bin/env atf-sh
# The overlay kind on this machine's kernel: a squashfs image on a real
# loop device under a tmpfs upper layer and under a folder on an ext4
# image; writes land in the upper layer, a second up adopts, down leaves
# nothing mounted, and only the folder's changes survive the next up. An
# erofs image's type is probed.

. "$(atf_get_srcdir)/host.subr"

require_overlay()
{
	grep -qw overlay /proc/filesystems || atf_skip "no overlayfs in this kernel"
	grep -qw squashfs /proc/filesystems || atf_skip "no squashfs in this kernel"
	command -v mksquashfs >/dev/null || atf_skip "no mksquashfs"
}

make_images()
{
	mkdir -p stage
	echo "from the image" > stage/hello
	mksquashfs stage root.sqfs -quiet -noappend >/dev/null || atf_fail "mksquashfs"
	mke2fs -q -F -t ext4 data.img 16M || atf_fail "mke2fs"
}

write_plan()
{
	W=$(pwd)
	cat > plan.conf <<CONF
loop img { file $W/root.sqfs; read-only yes }
mount lower { device img; target $W/mnt/lower; read-only yes }
overlay ram { lower lower; size 8M; target $W/mnt/ram }
loop data { file $W/data.img }
mount persist { device data; target $W/mnt/persist }
overlay disk { lower lower; upper $W/mnt/persist/ovl/upper; target $W/mnt/disk }
CONF
}

# The mounts below this test's folder, as "TARGET TYPE".
mounts()
{
	awk -v w="$W" 'index($5, w) == 1 { for (i = 7; $i != "-"; i++); print $5, $(i + 1) }' \
		/proc/self/mountinfo | sort
}

cleanup_all()
{
	W=$(pwd)
	for m in $(awk -v w="$W" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount "$m" 2>/dev/null
	done
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		case $(cat "$f") in "$W"/*) d=${f%/loop/backing_file}; losetup -d "/dev/${d##*/}" ;; esac
	done
	return 0
}

atf_test_case ram_and_folder cleanup
ram_and_folder_head()
{
	atf_set descr "overlays in RAM and in a folder over a squashfs image: up, adopt, status, down"
	atf_set require.user root
	atf_set timeout 120
}
ram_and_folder_body()
{
	require_overlay
	export BLKASM_RUN_DIR="$(pwd)/run"
	make_images
	write_plan

	atf_check -s exit:0 -e save:up1.err "$(bin)" -c plan.conf up
	cat up1.err
	atf_check -o match:"ram: overlay on $W/mnt/ram, upper tmpfs of 8M \(rw\)" cat up1.err
	atf_check -o match:"disk: overlay on $W/mnt/disk, upper $W/mnt/persist/ovl/upper \(rw\)" \
		cat up1.err
	mounts > mounts.out
	atf_check -o inline:"$W/mnt/disk overlay\n$W/mnt/lower squashfs\n$W/mnt/persist ext4\n$W/mnt/ram overlay\n$W/run/overlay/ram tmpfs\n" \
		cat mounts.out
	atf_check -o inline:"from the image\n" cat mnt/ram/hello
	atf_check -o inline:"from the image\n" cat mnt/disk/hello
	# Writes go to the upper layers; the image does not change.
	echo ram > mnt/ram/new && echo disk > mnt/disk/new || atf_fail "cannot write"
	atf_check -o inline:"ram\n" cat run/overlay/ram/upper/new
	atf_check -o inline:"disk\n" cat mnt/persist/ovl/upper/new
	atf_check test -d mnt/persist/ovl/work
	atf_check -s exit:1 test -e mnt/lower/new

	atf_check -s exit:0 -e save:up2.err "$(bin)" -c plan.conf up
	atf_check -o match:'^6$' sh -c 'grep -c "already up" up2.err'
	atf_check -o match:'^ *ram +overlay +up ' "$(bin)" -c plan.conf status

	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf down
	mounts > mounts.out
	atf_check -o empty cat mounts.out
	atf_check -s exit:1 test -e run/overlay/ram

	# Up again: the folder kept its change, RAM did not.
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf up
	atf_check -o inline:"disk\n" cat mnt/disk/new
	atf_check -s exit:1 test -e mnt/ram/new
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf down
}
ram_and_folder_cleanup()
{
	cleanup_all
}

atf_test_case work_on_other_filesystem cleanup
work_on_other_filesystem_head()
{
	atf_set descr "upper and work folders on two filesystems the plan does not mount: refused before the mount"
	atf_set require.user root
	atf_set timeout 60
}
work_on_other_filesystem_body()
{
	require_overlay
	export BLKASM_RUN_DIR="$(pwd)/run"
	make_images
	W=$(pwd)
	mkdir -p other && mount -t tmpfs tmpfs other || atf_fail "cannot mount a tmpfs"
	cat > plan.conf <<CONF
loop img { file $W/root.sqfs; read-only yes }
mount lower { device img; target $W/mnt/lower; read-only yes }
overlay o { lower lower; upper $W/u; work $W/other/w; target $W/mnt/o }
CONF
	atf_check -s exit:1 -e save:up.err "$(bin)" -c plan.conf up
	cat up.err
	atf_check -o match:"o: .*upper folder $W/u \(on device [0-9]+:[0-9]+\) and work folder $W/other/w \(on [0-9]+:[0-9]+\) are on different filesystems" \
		cat up.err
	# What came up before it was taken down again.
	mounts > mounts.out
	atf_check -o inline:"$W/other tmpfs\n" cat mounts.out
}
work_on_other_filesystem_cleanup()
{
	cleanup_all
}

atf_test_case erofs_probed cleanup
erofs_probed_head()
{
	atf_set descr "an erofs image as the lower layer, its type probed"
	atf_set require.user root
	atf_set timeout 60
}
erofs_probed_body()
{
	require_overlay
	grep -qw erofs /proc/filesystems || atf_skip "no erofs in this kernel"
	command -v mkfs.erofs >/dev/null || atf_skip "no mkfs.erofs"
	export BLKASM_RUN_DIR="$(pwd)/run"
	W=$(pwd)
	mkdir -p stage && echo "from erofs" > stage/hello
	mkfs.erofs root.erofs stage >/dev/null 2>&1 || atf_fail "mkfs.erofs"
	cat > plan.conf <<CONF
loop img { file $W/root.erofs; read-only yes }
mount lower { device img; target $W/mnt/lower; read-only yes }
overlay o { lower lower; target $W/mnt/o }
CONF
	atf_check -s exit:0 -e match:"lower: /dev/loop[0-9]+ mounted on $W/mnt/lower \(erofs, ro\)" \
		"$(bin)" -c plan.conf up
	atf_check -o inline:"from erofs\n" cat mnt/o/hello
	atf_check -s exit:0 -e ignore "$(bin)" -c plan.conf down
	mounts > mounts.out
	atf_check -o empty cat mounts.out
}
erofs_probed_cleanup()
{
	cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case ram_and_folder
	atf_add_test_case work_on_other_filesystem
	atf_add_test_case erofs_probed
}
