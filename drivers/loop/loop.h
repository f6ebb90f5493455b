/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_LOOP_H
#define BLKASM_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct retry_result;

struct loop_spec {
	const char *file;	/* backing file */
	uint64_t offset;	/* bytes into the file */
	uint64_t sizelimit;	/* bytes, 0 for the rest of the file */
	unsigned int block_size;	/* logical sector size, 0 for 512 */
	bool read_only;
	bool direct_io;
	bool part_scan;
	bool autoclear;		/* detach on last close (as mount -o loop) */
};

struct loop_dev {
	int nr;
	char path[32];		/* /dev/loopN */
	int fd;			/* held open until loop_release() */
	bool read_only;		/* as bound: a read-only file forces it */
	bool autoclear;		/* as bound (loop_find_bound reads it) */
	dev_t backing_dev;	/* identity of the backing file, to never */
	ino_t backing_ino;	/* clear a device someone else rebound */
};

/*
 * Binds a free loop device to spec->file: LOOP_CTL_GET_FREE, then
 * LOOP_CONFIGURE, falling back to LOOP_SET_FD + LOOP_SET_STATUS64 on
 * kernels without it. A free device taken by another process in between
 * (EBUSY) is retried under RETRY_DEVICE_BUSY. The device stays open in
 * dev->fd: with autoclear, the last close detaches it, so keep it open
 * until something else (a mount) holds the device. until_ms: the run's
 * deadline for the retries (absolute; 0 for none), as for loop_detach.
 * Returns: 0, or -errno with res describing the attempts.
 */
int loop_attach(const struct loop_spec *spec, struct loop_dev *dev, uint64_t until_ms,
		struct retry_result *res);

/* Closes dev->fd. */
void loop_release(struct loop_dev *dev);

/*
 * Unbinds a device this run bound (checked against the backing file's
 * identity), and waits, driven by uevents and bounded by the policy and
 * until_ms (absolute; 0 for none), until the kernel has let go of it (a
 * clear is deferred while it is open).
 * Returns: 0, -ESTALE if the device is bound to something else now, or
 * -EBUSY with res set when it is still held at the limit.
 */
int loop_detach(struct loop_dev *dev, uint64_t until_ms, struct retry_result *res);

/*
 * After binding with part_scan: makes sure the kernel has a device for each
 * of the `expected` partitions. The kernel's own scan at bind time fails
 * with EBUSY while another process holds a partition open (udev probing);
 * then the table is read again (BLKRRPART) under RETRY_DEVICE_BUSY. Waits,
 * driven by uevents, until the partitions exist or deadline_ms (absolute).
 * Returns 0, -ETIMEDOUT, or -errno; res describes the rescan attempts.
 */
int loop_wait_partitions(const struct loop_dev *dev, unsigned int expected,
			 uint64_t deadline_ms, struct retry_result *res);

/* How many partition devices (loopNpK) the kernel has for /dev/loopN. */
int loop_partitions_present(int nr);

/*
 * Finds a loop device already bound to spec->file (same inode) at the same
 * offset, from sysfs only: opening a device to ask it could end an
 * autoclear binding. /dev/loop<hint> is looked at first (-1: no hint).
 * Returns 1 and fills dev (fd -1), 0 if none, or -errno.
 */
int loop_find_bound(const struct loop_spec *spec, int hint, struct loop_dev *dev);

/*
 * The bindings of every loop device as sysfs shows them at one moment
 * (file identity and offset), so that a run with many loop nodes looks at
 * every device once, not once per node. A run keeps it up to date with
 * the bindings it makes (loop_snap_add); others made since are not in it.
 */
struct loop_snap;

/* Returns 0 with *out set, or -errno (listing /sys/block, memory). */
int loop_snap_take(struct loop_snap **out);
/* A binding made since the snapshot. Returns 0 or -ENOMEM. */
int loop_snap_add(struct loop_snap *s, const struct loop_dev *d, uint64_t offset);
/* Frees a struct loop_snap (void *: a run_share drop function). */
void loop_snap_free(void *snap);

/*
 * loop_find_bound, with the devices other than the hint taken from snap:
 * each device it names is looked at again before it is taken, and when
 * one has changed since, every device is looked at as without snap.
 * snap NULL: loop_find_bound.
 */
int loop_find_bound_in(struct loop_snap *snap, const struct loop_spec *spec, int hint,
		       struct loop_dev *dev);

/* The backing file of /dev/loopN from sysfs; -ENXIO when unbound. */
int loop_backing_file(int nr, char *buf, unsigned int size);

#endif
