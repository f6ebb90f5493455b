#!/bin/sh
# Build the board's initramfs (newc cpio, gzip), unprivileged: a staging
# folder archived with owner 0:0, plus a hand-made cpio member for the
# /dev/console node (mknod would need root) so PID 1 starts with a console.
#
# usage: initramfs.sh OUT.cpio.gz INIT BUSYBOX_DIR KERNEL_DIR MODULE_LIST [PLAN]
#   INIT         the blkasm binary, becomes /init
#   BUSYBOX_DIR  from busybox.sh (busybox + applets)
#   KERNEL_DIR   from kernel.sh (kver, modules/lib/modules/<kver>/)
#   MODULE_LIST  board/<name>/modules: module names in load order, '#' comments
#   PLAN         optional: a plan file, becomes /etc/blkasm.conf
# Contents:
#   /init  /bin/busybox + applet links (rescue shell /bin/sh)
#   /dev/console  /proc /sys /run /root /host /tmp  (empty dirs)
#   /lib/modules/<kver>/  listed modules + their modules.dep closure, a
#                         trimmed modules.dep, modules.builtin
#   /etc/blkasm/modules   the list (names, in order)
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
out=$(abs "$1") init=$(abs "$2") bb=$(abs "$3") kdir=$(abs "$4") list=$(abs "$5")
plan=${6:+$(abs "$6")}
stage=$out.d
kver=$(cat "$kdir/kver")
mdir=$kdir/modules/lib/modules/$kver

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

# Resolve names (with - and _ equivalent) to modules.dep keys; a name found
# only in modules.builtin is fine, a name found nowhere is an error.
awk -v builtin="$mdir/modules.builtin" '
	function norm(p) { sub(/.*\//, "", p); sub(/\.ko.*$/, "", p); gsub(/-/, "_", p); return p }
	FILENAME == ARGV[1] { want[norm($1)] = 1; order[++n] = norm($1); next }
	{ key = $1; sub(/:$/, "", key); m = norm(key)
	  if (m in want) { found[m] = 1; print key; for (i = 2; i <= NF; i++) print $i } }
	END {
		while ((getline line < builtin) > 0) isbuiltin[norm(line)] = 1
		for (i = 1; i <= n; i++) {
			m = order[i]
			if (m in found) continue
			if (m in isbuiltin) { print "initramfs: " m " is built in" > "/dev/stderr"; continue }
			print "initramfs: module " m " not found in " FILENAME > "/dev/stderr"; bad = 1
		}
		exit bad
	}' etc/blkasm/modules "$mdir/modules.dep" | sort -u > "$stage.mods"

while read -r m; do
	mkdir -p "lib/modules/$kver/${m%/*}"
	cp "$mdir/$m" "lib/modules/$kver/$m"
done < "$stage.mods"
awk 'NR == FNR { keep[$1 ":"] = 1; next } $1 in keep' "$stage.mods" \
	"$mdir/modules.dep" > "lib/modules/$kver/modules.dep"
cp "$mdir/modules.builtin" "lib/modules/$kver/"
rm -f "$stage.mods"

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
