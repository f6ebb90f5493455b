/* SPDX-License-Identifier: MIT */
/* Plan value syntax shared by the validator and drivers: sizes, booleans. */
#include "plan.h"

#include <atf-c.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

ATF_TC_WITHOUT_HEAD(sizes);
ATF_TC_BODY(sizes, tc)
{
	static const struct {
		const char *text;
		int r;
		uint64_t bytes;
	} t[] = {
		{ "0", 0, 0 }, { "4096", 0, 4096 }, { "007", 0, 7 },
		{ "64K", 0, 65536 }, { "64KiB", 0, 65536 }, { "1M", 0, 1048576 },
		{ "1MiB", 0, 1048576 }, { "3G", 0, 3ull << 30 }, { "2GiB", 0, 2ull << 30 },
		{ "2T", 0, 2ull << 40 }, { "1TiB", 0, 1ull << 40 },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "16777215T", 0, 16777215ull << 40 }, { "16777216T", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "K", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 },
		{ "1k", -EINVAL, 0 }, { "1KB", -EINVAL, 0 }, { "1Ki", -EINVAL, 0 },
		{ "1P", -EINVAL, 0 }, { "1 K", -EINVAL, 0 }, { "1.5G", -EINVAL, 0 },
		{ "1KiBx", -EINVAL, 0 }, { "0x10", -EINVAL, 0 },
		{ "99999999999999999999999X", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t bytes = 12345;
		int r = plan_parse_size(t[i].text, &bytes);

		ATF_CHECK_EQ_MSG(r, t[i].r, "'%s': %d, expected %d", t[i].text, r, t[i].r);
		if (t[i].r == 0)
			ATF_CHECK_EQ_MSG(bytes, t[i].bytes, "'%s': %llu", t[i].text,
					 (unsigned long long)bytes);
		else
			ATF_CHECK_EQ_MSG(bytes, 12345, "'%s' wrote its result", t[i].text);
	}
}

ATF_TC_WITHOUT_HEAD(bools);
ATF_TC_BODY(bools, tc)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	static const char *const bad[] = { "", "Yes", "y", "2", "onn", "of", "true " };
	bool b;

	for (size_t i = 0; i < 4; i++) {
		b = false;
		ATF_CHECK(plan_parse_bool(yes[i], &b) == 0 && b);
		b = true;
		ATF_CHECK(plan_parse_bool(no[i], &b) == 0 && !b);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_EQ_MSG(plan_parse_bool(bad[i], &b), -EINVAL, "'%s'", bad[i]);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, sizes);
	ATF_TP_ADD_TC(tp, bools);
	return atf_no_error();
}
