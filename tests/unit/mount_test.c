/* SPDX-License-Identifier: MIT */
/*
 * lib/mount.c through the fake seam: how the options become flags and
 * data, the second calls of propagation and bind mounts, a list of types,
 * the type probe (in mount_fs, or once ahead: mount_probe), and the
 * diagnoses.
 */
#include "mount.h"
#include "fake_inject.h"
#include "fake_sys.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static char fstype[64], why[512];

static int mnt(const char *type, const char *options, bool ro)
{
	struct mount_req req = { .source = "/dev/vdb", .target = "/mnt", .fstype = type,
				 .options = options, .read_only = ro };

	return mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why));
}

static const char *hex(unsigned long v)
{
	static char b[4][32];
	static int i;

	i = (i + 1) % 4;
	snprintf(b[i], sizeof(b[i]), "%#lx", v);
	return b[i];
}

ATF_TC_WITHOUT_HEAD(options_split);
ATF_TC_BODY(options_split, tc)
{
	fake_reset();
	ATF_CHECK_EQ(mnt("ext4", "defaults,noatime,nosuid,errors=remount-ro,nofail,"
			 "x-blkasm.note=1,commit=30", false), 0);
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt ext4");
	/* The filesystem's own options go to the kernel; nofail and x-* do not. */
	ATF_CHECK_STREQ(fake_mount_data(), "errors=remount-ro,commit=30");
	ATF_CHECK_STREQ(fake_mount_flags(), hex(MS_NOATIME | MS_NOSUID));
	ATF_CHECK_STREQ(fstype, "ext4");
	ATF_CHECK_STREQ(why, "");
}

ATF_TC_WITHOUT_HEAD(read_only);
ATF_TC_BODY(read_only, tc)
{
	fake_reset();
	ATF_CHECK_EQ(mnt("squashfs", NULL, true), 0);
	ATF_CHECK_STREQ(fake_mount_data(), "-");
	ATF_CHECK_STREQ(fake_mount_flags(), hex(MS_RDONLY));
	/* read-only yes wins over rw; ro alone is a flag too. */
	fake_reset();
	ATF_CHECK_EQ(mnt("ext4", "rw,nodev", true), 0);
	ATF_CHECK_STREQ(fake_mount_flags(), hex(MS_RDONLY | MS_NODEV));
	fake_reset();
	ATF_CHECK_EQ(mnt("ext4", "ro", false), 0);
	ATF_CHECK_STREQ(fake_mount_flags(), hex(MS_RDONLY));
}

/* A propagation change is its own mount(2) call, after the mount. */
ATF_TC_WITHOUT_HEAD(propagation_second_call);
ATF_TC_BODY(propagation_second_call, tc)
{
	fake_reset();
	ATF_CHECK_EQ(mnt("ext4", "rshared,noexec", false), 0);
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt ext4 mount none /mnt -");
	ATF_CHECK_STREQ(fake_mount_flags(),
			"0x8 0x104000");	/* MS_NOEXEC; MS_SHARED | MS_REC */
	ATF_CHECK_EQ(MS_SHARED | MS_REC, 0x104000);

	fake_reset();
	ATF_CHECK_EQ(mnt("ext4", "shared,private", false), -EINVAL);
	ATF_CHECK_STREQ(fake_trace(), "");
	ATF_CHECK_STREQ(why, "more than one propagation option in 'shared,private'");
}

/* A bind mount takes its flags from a remount, and no type probe. */
ATF_TC_WITHOUT_HEAD(bind_read_only);
ATF_TC_BODY(bind_read_only, tc)
{
	struct mount_req req = { .source = "/srv/data", .target = "/mnt", .options = "bind",
				 .read_only = true };

	fake_reset();
	ATF_CHECK_EQ(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)), 0);
	ATF_CHECK_STREQ(fake_trace(), "mount /srv/data /mnt none mount none /mnt -");
	ATF_CHECK_STREQ(fake_mount_flags(), "0x1001 0x1021");
	ATF_CHECK_EQ(MS_BIND | MS_RDONLY, 0x1001);
	ATF_CHECK_EQ(MS_REMOUNT | MS_BIND | MS_RDONLY, 0x1021);
}

/* The propagation call fails: the mount is undone, the error named. */
ATF_TC_WITHOUT_HEAD(propagation_fails_unmounts);
ATF_TC_BODY(propagation_fails_unmounts, tc)
{
	fake_reset();
	fake_inject_arm(2, -EPERM, false);
	ATF_CHECK_EQ(mnt("ext4", "private", false), -EPERM);
	ATF_CHECK(fake_inject_fired());
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt ext4 mount none /mnt - umount /mnt");
	ATF_CHECK_STREQ(why, "Operation not permitted");
}

/* "ext4,ext2": the next type while the kernel says "not this type". */
ATF_TC_WITHOUT_HEAD(type_list);
ATF_TC_BODY(type_list, tc)
{
	fake_reset();
	fake_fail(FAKE_MOUNT, "/mnt", -EINVAL);
	ATF_CHECK_EQ(mnt("ext4,ext2", NULL, false), -EINVAL);
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt ext4 mount /dev/vdb /mnt ext2");
	ATF_CHECK_STREQ(why, "wrong filesystem type, bad option or bad superblock on "
			"/dev/vdb (type ext2, options none)");
	ATF_CHECK_STREQ(fstype, "");

	fake_reset();
	fake_fail_times(FAKE_MOUNT, "/mnt", -ENODEV, 1);
	ATF_CHECK_EQ(mnt("btrfs,ext4", NULL, false), 0);
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt btrfs mount /dev/vdb /mnt ext4");
	ATF_CHECK_STREQ(fstype, "ext4");

	/* Another error stops the list at once. */
	fake_reset();
	fake_fail(FAKE_MOUNT, "/mnt", -EBUSY);
	ATF_CHECK_EQ(mnt("ext4,ext2", NULL, false), -EBUSY);
	ATF_CHECK_STREQ(fake_trace(), "mount /dev/vdb /mnt ext4");
	ATF_CHECK_STREQ(why, "/dev/vdb is already mounted or /mnt is busy");

	fake_reset();
	ATF_CHECK_EQ(mnt("ext4,", NULL, false), -EINVAL);
	ATF_CHECK_STREQ(fake_trace(), "");
	fake_reset();
	ATF_CHECK_EQ(mnt(",ext4", NULL, false), -EINVAL);
	ATF_CHECK_STREQ(fake_trace(), "");
	ATF_CHECK_STREQ(why, "bad filesystem type list ',ext4'");
}

ATF_TC_WITHOUT_HEAD(diagnoses);
ATF_TC_BODY(diagnoses, tc)
{
	static const struct {
		int err;
		const char *why;
	} cases[] = {
		{ -ENODEV, "unknown filesystem type 'xfs' (not in this kernel)" },
		{ -ENOTBLK, "/dev/vdb is not a block device" },
		{ -ENXIO, "/dev/vdb: no such device" },
		{ -ENOENT, "/dev/vdb or /mnt does not exist" },
		{ -EROFS, "/dev/vdb is write-protected" },
		{ -EACCES, "/dev/vdb is write-protected" },
		{ -ENOMEM, "Cannot allocate memory" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_reset();
		fake_fail(FAKE_MOUNT, "/mnt", cases[i].err);
		ATF_CHECK_EQ(mnt("xfs", "noatime", false), cases[i].err);
		ATF_CHECK_STREQ(why, cases[i].why);
	}
}

/* No type: libblkid reads the source (a real file here: it does not go
 * through the seam). Nothing it knows: no mount, the reason named. */
ATF_TC_WITHOUT_HEAD(probe_finds_nothing);
ATF_TC_BODY(probe_finds_nothing, tc)
{
	struct mount_req req = { .source = "blank.img", .target = "/mnt" };
	int fd = open("blank.img", O_CREAT | O_WRONLY | O_TRUNC, 0600);

	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE_EQ(ftruncate(fd, 1 << 20), 0);
	close(fd);
	fake_reset();
	ATF_CHECK_EQ(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(fake_trace(), "");
	ATF_CHECK_STREQ(why, "no filesystem signature libblkid knows on blank.img: "
			"name the filesystem type");

	req.source = "missing.img";
	req.fstype = "auto";
	ATF_CHECK(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)) < 0);
	ATF_CHECK_STREQ(fake_trace(), "");
	ATF_CHECK_MSG(!strncmp(why, "cannot read missing.img to find its filesystem type: ",
			       53), "why: %s", why);
}

/*
 * mount_probe: the type found once, ahead, and used by the mount (a swap
 * signature here: "SWAPSPACE2" at the end of the first 4 KiB page, header
 * version 1 and its last page at 1 KiB); no probe for a named type or a
 * bind mount.
 */
ATF_TC_WITHOUT_HEAD(probe_ahead);
ATF_TC_BODY(probe_ahead, tc)
{
	struct mount_req req = { .source = "swap.img", .target = "/mnt" };
	char type[64];
	int fd = open("swap.img", O_CREAT | O_WRONLY | O_TRUNC, 0600);

	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE_EQ(ftruncate(fd, 1 << 20), 0);
	ATF_REQUIRE_EQ(pwrite(fd, "SWAPSPACE2", 10, 4096 - 10), 10);
	ATF_REQUIRE_EQ(pwrite(fd, (uint32_t[]){ 1, 255 }, 8, 1024), 8);
	close(fd);
	fake_reset();
	ATF_CHECK_EQ(mount_probe(&req, type, sizeof(type), why, sizeof(why)), 0);
	ATF_CHECK_STREQ(req.fstype, "swap");
	ATF_CHECK_EQ(req.fstype, type);
	ATF_CHECK_EQ(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)), 0);
	ATF_CHECK_STREQ(fake_trace(), "mount swap.img /mnt swap");
	ATF_CHECK_STREQ(fstype, "swap");

	req.fstype = "ext4";
	type[0] = '\0';
	ATF_CHECK_EQ(mount_probe(&req, type, sizeof(type), why, sizeof(why)), 0);
	ATF_CHECK_STREQ(req.fstype, "ext4");
	ATF_CHECK_STREQ(type, "");

	req.fstype = NULL;
	req.options = "bind";
	ATF_CHECK_EQ(mount_probe(&req, type, sizeof(type), why, sizeof(why)), 0);
	ATF_CHECK(req.fstype == NULL);

	req.source = "missing.img";
	req.options = NULL;
	ATF_CHECK(mount_probe(&req, type, sizeof(type), why, sizeof(why)) < 0);
	ATF_CHECK(req.fstype == NULL);
	ATF_CHECK_MSG(!strncmp(why, "cannot read missing.img to find its filesystem type: ",
			       53), "why: %s", why);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, options_split);
	ATF_TP_ADD_TC(tp, read_only);
	ATF_TP_ADD_TC(tp, propagation_second_call);
	ATF_TP_ADD_TC(tp, bind_read_only);
	ATF_TP_ADD_TC(tp, propagation_fails_unmounts);
	ATF_TP_ADD_TC(tp, type_list);
	ATF_TP_ADD_TC(tp, diagnoses);
	ATF_TP_ADD_TC(tp, probe_finds_nothing);
	ATF_TP_ADD_TC(tp, probe_ahead);
	return 0;
}
