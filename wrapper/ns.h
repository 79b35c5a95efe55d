/* SPDX-License-Identifier: MIT */
/*
 * Namespaces (step 4 of design.md): user with its uid/gid maps, then
 * mount (propagation private), net (loopback up), ipc, uts (hostname),
 * cgroup. Plan and apply of one control, as every room in wrapper/.
 */
#ifndef HARDEN_NS_H
#define HARDEN_NS_H

#include "plan.h"

#include <stdbool.h>

struct ns_plan {
	bool user;
	int flags;		  /* CLONE_NEW* unshared after the user namespace */
	char uid_map[1024];	  /* the text written to /proc/self/uid_map */
	char gid_map[1024];	  /* ... and to gid_map */
	bool deny_setgroups;	  /* the kernel needs it for an unprivileged gid_map */
	const struct origin *why; /* the key that asked for a mount namespace */
	bool pid;		  /* a pid namespace, an init as its pid 1 */
	bool proc;		  /* a new /proc mounted for it */
};

/* Does this process hold @cap (CAP_*) in its effective set now? */
bool ns_has_cap(int cap);

/* Does the policy ask for any mount change (mounts.c)? The first such
 * key's origin and name, or NULL. */
const struct origin *ns_mount_key(const struct policy *p, const char **name);

/* Build pl->ns (NULL when nothing is asked); exits 125 on bad input. */
void ns_plan_build(struct plan *pl, const struct policy *p);

/* The namespaces entered, as "user mount net ..." in @buf; their count. */
size_t ns_names(const struct plan *pl, char *buf, size_t len);

/* verify: NULL when process @pid is in new namespaces where the plan
 * asks for them (compared with the caller's), else what differs. */
const char *ns_verify(const struct plan *pl, const char *pid);

/* With pid = yes, before sup_start(): the user namespace (which must own
 * the pid one) and unshare(CLONE_NEWPID), so that the supervisor's child
 * is pid 1 of the new namespace. */
void ns_apply_pid(const struct plan *pl);

/* Has ns_apply() mounted a new /proc (the jail's bind_ro = /proc takes it)? */
bool ns_new_proc(void);

/* Enter the namespaces, each read back; exits 125 on any failure. With
 * pid = yes this process is pid 1: it forks the service, which returns
 * and goes on, and stays as the namespace's init. */
void ns_apply(struct plan *pl);

#endif
