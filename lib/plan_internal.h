/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_PLAN_INTERNAL_H
#define BLKASM_PLAN_INTERNAL_H

/* Shared by lib/plan_*.c only. */
#include "plan.h"

/* Limits of docs/blkasm.conf.5: errors past them, never crashes. */
#define PLAN_MAX_BYTES (1024u * 1024u)
#define PLAN_MAX_NODES 4096u
#define PLAN_MAX_OPTS 64u
#define PLAN_MAX_VALUES 256u
#define PLAN_MAX_NAME 63u
#define PLAN_MAX_PATH 4096u	/* PATH_MAX, with its NUL */

#include <stdarg.h>

/* Fills err (file from p) and returns -EINVAL. */
int plan_fail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int plan_vfail(struct plan_error *err, const struct plan *p, struct plan_pos pos,
	       const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Frees what validation filled in (conf, deps) and forgets drv and claim. */
void plan_node_clear(struct plan_node *n);

/* Append to n / o, taking ownership of key / text on success. */
int plan_node_add_opt(struct plan_node *n, char *key, struct plan_pos pos);
int plan_opt_add_value(struct plan_opt *o, char *text, struct plan_pos pos);

/* Value syntax (plan_core.c). */
bool plan_name_ok(const char *name);
/* NULL for a good OPT_PATH value, else what was expected. */
const char *plan_path_why(const char *path);
bool plan_fstype_ok(const char *fstype);
/* 0 to UINT_MAX; -EINVAL or -ERANGE. */
int plan_parse_uint(const char *text, unsigned int *out);

#endif
