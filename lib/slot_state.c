/* SPDX-License-Identifier: MIT */
/*
 * The slot state in memory and as one on-disk copy; no I/O here. The copy
 * is checked in full before anything of it is used: it comes from a disk
 * that may have been cut off mid-write or tampered with.
 */
#include "slot_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * One copy, little-endian:
 *   0  magic "BLKSLOTS"      8  version     12  copy size (4096)
 *  16  sequence (u64)       24  count, next, booted, 0    28  0 (u32)
 *  32  SLOT_MAX entries of 32 bytes: name[24] (NUL-padded), priority,
 *      tries, flags (bit 0: good), 5 zero bytes
 * 288  zeros up to 4092, then the CRC32C of bytes 0..4091.
 */
static const char magic[8] = { 'B', 'L', 'K', 'S', 'L', 'O', 'T', 'S' };
#define OFF_SLOTS 32u
#define SLOT_ENTRY 32u
#define NAME_FIELD 24u
#define OFF_END (OFF_SLOTS + SLOT_MAX * SLOT_ENTRY)
#define OFF_CRC (SLOT_COPY_SIZE - 4u)
#define FLAG_GOOD 1u

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint32_t slot_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0x82f63b78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

bool slot_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SLOT_NAME_MAX || name[0] == '-')
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

bool slot_state_equal(const struct slot_state *a, const struct slot_state *b)
{
	if (a->seq != b->seq || a->count != b->count || a->next != b->next ||
	    a->booted != b->booted || a->count > SLOT_MAX)
		return false;
	for (unsigned int i = 0; i < a->count; i++) {
		const struct slot *x = &a->slots[i], *y = &b->slots[i];

		if (strcmp(x->name, y->name) || x->priority != y->priority ||
		    x->tries != y->tries || x->good != y->good)
			return false;
	}
	return true;
}

int slot_find(const struct slot_state *s, const char *name)
{
	for (unsigned int i = 0; i < s->count && i < SLOT_MAX; i++)
		if (!strcmp(s->slots[i].name, name))
			return (int)i;
	return -ENOENT;
}

static int say(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int check_slot(const struct slot_state *s, unsigned int i, char *why, size_t size)
{
	const struct slot *sl = &s->slots[i];

	if (memchr(sl->name, '\0', sizeof(sl->name)) == NULL || !slot_name_valid(sl->name))
		return say(why, size, "slot %u: bad name (1-%u of a-z 0-9 _ -, not starting "
			   "with -)", i, SLOT_NAME_MAX);
	for (unsigned int k = 0; k < i; k++)
		if (!strcmp(s->slots[k].name, sl->name))
			return say(why, size, "slot %u: name %s used twice", i, sl->name);
	if (sl->priority > SLOT_PRIO_MAX)
		return say(why, size, "slot %s: priority %u out of range 0-%u", sl->name,
			   sl->priority, SLOT_PRIO_MAX);
	if (sl->tries > SLOT_TRIES_MAX)
		return say(why, size, "slot %s: tries %u out of range 0-%u", sl->name,
			   sl->tries, SLOT_TRIES_MAX);
	return 0;
}

int slot_state_check(const struct slot_state *s, char *why, size_t size)
{
	int r;

	if (s->count < 1 || s->count > SLOT_MAX)
		return say(why, size, "slot count %u out of range 1-%u", s->count, SLOT_MAX);
	for (unsigned int i = 0; i < s->count; i++)
		if ((r = check_slot(s, i, why, size)) < 0)
			return r;
	if (s->next != SLOT_NONE && s->next >= s->count)
		return say(why, size, "next-boot slot %u out of range (%u slots)", s->next,
			   s->count);
	if (s->booted != SLOT_NONE && s->booted >= s->count)
		return say(why, size, "booted slot %u out of range (%u slots)", s->booted,
			   s->count);
	return 0;
}

void slot_state_encode(const struct slot_state *s, uint8_t *copy)
{
	memset(copy, 0, SLOT_COPY_SIZE);
	memcpy(copy, magic, sizeof(magic));
	put32(copy + 8, SLOT_VERSION);
	put32(copy + 12, SLOT_COPY_SIZE);
	put64(copy + 16, s->seq);
	copy[24] = (uint8_t)s->count;
	copy[25] = (uint8_t)s->next;
	copy[26] = (uint8_t)s->booted;
	for (unsigned int i = 0; i < s->count && i < SLOT_MAX; i++) {
		uint8_t *e = copy + OFF_SLOTS + i * SLOT_ENTRY;

		memcpy(e, s->slots[i].name, strnlen(s->slots[i].name, NAME_FIELD - 1));
		e[NAME_FIELD] = (uint8_t)s->slots[i].priority;
		e[NAME_FIELD + 1] = (uint8_t)s->slots[i].tries;
		e[NAME_FIELD + 2] = s->slots[i].good ? FLAG_GOOD : 0;
	}
	put32(copy + OFF_CRC, slot_crc32c(0, copy, OFF_CRC));
}

static bool zeros(const uint8_t *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/* The header: magic, version, size, checksum, sequence, reserved bytes. */
static int decode_head(const uint8_t *copy, struct slot_state *s, char *why, size_t size)
{
	uint32_t crc = get32(copy + OFF_CRC), want;

	if (memcmp(copy, magic, sizeof(magic)))
		return say(why, size, zeros(copy, SLOT_COPY_SIZE) ? "blank (all zeros)" :
			   "bad magic");
	if (get32(copy + 8) != SLOT_VERSION)
		return say(why, size, "format version %u (this blkasm reads %u)",
			   get32(copy + 8), SLOT_VERSION);
	if (get32(copy + 12) != SLOT_COPY_SIZE)
		return say(why, size, "copy size %u (expected %u)", get32(copy + 12),
			   SLOT_COPY_SIZE);
	want = slot_crc32c(0, copy, OFF_CRC);
	if (crc != want)
		return say(why, size, "checksum mismatch (stored %08x, computed %08x)", crc,
			   want);
	s->seq = get64(copy + 16);
	if (s->seq == 0)
		return say(why, size, "sequence 0");
	if (copy[27] || get32(copy + 28) || !zeros(copy + OFF_END, OFF_CRC - OFF_END))
		return say(why, size, "reserved bytes not zero");
	s->count = copy[24];
	s->next = copy[25];
	s->booted = copy[26];
	return 0;
}

int slot_state_decode(const uint8_t *copy, struct slot_state *s, char *why, size_t size)
{
	struct slot_state d;
	int r;

	memset(&d, 0, sizeof(d));
	if ((r = decode_head(copy, &d, why, size)) < 0)
		return r;
	if (d.count < 1 || d.count > SLOT_MAX)
		return say(why, size, "slot count %u out of range 1-%u", d.count, SLOT_MAX);
	for (unsigned int i = 0; i < SLOT_MAX; i++) {
		const uint8_t *e = copy + OFF_SLOTS + i * SLOT_ENTRY;
		size_t n = strnlen((const char *)e, NAME_FIELD);

		if (i >= d.count) {
			if (!zeros(e, SLOT_ENTRY))
				return say(why, size, "unused slot entry %u not zero", i);
			continue;
		}
		if (n >= NAME_FIELD || !zeros(e + n, NAME_FIELD - n) || e[NAME_FIELD + 2] & ~FLAG_GOOD ||
		    !zeros(e + NAME_FIELD + 3, SLOT_ENTRY - NAME_FIELD - 3))
			return say(why, size, "slot %u: padding or flags not zero", i);
		memcpy(d.slots[i].name, e, n);
		d.slots[i].priority = e[NAME_FIELD];
		d.slots[i].tries = e[NAME_FIELD + 1];
		d.slots[i].good = e[NAME_FIELD + 2] & FLAG_GOOD;
	}
	if ((r = slot_state_check(&d, why, size)) < 0)
		return r;
	*s = d;
	return 0;
}

static bool bootable(const struct slot *sl)
{
	return sl->priority > 0 && (sl->good || sl->tries > 0);
}

int slot_choose(const struct slot_state *s)
{
	int best = -ENOENT;

	if (s->next != SLOT_NONE && s->next < s->count)
		return (int)s->next;
	for (unsigned int i = 0; i < s->count; i++)
		if (bootable(&s->slots[i]) &&
		    (best < 0 || s->slots[i].priority > s->slots[best].priority))
			best = (int)i;
	return best;
}

int slot_boot(struct slot_state *s)
{
	int i = slot_choose(s);

	if (i < 0)
		return i;
	if (s->next != SLOT_NONE)
		s->next = SLOT_NONE;	/* one boot only, and no try of its own */
	else if (!s->slots[i].good)
		s->slots[i].tries--;
	s->booted = (unsigned int)i;
	return i;
}

void slot_mark_good(struct slot_state *s, unsigned int i)
{
	s->slots[i].good = true;
}

void slot_activate(struct slot_state *s, unsigned int i, unsigned int tries)
{
	for (unsigned int k = 0; k < s->count; k++)
		if (k != i && s->slots[k].priority == SLOT_PRIO_MAX)
			s->slots[k].priority = SLOT_PRIO_MAX - 1;
	s->slots[i].priority = SLOT_PRIO_MAX;
	s->slots[i].tries = tries;
	s->slots[i].good = false;
}

void slot_set_next(struct slot_state *s, unsigned int i)
{
	s->next = i;
}

static const char *slot_label(const struct slot_state *s, unsigned int i)
{
	return i < s->count ? s->slots[i].name : "-";
}

/* Appends to buf at *len, never past size. */
static void add(char *buf, size_t size, int *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if ((size_t)*len >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - (size_t)*len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len = (size_t)(*len + n) < size ? *len + n : (int)size - 1;
}

static void diff_slot(const struct slot *a, const struct slot *b, char *buf, size_t size,
		      int *len)
{
	char what[96];
	int n = 0;

	if (a->priority != b->priority)
		add(what, sizeof(what), &n, ", priority %u -> %u", a->priority, b->priority);
	if (a->tries != b->tries)
		add(what, sizeof(what), &n, ", tries %u -> %u", a->tries, b->tries);
	if (a->good != b->good)
		add(what, sizeof(what), &n, ", good %s -> %s", a->good ? "yes" : "no",
		    b->good ? "yes" : "no");
	if (n)
		add(buf, size, len, "%s%s: %s", *len ? "; " : "", b->name, what + 2);
}

int slot_state_diff(const struct slot_state *a, const struct slot_state *b, char *buf,
		    size_t size)
{
	int len = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned int i = 0; i < b->count && i < a->count; i++)
		diff_slot(&a->slots[i], &b->slots[i], buf, size, &len);
	if (a->next != b->next)
		add(buf, size, &len, "%snext boot: %s -> %s", len ? "; " : "",
		    slot_label(a, a->next), slot_label(b, b->next));
	if (a->booted != b->booted)
		add(buf, size, &len, "%sbooted: %s -> %s", len ? "; " : "",
		    slot_label(a, a->booted), slot_label(b, b->booted));
	return len;
}
