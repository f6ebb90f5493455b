/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_LOG_H
#define BLKASM_LOG_H

#include <stdbool.h>

/* syslog priorities, as /dev/kmsg takes them in its "<N>" prefix. */
enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_NOTE = 5, LOG_INFO = 6, LOG_DEBUG = 7 };

enum log_target {
	LOG_TO_STDERR,	/* a command on a running system */
	LOG_TO_KMSG,	/* PID 1: /dev/kmsg, errors also straight to the console */
};

void log_setup(enum log_target target, bool debug);
/* Closes /dev/kmsg and restores what log_setup changed (before switch_root). */
void log_finish(void);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One record to /dev/kmsg only, whatever the target: a command on a running
 * system that changes what the next boot does leaves it in the kernel log
 * as well as on its own output. Returns 0 or -errno (no /dev/kmsg here).
 */
int log_kmsg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
