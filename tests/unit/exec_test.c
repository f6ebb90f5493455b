/* SPDX-License-Identifier: MIT */
/*
 * exec_up and exec_down with a scripted test driver. Plans come from a
 * compact description: "a; b:a; c:a; d:b,c" (d needs b and c). Every node
 * gets the test driver and a script (its n->conf) saying what adopt, up and
 * down return. The driver records its calls in order under a mutex:
 * "up:a" when up starts, "end:a" when up or a successful adopt returns,
 * "adopt:a" when adopt finds the node (or fails), "down:a".
 */
#include "driver.h"
#include "exec.h"
#include "fake_sys.h"

#include <atf-c.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NODES 16
#define MAX_EVENTS 128
/* How long a rendezvous waits for its partners before the test fails. */
#define RENDEZVOUS_S 5

struct script {
	int adopt;		/* 1: already up; <0: something else is there */
	int up;
	int down;
	const char *why;	/* n->why on failure */
	uint64_t advance_ms;	/* up moves the fake clock (jobs 1 only) */
	bool rendezvous;	/* up waits until `rec.need` ups are waiting */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char ev[MAX_EVENTS][24];
	unsigned int nev;
	unsigned int arrived, need;
} rec = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void rec_event(const char *what, const char *name)
{
	pthread_mutex_lock(&rec.lock);
	if (rec.nev < MAX_EVENTS)
		snprintf(rec.ev[rec.nev++], sizeof(rec.ev[0]), "%s:%s", what, name);
	pthread_mutex_unlock(&rec.lock);
}

/* Waits (bounded) until rec.need nodes have arrived; false on timeout. */
static bool rendezvous(void)
{
	struct timespec until;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += RENDEZVOUS_S;
	pthread_mutex_lock(&rec.lock);
	rec.arrived++;
	pthread_cond_broadcast(&rec.cond);
	while (rec.arrived < rec.need && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&rec.cond, &rec.lock, &until);
	pthread_mutex_unlock(&rec.lock);
	return r != ETIMEDOUT;
}

static int fail(struct plan_node *n, int ret, const char *why)
{
	if (ret < 0 && why)
		snprintf(n->why, sizeof(n->why), "%s", why);
	return ret;
}

static int t_adopt(struct run_ctx *c, struct plan_node *n)
{
	const struct script *s = n->conf;

	(void)c;
	if (s->adopt == 0)
		return 0;
	rec_event("adopt", n->name);
	if (s->adopt > 0) {
		snprintf(n->summary, sizeof(n->summary), "found %s", n->name);
		rec_event("end", n->name);
	}
	return fail(n, s->adopt, s->why);
}

static int t_up(struct run_ctx *c, struct plan_node *n)
{
	const struct script *s = n->conf;

	rec_event("up", n->name);
	if (!c->plan)
		return fail(n, -EFAULT, "no plan in the run context");
	if (s->rendezvous && !rendezvous())
		return fail(n, -ETIMEDOUT, "rendezvous: the other nodes never came");
	if (s->advance_ms)
		fake_clock_set_ms(fake_now_ms() + s->advance_ms);
	if (s->up == 0)
		snprintf(n->summary, sizeof(n->summary), "made %s", n->name);
	rec_event("end", n->name);
	return fail(n, s->up, s->why);
}

static int t_down(struct run_ctx *c, struct plan_node *n)
{
	const struct script *s = n->conf;

	(void)c;
	rec_event("down", n->name);
	return fail(n, s->down, s->why);
}

static const struct driver test_driver = {
	.kind = "test",
	.adopt = t_adopt,
	.up = t_up,
	.down = t_down,
};

static int find(const struct plan *p, const char *name, size_t len)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (strlen(p->nodes[i].name) == len && !strncmp(p->nodes[i].name, name, len))
			return (int)i;
	return -1;
}

static void add_deps(struct plan *p, struct plan_node *n, const char *list)
{
	n->deps = calloc(MAX_NODES, sizeof(*n->deps));
	while (*list) {
		size_t len = strcspn(list, ",");
		int d = find(p, list, len);

		ATF_REQUIRE_MSG(d >= 0, "unknown dep in '%s'", list);
		n->deps[n->ndeps++] = (unsigned int)d;
		list += len + (list[len] == ',');
	}
}

static void rec_reset(void)
{
	rec.nev = rec.arrived = 0;
	rec.need = 2;
}

/* Also resets the recorder and the fake seam: call it first. */
static void build(struct plan *p, const char *desc)
{
	char *copy = strdup(desc), *save = NULL, *deps[MAX_NODES];

	fake_reset();
	rec_reset();
	memset(p, 0, sizeof(*p));
	p->file = strdup("test.conf");
	p->nodes = calloc(MAX_NODES, sizeof(*p->nodes));
	p->cap = MAX_NODES;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		struct plan_node *n = &p->nodes[p->count];
		char *colon = strchr(t, ':');

		t += strspn(t, " ");
		deps[p->count++] = colon ? colon + 1 : (char *)"";
		n->name = colon ? strndup(t, (size_t)(colon - t)) : strdup(t);
		n->kind = strdup("test");
		n->drv = &test_driver;
		n->conf = calloc(1, sizeof(struct script));
	}
	for (unsigned int i = 0; i < p->count; i++)
		add_deps(p, &p->nodes[i], deps[i]);
	free(copy);
}

static void destroy(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		free(p->nodes[i].name);
		free(p->nodes[i].kind);
		free(p->nodes[i].deps);
		free(p->nodes[i].conf);
	}
	free(p->nodes);
	free(p->file);
}

static struct plan_node *node(struct plan *p, const char *name)
{
	int i = find(p, name, strlen(name));

	ATF_REQUIRE_MSG(i >= 0, "no node %s", name);
	return &p->nodes[i];
}

static struct script *script(struct plan *p, const char *name)
{
	return node(p, name)->conf;
}

/* The recorded calls, without "end:" events: "up:a up:b down:a". */
static const char *calls(void)
{
	static char out[MAX_EVENTS * 24];

	out[0] = '\0';
	for (unsigned int i = 0; i < rec.nev; i++)
		if (strncmp(rec.ev[i], "end:", 4))
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", rec.ev[i]);
	return out;
}

static int event_index(const char *what, const char *name)
{
	char ev[24];

	snprintf(ev, sizeof(ev), "%s:%s", what, name);
	for (unsigned int i = 0; i < rec.nev; i++)
		if (!strcmp(rec.ev[i], ev))
			return (int)i;
	return -1;
}

/* Every node started (adopt or up) only after each of its deps ended. */
static void check_started_after_deps(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		const struct plan_node *n = &p->nodes[i];
		int start = event_index("up", n->name);

		if (event_index("adopt", n->name) >= 0)
			start = event_index("adopt", n->name);
		ATF_CHECK_MSG(start >= 0, "%s never started", n->name);
		for (unsigned int k = 0; k < n->ndeps; k++) {
			const char *dep = p->nodes[n->deps[k]].name;
			int end = event_index("end", dep);

			ATF_CHECK_MSG(end >= 0 && end < start, "%s started before %s ended",
				      n->name, dep);
		}
	}
}

static int run_up(struct plan *p, unsigned int jobs)
{
	struct exec_opts o = { .jobs = jobs };

	return exec_up(p, NULL, &o);
}

static void check_state(struct plan *p, const char *name, enum node_state state,
			bool created)
{
	ATF_CHECK_EQ_MSG(node(p, name)->state, state, "%s: state %d", name,
			 node(p, name)->state);
	ATF_CHECK_EQ_MSG(node(p, name)->created, created, "%s: created", name);
}

ATF_TC_WITHOUT_HEAD(up_order_one_job);
ATF_TC_BODY(up_order_one_job, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	/* Ready nodes go in file order: d before x once b and c are up. */
	ATF_CHECK_STREQ(calls(), "up:a up:b up:c up:d up:x");
	check_started_after_deps(&p);
	for (unsigned int i = 0; i < p.count; i++)
		check_state(&p, p.nodes[i].name, NODE_UP, true);
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: a: made a (0 ms)\n"
			"blkasm: b: made b (0 ms)\n"
			"blkasm: c: made c (0 ms)\n"
			"blkasm: d: made d (0 ms)\n"
			"blkasm: x: made x (0 ms)\n");
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_order_written_backwards);
ATF_TC_BODY(up_order_written_backwards, tc)
{
	struct plan p;

	build(&p, "d:c; c:b; b:a; a");
	ATF_CHECK_EQ(run_up(&p, 0), 0);
	ATF_CHECK_STREQ(calls(), "up:a up:b up:c up:d");
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_timing_and_summary);
ATF_TC_BODY(up_timing_and_summary, tc)
{
	struct plan p;

	build(&p, "a; b:a");
	script(&p, "a")->advance_ms = 7;
	script(&p, "b")->up = 1;	/* a positive return is success too */
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	ATF_CHECK_EQ(node(&p, "a")->ms, 7);
	ATF_CHECK_EQ(node(&p, "b")->ms, 0);
	/* No summary from the driver: the line says "up". */
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: a: made a (7 ms)\nblkasm: b: up (0 ms)\n");
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_order_four_jobs);
ATF_TC_BODY(up_order_four_jobs, tc)
{
	struct plan p;

	/* Many runs: each interleaving the scheduler picks must hold. */
	for (int run = 0; run < 50; run++) {
		build(&p, "a; b:a; c:a; d:b,c; x; y:x; z:y,d; w");
		ATF_CHECK_EQ(run_up(&p, 4), 0);
		check_started_after_deps(&p);
		ATF_CHECK_EQ(rec.nev, 2 * p.count);
		for (unsigned int i = 0; i < p.count; i++)
			check_state(&p, p.nodes[i].name, NODE_UP, true);
		destroy(&p);
	}
}

ATF_TC_WITHOUT_HEAD(up_branches_overlap);
ATF_TC_BODY(up_branches_overlap, tc)
{
	struct plan p;

	for (unsigned int jobs = 2; jobs <= 4; jobs += 2) {
		/* a and b each wait in up until both have started. */
		build(&p, "a; b; c:a,b");
		script(&p, "a")->rendezvous = true;
		script(&p, "b")->rendezvous = true;
		ATF_CHECK_EQ_MSG(run_up(&p, jobs), 0, "jobs %u: %s", jobs, fake_stderr());
		check_started_after_deps(&p);
		check_state(&p, "c", NODE_UP, true);
		destroy(&p);
	}
}

ATF_TC_WITHOUT_HEAD(up_adopt);
ATF_TC_BODY(up_adopt, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b");
	script(&p, "b")->adopt = 1;
	ATF_CHECK_EQ(run_up(&p, 1), 0);
	ATF_CHECK_STREQ(calls(), "up:a adopt:b up:c");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_ADOPTED, false);
	check_state(&p, "c", NODE_UP, true);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: already up: found b\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_adopt_fails);
ATF_TC_BODY(up_adopt_fails, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b");
	script(&p, "b")->adopt = -EEXIST;
	script(&p, "b")->why = "/dev/loop0 is something else";
	ATF_CHECK_EQ(run_up(&p, 1), -EEXIST);
	/* up is not tried over what adopt found. */
	ATF_CHECK_STREQ(calls(), "up:a adopt:b down:a");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(node(&p, "b")->why, "/dev/loop0 is something else");
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: /dev/loop0 is something else\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(failure_tears_down_but_not_adopted);
ATF_TC_BODY(failure_tears_down_but_not_adopted, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:b; d:c");
	script(&p, "b")->adopt = 1;
	script(&p, "d")->up = -EIO;
	script(&p, "d")->why = "boom";
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(calls(), "up:a adopt:b up:c up:d down:c down:a");
	check_state(&p, "a", NODE_DOWN, false);
	check_state(&p, "b", NODE_ADOPTED, false);
	check_state(&p, "c", NODE_DOWN, false);
	check_state(&p, "d", NODE_FAILED, false);
	ATF_CHECK_STREQ(node(&p, "d")->why, "boom");
	ATF_CHECK(strstr(fake_stderr(), "blkasm: d: boom\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(failure_starts_nothing_more);
ATF_TC_BODY(failure_starts_nothing_more, tc)
{
	struct plan p;

	build(&p, "a; b; c; d:a");
	script(&p, "b")->up = -EIO;
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(calls(), "up:a up:b down:a");
	check_state(&p, "b", NODE_FAILED, false);
	check_state(&p, "c", NODE_SKIPPED, false);
	check_state(&p, "d", NODE_SKIPPED, false);
	ATF_CHECK_STREQ(node(&p, "c")->why, "not started: b failed");
	/* No why from the driver: the error's text. */
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: Input/output error\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(failure_lets_running_finish);
ATF_TC_BODY(failure_lets_running_finish, tc)
{
	struct plan p;

	/* s and f run together; f fails; s still finishes, then goes down. */
	build(&p, "s; f; c:s,f; d:c");
	script(&p, "s")->rendezvous = true;
	script(&p, "f")->rendezvous = true;
	script(&p, "f")->up = -ENOSPC;
	ATF_CHECK_EQ(run_up(&p, 4), -ENOSPC);
	ATF_CHECK_EQ(event_index("up", "c"), -1);
	ATF_CHECK(event_index("down", "s") > event_index("end", "s"));
	ATF_CHECK_EQ(event_index("down", "f"), -1);
	check_state(&p, "s", NODE_DOWN, false);
	check_state(&p, "f", NODE_FAILED, false);
	check_state(&p, "c", NODE_SKIPPED, false);
	check_state(&p, "d", NODE_SKIPPED, false);
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(teardown_reverse_completion);
ATF_TC_BODY(teardown_reverse_completion, tc)
{
	struct plan p;

	/* Completion order a b c: not the file order (b a c). */
	build(&p, "b:a; a; c; f:c");
	script(&p, "f")->up = -EIO;
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(calls(), "up:a up:b up:c up:f down:c down:b down:a");
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(teardown_failure_leaves_node);
ATF_TC_BODY(teardown_failure_leaves_node, tc)
{
	struct plan p;

	build(&p, "a; b:a; f:b");
	script(&p, "f")->up = -EIO;
	script(&p, "a")->down = -EBUSY;
	script(&p, "a")->why = "held by pid 12";
	ATF_CHECK_EQ(run_up(&p, 1), -EIO);
	ATF_CHECK_STREQ(calls(), "up:a up:b up:f down:b down:a");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_DOWN, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: cannot take it down: held by pid 12\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(deadline);
ATF_TC_BODY(deadline, tc)
{
	struct exec_opts o = { .jobs = 1, .deadline_ms = FAKE_T0_MS + 10 };
	struct plan p;

	build(&p, "a; b:a; c");
	script(&p, "a")->advance_ms = 10;
	ATF_CHECK_EQ(exec_up(&p, NULL, &o), -ETIMEDOUT);
	ATF_CHECK_STREQ(calls(), "up:a down:a");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(node(&p, "b")->why, "not started before the deadline");
	check_state(&p, "c", NODE_SKIPPED, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: not started before the deadline\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_wanted_only);
ATF_TC_BODY(up_wanted_only, tc)
{
	bool want[] = { false, true, false };
	struct exec_opts o = { .jobs = 2 };
	struct plan p;

	/* a is up from an earlier run: b may start, c is not asked for. */
	build(&p, "a; b:a; c:b");
	node(&p, "a")->state = NODE_UP;
	ATF_CHECK_EQ(exec_up(&p, want, &o), 0);
	ATF_CHECK_STREQ(calls(), "up:b");
	check_state(&p, "c", NODE_PENDING, false);

	/* b again: it is up already, nothing to do. */
	ATF_CHECK_EQ(exec_up(&p, want, &o), 0);
	ATF_CHECK_STREQ(calls(), "up:b");
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(up_need_not_wanted);
ATF_TC_BODY(up_need_not_wanted, tc)
{
	bool want[] = { false, true, true };
	struct exec_opts o = { .jobs = 4 };
	struct plan p;

	/* A selection that leaves out what b needs cannot hang the run. */
	build(&p, "a; b:a; c");
	ATF_CHECK_EQ(exec_up(&p, want, &o), -EDEADLK);
	ATF_CHECK_STREQ(calls(), "up:c down:c");
	check_state(&p, "b", NODE_FAILED, false);
	ATF_CHECK_STREQ(node(&p, "b")->why, "cannot start: needs a, which is not up");
	destroy(&p);
}

static void set_created(struct plan *p, const char *names)
{
	for (unsigned int i = 0; i < p->count; i++) {
		if (strstr(names, p->nodes[i].name)) {
			p->nodes[i].created = true;
			p->nodes[i].state = NODE_UP;
		}
	}
}

static int run_down(struct plan *p, const bool *want)
{
	struct exec_opts o = { .jobs = 4 };

	return exec_down(p, want, &o);
}

ATF_TC_WITHOUT_HEAD(down_reverse_order);
ATF_TC_BODY(down_reverse_order, tc)
{
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	set_created(&p, "abcdx");
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(calls(), "down:x down:d down:c down:b down:a");
	for (unsigned int i = 0; i < p.count; i++)
		check_state(&p, p.nodes[i].name, NODE_DOWN, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: d: down (0 ms)\n"));
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(down_wanted_only);
ATF_TC_BODY(down_wanted_only, tc)
{
	bool want[] = { false, true, false, true, false };
	struct plan p;

	build(&p, "a; b:a; c:a; d:b,c; x");
	set_created(&p, "abcdx");
	ATF_CHECK_EQ(run_down(&p, want), 0);
	ATF_CHECK_STREQ(calls(), "down:d down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "c", NODE_UP, true);
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(down_created_only);
ATF_TC_BODY(down_created_only, tc)
{
	struct plan p;

	/* c was found up (adopted): it still sits on a, so a stays up too. */
	build(&p, "a; b:a; c:a; x");
	set_created(&p, "abx");
	node(&p, "c")->state = NODE_ADOPTED;
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(calls(), "down:x down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "c", NODE_ADOPTED, false);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: c: left alone: not created by blkasm\n"));
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: left up: c still needs it\n"));

	/* Not created and not up either: nothing holds a. */
	node(&p, "c")->state = NODE_PENDING;
	rec_reset();
	ATF_CHECK_EQ(run_down(&p, NULL), 0);
	ATF_CHECK_STREQ(calls(), "down:a");
	check_state(&p, "a", NODE_DOWN, false);
	destroy(&p);
}

ATF_TC_WITHOUT_HEAD(down_goes_on_after_failure);
ATF_TC_BODY(down_goes_on_after_failure, tc)
{
	struct plan p;

	build(&p, "a; b:a; x; y");
	set_created(&p, "abxy");
	script(&p, "b")->down = -EBUSY;
	script(&p, "y")->down = -EIO;
	ATF_CHECK_EQ(run_down(&p, NULL), -EIO);
	/* a is not tried: b, which needs it, is still up. */
	ATF_CHECK_STREQ(calls(), "down:y down:x down:b");
	check_state(&p, "a", NODE_UP, true);
	check_state(&p, "b", NODE_UP, true);
	check_state(&p, "x", NODE_DOWN, false);
	check_state(&p, "y", NODE_UP, true);
	ATF_CHECK(strstr(fake_stderr(), "blkasm: a: left up: b still needs it\n"));
	ATF_CHECK(strstr(fake_stderr(), "blkasm: b: cannot take it down: Device or resource busy\n"));
	destroy(&p);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, up_order_one_job);
	ATF_TP_ADD_TC(tp, up_order_written_backwards);
	ATF_TP_ADD_TC(tp, up_timing_and_summary);
	ATF_TP_ADD_TC(tp, up_order_four_jobs);
	ATF_TP_ADD_TC(tp, up_branches_overlap);
	ATF_TP_ADD_TC(tp, up_adopt);
	ATF_TP_ADD_TC(tp, up_adopt_fails);
	ATF_TP_ADD_TC(tp, failure_tears_down_but_not_adopted);
	ATF_TP_ADD_TC(tp, failure_starts_nothing_more);
	ATF_TP_ADD_TC(tp, failure_lets_running_finish);
	ATF_TP_ADD_TC(tp, teardown_reverse_completion);
	ATF_TP_ADD_TC(tp, teardown_failure_leaves_node);
	ATF_TP_ADD_TC(tp, deadline);
	ATF_TP_ADD_TC(tp, up_wanted_only);
	ATF_TP_ADD_TC(tp, up_need_not_wanted);
	ATF_TP_ADD_TC(tp, down_reverse_order);
	ATF_TP_ADD_TC(tp, down_wanted_only);
	ATF_TP_ADD_TC(tp, down_created_only);
	ATF_TP_ADD_TC(tp, down_goes_on_after_failure);
	return 0;
}
