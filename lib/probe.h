/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_PROBE_H
#define BLKASM_PROBE_H

#include <stddef.h>
#include <stdint.h>

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

/* A byte range of a device: [off, off + len). */
struct probe_range {
	uint64_t off, len;
};

/*
 * Do the ranges of path read back as zeros? Read through the seam in
 * chunks of at most PROBE_ZERO_CHUNK bytes; a range past the end of the
 * device is cut at the end. "Blank" must mean this: a used or encrypted
 * device carries no signature libblkid knows, but its bytes are not zero.
 * Returns 0 when every byte is zero, 1 with *nonzero set to the offset of
 * the first non-zero byte, -errno when path cannot be read.
 */
#define PROBE_ZERO_CHUNK (64u * 1024u)
int probe_zeros(const char *path, const struct probe_range *r, unsigned int count,
		uint64_t *nonzero);

/*
 * "/dev/loop0 (file /srv/a.img)" for a loop device with a backing file,
 * else path itself: what a message about a device should name.
 */
const char *probe_describe(const char *path, char *buf, size_t size);

#endif
