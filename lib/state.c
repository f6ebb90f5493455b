/* SPDX-License-Identifier: MIT */
#include "state.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *state_dir(void)
{
	const char *d = getenv("BLKASM_RUN_DIR");

	return d && *d == '/' ? d : "/run/blkasm";
}

static void state_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/state", state_dir());
}

/* One record line; lines that do not parse or match are ignored. */
static void take_line(struct plan *p, char *line, bool *recorded)
{
	char name[64], kind[32], how[16], device[256];
	struct plan_node *n;
	int i;

	if (sscanf(line, "node %63s %31s %15s %255s", name, kind, how, device) != 4)
		return;
	i = plan_find(p, name);
	if (i < 0 || strcmp(p->nodes[i].kind, kind))
		return;
	n = &p->nodes[i];
	if (recorded)
		recorded[i] = true;
	n->created = !strcmp(how, "created");
	if (strcmp(device, "-"))
		snprintf(n->device, NODE_DEVICE_SIZE, "%s", device);
}

int state_load(struct plan *p, bool *recorded)
{
	char path[512], *text = NULL, *save = NULL;
	int r;

	state_path(path, sizeof(path));
	r = file_slurp(path, 1u << 20, &text, NULL);
	/* No record there (ENOTDIR: a file where the folder would be). */
	if (r < 0)
		return r == -ENOENT || r == -ENOTDIR ? 0 : r;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		take_line(p, l, recorded);
	free(text);
	return 0;
}

static bool keep(const struct plan_node *n, bool was_recorded)
{
	if (n->state == NODE_UP || n->state == NODE_ADOPTED)
		return true;
	return was_recorded && n->state != NODE_DOWN;
}

static int write_nodes(int fd, const struct plan *p, const bool *recorded)
{
	char line[512];
	int r = 0;

	for (unsigned int i = 0; i < p->count && r >= 0; i++) {
		const struct plan_node *n = &p->nodes[i];
		int len;

		if (!keep(n, recorded && recorded[i]))
			continue;
		len = snprintf(line, sizeof(line), "node %s %s %s %s\n", n->name, n->kind,
			       n->created ? "created" : "adopted",
			       n->device[0] ? n->device : "-");
		if (len < 0 || (size_t)len >= sizeof(line))
			return -ENAMETOOLONG;	/* never dropped silently */
		ssize_t w = sys_write(fd, line, (size_t)len);

		r = w < 0 ? (int)w : w == len ? 0 : -EIO;
	}
	return r;
}

/*
 * Written whole to STATE.new, synced, then renamed over the record: a
 * power cut or a full disk leaves the old record or the new one, never a
 * torn one. Something not a regular file in the record's place (a FIFO)
 * is refused, not replaced.
 */
int state_save(const struct plan *p, const bool *recorded)
{
	char path[512], tmp[520];
	struct stat st;
	int fd, r;

	r = file_mkdirs(state_dir(), 0755);
	if (r < 0)
		return r;
	state_path(path, sizeof(path));
	if (sys_lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -ESPIPE;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = file_open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644, false);
	if (fd < 0)
		return fd;
	r = write_nodes(fd, p, recorded);
	if (r == 0)
		r = sys_fsync(fd);
	sys_close(fd);
	if (r == 0)
		r = sys_rename(tmp, path);
	if (r < 0)
		sys_unlinkat(AT_FDCWD, tmp, 0);
	return r < 0 ? r : 0;
}
