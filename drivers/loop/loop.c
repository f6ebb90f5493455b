/* SPDX-License-Identifier: MIT */
#include "loop.h"
#include "devwait.h"
#include "file.h"
#include "log.h"
#include "retry.h"
#include "sys.h"
#include "uevent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

struct attach {
	const struct loop_spec *spec;
	struct loop_dev *dev;
	int ctl_fd;
	int file_fd;
};

static int open_node(int nr, char *path, size_t size)
{
	char sys[64], buf[32];
	unsigned int maj, min;
	int fd;

	snprintf(path, size, "/dev/loop%d", nr);
	fd = sys_open(path, O_RDWR, 0);
	if (fd != -ENOENT)
		return fd;
	/* No devtmpfs: make the node from sysfs. */
	snprintf(sys, sizeof(sys), "/sys/block/loop%d/dev", nr);
	if (file_read(sys, buf, sizeof(buf)) < 0 || sscanf(buf, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	if (sys_mknod(path, S_IFBLK | 0600, makedev(maj, min)) < 0)
		return -ENOENT;
	return sys_open(path, O_RDWR, 0);
}

static void fill_info(const struct attach *a, struct loop_info64 *info, bool ro)
{
	const struct loop_spec *s = a->spec;

	memset(info, 0, sizeof(*info));
	info->lo_offset = s->offset;
	info->lo_sizelimit = s->sizelimit;
	info->lo_flags = (ro ? LO_FLAGS_READ_ONLY : 0) |
			 (s->autoclear ? LO_FLAGS_AUTOCLEAR : 0) |
			 (s->part_scan ? LO_FLAGS_PARTSCAN : 0) |
			 (s->direct_io ? LO_FLAGS_DIRECT_IO : 0);
	snprintf((char *)info->lo_file_name, sizeof(info->lo_file_name), "%s", s->file);
}

/* Kernels before 5.8 have no LOOP_CONFIGURE: bind, then configure. */
static int bind_legacy(const struct attach *a, int fd, const struct loop_info64 *info)
{
	struct loop_info64 st = *info;
	int r;

	r = sys_ioctl(fd, LOOP_SET_FD, (void *)(long)a->file_fd);
	if (r < 0)
		return r;
	st.lo_flags &= LOOP_SET_STATUS_SETTABLE_FLAGS;
	r = sys_ioctl(fd, LOOP_SET_STATUS64, &st);
	if (r == 0 && a->spec->block_size)
		r = sys_ioctl(fd, LOOP_SET_BLOCK_SIZE, (void *)(long)a->spec->block_size);
	if (r == 0 && a->spec->direct_io)
		r = sys_ioctl(fd, LOOP_SET_DIRECT_IO, (void *)1L);
	if (r < 0)	/* we bound it a moment ago: ours to undo */
		sys_ioctl(fd, LOOP_CLR_FD, NULL);
	return r == -EBUSY ? -EIO : r;
}

/*
 * Loop nodes come up on parallel threads, and GET_FREE gives each the same
 * free device until one binds it: the others would fail with EBUSY and
 * back off, as if another process had taken it. One attempt at a time
 * within blkasm; EBUSY then means another process.
 */
static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;

static int attach_once_locked(void *ctx);

/* One attempt; -EBUSY when another process took the free device first. */
static int attach_once(void *ctx)
{
	int r;

	pthread_mutex_lock(&attach_lock);
	r = attach_once_locked(ctx);
	pthread_mutex_unlock(&attach_lock);
	return r;
}

static int attach_once_locked(void *ctx)
{
	struct attach *a = ctx;
	struct loop_config cfg;
	int nr, fd, r;

	nr = sys_ioctl(a->ctl_fd, LOOP_CTL_GET_FREE, NULL);
	if (nr < 0)
		return nr;
	fd = open_node(nr, a->dev->path, sizeof(a->dev->path));
	if (fd < 0)	/* removed under us by LOOP_CTL_REMOVE: try another */
		return fd == -ENOENT || fd == -ENXIO ? -EBUSY : fd;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned int)a->file_fd;
	cfg.block_size = a->spec->block_size;
	fill_info(a, &cfg.info, a->dev->read_only);
	r = sys_ioctl(fd, LOOP_CONFIGURE, &cfg);
	if (r == -EINVAL || r == -ENOTTY)
		r = bind_legacy(a, fd, &cfg.info);
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	a->dev->nr = nr;
	a->dev->fd = fd;
	return 0;
}

static int open_backing(const struct loop_spec *spec, struct loop_dev *dev)
{
	int fd;

	dev->read_only = spec->read_only;
	/* A FIFO would block the open; the kernel binds only these two. */
	fd = file_open(spec->file, spec->read_only ? O_RDONLY : O_RDWR, 0, true);
	/* As losetup does: a file we may not write is bound read-only. */
	if (!spec->read_only && (fd == -EROFS || fd == -EACCES || fd == -EPERM)) {
		fd = file_open(spec->file, O_RDONLY, 0, true);
		dev->read_only = fd >= 0;
	}
	return fd;
}

int loop_attach(const struct loop_spec *spec, struct loop_dev *dev, uint64_t until_ms,
		struct retry_result *res)
{
	struct attach a = { .spec = spec, .dev = dev, .ctl_fd = -1 };
	struct stat st;
	int r;

	memset(res, 0, sizeof(*res));
	memset(dev, 0, sizeof(*dev));
	dev->fd = -1;
	dev->nr = -1;
	a.file_fd = open_backing(spec, dev);
	if (a.file_fd < 0)
		return a.file_fd;
	r = sys_fstat(a.file_fd, &st);
	if (r < 0)
		goto out_close_file;
	dev->backing_dev = st.st_dev;
	dev->backing_ino = st.st_ino;
	a.ctl_fd = sys_open("/dev/loop-control", O_RDWR, 0);
	if (a.ctl_fd < 0) {
		r = a.ctl_fd;
		goto out_close_file;
	}
	r = retry_run(&RETRY_DEVICE_BUSY, until_ms, attach_once, &a, -1, res);
	sys_close(a.ctl_fd);
out_close_file:
	/* The loop device holds its own reference to the file now. */
	sys_close(a.file_fd);
	return r;
}

void loop_release(struct loop_dev *dev)
{
	if (dev->fd >= 0)
		sys_close(dev->fd);
	dev->fd = -1;
}

int loop_backing_file(int nr, char *buf, unsigned int size)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/backing_file", nr);
	r = file_read(path, buf, size);
	return r == -ENOENT ? -ENXIO : r < 0 ? r : 0;
}

static int unbound(void *ctx)
{
	struct loop_dev *dev = ctx;
	char buf[8];
	int r = loop_backing_file(dev->nr, buf, sizeof(buf));

	/* A long path does not fit buf: still bound. */
	return r == -ENXIO ? 0 : -EBUSY;
}

struct detach {
	struct loop_dev *dev;
	int fd;			/* open until the kernel takes the clear */
	bool cleared;
};

static void detach_close(struct detach *d)
{
	if (d->fd >= 0 && d->fd != d->dev->fd)
		sys_close(d->fd);
	d->fd = -1;
	loop_release(d->dev);
}

/*
 * One attempt: LOOP_CLR_FD until the kernel takes it, then until the
 * binding is gone. Since 4.4 the kernel defers the clear of a device that
 * others hold to their last close, so ours is closed at once; before, it
 * refused with EBUSY, which is retried like the wait.
 */
static int detach_once(void *ctx)
{
	struct detach *d = ctx;
	int r;

	if (!d->cleared) {
		r = sys_ioctl(d->fd, LOOP_CLR_FD, NULL);
		if (r < 0)
			return r;
		d->cleared = true;
		detach_close(d);
	}
	return unbound(d->dev);
}

int loop_detach(struct loop_dev *dev, uint64_t until_ms, struct retry_result *res)
{
	struct detach d = { .dev = dev, .fd = dev->fd };
	/* Zeroed: what the kernel writes is all that is read (valgrind knows no LOOP_ ioctl). */
	struct loop_info64 info = { 0 };
	char name[16];
	struct retry_wake w = { .fd = -1, .relevant = uev_is_about, .ctx = name };
	int r;

	memset(res, 0, sizeof(*res));
	if (d.fd < 0)
		d.fd = sys_open(dev->path, O_RDONLY, 0);
	if (d.fd < 0)
		return d.fd == -ENOENT ? 0 : d.fd;
	r = sys_ioctl(d.fd, LOOP_GET_STATUS64, &info);
	if (r == -ENXIO)	/* already gone (autoclear did it) */
		r = 0;
	else if (r == 0 && (info.lo_device != dev->backing_dev ||
			    info.lo_inode != dev->backing_ino))
		r = -ESTALE;
	else if (r == 0) {
		/* Subscribe before clearing so the release's uevent is not missed. */
		w.fd = uev_open();
		snprintf(name, sizeof(name), "loop%d", dev->nr);
		r = retry_run_wake(&RETRY_DEVICE_BUSY, until_ms, detach_once, &d,
				   w.fd >= 0 ? &w : NULL, res);
		if (w.fd >= 0)
			sys_close(w.fd);
	}
	detach_close(&d);
	return r;
}

struct parts {
	char prefix[24];	/* "loopNp" */
	unsigned int count;
};

static int count_part(const char *name, unsigned char type, void *ctx)
{
	struct parts *p = ctx;
	size_t len = strlen(p->prefix);

	(void)type;
	if (!strncmp(name, p->prefix, len) && name[len] >= '1' && name[len] <= '9' &&
	    strspn(name + len, "0123456789") == strlen(name + len))
		p->count++;
	return 0;
}

int loop_partitions_present(int nr)
{
	struct parts p = { .count = 0 };
	char dir[48];
	int r;

	snprintf(p.prefix, sizeof(p.prefix), "loop%dp", nr);
	snprintf(dir, sizeof(dir), "/sys/block/loop%d", nr);
	r = sys_listdir(dir, count_part, &p);
	return r < 0 ? r : (int)p.count;
}

struct rescan {
	int fd;
	int nr;
	unsigned int expected;
};

/* One BLKRRPART, unless the partitions are there already. */
static int rescan_once(void *ctx)
{
	struct rescan *s = ctx;
	int have = loop_partitions_present(s->nr);

	if (have >= 0 && (unsigned int)have >= s->expected)
		return 0;
	return sys_ioctl(s->fd, BLKRRPART, NULL);
}

/* devwait_event's look: every expected partition there. */
static int parts_there(void *ctx, const struct uev_msg *m)
{
	const struct rescan *s = ctx;
	int have = loop_partitions_present(s->nr);

	(void)m;	/* any event (or an overrun): count again */
	return have < 0 ? have : (unsigned int)have >= s->expected;
}

int loop_wait_partitions(const struct loop_dev *dev, unsigned int expected,
			 uint64_t deadline_ms, struct retry_result *res)
{
	struct rescan s = { .fd = dev->fd, .nr = dev->nr, .expected = expected };
	char name[16];
	struct retry_wake w = { .relevant = uev_is_about, .ctx = name };
	int r;

	memset(res, 0, sizeof(*res));
	/* Subscribe first: the rescan's retries wake on this device's uevents. */
	w.fd = uev_open();
	if (w.fd < 0)
		return w.fd;
	if (s.fd < 0)
		s.fd = sys_open(dev->path, O_RDONLY, 0);
	snprintf(name, sizeof(name), "loop%d", dev->nr);
	r = s.fd < 0 ? s.fd :
		retry_run_wake(&RETRY_DEVICE_BUSY, deadline_ms, rescan_once, &s, &w, res);
	sys_close(w.fd);
	/* Partitions added by now are in sysfs, later ones in the wait's uevents. */
	if (r == 0)
		r = devwait_event(parts_there, &s, deadline_ms);
	if (s.fd >= 0 && s.fd != dev->fd)
		sys_close(s.fd);
	return r;
}
