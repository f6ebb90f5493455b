#!/bin/sh
# Build a board's own kernel from Debian's linux-source-6.1 (KERNEL=tree,
# make kernel), or reuse the build cached for the same inputs.
#
# usage: kernel-tree.sh OUT
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
# <key>: the first 12 digits of the sha256 of the source package version,
# the kernel arch and cross compiler, both config fragments, the patches
# (names and contents) and this script. Other builds are left in place.
#
# OUT, laid out like kernel.sh's for blkasm-initramfs -m and modules.sh:
#   OUT/image OUT/kver OUT/config OUT/System.map OUT/key
#   OUT/modules/lib/modules/<kver>/modules.builtin, modules.dep (empty:
#   everything is built in)
set -eu
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

build()
{
	bld=$cache.build
	kmake() {
		make -C "$src" O="$bld" ARCH="$KARCH" ${KCROSS:+CROSS_COMPILE="$KCROSS"} \
			KBUILD_BUILD_USER=blkasm KBUILD_BUILD_HOST=blkasm "$@"
	}
	rm -rf "$bld" "$cache" "$cache.tmp"
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
	mkdir -p "$cache.tmp"
	cp "$bld/$KIMAGE" "$cache.tmp/image"
	cp "$bld/.config" "$cache.tmp/config"
	cp "$bld/System.map" "$bld/modules.builtin" "$log" "$cache.tmp/"
	cp "$bld/include/config/kernel.release" "$cache.tmp/kver"
	mv "$cache.tmp" "$cache"
	rm -rf "$bld"
}

# A finished build appears at once (mv); building is serialised, so that
# two makes never unpack or build into the same folders.
mkdir -p "$DL/kernel-tree"
if [ ! -f "$cache/kver" ]; then
	exec 9> "$DL/kernel-tree/.lock"
	flock 9
fi
if [ -f "$cache/kver" ]; then
	say "reusing cached build $name ($cache)"
else
	t0=$(date +%s)
	say "building $name: linux-source-6.1 $ver for $KARCH${KCROSS:+ with ${KCROSS}gcc}, $(echo $patches | wc -w) patches, make -j$JOBS"
	prepare_source
	build
	t=$(( $(date +%s) - t0 ))
	say "built $name in $((t / 60))m$((t % 60))s ($cache)"
fi
install_out
