/* SPDX-License-Identifier: MIT */
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/*
 * open(2) of a FIFO waits for its other end, and a read of one for data,
 * past any deadline: open without blocking, then look at what was opened
 * (not at a name that may change in between).
 */
static int open_stat(const char *path, int flags, mode_t mode, bool block_ok,
		     struct stat *st)
{
	int fd, r;

	fd = sys_open(path, flags | O_NONBLOCK | O_NOCTTY, mode);
	if (fd < 0)
		return fd;
	r = sys_fstat(fd, st);
	if (r == 0 && !S_ISREG(st->st_mode) && !(block_ok && S_ISBLK(st->st_mode)))
		r = S_ISDIR(st->st_mode) ? -EISDIR : -ESPIPE;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

int file_open(const char *path, int flags, mode_t mode, bool block_ok)
{
	struct stat st;

	return open_stat(path, flags, mode, block_ok, &st);
}

const char *file_strerror(int err)
{
	if (err == -ESPIPE)
		return "not a regular file (a FIFO, socket or character device)";
	return strerror(-err);
}

int file_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	if (size == 0)
		return -EINVAL;
	fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	for (;;) {
		if (len == size - 1) {
			char c;

			/* Full: a larger file would be cut short silently. */
			n = sys_read(fd, &c, 1);
			if (n > 0)
				n = -EFBIG;
			break;
		}
		n = sys_read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	sys_close(fd);
	if (n < 0)
		return (int)n;
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return (int)len;
}

int file_write(const char *path, const char *text)
{
	size_t len = strlen(text);
	uint64_t t0 = sys_now_ns();
	ssize_t n;
	int fd;

	fd = sys_open(path, O_WRONLY, 0);
	if (fd < 0)
		return fd;
	n = sys_write(fd, text, len);
	sys_close(fd);
	if (!strncmp(path, "/sys/", 5))
		sys_op_account(SYS_OP_SYSFS, sys_now_ns() - t0);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

int file_slurp(const char *path, size_t max, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	struct stat st;
	ssize_t r;
	int fd;

	fd = open_stat(path, O_RDONLY, 0, false, &st);
	if (fd < 0)
		return fd;
	/*
	 * Room for the size it has now, its NUL and one byte more (the read
	 * that finds the end): a plan of 1 MiB is read into one buffer, not
	 * copied through eight. A file that grows meanwhile still doubles it.
	 */
	if (st.st_size > 0 && (uint64_t)st.st_size + 2 > cap)
		cap = (uint64_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
	do {
		if (n + 1 >= cap || !buf) {
			char *nb = n + 1 >= cap ? realloc(buf, cap *= 2) : malloc(cap);

			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = sys_read(fd, buf + n, cap - 1 - n);
		if (r > 0)
			n += (size_t)r;
		if (n > max)
			r = -EFBIG;
	} while (r > 0);
	sys_close(fd);
	if (r < 0) {
		free(buf);
		return (int)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int file_read_u64(const char *path, uint64_t *out)
{
	char buf[32];
	uint64_t v = 0;
	int r;

	r = file_read(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (r == 0)
		return -EINVAL;
	for (const char *p = buf; *p; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool file_exists(const char *path)
{
	struct stat st;

	return sys_stat(path, &st) == 0;
}

int file_mkdirs(const char *path, unsigned int mode)
{
	char buf[4096];
	size_t len = strlen(path);
	int r;

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		r = sys_mkdir(buf, mode);
		if (r < 0 && r != -EEXIST)
			return r;
		*p = c;
		if (!c)
			break;
	}
	return 0;
}
