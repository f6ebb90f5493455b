#! /usr/bin/env atf-sh
# init/initramfs/kernel-hook.sh, the Debian kernel hook of blkasm-initramfs,
# run as run-parts runs it, with /etc and /boot moved into the work folder
# and a stand-in generator that records its arguments.

V=6.1.0-28-amd64

# A work folder laid out as the system: etc/kernel/{postinst,postrm}.d with
# the hook installed under its installed name, etc/blkasm, boot holding
# the kernel, gen, a generator that writes its arguments, one a line,
# to gen.args and to its -o file, and the commands hook and files (atf_check
# runs programs, not shell functions).
setup_hook()
{
	local hook=${BLKASM_TOP:?run through make check}/init/initramfs/kernel-hook.sh

	[ -r "$hook" ] || atf_fail "$hook missing"
	for d in postinst.d postrm.d; do
		mkdir -p etc/kernel/$d
		cp "$hook" etc/kernel/$d/zz-blkasm-initramfs
		chmod +x etc/kernel/$d/zz-blkasm-initramfs
	done
	mkdir -p etc/blkasm boot
	echo kernel > boot/vmlinuz-$V
	cat > gen <<-'EOF'
	#!/bin/sh
	printf '%s\n' "$@" > "$PWD/gen.args"
	for a; do [ "${p-}" = -o ] && o=$a; p=$a; done
	printf '%s\n' "$@" > "$o"
	EOF
	# ./hook postinst|postrm [VERSION]: run-parts on that folder, as the
	# kernel package's maintainer script does.
	cat > hook <<-EOF
	#!/bin/sh
	run-parts --arg="\${2-$V}" --arg="$PWD/boot/vmlinuz-\${2-$V}" "$PWD/etc/kernel/\$1.d"
	EOF
	# files: every file in boot, etc and out but the hooks and the config,
	# and the generator's record, sorted.
	cat > files <<-'EOF'
	#!/bin/sh
	find boot etc out gen.args -type f ! -path 'etc/kernel/*' \
		! -name initramfs.conf 2>/dev/null | sort
	EOF
	chmod +x gen hook files
	export BLKASM_SYSCONFDIR=$PWD/etc BLKASM_BOOTDIR=$PWD/boot BLKASM_INITRAMFS=$PWD/gen
	unset DEB_MAINT_PARAMS INITRD
}

atf_test_case disabled
disabled_head()
{
	atf_set descr "without a config, or with enabled=no, neither hook does anything"
}
disabled_body()
{
	setup_hook
	./files > before
	atf_check -o empty -e empty ./hook postinst
	atf_check -o empty -e empty ./hook postrm
	printf '# shipped\nenabled=no\nmodules=loop\n' > etc/blkasm/initramfs.conf
	atf_check -o empty -e empty ./hook postinst
	atf_check -o file:before ./files
	# Commented out is not enabled.
	printf '#enabled=yes\n' > etc/blkasm/initramfs.conf
	atf_check -o empty -e empty ./hook postinst
	atf_check -o file:before ./files
}

atf_test_case enabled
enabled_head()
{
	atf_set descr "enabled=yes runs the generator with the config's arguments; postrm removes its image"
}
enabled_body()
{
	setup_hook
	cat > etc/blkasm/initramfs.conf <<-EOF
	enabled=yes
	  # a comment and blank lines

	compression = zstd
	modules=virtio_pci  virtio_blk
	fstype=ext4
	host_only=yes
	blkasm=/opt/blkasm
	kconfig=/cfg/config-VERSION
	EOF
	atf_check -o empty -e match:"writing $PWD/boot/blkasm-initramfs-$V.img for $V" \
		./hook postinst
	cat > want <<-EOF
	-k
	$V
	-C
	zstd
	-c
	$PWD/etc/blkasm.conf
	-K
	/cfg/config-$V
	-b
	/opt/blkasm
	--fstype
	ext4
	--host-only
	--add
	virtio_pci
	--add
	virtio_blk
	-o
	$PWD/boot/blkasm-initramfs-$V.img
	EOF
	atf_check -o file:want cat gen.args
	atf_check -o inline:"boot/blkasm-initramfs-$V.img\nboot/vmlinuz-$V\ngen.args\n" ./files

	# Another kernel's image and initramfs-tools' are not the hook's.
	echo other > boot/blkasm-initramfs-6.1.0-27-amd64.img
	echo itools > boot/initrd.img-$V
	atf_check -o empty -e match:"removing $PWD/boot/blkasm-initramfs-$V.img" ./hook postrm
	test -e boot/blkasm-initramfs-$V.img && atf_fail "postrm left the image"
	atf_check -o inline:'other\n' cat boot/blkasm-initramfs-6.1.0-27-amd64.img
	atf_check -o inline:'itools\n' cat boot/initrd.img-$V
	atf_check -o empty -e empty ./hook postrm

	# A configured output, an empty plan: no -c.
	printf 'enabled=yes\noutput=%s/out/i-VERSION-VERSION.gz\nplan=\n' "$PWD" \
		> etc/blkasm/initramfs.conf
	mkdir out
	atf_check -o empty -e ignore ./hook postinst
	printf '%s\n' -k $V -C gzip -o "$PWD/out/i-$V-$V.gz" > want
	atf_check -o file:want cat gen.args
	test -f "out/i-$V-$V.gz" || atf_fail "no output"
}

atf_test_case deb_params
deb_params_head()
{
	atf_set descr "as Debian's own hooks: INITRD=No and the package's other steps skip the run"
}
deb_params_body()
{
	setup_hook
	printf 'enabled=yes\n' > etc/blkasm/initramfs.conf
	export INITRD=No
	atf_check -o empty -e empty ./hook postinst
	unset INITRD
	test -e gen.args && atf_fail "ran with INITRD=No"
	export DEB_MAINT_PARAMS="'upgrade' '6.1.0-27-amd64'"
	atf_check -e empty ./hook postinst
	test -e gen.args && atf_fail "ran on upgrade"
	DEB_MAINT_PARAMS="'configure' ''"
	atf_check -e ignore ./hook postinst
	test -e boot/blkasm-initramfs-$V.img || atf_fail "no image on configure"
	DEB_MAINT_PARAMS="'purge'"
	atf_check -e empty ./hook postrm
	test -e boot/blkasm-initramfs-$V.img || atf_fail "removed on purge"
	DEB_MAINT_PARAMS="'remove'"
	atf_check -e ignore ./hook postrm
	test -e boot/blkasm-initramfs-$V.img && atf_fail "not removed on remove"
	unset DEB_MAINT_PARAMS
	# A version that would lead out of the output's folder.
	atf_check -s exit:1 -e match:"expected a kernel version as the first argument, got '../x'" \
		./hook postinst ../x
	atf_check -o inline:"boot/vmlinuz-$V\ngen.args\n" ./files
}

# refused CONFIG LINE MESSAGE: with CONFIG (printf's format) as the
# config, both hooks stop with its FILE:LINE, and write or remove nothing.
refused()
{
	printf "$1" > etc/blkasm/initramfs.conf
	shift
	atf_check -s exit:1 -e match:"^run-parts: .* exited with return code 1" \
		-e match:"^blkasm-initramfs hook: $PWD/etc/blkasm/initramfs.conf:$1: $2" \
		./hook postinst
	atf_check -s exit:1 -e match:"initramfs.conf:$1: $2" ./hook postrm
	test -e gen.args && atf_fail "the generator ran"
	atf_check -o file:before ./files
}

atf_test_case bad_config
bad_config_head()
{
	atf_set descr "a line the hook does not understand is refused with FILE:LINE, /boot untouched"
}
bad_config_body()
{
	setup_hook
	echo keep > boot/blkasm-initramfs-$V.img
	./files > before
	refused 'enabled=yes\n\nenabeld=yes\n' 3 'unknown key enabeld: expected enabled, plan'
	# Refused even when not enabled: a typo must not switch it off silently.
	refused 'enabled=no\nenabled=yes please\n' 2 'enabled=yes please: expected yes or no'
	refused 'enabled=yes\ncompression=bzip2\n' 2 \
		'compression=bzip2: expected gzip, zstd, xz, lz4 or none'
	refused 'enabled=yes\noutput=/boot/initrd.img\n' 2 \
		'output=/boot/initrd.img: expected an absolute path with VERSION in it'
	refused 'enabled=yes\noutput=boot/i-VERSION\n' 2 'output=boot/i-VERSION: expected an absolute path'
	refused 'enabled=yes\nmodules=loop;rm\n' 2 'modules=loop;rm: expected module names'
	refused 'enabled=yes\njust words\n' 2 "expected KEY=VALUE, got 'just words'"
	atf_check -o inline:'keep\n' cat boot/blkasm-initramfs-$V.img
}

atf_test_case real_generator
real_generator_head()
{
	atf_set descr "the hook runs the host blkasm-initramfs on a module tree: the image has the plan and modules"
}
real_generator_body()
{
	local t=kmod/lib/modules/$V g=${BLKASM_BUILD:?run through make check}/host/blkasm-initramfs

	[ -x "$g" ] || atf_fail "$g missing: run make unit"
	setup_hook
	export BLKASM_INITRAMFS=$g
	mkdir -p $t/kernel/drivers/block
	# A little-endian ELF64 x86-64 header, for the generator's architecture check.
	mkelf() { { printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
		printf '\001\000\076\000'; head -c 44 /dev/zero; echo "$1"; } > "$1"; }
	mkelf $t/kernel/drivers/block/loop.ko
	mkelf blkasm
	echo kernel/drivers/block/loop.ko: > $t/modules.dep
	: > $t/modules.builtin
	printf 'loop img { file /host/root.img }\n' > etc/blkasm.conf
	# The kernel's config named, so that the machine's /boot is not read.
	printf 'CONFIG_RD_GZIP=y\n' > config-$V
	printf 'enabled=yes\nmoddir=%s/kmod\nblkasm=%s/blkasm\nmodules=loop\nkconfig=%s\n' \
		"$PWD" "$PWD" "$PWD/config-VERSION" > etc/blkasm/initramfs.conf
	atf_check -o empty -e ignore ./hook postinst
	mkdir x
	(cd x && gzip -dc ../boot/blkasm-initramfs-$V.img | cpio -id --quiet) ||
		atf_fail "cannot unpack"
	atf_check cmp etc/blkasm.conf x/etc/blkasm.conf
	atf_check cmp blkasm x/init
	atf_check -o inline:'loop\n' cat x/etc/blkasm/modules
	test -f x/lib/modules/$V/kernel/drivers/block/loop.ko || atf_fail "loop.ko not packed"
	# Nothing but the image was written (no temporary file left in boot).
	atf_check -o inline:"blkasm-initramfs-$V.img\nvmlinuz-$V\n" ls boot
	atf_check -o empty -e ignore ./hook postrm
	atf_check -o inline:"vmlinuz-$V\n" ls boot
}

atf_init_test_cases()
{
	atf_add_test_case disabled
	atf_add_test_case enabled
	atf_add_test_case deb_params
	atf_add_test_case bad_config
	atf_add_test_case real_generator
}
