/* SPDX-License-Identifier: MIT */
/*
 * sys_wait_child, the seam's bounded wait for a child, against real
 * processes of this machine (the real lib/sys.c; no root needed).
 */
#include <atf-c.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "sys.h"

static char *envp[] = { "PATH=/usr/bin:/bin", NULL };

static int spawn_sh(const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	int pid = sys_spawn(argv, envp, 0);

	ATF_REQUIRE_MSG(pid > 0, "spawn: %d", pid);
	return pid;
}

/* Woken by the exit, long before the deadline; the child is reaped. */
ATF_TC_WITHOUT_HEAD(exits_before_deadline);
ATF_TC_BODY(exits_before_deadline, tc)
{
	uint64_t start = sys_now_ms();
	int status = -1, pid = spawn_sh("sleep 0.1; exit 3");

	ATF_CHECK_EQ(sys_wait_child(pid, &status, start + 20000), 0);
	ATF_CHECK(WIFEXITED(status));
	ATF_CHECK_EQ(WEXITSTATUS(status), 3);
	ATF_CHECK_MSG(sys_now_ms() - start < 5000, "took %llu ms",
		      (unsigned long long)(sys_now_ms() - start));
	ATF_CHECK_EQ(sys_waitpid(pid, &status, WNOHANG), -ECHILD);
}

/* At the deadline: killed, reaped, -ETIMEDOUT, not much later. */
ATF_TC_WITHOUT_HEAD(deadline_kills_and_reaps);
ATF_TC_BODY(deadline_kills_and_reaps, tc)
{
	uint64_t start = sys_now_ms(), took;
	int status = -1, pid = spawn_sh("exec sleep 60");

	ATF_CHECK_EQ(sys_wait_child(pid, &status, start + 200), -ETIMEDOUT);
	took = sys_now_ms() - start;
	ATF_CHECK_MSG(took >= 200 && took < 5000, "took %llu ms", (unsigned long long)took);
	ATF_CHECK(WIFSIGNALED(status));
	ATF_CHECK_EQ(WTERMSIG(status), SIGKILL);
	ATF_CHECK_EQ(sys_waitpid(pid, &status, WNOHANG), -ECHILD);
	ATF_CHECK_EQ(sys_kill(pid, 0), -ESRCH);
}

/* A deadline already past: no wait at all. */
ATF_TC_WITHOUT_HEAD(deadline_past);
ATF_TC_BODY(deadline_past, tc)
{
	int status = -1, pid = spawn_sh("exec sleep 60");

	ATF_CHECK_EQ(sys_wait_child(pid, &status, sys_now_ms() - 1), -ETIMEDOUT);
	ATF_CHECK(WIFSIGNALED(status));
	ATF_CHECK_EQ(sys_waitpid(pid, &status, WNOHANG), -ECHILD);
}

ATF_TC_WITHOUT_HEAD(not_a_child);
ATF_TC_BODY(not_a_child, tc)
{
	int status;

	ATF_CHECK_EQ(sys_wait_child(1, &status, sys_now_ms() + 100), -ECHILD);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, exits_before_deadline);
	ATF_TP_ADD_TC(tp, deadline_kills_and_reaps);
	ATF_TP_ADD_TC(tp, deadline_past);
	ATF_TP_ADD_TC(tp, not_a_child);
	return 0;
}
