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

/* Whether /sys/module has the module (loaded, or built in with parameters). */
bool mod_loaded(const char *name);
/*
 * Opens m's file in dir for mod_finit; flags gets finit_module's flags (the
 * kernel decompresses .ko.xz and .ko.zst). Returns the fd or -errno.
 */
int mod_open(const char *dir, const struct mod_entry *m, int *flags);
/* finit_module of an open module file: 0 (also when already loaded) or -errno. */
int mod_finit(int fd, int flags);

/*
 * For drivers, at run time: makes sure the running kernel has a module
 * (loop, md_mod, raid1, dm_thin_pool...), loading it and its dependencies
 * from /lib/modules/<release> when it is neither loaded nor built in. While
 * the boot's loader runs (modload_start), it waits for the loader to load
 * it instead. A kernel without modules.dep is taken to have what it needs
 * built in (then the driver's own use of the interface says what is
 * missing). Returns 0 or -errno (logged).
 */
int mod_need(const char *name);

/*
 * The boot's loader (lib/modload.c): one per process. Loads modules in the
 * background on up to MODLOAD_MAX_THREADS threads, each module once its
 * modules.dep dependencies are in, and the boot list's modules that have
 * no dependencies of their own (crc32c_generic, which ext4, jbd2 and
 * libcrc32c ask the kernel for by name) before all the others.
 */
#define MODLOAD_MAX_THREADS 8

/*
 * Reads dir's modules.dep and modules.builtin and starts loading names
 * (the boot list) on threads threads. With 0 threads (or none to be had)
 * nothing runs in the background: the list is loaded before it returns,
 * in order, and later modules by whoever waits for them. Returns 0;
 * -ENOENT when dir has no modules.dep and names is empty (nothing to load:
 * no loader runs); else -errno, logged (an unknown name, an unreadable or
 * malformed modules.dep, without threads a module that failed), and the
 * loader is stopped: what was not loaded yet is not tried.
 */
int modload_start(const char *dir, const char *const *names, unsigned int count,
		  unsigned int threads);
bool modload_active(void);
/* Queues a module that will be needed soon, quietly (unknown: ignored). */
void modload_want(const char *name);
/* Queues the modules the plan's nodes need at once (their kinds' at-boot wishes). */
struct plan;
void modload_plan(const struct plan *p);
/* Waits for a module (queued if it was not); 0 or its -errno; -ENODEV: no loader. */
int modload_wait(const char *name);
/*
 * Waits for every queued module, stops the threads and frees the loader;
 * logs "modules: N loaded from DIR (M ms)". Returns 0, or the first
 * failure's -errno with the name asked for in failed (size bytes).
 */
int modload_finish(char *failed, size_t size);

#endif
