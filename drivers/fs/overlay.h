/* SPDX-License-Identifier: MIT */
/* Kind "overlay": what its validation (overlay.c) and its run (overlay_up.c) share. */
#ifndef BLKASM_FS_OVERLAY_H
#define BLKASM_FS_OVERLAY_H

#include <limits.h>
#include <stdbool.h>

#include "driver.h"
#include "plan.h"

struct ovl_dirs {
	bool tmpfs;		/* the upper layer is RAM */
	char base[PATH_MAX];	/* tmpfs: its mount point; else "" */
	char upper[PATH_MAX], work[PATH_MAX];
};

/*
 * A node's upper and work folders, defaults filled in: a tmpfs upper layer
 * is a tmpfs of its own on BASE, state_dir()/overlay/NAME (/run/blkasm at
 * boot, so it moves into the new root with /run), with BASE/upper and
 * BASE/work; a folder's work folder is by default its sibling "work".
 * Returns 0 or -ENAMETOOLONG.
 */
int ovl_dirs_of(const struct plan_node *n, struct ovl_dirs *d);

/* The mount point of the lower layer node named name, or NULL. */
const char *ovl_lower_point(const struct plan *p, const char *name);

/* overlay_up.c: the driver's operations at run time. */
int overlay_adopt(struct run_ctx *c, struct plan_node *n);
int overlay_up(struct run_ctx *c, struct plan_node *n);
int overlay_down(struct run_ctx *c, struct plan_node *n);
int overlay_status(struct run_ctx *c, struct plan_node *n, struct node_status *st);

#endif
