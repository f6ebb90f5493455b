/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FAKE_INJECT_H
#define BLKASM_FAKE_INJECT_H

/*
 * Fault injection at the fake seam, for the fault sweep
 * (fault_sweep_test.c). Every function of lib/sys.h that can fail in
 * reality (not the clock, sleep, sys_random, sys_wall_s, sys_sync) passes
 * through one counter first. A test starts counting, runs, and reads how
 * many calls there were and what each was; then runs again with call k
 * failing with an errno. A sticky failure also fails every later call of
 * the same kind on the same path with the same request (ioctl) or bytes
 * (write): a persistent condition, as EBUSY from a device that stays busy.
 * fake_reset() stops counting and disarms.
 */

#include <stdbool.h>

enum fake_call {
	FC_OPEN, FC_CLOSE, FC_READ, FC_WRITE, FC_IOCTL, FC_PREAD, FC_PWRITE,
	FC_FSYNC, FC_SYMLINK, FC_RENAME, FC_CLOSE_WATCH, FC_STAT, FC_FSTAT,
	FC_LSTAT, FC_ACCESS, FC_FS_MAGIC, FC_MKDIR, FC_MKNOD, FC_MOUNT,
	FC_UMOUNT, FC_FINIT, FC_POLL, FC_UEVENT_SOCKET, FC_UEVENT_RECV,
	FC_CHDIR, FC_CHROOT, FC_RMDIR, FC_UNLINK, FC_DUP2, FC_LISTDIR,
	FC_SPAWN, FC_KILL, FC_WAITPID, FC_WAIT_CHILD, FC_EXECVE, FC_REBOOT,
	FC_RANDOM_BYTES, FC_COUNT,
};

/* Counts calls from 0 on, each recorded (kind and what) when log is set. */
void fake_inject_start(bool log);
/* Counts from 0 on and fails call k (1-based) with -err. */
void fake_inject_arm(unsigned long k, int err, bool sticky);
/* Stops counting and failing (for a test's own checks afterwards). */
void fake_inject_stop(void);
unsigned long fake_inject_calls(void);
/* Whether the armed call was reached (and failed). */
bool fake_inject_fired(void);
/* Call k of the last logged run: its kind, and "ioctl /dev/loop0 0x4c0a". */
enum fake_call fake_inject_kind(unsigned long k);
const char *fake_inject_what(unsigned long k);
const char *fake_call_name(enum fake_call c);

#endif
