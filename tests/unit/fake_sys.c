/* SPDX-License-Identifier: MIT */
/*
 * The scripted syscall seam for unit tests; see fake_sys.h for what each
 * call does. Fixed-size tables: a test that outgrows one aborts with a
 * message rather than passing on half a script.
 */
#define _GNU_SOURCE
#include "fake_sys.h"
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#define MAX_FILES 512
#define MAX_FDS 64
#define FD_BASE 3
#define MAX_ITEMS 1024
#define MAX_CALLS 1024
#define MAX_REPLIES 1024
#define MAX_FAILS 32
#define MAX_WAITS 4096
#define MAX_FINITS 256

struct sbuf {
	char *p;
	size_t len, cap;
};

struct file {
	char *path;
	mode_t mode;
	dev_t dev, rdev;
	ino_t ino;
	bool id_set;
	char *data;
	size_t len, chunk;
	struct sbuf written;
	bool was_written;
};

enum fd_kind { FD_FREE, FD_FILE, FD_EVENT, FD_UEVENT };

struct fdent {
	enum fd_kind kind;
	int file;
	size_t pos;
};

/* A wake event (fd >= 0) or a uevent datagram (fd -1). */
struct item {
	int fd;
	uint64_t at_ns;
	bool used;
	int from_kernel;
	unsigned char *data;
	size_t len;
};

struct reply {
	unsigned long req;
	int ret;
	bool used;
	unsigned char data[512];
	size_t size;
};

struct fail {
	char *path;	/* NULL: any */
	int err;
};

static struct {
	uint64_t now_ns;
	uint64_t waits[MAX_WAITS];
	unsigned int nwaits;
	uint32_t random;
	unsigned int random_calls;
	struct file files[MAX_FILES];
	unsigned int nfiles;
	struct fdent fds[MAX_FDS];
	unsigned int bad_fds;
	struct item items[MAX_ITEMS];
	unsigned int nitems;
	struct reply replies[MAX_REPLIES];
	unsigned int nreplies;
	struct reply defaults[64];
	unsigned int ndefaults;
	struct fake_ioctl_call calls[MAX_CALLS];
	unsigned int ncalls;
	struct fail fails[FAKE_OP_COUNT][MAX_FAILS];
	unsigned int nfails[FAKE_OP_COUNT];
	char *finit_path[MAX_FINITS];
	int finit_flags[MAX_FINITS];
	unsigned int nfinits;
	struct sbuf trace, err_out, scratch;
} S;

static void die(const char *what)
{
	fprintf(stderr, "fake_sys: %s\n", what);
	abort();
}

static void sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory");
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (b->len)
		sb_add(b, " ", 1);
	sb_add(b, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static const char *sb_str(struct sbuf *b)
{
	return b->p ? b->p : "";
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die("out of memory");
	return d;
}

void fake_reset(void)
{
	for (unsigned int i = 0; i < S.nfiles; i++) {
		free(S.files[i].path);
		free(S.files[i].data);
		free(S.files[i].written.p);
	}
	for (unsigned int i = 0; i < S.nitems; i++)
		free(S.items[i].data);
	for (int op = 0; op < FAKE_OP_COUNT; op++)
		for (unsigned int i = 0; i < S.nfails[op]; i++)
			free(S.fails[op][i].path);
	for (unsigned int i = 0; i < S.nfinits; i++)
		free(S.finit_path[i]);
	free(S.trace.p);
	free(S.err_out.p);
	free(S.scratch.p);
	memset(&S, 0, sizeof(S));
	S.now_ns = (uint64_t)FAKE_T0_MS * 1000000u;
}

/* ---- clock ---- */

static void advance(uint64_t ns, bool record)
{
	S.now_ns += ns;
	if (!record)
		return;
	if (S.nwaits == MAX_WAITS)
		die("too many waits");
	S.waits[S.nwaits++] = ns;
}

uint64_t fake_now_ms(void)
{
	return S.now_ns / 1000000u;
}

void fake_clock_set_ms(uint64_t ms)
{
	S.now_ns = ms * 1000000u;
}

unsigned int fake_wait_count(void)
{
	return S.nwaits;
}

uint64_t fake_wait_ms(unsigned int i)
{
	return i < S.nwaits ? S.waits[i] / 1000000u : UINT64_MAX;
}

const char *fake_waits(void)
{
	S.scratch.len = 0;
	sb_add(&S.scratch, "", 0);
	for (unsigned int i = 0; i < S.nwaits; i++) {
		uint64_t ns = S.waits[i];

		if (ns % 1000000u)
			sb_printf(&S.scratch, "%.3f", (double)ns / 1e6);
		else
			sb_printf(&S.scratch, "%llu", (unsigned long long)(ns / 1000000u));
	}
	return sb_str(&S.scratch);
}

void fake_random_set(uint32_t value)
{
	S.random = value;
}

unsigned int fake_random_calls(void)
{
	return S.random_calls;
}

/* ---- failures ---- */

void fake_fail(enum fake_op op, const char *path, int err)
{
	for (unsigned int i = 0; i < S.nfails[op]; i++) {
		struct fail *f = &S.fails[op][i];

		if ((!f->path && !path) || (f->path && path && !strcmp(f->path, path))) {
			f->err = err;
			return;
		}
	}
	if (S.nfails[op] == MAX_FAILS)
		die("too many scripted failures");
	S.fails[op][S.nfails[op]++] = (struct fail){ path ? xstrdup(path) : NULL, err };
}

static int failure(enum fake_op op, const char *path)
{
	int any = 0;

	for (unsigned int i = 0; i < S.nfails[op]; i++) {
		struct fail *f = &S.fails[op][i];

		if (!f->path)
			any = f->err;
		else if (path && !strcmp(f->path, path))
			return f->err;
	}
	return any;
}

/* ---- file table ---- */

/* Collapses "//" and drops a trailing '/' (not the root's). */
static void norm(const char *path, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = path; *p && n + 1 < size; p++)
		if (!(*p == '/' && n && out[n - 1] == '/'))
			out[n++] = *p;
	if (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
}

static int find_file(const char *path)
{
	char want[4096];

	norm(path, want, sizeof(want));
	for (unsigned int i = 0; i < S.nfiles; i++)
		if (!strcmp(S.files[i].path, want))
			return (int)i;
	return -1;
}

/* A folder made by mkdir, or implied by a path below it. */
static bool is_dir(const char *path)
{
	char want[4096];
	size_t n;
	int i;

	norm(path, want, sizeof(want));
	if (!strcmp(want, "/") || !strcmp(want, "."))
		return true;
	i = find_file(want);
	if (i >= 0)
		return S_ISDIR(S.files[i].mode);
	n = strlen(want);
	for (unsigned int k = 0; k < S.nfiles; k++)
		if (!strncmp(S.files[k].path, want, n) && S.files[k].path[n] == '/')
			return true;
	return false;
}

/* 0 when the folder above path exists, else -ENOENT or -ENOTDIR. */
static int parent_err(const char *path)
{
	char p[4096], *slash;

	norm(path, p, sizeof(p));
	slash = strrchr(p, '/');
	if (!slash || slash == p)
		return 0;	/* the root, or relative to the working folder */
	*slash = '\0';
	if (is_dir(p))
		return 0;
	return find_file(p) >= 0 ? -ENOTDIR : -ENOENT;
}

static struct file *add_entry(const char *path, mode_t mode)
{
	char p[4096];
	int i = find_file(path);
	struct file *f;

	if (i >= 0) {
		f = &S.files[i];
		free(f->data);
		f->data = NULL;
		f->len = 0;
	} else {
		if (S.nfiles == MAX_FILES)
			die("too many files");
		f = &S.files[S.nfiles++];
		norm(path, p, sizeof(p));
		f->path = xstrdup(p);
		f->ino = S.nfiles;
		f->dev = makedev(254, 1);
	}
	f->mode = mode;
	return f;
}

void fake_file_add_data(const char *path, const void *data, size_t len)
{
	struct file *f = add_entry(path, S_IFREG | 0644);

	f->data = malloc(len + 1);
	if (!f->data)
		die("out of memory");
	memcpy(f->data, data, len);
	f->len = len;
}

void fake_file_add(const char *path, const char *content)
{
	fake_file_add_data(path, content, strlen(content));
}

void fake_dir_add(const char *path)
{
	add_entry(path, S_IFDIR | 0755);
}

static struct file *must_find(const char *path)
{
	int i = find_file(path);

	if (i < 0)
		die("no such fake file");
	return &S.files[i];
}

void fake_file_id(const char *path, dev_t dev, ino_t ino)
{
	struct file *f = must_find(path);

	f->dev = dev;
	f->ino = ino;
}

void fake_file_chunk(const char *path, size_t n)
{
	must_find(path)->chunk = n;
}

const char *fake_file_written(const char *path)
{
	int i = find_file(path);

	if (i < 0 || !S.files[i].was_written)
		return NULL;
	return sb_str(&S.files[i].written);
}

const char *fake_trace(void)
{
	return sb_str(&S.trace);
}

const char *fake_stderr(void)
{
	return sb_str(&S.err_out);
}

/* ---- fds ---- */

static struct fdent *fd_get(int fd)
{
	if (fd < FD_BASE || fd >= FD_BASE + MAX_FDS || S.fds[fd - FD_BASE].kind == FD_FREE)
		return NULL;
	return &S.fds[fd - FD_BASE];
}

static int fd_alloc(enum fd_kind kind, int file)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (S.fds[i].kind == FD_FREE) {
			S.fds[i] = (struct fdent){ kind, file, 0 };
			return i + FD_BASE;
		}
	return -EMFILE;
}

const char *fake_fd_path(int fd)
{
	struct fdent *e = fd_get(fd);

	return e && e->kind == FD_FILE ? S.files[e->file].path : NULL;
}

unsigned int fake_open_fds(void)
{
	unsigned int n = 0;

	for (int i = 0; i < MAX_FDS; i++)
		n += S.fds[i].kind != FD_FREE;
	return n;
}

unsigned int fake_bad_fds(void)
{
	return S.bad_fds;
}

int sys_open(const char *path, int flags, mode_t mode)
{
	int r = failure(FAKE_OPEN, path), i;

	if (!r && (flags & O_ACCMODE) != O_RDONLY)
		r = failure(FAKE_OPEN_WRITE, path);
	if (r)
		return r;
	i = find_file(path);
	if (i < 0 && is_dir(path))
		i = (int)(add_entry(path, S_IFDIR | 0755) - S.files);
	if (i < 0 && (flags & O_CREAT)) {
		r = parent_err(path);
		if (r)
			return r;
		add_entry(path, S_IFREG | (mode & 07777));
		i = (int)S.nfiles - 1;
		S.files[i].data = calloc(1, 1);
	}
	if (i < 0)
		return -ENOENT;
	if ((flags & O_DIRECTORY) && !S_ISDIR(S.files[i].mode))
		return -ENOTDIR;
	return fd_alloc(FD_FILE, i);
}

int sys_close(int fd)
{
	struct fdent *e = fd_get(fd);

	if (!e) {
		S.bad_fds++;
		return -EBADF;
	}
	e->kind = FD_FREE;
	return 0;
}

/* The first unused item of an fd (uevent fds share the fd -1 queue). */
static struct item *next_item(const struct fdent *e, int fd)
{
	int want = e->kind == FD_UEVENT ? -1 : fd;
	struct item *best = NULL;

	for (unsigned int i = 0; i < S.nitems; i++) {
		struct item *it = &S.items[i];

		if (it->used || it->fd != want)
			continue;
		if (want == -1)
			return it;	/* a socket queue is in order */
		if (!best || it->at_ns < best->at_ns)
			best = it;
	}
	return best;
}

static ssize_t take_item(struct fdent *e, int fd, void *buf, size_t len, int *from_kernel)
{
	struct item *it = next_item(e, fd);
	size_t n;

	if (!it || it->at_ns > S.now_ns)
		return -EAGAIN;
	it->used = true;
	n = it->len < len ? it->len : len;
	memcpy(buf, it->data, n);
	if (from_kernel)
		*from_kernel = it->from_kernel && it->len <= len;
	return (ssize_t)n;
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	struct fdent *e = fd_get(fd);
	struct file *f;
	size_t n;
	int r;

	if (!e) {
		S.bad_fds++;
		return -EBADF;
	}
	if (e->kind != FD_FILE)
		return take_item(e, fd, buf, len, NULL);
	f = &S.files[e->file];
	r = failure(FAKE_READ, f->path);
	if (r)
		return r;
	if (S_ISDIR(f->mode))
		return -EISDIR;
	n = e->pos < f->len ? f->len - e->pos : 0;
	if (n > len)
		n = len;
	if (f->chunk && n > f->chunk)
		n = f->chunk;
	memcpy(buf, f->data + e->pos, n);
	e->pos += n;
	return (ssize_t)n;
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	struct fdent *e = fd_get(fd);
	struct file *f;
	int r;

	if (!e && (fd == 1 || fd == 2)) {
		sb_add(&S.err_out, buf, len);
		return (ssize_t)len;
	}
	if (!e) {
		S.bad_fds++;
		return -EBADF;
	}
	if (e->kind != FD_FILE)
		return (ssize_t)len;
	f = &S.files[e->file];
	r = failure(FAKE_WRITE, f->path);
	if (r)
		return r;
	sb_add(&f->written, buf, len);
	f->was_written = true;
	return (ssize_t)len;
}

/* ---- events ---- */

int fake_event_fd(void)
{
	int fd = fd_alloc(FD_EVENT, -1);

	if (fd < 0)
		die("no fd left");
	return fd;
}

static void add_item(int fd, uint64_t abs_ms, int from_kernel, const void *data, size_t len)
{
	struct item *it;

	if (S.nitems == MAX_ITEMS)
		die("too many events");
	it = &S.items[S.nitems++];
	*it = (struct item){ .fd = fd, .at_ns = abs_ms * 1000000u, .from_kernel = from_kernel };
	it->data = malloc(len ? len : 1);
	if (!it->data)
		die("out of memory");
	memcpy(it->data, data, len);
	it->len = len;
}

void fake_wake_at(int fd, uint64_t abs_ms)
{
	add_item(fd, abs_ms, 1, "\1\0\0\0\0\0\0\0", 8);
}

void fake_uevent_push(uint64_t abs_ms, int from_kernel, const void *data, size_t len)
{
	add_item(-1, abs_ms, from_kernel, data, len);
}

unsigned int fake_uevent_left(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < S.nitems; i++)
		n += S.items[i].fd == -1 && !S.items[i].used;
	return n;
}

/* When fd becomes readable: now for files, UINT64_MAX for never. */
static uint64_t ready_at(int fd)
{
	struct fdent *e = fd_get(fd);
	struct item *it;

	if (!e || e->kind == FD_FILE)
		return S.now_ns;
	it = next_item(e, fd);
	return it ? (it->at_ns > S.now_ns ? it->at_ns : S.now_ns) : UINT64_MAX;
}

int sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	uint64_t t = UINT64_MAX, start = S.now_ns;
	int n = 0;

	for (unsigned int i = 0; i < nfds; i++)
		if (fds[i].fd >= 0 && ready_at(fds[i].fd) < t)
			t = ready_at(fds[i].fd);
	if (timeout_ms < 0 && t == UINT64_MAX)
		die("poll without timeout and nothing scheduled: would hang");
	if (timeout_ms >= 0 && t > start + (uint64_t)timeout_ms * 1000000u)
		t = start + (uint64_t)timeout_ms * 1000000u;
	if (timeout_ms != 0)
		advance(t - start, true);
	for (unsigned int i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!fd_get(fds[i].fd))
			fds[i].revents = POLLNVAL;
		else if (ready_at(fds[i].fd) <= S.now_ns)
			fds[i].revents = fds[i].events & POLLIN;
		n += fds[i].revents != 0;
	}
	return n;
}

int sys_uevent_socket(void)
{
	int r = failure(FAKE_UEVENT_SOCKET, NULL);

	return r ? r : fd_alloc(FD_UEVENT, -1);
}

ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int *from_kernel)
{
	struct fdent *e = fd_get(fd);

	if (!e) {
		S.bad_fds++;
		return -EBADF;
	}
	if (e->kind != FD_UEVENT)
		return -ENOTSOCK;
	*from_kernel = 0;
	return take_item(e, fd, buf, len, from_kernel);
}

/* ---- ioctl ---- */

static const struct {
	unsigned long req;
	const char *name;
	size_t in_size;		/* struct copied into the call record */
} ioctl_names[] = {
	{ LOOP_SET_FD, "LOOP_SET_FD", 0 },
	{ LOOP_CLR_FD, "LOOP_CLR_FD", 0 },
	{ LOOP_SET_STATUS64, "LOOP_SET_STATUS64", sizeof(struct loop_info64) },
	{ LOOP_GET_STATUS64, "LOOP_GET_STATUS64", 0 },
	{ LOOP_CONFIGURE, "LOOP_CONFIGURE", sizeof(struct loop_config) },
	{ LOOP_SET_DIRECT_IO, "LOOP_SET_DIRECT_IO", 0 },
	{ LOOP_SET_BLOCK_SIZE, "LOOP_SET_BLOCK_SIZE", 0 },
	{ LOOP_SET_CAPACITY, "LOOP_SET_CAPACITY", 0 },
	{ LOOP_CTL_GET_FREE, "LOOP_CTL_GET_FREE", 0 },
	{ LOOP_CTL_ADD, "LOOP_CTL_ADD", 0 },
	{ LOOP_CTL_REMOVE, "LOOP_CTL_REMOVE", 0 },
};

void fake_ioctl_push_data(unsigned long req, int ret, const void *data, size_t size)
{
	struct reply *r;

	if (S.nreplies == MAX_REPLIES || size > sizeof(r->data))
		die("ioctl script too long");
	r = &S.replies[S.nreplies++];
	*r = (struct reply){ .req = req, .ret = ret, .size = size };
	if (size)
		memcpy(r->data, data, size);
}

void fake_ioctl_push(unsigned long req, int ret)
{
	fake_ioctl_push_data(req, ret, NULL, 0);
}

void fake_ioctl_default(unsigned long req, int ret)
{
	for (unsigned int i = 0; i < S.ndefaults; i++)
		if (S.defaults[i].req == req) {
			S.defaults[i].ret = ret;
			return;
		}
	if (S.ndefaults == sizeof(S.defaults) / sizeof(S.defaults[0]))
		die("too many ioctl defaults");
	S.defaults[S.ndefaults++] = (struct reply){ .req = req, .ret = ret };
}

static int reply_to(unsigned long req, void *arg)
{
	for (unsigned int i = 0; i < S.nreplies; i++) {
		struct reply *r = &S.replies[i];

		if (r->used || r->req != req)
			continue;
		r->used = true;
		if (r->size)
			memcpy(arg, r->data, r->size);
		return r->ret;
	}
	for (unsigned int i = 0; i < S.ndefaults; i++)
		if (S.defaults[i].req == req)
			return S.defaults[i].ret;
	return 0;
}

int sys_ioctl(int fd, unsigned long req, void *arg)
{
	struct fdent *e = fd_get(fd);
	struct fake_ioctl_call *c;

	if (S.ncalls == MAX_CALLS)
		die("too many ioctl calls");
	c = &S.calls[S.ncalls++];
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->fd = fd;
	c->argval = (long)arg;
	if (e && e->kind == FD_FILE)
		snprintf(c->path, sizeof(c->path), "%s", S.files[e->file].path);
	for (size_t i = 0; i < sizeof(ioctl_names) / sizeof(ioctl_names[0]); i++)
		if (ioctl_names[i].req == req && ioctl_names[i].in_size && arg) {
			c->arg_size = ioctl_names[i].in_size;
			memcpy(c->arg, arg, c->arg_size);
		}
	if (!e) {
		S.bad_fds++;
		return c->ret = -EBADF;
	}
	return c->ret = reply_to(req, arg);
}

unsigned int fake_ioctl_calls(void)
{
	return S.ncalls;
}

const struct fake_ioctl_call *fake_ioctl_call(unsigned int i)
{
	return i < S.ncalls ? &S.calls[i] : NULL;
}

unsigned int fake_ioctl_count(unsigned long req)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < S.ncalls; i++)
		n += S.calls[i].req == req;
	return n;
}

const char *fake_ioctl_trace(void)
{
	S.scratch.len = 0;
	sb_add(&S.scratch, "", 0);
	for (unsigned int i = 0; i < S.ncalls; i++) {
		const char *name = NULL;

		for (size_t k = 0; k < sizeof(ioctl_names) / sizeof(ioctl_names[0]); k++)
			if (ioctl_names[k].req == S.calls[i].req)
				name = ioctl_names[k].name;
		if (name)
			sb_printf(&S.scratch, "%s", name);
		else
			sb_printf(&S.scratch, "0x%lx", S.calls[i].req);
	}
	return sb_str(&S.scratch);
}

/* ---- paths ---- */

static void fill_stat(const struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = f->mode;
	st->st_size = (off_t)f->len;
	st->st_dev = f->dev;
	st->st_ino = f->ino;
	st->st_rdev = f->rdev;
	st->st_nlink = 1;
}

int sys_stat(const char *path, struct stat *st)
{
	int r = failure(FAKE_STAT, path), i;

	if (r)
		return r;
	i = find_file(path);
	if (i >= 0) {
		fill_stat(&S.files[i], st);
		return 0;
	}
	if (!is_dir(path))
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFDIR | 0755;
	st->st_dev = makedev(254, 1);
	return 0;
}

int sys_lstat(const char *path, struct stat *st)
{
	return sys_stat(path, st);
}

int sys_fstat(int fd, struct stat *st)
{
	struct fdent *e = fd_get(fd);

	if (!e) {
		S.bad_fds++;
		return -EBADF;
	}
	if (e->kind == FD_FILE) {
		fill_stat(&S.files[e->file], st);
	} else {
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFSOCK | 0600;
	}
	return 0;
}

int sys_access(const char *path, int mode)
{
	struct stat st;

	(void)mode;
	return sys_stat(path, &st);
}

int sys_fs_magic(const char *path, unsigned long *magic)
{
	(void)path;
	(void)magic;
	return -ENOSYS;
}

int sys_mkdir(const char *path, mode_t mode)
{
	int r = failure(FAKE_MKDIR, path);

	sb_printf(&S.trace, "mkdir %s", path);
	if (r)
		return r;
	if (find_file(path) >= 0 || is_dir(path))
		return -EEXIST;
	r = parent_err(path);
	if (r)
		return r;
	add_entry(path, S_IFDIR | (mode & 07777));
	return 0;
}

int sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	int r = failure(FAKE_MKNOD, path);
	struct file *f;

	sb_printf(&S.trace, "mknod %s %u:%u", path, major(dev), minor(dev));
	if (r)
		return r;
	if (find_file(path) >= 0 || is_dir(path))
		return -EEXIST;
	r = parent_err(path);
	if (r)
		return r;
	f = add_entry(path, mode);
	f->rdev = dev;
	f->data = calloc(1, 1);
	return 0;
}

int sys_rmdir(const char *path)
{
	sb_printf(&S.trace, "rmdir %s", path);
	return 0;
}

int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data)
{
	int r = failure(FAKE_MOUNT, target);

	(void)flags;
	(void)data;
	sb_printf(&S.trace, "mount %s %s %s", src ? src : "-", target, type ? type : "-");
	return r;
}

int sys_umount(const char *target, int flags)
{
	(void)flags;
	sb_printf(&S.trace, "umount %s", target);
	return 0;
}

int sys_chdir(const char *path)
{
	sb_printf(&S.trace, "chdir %s", path);
	return 0;
}

int sys_chroot(const char *path)
{
	sb_printf(&S.trace, "chroot %s", path);
	return 0;
}

int sys_unlinkat(int dirfd, const char *name, int flags)
{
	(void)dirfd;
	(void)flags;
	sb_printf(&S.trace, "unlink %s", name);
	return 0;
}

int sys_dup2(int from, int to)
{
	sb_printf(&S.trace, "dup2 %d %d", from, to);
	return to;
}

int sys_reboot(int cmd)
{
	(void)cmd;
	return -ENOSYS;
}

void sys_sync(void)
{
	sb_printf(&S.trace, "sync");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned char dtype(const char *path)
{
	int i = find_file(path);

	if (i < 0)
		return DT_DIR;	/* implied by a path below it */
	if (S_ISBLK(S.files[i].mode))
		return DT_BLK;
	return S_ISDIR(S.files[i].mode) ? DT_DIR : DT_REG;
}

int sys_listdir(const char *path,
		int (*fn)(const char *name, unsigned char type, void *ctx),
		void *ctx)
{
	char dir[4096], child[8200];
	char *names[MAX_FILES];
	unsigned int n = 0;
	size_t dlen;
	int r = 0;

	if (!is_dir(path))
		return find_file(path) >= 0 ? -ENOTDIR : -ENOENT;
	norm(path, dir, sizeof(dir));
	dlen = strcmp(dir, "/") ? strlen(dir) : 0;
	for (unsigned int i = 0; i < S.nfiles; i++) {
		const char *p = S.files[i].path, *rest;
		size_t clen;
		bool dup = false;

		if (strncmp(p, dir, dlen) || p[dlen] != '/' || !p[dlen + 1])
			continue;
		rest = p + dlen + 1;
		clen = strcspn(rest, "/");
		for (unsigned int k = 0; k < n && !dup; k++)
			dup = strlen(names[k]) == clen && !strncmp(names[k], rest, clen);
		if (!dup)
			names[n++] = strndup(rest, clen);
	}
	qsort(names, n, sizeof(names[0]), by_name);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(child, sizeof(child), "%s/%s", dlen ? dir : "", names[i]);
		if (r == 0)
			r = fn(names[i], dtype(child), ctx);
		free(names[i]);
	}
	return r;
}

/* ---- processes, modules, randomness ---- */

int sys_spawn(char *const argv[], char *const envp[], int ctty)
{
	(void)argv;
	(void)envp;
	(void)ctty;
	return -ENOSYS;
}

int sys_waitpid(int pid, int *status, int flags)
{
	(void)pid;
	(void)status;
	(void)flags;
	return -ENOSYS;
}

int sys_execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	return -ENOSYS;
}

int sys_finit_module(int fd, const char *params, int flags)
{
	struct fdent *e = fd_get(fd);
	const char *path;
	int r;

	(void)params;
	if (!e || e->kind != FD_FILE) {
		S.bad_fds++;
		return -EBADF;
	}
	path = S.files[e->file].path;
	r = failure(FAKE_FINIT, path);
	if (S.nfinits == MAX_FINITS)
		die("too many finit_module calls");
	S.finit_path[S.nfinits] = xstrdup(path);
	S.finit_flags[S.nfinits++] = flags;
	return r;
}

unsigned int fake_finit_count(void)
{
	return S.nfinits;
}

const char *fake_finit_path(unsigned int i)
{
	return i < S.nfinits ? S.finit_path[i] : NULL;
}

int fake_finit_flags(unsigned int i)
{
	return i < S.nfinits ? S.finit_flags[i] : -1;
}

const char *fake_finit_trace(void)
{
	S.scratch.len = 0;
	sb_add(&S.scratch, "", 0);
	for (unsigned int i = 0; i < S.nfinits; i++)
		sb_printf(&S.scratch, "%s", S.finit_path[i]);
	return sb_str(&S.scratch);
}

uint64_t sys_now_ns(void)
{
	return S.now_ns;
}

void sys_sleep_ns(uint64_t ns)
{
	advance(ns, true);
}

uint32_t sys_random(void)
{
	S.random_calls++;
	return S.random;
}
