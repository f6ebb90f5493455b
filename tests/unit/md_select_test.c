/* SPDX-License-Identifier: MIT */
/*
 * Choosing md members from their superblocks (mdsb_select): freshness by
 * events, slots from the freshest roles[], duplicates, mismatches; and
 * whether the slots present can start each level (mdsb_enough).
 */
#include "md/md_super.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

static struct md_sb sbs[8];
static struct mdsb_member mem[8];

/* n members of one array: member i holds slot i, events 10. */
static void array(int32_t level, uint32_t disks, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct md_sb *sb = &sbs[i];

		memset(sb, 0, sizeof(*sb));
		sb->level = level;
		sb->layout = level == 10 ? 0x102 : level == 5 || level == 6 ? 2 : 0;
		sb->chunk_sectors = level == 1 ? 0 : 1024;
		sb->raid_disks = disks;
		sb->size = 1 << 20;
		sb->dev_number = i;
		sb->events = 10;
		sb->max_dev = 384;
		for (uint32_t k = 0; k < sb->max_dev; k++)
			sb->roles[k] = k < disks ? (uint16_t)k : MDSB_ROLE_SPARE;
		mem[i].sb = sb;
		mem[i].state = MDSB_MISMATCH;
	}
}

ATF_TC_WITHOUT_HEAD(select_all_fresh);
ATF_TC_BODY(select_all_fresh, tc)
{
	struct mdsb_choice c;

	array(5, 4, 4);
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	for (unsigned int i = 0; i < 4; i++)
		ATF_CHECK_EQ(mem[i].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(c.events, 10);
	ATF_CHECK_EQ(c.freshest, 0);
	ATF_CHECK_EQ(c.active, 4);
	ATF_CHECK_EQ(c.spares, 0);
	ATF_CHECK_EQ(c.raid_disks, 4);
	ATF_CHECK(!c.degraded);
	ATF_CHECK(c.runnable);
	ATF_CHECK_EQ(mdsb_select(mem, 0, &c), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(select_stale);
ATF_TC_BODY(select_stale, tc)
{
	struct mdsb_choice c;

	array(5, 4, 4);
	sbs[2].events = 12;
	sbs[0].events = 10;	/* two behind */
	sbs[1].events = 11;	/* one behind: still in */
	sbs[3].events = 12;
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	ATF_CHECK_EQ(c.freshest, 2);
	ATF_CHECK_EQ(c.events, 12);
	ATF_CHECK_EQ(mem[0].state, MDSB_STALE);
	ATF_CHECK_EQ(mem[1].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[3].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(c.active, 3);
	ATF_CHECK(c.degraded);
	ATF_CHECK(c.runnable);

	sbs[1].events = 10;
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	ATF_CHECK_EQ(mem[1].state, MDSB_STALE);
	ATF_CHECK_EQ(c.active, 2);
	ATF_CHECK(!c.runnable);
}

ATF_TC_WITHOUT_HEAD(select_duplicate_slot);
ATF_TC_BODY(select_duplicate_slot, tc)
{
	struct mdsb_choice c;

	array(1, 2, 3);
	sbs[2].dev_number = 1;	/* a copy of member 1's disk */
	sbs[1].events = 9;
	ATF_REQUIRE_EQ(mdsb_select(mem, 3, &c), 0);
	ATF_CHECK_EQ(mem[0].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[1].state, MDSB_DUPLICATE);
	ATF_CHECK_EQ(mem[2].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(c.active, 2);
	ATF_CHECK(!c.degraded);

	/* Same events: the first listed keeps the slot... */
	sbs[1].events = 10;
	ATF_REQUIRE_EQ(mdsb_select(mem, 3, &c), 0);
	ATF_CHECK_EQ(mem[1].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[2].state, MDSB_DUPLICATE);
	/* ...unless the other one is the freshest superblock: member 0's
	 * own view says spare, so member 1 sets the roles. */
	array(1, 2, 2);
	sbs[0].dev_number = 1;
	sbs[0].roles[1] = MDSB_ROLE_SPARE;
	ATF_REQUIRE_EQ(mdsb_select(mem, 2, &c), 0);
	ATF_CHECK_EQ(c.freshest, 1);
	ATF_CHECK_EQ(mem[0].state, MDSB_DUPLICATE);
	ATF_CHECK_EQ(mem[1].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(c.active, 1);
	ATF_CHECK(c.degraded && c.runnable);
}

ATF_TC_WITHOUT_HEAD(select_past_role_table);
ATF_TC_BODY(select_past_role_table, tc)
{
	struct mdsb_choice c;

	/* Member 2's slot number lies past the freshest roles[] (max_dev 2):
	 * the kernel would refuse it, so it is left out, and said why. */
	array(1, 2, 3);
	sbs[0].events = 11;
	sbs[0].max_dev = 2;
	sbs[2].dev_number = 5;
	ATF_REQUIRE_EQ(mdsb_select(mem, 3, &c), 0);
	ATF_CHECK_EQ(mem[0].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[1].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[2].state, MDSB_NO_ROLE);
	ATF_CHECK_EQ(c.spares, 0);
	ATF_CHECK_STREQ(mdsb_state_name(mem[2].state),
			"no role: dev_number past the freshest max_dev");
}

ATF_TC_WITHOUT_HEAD(select_freshest_roles);
ATF_TC_BODY(select_freshest_roles, tc)
{
	struct mdsb_choice c;

	array(5, 3, 4);
	/* Member 3 is a spare; member 2 failed after the others' last write
	 * to it, so its own superblock still says slot 2. */
	for (unsigned int i = 0; i < 4; i++) {
		sbs[i].roles[3] = MDSB_ROLE_SPARE;
		if (i != 2)
			sbs[i].roles[2] = MDSB_ROLE_FAULTY;
	}
	sbs[0].events = 11;
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	ATF_CHECK_EQ(mem[2].state, MDSB_FAULTY);
	ATF_CHECK_EQ(mem[3].state, MDSB_SPARE);
	ATF_CHECK_EQ(c.active, 2);
	ATF_CHECK_EQ(c.spares, 1);
	ATF_CHECK(c.degraded && c.runnable);

	/* The spare took slot 2 in the freshest superblock's view. */
	sbs[0].roles[3] = 2;
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	ATF_CHECK_EQ(mem[3].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(c.active, 3);
	ATF_CHECK(!c.degraded);

	/* A spare's own events do not make it the freshest. */
	sbs[0].roles[3] = MDSB_ROLE_SPARE;
	sbs[3].events = 50;
	ATF_REQUIRE_EQ(mdsb_select(mem, 4, &c), 0);
	ATF_CHECK_EQ(c.freshest, 0);
	ATF_CHECK_EQ(c.events, 11);
}

ATF_TC_WITHOUT_HEAD(select_mismatch);
ATF_TC_BODY(select_mismatch, tc)
{
	struct mdsb_choice c;

	array(5, 3, 3);
	sbs[1].chunk_sectors = 128;
	sbs[2].layout = 0;
	ATF_REQUIRE_EQ(mdsb_select(mem, 3, &c), 0);
	ATF_CHECK_EQ(mem[0].state, MDSB_ACTIVE);
	ATF_CHECK_EQ(mem[1].state, MDSB_MISMATCH);
	ATF_CHECK_EQ(mem[2].state, MDSB_MISMATCH);
	ATF_CHECK_EQ(c.active, 1);
	ATF_CHECK(!c.runnable);
	array(5, 3, 3);
	sbs[2].size -= 1024;
	ATF_REQUIRE_EQ(mdsb_select(mem, 3, &c), 0);
	ATF_CHECK_EQ(mem[2].state, MDSB_MISMATCH);
}

static bool enough(int32_t level, uint32_t disks, uint32_t layout, const char *slots)
{
	bool present[16] = { false };

	for (uint32_t i = 0; i < disks; i++)
		present[i] = slots[i] == 'U';
	return mdsb_enough(level, disks, layout, present);
}

ATF_TC_WITHOUT_HEAD(enough_by_level);
ATF_TC_BODY(enough_by_level, tc)
{
	ATF_CHECK(enough(0, 3, 0, "UUU"));
	ATF_CHECK(!enough(0, 3, 0, "UU_"));
	ATF_CHECK(enough(-1, 1, 0, "U"));
	ATF_CHECK(enough(1, 3, 0, "__U"));
	ATF_CHECK(!enough(1, 3, 0, "___"));
	ATF_CHECK(enough(5, 4, 2, "U_UU"));
	ATF_CHECK(!enough(5, 4, 2, "U__U"));
	ATF_CHECK(enough(4, 3, 0, "UU_"));
	ATF_CHECK(enough(6, 5, 2, "_U_UU"));
	ATF_CHECK(!enough(6, 5, 2, "_U_U_"));
	ATF_CHECK(!enough(3, 2, 0, "UU"));
	ATF_CHECK(!enough(1, 0, 0, ""));

	/* raid10 n2 (0x102), 4 disks: mirrored pairs {0,1} and {2,3}. */
	ATF_CHECK(enough(10, 4, 0x102, "UUUU"));
	ATF_CHECK(enough(10, 4, 0x102, "U_U_"));
	ATF_CHECK(enough(10, 4, 0x102, "_UU_"));
	ATF_CHECK(!enough(10, 4, 0x102, "__UU"));
	ATF_CHECK(!enough(10, 4, 0x102, "UU__"));
	/* n2 on 3 disks: runs of 2 from 0, 2, 1 (wrapping). */
	ATF_CHECK(enough(10, 3, 0x102, "UU_"));
	ATF_CHECK(!enough(10, 3, 0x102, "U__"));
	/* f2 (0x201), 4 disks: each slot's copy is on the next one. */
	ATF_CHECK(enough(10, 4, 0x201, "_U_U"));
	ATF_CHECK(enough(10, 4, 0x201, "U_U_"));
	ATF_CHECK(!enough(10, 4, 0x201, "U__U"));
	ATF_CHECK(!enough(10, 4, 0x201, "UU__"));
	/* No copies in the layout: nothing to start. */
	ATF_CHECK(!enough(10, 4, 0, "UUUU"));
	/* n3 on 2 disks: a run longer than the array. */
	ATF_CHECK(enough(10, 2, 0x103, "_U"));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, select_all_fresh);
	ATF_TP_ADD_TC(tp, select_stale);
	ATF_TP_ADD_TC(tp, select_duplicate_slot);
	ATF_TP_ADD_TC(tp, select_freshest_roles);
	ATF_TP_ADD_TC(tp, select_past_role_table);
	ATF_TP_ADD_TC(tp, select_mismatch);
	ATF_TP_ADD_TC(tp, enough_by_level);
	return atf_no_error();
}
