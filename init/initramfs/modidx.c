/* SPDX-License-Identifier: MIT */
/*
 * depmod's modules.softdep ("softdep MOD pre: A B post: C") and
 * modules.alias ("alias PATTERN MOD"), parsed in place. Both come from the
 * module tree the user hands us: every line is checked, nothing is trusted.
 */
#include "ird.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void modidx_norm(char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']' && depth)
			depth--;
		else if (*s == '-' && !depth)
			*s = '_';
	}
}

/* A module name: every '-' is '_' (kmod's underscores()). */
static void norm_name(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

/* Splits a line into blank-separated words (in place); returns the count. */
static unsigned int words(char *line, char **w, unsigned int max)
{
	unsigned int n = 0;

	line[strcspn(line, "#")] = '\0';
	for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

static int grow(void **arr, unsigned int count, unsigned int *cap, size_t elem)
{
	void *p;

	if (count < *cap)
		return 0;
	p = realloc(*arr, (*cap ? *cap * 2 : 64) * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = *cap ? *cap * 2 : 64;
	return 0;
}

/* One "softdep" line's items; -EINVAL when malformed. */
static int softdep_line(struct mod_index *x, char **w, unsigned int n, unsigned int *cap)
{
	int post = -1, r;

	/* A dependency may be an alias ("platform:idma64"), the module not. */
	if (n < 2 || strcmp(w[0], "softdep") || strchr(w[1], ':'))
		return -EINVAL;
	norm_name(w[1]);
	for (unsigned int i = 2; i < n; i++) {
		if (!strcmp(w[i], "pre:") || !strcmp(w[i], "post:")) {
			post = w[i][1] == 'o';
			continue;
		}
		/* Words before "pre:" or "post:" count for nothing, as in kmod
		 * (cifs declares "softdep cifs gcm"). */
		if (post < 0)
			continue;
		r = grow((void **)&x->soft, x->nsoft, cap, sizeof(*x->soft));
		if (r < 0)
			return r;
		modidx_norm(w[i]);
		x->soft[x->nsoft++] = (struct mod_softdep){ w[1], w[i], post == 1 };
	}
	return 0;
}

static int alias_line(struct mod_index *x, char **w, unsigned int n, unsigned int *cap)
{
	int r;

	if (n != 3 || strcmp(w[0], "alias"))
		return -EINVAL;
	r = grow((void **)&x->alias, x->nalias, cap, sizeof(*x->alias));
	if (r < 0)
		return r;
	modidx_norm(w[1]);
	norm_name(w[2]);
	x->alias[x->nalias++] = (struct mod_alias){ w[1], w[2] };
	return 0;
}

/* Words on one line at most (a softdep line naming that many is refused). */
enum { MODIDX_WORDS = 1024 };

typedef int line_fn(struct mod_index *x, char **w, unsigned int n, unsigned int *cap);

static int each_line(struct mod_index *x, char *text, line_fn *fn, unsigned int *bad)
{
	char *w[MODIDX_WORDS + 1];
	unsigned int cap = 0, ln = 1, n;
	int r = 0;

	for (char *line = text, *nl; line && r == 0; line = nl, ln++) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		n = words(line, w, MODIDX_WORDS);
		r = n > MODIDX_WORDS ? -EINVAL : n ? fn(x, w, n, &cap) : 0;
	}
	if (r == -EINVAL)
		*bad = ln - 1;
	return r;
}

int modidx_parse_softdep(struct mod_index *x, char *text, unsigned int *line)
{
	free(x->soft_text);
	x->soft_text = text;
	x->nsoft = 0;
	return text ? each_line(x, text, softdep_line, line) : 0;
}

int modidx_parse_alias(struct mod_index *x, char *text, unsigned int *line)
{
	free(x->alias_text);
	x->alias_text = text;
	x->nalias = 0;
	return text ? each_line(x, text, alias_line, line) : 0;
}

int modidx_parse_modinfo(struct mod_index *x, char *data, size_t len)
{
	unsigned int cap = x->nalias;	/* grow() doubles from the count */
	int r = 0;

	free(x->modinfo);
	x->modinfo = data;
	/* NUL-separated "module.key=value" records; only aliases matter here. */
	for (size_t off = 0; data && off < len && r == 0;) {
		char *rec = data + off, *dot, *val;
		size_t n = strnlen(rec, len - off);

		off += n + 1;
		if (off > len)
			break;	/* the last record is not terminated: ignore it */
		dot = memchr(rec, '.', n);
		if (!dot || dot == rec || strncmp(dot + 1, "alias=", 6) || !dot[7])
			continue;
		*dot = '\0';
		val = dot + 7;
		r = grow((void **)&x->alias, x->nalias, &cap, sizeof(*x->alias));
		if (r == 0) {
			modidx_norm(val);
			norm_name(rec);
			x->alias[x->nalias++] = (struct mod_alias){ val, rec };
		}
	}
	return r;
}

void modidx_free(struct mod_index *x)
{
	free(x->soft);
	free(x->alias);
	free(x->soft_text);
	free(x->alias_text);
	free(x->modinfo);
	memset(x, 0, sizeof(*x));
}
