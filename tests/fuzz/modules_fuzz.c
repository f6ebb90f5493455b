/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: mod_parse, then mod_order on every module. An order
 * must name each module once, dependencies first, the module itself last.
 */
#include "modules.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void check_order(const struct mod_table *t, const int *order, int n,
			const char *name, char *seen)
{
	memset(seen, 0, t->count);
	CHECK(!strcmp(t->mods[order[n - 1]].name, name));
	for (int i = 0; i < n; i++) {
		const struct mod_entry *m = &t->mods[order[i]];

		CHECK(order[i] >= 0 && (unsigned int)order[i] < t->count);
		CHECK(!seen[order[i]]);
		for (unsigned int d = 0; d < m->ndeps; d++)
			CHECK(seen[m->deps[d]]);
		seen[order[i]] = 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *seen;
	struct mod_table t;
	struct mod_error err = { 0 };
	int *order;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	mod_is_builtin(text, "ext4");
	if (mod_parse(&t, text, &err) != 0) {	/* text is freed either way */
		CHECK(err.line >= 1 || !err.what);
		return 0;
	}
	order = calloc(t.count + 1, sizeof(*order));
	seen = calloc(t.count + 1, 1);
	for (unsigned int i = 0; order && seen && i < t.count; i++) {
		int n = mod_order(&t, t.mods[i].name, order);

		CHECK(n == -ELOOP || n > 0);
		CHECK(mod_find(&t, t.mods[i].name) >= 0);
		if (n > 0)
			check_order(&t, order, n, t.mods[i].name, seen);
	}
	free(order);
	free(seen);
	mod_free(&t);
	return 0;
}
