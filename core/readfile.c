/* SPDX-License-Identifier: MIT */
#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t have = 0;
	ssize_t n = 0;
	int e;

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	/* /proc files are formatted anew at each read: read until the end. */
	while (have < size - 1 &&
	       ((n = read(fd, buf + have, size - 1 - have)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			have += (size_t)n;
	e = errno;
	close(fd);
	buf[have] = '\0';
	if (n < 0) {
		errno = e;
		return -1;
	}
	return (ssize_t)have;
}
