/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line's A/B root slot parameters: blkasm.slots= (the
 * slot state file on root=), blkasm.slot= (one slot for this boot only)
 * and blkasm.slotfallback= (the slot when the state cannot be read), and
 * what only the whole line shows about them: loop= names the slot's image
 * with {slot} where its name goes. docs/boot-parameters.md describes them.
 */
#include "cmdline_int.h"
#include "slot_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define SLOT_MARK "{slot}"

static const char name_want[] = "a slot name: 1-23 of a-z 0-9 _ - (not starting with -)";

const char *cmdline_slots(struct boot_params *bp, const char *v)
{
	if (*v != '/')
		return "the absolute path of the slot state file on root=";
	return cmdline_path(bp->slots, sizeof(bp->slots), v);
}

const char *cmdline_slot(struct boot_params *bp, const char *v)
{
	if (!slot_name_valid(v))
		return name_want;
	return cmdline_copy(bp->slot, sizeof(bp->slot), v) ? NULL : name_want;
}

const char *cmdline_slotfallback(struct boot_params *bp, const char *v)
{
	if (!slot_name_valid(v))
		return name_want;
	return cmdline_copy(bp->slot_fallback, sizeof(bp->slot_fallback), v) ? NULL : name_want;
}

/* How many times {slot} is in s. */
static unsigned int marks(const char *s)
{
	unsigned int n = 0;

	for (const char *p = strstr(s, SLOT_MARK); p; p = strstr(p + 1, SLOT_MARK))
		n++;
	return n;
}

static int blame(struct cmdline_error *err, unsigned int col, const char *name,
		 const char *value, const char *expected)
{
	char tok[300];

	snprintf(tok, sizeof(tok), "%s=%s", name, value);
	cmdline_fail(err, col, tok, expected);
	return -EINVAL;
}

int cmdline_slots_together(const struct boot_params *bp, struct cmdline_error *err)
{
	unsigned int n = marks(bp->loop);

	if (!bp->slots[0]) {
		if (n)
			return blame(err, bp->loop_col, "loop", bp->loop, "blkasm.slots= too "
				     "(the slot state file that picks the name for {slot}), or "
				     "an image path without {slot}");
		if (bp->slot[0])
			return blame(err, bp->slot_col, "blkasm.slot", bp->slot,
				     "blkasm.slots= too (the slot state file on root=)");
		if (bp->slot_fallback[0])
			return blame(err, bp->fallback_col, "blkasm.slotfallback",
				     bp->slot_fallback, "blkasm.slots= too (the slot state "
				     "file on root=)");
		return 0;
	}
	if (n != 1)
		return blame(err, bp->slots_col, "blkasm.slots", bp->slots, "loop= too, with "
			     "{slot} once where the slot's name goes "
			     "(loop=/images/root-{slot}.img)");
	/* Each slot's image has a root hash of its own: one roothash= cannot serve two. */
	if (bp->roothash[0])
		return blame(err, bp->slots_col, "blkasm.slots", bp->slots, "no roothash= "
			     "(each slot's image has a root hash of its own)");
	return 0;
}

int cmdline_slot_image(const struct boot_params *bp, const char *name, char *buf,
		       size_t size)
{
	const char *at = strstr(bp->loop, SLOT_MARK);
	int n;

	if (!at)
		return -EINVAL;
	n = snprintf(buf, size, "%.*s%s%s", (int)(at - bp->loop), bp->loop, name,
		     at + strlen(SLOT_MARK));
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
