/* SPDX-License-Identifier: MIT */
/*
 * What the thin-pool and thin kinds (and a pool's slices) share: their
 * device-mapper names, removing a device blkasm made, and finding one up
 * already by its DM UUID.
 */
#include "thin_node.h"
#include "holders.h"
#include "retry.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool thin_dm_name(const struct plan_node *n, char *out, size_t size)
{
	const char *v = plan_str(n, "name");
	int len = snprintf(out, size, THIN_NAME_PREFIX "%s", v ? v : n->name);

	return len > 0 && (size_t)len < size && dm_name_ok(out);
}

static int removed_op(void *ctx)
{
	int r = dm_remove_once(ctx);

	return r == -ENXIO ? 0 : r;
}

int thin_remove(struct run_ctx *c, struct plan_node *n, const char *dm_name)
{
	struct retry_result res;
	char node[160], how[96], who[200];
	int wake, r;

	snprintf(node, sizeof(node), "/dev/mapper/%s", dm_name);
	wake = sys_close_watch(node);
	r = retry_run(&RETRY_DEVICE_BUSY, c->deadline_ms, removed_op, (void *)dm_name, wake, &res);
	if (wake >= 0)
		sys_close(wake);
	if (r == -EPERM) {
		driver_say(n->why, NODE_WHY_SIZE, "%s was not made by blkasm (its DM UUID lacks "
			   DM_UUID_PREFIX "): left alone", node);
		return r;
	}
	if (r < 0) {
		if (holders_describe(node, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "no holder found");
		driver_say(n->why, NODE_WHY_SIZE, "%s still there %s: %s (held by %s)", node,
			   retry_describe(&res, how, sizeof(how)), strerror(-r), who);
		return r;
	}
	r = dm_unlink_node(dm_name);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "%s removed, but its node stays: %s", dm_name,
			   strerror(-r));
	return r;
}

int thin_found_live(struct plan_node *n, int found, const struct dm_info *info)
{
	if (found == -ENODEV)
		return 0;	/* no device-mapper yet: not up */
	if (found < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot look for its device-mapper device: %s",
			   strerror(-found));
	if (found <= 0)
		return found;
	if (!info->live_table) {
		driver_say(n->why, NODE_WHY_SIZE, "%s exists without a live table: left alone",
			   info->name);
		return -EEXIST;
	}
	return 1;
}

int thin_adopt_uuid(struct plan_node *n, const char *dm_uuid)
{
	struct dm_info info;
	int r = thin_found_live(n, dm_find_uuid(dm_uuid, &info), &info);

	if (r <= 0)
		return r;
	dm_make_node(info.name, info.dev);
	return 1;
}
