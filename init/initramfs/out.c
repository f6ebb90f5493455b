/* SPDX-License-Identifier: MIT */
/*
 * The output: the archive is written to a temporary file in the output's
 * folder, compressed into another, and renamed over the output last, so a
 * failure at any step leaves no output file (and an old one untouched).
 */
#include "gen.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int temp_beside(const char *out, char *path, size_t size)
{
	char copy[PATH_MAX];
	const char *dir;
	int fd;

	snprintf(copy, sizeof(copy), "%s", out);
	dir = dirname(copy);
	snprintf(path, size, "%s/.blkasm-initramfs.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0)
		return gen_fail(-errno, "cannot write %s: no temporary file in %s: %s", out, dir,
				strerror(errno));
	return fd;
}

static int write_cpio(struct gen *g, char *tmp, size_t size, uint64_t *unpacked)
{
	int fd = temp_beside(g->out, tmp, size), r;
	FILE *f;

	if (fd < 0)
		return fd;
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		return gen_fail(-ENOMEM, "cannot write %s", tmp);
	}
	r = cpio_write(&g->files, f, g->mtime, unpacked);
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r < 0)
		return gen_fail(r, "cannot write the archive %s: %s", tmp, strerror(-r));
	return 0;
}

static void list(const struct gen *g, uint64_t unpacked, uint64_t packed)
{
	for (unsigned int i = 0; i < g->files.count; i++) {
		const struct ird_entry *e = &g->files.e[i];

		printf("%10llu /%s%s%s\n", (unsigned long long)e->size, e->name,
		       e->kind == IRD_LINK ? " -> " : "", e->kind == IRD_LINK ? e->data : "");
	}
	printf("%u members: %llu bytes %s, %llu bytes unpacked\n", g->files.count,
	       (unsigned long long)packed, g->comp->config ? g->comp->name : "uncompressed",
	       (unsigned long long)unpacked);
}

int pack_write(struct gen *g)
{
	char cpio[PATH_MAX + 32] = "", comp[PATH_MAX + 32] = "", why[512];
	const char *final = cpio;
	uint64_t unpacked = 0;
	struct stat st;
	int r, fd;

	r = write_cpio(g, cpio, sizeof(cpio), &unpacked);
	if (r < 0)
		goto out_unlink;
	if (g->comp->config) {
		fd = temp_beside(g->out, comp, sizeof(comp));
		if ((r = fd) < 0)
			goto out_unlink;
		close(fd);
		final = comp;
		r = compress_run(g->comp, cpio, comp, why, sizeof(why));
		unlink(cpio);
		if (r < 0) {
			gen_fail(r, "%s", why);
			goto out_unlink;
		}
	}
	if (chmod(final, 0644) < 0 || rename(final, g->out) < 0) {
		r = gen_fail(-errno, "cannot write %s: %s", g->out, strerror(errno));
		goto out_unlink;
	}
	if (g->list && stat(g->out, &st) == 0)
		list(g, unpacked, (uint64_t)st.st_size);
	return 0;
out_unlink:
	if (cpio[0])
		unlink(cpio);
	if (comp[0])
		unlink(comp);
	return r;
}
