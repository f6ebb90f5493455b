/* SPDX-License-Identifier: MIT */
/*
 * The executor. Up runs on a small pool: one mutex guards every node's
 * state and the run's bookkeeping, workers take the first ready node in
 * file order, call its driver with the mutex released, then mark it and
 * wake the others. The calling thread is one of the workers, so jobs 0 or
 * 1 runs everything inline without a thread.
 */
#include "exec.h"
#include "driver.h"
#include "graph.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More threads than this would only wait on the kernel's own locks. */
#define EXEC_MAX_JOBS 32
/*
 * musl gives threads 128 KiB of stack; libblkid probing and the drivers'
 * sector buffers are safer with more.
 */
#define EXEC_STACK_SIZE (512u * 1024u)

enum exec_phase {
	PHASE_IDLE,		/* not wanted, or already up before this run */
	PHASE_TODO,
	PHASE_RUNNING,
	PHASE_DONE,
};

struct exec_run {
	struct plan *p;
	struct run_ctx ctx;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	unsigned char *phase;		/* enum exec_phase per node */
	unsigned int *done;		/* nodes brought up, in completion order */
	unsigned int ndone;
	unsigned int running;
	int err;			/* the first failure */
	int failed;			/* its node */
};

static bool node_is_up(const struct plan_node *n)
{
	return n->state == NODE_UP || n->state == NODE_ADOPTED;
}

/* Is v one of the values of option o? */
static bool opt_has(const struct plan_opt *o, const char *v)
{
	for (unsigned int k = 0; k < o->nvalues; k++)
		if (!strcmp(o->values[k].text, v))
			return true;
	return false;
}

/*
 * May n go on without node d? Only when d is named in n's may_fail_opt
 * and in no other option of n (an "after d" still needs d up).
 */
static bool dep_may_fail(const struct plan_node *n, const struct plan_node *d)
{
	const char *key = n->drv ? n->drv->may_fail_opt : NULL;
	bool named = false;

	for (unsigned int k = 0; key && k < n->nopts; k++) {
		if (!opt_has(&n->opts[k], d->name))
			continue;
		if (strcmp(n->opts[k].key, key))
			return false;
		named = true;
	}
	return named;
}

static bool dep_settled(const struct exec_run *r, const struct plan_node *n, unsigned int d)
{
	const struct plan_node *dn = &r->p->nodes[d];

	if (node_is_up(dn))
		return true;
	return r->phase[d] == PHASE_DONE && dn->state == NODE_FAILED && dep_may_fail(n, dn);
}

static bool deps_up(const struct exec_run *r, const struct plan_node *n)
{
	for (unsigned int k = 0; k < n->ndeps; k++)
		if (n->deps[k] >= r->p->count || !dep_settled(r, n, n->deps[k]))
			return false;
	return true;
}

/* The first node in file order that may start now, or -1. Under lock. */
static int exec_next_ready(struct exec_run *r)
{
	if (r->err)
		return -1;
	for (unsigned int i = 0; i < r->p->count; i++)
		if (r->phase[i] == PHASE_TODO && deps_up(r, &r->p->nodes[i]))
			return (int)i;
	return -1;
}

/*
 * A node of this run still to start that needs node i and goes on without
 * it, when every such node does; else NULL (its failure is the run's).
 */
static const struct plan_node *exec_tolerated(const struct exec_run *r, unsigned int i)
{
	const struct plan_node *by = NULL;

	for (unsigned int j = 0; j < r->p->count; j++) {
		const struct plan_node *n = &r->p->nodes[j];

		if (r->phase[j] != PHASE_TODO)
			continue;
		for (unsigned int k = 0; k < n->ndeps; k++) {
			if (n->deps[k] != i)
				continue;
			if (!dep_may_fail(n, &r->p->nodes[i]))
				return NULL;
			by = n;
		}
	}
	return by;
}

/* Adopt or bring up one node; the caller holds no lock. 1: adopted. */
static int exec_node_up(const struct exec_run *r, struct plan_node *n)
{
	struct run_ctx c = r->ctx;	/* a driver may scribble on its own */
	int ret;

	n->why[0] = '\0';
	n->summary[0] = '\0';
	if (c.deadline_ms && sys_now_ms() >= c.deadline_ms) {
		snprintf(n->why, NODE_WHY_SIZE, "not started before the deadline");
		return -ETIMEDOUT;
	}
	if (!n->drv || !n->drv->up) {
		snprintf(n->why, NODE_WHY_SIZE, "no driver for kind '%s'", n->kind);
		return -EINVAL;
	}
	if (n->drv->adopt) {
		ret = n->drv->adopt(&c, n);
		if (ret != 0)
			return ret > 0 ? 1 : ret;
	}
	ret = n->drv->up(&c, n);
	return ret > 0 ? 0 : ret;
}

/* Records how node i ended and logs it. Under lock. */
static void exec_mark(struct exec_run *r, unsigned int i, int ret)
{
	struct plan_node *n = &r->p->nodes[i];
	const struct plan_node *by;

	r->phase[i] = PHASE_DONE;
	if (ret < 0 && (by = exec_tolerated(r, i))) {
		n->state = NODE_FAILED;
		log_err("%s: %s; %s goes on without it", n->name,
			n->why[0] ? n->why : strerror(-ret), by->name);
	} else if (ret < 0) {
		n->state = NODE_FAILED;
		log_err("%s: %s", n->name, n->why[0] ? n->why : strerror(-ret));
		if (!r->err) {
			r->err = ret;
			r->failed = (int)i;
		}
	} else if (ret == 1) {
		n->state = NODE_ADOPTED;
		log_info("%s: already up: %s", n->name, n->summary[0] ? n->summary : "verified");
	} else {
		n->state = NODE_UP;
		n->created = true;
		r->done[r->ndone++] = i;
		log_info("%s: %s (%llu ms)", n->name, n->summary[0] ? n->summary : "up",
			 (unsigned long long)n->ms);
	}
}

static void *exec_worker(void *arg)
{
	struct exec_run *r = arg;
	int i;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		struct plan_node *n;
		uint64_t t0;
		int ret;

		i = exec_next_ready(r);
		if (i < 0) {
			/* Nobody running: nothing can become ready any more. */
			if (!r->running)
				break;
			pthread_cond_wait(&r->wake, &r->lock);
			continue;
		}
		n = &r->p->nodes[i];
		r->phase[i] = PHASE_RUNNING;
		r->running++;
		pthread_mutex_unlock(&r->lock);

		t0 = sys_now_ms();
		ret = exec_node_up(r, n);
		n->ms = sys_now_ms() - t0;

		pthread_mutex_lock(&r->lock);
		exec_mark(r, (unsigned int)i, ret);
		r->running--;
		pthread_cond_broadcast(&r->wake);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Runs the workers: jobs - 1 threads plus the calling one. */
static void exec_pool(struct exec_run *r, unsigned int jobs)
{
	pthread_t tid[EXEC_MAX_JOBS];
	pthread_attr_t attr;
	unsigned int n = 0;

	if (jobs > EXEC_MAX_JOBS)
		jobs = EXEC_MAX_JOBS;
	if (jobs > 1 && pthread_attr_init(&attr) == 0) {
		pthread_attr_setstacksize(&attr, EXEC_STACK_SIZE);
		/* A thread we cannot get only makes the run less parallel. */
		while (n + 1 < jobs && pthread_create(&tid[n], &attr, exec_worker, r) == 0)
			n++;
		pthread_attr_destroy(&attr);
	}
	exec_worker(r);
	while (n)
		pthread_join(tid[--n], NULL);
}

static void exec_stuck(const struct plan *p, struct plan_node *n)
{
	for (unsigned int k = 0; k < n->ndeps; k++) {
		unsigned int d = n->deps[k];

		if (d >= p->count || !node_is_up(&p->nodes[d])) {
			snprintf(n->why, NODE_WHY_SIZE, "cannot start: needs %s, which is not up",
				 d < p->count ? p->nodes[d].name : "a node not in the plan");
			return;
		}
	}
}

/*
 * Nodes still to do after the workers stopped. With no failure, they wait
 * for a node that will not come up (one not wanted, or a cycle): that is
 * the failure. The rest are skipped.
 */
static void exec_leftovers(struct exec_run *r)
{
	struct plan *p = r->p;

	for (unsigned int i = 0; i < p->count; i++) {
		struct plan_node *n = &p->nodes[i];

		if (r->phase[i] != PHASE_TODO)
			continue;
		if (!r->err) {
			exec_stuck(p, n);
			exec_mark(r, i, -EDEADLK);
			continue;
		}
		n->state = NODE_SKIPPED;
		snprintf(n->why, NODE_WHY_SIZE, "not started: %s failed",
			 p->nodes[r->failed].name);
		r->phase[i] = PHASE_DONE;
	}
}

/* Takes one node down; logs a failure and leaves the node as it is. */
static int exec_node_down(struct plan *p, struct plan_node *n, uint64_t deadline_ms)
{
	struct run_ctx c = { .plan = p, .deadline_ms = deadline_ms };
	uint64_t t0 = sys_now_ms();
	int ret = -EOPNOTSUPP;

	n->why[0] = '\0';
	if (n->drv && n->drv->down)
		ret = n->drv->down(&c, n);
	if (ret < 0) {
		log_err("%s: cannot take it down: %s", n->name,
			n->why[0] ? n->why : strerror(-ret));
		return ret;
	}
	n->state = NODE_DOWN;
	n->created = false;	/* what blkasm made is gone */
	log_info("%s: down (%llu ms)", n->name, (unsigned long long)(sys_now_ms() - t0));
	return 0;
}

/* Undoes this run, newest first: later nodes may hold earlier ones. */
static void exec_teardown(struct exec_run *r)
{
	while (r->ndone) {
		struct plan_node *n = &r->p->nodes[r->done[--r->ndone]];

		if (n->state == NODE_UP)
			exec_node_down(r->p, n, r->ctx.deadline_ms);
	}
}

int exec_up(struct plan *p, const bool *want, const struct exec_opts *o)
{
	struct exec_run r = {
		.p = p,
		.ctx = { .plan = p, .deadline_ms = o->deadline_ms },
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.wake = PTHREAD_COND_INITIALIZER,
		.failed = -1,
	};
	struct run_share share;

	/* One look at what the kernel has, shared by the run's nodes. */
	run_share_init(&share);
	r.ctx.share = &share;
	r.phase = calloc(p->count + 1, sizeof(*r.phase));
	r.done = calloc(p->count + 1, sizeof(*r.done));
	if (!r.phase || !r.done) {
		r.err = -ENOMEM;
		goto out_free;
	}
	for (unsigned int i = 0; i < p->count; i++)
		if ((!want || want[i]) && !node_is_up(&p->nodes[i]))
			r.phase[i] = PHASE_TODO;
	exec_pool(&r, o->jobs);
	exec_leftovers(&r);
	if (r.err)
		exec_teardown(&r);
out_free:
	if (o->failed)
		*o->failed = r.err && r.failed >= 0 ? &p->nodes[r.failed] : NULL;
	free(r.phase);
	free(r.done);
	run_share_end(&share);
	return r.err;
}

/* A wanted node that needs node d and is still up after its turn, or NULL. */
static const char *exec_held_by(const struct plan *p, const bool *held, unsigned int d)
{
	for (unsigned int i = 0; i < p->count; i++) {
		const struct plan_node *n = &p->nodes[i];

		for (unsigned int k = 0; held[i] && k < n->ndeps; k++)
			if (n->deps[k] == d)
				return n->name;
	}
	return NULL;
}

/* Takes down node i if it is blkasm's and nothing wanted still needs it. */
static int exec_down_one(struct plan *p, unsigned int i, bool *held, uint64_t deadline_ms)
{
	struct plan_node *n = &p->nodes[i];
	const char *by;
	int ret;

	if (!n->created) {
		log_info("%s: left alone: not created by blkasm", n->name);
		/* Found up (adopted): it keeps what it sits on in use. */
		held[i] = node_is_up(n);
		return 0;
	}
	by = exec_held_by(p, held, i);
	if (by) {
		log_warn("%s: left up: %s still needs it", n->name, by);
		held[i] = true;
		return 0;
	}
	ret = exec_node_down(p, n, deadline_ms);
	held[i] = ret < 0;
	return ret;
}

/*
 * One node at a time: down is not on the boot path, and walking the
 * dependency order backwards puts every node after the nodes that need it.
 */
int exec_down(struct plan *p, const bool *want, const struct exec_opts *o)
{
	struct plan_error err;
	unsigned int *order;
	bool *held;
	int ret, first = 0;

	order = calloc(p->count + 1, sizeof(*order));
	held = calloc(p->count + 1, sizeof(*held));
	if (!order || !held) {
		first = -ENOMEM;
		goto out_free;
	}
	first = graph_order(p, order, &err);
	if (first < 0) {
		log_err("%s", err.msg);
		goto out_free;
	}
	for (unsigned int k = p->count; k-- > 0;) {
		if (want && !want[order[k]])
			continue;
		ret = exec_down_one(p, order[k], held, o->deadline_ms);
		if (ret < 0 && !first)
			first = ret;
	}
out_free:
	free(order);
	free(held);
	return first;
}
