/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_DRIVER_H
#define BLKASM_DRIVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/*
 * The node-kind interface. lib knows no kind by name: the program that
 * links the kinds hands their table to the plan code (plan_init,
 * plan_parse, plan_load). Adding a kind is one file beside the others and
 * one row in their table. A driver states its options as data, checks
 * them together in validate(), and brings a node up, finds it already up
 * (adopt), takes it down, and reports its status. Drivers never sleep or
 * loop on their own: they use lib/retry and lib/devwait.
 */
enum opt_type {
	OPT_STRING,	/* free text without blanks */
	OPT_PATH,	/* an absolute path */
	OPT_SIZE,	/* bytes: 4096, 64K, 1M, 2G, 1T */
	OPT_BOOL,	/* yes/no, true/false, on/off */
	OPT_UINT,	/* a whole number */
	OPT_FSTYPE,	/* ext4, xfs, ... */
	OPT_DEVICE,	/* a node name, /dev/NAME, UUID=, LABEL=, PARTUUID=, ... */
	OPT_NODES,	/* node names */
};

struct driver_opt {
	const char *key;
	enum opt_type type;
	bool required;
	bool list;		/* takes one or more values (else exactly one) */
	const char *what;	/* for messages and docs */
};

/* Shared by every node kind: explicit ordering. */
#define DRIVER_OPT_AFTER { "after", OPT_NODES, false, true, "nodes to bring up first" }

/*
 * What the nodes of one run share (the executor makes one per up): a kind
 * keeps here what it learns once for all its nodes, such as the loop
 * bindings that exist before the run, instead of asking the kernel again
 * for each node. Dropped when the run ends.
 */
#define RUN_SHARE_SLOTS 4

struct run_share {
	pthread_mutex_t lock;
	struct {
		const void *owner;	/* the kind's own key, e.g. its driver */
		void *data;
		void (*drop)(void *data);
	} slot[RUN_SHARE_SLOTS];
};

struct run_ctx {
	struct plan *plan;
	uint64_t deadline_ms;	/* absolute, sys_now_ms() time */
	struct run_share *share;	/* NULL: nothing shared (status, down) */
};

void run_share_init(struct run_share *s);
/* Drops every slot's data. */
void run_share_end(struct run_share *s);

/*
 * Locks the run's shared state and returns owner's slot (its data NULL
 * until the kind puts something there; drop frees it at the end). NULL,
 * and nothing locked, when the run shares nothing or the slots are taken.
 * Nodes run on parallel threads: hold the lock only while using the slot.
 */
void **run_share_lock(const struct run_ctx *c, const void *owner, void (*drop)(void *));
void run_share_unlock(const struct run_ctx *c);

/*
 * The kernel modules a plan needs (for the initramfs generator): each
 * kind names its own, and whether blkasm loads it at boot (from
 * /etc/blkasm/modules) or the driver loads it on demand (mod_need).
 */
#define MOD_WISH_MAX 64
#define MOD_NAME_MAX 64

struct mod_wish {
	char names[MOD_WISH_MAX][MOD_NAME_MAX];
	bool at_boot[MOD_WISH_MAX];
	unsigned int count;
	int err;		/* -ENOSPC or -ENAMETOOLONG once a name was lost */
};

/*
 * Adds a module name to w once (a name wished again at boot becomes a
 * boot module). Errors stick in w->err.
 */
void mod_wish_add(struct mod_wish *w, const char *name, bool at_boot);

struct node_status {
	bool present;		/* the device or mount exists now */
	char detail[256];	/* e.g. backing file, mount source */
	char holders[256];	/* who holds it: holders/, mounts */
};

struct driver {
	const char *kind;
	const struct driver_opt *opts;	/* ends with { NULL } */
	bool provides_device;		/* can be the target of an OPT_DEVICE */
	/*
	 * Whether the node, once up, is the block device at path, as its
	 * options alone say (NULL: never known before it runs). A device
	 * option naming that path makes its node depend on this one: the node
	 * may exist before the node is up (an md array's /dev/mdN does).
	 */
	bool (*provides_path)(const struct plan_node *n, const char *path);
	/*
	 * The option naming the mount point this kind provides (NULL: none).
	 * Paths below it in other nodes make those nodes depend on it.
	 */
	const char *mount_point_opt;
	/*
	 * The option (a list of nodes or devices) whose nodes may fail without
	 * failing this one (NULL: none): it still runs once they have ended,
	 * finds a failed one in NODE_FAILED with its why, and decides (an
	 * array counts a lost member as missing for its degraded policy).
	 */
	const char *may_fail_opt;
	/*
	 * Checks the options together, fills n->conf and adds the node's
	 * claims (driver_claim). Must change nothing outside the process.
	 * Returns 0 or -EINVAL with err set (position of the bad value).
	 */
	int (*validate)(struct plan *p, struct plan_node *n, struct plan_error *err);
	/*
	 * Is the node already up (from an earlier run or set up by hand)?
	 * Returns 1 and fills n->device/summary when it is and matches the
	 * plan, 0 when it is not there, -EEXIST (n->why set) when something
	 * else is in its place.
	 */
	int (*adopt)(struct run_ctx *c, struct plan_node *n);
	/* 0, or -errno with n->why set. Fills n->device and n->summary. */
	int (*up)(struct run_ctx *c, struct plan_node *n);
	/* 0, or -errno with n->why set. Only for nodes blkasm created. */
	int (*down)(struct run_ctx *c, struct plan_node *n);
	int (*status)(struct run_ctx *c, struct plan_node *n, struct node_status *st);
	void (*free_conf)(struct plan_node *n);
	/*
	 * Optional: ends what up kept in n->run past the node's up (for loop,
	 * the open device that keeps an autoclear binding until its users hold
	 * it), when the plan is freed: the run is over, and its users (a mount)
	 * hold the device by then. Leaves the device itself as it is.
	 */
	void (*release)(struct plan_node *n);
	/*
	 * Optional: the kernel modules a validated node needs, added with
	 * mod_wish_add(). NULL: none (or built in everywhere).
	 */
	void (*modules)(const struct plan_node *n, struct mod_wish *w);
};

/* The kind of that name in a NULL-terminated table, or NULL. */
const struct driver *driver_find(const struct driver *const *kinds, const char *kind);

/*
 * The block device an OPT_DEVICE option names, at run time: the referred
 * node's device, or a path or tag (UUID=, LABEL=...) waited for through
 * uevents until the run's deadline. Writes the /dev path into out.
 * Returns 0, or -errno with n->why set.
 */
int driver_resolve_device(struct run_ctx *c, struct plan_node *n, const char *key,
			  char *out, size_t size);

/* The same for one value of a list option (a node name or a device). */
int driver_resolve(struct run_ctx *c, struct plan_node *n, const char *value,
		   char *out, size_t size);

/*
 * A validation error at an option's first value (or at the option when it
 * has none): fills err, returns -EINVAL.
 */
int driver_bad(struct plan *p, struct plan_error *err, const struct plan_opt *o,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* At a position (n->name_pos for what is missing): plan_fail (plan.h). */

/*
 * Claims (struct plan_claim): what a node takes, in a space of things of
 * one sort. CLAIM_STORAGE holds the devices and files that keep data;
 * drivers name their other spaces ("device-mapper name", "md number").
 */
#define CLAIM_STORAGE "device or file"

struct claim_spec {
	const char *space;	/* static text */
	const char *key;	/* a name, or a path when path is set */
	struct plan_pos pos;	/* of the value it comes from */
	/*
	 * key is a path: compare what it is now (stat, symlinks followed):
	 * st_rdev of a block device, st_dev and st_ino of anything else. A
	 * path not there yet, or below a mount of the plan, by its spelling.
	 */
	bool path;
	bool shared;		/* a read-only use: only a writer conflicts with it */
	uint64_t start, len;	/* the bytes taken (len 0: to the end) */
};

/* Adds a claim to n, its text from fmt. Returns 0 or -ENOMEM. */
int driver_claim(struct plan *p, struct plan_node *n, const struct claim_spec *c,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Claims the device a value of an OPT_DEVICE option names, whole, in
 * CLAIM_STORAGE: a node's device by the node's name, a /dev path by what
 * it is, MAJOR:MINOR as that device, a tag (UUID=, LABEL=...) as spelled.
 */
int driver_claim_device(struct plan *p, struct plan_node *n, const struct plan_value *v,
			bool shared, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Writes a node's summary or diagnosis (cut short when too long). */
void driver_say(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A node's option as bool/size with a default (values were validated). */
bool driver_bool(const struct plan_node *n, const char *key, bool dflt);
uint64_t driver_size(const struct plan_node *n, const char *key, uint64_t dflt);

#endif
