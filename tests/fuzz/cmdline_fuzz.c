/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: cmdline_parse and devspec_parse on the same bytes.
 * Checks that whatever is accepted comes back out intact (devspec_str
 * parses again to the same spec) and that errors point inside the line.
 */
#include "cmdline.h"
#include "devspec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)
#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void round_trip(const struct devspec *ds)
{
	struct devspec again;
	const char *why = NULL;
	char buf[300];

	CHECK(TERMINATED(ds->value));
	CHECK(devspec_parse(devspec_str(ds, buf, sizeof(buf)), &again, &why) == 0);
	CHECK(again.kind == ds->kind);
	CHECK(!strcmp(again.value, ds->value));
	CHECK(again.major == ds->major && again.minor == ds->minor);
}

static void check_cmdline(const char *s, size_t size)
{
	struct boot_params bp;
	struct cmdline_error err;

	if (cmdline_parse(s, &bp, &err) == 0) {
		CHECK(TERMINATED(bp.rootfstype) && TERMINATED(bp.rootflags));
		CHECK(TERMINATED(bp.init) && TERMINATED(bp.loop));
		CHECK(TERMINATED(bp.loopfstype) && TERMINATED(bp.loopflags));
		CHECK(!bp.loop[0] || bp.loop[0] == '/');
		CHECK(!bp.init[0] || bp.init[0] == '/');
		CHECK(bp.timeout_s >= 1 && bp.timeout_s <= 86400);
		CHECK(bp.root_wait_s >= -1 && bp.root_wait_s <= 86400);
		CHECK(bp.brk <= BREAK_BOTTOM);
		CHECK(cmdline_break_name(bp.brk) != NULL);
		if (bp.have_root)
			round_trip(&bp.root);
		return;
	}
	CHECK(err.column >= 1 && err.column <= size);
	CHECK(err.expected && err.expected[0]);
	CHECK(TERMINATED(err.param));
}

static void check_devspec(const char *s)
{
	struct devspec ds;
	const char *why = NULL;
	struct blockdev_id id = {
		.name = s, .uuid = s, .label = s, .partuuid = s, .partlabel = s,
	};

	if (devspec_parse(s, &ds, &why) != 0) {
		CHECK(why != NULL);
		return;
	}
	round_trip(&ds);
	/* The tags match a device that carries the same text. */
	if (ds.kind != DEVSPEC_PATH && ds.kind != DEVSPEC_DEVNUM) {
		id.uuid = id.label = id.partuuid = id.partlabel = ds.value;
		CHECK(devspec_needs_probe(&ds));
		CHECK(devspec_match(&ds, &id));
	} else {
		CHECK(!devspec_needs_probe(&ds));
		devspec_match(&ds, &id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_cmdline(s, size);
	check_devspec(s);
	free(s);
	return 0;
}
