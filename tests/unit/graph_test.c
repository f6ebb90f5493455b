/* SPDX-License-Identifier: MIT */
/*
 * graph_order, graph_levels, graph_select and graph_dot on plans built from
 * a compact description (fake_driver.h): "a; b:a; c:a; d:b,c" (node d
 * needs b and c), an optional kind before the name ("loop a"), node i on
 * line i + 1.
 */
#include "fake_driver.h"
#include "graph.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The order as names: "a b c". */
static const char *order_str(const char *desc, int *ret, struct plan_error *err)
{
	static char out[512];
	unsigned int order[64];
	struct plan p;

	fake_plan_build(&p, desc);
	out[0] = '\0';
	*ret = graph_order(&p, order, err);
	for (unsigned int i = 0; *ret == 0 && i < p.count; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? " " : "", p.nodes[order[i]].name);
	fake_plan_free(&p);
	return out;
}

static void check_order(const char *desc, const char *want)
{
	struct plan_error err;
	const char *got;
	int ret;

	got = order_str(desc, &ret, &err);
	ATF_CHECK_EQ_MSG(ret, 0, "%s: %d", desc, ret);
	ATF_CHECK_STREQ_MSG(got, want, "%s", desc);
}

static void check_cycle(const char *desc, const char *msg, unsigned int line)
{
	struct plan_error err;
	int ret;

	order_str(desc, &ret, &err);
	ATF_CHECK_EQ_MSG(ret, -ELOOP, "%s: %d", desc, ret);
	ATF_CHECK_STREQ_MSG(err.msg, msg, "%s", desc);
	ATF_CHECK_EQ_MSG(err.pos.line, line, "%s: line %u", desc, err.pos.line);
	ATF_CHECK_STREQ(err.file, "test.conf");
}

ATF_TC_WITHOUT_HEAD(order_chain);
ATF_TC_BODY(order_chain, tc)
{
	check_order("a; b:a; c:b; d:c", "a b c d");
	/* Written backwards: each node still comes after what it needs. */
	check_order("d:c; c:b; b:a; a", "a b c d");
	check_order("a", "a");
}

ATF_TC_WITHOUT_HEAD(order_diamond);
ATF_TC_BODY(order_diamond, tc)
{
	check_order("a; b:a; c:a; d:b,c", "a b c d");
	check_order("d:c,b; c:a; b:a; a", "a c b d");
}

ATF_TC_WITHOUT_HEAD(order_branches);
ATF_TC_BODY(order_branches, tc)
{
	/* Two chains interleave by file order, not one after the other. */
	check_order("a; x; b:a; y:x; c:b; z:y", "a x b y c z");
	/* Ties go to the first node in the file among those ready. */
	check_order("c:b; z:y; b:a; y:x; a; x", "a b c x y z");
}

ATF_TC_WITHOUT_HEAD(order_ties_file_order);
ATF_TC_BODY(order_ties_file_order, tc)
{
	check_order("e; d; c; b; a", "e d c b a");
	/* f becomes ready late but goes before later ready nodes. */
	check_order("f:a; x; y; a", "x y a f");
	check_order("m:a,a; a", "a m");	/* a repeated reference */
}

ATF_TC_WITHOUT_HEAD(cycles_named_in_order);
ATF_TC_BODY(cycles_named_in_order, tc)
{
	check_cycle("a:a", "dependency cycle: a -> a", 1);
	check_cycle("x; a:b; b:a", "dependency cycle: a -> b -> a", 2);
	check_cycle("a:b; b:c; c:a", "dependency cycle: a -> b -> c -> a", 1);
	check_cycle("ok; d:a; c:d; b:c; a:b",
		    "dependency cycle: d -> a -> b -> c -> d", 2);
}

ATF_TC_WITHOUT_HEAD(cycles_first_in_file);
ATF_TC_BODY(cycles_first_in_file, tc)
{
	/* Nodes that only need a cycle are not on it. */
	check_cycle("top:c; z; c:b; b:c", "dependency cycle: c -> b -> c", 3);
	/* Two cycles: the one whose first node comes first in the file. */
	check_cycle("p:q; x:y; y:x; q:p", "dependency cycle: p -> q -> p", 1);
	/* A node on a cycle with a side branch that leads nowhere. */
	check_cycle("a:s,b; s; b:a", "dependency cycle: a -> b -> a", 1);
}

static void check_levels(const char *desc, const unsigned int *want)
{
	unsigned int level[64];
	struct plan p;

	fake_plan_build(&p, desc);
	graph_levels(&p, level);
	for (unsigned int i = 0; i < p.count; i++)
		ATF_CHECK_EQ_MSG(level[i], want[i], "%s: %s", desc, p.nodes[i].name);
	fake_plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(levels);
ATF_TC_BODY(levels, tc)
{
	check_levels("a; b:a; c:a; d:b,c", (const unsigned int[]){ 0, 1, 1, 2 });
	check_levels("d:c,a; c:b; b:a; a; e", (const unsigned int[]){ 3, 2, 1, 0, 0 });
	check_levels("a; b:a; c:b; d:a,c", (const unsigned int[]){ 0, 1, 2, 3 });
}

/* The selection as names, or the error message. */
static const char *select_str(const char *desc, const char *names, bool down)
{
	static char out[1024];
	char *copy = strdup(names), *argv[16], *save = NULL;
	struct plan_error err;
	unsigned int argc = 0;
	bool want[64];
	struct plan p;
	int ret;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	fake_plan_build(&p, desc);
	memset(want, 0x5a, sizeof(want));
	ret = graph_select(&p, argv, argc, down, want, &err);
	out[0] = '\0';
	if (ret < 0)
		snprintf(out, sizeof(out), "%d %s", ret, err.msg);
	for (unsigned int i = 0; ret == 0 && i < p.count; i++)
		if (want[i])
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", p.nodes[i].name);
	fake_plan_free(&p);
	free(copy);
	return out;
}

#define DIAMOND "a; b:a; c:a; d:b,c; x; y:x"

ATF_TC_WITHOUT_HEAD(select_up);
ATF_TC_BODY(select_up, tc)
{
	ATF_CHECK_STREQ(select_str(DIAMOND, "", false), "a b c d x y");
	ATF_CHECK_STREQ(select_str(DIAMOND, "d", false), "a b c d");
	ATF_CHECK_STREQ(select_str(DIAMOND, "b", false), "a b");
	ATF_CHECK_STREQ(select_str(DIAMOND, "a y", false), "a x y");
	ATF_CHECK_STREQ(select_str("c:b; b:a; a", "c", false), "c b a");
}

ATF_TC_WITHOUT_HEAD(select_down);
ATF_TC_BODY(select_down, tc)
{
	ATF_CHECK_STREQ(select_str(DIAMOND, "", true), "a b c d x y");
	ATF_CHECK_STREQ(select_str(DIAMOND, "a", true), "a b c d");
	ATF_CHECK_STREQ(select_str(DIAMOND, "c", true), "c d");
	ATF_CHECK_STREQ(select_str(DIAMOND, "d x", true), "d x y");
	ATF_CHECK_STREQ(select_str("c:b; b:a; a", "a", true), "c b a");
}

ATF_TC_WITHOUT_HEAD(select_unknown);
ATF_TC_BODY(select_unknown, tc)
{
	ATF_CHECK_STREQ(select_str(DIAMOND, "a nope", false),
			"-2 no node named 'nope' in test.conf");
	ATF_CHECK_STREQ(select_str(DIAMOND, "zz", true),
			"-2 no node named 'zz' in test.conf");
}

ATF_TC_WITHOUT_HEAD(dot_output);
ATF_TC_BODY(dot_output, tc)
{
	char *buf = NULL;
	size_t size = 0;
	struct plan p;
	FILE *f;

	fake_plan_build(&p, "loop img; md r\"1:img,img; thin vol:r\"1,img");
	f = open_memstream(&buf, &size);
	ATF_REQUIRE(f);
	graph_dot(&p, f);
	fclose(f);
	ATF_CHECK_STREQ(buf,
		"digraph blkasm {\n"
		"\t// an edge goes from a node to a node it needs\n"
		"\tnode [shape=box];\n"
		"\t\"img\" [label=\"loop\\nimg\"];\n"
		"\t\"r\\\"1\" [label=\"md\\nr\\\"1\"];\n"
		"\t\"vol\" [label=\"thin\\nvol\"];\n"
		"\t\"r\\\"1\" -> \"img\";\n"
		"\t\"vol\" -> \"r\\\"1\";\n"
		"\t\"vol\" -> \"img\";\n"
		"}\n");
	free(buf);
	fake_plan_free(&p);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, order_chain);
	ATF_TP_ADD_TC(tp, order_diamond);
	ATF_TP_ADD_TC(tp, order_branches);
	ATF_TP_ADD_TC(tp, order_ties_file_order);
	ATF_TP_ADD_TC(tp, cycles_named_in_order);
	ATF_TP_ADD_TC(tp, cycles_first_in_file);
	ATF_TP_ADD_TC(tp, levels);
	ATF_TP_ADD_TC(tp, select_up);
	ATF_TP_ADD_TC(tp, select_down);
	ATF_TP_ADD_TC(tp, select_unknown);
	ATF_TP_ADD_TC(tp, dot_output);
	return 0;
}
