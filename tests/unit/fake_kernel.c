/* SPDX-License-Identifier: MIT */
/*
 * The fake kernel's shared part (see fake_kernel.h): switching the models
 * on, the seam's hooks handed to loop (fake_loopdev.c) and md
 * (fake_mddev.c), regular files written for real, symlinks, mounts,
 * modules, who holds a device, and the state as text.
 */
#define _GNU_SOURCE
#include "fake_kernel.h"
#include "fake_dm.h"
#include "fake_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MAX_MOUNTS 16
#define MOUNTINFO "/proc/self/mountinfo"

struct kmount {
	char src[128], target[128], type[32];
	dev_t dev;		/* of src when a block device, else 0 */
};

static struct {
	bool on;
	struct kmount mounts[MAX_MOUNTS];
	unsigned int nmounts;
	struct sbuf state;
} k;

bool fake_kernel_on(void)
{
	return k.on;
}

void fake_kernel_reset(void)
{
	free(k.state.p);
	memset(&k, 0, sizeof(k));
	fake_loop_reset();
	fake_md_reset();
}

void fake_kernel_set(const char *path, const char *text)
{
	struct file *f = fake_fs_add(path, S_IFREG | 0644);

	f->data = fake_strdup(text);
	f->len = strlen(text);
}

/* Zeros the model's disks start as, shared until written (fake_file_own). */
#define ZEROS (8u << 20)
static const char zeros[ZEROS + 1];

void fake_kernel_blkdev(const char *path, dev_t rdev, size_t len)
{
	struct file *f = fake_fs_add(path, S_IFBLK | 0660);

	if (len > ZEROS)
		fake_die("fake_kernel: a disk too big");
	f->data = (char *)zeros;
	f->shared = true;
	f->len = len;
	f->rdev = rdev;
}

/* loop, md_mod and dm_mod loaded, devtmpfs on /dev: their nodes are there. */
void fake_kernel_enable(void)
{
	struct file *f;

	k.on = true;
	fake_kernel_set(MOUNTINFO, "");
	fake_loop_enable();
	fake_kernel_set("/sys/module/md_mod/parameters/new_array", "");
	fake_kernel_set("/sys/class/misc/device-mapper/dev", "10:236\n");
	f = fake_fs_add("/dev/mapper/control", S_IFCHR | 0600);
	f->data = fake_strdup("");
	f->rdev = makedev(10, 236);
}

/* ---- files ---- */

/* A regular file outside /sys and /proc: written at the fd's position. */
static void write_regular(struct fdent *e, const void *buf, size_t len)
{
	struct file *f = &fake.files[e->file];

	fake_file_own(f);
	if (e->pos + len > f->len) {
		f->data = realloc(f->data, e->pos + len + 1);
		if (!f->data)
			fake_die("out of memory");
		memset(f->data + f->len, 0, e->pos + len - f->len);
		f->len = e->pos + len;
	}
	memcpy(f->data + e->pos, buf, len);
	e->pos += len;
}

int fake_kernel_write(struct fdent *e, const void *buf, size_t len)
{
	struct file *f = &fake.files[e->file];
	char text[64];
	int ret;

	if (S_ISREG(f->mode) && strncmp(f->path, "/sys/", 5) && strncmp(f->path, "/proc/", 6)) {
		write_regular(e, buf, len);
		return 0;
	}
	snprintf(text, sizeof(text), "%.*s", (int)len, (const char *)buf);
	text[strcspn(text, "\n")] = '\0';
	return fake_md_write(f->path, text, &ret) ? ret : 0;
}

bool fake_kernel_ioctl(struct file *f, unsigned long req, void *arg, int *ret)
{
	return fake_loop_ioctl(f, req, arg, ret);
}

struct file *fake_kernel_backing(struct file *f, uint64_t *off)
{
	return fake_loop_backing(f, off);
}

void fake_kernel_closed(int file)
{
	const struct file *f = &fake.files[file];

	if (S_ISBLK(f->mode))
		fake_loop_released(f->rdev);
}

/* ---- symlinks ---- */

/* Drops "." and folder/".." elements of an absolute path, in place. */
static char *resolve_dots(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 2 && !strncmp(p, "..", 2)) {
			while (out > path && *--out != '/')
				;
		} else if (len && !(len == 1 && *p == '.')) {
			*out++ = '/';
			memmove(out, p, len);
			out += len;
		}
		p += len;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
	return path;
}

int fake_fs_symlink(const char *target, const char *path)
{
	struct file *f;
	int r;

	if (fake_fs_find(path) >= 0)
		return -EEXIST;
	r = fake_fs_parent_err(path);
	if (r)
		return r;
	f = fake_fs_add(path, S_IFLNK | 0777);
	f->data = fake_strdup(target);
	f->len = strlen(target);
	return 0;
}

int fake_kernel_follow(int i)
{
	char to[4096];

	for (int hops = 0; i >= 0 && S_ISLNK(fake.files[i].mode); hops++) {
		const struct file *f = &fake.files[i];
		const char *slash = strrchr(f->path, '/');

		if (hops == 8)
			return -ELOOP;
		if (f->data[0] == '/' || !slash)
			snprintf(to, sizeof(to), "%s", f->data);
		else
			snprintf(to, sizeof(to), "%.*s/%s", (int)(slash - f->path), f->path,
				 f->data);
		i = fake_fs_find(to[0] == '/' ? resolve_dots(to) : to);
	}
	return i;
}

/* ---- mounts and modules ---- */

static void write_mountinfo(void)
{
	struct sbuf b = { 0 };
	char line[512];

	fake_sb_add(&b, "", 0);
	for (unsigned int i = 0; i < k.nmounts; i++) {
		const struct kmount *m = &k.mounts[i];

		snprintf(line, sizeof(line), "%u 1 %u:%u / %s rw - %s %s rw\n", 30 + i,
			 major(m->dev), minor(m->dev), m->target, m->type, m->src);
		fake_sb_add(&b, line, strlen(line));
	}
	fake_kernel_set(MOUNTINFO, b.p);
	free(b.p);
}

int fake_kernel_mount(const char *src, const char *target, const char *type,
		      unsigned long flags)
{
	struct kmount *m;
	int i = src ? fake_fs_find(src) : -1;

	(void)flags;
	if (k.nmounts == MAX_MOUNTS)
		fake_die("too many mounts");
	m = &k.mounts[k.nmounts++];
	memset(m, 0, sizeof(*m));
	snprintf(m->src, sizeof(m->src), "%s", src ? src : "none");
	snprintf(m->target, sizeof(m->target), "%s", target);
	snprintf(m->type, sizeof(m->type), "%s", type ? type : "none");
	if (i >= 0 && S_ISBLK(fake.files[i].mode))
		m->dev = fake.files[i].rdev;
	write_mountinfo();
	return 0;
}

/* The last mount on target goes; EBUSY while another sits below it. */
int fake_kernel_umount(const char *target, int flags)
{
	size_t n = strlen(target);
	dev_t dev;
	int last = -1;

	(void)flags;
	for (unsigned int i = 0; i < k.nmounts; i++)
		if (!strcmp(k.mounts[i].target, target))
			last = (int)i;
	if (last < 0)
		return -EINVAL;
	for (unsigned int i = (unsigned int)last + 1; i < k.nmounts; i++)
		if (!strncmp(k.mounts[i].target, target, n) && k.mounts[i].target[n] == '/')
			return -EBUSY;
	dev = k.mounts[last].dev;
	memmove(&k.mounts[last], &k.mounts[last + 1],
		(k.nmounts - (unsigned int)last - 1) * sizeof(k.mounts[0]));
	k.nmounts--;
	write_mountinfo();
	if (dev)
		fake_loop_released(dev);
	return 0;
}

/* /lib/modules/R/kernel/drivers/md/raid1.ko.xz is module raid1. */
int fake_kernel_module(const char *path)
{
	const char *base = strrchr(path, '/');
	char dir[128];

	base = base ? base + 1 : path;
	snprintf(dir, sizeof(dir), "/sys/module/%.*s", (int)strcspn(base, "."), base);
	for (char *p = dir + 12; *p; p++)
		if (*p == '-')
			*p = '_';
	if (fake_fs_find(dir) >= 0)
		return -EEXIST;
	fake_dir_add(dir);
	return 0;
}

unsigned int fake_kernel_holders(dev_t dev)
{
	unsigned int n = fake_md_holds(dev) + fake_dm_holds(dev);

	for (int i = 0; i < MAX_FDS; i++) {
		const struct fdent *e = &fake.fds[i];

		n += e->kind == FD_FILE && S_ISBLK(fake.files[e->file].mode) &&
		     fake.files[e->file].rdev == dev;
	}
	for (unsigned int i = 0; i < k.nmounts; i++)
		n += k.mounts[i].dev == dev;
	return n;
}

/* ---- state ---- */

static bool skipped(const char *path, const char *const *skip)
{
	if (!strcmp(path, "(removed)"))
		return true;
	for (unsigned int i = 0; skip && skip[i]; i++)
		if (!strncmp(path, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/* FNV-1a: enough to tell contents apart in a comparison. */
static unsigned long long hash(const char *p, size_t len)
{
	unsigned long long h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/*
 * Big files (images, array nodes) are hashed only once written through
 * the seam: hashing megabytes at every comparison made the sweep slow, and
 * what no call wrote is what the test put there.
 */
static unsigned long long content_hash(const struct file *f)
{
	if (f->len > 65536 && !f->was_written)
		return 0;
	return hash(f->data, f->len);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(fake.files[*(const unsigned int *)a].path,
		      fake.files[*(const unsigned int *)b].path);
}

static void state_files(const char *const *skip)
{
	unsigned int idx[MAX_FILES], n = 0;

	for (unsigned int i = 0; i < fake.nfiles; i++)
		if (!S_ISDIR(fake.files[i].mode) && !skipped(fake.files[i].path, skip))
			idx[n++] = i;
	qsort(idx, n, sizeof(idx[0]), by_path);
	for (unsigned int j = 0; j < n; j++) {
		const struct file *f = &fake.files[idx[j]];
		char line[600];

		if (S_ISLNK(f->mode))
			snprintf(line, sizeof(line), "file %s -> %s\n", f->path, f->data);
		else
			snprintf(line, sizeof(line), "file %s %o %u:%u %zu %016llx\n", f->path,
				 (unsigned int)f->mode, major(f->rdev), minor(f->rdev), f->len,
				 content_hash(f));
		fake_sb_add(&k.state, line, strlen(line));
	}
}

const char *fake_kernel_state(const char *const *skip)
{
	char line[512];

	k.state.len = 0;
	fake_sb_add(&k.state, "", 0);
	state_files(skip);
	fake_loop_state(&k.state);
	fake_md_state(&k.state);
	fake_dm_state(&k.state);
	for (unsigned int i = 0; i < k.nmounts; i++) {
		snprintf(line, sizeof(line), "mount %s on %s type %s\n", k.mounts[i].src,
			 k.mounts[i].target, k.mounts[i].type);
		fake_sb_add(&k.state, line, strlen(line));
	}
	return fake_sb_str(&k.state);
}
