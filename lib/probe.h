/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_PROBE_H
#define BLKASM_PROBE_H

#include <stddef.h>

/* What libblkid finds on a device; empty strings for what it does not. */
struct probe_info {
	char type[32];		/* filesystem or other signature: ext4, linux_raid_member */
	char uuid[64];
	char label[256];
	char partuuid[64];
	char partlabel[256];
};

/*
 * Low-level probe of a device or image file (no cache, nothing written).
 * Returns: 0 when probed (fields may be empty: no signature), -errno when
 * the device cannot be read, -EUCLEAN when signatures conflict.
 */
int probe_device(const char *path, struct probe_info *pi);

/*
 * How many partitions the partition table on path lists (0 when it has
 * none). Returns the count or -errno.
 */
int probe_partition_count(const char *path);

#endif
