/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_INIT_H
#define BLKASM_INIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "loop.h"

#define NEW_ROOT "/root"
#define HOST_DIR "/host"
#define MODULES_LIST "/etc/blkasm/modules"
#define RUN_DIR "/run/blkasm"

/* One step of assembling the root, as `blkasm plan` prints it. */
enum node_kind { NODE_DEVICE, NODE_MOUNT, NODE_LOOP };

struct boot_node {
	const char *name;
	enum node_kind kind;
	int from;		/* index of the node whose device this one uses, or -1 */
	char source[320];	/* device spec or file path, as planned */
	const char *target;	/* mount point */
	const char *fstype;
	const char *options;
	bool read_only;
	uint32_t wait_s;	/* NODE_DEVICE: how long to wait */
	/* run state */
	bool up;
	char device[320];	/* the /dev node it provides */
	char used_fstype[64];
	uint64_t ms;
	struct loop_dev loop;
};

#define BOOT_MAX_NODES 4

struct boot_plan {
	struct boot_node nodes[BOOT_MAX_NODES];
	unsigned int count;
};

/* init/plan.c */
int bootplan_build(const struct boot_params *bp, struct boot_plan *plan);
void bootplan_print(const struct boot_plan *plan, const struct boot_params *bp);

/* init/nodes.c: bring one node up or down; 0 or -errno, logged. */
int node_up(struct boot_plan *plan, unsigned int i, uint64_t boot_deadline_ms);
void node_down(struct boot_plan *plan, unsigned int i);

/* init/early.c */
int early_mounts(void);
void early_console(void);

/* init/switchroot.c: does not return on success. */
int switch_root(const char *new_root, const char *init, char **argv);
const char *switch_root_find_init(const char *new_root, const char *wanted);

/* init/rescue.c */
void rescue_shell(const char *why);
/* After a failed boot: reboot when panic= asks for it, else a shell. */
void rescue_or_reboot(const struct boot_params *bp, const char *why);

/* init/boot.c */
int boot_main(int argc, char **argv);

#endif
