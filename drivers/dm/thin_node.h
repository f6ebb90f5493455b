/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_THIN_NODE_H
#define BLKASM_THIN_NODE_H

/*
 * The thin-pool and thin node kinds (drivers/dm/thin_pool.c, thin_vol.c) and
 * what they share (thin_common.c). Device-mapper names are "blkasm-" and
 * the plan's name (default: the node's); DM UUIDs are "BLKASM-pool-NAME" and
 * "BLKASM-thin-POOLNAME-ID", so blkasm's devices are recognisable and
 * dm_remove_once refuses anyone else's.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "dm.h"
#include "driver.h"
#include "thin_status.h"

#define THIN_NAME_PREFIX "blkasm-"

struct thin_pool_conf {
	char dm_name[DM_NAME_MAX];
	char dm_uuid[DM_UUID_MAX];
	uint64_t block_sectors;
	uint64_t low_water;		/* bytes, 0: a tenth of the data */
	bool create, zero_blocks, read_only, check;
	/* One device cut in two by dm-linear (as lvm2 does): NAME-tmeta, NAME-tdata. */
	bool sliced;
	uint64_t meta_sectors;
	char slice_name[2][DM_NAME_MAX];
	char slice_uuid[2][DM_UUID_MAX];
};

struct thin_conf {
	char dm_name[DM_NAME_MAX];
	char dm_uuid[DM_UUID_MAX];
	unsigned int pool;		/* index of the thin-pool node */
	int origin;			/* index of the thin node snapshotted, or -1 */
	uint32_t id;
	uint64_t sectors;
	bool create, read_only;
};

/*
 * drivers/dm/thin_snap.c. create_snap of origin_id as id in pool (dm
 * names), the origin (active as origin_dm) suspended around it. 0 or
 * -errno, why filled.
 */
int thin_create_snap(const char *pool, uint32_t id, const char *origin_dm, uint32_t origin_id,
		     char *why, size_t size);
/*
 * Thin id in pool deleted if the pool has it, then (origin_id >= 0) made
 * again as a snapshot of origin_id; each change followed by the pool's
 * transaction id T -> T+1. Refuses an unhealthy pool (-EROFS). 0 or -errno,
 * why filled.
 */
int thin_replace(const char *pool, uint32_t id, const char *origin_dm, int64_t origin_id,
		 char *why, size_t size);

/* "blkasm-NAME" into dm_name from the plan's name or the node's; false when dm refuses it. */
bool thin_dm_name(const struct plan_node *n, char *out, size_t size);

/*
 * drivers/dm/thin_pool_state.c. The pool's status line parsed; why filled
 * on failure. Returns 0 or -errno (-EPROTO for a line that does not parse).
 */
int thin_pool_read(const char *dm_name, struct thin_pool_status *st, char *why, size_t size);

/*
 * Whether a pool in this state may be used read-write: not failed, no
 * needs_check, not read-only or out of data space. Writes the reason.
 */
bool thin_pool_healthy(const struct thin_pool_status *st, char *why, size_t size);

/*
 * Removes a device blkasm made, under the policy (EBUSY while open) and
 * the run's deadline.
 */
int thin_remove(struct run_ctx *c, struct plan_node *n, const char *dm_name);

/*
 * The device of this DM UUID when it is up already (a node adopted): its
 * /dev/mapper node made. Returns 1 up, 0 not there (or no device-mapper
 * yet), -EEXIST with n->why set when it exists without a live table.
 */
/*
 * After a device-mapper lookup that returned found (1, 0 or -errno) and
 * filled info: 1 when it names a device with a live table, 0 when there is
 * none (or no device-mapper yet), -EEXIST with n->why when the device has
 * no live table (left alone), or the lookup's error.
 */
int thin_found_live(struct plan_node *n, int found, const struct dm_info *info);
int thin_adopt_uuid(struct plan_node *n, const char *dm_uuid);

/* The pool table's low-water mark in blocks: the plan's, or a tenth. */
static inline uint64_t thin_low_water(const struct thin_pool_conf *pc, uint64_t data_blocks)
{
	return pc->low_water ? pc->low_water / 512 / pc->block_sectors : data_blocks / 10;
}

/*
 * "rw, data 3% used (12 of 400 blocks), metadata 2%, transaction 1, ...":
 * a pool's state for summaries and status.
 */
void thin_pool_describe(const struct thin_pool_status *st, uint64_t low_water,
			char *buf, size_t size);

/*
 * Reads a pool node's state into n->device and n->summary, and refuses an
 * unhealthy pool for read-write use. Returns 0 or -errno with n->why set.
 */
int thin_pool_health(struct plan_node *n);

/* drivers/dm/thin_pool_up.c: the thin-pool kind's up(). */
int thin_pool_up(struct run_ctx *c, struct plan_node *n);

/*
 * The block device the option key names: its path, device number and size
 * in sectors, written only when it resolves, stats as a block device and
 * answers its size. Returns 0 or -errno with n->why set.
 */
int thin_device_of(struct run_ctx *c, struct plan_node *n, const char *key, char *path,
		   size_t size, dev_t *dev, uint64_t *sectors);

/*
 * drivers/dm/thin_check.c. Whether the metadata device at path is blank:
 * nothing libblkid knows and its first 4 KiB zero (the kernel formats it).
 * Returns 0 with *blank set, or -errno with n->why set.
 */
int thin_metadata_blank(struct plan_node *n, const char *path, bool *blank);

/*
 * Runs thin_check on the metadata device when it is installed, bounded by
 * the run's deadline (killed then). Returns 0 (sound, or no thin_check),
 * -EUCLEAN (problems found), -ETIMEDOUT, or -errno; n->why set.
 */
int thin_check(struct run_ctx *c, struct plan_node *n, const char *meta);

/*
 * drivers/dm/thin_slice.c: the metadata and data slices of a pool's one
 * device (option device), made with dm-linear: the first meta_sectors for
 * the metadata, the rest (whole blocks) for the data. Slices left by an
 * earlier run that are not in use are made again. Fills the slices'
 * paths, devices and the data size. Returns 0 or -errno with n->why set.
 */
struct thin_slices {
	char meta[160], data[160];
	dev_t mdev, ddev;
	uint64_t data_sectors;
};
int thin_slices_up(struct run_ctx *c, struct plan_node *n, const char *dev,
		   uint64_t dev_sectors, dev_t devno, struct thin_slices *out);
int thin_slices_down(struct run_ctx *c, struct plan_node *n);

/* The modules thin-pool and thin nodes need (struct driver.modules). */
void thin_modules(const struct plan_node *n, struct mod_wish *w);

#endif
