/* SPDX-License-Identifier: MIT */
/*
 * The scripted syscall seam for unit tests; see fake_sys.h for what each
 * call does and fake_internal.h for how it is split. This part: the shared
 * state and its helpers, reset, clock, randomness, scripted failures, the
 * calls that are only traced, processes and modules.
 */
#define _GNU_SOURCE
#include "fake_internal.h"
#include "fake_dm.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct fake_state fake;

static pthread_mutex_t seam_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void fake_seam_lock(void)
{
	pthread_mutex_lock(&seam_lock);
}

void fake_seam_unlock(void)
{
	pthread_mutex_unlock(&seam_lock);
}

_Noreturn void fake_die(const char *what)
{
	fprintf(stderr, "fake_sys: %s\n", what);
	abort();
}

void fake_sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			fake_die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void fake_sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (b->len)
		fake_sb_add(b, " ", 1);
	fake_sb_add(b, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

const char *fake_sb_str(struct sbuf *b)
{
	return b->p ? b->p : "";
}

char *fake_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		fake_die("out of memory");
	return d;
}

void fake_reset(void)
{
	for (unsigned int i = 0; i < fake.nfiles; i++) {
		free(fake.files[i].path);
		if (!fake.files[i].shared)
			free(fake.files[i].data);
		free(fake.files[i].written.p);
	}
	for (unsigned int i = 0; i < fake.nitems; i++)
		free(fake.items[i].data);
	for (int op = 0; op < FAKE_OP_COUNT; op++)
		for (unsigned int i = 0; i < fake.nfails[op]; i++)
			free(fake.fails[op][i].path);
	for (unsigned int i = 0; i < fake.nfinits; i++)
		free(fake.finit_path[i]);
	free(fake.trace.p);
	free(fake.err_out.p);
	free(fake.scratch.p);
	free(fake.mount_data.p);
	free(fake.mount_flags.p);
	memset(&fake, 0, sizeof(fake));
	fake.now_ns = (uint64_t)FAKE_T0_MS * 1000000u;
	fake_dm_reset();
	fake_inject_reset();
	fake_kernel_reset();
}

/* ---- clock and randomness ---- */

void fake_advance(uint64_t ns, bool record)
{
	fake.now_ns += ns;
	if (!record)
		return;
	if (fake.nwaits == MAX_WAITS)
		fake_die("too many waits");
	fake.waits[fake.nwaits++] = ns;
}

uint64_t fake_now_ms(void)
{
	return fake.now_ns / 1000000u;
}

void fake_clock_set_ms(uint64_t ms)
{
	fake.now_ns = ms * 1000000u;
}

unsigned int fake_wait_count(void)
{
	return fake.nwaits;
}

uint64_t fake_wait_ms(unsigned int i)
{
	return i < fake.nwaits ? fake.waits[i] / 1000000u : UINT64_MAX;
}

const char *fake_waits(void)
{
	fake.scratch.len = 0;
	fake_sb_add(&fake.scratch, "", 0);
	for (unsigned int i = 0; i < fake.nwaits; i++) {
		uint64_t ns = fake.waits[i];

		if (ns % 1000000u)
			fake_sb_printf(&fake.scratch, "%.3f", (double)ns / 1e6);
		else
			fake_sb_printf(&fake.scratch, "%llu",
				       (unsigned long long)(ns / 1000000u));
	}
	return fake_sb_str(&fake.scratch);
}

void fake_random_set(uint32_t value)
{
	fake.random = value;
}

unsigned int fake_random_calls(void)
{
	return fake.random_calls;
}

uint64_t sys_now_ns(void)
{
	return fake.now_ns;
}

void sys_sleep_ns(uint64_t ns)
{
	fake_advance(ns, true);
}

uint32_t sys_random(void)
{
	fake.random_calls++;
	return fake.random;
}

/* ---- failures ---- */

void fake_fail_times(enum fake_op op, const char *path, int err, unsigned int n)
{
	for (unsigned int i = 0; i < fake.nfails[op]; i++) {
		struct fail *f = &fake.fails[op][i];

		if ((!f->path && !path) || (f->path && path && !strcmp(f->path, path))) {
			f->err = err;
			f->left = n;
			return;
		}
	}
	if (fake.nfails[op] == MAX_FAILS)
		fake_die("too many scripted failures");
	fake.fails[op][fake.nfails[op]++] =
		(struct fail){ path ? fake_strdup(path) : NULL, err, n };
}

void fake_fail(enum fake_op op, const char *path, int err)
{
	fake_fail_times(op, path, err, 0);
}

/* The error of one call; a counted failure runs out. */
static int use_failure(struct fail *f)
{
	int err = f->err;

	if (err && f->left && --f->left == 0)
		f->err = 0;
	return err;
}

int fake_failure(enum fake_op op, const char *path)
{
	struct fail *any = NULL;

	for (unsigned int i = 0; i < fake.nfails[op]; i++) {
		struct fail *f = &fake.fails[op][i];

		if (!f->path)
			any = f;
		else if (path && !strcmp(f->path, path))
			return use_failure(f);
	}
	return any ? use_failure(any) : 0;
}

/* ---- calls only traced (or not supported) ---- */

const char *fake_trace(void)
{
	return fake_sb_str(&fake.trace);
}

const char *fake_stderr(void)
{
	return fake_sb_str(&fake.err_out);
}

int sys_fs_magic(const char *path, unsigned long *magic)
{
	int r = fake_call(FC_FS_MAGIC, path, NULL);

	(void)magic;
	return r ? r : -ENOSYS;
}

int sys_rmdir(const char *path)
{
	int r = fake_call(FC_RMDIR, path, NULL);

	fake_sb_printf(&fake.trace, "rmdir %s", path);
	return r;
}

int sys_unlinkat(int dirfd, const char *name, int flags)
{
	int r = fake_call(FC_UNLINK, name, NULL);

	(void)dirfd;
	(void)flags;
	fake_sb_printf(&fake.trace, "unlink %s", name);
	if (r)
		return r;
	fake_fs_remove(name);
	return 0;
}

int sys_symlink(const char *target, const char *path)
{
	int r = fake_call(FC_SYMLINK, path, NULL);

	fake_sb_printf(&fake.trace, "symlink %s %s", target, path);
	if (!r && fake_kernel_on())
		r = fake_fs_symlink(target, path);
	return r;
}

/* No inotify in the fake: callers fall back to their other wake-ups. */
int sys_close_watch(const char *path)
{
	int r = fake_call(FC_CLOSE_WATCH, path, NULL);

	return r ? r : -ENOSYS;
}

/* Deterministic: byte i of a call is (random value + call count + i). */
int sys_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;
	int r = fake_call(FC_RANDOM_BYTES, NULL, NULL);

	if (r)
		return r;
	fake.random_calls++;
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(fake.random + fake.random_calls + i);
	return 0;
}

uint64_t sys_wall_s(void)
{
	return 1700000000u;
}

int sys_dup2(int from, int to)
{
	int r = fake_call(FC_DUP2, NULL, NULL);

	fake_sb_printf(&fake.trace, "dup2 %d %d", from, to);
	return r ? r : to;
}

int sys_reboot(int cmd)
{
	int r = fake_call(FC_REBOOT, NULL, NULL);

	(void)cmd;
	return r ? r : -ENOSYS;
}

void sys_sync(void)
{
	fake_sb_printf(&fake.trace, "sync");
}

/* ---- processes and modules ---- */

void fake_spawn_script(int ret, int status, uint64_t run_ms)
{
	fake.proc = (struct fake_proc){ .scripted = true, .ret = ret, .status = status,
					.run_ms = run_ms };
}

int sys_spawn(char *const argv[], char *const envp[], int ctty)
{
	struct fake_proc *p = &fake.proc;
	int r = fake_call(FC_SPAWN, argv[0], NULL);

	(void)envp;
	(void)ctty;
	if (r)
		return r;
	if (!p->scripted || p->running || p->reaped)
		return -ENOSYS;
	p->scripted = false;
	if (p->ret < 0)
		return p->ret;
	fake_sb_printf(&fake.trace, "spawn");
	for (int i = 0; argv[i]; i++)
		fake_sb_printf(&fake.trace, "%s", argv[i]);
	p->running = true;
	p->end_ns = p->run_ms == FAKE_RUN_FOREVER ? UINT64_MAX :
		fake.now_ns + p->run_ms * 1000000u;
	return FAKE_SPAWN_PID;
}

int sys_kill(int pid, int sig)
{
	int r = fake_call(FC_KILL, NULL, NULL);

	if (r)
		return r;
	fake_sb_printf(&fake.trace, "kill %d %d", pid, sig);
	if (pid == FAKE_SPAWN_PID && fake.proc.running && fake.proc.end_ns > fake.now_ns) {
		fake.proc.end_ns = fake.now_ns;
		fake.proc.status = sig;	/* WIFSIGNALED, WTERMSIG sig */
	}
	return 0;
}

int sys_waitpid(int pid, int *status, int flags)
{
	struct fake_proc *p = &fake.proc;
	int r = fake_call(FC_WAITPID, NULL, NULL);

	if (r)
		return r;
	if (!p->running && !p->reaped)
		return -ENOSYS;
	if (!p->running || (pid != FAKE_SPAWN_PID && pid != -1))
		return -ECHILD;
	if (p->end_ns > fake.now_ns) {
		if (flags & WNOHANG)
			return 0;
		if (p->end_ns == UINT64_MAX)
			fake_die("waitpid on a process that never ends");
		fake.now_ns = p->end_ns;
	}
	p->running = false;
	p->reaped = true;
	*status = p->status;
	return FAKE_SPAWN_PID;
}

/*
 * The child ends at its scripted time or is killed at the deadline: the
 * clock moves to whichever comes first, recorded as one wait.
 */
int sys_wait_child(int pid, int *status, uint64_t deadline_ms)
{
	struct fake_proc *p = &fake.proc;
	uint64_t deadline_ns = deadline_ms * 1000000u;
	bool killed = p->end_ns > deadline_ns;
	int r = fake_call(FC_WAIT_CHILD, NULL, NULL);

	if (r)
		return r;
	if (!p->running && !p->reaped)
		return -ENOSYS;
	if (!p->running || pid != FAKE_SPAWN_PID)
		return -ECHILD;
	if (killed && deadline_ns > fake.now_ns)
		fake_advance(deadline_ns - fake.now_ns, true);
	else if (!killed && p->end_ns > fake.now_ns)
		fake_advance(p->end_ns - fake.now_ns, true);
	if (killed)
		sys_kill(pid, SIGKILL);
	p->running = false;
	p->reaped = true;
	*status = p->status;
	return killed ? -ETIMEDOUT : 0;
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	int r = fake_call(FC_EXECVE, path, NULL);

	(void)argv;
	(void)envp;
	return r ? r : -ENOSYS;
}

static int sys_finit_module_unlocked(int fd, const char *params, int flags)
{
	struct fdent *e = fake_fd_get(fd);
	const char *path;
	int r;

	(void)params;
	if (!e || e->kind != FD_FILE) {
		fake.bad_fds++;
		return -EBADF;
	}
	path = fake.files[e->file].path;
	r = fake_call(FC_FINIT, path, NULL);
	if (!r)
		r = fake_failure(FAKE_FINIT, path);
	if (fake.nfinits == MAX_FINITS)
		fake_die("too many finit_module calls");
	fake.finit_path[fake.nfinits] = fake_strdup(path);
	fake.finit_flags[fake.nfinits++] = flags;
	if (!r && fake_kernel_on())
		r = fake_kernel_module(path);
	return r;
}

/* Serialised: the boot's module loader calls the seam from its threads. */
int sys_finit_module(int fd, const char *params, int flags)
{
	fake_seam_lock();
	int r = sys_finit_module_unlocked(fd, params, flags);

	fake_seam_unlock();
	return r;
}

unsigned int fake_finit_count(void)
{
	return fake.nfinits;
}

const char *fake_finit_path(unsigned int i)
{
	return i < fake.nfinits ? fake.finit_path[i] : NULL;
}

int fake_finit_flags(unsigned int i)
{
	return i < fake.nfinits ? fake.finit_flags[i] : -1;
}

const char *fake_finit_trace(void)
{
	fake.scratch.len = 0;
	fake_sb_add(&fake.scratch, "", 0);
	for (unsigned int i = 0; i < fake.nfinits; i++)
		fake_sb_printf(&fake.scratch, "%s", fake.finit_path[i]);
	return fake_sb_str(&fake.scratch);
}
