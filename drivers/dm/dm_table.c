/* SPDX-License-Identifier: MIT */
/*
 * Device-mapper tables as the ioctls carry them (include/uapi/linux/
 * dm-ioctl.h): struct dm_target_spec, its NUL-terminated parameters, padding
 * to 8 bytes. Pure functions, so they are unit-tested and fuzzed; what the
 * kernel hands back is untrusted and read with memcpy (no alignment assumed).
 */
#include "dm.h"

#include <errno.h>
#include <limits.h>
#include <linux/dm-ioctl.h>
#include <string.h>

#define SPEC_SIZE sizeof(struct dm_target_spec)

_Static_assert(DM_TYPE_MAX == DM_MAX_TYPE_NAME, "target type size");
_Static_assert(DM_NAME_MAX == DM_NAME_LEN, "name size");
_Static_assert(DM_UUID_MAX == DM_UUID_LEN, "uuid size");
_Static_assert(SPEC_SIZE % 8 == 0, "dm_target_spec keeps 8-byte alignment");

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The kernel refuses a gap or overlap (dm-table.c adjoin) and length 0. */
static bool target_ok(const struct dm_target *t, unsigned int i)
{
	size_t tlen = strnlen(t[i].type, DM_TYPE_MAX);
	uint64_t want = i ? t[i - 1].start + t[i - 1].length : 0;

	if (tlen == 0 || tlen == DM_TYPE_MAX || t[i].length == 0)
		return false;
	if (t[i].start != want || t[i].start + t[i].length < t[i].start)
		return false;
	return strnlen(t[i].params, DM_PARAMS_MAX) < DM_PARAMS_MAX;
}

/*
 * DM_TABLE_LOAD's layout: "next" is relative to the spec it is in (the
 * kernel's populate_table starts from data_start and steps by "next";
 * kernels from mid-2023 on also want each step 8-byte aligned and the
 * parameters' NUL before the next spec, which this layout gives).
 */
int dm_table_pack(const struct dm_target *t, unsigned int n, void *buf, size_t size)
{
	unsigned char *out = buf;
	size_t off = 0;

	if (!t || n == 0)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		struct dm_target_spec spec;
		size_t plen, need;

		if (!target_ok(t, i))
			return -EINVAL;
		plen = strlen(t[i].params);
		need = align8(SPEC_SIZE + plen + 1);
		if (need > size - off || off + need > INT_MAX)
			return -ENOSPC;
		memset(&spec, 0, sizeof(spec));
		spec.sector_start = t[i].start;
		spec.length = t[i].length;
		spec.next = (uint32_t)need;
		memcpy(spec.target_type, t[i].type, strlen(t[i].type));
		memset(out + off, 0, need);
		memcpy(out + off, &spec, SPEC_SIZE);
		memcpy(out + off + SPEC_SIZE, t[i].params, plen);
		off += need;
	}
	return (int)off;
}

/* One spec at off: bounds, terminated type and parameters. */
static int unpack_one(const unsigned char *in, size_t len, size_t off,
		      struct dm_target *t, size_t *end, uint32_t *next)
{
	struct dm_target_spec spec;
	const unsigned char *params, *nul;
	size_t tlen, plen;

	if (off % 8 || off > len || len - off < SPEC_SIZE)
		return -EINVAL;
	memcpy(&spec, in + off, SPEC_SIZE);
	/* Older kernels strncpy() the type into all 16 bytes: maybe unterminated. */
	tlen = strnlen(spec.target_type, sizeof(spec.target_type));
	if (tlen == 0 || tlen >= DM_TYPE_MAX)
		return -EINVAL;
	params = in + off + SPEC_SIZE;
	nul = memchr(params, '\0', len - off - SPEC_SIZE);
	if (!nul)
		return -EINVAL;
	plen = (size_t)(nul - params);
	if (plen >= DM_PARAMS_MAX)
		return -EINVAL;
	t->start = spec.sector_start;
	t->length = spec.length;
	memcpy(t->type, spec.target_type, tlen);
	t->type[tlen] = '\0';
	memcpy(t->params, params, plen);
	t->params[plen] = '\0';
	*end = off + SPEC_SIZE + plen + 1;
	*next = spec.next;
	return 0;
}

/*
 * DM_TABLE_STATUS's layout (dm-ioctl.c retrieve_status): the first spec at
 * 0, "next" relative to the first spec. Only the "next" of a spec that has
 * a successor is followed: the last one points past the used bytes, and
 * on older kernels maybe past the buffer.
 */
int dm_table_unpack(const void *buf, size_t len, unsigned int count,
		    struct dm_target *t, unsigned int max)
{
	unsigned int n = count < max ? count : max;
	size_t off = 0, end;
	uint32_t next;

	if (n > INT_MAX || (n && (!buf || !t)))
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		int r = unpack_one(buf, len, off, &t[i], &end, &next);

		if (r < 0)
			return r;
		/* Strictly forward, past this spec's parameters: no loops. */
		if (i + 1 < n && (next < end || next > len))
			return -EINVAL;
		off = next;
	}
	return (int)n;
}

bool dm_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, DM_NAME_MAX) : 0;

	if (len == 0 || len >= DM_NAME_MAX || memchr(name, '/', len))
		return false;
	/* Not usable as /dev/mapper names; kernels from mid-2023 refuse them too. */
	return strcmp(name, ".") && strcmp(name, "..") && strcmp(name, "control");
}
