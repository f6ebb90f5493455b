/* SPDX-License-Identifier: MIT */
/*
 * The fake kernel's loop driver (see fake_kernel.h), after
 * drivers/block/loop.c of Linux 6.1: devices made at enable time, bound
 * by LOOP_CONFIGURE, cleared by LOOP_CLR_FD at once or, while others hold
 * the device, at the last release (autoclear).
 */
#define _GNU_SOURCE
#include "fake_kernel.h"
#include "fake_internal.h"

#include <errno.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define LOOP_MAJOR 7

struct kloop {
	bool bound;
	int backing;		/* file index */
	uint64_t offset, sizelimit;
	uint32_t flags;		/* LO_FLAGS_* */
};

static struct kloop loops[FAKE_LOOPS_MAX];
static int nloops = FAKE_LOOPS;

void fake_loop_reset(void)
{
	memset(loops, 0, sizeof(loops));
	nloops = FAKE_LOOPS;
}

void fake_loop_devices(unsigned int n)
{
	if (n > FAKE_LOOPS_MAX) {
		fprintf(stderr, "fake_loop_devices: %u is more than %u\n", n, FAKE_LOOPS_MAX);
		abort();
	}
	nloops = (int)n;
}

static void attr(int nr, const char *name, const char *fmt, unsigned long long v)
{
	char path[96], text[64];

	snprintf(path, sizeof(path), "/sys/block/loop%d/%s", nr, name);
	snprintf(text, sizeof(text), fmt, v);
	fake_kernel_set(path, text);
}

/* /sys/class/block/loopN is a link to /sys/block/loopN: both show it. */
static void set_size(int nr, uint64_t sectors)
{
	char path[64], text[32];

	attr(nr, "size", "%llu\n", sectors);
	snprintf(path, sizeof(path), "/sys/class/block/loop%d/size", nr);
	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)sectors);
	fake_kernel_set(path, text);
}

void fake_loop_enable(void)
{
	char path[64], text[32];

	fake_kernel_set("/dev/loop-control", "");
	for (int nr = 0; nr < nloops; nr++) {
		snprintf(path, sizeof(path), "/dev/loop%d", nr);
		fake_kernel_blkdev(path, makedev(LOOP_MAJOR, nr), 0);
		snprintf(text, sizeof(text), "%d:%d\n", LOOP_MAJOR, nr);
		snprintf(path, sizeof(path), "/sys/block/loop%d/dev", nr);
		fake_kernel_set(path, text);
		snprintf(path, sizeof(path), "/sys/class/block/loop%d/dev", nr);
		fake_kernel_set(path, text);
		attr(nr, "ro", "%llu\n", 0);
		set_size(nr, 0);
	}
}

/* The loop device a node is, or NULL. */
static struct kloop *loop_of(const struct file *f, int *nr)
{
	if (!S_ISBLK(f->mode) || major(f->rdev) != LOOP_MAJOR ||
	    minor(f->rdev) >= (unsigned int)nloops)
		return NULL;
	*nr = (int)minor(f->rdev);
	return &loops[*nr];
}

static uint64_t bound_bytes(const struct kloop *l)
{
	uint64_t len = fake.files[l->backing].len;
	uint64_t n = len > l->offset ? len - l->offset : 0;

	return l->sizelimit && l->sizelimit < n ? l->sizelimit : n;
}

static void show_binding(int nr)
{
	const struct kloop *l = &loops[nr];
	char path[96];

	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/backing_file", nr);
	fake_kernel_set(path, fake.files[l->backing].path);
	attr(nr, "loop/offset", "%llu\n", l->offset);
	attr(nr, "loop/sizelimit", "%llu\n", l->sizelimit);
	attr(nr, "loop/autoclear", "%llu\n", !!(l->flags & LO_FLAGS_AUTOCLEAR));
	attr(nr, "loop/partscan", "%llu\n", !!(l->flags & LO_FLAGS_PARTSCAN));
	attr(nr, "loop/dio", "%llu\n", !!(l->flags & LO_FLAGS_DIRECT_IO));
	attr(nr, "ro", "%llu\n", !!(l->flags & LO_FLAGS_READ_ONLY));
	set_size(nr, bound_bytes(l) / 512);
}

static int configure(int nr, const struct loop_config *cfg)
{
	struct kloop *l = &loops[nr];
	struct fdent *e = fake_fd_get((int)cfg->fd);

	if (l->bound)
		return -EBUSY;
	if (!e || e->kind != FD_FILE)
		return -EBADF;
	if (!S_ISREG(fake.files[e->file].mode) && !S_ISBLK(fake.files[e->file].mode))
		return -EINVAL;
	*l = (struct kloop){
		.bound = true, .backing = e->file, .offset = cfg->info.lo_offset,
		.sizelimit = cfg->info.lo_sizelimit, .flags = cfg->info.lo_flags,
	};
	show_binding(nr);
	return 0;
}

static void unbind(int nr)
{
	char path[64];

	loops[nr].bound = false;
	snprintf(path, sizeof(path), "/sys/block/loop%d/loop", nr);
	fake_fs_remove_tree(path);
	attr(nr, "ro", "%llu\n", 0);
	set_size(nr, 0);
}

/* loop_clr_fd(): deferred to the last release while others hold it. */
static int clear(int nr)
{
	if (!loops[nr].bound)
		return -ENXIO;
	if (fake_kernel_holders(makedev(LOOP_MAJOR, nr)) > 1) {
		loops[nr].flags |= LO_FLAGS_AUTOCLEAR;
		attr(nr, "loop/autoclear", "%llu\n", 1);
		return 0;
	}
	unbind(nr);
	return 0;
}

static int get_status(int nr, struct loop_info64 *info)
{
	const struct kloop *l = &loops[nr];
	const struct file *b;

	if (!l->bound)
		return -ENXIO;
	b = &fake.files[l->backing];
	memset(info, 0, sizeof(*info));
	info->lo_device = b->dev;
	info->lo_inode = b->ino;
	info->lo_rdevice = makedev(LOOP_MAJOR, nr);
	info->lo_offset = l->offset;
	info->lo_sizelimit = l->sizelimit;
	info->lo_number = (uint32_t)nr;
	info->lo_flags = l->flags;
	snprintf((char *)info->lo_file_name, sizeof(info->lo_file_name), "%s", b->path);
	return 0;
}

static int get_free(void)
{
	for (int nr = 0; nr < nloops; nr++)
		if (!loops[nr].bound)
			return nr;
	return -ENOSPC;
}

bool fake_loop_ioctl(struct file *f, unsigned long req, void *arg, int *ret)
{
	int nr;
	struct kloop *l;

	if (!strcmp(f->path, "/dev/loop-control") && req == LOOP_CTL_GET_FREE) {
		*ret = get_free();
		return true;
	}
	l = loop_of(f, &nr);
	if (!l)
		return false;
	if (req == LOOP_CONFIGURE)
		*ret = configure(nr, arg);
	else if (req == LOOP_CLR_FD)
		*ret = clear(nr);
	else if (req == LOOP_GET_STATUS64)
		*ret = get_status(nr, arg);
	else if (req == BLKGETSIZE64) {
		uint64_t bytes = l->bound ? bound_bytes(l) : 0;

		memcpy(arg, &bytes, sizeof(bytes));
		*ret = 0;
	} else
		return false;
	return true;
}

struct file *fake_loop_backing(struct file *f, uint64_t *off)
{
	int nr;
	struct kloop *l = loop_of(f, &nr);

	if (!l || !l->bound)
		return f;
	*off += l->offset;
	return &fake.files[l->backing];
}

/* lo_release(): the last one to let go of an autoclear device clears it. */
void fake_loop_released(dev_t dev)
{
	int nr = (int)minor(dev);

	if (major(dev) != LOOP_MAJOR || nr >= nloops || !loops[nr].bound)
		return;
	if ((loops[nr].flags & LO_FLAGS_AUTOCLEAR) && fake_kernel_holders(dev) == 0)
		unbind(nr);
}

void fake_loop_state(struct sbuf *b)
{
	char line[400];

	for (int nr = 0; nr < nloops; nr++) {
		const struct kloop *l = &loops[nr];

		if (!l->bound)
			continue;
		snprintf(line, sizeof(line), "loop%d bound to %s offset %llu flags %#x\n", nr,
			 fake.files[l->backing].path, (unsigned long long)l->offset, l->flags);
		fake_sb_add(b, line, strlen(line));
	}
}
