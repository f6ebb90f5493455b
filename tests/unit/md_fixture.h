/* SPDX-License-Identifier: MIT */
/*
 * For md_up_test.c: member disks carrying real version-1.2 superblocks
 * (mdsb_build), the sysfs of md arrays, and plans with an md node "r".
 */
#ifndef BLKASM_MD_FIXTURE_H
#define BLKASM_MD_FIXTURE_H

#include "table.h"
#include "fake_sys.h"
#include "md/md_node.h"
#include "plan.h"
#include "retry.h"
#include "sys.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define DISK_SECTORS 8192u		/* 4 MiB members */
#define DISK_BYTES (DISK_SECTORS * 512u)
#define NEW_ARRAY "/sys/module/md_mod/parameters/new_array"
#define MD0 "/sys/block/md0/md/"

static const uint8_t UUID_A[16] = {
	0x3f, 0x1c, 0x2a, 0x4b, 0x01, 0x23, 0x45, 0x67,
	0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
};
#define UUID_A_TEXT "3f1c2a4b:01234567:89abcdef:fedcba98"
static const uint8_t UUID_B[16] = {
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};
#define UUID_B_TEXT "b0b1b2b3:b4b5b6b7:b8b9babb:bcbdbebf"
/* A created array's UUID: the fake's first sys_random_bytes (byte i: i + 1). */
static const uint8_t CREATED[16] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};
#define CREATED_TEXT "01020304:05060708:090a0b0c:0d0e0f10"

static struct plan plan;
static struct run_ctx ctx;

/* Slot `slot` of a 1.2 array of `level` and `disks` members on a DISK_SECTORS disk. */
static inline struct md_sb *member_sb(const uint8_t *uuid, int32_t level, uint32_t disks,
				      uint32_t slot, uint64_t events)
{
	static struct md_sb sb;

	memset(&sb, 0, sizeof(sb));
	sb.minor_version = 2;
	memcpy(sb.set_uuid, uuid, 16);
	strcpy(sb.set_name, "board:r");
	sb.ctime = sb.utime = 1690000000;
	sb.level = level;
	sb.layout = level == 10 ? 0x102 : level == 5 ? 2 : 0;
	sb.chunk_sectors = level == 1 ? 0 : 1024;
	sb.raid_disks = disks;
	sb.super_offset = 8;
	sb.data_offset = 2048;
	sb.data_size = DISK_SECTORS - 2048;
	sb.size = sb.data_size;
	sb.dev_number = slot;
	sb.device_uuid[0] = (uint8_t)(0x10 + slot);
	sb.events = events;
	sb.resync_offset = UINT64_MAX;
	sb.max_dev = 128;
	for (uint32_t i = 0; i < sb.max_dev; i++)
		sb.roles[i] = i < disks ? (uint16_t)i : MDSB_ROLE_SPARE;
	return &sb;
}

/* A disk image of DISK_BYTES (caller frees), with sb at its place if given. */
static inline uint8_t *disk_image(const struct md_sb *sb)
{
	uint8_t *img = calloc(1, DISK_BYTES);

	ATF_REQUIRE(img);
	if (sb)
		ATF_REQUIRE_EQ(mdsb_build(sb, img + sb->super_offset * 512, MDSB_SIZE), 0);
	return img;
}

/*
 * Block device NAME (7:minor) as the kernel shows it: /dev/NAME and
 * /sys/class/block/NAME/{dev,size}.
 */
static inline void add_disk(const char *name, unsigned int minor, const struct md_sb *sb)
{
	uint8_t *img = disk_image(sb);
	char p[128], v[32];

	snprintf(p, sizeof(p), "/dev/%s", name);
	fake_blkdev_add(p, makedev(7, minor), img, DISK_BYTES);
	snprintf(p, sizeof(p), "/sys/class/block/%s/dev", name);
	snprintf(v, sizeof(v), "7:%u\n", minor);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/sys/class/block/%s/size", name);
	snprintf(v, sizeof(v), "%u\n", DISK_SECTORS);
	fake_file_add(p, v);
	free(img);
}

/*
 * The array object mdN in sysfs, in state (as md shows an empty array
 * after new_array: "clear"), its /dev node and class entry.
 */
static inline void add_array(unsigned int nr, const char *state)
{
	static const char *const attrs[] = { "metadata_version", "new_dev" };
	char p[128], v[32];

	for (unsigned int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "/sys/block/md%u/md/%s", nr, attrs[i]);
		fake_file_add(p, "");
	}
	snprintf(p, sizeof(p), "/sys/block/md%u/md/array_state", nr);
	snprintf(v, sizeof(v), "%s\n", state);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/sys/class/block/md%u/dev", nr);
	snprintf(v, sizeof(v), "9:%u\n", nr);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/dev/md%u", nr);
	fake_blkdev_add(p, makedev(9, nr), "", 0);
}

/* A member of mdN as md lists it: md/dev-NAME/. */
static inline void add_array_member(unsigned int nr, const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/block/md%u/md/dev-%s", nr, name);
	fake_dir_add(p);
}

/* The rest of a running array's attributes, for its summary. */
static inline void add_array_info(unsigned int nr, const char *level, unsigned int disks,
				  unsigned int degraded)
{
	char p[128], v[32];

	snprintf(p, sizeof(p), "/sys/block/md%u/md/level", nr);
	snprintf(v, sizeof(v), "%s\n", level);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/sys/block/md%u/md/raid_disks", nr);
	snprintf(v, sizeof(v), "%u\n", disks);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/sys/block/md%u/md/degraded", nr);
	snprintf(v, sizeof(v), "%u\n", degraded);
	fake_file_add(p, v);
	snprintf(p, sizeof(p), "/sys/block/md%u/md/sync_action", nr);
	fake_file_add(p, "idle\n");
}

/* A fresh seam with md loaded (new_array there). */
static inline void setup(void)
{
	fake_reset();
	fake_file_add(NEW_ARRAY, "");
}

/* Parses and validates text; returns its node "r", ctx set for a run. */
static inline struct plan_node *plan_of(const char *text)
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
	ATF_REQUIRE(plan_find(&plan, "r") >= 0);
	ctx = (struct run_ctx){ .plan = &plan, .deadline_ms = fake_now_ms() + 60000 };
	return &plan.nodes[plan_find(&plan, "r")];
}

static inline const struct driver *md(void)
{
	const struct driver *d = driver_find(driver_table, "md");

	ATF_REQUIRE(d);
	return d;
}

/* What was written to a sysfs attribute, "" for nothing. */
static inline const char *written(const char *path)
{
	const char *w = fake_file_written(path);

	return w ? w : "";
}

/* The superblock on a (fake) disk at sector 8, parsed. */
static inline int read_sb(const char *path, struct md_sb *sb, char *why, size_t size)
{
	static uint8_t buf[MDSB_SIZE];
	int fd = sys_open(path, O_RDONLY, 0);
	ssize_t n;

	ATF_REQUIRE(fd >= 0);
	n = sys_pread(fd, buf, sizeof(buf), 8 * 512);
	sys_close(fd);
	ATF_REQUIRE_EQ(n, MDSB_SIZE);
	return mdsb_parse(buf, sizeof(buf), 2, 8, DISK_SECTORS, sb, why, size);
}

/* Node r: /dev/loop0 and /dev/loop1 as md0; the caller adds options and "}". */
#define PLAN_AB "md r {\n\tmembers /dev/loop0 /dev/loop1\n\tnumber 0\n"

/* loop0 and loop1: slots 0 and 1 of raid1 UUID_A with these event counts. */
static inline void raid1_pair(uint64_t events0, uint64_t events1)
{
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, events0));
	add_disk("loop1", 1, member_sb(UUID_A, 1, 2, 1, events1));
}

/* The driver's up, leaving no fd open. */
static inline int up(struct plan_node *n)
{
	int r = md()->up(&ctx, n);

	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	return r;
}

/* md0 made, its members added in order (writes run together), started. */
static inline void check_started(const char *new_dev)
{
	ATF_CHECK_STREQ(written(NEW_ARRAY), "md0");
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "1.2");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), new_dev);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "active");
}

static inline void check_untouched(void)
{
	ATF_CHECK_STREQ(written(NEW_ARRAY), "");
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "");
}

/* The node's diagnosis contains text. */
#define CHECK_WHY(n, text) \
	ATF_CHECK_MSG(strstr((n)->why, text), "why: %s\nwant: %s", (n)->why, text)

#endif
