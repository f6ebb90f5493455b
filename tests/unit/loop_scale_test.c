/* SPDX-License-Identifier: MIT */
/*
 * How the work grows with the number of nodes, counted rather than timed
 * (the times are make bench's): the seam calls of an up of N loop nodes
 * on the fake kernel, and large generated plans validated and ordered.
 */
#include "table.h"
#include "exec.h"
#include "fake_inject.h"
#include "fake_kernel.h"
#include "fake_sys.h"
#include "graph.h"
#include "loop/loop.h"
#include "plan.h"
#include "retry.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seam calls of one kind in the last logged run. */
static unsigned long calls_of(enum fake_call kind)
{
	unsigned long k, n = 0;

	for (k = 1; k <= fake_inject_calls(); k++)
		n += fake_inject_kind(k) == kind;
	return n;
}

struct count {
	unsigned long all, listdir, open;
};

/*
 * An up of n loop nodes, one image each, on a kernel with n + 8 loop
 * devices (8 bound by hand beforehand, to other files): its seam calls.
 */
static struct count up_loops(unsigned int n)
{
	struct exec_opts eo = { .jobs = 1, .deadline_ms = FAKE_T0_MS + 60000 };
	struct plan_error err;
	struct count c;
	struct plan p;
	size_t len = 0, cap = 64 * (n + 1);
	char *text = malloc(cap), path[64];

	ATF_REQUIRE(text);
	fake_reset();
	fake_loop_devices(n + 8);
	fake_kernel_enable();
	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/images/l%u.img", i);
		fake_file_add(path, "");
		len += (size_t)snprintf(text + len, cap - len, "loop l%u { file %s }\n", i, path);
	}
	ATF_REQUIRE_EQ_MSG(plan_parse(&p, driver_table, "scale.conf", text, len, &err), 0,
			   "%s", err.msg);
	ATF_REQUIRE_EQ_MSG(plan_validate(&p, &err), 0, "%s", err.msg);
	fake_inject_start(true);
	ATF_REQUIRE_EQ(exec_up(&p, NULL, &eo), 0);
	fake_inject_stop();
	c.all = fake_inject_calls();
	c.listdir = calls_of(FC_LISTDIR);
	c.open = calls_of(FC_OPEN);
	for (unsigned int i = 0; i < n; i++) {
		ATF_REQUIRE_EQ(p.nodes[i].state, NODE_UP);
		snprintf(path, sizeof(path), "/dev/loop%u", i);
		ATF_REQUIRE_STREQ(p.nodes[i].device, path);
	}
	plan_free(&p);
	free(text);
	printf("up of %u loop nodes: %lu seam calls, %lu listdir, %lu open\n", n, c.all,
	       c.listdir, c.open);
	return c;
}

/*
 * One look at the bindings per run, not one per node: the calls grow by
 * the same amount for each added node, and /sys/block is listed once.
 */
ATF_TC_WITHOUT_HEAD(loop_up_linear);
ATF_TC_BODY(loop_up_linear, tc)
{
	struct count c16 = up_loops(16), c32 = up_loops(32), c64 = up_loops(64);

	ATF_CHECK_EQ(c16.listdir, 1);
	ATF_CHECK_EQ(c64.listdir, 1);
	ATF_CHECK_EQ_MSG(c64.all - c32.all, 2 * (c32.all - c16.all),
			 "calls %lu, %lu, %lu at 16, 32, 64 nodes: not linear", c16.all, c32.all,
			 c64.all);
	ATF_CHECK_EQ(c64.open - c32.open, 2 * (c32.open - c16.open));
}

/*
 * Bindings another run left, found through the run's snapshot; and one
 * gone since a snapshot was taken is not taken (its device is looked at
 * again before it is).
 */
ATF_TC_WITHOUT_HEAD(loop_adopt_from_snapshot);
ATF_TC_BODY(loop_adopt_from_snapshot, tc)
{
	static const char text[] = "loop a { file /images/a.img }\n"
				   "loop b { file /images/b.img }\n";
	struct exec_opts eo = { .jobs = 1, .deadline_ms = FAKE_T0_MS + 60000 };
	struct loop_spec a = { .file = "/images/a.img" }, b = { .file = "/images/b.img" };
	struct retry_result res;
	struct loop_snap *snap;
	struct plan_error err;
	struct loop_dev d;
	struct plan p, q;

	fake_reset();
	fake_kernel_enable();
	fake_file_add("/images/a.img", "");
	fake_file_add("/images/b.img", "");
	ATF_REQUIRE_EQ(plan_parse(&p, driver_table, "a.conf", text, sizeof(text) - 1, &err), 0);
	ATF_REQUIRE_EQ(plan_validate(&p, &err), 0);
	ATF_REQUIRE_EQ(exec_up(&p, NULL, &eo), 0);
	ATF_REQUIRE_STREQ(p.nodes[1].device, "/dev/loop1");
	/* A second run of the same plan, the record lost: both found bound. */
	ATF_REQUIRE_EQ(plan_parse(&q, driver_table, "a.conf", text, sizeof(text) - 1, &err), 0);
	ATF_REQUIRE_EQ(plan_validate(&q, &err), 0);
	ATF_REQUIRE_EQ(exec_up(&q, NULL, &eo), 0);
	ATF_CHECK_EQ(q.nodes[0].state, NODE_ADOPTED);
	ATF_CHECK_EQ(q.nodes[1].state, NODE_ADOPTED);
	ATF_CHECK_STREQ(q.nodes[0].device, "/dev/loop0");
	ATF_CHECK_STREQ(q.nodes[1].device, "/dev/loop1");
	/* A snapshot, then a binding ends: that device is not taken. */
	ATF_REQUIRE_EQ(loop_snap_take(&snap), 0);
	ATF_REQUIRE_EQ(loop_detach(p.nodes[0].run, FAKE_T0_MS + 60000, &res), 0);
	ATF_CHECK_EQ(loop_find_bound_in(snap, &a, -1, &d), 0);
	ATF_CHECK_EQ(loop_find_bound_in(snap, &b, -1, &d), 1);
	ATF_CHECK_EQ(d.nr, 1);
	loop_snap_free(snap);
	plan_free(&q);
	plan_free(&p);
}

/* A plan of n nodes: a pool and n - 1 thin volumes, each after the last. */
static char *thin_plan(unsigned int n, size_t *len)
{
	size_t cap = 96 * (n + 1);
	char *text = malloc(cap);

	ATF_REQUIRE(text);
	*len = (size_t)snprintf(text, cap, "thin-pool pool { metadata /dev/vdb; data /dev/vdc }\n");
	for (unsigned int i = 1; i < n; i++) {
		*len += (size_t)snprintf(text + *len, cap - *len,
					 "thin t%u { pool pool; id %u; size 64M", i, i);
		if (i > 1)
			*len += (size_t)snprintf(text + *len, cap - *len, "; after t%u", i - 1);
		*len += (size_t)snprintf(text + *len, cap - *len, " }\n");
	}
	return text;
}

/* 4096 nodes (the most a plan may have): checked, ordered, selected. */
ATF_TC_WITHOUT_HEAD(plan_4096_nodes);
ATF_TC_BODY(plan_4096_nodes, tc)
{
	const unsigned int n = 4096;
	unsigned int *order = calloc(n, sizeof(*order)), *level = calloc(n, sizeof(*level));
	bool *want = calloc(n, sizeof(*want));
	char *names[] = { "t4000" };
	struct plan_error err;
	struct plan p;
	size_t len;
	char *text = thin_plan(n, &len);

	ATF_REQUIRE(order && level && want);
	fake_reset();
	ATF_REQUIRE_EQ_MSG(plan_parse(&p, driver_table, "big.conf", text, len, &err), 0,
			   "%s", err.msg);
	ATF_REQUIRE_EQ(p.count, n);
	ATF_REQUIRE_EQ_MSG(plan_validate(&p, &err), 0, "%s", err.msg);
	ATF_CHECK_EQ(plan_find(&p, "t4095"), 4095);
	ATF_CHECK_EQ(plan_find(&p, "t4096"), -ENOENT);
	ATF_REQUIRE_EQ(graph_order(&p, order, &err), 0);
	for (unsigned int i = 0; i < n; i++)
		ATF_REQUIRE_EQ(order[i], i);
	graph_levels(&p, level);
	ATF_CHECK_EQ(level[0], 0);
	ATF_CHECK_EQ(level[1], 1);
	ATF_CHECK_EQ(level[4095], 4095);
	/* down t4000: it and the 95 after it. */
	ATF_REQUIRE_EQ(graph_select(&p, names, 1, true, want, &err), 0);
	for (unsigned int i = 0; i < n; i++)
		ATF_REQUIRE_EQ_MSG(want[i], i >= 4000, "node %u", i);
	/* up t4000: the pool and t1 .. t4000. */
	ATF_REQUIRE_EQ(graph_select(&p, names, 1, false, want, &err), 0);
	for (unsigned int i = 0; i < n; i++)
		ATF_REQUIRE_EQ_MSG(want[i], i <= 4000, "node %u", i);
	plan_free(&p);
	free(text);
	free(order);
	free(level);
	free(want);
}

/* The last of 4096 repeats the name of one far before it: found, placed. */
ATF_TC_WITHOUT_HEAD(plan_4096_duplicate_last);
ATF_TC_BODY(plan_4096_duplicate_last, tc)
{
	struct plan_error err;
	struct plan p;
	size_t len;
	char *text = thin_plan(4095, &len), *more;

	more = realloc(text, len + 64);
	ATF_REQUIRE(more);
	len += (size_t)snprintf(more + len, 64, "thin t7 { pool pool; id 9999; size 1M }\n");
	fake_reset();
	ATF_REQUIRE_EQ(plan_parse(&p, driver_table, "big.conf", more, len, &err), 0);
	ATF_REQUIRE_EQ(plan_validate(&p, &err), -EINVAL);
	ATF_CHECK_EQ(err.pos.line, 4096);
	ATF_CHECK_STREQ(err.msg, "duplicate node name 't7' (first at 8:6)");
	plan_free(&p);
	free(more);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, loop_up_linear);
	ATF_TP_ADD_TC(tp, loop_adopt_from_snapshot);
	ATF_TP_ADD_TC(tp, plan_4096_nodes);
	ATF_TP_ADD_TC(tp, plan_4096_duplicate_last);
	return atf_no_error();
}
