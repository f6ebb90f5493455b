/* SPDX-License-Identifier: MIT */
#include "mount.h"
#include "probe.h"
#include "sys.h"

#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
/* What a bind mount takes only from a second, remount call. */
#define PER_MOUNT (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
		   MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

/*
 * The options as mount(8) reads them: VFS flags (libmount's Linux map,
 * "user" and its kin as nosuid,nodev,noexec), the filesystem's own options
 * (*data, every word neither map knows: the kernel's to judge), and the
 * userspace ones (nofail, x-*, ...), which mean nothing to the kernel and
 * are dropped.
 */
static int split_options(const char *options, unsigned long *flags, char **data)
{
	int r;

	*flags = 0;
	*data = NULL;
	if (!options || !*options)
		return 0;
	r = mnt_optstr_get_flags(options, flags, mnt_get_builtin_optmap(MNT_LINUX_MAP));
	if (r == 0)
		r = mnt_split_optstr(options, NULL, NULL, data, 0, 0);
	return r < 0 ? -EINVAL : 0;
}

/* Why mount(2) refused, in a user's words. */
static void explain(int err, const struct mount_req *req, const char *type, char *why,
		    size_t size)
{
	switch (err) {
	case ENODEV:
		snprintf(why, size, "unknown filesystem type '%s' (not in this kernel)", type);
		break;
	case EINVAL:
		snprintf(why, size, "wrong filesystem type, bad option or bad superblock on %s "
			 "(type %s, options %s)", req->source, type,
			 req->options && *req->options ? req->options : "none");
		break;
	case ENOTBLK:
		snprintf(why, size, "%s is not a block device", req->source);
		break;
	case ENXIO:
		snprintf(why, size, "%s: no such device", req->source);
		break;
	case ENOENT:
		snprintf(why, size, "%s or %s does not exist", req->source, req->target);
		break;
	case EBUSY:
		snprintf(why, size, "%s is already mounted or %s is busy", req->source,
			 req->target);
		break;
	case EROFS:
	case EACCES:
		snprintf(why, size, "%s is write-protected", req->source);
		break;
	default:
		snprintf(why, size, "%s", strerror(err));
		break;
	}
}

/* The second calls: a bind mount's own flags, then the propagation. */
static int after_mount(const struct mount_req *req, unsigned long flags)
{
	int r = 0;

	if ((flags & MS_BIND) && (flags & PER_MOUNT))
		r = sys_mount("none", req->target, NULL,
			      MS_REMOUNT | MS_BIND | (flags & PER_MOUNT), NULL);
	if (r == 0 && (flags & PROPAGATION))
		r = sys_mount("none", req->target, NULL, flags & (PROPAGATION | MS_REC), NULL);
	return r < 0 ? r : 0;
}

/* One type of a list: mount(2), then what it needs besides. */
static int mount_as(const struct mount_req *req, const char *type, unsigned long flags,
		    const char *data)
{
	unsigned long first = flags & ~PROPAGATION;
	int r;

	if (!(flags & MS_BIND))
		first &= ~MS_REC;
	r = sys_mount(req->source, req->target, type, first, data);
	if (r < 0)
		return r;
	r = after_mount(req, flags);
	if (r < 0)
		sys_umount(req->target, MNT_DETACH);
	return r;
}

/* "a,b": no empty name, none longer than a type can be. */
static bool type_list_ok(const char *types)
{
	for (const char *t = types;; t++) {
		size_t len = strcspn(t, ",");

		if (!len || len >= 64)
			return false;
		t += len;
		if (!*t)
			return true;
	}
}

/* The type libblkid finds on the source, or a diagnosis. */
static int probe_type(const struct mount_req *req, char *type, size_t size, char *why,
		      size_t why_size)
{
	struct probe_info pi;
	int r = probe_device(req->source, &pi);

	if (r == -EUCLEAN) {
		snprintf(why, why_size, "%s carries signatures of more than one type: "
			 "name the filesystem type", req->source);
		return -EINVAL;
	}
	if (r < 0) {
		snprintf(why, why_size, "cannot read %s to find its filesystem type: %s",
			 req->source, strerror(-r));
		return r;
	}
	if (!pi.type[0]) {
		snprintf(why, why_size, "no filesystem signature libblkid knows on %s: "
			 "name the filesystem type", req->source);
		return -EINVAL;
	}
	snprintf(type, size, "%s", pi.type);
	return 0;
}

/* Whether a mount of req takes its type from libblkid: none named, no bind. */
static bool wants_probe(const struct mount_req *req, unsigned long flags)
{
	return (!req->fstype || !*req->fstype || !strcmp(req->fstype, "auto")) &&
	       !(flags & (MS_BIND | MS_MOVE | MS_REMOUNT));
}

int mount_probe(struct mount_req *req, char *type, size_t type_size, char *why,
		size_t why_size)
{
	unsigned long flags;
	char *data = NULL;
	int r;

	why[0] = '\0';
	if (split_options(req->options, &flags, &data) < 0)
		return 0;	/* mount_fs says why */
	free(data);
	if (!wants_probe(req, flags))
		return 0;
	r = probe_type(req, type, type_size, why, why_size);
	if (r == 0)
		req->fstype = type;
	return r;
}

int mount_fs(const struct mount_req *req, char *fstype, size_t fstype_size,
	     char *why, size_t why_size)
{
	char probed[64], one[64], *data = NULL;
	const char *types = req->fstype;
	unsigned long flags;
	int r = 0;

	why[0] = '\0';
	fstype[0] = '\0';
	if (split_options(req->options, &flags, &data) < 0) {
		snprintf(why, why_size, "cannot read the options '%s'", req->options);
		return -EINVAL;
	}
	if (req->read_only)
		flags |= MS_RDONLY;
	if ((flags & PROPAGATION) & ((flags & PROPAGATION) - 1)) {
		snprintf(why, why_size, "more than one propagation option in '%s'",
			 req->options);
		free(data);
		return -EINVAL;
	}
	if ((!types || !*types) && (flags & (MS_BIND | MS_MOVE | MS_REMOUNT))) {
		types = "none";	/* not a new filesystem: the kernel takes no type */
	} else if (wants_probe(req, flags)) {
		r = probe_type(req, probed, sizeof(probed), why, why_size);
		types = probed;
	}
	if (r == 0 && !type_list_ok(types)) {
		snprintf(why, why_size, "bad filesystem type list '%s'", types);
		r = -EINVAL;
	}
	/* "ext4,ext3": each in turn while the kernel says it is not that type. */
	for (const char *t = types; r == 0;) {
		size_t len = strcspn(t, ",");

		snprintf(one, sizeof(one), "%.*s", (int)len, t);
		r = mount_as(req, one, flags, data);
		if (r == 0) {
			snprintf(fstype, fstype_size, "%s", one);
			break;
		}
		explain(-r, req, one, why, why_size);
		t += len;
		if (!*t || (r != -EINVAL && r != -ENODEV))
			break;
		t++;
		r = 0;
	}
	free(data);
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
