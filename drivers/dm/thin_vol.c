/* SPDX-License-Identifier: MIT */
/*
 * Kind "thin": a thin volume of a thin-pool node, made (create_thin or
 * create_snap) when the plan says so and activated with its size.
 *
 * Provisioning is guarded by the pool's transaction id, as lvm2 does:
 * read T, send the create message, then set_transaction_id T T+1. A run
 * cut short after the create finds the id taken (EEXIST) and goes on; one
 * cut short before it creates it again. Either way running again is safe.
 */
#include "thin_node.h"
#include "holders.h"
#include "log.h"
#include "modules.h"
#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct driver_opt thin_opts[] = {
	{ "pool", OPT_NODES, true, false, "the thin-pool node" },
	{ "id", OPT_UINT, true, false, "the thin device id in the pool (0 to 16777215)" },
	{ "size", OPT_SIZE, true, false, "the volume's size" },
	{ "name", OPT_STRING, false, false, "device-mapper name after blkasm- (default: the node's)" },
	{ "create", OPT_BOOL, false, false, "create the thin device when the pool lacks it" },
	{ "snapshot-of", OPT_NODES, false, false, "create it as a snapshot of this thin node" },
	{ "read-only", OPT_BOOL, false, false, "activate it read-only" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

/* The node an OPT_NODES option names, of the wanted kind. */
static int node_of_kind(struct plan *p, struct plan_node *n, const char *key,
			const char *kind, struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, key);
	int i = plan_find(p, o->values[0].text);

	if (i < 0 || strcmp(p->nodes[i].kind, kind))
		return driver_bad(p, err, o, "%s of thin node '%s' must name a %s node", key, n->name,
			   kind);
	return i;
}

/* Its device-mapper name and its id in the pool. */
static int thin_claims(struct plan *p, struct plan_node *n, const struct thin_conf *tc)
{
	const struct plan_opt *o = plan_opt(n, "name"), *pool = plan_opt(n, "pool");
	struct claim_spec s = { .space = "device-mapper name", .key = tc->dm_name,
				.pos = o ? o->values[0].pos : n->name_pos };
	char key[80];
	int r = driver_claim(p, n, &s, "takes the device-mapper name %s", tc->dm_name);

	snprintf(key, sizeof(key), "%s %u", pool->values[0].text, tc->id);
	s = (struct claim_spec){ .space = "thin id", .key = key,
				 .pos = plan_opt(n, "id")->values[0].pos };
	return r ? r : driver_claim(p, n, &s, "takes thin id %u of pool %s", tc->id,
				    pool->values[0].text);
}

static int thin_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	struct thin_conf *tc = calloc(1, sizeof(*tc));
	const struct plan_opt *o;
	unsigned long long id;
	int i;

	if (!tc)
		return -ENOMEM;
	n->conf = tc;
	tc->origin = -1;
	if (!thin_dm_name(n, tc->dm_name, sizeof(tc->dm_name)))
		return driver_bad(p, err, plan_opt(n, "name") ?: plan_opt(n, "pool"), "thin node '%s': "
			   "'%s' is not a device-mapper name", n->name, tc->dm_name);
	i = node_of_kind(p, n, "pool", "thin-pool", err);
	if (i < 0)
		return i;
	tc->pool = (unsigned int)i;
	o = plan_opt(n, "id");
	id = strtoull(o->values[0].text, NULL, 10);
	/* OPT_UINT let through only 0 to UINT_MAX, leading zeros included. */
	if (id > THIN_DEV_ID_MAX)
		return driver_bad(p, err, o, "id of thin node '%s' must be 0 to %u", n->name,
			   THIN_DEV_ID_MAX);
	tc->id = (uint32_t)id;
	o = plan_opt(n, "size");
	tc->sectors = driver_size(n, "size", 0) / 512;
	if (!tc->sectors || driver_size(n, "size", 0) % 512)
		return driver_bad(p, err, o, "size of thin node '%s' must be a non-zero multiple of 512",
			   n->name);
	if (plan_opt(n, "snapshot-of")) {
		i = node_of_kind(p, n, "snapshot-of", "thin", err);
		if (i < 0)
			return i;
		const struct plan_opt *op = plan_opt(&p->nodes[i], "pool");

		if (!op || strcmp(op->values[0].text, plan_opt(n, "pool")->values[0].text))
			return driver_bad(p, err, plan_opt(n, "snapshot-of"), "snapshot-of of thin node "
				   "'%s' must name a thin node of the same pool", n->name);
		tc->origin = i;
	}
	tc->create = driver_bool(n, "create", false) || tc->origin >= 0;
	tc->read_only = driver_bool(n, "read-only", false);
	snprintf(tc->dm_uuid, sizeof(tc->dm_uuid), DM_UUID_PREFIX "thin-%s-%u",
		 plan_opt(n, "pool")->values[0].text, tc->id);
	return thin_claims(p, n, tc);
}

static void thin_free_conf(struct plan_node *n)
{
	free(n->conf);
	n->conf = NULL;
}

static const struct thin_pool_conf *pool_conf(struct run_ctx *c, const struct thin_conf *tc)
{
	return c->plan->nodes[tc->pool].conf;
}

static int send_create(struct run_ctx *c, struct plan_node *n, const char *pool)
{
	const struct thin_conf *tc = n->conf;
	char msg[96];

	if (tc->origin < 0) {
		thin_msg_create_thin(msg, sizeof(msg), tc->id);
		return dm_message(pool, 0, msg);
	}
	const struct thin_conf *oc = c->plan->nodes[tc->origin].conf;
	char why[200];
	int r = thin_create_snap(pool, tc->id, oc->dm_name, oc->id, why, sizeof(why));

	/* EEXIST is no failure (made before): the caller says so. */
	if (r < 0 && r != -EEXIST)
		driver_say(n->why, NODE_WHY_SIZE, "%s", why);
	return r;
}

/*
 * Thin nodes of one pool come up on parallel threads: one provisioning
 * sequence (read T, create, T -> T+1) at a time, or two would read the
 * same T and the second set_transaction_id would fail.
 */
static pthread_mutex_t provision_lock = PTHREAD_MUTEX_INITIALIZER;

static int provision_locked(struct run_ctx *c, struct plan_node *n);

static int provision(struct run_ctx *c, struct plan_node *n)
{
	int r;

	pthread_mutex_lock(&provision_lock);
	r = provision_locked(c, n);
	pthread_mutex_unlock(&provision_lock);
	return r;
}

static int provision_locked(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_conf *tc = n->conf;
	const char *pool = pool_conf(c, tc)->dm_name;
	struct thin_pool_status st;
	char why[200], msg[96];
	int r = thin_pool_read(pool, &st, why, sizeof(why));

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s", why);
		return r;
	}
	r = send_create(c, n, pool);
	if (r == -EEXIST)
		return 0;	/* made before, by us or another run */
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "pool %s refused to create thin id %u: %s",
			   pool, tc->id, strerror(-r));
		return r;
	}
	thin_msg_set_transaction_id(msg, sizeof(msg), st.transaction_id, st.transaction_id + 1);
	if (dm_message(pool, 0, msg) < 0)
		log_warn("%s: thin id %u created, but the pool's transaction id moved on from "
			 "%llu meanwhile", n->name, tc->id, (unsigned long long)st.transaction_id);
	log_info("%s: created thin id %u%s in pool %s (transaction %llu)", n->name, tc->id,
		 tc->origin >= 0 ? " as a snapshot" : "", pool,
		 (unsigned long long)st.transaction_id + 1);
	return 0;
}

static void describe(struct plan_node *n, const struct thin_conf *tc)
{
	struct dm_target t;
	struct thin_status ts = { 0 };
	char why[160];

	driver_say(n->device, NODE_DEVICE_SIZE, "/dev/mapper/%s", tc->dm_name);
	if (dm_status(tc->dm_name, false, &t, 1) == 1)
		thin_status_parse(t.params, &ts, why, sizeof(why));
	driver_say(n->summary, NODE_SUMMARY_SIZE, "/dev/mapper/%s thin id %u, %llu MiB, "
		   "%llu MiB mapped%s", tc->dm_name, tc->id,
		   (unsigned long long)tc->sectors / 2048,
		   (unsigned long long)ts.mapped_sectors / 2048, ts.fail ? ", FAILED" : "");
}

static int activate(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_conf *tc = n->conf;
	const struct plan_node *pn = &c->plan->nodes[tc->pool];
	struct dm_target t = { .start = 0, .length = tc->sectors };
	struct dm_info info;
	struct stat st;
	int r = sys_stat(pn->device, &st);

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "pool device %s: %s", pn->device, strerror(-r));
		return r;
	}
	snprintf(t.type, sizeof(t.type), "thin");
	thin_table(t.params, sizeof(t.params), st.st_rdev, tc->id);
	r = dm_create(tc->dm_name, tc->dm_uuid, &info);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot create device-mapper device %s: %s%s",
			   tc->dm_name, strerror(-r), r == -EEXIST ? " (the name is taken)" : "");
		return r;
	}
	r = dm_load(tc->dm_name, &t, 1, tc->read_only);
	if (r == 0)
		r = dm_resume(tc->dm_name);
	if (r == 0)
		r = dm_make_node(tc->dm_name, info.dev);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "the kernel refused thin id %u of pool %s: %s%s",
			   tc->id, pn->name, strerror(-r), tc->create ? "" :
			   " (does the pool have it? create yes makes it)");
		thin_remove(c, n, tc->dm_name);
	}
	return r;
}

static int thin_up(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_conf *tc = n->conf;
	int r = mod_need("dm_thin_pool");

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the dm_thin_pool module: %s",
			   strerror(-r));
		return r;
	}
	if (tc->create && (r = provision(c, n)) < 0)
		return r;
	r = activate(c, n);
	if (r == 0)
		describe(n, tc);
	return r;
}

static int thin_adopt(struct run_ctx *c, struct plan_node *n)
{
	int r;

	(void)c;
	r = thin_adopt_uuid(n, ((const struct thin_conf *)n->conf)->dm_uuid);
	if (r == 1)
		describe(n, n->conf);
	return r;
}

static int thin_down(struct run_ctx *c, struct plan_node *n)
{
	return thin_remove(c, n, ((const struct thin_conf *)n->conf)->dm_name);
}

static int thin_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const struct thin_conf *tc = n->conf;
	struct dm_info info;
	char node[160];

	(void)c;
	memset(st, 0, sizeof(*st));
	if (dm_find_uuid(tc->dm_uuid, &info) <= 0)
		return 0;
	st->present = info.live_table;
	describe(n, tc);
	snprintf(st->detail, sizeof(st->detail), "%s", n->summary);
	snprintf(node, sizeof(node), "/dev/mapper/%s", tc->dm_name);
	holders_describe(node, st->holders, sizeof(st->holders));
	return 0;
}

const struct driver thin_driver = {
	.kind = "thin",
	.opts = thin_opts,
	.provides_device = true,
	.validate = thin_validate,
	.adopt = thin_adopt,
	.up = thin_up,
	.down = thin_down,
	.status = thin_status,
	.free_conf = thin_free_conf,
	.modules = thin_modules,
};
