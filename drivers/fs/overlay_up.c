/* SPDX-License-Identifier: MIT */
/*
 * Kind "overlay" at run time: the tmpfs of a RAM upper layer, the upper
 * and work folders, the overlayfs mount; and taking them down again.
 */
#include "file.h"
#include "fs.h"
#include "overlay.h"
#include "sys.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>

/*
 * Legacy mount(2) copies at most one page of options (copy_mount_options);
 * a longer string would be cut short, not refused.
 */
#define OVL_DATA_MAX 4096

/* The lower layers' mount points, "A:B", into buf; false when too long. */
static bool lower_list(const struct run_ctx *c, const struct plan_node *n, char *buf,
		       size_t size)
{
	const struct plan_opt *lo = plan_opt(n, "lower");
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int k = 0; k < lo->nvalues && used < size; k++) {
		const char *point = ovl_lower_point(c->plan, lo->values[k].text);

		used += (size_t)snprintf(buf + used, size - used, "%s%s", k ? ":" : "",
					 point ? point : "");
	}
	return used < size;
}

/* "lowerdir=A:B,upperdir=U,workdir=W" into buf. */
static int build_data(const struct run_ctx *c, struct plan_node *n,
		      const struct ovl_dirs *d, char *buf, size_t size)
{
	char lower[OVL_DATA_MAX];
	int len = -1;

	if (lower_list(c, n, lower, sizeof(lower)))
		len = snprintf(buf, size, "lowerdir=%s,upperdir=%s,workdir=%s", lower,
			       d->upper, d->work);
	if (len < 0 || (size_t)len >= size) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot mount overlay on %s: its options "
			   "would be longer than the kernel takes (%zu bytes)",
			   plan_str(n, "target"), size - 1);
		return -E2BIG;
	}
	return 0;
}

static int mount_tmpfs(struct plan_node *n, const struct ovl_dirs *d)
{
	uint64_t size = driver_size(n, "size", 0);
	char opts[64];
	int r;

	if (size)
		snprintf(opts, sizeof(opts), "mode=0755,size=%" PRIu64, size);
	else
		snprintf(opts, sizeof(opts), "mode=0755");
	r = file_mkdirs(d->base, 0755);
	if (r == 0)
		r = sys_mount("tmpfs", d->base, "tmpfs", MS_NOSUID | MS_NODEV, opts);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot mount a tmpfs on %s for the upper "
			   "layer: %s", d->base, strerror(-r));
	return r;
}

static int make_dir(struct plan_node *n, const char *what, const char *dir,
		    struct stat *st)
{
	int r = file_mkdirs(dir, 0755);

	if (r == 0)
		r = sys_stat(dir, st);
	if (r == 0 && !S_ISDIR(st->st_mode))
		r = -ENOTDIR;
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot make the %s folder %s: %s", what, dir,
			   strerror(-r));
	return r;
}

/* Both folders, made when missing, and on one filesystem (overlayfs: EXDEV). */
static int make_dirs(struct plan_node *n, const struct ovl_dirs *d)
{
	struct stat su, sw;
	int r;

	r = make_dir(n, "upper", d->upper, &su);
	if (r == 0)
		r = make_dir(n, "work", d->work, &sw);
	if (r < 0)
		return r;
	if (su.st_dev != sw.st_dev) {
		driver_say(n->why, NODE_WHY_SIZE, "upper folder %s (on device %u:%u) and work "
			   "folder %s (on %u:%u) are on different filesystems: overlayfs "
			   "wants them on one", d->upper, major(su.st_dev), minor(su.st_dev),
			   d->work, major(sw.st_dev), minor(sw.st_dev));
		return -EXDEV;
	}
	return 0;
}

/* What the upper layer is, for the summary. */
static void upper_text(const struct plan_node *n, const struct ovl_dirs *d, char *buf,
		       size_t size)
{
	if (!d->tmpfs)
		snprintf(buf, size, "%s", d->upper);
	else if (plan_str(n, "size"))
		snprintf(buf, size, "tmpfs of %s", plan_str(n, "size"));
	else
		snprintf(buf, size, "tmpfs");
}

static int mount_overlay(struct plan_node *n, const struct ovl_dirs *d, const char *data)
{
	const char *target = plan_str(n, "target");
	bool ro = driver_bool(n, "read-only", false);
	char upper[PATH_MAX + 32];
	int r;

	file_mkdirs(target, 0755);
	r = sys_mount("overlay", target, "overlay", ro ? MS_RDONLY : 0, data);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot mount overlay on %s (%s): %s; the "
			   "kernel log says more", target, data, strerror(-r));
		return r;
	}
	upper_text(n, d, upper, sizeof(upper));
	driver_say(n->summary, NODE_SUMMARY_SIZE, "overlay on %s, upper %s (%s)", target,
		   upper, ro ? "ro" : "rw");
	return 0;
}

int overlay_up(struct run_ctx *c, struct plan_node *n)
{
	char data[OVL_DATA_MAX];
	struct ovl_dirs d;
	int r;

	r = ovl_dirs_of(n, &d);
	if (r == 0)
		r = build_data(c, n, &d, data, sizeof(data));
	if (r == 0)
		fs_need_type(NULL, "overlay");
	if (r < 0)
		return r;
	if (d.tmpfs) {
		r = mount_tmpfs(n, &d);
		if (r < 0)
			return r;
	}
	r = make_dirs(n, &d);
	if (r == 0)
		r = mount_overlay(n, &d, data);
	if (r < 0 && d.tmpfs)
		sys_umount(d.base, 0);
	return r;
}

/* Is an overlay mounted on target? */
static bool overlay_on(const char *target)
{
	struct mountinfo mi;

	return mountinfo_find(target, &mi) && !strcmp(mi.fstype, "overlay");
}

/* The value of key= in a comma-separated option list, into buf ("" if none). */
static void option_value(const char *options, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	buf[0] = '\0';
	for (const char *o = options; *o;) {
		size_t len = strcspn(o, ",");

		if (len > klen && !strncmp(o, key, klen) && o[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(len - klen - 1), o + klen + 1);
			return;
		}
		o += len + (o[len] == ',');
	}
}

/* An overlay there is this node's when it has its layers (as the kernel shows them). */
static bool same_layers(const struct run_ctx *c, const struct plan_node *n,
			const struct mountinfo *mi)
{
	char want[OVL_DATA_MAX], have[OVL_DATA_MAX];
	struct ovl_dirs d;

	if (ovl_dirs_of(n, &d) < 0 || !lower_list(c, n, want, sizeof(want)))
		return false;
	option_value(mi->options, "lowerdir", have, sizeof(have));
	if (strcmp(have, want))
		return false;
	option_value(mi->options, "upperdir", have, sizeof(have));
	return !strcmp(have, d.upper);
}

int overlay_adopt(struct run_ctx *c, struct plan_node *n)
{
	const char *target = plan_str(n, "target");
	struct mountinfo mi;

	if (!mountinfo_find(target, &mi))
		return 0;
	if (strcmp(mi.fstype, "overlay")) {
		driver_say(n->why, NODE_WHY_SIZE, "%s already has another filesystem mounted "
			   "(%s)", target, mi.fstype[0] ? mi.fstype : "of unknown type");
		return -EEXIST;
	}
	if (!same_layers(c, n, &mi)) {
		driver_say(n->why, NODE_WHY_SIZE, "%s already has an overlay of other layers "
			   "mounted (%s)", target, mi.options);
		return -EEXIST;
	}
	driver_say(n->summary, NODE_SUMMARY_SIZE, "overlay on %s (found mounted)", target);
	return 1;
}

/* The overlay, then the tmpfs under it; each only when it is there. */
int overlay_down(struct run_ctx *c, struct plan_node *n)
{
	const char *target = plan_str(n, "target");
	struct mountinfo mi;
	struct ovl_dirs d;
	int r = 0;

	if (overlay_on(target))
		r = fs_unmount(c, n, target);
	if (r < 0 || ovl_dirs_of(n, &d) < 0 || !d.tmpfs)
		return r;
	if (mountinfo_find(d.base, &mi) && !strcmp(mi.fstype, "tmpfs"))
		r = fs_unmount(c, n, d.base);
	if (r == 0)
		sys_rmdir(d.base);
	return r;
}

int overlay_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const char *target = plan_str(n, "target");

	(void)c;
	memset(st, 0, sizeof(*st));
	st->present = overlay_on(target);
	driver_say(st->detail, sizeof(st->detail), "%s on %s", st->present ? "overlay" :
		   "no overlay", target);
	return 0;
}
