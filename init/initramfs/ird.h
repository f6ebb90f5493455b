/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_IRD_H
#define BLKASM_IRD_H

/*
 * blkasm-initramfs: writes the initramfs a plan needs. The parts, by job:
 * cpio.c (the archive's entries and the newc writer), modidx.c (modules.
 * softdep and modules.alias), modsel.c (which modules to pack and load),
 * compress.c (the host's compressors), check.c (ELF machine, kernel
 * config), hostonly.c (the running machine's root); the program's own
 * flow, in gen.h: tree.c (the module tree), pack.c (selection, checks,
 * members), out.c (the output file), main.c (options).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "driver.h"
#include "modules.h"

/* cpio.c: the archive's members, sorted by name before writing. */
enum ird_kind { IRD_DIR, IRD_FILE, IRD_LINK, IRD_NODE };

struct ird_entry {
	char *name;		/* relative: "bin/busybox" */
	enum ird_kind kind;
	unsigned int mode;	/* permission bits (07777) */
	char *src;		/* IRD_FILE read from this path, else data */
	char *data;		/* IRD_FILE contents, IRD_LINK target */
	uint64_t size;
	unsigned int rmajor, rminor;	/* IRD_NODE: a character device */
	bool explicit_dir;	/* asked for, not only a parent */
};

struct ird_list {
	struct ird_entry *e;
	unsigned int count, cap;
};

/* Each adds the missing parent folders (0755) too. 0 or -errno. */
int ird_add_dir(struct ird_list *l, const char *name, unsigned int mode);
int ird_add_file(struct ird_list *l, const char *name, unsigned int mode, const char *src);
int ird_add_data(struct ird_list *l, const char *name, unsigned int mode,
		 const void *data, size_t size);
int ird_add_link(struct ird_list *l, const char *name, const char *target);
int ird_add_node(struct ird_list *l, const char *name, unsigned int mode,
		 unsigned int rmajor, unsigned int rminor);
void ird_free(struct ird_list *l);

/*
 * Writes the members sorted by name (C locale) as a newc archive: owners
 * 0:0, every mtime the given one, inode numbers 1, 2, ... in that order,
 * the trailer, padding to 512 bytes. Adds the bytes written to *total.
 * Returns 0, -EEXIST (a name twice: not for folders), -EIO (a source
 * changed size or a write failed) or -errno of opening a source.
 */
int cpio_write(struct ird_list *l, FILE *out, uint32_t mtime, uint64_t *total);

/* modidx.c: modules.softdep and modules.alias, parsed in place. */
struct mod_softdep {
	const char *mod;	/* normalised: '-' as '_' */
	const char *dep;	/* a module name or alias, normalised */
	bool post;		/* "post:" (else "pre:") */
};

struct mod_alias {
	const char *pattern;	/* normalised outside [] */
	const char *mod;	/* normalised */
};

struct mod_index {
	struct mod_softdep *soft;
	unsigned int nsoft;
	struct mod_alias *alias;
	unsigned int nalias;
	char *soft_text, *alias_text, *modinfo;	/* owned */
};

/*
 * Parse the text (NUL-terminated; ownership passes to x, also on error).
 * '#' comments and blank lines are skipped. Returns 0, -ENOMEM, or -EINVAL
 * with *line set to the bad line.
 */
int modidx_parse_softdep(struct mod_index *x, char *text, unsigned int *line);
int modidx_parse_alias(struct mod_index *x, char *text, unsigned int *line);
/*
 * Adds the aliases of built-in modules from modules.builtin.modinfo
 * (NUL-separated "module.alias=PATTERN" records among others; call after
 * modidx_parse_alias). Takes ownership of data. 0 or -ENOMEM.
 */
int modidx_parse_modinfo(struct mod_index *x, char *data, size_t len);
void modidx_free(struct mod_index *x);

/* "crc32c-intel" -> "crc32c_intel" ('-' as '_' outside brackets). */
void modidx_norm(char *s);

/* modsel.c: what to pack and what to load at boot. */
#define MOD_LIST_MAX 256

struct modsel {
	struct mod_table *dep;		/* modules.dep */
	const char *builtin;		/* modules.builtin text (may be NULL) */
	const struct mod_index *idx;
	bool *packed;			/* per dep entry */
	char **boot;			/* names, in load order */
	unsigned int nboot;
	char **builtin_seen;		/* wished for but built in */
	unsigned int nbuiltin;
	char *seen;			/* per dep entry: softdeps followed */
	char why[256];			/* the error */
};

int modsel_init(struct modsel *s, struct mod_table *dep, const char *builtin,
		const struct mod_index *idx);
void modsel_free(struct modsel *s);

/*
 * Adds a module (a name or an alias) with its modules.dep closure and its
 * soft dependencies; at_boot puts it on the boot list, after its "pre:"
 * soft dependencies. Soft dependencies always load at boot: blkasm's
 * mod_need follows modules.dep only. An alias resolves to its *_generic
 * module when it has one (crc32c: crc32c_intel fails on QEMU's TCG), else
 * to its first module in modules.alias.
 * Returns 0, or -ENOENT (name in neither tree, builtin nor alias) or
 * -ELOOP / -ENOMEM with s->why set. A *_generic provider is taken first,
 * then a built-in one (nothing to pack), then the first in the file.
 */
int modsel_add(struct modsel *s, const char *name, bool at_boot);

/* modules.dep of the packed modules only, in the file's order (malloc'd). */
char *modsel_trimmed_dep(const struct modsel *s);

/* compress.c */
struct ird_compressor {
	const char *name;		/* gzip, zstd, xz, lz4, none */
	const char *config;		/* CONFIG_RD_GZIP..., NULL for none */
	const char *const argv[8];	/* reads stdin, writes stdout */
};

const struct ird_compressor *compress_find(const char *name);
/* Runs c on the file in, writing out (both paths). 0 or -errno; why set. */
int compress_run(const struct ird_compressor *c, const char *in, const char *out,
		 char *why, size_t size);

/* check.c */
/*
 * The value of CONFIG symbol sym in kernel .config text ("y", "m", a
 * string): 0 with it in out, -ENOENT when not set.
 */
int kconfig_value(const char *text, const char *sym, char *out, size_t size);
/* The ELF e_machine of a file: 0, -ENOEXEC (not ELF), or -errno. */
int elf_machine(const char *path, unsigned int *machine);
/*
 * Whether an ELF file asks for a program interpreter (PT_INTERP: linked
 * dynamically; /init must not be). 0, -ENOEXEC or -errno.
 */
int elf_interp(const char *path, bool *dynamic);
/* The e_machine of the running kernel's architecture (uname), 0 unknown. */
unsigned int elf_machine_host(void);
const char *elf_machine_name(unsigned int machine);

/* hostonly.c */
/*
 * The modules of the drivers along the sysfs device path of block device
 * devno (sysdir: normally "/sys"), from the disk up, each added to w at
 * boot. 0 or -errno.
 */
struct mod_wish;
int hostonly_drivers(const char *sysdir, unsigned int major, unsigned int minor,
		     struct mod_wish *w);
/* The filesystem type mounted on / in mountinfo text: 0 or -ENOENT. */
int hostonly_root_fstype(const char *mountinfo, char *out, size_t size);

#endif
