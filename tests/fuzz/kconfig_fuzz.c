/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: a kernel .config (kconfig_value for the initramfs
 * compressions and for a symbol named by the input's first line) and the
 * same bytes as /proc/self/mountinfo (hostonly_root_fstype).
 */
#include "ird.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static void value(const char *text, const char *sym)
{
	char out[16];

	if (kconfig_value(text, sym, out, sizeof(out)) == 0)
		CHECK(strlen(out) < sizeof(out) && !strchr(out, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const syms[] = { "CONFIG_RD_GZIP", "CONFIG_RD_ZSTD",
					    "CONFIG_RD_XZ", "CONFIG_RD_LZ4" };
	char *text = malloc(size + 1), sym[64], type[32];
	size_t n;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		value(text, syms[i]);
	n = strcspn(text, "\n=");
	if (n && n < sizeof(sym)) {
		memcpy(sym, text, n);
		sym[n] = '\0';
		value(text, sym);
	}
	if (hostonly_root_fstype(text, type, sizeof(type)) == 0)
		CHECK(type[0] && strlen(type) < sizeof(type) && !strchr(type, ' '));
	free(text);
	return 0;
}
