/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_SYS_H
#define BLKASM_FAKE_SYS_H

/*
 * The scripted syscall seam for unit tests: fake_sys.c, fake_fs.c and
 * fake_dev.c implement every function of lib/sys.h in memory, and this is
 * how a test scripts it.
 * Call fake_reset() at the start of each test case.
 *
 * Clock: sys_now_ns() starts at FAKE_T0_MS and moves only when the code
 * sleeps (sys_sleep_ns) or waits in sys_poll with a timeout. Every such
 * wait is recorded in ms, in order (fake_waits()), including polls that
 * returned at once (recorded as 0) unless their timeout was 0.
 *
 * Files: a flat table of paths; the folders above each path exist
 * implicitly ("/" always). sys_open/read/write/close/stat/lstat/fstat/
 * access/listdir/mkdir/mknod/rmdir work on it. Unknown paths: -ENOENT.
 * Reads return the content (at most the chunk size per call, see
 * fake_file_chunk); writes append to a separate per-path capture. Opens
 * return the lowest free fd from 3 up. sys_listdir lists children sorted
 * by name with DT_REG, DT_DIR or DT_BLK.
 *
 * Wake events: fake_event_fd() gives an fd (an inotify or eventfd stand-in)
 * on which fake_wake_at() schedules readability. sys_poll reports POLLIN
 * for an fd with an event due at or before the end of its timeout, after
 * moving the clock to that time (not at all if already due); otherwise it
 * moves the clock by the whole timeout and returns 0. Regular files poll
 * readable at once. A poll with a negative timeout and nothing scheduled
 * aborts the test (it would hang for real). sys_read on a due event
 * returns 8 bytes once, then -EAGAIN.
 *
 * Uevents: sys_uevent_socket() gives an fd reading one shared queue of
 * datagrams (fake_uevent_push); each becomes available at its time.
 * sys_uevent_recv and sys_read pop one (-EAGAIN when none is due).
 *
 * ioctl: per request code, a FIFO of scripted replies (fake_ioctl_push),
 * then the default (fake_ioctl_default, 0 unless set). A reply may carry
 * bytes copied into the argument (LOOP_GET_STATUS64's loop_info64). Every
 * call is recorded with its fd's path and, for LOOP_CONFIGURE and
 * LOOP_SET_STATUS64, a copy of the struct passed; other requests record
 * the argument as a number. ioctl on an fd not open: -EBADF (recorded).
 *
 * sys_pread reads the content at an offset; sys_pwrite changes the content
 * in place (growing the file) and is traced ("pwrite PATH OFF LEN"), as is
 * sys_fsync. sys_symlink is traced; sys_close_watch gives -ENOSYS;
 * sys_wall_s is 1700000000. sys_random_bytes fills byte i with
 * (fake_random_set value + number of random calls so far + i) and counts
 * as a random call.
 *
 * sys_finit_module records the path of the fd it was given and its flags.
 * sys_random returns fake_random_set()'s value (0 by default).
 * sys_stat/fstat: st_dev and st_ino from fake_file_id(), by default
 * makedev(254, 1) and the file's table index + 1.
 *
 * Defaults of the rest: sys_mount, sys_umount, sys_chdir, sys_chroot,
 * sys_unlinkat (which forgets the file), sys_rename, sys_dup2 (returns
 * "to"), sys_sync, sys_kill: succeed and are recorded
 * in fake_trace(), as are sys_mkdir, sys_mknod and sys_rmdir. sys_fs_magic,
 * sys_execve, sys_reboot: -ENOSYS; so are sys_spawn and sys_waitpid unless
 * a process was scripted (fake_spawn_script). Writes to fds 1 and 2 (never
 * opened through the seam) go to fake_stderr().
 *
 * Strings returned by fake_waits(), fake_ioctl_trace() and
 * fake_finit_trace() share one buffer: each is valid until the next of them.
 *
 * Scripted failures: fake_fail(op, path, -errno) makes every later call of
 * that kind on that path fail with that error (0 clears it); path NULL
 * matches any path. fake_fail_times() fails only the next n calls.
 *
 * Block devices: fake_blkdev_add() makes a node that stats as S_IFBLK with
 * its st_rdev, lists as DT_BLK, and answers BLKGETSIZE64 with its length.
 * libblkid (lib/probe.c) does not go through the seam: it opens the real
 * path, so a test that needs it probes real files it made itself.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FAKE_T0_MS 5000u

void fake_reset(void);

/* Clock and waits. */
uint64_t fake_now_ms(void);
void fake_clock_set_ms(uint64_t ms);
unsigned int fake_wait_count(void);
/* The i-th wait in ms (integer part). */
uint64_t fake_wait_ms(unsigned int i);
/* All waits as "1 2 4" (ms; fractions as "0.5"); "" when none. */
const char *fake_waits(void);

void fake_random_set(uint32_t value);
unsigned int fake_random_calls(void);

/* Wake events. */
int fake_event_fd(void);
void fake_wake_at(int fd, uint64_t abs_ms);

/* Uevent datagrams, available from fake time abs_ms on. */
void fake_uevent_push(uint64_t abs_ms, int from_kernel, const void *data, size_t len);
/* How many datagrams are still queued. */
unsigned int fake_uevent_left(void);

/* ioctl scripting and records. */
void fake_ioctl_push(unsigned long req, int ret);
void fake_ioctl_push_data(unsigned long req, int ret, const void *data, size_t size);
void fake_ioctl_default(unsigned long req, int ret);

struct fake_ioctl_call {
	unsigned long req;
	int fd;
	char path[64];		/* of the fd, "" if not open */
	long argval;		/* the argument as a number */
	unsigned char arg[512];	/* copy of the struct for known requests */
	size_t arg_size;	/* 0 when not copied */
	int ret;
};

unsigned int fake_ioctl_calls(void);
const struct fake_ioctl_call *fake_ioctl_call(unsigned int i);
/* How many calls of one request. */
unsigned int fake_ioctl_count(unsigned long req);
/* Request names in order, "LOOP_CTL_GET_FREE LOOP_CONFIGURE ...". */
const char *fake_ioctl_trace(void);

/* Files. */
void fake_file_add(const char *path, const char *content);
void fake_file_add_data(const char *path, const void *data, size_t len);
/*
 * A file whose content stays the caller's (kept alive and unchanged until
 * fake_reset): no copy is made until the seam writes to it.
 */
void fake_file_add_shared(const char *path, const void *data, size_t len);
void fake_dir_add(const char *path);
/*
 * A block device node (S_IFBLK, st_rdev rdev) whose content is the disk's
 * bytes, for sys_pread/sys_pwrite. BLKGETSIZE64 on an fd of it answers the
 * content's length when neither a reply nor a default is scripted.
 */
void fake_blkdev_add(const char *path, dev_t rdev, const void *data, size_t len);
void fake_file_id(const char *path, dev_t dev, ino_t ino);
/* At most n bytes per sys_read on this path (0: no limit). */
void fake_file_chunk(const char *path, size_t n);
/* The bytes written to path through the seam, NUL-terminated; NULL if none. */
const char *fake_file_written(const char *path);
/* The path of an open fd, or NULL. */
const char *fake_fd_path(int fd);
/* How many fds opened through the seam are still open. */
unsigned int fake_open_fds(void);
/* sys_close or another call on an fd that was not open. */
unsigned int fake_bad_fds(void);
/*
 * A FIFO nobody opens the other end of: an open without O_NONBLOCK (other
 * than O_RDWR) would wait forever; the fake counts it and fails it with
 * EINTR instead.
 */
void fake_fifo_add(const char *path);
unsigned int fake_blocked_opens(void);
/* "mkdir /a mkdir /a/b mount /dev/vda /root ext4" */
const char *fake_trace(void);
/*
 * The option strings (data) of every sys_mount, in order, one word each
 * ("-" for none): "mode=0755 lowerdir=/a,upperdir=/u,workdir=/w".
 */
const char *fake_mount_data(void);
/* The flags of every sys_mount, in order, in hex: "0x400 0x100020". */
const char *fake_mount_flags(void);
const char *fake_stderr(void);

enum fake_op {
	FAKE_OPEN,		/* any sys_open of path */
	FAKE_OPEN_WRITE,	/* sys_open of path with O_WRONLY or O_RDWR */
	FAKE_READ,		/* sys_read on an fd of path */
	FAKE_WRITE,		/* sys_write on an fd of path */
	FAKE_STAT,		/* sys_stat, sys_lstat, sys_access */
	FAKE_MKDIR,
	FAKE_MKNOD,
	FAKE_MOUNT,		/* by target */
	FAKE_FINIT,		/* by the module file's path */
	FAKE_UEVENT_SOCKET,	/* path ignored */
	FAKE_RENAME,		/* sys_rename, by the new path */
	FAKE_OP_COUNT,
};

void fake_fail(enum fake_op op, const char *path, int err);
/* The same for the next n such calls only; later ones succeed again. */
void fake_fail_times(enum fake_op op, const char *path, int err, unsigned int n);

/*
 * The next sys_spawn: ret < 0 fails it with that error; otherwise it is
 * traced as "spawn ARGV..." and returns FAKE_SPAWN_PID, a process that
 * runs for run_ms of fake time (FAKE_RUN_FOREVER: until killed) and then
 * exits with wait status `status` (exit code 2 is 2 << 8). sys_waitpid of
 * it with WNOHANG returns 0 while it runs; a blocking one moves the clock
 * to its end, unrecorded (and aborts the test if it never ends). sys_kill
 * of it ends it at once, its status the signal. Once reaped, or for another
 * pid, sys_waitpid returns -ECHILD. Later spawns: -ENOSYS again.
 * sys_wait_child moves the clock (one recorded wait) to the process's end
 * and reaps it, or, when it would end after the deadline, to the deadline
 * (no wait recorded if that is past), kills it (traced "kill PID 9"),
 * reaps it and returns -ETIMEDOUT.
 */
#define FAKE_SPAWN_PID 4242
#define FAKE_RUN_FOREVER UINT64_MAX
void fake_spawn_script(int ret, int status, uint64_t run_ms);

/* finit_module records. */
unsigned int fake_finit_count(void);
const char *fake_finit_path(unsigned int i);
int fake_finit_flags(unsigned int i);
/* All module paths in load order, space separated. */
const char *fake_finit_trace(void);

#endif
