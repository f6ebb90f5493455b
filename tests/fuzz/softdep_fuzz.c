/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: modules.softdep as a module tree may hold it, parsed,
 * then followed by the module selection from every module it names, on a
 * small fixed tree. Items must point into the text; the boot list must
 * name packed modules, each once.
 */
#include "ird.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const char DEP[] =
	"kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko\n"
	"kernel/fs/jbd2/jbd2.ko:\n"
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko:\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/lib/a.ko: kernel/lib/b.ko\n"
	"kernel/lib/b.ko:\n";

static const char ALIAS[] =
	"alias crc32c crc32c_intel\nalias crc32c crc32c_generic\nalias x* loop\n";

static void check_boot(const struct modsel *s)
{
	for (unsigned int i = 0; i < s->nboot; i++) {
		int m = mod_find(s->dep, s->boot[i]);

		CHECK(m >= 0 && s->packed[m]);
		for (unsigned int j = 0; j < i; j++)
			CHECK(strcmp(s->boot[i], s->boot[j]));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct mod_index x = { 0 };
	struct mod_table t;
	struct mod_error me = { 0 };
	struct modsel s;
	unsigned int line = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (modidx_parse_softdep(&x, text, &line) != 0 ||
	    modidx_parse_alias(&x, strdup(ALIAS), &line) != 0 ||
	    mod_parse(&t, strdup(DEP), &me) != 0) {
		modidx_free(&x);
		return 0;
	}
	for (unsigned int i = 0; i < x.nsoft; i++)
		CHECK(x.soft[i].mod >= text && x.soft[i].dep < text + size && *x.soft[i].dep);
	if (modsel_init(&s, &t, "kernel/lib/crc16.ko\n", &x) == 0) {
		for (unsigned int i = 0; i < x.nsoft; i++) {
			modsel_add(&s, x.soft[i].mod, i % 2);
			modsel_add(&s, x.soft[i].dep, false);
		}
		check_boot(&s);
		free(modsel_trimmed_dep(&s));
		modsel_free(&s);
	}
	mod_free(&t);
	modidx_free(&x);
	return 0;
}
