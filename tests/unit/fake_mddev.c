/* SPDX-License-Identifier: MIT */
/*
 * The fake kernel's md (see fake_kernel.h), after drivers/md/md.c of
 * Linux 6.1 through sysfs: new_array makes an array object, which stays
 * (hold_active UNTIL_STOP) until array_state "clear" stops and frees it.
 * Members' version-1.2 superblocks are read for real: their magic, array
 * UUID, level and size.
 */
#define _GNU_SOURCE
#include "fake_kernel.h"
#include "fake_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MD_MAJOR 9
#define MAX_ARRAYS 4
#define MAX_MEMBERS 8
#define NEW_ARRAY "/sys/module/md_mod/parameters/new_array"
#define SB_MAGIC 0xa92b4efcu

struct karray {
	bool used, meta, running, ro;
	unsigned int nr;
	unsigned int nmem;
	dev_t mem[MAX_MEMBERS];
	uint8_t uuid[16];
	uint32_t level, raid_disks;
	uint64_t sectors;	/* the array's size (sb size) */
};

static struct karray arrays[MAX_ARRAYS];

void fake_md_reset(void)
{
	memset(arrays, 0, sizeof(arrays));
}

static struct karray *by_nr(unsigned int nr)
{
	for (int i = 0; i < MAX_ARRAYS; i++)
		if (arrays[i].used && arrays[i].nr == nr)
			return &arrays[i];
	return NULL;
}

static void set_attr(unsigned int nr, const char *name, const char *text)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/block/md%u/md/%s", nr, name);
	fake_kernel_set(path, text);
}

/* md_alloc() and add_disk(): the object, its node and its sysfs. */
static int new_array(const char *text)
{
	char path[64], dev[16];
	unsigned int nr;
	struct karray *a = NULL;

	if (sscanf(text, "md%u", &nr) != 1 || nr > 511)
		return -EINVAL;
	if (by_nr(nr))
		return -EEXIST;
	for (int i = 0; i < MAX_ARRAYS && !a; i++)
		a = arrays[i].used ? NULL : &arrays[i];
	if (!a)
		fake_die("fake_md: too many arrays");
	*a = (struct karray){ .used = true, .nr = nr };
	set_attr(nr, "metadata_version", "none\n");
	set_attr(nr, "new_dev", "");
	set_attr(nr, "array_state", "clear\n");
	set_attr(nr, "level", "\n");
	set_attr(nr, "raid_disks", "0\n");
	snprintf(dev, sizeof(dev), "%u:%u\n", MD_MAJOR, nr);
	snprintf(path, sizeof(path), "/sys/class/block/md%u/dev", nr);
	fake_kernel_set(path, dev);
	snprintf(path, sizeof(path), "/sys/class/block/md%u/size", nr);
	fake_kernel_set(path, "0\n");
	snprintf(path, sizeof(path), "/dev/md%u", nr);
	fake_kernel_blkdev(path, makedev(MD_MAJOR, nr), 0);
	return 0;
}

/* The /dev node of a block device, or NULL. */
static struct file *node_of(dev_t dev)
{
	for (unsigned int i = 0; i < fake.nfiles; i++) {
		struct file *f = &fake.files[i];

		if (S_ISBLK(f->mode) && f->rdev == dev && !strncmp(f->path, "/dev/", 5) &&
		    !strchr(f->path + 5, '/'))
			return f;
	}
	return NULL;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* md_import_device() and super_1_load() for 1.2: 4 KiB into the device. */
static int read_super(struct file *node, uint8_t sb[256])
{
	uint64_t off = 4096;
	struct file *f = fake_kernel_backing(node, &off);

	if (off + 256 > f->len)
		return -EINVAL;
	memcpy(sb, f->data + off, 256);
	return le32(sb) == SB_MAGIC && le32(sb + 4) == 1 ? 0 : -EINVAL;
}

static int new_dev(struct karray *a, const char *text)
{
	unsigned int maj, min;
	struct file *node;
	uint8_t sb[256];
	char name[96];
	int r;

	if (sscanf(text, "%u:%u", &maj, &min) != 2)
		return -EINVAL;
	if (a->running || !a->meta)
		return a->running ? -EBUSY : -EINVAL;
	node = node_of(makedev(maj, min));
	if (!node)
		return -ENXIO;
	if (fake_md_holds(makedev(maj, min)))
		return -EBUSY;
	r = read_super(node, sb);
	if (r == 0 && a->nmem && memcmp(a->uuid, sb + 16, 16))
		r = -EINVAL;
	if (r < 0)
		return r;
	if (a->nmem == MAX_MEMBERS)
		fake_die("fake_md: too many members");
	memcpy(a->uuid, sb + 16, 16);
	a->level = le32(sb + 72);
	a->sectors = le64(sb + 80);
	a->raid_disks = le32(sb + 92);
	a->mem[a->nmem++] = makedev(maj, min);
	snprintf(name, sizeof(name), "dev-%s/state", node->path + 5);
	set_attr(a->nr, name, "in_sync\n");
	return 0;
}

static int start(struct karray *a, bool ro)
{
	char path[64], text[32];

	if (a->running)
		return a->ro == ro ? 0 : -EBUSY;
	if (!a->nmem)
		return -EINVAL;
	a->running = true;
	a->ro = ro;
	set_attr(a->nr, "array_state", ro ? "readonly\n" : "clean\n");
	snprintf(text, sizeof(text), "raid%u\n", a->level);
	set_attr(a->nr, "level", text);
	snprintf(text, sizeof(text), "%u\n", a->raid_disks);
	set_attr(a->nr, "raid_disks", text);
	snprintf(text, sizeof(text), "%u\n", a->raid_disks - a->nmem);
	set_attr(a->nr, "degraded", text);
	set_attr(a->nr, "sync_action", "idle\n");
	snprintf(path, sizeof(path), "/sys/class/block/md%u/size", a->nr);
	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)a->sectors);
	fake_kernel_set(path, text);
	snprintf(path, sizeof(path), "/dev/md%u", a->nr);
	fake_kernel_blkdev(path, makedev(MD_MAJOR, a->nr), a->sectors * 512);
	return 0;
}

/* do_md_stop() and the object's release: EBUSY while anything holds it. */
static int stop(struct karray *a)
{
	char path[64];
	unsigned int n = a->nmem;
	dev_t mem[MAX_MEMBERS];

	if (fake_kernel_holders(makedev(MD_MAJOR, a->nr)))
		return -EBUSY;
	memcpy(mem, a->mem, sizeof(mem));
	snprintf(path, sizeof(path), "/sys/block/md%u", a->nr);
	fake_fs_remove_tree(path);
	snprintf(path, sizeof(path), "/sys/class/block/md%u", a->nr);
	fake_fs_remove_tree(path);
	snprintf(path, sizeof(path), "/dev/md%u", a->nr);
	fake_fs_remove(path);
	a->used = false;
	for (unsigned int i = 0; i < n; i++)
		fake_loop_released(mem[i]);
	return 0;
}

static int array_state(struct karray *a, const char *text)
{
	if (!strcmp(text, "clear"))
		return stop(a);
	if (!strcmp(text, "active") || !strcmp(text, "clean"))
		return start(a, false);
	if (!strcmp(text, "readonly"))
		return start(a, true);
	return -EINVAL;
}

int fake_md_write(const char *path, const char *text, int *ret)
{
	unsigned int nr;
	char attr[32];
	struct karray *a;

	if (!strcmp(path, NEW_ARRAY)) {
		*ret = new_array(text);
		return 1;
	}
	if (sscanf(path, "/sys/block/md%u/md/%31s", &nr, attr) != 2 || !(a = by_nr(nr)))
		return 0;
	if (!strcmp(attr, "metadata_version")) {
		*ret = a->running ? -EBUSY : strcmp(text, "1.2") ? -EINVAL : 0;
		a->meta = a->meta || *ret == 0;
	} else if (!strcmp(attr, "new_dev")) {
		*ret = new_dev(a, text);
	} else if (!strcmp(attr, "array_state")) {
		*ret = array_state(a, text);
	} else {
		return 0;
	}
	return 1;
}

bool fake_md_holds(dev_t dev)
{
	for (int i = 0; i < MAX_ARRAYS; i++)
		for (unsigned int j = 0; arrays[i].used && j < arrays[i].nmem; j++)
			if (arrays[i].mem[j] == dev)
				return true;
	return false;
}

void fake_md_state(struct sbuf *b)
{
	char line[200];

	for (int i = 0; i < MAX_ARRAYS; i++) {
		const struct karray *a = &arrays[i];

		if (!a->used)
			continue;
		snprintf(line, sizeof(line), "md%u %s, %u members\n", a->nr,
			 a->running ? "running" : "stopped", a->nmem);
		fake_sb_add(b, line, strlen(line));
	}
}
