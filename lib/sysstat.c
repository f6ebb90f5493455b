/* SPDX-License-Identifier: MIT */
/*
 * Time spent inside the kernel operations that assemble storage, for the
 * boot benchmark's "distance from the physical limit": blkasm's whole
 * /init-to-ready time against the sum of these calls' durations.
 */
#include "sys.h"

static uint64_t op_ns[SYS_OP_KINDS], op_count[SYS_OP_KINDS];

void sys_op_account(enum sys_op_kind kind, uint64_t ns)
{
	__atomic_fetch_add(&op_ns[kind], ns, __ATOMIC_RELAXED);
	__atomic_fetch_add(&op_count[kind], 1, __ATOMIC_RELAXED);
}

void sys_op_totals(uint64_t ns[SYS_OP_KINDS], uint64_t count[SYS_OP_KINDS])
{
	for (int k = 0; k < SYS_OP_KINDS; k++) {
		ns[k] = __atomic_load_n(&op_ns[k], __ATOMIC_RELAXED);
		count[k] = __atomic_load_n(&op_count[k], __ATOMIC_RELAXED);
	}
}

const char *sys_op_name(enum sys_op_kind kind)
{
	static const char *const names[SYS_OP_KINDS] = {
		[SYS_OP_IOCTL] = "ioctl", [SYS_OP_MOUNT] = "mount",
		[SYS_OP_MODULE] = "module", [SYS_OP_SYSFS] = "sysfs",
	};

	return names[kind];
}
