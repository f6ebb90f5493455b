/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_KERNEL_H
#define BLKASM_FAKE_KERNEL_H

/*
 * A coherent fake kernel behind the fake seam, for tests that run a whole
 * plan (fault_sweep_test.c): loop devices, md arrays and mounts that
 * react to the calls as Linux 6.1 does, beside the device-mapper model of
 * fake_dm.c. Off after fake_reset(); per-test scripting (fake_sys.h)
 * keeps working for everything the models do not answer.
 *
 * Once enabled (loop, md_mod and dm_mod loaded: new_array,
 * /sys/class/misc/device-mapper/dev and /dev/mapper/control are there):
 * - loop (fake_loopdev.c): /dev/loop-control and FAKE_LOOPS devices
 *   loop0.. (major 7) with their /dev nodes and sysfs (dev, size). GET_FREE
 *   answers the first unbound one; LOOP_CONFIGURE binds the regular file
 *   behind cfg.fd (EBUSY when bound) and makes /sys/block/loopN/loop/...
 *   (backing_file, offset, sizelimit, autoclear, partscan, dio) and ro;
 *   LOOP_GET_STATUS64 (ENXIO unbound); LOOP_CLR_FD (ENXIO unbound) unbinds
 *   at once, or, while others hold the device (other fds, an md array, a
 *   dm table, a mount), sets autoclear and unbinds at the last release, as
 *   loop_clr_fd() does. Reads and writes of a bound node go to the backing
 *   file at its offset; BLKGETSIZE64 is the bound size.
 * - md (fake_mddev.c): writes to new_array ("mdN": EEXIST when it
 *   exists) make the array object (/sys/block/mdN/md/..., /sys/class/block/
 *   mdN/dev, /dev/mdN); metadata_version, new_dev (the member's version-1.2
 *   superblock is read and must match the others: EINVAL; a member of
 *   another array: EBUSY) and array_state ("active", "readonly": running,
 *   /dev/mdN sized from the superblock; "clear": stopped and the object
 *   freed at once, EBUSY while held open, by a dm table or a mount).
 * - mounts: sys_mount/sys_umount keep a table shown in
 *   /proc/self/mountinfo (EBUSY for a busy umount, EINVAL when nothing is
 *   mounted there); a mounted device is held.
 * - modules: finit_module of NAME.ko makes /sys/module/NAME (EEXIST when
 *   there).
 * - regular files (not under /sys or /proc) are written for real: sys_write
 *   writes at the fd's position, O_TRUNC empties; symlinks exist (stat
 *   follows them, lstat does not).
 * - device-mapper: a device whose table names another device holds it
 *   (DEV_REMOVE of a held one: EBUSY).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FAKE_LOOPS 8
#define FAKE_LOOPS_MAX 128

/* Before fake_kernel_enable: n loop devices instead of FAKE_LOOPS. */
void fake_loop_devices(unsigned int n);

void fake_kernel_enable(void);

/*
 * The kernel's state and the files, as text to compare: every file, node
 * and link (not folders) outside the prefixes in skip (NULL-terminated),
 * with a hash of its content; loop bindings, md arrays, dm devices with
 * their tables, mounts. Valid until the next call.
 */
const char *fake_kernel_state(const char *const *skip);

#endif
