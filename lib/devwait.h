/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_DEVWAIT_H
#define BLKASM_DEVWAIT_H

#include <stddef.h>
#include <stdint.h>

struct devspec;

/*
 * Waits, driven by kernel uevents, until a block device matching ds exists,
 * and makes its /dev node when devtmpfs did not. deadline_ms is absolute
 * (sys_now_ms time). Writes the node's path to path.
 * Returns: 0, -ETIMEDOUT, -ENOTUNIQ when a tag is carried by several
 * devices at once (path then holds their names), or another -errno.
 */
int devwait_block(const struct devspec *ds, uint64_t deadline_ms,
		  char *path, size_t size);

#endif
