/* SPDX-License-Identifier: MIT */
#include "modules.h"
#include "file.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "kernel/fs/ext4/ext4.ko" -> "ext4" written into name (normalised). */
static void name_of(const char *path, size_t len, char *name, size_t size)
{
	const char *base = path, *end = path + len;
	size_t n;

	for (const char *p = path; p < end; p++)
		if (*p == '/')
			base = p + 1;
	n = (size_t)(end - base);
	for (const char *p = base; p < end; p++)
		if (*p == '.') {	/* .ko, .ko.xz, .ko.zst */
			n = (size_t)(p - base);
			break;
		}
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = '\0';
}

int mod_find(const struct mod_table *t, const char *name)
{
	char want[64];

	name_of(name, strlen(name), want, sizeof(want));
	for (unsigned int i = 0; i < t->count; i++)
		if (!strcmp(t->mods[i].name, want))
			return (int)i;
	return -1;
}

static int count_lines(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* First pass: one entry per line, "path:" cut at the colon. */
static int parse_heads(struct mod_table *t, char **rest, struct mod_error *err)
{
	char *line = t->text;

	for (unsigned int ln = 1; line && *line; ln++) {
		char *nl = strchr(line, '\n'), *colon;

		if (nl)
			*nl = '\0';
		rest[ln - 1] = NULL;
		if (*line) {
			colon = strchr(line, ':');
			if (!colon || colon == line || memchr(line, ' ', (size_t)(colon - line))) {
				err->line = ln;
				err->what = "expected 'path.ko: dependency.ko ...'";
				return -EINVAL;
			}
			*colon = '\0';
			struct mod_entry *m = &t->mods[t->count++];
			char name[64];

			m->path = line;
			m->line = ln;
			name_of(line, strlen(line), name, sizeof(name));
			m->name = strdup(name);
			if (!m->name)
				return -ENOMEM;
			rest[t->count - 1] = colon + 1;
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int by_path(const void *a, const void *b)
{
	const struct mod_entry *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

/* Second pass: dependency paths to indexes, through a sorted index. */
static int parse_deps(struct mod_table *t, char **rest, struct mod_error *err)
{
	struct mod_entry **sorted = malloc((t->count + 1) * sizeof(*sorted));
	int r = 0;

	if (!sorted)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->count; i++)
		sorted[i] = &t->mods[i];
	qsort(sorted, t->count, sizeof(*sorted), by_path);
	for (unsigned int i = 0; i < t->count && r == 0; i++) {
		char *save = NULL, *tok;
		struct mod_entry *m = &t->mods[i];
		unsigned int cap = 0;

		for (tok = strtok_r(rest[i], " \t\r", &save); tok && r == 0;
		     tok = strtok_r(NULL, " \t\r", &save)) {
			struct mod_entry key = { .path = tok }, *kp = &key, **hit;

			hit = bsearch(&kp, sorted, t->count, sizeof(*sorted), by_path);
			if (!hit) {
				err->line = m->line;
				err->what = "a dependency that has no line of its own";
				r = -EINVAL;
			} else if (m->ndeps == cap) {
				int *d = realloc(m->deps, (cap = cap ? cap * 2 : 4) * sizeof(*d));

				if (!d)
					r = -ENOMEM;
				else
					m->deps = d;
			}
			if (r == 0)
				m->deps[m->ndeps++] = (int)(*hit - t->mods);
		}
	}
	free(sorted);
	return r;
}

int mod_parse(struct mod_table *t, char *text, struct mod_error *err)
{
	int lines = count_lines(text), r;
	char **rest;

	memset(t, 0, sizeof(*t));
	t->text = text;
	t->mods = calloc((size_t)lines, sizeof(*t->mods));
	rest = calloc((size_t)lines, sizeof(*rest));
	if (!t->mods || !rest) {
		free(rest);
		mod_free(t);
		return -ENOMEM;
	}
	r = parse_heads(t, rest, err);
	if (r == 0)
		r = parse_deps(t, rest, err);
	free(rest);
	if (r < 0)
		mod_free(t);
	return r;
}

void mod_free(struct mod_table *t)
{
	for (unsigned int i = 0; i < t->count; i++) {
		free(t->mods[i].name);
		free(t->mods[i].deps);
	}
	free(t->mods);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

bool mod_is_builtin(const char *text, const char *name)
{
	char want[64], have[64];

	name_of(name, strlen(name), want, sizeof(want));
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		name_of(text, len, have, sizeof(have));
		if (!strcmp(want, have))
			return true;
		text = nl ? nl + 1 : NULL;
	}
	return false;
}

enum { UNSEEN, VISITING, DONE };

static int visit(struct mod_table *t, int i, char *state, int *order, int *n)
{
	struct mod_entry *m = &t->mods[i];
	int r;

	if (state[i] == DONE || m->loaded)
		return 0;
	if (state[i] == VISITING)
		return -ELOOP;
	state[i] = VISITING;
	for (unsigned int d = 0; d < m->ndeps; d++) {
		r = visit(t, m->deps[d], state, order, n);
		if (r < 0)
			return r;
	}
	state[i] = DONE;
	order[(*n)++] = i;
	return 0;
}

int mod_order(struct mod_table *t, const char *name, int *order)
{
	int i = mod_find(t, name), n = 0, r;
	char *state;

	if (i < 0)
		return -ENOENT;
	state = calloc(t->count, 1);
	if (!state)
		return -ENOMEM;
	r = visit(t, i, state, order, &n);
	free(state);
	return r < 0 ? r : n;
}

bool mod_loaded(const char *name)
{
	char p[128], norm[64];

	name_of(name, strlen(name), norm, sizeof(norm));
	snprintf(p, sizeof(p), "/sys/module/%s", norm);
	return file_exists(p);
}

int mod_open(const char *dir, const struct mod_entry *m, int *flags)
{
	const char *dot = strrchr(m->path, '.');
	char path[512];

	/* MODULE_INIT_COMPRESSED_FILE: the kernel decompresses .ko.xz/.zst. */
	*flags = dot && strcmp(dot, ".ko") ? 4 : 0;
	snprintf(path, sizeof(path), "%s/%s", dir, m->path);
	return sys_open(path, O_RDONLY, 0);
}

int mod_finit(int fd, int flags)
{
	int r = sys_finit_module(fd, "", flags);

	return r == -EEXIST ? 0 : r;
}

static int insert(const char *dir, const struct mod_entry *m)
{
	int flags, fd = mod_open(dir, m, &flags), r;

	if (fd < 0)
		return fd;
	r = mod_finit(fd, flags);
	sys_close(fd);
	return r;
}

static int load_one(struct mod_table *t, const char *dir, const char *builtin,
		    const char *name, int *order)
{
	int n = mod_order(t, name, order);

	if (n == -ENOENT && (mod_is_builtin(builtin, name) || mod_loaded(name)))
		return 0;
	if (n < 0) {
		log_err("module %s: %s in %s/modules.dep", name,
			n == -ENOENT ? "not found" : "dependency cycle", dir);
		return n;
	}
	for (int k = 0; k < n; k++) {
		struct mod_entry *m = &t->mods[order[k]];
		uint64_t t0 = sys_now_ms();
		int r = mod_loaded(m->name) ? 0 : insert(dir, m);

		if (r < 0) {
			log_err("module %s: cannot load %s/%s: %s", name, dir, m->path,
				strerror(-r));
			return r;
		}
		m->loaded = true;
		log_debug("module %s loaded in %llu ms", m->name,
			  (unsigned long long)(sys_now_ms() - t0));
	}
	return 0;
}

int mod_load(const char *dir, const char *const *names, unsigned int count)
{
	struct mod_table t;
	struct mod_error err = { 0 };
	char path[512], *text = NULL, *builtin = NULL;
	int *order = NULL, r;

	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	r = file_slurp(path, 16u << 20, &text, NULL);
	if (r < 0) {
		log_err("cannot read %s: %s", path, strerror(-r));
		return r;
	}
	r = mod_parse(&t, text, &err);
	if (r < 0) {
		log_err("%s:%u: %s", path, err.line, err.what ? err.what : strerror(-r));
		return r;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	file_slurp(path, 16u << 20, &builtin, NULL);
	order = calloc(t.count + 1, sizeof(*order));
	r = order ? 0 : -ENOMEM;
	for (unsigned int i = 0; i < count && r == 0; i++)
		r = load_one(&t, dir, builtin, names[i], order);
	free(order);
	free(builtin);
	mod_free(&t);
	return r;
}

int mod_need(const char *name)
{
	char release[128], dir[256], path[320];
	const char *names[1] = { name };

	if (modload_active())
		return modload_wait(name);
	if (mod_loaded(name))
		return 0;
	if (file_read("/proc/sys/kernel/osrelease", release, sizeof(release)) < 0)
		return 0;
	snprintf(dir, sizeof(dir), "/lib/modules/%s", release);
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	if (!file_exists(path))
		return 0;
	return mod_load(dir, names, 1);
}
