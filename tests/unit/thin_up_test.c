/* SPDX-License-Identifier: MIT */
/*
 * The thin-pool and thin nodes against the fake device-mapper
 * (drivers/dm/thin_pool*.c, thin_check.c, thin_common.c, thin_vol.c): new
 * and existing pools, a pool's devices, thin_check, the pool's health
 * after activation, adopting and removing pools, and
 * thin volumes provisioned under the pool's transaction id, snapshots of
 * active origins, activation failures. Validation: thin_node_test.c.
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
	snprintf(node("d")->device, sizeof(node("d")->device), "./thin-file");
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

/* ---- thin ---- */

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
	ATF_TP_ADD_TC(tp, pool_adopt);
	ATF_TP_ADD_TC(tp, pool_adopt_refused);
	ATF_TP_ADD_TC(tp, pool_down);
	ATF_TP_ADD_TC(tp, pool_down_busy_twice);
	ATF_TP_ADD_TC(tp, pool_down_busy_gives_up);
	ATF_TP_ADD_TC(tp, pool_down_foreign);
	ATF_TP_ADD_TC(tp, pool_sliced_down);
	ATF_TP_ADD_TC(tp, pool_sliced_too_small);
	ATF_TP_ADD_TC(tp, thin_create);
	ATF_TP_ADD_TC(tp, thin_create_exists);
	ATF_TP_ADD_TC(tp, thin_create_refused);
	ATF_TP_ADD_TC(tp, thin_existing);
	ATF_TP_ADD_TC(tp, thin_snapshot_active_origin);
	ATF_TP_ADD_TC(tp, thin_snapshot_quiet_origin);
	ATF_TP_ADD_TC(tp, thin_activation_fails);
	ATF_TP_ADD_TC(tp, thin_adopt_and_down);
	return 0;
}
