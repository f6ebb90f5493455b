#!/bin/sh
# Stage Debian 12's own storage tools for the board test root, so guest
# scenarios can check blkasm against them (arrays made by mdadm, pools made
# by dmsetup and thin_restore, filesystems made by mke2fs, and back).
#
# usage: debtools.sh OUT
# env:   DL (download cache), DEB_ARCH (amd64 or arm64: the board's, which
#        need not be this host's); QEMU_USER (qemu-aarch64-static: checks a
#        foreign stage); DEBTOOLS_PKGS, DEBTOOLS_FILES (other packages and
#        files, below)
#
# The packages are fetched with apt-get download into $DL/debtools (a .deb
# already there is used as is) and unpacked with dpkg-deb -x; nothing is
# installed, for either architecture (arm64 needs only dpkg's foreign
# architecture, which rootfs/deps.sh enables). Their library packages come
# along: the Depends closure, lib* packages only. libc6 (libc, libm, the
# loader) is taken from this host when DEB_ARCH is the host's, which runs the
# same Debian release, and from libc6:DEB_ARCH's package otherwise.
# Layout:
#   OUT/root/       copied over the test root by test-image.sh:
#     sbin/         mdadm dmsetup veritysetup mke2fs mkfs.ext4 e2fsck fsck.ext4
#                   dumpe2fs
#     usr/sbin/     pdata_tools and its thin_* links
#     lib/MULTIARCH/          every shared library they need
#     the loader    lib64/ld-linux-x86-64.so.2, lib/ld-linux-aarch64.so.1
#     etc/mke2fs.conf         Debian's mke2fs defaults (metadata_csum, 64bit)
#   OUT/packages    the packages used, name=version
# The library closure is read from the ELF files themselves (DT_NEEDED,
# readelf), not from ldd, so it works for a foreign architecture too.
#
# Using them without udev (the test root runs none):
#   mdadm     uses udev only when /run/udev/control (or /dev/.udev) exists;
#             without it, it makes /dev/mdN itself, and devtmpfs adds the
#             node anyway once the array exists. MDADM_NO_UDEV=1 forces it.
#   dmsetup   libdevmapper waits for udev cookies unless told not to:
#             export DM_DISABLE_UDEV=1 and pass --noudevsync (it then makes
#             /dev/mapper nodes itself). veritysetup, on the same
#             libdevmapper, needs DM_DISABLE_UDEV=1 only.
#   PATH      busybox's applets in /bin shadow some of these (mke2fs is ext2
#             only there): test-init.sh puts /usr/sbin:/sbin first.
set -eu
# As root, apt downloads as _apt, which cannot write into a private cache.
APT_OPTS=-q
[ "$(id -u)" != 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"
case $1 in /*) out=$1 ;; *) out=$PWD/$1 ;; esac
: "${DL:?}" "${DEB_ARCH:?}"

# The packages asked for, and what to take from them (symlinks are copied as
# links; their targets must be in the list too). DEBTOOLS_PKGS and
# DEBTOOLS_FILES replace both lists (rootfs/peer-busybox.sh: losetup,
# mdadm and dmsetup for its initramfs).
PKGS=${DEBTOOLS_PKGS:-"mdadm dmsetup thin-provisioning-tools e2fsprogs cryptsetup-bin"}
FILES=${DEBTOOLS_FILES:-"sbin/mdadm sbin/dmsetup sbin/veritysetup
usr/sbin/pdata_tools usr/sbin/thin_check usr/sbin/thin_dump
usr/sbin/thin_restore usr/sbin/thin_ls usr/sbin/thin_repair
usr/sbin/thin_metadata_size
sbin/mke2fs sbin/mkfs.ext4 sbin/e2fsck sbin/fsck.ext4 sbin/dumpe2fs
etc/mke2fs.conf"}
case $DEB_ARCH in
amd64) MULTIARCH=x86_64-linux-gnu LOADER=/lib64/ld-linux-x86-64.so.2 ;;
arm64) MULTIARCH=aarch64-linux-gnu LOADER=/lib/ld-linux-aarch64.so.1 ;;
*) echo "debtools.sh: DEB_ARCH $DEB_ARCH: expected amd64 or arm64" >&2; exit 1 ;;
esac
# A foreign stage takes libc6 from its package (native: from this host).
native=
[ "$DEB_ARCH" != "$(dpkg --print-architecture)" ] || native=1
[ -n "$native" ] || PKGS="$PKGS libc6"

# Depends and Pre-Depends of packages $@, lib* only, without libc6.
lib_deps() {
	apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" |
		sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \(lib[^ :<>]*\).*/\2/p' |
		grep -vx libc6 | sort -u
}

# The closure, breadth first.
all=$(echo $PKGS | tr ' ' '\n' | sort -u) new=$all
while [ -n "$new" ]; do
	deps=$(lib_deps $(for p in $new; do echo "$p:$DEB_ARCH"; done))
	new=$(echo "$deps" | grep -vxF "$all" || :)
	all=$(printf '%s\n%s\n' "$all" "$new" | sed '/^$/d' | sort -u)
done

# Cached .debs, named the way apt-get download names them.
mkdir -p "$DL/debtools"
debs= fetch=
rm -rf "$out" "$out.work"
mkdir -p "$out/root" "$out.work"
# One apt-cache call: each takes a second here.
apt-cache show --no-all-versions $(for p in $all; do echo "$p:$DEB_ARCH"; done) |
	awk '/^Package: / { p = $2 } /^Version: / { v = $2 }
	     /^Architecture: / { a = $2 } /^$/ && p { print p, v, a; p = "" }
	     END { if (p) print p, v, a }' > "$out.work/versions"
while read -r p ver arch; do
	deb=$DL/debtools/${p}_$(echo "$ver" | sed 's/:/%3a/')_$arch.deb
	[ -f "$deb" ] || fetch="$fetch $p:$DEB_ARCH=$ver"
	debs="$debs $deb"
	echo "$p=$ver" >> "$out/packages"
done < "$out.work/versions"
[ "$(wc -l < "$out/packages")" -eq "$(echo "$all" | wc -l)" ] ||
	{ echo "debtools.sh: apt-cache does not know all of:" $all >&2; exit 1; }
if [ -n "$fetch" ]; then
	(cd "$DL/debtools" && apt-get download $APT_OPTS $fetch)
fi
for deb in $debs; do
	dpkg-deb -x "$deb" "$out.work"
done

cd "$out/root"
mkdir -p "lib/$MULTIARCH"
LOADER_DST=${LOADER#/}
bins=
for f in $FILES; do
	[ -e "$out.work/$f" ] || [ -L "$out.work/$f" ] ||
		{ echo "debtools.sh: no $f in $PKGS" >&2; exit 1; }
	mkdir -p "${f%/*}"
	cp -P "$out.work/$f" "$f"
	if [ ! -L "$f" ] && [ -x "$f" ]; then bins="$bins $f"; fi
done

# The shared-library closure, from each ELF file's DT_NEEDED (libraries'
# too): the unpacked packages first, then (native only) this host's libc6.
# Each library is copied under its soname.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
}
libdirs="$out.work/lib/$MULTIARCH $out.work/usr/lib/$MULTIARCH"
[ -z "$native" ] || libdirs="$libdirs /lib/$MULTIARCH /usr/lib/$MULTIARCH"
libc6=
[ -z "$native" ] || libc6=$(dpkg -L "libc6:$DEB_ARCH")
find_lib() {
	for d in $libdirs; do
		[ -e "$d/$1" ] || continue
		case $d in
		"$out.work"/*) ;;
		*)	# The host's path may go through the /lib -> /usr/lib link.
			echo "$libc6" | grep -qx -e "$d/$1" -e "${d#/usr}/$1" ||
				{ echo "debtools.sh: $d/$1 is not from a package nor libc6" >&2
				  return 1; } ;;
		esac
		echo "$d/$1"
		return 0
	done
	echo "debtools.sh: $2 needs $1, which none of the packages has" >&2
	return 1
}
todo=$bins
while [ -n "$todo" ]; do
	next=
	for f in $todo; do
		for soname in $(needed "$f"); do
			# libc names the loader, which is staged apart.
			[ "$soname" != "${LOADER##*/}" ] || continue
			[ ! -e "lib/$MULTIARCH/$soname" ] || continue
			path=$(find_lib "$soname" "$f") || exit 1
			cp -L "$path" "lib/$MULTIARCH/$soname"
			next="$next lib/$MULTIARCH/$soname"
		done
	done
	todo=$next
done
mkdir -p "${LOADER_DST%/*}"
if [ -n "$native" ]; then
	cp -L "$LOADER" "$LOADER_DST"
else
	cp -L "$out.work$LOADER" "$LOADER_DST"
fi
cd - >/dev/null

# A closed set: the staged loader finds everything inside the stage alone
# (chroot needs root, so unprivileged native builds skip the check; a
# foreign stage is listed by its loader under qemu-user, with -L the stage).
for b in $bins; do
	if [ -z "$native" ]; then
		"${QEMU_USER:?}" -L "$out/root" "$out/root$LOADER" --list "$out/root/$b"
	elif [ "$(id -u)" = 0 ]; then
		chroot "$out/root" "$LOADER" --list "/$b"
	else
		continue
	fi > "$out.work/ldd" 2>&1 && ! grep -q 'not found' "$out.work/ldd" ||
		{ cat "$out.work/ldd" >&2; echo "debtools.sh: /$b does not load in the stage" >&2; exit 1; }
done
rm -rf "$out.work"
