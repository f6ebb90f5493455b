/* SPDX-License-Identifier: MIT */
#include "probe.h"
#include "file.h"
#include "sys.h"

#include <blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>

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

/* Offset of the first non-zero byte of buf, or len. */
static size_t first_nonzero(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && !buf[i])
		i++;
	return i;
}

/* One range, cut at the device's end; 1 with *at set at a non-zero byte. */
static int range_zeros(int fd, uint8_t *buf, uint64_t end, struct probe_range r,
		       uint64_t *at)
{
	uint64_t stop = r.off + r.len < end ? r.off + r.len : end;

	for (uint64_t off = r.off; off < stop;) {
		size_t len = stop - off < PROBE_ZERO_CHUNK ? stop - off : PROBE_ZERO_CHUNK;
		ssize_t got = sys_pread(fd, buf, len, off);
		size_t k;

		if (got < 0)
			return (int)got;
		if (got == 0)
			break;	/* the end came sooner than the size said */
		k = first_nonzero(buf, (size_t)got);
		if (k < (size_t)got) {
			*at = off + k;
			return 1;
		}
		off += (uint64_t)got;
	}
	return 0;
}

/* The size of a block device or regular file. */
static int size_of(int fd, uint64_t *bytes)
{
	struct stat st;
	int r = sys_fstat(fd, &st);

	if (r < 0)
		return r;
	if (!S_ISBLK(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	return sys_ioctl(fd, BLKGETSIZE64, bytes);
}

int probe_zeros(const char *path, const struct probe_range *r, unsigned int count,
		uint64_t *nonzero)
{
	uint8_t *buf = malloc(PROBE_ZERO_CHUNK);
	uint64_t end = 0, at = 0;
	int fd, ret = 0;

	if (!buf)
		return -ENOMEM;
	fd = sys_open(path, O_RDONLY, 0);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	ret = size_of(fd, &end);
	for (unsigned int i = 0; ret == 0 && i < count; i++)
		ret = range_zeros(fd, buf, end, r[i], &at);
	sys_close(fd);
	free(buf);
	if (ret == 1)
		*nonzero = at;
	return ret;
}

const char *probe_describe(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	char sysfs[128], file[256];

	base = base ? base + 1 : path;
	snprintf(sysfs, sizeof(sysfs), "/sys/class/block/%s/loop/backing_file", base);
	if (file_read(sysfs, file, sizeof(file)) > 0)
		snprintf(buf, size, "%s (file %s)", path, file);
	else
		snprintf(buf, size, "%s", path);
	return buf;
}
