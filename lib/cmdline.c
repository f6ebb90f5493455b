/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cmdline.h"
#include "cmdline_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const break_names[] = {
	[BREAK_NONE] = "none", [BREAK_TOP] = "top",
	[BREAK_PREMOUNT] = "premount", [BREAK_BOTTOM] = "bottom",
};

const char *cmdline_break_name(enum boot_break b)
{
	return break_names[b];
}

/* A whole number in [lo, hi]; no sign unless lo < 0, no trailing junk. */
bool cmdline_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!*s || (*s == '-' && lo >= 0) || *s == '+' || *s == ' ')
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool cmdline_copy(char *dst, size_t size, const char *v)
{
	size_t len = strlen(v);

	if (len >= size)
		return false;
	memcpy(dst, v, len + 1);
	return true;
}

/* Filesystem type names, or a comma list of them. */
static bool set_fstype(char *dst, size_t size, const char *v)
{
	if (!*v || v[strlen(v) - 1] == ',')
		return false;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.' || *p == ',' || *p == '-'))
			return false;
	return cmdline_copy(dst, size, v);
}

/* Mount options: printable, no blanks (the tokenizer took quotes off). */
static bool set_opts(char *dst, size_t size, const char *v)
{
	for (const char *p = v; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return cmdline_copy(dst, size, v);
}

/*
 * An absolute path as the plan takes it (plan_path_why): no empty, "." or
 * ".." elements. NULL, or what was expected instead.
 */
static const char *path_why(const char *v)
{
	const char *p = v;

	if (*v != '/')
		return "an absolute path";
	if (!v[1])
		return "an absolute path other than '/'";
	while (*p) {
		const char *e = strchrnul(++p, '/');

		if (e == p || (e - p == 1 && p[0] == '.') ||
		    (e - p == 2 && p[0] == '.' && p[1] == '.'))
			return "an absolute path without empty ('//' or a trailing '/'), '.' or "
			       "'..' elements";
		p = e;
	}
	return NULL;
}

const char *cmdline_path(char *dst, size_t size, const char *v)
{
	/* initramfs-tools takes loop=images/root.img as /images/root.img. */
	char tmp[512];
	const char *why;

	snprintf(tmp, sizeof(tmp), "%s%s", *v == '/' ? "" : "/", v);
	why = path_why(tmp);
	if (why)
		return why;
	if (!cmdline_copy(dst, size, tmp))
		return "a path of at most 255 characters";
	return NULL;
}

/* Each handler returns NULL, or what it expected instead of the value. */
typedef const char *(*param_fn)(struct boot_params *bp, const char *v);

static const char *p_root(struct boot_params *bp, const char *v)
{
	const char *why = NULL;

	if (devspec_parse(v, &bp->root, &why) < 0)
		return why;
	bp->have_root = true;
	return NULL;
}

static const char *p_rootfstype(struct boot_params *bp, const char *v)
{
	return set_fstype(bp->rootfstype, sizeof(bp->rootfstype), v) ? NULL :
	       "filesystem type names separated by commas (ext4, or ext4,xfs)";
}

static const char *p_rootflags(struct boot_params *bp, const char *v)
{
	return set_opts(bp->rootflags, sizeof(bp->rootflags), v) ? NULL :
	       "mount options, at most 255 printable characters without blanks";
}

static const char *p_loopfstype(struct boot_params *bp, const char *v)
{
	return set_fstype(bp->loopfstype, sizeof(bp->loopfstype), v) ? NULL :
	       "filesystem type names separated by commas (ext4, or ext4,xfs)";
}

static const char *p_loopflags(struct boot_params *bp, const char *v)
{
	return set_opts(bp->loopflags, sizeof(bp->loopflags), v) ? NULL :
	       "mount options, at most 255 printable characters without blanks";
}

static const char *p_ro(struct boot_params *bp, const char *v)
{
	(void)v;
	bp->read_only = true;
	return NULL;
}

static const char *p_rw(struct boot_params *bp, const char *v)
{
	(void)v;
	bp->read_only = false;
	return NULL;
}

static const char *p_rootwait(struct boot_params *bp, const char *v)
{
	long n;

	bp->rootwait = true;
	if (!v)		/* plain rootwait: as long as the boot deadline allows */
		return NULL;
	if (!cmdline_int(v, 0, 86400, &n))
		return "rootwait or rootwait=SECONDS (0-86400)";
	bp->root_wait_s = (int)n;
	return NULL;
}

static const char *p_rootdelay(struct boot_params *bp, const char *v)
{
	long n;

	if (!cmdline_int(v, 0, 86400, &n))
		return "a whole number of seconds (0-86400)";
	bp->root_wait_s = (int)n;
	return NULL;
}

static const char *p_init(struct boot_params *bp, const char *v)
{
	if (*v != '/')
		return "an absolute path";
	return cmdline_path(bp->init, sizeof(bp->init), v);
}

static const char *p_loop(struct boot_params *bp, const char *v)
{
	return cmdline_path(bp->loop, sizeof(bp->loop), v);
}

static const char *p_conf(struct boot_params *bp, const char *v)
{
	if (*v != '/')
		return "an absolute path";
	return cmdline_path(bp->conf, sizeof(bp->conf), v);
}

static const char *p_timeout(struct boot_params *bp, const char *v)
{
	long n;

	if (!cmdline_int(v, 1, 86400, &n))
		return "a whole number of seconds (1-86400)";
	bp->timeout_s = (uint32_t)n;
	return NULL;
}

static const char *p_debug(struct boot_params *bp, const char *v)
{
	(void)v;
	bp->debug = true;
	return NULL;
}

static const char *p_shell(struct boot_params *bp, const char *v)
{
	(void)v;
	bp->shell_on_failure = true;
	return NULL;
}

static const char *p_break(struct boot_params *bp, const char *v)
{
	for (unsigned int i = BREAK_TOP; i <= BREAK_BOTTOM; i++)
		if (!strcmp(v, break_names[i])) {
			bp->brk = (enum boot_break)i;
			return NULL;
		}
	return "one of top, premount, bottom";
}

static const char *p_panic(struct boot_params *bp, const char *v)
{
	long n;

	if (!cmdline_int(v, -86400, 86400, &n))
		return "a whole number of seconds (negative: at once)";
	bp->panic_set = true;
	bp->panic_s = (int)n;
	return NULL;
}

enum takes { FLAG, VALUE, EITHER };

static const struct param {
	const char *name;
	enum takes takes;
	param_fn fn;
} params[] = {
	{ "root", VALUE, p_root },
	{ "rootfstype", VALUE, p_rootfstype },
	{ "rootflags", VALUE, p_rootflags },
	{ "ro", FLAG, p_ro },
	{ "rw", FLAG, p_rw },
	{ "rootwait", EITHER, p_rootwait },
	{ "rootdelay", VALUE, p_rootdelay },
	{ "init", VALUE, p_init },
	{ "loop", VALUE, p_loop },
	{ "loopfstype", VALUE, p_loopfstype },
	{ "loopflags", VALUE, p_loopflags },
	{ "panic", VALUE, p_panic },
	{ "blkasm.conf", VALUE, p_conf },
	{ "roothash", VALUE, cmdline_roothash },
	{ "blkasm.overlay", VALUE, cmdline_overlay },
	{ "blkasm.hashoffset", VALUE, cmdline_hashoffset },
	{ "blkasm.oncorruption", VALUE, cmdline_oncorruption },
	{ "blkasm.slots", VALUE, cmdline_slots },
	{ "blkasm.slotdev", VALUE, cmdline_slotdev },
	{ "blkasm.slot", VALUE, cmdline_slot },
	{ "blkasm.slotfallback", VALUE, cmdline_slotfallback },
	{ "blkasm.timeout", VALUE, p_timeout },
	{ "blkasm.debug", FLAG, p_debug },
	{ "blkasm.break", VALUE, p_break },
	{ "blkasm.shell", FLAG, p_shell },
};

static bool is_ours(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (!strcmp(params[i].name, name))
			return true;
	return !strncmp(name, "blkasm.", 7);
}

/* A tab or other control character (quotes keep them in a value). */
static bool has_control(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < ' ' || *v == 0x7f)
			return true;
	return false;
}

static const char *apply(struct boot_params *bp, const char *name, const char *v)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		const struct param *p = &params[i];

		if (strcmp(p->name, name))
			continue;
		if (p->takes == FLAG && v)
			return "no value";
		if ((p->takes == VALUE && !v) || (v && !*v))
			return "a value after '='";
		if (v && has_control(v))
			return "a value without tabs or other control characters";
		return p->fn(bp, v);
	}
	if (!strncmp(name, "blkasm.", 7))
		return "a known blkasm parameter: blkasm.conf=, blkasm.overlay=, "
		       "blkasm.hashoffset=, blkasm.oncorruption=, blkasm.slots=, "
		       "blkasm.slotdev=, blkasm.slot=, blkasm.slotfallback=, blkasm.timeout=, "
		       "blkasm.debug, blkasm.break=, blkasm.shell";
	return NULL;	/* someone else's parameter */
}

/*
 * Cuts the next parameter out of s, as the kernel's next_arg() does: blanks
 * separate, double quotes group and are removed. Returns the start of the
 * rest, or NULL at the end.
 */
static const char *next_token(const char *s, char *tok, size_t size, bool *too_long)
{
	bool quoted = false;
	size_t n = 0;

	*too_long = false;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	for (; *s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < size)
			tok[n++] = *s;
		else
			*too_long = true;
	}
	tok[n] = '\0';
	return s;
}

/* Init's arguments after "--", as many as fit. */
static void take_init_args(const char *s, struct boot_params *bp)
{
	char tok[1024];
	size_t used = 0, len;
	bool too_long;

	while ((s = next_token(s, tok, sizeof(tok), &too_long))) {
		len = strlen(tok) + 1;
		if (too_long || used + len > sizeof(bp->init_args))
			break;
		memcpy(bp->init_args + used, tok, len);
		used += len;
		bp->init_argc++;
	}
}

void cmdline_fail(struct cmdline_error *err, unsigned int col, const char *tok,
		 const char *expected)
{
	size_t n = 0;

	err->column = col;
	/* Shown as written, control characters as \t or \xNN. */
	for (const unsigned char *t = (const unsigned char *)tok; *t; t++) {
		char c[5] = { (char)*t, '\0' };

		if (*t == '\t')
			strcpy(c, "\\t");
		else if (*t < ' ' || *t == 0x7f)
			snprintf(c, sizeof(c), "\\x%02x", *t);
		if (n + strlen(c) >= sizeof(err->param))
			break;
		memcpy(err->param + n, c, strlen(c));
		n += strlen(c);
	}
	err->param[n] = '\0';
	err->expected = expected;
}

int cmdline_parse(const char *line, struct boot_params *bp, struct cmdline_error *err)
{
	const char *s = line, *start;
	char tok[1024];
	bool too_long;

	memset(bp, 0, sizeof(*bp));
	bp->read_only = true;	/* as the kernel and initramfs-tools */
	bp->root_wait_s = -1;
	bp->timeout_s = CMDLINE_DEFAULT_TIMEOUT_S;
	memset(err, 0, sizeof(*err));
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		start = s;
		s = next_token(s, tok, sizeof(tok), &too_long);
		if (!s)
			return cmdline_together(bp, err);
		if (!strcmp(tok, "--")) {	/* the rest is init's */
			take_init_args(s, bp);
			return cmdline_together(bp, err);
		}
		char *eq = strchr(tok, '=');
		unsigned int col = (unsigned int)(start - line) + 1;

		if (eq)
			*eq = '\0';
		if (too_long && !is_ours(tok))
			continue;	/* someone else's long parameter */
		const char *why = too_long ? "a parameter shorter than 1024 characters" :
				  apply(bp, tok, eq ? eq + 1 : NULL);

		if (why) {
			if (eq)
				*eq = '=';
			cmdline_fail(err, col, tok, why);
			return -EINVAL;
		}
		cmdline_note_column(bp, tok, col);
	}
}
