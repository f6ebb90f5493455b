/* SPDX-License-Identifier: MIT */
/*
 * The root filesystem the kernel command line asks for, as nodes of the
 * plan: the root device, then either its mount as the new root, or
 * (loop=) its mount on /host, the image's loop device, and the image's
 * filesystem as the new root. The loop node needs the host mount because
 * its file lies below /host (an implicit edge). With roothash= the root's
 * filesystem is read through a verity node over the image (or root=),
 * its hash tree in the image's sidecar file (a second loop node) or at
 * blkasm.hashoffset=. With blkasm.overlay= the filesystem that would have
 * been the root is mounted read-only on BASE_DIR instead, and the root is
 * an overlay over it.
 */
#include "table.h"
#include "init.h"
#include "file.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t root_wait(const struct boot_params *bp)
{
	if (bp->root_wait_s >= 0)
		return (uint32_t)bp->root_wait_s;
	/* Plain rootwait: until the boot deadline (never forever). */
	return bp->rootwait ? bp->timeout_s : CMDLINE_DEFAULT_ROOT_WAIT_S;
}

static int set(struct plan_node *n, const char *key, const char *value)
{
	return value && *value ? plan_node_set(n, key, value) : 0;
}

static int add_mount(struct plan *p, const char *name, const char *device,
		     const char *target, const char *type, const char *options,
		     const char *read_only)
{
	struct plan_node *n = plan_add_node(p, "mount", name);

	if (!n)
		return -ENOMEM;
	if (set(n, "device", device) || set(n, "target", target) ||
	    set(n, "type", type) || set(n, "options", options) ||
	    set(n, "read-only", read_only))
		return -ENOMEM;
	return 0;
}

/* The root as an overlay over the base mount: RAM, or a folder on /host. */
static int add_overlay(struct plan *p, const struct boot_params *bp)
{
	struct plan_node *n = plan_add_node(p, "overlay", ROOT_NODE);
	char dir[320];

	if (!n || set(n, "lower", BASE_NODE) || set(n, "target", NEW_ROOT) ||
	    set(n, "read-only", bp->read_only ? "yes" : "no"))
		return -ENOMEM;
	if (bp->overlay == OVERLAY_TMPFS)
		return set(n, "size", bp->overlay_size);
	snprintf(dir, sizeof(dir), "%s%s/upper", HOST_DIR, bp->overlay_dir);
	if (set(n, "upper", dir))
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s%s/work", HOST_DIR, bp->overlay_dir);
	return set(n, "work", dir);
}

/* The filesystem the root shows: the root itself, or the overlay's base. */
static int add_top(struct plan *p, const struct boot_params *bp, const char *device,
		   const char *type, const char *options)
{
	/* A verity device is read-only: so is a filesystem on it. */
	bool ro = bp->read_only || bp->roothash[0];

	if (bp->overlay == OVERLAY_NONE)
		return add_mount(p, ROOT_NODE, device, NEW_ROOT, type, options,
				 ro ? "yes" : "no");
	if (add_mount(p, BASE_NODE, device, BASE_DIR, type, options, "yes"))
		return -ENOMEM;
	return add_overlay(p, bp);
}

/*
 * The sidecar hash file of loop='s image, as systemd names it: the image's
 * name with its extension (if any) replaced by ".verity".
 */
static void sidecar_path(const char *image, char *buf, size_t size)
{
	const char *base = strrchr(image, '/');
	const char *dot = strrchr(base ? base : image, '.');
	int keep = dot && dot != base + 1 ? (int)(dot - image) : (int)strlen(image);

	snprintf(buf, size, "%s%.*s.verity", HOST_DIR, keep, image);
}

/* roothash=: the verity node over data, its tree in a sidecar or at an offset. */
static int add_verity(struct plan *p, const struct boot_params *bp, const char *data)
{
	struct plan_node *n;
	char buf[320];

	if (!bp->have_hash_offset) {
		n = plan_add_node(p, "loop", HASH_IMAGE_NODE);
		sidecar_path(bp->loop, buf, sizeof(buf));
		if (!n || set(n, "file", buf) || set(n, "autoclear", "yes") ||
		    set(n, "read-only", "yes"))
			return -ENOMEM;
	}
	n = plan_add_node(p, "verity", VERITY_NODE);
	if (!n || set(n, "data", data) || set(n, "root-hash", bp->roothash) ||
	    set(n, "on-corruption", bp->on_corruption))
		return -ENOMEM;
	if (!bp->have_hash_offset)
		return set(n, "hash", HASH_IMAGE_NODE);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bp->hash_offset);
	return set(n, "hash-offset", buf);
}

int rootplan_add(struct plan *p, const struct boot_params *bp)
{
	struct plan_node *n;
	char buf[320], wait[16];

	if (!bp->have_root)
		return -ENODEV;
	n = plan_add_node(p, "device", ROOT_DEVICE_NODE);
	snprintf(wait, sizeof(wait), "%u", root_wait(bp));
	if (!n || set(n, "device", devspec_str(&bp->root, buf, sizeof(buf))) ||
	    set(n, "wait", wait))
		return -ENOMEM;
	if (bp->have_slot_dev) {
		n = plan_add_node(p, "device", SLOTDEV_NODE);
		if (!n || set(n, "device", devspec_str(&bp->slot_dev, buf, sizeof(buf))) ||
		    set(n, "wait", wait))
			return -ENOMEM;
	}
	if (!bp->loop[0] && bp->roothash[0])
		return add_verity(p, bp, ROOT_DEVICE_NODE) ? -ENOMEM :
		       add_top(p, bp, VERITY_NODE, bp->rootfstype, bp->rootflags);
	if (!bp->loop[0])
		return add_top(p, bp, ROOT_DEVICE_NODE, bp->rootfstype, bp->rootflags);
	/*
	 * The host filesystem is mounted read-write so the image can be written
	 * once the root is remounted rw; the mount and loop drivers fall back
	 * to read-only when it cannot be written.
	 */
	if (add_mount(p, HOST_NODE, ROOT_DEVICE_NODE, HOST_DIR, bp->rootfstype,
		      bp->rootflags, "no"))
		return -ENOMEM;
	n = plan_add_node(p, "loop", IMAGE_NODE);
	snprintf(buf, sizeof(buf), "%s%s", HOST_DIR, bp->loop);
	/* Under an overlay or verity the image never changes: bound read-only. */
	if (!n || set(n, "file", buf) || set(n, "autoclear", "yes") ||
	    ((bp->overlay != OVERLAY_NONE || bp->roothash[0]) && set(n, "read-only", "yes")))
		return -ENOMEM;
	if (!bp->roothash[0])
		return add_top(p, bp, IMAGE_NODE, bp->loopfstype, bp->loopflags);
	if (add_verity(p, bp, IMAGE_NODE))
		return -ENOMEM;
	return add_top(p, bp, VERITY_NODE, bp->loopfstype, bp->loopflags);
}

/* The plan file's text, or none when an optional one is missing. */
static int read_conf(struct plan *p, const char *conf, bool optional, char *why,
		     size_t size)
{
	struct plan_error err;
	char *text = NULL, msg[1024];
	size_t len = 0;
	int r;

	r = conf ? file_slurp(conf, 1u << 20, &text, &len) : -ENOENT;
	if (r == -ENOENT && (optional || !conf)) {
		plan_init(p, conf ? conf : "kernel command line", driver_table);
		return 0;
	}
	if (r < 0) {
		snprintf(why, size, "cannot read the plan %s: %s", conf,
			 r == -EFBIG ? "too large (more than 1 MiB)" : file_strerror(r));
		plan_init(p, conf, driver_table);
		return r;
	}
	r = plan_parse(p, driver_table, conf, text, len, &err);
	free(text);
	if (r < 0)
		snprintf(why, size, "%s", r == -ENOMEM ? "out of memory" :
			 plan_error_str(&err, msg, sizeof(msg)));
	return r;
}

/* The names the command line takes, and the parameter that takes each. */
static const char *taken_by(const struct boot_params *bp, const char *name)
{
	if (!strcmp(name, ROOT_DEVICE_NODE) || !strcmp(name, ROOT_NODE))
		return "root=";
	if (bp->loop[0] && (!strcmp(name, HOST_NODE) || !strcmp(name, IMAGE_NODE)))
		return "loop=";
	if (bp->overlay != OVERLAY_NONE && !strcmp(name, BASE_NODE))
		return "blkasm.overlay=";
	if (bp->roothash[0] && (!strcmp(name, VERITY_NODE) || !strcmp(name, HASH_IMAGE_NODE)))
		return "roothash=";
	if (bp->have_slot_dev && !strcmp(name, SLOTDEV_NODE))
		return "blkasm.slotdev=";
	return NULL;
}

/* A plan file node named as one the command line adds, at its place. */
static int reserved_name(const struct plan *p, const struct boot_params *bp, char *why,
			 size_t size)
{
	for (unsigned int i = 0; i < p->count; i++) {
		const char *by = taken_by(bp, p->nodes[i].name);

		if (!by)
			continue;
		snprintf(why, size, "%s:%u:%u: node name '%s' is taken by the kernel command "
			 "line's %s: rename it", p->file, p->nodes[i].name_pos.line,
			 p->nodes[i].name_pos.col, p->nodes[i].name, by);
		return -EINVAL;
	}
	return 0;
}

int rootplan_build(struct plan *p, const struct boot_params *bp, const char *conf,
		   bool optional, char *why, size_t size)
{
	struct plan_error err;
	char msg[1024];
	int r;

	r = read_conf(p, conf, optional, why, size);
	if (r < 0)
		return r;
	r = bp->have_root ? reserved_name(p, bp, why, size) : 0;
	if (r < 0)
		return r;
	r = rootplan_add(p, bp);
	if (r == -ENODEV)
		snprintf(why, size, "kernel command line: no root= given: nothing to assemble");
	if (r == 0)
		r = plan_validate(p, &err);
	if (r < 0 && r != -ENODEV)
		snprintf(why, size, "%s", r == -ENOMEM ? "out of memory" :
			 plan_error_str(&err, msg, sizeof(msg)));
	return r;
}
