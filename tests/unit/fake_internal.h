/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_INTERNAL_H
#define BLKASM_FAKE_INTERNAL_H

/*
 * What the pieces of the fake seam share; tests use fake_sys.h only.
 *   fake_sys.c  the state, reset, clock, scripted failures, randomness,
 *               calls that are only traced, processes, modules
 *   fake_fs.c   the file table, paths, directory listing
 *   fake_fd.c   the fds open on the files: open, read, write, pread ...
 *   fake_dev.c  wake events, uevents, poll, ioctl
 *   fake_mount.c  mount, umount (their data and flags), chdir, chroot
 * Fixed-size tables: a test that outgrows one aborts with a message rather
 * than passing on half a script.
 */

#include "fake_inject.h"
#include "fake_sys.h"
#include "sys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAX_FILES 2048
#define MAX_FDS 160
#define FD_BASE 3
#define MAX_ITEMS 1024
#define MAX_CALLS 1024
#define MAX_REPLIES 1024
#define MAX_DEFAULTS 64
#define MAX_FAILS 32
#define MAX_WAITS 4096
#define MAX_FINITS 256

struct sbuf {
	char *p;
	size_t len, cap;
};

struct file {
	char *path;
	mode_t mode;
	dev_t dev, rdev;
	ino_t ino;
	bool id_set;
	char *data;
	size_t len, chunk;
	struct sbuf written;
	bool was_written;
	bool shared;		/* data is the test's (fake_file_add_shared) */
};

enum fd_kind { FD_FREE, FD_FILE, FD_EVENT, FD_UEVENT };

struct fdent {
	enum fd_kind kind;
	int file;
	size_t pos;
};

/* A wake event (fd >= 0) or a uevent datagram (fd -1). */
struct item {
	int fd;
	uint64_t at_ns;
	bool used;
	int from_kernel;
	unsigned char *data;
	size_t len;
};

struct reply {
	unsigned long req;
	int ret;
	bool used;
	unsigned char data[512];
	size_t size;
};

struct fail {
	char *path;	/* NULL: any */
	int err;
	unsigned int left;	/* calls still to fail; 0: every call */
};

/* The one scripted child process (fake_spawn_script). */
struct fake_proc {
	bool scripted, running, reaped;
	int ret, status;
	uint64_t run_ms, end_ns;	/* end_ns UINT64_MAX: until killed */
};

struct fake_state {
	uint64_t now_ns;
	uint64_t waits[MAX_WAITS];
	unsigned int nwaits;
	uint32_t random;
	unsigned int random_calls;
	struct file files[MAX_FILES];
	unsigned int nfiles;
	struct fdent fds[MAX_FDS];
	unsigned int bad_fds;
	unsigned int blocked_opens;	/* opens of a FIFO that would wait */
	struct item items[MAX_ITEMS];
	unsigned int nitems;
	struct reply replies[MAX_REPLIES];
	unsigned int nreplies;
	struct reply defaults[MAX_DEFAULTS];
	unsigned int ndefaults;
	struct fake_ioctl_call calls[MAX_CALLS];
	unsigned int ncalls;
	struct fail fails[FAKE_OP_COUNT][MAX_FAILS];
	unsigned int nfails[FAKE_OP_COUNT];
	char *finit_path[MAX_FINITS];
	int finit_flags[MAX_FINITS];
	unsigned int nfinits;
	struct fake_proc proc;
	struct sbuf trace, err_out, scratch;
	struct sbuf mount_data;	/* sys_mount's data, one word per call */
	struct sbuf mount_flags;	/* sys_mount's flags in hex, one word per call */
};

/* Zeroed by fake_reset() (defined in fake_sys.c). */
extern struct fake_state fake;

/* fake_sys.c */
_Noreturn void fake_die(const char *what);
/*
 * The fake kernel is single-threaded: the calls the boot's module loader
 * (lib/modload.c) makes from its threads (open, close, stat, write,
 * finit_module) take this recursive lock.
 */
void fake_seam_lock(void);
void fake_seam_unlock(void);
void fake_sb_add(struct sbuf *b, const void *p, size_t n);
/* Appends one space-separated word. */
void fake_sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *fake_sb_str(struct sbuf *b);
char *fake_strdup(const char *s);
/* The scripted error of op on path (an exact path wins over "any"), or 0. */
int fake_failure(enum fake_op op, const char *path);
/* Moves the clock; a recorded move is a wait (fake_waits()). */
void fake_advance(uint64_t ns, bool record);

/* fake_fd.c */
/* The entry of an open fd, or NULL. */
struct fdent *fake_fd_get(int fd);
/* The lowest free fd, or -EMFILE. */
int fake_fd_alloc(enum fd_kind kind, int file);

/* fake_dev.c */
/* Pops the due wake event or datagram of an event or uevent fd. */
ssize_t fake_take_item(struct fdent *e, int fd, void *buf, size_t len,
		       int *from_kernel);

/* fake_fs.c: forgets the file at path (sys_unlinkat). */
void fake_fs_remove(const char *path);
/* Gives f its own copy of shared data, before a write changes it. */
void fake_file_own(struct file *f);
/* Forgets path and everything below it. */
void fake_fs_remove_tree(const char *path);
/* The index of path in the table, or -1. */
int fake_fs_find(const char *path);
/* Adds (or empties) an entry of mode at path. */
struct file *fake_fs_add(const char *path, mode_t mode);
/* 0 when the folder above path exists, else -ENOENT or -ENOTDIR. */
int fake_fs_parent_err(const char *path);
/* A folder made by mkdir, or implied by a path below it. */
bool fake_fs_is_dir(const char *path);

/* fake_inject.c (fake_inject.h): every counted seam call goes through it. */
int fake_call(enum fake_call c, const char *path, const char *detail);
void fake_inject_reset(void);
/* A write's first bytes, printable, for the call's description. */
const char *fake_bytes(const void *buf, size_t len);

/*
 * fake_kernel.c, fake_loopdev.c, fake_mddev.c (fake_kernel.h): the models,
 * called by the seam only when fake_kernel_on().
 */
bool fake_kernel_on(void);
void fake_kernel_reset(void);
int fake_kernel_write(struct fdent *e, const void *buf, size_t len);
bool fake_kernel_ioctl(struct file *f, unsigned long req, void *arg, int *ret);
/* The file a read or write of f reaches (a bound loop device's backing). */
struct file *fake_kernel_backing(struct file *f, uint64_t *off);
void fake_kernel_closed(int file);
int fake_kernel_mount(const char *src, const char *target, const char *type,
		      unsigned long flags);
int fake_kernel_umount(const char *target, int flags);
int fake_kernel_module(const char *path);
/* A symlink (sys_symlink is only traced without the model). */
int fake_fs_symlink(const char *target, const char *path);
/* Where symlink i leads: the index of the file, -1 none, -ELOOP. */
int fake_kernel_follow(int i);
/* How many hold block device dev: fds open on it, arrays, dm tables, mounts. */
unsigned int fake_kernel_holders(dev_t dev);
/* Sets path's content to text (a regular file, made when missing). */
void fake_kernel_set(const char *path, const char *text);
/* A block device node of len zero bytes (devtmpfs' node of a new disk). */
void fake_kernel_blkdev(const char *path, dev_t rdev, size_t len);

/* fake_loopdev.c */
void fake_loop_reset(void);
void fake_loop_enable(void);
bool fake_loop_ioctl(struct file *f, unsigned long req, void *arg, int *ret);
struct file *fake_loop_backing(struct file *f, uint64_t *off);
/* Something let go of dev: a pending clear may happen now. */
void fake_loop_released(dev_t dev);
void fake_loop_state(struct sbuf *b);

/* fake_mddev.c */
void fake_md_reset(void);
/* A write to an md sysfs file: 1 handled (*ret set), 0 not md's. */
int fake_md_write(const char *path, const char *text, int *ret);
bool fake_md_holds(dev_t dev);
void fake_md_state(struct sbuf *b);

/* fake_dm.c */
bool fake_dm_holds(dev_t dev);
void fake_dm_state(struct sbuf *b);

#endif
