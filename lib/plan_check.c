/* SPDX-License-Identifier: MIT */
/*
 * Plan validation: everything that can be known before a device is
 * touched. Nodes are checked in file order, and within a node its kind,
 * name, options (in order) and then what is missing, so the first error
 * reported is the first a reader meets. Then dependency edges, explicit
 * (references) and implicit (paths below a mount), and cycles.
 */
#include "plan_internal.h"
#include "devspec.h"
#include "driver.h"
#include "graph.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct driver_opt *driver_opt_find(const struct driver *drv, const char *key)
{
	for (const struct driver_opt *d = drv->opts; d->key; d++)
		if (!strcmp(d->key, key))
			return d;
	return NULL;
}

/* What a value of each type looks like, for messages. */
static const char *type_what(enum opt_type type)
{
	static const char *const what[] = {
		[OPT_STRING] = "text", [OPT_PATH] = "an absolute path",
		[OPT_SIZE] = "a size in bytes: 4096, 64K, 1G",
		[OPT_BOOL] = "yes or no", [OPT_UINT] = "a whole number",
		[OPT_FSTYPE] = "a filesystem type",
		[OPT_DEVICE] = "a node name or a device",
		[OPT_NODES] = "node names",
	};

	return type < sizeof(what) / sizeof(what[0]) && what[type] ? what[type] : "a value";
}

/* OPT_DEVICE: a node that provides a device, or a devspec. */
static int check_device(struct plan *p, const struct driver_opt *d,
			const struct plan_value *v, struct plan_error *err)
{
	int j = plan_find(p, v->text);
	const struct driver *drv;
	struct devspec ds;
	const char *why = "";

	if (j >= 0) {
		drv = driver_find(p->kinds, p->nodes[j].kind);
		if (drv && !drv->provides_device)
			return plan_fail(err, p, v->pos,
					 "node '%s' is a %s node, which provides no device "
					 "(option '%s' wants a block device)", v->text,
					 drv->kind, d->key);
		return 0;
	}
	if (devspec_parse(v->text, &ds, &why) == 0)
		return 0;
	if (!strncmp(why, "/dev/NAME", 9))
		return plan_fail(err, p, v->pos,
				 "no node named '%.100s', and not a device (expected a "
				 "node name, %s)", v->text, why);
	return plan_fail(err, p, v->pos, "bad device '%.100s' for option '%s' (expected %s)",
			 v->text, d->key, why);
}

static int check_path(struct plan *p, const struct driver_opt *d,
		      const struct plan_value *v, struct plan_error *err)
{
	const char *why = plan_path_why(v->text);

	if (!why)
		return 0;
	return plan_fail(err, p, v->pos, "bad path '%.100s' for option '%s' (%s)",
			 v->text, d->key, why);
}

static int check_size(struct plan *p, const struct driver_opt *d,
		      const struct plan_value *v, struct plan_error *err)
{
	uint64_t bytes;
	int r = plan_parse_size(v->text, &bytes);

	if (r == -ERANGE)
		return plan_fail(err, p, v->pos,
				 "size '%.100s' for option '%s' is too large (at most "
				 "2^64 - 1 bytes)", v->text, d->key);
	if (r < 0)
		return plan_fail(err, p, v->pos,
				 "bad size '%.100s' for option '%s' (expected bytes, with "
				 "an optional K, M, G or T suffix for powers of 1024: "
				 "4096, 64K, 1G)", v->text, d->key);
	return 0;
}

/* The checks of one value by type; references come back as edges later. */
static int check_typed(struct plan *p, const struct driver_opt *d,
		       const struct plan_value *v, struct plan_error *err)
{
	unsigned int u;
	bool b;

	switch (d->type) {
	case OPT_STRING:
		return 0;
	case OPT_PATH:
		return check_path(p, d, v, err);
	case OPT_SIZE:
		return check_size(p, d, v, err);
	case OPT_BOOL:
		if (plan_parse_bool(v->text, &b) == 0)
			return 0;
		return plan_fail(err, p, v->pos,
				 "bad value '%.100s' for option '%s' (expected yes or no, "
				 "true or false, on or off, 1 or 0)", v->text, d->key);
	case OPT_UINT:
		if (plan_parse_uint(v->text, &u) == 0)
			return 0;
		return plan_fail(err, p, v->pos,
				 "bad number '%.100s' for option '%s' (expected a whole "
				 "number from 0 to %u)", v->text, d->key, UINT_MAX);
	case OPT_FSTYPE:
		if (plan_fstype_ok(v->text))
			return 0;
		return plan_fail(err, p, v->pos,
				 "bad filesystem type '%.100s' for option '%s' (expected "
				 "lowercase letters, digits, '_', '.' or '-'; several "
				 "separated by ',')", v->text, d->key);
	case OPT_DEVICE:
		return check_device(p, d, v, err);
	case OPT_NODES:
		if (plan_find(p, v->text) >= 0)
			return 0;
		return plan_fail(err, p, v->pos,
				 "no node named '%.100s' (option '%s' wants node names)",
				 v->text, d->key);
	}
	return 0;
}

static int check_value(struct plan *p, unsigned int i, const struct driver_opt *d,
		       const struct plan_value *v, struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i];

	if (!v->text[0])
		return plan_fail(err, p, v->pos, "empty value for option '%s' (expected %s)",
				 d->key, type_what(d->type));
	/* The lexer lets none through; values set in code may have them. */
	for (const char *c = v->text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return plan_fail(err, p, v->pos,
					 "bad character 0x%02x in option '%s' (expected "
					 "printable text)", (unsigned char)*c, d->key);
	if ((d->type == OPT_DEVICE || d->type == OPT_NODES) && !strcmp(v->text, n->name))
		return plan_fail(err, p, v->pos, "%s node '%s' refers to itself in option '%s'",
				 n->kind, n->name, d->key);
	return check_typed(p, d, v, err);
}

static int add_dep(struct plan_node *n, unsigned int d)
{
	unsigned int *deps;

	for (unsigned int k = 0; k < n->ndeps; k++)
		if (n->deps[k] == d)
			return 0;
	deps = realloc(n->deps, (n->ndeps + 1) * sizeof(*deps));
	if (!deps)
		return -ENOMEM;
	deps[n->ndeps++] = d;
	n->deps = deps;
	return 0;
}

/* Whether path is target or below it. */
bool plan_path_under(const char *path, const char *target)
{
	size_t len = strlen(target);

	if (len == 1 && target[0] == '/')
		return path[0] == '/';
	return !strncmp(path, target, len) && (path[len] == '\0' || path[len] == '/');
}

/* The mount point node m provides, or NULL (its kind declares the option). */
static const char *mount_point(const struct plan *p, unsigned int m)
{
	const struct driver *drv = driver_find(p->kinds, p->nodes[m].kind);

	return drv && drv->mount_point_opt ? plan_str(&p->nodes[m], drv->mount_point_opt)
					   : NULL;
}

/*
 * The nodes whose kind provides a mount point, for plan_mount_holding
 * while validation runs: a plan of many nodes has few mounts, and each
 * path of each node is looked up among them. Returns 0 or -ENOMEM.
 */
static int mounts_gather(struct plan *p)
{
	p->mounts = calloc(p->count + 1, sizeof(*p->mounts));
	p->providers = calloc(p->count + 1, sizeof(*p->providers));
	if (!p->mounts || !p->providers)
		return -ENOMEM;
	p->nmounts = 0;
	p->nproviders = 0;
	for (unsigned int m = 0; m < p->count; m++) {
		const struct driver *drv = driver_find(p->kinds, p->nodes[m].kind);

		if (drv && drv->mount_point_opt)
			p->mounts[p->nmounts++] = m;
		if (drv && drv->provides_path)
			p->providers[p->nproviders++] = m;
	}
	return 0;
}

static void mounts_forget(struct plan *p)
{
	free(p->mounts);
	p->mounts = NULL;
	p->nmounts = 0;
	free(p->providers);
	p->providers = NULL;
	p->nproviders = 0;
}

int plan_mount_holding(const struct plan *p, unsigned int i, const char *path)
{
	unsigned int count = p->mounts ? p->nmounts : p->count;
	size_t best_len = 0;
	int best = -1;

	for (unsigned int k = 0; k < count; k++) {
		unsigned int m = p->mounts ? p->mounts[k] : k;
		const char *t = m == i ? NULL : mount_point(p, m);

		if (!t || t[0] != '/')
			continue;
		if (plan_path_under(path, t) && (best < 0 || strlen(t) > best_len)) {
			best = (int)m;
			best_len = strlen(t);
		}
	}
	return best;
}

/* The node (not i) that provides the device at path, or -1. */
static int path_provider(const struct plan *p, unsigned int i, const char *path)
{
	if (strncmp(path, "/dev/", 5))
		return -1;
	for (unsigned int k = 0; k < p->nproviders; k++) {
		unsigned int j = p->providers[k];
		const struct driver *drv = driver_find(p->kinds, p->nodes[j].kind);

		if (j != i && drv->provides_path(&p->nodes[j], path))
			return (int)j;
	}
	return -1;
}

/*
 * Edges of a checked node: the nodes it names, the devices other nodes
 * will be (by path), the mounts its paths need.
 */
static int node_deps(struct plan *p, unsigned int i)
{
	struct plan_node *n = &p->nodes[i];
	int r = 0;

	for (unsigned int k = 0; k < n->nopts && r == 0; k++) {
		const struct plan_opt *o = &n->opts[k];
		const struct driver_opt *d = driver_opt_find(n->drv, o->key);

		for (unsigned int v = 0; v < o->nvalues && r == 0; v++) {
			int j = -1;

			if (d->type == OPT_DEVICE || d->type == OPT_NODES)
				j = plan_find(p, o->values[v].text);
			if (d->type == OPT_DEVICE && j < 0 && p->providers)
				j = path_provider(p, i, o->values[v].text);
			else if (d->type == OPT_PATH)
				j = plan_mount_holding(p, i, o->values[v].text);
			if (j >= 0 && (unsigned int)j != i)
				r = add_dep(n, (unsigned int)j);
		}
	}
	return r;
}

static int check_cycles(struct plan *p, struct plan_error *err)
{
	unsigned int *order = calloc(p->count + 1, sizeof(*order));
	int r;

	if (!order)
		return -ENOMEM;
	r = graph_order(p, order, err);
	free(order);
	return r == -ELOOP ? -EINVAL : r;
}

static int check_kind(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	char known[256];
	size_t used = 0;

	n->drv = driver_find(p->kinds, n->kind);
	if (n->drv)
		return 0;
	known[0] = '\0';
	for (unsigned int i = 0; p->kinds && p->kinds[i] && used < sizeof(known); i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
					 i ? ", " : "", p->kinds[i]->kind);
	return plan_fail(err, p, n->pos, "unknown node kind '%.64s' (expected one of: %s)",
			 n->kind, known);
}

static int check_name(struct plan *p, unsigned int i, struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i];
	size_t len = strlen(n->name);
	int j;

	if (len > PLAN_MAX_NAME)
		return plan_fail(err, p, n->name_pos,
				 "node name '%.100s' is too long (%zu bytes, at most %u)",
				 n->name, len, PLAN_MAX_NAME);
	if (!plan_name_ok(n->name))
		return plan_fail(err, p, n->name_pos,
				 "bad node name '%s' (expected a letter or digit, then "
				 "letters, digits, '_', '.' or '-')", n->name);
	/* plan_find gives the first node of a name: another is a duplicate. */
	j = plan_find(p, n->name);
	if (j >= 0 && (unsigned int)j < i)
		return plan_fail(err, p, n->name_pos,
				 "duplicate node name '%s' (first at %u:%u)", n->name,
				 p->nodes[j].name_pos.line, p->nodes[j].name_pos.col);
	return 0;
}

static int unknown_option(struct plan *p, const struct plan_node *n,
			  const struct plan_opt *o, struct plan_error *err)
{
	char known[384];
	size_t used = 0;

	known[0] = '\0';
	for (const struct driver_opt *d = n->drv->opts; d->key && used < sizeof(known); d++)
		used += (size_t)snprintf(known + used, sizeof(known) - used, "%s%s",
					 d == n->drv->opts ? "" : ", ", d->key);
	return plan_fail(err, p, o->pos,
			 "unknown option '%.64s' for %s node '%s' (expected one of: %s)",
			 o->key, n->kind, n->name, known);
}

/* Key known, given once, with as many values as its driver_opt says. */
static int check_shape(struct plan *p, const struct plan_node *n, unsigned int k,
		       const struct driver_opt *d, struct plan_error *err)
{
	const struct plan_opt *o = &n->opts[k];

	if (!d)
		return unknown_option(p, n, o, err);
	for (unsigned int j = 0; j < k; j++)
		if (!strcmp(n->opts[j].key, o->key))
			return plan_fail(err, p, o->pos,
					 "option '%s' given twice in %s node '%s' (first at "
					 "%u:%u)", o->key, n->kind, n->name,
					 n->opts[j].pos.line, n->opts[j].pos.col);
	if (o->nvalues == 0)
		return plan_fail(err, p, o->pos, "option '%s' of %s node '%s' needs %s (%s)",
				 o->key, n->kind, n->name,
				 d->list ? "one or more values" : "a value", type_what(d->type));
	if (!d->list && o->nvalues > 1)
		return plan_fail(err, p, o->values[1].pos,
				 "option '%s' of %s node '%s' takes one value, got %u",
				 o->key, n->kind, n->name, o->nvalues);
	return 0;
}

static int check_options(struct plan *p, unsigned int i, struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i];
	int r;

	for (unsigned int k = 0; k < n->nopts; k++) {
		const struct driver_opt *d = driver_opt_find(n->drv, n->opts[k].key);

		r = check_shape(p, n, k, d, err);
		for (unsigned int v = 0; r == 0 && v < n->opts[k].nvalues; v++)
			r = check_value(p, i, d, &n->opts[k].values[v], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_required(struct plan *p, const struct plan_node *n,
			  struct plan_error *err)
{
	for (const struct driver_opt *d = n->drv->opts; d->key; d++)
		if (d->required && !plan_opt(n, d->key))
			return plan_fail(err, p, n->name_pos,
					 "%s node '%s' needs option '%s': %s", n->kind,
					 n->name, d->key, d->what);
	return 0;
}

static int check_node(struct plan *p, unsigned int i, struct claim_index *claims,
		      struct plan_error *err)
{
	struct plan_node *n = &p->nodes[i];
	int r;

	r = check_kind(p, n, err);
	if (r == 0)
		r = check_name(p, i, err);
	if (r == 0)
		r = check_options(p, i, err);
	if (r == 0)
		r = check_required(p, n, err);
	if (r == 0)
		r = node_deps(p, i);
	if (r == 0 && n->drv->validate) {
		/* Drivers fill err->file themselves; give them a blank page. */
		memset(err, 0, sizeof(*err));
		r = n->drv->validate(p, n, err);
	}
	if (r == 0)
		r = plan_claims_check(p, i, claims, err);
	return r;
}

/* Forgets what an earlier validation filled in. */
static void reset(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++)
		plan_node_clear(&p->nodes[i]);
}

int plan_validate(struct plan *p, struct plan_error *err)
{
	struct claim_index claims = { .refs = NULL };
	int r = 0;

	reset(p);
	r = mounts_gather(p);
	for (unsigned int i = 0; i < p->count && r == 0; i++)
		r = check_node(p, i, &claims, err);
	plan_claims_done(&claims);
	mounts_forget(p);
	if (r == 0)
		r = check_cycles(p, err);
	if (r == -ENOMEM)
		plan_fail(err, p, (struct plan_pos){ 0, 0 }, "out of memory");
	return r;
}
