/* SPDX-License-Identifier: MIT */
/* What PID 1 does when the boot cannot go on. */
#include "init.h"
#include "file.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESCUE_SHELL "/bin/sh"

void rescue_shell(const char *why)
{
	char *argv[] = { RESCUE_SHELL, NULL };
	char *envp[] = {
		"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=linux",
		"PS1=(blkasm rescue) \\w # ", NULL,
	};
	int pid, status, r;

	if (sys_access(RESCUE_SHELL, X_OK) < 0) {
		/* Without a shell there is nothing left to offer: stop, do not spin. */
		log_err("%s; no rescue shell (%s) in the initramfs: halting", why, RESCUE_SHELL);
		sys_sync();
		sys_reboot(RB_HALT_SYSTEM);
		return;
	}
	log_err("%s; starting a rescue shell (exit it to try the boot again)", why);
	pid = sys_spawn(argv, envp, 1);
	if (pid < 0) {
		log_err("cannot start %s: %s", RESCUE_SHELL, strerror(-pid));
		return;
	}
	/* As PID 1 we reap every orphan while the shell runs. */
	do
		r = sys_waitpid(-1, &status, 0);
	while (r != pid && r != -ECHILD);
}

void rescue_or_reboot(const struct boot_params *bp, const char *why)
{
	if (bp->panic_set && bp->panic_s != 0 && !bp->shell_on_failure) {
		if (bp->panic_s > 0) {
			log_err("%s; rebooting in %d s (panic=%d)", why, bp->panic_s, bp->panic_s);
			sys_sleep_ns((uint64_t)bp->panic_s * 1000000000u);
		} else {
			log_err("%s; rebooting (panic=%d)", why, bp->panic_s);
		}
		sys_sync();
		sys_reboot(RB_AUTOBOOT);
		return;
	}
	rescue_shell(why);
}
