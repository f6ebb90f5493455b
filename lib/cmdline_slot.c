/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line's A/B root slot parameters: blkasm.slots= (the
 * slot state file on root=), blkasm.slot= (one slot for this boot only),
 * blkasm.slotdev= (the state on a device instead), blkasm.slotfallback=
 * (the slot when the state cannot be read), and what only the whole line
 * shows about them: loop= (or root=) names the slot's image (or device)
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

const char *cmdline_slotdev(struct boot_params *bp, const char *v)
{
	const char *why = NULL;

	if (devspec_parse(v, &bp->slot_dev, &why) < 0)
		return "the device that holds the slot state: /dev/NAME, UUID=, LABEL=, "
		       "PARTUUID=, PARTLABEL= or MAJOR:MINOR";
	bp->have_slot_dev = true;
	return NULL;
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

/* Without blkasm.slots= or blkasm.slotdev=: no {slot} and no slot parameter. */
static int no_slots(const struct boot_params *bp, struct cmdline_error *err, char *root)
{
	static const char need[] = "blkasm.slots= or blkasm.slotdev= too (where the slot "
				   "state is)";

	if (marks(bp->loop))
		return blame(err, bp->loop_col, "loop", bp->loop, "blkasm.slots= or "
			     "blkasm.slotdev= too (the slot state that picks the name for "
			     "{slot}), or an image path without {slot}");
	if (marks(root))
		return blame(err, bp->root_col, "root", root, "blkasm.slotdev= too (the "
			     "device whose slot state picks the name for {slot}), or a root "
			     "without {slot}");
	if (bp->slot[0])
		return blame(err, bp->slot_col, "blkasm.slot", bp->slot, need);
	if (bp->slot_fallback[0])
		return blame(err, bp->fallback_col, "blkasm.slotfallback", bp->slot_fallback,
			     need);
	return 0;
}

int cmdline_slots_together(const struct boot_params *bp, struct cmdline_error *err)
{
	char root[300], dev[300];
	unsigned int col = bp->slots[0] ? bp->slots_col : bp->slotdev_col;
	const char *name = bp->slots[0] ? "blkasm.slots" : "blkasm.slotdev";
	const char *value = bp->slots;

	devspec_str(&bp->root, root, sizeof(root));
	if (!bp->slots[0] && !bp->have_slot_dev)
		return no_slots(bp, err, root);
	if (bp->have_slot_dev)
		value = devspec_str(&bp->slot_dev, dev, sizeof(dev));
	if (bp->slots[0] && bp->have_slot_dev)
		return blame(err, bp->slotdev_col, "blkasm.slotdev", value, "no blkasm.slots= "
			     "too (the state is in a file on root= or on a device, not both)");
	/* The state file on root= cannot pick root= itself. */
	if (bp->slots[0] && (marks(bp->loop) != 1 || marks(root)))
		return blame(err, col, name, value, "loop= too, with {slot} once where the "
			     "slot's name goes (loop=/images/root-{slot}.img)");
	if (marks(bp->loop) + marks(root) != 1 || (marks(bp->loop) && marks(root)))
		return blame(err, col, name, value, "{slot} once in root= or loop=, where the "
			     "slot's name goes (root=PARTLABEL=root_{slot})");
	/* Each slot's image has a root hash of its own: one roothash= cannot serve two. */
	if (bp->roothash[0])
		return blame(err, col, name, value, "no roothash= (each slot's image has a "
			     "root hash of its own)");
	return 0;
}

int cmdline_slot_subst(const char *text, const char *name, char *buf, size_t size)
{
	const char *at = strstr(text, SLOT_MARK);
	int n;

	if (!at)
		return -EINVAL;
	n = snprintf(buf, size, "%.*s%s%s", (int)(at - text), text, name, at + strlen(SLOT_MARK));
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
