/* SPDX-License-Identifier: MIT */
/*
 * Kind "verity": a read-only dm-verity device over a data device, its hash
 * tree on a second device or on the same one after hash-offset. The
 * parameters come from the superblock `veritysetup format` wrote, the root
 * hash from the plan, never from the image. Options, adopting (a device of
 * an earlier run, or one `veritysetup open` made, when its table is the
 * plan's), down and status are here; bringing it up in verity_up.c.
 */
#include "verity_node.h"
#include "holders.h"
#include "log.h"
#include "thin_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct driver_opt verity_opts[] = {
	{ "data", OPT_DEVICE, true, false, "the data device" },
	{ "hash", OPT_DEVICE, false, false, "the hash device (default: the data device)" },
	{ "hash-offset", OPT_SIZE, false, false, "where the superblock and tree start on the "
	  "hash device (a multiple of 512; default 0)" },
	{ "root-hash", OPT_STRING, true, false, "the root hash, in hex" },
	{ "on-corruption", OPT_STRING, false, false, "error (default), restart, panic or log" },
	{ "name", OPT_STRING, false, false, "device-mapper name (default: blkasm- and the node's)" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

/* Hex of a digest size some algorithm has: 2 * (16, 20, 28, 32, 48, 64) digits. */
static int check_root(struct plan *p, struct plan_node *n, struct verity_conf *vc,
		      struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "root-hash");
	const char *h = o->values[0].text;
	size_t len = strlen(h);

	for (size_t i = 0; i < len; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f') ||
		      (h[i] >= 'A' && h[i] <= 'F')))
			return driver_bad(p, err, o, "root-hash of verity node '%s' is not hex "
				   "('%c' at its %zu. digit)", n->name, h[i], i + 1);
	if (len != 32 && len != 40 && len != 56 && len != 64 && len != 96 && len != 128)
		return driver_bad(p, err, o, "root-hash of verity node '%s' has %zu hex digits, "
			   "no hash has that many (sha256: 64)", n->name, len);
	for (size_t i = 0; i <= len; i++)
		vc->root[i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] - 'A' + 'a' : h[i]);
	return 0;
}

static int check_hash(struct plan *p, struct plan_node *n, struct verity_conf *vc,
		      struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "hash-offset");

	vc->own_hash = plan_opt(n, "hash") != NULL;
	vc->hash_offset = driver_size(n, "hash-offset", 0);
	if (o && vc->hash_offset % 512)
		return driver_bad(p, err, o, "hash-offset of verity node '%s' must be a multiple "
			   "of 512", n->name);
	if (!vc->own_hash && !vc->hash_offset)
		return plan_fail(err, p, n->name_pos, "verity node '%s' needs hash, or a hash-offset "
				 "after the data when the tree is on the data device", n->name);
	return 0;
}

/* Its device-mapper name, and its devices (read only: shared). */
static int verity_claims(struct plan *p, struct plan_node *n, const struct verity_conf *vc)
{
	const struct plan_opt *o = plan_opt(n, "name");
	struct claim_spec s = { .space = "device-mapper name", .key = vc->dm_name,
				.pos = o ? o->values[0].pos : n->name_pos };
	int r = driver_claim(p, n, &s, "takes the device-mapper name %s", vc->dm_name);

	o = plan_opt(n, "data");
	if (r == 0)
		r = driver_claim_device(p, n, &o->values[0], true, "reads %s as verity data",
					o->values[0].text);
	o = plan_opt(n, "hash");
	if (r == 0 && o)
		r = driver_claim_device(p, n, &o->values[0], true, "reads %s as a verity hash "
					"tree", o->values[0].text);
	return r;
}

static int verity_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	struct verity_conf *vc = calloc(1, sizeof(*vc));
	const struct plan_opt *o = plan_opt(n, "name");
	const char *name = o ? o->values[0].text : NULL;
	int len, r;

	if (!vc)
		return -ENOMEM;
	n->conf = vc;
	len = snprintf(vc->dm_name, sizeof(vc->dm_name), "%s%s", name ? "" : "blkasm-",
		       name ? name : n->name);
	if (len < 0 || (size_t)len >= sizeof(vc->dm_name) || !dm_name_ok(vc->dm_name)) {
		if (o)
			return driver_bad(p, err, o, "verity node '%s': '%s' is not a device-mapper "
				   "name", n->name, name);
		return plan_fail(err, p, n->name_pos, "verity node '%s': the node's name does not "
				 "make a device-mapper name (set name)", n->name);
	}
	snprintf(vc->dm_uuid, sizeof(vc->dm_uuid), DM_UUID_PREFIX "verity-%.110s", vc->dm_name);
	o = plan_opt(n, "on-corruption");
	if (o && verity_policy_parse(o->values[0].text, &vc->policy) < 0)
		return driver_bad(p, err, o, "on-corruption of verity node '%s' must be error, "
			   "restart, panic or log", n->name);
	r = check_root(p, n, vc, err);
	if (r == 0)
		r = check_hash(p, n, vc, err);
	return r ? r : verity_claims(p, n, vc);
}

static void verity_free_conf(struct plan_node *n)
{
	free(n->conf);
	n->conf = NULL;
}

static const char *const fields[] = {
	"hash_type", "data device", "hash device", "data_block_size", "hash_block_size",
	"data_blocks", "hash_start", "algorithm", "root hash", "salt",
};
#define FIELDS (sizeof(fields) / sizeof(fields[0]))

/* The n-th blank-separated word of s (length in *len), or NULL. */
static const char *word(const char *s, unsigned int n, size_t *len)
{
	for (unsigned int i = 0;; i++) {
		s += strspn(s, " ");
		if (!*s)
			return NULL;
		*len = strcspn(s, " ");
		if (i == n)
			return s;
		s += *len;
	}
}

/* The corruption policy the optional arguments after the fields set. */
static enum verity_policy policy_of(const char *params)
{
	static const char *const args[] = { "restart_on_corruption", "panic_on_corruption",
					    "ignore_corruption" };
	const char *w;
	size_t len;

	for (unsigned int i = FIELDS; (w = word(params, i, &len)); i++)
		for (unsigned int k = 0; k < 3; k++)
			if (len == strlen(args[k]) && !strncmp(w, args[k], len))
				return (enum verity_policy)(k + 1);
	return VERITY_EIO;
}

/*
 * Whether a running table is the one the plan wants: the same fields and
 * corruption policy (other optional arguments are the opener's business).
 * Writes what differs into why.
 */
static bool same_table(const struct dm_target *t, const struct verity_want *w,
		       const struct verity_conf *vc, char *why, size_t size)
{
	const char *a, *b;
	size_t la, lb;

	if (strcmp(t->type, "verity") || t->length != w->sectors) {
		driver_say(why, size, "it is a %s target of %llu sectors, not verity of %llu",
			   t->type, (unsigned long long)t->length, (unsigned long long)w->sectors);
		return false;
	}
	for (unsigned int i = 0; i < FIELDS; i++) {
		a = word(t->params, i, &la);
		b = word(w->t.params, i, &lb);
		if (!a || la != lb || strncmp(a, b, la)) {
			driver_say(why, size, "its %s is %.*s, the plan's %.*s", fields[i],
				   a ? (int)(la > 140 ? 140 : la) : 4, a ? a : "none",
				   (int)(lb > 140 ? 140 : lb), b);
			return false;
		}
	}
	if (policy_of(t->params) != vc->policy) {
		driver_say(why, size, "its on-corruption is %s, the plan's %s",
			   verity_policy_word(policy_of(t->params)), verity_policy_word(vc->policy));
		return false;
	}
	return true;
}

/* The device up as this node, blkasm's (by DM UUID) or another's (by name): 1, 0 none. */
static int find(const struct verity_conf *vc, struct dm_info *info)
{
	int r = dm_find_uuid(vc->dm_uuid, info);

	if (r != 0)
		return r;
	r = dm_info(vc->dm_name, info);
	return r < 0 ? r : info->exists;
}

/* Whether the device's live table is the plan's: 0, or -errno with why set. */
static int check_live(const char *name, const struct verity_want *w,
		      const struct verity_conf *vc, char *why, size_t size)
{
	struct dm_target live;
	int r = dm_status(name, true, &live, 1);

	if (r == -ENOSPC || r == 0) {
		driver_say(why, size, "it has %s targets", r ? "several" : "no");
		return -EEXIST;
	}
	if (r < 0) {
		driver_say(why, size, "its table cannot be read: %s", strerror(-r));
		return r;
	}
	return same_table(&live, w, vc, why, size) ? 0 : -EEXIST;
}

static int verity_adopt(struct run_ctx *c, struct plan_node *n)
{
	const struct verity_conf *vc = n->conf;
	struct verity_want *w;
	struct dm_info info;
	char why[320], state[16];
	int r = thin_found_live(n, find(vc, &info), &info);

	if (r <= 0)
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = verity_want(c, n, w);
	if (r == 0 && (r = check_live(info.name, w, vc, why, sizeof(why))) < 0)
		driver_say(n->why, NODE_WHY_SIZE, "/dev/mapper/%s (DM UUID %s) is in the way: "
			   "%s; left alone", info.name, info.uuid[0] ? info.uuid : "none", why);
	if (r == 0) {
		dm_make_node(info.name, info.dev);
		verity_describe(n, info.name, state, sizeof(state));
		if (!strcmp(state, "corrupted"))
			log_warn("%s: /dev/mapper/%s has seen a corruption", n->name, info.name);
		r = 1;
	}
	free(w);
	return r;
}

static int verity_down(struct run_ctx *c, struct plan_node *n)
{
	return thin_remove(c, n, ((const struct verity_conf *)n->conf)->dm_name);
}

static int verity_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const struct verity_conf *vc = n->conf;
	struct dm_info info;
	char node[160], state[16];

	(void)c;
	memset(st, 0, sizeof(*st));
	if (find(vc, &info) <= 0)
		return 0;
	st->present = info.live_table;
	verity_describe(n, info.name, state, sizeof(state));
	snprintf(st->detail, sizeof(st->detail), "%s", n->summary);
	snprintf(node, sizeof(node), "/dev/mapper/%s", info.name);
	holders_describe(node, st->holders, sizeof(st->holders));
	return 0;
}

/* verity_up loads dm_verity (and so dm_mod) through mod_need. */
static void verity_modules(const struct plan_node *n, struct mod_wish *w)
{
	(void)n;
	mod_wish_add(w, "dm_mod", false);
	mod_wish_add(w, "dm_verity", false);
}

const struct driver verity_driver = {
	.kind = "verity",
	.opts = verity_opts,
	.provides_device = true,
	.validate = verity_validate,
	.adopt = verity_adopt,
	.up = verity_up,
	.down = verity_down,
	.status = verity_status,
	.free_conf = verity_free_conf,
	.modules = verity_modules,
};
