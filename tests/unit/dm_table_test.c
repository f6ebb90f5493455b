/* SPDX-License-Identifier: MIT */
/*
 * drivers/dm/dm_table.c: the bytes of packed tables (DM_TABLE_LOAD's layout),
 * unpacking DM_TABLE_STATUS's layout from untrusted bytes, dm_name_ok.
 */
#include "dm/dm.h"

#include <atf-c.h>
#include <errno.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>

#define SPEC sizeof(struct dm_target_spec)

static unsigned char buf[8192] __attribute__((aligned(8)));

static struct dm_target target(uint64_t start, uint64_t length, const char *type,
			       const char *params)
{
	struct dm_target t = { .start = start, .length = length };

	snprintf(t.type, sizeof(t.type), "%s", type);
	snprintf(t.params, sizeof(t.params), "%s", params);
	return t;
}

static struct dm_target_spec spec_at(size_t off)
{
	struct dm_target_spec s;

	memcpy(&s, buf + off, SPEC);
	return s;
}

static bool zero(size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (buf[i])
			return false;
	return true;
}

/* DM_TABLE_LOAD's "next" (from each spec) to DM_TABLE_STATUS's (from the first). */
static void to_status_layout(unsigned int n)
{
	size_t off = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct dm_target_spec s = spec_at(off);
		size_t at = off;

		off += s.next;
		s.next = (uint32_t)off;
		memcpy(buf + at, &s, SPEC);
	}
}

ATF_TC_WITHOUT_HEAD(pack_one);
ATF_TC_BODY(pack_one, tc)
{
	struct dm_target t = target(0, 2097152, "thin-pool", "7:0 7:1 128 0 1 skip_block_zeroing");
	struct dm_target_spec s;
	size_t plen = strlen(t.params);

	memset(buf, 0xee, sizeof(buf));
	ATF_REQUIRE_EQ(dm_table_pack(&t, 1, buf, sizeof(buf)), 80);
	s = spec_at(0);
	ATF_CHECK_EQ(s.sector_start, 0);
	ATF_CHECK_EQ(s.length, 2097152);
	ATF_CHECK_EQ(s.status, 0);
	ATF_CHECK_EQ(s.next, 80);	/* 40 + 35 + 1, up to a multiple of 8 */
	ATF_CHECK(!memcmp(s.target_type, "thin-pool\0\0\0\0\0\0\0", 16));
	ATF_CHECK(!memcmp(buf + SPEC, t.params, plen));
	ATF_CHECK(zero(SPEC + plen, 80));	/* NUL and padding */
	ATF_CHECK_EQ(buf[80], 0xee);	/* nothing written past */
}

ATF_TC_WITHOUT_HEAD(pack_alignment);
ATF_TC_BODY(pack_alignment, tc)
{
	/* Parameters of 0, 7 and 8 bytes: specs of 48, 48 and 56 bytes. */
	struct dm_target t[3] = {
		target(0, 8, "linear", ""),
		target(8, 16, "error", "1234567"),
		target(24, 1, "zero", "12345678"),
	};

	memset(buf, 0xee, sizeof(buf));
	ATF_REQUIRE_EQ(dm_table_pack(t, 3, buf, sizeof(buf)), 152);
	ATF_CHECK_EQ(spec_at(0).next, 48);
	ATF_CHECK_EQ(spec_at(48).next, 48);
	ATF_CHECK_EQ(spec_at(96).next, 56);
	ATF_CHECK_EQ(spec_at(48).sector_start, 8);
	ATF_CHECK_EQ(spec_at(96).length, 1);
	ATF_CHECK_STREQ((const char *)buf + 96 + SPEC, "12345678");
	ATF_CHECK(zero(SPEC, 48) && zero(48 + SPEC + 7, 96) && zero(96 + SPEC + 8, 152));
	/* Exactly enough room, then one byte short. */
	ATF_CHECK_EQ(dm_table_pack(t, 3, buf, 152), 152);
	ATF_CHECK_EQ(dm_table_pack(t, 3, buf, 151), -ENOSPC);
	ATF_CHECK_EQ(dm_table_pack(t, 1, buf, 0), -ENOSPC);
}

ATF_TC_WITHOUT_HEAD(pack_errors);
ATF_TC_BODY(pack_errors, tc)
{
	struct dm_target t[2] = { target(0, 8, "linear", "7:0 0"), target(8, 8, "linear", "7:1 0") };
	struct dm_target bad[2];

	ATF_CHECK_EQ(dm_table_pack(t, 0, buf, sizeof(buf)), -EINVAL);
	ATF_CHECK_EQ(dm_table_pack(NULL, 1, buf, sizeof(buf)), -EINVAL);
	ATF_CHECK_EQ(dm_table_pack(t, 2, buf, sizeof(buf)), 96);

	memcpy(bad, t, sizeof(bad));
	bad[1].start = 9;	/* a gap */
	ATF_CHECK_EQ(dm_table_pack(bad, 2, buf, sizeof(buf)), -EINVAL);
	bad[1].start = 7;	/* an overlap */
	ATF_CHECK_EQ(dm_table_pack(bad, 2, buf, sizeof(buf)), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	bad[0].start = 1;	/* not from sector 0 */
	ATF_CHECK_EQ(dm_table_pack(bad, 1, buf, sizeof(buf)), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	bad[1].length = 0;
	ATF_CHECK_EQ(dm_table_pack(bad, 2, buf, sizeof(buf)), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	bad[1].start = UINT64_MAX;
	bad[0].length = UINT64_MAX;	/* start + length wraps */
	bad[1].length = 2;
	ATF_CHECK_EQ(dm_table_pack(bad, 2, buf, sizeof(buf)), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	memset(bad[0].type, 'x', sizeof(bad[0].type));	/* 16 bytes, no NUL */
	ATF_CHECK_EQ(dm_table_pack(bad, 1, buf, sizeof(buf)), -EINVAL);
	bad[0].type[0] = '\0';
	ATF_CHECK_EQ(dm_table_pack(bad, 1, buf, sizeof(buf)), -EINVAL);
	memcpy(bad, t, sizeof(bad));
	memset(bad[0].params, 'p', sizeof(bad[0].params));	/* no NUL */
	ATF_CHECK_EQ(dm_table_pack(bad, 1, buf, sizeof(buf)), -EINVAL);
	bad[0].params[DM_PARAMS_MAX - 1] = '\0';	/* the longest there is */
	ATF_CHECK_EQ(dm_table_pack(bad, 1, buf, sizeof(buf)), 1064);
}

ATF_TC_WITHOUT_HEAD(round_trip);
ATF_TC_BODY(round_trip, tc)
{
	struct dm_target t[4] = {
		target(0, 2048, "linear", "7:0 0"),
		target(2048, 4096, "thin", "253:3 16777215"),
		target(6144, 1, "error", ""),
		target(6145, UINT64_MAX - 6145, "linear", "259:1048575 18446744073709551615"),
	}, back[4];
	int len;

	memset(t[2].params, 'q', DM_PARAMS_MAX - 1);
	len = dm_table_pack(t, 4, buf, sizeof(buf));
	ATF_REQUIRE(len > 0);
	to_status_layout(4);
	memset(back, 0x5a, sizeof(back));
	ATF_REQUIRE_EQ(dm_table_unpack(buf, (size_t)len, 4, back, 4), 4);
	for (int i = 0; i < 4; i++) {
		ATF_CHECK_EQ(back[i].start, t[i].start);
		ATF_CHECK_EQ(back[i].length, t[i].length);
		ATF_CHECK_STREQ(back[i].type, t[i].type);
		ATF_CHECK_STREQ(back[i].params, t[i].params);
	}
	/* Fewer room than targets: the first max. */
	ATF_CHECK_EQ(dm_table_unpack(buf, (size_t)len, 4, back, 2), 2);
	ATF_CHECK_EQ(dm_table_unpack(buf, (size_t)len, 0, back, 4), 0);
	ATF_CHECK_EQ(dm_table_unpack(NULL, 0, 0, NULL, 0), 0);
}

/* What retrieve_status writes: the last "next" past the bytes in use. */
ATF_TC_WITHOUT_HEAD(unpack_kernel_layout);
ATF_TC_BODY(unpack_kernel_layout, tc)
{
	static const char line[] = "0 10/4096 0/16384 - rw discard_passdown queue_if_no_space - 1024 ";
	struct dm_target_spec s = { .sector_start = 0, .length = 2097152 };
	struct dm_target t;
	size_t used = SPEC + sizeof(line);

	memset(buf, 0, sizeof(buf));
	s.next = (uint32_t)((used + 7) & ~7u);
	memcpy(s.target_type, "thin-pool", 9);
	memcpy(buf, &s, SPEC);
	memcpy(buf + SPEC, line, sizeof(line));
	ATF_REQUIRE_EQ(dm_table_unpack(buf, used, 1, &t, 1), 1);
	ATF_CHECK_STREQ(t.type, "thin-pool");
	ATF_CHECK_STREQ(t.params, line);
	ATF_CHECK_EQ(t.length, 2097152);
	/* The type of older kernels' strncpy with no room for a NUL is refused. */
	memset(buf + 24, 'x', 16);
	ATF_CHECK_EQ(dm_table_unpack(buf, used, 1, &t, 1), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(unpack_errors);
ATF_TC_BODY(unpack_errors, tc)
{
	struct dm_target t[3] = {
		target(0, 8, "linear", "7:0 0"), target(8, 8, "linear", "7:1 0"),
		target(16, 8, "linear", "7:2 0"),
	}, back[3];
	struct dm_target_spec s;
	int len = dm_table_pack(t, 3, buf, sizeof(buf));

	ATF_REQUIRE_EQ(len, 144);
	to_status_layout(3);
	ATF_REQUIRE_EQ(dm_table_unpack(buf, 144, 3, back, 3), 3);
	/* Cut short: in a spec, in the parameters, before the last NUL. */
	ATF_CHECK_EQ(dm_table_unpack(buf, 30, 1, back, 3), -EINVAL);
	ATF_CHECK_EQ(dm_table_unpack(buf, 40, 1, back, 3), -EINVAL);
	ATF_CHECK_EQ(dm_table_unpack(buf, 96 + 45, 3, back, 3), -EINVAL);
	ATF_CHECK_EQ(dm_table_unpack(buf, 96 + 46, 3, back, 3), 3);
	/* More targets claimed than there are bytes. */
	ATF_CHECK_EQ(dm_table_unpack(buf, 144, 4, back, 4), -EINVAL);

	/* "next" backwards (a loop), into the parameters, misaligned, past the end. */
	s = spec_at(48);
	for (uint32_t next = 0; next < 200; next++) {
		int want = next == 96 ? 3 : -EINVAL;

		s.next = next;
		memcpy(buf + 48, &s, SPEC);
		ATF_CHECK_EQ_MSG(dm_table_unpack(buf, 144, 3, back, 3), want, "next %u", next);
	}
	s.next = 96;
	memcpy(buf + 48, &s, SPEC);

	/* Parameters of DM_PARAMS_MAX bytes and more do not fit a dm_target. */
	memset(buf, 0, sizeof(buf));
	s = (struct dm_target_spec){ .length = 1, .next = 2048 };
	memcpy(s.target_type, "linear", 6);
	memcpy(buf, &s, SPEC);
	memset(buf + SPEC, 'p', DM_PARAMS_MAX - 1);
	ATF_CHECK_EQ(dm_table_unpack(buf, 2048, 1, back, 1), 1);
	ATF_CHECK_EQ(strlen(back[0].params), DM_PARAMS_MAX - 1);
	buf[SPEC + DM_PARAMS_MAX - 1] = 'p';
	ATF_CHECK_EQ(dm_table_unpack(buf, 2048, 1, back, 1), -EINVAL);
	/* An empty type. */
	buf[SPEC + DM_PARAMS_MAX - 1] = '\0';
	buf[24] = '\0';
	ATF_CHECK_EQ(dm_table_unpack(buf, 2048, 1, back, 1), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(names);
ATF_TC_BODY(names, tc)
{
	char name[DM_NAME_MAX + 1];

	ATF_CHECK(dm_name_ok("pool"));
	ATF_CHECK(dm_name_ok("vg-thin_1.data"));
	ATF_CHECK(dm_name_ok("..."));
	ATF_CHECK(!dm_name_ok(""));
	ATF_CHECK(!dm_name_ok(NULL));
	ATF_CHECK(!dm_name_ok("."));
	ATF_CHECK(!dm_name_ok(".."));
	ATF_CHECK(!dm_name_ok("control"));
	ATF_CHECK(!dm_name_ok("a/b"));
	ATF_CHECK(!dm_name_ok("/"));
	memset(name, 'n', sizeof(name));
	name[DM_NAME_MAX - 1] = '\0';
	ATF_CHECK(dm_name_ok(name));	/* 127 bytes */
	name[DM_NAME_MAX - 1] = 'n';
	name[DM_NAME_MAX] = '\0';
	ATF_CHECK(!dm_name_ok(name));	/* 128 */
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pack_one);
	ATF_TP_ADD_TC(tp, pack_alignment);
	ATF_TP_ADD_TC(tp, pack_errors);
	ATF_TP_ADD_TC(tp, round_trip);
	ATF_TP_ADD_TC(tp, unpack_kernel_layout);
	ATF_TP_ADD_TC(tp, unpack_errors);
	ATF_TP_ADD_TC(tp, names);
	return 0;
}
