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
 * Mounts with mount(2) through the seam. The options are read as mount(8)
 * reads them (libmount's option maps): VFS flags, the filesystem's own
 * options passed on as data, userspace ones (nofail, x-*) dropped;
 * propagation (shared, private, ...) and a bind mount's flags take a
 * second call. No type (or "auto"): the type libblkid finds on the
 * source; a list "a,b" is tried in order while the kernel answers EINVAL
 * or ENODEV. On success writes the filesystem type used into fstype. On
 * failure writes why, naming the device and type, into why.
 * Returns: 0 or -errno.
 */
int mount_fs(const struct mount_req *req, char *fstype, size_t fstype_size,
	     char *why, size_t why_size);

/*
 * The type a mount of req would probe for, probed once ahead (a caller
 * that needs the type before mount_fs, e.g. to load its module): when req
 * names no type and is no bind, move or remount, libblkid's type is
 * written into type and req->fstype points at it. Returns 0 (also when
 * nothing was probed) or -errno with why, as mount_fs would fail.
 */
int mount_probe(struct mount_req *req, char *type, size_t type_size, char *why,
		size_t why_size);

/* Is path the root of a mount (a different device from its parent)? */
bool mount_is_mountpoint(const char *path);

#endif
