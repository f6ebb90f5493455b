/* SPDX-License-Identifier: MIT */
/*
 * Which modules to pack and which to load at boot. A name is a module of
 * the tree (modules.dep), built into the kernel (modules.builtin), or an
 * alias (modules.alias; file systems also as "fs-NAME"). Each packed
 * module brings its modules.dep closure and its soft dependencies
 * (modules.softdep): ext4 asks for crypto-crc32c that way.
 */
#include "ird.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

enum { BUILTIN = -1000 };

int modsel_init(struct modsel *s, struct mod_table *dep, const char *builtin,
		const struct mod_index *idx)
{
	memset(s, 0, sizeof(*s));
	s->dep = dep;
	s->builtin = builtin;
	s->idx = idx;
	s->packed = calloc(dep->count + 1, sizeof(*s->packed));
	s->seen = calloc(dep->count + 1, 1);
	s->boot = calloc(dep->count + 1, sizeof(*s->boot));
	s->builtin_seen = calloc(MOD_LIST_MAX, sizeof(*s->builtin_seen));
	if (!s->packed || !s->seen || !s->boot || !s->builtin_seen) {
		modsel_free(s);
		return -ENOMEM;
	}
	return 0;
}

void modsel_free(struct modsel *s)
{
	for (unsigned int i = 0; s->boot && i < s->nboot; i++)
		free(s->boot[i]);
	for (unsigned int i = 0; s->builtin_seen && i < s->nbuiltin; i++)
		free(s->builtin_seen[i]);
	free(s->boot);
	free(s->builtin_seen);
	free(s->packed);
	free(s->seen);
	memset(s, 0, sizeof(*s));
}

static bool ends_generic(const char *m)
{
	size_t n = strlen(m);

	return n > 8 && !strcmp(m + n - 8, "_generic");
}

/* A module index, BUILTIN, or -ENOENT for one name in the tree itself. */
static int lookup(const struct modsel *s, const char *name)
{
	int i = mod_find(s->dep, name);

	if (i >= 0)
		return i;
	return mod_is_builtin(s->builtin, name) ? BUILTIN : -ENOENT;
}

/*
 * The module an alias stands for: its *_generic one if any, else one built
 * in (the kernel has it already), else the first.
 */
static int by_alias(const struct modsel *s, const char *alias)
{
	int first = -ENOENT;
	bool builtin = false;

	for (unsigned int i = 0; s->idx && i < s->idx->nalias; i++) {
		const struct mod_alias *a = &s->idx->alias[i];
		int m;

		if (fnmatch(a->pattern, alias, 0) != 0)
			continue;
		m = lookup(s, a->mod);
		if (m == -ENOENT)
			continue;
		if (ends_generic(a->mod))
			return m;
		builtin = builtin || m == BUILTIN;
		if (first == -ENOENT)
			first = m;
	}
	return builtin ? BUILTIN : first;
}

static int resolve(const struct modsel *s, const char *name)
{
	char norm[MOD_NAME_MAX + 3];
	int m = lookup(s, name);

	if (m != -ENOENT)
		return m;
	snprintf(norm, sizeof(norm), "%s", name);
	modidx_norm(norm);
	m = by_alias(s, norm);
	if (m != -ENOENT)
		return m;
	snprintf(norm, sizeof(norm), "fs_%s", name);
	modidx_norm(norm);
	return by_alias(s, norm);
}

static int push(char **list, unsigned int *n, unsigned int max, const char *name)
{
	for (unsigned int i = 0; i < *n; i++)
		if (!strcmp(list[i], name))
			return 0;
	if (*n == max)
		return -ENOSPC;
	list[*n] = strdup(name);
	if (!list[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int add(struct modsel *s, const char *name, bool at_boot, bool soft);

/* The soft dependencies (pre or post) of every module in order[0..n). */
static int follow_soft(struct modsel *s, const int *order, int n, bool post)
{
	int r = 0;

	for (int k = 0; k < n && r == 0; k++) {
		const char *m = s->dep->mods[order[k]].name;

		for (unsigned int i = 0; s->idx && i < s->idx->nsoft && r == 0; i++)
			if (s->idx->soft[i].post == post && !strcmp(s->idx->soft[i].mod, m))
				r = add(s, s->idx->soft[i].dep, true, true);
	}
	return r;
}

static int pack(struct modsel *s, int m, bool at_boot)
{
	unsigned int cnt = s->dep->count + 1;
	int *order = calloc(cnt, sizeof(*order)), *fresh = calloc(cnt, sizeof(*fresh));
	const char *name = s->dep->mods[m].name;
	int n, nf = 0, r;

	/* In progress: a soft dependency loop came back; its own turn lists it. */
	if (s->seen[m] == 1) {
		free(order);
		free(fresh);
		return 0;
	}
	r = order && fresh ? 0 : -ENOMEM;
	n = r ? r : mod_order(s->dep, name, order);
	if (n == -ELOOP)
		snprintf(s->why, sizeof(s->why), "module %s: dependency cycle in modules.dep", name);
	r = n < 0 ? n : 0;
	/* Each module's soft dependencies are followed once: they may loop
	 * (seen: 1 while following them, 2 after). */
	for (int k = 0; k < n; k++) {
		s->packed[order[k]] = true;
		if (!s->seen[order[k]]) {
			s->seen[order[k]] = 1;
			fresh[nf++] = order[k];
		}
	}
	if (r == 0)
		r = follow_soft(s, fresh, nf, false);
	if (r == 0 && at_boot)
		r = push(s->boot, &s->nboot, s->dep->count, name);
	if (r == 0)
		r = follow_soft(s, fresh, nf, true);
	for (int k = 0; k < nf; k++)
		s->seen[fresh[k]] = 2;
	free(order);
	free(fresh);
	return r;
}

static int add(struct modsel *s, const char *name, bool at_boot, bool soft)
{
	int m = resolve(s, name);

	if (m == -ENOENT && soft)
		return 0;	/* as modprobe: a soft dependency may be absent */
	if (m == -ENOENT) {
		snprintf(s->why, sizeof(s->why),
			 "module %s: not in modules.dep, modules.builtin or modules.alias", name);
		return -ENOENT;
	}
	if (m == BUILTIN) {
		push(s->builtin_seen, &s->nbuiltin, MOD_LIST_MAX, name);
		return 0;
	}
	/* blkasm's mod_need follows modules.dep only: soft ones load at boot. */
	return pack(s, m, at_boot || soft);
}

int modsel_add(struct modsel *s, const char *name, bool at_boot)
{
	return add(s, name, at_boot, false);
}

static int append(char **buf, size_t *len, size_t *cap, const char *a, const char *b)
{
	size_t need = strlen(a) + strlen(b);

	if (*len + need + 1 > *cap) {
		size_t c = (*cap + need + 1) * 2;
		char *p = realloc(*buf, c);

		if (!p)
			return -ENOMEM;
		*buf = p;
		*cap = c;
	}
	*len += (size_t)sprintf(*buf + *len, "%s%s", a, b);
	return 0;
}

char *modsel_trimmed_dep(const struct modsel *s)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int r = append(&buf, &len, &cap, "", "");

	for (unsigned int i = 0; i < s->dep->count && r == 0; i++) {
		const struct mod_entry *m = &s->dep->mods[i];

		if (!s->packed[i])
			continue;
		r = append(&buf, &len, &cap, m->path, ":");
		for (unsigned int d = 0; d < m->ndeps && r == 0; d++)
			r = append(&buf, &len, &cap, " ", s->dep->mods[m->deps[d]].path);
		if (r == 0)
			r = append(&buf, &len, &cap, "\n", "");
	}
	if (r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
