/* SPDX-License-Identifier: MIT */
/*
 * The slot state on disk (lib/slot_state_io.c) under the fake seam: the
 * newest valid copy is read, a write goes over the older copy only, and a
 * write that fails at any seam call, or is cut after any number of bytes,
 * leaves a state that reads as the old or the new one, never a mix.
 */
#include "fake_inject.h"
#include "fake_sys.h"
#include "slot_state.h"
#include "sys.h"

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PATH "/host/blkasm.slots"

static const struct slot_loc loc = { .path = PATH, .off = 0 };
static char why[512];

static struct slot_state ab(void)
{
	struct slot_state s = { .count = 2, .next = SLOT_NONE, .booted = SLOT_NONE };

	strcpy(s.slots[0].name, "a");
	s.slots[0].priority = 15;
	s.slots[0].good = true;
	strcpy(s.slots[1].name, "b");
	s.slots[1].priority = 14;
	s.slots[1].tries = 3;
	return s;
}

/* The bytes of PATH through the seam (len: how many there are). */
static size_t image(uint8_t *buf)
{
	int fd = sys_open(PATH, O_RDONLY, 0);
	ssize_t n;

	ATF_REQUIRE(fd >= 0);
	memset(buf, 0, SLOT_AREA_SIZE);
	n = sys_pread(fd, buf, SLOT_AREA_SIZE, 0);
	sys_close(fd);
	ATF_REQUIRE(n >= 0);
	return (size_t)n;
}

/* A fresh fake with PATH holding these bytes. */
static void put_image(const uint8_t *buf)
{
	fake_reset();
	fake_dir_add("/host");
	fake_file_add_data(PATH, buf, SLOT_AREA_SIZE);
}

/* A state file made by slot_state_create, sequences 1 and 2. */
static void fresh(void)
{
	struct slot_state s = ab();

	fake_reset();
	fake_dir_add("/host");
	ATF_REQUIRE_EQ_MSG(slot_state_create(&loc, &s, why, sizeof(why)), 0, "%s", why);
}

ATF_TC_WITHOUT_HEAD(create_file_renamed_into_place);
ATF_TC_BODY(create_file_renamed_into_place, tc)
{
	struct slot_read_report rep;
	struct slot_state s;
	uint8_t buf[SLOT_AREA_SIZE];

	fresh();
	ATF_CHECK_STREQ(fake_trace(), "unlink " PATH ".new pwrite " PATH ".new 0 8192 fsync "
			PATH ".new rename " PATH ".new " PATH " fsync /host");
	ATF_CHECK_EQ(image(buf), SLOT_AREA_SIZE);
	ATF_REQUIRE_EQ_MSG(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK_EQ(rep.newest, 1);
	ATF_CHECK_EQ(s.seq, 2);
	ATF_CHECK_STREQ(s.slots[1].name, "b");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(create_never_overwrites);
ATF_TC_BODY(create_never_overwrites, tc)
{
	struct slot_state s = ab();
	static uint8_t zeros[SLOT_AREA_SIZE], dev[4 << 20];

	fresh();
	ATF_CHECK_EQ(slot_state_create(&loc, &s, why, sizeof(why)), -EEXIST);
	ATF_CHECK_STREQ(why, PATH " exists and is not blank (non-zero byte at 0): not "
			"overwritten");

	fake_reset();
	fake_file_add(PATH, "some data\n");
	ATF_CHECK_EQ(slot_state_create(&loc, &s, why, sizeof(why)), -EEXIST);
	ATF_CHECK_STREQ(fake_trace(), "");

	put_image(zeros);			/* blank: taken */
	ATF_CHECK_EQ(slot_state_create(&loc, &s, why, sizeof(why)), 0);

	/* A device whose last MiB holds data is not blank. */
	fake_reset();
	memset(dev, 0, sizeof(dev));
	dev[sizeof(dev) - 10] = 1;
	fake_blkdev_add("/dev/vdb", makedev(254, 16), dev, sizeof(dev));
	s = ab();
	ATF_CHECK_EQ(slot_state_create(&(struct slot_loc){ "/dev/vdb", 0 }, &s, why,
				       sizeof(why)), -EEXIST);
	ATF_CHECK_MSG(strstr(why, "/dev/vdb is not blank (non-zero byte at 4194294)"), "%s", why);
	ATF_CHECK_EQ(slot_state_create(&(struct slot_loc){ "/dev/vdb", 100 }, &s, why,
				       sizeof(why)), -EINVAL);
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));

	/* Nothing invalid is ever written. */
	fake_reset();
	s = ab();
	s.slots[1].tries = 9;
	ATF_CHECK_EQ(slot_state_create(&loc, &s, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, PATH ": not written: slot b: tries 9 out of range 0-7");
	ATF_CHECK_STREQ(fake_trace(), "");
}

/*
 * A zeroed device area is taken, at an offset too. libblkid does not go
 * through the seam (fake_sys.h): it probes a real zero file at the path.
 */
ATF_TC_WITHOUT_HEAD(create_on_blank_device);
ATF_TC_BODY(create_on_blank_device, tc)
{
	static uint8_t dev[3 << 20];
	struct slot_read_report rep;
	struct slot_state s = ab();
	char path[4096];
	FILE *f;

	ATF_REQUIRE(getcwd(path, sizeof(path) - 8));
	strcat(path, "/dev");
	f = fopen(path, "w");
	ATF_REQUIRE(f && fwrite(dev, 1, sizeof(dev), f) == sizeof(dev) && fclose(f) == 0);
	fake_reset();
	fake_blkdev_add(path, makedev(254, 16), dev, sizeof(dev));
	ATF_REQUIRE_EQ_MSG(slot_state_create(&(struct slot_loc){ path, 8192 }, &s, why,
					     sizeof(why)), 0, "%s", why);
	ATF_CHECK(strstr(fake_trace(), " 8192 8192 fsync "));
	s.seq = 0;
	ATF_REQUIRE_EQ_MSG(slot_state_read(&(struct slot_loc){ path, 8192 }, &s, &rep, why,
					   sizeof(why)), 0, "%s", why);
	ATF_CHECK_EQ(s.seq, 2);
	ATF_CHECK_EQ(slot_state_create(&(struct slot_loc){ path, 8192 }, &s, why,
				       sizeof(why)), -EEXIST);
	ATF_CHECK_EQ(slot_state_create(&(struct slot_loc){ path, (3 << 20) - 4096 }, &s, why,
				       sizeof(why)), -ENOSPC);
}

ATF_TC_WITHOUT_HEAD(write_goes_over_the_older_copy);
ATF_TC_BODY(write_goes_over_the_older_copy, tc)
{
	uint8_t before[SLOT_AREA_SIZE], after[SLOT_AREA_SIZE];
	struct slot_read_report rep;
	struct slot_state s;

	fresh();
	image(before);
	ATF_REQUIRE_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0);
	slot_mark_good(&s, 1);
	put_image(before);
	ATF_REQUIRE_EQ_MSG(slot_state_write(&loc, &s, &rep, why, sizeof(why)), 0, "%s", why);
	ATF_CHECK_STREQ(fake_trace(), "pwrite " PATH " 0 4096 fsync " PATH);
	ATF_CHECK_EQ(rep.newest, 0);
	ATF_CHECK_EQ(s.seq, 3);
	image(after);
	ATF_CHECK_EQ(memcmp(before + SLOT_COPY_SIZE, after + SLOT_COPY_SIZE, SLOT_COPY_SIZE), 0);

	/* The next write goes over copy 1, which is now the older. */
	slot_activate(&s, 0, 2);
	ATF_REQUIRE_EQ(slot_state_write(&loc, &s, &rep, why, sizeof(why)), 0);
	ATF_CHECK(strstr(fake_trace(), "pwrite " PATH " 4096 4096 fsync " PATH));
	ATF_REQUIRE_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0);
	ATF_CHECK_EQ(s.seq, 4);
	ATF_CHECK_EQ(rep.newest, 1);
	ATF_CHECK(s.slots[1].good && s.slots[0].tries == 2);
}

ATF_TC_WITHOUT_HEAD(one_bad_copy_both_bad);
ATF_TC_BODY(one_bad_copy_both_bad, tc)
{
	uint8_t buf[SLOT_AREA_SIZE];
	struct slot_read_report rep;
	struct slot_state s = { .seq = 77 };

	fresh();
	image(buf);
	buf[SLOT_COPY_SIZE + 200] ^= 1;		/* copy 1 (the newer) torn */
	put_image(buf);
	ATF_REQUIRE_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0);
	ATF_CHECK_EQ(rep.newest, 0);
	ATF_CHECK_EQ(s.seq, 1);
	ATF_CHECK_MSG(!strncmp(rep.why[1], "checksum mismatch", 17), "%s", rep.why[1]);

	buf[0] = 'x';				/* and copy 0 */
	put_image(buf);
	s.seq = 77;
	ATF_CHECK_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), -EUCLEAN);
	ATF_CHECK_EQ(s.seq, 77);
	ATF_CHECK_MSG(!strncmp(why, PATH ": no valid copy: copy 0: bad magic; copy 1: "
			       "checksum mismatch (stored ", 80), "%s", why);

	fake_reset();
	fake_file_add_data(PATH, buf, 5000);	/* cut short */
	ATF_CHECK_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), -EUCLEAN);
	ATF_CHECK_MSG(strstr(why, "copy 1: cut short (the state is 5000 bytes, expected "
			     "8192)"), "%s", why);

	fake_reset();
	ATF_CHECK_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), -ENOENT);
	ATF_CHECK_STREQ(why, PATH ": No such file or directory");
	fake_fifo_add(PATH);
	ATF_CHECK_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), -ESPIPE);
}

/* Is s the state before (b not good, seq 2) or after (b good, seq 3)? */
static int which(const struct slot_state *s)
{
	if (s->seq == 2 && !s->slots[1].good && s->slots[1].tries == 3)
		return 0;
	if (s->seq == 3 && s->slots[1].good && s->slots[1].tries == 3)
		return 1;
	return -1;
}

/* A fresh state's bytes in before, read into s with b marked good. */
static void old_and_change(uint8_t *before, struct slot_state *s, struct slot_read_report *rep)
{
	fresh();
	image(before);
	ATF_REQUIRE_EQ(slot_state_read(&loc, s, rep, why, sizeof(why)), 0);
	slot_mark_good(s, 1);
}

ATF_TC_WITHOUT_HEAD(write_fails_at_every_call);
ATF_TC_BODY(write_fails_at_every_call, tc)
{
	uint8_t before[SLOT_AREA_SIZE];
	struct slot_read_report rep0, rep;
	struct slot_state s0, s;
	unsigned long calls;
	int r;

	old_and_change(before, &s0, &rep0);
	fake_inject_start(false);
	s = s0, rep = rep0;
	ATF_REQUIRE_EQ(slot_state_write(&loc, &s, &rep, why, sizeof(why)), 0);
	calls = fake_inject_calls();
	ATF_REQUIRE(calls >= 4);		/* open, fstat, pwrite, fsync, close */
	for (unsigned long k = 1; k <= calls; k++) {
		put_image(before);
		fake_inject_arm(k, -EIO, false);
		s = s0, rep = rep0;
		r = slot_state_write(&loc, &s, &rep, why, sizeof(why));
		fake_inject_stop();
		ATF_CHECK_MSG(r == 0 || r == -EIO, "call %lu: %d", k, r);
		ATF_REQUIRE_EQ(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0);
		ATF_CHECK_MSG(which(&s) >= 0, "call %lu failed: neither old nor new", k);
		if (r < 0)
			ATF_CHECK_MSG(which(&s) == 0 || k == calls - 1 || k == calls,
				      "call %lu: failed, yet the new state reads back", k);
	}
}

/*
 * A power cut after k bytes of the one pwrite: the older copy's place
 * holds the new copy's first k bytes and the rest of the old. Every k
 * near the ends, every 61st in between.
 */
ATF_TC_WITHOUT_HEAD(write_cut_after_k_bytes);
ATF_TC_BODY(write_cut_after_k_bytes, tc)
{
	uint8_t before[SLOT_AREA_SIZE], after[SLOT_AREA_SIZE], cut[SLOT_AREA_SIZE];
	struct slot_read_report rep;
	struct slot_state s;
	unsigned int olds = 0, news = 0, at;
	int w;

	old_and_change(before, &s, &rep);
	put_image(before);
	ATF_REQUIRE_EQ(slot_state_write(&loc, &s, &rep, why, sizeof(why)), 0);
	/* Where the write went, from the trace: the sweep finds a wrong place too. */
	ATF_REQUIRE_EQ(sscanf(fake_trace(), "pwrite " PATH " %u 4096", &at), 1);
	image(after);
	for (unsigned int k = 0; k <= SLOT_COPY_SIZE; k += k < 40 || k > 4060 ? 1 : 61) {
		memcpy(cut, before, sizeof(cut));
		memcpy(cut + at, after + at, k);
		put_image(cut);
		ATF_REQUIRE_EQ_MSG(slot_state_read(&loc, &s, &rep, why, sizeof(why)), 0,
				   "cut at %u: %s", k, why);
		w = which(&s);
		ATF_CHECK_MSG(w >= 0, "cut at %u: neither old nor new", k);
		olds += w == 0;
		news += w == 1;
		/* The next change after the cut still goes over the torn copy. */
		slot_activate(&s, 0, 1);
		ATF_REQUIRE_EQ(slot_state_write(&loc, &s, &rep, why, sizeof(why)), 0);
		ATF_CHECK_MSG(strstr(fake_trace(), w ? "pwrite " PATH " 4096 4096" :
				     "pwrite " PATH " 0 4096"), "cut at %u: %s", k, fake_trace());
	}
	ATF_CHECK(olds > 0 && news == 1);	/* new only once the whole copy is there */
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, create_file_renamed_into_place);
	ATF_TP_ADD_TC(tp, create_never_overwrites);
	ATF_TP_ADD_TC(tp, create_on_blank_device);
	ATF_TP_ADD_TC(tp, write_goes_over_the_older_copy);
	ATF_TP_ADD_TC(tp, one_bad_copy_both_bad);
	ATF_TP_ADD_TC(tp, write_fails_at_every_call);
	ATF_TP_ADD_TC(tp, write_cut_after_k_bytes);
	return atf_no_error();
}
