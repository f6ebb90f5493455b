/* SPDX-License-Identifier: MIT */
/* loop_detach and loop_backing_file through the fake seam. */
#include "loop_fixture.h"

static void attached(void)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 3);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
}

static void status_reply(int ret, dev_t d, ino_t ino)
{
	struct loop_info64 info;

	memset(&info, 0, sizeof(info));
	info.lo_device = d;
	info.lo_inode = ino;
	info.lo_number = 3;
	fake_ioctl_push_data(LOOP_GET_STATUS64, ret, &info, sizeof(info));
}

static unsigned int calls_before;

static void mark(void)
{
	calls_before = fake_ioctl_calls();
}

/* Request names since mark(). */
static bool detach_calls_are(unsigned long a, unsigned long b)
{
	unsigned int n = fake_ioctl_calls() - calls_before;
	const struct fake_ioctl_call *c = fake_ioctl_call(calls_before);

	if (n != (b ? 2u : 1u) || c->req != a || strcmp(c->path, "/dev/loop3"))
		return false;
	return !b || fake_ioctl_call(calls_before + 1)->req == b;
}

ATF_TC_WITHOUT_HEAD(detach_ours);
ATF_TC_BODY(detach_ours, tc)
{
	attached();
	mark();
	status_reply(0, IMG_DEV, IMG_INO);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, LOOP_CLR_FD));
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	ATF_CHECK_EQ(res.attempts, 1);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(detach_refuses_rebound_device);
ATF_TC_BODY(detach_refuses_rebound_device, tc)
{
	attached();
	mark();
	status_reply(0, makedev(8, 2), IMG_INO);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), -ESTALE);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, 0));
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);

	attached();
	mark();
	status_reply(0, IMG_DEV, IMG_INO + 1);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), -ESTALE);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(detach_already_unbound);
ATF_TC_BODY(detach_already_unbound, tc)
{
	attached();
	mark();
	fake_ioctl_push(LOOP_GET_STATUS64, -ENXIO);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, 0));
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(detach_released_device_reopens);
ATF_TC_BODY(detach_released_device_reopens, tc)
{
	attached();
	loop_release(&dev);
	mark();
	status_reply(0, IMG_DEV, IMG_INO);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, LOOP_CLR_FD));
	ATF_CHECK_EQ(fake_open_fds(), 0);

	/* The node is gone: nothing to detach. */
	attached();
	loop_release(&dev);
	mark();
	fake_fail(FAKE_OPEN, "/dev/loop3", -ENOENT);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK_EQ(fake_ioctl_calls(), calls_before);
}

ATF_TC_WITHOUT_HEAD(detach_still_held_at_limit);
ATF_TC_BODY(detach_still_held_at_limit, tc)
{
	attached();
	fake_random_set(0);
	/* The kernel keeps the backing file while another opener holds it. */
	fake_file_add("/sys/block/loop3/loop/backing_file", IMG "\n");
	status_reply(0, IMG_DEV, IMG_INO);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), -EBUSY);
	ATF_CHECK_EQ(res.outcome, RETRY_ATTEMPT_CAP);
	ATF_CHECK_EQ(res.attempts, 64);
	ATF_CHECK_EQ(res.last_error, -EBUSY);
	ATF_CHECK_EQ(fake_wait_count(), 63);
	ATF_CHECK_EQ(fake_open_fds(), 0);	/* the uevent socket too */
}

/* Kernels before 4.4 refuse LOOP_CLR_FD while others hold the device. */
ATF_TC_WITHOUT_HEAD(detach_retries_refused_clear);
ATF_TC_BODY(detach_retries_refused_clear, tc)
{
	attached();
	fake_random_set(0);
	mark();
	status_reply(0, IMG_DEV, IMG_INO);
	fake_ioctl_push(LOOP_CLR_FD, -EBUSY);
	fake_ioctl_push(LOOP_CLR_FD, -EBUSY);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 3);
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	ATF_CHECK_EQ(res.attempts, 3);
	ATF_CHECK_EQ(fake_wait_count(), 2);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);

	/* Refused for good: bounded, and nothing left open. */
	attached();
	status_reply(0, IMG_DEV, IMG_INO);
	for (int i = 0; i < 64; i++)
		fake_ioctl_push(LOOP_CLR_FD, -EBUSY);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), -EBUSY);
	ATF_CHECK_EQ(res.outcome, RETRY_ATTEMPT_CAP);
	ATF_CHECK_EQ(res.attempts, 64);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(backing_file);
ATF_TC_BODY(backing_file, tc)
{
	char buf[64], small[8];

	fake_reset();
	fake_file_add("/sys/block/loop3/loop/backing_file", IMG "\n");
	ATF_CHECK_EQ(loop_backing_file(3, buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, IMG);
	ATF_CHECK_EQ(loop_backing_file(4, buf, sizeof(buf)), -ENXIO);
	ATF_CHECK_EQ(loop_backing_file(3, small, sizeof(small)), -EFBIG);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, detach_ours);
	ATF_TP_ADD_TC(tp, detach_refuses_rebound_device);
	ATF_TP_ADD_TC(tp, detach_already_unbound);
	ATF_TP_ADD_TC(tp, detach_released_device_reopens);
	ATF_TP_ADD_TC(tp, detach_still_held_at_limit);
	ATF_TP_ADD_TC(tp, detach_retries_refused_clear);
	ATF_TP_ADD_TC(tp, backing_file);
	return atf_no_error();
}
