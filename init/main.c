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

/* The commands, their arguments and what they do, for usage and help. */
static const struct command {
	const char *name;
	const char *args;	/* after the name, as usage shows them */
	const char *flags;	/* its own options, space separated; "=" takes a value */
	bool nodes;		/* takes NODE names */
	const char *help;
} commands[] = {
	{ "plan", "[--dot]", "--dot --cmdline=", false,
	  "validate the plan and print its nodes in order\n"
	  "(--dot: the graph for Graphviz); touches nothing" },
	{ "plan", "--cmdline TEXT", NULL, false,
	  "what the boot would run for a kernel command line:\n"
	  "the plan file (-c FILE, else blkasm.conf=), the\n"
	  "root, and the arguments init gets (after --)" },
	{ "up", "[NODE...]", "", true,
	  "bring nodes (and what they need) up; nodes that\n"
	  "are up already are adopted, never made twice" },
	{ "down", "[NODE...]", "", true,
	  "take nodes (and what needs them) down, only\n"
	  "those blkasm made" },
	{ "status", "[--json]", "--json", false, "state, device and holders of every node" },
	{ "slot", "SUB --state PATH ...", "--state= --json --tries=", true,
	  "A/B root slots: show [--json], init NAME[:PRIO[:TRIES]]...,\n"
	  "good [NAME], activate NAME [--tries N], next NAME,\n"
	  "snapshot NAME, delete NAME (thin slots: the plan's thin nodes)" },
	{ "version", "", "", false, "print the version" },
	{ "help", "[COMMAND]", "", false, "this text, or one command's" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void print_command(FILE *out, const struct command *cmd)
{
	char line[40];
	const char *h = cmd->help;

	snprintf(line, sizeof(line), "%s %s", cmd->name, cmd->args);
	while (*h) {
		size_t n = strcspn(h, "\n");

		fprintf(out, "  %-20s  %.*s\n", line, (int)n, h);
		line[0] = '\0';
		h += n + (h[n] == '\n');
	}
}

static void print_options(FILE *out)
{
	fprintf(out,
		"options (before or after the command, not after --):\n"
		"  -c FILE     the plan (default %s)\n"
		"  -j JOBS     independent nodes brought up at once (1-64, default %u)\n"
		"  -t SECONDS  deadline for the whole command (1-86400, default %u)\n"
		"  -h, --help  this text\n",
		CLI_DEFAULT_CONF, CLI_DEFAULT_JOBS, CLI_DEFAULT_TIMEOUT_S);
}

static int usage(FILE *out)
{
	fprintf(out, "usage: blkasm [-c FILE] [-j JOBS] [-t SECONDS] COMMAND [ARGS]\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		print_command(out, &commands[i]);
	print_options(out);
	fprintf(out, "As process 1 (in an initramfs) it boots: see blkasm(8).\n");
	return out == stderr ? 2 : 0;
}

/*
 * One command's usage lines, then (to stdout, as help) what it does and the
 * options, or (to stderr, after an error) where to read that. Returns 0,
 * or 2 for stderr or an unknown command.
 */
static int help_command(FILE *out, const char *name)
{
	const char *lead = "usage:";
	bool found = false;

	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i].name, name))
			continue;
		fprintf(out, "%s blkasm [-c FILE] [-j JOBS] [-t SECONDS] %s %s\n", lead, name,
			commands[i].args);
		lead = "      ";
		found = true;
	}
	if (!found) {
		fprintf(stderr, "blkasm: unknown command '%s'\n", name);
		return usage(stderr);
	}
	if (out == stderr) {
		fprintf(out, "(blkasm help %s: what it does and the options)\n", name);
		return 2;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			print_command(out, &commands[i]);
	print_options(out);
	return 0;
}

/* The root's init and its arguments, quoted where they hold blanks. */
static void print_init(const struct boot_params *bp)
{
	const char *a = bp->init_args;

	printf("%s", bp->init[0] ? bp->init : "/sbin/init");
	for (unsigned int i = 0; i < bp->init_argc; i++, a += strlen(a) + 1)
		printf(a[strcspn(a, " \t\n")] || !*a ? " \"%s\"" : " %s", a);
}

/*
 * What the boot would run: the plan file (-c FILE in place of the one the
 * boot reads, else blkasm.conf=, which must then be readable here too),
 * plus the root, and what the root's init gets.
 */
static int cmd_plan_cmdline(const struct cli *c, const char *text)
{
	struct boot_params bp;
	struct cmdline_error cerr;
	struct plan p;
	char why[1024];
	int r;

	if (cmdline_parse(text, &bp, &cerr) < 0) {
		log_err("kernel command line, column %u (%s): expected %s",
			cerr.column, cerr.param, cerr.expected);
		return 1;
	}
	r = rootplan_build(&p, &bp, c->conf ? c->conf : bp.conf[0] ? bp.conf : NULL, false,
			   why, sizeof(why));
	if (r < 0) {
		/* Plan errors as `blkasm plan` gives them: FILE:LINE:COL first. */
		if (r == -ENODEV)
			log_err("%s", why);
		else
			fprintf(stderr, "%s\n", why);
		plan_free(&p);
		return 1;
	}
	r = cli_print_plan(&p);
	if (r == 0) {
		printf("then switch_root to %s running ", NEW_ROOT);
		print_init(&bp);
		printf(" (boot deadline %u s)\n", bp.timeout_s);
	}
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

	if (!*s || *s == '-' || *s == '+' || *end || v == 0 || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* -c, -j or -t (value attached or next) at argv[*i]: 1 taken, 0 not one, -1 bad. */
static int global_option(int argc, char **argv, int *i, struct cli *c)
{
	const char *a = argv[*i], *v;

	if (a[0] != '-' || !a[1] || !strchr("cjt", a[1]))
		return 0;
	v = a[2] ? a + 2 : *i + 1 < argc ? argv[++*i] : NULL;
	if (!v) {
		fprintf(stderr, "blkasm: option -%c needs a value\n", a[1]);
		return -1;
	}
	if (a[1] == 'c') {
		c->conf = v;
	} else if (a[1] == 'j' && !number(v, 64, &c->jobs)) {
		fprintf(stderr, "blkasm: -j %s: expected a whole number of jobs, 1-64\n", v);
		return -1;
	} else if (a[1] == 't' && !number(v, 86400, &c->timeout_s)) {
		fprintf(stderr, "blkasm: -t %s: expected a whole number of seconds, 1-86400\n", v);
		return -1;
	}
	return 1;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* Whether flag is one of cmd's own options: -1 no, 0 yes, 1 yes with a value. */
static int flag_of(const struct command *cmd, const char *flag)
{
	size_t len = strlen(flag);

	for (const char *f = cmd->flags; f && *f; f += strcspn(f, " "), f += *f == ' ') {
		size_t n = strcspn(f, " =");

		if (n == len && !strncmp(f, flag, n))
			return f[n] == '=';
	}
	return -1;
}

/* An option not taken where it stands: say where it belongs, if anywhere. */
static int misplaced(const char *flag, const struct command *cmd)
{
	const struct command *owner = NULL;

	for (size_t i = 0; i < NCOMMANDS && !owner; i++)
		if (flag_of(&commands[i], flag) >= 0)
			owner = &commands[i];
	if (owner && !cmd)
		fprintf(stderr, "blkasm: %s is an option of '%s': put it after the command "
			"(blkasm %s %s)\n", flag, owner->name, owner->name, flag);
	else if (owner)
		fprintf(stderr, "blkasm %s: unknown option %s (an option of '%s')\n",
			cmd->name, flag, owner->name);
	else if (cmd)
		fprintf(stderr, "blkasm %s: unknown option '%s'\n", cmd->name, flag);
	else
		fprintf(stderr, "blkasm: unknown option '%s'\n", flag);
	return -1;
}

struct args {
	const struct command *cmd;
	int argc;		/* the command and what is its own */
	char **argv;
	bool help;
};

/* One argument after the command; returns how many more it took, or -1. */
static int command_arg(int argc, char **argv, int i, bool dashes, struct args *a)
{
	const struct command *cmd = a->cmd;
	int takes = dashes || argv[i][0] != '-' ? -2 : flag_of(cmd, argv[i]);

	if (takes == -1)
		return misplaced(argv[i], cmd);
	if (takes == -2 && !cmd->nodes && !(!strcmp(cmd->name, "help") && a->argc == 1)) {
		fprintf(stderr, "blkasm %s: unexpected argument '%s'\n", cmd->name, argv[i]);
		return -1;
	}
	a->argv[a->argc++] = argv[i];
	if (takes != 1)
		return 0;
	if (i + 1 >= argc) {
		fprintf(stderr, "blkasm %s: %s needs a value\n", cmd->name, argv[i]);
		return -1;
	}
	a->argv[a->argc++] = argv[i + 1];
	return 1;
}

/*
 * The global options stand before or after the command (up to a "--");
 * the command's own options after it. Returns 0 or -1 after a message.
 */
static int parse(int argc, char **argv, struct cli *c, struct args *a)
{
	bool dashes = false;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!dashes && (r = global_option(argc, argv, &i, c)) != 0) {
			if (r < 0)
				return -1;
		} else if (!dashes && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
			a->help = true;
		} else if (!a->cmd) {
			a->cmd = find_command(strcmp(s, "--version") ? s : "version");
			if (!a->cmd && s[0] == '-')
				return misplaced(s, NULL);
			if (!a->cmd) {
				fprintf(stderr, "blkasm: unknown command '%s'\n", s);
				return -1;
			}
			a->argv[a->argc++] = argv[i];
		} else if (!dashes && !strcmp(s, "--")) {
			dashes = true;
		} else if ((r = command_arg(argc, argv, i, dashes, a)) < 0) {
			return -1;
		} else {
			i += r;
		}
	}
	return 0;
}

static int dispatch(const struct cli *c, const struct args *a)
{
	const char *name = a->cmd->name;

	if (!strcmp(name, "plan"))
		return cmd_plan(c, a->argc, a->argv);
	if (!strcmp(name, "up"))
		return cli_up(c, a->argc, a->argv);
	if (!strcmp(name, "down"))
		return cli_down(c, a->argc, a->argv);
	if (!strcmp(name, "status"))
		return cli_status(c, a->argc, a->argv);
	if (!strcmp(name, "slot"))
		return cli_slot(c, a->argc, a->argv);
	if (!strcmp(name, "help"))
		return a->argc > 1 ? help_command(stdout, a->argv[1]) : usage(stdout);
	printf("blkasm %s\n", BLKASM_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = { .jobs = CLI_DEFAULT_JOBS, .timeout_s = CLI_DEFAULT_TIMEOUT_S };
	struct args a = { .argc = 0 };
	int r;

	if (getpid() == 1)
		return boot_main(argc, argv);
	log_setup(LOG_TO_STDERR, false);
	a.argv = calloc((size_t)argc + 1, sizeof(*a.argv));
	if (!a.argv)
		return 1;
	r = parse(argc, argv, &c, &a);
	if (r < 0 && !a.cmd)
		fprintf(stderr, "usage: blkasm [-c FILE] [-j JOBS] [-t SECONDS] COMMAND [ARGS]\n"
			"(blkasm help: the commands and options)\n");
	if (r < 0)
		r = a.cmd ? help_command(stderr, a.cmd->name) : 2;
	else if (a.help)
		r = a.cmd ? help_command(stdout, a.cmd->name) : usage(stdout);
	else if (!a.cmd)
		r = usage(stderr);
	else if ((r = dispatch(&c, &a)) == 2)
		r = help_command(stderr, a.cmd->name);
	free(a.argv);
	return r;
}
