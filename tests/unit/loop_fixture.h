/* SPDX-License-Identifier: MIT */
/* Shared by loop_test.c (attach) and loop_detach_test.c: a fake loop setup. */
#ifndef BLKASM_LOOP_FIXTURE_H
#define BLKASM_LOOP_FIXTURE_H

#include "fake_sys.h"
#include "loop/loop.h"
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
static inline void setup(void)
{
	char path[32];

	fake_reset();
	fake_file_add(IMG, "");
	fake_file_id(IMG, IMG_DEV, IMG_INO);
	fake_file_add("/dev/loop-control", "");
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/dev/loop%d", i);
		fake_file_add(path, "");
	}
}

static inline struct loop_spec spec_rw(void)
{
	return (struct loop_spec){
		.file = IMG, .offset = 1048576, .sizelimit = 64 << 20,
		.direct_io = true, .part_scan = true, .autoclear = true,
	};
}

/* The struct passed by the i-th ioctl call, which must be req. */
static inline const void *arg_of(unsigned int i, unsigned long req, size_t size)
{
	const struct fake_ioctl_call *c = fake_ioctl_call(i);

	ATF_REQUIRE_MSG(c, "no ioctl call %u", i);
	ATF_REQUIRE_EQ_MSG(c->req, req, "call %u: 0x%lx", i, c->req);
	ATF_REQUIRE_EQ(c->arg_size, size);
	return c->arg;
}

#endif
