/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_UEVENT_H
#define BLKASM_UEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Kernel uevents from the netlink socket. Subscribe first, then look at
 * sysfs, then wait: an object that appears between the look and the wait
 * is then still seen.
 */
struct uev_msg {
	char action[16];
	char devpath[256];
	char subsystem[32];
	char devname[128];
	char devtype[16];
	unsigned int major, minor;
	bool has_devt;
	uint64_t seqnum;
};

/*
 * Parses one kernel uevent datagram ("ACTION@DEVPATH\0KEY=VALUE\0...").
 * Untrusted input: bounded, never reads past len. Returns 0 or -EINVAL.
 */
int uev_parse(const char *buf, size_t len, struct uev_msg *m);

/*
 * Whether a raw datagram is about the block device `name` (a char *) or
 * one of its partitions (loop0 and loop0p1), from its "ACTION@DEVPATH"
 * header. Shaped to be a retry_wake relevance test.
 */
bool uev_is_about(const char *buf, size_t len, void *name);

/* Returns: the socket fd, or -errno. */
int uev_open(void);

/*
 * The next kernel uevent received before the absolute deadline (sys_now_ms
 * time). Returns 0, or -ETIMEDOUT.
 */
int uev_next(int fd, struct uev_msg *m, uint64_t deadline_ms);

#endif
