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

#endif
