/* SPDX-License-Identifier: MIT */
/*
 * drivers/dm/dm.c against the in-memory device-mapper (fake_dm.c): the bytes
 * each ioctl carries, the sequence of a pool's life, read-backs that do
 * not fit at first, removal rules, /dev/mapper nodes.
 */
#include "dm/dm.h"
#include "fake_dm.h"
#include "fake_sys.h"
#include "sys.h"
#include "dm/thin_status.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define HEADER 312u	/* sizeof(struct dm_ioctl), already a multiple of 8 */
#define POOL_UUID DM_UUID_PREFIX "pool-0123"

static void setup(void)
{
	fake_reset();
	fake_dir_add("/dev");
	fake_file_add("/sys/class/misc/device-mapper/dev", "10:236\n");
}

/* The last request of a kind as the kernel got it. */
static const struct dm_ioctl *last(unsigned long req, size_t *size)
{
	const struct dm_ioctl *io = fake_dm_last(req, size);

	ATF_REQUIRE(io != NULL);
	return io;
}

static void check_header(const struct dm_ioctl *io, size_t size, const char *name,
			 const char *uuid)
{
	ATF_CHECK_EQ(io->version[0], 4);
	ATF_CHECK_EQ(io->version[1], 0);
	ATF_CHECK_EQ(io->version[2], 0);
	ATF_CHECK_EQ(io->data_size, size);
	ATF_CHECK_EQ(io->data_start, HEADER);
	ATF_CHECK_EQ(io->dev, 0);
	ATF_CHECK_STREQ(io->name, name);
	ATF_CHECK_STREQ(io->uuid, uuid);
}

static struct dm_target pool_target(void)
{
	struct dm_target t = { .start = 0, .length = 2097152, .type = "thin-pool" };

	ATF_REQUIRE(thin_pool_table(t.params, sizeof(t.params), makedev(7, 0),
				    makedev(7, 1), 128, 16, true, false) > 0);
	return t;
}

ATF_TC_WITHOUT_HEAD(version_and_control_node);
ATF_TC_BODY(version_and_control_node, tc)
{
	unsigned int v[3];
	size_t size;

	setup();
	ATF_REQUIRE_EQ(dm_version(v), 0);
	ATF_CHECK(v[0] == 4 && v[1] == 47 && v[2] == 0);
	/* No devtmpfs node: made from the misc device's number. */
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/mapper mknod /dev/mapper/control 10:236");
	check_header(last(DM_VERSION, &size), sizeof(struct dm_ioctl), "", "");
	ATF_CHECK_EQ(size, HEADER);
	ATF_CHECK_EQ(fake_ioctl_call(0)->req, DM_VERSION);
	ATF_CHECK_STREQ(fake_ioctl_call(0)->path, "/dev/mapper/control");
	/* Made once. */
	ATF_REQUIRE_EQ(dm_version(v), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/mapper mknod /dev/mapper/control 10:236");
	ATF_CHECK_EQ(fake_open_fds(), 0);

	/* dm-mod not loaded: no misc device. */
	fake_reset();
	ATF_CHECK_EQ(dm_version(v), -ENODEV);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	/* A kernel of another major version. */
	setup();
	fake_dm_set_version(5, 0, 0);
	ATF_CHECK_EQ(dm_version(v), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(pool_lifecycle);
ATF_TC_BODY(pool_lifecycle, tc)
{
	struct dm_target t = pool_target(), st[2];
	const struct dm_ioctl *io;
	struct dm_target_spec spec;
	struct dm_info info;
	const char *p;
	dev_t deps[4];
	size_t size;

	setup();
	ATF_REQUIRE_EQ(dm_create("pool", POOL_UUID, &info), 0);
	ATF_CHECK(info.exists && !info.live_table && !info.suspended);
	ATF_CHECK_EQ(info.dev, makedev(253, 0));
	ATF_CHECK_STREQ(info.name, "pool");
	ATF_CHECK_STREQ(info.uuid, POOL_UUID);
	check_header(last(DM_DEV_CREATE, &size), HEADER, "pool", POOL_UUID);

	ATF_REQUIRE_EQ(dm_load("pool", &t, 1, false), 0);
	/* The bytes the kernel reads: header, then one spec at data_start. */
	io = last(DM_TABLE_LOAD, &size);
	ATF_CHECK_EQ(size, HEADER + 80);	/* 40 + 36 + NUL, up to 8 */
	check_header(io, size, "pool", "");
	ATF_CHECK_EQ(io->target_count, 1);
	ATF_CHECK_EQ(io->flags, 0);
	p = (const char *)io + HEADER;
	memcpy(&spec, p, sizeof(spec));
	ATF_CHECK_EQ(spec.sector_start, 0);
	ATF_CHECK_EQ(spec.length, 2097152);
	ATF_CHECK_EQ(spec.next, 80);
	ATF_CHECK_STREQ(spec.target_type, "thin-pool");
	ATF_CHECK_STREQ(p + sizeof(spec), "7:0 7:1 128 16 1 skip_block_zeroing");
	ATF_CHECK_EQ(fake_dm_targets("pool", true), 1);
	ATF_CHECK_EQ(fake_dm_targets("pool", false), 0);

	ATF_REQUIRE_EQ(dm_resume("pool"), 0);
	ATF_CHECK_STREQ(fake_dm_table("pool", false, 0),
			"0 2097152 thin-pool 7:0 7:1 128 16 1 skip_block_zeroing");
	ATF_CHECK_EQ(last(DM_DEV_SUSPEND, NULL)->flags, 0);
	ATF_REQUIRE_EQ(dm_info("pool", &info), 0);
	ATF_CHECK(info.exists && info.live_table && !info.inactive_table && !info.read_only);
	ATF_CHECK_EQ(info.target_count, 1);

	fake_dm_set_status("pool", 0, "0 10/4096 0/16384 - rw discard_passdown "
			   "queue_if_no_space - 1024 ");
	ATF_REQUIRE_EQ(dm_status("pool", false, st, 2), 1);
	ATF_CHECK_STREQ(st[0].type, "thin-pool");
	ATF_CHECK_EQ(st[0].length, 2097152);
	ATF_CHECK_STREQ(st[0].params, "0 10/4096 0/16384 - rw discard_passdown "
			"queue_if_no_space - 1024 ");
	check_header(last(DM_TABLE_STATUS, &size), 16384, "pool", "");
	ATF_REQUIRE_EQ(dm_status("pool", true, st, 2), 1);
	ATF_CHECK_STREQ(st[0].params, "7:0 7:1 128 16 1 skip_block_zeroing");
	ATF_CHECK_EQ(last(DM_TABLE_STATUS, NULL)->flags, DM_STATUS_TABLE_FLAG);

	ATF_REQUIRE_EQ(dm_message("pool", 0, "create_thin 1"), 0);
	ATF_CHECK_STREQ(fake_dm_messages(), "pool@0 create_thin 1");
	io = last(DM_TARGET_MSG, &size);
	ATF_CHECK_EQ(size, HEADER + 24);	/* sector, message, NUL, to 8 */
	check_header(io, size, "pool", "");
	ATF_CHECK_STREQ((const char *)io + HEADER + 8, "create_thin 1");

	ATF_REQUIRE_EQ(dm_deps("pool", deps, 4), 2);
	ATF_CHECK_EQ(deps[0], makedev(7, 0));
	ATF_CHECK_EQ(deps[1], makedev(7, 1));

	ATF_REQUIRE_EQ(dm_suspend("pool"), 0);
	ATF_CHECK(fake_dm_suspended("pool"));
	ATF_CHECK_EQ(last(DM_DEV_SUSPEND, NULL)->flags, DM_SUSPEND_FLAG);
	ATF_REQUIRE_EQ(dm_remove_once("pool"), 0);
	ATF_CHECK(!fake_dm_exists("pool"));
	/* Removed by the uuid just checked, name left empty. */
	check_header(last(DM_DEV_REMOVE, &size), HEADER, "", POOL_UUID);
	ATF_CHECK_STREQ(fake_dm_trace(),
			"DEV_CREATE pool TABLE_LOAD pool DEV_SUSPEND pool DEV_STATUS pool "
			"TABLE_STATUS pool TABLE_STATUS pool TARGET_MSG pool TABLE_DEPS pool "
			"DEV_SUSPEND pool DEV_STATUS pool DEV_REMOVE uuid=" POOL_UUID);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(create_taken_and_find);
ATF_TC_BODY(create_taken_and_find, tc)
{
	struct dm_info info = { .open_count = 99 };

	setup();
	ATF_REQUIRE_EQ(dm_create("pool", POOL_UUID, NULL), 0);
	/* The kernel answers EBUSY for a taken name or uuid. */
	ATF_CHECK_EQ(dm_create("pool", DM_UUID_PREFIX "other", &info), -EEXIST);
	ATF_CHECK_EQ(dm_create("pool2", POOL_UUID, &info), -EEXIST);
	ATF_CHECK_EQ(info.open_count, 99);	/* untouched */
	ATF_REQUIRE_EQ(dm_create("plain", NULL, &info), 0);
	ATF_CHECK_STREQ(info.uuid, "");
	ATF_CHECK_EQ(info.dev, makedev(253, 1));

	ATF_REQUIRE_EQ(dm_find_uuid(POOL_UUID, &info), 1);
	ATF_CHECK_STREQ(info.name, "pool");
	ATF_CHECK_EQ(info.dev, makedev(253, 0));
	check_header(last(DM_DEV_STATUS, NULL), HEADER, "", POOL_UUID);
	info.open_count = 99;
	ATF_CHECK_EQ(dm_find_uuid(DM_UUID_PREFIX "none", &info), 0);
	ATF_CHECK_EQ(info.open_count, 99);
	ATF_CHECK_EQ(dm_info("none", &info), 0);
	ATF_CHECK(!info.exists);
	ATF_CHECK_EQ(info.open_count, 0);

	/* Refused before the kernel is asked. */
	fake_reset();
	ATF_CHECK_EQ(dm_create("a/b", POOL_UUID, &info), -EINVAL);
	ATF_CHECK_EQ(dm_create("control", POOL_UUID, &info), -EINVAL);
	ATF_CHECK_EQ(dm_info("", &info), -EINVAL);
	ATF_CHECK_EQ(dm_find_uuid("", &info), -EINVAL);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
}

ATF_TC_WITHOUT_HEAD(load_read_only_and_errors);
ATF_TC_BODY(load_read_only_and_errors, tc)
{
	struct dm_target t[2] = {
		{ .start = 0, .length = 8, .type = "linear", .params = "7:0 0" },
		{ .start = 8, .length = 8, .type = "linear", .params = "7:1 0" },
	};
	struct dm_info info;

	setup();
	ATF_REQUIRE_EQ(dm_create("lin", DM_UUID_PREFIX "lin", NULL), 0);
	ATF_REQUIRE_EQ(dm_load("lin", t, 2, true), 0);
	ATF_CHECK_EQ(last(DM_TABLE_LOAD, NULL)->flags, DM_READONLY_FLAG);
	ATF_CHECK(fake_dm_table_ro("lin", true));
	ATF_CHECK_STREQ(fake_dm_table("lin", true, 1), "8 8 linear 7:1 0");
	ATF_REQUIRE_EQ(dm_resume("lin"), 0);
	ATF_REQUIRE_EQ(dm_info("lin", &info), 0);
	ATF_CHECK(info.read_only);

	/* A table the kernel would refuse is not sent. */
	t[1].start = 9;
	ATF_CHECK_EQ(dm_load("lin", t, 2, false), -EINVAL);
	ATF_CHECK_EQ(dm_load("lin", t, 0, false), -EINVAL);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_LOAD), 1);
	/* The kernel's own refusals come back as they are. */
	t[1].start = 8;
	fake_dm_fail_next(DM_TABLE_LOAD, -EIO);
	ATF_CHECK_EQ(dm_load("lin", t, 2, false), -EIO);
	ATF_CHECK_EQ(dm_load("nothere", t, 2, false), -ENXIO);
	ATF_CHECK_EQ(dm_message("lin", 16, "x"), -EINVAL);	/* past the end */
	ATF_CHECK_EQ(dm_message("lin", 0, ""), -EINVAL);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

/* 24 targets whose status lines take ~22 KiB: the 16 KiB buffer is too small. */
ATF_TC_WITHOUT_HEAD(buffer_full_retry);
ATF_TC_BODY(buffer_full_retry, tc)
{
	static struct dm_target t[24], st[24];
	char line[901];
	dev_t deps[2];
	size_t size;

	setup();
	ATF_REQUIRE_EQ(dm_create("big", DM_UUID_PREFIX "big", NULL), 0);
	for (int i = 0; i < 24; i++) {
		t[i] = (struct dm_target){ .start = 8u * i, .length = 8, .type = "linear" };
		snprintf(t[i].params, sizeof(t[i].params), "7:0 %d", 8 * i);
	}
	ATF_REQUIRE_EQ(dm_load("big", t, 24, false), 0);
	ATF_REQUIRE_EQ(dm_resume("big"), 0);
	for (int i = 0; i < 24; i++) {
		memset(line, 'a' + i, sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		fake_dm_set_status("big", i, line);
	}
	ATF_REQUIRE_EQ(dm_status("big", false, st, 24), 24);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_STATUS), 2);
	ATF_CHECK_EQ(last(DM_TABLE_STATUS, &size)->data_size, 32768);
	ATF_CHECK_EQ(strlen(st[23].params), 900);
	ATF_CHECK_EQ(st[23].params[0], 'a' + 23);
	ATF_CHECK_EQ(st[23].start, 184);
	/* More targets than the caller has room for. */
	ATF_CHECK_EQ(dm_status("big", false, st, 23), -ENOSPC);

	/* Bounded: no buffer up to 1 MiB is enough (16K, 32K ... 1M: 7 asks). */
	fake_dm_need(4u << 20);
	ATF_CHECK_EQ(dm_status("big", true, st, 24), -ENOBUFS);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_STATUS), 4 + 7);
	ATF_CHECK_EQ(last(DM_TABLE_STATUS, NULL)->data_size, 1u << 20);
	fake_dm_need(20000);
	ATF_CHECK_EQ(dm_deps("big", deps, 2), 1);
	ATF_CHECK_EQ(deps[0], makedev(7, 0));
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_DEPS), 2);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(remove_refused_foreign);
ATF_TC_BODY(remove_refused_foreign, tc)
{
	setup();
	fake_dm_add("vg-root", "LVM-k3v9sRtq");
	fake_dm_add("cryptroot", NULL);
	fake_dm_add("sneaky", "XBLKASM-pool");
	ATF_CHECK_EQ(dm_remove_once("vg-root"), -EPERM);
	ATF_CHECK_EQ(dm_remove_once("cryptroot"), -EPERM);
	ATF_CHECK_EQ(dm_remove_once("sneaky"), -EPERM);
	ATF_CHECK_EQ(dm_remove_once("absent"), -ENXIO);
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);
	ATF_CHECK(fake_dm_exists("vg-root") && fake_dm_exists("cryptroot"));
	ATF_CHECK_EQ(dm_remove_once("a/b"), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(remove_busy_passed_through);
ATF_TC_BODY(remove_busy_passed_through, tc)
{
	setup();
	fake_dm_add("pool", POOL_UUID);
	fake_dm_busy_removes("pool", 2);
	ATF_CHECK_EQ(dm_remove_once("pool"), -EBUSY);
	ATF_CHECK_EQ(dm_remove_once("pool"), -EBUSY);
	ATF_CHECK_EQ(dm_remove_once("pool"), 0);
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 3);
	ATF_CHECK(!fake_dm_exists("pool"));

	/* Held open: EBUSY for as long as it is. */
	fake_dm_add("thin", DM_UUID_PREFIX "thin");
	fake_dm_set_open("thin", 1);
	ATF_CHECK_EQ(dm_remove_once("thin"), -EBUSY);
	fake_dm_set_open("thin", 0);
	ATF_CHECK_EQ(dm_remove_once("thin"), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(make_node);
ATF_TC_BODY(make_node, tc)
{
	const char *made = "mkdir /dev/mapper mknod /dev/mapper/pool 253:4";
	struct stat st;

	setup();
	ATF_REQUIRE_EQ(dm_make_node("pool", makedev(253, 4)), 0);
	ATF_CHECK_STREQ(fake_trace(), made);
	ATF_REQUIRE_EQ(sys_stat("/dev/mapper/pool", &st), 0);
	ATF_CHECK(S_ISBLK(st.st_mode));
	ATF_CHECK_EQ(st.st_rdev, makedev(253, 4));
	ATF_CHECK_EQ(st.st_mode & 07777, 0600);
	/* Already right: left as it is. */
	ATF_REQUIRE_EQ(dm_make_node("pool", makedev(253, 4)), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/mapper mknod /dev/mapper/pool 253:4 "
			"mkdir /dev/mapper");
	/* The node of the device that had the name before: unlinked and made again. */
	ATF_CHECK_EQ(dm_make_node("pool", makedev(253, 5)), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/mapper mknod /dev/mapper/pool 253:4 "
			"mkdir /dev/mapper mkdir /dev/mapper unlink /dev/mapper/pool "
			"mknod /dev/mapper/pool 253:5");
	ATF_REQUIRE_EQ(sys_stat("/dev/mapper/pool", &st), 0);
	ATF_CHECK_EQ(st.st_rdev, makedev(253, 5));

	/* Unlinked only when it is a node (or a link). */
	setup();
	fake_blkdev_add("/dev/mapper/pool", makedev(253, 4), "", 0);
	fake_file_add("/dev/mapper/notes", "not a node");
	dm_unlink_node("pool");
	dm_unlink_node("notes");
	dm_unlink_node("../x");
	ATF_CHECK_STREQ(fake_trace(), "unlink /dev/mapper/pool");

	ATF_CHECK_EQ(dm_make_node("..", makedev(253, 4)), -EINVAL);
	fake_fail(FAKE_MKDIR, "/dev/mapper", -EROFS);
	ATF_CHECK_EQ(dm_make_node("pool", makedev(253, 4)), -EROFS);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, version_and_control_node);
	ATF_TP_ADD_TC(tp, pool_lifecycle);
	ATF_TP_ADD_TC(tp, create_taken_and_find);
	ATF_TP_ADD_TC(tp, load_read_only_and_errors);
	ATF_TP_ADD_TC(tp, buffer_full_retry);
	ATF_TP_ADD_TC(tp, remove_refused_foreign);
	ATF_TP_ADD_TC(tp, remove_busy_passed_through);
	ATF_TP_ADD_TC(tp, make_node);
	return 0;
}
