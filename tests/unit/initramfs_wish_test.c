/* SPDX-License-Identifier: MIT */
/*
 * What each node kind asks the initramfs generator for (struct driver's
 * modules op) and lib's mod_wish_add.
 */
#include "table.h"
#include "fake_sys.h"
#include "driver.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The wishes of a valid plan's nodes, as "name:boot|demand ..." */
static const char *wishes(const char *text)
{
	static char out[1024];
	struct mod_wish w = { 0 };
	struct plan_error err;
	struct plan p;
	size_t len = 0;
	char msg[1024];

	ATF_REQUIRE_EQ(plan_parse(&p, driver_table, "t.conf", text, strlen(text), &err), 0);
	ATF_REQUIRE_MSG(plan_validate(&p, &err) == 0, "%s",
			plan_error_str(&err, msg, sizeof(msg)));
	for (unsigned int i = 0; i < p.count; i++)
		if (p.nodes[i].drv->modules)
			p.nodes[i].drv->modules(&p.nodes[i], &w);
	out[0] = '\0';
	for (unsigned int i = 0; i < w.count; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s:%s", i ? " " : "",
					w.names[i], w.at_boot[i] ? "boot" : "demand");
	ATF_CHECK_EQ(w.err, 0);
	plan_free(&p);
	return out;
}

ATF_TC_WITHOUT_HEAD(kinds);
ATF_TC_BODY(kinds, tc)
{
	ATF_CHECK_STREQ(wishes("device d { device /dev/vda }\n"), "");
	ATF_CHECK_STREQ(wishes("loop a { file /a.img }\nloop b { file /b.img }\n"), "loop:boot");
	ATF_CHECK_STREQ(wishes("md m { members /dev/vdb /dev/vdc; level raid5 }\n"),
			"md_mod:demand raid456:demand");
	ATF_CHECK_STREQ(wishes("md m { members /dev/vdb /dev/vdc; level 10 }\n"),
			"md_mod:demand raid10:demand");
	/* Assembled by UUID, of whatever level the superblocks say. */
	ATF_CHECK_STREQ(wishes("md m { uuid 01234567:89abcdef:01234567:89abcdef }\n"),
			"md_mod:demand raid0:demand raid1:demand raid10:demand raid456:demand");
	ATF_CHECK_STREQ(wishes("thin-pool p { metadata /dev/vdb; data /dev/vdc }\n"
			       "thin t { pool p; id 1; size 1G }\n"),
			"dm_thin_pool:demand");
	ATF_CHECK_STREQ(wishes("verity v { data /dev/vdb; hash /dev/vdc; root-hash "
			       "f46f8a920527a744ba6ce431024eb504fa3f6b0606680b05f8fcc05e2b55a602 }\n"),
			"dm_mod:demand dm_verity:demand");
	ATF_CHECK_STREQ(wishes("mount a { device /dev/vdb; target /a; type xfs }\n"
			       "mount b { device /dev/vdc; target /b }\n"
			       "mount c { device /dev/vdd; target /c; type tmpfs }\n"),
			"xfs:boot");
}

ATF_TC_WITHOUT_HEAD(wish_add);
ATF_TC_BODY(wish_add, tc)
{
	struct mod_wish w = { 0 };
	char name[MOD_NAME_MAX + 1];

	mod_wish_add(&w, "raid1", false);
	mod_wish_add(&w, "raid1", true);	/* wanted at boot too: at boot */
	mod_wish_add(&w, "raid1", false);
	ATF_REQUIRE_EQ(w.count, 1);
	ATF_CHECK(w.at_boot[0]);
	memset(name, 'x', MOD_NAME_MAX);
	name[MOD_NAME_MAX] = '\0';
	mod_wish_add(&w, name, true);
	ATF_CHECK_EQ(w.err, -ENAMETOOLONG);
	ATF_CHECK_EQ(w.count, 1);
	w.err = 0;
	for (unsigned int i = 0; i < MOD_WISH_MAX; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		mod_wish_add(&w, name, false);
	}
	ATF_CHECK_EQ(w.count, MOD_WISH_MAX);
	ATF_CHECK_EQ(w.err, -ENOSPC);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, kinds);
	ATF_TP_ADD_TC(tp, wish_add);
	return atf_no_error();
}
