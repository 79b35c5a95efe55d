/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: one small process that stays outside the service when
 * a control needs a process to stay (a late apply's deadline today; a pid
 * namespace, a cgroup, violation reports later). Without such a control
 * harden-exec execs in place and leaves nothing behind.
 *
 * Use, from a control's plan and apply functions:
 *
 *   plan:   sup_require("late apply");        a control needs it
 *           sup_hook(&(struct sup_hook){...}); what it does in the supervisor
 *   apply:  sup_start(pl);                     in apply_all, once, after sanitise
 *
 * sup_start() forks. The child returns 0 and goes on with the apply steps;
 * its parent-death signal is SIGKILL (re-armed after the identity change
 * through pl->pdeathsig). The parent never returns: it becomes a child
 * subreaper (PR_SET_CHILD_SUBREAPER), so every process the service starts
 * stays below it even when its parent exits; it forwards SIGTERM, SIGINT,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH; it reaps; and it exits
 * with the service's status (128+N when killed by signal N), by the rule
 * in supervisor.c ("When the main service ends").
 *
 * To run the service in a new pid namespace, unshare(CLONE_NEWPID) before
 * sup_start(): the child is then pid 1 of the namespace.
 */
#ifndef HARDEN_SUPERVISOR_H
#define HARDEN_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct plan;

/* What a control runs inside the supervisor. Every member is optional. */
struct sup_hook {
	const char *name; /* for messages */
	void *arg;
	/* In the supervisor, right after the fork (e.g. move @service into a cgroup). */
	void (*started)(pid_t service, void *arg);
	/* Called every @period_ms until it returns 0 (e.g. a deadline). */
	int (*tick)(void *arg);
	unsigned period_ms;
	/* A descriptor to watch (e.g. a seccomp listener); called when readable. */
	int fd;
	void (*readable)(int fd, void *arg);
	/* Once, when the service's whole tree has ended, before the exit (clean up). */
	void (*finished)(int status, void *arg);
	/* When the supervisor kills the tree (a failed service): kill what
	 * the control holds as well (a cgroup's members, forks in flight). */
	void (*kill)(void *arg);
	/* In harden-exec, just before the fork: a cgroup v2 group's descriptor
	 * for the service to be born in (clone3 CLONE_INTO_CGROUP), or -1. */
	int (*prefork)(void *arg);
};

/* The service's side is born in a new pid namespace (unshared before
 * sup_start): the supervisor then ends with _exit (see finish()). */
void sup_pid_namespace(void);

/* A control needs the supervisor; @why names it in the log. */
void sup_require(const char *why);
bool sup_required(void);

/* Register a hook (at most 8), before sup_start(). fd -1 for none. */
void sup_hook(const struct sup_hook *h);

/* Fork if required: 0 in the child (and when not required). Exits 125 on failure. */
pid_t sup_start(struct plan *pl);

/* In the supervisor: the pids of every live descendant, breadth first
 * (children lists of every thread). Returns the count (at most @max). */
size_t sup_tree(pid_t *out, size_t max);

/* In the supervisor: the tree did not reach a state a control demanded
 * and was (partly) killed: the exit status will not be 0. */
void sup_mark_failed(const char *why);

/* In the supervisor: send @sig to every process of the tree, by the pids
 * of a walk made just before (a pid recycled in between would need the
 * whole pid space to wrap meanwhile). */
void sup_kill_tree(int sig);

/* In the supervisor: the first child, the service (0 before the fork). */
pid_t sup_service(void);

/* In the service, right after it unshared its network namespace: bind
 * the notify relay's name there and hand the socket to the supervisor
 * (nothing without a relay). Exits 125 on failure. */
void sup_notify_netns(void);

/* In a process of the service's side that will not unshare the network
 * namespace (the pid namespace's init): close its end of that handover. */
void sup_notify_drop(void);

/* In the supervisor: the pid namespace's init (the first child), which is
 * harden-exec's own and never hardened; 0 without a pid namespace. */
pid_t sup_ns_init(void);

#endif
