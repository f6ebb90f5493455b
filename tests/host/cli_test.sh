#! /usr/bin/env atf-sh
# The static binaries as black boxes: linkage, version, `blkasm plan`.

. "$(atf_get_srcdir)/host.subr"

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
	atf_check -o match:'^blkasm [0-9]' "$(bin)" --version
	atf_check -s exit:2 -e match:'^usage: blkasm' "$(bin)"
	atf_check -s exit:2 -e match:"unknown command 'frobnicate'" "$(bin)" frobnicate
	atf_check -o match:'^usage: blkasm' "$(bin)" help
}

atf_test_case help
help_head()
{
	atf_set descr "--help, -h, help COMMAND and COMMAND --help print usage on stdout, exit 0"
}
help_body()
{
	atf_check -o match:'^usage: blkasm' -o match:'^  status \[--json\]' "$(bin)" --help
	atf_check -o match:'^usage: blkasm' "$(bin)" -h
	all="plan up down status version help"
	for c in $all; do
		others=$(echo $all | tr ' ' '\n' | grep -vx "$c" | paste -sd '|')
		atf_check -o match:"^usage: blkasm .* $c" -o match:"^  $c " \
			-o not-match:"^  ($others) " "$(bin)" help "$c"
		atf_check -o match:"^usage: blkasm .* $c" "$(bin)" "$c" --help
		atf_check -o match:"^usage: blkasm .* $c" "$(bin)" -h "$c"
	done
	atf_check -o match:'plan --cmdline TEXT' "$(bin)" plan -h
	atf_check -s exit:2 -e match:"unknown command 'frob'" "$(bin)" help frob
}

atf_test_case options_after_command
options_after_command_head()
{
	atf_set descr "global options after the command; misplaced options are named"
}
options_after_command_body()
{
	printf 'loop a { file /tmp/blkasm-nonexistent/a.img }\n' > p.conf
	atf_check -o match:'^1\. a +loop' "$(bin)" plan -c p.conf
	atf_check -o match:'^1\. a +loop' "$(bin)" plan -c p.conf -t 5 -j 2
	atf_check -o match:'^1\. a +loop' "$(bin)" plan -cp.conf
	atf_check -o match:'^digraph' "$(bin)" plan --dot -c p.conf
	atf_check -s exit:2 \
		-e match:"^blkasm: --dot is an option of 'plan': put it after the command \(blkasm plan --dot\)$" \
		"$(bin)" --dot plan
	atf_check -s exit:2 -e match:"^blkasm up: unknown option --json \(an option of 'status'\)$" \
		"$(bin)" -c p.conf up --json
	atf_check -s exit:2 -e match:"^blkasm plan: unknown option '--frob'$" "$(bin)" plan --frob
	atf_check -s exit:2 -e match:"^blkasm: unknown option '-x'$" "$(bin)" -x plan
	atf_check -s exit:2 -e match:"^blkasm: -j 0: expected a whole number of jobs, 1-64$" \
		"$(bin)" plan -j 0
	atf_check -s exit:2 -e match:"^blkasm plan: unexpected argument 'extra'$" \
		"$(bin)" plan -c p.conf extra
	atf_check -s exit:2 -e match:"^blkasm plan: --cmdline needs a value$" \
		"$(bin)" plan --cmdline
	# After --, nothing is an option: "-c" is a node name there.
	atf_check -s exit:1 -e match:"-c" "$(bin)" -c p.conf up -- -c
}

atf_test_case fifo_plan
fifo_plan_head()
{
	atf_set descr "a FIFO as the plan file is refused at once by plan, up, down and status"
	atf_set timeout 60
}
fifo_plan_body()
{
	export BLKASM_RUN_DIR="$(pwd)/run"
	mkfifo fifo.conf
	# Nobody ever writes it: an open that waits would hang past -t 2, and
	# timeout kills it a second later (exit 137, a failure).
	for c in plan up down status; do
		atf_check -s exit:1 -o empty \
			-e inline:"fifo.conf: cannot read: not a regular file (a FIFO, socket or character device)\n" \
			timeout -s KILL 3 "$(bin)" -t 2 -c fifo.conf "$c"
	done
	atf_check -s exit:1 -o empty -e match:'^cannot read the plan fifo.conf: not a regular file' \
		timeout -s KILL 3 "$(bin)" -t 2 -c fifo.conf plan --cmdline 'root=/dev/vda'
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
then switch_root to /root running /bin/myinit single "a b" (boot deadline 40 s)
with a shell at break point premount
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'root=PARTUUID=0b1ca5a0-01 rootwait rw init=/bin/myinit blkasm.timeout=40 blkasm.break=premount -- single "a b"'
}

atf_test_case plan_root_overlay
plan_root_overlay_head()
{
	atf_set descr "plan of blkasm.overlay=: the root an overlay over root= or loop=, in RAM or in a folder on root="
}
plan_root_overlay_body()
{
	cat > expected <<'OUT'
1. rootdev      device device=/dev/sda2 wait=30
2. host         mount  device=rootdev target=/host read-only=no  (needs rootdev)
3. rootimg      loop   file=/host/images/root.sqfs autoclear=yes read-only=yes  (needs host)
4. rootbase     mount  device=rootimg target=/run/blkasm/rootbase type=squashfs read-only=yes  (needs rootimg)
5. root         overlay lower=rootbase target=/root read-only=yes size=512M  (needs rootbase)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'root=/dev/sda2 loop=/images/root.sqfs loopfstype=squashfs blkasm.overlay=tmpfs:512M'
	cat > expected <<'OUT'
1. rootdev      device device=/dev/sda2 wait=30
2. host         mount  device=rootdev target=/host read-only=no  (needs rootdev)
3. rootimg      loop   file=/host/images/root.sqfs autoclear=yes read-only=yes  (needs host)
4. rootbase     mount  device=rootimg target=/run/blkasm/rootbase read-only=yes  (needs rootimg)
5. root         overlay lower=rootbase target=/root read-only=no upper=/host/overlay/upper work=/host/overlay/work  (needs rootbase, host)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'blkasm.overlay=/overlay root=/dev/sda2 loop=/images/root.sqfs rw'
	cat > expected <<'OUT'
1. rootdev      device device=LABEL=base wait=30
2. rootbase     mount  device=rootdev target=/run/blkasm/rootbase type=ext4 read-only=yes  (needs rootdev)
3. root         overlay lower=rootbase target=/root read-only=yes  (needs rootbase)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		'root=LABEL=base rootfstype=ext4 blkasm.overlay=tmpfs'
	# rootbase is taken only with blkasm.overlay=.
	printf 'mount rootbase { device /dev/vdb; target /b }\n' > base.conf
	atf_check -o match:'^[0-9]\. rootbase ' "$(bin)" plan -c base.conf --cmdline 'root=/dev/vda'
	atf_check -s exit:1 -o empty \
		-e inline:"base.conf:1:7: node name 'rootbase' is taken by the kernel command line's blkasm.overlay=: rename it\n" \
		"$(bin)" plan -c base.conf --cmdline 'root=/dev/vda blkasm.overlay=tmpfs'
}

atf_test_case plan_root_verity
plan_root_verity_head()
{
	atf_set descr "plan of roothash=: the root read through dm-verity, its tree in the image's sidecar .verity file or at blkasm.hashoffset="
}
plan_root_verity_body()
{
	local H=0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef
	local HL=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

	cat > expected <<OUT
1. rootdev      device device=/dev/vda wait=30
2. host         mount  device=rootdev target=/host read-only=no  (needs rootdev)
3. rootimg      loop   file=/host/images/root.img autoclear=yes read-only=yes  (needs host)
4. roothashimg  loop   file=/host/images/root.verity autoclear=yes read-only=yes  (needs host)
5. rootverity   verity data=rootimg root-hash=$HL hash=roothashimg  (needs rootimg, roothashimg)
6. rootbase     mount  device=rootverity target=/run/blkasm/rootbase read-only=yes  (needs rootverity)
7. root         overlay lower=rootbase target=/root read-only=no  (needs rootbase)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		"root=/dev/vda loop=/images/root.img roothash=$H blkasm.overlay=tmpfs rw"
	# Appended to the image (an extension-less name has no sidecar anyway).
	cat > expected <<OUT
1. rootdev      device device=LABEL=data wait=30
2. host         mount  device=rootdev target=/host read-only=no  (needs rootdev)
3. rootimg      loop   file=/host/root autoclear=yes read-only=yes  (needs host)
4. rootverity   verity data=rootimg root-hash=$HL on-corruption=restart hash-offset=8388608  (needs rootimg)
5. root         mount  device=rootverity target=/root type=squashfs read-only=yes  (needs rootverity)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		"root=LABEL=data loop=root loopfstype=squashfs roothash=$H blkasm.hashoffset=8M blkasm.oncorruption=restart rw"
	# On root= itself: rw cannot make a verity device writable.
	cat > expected <<OUT
1. rootdev      device device=/dev/vdb wait=30
2. rootverity   verity data=rootdev root-hash=$HL hash-offset=1048576  (needs rootdev)
3. root         mount  device=rootverity target=/root read-only=yes  (needs rootverity)
then switch_root to /root running /sbin/init (boot deadline 120 s)
OUT
	atf_check -o file:expected "$(bin)" plan --cmdline \
		"root=/dev/vdb roothash=$H blkasm.hashoffset=1M rw"
	# The sidecar is named after the image, its last extension replaced.
	atf_check -o match:'^4\. roothashimg  loop   file=/host/a\.b/root\.sqfs\.verity ' \
		"$(bin)" plan --cmdline "root=/dev/vda loop=/a.b/root.sqfs.x roothash=$H"
	printf 'verity rootverity { data /dev/vdb; root-hash $H; hash-offset 4096 }\n' > v.conf
	atf_check -s exit:1 -o empty \
		-e inline:"v.conf:1:8: node name 'rootverity' is taken by the kernel command line's roothash=: rename it\n" \
		"$(bin)" plan -c v.conf --cmdline "root=/dev/vda loop=/r.img roothash=$H"
	atf_check -s exit:1 -o empty \
		-e match:"column 15 \(roothash=.*\): expected loop= too" \
		"$(bin)" plan --cmdline "root=/dev/vda roothash=$H"
}

atf_test_case plan_cmdline_conf
plan_cmdline_conf_head()
{
	atf_set descr "plan --cmdline reads the plan file the boot would: -c, else blkasm.conf="
}
plan_cmdline_conf_body()
{
	# The boot fails on a blkasm.conf= it cannot read: so does plan.
	atf_check -s exit:1 -o empty \
		-e inline:"cannot read the plan /tmp/blkasm-nonexistent/b.conf: No such file or directory\n" \
		"$(bin)" plan --cmdline 'root=/dev/vda blkasm.conf=/tmp/blkasm-nonexistent/b.conf'
	# (read-only: the root mounts rootimg read-only, and a second writer of
	# one device would be refused as a conflict.)
	printf 'mount extra {\n\tdevice rootimg\n\ttarget /mnt\n\tread-only yes\n}\n' > extra.conf
	atf_check -o match:'^[0-9]\. extra +mount +device=rootimg target=/mnt read-only=yes  \(needs rootimg\)$' \
		"$(bin)" plan --cmdline "root=/dev/vda loop=/a.img blkasm.conf=$(pwd)/extra.conf"
	# -c stands in for the file the boot reads.
	atf_check -o match:'^[0-9]\. extra ' "$(bin)" -c extra.conf plan --cmdline \
		'root=/dev/vda loop=/a.img blkasm.conf=/tmp/blkasm-nonexistent/b.conf'
	# Errors in it at FILE:LINE:COLUMN, also those only the root shows.
	printf 'loop a {\n  file /x.img\n  bogus 1\n}\n' > bad.conf
	atf_check -s exit:1 -o empty -e match:"^bad.conf:3:3: unknown option 'bogus'" \
		"$(bin)" plan -c bad.conf --cmdline 'root=/dev/vda'
	printf '# root is taken\nloop  root { file /x.img }\n' > clash.conf
	atf_check -s exit:1 -o empty \
		-e inline:"clash.conf:2:7: node name 'root' is taken by the kernel command line's root=: rename it\n" \
		"$(bin)" plan -c clash.conf --cmdline 'root=/dev/vda'
	# host and rootimg only come with loop= (tests/board/guest/stack-plan.conf
	# has a host of its own).
	printf 'mount host { device /dev/vdb; target /host }\n' > host.conf
	atf_check -o match:'^[0-9]\. host ' "$(bin)" plan -c host.conf --cmdline 'root=/dev/vda'
	atf_check -s exit:1 -o empty \
		-e inline:"host.conf:1:7: node name 'host' is taken by the kernel command line's loop=: rename it\n" \
		"$(bin)" plan -c host.conf --cmdline 'root=/dev/vda loop=/a.img'
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
		"kernel command line, column 15 (loop=/a/../b): expected an absolute path without empty ('//' or a trailing '/'), '.' or '..' elements"
	plan_error 'root=/dev/vda  loop=//img//root.img' \
		"kernel command line, column 16 (loop=//img//root.img): expected an absolute path without empty ('//' or a trailing '/'), '.' or '..' elements"
	plan_error 'root=/dev/vda init=/sbin/init/' \
		"kernel command line, column 15 (init=/sbin/init/): expected an absolute path without empty ('//' or a trailing '/'), '.' or '..' elements"
	plan_error "ro	root=\"LABEL=a	b\"" \
		'kernel command line, column 4 (root=LABEL=a\\tb): expected a value without tabs or other control characters'
	plan_error "root=/dev/vda loop=\"/a	b.img\"" \
		'kernel command line, column 15 (loop=/a\\tb.img): expected a value without tabs or other control characters'
	plan_error 'root=/dev/vda blkasm.timout=5' \
		'kernel command line, column 15 (blkasm.timout=5): expected a known blkasm parameter: blkasm.conf=, blkasm.overlay=, blkasm.hashoffset=, blkasm.oncorruption=, blkasm.slots=, blkasm.slotdev=, blkasm.slot=, blkasm.slotfallback=, blkasm.timeout=, blkasm.debug, blkasm.break=, blkasm.shell'
	plan_error 'root=/dev/vda blkasm.overlay=/ovl' \
		'kernel command line, column 15 (blkasm.overlay=/ovl): expected loop= too (a folder upper layer lies on root= beside the image), or tmpfs'
	plan_error 'root=/dev/vda blkasm.overlay=tmpfs:0' \
		'kernel command line, column 15 (blkasm.overlay=tmpfs:0): expected tmpfs, tmpfs:SIZE (512M, 2G) or the absolute path of a folder on root='
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
	atf_add_test_case help
	atf_add_test_case options_after_command
	atf_add_test_case fifo_plan
	atf_add_test_case plan_cmdline_conf
	atf_add_test_case plan_root_on_loop
	atf_add_test_case plan_plain_root
	atf_add_test_case plan_root_overlay
	atf_add_test_case plan_root_verity
	atf_add_test_case plan_errors
}
