/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_TABLE_H
#define BLKASM_TABLE_H

#include "driver.h"

/* Every node kind blkasm has, NULL-terminated: what init hands the plan. */
extern const struct driver *const driver_table[];

#endif
