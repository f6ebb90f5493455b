/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_GEN_H
#define BLKASM_GEN_H

/* blkasm-initramfs's run: the options and what was found (main.c, tree.c, pack.c). */
#include <limits.h>

#include "ird.h"
#include "plan.h"

#define GEN_MAX_ADD 64
/* init/boot.c start_modules reads at most 64 names from /etc/blkasm/modules. */
#define IRD_BOOT_MAX 64

struct gen {
	/* Options. */
	const char *moddir_arg, *blkasm, *plan_path, *out, *config_arg, *busybox;
	const char *fstype, *adds[GEN_MAX_ADD], *packs[GEN_MAX_ADD];
	unsigned int nadds, npacks;
	const struct ird_compressor *comp;
	bool host_only, list;
	uint32_t mtime;

	/* Found. */
	char kver[128];
	char tree[PATH_MAX];		/* .../lib/modules/VERSION, "" without */
	struct mod_table dep;
	bool have_dep;
	char *builtin, *kconfig;
	char kconfig_path[PATH_MAX];
	struct mod_index idx;
	struct mod_wish wish;
	struct modsel sel;
	struct plan plan;
	bool have_plan;
	struct ird_list files;
};

/* Prints "blkasm-initramfs: MSG" and returns r. */
int gen_fail(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int tree_locate(struct gen *g);
int tree_load(struct gen *g);
int tree_config(struct gen *g);

/* pack.c: the members, the checks against the kernel, the output file. */
int pack_select(struct gen *g);
int pack_check_kernel(struct gen *g);
int pack_members(struct gen *g);
int pack_write(struct gen *g);

#endif
