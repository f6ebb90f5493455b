/* SPDX-License-Identifier: MIT */
/*
 * md members that are lost or unusable (drivers/md/md_gather.c): a member
 * node that failed, a superblock that fails its checksum, one device
 * listed twice. The first two are missing members for the degraded
 * policy, named with the reason; the last is refused.
 */
#include "md_fixture.h"

/*
 * Node r of PLAN_AB + rest: loop0 good, loop1 a loop device of image file
 * /img/b.img whose superblock fails its checksum.
 */
static struct plan_node *bad_loop1(const char *rest)
{
	uint8_t *img = disk_image(member_sb(UUID_A, 1, 2, 1, 10));
	char text[256];

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_disk("loop1", 1, NULL);
	img[8 * 512 + 200] ^= 1;	/* the checksum no longer matches */
	fake_blkdev_add("/dev/loop1", makedev(7, 1), img, DISK_BYTES);
	fake_file_add("/sys/class/block/loop1/loop/backing_file", "/img/b.img\n");
	free(img);
	add_array(0, "clear");
	snprintf(text, sizeof(text), "%s%s}\n", PLAN_AB, rest);
	return plan_of(text);
}

/* A bad superblock leaves the member out, named; the policy decides. */
ATF_TC_WITHOUT_HEAD(member_with_bad_superblock);
ATF_TC_BODY(member_with_bad_superblock, tc)
{
	struct plan_node *n = bad_loop1("");

	ATF_CHECK_EQ(up(n), -ENODEV);
	CHECK_WHY(n, "1 of 2 slots present; missing: /dev/loop1 (file /img/b.img): bad md "
		  "superblock: checksum");
	CHECK_WHY(n, "the plan does not allow a degraded start (degraded never)");
	/* Present but unusable: nothing to wait for. */
	ATF_CHECK_STREQ(fake_waits(), "");
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(member_with_bad_superblock_after);
ATF_TC_BODY(member_with_bad_superblock_after, tc)
{
	struct plan_node *n = bad_loop1("\tdegraded after\n");

	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:0");
	ATF_CHECK_STREQ(fake_waits(), "");
	ATF_CHECK(strstr(fake_stderr(), "r: starting DEGRADED with 1 of 2 slots (degraded "
			 "after); missing: /dev/loop1 (file /img/b.img): bad md superblock: "
			 "checksum"));
}

/*
 * A member node that failed (its image file is gone) is a missing member
 * named with its node's why: the executor lets the md node run after it.
 */
#define PLAN_NODES "device m0 { device /dev/loop0 }\ndevice m1 { device /dev/loop1 }\n" \
	"md r {\n\tmembers m0 m1\n\tnumber 0\n"

/* Node r of PLAN_NODES + rest, with m0 up on loop0 and m1 failed. */
static struct plan_node *member_node_failed(const char *rest)
{
	char text[256];
	struct plan_node *n, *m0, *m1;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	snprintf(text, sizeof(text), "%s%s}\n", PLAN_NODES, rest);
	n = plan_of(text);
	m0 = &plan.nodes[plan_find(&plan, "m0")];
	m1 = &plan.nodes[plan_find(&plan, "m1")];
	snprintf(m0->device, NODE_DEVICE_SIZE, "/dev/loop0");
	m0->state = NODE_UP;
	m1->state = NODE_FAILED;
	snprintf(m1->why, NODE_WHY_SIZE, "cannot open /img/b.img: No such file or directory");
	return n;
}

ATF_TC_WITHOUT_HEAD(member_node_failed_after);
ATF_TC_BODY(member_node_failed_after, tc)
{
	struct plan_node *n = member_node_failed("\tdegraded after\n");

	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:0");
	/* Its node ended: nothing to wait for. */
	ATF_CHECK_STREQ(fake_waits(), "");
	ATF_CHECK(strstr(fake_stderr(), "r: starting DEGRADED with 1 of 2 slots (degraded "
			 "after); missing: m1: cannot open /img/b.img: No such file or "
			 "directory"));
}

ATF_TC_WITHOUT_HEAD(member_node_failed_never);
ATF_TC_BODY(member_node_failed_never, tc)
{
	struct plan_node *n = member_node_failed("");

	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "1 of 2 slots present; missing: m1: cannot open /img/b.img: "
			"No such file or directory; the plan does not allow a degraded start "
			"(degraded never)");
	check_untouched();
}

/*
 * A plan with create yes runs at every boot: once the array exists, a lost
 * member is a missing member there too, not a refusal to create.
 */
ATF_TC_WITHOUT_HEAD(member_node_failed_create_after);
ATF_TC_BODY(member_node_failed_create_after, tc)
{
	struct plan_node *n = member_node_failed("\tlevel raid1\n\tcreate yes\n"
						 "\tdegraded after\n");

	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:0");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	ATF_CHECK(strstr(fake_stderr(), "r: starting DEGRADED with 1 of 2 slots (degraded "
			 "after); missing: m1: cannot open /img/b.img"));

	/* Blank members with one missing: nothing is created. */
	n = member_node_failed("\tlevel raid1\n\tcreate yes\n\tdegraded after\n");
	add_disk("loop0", 0, NULL);
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "cannot create the array: members missing or unusable: m1: "
			"cannot open /img/b.img: No such file or directory");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();
}

/* Two spellings of one device: one device in two slots is refused. */
ATF_TC_WITHOUT_HEAD(member_twice_by_another_name);
ATF_TC_BODY(member_twice_by_another_name, tc)
{
	struct plan_node *n, *m0;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of("device m0 { device /dev/loop0 }\nmd r {\n\tmembers m0 /dev/loop0\n"
		    "\tnumber 0\n\tdegraded now\n}\n");
	m0 = &plan.nodes[plan_find(&plan, "m0")];
	snprintf(m0->device, NODE_DEVICE_SIZE, "/dev/loop0");
	ATF_CHECK_EQ(up(n), -EINVAL);
	ATF_CHECK_STREQ(n->why, "members m0 and /dev/loop0 are the same device /dev/loop0: "
			"list each member once");
	check_untouched();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, member_with_bad_superblock);
	ATF_TP_ADD_TC(tp, member_with_bad_superblock_after);
	ATF_TP_ADD_TC(tp, member_node_failed_after);
	ATF_TP_ADD_TC(tp, member_node_failed_never);
	ATF_TP_ADD_TC(tp, member_node_failed_create_after);
	ATF_TP_ADD_TC(tp, member_twice_by_another_name);
	return 0;
}
