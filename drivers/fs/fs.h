/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FS_FS_H
#define BLKASM_FS_FS_H

#include <stddef.h>
#include <sys/types.h>

struct plan_node;
struct run_ctx;

/* What the kinds that mount (mount, overlay) share. */

/*
 * What /proc/self/mountinfo says is mounted on target: the last mount
 * there (it hides the others), its device number and, when fstype is not
 * NULL, its filesystem type. Returns 1 when found, 0 when nothing is
 * mounted there (or mountinfo cannot be read).
 */
int mountinfo_find(const char *target, dev_t *dev, char *fstype, size_t size);

/*
 * Unmounts target, retried while it is busy (RETRY_DEVICE_BUSY) until the
 * run's deadline. Returns 0, or -errno with n->why set.
 */
int fs_unmount(struct run_ctx *c, struct plan_node *n, const char *target);

#endif
