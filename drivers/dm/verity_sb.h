/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_VERITY_SB_H
#define BLKASM_VERITY_SB_H

/*
 * dm-verity's on-disk and textual formats, as pure functions (fuzzed):
 *
 * The superblock `veritysetup format` writes at the hash device's offset
 * (cryptsetup lib/verity/verity.c, struct verity_sb; 512 bytes,
 * little-endian): signature "verity\0\0", u32 version (1), u32 hash_type
 * (1 normal, 0 Chrome OS), u8 uuid[16], char algorithm[32] (NUL-padded),
 * u32 data_block_size, u32 hash_block_size, u64 data_blocks, u16
 * salt_size, 6 bytes of padding, u8 salt[256], 168 bytes of padding. The
 * kernel never reads it: blkasm turns it into the table below, so the
 * plan names only the devices and the root hash.
 *
 * The hash tree starts at hash block ceil((offset + 512) / hash_block_size)
 * of the hash device (cryptsetup VERITY_hash_offset_block), levels as the
 * kernel counts them (drivers/md/dm-verity-target.c verity_ctr).
 *
 * Table (Documentation/admin-guide/device-mapper/verity.rst):
 *   <hash_type> <data_dev> <hash_dev> <data_bs> <hash_bs> <data_blocks>
 *   <hash_start> <algorithm> <root digest> <salt|-> [<count> <args>...]
 * Status: "V" (verified so far) or "C" (a corruption was seen).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VERITY_SB_SIZE 512
#define VERITY_SALT_MAX 256
#define VERITY_ALG_MAX 32
#define VERITY_DIGEST_MAX 64
#define VERITY_STATUS_MAX 256	/* longer status lines are refused */

struct verity_sb {
	uint32_t hash_type;		/* 1 normal, 0 Chrome OS */
	uint8_t uuid[16];
	char algorithm[VERITY_ALG_MAX];	/* NUL-terminated, known to verity_digest_size */
	uint32_t data_block_size, hash_block_size;
	uint64_t data_blocks;
	uint16_t salt_size;
	uint8_t salt[VERITY_SALT_MAX];
};

/* The digest size in bytes of a hash algorithm the kernel has, or 0. */
unsigned int verity_digest_size(const char *algorithm);

/*
 * Parses and checks a superblock read from dev (named in messages). On
 * success fills *sb and returns 0; otherwise -EINVAL with why naming dev
 * and the field ("/dev/vdb: verity superblock: hash_block_size 3000 is
 * not a power of two between 512 and 4096"), *sb untouched.
 */
int verity_sb_parse(const void *buf, size_t len, const char *dev, struct verity_sb *sb,
		    char *why, size_t why_size);

/* The layout of a verified device on its data and hash devices. */
struct verity_fit {
	const char *data_dev, *hash_dev;	/* for messages */
	uint64_t data_bytes, hash_bytes;	/* the devices' sizes */
	uint64_t hash_offset;			/* bytes: where the superblock is */
	bool same;				/* data and hash are one device */
	uint32_t data_sector, hash_sector;	/* logical block sizes (0: 512) */
};

/*
 * Whether sb's data and hash tree fit the devices: blocks no smaller than
 * their device's logical blocks (the kernel refuses them), the data blocks
 * on the data device, the tree after the superblock on the hash device,
 * and on one device the tree after the data. Writes the tree's first hash block
 * and the device's size in sectors. Returns 0, or -EINVAL with why naming
 * the device and the field.
 */
int verity_sb_fit(const struct verity_sb *sb, const struct verity_fit *f,
		  uint64_t *hash_start, uint64_t *sectors, char *why, size_t why_size);

/*
 * The hash blocks of the tree (all levels) over data_blocks, as the
 * kernel lays it out. Returns 0, or -E2BIG when it has too many levels or
 * its size overflows.
 */
int verity_tree_blocks(uint64_t data_blocks, uint32_t hash_block_size,
		       unsigned int digest_size, uint64_t *blocks);

enum verity_policy {
	VERITY_EIO,		/* the kernel's default: reads of a corrupt block fail */
	VERITY_RESTART,
	VERITY_PANIC,
	VERITY_LOG,		/* ignore_corruption: logged, data returned */
};

/* The policy's plan word ("error", "restart", "panic", "log") and back (-EINVAL). */
const char *verity_policy_word(enum verity_policy p);
int verity_policy_parse(const char *word, enum verity_policy *p);

/*
 * The table parameters into buf[size]. root is the digest in lower-case
 * hex. Returns the length, -ENOSPC when it does not fit.
 */
int verity_table(char *buf, size_t size, const struct verity_sb *sb, dev_t data, dev_t hash,
		 uint64_t hash_start, const char *root, enum verity_policy policy);

struct verity_status {
	bool corrupted;		/* "C" */
	bool has_corrected;	/* a count of FEC corrections followed */
	uint64_t corrected;
};

/*
 * A status line ("V" or "C", then what newer kernels append: a count of
 * FEC corrections or "-"). 0 with *st filled, or -EINVAL with why.
 */
int verity_status_parse(const char *s, struct verity_status *st, char *why, size_t why_size);

#endif
