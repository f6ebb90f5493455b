/* SPDX-License-Identifier: MIT */
/*
 * The plan as data: nodes, options and values, built by the parser or in
 * code, looked up by name; the value syntax drivers share; error text.
 */
#include "plan_internal.h"
#include "driver.h"
#include "str.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_init(struct plan *p, const char *file, const struct driver *const *kinds)
{
	memset(p, 0, sizeof(*p));
	p->kinds = kinds;
	/* Never NULL but for want of memory: messages print it. */
	p->file = strdup(file ? file : "");
}

void plan_node_clear(struct plan_node *n)
{
	if (n->run && n->drv && n->drv->release)
		n->drv->release(n);
	n->run = NULL;
	if (n->conf && n->drv && n->drv->free_conf)
		n->drv->free_conf(n);
	else
		free(n->conf);
	n->conf = NULL;
	free(n->deps);
	n->deps = NULL;
	n->ndeps = 0;
	plan_claims_free(n);
	n->drv = NULL;
}

static void plan_free_node(struct plan_node *n)
{
	for (unsigned int i = 0; i < n->nopts; i++) {
		for (unsigned int j = 0; j < n->opts[i].nvalues; j++)
			free(n->opts[i].values[j].text);
		free(n->opts[i].values);
		free(n->opts[i].key);
	}
	plan_node_clear(n);
	free(n->opts);
	free(n->name);
	free(n->kind);
}

/*
 * The run texts of TEXT_SLAB nodes a slab, calloc'ed: large enough to be
 * mapped on its own, so its zeroes cost nothing until a run writes them.
 * Inline, 1 KiB of texts a node made plan on 4096 nodes fault in 4 MiB.
 * A slab of 1 MiB: each is a mapping to make and to unmap, four at most.
 */
#define TEXT_SLAB 1024u
#define NODE_TEXT_SIZE (NODE_DEVICE_SIZE + NODE_SUMMARY_SIZE + NODE_WHY_SIZE)

/* Points node i (the next one) at its texts. */
static int texts_give(struct plan *p, struct plan_node *n, unsigned int i)
{
	char *t;

	if (i % TEXT_SLAB == 0) {
		char **texts = realloc(p->texts, (i / TEXT_SLAB + 1) * sizeof(*texts));

		if (!texts)
			return -ENOMEM;
		p->texts = texts;
		texts[i / TEXT_SLAB] = calloc(TEXT_SLAB, NODE_TEXT_SIZE);
		if (!texts[i / TEXT_SLAB])
			return -ENOMEM;
	}
	t = p->texts[i / TEXT_SLAB] + (size_t)(i % TEXT_SLAB) * NODE_TEXT_SIZE;
	n->device = t;
	n->summary = t + NODE_DEVICE_SIZE;
	n->why = n->summary + NODE_SUMMARY_SIZE;
	return 0;
}

void plan_free(struct plan *p)
{
	for (unsigned int i = 0; i < p->count; i++)
		plan_free_node(&p->nodes[i]);
	for (unsigned int k = 0; k * TEXT_SLAB < p->count; k++)
		free(p->texts[k]);
	free(p->texts);
	free(p->nodes);
	free(p->names);
	free(p->mounts);
	free(p->providers);
	free(p->text);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void names_put(struct plan *p, unsigned int i)
{
	unsigned int k = name_hash(p->nodes[i].name) & (p->names_size - 1);

	/* Linear probing: a repeated name sits after its first use. */
	while (p->names[k])
		k = (k + 1) & (p->names_size - 1);
	p->names[k] = i + 1;
}

/* A names table of size slots (a power of two) for the first count nodes. */
static int names_resize(struct plan *p, unsigned int size, unsigned int count)
{
	unsigned int *names = calloc(size, sizeof(*names));

	if (!names)
		return -ENOMEM;
	free(p->names);
	p->names = names;
	p->names_size = size;
	for (unsigned int j = 0; j < count; j++)
		names_put(p, j);
	return 0;
}

/* Indexes node i, the last one added. */
static int names_add(struct plan *p, unsigned int i)
{
	if (2 * (i + 1) > p->names_size &&
	    names_resize(p, p->names_size ? p->names_size * 2 : 64, i) < 0)
		return -ENOMEM;
	names_put(p, i);
	p->names_count = i + 1;
	return 0;
}

static int nodes_resize(struct plan *p, unsigned int cap)
{
	struct plan_node *nodes = realloc(p->nodes, cap * sizeof(*nodes));

	if (!nodes)
		return -ENOMEM;
	p->nodes = nodes;
	p->cap = cap;
	return 0;
}

int plan_reserve(struct plan *p, unsigned int count)
{
	unsigned int size = 64;

	if (count > PLAN_MAX_NODES)
		count = PLAN_MAX_NODES;
	if (count > p->cap && nodes_resize(p, count) < 0)
		return -ENOMEM;
	while (size < 2 * count)
		size *= 2;
	/* Only an index of every node grows: a plan without one stays so. */
	if (size > p->names_size && p->names_count == p->count &&
	    names_resize(p, size, p->count) < 0)
		return -ENOMEM;
	return 0;
}

struct plan_node *plan_node_adopt(struct plan *p, char *kind, char *name)
{
	struct plan_node *n;

	if (p->count >= PLAN_MAX_NODES ||
	    (p->count == p->cap && nodes_resize(p, p->cap ? p->cap * 2 : 8) < 0))
		goto out_free;
	n = &p->nodes[p->count];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->name = name;
	if (texts_give(p, n, p->count) < 0)
		goto out_free;
	p->count++;
	if (p->names_count + 1 == p->count && names_add(p, p->count - 1) < 0) {
		/* Without its index the plan is searched in full: slower, right. */
		free(p->names);
		p->names = NULL;
		p->names_size = p->names_count = 0;
	}
	return n;
out_free:
	free(kind);
	free(name);
	return NULL;
}

struct plan_node *plan_add_node(struct plan *p, const char *kind, const char *name)
{
	char *k = strdup(kind), *nm = strdup(name);

	if (!k || !nm) {
		free(k);
		free(nm);
		return NULL;
	}
	return plan_node_adopt(p, k, nm);
}

/* Room for one more element in an array that holds count of them. */
static int grow(void **array, unsigned int count, size_t size)
{
	void *a;

	/* Powers of two: amortised appends without a capacity field. */
	if (count & (count - 1))
		return 0;
	a = realloc(*array, (count ? count * 2 : 1) * size);
	if (!a)
		return -ENOMEM;
	*array = a;
	return 0;
}

int plan_node_add_opt(struct plan_node *n, char *key, struct plan_pos pos)
{
	if (grow((void **)&n->opts, n->nopts, sizeof(*n->opts)) < 0)
		return -ENOMEM;
	n->opts[n->nopts++] = (struct plan_opt){ .key = key, .pos = pos };
	return 0;
}

int plan_opt_add_value(struct plan_opt *o, char *text, struct plan_pos pos)
{
	if (grow((void **)&o->values, o->nvalues, sizeof(*o->values)) < 0)
		return -ENOMEM;
	o->values[o->nvalues++] = (struct plan_value){ .text = text, .pos = pos };
	return 0;
}

int plan_node_set(struct plan_node *n, const char *key, const char *value)
{
	struct plan_opt *o = (struct plan_opt *)plan_opt(n, key);
	char *k = NULL, *v = strdup(value);

	if (!v)
		return -ENOMEM;
	if (!o) {
		if (n->nopts >= PLAN_MAX_OPTS)
			goto out_big;
		k = strdup(key);
		if (!k || plan_node_add_opt(n, k, (struct plan_pos){ 0, 0 }) < 0)
			goto out_nomem;
		o = &n->opts[n->nopts - 1];
	}
	if (o->nvalues >= PLAN_MAX_VALUES)
		goto out_big;
	if (plan_opt_add_value(o, v, (struct plan_pos){ 0, 0 }) < 0)
		goto out_nomem;
	return 0;
out_nomem:
	free(k);
	free(v);
	return -ENOMEM;
out_big:
	free(v);
	return -E2BIG;
}

int plan_find(const struct plan *p, const char *name)
{
	if (p->names && p->names_count == p->count) {
		unsigned int k = name_hash(name) & (p->names_size - 1);

		for (; p->names[k]; k = (k + 1) & (p->names_size - 1))
			if (!strcmp(p->nodes[p->names[k] - 1].name, name))
				return (int)p->names[k] - 1;
		return -ENOENT;
	}
	for (unsigned int i = 0; i < p->count; i++)
		if (!strcmp(p->nodes[i].name, name))
			return (int)i;
	return -ENOENT;
}

const struct plan_opt *plan_opt(const struct plan_node *n, const char *key)
{
	for (unsigned int i = 0; i < n->nopts; i++)
		if (!strcmp(n->opts[i].key, key))
			return &n->opts[i];
	return NULL;
}

const char *plan_str(const struct plan_node *n, const char *key)
{
	const struct plan_opt *o = plan_opt(n, key);

	return o && o->nvalues ? o->values[0].text : NULL;
}

int plan_vfail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	       const char *fmt, va_list ap)
{
	if (!err)
		return -EINVAL;
	str_copy(err->file, sizeof(err->file), p && p->file ? p->file : "");
	err->pos = pos;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -EINVAL;
}

int plan_fail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	      const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = plan_vfail(err, p, pos, fmt, ap);
	va_end(ap);
	return r;
}

const char *plan_error_str(const struct plan_error *err, char *buf, size_t size)
{
	const char *sep = err->file[0] ? ":" : "";

	if (err->pos.line)
		snprintf(buf, size, "%s%s%u:%u: %s", err->file, sep, err->pos.line,
			 err->pos.col, err->msg);
	else
		snprintf(buf, size, "%s%s%s%s", err->file, sep, err->file[0] ? " " : "",
			 err->msg);
	return buf;
}

int plan_parse_bool(const char *text, bool *out)
{
	static const char *const words[][2] = {
		{ "yes", "no" }, { "true", "false" }, { "on", "off" }, { "1", "0" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		for (int v = 0; v < 2; v++) {
			if (!strcmp(text, words[i][v])) {
				*out = v == 0;
				return 0;
			}
		}
	}
	return -EINVAL;
}

/* The shift of a binary suffix: "" 0, K/KiB 10, ... T/TiB 40; -1 if bad. */
static int size_shift(const char *s)
{
	static const char units[] = "KMGT";
	const char *u = *s ? strchr(units, *s) : NULL;

	if (!*s)
		return 0;
	if (!u || (s[1] && strcmp(s + 1, "iB")))
		return -1;
	return 10 * (int)(u - units + 1);
}

int plan_parse_size(const char *text, uint64_t *bytes)
{
	uint64_t v = 0;
	const char *s = text;
	bool over = false;
	int shift;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned int d = (unsigned int)(*s - '0');

		over = over || v > (UINT64_MAX - d) / 10;
		v = v * 10 + d;
	}
	shift = size_shift(s);
	if (shift < 0)
		return -EINVAL;
	if (over || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

bool plan_name_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > PLAN_MAX_NAME || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

const char *plan_path_why(const char *s)
{
	if (s[0] != '/')
		return "expected an absolute path";
	if (strlen(s) >= PLAN_MAX_PATH)
		return "expected at most 4095 bytes";
	/* "/" alone is the root; otherwise every element has a name. */
	if (!s[1])
		return NULL;
	for (s++;; s++) {
		size_t n = strcspn(s, "/");

		if (n == 0)
			return "expected no empty elements ('//' or a trailing '/')";
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return "expected no '.' or '..' elements";
		s += n;
		if (!*s)
			return NULL;
	}
}

bool plan_fstype_ok(const char *s)
{
	bool elem = false;

	for (; *s; s++) {
		if (*s == ',') {
			if (!elem)
				return false;
			elem = false;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			   strchr("_.-", *s)) {
			elem = true;
		} else {
			return false;
		}
	}
	return elem;
}

int plan_parse_uint(const char *s, unsigned int *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > UINT_MAX)
			return -ERANGE;
	}
	*out = (unsigned int)v;
	return 0;
}
