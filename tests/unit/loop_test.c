/* SPDX-License-Identifier: MIT */
#include "fake_sys.h"
#include "loop.h"
#include "retry.h"

#include <atf-c.h>
#include <errno.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define IMG "/images/root.img"
#define IMG_DEV makedev(8, 1)
#define IMG_INO 1234

static struct loop_dev dev;
static struct retry_result res;

/*
 * The backing file, /dev/loop-control and /dev/loop0..7. The backing file
 * is the first fd loop_attach opens: 3.
 */
static void setup(void)
{
	char path[32];

	fake_reset();
	retry_set_boot_deadline(0);
	fake_file_add(IMG, "");
	fake_file_id(IMG, IMG_DEV, IMG_INO);
	fake_file_add("/dev/loop-control", "");
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/loop%d", i);
		fake_file_add(path, "");
	}
}

static struct loop_spec spec_rw(void)
{
	return (struct loop_spec){
		.file = IMG, .offset = 1048576, .sizelimit = 64 << 20,
		.direct_io = true, .part_scan = true, .autoclear = true,
	};
}

/* The struct passed by the i-th ioctl call, which must be req. */
static const void *arg_of(unsigned int i, unsigned long req, size_t size)
{
	const struct fake_ioctl_call *c = fake_ioctl_call(i);

	ATF_REQUIRE_MSG(c, "no ioctl call %u", i);
	ATF_REQUIRE_EQ_MSG(c->req, req, "call %u: 0x%lx", i, c->req);
	ATF_REQUIRE_EQ(c->arg_size, size);
	return c->arg;
}

ATF_TC_WITHOUT_HEAD(attach_first_time);
ATF_TC_BODY(attach_first_time, tc)
{
	struct loop_spec spec = spec_rw();
	const struct loop_config *cfg;

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 3);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -EBUSY);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -EINVAL);
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
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -EIO);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -ENOENT);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	ATF_CHECK_EQ(res.attempts, 0);
	ATF_CHECK_EQ(dev.fd, -1);
	ATF_CHECK_EQ(dev.nr, -1);

	/* Not a permission problem: no read-only retry. */
	setup();
	spec = spec_rw();
	fake_fail(FAKE_OPEN_WRITE, IMG, -EIO);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -EIO);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);

	setup();
	fake_fail(FAKE_OPEN, "/dev/loop-control", -ENOENT);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -ENOENT);
	ATF_CHECK_EQ(fake_ioctl_calls(), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, -ENOSPC);
	ATF_CHECK_EQ(loop_attach(&spec, &dev, &res), -ENOSPC);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
	ATF_CHECK_EQ(dev.nr, 6);
	ATF_CHECK_STREQ(fake_ioctl_trace(),
			"LOOP_CTL_GET_FREE LOOP_CTL_GET_FREE LOOP_CONFIGURE");
	ATF_CHECK_STREQ(fake_waits(), "1");
	loop_release(&dev);
}

/* ---- detach ---- */

static void attached(void)
{
	struct loop_spec spec = spec_rw();

	setup();
	fake_ioctl_push(LOOP_CTL_GET_FREE, 3);
	ATF_REQUIRE_EQ(loop_attach(&spec, &dev, &res), 0);
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
	ATF_CHECK_EQ(loop_detach(&dev, &res), 0);
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
	ATF_CHECK_EQ(loop_detach(&dev, &res), -ESTALE);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, 0));
	ATF_CHECK_EQ(fake_ioctl_count(LOOP_CLR_FD), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);

	attached();
	mark();
	status_reply(0, IMG_DEV, IMG_INO + 1);
	ATF_CHECK_EQ(loop_detach(&dev, &res), -ESTALE);
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
	ATF_CHECK_EQ(loop_detach(&dev, &res), 0);
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
	ATF_CHECK_EQ(loop_detach(&dev, &res), 0);
	ATF_CHECK(detach_calls_are(LOOP_GET_STATUS64, LOOP_CLR_FD));
	ATF_CHECK_EQ(fake_open_fds(), 0);

	/* The node is gone: nothing to detach. */
	attached();
	loop_release(&dev);
	mark();
	fake_fail(FAKE_OPEN, "/dev/loop3", -ENOENT);
	ATF_CHECK_EQ(loop_detach(&dev, &res), 0);
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
	ATF_CHECK_EQ(loop_detach(&dev, &res), -EBUSY);
	ATF_CHECK_EQ(res.outcome, RETRY_ATTEMPT_CAP);
	ATF_CHECK_EQ(res.attempts, 64);
	ATF_CHECK_EQ(res.last_error, -EBUSY);
	ATF_CHECK_EQ(fake_wait_count(), 63);
	ATF_CHECK_EQ(fake_open_fds(), 0);	/* the uevent socket too */
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
	ATF_TP_ADD_TC(tp, detach_ours);
	ATF_TP_ADD_TC(tp, detach_refuses_rebound_device);
	ATF_TP_ADD_TC(tp, detach_already_unbound);
	ATF_TP_ADD_TC(tp, detach_released_device_reopens);
	ATF_TP_ADD_TC(tp, detach_still_held_at_limit);
	ATF_TP_ADD_TC(tp, backing_file);
	return atf_no_error();
}
