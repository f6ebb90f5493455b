/* SPDX-License-Identifier: MIT */
/*
 * A/B root slots at boot (blkasm.slots=, blkasm.slotdev=): once the state
 * can be read (root= mounted on /host, or the state's device there), it
 * picks the slot, one try is taken off a slot not yet marked good (written
 * and synced before the slot's image or device is even looked at), and
 * init/boot.c puts the slot's name into loop='s or root='s {slot}. Every
 * choice is logged with its reason, every change to the state with what
 * changed. A state that cannot be read is never written:
 * blkasm.slotfallback= then names the slot to boot, and without it the
 * boot stops (rescue shell).
 */
#include "init.h"
#include "log.h"
#include "slot_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why slot i cannot boot, or NULL when it can. */
static const char *unbootable(const struct slot *sl)
{
	if (sl->priority == 0)
		return "priority 0 (never chosen)";
	if (!sl->good && sl->tries == 0)
		return "no tries left and not marked good";
	return NULL;
}

/* "a: priority 15, no tries left and not marked good; b: ..." */
static void list_slots(const struct slot_state *s, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < s->count && len < size; i++) {
		const struct slot *sl = &s->slots[i];
		const char *no = unbootable(sl);

		len += (size_t)snprintf(buf + len, size - len, "%s%s: priority %u, %s",
					i ? "; " : "", sl->name, sl->priority,
					no ? no : "bootable");
	}
}

/* Logs why slot i was chosen, and each slot passed over on the way. */
static void say_choice(const struct slot_state *old, unsigned int i, bool forced)
{
	const struct slot *c = &old->slots[i];

	for (unsigned int k = 0; k < old->count && !forced && old->next == SLOT_NONE; k++) {
		const char *no = unbootable(&old->slots[k]);

		if (k != i && no && old->slots[k].priority >= c->priority)
			log_info("slot %s: passed over: %s", old->slots[k].name, no);
	}
	if (forced)
		log_info("slot %s: chosen by blkasm.slot= for this boot only", c->name);
	else if (old->next != SLOT_NONE)
		log_info("slot %s: chosen as the one-shot choice for this boot (slot next)",
			 c->name);
	else if (c->good)
		log_info("slot %s: chosen: priority %u, the highest bootable, marked good",
			 c->name, c->priority);
	else
		log_info("slot %s: chosen: priority %u, the highest bootable, not yet good: "
			 "one of its %u tries taken, %u left", c->name, c->priority, c->tries,
			 c->tries - 1);
}

/* The state picks the slot; s is what goes back to disk. */
static int choose(const struct boot_params *bp, const char *path, struct slot_state *s,
		  char *why, size_t size)
{
	struct slot_state old = *s;
	unsigned int saved = s->next;
	char list[600];
	int k = -1, i;

	if (bp->slot[0]) {
		k = slot_find(s, bp->slot);
		if (k < 0) {
			snprintf(why, size, "blkasm.slot=%s: %s has no slot of that name", bp->slot,
				 path);
			return -ENOENT;
		}
		s->next = (unsigned int)k;
	}
	i = slot_boot(s);
	if (i < 0) {
		list_slots(s, list, sizeof(list));
		snprintf(why, size, "no bootable slot in %.200s (%.280s)", path, list);
		return i;
	}
	/* blkasm.slot= leaves a one-shot choice stored in the state for the next boot. */
	if (k >= 0 && saved != (unsigned int)k)
		s->next = saved;
	say_choice(&old, (unsigned int)i, k >= 0);
	return i;
}

int slotboot_pick(const struct boot_params *bp, const char *path, char *name, size_t nsize,
		  char *why, size_t size)
{
	const struct slot_loc loc = { .path = path, .off = 0 };
	struct slot_read_report rep;
	struct slot_state old, s;
	char msg[512], diff[512];
	int i, r;

	r = slot_state_read(&loc, &old, &rep, msg, sizeof(msg));
	if (r < 0 && !bp->slot_fallback[0]) {
		snprintf(why, size, "slot state: %.300s; no blkasm.slotfallback= names a slot "
			 "to boot without it", msg);
		return r;
	}
	if (r < 0) {
		log_err("slot state: %s", msg);
		log_warn("slot %s: booting the fallback slot (blkasm.slotfallback=); the state "
			 "is left as it is and no try is counted", bp->slot_fallback);
		snprintf(name, nsize, "%s", bp->slot_fallback);
		return 0;
	}
	for (int c = 0; c < 2; c++)
		if (rep.why[c][0])
			log_warn("slot state %s: copy %d is not valid (the other one is used): %s",
				 path, c, rep.why[c]);
	s = old;
	i = choose(bp, path, &s, why, size);
	if (i < 0)
		return i;
	snprintf(name, nsize, "%s", s.slots[i].name);
	if (slot_state_diff(&old, &s, diff, sizeof(diff)) == 0)
		return 0;
	r = slot_state_write(&loc, &s, &rep, msg, sizeof(msg));
	if (r < 0) {
		snprintf(why, size, "slot %s: cannot record the boot in the slot state: %.400s",
			 name, msg);
		return r;
	}
	log_msg(LOG_NOTE, "slot state %s: %s", path, diff);
	return 0;
}
