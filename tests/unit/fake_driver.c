/* SPDX-License-Identifier: MIT */
/* Plans built in code and a scripted driver: see fake_driver.h. */
#include "fake_driver.h"
#include "fake_sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NODES 64
#define MAX_EVENTS 256
#define EVENT_SIZE 40

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char ev[MAX_EVENTS][EVENT_SIZE];
	unsigned int nev;
	unsigned int arrived, need;
} rec = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

void fake_driver_reset(unsigned int need)
{
	pthread_mutex_lock(&rec.lock);
	rec.nev = rec.arrived = 0;
	rec.need = need;
	pthread_mutex_unlock(&rec.lock);
}

static void record(const char *what, const char *name)
{
	pthread_mutex_lock(&rec.lock);
	if (rec.nev < MAX_EVENTS)
		snprintf(rec.ev[rec.nev++], EVENT_SIZE, "%s:%s", what, name);
	pthread_mutex_unlock(&rec.lock);
}

/* Waits (bounded) until rec.need ups have arrived; false on timeout. */
static bool rendezvous(void)
{
	struct timespec until;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += FAKE_RENDEZVOUS_S;
	pthread_mutex_lock(&rec.lock);
	rec.arrived++;
	pthread_cond_broadcast(&rec.cond);
	while (rec.arrived < rec.need && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&rec.cond, &rec.lock, &until);
	pthread_mutex_unlock(&rec.lock);
	return r != ETIMEDOUT;
}

static int scripted(struct plan_node *n, int ret, const char *why)
{
	if (ret < 0 && why)
		snprintf(n->why, NODE_WHY_SIZE, "%s", why);
	return ret;
}

static int fake_adopt(struct run_ctx *c, struct plan_node *n)
{
	const struct fake_script *s = n->conf;

	(void)c;
	if (s->adopt == 0)
		return 0;
	record("adopt", n->name);
	if (s->adopt > 0) {
		snprintf(n->summary, NODE_SUMMARY_SIZE, "found %s", n->name);
		record("end", n->name);
	}
	return scripted(n, s->adopt, s->why);
}

static int fake_up(struct run_ctx *c, struct plan_node *n)
{
	const struct fake_script *s = n->conf;

	record("up", n->name);
	if (!c->plan)
		return scripted(n, -EFAULT, "no plan in the run context");
	if (s->rendezvous && !rendezvous())
		return scripted(n, -ETIMEDOUT, "rendezvous: the other nodes never came");
	if (s->advance_ms)
		fake_clock_set_ms(fake_now_ms() + s->advance_ms);
	if (s->up == 0)
		snprintf(n->summary, NODE_SUMMARY_SIZE, "made %s", n->name);
	record("end", n->name);
	return scripted(n, s->up, s->why);
}

static int fake_down(struct run_ctx *c, struct plan_node *n)
{
	const struct fake_script *s = n->conf;

	(void)c;
	record("down", n->name);
	return scripted(n, s->down, s->why);
}

const struct driver fake_driver = {
	.kind = "test",
	.may_fail_opt = "members",
	.adopt = fake_adopt,
	.up = fake_up,
	.down = fake_down,
};

/*
 * A broken description is a broken test. No ATF here: the fuzz targets
 * link the fakes too, without libatf-c.
 */
static void require(bool ok, const char *what, const char *arg)
{
	if (ok)
		return;
	fprintf(stderr, "fake_driver: %s: '%s'\n", what, arg);
	abort();
}

static int find(const struct plan *p, const char *name, size_t len)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (strlen(p->nodes[i].name) == len && !strncmp(p->nodes[i].name, name, len))
			return (int)i;
	return -1;
}

/* "kind name" or "name". */
static void add_node(struct plan *p, const char *desc, size_t len)
{
	struct plan_node *n = &p->nodes[p->count];
	const char *sp = memchr(desc, ' ', len);

	require(p->count < MAX_NODES, "too many nodes at", desc);
	n->kind = sp ? strndup(desc, (size_t)(sp - desc)) : strdup("test");
	n->name = sp ? strndup(sp + 1, len - (size_t)(sp + 1 - desc)) : strndup(desc, len);
	n->pos.line = n->name_pos.line = p->count + 1;
	n->pos.col = 1;
	n->name_pos.col = sp ? (unsigned int)(sp - desc) + 2 : 1;
	n->drv = &fake_driver;
	n->conf = calloc(1, sizeof(struct fake_script));
	n->deps = calloc(MAX_NODES, sizeof(*n->deps));
	/* The run texts, one block (plan_add_node's slabs hold them in lib). */
	n->device = calloc(1, NODE_DEVICE_SIZE + NODE_SUMMARY_SIZE + NODE_WHY_SIZE);
	require(n->device != NULL, "out of memory at", desc);
	n->summary = n->device + NODE_DEVICE_SIZE;
	n->why = n->summary + NODE_SUMMARY_SIZE;
	p->count++;
}

/* Adds value to n's option key (made on first use). */
static void add_value(struct plan_node *n, const char *key, const char *v, size_t len)
{
	struct plan_opt *o = NULL;

	for (unsigned int k = 0; k < n->nopts; k++)
		if (!strcmp(n->opts[k].key, key))
			o = &n->opts[k];
	if (!o) {
		n->opts = realloc(n->opts, (n->nopts + 1) * sizeof(*n->opts));
		require(n->opts, "out of memory at", v);
		o = &n->opts[n->nopts++];
		*o = (struct plan_opt){ .key = strdup(key) };
	}
	o->values = realloc(o->values, (o->nvalues + 1) * sizeof(*o->values));
	require(o->values, "out of memory at", v);
	o->values[o->nvalues++] = (struct plan_value){ .text = strndup(v, len) };
}

/* "a,~b,^c": b also in option members (may fail), c also in option after. */
static void add_deps(struct plan *p, struct plan_node *n, const char *list)
{
	while (*list) {
		const char *key = *list == '~' ? "members" : *list == '^' ? "after" : NULL;
		size_t len;
		int d;

		list += key != NULL;
		len = strcspn(list, ",");
		d = find(p, list, len);
		require(d >= 0, "unknown dep in", list);
		n->deps[n->ndeps++] = (unsigned int)d;
		if (key)
			add_value(n, key, list, len);
		list += len + (list[len] == ',');
	}
}

static void free_opts(struct plan_node *n)
{
	for (unsigned int k = 0; k < n->nopts; k++) {
		for (unsigned int v = 0; v < n->opts[k].nvalues; v++)
			free(n->opts[k].values[v].text);
		free(n->opts[k].values);
		free(n->opts[k].key);
	}
	free(n->opts);
}

void fake_plan_build(struct plan *p, const char *desc)
{
	char *copy = strdup(desc), *save = NULL, *deps[MAX_NODES];

	fake_driver_reset(2);
	memset(p, 0, sizeof(*p));
	p->file = strdup("test.conf");
	p->nodes = calloc(MAX_NODES, sizeof(*p->nodes));
	p->cap = MAX_NODES;
	/* Nodes first, then deps, so a dep may name a later node. */
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(t, ':');

		t += strspn(t, " ");
		deps[p->count] = colon ? colon + 1 : (char *)"";
		add_node(p, t, colon ? (size_t)(colon - t) : strlen(t));
	}
	for (unsigned int i = 0; i < p->count; i++)
		add_deps(p, &p->nodes[i], deps[i]);
	free(copy);
}

void fake_plan_free(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		free(p->nodes[i].name);
		free(p->nodes[i].kind);
		free(p->nodes[i].deps);
		free(p->nodes[i].conf);
		free(p->nodes[i].device);
		free_opts(&p->nodes[i]);
	}
	free(p->nodes);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

struct plan_node *fake_node(struct plan *p, const char *name)
{
	int i = find(p, name, strlen(name));

	require(i >= 0, "no node", name);
	return &p->nodes[i];
}

struct fake_script *fake_script(struct plan *p, const char *name)
{
	return fake_node(p, name)->conf;
}

/* Read after the run: no worker is left to record. */
const char *fake_driver_calls(void)
{
	static char out[MAX_EVENTS * EVENT_SIZE];

	out[0] = '\0';
	for (unsigned int i = 0; i < rec.nev; i++)
		if (strncmp(rec.ev[i], "end:", 4))
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", rec.ev[i]);
	return out;
}

int fake_driver_event(const char *what, const char *name)
{
	char ev[EVENT_SIZE];

	snprintf(ev, sizeof(ev), "%s:%s", what, name);
	for (unsigned int i = 0; i < rec.nev; i++)
		if (!strcmp(rec.ev[i], ev))
			return (int)i;
	return -1;
}

unsigned int fake_driver_events(void)
{
	return rec.nev;
}
