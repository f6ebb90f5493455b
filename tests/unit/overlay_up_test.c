/* SPDX-License-Identifier: MIT */
/*
 * The overlay kind at run time through the fake seam: a tmpfs or folder
 * upper layer, the folders made, one filesystem for upper and work, the
 * options handed to the kernel, and what down, adopt and status do.
 */
#include "table.h"
#include "driver.h"
#include "fake_sys.h"
#include "plan.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define LOWERS "mount img { device /dev/vdb; target /lower; read-only yes }\n" \
	"mount base { device /dev/vdd; target /base; read-only yes }\n"
#define PERSIST "mount persist { device /dev/vdc; target /persist }\n"
#define TMPFS_DIR "/run/blkasm/overlay/o"

static struct plan plan;
static struct run_ctx ctx;

static struct plan_node *node(const char *name)
{
	int i = plan_find(&plan, name);

	ATF_REQUIRE_MSG(i >= 0, "no node %s", name);
	return &plan.nodes[i];
}

/* A fresh seam and the plan text, validated; ctx set for a run. */
static void plan_of(const char *text)
{
	struct plan_error err;
	char msg[1024];
	int r;

	fake_reset();
	r = plan_parse(&plan, driver_table, "t.conf", text, strlen(text), &err);
	if (r == 0)
		r = plan_validate(&plan, &err);
	ATF_REQUIRE_MSG(r == 0, "%s", plan_error_str(&err, msg, sizeof(msg)));
	ctx = (struct run_ctx){ .plan = &plan, .deadline_ms = FAKE_T0_MS + 10000 };
}

/* The mounts and unmounts of fake_trace(), in order. */
static const char *mounts(void)
{
	static char out[1024];
	char trace[4096], *save = NULL;
	size_t used = 0;

	snprintf(trace, sizeof(trace), "%s", fake_trace());
	out[0] = '\0';
	for (char *w = strtok_r(trace, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int args = !strcmp(w, "mount") ? 3 : !strcmp(w, "umount") ? 1 : 0;

		if (!args)
			continue;
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", used ? " " : "", w);
		while (args-- && (w = strtok_r(NULL, " ", &save)))
			used += (size_t)snprintf(out + used, sizeof(out) - used, " %s", w);
	}
	return out;
}

static int up(const char *name)
{
	struct plan_node *n = node(name);

	return n->drv->up(&ctx, n);
}

ATF_TC_WITHOUT_HEAD(up_tmpfs);
ATF_TC_BODY(up_tmpfs, tc)
{
	plan_of(LOWERS "overlay o { lower img base; size 64M; target /merged }\n");
	ATF_REQUIRE_EQ(up("o"), 0);
	ATF_CHECK_STREQ(mounts(), "mount tmpfs " TMPFS_DIR " tmpfs mount overlay /merged overlay");
	ATF_CHECK_STREQ(fake_mount_data(), "mode=0755,size=67108864 "
			"lowerdir=/lower:/base,upperdir=" TMPFS_DIR "/upper,workdir=" TMPFS_DIR
			"/work");
	/* The folders inside the tmpfs are made after it is mounted. */
	ATF_CHECK(strstr(fake_trace(), "tmpfs mkdir /run mkdir /run/blkasm mkdir "
			 "/run/blkasm/overlay mkdir " TMPFS_DIR " mkdir " TMPFS_DIR "/upper"));
	ATF_CHECK(strstr(fake_trace(), "mkdir /merged mount overlay"));
	ATF_CHECK_STREQ(node("o")->summary, "overlay on /merged, upper tmpfs of 64M (rw)");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_tmpfs_default_size);
ATF_TC_BODY(up_tmpfs_default_size, tc)
{
	plan_of(LOWERS "overlay o { lower img; target /merged; read-only yes }\n");
	ATF_REQUIRE_EQ(up("o"), 0);
	ATF_CHECK_STREQ(fake_mount_data(), "mode=0755 lowerdir=/lower,upperdir=" TMPFS_DIR
			"/upper,workdir=" TMPFS_DIR "/work");
	ATF_CHECK_STREQ(node("o")->summary, "overlay on /merged, upper tmpfs (ro)");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_folder_made_when_missing);
ATF_TC_BODY(up_folder_made_when_missing, tc)
{
	plan_of(LOWERS PERSIST "overlay o { lower img; upper /persist/ovl/upper; target /merged }\n");
	ATF_REQUIRE_EQ(up("o"), 0);
	ATF_CHECK_STREQ(mounts(), "mount overlay /merged overlay");
	ATF_CHECK_STREQ(fake_mount_data(), "lowerdir=/lower,upperdir=/persist/ovl/upper,"
			"workdir=/persist/ovl/work");
	ATF_CHECK(strstr(fake_trace(), "mkdir /persist/ovl/upper"));
	ATF_CHECK(strstr(fake_trace(), "mkdir /persist/ovl/work"));
	ATF_CHECK_STREQ(node("o")->summary, "overlay on /merged, upper /persist/ovl/upper (rw)");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_folder_existing_with_work);
ATF_TC_BODY(up_folder_existing_with_work, tc)
{
	plan_of(LOWERS PERSIST "overlay o { lower img; upper /persist/u; work /persist/w/x; "
		"target /merged }\n");
	fake_dir_add("/persist/u");
	fake_dir_add("/persist/w/x");
	fake_file_id("/persist/u", makedev(8, 32), 10);
	fake_file_id("/persist/w/x", makedev(8, 32), 11);
	ATF_REQUIRE_EQ(up("o"), 0);
	ATF_CHECK_STREQ(fake_mount_data(), "lowerdir=/lower,upperdir=/persist/u,"
			"workdir=/persist/w/x");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_work_on_other_filesystem_refused);
ATF_TC_BODY(up_work_on_other_filesystem_refused, tc)
{
	plan_of(LOWERS PERSIST "overlay o { lower img; upper /persist/u; work /persist/w; "
		"target /merged }\n");
	fake_dir_add("/persist/u");
	fake_dir_add("/persist/w");
	fake_file_id("/persist/u", makedev(8, 32), 10);
	fake_file_id("/persist/w", makedev(8, 48), 11);
	ATF_CHECK_EQ(up("o"), -EXDEV);
	ATF_CHECK_STREQ(mounts(), "");
	ATF_CHECK_STREQ(node("o")->why, "upper folder /persist/u (on device 8:32) and work "
			"folder /persist/w (on 8:48) are on different filesystems: overlayfs "
			"wants them on one");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_upper_not_a_folder);
ATF_TC_BODY(up_upper_not_a_folder, tc)
{
	plan_of(LOWERS PERSIST "overlay o { lower img; upper /persist/u; target /merged }\n");
	fake_file_add("/persist/u", "a file");
	ATF_CHECK_EQ(up("o"), -ENOTDIR);
	ATF_CHECK_STREQ(mounts(), "");
	ATF_CHECK_STREQ(node("o")->why, "cannot make the upper folder /persist/u: Not a directory");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_failed_mount_unmounts_its_tmpfs);
ATF_TC_BODY(up_failed_mount_unmounts_its_tmpfs, tc)
{
	plan_of(LOWERS "overlay o { lower img; target /merged }\n");
	fake_fail(FAKE_MOUNT, "/merged", -EINVAL);
	ATF_CHECK_EQ(up("o"), -EINVAL);
	ATF_CHECK_STREQ(mounts(), "mount tmpfs " TMPFS_DIR " tmpfs mount overlay /merged overlay "
			"umount " TMPFS_DIR);
	ATF_CHECK_STREQ(node("o")->why, "cannot mount overlay on /merged (lowerdir=/lower,"
			"upperdir=" TMPFS_DIR "/upper,workdir=" TMPFS_DIR "/work): Invalid "
			"argument; the kernel log says more");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(up_tmpfs_mount_fails);
ATF_TC_BODY(up_tmpfs_mount_fails, tc)
{
	plan_of(LOWERS "overlay o { lower img; target /merged }\n");
	fake_fail(FAKE_MOUNT, TMPFS_DIR, -ENOMEM);
	ATF_CHECK_EQ(up("o"), -ENOMEM);
	ATF_CHECK_STREQ(mounts(), "mount tmpfs " TMPFS_DIR " tmpfs");
	ATF_CHECK_STREQ(node("o")->why, "cannot mount a tmpfs on " TMPFS_DIR " for the upper "
			"layer: Cannot allocate memory");
	plan_free(&plan);
}

/* Options past one page would be cut short by mount(2): refused first. */
ATF_TC_WITHOUT_HEAD(up_options_too_long);
ATF_TC_BODY(up_options_too_long, tc)
{
	char text[8192], dir[1100];
	size_t used;

	memset(dir, 'd', sizeof(dir) - 1);
	dir[sizeof(dir) - 1] = '\0';
	used = (size_t)snprintf(text, sizeof(text), "overlay o { target /merged; lower");
	for (int i = 0; i < 4; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, " m%d", i);
	used += (size_t)snprintf(text + used, sizeof(text) - used, " }\n");
	for (int i = 0; i < 4; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "mount m%d { device /dev/vd%c; target /%d%s }\n", i,
					 'b' + i, i, dir);
	plan_of(text);
	ATF_CHECK_EQ(up("o"), -E2BIG);
	ATF_CHECK_STREQ(fake_trace(), "");
	ATF_CHECK(strstr(node("o")->why, "longer than the kernel takes (4095 bytes)"));
	plan_free(&plan);
}

#define MI_TMPFS "30 1 0:40 / " TMPFS_DIR " rw,nosuid,nodev - tmpfs tmpfs rw\n"
#define MI_OVERLAY "31 1 0:41 / /merged rw shared:5 - overlay overlay rw,relatime," \
	"lowerdir=/lower,upperdir=" TMPFS_DIR "/upper,workdir=" TMPFS_DIR "/work,uuid=on\n"
#define MI_EXT4 "32 1 8:1 / /merged rw - ext4 /dev/vda1 rw\n"

ATF_TC_WITHOUT_HEAD(down_overlay_then_tmpfs);
ATF_TC_BODY(down_overlay_then_tmpfs, tc)
{
	struct plan_node *n;

	plan_of(LOWERS "overlay o { lower img; target /merged }\n");
	fake_file_add("/proc/self/mountinfo", MI_TMPFS MI_OVERLAY);
	n = node("o");
	ATF_REQUIRE_EQ(n->drv->down(&ctx, n), 0);
	ATF_CHECK_STREQ(mounts(), "umount /merged umount " TMPFS_DIR);
	ATF_CHECK(strstr(fake_trace(), "umount " TMPFS_DIR " rmdir " TMPFS_DIR));
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(down_folder_upper_leaves_it);
ATF_TC_BODY(down_folder_upper_leaves_it, tc)
{
	struct plan_node *n;

	plan_of(LOWERS PERSIST "overlay o { lower img; upper /persist/u; target /merged }\n");
	fake_file_add("/proc/self/mountinfo", MI_OVERLAY);
	n = node("o");
	ATF_REQUIRE_EQ(n->drv->down(&ctx, n), 0);
	ATF_CHECK_STREQ(fake_trace(), "umount /merged");
	plan_free(&plan);
}

/* Down takes away only an overlay: another filesystem there is not its own. */
ATF_TC_WITHOUT_HEAD(down_leaves_other_mounts);
ATF_TC_BODY(down_leaves_other_mounts, tc)
{
	struct plan_node *n;

	plan_of(LOWERS "overlay o { lower img; target /merged }\n");
	fake_file_add("/proc/self/mountinfo", MI_EXT4);
	n = node("o");
	ATF_REQUIRE_EQ(n->drv->down(&ctx, n), 0);
	ATF_CHECK_STREQ(mounts(), "");
	plan_free(&plan);
}

ATF_TC_WITHOUT_HEAD(adopt_and_status);
ATF_TC_BODY(adopt_and_status, tc)
{
	struct node_status st;
	struct plan_node *n;

	plan_of(LOWERS "overlay o { lower img; target /merged }\n");
	n = node("o");
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), 0);
	ATF_CHECK_EQ(n->drv->status(&ctx, n, &st), 0);
	ATF_CHECK(!st.present);
	ATF_CHECK_STREQ(st.detail, "no overlay on /merged");

	fake_file_add("/proc/self/mountinfo", MI_TMPFS MI_OVERLAY);
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), 1);
	ATF_CHECK_STREQ(n->summary, "overlay on /merged (found mounted)");
	ATF_CHECK_EQ(n->drv->status(&ctx, n, &st), 0);
	ATF_CHECK(st.present);
	ATF_CHECK_STREQ(st.detail, "overlay on /merged");

	fake_file_add("/proc/self/mountinfo", MI_EXT4);
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "/merged already has another filesystem mounted (ext4)");
	ATF_CHECK_STREQ(mounts(), "");
	plan_free(&plan);
}

/* An overlay of other layers on the target is not this node's. */
ATF_TC_WITHOUT_HEAD(adopt_checks_the_layers);
ATF_TC_BODY(adopt_checks_the_layers, tc)
{
	struct plan_node *n;

	plan_of(LOWERS PERSIST "overlay o { lower img base; upper /persist/u; target /merged }\n");
	n = node("o");
	fake_file_add("/proc/self/mountinfo", "31 1 0:41 / /merged rw - overlay overlay "
		      "rw,lowerdir=/lower:/base,upperdir=/persist/u,workdir=/persist/work\n");
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), 1);
	/* Lower layers in another order. */
	fake_file_add("/proc/self/mountinfo", "31 1 0:41 / /merged rw - overlay overlay "
		      "rw,lowerdir=/base:/lower,upperdir=/persist/u,workdir=/persist/work\n");
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "/merged already has an overlay of other layers mounted "
			"(rw,lowerdir=/base:/lower,upperdir=/persist/u,workdir=/persist/work)");
	/* Another upper folder, or none. */
	fake_file_add("/proc/self/mountinfo", "31 1 0:41 / /merged rw - overlay overlay "
		      "rw,lowerdir=/lower:/base,upperdir=/persist/v,workdir=/persist/work\n");
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), -EEXIST);
	fake_file_add("/proc/self/mountinfo", "31 1 0:41 / /merged ro - overlay overlay "
		      "ro,lowerdir=/lower:/base\n");
	ATF_CHECK_EQ(n->drv->adopt(&ctx, n), -EEXIST);
	plan_free(&plan);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, up_tmpfs);
	ATF_TP_ADD_TC(tp, up_tmpfs_default_size);
	ATF_TP_ADD_TC(tp, up_folder_made_when_missing);
	ATF_TP_ADD_TC(tp, up_folder_existing_with_work);
	ATF_TP_ADD_TC(tp, up_work_on_other_filesystem_refused);
	ATF_TP_ADD_TC(tp, up_upper_not_a_folder);
	ATF_TP_ADD_TC(tp, up_failed_mount_unmounts_its_tmpfs);
	ATF_TP_ADD_TC(tp, up_tmpfs_mount_fails);
	ATF_TP_ADD_TC(tp, up_options_too_long);
	ATF_TP_ADD_TC(tp, down_overlay_then_tmpfs);
	ATF_TP_ADD_TC(tp, down_folder_upper_leaves_it);
	ATF_TP_ADD_TC(tp, down_leaves_other_mounts);
	ATF_TP_ADD_TC(tp, adopt_and_status);
	ATF_TP_ADD_TC(tp, adopt_checks_the_layers);
	return 0;
}
