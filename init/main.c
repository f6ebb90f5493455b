/* SPDX-License-Identifier: MIT */
#include "table.h"
#include "init.h"
#include "cli.h"
#include "file.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BLKASM_VERSION
#define BLKASM_VERSION "0.1"
#endif

static int usage(FILE *out)
{
	fprintf(out,
		"usage: blkasm [-c FILE] [-j JOBS] [-t SECONDS] COMMAND [ARGS]\n"
		"  plan [--dot]            validate the plan and print its nodes in order\n"
		"                          (--dot: the graph for Graphviz); touches nothing\n"
		"  plan --cmdline TEXT     what the boot would run for a kernel command line\n"
		"                          (with -c: that plan's nodes too)\n"
		"  up [NODE...]            bring nodes (and what they need) up; nodes that\n"
		"                          are up already are adopted, never made twice\n"
		"  down [NODE...]          take nodes (and what needs them) down, only\n"
		"                          those blkasm made\n"
		"  status [--json]         state, device and holders of every node\n"
		"  version                 print the version\n"
		"options:\n"
		"  -c FILE     the plan (default %s)\n"
		"  -j JOBS     independent nodes brought up at once (default %u)\n"
		"  -t SECONDS  deadline for the whole command (default %u)\n"
		"As process 1 (in an initramfs) it boots: see blkasm(8).\n",
		CLI_DEFAULT_CONF, CLI_DEFAULT_JOBS, CLI_DEFAULT_TIMEOUT_S);
	return out == stderr ? 2 : 0;
}

/* What the boot would run: the plan file given with -c, plus the root. */
static int cmd_plan_cmdline(const struct cli *c, const char *text)
{
	struct boot_params bp;
	struct cmdline_error cerr;
	struct plan_error err;
	struct plan p;
	char msg[1024];
	int r;

	if (cmdline_parse(text, &bp, &cerr) < 0) {
		log_err("kernel command line, column %u (%s): expected %s",
			cerr.column, cerr.param, cerr.expected);
		return 1;
	}
	if (c->conf)
		r = plan_load(&p, driver_table, c->conf, &err);
	else
		plan_init(&p, "kernel command line", driver_table), r = 0;
	if (r == 0 && rootplan_add(&p, &bp) == -ENODEV) {
		log_err("kernel command line: no root= given: nothing to assemble");
		plan_free(&p);
		return 1;
	}
	if (r == 0)
		r = plan_validate(&p, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", plan_error_str(&err, msg, sizeof(msg)));
		plan_free(&p);
		return 1;
	}
	r = cli_print_plan(&p);
	if (r == 0)
		printf("then switch_root to %s running %s (boot deadline %u s)\n", NEW_ROOT,
		       bp.init[0] ? bp.init : "/sbin/init", bp.timeout_s);
	if (r == 0 && bp.brk != BREAK_NONE)
		printf("with a shell at break point %s\n", cmdline_break_name(bp.brk));
	plan_free(&p);
	return r;
}

static int cmd_plan(const struct cli *c, int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--cmdline"))
		return cmd_plan_cmdline(c, argv[2]);
	return cli_plan(c, argc, argv);
}

static bool number(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

static int options(int argc, char **argv, struct cli *c)
{
	int opt;

	while ((opt = getopt(argc, argv, "+c:j:t:h")) != -1) {
		switch (opt) {
		case 'c':
			c->conf = optarg;
			break;
		case 'j':
			if (!number(optarg, 64, &c->jobs))
				return -1;
			break;
		case 't':
			if (!number(optarg, 86400, &c->timeout_s))
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct cli c = { .jobs = CLI_DEFAULT_JOBS, .timeout_s = CLI_DEFAULT_TIMEOUT_S };
	int first, r = 2;

	if (getpid() == 1)
		return boot_main(argc, argv);
	log_setup(LOG_TO_STDERR, false);
	first = options(argc, argv, &c);
	if (first < 0 || first >= argc)
		return usage(stderr);
	argc -= first;
	argv += first;
	if (!strcmp(argv[0], "plan"))
		r = cmd_plan(&c, argc, argv);
	else if (!strcmp(argv[0], "up"))
		r = cli_up(&c, argc, argv);
	else if (!strcmp(argv[0], "down"))
		r = cli_down(&c, argc, argv);
	else if (!strcmp(argv[0], "status"))
		r = cli_status(&c, argc, argv);
	else if (!strcmp(argv[0], "version") || !strcmp(argv[0], "--version")) {
		printf("blkasm %s\n", BLKASM_VERSION);
		return 0;
	} else if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help"))
		return usage(stdout);
	else
		fprintf(stderr, "blkasm: unknown command '%s'\n", argv[0]);
	return r == 2 ? usage(stderr) : r;
}
