/* SPDX-License-Identifier: MIT */
/*
 * thin-pool and thin status lines (untrusted, parsed bounded), table lines
 * and pool messages. Formats: thin_status.h.
 */
#include "thin_status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MAX_FIELDS 16		/* kept; later ones are only counted */
#define SHOW 40			/* bytes of a field or line quoted in why */
#define POOL_FIELDS 8		/* up to needs_check|- */

struct field {
	const char *p;
	size_t len;
};

struct fields {
	struct field f[MAX_FIELDS];
	unsigned int n;		/* all fields, kept or not */
};

static void say(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
}

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Splits s on blanks; -EINVAL (why set) when too long or empty. */
static int split(const char *what, const char *s, struct fields *fs, char *why,
		 size_t why_size)
{
	size_t len = s ? strnlen(s, THIN_STATUS_MAX + 1) : 0, i = 0;

	if (len > THIN_STATUS_MAX) {
		say(why, why_size, "%s status is longer than %u bytes", what,
		    THIN_STATUS_MAX);
		return -EINVAL;
	}
	fs->n = 0;
	while (i < len) {
		size_t start;

		while (i < len && is_sep(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !is_sep(s[i]))
			i++;
		if (fs->n < MAX_FIELDS)
			fs->f[fs->n] = (struct field){ s + start, i - start };
		fs->n++;
	}
	if (fs->n == 0) {
		say(why, why_size, "%s status is empty", what);
		return -EINVAL;
	}
	return 0;
}

static bool is(const struct field *f, const char *word)
{
	return f->len == strlen(word) && !memcmp(f->p, word, f->len);
}

static int show_len(const struct field *f)
{
	return f->len > SHOW ? SHOW : (int)f->len;
}

/* Decimal digits only, no sign, no overflow. */
static bool parse_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(p[i] - '0');

		if (p[i] < '0' || p[i] > '9' || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "USED/TOTAL" with used <= total. */
static bool parse_ratio(const struct field *f, uint64_t *used, uint64_t *total)
{
	const char *slash = memchr(f->p, '/', f->len);
	size_t ulen;

	if (!slash)
		return false;
	ulen = (size_t)(slash - f->p);
	return parse_u64(f->p, ulen, used) &&
	       parse_u64(slash + 1, f->len - ulen - 1, total) && *used <= *total;
}

static int bad_field(char *why, size_t why_size, const char *what, unsigned int nr,
		     const char *name, const struct field *f)
{
	say(why, why_size, "%s status field %u (%s) is '%.*s%s'", what, nr, name,
	    show_len(f), f->p, f->len > SHOW ? "..." : "");
	return -EINVAL;
}

/* Fields 5-8: one keyword each. */
static int pool_words(const struct fields *fs, struct thin_pool_status *st,
		      char *why, size_t why_size)
{
	const struct field *f = fs->f;

	if (is(&f[4], "rw"))
		st->mode = THIN_POOL_RW;
	else if (is(&f[4], "ro"))
		st->mode = THIN_POOL_RO;
	else if (is(&f[4], "out_of_data_space"))
		st->mode = THIN_POOL_OUT_OF_DATA;
	else
		return bad_field(why, why_size, "thin-pool", 5,
				 "rw, ro or out_of_data_space", &f[4]);
	if (!is(&f[5], "discard_passdown") && !is(&f[5], "no_discard_passdown") &&
	    !is(&f[5], "ignore_discard"))
		return bad_field(why, why_size, "thin-pool", 6,
				 "discard_passdown, no_discard_passdown or ignore_discard",
				 &f[5]);
	st->discard_passdown = is(&f[5], "discard_passdown");
	if (!is(&f[6], "error_if_no_space") && !is(&f[6], "queue_if_no_space"))
		return bad_field(why, why_size, "thin-pool", 7,
				 "error_if_no_space or queue_if_no_space", &f[6]);
	st->error_if_no_space = is(&f[6], "error_if_no_space");
	if (!is(&f[7], "needs_check") && !is(&f[7], "-"))
		return bad_field(why, why_size, "thin-pool", 8, "needs_check or -", &f[7]);
	st->needs_check = is(&f[7], "needs_check");
	return 0;
}

/* Fields 1-4 and 9: numbers. */
static int pool_numbers(const struct fields *fs, struct thin_pool_status *st,
			char *why, size_t why_size)
{
	const struct field *f = fs->f;
	uint64_t root;

	if (!parse_u64(f[0].p, f[0].len, &st->transaction_id))
		return bad_field(why, why_size, "thin-pool", 1, "transaction id", &f[0]);
	if (!parse_ratio(&f[1], &st->meta_used, &st->meta_total))
		return bad_field(why, why_size, "thin-pool", 2,
				 "used/total metadata blocks", &f[1]);
	if (!parse_ratio(&f[2], &st->data_used, &st->data_total))
		return bad_field(why, why_size, "thin-pool", 3, "used/total data blocks",
				 &f[2]);
	if (!is(&f[3], "-") && !parse_u64(f[3].p, f[3].len, &root))
		return bad_field(why, why_size, "thin-pool", 4, "held metadata root or -",
				 &f[3]);
	memcpy(st->held_root, f[3].p, f[3].len);	/* at most 20 bytes */
	st->held_root[f[3].len] = '\0';
	if (fs->n > POOL_FIELDS) {
		if (!parse_u64(f[8].p, f[8].len, &st->meta_low_water))
			return bad_field(why, why_size, "thin-pool", 9,
					 "metadata low watermark", &f[8]);
		st->has_meta_low_water = true;
	}
	return 0;
}

/* "Fail" or "Error" alone: the target's whole state, nothing more to read. */
static bool failed(const struct fields *fs, bool *fail, bool *error)
{
	if (!is(&fs->f[0], "Fail") && !is(&fs->f[0], "Error"))
		return false;
	*fail = is(&fs->f[0], "Fail");
	*error = !*fail;
	return true;
}

int thin_pool_status_parse(const char *s, struct thin_pool_status *st, char *why,
			   size_t why_size)
{
	struct thin_pool_status got = { .held_root = "-" };
	struct fields fs;
	int r = split("thin-pool", s, &fs, why, why_size);

	if (r < 0)
		return r;
	if (failed(&fs, &got.fail, &got.error)) {
		*st = got;
		return 0;
	}
	if (fs.n < POOL_FIELDS) {
		say(why, why_size, "thin-pool status '%.*s' has %u fields, %u or more "
		    "expected (kernel 4.2 or later)", SHOW, s, fs.n, POOL_FIELDS);
		return -EINVAL;
	}
	r = pool_numbers(&fs, &got, why, why_size);
	if (r == 0)
		r = pool_words(&fs, &got, why, why_size);
	if (r == 0)
		*st = got;
	return r;
}

int thin_status_parse(const char *s, struct thin_status *st, char *why, size_t why_size)
{
	struct thin_status got = { 0 };
	struct fields fs;
	int r = split("thin", s, &fs, why, why_size);

	if (r < 0)
		return r;
	if (failed(&fs, &got.fail, &got.error)) {
		*st = got;
		return 0;
	}
	if (fs.n == 1 && is(&fs.f[0], "-")) {
		say(why, why_size, "thin status is '-': the target has no thin device");
		return -EINVAL;
	}
	if (fs.n < 2) {
		say(why, why_size, "thin status '%.*s' has 1 field, 2 expected", SHOW, s);
		return -EINVAL;
	}
	if (!parse_u64(fs.f[0].p, fs.f[0].len, &got.mapped_sectors))
		return bad_field(why, why_size, "thin", 1, "mapped sectors", &fs.f[0]);
	if (!is(&fs.f[1], "-")) {
		if (!parse_u64(fs.f[1].p, fs.f[1].len, &got.highest_mapped))
			return bad_field(why, why_size, "thin", 2,
					 "highest mapped sector or -", &fs.f[1]);
		got.has_highest = true;
	}
	*st = got;
	return 0;
}

/* ---- builders ---- */

static int out(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int out(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < size ? n : -ENOSPC;
}

int thin_pool_table(char *buf, size_t size, dev_t meta, dev_t data,
		    uint64_t block_sectors, uint64_t low_water_blocks,
		    bool skip_block_zeroing, bool read_only)
{
	/* pool_ctr(): DATA_DEV_BLOCK_SIZE_MIN_SECTORS multiples up to 1 GiB. */
	if (block_sectors < THIN_BLOCK_MIN || block_sectors > THIN_BLOCK_MAX ||
	    block_sectors % THIN_BLOCK_MIN)
		return -EINVAL;
	return out(buf, size, "%u:%u %u:%u %llu %llu %u%s%s", major(meta), minor(meta),
		   major(data), minor(data), (unsigned long long)block_sectors,
		   (unsigned long long)low_water_blocks,
		   (unsigned int)skip_block_zeroing + (unsigned int)read_only,
		   skip_block_zeroing ? " skip_block_zeroing" : "",
		   read_only ? " read_only" : "");
}

int thin_table(char *buf, size_t size, dev_t pool, uint32_t dev_id)
{
	if (dev_id > THIN_DEV_ID_MAX)
		return -EINVAL;
	return out(buf, size, "%u:%u %u", major(pool), minor(pool), dev_id);
}

int thin_msg_create_thin(char *buf, size_t size, uint32_t dev_id)
{
	if (dev_id > THIN_DEV_ID_MAX)
		return -EINVAL;
	return out(buf, size, "create_thin %u", dev_id);
}

int thin_msg_create_snap(char *buf, size_t size, uint32_t dev_id, uint32_t origin_id)
{
	if (dev_id > THIN_DEV_ID_MAX || origin_id > THIN_DEV_ID_MAX)
		return -EINVAL;
	return out(buf, size, "create_snap %u %u", dev_id, origin_id);
}

int thin_msg_set_transaction_id(char *buf, size_t size, uint64_t old_id, uint64_t new_id)
{
	return out(buf, size, "set_transaction_id %llu %llu", (unsigned long long)old_id,
		   (unsigned long long)new_id);
}

int thin_msg_delete(char *buf, size_t size, uint32_t dev_id)
{
	if (dev_id > THIN_DEV_ID_MAX)
		return -EINVAL;
	return out(buf, size, "delete %u", dev_id);
}
