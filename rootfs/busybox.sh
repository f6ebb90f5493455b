#!/bin/sh
# Fetch Debian's busybox-static for the board's architecture.
#
# usage: busybox.sh OUT
# env:   DL (download cache), DEB_ARCH, QEMU_USER (runs a foreign binary on
#        this host, e.g. qemu-aarch64-static; empty when native)
# Layout:
#   OUT/busybox   the static binary
#   OUT/applets   `busybox --list`, one applet name per line
set -eu
# As root, apt downloads as _apt, which cannot write into a private cache.
APT_OPTS=-q
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
out=$1
: "${DL:?}" "${DEB_ARCH:?}"
QEMU_USER=${QEMU_USER-}

ver=$(apt-cache show --no-all-versions "busybox-static:$DEB_ARCH" | sed -n 's/^Version: //p')
deb=$DL/busybox/busybox-static_$(echo "$ver" | sed 's/:/%3a/')_$DEB_ARCH.deb
mkdir -p "$DL/busybox"
if [ ! -f "$deb" ]; then
	(cd "$DL/busybox" && apt-get download $APT_OPTS "busybox-static:$DEB_ARCH=$ver")
fi

rm -rf "$out"
mkdir -p "$out/root"
dpkg-deb -x "$deb" "$out/root"
cp "$out/root/bin/busybox" "$out/busybox"
rm -rf "$out/root"
$QEMU_USER "$out/busybox" --list > "$out/applets"
grep -qx sh "$out/applets"
