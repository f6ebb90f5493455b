/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_THIN_NODE_H
#define BLKASM_THIN_NODE_H

/*
 * The thin-pool and thin node kinds (drivers/dm/thin_pool.c, thin_vol.c) and
 * what they share. Device-mapper names are "blkasm-" and the plan's name
 * (default: the node's); DM UUIDs are "BLKASM-pool-NAME" and
 * "BLKASM-thin-POOLNAME-ID", so blkasm's devices are recognisable and
 * dm_remove_once refuses anyone else's.
 */

#include <stdbool.h>
#include <stdint.h>

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

/* "blkasm-NAME" into dm_name from the plan's name or the node's; false when dm refuses it. */
bool thin_dm_name(const struct plan_node *n, char *out, size_t size);

/*
 * The pool's status line parsed; why filled on failure. Returns 0 or
 * -errno (-EPROTO for a line that does not parse).
 */
int thin_pool_read(const char *dm_name, struct thin_pool_status *st, char *why, size_t size);

/*
 * Whether a pool in this state may be used read-write: not failed, no
 * needs_check, not read-only or out of data space. Writes the reason.
 */
bool thin_pool_healthy(const struct thin_pool_status *st, char *why, size_t size);

/* Removes a device blkasm made, under the policy (EBUSY while open). */
int thin_remove(struct plan_node *n, const char *dm_name);

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
int thin_slices_up(struct plan_node *n, const char *dev, uint64_t dev_sectors,
		   dev_t devno, struct thin_slices *out);
int thin_slices_down(struct plan_node *n);

/* The modules thin-pool and thin nodes need (struct driver.modules). */
void thin_modules(const struct plan_node *n, struct mod_wish *w);

#endif
