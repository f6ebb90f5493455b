/* SPDX-License-Identifier: MIT */
/*
 * Host-only: the storage drivers of the disk holding / on this machine,
 * as dracut's host-only mode finds them: from /sys/dev/block/MAJ:MIN up the
 * device path, each folder's driver/module link names a module (a driver
 * built into the kernel has none). And the type of / from mountinfo.
 */
#include "ird.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The module behind dir/driver, written into name; false if none. */
static bool driver_module(const char *dir, char *name, size_t size)
{
	char p[PATH_MAX], target[PATH_MAX];
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

int hostonly_drivers(const char *sysdir, unsigned int major, unsigned int minor,
		     struct mod_wish *w)
{
	char link[PATH_MAX], *dev, *slash, found[16][MOD_NAME_MAX];
	unsigned int n = 0;
	size_t top;

	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysdir, major, minor);
	dev = realpath(link, NULL);
	if (!dev)
		return -errno;
	/* From the disk up to (not past) <sysdir>/devices. */
	top = strlen(sysdir) + strlen("/devices");
	while (strlen(dev) > top && n < 16) {
		if (driver_module(dev, found[n], sizeof(found[n])))
			n++;
		slash = strrchr(dev, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(dev);
	/* Bus drivers first: the disk's controller, then the disk's driver. */
	while (n)
		mod_wish_add(w, found[--n], true);
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
