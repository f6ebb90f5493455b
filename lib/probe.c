/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
#include <string.h>

static void take(blkid_probe pr, const char *name, char *dst, size_t size)
{
	const char *v = NULL;
	size_t len = 0;

	if (blkid_probe_lookup_value(pr, name, &v, &len) < 0 || !v) {
		dst[0] = '\0';
		return;
	}
	/* len counts the terminating NUL. */
	len = strnlen(v, len);
	if (len >= size)
		len = size - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

int probe_device(const char *path, struct probe_info *pi)
{
	blkid_probe pr;
	int r;

	memset(pi, 0, sizeof(*pi));
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return -ENODEV;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
					  BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	if (r == -2) {
		blkid_free_probe(pr);
		return -EUCLEAN;
	}
	if (r < 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	if (r == 0) {
		take(pr, "TYPE", pi->type, sizeof(pi->type));
		if (!pi->type[0])
			take(pr, "PTTYPE", pi->type, sizeof(pi->type));
		take(pr, "UUID", pi->uuid, sizeof(pi->uuid));
		take(pr, "LABEL", pi->label, sizeof(pi->label));
		take(pr, "PART_ENTRY_UUID", pi->partuuid, sizeof(pi->partuuid));
		take(pr, "PART_ENTRY_NAME", pi->partlabel, sizeof(pi->partlabel));
	}
	blkid_free_probe(pr);
	return 0;
}

int probe_partition_count(const char *path)
{
	blkid_partlist list;
	blkid_probe pr;
	int n = 0;

	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return -ENODEV;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	list = blkid_probe_get_partitions(pr);
	if (list)
		n = blkid_partlist_numof_partitions(list);
	blkid_free_probe(pr);
	return n < 0 ? 0 : n;
}
