/* SPDX-License-Identifier: MIT */
/*
 * Creating an md array: version-1.2 superblocks written by us on members
 * that are verifiably blank, then assembled like any other array. The
 * layout follows what mdadm writes, so mdadm --examine/--detail take it.
 */
#include "md_node.h"
#include "file.h"
#include "log.h"
#include "probe.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA_OFFSET 2048u	/* sectors: 1 MiB, mdadm's usual for small members */
#define LAYOUT_LEFT_SYMMETRIC 2u
#define LAYOUT_NEAR2 0x102u

/*
 * What to do with members that already carry superblocks: all of this
 * array (plan uuid, or all alike): assemble (0); none: create (1); a mix
 * is an interrupted create only when the plan pins the uuid (1), else
 * refused, as is anything of another array.
 */
static int existing(struct plan_node *n, const struct md_member *m, unsigned int count)
{
	const struct md_conf *mc = md_conf_of(n);
	unsigned int with = 0, ours = 0;
	char u[36];

	for (unsigned int i = 0; i < count; i++) {
		if (!m[i].has_sb)
			continue;
		with++;
		if (mc->has_uuid ? !memcmp(m[i].sb.set_uuid, mc->uuid, 16)
				 : !memcmp(m[i].sb.set_uuid, m[0].sb.set_uuid, 16) && m[0].has_sb)
			ours++;
	}
	if (with == count && ours == count)
		return 0;
	if (with == 0 || (mc->has_uuid && ours == with))
		return 1;
	for (unsigned int i = 0; i < count; i++)
		if (m[i].has_sb) {
			mdsb_uuid_format(m[i].sb.set_uuid, u);
			driver_say(n->why, NODE_WHY_SIZE, "%s is a member of md array %s "
				   "(%s); not creating over it%s", m[i].path, u, m[i].sb.set_name,
				   mc->has_uuid ? "" : " (a plan uuid makes an interrupted create "
				   "restartable)");
			break;
		}
	return -EEXIST;
}

/*
 * Blank: libblkid finds nothing, and what we write (the superblock in the
 * first MiB) and what a filesystem on the array would show of the old
 * content (its start, the data's first MiB, and its end, the member's last
 * MiB) reads back as zeros. Random bytes are data: an encrypted or used
 * disk carries no signature libblkid knows.
 */
static int blank(struct plan_node *n, const struct md_member *m)
{
	const uint64_t mib = 1024 * 1024, size = m->sectors * 512;
	const struct probe_range r[] = {
		{ 0, DATA_OFFSET * 512ull + mib },
		{ size > mib ? size - mib : 0, mib },
	};
	struct probe_info pi;
	char dev[320];
	uint64_t at;
	int ret = probe_device(m->path, &pi);

	probe_describe(m->path, dev, sizeof(dev));
	if (ret == 0 && pi.type[0]) {
		driver_say(n->why, NODE_WHY_SIZE, "%s carries %s%s%s: md arrays are created "
			   "only on blank devices", dev, pi.type, pi.uuid[0] ? " UUID=" : "",
			   pi.uuid);
		return -EEXIST;
	}
	if (ret == 0)
		ret = probe_zeros(m->path, r, 2, &at);
	if (ret < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s: cannot check that it is blank: %s",
			   dev, strerror(-ret));
		return ret;
	}
	if (ret == 1) {
		driver_say(n->why, NODE_WHY_SIZE, "%s is not blank: non-zero data at byte %llu "
			   "(md arrays are created only on zeroed members); if what it holds "
			   "is not needed, zero it first, e.g. blkdiscard -z %s", dev,
			   (unsigned long long)at, m->path);
		return -EEXIST;
	}
	return 0;
}

static uint64_t round_down(uint64_t v, uint64_t to)
{
	return to ? v - v % to : v;
}

/* The superblock every member shares; dev_number, roles come after. */
static int common_sb(struct plan_node *n, const struct md_member *m, unsigned int count,
		     struct md_sb *sb)
{
	const struct md_conf *mc = md_conf_of(n);
	uint64_t smallest = UINT64_MAX, now = sys_wall_s() & ((1ull << 40) - 1);
	int r;

	for (unsigned int i = 0; i < count; i++)
		if (m[i].sectors < smallest)
			smallest = m[i].sectors;
	if (smallest < DATA_OFFSET + 2048) {
		driver_say(n->why, NODE_WHY_SIZE, "members of %llu KiB are too small: "
			   "at least 2 MiB each", (unsigned long long)smallest / 2);
		return -ENOSPC;
	}
	memset(sb, 0, sizeof(*sb));
	sb->minor_version = 2;
	sb->super_offset = 8;
	sb->data_offset = DATA_OFFSET;
	sb->level = mc->level;
	sb->raid_disks = count;
	sb->chunk_sectors = mc->level == 1 ? 0 : mc->chunk_sectors;
	sb->layout = mc->level == 5 ? LAYOUT_LEFT_SYMMETRIC : mc->level == 10 ? LAYOUT_NEAR2 : 0;
	/* Equal sizes on every member: one raid0 zone, nothing left over. */
	sb->size = round_down(smallest - DATA_OFFSET, sb->chunk_sectors ? sb->chunk_sectors : 8);
	sb->data_size = sb->size;
	sb->ctime = sb->utime = now;
	sb->resync_offset = mc->assume_clean || mc->level == 0 ? UINT64_MAX : 0;
	sb->max_dev = count < 128 ? 128 : count;
	snprintf(sb->set_name, sizeof(sb->set_name), "%s", mc->name);
	if (mc->has_uuid)
		memcpy(sb->set_uuid, mc->uuid, 16);
	else if ((r = sys_random_bytes(sb->set_uuid, 16)) < 0)
		return r;
	for (unsigned int i = 0; i < sb->max_dev; i++)
		sb->roles[i] = i < count ? (uint16_t)i : MDSB_ROLE_SPARE;
	return 0;
}

void md_create_undo(struct md_member *m, unsigned int count)
{
	static const uint8_t zero[MDSB_SIZE] __attribute__((aligned(4096)));

	for (unsigned int i = 0; i < count; i++) {
		int fd = sys_open(m[i].path, O_WRONLY, 0);

		if (fd < 0)
			continue;
		sys_pwrite(fd, zero, sizeof(zero), 8 * 512);
		sys_fsync(fd);
		sys_close(fd);
		m[i].has_sb = false;
	}
}

static int write_all(struct plan_node *n, struct md_member *m, unsigned int count,
		     const struct md_sb *common)
{
	for (unsigned int i = 0; i < count; i++) {
		struct md_sb *sb = &m[i].sb;
		int r;

		*sb = *common;
		sb->dev_number = i;
		r = sys_random_bytes(sb->device_uuid, 16);
		if (r == 0)
			r = md_write_super(&m[i], sb);
		if (r < 0) {
			driver_say(n->why, NODE_WHY_SIZE, "%s: writing the md superblock: %s",
				   m[i].path, strerror(-r));
			md_create_undo(m, i + 1);
			return r;
		}
		m[i].has_sb = true;
	}
	return 0;
}

int md_create(struct run_ctx *c, struct plan_node *n, struct md_member *m, unsigned int count)
{
	struct md_sb *sb;
	char u[36];
	int r;

	(void)c;
	r = existing(n, m, count);
	if (r <= 0)
		return r;
	for (unsigned int i = 0; i < count; i++)
		if (!m[i].has_sb && (r = blank(n, &m[i])) < 0)
			return r;
	sb = malloc(sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	r = common_sb(n, m, count, sb);
	if (r == 0)
		r = write_all(n, m, count, sb);
	if (r == 0) {
		mdsb_uuid_format(sb->set_uuid, u);
		log_info("%s: created %s array %s (uuid %s) on %u members of %llu KiB",
			 n->name, mdsb_level_name(sb->level), sb->set_name, u, count,
			 (unsigned long long)sb->size / 2);
	}
	free(sb);
	return r < 0 ? r : 1;
}
