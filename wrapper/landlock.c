/* SPDX-License-Identifier: MIT */
/*
 * Landlock, step 6 of the apply order: after the filesystem step (rule
 * paths are the ones the service sees) and before identity (the domain
 * binds every later step and the service; nothing after it needs a path
 * the rules refuse, save the exec, which landlock_check_exec() foresees).
 *
 * Two uses of one kernel feature:
 *  - [landlock] rules: filesystem paths, TCP ports and scopes. A policy
 *    with any rule handles every filesystem and TCP right its kernel's ABI
 *    knows, so what the rules do not grant is denied (landlock(7)).
 *  - a domain of its own for every service, rules or not (issue 13, item
 *    1): any Landlock domain makes ptrace-mode access from inside to a
 *    process outside fail (/proc/PID/mem, process_vm_writev, kcmp,
 *    the namespace files of /proc/PID/ns), which is how an attack review reached another
 *    process of the same uid and ran code in it unfiltered.
 *
 * Rule paths are opened here, at plan time, without following any
 * symbolic link, and the ruleset is built then: a missing path, a
 * symlink or an ABI too old for a key fails before anything changes.
 * In a mount namespace the paths the service sees are made at apply
 * time (step 5), so there the ruleset is built at plan time and its path
 * rules are added at step 6, in the final view, with the same checks.
 */
#include "landlock.h"
#include "../core/log.h"
#include "ns.h"
#include "plan.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The uapi of kernel 6.15 (ABI 7); Debian 12's headers stop at ABI 2. */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH	  1
#define LL_RULE_NET_PORT	  2

#define FS_EXECUTE     (1ULL << 0)
#define FS_WRITE_FILE  (1ULL << 1)
#define FS_READ_FILE   (1ULL << 2)
#define FS_READ_DIR    (1ULL << 3)
#define FS_REMOVE_DIR  (1ULL << 4)
#define FS_REMOVE_FILE (1ULL << 5)
#define FS_MAKE_CHAR   (1ULL << 6)
#define FS_MAKE_DIR    (1ULL << 7)
#define FS_MAKE_REG    (1ULL << 8)
#define FS_MAKE_SOCK   (1ULL << 9)
#define FS_MAKE_FIFO   (1ULL << 10)
#define FS_MAKE_BLOCK  (1ULL << 11)
#define FS_MAKE_SYM    (1ULL << 12)
#define FS_REFER       (1ULL << 13) /* ABI 2 */
#define FS_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define FS_IOCTL_DEV   (1ULL << 15) /* ABI 5 */

#define NET_BIND_TCP	(1ULL << 0) /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1)

#define SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define SCOPE_SIGNAL	    (1ULL << 1)

#define RESTRICT_LOG_SAME_EXEC_OFF (1U << 0) /* ABI 7 */
#define RESTRICT_LOG_NEW_EXEC_ON   (1U << 1)

/* Rights that a rule on a file (not a folder) may carry. */
#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

#define FS_READ (FS_READ_FILE | FS_READ_DIR)
#define FS_WRITE                                                                                             \
	(FS_READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG |              \
	 FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_SYM | FS_TRUNCATE)
#define FS_EXEC (FS_EXECUTE | FS_READ_FILE)

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

struct path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule	    445
#define SYS_landlock_restrict_self  446
#endif

/* The filesystem rights each ABI handles. */
static uint64_t fs_rights(int abi)
{
	uint64_t r = (FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		r |= FS_REFER;
	if (abi >= 3)
		r |= FS_TRUNCATE;
	if (abi >= 5)
		r |= FS_IOCTL_DEV;
	return abi >= 1 ? r : 0;
}

int landlock_abi(void)
{
	static int abi = -1;

	if (abi < 0) {
		long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

		abi = v > 0 ? (int)v : 0; /* ENOSYS: not built; EOPNOTSUPP: disabled at boot */
	}
	return abi;
}

/* ---- plan ---- */

/* Each key: its list, the rights it grants, the ABI it needs. */
struct ll_key {
	const char *name;
	size_t list, at; /* offsets in struct policy */
	uint64_t access;
	int abi;
};

#define LL(field) offsetof(struct policy, field), offsetof(struct policy, field##_at)

static const struct ll_key path_keys[] = {
    {"read", LL(ll_read), FS_READ, 1},
    {"write", LL(ll_write), FS_WRITE, 1},
    {"exec", LL(ll_exec), FS_EXEC, 1},
    {"refer", LL(ll_refer), FS_REFER, 2},
    {"ioctl_dev", LL(ll_ioctl_dev), FS_IOCTL_DEV, 5},
};

static const struct ll_key port_keys[] = {
    {"tcp_bind", LL(ll_tcp_bind), NET_BIND_TCP, 4},
    {"tcp_connect", LL(ll_tcp_connect), NET_CONNECT_TCP, 4},
};

static const struct strlist *key_list(const struct policy *p, const struct ll_key *k)
{
	return (const struct strlist *)((const char *)p + k->list);
}

static const struct origin *key_at(const struct policy *p, const struct ll_key *k)
{
	return (const struct origin *)((const char *)p + k->at);
}

static bool is_any(const struct strlist *l)
{
	return l->n == 1 && !strcmp(l->v[0], "any");
}

/*
 * A key the kernel's ABI is too old for: an error naming the key, the ABI
 * it needs and the ABI found, or with best_effort = yes a logged drop.
 * Returns true when the key is dropped.
 */
static bool too_old(const struct policy *p, const struct origin *at, const char *key, int need, int abi)
{
	if (abi >= need)
		return false;
	if (p->ll_best_effort != TRI_YES)
		die(EXIT_HARDEN,
		    "%s[landlock] %s: needs Landlock ABI %d, the kernel has %d%s (best_effort = yes "
		    "drops it)",
		    where(at), key, need, abi,
		    abi ? "" : " (no Landlock: not built in, or not enabled at boot)");
	log_event("landlock", "best_effort: %s dropped (needs ABI %d, the kernel has %d)", key, need, abi);
	return true;
}

/* Before a plan-time error: the ruleset goes too (check and the fuzzer
 * plan many policies in one process). */
static void drop_ruleset(struct plan *pl)
{
	if (pl->landlock.ruleset_fd >= 0)
		close(pl->landlock.ruleset_fd);
	pl->landlock.ruleset_fd = -1;
}

/*
 * Open a rule path as the service will see it (inside the chroot when
 * there is one) and refuse a symbolic link anywhere on it: the kernel
 * attaches a rule to the inode reached, so a link would make the rule
 * name whatever the link points to at start time, and whoever can
 * rewrite it decides (the symlink-swap class of CVE-2021-30465 in runc).
 * The message says where it points, so the policy can name that instead.
 */
static int open_rule_path(struct plan *pl, const char *key, const struct origin *at, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	int fd, err;

	if (pl->root_fd >= 0)
		how.resolve |= RESOLVE_IN_ROOT;
	fd = (int)syscall(SYS_openat2, pl->root_fd >= 0 ? pl->root_fd : AT_FDCWD, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	err = errno;
	drop_ruleset(pl);
	if (err == ELOOP) {
		char real[PATH_MAX];

		die(EXIT_HARDEN,
		    "%s[landlock] %s: %s: a symbolic link on the path (refused: name %s instead)", where(at),
		    key, path, pl->root_fd < 0 && realpath(path, real) ? real : "its target");
	}
	die(EXIT_HARDEN, "%s[landlock] %s: %s: %s%s", where(at), key, path, strerror(err),
	    pl->root_fd >= 0 ? " (inside the chroot)" : "");
}

/* One path rule on @fd; a rule on a file keeps the file rights of its
 * key. Returns 0 or the errno of landlock_add_rule(2). */
static int add_fd_rule(int ruleset_fd, uint64_t access, int fd)
{
	struct path_beneath_attr rule = {access, fd};
	long rc = 0;

	if (rule.allowed_access)
		rc = syscall(SYS_landlock_add_rule, ruleset_fd, LL_RULE_PATH_BENEATH, &rule, 0);
	/* Rights about folder entries mean nothing on a file: the kernel
	 * refuses them there (EINVAL), so a file keeps its file rights. No
	 * fstat first: folders are the common case, and each call counts. */
	if (rc && errno == EINVAL && (rule.allowed_access & ~FS_FILE_RIGHTS)) {
		rule.allowed_access &= FS_FILE_RIGHTS;
		rc = rule.allowed_access
			 ? syscall(SYS_landlock_add_rule, ruleset_fd, LL_RULE_PATH_BENEATH, &rule, 0)
			 : 0;
	}
	return rc ? errno : 0;
}

static void add_path_rule(struct plan *pl, const struct ll_key *k, const struct origin *at, const char *path)
{
	struct landlock_plan *ll = &pl->landlock;
	uint64_t access = k->access & ll->fs;
	int fd, err;

	ll->paths = realloc(ll->paths, (ll->npaths + 1) * sizeof(*ll->paths));
	if (!ll->paths)
		die(EXIT_HARDEN, "out of memory");
	ll->paths[ll->npaths++] = (struct landlock_rule){path, access, k->name, at};
	/* In a jail the path is opened by landlock_apply(), in the view the
	 * service gets (add_jail_rules). */
	if (ll->in_jail)
		return;
	fd = open_rule_path(pl, k->name, at, path);
	err = add_fd_rule(ll->ruleset_fd, access, fd);
	if (err) {
		close(fd);
		drop_ruleset(pl);
		die(EXIT_HARDEN, "%s[landlock] %s: %s: landlock_add_rule: %s", where(at), k->name, path,
		    strerror(err));
	}
	/* A run leaves the descriptor to the sanitise step, whose one
	 * close_range(2) closes it with every other; a dry plan (check, the
	 * fuzzer) closes it now. */
	if (pl->dry || ll->npaths > 64)
		close(fd);
}

static void add_port_rule(struct plan *pl, const struct ll_key *k, const struct origin *at, const char *port)
{
	struct net_port_attr rule = {k->access, strtoull(port, NULL, 10)};

	if (syscall(SYS_landlock_add_rule, pl->landlock.ruleset_fd, LL_RULE_NET_PORT, &rule, 0)) {
		int err = errno;

		drop_ruleset(pl);
		die(EXIT_HARDEN, "%s[landlock] %s: %s: landlock_add_rule: %s", where(at), k->name, port,
		    strerror(err));
	}
	pl->landlock.nports++;
}

/* Does this process hold CAP_SYS_ADMIN (which landlock_restrict_self
 * accepts instead of no_new_privs)? */
static bool cap_sys_admin(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};

	return !syscall(SYS_capget, &h, d) && (d[0].effective & (1U << CAP_SYS_ADMIN));
}

/* Which rights the ruleset handles; returns false when there is no domain. */
static bool plan_handled(struct plan *pl, const struct policy *p)
{
	struct landlock_plan *ll = &pl->landlock;
	int abi = ll->abi;
	bool fs_key = false, net_key = false;

	for (size_t i = 0; i < sizeof(path_keys) / sizeof(path_keys[0]); i++)
		if (key_at(p, &path_keys[i])->file) {
			fs_key = true;
			ll->at = key_at(p, &path_keys[i]);
			/* A dropped key's rights are left out of its rules by
			 * the mask of the ABI's rights (add_path_rule). */
			(void)too_old(p, ll->at, path_keys[i].name, path_keys[i].abi, abi);
		}
	for (size_t i = 0; i < sizeof(port_keys) / sizeof(port_keys[0]); i++) {
		const struct origin *at = key_at(p, &port_keys[i]);

		if (!at->file)
			continue;
		net_key = true;
		ll->at = ll->at ? ll->at : at;
		if (!is_any(key_list(p, &port_keys[i])))
			(void)too_old(p, at, port_keys[i].name, port_keys[i].abi, abi);
	}
	ll->rules = fs_key || net_key;
	if (p->ll_scope_at.file && p->ll_scope && !too_old(p, &p->ll_scope_at, "scope", 6, abi))
		ll->scoped = p->ll_scope;
	if (p->ll_log == TRI_YES && !too_old(p, &p->ll_log_at, "log", 7, abi))
		ll->flags = RESTRICT_LOG_NEW_EXEC_ON;
	else if (abi >= 7)
		ll->flags = RESTRICT_LOG_SAME_EXEC_OFF; /* nothing of ours reaches the audit log */
	if (!abi) {
		ll->none = "the kernel has no Landlock";
		return false;
	}
	/* Anything a rule does not grant is denied: every right of the ABI. */
	if (ll->rules) {
		ll->fs = fs_rights(abi);
		if (abi >= 4)
			ll->net = (is_any(&p->ll_tcp_bind) ? 0 : NET_BIND_TCP) |
				  (is_any(&p->ll_tcp_connect) ? 0 : NET_CONNECT_TCP);
	}
	/*
	 * The service's own domain with no rule at all: a ruleset must handle
	 * something, so it handles making block devices, and renaming across
	 * folders (REFER, which every domain that handles a filesystem right
	 * denies unless granted), and grants both beneath the service's root.
	 * Files stay as they were (mknod of a block device needs CAP_MKNOD
	 * anyway); what changes is what any filesystem domain denies: mount,
	 * umount and pivot_root (CAP_SYS_ADMIN's), and on ABI 1 renames across
	 * folders. The domain is there, and the ptrace-mode boundary with it.
	 */
	if (!ll->fs && !ll->net && !ll->scoped)
		ll->fs = FS_MAKE_BLOCK | (abi >= 2 ? FS_REFER : 0);
	return true;
}

static void add_rules(struct plan *pl, const struct policy *p);

void landlock_plan(struct plan *pl, const struct policy *p)
{
	struct landlock_plan *ll = &pl->landlock;
	struct ruleset_attr attr;
	bool opted_out = p->ll_domain == TRI_NO;

	memset(ll, 0, sizeof(*ll));
	ll->ruleset_fd = -1;
	ll->abi = landlock_abi();
	if (opted_out) {
		const char *with = p->ll_read_at.file	       ? "read"
				   : p->ll_write_at.file       ? "write"
				   : p->ll_exec_at.file	       ? "exec"
				   : p->ll_refer_at.file       ? "refer"
				   : p->ll_ioctl_dev_at.file   ? "ioctl_dev"
				   : p->ll_tcp_bind_at.file    ? "tcp_bind"
				   : p->ll_tcp_connect_at.file ? "tcp_connect"
				   : p->ll_scope_at.file       ? "scope"
				   : p->ll_log == TRI_YES      ? "log = yes"
							       : NULL;

		if (with)
			die(EXIT_HARDEN, "%s[landlock] domain = no: cannot go with %s (no domain, no rules)",
			    where(&p->ll_domain_at), with);
		ll->none = "domain = no";
		return;
	}
	if (!plan_handled(pl, p))
		return;
	/* A mount namespace may change what a path names (a private /tmp, a
	 * tmpfs, a bind destination, a new root or /proc): rule paths are
	 * then opened in the final view, after step 5, not on the host. */
	ll->in_jail = pl->ns && (pl->ns->flags & CLONE_NEWNS);
	ll->at = ll->at ? ll->at : p->ll_scope_at.file ? &p->ll_scope_at : &p->ll_log_at;
	/* Without no_new_privs, only CAP_SYS_ADMIN may enter a domain. */
	if (!pl->nnp && !cap_sys_admin()) {
		if (ll->rules || ll->scoped || p->ll_log == TRI_YES)
			die(EXIT_HARDEN, "%s[exec] no_new_privs = no: [landlock] needs no_new_privs here",
			    where(&p->no_new_privs_at));
		ll->none = "no_new_privs = no, without CAP_SYS_ADMIN";
		ll->fs = 0;
		return;
	}
	attr = (struct ruleset_attr){ll->fs, ll->net, ll->scoped};
	ll->ruleset_fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ll->ruleset_fd < 0)
		die(EXIT_HARDEN, "landlock: %slandlock_create_ruleset (ABI %d): %s", where(ll->at), ll->abi,
		    strerror(errno));
	ll->domain = true;
	/* The read-back asks kcmp(2), which a filter above us (a nested
	 * harden-exec, a container runtime) may refuse or kill for. */
	ll->probe = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0;
	if (!ll->rules && (ll->fs & FS_MAKE_BLOCK)) {
		/* The default domain's one rule, on the service's root. */
		static const struct ll_key root = {"(own domain)", 0, 0, FS_MAKE_BLOCK | FS_REFER, 1};

		add_path_rule(pl, &root, NULL, "/");
	} else
		add_rules(pl, p);
	/* A dry plan (check, audit, verify) keeps no descriptor. */
	if (pl->dry) {
		close(ll->ruleset_fd);
		ll->ruleset_fd = -1;
	} else
		pl->internal_fds[pl->ninternal++] = ll->ruleset_fd;
}

static void add_rules(struct plan *pl, const struct policy *p)
{
	struct landlock_plan *ll = &pl->landlock;

	for (size_t i = 0; i < sizeof(path_keys) / sizeof(path_keys[0]); i++) {
		const struct strlist *l = key_list(p, &path_keys[i]);

		for (size_t j = 0; ll->fs && j < l->n; j++)
			add_path_rule(pl, &path_keys[i], key_at(p, &path_keys[i]), l->v[j]);
	}
	for (size_t i = 0; i < sizeof(port_keys) / sizeof(port_keys[0]); i++) {
		const struct strlist *l = key_list(p, &port_keys[i]);

		for (size_t j = 0; (ll->net & port_keys[i].access) && j < l->n; j++)
			add_port_rule(pl, &port_keys[i], key_at(p, &port_keys[i]), l->v[j]);
	}
}

/* ---- apply ---- */

/*
 * Can this process reach its parent (outside the domain) in ptrace mode?
 * kcmp(2) asks exactly that and changes nothing: -1 when unknown.
 */
static int reaches_parent(const struct plan *pl)
{
	long rc;

	if (pl->parent <= 1) {
		errno = ESRCH;
		return -1;
	}
	rc = syscall(SYS_kcmp, getpid(), pl->parent, 0 /* KCMP_FILE */, 0, 0);
	if (rc >= 0 || errno == EBADF)
		return 1;
	/* EACCES: another LSM (AppArmor, SELinux) refused it: out of reach too */
	return errno == EPERM || errno == EACCES ? 0 : -1;
}

/* The rights of the rules on this inode: the kernel keeps a rule on the
 * inode its path reached, so the paths are looked up again (inside the
 * chroot, as planned). Only on the way to an error message. */
static uint64_t rules_on(const struct landlock_plan *ll, const struct stat *st)
{
	uint64_t got = 0;

	for (size_t i = 0; i < ll->npaths; i++) {
		struct stat r;

		if (!stat(ll->paths[i].path, &r) && r.st_dev == st->st_dev && r.st_ino == st->st_ino)
			got |= ll->paths[i].access;
	}
	return got;
}

/* The union of the rights of the rules on the canonical path @p and each
 * of its parents, as the kernel collects them walking up to the root. */
static uint64_t granted_canonical(const struct landlock_plan *ll, char *p)
{
	uint64_t got = 0;

	for (;;) {
		struct stat st;
		char *slash;

		if (!stat(p, &st))
			got |= rules_on(ll, &st);
		if (!strcmp(p, "/"))
			return got;
		slash = strrchr(p, '/');
		if (!slash)
			return got;
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static uint64_t granted(const struct landlock_plan *ll, const char *path)
{
	char p[PATH_MAX];

	return realpath(path, p) ? granted_canonical(ll, p) : 0;
}

/* The same for a file open at @fd: its path from /proc (one call where
 * realpath(3) takes one per component and link), else @path's. */
static uint64_t granted_fd(const struct landlock_plan *ll, int fd, const char *path)
{
	char link[32], p[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, p, sizeof(p) - 1);
	if (n <= 0 || p[0] != '/')
		return granted(ll, path);
	p[n] = '\0';
	return granted_canonical(ll, p);
}

/* Read back: the kernel keeps no visible record of a domain in /proc on
 * this kernel (6.18), so ask for what a domain must refuse. */
static void read_back(const struct plan *pl)
{
	const struct landlock_plan *ll = &pl->landlock;

	/* Asked once, after: a parent still reachable means no domain,
	 * whatever it was before (a parent out of reach already answers
	 * EPERM, as the domain makes it). No kcmp (ENOSYS) or no parent to
	 * ask (ESRCH: gone, or outside our pid namespace) says nothing; any
	 * other failure fails closed. The same call before entering cost a
	 * start 2 us. */
	if (ll->probe) {
		int now = reaches_parent(pl);

		if (now == 1 || (now < 0 && errno != ESRCH && errno != ENOSYS))
			die(EXIT_HARDEN,
			    "landlock: %sthe parent process is still reachable in ptrace mode: %s",
			    where(ll->at), now > 0 ? "no domain" : strerror(errno));
	}
	/* A folder no rule lets us list: the service's root, unless granted.
	 * Whether a rule grants it is asked only when the listing opened:
	 * that lookup stats every rule path (about 20 us of a start here),
	 * and the common answer, EACCES, needs none of it. */
	if (ll->fs & FS_READ_DIR) {
		int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = errno;

		if (fd >= 0)
			close(fd);
		if ((fd >= 0 && !(granted(ll, "/") & FS_READ_DIR)) || (fd < 0 && err != EACCES))
			die(EXIT_HARDEN,
			    "landlock: %slisting / is not refused after landlock_restrict_self: %s",
			    where(ll->at), fd >= 0 ? "it opened" : strerror(err));
	}
}

/*
 * The rules of a service in a mount namespace, added now that its
 * filesystem is final (after the mounts and pivot_root or chroot, before
 * identity): a rule then names the inode the service will reach under
 * that path, not the host's one it hides. Resolved as at plan time, no
 * symbolic link followed; a path missing in the jail fails closed here,
 * before the service runs.
 */
static void add_jail_rules(const struct landlock_plan *ll)
{
	for (size_t i = 0; i < ll->npaths; i++) {
		const struct landlock_rule *r = &ll->paths[i];
		struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, r->path, &how, sizeof(how)), err;
		char real[PATH_MAX];

		if (fd < 0 && errno == ELOOP)
			die(EXIT_HARDEN,
			    "%s[landlock] %s: %s: a symbolic link on the path in the jail (refused: name %s "
			    "instead)",
			    where(r->at), r->key, r->path, realpath(r->path, real) ? real : "its target");
		if (fd < 0)
			die(EXIT_HARDEN, "%s[landlock] %s: %s: %s (in the jail)", where(r->at), r->key,
			    r->path, strerror(errno));
		err = add_fd_rule(ll->ruleset_fd, r->access, fd);
		close(fd);
		if (err)
			die(EXIT_HARDEN, "%s[landlock] %s: %s: landlock_add_rule: %s", where(r->at), r->key,
			    r->path, strerror(err));
	}
}

void landlock_apply(const struct plan *pl)
{
	const struct landlock_plan *ll = &pl->landlock;

	if (ll->ruleset_fd < 0) {
		if (ll->none)
			log_event("landlock", "no domain: %s", ll->none);
		return;
	}
	if (ll->in_jail)
		add_jail_rules(ll);
	if (syscall(SYS_landlock_restrict_self, ll->ruleset_fd, ll->flags)) {
		/* Without CAP_SYS_ADMIN: no_new_privs now rather than at step
		 * 9 (the plan made sure it is wanted), as the kernel requires. */
		if (errno != EPERM || !pl->nnp)
			die(EXIT_HARDEN, "landlock: %slandlock_restrict_self: %s", where(ll->at),
			    strerror(errno));
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			die(EXIT_HARDEN, "landlock: %sPR_SET_NO_NEW_PRIVS: %s", where(ll->at),
			    strerror(errno));
		if (syscall(SYS_landlock_restrict_self, ll->ruleset_fd, ll->flags))
			die(EXIT_HARDEN, "landlock: %slandlock_restrict_self: %s", where(ll->at),
			    strerror(errno));
	}
	close(ll->ruleset_fd);
	read_back(pl);
	if (!log_enabled())
		return;
	{
		char what[512];

		landlock_text(ll->fs, ll->net, ll->scoped, what, sizeof(what));
		log_event("landlock", "ABI %d, domain entered: %zu path and %zu port rules; handled: %s%s",
			  ll->abi, ll->npaths, ll->nports, what,
			  ll->flags & RESTRICT_LOG_NEW_EXEC_ON ? "; denials logged" : "");
	}
}

/* The interpreter a program asks the kernel for: PT_INTERP or "#!". */
static bool interpreter(int fd, char *out, size_t len)
{
	Elf64_Phdr ph[32];
	Elf64_Ehdr eh;
	ssize_t n = pread(fd, &eh, sizeof(eh), 0), m;

	if (n >= 2 && !memcmp(&eh, "#!", 2)) {
		char *s = (char *)&eh + 2, *e;

		((char *)&eh)[n < (ssize_t)sizeof(eh) ? n : (ssize_t)sizeof(eh) - 1] = '\0';
		s += strspn(s, " \t");
		e = s + strcspn(s, " \t\n");
		if (e == s || (size_t)(e - s) >= len)
			return false;
		memcpy(out, s, (size_t)(e - s));
		out[e - s] = '\0';
		return true;
	}
	if (n != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph[0]))
		return false;
	/* One read for the program headers: each call costs here. */
	m = pread(fd, ph, (eh.e_phnum < 32 ? eh.e_phnum : 32) * sizeof(ph[0]), (off_t)eh.e_phoff);
	for (ssize_t i = 0; m > 0 && i < m / (ssize_t)sizeof(ph[0]); i++) {
		if (ph[i].p_type != PT_INTERP || ph[i].p_filesz >= len || ph[i].p_filesz < 2)
			continue;
		if (pread(fd, out, ph[i].p_filesz, (off_t)ph[i].p_offset) != (ssize_t)ph[i].p_filesz)
			return false;
		out[ph[i].p_filesz] = '\0';
		return true;
	}
	return false;
}

void landlock_explain_exec(const struct plan *pl, const char *path, int err)
{
	const struct landlock_plan *ll = &pl->landlock;
	const struct origin *at = pl->pol->ll_exec_at.file ? &pl->pol->ll_exec_at : ll->at;
	char prog[PATH_MAX], interp[PATH_MAX];
	const char *what = "the command";

	if (ll->ruleset_fd < 0 || !(ll->fs & FS_EXECUTE) || err != EACCES)
		return;
	snprintf(prog, sizeof(prog), "%s", path);
	/* The program, then each interpreter the kernel opens to run it (a
	 * script's, then that one's ELF interpreter). */
	for (int depth = 0; depth < 4; depth++) {
		char real[PATH_MAX];
		int fd = open(prog, O_RDONLY | O_CLOEXEC);
		bool more;

		/* Executing needs read too: a refused open is the same verdict. */
		if (fd < 0 || (granted_fd(ll, fd, prog) & FS_EXEC) != FS_EXEC)
			die(EXIT_HARDEN,
			    "landlock: %s[landlock] exec: %s (%s, %s) is not beneath any exec path: the "
			    "service "
			    "could not start",
			    where(at), prog, what, realpath(prog, real) ? real : strerror(errno));
		more = interpreter(fd, interp, sizeof(interp));
		close(fd);
		if (!more)
			break;
		snprintf(prog, sizeof(prog), "%s", interp);
		what = "its interpreter";
	}
	errno = err;
}

void landlock_check_late(const struct plan *pl)
{
	const struct landlock_plan *ll = &pl->landlock;
	const struct origin *at = pl->pol->ll_read_at.file ? &pl->pol->ll_read_at : ll->at;

	if (ll->ruleset_fd < 0 || !(ll->fs & FS_READ_FILE) || !pl->shim_path)
		return;
	if (!(granted(ll, pl->shim_path) & FS_READ_FILE))
		die(EXIT_HARDEN,
		    "landlock: %s[landlock] read: %s (the preload shim of a late apply) is not beneath any "
		    "read or exec path",
		    where(at), pl->shim_path);
	/* The shim checks its own state in /proc/self/stat and each thread's
	 * /proc/self/task/N/status before and after its trigger. */
	if ((granted(ll, "/proc/self/task") & FS_READ) != FS_READ)
		die(EXIT_HARDEN,
		    "landlock: %s[landlock] read: /proc is not beneath any read path, and the preload shim "
		    "of a late apply reads /proc/self",
		    where(at));
}

void landlock_text(uint64_t fs, uint64_t net, uint64_t scoped, char *buf, size_t len)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} fsn[] = {
	    {FS_EXECUTE, "execute"},	 {FS_WRITE_FILE, "write_file"}, {FS_READ_FILE, "read_file"},
	    {FS_READ_DIR, "read_dir"},	 {FS_REMOVE_DIR, "remove_dir"}, {FS_REMOVE_FILE, "remove_file"},
	    {FS_MAKE_CHAR, "make_char"}, {FS_MAKE_DIR, "make_dir"},	{FS_MAKE_REG, "make_reg"},
	    {FS_MAKE_SOCK, "make_sock"}, {FS_MAKE_FIFO, "make_fifo"},	{FS_MAKE_BLOCK, "make_block"},
	    {FS_MAKE_SYM, "make_sym"},	 {FS_REFER, "refer"},		{FS_TRUNCATE, "truncate"},
	    {FS_IOCTL_DEV, "ioctl_dev"}};
	size_t n = 0;

	buf[0] = '\0';
	if (fs == fs_rights(landlock_abi()) && fs)
		n += (size_t)snprintf(buf + n, len - n, "every filesystem right");
	else
		for (size_t i = 0; i < sizeof(fsn) / sizeof(fsn[0]) && n < len; i++)
			if (fs & fsn[i].bit)
				n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", fsn[i].name);
	if (n < len && (net & NET_BIND_TCP))
		n += (size_t)snprintf(buf + n, len - n, "%stcp_bind", n ? " " : "");
	if (n < len && (net & NET_CONNECT_TCP))
		n += (size_t)snprintf(buf + n, len - n, "%stcp_connect", n ? " " : "");
	if (n < len && (scoped & SCOPE_ABSTRACT_UNIX))
		n += (size_t)snprintf(buf + n, len - n, "%sscope abstract_unix", n ? " " : "");
	if (n < len && (scoped & SCOPE_SIGNAL))
		n += (size_t)snprintf(buf + n, len - n, "%sscope signal", n ? " " : "");
	if (!n)
		snprintf(buf, len, "nothing");
}
