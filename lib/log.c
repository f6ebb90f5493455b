/* SPDX-License-Identifier: MIT */
/*
 * One record per write(): /dev/kmsg keeps records whole only when each comes
 * in a single write, and so does a console shared with the kernel.
 */
#include "log.h"
#include "file.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DEVKMSG_SYSCTL "/proc/sys/kernel/printk_devkmsg"

static enum log_target log_target = LOG_TO_STDERR;
static bool log_debug_on;
static int kmsg_fd = -1;
static char devkmsg_saved[16];

void log_setup(enum log_target target, bool debug)
{
	log_target = target;
	log_debug_on = debug;
	if (target != LOG_TO_KMSG || kmsg_fd >= 0)
		return;
	kmsg_fd = sys_open("/dev/kmsg", O_WRONLY, 0);
	/*
	 * Writes to /dev/kmsg are rate-limited by default (printk.devkmsg=
	 * ratelimit: 10 records per 5 s), which would drop boot records.
	 * Lift it for our run and put it back before switch_root; when the
	 * command line sets printk.devkmsg the kernel locks it and the write
	 * fails, which is what the user asked for. The kernel takes a value
	 * only with its newline (devkmsg_sysctl_set_loglvl wants the whole
	 * write to be the word plus one character).
	 */
	if (file_read(DEVKMSG_SYSCTL, devkmsg_saved, sizeof(devkmsg_saved) - 1) < 0 ||
	    file_write(DEVKMSG_SYSCTL, "on\n") < 0)
		devkmsg_saved[0] = '\0';
	else
		strcat(devkmsg_saved, "\n");
}

void log_finish(void)
{
	if (devkmsg_saved[0])
		file_write(DEVKMSG_SYSCTL, devkmsg_saved);
	devkmsg_saved[0] = '\0';
	if (kmsg_fd >= 0)
		sys_close(kmsg_fd);
	kmsg_fd = -1;
}

/* Would the kernel echo a record of this level to the console? */
static bool console_shows(enum log_level level)
{
	char buf[64];
	int console_level = 7;

	if (file_read("/proc/sys/kernel/printk", buf, sizeof(buf)) > 0)
		sscanf(buf, "%d", &console_level);
	return (int)level < console_level;
}

/* "<N>blkasm: message\n" in line; returns its length, or -1. */
static int format(char *line, size_t size, enum log_level level, const char *fmt, va_list ap)
{
	int head = snprintf(line, size, "<%d>blkasm: ", (int)level);
	int n = vsnprintf(line + head, size - (size_t)head - 1, fmt, ap);

	if (n < 0)
		return -1;
	n += head;
	if (n > (int)size - 2)
		n = (int)size - 2;
	line[n++] = '\n';
	return n;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	int head, n;
	va_list ap;

	if (level == LOG_DEBUG && !log_debug_on)
		return;
	va_start(ap, fmt);
	n = format(line, sizeof(line), level, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;

	if (log_target == LOG_TO_KMSG && kmsg_fd >= 0) {
		/* kmsg rejects a record it cannot take; the console still gets it. */
		bool logged = sys_write(kmsg_fd, line, (size_t)n) == n;

		if (logged && (level > LOG_WARN || console_shows(level)))
			return;
	}
	/* Skip the "<N>" prefix: the console and stderr want plain text. */
	head = (int)(strchr(line, '>') - line) + 1;
	sys_write(2, line + head, (size_t)(n - head));
}

int log_kmsg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd, n, r;

	va_start(ap, fmt);
	n = format(line, sizeof(line), level, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	fd = sys_open("/dev/kmsg", O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	r = (int)sys_write(fd, line, (size_t)n);
	sys_close(fd);
	return r < 0 ? r : 0;
}
