#!/bin/sh
# Pack kernel modules with their modules.dep closure into a root tree, for
# peer-busybox.sh (make bench) and test-image.sh.
#
# usage: modules.sh KERNEL_DIR ROOT LIST...
#   KERNEL_DIR  from kernel.sh (kver, modules/lib/modules/<kver>/)
#   ROOT        the tree to fill: ROOT/lib/modules/<kver>/
#   LIST        files of module names, one a line, '#' comments
#               (board/<name>/modules, board/<name>/modules.ondemand)
# Writes into ROOT/lib/modules/<kver>/: the listed modules and every module
# modules.dep says they need (depmod's lists are already transitive), a
# modules.dep trimmed to the packed modules (busybox modprobe and blkasm's
# mod_load read it) and the kernel's modules.builtin. Names match with - and _
# equivalent; built-in names are noted (one line), a name found nowhere is
# an error. A kernel with everything built in (KERNEL=tree) has an empty
# modules.dep: then only it and modules.builtin are packed.
set -eu
[ $# -ge 3 ] || { echo "usage: modules.sh KERNEL_DIR ROOT LIST..." >&2; exit 2; }
kdir=$1 root=$2
shift 2
kver=$(cat "$kdir/kver")
mdir=$kdir/modules/lib/modules/$kver
dest=$root/lib/modules/$kver
names=$(mktemp) mods=$(mktemp)
trap 'rm -f "$names" "$mods"' EXIT

cat "$@" | sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' > "$names"

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
			if (m in isbuiltin) { bi = bi " " m; continue }
			print "modules: module " m " not found in " FILENAME > "/dev/stderr"; bad = 1
		}
		if (bi != "") print "modules: built in:" bi > "/dev/stderr"
		exit bad
	}' "$names" "$mdir/modules.dep" | sort -u > "$mods"

mkdir -p "$dest"
while read -r m; do
	mkdir -p "$dest/${m%/*}"
	cp "$mdir/$m" "$dest/$m"
done < "$mods"
awk 'NR == FNR { keep[$1 ":"] = 1; next } $1 in keep' "$mods" \
	"$mdir/modules.dep" > "$dest/modules.dep"
cp "$mdir/modules.builtin" "$dest/"
