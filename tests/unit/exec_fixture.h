/* SPDX-License-Identifier: MIT */
/* Shared by exec_test.c (up) and exec_down_test.c: plan setup and checks. */
#ifndef BLKASM_EXEC_FIXTURE_H
#define BLKASM_EXEC_FIXTURE_H

#include "exec.h"
#include "fake_driver.h"
#include "fake_sys.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

/* Plans start on a reset seam and recorder. */
static inline void build(struct plan *p, const char *desc)
{
	fake_reset();
	fake_plan_build(p, desc);
}

static inline void check_state(struct plan *p, const char *name, enum node_state state,
			bool created)
{
	ATF_CHECK_EQ_MSG(fake_node(p, name)->state, state, "%s: state %d", name,
			 fake_node(p, name)->state);
	ATF_CHECK_EQ_MSG(fake_node(p, name)->created, created, "%s: created", name);
}

#endif
