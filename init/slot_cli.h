/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_SLOT_CLI_H
#define BLKASM_SLOT_CLI_H

/* Shared by blkasm slot's commands (init/slot_cli.c, init/slot_snap.c). */
#include "cli.h"
#include "slot_state.h"

#include <stdbool.h>

struct slot_args {
	const char *sub;
	const char *state;
	const char *tries;
	bool json;
	const char *names[SLOT_MAX + 1];
	unsigned int nnames;
};

/* "blkasm slot SUB: " and the message on stderr; returns 1. */
int slot_bad(const char *sub, const char *fmt, const char *arg);
/* Reads the state at a->state; 0, or -errno after a message. */
int slot_load(const struct slot_args *a, struct slot_state *s, struct slot_read_report *rep);
/* Loads the state and finds the slot named (or, booted_ok, the booted one). 0 or 1. */
int slot_target(const struct slot_args *a, struct slot_state *s, struct slot_read_report *rep,
		bool booted_ok, unsigned int *i);
/* Writes new over old's place and says what changed. 0 or 1. */
int slot_commit(const struct slot_args *a, const struct slot_state *old, struct slot_state *new,
		struct slot_read_report *rep);
/* blkasm slot snapshot NAME, blkasm slot delete NAME (init/slot_snap.c). 0 or 1. */
int slot_snap(const struct cli *c, const struct slot_args *a);

#endif
