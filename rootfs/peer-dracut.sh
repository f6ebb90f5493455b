#!/bin/sh
# Build a dracut initramfs (Debian 12's dracut 059, its defaults) for the
# board's kernel, as a peer that make bench boots next to blkasm
# (tests/bench/boot_bench.sh).
#
# usage: peer-dracut.sh OUT.img KERNEL_DIR      (as root: see below)
#   KERNEL_DIR  from kernel.sh (kver, modules/lib/modules/<kver>/)
# env:   DL (download cache, rootfs/peer-debs.sh)
# needs: what dracut copies from this machine into the image: bash, cpio,
#        kmod, udev, systemd, mdadm, dmsetup (rootfs/deps.sh).
#
# Debian's dracut conflicts with initramfs-tools (each is the system's
# initramfs generator), so it is not installed: dracut, dracut-core and
# dracut-live are unpacked into OUT.pkg (rootfs/peer-debs.sh) and dracut
# runs from there (dracutbasedir), with the kernel's modules from KERNEL_DIR
# (--kmoddir) and an empty private configuration (--conf, --confdir), so
# /etc/dracut.conf* of this machine play no part. What it builds is what
# Debian's dracut builds by default: no host-only mode (Debian ships no
# hostonly setting), every kernel module of the storage and filesystem
# classes, and on a machine with systemd, systemd as the initramfs's init
# (dracut-systemd), the shell dash. One module is added: dmsquash-live
# (package dracut-live: root=live:, the make bench image layout), and one
# default left out: the early microcode archive (--no-early-microcode; the
# guest is QEMU's CPU, and tiny-initramfs is built without it too).
# Two markers are packed (--include), for the /init-to-switch_root interval
# that make bench measures:
#   a cleanup hook, the last of dracut's hooks (run by
#   dracut-pre-pivot.service after pre-pivot): "peer-dracut: hooks done"
#   a drop-in of initrd-switch-root.service, ExecStartPre: "peer-dracut:
#   switch_root", the last thing before systemctl switch-root, after
#   systemd has stopped the initramfs's services.
# As root, as dracut runs on a system (the host files it packs must all be
# readable, and the image keeps their owners). Writes OUT.img, OUT.img.list (its members) and
# OUT.img.log (dracut's output).
set -eu
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
[ $# -eq 2 ] || { echo "usage: peer-dracut.sh OUT.img KERNEL_DIR" >&2; exit 2; }
out=$(abs "$1") kdir=$(abs "$2")
if [ "$(id -u)" != 0 ]; then
	exec sudo env DL="${DL:?}" "$0" "$@"
fi
top=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kdir/kver")
mdir=$kdir/modules/lib/modules/$kver
[ -f "$mdir/modules.dep" ] ||
	{ echo "peer-dracut.sh: $kdir is not an unpacked kernel (kernel.sh)" >&2; exit 1; }
for c in bash cpio udevadm mdadm dmsetup; do
	command -v "$c" >/dev/null ||
		{ echo "peer-dracut.sh: no $c on this machine (make deps)" >&2; exit 1; }
done

pkg=$out.pkg
"$top/peer-debs.sh" "$pkg" dracut dracut-core dracut-live
base=$pkg/root/usr/lib/dracut
conf=$out.conf
rm -rf "$conf" "$out.tmp"
mkdir -p "$conf/conf.d"
: > "$conf/dracut.conf"
cat > "$conf/marker-hook.sh" <<'EOF'
# make bench: the last of dracut's hooks has run.
echo "peer-dracut: hooks done" > /dev/kmsg
EOF
cat > "$conf/marker.conf" <<'EOF'
# make bench: the end of /init to switch_root.
[Service]
ExecStartPre=/bin/sh -c 'echo "peer-dracut: switch_root" > /dev/kmsg'
EOF

rc=0
dracutbasedir=$base bash "$pkg/root/usr/bin/dracut" \
	--conf "$conf/dracut.conf" --confdir "$conf/conf.d" \
	--kver "$kver" --kmoddir "$mdir" --no-hostonly --add dmsquash-live --no-early-microcode \
	--include "$conf/marker-hook.sh" /usr/lib/dracut/hooks/cleanup/99-bench-marker.sh \
	--include "$conf/marker.conf" /etc/systemd/system/initrd-switch-root.service.d/bench-marker.conf \
	--force "$out.tmp" > "$out.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	tail -n 20 "$out.log" >&2
	echo "peer-dracut.sh: dracut failed (log: $out.log)" >&2
	exit 1
fi
# lsinitrd, from the same package: it skips an early (microcode) cpio.
dracutbasedir=$base bash "$pkg/root/usr/bin/lsinitrd" "$out.tmp" > "$out.list"
for f in usr/lib/dracut/hooks/cleanup/99-bench-marker.sh \
		etc/systemd/system/initrd-switch-root.service.d/bench-marker.conf \
		usr/lib/systemd/systemd; do
	grep -q " $f\$" "$out.list" ||
		{ echo "peer-dracut.sh: no $f in $out (a systemd dracut image)" >&2; exit 1; }
done
rm -rf "$conf"
chmod 0644 "$out.tmp"
mv "$out.tmp" "$out"
