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

/*
 * The one event wait: subscribes to kernel uevents, then calls
 * look(ctx, NULL) to look at the whole state, then look(ctx, m) after each
 * uevent m received, and look(ctx, NULL) again after an overrun (lost
 * events), until look says done or deadline_ms (absolute, sys_now_ms time)
 * passes. look returns 1 done, 0 not yet, or -errno to stop with.
 * Returns: 0 done, -ETIMEDOUT, look's -errno, or -errno of the uevent
 * socket (when it cannot be had, the first look is still made).
 */
struct uev_msg;
typedef int (*devwait_look)(void *ctx, const struct uev_msg *m);
int devwait_event(devwait_look look, void *ctx, uint64_t deadline_ms);

#endif
