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

rm -rf "$out"
mkdir -p "$out/src" "$out/pkgconfig-empty"
tar -xJf "$tarball" -C "$out/src" --strip-components=1

cd "$out"
# Empty PKG_CONFIG_LIBDIR keeps the host's glibc .pc files out.
PKG_CONFIG_LIBDIR="$out/pkgconfig-empty" \
CFLAGS="-Os -ffunction-sections -fdata-sections -isystem $KHDR" \
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
