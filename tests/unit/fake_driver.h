/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_DRIVER_H
#define BLKASM_FAKE_DRIVER_H

/*
 * Plans built in code for the graph and executor tests, and a scripted
 * driver that records its calls.
 *
 * fake_plan_build(p, "a; b:a; c:a; d:b,c") makes node d need b and c; a
 * kind may come before the name ("loop img", default "test"); a dep may
 * name a later node. "~b" names the dep in option "members" too, which
 * fake_driver declares its may_fail_opt; "^b" names it in option "after". Node i sits on line i + 1 (name_pos and pos), the file
 * is "test.conf". Every node gets fake_driver and a zeroed fake_script as
 * its n->conf.
 *
 * fake_driver records, in order and under a mutex (workers call it):
 * "up:a" when up starts, "end:a" when up or a successful adopt returns,
 * "adopt:a" when adopt finds the node or fails (not when it returns 0),
 * "down:a". A script with rendezvous set makes up wait until that many
 * ups (fake_driver_reset's argument) are waiting together, at most
 * FAKE_RENDEZVOUS_S seconds; then up fails with -ETIMEDOUT, so a test of
 * concurrency fails instead of hanging.
 */
#include "driver.h"
#include "plan.h"

#include <stdbool.h>
#include <stdint.h>

#define FAKE_RENDEZVOUS_S 5

struct fake_script {
	int adopt;		/* 1: already up; <0: something else is there */
	int up;			/* what up returns */
	int down;
	const char *why;	/* n->why when failing */
	uint64_t advance_ms;	/* up moves the fake clock (inline runs only) */
	bool rendezvous;
};

extern const struct driver fake_driver;

/* Also calls fake_driver_reset(2). */
void fake_plan_build(struct plan *p, const char *desc);
void fake_plan_free(struct plan *p);
struct plan_node *fake_node(struct plan *p, const char *name);
struct fake_script *fake_script(struct plan *p, const char *name);

/* Forgets the recorded calls; `need` ups make a rendezvous. */
void fake_driver_reset(unsigned int need);
/* The calls without the "end:" events: "up:a up:b down:a". */
const char *fake_driver_calls(void);
/* Where an event ("up", "a") is in the record, or -1. */
int fake_driver_event(const char *what, const char *name);
unsigned int fake_driver_events(void);

#endif
