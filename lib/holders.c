/* SPDX-License-Identifier: MIT */
#include "holders.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

struct found {
	char *buf;
	size_t size, len;
	int count;
	dev_t rdev;
	const char *pid;	/* while scanning one process's fds */
	bool hit;
};

static void add(struct found *f, const char *what)
{
	if (f->len + 1 < f->size)
		f->len += (size_t)snprintf(f->buf + f->len, f->size - f->len, "%s%s",
					   f->len ? ", " : "", what);
	f->count++;
}

static int stacked(const char *name, unsigned char type, void *ctx)
{
	char what[160];

	(void)type;
	snprintf(what, sizeof(what), "holder %s", name);
	add(ctx, what);
	return 0;
}

static void mounts(struct found *f)
{
	char *text = NULL, *save = NULL, what[1100];

	if (file_slurp("/proc/self/mountinfo", 8u << 20, &text, NULL) < 0)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		unsigned int maj, min;
		char point[1024];

		if (sscanf(l, "%*u %*u %u:%u %*s %1023s", &maj, &min, point) == 3 &&
		    makedev(maj, min) == f->rdev) {
			snprintf(what, sizeof(what), "mounted on %s", point);
			add(f, what);
		}
	}
	free(text);
}

/* One fd of one process: stat follows the /proc link to the device. */
static int fd_entry(const char *name, unsigned char type, void *ctx)
{
	struct found *f = ctx;
	char path[96];
	struct stat st;

	(void)type;
	snprintf(path, sizeof(path), "/proc/%s/fd/%s", f->pid, name);
	if (sys_stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == f->rdev) {
		f->hit = true;
		return 1;
	}
	return 0;
}

static int process(const char *name, unsigned char type, void *ctx)
{
	struct found *f = ctx;
	char path[64], comm[32], what[96];

	(void)type;
	if (strspn(name, "0123456789") != strlen(name))
		return 0;
	f->pid = name;
	f->hit = false;
	snprintf(path, sizeof(path), "/proc/%s/fd", name);
	sys_listdir(path, fd_entry, f);
	if (!f->hit)
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/comm", name);
	if (file_read(path, comm, sizeof(comm)) < 0)
		comm[0] = '\0';
	snprintf(what, sizeof(what), "pid %s %s", name, comm);
	add(f, what);
	return 0;
}

int holders_describe(const char *device, char *buf, size_t size)
{
	struct found f = { .buf = buf, .size = size };
	char path[300];
	struct stat st;
	int r;

	if (size)
		buf[0] = '\0';
	r = sys_stat(device, &st);
	if (r < 0)
		return r;
	f.rdev = st.st_rdev;
	/*
	 * By number: /dev/mapper/NAME has no /sys/class/block/NAME (that is
	 * dm-N), and a node's name need not be the kernel's.
	 */
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/holders", major(st.st_rdev),
		 minor(st.st_rdev));
	sys_listdir(path, stacked, &f);
	mounts(&f);
	sys_listdir("/proc", process, &f);
	return f.count;
}
