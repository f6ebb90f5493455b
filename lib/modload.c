/* SPDX-License-Identifier: MIT */
/*
 * The boot's module loader: loads kernel modules in the background, on a
 * small pool of threads, along the modules.dep graph. finit_module of
 * independent chains (the disk's virtio drivers, ext4 with jbd2 and
 * mbcache) runs at once on separate CPUs, and all of it overlaps with
 * what PID 1 does meanwhile (planning, waiting for devices). A node waits
 * only for the modules it needs (modload_wait, through mod_need).
 *
 * One loader per process, started by the boot; every kernel call of a
 * worker except finit_module itself (stat of /sys/module, open, close,
 * logging) is made under the loader's lock, so that the only concurrent
 * kernel calls are the module loads.
 */
#include "modules.h"
#include "driver.h"
#include "file.h"
#include "log.h"
#include "sys.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ml_state { ML_IDLE, ML_VISITING, ML_WANTED, ML_RUNNING, ML_DONE, ML_FAILED };

struct ml_mod {
	unsigned char state;	/* enum ml_state */
	bool first;		/* a leaf of the boot list: loaded before the rest */
	int err;		/* ML_FAILED: the -errno */
	unsigned int by;	/* index in names: the name that first wanted it */
};

static struct loader {
	pthread_mutex_t lock;
	pthread_cond_t changed;	/* a module settled, was wanted, or stop */
	bool active, stopping;
	char dir[256];
	struct mod_table t;
	char *builtin;		/* modules.builtin text, may be NULL */
	struct ml_mod *mods;	/* per t.mods entry */
	int *queue;		/* wanted modules, dependencies first */
	unsigned int nqueue, nfirst;
	char **names;		/* the names asked for, for messages */
	unsigned int nnames, capnames;
	pthread_t threads[MODLOAD_MAX_THREADS];
	unsigned int nthreads, loaded;
	uint64_t start_ms, last_ms;
	int err;		/* the first failure */
	char err_name[64];
} L = { .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER };

static bool settled(int i)
{
	return L.mods[i].state == ML_DONE || L.mods[i].state == ML_FAILED;
}

/* Keeps a copy of name for messages; its index, or -ENOMEM. */
static int remember(const char *name)
{
	if (L.nnames == L.capnames) {
		unsigned int cap = L.capnames ? L.capnames * 2 : 16;
		char **n = realloc(L.names, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		L.names = n;
		L.capnames = cap;
	}
	L.names[L.nnames] = strdup(name);
	return L.names[L.nnames] ? (int)L.nnames++ : -ENOMEM;
}

/* Queues module i after its dependencies (depth first). 0 or -ELOOP. */
static int enqueue(int i, unsigned int by)
{
	struct mod_entry *m = &L.t.mods[i];
	int r;

	if (L.mods[i].state == ML_VISITING)
		return -ELOOP;
	if (L.mods[i].state != ML_IDLE)
		return 0;
	L.mods[i].state = ML_VISITING;
	for (unsigned int d = 0; d < m->ndeps; d++) {
		r = enqueue(m->deps[d], by);
		if (r < 0) {
			L.mods[i].state = ML_IDLE;
			return r;
		}
	}
	L.mods[i].state = ML_WANTED;
	L.mods[i].by = by;
	L.queue[L.nqueue++] = i;
	return 0;
}

/*
 * Wants name (lock held): *idx is the module to wait for, or -1 when there
 * is none (built in, or loaded though modules.dep does not list it).
 * quiet: a guess (a plan's wish), not found is no error to log.
 */
static int want(const char *name, bool quiet, int *idx)
{
	int i = mod_find(&L.t, name), by, r;

	*idx = -1;
	if (i < 0 && (mod_is_builtin(L.builtin, name) || mod_loaded(name)))
		return 0;
	if (i < 0) {
		if (!quiet)
			log_err("module %s: not found in %s/modules.dep", name, L.dir);
		return -ENOENT;
	}
	if (L.mods[i].state == ML_IDLE) {
		by = remember(name);
		if (by < 0)
			return by;
		r = enqueue(i, (unsigned int)by);
		if (r < 0) {
			log_err("module %s: dependency cycle in %s/modules.dep", name, L.dir);
			return r;
		}
		pthread_cond_broadcast(&L.changed);
	}
	*idx = i;
	return 0;
}

/* Whether module i may start: its dependencies and the boot list's leaves are in. */
static bool ready(int i)
{
	const struct mod_entry *m = &L.t.mods[i];

	for (unsigned int d = 0; d < m->ndeps; d++)
		if (L.mods[m->deps[d]].state != ML_DONE)
			return false;
	if (L.mods[i].first || !L.nfirst)
		return true;
	for (unsigned int q = 0; q < L.nqueue; q++)
		if (L.mods[L.queue[q]].first && !settled(L.queue[q]))
			return false;
	return true;
}

/*
 * The next module to load, in the order wanted, or -1 (lock held). A
 * module whose dependency failed fails with it, untried.
 */
static int pick(void)
{
	for (unsigned int q = 0; q < L.nqueue; q++) {
		int i = L.queue[q];
		const struct mod_entry *m = &L.t.mods[i];

		if (L.mods[i].state != ML_WANTED)
			continue;
		for (unsigned int d = 0; d < m->ndeps; d++)
			if (L.mods[m->deps[d]].state == ML_FAILED) {
				L.mods[i].state = ML_FAILED;
				L.mods[i].err = L.mods[m->deps[d]].err;
				pthread_cond_broadcast(&L.changed);
				break;
			}
		if (L.mods[i].state == ML_WANTED && ready(i))
			return i;
	}
	return -1;
}

/* Loads module i (lock held; released around finit_module itself). */
static void run(int i)
{
	struct mod_entry *m = &L.t.mods[i];
	uint64_t t0 = sys_now_ms();
	int flags = 0, fd = -1, r = 0;

	L.mods[i].state = ML_RUNNING;
	if (!mod_loaded(m->name)) {
		fd = mod_open(L.dir, m, &flags);
		r = fd < 0 ? fd : 0;
	}
	if (fd >= 0) {
		pthread_mutex_unlock(&L.lock);
		r = mod_finit(fd, flags);
		pthread_mutex_lock(&L.lock);
		sys_close(fd);
	}
	L.last_ms = sys_now_ms();
	if (r < 0) {
		log_err("module %s: cannot load %s/%s: %s", L.names[L.mods[i].by], L.dir,
			m->path, strerror(-r));
		L.mods[i].state = ML_FAILED;
		L.mods[i].err = r;
		if (!L.err) {
			L.err = r;
			snprintf(L.err_name, sizeof(L.err_name), "%s", L.names[L.mods[i].by]);
		}
	} else {
		L.mods[i].state = ML_DONE;
		L.loaded++;
		log_debug("module %s loaded in %llu ms", m->name,
			  (unsigned long long)(L.last_ms - t0));
	}
	pthread_cond_broadcast(&L.changed);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&L.lock);
	for (;;) {
		int i = pick();

		if (i >= 0)
			run(i);
		else if (L.stopping)
			break;
		else
			pthread_cond_wait(&L.changed, &L.lock);
	}
	pthread_mutex_unlock(&L.lock);
	return NULL;
}

/* Waits (lock held) until module i settled; without threads, loads it here. */
static int wait_for(int i)
{
	while (!settled(i)) {
		int j = L.nthreads ? -1 : pick();

		if (j >= 0)
			run(j);
		else
			pthread_cond_wait(&L.changed, &L.lock);
	}
	return L.mods[i].state == ML_DONE ? 0 : L.mods[i].err;
}

bool modload_active(void)
{
	pthread_mutex_lock(&L.lock);
	bool on = L.active;

	pthread_mutex_unlock(&L.lock);
	return on;
}

int modload_wait(const char *name)
{
	int i, r;

	pthread_mutex_lock(&L.lock);
	r = L.active ? want(name, false, &i) : -ENODEV;
	if (r == 0 && i >= 0)
		r = wait_for(i);
	pthread_mutex_unlock(&L.lock);
	return r;
}

void modload_want(const char *name)
{
	int i;

	pthread_mutex_lock(&L.lock);
	if (L.active)
		want(name, true, &i);
	pthread_mutex_unlock(&L.lock);
}

void modload_plan(const struct plan *p)
{
	struct mod_wish *w = calloc(1, sizeof(*w));

	if (!w)
		return;		/* the drivers still load what they need */
	for (unsigned int i = 0; i < p->count; i++)
		if (p->nodes[i].drv && p->nodes[i].drv->modules)
			p->nodes[i].drv->modules(&p->nodes[i], w);
	for (unsigned int k = 0; k < w->count; k++)
		if (w->at_boot[k])
			modload_want(w->names[k]);
	free(w);
}

static void forget(void)
{
	for (unsigned int i = 0; i < L.nnames; i++)
		free(L.names[i]);
	free(L.names);
	free(L.queue);
	free(L.mods);
	free(L.builtin);
	mod_free(&L.t);
	memset(&L.dir, 0, sizeof(L.dir));
	L.names = NULL;
	L.queue = NULL;
	L.mods = NULL;
	L.builtin = NULL;
	L.nnames = L.capnames = L.nqueue = L.nfirst = L.nthreads = L.loaded = 0;
	L.err = 0;
	L.err_name[0] = '\0';
	L.active = L.stopping = false;
}

/*
 * Reads modules.dep and modules.builtin of dir (lock held). 0 or -errno,
 * logged unless modules.dep is missing and not needed (!must).
 */
static int read_tables(const char *dir, bool must)
{
	struct mod_error err = { 0 };
	char path[512], *text = NULL;
	int r;

	snprintf(L.dir, sizeof(L.dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	r = file_slurp(path, 16u << 20, &text, NULL);
	if (r < 0) {
		if (r != -ENOENT || must)
			log_err("cannot read %s: %s", path, strerror(-r));
		return r;
	}
	r = mod_parse(&L.t, text, &err);
	if (r < 0) {
		log_err("%s:%u: %s", path, err.line, err.what ? err.what : strerror(-r));
		return r;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	file_slurp(path, 16u << 20, &L.builtin, NULL);
	L.mods = calloc(L.t.count + 1, sizeof(*L.mods));
	L.queue = calloc(L.t.count + 1, sizeof(*L.queue));
	return L.mods && L.queue ? 0 : -ENOMEM;
}

/* The boot list, queued; its modules without dependencies go first. */
static int want_list(const char *const *names, unsigned int count)
{
	int r = 0, i;

	for (unsigned int k = 0; k < count && r == 0; k++) {
		r = want(names[k], false, &i);
		if (r == 0 && i >= 0 && !L.t.mods[i].ndeps && !L.mods[i].first) {
			L.mods[i].first = true;
			L.nfirst++;
		}
	}
	return r;
}

int modload_start(const char *dir, const char *const *names, unsigned int count,
		  unsigned int threads)
{
	int r;

	pthread_mutex_lock(&L.lock);
	if (L.active) {
		pthread_mutex_unlock(&L.lock);
		return -EALREADY;
	}
	L.start_ms = L.last_ms = sys_now_ms();
	r = read_tables(dir, count > 0);
	if (r < 0) {
		forget();
		pthread_mutex_unlock(&L.lock);
		return r;
	}
	L.active = true;
	r = want_list(names, count);
	if (threads > MODLOAD_MAX_THREADS)
		threads = MODLOAD_MAX_THREADS;
	for (unsigned int k = 0; r == 0 && k < threads; k++)
		if (pthread_create(&L.threads[L.nthreads], NULL, worker, NULL) == 0)
			L.nthreads++;
	/* No thread: the sequential path, the list loaded before we return. */
	for (unsigned int q = 0; r == 0 && !L.nthreads && q < L.nqueue; q++)
		r = wait_for(L.queue[q]);
	if (r < 0 && !L.err)
		L.err = r;	/* finish quietly: the failure is logged */
	for (unsigned int q = 0; r < 0 && q < L.nqueue; q++)
		if (L.mods[L.queue[q]].state == ML_WANTED)
			L.mods[L.queue[q]].state = ML_FAILED;	/* not tried */
	pthread_mutex_unlock(&L.lock);
	if (r < 0)
		modload_finish(NULL, 0);
	return r;
}

int modload_finish(char *failed, size_t size)
{
	int r;

	pthread_mutex_lock(&L.lock);
	if (!L.active) {
		pthread_mutex_unlock(&L.lock);
		return 0;
	}
	for (unsigned int q = 0; q < L.nqueue; q++)
		wait_for(L.queue[q]);
	L.stopping = true;
	pthread_cond_broadcast(&L.changed);
	pthread_mutex_unlock(&L.lock);
	for (unsigned int k = 0; k < L.nthreads; k++)
		pthread_join(L.threads[k], NULL);
	pthread_mutex_lock(&L.lock);
	r = L.err;
	if (r == 0)
		log_info("modules: %u loaded from %s (%llu ms)", L.loaded, L.dir,
			 (unsigned long long)(L.last_ms - L.start_ms));
	if (failed && size)
		snprintf(failed, size, "%s", L.err_name);
	forget();
	pthread_mutex_unlock(&L.lock);
	return r;
}
