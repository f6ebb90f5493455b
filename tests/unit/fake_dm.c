/* SPDX-License-Identifier: MIT */
/*
 * The in-memory device-mapper of the unit tests; see fake_dm.h. Written
 * from the kernel's documented behaviour (dm-ioctl.c), independently of
 * drivers/dm/dm*.c, so it checks their bytes rather than mirroring them.
 */
#define _GNU_SOURCE
#include "fake_dm.h"
#include "fake_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MAX_DEVS 80
#define MAX_PRESETS 8
#define NCMDS 18	/* DM_GET_TARGET_VERSION_CMD + 1 */
#define KERNEL_MINOR 47
#define SPEC_SIZE sizeof(struct dm_target_spec)
#define HEADER ((sizeof(struct dm_ioctl) + 7) & ~(size_t)7)

struct ftarget {
	uint64_t start, len;
	char type[DM_MAX_TYPE_NAME];
	char params[1024];
};

struct ftable {
	bool present, ro;
	unsigned int n;
	struct ftarget t[FAKE_DM_TARGETS];
};

struct fdev {
	bool used;
	char name[DM_NAME_LEN], uuid[DM_UUID_LEN];
	unsigned int minor;
	int open_count;
	unsigned int busy;
	bool suspended;
	uint32_t event_nr;
	struct ftable live, inactive;
	char status[FAKE_DM_TARGETS][1024];
};

/* A status line for devices made later under a name (fake_dm_status_on_create). */
struct preset {
	char name[DM_NAME_LEN];
	unsigned int i;
	char line[1024];
};

static struct {
	struct fdev devs[MAX_DEVS];
	struct preset presets[MAX_PRESETS];
	unsigned int npresets;
	unsigned int next_minor;
	unsigned int version[3];
	int fail[NCMDS];
	size_t need;
	void *last[NCMDS];
	size_t last_size[NCMDS];
	unsigned int count[NCMDS];
	struct sbuf trace, messages;
	char line[1200];
} dm;

static const char *const cmd_names[NCMDS] = {
	"VERSION", "REMOVE_ALL", "LIST_DEVICES", "DEV_CREATE", "DEV_REMOVE",
	"DEV_RENAME", "DEV_SUSPEND", "DEV_STATUS", "DEV_WAIT", "TABLE_LOAD",
	"TABLE_CLEAR", "TABLE_DEPS", "TABLE_STATUS", "LIST_VERSIONS",
	"TARGET_MSG", "DEV_SET_GEOMETRY", "DEV_ARM_POLL", "GET_TARGET_VERSION",
};

void fake_dm_reset(void)
{
	for (int i = 0; i < NCMDS; i++)
		free(dm.last[i]);
	free(dm.trace.p);
	free(dm.messages.p);
	memset(&dm, 0, sizeof(dm));
	dm.version[0] = 4;
	dm.version[1] = KERNEL_MINOR;
}

static struct fdev *by_name(const char *name)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (dm.devs[i].used && !strcmp(dm.devs[i].name, name))
			return &dm.devs[i];
	return NULL;
}

static struct fdev *by_uuid(const char *uuid)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (dm.devs[i].used && *uuid && !strcmp(dm.devs[i].uuid, uuid))
			return &dm.devs[i];
	return NULL;
}

static struct fdev *must(const char *name)
{
	struct fdev *d = by_name(name);

	if (!d)
		fake_die("fake_dm: no such device");
	return d;
}

static uint64_t encode_dev(unsigned int maj, unsigned int min)
{
	return (min & 0xff) | ((uint64_t)maj << 8) | ((uint64_t)(min & ~0xffu) << 12);
}

static struct fdev *new_dev(const char *name, const char *uuid)
{
	for (int i = 0; i < MAX_DEVS; i++) {
		struct fdev *d = &dm.devs[i];

		if (d->used)
			continue;
		memset(d, 0, sizeof(*d));
		d->used = true;
		snprintf(d->name, sizeof(d->name), "%s", name);
		snprintf(d->uuid, sizeof(d->uuid), "%s", uuid ? uuid : "");
		d->minor = dm.next_minor++;
		return d;
	}
	fake_die("fake_dm: too many devices");
}

dev_t fake_dm_add(const char *name, const char *uuid)
{
	return makedev(FAKE_DM_MAJOR, new_dev(name, uuid)->minor);
}

void fake_dm_set_open(const char *name, int open_count)
{
	must(name)->open_count = open_count;
}

void fake_dm_busy_removes(const char *name, unsigned int n)
{
	must(name)->busy = n;
}

void fake_dm_set_status(const char *name, unsigned int i, const char *line)
{
	if (i >= FAKE_DM_TARGETS)
		fake_die("fake_dm: target index too big");
	snprintf(must(name)->status[i], sizeof(dm.devs[0].status[0]), "%s", line);
}

void fake_dm_status_on_create(const char *name, unsigned int i, const char *line)
{
	struct preset *p;

	if (i >= FAKE_DM_TARGETS)
		fake_die("fake_dm: target index too big");
	if (dm.npresets == MAX_PRESETS)
		fake_die("fake_dm: too many status presets");
	p = &dm.presets[dm.npresets++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->i = i;
	snprintf(p->line, sizeof(p->line), "%s", line);
}

void fake_dm_fail_next(unsigned long req, int err)
{
	dm.fail[_IOC_NR(req) % NCMDS] = err;
}

void fake_dm_need(size_t data_size)
{
	dm.need = data_size;
}

void fake_dm_set_version(unsigned int major, unsigned int minor, unsigned int patch)
{
	dm.version[0] = major;
	dm.version[1] = minor;
	dm.version[2] = patch;
}

/* ---- what tests read back ---- */

bool fake_dm_exists(const char *name)
{
	return by_name(name) != NULL;
}

bool fake_dm_suspended(const char *name)
{
	return must(name)->suspended;
}

static const struct ftable *table_of(const char *name, bool inactive)
{
	struct fdev *d = must(name);

	return inactive ? &d->inactive : &d->live;
}

unsigned int fake_dm_targets(const char *name, bool inactive)
{
	return table_of(name, inactive)->n;
}

const char *fake_dm_table(const char *name, bool inactive, unsigned int i)
{
	const struct ftable *tb = table_of(name, inactive);

	if (i >= tb->n)
		return NULL;
	snprintf(dm.line, sizeof(dm.line), "%llu %llu %s %s",
		 (unsigned long long)tb->t[i].start, (unsigned long long)tb->t[i].len,
		 tb->t[i].type, tb->t[i].params);
	return dm.line;
}

bool fake_dm_table_ro(const char *name, bool inactive)
{
	return table_of(name, inactive)->ro;
}

const char *fake_dm_trace(void)
{
	return fake_sb_str(&dm.trace);
}

const char *fake_dm_messages(void)
{
	return fake_sb_str(&dm.messages);
}

const void *fake_dm_last(unsigned long req, size_t *size)
{
	unsigned int nr = _IOC_NR(req) % NCMDS;

	if (size)
		*size = dm.last_size[nr];
	return dm.last[nr];
}

unsigned int fake_dm_count(unsigned long req)
{
	return dm.count[_IOC_NR(req) % NCMDS];
}

/* ---- the kernel's side ---- */

/* __dev_status(): the header fields every device answer carries. */
static void dev_status(const struct fdev *d, struct dm_ioctl *io)
{
	io->flags &= ~(uint32_t)(DM_SUSPEND_FLAG | DM_READONLY_FLAG |
				 DM_ACTIVE_PRESENT_FLAG | DM_INACTIVE_PRESENT_FLAG);
	if (d->suspended)
		io->flags |= DM_SUSPEND_FLAG;
	if (d->live.present && d->live.ro)
		io->flags |= DM_READONLY_FLAG;
	if (d->live.present)
		io->flags |= DM_ACTIVE_PRESENT_FLAG;
	if (d->inactive.present)
		io->flags |= DM_INACTIVE_PRESENT_FLAG;
	io->open_count = d->open_count;
	io->event_nr = d->event_nr;
	io->dev = encode_dev(FAKE_DM_MAJOR, d->minor);
	io->target_count = d->live.present ? d->live.n : 0;
	snprintf(io->name, sizeof(io->name), "%s", d->name);
	snprintf(io->uuid, sizeof(io->uuid), "%s", d->uuid);
}

/* __find_device_hash_cell(): uuid, else name, else dev; never two of them. */
static struct fdev *find(const struct dm_ioctl *io)
{
	if (*io->uuid)
		return *io->name || io->dev ? NULL : by_uuid(io->uuid);
	if (*io->name)
		return io->dev ? NULL : by_name(io->name);
	for (int i = 0; io->dev && i < MAX_DEVS; i++)
		if (dm.devs[i].used &&
		    io->dev == encode_dev(FAKE_DM_MAJOR, dm.devs[i].minor))
			return &dm.devs[i];
	return NULL;
}

static int dev_create(struct dm_ioctl *io)
{
	struct fdev *d;

	if (strchr(io->name, '/'))
		return -EINVAL;
	if (by_name(io->name) || by_uuid(io->uuid))
		return -EBUSY;
	d = new_dev(io->name, io->uuid);
	for (unsigned int i = 0; i < dm.npresets; i++)
		if (!strcmp(dm.presets[i].name, d->name))
			snprintf(d->status[dm.presets[i].i], sizeof(d->status[0]), "%s",
				 dm.presets[i].line);
	dev_status(d, io);
	return 0;
}

/* Does a table name dev ("MAJ:MIN" among its parameters)? */
static bool table_uses(const struct ftable *t, dev_t dev)
{
	char want[32];

	snprintf(want, sizeof(want), "%u:%u", major(dev), minor(dev));
	for (unsigned int i = 0; t->present && i < t->n; i++)
		for (const char *p = t->t[i].params; *p; p += strcspn(p, " "), p += *p == ' ')
			if (!strncmp(p, want, strlen(want)) &&
			    (p[strlen(want)] == ' ' || !p[strlen(want)]))
				return true;
	return false;
}

/* The kernel model's holders: a device some table opens. */
bool fake_dm_holds(dev_t dev)
{
	for (int i = 0; i < MAX_DEVS; i++)
		if (dm.devs[i].used && (table_uses(&dm.devs[i].live, dev) ||
					table_uses(&dm.devs[i].inactive, dev)))
			return true;
	return false;
}

void fake_dm_state(struct sbuf *b)
{
	char line[1400];

	for (int i = 0; i < MAX_DEVS; i++) {
		const struct fdev *d = &dm.devs[i];

		if (!d->used)
			continue;
		snprintf(line, sizeof(line), "dm %s uuid %s%s\n", d->name, d->uuid,
			 d->inactive.present ? " (inactive table)" : "");
		fake_sb_add(b, line, strlen(line));
		for (unsigned int j = 0; d->live.present && j < d->live.n; j++) {
			snprintf(line, sizeof(line), "dm %s %llu %llu %s %s\n", d->name,
				 (unsigned long long)d->live.t[j].start,
				 (unsigned long long)d->live.t[j].len, d->live.t[j].type,
				 d->live.t[j].params);
			fake_sb_add(b, line, strlen(line));
		}
	}
}

static int dev_remove(struct fdev *d)
{
	if (d->open_count > 0)
		return -EBUSY;
	/* With the kernel model on: held by another table or a mount. */
	if (fake_kernel_on() && fake_kernel_holders(makedev(FAKE_DM_MAJOR, d->minor)))
		return -EBUSY;
	if (d->busy) {
		d->busy--;
		return -EBUSY;
	}
	d->used = false;
	return 0;
}

/* do_resume() swaps in the inactive table; suspend only marks. */
static int dev_suspend(struct fdev *d, struct dm_ioctl *io)
{
	if (io->flags & DM_SUSPEND_FLAG) {
		d->suspended = true;
	} else {
		if (d->inactive.present) {
			d->live = d->inactive;
			memset(&d->inactive, 0, sizeof(d->inactive));
			d->event_nr++;
		}
		d->suspended = false;
	}
	dev_status(d, io);
	return 0;
}

static bool known_type(const char *type)
{
	static const char *const types[] = {
		"linear", "error", "zero", "striped", "flakey", "thin-pool", "thin", "verity",
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

/* One spec of DM_TABLE_LOAD at off (next_target() and populate_table()). */
static int load_one(const char *base, size_t size, size_t off, struct ftarget *t,
		    uint32_t *next, size_t *nul_at)
{
	struct dm_target_spec spec;
	const char *params, *nul;

	if (off % 8 || off > size || size - off < SPEC_SIZE)
		return -EINVAL;
	memcpy(&spec, base + off, SPEC_SIZE);
	params = base + off + SPEC_SIZE;
	nul = memchr(params, '\0', size - off - SPEC_SIZE);
	if (!nul || !memchr(spec.target_type, '\0', sizeof(spec.target_type)) ||
	    (size_t)(nul - params) >= sizeof(t->params) || !known_type(spec.target_type))
		return -EINVAL;
	t->start = spec.sector_start;
	t->len = spec.length;
	memcpy(t->type, spec.target_type, sizeof(t->type));
	memcpy(t->params, params, (size_t)(nul - params) + 1);
	*next = spec.next;
	*nul_at = (size_t)(nul - base);
	return 0;
}

static int table_load(struct fdev *d, struct dm_ioctl *io, size_t size)
{
	struct ftable tb = { .present = true, .ro = io->flags & DM_READONLY_FLAG };
	size_t off = 0, nul_at = sizeof(struct dm_ioctl) - 1;
	uint32_t next = io->data_start;

	if (io->target_count == 0 || io->target_count > FAKE_DM_TARGETS)
		return -EINVAL;
	for (unsigned int i = 0; i < io->target_count; i++) {
		struct ftarget *t = &tb.t[i];
		uint64_t want = i ? tb.t[i - 1].start + tb.t[i - 1].len : 0;

		/* Each spec after the previous one's parameters (and the header). */
		if (off + next <= nul_at || off + next < off)
			return -EINVAL;
		off += next;
		if (load_one((const char *)io, size, off, t, &next, &nul_at) < 0)
			return -EINVAL;
		if (t->len == 0 || t->start != want)
			return -EINVAL;	/* "zero-length target", "Gap in table" */
	}
	tb.n = io->target_count;
	d->inactive = tb;
	dev_status(d, io);
	return 0;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* retrieve_status(): specs after the aligned header, "next" from the first. */
static int table_status(struct fdev *d, struct dm_ioctl *io, size_t size)
{
	const struct ftable *tb = io->flags & DM_QUERY_INACTIVE_TABLE_FLAG ?
		&d->inactive : &d->live;
	char *out = (char *)io + HEADER;
	size_t len = size > HEADER ? size - HEADER : 0, pos = 0, used = 0;

	dev_status(d, io);
	io->data_start = HEADER;
	if (!tb->present)
		return 0;
	for (unsigned int i = 0; i < tb->n; i++) {
		const char *text = io->flags & DM_STATUS_TABLE_FLAG ? tb->t[i].params : d->status[i];
		struct dm_target_spec spec = {
			.sector_start = tb->t[i].start, .length = tb->t[i].len,
		};
		size_t at = pos, l = strlen(text) + 1;

		if (size < dm.need || pos > len || len - pos <= SPEC_SIZE ||
		    len - pos - SPEC_SIZE <= l) {
			io->flags |= DM_BUFFER_FULL_FLAG;
			break;
		}
		memcpy(spec.target_type, tb->t[i].type, sizeof(spec.target_type));
		memcpy(out + pos + SPEC_SIZE, text, l);
		pos += SPEC_SIZE + l;
		used = HEADER + pos;
		pos = align8(pos);
		spec.next = (uint32_t)pos;
		memcpy(out + at, &spec, SPEC_SIZE);
	}
	if (used)
		io->data_size = (uint32_t)used;
	io->target_count = tb->n;
	return 0;
}

/* retrieve_deps(): the MAJ:MIN fields of the live table, each once. */
static int table_deps(struct fdev *d, struct dm_ioctl *io, size_t size)
{
	uint64_t devs[FAKE_DM_TARGETS * 4];
	struct dm_target_deps deps = { 0 };
	size_t need;

	for (unsigned int i = 0; d->live.present && i < d->live.n; i++) {
		char copy[1024], *save = NULL;

		snprintf(copy, sizeof(copy), "%s", d->live.t[i].params);
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			unsigned int maj, min, k;
			char extra;

			if (sscanf(w, "%u:%u%c", &maj, &min, &extra) != 2)
				continue;
			for (k = 0; k < deps.count && devs[k] != encode_dev(maj, min); k++)
				;
			if (k == deps.count && deps.count < sizeof(devs) / sizeof(devs[0]))
				devs[deps.count++] = encode_dev(maj, min);
		}
	}
	dev_status(d, io);
	io->data_start = HEADER;
	need = sizeof(deps) + 8 * deps.count;
	if (size < HEADER + need || size < dm.need) {
		io->flags |= DM_BUFFER_FULL_FLAG;
		return 0;
	}
	memcpy((char *)io + HEADER, &deps, sizeof(deps));
	memcpy((char *)io + HEADER + sizeof(deps), devs, 8 * deps.count);
	io->data_size = (uint32_t)(HEADER + need);
	return 0;
}

/* target_message(): struct dm_target_msg at data_start, message terminated. */
static int target_msg(struct fdev *d, struct dm_ioctl *io, size_t size)
{
	struct dm_target_msg tm;
	const char *msg;
	char rec[1200];
	uint64_t end;

	if (io->data_start < offsetof(struct dm_ioctl, data) ||
	    io->data_start > size || size - io->data_start < sizeof(tm))
		return -EINVAL;
	memcpy(&tm, (char *)io + io->data_start, sizeof(tm));
	msg = (char *)io + io->data_start + sizeof(tm);
	if (!memchr(msg, '\0', size - io->data_start - sizeof(tm)) || !d->live.present)
		return -EINVAL;
	end = d->live.t[d->live.n - 1].start + d->live.t[d->live.n - 1].len;
	if (tm.sector >= end)
		return -EINVAL;	/* "Target message sector outside device" */
	snprintf(rec, sizeof(rec), "%s%s@%llu %.1024s", dm.messages.len ? "; " : "",
		 d->name, (unsigned long long)tm.sector, msg);
	fake_sb_add(&dm.messages, rec, strlen(rec));
	return 0;
}

static void record(unsigned int nr, const struct dm_ioctl *io, size_t size)
{
	const char *who = "-", *pre = "";

	free(dm.last[nr]);
	dm.last[nr] = malloc(size);
	if (!dm.last[nr])
		fake_die("out of memory");
	memcpy(dm.last[nr], io, size);
	dm.last_size[nr] = size;
	dm.count[nr]++;
	if (nr == DM_VERSION_CMD) {
		fake_sb_printf(&dm.trace, "%s", cmd_names[nr]);
		return;
	}
	if (*io->uuid && nr != DM_DEV_CREATE_CMD) {
		pre = "uuid=";
		who = io->uuid;
	} else if (*io->name) {
		who = io->name;
	}
	fake_sb_printf(&dm.trace, "%s %s%.*s", cmd_names[nr], pre,
		       (int)strnlen(who, DM_UUID_LEN), who);
}

/* validate_params(): one of name or uuid, strings terminated. */
static int validate(unsigned int nr, struct dm_ioctl *io)
{
	io->flags &= ~(uint32_t)(DM_BUFFER_FULL_FLAG | DM_UEVENT_GENERATED_FLAG |
				 DM_SECURE_DATA_FLAG | DM_DATA_OUT_FLAG);
	if (nr == DM_DEV_CREATE_CMD ? !*io->name : *io->name && *io->uuid)
		return -EINVAL;
	io->name[DM_NAME_LEN - 1] = '\0';
	io->uuid[DM_UUID_LEN - 1] = '\0';
	return 0;
}

static int dispatch(unsigned int nr, struct dm_ioctl *io, size_t size)
{
	struct fdev *d;

	if (nr == DM_DEV_CREATE_CMD)
		return dev_create(io);
	d = find(io);
	if (!d)
		return -ENXIO;
	switch (nr) {
	case DM_DEV_REMOVE_CMD:
		return dev_remove(d);
	case DM_DEV_SUSPEND_CMD:
		return dev_suspend(d, io);
	case DM_DEV_STATUS_CMD:
		dev_status(d, io);
		return 0;
	case DM_TABLE_LOAD_CMD:
		return table_load(d, io, size);
	case DM_TABLE_STATUS_CMD:
		return table_status(d, io, size);
	case DM_TABLE_DEPS_CMD:
		return table_deps(d, io, size);
	case DM_TARGET_MSG_CMD:
		return target_msg(d, io, size);
	default:
		return -ENOTTY;	/* not in the fake */
	}
}

int fake_dm_ioctl(const char *path, unsigned long req, void *arg)
{
	struct dm_ioctl *io = arg;
	unsigned int nr = _IOC_NR(req);
	size_t size;
	int r = 0;

	if (strcmp(path, "/dev/mapper/control") || nr >= NCMDS ||
	    req != (unsigned long)_IOWR(DM_IOCTL, nr, struct dm_ioctl) || !io)
		return -ENOTTY;
	/* copy_params() takes data_size bytes, and no fewer than the fixed part. */
	size = io->data_size > offsetof(struct dm_ioctl, data) ?
		io->data_size : offsetof(struct dm_ioctl, data);
	record(nr, io, size);
	if (io->version[0] != dm.version[0] || io->version[1] > dm.version[1])
		r = -EINVAL;
	memcpy(io->version, dm.version, sizeof(io->version));
	if (r < 0 || nr == DM_VERSION_CMD)
		return r;
	if (io->data_size < offsetof(struct dm_ioctl, data))
		return -EINVAL;
	r = validate(nr, io);
	if (r == 0 && dm.fail[nr]) {
		r = dm.fail[nr];
		dm.fail[nr] = 0;
	}
	return r < 0 ? r : dispatch(nr, io, size);
}
