/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_PLAN_INTERNAL_H
#define BLKASM_PLAN_INTERNAL_H

/* Shared by lib/plan_*.c only. */
#include "plan.h"

/* Limits of docs/blkasm.conf.5: errors past them, never crashes. */
#define PLAN_MAX_BYTES (1024u * 1024u)
#define PLAN_MAX_NODES 4096u
#define PLAN_MAX_OPTS 64u
#define PLAN_MAX_VALUES 256u
#define PLAN_MAX_NAME 63u
#define PLAN_MAX_PATH 4096u	/* PATH_MAX, with its NUL */

#include <stdarg.h>

int plan_vfail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	       const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Frees what validation filled in (conf, deps, claims) and forgets drv. */
void plan_node_clear(struct plan_node *n);

/*
 * lib/plan_claim.c: node i's claims against those before them (all in x),
 * then added to x. Returns 0, -EINVAL with err set, or -ENOMEM.
 */
struct claim_ref {
	uint32_t hash;
	unsigned int node, claim;
	int next;		/* in its bucket, -1 at the end */
};
struct claim_index {
	struct claim_ref *refs;
	unsigned int count, cap;
	int *heads;		/* first ref of each bucket, -1 when empty */
	unsigned int nheads;	/* a power of two */
};
int plan_claims_check(struct plan *p, unsigned int i, struct claim_index *x,
		      struct plan_error *err);
void plan_claims_done(struct claim_index *x);
void plan_claims_free(struct plan_node *n);

/*
 * Room for count nodes (at most PLAN_MAX_NODES), and their names index:
 * a large plan's nodes are then neither copied nor rehashed as they come.
 * Returns 0 or -ENOMEM.
 */
int plan_reserve(struct plan *p, unsigned int count);
/* plan_add_node taking kind and name (freed when it returns NULL). */
struct plan_node *plan_node_adopt(struct plan *p, char *kind, char *name);

/* Append to n / o, taking ownership of key / text on success. */
int plan_node_add_opt(struct plan_node *n, char *key, struct plan_pos pos);
int plan_opt_add_value(struct plan_opt *o, char *text, struct plan_pos pos);

/* Value syntax (plan_core.c). */
bool plan_name_ok(const char *name);
/* NULL for a good OPT_PATH value, else what was expected. */
const char *plan_path_why(const char *path);
bool plan_fstype_ok(const char *fstype);
/* 0 to UINT_MAX; -EINVAL or -ERANGE. */
int plan_parse_uint(const char *text, unsigned int *out);

#endif
