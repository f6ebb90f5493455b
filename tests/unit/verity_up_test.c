/* SPDX-License-Identifier: MIT */
/*
 * The verity node against the fake device-mapper (drivers/dm/verity.c,
 * verity_up.c): the table built from a real superblock, the root hash
 * checked by a read before the device is handed on (and the device
 * removed when it does not match), the corruption policy loaded only
 * after that, malformed superblocks and devices too small refused before
 * anything is made, adopting blkasm's device or one `veritysetup open`
 * made (never removing the latter), status. Options: verity_node_test.c.
 */
#include "thin_fixture.h"
#include "verity_fixture.h"

#include <linux/fs.h>

#define ROOT SHA256_ROOT
#define DATA_DEV "/dev/vdb"
#define HASH_DEV "/dev/vdc"
#define NODE "/dev/mapper/blkasm-v"
/* What the kernel should run for the fixture on 7:0 (data) and 7:1 (hash). */
#define TABLE "1 7:0 7:1 4096 4096 256 1 sha256 " ROOT " " SHA256_SALT
#define VERITY(rest) "device d { device " DATA_DEV " }\ndevice h { device " HASH_DEV " }\n" \
	"verity v {\n\tdata d\n" rest "}\n"
#define TWO(rest) VERITY("\thash h\n\troot-hash " ROOT "\n" rest)
#define UUID_VS "CRYPT-VERITY-d5822d636a7b46b494562fda68e86c50-vroot"

static uint8_t data_img[2 << 20];

/* Device name (a node of the plan) as a fake block device of len bytes. */
static void blkdev(const char *name, const char *path, dev_t dev, const uint8_t *img,
		   size_t len)
{
	fake_blkdev_add(path, dev, img, len);
	snprintf(node(name)->device, NODE_DEVICE_SIZE, "%s", path);
}

/*
 * The plan on 1 MiB of data and a hash device of hash_len bytes holding
 * the sha256 superblock (changed by the caller through sb first); the
 * device-mapper node the read goes through, holding the first block.
 */
static void devices(const char *plan_text, const uint8_t *sb, size_t hash_len)
{
	static uint8_t hash_img[16384];

	setup();
	fake_dir_add("/sys/module/dm_verity");
	plan_of(plan_text);
	memset(hash_img, 0, sizeof(hash_img));
	memcpy(hash_img, sb, VERITY_SB_SIZE);
	blkdev("d", DATA_DEV, makedev(7, 0), data_img, 1 << 20);
	blkdev("h", HASH_DEV, makedev(7, 1), hash_img, hash_len);
	fake_blkdev_add(NODE, makedev(FAKE_DM_MAJOR, 0), data_img, 4096);
	fake_dm_status_on_create("blkasm-v", 0, "V");
}

static const uint8_t *good_sb(void)
{
	static uint8_t sb[VERITY_SB_SIZE];

	sb_image(sb, SB_SHA256, sizeof(SB_SHA256));
	return sb;
}

ATF_TC_WITHOUT_HEAD(up_two_devices);
ATF_TC_BODY(up_two_devices, tc)
{
	const struct dm_ioctl *io;
	struct plan_node *n;

	devices(TWO(""), good_sb(), 16384);
	n = node("v");
	ATF_REQUIRE_EQ_MSG(UP("verity", "v"), 0, "%s", n->why);
	io = fake_dm_last(DM_DEV_CREATE, NULL);
	ATF_REQUIRE(io);
	ATF_CHECK_STREQ(io->name, "blkasm-v");
	ATF_CHECK_STREQ(io->uuid, "BLKASM-verity-blkasm-v");
	ATF_CHECK_STREQ(fake_dm_table("blkasm-v", false, 0), "0 2048 verity " TABLE);
	ATF_CHECK(fake_dm_table_ro("blkasm-v", false));
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_LOAD), 1);
	ATF_CHECK_STREQ(n->device, NODE);
	ATF_CHECK_STREQ(n->summary, NODE " verity, 1024 KiB read-only, verified");
}

/* The kernel takes a wrong root hash; the first read fails, so blkasm refuses it. */
ATF_TC_WITHOUT_HEAD(up_wrong_root);
ATF_TC_BODY(up_wrong_root, tc)
{
	devices(TWO(""), good_sb(), 16384);
	fake_fail(FAKE_READ, NODE, -EIO);
	ATF_CHECK_EQ(UP("verity", "v"), -EIO);
	ATF_CHECK_STREQ(node("v")->why, "root hash does not match: reading block 0 of data "
			DATA_DEV " through " NODE " failed (Input/output error): root-hash, the "
			"data or the hash tree on " HASH_DEV " is wrong");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 1);
	ATF_CHECK(!fake_dm_exists("blkasm-v"));
}

/* Another failure of the read is said as it is, and also undone. */
ATF_TC_WITHOUT_HEAD(up_read_fails);
ATF_TC_BODY(up_read_fails, tc)
{
	devices(TWO(""), good_sb(), 16384);
	fake_fail(FAKE_OPEN, NODE, -ENXIO);
	ATF_CHECK_EQ(UP("verity", "v"), -ENXIO);
	ATF_CHECK_STREQ(node("v")->why, "cannot read block 0 of " NODE " to check the root "
			"hash: No such device or address");
	ATF_CHECK(!fake_dm_exists("blkasm-v"));
}

/* The parameters of the last table loaded (one target). */
static const char *last_load(void)
{
	const struct dm_ioctl *io = fake_dm_last(DM_TABLE_LOAD, NULL);

	ATF_REQUIRE(io && io->target_count == 1);
	return (const char *)io + io->data_start + sizeof(struct dm_target_spec);
}

/* The policy comes after the check: a wrong root hash never reboots the machine. */
ATF_TC_WITHOUT_HEAD(up_policy);
ATF_TC_BODY(up_policy, tc)
{
	devices(TWO("\ton-corruption restart\n"), good_sb(), 16384);
	ATF_REQUIRE_EQ_MSG(UP("verity", "v"), 0, "%s", node("v")->why);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_LOAD), 2);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-v", false, 0), "0 2048 verity " TABLE
			" 1 restart_on_corruption");
	ATF_CHECK(fake_dm_table_ro("blkasm-v", false));

	devices(TWO("\ton-corruption panic\n"), good_sb(), 16384);
	fake_fail(FAKE_READ, NODE, -EIO);
	ATF_CHECK_EQ(UP("verity", "v"), -EIO);
	ATF_CHECK_EQ(fake_dm_count(DM_TABLE_LOAD), 1);
	ATF_CHECK_STREQ(last_load(), TABLE);
	ATF_CHECK(!fake_dm_exists("blkasm-v"));
}

/* veritysetup format --hash-offset=1048576 --data-blocks=256 img img */
ATF_TC_WITHOUT_HEAD(up_same_device);
ATF_TC_BODY(up_same_device, tc)
{
	setup();
	fake_dir_add("/sys/module/dm_verity");
	plan_of(VERITY("\thash-offset 1M\n\troot-hash " ROOT "\n"));
	memset(data_img, 0, sizeof(data_img));
	memcpy(data_img + (1 << 20), good_sb(), VERITY_SB_SIZE);
	blkdev("d", DATA_DEV, makedev(7, 0), data_img, sizeof(data_img));
	fake_blkdev_add(NODE, makedev(FAKE_DM_MAJOR, 0), data_img, 4096);
	ATF_REQUIRE_EQ_MSG(UP("verity", "v"), 0, "%s", node("v")->why);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-v", false, 0), "0 2048 verity 1 7:0 7:0 4096 "
			"4096 256 257 sha256 " ROOT " " SHA256_SALT);
	memset(data_img, 0, sizeof(data_img));
}

/* Refused before anything is made: the device and the field named. */
static void refused(const char *plan_text, const uint8_t *sb, size_t hash_len, int err,
		    const char *why)
{
	devices(plan_text, sb, hash_len);
	ATF_CHECK_EQ(UP("verity", "v"), err);
	ATF_CHECK_STREQ(node("v")->why, why);
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 0);
}

ATF_TC_WITHOUT_HEAD(up_refused);
ATF_TC_BODY(up_refused, tc)
{
	uint8_t sb[VERITY_SB_SIZE];

	sb_image(sb, SB_SHA256, sizeof(SB_SHA256));
	sb[68] = 0xb8;	/* hash_block_size 3000 (0x0bb8) */
	sb[69] = 0x0b;
	refused(TWO(""), sb, 16384, -EINVAL, HASH_DEV ": verity superblock: hash_block_size "
		"3000 is not a power of two between 512 and 4096");
	refused(TWO(""), good_sb(), 12288, -EINVAL, HASH_DEV ": verity superblock: the hash "
		"tree of data_blocks 256 ends at byte 16384, the hash device has 12288");
	refused(VERITY("\thash h\n\troot-hash " SHA1_ROOT "\n"), good_sb(), 16384, -EINVAL,
		"root-hash has 40 hex digits, but the verity superblock on " HASH_DEV " says "
		"sha256, whose digests have 64");
	memset(sb, 0, sizeof(sb));
	refused(TWO(""), sb, 16384, -EINVAL, HASH_DEV ": verity superblock: no signature "
		"\"verity\" at its start (is hash-offset right?)");
	/* The hash device ends before a whole superblock. */
	refused(TWO(""), good_sb(), 300, -EINVAL, HASH_DEV ": verity superblock: 300 bytes, "
		"not 512");
}

/* veritysetup format --hash=sha1 --data-block-size=512 --hash-block-size=1024 --format=0 */
ATF_TC_WITHOUT_HEAD(up_sector_size);
ATF_TC_BODY(up_sector_size, tc)
{
	uint8_t sb[VERITY_SB_SIZE];
	const int big = 4096;

	sb_image(sb, SB_SHA1, sizeof(SB_SHA1));
	devices(VERITY("\thash h\n\troot-hash " SHA1_ROOT "\n"), sb, 4096);
	ATF_REQUIRE_EQ_MSG(UP("verity", "v"), 0, "%s", node("v")->why);
	ATF_CHECK_STREQ(fake_dm_table("blkasm-v", false, 0), "0 64 verity 0 7:0 7:1 512 1024 "
			"64 1 sha1 " SHA1_ROOT " -");

	/* A disk of 4 KiB sectors cannot hold 512-byte verity blocks. */
	devices(VERITY("\thash h\n\troot-hash " SHA1_ROOT "\n"), sb, 4096);
	fake_ioctl_push_data(BLKSSZGET, 0, &big, sizeof(big));
	ATF_CHECK_EQ(UP("verity", "v"), -EINVAL);
	ATF_CHECK_STREQ(node("v")->why, DATA_DEV ": verity superblock: data_block_size 512 is "
			"smaller than the data device's 4096-byte blocks");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 0);
}

/* A device made by `veritysetup open ... vroot`, as the kernel reports it. */
static void veritysetup_open(const char *params, const char *status)
{
	dm_running("vroot", UUID_VS, "verity", params, 2048, status);
}

ATF_TC_WITHOUT_HEAD(adopt_own);
ATF_TC_BODY(adopt_own, tc)
{
	devices(TWO(""), good_sb(), 16384);
	ATF_CHECK_EQ(ADOPT("verity", "v"), 0);
	dm_running("blkasm-v", "BLKASM-verity-blkasm-v", "verity", TABLE, 2048, "V");
	ATF_REQUIRE_EQ_MSG(ADOPT("verity", "v"), 1, "%s", node("v")->why);
	ATF_CHECK_STREQ(node("v")->summary, NODE " verity, 1024 KiB read-only, verified");
	ATF_CHECK_EQ(DOWN("verity", "v"), 0);
	ATF_CHECK(!fake_dm_exists("blkasm-v"));
}

ATF_TC_WITHOUT_HEAD(adopt_veritysetup);
ATF_TC_BODY(adopt_veritysetup, tc)
{
	devices(TWO("\tname vroot\n"), good_sb(), 16384);
	/* Options veritysetup may add beside the policy are its business. */
	veritysetup_open(TABLE " 2 ignore_zero_blocks check_at_most_once", "V");
	ATF_REQUIRE_EQ_MSG(ADOPT("verity", "v"), 1, "%s", node("v")->why);
	ATF_CHECK_STREQ(node("v")->device, "/dev/mapper/vroot");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_CREATE), 0);
	/* Never removed: not blkasm's. */
	ATF_CHECK_EQ(DOWN("verity", "v"), -EPERM);
	CHECK_WHY(node("v"), "/dev/mapper/vroot was not made by blkasm");
	ATF_CHECK(fake_dm_exists("vroot"));
}

ATF_TC_WITHOUT_HEAD(refuse_veritysetup);
ATF_TC_BODY(refuse_veritysetup, tc)
{
	devices(TWO("\tname vroot\n"), good_sb(), 16384);
	veritysetup_open("1 7:0 7:1 4096 4096 256 1 sha256 " SHA256_SALT " " SHA256_SALT, "V");
	ATF_CHECK_EQ(ADOPT("verity", "v"), -EEXIST);
	ATF_CHECK_STREQ(node("v")->why, "/dev/mapper/vroot (DM UUID " UUID_VS ") is in the way: "
			"its root hash is " SHA256_SALT ", the plan's " ROOT "; left alone");
	ATF_CHECK(fake_dm_exists("vroot"));

	devices(TWO("\tname vroot\n"), good_sb(), 16384);
	veritysetup_open(TABLE " 1 restart_on_corruption", "V");
	ATF_CHECK_EQ(ADOPT("verity", "v"), -EEXIST);
	CHECK_WHY(node("v"), "its on-corruption is restart, the plan's error; left alone");

	devices(TWO("\tname vroot\n"), good_sb(), 16384);
	veritysetup_open("1 7:0 7:2 4096 4096 256 1 sha256 " ROOT " " SHA256_SALT, "V");
	ATF_CHECK_EQ(ADOPT("verity", "v"), -EEXIST);
	CHECK_WHY(node("v"), "its hash device is 7:2, the plan's 7:1; left alone");
	ATF_CHECK_EQ(fake_dm_count(DM_DEV_REMOVE), 0);

	/* Two targets: not what the plan makes. */
	devices(TWO("\tname vroot\n"), good_sb(), 16384);
	{
		struct dm_target t[2] = { { .start = 0, .length = 1024 },
					  { .start = 1024, .length = 1024 } };

		fake_dm_add("vroot", UUID_VS);
		snprintf(t[0].type, sizeof(t[0].type), "verity");
		snprintf(t[0].params, sizeof(t[0].params), TABLE);
		snprintf(t[1].type, sizeof(t[1].type), "zero");
		ATF_REQUIRE_EQ(dm_load("vroot", t, 2, true), 0);
		ATF_REQUIRE_EQ(dm_resume("vroot"), 0);
	}
	ATF_CHECK_EQ(ADOPT("verity", "v"), -EEXIST);
	CHECK_WHY(node("v"), "is in the way: it has several targets; left alone");
}

ATF_TC_WITHOUT_HEAD(status_corrupted);
ATF_TC_BODY(status_corrupted, tc)
{
	struct node_status st;

	devices(TWO(""), good_sb(), 16384);
	ATF_CHECK_EQ(drv("verity")->status(&ctx, node("v"), &st), 0);
	ATF_CHECK(!st.present);
	dm_running("blkasm-v", "BLKASM-verity-blkasm-v", "verity", TABLE, 2048, "C");
	ATF_CHECK_EQ(drv("verity")->status(&ctx, node("v"), &st), 0);
	ATF_CHECK(st.present);
	ATF_CHECK_STREQ(st.detail, NODE " verity, 1024 KiB read-only, corrupted");
	fake_dm_set_status("blkasm-v", 0, "X");
	ATF_CHECK_EQ(drv("verity")->status(&ctx, node("v"), &st), 0);
	ATF_CHECK_STREQ(st.detail, NODE " verity, 1024 KiB read-only, unknown: verity status "
			"\"X\" does not start with V or C");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, up_two_devices);
	ATF_TP_ADD_TC(tp, up_wrong_root);
	ATF_TP_ADD_TC(tp, up_read_fails);
	ATF_TP_ADD_TC(tp, up_policy);
	ATF_TP_ADD_TC(tp, up_same_device);
	ATF_TP_ADD_TC(tp, up_refused);
	ATF_TP_ADD_TC(tp, up_sector_size);
	ATF_TP_ADD_TC(tp, adopt_own);
	ATF_TP_ADD_TC(tp, adopt_veritysetup);
	ATF_TP_ADD_TC(tp, refuse_veritysetup);
	ATF_TP_ADD_TC(tp, status_corrupted);
	return atf_no_error();
}
