/* SPDX-License-Identifier: MIT */
/*
 * For thin_up_test.c: plans with a thin-pool node "p" on device nodes "m"
 * (metadata) and "d" (data), the fake device-mapper, and pools already
 * running.
 *
 * Whether a metadata device is blank is asked of libblkid too, which opens
 * the real path, not the seam: the devices are real files in the test's
 * working folder (./thin-meta, ./thin-data), mirrored into the fake as
 * block devices 7:0 and 7:1, and named through the device nodes.
 */
#ifndef BLKASM_THIN_FIXTURE_H
#define BLKASM_THIN_FIXTURE_H

#include "table.h"
#include "dm/dm.h"
#include "fake_dm.h"
#include "fake_sys.h"
#include "md/md_super.h"
#include "plan.h"
#include "retry.h"
#include "dm/thin_node.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define META "./thin-meta"
#define DATA "./thin-data"
#define DISK_BYTES (4u << 20)	/* 8192 sectors: 64 data blocks of 64 KiB */
#define POOL_DEV makedev(FAKE_DM_MAJOR, 0)	/* the first device-mapper device */

/* Status lines (pool_status(), Linux 6.1) of a pool of 64 blocks. */
#define ST_FRESH "0 10/1024 0/64 - rw discard_passdown queue_if_no_space - 256 "
#define ST_T5 "5 40/1024 16/64 - rw discard_passdown queue_if_no_space - 256 "
#define ST_NEEDS_CHECK "3 40/1024 16/64 - ro discard_passdown queue_if_no_space " \
	"needs_check 256 "
#define ST_RO "3 1024/1024 16/64 - ro discard_passdown queue_if_no_space - 256 "
#define ST_FULL "5 40/1024 64/64 - out_of_data_space discard_passdown " \
	"queue_if_no_space - 256 "

#define PLAN_DEVS "device m { device /dev/vdb }\ndevice d { device /dev/vdc }\n"
/* Pool p on m and d; the caller adds options. */
#define PLAN_POOL(rest) PLAN_DEVS "thin-pool p {\n\tmetadata m\n\tdata d\n" rest "}\n"

enum image { BLANK, USED, MD_AT_4K, SWAP };

static struct plan plan;
static struct run_ctx ctx;

/* A fresh seam with device-mapper and dm_thin_pool loaded. */
static inline void setup(void)
{
	fake_reset();
	fake_dir_add("/dev");
	fake_dir_add("/sys/module/dm_thin_pool");
	fake_file_add("/sys/class/misc/device-mapper/dev", "10:236\n");
}

static inline struct plan_node *node(const char *name)
{
	int i = plan_find(&plan, name);

	ATF_REQUIRE_MSG(i >= 0, "no node %s", name);
	return &plan.nodes[i];
}

/* Parses and validates text; ctx set for a run. */
static inline void plan_of(const char *text)
{
	struct plan_error err;
	char msg[1024];
	int r;

	if (plan.nodes)
		plan_free(&plan);
	r = plan_parse(&plan, driver_table, "t.conf", text, strlen(text), &err);
	if (r == 0)
		r = plan_validate(&plan, &err);
	ATF_REQUIRE_MSG(r == 0, "%s: %s", text, plan_error_str(&err, msg, sizeof(msg)));
	ctx = (struct run_ctx){ .plan = &plan, .deadline_ms = fake_now_ms() + 60000 };
}

static inline const struct driver *drv(const char *kind)
{
	const struct driver *d = driver_find(driver_table, kind);

	ATF_REQUIRE(d);
	return d;
}

/*
 * A disk image: zeros; "used" thin metadata (the first 4 KiB not zero);
 * zeros for 4 KiB, then an md 1.2 superblock (libblkid: linux_raid_member);
 * a swap signature.
 */
static inline uint8_t *image(enum image kind, size_t len)
{
	uint8_t *img = calloc(1, len);
	struct md_sb sb = {
		.minor_version = 2, .level = 1, .raid_disks = 2, .super_offset = 8,
		.data_offset = 2048, .data_size = len / 512 - 2048, .max_dev = 2,
		.resync_offset = UINT64_MAX,
	};

	ATF_REQUIRE(img);
	if (kind == USED)
		memcpy(img, "thin metadata in use", 20);
	if (kind == MD_AT_4K) {
		sb.size = sb.data_size;
		sb.set_uuid[0] = 0x3f;
		sb.roles[1] = 1;
		ATF_REQUIRE_EQ(mdsb_build(&sb, img + 4096, MDSB_SIZE), 0);
	}
	if (kind == SWAP) {
		memcpy(img + 1024, "\x01\x00\x00\x00\xff\x03\x00\x00", 8);
		memcpy(img + 4086, "SWAPSPACE2", 10);
	}
	return img;
}

/* Node name's device is path: a real file (for libblkid) mirrored in the fake. */
static inline void disk(const char *name, const char *path, unsigned int minor,
			enum image kind, size_t len)
{
	uint8_t *img = image(kind, len);
	FILE *f = fopen(path, "wb");

	ATF_REQUIRE_MSG(f, "%s", path);
	ATF_REQUIRE_EQ(fwrite(img, 1, len, f), len);
	ATF_REQUIRE_EQ(fclose(f), 0);
	fake_blkdev_add(path, makedev(7, minor), img, len);
	snprintf(node(name)->device, NODE_DEVICE_SIZE, "%s", path);
	free(img);
}

/* The plan's m and d on META and DATA. */
static inline void pool_disks(enum image meta, enum image data)
{
	disk("m", META, 0, meta, DISK_BYTES);
	disk("d", DATA, 1, data, DISK_BYTES);
}

/* A driver op on a node, leaving no fd open. */
static inline int run(int (*op)(struct run_ctx *, struct plan_node *), struct plan_node *n)
{
	int r = op(&ctx, n);

	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	return r;
}

#define UP(kind, name) run(drv(kind)->up, node(name))
#define DOWN(kind, name) run(drv(kind)->down, node(name))
#define ADOPT(kind, name) run(drv(kind)->adopt, node(name))

/* A device-mapper device made earlier, with one live target and its status. */
static inline dev_t dm_running(const char *name, const char *uuid, const char *type,
			       const char *params, uint64_t sectors, const char *status)
{
	struct dm_target t = { .start = 0, .length = sectors };
	dev_t dev = fake_dm_add(name, uuid);

	snprintf(t.type, sizeof(t.type), "%s", type);
	snprintf(t.params, sizeof(t.params), "%s", params);
	ATF_REQUIRE_EQ(dm_load(name, &t, 1, false), 0);
	ATF_REQUIRE_EQ(dm_resume(name), 0);
	fake_dm_set_status(name, 0, status);
	return dev;
}

/* Pool p (blkasm-p) running with this status, adopted by the plan. */
static inline void pool_running(const char *status)
{
	dm_running("blkasm-p", "BLKASM-pool-p", "thin-pool", "7:0 7:1 128 6 0", 8192, status);
	ATF_REQUIRE_EQ_MSG(ADOPT("thin-pool", "p"), 1, "%s", node("p")->why);
}

/* The node's diagnosis contains text. */
#define CHECK_WHY(n, text) \
	ATF_CHECK_MSG(strstr((n)->why, text), "why: %s\nwant: %s", (n)->why, text)
#define CHECK_HAS(hay, text) \
	ATF_CHECK_MSG(strstr(hay, text), "in: %s\nwant: %s", hay, text)

#endif
