/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FILE_H
#define BLKASM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Opens a regular file (or, with block_ok, a block device) without ever
 * blocking: a FIFO, socket or character device is refused with -ESPIPE, a
 * folder with -EISDIR. Returns the fd or -errno.
 */
int file_open(const char *path, int flags, mode_t mode, bool block_ok);
/* strerror(-err), and what -ESPIPE from file_open means. */
const char *file_strerror(int err);

/*
 * Small-file helpers for /proc, /sys and the like, on top of the seam.
 * Returns: bytes read (text NUL-terminated, one trailing newline removed)
 * or -errno; -EFBIG when the file does not fit.
 */
int file_read(const char *path, char *buf, size_t size);
/* Writes the whole string in one write(), as sysfs attributes want. */
int file_write(const char *path, const char *text);
/*
 * Reads a whole regular file (file_open) of at most max bytes into a new
 * NUL-terminated buffer.
 */
int file_slurp(const char *path, size_t max, char **out, size_t *len);
int file_read_u64(const char *path, uint64_t *out);
bool file_exists(const char *path);
/* mkdir -p; existing directories are fine. */
int file_mkdirs(const char *path, unsigned int mode);

#endif
