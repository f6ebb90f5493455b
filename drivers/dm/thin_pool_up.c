/* SPDX-License-Identifier: MIT */
/* Bringing a thin-pool node up: its devices, its metadata, the pool table. */
#include "thin_node.h"
#include "log.h"
#include "modules.h"
#include "probe.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int thin_device_of(struct run_ctx *c, struct plan_node *n, const char *key, char *path,
		   size_t size, dev_t *dev, uint64_t *sectors)
{
	char p[256];
	struct stat st;
	uint64_t bytes;
	int fd, r = driver_resolve_device(c, n, key, p, sizeof(p));

	if (r < 0)
		return r;
	r = sys_stat(p, &st);
	if (r == 0 && !S_ISBLK(st.st_mode))
		r = -ENOTBLK;
	fd = r < 0 ? r : sys_open(p, O_RDONLY, 0);
	if (fd >= 0) {
		r = sys_ioctl(fd, BLKGETSIZE64, &bytes);
		sys_close(fd);
	} else {
		r = fd;
	}
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s device %s: %s", key, p, strerror(-r));
		return r;
	}
	snprintf(path, size, "%s", p);
	*dev = st.st_rdev;
	*sectors = bytes / 512;
	return 0;
}

/* A new pool (blank metadata) or an existing one (checked first). */
static int prepare(struct run_ctx *c, struct plan_node *n, const char *meta, const char *data)
{
	const struct thin_pool_conf *pc = n->conf;
	struct probe_info pi;
	bool blank = false;
	int r = thin_metadata_blank(n, meta, &blank);

	if (r < 0)
		return r;
	if (!blank)
		return pc->check ? thin_check(c, n, meta) : 0;
	if (!pc->create) {
		driver_say(n->why, NODE_WHY_SIZE, "the metadata device %s is blank: set create "
			   "yes to make a new pool on it", meta);
		return -ENODATA;
	}
	if (probe_device(data, &pi) == 0 && pi.type[0]) {
		driver_say(n->why, NODE_WHY_SIZE, "the data device %s carries %s: a new pool is "
			   "made only on a blank one", data, pi.type);
		return -EEXIST;
	}
	log_info("%s: new pool: the kernel formats the blank metadata on %s", n->name, meta);
	return 0;
}

static int activate(struct run_ctx *c, struct plan_node *n, dev_t meta, dev_t data,
		    uint64_t data_sectors)
{
	const struct thin_pool_conf *pc = n->conf;
	struct dm_target *t = calloc(1, sizeof(*t));
	struct dm_info info;
	uint64_t blocks = data_sectors / pc->block_sectors;
	uint64_t low = thin_low_water(pc, blocks);
	int r;

	if (!t)
		return -ENOMEM;
	*t = (struct dm_target){ .start = 0, .length = blocks * pc->block_sectors };
	snprintf(t->type, sizeof(t->type), "thin-pool");
	r = thin_pool_table(t->params, sizeof(t->params), meta, data, pc->block_sectors, low,
			    !pc->zero_blocks, pc->read_only);
	if (r >= 0 && blocks == 0)
		r = -ENOSPC;
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "no pool table for %llu data sectors: %s",
			   (unsigned long long)data_sectors, strerror(-r));
		free(t);
		return r;
	}
	r = dm_create(pc->dm_name, pc->dm_uuid, &info);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot create device-mapper device %s: %s%s",
			   pc->dm_name, strerror(-r), r == -EEXIST ? " (the name is taken)" : "");
		free(t);
		return r;
	}
	r = dm_load(pc->dm_name, t, 1, pc->read_only);
	if (r == 0)
		r = dm_resume(pc->dm_name);
	if (r == 0)
		r = dm_make_node(pc->dm_name, info.dev);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "the kernel refused the pool table \"%s\": %s "
			   "(its reason is in the kernel log)", t->params, strerror(-r));
		thin_remove(c, n, pc->dm_name);
	}
	free(t);
	return r;
}

static int sliced(struct run_ctx *c, struct plan_node *n, char *meta, char *data,
		  size_t size, dev_t *mdev, dev_t *ddev, uint64_t *dsec)
{
	struct thin_slices sl;
	char dev[256];
	dev_t devno;
	uint64_t sectors;
	int r = thin_device_of(c, n, "device", dev, sizeof(dev), &devno, &sectors);

	if (r == 0)
		r = thin_slices_up(c, n, dev, sectors, devno, &sl);
	if (r < 0)
		return r;
	snprintf(meta, size, "%s", sl.meta);
	snprintf(data, size, "%s", sl.data);
	*mdev = sl.mdev;
	*ddev = sl.ddev;
	*dsec = sl.data_sectors;
	return 0;
}

int thin_pool_up(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	char meta[256], data[256];
	dev_t mdev, ddev;
	uint64_t msec, dsec;
	unsigned int v[3];
	int r = mod_need("dm_thin_pool");

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the dm_thin_pool module: %s",
			   strerror(-r));
		return r;
	}
	r = dm_version(v);
	if (r < 0 || v[0] != 4) {
		driver_say(n->why, NODE_WHY_SIZE, "device-mapper interface %s",
			   r < 0 ? strerror(-r) : "is not version 4");
		return r < 0 ? r : -EPROTO;
	}
	r = pc->sliced ? sliced(c, n, meta, data, sizeof(meta), &mdev, &ddev, &dsec) :
		thin_device_of(c, n, "metadata", meta, sizeof(meta), &mdev, &msec);
	if (r == 0 && !pc->sliced)
		r = thin_device_of(c, n, "data", data, sizeof(data), &ddev, &dsec);
	if (r == 0)
		r = prepare(c, n, meta, data);
	if (r == 0)
		r = activate(c, n, mdev, ddev, dsec);
	if (r == 0 && (r = thin_pool_health(n)) < 0)
		thin_remove(c, n, pc->dm_name);
	if (r < 0 && pc->sliced)
		thin_slices_down(c, n);
	return r;
}
