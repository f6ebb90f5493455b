/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_CMDLINE_H
#define BLKASM_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devspec.h"

enum boot_break {
	BREAK_NONE,
	BREAK_TOP,		/* after early mounts, before modules */
	BREAK_PREMOUNT,		/* root device found, nothing mounted yet */
	BREAK_BOTTOM,		/* root mounted, before switch_root */
};

/* What the kernel command line asks of the boot. See docs/boot-parameters.md. */
struct boot_params {
	bool have_root;
	struct devspec root;
	char rootfstype[64];
	char rootflags[256];
	bool read_only;		/* ro (the default) or rw */
	bool rootwait;
	int root_wait_s;	/* rootwait=N or rootdelay=N, -1 if unset */
	char init[256];
	char loop[256];		/* image path inside root=, "" if none */
	char loopfstype[64];
	char loopflags[256];
	/*
	 * blkasm.overlay=: the root as an overlay over root= (or the loop=
	 * image), its changes in a tmpfs or in a folder on root=.
	 */
	enum root_overlay { OVERLAY_NONE, OVERLAY_TMPFS, OVERLAY_DIR } overlay;
	char overlay_size[32];	/* tmpfs:SIZE as written, "" for the default */
	char overlay_dir[256];	/* the folder on root= holding upper and work */
	unsigned int overlay_col;	/* of blkasm.overlay=, for messages */
	/*
	 * roothash=: the root (the loop= image, or root= itself) is read
	 * through dm-verity; its hash tree is in the image's sidecar file
	 * (IMAGE.verity) or, with blkasm.hashoffset=, at that byte offset of
	 * the data device itself. blkasm.oncorruption=: the verity policy.
	 */
	char roothash[129];	/* lower case hex, "" if none */
	bool have_hash_offset;
	uint64_t hash_offset;
	char on_corruption[16];	/* error, restart, panic, log; "" for the default */
	unsigned int roothash_col, hashoffset_col, oncorruption_col;
	/*
	 * blkasm.slots=: A/B root slots. The slot state file on root= (or,
	 * blkasm.slotdev=, the first 8 KiB of a device) picks the slot whose
	 * name replaces {slot} in loop= (or root=); blkasm.slot= boots one
	 * slot this time only; blkasm.slotfallback= is the slot booted when
	 * the state cannot be read (else the rescue shell).
	 */
	char slots[256];	/* the state file's path on root=, "" if none */
	bool have_slot_dev;	/* blkasm.slotdev=: the state on a device instead */
	struct devspec slot_dev;
	char slot[24];
	char slot_fallback[24];
	unsigned int slots_col, slotdev_col, slot_col, fallback_col, loop_col, root_col;
	char conf[256];		/* blkasm.conf=, "" for the default */
	uint32_t timeout_s;	/* blkasm.timeout=, the whole boot's deadline */
	bool debug;
	enum boot_break brk;
	bool shell_on_failure;	/* blkasm.shell: even when panic= is set */
	bool panic_set;
	int panic_s;
	/* What follows "--": the root's init gets it as its arguments,
	 * NUL-separated (the kernel also hands init the bare words it does
	 * not know itself; blkasm cannot tell those). */
	char init_args[512];
	unsigned int init_argc;
};

#define CMDLINE_DEFAULT_TIMEOUT_S 120
#define CMDLINE_DEFAULT_ROOT_WAIT_S 30

struct cmdline_error {
	unsigned int column;	/* 1-based, of the parameter */
	char param[64];		/* the parameter as written, cut short */
	const char *expected;
};

/*
 * Parses a kernel command line (as in /proc/cmdline). Parameters blkasm
 * does not know are left to others, except unknown blkasm.* ones.
 * Returns 0, or -EINVAL with err filled.
 */
int cmdline_parse(const char *line, struct boot_params *bp, struct cmdline_error *err);

const char *cmdline_break_name(enum boot_break b);
/*
 * text (loop=, or root= as devspec_str writes it) with its {slot} replaced
 * by name. Returns 0, -EINVAL (no {slot} in text) or -ENAMETOOLONG.
 */
int cmdline_slot_subst(const char *text, const char *name, char *buf, size_t size);

#endif
