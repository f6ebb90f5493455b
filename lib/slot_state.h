/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_SLOT_STATE_H
#define BLKASM_SLOT_STATE_H

/*
 * A/B root slots: which slot boots, how many tries a new one has left, and
 * which ones are known good. The state is two fixed-size copies on disk
 * (docs/blkasm.conf.5, SLOT STATE), each with a sequence number and a
 * CRC32C; a reader takes the valid copy with the higher sequence, a writer
 * overwrites the other one, so a power cut at any instant leaves one
 * intact copy.
 *
 * slot_state.c is pure (encode, decode, the choice and the transitions);
 * slot_state_io.c reads and writes through the seam (lib/sys.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLOT_MAX 8
#define SLOT_NAME_MAX 23	/* characters, [a-z0-9_-], starting [a-z0-9] */
#define SLOT_PRIO_MAX 15	/* priority 0: never chosen */
#define SLOT_TRIES_MAX 7
#define SLOT_NONE 0xffu		/* no slot (next, booted) */
#define SLOT_COPY_SIZE 4096u	/* one copy; the state is two of them */
#define SLOT_AREA_SIZE (2u * SLOT_COPY_SIZE)
#define SLOT_VERSION 1u

struct slot {
	char name[SLOT_NAME_MAX + 1];
	unsigned int priority;
	unsigned int tries;
	bool good;
};

struct slot_state {
	uint64_t seq;		/* of the copy it came from, or was written as */
	unsigned int count;
	struct slot slots[SLOT_MAX];
	unsigned int next;	/* one-shot choice for the next boot, or SLOT_NONE */
	unsigned int booted;	/* the slot last booted, or SLOT_NONE */
};

/* Is name a valid slot name (1..SLOT_NAME_MAX of [a-z0-9_-], first not '-')? */
bool slot_name_valid(const char *name);
/* Same sequence, slots (in order, every field), next and booted? */
bool slot_state_equal(const struct slot_state *a, const struct slot_state *b);
/* The index of the slot called name, or -ENOENT. */
int slot_find(const struct slot_state *s, const char *name);

/*
 * Checks every field: count, names valid and unique, ranges, next and
 * booted. Returns 0, or -EINVAL with why (NUL-terminated) naming the field.
 */
int slot_state_check(const struct slot_state *s, char *why, size_t size);

/* One copy's bytes: SLOT_COPY_SIZE, little-endian, CRC32C in the last 4. */
void slot_state_encode(const struct slot_state *s, uint8_t *copy);
/*
 * Decodes and validates one copy (magic, version, checksum, every field,
 * reserved bytes zero). Returns 0, or -EINVAL with why saying what is wrong.
 */
int slot_state_decode(const uint8_t *copy, struct slot_state *s, char *why, size_t size);

/*
 * The slot to boot: the one-shot choice when set, else the slot of the
 * highest priority (above 0) that is good or has tries left, the first in
 * the table on a tie. Returns its index, or -ENOENT when none can boot.
 */
int slot_choose(const struct slot_state *s);
/*
 * The transition before switch_root: chooses, consumes the one-shot
 * choice, takes one try off a slot not yet good, records the slot as
 * booted. Returns its index (s changed), or -ENOENT (s unchanged).
 */
int slot_boot(struct slot_state *s);
/* Marks slot i good. */
void slot_mark_good(struct slot_state *s, unsigned int i);
/*
 * Makes slot i the one to boot: the highest priority (others at it step
 * down one), tries left, not good until marked.
 */
void slot_activate(struct slot_state *s, unsigned int i, unsigned int tries);
/* Slot i for the next boot only. */
void slot_set_next(struct slot_state *s, unsigned int i);

/*
 * What changed from a to b, "b: priority 14 -> 15, tries 0 -> 3, good yes
 * -> no; next: - -> a", or "" when nothing did. Returns the length.
 */
int slot_state_diff(const struct slot_state *a, const struct slot_state *b, char *buf,
		    size_t size);

/* CRC32C (Castagnoli), as ext4 and btrfs use it; crc starts at 0. */
uint32_t slot_crc32c(uint32_t crc, const void *data, size_t len);

/*
 * The state on disk: a regular file of SLOT_AREA_SIZE bytes, or the
 * SLOT_AREA_SIZE bytes at offset off (a multiple of SLOT_COPY_SIZE) of a
 * block device.
 */
struct slot_loc {
	const char *path;
	uint64_t off;
};

/* Why each copy was refused, for a message naming the state and copy. */
struct slot_read_report {
	char why[2][128];	/* "" for a valid copy */
	int newest;		/* the copy the state came from, or -1 */
};

/*
 * Reads both copies and returns the valid one with the higher sequence.
 * Returns 0; -EUCLEAN when neither copy is valid (why: "PATH: copy 0: ...;
 * copy 1: ..."); another -errno (why says it) when it cannot be read.
 */
int slot_state_read(const struct slot_loc *loc, struct slot_state *s,
		    struct slot_read_report *rep, char *why, size_t size);
/*
 * Writes s (checked first) with the next sequence over the copy that rep
 * says is not the newest, then syncs it; the newest copy is never touched.
 * rep is the one slot_state_read filled; on success it names the copy just
 * written. Returns 0 or -errno (why says it).
 */
int slot_state_write(const struct slot_loc *loc, struct slot_state *s,
		     struct slot_read_report *rep, char *why, size_t size);
/*
 * A fresh state: a file that does not exist (or is empty or all zeros) is
 * written whole under a temporary name, synced and renamed into place; a
 * block device area is written only when it, the device's first and last
 * MiB read back as zeros and libblkid finds no signature. Returns 0,
 * -EEXIST (why: what is there), or another -errno.
 */
int slot_state_create(const struct slot_loc *loc, struct slot_state *s, char *why,
		      size_t size);

#endif
