/* SPDX-License-Identifier: MIT */
#include "init.h"
#include "file.h"
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef BLKASM_VERSION
#define BLKASM_VERSION "0.1"
#endif

static int usage(FILE *out)
{
	fprintf(out,
		"usage: blkasm COMMAND\n"
		"  plan [--cmdline TEXT]  print how the root would be assembled from a\n"
		"                         kernel command line (default /proc/cmdline);\n"
		"                         touches nothing\n"
		"  version                print the version\n"
		"As process 1 (in an initramfs) it boots: see blkasm(8).\n");
	return out == stderr ? 2 : 0;
}

static int cmd_plan(int argc, char **argv)
{
	struct boot_params bp;
	struct boot_plan plan;
	struct cmdline_error err;
	char line[4096];
	const char *text = line;

	if (argc == 3 && !strcmp(argv[1], "--cmdline"))
		text = argv[2];
	else if (argc != 1)
		return usage(stderr);
	else if (file_read("/proc/cmdline", line, sizeof(line)) < 0) {
		log_err("cannot read /proc/cmdline");
		return 1;
	}
	if (cmdline_parse(text, &bp, &err) < 0) {
		log_err("kernel command line, column %u (%s): expected %s",
			err.column, err.param, err.expected);
		return 1;
	}
	if (bootplan_build(&bp, &plan) < 0) {
		log_err("kernel command line: no root= given: nothing to assemble");
		return 1;
	}
	bootplan_print(&plan, &bp);
	return 0;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		return boot_main(argc, argv);
	log_setup(LOG_TO_STDERR, false);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "plan"))
		return cmd_plan(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("blkasm %s\n", BLKASM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	fprintf(stderr, "blkasm: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
