/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_CLI_H
#define BLKASM_CLI_H

#include <stdbool.h>

#include "plan.h"

struct cli {
	const char *conf;	/* -c FILE, or NULL for the default */
	unsigned int jobs;	/* -j */
	unsigned int timeout_s;	/* -t */
};

#define CLI_DEFAULT_CONF "/etc/blkasm.conf"
#define CLI_DEFAULT_JOBS 4
#define CLI_DEFAULT_TIMEOUT_S 60

/* Validates p and prints its nodes in order; 0, or 1 after an error message. */
int cli_print_plan(struct plan *p);
int cli_plan(const struct cli *c, int argc, char **argv);
int cli_up(const struct cli *c, int argc, char **argv);
int cli_down(const struct cli *c, int argc, char **argv);
int cli_status(const struct cli *c, int argc, char **argv);
/* blkasm slot SUB ...: the A/B root slots' state (init/slot_cli.c). */
int cli_slot(const struct cli *c, int argc, char **argv);
/* s as a JSON string: quotes, backslashes and control characters escaped. */
void cli_json_str(const char *s);

#endif
