#! /usr/bin/env atf-sh
# The static binaries as black boxes: linkage, version, `blkasm plan`.

bin()
{
	echo "${BLKASM_BUILD:?run through make check}/${1:-qemu-x86_64}/blkasm"
}

atf_test_case static_binaries
static_binaries_head()
{
	atf_set descr "both boards' blkasm are statically linked for their architecture"
}
static_binaries_body()
{
	atf_check -o match:'ELF 64-bit LSB executable, x86-64.*statically linked' \
		file "$(bin qemu-x86_64)"
	atf_check -o match:'ELF 64-bit LSB executable, ARM aarch64.*statically linked' \
		file "$(bin qemu-aarch64)"
}

atf_test_case version
version_head()
{
	atf_set descr "version and usage"
}
version_body()
{
	atf_check -o match:'^blkasm [0-9]' "$(bin)" version
	atf_check -s exit:2 -e match:'^usage: blkasm' "$(bin)"
	atf_check -s exit:2 -e match:"unknown command 'frobnicate'" "$(bin)" frobnicate
	atf_check -o match:'^usage: blkasm' "$(bin)" help
}

atf_test_case plan_root_on_loop
plan_root_on_loop_head()
{
	atf_set descr "plan prints the nodes of a root-on-loop command line, in order"
}
plan_root_on_loop_body()
{
	cat > expected <<'OUT'
1. rootdev      device device=LABEL=host wait=7
2. host         mount  device=rootdev target=/host type=xfs options=noatime read-only=no  (needs rootdev)
3. rootimg      loop   file=/host/img/root.img autoclear=yes  (needs host)
4. root         mount  device=rootimg target=/root type=ext4 options=discard read-only=yes  (needs rootimg)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'quiet root=LABEL=host rootfstype=xfs rootflags=noatime rootdelay=7 loop=/img/root.img loopfstype=ext4 loopflags=discard ro'
}

atf_test_case plan_plain_root
plan_plain_root_head()
{
	atf_set descr "plan of a plain root= with rootwait, init= and a break point"
}
plan_plain_root_body()
{
	cat > expected <<'OUT'
1. rootdev      device device=PARTUUID=0b1ca5a0-01 wait=40
2. root         mount  device=rootdev target=/root read-only=no  (needs rootdev)
then switch_root to /root running /bin/myinit (boot deadline 40 s)
with a shell at break point premount
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'root=PARTUUID=0b1ca5a0-01 rootwait rw init=/bin/myinit blkasm.timeout=40 blkasm.break=premount -- single'
}

# plan_error CMDLINE MESSAGE: exit 1, the message on stderr, nothing on stdout.
plan_error()
{
	atf_check -s exit:1 -o empty -e inline:"blkasm: $2
" "$(bin)" plan --cmdline "$1"
}

atf_test_case plan_errors
plan_errors_head()
{
	atf_set descr "malformed command lines: column, parameter, what was expected"
}
plan_errors_body()
{
	plan_error 'root=/dev/vda rootdelay=abc' \
		'kernel command line, column 15 (rootdelay=abc): expected a whole number of seconds (0-86400)'
	plan_error 'ro root=sda1' \
		'kernel command line, column 4 (root=sda1): expected /dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR'
	plan_error 'root=/dev/vda loop=/a/../b' \
		"kernel command line, column 15 (loop=/a/../b): expected an absolute path without '.' or '..' elements"
	plan_error 'root=/dev/vda blkasm.timout=5' \
		'kernel command line, column 15 (blkasm.timout=5): expected a known blkasm parameter: blkasm.conf=, blkasm.timeout=, blkasm.debug, blkasm.break=, blkasm.shell'
	plan_error 'root=/dev/vda blkasm.break=later' \
		'kernel command line, column 15 (blkasm.break=later): expected one of top, premount, bottom'
	plan_error 'root=/dev/vda rootfstype=Ext4' \
		'kernel command line, column 15 (rootfstype=Ext4): expected filesystem type names separated by commas (ext4, or ext4,xfs)'
	plan_error 'root=' \
		"kernel command line, column 1 (root=): expected a value after '='"
	plan_error 'root=/dev/vda ro=1' \
		'kernel command line, column 15 (ro=1): expected no value'
	plan_error 'quiet splash' \
		'kernel command line: no root= given: nothing to assemble'
}

atf_init_test_cases()
{
	atf_add_test_case static_binaries
	atf_add_test_case version
	atf_add_test_case plan_root_on_loop
	atf_add_test_case plan_plain_root
	atf_add_test_case plan_errors
}
