/* SPDX-License-Identifier: MIT */
/*
 * For fault_sweep_test.c: the full stack of tests/board/guest/
 * stack-plan.conf on the fake kernel (fake_kernel.h): two loop images, an
 * md raid1 on them, a thin pool sliced from the array, a thin volume; and
 * `blkasm up` and `blkasm down` as init/cli.c runs them (plan file, the
 * record in /run/blkasm, exec, record saved, undo when it cannot be).
 *
 * What libblkid would probe (it opens real paths, not the seam) is kept
 * out: the images carry the array's superblocks already (as at a second
 * boot of powercut-plan.conf), so md assembles and md_create finds the
 * array made and probes nothing; the pool's blank checks read through the
 * seam, and libblkid's look at /dev/mapper/blkasm-pool-tmeta and -tdata
 * finds no such path on the host, which leaves them blank.
 * The mount of the volume is not in the plan: the mount kind mounts
 * through libmount, which calls mount(2) itself, not the seam.
 */
#ifndef BLKASM_STACK_FIXTURE_H
#define BLKASM_STACK_FIXTURE_H

#include "table.h"
#include "exec.h"
#include "fake_dm.h"
#include "fake_inject.h"
#include "fake_kernel.h"
#include "fake_sys.h"
#include "loop/loop.h"
#include "md/md_super.h"
#include "plan.h"
#include "state.h"
#include "sys.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF "/etc/blkasm.conf"
#define RECORD "/run/blkasm/state"
#define IMG_BYTES (4u << 20)
#define REL "6.1.0-test"
#define MODDIR "/lib/modules/" REL

static const char PLAN[] =
	"loop a {\n\tfile /images/a.img\n}\n"
	"loop b {\n\tfile /images/b.img\n}\n"
	"md r {\n\tmembers a b\n\tlevel raid1\n\tcreate yes\n\tassume-clean yes\n}\n"
	"thin-pool pool {\n\tdevice r\n\tmetadata-size 2M\n\tcreate yes\n}\n"
	"thin vol {\n\tpool pool\n\tid 1\n\tsize 8M\n\tcreate yes\n}\n";

/* raid1 and dm-thin-pool are loaded on demand, from this tree. */
static const char MODDEP[] =
	"kernel/drivers/md/md-mod.ko:\n"
	"kernel/drivers/md/dm-mod.ko:\n"
	"kernel/drivers/md/raid1.ko: kernel/drivers/md/md-mod.ko\n"
	"kernel/drivers/md/persistent-data/dm-persistent-data.ko: "
	"kernel/drivers/md/dm-bufio.ko\n"
	"kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko\n"
	"kernel/drivers/md/dm-bio-prison.ko: kernel/drivers/md/dm-mod.ko\n"
	"kernel/drivers/md/dm-thin-pool.ko: kernel/drivers/md/persistent-data/"
	"dm-persistent-data.ko kernel/drivers/md/dm-bufio.ko "
	"kernel/drivers/md/dm-bio-prison.ko kernel/drivers/md/dm-mod.ko\n";

/* The pool's status once made: a fresh pool of 16 blocks (pool_status()). */
#define POOL_STATUS "0 10/512 0/16 - rw discard_passdown queue_if_no_space - 128 "

/* What the comparisons leave out: the record is checked on its own. */
static const char *const SKIP[] = { "/run/blkasm/", NULL };

/* An image with slot `slot` of a raid1 of two, version 1.2, clean. */
static uint8_t *member_image(uint32_t slot)
{
	uint8_t *img = calloc(1, IMG_BYTES);
	struct md_sb sb = {
		.minor_version = 2, .level = 1, .raid_disks = 2, .super_offset = 8,
		.data_offset = 2048, .data_size = IMG_BYTES / 512 - 2048,
		.size = IMG_BYTES / 512 - 2048, .dev_number = slot, .events = 7,
		.resync_offset = UINT64_MAX, .max_dev = 128, .ctime = 1690000000,
		.utime = 1690000000,
	};

	ATF_REQUIRE(img);
	memcpy(sb.set_uuid, "\x3f\x1c\x2a\x4b\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98",
	       16);
	strcpy(sb.set_name, "board:r");
	sb.device_uuid[0] = (uint8_t)(0x10 + slot);
	for (uint32_t i = 0; i < sb.max_dev; i++)
		sb.roles[i] = i < 2 ? (uint16_t)i : MDSB_ROLE_SPARE;
	ATF_REQUIRE_EQ(mdsb_build(&sb, img + 4096, MDSB_SIZE), 0);
	return img;
}

/* A machine at boot with the plan, the images and a module tree. */
static void stack_setup(void)
{
	static uint8_t *img[2];
	static const char *const mods[] = {
		"raid1", "persistent-data/dm-persistent-data", "dm-bufio", "dm-bio-prison",
		"dm-thin-pool",
	};
	char path[128];

	for (uint32_t i = 0; i < 2 && !img[i]; i++)
		img[i] = member_image(i);
	fake_reset();
	fake_kernel_enable();
	fake_file_add(CONF, PLAN);
	fake_file_add_shared("/images/a.img", img[0], IMG_BYTES);
	fake_file_add_shared("/images/b.img", img[1], IMG_BYTES);
	fake_dir_add("/run");
	fake_dir_add("/sys/module/dm_mod");
	fake_dir_add("/sys/module/loop");	/* loaded: the loop devices are there */
	fake_file_add("/proc/sys/kernel/osrelease", REL "\n");
	fake_file_add(MODDIR "/modules.dep", MODDEP);
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), MODDIR "/kernel/drivers/md/%s.ko", mods[i]);
		fake_file_add(path, "\177ELF");
	}
	fake_dm_status_on_create("blkasm-pool", 0, POOL_STATUS);
}

/* How a run ended: its return, and what it told the user. */
struct outcome {
	int ret;
	char diag[1024];	/* the failing node's diagnosis, or the run's error */
	char node[64];		/* the node that failed, "" for none */
};

static void say(struct outcome *o, int ret, const char *node, const char *fmt, const char *s)
{
	o->ret = ret;
	snprintf(o->node, sizeof(o->node), "%s", node ? node : "");
	snprintf(o->diag, sizeof(o->diag), fmt, s);
}

/* The record loaded (cli.c's prepare); 0, or the outcome says why not. */
static int load(struct plan *p, bool **recorded, struct outcome *o)
{
	struct plan_error err;
	char msg[1024];
	int r = plan_load(p, driver_table, CONF, &err);

	*recorded = NULL;
	if (r < 0) {
		say(o, r, NULL, "%s", plan_error_str(&err, msg, sizeof(msg)));
		return r;
	}
	*recorded = calloc(p->count + 1, sizeof(**recorded));
	ATF_REQUIRE(*recorded);
	r = state_load(p, *recorded);
	if (r < 0)
		say(o, r, NULL, "cannot read the record: %s", strerror(-r));
	return r;
}

/* cli.c's undo(): what this run brought up goes again, newest first. */
static void undo(struct plan *p, const struct exec_opts *eo)
{
	bool *want = calloc(p->count + 1, sizeof(*want));

	ATF_REQUIRE(want);
	for (unsigned int i = 0; i < p->count; i++)
		want[i] = p->nodes[i].state == NODE_UP;
	exec_down(p, want, eo);
	free(want);
}

/*
 * The node a down failed at: exec_down goes on past it, and leaves it
 * (and what it sits on) created, with its diagnosis. NULL when none says.
 */
static const struct plan_node *down_failed(const struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (p->nodes[i].created && p->nodes[i].why[0])
			return &p->nodes[i];
	return NULL;
}

/* cli.c's run(): exec, then the record; an up not recorded is undone. */
static void run(struct plan *p, bool down, struct outcome *o)
{
	const struct plan_node *failed = NULL;
	struct exec_opts eo = { .jobs = 1, .deadline_ms = sys_now_ms() + 60000,
				.failed = &failed };
	bool *recorded;
	int r, w;

	memset(o, 0, sizeof(*o));
	if (load(p, &recorded, o) < 0)
		goto out;
	r = down ? exec_down(p, NULL, &eo) : exec_up(p, NULL, &eo);
	if (r < 0 && down)
		failed = down_failed(p);
	if (r < 0)
		say(o, r, failed ? failed->name : NULL, "%s", failed ? failed->why : "");
	w = state_save(p, recorded);
	if (w < 0 && !down)
		undo(p, &eo);
	if (w < 0 && r >= 0)
		say(o, w, NULL, "cannot record the state: %s", strerror(-w));
out:
	free(recorded);
}

/*
 * The process ends: what it held goes (the loop driver keeps each device
 * it bound open until then).
 */
static void stack_exit(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++) {
		struct plan_node *n = &p->nodes[i];

		if (n->run && !strcmp(n->kind, "loop")) {
			loop_release(n->run);
			free(n->run);
			n->run = NULL;
		}
	}
	plan_free(p);
}

static void stack_up(struct outcome *o)
{
	struct plan p;

	run(&p, false, o);
	fake_inject_stop();	/* the kernel's own closes at exit are no calls */
	stack_exit(&p);
}

static void stack_down(struct outcome *o)
{
	struct plan p;

	run(&p, true, o);
	fake_inject_stop();
	stack_exit(&p);
}

/* The record's lines, "" when there is none. */
static const char *record(void)
{
	static char buf[2048];
	int fd = sys_open(RECORD, 0, 0);
	ssize_t n = fd < 0 ? 0 : sys_read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		sys_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

#endif
