/* SPDX-License-Identifier: MIT */
/*
 * exec_up with the scripted driver of fake_driver.h: the order of calls,
 * concurrency, adopt, failures, teardown and the deadline.
 */
#include "exec_fixture.h"

/* Every node started (adopt or up) only after each of its deps ended. */
static void check_started_after_deps(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		const struct plan_node *n = &p->nodes[i];
		int start = fake_driver_event("up", n->name);

		if (fake_driver_event("adopt", n->name) >= 0)
			start = fake_driver_event("adopt", n->name);
		ATF_CHECK_MSG(start >= 0, "%s never started", n->name);
		for (unsigned int k = 0; k < n->ndeps; k++) {
			const char *dep = p->nodes[n->deps[k]].name;
			int end = fake_driver_event("end", dep);

			ATF_CHECK_MSG(end >= 0 && end < start, "%s started before %s ended",
				      n->name, dep);
		}
	}
}

static int run_up(struct plan *p, unsigned int jobs)
{
	struct exec_opts o = { .jobs = jobs };

	return exec_up(p, NULL, &o);
}

ATF_TC_WITHOUT_HEAD(up_order_one_job);
ATF_TC_BODY(up_order_one_job, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	/* Ready nodes go in file order: d before x once b and c are up. */
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:c up:d up:x");
	check_started_after_deps(&p);
	for (unsigned int i = 0; i < p.count; i++)
		check_state(&p, p.nodes[i].name, NODE_UP, true);
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: a: made a (0 ms)\n"
			"blkasm: b: made b (0 ms)\n"
			"blkasm: c: made c (0 ms)\n"
			"blkasm: d: made d (0 ms)\n"
			"blkasm: x: made x (0 ms)\n");
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_order_written_backwards);
ATF_TC_BODY(up_order_written_backwards, tc)
{
	struct plan p;

	build(&p, "d:c; c:b; b:a; a");
	ATF_CHECK_EQ(run_up(&p, 0), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:c up:d");
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_timing_and_summary);
ATF_TC_BODY(up_timing_and_summary, tc)
{
	struct plan p;

	build(&p, "a; b:a");
	fake_script(&p, "a")->advance_ms = 7;
	fake_script(&p, "b")->up = 1;	/* a positive return is success too */
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	ATF_CHECK_EQ(fake_node(&p, "a")->ms, 7);
	ATF_CHECK_EQ(fake_node(&p, "b")->ms, 0);
	/* No summary from the driver: the line says "up". */
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: a: made a (7 ms)\nblkasm: b: up (0 ms)\n");
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_order_four_jobs);
ATF_TC_BODY(up_order_four_jobs, tc)
{
	struct plan p;

	/* Many runs: each interleaving the scheduler picks must hold. */
	for (int run = 0; run < 50; run++) {
		build(&p, "a; b:a; c:a; d:b,c; x; y:x; z:y,d; w");
		ATF_CHECK_EQ(run_up(&p, 4), 0);
		check_started_after_deps(&p);
		ATF_CHECK_EQ(fake_driver_events(), 2 * p.count);
		for (unsigned int i = 0; i < p.count; i++)
			check_state(&p, p.nodes[i].name, NODE_UP, true);
		fake_plan_free(&p);
	}
}

ATF_TC_WITHOUT_HEAD(up_branches_overlap);
ATF_TC_BODY(up_branches_overlap, tc)
{
	struct plan p;

	for (unsigned int jobs = 2; jobs <= 4; jobs += 2) {
		/* a and b each wait in up until both have started. */
		build(&p, "a; b; c:a,b");
		fake_script(&p, "a")->rendezvous = true;
		fake_script(&p, "b")->rendezvous = true;
		ATF_CHECK_EQ_MSG(run_up(&p, jobs), 0, "jobs %u: %s", jobs, fake_stderr());
		check_started_after_deps(&p);
		check_state(&p, "c", NODE_UP, true);
		fake_plan_free(&p);
	}
}

ATF_TC_WITHOUT_HEAD(up_adopt);
ATF_TC_BODY(up_adopt, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b");
	fake_script(&p, "b")->adopt = 1;
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a adopt:b up:c");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_ADOPTED, false);
	check_state(&p, "c", NODE_UP, true);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: already up: found b\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_adopt_fails);
ATF_TC_BODY(up_adopt_fails, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b");
	fake_script(&p, "b")->adopt = -EEXIST;
	fake_script(&p, "b")->why = "/dev/loop0 is something else";
	ATF_CHECK_EQ(run_up(&p, 1), -EEXIST);
	/* up is not tried over what adopt found. */
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a adopt:b down:a");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(fake_node(&p, "b")->why, "/dev/loop0 is something else");
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: /dev/loop0 is something else\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(failure_tears_down_but_not_adopted);
ATF_TC_BODY(failure_tears_down_but_not_adopted, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b; d:c");
	fake_script(&p, "b")->adopt = 1;
	fake_script(&p, "d")->up = -EIO;
	fake_script(&p, "d")->why = "boom";
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a adopt:b up:c up:d down:c down:a");
	check_state(&p, "a", NODE_DOWN, false);
	check_state(&p, "b", NODE_ADOPTED, false);
	check_state(&p, "c", NODE_DOWN, false);
	check_state(&p, "d", NODE_FAILED, false);
	ATF_CHECK_STREQ(fake_node(&p, "d")->why, "boom");
	ATF_CHECK(strstr(fake_stderr(), "blkasm: d: boom\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(failure_starts_nothing_more);
ATF_TC_BODY(failure_starts_nothing_more, tc)
{
	struct plan p;

	build(&p, "a; b; c; d:a");
	fake_script(&p, "b")->up = -EIO;
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b down:a");
	check_state(&p, "b", NODE_FAILED, false);
	check_state(&p, "c", NODE_SKIPPED, false);
	check_state(&p, "d", NODE_SKIPPED, false);
	ATF_CHECK_STREQ(fake_node(&p, "c")->why, "not started: b failed");
	/* No why from the driver: the error's text. */
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: Input/output error\n"));
	fake_plan_free(&p);
}

/* exec_up with the node that ended it. */
static int run_up_failed(struct plan *p, const bool *want, const struct plan_node **failed)
{
	struct exec_opts o = { .jobs = 1, .failed = failed };

	*failed = (const struct plan_node *)p;	/* must be overwritten */
	return exec_up(p, want, &o);
}

/* A node named in a may_fail_opt fails: the node naming it runs and decides. */
ATF_TC_WITHOUT_HEAD(may_fail_goes_on);
ATF_TC_BODY(may_fail_goes_on, tc)
{
	const struct plan_node *failed;
	struct plan p;

	build(&p, "a; b; r:~a,~b; top:r");
	fake_script(&p, "a")->up = -ENOENT;
	fake_script(&p, "a")->why = "cannot open /img/a.img: No such file or directory";
	ATF_CHECK_EQ(run_up_failed(&p, NULL, &failed), 0);
	ATF_CHECK(failed == NULL);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:r up:top");
	check_state(&p, "a", NODE_FAILED, false);
	check_state(&p, "r", NODE_UP, true);
	check_state(&p, "top", NODE_UP, true);
	ATF_CHECK_STREQ(fake_node(&p, "a")->why, "cannot open /img/a.img: No such file or directory");
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: cannot open /img/a.img: No such file or "
			 "directory; r goes on without it\n"));
	fake_plan_free(&p);
}

/* When the node that went on fails after all, the run fails on it. */
ATF_TC_WITHOUT_HEAD(may_fail_then_dependent_fails);
ATF_TC_BODY(may_fail_then_dependent_fails, tc)
{
	const struct plan_node *failed;
	struct plan p;

	build(&p, "a; b; r:~a,~b; top:r");
	fake_script(&p, "a")->up = -ENOENT;
	fake_script(&p, "r")->up = -ENODEV;
	fake_script(&p, "r")->why = "1 of 2 slots present; missing: a";
	ATF_CHECK_EQ(run_up_failed(&p, NULL, &failed), -ENODEV);
	ATF_CHECK(failed == fake_node(&p, "r"));
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:r down:b");
	check_state(&p, "a", NODE_FAILED, false);
	check_state(&p, "r", NODE_FAILED, false);
	check_state(&p, "top", NODE_SKIPPED, false);
	ATF_CHECK_STREQ(fake_node(&p, "top")->why, "not started: r failed");
	fake_plan_free(&p);
}

/* Anything else in the run that needs the node makes its failure the run's. */
ATF_TC_WITHOUT_HEAD(may_fail_only_when_all_tolerate);
ATF_TC_BODY(may_fail_only_when_all_tolerate, tc)
{
	static const bool only_a[] = { true, false };
	const struct plan_node *failed;
	struct plan p;

	build(&p, "a; r:~a; x:a");
	fake_script(&p, "a")->up = -EIO;
	ATF_CHECK_EQ(run_up_failed(&p, NULL, &failed), -EIO);
	ATF_CHECK(failed == fake_node(&p, "a"));
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a");
	check_state(&p, "r", NODE_SKIPPED, false);
	fake_plan_free(&p);

	/* Named in another option of the same node too ("after a"). */
	build(&p, "a; r:~a,^a");
	fake_script(&p, "a")->up = -EIO;
	ATF_CHECK_EQ(run_up_failed(&p, NULL, &failed), -EIO);
	ATF_CHECK(failed == fake_node(&p, "a"));
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a");
	fake_plan_free(&p);

	/* Nothing in this run needs it. */
	build(&p, "a; r:~a");
	fake_script(&p, "a")->up = -EIO;
	ATF_CHECK_EQ(run_up_failed(&p, only_a, &failed), -EIO);
	ATF_CHECK(failed == fake_node(&p, "a"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(failure_lets_running_finish);
ATF_TC_BODY(failure_lets_running_finish, tc)
{
	struct plan p;

	/* s and f run together; f fails; s still finishes, then goes down. */
	build(&p, "s; f; c:s,f; d:c");
	fake_script(&p, "s")->rendezvous = true;
	fake_script(&p, "f")->rendezvous = true;
	fake_script(&p, "f")->up = -ENOSPC;
	ATF_CHECK_EQ(run_up(&p, 4), -ENOSPC);
	ATF_CHECK_EQ(fake_driver_event("up", "c"), -1);
	ATF_CHECK(fake_driver_event("down", "s") > fake_driver_event("end", "s"));
	ATF_CHECK_EQ(fake_driver_event("down", "f"), -1);
	check_state(&p, "s", NODE_DOWN, false);
	check_state(&p, "f", NODE_FAILED, false);
	check_state(&p, "c", NODE_SKIPPED, false);
	check_state(&p, "d", NODE_SKIPPED, false);
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(teardown_reverse_completion);
ATF_TC_BODY(teardown_reverse_completion, tc)
{
	struct plan p;

	/* Completion order a b c: not the file order (b a c). */
	build(&p, "b:a; a; c; f:c");
	fake_script(&p, "f")->up = -EIO;
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:c up:f down:c down:b down:a");
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(teardown_failure_leaves_node);
ATF_TC_BODY(teardown_failure_leaves_node, tc)
{
	struct plan p;

	build(&p, "a; b:a; f:b");
	fake_script(&p, "f")->up = -EIO;
	fake_script(&p, "a")->down = -EBUSY;
	fake_script(&p, "a")->why = "held by pid 12";
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a up:b up:f down:b down:a");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_DOWN, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: cannot take it down: held by pid 12\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(deadline);
ATF_TC_BODY(deadline, tc)
{
	struct exec_opts o = { .jobs = 1, .deadline_ms = FAKE_T0_MS + 10 };
	struct plan p;

	build(&p, "a; b:a; c");
	fake_script(&p, "a")->advance_ms = 10;
	ATF_CHECK_EQ(exec_up(&p, NULL, &o), -ETIMEDOUT);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:a down:a");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(fake_node(&p, "b")->why, "not started before the deadline");
	check_state(&p, "c", NODE_SKIPPED, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: not started before the deadline\n"));
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_wanted_only);
ATF_TC_BODY(up_wanted_only, tc)
{
	bool want[] = { false, true, false };
	struct exec_opts o = { .jobs = 2 };
	struct plan p;

	/* a is up from an earlier run: b may start, c is not asked for. */
	build(&p, "a; b:a; c:b");
	fake_node(&p, "a")->state = NODE_UP;
	ATF_CHECK_EQ(exec_up(&p, want, &o), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:b");
	check_state(&p, "c", NODE_PENDING, false);

	/* b again: it is up already, nothing to do. */
	ATF_CHECK_EQ(exec_up(&p, want, &o), 0);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:b");
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(up_need_not_wanted);
ATF_TC_BODY(up_need_not_wanted, tc)
{
	bool want[] = { false, true, true };
	struct exec_opts o = { .jobs = 4 };
	struct plan p;

	/* A selection that leaves out what b needs cannot hang the run. */
	build(&p, "a; b:a; c");
	ATF_CHECK_EQ(exec_up(&p, want, &o), -EDEADLK);
	ATF_CHECK_STREQ(fake_driver_calls(), "up:c down:c");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(fake_node(&p, "b")->why, "cannot start: needs a, which is not up");
	fake_plan_free(&p);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, up_order_one_job);
	ATF_TP_ADD_TC(tp, up_order_written_backwards);
	ATF_TP_ADD_TC(tp, up_timing_and_summary);
	ATF_TP_ADD_TC(tp, up_order_four_jobs);
	ATF_TP_ADD_TC(tp, up_branches_overlap);
	ATF_TP_ADD_TC(tp, up_adopt);
	ATF_TP_ADD_TC(tp, up_adopt_fails);
	ATF_TP_ADD_TC(tp, failure_tears_down_but_not_adopted);
	ATF_TP_ADD_TC(tp, failure_starts_nothing_more);
	ATF_TP_ADD_TC(tp, may_fail_goes_on);
	ATF_TP_ADD_TC(tp, may_fail_then_dependent_fails);
	ATF_TP_ADD_TC(tp, may_fail_only_when_all_tolerate);
	ATF_TP_ADD_TC(tp, failure_lets_running_finish);
	ATF_TP_ADD_TC(tp, teardown_reverse_completion);
	ATF_TP_ADD_TC(tp, teardown_failure_leaves_node);
	ATF_TP_ADD_TC(tp, deadline);
	ATF_TP_ADD_TC(tp, up_wanted_only);
	ATF_TP_ADD_TC(tp, up_need_not_wanted);
	return 0;
}
