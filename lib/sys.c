/* SPDX-License-Identifier: MIT */
/*
 * The real syscall seam: thin wrappers that turn the libc convention
 * (-1 and errno) into -errno. Nothing else in blkasm reads errno.
 */
#define _GNU_SOURCE
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long ret(long r)
{
	return r < 0 ? -errno : r;
}

int sys_open(const char *path, int flags, mode_t mode)
{
	return ret(open(path, flags | O_CLOEXEC, mode));
}

int sys_close(int fd)
{
	return ret(close(fd));
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return ret(r);
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do
		r = write(fd, buf, len);
	while (r < 0 && errno == EINTR);
	return ret(r);
}

/* Times one kernel operation; errno is kept for ret(). */
static long timed(enum sys_op_kind kind, uint64_t t0, long r)
{
	int e = errno;

	sys_op_account(kind, sys_now_ns() - t0);
	errno = e;
	return ret(r);
}

int sys_ioctl(int fd, unsigned long req, void *arg)
{
	uint64_t t0 = sys_now_ns();

	return (int)timed(SYS_OP_IOCTL, t0, ioctl(fd, req, arg));
}

ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t sys_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pwrite(fd, (const char *)buf + done, len - done,
				   (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

int sys_fsync(int fd)
{
	return ret(fsync(fd));
}

int sys_symlink(const char *target, const char *path)
{
	return ret(symlink(target, path));
}

int sys_rename(const char *oldpath, const char *newpath)
{
	return ret(rename(oldpath, newpath));
}

int sys_close_watch(const char *path)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (inotify_add_watch(fd, path, IN_CLOSE_WRITE | IN_CLOSE_NOWRITE) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int sys_stat(const char *path, struct stat *st)
{
	return ret(stat(path, st));
}

int sys_fstat(int fd, struct stat *st)
{
	return ret(fstat(fd, st));
}

int sys_lstat(const char *path, struct stat *st)
{
	return ret(lstat(path, st));
}

int sys_fs_magic(const char *path, unsigned long *magic)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return -errno;
	*magic = (unsigned long)sf.f_type;
	return 0;
}

int sys_mkdir(const char *path, mode_t mode)
{
	return ret(mkdir(path, mode));
}

int sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	return ret(mknod(path, mode, dev));
}

int sys_access(const char *path, int mode)
{
	return ret(access(path, mode));
}

int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data)
{
	uint64_t t0 = sys_now_ns();

	return (int)timed(SYS_OP_MOUNT, t0, mount(src, target, type, flags, data));
}

int sys_umount(const char *target, int flags)
{
	uint64_t t0 = sys_now_ns();

	return (int)timed(SYS_OP_MOUNT, t0, umount2(target, flags));
}

int sys_finit_module(int fd, const char *params, int flags)
{
	uint64_t t0 = sys_now_ns();

	return (int)timed(SYS_OP_MODULE, t0, syscall(SYS_finit_module, fd, params, flags));
}

int sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	return ret(poll(fds, nfds, timeout_ms));
}

int sys_uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int size = 4 << 20;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* A burst of uevents (coldplug, many loop devices) must not be lost. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int *from_kernel)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t r;

	memset(&sa, 0, sizeof(sa));
	r = recvmsg(fd, &msg, 0);
	if (r < 0)
		return -errno;
	/* Only the kernel (port id 0) is trusted; udev and others are ignored. */
	*from_kernel = sa.nl_pid == 0 && !(msg.msg_flags & MSG_TRUNC);
	return r;
}

uint64_t sys_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sys_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000u, .tv_nsec = ns % 1000000000u };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

uint32_t sys_random(void)
{
	static int seeded;

	if (!seeded) {
		srandom((unsigned int)sys_now_ns() ^ (unsigned int)getpid());
		seeded = 1;
	}
	return (uint32_t)random();
}

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

int sys_random_bytes(void *buf, size_t len)
{
	size_t done = 0;
	int fd;

	while (done < len) {
		ssize_t r = getrandom((char *)buf + done, len - done, GRND_INSECURE);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;	/* EINVAL before 5.6: no GRND_INSECURE */
		done += (size_t)r;
	}
	if (done == len)
		return 0;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return r < 0 ? -errno : -EIO;
		}
		done += (size_t)r;
	}
	close(fd);
	return 0;
}

uint64_t sys_wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

int sys_chdir(const char *path)
{
	return ret(chdir(path));
}

int sys_chroot(const char *path)
{
	return ret(chroot(path));
}

int sys_rmdir(const char *path)
{
	return ret(rmdir(path));
}

int sys_unlinkat(int dirfd, const char *name, int flags)
{
	return ret(unlinkat(dirfd, name, flags));
}

int sys_dup2(int from, int to)
{
	return ret(dup2(from, to));
}

int sys_reboot(int cmd)
{
	return ret(reboot(cmd));
}

void sys_sync(void)
{
	sync();
}

int sys_listdir(const char *path,
		int (*fn)(const char *name, unsigned char type, void *ctx),
		void *ctx)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = fn(de->d_name, de->d_type, ctx);
		if (r)
			break;
	}
	closedir(d);
	return r;
}

int sys_spawn(char *const argv[], char *const envp[], int ctty)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setsid();
		if (ctty)
			ioctl(0, TIOCSCTTY, 1);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	return pid;
}

int sys_kill(int pid, int sig)
{
	return ret(kill(pid, sig));
}

int sys_waitpid(int pid, int *status, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, status, flags);
	while (r < 0 && errno == EINTR);
	return ret(r);
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434	/* one number on every architecture (Linux 5.3) */
#endif

/* What is left of the wait in ms, at most a minute at a time (poll's int). */
static int ms_left(uint64_t deadline_ms)
{
	uint64_t now = sys_now_ms();

	if (now >= deadline_ms)
		return 0;
	return deadline_ms - now > 60000 ? 60000 : (int)(deadline_ms - now);
}

/*
 * A pidfd polls readable once the process has ended (Linux 5.3); without
 * one (older kernels) we look again every 5 ms. Either way the loop lives
 * here, not in the callers.
 */
static void child_wait_ms(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	struct timespec ts = { 0, 5000000 };

	if (pidfd >= 0)
		poll(&p, 1, ms);
	else
		nanosleep(&ts, NULL);
}

int sys_wait_child(int pid, int *status, uint64_t deadline_ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int r, ms;

	while ((r = sys_waitpid(pid, status, WNOHANG)) == 0) {
		ms = ms_left(deadline_ms);
		if (ms == 0) {
			kill(pid, SIGKILL);
			r = sys_waitpid(pid, status, 0);
			r = r < 0 ? r : -ETIMEDOUT;
			break;
		}
		child_wait_ms(pidfd, ms);
	}
	if (pidfd >= 0)
		close(pidfd);
	return r > 0 ? 0 : r;
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	return ret(execve(path, argv, envp));
}
