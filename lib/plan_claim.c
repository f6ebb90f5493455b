/* SPDX-License-Identifier: MIT */
/*
 * Claims: what each node takes for itself, so that two nodes never take
 * one thing. Compared by what the thing is, not by how the plan spells
 * it: a device by its number, a file by its device and inode (so a
 * symlink or a hard link is the file it leads to), a name as written.
 * stat() neither opens nor changes anything: validation stays harmless,
 * and a FIFO or a dead device cannot make it wait.
 */
#include "plan_internal.h"
#include "devspec.h"
#include "driver.h"
#include "sys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

void plan_claims_free(struct plan_node *n)
{
	for (unsigned int k = 0; k < n->nclaims; k++) {
		free(n->claims[k].key);
		free(n->claims[k].text);
	}
	free(n->claims);
	n->claims = NULL;
	n->nclaims = 0;
}

/*
 * A path's identity now. One below a mount the plan makes is not what
 * will be there once it is mounted, so it is known by name only.
 */
static void resolve(const struct plan *p, const struct plan_node *n,
		    struct plan_claim *c)
{
	struct stat st;

	if (sys_stat(c->key, &st) < 0 ||
	    plan_mount_holding(p, (unsigned int)(n - p->nodes), c->key) >= 0)
		return;
	if (S_ISBLK(st.st_mode)) {
		c->id = CLAIM_BLOCK;
		c->dev = st.st_rdev;
	} else {
		c->id = CLAIM_FILE;
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
}

/* One formatting pass for the usual short text; a second only past 256. */
static char *vformat(const char *fmt, va_list ap)
{
	char buf[256], *s;
	va_list again;
	int len;

	va_copy(again, ap);
	len = vsnprintf(buf, sizeof(buf), fmt, again);
	va_end(again);
	if (len < 0)
		return NULL;
	s = malloc((size_t)len + 1);
	if (!s)
		return NULL;
	if ((size_t)len < sizeof(buf))
		memcpy(s, buf, (size_t)len + 1);
	else
		vsnprintf(s, (size_t)len + 1, fmt, ap);
	return s;
}

/* Appends the claim, taking key and text (freed on failure). */
static int add(struct plan_node *n, struct plan_claim *c)
{
	struct plan_claim *claims;

	claims = c->key && c->text ? realloc(n->claims, (n->nclaims + 1) * sizeof(*claims))
				   : NULL;
	if (!claims) {
		free(c->key);
		free(c->text);
		return -ENOMEM;
	}
	claims[n->nclaims++] = *c;
	n->claims = claims;
	return 0;
}

static int vclaim(struct plan *p, struct plan_node *n, const struct claim_spec *s,
		  const char *fmt, va_list ap)
{
	struct plan_claim c = {
		.space = s->space, .id = CLAIM_NAME, .key = strdup(s->key),
		.start = s->start, .len = s->len, .shared = s->shared, .pos = s->pos,
	};

	c.text = vformat(fmt, ap);
	if (s->path && c.key)
		resolve(p, n, &c);
	return add(n, &c);
}

int driver_claim(struct plan *p, struct plan_node *n, const struct claim_spec *s,
		 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vclaim(p, n, s, fmt, ap);
	va_end(ap);
	return r;
}

int driver_claim_device(struct plan *p, struct plan_node *n, const struct plan_value *v,
			bool shared, const char *fmt, ...)
{
	struct claim_spec s = { .space = CLAIM_STORAGE, .key = v->text, .pos = v->pos,
				.shared = shared };
	struct devspec ds;
	const char *why;
	va_list ap;
	int r;

	/*
	 * A node's device goes by the node's name, a path by what it is, a
	 * tag as written: a node name has no '/', '=' or ':', so they never meet.
	 */
	s.path = plan_find(p, v->text) < 0 && v->text[0] == '/';
	va_start(ap, fmt);
	r = vclaim(p, n, &s, fmt, ap);
	va_end(ap);
	if (r == 0 && devspec_parse(v->text, &ds, &why) == 0 && ds.kind == DEVSPEC_DEVNUM) {
		n->claims[n->nclaims - 1].id = CLAIM_BLOCK;
		n->claims[n->nclaims - 1].dev = makedev(ds.major, ds.minor);
	}
	return r;
}

static bool overlap(const struct plan_claim *a, const struct plan_claim *b)
{
	uint64_t a_end = a->len && a->start + a->len > a->start ? a->start + a->len : UINT64_MAX;
	uint64_t b_end = b->len && b->start + b->len > b->start ? b->start + b->len : UINT64_MAX;

	return a->start < b_end && b->start < a_end;
}

static bool same(const struct plan_claim *a, const struct plan_claim *b)
{
	if (strcmp(a->space, b->space) || a->id != b->id)
		return false;
	switch (a->id) {
	case CLAIM_NAME:
		return !strcmp(a->key, b->key);
	case CLAIM_BLOCK:
		return a->dev == b->dev;
	case CLAIM_FILE:
		return a->dev == b->dev && a->ino == b->ino;
	}
	return false;
}

static bool conflict(const struct plan_claim *a, const struct plan_claim *b)
{
	return !(a->shared && b->shared) && same(a, b) && overlap(a, b);
}

/* Says when two spellings lead to one thing. */
static const char *alias_note(const struct plan_claim *a, const struct plan_claim *b)
{
	if (a->id == CLAIM_NAME || !strcmp(a->key, b->key))
		return "";
	return a->id == CLAIM_BLOCK ? " (the same device)" : " (the same file)";
}

static int refuse(struct plan *p, unsigned int i, const struct plan_claim *c,
		  unsigned int j, const struct plan_claim *first, struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i], *m = &p->nodes[j];

	if (i == j)
		return plan_fail(err, p, c->pos, "%s node '%s' conflicts with itself (%u:%u): "
				 "it %s, and %s%s", n->kind, n->name, first->pos.line,
				 first->pos.col, c->text, first->text, alias_note(c, first));
	return plan_fail(err, p, c->pos, "%s node '%s' conflicts with node '%s' (%u:%u): "
			 "it %s, and '%s' %s%s", n->kind, n->name, m->name, first->pos.line,
			 first->pos.col, c->text, m->name, first->text, alias_note(c, first));
}

/* FNV-1a over what makes a claim's identity (not its range or sharing). */
static uint32_t hash_bytes(uint32_t h, const void *data, size_t len)
{
	const unsigned char *b = data;

	for (size_t k = 0; k < len; k++)
		h = (h ^ b[k]) * 16777619u;
	return h;
}

static uint32_t claim_hash(const struct plan_claim *c)
{
	uint32_t h = hash_bytes(2166136261u, c->space, strlen(c->space) + 1);

	h = hash_bytes(h, &c->id, sizeof(c->id));
	if (c->id == CLAIM_NAME)
		return hash_bytes(h, c->key, strlen(c->key));
	h = hash_bytes(h, &c->dev, sizeof(c->dev));
	return c->id == CLAIM_FILE ? hash_bytes(h, &c->ino, sizeof(c->ino)) : h;
}

/* Doubles the buckets when they hold as many claims as there are of them. */
static int grow(struct claim_index *x)
{
	unsigned int nheads = x->nheads ? x->nheads * 2 : 64;
	int *heads;

	if (x->count < x->nheads)
		return 0;
	heads = malloc(nheads * sizeof(*heads));
	if (!heads)
		return -ENOMEM;
	for (unsigned int b = 0; b < nheads; b++)
		heads[b] = -1;
	for (unsigned int r = 0; r < x->count; r++) {
		unsigned int b = x->refs[r].hash & (nheads - 1);

		x->refs[r].next = heads[b];
		heads[b] = (int)r;
	}
	free(x->heads);
	x->heads = heads;
	x->nheads = nheads;
	return 0;
}

static int insert(struct claim_index *x, uint32_t hash, unsigned int node, unsigned int claim)
{
	struct claim_ref *refs;
	unsigned int b;

	if (grow(x) < 0)
		return -ENOMEM;
	if (x->count == x->cap) {
		refs = realloc(x->refs, (x->cap ? x->cap * 2 : 64) * sizeof(*refs));
		if (!refs)
			return -ENOMEM;
		x->refs = refs;
		x->cap = x->cap ? x->cap * 2 : 64;
	}
	b = hash & (x->nheads - 1);
	x->refs[x->count] = (struct claim_ref){ hash, node, claim, x->heads[b] };
	x->heads[b] = (int)x->count++;
	return 0;
}

/* The earliest claim before it (in file order) that c conflicts with, or NULL. */
static const struct claim_ref *first_conflict(const struct plan *p, const struct claim_index *x,
					      const struct plan_claim *c, uint32_t hash)
{
	const struct claim_ref *best = NULL;

	for (int r = x->nheads ? x->heads[hash & (x->nheads - 1)] : -1; r >= 0;
	     r = x->refs[r].next) {
		const struct claim_ref *f = &x->refs[r];

		if (f->hash == hash && conflict(c, &p->nodes[f->node].claims[f->claim]) &&
		    (!best || f->node < best->node ||
		     (f->node == best->node && f->claim < best->claim)))
			best = f;
	}
	return best;
}

int plan_claims_check(struct plan *p, unsigned int i, struct claim_index *x,
		      struct plan_error *err)
{
	const struct plan_node *n = &p->nodes[i];

	for (unsigned int k = 0; k < n->nclaims; k++) {
		const struct plan_claim *c = &n->claims[k];
		uint32_t hash = claim_hash(c);
		const struct claim_ref *f = first_conflict(p, x, c, hash);

		if (f)
			return refuse(p, i, c, f->node, &p->nodes[f->node].claims[f->claim], err);
		if (insert(x, hash, i, k) < 0)
			return -ENOMEM;
	}
	return 0;
}

void plan_claims_done(struct claim_index *x)
{
	free(x->refs);
	free(x->heads);
	memset(x, 0, sizeof(*x));
}
