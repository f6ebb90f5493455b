/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: thin_pool_status_parse and thin_status_parse on a
 * NUL-terminated copy of the input, with why buffers of several sizes.
 * What parses is printed back in the kernel's format and must parse to
 * the same values; what does not must say why.
 */
#include "dm/thin_status.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static char line[THIN_STATUS_MAX + 64];

static bool pool_same(const struct thin_pool_status *a, const struct thin_pool_status *b)
{
	return a->fail == b->fail && a->error == b->error &&
	       a->transaction_id == b->transaction_id && a->meta_used == b->meta_used &&
	       a->meta_total == b->meta_total && a->data_used == b->data_used &&
	       a->data_total == b->data_total && !strcmp(a->held_root, b->held_root) &&
	       a->mode == b->mode && a->discard_passdown == b->discard_passdown &&
	       a->error_if_no_space == b->error_if_no_space &&
	       a->needs_check == b->needs_check &&
	       a->has_meta_low_water == b->has_meta_low_water &&
	       a->meta_low_water == b->meta_low_water;
}

static void pool_again(const struct thin_pool_status *st)
{
	static const char *const modes[] = { "rw", "ro", "out_of_data_space" };
	struct thin_pool_status back;
	char lw[24] = "";

	CHECK(st->mode <= THIN_POOL_OUT_OF_DATA);
	CHECK(st->meta_used <= st->meta_total && st->data_used <= st->data_total);
	CHECK(memchr(st->held_root, '\0', sizeof(st->held_root)) && st->held_root[0]);
	if (st->has_meta_low_water)
		snprintf(lw, sizeof(lw), "%llu ", (unsigned long long)st->meta_low_water);
	snprintf(line, sizeof(line), "%llu %llu/%llu %llu/%llu %s %s %s %s %s %s",
		 (unsigned long long)st->transaction_id, (unsigned long long)st->meta_used,
		 (unsigned long long)st->meta_total, (unsigned long long)st->data_used,
		 (unsigned long long)st->data_total, st->held_root, modes[st->mode],
		 st->discard_passdown ? "discard_passdown" : "no_discard_passdown",
		 st->error_if_no_space ? "error_if_no_space" : "queue_if_no_space",
		 st->needs_check ? "needs_check" : "-", lw);
	CHECK(thin_pool_status_parse(line, &back, NULL, 0) == 0);
	CHECK(pool_same(&back, st));
}

static void pool(const char *s)
{
	struct thin_pool_status st, zero;
	char why[160], tiny[1] = { 'x' };
	int r;

	memset(&st, 0, sizeof(st));
	memset(why, 'w', sizeof(why));
	r = thin_pool_status_parse(s, &st, why, sizeof(why));
	CHECK(r == 0 || r == -EINVAL);
	CHECK(thin_pool_status_parse(s, &zero, tiny, sizeof(tiny)) == r);
	CHECK(thin_pool_status_parse(s, &zero, NULL, 0) == r);
	if (r < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0] && !tiny[0]);
		return;
	}
	CHECK(!(st.fail && st.error));
	if (!st.fail && !st.error)
		pool_again(&st);
}

static void thin(const char *s)
{
	struct thin_status st, back;
	char why[160];
	int r;

	memset(&st, 0, sizeof(st));
	memset(why, 'w', sizeof(why));
	r = thin_status_parse(s, &st, why, sizeof(why));
	CHECK(r == 0 || r == -EINVAL);
	if (r < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0]);
		return;
	}
	CHECK(!(st.fail && st.error));
	if (st.fail || st.error)
		return;
	if (st.has_highest)
		snprintf(line, sizeof(line), "%llu %llu", (unsigned long long)st.mapped_sectors,
			 (unsigned long long)st.highest_mapped);
	else
		snprintf(line, sizeof(line), "%llu -", (unsigned long long)st.mapped_sectors);
	CHECK(thin_status_parse(line, &back, NULL, 0) == 0);
	CHECK(back.mapped_sectors == st.mapped_sectors && back.has_highest == st.has_highest &&
	      back.highest_mapped == st.highest_mapped && !back.fail && !back.error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	pool(s);
	thin(s);
	free(s);
	return 0;
}
