/* SPDX-License-Identifier: MIT */
/*
 * retry_run on the fake clock. With sys_random scripted to R, the wait
 * before attempt n+1 is d - d/2 + R % (d/2 + 1), d = retry_base_delay(n).
 */
#include "fake_sys.h"
#include "retry.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

/* An operation that returns scripted values, then its last one forever. */
struct script {
	int ret[16];
	unsigned int n, calls;
	uint64_t at_ms[128];	/* fake time of each call */
};

static int scripted(void *ctx)
{
	struct script *s = ctx;
	int r = s->ret[s->calls < s->n ? s->calls : s->n - 1];

	if (s->calls < 128)
		s->at_ms[s->calls] = fake_now_ms();
	s->calls++;
	return r;
}

static void busy_then(struct script *s, unsigned int k, int last)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < k; i++)
		s->ret[i] = -EBUSY;
	s->ret[k] = last;
	s->n = k + 1;
}

/* The caller's run deadline handed to retry_run (0: none). */
static uint64_t until;

static void setup(uint32_t rnd)
{
	fake_reset();
	fake_random_set(rnd);
	until = 0;
}

static void check_result(const struct retry_result *res, enum retry_outcome outcome,
			 unsigned int attempts, uint64_t elapsed_ms, int last_error)
{
	ATF_CHECK_EQ(res->outcome, outcome);
	ATF_CHECK_EQ(res->attempts, attempts);
	ATF_CHECK_EQ(res->elapsed_ms, elapsed_ms);
	ATF_CHECK_EQ(res->last_error, last_error);
}

ATF_TC_WITHOUT_HEAD(busy_policy_success_first_time);
ATF_TC_BODY(busy_policy_success_first_time, tc)
{
	struct retry_result res;
	struct script s;

	setup(7);
	busy_then(&s, 0, 0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), 0);
	check_result(&res, RETRY_DONE, 1, 0, 0);
	ATF_CHECK_STREQ(fake_waits(), "");
	ATF_CHECK_EQ(fake_random_calls(), 0);
}

ATF_TC_WITHOUT_HEAD(busy_policy_success_after_one);
ATF_TC_BODY(busy_policy_success_after_one, tc)
{
	struct retry_result res;
	struct script s;

	setup(7);
	busy_then(&s, 1, 0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), 0);
	check_result(&res, RETRY_DONE, 2, 1, 0);
	/* d = 1: no room for jitter, sys_random not even asked. */
	ATF_CHECK_STREQ(fake_waits(), "1");
	ATF_CHECK_EQ(fake_random_calls(), 0);
}

ATF_TC_WITHOUT_HEAD(busy_policy_success_after_five);
ATF_TC_BODY(busy_policy_success_after_five, tc)
{
	struct retry_result res;
	struct script s;

	setup(7);
	busy_then(&s, 5, 0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), 0);
	/* d = 1 2 4 8 16 -> 1, 1+7%2, 2+7%3, 4+7%5, 8+7%9 */
	ATF_CHECK_STREQ(fake_waits(), "1 2 3 6 15");
	check_result(&res, RETRY_DONE, 6, 27, 0);
	ATF_CHECK_EQ(s.calls, 6);
	ATF_CHECK_EQ(s.at_ms[5], FAKE_T0_MS + 27);
	ATF_CHECK_EQ(fake_random_calls(), 4);
}

ATF_TC_WITHOUT_HEAD(busy_policy_zero_random_is_lower_half);
ATF_TC_BODY(busy_policy_zero_random_is_lower_half, tc)
{
	struct retry_result res;
	struct script s;

	setup(0);
	busy_then(&s, 9, 0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), 0);
	/* d = 1 2 4 8 16 32 64 100 100: the lower end, d - d/2 */
	ATF_CHECK_STREQ(fake_waits(), "1 1 2 4 8 16 32 50 50");
	check_result(&res, RETRY_DONE, 10, 164, 0);
}

ATF_TC_WITHOUT_HEAD(eagain_is_transient);
ATF_TC_BODY(eagain_is_transient, tc)
{
	struct retry_result res;
	struct script s = { .ret = { -EAGAIN, -EAGAIN, 0 }, .n = 3 };

	setup(0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), 0);
	check_result(&res, RETRY_DONE, 3, 2, 0);
	ATF_CHECK_STREQ(fake_waits(), "1 1");
}

ATF_TC_WITHOUT_HEAD(attempt_cap);
ATF_TC_BODY(attempt_cap, tc)
{
	const struct retry_policy p = {
		.max_attempts = 4, .first_ms = 10, .max_ms = 40, .deadline_ms = 10000,
	};
	struct retry_result res;
	struct script s;

	setup(0);
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&p, until, scripted, &s, -1, &res), -EBUSY);
	check_result(&res, RETRY_ATTEMPT_CAP, 4, 35, -EBUSY);
	ATF_CHECK_STREQ(fake_waits(), "5 10 20");
	ATF_CHECK_EQ(s.calls, 4);
}

ATF_TC_WITHOUT_HEAD(attempt_cap_of_busy_policy);
ATF_TC_BODY(attempt_cap_of_busy_policy, tc)
{
	struct retry_result res;
	struct script s;

	setup(0);
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), -EBUSY);
	/* 1+1+2+4+8+16+32 = 64 ms, then 56 waits of 50 ms: within 10 s. */
	check_result(&res, RETRY_ATTEMPT_CAP, 64, 64 + 56 * 50, -EBUSY);
	ATF_CHECK_EQ(fake_wait_count(), 63);
	ATF_CHECK_EQ(s.calls, 64);
}

ATF_TC_WITHOUT_HEAD(deadline_cuts_last_wait);
ATF_TC_BODY(deadline_cuts_last_wait, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 250,
	};
	struct retry_result res;
	struct script s;

	setup(50);	/* 50 + 50 % 51: the full 100 ms */
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&p, until, scripted, &s, -1, &res), -EBUSY);
	ATF_CHECK_STREQ(fake_waits(), "100 100 50");
	check_result(&res, RETRY_DEADLINE, 4, 250, -EBUSY);
	/* One last attempt at the deadline itself. */
	ATF_CHECK_EQ(s.calls, 4);
	ATF_CHECK_EQ(s.at_ms[3], FAKE_T0_MS + 250);
}

ATF_TC_WITHOUT_HEAD(boot_deadline_cuts_policy_deadline);
ATF_TC_BODY(boot_deadline_cuts_policy_deadline, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 250,
	};
	struct retry_result res;
	struct script s;

	setup(50);
	until = FAKE_T0_MS + 120;
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&p, until, scripted, &s, -1, &res), -EBUSY);
	ATF_CHECK_STREQ(fake_waits(), "100 20");
	check_result(&res, RETRY_DEADLINE, 3, 120, -EBUSY);
	ATF_CHECK_EQ(s.at_ms[2], FAKE_T0_MS + 120);
}

ATF_TC_WITHOUT_HEAD(later_boot_deadline_does_not_extend);
ATF_TC_BODY(later_boot_deadline_does_not_extend, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 250,
	};
	struct retry_result res;
	struct script s;

	setup(50);
	until = FAKE_T0_MS + 100000;
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&p, until, scripted, &s, -1, &res), -EBUSY);
	ATF_CHECK_STREQ(fake_waits(), "100 100 50");
	check_result(&res, RETRY_DEADLINE, 4, 250, -EBUSY);
}

ATF_TC_WITHOUT_HEAD(boot_deadline_passed_one_attempt);
ATF_TC_BODY(boot_deadline_passed_one_attempt, tc)
{
	struct retry_result res;
	struct script s;

	setup(0);
	until = FAKE_T0_MS - 1;
	busy_then(&s, 1, -EBUSY);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), -EBUSY);
	check_result(&res, RETRY_DEADLINE, 1, 0, -EBUSY);
	ATF_CHECK_STREQ(fake_waits(), "");
}

ATF_TC_WITHOUT_HEAD(non_transient_error_stops);
ATF_TC_BODY(non_transient_error_stops, tc)
{
	struct retry_result res;
	struct script s;

	setup(0);
	busy_then(&s, 1, -EIO);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), -EIO);
	check_result(&res, RETRY_FAILED, 2, 1, -EIO);
	ATF_CHECK_STREQ(fake_waits(), "1");

	/* At once, without a single wait. */
	setup(0);
	busy_then(&s, 0, -EIO);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, -1, &res), -EIO);
	check_result(&res, RETRY_FAILED, 1, 0, -EIO);
	ATF_CHECK_STREQ(fake_waits(), "");
}

ATF_TC_WITHOUT_HEAD(wake_fd_ends_wait_early);
ATF_TC_BODY(wake_fd_ends_wait_early, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 10000,
	};
	struct retry_result res;
	struct script s;
	int fd;

	setup(50);
	fd = fake_event_fd();
	fake_wake_at(fd, FAKE_T0_MS + 30);
	busy_then(&s, 2, 0);
	ATF_CHECK_EQ(retry_run(&p, until, scripted, &s, fd, &res), 0);
	/* The event cut the first wait to 30 ms and was drained: the second
	 * wait is a whole one. */
	ATF_CHECK_STREQ(fake_waits(), "30 100");
	check_result(&res, RETRY_DONE, 3, 130, 0);
	ATF_CHECK_EQ(s.at_ms[1], FAKE_T0_MS + 30);
}

/* Says an event is relevant from the second one on. */
static bool second_is_relevant(const char *buf, size_t len, void *ctx)
{
	unsigned int *seen = ctx;

	(void)buf;
	(void)len;
	return ++*seen >= 2;
}

ATF_TC_WITHOUT_HEAD(irrelevant_events_do_not_end_wait);
ATF_TC_BODY(irrelevant_events_do_not_end_wait, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 10000,
	};
	struct retry_result res;
	struct script s;
	unsigned int seen = 0;
	struct retry_wake w = { .relevant = second_is_relevant, .ctx = &seen };

	setup(50);
	w.fd = fake_event_fd();
	fake_wake_at(w.fd, FAKE_T0_MS + 10);	/* another device's event */
	busy_then(&s, 1, 0);
	ATF_CHECK_EQ(retry_run_wake(&p, until, scripted, &s, &w, &res), 0);
	/* The first event is read and ignored: the wait goes on to its end. */
	ATF_CHECK_EQ(seen, 1);
	check_result(&res, RETRY_DONE, 2, 100, 0);
	ATF_CHECK_EQ(s.at_ms[1], FAKE_T0_MS + 100);

	setup(50);
	seen = 0;
	w.fd = fake_event_fd();
	fake_wake_at(w.fd, FAKE_T0_MS + 10);
	fake_wake_at(w.fd, FAKE_T0_MS + 20);
	busy_then(&s, 1, 0);
	/* Two events: the second concerns us and ends the wait there. */
	ATF_CHECK_EQ(retry_run_wake(&p, until, scripted, &s, &w, &res), 0);
	ATF_CHECK_EQ(seen, 2);
	ATF_CHECK_EQ(s.at_ms[1], FAKE_T0_MS + 20);
}

/* Busy for its first ctx calls, then done. */
static int busy_for(void *ctx)
{
	unsigned int *left = ctx;

	return *left && (*left)-- ? -EBUSY : 0;
}

/*
 * A monitor that lets go every 6 ms and opens again within a millisecond:
 * every release wakes an attempt, and those do not spend the cap of 64
 * (md_stop_race on the aarch64 board met it in 0.5 s this way).
 */
ATF_TC_WITHOUT_HEAD(woken_attempts_do_not_spend_cap);
ATF_TC_BODY(woken_attempts_do_not_spend_cap, tc)
{
	struct retry_result res;
	unsigned int left = 100;
	int fd;

	setup(0);
	fd = fake_event_fd();
	for (unsigned int i = 1; i <= 200; i++)
		fake_wake_at(fd, FAKE_T0_MS + 6 * i);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, busy_for, &left, fd, &res), 0);
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	ATF_CHECK_EQ(res.attempts, 101);
	/* At most one release (6 ms) per attempt once the delays pass 6 ms. */
	ATF_CHECK_MSG(res.elapsed_ms <= 101 * 6, "elapsed %llu ms",
		      (unsigned long long)res.elapsed_ms);
}

/* Woken attempts are bounded all the same: by RETRY_WOKEN_FACTOR. */
ATF_TC_WITHOUT_HEAD(woken_attempts_bounded);
ATF_TC_BODY(woken_attempts_bounded, tc)
{
	const struct retry_policy p = {
		.max_attempts = 4, .first_ms = 100, .max_ms = 100, .deadline_ms = 100000,
	};
	struct retry_result res;
	unsigned int left = 1000;
	int fd;

	setup(0);
	fd = fake_event_fd();
	for (unsigned int i = 1; i <= 200; i++)
		fake_wake_at(fd, FAKE_T0_MS + i);
	ATF_CHECK_EQ(retry_run(&p, until, busy_for, &left, fd, &res), -EBUSY);
	check_result(&res, RETRY_ATTEMPT_CAP, 4 * RETRY_WOKEN_FACTOR, 4 * RETRY_WOKEN_FACTOR - 1,
		     -EBUSY);
}

ATF_TC_WITHOUT_HEAD(wake_fd_without_event_waits_full);
ATF_TC_BODY(wake_fd_without_event_waits_full, tc)
{
	struct retry_result res;
	struct script s;
	int fd;

	setup(7);
	fd = fake_event_fd();
	busy_then(&s, 5, 0);
	ATF_CHECK_EQ(retry_run(&RETRY_DEVICE_BUSY, until, scripted, &s, fd, &res), 0);
	ATF_CHECK_STREQ(fake_waits(), "1 2 3 6 15");
	check_result(&res, RETRY_DONE, 6, 27, 0);
}

ATF_TC_WITHOUT_HEAD(base_delay_doubles_to_cap);
ATF_TC_BODY(base_delay_doubles_to_cap, tc)
{
	const struct retry_policy a = { .first_ms = 3, .max_ms = 10 };
	const struct retry_policy zero = { .first_ms = 0, .max_ms = 8 };
	const struct retry_policy low = { .first_ms = 50, .max_ms = 20 };
	const struct retry_policy huge = { .first_ms = 1, .max_ms = UINT32_MAX };
	const unsigned int want[] = { 1, 1, 2, 4, 8, 16, 32, 64, 100, 100, 100 };

	for (unsigned int n = 0; n < sizeof(want) / sizeof(want[0]); n++)
		ATF_CHECK_EQ_MSG(retry_base_delay(&RETRY_DEVICE_BUSY, n), want[n], "n=%u", n);
	ATF_CHECK_EQ(retry_base_delay(&RETRY_DEVICE_BUSY, 100000), 100);
	ATF_CHECK_EQ(retry_base_delay(&a, 1), 3);
	ATF_CHECK_EQ(retry_base_delay(&a, 2), 6);
	ATF_CHECK_EQ(retry_base_delay(&a, 3), 10);
	ATF_CHECK_EQ(retry_base_delay(&zero, 1), 1);
	ATF_CHECK_EQ(retry_base_delay(&zero, 4), 8);
	ATF_CHECK_EQ(retry_base_delay(&low, 1), 20);
	ATF_CHECK_EQ(retry_base_delay(&huge, 32), 1u << 31);
	ATF_CHECK_EQ(retry_base_delay(&huge, 33), UINT32_MAX);
	ATF_CHECK_EQ(retry_base_delay(&huge, 4000000000u), UINT32_MAX);
}

ATF_TC_WITHOUT_HEAD(describe_text);
ATF_TC_BODY(describe_text, tc)
{
	struct retry_result r = { RETRY_DONE, 1, 0, 0 };
	char buf[128], small[10];

	ATF_CHECK_STREQ(retry_describe(&r, buf, sizeof(buf)), "after 1 attempt in 0.000 s");
	r = (struct retry_result){ RETRY_ATTEMPT_CAP, 64, 1234, -EBUSY };
	ATF_CHECK_STREQ(retry_describe(&r, buf, sizeof(buf)),
			"after 64 attempts in 1.234 s, the attempt cap");
	r = (struct retry_result){ RETRY_DEADLINE, 5, 10000, -EBUSY };
	ATF_CHECK_STREQ(retry_describe(&r, buf, sizeof(buf)),
			"after 5 attempts in 10.000 s, the deadline");
	r = (struct retry_result){ RETRY_FAILED, 2, 7, -EIO };
	ATF_CHECK_STREQ(retry_describe(&r, buf, sizeof(buf)), "after 2 attempts in 0.007 s");
	ATF_CHECK_EQ(retry_describe(&r, small, sizeof(small)), small);
	ATF_CHECK_STREQ(small, "after 2 a");
}

ATF_TC_WITHOUT_HEAD(describe_after_run);
ATF_TC_BODY(describe_after_run, tc)
{
	const struct retry_policy p = {
		.max_attempts = 100, .first_ms = 100, .max_ms = 100, .deadline_ms = 250,
	};
	struct retry_result res;
	struct script s;
	char buf[128];

	setup(50);
	busy_then(&s, 1, -EBUSY);
	retry_run(&p, until, scripted, &s, -1, &res);
	ATF_CHECK_STREQ(retry_describe(&res, buf, sizeof(buf)),
			"after 4 attempts in 0.250 s, the deadline");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, busy_policy_success_first_time);
	ATF_TP_ADD_TC(tp, irrelevant_events_do_not_end_wait);
	ATF_TP_ADD_TC(tp, busy_policy_success_after_one);
	ATF_TP_ADD_TC(tp, busy_policy_success_after_five);
	ATF_TP_ADD_TC(tp, busy_policy_zero_random_is_lower_half);
	ATF_TP_ADD_TC(tp, eagain_is_transient);
	ATF_TP_ADD_TC(tp, attempt_cap);
	ATF_TP_ADD_TC(tp, attempt_cap_of_busy_policy);
	ATF_TP_ADD_TC(tp, deadline_cuts_last_wait);
	ATF_TP_ADD_TC(tp, boot_deadline_cuts_policy_deadline);
	ATF_TP_ADD_TC(tp, later_boot_deadline_does_not_extend);
	ATF_TP_ADD_TC(tp, boot_deadline_passed_one_attempt);
	ATF_TP_ADD_TC(tp, non_transient_error_stops);
	ATF_TP_ADD_TC(tp, wake_fd_ends_wait_early);
	ATF_TP_ADD_TC(tp, wake_fd_without_event_waits_full);
	ATF_TP_ADD_TC(tp, woken_attempts_do_not_spend_cap);
	ATF_TP_ADD_TC(tp, woken_attempts_bounded);
	ATF_TP_ADD_TC(tp, base_delay_doubles_to_cap);
	ATF_TP_ADD_TC(tp, describe_text);
	ATF_TP_ADD_TC(tp, describe_after_run);
	return atf_no_error();
}
