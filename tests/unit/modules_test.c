/* SPDX-License-Identifier: MIT */
#include "fake_sys.h"
#include "modules.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines of Debian's 6.1.0-56-amd64 modules.dep, in its order. */
static const char DEP[] =
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko "
	"kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/crypto/xor.ko:\n"
	"kernel/crypto/async_tx/async_tx.ko:\n"
	"kernel/crypto/async_tx/async_memcpy.ko: kernel/crypto/async_tx/async_tx.ko\n"
	"kernel/crypto/async_tx/async_xor.ko: kernel/crypto/async_tx/async_tx.ko "
	"kernel/crypto/xor.ko\n"
	"kernel/crypto/async_tx/async_pq.ko: kernel/crypto/async_tx/async_xor.ko "
	"kernel/crypto/async_tx/async_tx.ko kernel/crypto/xor.ko kernel/lib/raid6/raid6_pq.ko\n"
	"kernel/crypto/async_tx/async_raid6_recov.ko: kernel/crypto/async_tx/async_memcpy.ko "
	"kernel/crypto/async_tx/async_pq.ko kernel/crypto/async_tx/async_xor.ko "
	"kernel/crypto/async_tx/async_tx.ko kernel/crypto/xor.ko kernel/lib/raid6/raid6_pq.ko\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/lib/libcrc32c.ko:\n"
	"kernel/lib/raid6/raid6_pq.ko:\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko\n"
	"kernel/drivers/md/raid456.ko: kernel/crypto/async_tx/async_raid6_recov.ko "
	"kernel/crypto/async_tx/async_memcpy.ko kernel/crypto/async_tx/async_pq.ko "
	"kernel/crypto/async_tx/async_xor.ko kernel/crypto/async_tx/async_tx.ko "
	"kernel/drivers/md/md-mod.ko kernel/crypto/xor.ko kernel/lib/raid6/raid6_pq.ko "
	"kernel/lib/libcrc32c.ko\n"
	"kernel/drivers/md/md-mod.ko:\n"
	"kernel/drivers/md/dm-mod.ko:\n"
	"kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko\n";

static const char BUILTIN[] =
	"kernel/arch/x86/events/amd/amd-uncore.ko\n"
	"kernel/mm/zswap.ko\n"
	"kernel/net/unix/unix.ko\n";

static struct mod_table t;
static struct mod_error err;

static int parse(const char *text)
{
	char *copy = strdup(text);

	ATF_REQUIRE(copy);
	memset(&err, 0, sizeof(err));
	return mod_parse(&t, copy, &err);
}

/* The module names of an order, space separated. */
static const char *names(const int *order, int n)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
					t.mods[order[i]].name);
	return buf;
}

static const char *order_of(const char *name)
{
	int order[64];
	int n = mod_order(&t, name, order);

	ATF_REQUIRE_MSG(n > 0, "mod_order(%s) = %d", name, n);
	/* Dependencies first, each module once. */
	for (int i = 0; i < n; i++) {
		const struct mod_entry *m = &t.mods[order[i]];

		for (unsigned int d = 0; d < m->ndeps; d++) {
			int k = 0;

			while (k < i && order[k] != m->deps[d])
				k++;
			ATF_CHECK_MSG(k < i || t.mods[m->deps[d]].loaded,
				      "%s before its dependency %s", m->name,
				      t.mods[m->deps[d]].name);
		}
		for (int k = 0; k < i; k++)
			ATF_CHECK_MSG(order[k] != order[i], "%s twice", m->name);
	}
	return names(order, n);
}

ATF_TC_WITHOUT_HEAD(parse_real_lines);
ATF_TC_BODY(parse_real_lines, tc)
{
	int i;

	ATF_REQUIRE_EQ(parse(DEP), 0);
	ATF_CHECK_EQ(t.count, 18);
	i = mod_find(&t, "ext4");
	ATF_REQUIRE(i >= 0);
	ATF_CHECK_STREQ(t.mods[i].name, "ext4");
	ATF_CHECK_STREQ(t.mods[i].path, "kernel/fs/ext4/ext4.ko");
	ATF_CHECK_EQ(t.mods[i].ndeps, 3);
	ATF_CHECK_STREQ(t.mods[t.mods[i].deps[0]].name, "crc16");
	ATF_CHECK_STREQ(t.mods[t.mods[i].deps[1]].name, "mbcache");
	ATF_CHECK_STREQ(t.mods[t.mods[i].deps[2]].name, "jbd2");
	i = mod_find(&t, "raid456");
	ATF_REQUIRE(i >= 0);
	ATF_CHECK_EQ(t.mods[i].ndeps, 9);	/* more than the first allocation */
	ATF_CHECK_STREQ(t.mods[t.mods[i].deps[8]].name, "libcrc32c");
	ATF_CHECK_EQ(t.mods[mod_find(&t, "mbcache")].ndeps, 0);
	mod_free(&t);
	ATF_CHECK_EQ(t.count, 0);
	ATF_CHECK(t.mods == NULL);
}

ATF_TC_WITHOUT_HEAD(names_dash_and_underscore);
ATF_TC_BODY(names_dash_and_underscore, tc)
{
	int i;

	ATF_REQUIRE_EQ(parse(DEP), 0);
	i = mod_find(&t, "md-mod");
	ATF_REQUIRE(i >= 0);
	ATF_CHECK_STREQ(t.mods[i].name, "md_mod");
	ATF_CHECK_STREQ(t.mods[i].path, "kernel/drivers/md/md-mod.ko");
	ATF_CHECK_EQ(mod_find(&t, "md_mod"), i);
	ATF_CHECK_EQ(mod_find(&t, "dm_bufio"), mod_find(&t, "dm-bufio"));
	ATF_CHECK(mod_find(&t, "dm_bufio") >= 0);
	ATF_CHECK_EQ(mod_find(&t, "md"), -1);
	ATF_CHECK_EQ(mod_find(&t, "md_mo"), -1);
	ATF_CHECK_EQ(mod_find(&t, "nope"), -1);
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(compressed_module_names);
ATF_TC_BODY(compressed_module_names, tc)
{
	ATF_REQUIRE_EQ(parse("kernel/drivers/block/virtio_blk.ko.xz: "
			     "kernel/drivers/virtio/virtio_ring.ko.zst\n"
			     "kernel/drivers/virtio/virtio_ring.ko.zst:\n"), 0);
	ATF_CHECK_EQ(t.count, 2);
	ATF_CHECK_STREQ(t.mods[0].name, "virtio_blk");
	ATF_CHECK_STREQ(t.mods[1].name, "virtio_ring");
	ATF_CHECK_STREQ(order_of("virtio_blk"), "virtio_ring virtio_blk");
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(order_shared_dependencies);
ATF_TC_BODY(order_shared_dependencies, tc)
{
	ATF_REQUIRE_EQ(parse(DEP), 0);
	ATF_CHECK_STREQ(order_of("ext4"), "crc16 mbcache jbd2 ext4");
	ATF_CHECK_STREQ(order_of("raid456"),
			"async_tx async_memcpy xor async_xor raid6_pq async_pq "
			"async_raid6_recov md_mod libcrc32c raid456");
	ATF_CHECK_STREQ(order_of("loop"), "loop");
	ATF_CHECK_STREQ(order_of("dm-bufio"), "dm_mod dm_bufio");
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(order_diamond);
ATF_TC_BODY(order_diamond, tc)
{
	ATF_REQUIRE_EQ(parse("a.ko: b.ko c.ko\nb.ko: d.ko\nc.ko: d.ko\nd.ko:\n"), 0);
	ATF_CHECK_STREQ(order_of("a"), "d b c a");
	ATF_CHECK_STREQ(order_of("c"), "d c");
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(order_skips_loaded);
ATF_TC_BODY(order_skips_loaded, tc)
{
	int order[32];

	ATF_REQUIRE_EQ(parse(DEP), 0);
	t.mods[mod_find(&t, "mbcache")].loaded = true;
	ATF_CHECK_STREQ(order_of("ext4"), "crc16 jbd2 ext4");
	t.mods[mod_find(&t, "ext4")].loaded = true;
	ATF_CHECK_EQ(mod_order(&t, "ext4", order), 0);
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(order_cycle_and_unknown);
ATF_TC_BODY(order_cycle_and_unknown, tc)
{
	int order[8];

	ATF_REQUIRE_EQ(parse("a.ko: b.ko\nb.ko: c.ko\nc.ko: a.ko\nd.ko: d.ko\ne.ko:\n"), 0);
	ATF_CHECK_EQ(mod_order(&t, "a", order), -ELOOP);
	ATF_CHECK_EQ(mod_order(&t, "c", order), -ELOOP);
	ATF_CHECK_EQ(mod_order(&t, "d", order), -ELOOP);
	ATF_CHECK_EQ(mod_order(&t, "e", order), 1);
	ATF_CHECK_EQ(mod_order(&t, "f", order), -ENOENT);
	ATF_CHECK_EQ(mod_order(&t, "", order), -ENOENT);
	mod_free(&t);
}

static void check_malformed(const char *text, unsigned int line, const char *what)
{
	int r = parse(text);

	ATF_CHECK_EQ_MSG(r, -EINVAL, "'%s' gave %d", text, r);
	ATF_CHECK_EQ_MSG(err.line, line, "'%s'", text);
	ATF_CHECK_MSG(err.what && !strcmp(err.what, what), "'%s': got '%s'", text,
		      err.what ? err.what : "(null)");
	/* mod_parse freed everything on failure. */
	ATF_CHECK_EQ(t.count, 0);
	ATF_CHECK(t.text == NULL);
}

#define SHAPE "expected 'path.ko: dependency.ko ...'"
#define ORPHAN "a dependency that has no line of its own"

ATF_TC_WITHOUT_HEAD(malformed_lines);
ATF_TC_BODY(malformed_lines, tc)
{
	check_malformed("kernel/a.ko:\nnot a module line\n", 2, SHAPE);
	check_malformed(": kernel/a.ko\n", 1, SHAPE);
	check_malformed("kernel/a.ko:\nkernel/b.ko:\nkernel/c b.ko: kernel/a.ko\n", 3, SHAPE);
	check_malformed("kernel/a.ko:\n   \n", 2, SHAPE);
	check_malformed("kernel/a.ko: kernel/b.ko\n", 1, ORPHAN);
	check_malformed("kernel/a.ko:\nkernel/b.ko: kernel/a.ko kernel/x.ko\n", 2, ORPHAN);
}

/* The line number counts blank lines too, as an editor does. */
ATF_TC_WITHOUT_HEAD(malformed_line_number_after_blank_lines);
ATF_TC_BODY(malformed_line_number_after_blank_lines, tc)
{
	check_malformed("\nkernel/c.ko:\nkernel/a.ko: kernel/b.ko\n", 3, ORPHAN);
	check_malformed("kernel/c.ko:\n\n\nnot a module line\n", 4, SHAPE);
}

ATF_TC_WITHOUT_HEAD(parse_tolerates_blanks);
ATF_TC_BODY(parse_tolerates_blanks, tc)
{
	ATF_REQUIRE_EQ(parse("\n\na.ko:\tb.ko\r\n\nb.ko:\r\n"), 0);
	ATF_CHECK_EQ(t.count, 2);
	ATF_CHECK_STREQ(order_of("a"), "b a");
	mod_free(&t);
	ATF_REQUIRE_EQ(parse(""), 0);
	ATF_CHECK_EQ(t.count, 0);
	mod_free(&t);
	ATF_REQUIRE_EQ(parse("a.ko:"), 0);	/* no final newline */
	ATF_CHECK_EQ(t.count, 1);
	mod_free(&t);
}

ATF_TC_WITHOUT_HEAD(is_builtin);
ATF_TC_BODY(is_builtin, tc)
{
	ATF_CHECK(mod_is_builtin(BUILTIN, "unix"));
	ATF_CHECK(mod_is_builtin(BUILTIN, "zswap"));
	ATF_CHECK(mod_is_builtin(BUILTIN, "amd_uncore"));
	ATF_CHECK(mod_is_builtin(BUILTIN, "amd-uncore"));
	ATF_CHECK(!mod_is_builtin(BUILTIN, "uni"));
	ATF_CHECK(!mod_is_builtin(BUILTIN, "ext4"));
	ATF_CHECK(!mod_is_builtin(NULL, "unix"));
	ATF_CHECK(!mod_is_builtin("", "unix"));
	ATF_CHECK(mod_is_builtin("kernel/net/unix/unix.ko", "unix"));
}

/* ---- mod_load through the fake seam ---- */

static void setup_dir(void)
{
	static const char *const kos[] = {
		"fs/mbcache", "fs/ext4/ext4", "fs/jbd2/jbd2", "crypto/xor",
		"crypto/async_tx/async_tx", "crypto/async_tx/async_memcpy",
		"crypto/async_tx/async_xor", "crypto/async_tx/async_pq",
		"crypto/async_tx/async_raid6_recov", "lib/crc16", "lib/libcrc32c",
		"lib/raid6/raid6_pq", "drivers/block/loop", "drivers/md/raid1",
		"drivers/md/raid456", "drivers/md/md-mod", "drivers/md/dm-mod",
		"drivers/md/dm-bufio",
	};
	char path[128];

	fake_reset();
	fake_file_add("/m/modules.dep", DEP);
	fake_file_add("/m/modules.builtin", BUILTIN);
	for (size_t i = 0; i < sizeof(kos) / sizeof(kos[0]); i++) {
		snprintf(path, sizeof(path), "/m/kernel/%s.ko", kos[i]);
		fake_file_add(path, "\177ELF");
	}
}

static int load1(const char *name)
{
	const char *names[] = { name };

	return mod_load("/m", names, 1);
}

ATF_TC_WITHOUT_HEAD(load_in_order);
ATF_TC_BODY(load_in_order, tc)
{
	setup_dir();
	ATF_CHECK_EQ(load1("ext4"), 0);
	ATF_CHECK_STREQ(fake_finit_trace(),
			"/m/kernel/lib/crc16.ko /m/kernel/fs/mbcache.ko "
			"/m/kernel/fs/jbd2/jbd2.ko /m/kernel/fs/ext4/ext4.ko");
	for (unsigned int i = 0; i < fake_finit_count(); i++)
		ATF_CHECK_EQ(fake_finit_flags(i), 0);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	ATF_CHECK_STREQ(fake_stderr(), "");
}

ATF_TC_WITHOUT_HEAD(load_shared_dependency_once);
ATF_TC_BODY(load_shared_dependency_once, tc)
{
	const char *const names[] = { "raid1", "raid456", "md-mod" };

	setup_dir();
	ATF_CHECK_EQ(mod_load("/m", names, 3), 0);
	ATF_CHECK_STREQ(fake_finit_trace(),
			"/m/kernel/drivers/md/md-mod.ko /m/kernel/drivers/md/raid1.ko "
			"/m/kernel/crypto/async_tx/async_tx.ko "
			"/m/kernel/crypto/async_tx/async_memcpy.ko /m/kernel/crypto/xor.ko "
			"/m/kernel/crypto/async_tx/async_xor.ko /m/kernel/lib/raid6/raid6_pq.ko "
			"/m/kernel/crypto/async_tx/async_pq.ko "
			"/m/kernel/crypto/async_tx/async_raid6_recov.ko "
			"/m/kernel/lib/libcrc32c.ko /m/kernel/drivers/md/raid456.ko");
}

ATF_TC_WITHOUT_HEAD(load_skips_loaded);
ATF_TC_BODY(load_skips_loaded, tc)
{
	setup_dir();
	fake_dir_add("/sys/module/mbcache");
	fake_dir_add("/sys/module/jbd2");
	ATF_CHECK_EQ(load1("ext4"), 0);
	ATF_CHECK_STREQ(fake_finit_trace(), "/m/kernel/lib/crc16.ko /m/kernel/fs/ext4/ext4.ko");

	/* /sys/module uses the normalised name. */
	setup_dir();
	fake_dir_add("/sys/module/md_mod");
	ATF_CHECK_EQ(load1("raid1"), 0);
	ATF_CHECK_STREQ(fake_finit_trace(), "/m/kernel/drivers/md/raid1.ko");
}

ATF_TC_WITHOUT_HEAD(load_builtin);
ATF_TC_BODY(load_builtin, tc)
{
	const char *const names[] = { "unix", "amd-uncore", "zswap", "loop" };

	setup_dir();
	ATF_CHECK_EQ(mod_load("/m", names, 4), 0);
	ATF_CHECK_STREQ(fake_finit_trace(), "/m/kernel/drivers/block/loop.ko");
	ATF_CHECK_STREQ(fake_stderr(), "");
}

ATF_TC_WITHOUT_HEAD(load_not_in_dep_but_loaded);
ATF_TC_BODY(load_not_in_dep_but_loaded, tc)
{
	setup_dir();
	fake_dir_add("/sys/module/virtio_blk");
	ATF_CHECK_EQ(load1("virtio_blk"), 0);
	ATF_CHECK_EQ(fake_finit_count(), 0);
}

/* A '-' spelling of a loaded module missing from modules.dep. */
ATF_TC_WITHOUT_HEAD(load_not_in_dep_but_loaded_dash_name);
ATF_TC_BODY(load_not_in_dep_but_loaded_dash_name, tc)
{
	setup_dir();
	fake_dir_add("/sys/module/virtio_blk");
	ATF_CHECK_EQ(load1("virtio-blk"), 0);
	ATF_CHECK_EQ(fake_finit_count(), 0);
	ATF_CHECK_STREQ(fake_stderr(), "");
}

ATF_TC_WITHOUT_HEAD(load_eexist_tolerated);
ATF_TC_BODY(load_eexist_tolerated, tc)
{
	setup_dir();
	fake_fail(FAKE_FINIT, "/m/kernel/fs/mbcache.ko", -EEXIST);
	ATF_CHECK_EQ(load1("ext4"), 0);
	ATF_CHECK_EQ(fake_finit_count(), 4);
	ATF_CHECK_STREQ(fake_finit_path(3), "/m/kernel/fs/ext4/ext4.ko");
}

ATF_TC_WITHOUT_HEAD(load_missing_ko);
ATF_TC_BODY(load_missing_ko, tc)
{
	setup_dir();
	fake_fail(FAKE_OPEN, "/m/kernel/fs/jbd2/jbd2.ko", -ENOENT);
	ATF_CHECK_EQ(load1("ext4"), -ENOENT);
	ATF_CHECK_STREQ(fake_finit_trace(), "/m/kernel/lib/crc16.ko /m/kernel/fs/mbcache.ko");
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module ext4: cannot load "
			"/m/kernel/fs/jbd2/jbd2.ko: No such file or directory\n");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(load_finit_error);
ATF_TC_BODY(load_finit_error, tc)
{
	const char *const names[] = { "loop", "ext4", "raid1" };

	setup_dir();
	fake_fail(FAKE_FINIT, "/m/kernel/fs/ext4/ext4.ko", -ENOEXEC);
	ATF_CHECK_EQ(mod_load("/m", names, 3), -ENOEXEC);
	/* Stops at the first failure: raid1 is not tried. */
	ATF_CHECK_EQ(fake_finit_count(), 5);
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module ext4: cannot load "
			"/m/kernel/fs/ext4/ext4.ko: Exec format error\n");
	ATF_CHECK_EQ(fake_open_fds(), 0);
}

ATF_TC_WITHOUT_HEAD(load_compressed_flag);
ATF_TC_BODY(load_compressed_flag, tc)
{
	fake_reset();
	fake_file_add("/m/modules.dep", "kernel/drivers/block/virtio_blk.ko.xz: "
		      "kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio.ko:\n");
	fake_file_add("/m/kernel/drivers/block/virtio_blk.ko.xz", "xz");
	fake_file_add("/m/kernel/drivers/virtio/virtio.ko", "ko");
	ATF_CHECK_EQ(load1("virtio_blk"), 0);
	ATF_CHECK_STREQ(fake_finit_trace(), "/m/kernel/drivers/virtio/virtio.ko "
			"/m/kernel/drivers/block/virtio_blk.ko.xz");
	ATF_CHECK_EQ(fake_finit_flags(0), 0);
	ATF_CHECK_EQ(fake_finit_flags(1), 4);	/* MODULE_INIT_COMPRESSED_FILE */
}

ATF_TC_WITHOUT_HEAD(load_unknown);
ATF_TC_BODY(load_unknown, tc)
{
	setup_dir();
	ATF_CHECK_EQ(load1("nope"), -ENOENT);
	ATF_CHECK_EQ(fake_finit_count(), 0);
	ATF_CHECK_STREQ(fake_stderr(), "blkasm: module nope: not found in /m/modules.dep\n");
}

ATF_TC_WITHOUT_HEAD(load_without_builtin_list);
ATF_TC_BODY(load_without_builtin_list, tc)
{
	fake_reset();
	fake_file_add("/m/modules.dep", "kernel/drivers/block/loop.ko:\n");
	fake_file_add("/m/kernel/drivers/block/loop.ko", "ko");
	ATF_CHECK_EQ(load1("loop"), 0);
	ATF_CHECK_EQ(fake_finit_count(), 1);
}

ATF_TC_WITHOUT_HEAD(load_bad_dep_file);
ATF_TC_BODY(load_bad_dep_file, tc)
{
	fake_reset();
	ATF_CHECK_EQ(load1("ext4"), -ENOENT);
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: cannot read /m/modules.dep: No such file or directory\n");

	fake_reset();
	fake_file_add("/m/modules.dep", "kernel/a.ko:\nnonsense\n");
	ATF_CHECK_EQ(load1("a"), -EINVAL);
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: /m/modules.dep:2: expected 'path.ko: dependency.ko ...'\n");

	fake_reset();
	fake_file_add("/m/modules.dep", "a.ko: b.ko\nb.ko: a.ko\n");
	ATF_CHECK_EQ(load1("a"), -ELOOP);
	ATF_CHECK_STREQ(fake_stderr(),
			"blkasm: module a: dependency cycle in /m/modules.dep\n");
	ATF_CHECK_EQ(fake_finit_count(), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse_real_lines);
	ATF_TP_ADD_TC(tp, names_dash_and_underscore);
	ATF_TP_ADD_TC(tp, compressed_module_names);
	ATF_TP_ADD_TC(tp, order_shared_dependencies);
	ATF_TP_ADD_TC(tp, order_diamond);
	ATF_TP_ADD_TC(tp, order_skips_loaded);
	ATF_TP_ADD_TC(tp, order_cycle_and_unknown);
	ATF_TP_ADD_TC(tp, malformed_lines);
	ATF_TP_ADD_TC(tp, malformed_line_number_after_blank_lines);
	ATF_TP_ADD_TC(tp, parse_tolerates_blanks);
	ATF_TP_ADD_TC(tp, is_builtin);
	ATF_TP_ADD_TC(tp, load_in_order);
	ATF_TP_ADD_TC(tp, load_shared_dependency_once);
	ATF_TP_ADD_TC(tp, load_skips_loaded);
	ATF_TP_ADD_TC(tp, load_builtin);
	ATF_TP_ADD_TC(tp, load_not_in_dep_but_loaded);
	ATF_TP_ADD_TC(tp, load_not_in_dep_but_loaded_dash_name);
	ATF_TP_ADD_TC(tp, load_eexist_tolerated);
	ATF_TP_ADD_TC(tp, load_missing_ko);
	ATF_TP_ADD_TC(tp, load_finit_error);
	ATF_TP_ADD_TC(tp, load_compressed_flag);
	ATF_TP_ADD_TC(tp, load_unknown);
	ATF_TP_ADD_TC(tp, load_without_builtin_list);
	ATF_TP_ADD_TC(tp, load_bad_dep_file);
	return atf_no_error();
}
