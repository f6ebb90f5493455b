/* SPDX-License-Identifier: MIT */
/*
 * The root assembly the kernel command line asks for, as a list of nodes in
 * dependency order: the root device, then either its mount as the new root,
 * or (loop=) its mount on /host, the image's loop device, and the image's
 * filesystem as the new root.
 */
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct boot_node *add(struct boot_plan *plan, const char *name,
			     enum node_kind kind, int from)
{
	struct boot_node *n = &plan->nodes[plan->count++];

	memset(n, 0, sizeof(*n));
	n->name = name;
	n->kind = kind;
	n->from = from;
	n->loop.fd = -1;
	n->loop.nr = -1;
	return n;
}

static uint32_t root_wait(const struct boot_params *bp)
{
	if (bp->root_wait_s >= 0)
		return (uint32_t)bp->root_wait_s;
	/* Plain rootwait: until the boot deadline (never forever). */
	return bp->rootwait ? bp->timeout_s : CMDLINE_DEFAULT_ROOT_WAIT_S;
}

int bootplan_build(const struct boot_params *bp, struct boot_plan *plan)
{
	struct boot_node *n;

	plan->count = 0;
	if (!bp->have_root)
		return -ENODEV;
	n = add(plan, "rootdev", NODE_DEVICE, -1);
	devspec_str(&bp->root, n->source, sizeof(n->source));
	n->wait_s = root_wait(bp);
	if (!bp->loop[0]) {
		n = add(plan, "root", NODE_MOUNT, 0);
		n->target = NEW_ROOT;
		n->fstype = bp->rootfstype;
		n->options = bp->rootflags;
		n->read_only = bp->read_only;
		return 0;
	}
	/*
	 * The host filesystem is mounted read-write so that the image can be
	 * written once the root is remounted rw; node_up falls back to a
	 * read-only mount (and a read-only loop) when it cannot be written.
	 */
	n = add(plan, "host", NODE_MOUNT, 0);
	n->target = HOST_DIR;
	n->fstype = bp->rootfstype;
	n->options = bp->rootflags;
	n = add(plan, "rootimg", NODE_LOOP, 1);
	snprintf(n->source, sizeof(n->source), "%s%s", HOST_DIR, bp->loop);
	n = add(plan, "root", NODE_MOUNT, 2);
	n->target = NEW_ROOT;
	n->fstype = bp->loopfstype;
	n->options = bp->loopflags;
	n->read_only = bp->read_only;
	return 0;
}

static void print_node(const struct boot_plan *plan, unsigned int i)
{
	const struct boot_node *n = &plan->nodes[i];
	const char *from = n->from >= 0 ? plan->nodes[n->from].name : "";

	switch (n->kind) {
	case NODE_DEVICE:
		printf("%u. %-8s device %s (wait up to %u s)\n", i + 1, n->name,
		       n->source, n->wait_s);
		break;
	case NODE_LOOP:
		printf("%u. %-8s loop   %s, after %s (autoclear)\n", i + 1, n->name,
		       n->source, from);
		break;
	case NODE_MOUNT:
		printf("%u. %-8s mount  %s on %s type %s options %s%s%s\n", i + 1,
		       n->name, from, n->target, *n->fstype ? n->fstype : "probed",
		       n->read_only ? "ro" : "rw", *n->options ? "," : "", n->options);
		break;
	}
}

void bootplan_print(const struct boot_plan *plan, const struct boot_params *bp)
{
	for (unsigned int i = 0; i < plan->count; i++)
		print_node(plan, i);
	printf("then switch_root to %s running %s (boot deadline %u s)\n", NEW_ROOT,
	       bp->init[0] ? bp->init : "/sbin/init", bp->timeout_s);
	if (bp->brk != BREAK_NONE)
		printf("with a shell at break point %s\n", cmdline_break_name(bp->brk));
}
