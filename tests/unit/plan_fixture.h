/* SPDX-License-Identifier: MIT */
/*
 * Shared by plan_test.c, md_node_test.c and thin_node_test.c: the first
 * error a plan text gets from the real kinds (drivers/table.c), parse then
 * validate, and the check of it against the expected text.
 */
#ifndef BLKASM_PLAN_FIXTURE_H
#define BLKASM_PLAN_FIXTURE_H

#include "table.h"
#include "plan.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The first error of text's len bytes as "L:C: message", or "(valid)". */
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
