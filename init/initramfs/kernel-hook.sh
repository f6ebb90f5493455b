#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Debian kernel hook for blkasm-initramfs (docs/blkasm-initramfs.8, HOOKS).
# make install puts this one script in two places:
#   /etc/kernel/postinst.d/zz-blkasm-initramfs   writes the image
#   /etc/kernel/postrm.d/zz-blkasm-initramfs     removes it
# and tells them apart by the folder they are called from. A kernel
# package's maintainer scripts run each folder with run-parts, passing
# VERSION and the kernel image's path (the image's path is not used: the
# output's place comes from the configuration).
#
# It does nothing unless /etc/blkasm/initramfs.conf says enabled=yes, so it
# never competes with initramfs-tools or dracut. The configuration is read
# whole first: a line it does not understand is refused with FILE:LINE and
# exit status 1, before anything is written or removed. Keys
# (initramfs.conf.example):
#   enabled=yes|no        default no
#   plan=FILE             -c, default /etc/blkasm.conf; empty: no plan
#   output=PATTERN        -o, VERSION replaced by the kernel's version;
#                         default /boot/blkasm-initramfs-VERSION.img
#   compression=NAME      -C: gzip (default), zstd, xz, lz4 or none
#   modules=NAME...       --add for each, in order
#   fstype=TYPE           --fstype
#   host_only=yes|no      --host-only
#   blkasm=FILE           -b
#   busybox=DIR           --busybox
#   moddir=DIR            -m (the version under DIR/lib/modules is -k)
#   kconfig=FILE          -K, VERSION replaced
#
# The postinst hook runs `blkasm-initramfs -k VERSION ... -o OUTPUT`, which
# writes OUTPUT through a temporary file in its folder and renames it last.
# The postrm hook removes OUTPUT, the one file the postinst would write.
#
# Environment (tests, or a system laid out otherwise):
#   BLKASM_SYSCONFDIR   instead of /etc: $BLKASM_SYSCONFDIR/blkasm/initramfs.conf,
#                       and the default plan $BLKASM_SYSCONFDIR/blkasm.conf
#   BLKASM_BOOTDIR      instead of /boot in the default output
#   BLKASM_INITRAMFS    the generator (default: the installed one)
# As Debian's own hooks: INITRD=No skips the run, and DEB_MAINT_PARAMS
# (set by the kernel package) makes the postinst act on "configure" only
# and the postrm on "remove" only.

set -u

etc=${BLKASM_SYSCONFDIR:-/etc}
boot=${BLKASM_BOOTDIR:-/boot}
generator=${BLKASM_INITRAMFS:-/usr/local/sbin/blkasm-initramfs}
conf=$etc/blkasm/initramfs.conf
me='blkasm-initramfs hook'

say() { echo "$me: $*" >&2; }

case $0 in
*/postrm.d/*) action=remove ;;
*) action=configure ;;
esac

# Defaults, then the configuration.
enabled=no plan=$etc/blkasm.conf output=$boot/blkasm-initramfs-VERSION.img
compression=gzip modules='' fstype='' host_only=no blkasm='' busybox='' moddir='' kconfig=''

# bad LINE MESSAGE: refuse the configuration.
bad() { say "$conf:$1: $2"; exit 1; }

# setting LINENO KEY VALUE: check one key=value and keep it.
setting()
{
	case $2 in
	enabled|host_only)
		case $3 in yes|no) ;; *) bad "$1" "$2=$3: expected yes or no" ;; esac ;;
	compression)
		case $3 in gzip|zstd|xz|lz4|none) ;;
		*) bad "$1" "compression=$3: expected gzip, zstd, xz, lz4 or none" ;; esac ;;
	output)
		case $3 in /*VERSION*) ;;
		*) bad "$1" "output=$3: expected an absolute path with VERSION in it" ;; esac
		case $3 in */) bad "$1" "output=$3: expected a file, not a folder" ;; esac ;;
	modules)
		case $3 in *[!A-Za-z0-9_.:\ -]*)
			bad "$1" "modules=$3: expected module names separated by spaces" ;; esac ;;
	fstype)
		case $3 in ''|*[!A-Za-z0-9_.-]*) bad "$1" "fstype=$3: expected a filesystem type" ;; esac ;;
	plan|blkasm|busybox|moddir|kconfig) ;;
	*) bad "$1" "unknown key $2: expected enabled, plan, output, compression, modules,\
 fstype, host_only, blkasm, busybox, moddir or kconfig" ;;
	esac
	eval "$2=\$3"
}

# trim TEXT: TEXT without the blanks around it.
trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

read_conf()
{
	n=0
	if [ ! -r "$conf" ]; then
		[ -e "$conf" ] || return 0
		say "cannot read $conf"
		exit 1
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=$(trim "$line")
		case $line in ''|'#'*) continue ;; *=*) ;;
		*) bad "$n" "expected KEY=VALUE, got '$line'" ;; esac
		key=$(trim "${line%%=*}")
		setting "$n" "$key" "$(trim "${line#*=}")"
	done < "$conf"
}

# subst PATTERN: PATTERN with each VERSION replaced by the kernel's version.
subst()
{
	s=$1 r=''
	while :; do
		case $s in *VERSION*) ;; *) break ;; esac
		r=$r${s%%VERSION*}$version
		s=${s#*VERSION}
	done
	printf '%s' "$r$s"
}

read_conf
[ "$enabled" = yes ] || exit 0
[ "${INITRD:-}" = No ] && exit 0

version=${1:-}
case $version in
''|.|..|*[!A-Za-z0-9._+~-]*)
	say "expected a kernel version as the first argument, got '$version'"
	[ $action = remove ] && exit 0
	exit 2 ;;
esac

if [ -n "${DEB_MAINT_PARAMS:-}" ]; then
	# The kernel package's own arguments: act once, on configure or remove.
	eval "set -- $DEB_MAINT_PARAMS"
	[ "${1:-}" = $action ] || exit 0
fi

out=$(subst "$output")
if [ $action = remove ]; then
	[ -e "$out" ] || exit 0
	say "removing $out"
	exec rm -f -- "$out"
fi

set -- -k "$version" -C "$compression"
[ -n "$plan" ] && set -- "$@" -c "$plan"
[ -n "$moddir" ] && set -- "$@" -m "$moddir"
[ -n "$kconfig" ] && set -- "$@" -K "$(subst "$kconfig")"
[ -n "$blkasm" ] && set -- "$@" -b "$blkasm"
[ -n "$busybox" ] && set -- "$@" --busybox "$busybox"
[ -n "$fstype" ] && set -- "$@" --fstype "$fstype"
[ "$host_only" = yes ] && set -- "$@" --host-only
for m in $modules; do
	set -- "$@" --add "$m"
done
say "writing $out for $version"
exec "$generator" "$@" -o "$out"
