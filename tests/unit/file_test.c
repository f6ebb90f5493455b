/* SPDX-License-Identifier: MIT */
#include "fake_sys.h"
#include "file.h"

#include "sys.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <stdlib.h>
#include <string.h>

ATF_TC_WITHOUT_HEAD(read_trims_one_newline);
ATF_TC_BODY(read_trims_one_newline, tc)
{
	char buf[64];

	fake_reset();
	fake_file_add("/proc/sys/kernel/printk", "4\t4\t1\t7\n");
	fake_file_add("/two", "hello\n\n");
	fake_file_add("/none", "hello");
	fake_file_add("/empty", "");
	fake_file_add("/nl", "\n");
	ATF_CHECK_EQ(file_read("/proc/sys/kernel/printk", buf, sizeof(buf)), 7);
	ATF_CHECK_STREQ(buf, "4\t4\t1\t7");
	ATF_CHECK_EQ(file_read("/two", buf, sizeof(buf)), 6);
	ATF_CHECK_STREQ(buf, "hello\n");
	ATF_CHECK_EQ(file_read("/none", buf, sizeof(buf)), 5);
	ATF_CHECK_STREQ(buf, "hello");
	ATF_CHECK_EQ(file_read("/empty", buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, "");
	ATF_CHECK_EQ(file_read("/nl", buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, "");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(read_exact_fit_and_efbig);
ATF_TC_BODY(read_exact_fit_and_efbig, tc)
{
	char buf[6];

	fake_reset();
	fake_file_add("/five", "12345");
	fake_file_add("/six", "123456");
	fake_file_add("/five_nl", "12345\n");
	ATF_CHECK_EQ(file_read("/five", buf, sizeof(buf)), 5);
	ATF_CHECK_STREQ(buf, "12345");
	ATF_CHECK_EQ(file_read("/six", buf, sizeof(buf)), -EFBIG);
	/* The newline must fit too before it is taken off. */
	ATF_CHECK_EQ(file_read("/five_nl", buf, sizeof(buf)), -EFBIG);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(read_short_reads);
ATF_TC_BODY(read_short_reads, tc)
{
	char buf[9];

	fake_reset();
	fake_file_add("/s", "abcdefgh");
	fake_file_chunk("/s", 3);
	ATF_CHECK_EQ(file_read("/s", buf, sizeof(buf)), 8);
	ATF_CHECK_STREQ(buf, "abcdefgh");
	fake_file_add("/t", "abcdefghi");
	fake_file_chunk("/t", 2);
	ATF_CHECK_EQ(file_read("/t", buf, sizeof(buf)), -EFBIG);
}

ATF_TC_WITHOUT_HEAD(read_errors);
ATF_TC_BODY(read_errors, tc)
{
	char buf[16];

	fake_reset();
	fake_file_add("/sys/x", "1\n");
	ATF_CHECK_EQ(file_read("/missing", buf, sizeof(buf)), -ENOENT);
	ATF_CHECK_EQ(file_read("/sys/x", buf, 0), -EINVAL);
	fake_fail(FAKE_READ, "/sys/x", -EIO);
	ATF_CHECK_EQ(file_read("/sys/x", buf, sizeof(buf)), -EIO);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

/* A one-byte buffer holds only the NUL: any content does not fit. */
ATF_TC_WITHOUT_HEAD(read_one_byte_buffer);
ATF_TC_BODY(read_one_byte_buffer, tc)
{
	char buf[1] = { 'z' };

	fake_reset();
	fake_file_add("/empty", "");
	fake_file_add("/x", "x");
	ATF_CHECK_EQ(file_read("/empty", buf, sizeof(buf)), 0);
	ATF_CHECK_EQ(buf[0], '\0');
	ATF_CHECK_EQ(file_read("/x", buf, sizeof(buf)), -EFBIG);
}

ATF_TC_WITHOUT_HEAD(read_u64);
ATF_TC_BODY(read_u64, tc)
{
	uint64_t v = 7;

	fake_reset();
	fake_file_add("/size", "41943040\n");
	fake_file_add("/max", "18446744073709551615\n");
	fake_file_add("/junk", "12x\n");
	fake_file_add("/neg", "-1\n");
	fake_file_add("/empty", "\n");
	fake_file_add("/space", " 5\n");
	ATF_CHECK_EQ(file_read_u64("/size", &v), 0);
	ATF_CHECK_EQ(v, 41943040);
	ATF_CHECK_EQ(file_read_u64("/max", &v), 0);
	ATF_CHECK_EQ(v, UINT64_MAX);
	v = 7;
	ATF_CHECK_EQ(file_read_u64("/junk", &v), -EINVAL);
	ATF_CHECK_EQ(file_read_u64("/neg", &v), -EINVAL);
	ATF_CHECK_EQ(file_read_u64("/empty", &v), -EINVAL);
	ATF_CHECK_EQ(file_read_u64("/space", &v), -EINVAL);
	ATF_CHECK_EQ(file_read_u64("/missing", &v), -ENOENT);
	ATF_CHECK_EQ(v, 7);	/* untouched on failure */
}

/* strtoull clamps to UINT64_MAX on overflow; that is not the file's value. */
ATF_TC_WITHOUT_HEAD(read_u64_overflow);
ATF_TC_BODY(read_u64_overflow, tc)
{
	uint64_t v = 7;

	fake_reset();
	fake_file_add("/big", "18446744073709551616\n");
	ATF_CHECK_EQ(file_read_u64("/big", &v), -EINVAL);
	ATF_CHECK_EQ(v, 7);
}

ATF_TC_WITHOUT_HEAD(slurp_grows);
ATF_TC_BODY(slurp_grows, tc)
{
	static char big[10000];
	char *out = NULL;
	size_t len = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	fake_reset();
	fake_file_add_data("/m/modules.dep", big, sizeof(big));
	fake_file_chunk("/m/modules.dep", 1000);
	ATF_REQUIRE_EQ(file_slurp("/m/modules.dep", 1 << 20, &out, &len), 0);
	ATF_CHECK_EQ(len, sizeof(big));
	ATF_CHECK(memcmp(out, big, sizeof(big)) == 0);
	ATF_CHECK_EQ(out[len], '\0');
	free(out);

	/* Around the first buffer's end (4096 with the NUL). */
	for (size_t n = 4094; n <= 4098; n++) {
		fake_file_add_data("/b", big, n);
		out = NULL;
		ATF_REQUIRE_EQ(file_slurp("/b", 1 << 20, &out, &len), 0);
		ATF_CHECK_EQ_MSG(len, n, "n=%zu", n);
		ATF_CHECK_MSG(memcmp(out, big, n) == 0 && out[n] == '\0', "n=%zu", n);
		free(out);
	}
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(slurp_limits_and_errors);
ATF_TC_BODY(slurp_limits_and_errors, tc)
{
	char *out = NULL;
	size_t len = 99;

	fake_reset();
	fake_file_add("/empty", "");
	ATF_REQUIRE_EQ(file_slurp("/empty", 100, &out, &len), 0);
	ATF_CHECK_STREQ(out, "");
	ATF_CHECK_EQ(len, 0);
	free(out);

	fake_file_add_data("/hundred", "0123456789012345678901234567890123456789"
			   "0123456789012345678901234567890123456789"
			   "01234567890123456789x", 101);
	out = NULL;
	ATF_CHECK_EQ(file_slurp("/hundred", 100, &out, &len), -EFBIG);
	ATF_CHECK(out == NULL);
	ATF_REQUIRE_EQ(file_slurp("/hundred", 101, &out, NULL), 0);
	ATF_CHECK_EQ(strlen(out), 101);
	ATF_CHECK_EQ(out[100], 'x');
	free(out);

	out = NULL;
	ATF_CHECK_EQ(file_slurp("/missing", 100, &out, &len), -ENOENT);
	fake_fail(FAKE_READ, "/empty", -EIO);
	ATF_CHECK_EQ(file_slurp("/empty", 100, &out, &len), -EIO);
	ATF_CHECK(out == NULL);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(write_whole);
ATF_TC_BODY(write_whole, tc)
{
	fake_reset();
	fake_file_add("/proc/sys/kernel/printk_devkmsg", "ratelimit\n");
	ATF_CHECK_EQ(file_write("/proc/sys/kernel/printk_devkmsg", "on"), 0);
	ATF_CHECK_STREQ(fake_file_written("/proc/sys/kernel/printk_devkmsg"), "on");
	ATF_CHECK_EQ(file_write("/proc/nope", "on"), -ENOENT);
	fake_fail(FAKE_WRITE, "/proc/sys/kernel/printk_devkmsg", -EPERM);
	ATF_CHECK_EQ(file_write("/proc/sys/kernel/printk_devkmsg", "off"), -EPERM);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(exists);
ATF_TC_BODY(exists, tc)
{
	fake_reset();
	fake_file_add("/sys/module/loop/refcnt", "0\n");
	ATF_CHECK(file_exists("/sys/module/loop/refcnt"));
	ATF_CHECK(file_exists("/sys/module/loop"));
	ATF_CHECK(!file_exists("/sys/module/ext4"));
	fake_fail(FAKE_STAT, "/sys/module/loop", -EACCES);
	ATF_CHECK(!file_exists("/sys/module/loop"));
}

ATF_TC_WITHOUT_HEAD(mkdirs);
ATF_TC_BODY(mkdirs, tc)
{
	fake_reset();
	ATF_CHECK_EQ(file_mkdirs("/run/blkasm/mnt", 0755), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /run mkdir /run/blkasm mkdir /run/blkasm/mnt");
	ATF_CHECK(file_exists("/run/blkasm/mnt"));

	/* Existing folders are fine. */
	fake_reset();
	fake_dir_add("/run");
	ATF_CHECK_EQ(file_mkdirs("/run/blkasm", 0755), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /run mkdir /run/blkasm");
	ATF_CHECK_EQ(file_mkdirs("/run/blkasm", 0755), 0);

	fake_reset();
	ATF_CHECK_EQ(file_mkdirs("rel/dir", 0700), 0);
	ATF_CHECK_STREQ(fake_trace(), "mkdir rel mkdir rel/dir");

	fake_reset();
	ATF_CHECK_EQ(file_mkdirs("/x//y/", 0755), 0);
	ATF_CHECK(file_exists("/x/y"));
}

ATF_TC_WITHOUT_HEAD(mkdirs_errors);
ATF_TC_BODY(mkdirs_errors, tc)
{
	static char huge[5000];

	fake_reset();
	fake_fail(FAKE_MKDIR, "/a/b", -EACCES);
	ATF_CHECK_EQ(file_mkdirs("/a/b/c", 0755), -EACCES);
	ATF_CHECK_STREQ(fake_trace(), "mkdir /a mkdir /a/b");

	fake_reset();
	fake_file_add("/f", "a file");
	ATF_CHECK_EQ(file_mkdirs("/f/g", 0755), -ENOTDIR);

	memset(huge, 'd', sizeof(huge) - 1);
	huge[0] = '/';
	ATF_CHECK_EQ(file_mkdirs(huge, 0755), -ENAMETOOLONG);
	ATF_CHECK_EQ(file_mkdirs("", 0755), -ENAMETOOLONG);
}

ATF_TC_WITHOUT_HEAD(slurp_refuses_fifo);
ATF_TC_BODY(slurp_refuses_fifo, tc)
{
	char *text = NULL;

	/* An open of a FIFO nobody writes would wait past any deadline. */
	fake_reset();
	fake_fifo_add("/etc/blkasm.conf");
	ATF_CHECK_EQ(file_slurp("/etc/blkasm.conf", 1024, &text, NULL), -ESPIPE);
	ATF_CHECK(text == NULL);
	ATF_CHECK_EQ(fake_blocked_opens(), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_STREQ(file_strerror(-ESPIPE),
			"not a regular file (a FIFO, socket or character device)");
	ATF_CHECK_STREQ(file_strerror(-ENOENT), "No such file or directory");
}

ATF_TC_WITHOUT_HEAD(open_types);
ATF_TC_BODY(open_types, tc)
{
	int fd;

	fake_reset();
	fake_file_add("/img", "x");
	fake_blkdev_add("/dev/vda", makedev(254, 0), "y", 1);
	fake_fifo_add("/fifo");
	fake_dir_add("/dir");
	fd = file_open("/img", O_RDONLY, 0, false);
	ATF_CHECK(fd >= 0);
	sys_close(fd);
	fd = file_open("/dev/vda", O_RDWR, 0, true);
	ATF_CHECK(fd >= 0);
	sys_close(fd);
	ATF_CHECK_EQ(file_open("/dev/vda", O_RDONLY, 0, false), -ESPIPE);
	ATF_CHECK_EQ(file_open("/fifo", O_RDONLY, 0, true), -ESPIPE);
	ATF_CHECK_EQ(file_open("/fifo", O_WRONLY | O_CREAT | O_TRUNC, 0644, false), -ESPIPE);
	ATF_CHECK_EQ(file_open("/dir", O_RDONLY, 0, false), -EISDIR);
	ATF_CHECK_EQ(file_open("/none", O_RDONLY, 0, false), -ENOENT);
	ATF_CHECK_EQ(fake_blocked_opens(), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, read_trims_one_newline);
	ATF_TP_ADD_TC(tp, read_exact_fit_and_efbig);
	ATF_TP_ADD_TC(tp, read_short_reads);
	ATF_TP_ADD_TC(tp, read_errors);
	ATF_TP_ADD_TC(tp, read_one_byte_buffer);
	ATF_TP_ADD_TC(tp, read_u64);
	ATF_TP_ADD_TC(tp, read_u64_overflow);
	ATF_TP_ADD_TC(tp, slurp_grows);
	ATF_TP_ADD_TC(tp, slurp_limits_and_errors);
	ATF_TP_ADD_TC(tp, write_whole);
	ATF_TP_ADD_TC(tp, exists);
	ATF_TP_ADD_TC(tp, mkdirs);
	ATF_TP_ADD_TC(tp, mkdirs_errors);
	ATF_TP_ADD_TC(tp, slurp_refuses_fifo);
	ATF_TP_ADD_TC(tp, open_types);
	return atf_no_error();
}
