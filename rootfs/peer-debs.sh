#!/bin/sh
# Fetch and unpack Debian packages that must not be installed on this
# machine: the initramfs generators that make bench boots as peers
# (rootfs/peer-dracut.sh, rootfs/peer-tirfs.sh) conflict with
# initramfs-tools, the system's own generator, so they are run from an
# unpacked copy instead.
#
# usage: peer-debs.sh DIR PKG...
# env:   DL (download cache: the .debs go to DL/peers; one already there is
#        used as is)
# Takes this host's candidate version of each package (apt-cache), fetches
# the missing .debs with apt-get download, unpacks them all with dpkg-deb -x
# into DIR (emptied first) and writes DIR/packages (name=version, one a
# line). Their dependencies are not fetched: what a generator runs from the
# host (bash, cpio, kmod, udev...) is in rootfs/deps.sh.
set -eu
[ $# -ge 2 ] || { echo "usage: peer-debs.sh DIR PKG..." >&2; exit 2; }
dir=$1
shift
: "${DL:?}"
# As root, apt downloads as _apt, which cannot write into a private cache.
APT_OPTS=-q
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
arch=$(dpkg --print-architecture)
cache=$DL/peers
mkdir -p "$cache"
rm -rf "$dir"
mkdir -p "$dir"

apt-cache show --no-all-versions $(for p in "$@"; do echo "$p:$arch"; done) |
	awk '/^Package: / { p = $2 } /^Version: / { v = $2 }
	     /^Architecture: / { a = $2 } /^$/ && p { print p, v, a; p = "" }
	     END { if (p) print p, v, a }' > "$dir/versions"
[ "$(wc -l < "$dir/versions")" -eq $# ] ||
	{ echo "peer-debs.sh: apt-cache does not know all of: $*" >&2; exit 1; }
debs= fetch=
while read -r p ver a; do
	# apt-get download's file name: the epoch's colon escaped.
	deb=$cache/${p}_$(echo "$ver" | sed 's/:/%3a/')_$a.deb
	[ -f "$deb" ] || fetch="$fetch $p:$arch=$ver"
	debs="$debs $deb"
	echo "$p=$ver" >> "$dir/packages"
done < "$dir/versions"
rm -f "$dir/versions"
if [ -n "$fetch" ]; then
	(cd "$cache" && apt-get download $APT_OPTS $fetch)
fi
for deb in $debs; do
	dpkg-deb -x "$deb" "$dir/root"
done
