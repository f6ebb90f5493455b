/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_THIN_STATUS_H
#define BLKASM_THIN_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The thin-pool and thin targets' text (drivers/md/dm-thin.c,
 * Documentation/admin-guide/device-mapper/thin-provisioning.rst): status
 * lines read back through DM_TABLE_STATUS, parsed here as untrusted input;
 * table lines and target messages built here. Pure functions.
 *
 * thin-pool status (pool_status(), Linux 6.1):
 *   <transaction id> <used>/<total metadata blocks> <used>/<total data blocks>
 *   <held metadata root|-> rw|ro|out_of_data_space
 *   discard_passdown|no_discard_passdown|ignore_discard
 *   error_if_no_space|queue_if_no_space needs_check|- <metadata low watermark>
 * with a trailing space; or "Fail" (the pool failed), or "Error" (the
 * kernel could not read its metadata for the status).
 * needs_check|- appeared in 4.2 and the low watermark in 4.19: the eight
 * fields up to needs_check are required (an older kernel's line is refused),
 * the watermark is optional (has_meta_low_water), and fields after it are
 * ignored, since targets only ever append to their status.
 *
 * thin status (thin_status()): "<mapped sectors> <highest mapped sector|->",
 * or "Fail" (its pool failed), or "Error". Fields after these two are
 * ignored (vendor kernels append some). A lone "-" (no thin device) is
 * refused.
 *
 * Parsers: 0 and *st filled on success ("Fail"/"Error" are successes with
 * fail/error set and the rest zero); -EINVAL with why (a sentence naming
 * the field and the text) otherwise, *st untouched.
 */

#define THIN_STATUS_MAX 4096	/* longer lines are refused */
#define THIN_DEV_ID_MAX 0xffffffu	/* dev ids are 24 bits (MAX_DEV_ID) */
/* A pool's data block: 64 KiB to 1 GiB in multiples of 64 KiB (sectors). */
#define THIN_BLOCK_MIN 128u
#define THIN_BLOCK_MAX 2097152u

enum thin_pool_mode {
	THIN_POOL_RW,
	THIN_POOL_RO,		/* also out of metadata space */
	THIN_POOL_OUT_OF_DATA,
};

struct thin_pool_status {
	bool fail;		/* "Fail" */
	bool error;		/* "Error" */
	uint64_t transaction_id;
	uint64_t meta_used, meta_total;	/* metadata blocks (4 KiB) */
	uint64_t data_used, data_total;	/* data blocks */
	char held_root[24];	/* the held metadata root's block, or "-" */
	enum thin_pool_mode mode;
	bool discard_passdown;	/* false for no_discard_passdown and ignore_discard */
	bool error_if_no_space;	/* false: queue_if_no_space */
	bool needs_check;
	uint64_t meta_low_water;	/* metadata blocks */
	bool has_meta_low_water;
};

struct thin_status {
	bool fail;		/* "Fail" */
	bool error;		/* "Error" */
	uint64_t mapped_sectors;
	bool has_highest;	/* false: nothing mapped ("-") */
	uint64_t highest_mapped;	/* sector */
};

int thin_pool_status_parse(const char *s, struct thin_pool_status *st, char *why,
			   size_t why_size);
int thin_status_parse(const char *s, struct thin_status *st, char *why, size_t why_size);

/*
 * Builders: the text into buf[size], NUL-terminated. Return its length,
 * -ENOSPC when it does not fit, -EINVAL for a value the kernel refuses.
 */

/* thin-pool table parameters: "META DATA BLOCK LOW_WATER N [FEATURE...]". */
int thin_pool_table(char *buf, size_t size, dev_t meta, dev_t data,
		    uint64_t block_sectors, uint64_t low_water_blocks,
		    bool skip_block_zeroing, bool read_only);
/* thin table parameters: "POOL DEV_ID". */
int thin_table(char *buf, size_t size, dev_t pool, uint32_t dev_id);

/* Pool messages. */
int thin_msg_create_thin(char *buf, size_t size, uint32_t dev_id);
int thin_msg_create_snap(char *buf, size_t size, uint32_t dev_id, uint32_t origin_id);
int thin_msg_set_transaction_id(char *buf, size_t size, uint64_t old_id, uint64_t new_id);
int thin_msg_delete(char *buf, size_t size, uint32_t dev_id);

#endif
