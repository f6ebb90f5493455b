/* SPDX-License-Identifier: MIT */
/* Partition devices after a loop bind: counting them, rescans, the wait. */
#include "loop_fixture.h"
#include "sys.h"

#include <fcntl.h>
#include <linux/fs.h>

/* /dev/loop0 dev and open, with the given partitions in sysfs. */
static void parts_setup(const char *const *names)
{
	char path[64];

	setup();
	fake_file_add("/sys/block/loop0/size", "131072");
	for (; *names; names++) {
		snprintf(path, sizeof(path), "/sys/block/loop0/%s/size", *names);
		fake_file_add(path, "2048");
	}
	memset(&dev, 0, sizeof(dev));
	dev.nr = 0;
	snprintf(dev.path, sizeof(dev.path), "/dev/loop0");
	dev.fd = sys_open("/dev/loop0", O_RDWR, 0);
	ATF_REQUIRE(dev.fd >= 0);
}

ATF_TC_WITHOUT_HEAD(present_counts_partitions_only);
ATF_TC_BODY(present_counts_partitions_only, tc)
{
	static const char *const names[] = {
		"loop0p1", "loop0p2", "loop0p10", "loop0p", "loop0p1x", "loop0p0", "holders", NULL,
	};

	parts_setup(names);
	ATF_CHECK_EQ(loop_partitions_present(0), 3);
	ATF_CHECK_EQ(loop_partitions_present(7), -ENOENT);
}

ATF_TC_WITHOUT_HEAD(already_there_no_rescan);
ATF_TC_BODY(already_there_no_rescan, tc)
{
	static const char *const names[] = { "loop0p1", "loop0p2", NULL };

	parts_setup(names);
	ATF_CHECK_EQ(loop_wait_partitions(&dev, 2, fake_now_ms() + 1000, &res), 0);
	ATF_CHECK_EQ(fake_ioctl_count(BLKRRPART), 0);
	ATF_CHECK_EQ(res.attempts, 1);
}

ATF_TC_WITHOUT_HEAD(rescan_busy_retried_then_waits_to_deadline);
ATF_TC_BODY(rescan_busy_retried_then_waits_to_deadline, tc)
{
	static const char *const names[] = { NULL };
	uint64_t deadline;

	parts_setup(names);
	fake_ioctl_push(BLKRRPART, -EBUSY);
	fake_ioctl_push(BLKRRPART, -EBUSY);
	fake_ioctl_push(BLKRRPART, 0);
	deadline = fake_now_ms() + 500;
	ATF_CHECK_EQ(loop_wait_partitions(&dev, 2, deadline, &res), -ETIMEDOUT);
	ATF_CHECK_EQ(fake_ioctl_count(BLKRRPART), 3);
	ATF_CHECK_EQ(res.attempts, 3);
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	/* The wait for partitions ends exactly at the deadline, not later. */
	ATF_CHECK_EQ(fake_now_ms(), deadline);
}

ATF_TC_WITHOUT_HEAD(rescan_hard_error_not_retried);
ATF_TC_BODY(rescan_hard_error_not_retried, tc)
{
	static const char *const names[] = { "loop0p1", NULL };

	parts_setup(names);
	fake_ioctl_push(BLKRRPART, -EINVAL);
	ATF_CHECK_EQ(loop_wait_partitions(&dev, 2, fake_now_ms() + 1000, &res), -EINVAL);
	ATF_CHECK_EQ(fake_ioctl_count(BLKRRPART), 1);
	ATF_CHECK_EQ(res.outcome, RETRY_FAILED);
}

ATF_TC_WITHOUT_HEAD(rescan_busy_until_cap);
ATF_TC_BODY(rescan_busy_until_cap, tc)
{
	static const char *const names[] = { NULL };

	parts_setup(names);
	fake_ioctl_default(BLKRRPART, -EBUSY);
	ATF_CHECK_EQ(loop_wait_partitions(&dev, 1, fake_now_ms() + 60000, &res), -EBUSY);
	ATF_CHECK_EQ(res.outcome, RETRY_ATTEMPT_CAP);
	ATF_CHECK_EQ(res.attempts, RETRY_DEVICE_BUSY.max_attempts);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, present_counts_partitions_only);
	ATF_TP_ADD_TC(tp, already_there_no_rescan);
	ATF_TP_ADD_TC(tp, rescan_busy_retried_then_waits_to_deadline);
	ATF_TP_ADD_TC(tp, rescan_hard_error_not_retried);
	ATF_TP_ADD_TC(tp, rescan_busy_until_cap);
	return atf_no_error();
}
