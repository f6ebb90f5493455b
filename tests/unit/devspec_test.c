/* SPDX-License-Identifier: MIT */
#include "devspec.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

#define SPECS "/dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR"

static struct devspec parsed(const char *text)
{
	struct devspec ds;
	const char *why = NULL;
	int r = devspec_parse(text, &ds, &why);

	ATF_REQUIRE_EQ_MSG(r, 0, "'%s': %d (%s)", text, r, why ? why : "?");
	return ds;
}

static void check_bad(const char *text, const char *want)
{
	struct devspec ds;
	const char *why = NULL;
	int r = devspec_parse(text, &ds, &why);

	ATF_CHECK_EQ_MSG(r, -EINVAL, "'%s' gave %d", text, r);
	ATF_CHECK_MSG(why && !strcmp(why, want), "'%s': expected '%s', got '%s'", text,
		      want, why ? why : "(null)");
}

static const char *long_value(const char *prefix, size_t n)
{
	static char buf[600];
	size_t len = strlen(prefix);

	memcpy(buf, prefix, len);
	memset(buf + len, 'v', n);
	buf[len + n] = '\0';
	return buf;
}

ATF_TC_WITHOUT_HEAD(parse_kinds);
ATF_TC_BODY(parse_kinds, tc)
{
	static const struct {
		const char *text;
		enum devspec_kind kind;
		const char *value;
	} t[] = {
		{ "/dev/vda", DEVSPEC_PATH, "/dev/vda" },
		{ "/dev/mapper/vg0-root", DEVSPEC_PATH, "/dev/mapper/vg0-root" },
		{ "UUID=8d2b5c9e-3f4a-4b7e-9c1d-2e6f0a8b7c4d", DEVSPEC_UUID,
		  "8d2b5c9e-3f4a-4b7e-9c1d-2e6f0a8b7c4d" },
		{ "LABEL=my root", DEVSPEC_LABEL, "my root" },
		{ "LABEL=UUID=x", DEVSPEC_LABEL, "UUID=x" },
		{ "PARTUUID=5e1f2a3b-02", DEVSPEC_PARTUUID, "5e1f2a3b-02" },
		{ "PARTLABEL=system_a", DEVSPEC_PARTLABEL, "system_a" },
		{ "8:1", DEVSPEC_DEVNUM, "8:1" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct devspec ds = parsed(t[i].text);

		ATF_CHECK_EQ_MSG(ds.kind, t[i].kind, "%s", t[i].text);
		ATF_CHECK_STREQ_MSG(ds.value, t[i].value, "%s", t[i].text);
	}
}

ATF_TC_WITHOUT_HEAD(parse_devnum);
ATF_TC_BODY(parse_devnum, tc)
{
	struct devspec ds = parsed("254:16");

	ATF_CHECK_EQ(ds.kind, DEVSPEC_DEVNUM);
	ATF_CHECK_EQ(ds.major, 254);
	ATF_CHECK_EQ(ds.minor, 16);
	ds = parsed("4095:1048575");
	ATF_CHECK_EQ(ds.major, 4095);
	ATF_CHECK_EQ(ds.minor, 1048575);
	ds = parsed("0:0");
	ATF_CHECK_EQ(ds.major, 0);
	ATF_CHECK_EQ(ds.minor, 0);
	ds = parsed("008:001");
	ATF_CHECK_EQ(ds.major, 8);
	ATF_CHECK_EQ(ds.minor, 1);
}

ATF_TC_WITHOUT_HEAD(parse_errors);
ATF_TC_BODY(parse_errors, tc)
{
	check_bad("", SPECS);
	check_bad("vda", SPECS);
	check_bad("dev/vda", SPECS);
	check_bad("/dev/", SPECS);
	check_bad("/dev/vda/", SPECS);
	check_bad("/dev/../etc/passwd", SPECS);
	check_bad("/sys/block/vda", SPECS);
	check_bad("uuid=abcd", SPECS);
	check_bad("4096:0", SPECS);
	check_bad("1:1048576", SPECS);
	check_bad("8:", SPECS);
	check_bad(":1", SPECS);
	check_bad("8:1x", SPECS);
	check_bad("1:2:3", SPECS);
	check_bad("99999999999999999999:1", SPECS);
	check_bad("UUID=", "a value after '='");
	check_bad("LABEL=", "a value after '='");
	check_bad("PARTUUID=", "a value after '='");
	check_bad("PARTLABEL=", "a value after '='");
	check_bad(long_value("LABEL=", 256), "at most 255 characters");
	check_bad(long_value("/dev/", 251), "at most 255 characters");
}

ATF_TC_WITHOUT_HEAD(longest_values);
ATF_TC_BODY(longest_values, tc)
{
	struct devspec ds = parsed(long_value("LABEL=", 255));

	ATF_CHECK_EQ(strlen(ds.value), 255);
	ds = parsed(long_value("/dev/", 250));
	ATF_CHECK_EQ(strlen(ds.value), 255);
}

/*
 * "/../" inside is refused, but a path ending in ".." or "." names a
 * folder (here "/" and "/dev"), never a block device.
 */
ATF_TC_WITHOUT_HEAD(dot_elements_at_end_rejected);
ATF_TC_BODY(dot_elements_at_end_rejected, tc)
{
	check_bad("/dev/..", SPECS);
	check_bad("/dev/vda/..", SPECS);
	check_bad("/dev/.", SPECS);
}

ATF_TC_WITHOUT_HEAD(str_round_trip);
ATF_TC_BODY(str_round_trip, tc)
{
	static const char *const texts[] = {
		"/dev/vda1", "/dev/cciss/c0d0p2", "UUID=0A1B-2C3D", "LABEL=my root",
		"PARTUUID=5e1f2a3b-02", "PARTLABEL=system_a", "254:0", "4095:1048575",
	};
	char buf[300], small[6];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct devspec ds = parsed(texts[i]), again;
		const char *why;

		ATF_CHECK_STREQ(devspec_str(&ds, buf, sizeof(buf)), texts[i]);
		ATF_CHECK_EQ(devspec_parse(buf, &again, &why), 0);
		ATF_CHECK_EQ(again.kind, ds.kind);
		ATF_CHECK_STREQ(again.value, ds.value);
	}
	struct devspec ds = parsed("UUID=0A1B-2C3D");

	ATF_CHECK_EQ(devspec_str(&ds, small, sizeof(small)), small);
	ATF_CHECK_STREQ(small, "UUID=");
}

ATF_TC_WITHOUT_HEAD(needs_probe);
ATF_TC_BODY(needs_probe, tc)
{
	struct devspec ds = parsed("/dev/vda");

	ATF_CHECK(!devspec_needs_probe(&ds));
	ds = parsed("8:1");
	ATF_CHECK(!devspec_needs_probe(&ds));
	ds = parsed("UUID=x");
	ATF_CHECK(devspec_needs_probe(&ds));
	ds = parsed("LABEL=x");
	ATF_CHECK(devspec_needs_probe(&ds));
	ds = parsed("PARTUUID=x");
	ATF_CHECK(devspec_needs_probe(&ds));
	ds = parsed("PARTLABEL=x");
	ATF_CHECK(devspec_needs_probe(&ds));
}

ATF_TC_WITHOUT_HEAD(match_mapper_name);
ATF_TC_BODY(match_mapper_name, tc)
{
	struct devspec ds = parsed("/dev/mapper/blkasm-root");
	struct blockdev_id id = { .name = "dm-3", .major = 253, .minor = 3,
				  .dm_name = "blkasm-root" };

	ATF_CHECK(devspec_match(&ds, &id));
	id.dm_name = "blkasm-root2";
	ATF_CHECK(!devspec_match(&ds, &id));
	id.dm_name = NULL;	/* not a dm device */
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("/dev/dm-3");
	id.dm_name = "blkasm-root";
	ATF_CHECK(devspec_match(&ds, &id));
}

ATF_TC_WITHOUT_HEAD(match_path);
ATF_TC_BODY(match_path, tc)
{
	struct devspec ds = parsed("/dev/vda");
	struct blockdev_id id = { .name = "vda", .major = 254, .minor = 0 };

	ATF_CHECK(devspec_match(&ds, &id));
	id.name = "vda1";
	ATF_CHECK(!devspec_match(&ds, &id));
	id.name = "vd";
	ATF_CHECK(!devspec_match(&ds, &id));
	id.name = "VDA";
	ATF_CHECK(!devspec_match(&ds, &id));

	/* Slashes under /dev are '!' in sysfs names. */
	ds = parsed("/dev/cciss/c0d0");
	id.name = "cciss!c0d0";
	ATF_CHECK(devspec_match(&ds, &id));
	id.name = "cciss!c0d0p1";
	ATF_CHECK(!devspec_match(&ds, &id));
	id.name = "c0d0";
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("/dev/cciss/c0d0p1");
	id.name = "cciss!c0d0";
	ATF_CHECK(!devspec_match(&ds, &id));
}

ATF_TC_WITHOUT_HEAD(match_devnum);
ATF_TC_BODY(match_devnum, tc)
{
	struct devspec ds = parsed("8:1");
	struct blockdev_id id = { .name = "sda1", .major = 8, .minor = 1 };

	ATF_CHECK(devspec_match(&ds, &id));
	id.minor = 2;
	ATF_CHECK(!devspec_match(&ds, &id));
	id = (struct blockdev_id){ .name = "sda1", .major = 1, .minor = 8 };
	ATF_CHECK(!devspec_match(&ds, &id));
}

ATF_TC_WITHOUT_HEAD(match_tags);
ATF_TC_BODY(match_tags, tc)
{
	struct blockdev_id id = {
		.name = "vda2", .major = 254, .minor = 2,
		.uuid = "0a1b-2c3d", .label = "Root",
		.partuuid = "5e1f2a3b-02", .partlabel = "System",
	};
	struct blockdev_id bare = { .name = "vda2", .major = 254, .minor = 2 };
	struct devspec ds;

	/* UUIDs in either case. */
	ds = parsed("UUID=0A1B-2C3D");
	ATF_CHECK(devspec_match(&ds, &id));
	ATF_CHECK(!devspec_match(&ds, &bare));
	ds = parsed("UUID=0a1b-2c3e");
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("PARTUUID=5E1F2A3B-02");
	ATF_CHECK(devspec_match(&ds, &id));
	ATF_CHECK(!devspec_match(&ds, &bare));

	/* Labels exactly. */
	ds = parsed("LABEL=Root");
	ATF_CHECK(devspec_match(&ds, &id));
	ATF_CHECK(!devspec_match(&ds, &bare));
	ds = parsed("LABEL=root");
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("PARTLABEL=System");
	ATF_CHECK(devspec_match(&ds, &id));
	ds = parsed("PARTLABEL=system");
	ATF_CHECK(!devspec_match(&ds, &id));

	/* A tag only matches its own kind. */
	ds = parsed("LABEL=0a1b-2c3d");
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("UUID=5e1f2a3b-02");
	ATF_CHECK(!devspec_match(&ds, &id));
	ds = parsed("PARTLABEL=Root");
	ATF_CHECK(!devspec_match(&ds, &id));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse_kinds);
	ATF_TP_ADD_TC(tp, parse_devnum);
	ATF_TP_ADD_TC(tp, parse_errors);
	ATF_TP_ADD_TC(tp, longest_values);
	ATF_TP_ADD_TC(tp, dot_elements_at_end_rejected);
	ATF_TP_ADD_TC(tp, str_round_trip);
	ATF_TP_ADD_TC(tp, needs_probe);
	ATF_TP_ADD_TC(tp, match_path);
	ATF_TP_ADD_TC(tp, match_mapper_name);
	ATF_TP_ADD_TC(tp, match_devnum);
	ATF_TP_ADD_TC(tp, match_tags);
	return atf_no_error();
}
