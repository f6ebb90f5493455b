/* SPDX-License-Identifier: MIT */
/* Shared by the kernel command line's unit tests: the parse and its error. */
#ifndef BLKASM_CMDLINE_FIXTURE_H
#define BLKASM_CMDLINE_FIXTURE_H

#include "cmdline.h"

#include <atf-c.h>

static struct boot_params bp;
static struct cmdline_error err;

/* line parses; the test stops with the column and the reason when not. */
static inline void parse_ok(const char *line)
{
	int r = cmdline_parse(line, &bp, &err);

	ATF_REQUIRE_EQ_MSG(r, 0, "'%s': %d at column %u (%s): expected %s", line, r,
			   err.column, err.param, err.expected ? err.expected : "?");
}

#endif
