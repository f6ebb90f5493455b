/* SPDX-License-Identifier: MIT */
/*
 * The thin-pool node against the fake device-mapper, after it is up
 * (drivers/dm/thin_pool.c, thin_common.c): adopting a pool that is already
 * there or refusing a foreign one, and taking pools down (busy, foreign,
 * sliced). Bringing pools up: thin_up_test.c.
 */
#include "thin_fixture.h"

#include <linux/fs.h>
#include <signal.h>

/* ---- thin-pool adopt ---- */

ATF_TC_WITHOUT_HEAD(pool_adopt);
ATF_TC_BODY(pool_adopt, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	dm_running("blkasm-p", "BLKASM-pool-p", "thin-pool", "7:0 7:1 128 6 0", 8192, ST_T5);
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), 1);
	ATF_CHECK_STREQ(node("p")->device, "/dev/mapper/blkasm-p");
	ATF_CHECK_STREQ(node("p")->summary, "/dev/mapper/blkasm-p thin-pool rw, data 25% used "
			"(16 of 64 blocks), metadata 3% (40 of 1024), transaction 5, low water "
			"6 blocks");
	CHECK_HAS(fake_trace(), "mknod /dev/mapper/blkasm-p 253:0");
	CHECK_HAS(fake_dm_trace(), "DEV_STATUS uuid=BLKASM-pool-p");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 0);

	/* Nothing there, or no device-mapper at all. */
	setup();
	plan_of(PLAN_POOL(""));
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), 0);
	fake_reset();
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), 0);
}

ATF_TC_WITHOUT_HEAD(pool_adopt_refused);
ATF_TC_BODY(pool_adopt_refused, tc)
{
	/* Made but never loaded (a run cut short): not ours to guess about. */
	setup();
	plan_of(PLAN_POOL(""));
	fake_dm_add("blkasm-p", "BLKASM-pool-p");
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), -EEXIST);
	ATF_CHECK_STREQ(node("p")->why, "blkasm-p exists without a live table: left alone");
	ATF_CHECK(fake_dm_exists("blkasm-p"));

	/* Up, but failed: refused and left for the user to look at. */
	setup();
	plan_of(PLAN_POOL(""));
	dm_running("blkasm-p", "BLKASM-pool-p", "thin-pool", "7:0 7:1 128 6 0", 8192, "Fail");
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), -EIO);
	CHECK_WHY(node("p"), "pool blkasm-p has failed (status Fail)");
	ATF_CHECK(fake_dm_exists("blkasm-p"));
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);
}

/* ---- thin-pool down ---- */

ATF_TC_WITHOUT_HEAD(pool_down);
ATF_TC_BODY(pool_down, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_running(ST_T5);
	ATF_REQUIRE_EQ_MSG(DOWN("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!fake_dm_exists("blkasm-p"));
	CHECK_HAS(fake_dm_trace(), "DEV_REMOVE uuid=BLKASM-pool-p");
	CHECK_HAS(fake_trace(), "unlink /dev/mapper/blkasm-p");
	ATF_CHECK_STREQ(fake_waits(), "");

	/* Gone already. */
	ATF_CHECK_EQ(DOWN("thin-pool", "p"), 0);
}

ATF_TC_WITHOUT_HEAD(pool_down_busy_twice);
ATF_TC_BODY(pool_down_busy_twice, tc)
{
	struct retry_policy p = RETRY_DEVICE_BUSY;
	char want[32];

	setup();
	plan_of(PLAN_POOL(""));
	pool_running(ST_T5);
	fake_random_set(0);
	fake_dm_busy_removes("blkasm-p", 2);
	ATF_REQUIRE_EQ_MSG(DOWN("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!fake_dm_exists("blkasm-p"));
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 3);
	/* The policy's first two delays, with the least jitter. */
	snprintf(want, sizeof(want), "%u %u",
		 retry_base_delay(&p, 1) - retry_base_delay(&p, 1) / 2,
		 retry_base_delay(&p, 2) - retry_base_delay(&p, 2) / 2);
	ATF_CHECK_STREQ(fake_waits(), want);
}

ATF_TC_WITHOUT_HEAD(pool_down_busy_gives_up);
ATF_TC_BODY(pool_down_busy_gives_up, tc)
{
	char want[96];

	setup();
	plan_of(PLAN_POOL(""));
	pool_running(ST_T5);
	fake_dm_set_open("blkasm-p", 2);
	/* A thin volume on it (sysfs: by number, dm-0 not blkasm-p), a process. */
	fake_dir_add("/sys/dev/block/253:0/holders/dm-1");
	fake_blkdev_add("/proc/312/fd/4", POOL_DEV, "", 0);
	fake_file_add("/proc/312/comm", "thin_dump\n");
	ATF_CHECK_EQ(DOWN("thin-pool", "p"), -EBUSY);
	snprintf(want, sizeof(want), "/dev/mapper/blkasm-p still there after %u attempts",
		 RETRY_DEVICE_BUSY.max_attempts);
	CHECK_WHY(node("p"), want);
	CHECK_WHY(node("p"), ": Device or resource busy (held by holder dm-1, pid 312 thin_dump)");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), RETRY_DEVICE_BUSY.max_attempts);
	ATF_CHECK(fake_now_ms() - FAKE_T0_MS <= RETRY_DEVICE_BUSY.deadline_ms);
	ATF_CHECK(fake_dm_exists("blkasm-p"));
}

/* A device of the pool's name that blkasm did not make is never removed. */
ATF_TC_WITHOUT_HEAD(pool_down_foreign);
ATF_TC_BODY(pool_down_foreign, tc)
{
	static const char *const uuids[] = { "LVM-k3v9sRtq", "XBLKASM-pool-p", NULL };

	for (int i = 0; i < 3; i++) {
		setup();
		plan_of(PLAN_POOL(""));
		fake_dm_add("blkasm-p", uuids[i]);
		ATF_CHECK_EQ(DOWN("thin-pool", "p"), -EPERM);
		ATF_CHECK(fake_dm_exists("blkasm-p"));
		ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);
		ATF_CHECK_STREQ(node("p")->why, "/dev/mapper/blkasm-p was not made by blkasm (its "
				"DM UUID lacks BLKASM-): left alone");
	}
}

/* One device in two slices: the pool goes first, then data, then metadata. */
ATF_TC_WITHOUT_HEAD(pool_sliced_down);
ATF_TC_BODY(pool_sliced_down, tc)
{
	setup();
	plan_of("thin-pool p { device /dev/vdb }\n");
	fake_dm_add("blkasm-p-tmeta", "BLKASM-pool-p-tmeta");
	fake_dm_add("blkasm-p-tdata", "BLKASM-pool-p-tdata");
	fake_dm_add("blkasm-p", "BLKASM-pool-p");
	ATF_REQUIRE_EQ_MSG(DOWN("thin-pool", "p"), 0, "%s", node("p")->why);
	/* The state is read first, to warn about a pool that needs checking. */
	ATF_CHECK_STREQ(fake_dm_trace(), "TABLE_STATUS blkasm-p DEV_STATUS blkasm-p "
			"DEV_REMOVE uuid=BLKASM-pool-p "
			"DEV_STATUS uuid=BLKASM-pool-p-tdata DEV_STATUS blkasm-p-tdata "
			"DEV_REMOVE uuid=BLKASM-pool-p-tdata DEV_STATUS uuid=BLKASM-pool-p-tmeta "
			"DEV_STATUS blkasm-p-tmeta DEV_REMOVE uuid=BLKASM-pool-p-tmeta");
	ATF_CHECK(!fake_dm_exists("blkasm-p-tmeta"));
}

/* Too small for the metadata slice and one block: refused before any is made. */

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pool_adopt);
	ATF_TP_ADD_TC(tp, pool_adopt_refused);
	ATF_TP_ADD_TC(tp, pool_down);
	ATF_TP_ADD_TC(tp, pool_down_busy_twice);
	ATF_TP_ADD_TC(tp, pool_down_busy_gives_up);
	ATF_TP_ADD_TC(tp, pool_down_foreign);
	ATF_TP_ADD_TC(tp, pool_sliced_down);
	return atf_no_error();
}
