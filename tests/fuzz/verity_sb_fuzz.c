/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: verity_sb_parse on an exactly-sized copy of the input
 * (ASan reports any read past its end), then, for what parses, the table
 * line and the fit on devices whose sizes and hash offset come from the
 * 24 bytes after the superblock (when there are; a 25th byte's low bit:
 * one device for both; a 26th: the devices' logical block sizes). What
 * parses must be sane; what fits must lie inside its devices.
 */
#include "dm/dm.h"
#include "dm/verity_sb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sane(const struct verity_sb *sb)
{
	unsigned int digest = verity_digest_size(sb->algorithm);
	char root[2 * VERITY_DIGEST_MAX + 1], table[DM_PARAMS_MAX];

	CHECK(digest > 0 && digest <= VERITY_DIGEST_MAX);
	CHECK(sb->hash_type <= 1 && sb->salt_size <= VERITY_SALT_MAX && sb->data_blocks);
	CHECK(sb->data_block_size >= 512 && sb->data_block_size <= 4096 &&
	      !(sb->data_block_size & (sb->data_block_size - 1)));
	CHECK(sb->hash_block_size >= 512 && sb->hash_block_size <= 4096 &&
	      !(sb->hash_block_size & (sb->hash_block_size - 1)));
	memset(root, 'f', 2 * digest);
	root[2 * digest] = '\0';
	/* The longest line (sha512, a 256-byte salt, a policy) fits a dm target's params. */
	for (int p = VERITY_EIO; p <= VERITY_LOG; p++)
		CHECK(verity_table(table, sizeof(table), sb, (dev_t)-1, (dev_t)-1, UINT64_MAX, root,
				   (enum verity_policy)p) > 0);
}

static void fit(const struct verity_sb *sb, const uint8_t *d, size_t len)
{
	struct verity_fit f = { .data_dev = "d", .hash_dev = "h", .data_bytes = le64(d),
				.hash_bytes = le64(d + 8), .hash_offset = le64(d + 16),
				.same = len > 24 && (d[24] & 1),
				.data_sector = len > 25 ? 512u << (d[25] & 3) : 0,
				.hash_sector = len > 25 ? 512u << (d[25] >> 2 & 3) : 0 };
	uint64_t start = 0, sectors = 0, tree;
	char why[200];

	if (verity_sb_fit(sb, &f, &start, &sectors, why, sizeof(why)) < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0]);
		return;
	}
	CHECK(verity_tree_blocks(sb->data_blocks, sb->hash_block_size,
				 verity_digest_size(sb->algorithm), &tree) == 0);
	CHECK(sb->data_block_size >= f.data_sector && sb->hash_block_size >= f.hash_sector);
	CHECK(sectors * 512 == sb->data_blocks * sb->data_block_size);
	CHECK(sectors * 512 <= f.data_bytes);
	CHECK(start * sb->hash_block_size >= f.hash_offset + VERITY_SB_SIZE);
	CHECK((start + tree) * sb->hash_block_size <= f.hash_bytes);
	CHECK(!f.same || sectors * 512 <= f.hash_offset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct verity_sb sb;
	char why[200];
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(why, 'w', sizeof(why));
	r = verity_sb_parse(copy, size, "/dev/x", &sb, why, sizeof(why));
	CHECK(r == 0 || r == -EINVAL);
	CHECK(verity_sb_parse(copy, size, "/dev/x", &sb, NULL, 0) == r);
	if (r < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && !strncmp(why, "/dev/x: verity", 14));
	} else {
		sane(&sb);
		if (size >= VERITY_SB_SIZE + 24)
			fit(&sb, copy + VERITY_SB_SIZE, size - VERITY_SB_SIZE);
	}
	free(copy);
	return 0;
}
