/* SPDX-License-Identifier: MIT */
#include "retry.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>

/*
 * For a device another process holds for a moment (udev-like probers open a
 * new device for tens of milliseconds). Peers: systemd retries loop setup 64
 * times with 10-250 ms sleeps, libdevmapper and mdadm 25 x 200 ms. We start
 * at 1 ms so a short hold costs little, and the wake fd ends waits early.
 */
const struct retry_policy RETRY_DEVICE_BUSY = {
	.max_attempts = 64,
	.first_ms = 1,
	.max_ms = 100,
	.deadline_ms = 10000,
};

uint32_t retry_base_delay(const struct retry_policy *p, unsigned int n)
{
	uint64_t d = p->first_ms ? p->first_ms : 1;

	while (n-- > 1 && d < p->max_ms)
		d *= 2;
	return d > p->max_ms ? p->max_ms : (uint32_t)d;
}

static uint32_t jitter(uint32_t d)
{
	uint32_t half = d / 2;

	return d - half + (half ? sys_random() % (half + 1) : 0);
}

/*
 * Empties a readable wake fd so the next poll waits for a new event.
 * Returns whether any of what it read concerns the operation.
 */
static bool drain(const struct retry_wake *w)
{
	char buf[8192];
	bool relevant = !w->relevant;
	ssize_t n;

	while ((n = sys_read(w->fd, buf, sizeof(buf))) > 0)
		if (!relevant && w->relevant(buf, (size_t)n, w->ctx))
			relevant = true;
	return relevant;
}

/*
 * Sleeps up to ms, less when the wake fd has an event that concerns the
 * operation; other events (another device's uevents) do not cut it short,
 * so a busy system cannot burn the attempt cap.
 * Returns whether such an event ended the wait.
 */
static bool wait_ms(uint64_t ms, const struct retry_wake *w)
{
	uint64_t end = sys_now_ms() + ms, now;
	struct pollfd pfd = { .fd = w ? w->fd : -1, .events = POLLIN };

	if (!w || w->fd < 0) {
		sys_sleep_ns(ms * 1000000u);
		return false;
	}
	do {
		now = sys_now_ms();
		if (sys_poll(&pfd, 1, end > now ? (int)(end - now) : 0) <= 0)
			return false;
		if (drain(w))
			return true;
	} while (sys_now_ms() < end);
	return false;
}

static bool transient(int r)
{
	return r == -EBUSY || r == -EAGAIN;
}

int retry_run(const struct retry_policy *p, uint64_t until_ms, retry_op op, void *ctx,
	      int wake_fd, struct retry_result *res)
{
	struct retry_wake w = { .fd = wake_fd };

	return retry_run_wake(p, until_ms, op, ctx, wake_fd >= 0 ? &w : NULL, res);
}

int retry_run_wake(const struct retry_policy *p, uint64_t until_ms, retry_op op, void *ctx,
		   const struct retry_wake *wake, struct retry_result *res)
{
	uint64_t start = sys_now_ms(), deadline = start + p->deadline_ms, now;
	unsigned int n = 0, timed = 0;
	bool woken = false;
	int r;

	if (until_ms && until_ms < deadline)
		deadline = until_ms;
	for (;;) {
		r = op(ctx);
		n++;
		/*
		 * An attempt made because the holder let go (its close, its
		 * uevent) does not spend the cap: a monitor that opens the
		 * device again within a millisecond, every few milliseconds,
		 * would otherwise use up 64 attempts in half a second. Those
		 * are bounded by the deadline and RETRY_WOKEN_FACTOR.
		 */
		if (!woken)
			timed++;
		now = sys_now_ms();
		if (r == 0 || !transient(r)) {
			res->outcome = r == 0 ? RETRY_DONE : RETRY_FAILED;
			break;
		}
		if (timed >= p->max_attempts || n >= p->max_attempts * RETRY_WOKEN_FACTOR) {
			res->outcome = RETRY_ATTEMPT_CAP;
			break;
		}
		if (now >= deadline) {
			res->outcome = RETRY_DEADLINE;
			break;
		}
		uint64_t d = jitter(retry_base_delay(p, n));

		woken = wait_ms(d < deadline - now ? d : deadline - now, wake);
	}
	res->attempts = n;
	res->elapsed_ms = now - start;
	res->last_error = r;
	return r;
}

const char *retry_describe(const struct retry_result *res, char *buf, unsigned int size)
{
	static const char *const why[] = {
		[RETRY_DONE] = "", [RETRY_FAILED] = "",
		[RETRY_ATTEMPT_CAP] = ", the attempt cap",
		[RETRY_DEADLINE] = ", the deadline",
	};

	snprintf(buf, size, "after %u attempt%s in %llu.%03llu s%s",
		 res->attempts, res->attempts == 1 ? "" : "s",
		 (unsigned long long)(res->elapsed_ms / 1000),
		 (unsigned long long)(res->elapsed_ms % 1000), why[res->outcome]);
	return buf;
}
