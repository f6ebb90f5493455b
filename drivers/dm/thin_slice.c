/* SPDX-License-Identifier: MIT */
/*
 * A thin pool on one device: two dm-linear slices of it, NAME-tmeta and
 * NAME-tdata, as lvm2 lays out its pools. They carry DM UUIDs of their own
 * (BLKASM-pool-NAME-tmeta, -tdata) and go down after the pool.
 */
#include "thin_node.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

static int slice(struct run_ctx *c, struct plan_node *n, unsigned int i, dev_t devno,
		 uint64_t start, uint64_t length, char *path, size_t size, dev_t *out)
{
	const struct thin_pool_conf *pc = n->conf;
	struct dm_target t = { .start = 0, .length = length };
	struct dm_info info;
	int r;

	snprintf(t.type, sizeof(t.type), "linear");
	snprintf(t.params, sizeof(t.params), "%u:%u %llu", major(devno), minor(devno),
		 (unsigned long long)start);
	/* One of ours from a run that stopped half-way: not in use, so remade. */
	if (dm_find_uuid(pc->slice_uuid[i], &info) == 1 && info.open_count == 0)
		thin_remove(c, n, info.name);
	r = dm_create(pc->slice_name[i], pc->slice_uuid[i], &info);
	if (r == 0)
		r = dm_load(pc->slice_name[i], &t, 1, pc->read_only);
	if (r == 0)
		r = dm_resume(pc->slice_name[i]);
	if (r == 0)
		r = dm_make_node(pc->slice_name[i], info.dev);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot make the slice %s (%s): %s",
			   pc->slice_name[i], t.params, strerror(-r));
		thin_remove(c, n, pc->slice_name[i]);
		return r;
	}
	snprintf(path, size, "/dev/mapper/%s", pc->slice_name[i]);
	*out = info.dev;
	return 0;
}

int thin_slices_up(struct run_ctx *c, struct plan_node *n, const char *dev,
		   uint64_t dev_sectors, dev_t devno, struct thin_slices *out)
{
	const struct thin_pool_conf *pc = n->conf;
	uint64_t data;
	int r;

	if (dev_sectors <= pc->meta_sectors + pc->block_sectors) {
		driver_say(n->why, NODE_WHY_SIZE, "%s (%llu KiB) is too small for %llu KiB of "
			   "metadata and one data block", dev, (unsigned long long)dev_sectors / 2,
			   (unsigned long long)pc->meta_sectors / 2);
		return -ENOSPC;
	}
	data = (dev_sectors - pc->meta_sectors) / pc->block_sectors * pc->block_sectors;
	r = slice(c, n, 0, devno, 0, pc->meta_sectors, out->meta, sizeof(out->meta), &out->mdev);
	if (r < 0)
		return r;
	r = slice(c, n, 1, devno, pc->meta_sectors, data, out->data, sizeof(out->data),
		  &out->ddev);
	if (r < 0) {
		thin_remove(c, n, pc->slice_name[0]);
		return r;
	}
	out->data_sectors = data;
	return 0;
}

int thin_slices_down(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	struct dm_info info;
	int r = 0;

	/*
	 * A lookup that fails is no "gone": the pool's node would be marked
	 * down with its slices still holding the device under them. A slice
	 * gone already may have left its node (a down cut short).
	 */
	for (int i = 1; i >= 0 && r == 0; i--) {
		r = dm_find_uuid(pc->slice_uuid[i], &info);
		if (r == 1)
			r = thin_remove(c, n, pc->slice_name[i]);
		else if (r == 0 && (r = dm_unlink_node(pc->slice_name[i])) < 0)
			driver_say(n->why, NODE_WHY_SIZE, "the node of %s stays: %s",
				   pc->slice_name[i], strerror(-r));
		else if (r < 0)
			driver_say(n->why, NODE_WHY_SIZE, "cannot look for the slice %s: %s",
				   pc->slice_name[i], strerror(-r));
	}
	return r;
}
