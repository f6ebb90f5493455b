/* SPDX-License-Identifier: MIT */
/* Kind "md": a software RAID array, assembled or created without mdadm. */
#include "md_node.h"
#include "file.h"
#include "holders.h"
#include "log.h"
#include "retry.h"
#include "sys.h"
#include "uevent.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int md_node_uuid(struct run_ctx *c, struct plan_node *n, uint8_t uuid[16])
{
	const struct md_conf *mc = md_conf_of(n);
	const struct plan_opt *o = plan_opt(n, "members");
	struct run_ctx now = { .plan = c->plan, .deadline_ms = sys_now_ms() };
	struct md_member *m;
	char why[200], path[256];
	int found = 0;

	if (mc->has_uuid) {
		memcpy(uuid, mc->uuid, 16);
		return 1;
	}
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	/* Only members that are there now: this is a look, not a wait. */
	for (unsigned int i = 0; o && i < o->nvalues && !found; i++) {
		if (driver_resolve(&now, n, o->values[i].text, path, sizeof(path)) < 0)
			continue;
		if (md_read_member(path, m, why, sizeof(why)) == 0) {
			memcpy(uuid, m->sb.set_uuid, 16);
			found = 1;
		}
	}
	free(m);
	n->why[0] = '\0';
	return found;
}

/*
 * The link is a convenience (the plan names the node, not the link): an
 * array without it still serves, but one that cannot be made is said, not
 * dropped silently.
 */
void md_link_name(const char *name, const char *md)
{
	char link[80], target[32];
	int r;

	snprintf(link, sizeof(link), "/dev/md/%s", name);
	snprintf(target, sizeof(target), "../%s", md);
	r = sys_mkdir("/dev/md", 0755);
	if (r == 0 || r == -EEXIST)
		r = sys_symlink(target, link);
	/* What is there already is left as it is. */
	if (r < 0 && r != -EEXIST)
		log_warn("%s: cannot make the link %s: %s", md, link, strerror(-r));
}

const char *md_link_name_of(const struct plan_node *n, const struct md_sb *sb,
			    char *buf, size_t size)
{
	const struct md_conf *mc = md_conf_of(n);
	const char *colon = strchr(sb->set_name, ':');
	const char *name = colon ? colon + 1 : sb->set_name;

	snprintf(buf, size, "%s", mc->name_given || !md_name_ok(name) ? mc->name : name);
	return buf;
}

struct links {
	dev_t dev;
	char names[8][80];
	unsigned int count;
};

static int link_entry(const char *name, unsigned char type, void *ctx)
{
	struct links *l = ctx;
	char path[80];
	struct stat st;
	int r;

	(void)type;
	snprintf(path, sizeof(path), "/dev/md/%s", name);
	r = sys_lstat(path, &st);
	if (r == 0 && S_ISLNK(st.st_mode))
		r = sys_stat(path, &st);
	else if (r == 0)
		return 0;
	/* A link to nothing (ENOENT) is not the array's. */
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	if (l->count < 8 && st.st_rdev == l->dev)
		snprintf(l->names[l->count++], sizeof(l->names[0]), "%s", path);
	return 0;
}

/*
 * The /dev/md/ links that lead to the array, looked up while it still has
 * its node. Returns 0, or -errno when they cannot be told: a link missed
 * would outlive the array.
 */
int md_links_of(const char *md, struct md_links *out)
{
	char path[48];
	struct stat st;
	struct links l = { 0 };
	int r;

	out->count = 0;
	snprintf(path, sizeof(path), "/dev/%s", md);
	r = sys_stat(path, &st);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	l.dev = st.st_rdev;
	r = sys_listdir("/dev/md", link_entry, &l);
	if (r < 0 && r != -ENOENT)
		return r;
	for (unsigned int i = 0; i < l.count; i++)
		snprintf(out->paths[i], sizeof(out->paths[i]), "%s", l.names[i]);
	out->count = l.count;
	return 0;
}

int md_unlink_all(const struct md_links *l)
{
	int r, first = 0;

	for (unsigned int i = 0; i < l->count; i++) {
		r = sys_unlinkat(AT_FDCWD, l->paths[i], 0);
		if (r < 0 && r != -ENOENT && !first)
			first = r;
	}
	return first;
}

static void read_attr(const char *md, const char *attr, char *buf, size_t size)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/block/%s/md/%s", md, attr);
	if (file_read(p, buf, size) < 0)
		snprintf(buf, size, "?");
}

/* "raid1 clean, 2 of 2 members (loop0 loop1), sync idle" */
static void describe_array(const char *md, char *buf, size_t size)
{
	char level[16], state[24], disks[16], degraded[16], action[24], names[160];
	unsigned long want, missing;

	read_attr(md, "level", level, sizeof(level));
	read_attr(md, "array_state", state, sizeof(state));
	read_attr(md, "raid_disks", disks, sizeof(disks));
	read_attr(md, "degraded", degraded, sizeof(degraded));
	read_attr(md, "sync_action", action, sizeof(action));
	md_member_names(md, names, sizeof(names));
	want = strtoul(disks, NULL, 10);
	missing = strtoul(degraded, NULL, 10);
	driver_say(buf, size, "%s %s, %lu of %lu members (%s)%s%s%s", level, state,
		   want >= missing ? want - missing : 0, want, names,
		   strcmp(action, "?") ? ", sync " : "", strcmp(action, "?") ? action : "",
		   missing ? ", DEGRADED" : "");
}

void md_describe(struct plan_node *n, const char *md, const uint8_t uuid[16])
{
	char what[200], u[36];

	describe_array(md, what, sizeof(what));
	mdsb_uuid_format(uuid, u);
	driver_say(n->device, NODE_DEVICE_SIZE, "/dev/%s", md);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "/dev/%s %s, uuid %s", md, what, u);
}

/* The array this node stands for, running or not: 1 and md filled, 0 none. */
static int find_mine(struct run_ctx *c, struct plan_node *n, char *md, size_t size,
		     uint8_t uuid[16])
{
	int r = md_node_uuid(c, n, uuid);

	if (r > 0)
		r = md_find_array(uuid, md, size);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot look for the running array: %s",
			   strerror(-r));
	return r;
}

/* /dev/md/NAME for an array found running, named as md_up would name it. */
static void link_adopted(const struct plan_node *n, const char *md)
{
	struct md_member *m = calloc(1, sizeof(*m));
	char names[128], path[140], why[160], link[40], *sp;

	if (!m)
		return;
	if (md_member_names(md, names, sizeof(names)) > 0) {
		sp = strchr(names, ' ');
		if (sp)
			*sp = '\0';
		snprintf(path, sizeof(path), "/dev/%s", names);
		if (md_read_member(path, m, why, sizeof(why)) < 0)
			m->sb.set_name[0] = '\0';
	}
	md_link_name(md_link_name_of(n, &m->sb, link, sizeof(link)), md);
	free(m);
}

static int md_adopt(struct run_ctx *c, struct plan_node *n)
{
	char md[32], state[32] = "gone";
	uint8_t uuid[16];
	int r = find_mine(c, n, md, sizeof(md), uuid);

	if (r <= 0)
		return r;
	if (md_array_state(md, state, sizeof(state)) < 0 || !md_state_running(state)) {
		driver_say(n->why, NODE_WHY_SIZE,
			   "/dev/%s holds members of this array but is not running "
			   "(state %s): left alone", md, state);
		return -EEXIST;
	}
	md_describe(n, md, uuid);
	link_adopted(n, md);
	return 1;
}

static int stop_op(void *ctx)
{
	return md_stop_once(ctx);
}

static const struct retry_policy MD_GONE_WAIT = {
	.max_attempts = 32, .first_ms = 1, .max_ms = 100, .deadline_ms = 2000,
};

static int gone_op(void *ctx)
{
	char p[48], state[32], names[64];

	snprintf(p, sizeof(p), "/sys/block/%s", (const char *)ctx);
	if (!file_exists(p))
		return 0;
	/* Still there: gone soon if empty, else someone assembled it again. */
	if (md_array_state(ctx, state, sizeof(state)) == 0 && md_state_running(state))
		return 0;
	return md_member_names(ctx, names, sizeof(names)) > 0 ? 0 : -EAGAIN;
}

/*
 * Stopping fails with EBUSY while any process holds /dev/mdN open (a
 * monitor, udev's blkid): each close wakes the next attempt at once.
 */
static int stop_array(struct run_ctx *c, struct plan_node *n, char *md)
{
	struct retry_result res;
	char node[48], how[96], who[200];
	int wake, r;
	struct retry_wake w;

	snprintf(node, sizeof(node), "/dev/%s", md);
	wake = sys_close_watch(node);
	w = (struct retry_wake){ .fd = wake, .relevant = NULL };
	if (wake < 0) {
		wake = uev_open();
		w = (struct retry_wake){ .fd = wake, .relevant = uev_is_about, .ctx = md };
	}
	r = retry_run_wake(&RETRY_DEVICE_BUSY, c->deadline_ms, stop_op, md, wake >= 0 ? &w : NULL,
			   &res);
	if (wake >= 0)
		sys_close(wake);
	if (r < 0) {
		if (holders_describe(node, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "no holder found");
		driver_say(n->why, NODE_WHY_SIZE, "%s still running %s: %s (held by %s)",
			   node, retry_describe(&res, how, sizeof(how)), strerror(-r), who);
		return r;
	}
	/*
	 * The kernel frees the stopped array from a work queue; wait for that
	 * (its remove uevent), so that a caller sees it gone. Not for long and
	 * not an error: a monitor opening /dev/mdN in the meantime makes an
	 * empty array of that number again (md_probe), which stays.
	 */
	wake = uev_open();
	w = (struct retry_wake){ .fd = wake, .relevant = uev_is_about, .ctx = md };
	if (retry_run_wake(&MD_GONE_WAIT, c->deadline_ms, gone_op, md, wake >= 0 ? &w : NULL,
			   &res) < 0)
		log_debug("%s: stopped; an empty array of that number stays", md);
	if (wake >= 0)
		sys_close(wake);
	return 0;
}

static int md_down(struct run_ctx *c, struct plan_node *n)
{
	char md[32], found[32] = "";
	struct md_links links;
	uint8_t uuid[16];
	int r;

	if (sscanf(n->device, "/dev/%31s", md) != 1)
		md[0] = '\0';
	r = find_mine(c, n, found, sizeof(found), uuid);
	if (r <= 0)
		return r;	/* no array carries it: already stopped */
	if (md[0] && strcmp(md, found)) {
		driver_say(n->why, NODE_WHY_SIZE, "the array runs as /dev/%s now, not %s: "
			   "left alone", found, n->device);
		return -ESTALE;
	}
	/*
	 * The links go first: once the array is stopped, nothing tells which
	 * dangling link was its. A stop that fails then leaves a running
	 * array without its link, which the next down stops.
	 */
	r = md_links_of(found, &links);
	if (r == 0)
		r = md_unlink_all(&links);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot remove the /dev/md links of /dev/%s: "
			   "%s", found, strerror(-r));
		return r;
	}
	return stop_array(c, n, found);
}

static int md_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	char md[32], state[32], node[48], u[36];
	uint8_t uuid[16];
	size_t len;

	memset(st, 0, sizeof(*st));
	if (find_mine(c, n, md, sizeof(md), uuid) <= 0)
		return 0;
	if (md_array_state(md, state, sizeof(state)) < 0)
		return 0;
	st->present = md_state_running(state);
	describe_array(md, st->detail, sizeof(st->detail));
	mdsb_uuid_format(uuid, u);
	len = strlen(st->detail);
	snprintf(st->detail + len, sizeof(st->detail) - len, ", uuid %s", u);
	snprintf(node, sizeof(node), "/dev/%s", md);
	holders_describe(node, st->holders, sizeof(st->holders));
	if (!n->device[0])
		driver_say(n->device, NODE_DEVICE_SIZE, "%s", node);
	return 0;
}

/*
 * md_up loads md_mod and the level's personality through mod_need; an
 * array found by its superblock may be of any level when the plan gives
 * none.
 */
static void md_modules(const struct plan_node *n, struct mod_wish *w)
{
	static const char *const all[] = { "raid0", "raid1", "raid10", "raid456" };
	const struct md_conf *mc = md_conf_of(n);

	mod_wish_add(w, "md_mod", false);
	if (mc && mc->has_level) {
		mod_wish_add(w, md_level_module(mc->level), false);
		return;
	}
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		mod_wish_add(w, all[i], false);
}

/*
 * /dev/mdN (option number) and /dev/md/NAME are this array: a device
 * option naming either waits for the array to run, not for the node,
 * which exists from the first open on.
 */
static bool md_provides_path(const struct plan_node *n, const char *path)
{
	const char *num = plan_str(n, "number"), *name = plan_str(n, "name");

	char *end;
	unsigned long have;

	if (!strncmp(path, "/dev/md/", 8))
		return !strcmp(path + 8, name ? name : n->name);
	if (!num || strncmp(path, "/dev/md", 7) || path[7] < '0' || path[7] > '9')
		return false;
	have = strtoul(path + 7, &end, 10);
	return !*end && have == strtoul(num, &end, 10) && !*end;
}

const struct driver md_driver = {
	.kind = "md",
	.opts = md_opts,
	.provides_device = true,
	.provides_path = md_provides_path,
	.may_fail_opt = "members",	/* a lost member: the degraded policy decides */
	.validate = md_validate,
	.adopt = md_adopt,
	.up = md_up,
	.down = md_down,
	.status = md_status,
	.free_conf = md_free_conf,
	.modules = md_modules,
};
