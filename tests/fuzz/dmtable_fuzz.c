/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: dm_table_unpack on an exactly-sized copy of the input
 * after its first byte (the target count, at times more than fit), so
 * ASan reports any read past len. What unpacks and the kernel would take
 * again must pack, and the packed table (relinked to DM_TABLE_STATUS's
 * "next" from the first spec) must unpack to the same targets.
 */
#include "dm/dm.h"

#include <errno.h>
#include <linux/dm-ioctl.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)
#define MAX 8
#define SPEC sizeof(struct dm_target_spec)

static struct dm_target got[MAX], again[MAX];
static unsigned char packed[MAX * (SPEC + DM_PARAMS_MAX + 8)];

/* DM_TABLE_LOAD's "next" (from each spec) to DM_TABLE_STATUS's (from the first). */
static void relink(unsigned int n)
{
	size_t off = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct dm_target_spec s;
		size_t at = off;

		memcpy(&s, packed + at, SPEC);
		CHECK(s.next % 8 == 0 && s.next >= SPEC);
		off += s.next;
		s.next = (uint32_t)off;
		memcpy(packed + at, &s, SPEC);
	}
}

static void check_read(int n)
{
	for (int i = 0; i < n; i++) {
		size_t tlen = strnlen(got[i].type, DM_TYPE_MAX);

		CHECK(tlen > 0 && tlen < DM_TYPE_MAX);
		CHECK(strnlen(got[i].params, DM_PARAMS_MAX) < DM_PARAMS_MAX);
	}
}

static void round_trip(int n)
{
	int len = dm_table_pack(got, (unsigned int)n, packed, sizeof(packed));

	CHECK(len != -ENOSPC);
	if (len < 0)
		return;	/* a gap, a zero length: the kernel would refuse it too */
	CHECK(len % 8 == 0 && (size_t)len <= sizeof(packed));
	relink((unsigned int)n);
	CHECK(dm_table_unpack(packed, (size_t)len, (unsigned int)n, again, MAX) == n);
	for (int i = 0; i < n; i++) {
		CHECK(again[i].start == got[i].start && again[i].length == got[i].length);
		CHECK(!strcmp(again[i].type, got[i].type));
		CHECK(!strcmp(again[i].params, got[i].params));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int count;
	unsigned char *buf;
	int n;

	if (size == 0)
		return 0;
	count = data[0] % (MAX + 3);
	buf = malloc(size - 1 ? size - 1 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	n = dm_table_unpack(buf, size - 1, count, got, MAX);
	free(buf);
	CHECK(n == -EINVAL || n == (int)(count < MAX ? count : MAX));
	if (n > 0) {
		check_read(n);
		round_trip(n);
	}
	return 0;
}
