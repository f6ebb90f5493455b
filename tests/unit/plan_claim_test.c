/* SPDX-License-Identifier: MIT */
/*
 * Conflicts between nodes (lib/plan_claim.c and each kind's claims): one
 * device, file, name or number taken twice is refused at the second
 * user's value, whatever the spelling that leads to it (a symlink, a hard
 * link, another device node, MAJOR:MINOR); read-only uses share; node
 * references and long paths are not mistaken for conflicts.
 */
#include "table.h"
#include "fake_sys.h"
#include "plan_fixture.h"
#include "plan.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

ATF_TC_WITHOUT_HEAD(device_used_twice);
ATF_TC_BODY(device_used_twice, tc)
{
	fake_reset();
	/* Two md arrays, or one array twice. */
	check_error("md a { members /dev/vdb /dev/vdc }\nmd b { members /dev/vdd /dev/vdb }",
		    "2:25: md node 'b' conflicts with node 'a' (1:16): it uses /dev/vdb as an md "
		    "member, and 'a' uses /dev/vdb as an md member");
	check_error("md a { members /dev/vdb /dev/vdb }",
		    "1:25: md node 'a' lists member /dev/vdb twice (first at 1:16)");
	/* A pool's metadata and data, by path or by node. */
	check_error("thin-pool p { metadata /dev/vdb; data /dev/vdb }",
		    "1:39: thin-pool node 'p' conflicts with itself (1:24): it uses /dev/vdb as "
		    "pool data, and uses /dev/vdb as pool metadata");
	check_error("loop a { file /a.img }\nthin-pool p { metadata a; data a }",
		    "2:32: thin-pool node 'p' conflicts with itself (2:24): it uses a as pool "
		    "data, and uses a as pool metadata");
	/* An md member mounted, or a pool's data too. */
	check_error("md a { members /dev/vdb /dev/vdc }\nmount m { device /dev/vdb; target /m }",
		    "2:18: mount node 'm' conflicts with node 'a' (1:16): it mounts /dev/vdb, and "
		    "'a' uses /dev/vdb as an md member");
	check_error("md a { members /dev/vdb /dev/vdc }\n"
		    "thin-pool p { metadata /dev/vdd; data /dev/vdc }",
		    "2:39: thin-pool node 'p' conflicts with node 'a' (1:25): it uses /dev/vdc as "
		    "pool data, and 'a' uses /dev/vdc as an md member");
	/* Read-only uses share; a writer shares with nobody. */
	check_error("mount a { device /dev/vdb; target /a; read-only yes }\n"
		    "mount b { device /dev/vdb; target /b; read-only yes }", "(valid)");
	check_error("mount a { device /dev/vdb; target /a; read-only yes }\n"
		    "mount b { device /dev/vdb; target /b }",
		    "2:18: mount node 'b' conflicts with node 'a' (1:18): it mounts /dev/vdb, and "
		    "'a' mounts /dev/vdb read-only");
	check_error("md a { members /dev/vdb /dev/vdc }\n"
		    "mount m { device /dev/vdb; target /m; read-only yes }",
		    "2:18: mount node 'm' conflicts with node 'a' (1:16): it mounts /dev/vdb "
		    "read-only, and 'a' uses /dev/vdb as an md member");
	/* A node's device used by one node, the node itself by its name: edges. */
	check_error("loop a { file /a.img }\nmd r { members a /dev/vdb }\n"
		    "mount m { device r; target /m }", "(valid)");
}

/* Spellings that lead to one device: another /dev path, MAJOR:MINOR. */
ATF_TC_WITHOUT_HEAD(device_by_identity);
ATF_TC_BODY(device_by_identity, tc)
{
	fake_reset();
	fake_blkdev_add("/dev/vdb", makedev(254, 16), "", 0);
	fake_blkdev_add("/dev/disk/by-path/virtio-pci-0000:00:05.0", makedev(254, 16), "", 0);
	fake_blkdev_add("/dev/vdc", makedev(254, 32), "", 0);
	check_error("md a { members /dev/vdb /dev/vdc }\n"
		    "thin-pool p { metadata /dev/vdd; data /dev/disk/by-path/virtio-pci-0000:00:05.0 }",
		    "2:39: thin-pool node 'p' conflicts with node 'a' (1:16): it uses "
		    "/dev/disk/by-path/virtio-pci-0000:00:05.0 as pool data, and 'a' uses /dev/vdb "
		    "as an md member (the same device)");
	check_error("md a { members /dev/vdb /dev/vdc }\nmount m { device 254:32; target /m }",
		    "2:18: mount node 'm' conflicts with node 'a' (1:25): it mounts 254:32, and 'a' "
		    "uses /dev/vdc as an md member (the same device)");
	check_error("md a { members /dev/vdb /dev/vdc }\nmount m { device 254:48; target /m }",
		    "(valid)");
}

ATF_TC_WITHOUT_HEAD(md_number_and_uuid);
ATF_TC_BODY(md_number_and_uuid, tc)
{
	fake_reset();
	check_error("md a { members /dev/vdb; number 3 }\nmd b { members /dev/vdc; number 03 }",
		    "2:33: md node 'b' conflicts with node 'a' (1:33): it takes /dev/md3, and 'a' "
		    "takes /dev/md3");
	/* One array in mdadm's spelling and in the 8-4-4-4-12 one. */
	check_error("md a { uuid 3f1c2a4b:01234567:89abcdef:fedcba98 }\n"
		    "md b { uuid 3F1C2A4B-0123-4567-89AB-CDEFFEDCBA98 }",
		    "2:13: md node 'b' conflicts with node 'a' (1:13): it assembles the md array "
		    "3f1c2a4b:01234567:89abcdef:fedcba98, and 'a' assembles the md array "
		    "3f1c2a4b:01234567:89abcdef:fedcba98");
	check_error("md a { members /dev/vdb; number 3 }\nmd b { members /dev/vdc; number 4 }",
		    "(valid)");
}

ATF_TC_WITHOUT_HEAD(dm_names);
ATF_TC_BODY(dm_names, tc)
{
	fake_reset();
	/* A thin volume named like its pool, like the pool's slices, like another. */
	check_error("thin-pool p { metadata /dev/vdb; data /dev/vdc }\n"
		    "thin t { pool p; id 1; size 1G; name p }",
		    "2:38: thin node 't' conflicts with node 'p' (1:11): it takes the "
		    "device-mapper name blkasm-p, and 'p' takes the device-mapper name blkasm-p");
	check_error("thin-pool p { device /dev/vdb }\nthin t { pool p; id 1; size 1G; name p-tdata }",
		    "2:38: thin node 't' conflicts with node 'p' (1:11): it takes the "
		    "device-mapper name blkasm-p-tdata, and 'p' takes the device-mapper name "
		    "blkasm-p-tdata for its data slice");
	check_error("thin-pool p { device /dev/vdb }\nthin-pool p-tmeta { device /dev/vdc }",
		    "2:11: thin-pool node 'p-tmeta' conflicts with node 'p' (1:11): it takes the "
		    "device-mapper name blkasm-p-tmeta, and 'p' takes the device-mapper name "
		    "blkasm-p-tmeta for its metadata slice");
	check_error("thin-pool p { device /dev/vdb }\nthin a { pool p; id 1; size 1G; name v }\n"
		    "thin b { pool p; id 2; size 1G; name v }",
		    "3:38: thin node 'b' conflicts with node 'a' (2:38): it takes the "
		    "device-mapper name blkasm-v, and 'a' takes the device-mapper name blkasm-v");
	/* Without one device to cut, a pool makes no slices. */
	check_error("thin-pool p { metadata /dev/vdb; data /dev/vdc }\n"
		    "thin t { pool p; id 1; size 1G; name p-tmeta }", "(valid)");
}

/* One image through a symlink or a hard link is one file (stat says so). */
ATF_TC_WITHOUT_HEAD(file_by_identity);
ATF_TC_BODY(file_by_identity, tc)
{
	fake_reset();
	fake_file_add("/img/a.img", "");
	fake_file_add("/img/link.img", "");	/* as stat sees a symlink or a hard link */
	fake_file_add("/img/b.img", "");
	fake_file_id("/img/a.img", makedev(254, 1), 100);
	fake_file_id("/img/link.img", makedev(254, 1), 100);
	fake_file_id("/img/b.img", makedev(254, 1), 101);
	check_error("loop a { file /img/a.img }\nloop b { file /img/link.img }",
		    "2:15: loop node 'b' conflicts with node 'a' (1:15): it binds /img/link.img at "
		    "offset 0, and 'a' binds /img/a.img at offset 0 (the same file)");
	check_error("loop a { file /img/a.img }\nloop b { file /img/b.img }", "(valid)");
	/* Read-only on both sides shares the file; one writer does not. */
	check_error("loop a { file /img/a.img; read-only yes }\n"
		    "loop b { file /img/link.img; read-only yes }", "(valid)");
	check_error("loop a { file /img/a.img; read-only yes }\nloop b { file /img/link.img }",
		    "2:15: loop node 'b' conflicts with node 'a' (1:15): it binds /img/link.img at "
		    "offset 0, and 'a' binds /img/a.img at offset 0 read-only (the same file)");
	/* Below a mount of the plan, what is there now is not what will be. */
	fake_file_add("/mnt/a.img", "");
	fake_file_add("/mnt/b.img", "");
	fake_file_id("/mnt/a.img", makedev(254, 1), 200);
	fake_file_id("/mnt/b.img", makedev(254, 1), 200);
	check_error("mount m { device /dev/vdb; target /mnt }\nloop a { file /mnt/a.img }\n"
		    "loop b { file /mnt/b.img }", "(valid)");
}

/* Mounted, two targets of one filesystem stat alike: targets go by path. */
ATF_TC_WITHOUT_HEAD(mount_points_by_path);
ATF_TC_BODY(mount_points_by_path, tc)
{
	fake_reset();
	fake_dir_add("/x");
	fake_dir_add("/y");
	fake_file_id("/x", makedev(7, 0), 2);
	fake_file_id("/y", makedev(7, 0), 2);
	check_error("mount a { device /dev/vdb; target /x; read-only yes }\n"
		    "mount b { device /dev/vdb; target /y; read-only yes }", "(valid)");
}

/* Paths of PATH_MAX are compared whole: no cut that makes two files one. */
ATF_TC_WITHOUT_HEAD(long_paths);
ATF_TC_BODY(long_paths, tc)
{
	char dir[3001], text[8000];

	fake_reset();
	memset(dir, 'd', sizeof(dir) - 1);
	dir[sizeof(dir) - 1] = '\0';
	snprintf(text, sizeof(text), "loop a { file /%s/a.img }\nloop b { file /%s/b.img }",
		 dir, dir);
	check_error(text, "(valid)");
	snprintf(text, sizeof(text), "loop a { file /%s/a.img }\nloop b { file /%s/a.img }",
		 dir, dir);
	ATF_CHECK(!strncmp(first_error(text), "2:15: loop node 'b' conflicts with node 'a' (1:15)",
			   50));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, device_used_twice);
	ATF_TP_ADD_TC(tp, device_by_identity);
	ATF_TP_ADD_TC(tp, md_number_and_uuid);
	ATF_TP_ADD_TC(tp, dm_names);
	ATF_TP_ADD_TC(tp, file_by_identity);
	ATF_TP_ADD_TC(tp, mount_points_by_path);
	ATF_TP_ADD_TC(tp, long_paths);
	return atf_no_error();
}
