/* SPDX-License-Identifier: MIT */
/* Fatal errors and step events, shared by the wrapper and the shim. */
#ifndef HARDEN_LOG_H
#define HARDEN_LOG_H

#include <stdnoreturn.h>

/* Exit statuses, as env(1), chroot(1) and timeout(1). */
enum {
	EXIT_HARDEN = 125,  /* harden-exec itself failed: the service never ran */
	EXIT_CANNOT = 126,  /* command found but not executable */
	EXIT_NOTFOUND = 127 /* command not found */
};

enum log_mode { LOGM_QUIET = 0, LOGM_TEXT, LOGM_JSON };

/* Where events go; fatal errors always reach stderr as one line. */
void log_setup(enum log_mode mode, int fd);

/* Are events written at all? */
int log_enabled(void);

/* One event per applied step: step name and a detail line. */
void log_event(const char *step, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Exit with @status instead of EXIT_HARDEN (check exits 1 on a bad policy). */
void log_fail_status(int status);

/* "harden-exec: <message>" on stderr (and as a JSON event), then exit. */
noreturn void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
