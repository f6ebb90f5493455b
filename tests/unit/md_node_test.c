/* SPDX-License-Identifier: MIT */
/*
 * The md node's options (drivers/md/md_node.c md_validate): each refusal with
 * its text and the position it points at, and what good plans fill into
 * struct md_conf. Bringing arrays up and down: md_up_test.c.
 */
#include "md/md_node.h"
#include "plan_fixture.h"
#include "plan.h"
#include "plan_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define UUID_TEXT "3f1c2a4b:01234567:89abcdef:fedcba98"

/* A valid plan whose node "r" is the md node. */
static const struct md_conf *valid(struct plan *p, const char *text)
{
	struct plan_error err;
	char msg[1024];
	int r = plan_parse(p, driver_table, "t.conf", text, strlen(text), &err);

	if (r == 0)
		r = plan_validate(p, &err);
	ATF_REQUIRE_MSG(r == 0, "%s: %s", text, plan_error_str(&err, msg, sizeof(msg)));
	ATF_REQUIRE(plan_find(p, "r") >= 0);
	return md_conf_of(&p->nodes[plan_find(p, "r")]);
}

ATF_TC_WITHOUT_HEAD(bad_uuid);
ATF_TC_BODY(bad_uuid, tc)
{
	static const char want[] = "2:7: uuid of md node 'r' must be 32 hex digits "
		"(xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx)";

	check_error("md r {\n\tuuid 3f1c2a4b:01234567:89abcdef\n}\n", want);
	check_error("md r {\n\tuuid 3f1c2a4b:01234567:89abcdef:fedcba9z\n}\n", want);
	check_error("md r {\n\tuuid " UUID_TEXT ":00\n}\n", want);
	check_error("md r {\n\tuuid xyz\n\tmembers /dev/loop0\n}\n", want);
	check_error("md r {\n\tuuid " UUID_TEXT "\n}\n", "(valid)");
	check_error("md r {\n\tuuid 3f1c2a4b-0123-4567-89ab-cdeffedcba98\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(bad_name);
ATF_TC_BODY(bad_name, tc)
{
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop1\n\tname a/b\n}\n",
		    "3:7: md array name 'a/b' must be 1 to 32 letters, digits, '.', '_' or '-'");
	check_error("md r {\n\tmembers /dev/loop0\n\tname "
		    "abcdefghijklmnopqrstuvwxyz0123456\n}\n",
		    "3:7: md array name 'abcdefghijklmnopqrstuvwxyz0123456' must be 1 to 32 "
		    "letters, digits, '.', '_' or '-'");
	check_error("md r {\n\tmembers /dev/loop0\n\tname \"\"\n}\n",
		    "3:7: empty value for option 'name' (expected text)");
	/* The node's name stands in when too long: the members are pointed at. */
	check_error("md abcdefghijklmnopqrstuvwxyz0123456 {\n\tmembers /dev/loop0\n}\n",
		    "2:10: md array name 'abcdefghijklmnopqrstuvwxyz0123456' must be 1 to 32 "
		    "letters, digits, '.', '_' or '-' (set name)");
	check_error("md abcdefghijklmnopqrstuvwxyz0123456 {\n\tmembers /dev/loop0\n"
		    "\tname short\n}\n", "(valid)");
	check_error("md abcdefghijklmnopqrstuvwxyz0123456 {\n\tuuid " UUID_TEXT "\n}\n",
		    "1:4: md array name 'abcdefghijklmnopqrstuvwxyz0123456' must be 1 to 32 "
		    "letters, digits, '.', '_' or '-' (set name)");
	/* Without members, the node's name is pointed at (no option at all: no crash). */
	check_error("md abcdefghijklmnopqrstuvwxyz0123456 { }\n",
		    "1:4: md array name 'abcdefghijklmnopqrstuvwxyz0123456' must be 1 to 32 "
		    "letters, digits, '.', '_' or '-' (set name)");
	check_error("md r {\n\tmembers /dev/loop0\n\tname "
		    "abcdefghijklmnopqrstuvwxyz012345\n}\n", "(valid)");
	check_error("md r {\n\tmembers /dev/loop0\n\tname A.b_c-9\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(bad_number);
ATF_TC_BODY(bad_number, tc)
{
	static const char want[] = "3:9: number of md node 'r' must be 0 to 511";

	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 512\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 4294967808\n}\n",
		    "3:9: bad number '4294967808' for option 'number' (expected a whole number "
		    "from 0 to 4294967295)");
	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 4294967295\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 0511\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 511\n}\n", "(valid)");
	check_error("md r {\n\tmembers /dev/loop0\n\tnumber 0\n}\n", "(valid)");
	/* Not a number at all: the generic check of OPT_UINT says so first. */
	ATF_CHECK(strcmp(first_error("md r {\n\tmembers /dev/loop0\n\tnumber x\n}\n"),
			 "(valid)"));
}

ATF_TC_WITHOUT_HEAD(bad_level);
ATF_TC_BODY(bad_level, tc)
{
	static const char want[] = "3:8: level of md node 'r' must be raid0, raid1, "
		"raid5 or raid10";

	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid6\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel RAID1\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel linear\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid10\n}\n", "(valid)");
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel 5\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(bad_degraded);
ATF_TC_BODY(bad_degraded, tc)
{
	check_error("md r {\n\tmembers /dev/loop0\n\tdegraded yes\n}\n",
		    "3:11: degraded of md node 'r' must be never, after or now");
	check_error("md r {\n\tmembers /dev/loop0\n\tdegraded Now\n}\n",
		    "3:11: degraded of md node 'r' must be never, after or now");
}

ATF_TC_WITHOUT_HEAD(bad_wait);
ATF_TC_BODY(bad_wait, tc)
{
	static const char want[] = "3:7: wait of md node 'r' must be at most 3600 seconds";

	check_error("md r {\n\tmembers /dev/loop0\n\twait 3601\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\twait 4294967296\n}\n",
		    "3:7: bad number '4294967296' for option 'wait' (expected a whole number "
		    "from 0 to 4294967295)");
	/* 4294968 s would wrap to 704 ms when made milliseconds. */
	check_error("md r {\n\tmembers /dev/loop0\n\twait 4294968\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\twait 3600\n}\n", "(valid)");
	check_error("md r {\n\tmembers /dev/loop0\n\twait 0\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(create_needs);
ATF_TC_BODY(create_needs, tc)
{
	check_error("md r {\n\tuuid " UUID_TEXT "\n\tlevel raid1\n\tcreate yes\n}\n",
		    "4:9: md node 'r' creates an array: it needs members");
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop1\n\tcreate yes\n}\n",
		    "3:9: md node 'r' creates an array: it needs a level");
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop1\n\tlevel raid5\n\tcreate yes\n}\n",
		    "2:10: a raid5 array needs 3 to 64 members, md node 'r' has 2");
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid1\n\tcreate yes\n}\n",
		    "2:10: a raid1 array needs 2 to 64 members, md node 'r' has 1");
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid0\n\tcreate yes\n}\n",
		    "2:10: a raid0 array needs 2 to 64 members, md node 'r' has 1");
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid10\n\tcreate yes\n}\n",
		    "2:10: a raid10 array needs 2 to 64 members, md node 'r' has 1");
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop1 /dev/loop2\n\tlevel raid5\n"
		    "\tcreate yes\n}\n", "(valid)");
	/* Without create, the level only has to match what is found. */
	check_error("md r {\n\tmembers /dev/loop0\n\tlevel raid5\n\tcreate no\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(too_many_members);
ATF_TC_BODY(too_many_members, tc)
{
	char text[2048] = "md r {\n\tmembers";
	char create[2100];

	for (int i = 0; i < 65; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " /dev/loop%d", i);
	snprintf(create, sizeof(create), "%s\n\tlevel raid1\n\tcreate yes\n}\n", text);
	strcat(text, "\n}\n");
	check_error(text, "2:10: md node 'r' has 65 members, at most 64");
	check_error(create, "2:10: a raid1 array needs 2 to 64 members, md node 'r' has 65");
}

ATF_TC_WITHOUT_HEAD(bad_chunk);
ATF_TC_BODY(bad_chunk, tc)
{
	static const char want[] = "3:8: chunk of md node 'r' must be a power of two "
		"from 4K to 256M";

	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 48K\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 2K\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 512M\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 0\n}\n", want);
	/* Checked before the create options, with or without create. */
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 3000\n\tcreate yes\n}\n", want);
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 4K\n}\n", "(valid)");
	check_error("md r {\n\tmembers /dev/loop0\n\tchunk 256M\n}\n", "(valid)");
}

ATF_TC_WITHOUT_HEAD(needs_members_or_uuid);
ATF_TC_BODY(needs_members_or_uuid, tc)
{
	check_error("\nmd  r {\n\tlevel raid1\n\tname data\n}\n",
		    "2:5: md node 'r' needs members or a uuid");
	check_error("md r { }\n", "1:4: md node 'r' needs members or a uuid");
}

ATF_TC_WITHOUT_HEAD(unknown_and_duplicate);
ATF_TC_BODY(unknown_and_duplicate, tc)
{
	/* Two md nodes that would run the same array name. */
	check_error("md a {\n\tmembers /dev/loop0\n\tname x\n}\nmd b {\n\tmembers /dev/loop1\n"
		    "\tname x\n}\n",
		    "7:7: md node 'b' conflicts with node 'a' (3:7): it names the md array x, "
		    "and 'a' names the md array x");
	/* The default name is the node's: a name x on another node clashes. */
	check_error("md x {\n\tmembers /dev/loop0\n}\nmd b {\n\tmembers /dev/loop1\n"
		    "\tname x\n}\n",
		    "6:7: md node 'b' conflicts with node 'x' (1:4): it names the md array x, "
		    "and 'x' names the md array x");
	ATF_CHECK(strstr(first_error("md r {\n\tmembers /dev/loop0\n\tspare /dev/loop1\n}\n"),
			 "unknown option 'spare'"));
}

/* One device in two slots would be an array without redundancy. */
ATF_TC_WITHOUT_HEAD(member_listed_twice);
ATF_TC_BODY(member_listed_twice, tc)
{
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop0\n\tlevel raid1\n\tcreate yes\n}\n",
		    "2:21: md node 'r' lists member /dev/loop0 twice (first at 2:10)");
	check_error("loop a {\n\tfile /a.img\n}\nmd r {\n\tmembers a /dev/loop1 a\n}\n",
		    "5:23: md node 'r' lists member a twice (first at 5:10)");
	check_error("md r {\n\tmembers /dev/loop0 /dev/loop1\n\tlevel raid1\n\tcreate yes\n}\n",
		    "(valid)");
}

ATF_TC_WITHOUT_HEAD(good_defaults);
ATF_TC_BODY(good_defaults, tc)
{
	struct plan p;
	const struct md_conf *mc = valid(&p, "md r {\n\tmembers /dev/loop0 /dev/loop1\n}\n");

	ATF_CHECK(!mc->has_uuid);
	ATF_CHECK_STREQ(mc->name, "r");
	ATF_CHECK(!mc->has_number);
	ATF_CHECK(!mc->has_level);
	ATF_CHECK(!mc->create);
	ATF_CHECK(!mc->read_only);
	ATF_CHECK(!mc->assume_clean);
	ATF_CHECK_EQ(mc->chunk_sectors, 1024);
	ATF_CHECK_EQ(mc->degraded, MD_DEGRADED_NEVER);
	ATF_CHECK_EQ(mc->wait_ms, 10000);
	ATF_REQUIRE_EQ(p.nodes[0].nclaims, 3);
	ATF_CHECK_STREQ(p.nodes[0].claims[0].text, "names the md array r");
	ATF_CHECK_STREQ(p.nodes[0].claims[1].text, "uses /dev/loop0 as an md member");
	ATF_CHECK_STREQ(p.nodes[0].claims[2].text, "uses /dev/loop1 as an md member");
	ATF_CHECK_EQ(p.nodes[0].ndeps, 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(good_everything);
ATF_TC_BODY(good_everything, tc)
{
	static const uint8_t uuid[16] = {
		0x3f, 0x1c, 0x2a, 0x4b, 0x01, 0x23, 0x45, 0x67,
		0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
	};
	struct plan p;
	const struct md_conf *mc = valid(&p,
		"loop a { file /images/a.img }\n"
		"loop b { file /images/b.img }\n"
		"loop c { file /images/c.img }\n"
		"md r {\n\tmembers a b c\n\tuuid " UUID_TEXT "\n\tname data\n\tnumber 5\n"
		"\tlevel raid5\n\tcreate yes\n\tchunk 64K\n\tassume-clean yes\n"
		"\tdegraded after\n\twait 30\n\tread-only yes\n}\n");
	const struct plan_node *n = &p.nodes[3];

	ATF_CHECK(mc->has_uuid);
	ATF_CHECK(!memcmp(mc->uuid, uuid, 16));
	ATF_CHECK_STREQ(mc->name, "data");
	ATF_CHECK(mc->has_number);
	ATF_CHECK_EQ(mc->number, 5);
	ATF_CHECK(mc->has_level);
	ATF_CHECK_EQ(mc->level, 5);
	ATF_CHECK(mc->create);
	ATF_CHECK(mc->assume_clean);
	ATF_CHECK(mc->read_only);
	ATF_CHECK_EQ(mc->chunk_sectors, 128);
	ATF_CHECK_EQ(mc->degraded, MD_DEGRADED_AFTER);
	ATF_CHECK_EQ(mc->wait_ms, 30000);
	/* Name, number, uuid (in one spelling) and each member. */
	ATF_REQUIRE_EQ(n->nclaims, 6);
	ATF_CHECK_STREQ(n->claims[0].text, "names the md array data");
	ATF_CHECK_STREQ(n->claims[1].text, "takes /dev/md5");
	ATF_CHECK_STREQ(n->claims[2].key, "3f1c2a4b:01234567:89abcdef:fedcba98");
	ATF_CHECK_STREQ(n->claims[3].text, "uses a as an md member");
	ATF_CHECK_STREQ(n->claims[5].key, "c");
	/* Members that are nodes are its dependencies. */
	ATF_REQUIRE_EQ(n->ndeps, 3);
	ATF_CHECK_EQ(n->deps[0], 0);
	ATF_CHECK_EQ(n->deps[1], 1);
	ATF_CHECK_EQ(n->deps[2], 2);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(good_levels_and_policies);
ATF_TC_BODY(good_levels_and_policies, tc)
{
	static const struct { const char *text; int32_t level; } levels[] = {
		{ "raid0", 0 }, { "0", 0 }, { "raid1", 1 }, { "1", 1 },
		{ "raid5", 5 }, { "5", 5 }, { "raid10", 10 }, { "10", 10 },
	};
	static const struct { const char *text; enum md_degraded d; } policies[] = {
		{ "never", MD_DEGRADED_NEVER }, { "after", MD_DEGRADED_AFTER },
		{ "now", MD_DEGRADED_NOW },
	};
	char text[256];
	struct plan p;

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(text, sizeof(text), "md r {\n\tuuid " UUID_TEXT "\n\tlevel %s\n}\n",
			 levels[i].text);
		ATF_CHECK_EQ_MSG(valid(&p, text)->level, levels[i].level, "%s", levels[i].text);
		plan_free(&p);
	}
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		snprintf(text, sizeof(text), "md r {\n\tuuid " UUID_TEXT "\n\tdegraded %s\n}\n",
			 policies[i].text);
		ATF_CHECK_EQ_MSG(valid(&p, text)->degraded, policies[i].d, "%s",
				 policies[i].text);
		plan_free(&p);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, bad_uuid);
	ATF_TP_ADD_TC(tp, bad_name);
	ATF_TP_ADD_TC(tp, bad_number);
	ATF_TP_ADD_TC(tp, bad_level);
	ATF_TP_ADD_TC(tp, bad_degraded);
	ATF_TP_ADD_TC(tp, bad_wait);
	ATF_TP_ADD_TC(tp, create_needs);
	ATF_TP_ADD_TC(tp, too_many_members);
	ATF_TP_ADD_TC(tp, bad_chunk);
	ATF_TP_ADD_TC(tp, needs_members_or_uuid);
	ATF_TP_ADD_TC(tp, unknown_and_duplicate);
	ATF_TP_ADD_TC(tp, member_listed_twice);
	ATF_TP_ADD_TC(tp, good_defaults);
	ATF_TP_ADD_TC(tp, good_everything);
	ATF_TP_ADD_TC(tp, good_levels_and_policies);
	return 0;
}
