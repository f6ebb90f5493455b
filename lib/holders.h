/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_HOLDERS_H
#define BLKASM_HOLDERS_H

#include <stddef.h>

/*
 * Who uses a block device, for diagnoses and status: devices stacked on it
 * (sysfs holders/), its mount points, and processes that have it open
 * ("pid 312 prober"). Writes a blank-separated list ("" for nobody).
 * Returns the number of holders found, or -errno.
 */
int holders_describe(const char *device, char *buf, size_t size);

#endif
