#!/bin/sh
# Build a board's own kernel from Debian's linux-source-6.1 (KERNEL=tree,
# make kernel), or reuse the build cached for the same inputs; with -i,
# also link an initramfs into it (the one-file kernel).
#
# usage: kernel-tree.sh OUT
#        kernel-tree.sh -i CPIO OUT
# env:   DL       download cache; builds are cached in $DL/kernel-tree
#        KARCH    the kernel's ARCH (x86_64, arm64)
#        KCROSS   its CROSS_COMPILE ('' for a native build)
#        KIMAGE   what QEMU boots, relative to the build folder (vmlinux,
#                 arch/arm64/boot/Image); its file name is the make target
#        KCONFIG  the board's config fragment (board/<name>/kernel.config)
#        JOBS     make -j (default: the number of CPUs)
#
# Configuration: tinyconfig, then the board's fragment and
# rootfs/kernel/inject.config merged by scripts/kconfig/merge_config.sh,
# then olddefconfig. A fragment line that did not survive stops the build,
# named. The patches rootfs/kernel/patches/*.patch are applied in order;
# one that does not apply stops the build, named. The functions the
# patches mark ALLOW_ERROR_INJECTION must be in System.map, not cloned.
#
# Cache, outside the clone:
#   $DL/kernel-tree/src-<version>-<patches>/  unpacked and patched source,
#                                             shared by the boards
#   $DL/kernel-tree/<version>-<arch>-<key>/   one build: image config kver
#                                             System.map modules.builtin
#                                             build.log
#   $DL/kernel-tree/<version>-<arch>-<key>.build/  its object tree, kept for
#                                             -i; .blkasm-built once whole
# <key>: the first 12 digits of the sha256 of the source package version,
# the kernel arch and cross compiler, both config fragments, the patches
# (names and contents) and this script. Other builds are left in place.
#
# OUT, laid out like kernel.sh's for blkasm-initramfs -m and modules.sh:
#   OUT/image OUT/kver OUT/config OUT/System.map OUT/key
#   OUT/modules/lib/modules/<kver>/modules.builtin, modules.dep (empty:
#   everything is built in)
#
# -i CPIO: OUT as above, and OUT/image-initramfs: the same kernel with CPIO
# (an uncompressed newc archive, blkasm-initramfs -C none) built in as its
# initramfs, so that it boots with no initrd. CPIO is copied to
# initramfs.cpio in the object tree, CONFIG_INITRAMFS_SOURCE names that
# copy (the kernel gzips it), and the image target is made again: only
# usr/ and the link are redone. OUT/image, the cached image and config
# (INITRAMFS_SOURCE empty) never change; the object tree's .config keeps
# the last CPIO's path. A missing object tree is built again first.
set -eu
cpio=
while getopts i: opt; do
	case $opt in
	i) cpio=$OPTARG ;;
	*) echo "usage: kernel-tree.sh [-i CPIO] OUT" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: kernel-tree.sh [-i CPIO] OUT" >&2; exit 2; }
out=$1
: "${DL:?}" "${KARCH:?}" "${KIMAGE:?}" "${KCONFIG:?}"
KCROSS=${KCROSS-}
JOBS=${JOBS:-$(nproc)}
top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/rootfs/kernel-tree.sh
inject=$top/rootfs/kernel/inject.config
tarball=/usr/src/linux-source-6.1.tar.xz
case $KCONFIG in /*) ;; *) KCONFIG=$PWD/$KCONFIG ;; esac

say() { echo "kernel: $*"; }
die() { echo "kernel-tree.sh: $*" >&2; exit 1; }

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed (make deps)"
[ -f "$tarball" ] || die "no $tarball (linux-source-6.1 $ver)"
patches=$(ls "$top"/rootfs/kernel/patches/*.patch 2>/dev/null | LC_ALL=C sort) || :

# sha256 of the patches' names and contents, in order.
patches_sum()
{
	for p in $patches; do
		echo "${p##*/}"
		cat "$p"
	done | sha256sum | cut -c1-12
}
psum=$(patches_sum)
key=$({
	echo "linux-source-6.1 $ver $KARCH $KCROSS"
	cat "$KCONFIG" "$inject" "$self"
	echo "$psum"
} | sha256sum | cut -c1-12)
name=$ver-$KARCH-$key
cache=$DL/kernel-tree/$name
bld=$cache.build
src=$DL/kernel-tree/src-$ver-$psum

# OUT from a finished build in the cache.
install_out()
{
	kver=$(cat "$cache/kver")
	if [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$name" ] && [ -f "$out/image" ]; then
		return 0
	fi
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp/modules/lib/modules/$kver"
	cp "$cache/image" "$cache/config" "$cache/System.map" "$cache/kver" "$out.tmp/"
	cp "$cache/modules.builtin" "$out.tmp/modules/lib/modules/$kver/"
	: > "$out.tmp/modules/lib/modules/$kver/modules.dep"
	echo "$name" > "$out.tmp/key"
	rm -rf "$out"
	mv "$out.tmp" "$out"
}

# Unpacked once per source version and patch set; patches checked with a
# dry run first, so that a failure leaves no half-patched tree.
prepare_source()
{
	[ ! -f "$src/.blkasm-ready" ] || return 0
	say "unpacking linux-source-6.1 $ver into $src"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	for p in $patches; do
		if ! log=$(patch -d "$src" -p1 --forward --batch --dry-run < "$p" 2>&1); then
			echo "$log" >&2
			rm -rf "$src"
			die "patch ${p#"$top"/} does not apply to linux-source-6.1 $ver"
		fi
		patch -d "$src" -p1 --forward --batch --quiet < "$p"
		say "applied ${p#"$top"/}"
	done
	touch "$src/.blkasm-ready"
	# Trees of other versions or patch sets: a new one is 20 s away.
	for d in "$DL"/kernel-tree/src-*; do
		[ "$d" = "$src" ] || rm -rf "$d"
	done
}

# Every CONFIG_ line of the fragments as olddefconfig left it.
check_config()
{
	cfg=$1 bad=0
	for frag in "$KCONFIG" "$inject"; do
		while IFS= read -r line; do
			case $line in
			CONFIG_*=*)
				sym=${line%%=*}
				grep -qxF -- "$line" "$cfg" && continue ;;
			"# CONFIG_"*" is not set")
				sym=${line#\# }
				sym=${sym%% *}
				grep -q "^$sym=" "$cfg" || continue ;;
			*) continue ;;
			esac
			got=$(grep -E "^(# )?$sym[= ]" "$cfg" || echo "$sym missing")
			echo "kernel-tree.sh: ${frag#"$top"/}: '$line' did not survive olddefconfig ($got)" >&2
			bad=1
		done < "$frag"
	done
	[ "$bad" = 0 ] || die "the configuration lacks options of the fragments (see above)"
}

# The injection points the patches declare, as plain symbols: a call
# through an IPA clone (.isra, .constprop) would bypass the kprobe.
check_injection_points()
{
	map=$1
	fns=$(cat $patches /dev/null | sed -n 's/^+ALLOW_ERROR_INJECTION(\([a-z_0-9]*\),.*/\1/p')
	for f in $fns; do
		grep -q " [tT] $f\$" "$map" || die "injection point $f is not in System.map"
		! grep -q " [tT] $f\." "$map" || die "injection point $f was cloned by the compiler"
	done
	say "injection points: $(echo $fns)"
}

kmake()
{
	make -C "$src" O="$bld" ARCH="$KARCH" ${KCROSS:+CROSS_COMPILE="$KCROSS"} \
		KBUILD_BUILD_USER=blkasm KBUILD_BUILD_HOST=blkasm "$@"
}

# The object tree of the plain image (no initramfs built in), whole once
# .blkasm-built is there.
build_tree()
{
	rm -rf "$bld"
	mkdir -p "$bld"
	log=$bld/build.log
	{
		kmake tinyconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$bld" "$bld/.config" "$KCONFIG" "$inject"
		kmake olddefconfig
	} > "$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuration failed (log: $log)"; }
	check_config "$bld/.config"
	kmake -j"$JOBS" "${KIMAGE##*/}" >> "$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "build failed (log: $log)"; }
	check_injection_points "$bld/System.map"
	touch "$bld/.blkasm-built"
}

# The cache entry, from the object tree just built.
store()
{
	rm -rf "$cache" "$cache.tmp"
	mkdir -p "$cache.tmp"
	cp "$bld/$KIMAGE" "$cache.tmp/image"
	cp "$bld/.config" "$cache.tmp/config"
	cp "$bld/System.map" "$bld/modules.builtin" "$bld/build.log" "$cache.tmp/"
	cp "$bld/include/config/kernel.release" "$cache.tmp/kver"
	mv "$cache.tmp" "$cache"
}

# OUT/image-initramfs: the object tree relinked with CPIO built in.
relink()
{
	rd=$bld/initramfs.cpio
	log=$bld/relink.log
	cp "$cpio" "$rd"
	{
		"$src/scripts/config" --file "$bld/.config" --set-str INITRAMFS_SOURCE "$rd"
		kmake olddefconfig
	} > "$log" 2>&1 || { tail -n 30 "$log" >&2; die "configuration failed (log: $log)"; }
	grep -qxF "CONFIG_INITRAMFS_SOURCE=\"$rd\"" "$bld/.config" ||
		die "CONFIG_INITRAMFS_SOURCE did not survive olddefconfig (log: $log)"
	kmake -j"$JOBS" "${KIMAGE##*/}" >> "$log" 2>&1 ||
		{ tail -n 40 "$log" >&2; die "relink failed (log: $log)"; }
	cp "$bld/$KIMAGE" "$out/image-initramfs.tmp"
	mv "$out/image-initramfs.tmp" "$out/image-initramfs"
}

# A finished build appears at once (mv). Unpacking and building hold the
# lock of the whole kernel-tree folder (the source tree is shared by the
# boards); a relink holds only its own object tree's lock, so that two
# boards link at once (the final links are mostly one process each).
if [ -n "$cpio" ]; then
	[ -f "$cpio" ] || die "no $cpio"
	[ "$(head -c 6 "$cpio" 2>/dev/null)" = 070701 ] ||
		die "$cpio: not an uncompressed newc cpio archive (blkasm-initramfs -C none)"
fi
mkdir -p "$DL/kernel-tree"
if [ ! -f "$cache/kver" ] || [ -n "$cpio" ]; then
	exec 9> "$DL/kernel-tree/.lock"
	flock 9
fi
if [ -f "$cache/kver" ]; then
	say "reusing cached build $name ($cache)"
else
	t0=$(date +%s)
	say "building $name: linux-source-6.1 $ver for $KARCH${KCROSS:+ with ${KCROSS}gcc}, $(echo $patches | wc -w) patches, make -j$JOBS"
	prepare_source
	build_tree
	store
	t=$(( $(date +%s) - t0 ))
	say "built $name in $((t / 60))m$((t % 60))s ($cache, object tree $(du -sh "$bld" | cut -f1))"
fi
install_out
[ -n "$cpio" ] || exit 0
t0=$(date +%s)
prepare_source
if [ ! -f "$bld/.blkasm-built" ]; then
	say "no object tree for $name: building it again ($bld)"
	build_tree
fi
exec 8> "$cache.lock"
flock 8
flock -u 9
relink
t=$(( $(date +%s) - t0 ))
say "linked $cpio into $out/image-initramfs in ${t}s"
