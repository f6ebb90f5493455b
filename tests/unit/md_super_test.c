/* SPDX-License-Identifier: MIT */
/*
 * The md version-1 superblock: where it sits, encoding and decoding, each
 * refusal and its text, UUID text forms. Choosing members: md_select_test.
 */
#include "md/md_super.h"

#include <atf-c.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DEV 131072u	/* 64 MiB */

static const uint8_t UUID[16] = {
	0x3f, 0x1c, 0x2a, 0x4b, 0x01, 0x23, 0x45, 0x67,
	0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
};

/* A member of a 1.<minor> array on a device of DEV sectors, holding
 * slot dev_number; events 10, clean. */
static void fill(struct md_sb *sb, int32_t level, uint32_t disks, unsigned int minor,
		 uint32_t dev_number)
{
	uint64_t at = 0;

	memset(sb, 0, sizeof(*sb));
	ATF_REQUIRE_EQ(mdsb_locate(DEV, minor, &at), 0);
	sb->minor_version = minor;
	memcpy(sb->set_uuid, UUID, 16);
	strcpy(sb->set_name, "board:data");
	sb->ctime = 1700000000;
	sb->utime = 1700000100;
	sb->level = level;
	sb->layout = level == 10 ? 0x102 : level == 5 || level == 6 ? 2 : 0;
	sb->chunk_sectors = level == 1 || level == -1 ? 0 : 1024;
	sb->raid_disks = disks;
	sb->super_offset = at;
	sb->data_offset = minor ? 2048 : 0;
	sb->data_size = minor ? DEV - 2048 : at - 8;
	sb->size = sb->data_size & ~(uint64_t)1023;
	sb->dev_number = dev_number;
	sb->device_uuid[0] = (uint8_t)(0x10 + dev_number);
	sb->events = 10;
	sb->resync_offset = UINT64_MAX;
	sb->max_dev = 384;
	for (uint32_t i = 0; i < sb->max_dev; i++)
		sb->roles[i] = i < disks ? (uint16_t)i : MDSB_ROLE_SPARE;
}

static uint8_t buf[MDSB_SIZE];
static char why[256];

static int parse_at(const struct md_sb *in, size_t len, struct md_sb *out)
{
	ATF_REQUIRE_EQ(mdsb_build(in, buf, sizeof(buf)), 0);
	return mdsb_parse(buf, len, in->minor_version, in->super_offset, DEV, out,
			  why, sizeof(why));
}

/* Builds in, expects -EINVAL with this text, and out left alone. */
static void refused(const struct md_sb *in, const char *text)
{
	struct md_sb out;

	memset(&out, 0xa5, sizeof(out));
	ATF_CHECK_EQ(parse_at(in, sizeof(buf), &out), -EINVAL);
	ATF_CHECK_STREQ(why, text);
	ATF_CHECK_EQ(out.max_dev, 0xa5a5a5a5u);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

ATF_TC_WITHOUT_HEAD(locate);
ATF_TC_BODY(locate, tc)
{
	uint64_t at = 77;

	ATF_CHECK_EQ(mdsb_locate(DEV, 0, &at), 0);
	ATF_CHECK_EQ(at, DEV - 16);
	/* Rounded down to 4 KiB: between 8 and 12 KiB from the end. */
	ATF_CHECK_EQ(mdsb_locate(DEV + 7, 0, &at), 0);
	ATF_CHECK_EQ(at, DEV - 16);
	ATF_CHECK_EQ(mdsb_locate(DEV + 8, 0, &at), 0);
	ATF_CHECK_EQ(at, DEV - 8);
	ATF_CHECK_EQ(mdsb_locate(DEV, 1, &at), 0);
	ATF_CHECK_EQ(at, 0);
	ATF_CHECK_EQ(mdsb_locate(DEV, 2, &at), 0);
	ATF_CHECK_EQ(at, 8);

	/* Smallest devices that hold the 4 KiB superblock. */
	ATF_CHECK_EQ(mdsb_locate(16, 0, &at), 0);
	ATF_CHECK_EQ(at, 0);
	ATF_CHECK_EQ(mdsb_locate(8, 1, &at), 0);
	ATF_CHECK_EQ(at, 0);
	ATF_CHECK_EQ(mdsb_locate(16, 2, &at), 0);
	ATF_CHECK_EQ(at, 8);

	at = 77;
	ATF_CHECK_EQ(mdsb_locate(15, 0, &at), -EINVAL);
	ATF_CHECK_EQ(mdsb_locate(0, 0, &at), -EINVAL);
	ATF_CHECK_EQ(mdsb_locate(7, 1, &at), -EINVAL);
	ATF_CHECK_EQ(mdsb_locate(15, 2, &at), -EINVAL);
	ATF_CHECK_EQ(mdsb_locate(DEV, 3, &at), -EINVAL);
	ATF_CHECK_EQ(at, 77);
}

ATF_TC_WITHOUT_HEAD(build_parse_round_trip);
ATF_TC_BODY(build_parse_round_trip, tc)
{
	static const struct { int32_t level; uint32_t disks; unsigned int minor; } cases[] = {
		{ 1, 2, 2 }, { 5, 4, 2 }, { 10, 4, 1 }, { 0, 3, 0 }, { -1, 1, 2 }, { 6, 6, 0 },
	};
	struct md_sb in, out;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fill(&in, cases[i].level, cases[i].disks, cases[i].minor, 1 % cases[i].disks);
		ATF_CHECK_EQ_MSG(parse_at(&in, sizeof(buf), &out), 0, "case %zu: %s", i, why);
		ATF_CHECK_MSG(memcmp(&in, &out, sizeof(in)) == 0, "case %zu differs", i);
	}

	/* Every field, odd values included, survives. */
	fill(&in, 5, 4, 2, 3);
	in.feature_map = MDSB_FEAT_BITMAP | MDSB_FEAT_RECOVERY | MDSB_FEAT_RESHAPE |
			 MDSB_FEAT_NEW_OFFSET | MDSB_FEAT_BADBLOCKS;
	in.bitmap_offset = -8;
	in.reshape_position = 123456;
	in.new_level = 6;
	in.delta_disks = -1;
	in.new_layout = 18;
	in.new_chunk = 256;
	in.new_offset = 512;
	in.recovery_offset = 4096;
	in.cnt_corrected_read = 3;
	in.devflags = 1;
	in.bblog_shift = 1;
	in.bblog_size = 8;
	in.bblog_offset = -72;
	in.events = UINT64_MAX - 1;
	in.resync_offset = 1000;
	strcpy(in.set_name, "0123456789abcdef0123456789abcdef");
	in.roles[3] = MDSB_ROLE_FAULTY;
	ATF_CHECK_EQ_MSG(parse_at(&in, sizeof(buf), &out), 0, "%s", why);
	ATF_CHECK(memcmp(&in, &out, sizeof(in)) == 0);
	ATF_CHECK_EQ(out.bitmap_offset, -8);
	ATF_CHECK_STREQ(out.set_name, "0123456789abcdef0123456789abcdef");
	ATF_CHECK_EQ(mdsb_role(&out), MDSB_ROLE_FAULTY);
}

/* The bytes a kernel reads: fixed offsets, little-endian, pads zero. */
ATF_TC_WITHOUT_HEAD(build_layout);
ATF_TC_BODY(build_layout, tc)
{
	struct md_sb in;

	fill(&in, 1, 2, 2, 1);
	in.bitmap_offset = 8;
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	ATF_CHECK_EQ(get32(buf), 0xa92b4efcu);
	ATF_CHECK_EQ(get32(buf + 4), 1);
	ATF_CHECK(memcmp(buf + 16, UUID, 16) == 0);
	ATF_CHECK(memcmp(buf + 32, "board:data\0\0", 12) == 0);
	ATF_CHECK_EQ(get32(buf + 72), 1);
	ATF_CHECK_EQ(get32(buf + 92), 2);
	ATF_CHECK_EQ(get32(buf + 96), 8);
	ATF_CHECK_EQ(get32(buf + 128), 2048);
	ATF_CHECK_EQ(get32(buf + 144), 8);
	ATF_CHECK_EQ(get32(buf + 160), 1);
	ATF_CHECK_EQ(get32(buf + 200), 10);
	ATF_CHECK_EQ(get32(buf + 208), 0xffffffffu);
	ATF_CHECK_EQ(get32(buf + 216), mdsb_csum(buf, sizeof(buf)));
	ATF_CHECK_EQ(get32(buf + 220), 384);
	ATF_CHECK_EQ(buf[256], 0);
	ATF_CHECK_EQ(buf[258], 1);
	ATF_CHECK_EQ(buf[260], 0xff);
	for (size_t i = 256 + 2 * 384; i < sizeof(buf); i++)
		ATF_REQUIRE_EQ(buf[i], 0);

	in.max_dev = MDSB_MAX_DEV + 1;
	ATF_CHECK_EQ(mdsb_build(&in, buf, sizeof(buf)), -EINVAL);
	in.max_dev = 384;
	ATF_CHECK_EQ(mdsb_build(&in, buf, MDSB_SIZE - 1), -EINVAL);
}

/*
 * magic 0xa92b4efc + two words 0xffffffff + max_dev 1 + the one role 0x1234
 * (a trailing 16-bit word: 258 bytes) = 0x2a92b612f; folded: 0xa92b612f + 2.
 * sb_csum's own bytes and what lies past the roles do not count.
 */
ATF_TC_WITHOUT_HEAD(checksum_by_hand);
ATF_TC_BODY(checksum_by_hand, tc)
{
	memset(buf, 0, sizeof(buf));
	put32(buf, 0xa92b4efc);
	put32(buf + 4, 0xffffffff);
	put32(buf + 8, 0xffffffff);
	put32(buf + 216, 0xdeadbeef);
	put32(buf + 220, 1);
	buf[256] = 0x34;
	buf[257] = 0x12;
	buf[258] = 0x77;
	ATF_CHECK_EQ(mdsb_csum(buf, sizeof(buf)), 0xa92b6131u);
	/* A buffer shorter than max_dev says: only what is there, the role
	 * left out: 0x2a92b4efb, folded. */
	ATF_CHECK_EQ(mdsb_csum(buf, 256), 0xa92b4efdu);
	ATF_CHECK_EQ(mdsb_csum(buf, 0), 0);
}

ATF_TC_WITHOUT_HEAD(refuse_no_magic);
ATF_TC_BODY(refuse_no_magic, tc)
{
	struct md_sb in, out;

	memset(&out, 0xa5, sizeof(out));
	memset(buf, 0, sizeof(buf));
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -ENODATA);
	ATF_CHECK_STREQ(why, "no md magic at sector 8");
	ATF_CHECK_EQ(mdsb_parse(buf, 2, 2, 8, DEV, &out, why, sizeof(why)), -ENODATA);
	/* Byte-swapped magic: a big-endian writer, not md. */
	fill(&in, 1, 2, 2, 0);
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	put32(buf, 0xfc4e2ba9);
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -ENODATA);
	ATF_CHECK_EQ(out.max_dev, 0xa5a5a5a5u);
	/* No why buffer: still an answer. */
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, NULL, 0), -ENODATA);
}

ATF_TC_WITHOUT_HEAD(refuse_checksum);
ATF_TC_BODY(refuse_checksum, tc)
{
	struct md_sb in, out;
	char want[80];
	uint32_t stored;

	fill(&in, 1, 2, 2, 0);
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	stored = get32(buf + 216);
	buf[40] ^= 1;
	snprintf(want, sizeof(want), "checksum 0x%08" PRIx32 ", computed 0x%08" PRIx32,
		 stored, mdsb_csum(buf, sizeof(buf)));
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, want);
	/* A flip in a role counts; one past max_dev does not. */
	buf[40] ^= 1;
	buf[256 + 2 * 384] = 0x55;
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), 0);
	buf[256 + 2 * 383] ^= 1;
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK(strncmp(why, "checksum 0x", 11) == 0);
}

ATF_TC_WITHOUT_HEAD(refuse_sizes);
ATF_TC_BODY(refuse_sizes, tc)
{
	struct md_sb in, out;

	fill(&in, 1, 2, 2, 0);
	ATF_CHECK_EQ(parse_at(&in, 1000, &out), -EINVAL);
	ATF_CHECK_STREQ(why, "truncated: 1000 bytes, max_dev 384 needs 1024");
	ATF_CHECK_EQ(parse_at(&in, 1024, &out), 0);
	ATF_CHECK_EQ(parse_at(&in, 100, &out), -EINVAL);
	ATF_CHECK_STREQ(why, "truncated: 100 bytes, the fixed part needs 256");

	/* max_dev is checked before the checksum it would extend. */
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	put32(buf + 220, 5000);
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "max_dev 5000 exceeds 1920");
	put32(buf + 220, 384);
	put32(buf + 4, 2);
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "major_version 2 is not 1");
}

ATF_TC_WITHOUT_HEAD(refuse_location);
ATF_TC_BODY(refuse_location, tc)
{
	struct md_sb in, out;

	fill(&in, 1, 2, 2, 0);
	in.super_offset = 0;
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "super_offset 0 but found at sector 8");

	/* A 1.2 superblock read as 1.1 (a partition starting 4 KiB in). */
	in.super_offset = 8;
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 1, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "a 1.1 superblock belongs at sector 0, not 8");
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, 12, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "no 1.2 superblock fits a device of 12 sectors");
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 5, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "minor version 5 is not 0, 1 or 2");
}

ATF_TC_WITHOUT_HEAD(refuse_data_placement);
ATF_TC_BODY(refuse_data_placement, tc)
{
	struct md_sb in;

	fill(&in, 1, 2, 2, 0);
	in.data_size = 999999;
	refused(&in, "data_offset 2048 + data_size 999999 beyond the device (131072 sectors)");
	in.data_offset = UINT64_MAX;
	in.data_size = 10;
	refused(&in, "data_offset 18446744073709551615 + data_size 10 beyond the device "
		"(131072 sectors)");
	fill(&in, 1, 2, 2, 0);
	in.data_offset = 9;
	refused(&in, "data_offset 9 overlaps the superblock (sectors 8..9)");
	fill(&in, 1, 2, 2, 0);
	in.data_size = 9;
	refused(&in, "data_size 9 is below 10 sectors");
	fill(&in, 1, 2, 2, 0);
	in.feature_map = MDSB_FEAT_RESHAPE | MDSB_FEAT_NEW_OFFSET;
	in.new_offset = -2040;
	refused(&in, "new_offset -2040 moves the data onto the superblock");
	in.new_offset = -2038;
	ATF_CHECK_EQ(parse_at(&in, sizeof(buf), &in), 0);

	/* 1.0: the data ends before the superblock. */
	fill(&in, 1, 2, 0, 0);
	in.data_size = DEV - 15;
	refused(&in, "data_offset 0 + data_size 131057 beyond the space before the superblock "
		"(131056 sectors)");
	in.data_size = DEV - 16;
	ATF_CHECK_EQ(parse_at(&in, sizeof(buf), &in), 0);
}

ATF_TC_WITHOUT_HEAD(refuse_array_fields);
ATF_TC_BODY(refuse_array_fields, tc)
{
	struct md_sb in;

	fill(&in, 1, 2, 2, 0);
	in.level = 3;
	refused(&in, "level 3 is not an md level");
	in.level = -4;
	refused(&in, "level -4 is not an md level");
	fill(&in, 1, 2, 2, 0);
	in.feature_map = 0x4000;
	refused(&in, "unknown feature bits 0x4000");
	in.feature_map = MDSB_FEAT_ALL;
	refused(&in, "feature raid0_layout on level 1");
	in.feature_map = MDSB_FEAT_PPL | MDSB_FEAT_BITMAP;
	refused(&in, "feature_map 0x401 combines a ppl with a bitmap, journal or second ppl kind");
	in.feature_map = MDSB_FEAT_BADBLOCKS;
	refused(&in, "bad blocks recorded but bblog_offset is 0");
	fill(&in, 1, 2, 2, 384);
	refused(&in, "dev_number 384 not below max_dev 384");
	fill(&in, 1, 0, 2, 0);
	refused(&in, "raid_disks 0 not in 1..384 for raid1");
	fill(&in, 6, 3, 2, 0);
	refused(&in, "raid_disks 3 not in 4..384 for raid6");
	fill(&in, 1, 385, 2, 0);
	refused(&in, "raid_disks 385 not in 1..384 for raid1");
	fill(&in, 0, 1, 2, 0);
	ATF_CHECK_EQ(parse_at(&in, sizeof(buf), &in), 0);
}

ATF_TC_WITHOUT_HEAD(refuse_padding);
ATF_TC_BODY(refuse_padding, tc)
{
	struct md_sb in, out;

	fill(&in, 1, 2, 2, 0);
	ATF_REQUIRE_EQ(mdsb_build(&in, buf, sizeof(buf)), 0);
	buf[255] = 1;
	put32(buf + 216, mdsb_csum(buf, sizeof(buf)));
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "pad0 or pad3 is not zero (unknown extension)");
	buf[255] = 0;
	buf[12] = 1;
	put32(buf + 216, mdsb_csum(buf, sizeof(buf)));
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), -EINVAL);
	/* Text after the name's NUL is dropped; the name stays. */
	buf[12] = 0;
	memcpy(buf + 32, "abc\0junk", 8);
	put32(buf + 216, mdsb_csum(buf, sizeof(buf)));
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, sizeof(why)), 0);
	ATF_CHECK(memcmp(out.set_name, "abc\0\0\0\0\0", 8) == 0);
	/* A small why buffer is cut, terminated. */
	buf[12] = 1;
	ATF_CHECK_EQ(mdsb_parse(buf, sizeof(buf), 2, 8, DEV, &out, why, 9), -EINVAL);
	ATF_CHECK_STREQ(why, "checksum");
}

ATF_TC_WITHOUT_HEAD(uuid_forms);
ATF_TC_BODY(uuid_forms, tc)
{
	static const char *const bad[] = {
		"", "3f1c2a4b:01234567:89abcdef:fedcba9", "3f1c2a4b:01234567:89abcdef:fedcba988",
		"3f1c2a4b-01234567-89abcdef-fedcba98", "3f1c2a4b:01234567:89abcdef-fedcba98",
		"3f1c2a4b:0123456g:89abcdef:fedcba98", "3f1c2a4b-0123-4567-89ab-cdeffedcba9",
		"3f1c2a4b-0123-4567-89abcdef-fedcba98", " 3f1c2a4b:01234567:89abcdef:fedcba98",
		"3f1c2a4b:01234567:89abcdef:fedcba98\n", "3f1c2a4b0123456789abcdeffedcba98",
	};
	uint8_t u[16], zero[16] = { 0 };
	char text[36];

	ATF_CHECK_EQ(mdsb_uuid_parse("3f1c2a4b:01234567:89abcdef:fedcba98", u), 0);
	ATF_CHECK(memcmp(u, UUID, 16) == 0);
	memset(u, 0, 16);
	ATF_CHECK_EQ(mdsb_uuid_parse("3F1C2A4B-0123-4567-89AB-CDEFfedcba98", u), 0);
	ATF_CHECK(memcmp(u, UUID, 16) == 0);
	mdsb_uuid_format(UUID, text);
	ATF_CHECK_STREQ(text, "3f1c2a4b:01234567:89abcdef:fedcba98");
	ATF_CHECK_EQ(mdsb_uuid_parse(text, u), 0);
	ATF_CHECK(memcmp(u, UUID, 16) == 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(u, 0, 16);
		ATF_CHECK_EQ_MSG(mdsb_uuid_parse(bad[i], u), -EINVAL, "'%s' taken", bad[i]);
		ATF_CHECK_MSG(memcmp(u, zero, 16) == 0, "'%s' wrote the uuid", bad[i]);
	}
}

ATF_TC_WITHOUT_HEAD(names);
ATF_TC_BODY(names, tc)
{
	ATF_CHECK_STREQ(mdsb_level_name(-1), "linear");
	ATF_CHECK_STREQ(mdsb_level_name(10), "raid10");
	ATF_CHECK(mdsb_level_name(2) == NULL);
	ATF_CHECK(mdsb_level_name(-4) == NULL);
	ATF_CHECK_STREQ(mdsb_state_name(MDSB_STALE), "stale");
	ATF_CHECK_STREQ(mdsb_state_name(MDSB_DUPLICATE), "duplicate");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, locate);
	ATF_TP_ADD_TC(tp, build_parse_round_trip);
	ATF_TP_ADD_TC(tp, build_layout);
	ATF_TP_ADD_TC(tp, checksum_by_hand);
	ATF_TP_ADD_TC(tp, refuse_no_magic);
	ATF_TP_ADD_TC(tp, refuse_checksum);
	ATF_TP_ADD_TC(tp, refuse_sizes);
	ATF_TP_ADD_TC(tp, refuse_location);
	ATF_TP_ADD_TC(tp, refuse_data_placement);
	ATF_TP_ADD_TC(tp, refuse_array_fields);
	ATF_TP_ADD_TC(tp, refuse_padding);
	ATF_TP_ADD_TC(tp, uuid_forms);
	ATF_TP_ADD_TC(tp, names);
	return atf_no_error();
}
