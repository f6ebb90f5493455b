/* SPDX-License-Identifier: MIT */
/*
 * The thin-pool node against the fake device-mapper (drivers/dm/thin_pool*.c,
 * thin_check.c, thin_common.c): new and existing pools, a pool's devices,
 * thin_check, the pool's health after activation. Adopting and removing
 * pools: thin_pool_down_test.c; thin volumes: thin_vol_test.c; validation:
 * thin_node_test.c.
 */
#include "thin_fixture.h"

#include <linux/fs.h>
#include <signal.h>

/* ---- thin-pool up ---- */

ATF_TC_WITHOUT_HEAD(pool_blank_refused);
ATF_TC_BODY(pool_blank_refused, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(BLANK, BLANK);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -ENODATA);
	ATF_CHECK_STREQ(node("p")->why, "the metadata device " META " is blank: set create "
			"yes to make a new pool on it");
	ATF_CHECK_STREQ(fake_dm_trace(), "VERSION");
	ATF_CHECK_STREQ(node("p")->device, "");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
}

ATF_TC_WITHOUT_HEAD(pool_create);
ATF_TC_BODY(pool_create, tc)
{
	const struct dm_ioctl *io;
	struct plan_node *n;

	setup();
	plan_of(PLAN_POOL("\tcreate yes\n"));
	pool_disks(BLANK, BLANK);
	fake_dm_status_on_create("blkasm-p", 0, ST_FRESH);
	n = node("p");
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", n->why);
	ATF_CHECK_STREQ(fake_dm_trace(), "VERSION DEV_CREATE blkasm-p TABLE_LOAD blkasm-p "
			"DEV_SUSPEND blkasm-p TABLE_STATUS blkasm-p");
	io = fake_dm_last(DM_DEV_CREATE, NULL);
	ATF_REQUIRE(io);
	ATF_CHECK_STREQ(io->name, "blkasm-p");
	ATF_CHECK_STREQ(io->uuid, "BLKASM-pool-p");
	/* 64 blocks of 128 sectors, low water a tenth, zeroing on. */
	ATF_CHECK_STREQ(fake_dm_table("blkasm-p", false, 0), "0 8192 thin-pool 7:0 7:1 128 6 0");
	ATF_CHECK(!fake_dm_table_ro("blkasm-p", false));
	ATF_CHECK(!fake_dm_suspended("blkasm-p"));
	CHECK_HAS(fake_trace(), "mknod /dev/mapper/blkasm-p 253:0");
	ATF_CHECK_STREQ(n->device, "/dev/mapper/blkasm-p");
	ATF_CHECK_STREQ(n->summary, "/dev/mapper/blkasm-p thin-pool rw, data 0% used (0 of 64 "
			"blocks), metadata 0% (10 of 1024), transaction 0, low water 6 blocks");
	CHECK_HAS(fake_stderr(), "p: new pool: the kernel formats the blank metadata on " META);
	/* The kernel formats the metadata: nothing written here. */
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
}

/* Options into the table; the data cut to whole blocks. */
ATF_TC_WITHOUT_HEAD(pool_create_options);
ATF_TC_BODY(pool_create_options, tc)
{
	setup();
	plan_of(PLAN_POOL("\tcreate yes\n\tzero-blocks no\n\tlow-water 1M\n\tname vg\n"));
	disk("m", META, 0, BLANK, DISK_BYTES);
	disk("d", DATA, 1, BLANK, DISK_BYTES + 32768);
	fake_dm_status_on_create("blkasm-vg", 0, ST_FRESH);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-vg", false, 0),
			"0 8192 thin-pool 7:0 7:1 128 16 1 skip_block_zeroing");
	ATF_CHECK_STREQ(((const struct dm_ioctl *)fake_dm_last(DM_DEV_CREATE, NULL))->uuid,
			"BLKASM-pool-vg");
	ATF_CHECK_STREQ(node("p")->device, "/dev/mapper/blkasm-vg");

	setup();
	plan_of(PLAN_POOL("\tcreate yes\n\tread-only yes\n\tblock-size 1M\n"));
	pool_disks(BLANK, BLANK);
	fake_dm_status_on_create("blkasm-p", 0, "0 10/1024 0/4 - ro discard_passdown "
				 "queue_if_no_space - 256 ");
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-p", false, 0),
			"0 8192 thin-pool 7:0 7:1 2048 0 1 read_only");
	ATF_CHECK(fake_dm_table_ro("blkasm-p", false));
}

ATF_TC_WITHOUT_HEAD(pool_create_data_not_blank);
ATF_TC_BODY(pool_create_data_not_blank, tc)
{
	setup();
	plan_of(PLAN_POOL("\tcreate yes\n"));
	pool_disks(BLANK, SWAP);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -EEXIST);
	ATF_CHECK_STREQ(node("p")->why, "the data device " DATA " carries swap: a new pool is "
			"made only on a blank one");
	ATF_CHECK_STREQ(fake_dm_trace(), "VERSION");
}

/* Not blank: the first 4 KiB are zero but libblkid knows what is there. */
ATF_TC_WITHOUT_HEAD(pool_signature_not_blank);
ATF_TC_BODY(pool_signature_not_blank, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(MD_AT_4K, BLANK);
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!strstr(fake_stderr(), "new pool"));
}

ATF_TC_WITHOUT_HEAD(pool_existing);
ATF_TC_BODY(pool_existing, tc)
{
	setup();
	plan_of(PLAN_POOL("\tcreate yes\n"));
	pool_disks(USED, SWAP);		/* the data of a pool in use is not probed */
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!strstr(fake_stderr(), "new pool"));
	ATF_CHECK(!strstr(fake_trace(), "spawn"));	/* no thin_check installed */
	ATF_CHECK_STREQ(node("p")->summary, "/dev/mapper/blkasm-p thin-pool rw, data 25% used "
			"(16 of 64 blocks), metadata 3% (40 of 1024), transaction 5, low water "
			"6 blocks");
}

/* ---- a pool's devices ---- */

/* A failed look at a device leaves the caller's path, number and size alone. */
ATF_TC_WITHOUT_HEAD(device_of_untouched_on_failure);
ATF_TC_BODY(device_of_untouched_on_failure, tc)
{
	char path[256];
	dev_t dev;
	uint64_t sectors;

#define UNTOUCHED(call, err) do {						\
		memset(path, 'x', sizeof(path));				\
		path[sizeof(path) - 1] = '\0';					\
		dev = 0x5a5a;							\
		sectors = 0x123456789ull;					\
		ATF_CHECK_EQ(call, err);					\
		ATF_CHECK_EQ(strspn(path, "x"), sizeof(path) - 1);		\
		ATF_CHECK_EQ(dev, 0x5a5a);					\
		ATF_CHECK_EQ(sectors, 0x123456789ull);				\
	} while (0)
#define DEVICE_OF(key) thin_device_of(&ctx, node("p"), key, path, sizeof(path), &dev, &sectors)

	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	/* BLKGETSIZE64 refused: no size (nor one divided from garbage). */
	fake_ioctl_push(BLKGETSIZE64, -EIO);
	UNTOUCHED(DEVICE_OF("metadata"), -EIO);
	CHECK_WHY(node("p"), "metadata device " META ": Input/output error");
	/* A regular file: no device number taken from it. */
	fake_file_add("./thin-file", "not a device");
	snprintf(node("d")->device, NODE_DEVICE_SIZE, "./thin-file");
	UNTOUCHED(DEVICE_OF("data"), -ENOTBLK);
	/* stat fails: no device number from an unfilled struct stat. */
	fake_fail(FAKE_STAT, META, -EACCES);
	UNTOUCHED(DEVICE_OF("metadata"), -EACCES);
	fake_fail(FAKE_STAT, META, 0);

	/* And on success all three are written. */
	ATF_CHECK_EQ(DEVICE_OF("metadata"), 0);
	ATF_CHECK_STREQ(path, META);
	ATF_CHECK_EQ(dev, makedev(7, 0));
	ATF_CHECK_EQ(sectors, DISK_BYTES / 512);
#undef DEVICE_OF
#undef UNTOUCHED
}

/* ---- thin_check ---- */

#define THIN_CHECK "spawn /usr/sbin/thin_check -q --clear-needs-check-flag " META

ATF_TC_WITHOUT_HEAD(pool_thin_check_sound);
ATF_TC_BODY(pool_thin_check_sound, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(0, 0, 20);
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	CHECK_HAS(fake_trace(), THIN_CHECK);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 20);
	CHECK_HAS(fake_stderr(), "p: thin_check found the metadata on " META " sound");
	ATF_CHECK(fake_dm_exists("blkasm-p"));

	/* In /sbin, as on systems without a merged /usr. */
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_file_add("/sbin/thin_check", "");
	fake_spawn_script(0, 0, 0);
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	CHECK_HAS(fake_trace(), "spawn /sbin/thin_check -q");
}

ATF_TC_WITHOUT_HEAD(pool_thin_check_problems);
ATF_TC_BODY(pool_thin_check_problems, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(0, 1 << 8, 10);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -EUCLEAN);
	ATF_CHECK_STREQ(node("p")->why, "thin_check found problems in the metadata on " META
			" (exit 1): the pool is not activated; repair it with thin_repair");
	CHECK_HAS(fake_trace(), THIN_CHECK);
	ATF_CHECK_STREQ(fake_dm_trace(), "VERSION");
}

/* Bounded by the run's deadline, then killed. */
ATF_TC_WITHOUT_HEAD(pool_thin_check_hangs);
ATF_TC_BODY(pool_thin_check_hangs, tc)
{
	char kill[32];

	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(0, 0, FAKE_RUN_FOREVER);
	ctx.deadline_ms = fake_now_ms() + 100;
	ATF_CHECK_EQ(UP("thin-pool", "p"), -ETIMEDOUT);
	ATF_CHECK_STREQ(node("p")->why, "thin_check of " META " did not finish in time");
	snprintf(kill, sizeof(kill), "kill %d %d", FAKE_SPAWN_PID, SIGKILL);
	CHECK_HAS(fake_trace(), kill);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 100);
	ATF_CHECK_STREQ(fake_dm_trace(), "VERSION");
}

/* Not run: check no, a new pool, or a thin_check that cannot be started. */
ATF_TC_WITHOUT_HEAD(pool_thin_check_not_run);
ATF_TC_BODY(pool_thin_check_not_run, tc)
{
	setup();
	plan_of(PLAN_POOL("\tcheck no\n"));
	pool_disks(USED, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(0, 1 << 8, 0);
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!strstr(fake_trace(), "spawn"));

	setup();
	plan_of(PLAN_POOL("\tcreate yes\n"));
	pool_disks(BLANK, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(0, 1 << 8, 0);
	fake_dm_status_on_create("blkasm-p", 0, ST_FRESH);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK(!strstr(fake_trace(), "spawn"));

	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_file_add("/usr/sbin/thin_check", "");
	fake_spawn_script(-ENOEXEC, 0, 0);
	fake_dm_status_on_create("blkasm-p", 0, ST_T5);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
}

/* ---- the pool's health ---- */

ATF_TC_WITHOUT_HEAD(pool_unhealthy_removed);
ATF_TC_BODY(pool_unhealthy_removed, tc)
{
	static const struct {
		const char *status;
		int err;
		const char *why;
	} cases[] = {
		{ "Fail", -EIO, "pool blkasm-p has failed (status Fail): it is never used "
		  "read-write; see the kernel log" },
		{ "Error", -EROFS, "pool blkasm-p cannot report its state (status Error): it "
		  "is never used read-write; see the kernel log" },
		{ ST_NEEDS_CHECK, -EROFS, "pool blkasm-p needs its metadata checked "
		  "(needs_check): it is never used read-write; check it with thin_check (or "
		  "repair it with thin_repair)" },
		{ ST_RO, -EROFS, "pool blkasm-p is read-only (metadata damaged or full): it is "
		  "never used read-write; check it with thin_check (or repair it with "
		  "thin_repair)" },
		{ ST_FULL, -ENOSPC, "pool blkasm-p is out of data space: it is never used "
		  "read-write; extend the data device" },
		{ "1 2", -EPROTO, "blkasm-p: unreadable pool status: " },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup();
		plan_of(PLAN_POOL(""));
		pool_disks(USED, BLANK);
		fake_dm_status_on_create("blkasm-p", 0, cases[i].status);
		ATF_CHECK_EQ_MSG(UP("thin-pool", "p"), cases[i].err, "%s", cases[i].status);
		CHECK_WHY(node("p"), cases[i].why);
		ATF_CHECK_MSG(!fake_dm_exists("blkasm-p"), "%s: not removed", cases[i].status);
		ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 1);
		CHECK_HAS(fake_trace(), "unlink /dev/mapper/blkasm-p");
	}
}

/* A read-only pool may need checking or be full; failed is failed. */
ATF_TC_WITHOUT_HEAD(pool_read_only_tolerates);
ATF_TC_BODY(pool_read_only_tolerates, tc)
{
	setup();
	plan_of(PLAN_POOL("\tread-only yes\n"));
	pool_disks(USED, BLANK);
	fake_dm_status_on_create("blkasm-p", 0, ST_NEEDS_CHECK);
	ATF_REQUIRE_EQ_MSG(UP("thin-pool", "p"), 0, "%s", node("p")->why);
	ATF_CHECK_STREQ(node("p")->summary, "/dev/mapper/blkasm-p thin-pool ro, NEEDS CHECK, "
			"data 25% used (16 of 64 blocks), metadata 3% (40 of 1024), "
			"transaction 3, low water 6 blocks");
	ATF_CHECK_STREQ(fake_dm_table("blkasm-p", false, 0),
			"0 8192 thin-pool 7:0 7:1 128 6 1 read_only");
	ATF_CHECK(fake_dm_table_ro("blkasm-p", false));

	setup();
	plan_of(PLAN_POOL("\tread-only yes\n"));
	pool_disks(USED, BLANK);
	fake_dm_status_on_create("blkasm-p", 0, "Fail");
	ATF_CHECK_EQ(UP("thin-pool", "p"), -EIO);
	ATF_CHECK(!fake_dm_exists("blkasm-p"));
}

ATF_TC_WITHOUT_HEAD(pool_table_refused);
ATF_TC_BODY(pool_table_refused, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_dm_fail_next(DM_TABLE_LOAD, -EINVAL);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -EINVAL);
	ATF_CHECK_STREQ(node("p")->why, "the kernel refused the pool table \"7:0 7:1 128 6 0\": "
			"Invalid argument (its reason is in the kernel log)");
	ATF_CHECK(!fake_dm_exists("blkasm-p"));
	ATF_CHECK_STREQ(node("p")->device, "");
}

/* Someone else's device has the name: refused, and left alone. */
ATF_TC_WITHOUT_HEAD(pool_name_taken);
ATF_TC_BODY(pool_name_taken, tc)
{
	setup();
	plan_of(PLAN_POOL(""));
	pool_disks(USED, BLANK);
	fake_dm_add("blkasm-p", "LVM-k3v9sRtq");
	ATF_CHECK_EQ(ADOPT("thin-pool", "p"), 0);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -EEXIST);
	ATF_CHECK_STREQ(node("p")->why, "cannot create device-mapper device blkasm-p: File "
			"exists (the name is taken)");
	ATF_CHECK(fake_dm_exists("blkasm-p"));
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_LOAD), 0);
}

ATF_TC_WITHOUT_HEAD(pool_sliced_too_small);
ATF_TC_BODY(pool_sliced_too_small, tc)
{
	setup();
	plan_of("device v { device /dev/vdb }\nthin-pool p { device v }\n");
	disk("v", "./thin-dev", 0, BLANK, DISK_BYTES);
	ATF_CHECK_EQ(UP("thin-pool", "p"), -ENOSPC);
	ATF_CHECK_STREQ(node("p")->why, "./thin-dev (4096 KiB) is too small for 4096 KiB of "
			"metadata and one data block");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 0);
}


ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pool_blank_refused);
	ATF_TP_ADD_TC(tp, pool_create);
	ATF_TP_ADD_TC(tp, pool_create_options);
	ATF_TP_ADD_TC(tp, pool_create_data_not_blank);
	ATF_TP_ADD_TC(tp, pool_signature_not_blank);
	ATF_TP_ADD_TC(tp, pool_existing);
	ATF_TP_ADD_TC(tp, device_of_untouched_on_failure);
	ATF_TP_ADD_TC(tp, pool_thin_check_sound);
	ATF_TP_ADD_TC(tp, pool_thin_check_problems);
	ATF_TP_ADD_TC(tp, pool_thin_check_hangs);
	ATF_TP_ADD_TC(tp, pool_thin_check_not_run);
	ATF_TP_ADD_TC(tp, pool_unhealthy_removed);
	ATF_TP_ADD_TC(tp, pool_read_only_tolerates);
	ATF_TP_ADD_TC(tp, pool_table_refused);
	ATF_TP_ADD_TC(tp, pool_name_taken);
	ATF_TP_ADD_TC(tp, pool_sliced_too_small);
	return atf_no_error();
}
