#!/bin/sh
# Build Debian 12's own initramfs (initramfs-tools' mkinitramfs, Debian's
# defaults: MODULES=most, BUSYBOX=auto, COMPRESS=zstd, udev, the mdadm hook)
# for the board's kernel, as the peer that make bench boots next to blkasm
# (tests/bench/boot_bench.sh).
#
# usage: peer-itools.sh OUT.img KERNEL_DIR      (as root: see below)
#   KERNEL_DIR  from kernel.sh (kver, config, modules/lib/modules/<kver>/)
# needs: initramfs-tools and mdadm installed on this machine (rootfs/deps.sh);
# mkinitramfs runs their hooks from /usr/share/initramfs-tools.
#
# mkinitramfs takes the modules from /lib/modules/<kver> and the kernel's
# configuration from /boot/config-<kver>, neither of which this machine has
# for the board's kernel (nor should it). So it runs in a private mount
# namespace (unshare -m) where the unpacked kernel's module folder is bound
# on /lib/modules/<kver> and a tmpfs on /boot holds the config; nothing is
# installed. The mount point /lib/modules/<kver> must exist on the host to
# bind on: it is made empty for the run and removed after if it was not
# there. The configuration is a private copy of /etc/initramfs-tools
# (mkinitramfs -d) plus one script, scripts/init-bottom/zz-bench-marker,
# that writes "peer-itools: switch_root" to /dev/kmsg after udev's
# init-bottom script, the last thing before init's exec of run-init: the
# end of the /init-to-switch_root interval that make bench measures.
# Writes OUT.img (zstd cpio), OUT.img.list (its members, lsinitramfs) and
# OUT.img.log (mkinitramfs' output).
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 2 ] || { echo "usage: peer-itools.sh OUT.img KERNEL_DIR" >&2; exit 2; }
out=$(abs "$1") kdir=$(abs "$2")
if [ "$(id -u)" != 0 ]; then
	exec sudo "$0" "$@"
fi
command -v mkinitramfs >/dev/null ||
	{ echo "peer-itools.sh: no mkinitramfs (initramfs-tools; make deps)" >&2; exit 1; }
[ -e /usr/share/initramfs-tools/hooks/mdadm ] ||
	{ echo "peer-itools.sh: no mdadm hook (mdadm; make deps)" >&2; exit 1; }
kver=$(cat "$kdir/kver")
mdir=$kdir/modules/lib/modules/$kver
config=$kdir/modules/boot/config-$kver
[ -f "$mdir/modules.dep" ] && [ -f "$config" ] ||
	{ echo "peer-itools.sh: $kdir is not an unpacked kernel (kernel.sh)" >&2; exit 1; }

conf=$out.conf
rm -rf "$conf" "$out.tmp"
cp -a /etc/initramfs-tools "$conf"
mkdir -p "$conf/scripts/init-bottom"
cat > "$conf/scripts/init-bottom/zz-bench-marker" <<'EOF'
#!/bin/sh
# make bench: the end of /init to switch_root (after udev's init-bottom).
PREREQ="udev"
prereqs() { echo "$PREREQ"; }
case $1 in prereqs) prereqs; exit 0 ;; esac
echo "peer-itools: switch_root" > /dev/kmsg
EOF
chmod 0755 "$conf/scripts/init-bottom/zz-bench-marker"

made= made_top=
[ -e /lib/modules ] || made_top=1
if [ ! -e "/lib/modules/$kver" ]; then
	mkdir -p "/lib/modules/$kver"
	made=1
fi
rc=0
unshare -m sh -eu -c '
	mount --make-rprivate /
	mount --bind "$1" "/lib/modules/$3"
	mount -t tmpfs tmpfs /boot
	cp "$2" "/boot/config-$3"
	mkinitramfs -d "$4" -o "$5" "$3"
' sh "$mdir" "$config" "$kver" "$conf" "$out.tmp" > "$out.log" 2>&1 || rc=$?
if [ -n "$made" ]; then
	rmdir "/lib/modules/$kver"
	[ -z "$made_top" ] || rmdir /lib/modules
fi
if [ "$rc" != 0 ]; then
	tail -n 20 "$out.log" >&2
	echo "peer-itools.sh: mkinitramfs failed (log: $out.log)" >&2
	exit 1
fi
lsinitramfs "$out.tmp" > "$out.list"
grep -q 'scripts/init-bottom/zz-bench-marker$' "$out.list" ||
	{ echo "peer-itools.sh: the marker script is not in $out" >&2; exit 1; }
rm -rf "$conf"
mv "$out.tmp" "$out"
