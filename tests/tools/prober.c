/* SPDX-License-Identifier: MIT */
/*
 * prober: a stand-in for udev's blkid builtin, to race blkasm against.
 *
 * It listens to the kernel's uevents (not udev's) and, for every block
 * device add or change whose name starts with the filter, opens /dev/NAME
 * read-only on a thread of its own, reads its first 64 KiB as blkid does,
 * holds it open for a while and closes it. While it holds a loop device,
 * LOOP_CLR_FD only marks it autoclear (the kernel defers the clear to the
 * last close) and a new LOOP_CONFIGURE on it fails with EBUSY.
 *
 * With -l PATH it is a monitor instead (mdadm --monitor, a health daemon):
 * it opens PATH over and over, holding it HOLD_MS and pausing GAP_MS
 * between opens, whatever the events say. md refuses to stop an array
 * while it is open (EBUSY), and an open racing a stop can fail too.
 *
 * usage: prober [-h HOLD_MS] [-p PREFIX] [-t SECONDS] [-j MAX_IN_FLIGHT]
 *               [-l PATH [-g GAP_MS]]
 * Prints "prober: listening" once subscribed (or looping), and at exit how
 * many devices it opened. Ends after -t seconds, or on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define READ_BYTES (64u * 1024u)
#define OPEN_TRIES 20		/* devtmpfs makes the node a moment after the event */
#define OPEN_RETRY_MS 1

struct probe {
	char name[64];
};

static unsigned int hold_ms = 20;
static unsigned int max_in_flight = 16;
static const char *prefix = "loop";

static const char *loop_path;
static unsigned int gap_ms = 1;
static atomic_bool stopping;
static atomic_ulong n_loop_open, n_loop_enoent, n_loop_other;

static atomic_uint in_flight;
static atomic_ulong n_events, n_opened, n_missing, n_dropped;

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000u + (unsigned long long)ts.tv_nsec / 1000000u;
}

static int open_retrying(const char *path)
{
	int fd = -1;

	for (int i = 0; i < OPEN_TRIES; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			break;
		sleep_ms(OPEN_RETRY_MS);
	}
	return fd;
}

static void *probe_thread(void *arg)
{
	struct probe *p = arg;
	char path[80];
	char *buf;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", p->name);
	fd = open_retrying(path);
	if (fd < 0) {
		atomic_fetch_add(&n_missing, 1);
		goto out;
	}
	atomic_fetch_add(&n_opened, 1);
	buf = malloc(READ_BYTES);
	/* An unbound loop device reads 0 bytes; a dying one may fail: both fine. */
	if (buf && pread(fd, buf, READ_BYTES, 0) < 0)
		(void)0;
	free(buf);
	sleep_ms(hold_ms);
	close(fd);
out:
	free(p);
	atomic_fetch_sub(&in_flight, 1);
	return NULL;
}

/* The value of KEY= in a uevent's NUL-separated fields, or NULL. */
static const char *field(const char *msg, size_t len, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < len; i += strlen(msg + i) + 1)
		if (!strncmp(msg + i, key, klen) && msg[i + klen] == '=')
			return msg + i + klen + 1;
	return NULL;
}

static void start_probe(const char *name)
{
	pthread_attr_t attr;
	struct probe *p;
	pthread_t t;

	if (atomic_fetch_add(&in_flight, 1) >= max_in_flight) {
		atomic_fetch_sub(&in_flight, 1);
		atomic_fetch_add(&n_dropped, 1);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto out_undo;
	snprintf(p->name, sizeof(p->name), "%s", name);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64u * 1024u);
	if (pthread_create(&t, &attr, probe_thread, p) != 0) {
		free(p);
		pthread_attr_destroy(&attr);
		goto out_undo;
	}
	pthread_attr_destroy(&attr);
	return;
out_undo:
	atomic_fetch_sub(&in_flight, 1);
	atomic_fetch_add(&n_dropped, 1);
}

/* The monitor: open, read a little, hold, close, pause, again. */
static void *loop_thread(void *arg)
{
	char buf[4096];

	(void)arg;
	while (!atomic_load(&stopping)) {
		int fd = open(loop_path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			atomic_fetch_add(&n_loop_open, 1);
			if (pread(fd, buf, sizeof(buf), 0) < 0)
				(void)0;
			sleep_ms(hold_ms);
			close(fd);
		} else if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
			atomic_fetch_add(&n_loop_enoent, 1);
		} else {
			atomic_fetch_add(&n_loop_other, 1);
		}
		sleep_ms(gap_ms);
	}
	return NULL;
}

static void handle(const char *msg, size_t len)
{
	const char *action = field(msg, len, "ACTION");
	const char *subsys = field(msg, len, "SUBSYSTEM");
	const char *name = field(msg, len, "DEVNAME");

	if (loop_path || !action || !subsys || !name || strcmp(subsys, "block"))
		return;
	if (strcmp(action, "add") && strcmp(action, "change"))
		return;
	if (strncmp(name, prefix, strlen(prefix)) || strchr(name, '/'))
		return;
	atomic_fetch_add(&n_events, 1);
	start_probe(name);
}

static int open_uevents(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd, size = 4 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	/* A burst of 64 attaches must not overflow the socket (ENOBUFS). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static void drain(int nl)
{
	char buf[8192];
	ssize_t n;

	while ((n = recv(nl, buf, sizeof(buf) - 1, 0)) > 0 || (n < 0 && errno == ENOBUFS)) {
		if (n < 0) {
			fprintf(stderr, "prober: uevent socket overflowed\n");
			continue;
		}
		buf[n] = '\0';
		handle(buf, (size_t)n);
	}
}

static void run(int nl, int sig, unsigned int seconds)
{
	unsigned long long end = seconds ? now_ms() + seconds * 1000ull : 0;
	struct pollfd pfd[2] = { { .fd = nl, .events = POLLIN }, { .fd = sig, .events = POLLIN } };

	for (;;) {
		int timeout = -1;

		if (end) {
			unsigned long long now = now_ms();

			if (now >= end)
				return;
			timeout = (int)(end - now);
		}
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			return;
		if (pfd[1].revents)
			return;
		if (pfd[0].revents)
			drain(nl);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: prober [-h HOLD_MS] [-p PREFIX] [-t SECONDS] [-j MAX_IN_FLIGHT]\n"
		"              [-l PATH [-g GAP_MS]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int seconds = 0;
	pthread_t looper;
	int opt, nl, sig;

	while ((opt = getopt(argc, argv, "h:p:t:j:l:g:")) != -1) {
		switch (opt) {
		case 'h': hold_ms = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'p': prefix = optarg; break;
		case 't': seconds = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'j': max_in_flight = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'l': loop_path = optarg; break;
		case 'g': gap_ms = (unsigned int)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc || !max_in_flight)
		usage();
	sig = signals();
	nl = open_uevents();
	if (sig < 0 || nl < 0) {
		perror("prober");
		return 1;
	}
	if (loop_path && pthread_create(&looper, NULL, loop_thread, NULL) != 0) {
		perror("prober");
		return 1;
	}
	if (loop_path)
		printf("prober: listening (looping on %s, hold %u ms, gap %u ms)\n",
		       loop_path, hold_ms, gap_ms);
	else
		printf("prober: listening (hold %u ms, prefix \"%s\", at most %u in flight)\n",
		       hold_ms, prefix, max_in_flight);
	fflush(stdout);
	run(nl, sig, seconds);
	close(nl);
	if (loop_path) {
		atomic_store(&stopping, true);
		pthread_join(looper, NULL);
		printf("prober: opened %s %lu times (%lu times absent, %lu other errors)\n",
		       loop_path, atomic_load(&n_loop_open), atomic_load(&n_loop_enoent),
		       atomic_load(&n_loop_other));
		return 0;
	}
	/* Let the probes in flight finish, so no device stays held after us. */
	while (atomic_load(&in_flight))
		sleep_ms(1);
	printf("prober: opened %lu devices (%lu events, %lu vanished, %lu dropped)\n",
	       atomic_load(&n_opened), atomic_load(&n_events), atomic_load(&n_missing),
	       atomic_load(&n_dropped));
	return 0;
}
