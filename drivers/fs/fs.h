/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FS_FS_H
#define BLKASM_FS_FS_H

#include <stddef.h>
#include <sys/types.h>

struct plan_node;
struct run_ctx;

/* What the kinds that mount (mount, overlay) share. */

/* A mount as /proc/self/mountinfo shows it. */
struct mountinfo {
	dev_t dev;
	char fstype[64];
	char options[1024];	/* the filesystem's own (the last field), as shown */
};

/*
 * What is mounted on target: the last mount there (it hides the others).
 * Returns 1 with mi filled when found, 0 when nothing is mounted there
 * (or mountinfo cannot be read).
 */
int mountinfo_find(const char *target, struct mountinfo *mi);

/*
 * Unmounts target, retried while it is busy (RETRY_DEVICE_BUSY) until the
 * run's deadline. Returns 0, or -errno with n->why set.
 */
int fs_unmount(struct run_ctx *c, struct plan_node *n, const char *target);

/*
 * Before a mount: loads the kernel module of each filesystem type that
 * /proc/filesystems does not list yet (mod_need). type is a comma list,
 * or NULL/"" for the type libblkid finds on device. A type that no
 * module provides is left for the mount to report.
 */
void fs_need_type(const char *device, const char *type);

#endif
