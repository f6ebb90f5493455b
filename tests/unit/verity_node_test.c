/* SPDX-License-Identifier: MIT */
/*
 * The verity node's options (drivers/dm/verity.c verity_validate): each
 * refusal with its text and the position it points at, and what good
 * plans fill into struct verity_conf. Bringing it up: verity_up_test.c.
 */
#include "dm/verity_node.h"
#include "plan_fixture.h"
#include "thin_fixture.h"

#define ROOT "f46f8a920527a744ba6ce431024eb504fa3f6b0606680b05f8fcc05e2b55a602"

/* Validates text (which must be good); the conf of node v. */
static const struct verity_conf *conf(const char *text)
{
	plan_of(text);
	return node("v")->conf;
}

ATF_TC_WITHOUT_HEAD(good);
ATF_TC_BODY(good, tc)
{
	const struct verity_conf *vc;

	vc = conf("verity v { data /dev/vdb; hash /dev/vdc; root-hash " ROOT " }\n");
	ATF_CHECK_STREQ(vc->dm_name, "blkasm-v");
	ATF_CHECK_STREQ(vc->dm_uuid, "BLKASM-verity-blkasm-v");
	ATF_CHECK_STREQ(vc->root, ROOT);
	ATF_CHECK_EQ(vc->policy, VERITY_EIO);
	ATF_CHECK(vc->own_hash);
	ATF_CHECK_EQ(vc->hash_offset, 0);

	/* One device, tree after the data; upper-case hex; the dm name as given. */
	vc = conf("verity v {\n\tdata /dev/vdb\n\thash-offset 1M\n\troot-hash "
		  "F46F8A920527A744BA6CE431024EB504FA3F6B0606680B05F8FCC05E2B55A602\n"
		  "\ton-corruption restart\n\tname vroot\n}\n");
	ATF_CHECK_STREQ(vc->dm_name, "vroot");
	ATF_CHECK_STREQ(vc->dm_uuid, "BLKASM-verity-vroot");
	ATF_CHECK_STREQ(vc->root, ROOT);
	ATF_CHECK_EQ(vc->policy, VERITY_RESTART);
	ATF_CHECK(!vc->own_hash);
	ATF_CHECK_EQ(vc->hash_offset, 1 << 20);
}

ATF_TC_WITHOUT_HEAD(refused);
ATF_TC_BODY(refused, tc)
{
	check_error("verity v { data /dev/vdb; hash /dev/vdc }\n",
		    "1:8: verity node 'v' needs option 'root-hash': the root hash, in hex");
	check_error("verity v { data /dev/vdb; hash /dev/vdc; root-hash 12xz }\n",
		    "1:52: root-hash of verity node 'v' is not hex ('x' at its 3. digit)");
	check_error("verity v { data /dev/vdb; hash /dev/vdc; root-hash abcd }\n",
		    "1:52: root-hash of verity node 'v' has 4 hex digits, no hash has that many "
		    "(sha256: 64)");
	check_error("verity v {\n\tdata /dev/vdb\n\thash /dev/vdc\n\troot-hash " ROOT "\n"
		    "\ton-corruption reboot\n}\n",
		    "5:16: on-corruption of verity node 'v' must be error, restart, panic or log");
	check_error("verity v { data /dev/vdb; root-hash " ROOT " }\n",
		    "1:8: verity node 'v' needs hash, or a hash-offset after the data when the "
		    "tree is on the data device");
	check_error("verity v { data /dev/vdb; hash-offset 1000; root-hash " ROOT " }\n",
		    "1:39: hash-offset of verity node 'v' must be a multiple of 512");
	check_error("verity v { data /dev/vdb; hash /dev/vdc; name a/b; root-hash " ROOT " }\n",
		    "1:47: verity node 'v': 'a/b' is not a device-mapper name");
	check_error("verity v { data /dev/vdb; hash /dev/vdc; name control; root-hash " ROOT
		    " }\n", "1:47: verity node 'v': 'control' is not a device-mapper name");
}

/* Read-only uses: a data device two verity nodes read is no conflict; a writer is. */
ATF_TC_WITHOUT_HEAD(claims);
ATF_TC_BODY(claims, tc)
{
	check_error("verity v { data /dev/vdb; hash /dev/vdc; root-hash " ROOT " }\n"
		    "verity w { data /dev/vdb; hash /dev/vdc; root-hash " ROOT " }\n", "(valid)");
	check_error("verity v { data /dev/vdb; hash /dev/vdc; root-hash " ROOT " }\n"
		    "verity w { data /dev/vdd; hash /dev/vde; root-hash " ROOT "; name blkasm-v }\n",
		    "2:123: verity node 'w' conflicts with node 'v' (1:8): it takes the "
		    "device-mapper name blkasm-v, and 'v' takes the device-mapper name blkasm-v");
	ATF_CHECK(strstr(first_error("verity v { data /dev/vdb; hash /dev/vdc; root-hash " ROOT
				     " }\nthin-pool p { metadata /dev/vdb; data /dev/vdd }\n"),
			 "/dev/vdb"));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, good);
	ATF_TP_ADD_TC(tp, refused);
	ATF_TP_ADD_TC(tp, claims);
	return atf_no_error();
}
