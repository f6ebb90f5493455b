/* SPDX-License-Identifier: MIT */
/*
 * Kind "md": its options, checked together before anything is touched, and
 * what an array takes for itself (name, number, uuid, members).
 */
#include "md_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct driver_opt md_opts[] = {
	{ "members", OPT_DEVICE, false, true, "the member devices (nodes, paths, PARTUUID=...)" },
	{ "uuid", OPT_STRING, false, false, "the array UUID (mdadm's form or 8-4-4-4-12)" },
	{ "name", OPT_STRING, false, false, "the array's name: /dev/md/NAME (default: the node's)" },
	{ "number", OPT_UINT, false, false, "use /dev/mdN (default: the highest free from 127 down)" },
	{ "level", OPT_STRING, false, false, "raid0, raid1, raid5 or raid10 (required to create)" },
	{ "create", OPT_BOOL, false, false, "create the array when every member is blank" },
	{ "chunk", OPT_SIZE, false, false, "chunk size when creating (default 512K)" },
	{ "assume-clean", OPT_BOOL, false, false, "create without the initial resync" },
	{ "degraded", OPT_STRING, false, false, "never (default), after (the wait) or now" },
	{ "wait", OPT_UINT, false, false, "seconds to wait for missing members (default 10)" },
	{ "read-only", OPT_BOOL, false, false, "start the array read-only" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

static int parse_level(const char *v, int32_t *level)
{
	static const struct { const char *name; int32_t level; } levels[] = {
		{ "raid0", 0 }, { "0", 0 }, { "raid1", 1 }, { "1", 1 },
		{ "raid5", 5 }, { "5", 5 }, { "raid10", 10 }, { "10", 10 },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (!strcmp(v, levels[i].name)) {
			*level = levels[i].level;
			return 0;
		}
	return -EINVAL;
}

bool md_name_ok(const char *s)
{
	if (!*s || strlen(s) > 32 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && !strchr("._-", *s))
			return false;
	return true;
}

/* The values that each need a look of their own; the rest is plain. */
static int check_values(struct plan *p, struct plan_node *n, struct md_conf *mc,
			struct plan_error *err)
{
	const struct plan_opt node_at = { .pos = n->name_pos };	/* a node without options */
	const struct plan_opt *o;
	const char *v;

	if ((o = plan_opt(n, "uuid"))) {
		if (mdsb_uuid_parse(o->values[0].text, mc->uuid) < 0)
			return driver_bad(p, err, o, "uuid of md node '%s' must be 32 hex digits "
				   "(xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx)", n->name);
		mc->has_uuid = true;
	}
	v = plan_str(n, "name");
	snprintf(mc->name, sizeof(mc->name), "%s", v ? v : n->name);
	mc->name_given = v != NULL;
	if (!md_name_ok(v ? v : n->name))	/* mc->name would hide a name cut short */
		return driver_bad(p, err, plan_opt(n, v ? "name" : "members") ?: &node_at,
			   "md array name '%.40s' must be 1 to 32 letters, digits, '.', '_' or '-'%s",
			   v ? v : n->name, v ? "" : " (set name)");
	if ((o = plan_opt(n, "number"))) {
		mc->number = (unsigned int)strtoul(o->values[0].text, NULL, 10);
		if (strlen(o->values[0].text) > 3 || mc->number > 511)
			return driver_bad(p, err, o, "number of md node '%s' must be 0 to 511", n->name);
		mc->has_number = true;
	}
	if ((o = plan_opt(n, "level"))) {
		if (parse_level(o->values[0].text, &mc->level) < 0)
			return driver_bad(p, err, o, "level of md node '%s' must be raid0, raid1, "
				   "raid5 or raid10", n->name);
		mc->has_level = true;
	}
	if ((o = plan_opt(n, "degraded"))) {
		v = o->values[0].text;
		if (!strcmp(v, "never"))
			mc->degraded = MD_DEGRADED_NEVER;
		else if (!strcmp(v, "after"))
			mc->degraded = MD_DEGRADED_AFTER;
		else if (!strcmp(v, "now"))
			mc->degraded = MD_DEGRADED_NOW;
		else
			return driver_bad(p, err, o, "degraded of md node '%s' must be never, after "
				   "or now", n->name);
	}
	return 0;
}

static int check_create(struct plan *p, struct plan_node *n, struct md_conf *mc,
			struct plan_error *err)
{
	const struct plan_opt *members = plan_opt(n, "members"), *o;
	unsigned int count = members ? members->nvalues : 0;
	static const unsigned int least[11] = { [0] = 2, [1] = 2, [5] = 3, [10] = 2 };
	uint64_t chunk = driver_size(n, "chunk", 512 * 1024);

	if ((o = plan_opt(n, "chunk")) && (chunk < 4096 || chunk > (256u << 20) ||
					   (chunk & (chunk - 1))))
		return driver_bad(p, err, o, "chunk of md node '%s' must be a power of two "
			   "from 4K to 256M", n->name);
	mc->chunk_sectors = (uint32_t)(chunk / 512);
	if (!mc->create)
		return 0;
	o = plan_opt(n, "create");
	if (!members)
		return driver_bad(p, err, o, "md node '%s' creates an array: it needs members", n->name);
	if (!mc->has_level)
		return driver_bad(p, err, o, "md node '%s' creates an array: it needs a level", n->name);
	if (count < least[mc->level] || count > MD_MAX_MEMBERS)
		return driver_bad(p, err, members, "a raid%d array needs %u to %u members, "
			   "md node '%s' has %u", mc->level, least[mc->level],
			   MD_MAX_MEMBERS, n->name, count);
	return 0;
}

/* The array's name, number and uuid, and every member, for itself alone. */
static int md_claims(struct plan *p, struct plan_node *n, const struct md_conf *mc)
{
	const struct plan_opt *members = plan_opt(n, "members"), *o = plan_opt(n, "name");
	struct claim_spec s = { .space = "md array name", .key = mc->name,
				.pos = o ? o->values[0].pos : n->name_pos };
	char num[12], uuid[36];
	int r = driver_claim(p, n, &s, "names the md array %s", mc->name);

	snprintf(num, sizeof(num), "%u", mc->number);
	mdsb_uuid_format(mc->uuid, uuid);
	if (r == 0 && (o = plan_opt(n, "number"))) {
		s = (struct claim_spec){ .space = "md number", .key = num, .pos = o->values[0].pos };
		r = driver_claim(p, n, &s, "takes /dev/md%s", num);
	}
	if (r == 0 && (o = plan_opt(n, "uuid"))) {
		s = (struct claim_spec){ .space = "md uuid", .key = uuid, .pos = o->values[0].pos };
		r = driver_claim(p, n, &s, "assembles the md array %s", uuid);
	}
	for (unsigned int k = 0; r == 0 && members && k < members->nvalues; k++)
		r = driver_claim_device(p, n, &members->values[k], false,
					"uses %s as an md member", members->values[k].text);
	return r;
}

/* The same member twice would make an array of one device in two slots. */
static int check_twice(struct plan *p, struct plan_node *n, const struct plan_opt *o,
		       struct plan_error *err)
{
	for (unsigned int j = 1; o && j < o->nvalues; j++)
		for (unsigned int i = 0; i < j; i++)
			if (!strcmp(o->values[i].text, o->values[j].text))
				return plan_fail(err, p, o->values[j].pos,
						 "md node '%s' lists member %s twice (first "
						 "at %u:%u)", n->name, o->values[j].text,
						 o->values[i].pos.line, o->values[i].pos.col);
	return 0;
}

int md_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	const struct plan_opt *members = plan_opt(n, "members"), *wait;
	struct md_conf *mc = calloc(1, sizeof(*mc));
	int r;

	if (!mc)
		return -ENOMEM;
	n->conf = mc;
	mc->create = driver_bool(n, "create", false);
	mc->read_only = driver_bool(n, "read-only", false);
	mc->assume_clean = driver_bool(n, "assume-clean", false);
	wait = plan_opt(n, "wait");
	mc->wait_ms = wait ? (uint32_t)strtoul(wait->values[0].text, NULL, 10) * 1000 : 10000;
	if (wait && (strlen(wait->values[0].text) > 4 || mc->wait_ms > 3600 * 1000))
		return driver_bad(p, err, wait, "wait of md node '%s' must be at most 3600 seconds",
			   n->name);
	r = check_values(p, n, mc, err);
	if (r == 0)
		r = check_create(p, n, mc, err);
	if (r < 0)
		return r;
	if (!members && !mc->has_uuid)
		return plan_fail(err, p, n->name_pos, "md node '%s' needs members or a uuid",
				 n->name);
	if (members && members->nvalues > MD_MAX_MEMBERS)
		return driver_bad(p, err, members, "md node '%s' has %u members, at most %u",
			   n->name, members->nvalues, MD_MAX_MEMBERS);
	r = check_twice(p, n, members, err);
	return r < 0 ? r : md_claims(p, n, mc);
}

void md_free_conf(struct plan_node *n)
{
	free(n->conf);
	n->conf = NULL;
}
