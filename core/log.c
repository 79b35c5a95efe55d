/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_mode mode = LOGM_QUIET;
static int log_fd = STDERR_FILENO;
static int fail_status = EXIT_HARDEN;

void log_fail_status(int status)
{
	fail_status = status;
}

void log_setup(enum log_mode m, int fd)
{
	mode = m;
	log_fd = fd;
}

/* JSON string body: escape what JSON requires, nothing more. */
static size_t json_escape(char *out, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return o;
}

/* One write(2) per line, so lines from several processes do not mix. */
static void emit(const char *kind, const char *step, const char *detail)
{
	char esc[1024], line[1400];
	struct timespec ts;
	int n;

	if (mode == LOGM_JSON) {
		clock_gettime(CLOCK_REALTIME, &ts);
		json_escape(esc, sizeof(esc), detail);
		n = snprintf(
		    line, sizeof(line),
		    "{\"time\":%lld.%06ld,\"event\":\"%s\",\"step\":\"%s\",\"pid\":%d,\"detail\":\"%s\"}\n",
		    (long long)ts.tv_sec, ts.tv_nsec / 1000, kind, step, (int)getpid(), esc);
	} else
		n = snprintf(line, sizeof(line), "harden-exec: %s: %s\n", step, detail);
	if (n > 0)
		(void)!write(log_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int log_enabled(void)
{
	return mode != LOGM_QUIET;
}

void log_event(const char *step, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	if (mode == LOGM_QUIET)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	emit("step", step, detail);
}

noreturn void die(int status, const char *fmt, ...)
{
	char msg[1024], line[1100];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "harden-exec: %s\n", msg);
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (mode == LOGM_JSON && log_fd != STDERR_FILENO)
		emit("error", "fatal", msg);
	_exit(status == EXIT_HARDEN ? fail_status : status);
}
