/* SPDX-License-Identifier: MIT */
#include "cmdline.h"
#include "cmdline_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

#define FSTYPES "filesystem type names separated by commas (ext4, or ext4,xfs)"
#define OPTS "mount options, at most 255 printable characters without blanks"
#define PATHS "an absolute path without empty ('//' or a trailing '/'), '.' or '..' elements"
#define CONTROL "a value without tabs or other control characters"
#define SPECS "/dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR"
#define KNOWN "a known blkasm parameter: blkasm.conf=, blkasm.overlay=, " \
	      "blkasm.hashoffset=, blkasm.oncorruption=, blkasm.slots=, " \
	      "blkasm.slotdev=, blkasm.slot=, blkasm.slotfallback=, blkasm.timeout=, " \
	      "blkasm.debug, blkasm.break=, blkasm.shell"
#define HASH "the root hash in hex (64 digits for sha256), as veritysetup format prints it"
#define HOFF "the byte offset of the verity superblock on the data device, a multiple of " \
	     "512 (veritysetup format --hash-offset)"
#define POLICY "one of error, restart, panic, log"
#define H64 "0123456789abcdef0123456789abcdef0123456789ABCDEF0123456789abcdef"
#define OVERLAY "tmpfs, tmpfs:SIZE (512M, 2G) or the absolute path of a folder on root="
#define OVL_CHARS "a folder whose path has no ',', ':' or '\\' (overlayfs cannot take them)"
#define OVL_LOOP "loop= too (a folder upper layer lies on root= beside the image), or tmpfs"

/* Repeats c n times after prefix, in a static buffer. */
static const char *longer(const char *prefix, char c, size_t n, const char *suffix)
{
	static char buf[4096];
	size_t len = strlen(prefix);

	memcpy(buf, prefix, len);
	memset(buf + len, c, n);
	strcpy(buf + len + n, suffix);
	return buf;
}

ATF_TC_WITHOUT_HEAD(defaults);
ATF_TC_BODY(defaults, tc)
{
	parse_ok("");
	ATF_CHECK(!bp.have_root);
	ATF_CHECK_STREQ(bp.rootfstype, "");
	ATF_CHECK_STREQ(bp.rootflags, "");
	ATF_CHECK(bp.read_only);
	ATF_CHECK(!bp.rootwait);
	ATF_CHECK_EQ(bp.root_wait_s, -1);
	ATF_CHECK_STREQ(bp.init, "");
	ATF_CHECK_STREQ(bp.loop, "");
	ATF_CHECK_EQ(bp.timeout_s, CMDLINE_DEFAULT_TIMEOUT_S);
	ATF_CHECK(!bp.debug);
	ATF_CHECK_EQ(bp.brk, BREAK_NONE);
	ATF_CHECK(!bp.shell_on_failure);
	ATF_CHECK(!bp.panic_set);
	parse_ok("   \t\n");
	ATF_CHECK(bp.read_only);
}

ATF_TC_WITHOUT_HEAD(real_debian_line);
ATF_TC_BODY(real_debian_line, tc)
{
	parse_ok("BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 "
		 "root=UUID=8d2b5c9e-3f4a-4b7e-9c1d-2e6f0a8b7c4d ro quiet "
		 "console=ttyS0,115200n8\n");
	ATF_CHECK(bp.have_root);
	ATF_CHECK_EQ(bp.root.kind, DEVSPEC_UUID);
	ATF_CHECK_STREQ(bp.root.value, "8d2b5c9e-3f4a-4b7e-9c1d-2e6f0a8b7c4d");
	ATF_CHECK(bp.read_only);
}

ATF_TC_WITHOUT_HEAD(root_forms);
ATF_TC_BODY(root_forms, tc)
{
	static const struct {
		const char *line;
		enum devspec_kind kind;
		const char *value;
	} t[] = {
		{ "root=/dev/vda1", DEVSPEC_PATH, "/dev/vda1" },
		{ "root=/dev/cciss/c0d0p1", DEVSPEC_PATH, "/dev/cciss/c0d0p1" },
		{ "root=/dev/disk/by-label/root", DEVSPEC_PATH, "/dev/disk/by-label/root" },
		{ "root=UUID=0A1B-2C3D", DEVSPEC_UUID, "0A1B-2C3D" },
		{ "root=LABEL=rootfs", DEVSPEC_LABEL, "rootfs" },
		{ "root=PARTUUID=5e1f2a3b-02", DEVSPEC_PARTUUID, "5e1f2a3b-02" },
		{ "root=PARTLABEL=system_a", DEVSPEC_PARTLABEL, "system_a" },
		{ "root=254:1", DEVSPEC_DEVNUM, "254:1" },
		{ "root=\"LABEL=my root\"", DEVSPEC_LABEL, "my root" },
		{ "root=/dev/sda1 root=LABEL=second", DEVSPEC_LABEL, "second" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		parse_ok(t[i].line);
		ATF_CHECK_MSG(bp.have_root, "%s", t[i].line);
		ATF_CHECK_EQ_MSG(bp.root.kind, t[i].kind, "%s", t[i].line);
		ATF_CHECK_STREQ_MSG(bp.root.value, t[i].value, "%s", t[i].line);
	}
	parse_ok("root=8:17");
	ATF_CHECK_EQ(bp.root.major, 8);
	ATF_CHECK_EQ(bp.root.minor, 17);
}

ATF_TC_WITHOUT_HEAD(fstypes_and_flags);
ATF_TC_BODY(fstypes_and_flags, tc)
{
	parse_ok("rootfstype=ext4");
	ATF_CHECK_STREQ(bp.rootfstype, "ext4");
	parse_ok("rootfstype=ext4,xfs,btrfs rootflags=data=journal,errors=remount-ro");
	ATF_CHECK_STREQ(bp.rootfstype, "ext4,xfs,btrfs");
	ATF_CHECK_STREQ(bp.rootflags, "data=journal,errors=remount-ro");
	parse_ok("rootfstype=fuse.sshfs,ntfs-3g,vfat_x");
	ATF_CHECK_STREQ(bp.rootfstype, "fuse.sshfs,ntfs-3g,vfat_x");
	parse_ok("loopfstype=squashfs loopflags=ro,noatime rootflags=subvol=@");
	ATF_CHECK_STREQ(bp.loopfstype, "squashfs");
	ATF_CHECK_STREQ(bp.loopflags, "ro,noatime");
	ATF_CHECK_STREQ(bp.rootflags, "subvol=@");
	/* 63 characters fit rootfstype[64]; 64 do not. */
	parse_ok(longer("rootfstype=", 'x', 63, ""));
	ATF_CHECK_EQ(strlen(bp.rootfstype), 63);
	ATF_CHECK_EQ(cmdline_parse(longer("rootfstype=", 'x', 64, ""), &bp, &err), -EINVAL);
	parse_ok(longer("rootflags=", 'o', 255, ""));
	ATF_CHECK_EQ(strlen(bp.rootflags), 255);
	ATF_CHECK_EQ(cmdline_parse(longer("rootflags=", 'o', 256, ""), &bp, &err), -EINVAL);
	ATF_CHECK_STREQ(err.expected, OPTS);
}

ATF_TC_WITHOUT_HEAD(ro_rw_last_wins);
ATF_TC_BODY(ro_rw_last_wins, tc)
{
	parse_ok("rw");
	ATF_CHECK(!bp.read_only);
	parse_ok("rw ro");
	ATF_CHECK(bp.read_only);
	parse_ok("ro rw");
	ATF_CHECK(!bp.read_only);
	parse_ok("ro rw quiet ro");
	ATF_CHECK(bp.read_only);
}

ATF_TC_WITHOUT_HEAD(rootwait_and_rootdelay);
ATF_TC_BODY(rootwait_and_rootdelay, tc)
{
	parse_ok("rootwait");
	ATF_CHECK(bp.rootwait);
	ATF_CHECK_EQ(bp.root_wait_s, -1);
	parse_ok("rootwait=10");
	ATF_CHECK(bp.rootwait);
	ATF_CHECK_EQ(bp.root_wait_s, 10);
	parse_ok("rootwait=0");
	ATF_CHECK_EQ(bp.root_wait_s, 0);
	parse_ok("rootwait=86400");
	ATF_CHECK_EQ(bp.root_wait_s, 86400);
	parse_ok("rootdelay=5");
	ATF_CHECK(!bp.rootwait);
	ATF_CHECK_EQ(bp.root_wait_s, 5);
	parse_ok("rootdelay=5 rootwait");
	ATF_CHECK(bp.rootwait);
	ATF_CHECK_EQ(bp.root_wait_s, 5);
	parse_ok("rootwait=3 rootdelay=7");
	ATF_CHECK_EQ(bp.root_wait_s, 7);
}

ATF_TC_WITHOUT_HEAD(init_and_loop_paths);
ATF_TC_BODY(init_and_loop_paths, tc)
{
	parse_ok("init=/sbin/init");
	ATF_CHECK_STREQ(bp.init, "/sbin/init");
	parse_ok("init=/usr/lib/systemd/systemd");
	ATF_CHECK_STREQ(bp.init, "/usr/lib/systemd/systemd");
	parse_ok("init=\"/sbin/my init\"");
	ATF_CHECK_STREQ(bp.init, "/sbin/my init");
	parse_ok("loop=/images/root.img");
	ATF_CHECK_STREQ(bp.loop, "/images/root.img");
	/* initramfs-tools reads a relative loop= from the root. */
	parse_ok("loop=images/root.img");
	ATF_CHECK_STREQ(bp.loop, "/images/root.img");
	parse_ok("loop=/a/..b/c..");	/* only whole ".." elements are refused */
	ATF_CHECK_STREQ(bp.loop, "/a/..b/c..");
	parse_ok(longer("loop=/", 'p', 254, ""));
	ATF_CHECK_EQ(strlen(bp.loop), 255);
	ATF_CHECK_EQ(cmdline_parse(longer("loop=/", 'p', 255, ""), &bp, &err), -EINVAL);
	ATF_CHECK_STREQ(err.expected, "a path of at most 255 characters");
	/* Without the leading '/', the one added counts too. */
	ATF_CHECK_EQ(cmdline_parse(longer("loop=", 'p', 255, ""), &bp, &err), -EINVAL);
	ATF_CHECK_STREQ(err.expected, "a path of at most 255 characters");
}

ATF_TC_WITHOUT_HEAD(panic_values);
ATF_TC_BODY(panic_values, tc)
{
	parse_ok("panic=-1");
	ATF_CHECK(bp.panic_set);
	ATF_CHECK_EQ(bp.panic_s, -1);
	parse_ok("panic=0");
	ATF_CHECK(bp.panic_set);
	ATF_CHECK_EQ(bp.panic_s, 0);
	parse_ok("panic=30");
	ATF_CHECK_EQ(bp.panic_s, 30);
	parse_ok("panic=-86400");
	ATF_CHECK_EQ(bp.panic_s, -86400);
}

ATF_TC_WITHOUT_HEAD(blkasm_params);
ATF_TC_BODY(blkasm_params, tc)
{
	parse_ok("blkasm.timeout=30 blkasm.debug blkasm.shell blkasm.break=premount");
	ATF_CHECK_EQ(bp.timeout_s, 30);
	ATF_CHECK(bp.debug);
	ATF_CHECK(bp.shell_on_failure);
	ATF_CHECK_EQ(bp.brk, BREAK_PREMOUNT);
	parse_ok("blkasm.break=top");
	ATF_CHECK_EQ(bp.brk, BREAK_TOP);
	parse_ok("blkasm.break=bottom blkasm.timeout=86400");
	ATF_CHECK_EQ(bp.brk, BREAK_BOTTOM);
	ATF_CHECK_EQ(bp.timeout_s, 86400);
	ATF_CHECK_STREQ(cmdline_break_name(BREAK_NONE), "none");
	ATF_CHECK_STREQ(cmdline_break_name(BREAK_TOP), "top");
	ATF_CHECK_STREQ(cmdline_break_name(BREAK_PREMOUNT), "premount");
	ATF_CHECK_STREQ(cmdline_break_name(BREAK_BOTTOM), "bottom");
}

ATF_TC_WITHOUT_HEAD(root_overlay);
ATF_TC_BODY(root_overlay, tc)
{
	parse_ok("root=/dev/vda");
	ATF_CHECK_EQ(bp.overlay, OVERLAY_NONE);
	parse_ok("root=/dev/vda blkasm.overlay=tmpfs");
	ATF_CHECK_EQ(bp.overlay, OVERLAY_TMPFS);
	ATF_CHECK_STREQ(bp.overlay_size, "");
	parse_ok("blkasm.overlay=tmpfs:512M root=/dev/vda");
	ATF_CHECK_EQ(bp.overlay, OVERLAY_TMPFS);
	ATF_CHECK_STREQ(bp.overlay_size, "512M");
	/* The last one wins, and a later plain tmpfs forgets the size. */
	parse_ok("blkasm.overlay=tmpfs:1G blkasm.overlay=tmpfs");
	ATF_CHECK_STREQ(bp.overlay_size, "");
	/* A folder on root=: with loop=, given before or after it. */
	parse_ok("blkasm.overlay=/overlay root=/dev/vda loop=/images/root.sqfs");
	ATF_CHECK_EQ(bp.overlay, OVERLAY_DIR);
	ATF_CHECK_STREQ(bp.overlay_dir, "/overlay");
	parse_ok("root=/dev/vda loop=/r.img blkasm.overlay=/var/ovl -- single");
	ATF_CHECK_STREQ(bp.overlay_dir, "/var/ovl");
	ATF_CHECK_EQ(bp.init_argc, 1);
	parse_ok("blkasm.overlay=/overlay blkasm.overlay=tmpfs root=/dev/vda");
	ATF_CHECK_EQ(bp.overlay, OVERLAY_TMPFS);
}

ATF_TC_WITHOUT_HEAD(root_verity);
ATF_TC_BODY(root_verity, tc)
{
	parse_ok("root=/dev/vda loop=/images/root.img");
	ATF_CHECK_STREQ(bp.roothash, "");
	ATF_CHECK(!bp.have_hash_offset);
	/* Kept in lower case, as the verity node compares it. */
	parse_ok("root=/dev/vda loop=/images/root.img roothash=" H64);
	ATF_CHECK_STREQ(bp.roothash, "0123456789abcdef0123456789abcdef"
			"0123456789abcdef0123456789abcdef");
	ATF_CHECK(!bp.have_hash_offset);
	ATF_CHECK_STREQ(bp.on_corruption, "");
	/* Appended to root= itself: no loop= needed. */
	parse_ok("blkasm.hashoffset=16M roothash=" H64 " root=/dev/vdb blkasm.oncorruption=restart");
	ATF_CHECK(bp.have_hash_offset);
	ATF_CHECK_EQ(bp.hash_offset, 16u << 20);
	ATF_CHECK_STREQ(bp.on_corruption, "restart");
	parse_ok("root=/dev/vda loop=/r.img roothash=0123456789abcdef0123456789abcdef "
		 "blkasm.hashoffset=1048576 blkasm.oncorruption=log");
	ATF_CHECK_EQ(bp.hash_offset, 1048576u);
	ATF_CHECK_STREQ(bp.on_corruption, "log");
}

ATF_TC_WITHOUT_HEAD(quotes_group_and_vanish);
ATF_TC_BODY(quotes_group_and_vanish, tc)
{
	/* root=... inside a foreign quoted value is not ours. */
	parse_ok("foo=\"x root=vda1 rw\" ro");
	ATF_CHECK(!bp.have_root);
	ATF_CHECK(bp.read_only);
	parse_ok("rootflags=a\"b\"c \"rw\"");
	ATF_CHECK_STREQ(bp.rootflags, "abc");
	ATF_CHECK(!bp.read_only);
	parse_ok("\"root=/dev/vdb\"");
	ATF_CHECK_STREQ(bp.root.value, "/dev/vdb");
	parse_ok("loop=\"/my images/root.img\"\tloopfstype=ext4");
	ATF_CHECK_STREQ(bp.loop, "/my images/root.img");
	ATF_CHECK_STREQ(bp.loopfstype, "ext4");
}

ATF_TC_WITHOUT_HEAD(double_dash_ends_parsing);
ATF_TC_BODY(double_dash_ends_parsing, tc)
{
	parse_ok("ro -- rw root=garbage blkasm.nonsense single");
	ATF_CHECK(bp.read_only);
	ATF_CHECK(!bp.have_root);
	parse_ok("--");
	ATF_CHECK_EQ(bp.init_argc, 0);
	parse_ok("rw --x root=/dev/vda");	/* only a bare "--" */
	ATF_CHECK(bp.have_root);
	ATF_CHECK_EQ(bp.init_argc, 0);
}

ATF_TC_WITHOUT_HEAD(init_args_after_double_dash);
ATF_TC_BODY(init_args_after_double_dash, tc)
{
	/* Quotes group and vanish as before "--"; tabs separate. */
	parse_ok("root=/dev/vda -- single\t\"a b\"  x=1 -- ");
	ATF_REQUIRE_EQ(bp.init_argc, 4);
	ATF_CHECK(!memcmp(bp.init_args, "single\0a b\0x=1\0--\0", 18));
	/* What does not fit is left off whole. */
	parse_ok(longer("root=/dev/vda -- a ", 'b', 508, " c"));
	ATF_CHECK_EQ(bp.init_argc, 2);
	ATF_CHECK_EQ(strlen(bp.init_args + 2), 508);
}

ATF_TC_WITHOUT_HEAD(foreign_params_ignored);
ATF_TC_BODY(foreign_params_ignored, tc)
{
	parse_ok("quiet splash console=tty0 console=ttyS0,115200 systemd.unit=rescue.target "
		 "rd.lvm.vg=vg0 blkasmx=1 rootx=junk rootwaitx =bare nomodeset");
	ATF_CHECK(!bp.have_root);
	ATF_CHECK(!bp.rootwait);
	ATF_CHECK_EQ(bp.timeout_s, CMDLINE_DEFAULT_TIMEOUT_S);
}

ATF_TC_WITHOUT_HEAD(over_long_params);
ATF_TC_BODY(over_long_params, tc)
{
	const char *line;

	/* Someone else's: skipped whole, and parsing goes on after it. */
	parse_ok(longer("quiet foo=", 'x', 2000, " rw"));
	ATF_CHECK(!bp.read_only);
	/* Ours: refused, even though it starts well. */
	line = longer("rw root=/dev/", 'a', 1100, "");
	ATF_CHECK_EQ(cmdline_parse(line, &bp, &err), -EINVAL);
	ATF_CHECK_EQ(err.column, 4);
	ATF_CHECK_STREQ(err.expected, "a parameter shorter than 1024 characters");
	ATF_CHECK_EQ(strlen(err.param), sizeof(err.param) - 1);
	ATF_CHECK_EQ(strncmp(err.param, "root=/dev/aaaa", 14), 0);
	/* 1023 characters still fit the token: then the value is judged. */
	line = longer("root=/dev/", 'a', 1013, "");
	ATF_CHECK_EQ(cmdline_parse(line, &bp, &err), -EINVAL);
	ATF_CHECK_STREQ(err.expected, "at most 255 characters");
	line = longer("blkasm.debug=", '1', 1500, "");
	ATF_CHECK_EQ(cmdline_parse(line, &bp, &err), -EINVAL);
	ATF_CHECK_STREQ(err.expected, "a parameter shorter than 1024 characters");
}

static const struct bad {
	const char *line;
	unsigned int column;
	const char *param;
	const char *expected;
} bad[] = {
	{ "root=vda1", 1, "root=vda1", SPECS },
	{ "quiet root=UUID=", 7, "root=UUID=", "a value after '='" },
	{ "ro root", 4, "root", "a value after '='" },
	{ "root=4096:0", 1, "root=4096:0", SPECS },
	{ "root=/dev/../etc/passwd", 1, "root=/dev/../etc/passwd", SPECS },
	{ "console=ttyS0 rootfstype=ext4,", 15, "rootfstype=ext4,", FSTYPES },
	{ "rootfstype=EXT4", 1, "rootfstype=EXT4", FSTYPES },
	{ "rootfstype=", 1, "rootfstype=", "a value after '='" },
	{ "a  rootflags=\"data=ordered x\"", 4, "rootflags=data=ordered x", OPTS },
	{ "loopflags=ro\x7f", 1, "loopflags=ro\\x7f", CONTROL },
	{ "root=\"LABEL=a\tb\"", 1, "root=LABEL=a\\tb", CONTROL },
	{ "ro loop=\"/a\tb.img\"", 4, "loop=/a\\tb.img", CONTROL },
	{ "rootflags=\"x\ny\"", 1, "rootflags=x\\x0ay", CONTROL },
	{ "loop=//img//root.img", 1, "loop=//img//root.img", PATHS },
	{ "loop=/img/root.img/", 1, "loop=/img/root.img/", PATHS },
	{ "init=/sbin//init", 1, "init=/sbin//init", PATHS },
	{ "blkasm.conf=//etc/b.conf", 1, "blkasm.conf=//etc/b.conf", PATHS },
	{ "loopfstype=ext4;reboot", 1, "loopfstype=ext4;reboot", FSTYPES },
	{ "ro=1", 1, "ro=1", "no value" },
	{ "ro rw=0", 4, "rw=0", "no value" },
	{ "rw\trootwait=-1", 4, "rootwait=-1", "rootwait or rootwait=SECONDS (0-86400)" },
	{ "rootwait=86401", 1, "rootwait=86401", "rootwait or rootwait=SECONDS (0-86400)" },
	{ "rootwait=", 1, "rootwait=", "a value after '='" },
	{ "rootdelay=5s", 1, "rootdelay=5s", "a whole number of seconds (0-86400)" },
	{ "rootdelay=+5", 1, "rootdelay=+5", "a whole number of seconds (0-86400)" },
	{ "rootdelay", 1, "rootdelay", "a value after '='" },
	{ "init=sbin/init", 1, "init=sbin/init", "an absolute path" },
	{ "init=/sbin/../bin/sh", 1, "init=/sbin/../bin/sh", PATHS },
	{ "init=/", 1, "init=/", "an absolute path other than '/'" },
	{ "loop=images/../etc/shadow", 1, "loop=images/../etc/shadow", PATHS },
	{ "loop=../root.img", 1, "loop=../root.img", PATHS },
	{ "init=/sbin/init loop=/a/./b", 17, "loop=/a/./b", PATHS },
	{ "loop=/", 1, "loop=/", "an absolute path other than '/'" },
	{ "loop=", 1, "loop=", "a value after '='" },
	{ "init=", 1, "init=", "a value after '='" },
	{ "panic=soon", 1, "panic=soon", "a whole number of seconds (negative: at once)" },
	{ "panic=86401", 1, "panic=86401", "a whole number of seconds (negative: at once)" },
	{ "panic=--1", 1, "panic=--1", "a whole number of seconds (negative: at once)" },
	{ "blkasm.timeout=0", 1, "blkasm.timeout=0", "a whole number of seconds (1-86400)" },
	{ "blkasm.timeout=-5", 1, "blkasm.timeout=-5", "a whole number of seconds (1-86400)" },
	{ "blkasm.debug=yes", 1, "blkasm.debug=yes", "no value" },
	{ "blkasm.shell=1", 1, "blkasm.shell=1", "no value" },
	{ "blkasm.break=middle", 1, "blkasm.break=middle", "one of top, premount, bottom" },
	{ "blkasm.break", 1, "blkasm.break", "a value after '='" },
	{ "quiet blkasm.verbose", 7, "blkasm.verbose", KNOWN },
	{ "blkasm.Debug", 1, "blkasm.Debug", KNOWN },
	{ "root=/dev/vda\nblkasm.tmeout=3\n", 15, "blkasm.tmeout=3", KNOWN },
	{ "   rw   \"root=vda\"", 9, "root=vda", SPECS },
	{ "blkasm.overlay=ram", 1, "blkasm.overlay=ram", OVERLAY },
	{ "blkasm.overlay=tmpfs:", 1, "blkasm.overlay=tmpfs:", OVERLAY },
	{ "blkasm.overlay=tmpfs:0", 1, "blkasm.overlay=tmpfs:0", OVERLAY },
	{ "blkasm.overlay=tmpfs:lots", 1, "blkasm.overlay=tmpfs:lots", OVERLAY },
	{ "blkasm.overlay=tmpfsx", 1, "blkasm.overlay=tmpfsx", OVERLAY },
	{ "blkasm.overlay=overlay", 1, "blkasm.overlay=overlay", OVERLAY },
	{ "blkasm.overlay", 1, "blkasm.overlay", "a value after '='" },
	{ "loop=/a blkasm.overlay=/o:v", 9, "blkasm.overlay=/o:v", OVL_CHARS },
	{ "loop=/a blkasm.overlay=/o,v", 9, "blkasm.overlay=/o,v", OVL_CHARS },
	{ "loop=/a blkasm.overlay=/o//v", 9, "blkasm.overlay=/o//v", PATHS },
	{ "root=/dev/vda blkasm.overlay=/ovl", 15, "blkasm.overlay=/ovl", OVL_LOOP },
	{ "blkasm.overlay=/ovl ro -- x", 1, "blkasm.overlay=/ovl", OVL_LOOP },
	{ "roothash=abc", 1, "roothash=abc", HASH },
	{ "roothash=" H64 "0", 1, "roothash=0123456789abcdef0123456789abcdef0123456789ABCDEF012345", HASH },
	{ "ro roothash=g123456789abcdef0123456789abcdef", 4,
	  "roothash=g123456789abcdef0123456789abcdef", HASH },
	{ "roothash=", 1, "roothash=", "a value after '='" },
	{ "blkasm.hashoffset=1000", 1, "blkasm.hashoffset=1000", HOFF },
	{ "blkasm.hashoffset=0", 1, "blkasm.hashoffset=0", HOFF },
	{ "blkasm.hashoffset=-512", 1, "blkasm.hashoffset=-512", HOFF },
	{ "blkasm.oncorruption=reboot", 1, "blkasm.oncorruption=reboot", POLICY },
	{ "root=/dev/vda blkasm.hashoffset=4096", 15, "blkasm.hashoffset=4096",
	  "roothash= too (the offset is that of the root's verity hash tree)" },
	{ "root=/dev/vda loop=/r.img blkasm.oncorruption=panic", 27, "blkasm.oncorruption=panic",
	  "roothash= too (the policy is that of the root's verity device)" },
	{ "root=/dev/vda roothash=" H64, 15, "roothash=0123456789abcdef0123456789abcdef0123456789abcdef012345",
	  "loop= too (the hash tree in the image's .verity file), or blkasm.hashoffset= "
	  "(the tree on root= after its data)" },
};

ATF_TC_WITHOUT_HEAD(bad_inputs_column_and_text);
ATF_TC_BODY(bad_inputs_column_and_text, tc)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];
		int r = cmdline_parse(b->line, &bp, &err);

		ATF_CHECK_EQ_MSG(r, -EINVAL, "'%s' gave %d", b->line, r);
		if (r != -EINVAL)
			continue;
		ATF_CHECK_EQ_MSG(err.column, b->column, "'%s'", b->line);
		ATF_CHECK_STREQ_MSG(err.param, b->param, "'%s'", b->line);
		ATF_CHECK_MSG(err.expected && !strcmp(err.expected, b->expected),
			      "'%s': expected '%s', got '%s'", b->line, b->expected,
			      err.expected ? err.expected : "(null)");
	}
}

ATF_TC_WITHOUT_HEAD(error_param_cut_short);
ATF_TC_BODY(error_param_cut_short, tc)
{
	const char *line = longer("rootflags=", 'o', 300, "");

	ATF_CHECK_EQ(cmdline_parse(line, &bp, &err), -EINVAL);
	ATF_CHECK_EQ(err.column, 1);
	ATF_CHECK_EQ(strlen(err.param), 63);
	ATF_CHECK_EQ(strncmp(err.param, line, 63), 0);
	ATF_CHECK_STREQ(err.expected, OPTS);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, defaults);
	ATF_TP_ADD_TC(tp, real_debian_line);
	ATF_TP_ADD_TC(tp, root_forms);
	ATF_TP_ADD_TC(tp, fstypes_and_flags);
	ATF_TP_ADD_TC(tp, ro_rw_last_wins);
	ATF_TP_ADD_TC(tp, rootwait_and_rootdelay);
	ATF_TP_ADD_TC(tp, init_and_loop_paths);
	ATF_TP_ADD_TC(tp, panic_values);
	ATF_TP_ADD_TC(tp, blkasm_params);
	ATF_TP_ADD_TC(tp, root_overlay);
	ATF_TP_ADD_TC(tp, root_verity);
	ATF_TP_ADD_TC(tp, quotes_group_and_vanish);
	ATF_TP_ADD_TC(tp, double_dash_ends_parsing);
	ATF_TP_ADD_TC(tp, init_args_after_double_dash);
	ATF_TP_ADD_TC(tp, foreign_params_ignored);
	ATF_TP_ADD_TC(tp, over_long_params);
	ATF_TP_ADD_TC(tp, bad_inputs_column_and_text);
	ATF_TP_ADD_TC(tp, error_param_cut_short);
	return atf_no_error();
}
