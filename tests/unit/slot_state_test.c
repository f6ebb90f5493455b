/* SPDX-License-Identifier: MIT */
/*
 * The slot state's pure layer (lib/slot_state.c): a copy's bytes round
 * trip, every validation error names its field, and the choice rules
 * (priority, tries, good, the one-shot choice, no bootable slot).
 */
#include "slot_state.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void add_slot(struct slot_state *s, const char *name, unsigned int prio,
		     unsigned int tries, bool good)
{
	struct slot *sl = &s->slots[s->count++];

	snprintf(sl->name, sizeof(sl->name), "%s", name);
	sl->priority = prio;
	sl->tries = tries;
	sl->good = good;
}

static struct slot_state ab(void)
{
	struct slot_state s = { .seq = 7, .next = SLOT_NONE, .booted = SLOT_NONE };

	add_slot(&s, "a", 15, 0, true);
	add_slot(&s, "b", 14, 3, false);
	return s;
}

/* The checksum again after a test changed a byte on purpose. */
static void reseal(uint8_t *copy)
{
	uint32_t crc = slot_crc32c(0, copy, SLOT_COPY_SIZE - 4);

	for (int i = 0; i < 4; i++)
		copy[SLOT_COPY_SIZE - 4 + i] = (uint8_t)(crc >> (8 * i));
}

ATF_TC_WITHOUT_HEAD(crc32c_known_value);
ATF_TC_BODY(crc32c_known_value, tc)
{
	/* The check value of CRC-32C (RFC 3720, B.4). */
	ATF_CHECK_EQ(slot_crc32c(0, "123456789", 9), 0xe3069283u);
	ATF_CHECK_EQ(slot_crc32c(slot_crc32c(0, "1234", 4), "56789", 5), 0xe3069283u);
}

ATF_TC_WITHOUT_HEAD(round_trip);
ATF_TC_BODY(round_trip, tc)
{
	struct slot_state s = ab(), d;
	uint8_t copy[SLOT_COPY_SIZE];
	char why[128] = "";

	add_slot(&s, "rootfs_c-23456789012345", 0, 7, false);	/* the longest name */
	s.next = 2;
	s.booted = 1;
	s.seq = 0x0123456789abcdefull;
	slot_state_encode(&s, copy);
	ATF_REQUIRE_EQ_MSG(slot_state_decode(copy, &d, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK(slot_state_equal(&s, &d));
	ATF_CHECK_EQ(memcmp(copy, "BLKSLOTS", 8), 0);

	for (unsigned int n = 1; n <= SLOT_MAX; n++) {
		struct slot_state m = { .seq = n, .next = SLOT_NONE, .booted = n - 1 };

		for (unsigned int i = 0; i < n; i++) {
			char name[16];

			snprintf(name, sizeof(name), "s%u", i);
			add_slot(&m, name, i, i % 8, i & 1);
		}
		slot_state_encode(&m, copy);
		ATF_REQUIRE_EQ_MSG(slot_state_decode(copy, &d, why, sizeof(why)), 0, "%s", why);
		ATF_CHECK(slot_state_equal(&m, &d));
	}
}

/* One change to a good copy and the words its refusal must hold. */
struct mutation {
	unsigned int off;
	uint8_t value;
	bool reseal;
	const char *says;
};

ATF_TC_WITHOUT_HEAD(decode_errors);
ATF_TC_BODY(decode_errors, tc)
{
	static const struct mutation m[] = {
		{ 0, 'X', true, "bad magic" },
		{ 8, 2, true, "format version 2" },
		{ 13, 0x20, true, "copy size" },
		{ 100, 1, false, "checksum mismatch" },
		{ SLOT_COPY_SIZE - 1, 0x55, false, "checksum mismatch" },
		{ 27, 1, true, "reserved bytes not zero" },
		{ 29, 1, true, "reserved bytes not zero" },
		{ 300, 1, true, "reserved bytes not zero" },
		{ 24, 0, true, "slot count 0 out of range 1-8" },
		{ 24, 9, true, "slot count 9 out of range 1-8" },
		{ 25, 2, true, "next-boot slot 2 out of range" },
		{ 26, 5, true, "booted slot 5 out of range" },
		{ 32, 'A', true, "slot 0: bad name" },
		{ 32, '-', true, "slot 0: bad name" },
		{ 32, 0, true, "slot 0: bad name" },
		{ 64, 'a', true, "slot 1: name a used twice" },
		{ 32 + 24, 16, true, "slot a: priority 16 out of range 0-15" },
		{ 64 + 25, 8, true, "slot b: tries 8 out of range 0-7" },
		{ 32 + 26, 3, true, "slot 0: padding or flags not zero" },
		{ 32 + 30, 1, true, "slot 0: padding or flags not zero" },
		{ 32 + 5, 'x', true, "slot 0: padding or flags not zero" },
		{ 96, 'c', true, "unused slot entry 2 not zero" },
	};
	struct slot_state s = ab(), d = { .seq = 99 };
	uint8_t good[SLOT_COPY_SIZE], copy[SLOT_COPY_SIZE];
	char why[128];

	slot_state_encode(&s, good);
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		memcpy(copy, good, sizeof(copy));
		copy[m[i].off] = m[i].value;
		if (m[i].reseal)
			reseal(copy);
		why[0] = '\0';
		ATF_CHECK_EQ_MSG(slot_state_decode(copy, &d, why, sizeof(why)), -EINVAL,
				 "byte %u", m[i].off);
		ATF_CHECK_MSG(strstr(why, m[i].says), "byte %u: '%s', expected '%s'", m[i].off,
			      why, m[i].says);
		ATF_CHECK_EQ(d.seq, 99);	/* nothing of a bad copy comes out */
	}
	memset(copy, 0, sizeof(copy));
	ATF_CHECK_EQ(slot_state_decode(copy, &d, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "blank (all zeros)");
	s.seq = 0;
	slot_state_encode(&s, copy);
	ATF_CHECK_EQ(slot_state_decode(copy, &d, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "sequence 0");
}

ATF_TC_WITHOUT_HEAD(names);
ATF_TC_BODY(names, tc)
{
	struct slot_state s = ab();

	ATF_CHECK(slot_name_valid("a"));
	ATF_CHECK(slot_name_valid("root_b-2"));
	ATF_CHECK(slot_name_valid("0"));
	ATF_CHECK(!slot_name_valid(""));
	ATF_CHECK(!slot_name_valid("-a"));
	ATF_CHECK(!slot_name_valid("Root"));
	ATF_CHECK(!slot_name_valid("a b"));
	ATF_CHECK(!slot_name_valid("a/b"));
	ATF_CHECK(!slot_name_valid("abcdefghijklmnopqrstuvwx"));	/* 24 */
	ATF_CHECK(slot_name_valid("abcdefghijklmnopqrstuvw"));		/* 23 */
	ATF_CHECK_EQ(slot_find(&s, "b"), 1);
	ATF_CHECK_EQ(slot_find(&s, "c"), -ENOENT);
}

ATF_TC_WITHOUT_HEAD(choose_priority_tries_good);
ATF_TC_BODY(choose_priority_tries_good, tc)
{
	struct slot_state s = { .next = SLOT_NONE, .booted = SLOT_NONE };

	add_slot(&s, "a", 10, 0, true);
	add_slot(&s, "b", 12, 0, false);	/* no tries, not good: skipped */
	add_slot(&s, "c", 0, 7, true);		/* priority 0: never */
	ATF_CHECK_EQ(slot_choose(&s), 0);
	s.slots[1].tries = 1;
	ATF_CHECK_EQ(slot_choose(&s), 1);
	s.slots[0].priority = 12;		/* a tie: the first in the table */
	ATF_CHECK_EQ(slot_choose(&s), 0);
	s.slots[0].good = false;		/* a: no tries, not good */
	ATF_CHECK_EQ(slot_choose(&s), 1);
	s.slots[1].tries = 0;
	ATF_CHECK_EQ(slot_choose(&s), -ENOENT);
}

ATF_TC_WITHOUT_HEAD(boot_takes_a_try);
ATF_TC_BODY(boot_takes_a_try, tc)
{
	struct slot_state s = ab(), before;

	slot_activate(&s, 1, 2);		/* b: 15, 2 tries; a: 14, good */
	ATF_CHECK_EQ(s.slots[0].priority, 14);
	ATF_CHECK(!s.slots[1].good);
	ATF_CHECK_EQ(slot_boot(&s), 1);
	ATF_CHECK_EQ(s.slots[1].tries, 1);
	ATF_CHECK_EQ(s.booted, 1);
	ATF_CHECK_EQ(slot_boot(&s), 1);
	ATF_CHECK_EQ(s.slots[1].tries, 0);
	/* b never marked good: out of tries, the fallback is a. */
	ATF_CHECK_EQ(slot_boot(&s), 0);
	ATF_CHECK_EQ(s.slots[0].tries, 0);	/* a good slot keeps its count */
	ATF_CHECK_EQ(s.booted, 0);

	/* b again, marked good this time: it stays chosen without tries. */
	slot_activate(&s, 1, 1);
	ATF_CHECK_EQ(slot_boot(&s), 1);
	slot_mark_good(&s, 1);
	ATF_CHECK_EQ(slot_boot(&s), 1);
	ATF_CHECK_EQ(s.slots[1].tries, 0);

	/* Nothing bootable: -ENOENT and nothing changes. */
	s.slots[0].priority = 0;
	s.slots[1].priority = 0;
	before = s;
	ATF_CHECK_EQ(slot_boot(&s), -ENOENT);
	ATF_CHECK(slot_state_equal(&before, &s));
}

ATF_TC_WITHOUT_HEAD(one_shot_first_and_consumed);
ATF_TC_BODY(one_shot_first_and_consumed, tc)
{
	struct slot_state s = ab();

	s.slots[1].tries = 0;			/* b: not bootable by the rules */
	slot_set_next(&s, 1);
	ATF_CHECK_EQ(slot_choose(&s), 1);
	ATF_CHECK_EQ(slot_boot(&s), 1);
	ATF_CHECK_EQ(s.next, SLOT_NONE);
	ATF_CHECK_EQ(s.booted, 1);
	ATF_CHECK_EQ(s.slots[1].tries, 0);	/* the one shot is its own try */
	ATF_CHECK_EQ(slot_boot(&s), 0);		/* the boot after: the rules again */
}

ATF_TC_WITHOUT_HEAD(activate_steps_others_down);
ATF_TC_BODY(activate_steps_others_down, tc)
{
	struct slot_state s = ab();

	add_slot(&s, "c", 15, 0, true);
	slot_activate(&s, 1, 7);
	ATF_CHECK_EQ(s.slots[0].priority, 14);
	ATF_CHECK_EQ(s.slots[1].priority, 15);
	ATF_CHECK_EQ(s.slots[1].tries, 7);
	ATF_CHECK_EQ(s.slots[2].priority, 14);
	ATF_CHECK_EQ(slot_choose(&s), 1);
}

ATF_TC_WITHOUT_HEAD(diff_says_old_and_new);
ATF_TC_BODY(diff_says_old_and_new, tc)
{
	struct slot_state a = ab(), b = a;
	char buf[256];

	ATF_CHECK_EQ(slot_state_diff(&a, &b, buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, "");
	slot_activate(&b, 1, 2);
	slot_set_next(&b, 0);
	slot_state_diff(&a, &b, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "a: priority 15 -> 14; b: priority 14 -> 15, tries 3 -> 2; "
			"next boot: - -> a");
	a = b;
	slot_mark_good(&b, 1);
	b.booted = 1;
	slot_state_diff(&a, &b, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "b: good no -> yes; booted: - -> b");
	ATF_CHECK(slot_state_diff(&a, &b, buf, 10) > 0);
	ATF_CHECK_EQ(strlen(buf), 9);
}

ATF_TC_WITHOUT_HEAD(check_refuses);
ATF_TC_BODY(check_refuses, tc)
{
	struct slot_state s = ab();
	char why[128];

	ATF_CHECK_EQ(slot_state_check(&s, why, sizeof(why)), 0);
	s.slots[1].tries = 8;
	ATF_CHECK_EQ(slot_state_check(&s, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "slot b: tries 8 out of range 0-7");
	s = ab();
	strcpy(s.slots[1].name, "a");
	ATF_CHECK_EQ(slot_state_check(&s, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "slot 1: name a used twice");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, crc32c_known_value);
	ATF_TP_ADD_TC(tp, round_trip);
	ATF_TP_ADD_TC(tp, decode_errors);
	ATF_TP_ADD_TC(tp, names);
	ATF_TP_ADD_TC(tp, choose_priority_tries_good);
	ATF_TP_ADD_TC(tp, boot_takes_a_try);
	ATF_TP_ADD_TC(tp, one_shot_first_and_consumed);
	ATF_TP_ADD_TC(tp, activate_steps_others_down);
	ATF_TP_ADD_TC(tp, diff_says_old_and_new);
	ATF_TP_ADD_TC(tp, check_refuses);
	return atf_no_error();
}
