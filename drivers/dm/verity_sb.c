/* SPDX-License-Identifier: MIT */
/*
 * The dm-verity superblock (untrusted: read from a device) and whether
 * what it describes fits the devices. Formats: verity_sb.h.
 */
#include "verity_sb.h"
#include "driver.h"

#include <errno.h>
#include <string.h>

#define SB_ALG 32
#define SB_DATA_BS 64
#define SB_HASH_BS 68
#define SB_DATA_BLOCKS 72
#define SB_SALT_SIZE 80
#define SB_SALT 88
#define MAX_LEVELS 63		/* DM_VERITY_MAX_LEVELS */
#define BLOCK_MIN 512u		/* the smallest logical block size */
#define BLOCK_MAX 4096u		/* PAGE_SIZE on the boards (data blocks may not exceed it) */

static const struct {
	const char *name;
	unsigned int size;
} digests[] = {
	{ "sha1", 20 }, { "sha224", 28 }, { "sha256", 32 }, { "sha384", 48 },
	{ "sha512", 64 }, { "sha3-224", 28 }, { "sha3-256", 32 }, { "sha3-384", 48 },
	{ "sha3-512", 64 }, { "blake2b-256", 32 }, { "blake2b-512", 64 },
	{ "blake2s-256", 32 }, { "sm3", 32 }, { "md5", 16 },
};

unsigned int verity_digest_size(const char *algorithm)
{
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (!strcmp(digests[i].name, algorithm))
			return digests[i].size;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool block_size_ok(uint32_t bs)
{
	return bs >= BLOCK_MIN && bs <= BLOCK_MAX && !(bs & (bs - 1));
}

#define BAD(...) (why && why_size ? driver_say(why, why_size, __VA_ARGS__) : (void)0, -EINVAL)

/* The algorithm's name: NUL-terminated inside its field, one the kernel has. */
static int check_algorithm(const uint8_t *b, const char *dev, char *why, size_t why_size)
{
	const char *alg = (const char *)b + SB_ALG;
	size_t len = strnlen(alg, SB_ALG);

	if (len == SB_ALG)
		return BAD("%s: verity superblock: algorithm is not NUL-terminated", dev);
	if (len == 0)
		return BAD("%s: verity superblock: algorithm is empty", dev);
	for (size_t i = 0; i < len; i++)
		if (!((alg[i] >= 'a' && alg[i] <= 'z') || (alg[i] >= '0' && alg[i] <= '9') ||
		      alg[i] == '-'))
			return BAD("%s: verity superblock: algorithm has a byte 0x%02x that no "
				   "hash name has", dev, (unsigned char)alg[i]);
	if (!verity_digest_size(alg))
		return BAD("%s: verity superblock: algorithm %s is not a hash blkasm knows "
			   "(sha1, sha256, sha512, ...)", dev, alg);
	return 0;
}

static int check_header(const uint8_t *b, const char *dev, char *why, size_t why_size)
{
	uint32_t version = le32(b + 8), type = le32(b + 12);

	if (memcmp(b, "verity\0\0", 8))
		return BAD("%s: verity superblock: no signature \"verity\" at its start (is "
			   "hash-offset right?)", dev);
	if (version != 1)
		return BAD("%s: verity superblock: version %u is not 1", dev, version);
	if (type > 1)
		return BAD("%s: verity superblock: hash_type %u is not 0 (Chrome OS) or 1", dev,
			   type);
	return check_algorithm(b, dev, why, why_size);
}

static int check_sizes(const uint8_t *b, const char *dev, char *why, size_t why_size)
{
	uint32_t dbs = le32(b + SB_DATA_BS), hbs = le32(b + SB_HASH_BS);
	uint64_t blocks = le64(b + SB_DATA_BLOCKS);
	unsigned int salt = b[SB_SALT_SIZE] | b[SB_SALT_SIZE + 1] << 8;

	if (!block_size_ok(dbs))
		return BAD("%s: verity superblock: data_block_size %u is not a power of two "
			   "between %u and %u", dev, dbs, BLOCK_MIN, BLOCK_MAX);
	if (!block_size_ok(hbs))
		return BAD("%s: verity superblock: hash_block_size %u is not a power of two "
			   "between %u and %u", dev, hbs, BLOCK_MIN, BLOCK_MAX);
	/* The kernel's sector count of the data must not overflow (verity_ctr). */
	if (blocks == 0 || blocks > UINT64_MAX / dbs)
		return BAD("%s: verity superblock: data_blocks %llu is %s", dev,
			   (unsigned long long)blocks, blocks ? "too large" : "zero");
	if (salt > VERITY_SALT_MAX)
		return BAD("%s: verity superblock: salt_size %u is more than %u", dev, salt,
			   VERITY_SALT_MAX);
	return 0;
}

int verity_sb_parse(const void *buf, size_t len, const char *dev, struct verity_sb *sb,
		    char *why, size_t why_size)
{
	const uint8_t *b = buf;
	int r;

	if (len < VERITY_SB_SIZE)
		return BAD("%s: verity superblock: %zu bytes, not %u", dev, len, VERITY_SB_SIZE);
	r = check_header(b, dev, why, why_size);
	if (r == 0)
		r = check_sizes(b, dev, why, why_size);
	if (r < 0)
		return r;
	memset(sb, 0, sizeof(*sb));
	sb->hash_type = le32(b + 12);
	memcpy(sb->uuid, b + 16, sizeof(sb->uuid));
	memcpy(sb->algorithm, b + SB_ALG, SB_ALG);
	sb->data_block_size = le32(b + SB_DATA_BS);
	sb->hash_block_size = le32(b + SB_HASH_BS);
	sb->data_blocks = le64(b + SB_DATA_BLOCKS);
	sb->salt_size = (uint16_t)(b[SB_SALT_SIZE] | b[SB_SALT_SIZE + 1] << 8);
	memcpy(sb->salt, b + SB_SALT, sb->salt_size);
	return 0;
}

int verity_tree_blocks(uint64_t data_blocks, uint32_t hash_block_size,
		       unsigned int digest_size, uint64_t *blocks)
{
	unsigned int bits = 0, levels = 0;
	uint64_t sum = 0;

	if (!digest_size || hash_block_size / digest_size < 2)
		return -E2BIG;
	while ((2u << bits) <= hash_block_size / digest_size)
		bits++;		/* __fls(hash_block_size / digest_size) */
	while (bits * levels < 64 && data_blocks && (data_blocks - 1) >> (bits * levels))
		levels++;
	if (levels > MAX_LEVELS)
		return -E2BIG;
	for (unsigned int i = 0; i < levels; i++) {
		unsigned int shift = (i + 1) * bits;
		/* ceil(data_blocks / 2^shift) without the kernel's overflow */
		uint64_t s = shift >= 64 ? 1 : (data_blocks >> shift) +
			!!(data_blocks & ((UINT64_C(1) << shift) - 1));

		if (sum + s < sum)
			return -E2BIG;
		sum += s;
	}
	*blocks = sum;
	return 0;
}

/* The tree's end in bytes on the hash device, or false when it overflows. */
static bool tree_end(const struct verity_sb *sb, uint64_t start, uint64_t *end)
{
	uint64_t tree;

	if (verity_tree_blocks(sb->data_blocks, sb->hash_block_size,
			       verity_digest_size(sb->algorithm), &tree) < 0 ||
	    start + tree < start || start + tree > UINT64_MAX / sb->hash_block_size)
		return false;
	*end = (start + tree) * sb->hash_block_size;
	return true;
}

int verity_sb_fit(const struct verity_sb *sb, const struct verity_fit *f,
		  uint64_t *hash_start, uint64_t *sectors, char *why, size_t why_size)
{
	uint64_t data_end = sb->data_blocks * sb->data_block_size, start, end;

	if (f->hash_offset % 512 || f->hash_offset > f->hash_bytes ||
	    f->hash_offset > UINT64_MAX - 2 * BLOCK_MAX)
		return BAD("%s: verity: hash-offset %llu is not a multiple of 512 inside the "
			   "device's %llu bytes", f->hash_dev, (unsigned long long)f->hash_offset,
			   (unsigned long long)f->hash_bytes);
	if (sb->data_block_size < f->data_sector)
		return BAD("%s: verity superblock: data_block_size %u is smaller than the data "
			   "device's %u-byte blocks", f->data_dev, sb->data_block_size,
			   f->data_sector);
	if (sb->hash_block_size < f->hash_sector)
		return BAD("%s: verity superblock: hash_block_size %u is smaller than the hash "
			   "device's %u-byte blocks", f->hash_dev, sb->hash_block_size,
			   f->hash_sector);
	start = (f->hash_offset + VERITY_SB_SIZE + sb->hash_block_size - 1) / sb->hash_block_size;
	if (data_end > f->data_bytes)
		return BAD("%s: verity superblock: data_blocks %llu of %u bytes need %llu bytes, "
			   "the data device has %llu", f->data_dev,
			   (unsigned long long)sb->data_blocks, sb->data_block_size,
			   (unsigned long long)data_end, (unsigned long long)f->data_bytes);
	if (!tree_end(sb, start, &end))
		return BAD("%s: verity superblock: the hash tree of data_blocks %llu is larger "
			   "than any device", f->hash_dev, (unsigned long long)sb->data_blocks);
	if (end > f->hash_bytes)
		return BAD("%s: verity superblock: the hash tree of data_blocks %llu ends at byte "
			   "%llu, the hash device has %llu", f->hash_dev,
			   (unsigned long long)sb->data_blocks, (unsigned long long)end,
			   (unsigned long long)f->hash_bytes);
	if (f->same && data_end > f->hash_offset)
		return BAD("%s: verity superblock: data_blocks %llu of %u bytes run past "
			   "hash-offset %llu into the hash tree", f->data_dev,
			   (unsigned long long)sb->data_blocks, sb->data_block_size,
			   (unsigned long long)f->hash_offset);
	*hash_start = start;
	*sectors = data_end / 512;
	return 0;
}
