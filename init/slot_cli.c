/* SPDX-License-Identifier: MIT */
/*
 * blkasm slot: the A/B root slots' state on a running system (show, init,
 * good, activate, next). A change is checked in full before anything is
 * written, printed old -> new and logged to /dev/kmsg.
 */
#include "cli.h"
#include "slot_cli.h"
#include "log.h"
#include "slot_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_DEFAULT_TRIES 3

int slot_bad(const char *sub, const char *fmt, const char *arg)
{
	fprintf(stderr, "blkasm slot %s: ", sub);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

/* argv: "slot" SUB [--state PATH] [--json] [--tries N] [NAME...]. */
static int parse(int argc, char **argv, struct slot_args *a)
{
	if (argc < 2) {
		fprintf(stderr, "blkasm slot: expected show, init, good, activate, next, snapshot "
			"or delete\n");
		return 2;
	}
	a->sub = argv[1];
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--state") && i + 1 < argc)
			a->state = argv[++i];
		else if (!strcmp(argv[i], "--tries") && i + 1 < argc)
			a->tries = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			a->json = true;
		else if (a->nnames < SLOT_MAX)
			a->names[a->nnames++] = argv[i];
		else
			return slot_bad(a->sub, "more than %s slots", "8");
	}
	if (!a->state)
		return slot_bad(a->sub, "%s is needed (the state file or device)", "--state PATH");
	return 0;
}

/* A whole number in [min, max] from text. */
static bool number(const char *s, unsigned int min, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v < min || v > max)
		return false;
	*out = (unsigned int)v;
	return true;
}

static void json_slot_ref(const char *key, const struct slot_state *s, unsigned int i)
{
	printf(", \"%s\": ", key);
	if (i < s->count)
		cli_json_str(s->slots[i].name);
	else
		printf("null");
}

static void show_json(const struct slot_args *a, const struct slot_state *s,
		      const struct slot_read_report *rep)
{
	int pick = slot_choose(s);

	printf("{\"state\": ");
	cli_json_str(a->state);
	printf(", \"sequence\": %llu, \"copy\": %d, \"bad_copy\": ",
	       (unsigned long long)s->seq, rep->newest);
	if (rep->why[!rep->newest][0])
		cli_json_str(rep->why[!rep->newest]);
	else
		printf("null");
	printf(", \"slots\": [");
	for (unsigned int i = 0; i < s->count; i++) {
		printf("%s{\"name\": ", i ? ", " : "");
		cli_json_str(s->slots[i].name);
		printf(", \"priority\": %u, \"tries\": %u, \"good\": %s}", s->slots[i].priority,
		       s->slots[i].tries, s->slots[i].good ? "true" : "false");
	}
	printf("]");
	json_slot_ref("next", s, s->next);
	json_slot_ref("booted", s, s->booted);
	json_slot_ref("boots", s, pick < 0 ? SLOT_NONE : (unsigned int)pick);
	printf("}\n");
}

static void show_text(const struct slot_args *a, const struct slot_state *s,
		      const struct slot_read_report *rep)
{
	int pick = slot_choose(s);

	printf("state %s (copy %d, sequence %llu)\n", a->state, rep->newest,
	       (unsigned long long)s->seq);
	if (rep->why[!rep->newest][0])
		printf("copy %d is not valid: %s\n", !rep->newest, rep->why[!rep->newest]);
	printf("%-24s %4s %5s %4s  %s\n", "SLOT", "PRIO", "TRIES", "GOOD", "NOTE");
	for (unsigned int i = 0; i < s->count; i++) {
		const struct slot *sl = &s->slots[i];

		printf("%-24s %4u %5u %4s  %s%s%s\n", sl->name, sl->priority, sl->tries,
		       sl->good ? "yes" : "no", s->booted == i ? "booted" : "",
		       s->booted == i && s->next == i ? ", " : "",
		       s->next == i ? "next boot only" : "");
	}
	if (pick < 0)
		printf("next boot: no bootable slot (the rescue shell)\n");
	else
		printf("next boot: %s\n", s->slots[pick].name);
}

int slot_load(const struct slot_args *a, struct slot_state *s,
		struct slot_read_report *rep)
{
	const struct slot_loc loc = { .path = a->state, .off = 0 };
	char why[512];
	int r = slot_state_read(&loc, s, rep, why, sizeof(why));

	if (r < 0)
		fprintf(stderr, "blkasm slot %s: %s\n", a->sub, why);
	return r;
}

static int show(const struct slot_args *a)
{
	struct slot_read_report rep;
	struct slot_state s;

	if (a->nnames || a->tries)
		return slot_bad(a->sub, "unexpected argument '%s'",
				a->nnames ? a->names[0] : "--tries");
	if (slot_load(a, &s, &rep) < 0)
		return 1;
	if (a->json)
		show_json(a, &s, &rep);
	else
		show_text(a, &s, &rep);
	return 0;
}

/* Writes new over old's place and says what changed; nothing when nothing did. */
int slot_commit(const struct slot_args *a, const struct slot_state *old,
		  struct slot_state *new, struct slot_read_report *rep)
{
	const struct slot_loc loc = { .path = a->state, .off = 0 };
	char diff[512], why[512];

	if (slot_state_diff(old, new, diff, sizeof(diff)) == 0) {
		printf("%s: unchanged\n", a->state);
		return 0;
	}
	if (slot_state_write(&loc, new, rep, why, sizeof(why)) < 0) {
		fprintf(stderr, "blkasm slot %s: %s (nothing changed)\n", a->sub, why);
		return 1;
	}
	printf("%s: %s\n", a->state, diff);
	log_kmsg(LOG_NOTE, "slot %s: %s: %s", a->sub, a->state, diff);
	return 0;
}

/* Loads the state and finds the one slot named (or the booted one). */
int slot_target(const struct slot_args *a, struct slot_state *s,
		  struct slot_read_report *rep, bool booted_ok, unsigned int *i)
{
	int k;

	if (a->nnames > 1)
		return slot_bad(a->sub, "unexpected argument '%s'", a->names[1]);
	if (!a->nnames && !booted_ok)
		return slot_bad(a->sub, "%s is needed", "NAME");
	if (slot_load(a, s, rep) < 0)
		return 1;
	if (!a->nnames) {
		if (s->booted == SLOT_NONE)
			return slot_bad(a->sub, "%s: no slot was booted from it yet: name one",
				   a->state);
		*i = s->booted;
		return 0;
	}
	k = slot_find(s, a->names[0]);
	if (k < 0) {
		fprintf(stderr, "blkasm slot %s: %s: no slot named '%s'\n", a->sub, a->state,
			a->names[0]);
		return 1;
	}
	*i = (unsigned int)k;
	return 0;
}

static int change(const struct slot_args *a)
{
	unsigned int i = 0, tries = SLOT_DEFAULT_TRIES;
	struct slot_read_report rep;
	struct slot_state old, s;
	bool activate = !strcmp(a->sub, "activate");

	if (a->json || (a->tries && !activate))
		return slot_bad(a->sub, "unexpected option %s", a->json ? "--json" : "--tries");
	if (a->tries && !number(a->tries, 1, SLOT_TRIES_MAX, &tries))
		return slot_bad(a->sub, "--tries %s: expected a whole number, 1-7", a->tries);
	if (slot_target(a, &old, &rep, !strcmp(a->sub, "good"), &i))
		return 1;
	s = old;
	if (activate)
		slot_activate(&s, i, tries);
	else if (!strcmp(a->sub, "next"))
		slot_set_next(&s, i);
	else
		slot_mark_good(&s, i);
	return slot_commit(a, &old, &s, &rep);
}

/* NAME[:PRIO[:TRIES]]: without TRIES a slot is good (a known image). */
static int init_slot(const struct slot_args *a, const char *spec, unsigned int i,
		     struct slot *sl)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t n = c1 ? (size_t)(c1 - spec) : strlen(spec);
	char num[16];

	if (n > SLOT_NAME_MAX)
		return slot_bad(a->sub, "%s: slot name longer than 23 characters", spec);
	memcpy(sl->name, spec, n);
	sl->name[n] = '\0';
	if (!slot_name_valid(sl->name))
		return slot_bad(a->sub, "%s: a slot name is 1-23 of a-z 0-9 _ - (not starting "
			   "with -)", spec);
	sl->priority = i < SLOT_PRIO_MAX ? SLOT_PRIO_MAX - i : 1;
	sl->good = !c2;
	n = c1 ? (c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)) : 0;
	snprintf(num, sizeof(num), "%.*s", (int)n, c1 ? c1 + 1 : "");
	if (c1 && (n >= sizeof(num) || !number(num, 0, SLOT_PRIO_MAX, &sl->priority)))
		return slot_bad(a->sub, "%s: expected a priority 0-15 after the name", spec);
	if (c2 && !number(c2 + 1, 1, SLOT_TRIES_MAX, &sl->tries))
		return slot_bad(a->sub, "%s: expected tries 1-7 after the priority", spec);
	return 0;
}

static int init(const struct slot_args *a)
{
	const struct slot_loc loc = { .path = a->state, .off = 0 };
	struct slot_state s = { .next = SLOT_NONE, .booted = SLOT_NONE };
	char why[512];

	if (a->json || a->tries)
		return slot_bad(a->sub, "unexpected option %s", a->json ? "--json" : "--tries");
	if (!a->nnames)
		return slot_bad(a->sub, "%s is needed", "NAME[:PRIO[:TRIES]]...");
	for (unsigned int i = 0; i < a->nnames; i++) {
		if (init_slot(a, a->names[i], i, &s.slots[i]))
			return 1;
		if (slot_find(&s, s.slots[i].name) >= 0)
			return slot_bad(a->sub, "slot %s named twice", s.slots[i].name);
		s.count++;
	}
	if (slot_state_create(&loc, &s, why, sizeof(why)) < 0) {
		fprintf(stderr, "blkasm slot init: %s\n", why);
		return 1;
	}
	printf("%s: created with %u slots\n", a->state, s.count);
	log_kmsg(LOG_NOTE, "slot init: %s: created with %u slots", a->state, s.count);
	return 0;
}

int cli_slot(const struct cli *c, int argc, char **argv)
{
	struct slot_args a = { .sub = NULL };
	int r = parse(argc, argv, &a);

	if (r)
		return r;
	if (!strcmp(a.sub, "show"))
		return show(&a);
	if (!strcmp(a.sub, "init"))
		return init(&a);
	if (!strcmp(a.sub, "good") || !strcmp(a.sub, "activate") || !strcmp(a.sub, "next"))
		return change(&a);
	if (!strcmp(a.sub, "snapshot") || !strcmp(a.sub, "delete"))
		return slot_snap(c, &a);
	fprintf(stderr, "blkasm slot: unknown subcommand '%s' (show, init, good, activate, "
		"next, snapshot, delete)\n", a.sub);
	return 2;
}
