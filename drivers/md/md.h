/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MD_H
#define BLKASM_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "md_super.h"

/*
 * md arrays through the kernel's sysfs interface (Documentation/admin-guide/
 * md.rst), no mdadm: new_array makes an empty array, metadata_version says
 * how to read its members, new_dev adds each one (the kernel reads and
 * checks its superblock), array_state starts and stops it.
 */

struct md_member {
	char path[64];		/* /dev/loop0 */
	char name[48];		/* sysfs name: loop0 */
	unsigned int major, minor;
	uint64_t sectors;	/* device size */
	struct md_sb sb;	/* valid when has_sb */
	bool has_sb;
};

/*
 * Fills m from the device at path (an existing block device node) and reads
 * its version-1 superblock, trying 1.2, 1.1 and 1.0 in turn, with O_DIRECT
 * so a superblock the kernel just wrote is not read from a stale cache.
 * Returns: 0 (has_sb set), -ENODATA when there is no md superblock,
 * -EINVAL when one fails a check (why says which), other -errno.
 */
int md_read_member(const char *path, struct md_member *m, char *why, size_t why_size);

/* Writes sb to its place on the member (pwrite of MDSB_SIZE, fsync). */
int md_write_super(const struct md_member *m, const struct md_sb *sb);

/* The kernel module of a level's personality ("raid1"), NULL if none. */
const char *md_level_module(int32_t level);

/*
 * The running or inactive array (name "md0") whose members carry this
 * array UUID, looked up from each array's members' superblocks.
 * Returns 1 (name written), 0 none, -errno.
 */
int md_find_array(const uint8_t uuid[16], char *name, size_t size);

/* "clean", "active", "inactive", "clear"...; -ENOENT when no such array. */
int md_array_state(const char *md, char *buf, size_t size);
bool md_state_running(const char *state);

/*
 * Makes the empty array mdN (/sys/module/md_mod/parameters/new_array).
 * An array of that number that exists with no members and is not running
 * (left by an opener of /dev/mdN: opening the node of a missing array
 * makes one) is taken as it is. Returns 0, -EEXIST when mdN is in use.
 */
int md_new_array(unsigned int nr);

/* The highest mdN number, from 127 down (as mdadm picks), not in use. */
int md_free_number(unsigned int *nr);

/*
 * Sets 1.<minor> metadata, adds the members, starts the array; on failure
 * clears what it set. Returns 0, -MD_EDYING when the array object refuses
 * its first write or vanishes (being freed: try a new one), or -errno with
 * why set.
 */
#define MD_EDYING 10000
int md_assemble(const char *md, unsigned int minor, const struct md_member *const *mem,
		unsigned int n, bool read_only, char *why, size_t why_size);

/*
 * Stops and frees the array (array_state "clear"). -EBUSY while something
 * holds /dev/mdN open: retried by the caller under the policy.
 */
int md_stop_once(const char *md);

/* Members as "loop0 loop1" (from md/dev-*), "" for none. */
int md_member_names(const char *md, char *buf, size_t size);

#endif
