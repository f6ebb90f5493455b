/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MD_SUPER_H
#define BLKASM_MD_SUPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * md's version-1 superblock (include/uapi/linux/raid/md_p.h,
 * struct mdp_superblock_1): reading, checking, choosing members and writing
 * new ones. Pure code: no I/O, so it is unit-tested and fuzzed as is.
 * Untrusted input: on-disk bytes never make it read past the buffer.
 *
 * Where the superblock sits, by minor version (sectors of 512 bytes):
 *   1.0  near the end: ((device sectors - 16) rounded down to 8)
 *   1.1  at sector 0
 *   1.2  at sector 8 (4 KiB)
 */

#define MDSB_MAGIC		0xa92b4efcu
#define MDSB_SIZE		4096	/* bytes read/written at the location */
#define MDSB_MAX_DEV		1920	/* (4096 - 256) / 2 roles fit */
#define MDSB_ROLE_SPARE		0xffff
#define MDSB_ROLE_FAULTY	0xfffe
#define MDSB_ROLE_JOURNAL	0xfffd
#define MDSB_ROLE_MAX		0xff00	/* roles below this are active slots */

/* feature_map bits */
#define MDSB_FEAT_BITMAP	0x001	/* bitmap_offset is meaningful */
#define MDSB_FEAT_RECOVERY	0x002	/* recovery_offset is meaningful */
#define MDSB_FEAT_RESHAPE	0x004	/* a reshape is in progress */
#define MDSB_FEAT_BADBLOCKS	0x008
#define MDSB_FEAT_REPLACEMENT	0x010
#define MDSB_FEAT_RESHAPE_BACK	0x020
#define MDSB_FEAT_NEW_OFFSET	0x040
#define MDSB_FEAT_RECOVERY_BITMAP 0x080
#define MDSB_FEAT_CLUSTERED	0x100
#define MDSB_FEAT_JOURNAL	0x200
#define MDSB_FEAT_PPL		0x400
#define MDSB_FEAT_MULTIPLE_PPLS	0x800
#define MDSB_FEAT_RAID0_LAYOUT	0x1000
#define MDSB_FEAT_ALL		0x1fff

struct md_sb {
	unsigned int minor_version;	/* 0, 1 or 2: where it was found */
	uint32_t feature_map;
	uint8_t set_uuid[16];
	char set_name[33];		/* NUL-terminated, "host:name" or "name" */
	uint64_t ctime, utime;		/* low 40 bits: seconds */
	int32_t level;			/* -1 linear, 0, 1, 4, 5, 6, 10 */
	uint32_t layout;
	uint64_t size;			/* sectors used of each member */
	uint32_t chunk_sectors;
	uint32_t raid_disks;
	int32_t bitmap_offset;		/* sectors from the superblock, signed */
	uint64_t reshape_position;
	uint64_t data_offset;		/* sectors */
	uint64_t data_size;		/* sectors */
	uint64_t super_offset;		/* sectors */
	uint64_t recovery_offset;
	uint32_t dev_number;		/* index into roles[] */
	uint8_t device_uuid[16];
	uint8_t devflags;
	uint64_t events;
	uint64_t resync_offset;		/* UINT64_MAX: in sync */
	uint32_t max_dev;
	uint16_t roles[MDSB_MAX_DEV];	/* roles[0..max_dev) */
	/*
	 * The rest of the on-disk fields, kept so that a parsed superblock is
	 * rebuilt byte for byte: reshape state (meaningful with
	 * MDSB_FEAT_RESHAPE) and the bad block log's reservation (the kernel
	 * fails a member on a bad block when bblog_offset is 0).
	 */
	int32_t new_level;
	int32_t delta_disks;
	uint32_t new_layout;
	uint32_t new_chunk;
	int32_t new_offset;		/* sectors added to data_offset */
	uint32_t cnt_corrected_read;
	uint8_t bblog_shift;
	uint16_t bblog_size;		/* sectors */
	int32_t bblog_offset;		/* sectors from the superblock, signed */
};

/*
 * The sector where a 1.<minor> superblock sits on a device of dev_sectors.
 * Returns 0, or -EINVAL (unknown minor, or a device too small for it).
 */
int mdsb_locate(uint64_t dev_sectors, unsigned int minor, uint64_t *sb_sector);

/* md's checksum of the superblock in buf (its sb_csum field read as 0). */
uint32_t mdsb_csum(const void *buf, size_t len);

/*
 * Reads the MDSB_SIZE bytes found at sector sb_sector of a device of
 * dev_sectors, as 1.<minor>. Checks magic, major version, checksum,
 * max_dev, super_offset (must equal sb_sector), known feature bits, level,
 * raid_disks, dev_number, and that data_offset + data_size and the
 * superblock fit the device. Like the kernel's super_1_load, it also wants
 * zero padding, data_size >= 10 and the data clear of the superblock.
 * Returns: 0; -ENODATA when there is no md magic there (not a member);
 * -EINVAL when it is an md superblock that fails a check, with why naming
 * the field ("checksum 0x... computed 0x...", "max_dev 5000 exceeds 1920").
 */
int mdsb_parse(const void *buf, size_t len, unsigned int minor, uint64_t sb_sector,
	       uint64_t dev_sectors, struct md_sb *sb, char *why, size_t why_size);

/*
 * Encodes sb (minor_version, super_offset... as set by the caller) into
 * buf (MDSB_SIZE bytes, zeroed first) with its checksum. Returns 0 or
 * -EINVAL when max_dev is too large (or len short of MDSB_SIZE).
 */
int mdsb_build(const struct md_sb *sb, void *buf, size_t len);

/* This member's role: roles[dev_number], or MDSB_ROLE_SPARE out of range. */
uint16_t mdsb_role(const struct md_sb *sb);

/*
 * Array UUIDs: mdadm writes them as four colon-separated groups of 8 hex
 * digits ("3f1c...:...:...:..."); the 8-4-4-4-12 form is accepted too.
 * Returns 0 or -EINVAL. The format is mdadm's (36 bytes with the NUL).
 */
int mdsb_uuid_parse(const char *text, uint8_t uuid[16]);
void mdsb_uuid_format(const uint8_t uuid[16], char out[36]);

/* "raid1", "raid5", "linear"... or NULL for a level md does not have. */
const char *mdsb_level_name(int32_t level);

/*
 * Choosing members for assembly. Given the superblocks found on candidate
 * devices (all carrying the same array UUID), marks each one:
 */
enum mdsb_state {
	MDSB_ACTIVE,	/* fresh, holds an active slot: assemble with it */
	MDSB_SPARE,	/* fresh spare: assemble with it */
	MDSB_STALE,	/* events older than the freshest by more than one */
	MDSB_FAULTY,	/* marked faulty by the freshest superblock */
	MDSB_DUPLICATE,	/* another device holds the same slot, fresher */
	MDSB_MISMATCH,	/* level, raid_disks, chunk, layout or size differ from the freshest */
	MDSB_NO_ROLE,	/* dev_number past the freshest roles[] (max_dev): the kernel
			 * refuses it (super_1_validate, EUCLEAN) */
};

struct mdsb_member {
	const struct md_sb *sb;		/* in */
	enum mdsb_state state;		/* out */
};

struct mdsb_choice {
	uint64_t events;		/* the freshest event count */
	unsigned int freshest;		/* index of the freshest member */
	unsigned int active;		/* active slots filled */
	unsigned int spares;
	bool degraded;			/* active < raid_disks */
	bool runnable;			/* enough slots for the level to start */
	uint32_t raid_disks;
};

/*
 * Decides, like the kernel's own check at start (a member is fresh when its
 * events are at most one behind the freshest), which members to use. The
 * freshest superblock's roles[] is the authority on slots: a member whose
 * own dev_number maps to a different slot there is taken by that slot.
 * runnable follows the level: linear/0 need every slot, 1 one, 4/5 all but
 * one, 6 all but two, 10 one of each set of copies (near x far copies from
 * the layout). Returns 0, or -EINVAL for n == 0.
 */
int mdsb_select(struct mdsb_member *m, unsigned int n, struct mdsb_choice *out);

/* Whether the slots present (bit i for slot i, i < raid_disks) can start
 * an array of this level, raid_disks and layout (see mdsb_select). */
bool mdsb_enough(int32_t level, uint32_t raid_disks, uint32_t layout,
		 const bool *present);

const char *mdsb_state_name(enum mdsb_state s);

#endif
