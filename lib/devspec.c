/* SPDX-License-Identifier: MIT */
#include "devspec.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *prefix;
	enum devspec_kind kind;
} tags[] = {
	{ "UUID=", DEVSPEC_UUID },
	{ "LABEL=", DEVSPEC_LABEL },
	{ "PARTUUID=", DEVSPEC_PARTUUID },
	{ "PARTLABEL=", DEVSPEC_PARTLABEL },
};

static bool parse_devnum(const char *s, unsigned int *maj, unsigned int *min)
{
	unsigned long a = 0, b = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && a < 4096)
		a = a * 10 + (unsigned long)(*p++ - '0');
	if (*p++ != ':' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && b < (1ul << 20))
		b = b * 10 + (unsigned long)(*p++ - '0');
	if (*p || a >= 4096 || b >= (1ul << 20))
		return false;
	*maj = (unsigned int)a;
	*min = (unsigned int)b;
	return true;
}

/* NAME or NAME/NAME below /dev: no empty, "." or ".." elements. */
static bool dev_path_ok(const char *p)
{
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static int set_value(struct devspec *ds, const char *v, const char **why)
{
	size_t len = strlen(v);

	if (len == 0) {
		*why = "a value after '='";
		return -EINVAL;
	}
	if (len >= sizeof(ds->value)) {
		*why = "at most 255 characters";
		return -EINVAL;
	}
	memcpy(ds->value, v, len + 1);
	return 0;
}

int devspec_parse(const char *text, struct devspec *ds, const char **why)
{
	memset(ds, 0, sizeof(*ds));
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i].prefix);

		if (!strncmp(text, tags[i].prefix, n)) {
			ds->kind = tags[i].kind;
			return set_value(ds, text + n, why);
		}
	}
	if (parse_devnum(text, &ds->major, &ds->minor)) {
		ds->kind = DEVSPEC_DEVNUM;
		return set_value(ds, text, why);
	}
	if (!strncmp(text, "/dev/", 5) && dev_path_ok(text + 5)) {
		ds->kind = DEVSPEC_PATH;
		return set_value(ds, text, why);
	}
	*why = "/dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR";
	return -EINVAL;
}

const char *devspec_str(const struct devspec *ds, char *buf, size_t size)
{
	const char *prefix = "";

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (tags[i].kind == ds->kind)
			prefix = tags[i].prefix;
	snprintf(buf, size, "%s%s", prefix, ds->value);
	return buf;
}

bool devspec_needs_probe(const struct devspec *ds)
{
	return ds->kind != DEVSPEC_PATH && ds->kind != DEVSPEC_DEVNUM;
}

/* /dev/cciss/c0d0 is "cciss!c0d0" in sysfs. */
static bool path_is_name(const char *path, const char *name)
{
	const char *p = path + 5;

	for (; *p && *name; p++, name++)
		if (*p != *name && !(*p == '/' && *name == '!'))
			return false;
	return *p == *name;
}

static bool eq(const char *want, const char *have, bool fold)
{
	if (!have)
		return false;
	return fold ? !strcasecmp(want, have) : !strcmp(want, have);
}

bool devspec_match(const struct devspec *ds, const struct blockdev_id *id)
{
	switch (ds->kind) {
	case DEVSPEC_PATH:
		/* No udev makes /dev/mapper/NAME: match dm-N by its dm name. */
		if (id->dm_name && !strncmp(ds->value, "/dev/mapper/", 12))
			return !strcmp(ds->value + 12, id->dm_name);
		return path_is_name(ds->value, id->name);
	case DEVSPEC_DEVNUM:
		return ds->major == id->major && ds->minor == id->minor;
	case DEVSPEC_UUID:
		/* Users type UUIDs in either case; blkid reports lower case. */
		return eq(ds->value, id->uuid, true);
	case DEVSPEC_LABEL:
		return eq(ds->value, id->label, false);
	case DEVSPEC_PARTUUID:
		return eq(ds->value, id->partuuid, true);
	case DEVSPEC_PARTLABEL:
		return eq(ds->value, id->partlabel, false);
	}
	return false;
}
