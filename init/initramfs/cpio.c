/* SPDX-License-Identifier: MIT */
/*
 * The archive: members collected by name, then written sorted as newc
 * (the format the kernel unpacks, Documentation/driver-api/early-userspace/
 * buffer-format.rst) with everything that varies between builds fixed:
 * owners, mtimes, inode numbers, order.
 */
#include "ird.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct ird_entry *find(struct ird_list *l, const char *name)
{
	for (unsigned int i = 0; i < l->count; i++)
		if (!strcmp(l->e[i].name, name))
			return &l->e[i];
	return NULL;
}

static struct ird_entry *grow(struct ird_list *l, const char *name)
{
	struct ird_entry *e;

	if (l->count == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 64;

		e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return NULL;
		l->e = e;
		l->cap = cap;
	}
	e = &l->e[l->count];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	if (!e->name)
		return NULL;
	l->count++;
	return e;
}

/* The folders above name ("a/b/c": "a", "a/b"), 0755 unless given. */
static int add_parents(struct ird_list *l, const char *name)
{
	char buf[512];
	size_t len = strlen(name);

	if (len >= sizeof(buf) || !len || name[0] == '/' || name[len - 1] == '/')
		return -EINVAL;
	memcpy(buf, name, len + 1);
	/* Names come from module trees too: nothing may climb out. */
	for (char *c = buf; c; c = strchr(c, '/') ? strchr(c, '/') + 1 : NULL)
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return -EINVAL;
	for (char *p = buf; (p = strchr(p, '/')); *p++ = '/') {
		*p = '\0';
		if (!find(l, buf)) {
			struct ird_entry *e = grow(l, buf);

			if (!e)
				return -ENOMEM;
			e->kind = IRD_DIR;
			e->mode = 0755;
		}
	}
	return 0;
}

static struct ird_entry *add(struct ird_list *l, const char *name, enum ird_kind kind,
			     unsigned int mode, int *r)
{
	struct ird_entry *e;

	*r = add_parents(l, name);
	if (*r < 0)
		return NULL;
	e = find(l, name);
	if (e && (e->kind != IRD_DIR || kind != IRD_DIR)) {
		*r = -EEXIST;
		return NULL;
	}
	if (!e)
		e = grow(l, name);
	if (!e) {
		*r = -ENOMEM;
		return NULL;
	}
	e->kind = kind;
	e->mode = mode & 07777;
	return e;
}

int ird_add_dir(struct ird_list *l, const char *name, unsigned int mode)
{
	int r;
	struct ird_entry *e = add(l, name, IRD_DIR, mode, &r);

	if (e)
		e->explicit_dir = true;
	return e ? 0 : r;
}

int ird_add_file(struct ird_list *l, const char *name, unsigned int mode, const char *src)
{
	struct stat st;
	struct ird_entry *e;
	int r;

	if (stat(src, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	e = add(l, name, IRD_FILE, mode, &r);
	if (!e)
		return r;
	e->size = (uint64_t)st.st_size;
	e->src = strdup(src);
	return e->src ? 0 : -ENOMEM;
}

int ird_add_data(struct ird_list *l, const char *name, unsigned int mode,
		 const void *data, size_t size)
{
	int r;
	struct ird_entry *e = add(l, name, IRD_FILE, mode, &r);

	if (!e)
		return r;
	e->data = malloc(size + 1);
	if (!e->data)
		return -ENOMEM;
	memcpy(e->data, data, size);
	e->size = size;
	return 0;
}

int ird_add_link(struct ird_list *l, const char *name, const char *target)
{
	int r;
	struct ird_entry *e = add(l, name, IRD_LINK, 0777, &r);

	if (!e)
		return r;
	e->data = strdup(target);
	e->size = strlen(target);
	return e->data ? 0 : -ENOMEM;
}

int ird_add_node(struct ird_list *l, const char *name, unsigned int mode,
		 unsigned int rmajor, unsigned int rminor)
{
	int r;
	struct ird_entry *e = add(l, name, IRD_NODE, mode, &r);

	if (!e)
		return r;
	e->rmajor = rmajor;
	e->rminor = rminor;
	return 0;
}

void ird_free(struct ird_list *l)
{
	for (unsigned int i = 0; i < l->count; i++) {
		free(l->e[i].name);
		free(l->e[i].src);
		free(l->e[i].data);
	}
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct ird_entry *)a)->name, ((const struct ird_entry *)b)->name);
}

static const unsigned int type_bits[] = {
	[IRD_DIR] = S_IFDIR, [IRD_FILE] = S_IFREG, [IRD_LINK] = S_IFLNK, [IRD_NODE] = S_IFCHR,
};

static int put(FILE *out, const void *p, size_t n, uint64_t *off)
{
	if (n && fwrite(p, 1, n, out) != n)
		return -EIO;
	*off += n;
	return 0;
}

static int pad(FILE *out, uint64_t *off, unsigned int to)
{
	static const char zero[512];

	return put(out, zero, (size_t)((to - *off % to) % to), off);
}

/* One newc header and name: 13 fields of 8 hex digits after the magic. */
static int header(FILE *out, const char *name, unsigned int ino, unsigned int mode,
		  unsigned int nlink, uint32_t mtime, uint64_t size, unsigned int rmaj,
		  unsigned int rmin, uint64_t *off)
{
	char h[111];
	size_t ns = strlen(name) + 1;

	if (size > 0xffffffffu)
		return -EFBIG;
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, nlink, mtime, (unsigned int)size, 0u, 0u, rmaj, rmin,
		 (unsigned int)ns, 0u);
	return put(out, h, 110, off) ?: put(out, name, ns, off) ?: pad(out, off, 4);
}

static int copy_file(FILE *out, const struct ird_entry *e, uint64_t *off)
{
	char buf[65536];
	uint64_t left = e->size;
	size_t n;
	int r = 0;
	FILE *in = fopen(e->src, "rb");

	if (!in)
		return -errno;
	while (r == 0 && left) {
		n = fread(buf, 1, left < sizeof(buf) ? (size_t)left : sizeof(buf), in);
		if (!n)
			r = -EIO;	/* shorter than when it was added */
		else
			r = put(out, buf, n, off);
		left -= n;
	}
	if (r == 0 && fread(buf, 1, 1, in) != 0)
		r = -EIO;		/* longer */
	fclose(in);
	return r;
}

static int member(FILE *out, const struct ird_entry *e, unsigned int ino, uint32_t mtime,
		  uint64_t *off)
{
	uint64_t size = e->kind == IRD_FILE || e->kind == IRD_LINK ? e->size : 0;
	int r = header(out, e->name, ino, type_bits[e->kind] | e->mode,
		       e->kind == IRD_DIR ? 2 : 1, mtime, size, e->rmajor, e->rminor, off);

	if (r == 0 && e->kind == IRD_FILE && e->src)
		r = copy_file(out, e, off);
	else if (r == 0 && size)
		r = put(out, e->data, (size_t)size, off);
	return r ?: pad(out, off, 4);
}

int cpio_write(struct ird_list *l, FILE *out, uint32_t mtime, uint64_t *total)
{
	uint64_t off = 0;
	int r = 0;

	qsort(l->e, l->count, sizeof(*l->e), by_name);
	for (unsigned int i = 0; i + 1 < l->count; i++)
		if (!strcmp(l->e[i].name, l->e[i + 1].name))
			return -EEXIST;
	for (unsigned int i = 0; i < l->count && r == 0; i++)
		r = member(out, &l->e[i], i + 1, mtime, &off);
	if (r == 0)
		r = header(out, "TRAILER!!!", 0, 0, 1, 0, 0, 0, 0, &off);
	if (r == 0)
		r = pad(out, &off, 512);
	if (r == 0 && fflush(out) != 0)
		r = -EIO;
	if (r == 0 && total)
		*total += off;
	return r;
}
