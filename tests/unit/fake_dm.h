/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_DM_H
#define BLKASM_FAKE_DM_H

/*
 * An in-memory device-mapper behind /dev/mapper/control, for unit tests.
 * The fake seam's sys_ioctl hands it every DM_* request (fake_dev.c) on an
 * fd of that path (other paths: -ENOTTY), so fake_ioctl_push() does not
 * apply to them; fake_reset() empties it.
 *
 * It answers as drivers/md/dm-ioctl.c does (Linux 6.1): the version check
 * (major 4, minor not above its own, version written back), only one of
 * name or uuid except for DEV_CREATE, lookups by uuid, name or dev (-ENXIO
 * when none), -EBUSY for a taken name or uuid, names with '/' refused,
 * tables read from the specs DM_TABLE_LOAD carries (from data_start, each
 * "next" relative to its spec, 8-byte aligned, parameters NUL-terminated
 * inside data_size, the first target at 0, no gaps, known types), resume
 * swapping in the inactive table, status and deps written after the
 * aligned header with DM_BUFFER_FULL_FLAG when they do not fit, device
 * numbers in huge_encode_dev() form. Its devices are
 * makedev(FAKE_DM_MAJOR, n), n counting from 0 in order of creation.
 * Tables hold at most FAKE_DM_TARGETS targets; a bigger one aborts the test.
 *
 * Tests set: devices made beforehand (fake_dm_add), open counts, removes
 * that fail -EBUSY n times, the status line each target reports (also of
 * devices not made yet), a failure of the next request of one kind, a
 * least buffer size for answers. They read back: the trace of requests,
 * the bytes of the last request of each kind as passed in, the messages
 * received, the tables.
 */

#include <linux/ioctl.h>
#include <linux/dm-ioctl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define FAKE_DM_MAJOR 253
#define FAKE_DM_TARGETS 32

void fake_dm_reset(void);
/* fake_dev.c's hook: a DM_* request on an fd of path. */
int fake_dm_ioctl(const char *path, unsigned long req, void *arg);

/* A device as if made earlier (by blkasm or not); uuid NULL for none. Its dev_t. */
dev_t fake_dm_add(const char *name, const char *uuid);
void fake_dm_set_open(const char *name, int open_count);
/* The next n DM_DEV_REMOVE of the device fail -EBUSY (besides open counts). */
void fake_dm_busy_removes(const char *name, unsigned int n);
/* The status line target i of the live table reports ("" by default). */
void fake_dm_set_status(const char *name, unsigned int i, const char *line);
/*
 * The same for the devices the code under test makes (DM_DEV_CREATE) under
 * this name, each time one is made, until fake_dm_reset().
 */
void fake_dm_status_on_create(const char *name, unsigned int i, const char *line);
/* The next request of this kind fails with err (after the version check). */
void fake_dm_fail_next(unsigned long req, int err);
/* Answers with a result buffer report DM_BUFFER_FULL_FLAG below this data_size. */
void fake_dm_need(size_t data_size);
/* What DM_VERSION answers (default 4.47.0, Linux 6.1). */
void fake_dm_set_version(unsigned int major, unsigned int minor, unsigned int patch);

bool fake_dm_exists(const char *name);
bool fake_dm_suspended(const char *name);
unsigned int fake_dm_targets(const char *name, bool inactive);
/* Target i of the live or inactive table, "START LENGTH TYPE PARAMS"; NULL if none. */
const char *fake_dm_table(const char *name, bool inactive, unsigned int i);
/* Whether the live (or inactive) table was loaded with DM_READONLY_FLAG. */
bool fake_dm_table_ro(const char *name, bool inactive);

/*
 * Requests in order, each "NAME TARGET": "VERSION DEV_CREATE pool
 * TABLE_LOAD pool DEV_STATUS uuid=BLKASM-x" (the uuid when looked up by
 * it, "-" for neither). Failed requests are included.
 */
const char *fake_dm_trace(void);
/* Messages received: "pool@0 create_thin 1; pool@0 delete 1". */
const char *fake_dm_messages(void);
/* The last request of this kind as passed in (its data_size bytes); NULL if none. */
const void *fake_dm_last(unsigned long req, size_t *size);
unsigned int fake_dm_count(unsigned long req);

#endif
