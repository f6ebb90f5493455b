/* SPDX-License-Identifier: MIT */
/* Kind "loop": an image file (or part of one) as a block device. */
#include "driver.h"
#include "file.h"
#include "holders.h"
#include "loop.h"
#include "modules.h"
#include "probe.h"
#include "retry.h"
#include "uevent.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct driver loop_driver;

static const struct driver_opt loop_opts[] = {
	{ "file", OPT_PATH, true, false, "the backing file" },
	{ "offset", OPT_SIZE, false, false, "where the device starts in the file" },
	{ "size-limit", OPT_SIZE, false, false, "the device's size (default: to the end)" },
	{ "read-only", OPT_BOOL, false, false, "bind read-only" },
	{ "direct-io", OPT_BOOL, false, false, "bypass the page cache for the file" },
	{ "sector-size", OPT_UINT, false, false, "logical sector size: 512, 1024, 2048 or 4096" },
	{ "partscan", OPT_BOOL, false, false, "scan the device for partitions" },
	{ "autoclear", OPT_BOOL, false, false, "detach when its last user closes it" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

/* The loop number recorded for the node (from the state or this run), or -1. */
static int hint_of(const struct plan_node *n)
{
	int nr;

	return sscanf(n->device, "/dev/loop%d", &nr) == 1 ? nr : -1;
}

static void spec_of(const struct plan_node *n, struct loop_spec *s)
{
	const char *ss = plan_str(n, "sector-size");

	memset(s, 0, sizeof(*s));
	s->file = plan_str(n, "file");
	s->offset = driver_size(n, "offset", 0);
	s->sizelimit = driver_size(n, "size-limit", 0);
	s->read_only = driver_bool(n, "read-only", false);
	s->direct_io = driver_bool(n, "direct-io", false);
	s->part_scan = driver_bool(n, "partscan", false);
	s->autoclear = driver_bool(n, "autoclear", false);
	s->block_size = ss ? (unsigned int)strtoul(ss, NULL, 10) : 0;
}

/* The bytes of the file it binds (the file by identity: links lead to it). */
static int loop_claim(struct plan *p, struct plan_node *n, const struct loop_spec *ls)
{
	struct claim_spec c = { .space = CLAIM_STORAGE, .key = ls->file, .path = true,
				.pos = plan_opt(n, "file")->values[0].pos,
				.shared = ls->read_only, .start = ls->offset,
				.len = ls->sizelimit };
	char limit[48] = "";

	if (ls->sizelimit)
		snprintf(limit, sizeof(limit), " for %llu bytes",
			 (unsigned long long)ls->sizelimit);
	return driver_claim(p, n, &c, "binds %s at offset %llu%s%s", ls->file,
			    (unsigned long long)ls->offset, limit,
			    ls->read_only ? " read-only" : "");
}

static int loop_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "sector-size");
	struct loop_spec s;

	spec_of(n, &s);
	if (o && s.block_size != 512 && s.block_size != 1024 &&
	    s.block_size != 2048 && s.block_size != 4096)
		return driver_bad(p, err, o, "sector-size of loop node '%s' must be 512, 1024, "
				  "2048 or 4096", n->name);
	return loop_claim(p, n, &s);
}

static void describe(struct plan_node *n, const struct loop_dev *d, const char *file)
{
	driver_say(n->device, NODE_DEVICE_SIZE, "%s", d->path);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "%s bound to %s%s", d->path, file,
		 d->read_only ? " (read-only)" : "");
}

static int still_bound(void *ctx)
{
	const struct loop_spec *s = ctx;
	struct loop_dev d;
	int r = loop_find_bound(s, -1, &d);

	return r == 1 ? -EBUSY : r;
}

/*
 * A binding with autoclear that the node did not ask for is one whose
 * detach is pending (LOOP_CLR_FD defers to the last close while a prober
 * holds it): it is about to vanish, so wait for that rather than adopt it.
 */
static int wait_detached(struct run_ctx *c, struct plan_node *n, const struct loop_spec *s,
			 const struct loop_dev *d)
{
	struct retry_result res;
	char how[96], name[16];
	int ev = uev_open(), r;
	struct retry_wake w = { .fd = ev, .relevant = uev_is_about, .ctx = name };

	snprintf(name, sizeof(name), "loop%d", d->nr);
	r = retry_run_wake(&RETRY_DEVICE_BUSY, c->deadline_ms, still_bound, (void *)s,
			   ev >= 0 ? &w : NULL, &res);
	if (ev >= 0)
		sys_close(ev);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE,
			   "%s is still bound to %s with a detach pending %s", d->path,
			   s->file, retry_describe(&res, how, sizeof(how)));
	return r;
}

/*
 * loop_find_bound for an up: the bindings the run found when its first
 * loop node looked (the snapshot shared by its nodes), instead of every
 * device again for each node.
 */
static int find_shared(struct run_ctx *c, const struct loop_spec *s, int hint,
		       struct loop_dev *d)
{
	void **snap = run_share_lock(c, &loop_driver, loop_snap_free);
	int r = 0;

	if (!snap)
		return loop_find_bound(s, hint, d);
	if (!*snap)
		r = loop_snap_take((struct loop_snap **)snap);
	if (r == 0)
		r = loop_find_bound_in(*snap, s, hint, d);
	run_share_unlock(c);
	return r;
}

/* A binding this run made goes into its snapshot, or the snapshot goes. */
static void share_binding(struct run_ctx *c, const struct loop_dev *d, uint64_t offset)
{
	void **snap = run_share_lock(c, &loop_driver, loop_snap_free);

	if (!snap)
		return;
	if (*snap && loop_snap_add(*snap, d, offset) < 0) {
		loop_snap_free(*snap);
		*snap = NULL;
	}
	run_share_unlock(c);
}

static int loop_adopt(struct run_ctx *c, struct plan_node *n)
{
	struct loop_spec s;
	struct loop_dev d;
	int r;

	spec_of(n, &s);
	r = find_shared(c, &s, hint_of(n), &d);
	if (r < 0)	/* ELOOP: the file is a symlink loop */
		driver_say(n->why, NODE_WHY_SIZE, "cannot look for a loop device bound to "
			   "%s: %s", s.file, strerror(-r));
	if (r == 1 && d.autoclear && !s.autoclear)
		return wait_detached(c, n, &s, &d);
	if (r == 1)
		describe(n, &d, s.file);
	return r;
}

/* Every partition the table lists has its device before dependents start. */
static int partitions_up(struct run_ctx *c, struct plan_node *n, struct loop_dev *d)
{
	int want = probe_partition_count(d->path), r;
	struct retry_result res;
	char how[96];

	if (want <= 0)
		return 0;
	r = loop_wait_partitions(d, (unsigned int)want, c->deadline_ms, &res);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE,
			   "%s: %d of %d partitions appeared%s%s: %s", d->path,
			   loop_partitions_present(d->nr), want, res.attempts > 1 ? " " : "",
			   res.attempts > 1 ? retry_describe(&res, how, sizeof(how)) : "",
			   strerror(-r));
		loop_detach(d, c->deadline_ms, &res);
		free(d);
		n->run = NULL;
		return r;
	}
	size_t len = strlen(n->summary);

	driver_say(n->summary + len, NODE_SUMMARY_SIZE - len, ", %d partition%s", want,
		   want == 1 ? "" : "s");
	return 0;
}

static int loop_up(struct run_ctx *c, struct plan_node *n)
{
	struct retry_result res;
	struct loop_spec s;
	struct loop_dev *d;
	char how[96];
	int r;

	/* At boot the loader may still be loading loop (lib/modload.c). */
	r = mod_need("loop");
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the loop module: %s",
			 file_strerror(r));
		return r;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	spec_of(n, &s);
	r = loop_attach(&s, d, c->deadline_ms, &res);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot attach %s to a loop device%s%s: %s",
			 s.file, res.attempts > 1 ? " " : "",
			 res.attempts > 1 ? retry_describe(&res, how, sizeof(how)) : "",
			 file_strerror(r));
		free(d);
		return r;
	}
	/*
	 * Held open until the plan is freed (loop_release_run), the process
	 * ends or it execs init: with autoclear, closing now would detach it
	 * before its users hold it.
	 */
	n->run = d;
	share_binding(c, d, s.offset);
	describe(n, d, s.file);
	return s.part_scan ? partitions_up(c, n, d) : 0;
}

static int loop_down(struct run_ctx *c, struct plan_node *n)
{
	struct retry_result res;
	struct loop_spec s;
	struct loop_dev found, *d = n->run;
	char how[96];
	int r;

	spec_of(n, &s);
	if (!d) {
		/* Another run made it: find it by its file, never by number. */
		r = loop_find_bound(&s, hint_of(n), &found);
		if (r < 0)
			driver_say(n->why, NODE_WHY_SIZE, "cannot look for the loop device bound "
				   "to %s: %s", s.file, strerror(-r));
		if (r <= 0)
			return r;
		d = &found;
	}
	r = loop_detach(d, c->deadline_ms, &res);
	if (r == -ESTALE)
		driver_say(n->why, NODE_WHY_SIZE, "%s is bound to another file now: left alone",
			 d->path);
	else if (r < 0) {
		char who[200];

		/* The kernel defers the clear while someone holds it: say who. */
		if (holders_describe(d->path, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "no holder found");
		driver_say(n->why, NODE_WHY_SIZE, "%s still bound %s: %s (held by %s)",
			   d->path, retry_describe(&res, how, sizeof(how)), strerror(-r), who);
	}
	if (d == n->run) {
		free(d);
		n->run = NULL;
	}
	return r;
}

/* "ro,autoclear,partscan,dio offset=1048576 sizelimit=0" from sysfs. */
static void flags_of(int nr, char *buf, size_t size)
{
	static const char *const attrs[][2] = {
		{ "ro", "ro" }, { "loop/autoclear", "autoclear" },
		{ "loop/partscan", "partscan" }, { "loop/dio", "dio" },
	};
	char path[64], v[32];
	size_t len = 0;
	uint64_t off = 0, lim = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]) && len < size; i++) {
		snprintf(path, sizeof(path), "/sys/block/loop%d/%s", nr, attrs[i][0]);
		if (file_read(path, v, sizeof(v)) > 0 && v[0] == '1')
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
						attrs[i][1]);
	}
	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/offset", nr);
	file_read_u64(path, &off);
	snprintf(path, sizeof(path), "/sys/block/loop%d/loop/sizelimit", nr);
	file_read_u64(path, &lim);
	if (len < size)
		snprintf(buf + len, size - len, "%soffset=%llu sizelimit=%llu", len ? " " : "",
			 (unsigned long long)off, (unsigned long long)lim);
}

static int loop_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	struct loop_spec s;
	struct loop_dev d;
	char flags[128];

	(void)c;
	memset(st, 0, sizeof(*st));
	spec_of(n, &s);
	st->present = loop_find_bound(&s, hint_of(n), &d) == 1;
	if (st->present) {
		describe(n, &d, s.file);
		flags_of(d.nr, flags, sizeof(flags));
		driver_say(st->detail, sizeof(st->detail), "%s [%s]", n->summary, flags);
	} else {
		driver_say(st->detail, sizeof(st->detail), "%s not bound", s.file);
	}
	return 0;
}

/*
 * Needed as soon as the plan has a loop node: the boot's loader starts on
 * it once the plan is read, and loop_up waits for it (mod_need).
 */
static void loop_modules(const struct plan_node *n, struct mod_wish *w)
{
	(void)n;
	mod_wish_add(w, "loop", true);
}

/* The plan is freed: the device this run kept open is closed, still bound. */
static void loop_release_run(struct plan_node *n)
{
	struct loop_dev *d = n->run;

	loop_release(d);
	free(d);
	n->run = NULL;
}

const struct driver loop_driver = {
	.kind = "loop",
	.opts = loop_opts,
	.provides_device = true,
	.validate = loop_validate,
	.adopt = loop_adopt,
	.up = loop_up,
	.down = loop_down,
	.status = loop_status,
	.modules = loop_modules,
	.release = loop_release_run,
};
