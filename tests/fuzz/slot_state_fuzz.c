/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the slot state as read from disk. The input is the
 * state's area (two copies, cut or padded with zeros to 8 KiB) in a file
 * of the fake seam, read by slot_state_read. A state that reads must pass
 * slot_state_check, encode and decode to itself, and stay valid through
 * every transition; one that does not must say why, per copy.
 */
#include "../unit/fake_sys.h"
#include "slot_state.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

/* Valid, and the same after a trip through a copy's bytes. */
static void round_trip(const struct slot_state *s)
{
	static uint8_t copy[SLOT_COPY_SIZE];
	struct slot_state d;
	char why[128];

	CHECK(slot_state_check(s, why, sizeof(why)) == 0);
	slot_state_encode(s, copy);
	CHECK(slot_state_decode(copy, &d, why, sizeof(why)) == 0);
	CHECK(slot_state_equal(s, &d));
}

static void transitions(const struct slot_state *s, uint8_t pick)
{
	struct slot_state t = *s;
	unsigned int i = pick % s->count;
	char diff[64];
	int c = slot_choose(&t), b;

	b = slot_boot(&t);
	CHECK(b == c);
	CHECK(b < 0 ? slot_state_equal(&t, s) :
	      t.booted == (unsigned int)b && t.next == SLOT_NONE);
	round_trip(&t);
	slot_activate(&t, i, 1 + pick % SLOT_TRIES_MAX);
	CHECK(slot_choose(&t) == (int)i || t.next != SLOT_NONE);
	round_trip(&t);
	slot_mark_good(&t, i);
	slot_set_next(&t, (i + 1) % s->count);
	round_trip(&t);
	CHECK(slot_state_diff(s, &t, diff, sizeof(diff)) < (int)sizeof(diff));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t area[SLOT_AREA_SIZE];
	const struct slot_loc loc = { .path = "/state", .off = 0 };
	struct slot_read_report rep;
	struct slot_state s;
	char why[512];
	int r;

	memset(area, 0, sizeof(area));
	memcpy(area, data, size < sizeof(area) ? size : sizeof(area));
	fake_reset();
	fake_file_add_data(loc.path, area, sizeof(area));
	r = slot_state_read(&loc, &s, &rep, why, sizeof(why));
	if (r < 0) {
		CHECK(r == -EUCLEAN && rep.newest == -1);
		CHECK(rep.why[0][0] && rep.why[1][0] && strstr(why, "copy 1: "));
		return 0;
	}
	CHECK(rep.newest == 0 || rep.newest == 1);
	CHECK(rep.why[rep.newest][0] == '\0');
	round_trip(&s);
	transitions(&s, size ? data[size - 1] : 0);
	return 0;
}
