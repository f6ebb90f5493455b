/* SPDX-License-Identifier: MIT */
/*
 * Kind "thin-pool": a device-mapper thin pool on a metadata and a data
 * device. Its options, adopting, taking down and status are here; its
 * state and health in thin_pool_state.c, bringing it up in thin_pool_up.c,
 * the metadata's checks in thin_check.c.
 */
#include "thin_node.h"
#include "holders.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct driver_opt pool_opts[] = {
	{ "metadata", OPT_DEVICE, false, false, "the metadata device" },
	{ "data", OPT_DEVICE, false, false, "the data device" },
	{ "device", OPT_DEVICE, false, false, "one device for both, cut in two slices" },
	{ "metadata-size", OPT_SIZE, false, false, "with device: the metadata slice (default 4M)" },
	{ "name", OPT_STRING, false, false, "device-mapper name after blkasm- (default: the node's)" },
	{ "block-size", OPT_SIZE, false, false, "data block size: 64K to 1G in steps of 64K (default 64K)" },
	{ "low-water", OPT_SIZE, false, false, "free data left when the kernel warns (default: a tenth)" },
	{ "create", OPT_BOOL, false, false, "make a new pool when the metadata device is blank" },
	{ "zero-blocks", OPT_BOOL, false, false, "zero newly provisioned blocks (default yes)" },
	{ "read-only", OPT_BOOL, false, false, "activate the pool read-only" },
	{ "check", OPT_BOOL, false, false, "run thin_check first when it is installed (default yes)" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};


/* metadata and data, or one device cut in two. */
static int check_devices(struct plan *p, struct plan_node *n, struct thin_pool_conf *pc,
			 struct plan_error *err)
{
	const struct plan_opt *dev = plan_opt(n, "device"), *o = plan_opt(n, "metadata-size");
	bool meta = plan_opt(n, "metadata"), data = plan_opt(n, "data");
	uint64_t size = driver_size(n, "metadata-size", 4u << 20);

	if (dev && (meta || data))
		return driver_bad(p, err, dev, "thin-pool '%s' takes either device or metadata and "
			   "data", n->name);
	if (!dev && !(meta && data))
		return plan_fail(err, p, n->name_pos, "thin-pool '%s' needs metadata and data, "
				 "or device", n->name);
	if (o && !dev)
		return driver_bad(p, err, o, "metadata-size of thin-pool '%s' goes with device", n->name);
	if (o && (size < (2u << 20) || size > (16ull << 30) || size % 4096))
		return driver_bad(p, err, o, "metadata-size of thin-pool '%s' must be 2M to 16G in "
			   "steps of 4K", n->name);
	pc->sliced = dev != NULL;
	pc->meta_sectors = size / 512;
	for (int i = 0; i < 2; i++) {
		const char *part = i ? "tdata" : "tmeta";
		size_t nl = strnlen(pc->dm_name, 100), ul = strnlen(pc->dm_uuid, 100);

		/* Copied piecewise: snprintf from pc into pc trips -Wrestrict. */
		memcpy(pc->slice_name[i], pc->dm_name, nl);
		snprintf(pc->slice_name[i] + nl, sizeof(pc->slice_name[i]) - nl, "-%s", part);
		memcpy(pc->slice_uuid[i], pc->dm_uuid, ul);
		snprintf(pc->slice_uuid[i] + ul, sizeof(pc->slice_uuid[i]) - ul, "-%s", part);
	}
	return 0;
}

/* Its device-mapper names (the slices' too) and the devices it writes. */
static int pool_claims(struct plan *p, struct plan_node *n, const struct thin_pool_conf *pc)
{
	static const char *const keys[] = { "metadata", "data", "device" };
	static const char *const uses[] = { "pool metadata", "pool data", "the pool's device" };
	const struct plan_opt *o = plan_opt(n, "name");
	struct claim_spec s = { .space = "device-mapper name", .key = pc->dm_name,
				.pos = o ? o->values[0].pos : n->name_pos };
	int r = driver_claim(p, n, &s, "takes the device-mapper name %s", pc->dm_name);

	for (int i = 0; r == 0 && pc->sliced && i < 2; i++) {
		s.key = pc->slice_name[i];
		r = driver_claim(p, n, &s, "takes the device-mapper name %s for its %s slice",
				 pc->slice_name[i], i ? "data" : "metadata");
	}
	for (unsigned int i = 0; r == 0 && i < 3; i++)
		if ((o = plan_opt(n, keys[i])))
			r = driver_claim_device(p, n, &o->values[0], false, "uses %s as %s",
						o->values[0].text, uses[i]);
	return r;
}

static int pool_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	struct thin_pool_conf *pc = calloc(1, sizeof(*pc));
	const struct plan_opt *o;
	int r;

	if (!pc)
		return -ENOMEM;
	n->conf = pc;
	if (!thin_dm_name(n, pc->dm_name, sizeof(pc->dm_name))) {
		o = plan_opt(n, "name");
		if (o)
			return driver_bad(p, err, o, "thin-pool '%s': '%s' is not a device-mapper name",
				   n->name, pc->dm_name);
		return plan_fail(err, p, n->name_pos, "thin-pool '%s': the node's name does not "
				 "make a device-mapper name (set name)", n->name);
	}
	snprintf(pc->dm_uuid, sizeof(pc->dm_uuid), DM_UUID_PREFIX "pool-%s",
		 pc->dm_name + strlen(THIN_NAME_PREFIX));
	r = check_devices(p, n, pc, err);
	if (r < 0)
		return r;
	pc->block_sectors = driver_size(n, "block-size", 64 * 1024) / 512;
	o = plan_opt(n, "block-size");
	if (o && (pc->block_sectors < THIN_BLOCK_MIN || pc->block_sectors > THIN_BLOCK_MAX ||
		  pc->block_sectors % THIN_BLOCK_MIN || driver_size(n, "block-size", 0) % 512))
		return driver_bad(p, err, o, "block-size of thin-pool '%s' must be 64K to 1G in "
			   "steps of 64K", n->name);
	pc->low_water = driver_size(n, "low-water", 0);
	pc->create = driver_bool(n, "create", false);
	pc->zero_blocks = driver_bool(n, "zero-blocks", true);
	pc->read_only = driver_bool(n, "read-only", false);
	pc->check = driver_bool(n, "check", true);
	return pool_claims(p, n, pc);
}

static void pool_free_conf(struct plan_node *n)
{
	free(n->conf);
	n->conf = NULL;
}

static int pool_adopt(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	int r;

	(void)c;
	r = thin_adopt_uuid(n, pc->dm_uuid);
	if (r <= 0)
		return r;
	r = thin_pool_health(n);
	return r < 0 ? r : 1;
}

static int pool_down(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;

	struct thin_pool_status st;
	char why[200];
	int r;

	/*
	 * The kernel keeps needs_check in memory and writes it out at the
	 * pool's removal, which a still failing metadata device may refuse:
	 * say it here, where it is still known.
	 */
	if (thin_pool_read(pc->dm_name, &st, why, sizeof(why)) == 0 &&
	    !thin_pool_healthy(&st, why, sizeof(why)))
		log_warn("%s: taking down pool %s that %s: run thin_check on its metadata "
			 "before the next use", n->name, pc->dm_name, why);
	r = thin_remove(c, n, pc->dm_name);
	if (r == 0 && pc->sliced)
		r = thin_slices_down(c, n);
	return r;
}

static int pool_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const struct thin_pool_conf *pc = n->conf;
	struct thin_pool_status ps;
	struct dm_info info;
	char why[200], node[160];

	(void)c;
	memset(st, 0, sizeof(*st));
	if (dm_find_uuid(pc->dm_uuid, &info) <= 0)
		return 0;
	st->present = info.live_table;
	if (thin_pool_read(pc->dm_name, &ps, why, sizeof(why)) == 0)
		thin_pool_describe(&ps, thin_low_water(pc, ps.data_total), st->detail, sizeof(st->detail));
	else
		snprintf(st->detail, sizeof(st->detail), "%s", why);
	snprintf(node, sizeof(node), "/dev/mapper/%s", pc->dm_name);
	holders_describe(node, st->holders, sizeof(st->holders));
	if (!n->device[0])
		driver_say(n->device, NODE_DEVICE_SIZE, "%s", node);
	return 0;
}

/* pool_up loads dm_thin_pool (and so dm_mod) through mod_need. */
void thin_modules(const struct plan_node *n, struct mod_wish *w)
{
	(void)n;
	mod_wish_add(w, "dm_thin_pool", false);
}

const struct driver thin_pool_driver = {
	.kind = "thin-pool",
	.opts = pool_opts,
	.provides_device = false,
	.validate = pool_validate,
	.adopt = pool_adopt,
	.up = thin_pool_up,
	.down = pool_down,
	.status = pool_status,
	.free_conf = pool_free_conf,
	.modules = thin_modules,
};
