/* SPDX-License-Identifier: MIT */
/*
 * The verity superblock parser and the tree's layout against this
 * machine's cryptsetup: veritysetup format writes hash files for several
 * algorithms, block sizes, salts and formats (plain files, no
 * device-mapper), and what verity_sb_parse, verity_tree_blocks and
 * verity_sb_fit make of each must be what `veritysetup dump` and format
 * itself report. Skipped without veritysetup (package cryptsetup-bin).
 */
#include <atf-c.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm/verity_sb.h"

static void need_veritysetup(void)
{
	if (system("command -v veritysetup >/dev/null 2>&1") != 0)
		atf_tc_skip("veritysetup is not installed (package cryptsetup-bin)");
}

/* The value after "key:" in veritysetup's output file, or "" when none. */
static const char *field(const char *path, const char *key)
{
	static char val[256];
	char line[512];
	FILE *f = fopen(path, "r");

	ATF_REQUIRE_MSG(f, "%s", path);
	val[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':') {
			sscanf(line + strlen(key) + 1, " %255s", val);
			break;
		}
	fclose(f);
	return val;
}

static uint64_t num(const char *path, const char *key)
{
	return strtoull(field(path, key), NULL, 10);
}

static void run(const char *cmd)
{
	ATF_REQUIRE_MSG(system(cmd) == 0, "failed: %s", cmd);
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	ATF_REQUIRE(stat(path, &st) == 0);
	return (uint64_t)st.st_size;
}

/* Formats 256 KiB of data with args (hash on its own file) and checks the reading. */
static void check(const char *args)
{
	char cmd[512], hex[2 * VERITY_SALT_MAX + 2] = "";
	uint8_t buf[VERITY_SB_SIZE];
	struct verity_sb sb;
	struct verity_fit f = { .data_dev = "data.img", .hash_dev = "hash.img" };
	uint64_t tree, start, sectors;
	char why[256];
	FILE *h;

	run("head -c 262144 /dev/urandom > data.img && rm -f hash.img");
	snprintf(cmd, sizeof(cmd), "veritysetup format %s data.img hash.img > format.txt", args);
	run(cmd);
	run("veritysetup dump hash.img > dump.txt");
	h = fopen("hash.img", "rb");
	ATF_REQUIRE(h && fread(buf, 1, sizeof(buf), h) == sizeof(buf));
	fclose(h);
	ATF_REQUIRE_EQ_MSG(verity_sb_parse(buf, sizeof(buf), "hash.img", &sb, why, sizeof(why)),
			   0, "%s: %s", args, why);
	ATF_CHECK_EQ_MSG(sb.hash_type, num("dump.txt", "Hash type"), "%s", args);
	ATF_CHECK_EQ_MSG(sb.data_blocks, num("dump.txt", "Data blocks"), "%s", args);
	ATF_CHECK_EQ_MSG(sb.data_block_size, num("dump.txt", "Data block size"), "%s", args);
	ATF_CHECK_EQ_MSG(sb.hash_block_size, num("dump.txt", "Hash block size"), "%s", args);
	ATF_CHECK_STREQ_MSG(sb.algorithm, field("dump.txt", "Hash algorithm"), "%s", args);
	for (unsigned int i = 0; i < sb.salt_size; i++)
		sprintf(hex + 2 * i, "%02x", sb.salt[i]);
	ATF_CHECK_STREQ_MSG(sb.salt_size ? hex : "-", field("dump.txt", "Salt"), "%s", args);
	ATF_CHECK_EQ_MSG(strlen(field("format.txt", "Root hash")),
			 2 * verity_digest_size(sb.algorithm), "%s", args);
	ATF_REQUIRE_EQ(verity_tree_blocks(sb.data_blocks, sb.hash_block_size,
					  verity_digest_size(sb.algorithm), &tree), 0);
	ATF_CHECK_EQ_MSG(tree, num("format.txt", "Hash blocks"), "%s: tree %" PRIu64, args, tree);
	/* The hash file veritysetup wrote is exactly what the tree needs. */
	f.data_bytes = file_size("data.img");
	f.hash_bytes = file_size("hash.img");
	ATF_CHECK_EQ_MSG(verity_sb_fit(&sb, &f, &start, &sectors, why, sizeof(why)), 0, "%s: %s",
			 args, why);
	ATF_CHECK_EQ_MSG((start + tree) * sb.hash_block_size, f.hash_bytes, "%s", args);
	f.hash_bytes--;
	ATF_CHECK_EQ_MSG(verity_sb_fit(&sb, &f, &start, &sectors, why, sizeof(why)), -22,
			 "%s: one byte less still fits", args);
}

ATF_TC_WITHOUT_HEAD(format_dump);
ATF_TC_BODY(format_dump, tc)
{
	need_veritysetup();
	check("");
	check("--hash=sha1 --data-block-size=512 --hash-block-size=1024 --salt=- --format=0");
	check("--hash=sha512 --data-block-size=1024 --hash-block-size=512");
	check("--hash=sha256 --data-block-size=512 --hash-block-size=512 --salt=00ff");
	check("--hash=sha1 --hash-block-size=512 --data-blocks=33");
}

/* The tree after the data in one file: veritysetup format --hash-offset. */
ATF_TC_WITHOUT_HEAD(same_file);
ATF_TC_BODY(same_file, tc)
{
	uint8_t buf[VERITY_SB_SIZE];
	struct verity_sb sb;
	struct verity_fit f = { .data_dev = "img", .hash_dev = "img", .hash_offset = 262144,
				.same = true };
	uint64_t start, sectors, tree;
	char why[256];
	FILE *h;

	need_veritysetup();
	run("head -c 262144 /dev/urandom > img && veritysetup format --hash-offset=262144 "
	    "--data-blocks=64 img img > format.txt");
	h = fopen("img", "rb");
	ATF_REQUIRE(h && fseek(h, 262144, SEEK_SET) == 0 && fread(buf, 1, sizeof(buf), h) ==
		    sizeof(buf));
	fclose(h);
	ATF_REQUIRE_EQ_MSG(verity_sb_parse(buf, sizeof(buf), "img", &sb, why, sizeof(why)), 0,
			   "%s", why);
	f.data_bytes = f.hash_bytes = file_size("img");
	ATF_REQUIRE_EQ_MSG(verity_sb_fit(&sb, &f, &start, &sectors, why, sizeof(why)), 0, "%s",
			   why);
	ATF_REQUIRE_EQ(verity_tree_blocks(sb.data_blocks, sb.hash_block_size,
					  verity_digest_size(sb.algorithm), &tree), 0);
	ATF_CHECK_EQ(start, 262144 / 4096 + 1);
	ATF_CHECK_EQ((start + tree) * sb.hash_block_size, f.hash_bytes);
	ATF_CHECK_EQ(sectors, 512);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, format_dump);
	ATF_TP_ADD_TC(tp, same_file);
	return atf_no_error();
}
