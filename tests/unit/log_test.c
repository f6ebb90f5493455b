/* SPDX-License-Identifier: MIT */
/* lib/log: records to /dev/kmsg, with the kernel's rate limit lifted. */
#include <atf-c.h>
#include <errno.h>
#include <string.h>

#include "fake_sys.h"
#include "log.h"

#define SYSCTL "/proc/sys/kernel/printk_devkmsg"

ATF_TC_WITHOUT_HEAD(ratelimit_lifted_and_restored);
ATF_TC_BODY(ratelimit_lifted_and_restored, tc)
{
	fake_reset();
	fake_file_add("/dev/kmsg", "");
	fake_file_add(SYSCTL, "ratelimit\n");
	log_setup(LOG_TO_KMSG, false);
	/* The kernel takes the word only with its newline. */
	ATF_CHECK_STREQ(fake_file_written(SYSCTL), "on\n");
	for (int i = 0; i < 20; i++)
		log_info("record %d", i);
	ATF_CHECK(strstr(fake_file_written("/dev/kmsg"), "record 19") != NULL);
	log_finish();
	ATF_CHECK_STREQ(fake_file_written(SYSCTL), "on\nratelimit\n");
}

ATF_TC_WITHOUT_HEAD(locked_sysctl_left_alone);
ATF_TC_BODY(locked_sysctl_left_alone, tc)
{
	fake_reset();
	fake_file_add("/dev/kmsg", "");
	fake_file_add(SYSCTL, "on\n");
	fake_fail(FAKE_WRITE, SYSCTL, -EINVAL);	/* printk.devkmsg= on the command line */
	log_setup(LOG_TO_KMSG, false);
	log_info("hello");
	log_finish();
	ATF_CHECK_EQ(fake_file_written(SYSCTL), NULL);
	ATF_CHECK(strstr(fake_file_written("/dev/kmsg"), "hello") != NULL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ratelimit_lifted_and_restored);
	ATF_TP_ADD_TC(tp, locked_sysctl_left_alone);
	return atf_no_error();
}
