/* SPDX-License-Identifier: MIT */
/* blkasm as PID 1: from the kernel's hand-over to the root's init. */
#include "table.h"
#include "init.h"
#include "exec.h"
#include "graph.h"
#include "file.h"
#include "log.h"
#include "modules.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

struct boot {
	struct boot_params bp;
	struct plan plan;
	uint64_t start_ms;	/* sys_now_ms() when /init started */
	uint64_t uptime_ms;	/* the kernel's uptime then */
	uint64_t deadline_ms;
	char **init_args;	/* what the kernel left for init */
	char why[512];		/* the failure, for the rescue message */
};

static void fail(struct boot *b, const char *fmt, const char *arg)
{
	snprintf(b->why, sizeof(b->why), fmt, arg);
}

/*
 * The time a user spends in a break shell is not the boot's: the deadline
 * (blkasm.timeout=) moves on by as much, so that the assembly after it gets
 * the whole of it, as it would without the break.
 */
static void maybe_break(struct boot *b, enum boot_break at)
{
	char why[64];
	uint64_t t0, spent, now;

	if (b->bp.brk != at)
		return;
	snprintf(why, sizeof(why), "break point %s (blkasm.break)", cmdline_break_name(at));
	t0 = sys_now_ms();
	rescue_shell(why);
	spent = sys_now_ms() - t0;
	b->deadline_ms += spent;
	now = sys_now_ms();
	log_info("break point %s: the shell exited after %llu ms; the boot goes on, %llu ms "
		 "left of blkasm.timeout=%u", cmdline_break_name(at), (unsigned long long)spent,
		 (unsigned long long)(b->deadline_ms > now ? b->deadline_ms - now : 0),
		 b->bp.timeout_s);
}

/* Cuts module names out of the list text: one per line, '#' comments. */
static unsigned int module_names(char *text, char **names, unsigned int max)
{
	unsigned int n = 0;

	for (char *line = text, *next; line && n < max; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		line += strspn(line, " \t\r");
		line[strcspn(line, " \t\r")] = '\0';
		if (*line)
			names[n++] = line;
	}
	return n;
}

/*
 * The loader's threads: one per CPU online, and none (the sequential path,
 * modules loaded in order before the plan runs) on one CPU, where a
 * loader thread only adds switches: 8 boots each of the x86_64 board on
 * one CPU gave medians of 580 ms sequential against 605 ms with one
 * thread, /init to switch_root (docs/modules.md). BLKASM_MODTHREADS=N on
 * the kernel command line (the kernel hands it to init as an environment
 * variable) sets it; 0 is the sequential path.
 */
static unsigned int module_threads(void)
{
	const char *env = getenv("BLKASM_MODTHREADS");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (env && *env >= '0' && *env <= '9')
		return (unsigned int)strtoul(env, NULL, 10);
	return cpus <= 1 ? 0 : (unsigned int)cpus;
}

/*
 * Starts loading the board's modules (MODULES_LIST) in the background: the
 * plan is read and run meanwhile, and a node waits only for the modules it
 * needs (mod_need). No list: nothing at boot, the drivers' modules still
 * load on demand.
 */
static int start_modules(struct boot *b)
{
	char release[128], dir[256], *text = NULL, *names[64];
	unsigned int n = 0;
	int r;

	if (file_slurp(MODULES_LIST, 64 * 1024, &text, NULL) == 0)
		n = module_names(text, names, 64);
	r = file_read("/proc/sys/kernel/osrelease", release, sizeof(release));
	snprintf(dir, sizeof(dir), "/lib/modules/%s", r < 0 ? "" : release);
	r = modload_start(dir, (const char *const *)names, n, module_threads());
	free(text);
	if (r == -ENOENT && n == 0)
		return 0;	/* no modules.dep: a kernel with everything built in */
	if (r < 0)
		fail(b, "cannot load the kernel modules listed in %s", MODULES_LIST);
	return r;
}

/* Every module asked for is in (or failed) before the root's init runs. */
static int finish_modules(struct boot *b, int r)
{
	char name[64];
	int m = modload_finish(name, sizeof(name));

	/* A failed module is the likelier cause of a failed node. */
	if (m < 0) {
		snprintf(b->why, sizeof(b->why), "cannot load the kernel module %s: %s", name,
			 strerror(-m));
		return m;
	}
	return r;
}

/* initramfs-tools keeps the image's host filesystem reachable as /host. */
static void move_host(struct boot *b)
{
	char target[64];

	int i = plan_find(&b->plan, HOST_NODE);

	if (i < 0 || b->plan.nodes[i].state != NODE_UP)
		return;
	snprintf(target, sizeof(target), "%s%s", NEW_ROOT, HOST_DIR);
	if (sys_mount(HOST_DIR, target, NULL, MS_MOVE, NULL) < 0)
		log_warn("host: %s has no %s: %s stays mounted out of reach",
			 NEW_ROOT, HOST_DIR, b->plan.nodes[i].device);
}

/* Per-node timings in /run/blkasm, which moves into the new root. */
/* How much of that the kernel operations themselves took (make bench). */
static void log_kernel_ops(void)
{
	uint64_t ns[SYS_OP_KINDS], count[SYS_OP_KINDS], sum = 0;
	char buf[256];
	size_t len = 0;

	sys_op_totals(ns, count);
	for (int k = 0; k < SYS_OP_KINDS; k++) {
		sum += ns[k];
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s %llu.%01llu ms (%llu)",
					k ? ", " : "", sys_op_name(k),
					(unsigned long long)ns[k] / 1000000,
					(unsigned long long)ns[k] / 100000 % 10,
					(unsigned long long)count[k]);
	}
	log_info("kernel operations: %llu ms: %s", (unsigned long long)sum / 1000000, buf);
}

/*
 * blkasm's peak RSS (VmHWM, KiB), 0 when unreadable. Read before
 * switch_root: the exec of the root's init starts a new mm, and with it a
 * new VmHWM.
 */
static unsigned long peak_rss_kb(void)
{
	char buf[4096], *p;
	unsigned long kb = 0;

	if (file_read("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\nVmHWM:");
	if (p)
		sscanf(p + 7, "%lu", &kb);
	return kb;
}

static void write_timings(struct boot *b, uint64_t ready_ms, unsigned long hwm_kb)
{
	char buf[2048];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
				"kernel_to_init_ms %llu\ninit_to_ready_ms %llu\nvm_hwm_kb %lu\n",
				(unsigned long long)b->uptime_ms, (unsigned long long)ready_ms,
				hwm_kb);
	uint64_t ns[SYS_OP_KINDS], count[SYS_OP_KINDS];

	sys_op_totals(ns, count);
	for (int k = 0; k < SYS_OP_KINDS && len < sizeof(buf); k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "kernel_op %s %llu %llu\n",
					sys_op_name(k), (unsigned long long)count[k],
					(unsigned long long)ns[k] / 1000);
	for (unsigned int i = 0; i < b->plan.count && len < sizeof(buf); i++) {
		const struct plan_node *n = &b->plan.nodes[i];

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "node %s %llu %s\n",
					n->name, (unsigned long long)n->ms, n->device);
	}
	file_mkdirs(RUN_DIR, 0755);
	int fd = sys_open(RUN_DIR "/timings", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		sys_write(fd, buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
		sys_close(fd);
	}
}

/* The plan file (blkasm.conf= or /etc/blkasm.conf, if any) plus the root. */
static int build_plan(struct boot *b)
{
	bool given = b->bp.conf[0];
	int r;

	plan_free(&b->plan);
	r = rootplan_build(&b->plan, &b->bp, given ? b->bp.conf : DEFAULT_CONF, !given,
			   b->why, sizeof(b->why));
	if (r == -ENODEV)
		fail(b, "%s", "no root= on the kernel command line: nothing to boot");
	return r;
}

static int run_plan(struct boot *b, const char *only)
{
	const struct plan_node *failed = NULL;
	struct exec_opts o = { .jobs = 4, .deadline_ms = b->deadline_ms, .failed = &failed };
	struct plan_error err;
	bool *want = calloc(b->plan.count + 1, sizeof(*want));
	char *names[] = { (char *)only };
	char msg[600];
	int r;

	if (!want)
		return -ENOMEM;
	r = graph_select(&b->plan, names, only ? 1 : 0, false, want, &err);
	if (r < 0)
		fail(b, "%s", plan_error_str(&err, msg, sizeof(msg)));
	if (r == 0)
		r = exec_up(&b->plan, want, &o);
	free(want);
	/* Name the node that failed: the root may well have been fine. */
	if (r < 0 && failed)
		snprintf(b->why, sizeof(b->why), "%.64s could not be brought up: %.400s", failed->name,
			 failed->why[0] ? failed->why : strerror(-r));
	else if (r < 0 && !b->why[0])
		fail(b, "the storage plan could not be run: %s", strerror(-r));
	return r;
}

/* Sets node's option key (its first value) to value. */
static int reset_opt(struct boot *b, const char *node, const char *key, const char *value)
{
	int i = plan_find(&b->plan, node);
	struct plan_opt *o = i < 0 ? NULL : (struct plan_opt *)plan_opt(&b->plan.nodes[i], key);
	char *v = strdup(value);

	if (!o || !o->nvalues || !v) {
		free(v);
		fail(b, "%s", "out of memory");
		return -ENOMEM;
	}
	free(o->values[0].text);
	o->values[0].text = v;
	return 0;
}

/*
 * A/B slots: the state first (root= on /host for blkasm.slots=, the state's
 * device for blkasm.slotdev=), then the slot's name in loop='s or root='s
 * {slot} (init/slotboot.c).
 */
static int pick_slot(struct boot *b)
{
	const struct boot_params *bp = &b->bp;
	char path[320], name[32], spec[300], text[340];
	const char *stage = bp->have_slot_dev ? SLOTDEV_NODE : HOST_NODE;
	int r = run_plan(b, stage);

	if (r < 0)
		return r;
	if (bp->have_slot_dev)
		snprintf(path, sizeof(path), "%s",
			 b->plan.nodes[plan_find(&b->plan, stage)].device);
	else
		snprintf(path, sizeof(path), "%s%s", HOST_DIR, bp->slots);
	r = slotboot_pick(bp, path, name, sizeof(name), b->why, sizeof(b->why));
	if (r < 0)
		return r;
	devspec_str(&bp->root, spec, sizeof(spec));
	if (cmdline_slot_subst(bp->loop, name, path, sizeof(path)) == 0) {
		snprintf(text, sizeof(text), "%s%s", HOST_DIR, path);
		return reset_opt(b, IMAGE_NODE, "file", text);
	}
	if (cmdline_slot_subst(spec, name, text, sizeof(text)) == 0)
		return reset_opt(b, ROOT_DEVICE_NODE, "device", text);
	fail(b, "slot %s: its image path or device is too long", name);
	return -ENAMETOOLONG;
}

static int assemble(struct boot *b)
{
	int r;

	maybe_break(b, BREAK_TOP);
	r = start_modules(b);
	if (r == 0)
		r = build_plan(b);
	if (r == 0)
		modload_plan(&b->plan);
	if (r == 0 && (b->bp.slots[0] || b->bp.have_slot_dev))
		r = pick_slot(b);
	if (r == 0 && b->bp.brk == BREAK_PREMOUNT) {
		/* The root device first, then a shell, then the rest. */
		r = run_plan(b, ROOT_DEVICE_NODE);
		if (r == 0)
			maybe_break(b, BREAK_PREMOUNT);
	}
	if (r == 0)
		r = run_plan(b, NULL);
	return finish_modules(b, r);
}

static void boot_once(struct boot *b)
{
	const char *init;
	uint64_t ready;
	unsigned long hwm;

	if (assemble(b) < 0)
		return;
	init = switch_root_find_init(NEW_ROOT, b->bp.init);
	if (!init) {
		fail(b, "no init on the root filesystem (%s)",
		     b->bp.init[0] ? b->bp.init : "/sbin/init, /etc/init, /bin/init, /bin/sh");
		return;
	}
	move_host(b);
	ready = sys_now_ms() - b->start_ms;
	hwm = peak_rss_kb();
	write_timings(b, ready, hwm);
	log_info("ready in %llu ms (%u nodes)", (unsigned long long)ready, b->plan.count);
	log_kernel_ops();
	log_info("peak memory: %lu KiB (VmHWM)", hwm);
	maybe_break(b, BREAK_BOTTOM);
	b->init_args[0] = (char *)init;
	log_finish();
	switch_root(NEW_ROOT, init, b->init_args);
	log_setup(LOG_TO_KMSG, b->bp.debug);
	fail(b, "switch_root to %s failed", init);
}

/* What this run made, in reverse; exec_up already did so after a failure. */
static void teardown(struct boot *b)
{
	struct exec_opts o = { .jobs = 1, .deadline_ms = sys_now_ms() + 10000 };
	bool *want = calloc(b->plan.count + 1, sizeof(*want));

	if (!want)
		return;
	for (unsigned int i = 0; i < b->plan.count; i++)
		want[i] = b->plan.nodes[i].state == NODE_UP;
	exec_down(&b->plan, want, &o);
	free(want);
}

static uint64_t kernel_uptime_ms(void)
{
	char buf[64];
	unsigned long s = 0, cs = 0;

	if (file_read("/proc/uptime", buf, sizeof(buf)) > 0)
		sscanf(buf, "%lu.%lu", &s, &cs);
	return s * 1000 + cs * 10;
}

static void read_cmdline(struct boot *b)
{
	struct cmdline_error err;
	char line[4096];

	if (file_read("/proc/cmdline", line, sizeof(line)) < 0)
		line[0] = '\0';
	if (cmdline_parse(line, &b->bp, &err) == 0)
		return;
	snprintf(b->why, sizeof(b->why), "kernel command line, column %u (%s): expected %s",
		 err.column, err.param, err.expected);
	/* Nothing is trusted from a command line we could not read. */
	cmdline_parse("", &b->bp, &err);
	b->bp.have_root = false;
}

int boot_main(int argc, char **argv)
{
	static struct boot b;

	(void)argc;
	b.start_ms = sys_now_ms();
	early_mounts();
	early_console();
	log_setup(LOG_TO_KMSG, false);
	b.uptime_ms = kernel_uptime_ms();
	b.init_args = argv;
	read_cmdline(&b);
	log_setup(LOG_TO_KMSG, b.bp.debug);
	log_info("starting at %llu ms of kernel uptime", (unsigned long long)b.uptime_ms);
	for (;;) {
		b.deadline_ms = sys_now_ms() + (uint64_t)b.bp.timeout_s * 1000u;
		if (!b.why[0])
			boot_once(&b);
		teardown(&b);
		rescue_or_reboot(&b.bp, b.why);
		/* The shell exited: the user may have fixed something. */
		b.why[0] = '\0';
		read_cmdline(&b);
	}
}
