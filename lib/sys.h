/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_SYS_H
#define BLKASM_SYS_H

/*
 * The syscall seam. Every call into the kernel made by blkasm's own code goes
 * through these functions, so the unit tests can link a scripted fake
 * (tests/unit/fake_sys.c) in place of lib/sys.c. Only lib/sys.c reads errno.
 *
 * Returns: >= 0 on success, -errno on failure, unless stated otherwise.
 */

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct sockaddr_nl;

int sys_open(const char *path, int flags, mode_t mode);
int sys_close(int fd);
ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_write(int fd, const void *buf, size_t len);
int sys_ioctl(int fd, unsigned long req, void *arg);
/* Whole-buffer positional I/O: short transfers are retried to the end. */
ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off);
ssize_t sys_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int sys_fsync(int fd);
int sys_symlink(const char *target, const char *path);
/* rename(2): replaces newpath at once (a reader sees the old or the new). */
int sys_rename(const char *oldpath, const char *newpath);
/* An inotify fd (non-blocking) that becomes readable when a file opened
 * through path is closed: a holder letting go of a device node. */
int sys_close_watch(const char *path);
int sys_stat(const char *path, struct stat *st);
int sys_fstat(int fd, struct stat *st);
int sys_lstat(const char *path, struct stat *st);
/* The filesystem type magic (statfs f_type) of the one holding path. */
int sys_fs_magic(const char *path, unsigned long *magic);
int sys_mkdir(const char *path, mode_t mode);
int sys_mknod(const char *path, mode_t mode, dev_t dev);
int sys_access(const char *path, int mode);
int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data);
int sys_umount(const char *target, int flags);
int sys_finit_module(int fd, const char *params, int flags);
int sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms);

/* A kernel uevent socket (NETLINK_KOBJECT_UEVENT, group 1), non-blocking. */
int sys_uevent_socket(void);
/* One datagram; *from_kernel is set when the sender is the kernel (pid 0). */
ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int *from_kernel);

int sys_chdir(const char *path);
int sys_chroot(const char *path);
int sys_rmdir(const char *path);
int sys_unlinkat(int dirfd, const char *name, int flags);
int sys_dup2(int from, int to);
int sys_reboot(int cmd);
void sys_sync(void);

/*
 * Calls fn for each entry of a directory except "." and "..", with its
 * d_type (DT_UNKNOWN when the filesystem does not say). Stops early and
 * returns fn's value when fn returns non-zero.
 */
int sys_listdir(const char *path,
		int (*fn)(const char *name, unsigned char type, void *ctx),
		void *ctx);

/*
 * Runs argv[0] with a new session and, when ctty is set, fd 0 as its
 * controlling terminal. Returns the pid.
 */
int sys_spawn(char *const argv[], char *const envp[], int ctty);
/* kill(). */
int sys_kill(int pid, int sig);
/* waitpid(); returns the pid reaped and its status, 0 if none (WNOHANG). */
int sys_waitpid(int pid, int *status, int flags);
/*
 * Waits for the child pid to end, until deadline_ms (absolute, sys_now_ms
 * time), woken by its exit (a pidfd) rather than by polling. At the
 * deadline the child is killed (SIGKILL) and reaped.
 * Returns: 0 with its wait status in *status, -ETIMEDOUT (killed and
 * reaped; *status then says so), or another -errno (-ECHILD).
 */
int sys_wait_child(int pid, int *status, uint64_t deadline_ms);
/* execve(); returns only on failure. */
int sys_execve(const char *path, char *const argv[], char *const envp[]);

/* CLOCK_MONOTONIC (CLOCK_BOOTTIME where it matters is not needed here). */
uint64_t sys_now_ns(void);
void sys_sleep_ns(uint64_t ns);
uint32_t sys_random(void);
/*
 * Random bytes for identifiers (array UUIDs) without waiting for the
 * kernel's generator to be seeded: early at boot that wait can take a
 * second (getrandom's GRND_INSECURE, falling back to /dev/urandom).
 */
int sys_random_bytes(void *buf, size_t len);
/* Wall-clock seconds (CLOCK_REALTIME), for on-disk timestamps. */
uint64_t sys_wall_s(void);

/*
 * Accounting of the kernel operations themselves (lib/sysstat.c, shared
 * by the real and the fake seam): lib/sys.c times ioctls, mounts and
 * module loads, lib/file.c writes to /sys.
 */
enum sys_op_kind { SYS_OP_IOCTL, SYS_OP_MOUNT, SYS_OP_MODULE, SYS_OP_SYSFS, SYS_OP_KINDS };
void sys_op_account(enum sys_op_kind kind, uint64_t ns);
void sys_op_totals(uint64_t ns[SYS_OP_KINDS], uint64_t count[SYS_OP_KINDS]);
const char *sys_op_name(enum sys_op_kind kind);

static inline uint64_t sys_now_ms(void)
{
	return sys_now_ns() / 1000000u;
}

#endif
