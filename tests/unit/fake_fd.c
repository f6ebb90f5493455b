/* SPDX-License-Identifier: MIT */
/*
 * The fake seam's fds on its files (fake_fs.c): open, close, read, write,
 * pread, pwrite and fsync, and what tests ask of the fds. See fake_sys.h.
 */
#define _GNU_SOURCE
#include "fake_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fdent *fake_fd_get(int fd)
{
	if (fd < FD_BASE || fd >= FD_BASE + MAX_FDS ||
	    fake.fds[fd - FD_BASE].kind == FD_FREE)
		return NULL;
	return &fake.fds[fd - FD_BASE];
}

int fake_fd_alloc(enum fd_kind kind, int file)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (fake.fds[i].kind == FD_FREE) {
			fake.fds[i] = (struct fdent){ kind, file, 0 };
			return i + FD_BASE;
		}
	return -EMFILE;
}

const char *fake_fd_path(int fd)
{
	struct fdent *e = fake_fd_get(fd);

	return e && e->kind == FD_FILE ? fake.files[e->file].path : NULL;
}

unsigned int fake_open_fds(void)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_FDS; i++)
		n += fake.fds[i].kind != FD_FREE;
	return n;
}

unsigned int fake_bad_fds(void)
{
	return fake.bad_fds;
}

static int sys_open_unlocked(const char *path, int flags, mode_t mode)
{
	int r = fake_call(FC_OPEN, path, NULL), i;

	if (!r)
		r = fake_failure(FAKE_OPEN, path);
	if (!r && (flags & O_ACCMODE) != O_RDONLY)
		r = fake_failure(FAKE_OPEN_WRITE, path);
	if (r)
		return r;
	i = fake_fs_find(path);
	if (i < 0 && fake_fs_is_dir(path))
		i = (int)(fake_fs_add(path, S_IFDIR | 0755) - fake.files);
	if (i < 0 && (flags & O_CREAT)) {
		r = fake_fs_parent_err(path);
		if (r)
			return r;
		i = (int)(fake_fs_add(path, S_IFREG | (mode & 07777)) - fake.files);
		fake.files[i].data = calloc(1, 1);
	}
	if (i < 0)
		return -ENOENT;
	if ((flags & O_DIRECTORY) && !S_ISDIR(fake.files[i].mode))
		return -ENOTDIR;
	if (fake_kernel_on() && (flags & O_TRUNC) && S_ISREG(fake.files[i].mode))
		fake.files[i].len = 0;
	if (S_ISFIFO(fake.files[i].mode) && !(flags & O_NONBLOCK) &&
	    (flags & O_ACCMODE) != O_RDWR) {
		fake.blocked_opens++;
		return -EINTR;
	}
	return fake_fd_alloc(FD_FILE, i);
}

/* Serialised: the boot's module loader calls the seam from its threads. */
int sys_open(const char *path, int flags, mode_t mode)
{
	fake_seam_lock();
	int r = sys_open_unlocked(path, flags, mode);

	fake_seam_unlock();
	return r;
}

static int sys_close_unlocked(int fd)
{
	struct fdent *e = fake_fd_get(fd);
	int r = fake_call(FC_CLOSE, fake_fd_path(fd), NULL), file;

	if (!e) {
		fake.bad_fds++;
		return -EBADF;
	}
	/* Linux frees the fd even when close reports an error. */
	file = e->kind == FD_FILE ? e->file : -1;
	e->kind = FD_FREE;
	if (file >= 0 && fake_kernel_on())
		fake_kernel_closed(file);
	return r;
}

/* Serialised: the boot's module loader calls the seam from its threads. */
int sys_close(int fd)
{
	fake_seam_lock();
	int r = sys_close_unlocked(fd);

	fake_seam_unlock();
	return r;
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	struct fdent *e = fake_fd_get(fd);
	struct file *f;
	size_t n;
	int r;

	if (!e) {
		fake.bad_fds++;
		return -EBADF;
	}
	r = fake_call(FC_READ, fake_fd_path(fd), NULL);
	if (r)
		return r;
	if (e->kind != FD_FILE)
		return fake_take_item(e, fd, buf, len, NULL);
	f = &fake.files[e->file];
	r = fake_failure(FAKE_READ, f->path);
	if (r)
		return r;
	if (S_ISDIR(f->mode))
		return -EISDIR;
	n = e->pos < f->len ? f->len - e->pos : 0;
	if (n > len)
		n = len;
	if (f->chunk && n > f->chunk)
		n = f->chunk;
	memcpy(buf, f->data + e->pos, n);
	e->pos += n;
	return (ssize_t)n;
}

static ssize_t sys_write_unlocked(int fd, const void *buf, size_t len)
{
	struct fdent *e = fake_fd_get(fd);
	struct file *f;
	int r;

	if (!e && (fd == 1 || fd == 2)) {
		fake_sb_add(&fake.err_out, buf, len);
		return (ssize_t)len;
	}
	if (!e) {
		fake.bad_fds++;
		return -EBADF;
	}
	r = fake_call(FC_WRITE, fake_fd_path(fd), fake_bytes(buf, len));
	if (r)
		return r;
	if (e->kind != FD_FILE)
		return (ssize_t)len;
	f = &fake.files[e->file];
	r = fake_failure(FAKE_WRITE, f->path);
	if (r == 0 && fake_kernel_on())
		r = fake_kernel_write(e, buf, len);
	if (r)
		return r;
	fake_sb_add(&f->written, buf, len);
	f->was_written = true;
	return (ssize_t)len;
}

/* Serialised: the boot's module loader calls the seam from its threads. */
ssize_t sys_write(int fd, const void *buf, size_t len)
{
	fake_seam_lock();
	ssize_t r = sys_write_unlocked(fd, buf, len);

	fake_seam_unlock();
	return r;
}

static struct file *pos_file(int fd, enum fake_op op, enum fake_call c, int *err)
{
	struct fdent *e = fake_fd_get(fd);
	struct file *f;

	*err = fake_call(c, fake_fd_path(fd), NULL);
	if (*err)
		return NULL;
	if (!e || e->kind != FD_FILE) {
		fake.bad_fds++;
		*err = -EBADF;
		return NULL;
	}
	f = &fake.files[e->file];
	*err = fake_failure(op, f->path);
	return *err ? NULL : f;
}

ssize_t sys_pread(int fd, void *buf, size_t len, uint64_t off)
{
	int r;
	struct file *f = pos_file(fd, FAKE_READ, FC_PREAD, &r);
	size_t n;

	if (!f)
		return r;
	if (fake_kernel_on())
		f = fake_kernel_backing(f, &off);
	n = off < f->len ? f->len - (size_t)off : 0;
	if (n > len)
		n = len;
	memcpy(buf, f->data + off, n);
	return (ssize_t)n;
}

/* Changes the file's content in place (growing it), and records the write. */
ssize_t sys_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	int r;
	struct file *f = pos_file(fd, FAKE_WRITE, FC_PWRITE, &r);

	if (!f)
		return r;
	if (fake_kernel_on())
		f = fake_kernel_backing(f, &off);
	fake_file_own(f);
	if (off + len > f->len) {
		f->data = realloc(f->data, off + len);
		if (!f->data)
			fake_die("out of memory");
		memset(f->data + f->len, 0, off + len - f->len);
		f->len = off + len;
	}
	memcpy(f->data + off, buf, len);
	fake_sb_printf(&fake.trace, "pwrite %s %llu %zu", f->path,
		       (unsigned long long)off, len);
	f->was_written = true;
	return (ssize_t)len;
}

int sys_fsync(int fd)
{
	int r;
	struct file *f = pos_file(fd, FAKE_WRITE, FC_FSYNC, &r);

	if (!f)
		return r;
	fake_sb_printf(&fake.trace, "fsync %s", f->path);
	return 0;
}
