/* SPDX-License-Identifier: MIT */
/*
 * Kind "device": a block device the plan needs but does not make (a disk,
 * a partition), waited for through uevents for a bounded time.
 */
#include "driver.h"
#include "devspec.h"
#include "devwait.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEVICE_WAIT_DEFAULT_S 30

static const struct driver_opt device_opts[] = {
	{ "device", OPT_DEVICE, true, false, "the device: /dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL=, MAJOR:MINOR" },
	{ "wait", OPT_UINT, false, false, "seconds to wait for it (default 30)" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

static int device_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "device");

	/* A node name here would make this node a pointless alias. */
	if (o && plan_find(p, o->values[0].text) >= 0)
		return driver_bad(p, err, o, "device node '%s' must name a device, not the node '%s'",
				  n->name, o->values[0].text);
	return 0;
}

struct names {
	char list[16][32];
	unsigned int count, empty;
};

/* Collects block devices that have media; empty ones are only counted. */
static int add_name(const char *name, unsigned char type, void *ctx)
{
	struct names *n = ctx;
	char path[300];
	uint64_t sectors = 0;

	(void)type;
	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	if (file_read_u64(path, &sectors) < 0 || sectors == 0)
		n->empty++;
	else if (n->count < 16)
		snprintf(n->list[n->count++], sizeof(n->list[0]), "%.31s", name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "vda vdb, 8 empty": what there is instead, for the diagnosis. */
static const char *present(char *buf, size_t size)
{
	struct names n = { .count = 0 };
	size_t len = 0;

	sys_listdir("/sys/class/block", add_name, &n);
	qsort(n.list, n.count, sizeof(n.list[0]), by_name);
	buf[0] = '\0';
	for (unsigned int i = 0; i < n.count && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", n.list[i]);
	if (len < size)
		snprintf(buf + len, size - len, "%s%u empty", n.count ? ", " : "", n.empty);
	return buf;
}

static int device_up(struct run_ctx *c, struct plan_node *n)
{
	const char *spec = plan_str(n, "device"), *why;
	uint64_t wait_s = DEVICE_WAIT_DEFAULT_S, deadline;
	const char *w = plan_str(n, "wait");
	struct devspec ds;
	int r;

	if (w)
		wait_s = strtoull(w, NULL, 10);
	deadline = sys_now_ms() + wait_s * 1000u;
	/* The run's deadline cuts the wait short: say what was really waited. */
	if (c->deadline_ms && c->deadline_ms < deadline) {
		wait_s -= (deadline - c->deadline_ms) / 1000u;
		deadline = c->deadline_ms;
	}
	if (devspec_parse(spec, &ds, &why) < 0)
		return -EINVAL;
	r = devwait_block(&ds, deadline, n->device, NODE_DEVICE_SIZE);
	if (r == -ENOTUNIQ) {
		driver_say(n->why, NODE_WHY_SIZE,
			   "%s is ambiguous: %s all carry it; name one device", spec, n->device);
		n->device[0] = '\0';
	} else if (r == -ETIMEDOUT) {
		char have[256];

		driver_say(n->why, NODE_WHY_SIZE,
			   "no block device %s appeared within %llu s (block devices present: %s)",
			   spec, (unsigned long long)wait_s, present(have, sizeof(have)));
	}
	else if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "waiting for %s: %s", spec, strerror(-r));
	else
		driver_say(n->summary, NODE_SUMMARY_SIZE, "%s is %s", spec, n->device);
	return r;
}

/* Nothing to undo: blkasm did not make the device. */
static int device_down(struct run_ctx *c, struct plan_node *n)
{
	(void)c;
	(void)n;
	return 0;
}

static int device_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const char *spec = plan_str(n, "device"), *why;
	struct devspec ds;

	(void)c;
	memset(st, 0, sizeof(*st));
	if (devspec_parse(spec, &ds, &why) < 0)
		return -EINVAL;
	/* A deadline in the past: look once, do not wait. */
	st->present = devwait_block(&ds, 0, n->device, NODE_DEVICE_SIZE) == 0;
	driver_say(st->detail, sizeof(st->detail), "%s", spec);
	return 0;
}

const struct driver device_driver = {
	.kind = "device",
	.opts = device_opts,
	.provides_device = true,
	.validate = device_validate,
	.up = device_up,
	.down = device_down,
	.status = device_status,
};
