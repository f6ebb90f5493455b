#!/bin/sh
# Build static libblkid.a and libmount.a against musl for one board.
#
# usage: util-linux.sh OUT
# env:   DL (download cache), CC, AR, RANLIB, UL_HOST (configure --host; empty: native),
#        KHDR (kernel header symlink folder, passed with -isystem)
#
# The source is Debian's util-linux, fetched once with apt-get source into
# $DL/util-linux; we build the pristine .orig.tar.xz because Debian's patches
# touch configure.ac (would need autotools). Layout after the build:
#   OUT/src/                      unpacked upstream tree
#   OUT/.libs/lib{blkid,mount}.a  the static libraries
#   OUT/libblkid/src/blkid.h      generated public headers
#   OUT/libmount/src/libmount.h
# A finished build's libraries and headers are kept in
# $DL/util-linux/build-HOST-KEY, KEY a hash of what went into it (the
# tarball's name, this script, the compiler's version and path, the host
# triplet, the musl and kernel header packages and the header links), and
# copied from there when the same inputs come again (a new clone, make
# clean), as rootfs/kernel-tree.sh keeps the tree kernel. Only those files
# are then in OUT (no src/).
set -eu
# As root, apt downloads as _apt, which cannot write into a private cache.
APT_OPTS=-q
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
out=$1
: "${DL:?}" "${CC:?}" "${AR:?}" "${RANLIB:?}" "${KHDR:?}" "${UL_HOST=}"

mkdir -p "$DL/util-linux"
if ! ls "$DL"/util-linux/util-linux_*.orig.tar.xz >/dev/null 2>&1; then
	(cd "$DL/util-linux" && apt-get source $APT_OPTS --download-only util-linux)
fi
tarball=$(ls "$DL"/util-linux/util-linux_*.orig.tar.xz | sort -V | tail -n 1)

# What the kept build's files are, relative to OUT.
KEPT=".libs/libblkid.a .libs/libmount.a libblkid/src/blkid.h libmount/src/libmount.h"
inputs()
{
	basename "$tarball"
	cat "$0"
	command -v "$CC"
	"$CC" --version 2>&1 | head -n 1
	echo "host=$UL_HOST"
	dpkg-query -W -f='${Package} ${Version}\n' musl-dev 'linux-libc-dev*' 2>/dev/null | sort
	ls -l "$KHDR" | awk '{ print $(NF - 2), $NF }'
}
key=$(inputs | sha256sum | cut -c1-12)
kept=$DL/util-linux/build-${UL_HOST:-native}-$key
if [ -f "$kept/.complete" ]; then
	rm -rf "$out"
	for f in $KEPT; do
		mkdir -p "$out/$(dirname "$f")"
		cp "$kept/$f" "$out/$f"
	done
	echo "util-linux.sh: reusing the kept build $kept"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out/src" "$out/pkgconfig-empty"
tar -xJf "$tarball" -C "$out/src" --strip-components=1

# One change to the source, for size (tests/bench/binary_size.sh): the
# libraries' debug messages (DBG() and ON_DBG(), shown when LIBBLKID_DEBUG
# or LIBMOUNT_DEBUG is set in the environment) are compiled out. Their
# bodies stay behind an "if (0)", so they are still compiled and checked,
# and nothing else is run or skipped: without those variables a library
# behaves the same. It took about 60 KB of strings and printf calls. No
# probe of libblkid is removed: a device is blank only when none of them
# finds a signature (docs/DESIGN: safety rules; a thin pool's data device
# has no other check).
debug_h=$out/src/include/debug.h
sed -i -e 's/^\([[:space:]]*\)if ((p ## m) & l ## _debug_mask) { \\$/\1if (0) { \\/' \
	-e '/fprintf(stderr, "%d: %s: %8s: ", getpid(), # l, # m); \\$/d' "$debug_h"
[ "$(grep -c '^[[:space:]]*if (0) { \\$' "$debug_h")" = 2 ] || {
	echo "util-linux.sh: $debug_h: the debug macros are not the ones expected" >&2
	exit 1
}

cd "$out"
# Empty PKG_CONFIG_LIBDIR keeps the host's glibc .pc files out. For size:
# -Os, a section per function and object (blkasm links with --gc-sections),
# no unwind tables and position-dependent code, as blkasm's own objects
# (the Makefile's SIZE_CFLAGS); configure's test programs then link with
# -no-pie.
PKG_CONFIG_LIBDIR="$out/pkgconfig-empty" \
CFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-pie -isystem $KHDR" \
LDFLAGS=-no-pie \
./src/configure -q ${UL_HOST:+--host="$UL_HOST" --build="$(uname -m)-linux-gnu"} \
	CC="$CC" AR="$AR" RANLIB="$RANLIB" \
	--disable-all-programs --enable-libblkid --enable-libmount \
	--disable-libuuid --disable-libsmartcols --disable-libfdisk \
	--disable-shared --enable-static --disable-nls --without-python \
	--disable-pylibmount --without-systemd --without-udev --without-selinux \
	--without-cryptsetup --without-btrfs --without-econf --without-libz \
	--without-libmagic --without-ncursesw --without-ncurses --without-tinfo \
	--without-readline --without-cap-ng --without-audit --without-user \
	--without-util --disable-bash-completion --disable-asciidoc \
	--disable-makeinstall-chown --disable-makeinstall-setuid
# Our make's command-line variables (O=, CFLAGS=...) must not leak in.
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s -j"$(nproc)" libblkid.la libmount.la
test -f .libs/libblkid.a && test -f .libs/libmount.a

# Keep it: written aside, then renamed, so a half-written one is never used.
rm -rf "$kept.new"
for f in $KEPT; do
	mkdir -p "$kept.new/$(dirname "$f")"
	cp "$out/$f" "$kept.new/$f"
done
touch "$kept.new/.complete"
rm -rf "$kept" && mv "$kept.new" "$kept"
# Older kept builds of this host triplet go (a newer tarball or compiler).
for d in "$DL"/util-linux/build-${UL_HOST:-native}-*; do
	[ "$d" = "$kept" ] || rm -rf "$d"
done
