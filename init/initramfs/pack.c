/* SPDX-License-Identifier: MIT */
/*
 * From the wishes to the file: the modules selected, the kernel checked
 * (compression, architecture), the members listed, the archive written to
 * a temporary file beside the output and renamed over it at the end.
 */
#include "gen.h"
#include "file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pack_select(struct gen *g)
{
	int r;

	if (!g->tree[0]) {
		if (g->wish.count)
			return gen_fail(-EINVAL, "module %s: no module tree to take it from "
					"(-k VERSION or -m DIR)", g->wish.names[0]);
		return 0;
	}
	r = tree_load(g);
	if (r == 0 && (r = modsel_init(&g->sel, &g->dep, g->builtin, &g->idx)) < 0)
		return gen_fail(r, "cannot select modules: %s", strerror(-r));
	for (unsigned int i = 0; i < g->wish.count && r == 0; i++) {
		r = modsel_add(&g->sel, g->wish.names[i], g->wish.at_boot[i]);
		if (r < 0)
			return gen_fail(r, "%s in %s", g->sel.why, g->tree);
	}
	return r;
}

/* A module of the tree to read the kernel's architecture from. */
static const char *sample_module(const struct gen *g, char *buf, size_t size)
{
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int i = 0; g->have_dep && i < g->dep.count; i++) {
			const char *p = g->dep.mods[i].path;
			size_t n = strlen(p);

			if ((pass || g->sel.packed[i]) && n > 3 && !strcmp(p + n - 3, ".ko")) {
				snprintf(buf, size, "%s/%s", g->tree, p);
				return buf;
			}
		}
	return NULL;
}

static int check_arch(struct gen *g)
{
	char ko[PATH_MAX + 256];
	const char *sample = sample_module(g, ko, sizeof(ko));
	unsigned int have, want = 0;
	bool dynamic = false;
	int r = elf_machine(g->blkasm, &have);

	r = r ?: elf_interp(g->blkasm, &dynamic);
	if (r < 0)
		return gen_fail(r, "%s: %s", g->blkasm,
				r == -ENOEXEC ? "not an ELF binary" : strerror(-r));
	if (dynamic)
		return gen_fail(-ENOEXEC, "%s is linked dynamically: /init has no libraries to "
				"load (build blkasm static, as make does)", g->blkasm);
	if (sample && elf_machine(sample, &want) < 0)
		want = 0;
	if (!sample && (g->host_only || (g->kver[0] && !g->moddir_arg)))
		want = elf_machine_host();
	if (!want || want == have)
		return 0;
	return gen_fail(-ENOEXEC, "%s is built for %s, but the kernel is %s (%s)", g->blkasm,
			elf_machine_name(have), elf_machine_name(want),
			sample ? sample : "the running machine");
}

int pack_check_kernel(struct gen *g)
{
	char v[16];
	int r = tree_config(g);

	if (r < 0)
		return r;
	if (g->kconfig && g->comp->config &&
	    (kconfig_value(g->kconfig, g->comp->config, v, sizeof(v)) < 0 || strcmp(v, "y")))
		return gen_fail(-ENOTSUP, "the kernel cannot unpack a %s initramfs: %s is not set "
				"in %s", g->comp->name, g->comp->config, g->kconfig_path);
	return check_arch(g);
}

static int add_modules(struct gen *g)
{
	char dst[PATH_MAX], src[PATH_MAX + 256], *text;
	const char *kv = g->kver;
	int r = 0;

	for (unsigned int i = 0; i < g->dep.count && r == 0; i++) {
		if (!g->sel.packed[i])
			continue;
		snprintf(dst, sizeof(dst), "lib/modules/%s/%s", kv, g->dep.mods[i].path);
		snprintf(src, sizeof(src), "%s/%s", g->tree, g->dep.mods[i].path);
		r = ird_add_file(&g->files, dst, 0644, src);
		if (r < 0)
			return gen_fail(r, "cannot pack %s: %s", src, strerror(-r));
	}
	text = modsel_trimmed_dep(&g->sel);
	if (!text)
		return gen_fail(-ENOMEM, "out of memory");
	snprintf(dst, sizeof(dst), "lib/modules/%s/modules.dep", kv);
	r = ird_add_data(&g->files, dst, 0644, text, strlen(text));
	free(text);
	snprintf(dst, sizeof(dst), "lib/modules/%s/modules.builtin", kv);
	r = r ?: ird_add_data(&g->files, dst, 0644, g->builtin ? g->builtin : "",
			      g->builtin ? strlen(g->builtin) : 0);
	return r < 0 ? gen_fail(r, "cannot pack %s/modules.*: %s", kv, strerror(-r)) : 0;
}

/* The boot list, blkasm's /etc/blkasm/modules: one name a line. */
static int add_boot_list(struct gen *g)
{
	size_t len = 1;
	char *text;
	int r;

	if (g->sel.nboot > IRD_BOOT_MAX)
		return gen_fail(-E2BIG, "%u modules to load at boot: blkasm loads at most %d",
				g->sel.nboot, IRD_BOOT_MAX);
	for (unsigned int i = 0; i < g->sel.nboot; i++)
		len += strlen(g->sel.boot[i]) + 1;
	text = calloc(1, len);
	if (!text)
		return -ENOMEM;
	for (unsigned int i = 0; i < g->sel.nboot; i++)
		strcat(strcat(text, g->sel.boot[i]), "\n");
	r = ird_add_data(&g->files, "etc/blkasm/modules", 0644, text, strlen(text));
	free(text);
	return r;
}

static int add_busybox(struct gen *g)
{
	char p[PATH_MAX + 16], *list, *save = NULL, link[300];
	int r;

	snprintf(p, sizeof(p), "%s/busybox", g->busybox);
	r = ird_add_file(&g->files, "bin/busybox", 0755, p);
	if (r < 0)
		return gen_fail(r, "cannot pack %s: %s", p, strerror(-r));
	snprintf(p, sizeof(p), "%s/applets", g->busybox);
	r = file_slurp(p, 1u << 20, &list, NULL);
	if (r < 0)
		return gen_fail(r, "cannot read %s: %s", p, strerror(-r));
	for (char *a = strtok_r(list, " \t\r\n", &save); a && r == 0;
	     a = strtok_r(NULL, " \t\r\n", &save)) {
		if (!strcmp(a, "busybox") || strchr(a, '/') || !strcmp(a, ".."))
			continue;
		snprintf(link, sizeof(link), "bin/%s", a);
		r = ird_add_link(&g->files, link, "busybox");
	}
	free(list);
	return r < 0 ? gen_fail(r, "cannot pack the busybox applets: %s", strerror(-r)) : 0;
}

int pack_members(struct gen *g)
{
	static const char *const dirs[] = { "dev", "proc", "sys", "run", "root", "host",
					    "etc/blkasm" };
	struct ird_list *l = &g->files;
	int r = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && r == 0; i++)
		r = ird_add_dir(l, dirs[i], 0755);
	r = r ?: ird_add_dir(l, "tmp", 01777);
	/* PID 1 starts with a console (the kernel opens it before /init). */
	r = r ?: ird_add_node(l, "dev/console", 0600, 5, 1);
	if (r < 0)
		return gen_fail(r, "cannot list the initramfs: %s", strerror(-r));
	if (g->tree[0] && (r = add_boot_list(g)) < 0)
		return r == -E2BIG ? r : gen_fail(r, "cannot list the initramfs: %s", strerror(-r));
	if ((r = ird_add_file(l, "init", 0755, g->blkasm)) < 0)
		return gen_fail(r, "cannot pack %s: %s", g->blkasm, strerror(-r));
	if (g->have_plan && (r = ird_add_file(l, "etc/blkasm.conf", 0644, g->plan_path)) < 0)
		return gen_fail(r, "cannot pack %s: %s", g->plan_path, strerror(-r));
	if (g->tree[0] && (r = add_modules(g)) < 0)
		return r;
	return g->busybox ? add_busybox(g) : 0;
}
