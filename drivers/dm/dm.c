/* SPDX-License-Identifier: MIT */
/*
 * Device-mapper through /dev/mapper/control (include/uapi/linux/dm-ioctl.h,
 * drivers/md/dm-ioctl.c): one helper fills the dm_ioctl header, each
 * operation is one ioctl. The control fd is opened per operation, so the
 * executor's threads share no state here.
 */
#include "dm.h"
#include "file.h"
#include "str.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <linux/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define DM_CONTROL "/dev/mapper/control"
#define DM_MAPPER "/dev/mapper"
#define DM_MISC_DEV "/sys/class/misc/device-mapper/dev"
/* Where the payload starts: the header rounded up to 8 bytes, as the kernel does. */
#define DATA_START ((sizeof(struct dm_ioctl) + 7) & ~(size_t)7)
/* Read-back buffers double from BUF_FIRST on DM_BUFFER_FULL_FLAG up to BUF_MAX. */
#define BUF_FIRST 16384u
#define BUF_MAX (1u << 20)
#define LOAD_MAX 1024		/* targets in one table */
#define MSG_MAX 4096		/* bytes of one target message */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The kernel's huge_encode_dev(): minor bits 0-7, major 8-19, minor 20-31. */
static dev_t decode_dev(uint64_t v)
{
	return makedev((unsigned int)((v >> 8) & 0xfff),
		       (unsigned int)((v & 0xff) | ((v >> 12) & 0xfff00)));
}

static bool uuid_ok(const char *uuid)
{
	size_t len = strnlen(uuid, DM_UUID_MAX);

	return len > 0 && len < DM_UUID_MAX;
}

/*
 * The one place the header is filled. Version 4.0.0: check_version() takes
 * any request with the kernel's major and a minor not above its own, and
 * nothing here needs a later 4.x feature.
 */
static void io_init(struct dm_ioctl *io, size_t size, const char *name,
		    const char *uuid, uint32_t flags)
{
	memset(io, 0, size);
	io->version[0] = 4;
	io->data_size = (uint32_t)size;
	io->data_start = (uint32_t)DATA_START;
	io->flags = flags;
	if (name)
		str_copy(io->name, sizeof(io->name), name);
	if (uuid)
		str_copy(io->uuid, sizeof(io->uuid), uuid);
}

static int mapper_dir(void)
{
	int r = sys_mkdir(DM_MAPPER, 0755);

	return r == -EEXIST ? 0 : r;
}

/* No udev or devtmpfs node: the misc device's number is in sysfs. */
static int make_control(void)
{
	unsigned int maj, min;
	char buf[32], extra;
	int r;

	if (file_read(DM_MISC_DEV, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%u:%u%c", &maj, &min, &extra) != 2)
		return -ENODEV;	/* dm-mod not loaded */
	r = mapper_dir();
	if (r < 0)
		return r;
	r = sys_mknod(DM_CONTROL, S_IFCHR | 0600, makedev(maj, min));
	return r == -EEXIST ? 0 : r;	/* another thread made it first */
}

static int control_open(void)
{
	int fd = sys_open(DM_CONTROL, O_RDWR | O_CLOEXEC, 0), r;

	if (fd != -ENOENT)
		return fd;
	r = make_control();
	return r < 0 ? r : sys_open(DM_CONTROL, O_RDWR | O_CLOEXEC, 0);
}

static int dm_call(unsigned long req, struct dm_ioctl *io)
{
	int fd = control_open(), r;

	if (fd < 0)
		return fd;
	r = sys_ioctl(fd, req, io);
	sys_close(fd);
	return r;
}

/*
 * A read-back whose answer may not fit: DM_BUFFER_FULL_FLAG asks for a
 * bigger buffer, up to BUF_MAX. Only for requests that change nothing, so
 * asking again is harmless. Returns the buffer's size and *out (to free).
 */
static int call_growing(unsigned long req, const char *name, uint32_t flags,
			struct dm_ioctl **out)
{
	int fd = control_open(), r = -ENOBUFS;

	if (fd < 0)
		return fd;
	for (size_t size = BUF_FIRST; size <= BUF_MAX; size *= 2) {
		struct dm_ioctl *io = malloc(size);

		if (!io) {
			r = -ENOMEM;
			break;
		}
		io_init(io, size, name, NULL, flags);
		r = sys_ioctl(fd, req, io);
		if (r == 0 && !(io->flags & DM_BUFFER_FULL_FLAG)) {
			*out = io;
			r = (int)size;
			break;
		}
		free(io);
		if (r < 0)
			break;
		r = -ENOBUFS;
	}
	sys_close(fd);
	return r;
}

/* The payload of an answer, checked against the buffer it came back in. */
static int payload(const struct dm_ioctl *io, size_t size, const void **data, size_t *len)
{
	if (io->data_start < DATA_START || io->data_start > io->data_size ||
	    io->data_size > size)
		return -EPROTO;
	*data = (const char *)io + io->data_start;
	*len = io->data_size - io->data_start;
	return 0;
}

/*
 * A read-back of the device name and its checked payload. Returns 0 with
 * *io (to free) and the payload, or -errno.
 */
static int read_back(unsigned long req, const char *name, uint32_t flags,
		     struct dm_ioctl **io, const void **data, size_t *len)
{
	int r;

	if (!dm_name_ok(name))
		return -EINVAL;
	r = call_growing(req, name, flags, io);
	if (r < 0)
		return r;
	r = payload(*io, (size_t)r, data, len);
	if (r < 0)
		free(*io);
	return r;
}

static void fill_info(const struct dm_ioctl *io, struct dm_info *info)
{
	memset(info, 0, sizeof(*info));
	info->exists = true;
	info->suspended = io->flags & DM_SUSPEND_FLAG;
	info->read_only = io->flags & DM_READONLY_FLAG;
	info->live_table = io->flags & DM_ACTIVE_PRESENT_FLAG;
	info->inactive_table = io->flags & DM_INACTIVE_PRESENT_FLAG;
	info->open_count = io->open_count;
	info->target_count = io->target_count;
	info->event_nr = io->event_nr;
	info->dev = decode_dev(io->dev);
	str_copy(info->name, sizeof(info->name), io->name);
	str_copy(info->uuid, sizeof(info->uuid), io->uuid);
}

int dm_version(unsigned int v[3])
{
	struct dm_ioctl io;
	int r;

	io_init(&io, sizeof(io), NULL, NULL, 0);
	r = dm_call(DM_VERSION, &io);
	if (r < 0)
		return r;
	if (io.version[0] != 4)
		return -EPROTO;
	for (int i = 0; i < 3; i++)
		v[i] = io.version[i];
	return 0;
}

/* DM_DEV_STATUS by name or (name NULL) by uuid; none: exists false. */
static int dev_status(const char *name, const char *uuid, struct dm_info *info)
{
	struct dm_ioctl io;
	int r;

	io_init(&io, sizeof(io), name, uuid, 0);
	r = dm_call(DM_DEV_STATUS, &io);
	if (r == -ENXIO) {
		memset(info, 0, sizeof(*info));
		return 0;
	}
	if (r < 0)
		return r;
	fill_info(&io, info);
	return 0;
}

int dm_info(const char *name, struct dm_info *info)
{
	if (!dm_name_ok(name))
		return -EINVAL;
	return dev_status(name, NULL, info);
}

/* The kernel looks up by uuid when the name is empty (__find_device_hash_cell). */
int dm_find_uuid(const char *uuid, struct dm_info *info)
{
	struct dm_info found;
	int r;

	if (!uuid || !uuid_ok(uuid))
		return -EINVAL;
	r = dev_status(NULL, uuid, &found);
	if (r < 0 || !found.exists)
		return r;
	*info = found;
	return 1;
}

int dm_create(const char *name, const char *uuid, struct dm_info *info)
{
	struct dm_ioctl io;
	int r;

	if (!dm_name_ok(name) || (uuid && *uuid && !uuid_ok(uuid)))
		return -EINVAL;
	io_init(&io, sizeof(io), name, uuid, 0);
	r = dm_call(DM_DEV_CREATE, &io);
	/* dm_hash_insert() answers EBUSY when the name or the uuid is taken. */
	if (r == -EBUSY)
		return -EEXIST;
	if (r == 0 && info)
		fill_info(&io, info);
	return r;
}

int dm_load(const char *name, const struct dm_target *t, unsigned int n, bool read_only)
{
	size_t size = DATA_START;
	struct dm_ioctl *io;
	int r;

	if (!dm_name_ok(name) || !t || n == 0 || n > LOAD_MAX)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		size += align8(sizeof(struct dm_target_spec) +
			       strnlen(t[i].params, DM_PARAMS_MAX) + 1);
	io = malloc(size);
	if (!io)
		return -ENOMEM;
	io_init(io, size, name, NULL, read_only ? DM_READONLY_FLAG : 0);
	r = dm_table_pack(t, n, (char *)io + DATA_START, size - DATA_START);
	if (r >= 0) {
		io->target_count = n;
		r = dm_call(DM_TABLE_LOAD, io);
	}
	free(io);
	return r < 0 ? r : 0;
}

static int suspend_flag(const char *name, uint32_t flags)
{
	struct dm_ioctl io;

	if (!dm_name_ok(name))
		return -EINVAL;
	io_init(&io, sizeof(io), name, NULL, flags);
	return dm_call(DM_DEV_SUSPEND, &io);
}

int dm_suspend(const char *name)
{
	return suspend_flag(name, DM_SUSPEND_FLAG);
}

/* Without DM_SUSPEND_FLAG: swap in the inactive table, then resume. */
int dm_resume(const char *name)
{
	return suspend_flag(name, 0);
}

int dm_remove_once(const char *name)
{
	struct dm_info info;
	struct dm_ioctl io;
	int r = dm_info(name, &info);

	if (r < 0)
		return r;
	if (!info.exists)
		return -ENXIO;
	if (strncmp(info.uuid, DM_UUID_PREFIX, strlen(DM_UUID_PREFIX)))
		return -EPERM;
	/* By uuid: exactly the device checked, even if the name was reused since. */
	io_init(&io, sizeof(io), NULL, info.uuid, 0);
	return dm_call(DM_DEV_REMOVE, &io);
}

/*
 * No answer is read: none of the messages blkasm sends (create_thin,
 * create_snap, delete, set_transaction_id) has one, and a DM_BUFFER_FULL_FLAG
 * here must not resend a message the target has already acted on.
 */
int dm_message(const char *name, uint64_t sector, const char *msg)
{
	size_t mlen = msg ? strnlen(msg, MSG_MAX) : 0, size;
	struct dm_target_msg tm = { .sector = sector };
	struct dm_ioctl *io;
	int r;

	if (!dm_name_ok(name) || mlen == 0 || mlen == MSG_MAX)
		return -EINVAL;
	size = DATA_START + align8(sizeof(tm) + mlen + 1);
	io = malloc(size);
	if (!io)
		return -ENOMEM;
	io_init(io, size, name, NULL, 0);
	memcpy((char *)io + DATA_START, &tm, sizeof(tm));
	memcpy((char *)io + DATA_START + sizeof(tm), msg, mlen);
	r = dm_call(DM_TARGET_MSG, io);
	free(io);
	return r;
}

int dm_status(const char *name, bool table, struct dm_target *t, unsigned int max)
{
	struct dm_ioctl *io;
	const void *data;
	size_t len;
	int r;

	r = read_back(DM_TABLE_STATUS, name, table ? DM_STATUS_TABLE_FLAG : 0, &io, &data, &len);
	if (r < 0)
		return r;
	if (io->target_count > max)
		r = -ENOSPC;
	else if (dm_table_unpack(data, len, io->target_count, t, max) < 0)
		r = -EPROTO;
	else
		r = (int)io->target_count;
	free(io);
	return r;
}

int dm_deps(const char *name, dev_t *devs, unsigned int max)
{
	struct dm_target_deps deps = { 0 };
	struct dm_ioctl *io;
	const void *data;
	size_t len;
	int r;

	r = read_back(DM_TABLE_DEPS, name, 0, &io, &data, &len);
	if (r < 0)
		return r;
	if (len < sizeof(deps))
		r = -EPROTO;
	if (r == 0) {
		memcpy(&deps, data, sizeof(deps));
		if ((len - sizeof(deps)) / 8 < deps.count)
			r = -EPROTO;
		else if (deps.count > max)
			r = -ENOSPC;
	}
	for (uint32_t i = 0; r == 0 && i < deps.count; i++) {
		uint64_t v;

		memcpy(&v, (const char *)data + sizeof(deps) + 8 * i, sizeof(v));
		devs[i] = decode_dev(v);
	}
	if (r == 0)
		r = (int)deps.count;
	free(io);
	return r;
}

static void node_path(char *path, size_t size, const char *name)
{
	snprintf(path, size, DM_MAPPER "/%s", name);
}

int dm_make_node(const char *name, dev_t dev)
{
	char path[sizeof(DM_MAPPER "/") + DM_NAME_MAX];
	struct stat st;
	int r;

	if (!dm_name_ok(name))
		return -EINVAL;
	r = mapper_dir();
	if (r < 0)
		return r;
	node_path(path, sizeof(path), name);
	/* udev's symlink to ../dm-N, or our node from before: already right. */
	if (sys_stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == dev)
		return 0;
	/* A node of a device that had this name before (or a dangling link). */
	r = sys_lstat(path, &st);
	if (r == 0)
		r = sys_unlinkat(AT_FDCWD, path, 0);
	if (r < 0 && r != -ENOENT)
		return r;
	return sys_mknod(path, S_IFBLK | 0600, dev);
}

int dm_unlink_node(const char *name)
{
	char path[sizeof(DM_MAPPER "/") + DM_NAME_MAX];
	struct stat st;
	int r;

	if (!dm_name_ok(name))
		return -EINVAL;
	node_path(path, sizeof(path), name);
	r = sys_lstat(path, &st);
	if (r == 0 && (S_ISBLK(st.st_mode) || S_ISLNK(st.st_mode)))
		r = sys_unlinkat(AT_FDCWD, path, 0);
	return r == -ENOENT ? 0 : r;
}
