/* SPDX-License-Identifier: MIT */
/*
 * The slot state on disk, through the seam. The two copies are never
 * written together: a change overwrites the older copy and syncs it, so
 * whatever a power cut tears, the newer copy is whole and its checksum
 * says so (docs/blkasm.conf.5, SLOT STATE).
 */
#include "slot_state.h"
#include "file.h"
#include "probe.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>

#define MIB (1024u * 1024u)

static int fail(int err, char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* "PATH" or "PATH at byte OFF", for messages. */
static const char *where(const struct slot_loc *loc, char *buf, size_t size)
{
	if (loc->off)
		snprintf(buf, size, "%s at byte %llu", loc->path, (unsigned long long)loc->off);
	else
		snprintf(buf, size, "%s", loc->path);
	return buf;
}

static int open_area(const struct slot_loc *loc, int flags, char *why, size_t size)
{
	char at[300];
	int fd;

	if (loc->off % SLOT_COPY_SIZE)
		return fail(-EINVAL, why, size, "%s: offset %llu is not a multiple of %u",
			    loc->path, (unsigned long long)loc->off, SLOT_COPY_SIZE);
	fd = file_open(loc->path, flags, 0, true);
	if (fd < 0)
		return fail(fd, why, size, "%s: %s", where(loc, at, sizeof(at)),
			    file_strerror(fd));
	return fd;
}

int slot_state_read(const struct slot_loc *loc, struct slot_state *s,
		    struct slot_read_report *rep, char *why, size_t size)
{
	uint8_t *area = calloc(1, SLOT_AREA_SIZE);
	struct slot_state c[2];
	char at[300];
	ssize_t got;
	int fd, ok[2];

	memset(rep, 0, sizeof(*rep));
	rep->newest = -1;
	if (!area)
		return fail(-ENOMEM, why, size, "%s: out of memory", loc->path);
	fd = open_area(loc, O_RDONLY, why, size);
	if (fd < 0) {
		free(area);
		return fd;
	}
	got = sys_pread(fd, area, SLOT_AREA_SIZE, loc->off);
	sys_close(fd);
	if (got < 0) {
		free(area);
		return fail((int)got, why, size, "%s: cannot read: %s",
			    where(loc, at, sizeof(at)), strerror((int)-got));
	}
	for (unsigned int i = 0; i < 2; i++) {
		if ((size_t)got < (i + 1) * SLOT_COPY_SIZE && got > 0) {
			snprintf(rep->why[i], sizeof(rep->why[i]), "cut short (the state is "
				 "%zd bytes, expected %u)", got, SLOT_AREA_SIZE);
			ok[i] = -EINVAL;
			continue;
		}
		ok[i] = slot_state_decode(area + i * SLOT_COPY_SIZE, &c[i], rep->why[i],
					  sizeof(rep->why[i]));
	}
	free(area);
	if (ok[0] < 0 && ok[1] < 0)
		return fail(-EUCLEAN, why, size, "%s: no valid copy: copy 0: %s; copy 1: %s",
			    where(loc, at, sizeof(at)), rep->why[0], rep->why[1]);
	rep->newest = ok[1] < 0 || (ok[0] == 0 && c[0].seq >= c[1].seq) ? 0 : 1;
	*s = c[rep->newest];
	return 0;
}

/* pwrite of whole copies, then fsync: the data is on disk when it returns. */
static int put_copies(int fd, const struct slot_loc *loc, const uint8_t *buf, size_t len,
		      uint64_t off, char *why, size_t size)
{
	char at[300];
	ssize_t w = sys_pwrite(fd, buf, len, loc->off + off);
	int r = w < 0 ? (int)w : (size_t)w != len ? -EIO : 0;

	if (r < 0)
		return fail(r, why, size, "%s: cannot write: %s", where(loc, at, sizeof(at)),
			    strerror(-r));
	r = sys_fsync(fd);
	if (r < 0)
		return fail(r, why, size, "%s: cannot sync: %s", where(loc, at, sizeof(at)),
			    strerror(-r));
	return 0;
}

/* A state that fails slot_state_check is never written. */
static int writable(const struct slot_loc *loc, const struct slot_state *s, char *why,
		    size_t size)
{
	char bad[200];
	int r = slot_state_check(s, bad, sizeof(bad));

	return r < 0 ? fail(r, why, size, "%s: not written: %s", loc->path, bad) : 0;
}

int slot_state_write(const struct slot_loc *loc, struct slot_state *s,
		     struct slot_read_report *rep, char *why, size_t size)
{
	struct slot_state n = *s;
	int fd, r = writable(loc, s, why, size), target = rep->newest == 0 ? 1 : 0;
	uint8_t *copy = r < 0 ? NULL : malloc(SLOT_COPY_SIZE);

	if (!copy)
		return r < 0 ? r : fail(-ENOMEM, why, size, "%s: out of memory", loc->path);
	n.seq = s->seq + 1;
	slot_state_encode(&n, copy);
	fd = open_area(loc, O_RDWR, why, size);
	if (fd >= 0) {
		r = put_copies(fd, loc, copy, SLOT_COPY_SIZE,
			       (uint64_t)target * SLOT_COPY_SIZE, why, size);
		sys_close(fd);
	} else {
		r = fd;
	}
	free(copy);
	if (r < 0)
		return r;
	s->seq = n.seq;
	rep->newest = target;
	rep->why[target][0] = '\0';
	return 0;
}

/* Both copies of a fresh state: sequence 1 and 2, the same slots. */
static void encode_area(struct slot_state *s, uint8_t *area)
{
	s->seq = 1;
	slot_state_encode(s, area);
	s->seq = 2;
	slot_state_encode(s, area + SLOT_COPY_SIZE);
}

/* The folder of path, synced so that a new name in it survives a cut. */
static int sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int fd, r;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	fd = sys_open(dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	r = sys_fsync(fd);
	sys_close(fd);
	return r;
}

/* An existing file that is empty or all zeros (at most the state's size). */
static int file_blank(const struct slot_loc *loc, char *why, size_t size)
{
	const struct probe_range whole = { 0, SLOT_AREA_SIZE };
	struct stat st;
	uint64_t at;
	int r = sys_stat(loc->path, &st);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return fail(r, why, size, "%s: %s", loc->path, strerror(-r));
	if (!S_ISREG(st.st_mode))
		return fail(-EEXIST, why, size, "%s exists and is not a regular file", loc->path);
	if (st.st_size > SLOT_AREA_SIZE)
		return fail(-EEXIST, why, size, "%s exists and holds %lld bytes: not "
			    "overwritten", loc->path, (long long)st.st_size);
	r = probe_zeros(loc->path, &whole, 1, &at);
	if (r < 0)
		return fail(r, why, size, "%s: cannot read: %s", loc->path, strerror(-r));
	if (r == 1)
		return fail(-EEXIST, why, size, "%s exists and is not blank (non-zero byte at "
			    "%llu): not overwritten", loc->path, (unsigned long long)at);
	return 0;
}

/* Written whole as PATH.new, synced, renamed over PATH, folder synced. */
static int create_file(const struct slot_loc *loc, const uint8_t *area, char *why,
		       size_t size)
{
	char tmp[4096];
	int fd, r;

	if (loc->off)
		return fail(-EINVAL, why, size, "%s: a state file starts at byte 0", loc->path);
	if ((r = file_blank(loc, why, size)) < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.new", loc->path);
	sys_unlinkat(AT_FDCWD, tmp, 0);	/* left by a cut during an earlier init */
	fd = sys_open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
	if (fd < 0)
		return fail(fd, why, size, "%s: cannot create: %s", tmp, strerror(-fd));
	r = put_copies(fd, loc, area, SLOT_AREA_SIZE, 0, why, size);
	sys_close(fd);
	if (r == 0 && (r = file_blank(loc, why, size)) == 0 &&
	    (r = sys_rename(tmp, loc->path)) < 0)
		fail(r, why, size, "%s: cannot rename %s into place: %s", loc->path, tmp,
		     strerror(-r));
	if (r < 0) {
		sys_unlinkat(AT_FDCWD, tmp, 0);
		return r;
	}
	r = sync_dir(loc->path);
	return r < 0 ? fail(r, why, size, "%s: cannot sync its folder: %s", loc->path,
			    strerror(-r)) : 0;
}

/* The area, the first and the last MiB zero, and no signature libblkid knows. */
static int device_blank(const struct slot_loc *loc, uint64_t dev_size, char *why,
			size_t size)
{
	const struct probe_range r[] = {
		{ loc->off, SLOT_AREA_SIZE },
		{ 0, MIB },
		{ dev_size > MIB ? dev_size - MIB : 0, MIB },
	};
	struct probe_info pi;
	char at[300];
	uint64_t nz;
	int ret = probe_zeros(loc->path, r, 3, &nz);

	where(loc, at, sizeof(at));
	if (ret < 0)
		return fail(ret, why, size, "%s: cannot check that it is blank: %s", at,
			    strerror(-ret));
	if (ret == 1)
		return fail(-EEXIST, why, size, "%s is not blank (non-zero byte at %llu): a "
			    "state is created only on zeros; not written", at,
			    (unsigned long long)nz);
	ret = probe_device(loc->path, &pi);
	if (ret < 0)
		return fail(ret, why, size, "%s: cannot probe for signatures: %s", at,
			    strerror(-ret));
	if (pi.type[0])
		return fail(-EEXIST, why, size, "%s carries %s: not written", at, pi.type);
	return 0;
}

static int create_device(const struct slot_loc *loc, int fd, const uint8_t *area,
			 char *why, size_t size)
{
	uint64_t dev_size = 0;
	char at[300];
	int r = sys_ioctl(fd, BLKGETSIZE64, &dev_size);

	where(loc, at, sizeof(at));
	if (r < 0)
		return fail(r, why, size, "%s: cannot get its size: %s", at, strerror(-r));
	if (loc->off + SLOT_AREA_SIZE > dev_size)
		return fail(-ENOSPC, why, size, "%s: the state (%u bytes) does not fit in the "
			    "device (%llu bytes)", at, SLOT_AREA_SIZE,
			    (unsigned long long)dev_size);
	if ((r = device_blank(loc, dev_size, why, size)) < 0)
		return r;
	return put_copies(fd, loc, area, SLOT_AREA_SIZE, 0, why, size);
}

int slot_state_create(const struct slot_loc *loc, struct slot_state *s, char *why,
		      size_t size)
{
	int fd, r = writable(loc, s, why, size);
	uint8_t *area = r < 0 ? NULL : calloc(1, SLOT_AREA_SIZE);
	struct stat st;

	if (!area)
		return r < 0 ? r : fail(-ENOMEM, why, size, "%s: out of memory", loc->path);
	encode_area(s, area);
	if (sys_stat(loc->path, &st) == 0 && S_ISBLK(st.st_mode)) {
		fd = open_area(loc, O_RDWR, why, size);
		r = fd < 0 ? fd : create_device(loc, fd, area, why, size);
		if (fd >= 0)
			sys_close(fd);
	} else {
		r = create_file(loc, area, why, size);
	}
	free(area);
	return r;
}
