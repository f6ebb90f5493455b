/* SPDX-License-Identifier: MIT */
/*
 * Gathering an md node's listed members. A member that cannot be used
 * (its node failed, it never appeared, it cannot be read, its superblock
 * is bad) is a missing member, named with the reason, and the node's
 * degraded policy decides; one device listed twice is refused.
 */
#include "md_gather.h"
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "m1: why, /dev/loop1: why": a member counted as missing. */
static void lost(struct gather *g, const char *value, const char *why)
{
	size_t len = strlen(g->missing);

	snprintf(g->missing + len, sizeof(g->missing) - len, "%s%s: %s", len ? ", " : "",
		 value, why);
}

/* The member listed before that is the same device, or -1. */
static int same_dev(const struct gather *g, const struct md_member *m)
{
	for (unsigned int i = 0; i < g->n; i++)
		if (g->m[i].major == m->major && g->m[i].minor == m->minor)
			return (int)i;
	return -1;
}

int md_take(struct gather *g, const char *path, bool need_sb, char *why, size_t size)
{
	struct md_member *m = &g->m[g->n];
	char sbwhy[200];
	int r;

	if (g->n == MD_MAX_MEMBERS)
		return 0;
	r = md_read_member(path, m, sbwhy, sizeof(sbwhy));
	if (r == -EINVAL)
		driver_say(why, size, "bad md superblock: %s", sbwhy);
	else if (r < 0 && r != -ENODATA)
		driver_say(why, size, "cannot read it: %s", strerror(-r));
	if (r < 0 && r != -ENODATA)
		return r;
	if ((need_sb && !m->has_sb) || same_dev(g, m) >= 0)
		return 0;
	g->value[g->n++] = NULL;
	return 1;
}

/*
 * Why a listed member has no device: its node failed (the executor let
 * this node run all the same, see may_fail_opt) or it never appeared.
 */
static const char *why_absent(struct run_ctx *c, const char *value)
{
	int i = plan_find(c->plan, value);

	if (i >= 0 && c->plan->nodes[i].state == NODE_FAILED)
		return c->plan->nodes[i].why[0] ? c->plan->nodes[i].why : "its node failed";
	return "did not appear";
}

/* One listed member that is there: kept, or counted missing when unusable. */
static int take_listed(struct plan_node *n, struct gather *g, const char *value,
		       const char *path)
{
	char why[256], dev[300], who[400];
	unsigned int k = g->n;
	int r = md_take(g, path, false, why, sizeof(why));

	if (r > 0) {
		g->value[k] = value;
		return 0;
	}
	probe_describe(path, dev, sizeof(dev));
	if (strcmp(value, path))
		snprintf(who, sizeof(who), "%s = %s", value, dev);
	else
		snprintf(who, sizeof(who), "%s", dev);
	if (r < 0) {
		/* Unusable is as good as missing: the degraded policy decides. */
		lost(g, who, why);
		return 0;
	}
	if (k < MD_MAX_MEMBERS && same_dev(g, &g->m[k]) >= 0) {
		driver_say(n->why, NODE_WHY_SIZE, "members %s and %s are the same device %s: "
			   "list each member once", g->value[same_dev(g, &g->m[k])] ?: "?",
			   value, path);
		return -EINVAL;
	}
	return 0;
}

int md_gather_listed(struct run_ctx *c, struct plan_node *n, struct gather *g)
{
	const struct plan_opt *o = plan_opt(n, "members");
	struct run_ctx wc = { .plan = c->plan, .deadline_ms = g->wait_until };
	char path[256];
	int r;

	for (unsigned int i = 0; i < o->nvalues; i++) {
		const char *v = o->values[i].text;

		r = driver_resolve(&wc, n, v, path, sizeof(path));
		if (r == -ETIMEDOUT || r == -ENODEV) {
			lost(g, v, why_absent(c, v));
			continue;
		}
		if (r == 0)
			r = take_listed(n, g, v, path);
		if (r < 0)
			return r;
	}
	n->why[0] = '\0';
	return 0;
}

