/* SPDX-License-Identifier: MIT */
/* What the kinds that mount share: mountinfo, unmounting. */
#include "fs.h"
#include "driver.h"
#include "file.h"
#include "modules.h"
#include "probe.h"
#include "retry.h"
#include "sys.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++, w++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w = *s;
		}
	}
	*w = '\0';
}

/*
 * One line: "36 35 98:0 /root /mnt rw,noatime master:1 - ext4 /dev/vda rw";
 * the optional fields end at " - ", then the type, source and options.
 */
static bool parse_line(const char *line, const char *target, struct mountinfo *mi)
{
	unsigned int maj, min;
	const char *dash;
	char point[4096];

	if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, point) != 3)
		return false;
	unescape(point);
	if (strcmp(point, target))
		return false;
	memset(mi, 0, sizeof(*mi));
	dash = strstr(line, " - ");
	if (dash && sscanf(dash + 3, "%63s %*s %1023s", mi->fstype, mi->options) < 1)
		mi->fstype[0] = '\0';
	mi->dev = makedev(maj, min);
	return true;
}

int mountinfo_find(const char *target, struct mountinfo *mi)
{
	char *text = NULL, *save = NULL;
	struct mountinfo last;
	int found = 0;

	if (file_slurp("/proc/self/mountinfo", 8u << 20, &text, NULL) < 0)
		return 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (parse_line(line, target, &last))
			found = 1;
	free(text);
	if (found)
		*mi = last;
	return found;
}

static int try_umount(void *target)
{
	return sys_umount(target, 0);
}

int fs_unmount(struct run_ctx *c, struct plan_node *n, const char *target)
{
	struct retry_result res;
	char how[96];
	int r;

	r = retry_run(&RETRY_DEVICE_BUSY, c->deadline_ms, try_umount, (void *)target, -1, &res);
	if (r < 0)
		driver_say(n->why, NODE_WHY_SIZE, "%s still mounted %s: %s", target,
			   retry_describe(&res, how, sizeof(how)), strerror(-r));
	return r;
}

/* Does /proc/filesystems (text) list type ("nodev\tproc", "\text4")? */
static bool fs_known(const char *text, const char *type, size_t len)
{
	const char *line = text;

	while (line && *line) {
		const char *name = strchr(line, '\t');
		const char *end = strchr(line, '\n');

		if (name && (!end || name < end) &&
		    (size_t)((end ? end : name + strlen(name)) - (name + 1)) == len &&
		    !strncmp(name + 1, type, len))
			return true;
		line = end ? end + 1 : NULL;
	}
	return false;
}

void fs_need_type(const char *device, const char *type)
{
	struct probe_info pi;
	char *known = NULL, name[64];

	/* No /proc (a test's fake kernel): nothing to go by. */
	if (file_slurp("/proc/filesystems", 64 * 1024, &known, NULL) < 0)
		return;
	if ((!type || !*type) && device && probe_device(device, &pi) == 0 && pi.type[0])
		type = pi.type;
	for (const char *t = type ? type : ""; *t;) {
		size_t len = strcspn(t, ",");

		if (len && len < sizeof(name) && !fs_known(known, t, len)) {
			snprintf(name, sizeof(name), "%.*s", (int)len, t);
			mod_need(name);
		}
		t += len + (t[len] == ',');
	}
	free(known);
}
