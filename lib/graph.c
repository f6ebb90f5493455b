/* SPDX-License-Identifier: MIT */
/*
 * The plan as a dependency graph. Plans are tens of nodes, so the scans
 * here are quadratic where that keeps them short; none of them allocates
 * more than a few arrays of p->count.
 */
#include "graph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How many times node i lists node d (a reference may repeat an "after"). */
static unsigned int edges_to(const struct plan_node *n, unsigned int d)
{
	unsigned int k = 0;

	for (unsigned int j = 0; j < n->ndeps; j++)
		k += n->deps[j] == d;
	return k;
}

/*
 * Depth-first search from start along deps, among nodes still in the graph
 * (left[]), for a path back to start. path[] receives it; returns its length
 * (nodes, start first), 0 when start is on no cycle.
 */
static unsigned int cycle_from(const struct plan *p, unsigned int start,
			       const bool *left, unsigned int *path,
			       unsigned int *next, bool *seen)
{
	unsigned int depth = 1;

	memset(seen, 0, p->count * sizeof(*seen));
	path[0] = start;
	next[0] = 0;
	while (depth) {
		const struct plan_node *n = &p->nodes[path[depth - 1]];
		unsigned int d;

		if (next[depth - 1] >= n->ndeps) {
			depth--;
			continue;
		}
		d = n->deps[next[depth - 1]++];
		if (d == start)
			return depth;
		if (d >= p->count || !left[d] || seen[d])
			continue;
		seen[d] = true;
		path[depth] = d;
		next[depth++] = 0;
	}
	return 0;
}

/*
 * Names the cycle through the first node, in file order, that lies on one:
 * "dependency cycle: a -> b -> a", following what each node needs.
 */
static void cycle_report(const struct plan *p, const bool *left,
			 unsigned int *path, unsigned int *next, bool *seen,
			 struct plan_error *err)
{
	unsigned int len = 0, i, k, used;

	for (i = 0; i < p->count && !len; i++)
		if (left[i])
			len = cycle_from(p, i, left, path, next, seen);
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", p->file ? p->file : "");
	if (!len) {	/* cannot happen: Kahn's leftovers always hold a cycle */
		snprintf(err->msg, sizeof(err->msg), "dependency cycle");
		return;
	}
	err->pos = p->nodes[path[0]].name_pos;
	used = (unsigned int)snprintf(err->msg, sizeof(err->msg), "dependency cycle:");
	for (k = 0; k <= len && used < sizeof(err->msg); k++)
		used += (unsigned int)snprintf(err->msg + used, sizeof(err->msg) - used,
					       "%s %s", k ? " ->" : "",
					       p->nodes[path[k % len]].name);
}

/* Kahn's algorithm, always taking the first ready node in file order. */
static unsigned int kahn(const struct plan *p, unsigned int *order,
			 unsigned int *missing, bool *left)
{
	unsigned int done = 0, i, j;

	for (i = 0; i < p->count; i++) {
		missing[i] = p->nodes[i].ndeps;
		left[i] = true;
	}
	while (done < p->count) {
		for (i = 0; i < p->count && (!left[i] || missing[i]); i++)
			;
		if (i == p->count)
			break;
		left[i] = false;
		order[done++] = i;
		for (j = 0; j < p->count; j++)
			missing[j] -= edges_to(&p->nodes[j], i);
	}
	return done;
}

int graph_order(const struct plan *p, unsigned int *order, struct plan_error *err)
{
	unsigned int *missing, *path, *next;
	bool *left, *seen;
	int r = 0;

	missing = calloc(p->count + 1, sizeof(*missing));
	path = calloc(p->count + 1, sizeof(*path));
	next = calloc(p->count + 1, sizeof(*next));
	left = calloc(p->count + 1, sizeof(*left));
	seen = calloc(p->count + 1, sizeof(*seen));
	if (!missing || !path || !next || !left || !seen) {
		r = -ENOMEM;
		goto out_free;
	}
	/* A dep out of range never becomes ready: it ends up as a "cycle". */
	if (kahn(p, order, missing, left) < p->count) {
		cycle_report(p, left, path, next, seen, err);
		r = -ELOOP;
	}
out_free:
	free(missing);
	free(path);
	free(next);
	free(left);
	free(seen);
	return r;
}

void graph_levels(const struct plan *p, unsigned int *level)
{
	bool changed = true;

	memset(level, 0, p->count * sizeof(*level));
	/*
	 * Relax until nothing changes. Nodes usually come after what they
	 * need in the file, so this ends after two passes; the pass cap keeps
	 * a cyclic plan (validation rejects those) from looping forever.
	 */
	for (unsigned int pass = 0; changed && pass <= p->count; pass++) {
		changed = false;
		for (unsigned int i = 0; i < p->count; i++) {
			const struct plan_node *n = &p->nodes[i];

			for (unsigned int k = 0; k < n->ndeps; k++) {
				unsigned int d = n->deps[k];

				if (d < p->count && level[d] + 1 > level[i]) {
					level[i] = level[d] + 1;
					changed = true;
				}
			}
		}
	}
}

static int graph_find(const struct plan *p, const char *name)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (!strcmp(p->nodes[i].name, name))
			return (int)i;
	return -ENOENT;
}

/* Adds to want what its nodes need (up) or what needs them (down). */
static void close_over(const struct plan *p, bool down, bool *want)
{
	bool changed = true;

	/* Each pass adds at least one node, so at most count passes. */
	while (changed) {
		changed = false;
		for (unsigned int i = 0; i < p->count; i++) {
			const struct plan_node *n = &p->nodes[i];

			for (unsigned int k = 0; k < n->ndeps; k++) {
				unsigned int d = n->deps[k];
				bool *from = down ? &want[d] : &want[i];
				bool *to = down ? &want[i] : &want[d];

				if (d < p->count && *from && !*to) {
					*to = true;
					changed = true;
				}
			}
		}
	}
}

int graph_select(const struct plan *p, char *const *names, unsigned int count,
		 bool down, bool *want, struct plan_error *err)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (graph_find(p, names[i]) >= 0)
			continue;
		memset(err, 0, sizeof(*err));
		snprintf(err->file, sizeof(err->file), "%s", p->file ? p->file : "");
		snprintf(err->msg, sizeof(err->msg), "no node named '%s' in %s",
			 names[i], p->file ? p->file : "the plan");
		return -ENOENT;
	}
	for (i = 0; i < p->count; i++)
		want[i] = count == 0;
	for (i = 0; i < count; i++)
		want[graph_find(p, names[i])] = true;
	close_over(p, down, want);
	return 0;
}

/* A DOT double-quoted string: only '"' and '\' need escaping. */
static void dot_quoted(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static bool named_before(const struct plan_node *n, unsigned int k)
{
	for (unsigned int j = 0; j < k; j++)
		if (n->deps[j] == n->deps[k])
			return true;
	return false;
}

void graph_dot(const struct plan *p, FILE *out)
{
	unsigned int i, k;

	fputs("digraph blkasm {\n", out);
	fputs("\t// an edge goes from a node to a node it needs\n", out);
	fputs("\tnode [shape=box];\n", out);
	for (i = 0; i < p->count; i++) {
		fputs("\t\"", out);
		dot_quoted(out, p->nodes[i].name);
		fputs("\" [label=\"", out);
		dot_quoted(out, p->nodes[i].kind);
		fputs("\\n", out);
		dot_quoted(out, p->nodes[i].name);
		fputs("\"];\n", out);
	}
	for (i = 0; i < p->count; i++) {
		const struct plan_node *n = &p->nodes[i];

		for (k = 0; k < n->ndeps; k++) {
			unsigned int d = n->deps[k];

			/* One edge per pair, however often the node names it. */
			if (d >= p->count || named_before(n, k))
				continue;
			fputs("\t\"", out);
			dot_quoted(out, n->name);
			fputs("\" -> \"", out);
			dot_quoted(out, p->nodes[d].name);
			fputs("\";\n", out);
		}
	}
	fputs("}\n", out);
}
