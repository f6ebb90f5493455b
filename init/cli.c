/* SPDX-License-Identifier: MIT */
/* The commands for a running system: plan, up, down, status. */
#include "table.h"
#include "cli.h"
#include "driver.h"
#include "exec.h"
#include "file.h"
#include "graph.h"
#include "holders.h"
#include "log.h"
#include "plan.h"
#include "state.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads and validates the plan; a bad plan is reported as FILE:LINE:COL. */
static int load(const struct cli *c, struct plan *p)
{
	struct plan_error err;
	char msg[1024];
	int r;

	r = plan_load(p, driver_table, c->conf ? c->conf : CLI_DEFAULT_CONF, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", plan_error_str(&err, msg, sizeof(msg)));
		plan_free(p);
	}
	return r;
}

/* s, then blanks up to width (as printf's "%-*s", without its cost). */
static void put_padded(const char *s, size_t width, FILE *f)
{
	size_t len = strlen(s);

	fwrite(s, 1, len, f);
	for (; len < width; len++)
		putc(' ', f);
}

/* "3. name         loop   file=/a.img  (needs host)": one line per node. */
static void print_node(const struct plan *p, unsigned int step, unsigned int i)
{
	const struct plan_node *n = &p->nodes[i];
	char num[16], *d = num + sizeof(num);

	/* "%u. " by hand: printf's cost was a third of printing a plan. */
	*--d = ' ';
	*--d = '.';
	do
		*--d = (char)('0' + step % 10);
	while (step /= 10);
	fwrite(d, 1, (size_t)(num + sizeof(num) - d), stdout);
	put_padded(n->name, 12, stdout);
	putc(' ', stdout);
	put_padded(n->kind, 6, stdout);
	for (unsigned int k = 0; k < n->nopts; k++) {
		const struct plan_opt *o = &n->opts[k];

		putc(' ', stdout);
		fputs(o->key, stdout);
		putc('=', stdout);
		for (unsigned int v = 0; v < o->nvalues; v++) {
			if (v)
				putc(',', stdout);
			fputs(o->values[v].text, stdout);
		}
	}
	for (unsigned int d = 0; d < n->ndeps; d++) {
		fputs(d ? ", " : "  (needs ", stdout);
		fputs(p->nodes[n->deps[d]].name, stdout);
	}
	fputs(n->ndeps ? ")\n" : "\n", stdout);
}

int cli_print_plan(struct plan *p)
{
	struct plan_error err;
	unsigned int *order = calloc(p->count + 1, sizeof(*order));
	char msg[1024];
	int r = order ? graph_order(p, order, &err) : -ENOMEM;

	if (r < 0) {
		fprintf(stderr, "%s\n", r == -ENOMEM ? "blkasm: out of memory" :
			plan_error_str(&err, msg, sizeof(msg)));
		free(order);
		return 1;
	}
	for (unsigned int s = 0; s < p->count; s++)
		print_node(p, s + 1, order[s]);
	free(order);
	return 0;
}

int cli_plan(const struct cli *c, int argc, char **argv)
{
	struct plan p;
	bool dot = argc == 2 && !strcmp(argv[1], "--dot");
	int r;

	if (argc > 1 && !dot)
		return 2;
	if (load(c, &p) < 0)
		return 1;
	if (dot)
		graph_dot(&p, stdout);
	r = dot ? 0 : cli_print_plan(&p);
	plan_free(&p);
	return r;
}

/* Loads the plan and the record, and selects the nodes named in argv. */
static int prepare(const struct cli *c, int argc, char **argv, bool down,
		   struct plan *p, bool **want, bool **recorded)
{
	struct plan_error err;
	char msg[1024];
	int r;

	if (load(c, p) < 0)
		return 1;
	*want = calloc(p->count + 1, sizeof(**want));
	*recorded = calloc(p->count + 1, sizeof(**recorded));
	r = *want && *recorded ? state_load(p, *recorded) : -ENOMEM;
	if (r < 0 && r != -ENOMEM) {
		/* Without it, down could not tell blkasm's devices from others,
		 * and a save would drop what it says. */
		log_err("cannot read the record %s/state: %s", state_dir(), file_strerror(r));
		goto out_free;
	}
	r = *want && *recorded ? graph_select(p, argv + 1, (unsigned int)(argc - 1), down, *want, &err) : -ENOMEM;
	if (r < 0) {
		fprintf(stderr, "%s\n", r == -ENOMEM ? "blkasm: out of memory" :
			plan_error_str(&err, msg, sizeof(msg)));
		goto out_free;
	}
	return 0;
out_free:
	free(*want);
	free(*recorded);
	plan_free(p);
	return 1;
}

/*
 * A device without its record would be refused by down as "not created by
 * blkasm": what this run brought up goes again, newest first.
 */
static void undo(struct plan *p, bool *want, const struct cli *c)
{
	struct exec_opts o = {
		.jobs = 1,
		.deadline_ms = sys_now_ms() + (uint64_t)c->timeout_s * 1000u,
	};

	for (unsigned int i = 0; i < p->count; i++)
		want[i] = p->nodes[i].state == NODE_UP;
	exec_down(p, want, &o);
}

static int run(const struct cli *c, int argc, char **argv, bool down)
{
	struct exec_opts o = {
		.jobs = c->jobs,
		.deadline_ms = sys_now_ms() + (uint64_t)c->timeout_s * 1000u,
	};
	struct plan p;
	bool *want, *recorded;
	int r, w;

	if (prepare(c, argc, argv, down, &p, &want, &recorded))
		return 1;
	r = down ? exec_down(&p, want, &o) : exec_up(&p, want, &o);
	w = state_save(&p, recorded);
	if (w < 0) {
		log_err("cannot record the state in %s: %s%s", state_dir(), file_strerror(w),
			down ? "" : ": taking down what this run made");
		if (!down)
			undo(&p, want, c);
	}
	free(want);
	free(recorded);
	plan_free(&p);
	return r < 0 || w < 0 ? 1 : 0;
}

int cli_up(const struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, false);
}

int cli_down(const struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, true);
}

struct holders {
	char buf[256];
	int len;
};

/* Who uses a node's device: stacked devices, mount points, processes. */
static void find_holders(const char *device, struct holders *h)
{
	h->len = holders_describe(device, h->buf, sizeof(h->buf));
	if (h->len < 0) {
		h->len = 0;
		h->buf[0] = '\0';
	}
}

/* A JSON string: quotes, backslashes and control characters escaped. */
void cli_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void status_json(const struct plan *p, unsigned int i, const struct node_status *st,
			const struct holders *h, bool first)
{
	const struct plan_node *n = &p->nodes[i];

	printf("%s\n  {\"name\": ", first ? "" : ",");
	cli_json_str(n->name);
	printf(", \"kind\": ");
	cli_json_str(n->kind);
	printf(", \"state\": \"%s\", \"created\": %s, \"device\": ",
	       st->present ? "up" : "down", n->created ? "true" : "false");
	cli_json_str(st->present ? n->device : "");
	printf(", \"detail\": ");
	cli_json_str(st->detail);
	printf(", \"holders\": ");
	cli_json_str(h->buf);
	printf(", \"needs\": [");
	for (unsigned int d = 0; d < n->ndeps; d++) {
		printf("%s", d ? ", " : "");
		cli_json_str(p->nodes[n->deps[d]].name);
	}
	printf("]}");
}

static void status_line(const struct plan *p, unsigned int i, unsigned int level,
			const struct node_status *st, const struct holders *h)
{
	const struct plan_node *n = &p->nodes[i];
	char name[80];

	snprintf(name, sizeof(name), "%*s%s", (int)(2 * level), "", n->name);
	printf("%-20s %-6s %-5s %-12s %s%s%s\n", name, n->kind,
	       st->present ? "up" : "down", st->present && n->device[0] ? n->device : "-",
	       st->detail, h->len ? "; held by " : "", h->buf);
}

int cli_status(const struct cli *c, int argc, char **argv)
{
	bool json = argc == 2 && !strcmp(argv[1], "--json");
	struct run_ctx ctx = { .deadline_ms = 0 };
	unsigned int *order, *level;
	struct plan_error err;
	struct plan p;
	int r;

	if (argc > 1 && !json)
		return 2;
	if (load(c, &p) < 0)
		return 1;
	ctx.plan = &p;
	order = calloc(p.count + 1, sizeof(*order));
	level = calloc(p.count + 1, sizeof(*level));
	r = !order || !level ? -ENOMEM : state_load(&p, NULL);
	if (r < 0)
		log_err("cannot read the record %s/state: %s", state_dir(), file_strerror(r));
	if (r < 0 || graph_order(&p, order, &err) < 0) {
		free(order);
		free(level);
		plan_free(&p);
		return 1;
	}
	graph_levels(&p, level);
	if (json)
		printf("[");
	else
		printf("%-20s %-6s %-5s %-12s %s\n", "NODE", "KIND", "STATE", "DEVICE", "DETAIL");
	for (unsigned int s = 0; s < p.count; s++) {
		struct plan_node *n = &p.nodes[order[s]];
		struct node_status st = { .present = false };
		struct holders h = { .len = 0 };

		if (n->drv->status)
			n->drv->status(&ctx, n, &st);
		if (st.present && n->device[0])
			find_holders(n->device, &h);
		if (json)
			status_json(&p, order[s], &st, &h, s == 0);
		else
			status_line(&p, order[s], level[order[s]], &st, &h);
	}
	if (json)
		printf("\n]\n");
	free(order);
	free(level);
	plan_free(&p);
	return 0;
}
