/* SPDX-License-Identifier: MIT */
/*
 * The kernel's module tree: where it is (-k VERSION under /lib/modules, or
 * -m DIR as a kernel build's modules_install left it), and its index files
 * loaded and parsed, every error naming the file and line.
 */
#include "gen.h"
#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The one version folder in base, or an error naming them. */
static int only_version(const char *base, char *ver, size_t size)
{
	DIR *d = opendir(base);
	struct dirent *e;
	int found = 0;

	if (!d)
		return gen_fail(-ENOENT, "module tree %s does not exist", base);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && found++ == 0 &&
		    (size_t)snprintf(ver, size, "%s", e->d_name) >= size)
			found = 2;	/* no version has a name that long */
	closedir(d);
	if (found == 1)
		return 0;
	return gen_fail(-EINVAL, "module tree %s holds %s kernel versions: pick one with -k",
			base, found ? "several" : "no");
}

int tree_locate(struct gen *g)
{
	char base[PATH_MAX];
	int r;

	if (!g->moddir_arg && !g->kver[0])
		return 0;	/* a kernel with everything built in */
	if (!g->moddir_arg) {
		snprintf(g->tree, sizeof(g->tree), "/lib/modules/%s", g->kver);
	} else {
		snprintf(base, sizeof(base), "%s/lib/modules", g->moddir_arg);
		if (!is_dir(g->moddir_arg))
			return gen_fail(-ENOENT, "module tree %s does not exist", g->moddir_arg);
		if (!g->kver[0] && (r = only_version(base, g->kver, sizeof(g->kver))) < 0)
			return r;
		if ((size_t)snprintf(g->tree, sizeof(g->tree), "%s/%s", base, g->kver) >=
		    sizeof(g->tree))
			return gen_fail(-ENAMETOOLONG, "%s: path too long", base);
	}
	if (!is_dir(g->tree))
		return gen_fail(-ENOENT, "module tree %s does not exist", g->tree);
	return 0;
}

/* A tree file's text: NULL without error when optional and absent. */
static int slurp(const struct gen *g, const char *name, bool required, char **out)
{
	char p[PATH_MAX + 64];
	int r;

	snprintf(p, sizeof(p), "%s/%s", g->tree, name);
	*out = NULL;
	r = file_slurp(p, 64u << 20, out, NULL);
	if (r == -ENOENT && !required)
		return 0;
	if (r < 0)
		return gen_fail(r, "cannot read %s: %s", p, strerror(-r));
	return 0;
}

/* The aliases of built-in modules (crc32c_generic may be one). */
static int builtin_aliases(struct gen *g)
{
	char p[PATH_MAX + 64], *data = NULL;
	size_t len = 0;
	int r;

	snprintf(p, sizeof(p), "%s/modules.builtin.modinfo", g->tree);
	r = file_slurp(p, 64u << 20, &data, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return gen_fail(r, "cannot read %s: %s", p, strerror(-r));
	r = modidx_parse_modinfo(&g->idx, data, len);
	return r < 0 ? gen_fail(r, "cannot read %s: %s", p, strerror(-r)) : 0;
}

int tree_load(struct gen *g)
{
	struct mod_error me = { 0 };
	unsigned int line = 0;
	char *text;
	int r;

	if ((r = slurp(g, "modules.dep", true, &text)) < 0)
		return r;
	r = mod_parse(&g->dep, text, &me);
	if (r < 0)
		return gen_fail(r, "%s/modules.dep:%u: %s", g->tree, me.line,
				me.what ? me.what : strerror(-r));
	g->have_dep = true;
	if ((r = slurp(g, "modules.builtin", false, &g->builtin)) < 0)
		return r;
	if ((r = slurp(g, "modules.softdep", false, &text)) < 0)
		return r;
	r = modidx_parse_softdep(&g->idx, text, &line);
	if (r < 0)
		return gen_fail(r, "%s/modules.softdep:%u: expected 'softdep MODULE pre: ... "
				"post: ...'", g->tree, line);
	if ((r = slurp(g, "modules.alias", false, &text)) < 0)
		return r;
	r = modidx_parse_alias(&g->idx, text, &line);
	if (r < 0)
		return gen_fail(r, "%s/modules.alias:%u: expected 'alias PATTERN MODULE'",
				g->tree, line);
	return builtin_aliases(g);
}

/* The kernel's .config: -K, /boot/config-VERSION, or the tree's build/.config. */
int tree_config(struct gen *g)
{
	char p[PATH_MAX + 64];
	int r;

	if (g->config_arg)
		snprintf(p, sizeof(p), "%s", g->config_arg);
	else if (g->kver[0] && !g->moddir_arg &&
		 (snprintf(p, sizeof(p), "/boot/config-%s", g->kver), file_exists(p)))
		;
	else if (g->tree[0] &&
		 (snprintf(p, sizeof(p), "%s/build/.config", g->tree), file_exists(p)))
		;
	else
		return 0;
	r = file_slurp(p, 16u << 20, &g->kconfig, NULL);
	if (r < 0)
		return gen_fail(r, "cannot read the kernel config %s: %s", p, strerror(-r));
	return (size_t)snprintf(g->kconfig_path, sizeof(g->kconfig_path), "%s", p) <
	       sizeof(g->kconfig_path) ? 0 : gen_fail(-ENAMETOOLONG, "%s: path too long", p);
}
