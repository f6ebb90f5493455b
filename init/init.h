/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_INIT_H
#define BLKASM_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "plan.h"

#define NEW_ROOT "/root"
#define HOST_DIR "/host"
#define MODULES_LIST "/etc/blkasm/modules"
#define DEFAULT_CONF "/etc/blkasm.conf"
#define RUN_DIR "/run/blkasm"

/* The nodes the kernel command line adds; plan files may not use these names. */
#define ROOT_DEVICE_NODE "rootdev"
#define HOST_NODE "host"
#define IMAGE_NODE "rootimg"
#define ROOT_NODE "root"
/* With blkasm.overlay=: the root's read-only lower layer, kept in /run. */
#define BASE_NODE "rootbase"
#define BASE_DIR "/run/blkasm/rootbase"
/* With roothash=: the root's verity device, and loop='s sidecar hash file. */
#define VERITY_NODE "rootverity"
#define HASH_IMAGE_NODE "roothashimg"
/* With blkasm.slotdev=: the device that holds the slot state. */
#define SLOTDEV_NODE "slotdev"

/* init/rootplan.c: adds root=/loop= as nodes. 0, -ENODEV (no root=), -ENOMEM. */
int rootplan_add(struct plan *p, const struct boot_params *bp);
/*
 * The plan the boot runs: the plan file conf (none if NULL; missing is no
 * error when optional) plus the root, validated. On failure why says what
 * (FILE:LINE:COL for the plan file). Returns 0 or -errno; -ENODEV: no root=.
 */
int rootplan_build(struct plan *p, const struct boot_params *bp, const char *conf,
		   bool optional, char *why, size_t size);

/*
 * init/slotboot.c: with blkasm.slots= or blkasm.slotdev=, once the state
 * at path (a file, or a device's first 8 KiB) can be read: picks the
 * slot, takes a try off (written and synced), and writes its name. 0, or
 * -errno with why saying what stops the boot.
 */
int slotboot_pick(const struct boot_params *bp, const char *path, char *name, size_t nsize,
		  char *why, size_t size);

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
