/* SPDX-License-Identifier: MIT */
/*
 * Kind "overlay": an overlayfs mount of read-only lower layers (mount
 * nodes) under a writable upper layer, either RAM (a tmpfs of its own) or
 * a folder on a filesystem (persistent), with overlayfs' work folder
 * beside it. This file checks a node at plan time, before anything is
 * touched: what the kernel would refuse late, and what it would take
 * silently but wrongly. Bringing it up: overlay_up.c.
 */
#include "driver.h"
#include "overlay.h"
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct driver_opt overlay_opts[] = {
	{ "lower", OPT_NODES, true, true, "the read-only layers: mount nodes, top first" },
	{ "upper", OPT_PATH, false, false,
	  "the writable layer: a folder (made when missing); default: a tmpfs" },
	{ "size", OPT_SIZE, false, false, "the size of a tmpfs upper layer" },
	{ "work", OPT_PATH, false, false,
	  "overlayfs' work folder, on the upper folder's filesystem (default: its sibling work)" },
	{ "target", OPT_PATH, true, false, "where (made when missing)" },
	{ "read-only", OPT_BOOL, false, false, "mount read-only" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

/* The kernel splits overlayfs' options at ',' and lowerdir at ':'. */
#define OVL_BAD_CHARS ",:\\"

int ovl_dirs_of(const struct plan_node *n, struct ovl_dirs *d)
{
	const char *upper = plan_str(n, "upper"), *work = plan_str(n, "work");
	int len;

	if (!upper) {
		len = snprintf(d->base, sizeof(d->base), "%s/overlay/%s", state_dir(), n->name);
		/* The longer of the two folders inside it. */
		if (len < 0 || (size_t)len + sizeof("/upper") > sizeof(d->base))
			return -ENAMETOOLONG;
		d->tmpfs = true;
		snprintf(d->upper, sizeof(d->upper), "%.*s/upper", len, d->base);
		snprintf(d->work, sizeof(d->work), "%.*s/work", len, d->base);
		return 0;
	}
	if (work)
		len = snprintf(d->work, sizeof(d->work), "%s", work);
	else
		len = snprintf(d->work, sizeof(d->work), "%.*s/work",
			       (int)(strrchr(upper, '/') - upper), upper);
	if (len < 0 || (size_t)len >= sizeof(d->work))
		return -ENAMETOOLONG;
	d->tmpfs = false;
	d->base[0] = '\0';
	snprintf(d->upper, sizeof(d->upper), "%s", upper);
	return 0;
}

const char *ovl_lower_point(const struct plan *p, const char *name)
{
	int j = plan_find(p, name);
	const struct driver *drv = j < 0 ? NULL : driver_find(p->kinds, p->nodes[j].kind);

	return drv && drv->mount_point_opt ? plan_str(&p->nodes[j], drv->mount_point_opt)
					   : NULL;
}

/* One lower layer: a mount, listed once, not holding the overlay's target. */
static int check_lower(struct plan *p, const struct plan_node *n, unsigned int k,
		       struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "lower");
	const struct plan_value *v = &o->values[k], *t = &plan_opt(n, "target")->values[0];
	const struct plan_node *l = &p->nodes[plan_find(p, v->text)];
	const struct driver *drv = driver_find(p->kinds, l->kind);
	const char *point;

	if (!drv || !drv->mount_point_opt)
		return plan_fail(err, p, v->pos, "lower layer '%s' of overlay node '%s' is a %s "
				 "node (expected mount or overlay nodes)", v->text, n->name,
				 l->kind);
	for (unsigned int j = 0; j < k; j++)
		if (!strcmp(o->values[j].text, v->text))
			return plan_fail(err, p, v->pos, "lower layer '%s' is listed twice "
					 "(first at %u:%u)", v->text, o->values[j].pos.line,
					 o->values[j].pos.col);
	point = plan_str(l, drv->mount_point_opt);
	if (!point)
		return 0;	/* the lower node's own check says so */
	if (strpbrk(point, OVL_BAD_CHARS))
		return plan_fail(err, p, v->pos, "lower layer '%s' is mounted on %s: overlayfs "
				 "cannot take ',', ':' or '\\' in a layer's path", v->text, point);
	if (plan_path_under(t->text, point))
		return plan_fail(err, p, t->pos, "target %s of overlay node '%s' is inside its "
				 "lower layer '%s' (mounted on %s)", t->text, n->name, v->text,
				 point);
	return 0;
}

/* Where a folder of the layers may not be: below the target or a lower. */
static int check_place(struct plan *p, const struct plan_node *n, const char *what,
		       const char *dir, struct plan_pos pos, struct plan_error *err)
{
	const struct plan_opt *o = plan_opt(n, "lower");
	const char *target = plan_str(n, "target"), *point;

	if (strpbrk(dir, OVL_BAD_CHARS))
		return plan_fail(err, p, pos, "%s folder %s: overlayfs cannot take ',', ':' "
				 "or '\\' in a layer's path", what, dir);
	if (plan_path_under(dir, target))
		return plan_fail(err, p, pos, "%s folder %s is below the overlay's own target "
				 "%s, which the overlay hides", what, dir, target);
	for (unsigned int k = 0; k < o->nvalues; k++) {
		point = ovl_lower_point(p, o->values[k].text);
		if (point && plan_path_under(dir, point))
			return plan_fail(err, p, pos, "%s folder %s is inside lower layer '%s' "
					 "(mounted on %s): overlayfs wants its layers apart",
					 what, dir, o->values[k].text, point);
	}
	return 0;
}

/* What holds a folder, for messages: "mount node 'x'" or none of the plan. */
static const char *holder(const struct plan *p, int m, char *buf, size_t size)
{
	if (m < 0)
		return "no mount of the plan";
	snprintf(buf, size, "mount node '%s'", p->nodes[m].name);
	return buf;
}

/* Upper and work: apart, on one filesystem (one mount node), not hidden. */
static int check_folders(struct plan *p, unsigned int i, const struct ovl_dirs *d,
			 struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i];
	const struct plan_opt *w = plan_opt(n, "work");
	struct plan_pos upos = plan_opt(n, "upper")->values[0].pos;
	struct plan_pos wpos = w ? w->values[0].pos : upos;
	const char *dflt = w ? "" : " (the default; give option 'work')";
	char a[96], b[96];
	int hu, hw, r;

	r = check_place(p, n, "upper", d->upper, upos, err);
	if (r == 0)
		r = check_place(p, n, "work", d->work, wpos, err);
	if (r < 0)
		return r;
	if (plan_path_under(d->work, d->upper) || plan_path_under(d->upper, d->work))
		return plan_fail(err, p, wpos, "work folder %s%s and upper folder %s are inside "
				 "one another (overlayfs wants them apart)", d->work, dflt,
				 d->upper);
	hu = plan_mount_holding(p, i, d->upper);
	hw = plan_mount_holding(p, i, d->work);
	if (hu != hw)
		return plan_fail(err, p, wpos, "work folder %s%s is on %s and upper folder %s "
				 "on %s: overlayfs wants them on one filesystem", d->work, dflt,
				 holder(p, hw, a, sizeof(a)), d->upper,
				 holder(p, hu, b, sizeof(b)));
	return 0;
}

/* The options that go with one kind of upper layer only. */
static int check_upper_kind(struct plan *p, const struct plan_node *n,
			    struct plan_error *err)
{
	const struct plan_opt *size = plan_opt(n, "size"), *work = plan_opt(n, "work");

	if (plan_opt(n, "upper") && size)
		return driver_bad(p, err, size, "option 'size' is for a tmpfs upper layer, and "
				  "overlay node '%s' has the folder %s (drop 'size' or 'upper')",
				  n->name, plan_str(n, "upper"));
	if (size && driver_size(n, "size", 0) == 0)
		return driver_bad(p, err, size, "size 0 would make the tmpfs unlimited (leave "
				  "'size' out for the kernel's default, half of the memory)");
	if (!plan_opt(n, "upper") && work)
		return driver_bad(p, err, work, "option 'work' needs option 'upper': a tmpfs "
				  "upper layer has its work folder beside it");
	return 0;
}

static int claim_folder(struct plan *p, struct plan_node *n, const char *key,
			const char *dir, const char *what)
{
	const struct plan_opt *o = plan_opt(n, key) ? plan_opt(n, key) : plan_opt(n, "upper");
	struct claim_spec c = { .space = "overlay folder", .key = dir, .path = true,
				.pos = o->values[0].pos };

	return driver_claim(p, n, &c, "keeps its %s folder in %s", what, dir);
}

static int overlay_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	const struct plan_value *t = &plan_opt(n, "target")->values[0];
	struct claim_spec c = { .space = "mount point", .key = t->text, .pos = t->pos };
	unsigned int i = (unsigned int)(n - p->nodes);
	struct ovl_dirs d;
	int r = 0;

	for (unsigned int k = 0; r == 0 && k < plan_opt(n, "lower")->nvalues; k++)
		r = check_lower(p, n, k, err);
	if (r == 0)
		r = check_upper_kind(p, n, err);
	if (r == 0 && ovl_dirs_of(n, &d) < 0)
		r = plan_opt(n, "upper") ?
		    driver_bad(p, err, plan_opt(n, "upper"), "upper folder %s: its work "
			       "folder's path would be too long", plan_str(n, "upper")) :
		    plan_fail(err, p, n->name_pos, "the tmpfs folder of overlay node '%s' below "
			      "%s would have too long a path", n->name, state_dir());
	if (r == 0 && d.tmpfs && strpbrk(d.base, OVL_BAD_CHARS))
		r = plan_fail(err, p, n->name_pos, "the tmpfs folder %s of overlay node '%s': "
			      "overlayfs cannot take ',', ':' or '\\' in a layer's path (set "
			      "BLKASM_RUN_DIR)", d.base, n->name);
	if (r == 0 && !d.tmpfs)
		r = check_folders(p, i, &d, err);
	if (r == 0)
		r = driver_claim(p, n, &c, "mounts on %s", t->text);
	if (r == 0 && !d.tmpfs)
		r = claim_folder(p, n, "upper", d.upper, "upper");
	if (r == 0 && !d.tmpfs)
		r = claim_folder(p, n, "work", d.work, "work");
	return r;
}

/* overlayfs may be a module; tmpfs is always built in. */
static void overlay_modules(const struct plan_node *n, struct mod_wish *w)
{
	(void)n;
	mod_wish_add(w, "overlay", true);
}

const struct driver overlay_driver = {
	.kind = "overlay",
	.opts = overlay_opts,
	.provides_device = false,
	.mount_point_opt = "target",
	.validate = overlay_validate,
	.adopt = overlay_adopt,
	.up = overlay_up,
	.down = overlay_down,
	.status = overlay_status,
	.modules = overlay_modules,
};
