/* SPDX-License-Identifier: MIT */
/* Bringing the root's nodes up and down, with one log line per node. */
#include "init.h"
#include "devspec.h"
#include "devwait.h"
#include "file.h"
#include "log.h"
#include "mount.h"
#include "retry.h"
#include "str.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

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
		str_copy(n->list[n->count++], sizeof(n->list[0]), name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "vda vdb, 8 empty" for a diagnosis. */
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

static int device_up(struct boot_node *n, uint64_t boot_deadline_ms)
{
	uint64_t deadline = sys_now_ms() + (uint64_t)n->wait_s * 1000u;
	struct devspec ds;
	const char *why;
	int r;

	if (devspec_parse(n->source, &ds, &why) < 0)
		return -EINVAL;	/* the command line parser checked it already */
	if (boot_deadline_ms && boot_deadline_ms < deadline)
		deadline = boot_deadline_ms;
	r = devwait_block(&ds, deadline, n->device, sizeof(n->device));
	if (r == -ETIMEDOUT) {
		char have[256];

		log_err("%s: no block device %s appeared within %u s "
			"(block devices present: %s)", n->name, n->source,
			n->wait_s, present(have, sizeof(have)));
	} else if (r < 0) {
		log_err("%s: waiting for %s failed: %s", n->name, n->source, strerror(-r));
	}
	return r;
}

static int mount_up(struct boot_plan *plan, struct boot_node *n)
{
	struct boot_node *src = &plan->nodes[n->from];
	struct mount_req req = {
		.source = src->device, .target = n->target, .fstype = n->fstype,
		.options = n->options, .read_only = n->read_only,
	};
	char why[256];
	int r;

	file_mkdirs(n->target, 0755);
	r = mount_fs(&req, n->used_fstype, sizeof(n->used_fstype), why, sizeof(why));
	if ((r == -EROFS || r == -EACCES) && !n->read_only) {
		/* Read-only media: the host can still serve a read-only image. */
		log_warn("%s: %s is read-only, mounting it read-only", n->name, src->device);
		n->read_only = req.read_only = true;
		r = mount_fs(&req, n->used_fstype, sizeof(n->used_fstype), why, sizeof(why));
	}
	if (r < 0) {
		log_err("%s: cannot mount %s on %s%s%s: %s", n->name, src->device,
			n->target, *n->fstype ? " as " : "", n->fstype,
			why[0] ? why : strerror(-r));
		return r;
	}
	str_copy(n->device, sizeof(n->device), src->device);
	/* The mount holds the loop device now; our open fd may go. */
	if (src->kind == NODE_LOOP)
		loop_release(&src->loop);
	return 0;
}

static int loop_up(struct boot_plan *plan, struct boot_node *n)
{
	struct boot_node *host = &plan->nodes[n->from];
	struct loop_spec spec = {
		.file = n->source, .read_only = host->read_only, .autoclear = true,
	};
	struct retry_result res;
	char how[96];
	int r;

	r = loop_attach(&spec, &n->loop, &res);
	if (r < 0) {
		log_err("%s: cannot attach %s to a loop device%s%s: %s", n->name,
			n->source, res.attempts > 1 ? " " : "",
			res.attempts > 1 ? retry_describe(&res, how, sizeof(how)) : "",
			strerror(-r));
		return r;
	}
	str_copy(n->device, sizeof(n->device), n->loop.path);
	n->read_only = n->loop.read_only;
	return 0;
}

static void log_up(const struct boot_node *n)
{
	switch (n->kind) {
	case NODE_DEVICE:
		log_info("%s: %s is %s (%llu ms)", n->name, n->source, n->device,
			 (unsigned long long)n->ms);
		break;
	case NODE_LOOP:
		log_info("%s: %s bound to %s%s (%llu ms)", n->name, n->device, n->source,
			 n->read_only ? " read-only" : "", (unsigned long long)n->ms);
		break;
	case NODE_MOUNT:
		log_info("%s: %s mounted on %s (%s, %s) (%llu ms)", n->name, n->device,
			 n->target, n->used_fstype, n->read_only ? "ro" : "rw",
			 (unsigned long long)n->ms);
		break;
	}
}

int node_up(struct boot_plan *plan, unsigned int i, uint64_t boot_deadline_ms)
{
	struct boot_node *n = &plan->nodes[i];
	uint64_t t0 = sys_now_ms();
	int r;

	switch (n->kind) {
	case NODE_DEVICE:
		r = device_up(n, boot_deadline_ms);
		break;
	case NODE_MOUNT:
		r = mount_up(plan, n);
		break;
	case NODE_LOOP:
		r = loop_up(plan, n);
		break;
	default:
		r = -EINVAL;
	}
	n->ms = sys_now_ms() - t0;
	n->up = r == 0;
	if (r == 0)
		log_up(n);
	return r;
}

static int try_umount(void *ctx)
{
	return sys_umount(ctx, 0);
}

void node_down(struct boot_plan *plan, unsigned int i)
{
	struct boot_node *n = &plan->nodes[i];
	struct retry_result res;
	char how[96];
	int r = 0;

	if (!n->up)
		return;
	if (n->kind == NODE_MOUNT)
		r = retry_run(&RETRY_DEVICE_BUSY, try_umount, (void *)n->target, -1, &res);
	else if (n->kind == NODE_LOOP)
		r = loop_detach(&n->loop, &res);
	if (r < 0)
		log_err("%s: cannot tear down %s %s: %s", n->name, n->device,
			retry_describe(&res, how, sizeof(how)), strerror(-r));
	else if (n->kind != NODE_DEVICE)
		log_info("%s: %s torn down", n->name, n->device);
	n->up = r < 0;
}
