/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_DM_H
#define BLKASM_DM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Device-mapper through its ioctl interface (/dev/mapper/control,
 * include/uapi/linux/dm-ioctl.h), no libdevmapper: one helper fills the
 * dm_ioctl header, each operation is one ioctl, and tables are packed and
 * unpacked by pure functions (dm_table.c) so they are unit-tested and
 * fuzzed. No udev: blkasm makes /dev/mapper/NAME itself.
 *
 * Every device blkasm makes carries a DM UUID starting with DM_UUID_PREFIX
 * (and a name the plan chose); dm_remove refuses a device without it, so
 * blkasm never removes a device it did not create.
 */

#define DM_UUID_PREFIX "BLKASM-"
#define DM_TYPE_MAX 16		/* DM_MAX_TYPE_NAME */
#define DM_PARAMS_MAX 1024
#define DM_NAME_MAX 128		/* DM_NAME_LEN, with the NUL */
#define DM_UUID_MAX 129		/* DM_UUID_LEN, with the NUL */

struct dm_target {
	uint64_t start;		/* sectors */
	uint64_t length;	/* sectors */
	char type[DM_TYPE_MAX];	/* "thin-pool", "thin", "linear", "error", "flakey" */
	char params[DM_PARAMS_MAX];	/* table line, or status line when read back */
};

struct dm_info {
	bool exists;
	bool suspended;
	bool read_only;
	bool live_table, inactive_table;
	int open_count;
	uint32_t target_count;
	uint32_t event_nr;
	dev_t dev;
	char name[DM_NAME_MAX];
	char uuid[DM_UUID_MAX];
};

/* ---- pure (dm_table.c) ---- */

/*
 * Packs targets as DM_TABLE_LOAD wants them after the dm_ioctl header:
 * each struct dm_target_spec followed by its NUL-terminated parameters,
 * padded to 8 bytes, "next" the offset from this spec to the next.
 * Returns the bytes written, or -ENOSPC / -EINVAL (no targets, type empty
 * or too long, the first target not at sector 0 or one starting where the
 * previous one does not end, length 0, parameters not terminated).
 */
int dm_table_pack(const struct dm_target *t, unsigned int n, void *buf, size_t size);

/*
 * Unpacks what DM_TABLE_STATUS returns (count specs from buf, where each
 * spec's "next" is the offset from the start of buf). Untrusted: bounded
 * by len. Returns the number of targets read (at most max), or -EINVAL.
 */
int dm_table_unpack(const void *buf, size_t len, unsigned int count,
		    struct dm_target *t, unsigned int max);

/*
 * Whether a name is one dm takes: 1..127 bytes, no '/', not "." or "..",
 * nor "control" (/dev/mapper/control; kernels since mid-2023 refuse all three).
 */
bool dm_name_ok(const char *name);

/* ---- the kernel (dm.c) ---- */

/*
 * Each call opens /dev/mapper/control (making it and /dev/mapper from
 * /sys/class/misc/device-mapper/dev when missing: -ENODEV when dm-mod is
 * not loaded). An answer the kernel got wrong gives -EPROTO.
 */

/* The interface version (major 4 needed). Returns 0 or -errno. */
int dm_version(unsigned int v[3]);

/* DM_DEV_STATUS by name: info->exists false (and 0) when there is none. */
int dm_info(const char *name, struct dm_info *info);

/* A device by DM UUID. Returns 1 with info filled, 0 none, -errno. */
int dm_find_uuid(const char *uuid, struct dm_info *info);

/* DM_DEV_CREATE: a device with no table yet. -EEXIST when the name or uuid is taken. */
int dm_create(const char *name, const char *uuid, struct dm_info *info);

/* DM_TABLE_LOAD into the inactive slot. */
int dm_load(const char *name, const struct dm_target *t, unsigned int n, bool read_only);

/* DM_DEV_SUSPEND: resume makes the loaded table live. */
int dm_suspend(const char *name);
int dm_resume(const char *name);

/*
 * One DM_DEV_REMOVE attempt. -EBUSY while the device is open (retried by
 * the caller under the policy); -EPERM when its UUID lacks DM_UUID_PREFIX;
 * -ENXIO when there is no such device.
 */
int dm_remove_once(const char *name);

/* DM_TARGET_MSG to the target at sector (0 for a one-target table). */
int dm_message(const char *name, uint64_t sector, const char *msg);

/*
 * DM_TABLE_STATUS: the live table's status lines (table false) or table
 * lines (table true). Returns the number of targets, or -errno (-ENOSPC
 * when there are more than max).
 */
int dm_status(const char *name, bool table, struct dm_target *t, unsigned int max);

/* DM_TABLE_DEPS: the devices the live table uses. Returns the count or -errno
 * (-ENOSPC when there are more than max). */
int dm_deps(const char *name, dev_t *devs, unsigned int max);

/*
 * /dev/mapper/NAME as a block node of dev (no udev to make it); an
 * existing node of another device is replaced. dm_unlink_node removes it
 * (a node or link; none there is no error): 0 or -errno, so that a node
 * that stays is known.
 */
int dm_make_node(const char *name, dev_t dev);
int dm_unlink_node(const char *name);

#endif
