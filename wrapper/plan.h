/* SPDX-License-Identifier: MIT */
/*
 * struct plan: everything the apply steps need, resolved. Building it may
 * fail on bad input (no such user, a chroot folder others can write);
 * applying it changes the process. Nothing in between goes back.
 */
#ifndef HARDEN_PLAN_H
#define HARDEN_PLAN_H

#include "../core/filter.h"
#include "landlock.h"
#include "policy.h"

#include <stdbool.h>
#include <sys/types.h>

#define PLAN_MAX_FDS 1024

struct ns_plan;
struct mount_plan;

struct plan {
	const struct policy *pol;
	char **argv; /* the command, as given */

	/* 1. sanitise */
	int keep_fds[PLAN_MAX_FDS];
	size_t nkeep;
	int internal_fds[6]; /* ours, close-on-exec, kept until exec */
	size_t ninternal;
	char **envp;
	enum tri setsid;

	/* 4. namespaces (ns.c) and 5. the filesystem jail (mounts.c) */
	struct ns_plan *ns;	   /* NULL: no new namespace */
	struct mount_plan *mounts; /* NULL: no mount changes */
	bool new_root;		   /* a new root (pivot_root): nothing outside it can be named */

	/* 5. filesystem */
	int root_fd; /* -1: no chroot */
	bool jailed; /* a chroot or a new root: every filter refuses open_by_handle_at */
	const char *workdir;

	/* 6. Landlock (wrapper/landlock.c) */
	struct landlock_plan landlock;

	/* 7. identity */
	bool ids;
	uid_t uid;
	gid_t gid;
	bool set_groups;
	gid_t *groups;
	size_t ngroups;

	/* 8. capabilities */
	bool caps;
	uint64_t caps_keep;
	int last_cap;

	/* 9. process flags */
	bool nnp;
	bool pdeathsig;
	pid_t parent;
	bool mdwe; /* PR_SET_MDWE, beside the filter's W^X rules */

	/* 10. seccomp */
	struct sock_filter *bpf; /* NULL: no filter */
	size_t bpf_len;
	unsigned filter_flags; /* SECCOMP_FILTER_FLAG_LOG with [log] kernel = yes */
	/* [log] violations = yes: bpf refuses through the supervisor, which
	 * answers with the verdicts of verdict_bpf (wrapper/violations.c) */
	bool violations;
	struct sock_filter *verdict_bpf;
	size_t verdict_bpf_len;

	/* late application (apply = main|listen|accept|ready) */
	int late; /* enum apply_mode; 0: everything at exec */
	struct sock_filter *late_bpf;
	size_t late_bpf_len;
	uint32_t violation_action; /* what a trapped call means */
	bool report;		   /* refused calls trap, for the shim's report */
	const char *shim_path;
	int handoff_fd; /* sealed memfd, -1: none */
	uint32_t expected_filters;
	uint8_t checks[FILTER_NR_MAX];	 /* argument checks of the (late, or only) filter */
	uint32_t actions[FILTER_NR_MAX]; /* its verdicts, before any argument check */
	unsigned deadline_ms;
	bool dry;
	bool learn; /* the filter reports to a listener (harden-exec learn) */
};

/*
 * Build the plan; on bad input prints FILE:LINE: ... and exits 125. A dry
 * plan (for check, audit, verify) skips what only a run can know or needs:
 * the passed descriptors being open, the sealed handoff.
 */
void plan_build(struct plan *plan, const struct policy *pol, char **argv, bool dry);

/* Real syscalls the (late, or only) filter allows whatever the arguments. */
size_t plan_allowed(const struct plan *pl);

/* Expand a list of syscall names and @sets into numbers (true = member). */
void plan_expand(const struct strlist *items, bool member[FILTER_NR_MAX]);

/* "FILE:LINE: " of a setting, "" without one: for every control's messages. */
const char *where(const struct origin *o);

/* Apply every step in order and exec; returns only on failure paths that
 * exit. */
_Noreturn void apply_all(struct plan *plan);

#endif
