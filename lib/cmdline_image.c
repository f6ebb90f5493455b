/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line's parameters for read-only image roots: the
 * root overlay (blkasm.overlay=) and dm-verity (roothash=,
 * blkasm.hashoffset=, blkasm.oncorruption=), and what only the whole line
 * shows about them. docs/boot-parameters.md describes them.
 */
#include "cmdline_int.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* tmpfs, tmpfs:SIZE or /FOLDER (a folder on root=, with loop=). */
const char *cmdline_overlay(struct boot_params *bp, const char *v)
{
	static const char want[] = "tmpfs, tmpfs:SIZE (512M, 2G) or the absolute path of "
				   "a folder on root=";
	uint64_t size;
	const char *why;

	if (!strncmp(v, "tmpfs", 5) && (!v[5] || v[5] == ':')) {
		if (v[5] && (plan_parse_size(v + 6, &size) < 0 || size == 0 ||
			     !cmdline_copy(bp->overlay_size, sizeof(bp->overlay_size), v + 6)))
			return want;
		if (!v[5])
			bp->overlay_size[0] = '\0';
		bp->overlay = OVERLAY_TMPFS;
		return NULL;
	}
	if (*v != '/')
		return want;
	/* overlayfs splits its options at ',' and its lower layers at ':'. */
	if (strpbrk(v, ",:\\"))
		return "a folder whose path has no ',', ':' or '\\' (overlayfs cannot take them)";
	why = cmdline_path(bp->overlay_dir, sizeof(bp->overlay_dir), v);
	if (!why)
		bp->overlay = OVERLAY_DIR;
	return why;
}

/* Hex of a digest size some hash has: 2 * (16, 20, 28, 32, 48, 64) digits. */
const char *cmdline_roothash(struct boot_params *bp, const char *v)
{
	static const char want[] = "the root hash in hex (64 digits for sha256), as "
				   "veritysetup format prints it";
	size_t len = strlen(v);

	if (len != 32 && len != 40 && len != 56 && len != 64 && len != 96 && len != 128)
		return want;
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return want;
		bp->roothash[i] = c;
	}
	bp->roothash[len] = '\0';
	return NULL;
}

const char *cmdline_hashoffset(struct boot_params *bp, const char *v)
{
	uint64_t off;

	if (plan_parse_size(v, &off) < 0 || off == 0 || off % 512)
		return "the byte offset of the verity superblock on the data device, a "
		       "multiple of 512 (veritysetup format --hash-offset)";
	bp->hash_offset = off;
	bp->have_hash_offset = true;
	return NULL;
}

const char *cmdline_oncorruption(struct boot_params *bp, const char *v)
{
	static const char *const policies[] = { "error", "restart", "panic", "log" };

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (!strcmp(v, policies[i])) {
			snprintf(bp->on_corruption, sizeof(bp->on_corruption), "%s", v);
			return NULL;
		}
	return "one of error, restart, panic, log";
}

void cmdline_note_column(struct boot_params *bp, const char *name, unsigned int col)
{
	if (!strcmp(name, "blkasm.overlay"))
		bp->overlay_col = col;
	else if (!strcmp(name, "roothash"))
		bp->roothash_col = col;
	else if (!strcmp(name, "blkasm.hashoffset"))
		bp->hashoffset_col = col;
	else if (!strcmp(name, "blkasm.oncorruption"))
		bp->oncorruption_col = col;
	else if (!strcmp(name, "blkasm.slots"))
		bp->slots_col = col;
	else if (!strcmp(name, "blkasm.slotdev"))
		bp->slotdev_col = col;
	else if (!strcmp(name, "root"))
		bp->root_col = col;
	else if (!strcmp(name, "blkasm.slot"))
		bp->slot_col = col;
	else if (!strcmp(name, "blkasm.slotfallback"))
		bp->fallback_col = col;
	else if (!strcmp(name, "loop"))
		bp->loop_col = col;
}

int cmdline_together(const struct boot_params *bp, struct cmdline_error *err)
{
	char tok[300];

	/*
	 * A folder upper layer lies on root= beside loop='s image; root=
	 * itself, as the lower layer, cannot hold it (overlayfs refuses an
	 * upper folder inside a lower layer).
	 */
	if (bp->overlay == OVERLAY_DIR && !bp->loop[0]) {
		snprintf(tok, sizeof(tok), "blkasm.overlay=%s", bp->overlay_dir);
		cmdline_fail(err, bp->overlay_col, tok, "loop= too (a folder upper layer lies "
			     "on root= beside the image), or tmpfs");
		return -EINVAL;
	}
	if (!bp->roothash[0] && bp->have_hash_offset) {
		snprintf(tok, sizeof(tok), "blkasm.hashoffset=%llu",
			 (unsigned long long)bp->hash_offset);
		cmdline_fail(err, bp->hashoffset_col, tok, "roothash= too (the offset is that "
			     "of the root's verity hash tree)");
		return -EINVAL;
	}
	if (!bp->roothash[0] && bp->on_corruption[0]) {
		snprintf(tok, sizeof(tok), "blkasm.oncorruption=%s", bp->on_corruption);
		cmdline_fail(err, bp->oncorruption_col, tok, "roothash= too (the policy is that "
			     "of the root's verity device)");
		return -EINVAL;
	}
	/* Without loop= there is no image beside which a sidecar would lie. */
	if (bp->roothash[0] && !bp->loop[0] && !bp->have_hash_offset) {
		snprintf(tok, sizeof(tok), "roothash=%s", bp->roothash);
		cmdline_fail(err, bp->roothash_col, tok, "loop= too (the hash tree in the "
			     "image's .verity file), or blkasm.hashoffset= (the tree on root= "
			     "after its data)");
		return -EINVAL;
	}
	return cmdline_slots_together(bp, err);
}
