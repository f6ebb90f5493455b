/* SPDX-License-Identifier: MIT */
#include "devwait.h"
#include "devspec.h"
#include "file.h"
#include "log.h"
#include "probe.h"
#include "sys.h"
#include "uevent.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct look {
	const struct devspec *ds;
	char *path;
	size_t size;
	bool scan_all;		/* count every match (a full sysfs scan) */
	unsigned int matches;
	char names[128];	/* the matches' names, for an ambiguity */
};

/* /dev/NAME for a sysfs block name ("cciss!c0d0" is /dev/cciss/c0d0). */
static void node_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "/dev/%s", name);
	for (char *p = path + 5; *p; p++)
		if (*p == '!')
			*p = '/';
}

static int read_devnum(const char *name, unsigned int *maj, unsigned int *min)
{
	char p[300], buf[32];

	snprintf(p, sizeof(p), "/sys/class/block/%s/dev", name);
	if (file_read(p, buf, sizeof(buf)) < 0 || sscanf(buf, "%u:%u", maj, min) != 2)
		return -ENODEV;
	return 0;
}

/* devtmpfs makes nodes before the uevent is sent; without it, we do. */
static int ensure_node(const char *path, unsigned int maj, unsigned int min)
{
	struct stat st;

	if (sys_stat(path, &st) == 0)
		return S_ISBLK(st.st_mode) && st.st_rdev == makedev(maj, min) ? 0 : -EEXIST;
	return sys_mknod(path, S_IFBLK | 0600, makedev(maj, min));
}

static bool matches(const struct devspec *ds, const char *name, const char *path,
		    unsigned int maj, unsigned int min)
{
	struct blockdev_id id = { .name = name, .major = maj, .minor = min };
	struct probe_info pi;
	char sz[300], dm[128];
	uint64_t sectors = 0;

	/*
	 * A dm device exists from its creation on, but has no size until its
	 * table is live (resume sends a change event); an md device exists as
	 * soon as /dev/mdN is opened (md_probe), with no size until its array
	 * runs (do_md_run sends a change event): only then is either there.
	 */
	snprintf(sz, sizeof(sz), "/sys/class/block/%s/dm/name", name);
	if (!strncmp(name, "dm-", 3) && file_read(sz, dm, sizeof(dm)) > 0)
		id.dm_name = dm;
	snprintf(sz, sizeof(sz), "/sys/class/block/%s/md", name);
	if (id.dm_name || (!strncmp(name, "md", 2) && sys_access(sz, F_OK) == 0)) {
		snprintf(sz, sizeof(sz), "/sys/class/block/%s/size", name);
		if (file_read_u64(sz, &sectors) < 0 || sectors == 0)
			return false;
	}
	if (!devspec_needs_probe(ds))
		return devspec_match(ds, &id);
	/* An unbound loop device or an empty drive has nothing to find. */
	snprintf(sz, sizeof(sz), "/sys/class/block/%s/size", name);
	if (file_read_u64(sz, &sectors) < 0 || sectors == 0)
		return false;
	if (probe_device(path, &pi) < 0)
		return false;
	id.uuid = pi.uuid[0] ? pi.uuid : NULL;
	id.label = pi.label[0] ? pi.label : NULL;
	id.partuuid = pi.partuuid[0] ? pi.partuuid : NULL;
	id.partlabel = pi.partlabel[0] ? pi.partlabel : NULL;
	return devspec_match(ds, &id);
}

static int look_at(const char *name, unsigned char type, void *ctx)
{
	struct look *l = ctx;
	unsigned int maj, min;
	char path[300];

	(void)type;
	if (read_devnum(name, &maj, &min) < 0)
		return 0;
	node_path(name, path, sizeof(path));
	if (!devspec_needs_probe(l->ds) && !matches(l->ds, name, path, maj, min))
		return 0;
	if (ensure_node(path, maj, min) < 0 || !matches(l->ds, name, path, maj, min))
		return 0;
	if (!l->matches++)
		snprintf(l->path, l->size, "%s", path);
	size_t len = strlen(l->names);

	snprintf(l->names + len, sizeof(l->names) - len, "%s%s", len ? " " : "", name);
	return l->scan_all ? 0 : 1;
}

/*
 * Looks at every block device. A tag (UUID=, LABEL=...) that more than one
 * device carries is refused rather than guessed: two loop devices on one
 * image, or a filesystem copied to another disk, would otherwise mount
 * whichever came first. Returns 1 found, 0 not yet, -ENOTUNIQ.
 */
static int scan(struct look *l)
{
	int r;

	l->scan_all = devspec_needs_probe(l->ds);
	l->matches = 0;
	l->names[0] = '\0';
	r = sys_listdir("/sys/class/block", look_at, l);
	l->scan_all = false;
	if (r < 0)
		return r;
	if (l->matches > 1) {
		snprintf(l->path, l->size, "%s", l->names);
		return -ENOTUNIQ;
	}
	return l->matches ? 1 : 0;
}

int devwait_event(devwait_look look, void *ctx, uint64_t deadline_ms)
{
	struct uev_msg m;
	int fd, r;

	fd = uev_open();
	/* Subscribed: now whatever appears is either seen by the look or in a uevent. */
	r = look(ctx, NULL);
	if (fd < 0)
		return r > 0 ? 0 : r < 0 ? r : fd;
	while (r == 0) {
		r = uev_next(fd, &m, deadline_ms);
		if (r == -ENOBUFS)	/* overrun: look again from scratch */
			r = look(ctx, NULL);
		else if (r == 0)
			r = look(ctx, &m);
	}
	sys_close(fd);
	return r > 0 ? 0 : r;
}

/* devwait_event's look: everything, or the device a block uevent names. */
static int look_event(void *ctx, const struct uev_msg *m)
{
	struct look *l = ctx;
	const char *base;

	if (!m)
		return scan(l);
	if (strcmp(m->subsystem, "block") || !m->devname[0] ||
	    (strcmp(m->action, "add") && strcmp(m->action, "change")))
		return 0;
	log_debug("uevent %s %s", m->action, m->devname);
	/* DEVNAME is relative to /dev; the sysfs name is the last element. */
	base = strrchr(m->devpath, '/');
	return look_at(base ? base + 1 : m->devname, 0, l);
}

int devwait_block(const struct devspec *ds, uint64_t deadline_ms,
		  char *path, size_t size)
{
	struct look l = { .ds = ds, .path = path, .size = size };

	return devwait_event(look_event, &l, deadline_ms);
}
