/* SPDX-License-Identifier: MIT */
/*
 * Host-only: the storage drivers of the disk holding / on this machine,
 * as dracut's host-only mode finds them: from /sys/dev/block/MAJ:MIN up the
 * device path, each folder's driver/module link names a module (a driver
 * built into the kernel has none), and so for the devices under a stacked
 * one (slaves/). And the type of / from mountinfo.
 */
#include "ird.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The module behind dir/driver, written into name; false if none. */
static bool driver_module(const char *dir, char *name, size_t size)
{
	char p[PATH_MAX + 32], target[PATH_MAX];
	ssize_t n;
	const char *base;

	snprintf(p, sizeof(p), "%s/driver/module", dir);
	n = readlink(p, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= size)
		return false;
	memcpy(name, base, strlen(base) + 1);
	return true;
}

#define HOSTONLY_MAX 32

struct found {
	char names[HOSTONLY_MAX][MOD_NAME_MAX];
	unsigned int n;
	size_t top;		/* strlen("<sysdir>/devices") */
};

/* The drivers from a device folder up to (not past) <sysdir>/devices. */
static void walk_up(const char *path, struct found *f)
{
	char dev[PATH_MAX], *slash;

	snprintf(dev, sizeof(dev), "%s", path);
	while (strlen(dev) > f->top && f->n < HOSTONLY_MAX) {
		if (driver_module(dev, f->names[f->n], sizeof(f->names[f->n])))
			f->n++;
		slash = strrchr(dev, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

/*
 * A stacked device (md, dm, loop) has the devices under it in slaves/:
 * their drivers are needed as much as its own.
 */
static void collect(const char *dev, struct found *f, unsigned int depth)
{
	char p[PATH_MAX + 300], *real;
	struct dirent *e;
	DIR *d;

	snprintf(p, sizeof(p), "%s/slaves", dev);
	d = depth < 8 ? opendir(p) : NULL;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/slaves/%s", dev, e->d_name);
		real = realpath(p, NULL);
		if (real)
			collect(real, f, depth + 1);
		free(real);
	}
	if (d)
		closedir(d);
	walk_up(dev, f);
}

int hostonly_drivers(const char *sysdir, unsigned int major, unsigned int minor,
		     struct mod_wish *w)
{
	char link[PATH_MAX], *dev;
	struct found *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysdir, major, minor);
	dev = realpath(link, NULL);
	if (!dev) {
		free(f);
		return -errno;
	}
	f->top = strlen(sysdir) + strlen("/devices");
	collect(dev, f, 0);
	free(dev);
	/* Bus drivers first: the disk's controller, then the disk's driver. */
	while (f->n)
		mod_wish_add(w, f->names[--f->n], true);
	free(f);
	return w->err;
}

int hostonly_root_fstype(const char *mountinfo, char *out, size_t size)
{
	const char *found = NULL;

	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE SOURCE SUPER"; the last / wins. */
	for (const char *line = mountinfo; line && *line;) {
		const char *nl = strchr(line, '\n'), *sep;
		char mp[8];

		if (sscanf(line, "%*s %*s %*s %*s %7s", mp) == 1 && !strcmp(mp, "/")) {
			sep = strstr(line, " - ");
			if (sep && (!nl || sep < nl))
				found = sep + 3;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!found)
		return -ENOENT;
	size_t n = strcspn(found, " \n");

	if (!n || n >= size)
		return -ENOENT;
	memcpy(out, found, n);
	out[n] = '\0';
	return 0;
}
