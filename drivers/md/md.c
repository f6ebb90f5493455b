/* SPDX-License-Identifier: MIT */
/* md arrays through sysfs: members' superblocks, assemble, stop. */
#define _GNU_SOURCE
#include "md.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MD_SYS "/sys/block"

/* Reads MDSB_SIZE bytes at sector; O_DIRECT wants an aligned buffer. */
static int read_at(int fd, uint64_t sector, void *buf)
{
	ssize_t r = sys_pread(fd, buf, MDSB_SIZE, sector * 512);

	if (r < 0)
		return (int)r;
	return r == MDSB_SIZE ? 0 : -EIO;
}

static int open_member(const char *path, struct md_member *m)
{
	struct stat st;
	int fd, r;

	r = sys_stat(path, &st);
	if (r < 0)
		return r;
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->major = major(st.st_rdev);
	m->minor = minor(st.st_rdev);
	snprintf(m->name, sizeof(m->name), "%s", strrchr(path, '/') + 1);
	/* A loop device may refuse O_DIRECT on some backings: fall back. */
	fd = sys_open(path, O_RDONLY | O_DIRECT, 0);
	if (fd == -EINVAL)
		fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	r = sys_ioctl(fd, BLKGETSIZE64, &m->sectors);
	m->sectors /= 512;
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

int md_read_member(const char *path, struct md_member *m, char *why, size_t why_size)
{
	static const unsigned int order[] = { 2, 1, 0 };
	void *buf = NULL;
	int fd, r = -ENODATA;

	memset(m, 0, sizeof(*m));
	why[0] = '\0';
	fd = open_member(path, m);
	if (fd < 0)
		return fd;
	if (posix_memalign(&buf, 4096, MDSB_SIZE)) {
		sys_close(fd);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < 3 && r == -ENODATA; i++) {
		uint64_t at;

		if (mdsb_locate(m->sectors, order[i], &at) < 0)
			continue;
		r = read_at(fd, at, buf);
		if (r == 0)
			r = mdsb_parse(buf, MDSB_SIZE, order[i], at, m->sectors, &m->sb,
				       why, why_size);
	}
	free(buf);
	sys_close(fd);
	m->has_sb = r == 0;
	return r;
}

int md_write_super(const struct md_member *m, const struct md_sb *sb)
{
	void *buf = NULL;
	int fd, r;

	if (posix_memalign(&buf, 4096, MDSB_SIZE))
		return -ENOMEM;
	r = mdsb_build(sb, buf, MDSB_SIZE);
	fd = r < 0 ? r : sys_open(m->path, O_WRONLY | O_DIRECT, 0);
	if (fd == -EINVAL)
		fd = sys_open(m->path, O_WRONLY, 0);
	if (fd >= 0) {
		ssize_t w = sys_pwrite(fd, buf, MDSB_SIZE, sb->super_offset * 512);

		r = w < 0 ? (int)w : w == MDSB_SIZE ? sys_fsync(fd) : -EIO;
		sys_close(fd);
	} else if (r == 0) {
		r = fd;
	}
	free(buf);
	return r;
}

const char *md_level_module(int32_t level)
{
	switch (level) {
	case -1: return "linear";
	case 0: return "raid0";
	case 1: return "raid1";
	case 4: case 5: case 6: return "raid456";
	case 10: return "raid10";
	default: return NULL;
	}
}

static int attr_path(char *p, size_t size, const char *md, const char *attr)
{
	int n = snprintf(p, size, MD_SYS "/%s/md/%s", md, attr);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int md_write(const char *md, const char *attr, const char *text)
{
	char p[160];

	return attr_path(p, sizeof(p), md, attr) ?: file_write(p, text);
}

int md_array_state(const char *md, char *buf, size_t size)
{
	char p[160];
	int r = attr_path(p, sizeof(p), md, "array_state");

	if (r == 0)
		r = file_read(p, buf, size);
	return r < 0 ? r : 0;
}

bool md_state_running(const char *s)
{
	return strcmp(s, "clear") && strcmp(s, "inactive") && strcmp(s, "suspended");
}

struct names {
	char *buf;
	size_t size;
	unsigned int count;
};

static int add_name(const char *name, unsigned char type, void *ctx)
{
	struct names *nm = ctx;
	size_t len = strlen(nm->buf);

	(void)type;
	if (strncmp(name, "dev-", 4))
		return 0;
	snprintf(nm->buf + len, nm->size - len, "%s%s", len ? " " : "", name + 4);
	nm->count++;
	return 0;
}

int md_member_names(const char *md, char *buf, size_t size)
{
	struct names nm = { buf, size, 0 };
	char p[160];
	int r;

	buf[0] = '\0';
	r = attr_path(p, sizeof(p), md, "");
	if (r == 0)
		r = sys_listdir(p, add_name, &nm);
	return r < 0 ? r : (int)nm.count;
}

struct finder {
	const uint8_t *uuid;
	char *name;
	size_t size;
	int err;	/* the first array that could not be checked */
};

/*
 * Whether one member of array md carries the UUID (any member will do):
 * 1 yes, 0 no, -errno when its members cannot be listed or none read.
 * An error is not a "no": down would take a running array for stopped.
 */
static int carries(const char *md, const uint8_t *uuid)
{
	char names[512], path[80], why[160], *save = NULL;
	struct md_member *m = malloc(sizeof(*m));
	int r, yes = 0, err = 0;

	if (!m)
		return -ENOMEM;
	r = md_member_names(md, names, sizeof(names));
	if (r <= 0) {
		free(m);
		return r == -ENOENT ? 0 : r;	/* ENOENT: freed meanwhile */
	}
	for (char *w = strtok_r(names, " ", &save); w && !yes; w = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof(path), "/dev/%s", w);
		for (char *q = path + 5; *q; q++)
			if (*q == '!')
				*q = '/';
		r = md_read_member(path, m, why, sizeof(why));
		if (r == 0)
			yes = !memcmp(m->sb.set_uuid, uuid, 16);
		else if (r != -ENODATA && r != -EINVAL && r != -ENOENT && r != -ENXIO)
			err = r;
	}
	free(m);
	return yes ? 1 : err;
}

static int find_entry(const char *name, unsigned char type, void *ctx)
{
	struct finder *f = ctx;
	int r;

	(void)type;
	if (strncmp(name, "md", 2))
		return 0;
	r = carries(name, f->uuid);
	if (r < 0 && !f->err)
		f->err = r;
	if (r <= 0)
		return 0;	/* the next array may be the one */
	snprintf(f->name, f->size, "%s", name);
	return 1;
}

/*
 * An array that could not be checked (a member unreadable) does not hide
 * the one that carries the UUID; only when none does is its error the
 * answer, since that one might have been it.
 */
int md_find_array(const uint8_t uuid[16], char *name, size_t size)
{
	struct finder f = { uuid, name, size, 0 };
	int r = sys_listdir(MD_SYS, find_entry, &f);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	return r > 0 ? 1 : f.err;
}

int md_new_array(unsigned int nr)
{
	char text[16];

	snprintf(text, sizeof(text), "md%u", nr);
	return file_write("/sys/module/md_mod/parameters/new_array", text);
}

int md_free_number(unsigned int *nr)
{
	char p[64];

	for (int i = 127; i >= 0; i--) {
		snprintf(p, sizeof(p), MD_SYS "/md%d", i);
		if (!file_exists(p)) {
			*nr = (unsigned int)i;
			return 0;
		}
	}
	return -ENOSPC;
}

int md_assemble(const char *md, unsigned int minor, const struct md_member *const *mem,
		unsigned int n, bool read_only, char *why, size_t why_size)
{
	char text[32];
	int r;

	snprintf(text, sizeof(text), "1.%u", minor);
	r = md_write(md, "metadata_version", text);
	/*
	 * An array object made by new_array stays until it is stopped
	 * (hold_active UNTIL_STOP), empty or not: clear it on the way out, or
	 * an empty mdN outlives the run (one that is being freed already just
	 * refuses the clear).
	 */
	if (r < 0)
		md_write(md, "array_state", "clear");
	if (r == -EBUSY || r == -ENOENT || r == -ENODEV)
		return -MD_EDYING;
	if (r < 0) {
		snprintf(why, why_size, "%s: setting metadata version %s: %s", md, text,
			 strerror(-r));
		return r;
	}
	for (unsigned int i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "%u:%u", mem[i]->major, mem[i]->minor);
		r = md_write(md, "new_dev", text);
		if (r < 0) {
			snprintf(why, why_size, "%s: the kernel refused member %s: %s", md,
				 mem[i]->path, strerror(-r));
			goto out_clear;
		}
	}
	r = md_write(md, "array_state", read_only ? "readonly" : "active");
	if (r < 0) {
		snprintf(why, why_size, "%s: the kernel refused to start the array: %s "
			 "(its reason is in the kernel log)", md, strerror(-r));
		goto out_clear;
	}
	return 0;

out_clear:
	md_write(md, "array_state", "clear");
	return r;
}

int md_stop_once(const char *md)
{
	char state[32];
	int r = md_array_state(md, state, sizeof(state));

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!strcmp(state, "clear"))
		return 0;
	return md_write(md, "array_state", "clear");
}
