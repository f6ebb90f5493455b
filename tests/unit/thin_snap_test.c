/* SPDX-License-Identifier: MIT */
/*
 * drivers/dm/thin_snap.c on the fake device-mapper: thin_replace (the A/B
 * slots' snapshot and delete) sends delete, then create_snap with the
 * origin suspended, each change followed by set_transaction_id T T+1; an
 * id the pool does not have (ENODATA) is not an error and moves no
 * transaction id; a refusal stops it with the pool and message named.
 */
#include "dm/dm.h"
#include "dm/thin_node.h"
#include "fake_dm.h"
#include "fake_sys.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A pool at transaction id 5, healthy; its thin id 1 active as "origin". */
#define POOL_OK "5 10/1024 0/64 - rw discard_passdown queue_if_no_space - 256"

static char why[256];

/*
 * DM_DEV_SUSPEND requests on the origin (a resume is one too): one from
 * setup, two more when create_snap suspended and resumed it.
 */
static unsigned int origin_suspends(void)
{
	unsigned int n = 0;

	for (const char *t = fake_dm_trace(); (t = strstr(t, "DEV_SUSPEND origin")); t++)
		n++;
	return n;
}

static void running(const char *name, const char *type, const char *params,
		    const char *status)
{
	struct dm_target t = { .start = 0, .length = 8192 };

	fake_dm_add(name, NULL);
	snprintf(t.type, sizeof(t.type), "%s", type);
	snprintf(t.params, sizeof(t.params), "%s", params);
	ATF_REQUIRE_EQ(dm_load(name, &t, 1, false), 0);
	ATF_REQUIRE_EQ(dm_resume(name), 0);
	fake_dm_set_status(name, 0, status);
}

static void setup(const char *pool_status)
{
	fake_reset();
	fake_dir_add("/dev");
	fake_file_add("/sys/class/misc/device-mapper/dev", "10:236\n");
	running("pool", "thin-pool", "7:0 7:1 128 6 0", pool_status);
	running("origin", "thin", "253:0 1", "0 0");
	why[0] = '\0';
}

ATF_TC_WITHOUT_HEAD(replace_deletes_then_snapshots);
ATF_TC_BODY(replace_deletes_then_snapshots, tc)
{
	setup(POOL_OK);
	ATF_CHECK_EQ_MSG(thin_replace("pool", 2, "origin", 1, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK_STREQ(fake_dm_messages(), "pool@0 delete 2; pool@0 set_transaction_id 5 6; "
			"pool@0 create_snap 2 1; pool@0 set_transaction_id 6 7");
	/* The origin was quiet for create_snap and runs again after it. */
	ATF_CHECK_EQ(origin_suspends(), 3);
	ATF_CHECK(!fake_dm_suspended("origin"));
}

/* No such id in the pool: nothing to delete, no transaction moved for it. */
ATF_TC_WITHOUT_HEAD(delete_of_an_id_the_pool_lacks);
ATF_TC_BODY(delete_of_an_id_the_pool_lacks, tc)
{
	setup(POOL_OK);
	fake_dm_fail_next(DM_TARGET_MSG, -ENODATA);
	ATF_CHECK_EQ_MSG(thin_replace("pool", 2, "origin", 1, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK_STREQ(fake_dm_messages(), "pool@0 create_snap 2 1; "
			"pool@0 set_transaction_id 5 6");

	/* slot delete: no origin, nothing else sent. */
	setup(POOL_OK);
	fake_dm_fail_next(DM_TARGET_MSG, -ENODATA);
	ATF_CHECK_EQ_MSG(thin_replace("pool", 2, "", -1, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK_STREQ(fake_dm_messages(), "");
	ATF_CHECK_STREQ(why, "");
}

ATF_TC_WITHOUT_HEAD(delete_refused);
ATF_TC_BODY(delete_refused, tc)
{
	setup(POOL_OK);
	fake_dm_fail_next(DM_TARGET_MSG, -EIO);
	ATF_CHECK_EQ(thin_replace("pool", 2, "origin", 1, why, sizeof(why)), -EIO);
	ATF_CHECK_STREQ(why, "pool pool refused delete 2: Input/output error");
	ATF_CHECK_STREQ(fake_dm_messages(), "");
	ATF_CHECK_EQ(origin_suspends(), 1);
}

/* A pool that needs a check or is read-only is not changed at all. */
ATF_TC_WITHOUT_HEAD(unhealthy_pool_untouched);
ATF_TC_BODY(unhealthy_pool_untouched, tc)
{
	setup("5 10/1024 0/64 - ro discard_passdown queue_if_no_space needs_check 256");
	ATF_CHECK_EQ(thin_replace("pool", 2, "origin", 1, why, sizeof(why)), -EROFS);
	ATF_CHECK_MSG(why[0], "no reason given");
	ATF_CHECK_STREQ(fake_dm_messages(), "");
}

/* create_snap refused: the origin is resumed all the same. */
ATF_TC_WITHOUT_HEAD(snapshot_refused_origin_resumed);
ATF_TC_BODY(snapshot_refused_origin_resumed, tc)
{
	setup(POOL_OK);
	fake_dm_fail_next(DM_TARGET_MSG, -ENOSPC);
	ATF_CHECK_EQ(thin_create_snap("pool", 2, "origin", 1, why, sizeof(why)), -ENOSPC);
	ATF_CHECK_STREQ(why, "pool pool refused create_snap 2 1: No space left on device");
	ATF_CHECK(!fake_dm_suspended("origin"));
	ATF_CHECK_EQ(origin_suspends(), 3);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, replace_deletes_then_snapshots);
	ATF_TP_ADD_TC(tp, delete_of_an_id_the_pool_lacks);
	ATF_TP_ADD_TC(tp, delete_refused);
	ATF_TP_ADD_TC(tp, unhealthy_pool_untouched);
	ATF_TP_ADD_TC(tp, snapshot_refused_origin_resumed);
	return 0;
}
