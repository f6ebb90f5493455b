/* SPDX-License-Identifier: MIT */
/*
 * Assembling md arrays through the fake seam (drivers/md/md_up.c): members
 * carry real 1.2 superblocks, arrays are fake sysfs. By members and by
 * UUID, the degraded policies on the fake clock, refusals, and an array
 * object of the number that exists already. Creating: md_create_test.c;
 * adopt, down, status: md_down_test.c.
 */
#include "md_fixture.h"

/* ---- assembling ---- */

ATF_TC_WITHOUT_HEAD(assemble_by_members);
ATF_TC_BODY(assemble_by_members, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	add_array_info(0, "raid1", 2, 0);
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	/* new_dev writes follow each other: "7:0" then "7:1". */
	check_started("7:07:1");
	ATF_CHECK_STREQ(n->device, "/dev/md0");
	ATF_CHECK_STREQ(n->summary, "/dev/md0 raid1 clear, 2 of 2 members (), sync idle, "
			"uuid " UUID_A_TEXT);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/md symlink ../md0 /dev/md/r");
	ATF_CHECK_STREQ(fake_waits(), "");
	/* Read through O_DIRECT, sized by BLKGETSIZE64, nothing written. */
	ATF_CHECK_EQ(fake_ioctl_count(BLKGETSIZE64), 2);
	ATF_CHECK(!strstr(fake_stderr(), "left out"));
}

ATF_TC_WITHOUT_HEAD(assemble_read_only_named);
ATF_TC_BODY(assemble_read_only_named, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tread-only yes\n\tname data\n\tlevel raid1\n\tuuid "
		    UUID_A_TEXT "\n}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "readonly");
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/md symlink ../md0 /dev/md/data");
}

/*
 * Without a number: the highest free one from 127 down. (The fake's
 * new_array write makes no sysfs folder, so the array it asks for never
 * appears: that is retried as an array being freed, then given up.)
 */
ATF_TC_WITHOUT_HEAD(assemble_picks_free_number);
ATF_TC_BODY(assemble_picks_free_number, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(127, "active");
	add_array_member(127, "sda");
	n = plan_of("md r {\n\tmembers /dev/loop0 /dev/loop1\n}\n");
	ATF_CHECK_EQ(up(n), -EAGAIN);
	ATF_CHECK(!strncmp(written(NEW_ARRAY), "md126md126", 10));
	ATF_CHECK_STREQ(written("/sys/block/md127/md/new_dev"), "");
	CHECK_WHY(n, "/dev/md126 was still being freed after 64 attempts in ");
}

/*
 * new_array says EEXIST for a number whose sysfs folder is not there yet
 * (another opener between md's mddev_alloc and add_disk): waited for
 * under the policy, not asked again in a tight loop.
 */
ATF_TC_WITHOUT_HEAD(assemble_free_number_not_visible_yet);
ATF_TC_BODY(assemble_free_number_not_visible_yet, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	fake_fail(FAKE_WRITE, NEW_ARRAY, -EEXIST);
	n = plan_of("md r {\n\tmembers /dev/loop0 /dev/loop1\n}\n");
	ATF_CHECK_EQ(up(n), -EAGAIN);
	CHECK_WHY(n, "/dev/md127 was still being freed after 64 attempts in ");
	ATF_CHECK_EQ(fake_wait_count(), 63);
	ATF_CHECK_STREQ(written(NEW_ARRAY), "");
}

/* The writes come in order: a refusal stops the ones after it. */
ATF_TC_WITHOUT_HEAD(assemble_write_order);
ATF_TC_BODY(assemble_write_order, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	fake_fail(FAKE_WRITE, MD0 "metadata_version", -EINVAL);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -EINVAL);
	CHECK_WHY(n, "md0: setting metadata version 1.2: Invalid argument");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "");
	/* The empty array new_array made does not outlive the run. */
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clear");

	/* A member refused: nothing started, the array cleared. */
	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	fake_fail(FAKE_WRITE, MD0 "new_dev", -EINVAL);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -EINVAL);
	CHECK_WHY(n, "md0: the kernel refused member /dev/loop0: Invalid argument");
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "1.2");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clear");

	/* Start refused: cleared, the kernel log has the reason. */
	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	fake_fail_times(FAKE_WRITE, MD0 "array_state", -EIO, 1);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -EIO);
	CHECK_WHY(n, "md0: the kernel refused to start the array: Input/output error "
		  "(its reason is in the kernel log)");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "7:07:1");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clear");
}

/* An array object being freed refuses its first write: a new try. */
ATF_TC_WITHOUT_HEAD(assemble_retries_dying_array);
ATF_TC_BODY(assemble_retries_dying_array, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	fake_fail_times(FAKE_WRITE, MD0 "metadata_version", -EBUSY, 2);
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	/* Each try makes the array anew (clearing the refused one); the third starts it. */
	ATF_CHECK_STREQ(written(NEW_ARRAY), "md0md0md0");
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "1.2");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "7:07:1");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clearclearactive");
	ATF_CHECK_EQ(fake_wait_count(), 2);
}

ATF_TC_WITHOUT_HEAD(assemble_by_uuid);
ATF_TC_BODY(assemble_by_uuid, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_disk("loop3", 3, member_sb(UUID_B, 1, 2, 0, 10));	/* another array */
	add_disk("loop4", 4, NULL);				/* blank */
	add_disk("loop5", 5, member_sb(UUID_A, 1, 2, 1, 10));
	add_array(0, "clear");
	n = plan_of("md r {\n\tuuid " UUID_A_TEXT "\n\tnumber 0\n}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:07:5");
	ATF_CHECK_STREQ(fake_waits(), "");
}

/* By UUID, the second member appears (a uevent) after 300 ms. */
ATF_TC_WITHOUT_HEAD(assemble_by_uuid_waits_for_member);
ATF_TC_BODY(assemble_by_uuid_waits_for_member, tc)
{
	static const char ev[] = "add@/devices/virtual/block/loop1\0ACTION=add\0"
		"DEVPATH=/devices/virtual/block/loop1\0SUBSYSTEM=block\0DEVNAME=loop1\0"
		"DEVTYPE=disk\0MAJOR=7\0MINOR=1";
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	n = plan_of("md r {\n\tuuid " UUID_A_TEXT "\n\tnumber 0\n}\n");
	/* loop1 has no size yet at the first look; its uevent comes at 300 ms. */
	fake_fail_times(FAKE_READ, "/sys/class/block/loop1/size", -ENOENT, 1);
	fake_uevent_push(FAKE_T0_MS + 300, 1, ev, sizeof(ev));
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:07:1");
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 300);
}

ATF_TC_WITHOUT_HEAD(assemble_by_uuid_degraded_after);
ATF_TC_BODY(assemble_by_uuid_degraded_after, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of("md r {\n\tuuid " UUID_A_TEXT "\n\tnumber 0\n\tdegraded after\n"
		    "\twait 3\n}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(fake_waits(), "3000");
	check_started("7:0");
}

ATF_TC_WITHOUT_HEAD(assemble_by_uuid_none);
ATF_TC_BODY(assemble_by_uuid_none, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop3", 3, member_sb(UUID_B, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of("md r {\n\tuuid " UUID_A_TEXT "\n\tnumber 0\n}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "no member of the array was found");
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 10000);
	check_untouched();
}

/* ---- the degraded policies ---- */

ATF_TC_WITHOUT_HEAD(stale_member_never);
ATF_TC_BODY(stale_member_never, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 8);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "1 of 2 slots present; left out: loop1 (stale: events 8, "
			"array at 10); the plan does not allow a degraded start (degraded never)");
	check_untouched();
	ATF_CHECK(strstr(fake_stderr(), "r: left out of the array: loop1 (stale: events 8, "
			 "array at 10)"));
}

ATF_TC_WITHOUT_HEAD(stale_member_now);
ATF_TC_BODY(stale_member_now, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(8, 10);	/* the stale one first */
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded now\n}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:1");
	ATF_CHECK(strstr(fake_stderr(), "r: left out of the array: loop0 (stale: events 8, "
			 "array at 10)"));
	ATF_CHECK(strstr(fake_stderr(), "r: starting DEGRADED with 1 of 2 slots (degraded now)"));
	ATF_CHECK_STREQ(fake_waits(), "");
}

/* One event behind is still fresh (the kernel's own rule). */
ATF_TC_WITHOUT_HEAD(one_event_behind_is_fresh);
ATF_TC_BODY(one_event_behind_is_fresh, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 9);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:07:1");
}

ATF_TC_WITHOUT_HEAD(missing_member_after);
ATF_TC_BODY(missing_member_after, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded after\n\twait 5\n}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	/* The whole wait went by on the clock, then it started without loop1. */
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 5000);
	ATF_CHECK_STREQ(fake_waits(), "5000");
	check_started("7:0");
	ATF_CHECK(strstr(fake_stderr(), "r: starting DEGRADED with 1 of 2 slots (degraded "
			 "after); missing: /dev/loop1: did not appear"));
}

ATF_TC_WITHOUT_HEAD(missing_member_never);
ATF_TC_BODY(missing_member_never, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 10000);
	ATF_CHECK_STREQ(n->why, "1 of 2 slots present; missing: /dev/loop1: did not appear; the plan "
			"does not allow a degraded start (degraded never)");
	check_untouched();
}

/* The wait is cut short by the run's deadline. */
ATF_TC_WITHOUT_HEAD(missing_member_run_deadline);
ATF_TC_BODY(missing_member_run_deadline, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded after\n\twait 60\n}\n");
	ctx.deadline_ms = FAKE_T0_MS + 2000;
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(fake_waits(), "2000");
	check_started("7:0");
}

/* raid0 cannot start degraded, whatever the plan allows. */
ATF_TC_WITHOUT_HEAD(missing_member_not_runnable);
ATF_TC_BODY(missing_member_not_runnable, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 0, 2, 0, 10));
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded now\n}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "1 of 2 slots present; missing: /dev/loop1: did not appear; too few "
			"to start the array");
	ATF_CHECK_STREQ(fake_waits(), "");
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(no_member_found);
ATF_TC_BODY(no_member_found, tc)
{
	struct plan_node *n;

	setup();
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded now\n}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "no member of the array was found; missing: "
			"/dev/loop0: did not appear, /dev/loop1: did not appear");
}

/* ---- refusals ---- */

ATF_TC_WITHOUT_HEAD(members_of_different_arrays);
ATF_TC_BODY(members_of_different_arrays, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_disk("loop1", 1, member_sb(UUID_B, 1, 2, 1, 10));
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tdegraded now\n}\n");
	ATF_CHECK_EQ(up(n), -EINVAL);
	ATF_CHECK_STREQ(n->why, "members of different arrays: /dev/loop0 is " UUID_A_TEXT
			", /dev/loop1 is " UUID_B_TEXT);
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(plan_uuid_mismatch);
ATF_TC_BODY(plan_uuid_mismatch, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tuuid " UUID_B_TEXT "\n}\n");
	ATF_CHECK_EQ(up(n), -EINVAL);
	ATF_CHECK_STREQ(n->why, "/dev/loop0 belongs to array " UUID_A_TEXT ", the plan says "
			UUID_B_TEXT);
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(level_mismatch);
ATF_TC_BODY(level_mismatch, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "\tlevel raid0\n}\n");
	ATF_CHECK_EQ(up(n), -EINVAL);
	ATF_CHECK_STREQ(n->why, "the array is raid1, the plan says raid0");
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(member_without_superblock);
ATF_TC_BODY(member_without_superblock, tc)
{
	struct plan_node *n;

	setup();
	add_disk("loop0", 0, member_sb(UUID_A, 1, 2, 0, 10));
	add_disk("loop1", 1, NULL);
	add_array(0, "clear");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -ENODATA);
	ATF_CHECK_STREQ(n->why, "/dev/loop1 carries no md superblock (set create yes to "
			"make a new array)");
	check_untouched();
}

/* ---- an array object of the number that exists already ---- */

ATF_TC_WITHOUT_HEAD(new_array_exists_empty_reused);
ATF_TC_BODY(new_array_exists_empty_reused, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	fake_fail(FAKE_WRITE, NEW_ARRAY, -EEXIST);
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "1.2");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "7:07:1");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "active");

	/* "inactive" is not running either. */
	setup();
	raid1_pair(10, 10);
	add_array(0, "inactive");
	fake_fail(FAKE_WRITE, NEW_ARRAY, -EEXIST);
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "active");
}

ATF_TC_WITHOUT_HEAD(new_array_exists_in_use);
ATF_TC_BODY(new_array_exists_in_use, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(0, "clear");
	add_array_member(0, "sdb");
	fake_fail(FAKE_WRITE, NEW_ARRAY, -EEXIST);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "/dev/md0 is in use (state clear, members sdb)");
	ATF_CHECK_STREQ(written(MD0 "metadata_version"), "");
	ATF_CHECK_STREQ(written(MD0 "new_dev"), "");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "");
	ATF_CHECK_STREQ(fake_waits(), "");

	/* Running without members listed: in use as well. */
	setup();
	raid1_pair(10, 10);
	add_array(0, "active");
	fake_fail(FAKE_WRITE, NEW_ARRAY, -EEXIST);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "/dev/md0 is in use (state active, members )");
	ATF_CHECK_STREQ(written(MD0 "array_state"), "");
}

/*
 * A kernel without md and no module tree to load it from: said at once,
 * before a member is read, not as 64 attempts at an array "being freed".
 */
ATF_TC_WITHOUT_HEAD(md_not_available);
ATF_TC_BODY(md_not_available, tc)
{
	struct plan_node *n;

	fake_reset();	/* setup() without /sys/module/md_mod */
	raid1_pair(10, 10);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(up(n), -ENODEV);
	CHECK_WHY(n, "md is not available in this kernel: no /sys/module/md_mod, no "
		  "/proc/mdstat (md_mod is neither built in nor loaded, and no module of "
		  "it was found to load)");
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	ATF_CHECK_EQ(fake_wait_count(), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, assemble_by_members);
	ATF_TP_ADD_TC(tp, md_not_available);
	ATF_TP_ADD_TC(tp, assemble_read_only_named);
	ATF_TP_ADD_TC(tp, assemble_picks_free_number);
	ATF_TP_ADD_TC(tp, assemble_free_number_not_visible_yet);
	ATF_TP_ADD_TC(tp, assemble_write_order);
	ATF_TP_ADD_TC(tp, assemble_retries_dying_array);
	ATF_TP_ADD_TC(tp, assemble_by_uuid);
	ATF_TP_ADD_TC(tp, assemble_by_uuid_waits_for_member);
	ATF_TP_ADD_TC(tp, assemble_by_uuid_degraded_after);
	ATF_TP_ADD_TC(tp, assemble_by_uuid_none);
	ATF_TP_ADD_TC(tp, stale_member_never);
	ATF_TP_ADD_TC(tp, stale_member_now);
	ATF_TP_ADD_TC(tp, one_event_behind_is_fresh);
	ATF_TP_ADD_TC(tp, missing_member_after);
	ATF_TP_ADD_TC(tp, missing_member_never);
	ATF_TP_ADD_TC(tp, missing_member_run_deadline);
	ATF_TP_ADD_TC(tp, missing_member_not_runnable);
	ATF_TP_ADD_TC(tp, no_member_found);
	ATF_TP_ADD_TC(tp, members_of_different_arrays);
	ATF_TP_ADD_TC(tp, plan_uuid_mismatch);
	ATF_TP_ADD_TC(tp, level_mismatch);
	ATF_TP_ADD_TC(tp, member_without_superblock);
	ATF_TP_ADD_TC(tp, new_array_exists_empty_reused);
	ATF_TP_ADD_TC(tp, new_array_exists_in_use);
	return 0;
}
