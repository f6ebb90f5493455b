/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_STATE_H
#define BLKASM_STATE_H

#include <stdbool.h>

#include "plan.h"

/*
 * What blkasm set up, kept in $BLKASM_RUN_DIR (default /run/blkasm) as
 * "state": one line per node that is up, "node NAME KIND created|adopted
 * DEVICE". `down` tears down only nodes recorded as created; a later `up`
 * that adopts a node keeps its "created" mark.
 */
const char *state_dir(void);

/*
 * Marks the plan's nodes from the record (name and kind must match):
 * n->created, n->device, and recorded[i] (room for p->count) when the
 * record has node i. A missing record (or a file where its folder would
 * be) is no error. Returns 0 or -errno; a FIFO or other non-regular file
 * in its place is refused (-ESPIPE), never waited on.
 */
int state_load(struct plan *p, bool *recorded);

/*
 * Records the nodes that are up or adopted now, and those recorded before
 * (recorded may be NULL) that this run did not take down.
 * Returns 0 or -errno.
 */
int state_save(const struct plan *p, const bool *recorded);

#endif
