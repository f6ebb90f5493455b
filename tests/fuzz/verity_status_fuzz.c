/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: verity_status_parse on a NUL-terminated copy of the
 * input, with why buffers of several sizes. What parses is printed back
 * as the kernel would and must parse to the same; what does not must say
 * why.
 */
#include "dm/verity_sb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_status st, back;
	char *s = malloc(size + 1), why[160], tiny[1] = { 'x' }, line[64];
	int r;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	memset(why, 'w', sizeof(why));
	r = verity_status_parse(s, &st, why, sizeof(why));
	CHECK(r == 0 || r == -EINVAL);
	CHECK(verity_status_parse(s, &back, tiny, sizeof(tiny)) == r);
	CHECK(verity_status_parse(s, &back, NULL, 0) == r);
	if (r < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0] && !tiny[0]);
	} else {
		CHECK(st.has_corrected || st.corrected == 0);
		if (st.has_corrected)
			snprintf(line, sizeof(line), "%c %llu", st.corrupted ? 'C' : 'V',
				 (unsigned long long)st.corrected);
		else
			snprintf(line, sizeof(line), "%c -", st.corrupted ? 'C' : 'V');
		CHECK(verity_status_parse(line, &back, NULL, 0) == 0);
		CHECK(back.corrupted == st.corrupted && back.has_corrected == st.has_corrected &&
		      back.corrected == st.corrected);
	}
	free(s);
	return 0;
}
