/* SPDX-License-Identifier: MIT */
/*
 * struct policy: what an INI policy says, validated but not yet resolved.
 * Filling it has no side effect beyond reading files; see plan.h for the
 * next stage.
 */
#ifndef HARDEN_POLICY_H
#define HARDEN_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Where a value came from, for FILE:LINE in every message. */
struct origin {
	const char *file; /* NULL: not set */
	int line;
};

struct strlist {
	char **v;
	size_t n;
};

enum tri { TRI_UNSET = 0, TRI_NO, TRI_YES, TRI_AUTO };
enum env_mode { ENV_UNSET = 0, ENV_INHERIT, ENV_CLEAR };
enum groups_mode { GROUPS_UNSET = 0, GROUPS_NONE, GROUPS_INIT, GROUPS_LIST };
enum log_format { LOG_TEXT = 0, LOG_JSON };

#define NLIMITS 16 /* RLIMIT_NLIMITS on Linux */

struct limit_setting {
	struct origin at;
	rlim_t soft, hard;
};

/* One setting: its origin and its value. */
#define SETTING(type, name)                                                                                  \
	struct origin name##_at;                                                                             \
	type name

struct policy {
	/* [exec] */
	SETTING(enum env_mode, env);
	SETTING(struct strlist, env_keep);
	SETTING(struct strlist, env_set);  /* "NAME=VALUE" */
	SETTING(struct strlist, pass_fds); /* validated numbers, kept as text */
	SETTING(mode_t, umask);
	SETTING(enum tri, no_new_privs);
	SETTING(enum tri, setsid);
	SETTING(enum tri, stdin_null); /* [exec] stdin = null (TRI_YES) | inherit (TRI_NO) */
	SETTING(enum tri, die_with_parent);
	/* [identity] */
	SETTING(char *, user);
	SETTING(char *, group);
	SETTING(enum groups_mode, groups);
	struct strlist group_list;
	/* [limits] */
	struct limit_setting limits[NLIMITS];
	/* [capabilities] */
	SETTING(uint64_t, caps_keep);
	SETTING(uint64_t, caps_bound); /* at most these, for a service that stays root */
	/* [seccomp] */
	SETTING(struct strlist, allow);
	SETTING(struct strlist, deny);
	SETTING(uint32_t, action); /* SECCOMP_RET_* */
	SETTING(int, apply);	   /* enum apply_mode */
	SETTING(unsigned, deadline_ms);
	SETTING(struct strlist, early_deny);
	SETTING(uint64_t, families);
	SETTING(enum tri, mdwe);
	SETTING(enum tri, lock_personality);
	SETTING(enum tri, restrict_namespaces);
	/* argument rules (names or numbers, checked; kept as text) */
	SETTING(struct strlist, ioctls);
	SETTING(struct strlist, prctls);
	SETTING(struct strlist, socket_types);
	SETTING(struct strlist, clone_flags);
	/* [filesystem] */
	SETTING(char *, chroot);
	SETTING(char *, workdir);
	/* [namespaces] (wrapper/ns.c) */
	SETTING(enum tri, ns_net);
	SETTING(enum tri, ns_ipc);
	SETTING(enum tri, ns_uts);
	SETTING(enum tri, ns_cgroup);
	SETTING(enum tri, ns_mount);
	SETTING(enum tri, ns_user);
	SETTING(enum tri, ns_pid); /* with the supervisor and an init (ns.c) */
	SETTING(enum tri, proc);   /* [filesystem] proc: a new /proc for it */
	SETTING(char *, hostname);
	SETTING(struct strlist, uid_map); /* INSIDE OUTSIDE COUNT, three numbers a line */
	SETTING(struct strlist, gid_map);
	/* [filesystem] jail (wrapper/mounts.c) */
	SETTING(char *, root);		  /* "tmpfs" or an absolute path */
	SETTING(struct strlist, bind_ro); /* SRC or SRC:DST */
	SETTING(struct strlist, bind_rw);
	SETTING(struct strlist, tmpfs); /* PATH or PATH:SIZE */
	SETTING(struct strlist, read_only);
	SETTING(struct strlist, read_write);
	SETTING(struct strlist, inaccessible);
	SETTING(struct strlist, noexec);
	SETTING(struct strlist, exec_paths);
	SETTING(enum tri, private_tmp);
	SETTING(enum tri, private_dev);
	SETTING(enum tri, protect_kernel);
	/* [landlock] (wrapper/landlock.c) */
	SETTING(struct strlist, ll_read); /* absolute paths */
	SETTING(struct strlist, ll_write);
	SETTING(struct strlist, ll_exec);
	SETTING(struct strlist, ll_refer);
	SETTING(struct strlist, ll_ioctl_dev);
	SETTING(struct strlist, ll_tcp_bind); /* port numbers, or `any` alone */
	SETTING(struct strlist, ll_tcp_connect);
	SETTING(uint64_t, ll_scope); /* LANDLOCK_SCOPE_* */
	SETTING(enum tri, ll_best_effort);
	SETTING(enum tri, ll_log);
	SETTING(enum tri, ll_domain);
	/* [cgroup] (wrapper/cgroup.c); sizes in bytes, times in microseconds */
	SETTING(uint64_t, cg_memory_max);
	SETTING(uint64_t, cg_memory_high);
	SETTING(uint64_t, cg_memory_swap_max);
	SETTING(uint64_t, cg_cpu_quota);
	uint64_t cg_cpu_period;
	SETTING(unsigned, cg_cpu_weight);
	SETTING(unsigned, cg_pids_max);
	/* [log] */
	SETTING(enum log_format, log_format);
	SETTING(char *, log_target);
	SETTING(enum tri, log_kernel);	   /* SECCOMP_FILTER_FLAG_LOG */
	SETTING(enum tri, log_violations); /* refusals reported by the supervisor */
};

/* Values match enum handoff_trigger; exec is the wrapper's own. */
enum apply_mode { APPLY_EXEC = 0, APPLY_MAIN = 1, APPLY_LISTEN = 2, APPLY_ACCEPT = 3, APPLY_READY = 4 };

/* A message for the first problem, as "FILE:LINE: text". */
struct policy_error {
	char msg[512];
};

/*
 * Load @path (or the built-in baseline when @path is NULL) into @p, which
 * must be zeroed. Returns 0, or -1 with @err filled.
 */
int policy_load(struct policy *p, const char *path, struct policy_error *err);

/* The built-in baseline policy, as INI text. */
extern const char baseline_ini[];

/* Name tables shared with the plan and the log. */
const char *limit_name(int resource);
int limit_lookup(const char *name); /* -1 if unknown */
int errno_lookup(const char *name); /* -1 if unknown */
const char *errno_name(int err);    /* NULL if unknown */
int family_lookup(const char *name);
const char *family_name(int af);

/* Argument rule values (wrapper/argnames.c). */
enum argkind { ARG_IOCTL, ARG_PRCTL, ARG_SOCKET_TYPE, ARG_CLONE_FLAG };
/* 0, or -1 for an unknown name, -2 for a number above 32 bits. */
int argname_value(enum argkind kind, const char *s, uint32_t *out);
const char *argname_name(enum argkind kind, uint32_t value); /* NULL if none */

#endif
