/* SPDX-License-Identifier: MIT */
/*
 * The plan parser and validator: token positions, quoting, every error
 * class with its exact text, dependency edges, plans made in code, and
 * plan_load through the fake seam. Value syntax: plan_values_test.c.
 */
#include "fake_sys.h"
#include "plan_fixture.h"
#include "plan.h"
#include "plan_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOP_OPTS "file, offset, size-limit, read-only, direct-io, sector-size, " \
	"partscan, autoclear, after"

static struct plan parsed(const char *text)
{
	struct plan p;
	struct plan_error err;
	char msg[1024];
	int r = plan_parse(&p, driver_table, "t.conf", text, strlen(text), &err);

	ATF_REQUIRE_MSG(r == 0, "parse: %s", plan_error_str(&err, msg, sizeof(msg)));
	return p;
}

static struct plan valid(const char *text)
{
	struct plan p = parsed(text);
	struct plan_error err;
	char msg[1024];
	int r = plan_validate(&p, &err);

	ATF_REQUIRE_MSG(r == 0, "validate: %s", plan_error_str(&err, msg, sizeof(msg)));
	return p;
}

static void check_pos(struct plan_pos pos, unsigned int line, unsigned int col)
{
	ATF_CHECK_MSG(pos.line == line && pos.col == col, "at %u:%u, expected %u:%u",
		      pos.line, pos.col, line, col);
}

ATF_TC_WITHOUT_HEAD(positions_with_tabs);
ATF_TC_BODY(positions_with_tabs, tc)
{
	struct plan p = parsed("# a plan\n\n\tloop  a {\n\t\tfile\t/x.img  # c\n}\n");
	const struct plan_node *n = &p.nodes[0];

	ATF_REQUIRE_EQ(p.count, 1);
	ATF_CHECK_STREQ(n->kind, "loop");
	ATF_CHECK_STREQ(n->name, "a");
	check_pos(n->pos, 3, 2);
	check_pos(n->name_pos, 3, 8);
	ATF_REQUIRE_EQ(n->nopts, 1);
	ATF_CHECK_STREQ(n->opts[0].key, "file");
	check_pos(n->opts[0].pos, 4, 3);
	ATF_REQUIRE_EQ(n->opts[0].nvalues, 1);
	ATF_CHECK_STREQ(n->opts[0].values[0].text, "/x.img");
	check_pos(n->opts[0].values[0].pos, 4, 8);
	ATF_CHECK_STREQ(p.file, "t.conf");
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(quotes_and_escapes);
ATF_TC_BODY(quotes_and_escapes, tc)
{
	struct plan p = parsed("mount m {\n options \"a b\" \"say \\\"hi\\\" \\\\o/\" "
			       "\"#not a comment\" \"\"\n}\n");

	ATF_REQUIRE_EQ(p.nodes[0].opts[0].nvalues, 4);
	ATF_CHECK_STREQ(p.nodes[0].opts[0].values[0].text, "a b");
	ATF_CHECK_STREQ(p.nodes[0].opts[0].values[1].text, "say \"hi\" \\o/");
	ATF_CHECK_STREQ(p.nodes[0].opts[0].values[2].text, "#not a comment");
	ATF_CHECK_STREQ(p.nodes[0].opts[0].values[3].text, "");
	check_pos(p.nodes[0].opts[0].values[1].pos, 2, 16);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(separators_and_one_line_blocks);
ATF_TC_BODY(separators_and_one_line_blocks, tc)
{
	struct plan p = parsed("loop a { file /a.img; read-only yes }loop b{file /b.img}\r\n"
			       "loop c {\n;;\n file /c.img ;\n\n}");

	ATF_REQUIRE_EQ(p.count, 3);
	ATF_CHECK_EQ(p.nodes[0].nopts, 2);
	ATF_CHECK_STREQ(p.nodes[0].opts[1].key, "read-only");
	ATF_CHECK_STREQ(p.nodes[0].opts[1].values[0].text, "yes");
	ATF_CHECK_STREQ(p.nodes[1].name, "b");
	check_pos(p.nodes[1].pos, 1, 38);
	ATF_CHECK_STREQ(p.nodes[1].opts[0].values[0].text, "/b.img");
	ATF_CHECK_EQ(p.nodes[2].nopts, 1);
	ATF_CHECK_STREQ(plan_str(&p.nodes[2], "file"), "/c.img");
	ATF_CHECK(plan_str(&p.nodes[2], "offset") == NULL);
	ATF_CHECK_EQ(plan_find(&p, "c"), 2);
	ATF_CHECK(plan_find(&p, "d") < 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(empty_plans);
ATF_TC_BODY(empty_plans, tc)
{
	struct plan p = valid("");

	ATF_CHECK_EQ(p.count, 0);
	plan_free(&p);
	p = valid("# only a comment\n\n   \t\n# and another");
	ATF_CHECK_EQ(p.count, 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(syntax_errors);
ATF_TC_BODY(syntax_errors, tc)
{
	check_error("loop a {\n file \"/x.img\n}\n",
		    "2:7: unterminated quote (a quoted value ends on its line)");
	check_error("loop a { file \"/x", "1:15: unterminated quote (a quoted value ends on its line)");
	check_error("loop a {\n file /x.img\n", "3:1: missing '}' at end of file (node 'a' opened at 1:8)");
	check_error("loop a { file /x.img", "1:21: missing '}' at end of file (node 'a' opened at 1:8)");
	check_error("loop a\n{\n file /x.img\n}\n", "1:7: expected '{' after 'loop a', got end of line");
	check_error("loop a file /x {", "1:8: expected '{' after 'loop a', got 'file'");
	check_error("loop {\n}\n", "1:6: expected a node name after 'loop', got '{'");
	check_error("file /x.img\n", "1:1: option 'file' outside a node (expected KIND NAME { ... })");
	check_error("loop a { file /a }\n}\n", "2:1: unexpected '}' (no node is open)");
	check_error("{ }", "1:1: expected a node kind and name before '{'");
	check_error("loop a {\n file /a\nloop b {\n file /b\n}\n",
		    "3:8: unexpected '{' in node 'a' (nodes do not nest: is the '}' of node 'a' missing?)");
	check_error("loop a { \"file\" /a }", "1:10: expected an option name, got \"file\"");
	check_error("loop a { file /a\"b\" }",
		    "1:17: unexpected '\"' inside a word (quote the whole value)");
	check_error("loop a { file \"/a\"b }", "1:19: expected a blank after the closing quote");
	check_error("loop a { file \"/a\\n\" }", "1:18: unknown escape in quotes (expected \\\" or \\\\)");
	check_error("loop a { file /a\x01 }", "1:17: bad character 0x01 (expected printable text)");
	check_error("loop a { file \"/a\tb\" }", "1:18: bad character 0x09 (expected printable text)");
	ATF_CHECK_STREQ(first_error_len("loop a {\0}", 10), "1:9: bad character 0x00 (expected printable text)");
}

ATF_TC_WITHOUT_HEAD(node_errors);
ATF_TC_BODY(node_errors, tc)
{
	check_error("lop a { file /a }",
		    "1:1: unknown node kind 'lop' (expected one of: device, loop, md, mount, overlay, thin, thin-pool, verity)");
	check_error("loop -a { file /a }",
		    "1:6: bad node name '-a' (expected a letter or digit, then letters, digits, "
		    "'_', '.' or '-')");
	check_error("loop \"a b\" { file /a }",
		    "1:6: bad node name 'a b' (expected a letter or digit, then letters, digits, "
		    "'_', '.' or '-')");
	check_error("loop a23456789012345678901234567890123456789012345678901234567890123 "
		    "{ file /a }", "(valid)");
	check_error("loop a234567890123456789012345678901234567890123456789012345678901234 "
		    "{ file /a }",
		    "1:6: node name 'a234567890123456789012345678901234567890123456789012345678901234' "
		    "is too long (64 bytes, at most 63)");
	check_error("loop a { file /a }\nloop b.1_x-y { file /b }\n\nloop  a { file /c }\n",
		    "4:7: duplicate node name 'a' (first at 1:6)");
}

ATF_TC_WITHOUT_HEAD(option_errors);
ATF_TC_BODY(option_errors, tc)
{
	check_error("loop data0 {\n\tfile /a\n\tfiel /b\n}",
		    "3:2: unknown option 'fiel' for loop node 'data0' (expected one of: " LOOP_OPTS ")");
	check_error("loop a {\n file /a\n offset 1K\n file /b\n}",
		    "4:2: option 'file' given twice in loop node 'a' (first at 2:2)");
	check_error("loop a { read-only yes }", "1:6: loop node 'a' needs option 'file': the backing file");
	check_error("loop a { file /a; read-only }",
		    "1:19: option 'read-only' of loop node 'a' needs a value (yes or no)");
	check_error("loop a { file /a /b /c }",
		    "1:18: option 'file' of loop node 'a' takes one value, got 3");
	check_error("loop a { file /a; after }",
		    "1:19: option 'after' of loop node 'a' needs one or more values (node names)");
	check_error("loop a { file \"\" }", "1:15: empty value for option 'file' (expected an absolute path)");
}

ATF_TC_WITHOUT_HEAD(value_errors);
ATF_TC_BODY(value_errors, tc)
{
	check_error("loop a { file a.img }",
		    "1:15: bad path 'a.img' for option 'file' (expected an absolute path)");
	check_error("loop a { file /x/../a.img }",
		    "1:15: bad path '/x/../a.img' for option 'file' (expected no '.' or '..' elements)");
	check_error("loop a { file /x/./a.img }",
		    "1:15: bad path '/x/./a.img' for option 'file' (expected no '.' or '..' elements)");
	check_error("loop a { file /x//a.img }",
		    "1:15: bad path '/x//a.img' for option 'file' (expected no empty elements ('//' or a trailing '/'))");
	check_error("loop a { file /x/ }",
		    "1:15: bad path '/x/' for option 'file' (expected no empty elements ('//' or a trailing '/'))");
	check_error("loop a { file /a; offset 12X }",
		    "1:26: bad size '12X' for option 'offset' (expected bytes, with an optional K, M, G "
		    "or T suffix for powers of 1024: 4096, 64K, 1G)");
	check_error("loop a { file /a; offset 16777216T }",
		    "1:26: size '16777216T' for option 'offset' is too large (at most 2^64 - 1 bytes)");
	check_error("loop a { file /a; read-only maybe }",
		    "1:29: bad value 'maybe' for option 'read-only' (expected yes or no, true or false, "
		    "on or off, 1 or 0)");
	check_error("loop a { file /a; sector-size -512 }",
		    "1:31: bad number '-512' for option 'sector-size' (expected a whole number from 0 to "
		    "4294967295)");
	check_error("loop a { file /a; sector-size 4294967296 }",
		    "1:31: bad number '4294967296' for option 'sector-size' (expected a whole number "
		    "from 0 to 4294967295)");
	check_error("mount m { device /dev/vda; target /m; type Ext4 }",
		    "1:44: bad filesystem type 'Ext4' for option 'type' (expected lowercase letters, "
		    "digits, '_', '.' or '-'; several separated by ',')");
	check_error("mount m { device /dev/vda; target /m; type ext4,,xfs }",
		    "1:44: bad filesystem type 'ext4,,xfs' for option 'type' (expected lowercase "
		    "letters, digits, '_', '.' or '-'; several separated by ',')");
}

ATF_TC_WITHOUT_HEAD(reference_errors);
ATF_TC_BODY(reference_errors, tc)
{
	check_error("mount m { device data0; target /m }",
		    "1:18: no node named 'data0', and not a device (expected a node name, /dev/NAME, "
		    "UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR)");
	check_error("mount m { device UUID=; target /m }",
		    "1:18: bad device 'UUID=' for option 'device' (expected a value after '=')");
	check_error("mount m { device /dev/vda; target /m }\nmount n { device m; target /n }",
		    "2:18: node 'm' is a mount node, which provides no device (option 'device' "
		    "wants a block device)");
	check_error("mount m { device m; target /m }",
		    "1:18: mount node 'm' refers to itself in option 'device'");
	check_error("loop a { file /a; after a }", "1:25: loop node 'a' refers to itself in option 'after'");
	check_error("loop a { file /a; after b }", "1:25: no node named 'b' (option 'after' wants node names)");
}

ATF_TC_WITHOUT_HEAD(conflicts_and_cycles);
ATF_TC_BODY(conflicts_and_cycles, tc)
{
	check_error("loop a { file /a.img }\nloop b { file /a.img }",
		    "2:15: loop node 'b' conflicts with node 'a' (1:15): it binds /a.img at "
		    "offset 0, and 'a' binds /a.img at offset 0");
	/* Parts of one file: a conflict only where their bytes overlap. */
	check_error("loop a { file /a.img; size-limit 1M }\nloop b { file /a.img; offset 1M }",
		    "(valid)");
	check_error("loop a { file /a.img }\nloop b { file /a.img; offset 1M }",
		    "2:15: loop node 'b' conflicts with node 'a' (1:15): it binds /a.img at "
		    "offset 1048576, and 'a' binds /a.img at offset 0");
	check_error("mount a { device /dev/vda; target /m }\nmount b { device /dev/vdb; target /m }",
		    "2:35: mount node 'b' conflicts with node 'a' (1:35): it mounts on /m, and "
		    "'a' mounts on /m");
	check_error("loop x { file /x }\nloop a { file /a; after c }\nloop b { file /b; after a }\n"
		    "loop c { file /c; after b }",
		    "2:6: dependency cycle: a -> c -> b -> a");
	/* An image on the filesystem it holds: the implicit edge closes it. */
	check_error("loop img { file /mnt/img }\nmount m { device img; target /mnt }",
		    "1:6: dependency cycle: img -> m -> img");
}

static bool has_dep(const struct plan *p, const char *from, const char *to)
{
	const struct plan_node *n = &p->nodes[plan_find(p, from)];
	int j = plan_find(p, to);

	for (unsigned int k = 0; k < n->ndeps; k++)
		if ((int)n->deps[k] == j)
			return true;
	return false;
}

/*
 * A device named by the path an md array will have (/dev/mdN of its
 * number, /dev/md/NAME) waits for that node: the path exists before the
 * array runs.
 */
ATF_TC_WITHOUT_HEAD(md_device_path_edges);
ATF_TC_BODY(md_device_path_edges, tc)
{
	struct plan p = valid(
		"md root { members /dev/vda /dev/vdb; level raid1; number 0 }\n"
		"md data { members /dev/vdc /dev/vdd; level raid1; name store }\n"
		"mount r { device /dev/md0; target /r }\n"
		"mount s { device /dev/md/store; target /s }\n"
		"device d { device /dev/md/root }\n"
		"mount other { device /dev/md1; target /o }\n"
		"mount partial { device /dev/md0p1; target /p }\n");

	ATF_REQUIRE_EQ(p.count, 7);
	ATF_CHECK(has_dep(&p, "r", "root"));
	ATF_CHECK_EQ(p.nodes[2].ndeps, 1);
	ATF_CHECK(has_dep(&p, "s", "data"));
	/* The default name is the node's. */
	ATF_CHECK(has_dep(&p, "d", "root"));
	ATF_CHECK_EQ(p.nodes[5].ndeps, 0);
	ATF_CHECK_EQ(p.nodes[6].ndeps, 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(dependency_edges);
ATF_TC_BODY(dependency_edges, tc)
{
	struct plan_error err;
	struct plan p = valid(
		"device disk { device LABEL=data }\n"
		"mount data { device disk; target /mnt/data }\n"
		"mount deep { device /dev/vdb; target /mnt/data/deep }\n"
		"mount sibling { device /dev/vdc; target /mnt/database }\n"
		"loop a { file /mnt/data/a.img; after disk data }\n"
		"loop b { file /mnt/data/deep/b.img }\n"
		"loop c { file /mnt/data/deep }\n"
		"loop d { file /mnt/databas.img }\n"
		"mount top { device b; target /top; after a }\n");

	ATF_REQUIRE_EQ(p.count, 9);
	ATF_CHECK_EQ(p.nodes[0].ndeps, 0);
	ATF_CHECK_EQ(p.nodes[1].ndeps, 1);
	ATF_CHECK(has_dep(&p, "data", "disk"));
	/* Nested mount points: below the parent mount. */
	ATF_CHECK_EQ(p.nodes[2].ndeps, 1);
	ATF_CHECK(has_dep(&p, "deep", "data"));
	/* /mnt/database is not below /mnt/data. */
	ATF_CHECK_EQ(p.nodes[3].ndeps, 0);
	/* No duplicate edge for "after data" and the file below /mnt/data. */
	ATF_CHECK_EQ(p.nodes[4].ndeps, 2);
	ATF_CHECK(has_dep(&p, "a", "disk") && has_dep(&p, "a", "data"));
	/* The longest target wins, and a path equal to a target counts. */
	ATF_CHECK_EQ(p.nodes[5].ndeps, 1);
	ATF_CHECK(has_dep(&p, "b", "deep"));
	ATF_CHECK_EQ(p.nodes[6].ndeps, 1);
	ATF_CHECK(has_dep(&p, "c", "deep"));
	ATF_CHECK_EQ(p.nodes[7].ndeps, 0);
	ATF_CHECK_EQ(p.nodes[8].ndeps, 2);
	ATF_CHECK(has_dep(&p, "top", "b") && has_dep(&p, "top", "a"));
	for (unsigned int i = 0; i < p.count; i++)
		ATF_CHECK_MSG(p.nodes[i].drv != NULL, "node %u has no driver", i);
	/* Validating again starts afresh: the same edges, once. */
	ATF_REQUIRE_EQ(plan_validate(&p, &err), 0);
	ATF_CHECK_EQ(p.nodes[4].ndeps, 2);
	ATF_CHECK_EQ(p.nodes[8].ndeps, 2);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(root_mount_holds_every_path);
ATF_TC_BODY(root_mount_holds_every_path, tc)
{
	struct plan p = valid("mount root { device /dev/vda; target / }\n"
			      "loop a { file /a.img }\nmount m { device a; target /m }\n");

	ATF_CHECK(has_dep(&p, "a", "root"));
	/* Its mount point is on the root filesystem too. */
	ATF_CHECK(has_dep(&p, "m", "a") && has_dep(&p, "m", "root"));
	ATF_CHECK_EQ(p.nodes[0].ndeps, 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(nodes_made_in_code);
ATF_TC_BODY(nodes_made_in_code, tc)
{
	struct plan p;
	struct plan_node *n;
	struct plan_error err;
	char msg[1024];

	plan_init(&p, "cmdline", driver_table);
	n = plan_add_node(&p, "mount", "host");
	ATF_REQUIRE(n != NULL);
	ATF_CHECK_EQ(plan_node_set(n, "device", "UUID=1234"), 0);
	ATF_CHECK_EQ(plan_node_set(n, "target", "/host"), 0);
	n = plan_add_node(&p, "loop", "img");
	ATF_REQUIRE(n != NULL);
	ATF_CHECK_EQ(plan_node_set(n, "file", "/host/root.img"), 0);
	ATF_CHECK_EQ(plan_node_set(n, "after", "host"), 0);
	n = plan_add_node(&p, "mount", "root");
	ATF_CHECK_EQ(plan_node_set(n, "device", "img"), 0);
	ATF_CHECK_EQ(plan_node_set(n, "target", "/root"), 0);
	ATF_CHECK_EQ(plan_validate(&p, &err), 0);
	ATF_CHECK(has_dep(&p, "img", "host") && p.nodes[1].ndeps == 1);
	ATF_CHECK(has_dep(&p, "root", "img"));
	check_pos(p.nodes[1].name_pos, 0, 0);

	/* A second value on a single-valued option; no position to give. */
	ATF_CHECK_EQ(plan_node_set(&p.nodes[2], "target", "/other"), 0);
	ATF_CHECK_EQ(plan_validate(&p, &err), -EINVAL);
	ATF_CHECK_STREQ(plan_error_str(&err, msg, sizeof(msg)),
			"cmdline: option 'target' of mount node 'root' takes one value, got 2");
	plan_free(&p);

	plan_init(&p, "cmdline", driver_table);
	n = plan_add_node(&p, "loop", "x");
	ATF_CHECK_EQ(plan_node_set(n, "file", "/a\nb"), 0);
	ATF_CHECK_EQ(plan_validate(&p, &err), -EINVAL);
	ATF_CHECK_STREQ(plan_error_str(&err, msg, sizeof(msg)),
			"cmdline: bad character 0x0a in option 'file' (expected printable text)");
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(limits);
ATF_TC_BODY(limits, tc)
{
	size_t size = 4097 * 40;
	char *text = malloc(size), *s = text;

	ATF_REQUIRE(text);
	s += sprintf(s, "loop a { file /a");
	for (int i = 0; i < 256; i++)
		s += sprintf(s, " v");
	s += sprintf(s, " w }");
	ATF_CHECK_STREQ(first_error_len(text, (size_t)(s - text)),
			"1:528: too many values for option 'file' (at most 256)");
	s = text;
	s += sprintf(s, "loop a {\n");
	for (int i = 0; i < 65; i++)
		s += sprintf(s, " o%d 1\n", i);
	ATF_CHECK_STREQ(first_error_len(text, (size_t)(s - text)),
			"66:2: too many options in node 'a' (at most 64)");
	s = text;
	for (int i = 0; i < 4097; i++)
		s += sprintf(s, "loop n%d { file /%d }\n", i, i);
	ATF_CHECK_STREQ(first_error_len(text, (size_t)(s - text)),
			"4097:1: too many nodes (at most 4096)");
	free(text);
	text = calloc(1, (1u << 20) + 1);
	ATF_REQUIRE(text);
	memset(text, '\n', (1u << 20) + 1);
	ATF_CHECK_STREQ(first_error_len(text, 1u << 20), "(valid)");
	ATF_CHECK_STREQ(first_error_len(text, (1u << 20) + 1),
			"too large: 1048577 bytes (at most 1 MiB)");
	free(text);
}

ATF_TC_WITHOUT_HEAD(load);
ATF_TC_BODY(load, tc)
{
	struct plan p;
	struct plan_error err;
	char msg[1024];

	fake_reset();
	ATF_CHECK_EQ(plan_load(&p, driver_table, "/etc/blkasm.conf", &err), -ENOENT);
	ATF_CHECK_STREQ(plan_error_str(&err, msg, sizeof(msg)),
			"/etc/blkasm.conf: cannot read: No such file or directory");
	ATF_CHECK_EQ(p.count, 0);
	plan_free(&p);

	fake_file_add("/etc/blkasm.conf", "loop a { file /a }\nloop b { fil /b }\n");
	ATF_CHECK_EQ(plan_load(&p, driver_table, "/etc/blkasm.conf", &err), -EINVAL);
	ATF_CHECK_STREQ(plan_error_str(&err, msg, sizeof(msg)),
			"/etc/blkasm.conf:2:10: unknown option 'fil' for loop node 'b' "
			"(expected one of: " LOOP_OPTS ")");
	ATF_CHECK_EQ(p.count, 0);
	plan_free(&p);

	fake_reset();
	fake_file_add("/etc/blkasm.conf", "loop a { file /a }\nmount m { device a; target /m }\n");
	ATF_CHECK_EQ(plan_load(&p, driver_table, "/etc/blkasm.conf", &err), 0);
	ATF_CHECK_EQ(p.count, 2);
	ATF_CHECK(has_dep(&p, "m", "a"));
	plan_free(&p);
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, positions_with_tabs);
	ATF_TP_ADD_TC(tp, md_device_path_edges);
	ATF_TP_ADD_TC(tp, quotes_and_escapes);
	ATF_TP_ADD_TC(tp, separators_and_one_line_blocks);
	ATF_TP_ADD_TC(tp, empty_plans);
	ATF_TP_ADD_TC(tp, syntax_errors);
	ATF_TP_ADD_TC(tp, node_errors);
	ATF_TP_ADD_TC(tp, option_errors);
	ATF_TP_ADD_TC(tp, value_errors);
	ATF_TP_ADD_TC(tp, reference_errors);
	ATF_TP_ADD_TC(tp, conflicts_and_cycles);
	ATF_TP_ADD_TC(tp, dependency_edges);
	ATF_TP_ADD_TC(tp, root_mount_holds_every_path);
	ATF_TP_ADD_TC(tp, nodes_made_in_code);
	ATF_TP_ADD_TC(tp, limits);
	ATF_TP_ADD_TC(tp, load);
	return atf_no_error();
}
