#!/bin/sh
# Build the board's initramfs (newc cpio, gzip), unprivileged: a staging
# folder archived with owner 0:0, plus a hand-made cpio member for the
# /dev/console node (mknod would need root) so PID 1 starts with a console.
#
# usage: initramfs.sh [-o ONDEMAND] [-t TREE] OUT.cpio.gz INIT BUSYBOX_DIR
#                     KERNEL_DIR MODULE_LIST [PLAN]
#   INIT         the blkasm binary, becomes /init
#   BUSYBOX_DIR  from busybox.sh (busybox + applets)
#   KERNEL_DIR   from kernel.sh (kver, modules/lib/modules/<kver>/)
#   MODULE_LIST  board/<name>/modules: module names in load order, '#' comments
#   PLAN         optional: a plan file, becomes /etc/blkasm.conf
#   -o ONDEMAND  board/<name>/modules.ondemand: modules packed as well but not
#                loaded at boot (blkasm's drivers load them when needed)
#   -t TREE      a folder copied over the staging folder last (the busybox
#                peer of make bench: Debian's tools and their libraries)
# Contents:
#   /init  /bin/busybox + applet links (rescue shell /bin/sh)
#   /dev/console  /proc /sys /run /root /host /tmp  (empty dirs)
#   /lib/modules/<kver>/  modules of both lists + their modules.dep closure,
#                         a trimmed modules.dep, modules.builtin (modules.sh)
#   /etc/blkasm/modules   the boot list only (names, in order)
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
ondemand= tree=
while getopts o:t: opt; do
	case $opt in
	o) ondemand=$(abs "$OPTARG") ;;
	t) tree=$(abs "$OPTARG") ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
out=$(abs "$1") init=$(abs "$2") bb=$(abs "$3") kdir=$(abs "$4") list=$(abs "$5")
plan=${6:+$(abs "$6")}
top=$(cd "$(dirname "$0")" && pwd)
stage=$out.d
kver=$(cat "$kdir/kver")

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin dev proc sys run root host tmp etc/blkasm "lib/modules/$kver"
chmod 1777 tmp
cp "$init" init
chmod 0755 init
[ -z "$plan" ] || cp "$plan" etc/blkasm.conf
cp "$bb/busybox" bin/busybox
for a in $(cat "$bb/applets"); do
	[ "$a" = busybox ] || ln -s busybox "bin/$a"
done

sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$list" > etc/blkasm/modules
"$top/modules.sh" "$kdir" . "$list" ${ondemand:+"$ondemand"}
[ -z "$tree" ] || cp -a "$tree/." .

# One newc header: name mode rdevmajor rdevminor (ino 0 works for the kernel).
newc() {
	ns=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$ns" 0
	printf '%s\0' "$1"
	pad=$(( (4 - (110 + ns) % 4) % 4 ))
	[ "$pad" -eq 0 ] || head -c "$pad" /dev/zero
}
{
	find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet
	newc dev/console $((0020600)) 5 1
	newc TRAILER!!! 0 0 0
} | gzip -9n > "$out.tmp"
cd - >/dev/null
mv "$out.tmp" "$out"
rm -rf "$stage"
