#! /usr/bin/env atf-sh
# blkasm-initramfs (the host build) on a fake module tree: what it packs,
# that the same inputs give the same bytes, and the inputs it refuses.

# atf_check runs programs, not shell functions: $G is the generator,
# $T the fake tree's options (setup_tree sets both).
G= T=

# mkelf FILE E_MACHINE: a 64-byte little-endian ELF64 header (62 x86-64,
# 183 AArch64) and a body, enough for the generator's architecture check.
mkelf()
{
	local lo hi

	lo=$(printf '%03o' $(($2 % 256))) hi=$(printf '%03o' $(($2 / 256)))
	mkdir -p "$(dirname "$1")"
	{
		printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
		printf "\\001\\000\\$lo\\$hi"
		head -c 44 /dev/zero
		echo "body of $1"
	} > "$1"
}

# A kernel tree as modules_install leaves it, in ./kmod/lib/modules/6.1.0-test.
setup_tree()
{
	local t=kmod/lib/modules/6.1.0-test

	G=${BLKASM_BUILD:?run through make check}/host/blkasm-initramfs
	T="-m kmod -b blkasm -K kernel.config"
	[ -x "$G" ] || atf_fail "$G missing: run make unit"

	for m in kernel/fs/ext4/ext4.ko kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko \
		kernel/lib/crc16.ko kernel/lib/libcrc32c.ko kernel/crypto/crc32c_generic.ko \
		kernel/arch/x86/crypto/crc32c-intel.ko kernel/drivers/block/loop.ko \
		kernel/drivers/md/md-mod.ko kernel/drivers/md/raid1.ko \
		kernel/drivers/md/raid0.ko kernel/drivers/md/dm-mod.ko \
		kernel/drivers/md/dm-thin-pool.ko kernel/fs/xfs/xfs.ko; do
		mkelf "$t/$m" 62
	done
	cat > "$t/modules.dep" <<-EOF
	kernel/fs/mbcache.ko:
	kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko
	kernel/fs/jbd2/jbd2.ko:
	kernel/arch/x86/crypto/crc32c-intel.ko:
	kernel/crypto/crc32c_generic.ko:
	kernel/lib/crc16.ko:
	kernel/lib/libcrc32c.ko:
	kernel/drivers/block/loop.ko:
	kernel/drivers/md/raid0.ko: kernel/drivers/md/md-mod.ko
	kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko
	kernel/drivers/md/md-mod.ko:
	kernel/drivers/md/dm-mod.ko:
	kernel/drivers/md/dm-thin-pool.ko: kernel/drivers/md/dm-mod.ko kernel/lib/libcrc32c.ko
	kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko
	EOF
	cat > "$t/modules.softdep" <<-EOF
	# Soft dependencies extracted from modules themselves.
	softdep ext4 pre: crypto-crc32c
	softdep libcrc32c pre: crc32c
	EOF
	cat > "$t/modules.alias" <<-EOF
	alias crypto-crc32c crc32c_intel
	alias crc32c crc32c_intel
	alias crypto-crc32c crc32c_generic
	alias crc32c crc32c_generic
	EOF
	printf 'kernel/drivers/block/virtio_blk.ko\nkernel/fs/fat/vfat.ko\n' > "$t/modules.builtin"
	printf 'CONFIG_RD_GZIP=y\nCONFIG_RD_ZSTD=y\n# CONFIG_RD_XZ is not set\nCONFIG_RD_LZ4=y\n' \
		> kernel.config
	mkelf blkasm 62
	mkdir bb && mkelf bb/busybox 62 && printf 'busybox\nsh\nls\n' > bb/applets
	cat > plan.conf <<-EOF
	loop img { file /host/root.img }
	md data {
		members img
		level raid1
	}
	mount datafs { device data
		target /data
		type xfs
	}
	mount scratch { device /dev/ram0
		target /scratch
		type tmpfs
	}
	EOF
}

atf_test_case contents
contents_head()
{
	atf_set descr "packs blkasm, the plan, the plan's modules and the layout blkasm expects"
}
contents_body()
{
	setup_tree
	mkdir out
	atf_check "$G" $T -o out/i.gz -c plan.conf --fstype ext4 --busybox bb
	mkdir x
	(cd x && gzip -dc ../out/i.gz | cpio -id --quiet) || atf_fail "cannot unpack"
	atf_check -o save:list sh -c 'gzip -dc out/i.gz | cpio -t --quiet'
	atf_check cmp blkasm x/init
	atf_check cmp plan.conf x/etc/blkasm.conf
	test -x x/init || atf_fail "/init is not executable"
	# Boot list: loop (plan), xfs (plan's mount: libcrc32c's soft dependency
	# first), ext4 (--fstype, its own soft dependency already listed).
	printf 'loop\ncrc32c_generic\nxfs\next4\n' > want
	atf_check -o file:want cat x/etc/blkasm/modules
	m=x/lib/modules/6.1.0-test
	for k in loop ext4 jbd2 mbcache crc16 crc32c_generic libcrc32c xfs md-mod raid1; do
		find "$m" -name "$k.ko" | grep -q . || atf_fail "$k.ko not packed"
	done
	for k in crc32c-intel raid0 dm-mod dm-thin-pool; do
		find "$m" -name "$k.ko" | grep -q . && atf_fail "$k.ko packed but not needed"
	done
	atf_check -o match:'^kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko$' \
		cat "$m/modules.dep"
	atf_check -s exit:1 grep raid0 "$m/modules.dep"
	atf_check cmp kmod/lib/modules/6.1.0-test/modules.builtin "$m/modules.builtin"
	atf_check -o match:'^crw------- .* 5, +1 .* dev/console$' \
		sh -c 'gzip -dc out/i.gz | cpio -tv --quiet'
	atf_check -o match:'^drwxrwxrwt .* tmp$' -o match:'^-rwxr-xr-x .* init$' \
		-o match:'^lrwxrwxrwx .* bin/sh -> busybox$' \
		sh -c 'gzip -dc out/i.gz | cpio -tv --quiet'
	for d in proc sys run root tmp dev; do
		test -d "x/$d" || atf_fail "/$d missing"
	done
	atf_check -s exit:1 grep -x bin/busybox/busybox list
	# Owners 0:0 and the epoch's mtime everywhere.
	atf_check -s exit:1 -o empty sh -c \
		'gzip -dc out/i.gz | cpio -tv --numeric-uid-gid --quiet | grep -v " 0 *0 "'
}

atf_test_case reproducible
reproducible_head()
{
	atf_set descr "the same inputs give the same bytes; a changed input does not"
}
reproducible_body()
{
	setup_tree
	atf_check "$G" $T -o a.gz -c plan.conf --fstype ext4
	sleep 1
	touch kmod/lib/modules/6.1.0-test/kernel/fs/ext4/ext4.ko
	atf_check "$G" $T -o b.gz -c plan.conf --fstype ext4
	atf_check cmp a.gz b.gz
	SOURCE_DATE_EPOCH=1700000000 atf_check "$G" $T -o c.gz -c plan.conf --fstype ext4
	atf_check -s exit:1 -o ignore cmp a.gz c.gz
	echo "# changed" >> plan.conf
	atf_check "$G" $T -o d.gz -c plan.conf --fstype ext4
	atf_check -s exit:1 -o ignore cmp a.gz d.gz
	echo "more" >> kmod/lib/modules/6.1.0-test/kernel/fs/ext4/ext4.ko
	atf_check "$G" $T -o e.gz -c plan.conf --fstype ext4
	atf_check -s exit:1 -o ignore cmp d.gz e.gz
	[ "$(sha256sum < a.gz)" = "$(sha256sum < b.gz)" ] || atf_fail "sha256 differs"
}

atf_test_case compressions
compressions_head()
{
	atf_set descr "each compression unpacks to the same archive; --list gives the totals"
}
compressions_body()
{
	setup_tree
	atf_check -o save:listing "$G" $T -o none.cpio -C none --add loop --list
	atf_check -o match:'^ +[0-9]+ /init$' cat listing
	size=$(stat -c %s none.cpio)
	atf_check -o match:"^[0-9]+ members: $size bytes uncompressed, $size bytes unpacked\$" \
		tail -n 1 listing
	atf_check -o ignore cpio -t --quiet -F none.cpio
	atf_check "$G" $T -o g.gz -C gzip --add loop
	atf_check -o save:g.cpio gzip -dc g.gz
	atf_check "$G" $T -o z.zst -C zstd --add loop
	atf_check -o save:z.cpio zstd -dcq z.zst
	atf_check "$G" $T -o l.lz4 -C lz4 --add loop
	atf_check -o save:l.cpio lz4 -dcq l.lz4
	# The kernel reads lz4's legacy frames only (magic 02 21 4C 18).
	atf_check -o inline:'02214c18\n' sh -c 'head -c 4 l.lz4 | od -An -tx1 | tr -d " "'
	for f in g z l; do
		atf_check cmp none.cpio "$f.cpio"
	done
	# xz is not set in this kernel's config; without the config it is fine.
	atf_check "$G" -m kmod -b blkasm -o x.xz -C xz --add loop
	atf_check -o save:x.cpio xz -dc x.xz
	atf_check cmp none.cpio x.cpio
	atf_check -o match:CRC32 xz --list --verbose x.xz
}

# refused ERR_REGEX ARGS...: exit 1, the message, and nothing left behind.
refused()
{
	local re=$1

	shift
	mkdir -p out
	atf_check -s exit:1 -e match:"$re" "$@"
	atf_check -o inline:'' ls -A out
}

atf_test_case errors
errors_head()
{
	atf_set descr "bad inputs are refused with their message and no output file"
}
errors_body()
{
	setup_tree
	printf 'loop a {\n\tfile relative.img\n}\n' > bad.conf
	refused '^blkasm-initramfs: bad.conf:2:7: ' "$G" $T -o out/i.gz -c bad.conf
	refused 'module zfs: not in modules.dep, modules.builtin or modules.alias' \
		"$G" $T -o out/i.gz --add zfs
	refused 'unknown compression bzip9: expected gzip, zstd, xz, lz4 or none' \
		"$G" $T -o out/i.gz -C bzip9
	refused 'cannot unpack a xz initramfs: CONFIG_RD_XZ is not set in kernel.config' \
		"$G" $T -o out/i.xz -C xz
	# Without -K: the tree's build/.config.
	mkdir kmod/lib/modules/6.1.0-test/build
	cp kernel.config kmod/lib/modules/6.1.0-test/build/.config
	refused 'CONFIG_RD_XZ is not set in kmod/lib/modules/6.1.0-test/build/.config' \
		"$G" -m kmod -b blkasm -o out/i.xz -C xz
	rm -r kmod/lib/modules/6.1.0-test/build
	refused 'module tree nowhere does not exist' \
		"$G" -m nowhere -b blkasm -o out/i.gz
	refused 'module tree /lib/modules/0.0.0-none does not exist' \
		"$G" -k 0.0.0-none -b blkasm -o out/i.gz
	mkelf arm-blkasm 183
	refused 'arm-blkasm is built for AArch64, but the kernel is x86-64' \
		"$G" -m kmod -b arm-blkasm -o out/i.gz --add loop
	refused 'module loop: no module tree' "$G" -b blkasm -o out/i.gz --add loop
	refused "$G is linked dynamically" "$G" -m kmod -b "$G" -o out/i.gz
	printf '#!/bin/sh\n' > script
	refused 'script: not an ELF binary' "$G" -m kmod -b script -o out/i.gz
	atf_check -s exit:1 -e match:'cannot write no/i.gz: no temporary file in no: ' \
		"$G" -b blkasm -o no/i.gz
	echo 'softdep' >> kmod/lib/modules/6.1.0-test/modules.softdep
	refused 'modules.softdep:4: expected' "$G" $T -o out/i.gz --add loop
	# A failed run leaves an earlier output alone.
	sed -i '$d' kmod/lib/modules/6.1.0-test/modules.softdep
	atf_check "$G" $T -o out/i.gz --add loop
	cp out/i.gz keep.gz
	atf_check -s exit:1 -e match:'module zfs' "$G" $T -o out/i.gz --add zfs
	atf_check cmp keep.gz out/i.gz
	atf_check -o inline:'i.gz\n' ls -A out
	# More than init/boot.c reads from /etc/blkasm/modules (64).
	t=kmod/lib/modules/6.1.0-test
	for i in $(seq 0 64); do
		mkelf "$t/kernel/m$i.ko" 62 && echo "kernel/m$i.ko:" >> "$t/modules.dep"
	done
	echo "softdep loop pre: $(seq -f m%g -s ' ' 0 64)" >> "$t/modules.softdep"
	rm out/i.gz
	refused '66 modules to load at boot: blkasm loads at most 64' \
		"$G" $T -o out/i.gz --add loop
}

atf_init_test_cases()
{
	atf_add_test_case contents
	atf_add_test_case reproducible
	atf_add_test_case compressions
	atf_add_test_case errors
}
