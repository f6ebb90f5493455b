/* SPDX-License-Identifier: MIT */
#include "uevent.h"
#include "sys.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void copy_field(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool parse_uint(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* Applies one KEY=VALUE field; unknown keys are ignored. */
static void take_field(struct uev_msg *m, const char *f, size_t len, int *devt)
{
	const char *eq = memchr(f, '=', len);
	size_t klen, vlen;
	uint64_t v;

	if (!eq)
		return;
	klen = (size_t)(eq - f);
	vlen = len - klen - 1;
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(f, k, klen))
	if (KEY("ACTION"))
		copy_field(m->action, sizeof(m->action), eq + 1, vlen);
	else if (KEY("DEVPATH"))
		copy_field(m->devpath, sizeof(m->devpath), eq + 1, vlen);
	else if (KEY("SUBSYSTEM"))
		copy_field(m->subsystem, sizeof(m->subsystem), eq + 1, vlen);
	else if (KEY("DEVNAME"))
		copy_field(m->devname, sizeof(m->devname), eq + 1, vlen);
	else if (KEY("DEVTYPE"))
		copy_field(m->devtype, sizeof(m->devtype), eq + 1, vlen);
	else if (KEY("SEQNUM") && parse_uint(eq + 1, vlen, &v))
		m->seqnum = v;
	else if (KEY("MAJOR") && parse_uint(eq + 1, vlen, &v) && v < (1u << 12)) {
		m->major = (unsigned int)v;
		*devt |= 1;
	} else if (KEY("MINOR") && parse_uint(eq + 1, vlen, &v) && v < (1u << 20)) {
		m->minor = (unsigned int)v;
		*devt |= 2;
	}
#undef KEY
}

int uev_parse(const char *buf, size_t len, struct uev_msg *m)
{
	const char *end = buf + len, *p, *at;
	int devt = 0;

	memset(m, 0, sizeof(*m));
	/* The header "ACTION@DEVPATH" ends at the first NUL. */
	p = memchr(buf, '\0', len);
	at = p ? memchr(buf, '@', (size_t)(p - buf)) : NULL;
	if (!p || !at || at == buf)
		return -EINVAL;
	for (p++; p < end; ) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t flen = z ? (size_t)(z - p) : (size_t)(end - p);

		take_field(m, p, flen, &devt);
		p += flen + 1;
	}
	m->has_devt = devt == 3;
	if (!m->action[0] || !m->devpath[0])
		return -EINVAL;
	return 0;
}

bool uev_is_about(const char *buf, size_t len, void *name)
{
	const char *end = memchr(buf, '\0', len), *base, *want = name;
	size_t n = strlen(want);

	if (!end)
		end = buf + len;
	for (base = end; base > buf && base[-1] != '/'; base--)
		;
	if ((size_t)(end - base) < n || memcmp(base, want, n))
		return false;
	if (base + n == end)
		return true;
	/* A partition: NAME followed by "p" and digits. */
	if (base[n] != 'p' || base + n + 1 == end)
		return false;
	for (const char *p = base + n + 1; p < end; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

int uev_open(void)
{
	return sys_uevent_socket();
}

int uev_next(int fd, struct uev_msg *m, uint64_t deadline_ms)
{
	char buf[8192];

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = sys_now_ms();
		int from_kernel = 0;
		ssize_t n;

		n = sys_uevent_recv(fd, buf, sizeof(buf), &from_kernel);
		if (n > 0 && from_kernel && uev_parse(buf, (size_t)n, m) == 0)
			return 0;
		if (n > 0 || n == -EINTR)
			continue;
		if (n == -ENOBUFS)
			return -ENOBUFS;	/* events were lost: caller rescans */
		if (n < 0 && n != -EAGAIN)
			return (int)n;
		if (now >= deadline_ms)
			return -ETIMEDOUT;
		uint64_t left = deadline_ms - now;

		sys_poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
	}
}
