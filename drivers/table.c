/* SPDX-License-Identifier: MIT */
/* The node kinds a plan may use: one line per driver. */
#include "table.h"

extern const struct driver device_driver;
extern const struct driver loop_driver;
extern const struct driver md_driver;
extern const struct driver mount_driver;
extern const struct driver overlay_driver;
extern const struct driver thin_pool_driver;
extern const struct driver thin_driver;
extern const struct driver verity_driver;

const struct driver *const driver_table[] = {
	&device_driver,
	&loop_driver,
	&md_driver,
	&mount_driver,
	&overlay_driver,
	&thin_driver,
	&thin_pool_driver,
	&verity_driver,
	NULL,
};
