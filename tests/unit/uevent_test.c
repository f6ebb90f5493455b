/* SPDX-License-Identifier: MIT */
#include "fake_sys.h"
#include "uevent.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As a 6.1 kernel sends them (captured with a netlink listener). */
#define VDA_PATH "/devices/pci0000:00/0000:00:04.0/virtio1/block/vda"
static const char ADD_VDA[] =
	"add@" VDA_PATH "\0"
	"ACTION=add\0DEVPATH=" VDA_PATH "\0SUBSYSTEM=block\0MAJOR=254\0MINOR=0\0"
	"DEVNAME=vda\0DEVTYPE=disk\0DISKSEQ=1\0SEQNUM=812\0";
static const char ADD_VDA1[] =
	"add@" VDA_PATH "/vda1\0"
	"ACTION=add\0DEVPATH=" VDA_PATH "/vda1\0SUBSYSTEM=block\0MAJOR=254\0MINOR=1\0"
	"DEVNAME=vda1\0DEVTYPE=partition\0DISKSEQ=1\0PARTN=1\0SEQNUM=813\0";
static const char CHANGE_LOOP0[] =
	"change@/devices/virtual/block/loop0\0"
	"ACTION=change\0DEVPATH=/devices/virtual/block/loop0\0SUBSYSTEM=block\0"
	"MAJOR=7\0MINOR=0\0DEVNAME=loop0\0DEVTYPE=disk\0DISKSEQ=9\0SEQNUM=1024\0";
static const char BIND_VIRTIO[] =
	"bind@/devices/pci0000:00/0000:00:04.0/virtio1\0"
	"ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:04.0/virtio1\0"
	"SUBSYSTEM=virtio\0DRIVER=virtio_blk\0MODALIAS=virtio:d00000002v00001AF4\0"
	"SEQNUM=811\0";

#define LEN(a) (sizeof(a) - 1)

static struct uev_msg m;

/* Parses a copy of exactly len bytes, so ASan sees any read past it. */
static int parse_n(const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int r;

	ATF_REQUIRE(copy);
	memcpy(copy, data, len);
	r = uev_parse(copy, len, &m);
	free(copy);
	return r;
}

ATF_TC_WITHOUT_HEAD(parse_disk);
ATF_TC_BODY(parse_disk, tc)
{
	ATF_REQUIRE_EQ(parse_n(ADD_VDA, LEN(ADD_VDA)), 0);
	ATF_CHECK_STREQ(m.action, "add");
	ATF_CHECK_STREQ(m.devpath, VDA_PATH);
	ATF_CHECK_STREQ(m.subsystem, "block");
	ATF_CHECK_STREQ(m.devname, "vda");
	ATF_CHECK_STREQ(m.devtype, "disk");
	ATF_CHECK(m.has_devt);
	ATF_CHECK_EQ(m.major, 254);
	ATF_CHECK_EQ(m.minor, 0);
	ATF_CHECK_EQ(m.seqnum, 812);
}

ATF_TC_WITHOUT_HEAD(parse_partition_and_change);
ATF_TC_BODY(parse_partition_and_change, tc)
{
	ATF_REQUIRE_EQ(parse_n(ADD_VDA1, LEN(ADD_VDA1)), 0);
	ATF_CHECK_STREQ(m.devname, "vda1");
	ATF_CHECK_STREQ(m.devtype, "partition");
	ATF_CHECK_EQ(m.minor, 1);
	ATF_CHECK_EQ(m.seqnum, 813);
	ATF_REQUIRE_EQ(parse_n(CHANGE_LOOP0, LEN(CHANGE_LOOP0)), 0);
	ATF_CHECK_STREQ(m.action, "change");
	ATF_CHECK_STREQ(m.devpath, "/devices/virtual/block/loop0");
	ATF_CHECK_EQ(m.major, 7);
	ATF_CHECK_EQ(m.seqnum, 1024);
}

ATF_TC_WITHOUT_HEAD(parse_without_devt);
ATF_TC_BODY(parse_without_devt, tc)
{
	ATF_REQUIRE_EQ(parse_n(BIND_VIRTIO, LEN(BIND_VIRTIO)), 0);
	ATF_CHECK_STREQ(m.action, "bind");
	ATF_CHECK_STREQ(m.subsystem, "virtio");
	ATF_CHECK_STREQ(m.devname, "");
	ATF_CHECK(!m.has_devt);
	ATF_CHECK_EQ(m.seqnum, 811);
}

ATF_TC_WITHOUT_HEAD(parse_last_field_without_nul);
ATF_TC_BODY(parse_last_field_without_nul, tc)
{
	ATF_REQUIRE_EQ(parse_n(ADD_VDA, LEN(ADD_VDA) - 1), 0);
	ATF_CHECK_EQ(m.seqnum, 812);
	ATF_CHECK_STREQ(m.devname, "vda");
}

/* Every prefix: no read past it, and what is set is a prefix of the truth. */
ATF_TC_WITHOUT_HEAD(parse_every_truncation);
ATF_TC_BODY(parse_every_truncation, tc)
{
	size_t header = strlen(ADD_VDA) + 1;

	for (size_t len = 0; len <= LEN(ADD_VDA); len++) {
		int r = parse_n(ADD_VDA, len);

		ATF_CHECK_MSG(r == 0 || r == -EINVAL, "len %zu: %d", len, r);
		if (len < header + strlen("ACTION=add") + 1 + strlen("DEVPATH=") + 1)
			ATF_CHECK_EQ_MSG(r, -EINVAL, "len %zu", len);
		ATF_CHECK_MSG(!strncmp(VDA_PATH, m.devpath, strlen(m.devpath)), "len %zu", len);
		ATF_CHECK_MSG(!strncmp("add", m.action, strlen(m.action)), "len %zu", len);
		ATF_CHECK_MSG(!strncmp("block", m.subsystem, strlen(m.subsystem)), "len %zu", len);
		ATF_CHECK_MSG(!strncmp("disk", m.devtype, strlen(m.devtype)), "len %zu", len);
		ATF_CHECK_MSG(m.major == 0 || m.major == 2 || m.major == 25 || m.major == 254,
			      "len %zu: major %u", len, m.major);
	}
}

ATF_TC_WITHOUT_HEAD(parse_malformed);
ATF_TC_BODY(parse_malformed, tc)
{
	static const char udev[] = "libudev\0\xfe\xed\xca\xfe\0\0\0\0ACTION=add\0";
	static const char no_at[] = "add/devices/x\0ACTION=add\0DEVPATH=/devices/x\0";
	static const char at_first[] = "@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0";
	static const char no_action[] = "add@/devices/x\0DEVPATH=/devices/x\0SEQNUM=1\0";
	static const char no_devpath[] = "add@/devices/x\0ACTION=add\0SEQNUM=1\0";
	static const char empty_action[] = "add@/devices/x\0ACTION=\0DEVPATH=/devices/x\0";
	static const char no_nul[] = "add@/devices/x";

	ATF_CHECK_EQ(parse_n(udev, LEN(udev)), -EINVAL);
	ATF_CHECK_EQ(parse_n(no_at, LEN(no_at)), -EINVAL);
	ATF_CHECK_EQ(parse_n(at_first, LEN(at_first)), -EINVAL);
	ATF_CHECK_EQ(parse_n(no_action, LEN(no_action)), -EINVAL);
	ATF_CHECK_EQ(parse_n(no_devpath, LEN(no_devpath)), -EINVAL);
	ATF_CHECK_EQ(parse_n(empty_action, LEN(empty_action)), -EINVAL);
	ATF_CHECK_EQ(parse_n(no_nul, LEN(no_nul)), -EINVAL);
	ATF_CHECK_EQ(parse_n("", 0), -EINVAL);
	ATF_CHECK_EQ(parse_n("\0\0\0", 3), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(parse_bad_numbers);
ATF_TC_BODY(parse_bad_numbers, tc)
{
	static const char big[] = "add@/d\0ACTION=add\0DEVPATH=/d\0MAJOR=4096\0MINOR=1048576\0"
				  "SEQNUM=12345678901234567890\0";
	static const char junk[] = "add@/d\0ACTION=add\0DEVPATH=/d\0MAJOR=8a\0MINOR=-1\0"
				   "SEQNUM=\0MAJORX=9\0=5\0NOEQUALS\0";
	static const char edge[] = "add@/d\0ACTION=add\0DEVPATH=/d\0MAJOR=4095\0MINOR=1048575\0"
				   "SEQNUM=9999999999999999999\0";

	ATF_REQUIRE_EQ(parse_n(big, LEN(big)), 0);
	ATF_CHECK(!m.has_devt);
	ATF_CHECK_EQ(m.major, 0);
	ATF_CHECK_EQ(m.minor, 0);
	ATF_CHECK_EQ(m.seqnum, 0);
	ATF_REQUIRE_EQ(parse_n(junk, LEN(junk)), 0);
	ATF_CHECK(!m.has_devt);
	ATF_CHECK_EQ(m.major, 0);
	ATF_CHECK_EQ(m.seqnum, 0);
	ATF_REQUIRE_EQ(parse_n(edge, LEN(edge)), 0);
	ATF_CHECK(m.has_devt);
	ATF_CHECK_EQ(m.major, 4095);
	ATF_CHECK_EQ(m.minor, 1048575);
	ATF_CHECK_EQ(m.seqnum, 9999999999999999999ull);
}

ATF_TC_WITHOUT_HEAD(parse_long_fields_cut);
ATF_TC_BODY(parse_long_fields_cut, tc)
{
	char buf[1024];
	size_t n = 0;

	n += (size_t)sprintf(buf, "add@/d") + 1;
	n += (size_t)sprintf(buf + n, "ACTION=addaddaddaddaddaddadd") + 1;
	n += (size_t)sprintf(buf + n, "DEVPATH=/d") + 1;
	memcpy(buf + n, "DEVNAME=", 8);
	memset(buf + n + 8, 'n', 200);
	n += 208;
	buf[n++] = '\0';
	ATF_REQUIRE_EQ(parse_n(buf, n), 0);
	ATF_CHECK_STREQ(m.action, "addaddaddaddadd");
	ATF_CHECK_EQ(strlen(m.devname), sizeof(m.devname) - 1);
}

/* ---- uev_next through the fake seam ---- */

ATF_TC_WITHOUT_HEAD(next_waits_for_event);
ATF_TC_BODY(next_waits_for_event, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	ATF_REQUIRE(fd >= 0);
	fake_uevent_push(FAKE_T0_MS + 50, 1, ADD_VDA, LEN(ADD_VDA));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_STREQ(m.devname, "vda");
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 50);
	ATF_CHECK_STREQ(fake_waits(), "50");
}

ATF_TC_WITHOUT_HEAD(next_takes_queued_in_order);
ATF_TC_BODY(next_takes_queued_in_order, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	fake_uevent_push(FAKE_T0_MS, 1, ADD_VDA, LEN(ADD_VDA));
	fake_uevent_push(FAKE_T0_MS, 1, ADD_VDA1, LEN(ADD_VDA1));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_EQ(m.seqnum, 812);
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_EQ(m.seqnum, 813);
	ATF_CHECK_STREQ(fake_waits(), "");
}

ATF_TC_WITHOUT_HEAD(next_ignores_other_senders);
ATF_TC_BODY(next_ignores_other_senders, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	fake_uevent_push(FAKE_T0_MS + 10, 0, CHANGE_LOOP0, LEN(CHANGE_LOOP0));
	fake_uevent_push(FAKE_T0_MS + 20, 1, ADD_VDA1, LEN(ADD_VDA1));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_STREQ(m.devname, "vda1");
	ATF_CHECK_STREQ(fake_waits(), "10 10");
	ATF_CHECK_EQ(fake_uevent_left(), 0);
}

ATF_TC_WITHOUT_HEAD(next_skips_malformed_and_truncated);
ATF_TC_BODY(next_skips_malformed_and_truncated, tc)
{
	static char huge[9000];
	int fd;

	fake_reset();
	fd = uev_open();
	memcpy(huge, ADD_VDA, sizeof(ADD_VDA));
	fake_uevent_push(FAKE_T0_MS, 1, "garbage", 7);
	/* Longer than uev_next's buffer: cut, so not trusted. */
	fake_uevent_push(FAKE_T0_MS, 1, huge, sizeof(huge));
	fake_uevent_push(FAKE_T0_MS + 5, 1, CHANGE_LOOP0, LEN(CHANGE_LOOP0));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_STREQ(m.devname, "loop0");
	ATF_CHECK_STREQ(fake_waits(), "5");
}

ATF_TC_WITHOUT_HEAD(next_times_out_at_deadline);
ATF_TC_BODY(next_times_out_at_deadline, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	fake_uevent_push(FAKE_T0_MS + 300, 1, ADD_VDA, LEN(ADD_VDA));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 250), -ETIMEDOUT);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 250);
	ATF_CHECK_STREQ(fake_waits(), "250");
	ATF_CHECK_EQ(fake_uevent_left(), 1);
}

ATF_TC_WITHOUT_HEAD(next_long_deadline_polls_in_slices);
ATF_TC_BODY(next_long_deadline_polls_in_slices, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS + 150000), -ETIMEDOUT);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 150000);
	ATF_CHECK_STREQ(fake_waits(), "60000 60000 30000");
}

ATF_TC_WITHOUT_HEAD(next_deadline_passed);
ATF_TC_BODY(next_deadline_passed, tc)
{
	int fd;

	fake_reset();
	fd = uev_open();
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS - 1), -ETIMEDOUT);
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS), -ETIMEDOUT);
	ATF_CHECK_STREQ(fake_waits(), "");
	/* Still, what is already queued is taken. */
	fake_uevent_push(FAKE_T0_MS, 1, ADD_VDA, LEN(ADD_VDA));
	ATF_CHECK_EQ(uev_next(fd, &m, FAKE_T0_MS - 1), 0);
}

ATF_TC_WITHOUT_HEAD(open_failure);
ATF_TC_BODY(open_failure, tc)
{
	fake_reset();
	fake_fail(FAKE_UEVENT_SOCKET, NULL, -EPROTONOSUPPORT);
	ATF_CHECK_EQ(uev_open(), -EPROTONOSUPPORT);
}

ATF_TC_WITHOUT_HEAD(is_about_device_and_partitions);
ATF_TC_BODY(is_about_device_and_partitions, tc)
{
	static const char loop1[] = "change@/devices/virtual/block/loop1\0ACTION=change";
	static const char part[] = "add@/devices/virtual/block/loop1/loop1p2\0ACTION=add";
	static const char loop10[] = "change@/devices/virtual/block/loop10\0ACTION=change";
	static const char loop10p1[] = "add@/devices/virtual/block/loop10/loop10p1";
	static const char odd[] = "add@/devices/virtual/block/loop1/loop1px";
	char name[] = "loop1";

	ATF_CHECK(uev_is_about(loop1, sizeof(loop1) - 1, name));
	ATF_CHECK(uev_is_about(part, sizeof(part) - 1, name));
	ATF_CHECK(!uev_is_about(loop10, sizeof(loop10) - 1, name));
	ATF_CHECK(!uev_is_about(loop10p1, sizeof(loop10p1) - 1, name));
	ATF_CHECK(!uev_is_about(odd, sizeof(odd) - 1, name));
	ATF_CHECK(!uev_is_about("loop1", 0, name));
	ATF_CHECK(uev_is_about("add@/x/loop1", 12, name));
	ATF_CHECK(!uev_is_about("add@/x/loop1p", 13, name));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, is_about_device_and_partitions);
	ATF_TP_ADD_TC(tp, parse_disk);
	ATF_TP_ADD_TC(tp, parse_partition_and_change);
	ATF_TP_ADD_TC(tp, parse_without_devt);
	ATF_TP_ADD_TC(tp, parse_last_field_without_nul);
	ATF_TP_ADD_TC(tp, parse_every_truncation);
	ATF_TP_ADD_TC(tp, parse_malformed);
	ATF_TP_ADD_TC(tp, parse_bad_numbers);
	ATF_TP_ADD_TC(tp, parse_long_fields_cut);
	ATF_TP_ADD_TC(tp, next_waits_for_event);
	ATF_TP_ADD_TC(tp, next_takes_queued_in_order);
	ATF_TP_ADD_TC(tp, next_ignores_other_senders);
	ATF_TP_ADD_TC(tp, next_skips_malformed_and_truncated);
	ATF_TP_ADD_TC(tp, next_times_out_at_deadline);
	ATF_TP_ADD_TC(tp, next_long_deadline_polls_in_slices);
	ATF_TP_ADD_TC(tp, next_deadline_passed);
	ATF_TP_ADD_TC(tp, open_failure);
	return atf_no_error();
}
