/* SPDX-License-Identifier: MIT */
/* Kind "thin-pool": a device-mapper thin pool on a metadata and a data device. */
#include "thin_node.h"
#include "file.h"
#include "holders.h"
#include "log.h"
#include "modules.h"
#include "probe.h"
#include "retry.h"
#include "sys.h"
#include "uevent.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const struct driver_opt pool_opts[] = {
	{ "metadata", OPT_DEVICE, false, false, "the metadata device" },
	{ "data", OPT_DEVICE, false, false, "the data device" },
	{ "device", OPT_DEVICE, false, false, "one device for both, cut in two slices" },
	{ "metadata-size", OPT_SIZE, false, false, "with device: the metadata slice (default 4M)" },
	{ "name", OPT_STRING, false, false, "device-mapper name after blkasm- (default: the node's)" },
	{ "block-size", OPT_SIZE, false, false, "data block size: 64K to 1G in steps of 64K (default 64K)" },
	{ "low-water", OPT_SIZE, false, false, "free data left when the kernel warns (default: a tenth)" },
	{ "create", OPT_BOOL, false, false, "make a new pool when the metadata device is blank" },
	{ "zero-blocks", OPT_BOOL, false, false, "zero newly provisioned blocks (default yes)" },
	{ "read-only", OPT_BOOL, false, false, "activate the pool read-only" },
	{ "check", OPT_BOOL, false, false, "run thin_check first when it is installed (default yes)" },
	DRIVER_OPT_AFTER,
	{ .key = NULL },
};

bool thin_dm_name(const struct plan_node *n, char *out, size_t size)
{
	const char *v = plan_str(n, "name");
	int len = snprintf(out, size, THIN_NAME_PREFIX "%s", v ? v : n->name);

	return len > 0 && (size_t)len < size && dm_name_ok(out);
}

/* metadata and data, or one device cut in two. */
static int check_devices(struct plan *p, struct plan_node *n, struct thin_pool_conf *pc,
			 struct plan_error *err)
{
	const struct plan_opt *dev = plan_opt(n, "device"), *o = plan_opt(n, "metadata-size");
	bool meta = plan_opt(n, "metadata"), data = plan_opt(n, "data");
	uint64_t size = driver_size(n, "metadata-size", 4u << 20);

	if (dev && (meta || data))
		return driver_bad(p, err, dev, "thin-pool '%s' takes either device or metadata and "
			   "data", n->name);
	if (!dev && !(meta && data)) {
		snprintf(err->file, sizeof(err->file), "%s", p->file);
		err->pos = n->name_pos;
		snprintf(err->msg, sizeof(err->msg), "thin-pool '%s' needs metadata and data, "
			 "or device", n->name);
		return -EINVAL;
	}
	if (o && !dev)
		return driver_bad(p, err, o, "metadata-size of thin-pool '%s' goes with device", n->name);
	if (o && (size < (2u << 20) || size > (16ull << 30) || size % 4096))
		return driver_bad(p, err, o, "metadata-size of thin-pool '%s' must be 2M to 16G in "
			   "steps of 4K", n->name);
	pc->sliced = dev != NULL;
	pc->meta_sectors = size / 512;
	for (int i = 0; i < 2; i++) {
		snprintf(pc->slice_name[i], sizeof(pc->slice_name[i]), "%.100s-%s", pc->dm_name,
			 i ? "tdata" : "tmeta");
		snprintf(pc->slice_uuid[i], sizeof(pc->slice_uuid[i]), "%.100s-%s", pc->dm_uuid,
			 i ? "tdata" : "tmeta");
	}
	return 0;
}

static int pool_validate(struct plan *p, struct plan_node *n, struct plan_error *err)
{
	struct thin_pool_conf *pc = calloc(1, sizeof(*pc));
	const struct plan_opt *o;
	int r;

	if (!pc)
		return -ENOMEM;
	n->conf = pc;
	if (!thin_dm_name(n, pc->dm_name, sizeof(pc->dm_name))) {
		o = plan_opt(n, "name");
		if (o)
			return driver_bad(p, err, o, "thin-pool '%s': '%s' is not a device-mapper name",
				   n->name, pc->dm_name);
		snprintf(err->file, sizeof(err->file), "%s", p->file);
		err->pos = n->name_pos;
		snprintf(err->msg, sizeof(err->msg), "thin-pool '%s': the node's name does not "
			 "make a device-mapper name (set name)", n->name);
		return -EINVAL;
	}
	snprintf(pc->dm_uuid, sizeof(pc->dm_uuid), DM_UUID_PREFIX "pool-%s",
		 pc->dm_name + strlen(THIN_NAME_PREFIX));
	r = check_devices(p, n, pc, err);
	if (r < 0)
		return r;
	pc->block_sectors = driver_size(n, "block-size", 64 * 1024) / 512;
	o = plan_opt(n, "block-size");
	if (o && (pc->block_sectors < THIN_BLOCK_MIN || pc->block_sectors > THIN_BLOCK_MAX ||
		  pc->block_sectors % THIN_BLOCK_MIN || driver_size(n, "block-size", 0) % 512))
		return driver_bad(p, err, o, "block-size of thin-pool '%s' must be 64K to 1G in "
			   "steps of 64K", n->name);
	pc->low_water = driver_size(n, "low-water", 0);
	pc->create = driver_bool(n, "create", false);
	pc->zero_blocks = driver_bool(n, "zero-blocks", true);
	pc->read_only = driver_bool(n, "read-only", false);
	pc->check = driver_bool(n, "check", true);
	snprintf(n->claim, sizeof(n->claim), "own the device-mapper name %s", pc->dm_name);
	return 0;
}

static void pool_free_conf(struct plan_node *n)
{
	free(n->conf);
	n->conf = NULL;
}

int thin_pool_read(const char *dm_name, struct thin_pool_status *st, char *why, size_t size)
{
	struct dm_target *t = calloc(1, sizeof(*t));
	char w[200];
	int r;

	if (!t)
		return -ENOMEM;
	r = dm_status(dm_name, false, t, 1);
	if (r == 1 && strcmp(t->type, "thin-pool"))
		r = -EPROTO, snprintf(why, size, "%s is a %s device, not a thin pool", dm_name,
				      t->type);
	else if (r == 1 && thin_pool_status_parse(t->params, st, w, sizeof(w)) < 0)
		r = -EPROTO, snprintf(why, size, "%s: unreadable pool status: %s", dm_name, w);
	else if (r == 1)
		r = 0;
	else if (r >= 0)
		r = -ENODATA, snprintf(why, size, "%s has no live table", dm_name);
	else
		snprintf(why, size, "%s: cannot read the pool status: %s", dm_name, strerror(-r));
	free(t);
	return r;
}

bool thin_pool_healthy(const struct thin_pool_status *st, char *why, size_t size)
{
	const char *what = st->fail ? "has failed (status Fail)" :
		st->error ? "cannot report its state (status Error)" :
		st->needs_check ? "needs its metadata checked (needs_check)" :
		st->mode == THIN_POOL_RO ? "is read-only (metadata damaged or full)" :
		st->mode == THIN_POOL_OUT_OF_DATA ? "is out of data space" : NULL;

	if (what)
		snprintf(why, size, "%s", what);
	return !what;
}

/* "rw, data 3% used (12 of 400 blocks), metadata 2%, transaction 1, ..." */
/* The table's low-water mark in blocks, as activate() set it. */
static uint64_t low_water_of(const struct thin_pool_conf *pc, uint64_t data_blocks)
{
	return pc->low_water ? pc->low_water / 512 / pc->block_sectors : data_blocks / 10;
}

static void describe_pool(const struct thin_pool_status *st, uint64_t low_water,
			  char *buf, size_t size)
{
	uint64_t free_blocks = st->data_total - st->data_used;

	if (st->fail || st->error) {
		snprintf(buf, size, "%s", st->fail ? "FAILED" : "ERROR");
		return;
	}
	snprintf(buf, size, "%s%s, data %llu%% used (%llu of %llu blocks), metadata %llu%% "
		 "(%llu of %llu), transaction %llu, low water %llu blocks%s",
		 st->mode == THIN_POOL_RW ? "rw" : st->mode == THIN_POOL_RO ? "ro" :
		 "out of data space", st->needs_check ? ", NEEDS CHECK" : "",
		 (unsigned long long)(st->data_total ? st->data_used * 100 / st->data_total : 0),
		 (unsigned long long)st->data_used, (unsigned long long)st->data_total,
		 (unsigned long long)(st->meta_total ? st->meta_used * 100 / st->meta_total : 0),
		 (unsigned long long)st->meta_used, (unsigned long long)st->meta_total,
		 (unsigned long long)st->transaction_id, (unsigned long long)low_water,
		 low_water && free_blocks <= low_water ? " (REACHED)" : "");
}

static int removed_op(void *ctx)
{
	int r = dm_remove_once(ctx);

	return r == -ENXIO ? 0 : r;
}

int thin_remove(struct plan_node *n, const char *dm_name)
{
	struct retry_result res;
	char node[160], how[96], who[200];
	int wake, r;

	snprintf(node, sizeof(node), "/dev/mapper/%s", dm_name);
	wake = sys_close_watch(node);
	r = retry_run(&RETRY_DEVICE_BUSY, removed_op, (void *)dm_name, wake, &res);
	if (wake >= 0)
		sys_close(wake);
	if (r == -EPERM) {
		driver_say(n->why, sizeof(n->why), "%s was not made by blkasm (its DM UUID lacks "
			   DM_UUID_PREFIX "): left alone", node);
		return r;
	}
	if (r < 0) {
		if (holders_describe(node, who, sizeof(who)) <= 0)
			snprintf(who, sizeof(who), "no holder found");
		driver_say(n->why, sizeof(n->why), "%s still there %s: %s (held by %s)", node,
			   retry_describe(&res, how, sizeof(how)), strerror(-r), who);
		return r;
	}
	dm_unlink_node(dm_name);
	return 0;
}

/* Nothing libblkid knows and the first 4 KiB zero: the kernel formats it. */
static int metadata_blank(struct plan_node *n, const char *path, bool *blank)
{
	/* Not static: pools on independent branches come up on parallel threads. */
	uint8_t buf[4096] __attribute__((aligned(4096)));
	struct probe_info pi;
	int fd = sys_open(path, O_RDONLY, 0);
	ssize_t got;

	if (fd < 0) {
		driver_say(n->why, sizeof(n->why), "%s: %s", path, strerror(-fd));
		return fd;
	}
	got = sys_pread(fd, buf, sizeof(buf), 0);
	sys_close(fd);
	if (got != (ssize_t)sizeof(buf)) {
		driver_say(n->why, sizeof(n->why), "%s: cannot read its first 4 KiB", path);
		return got < 0 ? (int)got : -EIO;
	}
	*blank = true;
	for (size_t i = 0; i < sizeof(buf) && *blank; i++)
		*blank = !buf[i];
	if (*blank && probe_device(path, &pi) == 0 && pi.type[0])
		*blank = false;
	return 0;
}

static const char *find_tool(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (sys_access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/*
 * lvm2 runs thin_check before it activates a pool, and clears the
 * needs_check flag that way when the metadata is sound; so do we. Bounded
 * by the run's deadline: a thin_check that outlives it is killed.
 */
static int thin_check(struct run_ctx *c, struct plan_node *n, const char *meta)
{
	char tool[64], *argv[] = { tool, "-q", "--clear-needs-check-flag", (char *)meta, NULL };
	char *envp[] = { "PATH=/usr/sbin:/sbin:/usr/bin:/bin", NULL };
	uint64_t until = c->deadline_ms ? c->deadline_ms : sys_now_ms() + 60000;
	int pid, status = 0, r;

	if (!find_tool("thin_check", tool, sizeof(tool)))
		return 0;
	pid = sys_spawn(argv, envp, 0);
	if (pid < 0)
		return 0;	/* could not run it: as if it were not there */
	while ((r = sys_waitpid(pid, &status, WNOHANG)) == 0 && sys_now_ms() < until)
		sys_sleep_ns(5 * 1000 * 1000);
	if (r == 0) {
		sys_kill(pid, SIGKILL);
		sys_waitpid(pid, &status, 0);
		driver_say(n->why, sizeof(n->why), "thin_check of %s did not finish in time", meta);
		return -ETIMEDOUT;
	}
	if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("%s: thin_check found the metadata on %s sound", n->name, meta);
		return 0;
	}
	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "thin_check of %s could not be waited for: %s",
			   meta, strerror(-r));
		return r;
	}
	driver_say(n->why, sizeof(n->why), "thin_check found problems in the metadata on %s "
		   "(exit %d): the pool is not activated; repair it with thin_repair", meta,
		   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -EUCLEAN;
}


static int device_of(struct run_ctx *c, struct plan_node *n, const char *key, char *path,
		     size_t size, dev_t *dev, uint64_t *sectors)
{
	struct stat st;
	int fd, r = driver_resolve_device(c, n, key, path, size);

	if (r < 0)
		return r;
	r = sys_stat(path, &st);
	if (r == 0 && !S_ISBLK(st.st_mode))
		r = -ENOTBLK;
	fd = r < 0 ? r : sys_open(path, O_RDONLY, 0);
	if (fd >= 0) {
		r = sys_ioctl(fd, BLKGETSIZE64, sectors);
		*sectors /= 512;
		sys_close(fd);
	} else {
		r = fd;
	}
	if (r < 0)
		driver_say(n->why, sizeof(n->why), "%s device %s: %s", key, path, strerror(-r));
	*dev = st.st_rdev;
	return r;
}

/* A new pool (blank metadata) or an existing one (checked first). */
static int prepare(struct run_ctx *c, struct plan_node *n, const char *meta, const char *data)
{
	const struct thin_pool_conf *pc = n->conf;
	struct probe_info pi;
	bool blank = false;
	int r = metadata_blank(n, meta, &blank);

	if (r < 0)
		return r;
	if (!blank)
		return pc->check ? thin_check(c, n, meta) : 0;
	if (!pc->create) {
		driver_say(n->why, sizeof(n->why), "the metadata device %s is blank: set create "
			   "yes to make a new pool on it", meta);
		return -ENODATA;
	}
	if (probe_device(data, &pi) == 0 && pi.type[0]) {
		driver_say(n->why, sizeof(n->why), "the data device %s carries %s: a new pool is "
			   "made only on a blank one", data, pi.type);
		return -EEXIST;
	}
	log_info("%s: new pool: the kernel formats the blank metadata on %s", n->name, meta);
	return 0;
}

static int activate(struct plan_node *n, dev_t meta, dev_t data, uint64_t data_sectors)
{
	const struct thin_pool_conf *pc = n->conf;
	struct dm_target *t = calloc(1, sizeof(*t));
	struct dm_info info;
	uint64_t blocks = data_sectors / pc->block_sectors;
	uint64_t low = low_water_of(pc, blocks);
	int r;

	if (!t)
		return -ENOMEM;
	*t = (struct dm_target){ .start = 0, .length = blocks * pc->block_sectors };
	snprintf(t->type, sizeof(t->type), "thin-pool");
	r = thin_pool_table(t->params, sizeof(t->params), meta, data, pc->block_sectors, low,
			    !pc->zero_blocks, pc->read_only);
	if (r >= 0 && blocks == 0)
		r = -ENOSPC;
	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "no pool table for %llu data sectors: %s",
			   (unsigned long long)data_sectors, strerror(-r));
		free(t);
		return r;
	}
	r = dm_create(pc->dm_name, pc->dm_uuid, &info);
	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "cannot create device-mapper device %s: %s%s",
			   pc->dm_name, strerror(-r), r == -EEXIST ? " (the name is taken)" : "");
		free(t);
		return r;
	}
	r = dm_load(pc->dm_name, t, 1, pc->read_only);
	if (r == 0)
		r = dm_resume(pc->dm_name);
	if (r == 0)
		r = dm_make_node(pc->dm_name, info.dev);
	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "the kernel refused the pool table \"%s\": %s "
			   "(its reason is in the kernel log)", t->params, strerror(-r));
		thin_remove(n, pc->dm_name);
	}
	free(t);
	return r;
}

/* Reads the state, refuses an unhealthy pool for read-write use. */
static int health(struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	struct thin_pool_status st;
	char why[200], what[300];
	int r = thin_pool_read(pc->dm_name, &st, why, sizeof(why));

	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "%s", why);
		return r;
	}
	describe_pool(&st, low_water_of(pc, st.data_total), what, sizeof(what));
	driver_say(n->device, sizeof(n->device), "/dev/mapper/%s", pc->dm_name);
	driver_say(n->summary, sizeof(n->summary), "/dev/mapper/%s thin-pool %s", pc->dm_name,
		   what);
	if (thin_pool_healthy(&st, why, sizeof(why)) || (pc->read_only && !st.fail && !st.error))
		return 0;
	driver_say(n->why, sizeof(n->why), "pool %s %s: it is never used read-write; %s",
		   pc->dm_name, why, st.needs_check || st.mode == THIN_POOL_RO ?
		   "check it with thin_check (or repair it with thin_repair)" :
		   st.mode == THIN_POOL_OUT_OF_DATA ? "extend the data device" :
		   "see the kernel log");
	return st.fail ? -EIO : st.mode == THIN_POOL_OUT_OF_DATA ? -ENOSPC : -EROFS;
}

static int sliced(struct run_ctx *c, struct plan_node *n, char *meta, char *data,
		  size_t size, dev_t *mdev, dev_t *ddev, uint64_t *dsec)
{
	struct thin_slices sl;
	char dev[256];
	dev_t devno;
	uint64_t sectors;
	int r = device_of(c, n, "device", dev, sizeof(dev), &devno, &sectors);

	if (r == 0)
		r = thin_slices_up(n, dev, sectors, devno, &sl);
	if (r < 0)
		return r;
	snprintf(meta, size, "%s", sl.meta);
	snprintf(data, size, "%s", sl.data);
	*mdev = sl.mdev;
	*ddev = sl.ddev;
	*dsec = sl.data_sectors;
	return 0;
}

static int pool_up(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	char meta[256], data[256];
	dev_t mdev, ddev;
	uint64_t msec, dsec;
	unsigned int v[3];
	int r = mod_need("dm_thin_pool");

	if (r < 0) {
		driver_say(n->why, sizeof(n->why), "cannot load the dm_thin_pool module: %s",
			   strerror(-r));
		return r;
	}
	r = dm_version(v);
	if (r < 0 || v[0] != 4) {
		driver_say(n->why, sizeof(n->why), "device-mapper interface %s",
			   r < 0 ? strerror(-r) : "is not version 4");
		return r < 0 ? r : -EPROTO;
	}
	r = pc->sliced ? sliced(c, n, meta, data, sizeof(meta), &mdev, &ddev, &dsec) :
		device_of(c, n, "metadata", meta, sizeof(meta), &mdev, &msec);
	if (r == 0 && !pc->sliced)
		r = device_of(c, n, "data", data, sizeof(data), &ddev, &dsec);
	if (r == 0)
		r = prepare(c, n, meta, data);
	if (r == 0)
		r = activate(n, mdev, ddev, dsec);
	if (r == 0 && (r = health(n)) < 0)
		thin_remove(n, pc->dm_name);
	if (r < 0 && pc->sliced)
		thin_slices_down(n);
	return r;
}

static int pool_adopt(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	struct dm_info info;
	int r;

	(void)c;
	r = dm_find_uuid(pc->dm_uuid, &info);
	if (r <= 0)
		return r == -ENODEV ? 0 : r;	/* no device-mapper yet: not up */
	if (!info.live_table) {
		driver_say(n->why, sizeof(n->why), "%s exists without a live table: left alone",
			   info.name);
		return -EEXIST;
	}
	dm_make_node(info.name, info.dev);
	r = health(n);
	return r < 0 ? r : 1;
}

static int pool_down(struct run_ctx *c, struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;

	struct thin_pool_status st;
	char why[200];
	int r;

	(void)c;
	/*
	 * The kernel keeps needs_check in memory and writes it out at the
	 * pool's removal, which a still failing metadata device may refuse:
	 * say it here, where it is still known.
	 */
	if (thin_pool_read(pc->dm_name, &st, why, sizeof(why)) == 0 &&
	    !thin_pool_healthy(&st, why, sizeof(why)))
		log_warn("%s: taking down pool %s that %s: run thin_check on its metadata "
			 "before the next use", n->name, pc->dm_name, why);
	r = thin_remove(n, pc->dm_name);
	if (r == 0 && pc->sliced)
		r = thin_slices_down(n);
	return r;
}

static int pool_status(struct run_ctx *c, struct plan_node *n, struct node_status *st)
{
	const struct thin_pool_conf *pc = n->conf;
	struct thin_pool_status ps;
	struct dm_info info;
	char why[200], node[160];

	(void)c;
	memset(st, 0, sizeof(*st));
	if (dm_find_uuid(pc->dm_uuid, &info) <= 0)
		return 0;
	st->present = info.live_table;
	if (thin_pool_read(pc->dm_name, &ps, why, sizeof(why)) == 0)
		describe_pool(&ps, low_water_of(pc, ps.data_total), st->detail, sizeof(st->detail));
	else
		snprintf(st->detail, sizeof(st->detail), "%s", why);
	snprintf(node, sizeof(node), "/dev/mapper/%s", pc->dm_name);
	holders_describe(node, st->holders, sizeof(st->holders));
	if (!n->device[0])
		driver_say(n->device, sizeof(n->device), "%s", node);
	return 0;
}

/* pool_up loads dm_thin_pool (and so dm_mod) through mod_need. */
void thin_modules(const struct plan_node *n, struct mod_wish *w)
{
	(void)n;
	mod_wish_add(w, "dm_thin_pool", false);
}

const struct driver thin_pool_driver = {
	.kind = "thin-pool",
	.opts = pool_opts,
	.provides_device = false,
	.validate = pool_validate,
	.adopt = pool_adopt,
	.up = pool_up,
	.down = pool_down,
	.status = pool_status,
	.free_conf = pool_free_conf,
	.modules = thin_modules,
};
