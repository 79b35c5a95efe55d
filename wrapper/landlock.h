/* SPDX-License-Identifier: MIT */
/*
 * Landlock (step 6): the [landlock] rules, and the service's own domain
 * that every service gets by default (docs/security.md, "same-uid
 * processes"). Planned from struct policy, applied by landlock_apply().
 */
#ifndef HARDEN_LANDLOCK_H
#define HARDEN_LANDLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct plan;
struct policy;
struct origin;

/* A path rule: its path as the service sees it, its rights, and the key
 * that asked for it (messages of a rule resolved in the jail). */
struct landlock_rule {
	const char *path;
	uint64_t access;
	const char *key;
	const struct origin *at;
};

struct landlock_plan {
	int abi;		  /* probed once; 0: no Landlock */
	int ruleset_fd;		  /* -1: none (no domain, or a dry plan) */
	bool domain;		  /* a domain is planned */
	uint64_t fs, net, scoped; /* what the ruleset handles */
	uint32_t flags;		  /* landlock_restrict_self(2) flags */
	bool rules;		  /* the policy has filesystem or TCP rules */
	bool probe;		  /* no seccomp filter above us: kcmp may be asked */
	bool in_jail;		  /* rule paths opened at apply, in the final view */
	struct landlock_rule *paths;
	size_t npaths;
	size_t nports;
	const struct origin *at; /* the [landlock] key that messages name */
	const char *none;	 /* why there is no domain, when there is none */
};

/* The kernel's Landlock ABI version, 0 without Landlock. */
int landlock_abi(void);

/* Resolve the [landlock] keys into a ruleset; exits 125 on bad input. */
void landlock_plan(struct plan *pl, const struct policy *p);

/* Enter the domain and read it back; exits 125 on failure. */
void landlock_apply(const struct plan *pl);

/*
 * After execve(@path) failed with @err under the domain: when the rules
 * do not let the kernel execute the command or an interpreter it needs,
 * exit 125 naming it; else return (errno kept). Free on the way that
 * works; a check before exec would cost every start tens of
 * microseconds here.
 */
void landlock_explain_exec(const struct plan *pl, const char *path, int err);

/* Late mode, before exec: the preload shim and /proc must be readable
 * under the rules (the shim reads /proc/self). Exits 125 if not. */
void landlock_check_late(const struct plan *pl);

/* The access bits of @mask as key names, for check and audit. */
void landlock_text(uint64_t fs, uint64_t net, uint64_t scoped, char *buf, size_t len);

#endif
