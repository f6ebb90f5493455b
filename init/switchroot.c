/* SPDX-License-Identifier: MIT */
/*
 * Leaving the initramfs: move the API filesystems into the new root, free
 * the initramfs's memory by deleting its files (it cannot be unmounted),
 * make the new root "/" and exec its init. This is what the kernel
 * documentation (filesystems/ramfs-rootfs-initramfs) asks of an initramfs.
 */
#include "init.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define RAMFS_MAGIC_ 0x858458f6ul
#define TMPFS_MAGIC_ 0x01021994ul

extern char **environ;

const char *switch_root_find_init(const char *new_root, const char *wanted)
{
	/* The kernel's own fallbacks when init= is not given. */
	static const char *const fallbacks[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
	char path[512];

	if (wanted && *wanted) {
		snprintf(path, sizeof(path), "%s%s", new_root, wanted);
		return sys_access(path, X_OK) == 0 ? wanted : NULL;
	}
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", new_root, fallbacks[i]);
		if (sys_access(path, X_OK) == 0)
			return fallbacks[i];
	}
	return NULL;
}

struct wipe {
	dev_t dev;
	char path[4096];
};

static int wipe_entry(const char *name, unsigned char type, void *ctx);

/* Deletes everything below w->path on the initramfs, not crossing mounts. */
static void wipe_dir(struct wipe *w)
{
	sys_listdir(w->path, wipe_entry, w);
}

static int wipe_entry(const char *name, unsigned char type, void *ctx)
{
	struct wipe *w = ctx;
	size_t len = strlen(w->path);
	struct stat st;

	(void)type;
	if (len + strlen(name) + 2 >= sizeof(w->path))
		return 0;
	snprintf(w->path + len, sizeof(w->path) - len, "%s%s",
		 w->path[len - 1] == '/' ? "" : "/", name);
	if (sys_lstat(w->path, &st) == 0 && st.st_dev == w->dev) {
		if (S_ISDIR(st.st_mode)) {
			wipe_dir(w);
			sys_rmdir(w->path);
		} else {
			sys_unlinkat(AT_FDCWD, w->path, 0);
		}
	}
	w->path[len] = '\0';
	return 0;
}

static void move_api_mounts(const char *new_root)
{
	static const char *const api[] = { "/dev", "/proc", "/sys", "/run" };
	char target[512];

	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		snprintf(target, sizeof(target), "%s%s", new_root, api[i]);
		if (sys_mount(api[i], target, NULL, MS_MOVE, NULL) < 0) {
			log_warn("%s has no %s: unmounting it instead", new_root, api[i]);
			sys_umount(api[i], MNT_DETACH);
		}
	}
}

int switch_root(const char *new_root, const char *init, char **argv)
{
	struct wipe w = { .path = "/" };
	unsigned long magic = 0;
	struct stat root, nr;
	int r;

	/* Deleting "/" is only ever right on an initramfs. */
	if (sys_fs_magic("/", &magic) < 0 || (magic != RAMFS_MAGIC_ && magic != TMPFS_MAGIC_)) {
		log_err("switch_root: / is not an initramfs (filesystem magic %#lx)", magic);
		return -EPERM;
	}
	if (sys_stat("/", &root) < 0 || sys_stat(new_root, &nr) < 0 || root.st_dev == nr.st_dev) {
		log_err("switch_root: %s is not a mounted filesystem", new_root);
		return -EINVAL;
	}
	move_api_mounts(new_root);
	r = sys_chdir(new_root);
	if (r < 0)
		return r;
	w.dev = root.st_dev;
	wipe_dir(&w);
	r = sys_mount(".", "/", NULL, MS_MOVE, NULL);
	if (r == 0)
		r = sys_chroot(".");
	if (r == 0)
		r = sys_chdir("/");
	if (r == 0)
		r = sys_execve(init, argv, environ);
	/* Nothing to go back to: the initramfs is gone. */
	log_err("switch_root: cannot start %s: %s", init, strerror(-r));
	return r;
}
