/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MD_GATHER_H
#define BLKASM_MD_GATHER_H

/*
 * An md node's members as found at run time (md_gather.c): read, checked
 * for being one device twice, and those not there or not usable counted
 * as missing with the reason, for the degraded policy (md_up.c).
 */

#include "md_node.h"

struct gather {
	struct md_member *m;		/* MD_MAX_MEMBERS */
	unsigned int n;
	const char *value[MD_MAX_MEMBERS];	/* the plan's word for each, NULL when scanned */
	char missing[400];		/* members that are not there or not usable, and why */
	struct mdsb_member sel[MD_MAX_MEMBERS];
	struct mdsb_choice ch;
	uint64_t wait_until;		/* absolute: members are waited for until then */
};

/*
 * Reads the device at path into the next slot. Returns 1 kept, 0 not
 * kept (no superblock while need_sb, or a device already kept), -errno
 * with why set when it cannot be read or its superblock is bad.
 */
int md_take(struct gather *g, const char *path, bool need_sb, char *why, size_t size);

/*
 * The members the plan lists, each waited for until g->wait_until. One
 * whose node failed, that did not appear, cannot be read or has a bad
 * superblock is counted in g->missing with why. Returns 0, or -errno with
 * n->why set (two members that are one device).
 */
int md_gather_listed(struct run_ctx *c, struct plan_node *n, struct gather *g);

#endif
