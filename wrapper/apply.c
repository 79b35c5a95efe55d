/* SPDX-License-Identifier: MIT */
/*
 * The apply steps, in the order of design.md. Each step does one job,
 * reads the state back where the kernel could have done less than asked,
 * and logs one event. Any failure exits 125 before the service runs.
 */
#include "cgroup.h"
#include "plan.h"
#include "violations.h"
#include "../core/log.h"
#include "late.h"
#include "mounts.h"
#include "ns.h"
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/securebits.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_SET_MDWE /* Linux 6.3 */
#define PR_SET_MDWE		 65
#define PR_GET_MDWE		 66
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* "STEP: FILE:LINE: what: errno text", exit 125. */
#define fail(step, o, ...) fail_at(step, o, errno, __VA_ARGS__)

static _Noreturn void fail_at(const char *step, const struct origin *o, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static _Noreturn void fail_at(const char *step, const struct origin *o, int err, const char *fmt, ...)
{
	char what[512], at[600] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (o && o->file)
		snprintf(at, sizeof(at), "%s:%d: ", o->file, o->line);
	if (err)
		die(EXIT_HARDEN, "%s: %s%s: %s", step, at, what, strerror(err));
	die(EXIT_HARDEN, "%s: %s%s", step, at, what);
}

/* ---- 1. sanitise ---- */

static int keep_fd(const struct plan *pl, int fd)
{
	for (size_t i = 0; i < pl->nkeep; i++)
		if (pl->keep_fds[i] == fd)
			return 1;
	return 0;
}

static int internal_fd(const struct plan *pl, int fd)
{
	for (size_t i = 0; i < pl->ninternal; i++)
		if (pl->internal_fds[i] == fd)
			return 1;
	return 0;
}

/*
 * Close every inherited descriptor the policy does not pass: a leaked
 * descriptor is a way out of any jail (CVE-2024-21626 in runc). Ours stay
 * open, close-on-exec, until the exec.
 */
static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void close_fds(const struct plan *pl)
{
	const struct origin *o = &pl->pol->pass_fds_at;
	int spare[PLAN_MAX_FDS + 4];
	size_t n = 0;
	unsigned lo = 3;

	for (size_t i = 0; i < pl->nkeep; i++)
		spare[n++] = pl->keep_fds[i];
	for (size_t i = 0; i < pl->ninternal; i++)
		spare[n++] = pl->internal_fds[i];
	qsort(spare, n, sizeof(*spare), cmp_int);
	/* Close the gaps between the descriptors we keep, then the rest. */
	for (size_t i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)spare[i] - 1 : ~0u;

		if ((i == n || (unsigned)spare[i] > lo) && syscall(SYS_close_range, lo, hi, 0))
			fail("sanitise", NULL, "close_range(%u, %u)", lo, hi);
		if (i < n && (unsigned)spare[i] + 1 > lo)
			lo = (unsigned)spare[i] + 1;
	}
	for (size_t i = 0; i < pl->nkeep; i++) {
		int fd = pl->keep_fds[i], flags = fcntl(fd, F_GETFD);

		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC))
			fail("sanitise", o, "pass descriptor %d", fd);
	}
}

static void verify_fd(const struct plan *pl, int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0 || fd < 3)
		return;
	if (keep_fd(pl, fd) ? (flags & FD_CLOEXEC) != 0 : !internal_fd(pl, fd))
		fail_at("sanitise", NULL, 0, "descriptor %d is still open after closing", fd);
}

/* Read back: every open descriptor above 2 is passed or ours. */
static void verify_fds(const struct plan *pl)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct rlimit rl;

	if (d) {
		int self = dirfd(d);

		while ((e = readdir(d)))
			if (e->d_name[0] != '.' && atoi(e->d_name) != self)
				verify_fd(pl, atoi(e->d_name));
		closedir(d);
		return;
	}
	/* No /proc: ask every number up to the descriptor limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl))
		fail("sanitise", NULL, "getrlimit");
	for (rlim_t fd = 3; fd < rl.rlim_cur && fd < (1u << 20); fd++)
		verify_fd(pl, (int)fd);
}

static void reset_signals(void)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t empty;

	/* Ignored signals and the blocked mask survive exec; a service
	 * started with SIGPIPE ignored or SIGTERM blocked behaves oddly. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL); /* EINVAL for libc-reserved ones */
	sigemptyset(&empty);
	if (sigprocmask(SIG_SETMASK, &empty, NULL))
		fail("sanitise", NULL, "sigprocmask");
}

/*
 * Leave the terminal: a process that shares the caller's controlling
 * terminal can push input into it (TIOCSTI, CVE-2017-5226) unless it
 * holds CAP_SYS_ADMIN, which only the seccomp rule stops. setsid() fails
 * for a process group leader (a shell's job): then give up the terminal
 * with TIOCNOTTY, which makes TIOCSTI answer EPERM all the same. A session
 * leader already (a systemd service) only needs to give up its terminal.
 */
static int leave_terminal(const struct plan *pl)
{
	const struct origin *o = &pl->pol->setsid_at;
	int tty;

	if (pl->setsid == TRI_NO)
		return 0;
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0 && pl->setsid == TRI_AUTO)
		return 0; /* no controlling terminal: nothing to leave */
	if (setsid() < 0) {
		struct sigaction ign = {.sa_handler = SIG_IGN}, dfl = {.sa_handler = SIG_DFL};

		if (errno != EPERM || (pl->setsid == TRI_YES && getsid(0) != getpid()))
			fail("sanitise", o, "setsid");
		/* A session leader giving up its terminal sends SIGHUP to the
		 * foreground group, which may be ours: ignore it meanwhile. */
		sigaction(SIGHUP, &ign, NULL);
		if (tty >= 0 && ioctl(tty, TIOCNOTTY) < 0)
			fail("sanitise", o, "TIOCNOTTY");
		sigaction(SIGHUP, &dfl, NULL);
	}
	if (tty >= 0)
		close(tty);
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty >= 0) {
		close(tty);
		fail_at("sanitise", o, 0, "still attached to a controlling terminal");
	}
	return 1;
}

static void apply_sanitise(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	int left;
	mode_t m;

	/* No core dump or ptrace attach of a half-configured process. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		fail("sanitise", NULL, "PR_SET_DUMPABLE");
	close_fds(pl);
	verify_fds(pl);
	reset_signals();
	left = leave_terminal(pl);
	/*
	 * A terminal left as descriptor 0 stays readable after setsid: a
	 * service (or a child it leaves in the background) could read what
	 * the operator types next, passwords included (second security
	 * review). stdin = null hands it /dev/null instead.
	 */
	if (p->stdin_null == TRI_YES) {
		int null = open("/dev/null", O_RDONLY | O_NOCTTY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) != STDIN_FILENO)
			fail_at("sanitise", &p->stdin_null_at, errno, "stdin = null: /dev/null");
		if (null != STDIN_FILENO)
			close(null);
	}
	if (p->umask_at.file) {
		umask(p->umask);
		m = umask(p->umask);
		if (m != p->umask)
			fail_at("sanitise", &p->umask_at, 0, "umask reads back %04o", (unsigned)m);
	}
	log_event("sanitise", "descriptors kept: %zu, signals reset, environment: %s%s%s", pl->nkeep,
		  p->env == ENV_CLEAR ? "cleared" : "inherited", p->umask_at.file ? ", umask set" : "",
		  left ? ", terminal left" : "");
}

/* ---- 2. rlimits ---- */

static void apply_rlimits(const struct plan *pl)
{
	char detail[512] = "";
	size_t len = 0;

	for (int r = 0; r < NLIMITS; r++) {
		const struct limit_setting *ls = &pl->pol->limits[r];
		struct rlimit want = {ls->soft, ls->hard}, got;

		if (!ls->at.file)
			continue;
		if (setrlimit(r, &want))
			fail("rlimits", &ls->at, "setrlimit %s (raising a hard limit needs CAP_SYS_RESOURCE)",
			     limit_name(r));
		if (getrlimit(r, &got) || got.rlim_cur != want.rlim_cur || got.rlim_max != want.rlim_max)
			fail_at("rlimits", &ls->at, 0, "%s does not read back as set", limit_name(r));
		len += (size_t)snprintf(detail + len, sizeof(detail) - len, "%s%s", len ? " " : "",
					limit_name(r));
		if (len >= sizeof(detail))
			len = sizeof(detail) - 1;
	}
	if (len)
		log_event("rlimits", "set: %s", detail);
}

/* ---- 5. filesystem ---- */

static void apply_filesystem(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	struct stat want, got;

	if (pl->root_fd >= 0) {
		if (fstat(pl->root_fd, &want))
			fail("filesystem", &p->chroot_at, "fstat %s", p->chroot);
		/* chroot into the descriptor checked at plan time, then make
		 * sure nothing still points outside: cwd at the new root. */
		if (fchdir(pl->root_fd) || chroot("."))
			fail("filesystem", &p->chroot_at, "chroot %s", p->chroot);
		if (chdir("/"))
			fail("filesystem", &p->chroot_at, "chdir / in %s", p->chroot);
		if (stat("/", &got) || got.st_dev != want.st_dev || got.st_ino != want.st_ino)
			fail_at("filesystem", &p->chroot_at, 0, "/ is not %s after chroot", p->chroot);
		close(pl->root_fd);
		log_event("filesystem", "chroot %s", p->chroot);
	}
	if (pl->workdir) {
		if (chdir(pl->workdir))
			fail("filesystem", &p->workdir_at, "chdir %s", pl->workdir);
		log_event("filesystem", "workdir %s", pl->workdir);
	}
}

/* ---- 7. identity ---- */

/*
 * The count first: a list sized for NGROUPS_MAX (256 KiB) on the stack
 * would be touched page by page by stack-clash probing at every start.
 */
static int same_groups(const struct plan *pl)
{
	gid_t small[64], *cur = small;
	int n = getgroups(0, NULL), rc = 1;

	if (n < 0 || (size_t)n != pl->ngroups)
		return 0;
	if (n > 64 && !(cur = malloc((size_t)n * sizeof(*cur))))
		return 0;
	if (getgroups(n, cur) != n)
		rc = 0;
	for (int i = 0; i < n && rc; i++) {
		size_t j;

		for (j = 0; j < pl->ngroups && pl->groups[j] != cur[i]; j++)
			;
		rc = j < pl->ngroups;
	}
	if (cur != small)
		free(cur);
	return rc;
}

static int ids_are(uid_t u, gid_t g)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	return !getresuid(&r, &e, &s) && !getresgid(&rg, &eg, &sg) && r == u && e == u && s == u && rg == g &&
	       eg == g && sg == g;
}

/*
 * Groups, then gid, then uid: once the uid changes there is no right left
 * to change the others. Each is read back (the set*id family has failed
 * silently before: CVE-2006-2607 and glibc's setxid retries).
 */
static void apply_identity(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	const struct origin *o = p->user_at.file ? &p->user_at : &p->group_at;

	if (!pl->ids || pl->late)
		return; /* late: the shim changes identity at the trigger */
	if (pl->set_groups && !same_groups(pl) && setgroups(pl->ngroups, pl->groups))
		fail("identity", p->groups_at.file ? &p->groups_at : o, "setgroups");
	if (pl->caps && getuid() == 0 && pl->uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		fail("identity", &p->caps_keep_at, "PR_SET_KEEPCAPS");
	if (!ids_are(getuid(), pl->gid) && setresgid(pl->gid, pl->gid, pl->gid))
		fail("identity", o, "setresgid(%u)", (unsigned)pl->gid);
	if (!ids_are(pl->uid, pl->gid) && setresuid(pl->uid, pl->uid, pl->uid))
		fail("identity", o, "setresuid(%u)", (unsigned)pl->uid);
	if (!ids_are(pl->uid, pl->gid) || (pl->set_groups && !same_groups(pl)))
		fail_at("identity", o, 0, "uid, gid or groups do not read back as set");
	log_event("identity", "uid %u gid %u groups %zu", (unsigned)pl->uid, (unsigned)pl->gid, pl->ngroups);
}

/* ---- 8. capabilities ---- */

#define SECURE_LOCKS                                                                                         \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |    \
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

static int set_caps(uint64_t perm, uint64_t eff, uint64_t inh)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {
	    {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
	};

	return (int)syscall(SYS_capset, &h, d);
}

static int get_caps(uint64_t *perm, uint64_t *eff, uint64_t *inh)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/*
 * Bounding set first (needs CAP_SETPCAP, still ours), then the kept
 * capabilities become inheritable and ambient, so they survive the exec
 * of an ordinary binary by a non-root uid; securebits locked so that the
 * service cannot regain root's capabilities by exec (NOROOT) or undo any
 * of it. Last, every set is cut to the keep list and read back.
 */
static void apply_caps(const struct plan *pl)
{
	const struct origin *o =
	    pl->pol->caps_keep_at.file ? &pl->pol->caps_keep_at : &pl->pol->caps_bound_at;
	const uint64_t setpcap = 1ull << CAP_SETPCAP;
	uint64_t keep = pl->caps_keep, perm, eff, inh;
	int privileged, bset_dropped = 0;

	if (!pl->caps)
		return;
	if (get_caps(&perm, &eff, &inh))
		fail("capabilities", o, "capget");
	if ((keep & perm) != keep)
		fail_at("capabilities", o, 0, "keep lists capabilities this process does not have (%#llx)",
			(unsigned long long)(keep & ~perm));
	privileged = !!(perm & setpcap);
	/*
	 * Without CAP_SETPCAP (an unprivileged caller) the bounding set and
	 * securebits cannot change; with no_new_privs no exec can raise a
	 * capability anyway, so that is logged, not fatal. Without it, fail.
	 */
	if (!privileged && !pl->nnp)
		fail_at("capabilities", o, 0,
			"cannot drop the bounding set without CAP_SETPCAP, and no_new_privs is off");
	if (privileged && set_caps(perm, perm, inh))
		fail("capabilities", o, "raise effective set");
	for (int c = 0; c <= pl->last_cap; c++) {
		if (keep & (1ull << c) || prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1)
			continue;
		if (!privileged && pl->nnp)
			break; /* see below */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0))
			fail("capabilities", o, "drop %s from the bounding set", cap_to_name(c));
		bset_dropped = 1;
	}
	if (set_caps(keep | (perm & setpcap), keep | (perm & setpcap), keep))
		fail("capabilities", o, "set the kept capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		fail("capabilities", o, "clear the ambient set");
	for (int c = 0; c <= pl->last_cap; c++)
		if (keep & (1ull << c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0))
			fail("capabilities", o, "raise %s into the ambient set", cap_to_name(c));
	if (privileged && prctl(PR_SET_SECUREBITS, SECURE_LOCKS, 0, 0, 0))
		fail("capabilities", o, "lock securebits");
	if (set_caps(keep, keep, keep))
		fail("capabilities", o, "drop the remaining capabilities");

	/* Read every set back. */
	if (get_caps(&perm, &eff, &inh) || perm != keep || eff != keep || inh != keep)
		fail_at("capabilities", o, 0, "capability sets do not read back as the keep list");
	for (int c = 0; c <= pl->last_cap; c++) {
		int want = !!(keep & (1ull << c));

		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) != want)
			fail_at("capabilities", o, 0, "%s: ambient set does not read back", cap_to_name(c));
		if (privileged && prctl(PR_CAPBSET_READ, c, 0, 0, 0) != want)
			fail_at("capabilities", o, 0, "%s: bounding set does not read back", cap_to_name(c));
	}
	if (privileged && prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != SECURE_LOCKS)
		fail_at("capabilities", o, 0, "securebits do not read back as locked");
	log_event("capabilities", "kept %#llx%s", (unsigned long long)keep,
		  privileged
		      ? (bset_dropped ? ", bounding set cut, securebits locked" : ", securebits locked")
		      : ", bounding set unchanged (no CAP_SETPCAP; no_new_privs makes it inert)");
}

/* ---- 9. process flags ---- */

static void apply_flags(const struct plan *pl)
{
	const struct policy *p = pl->pol;

	if (pl->nnp) {
		/* Setuid and file-capability binaries no longer gain anything
		 * (firejail's CVE-2022-31214 class). */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			fail("no_new_privs", &p->no_new_privs_at, "PR_SET_NO_NEW_PRIVS");
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			fail_at("no_new_privs", &p->no_new_privs_at, 0, "does not read back as set");
		log_event("no_new_privs", "set");
	}
	if (pl->pdeathsig) {
		/* Set after the identity change: the kernel clears it on any
		 * credential change. Then catch a parent already gone. */
		int sig = 0;

		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) || prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) ||
		    sig != SIGKILL)
			fail("die_with_parent", &p->die_with_parent_at, "PR_SET_PDEATHSIG");
		if (getppid() != pl->parent)
			fail_at("die_with_parent", &p->die_with_parent_at, 0,
				"the parent has already exited");
		log_event("die_with_parent", "SIGKILL when pid %d exits", (int)pl->parent);
	}
	if (pl->mdwe) {
		/* The kernel's own W^X, beside the filter's rules: it also
		 * covers what a filter cannot see (mmap flags in memory,
		 * io_uring) and survives exec (second security review,
		 * item 5). Fails closed before Linux 6.3. */
		if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
			fail("memory_deny_write_execute", &p->mdwe_at,
			     "PR_SET_MDWE (hint: needs Linux 6.3 or later)");
		if (!(prctl(PR_GET_MDWE, 0, 0, 0, 0) & PR_MDWE_REFUSE_EXEC_GAIN))
			fail_at("memory_deny_write_execute", &p->mdwe_at, 0,
				"PR_GET_MDWE does not read back as set");
		log_event("memory_deny_write_execute", "PR_SET_MDWE set");
	}
}

/* ---- 10. seccomp ---- */

static void apply_seccomp(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	const struct origin *o = p->allow_at.file ? &p->allow_at : &p->deny_at;
	struct sock_fprog prog = {(unsigned short)pl->bpf_len, pl->bpf};

	if (!pl->bpf)
		return;
	/* Logged before: once loaded, write(2) may no longer be ours. */
	if (pl->late)
		log_event("seccomp", "early filter: %zu instructions", pl->bpf_len);
	else if (log_enabled()) /* counting costs a name lookup per number */
		log_event("seccomp", "%zu instructions, %zu syscalls allowed unconditionally", pl->bpf_len,
			  plan_allowed(pl));
	/* learn: the listener stays open, close-on-exec, for the supervisor
	 * to take with pidfd_getfd while this process waits in execve. */
	/* A late policy's early filter logs its refusals in the kernel's audit
	 * record, as the shim's late filter does (the shim does not report
	 * what the early filter refuses). Not learn's reporting filter: it
	 * would audit every call. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    pl->filter_flags | (pl->learn || pl->violations ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0) |
			(pl->late && !pl->learn ? SECCOMP_FILTER_FLAG_LOG : 0),
		    &prog) < 0)
		fail("seccomp", o, "load the filter%s",
		     errno == EINVAL ? " (hint: a kernel built with CONFIG_SECCOMP_FILTER)" : "");
	/* [log] violations: wait here until the supervisor holds the listener
	 * (it answers this call), or execve would close the only copy. */
	if (pl->violations)
		(void)syscall(VIOLATION_HANDSHAKE_NR);
}

/* ---- late application: hand over to the shim ---- */

/*
 * Checked here, after the filesystem step, because the service will load
 * the shim and itself from the root it runs in.
 */
static void apply_late(const struct plan *pl, const char *path)
{
	const struct origin *o = &pl->pol->apply_at;
	static const char *const names[] = {"exec", "main", "listen", "accept", "ready"};
	char why[512];
	int flags;

	if (late_check_shim(pl->shim_path, why, sizeof(why)))
		fail_at("late", o, 0, "%s", why);
	if (late_check_start_path(pl, path, why, sizeof(why)))
		fail_at("late", o, 0, "%s", why);
	flags = fcntl(pl->handoff_fd, F_GETFD);
	if (flags < 0 || fcntl(pl->handoff_fd, F_SETFD, flags & ~FD_CLOEXEC))
		fail("late", o, "pass the handoff descriptor");
	log_event("late", "apply = %s: %zu-instruction filter%s handed to %s, deadline %ums", names[pl->late],
		  pl->late_bpf_len, pl->ids ? " and identity" : "", pl->shim_path, pl->deadline_ms);
}

/* ---- 11. exec ---- */

/*
 * Find the command as execvp would, in the service's PATH, before the
 * filter is loaded: 127 when nowhere, 126 when found but not executable.
 */
static const char *resolve_command(const struct plan *pl, int *status)
{
	const char *cmd = pl->argv[0], *path = NULL;
	static char buf[PATH_MAX];
	int found = 0;

	*status = 0;
	if (strchr(cmd, '/'))
		return cmd;
	for (char **e = pl->envp; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	while (path && *path) {
		size_t n = strcspn(path, ":");
		struct stat st;

		/* An empty element would mean the working folder: skipped. */
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, cmd);
		if (n && !stat(buf, &st) && S_ISREG(st.st_mode)) {
			if (!access(buf, X_OK))
				return buf;
			found = 1;
		}
		path += n + (path[n] == ':');
	}
	*status = found ? EXIT_CANNOT : EXIT_NOTFOUND;
	return NULL;
}

_Noreturn void apply_all(struct plan *pl)
{
	const char *path;
	int status;

	/* 1. Descriptors, signals, terminal, umask: nothing inherited leaks. */
	apply_sanitise(pl);
	/* The supervisor, when a control needs one, forks here: it keeps none
	 * of the limits or the identity the service gets below. With pid =
	 * yes its child is pid 1 of a new pid namespace (ns.c). */
	ns_apply_pid(pl);
	sup_start(pl);
	/* 2. Limits while we may still lower hard limits for good. */
	apply_rlimits(pl);
	/* 3. cgroup: limits before the service runs anything of its own, as
	 *    root (the group's files stay root's: the service cannot raise them). */
	cgroup_apply(pl);
	/* 4. Namespaces: the user namespace and its maps first, which give
	 *    the rights to make the others; before any identity change. */
	ns_apply(pl);
	/* 5. The jail in the private mount namespace, then chroot and the
	 *    working directory, while we still have CAP_SYS_ADMIN/CHROOT. */
	mounts_apply(pl);
	apply_filesystem(pl);
	/* 6. Landlock once the filesystem is final (rule paths are the
	 *    service's) and before identity. The supervisor, forked above,
	 *    stays outside the domain to read the service's /proc. In late
	 *    mode the rules hold from exec: this kernel has no ABI 8
	 *    LANDLOCK_RESTRICT_SELF_TSYNC to restrict every thread of the
	 *    service at its trigger. */
	if (pl->late) /* the shim and /proc within the rules, said before they are in force */
		landlock_check_late(pl);
	landlock_apply(pl);
	/* 7. Identity before capabilities: the uid change needs CAP_SETUID. */
	apply_identity(pl);
	/* 8. Capabilities after the uid change, which would clear them. */
	apply_caps(pl);
	/* 9. no_new_privs, and the parent-death signal after every credential
	 *    change (which resets it). */
	apply_flags(pl);
	/* The command is looked up while errors can still be reported. */
	path = resolve_command(pl, &status);
	if (!path)
		die(status, "exec: %s: %s", pl->argv[0],
		    status == EXIT_NOTFOUND ? "command not found" : "Permission denied");
	if (pl->late) {
		apply_late(pl, path);
	}
	/* 10. seccomp last, so the filter need not allow the setup above. */
	apply_seccomp(pl);
	/* 11. */
	execve(path, pl->argv, pl->envp);
	/* Refused by the Landlock rules? Then say which path they lack. */
	landlock_explain_exec(pl, path, errno);
	die(errno == ENOENT ? EXIT_NOTFOUND : EXIT_CANNOT, "exec: %s: %s", pl->argv[0], strerror(errno));
}
