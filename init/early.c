/* SPDX-License-Identifier: MIT */
/* The mounts every initramfs needs before anything else can look around. */
#include "init.h"
#include "file.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

static const struct {
	const char *type, *target, *options;
	unsigned long flags;
} early[] = {
	{ "proc", "/proc", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ "sysfs", "/sys", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC },
	/* Debian's kernels have devtmpfs but do not mount it for an initramfs. */
	{ "devtmpfs", "/dev", "mode=0755", MS_NOSUID },
	{ "tmpfs", "/run", "mode=0755", MS_NOSUID | MS_NODEV },
};

int early_mounts(void)
{
	int r;

	for (size_t i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		sys_mkdir(early[i].target, 0755);
		r = sys_mount(early[i].type, early[i].target, early[i].type,
			      early[i].flags, early[i].options);
		if (r < 0 && r != -EBUSY) {
			log_err("cannot mount %s on %s: %s", early[i].type,
				early[i].target, strerror(-r));
			return r;
		}
	}
	return 0;
}

/*
 * The kernel opens /dev/console for init only when the initramfs has that
 * node; ours need not, so open it now that devtmpfs is there.
 */
void early_console(void)
{
	struct stat st;
	int fd;

	if (sys_fstat(0, &st) == 0 && sys_fstat(1, &st) == 0 && sys_fstat(2, &st) == 0)
		return;
	fd = sys_open("/dev/console", O_RDWR | O_NOCTTY, 0);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		sys_dup2(fd, i);
	if (fd > 2)
		sys_close(fd);
}
