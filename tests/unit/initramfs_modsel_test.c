/* SPDX-License-Identifier: MIT */
/*
 * init/initramfs/modidx.c and modsel.c: which modules are packed and which
 * load at boot, on excerpts of Debian's 6.1 amd64 index files.
 */
#include "ird.h"

#include <atf-c.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char DEP[] =
	"kernel/fs/mbcache.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko "
	"kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/lib/crc16.ko:\n"
	"kernel/lib/libcrc32c.ko:\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko\n"
	"kernel/drivers/md/md-mod.ko:\n"
	"kernel/drivers/md/dm-mod.ko:\n"
	"kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko\n"
	"kernel/drivers/md/persistent-data/dm-persistent-data.ko: "
	"kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko kernel/lib/libcrc32c.ko\n"
	"kernel/drivers/md/dm-thin-pool.ko: "
	"kernel/drivers/md/persistent-data/dm-persistent-data.ko "
	"kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko kernel/lib/libcrc32c.ko\n"
	"kernel/drivers/virtio/virtio_pci.ko:\n"
	"kernel/drivers/virtio/virtio_pci_modern.ko:\n";

static const char SOFTDEP[] =
	"# Soft dependencies extracted from modules themselves.\n"
	"softdep ext4 pre: crypto-crc32c\n"
	"softdep jbd2 pre: crypto-crc32c\n"
	"softdep cifs gcm\n"
	"softdep libcrc32c pre: crc32c\n"
	"softdep loop post: virtio-pci-alias\n";

/* crc32c_intel first, as in Debian's file. */
static const char ALIAS[] =
	"# Aliases extracted from modules themselves.\n"
	"alias crypto-crc32c-intel crc32c_intel\n"
	"alias crypto-crc32c crc32c_intel\n"
	"alias crc32c crc32c_intel\n"
	"alias crypto-crc32c-generic crc32c_generic\n"
	"alias crypto-crc32c crc32c_generic\n"
	"alias crc32c crc32c_generic\n"
	"alias fs-ext3 ext4\n"
	"alias virtio-pci-* virtio_pci_modern\n"
	"alias virtio-pci-alias virtio_pci\n"
	"alias only-missing not_here\n";

static const char BUILTIN[] = "kernel/drivers/block/virtio_blk.ko\nkernel/fs/fat/vfat.ko\n";

struct fix {
	struct mod_table dep;
	struct mod_index idx;
	struct modsel s;
};

static void setup(struct fix *f, const char *softdep)
{
	struct mod_error me = { 0 };
	unsigned int line = 0;

	memset(f, 0, sizeof(*f));
	ATF_REQUIRE_EQ(mod_parse(&f->dep, strdup(DEP), &me), 0);
	ATF_REQUIRE_EQ(modidx_parse_softdep(&f->idx, strdup(softdep), &line), 0);
	ATF_REQUIRE_EQ(modidx_parse_alias(&f->idx, strdup(ALIAS), &line), 0);
	ATF_REQUIRE_EQ(modsel_init(&f->s, &f->dep, BUILTIN, &f->idx), 0);
}

static void teardown(struct fix *f)
{
	modsel_free(&f->s);
	modidx_free(&f->idx);
	mod_free(&f->dep);
}

static bool packed(const struct fix *f, const char *name)
{
	int i = mod_find(&f->dep, name);

	ATF_REQUIRE_MSG(i >= 0, "%s not in the fixture", name);
	return f->s.packed[i];
}

static void check_boot(const struct fix *f, const char *const *want, unsigned int n)
{
	ATF_REQUIRE_EQ(f->s.nboot, n);
	for (unsigned int i = 0; i < n; i++)
		ATF_CHECK_STREQ(f->s.boot[i], want[i]);
}

ATF_TC_WITHOUT_HEAD(dep_closure_on_demand);
ATF_TC_BODY(dep_closure_on_demand, tc)
{
	static const char *const boot[] = { "crc32c_generic" };
	struct fix f;
	char *dep;

	setup(&f, SOFTDEP);
	ATF_REQUIRE_EQ(modsel_add(&f.s, "dm_thin_pool", false), 0);
	ATF_CHECK(packed(&f, "dm_thin_pool") && packed(&f, "dm_persistent_data"));
	ATF_CHECK(packed(&f, "dm_bufio") && packed(&f, "dm_mod") && packed(&f, "libcrc32c"));
	ATF_CHECK(!packed(&f, "md_mod") && !packed(&f, "ext4") && !packed(&f, "crc32c_intel"));
	/* libcrc32c's soft dependency must load at boot: mod_need ignores softdeps. */
	ATF_CHECK(packed(&f, "crc32c_generic"));
	check_boot(&f, boot, 1);
	dep = modsel_trimmed_dep(&f.s);
	ATF_CHECK_STREQ(dep,
		"kernel/crypto/crc32c_generic.ko:\n"
		"kernel/lib/libcrc32c.ko:\n"
		"kernel/drivers/md/dm-mod.ko:\n"
		"kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko\n"
		"kernel/drivers/md/persistent-data/dm-persistent-data.ko: "
		"kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko kernel/lib/libcrc32c.ko\n"
		"kernel/drivers/md/dm-thin-pool.ko: "
		"kernel/drivers/md/persistent-data/dm-persistent-data.ko "
		"kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko kernel/lib/libcrc32c.ko\n");
	free(dep);
	teardown(&f);
}

ATF_TC_WITHOUT_HEAD(softdep_alias_prefers_generic);
ATF_TC_BODY(softdep_alias_prefers_generic, tc)
{
	static const char *const boot[] = { "crc32c_generic", "ext4" };
	struct fix f;

	setup(&f, SOFTDEP);
	ATF_REQUIRE_EQ(modsel_add(&f.s, "ext4", true), 0);
	ATF_CHECK(packed(&f, "ext4") && packed(&f, "jbd2") && packed(&f, "mbcache"));
	ATF_CHECK(packed(&f, "crc16") && packed(&f, "crc32c_generic"));
	ATF_CHECK(!packed(&f, "crc32c_intel"));
	check_boot(&f, boot, 2);
	teardown(&f);
}

/* Without a *_generic candidate an alias means its first match in the file. */
ATF_TC_WITHOUT_HEAD(alias_first_without_generic);
ATF_TC_BODY(alias_first_without_generic, tc)
{
	static const char *const boot[] = { "ext4", "loop", "virtio_pci_modern" };
	struct fix f;

	setup(&f, SOFTDEP);
	/* "ext3" is "fs-ext3" of ext4; loop's post softdep comes after it. */
	ATF_REQUIRE_EQ(modsel_add(&f.s, "ext3", true), 0);
	ATF_REQUIRE_EQ(modsel_add(&f.s, "loop", true), 0);
	/* "virtio_pci_*" comes before the exact "virtio-pci-alias". */
	ATF_CHECK(packed(&f, "virtio_pci_modern") && !packed(&f, "virtio_pci"));
	ATF_CHECK_EQ(f.s.nboot, 4);
	ATF_CHECK_STREQ(f.s.boot[0], "crc32c_generic");
	for (unsigned int i = 0; i < 3 && i + 1 < f.s.nboot; i++)
		ATF_CHECK_STREQ(f.s.boot[i + 1], boot[i]);
	teardown(&f);
}

ATF_TC_WITHOUT_HEAD(builtin_and_dashes);
ATF_TC_BODY(builtin_and_dashes, tc)
{
	static const char *const boot[] = { "md_mod" };
	struct fix f;

	setup(&f, SOFTDEP);
	ATF_CHECK_EQ(modsel_add(&f.s, "virtio-blk", true), 0);
	ATF_CHECK_EQ(modsel_add(&f.s, "vfat", false), 0);
	ATF_CHECK_EQ(f.s.nbuiltin, 2);
	ATF_CHECK_EQ(modsel_add(&f.s, "md-mod", true), 0);
	ATF_CHECK_EQ(modsel_add(&f.s, "md_mod", true), 0);	/* listed once */
	check_boot(&f, boot, 1);
	teardown(&f);
}

ATF_TC_WITHOUT_HEAD(unknown_is_an_error);
ATF_TC_BODY(unknown_is_an_error, tc)
{
	struct fix f;

	setup(&f, SOFTDEP);
	ATF_CHECK_EQ(modsel_add(&f.s, "zfs", true), -ENOENT);
	ATF_CHECK(strstr(f.s.why, "module zfs: not in modules.dep") != NULL);
	/* An alias whose module is nowhere does not count either. */
	ATF_CHECK_EQ(modsel_add(&f.s, "only-missing", true), -ENOENT);
	ATF_CHECK_EQ(f.s.nboot, 0);
	teardown(&f);
}

/* Soft dependencies that loop, or name nothing, end. */
ATF_TC_WITHOUT_HEAD(softdep_loop_and_missing);
ATF_TC_BODY(softdep_loop_and_missing, tc)
{
	static const char *const boot[] = { "jbd2", "loop" };
	struct fix f;

	setup(&f, "softdep loop pre: jbd2 nowhere\nsoftdep jbd2 pre: loop\n");
	ATF_REQUIRE_EQ(modsel_add(&f.s, "loop", true), 0);
	check_boot(&f, boot, 2);
	teardown(&f);
}

ATF_TC_WITHOUT_HEAD(parse_errors);
ATF_TC_BODY(parse_errors, tc)
{
	struct mod_index x = { 0 };
	unsigned int line = 0;

	ATF_CHECK_EQ(modidx_parse_softdep(&x, strdup("# c\n\nsoftdep\n"), &line), -EINVAL);
	ATF_CHECK_EQ(line, 3);
	ATF_CHECK_EQ(modidx_parse_softdep(&x, strdup("options ext4 x=1\n"), &line), -EINVAL);
	ATF_CHECK_EQ(line, 1);
	ATF_CHECK_EQ(modidx_parse_alias(&x, strdup("alias a b\nalias a\n"), &line), -EINVAL);
	ATF_CHECK_EQ(line, 2);
	ATF_CHECK_EQ(modidx_parse_softdep(&x, strdup("softdep a-b pre: c-d post: e [x-y]\n"),
					  &line), 0);
	ATF_REQUIRE_EQ(x.nsoft, 3);
	ATF_CHECK_STREQ(x.soft[0].mod, "a_b");
	ATF_CHECK_STREQ(x.soft[0].dep, "c_d");
	ATF_CHECK(!x.soft[0].post && x.soft[1].post);
	ATF_CHECK_STREQ(x.soft[2].dep, "[x-y]");
	/* Patterns keep '-' in brackets; module names never do (found by alias_fuzz). */
	ATF_CHECK_EQ(modidx_parse_alias(&x, strdup("alias [a-b]-c d-[e-f]\n"), &line), 0);
	ATF_REQUIRE_EQ(x.nalias, 1);
	ATF_CHECK_STREQ(x.alias[0].pattern, "[a-b]_c");
	ATF_CHECK_STREQ(x.alias[0].mod, "d_[e_f]");
	modidx_free(&x);
}

/* An alias a built-in module provides needs nothing packed. */
ATF_TC_WITHOUT_HEAD(builtin_alias);
ATF_TC_BODY(builtin_alias, tc)
{
	static const char modinfo[] = "crc32c_sw.license=GPL\0crc32c_sw.alias=x-crc\0"
				      "crc_gen.alias=\0crc32c-generic.alias=y-crc\0tail.alias=z";
	static const char builtin[] = "kernel/crypto/crc32c_sw.ko\n"
				      "kernel/crypto/crc32c_generic.ko\n";
	struct mod_error me = { 0 };
	struct mod_table dep;
	struct mod_index x = { 0 };
	struct modsel s;
	unsigned int line = 0;
	char *mi = malloc(sizeof(modinfo));

	memcpy(mi, modinfo, sizeof(modinfo));
	ATF_REQUIRE_EQ(mod_parse(&dep, strdup("kernel/arch/x86/crypto/crc32c-intel.ko:\n"),
				 &me), 0);
	ATF_REQUIRE_EQ(modidx_parse_alias(&x, strdup("alias x-crc crc32c_intel\n"
						     "alias y-crc crc32c_intel\n"), &line), 0);
	ATF_REQUIRE_EQ(modsel_init(&s, &dep, builtin, &x), 0);
	/* Without the built-in aliases: the module. */
	ATF_CHECK_EQ(modsel_add(&s, "x-crc", true), 0);
	ATF_CHECK(s.packed[0]);
	modsel_free(&s);
	ATF_REQUIRE_EQ(modidx_parse_modinfo(&x, mi, sizeof(modinfo) - 1), 0);
	ATF_REQUIRE_EQ(x.nalias, 4);	/* the empty and the cut record are skipped */
	ATF_CHECK_STREQ(x.alias[2].pattern, "x_crc");
	ATF_CHECK_STREQ(x.alias[2].mod, "crc32c_sw");
	ATF_CHECK_STREQ(x.alias[3].mod, "crc32c_generic");
	ATF_REQUIRE_EQ(modsel_init(&s, &dep, builtin, &x), 0);
	ATF_CHECK_EQ(modsel_add(&s, "x-crc", true), 0);
	ATF_CHECK_EQ(modsel_add(&s, "y-crc", true), 0);
	ATF_CHECK(!s.packed[0]);
	ATF_CHECK_EQ(s.nboot, 0);
	ATF_CHECK_EQ(s.nbuiltin, 2);
	modsel_free(&s);
	modidx_free(&x);
	mod_free(&dep);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, builtin_alias);
	ATF_TP_ADD_TC(tp, dep_closure_on_demand);
	ATF_TP_ADD_TC(tp, softdep_alias_prefers_generic);
	ATF_TP_ADD_TC(tp, alias_first_without_generic);
	ATF_TP_ADD_TC(tp, builtin_and_dashes);
	ATF_TP_ADD_TC(tp, unknown_is_an_error);
	ATF_TP_ADD_TC(tp, softdep_loop_and_missing);
	ATF_TP_ADD_TC(tp, parse_errors);
	return atf_no_error();
}
