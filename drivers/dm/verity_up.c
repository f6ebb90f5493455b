/* SPDX-License-Identifier: MIT */
/*
 * Bringing a verity node up: its devices and superblock, the table, and
 * the root hash checked before anyone can mount the device.
 *
 * The kernel does not check the root hash when it loads the table: a
 * wrong one only makes reads fail. So blkasm reads the first data block
 * through the new device (each read is checked against the root hash,
 * through every level of the tree) before it hands the device on, and
 * removes the device when that read fails. The table it checks with has
 * no corruption policy (reads fail with EIO): with restart or panic a
 * wrong root hash would reboot the machine, with log it would go unseen.
 * The plan's policy is loaded only once the root hash is known good.
 */
#include "verity_node.h"
#include "modules.h"
#include "probe.h"
#include "sys.h"
#include "thin_node.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* path is opened, desc named in messages. */
static int read_sb(struct plan_node *n, const char *path, const char *desc, uint64_t off,
		   struct verity_sb *sb)
{
	uint8_t buf[VERITY_SB_SIZE];
	int fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
	ssize_t got;

	if (fd < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot open hash device %s: %s", desc,
			   strerror(-fd));
		return fd;
	}
	got = sys_pread(fd, buf, sizeof(buf), off);
	sys_close(fd);
	if (got < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot read the verity superblock of %s at "
			   "byte %llu: %s", desc, (unsigned long long)off, strerror((int)-got));
		return (int)got;
	}
	return verity_sb_parse(buf, (size_t)got, desc, sb, n->why, NODE_WHY_SIZE);
}

/* A device's logical block size (BLKSSZGET): what the kernel reads it in. */
static int sector_size(struct plan_node *n, const char *path, uint32_t *out)
{
	int fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0), size = 512, r = fd;

	if (fd >= 0) {
		r = sys_ioctl(fd, BLKSSZGET, &size);
		sys_close(fd);
	}
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot read the block size of %s: %s", path,
			   strerror(-r));
		return r;
	}
	*out = (uint32_t)size;
	return 0;
}

static int devices(struct run_ctx *c, struct plan_node *n, struct verity_want *w,
		   struct verity_fit *f)
{
	const struct verity_conf *vc = n->conf;
	uint64_t dsec, hsec;
	int r = thin_device_of(c, n, "data", w->data, sizeof(w->data), &w->ddev, &dsec);

	if (r == 0 && vc->own_hash)
		r = thin_device_of(c, n, "hash", w->hash, sizeof(w->hash), &w->hdev, &hsec);
	if (r < 0)
		return r;
	if (!vc->own_hash) {
		snprintf(w->hash, sizeof(w->hash), "%s", w->data);
		w->hdev = w->ddev;
		hsec = dsec;
	}
	probe_describe(w->data, w->data_desc, sizeof(w->data_desc));
	probe_describe(w->hash, w->hash_desc, sizeof(w->hash_desc));
	*f = (struct verity_fit){ .data_dev = w->data_desc, .hash_dev = w->hash_desc,
				  .data_bytes = dsec * 512, .hash_bytes = hsec * 512,
				  .hash_offset = vc->hash_offset, .same = w->ddev == w->hdev };
	r = sector_size(n, w->data, &f->data_sector);
	return r ? r : sector_size(n, w->hash, &f->hash_sector);
}

int verity_want(struct run_ctx *c, struct plan_node *n, struct verity_want *w)
{
	const struct verity_conf *vc = n->conf;
	struct verity_fit f;
	unsigned int digest;
	int r = devices(c, n, w, &f);

	if (r == 0)
		r = read_sb(n, w->hash, w->hash_desc, vc->hash_offset, &w->sb);
	if (r < 0)
		return r;
	digest = verity_digest_size(w->sb.algorithm);
	if (strlen(vc->root) != 2 * digest) {
		driver_say(n->why, NODE_WHY_SIZE, "root-hash has %zu hex digits, but the verity "
			   "superblock on %s says %s, whose digests have %u", strlen(vc->root),
			   w->hash_desc, w->sb.algorithm, 2 * digest);
		return -EINVAL;
	}
	r = verity_sb_fit(&w->sb, &f, &w->hash_start, &w->sectors, n->why, NODE_WHY_SIZE);
	if (r < 0)
		return r;
	w->t = (struct dm_target){ .start = 0, .length = w->sectors };
	snprintf(w->t.type, sizeof(w->t.type), "verity");
	r = verity_table(w->t.params, sizeof(w->t.params), &w->sb, w->ddev, w->hdev,
			 w->hash_start, vc->root, vc->policy);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "no verity table for %s: %s", w->data_desc,
			   strerror(-r));
	return r < 0 ? r : 0;
}

/* Removes the device after a failure, keeping the first diagnosis. */
static void undo(struct run_ctx *c, struct plan_node *n)
{
	const struct verity_conf *vc = n->conf;
	char why[NODE_WHY_SIZE];

	snprintf(why, sizeof(why), "%s", n->why);
	if (thin_remove(c, n, vc->dm_name) < 0)
		driver_say(why + strlen(why), sizeof(why) - strlen(why), "; and %s", n->why);
	snprintf(n->why, NODE_WHY_SIZE, "%s", why);
}

/* The device, read-only, reads of corrupt blocks failing (no policy yet). */
static int activate(struct run_ctx *c, struct plan_node *n, const struct verity_want *w)
{
	const struct verity_conf *vc = n->conf;
	struct dm_target t = w->t;
	struct dm_info info;
	int r = verity_table(t.params, sizeof(t.params), &w->sb, w->ddev, w->hdev, w->hash_start,
			     vc->root, VERITY_EIO);

	if (r >= 0)
		r = dm_create(vc->dm_name, vc->dm_uuid, &info);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot create device-mapper device %s: %s%s",
			   vc->dm_name, strerror(-r), r == -EEXIST ? " (the name is taken)" : "");
		return r;
	}
	r = dm_load(vc->dm_name, &t, 1, true);
	if (r == 0)
		r = dm_resume(vc->dm_name);
	if (r == 0)
		r = dm_make_node(vc->dm_name, info.dev);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "the kernel refused the verity table \"%s\": %s "
			   "(its reason is in the kernel log)", t.params, strerror(-r));
		undo(c, n);
	}
	return r;
}

/* The first data block read through the device: checked up to the root hash. */
static int check_root(struct run_ctx *c, struct plan_node *n, const struct verity_want *w)
{
	const struct verity_conf *vc = n->conf;
	uint8_t *buf = malloc(w->sb.data_block_size);
	char node[160];
	ssize_t got;
	int fd;

	if (!buf)
		return -ENOMEM;
	snprintf(node, sizeof(node), "/dev/mapper/%s", vc->dm_name);
	fd = sys_open(node, O_RDONLY | O_CLOEXEC, 0);
	got = fd;
	if (fd >= 0) {
		got = sys_pread(fd, buf, w->sb.data_block_size, 0);
		sys_close(fd);
	}
	free(buf);
	if (got >= 0 && got < (ssize_t)w->sb.data_block_size)
		got = -EIO;	/* a device shorter than its first block */
	if (got == -EIO)
		driver_say(n->why, NODE_WHY_SIZE, "root hash does not match: reading block 0 "
			   "of data %s through %s failed (%s): root-hash, the data or the hash "
			   "tree on %s is wrong", w->data_desc, node, strerror(EIO), w->hash_desc);
	else if (got < 0)
		driver_say(n->why, NODE_WHY_SIZE, "cannot read block 0 of %s to check the root "
			   "hash: %s", node, strerror((int)-got));
	if (got < 0)
		undo(c, n);
	return got < 0 ? (int)got : 0;
}

/* The plan's corruption policy, once the root hash is known good. */
static int set_policy(struct run_ctx *c, struct plan_node *n, const struct verity_want *w)
{
	const struct verity_conf *vc = n->conf;
	int r;

	if (vc->policy == VERITY_EIO)
		return 0;
	r = dm_load(vc->dm_name, &w->t, 1, true);
	if (r == 0)
		r = dm_resume(vc->dm_name);
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "the kernel refused on-corruption %s in \"%s\": "
			   "%s", verity_policy_word(vc->policy), w->t.params, strerror(-r));
		undo(c, n);
	}
	return r;
}

void verity_describe(struct plan_node *n, const char *dm_name, char *state, size_t size)
{
	struct dm_target t = { 0 };
	struct verity_status vs;
	char why[160] = "no status";
	const char *s = "unknown";

	if (dm_status(dm_name, false, &t, 1) == 1 &&
	    verity_status_parse(t.params, &vs, why, sizeof(why)) == 0)
		s = vs.corrupted ? "corrupted" : "verified";
	snprintf(state, size, "%s", s);
	driver_say(n->device, NODE_DEVICE_SIZE, "/dev/mapper/%s", dm_name);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "/dev/mapper/%s verity, %llu KiB read-only, "
		   "%s%s%s", dm_name, (unsigned long long)t.length / 2, s,
		   strcmp(s, "unknown") ? "" : ": ", strcmp(s, "unknown") ? "" : why);
}

int verity_up(struct run_ctx *c, struct plan_node *n)
{
	const struct verity_conf *vc = n->conf;
	struct verity_want *w;
	char state[16];
	int r = mod_need("dm_verity");

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "cannot load the dm_verity module: %s",
			   strerror(-r));
		return r;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	r = verity_want(c, n, w);
	if (r == 0)
		r = activate(c, n, w);
	if (r == 0)
		r = check_root(c, n, w);
	if (r == 0)
		r = set_policy(c, n, w);
	if (r == 0)
		verity_describe(n, vc->dm_name, state, sizeof(state));
	free(w);
	return r;
}
