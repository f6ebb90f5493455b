/* SPDX-License-Identifier: MIT */
/*
 * What every node kind shares: finding a kind in the table handed in,
 * option values with defaults, devices named by a node or a devspec, and
 * the one way a kind reports a validation error.
 */
#include "driver.h"
#include "plan_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "devspec.h"
#include "devwait.h"
#include "sys.h"

const struct driver *driver_find(const struct driver *const *kinds, const char *kind)
{
	for (unsigned int i = 0; kinds && kinds[i]; i++)
		if (!strcmp(kinds[i]->kind, kind))
			return kinds[i];
	return NULL;
}

bool driver_bool(const struct plan_node *n, const char *key, bool dflt)
{
	const char *v = plan_str(n, key);
	bool b;

	return v && plan_parse_bool(v, &b) == 0 ? b : dflt;
}

uint64_t driver_size(const struct plan_node *n, const char *key, uint64_t dflt)
{
	const char *v = plan_str(n, key);
	uint64_t s;

	return v && plan_parse_size(v, &s) == 0 ? s : dflt;
}

int driver_resolve_device(struct run_ctx *c, struct plan_node *n, const char *key,
			  char *out, size_t size)
{
	const char *v = plan_str(n, key);

	return v ? driver_resolve(c, n, v, out, size) : -EINVAL;
}

int driver_resolve(struct run_ctx *c, struct plan_node *n, const char *v,
		   char *out, size_t size)
{
	const char *why;
	struct devspec ds;
	int i, r;

	i = plan_find(c->plan, v);
	if (i >= 0) {
		const struct plan_node *dep = &c->plan->nodes[i];

		if (!dep->device[0]) {
			driver_say(n->why, NODE_WHY_SIZE, "node '%s' provides no device yet", v);
			return -ENODEV;
		}
		snprintf(out, size, "%s", dep->device);
		return 0;
	}
	if (devspec_parse(v, &ds, &why) < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s: expected %s", v, why);
		return -EINVAL;
	}
	r = devwait_block(&ds, c->deadline_ms ? c->deadline_ms : sys_now_ms(), out, size);
	if (r == -ENOTUNIQ)
		driver_say(n->why, NODE_WHY_SIZE,
			   "%s is ambiguous: %s all carry it; name one device", v, out);
	else if (r == -ETIMEDOUT)
		driver_say(n->why, NODE_WHY_SIZE, "no block device %s appeared in time", v);
	else if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "waiting for %s: %s", v, strerror(-r));
	return r;
}

int driver_bad(struct plan *p, struct plan_error *err, const struct plan_opt *o,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = plan_vfail(err, p, o->nvalues ? o->values[0].pos : o->pos, fmt, ap);
	va_end(ap);
	return r;
}

void driver_say(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

void mod_wish_add(struct mod_wish *w, const char *name, bool at_boot)
{
	unsigned int i;

	for (i = 0; i < w->count; i++)
		if (!strcmp(w->names[i], name)) {
			w->at_boot[i] = w->at_boot[i] || at_boot;
			return;
		}
	if (strlen(name) >= MOD_NAME_MAX) {
		w->err = -ENAMETOOLONG;
		return;
	}
	if (w->count == MOD_WISH_MAX) {
		w->err = -ENOSPC;
		return;
	}
	snprintf(w->names[w->count], MOD_NAME_MAX, "%s", name);
	w->at_boot[w->count++] = at_boot;
}

void run_share_init(struct run_share *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

void run_share_end(struct run_share *s)
{
	for (unsigned int k = 0; k < RUN_SHARE_SLOTS; k++)
		if (s->slot[k].data && s->slot[k].drop)
			s->slot[k].drop(s->slot[k].data);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}

void **run_share_lock(const struct run_ctx *c, const void *owner, void (*drop)(void *))
{
	struct run_share *s = c ? c->share : NULL;

	if (!s)
		return NULL;
	pthread_mutex_lock(&s->lock);
	for (unsigned int k = 0; k < RUN_SHARE_SLOTS; k++) {
		if (!s->slot[k].owner) {
			s->slot[k].owner = owner;
			s->slot[k].drop = drop;
		}
		if (s->slot[k].owner == owner)
			return &s->slot[k].data;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void run_share_unlock(const struct run_ctx *c)
{
	pthread_mutex_unlock(&c->share->lock);
}
