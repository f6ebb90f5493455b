/* SPDX-License-Identifier: MIT */
/*
 * Plan file syntax (docs/blkasm.conf.5): a lexer that keeps every token's
 * line and column, and a parser that builds nodes, options and values.
 * Nothing here knows what the options mean; plan_check.c does.
 */
#include "plan_internal.h"
#include "driver.h"
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_type { T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_SEMI, T_NL, T_EOF };

struct token {
	enum tok_type type;
	struct plan_pos pos;
	char *text;		/* T_WORD and T_STRING: decoded, malloc'd */
};

struct lexer {
	const char *s;
	size_t len, i;
	struct plan_pos pos;	/* of s[i] */
	struct plan *p;
	struct plan_error *err;
};

static void lex_advance(struct lexer *lx)
{
	if (lx->s[lx->i++] == '\n') {
		lx->pos.line++;
		lx->pos.col = 1;
	} else {
		lx->pos.col++;
	}
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Ends a bare word: blanks, the punctuation, comments and quotes. */
static bool is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' ||
	       c == '}' || c == ';' || c == '#' || c == '"';
}

static int lex_bad_char(struct lexer *lx)
{
	return plan_fail(lx->err, lx->p, lx->pos,
			 "bad character 0x%02x (expected printable text)",
			 (unsigned char)lx->s[lx->i]);
}

static void lex_skip_blanks(struct lexer *lx)
{
	while (lx->i < lx->len) {
		char c = lx->s[lx->i];

		if (c == '#') {
			while (lx->i < lx->len && lx->s[lx->i] != '\n')
				lex_advance(lx);
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lex_advance(lx);
		} else {
			return;
		}
	}
}

static int lex_word(struct lexer *lx, struct token *t)
{
	size_t start = lx->i, i = start;

	/* No newline inside a word: the column moves by its length. */
	while (i < lx->len && !is_delim(lx->s[i]) && !is_ctl((unsigned char)lx->s[i]))
		i++;
	lx->pos.col += (unsigned int)(i - start);
	lx->i = i;
	if (i < lx->len && is_ctl((unsigned char)lx->s[i]) && lx->s[i] != '\t' &&
	    lx->s[i] != '\r' && lx->s[i] != '\n')
		return lex_bad_char(lx);
	if (lx->i < lx->len && lx->s[lx->i] == '"')
		return plan_fail(lx->err, lx->p, lx->pos,
				 "unexpected '\"' inside a word (quote the whole value)");
	/* Not strndup: the length is known, no need to look for a NUL again. */
	t->text = malloc(i - start + 1);
	if (!t->text)
		return -ENOMEM;
	memcpy(t->text, lx->s + start, i - start);
	t->text[i - start] = '\0';
	return 0;
}

/*
 * The length of the quoted string at s[i] (on its opening quote) once its
 * escapes are decoded, or -EINVAL with err at the fault.
 */
static int lex_string_len(struct lexer *lx, struct plan_pos open, size_t *n)
{
	struct lexer scan = *lx;

	lex_advance(&scan);
	for (*n = 0;; (*n)++) {
		char c = scan.i < scan.len ? scan.s[scan.i] : '\n';

		if (c == '"')
			return 0;
		if (c == '\n')
			return plan_fail(lx->err, lx->p, open,
					 "unterminated quote (a quoted value ends on its line)");
		if (is_ctl((unsigned char)c))
			return lex_bad_char(&scan);
		if (c == '\\') {
			struct plan_pos esc = scan.pos;

			lex_advance(&scan);
			c = scan.i < scan.len ? scan.s[scan.i] : '\n';
			if (c != '"' && c != '\\')
				return plan_fail(lx->err, lx->p, esc,
						 "unknown escape in quotes (expected \\\" or \\\\)");
		}
		lex_advance(&scan);
	}
}

/* A quoted string ends on its line; the only escapes are \" and \\. */
static int lex_string(struct lexer *lx, struct token *t)
{
	size_t n;
	int r = lex_string_len(lx, t->pos, &n);

	if (r < 0)
		return r;
	t->text = malloc(n + 1);
	if (!t->text)
		return -ENOMEM;
	lex_advance(lx);
	for (size_t k = 0; k < n; k++) {
		if (lx->s[lx->i] == '\\')
			lex_advance(lx);
		t->text[k] = lx->s[lx->i];
		lex_advance(lx);
	}
	t->text[n] = '\0';
	lex_advance(lx);
	if (lx->i < lx->len && !is_delim(lx->s[lx->i]))
		return plan_fail(lx->err, lx->p, lx->pos,
				 "expected a blank after the closing quote");
	return 0;
}

/* The next token into t (t->text NULL unless a word or string). */
static int lex_next(struct lexer *lx, struct token *t)
{
	static const char punct[] = "{};\n";
	static const enum tok_type punct_type[] = { T_LBRACE, T_RBRACE, T_SEMI, T_NL };
	const char *hit;
	int r;

	lex_skip_blanks(lx);
	t->pos = lx->pos;
	t->text = NULL;
	if (lx->i >= lx->len) {
		t->type = T_EOF;
		return 0;
	}
	hit = memchr(punct, lx->s[lx->i], sizeof(punct) - 1);
	if (hit) {
		t->type = punct_type[hit - punct];
		lex_advance(lx);
		return 0;
	}
	if (is_ctl((unsigned char)lx->s[lx->i]))
		return lex_bad_char(lx);
	t->type = lx->s[lx->i] == '"' ? T_STRING : T_WORD;
	r = t->type == T_STRING ? lex_string(lx, t) : lex_word(lx, t);
	if (r < 0) {
		free(t->text);
		t->text = NULL;
	}
	return r;
}

/* What a token is, for "got ..." in messages. */
static const char *tok_str(const struct token *t, char *buf, size_t size)
{
	static const char *const names[] = {
		[T_LBRACE] = "'{'", [T_RBRACE] = "'}'", [T_SEMI] = "';'",
		[T_NL] = "end of line", [T_EOF] = "end of file",
	};

	if (t->type == T_WORD)
		snprintf(buf, size, "'%.60s'", t->text);
	else if (t->type == T_STRING)
		snprintf(buf, size, "\"%.60s\"", t->text);
	else
		snprintf(buf, size, "%s", names[t->type]);
	return buf;
}

static bool is_text(const struct token *t)
{
	return t->type == T_WORD || t->type == T_STRING;
}

/* Adds one value to the last option of n; takes t->text. */
static int parse_value(struct lexer *lx, struct plan_node *n, struct token *t)
{
	struct plan_opt *o = &n->opts[n->nopts - 1];
	int r;

	if (o->nvalues >= PLAN_MAX_VALUES)
		return plan_fail(lx->err, lx->p, t->pos,
				 "too many values for option '%s' (at most %u)", o->key,
				 PLAN_MAX_VALUES);
	r = plan_opt_add_value(o, t->text, t->pos);
	if (r == 0)
		t->text = NULL;
	return r;
}

/*
 * KEY VALUE... up to a newline, ';' or '}' (then *closed is set).
 * t holds the key on entry; the option's end is left in t.
 */
static int parse_option(struct lexer *lx, struct plan_node *n, struct token *t,
			bool *closed)
{
	char what[80];
	int r;

	if (t->type != T_WORD)
		return plan_fail(lx->err, lx->p, t->pos, "expected an option name, got %s",
				 tok_str(t, what, sizeof(what)));
	if (n->nopts >= PLAN_MAX_OPTS)
		return plan_fail(lx->err, lx->p, t->pos,
				 "too many options in node '%s' (at most %u)", n->name,
				 PLAN_MAX_OPTS);
	r = plan_node_add_opt(n, t->text, t->pos);
	if (r < 0)
		return r;
	t->text = NULL;
	for (;;) {
		r = lex_next(lx, t);
		if (r < 0 || !is_text(t))
			break;
		r = parse_value(lx, n, t);
		free(t->text);
		t->text = NULL;
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	*closed = t->type == T_RBRACE;
	if (t->type == T_LBRACE)
		return plan_fail(lx->err, lx->p, t->pos,
				 "unexpected '{' in node '%s' (nodes do not nest: is the '}' "
				 "of node '%s' missing?)", n->name, n->name);
	return 0;
}

/* Options up to the closing '}'. */
static int parse_body(struct lexer *lx, struct plan_node *n, struct plan_pos open)
{
	struct token t;
	bool closed = false;
	int r = 0;

	while (!closed && r == 0) {
		r = lex_next(lx, &t);
		if (r < 0)
			break;
		if (t.type == T_NL || t.type == T_SEMI)
			continue;
		if (t.type == T_RBRACE)
			return 0;
		if (t.type != T_EOF)
			r = parse_option(lx, n, &t, &closed);
		free(t.text);
		if (r == 0 && t.type == T_EOF)
			return plan_fail(lx->err, lx->p, t.pos,
					 "missing '}' at end of file (node '%s' opened at "
					 "%u:%u)", n->name, open.line, open.col);
	}
	return r;
}

/*
 * "KIND NAME {" when something else follows KIND or NAME. A first word
 * that is no node kind is taken for an option outside any node.
 */
static int parse_not_node(struct lexer *lx, struct token *kind, struct token *name,
			  struct token *t)
{
	char what[80];

	if (!driver_find(lx->p->kinds, kind->text))
		return plan_fail(lx->err, lx->p, kind->pos,
				 "option '%s' outside a node (expected KIND NAME { ... })",
				 kind->text);
	if (!is_text(name))
		return plan_fail(lx->err, lx->p, name->pos,
				 "expected a node name after '%s', got %s", kind->text,
				 tok_str(name, what, sizeof(what)));
	return plan_fail(lx->err, lx->p, t->pos, "expected '{' after '%s %s', got %s",
			 kind->text, name->text, tok_str(t, what, sizeof(what)));
}

/* KIND NAME { OPTIONS }; kind holds the first token on entry. */
static int parse_node(struct lexer *lx, struct token *kind)
{
	struct token name = { .text = NULL }, t = { .text = NULL };
	struct plan_node *n;
	int r;

	r = lex_next(lx, &name);
	if (r == 0 && is_text(&name))
		r = lex_next(lx, &t);
	if (r < 0)
		goto out;
	if (!is_text(&name) || t.type != T_LBRACE) {
		r = parse_not_node(lx, kind, &name, &t);
		goto out;
	}
	if (lx->p->count >= PLAN_MAX_NODES) {
		r = plan_fail(lx->err, lx->p, kind->pos, "too many nodes (at most %u)",
			      PLAN_MAX_NODES);
		goto out;
	}
	n = plan_node_adopt(lx->p, kind->text, name.text);
	kind->text = name.text = NULL;
	if (!n) {
		r = -ENOMEM;
		goto out;
	}
	n->pos = kind->pos;
	n->name_pos = name.pos;
	r = parse_body(lx, n, t.pos);
out:
	free(name.text);
	free(t.text);
	return r;
}

static int parse_all(struct lexer *lx)
{
	struct token t;
	int r;

	for (;;) {
		r = lex_next(lx, &t);
		if (r < 0 || t.type == T_EOF)
			return r;
		if (is_text(&t))
			r = parse_node(lx, &t);
		else if (t.type == T_RBRACE)
			r = plan_fail(lx->err, lx->p, t.pos, "unexpected '}' (no node is open)");
		else if (t.type == T_LBRACE)
			r = plan_fail(lx->err, lx->p, t.pos,
				      "expected a node kind and name before '{'");
		free(t.text);
		if (r < 0)
			return r;
	}
}

/* Nodes in text at most: each has its '{'. */
static unsigned int count_nodes(const char *text, size_t len)
{
	unsigned int count = 0;

	for (const char *s = text, *end = text + len;
	     count < PLAN_MAX_NODES && (s = memchr(s, '{', (size_t)(end - s))); s++)
		count++;
	return count;
}

/* Parses text (len bytes, then a NUL), which p owns from now on. */
static int parse_owned(struct plan *p, const struct driver *const *kinds, const char *file,
		       char *text, size_t len, struct plan_error *err)
{
	struct lexer lx = {
		.s = text, .len = len, .pos = { 1, 1 }, .p = p, .err = err,
	};
	int r;

	plan_init(p, file, kinds);
	p->text = text;
	r = plan_reserve(p, count_nodes(text, len));
	if (r == 0)
		r = parse_all(&lx);
	if (r == -ENOMEM)
		plan_fail(err, p, (struct plan_pos){ 0, 0 }, "out of memory");
	if (r < 0) {
		plan_free(p);
		plan_init(p, file, kinds);
	}
	return r;
}

int plan_parse(struct plan *p, const struct driver *const *kinds, const char *file,
	       const char *text, size_t len, struct plan_error *err)
{
	char *copy;

	if (len > PLAN_MAX_BYTES) {
		plan_init(p, file, kinds);
		return plan_fail(err, p, (struct plan_pos){ 0, 0 },
				 "too large: %zu bytes (at most 1 MiB)", len);
	}
	copy = malloc(len + 1);
	if (!copy) {
		plan_init(p, file, kinds);
		plan_fail(err, p, (struct plan_pos){ 0, 0 }, "out of memory");
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	return parse_owned(p, kinds, file, copy, len, err);
}

int plan_load(struct plan *p, const struct driver *const *kinds, const char *path,
	      struct plan_error *err)
{
	char *text;
	size_t len;
	int r;

	r = file_slurp(path, PLAN_MAX_BYTES, &text, &len);
	if (r < 0) {
		plan_init(p, path, kinds);
		if (r == -EFBIG)
			return plan_fail(err, p, (struct plan_pos){ 0, 0 },
					 "too large (more than 1 MiB)");
		plan_fail(err, p, (struct plan_pos){ 0, 0 }, "cannot read: %s",
			  file_strerror(r));
		return r;
	}
	/* The text read is the plan's own: no copy of it. */
	r = parse_owned(p, kinds, path, text, len, err);
	if (r == 0)
		r = plan_validate(p, err);
	if (r < 0) {
		plan_free(p);
		plan_init(p, path, kinds);
	}
	return r;
}
