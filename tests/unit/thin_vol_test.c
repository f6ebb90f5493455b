/* SPDX-License-Identifier: MIT */
/*
 * The thin node against the fake device-mapper (drivers/dm/thin_vol.c,
 * thin_common.c): thin volumes provisioned under the pool's transaction id,
 * snapshots of active origins, activation failures, adopting and removing
 * volumes. Pools: thin_up_test.c. Validation: thin_node_test.c.
 */
#include "thin_fixture.h"

#include <linux/fs.h>
#include <signal.h>

#define PLAN_THIN(rest) PLAN_POOL("") "thin t {\n\tpool p\n\tid 1\n\tsize 4M\n" rest "}\n"

ATF_TC_WITHOUT_HEAD(thin_create);
ATF_TC_BODY(thin_create, tc)
{
	const struct dm_ioctl *io;
	struct plan_node *n;

	setup();
	plan_of(PLAN_THIN("\tcreate yes\n"));
	pool_running(ST_T5);
	fake_dm_status_on_create("blkasm-t", 0, "2048 4095");
	n = node("t");
	ATF_REQUIRE_EQ_MSG(UP("thin", "t"), 0, "%s", n->why);
	ATF_CHECK_STREQ(fake_dm_messages(), "blkasm-p@0 create_thin 1; "
			"blkasm-p@0 set_transaction_id 5 6");
	io = fake_dm_last(DM_DEV_CREATE, NULL);
	ATF_REQUIRE(io);
	ATF_CHECK_STREQ(io->name, "blkasm-t");
	ATF_CHECK_STREQ(io->uuid, "BLKASM-thin-p-1");
	ATF_CHECK_STREQ(fake_dm_table("blkasm-t", false, 0), "0 8192 thin 253:0 1");
	ATF_CHECK(!fake_dm_suspended("blkasm-t"));
	CHECK_HAS(fake_trace(), "mknod /dev/mapper/blkasm-t 253:1");
	ATF_CHECK_STREQ(n->device, "/dev/mapper/blkasm-t");
	ATF_CHECK_STREQ(n->summary, "/dev/mapper/blkasm-t thin id 1, 4 MiB, 1 MiB mapped");
	CHECK_HAS(fake_stderr(), "t: created thin id 1 in pool blkasm-p (transaction 6)");
}

/* Made by an earlier run cut short before set_transaction_id: goes on. */
ATF_TC_WITHOUT_HEAD(thin_create_exists);
ATF_TC_BODY(thin_create_exists, tc)
{
	setup();
	plan_of(PLAN_THIN("\tcreate yes\n"));
	pool_running(ST_T5);
	fake_dm_fail_next(DM_TARGET_MSG, -EEXIST);
	ATF_REQUIRE_EQ_MSG(UP("thin", "t"), 0, "%s", node("t")->why);
	ATF_CHECK_EQ(fake_dm_count(DM_TARGET_MSG), 1);
	ATF_CHECK_STREQ(fake_dm_messages(), "");
	ATF_CHECK_STREQ(fake_dm_table("blkasm-t", false, 0), "0 8192 thin 253:0 1");
	ATF_CHECK(!strstr(fake_stderr(), "created thin id"));
}

ATF_TC_WITHOUT_HEAD(thin_create_refused);
ATF_TC_BODY(thin_create_refused, tc)
{
	setup();
	plan_of(PLAN_THIN("\tcreate yes\n"));
	pool_running(ST_T5);
	fake_dm_fail_next(DM_TARGET_MSG, -ENOSPC);
	ATF_CHECK_EQ(UP("thin", "t"), -ENOSPC);
	ATF_CHECK_STREQ(node("t")->why, "pool blkasm-p refused to create thin id 1: No space "
			"left on device");
	ATF_CHECK(!fake_dm_exists("blkasm-t"));
	ATF_CHECK_EQ(fake_dm_count(DM_TARGET_MSG), 1);
}

/* Without create the pool is only read from, never written to. */
ATF_TC_WITHOUT_HEAD(thin_existing);
ATF_TC_BODY(thin_existing, tc)
{
	setup();
	plan_of(PLAN_THIN("\tread-only yes\n"));
	pool_running(ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin", "t"), 0, "%s", node("t")->why);
	ATF_CHECK_EQ(fake_dm_count(DM_TARGET_MSG), 0);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-t", false, 0), "0 8192 thin 253:0 1");
	ATF_CHECK(fake_dm_table_ro("blkasm-t", false));
	/* No status line to read: nothing mapped is said. */
	ATF_CHECK_STREQ(node("t")->summary, "/dev/mapper/blkasm-t thin id 1, 4 MiB, 0 MiB mapped");
}

#define PLAN_SNAP PLAN_POOL("") "thin o { pool p; id 1; size 4M }\n" \
	"thin s { pool p; id 2; size 4M; snapshot-of o }\n"

/* The origin is quiet (suspended) while the snapshot is taken, and resumed. */
ATF_TC_WITHOUT_HEAD(thin_snapshot_active_origin);
ATF_TC_BODY(thin_snapshot_active_origin, tc)
{
	setup();
	plan_of(PLAN_SNAP);
	pool_running(ST_T5);
	dm_running("blkasm-o", "BLKASM-thin-p-1", "thin", "253:0 1", 8192, "0 -");
	ATF_REQUIRE_EQ_MSG(UP("thin", "s"), 0, "%s", node("s")->why);
	CHECK_HAS(fake_dm_trace(), "DEV_SUSPEND blkasm-o TARGET_MSG blkasm-p DEV_SUSPEND "
		  "blkasm-o TARGET_MSG blkasm-p DEV_CREATE blkasm-s");
	ATF_CHECK_STREQ(fake_dm_messages(), "blkasm-p@0 create_snap 2 1; "
			"blkasm-p@0 set_transaction_id 5 6");
	ATF_CHECK(!fake_dm_suspended("blkasm-o"));
	ATF_CHECK_STREQ(fake_dm_table("blkasm-s", false, 0), "0 8192 thin 253:0 2");
	CHECK_HAS(fake_stderr(), "s: created thin id 2 as a snapshot in pool blkasm-p "
		  "(transaction 6)");
}

ATF_TC_WITHOUT_HEAD(thin_snapshot_quiet_origin);
ATF_TC_BODY(thin_snapshot_quiet_origin, tc)
{
	/* Not active: nothing to suspend. */
	setup();
	plan_of(PLAN_SNAP);
	pool_running(ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin", "s"), 0, "%s", node("s")->why);
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_SUSPEND), 2);	/* the pool's, and s's resume */
	ATF_CHECK_STREQ(fake_dm_messages(), "blkasm-p@0 create_snap 2 1; "
			"blkasm-p@0 set_transaction_id 5 6");

	/* Suspended by someone else: left as it was. */
	setup();
	plan_of(PLAN_SNAP);
	pool_running(ST_T5);
	dm_running("blkasm-o", "BLKASM-thin-p-1", "thin", "253:0 1", 8192, "0 -");
	ATF_REQUIRE_EQ(dm_suspend("blkasm-o"), 0);
	ATF_REQUIRE_EQ_MSG(UP("thin", "s"), 0, "%s", node("s")->why);
	ATF_CHECK(fake_dm_suspended("blkasm-o"));
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_SUSPEND), 4);	/* the test's three, s's resume */

	/* The snapshot refused: the origin resumed all the same. */
	setup();
	plan_of(PLAN_SNAP);
	pool_running(ST_T5);
	dm_running("blkasm-o", "BLKASM-thin-p-1", "thin", "253:0 1", 8192, "0 -");
	fake_dm_fail_next(DM_TARGET_MSG, -ENOSPC);
	ATF_CHECK_EQ(UP("thin", "s"), -ENOSPC);
	ATF_CHECK(!fake_dm_suspended("blkasm-o"));
	ATF_CHECK(!fake_dm_exists("blkasm-s"));
}

/* The thin table refused (no such id in the pool): the half-made device goes. */
ATF_TC_WITHOUT_HEAD(thin_activation_fails);
ATF_TC_BODY(thin_activation_fails, tc)
{
	setup();
	plan_of(PLAN_THIN(""));
	pool_running(ST_T5);
	fake_dm_fail_next(DM_TABLE_LOAD, -ENODATA);
	ATF_CHECK_EQ(UP("thin", "t"), -ENODATA);
	ATF_CHECK_STREQ(node("t")->why, "the kernel refused thin id 1 of pool p: No data "
			"available (does the pool have it? create yes makes it)");
	ATF_CHECK(!fake_dm_exists("blkasm-t"));
	CHECK_HAS(fake_dm_trace(), "DEV_CREATE blkasm-t TABLE_LOAD blkasm-t DEV_STATUS "
		  "blkasm-t DEV_REMOVE uuid=BLKASM-thin-p-1");
	ATF_CHECK_STREQ(node("t")->device, "");

	/* Made by this run and still refused: no hint to create it. */
	setup();
	plan_of(PLAN_THIN("\tcreate yes\n"));
	pool_running(ST_T5);
	fake_dm_fail_next(DM_DEV_SUSPEND, -EINVAL);
	ATF_CHECK_EQ(UP("thin", "t"), -EINVAL);
	ATF_CHECK_STREQ(node("t")->why, "the kernel refused thin id 1 of pool p: Invalid "
			"argument");
	ATF_CHECK(!fake_dm_exists("blkasm-t"));
}

ATF_TC_WITHOUT_HEAD(thin_adopt_and_down);
ATF_TC_BODY(thin_adopt_and_down, tc)
{
	setup();
	plan_of(PLAN_THIN(""));
	pool_running(ST_T5);
	dm_running("blkasm-t", "BLKASM-thin-p-1", "thin", "253:0 1", 8192, "4096 8191");
	ATF_CHECK_EQ(ADOPT("thin", "t"), 1);
	ATF_CHECK_STREQ(node("t")->device, "/dev/mapper/blkasm-t");
	ATF_CHECK_STREQ(node("t")->summary, "/dev/mapper/blkasm-t thin id 1, 4 MiB, 2 MiB mapped");
	CHECK_HAS(fake_trace(), "mknod /dev/mapper/blkasm-t 253:1");
	fake_dm_busy_removes("blkasm-t", 1);
	ATF_REQUIRE_EQ_MSG(DOWN("thin", "t"), 0, "%s", node("t")->why);
	ATF_CHECK(!fake_dm_exists("blkasm-t"));
	ATF_CHECK_EQ(fake_wait_count(), 1);
	ATF_CHECK(fake_dm_exists("blkasm-p"));

	/* Another's device of the name: not adopted, not removed. */
	setup();
	plan_of(PLAN_THIN(""));
	fake_dm_add("blkasm-t", NULL);
	ATF_CHECK_EQ(ADOPT("thin", "t"), 0);
	ATF_CHECK_EQ(DOWN("thin", "t"), -EPERM);
	ATF_CHECK(fake_dm_exists("blkasm-t"));
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);

	/* Ours without a table. */
	setup();
	plan_of(PLAN_THIN(""));
	fake_dm_add("blkasm-t", "BLKASM-thin-p-1");
	ATF_CHECK_EQ(ADOPT("thin", "t"), -EEXIST);
	ATF_CHECK_STREQ(node("t")->why, "blkasm-t exists without a live table: left alone");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, thin_create);
	ATF_TP_ADD_TC(tp, thin_create_exists);
	ATF_TP_ADD_TC(tp, thin_create_refused);
	ATF_TP_ADD_TC(tp, thin_existing);
	ATF_TP_ADD_TC(tp, thin_snapshot_active_origin);
	ATF_TP_ADD_TC(tp, thin_snapshot_quiet_origin);
	ATF_TP_ADD_TC(tp, thin_activation_fails);
	ATF_TP_ADD_TC(tp, thin_adopt_and_down);
	return atf_no_error();
}
