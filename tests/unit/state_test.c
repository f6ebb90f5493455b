/* SPDX-License-Identifier: MIT */
/*
 * The record of what blkasm made (lib/state.c): never waits on a FIFO in
 * its place, and says when it could not be written whole.
 */
#include "fake_sys.h"
#include "file.h"
#include "plan.h"
#include "state.h"

#include <atf-c.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct plan plan;

/* A plan of one loop node "a", up and made by this run. */
static void one_node(void)
{
	struct plan_node *n;

	fake_reset();
	setenv("BLKASM_RUN_DIR", "/run/t", 1);
	plan_init(&plan, "t.conf", NULL);	/* the record names kinds, it needs none */
	n = plan_add_node(&plan, "loop", "a");
	ATF_REQUIRE(n);
	n->state = NODE_UP;
	n->created = true;
	strcpy(n->device, "/dev/loop3");
}

ATF_TC_WITHOUT_HEAD(save_and_load);
ATF_TC_BODY(save_and_load, tc)
{
	bool rec[1] = { false };

	one_node();
	ATF_REQUIRE_EQ(state_save(&plan, NULL), 0);
	ATF_CHECK_STREQ(fake_file_written("/run/t/state"), "node a loop created /dev/loop3\n");
	plan_free(&plan);

	one_node();
	plan.nodes[0].created = false;
	plan.nodes[0].device[0] = '\0';
	fake_file_add("/run/t/state", "node a loop created /dev/loop3\n");
	ATF_REQUIRE_EQ(state_load(&plan, rec), 0);
	ATF_CHECK(rec[0] && plan.nodes[0].created);
	ATF_CHECK_STREQ(plan.nodes[0].device, "/dev/loop3");
	ATF_CHECK_EQ(fake_open_fds(), 0);
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(fifo_refused_at_once);
ATF_TC_BODY(fifo_refused_at_once, tc)
{
	one_node();
	fake_fifo_add("/run/t/state");
	ATF_CHECK_EQ(state_load(&plan, NULL), -ESPIPE);
	ATF_CHECK_EQ(state_save(&plan, NULL), -ESPIPE);
	ATF_CHECK_EQ(fake_blocked_opens(), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(write_errors);
ATF_TC_BODY(write_errors, tc)
{
	one_node();
	fake_fail(FAKE_WRITE, "/run/t/state.new", -ENOSPC);
	ATF_CHECK_EQ(state_save(&plan, NULL), -ENOSPC);
	plan_free(&plan);
	/* A file where the folder would be: nothing recorded, nothing to read. */
	one_node();
	fake_file_add("/run/t", "");
	ATF_CHECK_EQ(state_load(&plan, NULL), 0);
	ATF_CHECK(state_save(&plan, NULL) < 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	plan_free(&plan);
}

/*
 * The record is replaced whole: written to state.new, synced, renamed. A
 * write or rename that fails leaves the old record as it was, and no
 * state.new behind.
 */
ATF_TC_WITHOUT_HEAD(replaced_whole);
ATF_TC_BODY(replaced_whole, tc)
{
	const char *old = "node a loop created /dev/loop3";	/* file_read drops the newline */
	char buf[128];

	one_node();
	strcpy(plan.nodes[0].device, "/dev/loop4");
	fake_file_add("/run/t/state", "node a loop created /dev/loop3\n");
	fake_fail(FAKE_WRITE, "/run/t/state.new", -ENOSPC);
	ATF_CHECK_EQ(state_save(&plan, NULL), -ENOSPC);
	ATF_CHECK(file_read("/run/t/state", buf, sizeof(buf)) > 0 && !strcmp(buf, old));
	ATF_CHECK(!file_exists("/run/t/state.new"));

	fake_fail(FAKE_WRITE, "/run/t/state.new", 0);
	fake_fail(FAKE_RENAME, "/run/t/state", -EIO);
	ATF_CHECK_EQ(state_save(&plan, NULL), -EIO);
	ATF_CHECK(file_read("/run/t/state", buf, sizeof(buf)) > 0 && !strcmp(buf, old));
	ATF_CHECK(!file_exists("/run/t/state.new"));

	fake_fail(FAKE_RENAME, "/run/t/state", 0);
	ATF_CHECK_EQ(state_save(&plan, NULL), 0);
	ATF_CHECK_STREQ(fake_file_written("/run/t/state"), "node a loop created /dev/loop4\n");
	ATF_CHECK(strstr(fake_trace(), "fsync /run/t/state.new") != NULL);
	ATF_CHECK(strstr(fake_trace(), "rename /run/t/state.new /run/t/state") != NULL);
	ATF_CHECK(!file_exists("/run/t/state.new"));
	ATF_CHECK_EQ(fake_open_fds(), 0);
	plan_free(&plan);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, save_and_load);
	ATF_TP_ADD_TC(tp, fifo_refused_at_once);
	ATF_TP_ADD_TC(tp, write_errors);
	ATF_TP_ADD_TC(tp, replaced_whole);
	return atf_no_error();
}
