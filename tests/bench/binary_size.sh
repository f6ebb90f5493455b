#!/bin/sh
# blkasm's binary size (make bench, no boots): what each board's static
# binary holds, from the link map the Makefile writes next to it
# (BLKASM.map, -Wl,-Map): the file's size, its sections, and the bytes each
# part brings in after --gc-sections: blkasm's own objects, libblkid,
# libmount, musl's libc, libgcc and the start files, then each blkasm
# object and the largest members of the libraries.
#
# usage: binary_size.sh OUT BLKASM...
# One column per binary (a board's $(O)/BOARD/blkasm; a symlink is
# followed to its map). Writes OUT (Markdown) and prints it. The goal
# (docs: issue 17) is at most 409,600 bytes (400 KB) for x86_64: an x86_64
# binary above it makes the exit status 1.
#
# Bytes of a part: the sizes of its input sections that land in allocated
# sections holding file bytes (code, read-only data, data); .bss and .tbss
# take memory only and are counted apart. The file's size minus all parts is
# the ELF and program headers, the section table and the page alignment of
# the segments.
set -eu
export LC_ALL=C
GOAL=409600
TOP=12	# members listed per library
out=$1
shift
[ $# -gt 0 ] || { echo "usage: binary_size.sh OUT BLKASM..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# sums MAP SECTIONS: "KIND<tab>NAME<tab>BYTES" lines: part (blkasm, libblkid, ...),
# obj (a blkasm object), member (LIB:member.o), bss (a part's memory-only
# bytes). SECTIONS: the allocated output sections, "NAME progbits|nobits"
# a line.
sums()
{
	awk -v secs="$2" '
	function hex(s,   i, v) {
		s = tolower(substr(s, 3)); v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function add(bytes, file,   part, name, m) {
		if (!(out in kind) || bytes == 0)
			return
		name = file
		if (match(file, /\/obj\//)) {
			part = "blkasm"; name = substr(file, RSTART + 5)
		} else if (match(file, /lib[a-z_]+\.a\(/)) {
			part = substr(file, RSTART, RLENGTH - 3)
			if (part == "libc") part = "musl libc"
			if (part == "libgcc_eh") part = "libgcc"
			m = substr(file, RSTART + RLENGTH); sub(/\)$/, "", m)
			sub(/^(la-|libcommon_la-)/, "", m)
			name = part ":" m
		} else {
			part = "start files"
		}
		if (kind[out] == "nobits") {
			bss[part] += bytes
			return
		}
		parts[part] += bytes
		if (part == "blkasm")
			objs[name] += bytes
		else if (part != "start files")
			members[name] += bytes
	}
	BEGIN {
		n = split(secs, l, "\n")
		for (i = 1; i <= n; i++) {
			split(l[i], f, " ")
			kind[f[1]] = f[2]
		}
	}
	/^Linker script and memory map/ { inmap = 1; next }
	!inmap { next }
	/^[.][^ ]/ { out = $1; pending = ""; next }
	/^ ([.]|COMMON)[^ ]*$/ { pending = $1; next }
	/^ ([.]|COMMON)[^ ]* +0x[0-9a-f]+ +0x[0-9a-f]+ [^ ]/ { add(hex($3), $4); next }
	/^ +0x[0-9a-f]+ +0x[0-9a-f]+ [^ ]/ {
		if (pending != "")
			add(hex($2), $3)
		pending = ""
		next
	}
	{ pending = "" }
	END {
		for (p in parts) printf "part\t%s\t%d\n", p, parts[p]
		for (p in bss) printf "bss\t%s\t%d\n", p, bss[p]
		for (o in objs) printf "obj\t%s\t%d\n", o, objs[o]
		for (m in members) printf "member\t%s\t%d\n", m, members[m]
	}' "$1"
}

i=0
boards=
rc=0
for bin in "$@"; do
	real=$(readlink -f "$bin")
	[ -f "$real" ] || { echo "binary_size.sh: no $bin (make builds it)" >&2; exit 1; }
	[ -f "$real.map" ] || { echo "binary_size.sh: no $real.map (make links blkasm with it)" >&2; exit 1; }
	i=$((i + 1))
	board=$(basename "$(dirname "$real")")
	boards="${boards:+$boards }$board"
	bytes=$(stat -c %s "$real")
	secs=$(readelf -SW "$real" | awk '
		/^ *\[ *[0-9]+\]/ {
			sub(/^ *\[ *[0-9]+\] */, "")
			if ($7 ~ /A/) print $1, ($2 == "NOBITS" ? "nobits" : "progbits")
		}')
	[ -n "$secs" ] || { echo "binary_size.sh: $real: no allocated section" >&2; exit 1; }
	{
		printf "file\ttotal\t%s\n" "$bytes"
		readelf -SW "$real" | awk '
			function hex(s,   i, v) {
				s = tolower(s); v = 0
				for (i = 1; i <= length(s); i++)
					v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
				return v
			}
			/^ *\[ *[0-9]+\]/ {
				sub(/^ *\[ *[0-9]+\] */, "")
				if ($7 ~ /A/) printf "section\t%s\t%d\n", $1, hex($5)
			}'
		sums "$real.map" "$secs"
	} > "$work/$i"
	arch=$(readelf -h "$real" | sed -n 's/^ *Machine: *//p')
	echo "$board $arch ($(date -u -r "$real" '+%Y-%m-%d %H:%M UTC'))" >> "$work/boards"
	case $board in
	*x86_64*) [ "$bytes" -le "$GOAL" ] || rc=1 ;;
	esac
done
n=$i

# table KIND [LIMIT]: one row per name of KIND, a column per binary,
# largest first (by the first binary's bytes, then the next one's); LIMIT
# rows at most (0: all).
table()
{
	for j in $(seq 1 "$n"); do
		awk -F '\t' -v k="$1" -v j="$j" '$1 == k { print $2 "\t" j "\t" $3 }' "$work/$j"
	done | awk -F '\t' -v n="$n" '
		{ v[$1, $2] = $3; if (!($1 in seen)) { seen[$1] = 1; names[++m] = $1 } }
		END {
			for (i = 1; i <= m; i++) {
				row = "| " names[i] " |"; key = ""
				for (j = 1; j <= n; j++) {
					row = row " " v[names[i], j] + 0 " |"
					key = key sprintf("%010d", v[names[i], j])
				}
				print key "\t" row
			}
		}' | sort -r | cut -f 2 | { if [ "${2:-0}" -gt 0 ]; then head -n "$2"; else cat; fi; }
}

header()	# FIRST
{
	printf '| %s |' "$1"
	for b in $boards; do printf ' %s |' "$b"; done
	printf '\n|---|'
	for b in $boards; do printf -- '---:|'; done
	printf '\n'
}

mkdir -p "$(dirname "$out")"
{
	echo "# blkasm binary size"
	echo
	echo "Static musl binaries, stripped, $(date -u '+%Y-%m-%d %H:%M UTC'):"
	sed 's/^/- /' "$work/boards"
	echo
	echo "Goal: at most $GOAL bytes (400 KB) for x86_64."
	for j in $(seq 1 "$n"); do
		b=$(awk -F '\t' '$1 == "file" { print $3 }' "$work/$j")
		board=$(echo "$boards" | cut -d ' ' -f "$j")
		case $board in
		*x86_64*)
			if [ "$b" -le "$GOAL" ]; then verdict=met; else verdict="NOT met"; fi
			echo "$board: $b bytes, goal $verdict ($((GOAL - b)) bytes to spare)." ;;
		*)	echo "$board: $b bytes." ;;
		esac
	done
	echo
	echo "Measures (Makefile, rootfs/util-linux.sh), all keeping behaviour:"
	echo "-Os; -ffunction-sections -fdata-sections with --gc-sections (a function"
	echo "or object nothing calls is not linked); no unwind tables"
	echo "(-fno-asynchronous-unwind-tables: C without exceptions, nothing walks"
	echo "the stack; .eh_frame was 57 KB on x86_64); -fno-pie/-no-pie (the binary"
	echo "was already static at a fixed address); -z norelro (musl's static start"
	echo "never applies PT_GNU_RELRO; it cost a page of alignment); no build-id"
	echo "note; stripped (-s). The same compiler flags for libblkid and libmount,"
	echo "whose debug messages (LIBBLKID_DEBUG=, LIBMOUNT_DEBUG=) are compiled out"
	echo "(include/debug.h's DBG bodies behind if (0); about 60 KB). Every probe"
	echo "of libblkid stays: a device is blank only when none of them finds a"
	echo "signature (docs/DESIGN: safety rules)."
	echo
	echo "## Parts"
	echo
	echo "Bytes in the file per part (.bss apart: memory only). The rest is"
	echo "ELF headers, the section table and page alignment."
	echo
	header part
	table part
	row="| headers and alignment |"
	for j in $(seq 1 "$n"); do
		row="$row $(awk -F '\t' '$1 == "file" { f = $3 } $1 == "part" { s += $3 } END { print f - s }' "$work/$j") |"
	done
	echo "$row"
	row="| **file** |"
	for j in $(seq 1 "$n"); do
		row="$row **$(awk -F '\t' '$1 == "file" { print $3 }' "$work/$j")** |"
	done
	echo "$row"
	echo
	header "part: .bss"
	table bss
	echo
	echo "## Sections"
	echo
	header section
	table section
	echo
	echo "## blkasm's objects"
	echo
	header object
	table obj
	echo
	echo "## Largest library members"
	echo
	echo "The $TOP largest members of libblkid, libmount and musl's libc."
	echo
	for lib in libblkid libmount "musl libc"; do
		header "$lib member"
		for j in $(seq 1 "$n"); do
			awk -F '\t' -v p="$lib:" '$1 == "member" && index($2, p) == 1 {
				printf "m\t%s\t%s\n", substr($2, length(p) + 1), $3 }' "$work/$j" > "$work/t"
			cat "$work/t" >> "$work/$j"
		done
		table m "$TOP"
		for j in $(seq 1 "$n"); do
			grep -v '^m	' "$work/$j" > "$work/t" && mv "$work/t" "$work/$j"
		done
		echo
	done
} > "$out"
cat "$out"
exit "$rc"
