/* SPDX-License-Identifier: MIT */
/*
 * The loop driver, probing, uevent waits and mounting against this
 * machine's real kernel (root only). Partitions, md and dm are not in this
 * kernel: those run in the board tests.
 */
#include <atf-c.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "devspec.h"
#include "devwait.h"
#include "file.h"
#include "loop/loop.h"
#include "mount.h"
#include "probe.h"
#include "retry.h"
#include "sys.h"

static void make_file(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	ATF_REQUIRE(fd >= 0);
	ATF_REQUIRE(ftruncate(fd, size) == 0);
	close(fd);
}

/* An ext4 image with a label, made by e2fsprogs. */
static void make_ext4(const char *path, const char *label)
{
	char cmd[512];

	make_file(path, 16 << 20);
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -L %s %s", label, path);
	ATF_REQUIRE_EQ(system(cmd), 0);
}

static void abs_path(const char *name, char *out)
{
	ATF_REQUIRE(realpath(name, out) != NULL);
}

static void sysfs_attr(int nr, const char *attr, char *buf, size_t size)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/block/loop%d/%s", nr, attr);
	ATF_REQUIRE_MSG(file_read(p, buf, size) >= 0, "cannot read %s", p);
}

static void attach(const char *file, struct loop_spec *spec, struct loop_dev *dev)
{
	struct retry_result res;
	int r;

	spec->file = file;
	r = loop_attach(spec, dev, 0, &res);
	ATF_REQUIRE_MSG(r == 0, "loop_attach %s: %s", file, strerror(-r));
}

#define ROOT_TC(name, descr)						\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "require.user", "root");		\
		atf_tc_set_md_var(tc, "timeout", "60");			\
	}

ROOT_TC(attach_detach, "attach binds the file; detach unbinds it")
ATF_TC_BODY(attach_detach, tc)
{
	struct loop_spec spec = { 0 };
	struct loop_dev dev;
	struct retry_result res;
	char file[PATH_MAX], buf[PATH_MAX];

	make_file("img", 8 << 20);
	abs_path("img", file);
	attach(file, &spec, &dev);
	ATF_REQUIRE(dev.fd >= 0);
	ATF_REQUIRE_EQ(loop_backing_file(dev.nr, buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, file);
	sysfs_attr(dev.nr, "ro", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "0");
	sysfs_attr(dev.nr, "loop/autoclear", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "0");
	ATF_REQUIRE_EQ(loop_detach(&dev, 0, &res), 0);
	ATF_CHECK_EQ(loop_backing_file(dev.nr, buf, sizeof(buf)), -ENXIO);
}

ROOT_TC(attach_options, "read-only, offset and size limit reach the kernel")
ATF_TC_BODY(attach_options, tc)
{
	struct loop_spec spec = { .read_only = true, .offset = 4096, .sizelimit = 1 << 20 };
	struct loop_dev dev;
	struct retry_result res;
	char file[PATH_MAX], buf[64];

	make_file("img", 8 << 20);
	abs_path("img", file);
	attach(file, &spec, &dev);
	ATF_CHECK(dev.read_only);
	sysfs_attr(dev.nr, "ro", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1");
	sysfs_attr(dev.nr, "loop/offset", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "4096");
	sysfs_attr(dev.nr, "loop/sizelimit", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1048576");
	sysfs_attr(dev.nr, "size", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "2048");
	ATF_REQUIRE_EQ(loop_detach(&dev, 0, &res), 0);
}

ROOT_TC(read_only_file, "a file that cannot be written is bound read-only")
ATF_TC_BODY(read_only_file, tc)
{
	struct loop_spec spec = { 0 };
	struct loop_dev dev;
	struct retry_result res;
	char file[PATH_MAX], buf[64];

	make_file("img", 8 << 20);
	abs_path("img", file);
	/* root ignores file modes: use the immutable attribute instead. */
	ATF_REQUIRE_EQ(system("chattr +i img 2>/dev/null"), 0);
	attach(file, &spec, &dev);
	ATF_CHECK(dev.read_only);
	sysfs_attr(dev.nr, "ro", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1");
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
	system("chattr -i img");
}

ROOT_TC(autoclear_on_release, "with autoclear, the last close detaches")
ATF_TC_BODY(autoclear_on_release, tc)
{
	struct loop_spec spec = { .autoclear = true };
	struct loop_dev dev;
	char file[PATH_MAX], buf[PATH_MAX];
	int r = 0;

	make_file("img", 8 << 20);
	abs_path("img", file);
	attach(file, &spec, &dev);
	sysfs_attr(dev.nr, "loop/autoclear", buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1");
	loop_release(&dev);
	/* The kernel may clear from a work item: allow it two seconds. */
	for (int i = 0; i < 200; i++) {
		r = loop_backing_file(dev.nr, buf, sizeof(buf));
		if (r == -ENXIO)
			break;
		usleep(10000);
	}
	ATF_CHECK_EQ(r, -ENXIO);
}

ROOT_TC(detach_refuses_rebound, "a device rebound by someone else is never cleared")
ATF_TC_BODY(detach_refuses_rebound, tc)
{
	struct loop_spec spec = { 0 };
	struct loop_dev dev;
	struct retry_result res;
	char a[PATH_MAX], b[PATH_MAX], buf[PATH_MAX], cmd[PATH_MAX * 2];

	make_file("a.img", 8 << 20);
	make_file("b.img", 8 << 20);
	abs_path("a.img", a);
	abs_path("b.img", b);
	attach(a, &spec, &dev);
	loop_release(&dev);
	/* Someone else: clear it and bind another file to the same device. */
	snprintf(cmd, sizeof(cmd), "losetup -d %s && losetup %s %s", dev.path, dev.path, b);
	ATF_REQUIRE_EQ(system(cmd), 0);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), -ESTALE);
	ATF_REQUIRE_EQ(loop_backing_file(dev.nr, buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, b);
	snprintf(cmd, sizeof(cmd), "losetup -d %s", dev.path);
	system(cmd);
}

ROOT_TC(probe_and_mount, "libblkid finds the label; libmount mounts it")
ATF_TC_BODY(probe_and_mount, tc)
{
	struct loop_spec spec = { 0 };
	struct loop_dev dev;
	struct probe_info pi;
	struct retry_result res;
	char file[PATH_MAX], fstype[32], why[256];
	struct mount_req req = { .target = "mnt", .read_only = true };

	make_ext4("fs.img", "blkasm-t1");
	abs_path("fs.img", file);
	attach(file, &spec, &dev);
	ATF_REQUIRE_EQ(probe_device(dev.path, &pi), 0);
	ATF_CHECK_STREQ(pi.type, "ext4");
	ATF_CHECK_STREQ(pi.label, "blkasm-t1");
	ATF_CHECK_EQ(strlen(pi.uuid), 36);
	ATF_REQUIRE_EQ(mkdir("mnt", 0755), 0);
	req.source = dev.path;
	ATF_REQUIRE_EQ_MSG(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)), 0,
			   "%s", why);
	ATF_CHECK_STREQ(fstype, "ext4");
	ATF_CHECK(mount_is_mountpoint("mnt"));
	ATF_CHECK_EQ(umount("mnt"), 0);
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
}

ROOT_TC(mount_wrong_type, "a wrong filesystem type fails with libmount's reason")
ATF_TC_BODY(mount_wrong_type, tc)
{
	struct loop_spec spec = { 0 };
	struct loop_dev dev;
	struct retry_result res;
	char file[PATH_MAX], fstype[32], why[256];
	struct mount_req req = { .target = "mnt", .fstype = "vfat", .read_only = true };

	make_ext4("fs.img", "blkasm-t2");
	abs_path("fs.img", file);
	attach(file, &spec, &dev);
	ATF_REQUIRE_EQ(mkdir("mnt", 0755), 0);
	req.source = dev.path;
	ATF_CHECK(mount_fs(&req, fstype, sizeof(fstype), why, sizeof(why)) < 0);
	ATF_CHECK_MSG(why[0] != '\0', "no reason given");
	ATF_CHECK(!mount_is_mountpoint("mnt"));
	ATF_CHECK_EQ(loop_detach(&dev, 0, &res), 0);
}

struct late {
	char file[PATH_MAX];
	struct loop_dev dev;
};

static void *attach_late(void *arg)
{
	struct late *l = arg;
	struct loop_spec spec = { .file = l->file };
	struct retry_result res;

	usleep(300 * 1000);
	loop_attach(&spec, &l->dev, 0, &res);
	return NULL;
}

ROOT_TC(wait_for_label, "a device that appears later is found through its uevent")
ATF_TC_BODY(wait_for_label, tc)
{
	struct late l;
	struct devspec ds;
	struct retry_result res;
	const char *why;
	char path[64];
	pthread_t t;
	uint64_t t0;
	int r;

	make_ext4("late.img", "blkasm-late");
	abs_path("late.img", l.file);
	ATF_REQUIRE_EQ(devspec_parse("LABEL=blkasm-late", &ds, &why), 0);
	t0 = sys_now_ms();
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, attach_late, &l), 0);
	r = devwait_block(&ds, t0 + 20000, path, sizeof(path));
	pthread_join(t, NULL);
	ATF_REQUIRE_MSG(r == 0, "devwait_block: %s", strerror(-r));
	ATF_CHECK_STREQ(path, l.dev.path);
	ATF_CHECK_EQ(loop_detach(&l.dev, 0, &res), 0);
}

ROOT_TC(wait_times_out, "a device that never appears ends the wait at the deadline")
ATF_TC_BODY(wait_times_out, tc)
{
	struct devspec ds;
	const char *why;
	char path[64];
	uint64_t t0, spent;

	ATF_REQUIRE_EQ(devspec_parse("LABEL=blkasm-never-there", &ds, &why), 0);
	t0 = sys_now_ms();
	ATF_CHECK_EQ(devwait_block(&ds, t0 + 500, path, sizeof(path)), -ETIMEDOUT);
	spent = sys_now_ms() - t0;
	ATF_CHECK_MSG(spent >= 500 && spent < 5000, "waited %llu ms", (unsigned long long)spent);
}

ROOT_TC(ambiguous_label, "a label two devices carry is refused, not guessed")
ATF_TC_BODY(ambiguous_label, tc)
{
	struct loop_spec spec = { .read_only = true };
	struct loop_dev one, two;
	struct retry_result res;
	struct devspec ds;
	const char *why;
	char file[PATH_MAX], names[128], want[64];

	make_ext4("twin.img", "blkasm-twin");
	abs_path("twin.img", file);
	attach(file, &spec, &one);
	attach(file, &spec, &two);
	ATF_REQUIRE_EQ(devspec_parse("LABEL=blkasm-twin", &ds, &why), 0);
	ATF_CHECK_EQ(devwait_block(&ds, sys_now_ms() + 2000, names, sizeof(names)), -ENOTUNIQ);
	snprintf(want, sizeof(want), "loop%d", one.nr);
	ATF_CHECK_MSG(strstr(names, want), "'%s' lacks %s", names, want);
	snprintf(want, sizeof(want), "loop%d", two.nr);
	ATF_CHECK_MSG(strstr(names, want), "'%s' lacks %s", names, want);
	ATF_CHECK_EQ(loop_detach(&two, 0, &res), 0);
	ATF_CHECK_EQ(devwait_block(&ds, sys_now_ms() + 2000, names, sizeof(names)), 0);
	ATF_CHECK_STREQ(names, one.path);
	ATF_CHECK_EQ(loop_detach(&one, 0, &res), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, attach_detach);
	ATF_TP_ADD_TC(tp, attach_options);
	ATF_TP_ADD_TC(tp, read_only_file);
	ATF_TP_ADD_TC(tp, autoclear_on_release);
	ATF_TP_ADD_TC(tp, detach_refuses_rebound);
	ATF_TP_ADD_TC(tp, probe_and_mount);
	ATF_TP_ADD_TC(tp, mount_wrong_type);
	ATF_TP_ADD_TC(tp, wait_for_label);
	ATF_TP_ADD_TC(tp, wait_times_out);
	ATF_TP_ADD_TC(tp, ambiguous_label);
	return atf_no_error();
}
