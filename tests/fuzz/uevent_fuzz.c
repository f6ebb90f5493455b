/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: uev_parse on an exactly-sized copy of the input, so
 * ASan reports any read past len.
 */
#include "uevent.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct uev_msg m;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (uev_parse(buf, size, &m) == 0) {
		CHECK(m.action[0] && m.devpath[0]);
		CHECK(!m.has_devt || (m.major < 4096 && m.minor < (1u << 20)));
	}
	CHECK(TERMINATED(m.action) && TERMINATED(m.devpath));
	CHECK(TERMINATED(m.subsystem) && TERMINATED(m.devname));
	CHECK(TERMINATED(m.devtype));
	free(buf);
	return 0;
}
