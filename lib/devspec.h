/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_DEVSPEC_H
#define BLKASM_DEVSPEC_H

#include <stdbool.h>
#include <stddef.h>

/* How a user names a block device: root=, and device references in plans. */
enum devspec_kind {
	DEVSPEC_PATH,		/* /dev/vda */
	DEVSPEC_UUID,		/* UUID=... filesystem UUID */
	DEVSPEC_LABEL,		/* LABEL=... filesystem label */
	DEVSPEC_PARTUUID,	/* PARTUUID=... partition table entry UUID */
	DEVSPEC_PARTLABEL,	/* PARTLABEL=... partition table entry name */
	DEVSPEC_DEVNUM,		/* MAJOR:MINOR */
};

struct devspec {
	enum devspec_kind kind;
	char value[256];
	unsigned int major, minor;
};

/*
 * Returns 0, or -EINVAL with *why set to what was expected.
 * Untrusted input (kernel command line, plan files).
 */
int devspec_parse(const char *text, struct devspec *ds, const char **why);
/* Back to the user's form, for messages. */
const char *devspec_str(const struct devspec *ds, char *buf, size_t size);

/* What is known of one block device while looking for a match. */
struct blockdev_id {
	const char *name;	/* kernel name: vda, loop0, sda1 */
	unsigned int major, minor;
	const char *uuid, *label, *partuuid, *partlabel;	/* NULL if none */
	const char *dm_name;	/* a device-mapper device's name (dm/name), or NULL */
};

/* Whether the spec needs the device's content probed (tags) to match. */
bool devspec_needs_probe(const struct devspec *ds);
bool devspec_match(const struct devspec *ds, const struct blockdev_id *id);

#endif
