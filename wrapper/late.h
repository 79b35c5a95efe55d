/* SPDX-License-Identifier: MIT */
/* Late application: what the wrapper does so that libharden.so can
 * harden the service at its trigger, and the deadline the supervisor keeps. */
#ifndef HARDEN_LATE_H
#define HARDEN_LATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct plan;

/* The shim beside this executable (DIR/libharden.so, then
 * DIR/../lib/harden-exec/libharden.so); NULL with a reason if none. */
const char *late_find_shim(char *why, size_t len);

/* The shim may be trusted: regular, no symlink, owned by root or the
 * caller, writable by nobody else. 0, or -1 with a reason. */
int late_check_shim(const char *path, char *why, size_t len);

/* The command can take a preload: a dynamically linked glibc program
 * (a #! script's interpreter is checked instead). 0, or -1 with a reason. */
int late_check_binary(const struct plan *pl, const char *path, char *why, size_t len);

/* Nothing on the start-up path (working directory, program, #!
 * interpreters, loader, and every directory above them) can be changed by
 * the late user: 0, or -1 naming the path. Also checks the binary. */
int late_check_start_path(const struct plan *pl, const char *program, char *why, size_t len);

/* The sealed memfd holding the handoff blob; close-on-exec until the
 * exec step clears it. Exits 125 on failure. */
int late_handoff_create(const struct plan *pl);

/* Ask for the supervisor and give it the deadline: every process of the
 * service's tree hardened by then, or killed (plan time). */
void late_supervise(struct plan *pl);

/* Seccomp_filters of this process now (0 if unknown). */
unsigned late_current_filters(void);

#endif
