/* SPDX-License-Identifier: MIT */
/*
 * Refused calls named: why the policy refuses a syscall, and the line
 * that would allow it (harden-exec explain).
 */
#ifndef HARDEN_VIOLATIONS_H
#define HARDEN_VIOLATIONS_H

#include "plan.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Why the plan's filter refuses syscall @nr (named @name), into @why,
 * and the line that would allow it into @fix ("" when no line can).
 * Returns the filter's verdict for the number, before argument checks.
 */
uint32_t violation_reason(const struct plan *pl, long nr, const char *name, char *why, size_t wlen, char *fix,
			  size_t flen);

/* A syscall number no kernel has (a hole below FILTER_NR_MAX): the
 * service's first call after its filter, which the supervisor answers
 * once it holds the listener. */
#define VIOLATION_HANDSHAKE_NR (FILTER_NR_MAX - 1)

/* Plan step of [log] violations = yes: the supervisor's hook. */
void violations_plan(struct plan *pl);

#endif
