/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_GRAPH_H
#define BLKASM_GRAPH_H

#include <stdbool.h>
#include <stdio.h>

#include "plan.h"

/*
 * The plan as a dependency graph (node i needs nodes p->nodes[i].deps).
 */

/*
 * A topological order: every node after the nodes it needs, ties broken by
 * position in the file. Writes p->count indexes into order.
 * Returns 0, or -ELOOP with err naming the cycle ("a -> b -> c -> a") at the
 * position of its first node.
 */
int graph_order(const struct plan *p, unsigned int *order, struct plan_error *err);

/* The longest chain of dependencies below each node, 0 for a leaf. */
void graph_levels(const struct plan *p, unsigned int *level);

/*
 * want[i] for the named nodes and, for up, everything they need; for down,
 * everything that needs them. No names: every node.
 * Returns 0, -ENOENT with err naming the unknown node, or -ENOMEM.
 */
int graph_select(const struct plan *p, char *const *names, unsigned int count,
		 bool down, bool *want, struct plan_error *err);

/* Graphviz: one box per node labelled kind and name, an edge per dependency. */
void graph_dot(const struct plan *p, FILE *out);

#endif
