/* SPDX-License-Identifier: MIT */
/*
 * A pool's metadata before activation: blank (the kernel formats it), or
 * checked by thin-provisioning-tools' thin_check when it is installed.
 */
#include "thin_node.h"
#include "log.h"
#include "probe.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Nothing libblkid knows and the first 4 KiB zero: the kernel formats it. */
int thin_metadata_blank(struct plan_node *n, const char *path, bool *blank)
{
	static const struct probe_range head = { 0, 4096 };
	struct probe_info pi;
	uint64_t at;
	int r = probe_zeros(path, &head, 1, &at);

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s: cannot read its first 4 KiB: %s", path,
			   strerror(-r));
		return r;
	}
	*blank = r == 0;
	if (*blank && probe_device(path, &pi) == 0 && pi.type[0])
		*blank = false;
	return 0;
}

static const char *find_tool(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, size, "%s/%s", dirs[i], name);
		if (sys_access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/*
 * lvm2 runs thin_check before it activates a pool, and clears the
 * needs_check flag that way when the metadata is sound; so do we. Bounded
 * by the run's deadline: a thin_check that outlives it is killed.
 */
int thin_check(struct run_ctx *c, struct plan_node *n, const char *meta)
{
	char tool[64], *argv[] = { tool, "-q", "--clear-needs-check-flag", (char *)meta, NULL };
	char *envp[] = { "PATH=/usr/sbin:/sbin:/usr/bin:/bin", NULL };
	uint64_t until = c->deadline_ms ? c->deadline_ms : sys_now_ms() + 60000;
	int pid, status = 0, r;

	if (!find_tool("thin_check", tool, sizeof(tool)))
		return 0;
	pid = sys_spawn(argv, envp, 0);
	if (pid < 0)
		return 0;	/* could not run it: as if it were not there */
	r = sys_wait_child(pid, &status, until);
	if (r == -ETIMEDOUT) {
		driver_say(n->why, NODE_WHY_SIZE, "thin_check of %s did not finish in time", meta);
		return r;
	}
	if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("%s: thin_check found the metadata on %s sound", n->name, meta);
		return 0;
	}
	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "thin_check of %s could not be waited for: %s",
			   meta, strerror(-r));
		return r;
	}
	driver_say(n->why, NODE_WHY_SIZE, "thin_check found problems in the metadata on %s "
		   "(exit %d): the pool is not activated; repair it with thin_repair", meta,
		   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -EUCLEAN;
}
