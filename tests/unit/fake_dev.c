/* SPDX-License-Identifier: MIT */
/*
 * The fake seam's devices: wake events (inotify or eventfd stand-ins), the
 * uevent socket's queue of datagrams, sys_poll over both on the fake clock,
 * and scripted ioctl replies with a record of every call. See fake_sys.h.
 */
#define _GNU_SOURCE
#include "fake_internal.h"
#include "fake_dm.h"

#include <errno.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- events ---- */

int fake_event_fd(void)
{
	int fd = fake_fd_alloc(FD_EVENT, -1);

	if (fd < 0)
		fake_die("no fd left");
	return fd;
}

/* The first unused item of an fd (uevent fds share the fd -1 queue). */
static struct item *next_item(const struct fdent *e, int fd)
{
	int want = e->kind == FD_UEVENT ? -1 : fd;
	struct item *best = NULL;

	for (unsigned int i = 0; i < fake.nitems; i++) {
		struct item *it = &fake.items[i];

		if (it->used || it->fd != want)
			continue;
		if (want == -1)
			return it;	/* a socket queue is in order */
		if (!best || it->at_ns < best->at_ns)
			best = it;
	}
	return best;
}

ssize_t fake_take_item(struct fdent *e, int fd, void *buf, size_t len,
		       int *from_kernel)
{
	struct item *it = next_item(e, fd);
	size_t n;

	if (!it || it->at_ns > fake.now_ns)
		return -EAGAIN;
	it->used = true;
	n = it->len < len ? it->len : len;
	memcpy(buf, it->data, n);
	if (from_kernel)
		*from_kernel = it->from_kernel && it->len <= len;
	return (ssize_t)n;
}

static void add_item(int fd, uint64_t abs_ms, int from_kernel,
		     const void *data, size_t len)
{
	struct item *it;

	if (fake.nitems == MAX_ITEMS)
		fake_die("too many events");
	it = &fake.items[fake.nitems++];
	*it = (struct item){
		.fd = fd, .at_ns = abs_ms * 1000000u, .from_kernel = from_kernel,
	};
	it->data = malloc(len ? len : 1);
	if (!it->data)
		fake_die("out of memory");
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

	for (unsigned int i = 0; i < fake.nitems; i++)
		n += fake.items[i].fd == -1 && !fake.items[i].used;
	return n;
}

/* When fd becomes readable: now for files, UINT64_MAX for never. */
static uint64_t ready_at(int fd)
{
	struct fdent *e = fake_fd_get(fd);
	struct item *it;

	if (!e || e->kind == FD_FILE)
		return fake.now_ns;
	it = next_item(e, fd);
	return it ? (it->at_ns > fake.now_ns ? it->at_ns : fake.now_ns) : UINT64_MAX;
}

int sys_poll(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	uint64_t t = UINT64_MAX, start = fake.now_ns;
	int n = fake_call(FC_POLL, NULL, NULL);

	if (n)
		return n;
	for (unsigned int i = 0; i < nfds; i++)
		if (fds[i].fd >= 0 && ready_at(fds[i].fd) < t)
			t = ready_at(fds[i].fd);
	if (timeout_ms < 0 && t == UINT64_MAX)
		fake_die("poll without timeout and nothing scheduled: would hang");
	if (timeout_ms >= 0 && t > start + (uint64_t)timeout_ms * 1000000u)
		t = start + (uint64_t)timeout_ms * 1000000u;
	if (timeout_ms != 0)
		fake_advance(t - start, true);
	for (unsigned int i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (!fake_fd_get(fds[i].fd))
			fds[i].revents = POLLNVAL;
		else if (ready_at(fds[i].fd) <= fake.now_ns)
			fds[i].revents = fds[i].events & POLLIN;
		n += fds[i].revents != 0;
	}
	return n;
}

int sys_uevent_socket(void)
{
	int r = fake_call(FC_UEVENT_SOCKET, NULL, NULL);

	if (!r)
		r = fake_failure(FAKE_UEVENT_SOCKET, NULL);
	return r ? r : fake_fd_alloc(FD_UEVENT, -1);
}

ssize_t sys_uevent_recv(int fd, void *buf, size_t len, int *from_kernel)
{
	struct fdent *e = fake_fd_get(fd);
	int r = fake_call(FC_UEVENT_RECV, NULL, NULL);

	if (r)
		return r;
	if (!e) {
		fake.bad_fds++;
		return -EBADF;
	}
	if (e->kind != FD_UEVENT)
		return -ENOTSOCK;
	*from_kernel = 0;
	return fake_take_item(e, fd, buf, len, from_kernel);
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
	{ BLKGETSIZE64, "BLKGETSIZE64", 0 },
};

void fake_ioctl_push_data(unsigned long req, int ret, const void *data, size_t size)
{
	struct reply *r;

	if (fake.nreplies == MAX_REPLIES || size > sizeof(r->data))
		fake_die("ioctl script too long");
	r = &fake.replies[fake.nreplies++];
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
	for (unsigned int i = 0; i < fake.ndefaults; i++)
		if (fake.defaults[i].req == req) {
			fake.defaults[i].ret = ret;
			return;
		}
	if (fake.ndefaults == MAX_DEFAULTS)
		fake_die("too many ioctl defaults");
	fake.defaults[fake.ndefaults++] = (struct reply){ .req = req, .ret = ret };
}

static int reply_to(unsigned long req, void *arg, const struct file *f)
{
	for (unsigned int i = 0; i < fake.nreplies; i++) {
		struct reply *r = &fake.replies[i];

		if (r->used || r->req != req)
			continue;
		r->used = true;
		if (r->size)
			memcpy(arg, r->data, r->size);
		return r->ret;
	}
	for (unsigned int i = 0; i < fake.ndefaults; i++)
		if (fake.defaults[i].req == req)
			return fake.defaults[i].ret;
	/* A block device's size is its content's length. */
	if (req == BLKGETSIZE64 && f && S_ISBLK(f->mode)) {
		uint64_t size = f->len;

		memcpy(arg, &size, sizeof(size));
	}
	return 0;
}

int sys_ioctl(int fd, unsigned long req, void *arg)
{
	struct fdent *e = fake_fd_get(fd);
	struct fake_ioctl_call *c;
	char detail[100];
	int r;

	/* A device-mapper request is about one device: name it (sticky failures). */
	if (_IOC_TYPE(req) == DM_IOCTL && arg)
		snprintf(detail, sizeof(detail), "0x%lx %.40s%.40s", req,
			 ((struct dm_ioctl *)arg)->name, ((struct dm_ioctl *)arg)->uuid);
	else
		snprintf(detail, sizeof(detail), "0x%lx", req);
	r = fake_call(FC_IOCTL, fake_fd_path(fd), detail);
	if (r)
		return r;
	if (fake.ncalls == MAX_CALLS)
		fake_die("too many ioctl calls");
	c = &fake.calls[fake.ncalls++];
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->fd = fd;
	c->argval = (long)arg;
	if (e && e->kind == FD_FILE)
		snprintf(c->path, sizeof(c->path), "%s", fake.files[e->file].path);
	for (size_t i = 0; i < sizeof(ioctl_names) / sizeof(ioctl_names[0]); i++)
		if (ioctl_names[i].req == req && ioctl_names[i].in_size && arg) {
			c->arg_size = ioctl_names[i].in_size;
			memcpy(c->arg, arg, c->arg_size);
		}
	if (!e) {
		fake.bad_fds++;
		return c->ret = -EBADF;
	}
	if (_IOC_TYPE(req) == DM_IOCTL)	/* the in-memory device-mapper (fake_dm.c) */
		return c->ret = fake_dm_ioctl(c->path, req, arg);
	if (fake_kernel_on() && e->kind == FD_FILE &&
	    fake_kernel_ioctl(&fake.files[e->file], req, arg, &r))
		return c->ret = r;
	return c->ret = reply_to(req, arg, e->kind == FD_FILE ? &fake.files[e->file] : NULL);
}

unsigned int fake_ioctl_calls(void)
{
	return fake.ncalls;
}

const struct fake_ioctl_call *fake_ioctl_call(unsigned int i)
{
	return i < fake.ncalls ? &fake.calls[i] : NULL;
}

unsigned int fake_ioctl_count(unsigned long req)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fake.ncalls; i++)
		n += fake.calls[i].req == req;
	return n;
}

const char *fake_ioctl_trace(void)
{
	fake.scratch.len = 0;
	fake_sb_add(&fake.scratch, "", 0);
	for (unsigned int i = 0; i < fake.ncalls; i++) {
		const char *name = NULL;

		for (size_t k = 0; k < sizeof(ioctl_names) / sizeof(ioctl_names[0]); k++)
			if (ioctl_names[k].req == fake.calls[i].req)
				name = ioctl_names[k].name;
		if (name)
			fake_sb_printf(&fake.scratch, "%s", name);
		else
			fake_sb_printf(&fake.scratch, "0x%lx", fake.calls[i].req);
	}
	return fake_sb_str(&fake.scratch);
}
