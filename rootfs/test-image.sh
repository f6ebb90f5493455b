#!/bin/sh
# Build the board test root: the demo root's busybox plus the board's static
# blkasm and prober, the scenarios of tests/board/guest, and
# rootfs/test-init.sh as /sbin/init. An ext4 image made with mke2fs -d,
# sparse.
#
# usage: test-image.sh [-k KERNEL_DIR -m LIST...] [-t TOOLS_DIR] [-x PROG...]
#                      OUT.img BUSYBOX_DIR BLKASM PROBER GUEST_DIR
#   -k KERNEL_DIR  from kernel.sh; with -m, /lib/modules/<kver>/ gets the
#                  modules of each LIST (board/<name>/modules and
#                  modules.ondemand) with their modules.dep closure, a trimmed
#                  modules.dep and modules.builtin (modules.sh), so busybox
#                  modprobe and blkasm's mod_load work in the guest
#   -t TOOLS_DIR   debtools.sh's root: Debian's mdadm, dmsetup, thin tools
#                  and e2fsprogs with their libraries, copied over the root
#                  (of the board's architecture)
#   -x PROG        a further static program of the board for /usr/bin
#                  (repeatable), e.g. tests/tools/aio_stress
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
kdir= lists= tools= progs=
while getopts k:m:t:x: opt; do
	case $opt in
	k) kdir=$(abs "$OPTARG") ;;
	m) lists="$lists $(abs "$OPTARG")" ;;
	t) tools=$(abs "$OPTARG") ;;
	x) progs="$progs $(abs "$OPTARG")" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
img=$(abs "$1") bb=$(abs "$2") blkasm=$(abs "$3") prober=$(abs "$4") guest=$(abs "$5")
top=$(cd "$(dirname "$0")" && pwd)
stage=$img.d

rm -rf "$stage" "$img"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin usr/bin dev proc sys run host tmp etc root tests
cp "$bb/busybox" bin/busybox
for a in $(cat "$bb/applets"); do
	[ "$a" = busybox ] || ln -s busybox "bin/$a"
done
rm -f bin/init
cp "$top/test-init.sh" sbin/init
cp "$blkasm" usr/bin/blkasm
cp "$prober" usr/bin/prober
for p in $progs; do
	cp "$p" usr/bin/
done
cp "$guest"/*.sh "$guest"/*.conf tests/
chmod 0755 sbin/init tests/*.sh
chmod 1777 tmp
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
# e2fsprogs and mdadm look for mounted devices in /etc/mtab.
ln -s ../proc/self/mounts etc/mtab
if [ -n "$lists" ]; then
	# shellcheck disable=SC2086 # a list of paths without blanks
	"$top/modules.sh" "${kdir:?-m needs -k}" . $lists
fi
# Debian's binaries go to /sbin and /usr/sbin, its libraries to /lib*.
[ -z "$tools" ] || cp -a "$tools/." .
cd - >/dev/null

mke2fs -q -F -t ext4 -L blkasm-test -E root_owner=0:0 -d "$stage" "$img" 128M >/dev/null
rm -rf "$stage"
