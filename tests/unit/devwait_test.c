/* SPDX-License-Identifier: MIT */
/* devwait_event, the one event wait, on the fake clock and uevent queue. */
#include "devwait.h"
#include "devspec.h"
#include "fake_sys.h"
#include "uevent.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define LEN(a) (sizeof(a) - 1)

static const char ADD_LOOP1[] =
	"add@/devices/virtual/block/loop1\0"
	"ACTION=add\0DEVPATH=/devices/virtual/block/loop1\0SUBSYSTEM=block\0"
	"MAJOR=7\0MINOR=1\0DEVNAME=loop1\0DEVTYPE=disk\0SEQNUM=900\0";
static const char ADD_LOOP2[] =
	"add@/devices/virtual/block/loop2\0"
	"ACTION=add\0DEVPATH=/devices/virtual/block/loop2\0SUBSYSTEM=block\0"
	"MAJOR=7\0MINOR=2\0DEVNAME=loop2\0DEVTYPE=disk\0SEQNUM=901\0";

/* A look that waits for the device `want`, and records what it was shown. */
struct seen {
	const char *want;
	bool there;		/* the whole-state look finds it */
	int fail;		/* returned by every look when non-zero */
	unsigned int full, events;
	char names[128];
	uint64_t at_ms;		/* fake time of the last look */
};

static int look(void *ctx, const struct uev_msg *m)
{
	struct seen *s = ctx;
	size_t len = strlen(s->names);

	s->at_ms = fake_now_ms();
	if (s->fail)
		return s->fail;
	if (!m) {
		s->full++;
		return s->there;
	}
	s->events++;
	snprintf(s->names + len, sizeof(s->names) - len, "%s%s", len ? " " : "", m->devname);
	return !strcmp(m->devname, s->want);
}

ATF_TC_WITHOUT_HEAD(true_at_once);
ATF_TC_BODY(true_at_once, tc)
{
	struct seen s = { .want = "loop1", .there = true };

	fake_reset();
	fake_uevent_push(FAKE_T0_MS + 10, 1, ADD_LOOP1, LEN(ADD_LOOP1));
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_EQ(s.full, 1);
	ATF_CHECK_EQ(s.events, 0);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS);
	ATF_CHECK_STREQ(fake_waits(), "");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

/* Another device's event does not end it; the matching one does, at its time. */
ATF_TC_WITHOUT_HEAD(woken_by_matching_uevent);
ATF_TC_BODY(woken_by_matching_uevent, tc)
{
	struct seen s = { .want = "loop1" };

	fake_reset();
	fake_uevent_push(FAKE_T0_MS + 100, 1, ADD_LOOP2, LEN(ADD_LOOP2));
	fake_uevent_push(FAKE_T0_MS + 300, 1, ADD_LOOP1, LEN(ADD_LOOP1));
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_EQ(s.full, 1);
	ATF_CHECK_STREQ(s.names, "loop2 loop1");
	ATF_CHECK_EQ(s.at_ms, FAKE_T0_MS + 300);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 300);
	ATF_CHECK_STREQ(fake_waits(), "100 200");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

/* The deadline, on the fake clock: one wait of exactly what was left. */
ATF_TC_WITHOUT_HEAD(deadline_times_out);
ATF_TC_BODY(deadline_times_out, tc)
{
	struct seen s = { .want = "loop1" };

	fake_reset();
	fake_uevent_push(FAKE_T0_MS + 100, 1, ADD_LOOP2, LEN(ADD_LOOP2));
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 250), -ETIMEDOUT);
	ATF_CHECK_EQ(fake_now_ms(), FAKE_T0_MS + 250);
	ATF_CHECK_STREQ(fake_waits(), "100 150");
	ATF_CHECK_STREQ(s.names, "loop2");
	ATF_CHECK_EQ(fake_open_fds(), 0);

	/* A deadline already past: one look, no wait. */
	fake_reset();
	memset(&s, 0, sizeof(s));
	s.want = "loop1";
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS - 1), -ETIMEDOUT);
	ATF_CHECK_EQ(s.full, 1);
	ATF_CHECK_STREQ(fake_waits(), "");
}

/* A look's error stops the wait with it. */
ATF_TC_WITHOUT_HEAD(look_error_stops);
ATF_TC_BODY(look_error_stops, tc)
{
	struct seen s = { .want = "loop1", .fail = -EIO };

	fake_reset();
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 1000), -EIO);
	ATF_CHECK_STREQ(fake_waits(), "");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

/* Without a uevent socket: one look still, then the socket's error. */
ATF_TC_WITHOUT_HEAD(no_socket_looks_once);
ATF_TC_BODY(no_socket_looks_once, tc)
{
	struct seen s = { .want = "loop1" };

	fake_reset();
	fake_fail(FAKE_UEVENT_SOCKET, NULL, -EPROTONOSUPPORT);
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 1000), -EPROTONOSUPPORT);
	ATF_CHECK_EQ(s.full, 1);
	s.there = true;
	ATF_CHECK_EQ(devwait_event(look, &s, FAKE_T0_MS + 1000), 0);
	ATF_CHECK_STREQ(fake_waits(), "");
}

/* An md device that is there but holds no running array (size 0). */
static void md0(const char *sectors)
{
	fake_reset();
	fake_file_add("/sys/class/block/md0/dev", "9:0\n");
	fake_file_add("/sys/class/block/md0/size", sectors);
	fake_file_add("/sys/class/block/md0/md/array_state", "inactive\n");
	fake_blkdev_add("/dev/md0", makedev(9, 0), "", 0);
}

/*
 * /dev/md0 exists from the first open on, with no size until its array
 * runs: a root=/dev/md0 waits for the array, not for the node.
 */
ATF_TC_WITHOUT_HEAD(md_without_array_is_not_there);
ATF_TC_BODY(md_without_array_is_not_there, tc)
{
	struct devspec ds = { .kind = DEVSPEC_PATH, .value = "/dev/md0" };
	char path[64] = "";

	md0("0\n");
	ATF_CHECK_EQ(devwait_block(&ds, FAKE_T0_MS + 500, path, sizeof(path)), -ETIMEDOUT);
	md0("129024\n");
	ATF_CHECK_EQ(devwait_block(&ds, FAKE_T0_MS + 500, path, sizeof(path)), 0);
	ATF_CHECK_STREQ(path, "/dev/md0");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, true_at_once);
	ATF_TP_ADD_TC(tp, woken_by_matching_uevent);
	ATF_TP_ADD_TC(tp, deadline_times_out);
	ATF_TP_ADD_TC(tp, look_error_stops);
	ATF_TP_ADD_TC(tp, no_socket_looks_once);
	ATF_TP_ADD_TC(tp, md_without_array_is_not_there);
	return 0;
}
