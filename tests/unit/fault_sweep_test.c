/* SPDX-License-Identifier: MIT */
/*
 * The full stack (stack_fixture.h) up and down on the fake kernel, and a
 * fault sweep over the seam: each call of a clean run failed in turn.
 */
#include "stack_fixture.h"

#define CHECK_HAS(hay, text) \
	ATF_CHECK_MSG(strstr(hay, text), "in: %s\nwant: %s", hay, text)

/* The clean runs: everything made, then everything gone. */
ATF_TC_WITHOUT_HEAD(stack_up_down);
ATF_TC_BODY(stack_up_down, tc)
{
	struct outcome o;
	char *start, *full;

	stack_setup();
	start = strdup(fake_kernel_state(SKIP));
	fake_inject_start(true);
	stack_up(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "up: %s: %s", o.node ? o.node : "-", o.diag);
	printf("up: %lu seam calls\n", fake_inject_calls());
	full = strdup(fake_kernel_state(SKIP));
	CHECK_HAS(full, "loop0 bound to /images/a.img");
	CHECK_HAS(full, "loop1 bound to /images/b.img");
	CHECK_HAS(full, "md127 running, 2 members");
	CHECK_HAS(full, "dm blkasm-pool 0 2048 thin-pool 253:0 253:1 128 1 0");
	CHECK_HAS(full, "dm blkasm-vol 0 16384 thin 253:2 1");
	CHECK_HAS(full, "file /dev/md/r -> ../md127");
	ATF_CHECK_STREQ(fake_dm_messages(), "blkasm-pool@0 create_thin 1; "
			"blkasm-pool@0 set_transaction_id 0 1");
	ATF_CHECK_STREQ(record(), "node a loop created /dev/loop0\n"
			"node b loop created /dev/loop1\n"
			"node r md created /dev/md127\n"
			"node pool thin-pool created /dev/mapper/blkasm-pool\n"
			"node vol thin created /dev/mapper/blkasm-vol\n");
	CHECK_HAS(fake_finit_trace(), "raid1.ko");
	CHECK_HAS(fake_finit_trace(), "dm-thin-pool.ko");
	/* The process has ended: the loop devices it held are closed. */
	ATF_CHECK_EQ(fake_open_fds(), 0);
	fake_inject_start(true);
	stack_down(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "down: %s: %s", o.node ? o.node : "-", o.diag);
	printf("down: %lu seam calls\n", fake_inject_calls());
	ATF_CHECK_STREQ(fake_kernel_state(SKIP), start);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	ATF_CHECK_STREQ(record(), "");
	free(start);
	free(full);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, stack_up_down);
	return atf_no_error();
}
