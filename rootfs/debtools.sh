#!/bin/sh
# Stage Debian 12's own storage tools for the board test root, so guest
# scenarios can check blkasm against them (arrays made by mdadm, pools made
# by dmsetup and thin_restore, filesystems made by mke2fs, and back).
#
# usage: debtools.sh OUT
# env:   DL (download cache), DEB_ARCH (must be this host's architecture:
#        the library closure is found with the host's ldd); DEBTOOLS_PKGS,
#        DEBTOOLS_FILES (other packages and files, below)
#
# The packages are fetched with apt-get download into $DL/debtools (a .deb
# already there is used as is) and unpacked with dpkg-deb -x; nothing is
# installed. Their library packages come along: the Depends closure, lib*
# packages only, except libc6, whose files (libc, libm, the loader) are
# taken from this host, which runs the same Debian release.
# Layout:
#   OUT/root/       copied over the test root by test-image.sh:
#     sbin/         mdadm dmsetup mke2fs mkfs.ext4 e2fsck fsck.ext4 dumpe2fs
#     usr/sbin/     pdata_tools and its thin_* links
#     lib/x86_64-linux-gnu/   every shared library they need (ldd)
#     lib64/ld-linux-x86-64.so.2
#     etc/mke2fs.conf         Debian's mke2fs defaults (metadata_csum, 64bit)
#   OUT/packages    the packages used, name=version
# Only the board whose architecture is the host's gets these (x86_64 here):
# ldd runs the binaries' loader. An arm64 set would need qemu-user's ldd.
#
# Using them without udev (the test root runs none):
#   mdadm     uses udev only when /run/udev/control (or /dev/.udev) exists;
#             without it, it makes /dev/mdN itself, and devtmpfs adds the
#             node anyway once the array exists. MDADM_NO_UDEV=1 forces it.
#   dmsetup   libdevmapper waits for udev cookies unless told not to:
#             export DM_DISABLE_UDEV=1 and pass --noudevsync (it then makes
#             /dev/mapper nodes itself).
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
PKGS=${DEBTOOLS_PKGS:-"mdadm dmsetup thin-provisioning-tools e2fsprogs"}
FILES=${DEBTOOLS_FILES:-"sbin/mdadm sbin/dmsetup
usr/sbin/pdata_tools usr/sbin/thin_check usr/sbin/thin_dump
usr/sbin/thin_restore usr/sbin/thin_ls usr/sbin/thin_repair
usr/sbin/thin_metadata_size
sbin/mke2fs sbin/mkfs.ext4 sbin/e2fsck sbin/fsck.ext4 sbin/dumpe2fs
etc/mke2fs.conf"}
LOADER=/lib64/ld-linux-x86-64.so.2
MULTIARCH=x86_64-linux-gnu

host=$(dpkg --print-architecture)
[ "$DEB_ARCH" = "$host" ] ||
	{ echo "debtools.sh: DEB_ARCH $DEB_ARCH is not this host's ($host)" >&2; exit 1; }

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
mkdir -p "lib/$MULTIARCH" lib64
bins=
for f in $FILES; do
	[ -e "$out.work/$f" ] || [ -L "$out.work/$f" ] ||
		{ echo "debtools.sh: no $f in $PKGS" >&2; exit 1; }
	mkdir -p "${f%/*}"
	cp -P "$out.work/$f" "$f"
	if [ ! -L "$f" ] && [ -x "$f" ]; then bins="$bins $f"; fi
done

# The shared-library closure: ldd with the unpacked libraries first. A
# library from the packages is copied under its soname; one from the host
# must belong to libc6.
libpath=$out.work/lib/$MULTIARCH:$out.work/usr/lib/$MULTIARCH
libc6=$(dpkg -L "libc6:$DEB_ARCH")
for b in $bins; do
	LD_LIBRARY_PATH=$libpath ldd "$b" > "$out.work/ldd" ||
		{ echo "debtools.sh: ldd $b failed" >&2; exit 1; }
	if grep 'not found' "$out.work/ldd" >&2; then
		echo "debtools.sh: $b needs a library none of the packages has" >&2
		exit 1
	fi
	sed -n 's/^[[:space:]]*\([^ ]*\) => \(\/[^ ]*\) (.*/\1 \2/p' "$out.work/ldd" |
	while read -r soname path; do
		case $path in
		"$out.work"/*) ;;
		*)
			# The host's path may go through the /lib -> /usr/lib link.
			echo "$libc6" | grep -qx -e "$path" -e "${path#/usr}" ||
				{ echo "debtools.sh: $b: $path is not from a package nor libc6" >&2; exit 1; }
			;;
		esac
		cp -L "$path" "lib/$MULTIARCH/$soname"
	done
done
cp -L "$LOADER" "lib64/${LOADER##*/}"
cd - >/dev/null

# A closed set: the staged loader finds everything inside the stage alone
# (chroot needs root; unprivileged builds skip the check).
if [ "$(id -u)" = 0 ]; then
	for b in $bins; do
		chroot "$out/root" "$LOADER" --list "/$b" > "$out.work/ldd" 2>&1 &&
			! grep -q 'not found' "$out.work/ldd" ||
			{ cat "$out.work/ldd" >&2; echo "debtools.sh: /$b does not load in the stage" >&2; exit 1; }
	done
fi
rm -rf "$out.work"
