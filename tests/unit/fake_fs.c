/* SPDX-License-Identifier: MIT */
/*
 * The fake seam's files: a flat table of paths (folders above a path exist
 * implicitly), stat, mkdir, mknod, rename and directory listing; the fds
 * open on them are fake_fd.c's. See fake_sys.h.
 */
#define _GNU_SOURCE
#include "fake_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* ---- file table ---- */

/* Collapses "//" and drops a trailing '/' (not the root's). */
static void norm(const char *path, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = path; *p && n + 1 < size; p++)
		if (!(*p == '/' && n && out[n - 1] == '/'))
			out[n++] = *p;
	if (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
}

static int find_file(const char *path)
{
	char want[4096];

	norm(path, want, sizeof(want));
	for (unsigned int i = 0; i < fake.nfiles; i++)
		if (!strcmp(fake.files[i].path, want))
			return (int)i;
	return -1;
}

/* A folder made by mkdir, or implied by a path below it. */
static bool is_dir(const char *path)
{
	char want[4096];
	size_t n;
	int i;

	norm(path, want, sizeof(want));
	if (!strcmp(want, "/") || !strcmp(want, "."))
		return true;
	i = find_file(want);
	if (i >= 0)
		return S_ISDIR(fake.files[i].mode);
	n = strlen(want);
	for (unsigned int k = 0; k < fake.nfiles; k++)
		if (!strncmp(fake.files[k].path, want, n) && fake.files[k].path[n] == '/')
			return true;
	return false;
}

/* 0 when the folder above path exists, else -ENOENT or -ENOTDIR. */
static int parent_err(const char *path)
{
	char p[4096], *slash;

	norm(path, p, sizeof(p));
	slash = strrchr(p, '/');
	if (!slash || slash == p)
		return 0;	/* the root, or relative to the working folder */
	*slash = '\0';
	if (is_dir(p))
		return 0;
	return find_file(p) >= 0 ? -ENOTDIR : -ENOENT;
}

int fake_fs_parent_err(const char *path)
{
	return parent_err(path);
}

bool fake_fs_is_dir(const char *path)
{
	return is_dir(path);
}

/*
 * A new slot. The kernel model makes and removes sysfs files over and
 * over (an array retried 64 times): it takes a removed slot no fd refers
 * to, first. Inode numbers stay unique: the table index + 1.
 */
static struct file *free_slot(void)
{
	for (unsigned int i = 0; fake_kernel_on() && i < fake.nfiles; i++) {
		struct file *f = &fake.files[i];
		bool open = false;

		if (strcmp(f->path, "(removed)"))
			continue;
		for (int fd = 0; fd < MAX_FDS && !open; fd++)
			open = fake.fds[fd].kind == FD_FILE && fake.fds[fd].file == (int)i;
		if (open)
			continue;
		free(f->path);
		if (!f->shared)
			free(f->data);
		free(f->written.p);
		memset(f, 0, sizeof(*f));
		f->ino = i + 1;
		return f;
	}
	if (fake.nfiles == MAX_FILES)
		fake_die("too many files");
	fake.files[fake.nfiles].ino = fake.nfiles + 1;
	return &fake.files[fake.nfiles++];
}

static struct file *add_entry(const char *path, mode_t mode)
{
	char p[4096];
	int i = find_file(path);
	struct file *f;

	if (i >= 0) {
		f = &fake.files[i];
		if (!f->shared)
			free(f->data);
		f->shared = false;
		f->data = NULL;
		f->len = 0;
	} else {
		f = free_slot();
		norm(path, p, sizeof(p));
		f->path = fake_strdup(p);
		f->dev = makedev(254, 1);
	}
	f->mode = mode;
	return f;
}

int fake_fs_find(const char *path)
{
	return find_file(path);
}

struct file *fake_fs_add(const char *path, mode_t mode)
{
	return add_entry(path, mode);
}

void fake_file_add_data(const char *path, const void *data, size_t len)
{
	struct file *f = add_entry(path, S_IFREG | 0644);

	f->data = malloc(len + 1);
	if (!f->data)
		fake_die("out of memory");
	memcpy(f->data, data, len);
	f->len = len;
}

void fake_file_own(struct file *f)
{
	char *copy;

	if (!f->shared)
		return;
	copy = malloc(f->len + 1);
	if (!copy)
		fake_die("out of memory");
	memcpy(copy, f->data, f->len);
	f->data = copy;
	f->shared = false;
}

void fake_file_add_shared(const char *path, const void *data, size_t len)
{
	struct file *f = add_entry(path, S_IFREG | 0644);

	f->data = (char *)data;
	f->len = len;
	f->shared = true;
}

void fake_file_add(const char *path, const char *content)
{
	fake_file_add_data(path, content, strlen(content));
}

void fake_dir_add(const char *path)
{
	add_entry(path, S_IFDIR | 0755);
}

void fake_blkdev_add(const char *path, dev_t rdev, const void *data, size_t len)
{
	struct file *f;

	fake_file_add_data(path, data, len);
	f = &fake.files[find_file(path)];
	f->mode = S_IFBLK | 0660;
	f->rdev = rdev;
}

void fake_fifo_add(const char *path)
{
	struct file *f = add_entry(path, S_IFIFO | 0644);

	f->data = calloc(1, 1);
	if (!f->data)
		fake_die("out of memory");
}

unsigned int fake_blocked_opens(void)
{
	return fake.blocked_opens;
}

static struct file *must_find(const char *path)
{
	int i = find_file(path);

	if (i < 0)
		fake_die("no such fake file");
	return &fake.files[i];
}

void fake_file_id(const char *path, dev_t dev, ino_t ino)
{
	struct file *f = must_find(path);

	f->dev = dev;
	f->ino = ino;
}

void fake_file_chunk(const char *path, size_t n)
{
	must_find(path)->chunk = n;
}

const char *fake_file_written(const char *path)
{
	int i = find_file(path);

	if (i < 0 || !fake.files[i].was_written)
		return NULL;
	return fake_sb_str(&fake.files[i].written);
}

/* ---- paths ---- */

static void fill_stat(const struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = f->mode;
	st->st_size = (off_t)f->len;
	st->st_dev = f->dev;
	st->st_ino = f->ino;
	st->st_rdev = f->rdev;
	st->st_nlink = 1;
}

static int stat_path(const char *path, struct stat *st, bool follow)
{
	int r = fake_failure(FAKE_STAT, path), i;

	if (r)
		return r;
	i = find_file(path);
	if (follow && i >= 0 && S_ISLNK(fake.files[i].mode))
		i = fake_kernel_follow(i);
	if (i == -ELOOP)
		return i;
	if (i >= 0) {
		fill_stat(&fake.files[i], st);
		return 0;
	}
	if (!is_dir(path))
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFDIR | 0755;
	st->st_dev = makedev(254, 1);
	return 0;
}

static int sys_stat_unlocked(const char *path, struct stat *st)
{
	int r = fake_call(FC_STAT, path, NULL);

	return r ? r : stat_path(path, st, true);
}

/* Serialised: the boot's module loader calls the seam from its threads. */
int sys_stat(const char *path, struct stat *st)
{
	fake_seam_lock();
	int r = sys_stat_unlocked(path, st);

	fake_seam_unlock();
	return r;
}

int sys_lstat(const char *path, struct stat *st)
{
	int r = fake_call(FC_LSTAT, path, NULL);

	return r ? r : stat_path(path, st, false);
}

int sys_fstat(int fd, struct stat *st)
{
	struct fdent *e = fake_fd_get(fd);
	int r = fake_call(FC_FSTAT, fake_fd_path(fd), NULL);

	if (r)
		return r;
	if (!e) {
		fake.bad_fds++;
		return -EBADF;
	}
	if (e->kind == FD_FILE) {
		fill_stat(&fake.files[e->file], st);
	} else {
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFSOCK | 0600;
	}
	return 0;
}

int sys_access(const char *path, int mode)
{
	struct stat st;
	int r = fake_call(FC_ACCESS, path, NULL);

	(void)mode;
	return r ? r : stat_path(path, &st, true);
}

/* A removed entry keeps its slot (fds refer to slots) under a dead name. */
static void drop_entry(int i)
{
	free(fake.files[i].path);
	fake.files[i].path = strdup("(removed)");
	if (!fake.files[i].path)
		fake_die("out of memory");
}

void fake_fs_remove(const char *path)
{
	int i = find_file(path);

	if (i >= 0)
		drop_entry(i);
}

void fake_fs_remove_tree(const char *path)
{
	size_t n = strlen(path);

	for (unsigned int i = 0; i < fake.nfiles; i++) {
		const char *p = fake.files[i].path;

		if (!strncmp(p, path, n) && (!p[n] || p[n] == '/'))
			drop_entry((int)i);
	}
}

int sys_rename(const char *oldpath, const char *newpath)
{
	char want[4096];
	int r = fake_failure(FAKE_RENAME, newpath), i = find_file(oldpath),
	    j = find_file(newpath);

	fake_sb_printf(&fake.trace, "rename %s %s", oldpath, newpath);
	if (!r)
		r = fake_call(FC_RENAME, newpath, NULL);
	if (r)
		return r;
	if (i < 0)
		return -ENOENT;
	if (j >= 0 && S_ISDIR(fake.files[j].mode))
		return -EISDIR;
	if (j >= 0 && j != i)
		drop_entry(j);
	norm(newpath, want, sizeof(want));
	free(fake.files[i].path);
	fake.files[i].path = strdup(want);
	if (!fake.files[i].path)
		fake_die("out of memory");
	return 0;
}

int sys_mkdir(const char *path, mode_t mode)
{
	int r = fake_failure(FAKE_MKDIR, path);

	fake_sb_printf(&fake.trace, "mkdir %s", path);
	if (!r)
		r = fake_call(FC_MKDIR, path, NULL);
	if (r)
		return r;
	if (find_file(path) >= 0 || is_dir(path))
		return -EEXIST;
	r = parent_err(path);
	if (r)
		return r;
	add_entry(path, S_IFDIR | (mode & 07777));
	return 0;
}

int sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	int r = fake_failure(FAKE_MKNOD, path);
	struct file *f;

	fake_sb_printf(&fake.trace, "mknod %s %u:%u", path, major(dev), minor(dev));
	if (!r)
		r = fake_call(FC_MKNOD, path, NULL);
	if (r)
		return r;
	if (find_file(path) >= 0 || is_dir(path))
		return -EEXIST;
	r = parent_err(path);
	if (r)
		return r;
	f = add_entry(path, mode);
	f->rdev = dev;
	f->data = calloc(1, 1);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char dtype(const char *path)
{
	int i = find_file(path);

	if (i < 0)
		return DT_DIR;	/* implied by a path below it */
	if (S_ISBLK(fake.files[i].mode))
		return DT_BLK;
	return S_ISDIR(fake.files[i].mode) ? DT_DIR : DT_REG;
}

int sys_listdir(const char *path,
		int (*fn)(const char *name, unsigned char type, void *ctx),
		void *ctx)
{
	char dir[4096], child[8200];
	char *names[MAX_FILES];
	unsigned int n = 0;
	size_t dlen;
	int r = fake_call(FC_LISTDIR, path, NULL);

	if (r)
		return r;
	if (!is_dir(path))
		return find_file(path) >= 0 ? -ENOTDIR : -ENOENT;
	norm(path, dir, sizeof(dir));
	dlen = strcmp(dir, "/") ? strlen(dir) : 0;
	for (unsigned int i = 0; i < fake.nfiles; i++) {
		const char *p = fake.files[i].path, *rest;
		size_t clen;
		bool dup = false;

		if (strncmp(p, dir, dlen) || p[dlen] != '/' || !p[dlen + 1])
			continue;
		rest = p + dlen + 1;
		clen = strcspn(rest, "/");
		for (unsigned int k = 0; k < n && !dup; k++)
			dup = strlen(names[k]) == clen && !strncmp(names[k], rest, clen);
		if (!dup)
			names[n++] = strndup(rest, clen);
	}
	qsort(names, n, sizeof(names[0]), by_name);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(child, sizeof(child), "%s/%s", dlen ? dir : "", names[i]);
		if (r == 0)
			r = fn(names[i], dtype(child), ctx);
		free(names[i]);
	}
	return r;
}
