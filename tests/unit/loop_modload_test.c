/* SPDX-License-Identifier: MIT */
/*
 * What the boot's loader loads for a plan (modload_plan with the real node
 * kinds): loop only when the plan has a loop node, the filesystem a mount
 * names, nothing a node does not need.
 */
#include "table.h"
#include "fake_sys.h"
#include "driver.h"
#include "modules.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char DEP[] =
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko "
	"kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/squashfs/squashfs.ko:\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/drivers/md/md-mod.ko:\n"
	"kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko\n";

static const char *const KOS[] = {
	"crypto/crc32c_generic", "lib/crc16", "fs/mbcache", "fs/jbd2/jbd2", "fs/ext4/ext4",
	"fs/squashfs/squashfs", "drivers/block/loop", "drivers/md/md-mod", "drivers/md/raid1",
};

/* The finit_module trace after the loader ran the boot list and the plan. */
static const char *boot_loads(const char *text)
{
	static const char *const list[] = { "crc32c_generic" };
	struct plan_error err;
	struct plan p;
	char msg[1024], path[128];

	fake_reset();
	fake_file_add("/m/modules.dep", DEP);
	for (size_t i = 0; i < sizeof(KOS) / sizeof(KOS[0]); i++) {
		snprintf(path, sizeof(path), "/m/kernel/%s.ko", KOS[i]);
		fake_file_add(path, "\177ELF");
	}
	ATF_REQUIRE_EQ(plan_parse(&p, driver_table, "t.conf", text, strlen(text), &err), 0);
	ATF_REQUIRE_MSG(plan_validate(&p, &err) == 0, "%s",
			plan_error_str(&err, msg, sizeof(msg)));
	ATF_REQUIRE_EQ(modload_start("/m", list, 1, 1), 0);
	modload_plan(&p);
	ATF_CHECK_EQ(modload_finish(NULL, 0), 0);
	plan_free(&p);
	return fake_finit_trace();
}

ATF_TC_WITHOUT_HEAD(plain_root_no_loop);
ATF_TC_BODY(plain_root_no_loop, tc)
{
	ATF_CHECK_STREQ(boot_loads("mount root { device /dev/vda; target /root; type ext4 }\n"),
			"/m/kernel/crypto/crc32c_generic.ko /m/kernel/lib/crc16.ko "
			"/m/kernel/fs/mbcache.ko /m/kernel/fs/jbd2/jbd2.ko /m/kernel/fs/ext4/ext4.ko");
	/* A probed type: the mount loads it when it knows it (mod_need). */
	ATF_CHECK_STREQ(boot_loads("mount root { device /dev/vda; target /root }\n"),
			"/m/kernel/crypto/crc32c_generic.ko");
	/* md modules are the driver's to ask for, when it knows the level. */
	ATF_CHECK_STREQ(boot_loads("md m { members /dev/vdb /dev/vdc; level raid1 }\n"),
			"/m/kernel/crypto/crc32c_generic.ko");
}

ATF_TC_WITHOUT_HEAD(loop_root_loads_loop);
ATF_TC_BODY(loop_root_loads_loop, tc)
{
	ATF_CHECK_STREQ(boot_loads("mount host { device /dev/vda; target /host; type ext4 }\n"
				   "loop img { file /host/root.sqfs; read-only yes }\n"
				   "mount root { device img; target /root; type squashfs }\n"),
			"/m/kernel/crypto/crc32c_generic.ko /m/kernel/lib/crc16.ko "
			"/m/kernel/fs/mbcache.ko /m/kernel/fs/jbd2/jbd2.ko /m/kernel/fs/ext4/ext4.ko "
			"/m/kernel/drivers/block/loop.ko /m/kernel/fs/squashfs/squashfs.ko");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, plain_root_no_loop);
	ATF_TP_ADD_TC(tp, loop_root_loads_loop);
	return atf_no_error();
}
