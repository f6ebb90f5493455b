/* SPDX-License-Identifier: MIT */
/*
 * dm-verity's pure parts (drivers/dm/verity_sb.c, verity_status.c): real
 * superblocks read as `veritysetup dump` shows them, each malformed field
 * refused with the device and the field named, the hash tree's size as
 * veritysetup counts it, the fit on the devices, the table line, the
 * corruption policies and the status line.
 */
#include "verity_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

static uint8_t img[VERITY_SB_SIZE];
static char why[320];

ATF_TC_WITHOUT_HEAD(sb_real);
ATF_TC_BODY(sb_real, tc)
{
	struct verity_sb sb;

	sb_image(img, SB_SHA256, sizeof(SB_SHA256));
	ATF_REQUIRE_EQ_MSG(verity_sb_parse(img, sizeof(img), "hash.img", &sb, why, sizeof(why)),
			   0, "%s", why);
	ATF_CHECK_EQ(sb.hash_type, 1);
	ATF_CHECK_STREQ(sb.algorithm, "sha256");
	ATF_CHECK_EQ(sb.data_block_size, 4096);
	ATF_CHECK_EQ(sb.hash_block_size, 4096);
	ATF_CHECK_EQ(sb.data_blocks, 256);
	ATF_CHECK_EQ(sb.salt_size, 32);
	ATF_CHECK_EQ(sb.uuid[0], 0xd5);
	ATF_CHECK_EQ(sb.uuid[15], 0x50);
	ATF_CHECK_EQ(sb.salt[0], 0xba);
	ATF_CHECK_EQ(sb.salt[31], 0x5a);

	sb_image(img, SB_SHA1, sizeof(SB_SHA1));
	ATF_REQUIRE_EQ_MSG(verity_sb_parse(img, sizeof(img), "hash2.img", &sb, why, sizeof(why)),
			   0, "%s", why);
	ATF_CHECK_EQ(sb.hash_type, 0);
	ATF_CHECK_STREQ(sb.algorithm, "sha1");
	ATF_CHECK_EQ(sb.data_block_size, 512);
	ATF_CHECK_EQ(sb.hash_block_size, 1024);
	ATF_CHECK_EQ(sb.data_blocks, 64);
	ATF_CHECK_EQ(sb.salt_size, 0);
}

static void put32(unsigned int off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* The sha256 superblock with bytes changed by fn must be refused with want. */
#define REFUSED(change, want) do { \
	struct verity_sb sb = { .data_blocks = 77 }; \
	sb_image(img, SB_SHA256, sizeof(SB_SHA256)); \
	change; \
	memset(why, 0, sizeof(why)); \
	ATF_CHECK_EQ(verity_sb_parse(img, sizeof(img), "/dev/loop3", &sb, why, sizeof(why)), \
		     -EINVAL); \
	ATF_CHECK_STREQ(why, want); \
	ATF_CHECK_EQ(sb.data_blocks, 77); \
} while (0)

ATF_TC_WITHOUT_HEAD(sb_refused);
ATF_TC_BODY(sb_refused, tc)
{
	REFUSED(img[5] = 'x', "/dev/loop3: verity superblock: no signature \"verity\" at its "
		"start (is hash-offset right?)");
	REFUSED(put32(8, 2), "/dev/loop3: verity superblock: version 2 is not 1");
	REFUSED(put32(12, 7), "/dev/loop3: verity superblock: hash_type 7 is not 0 (Chrome OS) "
		"or 1");
	REFUSED(memset(img + 32, 'a', 32), "/dev/loop3: verity superblock: algorithm is not "
		"NUL-terminated");
	REFUSED(img[32] = 0, "/dev/loop3: verity superblock: algorithm is empty");
	REFUSED(img[35] = 'X', "/dev/loop3: verity superblock: algorithm has a byte 0x58 that "
		"no hash name has");
	REFUSED(memcpy(img + 32, "crc32", 6), "/dev/loop3: verity superblock: algorithm crc32 "
		"is not a hash blkasm knows (sha1, sha256, sha512, ...)");
	REFUSED(put32(64, 3000), "/dev/loop3: verity superblock: data_block_size 3000 is not a "
		"power of two between 512 and 4096");
	REFUSED(put32(64, 8192), "/dev/loop3: verity superblock: data_block_size 8192 is not a "
		"power of two between 512 and 4096");
	REFUSED(put32(68, 3000), "/dev/loop3: verity superblock: hash_block_size 3000 is not a "
		"power of two between 512 and 4096");
	REFUSED(put32(68, 256), "/dev/loop3: verity superblock: hash_block_size 256 is not a "
		"power of two between 512 and 4096");
	REFUSED(put32(72, 0), "/dev/loop3: verity superblock: data_blocks 0 is zero");
	REFUSED((put32(72, 0xffffffff), put32(76, 0xffffffff)), "/dev/loop3: verity "
		"superblock: data_blocks 18446744073709551615 is too large");
	REFUSED(img[81] = 1, "/dev/loop3: verity superblock: salt_size 288 is more than 256");
}

ATF_TC_WITHOUT_HEAD(sb_short);
ATF_TC_BODY(sb_short, tc)
{
	struct verity_sb sb;

	sb_image(img, SB_SHA256, sizeof(SB_SHA256));
	ATF_CHECK_EQ(verity_sb_parse(img, 511, "/dev/vdc", &sb, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdc: verity superblock: 511 bytes, not 512");
	/* Without a buffer for why, or a tiny one. */
	ATF_CHECK_EQ(verity_sb_parse(img, 511, "/dev/vdc", &sb, NULL, 0), -EINVAL);
	why[0] = 'x';
	ATF_CHECK_EQ(verity_sb_parse(img, 511, "/dev/vdc", &sb, why, 1), -EINVAL);
	ATF_CHECK_EQ(why[0], '\0');
}

/* The hash blocks veritysetup format reported ("Hash blocks:"). */
ATF_TC_WITHOUT_HEAD(tree_blocks);
ATF_TC_BODY(tree_blocks, tc)
{
	static const struct {
		uint64_t data;
		uint32_t hbs;
		unsigned int digest;
		uint64_t want;
	} cases[] = {
		{ 256, 4096, 32, 3 }, { 100000, 4096, 32, 790 }, { 100000, 4096, 64, 1589 },
		{ 300000, 512, 20, 20002 }, { 1, 4096, 32, 0 }, { 129, 4096, 32, 3 },
		{ 64, 1024, 20, 3 },
	};
	uint64_t got;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ATF_REQUIRE_EQ(verity_tree_blocks(cases[i].data, cases[i].hbs, cases[i].digest,
						  &got), 0);
		ATF_CHECK_MSG(got == cases[i].want, "%llu blocks: %llu, want %llu",
			      (unsigned long long)cases[i].data, (unsigned long long)got,
			      (unsigned long long)cases[i].want);
	}
	/* The most data blocks there can be still make a tree that fits 64 bits. */
	ATF_CHECK_EQ(verity_tree_blocks(UINT64_MAX, 512, 64, &got), 0);
	ATF_CHECK(got > UINT64_MAX / 8 && got < UINT64_MAX / 6);
	/* A digest too big for two in a hash block. */
	ATF_CHECK_EQ(verity_tree_blocks(10, 512, 257, &got), -E2BIG);
	ATF_CHECK_EQ(verity_tree_blocks(10, 512, 0, &got), -E2BIG);
}

static int fit(struct verity_fit f, uint64_t *start, uint64_t *sectors)
{
	struct verity_sb sb;

	sb_image(img, SB_SHA256, sizeof(SB_SHA256));
	ATF_REQUIRE_EQ(verity_sb_parse(img, sizeof(img), "x", &sb, NULL, 0), 0);
	f.data_dev = "/dev/vdb";
	f.hash_dev = f.same ? "/dev/vdb" : "/dev/vdc";
	memset(why, 0, sizeof(why));
	return verity_sb_fit(&sb, &f, start, sectors, why, sizeof(why));
}

ATF_TC_WITHOUT_HEAD(sb_fit);
ATF_TC_BODY(sb_fit, tc)
{
	uint64_t start = 99, sectors = 99;

	/* veritysetup's own files: 1 MiB of data, 16384 bytes of hash. */
	ATF_REQUIRE_EQ_MSG(fit((struct verity_fit){ .data_bytes = 1 << 20, .hash_bytes = 16384 },
			       &start, &sectors), 0, "%s", why);
	ATF_CHECK_EQ(start, 1);
	ATF_CHECK_EQ(sectors, 2048);
	ATF_CHECK_EQ(fit((struct verity_fit){ .data_bytes = 1 << 20, .hash_bytes = 16383 },
			 &start, &sectors), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdc: verity superblock: the hash tree of data_blocks 256 "
			"ends at byte 16384, the hash device has 16383");
	ATF_CHECK_EQ(fit((struct verity_fit){ .data_bytes = (1 << 20) - 512,
					      .hash_bytes = 16384 }, &start, &sectors), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdb: verity superblock: data_blocks 256 of 4096 bytes need "
			"1048576 bytes, the data device has 1048064");
	/* The tree after the data on one device: after the superblock's block. */
	ATF_REQUIRE_EQ_MSG(fit((struct verity_fit){ .data_bytes = 2 << 20, .hash_bytes = 2 << 20,
						    .hash_offset = 1 << 20, .same = true },
			       &start, &sectors), 0, "%s", why);
	ATF_CHECK_EQ(start, 257);
	ATF_CHECK_EQ(fit((struct verity_fit){ .data_bytes = 2 << 20, .hash_bytes = 2 << 20,
					      .hash_offset = 512 * 1024, .same = true },
			 &start, &sectors), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdb: verity superblock: data_blocks 256 of 4096 bytes run "
			"past hash-offset 524288 into the hash tree");
	ATF_CHECK_EQ(fit((struct verity_fit){ .data_bytes = 2 << 20, .hash_bytes = 2 << 20,
					      .hash_offset = 1000 }, &start, &sectors), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdc: verity: hash-offset 1000 is not a multiple of 512 "
			"inside the device's 2097152 bytes");
	ATF_CHECK_EQ(fit((struct verity_fit){ .data_bytes = 1 << 20, .hash_bytes = 16384,
					      .data_sector = 4096, .hash_sector = 8192 },
			 &start, &sectors), -EINVAL);
	ATF_CHECK_STREQ(why, "/dev/vdc: verity superblock: hash_block_size 4096 is smaller "
			"than the hash device's 8192-byte blocks");
	ATF_CHECK_EQ(start, 257);	/* untouched by failures */
}

ATF_TC_WITHOUT_HEAD(table);
ATF_TC_BODY(table, tc)
{
	struct verity_sb sb;
	char buf[600];

	sb_image(img, SB_SHA256, sizeof(SB_SHA256));
	ATF_REQUIRE_EQ(verity_sb_parse(img, sizeof(img), "x", &sb, NULL, 0), 0);
	ATF_CHECK(verity_table(buf, sizeof(buf), &sb, makedev(7, 0), makedev(7, 1), 1,
			       SHA256_ROOT, VERITY_EIO) > 0);
	ATF_CHECK_STREQ(buf, "1 7:0 7:1 4096 4096 256 1 sha256 " SHA256_ROOT " " SHA256_SALT);
	ATF_CHECK(verity_table(buf, sizeof(buf), &sb, makedev(7, 0), makedev(7, 0), 257,
			       SHA256_ROOT, VERITY_RESTART) > 0);
	ATF_CHECK_STREQ(buf, "1 7:0 7:0 4096 4096 256 257 sha256 " SHA256_ROOT " " SHA256_SALT
			" 1 restart_on_corruption");
	verity_table(buf, sizeof(buf), &sb, 1, 1, 1, "r", VERITY_PANIC);
	ATF_CHECK(strstr(buf, " 1 panic_on_corruption"));
	verity_table(buf, sizeof(buf), &sb, 1, 1, 1, "r", VERITY_LOG);
	ATF_CHECK(strstr(buf, " 1 ignore_corruption"));
	ATF_CHECK_EQ(verity_table(buf, 100, &sb, 1, 1, 1, SHA256_ROOT, VERITY_EIO), -ENOSPC);
	ATF_CHECK_STREQ(buf, "");

	sb_image(img, SB_SHA1, sizeof(SB_SHA1));
	ATF_REQUIRE_EQ(verity_sb_parse(img, sizeof(img), "x", &sb, NULL, 0), 0);
	ATF_CHECK(verity_table(buf, sizeof(buf), &sb, makedev(254, 3), makedev(8, 17), 1,
			       SHA1_ROOT, VERITY_EIO) > 0);
	ATF_CHECK_STREQ(buf, "0 254:3 8:17 512 1024 64 1 sha1 " SHA1_ROOT " -");
}

ATF_TC_WITHOUT_HEAD(policy);
ATF_TC_BODY(policy, tc)
{
	static const char *const w[] = { "error", "restart", "panic", "log" };
	enum verity_policy p;

	for (unsigned int i = 0; i < 4; i++) {
		ATF_CHECK_EQ(verity_policy_parse(w[i], &p), 0);
		ATF_CHECK_EQ(p, (enum verity_policy)i);
		ATF_CHECK_STREQ(verity_policy_word(p), w[i]);
	}
	ATF_CHECK_EQ(verity_policy_parse("eio", &p), -EINVAL);
	ATF_CHECK_EQ(verity_policy_parse("", &p), -EINVAL);
}

ATF_TC_WITHOUT_HEAD(status);
ATF_TC_BODY(status, tc)
{
	struct verity_status st;
	char lng[VERITY_STATUS_MAX + 2];

	ATF_CHECK_EQ(verity_status_parse("V", &st, why, sizeof(why)), 0);
	ATF_CHECK(!st.corrupted && !st.has_corrected);
	ATF_CHECK_EQ(verity_status_parse("C", &st, why, sizeof(why)), 0);
	ATF_CHECK(st.corrupted);
	/* What newer kernels append: FEC corrections, or "-" without FEC. */
	ATF_CHECK_EQ(verity_status_parse("V -", &st, why, sizeof(why)), 0);
	ATF_CHECK(!st.corrupted && !st.has_corrected);
	ATF_CHECK_EQ(verity_status_parse("C 12 ", &st, why, sizeof(why)), 0);
	ATF_CHECK(st.corrupted && st.has_corrected && st.corrected == 12);

	ATF_CHECK_EQ(verity_status_parse("", &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "verity status is empty");
	ATF_CHECK_EQ(verity_status_parse("Valid", &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "verity status \"Valid\" does not start with V or C");
	ATF_CHECK_EQ(verity_status_parse("V x", &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "verity status: \"x\" after V is not a count of corrections or -");
	ATF_CHECK_EQ(verity_status_parse("C 99999999999999999999", &st, why, sizeof(why)),
		     -EINVAL);
	ATF_CHECK_EQ(verity_status_parse("V - 3", &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "verity status: unexpected \"3\" at its end");
	memset(lng, ' ', sizeof(lng) - 1);
	lng[0] = 'V';
	lng[sizeof(lng) - 1] = '\0';
	ATF_CHECK_EQ(verity_status_parse(lng, &st, why, sizeof(why)), -EINVAL);
	ATF_CHECK_STREQ(why, "verity status is longer than 256 bytes");
	ATF_CHECK_EQ(verity_status_parse(NULL, &st, NULL, 0), -EINVAL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, sb_real);
	ATF_TP_ADD_TC(tp, sb_refused);
	ATF_TP_ADD_TC(tp, sb_short);
	ATF_TP_ADD_TC(tp, tree_blocks);
	ATF_TP_ADD_TC(tp, sb_fit);
	ATF_TP_ADD_TC(tp, table);
	ATF_TP_ADD_TC(tp, policy);
	ATF_TP_ADD_TC(tp, status);
	return atf_no_error();
}
