/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_MODULES_H
#define BLKASM_MODULES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Kernel modules from /lib/modules/$(uname -r): modules.dep gives each
 * module's file and the modules it needs. We load with finit_module,
 * dependencies first, so no modprobe is needed at boot.
 */
struct mod_entry {
	char *name;		/* normalised: '-' becomes '_' */
	char *path;		/* relative to the modules folder */
	int *deps;		/* indexes into the table */
	unsigned int ndeps;
	unsigned int line;	/* in modules.dep, for messages */
	bool loaded;
};

struct mod_table {
	struct mod_entry *mods;
	unsigned int count;
	char *text;		/* modules.dep, owned; names/paths point into it */
};

struct mod_error {
	unsigned int line;
	const char *what;
};

/*
 * Parses modules.dep text (takes ownership of text, which must be
 * NUL-terminated). Returns 0, or -EINVAL with err filled, or -ENOMEM.
 */
int mod_parse(struct mod_table *t, char *text, struct mod_error *err);
void mod_free(struct mod_table *t);

/* The index of a module by name ("-" and "_" alike), or -1. */
int mod_find(const struct mod_table *t, const char *name);

/*
 * Writes into order[] (room for t->count) the indexes to load for name,
 * dependencies before dependents, skipping those marked loaded.
 * Returns the count, or -ENOENT for an unknown module, -ELOOP on a cycle.
 */
int mod_order(struct mod_table *t, const char *name, int *order);

/* Whether modules.builtin text lists the module (built into the kernel). */
bool mod_is_builtin(const char *builtin_text, const char *name);

/*
 * Loads name and what it needs from dir (e.g. /lib/modules/6.1.0-56-amd64),
 * reading modules.dep and modules.builtin there. Built-in and already
 * loaded modules count as success. Returns 0 or -errno (logged).
 */
int mod_load(const char *dir, const char *const *names, unsigned int count);

/*
 * For drivers, at run time: makes sure the running kernel has a module
 * (md_mod, raid1, dm_thin_pool...), loading it and its dependencies from
 * /lib/modules/<release> when it is neither loaded nor built in. A kernel
 * without modules.dep is taken to have what it needs built in (then the
 * driver's own use of the interface says what is missing). Returns 0 or
 * -errno (logged).
 */
int mod_need(const char *name);

#endif
