/* SPDX-License-Identifier: MIT */
/*
 * dm-verity's text: the table blkasm loads, the corruption policies and
 * the status line (untrusted, parsed bounded). Formats: verity_sb.h.
 */
#include "verity_sb.h"
#include "driver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

static const char *const words[] = { "error", "restart", "panic", "log" };
/* The kernel's optional arguments (DM_VERITY_OPT_*); none for EIO. */
static const char *const args[] = { NULL, "restart_on_corruption", "panic_on_corruption",
				    "ignore_corruption" };

const char *verity_policy_word(enum verity_policy p)
{
	return (unsigned int)p < 4 ? words[p] : "?";
}

int verity_policy_parse(const char *word, enum verity_policy *p)
{
	for (unsigned int i = 0; i < 4; i++)
		if (!strcmp(word, words[i])) {
			*p = (enum verity_policy)i;
			return 0;
		}
	return -EINVAL;
}

/* Appends to buf at *at; false once it no longer fits. */
static bool put(char *buf, size_t size, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool put(char *buf, size_t size, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, size - *at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *at) {
		*at = size;
		return false;
	}
	*at += (size_t)n;
	return true;
}

int verity_table(char *buf, size_t size, const struct verity_sb *sb, dev_t data, dev_t hash,
		 uint64_t hash_start, const char *root, enum verity_policy policy)
{
	size_t at = 0;

	put(buf, size, &at, "%u %u:%u %u:%u %u %u %llu %llu %s %s ", sb->hash_type,
	    major(data), minor(data), major(hash), minor(hash), sb->data_block_size,
	    sb->hash_block_size, (unsigned long long)sb->data_blocks,
	    (unsigned long long)hash_start, sb->algorithm, root);
	for (unsigned int i = 0; i < sb->salt_size; i++)
		put(buf, size, &at, "%02x", sb->salt[i]);
	if (!sb->salt_size)
		put(buf, size, &at, "-");
	if (policy != VERITY_EIO && (unsigned int)policy < 4)
		put(buf, size, &at, " 1 %s", args[policy]);
	if (at >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)at;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* A run of decimal digits [p, p+len) that fits 64 bits. */
static bool decimal(const char *p, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || x > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(p[i] - '0');
	}
	*v = x;
	return true;
}

#define BAD(...) (why && why_size ? driver_say(why, why_size, __VA_ARGS__) : (void)0, -EINVAL)

int verity_status_parse(const char *s, struct verity_status *st, char *why, size_t why_size)
{
	struct verity_status out = { 0 };
	size_t len = s ? strnlen(s, VERITY_STATUS_MAX + 1) : 0, i = 0, start;

	if (len > VERITY_STATUS_MAX)
		return BAD("verity status is longer than %u bytes", VERITY_STATUS_MAX);
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len)
		return BAD("verity status is empty");
	if ((s[i] != 'V' && s[i] != 'C') || (i + 1 < len && !is_blank(s[i + 1])))
		return BAD("verity status \"%.40s\" does not start with V or C", s + i);
	out.corrupted = s[i++] == 'C';
	/* Newer kernels append the FEC corrections, or "-" without FEC. */
	while (i < len && is_blank(s[i]))
		i++;
	start = i;
	while (i < len && !is_blank(s[i]))
		i++;
	if (i > start && !(i - start == 1 && s[start] == '-')) {
		if (!decimal(s + start, i - start, &out.corrected))
			return BAD("verity status: \"%.40s\" after %c is not a count of "
				   "corrections or -", s + start, out.corrupted ? 'C' : 'V');
		out.has_corrected = true;
	}
	while (i < len && is_blank(s[i]))
		i++;
	if (i < len)
		return BAD("verity status: unexpected \"%.40s\" at its end", s + i);
	*st = out;
	return 0;
}
