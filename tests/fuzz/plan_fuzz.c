/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: plan_parse and plan_validate (with the drivers' own
 * validate and the cycle check) on arbitrary bytes. An error must point
 * inside the text; an accepted plan must be a sound graph: every node has
 * its driver, every edge names another node, once.
 */
#include "table.h"
#include "driver.h"
#include "plan.h"

#include <stdint.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_error(const struct plan_error *err, const uint8_t *data, size_t size)
{
	unsigned int lines = 1;
	char buf[1024];

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	CHECK(memchr(err->file, '\0', sizeof(err->file)));
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)));
	CHECK(err->msg[0]);
	CHECK(err->pos.line <= lines + 1);
	CHECK((err->pos.line == 0) == (err->pos.col == 0));
	CHECK(err->pos.col <= size + 1);
	CHECK(strlen(plan_error_str(err, buf, sizeof(buf))) < sizeof(buf));
}

static void check_plan(const struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		const struct plan_node *n = &p->nodes[i];

		CHECK(n->drv && !strcmp(n->drv->kind, n->kind));
		CHECK(plan_find(p, n->name) == (int)i);
		for (unsigned int k = 0; k < n->nclaims; k++)
			CHECK(n->claims[k].space && n->claims[k].key && n->claims[k].text);
		for (unsigned int k = 0; k < n->ndeps; k++) {
			CHECK(n->deps[k] < p->count);
			CHECK(n->deps[k] != i);
			for (unsigned int j = 0; j < k; j++)
				CHECK(n->deps[j] != n->deps[k]);
		}
		for (unsigned int k = 0; k < n->nopts; k++)
			CHECK(n->opts[k].nvalues >= 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;
	struct plan_error err;
	int r;

	memset(&err, 0, sizeof(err));
	r = plan_parse(&p, driver_table, "fuzz.conf", (const char *)data, size, &err);
	if (r == 0) {
		r = plan_validate(&p, &err);
		if (r == 0)
			check_plan(&p);
	}
	if (r < 0)
		check_error(&err, data, size);
	plan_free(&p);
	return 0;
}
