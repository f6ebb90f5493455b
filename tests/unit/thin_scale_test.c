/* SPDX-License-Identifier: MIT */
/*
 * Thin volumes of one pool, counted rather than timed (the times are make
 * bench's): the seam calls of adopting-or-bringing-up N volumes grow by
 * the same amount for each volume, nothing is looked at per volume that
 * grows with the others.
 */
#include "thin_fixture.h"
#include "fake_inject.h"

/* Pool p running, N thin volumes (ids in the pool already) adopted-or-up. */
static unsigned long up_thins(unsigned int n)
{
	size_t cap = 64 * (n + 4), len;
	char *text = malloc(cap), name[16];
	unsigned long calls;

	ATF_REQUIRE(text);
	len = (size_t)snprintf(text, cap, "%s", PLAN_POOL(""));
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"thin t%u { pool p; id %u; size 4M }\n", i, i + 1);
	setup();
	plan_of(text);
	pool_running(ST_T5);
	fake_inject_start(false);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "t%u", i);
		ATF_REQUIRE_EQ(ADOPT("thin", name), 0);
		ATF_REQUIRE_EQ_MSG(UP("thin", name), 0, "%s", node(name)->why);
	}
	calls = fake_inject_calls();
	fake_inject_stop();
	plan_free(&plan);
	free(text);
	printf("up of %u thin volumes: %lu seam calls\n", n, calls);
	return calls;
}

ATF_TC_WITHOUT_HEAD(thin_up_linear);
ATF_TC_BODY(thin_up_linear, tc)
{
	unsigned long c16 = up_thins(16), c32 = up_thins(32), c64 = up_thins(64);

	ATF_CHECK_EQ_MSG(c64 - c32, 2 * (c32 - c16),
			 "calls %lu, %lu, %lu at 16, 32, 64 volumes: not linear", c16, c32, c64);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, thin_up_linear);
	return atf_no_error();
}
