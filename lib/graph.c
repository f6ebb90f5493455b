/* SPDX-License-Identifier: MIT */
/*
 * The plan as a dependency graph: ordering, levels and selections walk
 * the edges, forward (deps) or backward (needed_by), so a plan of
 * thousands of nodes costs O((N + E) log N), not N squared.
 */
#include "graph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The reverse edges: who needs node d, as first[d] .. first[d + 1] - 1 in
 * by[]. A node listing d twice is there twice (it waits for d once per
 * listing). Returns 0 or -ENOMEM.
 */
static int needed_by(const struct plan *p, unsigned int **first, unsigned int **by)
{
	unsigned int *f = calloc(p->count + 2, sizeof(*f)), *b, edges = 0;

	if (!f)
		return -ENOMEM;
	for (unsigned int i = 0; i < p->count; i++)
		for (unsigned int k = 0; k < p->nodes[i].ndeps; k++)
			if (p->nodes[i].deps[k] < p->count) {
				f[p->nodes[i].deps[k] + 2]++;
				edges++;
			}
	b = calloc(edges + 1, sizeof(*b));
	if (!b) {
		free(f);
		return -ENOMEM;
	}
	for (unsigned int d = 0; d < p->count; d++)
		f[d + 2] += f[d + 1];
	/* f[d + 1] is now where d's list starts; filling moves it to its end. */
	for (unsigned int i = 0; i < p->count; i++)
		for (unsigned int k = 0; k < p->nodes[i].ndeps; k++)
			if (p->nodes[i].deps[k] < p->count)
				b[f[p->nodes[i].deps[k] + 1]++] = i;
	*first = f;
	*by = b;
	return 0;
}

/* A min-heap of node indexes: the ready node first in file order on top. */
static void heap_push(unsigned int *h, unsigned int *n, unsigned int v)
{
	unsigned int k = (*n)++;

	for (; k && h[(k - 1) / 2] > v; k = (k - 1) / 2)
		h[k] = h[(k - 1) / 2];
	h[k] = v;
}

static unsigned int heap_pop(unsigned int *h, unsigned int *n)
{
	unsigned int top = h[0], v = h[--*n], k = 0;

	for (;;) {
		unsigned int c = 2 * k + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= v)
			break;
		h[k] = h[c];
		k = c;
	}
	h[k] = v;
	return top;
}

/*
 * Kahn's algorithm, always taking the first ready node in file order:
 * O((N + E) log N). A dep out of range never becomes ready.
 */
static int kahn(const struct plan *p, unsigned int *order, unsigned int *missing,
		bool *left, unsigned int *done)
{
	unsigned int *first, *by, *heap, nheap = 0;

	*done = 0;
	heap = calloc(p->count + 1, sizeof(*heap));
	if (!heap || needed_by(p, &first, &by) < 0) {
		free(heap);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < p->count; i++) {
		missing[i] = p->nodes[i].ndeps;
		left[i] = true;
		if (!missing[i])
			heap_push(heap, &nheap, i);
	}
	while (nheap) {
		unsigned int i = heap_pop(heap, &nheap);

		left[i] = false;
		order[(*done)++] = i;
		for (unsigned int k = first[i]; k < first[i + 1]; k++)
			if (--missing[by[k]] == 0)
				heap_push(heap, &nheap, by[k]);
	}
	free(heap);
	free(first);
	free(by);
	return 0;
}

/* The cycle report's search state, only once Kahn's leaves nodes over. */
static int report_cycle(const struct plan *p, const bool *left, struct plan_error *err)
{
	unsigned int *path = calloc(p->count + 1, sizeof(*path));
	unsigned int *next = calloc(p->count + 1, sizeof(*next));
	bool *seen = calloc(p->count + 1, sizeof(*seen));
	int r = -ENOMEM;

	if (path && next && seen) {
		cycle_report(p, left, path, next, seen, err);
		r = -ELOOP;
	}
	free(path);
	free(next);
	free(seen);
	return r;
}

int graph_order(const struct plan *p, unsigned int *order, struct plan_error *err)
{
	unsigned int *missing, done;
	bool *left;
	int r = -ENOMEM;

	missing = calloc(p->count + 1, sizeof(*missing));
	left = calloc(p->count + 1, sizeof(*left));
	/* A dep out of range never becomes ready: it ends up as a "cycle". */
	if (missing && left)
		r = kahn(p, order, missing, left, &done);
	if (r == 0 && done < p->count)
		r = report_cycle(p, left, err);
	free(missing);
	free(left);
	return r;
}

void graph_levels(const struct plan *p, unsigned int *level)
{
	unsigned int *order = calloc(p->count + 1, sizeof(*order));
	unsigned int *missing = calloc(p->count + 1, sizeof(*missing)), done = 0;
	bool *left = calloc(p->count + 1, sizeof(*left)), changed = true;

	memset(level, 0, p->count * sizeof(*level));
	/*
	 * Relax until nothing changes, in dependency order when it can be had:
	 * then one pass settles every level and a second sees no change. The
	 * pass cap keeps a cyclic plan (validation rejects those) from looping
	 * forever; without memory, file order, as nodes usually come after
	 * what they need.
	 */
	if (!order || !missing || !left || kahn(p, order, missing, left, &done) < 0)
		done = 0;
	for (unsigned int pass = 0; changed && pass <= p->count; pass++) {
		changed = false;
		for (unsigned int s = 0; s < p->count; s++) {
			unsigned int i = s < done ? order[s] : s;
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
	free(order);
	free(missing);
	free(left);
}

/*
 * Adds to want what its nodes need (up) or what needs them (down): a walk
 * from each wanted node along the edges, each node taken once.
 */
static int close_over(const struct plan *p, bool down, bool *want)
{
	unsigned int *stack = calloc(p->count + 1, sizeof(*stack)), top = 0;
	unsigned int *first = NULL, *by = NULL;

	if (!stack || (down && needed_by(p, &first, &by) < 0)) {
		free(stack);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < p->count; i++)
		if (want[i])
			stack[top++] = i;
	while (top) {
		unsigned int i = stack[--top];
		unsigned int k = down ? first[i] : 0;
		unsigned int end = down ? first[i + 1] : p->nodes[i].ndeps;

		for (; k < end; k++) {
			unsigned int d = down ? by[k] : p->nodes[i].deps[k];

			if (d < p->count && !want[d]) {
				want[d] = true;
				stack[top++] = d;
			}
		}
	}
	free(stack);
	free(first);
	free(by);
	return 0;
}

int graph_select(const struct plan *p, char *const *names, unsigned int count,
		 bool down, bool *want, struct plan_error *err)
{
	unsigned int i;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", p->file ? p->file : "");
	for (i = 0; i < count; i++) {
		if (plan_find(p, names[i]) >= 0)
			continue;
		snprintf(err->msg, sizeof(err->msg), "no node named '%s' in %s",
			 names[i], p->file ? p->file : "the plan");
		return -ENOENT;
	}
	for (i = 0; i < p->count; i++)
		want[i] = count == 0;
	for (i = 0; i < count; i++)
		want[plan_find(p, names[i])] = true;
	if (close_over(p, down, want) < 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
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
