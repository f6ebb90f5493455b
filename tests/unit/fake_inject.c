/* SPDX-License-Identifier: MIT */
/*
 * The fake seam's fault injector; see fake_inject.h. Every counted seam
 * function calls fake_call() first and returns its error when it gives one.
 */
#include "fake_inject.h"
#include "fake_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MAX 16384
#define WHAT_MAX 128

static const char *const names[FC_COUNT] = {
	"open", "close", "read", "write", "ioctl", "pread", "pwrite", "fsync",
	"symlink", "rename", "close_watch", "stat", "fstat", "lstat", "access",
	"fs_magic", "mkdir", "mknod", "mount", "umount", "finit_module", "poll",
	"uevent_socket", "uevent_recv", "chdir", "chroot", "rmdir", "unlink",
	"dup2", "listdir", "spawn", "kill", "waitpid", "wait_child", "execve",
	"reboot", "random_bytes",
};

static struct {
	bool counting, log, fired, sticky;
	unsigned long calls, k;
	int err;
	char sig[WHAT_MAX];		/* the failed call, for sticky ones */
	unsigned char kind[LOG_MAX];
	char (*what)[WHAT_MAX];		/* LOG_MAX entries when logging */
} inj;

void fake_inject_reset(void)
{
	char (*what)[WHAT_MAX] = inj.what;

	memset(&inj, 0, sizeof(inj));
	inj.what = what;
}

void fake_inject_start(bool log)
{
	fake_inject_reset();
	inj.counting = true;
	inj.log = log;
	if (log && !inj.what) {
		inj.what = calloc(LOG_MAX, WHAT_MAX);
		if (!inj.what)
			fake_die("out of memory");
	}
}

void fake_inject_arm(unsigned long k, int err, bool sticky)
{
	fake_inject_start(false);
	inj.k = k;
	inj.err = err;
	inj.sticky = sticky;
}

void fake_inject_stop(void)
{
	inj.counting = false;
}

unsigned long fake_inject_calls(void)
{
	return inj.calls;
}

bool fake_inject_fired(void)
{
	return inj.fired;
}

enum fake_call fake_inject_kind(unsigned long k)
{
	return k >= 1 && k <= LOG_MAX ? (enum fake_call)inj.kind[k - 1] : FC_COUNT;
}

const char *fake_inject_what(unsigned long k)
{
	return inj.what && k >= 1 && k <= LOG_MAX ? inj.what[k - 1] : "?";
}

const char *fake_call_name(enum fake_call c)
{
	return c < FC_COUNT ? names[c] : "?";
}

/* "ioctl /dev/loop0 0x4c82": what a call is, for logs and sticky matches. */
static void describe(char *buf, enum fake_call c, const char *path, const char *detail)
{
	snprintf(buf, WHAT_MAX, "%s %s %s", names[c], path ? path : "-", detail ? detail : "");
}

int fake_call(enum fake_call c, const char *path, const char *detail)
{
	char what[WHAT_MAX];

	if (!inj.counting)
		return 0;
	inj.calls++;
	if (inj.log && inj.calls <= LOG_MAX) {
		inj.kind[inj.calls - 1] = (unsigned char)c;
		describe(inj.what[inj.calls - 1], c, path, detail);
	}
	if (inj.calls == inj.k) {
		inj.fired = true;
		describe(inj.sig, c, path, detail);
		return inj.err;
	}
	if (inj.fired && inj.sticky) {
		describe(what, c, path, detail);
		if (!strcmp(what, inj.sig))
			return inj.err;
	}
	return 0;
}

const char *fake_bytes(const void *buf, size_t len)
{
	static char text[33];
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len && i + 1 < sizeof(text); i++)
		text[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	text[i] = '\0';
	return text;
}
