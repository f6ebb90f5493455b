/* SPDX-License-Identifier: MIT */
/*
 * For the tests of plan validation (plan_test.c, plan_claim_test.c and the
 * node kinds' option tests): a plan's first error as "LINE:COL: message",
 * checked against the expected text.
 */
#ifndef BLKASM_PLAN_FIXTURE_H
#define BLKASM_PLAN_FIXTURE_H

#include "table.h"
#include "plan.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

/* The first error of text (parse, then validate), or "(valid)". */
static inline const char *first_error_len(const char *text, size_t len)
{
	static char msg[1024];
	struct plan_error err;
	struct plan p;
	int r;

	r = plan_parse(&p, driver_table, "", text, len, &err);
	if (r == 0) {
		r = plan_validate(&p, &err);
		plan_free(&p);
	}
	if (r == 0)
		return "(valid)";
	ATF_CHECK_EQ_MSG(r, -EINVAL, "'%s' gave %d", text, r);
	return plan_error_str(&err, msg, sizeof(msg));
}

static inline const char *first_error(const char *text)
{
	return first_error_len(text, strlen(text));
}

static inline void check_error(const char *text, const char *want)
{
	const char *got = first_error(text);

	ATF_CHECK_MSG(!strcmp(got, want), "\n%s\n  expected: %s\n  got:      %s", text,
		      want, got);
}

#endif
