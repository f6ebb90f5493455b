/* SPDX-License-Identifier: MIT */
/*
 * init/initramfs/check.c and hostonly.c: the kernel's config, ELF
 * machines, the root disk's drivers in a sysfs made in the work folder,
 * the root's type in mountinfo.
 */
#include "ird.h"

#include <atf-c.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ATF_TC_WITHOUT_HEAD(kconfig);
ATF_TC_BODY(kconfig, tc)
{
	static const char cfg[] =
		"#\n# Automatically generated file\n#\n"
		"CONFIG_RD_GZIP=y\n"
		"CONFIG_RD_XZZ=y\n"
		"# CONFIG_RD_LZ4 is not set\n"
		"CONFIG_CMDLINE=\"console=ttyS0 rw\"\r\n"
		"CONFIG_RD_ZSTD=y\n"
		"CONFIG_RD_ZSTD=m";
	char v[32];

	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_RD_GZIP", v, sizeof(v)), 0);
	ATF_CHECK_STREQ(v, "y");
	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_RD_XZ", v, sizeof(v)), -ENOENT);
	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_RD_LZ4", v, sizeof(v)), -ENOENT);
	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_RD_ZSTD", v, sizeof(v)), 0);
	ATF_CHECK_STREQ(v, "m");	/* the last line wins, as in Kconfig */
	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_CMDLINE", v, sizeof(v)), 0);
	ATF_CHECK_STREQ(v, "\"console=ttyS0 rw\"");
	ATF_CHECK_EQ(kconfig_value(cfg, "CONFIG_CMDLINE", v, 8), -ENAMETOOLONG);
	ATF_CHECK_EQ(kconfig_value("CONFIG_A=\n", "CONFIG_A", v, sizeof(v)), -ENOENT);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	ATF_REQUIRE(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
}

ATF_TC_WITHOUT_HEAD(elf);
ATF_TC_BODY(elf, tc)
{
	unsigned char h[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	unsigned int m = 0;

	h[18] = 183;	/* EM_AARCH64, little-endian */
	write_file("le", h, sizeof(h));
	ATF_CHECK_EQ(elf_machine("le", &m), 0);
	ATF_CHECK_EQ(m, 183);
	h[5] = 2;	/* big-endian: 0x3e00 */
	h[18] = 0;
	h[19] = 62;
	write_file("be", h, sizeof(h));
	ATF_CHECK_EQ(elf_machine("be", &m), 0);
	ATF_CHECK_EQ(m, 62);
	write_file("text", "#!/bin/sh\necho hello there\n", 27);
	ATF_CHECK_EQ(elf_machine("text", &m), -ENOEXEC);
	write_file("short", h, 10);
	ATF_CHECK_EQ(elf_machine("short", &m), -ENOEXEC);
	ATF_CHECK_EQ(elf_machine("missing", &m), -ENOENT);
	ATF_CHECK_STREQ(elf_machine_name(62), "x86-64");
	ATF_CHECK_STREQ(elf_machine_name(9999), "machine 9999");
}

static void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	ATF_REQUIRE(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

/* A virtio disk on PCI as sysfs shows it; the PCI root has no driver. */
static void fake_sysfs(void)
{
	mkdirs("sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1");
	mkdirs("sys/dev/block");
	mkdirs("sys/bus/pci/drivers/virtio-pci");
	mkdirs("sys/bus/virtio/drivers/virtio_blk");
	mkdirs("sys/module/virtio_pci");
	mkdirs("sys/module/virtio_blk");
	mkdirs("sys/bus/platform/drivers/builtin");	/* no module link */
	ATF_REQUIRE(symlink("../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda1",
			    "sys/dev/block/253:1") == 0);
	ATF_REQUIRE(symlink("../../../../module/virtio_pci",
			    "sys/bus/pci/drivers/virtio-pci/module") == 0);
	ATF_REQUIRE(symlink("../../../../module/virtio_blk",
			    "sys/bus/virtio/drivers/virtio_blk/module") == 0);
	ATF_REQUIRE(symlink("../../../bus/pci/drivers/virtio-pci",
			    "sys/devices/pci0000:00/0000:00:02.0/driver") == 0);
	ATF_REQUIRE(symlink("../../../../bus/virtio/drivers/virtio_blk",
			    "sys/devices/pci0000:00/0000:00:02.0/virtio1/driver") == 0);
	ATF_REQUIRE(symlink("../../bus/platform/drivers/builtin",
			    "sys/devices/pci0000:00/driver") == 0);
}

ATF_TC_WITHOUT_HEAD(host_drivers);
ATF_TC_BODY(host_drivers, tc)
{
	struct mod_wish w = { 0 };
	char cwd[PATH_MAX], sys[PATH_MAX + 8];

	fake_sysfs();
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)));
	snprintf(sys, sizeof(sys), "%s/sys", cwd);
	ATF_REQUIRE_EQ(hostonly_drivers(sys, 253, 1, &w), 0);
	ATF_REQUIRE_EQ(w.count, 2);
	ATF_CHECK_STREQ(w.names[0], "virtio_pci");	/* the bus first */
	ATF_CHECK_STREQ(w.names[1], "virtio_blk");
	ATF_CHECK(w.at_boot[0] && w.at_boot[1]);
	ATF_CHECK_EQ(hostonly_drivers(sys, 8, 0, &w), -ENOENT);
}

/* An md array on a virtio disk and a SCSI disk: the drivers under it. */
ATF_TC_WITHOUT_HEAD(host_drivers_stacked);
ATF_TC_BODY(host_drivers_stacked, tc)
{
	struct mod_wish w = { 0 };
	char cwd[PATH_MAX], sys[PATH_MAX + 8];

	fake_sysfs();
	mkdirs("sys/devices/virtual/block/md127/slaves");
	mkdirs("sys/devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda");
	mkdirs("sys/bus/pci/drivers/ahci");
	mkdirs("sys/module/ahci");
	ATF_REQUIRE(symlink("../../../../module/ahci", "sys/bus/pci/drivers/ahci/module") == 0);
	ATF_REQUIRE(symlink("../../../bus/pci/drivers/ahci",
			    "sys/devices/pci0000:00/0000:00:05.0/driver") == 0);
	ATF_REQUIRE(symlink("../../../../pci0000:00/0000:00:02.0/virtio1/block/vda/vda1",
			    "sys/devices/virtual/block/md127/slaves/vda1") == 0);
	ATF_REQUIRE(symlink("../../../../pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/"
			    "block/sda", "sys/devices/virtual/block/md127/slaves/sda") == 0);
	ATF_REQUIRE(symlink("../../devices/virtual/block/md127", "sys/dev/block/9:127") == 0);
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)));
	snprintf(sys, sizeof(sys), "%s/sys", cwd);
	ATF_REQUIRE_EQ(hostonly_drivers(sys, 9, 127, &w), 0);
	ATF_REQUIRE_EQ(w.count, 3);
	/* readdir order decides between the members; each comes bus first. */
	for (unsigned int i = 0; i < w.count; i++)
		if (!strcmp(w.names[i], "virtio_blk"))
			ATF_CHECK(i > 0 && !strcmp(w.names[i - 1], "virtio_pci"));
	ATF_CHECK(!strcmp(w.names[0], "ahci") || !strcmp(w.names[2], "ahci"));
}

ATF_TC_WITHOUT_HEAD(root_fstype);
ATF_TC_BODY(root_fstype, tc)
{
	static const char mi[] =
		"21 1 0:20 / /proc rw,relatime - proc proc rw\n"
		"1 0 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		"30 21 0:25 / /rooty rw - tmpfs tmpfs rw\n"
		"31 1 0:26 / / rw shared:9 master:2 - overlay overlay rw,lowerdir=/a\n";
	char t[32];

	ATF_CHECK_EQ(hostonly_root_fstype(mi, t, sizeof(t)), 0);
	ATF_CHECK_STREQ(t, "overlay");	/* the last mount on / is the one seen */
	ATF_CHECK_EQ(hostonly_root_fstype(mi, t, sizeof(t)), 0);
	ATF_CHECK_EQ(hostonly_root_fstype("21 1 0:20 / /proc rw - proc proc rw\n", t, sizeof(t)),
		     -ENOENT);
	ATF_CHECK_EQ(hostonly_root_fstype("1 0 253:0 / / rw\n", t, sizeof(t)), -ENOENT);
	ATF_CHECK_EQ(hostonly_root_fstype(mi, t, 4), -ENOENT);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, kconfig);
	ATF_TP_ADD_TC(tp, elf);
	ATF_TP_ADD_TC(tp, host_drivers);
	ATF_TP_ADD_TC(tp, host_drivers_stacked);
	ATF_TP_ADD_TC(tp, root_fstype);
	return atf_no_error();
}
