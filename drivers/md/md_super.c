/* SPDX-License-Identifier: MIT */
/*
 * md's version-1 superblock, decoded with byte reads: the buffer comes from
 * a device and is neither aligned nor trusted. The checks are those of the
 * kernel's super_1_load (drivers/md/md.c), so a member accepted here is one
 * the kernel accepts too, and each refusal says which field and value.
 */
#include "md_super.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Offsets in the 256-byte fixed part (struct mdp_superblock_1). */
#define OFF_MAGIC	0
#define OFF_MAJOR	4
#define OFF_PAD0	12
#define OFF_SET_UUID	16
#define OFF_SET_NAME	32
#define OFF_SUPER	144
#define OFF_DEV_UUID	168
#define OFF_CSUM	216
#define OFF_MAX_DEV	220
#define OFF_PAD3	224
#define OFF_ROLES	256
#define NAME_LEN	32
#define SB_SECTORS	(MDSB_SIZE / 512)

/* The numeric fields: one table for both directions keeps them symmetric. */
struct sb_field {
	uint16_t off;
	uint8_t size;		/* bytes on disk and in struct md_sb */
	uint16_t member;	/* offsetof in struct md_sb */
};

#define FIELD(o, name) { (o), sizeof(((struct md_sb *)0)->name), offsetof(struct md_sb, name) }

static const struct sb_field fields[] = {
	FIELD(8, feature_map),		FIELD(64, ctime),
	FIELD(72, level),		FIELD(76, layout),
	FIELD(80, size),		FIELD(88, chunk_sectors),
	FIELD(92, raid_disks),		FIELD(96, bitmap_offset),
	FIELD(100, new_level),		FIELD(104, reshape_position),
	FIELD(112, delta_disks),	FIELD(116, new_layout),
	FIELD(120, new_chunk),		FIELD(124, new_offset),
	FIELD(128, data_offset),	FIELD(136, data_size),
	FIELD(144, super_offset),	FIELD(152, recovery_offset),
	FIELD(160, dev_number),		FIELD(164, cnt_corrected_read),
	FIELD(184, devflags),		FIELD(185, bblog_shift),
	FIELD(186, bblog_size),		FIELD(188, bblog_offset),
	FIELD(192, utime),		FIELD(200, events),
	FIELD(208, resync_offset),	FIELD(220, max_dev),
};

static uint64_t get_le(const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

static void put_le(uint8_t *p, unsigned int size, uint64_t v)
{
	for (unsigned int i = 0; i < size; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Through memcpy: the members differ in type, their widths match. */
static void load_field(const uint8_t *buf, const struct sb_field *f, struct md_sb *sb)
{
	uint64_t v = get_le(buf + f->off, f->size);
	unsigned char *dst = (unsigned char *)sb + f->member;
	uint8_t v8 = (uint8_t)v;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	if (f->size == 1)
		memcpy(dst, &v8, 1);
	else if (f->size == 2)
		memcpy(dst, &v16, 2);
	else if (f->size == 4)
		memcpy(dst, &v32, 4);
	else
		memcpy(dst, &v, 8);
}

static void store_field(uint8_t *buf, const struct sb_field *f, const struct md_sb *sb)
{
	const unsigned char *src = (const unsigned char *)sb + f->member;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v;

	if (f->size == 1)
		memcpy(&v8, src, 1), v = v8;
	else if (f->size == 2)
		memcpy(&v16, src, 2), v = v16;
	else if (f->size == 4)
		memcpy(&v32, src, 4), v = v32;
	else
		memcpy(&v, src, 8);
	put_le(buf + f->off, f->size, v);
}

int mdsb_locate(uint64_t dev_sectors, unsigned int minor, uint64_t *sb_sector)
{
	uint64_t at;

	switch (minor) {
	case 0:
		/* At least 8 KiB, less than 12 KiB from the end, 4 KiB aligned. */
		if (dev_sectors < 16)
			return -EINVAL;
		at = (dev_sectors - 16) & ~(uint64_t)7;
		break;
	case 1:
		at = 0;
		break;
	case 2:
		at = 8;
		break;
	default:
		return -EINVAL;
	}
	if (dev_sectors < at + SB_SECTORS)
		return -EINVAL;
	*sb_sector = at;
	return 0;
}

/* Bytes the checksum covers: 256 + 2 * max_dev, never more than len. */
static size_t csum_span(const uint8_t *p, size_t len)
{
	size_t span;

	if (len < OFF_MAX_DEV + 4)
		return len;
	span = OFF_ROLES + 2 * (size_t)get_le(p + OFF_MAX_DEV, 4);
	return span < len ? span : len;
}

uint32_t mdsb_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t span = csum_span(p, len), i;
	uint64_t sum = 0;

	for (i = 0; i + 4 <= span; i += 4)
		if (i != OFF_CSUM)
			sum += get_le(p + i, 4);
	/* The kernel adds a trailing 16-bit word; a short buffer's odd tail
	 * is taken the same way, zero-extended. */
	if (i < span && i != OFF_CSUM)
		sum += get_le(p + i, (unsigned int)(span - i));
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
}

static int fail(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (why && why_size) {
		va_start(ap, fmt);
		vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool zero_bytes(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The kernel reads a 1.<minor> superblock at one place only. */
static int check_location(unsigned int minor, uint64_t at, uint64_t dev_sectors,
			  char *why, size_t ws)
{
	uint64_t want;

	if (minor > 2)
		return fail(why, ws, "minor version %u is not 0, 1 or 2", minor);
	if (mdsb_locate(dev_sectors, minor, &want) < 0)
		return fail(why, ws, "no 1.%u superblock fits a device of %" PRIu64 " sectors",
			    minor, dev_sectors);
	if (at != want)
		return fail(why, ws, "a 1.%u superblock belongs at sector %" PRIu64 ", not %" PRIu64,
			    minor, want, at);
	return 0;
}

/* Whole-buffer checks, before the fields are decoded. */
static int check_raw(const uint8_t *p, size_t len, uint64_t at, char *why, size_t ws)
{
	uint64_t off;
	uint32_t max_dev, csum, found;

	if (len < OFF_ROLES)
		return fail(why, ws, "truncated: %zu bytes, the fixed part needs %d", len, OFF_ROLES);
	if (get_le(p + OFF_MAJOR, 4) != 1)
		return fail(why, ws, "major_version %" PRIu64 " is not 1", get_le(p + OFF_MAJOR, 4));
	max_dev = (uint32_t)get_le(p + OFF_MAX_DEV, 4);
	if (max_dev > MDSB_MAX_DEV)
		return fail(why, ws, "max_dev %" PRIu32 " exceeds %d", max_dev, MDSB_MAX_DEV);
	if (len < OFF_ROLES + 2 * (size_t)max_dev)
		return fail(why, ws, "truncated: %zu bytes, max_dev %" PRIu32 " needs %zu", len,
			    max_dev, OFF_ROLES + 2 * (size_t)max_dev);
	found = (uint32_t)get_le(p + OFF_CSUM, 4);
	csum = mdsb_csum(p, len);
	if (found != csum)
		return fail(why, ws, "checksum 0x%08" PRIx32 ", computed 0x%08" PRIx32, found, csum);
	off = get_le(p + OFF_SUPER, 8);
	if (off != at)
		return fail(why, ws, "super_offset %" PRIu64 " but found at sector %" PRIu64, off, at);
	/* super_1_load: non-zero padding may be a feature we do not know. */
	if (!zero_bytes(p + OFF_PAD0, 4) || !zero_bytes(p + OFF_PAD3, OFF_ROLES - OFF_PAD3))
		return fail(why, ws, "pad0 or pad3 is not zero (unknown extension)");
	return 0;
}

static void decode(const uint8_t *p, unsigned int minor, struct md_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		load_field(p, &fields[i], sb);
	sb->minor_version = minor;
	memcpy(sb->set_uuid, p + OFF_SET_UUID, 16);
	memcpy(sb->device_uuid, p + OFF_DEV_UUID, 16);
	/* Up to the first NUL: what follows it is not part of the name. */
	memcpy(sb->set_name, p + OFF_SET_NAME, strnlen((const char *)p + OFF_SET_NAME, NAME_LEN));
	for (uint32_t i = 0; i < sb->max_dev; i++)
		sb->roles[i] = (uint16_t)get_le(p + OFF_ROLES + 2 * i, 2);
}

/* Fewest raid_disks the personality starts with (raid6: raid5.c). */
static uint32_t min_disks(int32_t level)
{
	switch (level) {
	case 4: case 5: case 10:
		return 2;
	case 6:
		return 4;
	default:
		return 1;
	}
}

static int check_features(const struct md_sb *sb, char *why, size_t ws)
{
	uint32_t f = sb->feature_map;
	const uint32_t ppl = MDSB_FEAT_PPL | MDSB_FEAT_MULTIPLE_PPLS;

	if (f & ~(uint32_t)MDSB_FEAT_ALL)
		return fail(why, ws, "unknown feature bits 0x%" PRIx32, f & ~(uint32_t)MDSB_FEAT_ALL);
	if ((f & MDSB_FEAT_RAID0_LAYOUT) && sb->level != 0)
		return fail(why, ws, "feature raid0_layout on level %" PRId32, sb->level);
	/* super_1_validate: a PPL shares its space with a bitmap or journal. */
	if ((f & ppl) == ppl || ((f & ppl) && (f & (MDSB_FEAT_BITMAP | MDSB_FEAT_JOURNAL))))
		return fail(why, ws, "feature_map 0x%" PRIx32 " combines a ppl with a bitmap, "
			    "journal or second ppl kind", f);
	if ((f & MDSB_FEAT_BADBLOCKS) && sb->bblog_offset == 0)
		return fail(why, ws, "bad blocks recorded but bblog_offset is 0");
	return 0;
}

static int check_array(const struct md_sb *sb, char *why, size_t ws)
{
	if (!mdsb_level_name(sb->level))
		return fail(why, ws, "level %" PRId32 " is not an md level", sb->level);
	if (sb->raid_disks < min_disks(sb->level) || sb->raid_disks > sb->max_dev)
		return fail(why, ws, "raid_disks %" PRIu32 " not in %" PRIu32 "..%" PRIu32
			    " for %s", sb->raid_disks, min_disks(sb->level), sb->max_dev,
			    mdsb_level_name(sb->level));
	if (sb->dev_number >= sb->max_dev)
		return fail(why, ws, "dev_number %" PRIu32 " not below max_dev %" PRIu32,
			    sb->dev_number, sb->max_dev);
	return check_features(sb, why, ws);
}

/* Where the data may lie: behind the superblock (1.1, 1.2) or before it
 * (1.0), within the device; data_size as in super_1_load. */
static int check_data(const struct md_sb *sb, uint64_t at, uint64_t dev_sectors,
		      char *why, size_t ws)
{
	uint64_t off = sb->data_offset, size = sb->data_size, end = dev_sectors;
	uint64_t sb_end = at + (OFF_ROLES + 2 * (uint64_t)sb->max_dev + 511) / 512;
	uint32_t reshape = MDSB_FEAT_RESHAPE | MDSB_FEAT_NEW_OFFSET;

	if (size < 10)
		return fail(why, ws, "data_size %" PRIu64 " is below 10 sectors", size);
	if (sb->minor_version == 0)
		end = at;
	if (off > end || size > end - off)
		return fail(why, ws, "data_offset %" PRIu64 " + data_size %" PRIu64 " beyond the %s"
			    " (%" PRIu64 " sectors)", off, size,
			    sb->minor_version ? "device" : "space before the superblock", end);
	if (sb->minor_version == 0)
		return 0;
	if (off < sb_end)
		return fail(why, ws, "data_offset %" PRIu64 " overlaps the superblock (sectors %"
			    PRIu64 "..%" PRIu64 ")", off, at, sb_end - 1);
	/* off >= sb_end here: only a move back can reach the superblock. */
	if ((sb->feature_map & reshape) == reshape && sb->new_offset < 0 &&
	    off - sb_end < (uint64_t)-(int64_t)sb->new_offset)
		return fail(why, ws, "new_offset %" PRId32 " moves the data onto the superblock",
			    sb->new_offset);
	return 0;
}

int mdsb_parse(const void *buf, size_t len, unsigned int minor, uint64_t sb_sector,
	       uint64_t dev_sectors, struct md_sb *sb, char *why, size_t why_size)
{
	struct md_sb tmp;	/* 4 KiB: node threads have 512 KiB stacks */
	const uint8_t *p = buf;
	int r;

	if (why && why_size)
		why[0] = '\0';
	if (len < 4 || get_le(p + OFF_MAGIC, 4) != MDSB_MAGIC) {
		if (why && why_size)
			snprintf(why, why_size, "no md magic at sector %" PRIu64, sb_sector);
		return -ENODATA;
	}
	r = check_location(minor, sb_sector, dev_sectors, why, why_size);
	if (r == 0)
		r = check_raw(p, len, sb_sector, why, why_size);
	if (r < 0)
		return r;
	decode(p, minor, &tmp);
	r = check_array(&tmp, why, why_size);
	if (r == 0)
		r = check_data(&tmp, sb_sector, dev_sectors, why, why_size);
	if (r == 0)
		memcpy(sb, &tmp, sizeof(tmp));
	return r;
}

/*
 * Only bytes up to 256 + 2 * max_dev carry the superblock; the rest of the
 * MDSB_SIZE returned is zero. Note that the kernel's default bitmap place
 * is 1 KiB after a 1.1/1.2 superblock and data may start right after it,
 * so a writer should not write more than the superblock's own sectors.
 */
int mdsb_build(const struct md_sb *sb, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (sb->max_dev > MDSB_MAX_DEV || len < MDSB_SIZE)
		return -EINVAL;
	memset(p, 0, len);
	put_le(p + OFF_MAGIC, 4, MDSB_MAGIC);
	put_le(p + OFF_MAJOR, 4, 1);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		store_field(p, &fields[i], sb);
	memcpy(p + OFF_SET_UUID, sb->set_uuid, 16);
	memcpy(p + OFF_DEV_UUID, sb->device_uuid, 16);
	memcpy(p + OFF_SET_NAME, sb->set_name, strnlen(sb->set_name, NAME_LEN));
	for (uint32_t i = 0; i < sb->max_dev; i++)
		put_le(p + OFF_ROLES + 2 * i, 2, sb->roles[i]);
	put_le(p + OFF_CSUM, 4, mdsb_csum(p, len));
	return 0;
}

uint16_t mdsb_role(const struct md_sb *sb)
{
	if (sb->dev_number >= sb->max_dev || sb->dev_number >= MDSB_MAX_DEV)
		return MDSB_ROLE_SPARE;
	return sb->roles[sb->dev_number];
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* text against a pattern: 'x' a hex digit, anything else itself. */
static bool uuid_match(const char *text, const char *pattern, uint8_t uuid[16])
{
	uint8_t out[16];
	unsigned int digits = 0;

	for (; *pattern; pattern++, text++) {
		int v = hex_value(*text);

		if (*pattern != 'x') {
			if (*text != *pattern)
				return false;
			continue;
		}
		if (v < 0)
			return false;
		if (digits % 2 == 0)
			out[digits / 2] = (uint8_t)(v << 4);
		else
			out[digits / 2] |= (uint8_t)v;
		digits++;
	}
	if (*text)
		return false;
	memcpy(uuid, out, 16);
	return true;
}

int mdsb_uuid_parse(const char *text, uint8_t uuid[16])
{
	if (uuid_match(text, "xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx", uuid) ||
	    uuid_match(text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", uuid))
		return 0;
	return -EINVAL;
}

void mdsb_uuid_format(const uint8_t uuid[16], char out[36])
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;

	for (unsigned int i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			*o++ = ':';
		*o++ = hex[uuid[i] >> 4];
		*o++ = hex[uuid[i] & 15];
	}
	*o = '\0';
}

const char *mdsb_level_name(int32_t level)
{
	switch (level) {
	case -1: return "linear";
	case 0: return "raid0";
	case 1: return "raid1";
	case 4: return "raid4";
	case 5: return "raid5";
	case 6: return "raid6";
	case 10: return "raid10";
	default: return NULL;
	}
}
