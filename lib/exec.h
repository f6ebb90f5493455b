/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_EXEC_H
#define BLKASM_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

/*
 * Runs a validated plan through its nodes' drivers (n->drv).
 *
 * Up: nodes in dependency order; a node starts once every node it needs is
 * up, so independent branches run side by side on up to `jobs` threads.
 * Each node is first offered to drv->adopt (already up: verified, not made
 * twice), else drv->up. One log line per node as it comes up. On the first
 * failure no new node starts; running ones finish; then every node this run
 * brought up (state NODE_UP) is taken down again, in the reverse order of
 * completion. Adopted nodes are left as they were.
 *
 * A failure that every node needing it tolerates (it is named in their
 * driver's may_fail_opt, and nowhere else in them) is not the run's: it is
 * logged, and those nodes run and decide (an array counts the node as a
 * missing member). It is the run's failure when nothing in the run needs
 * the node.
 *
 * Down: the wanted nodes in reverse dependency order (a node only after
 * every node that needs it is down), only those with n->created set (blkasm
 * made them); the others are left alone and reported.
 */
struct exec_opts {
	unsigned int jobs;	/* threads; 0 or 1: one at a time */
	uint64_t deadline_ms;	/* absolute; 0 for none */
	/* When set: the node whose failure ended exec_up, NULL when none did. */
	const struct plan_node **failed;
};

/* Returns 0, or the first node's -errno (its n->why says why). */
int exec_up(struct plan *p, const bool *want, const struct exec_opts *o);
/* Returns 0, or the first -errno; it goes on with the other nodes. */
int exec_down(struct plan *p, const bool *want, const struct exec_opts *o);

#endif
