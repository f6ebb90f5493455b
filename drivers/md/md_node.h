/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MD_NODE_H
#define BLKASM_MD_NODE_H

/*
 * The md node kind's parts: options (md_options.c), adopt, down and status
 * (md_node.c), bringing up (md_up.c, md_gather.c) and creating (md_create.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include "driver.h"
#include "md.h"

#define MD_MAX_MEMBERS 64

enum md_degraded {
	MD_DEGRADED_NEVER,	/* every slot, or fail */
	MD_DEGRADED_AFTER,	/* wait for the missing ones, then start without */
	MD_DEGRADED_NOW,	/* start with what is there */
};

struct md_conf {
	bool has_uuid;
	uint8_t uuid[16];
	char name[33];		/* the array's name: /dev/md/NAME */
	bool name_given;	/* else the superblock's name is used, then the node's */
	bool has_number;
	unsigned int number;	/* mdN */
	bool has_level;
	int32_t level;
	bool create, read_only, assume_clean;
	uint32_t chunk_sectors;
	enum md_degraded degraded;
	uint32_t wait_ms;
};

/* n->conf, set by validation. */
static inline const struct md_conf *md_conf_of(const struct plan_node *n)
{
	return n->conf;
}

/* drivers/md/md_options.c: the options and their checks. */
extern const struct driver_opt md_opts[];
int md_validate(struct plan *p, struct plan_node *n, struct plan_error *err);
void md_free_conf(struct plan_node *n);
/* A name fit for /dev/md/NAME: letters, digits, '.', '_', '-', at most 32. */
bool md_name_ok(const char *s);

/* drivers/md/md_up.c: assemble (or create, then assemble). */
int md_up(struct run_ctx *c, struct plan_node *n);

/*
 * drivers/md/md_create.c: writes new 1.2 superblocks on the members when
 * every one is blank (libblkid finds nothing, and the first 2 MiB and the
 * last MiB read back as zeros). Returns 1 made, 0 when they already carry
 * this array (assemble it), -errno with n->why set.
 */
int md_create(struct run_ctx *c, struct plan_node *n, struct md_member *m, unsigned int count);
/*
 * Undoes a create that stopped half-way, before or after its superblocks
 * were all written: zeros them again (the members were blank before).
 */
void md_create_undo(struct md_member *m, unsigned int count);

/*
 * The array UUID a node stands for: the plan's uuid, else the one its
 * present members carry. Returns 1 found, 0 not known (no member carries
 * one yet), -errno with n->why set when members disagree.
 */
int md_node_uuid(struct run_ctx *c, struct plan_node *n, uint8_t uuid[16]);

/* Fills n->device and n->summary from the running array mdN. */
void md_describe(struct plan_node *n, const char *md, const uint8_t uuid[16]);

/* Makes /dev/md/NAME -> ../mdN when nothing is there yet. */
void md_link_name(const char *name, const char *md);
struct md_links {
	char paths[8][80];
	unsigned int count;
};
/* The /dev/md links to mdN; removing them (ENOENT is no error). 0 or -errno. */
int md_links_of(const char *md, struct md_links *out);
int md_unlink_all(const struct md_links *l);
/* The name for /dev/md/: the plan's, the superblock's (without "host:"), the node's. */
const char *md_link_name_of(const struct plan_node *n, const struct md_sb *sb, char *buf, size_t size);

#endif
