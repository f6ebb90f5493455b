/* SPDX-License-Identifier: MIT */
/*
 * Choosing the members of an md array from their version-1 superblocks:
 * the kernel's event rule for who is fresh, the freshest superblock's
 * roles[] for who holds which slot, mdadm's enough() for whether the
 * slots present can start the array.
 */
#include "md_super.h"

#include <errno.h>

/*
 * mdadm's enough() for raid10: every run of near x far slots starting at
 * 0, near, 2 x near... (wrapping) needs one present member. A run longer
 * than the array only repeats slots, so it is cut to raid_disks.
 */
static bool raid10_enough(uint32_t disks, uint32_t layout, const bool *present)
{
	uint32_t near = layout & 255, copies = near * ((layout >> 8) & 255);
	uint32_t first = 0;

	if (copies == 0)
		return false;
	if (copies > disks)
		copies = disks;
	do {
		uint32_t slot = first, k;

		for (k = 0; k < copies && !present[slot]; k++)
			slot = (slot + 1) % disks;
		if (k == copies)
			return false;
		first = (first + near) % disks;
	} while (first != 0);
	return true;
}

bool mdsb_enough(int32_t level, uint32_t raid_disks, uint32_t layout, const bool *present)
{
	uint32_t have = 0;

	for (uint32_t i = 0; i < raid_disks; i++)
		have += present[i];
	if (have == 0)
		return false;
	switch (level) {
	case -1: case 0:
		return have == raid_disks;
	case 1:
		return true;
	case 4: case 5:
		return have + 1 >= raid_disks;
	case 6:
		return have + 2 >= raid_disks;
	case 10:
		return raid10_enough(raid_disks, layout, present);
	default:
		return false;
	}
}

/*
 * The freshest member sets the event count; as in super_1_load, a spare's
 * (or faulty member's) own count does not, unless there is nothing else.
 */
static unsigned int pick_freshest(const struct mdsb_member *m, unsigned int n)
{
	unsigned int best = n;

	for (unsigned int pass = 0; pass < 2 && best == n; pass++) {
		for (unsigned int i = 0; i < n; i++) {
			uint16_t role = mdsb_role(m[i].sb);
			bool counts = role < MDSB_ROLE_MAX || role == MDSB_ROLE_JOURNAL;

			if ((counts || pass) && (best == n || m[i].sb->events > m[best].sb->events))
				best = i;
		}
	}
	return best;
}

/* This member's role in the freshest superblock's roles[]. */
static uint16_t fresh_role(const struct md_sb *sb, const struct md_sb *fresh)
{
	if (sb->dev_number >= fresh->max_dev || sb->dev_number >= MDSB_MAX_DEV)
		return MDSB_ROLE_SPARE;
	return fresh->roles[sb->dev_number];
}

static enum mdsb_state member_state(const struct md_sb *sb, const struct md_sb *fresh)
{
	uint16_t role = fresh_role(sb, fresh);

	/* super_1_validate refuses a member at assembly when its events + 1
	 * are below the array's: one behind is still in. */
	if (sb->events < fresh->events && fresh->events - sb->events > 1)
		return MDSB_STALE;
	/* ... and with EUCLEAN one the freshest roles[] has no entry for. */
	if (sb->dev_number >= fresh->max_dev)
		return MDSB_NO_ROLE;
	if (sb->level != fresh->level || sb->raid_disks != fresh->raid_disks ||
	    sb->chunk_sectors != fresh->chunk_sectors || sb->layout != fresh->layout ||
	    sb->size != fresh->size)
		return MDSB_MISMATCH;
	if (role == MDSB_ROLE_FAULTY)
		return MDSB_FAULTY;
	/* A journal is no slot but is assembled with the array, like a spare. */
	return role < fresh->raid_disks && role < MDSB_MAX_DEV ? MDSB_ACTIVE : MDSB_SPARE;
}

/* Whether member j keeps a slot that member i holds too: the fresher,
 * then the freshest member itself, then the first listed. */
static bool beats(const struct mdsb_member *m, unsigned int j, unsigned int i, unsigned int fr)
{
	if (m[j].sb->events != m[i].sb->events)
		return m[j].sb->events > m[i].sb->events;
	if (i == fr || j == fr)
		return j == fr;
	return j < i;
}

static void drop_duplicates(struct mdsb_member *m, unsigned int n, unsigned int fr)
{
	const struct md_sb *fresh = m[fr].sb;

	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int j = 0; j < n && m[i].state == MDSB_ACTIVE; j++) {
			if (j != i && m[j].state == MDSB_ACTIVE &&
			    fresh_role(m[j].sb, fresh) == fresh_role(m[i].sb, fresh) &&
			    beats(m, j, i, fr))
				m[i].state = MDSB_DUPLICATE;
		}
	}
}

int mdsb_select(struct mdsb_member *m, unsigned int n, struct mdsb_choice *out)
{
	bool present[MDSB_MAX_DEV] = { false };
	const struct md_sb *fresh;
	struct mdsb_choice c = { 0 };

	if (n == 0)
		return -EINVAL;
	c.freshest = pick_freshest(m, n);
	fresh = m[c.freshest].sb;
	c.events = fresh->events;
	c.raid_disks = fresh->raid_disks;
	for (unsigned int i = 0; i < n; i++)
		m[i].state = member_state(m[i].sb, fresh);
	drop_duplicates(m, n, c.freshest);
	for (unsigned int i = 0; i < n; i++) {
		if (m[i].state == MDSB_ACTIVE) {
			present[fresh_role(m[i].sb, fresh)] = true;
			c.active++;
		} else if (m[i].state == MDSB_SPARE &&
			   fresh_role(m[i].sb, fresh) != MDSB_ROLE_JOURNAL) {
			c.spares++;
		}
	}
	c.degraded = c.active < c.raid_disks;
	c.runnable = c.raid_disks <= MDSB_MAX_DEV &&
		     mdsb_enough(fresh->level, c.raid_disks, fresh->layout, present);
	*out = c;
	return 0;
}

const char *mdsb_state_name(enum mdsb_state s)
{
	switch (s) {
	case MDSB_ACTIVE: return "active";
	case MDSB_SPARE: return "spare";
	case MDSB_STALE: return "stale";
	case MDSB_FAULTY: return "faulty";
	case MDSB_DUPLICATE: return "duplicate";
	case MDSB_MISMATCH: return "mismatch";
	case MDSB_NO_ROLE: return "no role: dev_number past the freshest max_dev";
	}
	return "unknown";
}
