/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_PLAN_H
#define BLKASM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A plan: the storage graph of docs/blkasm.conf.5. Nodes have a kind (the
 * driver), a name and options; a reference from one node to another is a
 * dependency edge. Parsing (lib/plan_parse.c) keeps every value's position
 * so validation (lib/plan_check.c) can point at it.
 */
struct plan_pos {
	unsigned int line, col;	/* 1-based; 0:0 for nodes made in code */
};

struct plan_value {
	char *text;
	struct plan_pos pos;
};

struct plan_opt {
	char *key;
	struct plan_pos pos;
	struct plan_value *values;
	unsigned int nvalues;
};

enum node_state {
	NODE_PENDING,		/* not looked at yet */
	NODE_UP,		/* brought up by this run */
	NODE_ADOPTED,		/* found already up, verified */
	NODE_FAILED,
	NODE_SKIPPED,		/* not run: something before it failed */
	NODE_DOWN,		/* torn down */
};

/*
 * Something a node takes for itself: a device or file it writes, a name in
 * a kernel namespace, a mount point. Validation compares every claim with
 * every other (lib/plan_claim.c): two on one thing conflict, unless both
 * are shared (read-only uses of a device or file). Drivers fill them
 * through driver_claim() and driver_claim_device() (lib/driver.h).
 */
enum claim_id {
	CLAIM_NAME,		/* known by name only: key */
	CLAIM_BLOCK,		/* a block device: dev (st_rdev) */
	CLAIM_FILE,		/* a file or folder: dev and ino */
};

struct plan_claim {
	const char *space;	/* what kind of thing (static text) */
	enum claim_id id;
	dev_t dev;
	ino_t ino;
	char *key;		/* the name, or the path as spelled (owned) */
	uint64_t start, len;	/* the bytes taken; len 0: to the end */
	bool shared;		/* a read-only use */
	struct plan_pos pos;	/* of the value it comes from */
	char *text;		/* "uses /dev/vdb as an md member" (owned) */
};

struct driver;

#define NODE_DEVICE_SIZE 256u
#define NODE_SUMMARY_SIZE 256u
#define NODE_WHY_SIZE 512u

struct plan_node {
	char *name;
	char *kind;
	struct plan_pos pos;		/* of the kind word */
	struct plan_pos name_pos;
	const struct driver *drv;	/* set by validation */
	struct plan_opt *opts;
	unsigned int nopts;
	unsigned int *deps;		/* indexes of the nodes it needs */
	unsigned int ndeps;
	void *conf;			/* the driver's parsed options (owned) */
	struct plan_claim *claims;	/* what it takes, for conflicts (owned) */
	unsigned int nclaims;

	/* Run state, written by the executor and the drivers. */
	enum node_state state;
	bool created;			/* made by blkasm (this run or a recorded one) */
	/*
	 * Texts of a run, each of NODE_*_SIZE bytes, "" until written. They
	 * live apart from the node (lib/plan_core.c) so that the nodes stay
	 * small and a plan that is only checked never maps their pages.
	 */
	char *device;			/* the block device it provides, if any */
	char *summary;			/* one line on what it is, for the log */
	char *why;			/* the diagnosis when it failed */
	uint64_t ms;
	void *run;			/* the driver's run-time state (owned by it) */
};

struct plan {
	char *file;			/* for messages */
	const struct driver *const *kinds;	/* the node kinds, NULL-terminated */
	char *text;			/* the source, owned */
	struct plan_node *nodes;
	unsigned int count, cap;
	/*
	 * Lookups that keep validation at N log N (lib/plan_core.c): node
	 * names by hash, for the nodes plan_add_node made (names_count of
	 * them: a plan built otherwise is searched in full); the nodes that
	 * provide a mount point, gathered by plan_validate.
	 */
	unsigned int *names;		/* node index + 1; 0: empty */
	unsigned int names_size, names_count;
	unsigned int *mounts;		/* node indexes, NULL: not gathered */
	unsigned int nmounts;
	unsigned int *providers;	/* nodes whose kind has provides_path */
	unsigned int nproviders;
	char **texts;			/* slabs of the nodes' run texts */
};

struct plan_error {
	char file[256];
	struct plan_pos pos;
	char msg[512];
};

/*
 * A plan error at pos: fills err (file from p) and returns -EINVAL. The
 * one formatter of plan errors; driver_bad (driver.h) is it at an option.
 */
int plan_fail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "FILE:LINE:COL: MSG" (or "FILE: MSG" without a position) into buf. */
const char *plan_error_str(const struct plan_error *err, char *buf, size_t size);

/*
 * Parses plan text (not NUL-terminated necessarily) for the node kinds in
 * kinds (NULL-terminated). Syntax only: options and references are
 * checked by plan_validate.
 * Returns 0, or -EINVAL with err filled, or -ENOMEM.
 */
int plan_parse(struct plan *p, const struct driver *const *kinds, const char *file,
	       const char *text, size_t len, struct plan_error *err);

/*
 * Checks everything that can be checked before touching a device: known
 * kinds and options, value syntax (sizes, booleans, paths), required options,
 * references (to nodes or to devices by path, UUID=, LABEL=, ...), duplicate
 * names, conflicting claims, and cycles. Fills deps, drv and conf.
 * Returns 0, or -EINVAL with err at the offending place.
 */
int plan_validate(struct plan *p, struct plan_error *err);

/* Reads, parses and validates a plan file. */
int plan_load(struct plan *p, const struct driver *const *kinds, const char *path,
	      struct plan_error *err);

void plan_init(struct plan *p, const char *file, const struct driver *const *kinds);
void plan_free(struct plan *p);

/* Nodes made in code (root-on-loop from the kernel command line). */
struct plan_node *plan_add_node(struct plan *p, const char *kind, const char *name);
int plan_node_set(struct plan_node *n, const char *key, const char *value);

int plan_find(const struct plan *p, const char *name);
/*
 * The node (not i) whose mount point (its kind's mount_point_opt) holds
 * path: equal to it or below it, the longest one; or -1.
 */
int plan_mount_holding(const struct plan *p, unsigned int i, const char *path);
/* Whether path is dir or below it (by spelling: both are plan paths). */
bool plan_path_under(const char *path, const char *dir);
const struct plan_opt *plan_opt(const struct plan_node *n, const char *key);
/* The first value of an option, or NULL. */
const char *plan_str(const struct plan_node *n, const char *key);

/* Value syntax, shared by validation and drivers. */
int plan_parse_size(const char *text, uint64_t *bytes);	/* 4096, 64K, 1G, 2T */
int plan_parse_bool(const char *text, bool *out);	/* yes/no/true/false/on/off */

#endif
