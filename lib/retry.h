/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_RETRY_H
#define BLKASM_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Bounded retry of one kernel operation that can fail transiently (EBUSY
 * while another process briefly holds a device, EAGAIN). See docs/retry.md.
 *
 * Delays grow from first_ms by doubling up to max_ms, each drawn with "equal
 * jitter" from [d/2, d]. A wait ends early when the optional wake fd becomes
 * readable (a uevent, an inotify close event), so a release is noticed at
 * once rather than at the next tick. Both limits apply: at most
 * max_attempts attempts after a delay ran its course (an attempt made at
 * once because the holder let go does not count, and all attempts
 * together stay under max_attempts * RETRY_WOKEN_FACTOR), and no attempt
 * starts after the deadline (min(start + deadline_ms, until_ms: the run's
 * deadline)); one last attempt is made at the deadline itself.
 */
#define RETRY_WOKEN_FACTOR 16u

struct retry_policy {
	unsigned int max_attempts;
	uint32_t first_ms;
	uint32_t max_ms;
	uint32_t deadline_ms;
};

enum retry_outcome {
	RETRY_DONE,		/* the operation succeeded */
	RETRY_FAILED,		/* a non-transient error: not retried */
	RETRY_ATTEMPT_CAP,	/* still transient after max_attempts */
	RETRY_DEADLINE,		/* still transient at the deadline */
};

struct retry_result {
	enum retry_outcome outcome;
	unsigned int attempts;
	uint64_t elapsed_ms;
	int last_error;		/* -errno of the last attempt, 0 on success */
};

/* Returns 0 on success, -EBUSY or -EAGAIN to be retried, other -errno fatal. */
typedef int (*retry_op)(void *ctx);

extern const struct retry_policy RETRY_DEVICE_BUSY;

/* The delay before attempt n+1 (n >= 1) before jitter; pure. */
uint32_t retry_base_delay(const struct retry_policy *p, unsigned int n);

/*
 * Runs op until it succeeds or a limit is reached: the policy's, or
 * until_ms, the caller's run deadline (absolute, sys_now_ms time; 0 for
 * none). wake_fd may be -1.
 * Returns: 0 on success, else the last -errno of op (res says why).
 */
int retry_run(const struct retry_policy *p, uint64_t until_ms, retry_op op, void *ctx,
	      int wake_fd, struct retry_result *res);

/*
 * A wake fd whose events end a wait early only when relevant() says one
 * concerns the operation (relevant NULL: any event does). It gets each
 * datagram or read as it came.
 */
struct retry_wake {
	int fd;
	bool (*relevant)(const char *buf, size_t len, void *ctx);
	void *ctx;
};

int retry_run_wake(const struct retry_policy *p, uint64_t until_ms, retry_op op, void *ctx,
		   const struct retry_wake *wake, struct retry_result *res);

/* "after 5 attempts in 1.2 s" style text for diagnoses. */
const char *retry_describe(const struct retry_result *res, char *buf, unsigned int size);

#endif
