/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: modules.alias and modules.builtin.modinfo parsed, then
 * aliases resolved through them (fnmatch on untrusted patterns) for names
 * taken from the input itself.
 */
#include "ird.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static const char DEP[] =
	"kernel/crypto/crc32c_generic.ko:\n"
	"kernel/arch/x86/crypto/crc32c-intel.ko:\n"
	"kernel/drivers/block/loop.ko:\n"
	"kernel/fs/ext4/ext4.ko: kernel/drivers/block/loop.ko\n";

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
	char *mi = malloc(size + 1);

	/* The same bytes as modules.builtin.modinfo too (not NUL-terminated). */
	if (mi)
		memcpy(mi, data, size);
	if (modidx_parse_alias(&x, text, &line) != 0 || !mi ||
	    modidx_parse_modinfo(&x, mi, size) != 0 || mod_parse(&t, strdup(DEP), &me) != 0) {
		if (!x.modinfo)
			free(mi);
		CHECK(!x.nalias || line >= 1);
		modidx_free(&x);
		return 0;
	}
	if (modsel_init(&s, &t, "kernel/crypto/crc32c_generic.ko\n", &x) == 0) {
		for (unsigned int i = 0; i < x.nalias && i < 64; i++) {
			CHECK(*x.alias[i].pattern && *x.alias[i].mod);
			CHECK(!strchr(x.alias[i].mod, '-'));
			if (modsel_add(&s, x.alias[i].pattern, true) < 0)
				CHECK(s.why[0]);
		}
		for (unsigned int i = 0; i < s.nboot; i++)
			CHECK(mod_find(&t, s.boot[i]) >= 0);
		modsel_free(&s);
	}
	mod_free(&t);
	modidx_free(&x);
	return 0;
}
