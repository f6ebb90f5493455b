/* SPDX-License-Identifier: MIT */
/*
 * The fake seam's mounts and root: sys_mount and sys_umount, traced,
 * failed as scripted, handed to the fake kernel when it is on, with the
 * data and flags of each mount kept for tests (fake_mount_data,
 * fake_mount_flags); sys_chdir and sys_chroot (switch_root's), traced.
 */
#include "fake_internal.h"

int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data)
{
	int r = fake_call(FC_MOUNT, target, NULL);

	if (!r)
		r = fake_failure(FAKE_MOUNT, target);
	fake_sb_printf(&fake.trace, "mount %s %s %s", src ? src : "-", target,
		       type ? type : "-");
	fake_sb_printf(&fake.mount_data, "%s", data ? (const char *)data : "-");
	fake_sb_printf(&fake.mount_flags, "%#lx", flags);
	if (!r && fake_kernel_on())
		r = fake_kernel_mount(src, target, type, flags);
	return r;
}

const char *fake_mount_data(void)
{
	return fake_sb_str(&fake.mount_data);
}

const char *fake_mount_flags(void)
{
	return fake_sb_str(&fake.mount_flags);
}

int sys_umount(const char *target, int flags)
{
	int r = fake_call(FC_UMOUNT, target, NULL);

	fake_sb_printf(&fake.trace, "umount %s", target);
	if (!r && fake_kernel_on())
		r = fake_kernel_umount(target, flags);
	return r;
}

int sys_chdir(const char *path)
{
	fake_sb_printf(&fake.trace, "chdir %s", path);
	return fake_call(FC_CHDIR, path, NULL);
}

int sys_chroot(const char *path)
{
	fake_sb_printf(&fake.trace, "chroot %s", path);
	return fake_call(FC_CHROOT, path, NULL);
}
