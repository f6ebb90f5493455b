/* SPDX-License-Identifier: MIT */
/*
 * Thin volumes as A/B root slots on a running system: a thin slot is the
 * plan's thin node of the same name (-c FILE, the plan the boot ran).
 * blkasm slot snapshot NAME makes NAME's thin id a snapshot of the booted
 * slot's (the running root: an update goes into one, the other is kept to
 * roll back to); blkasm slot delete NAME deletes its thin id and gives the
 * slot priority 0. Neither touches the booted slot. Both first write the
 * slot out of the choice, then change the pool (its transaction-id rule:
 * drivers/dm/thin_snap.c); a snapshot then writes the slot back in.
 */
#include "table.h"
#include "slot_cli.h"
#include "log.h"
#include "plan.h"
#include "dm/thin_node.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* The thin node of the plan that slot name is, or NULL after a message. */
static const struct plan_node *thin_of(const struct slot_args *a, const struct plan *p,
				       const char *name)
{
	int i = plan_find(p, name);

	if (i < 0 || strcmp(p->nodes[i].kind, "thin")) {
		fprintf(stderr, "blkasm slot %s: the plan %s has no thin node '%s' (a thin slot "
			"is the plan's thin node of the same name)\n", a->sub, p->file, name);
		return NULL;
	}
	return &p->nodes[i];
}

/* NAME's volume down if it is up: it is about to change. 0, or 1 after a message. */
static int deactivate(const struct slot_args *a, const struct thin_conf *tc)
{
	struct dm_info info = { 0 };
	int r;

	if (dm_info(tc->dm_name, &info) < 0 || !info.exists)
		return 0;
	r = dm_remove_once(tc->dm_name);
	if (r < 0) {
		fprintf(stderr, "blkasm slot %s: cannot take down %s: %s%s (nothing changed)\n",
			a->sub, tc->dm_name, strerror(-r),
			r == -EBUSY ? " (in use: mounted?)" : "");
		return 1;
	}
	dm_unlink_node(tc->dm_name);
	return 0;
}

/* Changes the pool (sn: the state's slot, on: the origin's thin node or NULL). */
static int change_pool(const struct slot_args *a, const struct plan *p,
		       const struct plan_node *sn, const struct plan_node *on)
{
	const struct thin_conf *tc = sn->conf, *oc = on ? on->conf : NULL;
	const struct thin_pool_conf *pc = p->nodes[tc->pool].conf;
	char why[300];
	int r;

	if (oc && oc->pool != tc->pool) {
		fprintf(stderr, "blkasm slot %s: %s and %s are in different pools: a snapshot "
			"stays in its origin's pool\n", a->sub, sn->name, on->name);
		return 1;
	}
	if (deactivate(a, tc))
		return 1;
	/*
	 * The origin is likely the running root, suspended around create_snap:
	 * a page of this program read from it then would never come (lvm2
	 * locks its memory for the same reason).
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		log_warn("slot %s: cannot lock memory: %s", a->sub, strerror(errno));
	r = thin_replace(pc->dm_name, tc->id, oc ? oc->dm_name : "", oc ? (int64_t)oc->id : -1,
			 why, sizeof(why));
	if (r < 0) {
		fprintf(stderr, "blkasm slot %s: %s\n", a->sub, why);
		return 1;
	}
	if (oc)
		printf("%s: thin id %u of %s is now a snapshot of thin id %u (%s)\n", sn->name,
		       tc->id, pc->dm_name, oc->id, on->name);
	else
		printf("%s: thin id %u of %s deleted\n", sn->name, tc->id, pc->dm_name);
	log_kmsg(LOG_NOTE, "slot %s: %s: thin id %u of %s %s%s", a->sub, sn->name, tc->id,
		 pc->dm_name, oc ? "made a snapshot of " : "deleted", oc ? on->name : "");
	return 0;
}

int slot_snap(const struct cli *c, const struct slot_args *a)
{
	bool del = !strcmp(a->sub, "delete");
	const struct plan_node *sn, *on = NULL;
	struct slot_read_report rep;
	struct slot_state old, mid, s;
	struct plan_error err;
	struct plan p;
	char msg[600];
	unsigned int i;
	int r;

	if (a->json || a->tries)
		return slot_bad(a->sub, "unexpected option %s", a->json ? "--json" : "--tries");
	if (slot_target(a, &old, &rep, false, &i))
		return 1;
	if (old.booted == i)
		return slot_bad(a->sub, "%s is the booted slot: its volume is the running root "
				"(boot another slot first)", old.slots[i].name);
	if (!del && old.booted == SLOT_NONE)
		return slot_bad(a->sub, "%s: no slot was booted from it yet: nothing to snapshot",
				a->state);
	r = plan_load(&p, driver_table, c->conf ? c->conf : CLI_DEFAULT_CONF, &err);
	if (r < 0) {
		fprintf(stderr, "blkasm slot %s: %s\n", a->sub,
			plan_error_str(&err, msg, sizeof(msg)));
		plan_free(&p);
		return 1;
	}
	sn = thin_of(a, &p, old.slots[i].name);
	if (sn && !del)
		on = thin_of(a, &p, old.slots[old.booted].name);
	/*
	 * The slot is out of the choice (priority 0, no tries, not good) on
	 * disk before its volume changes: a delete that is not followed by
	 * its snapshot, for whatever reason, never leaves a slot that would
	 * boot a missing or empty volume.
	 */
	mid = old;
	mid.slots[i].priority = 0;
	mid.slots[i].tries = 0;
	mid.slots[i].good = false;
	r = !sn || (!del && !on) ? 1 : slot_commit(a, &old, &mid, &rep);
	if (r == 0)
		r = change_pool(a, &p, sn, on);
	plan_free(&p);
	if (r || del)
		return r ? 1 : 0;
	/* A copy of the running root is as good as the running root. */
	s = old;
	s.slots[i].good = old.slots[old.booted].good;
	if (!s.slots[i].priority)
		s.slots[i].priority = 1;
	return slot_commit(a, &mid, &s, &rep);
}
