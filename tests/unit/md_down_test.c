/* SPDX-License-Identifier: MIT */
/*
 * The md node's adopt, down and status through the fake seam: finding the
 * array by its members' UUID, stopping it under EBUSY with the policy's
 * waits, and what is reported.
 */
#include "md_fixture.h"

/* md0 running on loop0 and loop1, members of UUID_A. */
static void running(const char *state)
{
	setup();
	raid1_pair(10, 10);
	add_array(0, state);
	add_array_member(0, "loop0");
	add_array_member(0, "loop1");
	add_array_info(0, "raid1", 2, 0);
}

ATF_TC_WITHOUT_HEAD(adopt_running);
ATF_TC_BODY(adopt_running, tc)
{
	struct plan_node *n;

	running("clean");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->adopt(&ctx, n), 1);
	ATF_CHECK_STREQ(n->device, "/dev/md0");
	ATF_CHECK_STREQ(n->summary, "/dev/md0 raid1 clean, 2 of 2 members (loop0 loop1), "
			"sync idle, uuid " UUID_A_TEXT);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /dev/md symlink ../md0 /dev/md/r");
	check_untouched();

	/* By the plan's uuid alone. */
	running("active");
	n = plan_of("md r {\n\tuuid " UUID_A_TEXT "\n}\n");
	ATF_CHECK_EQ(md()->adopt(&ctx, n), 1);
	ATF_CHECK_STREQ(n->device, "/dev/md0");
}

ATF_TC_WITHOUT_HEAD(adopt_inactive_refused);
ATF_TC_BODY(adopt_inactive_refused, tc)
{
	struct plan_node *n;

	running("inactive");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->adopt(&ctx, n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "/dev/md0 holds members of this array but is not running "
			"(state inactive): left alone");
	ATF_CHECK_STREQ(n->device, "");
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(adopt_nothing);
ATF_TC_BODY(adopt_nothing, tc)
{
	struct plan_node *n;

	/* md0 runs another array. */
	setup();
	raid1_pair(10, 10);
	add_disk("loop3", 3, member_sb(UUID_B, 1, 2, 0, 10));
	add_array(0, "active");
	add_array_member(0, "loop3");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->adopt(&ctx, n), 0);
	ATF_CHECK_STREQ(n->device, "");

	/* No member there, no uuid: nothing to look for. */
	setup();
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->adopt(&ctx, n), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

static int down(struct plan_node *n)
{
	int r;

	snprintf(n->device, NODE_DEVICE_SIZE, "/dev/md0");
	r = md()->down(&ctx, n);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	return r;
}

ATF_TC_WITHOUT_HEAD(down_stops);
ATF_TC_BODY(down_stops, tc)
{
	struct plan_node *n;

	running("clean");
	n = plan_of(PLAN_AB "}\n");
	ATF_REQUIRE_EQ_MSG(down(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clear");
	ATF_CHECK_STREQ(fake_waits(), "");
}

ATF_TC_WITHOUT_HEAD(down_busy_twice);
ATF_TC_BODY(down_busy_twice, tc)
{
	struct retry_policy p = RETRY_DEVICE_BUSY;
	struct plan_node *n;
	char want[32];

	running("active");
	n = plan_of(PLAN_AB "}\n");
	fake_random_set(0);
	fake_fail_times(FAKE_WRITE, MD0 "array_state", -EBUSY, 2);
	ATF_REQUIRE_EQ_MSG(down(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "clear");
	/* The policy's first two delays, with the least jitter. */
	snprintf(want, sizeof(want), "%u %u",
		 retry_base_delay(&p, 1) - retry_base_delay(&p, 1) / 2,
		 retry_base_delay(&p, 2) - retry_base_delay(&p, 2) / 2);
	ATF_CHECK_STREQ(fake_waits(), want);
}

ATF_TC_WITHOUT_HEAD(down_busy_gives_up);
ATF_TC_BODY(down_busy_gives_up, tc)
{
	struct plan_node *n;
	char want[64];

	running("active");
	n = plan_of(PLAN_AB "}\n");
	fake_random_set(0);
	fake_fail(FAKE_WRITE, MD0 "array_state", -EBUSY);
	ATF_CHECK_EQ(down(n), -EBUSY);
	snprintf(want, sizeof(want), "/dev/md0 still running after %u attempts",
		 RETRY_DEVICE_BUSY.max_attempts);
	CHECK_WHY(n, want);
	CHECK_WHY(n, ": Device or resource busy (held by ");
	ATF_CHECK_EQ(fake_wait_count(), RETRY_DEVICE_BUSY.max_attempts - 1);
	ATF_CHECK(fake_now_ms() - FAKE_T0_MS <= RETRY_DEVICE_BUSY.deadline_ms);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "");
}

/* At the deadline rather than the attempt cap: the most jitter. */
ATF_TC_WITHOUT_HEAD(down_busy_until_deadline);
ATF_TC_BODY(down_busy_until_deadline, tc)
{
	struct plan_node *n;

	running("active");
	n = plan_of(PLAN_AB "}\n");
	fake_random_set(UINT32_MAX);
	ctx.deadline_ms = FAKE_T0_MS + 1000;	/* the run's deadline cuts the policy's */
	fake_fail(FAKE_WRITE, MD0 "array_state", -EBUSY);
	ATF_CHECK_EQ(down(n), -EBUSY);
	CHECK_WHY(n, "/dev/md0 still running after ");
	CHECK_WHY(n, " attempts in 1.000 s, the deadline: Device or resource busy");
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 1000);
}

ATF_TC_WITHOUT_HEAD(down_nothing_running);
ATF_TC_BODY(down_nothing_running, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(down(n), 0);
	ATF_CHECK_STREQ(fake_trace(), "");

	/* Stopped already: nothing written. */
	running("clear");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(down(n), 0);
	ATF_CHECK_STREQ(written(MD0 "array_state"), "");
}

/* The array runs under another number than the one we started: not ours. */
ATF_TC_WITHOUT_HEAD(down_other_number_left_alone);
ATF_TC_BODY(down_other_number_left_alone, tc)
{
	struct plan_node *n;

	setup();
	raid1_pair(10, 10);
	add_array(5, "active");
	add_array_member(5, "loop0");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(down(n), -ESTALE);
	ATF_CHECK_STREQ(n->why, "the array runs as /dev/md5 now, not /dev/md0: left alone");
	ATF_CHECK_STREQ(written("/sys/block/md5/md/array_state"), "");
}

ATF_TC_WITHOUT_HEAD(status_running);
ATF_TC_BODY(status_running, tc)
{
	struct node_status st;
	struct plan_node *n;

	running("clean");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->status(&ctx, n, &st), 0);
	ATF_CHECK(st.present);
	ATF_CHECK_STREQ(st.detail, "raid1 clean, 2 of 2 members (loop0 loop1), sync idle, "
			"uuid " UUID_A_TEXT);
	ATF_CHECK_STREQ(n->device, "/dev/md0");

	running("inactive");
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->status(&ctx, n, &st), 0);
	ATF_CHECK(!st.present);

	setup();
	n = plan_of(PLAN_AB "}\n");
	ATF_CHECK_EQ(md()->status(&ctx, n, &st), 0);
	ATF_CHECK(!st.present);
	ATF_CHECK_STREQ(st.detail, "");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, adopt_running);
	ATF_TP_ADD_TC(tp, adopt_inactive_refused);
	ATF_TP_ADD_TC(tp, adopt_nothing);
	ATF_TP_ADD_TC(tp, down_stops);
	ATF_TP_ADD_TC(tp, down_busy_twice);
	ATF_TP_ADD_TC(tp, down_busy_gives_up);
	ATF_TP_ADD_TC(tp, down_busy_until_deadline);
	ATF_TP_ADD_TC(tp, down_nothing_running);
	ATF_TP_ADD_TC(tp, down_other_number_left_alone);
	ATF_TP_ADD_TC(tp, status_running);
	return 0;
}
