/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_CMDLINE_INT_H
#define BLKASM_CMDLINE_INT_H

/*
 * Shared by the kernel command line's parser (cmdline.c) and its
 * parameters for image roots (cmdline_image.c); not for other callers.
 */
#include "cmdline.h"

#include <stdbool.h>
#include <stddef.h>

/* A whole number in [lo, hi]; no sign unless lo < 0, no trailing junk. */
bool cmdline_int(const char *s, long lo, long hi, long *out);
/* Copies v when it fits in size (with its NUL). */
bool cmdline_copy(char *dst, size_t size, const char *v);
/* An absolute path as the plan takes it ("images/x" is "/images/x"). NULL or why not. */
const char *cmdline_path(char *dst, size_t size, const char *v);
/* Fills err for the parameter tok at column col. */
void cmdline_fail(struct cmdline_error *err, unsigned int col, const char *tok,
		  const char *expected);

/* The handlers of the image-root parameters: NULL, or what was expected. */
const char *cmdline_overlay(struct boot_params *bp, const char *v);
const char *cmdline_roothash(struct boot_params *bp, const char *v);
const char *cmdline_hashoffset(struct boot_params *bp, const char *v);
const char *cmdline_oncorruption(struct boot_params *bp, const char *v);
/* The A/B slot parameters (cmdline_slot.c). */
const char *cmdline_slots(struct boot_params *bp, const char *v);
const char *cmdline_slotdev(struct boot_params *bp, const char *v);
const char *cmdline_slot(struct boot_params *bp, const char *v);
const char *cmdline_slotfallback(struct boot_params *bp, const char *v);
/* What only the whole line shows about slots. 0, or -EINVAL with err filled. */
int cmdline_slots_together(const struct boot_params *bp, struct cmdline_error *err);
/* Remembers where a parameter that cmdline_together may blame was. */
void cmdline_note_column(struct boot_params *bp, const char *name, unsigned int col);
/* What only the whole line shows. 0, or -EINVAL with err filled. */
int cmdline_together(const struct boot_params *bp, struct cmdline_error *err);

#endif
