/* SPDX-License-Identifier: MIT */
/*
 * The boot's module loader (lib/modload.c) on the fake seam: a module is
 * never loaded before its dependencies, on any number of threads; errors
 * name the module asked for and the errno as the sequential mod_load does.
 */
#include "fake_sys.h"
#include "modules.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian 6.1 amd64's modules.dep lines for the x86_64 board's modules. */
static const char DEP[] =
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/drivers/virtio/virtio.ko:\n"
	"kernel/drivers/virtio/virtio_ring.ko:\n"
	"kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
	"kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko "
	"kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_ring.ko "
	"kernel/drivers/virtio/virtio.ko\n"
	"kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko "
	"kernel/drivers/virtio/virtio.ko\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko "
	"kernel/fs/jbd2/jbd2.ko\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/drivers/md/md-mod.ko:\n"
	"kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko\n"
	"kernel/drivers/md/dm-mod.ko:\n"
	"kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko\n";

static const char BUILTIN[] = "kernel/net/unix/unix.ko\n";

static struct mod_table t;

static void setup(void)
{
	struct mod_error err;
	char path[256];

	fake_reset();
	fake_file_add("/m/modules.dep", DEP);
	fake_file_add("/m/modules.builtin", BUILTIN);
	mod_free(&t);
	ATF_REQUIRE_EQ(mod_parse(&t, strdup(DEP), &err), 0);
	for (unsigned int i = 0; i < t.count; i++) {
		snprintf(path, sizeof(path), "/m/%s", t.mods[i].path);
		fake_file_add(path, "\177ELF");
	}
}

/* The position of module i in the finit_module trace, or -1. */
static int position(unsigned int i)
{
	char path[256];

	snprintf(path, sizeof(path), "/m/%s", t.mods[i].path);
	for (unsigned int k = 0; k < fake_finit_count(); k++)
		if (!strcmp(fake_finit_path(k), path))
			return (int)k;
	return -1;
}

static bool loaded(const char *name)
{
	return position((unsigned int)mod_find(&t, name)) >= 0;
}

/* Every module loaded once, each after all of its dependencies. */
static void check_order(void)
{
	for (unsigned int k = 0; k < fake_finit_count(); k++) {
		int i = mod_find(&t, fake_finit_path(k) + 3);

		ATF_REQUIRE_MSG(i >= 0, "%s is in no line of modules.dep", fake_finit_path(k));
		ATF_CHECK_EQ_MSG(position((unsigned int)i), (int)k, "%s loaded twice",
				 fake_finit_path(k));
		for (unsigned int d = 0; d < t.mods[i].ndeps; d++) {
			int p = position((unsigned int)t.mods[i].deps[d]);

			ATF_CHECK_MSG(p >= 0 && p < (int)k, "%s loaded before its dependency %s",
				      t.mods[i].path, t.mods[t.mods[i].deps[d]].path);
		}
	}
}

static const char *const BOARD[] = { "virtio_pci", "virtio_blk", "ext4", "crc32c_generic" };

ATF_TC_WITHOUT_HEAD(order_on_threads);
ATF_TC_BODY(order_on_threads, tc)
{
	static const unsigned int threads[] = { 0, 1, 2, 4, 8 };
	char name[64];

	for (size_t n = 0; n < sizeof(threads) / sizeof(threads[0]); n++)
		for (int round = 0; round < 25; round++) {
			setup();
			ATF_REQUIRE_EQ(modload_start("/m", BOARD, 4, threads[n]), 0);
			ATF_CHECK(modload_active());
			modload_want("raid1");
			ATF_CHECK_EQ(modload_finish(name, sizeof(name)), 0);
			ATF_CHECK(!modload_active());
			/* crc32c_generic, listed last, has no dependencies: first. */
			ATF_CHECK_STREQ(fake_finit_path(0), "/m/kernel/crypto/crc32c_generic.ko");
			ATF_CHECK_EQ(fake_finit_count(), 13);
			check_order();
			ATF_CHECK(!loaded("loop"));
			ATF_CHECK_EQ(fake_open_fds(), 0);
			ATF_CHECK_EQ(fake_bad_fds(), 0);
			ATF_CHECK_STREQ(fake_stderr(), "blkasm: modules: 13 loaded from /m (0 ms)\n");
		}
}

/* Without threads, or on one, the order is the sequential mod_load's. */
ATF_TC_WITHOUT_HEAD(one_thread_as_sequential);
ATF_TC_BODY(one_thread_as_sequential, tc)
{
	static const char *const list[] = { "crc32c_generic", "virtio_blk", "ext4" };
	char want[1024];

	setup();
	ATF_REQUIRE_EQ(mod_load("/m", list, 3), 0);
	snprintf(want, sizeof(want), "%s", fake_finit_trace());
	for (unsigned int threads = 0; threads < 2; threads++) {
		setup();
		ATF_REQUIRE_EQ(modload_start("/m", list, 3, threads), 0);
		if (!threads)	/* loaded before modload_start returned */
			ATF_CHECK_STREQ(fake_finit_trace(), want);
		ATF_CHECK_EQ(modload_finish(NULL, 0), 0);
		ATF_CHECK_STREQ(fake_finit_trace(), want);
	}
}

/* A failure is logged as mod_load logs it; chains that do not need it go on. */
ATF_TC_WITHOUT_HEAD(failure_named);
ATF_TC_BODY(failure_named, tc)
{
	static const char *const list[] = { "ext4", "raid1" };
	char name[64];

	/* Sequential (no thread): stops at the first failure, as mod_load does. */
	setup();
	fake_fail(FAKE_FINIT, "/m/kernel/fs/jbd2/jbd2.ko", -ENOEXEC);
	ATF_CHECK_EQ(modload_start("/m", list, 2, 0), -ENOEXEC);
	ATF_CHECK(!modload_active());
	ATF_CHECK(!loaded("ext4"));
	ATF_CHECK(!loaded("raid1"));
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module ext4: cannot load "
			"/m/kernel/fs/jbd2/jbd2.ko: Exec format error\n");
	for (unsigned int threads = 1; threads < 3; threads++) {
		setup();
		fake_fail(FAKE_FINIT, "/m/kernel/fs/jbd2/jbd2.ko", -ENOEXEC);
		ATF_REQUIRE_EQ(modload_start("/m", list, 2, threads), 0);
		ATF_CHECK_EQ(modload_wait("ext4"), -ENOEXEC);
		ATF_CHECK_EQ(modload_wait("raid1"), 0);
		ATF_CHECK_EQ(modload_finish(name, sizeof(name)), -ENOEXEC);
		ATF_CHECK_STREQ(name, "ext4");
		ATF_CHECK(!loaded("ext4"));
		ATF_CHECK(loaded("raid1"));
		check_order();
		ATF_CHECK_STREQ(fake_stderr(), "blkasm: module ext4: cannot load "
				"/m/kernel/fs/jbd2/jbd2.ko: Exec format error\n");
		ATF_CHECK_EQ(fake_open_fds(), 0);
	}
}

ATF_TC_WITHOUT_HEAD(missing_file);
ATF_TC_BODY(missing_file, tc)
{
	static const char *const list[] = { "virtio_blk" };
	char name[64];

	setup();
	fake_fail(FAKE_OPEN, "/m/kernel/drivers/virtio/virtio.ko", -ENOENT);
	ATF_REQUIRE_EQ(modload_start("/m", list, 1, 2), 0);
	ATF_CHECK_EQ(modload_finish(name, sizeof(name)), -ENOENT);
	ATF_CHECK_STREQ(name, "virtio_blk");
	ATF_CHECK(!loaded("virtio_blk"));
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module virtio_blk: cannot load "
			"/m/kernel/drivers/virtio/virtio.ko: No such file or directory\n");
}

/* EEXIST (loaded meanwhile) is success; so is a module /sys/module has. */
ATF_TC_WITHOUT_HEAD(loaded_already);
ATF_TC_BODY(loaded_already, tc)
{
	static const char *const list[] = { "ext4", "unix" };

	setup();
	fake_fail(FAKE_FINIT, "/m/kernel/fs/mbcache.ko", -EEXIST);
	fake_dir_add("/sys/module/jbd2");
	ATF_REQUIRE_EQ(modload_start("/m", list, 2, 2), 0);
	ATF_CHECK_EQ(modload_finish(NULL, 0), 0);
	ATF_CHECK(loaded("ext4"));
	ATF_CHECK(loaded("mbcache"));
	ATF_CHECK(!loaded("jbd2"));
	ATF_CHECK_EQ(fake_finit_count(), 3);
}

ATF_TC_WITHOUT_HEAD(unknown_in_list);
ATF_TC_BODY(unknown_in_list, tc)
{
	static const char *const list[] = { "virtio_blk", "nosuch" };

	setup();
	ATF_CHECK_EQ(modload_start("/m", list, 2, 2), -ENOENT);
	ATF_CHECK(!modload_active());
	/* The boot fails: nothing is loaded. */
	ATF_CHECK_EQ(fake_finit_count(), 0);
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module nosuch: not found in /m/modules.dep\n");
}

ATF_TC_WITHOUT_HEAD(no_modules_dep);
ATF_TC_BODY(no_modules_dep, tc)
{
	static const char *const list[] = { "loop" };

	fake_reset();
	ATF_CHECK_EQ(modload_start("/m", list, 0, 2), -ENOENT);
	ATF_CHECK(!modload_active());
	ATF_CHECK_STREQ(fake_stderr(), "");
	ATF_CHECK_EQ(modload_start("/m", list, 1, 2), -ENOENT);
	ATF_CHECK(!modload_active());
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: cannot read /m/modules.dep: No such file or directory\n");
	ATF_CHECK_EQ(modload_finish(NULL, 0), 0);
}

/* Nodes wait for what they need; mod_need goes through the loader. */
ATF_TC_WITHOUT_HEAD(on_demand);
ATF_TC_BODY(on_demand, tc)
{
	static const char *const list[] = { "virtio_blk" };

	setup();
	ATF_REQUIRE_EQ(modload_start("/m", list, 1, 2), 0);
	ATF_CHECK_EQ(modload_wait("loop"), 0);
	ATF_CHECK(loaded("loop"));
	/* Not in modules.dep: /proc has no osrelease here, so only the loader loads it. */
	ATF_CHECK_EQ(mod_need("dm-bufio"), 0);
	ATF_CHECK(loaded("dm_mod"));
	ATF_CHECK(loaded("dm_bufio"));
	ATF_CHECK_EQ(modload_wait("unix"), 0);
	modload_want("nosuch");
	ATF_CHECK_EQ(modload_wait("nosuch2"), -ENOENT);
	ATF_CHECK_EQ(modload_finish(NULL, 0), 0);
	ATF_CHECK(!loaded("md_mod"));
	check_order();
	ATF_CHECK_EQ(fake_finit_count(), 6);
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module nosuch2: not found in /m/modules.dep\n"
			"blkasm: modules: 6 loaded from /m (0 ms)\n");
	/* After the loader: mod_need is the sequential path again. */
	ATF_CHECK_EQ(modload_wait("loop"), -ENODEV);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, order_on_threads);
	ATF_TP_ADD_TC(tp, one_thread_as_sequential);
	ATF_TP_ADD_TC(tp, failure_named);
	ATF_TP_ADD_TC(tp, missing_file);
	ATF_TP_ADD_TC(tp, loaded_already);
	ATF_TP_ADD_TC(tp, unknown_in_list);
	ATF_TP_ADD_TC(tp, no_modules_dep);
	ATF_TP_ADD_TC(tp, on_demand);
	return atf_no_error();
}
