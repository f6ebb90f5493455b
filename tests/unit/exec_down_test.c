/* SPDX-License-Identifier: MIT */
/*
 * exec_down with the scripted driver of fake_driver.h: reverse dependency
 * order, only what blkasm created, and going on after a failure.
 */
#include "exec_fixture.h"

static void set_created(struct plan *p, const char *names)
{
	for (unsigned int i = 0; i < p->count; i++) {
		if (strstr(names, p->nodes[i].name)) {
			p->nodes[i].created = true;
			p->nodes[i].state = NODE_UP;
		}
	}
}

static int run_down(struct plan *p, const bool *want)
{
	struct exec_opts o = { .jobs = 4 };

	return exec_down(p, want, &o);
}

ATF_TC_WITHOUT_HEAD(down_reverse_order);
ATF_TC_BODY(down_reverse_order, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	set_created(&p, "abcdx");
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "down:x down:d down:c down:b down:a");
	for (unsigned int i = 0; i < p.count; i++)
		check_state(&p, p.nodes[i].name, NODE_DOWN, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: d: down (0 ms)\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(down_wanted_only);
ATF_TC_BODY(down_wanted_only, tc)
{
	bool want[] = { false, true, false, true, false };
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	set_created(&p, "abcdx");
	ATF_CHECK_EQ(run_down(&p, want), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "down:d down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "c", NODE_UP, true);
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(down_created_only);
ATF_TC_BODY(down_created_only, tc)
{
	struct plan p;

	/* c was found up (adopted): it still sits on a, so a stays up too. */
	build(&p, "a; b:a; c:a; x");
	set_created(&p, "abx");
	fake_node(&p, "c")->state = NODE_ADOPTED;
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "down:x down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "c", NODE_ADOPTED, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: c: left alone: not created by blkasm\n"));
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: left up: c still needs it\n"));

	/* Not created and not up either: nothing holds a. */
	fake_node(&p, "c")->state = NODE_PENDING;
	fake_driver_reset(2);
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "down:a");
	check_state(&p, "a", NODE_DOWN, false);
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(down_goes_on_after_failure);
ATF_TC_BODY(down_goes_on_after_failure, tc)
{
	struct plan p;

	build(&p, "a; b:a; x; y");
	set_created(&p, "abxy");
	fake_script(&p, "b")->down = -EBUSY;
	fake_script(&p, "y")->down = -EIO;
	ATF_CHECK_EQ(run_down(&p, NULL), -EIO);
	/* a is not tried: b, which needs it, is still up. */
	ATF_CHECK_STREQ(fake_driver_calls(), "down:y down:x down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_UP, true);
	check_state(&p, "x", NODE_DOWN, false);
	check_state(&p, "y", NODE_UP, true);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: left up: b still needs it\n"));
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: cannot take it down: Device or resource busy\n"));
	fake_plan_free(&p);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, down_reverse_order);
	ATF_TP_ADD_TC(tp, down_wanted_only);
	ATF_TP_ADD_TC(tp, down_created_only);
	ATF_TP_ADD_TC(tp, down_goes_on_after_failure);
	return 0;
}
