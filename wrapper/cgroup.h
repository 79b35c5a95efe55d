/* SPDX-License-Identifier: MIT */
/*
 * [cgroup]: memory, CPU and pids limits in a child group of the service's
 * current cgroup, on cgroup v2 where the controller is enabled there, on
 * the controller's v1 hierarchy otherwise (harden-exec.ini(5), [cgroup]).
 *
 *   plan:   cgroup_plan(pl, pol)   find the hierarchies, compute every
 *                                  write; input errors exit 125 here
 *   apply:  cgroup_apply(pl)       step 3, in the service's process:
 *                                  create the groups, write and read back
 *                                  the limits, move in
 * The supervisor reports what the groups saw, kills what is left and
 * removes them when the service's tree has ended.
 */
#ifndef HARDEN_CGROUP_H
#define HARDEN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct plan;
struct policy;

bool cgroup_wanted(const struct policy *p);
void cgroup_plan(struct plan *pl, const struct policy *p);
void cgroup_apply(const struct plan *pl);

/* verify: compare the limits of the groups @pid is in (/proc/PID/cgroup)
 * with the plan's; calls @bad once per difference, returns their count. */
int cgroup_verify(pid_t pid, void (*bad)(const char *text));

/* check: the limits as "key=value ..." and the files they go to. */
void cgroup_describe(char *buf, size_t len);

#endif
