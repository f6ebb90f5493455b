/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: mdsb_parse on an exactly-sized copy of the input (so
 * ASan reports any read past len) as 1.0, 1.1 and 1.2, on device sizes
 * taken from the input's own fields so that real superblocks parse. What
 * parses must rebuild into the same superblock, byte for byte where the
 * name is NUL-padded; mdsb_select then runs over copies of it.
 */
#include "md/md_super.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)
#define MAX_MEMBERS 6

static struct md_sb parsed[3], again, copies[MAX_MEMBERS];
static uint8_t out[MDSB_SIZE];

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Sizes at which a 1.1/1.2 superblock's data ends at the end of the
 * device, a 1.0 superblock sits where found, and a few more. */
static unsigned int device_sizes(const uint8_t *d, size_t size, uint64_t dev[5])
{
	unsigned int n = 0;

	dev[n++] = 131072;
	dev[n++] = 15;
	if (size >= 152) {
		dev[n++] = le64(d + 128) + le64(d + 136);
		dev[n++] = le64(d + 144) + 16 + (d[3] & 7);
	}
	if (size >= MDSB_SIZE + 8)
		dev[n++] = le64(d + MDSB_SIZE);
	return n;
}

/* The name's bytes after its NUL are dropped by parse: compare the rest. */
static bool name_padded(const uint8_t *d)
{
	size_t len = strnlen((const char *)d + 32, 32);

	for (size_t i = len; i < 32; i++)
		if (d[32 + i])
			return false;
	return true;
}

static void check_rebuild(const struct md_sb *sb, const uint8_t *d, uint64_t at, uint64_t dev)
{
	char why[160];

	CHECK(mdsb_build(sb, out, sizeof(out)) == 0);
	CHECK(mdsb_parse(out, sizeof(out), sb->minor_version, at, dev, &again, why,
			 sizeof(why)) == 0);
	if (memcmp(sb, &again, sizeof(again)) != 0)
		abort();
	if (name_padded(d) && memcmp(out, d, 256 + 2 * (size_t)sb->max_dev) != 0)
		abort();
}

static void check_choice(const struct mdsb_member *m, unsigned int n, const struct mdsb_choice *c)
{
	const struct md_sb *fresh = m[c->freshest].sb;
	unsigned int active = 0;

	CHECK(c->freshest < n && c->events == fresh->events);
	CHECK(c->raid_disks == fresh->raid_disks && c->active <= c->raid_disks);
	CHECK(c->degraded == (c->active < c->raid_disks));
	CHECK(!c->runnable || c->active > 0);
	for (unsigned int i = 0; i < n; i++) {
		CHECK(m[i].state <= MDSB_MISMATCH);
		if (m[i].state != MDSB_ACTIVE)
			continue;
		active++;
		for (unsigned int j = 0; j < i; j++)
			CHECK(m[j].state != MDSB_ACTIVE ||
			      fresh->roles[m[j].sb->dev_number] != fresh->roles[m[i].sb->dev_number]);
	}
	CHECK(active == c->active);
}

/* The parsed superblocks, plus copies one and two events behind and one
 * moved to the next dev_number. */
static void select_copies(unsigned int n, uint8_t twist)
{
	struct mdsb_member m[MAX_MEMBERS];
	struct mdsb_choice c;
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		copies[k++] = parsed[i];
	for (unsigned int i = 0; k < MAX_MEMBERS; i++, k++) {
		copies[k] = parsed[i % n];
		copies[k].events -= 1 + (twist >> i & 1);
		if (twist & 0x80)
			copies[k].dev_number = (copies[k].dev_number + 1) % copies[k].max_dev;
	}
	for (unsigned int i = 0; i < k; i++)
		m[i].sb = &copies[i];
	CHECK(mdsb_select(m, k, &c) == 0);
	check_choice(m, k, &c);
	CHECK(mdsb_select(m, 1, &c) == 0);
	check_choice(m, 1, &c);
}

static void fuzz_uuid(const uint8_t *d, size_t size)
{
	char text[40], back[36];
	uint8_t u[16], v[16];
	size_t len = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, d, len);
	text[len] = '\0';
	if (mdsb_uuid_parse(text, u) == 0) {
		mdsb_uuid_format(u, back);
		CHECK(mdsb_uuid_parse(back, v) == 0 && memcmp(u, v, 16) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	unsigned int n = 0, ndev;
	uint64_t dev[5];
	char why[160];

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	ndev = device_sizes(buf, size, dev);
	for (unsigned int minor = 0; minor < 3; minor++) {
		for (unsigned int i = 0; i < ndev; i++) {
			struct md_sb *sb = &parsed[n < 3 ? n : 2];
			uint64_t at = 8 * (uint64_t)i;
			int r;

			mdsb_locate(dev[i], minor, &at);
			r = mdsb_parse(buf, size, minor, at, dev[i], sb, why, sizeof(why));
			CHECK(r == 0 || r == -EINVAL || r == -ENODATA);
			CHECK(memchr(why, '\0', sizeof(why)) != NULL);
			if (r < 0)
				continue;
			CHECK(sb->minor_version == minor && sb->super_offset == at);
			check_rebuild(sb, buf, at, dev[i]);
			if (n < 3)
				n++;
		}
	}
	if (n)
		select_copies(n, size ? buf[size - 1] : 0);
	fuzz_uuid(buf, size);
	free(buf);
	return 0;
}
