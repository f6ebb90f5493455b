/* SPDX-License-Identifier: MIT */
/*
 * drivers/dm/thin_status.c: thin-pool and thin status lines as Linux 6.1
 * prints them (dm-thin.c pool_status/thin_status, with their trailing
 * space), what older and vendor kernels print, malformed lines with the
 * why text; table lines and pool messages.
 */
#include "dm/thin_status.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

static struct thin_pool_status pool_ok(const char *line)
{
	struct thin_pool_status st;
	char why[160] = "";

	memset(&st, 0x5a, sizeof(st));
	ATF_REQUIRE_EQ_MSG(thin_pool_status_parse(line, &st, why, sizeof(why)), 0,
			   "'%s': %s", line, why);
	return st;
}

static void pool_bad(const char *line, const char *want)
{
	struct thin_pool_status st = { .transaction_id = 77 };
	char why[160] = "";

	ATF_CHECK_EQ_MSG(thin_pool_status_parse(line, &st, why, sizeof(why)), -EINVAL,
			 "'%s' parsed", line);
	ATF_CHECK_MSG(!strcmp(why, want), "'%s'\n  expected: %s\n  got:      %s", line,
		      want, why);
	ATF_CHECK_EQ(st.transaction_id, 77);	/* untouched */
}

static struct thin_status thin_ok(const char *line)
{
	struct thin_status st;
	char why[160] = "";

	memset(&st, 0x5a, sizeof(st));
	ATF_REQUIRE_EQ_MSG(thin_status_parse(line, &st, why, sizeof(why)), 0, "'%s': %s",
			   line, why);
	return st;
}

static void thin_bad(const char *line, const char *want)
{
	struct thin_status st = { .mapped_sectors = 77 };
	char why[160] = "";

	ATF_CHECK_EQ_MSG(thin_status_parse(line, &st, why, sizeof(why)), -EINVAL,
			 "'%s' parsed", line);
	ATF_CHECK_MSG(!strcmp(why, want), "'%s'\n  expected: %s\n  got:      %s", line,
		      want, why);
	ATF_CHECK_EQ(st.mapped_sectors, 77);
}

ATF_TC_WITHOUT_HEAD(pool_healthy);
ATF_TC_BODY(pool_healthy, tc)
{
	/* A fresh pool: 16 MiB metadata (4096 blocks), 1 GiB of 64 KiB blocks. */
	struct thin_pool_status st =
		pool_ok("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024 ");

	ATF_CHECK(!st.fail && !st.error);
	ATF_CHECK_EQ(st.transaction_id, 0);
	ATF_CHECK_EQ(st.meta_used, 10);
	ATF_CHECK_EQ(st.meta_total, 4096);
	ATF_CHECK_EQ(st.data_used, 0);
	ATF_CHECK_EQ(st.data_total, 16384);
	ATF_CHECK_STREQ(st.held_root, "-");
	ATF_CHECK_EQ(st.mode, THIN_POOL_RW);
	ATF_CHECK(st.discard_passdown);
	ATF_CHECK(!st.error_if_no_space);
	ATF_CHECK(!st.needs_check);
	ATF_CHECK(st.has_meta_low_water);
	ATF_CHECK_EQ(st.meta_low_water, 1024);

	st = pool_ok("18446744073709551615 37/4096 1230/16384 2049 rw no_discard_passdown "
		     "error_if_no_space - 1024");
	ATF_CHECK_EQ(st.transaction_id, UINT64_MAX);
	ATF_CHECK_EQ(st.data_used, 1230);
	ATF_CHECK_STREQ(st.held_root, "2049");
	ATF_CHECK(!st.discard_passdown);
	ATF_CHECK(st.error_if_no_space);
}

ATF_TC_WITHOUT_HEAD(pool_needs_check_and_modes);
ATF_TC_BODY(pool_needs_check_and_modes, tc)
{
	struct thin_pool_status st;

	st = pool_ok("3 120/4096 800/16384 - ro discard_passdown queue_if_no_space "
		     "needs_check 1024 ");
	ATF_CHECK(st.needs_check);
	ATF_CHECK_EQ(st.mode, THIN_POOL_RO);
	ATF_CHECK_EQ(st.transaction_id, 3);

	st = pool_ok("5 200/4096 16384/16384 - out_of_data_space discard_passdown "
		     "queue_if_no_space - 1024 ");
	ATF_CHECK_EQ(st.mode, THIN_POOL_OUT_OF_DATA);
	ATF_CHECK_EQ(st.data_used, st.data_total);

	st = pool_ok("1 14/4096 5/16384 - ro ignore_discard queue_if_no_space - 1024 ");
	ATF_CHECK_EQ(st.mode, THIN_POOL_RO);
	ATF_CHECK(!st.discard_passdown);
}

ATF_TC_WITHOUT_HEAD(pool_fail_error);
ATF_TC_BODY(pool_fail_error, tc)
{
	struct thin_pool_status st = pool_ok("Fail");

	ATF_CHECK(st.fail && !st.error);
	ATF_CHECK_EQ(st.transaction_id, 0);
	ATF_CHECK_EQ(st.meta_total, 0);
	ATF_CHECK(!st.has_meta_low_water);
	st = pool_ok("Error");
	ATF_CHECK(st.error && !st.fail);
	ATF_CHECK_EQ(st.data_total, 0);
}

ATF_TC_WITHOUT_HEAD(pool_low_watermark_optional);
ATF_TC_BODY(pool_low_watermark_optional, tc)
{
	/* Linux 4.2 to 4.18: no metadata_low_watermark. */
	struct thin_pool_status st =
		pool_ok("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space - ");

	ATF_CHECK(!st.has_meta_low_water);
	ATF_CHECK_EQ(st.meta_low_water, 0);
	/* A later kernel appending a field: ignored. */
	st = pool_ok("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024 "
		     "something_new 7");
	ATF_CHECK(st.has_meta_low_water);
	ATF_CHECK_EQ(st.meta_low_water, 1024);
	/* Tabs and a newline (text copied from dmsetup). */
	st = pool_ok("\t0 10/4096 0/16384 -\trw discard_passdown queue_if_no_space - 1024\n");
	ATF_CHECK_EQ(st.meta_total, 4096);
}

ATF_TC_WITHOUT_HEAD(pool_malformed);
ATF_TC_BODY(pool_malformed, tc)
{
	pool_bad("", "thin-pool status is empty");
	pool_bad("   ", "thin-pool status is empty");
	pool_bad(NULL, "thin-pool status is empty");
	/* Linux before 4.2: no needs_check. */
	pool_bad("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space",
		 "thin-pool status '0 10/4096 0/16384 - rw discard_passdown ' has 7 "
		 "fields, 8 or more expected (kernel 4.2 or later)");
	pool_bad("x 10/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 1 (transaction id) is 'x'");
	pool_bad("-1 10/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 1 (transaction id) is '-1'");
	pool_bad("18446744073709551616 10/4096 0/16384 - rw discard_passdown "
		 "queue_if_no_space - 1024",
		 "thin-pool status field 1 (transaction id) is '18446744073709551616'");
	pool_bad("0 10 0/16384 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 2 (used/total metadata blocks) is '10'");
	pool_bad("0 4097/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 2 (used/total metadata blocks) is '4097/4096'");
	pool_bad("0 10/4096 /16384 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 3 (used/total data blocks) is '/16384'");
	pool_bad("0 10/4096 1/2/3 - rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 3 (used/total data blocks) is '1/2/3'");
	pool_bad("0 10/4096 0/16384 root rw discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 4 (held metadata root or -) is 'root'");
	pool_bad("0 10/4096 0/16384 - RW discard_passdown queue_if_no_space - 1024",
		 "thin-pool status field 5 (rw, ro or out_of_data_space) is 'RW'");
	pool_bad("0 10/4096 0/16384 - rw discard queue_if_no_space - 1024",
		 "thin-pool status field 6 (discard_passdown, no_discard_passdown or "
		 "ignore_discard) is 'discard'");
	pool_bad("0 10/4096 0/16384 - rw discard_passdown queue - 1024",
		 "thin-pool status field 7 (error_if_no_space or queue_if_no_space) is 'queue'");
	pool_bad("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space check 1024",
		 "thin-pool status field 8 (needs_check or -) is 'check'");
	pool_bad("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space - lots",
		 "thin-pool status field 9 (metadata low watermark) is 'lots'");
	/* Fields quoted at most 40 bytes long. */
	pool_bad("0 10/4096 0/16384 - rw discard_passdown queue_if_no_space "
		 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn 1024",
		 "thin-pool status field 8 (needs_check or -) is "
		 "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...'");
}

ATF_TC_WITHOUT_HEAD(pool_bounded);
ATF_TC_BODY(pool_bounded, tc)
{
	static char line[THIN_STATUS_MAX + 2];
	struct thin_pool_status st;
	char why[8];

	memset(line, ' ', THIN_STATUS_MAX + 1);
	pool_bad(line, "thin-pool status is longer than 4096 bytes");
	line[THIN_STATUS_MAX] = '\0';
	pool_bad(line, "thin-pool status is empty");
	/* why cut short, or none at all. */
	ATF_CHECK_EQ(thin_pool_status_parse("x", &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "thin-po");
	ATF_CHECK_EQ(thin_pool_status_parse("x", &st, NULL, 0), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(thin_lines);
ATF_TC_BODY(thin_lines, tc)
{
	struct thin_status st = thin_ok("0 -");

	ATF_CHECK(!st.fail && !st.error);
	ATF_CHECK_EQ(st.mapped_sectors, 0);
	ATF_CHECK(!st.has_highest);
	st = thin_ok("2048 4095");
	ATF_CHECK_EQ(st.mapped_sectors, 2048);
	ATF_CHECK(st.has_highest);
	ATF_CHECK_EQ(st.highest_mapped, 4095);
	st = thin_ok("Fail");
	ATF_CHECK(st.fail && !st.error);
	ATF_CHECK_EQ(st.mapped_sectors, 0);
	st = thin_ok("Error");
	ATF_CHECK(st.error && !st.fail);
	/* A vendor kernel's extra fields. */
	st = thin_ok("128 255 idle idle 7 ");
	ATF_CHECK_EQ(st.highest_mapped, 255);
}

ATF_TC_WITHOUT_HEAD(thin_malformed);
ATF_TC_BODY(thin_malformed, tc)
{
	thin_bad("", "thin status is empty");
	thin_bad("-", "thin status is '-': the target has no thin device");
	thin_bad("2048", "thin status '2048' has 1 field, 2 expected");
	thin_bad("- -", "thin status field 1 (mapped sectors) is '-'");
	thin_bad("2048 0x10", "thin status field 2 (highest mapped sector or -) is '0x10'");
	thin_bad("2048 +5", "thin status field 2 (highest mapped sector or -) is '+5'");
	thin_bad("99999999999999999999 -",
		 "thin status field 1 (mapped sectors) is '99999999999999999999'");
}

ATF_TC_WITHOUT_HEAD(tables);
ATF_TC_BODY(tables, tc)
{
	char buf[128];

	ATF_CHECK_EQ(thin_pool_table(buf, sizeof(buf), makedev(7, 0), makedev(7, 1),
				     128, 0, false, false), 15);
	ATF_CHECK_STREQ(buf, "7:0 7:1 128 0 0");
	ATF_CHECK(thin_pool_table(buf, sizeof(buf), makedev(253, 1), makedev(259, 1048575),
				  2097152, 4096, true, true) > 0);
	ATF_CHECK_STREQ(buf, "253:1 259:1048575 2097152 4096 2 skip_block_zeroing read_only");
	ATF_CHECK(thin_pool_table(buf, sizeof(buf), makedev(7, 0), makedev(7, 1),
				  1024, 10, false, true) > 0);
	ATF_CHECK_STREQ(buf, "7:0 7:1 1024 10 1 read_only");
	/* Block sizes pool_ctr refuses. */
	ATF_CHECK_EQ(thin_pool_table(buf, sizeof(buf), 0, 0, 64, 0, false, false), -EINVAL);
	ATF_CHECK_EQ(thin_pool_table(buf, sizeof(buf), 0, 0, 200, 0, false, false), -EINVAL);
	ATF_CHECK_EQ(thin_pool_table(buf, sizeof(buf), 0, 0, 2097152 + 128, 0, false, false),
		     -EINVAL);
	ATF_CHECK_EQ(thin_pool_table(buf, 15, makedev(7, 0), makedev(7, 1), 128, 0, false,
				     false), -ENOSPC);
	ATF_CHECK_EQ(thin_pool_table(buf, 16, makedev(7, 0), makedev(7, 1), 128, 0, false,
				     false), 15);

	ATF_CHECK_EQ(thin_table(buf, sizeof(buf), makedev(253, 2), 1), 7);
	ATF_CHECK_STREQ(buf, "253:2 1");
	ATF_CHECK(thin_table(buf, sizeof(buf), makedev(253, 2), THIN_DEV_ID_MAX) > 0);
	ATF_CHECK_STREQ(buf, "253:2 16777215");
	ATF_CHECK_EQ(thin_table(buf, sizeof(buf), makedev(253, 2), THIN_DEV_ID_MAX + 1),
		     -EINVAL);
	ATF_CHECK_EQ(thin_table(buf, 7, makedev(253, 2), 1), -ENOSPC);
}

ATF_TC_WITHOUT_HEAD(messages);
ATF_TC_BODY(messages, tc)
{
	char buf[64];

	ATF_CHECK_EQ(thin_msg_create_thin(buf, sizeof(buf), 1), 13);
	ATF_CHECK_STREQ(buf, "create_thin 1");
	ATF_CHECK(thin_msg_create_snap(buf, sizeof(buf), 2, 1) > 0);
	ATF_CHECK_STREQ(buf, "create_snap 2 1");
	ATF_CHECK(thin_msg_set_transaction_id(buf, sizeof(buf), 0, UINT64_MAX) > 0);
	ATF_CHECK_STREQ(buf, "set_transaction_id 0 18446744073709551615");
	ATF_CHECK(thin_msg_delete(buf, sizeof(buf), 16777215) > 0);
	ATF_CHECK_STREQ(buf, "delete 16777215");
	ATF_CHECK_EQ(thin_msg_create_thin(buf, sizeof(buf), 1u << 24), -EINVAL);
	ATF_CHECK_EQ(thin_msg_create_snap(buf, sizeof(buf), 1, 1u << 24), -EINVAL);
	ATF_CHECK_EQ(thin_msg_delete(buf, sizeof(buf), 1u << 24), -EINVAL);
	ATF_CHECK_EQ(thin_msg_create_thin(buf, 13, 1), -ENOSPC);
	ATF_CHECK_EQ(thin_msg_create_thin(NULL, 0, 1), -ENOSPC);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pool_healthy);
	ATF_TP_ADD_TC(tp, pool_needs_check_and_modes);
	ATF_TP_ADD_TC(tp, pool_fail_error);
	ATF_TP_ADD_TC(tp, pool_low_watermark_optional);
	ATF_TP_ADD_TC(tp, pool_malformed);
	ATF_TP_ADD_TC(tp, pool_bounded);
	ATF_TP_ADD_TC(tp, thin_lines);
	ATF_TP_ADD_TC(tp, thin_malformed);
	ATF_TP_ADD_TC(tp, tables);
	ATF_TP_ADD_TC(tp, messages);
	return 0;
}
