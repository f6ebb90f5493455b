/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MOUNT_H
#define BLKASM_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

struct mount_req {
	const char *source;
	const char *target;
	const char *fstype;	/* NULL or "": libblkid probes it */
	const char *options;	/* NULL or "" for none */
	bool read_only;
};

/*
 * Mounts with libmount (no helpers, no mtab). On success writes the
 * filesystem type used into fstype. On failure writes libmount's own
 * explanation into why.
 * Returns: 0 or -errno.
 */
int mount_fs(const struct mount_req *req, char *fstype, size_t fstype_size,
	     char *why, size_t why_size);

/* Is path the root of a mount (a different device from its parent)? */
bool mount_is_mountpoint(const char *path);

#endif
