/* SPDX-License-Identifier: MIT */
/*
 * Creating md arrays on blank members (drivers/md/md_create.c), then
 * assembling them, through the fake seam.
 *
 * Creating asks libblkid whether each member is blank, and libblkid opens
 * the real path, not the seam: these tests give members as nodes whose
 * device is a real file in the test's working folder ("./mdt-a"), mirrored
 * into the fake as a block device.
 */
#include "md_fixture.h"

/* Node dN's device is path: a real file (for libblkid) mirrored in the fake. */
static void create_disk(const char *node, const char *path, unsigned int minor,
			const uint8_t *img)
{
	FILE *f = fopen(path, "wb");
	int i = plan_find(&plan, node);

	ATF_REQUIRE_MSG(f, "%s", path);
	ATF_REQUIRE_EQ(fwrite(img, 1, DISK_BYTES, f), DISK_BYTES);
	ATF_REQUIRE_EQ(fclose(f), 0);
	fake_blkdev_add(path, makedev(7, minor), img, DISK_BYTES);
	ATF_REQUIRE(i >= 0);
	snprintf(plan.nodes[i].device, NODE_DEVICE_SIZE, "%s", path);
}

static void create_blank(const char *node, const char *path, unsigned int minor)
{
	uint8_t *img = disk_image(NULL);

	create_disk(node, path, minor, img);
	free(img);
}

#define CREATE_PLAN(members, rest) \
	"device d0 { device /dev/vdb }\ndevice d1 { device /dev/vdc }\n" \
	"device d2 { device /dev/vdd }\n" \
	"md r {\n\tmembers " members "\n\tnumber 0\n\tcreate yes\n" rest "}\n"

static void check_created(const char *path, uint32_t slot, int32_t level, uint32_t disks,
			  const uint8_t *uuid)
{
	struct md_sb sb;
	char why[256] = "";

	ATF_REQUIRE_EQ_MSG(read_sb(path, &sb, why, sizeof(why)), 0, "%s: %s", path, why);
	ATF_CHECK_EQ(sb.level, level);
	ATF_CHECK_EQ(sb.raid_disks, disks);
	ATF_CHECK_EQ(sb.dev_number, slot);
	ATF_CHECK_EQ(sb.data_offset, 2048);
	ATF_CHECK_EQ(sb.super_offset, 8);
	ATF_CHECK_EQ(sb.max_dev, 128);
	for (uint32_t i = 0; i < sb.max_dev; i++)
		ATF_CHECK_EQ_MSG(sb.roles[i], i < disks ? i : MDSB_ROLE_SPARE, "role %u", i);
	ATF_CHECK(!memcmp(sb.set_uuid, uuid, 16));
	ATF_CHECK_STREQ(sb.set_name, "r");
	ATF_CHECK_EQ(sb.ctime, 1700000000);
	ATF_CHECK_EQ(sb.events, 0);
}

ATF_TC_WITHOUT_HEAD(create_raid1);
ATF_TC_BODY(create_raid1, tc)
{
	struct plan_node *n;
	struct md_sb sb;
	char why[256];

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	create_blank("d1", "./mdt-b", 1);
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK_STREQ(fake_trace(), "pwrite ./mdt-a 4096 4096 fsync ./mdt-a "
			"pwrite ./mdt-b 4096 4096 fsync ./mdt-b mkdir /dev/md symlink ../md0 /dev/md/r");
	check_created("./mdt-a", 0, 1, 2, CREATED);
	check_created("./mdt-b", 1, 1, 2, CREATED);
	/* Each member its own device UUID (the next random calls). */
	ATF_REQUIRE_EQ(read_sb("./mdt-b", &sb, why, sizeof(why)), 0);
	ATF_CHECK_EQ(sb.device_uuid[0], 3);
	ATF_REQUIRE_EQ(read_sb("./mdt-a", &sb, why, sizeof(why)), 0);
	ATF_CHECK_EQ(sb.device_uuid[0], 2);
	ATF_CHECK_EQ(sb.chunk_sectors, 0);
	ATF_CHECK_EQ(sb.layout, 0);
	ATF_CHECK_EQ(sb.size, DISK_SECTORS - 2048);
	ATF_CHECK_EQ(sb.data_size, DISK_SECTORS - 2048);
	ATF_CHECK_EQ(sb.resync_offset, 0);	/* the kernel resyncs it */
	check_started("7:07:1");
	ATF_CHECK(strstr(fake_stderr(), "r: created raid1 array r (uuid " CREATED_TEXT
			 ") on 2 members of 3072 KiB"));
}

ATF_TC_WITHOUT_HEAD(create_raid5_with_uuid);
ATF_TC_BODY(create_raid5_with_uuid, tc)
{
	struct plan_node *n;
	struct md_sb sb;
	char why[256];

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1 d2", "\tlevel raid5\n\tchunk 64K\n\tassume-clean yes\n"
				"\tuuid " UUID_B_TEXT "\n"));
	create_blank("d0", "./mdt-a", 0);
	create_blank("d1", "./mdt-b", 1);
	create_blank("d2", "./mdt-c", 2);
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	for (uint32_t i = 0; i < 3; i++) {
		char path[16];

		snprintf(path, sizeof(path), "./mdt-%c", 'a' + i);
		check_created(path, i, 5, 3, UUID_B);
		ATF_REQUIRE_EQ(read_sb(path, &sb, why, sizeof(why)), 0);
		ATF_CHECK_EQ(sb.chunk_sectors, 128);
		ATF_CHECK_EQ(sb.layout, 2);			/* left-symmetric */
		ATF_CHECK_EQ(sb.resync_offset, UINT64_MAX);	/* assume-clean */
		ATF_CHECK_EQ(sb.size % 128, 0);
	}
	check_started("7:07:17:2");
}

/* Members that carry this array already: assembled, nothing written. */
ATF_TC_WITHOUT_HEAD(create_already_made);
ATF_TC_BODY(create_already_made, tc)
{
	struct plan_node *n;
	uint8_t *img;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	img = disk_image(member_sb(UUID_A, 1, 2, 0, 10));
	create_disk("d0", "./mdt-a", 0, img);
	free(img);
	img = disk_image(member_sb(UUID_A, 1, 2, 1, 10));
	create_disk("d1", "./mdt-b", 1, img);
	free(img);
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_started("7:07:1");
}

/* With the plan's uuid, a create stopped half-way runs again. */
ATF_TC_WITHOUT_HEAD(create_resumes_with_plan_uuid);
ATF_TC_BODY(create_resumes_with_plan_uuid, tc)
{
	struct plan_node *n;
	uint8_t *img;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n\tuuid " UUID_A_TEXT "\n"));
	img = disk_image(member_sb(UUID_A, 1, 2, 0, 0));
	create_disk("d0", "./mdt-a", 0, img);
	free(img);
	create_blank("d1", "./mdt-b", 1);
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	ATF_CHECK(strstr(fake_trace(), "pwrite ./mdt-a 4096 4096"));
	ATF_CHECK(strstr(fake_trace(), "pwrite ./mdt-b 4096 4096"));
	check_created("./mdt-b", 1, 1, 2, UUID_A);
	check_started("7:07:1");
}

/* A member of another array is never written over. */
ATF_TC_WITHOUT_HEAD(create_refuses_other_array);
ATF_TC_BODY(create_refuses_other_array, tc)
{
	struct plan_node *n;
	uint8_t *img;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	img = disk_image(member_sb(UUID_B, 1, 2, 1, 10));
	create_disk("d1", "./mdt-b", 1, img);
	free(img);
	ATF_CHECK_EQ(up(n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "./mdt-b is a member of md array " UUID_B_TEXT " (board:r); "
			"not creating over it (a plan uuid makes an interrupted create "
			"restartable)");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();

	/* With a plan uuid, another array's member is refused all the same. */
	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n\tuuid " UUID_A_TEXT "\n"));
	create_blank("d0", "./mdt-a", 0);
	img = disk_image(member_sb(UUID_B, 1, 2, 1, 10));
	create_disk("d1", "./mdt-b", 1, img);
	free(img);
	ATF_CHECK_EQ(up(n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "./mdt-b is a member of md array " UUID_B_TEXT " (board:r); "
			"not creating over it");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();
}

/* A minimal ext2 superblock: libblkid reports "ext2" with this UUID. */
static void put_ext2(uint8_t *img)
{
	uint8_t *s = img + 1024;

	s[0] = 16;			/* s_inodes_count */
	s[4] = 64;			/* s_blocks_count: 64 KiB */
	s[20] = 1;			/* s_first_data_block */
	s[32] = 0x00; s[33] = 0x20;	/* s_blocks_per_group 8192 */
	s[40] = 16;			/* s_inodes_per_group */
	s[56] = 0x53; s[57] = 0xef;	/* s_magic */
	s[58] = 1;			/* s_state: clean */
	s[76] = 1;			/* s_rev_level: dynamic */
	s[84] = 11;			/* s_first_ino */
	s[88] = 128;			/* s_inode_size */
	for (int i = 0; i < 16; i++)
		s[104 + i] = (uint8_t)(0xe0 + i);	/* s_uuid */
}

ATF_TC_WITHOUT_HEAD(create_refuses_filesystem);
ATF_TC_BODY(create_refuses_filesystem, tc)
{
	struct plan_node *n;
	uint8_t *img;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	img = disk_image(NULL);
	put_ext2(img);
	create_disk("d1", "./mdt-b", 1, img);
	free(img);
	ATF_CHECK_EQ(up(n), -EEXIST);
	ATF_CHECK_STREQ(n->why, "./mdt-b carries ext2 UUID=e0e1e2e3-e4e5-e6e7-e8e9-eaebecedeeef: "
			"md arrays are created only on blank devices");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();
}

/* d1 holds bytes at off that no libblkid signature explains. */
static void create_with_data_at(size_t off)
{
	uint8_t *img = disk_image(NULL);

	for (size_t i = 0; i < 512; i++)
		img[off + i] = (uint8_t)(0x5a ^ i);	/* what an encrypted disk looks like */
	create_disk("d1", "./mdt-b", 1, img);
	free(img);
}

/*
 * "Blank" means zeros where the superblock goes and where a filesystem on
 * the array would show the old data (the first 2 MiB and the last MiB),
 * not only "no signature libblkid knows".
 */
ATF_TC_WITHOUT_HEAD(create_refuses_random_data);
ATF_TC_BODY(create_refuses_random_data, tc)
{
	static const size_t at[] = { 0, 4096 + 512, 1536 * 1024, DISK_BYTES - 512 };
	struct plan_node *n;
	char want[400];

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		setup();
		add_array(0, "clear");
		n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
		create_blank("d0", "./mdt-a", 0);
		create_with_data_at(at[i]);
		fake_file_add("/sys/class/block/mdt-b/loop/backing_file", "/srv/b.img\n");
		ATF_CHECK_EQ(up(n), -EEXIST);
		snprintf(want, sizeof(want), "./mdt-b (file /srv/b.img) is not blank: non-zero "
			 "data at byte %zu (md arrays are created only on zeroed members); if "
			 "what it holds is not needed, zero it first, e.g. blkdiscard -z ./mdt-b",
			 at[i]);
		ATF_CHECK_STREQ(n->why, want);
		ATF_CHECK(!strstr(fake_trace(), "pwrite"));
		check_untouched();
	}
	/* Between the regions checked (bounded reads), old data is not looked at. */
	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	create_with_data_at(2560 * 1024);
	ATF_REQUIRE_EQ_MSG(up(n), 0, "%s", n->why);
	check_started("7:07:1");
}

/* A create whose array then does not start takes its superblocks back. */
ATF_TC_WITHOUT_HEAD(create_undone_when_start_fails);
ATF_TC_BODY(create_undone_when_start_fails, tc)
{
	static const uint8_t zero[MDSB_SIZE];
	uint8_t buf[MDSB_SIZE];
	struct plan_node *n;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	create_blank("d1", "./mdt-b", 1);
	fake_fail(FAKE_WRITE, MD0 "metadata_version", -EINVAL);
	ATF_CHECK(up(n) < 0);
	ATF_CHECK(strstr(fake_trace(), "pwrite ./mdt-a 4096 4096 fsync ./mdt-a "
			 "pwrite ./mdt-b 4096 4096 fsync ./mdt-b"));
	for (unsigned int i = 0; i < 2; i++) {
		const char *path = i ? "./mdt-b" : "./mdt-a";
		int fd = sys_open(path, O_RDONLY, 0);

		ATF_REQUIRE(fd >= 0);
		ATF_REQUIRE_EQ(sys_pread(fd, buf, sizeof(buf), 4096), MDSB_SIZE);
		sys_close(fd);
		ATF_CHECK_MSG(!memcmp(buf, zero, sizeof(zero)), "%s keeps its superblock", path);
	}
}

/* A write that fails half-way: what was written is zeroed again. */
ATF_TC_WITHOUT_HEAD(create_undone_on_write_error);
ATF_TC_BODY(create_undone_on_write_error, tc)
{
	static const uint8_t zero[MDSB_SIZE];
	uint8_t buf[MDSB_SIZE];
	struct plan_node *n;
	int fd;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	create_blank("d1", "./mdt-b", 1);
	fake_fail(FAKE_WRITE, "./mdt-b", -EIO);
	ATF_CHECK_EQ(up(n), -EIO);
	ATF_CHECK_STREQ(n->why, "./mdt-b: writing the md superblock: Input/output error");
	ATF_CHECK_STREQ(fake_trace(), "pwrite ./mdt-a 4096 4096 fsync ./mdt-a "
			"pwrite ./mdt-a 4096 4096 fsync ./mdt-a");
	fd = sys_open("./mdt-a", O_RDONLY, 0);
	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE_EQ(sys_pread(fd, buf, sizeof(buf), 4096), MDSB_SIZE);
	sys_close(fd);
	ATF_CHECK(!memcmp(buf, zero, sizeof(zero)));
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(create_member_missing);
ATF_TC_BODY(create_member_missing, tc)
{
	struct plan_node *n;

	setup();
	add_array(0, "clear");
	n = plan_of("md r {\n\tmembers /dev/loop0 /dev/loop1\n\tnumber 0\n\tcreate yes\n"
		    "\tlevel raid1\n\twait 1\n}\n");
	add_disk("loop0", 0, NULL);
	ATF_CHECK_EQ(up(n), -ENODEV);
	ATF_CHECK_STREQ(n->why, "cannot create the array: members missing or unusable: "
			"/dev/loop1: did not appear");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();
}

ATF_TC_WITHOUT_HEAD(create_members_too_small);
ATF_TC_BODY(create_members_too_small, tc)
{
	struct plan_node *n;
	uint8_t *img;

	setup();
	add_array(0, "clear");
	n = plan_of(CREATE_PLAN("d0 d1", "\tlevel raid1\n"));
	create_blank("d0", "./mdt-a", 0);
	img = disk_image(NULL);
	create_disk("d1", "./mdt-b", 1, img);
	fake_blkdev_add("./mdt-b", makedev(7, 1), img, 4095 * 512);
	free(img);
	ATF_CHECK_EQ(up(n), -ENOSPC);
	ATF_CHECK_STREQ(n->why, "members of 2047 KiB are too small: at least 2 MiB each");
	ATF_CHECK(!strstr(fake_trace(), "pwrite"));
	check_untouched();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, create_raid1);
	ATF_TP_ADD_TC(tp, create_raid5_with_uuid);
	ATF_TP_ADD_TC(tp, create_already_made);
	ATF_TP_ADD_TC(tp, create_resumes_with_plan_uuid);
	ATF_TP_ADD_TC(tp, create_refuses_other_array);
	ATF_TP_ADD_TC(tp, create_refuses_filesystem);
	ATF_TP_ADD_TC(tp, create_undone_on_write_error);
	ATF_TP_ADD_TC(tp, create_refuses_random_data);
	ATF_TP_ADD_TC(tp, create_undone_when_start_fails);
	ATF_TP_ADD_TC(tp, create_member_missing);
	ATF_TP_ADD_TC(tp, create_members_too_small);
	return 0;
}
