/* SPDX-License-Identifier: MIT */
/* Kind "mount": a filesystem on a node's device (or any device) at a path. */
#include "driver.h"
#include "file.h"
#include "mount.h"
#include "fs.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

static const struct driver_opt mount_opts[] = {
	{ "device", OPT_DEVICE, true, false, "what to mount: a node, /dev/NAME, UUID=, LABEL=, ..." },
	{ "target", OPT_PATH, true, false, "where (made when missing)" },
	{ "type", OPT_FSTYPE, false, false, "filesystem type (default: probed)" },
	{ "options", OPT_STRING, false, false, "mount options, comma-separated" },
	{ "read-only", OPT_BOOL, false, false, "mount read-only" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

/*
 * Its mount point and the device it mounts. The mount point by its path:
 * once mounted, two targets of one filesystem stat alike.
 */
static int mount_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	const struct plan_value *t = &plan_opt(n, "target")->values[0];
	const struct plan_value *d = &plan_opt(n, "device")->values[0];
	struct claim_spec c = { .space = "mount point", .key = t->text, .pos = t->pos };
	bool ro = driver_bool(n, "read-only", false);
	int r;

	(void)err;
	r = driver_claim(p, n, &c, "mounts on %s", t->text);
	return r ? r : driver_claim_device(p, n, d, ro, "mounts %s%s", d->text,
					   ro ? " read-only" : "");
}

/* The device number mounted on target: 1 when found, 0 when none. */
static int mounted_on(const char *target, dev_t *dev)
{
	struct mountinfo mi;

	if (!mountinfo_find(target, &mi))
		return 0;
	*dev = mi.dev;
	return 1;
}

static int mount_adopt(struct run_ctx *c, struct plan_node *n)
{
	const char *target = plan_str(n, "target");
	char device[256];
	struct stat st;
	dev_t have;
	int r;

	if (!mounted_on(target, &have))
		return 0;
	r = driver_resolve_device(c, n, "device", device, sizeof(device));
	if (r < 0)
		return r;
	if (sys_stat(device, &st) < 0 || st.st_rdev != have) {
		driver_say(n->why, NODE_WHY_SIZE, "%s already has another device (%u:%u) mounted",
			 target, major(have), minor(have));
		return -EEXIST;
	}
	driver_say(n->device, NODE_DEVICE_SIZE, "%s", device);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "%s mounted on %s", device, target);
	return 1;
}

static int mount_up(struct run_ctx *c, struct plan_node *n)
{
	struct mount_req req = {
		.target = plan_str(n, "target"), .fstype = plan_str(n, "type"),
		.options = plan_str(n, "options"),
		.read_only = driver_bool(n, "read-only", false),
	};
	char device[256], fstype[64], probed[64], why[256];
	int r;

	r = driver_resolve_device(c, n, "device", device, sizeof(device));
	if (r < 0)
		return r;
	req.source = device;
	/* One probe, for the module and the mount alike. */
	r = mount_probe(&req, probed, sizeof(probed), why, sizeof(why));
	if (r == 0) {
		fs_need_type(device, req.fstype);
		file_mkdirs(req.target, 0755);
		r = mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why));
	}
	if ((r == -EROFS || r == -EACCES) && !req.read_only) {
		/* As mount(8): a write-protected device is mounted read-only. */
		req.read_only = true;
		r = mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why));
	}
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot mount %s on %s: %s", device,
			 req.target, why[0] ? why : strerror(-r));
		return r;
	}
	driver_say(n->device, NODE_DEVICE_SIZE, "%s", device);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "%s mounted on %s (%s, %s)", device,
		 req.target, fstype, req.read_only ? "ro" : "rw");
	return 0;
}

static int mount_down(struct run_ctx *c, struct plan_node *n)
{
	const char *target = plan_str(n, "target");
	dev_t have;

	return mounted_on(target, &have) ? fs_unmount(c, n, target) : 0;
}

static int mount_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const char *target = plan_str(n, "target");
	dev_t have;

	(void)c;
	memset(st, 0, sizeof(*st));
	st->present = mounted_on(target, &have) == 1;
	if (st->present)
		driver_say(st->detail, sizeof(st->detail), "%u:%u on %s", major(have),
			 minor(have), target);
	else
		driver_say(st->detail, sizeof(st->detail), "nothing on %s", target);
	return 0;
}

/*
 * A filesystem type must be there before the mount; a probed one is not
 * known. These are never modules (not tristate), so no tree lists them.
 */
static void mount_modules(const struct plan_node *n, struct mod_wish *w)
{
	static const char *const kernel_own[] = { "tmpfs", "ramfs", "proc", "sysfs",
						  "devtmpfs", "devpts", "rootfs" };
	const char *type = plan_str(n, "type");

	for (size_t i = 0; type && i < sizeof(kernel_own) / sizeof(kernel_own[0]); i++)
		if (!strcmp(type, kernel_own[i]))
			return;
	if (type)
		mod_wish_add(w, type, true);
}

const struct driver mount_driver = {
	.kind = "mount",
	.opts = mount_opts,
	.provides_device = false,
	.mount_point_opt = "target",
	.validate = mount_validate,
	.adopt = mount_adopt,
	.up = mount_up,
	.down = mount_down,
	.status = mount_status,
	.modules = mount_modules,
};
