/* SPDX-License-Identifier: MIT */
/*
 * Finding the loop device already bound to a file, from sysfs only
 * (opening a device to ask it could end an autoclear binding), and the
 * snapshot that lets one run find many files' devices with one look at
 * every device instead of one per node.
 */
#include "loop.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a bound device binds: the file by identity, and where in it. */
struct binding {
	dev_t dev;
	ino_t ino;
	uint64_t offset;
	int nr;			/* -1 once found stale */
};

/*
 * The binding of /dev/loopN as sysfs shows it now: false when unbound,
 * unreadable, bound to a file since deleted, or (when offset is given)
 * at another offset, which spares the stat.
 */
static bool binding_of(int nr, const uint64_t *offset, struct binding *b)
{
	char path[4200], attr[64];
	struct stat st;
	char *del;

	if (loop_backing_file(nr, path, sizeof(path)) < 0)
		return false;
	/* The kernel appends " (deleted)" once the file is unlinked. */
	del = strstr(path, " (deleted)");
	if (del && !del[10])
		return false;
	b->offset = 0;
	snprintf(attr, sizeof(attr), "/sys/block/loop%d/loop/offset", nr);
	if (file_read_u64(attr, &b->offset) < 0 || (offset && b->offset != *offset))
		return false;
	if (sys_stat(path, &st) < 0)
		return false;
	b->dev = st.st_dev;
	b->ino = st.st_ino;
	b->nr = nr;
	return true;
}

struct find {
	const struct loop_spec *spec;
	struct stat want;
	struct loop_dev *dev;
};

static int find_entry(const char *name, unsigned char type, void *ctx)
{
	struct find *f = ctx;
	char attr[64], ro[8];
	struct binding b;
	int nr;

	(void)type;
	if (sscanf(name, "loop%d", &nr) != 1 || nr < 0 ||
	    !binding_of(nr, &f->spec->offset, &b) || b.dev != f->want.st_dev ||
	    b.ino != f->want.st_ino)
		return 0;
	memset(f->dev, 0, sizeof(*f->dev));
	f->dev->nr = nr;
	f->dev->fd = -1;
	snprintf(f->dev->path, sizeof(f->dev->path), "/dev/loop%d", nr);
	f->dev->backing_dev = f->want.st_dev;
	f->dev->backing_ino = f->want.st_ino;
	snprintf(attr, sizeof(attr), "/sys/block/loop%d/ro", nr);
	f->dev->read_only = file_read(attr, ro, sizeof(ro)) > 0 && ro[0] == '1';
	snprintf(attr, sizeof(attr), "/sys/block/loop%d/loop/autoclear", nr);
	f->dev->autoclear = file_read(attr, ro, sizeof(ro)) > 0 && ro[0] == '1';
	return 1;
}

/*
 * The snapshot: the bindings in the order sysfs listed them (then those
 * added), indexed by open addressing on (file, offset). Linear probing
 * keeps equal keys in the order they came, so a lookup meets them as the
 * scan it replaces would have.
 */
struct loop_snap {
	struct binding *b;
	unsigned int count, cap;
	unsigned int *slots;	/* index into b, plus 1; 0: empty */
	unsigned int nslots;	/* a power of two, at least twice count */
};

static unsigned int key_hash(dev_t dev, ino_t ino, uint64_t offset)
{
	uint64_t k[3] = { (uint64_t)dev, (uint64_t)ino, offset };
	const unsigned char *p = (const unsigned char *)k;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < sizeof(k); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void snap_index(struct loop_snap *s, unsigned int i)
{
	const struct binding *b = &s->b[i];
	unsigned int k = key_hash(b->dev, b->ino, b->offset) & (s->nslots - 1);

	while (s->slots[k])
		k = (k + 1) & (s->nslots - 1);
	s->slots[k] = i + 1;
}

static int snap_put(struct loop_snap *s, const struct binding *b)
{
	if (s->count == s->cap) {
		unsigned int cap = s->cap ? s->cap * 2 : 32;
		struct binding *nb = realloc(s->b, cap * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		s->b = nb;
		s->cap = cap;
	}
	if (2 * (s->count + 1) > s->nslots) {
		unsigned int n = s->nslots ? s->nslots * 2 : 64;
		unsigned int *slots = calloc(n, sizeof(*slots));

		if (!slots)
			return -ENOMEM;
		free(s->slots);
		s->slots = slots;
		s->nslots = n;
		for (unsigned int i = 0; i < s->count; i++)
			snap_index(s, i);
	}
	s->b[s->count] = *b;
	snap_index(s, s->count++);
	return 0;
}

static int snap_entry(const char *name, unsigned char type, void *ctx)
{
	struct binding b;
	int nr;

	(void)type;
	if (sscanf(name, "loop%d", &nr) != 1 || nr < 0 || !binding_of(nr, NULL, &b))
		return 0;
	return snap_put(ctx, &b);
}

void loop_snap_free(void *snap)
{
	struct loop_snap *s = snap;

	if (!s)
		return;
	free(s->b);
	free(s->slots);
	free(s);
}

int loop_snap_take(struct loop_snap **out)
{
	struct loop_snap *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	r = sys_listdir("/sys/block", snap_entry, s);
	if (r < 0) {
		loop_snap_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int loop_snap_add(struct loop_snap *s, const struct loop_dev *d, uint64_t offset)
{
	struct binding b = { .dev = d->backing_dev, .ino = d->backing_ino,
			     .offset = offset, .nr = d->nr };

	return snap_put(s, &b);
}

/*
 * The devices s says bind the file: each looked at again now, the first
 * still bound taken. 1 found, 0 none, -ESTALE when one had changed (the
 * snapshot missed something: look at every device).
 */
static int snap_find(struct loop_snap *s, struct find *f)
{
	unsigned int k;
	char name[24];
	int r = 0;

	if (!s->nslots)
		return 0;
	k = key_hash(f->want.st_dev, f->want.st_ino, f->spec->offset) & (s->nslots - 1);
	for (; s->slots[k]; k = (k + 1) & (s->nslots - 1)) {
		struct binding *b = &s->b[s->slots[k] - 1];

		if (b->nr < 0 || b->dev != f->want.st_dev || b->ino != f->want.st_ino ||
		    b->offset != f->spec->offset)
			continue;
		snprintf(name, sizeof(name), "loop%d", b->nr);
		if (find_entry(name, 0, f))
			return 1;
		b->nr = -1;
		r = -ESTALE;
	}
	return r;
}

int loop_find_bound_in(struct loop_snap *snap, const struct loop_spec *spec, int hint,
		       struct loop_dev *dev)
{
	struct find f = { .spec = spec, .dev = dev };
	char name[16];
	int r;

	r = sys_stat(spec->file, &f.want);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	/* The recorded device first: one look instead of every loop device. */
	snprintf(name, sizeof(name), "loop%d", hint);
	if (hint >= 0 && find_entry(name, 0, &f))
		return 1;
	r = snap ? snap_find(snap, &f) : -ESTALE;
	if (r != -ESTALE)
		return r;
	r = sys_listdir("/sys/block", find_entry, &f);
	return r < 0 ? r : r > 0;
}

int loop_find_bound(const struct loop_spec *spec, int hint, struct loop_dev *dev)
{
	return loop_find_bound_in(NULL, spec, hint, dev);
}
