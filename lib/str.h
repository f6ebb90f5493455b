/* SPDX-License-Identifier: MIT */
#ifndef BLKASM_STR_H
#define BLKASM_STR_H

#include <string.h>

/* Copies src into dst[size], cut short if need be, always terminated. */
static inline void str_copy(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memmove(dst, src, len);
	dst[len] = '\0';
}

#endif
