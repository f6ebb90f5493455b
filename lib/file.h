/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_FILE_H
#define BLKASM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Small-file helpers for /proc, /sys and the like, on top of the seam.
 * Returns: bytes read (text NUL-terminated, one trailing newline removed)
 * or -errno; -EFBIG when the file does not fit.
 */
int file_read(const char *path, char *buf, size_t size);
/* Writes the whole string in one write(), as sysfs attributes want. */
int file_write(const char *path, const char *text);
/* Reads a whole file of at most max bytes into a new NUL-terminated buffer. */
int file_slurp(const char *path, size_t max, char **out, size_t *len);
int file_read_u64(const char *path, uint64_t *out);
bool file_exists(const char *path);
/* mkdir -p; existing directories are fine. */
int file_mkdirs(const char *path, unsigned int mode);

#endif
