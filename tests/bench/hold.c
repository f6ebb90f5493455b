/* SPDX-License-Identifier: MIT */
/*
 * hold: keep a block device open for exactly MS milliseconds, for the
 * benchmarks. While it is open, LOOP_CLR_FD only marks a loop device
 * autoclear and the kernel clears it at the last close, so whoever detaches
 * it waits for us.
 *
 * usage: hold DEV MS
 * Opens DEV read-only, prints "open SECONDS.MICROS" (CLOCK_REALTIME, the
 * clock of bash's $EPOCHREALTIME) and flushes, sleeps until MS ms after the
 * open, closes, and prints "closed SECONDS.MICROS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void stamp(const char *what, const struct timespec *ts)
{
	printf("%s %lld.%06ld\n", what, (long long)ts->tv_sec, ts->tv_nsec / 1000);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct timespec opened, until, closed;
	unsigned long ms;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: hold DEV MS\n");
		return 2;
	}
	ms = strtoul(argv[2], NULL, 10);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &opened);
	/* Sleep on the monotonic clock, to an absolute end: no drift, no EINTR gap. */
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	stamp("open", &opened);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
		;
	close(fd);
	clock_gettime(CLOCK_REALTIME, &closed);
	stamp("closed", &closed);
	return 0;
}
