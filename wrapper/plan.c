/* SPDX-License-Identifier: MIT */
/*
 * Plan building: users and groups resolved, paths opened and checked,
 * the seccomp program generated. Every failure here names FILE:LINE and
 * happens before any state of the process has changed.
 */
#include "plan.h"
#include "../core/log.h"
#include "cgroup.h"
#include "late.h"
#include "mounts.h"
#include "ns.h"
#include "../core/sysnames.h"
#include "sets.h"
#include "users.h"
#include "violations.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <linux/capability.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/handoff.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* "FILE:LINE: " for a setting, or "" when it has no origin (one static
 * buffer: one use per message). Every control's plan and apply use it. */
const char *where(const struct origin *o)
{
	static char buf[600];

	if (!o || !o->file)
		return "";
	snprintf(buf, sizeof(buf), "%s:%d: ", o->file, o->line);
	return buf;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		die(EXIT_HARDEN, "out of memory");
	return p;
}

/* ---- 1. sanitise ---- */

static void add_keep_fd(struct plan *pl, int fd)
{
	for (size_t i = 0; i < pl->nkeep; i++)
		if (pl->keep_fds[i] == fd)
			return;
	if (pl->nkeep >= PLAN_MAX_FDS)
		die(EXIT_HARDEN, "more than %d descriptors to pass", PLAN_MAX_FDS);
	pl->keep_fds[pl->nkeep++] = fd;
}

/*
 * Socket activation (sd_listen_fds(3)): LISTEN_FDS descriptors from 3 on,
 * meant for LISTEN_PID. harden-exec execs in place, so the pid stays the
 * service's and the descriptors pass as they are.
 */
static int listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	char *end;
	long v;

	if (!pid || !n)
		return 0;
	errno = 0;
	v = strtol(pid, &end, 10);
	if (errno || *end || v != getpid())
		return 0;
	v = strtol(n, &end, 10);
	if (errno || *end || v < 0 || v > PLAN_MAX_FDS - 3)
		die(EXIT_HARDEN, "sanitise: LISTEN_FDS=%s: not a descriptor count", n);
	return (int)v;
}

static int name_in(const struct strlist *l, const char *entry)
{
	size_t n = strcspn(entry, "=");

	for (size_t i = 0; i < l->n; i++) {
		size_t m = strcspn(l->v[i], "=");

		if (m == n && !strncmp(l->v[i], entry, n))
			return 1;
	}
	return 0;
}

/*
 * glibc's own list of variables it drops for setuid programs (besides
 * LD_*): each makes the C library load or read files the caller chose.
 */
static int unsafe_variable(const char *entry)
{
	static const char *const names[] = {"GCONV_PATH",  "GETCONF_DIR", "GLIBC_TUNABLES",   "HOSTALIASES",
					    "LOCALDOMAIN", "LOCPATH",	  "MALLOC_TRACE",     "NIS_PATH",
					    "NLSPATH",	   "RES_OPTIONS", "RESOLV_HOST_CONF", "TMPDIR",
					    "TZDIR"};
	size_t n = strcspn(entry, "=");

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !strncmp(entry, names[i], n))
			return 1;
	return 0;
}

static void env_put(char ***env, size_t *n, const char *entry)
{
	size_t len = strcspn(entry, "=");

	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*env)[i], entry, len) && (*env)[i][len] == '=') {
			(*env)[i] = (char *)entry;
			return;
		}
	*env = realloc(*env, (*n + 2) * sizeof(**env));
	if (!*env)
		die(EXIT_HARDEN, "out of memory");
	(*env)[(*n)++] = (char *)entry;
	(*env)[*n] = NULL;
}

/* ---- the environment, each name once ---- */

struct env_item {
	const char *e;
	size_t len, pos;
};

static int env_cmp(const void *a, const void *b)
{
	const struct env_item *x = a, *y = b;
	int c = memcmp(x->e, y->e, x->len < y->len ? x->len : y->len);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * @in (@n entries, a later one winning) as an environment holding each
 * name once, at the place of its first occurrence: what env_put() one
 * entry at a time gives, in O(n log n) rather than O(n^2) (a 1 MiB
 * policy of env_set items took 20 s to plan; issue 13, item 16).
 */
static char **env_unique(char **in, size_t n, size_t *out_n)
{
	struct env_item *it = xcalloc(n, sizeof(*it));
	char **slot = xcalloc(n + 1, sizeof(*slot));
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		it[i] = (struct env_item){in[i], strcspn(in[i], "="), i};
	qsort(it, n, sizeof(*it), env_cmp);
	for (size_t i = 0, j; i < n; i = j + 1) {
		for (j = i;
		     j + 1 < n && it[j + 1].len == it[i].len && !memcmp(it[j + 1].e, it[i].e, it[i].len); j++)
			;
		slot[it[i].pos] = (char *)it[j].e;
	}
	for (size_t i = 0; i < n; i++)
		if (slot[i])
			slot[m++] = slot[i];
	slot[m] = NULL;
	free(it);
	*out_n = m;
	return slot;
}

/*
 * The service's environment. `inherit` passes ours less the dynamic
 * loader's variables (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT ...), which
 * would run foreign code inside the hardened service unless the policy
 * names them; `clear` passes only env_keep. env_set wins over both. A
 * service always gets a PATH.
 */
static void plan_env(struct plan *pl, const struct policy *p, int nlisten)
{
	size_t n = 0, total = p->env_set.n;
	char **cand, **env;

	for (char **e = environ; e && *e; e++)
		total++;
	cand = xcalloc(total + 1, sizeof(*cand));
	for (char **e = environ; e && *e; e++) {
		int keep = name_in(&p->env_keep, *e);

		if (!strncmp(*e, "LISTEN_", 7) && nlisten)
			keep = 1;
		else if (p->env == ENV_CLEAR)
			;
		else if (!strncmp(*e, "LD_", 3) || unsafe_variable(*e))
			;
		else
			keep = 1;
		if (keep && strchr(*e, '='))
			cand[n++] = *e;
	}
	for (size_t i = 0; i < p->env_set.n; i++)
		cand[n++] = p->env_set.v[i];
	env = env_unique(cand, n, &n);
	free(cand);
	if (!name_in(&(struct strlist){env, n}, "PATH"))
		env_put(&env, &n, "PATH=" DEFAULT_PATH);
	pl->envp = env;
}

static void plan_sanitise(struct plan *pl, const struct policy *p)
{
	int nlisten = listen_fds();

	for (int i = 0; i < nlisten; i++)
		add_keep_fd(pl, 3 + i);
	for (size_t i = 0; i < p->pass_fds.n; i++) {
		int fd = atoi(p->pass_fds.v[i]);

		if (!pl->dry && fcntl(fd, F_GETFD) < 0)
			die(EXIT_HARDEN, "%s[exec] pass_fds: descriptor %d is not open",
			    where(&p->pass_fds_at), fd);
		add_keep_fd(pl, fd);
	}
	plan_env(pl, p, nlisten);
	pl->setsid = p->setsid ? p->setsid : TRI_AUTO;
}

/* ---- 5. filesystem ---- */

/* The workdir must exist where the service will look: inside the chroot
 * when there is one (RESOLVE_IN_ROOT resolves as if chrooted). */
static void plan_workdir(const struct plan *pl, const struct policy *p)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
	int fd;

	if (!p->workdir || p->root) /* in a new root: entered after pivot_root */
		return;
	if (pl->root_fd >= 0)
		fd = (int)syscall(SYS_openat2, pl->root_fd, p->workdir, &how, sizeof(how));
	else
		fd = open(p->workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_HARDEN, "%s[filesystem] workdir = %s: %s%s", where(&p->workdir_at), p->workdir,
		    strerror(errno), pl->root_fd >= 0 ? " (inside the chroot)" : "");
	close(fd);
}

/*
 * Open the chroot folder without following any symlink on the way
 * (openat2 RESOLVE_NO_SYMLINKS), check it on the opened descriptor, and
 * chroot into exactly that descriptor later: nobody can swap it between
 * check and use. A folder a non-root user can write would let that user
 * plant the libraries and binaries the service runs.
 */
static void plan_filesystem(struct plan *pl, const struct policy *p)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	struct stat st;
	int fd;

	pl->root_fd = -1;
	pl->workdir = p->workdir;
	if (!p->chroot) {
		plan_workdir(pl, p);
		return;
	}
	fd = (int)syscall(SYS_openat2, AT_FDCWD, p->chroot, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = open(p->chroot, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_HARDEN, "%s[filesystem] chroot = %s: %s", where(&p->chroot_at), p->chroot,
		    errno == ELOOP ? "a symbolic link on the path (refused)" : strerror(errno));
	if (fstat(fd, &st))
		die(EXIT_HARDEN, "%s[filesystem] chroot = %s: %s", where(&p->chroot_at), p->chroot,
		    strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		die(EXIT_HARDEN,
		    "%s[filesystem] chroot = %s: must be owned by root and not writable by group or others "
		    "(refused)",
		    where(&p->chroot_at), p->chroot);
	pl->root_fd = fd;
	pl->jailed = true;
	pl->internal_fds[pl->ninternal++] = fd;
	plan_workdir(pl, p);
}

/* ---- 7. identity ---- */

static int numeric_id(const char *s, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out < 0xffffffffUL;
}

static gid_t resolve_group(const struct origin *o, const char *key, const char *name)
{
	unsigned long id;
	gid_t gid;

	if (numeric_id(name, &id))
		return (gid_t)id;
	if (group_by_name(name, &gid))
		die(EXIT_HARDEN, "%s[identity] %s = %s: no such group%s%s", where(o), key, name,
		    *USERS_SOURCE ? " " : "", USERS_SOURCE);
	return gid;
}

static void plan_identity(struct plan *pl, const struct policy *p)
{
	struct user u = {0};
	bool known = false;
	unsigned long id;

	if (!p->user && !p->group && !p->groups)
		return;
	pl->ids = true;
	pl->uid = getuid();
	pl->gid = getgid();
	if (p->user) {
		if (numeric_id(p->user, &id)) {
			pl->uid = (uid_t)id;
			known = !user_by_uid(pl->uid, &u);
		} else {
			if (user_by_name(p->user, &u))
				die(EXIT_HARDEN, "%s[identity] user = %s: no such user%s%s",
				    where(&p->user_at), p->user, *USERS_SOURCE ? " " : "", USERS_SOURCE);
			known = true;
			pl->uid = u.uid;
		}
		if (known)
			pl->gid = u.gid;
		else if (!p->group)
			die(EXIT_HARDEN, "%s[identity] user = %s: no passwd entry, so give group too",
			    where(&p->user_at), p->user);
	}
	if (p->group)
		pl->gid = resolve_group(&p->group_at, "group", p->group);
	/* The new user's own HOME, USER and LOGNAME, as login(1) and
	 * systemd's User= give them, unless env_set says otherwise. */
	if (known) {
		char *e[3];
		size_t n = 0;

		while (pl->envp[n])
			n++;
		if (asprintf(&e[0], "HOME=%s", u.dir) < 0 || asprintf(&e[1], "USER=%s", u.name) < 0 ||
		    asprintf(&e[2], "LOGNAME=%s", u.name) < 0)
			die(EXIT_HARDEN, "out of memory");
		for (int i = 0; i < 3; i++)
			if (!name_in(&p->env_set, e[i]))
				env_put(&pl->envp, &n, e[i]);
	}

	/* A user change drops inherited supplementary groups unless asked. */
	pl->set_groups = true;
	switch (p->groups) {
	case GROUPS_UNSET:
	case GROUPS_NONE:
		pl->ngroups = 0;
		pl->groups = xcalloc(1, sizeof(gid_t));
		break;
	case GROUPS_INIT:
		if (!known)
			die(EXIT_HARDEN,
			    "%s[identity] supplementary_groups = init: needs a user with a passwd entry",
			    where(&p->groups_at));
		if (user_groups(&u, pl->gid, &pl->groups, &pl->ngroups))
			die(EXIT_HARDEN, "%s[identity] supplementary_groups = init: cannot read %s's groups",
			    where(&p->groups_at), u.name);
		break;
	case GROUPS_LIST:
		pl->groups = xcalloc(p->group_list.n, sizeof(gid_t));
		for (size_t i = 0; i < p->group_list.n; i++)
			pl->groups[i] =
			    resolve_group(&p->groups_at, "supplementary_groups", p->group_list.v[i]);
		pl->ngroups = p->group_list.n;
		break;
	}
	free(u.name);
	free(u.dir);
}

/* ---- 8. capabilities ---- */

/* Permitted and effective capabilities of this process now. */
static void current_caps(uint64_t *perm, uint64_t *eff)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};

	*perm = *eff = 0;
	if (syscall(SYS_capget, &h, d))
		return;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
}

/* A hard limit can only go up with CAP_SYS_RESOURCE: say so now. A dry
 * plan (check, audit, verify) judges the policy, not the caller: a CI
 * gate needs no privilege to validate it (issue 12, item 10). */
static void plan_limits(const struct plan *pl, const struct policy *p)
{
	uint64_t perm, eff;

	if (pl->dry)
		return;
	current_caps(&perm, &eff);
	if (eff & (1ull << CAP_SYS_RESOURCE))
		return;
	for (int r = 0; r < NLIMITS; r++) {
		const struct limit_setting *ls = &p->limits[r];
		struct rlimit cur;

		if (!ls->at.file || getrlimit(r, &cur) || cur.rlim_max == RLIM_INFINITY)
			continue;
		if (ls->hard != RLIM_INFINITY && ls->hard <= cur.rlim_max)
			continue;
		die(EXIT_HARDEN,
		    "%s[limits] %s: the hard limit is %llu now; raising it needs CAP_SYS_RESOURCE",
		    where(&ls->at), limit_name(r), (unsigned long long)cur.rlim_max);
	}
}

static void plan_caps(struct plan *pl, const struct policy *p)
{
	uint64_t perm, eff;

	pl->last_cap = (int)cap_max_bits() - 1;
	/*
	 * bound (the baseline's): a service that stays root keeps those of
	 * the list it holds, to drop privileges itself; one that runs as
	 * another user keeps nothing, so no list meant for root is ever
	 * handed to an ordinary user. keep, when given, wins. In a chroot,
	 * root with CAP_SYS_CHROOT could leave it (chroot(2), NOTES): never
	 * kept there.
	 */
	if (!p->caps_keep_at.file && p->caps_bound_at.file) {
		current_caps(&perm, &eff);
		pl->caps = true;
		pl->caps_keep = (pl->ids ? pl->uid : getuid()) == 0 ? p->caps_bound & perm : 0;
		if (p->chroot)
			pl->caps_keep &= ~(1ull << CAP_SYS_CHROOT);
		return;
	}
	if (!p->caps_keep_at.file)
		return;
	current_caps(&perm, &eff);
	for (int c = 0; c < 64 && !pl->dry; c++)
		if (p->caps_keep & ~perm & (1ull << c)) {
			char *name = cap_to_name(c);

			for (char *q = name; q && *q; q++)
				*q = (char)toupper((unsigned char)*q);
			die(EXIT_HARDEN, "%s[capabilities] keep: %s: this process does not have it to keep",
			    where(&p->caps_keep_at), name ? name : "?");
		}
	pl->caps = true;
	pl->caps_keep = p->caps_keep;
	for (int c = pl->last_cap + 1; c < 64; c++)
		if (p->caps_keep & (1ull << c))
			die(EXIT_HARDEN, "%s[capabilities] keep: capability %d is not known to this kernel",
			    where(&p->caps_keep_at), c);
}

/* ---- 10. seccomp ---- */

/* A set's native members, expanded at build time (tools/gen-sysnames.c). */
static int set_members(const char *name, bool member[FILTER_NR_MAX])
{
	const struct sysset *set = sysset_find(name);
	const unsigned char *bits;

	if (!set)
		return -1;
	bits = sysset_bits[set - sysset_table];
	for (int byte = 0; byte < SYSNAMES_NR_MAX / 8 && byte * 8 < FILTER_NR_MAX; byte++)
		for (unsigned b = bits[byte]; b; b &= b - 1)
			member[byte * 8 + __builtin_ctz(b)] = true;
	return 0;
}

void plan_expand(const struct strlist *items, bool member[FILTER_NR_MAX])
{
	for (size_t i = 0; i < items->n; i++) {
		const char *it = items->v[i];

		if (it[0] == '@')
			set_members(it, member);
		else {
			/* A number (the parser checked its range) or a name. */
			int nr = isdigit((unsigned char)it[0]) ? atoi(it) : sysname_nr(it);

			if (nr >= 0 && nr < FILTER_NR_MAX)
				member[nr] = true;
		}
	}
}

static void check_syscall(struct filter_spec *s, const char *name, uint8_t chk)
{
	int nr = sysname_nr(name);

	if (nr >= 0 && nr < FILTER_NR_MAX)
		s->check[nr] = chk;
}

static void force_action(struct filter_spec *s, const char *name, uint32_t action)
{
	int nr = sysname_nr(name);

	if (nr >= 0 && nr < FILTER_NR_MAX)
		s->action[nr] = action;
}

/* ---- argument rules: [seccomp] ioctl, prctl, socket_types, clone_flags ---- */

/* The values of a rule's list, each once (the parser checked them). */
static unsigned rule_values(const struct strlist *l, enum argkind kind, uint32_t *out, const struct origin *o,
			    const char *key)
{
	unsigned n = 0;

	for (size_t i = 0; i < l->n; i++) {
		uint32_t v = 0;
		unsigned j;

		argname_value(kind, l->v[i], &v);
		for (j = 0; j < n && out[j] != v; j++)
			;
		if (j < n)
			continue;
		if (n == FILTER_MAX_VALUES)
			die(EXIT_HARDEN, "%s[seccomp] %s: more than %d values", where(o), key,
			    FILTER_MAX_VALUES);
		out[n++] = v;
	}
	return n;
}

/* A rule on a syscall the filter refuses anyway would do nothing. */
static void rule_target(struct filter_spec *s, const char *name, const struct origin *o, const char *key)
{
	int nr = sysname_nr(name);
	uint32_t a = s->action[nr] & SECCOMP_RET_ACTION_FULL;

	if (a != SECCOMP_RET_ALLOW && a != SECCOMP_RET_LOG)
		die(EXIT_HARDEN, "%s[seccomp] %s: the filter refuses %s itself (allow it, or drop this rule)",
		    where(o), key, name);
}

static void policy_argument_rules(struct filter_spec *s, const struct policy *p)
{
	uint32_t v[FILTER_MAX_VALUES];
	unsigned n;

	if (p->ioctls_at.file) {
		rule_target(s, "ioctl", &p->ioctls_at, "ioctl");
		s->nioctls = rule_values(&p->ioctls, ARG_IOCTL, s->ioctls, &p->ioctls_at, "ioctl");
		check_syscall(s, "ioctl", CHK_IOCTL_LIST);
	}
	if (p->prctls_at.file) {
		rule_target(s, "prctl", &p->prctls_at, "prctl");
		s->nprctls = rule_values(&p->prctls, ARG_PRCTL, s->prctls, &p->prctls_at, "prctl");
		check_syscall(s, "prctl", CHK_PRCTL_LIST);
	}
	if (p->socket_types_at.file) {
		rule_target(s, "socket", &p->socket_types_at, "socket_types");
		n = rule_values(&p->socket_types, ARG_SOCKET_TYPE, v, &p->socket_types_at, "socket_types");
		s->socket_types = 0;
		for (unsigned i = 0; i < n; i++)
			s->socket_types |= (uint16_t)(1u << v[i]);
		check_syscall(s, "socket", p->families_at.file ? CHK_SOCKET_BOTH : CHK_SOCKET_TYPE);
	}
	if (p->clone_flags_at.file) {
		uint32_t keep = FILTER_CLONE_SIGNAL;

		rule_target(s, "clone", &p->clone_flags_at, "clone_flags");
		n = rule_values(&p->clone_flags, ARG_CLONE_FLAG, v, &p->clone_flags_at, "clone_flags");
		for (unsigned i = 0; i < n; i++)
			keep |= v[i];
		/* restrict_namespaces still wins over a listed CLONE_NEW* flag. */
		s->clone_refused = ~keep | (p->restrict_namespaces == TRI_YES ? FILTER_CLONE_NEW_FLAGS : 0);
		check_syscall(s, "clone", CHK_CLONE_MASK);
	}
}

/*
 * One filter: an allow-list when @allow is given (what it allows less
 * @deny), else a deny-list; @refuse is what refused calls get.
 */
static void build_spec(struct filter_spec *spec, const struct plan *pl, const struct strlist *allow,
		       const struct strlist *deny, uint32_t refuse, bool guard_sigsys, bool argument_rules)
{
	static bool in_allow[FILTER_NR_MAX], in_deny[FILTER_NR_MAX];
	const struct policy *p = pl->pol;

	memset(in_allow, 0, sizeof(in_allow));
	memset(in_deny, 0, sizeof(in_deny));
	plan_expand(deny, in_deny);
	if (allow) {
		/* As systemd's SystemCallFilter=: an allow-list always
		 * includes what every program needs to start and exit. */
		static char *dflt[] = {"@default", NULL};

		plan_expand(allow, in_allow);
		plan_expand(&(struct strlist){dflt, 1}, in_allow);
		filter_spec_init(spec, refuse);
		for (int nr = 0; nr < FILTER_NR_MAX; nr++)
			if (in_allow[nr] && !in_deny[nr])
				spec->action[nr] = SCMP_ACT_ALLOW;
	} else {
		filter_spec_init(spec, SCMP_ACT_ALLOW);
		for (int nr = 0; nr < FILTER_NR_MAX; nr++)
			if (in_deny[nr])
				spec->action[nr] = refuse;
	}
	/*
	 * clone3 passes its flags in memory a filter cannot read: answer
	 * ENOSYS so libc falls back to clone(2), whose flags it can.
	 * io_uring performs I/O that no filter ever sees: refused the same
	 * way, so programs take their ordinary I/O path.
	 */
	force_action(spec, "clone3", SCMP_ACT_ERRNO(ENOSYS));
	force_action(spec, "io_uring_setup", SCMP_ACT_ERRNO(ENOSYS));
	force_action(spec, "io_uring_enter", SCMP_ACT_ERRNO(ENOSYS));
	force_action(spec, "io_uring_register", SCMP_ACT_ERRNO(ENOSYS));
	check_syscall(spec, "ioctl", CHK_IOCTL_TTY);
	/*
	 * In a chroot, a file handle names any inode of the filesystem,
	 * outside the new root too: with CAP_DAC_READ_SEARCH, a forged
	 * handle of inode 2 opens the host's / (the "shocker" escape from
	 * Docker 0.11, 2014; second security review, item 3). Refused in
	 * every filter of a jailed service. name_to_handle_at stays: it
	 * only names what the service can already reach by path.
	 */
	if (pl->jailed)
		force_action(spec, "open_by_handle_at", refuse);
	if (guard_sigsys)
		check_syscall(spec, "rt_sigaction", CHK_SIGSYS);
	if (!argument_rules)
		return; /* the early filter of a late policy: a plain deny-list */
	if (p->families_at.file) {
		spec->af_allowed = p->families;
		check_syscall(spec, "socket", CHK_SOCKET_AF);
	}
	if (p->mdwe == TRI_YES) {
		check_syscall(spec, "mmap", CHK_MMAP_WX);
		check_syscall(spec, "mprotect", CHK_PROT_EXEC);
		check_syscall(spec, "pkey_mprotect", CHK_PROT_EXEC);
		check_syscall(spec, "shmat", CHK_SHM_EXEC);
	}
	if (p->restrict_namespaces == TRI_YES) {
		check_syscall(spec, "clone", CHK_NAMESPACES);
		check_syscall(spec, "unshare", CHK_NAMESPACES);
		check_syscall(spec, "setns", CHK_SETNS);
	}
	/* W^X implies the lock: personality(READ_IMPLIES_EXEC) makes every
	 * readable mapping executable without any mprotect (second security
	 * review, item 5). */
	if (p->lock_personality == TRI_YES || p->mdwe == TRI_YES) {
		int cur = personality(0xffffffff);

		spec->personas[spec->npersonas++] = PER_LINUX;
		if (cur != -1 && cur != PER_LINUX)
			spec->personas[spec->npersonas++] = (uint32_t)cur;
		check_syscall(spec, "personality", CHK_PERSONALITY);
	}
	policy_argument_rules(spec, p);
}

static struct sock_filter *compile(const struct filter_spec *spec, size_t *len, const struct origin *o)
{
	struct sock_filter *bpf = malloc(FILTER_MAX_INSNS * sizeof(*bpf)); /* written as built */
	int n = bpf ? filter_build(spec, bpf, FILTER_MAX_INSNS) : -1;

	if (n < 0)
		die(EXIT_HARDEN, "%s[seccomp]: %s", where(o),
		    errno == ENOTSUP ? "seccomp filters are not generated for this architecture yet"
				     : "the filter does not fit in 4096 instructions");
	*len = (size_t)n;
	return bpf;
}

/* The wrapper's last act is execve: a filter that refuses it can never
 * start the service. */
static void check_execve(const struct sock_filter *bpf, size_t len, const struct origin *o)
{
	struct seccomp_data d = {.nr = __NR_execve, .arch = filter_native_arch()};

	uint32_t a = filter_run(bpf, len, &d) & SECCOMP_RET_ACTION_FULL;

	if (a != SCMP_ACT_ALLOW && a != SCMP_ACT_LOG)
		die(EXIT_HARDEN,
		    "%s[seccomp]: the filter refuses execve, so the service could never start "
		    "(hint: allow execve here; forbidding it for the service needs a late apply)",
		    where(o));
}

/*
 * [log] violations = yes: the filter the service runs sends the policy's
 * refusals to the supervisor (SECCOMP_RET_USER_NOTIF), which answers each
 * with the verdict of the program built just before (wrapper/violations.c).
 * Allowed calls keep their verdicts, so they stay on the action cache.
 */
static void plan_violations(struct plan *pl, struct filter_spec *spec, const struct strlist *allow,
			    uint32_t action, const struct origin *o)
{
	const struct policy *p = pl->pol;
	uint32_t kind = action & SECCOMP_RET_ACTION_FULL;

	if (kind == SECCOMP_RET_TRAP || kind == SECCOMP_RET_LOG)
		die(EXIT_HARDEN, "%s[log] violations = yes: not with action = %s (%s)",
		    where(&p->log_violations_at), kind == SECCOMP_RET_TRAP ? "trap" : "log",
		    kind == SECCOMP_RET_TRAP ? "its SIGSYS is for the service's own handler"
					     : "a logged call is not refused");
	pl->verdict_bpf = pl->bpf;
	pl->verdict_bpf_len = pl->bpf_len;
	build_spec(spec, pl, allow, &p->deny, SECCOMP_RET_USER_NOTIF, false, true);
	spec->notify = 1;
	spec->action[VIOLATION_HANDSHAKE_NR] = SECCOMP_RET_USER_NOTIF;
	pl->bpf = compile(spec, &pl->bpf_len, o);
	check_execve(pl->bpf, pl->bpf_len, o);
	pl->violations = true;
	violations_plan(pl);
}

static void plan_seccomp(struct plan *pl, const struct policy *p)
{
	static struct filter_spec spec;
	uint32_t action = p->action_at.file ? p->action : SCMP_ACT_KILL_PROCESS;
	static bool denied[FILTER_NR_MAX];
	const struct origin *o;
	const struct strlist *allow = p->allow_at.file ? &p->allow : NULL;
	bool any = p->allow_at.file || p->deny_at.file || p->families_at.file || p->mdwe == TRI_YES ||
		   p->lock_personality == TRI_YES || p->restrict_namespaces == TRI_YES || pl->jailed ||
		   p->ioctls_at.file || p->prctls_at.file || p->socket_types_at.file ||
		   p->clone_flags_at.file;

	if (p->log_kernel == TRI_YES && !any && !p->early_deny_at.file)
		die(EXIT_HARDEN, "%s[log] kernel = yes: the policy has no seccomp filter to log for",
		    where(&p->log_kernel_at));
	pl->filter_flags = p->log_kernel == TRI_YES ? SECCOMP_FILTER_FLAG_LOG : 0;
	if (p->log_violations == TRI_YES && (pl->late || (!any && !p->early_deny_at.file)))
		die(EXIT_HARDEN, "%s[log] violations = yes: %s", where(&p->log_violations_at),
		    pl->late ? "only with apply = exec (the preload shim reports a late filter's kills)"
			     : "the policy has no seccomp filter to report for");
	if (!p->early_deny_at.file && !any)
		return;
	memset(denied, 0, sizeof(denied));
	plan_expand(&p->deny, denied);
	o = p->allow_at.file && !denied[__NR_execve] ? &p->allow_at : &p->deny_at;
	if (pl->late) {
		uint32_t kind = action & SECCOMP_RET_ACTION_FULL;

		if (!any)
			return; /* refused in plan_late */
		/* Refused calls trap, so the shim can say which one it was and
		 * then do what the policy asked (kill, or return the errno). */
		/* Only a kill is reported: a trap standing for an errno would
		 * kill programs the service execs (no handler there) and
		 * threads that block SIGSYS (the kernel then forces it). */
		pl->report = kind == SCMP_ACT_KILL_PROCESS;
		pl->violation_action = action;
		/* SIGSYS stays the shim's only while it reports (kill): with
		 * errno or log no SIGSYS ever comes from the filter, and a
		 * service may ignore or handle it (nginx ignores it). */
		build_spec(&spec, pl, allow, &p->deny, pl->report ? SCMP_ACT_TRAP : action, pl->report, true);
		pl->late_bpf = compile(&spec, &pl->late_bpf_len, o);
		memcpy(pl->checks, spec.check, sizeof(pl->checks));
		memcpy(pl->actions, spec.action, sizeof(pl->actions));
		if (p->early_deny_at.file) {
			build_spec(&spec, pl, NULL, &p->early_deny, action, false, false);
			pl->bpf = compile(&spec, &pl->bpf_len, &p->early_deny_at);
			check_execve(pl->bpf, pl->bpf_len, &p->early_deny_at);
		}
	} else {
		if (p->early_deny_at.file)
			die(EXIT_HARDEN,
			    "%s[seccomp] early_deny: only with a late apply (main, listen, accept or ready)",
			    where(&p->early_deny_at));
		build_spec(&spec, pl, allow, &p->deny, action, false, true);
		pl->bpf = compile(&spec, &pl->bpf_len, o);
		memcpy(pl->checks, spec.check, sizeof(pl->checks));
		memcpy(pl->actions, spec.action, sizeof(pl->actions));
		check_execve(pl->bpf, pl->bpf_len, o);
		if (p->log_violations == TRI_YES)
			plan_violations(pl, &spec, allow, action, o);
	}
}

/*
 * A late policy: identity and the seccomp filter move to the trigger,
 * the capabilities go with the uid change there (the kernel clears every
 * set of every thread when uid 0 becomes another without keep-caps).
 */
static void plan_late(struct plan *pl, const struct policy *p)
{
	char why[512];

	pl->handoff_fd = -1;
	if (!pl->late) {
		if (p->deadline_ms_at.file)
			die(EXIT_HARDEN, "%s[seccomp] deadline: only with a late apply",
			    where(&p->deadline_ms_at));
		return;
	}
	if (!pl->late_bpf)
		die(EXIT_HARDEN, "%s[seccomp] apply: a late apply needs allow or deny", where(&p->apply_at));
	/* The kernel drops SIGKILL sent to a pid namespace's init from inside
	 * the namespace: the supervisor could not enforce the deadline. */
	if (getpid() == 1)
		die(EXIT_HARDEN,
		    "%s[seccomp] apply: a late apply cannot run as pid 1 (the deadline could not be "
		    "enforced): "
		    "start harden-exec under an init (docker run --init) or use apply = exec",
		    where(&p->apply_at));
	if (!pl->nnp)
		die(EXIT_HARDEN, "%s[exec] no_new_privs = no: a late apply needs no_new_privs",
		    where(&p->no_new_privs_at));
	/* Without a change to another user, the capabilities step keeps its
	 * set at exec, as in exec mode (the baseline's bound set for root). */
	if (pl->caps && pl->caps_keep && pl->ids && pl->uid != 0)
		die(EXIT_HARDEN,
		    "%s[capabilities] keep: with a late apply, capabilities are dropped by the change to a "
		    "non-root [identity] user at the trigger, so none can be kept: use keep = none",
		    where(&p->caps_keep_at));
	/* keep = none with a non-root user: the uid change at the trigger
	 * drops them. Without one (the baseline included in a late policy),
	 * the capabilities step drops them at exec, before the service's
	 * initialisation, as in exec mode (issue 12, item 10). */
	if (pl->ids && pl->uid != 0)
		pl->caps = false;
	pl->shim_path = late_find_shim(why, sizeof(why));
	if (!pl->shim_path)
		die(EXIT_HARDEN, "%s[seccomp] apply: %s", where(&p->apply_at), why);
	pl->expected_filters = late_current_filters() + (pl->bpf ? 1 : 0) + 1;
	pl->deadline_ms = p->deadline_ms_at.file ? p->deadline_ms : 30000;
	if (pl->dry)
		return;
	pl->handoff_fd = late_handoff_create(pl);
	pl->internal_fds[pl->ninternal++] = pl->handoff_fd;
	late_supervise(pl);
}

/* The preload and the handoff descriptor, for the service's environment. */
static void late_env(struct plan *pl)
{
	char **env = pl->envp, *fdvar, *preload;
	const char *old = NULL;
	size_t n = 0;

	for (; env[n]; n++)
		if (!strncmp(env[n], "LD_PRELOAD=", 11))
			old = env[n] + 11;
	if (asprintf(&fdvar, "%s=%d", HANDOFF_ENV, pl->handoff_fd) < 0 ||
	    asprintf(&preload, "LD_PRELOAD=%s%s%s", pl->shim_path, old && *old ? ":" : "", old ? old : "") <
		0)
		die(EXIT_HARDEN, "out of memory");
	env_put(&pl->envp, &n, fdvar);
	env_put(&pl->envp, &n, preload);
}

size_t plan_allowed(const struct plan *pl)
{
	const struct sock_filter *bpf = pl->late ? pl->late_bpf : pl->bpf;
	size_t len = pl->late ? pl->late_bpf_len : pl->bpf_len, n = 0;

	for (int nr = 0; nr < FILTER_NR_MAX && bpf; nr++) {
		struct seccomp_data d = {.nr = nr, .arch = filter_native_arch()};
		/* A real syscall, allowed whatever its arguments. */
		n += sysname_name(nr) && filter_run(bpf, len, &d) == SCMP_ACT_ALLOW && !pl->checks[nr];
	}
	return n;
}

void plan_build(struct plan *pl, const struct policy *p, char **argv, bool dry)
{
	memset(pl, 0, sizeof(*pl));
	pl->dry = dry;
	pl->pol = p;
	pl->argv = argv;
	plan_sanitise(pl, p);
	plan_filesystem(pl, p);
	plan_identity(pl, p);
	/* 4-5. Namespaces and the jail, once the identity is known (it must
	 * be mapped, and owns the tmpfs mounts). */
	ns_plan_build(pl, p);
	mounts_plan_build(pl, p);
	plan_limits(pl, p);
	/* 3. cgroup: hierarchies found and limits checked before any change. */
	cgroup_plan(pl, p);
	plan_caps(pl, p);
	pl->nnp = p->no_new_privs != TRI_NO;
	pl->pdeathsig = p->die_with_parent == TRI_YES;
	pl->mdwe = p->mdwe == TRI_YES;
	pl->parent = getppid();
	pl->late = p->apply;
	plan_seccomp(pl, p);
	plan_late(pl, p);
	mounts_plan_shim(pl);
	/* 6. Landlock: after the chroot is known (rule paths are the
	 * service's) and no_new_privs (which an unprivileged domain needs). */
	landlock_plan(pl, p);
	if (pl->late && !dry)
		late_env(pl);
	if (pl->bpf && !pl->nnp)
		die(EXIT_HARDEN,
		    "%s[exec] no_new_privs = no: a seccomp filter needs no_new_privs once capabilities are "
		    "dropped "
		    "(refused)",
		    where(&p->no_new_privs_at));
}
