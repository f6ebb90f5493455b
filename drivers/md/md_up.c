/* SPDX-License-Identifier: MIT */
/*
 * Bringing an md node up: find its members, choose them by their
 * superblocks, apply the plan's degraded policy, create the array on blank
 * members when asked to, and start it through sysfs.
 */
#include "md_gather.h"
#include "md_node.h"
#include "devspec.h"
#include "devwait.h"
#include "file.h"
#include "log.h"
#include "modules.h"
#include "retry.h"
#include "sys.h"
#include "uevent.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_word(char *buf, size_t size, const char *w)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? " " : "", w);
}

struct scan {
	struct plan_node *n;
	struct gather *g;
	const uint8_t *uuid;
	int err;
};

static int scan_one(const char *name, unsigned char type, void *ctx)
{
	struct scan *s = ctx;
	struct gather *g = s->g;
	char p[300], why[256];
	uint64_t sectors = 0;

	(void)type;
	snprintf(p, sizeof(p), "/sys/class/block/%s/size", name);
	if (file_read_u64(p, &sectors) < 0 || sectors < 16)
		return 0;
	snprintf(p, sizeof(p), "/dev/%s", name);
	for (char *q = p + 5; *q; q++)
		if (*q == '!')
			*q = '/';
	if (md_take(g, p, true, why, sizeof(why)) <= 0)
		return 0;	/* a bad superblock elsewhere is not this array's */
	if (memcmp(g->m[g->n - 1].sb.set_uuid, s->uuid, 16))
		g->n--;
	return 0;
}

/* Every block device that carries the array UUID. */
static int scan_uuid(struct plan_node *n, struct gather *g, const uint8_t *uuid)
{
	struct scan s = { n, g, uuid, 0 };

	g->n = 0;
	return sys_listdir("/sys/class/block", scan_one, &s);
}

static const char *member_name(const struct md_member *m)
{
	return m->name;
}

/* Every member with a superblock of one array, as the plan says. */
static int check_same(struct plan_node *n, struct gather *g)
{
	const struct md_conf *mc = md_conf_of(n);
	const struct md_member *first = NULL;
	char a[36], b[36];

	for (unsigned int i = 0; i < g->n; i++) {
		const struct md_member *m = &g->m[i];

		if (!m->has_sb) {
			driver_say(n->why, NODE_WHY_SIZE, "%s carries no md superblock%s",
				   m->path, mc->create ? "" : " (set create yes to make a new array)");
			return -ENODATA;
		}
		if (mc->has_uuid && memcmp(m->sb.set_uuid, mc->uuid, 16)) {
			mdsb_uuid_format(m->sb.set_uuid, a);
			mdsb_uuid_format(mc->uuid, b);
			driver_say(n->why, NODE_WHY_SIZE, "%s belongs to array %s, the plan "
				   "says %s", m->path, a, b);
			return -EINVAL;
		}
		if (first && memcmp(m->sb.set_uuid, first->sb.set_uuid, 16)) {
			mdsb_uuid_format(first->sb.set_uuid, a);
			mdsb_uuid_format(m->sb.set_uuid, b);
			driver_say(n->why, NODE_WHY_SIZE, "members of different arrays: "
				   "%s is %s, %s is %s", first->path, a, m->path, b);
			return -EINVAL;
		}
		first = first ? first : m;
	}
	return 0;
}

static void select_members(struct gather *g)
{
	memset(&g->ch, 0, sizeof(g->ch));
	for (unsigned int i = 0; i < g->n; i++)
		g->sel[i] = (struct mdsb_member){ .sb = &g->m[i].sb };
	if (g->n)
		mdsb_select(g->sel, g->n, &g->ch);
}

/* "loop1 (stale: events 5, array at 9)" for each member left out. */
static void left_out(const struct gather *g, char *buf, size_t size)
{
	buf[0] = '\0';
	for (unsigned int i = 0; i < g->n; i++) {
		char w[128];

		if (g->sel[i].state == MDSB_ACTIVE || g->sel[i].state == MDSB_SPARE)
			continue;
		snprintf(w, sizeof(w), "%s (%s: events %llu, array at %llu)",
			 member_name(&g->m[i]), mdsb_state_name(g->sel[i].state),
			 (unsigned long long)g->m[i].sb.events,
			 (unsigned long long)g->ch.events);
		add_word(buf, size, w);
	}
}

static bool complete(const struct gather *g)
{
	return g->n && !g->ch.degraded;
}

struct by_uuid {
	struct plan_node *n;
	struct gather *g;
	int scan_err;
};

/* devwait_event's look: every slot filled, or the policy says start. */
static int look_uuid(void *ctx, const struct uev_msg *m)
{
	struct by_uuid *b = ctx;
	const struct md_conf *mc = md_conf_of(b->n);

	(void)m;	/* any event (or an overrun): look again */
	b->scan_err = scan_uuid(b->n, b->g, mc->uuid);
	if (b->scan_err < 0)
		return b->scan_err;
	select_members(b->g);
	return complete(b->g) || (mc->degraded == MD_DEGRADED_NOW && b->g->ch.runnable);
}

/*
 * An array given by UUID alone: scan, then rescan on each uevent until
 * every slot is filled, the policy says start, or the wait ends; what was
 * found by then is for the policy to judge.
 */
static int gather_by_uuid(struct plan_node *n, struct gather *g)
{
	struct by_uuid b = { .n = n, .g = g };

	devwait_event(look_uuid, &b, g->wait_until);
	return b.scan_err;
}

/* The policy: start now, or why not. */
static int decide(struct plan_node *n, struct gather *g)
{
	const struct md_conf *mc = md_conf_of(n);
	char out[300], missing[420] = "";

	left_out(g, out, sizeof(out));
	if (g->missing[0])
		snprintf(missing, sizeof(missing), "; missing: %s", g->missing);
	if (!g->n) {
		driver_say(n->why, NODE_WHY_SIZE, "no member of the array was found%s",
			   missing);
		return -ENODEV;
	}
	if (out[0])
		log_warn("%s: left out of the array: %s", n->name, out);
	if (!g->ch.degraded)
		return 0;
	if (!g->ch.runnable || mc->degraded == MD_DEGRADED_NEVER) {
		driver_say(n->why, NODE_WHY_SIZE, "%u of %u slots present%s%s%s; %s",
			   g->ch.active, g->ch.raid_disks, missing, out[0] ? "; left out: " : "",
			   out, !g->ch.runnable ? "too few to start the array" :
			   "the plan does not allow a degraded start (degraded never)");
		return -ENODEV;
	}
	log_warn("%s: starting DEGRADED with %u of %u slots (degraded %s)%s", n->name,
		 g->ch.active, g->ch.raid_disks,
		 mc->degraded == MD_DEGRADED_NOW ? "now" : "after", missing);
	return 0;
}

struct newarr {
	unsigned int nr;
	bool fixed;
	char state[32];
	char names[64];
};

/* An array object with no members that is not running: free to use. */
static bool empty_array(struct newarr *a)
{
	char md[16];

	snprintf(md, sizeof(md), "md%u", a->nr);
	if (md_array_state(md, a->state, sizeof(a->state)) < 0)
		snprintf(a->state, sizeof(a->state), "gone");
	return !md_state_running(a->state) &&
	       md_member_names(md, a->names, sizeof(a->names)) == 0;
}

/*
 * An empty array of the number may exist already: opening /dev/mdN of a
 * missing array makes one (md_probe), so a monitor that opens the node
 * while an array stops leaves an empty mdN behind, for as long as it
 * likes. mdadm takes such an array as it is, and so do we. Without a fixed
 * number we just take another one.
 */
static int new_array_once(struct newarr *a)
{
	unsigned int tried;
	int r;

	for (;;) {
		r = md_new_array(a->nr);
		if (r != -EEXIST)
			return r;
		if (a->fixed)
			return empty_array(a) ? 0 : -EEXIST;
		tried = a->nr;
		r = md_free_number(&a->nr);
		if (r < 0)
			return r;
		/* Taken, but its sysfs folder not there yet: wait under the policy. */
		if (a->nr == tried)
			return -EAGAIN;
	}
}

struct attempt {
	struct newarr a;
	const struct md_member *const *use;
	unsigned int count, minor;
	bool read_only;
	char *why;
	size_t why_size;
	bool started;
};

/*
 * One attempt at making and starting the array. An array object that is
 * being freed (the kernel does it from a work queue after the last close)
 * refuses sysfs writes with EBUSY or is gone under us: try again.
 */
static int assemble_op(void *ctx)
{
	struct attempt *t = ctx;
	char md[16];
	int r = new_array_once(&t->a);

	if (r < 0)
		return r == -EEXIST ? r : -EAGAIN;
	snprintf(md, sizeof(md), "md%u", t->a.nr);
	r = md_assemble(md, t->minor, t->use, t->count, t->read_only, t->why, t->why_size);
	if (r == -MD_EDYING)
		return -EAGAIN;
	t->started = r == 0;
	return r;
}

static int make_and_start(struct run_ctx *c, struct plan_node *n, struct attempt *t)
{
	const struct md_conf *mc = md_conf_of(n);
	struct retry_result res;
	char how[96], md[16];
	int ev, r;

	t->a = (struct newarr){ .nr = mc->number, .fixed = mc->has_number };
	if (!t->a.fixed && (r = md_free_number(&t->a.nr)) < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "no free md number left");
		return r;
	}
	snprintf(md, sizeof(md), "md%u", t->a.nr);
	ev = uev_open();
	struct retry_wake w = { .fd = ev, .relevant = uev_is_about, .ctx = md };
	r = retry_run_wake(&RETRY_DEVICE_BUSY, c->deadline_ms, assemble_op, t, ev >= 0 ? &w : NULL,
			   &res);
	if (ev >= 0)
		sys_close(ev);
	if (r == -EEXIST)
		driver_say(n->why, NODE_WHY_SIZE, "/dev/md%u is in use (state %s, members %s)",
			   t->a.nr, t->a.state, t->a.names);
	else if (r == -EAGAIN || r == -EBUSY)
		driver_say(n->why, NODE_WHY_SIZE, "/dev/md%u was still being freed %s",
			   t->a.nr, retry_describe(&res, how, sizeof(how)));
	else if (r < 0 && !t->why[0])
		driver_say(n->why, NODE_WHY_SIZE, "cannot make /dev/md%u: %s", t->a.nr,
			   strerror(-r));
	return r;
}

static int open_op(void *ctx)
{
	int fd = sys_open(ctx, O_RDONLY, 0);

	/* Linux 6.1's md_open says ENODEV where older ones said EBUSY. */
	if (fd == -ENODEV)
		return -EAGAIN;
	if (fd < 0)
		return fd;
	sys_close(fd);
	return 0;
}

/*
 * The array's node, made by devtmpfs (or by us without it), must open: an
 * open that races a stop of the same number gets EBUSY from md_open.
 */
static int node_ready(struct run_ctx *c, struct plan_node *n, const char *md)
{
	struct devspec ds = { .kind = DEVSPEC_PATH };
	struct retry_result res;
	char path[64], how[96];
	int r;

	snprintf(ds.value, sizeof(ds.value), "/dev/%s", md);
	r = devwait_block(&ds, c->deadline_ms ? c->deadline_ms : sys_now_ms() + 10000,
			  path, sizeof(path));
	if (r == 0)
		r = retry_run(&RETRY_DEVICE_BUSY, c->deadline_ms, open_op, path, -1, &res);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "/dev/%s started but does not open%s%s: %s",
			   md, r == -EBUSY ? " " : "",
			   r == -EBUSY ? retry_describe(&res, how, sizeof(how)) : "", strerror(-r));
	return r;
}

static int start(struct run_ctx *c, struct plan_node *n, struct gather *g)
{
	const struct md_conf *mc = md_conf_of(n);
	const struct md_member *use[MD_MAX_MEMBERS];
	const struct md_sb *sb = &g->m[g->ch.freshest].sb;
	const char *mod = md_level_module(sb->level);
	unsigned int k = 0;
	char link[40];
	char md[16];
	int r;

	if (mc->has_level && sb->level != mc->level) {
		driver_say(n->why, NODE_WHY_SIZE, "the array is %s, the plan says raid%d",
			   mdsb_level_name(sb->level) ?: "?", mc->level);
		return -EINVAL;
	}
	if (mod && (r = mod_need(mod)) < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the %s module: %s", mod,
			   strerror(-r));
		return r;
	}
	for (unsigned int i = 0; i < g->n; i++)
		if (g->sel[i].state == MDSB_ACTIVE || g->sel[i].state == MDSB_SPARE)
			use[k++] = &g->m[i];
	struct attempt t = { .use = use, .count = k, .minor = sb->minor_version,
			     .read_only = mc->read_only, .why = n->why,
			     .why_size = NODE_WHY_SIZE };

	n->why[0] = '\0';
	r = make_and_start(c, n, &t);
	if (r < 0)
		return r;
	snprintf(md, sizeof(md), "md%u", t.a.nr);
	r = node_ready(c, n, md);
	if (r < 0) {
		md_stop_once(md);
		return r;
	}
	md_describe(n, md, sb->set_uuid);
	md_link_name(md_link_name_of(n, sb, link, sizeof(link)), md);
	return 0;
}

/*
 * create yes: with every member there, md_create makes the array (or finds
 * it made). With members missing, an array that the present ones already
 * carry is assembled under the degraded policy; a new one is not made.
 */
static int maybe_create(struct run_ctx *c, struct plan_node *n, struct gather *g)
{
	bool made = g->n > 0;

	if (!g->missing[0])
		return md_create(c, n, g->m, g->n);
	for (unsigned int i = 0; i < g->n; i++)
		made = made && g->m[i].has_sb;
	if (made)
		return 0;
	driver_say(n->why, NODE_WHY_SIZE, "cannot create the array: members missing or "
		   "unusable: %s", g->missing);
	return -ENODEV;
}

int md_up(struct run_ctx *c, struct plan_node *n)
{
	const struct md_conf *mc = md_conf_of(n);
	struct gather *g = calloc(1, sizeof(*g));
	uint64_t now = sys_now_ms();
	int r, created = 0;

	if (!g || !(g->m = calloc(MD_MAX_MEMBERS, sizeof(*g->m)))) {
		free(g);
		return -ENOMEM;
	}
	r = mod_need("md_mod");
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the md_mod module: %s",
			   strerror(-r));
	/* A kernel without md (and no module tree to load it from): say so
	 * before any member is read or written. */
	if (r == 0 && !file_exists("/sys/module/md_mod") && !file_exists("/proc/mdstat")) {
		driver_say(n->why, NODE_WHY_SIZE, "md is not available in this kernel: no "
			   "/sys/module/md_mod, no /proc/mdstat (md_mod is neither built in "
			   "nor loaded, and no module of it was found to load)");
		r = -ENODEV;
	}
	g->wait_until = mc->degraded == MD_DEGRADED_NOW ? now : now + mc->wait_ms;
	if (c->deadline_ms && g->wait_until > c->deadline_ms)
		g->wait_until = c->deadline_ms;
	if (r == 0 && plan_opt(n, "members"))
		r = md_gather_listed(c, n, g);
	else if (r == 0)
		r = gather_by_uuid(n, g);
	if (r == 0 && mc->create)
		r = created = maybe_create(c, n, g);	/* 1: made, now assemble */
	if (r >= 0)
		r = check_same(n, g);
	if (r == 0) {
		select_members(g);
		r = decide(n, g);
	}
	if (r == 0)
		r = start(c, n, g);
	/* What this run wrote goes again when the array did not come up. */
	if (r < 0 && created == 1)
		md_create_undo(g->m, g->n);
	free(g->m);
	free(g);
	return r;
}
