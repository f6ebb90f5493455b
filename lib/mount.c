/* SPDX-License-Identifier: MIT */
#include "mount.h"
#include "sys.h"

#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

static int setup(struct libmnt_context *cxt, const struct mount_req *req)
{
	int r;

	r = mnt_context_set_source(cxt, req->source);
	if (r == 0)
		r = mnt_context_set_target(cxt, req->target);
	if (r == 0 && req->fstype && *req->fstype)
		r = mnt_context_set_fstype(cxt, req->fstype);
	if (r == 0 && req->options && *req->options)
		r = mnt_context_set_options(cxt, req->options);
	if (r == 0 && req->read_only)
		r = mnt_context_set_mflags(cxt, MS_RDONLY);
	/* No /sbin/mount.* helpers in an initramfs, no fstab lookups. */
	if (r == 0)
		r = mnt_context_disable_helpers(cxt, 1);
	if (r == 0)
		r = mnt_context_disable_mtab(cxt, 1);
	return r < 0 ? r : 0;
}

int mount_fs(const struct mount_req *req, char *fstype, size_t fstype_size,
	     char *why, size_t why_size)
{
	struct libmnt_context *cxt;
	int r;

	why[0] = '\0';
	cxt = mnt_new_context();
	if (!cxt)
		return -ENOMEM;
	r = setup(cxt, req);
	if (r == 0) {
		/* Accounted whole: mount(2), and libblkid's type probe without a type. */
		uint64_t t0 = sys_now_ns();

		r = mnt_context_mount(cxt);
		sys_op_account(SYS_OP_MOUNT, sys_now_ns() - t0);
	}
	if (r == 0 && mnt_context_get_status(cxt) == 1) {
		const char *t = mnt_context_get_fstype(cxt);

		snprintf(fstype, fstype_size, "%s", t ? t : "");
	} else {
		int syserr = mnt_context_get_syscall_errno(cxt);

		mnt_context_get_excode(cxt, r, why, why_size);
		r = syserr ? -syserr : r < 0 ? r : -EINVAL;
	}
	mnt_free_context(cxt);
	return r;
}

bool mount_is_mountpoint(const char *path)
{
	char parent[4096];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	if (sys_stat(path, &a) < 0 || sys_stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}
