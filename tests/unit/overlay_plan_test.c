/* SPDX-License-Identifier: MIT */
/*
 * The overlay kind's plan checks: each error at its place, and the edges
 * and claims an overlay node adds.
 */
#include "plan_fixture.h"

#include <stdlib.h>

#define IMG "mount img { device /dev/vdb; target /lower; read-only yes }\n"
#define PERSIST "mount persist { device /dev/vdc; target /persist }\n"

ATF_TC_WITHOUT_HEAD(valid_plans);
ATF_TC_BODY(valid_plans, tc)
{
	check_error(IMG "overlay o { lower img; target /merged }", "(valid)");
	check_error(IMG "overlay o { lower img; size 1G; target /merged; read-only yes }",
		    "(valid)");
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u; target /merged }",
		    "(valid)");
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u; work /persist/a/w; "
		    "target /merged }", "(valid)");
	/* An overlay is a mount point: another overlay may lie on it. */
	check_error(IMG "overlay o { lower img; target /merged }\n"
		    "overlay p { lower o; target /top }", "(valid)");
}

ATF_TC_WITHOUT_HEAD(lower_errors);
ATF_TC_BODY(lower_errors, tc)
{
	check_error("loop l { file /a.img }\noverlay o { lower l; target /m }",
		    "2:19: lower layer 'l' of overlay node 'o' is a loop node (expected mount "
		    "or overlay nodes)");
	check_error(IMG "overlay o { lower img img; target /m }",
		    "2:23: lower layer 'img' is listed twice (first at 2:19)");
	check_error(IMG "overlay o { lower nope; target /m }",
		    "2:19: no node named 'nope' (option 'lower' wants node names)");
	check_error(IMG "overlay o { target /m }",
		    "2:9: overlay node 'o' needs option 'lower': the read-only layers: mount "
		    "nodes, top first");
	check_error("mount img { device /dev/vdb; target /a:b }\noverlay o { lower img; "
		    "target /m }", "2:19: lower layer 'img' is mounted on /a:b: overlayfs cannot "
		    "take ',', ':' or '\\' in a layer's path");
}

ATF_TC_WITHOUT_HEAD(target_errors);
ATF_TC_BODY(target_errors, tc)
{
	check_error(IMG "overlay o { lower img; target /lower/sub }",
		    "2:31: target /lower/sub of overlay node 'o' is inside its lower layer 'img' "
		    "(mounted on /lower)");
	check_error(IMG "overlay o { lower img; target /lower }",
		    "2:31: target /lower of overlay node 'o' is inside its lower layer 'img' "
		    "(mounted on /lower)");
	/* One mount point, two nodes. */
	check_error(IMG "mount m { device /dev/vdd; target /m }\n"
		    "overlay o { lower img; target /m }",
		    "3:31: overlay node 'o' conflicts with node 'm' (2:35): it mounts on /m, and "
		    "'m' mounts on /m");
}

ATF_TC_WITHOUT_HEAD(upper_kind_errors);
ATF_TC_BODY(upper_kind_errors, tc)
{
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u; size 1G; target /m }",
		    "3:47: option 'size' is for a tmpfs upper layer, and overlay node 'o' has "
		    "the folder /persist/u (drop 'size' or 'upper')");
	check_error(IMG "overlay o { lower img; size 0; target /m }",
		    "2:29: size 0 would make the tmpfs unlimited (leave 'size' out for the "
		    "kernel's default, half of the memory)");
	check_error(IMG "overlay o { lower img; work /w; target /m }",
		    "2:29: option 'work' needs option 'upper': a tmpfs upper layer has its work "
		    "folder beside it");
}

ATF_TC_WITHOUT_HEAD(folder_errors);
ATF_TC_BODY(folder_errors, tc)
{
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u; work /persist/u/w; "
		    "target /m }",
		    "3:47: work folder /persist/u/w and upper folder /persist/u are inside one "
		    "another (overlayfs wants them apart)");
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/w/u; work /persist/w; "
		    "target /m }",
		    "3:49: work folder /persist/w and upper folder /persist/w/u are inside one "
		    "another (overlayfs wants them apart)");
	/* The default work folder of .../work is the upper folder itself. */
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/work; target /m }",
		    "3:30: work folder /persist/work (the default; give option 'work') and upper "
		    "folder /persist/work are inside one another (overlayfs wants them apart)");
	check_error(IMG PERSIST "overlay o { lower img; upper /m/u; target /m }",
		    "3:30: upper folder /m/u is below the overlay's own target /m, which the "
		    "overlay hides");
	check_error(IMG PERSIST "overlay o { lower img; upper /lower/u; target /m }",
		    "3:30: upper folder /lower/u is inside lower layer 'img' (mounted on "
		    "/lower): overlayfs wants its layers apart");
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u,x; target /m }",
		    "3:30: upper folder /persist/u,x: overlayfs cannot take ',', ':' or '\\' in "
		    "a layer's path");
}

/* A tmpfs upper layer lives below BLKASM_RUN_DIR, which overlayfs must take. */
ATF_TC_WITHOUT_HEAD(tmpfs_folder_path);
ATF_TC_BODY(tmpfs_folder_path, tc)
{
	ATF_REQUIRE_EQ(setenv("BLKASM_RUN_DIR", "/tmp/a:b", 1), 0);
	check_error(IMG "overlay o { lower img; target /m }",
		    "2:9: the tmpfs folder /tmp/a:b/overlay/o of overlay node 'o': overlayfs "
		    "cannot take ',', ':' or '\\' in a layer's path (set BLKASM_RUN_DIR)");
	ATF_REQUIRE_EQ(setenv("BLKASM_RUN_DIR", "/tmp/ab", 1), 0);
	check_error(IMG "overlay o { lower img; target /m }", "(valid)");
	unsetenv("BLKASM_RUN_DIR");
}

/* Upper and work on one filesystem: the mount node holding each. */
ATF_TC_WITHOUT_HEAD(folders_on_two_mounts);
ATF_TC_BODY(folders_on_two_mounts, tc)
{
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/u; work /var/w; "
		    "target /m }",
		    "3:47: work folder /var/w is on no mount of the plan and upper folder "
		    "/persist/u on mount node 'persist': overlayfs wants them on one filesystem");
	/* The upper folder is the mount point: its default sibling is outside. */
	check_error(IMG PERSIST "overlay o { lower img; upper /persist; target /m }",
		    "3:30: work folder /work (the default; give option 'work') is on no mount "
		    "of the plan and upper folder /persist on mount node 'persist': overlayfs "
		    "wants them on one filesystem");
	check_error(IMG PERSIST "mount deep { device /dev/vdd; target /persist/deep }\n"
		    "overlay o { lower img; upper /persist/u; work /persist/deep/w; target /m }",
		    "4:47: work folder /persist/deep/w is on mount node 'deep' and upper folder "
		    "/persist/u on mount node 'persist': overlayfs wants them on one filesystem");
}

/* Two overlays may not share an upper or a work folder. */
ATF_TC_WITHOUT_HEAD(folder_claims);
ATF_TC_BODY(folder_claims, tc)
{
	check_error(IMG PERSIST "overlay o { lower img; upper /persist/a/u; target /m }\n"
		    "overlay p { lower img; upper /persist/b/u; work /persist/a/work; "
		    "target /n }",
		    "4:49: overlay node 'p' conflicts with node 'o' (3:30): it keeps its work "
		    "folder in /persist/a/work, and 'o' keeps its work folder in "
		    "/persist/a/work");
}

/* An overlay needs its lowers and the mount holding its upper folder. */
ATF_TC_WITHOUT_HEAD(edges);
ATF_TC_BODY(edges, tc)
{
	struct plan_error err;
	struct plan p;
	const char *text = "overlay o { lower img; upper /persist/u; target /m }\n"
		IMG PERSIST "loop f { file /m/x.img }\n";
	int o, f;

	ATF_REQUIRE_EQ(plan_parse(&p, driver_table, "", text, strlen(text), &err), 0);
	ATF_REQUIRE_EQ(plan_validate(&p, &err), 0);
	o = plan_find(&p, "o");
	f = plan_find(&p, "f");
	ATF_REQUIRE_EQ(p.nodes[o].ndeps, 2);
	ATF_CHECK_EQ(p.nodes[o].deps[0], (unsigned int)plan_find(&p, "img"));
	ATF_CHECK_EQ(p.nodes[o].deps[1], (unsigned int)plan_find(&p, "persist"));
	/* A file below its target needs the overlay. */
	ATF_REQUIRE_EQ(p.nodes[f].ndeps, 1);
	ATF_CHECK_EQ(p.nodes[f].deps[0], (unsigned int)o);
	plan_free(&p);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, valid_plans);
	ATF_TP_ADD_TC(tp, lower_errors);
	ATF_TP_ADD_TC(tp, target_errors);
	ATF_TP_ADD_TC(tp, upper_kind_errors);
	ATF_TP_ADD_TC(tp, folder_errors);
	ATF_TP_ADD_TC(tp, tmpfs_folder_path);
	ATF_TP_ADD_TC(tp, folders_on_two_mounts);
	ATF_TP_ADD_TC(tp, folder_claims);
	ATF_TP_ADD_TC(tp, edges);
	return 0;
}
