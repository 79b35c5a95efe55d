/* SPDX-License-Identifier: MIT */
#ifndef HARDEN_READFILE_H
#define HARDEN_READFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * A small file (a /proc or cgroup file) read whole into @buf of @size
 * bytes and NUL-terminated. Returns the bytes read, size - 1 when it may
 * not all have fitted, or -1 with errno when it cannot be opened or read.
 */
ssize_t read_small(const char *path, char *buf, size_t size);

#endif
