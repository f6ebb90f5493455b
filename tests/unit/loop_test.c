/* SPDX-License-Identifier: MIT */
/* loop_attach through the fake seam: ioctl sequences, retries, fallbacks. */
#include "loop_fixture.h"

ATF_TC_WITHOUT_HEAD(attach_first_time);
ATF_TC_BODY(attach_first_time, tc)
{
	struct loop_spec spec = spec_rw();
	const struct loop_config *cfg;

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 3);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_STREQ(fake_ioctl_trace(), "LOOP_CTL_GET_FREE LOOP_CONFIGURE");
	ATF_CHECK_STREQ(fake_ioctl_call(0)->path, "/dev/loop-control");
	ATF_CHECK_STREQ(fake_ioctl_call(1)->path, "/dev/loop3");
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	ATF_CHECK_EQ(res.attempts, 1);
	ATF_CHECK_STREQ(fake_waits(), "");

	cfg = arg_of(1, LOOP_CONFIGURE, sizeof(*cfg));
	ATF_CHECK_EQ(cfg->fd, 3);
	ATF_CHECK_EQ(cfg->block_size, 0);
	ATF_CHECK_EQ(cfg->info.lo_offset, 1048576);
	ATF_CHECK_EQ(cfg->info.lo_sizelimit, 64 << 20);
	ATF_CHECK_EQ(cfg->info.lo_flags,
		     LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO);
	ATF_CHECK_STREQ((const char *)cfg->info.lo_file_name, IMG);

	ATF_CHECK_EQ(dev.nr, 3);
	ATF_CHECK_STREQ(dev.path, "/dev/loop3");
	ATF_CHECK_STREQ(fake_fd_path(dev.fd), "/dev/loop3");
	ATF_CHECK(!dev.read_only);
	ATF_CHECK_EQ(dev.backing_dev, IMG_DEV);
	ATF_CHECK_EQ(dev.backing_ino, IMG_INO);
	/* Only the loop device stays open. */
	ATF_CHECK_EQ(fake_open_fds(), 1);
	loop_release(&dev);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(attach_read_only_flags);
ATF_TC_BODY(attach_read_only_flags, tc)
{
	struct loop_spec spec = { .file = IMG, .read_only = true, .block_size = 4096 };
	const struct loop_config *cfg;

	setup();
	/* A read-only spec never asks to write the file. */
	fake_fail(FAKE_OPEN_WRITE, IMG, -EACCES);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	cfg = arg_of(1, LOOP_CONFIGURE, sizeof(*cfg));
	ATF_CHECK_EQ(cfg->info.lo_flags, LO_FLAGS_READ_ONLY);
	ATF_CHECK_EQ(cfg->block_size, 4096);
	ATF_CHECK_EQ(cfg->info.lo_offset, 0);
	ATF_CHECK_EQ(cfg->info.lo_sizelimit, 0);
	ATF_CHECK(dev.read_only);
	ATF_CHECK_EQ(dev.nr, 0);
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_device_stolen_twice);
ATF_TC_BODY(attach_device_stolen_twice, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_random_set(0);
	fake_ioctl_push(LOOP_CTL_GET_FREE, 3);
	fake_ioctl_push(LOOP_CTL_GET_FREE, 4);
	fake_ioctl_push(LOOP_CTL_GET_FREE, 5);
	fake_ioctl_push(LOOP_CONFIGURE, -EBUSY);
	fake_ioctl_push(LOOP_CONFIGURE, -EBUSY);
	fake_ioctl_push(LOOP_CONFIGURE, 0);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CTL_GET_FREE), 3);
	ATF_CHECK_STREQ(fake_ioctl_trace(), "LOOP_CTL_GET_FREE LOOP_CONFIGURE "
			"LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_CTL_GET_FREE LOOP_CONFIGURE");
	ATF_CHECK_STREQ(fake_ioctl_call(1)->path, "/dev/loop3");
	ATF_CHECK_STREQ(fake_ioctl_call(3)->path, "/dev/loop4");
	ATF_CHECK_STREQ(fake_ioctl_call(5)->path, "/dev/loop5");
	ATF_CHECK_STREQ(fake_waits(), "1 1");
	ATF_CHECK_EQ(res.outcome, RETRY_DONE);
	ATF_CHECK_EQ(res.attempts, 3);
	ATF_CHECK_EQ(res.elapsed_ms, 2);
	ATF_CHECK_EQ(dev.nr, 5);
	ATF_CHECK_STREQ(fake_fd_path(dev.fd), "/dev/loop5");
	/* Never cleared: the busy devices were someone else's. */
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(fake_open_fds(), 1);
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_always_busy_gives_up);
ATF_TC_BODY(attach_always_busy_gives_up, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_default(LOOP_CONFIGURE, -EBUSY);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -EBUSY);
	ATF_CHECK_EQ(res.outcome, RETRY_ATTEMPT_CAP);
	ATF_CHECK_EQ(res.attempts, RETRY_DEVICE_BUSY.max_attempts);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CTL_GET_FREE), RETRY_DEVICE_BUSY.max_attempts);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(attach_legacy_on_einval);
ATF_TC_BODY(attach_legacy_on_einval, tc)
{
	struct loop_spec spec = spec_rw();
	const struct loop_info64 *info;

	setup();
	spec.block_size = 4096;
	fake_ioctl_push(LOOP_CTL_GET_FREE, 2);
	fake_ioctl_push(LOOP_CONFIGURE, -EINVAL);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_STREQ(fake_ioctl_trace(), "LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD "
			"LOOP_SET_STATUS64 LOOP_SET_BLOCK_SIZE LOOP_SET_DIRECT_IO");
	for (unsigned int i = 1; i < fake_ioctl_calls(); i++)
		ATF_CHECK_STREQ(fake_ioctl_call(i)->path, "/dev/loop2");
	ATF_CHECK_EQ(fake_ioctl_call(2)->argval, 3);	/* the backing file */
	info = arg_of(3, LOOP_SET_STATUS64, sizeof(*info));
	/* SET_STATUS64 takes only these; direct I/O has its own ioctl. */
	ATF_CHECK_EQ(info->lo_flags, LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN);
	ATF_CHECK_EQ(info->lo_offset, 1048576);
	ATF_CHECK_EQ(info->lo_sizelimit, 64 << 20);
	ATF_CHECK_STREQ((const char *)info->lo_file_name, IMG);
	ATF_CHECK_EQ(fake_ioctl_call(4)->argval, 4096);
	ATF_CHECK_EQ(fake_ioctl_call(5)->argval, 1);
	ATF_CHECK_EQ(dev.nr, 2);
	ATF_CHECK_EQ(res.attempts, 1);
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_legacy_on_enotty_read_only);
ATF_TC_BODY(attach_legacy_on_enotty_read_only, tc)
{
	struct loop_spec spec = { .file = IMG, .read_only = true };
	const struct loop_info64 *info;

	setup();
	fake_ioctl_push(LOOP_CONFIGURE, -ENOTTY);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_STREQ(fake_ioctl_trace(),
			"LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD LOOP_SET_STATUS64");
	/* Read-only comes from the fd opened O_RDONLY, not from the flags. */
	info = arg_of(3, LOOP_SET_STATUS64, sizeof(*info));
	ATF_CHECK_EQ(info->lo_flags, 0);
	ATF_CHECK(dev.read_only);
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_legacy_status_fails_undoes);
ATF_TC_BODY(attach_legacy_status_fails_undoes, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CONFIGURE, -EINVAL);
	fake_ioctl_push(LOOP_SET_STATUS64, -EINVAL);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -EINVAL);
	ATF_CHECK_STREQ(fake_ioctl_trace(), "LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD "
			"LOOP_SET_STATUS64 LOOP_CLR_FD");
	ATF_CHECK_STREQ(fake_ioctl_call(4)->path, "/dev/loop0");
	ATF_CHECK_EQ(res.outcome, RETRY_FAILED);
	ATF_CHECK_EQ(res.attempts, 1);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
}

/* EBUSY after our own SET_FD is not "stolen": undone, and not retried. */
ATF_TC_WITHOUT_HEAD(attach_legacy_status_busy_not_retried);
ATF_TC_BODY(attach_legacy_status_busy_not_retried, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CONFIGURE, -EINVAL);
	fake_ioctl_push(LOOP_SET_STATUS64, -EBUSY);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -EIO);
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 1);
	ATF_CHECK_EQ(res.attempts, 1);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(attach_legacy_set_fd_busy_retried);
ATF_TC_BODY(attach_legacy_set_fd_busy_retried, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 1);
	fake_ioctl_push(LOOP_CTL_GET_FREE, 2);
	fake_ioctl_default(LOOP_CONFIGURE, -EINVAL);
	fake_ioctl_push(LOOP_SET_FD, -EBUSY);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_STREQ(fake_ioctl_trace(), "LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD "
			"LOOP_CTL_GET_FREE LOOP_CONFIGURE LOOP_SET_FD LOOP_SET_STATUS64 "
			"LOOP_SET_DIRECT_IO");
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(dev.nr, 2);
	ATF_CHECK_EQ(res.attempts, 2);
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_read_only_file_falls_back);
ATF_TC_BODY(attach_read_only_file_falls_back, tc)
{
	struct loop_spec spec = spec_rw();
	const struct loop_config *cfg;

	setup();
	fake_fail(FAKE_OPEN_WRITE, IMG, -EROFS);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK(dev.read_only);
	cfg = arg_of(1, LOOP_CONFIGURE, sizeof(*cfg));
	ATF_CHECK_EQ(cfg->info.lo_flags, LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR |
		     LO_FLAGS_PARTSCAN | LO_FLAGS_DIRECT_IO);
	loop_release(&dev);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(attach_open_errors);
ATF_TC_BODY(attach_open_errors, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	spec.file = "/images/missing.img";
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -ENOENT);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	ATF_CHECK_EQ(res.attempts, 0);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(dev.nr, -1);

	/* Not a permission problem: no read-only retry. */
	setup();
	spec = spec_rw();
	fake_fail(FAKE_OPEN_WRITE, IMG, -EIO);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -EIO);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);

	setup();
	fake_fail(FAKE_OPEN, "/dev/loop-control", -ENOENT);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -ENOENT);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, -ENOSPC);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, 0, &res), -ENOSPC);
	ATF_CHECK_EQ(res.outcome, RETRY_FAILED);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(attach_makes_missing_node);
ATF_TC_BODY(attach_makes_missing_node, tc)
{
	struct loop_spec spec = spec_rw();

	fake_reset();
	fake_file_add(IMG, "");
	fake_file_add("/dev/loop-control", "");
	fake_file_add("/sys/block/loop9/dev", "7:9\n");
	fake_ioctl_push(LOOP_CTL_GET_FREE, 9);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_STREQ(fake_trace(), "mknod /dev/loop9 7:9");
	ATF_CHECK_STREQ(fake_fd_path(dev.fd), "/dev/loop9");
	loop_release(&dev);
}

ATF_TC_WITHOUT_HEAD(attach_node_gone_tries_another);
ATF_TC_BODY(attach_node_gone_tries_another, tc)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 12);	/* no node, no sysfs entry */
	fake_ioctl_push(LOOP_CTL_GET_FREE, 6);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, 0, &res), 0);
	ATF_CHECK_EQ(dev.nr, 6);
	ATF_CHECK_STREQ(fake_ioctl_trace(),
			"LOOP_CTL_GET_FREE LOOP_CTL_GET_FREE LOOP_CONFIGURE");
	ATF_CHECK_STREQ(fake_waits(), "1");
	loop_release(&dev);
}

/* ---- detach ---- */

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, attach_first_time);
	ATF_TP_ADD_TC(tp, attach_read_only_flags);
	ATF_TP_ADD_TC(tp, attach_device_stolen_twice);
	ATF_TP_ADD_TC(tp, attach_always_busy_gives_up);
	ATF_TP_ADD_TC(tp, attach_legacy_on_einval);
	ATF_TP_ADD_TC(tp, attach_legacy_on_enotty_read_only);
	ATF_TP_ADD_TC(tp, attach_legacy_status_fails_undoes);
	ATF_TP_ADD_TC(tp, attach_legacy_status_busy_not_retried);
	ATF_TP_ADD_TC(tp, attach_legacy_set_fd_busy_retried);
	ATF_TP_ADD_TC(tp, attach_read_only_file_falls_back);
	ATF_TP_ADD_TC(tp, attach_open_errors);
	ATF_TP_ADD_TC(tp, attach_makes_missing_node);
	ATF_TP_ADD_TC(tp, attach_node_gone_tries_another);
	return atf_no_error();
}
