/* SPDX-License-Identifier: MIT */
/*
 * The thin-pool and thin nodes' options (drivers/dm/thin_pool.c pool_validate,
 * drivers/dm/thin_vol.c thin_validate): each refusal with its text and the
 * position it points at, and what good plans fill into struct
 * thin_pool_conf and struct thin_conf. Bringing them up: thin_up_test.c.
 */
#include "dm/thin_node.h"
#include "plan_fixture.h"
#include "plan.h"
#include "plan_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Node p on line 1, a thin-pool on two devices. */
#define POOL "thin-pool p { metadata /dev/vdb; data /dev/vdc }\n"
/* Node q on line 2, another pool. */
#define POOL_Q "thin-pool q { metadata /dev/vdd; data /dev/vde }\n"

/* Validates text (which must be good); the node named name. */
static struct plan_node *valid(struct plan *p, const char *text, const char *name)
{
	struct plan_error err;
	char msg[1024];
	int r = plan_parse(p, driver_table, "t.conf", text, strlen(text), &err);

	if (r == 0)
		r = plan_validate(p, &err);
	ATF_REQUIRE_MSG(r == 0, "%s: %s", text, plan_error_str(&err, msg, sizeof(msg)));
	ATF_REQUIRE(plan_find(p, name) >= 0);
	return &p->nodes[plan_find(p, name)];
}

/* ---- thin-pool ---- */

ATF_TC_WITHOUT_HEAD(pool_bad_name);
ATF_TC_BODY(pool_bad_name, tc)
{
	char text[512], want[512], name[130];

	check_error("thin-pool p {\n\tmetadata /dev/vdb\n\tdata /dev/vdc\n\tname a/b\n}\n",
		    "4:7: thin-pool 'p': 'blkasm-a/b' is not a device-mapper name");
	check_error("thin-pool p { name ../x; metadata /dev/vdb; data /dev/vdc }\n",
		    "1:20: thin-pool 'p': 'blkasm-../x' is not a device-mapper name");
	/* 120 bytes after "blkasm-" make the longest name dm takes (127). */
	memset(name, 'x', 120);
	name[120] = '\0';
	snprintf(text, sizeof(text), "thin-pool p { metadata /dev/vdb; data /dev/vdc; "
		 "name %s }\n", name);
	check_error(text, "(valid)");
	/* One more does not fit: the message shows what did. */
	strcat(name, "y");
	snprintf(text, sizeof(text), "thin-pool p { metadata /dev/vdb; data /dev/vdc; "
		 "name %s }\n", name);
	name[120] = '\0';
	snprintf(want, sizeof(want), "1:54: thin-pool 'p': 'blkasm-%s' is not a "
		 "device-mapper name", name);
	check_error(text, want);
	/* Checked before the devices. */
	check_error("thin-pool p { name a/b }\n",
		    "1:20: thin-pool 'p': 'blkasm-a/b' is not a device-mapper name");
}

ATF_TC_WITHOUT_HEAD(pool_devices);
ATF_TC_BODY(pool_devices, tc)
{
	check_error("thin-pool p {\n\tmetadata /dev/vdb\n}\n",
		    "1:11: thin-pool 'p' needs metadata and data, or device");
	check_error("thin-pool p {\n\tdata /dev/vdc\n}\n",
		    "1:11: thin-pool 'p' needs metadata and data, or device");
	check_error("thin-pool p { }\n",
		    "1:11: thin-pool 'p' needs metadata and data, or device");
	check_error("thin-pool p {\n\tdata /dev/vdc\n\tdevice /dev/vdb\n}\n",
		    "3:9: thin-pool 'p' takes either device or metadata and data");
	check_error("thin-pool p {\n\tmetadata /dev/vdb\n\tdata /dev/vdc\n"
		    "\tmetadata-size 8M\n}\n",
		    "4:16: metadata-size of thin-pool 'p' goes with device");
	check_error("thin-pool p { device /dev/vdb; metadata-size 1M }\n",
		    "1:46: metadata-size of thin-pool 'p' must be 2M to 16G in steps of 4K");
	check_error("thin-pool p { device /dev/vdb; metadata-size 17G }\n",
		    "1:46: metadata-size of thin-pool 'p' must be 2M to 16G in steps of 4K");
	check_error("thin-pool p { device /dev/vdb; metadata-size 4194816 }\n",
		    "1:46: metadata-size of thin-pool 'p' must be 2M to 16G in steps of 4K");
	check_error("thin-pool p { device /dev/vdb; metadata-size 2M }\n", "(valid)");
	check_error("thin-pool p { device /dev/vdb; metadata-size 16G }\n", "(valid)");
	/* A mount node provides no device. */
	check_error("mount m { device /dev/vdb; target /mnt }\n"
		    "thin-pool p { metadata m; data /dev/vdc }\n",
		    "2:24: node 'm' is a mount node, which provides no device (option "
		    "'metadata' wants a block device)");
}

ATF_TC_WITHOUT_HEAD(pool_block_size);
ATF_TC_BODY(pool_block_size, tc)
{
	static const char *const bad[] = { "0", "32K", "96K", "65537", "65024", "2G",
		"1049600K", NULL };
	static const char *const good[] = { "64K", "65536", "128K", "1088K", "1G", NULL };
	char text[256];

	for (int i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text), "thin-pool p {\n\tmetadata /dev/vdb\n"
			 "\tdata /dev/vdc\n\tblock-size %s\n}\n", bad[i]);
		check_error(text, "4:13: block-size of thin-pool 'p' must be 64K to 1G in "
			    "steps of 64K");
	}
	for (int i = 0; good[i]; i++) {
		snprintf(text, sizeof(text), "thin-pool p {\n\tmetadata /dev/vdb\n"
			 "\tdata /dev/vdc\n\tblock-size %s\n}\n", good[i]);
		check_error(text, "(valid)");
	}
	check_error("thin-pool p { metadata /dev/vdb; data /dev/vdc; block-size 64Q }\n",
		    "1:60: bad size '64Q' for option 'block-size' (expected bytes, with an "
		    "optional K, M, G or T suffix for powers of 1024: 4096, 64K, 1G)");
}

ATF_TC_WITHOUT_HEAD(pool_defaults);
ATF_TC_BODY(pool_defaults, tc)
{
	const struct thin_pool_conf *pc;
	struct plan_node *n;
	struct plan p;

	n = valid(&p, POOL, "p");
	pc = n->conf;
	ATF_REQUIRE(pc);
	ATF_CHECK_STREQ(pc->dm_name, "blkasm-p");
	ATF_CHECK_STREQ(pc->dm_uuid, "BLKASM-pool-p");
	ATF_CHECK_EQ(pc->block_sectors, 128);
	ATF_CHECK_EQ(pc->low_water, 0);
	ATF_CHECK(!pc->create);
	ATF_CHECK(pc->zero_blocks);
	ATF_CHECK(!pc->read_only);
	ATF_CHECK(pc->check);
	ATF_CHECK(!pc->sliced);
	ATF_REQUIRE(n->nclaims >= 1);
	ATF_CHECK_STREQ(n->claims[0].text, "takes the device-mapper name blkasm-p");
	ATF_CHECK_EQ(n->ndeps, 0);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(pool_options);
ATF_TC_BODY(pool_options, tc)
{
	const struct thin_pool_conf *pc;
	struct plan_node *n;
	struct plan p;

	n = valid(&p, "device m { device /dev/vdb }\ndevice d { device /dev/vdc }\n"
		  "thin-pool p {\n\tmetadata m\n\tdata d\n\tname data\n\tblock-size 1M\n"
		  "\tlow-water 64M\n\tcreate yes\n\tzero-blocks no\n\tread-only yes\n"
		  "\tcheck no\n}\n", "p");
	pc = n->conf;
	ATF_CHECK_STREQ(pc->dm_name, "blkasm-data");
	ATF_CHECK_STREQ(pc->dm_uuid, "BLKASM-pool-data");
	ATF_CHECK_EQ(pc->block_sectors, 2048);
	ATF_CHECK_EQ(pc->low_water, 64u << 20);
	ATF_CHECK(pc->create);
	ATF_CHECK(!pc->zero_blocks);
	ATF_CHECK(pc->read_only);
	ATF_CHECK(!pc->check);
	ATF_REQUIRE_EQ(n->nclaims, 3);
	ATF_CHECK_STREQ(n->claims[0].text, "takes the device-mapper name blkasm-data");
	ATF_CHECK_STREQ(n->claims[1].text, "uses m as pool metadata");
	ATF_CHECK_STREQ(n->claims[2].text, "uses d as pool data");
	/* The two device nodes are its dependencies. */
	ATF_CHECK_EQ(n->ndeps, 2);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(pool_sliced);
ATF_TC_BODY(pool_sliced, tc)
{
	const struct thin_pool_conf *pc;
	struct plan p;

	pc = valid(&p, "thin-pool p { device /dev/vdb }\n", "p")->conf;
	ATF_CHECK(pc->sliced);
	ATF_CHECK_EQ(pc->meta_sectors, 8192);		/* 4M */
	ATF_CHECK_STREQ(pc->slice_name[0], "blkasm-p-tmeta");
	ATF_CHECK_STREQ(pc->slice_name[1], "blkasm-p-tdata");
	ATF_CHECK_STREQ(pc->slice_uuid[0], "BLKASM-pool-p-tmeta");
	ATF_CHECK_STREQ(pc->slice_uuid[1], "BLKASM-pool-p-tdata");
	plan_free(&p);

	pc = valid(&p, "thin-pool p { device /dev/vdb; metadata-size 8M; name vg }\n",
		   "p")->conf;
	ATF_CHECK_EQ(pc->meta_sectors, 16384);
	ATF_CHECK_STREQ(pc->slice_name[0], "blkasm-vg-tmeta");
	ATF_CHECK_STREQ(pc->slice_uuid[1], "BLKASM-pool-vg-tdata");
	plan_free(&p);
}

/* Two pools of one device-mapper name. */
ATF_TC_WITHOUT_HEAD(pool_name_conflict);
ATF_TC_BODY(pool_name_conflict, tc)
{
	check_error(POOL "thin-pool q { metadata /dev/vdd; data /dev/vde; name p }\n",
		    "2:54: thin-pool node 'q' conflicts with node 'p' (1:11): it takes the "
		    "device-mapper name blkasm-p, and 'p' takes the device-mapper name blkasm-p");
}

/* ---- thin ---- */

ATF_TC_WITHOUT_HEAD(thin_required);
ATF_TC_BODY(thin_required, tc)
{
	check_error(POOL "thin t {\n\tid 1\n\tsize 1G\n}\n",
		    "2:6: thin node 't' needs option 'pool': the thin-pool node");
	check_error(POOL "thin t {\n\tpool p\n\tsize 1G\n}\n",
		    "2:6: thin node 't' needs option 'id': the thin device id in the pool "
		    "(0 to 16777215)");
	check_error(POOL "thin t {\n\tpool p\n\tid 1\n}\n",
		    "2:6: thin node 't' needs option 'size': the volume's size");
	/* The first missing in the order of the kind's options. */
	check_error(POOL "thin t { }\n",
		    "2:6: thin node 't' needs option 'pool': the thin-pool node");
	check_error(POOL "thin t { pool p q; id 1; size 1G }\n",
		    "2:17: option 'pool' of thin node 't' takes one value, got 2");
}

ATF_TC_WITHOUT_HEAD(thin_pool_kind);
ATF_TC_BODY(thin_pool_kind, tc)
{
	check_error("device d { device /dev/vdb }\nthin t { pool d; id 1; size 1G }\n",
		    "2:15: pool of thin node 't' must name a thin-pool node");
	check_error(POOL "thin a { pool p; id 1; size 1G }\n"
		    "thin t { pool a; id 2; size 1G }\n",
		    "3:15: pool of thin node 't' must name a thin-pool node");
	check_error(POOL "thin t { pool x; id 1; size 1G }\n",
		    "2:15: no node named 'x' (option 'pool' wants node names)");
	check_error(POOL "thin t { pool t; id 1; size 1G }\n",
		    "2:15: thin node 't' refers to itself in option 'pool'");
	/* A pool named later in the file is fine. */
	check_error("thin t { pool p; id 1; size 1G }\n" POOL, "(valid)");
}

ATF_TC_WITHOUT_HEAD(thin_id);
ATF_TC_BODY(thin_id, tc)
{
	static const char *const bad[] = { "16777216", "99999999", "4294967295", NULL };
	static const char *const good[] = { "0", "1", "16777215", "0000000007", NULL };
	char text[256];

	for (int i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text), POOL "thin t {\n\tpool p\n\tid %s\n\tsize 1G\n}\n",
			 bad[i]);
		check_error(text, "4:5: id of thin node 't' must be 0 to 16777215");
	}
	for (int i = 0; good[i]; i++) {
		snprintf(text, sizeof(text), POOL "thin t {\n\tpool p\n\tid %s\n\tsize 1G\n}\n",
			 good[i]);
		check_error(text, "(valid)");
	}
	check_error(POOL "thin t { pool p; id -1; size 1G }\n",
		    "2:21: bad number '-1' for option 'id' (expected a whole number from 0 "
		    "to 4294967295)");
	check_error(POOL "thin t { pool p; id 4294967296; size 1G }\n",
		    "2:21: bad number '4294967296' for option 'id' (expected a whole number "
		    "from 0 to 4294967295)");
}

ATF_TC_WITHOUT_HEAD(thin_size);
ATF_TC_BODY(thin_size, tc)
{
	static const char *const bad[] = { "0", "511", "513", "1000", "1048577", NULL };
	static const char *const good[] = { "512", "1536", "1M", "2T", NULL };
	char text[256];

	for (int i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text), POOL "thin t {\n\tpool p\n\tid 1\n\tsize %s\n}\n",
			 bad[i]);
		check_error(text, "5:7: size of thin node 't' must be a non-zero multiple of "
			    "512");
	}
	for (int i = 0; good[i]; i++) {
		snprintf(text, sizeof(text), POOL "thin t {\n\tpool p\n\tid 1\n\tsize %s\n}\n",
			 good[i]);
		check_error(text, "(valid)");
	}
}

ATF_TC_WITHOUT_HEAD(thin_snapshot_of);
ATF_TC_BODY(thin_snapshot_of, tc)
{
	check_error(POOL "thin s {\n\tpool p\n\tid 2\n\tsize 1G\n\tsnapshot-of p\n}\n",
		    "6:14: snapshot-of of thin node 's' must name a thin node");
	check_error("device d { device /dev/vdb }\n" POOL
		    "thin s { pool p; id 2; size 1G; snapshot-of d }\n",
		    "3:45: snapshot-of of thin node 's' must name a thin node");
	check_error(POOL POOL_Q "thin o { pool q; id 1; size 1G }\n"
		    "thin s { pool p; id 2; size 1G; snapshot-of o }\n",
		    "4:45: snapshot-of of thin node 's' must name a thin node of the same pool");
	check_error(POOL "thin s { pool p; id 2; size 1G; snapshot-of s }\n",
		    "2:45: thin node 's' refers to itself in option 'snapshot-of'");
	check_error(POOL "thin s { pool p; id 2; size 1G; snapshot-of z }\n",
		    "2:45: no node named 'z' (option 'snapshot-of' wants node names)");
	/* Of the same pool, before or after it in the file. */
	check_error(POOL "thin o { pool p; id 1; size 1G }\n"
		    "thin s { pool p; id 2; size 1G; snapshot-of o }\n", "(valid)");
	check_error(POOL "thin s { pool p; id 2; size 1G; snapshot-of o }\n"
		    "thin o { pool p; id 1; size 1G }\n", "(valid)");
	/* Two snapshots of each other: a cycle. */
	ATF_CHECK(strstr(first_error(POOL "thin a { pool p; id 1; size 1G; snapshot-of b }\n"
				     "thin b { pool p; id 2; size 1G; snapshot-of a }\n"),
			 "cycle"));
}

ATF_TC_WITHOUT_HEAD(thin_bad_name);
ATF_TC_BODY(thin_bad_name, tc)
{
	check_error(POOL "thin t {\n\tpool p\n\tid 1\n\tsize 1G\n\tname a/b\n}\n",
		    "6:7: thin node 't': 'blkasm-a/b' is not a device-mapper name");
	check_error(POOL "thin t { name /x; pool p; id 1; size 1G }\n",
		    "2:15: thin node 't': 'blkasm-/x' is not a device-mapper name");
	/* After the prefix, "." and ".." are ordinary names. */
	check_error(POOL "thin t { name ..; pool p; id 1; size 1G }\n", "(valid)");
	/* Checked before the pool. */
	check_error("device d { device /dev/vdb }\nthin t { name a/b; pool d; id 1; size 1G }\n",
		    "2:15: thin node 't': 'blkasm-a/b' is not a device-mapper name");
}

ATF_TC_WITHOUT_HEAD(thin_conf);
ATF_TC_BODY(thin_conf, tc)
{
	const struct thin_conf *tc0;
	struct plan_node *n;
	struct plan p;

	n = valid(&p, POOL "thin t { pool p; id 7; size 1G }\n", "t");
	tc0 = n->conf;
	ATF_REQUIRE(tc0);
	ATF_CHECK_STREQ(tc0->dm_name, "blkasm-t");
	ATF_CHECK_STREQ(tc0->dm_uuid, "BLKASM-thin-p-7");
	ATF_CHECK_EQ(tc0->pool, 0);
	ATF_CHECK_EQ(tc0->origin, -1);
	ATF_CHECK_EQ(tc0->id, 7);
	ATF_CHECK_EQ(tc0->sectors, 2097152);
	ATF_CHECK(!tc0->create);
	ATF_CHECK(!tc0->read_only);
	ATF_REQUIRE_EQ(n->nclaims, 2);
	ATF_CHECK_STREQ(n->claims[0].text, "takes the device-mapper name blkasm-t");
	ATF_CHECK_STREQ(n->claims[1].text, "takes thin id 7 of pool p");
	ATF_CHECK_EQ(n->ndeps, 1);
	ATF_CHECK_EQ(n->deps[0], 0);
	plan_free(&p);

	/* The uuid names the pool node, whatever the pool's device-mapper name. */
	n = valid(&p, "thin-pool p { metadata /dev/vdb; data /dev/vdc; name vg }\n"
		  "thin t { pool p; id 16777215; size 1536; name root; create yes; "
		  "read-only yes }\n", "t");
	tc0 = n->conf;
	ATF_CHECK_STREQ(tc0->dm_name, "blkasm-root");
	ATF_CHECK_STREQ(tc0->dm_uuid, "BLKASM-thin-p-16777215");
	ATF_CHECK_EQ(tc0->id, 16777215);
	ATF_CHECK_EQ(tc0->sectors, 3);
	ATF_CHECK(tc0->create);
	ATF_CHECK(tc0->read_only);
	plan_free(&p);
}

ATF_TC_WITHOUT_HEAD(thin_snapshot_conf);
ATF_TC_BODY(thin_snapshot_conf, tc)
{
	const struct thin_conf *tc0;
	struct plan_node *n;
	struct plan p;

	n = valid(&p, POOL "thin o { pool p; id 1; size 1G }\n"
		  "thin s { pool p; id 2; size 1G; snapshot-of o }\n", "s");
	tc0 = n->conf;
	ATF_CHECK_EQ(tc0->origin, 1);
	ATF_CHECK_EQ(tc0->pool, 0);
	/* A snapshot is always made when missing. */
	ATF_CHECK(tc0->create);
	ATF_CHECK_EQ(n->ndeps, 2);
	plan_free(&p);
}

/* One thin id of a pool is one volume: two nodes may not both take it. */
ATF_TC_WITHOUT_HEAD(thin_id_conflict);
ATF_TC_BODY(thin_id_conflict, tc)
{
	check_error(POOL "thin a { pool p; id 1; size 1G }\nthin b { pool p; id 1; size 2G }\n",
		    "3:21: thin node 'b' conflicts with node 'a' (2:21): it takes thin id 1 of "
		    "pool p, and 'a' takes thin id 1 of pool p");
	/* The same id in two pools is two volumes. */
	check_error(POOL POOL_Q "thin a { pool p; id 1; size 1G }\n"
		    "thin b { pool q; id 1; size 1G }\n", "(valid)");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, pool_bad_name);
	ATF_TP_ADD_TC(tp, pool_devices);
	ATF_TP_ADD_TC(tp, pool_block_size);
	ATF_TP_ADD_TC(tp, pool_defaults);
	ATF_TP_ADD_TC(tp, pool_options);
	ATF_TP_ADD_TC(tp, pool_sliced);
	ATF_TP_ADD_TC(tp, pool_name_conflict);
	ATF_TP_ADD_TC(tp, thin_required);
	ATF_TP_ADD_TC(tp, thin_pool_kind);
	ATF_TP_ADD_TC(tp, thin_id);
	ATF_TP_ADD_TC(tp, thin_size);
	ATF_TP_ADD_TC(tp, thin_snapshot_of);
	ATF_TP_ADD_TC(tp, thin_bad_name);
	ATF_TP_ADD_TC(tp, thin_conf);
	ATF_TP_ADD_TC(tp, thin_snapshot_conf);
	ATF_TP_ADD_TC(tp, thin_id_conflict);
	return 0;
}
