/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_VERITY_NODE_H
#define BLKASM_VERITY_NODE_H

/*
 * The verity node kind (drivers/dm/verity.c: options, adopting, down,
 * status; verity_up.c: the superblock, the table, up). Its device-mapper
 * name is the plan's name, or "blkasm-" and the node's; its DM UUID is
 * "BLKASM-verity-" and that name, so dm_remove_once refuses any device
 * blkasm did not make (one `veritysetup open` made, for instance).
 */

#include "dm.h"
#include "driver.h"
#include "verity_sb.h"

#include <sys/types.h>

struct verity_conf {
	char dm_name[DM_NAME_MAX];
	char dm_uuid[DM_UUID_MAX];
	char root[2 * VERITY_DIGEST_MAX + 1];	/* lower-case hex */
	enum verity_policy policy;
	uint64_t hash_offset;
	bool own_hash;		/* the tree is on the device hash names (else on data's) */
};

/* What the plan's node wants the kernel to run, from its devices' superblock. */
struct verity_want {
	struct verity_sb sb;
	dev_t ddev, hdev;
	uint64_t sectors, hash_start;
	struct dm_target t;	/* the table with the plan's corruption policy */
	char data[256], hash[256];
	/* For messages: "/dev/loop0 (file /host/images/root.img)". */
	char data_desc[320], hash_desc[320];
};

/*
 * Resolves the node's devices, reads and checks the superblock, the root
 * hash's length and the fit, and builds the table. 0, or -errno with
 * n->why set.
 */
int verity_want(struct run_ctx *c, struct plan_node *n, struct verity_want *w);

/* up(): activates w, checks the root hash by a read, then sets the policy. */
int verity_up(struct run_ctx *c, struct plan_node *n);

/*
 * n->device and n->summary of the device up as dm_name, from its status
 * line; "verified", "corrupted" or "unknown" into state.
 */
void verity_describe(struct plan_node *n, const char *dm_name, char *state, size_t size);

#endif
