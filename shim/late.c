/* SPDX-License-Identifier: MIT */
/*
 * The late stage and the violation reports.
 *
 * late_apply() runs once, in the thread that reached the trigger, and
 * changes every thread: identity through glibc's set*id broadcast, the
 * seccomp filter through SECCOMP_FILTER_FLAG_TSYNC. Whatever fails, the
 * whole process exits 125: the service never goes on unhardened.
 *
 * With HF_REPORT the filter answers each refused syscall with
 * SECCOMP_RET_TRAP, and the SIGSYS handler here writes one line about it
 * and then carries out the policy's action (kill, or errno:N).
 */
#include "shim.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <time.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <ucontext.h>
#include <unistd.h>

/* si_code of a seccomp SIGSYS (asm-generic/siginfo.h); glibc 2.36 lacks it. */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

#define fail(err, ...) shim_fail(1, err, __VA_ARGS__)

/* With errno:N, at most this many reports; later violations only count. */
#define REPORT_MAX 32
#define EXE_MAX	   1024

/* Everything the handler needs, prepared before the filter is installed. */
static int report_kill; /* the action is kill; else errno:report_errno */
static int report_errno;
static char report_action[16]; /* "kill" or "errno:N" */
static char report_exe[EXE_MAX + 8];
static int report_pid;	      /* atomic; 0 in a fork child until looked up */
static unsigned report_count; /* atomic */

/* ---- a. the executable ---- */

/* The path as it goes into a line: JSON-escaped, or controls made '?'. */
static void keep_exe(const char *exe, int json)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)exe; *p; p++) {
		if (o > EXE_MAX - 6) {
			memcpy(report_exe + o, "...", 4);
			return;
		}
		if (json && (*p == '"' || *p == '\\')) {
			report_exe[o++] = '\\';
			report_exe[o++] = (char)*p;
		} else if (*p < 0x20 || *p == 0x7f) {
			if (json)
				o += (size_t)snprintf(report_exe + o, 7, "\\u%04x", *p);
			else
				report_exe[o++] = '?';
		} else
			report_exe[o++] = (char)*p;
	}
	report_exe[o] = '\0';
}

static void read_exe(int json)
{
	static char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		fail(errno, "readlink /proc/self/exe");
	exe[n] = '\0';
	keep_exe(exe, json);
}

/* ---- b. identity ---- */

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");

/* A self-dropped process keeps the groups it chose: only the policy's. */
static void check_own_groups(const struct handoff *h)
{
	static gid_t g[HANDOFF_MAX_GROUPS];
	int n = getgroups(HANDOFF_MAX_GROUPS, g);

	if (n < 0)
		fail(errno, "getgroups");
	for (int i = 0; i < n; i++) {
		bool ok = g[i] == h->gid;

		for (uint32_t j = 0; j < h->ngroups && !ok; j++)
			ok = g[i] == shim_ho.groups[j];
		if (!ok)
			fail(0,
			     "the service changed its own identity before its trigger and kept supplementary "
			     "group %u, which is not the policy's: set [identity] groups to the groups it "
			     "keeps",
			     (unsigned)g[i]);
	}
}

static void set_ids(const struct handoff *h)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	int n;

	if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
		fail(errno, "getresuid/getresgid");
	/*
	 * A worker that dropped its privileges itself before its trigger
	 * (nginx's workers, memcached -u): it gets the filter without an
	 * identity change, when it already is the policy's user. Any other
	 * identity can no longer be changed: say so rather than let
	 * setgroups fail with a bare EPERM.
	 */
	if (r == h->uid && e == h->uid && s == h->uid && gr == h->gid && ge == h->gid && gs == h->gid &&
	    h->uid != 0) {
		check_own_groups(h);
		return;
	}
	if (e != 0)
		fail(0,
		     "the service changed its own identity before its trigger (uid %u/%u/%u, gid %u/%u/%u) "
		     "and can no longer become the policy's user (uid %u, gid %u): set [identity] user "
		     "(and group) to the user it switches to, or use apply = exec",
		     r, e, s, gr, ge, gs, h->uid, h->gid);
	/* Groups first, then gid, then uid: afterwards we may no longer. */
	if (setgroups(h->ngroups, (const gid_t *)shim_ho.groups) < 0)
		fail(errno, "setgroups (%u groups)", h->ngroups);
	if (setresgid(h->gid, h->gid, h->gid) < 0)
		fail(errno, "setresgid %u", h->gid);
	if (setresuid(h->uid, h->uid, h->uid) < 0)
		fail(errno, "setresuid %u", h->uid);
	if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
		fail(errno, "getresuid/getresgid");
	if (r != h->uid || e != h->uid || s != h->uid)
		fail(0, "uid reads back as %u/%u/%u, not %u", r, e, s, h->uid);
	if (gr != h->gid || ge != h->gid || gs != h->gid)
		fail(0, "gid reads back as %u/%u/%u, not %u", gr, ge, gs, h->gid);
	n = getgroups(0, NULL);
	if (n < 0 || (uint32_t)n != h->ngroups)
		fail(n < 0 ? errno : 0, "%d supplementary groups read back, not %u", n, h->ngroups);
}

/* ---- c. every thread ---- */

enum { SEEN_UID = 1, SEEN_GID = 2, SEEN_PRM = 4, SEEN_EFF = 8, SEEN_AMB = 16, SEEN_ALL = 31 };

/* "Uid:\t0\t0\t0\t0": real, effective, saved, filesystem all equal @want. */
static int ids_are(const char *s, uint32_t want)
{
	for (int i = 0; i < 4; i++) {
		char *e;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &e, 10);
		if (e == s || errno || v != want)
			return 0;
		s = e;
	}
	return 1;
}

/* "CapPrm:\t0000000000000000" */
static int caps_zero(const char *s)
{
	s += strspn(s, " \t");
	return *s && s[strspn(s, "0")] == '\0';
}

static unsigned check_line(const char *tid, char *line, const struct handoff *h)
{
	static const struct {
		const char *key;
		unsigned bit;
	} keys[] = {{"Uid:", SEEN_UID},
		    {"Gid:", SEEN_GID},
		    {"CapPrm:", SEEN_PRM},
		    {"CapEff:", SEEN_EFF},
		    {"CapAmb:", SEEN_AMB}};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t n = strlen(keys[i].key);
		const char *v = line + n;
		int good;

		if (strncmp(line, keys[i].key, n))
			continue;
		if (keys[i].bit == SEEN_UID || keys[i].bit == SEEN_GID)
			good = ids_are(v, keys[i].bit == SEEN_UID ? h->uid : h->gid);
		else
			good = h->uid == 0 || caps_zero(v);
		if (!good) {
			for (char *t = line; *t; t++)
				*t = *t == '\t' ? ' ' : *t;
			fail(0, "thread %s has %s (wanted uid %u, gid %u%s)", tid, line, h->uid, h->gid,
			     h->uid ? ", no capabilities" : "");
		}
		return keys[i].bit;
	}
	return 0;
}

/* Read status line by line; a line longer than the buffer (Groups:) is skipped. */
static void check_thread(int dir, const char *tid, const struct handoff *h)
{
	static char buf[4096];
	char path[sizeof(((struct dirent64 *)0)->d_name) + 8];
	size_t have = 0;
	unsigned seen = 0;
	int fd, skipping = 0;

	snprintf(path, sizeof(path), "%s/status", tid);
	fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return; /* the thread has exited meanwhile */
	if (fd < 0)
		fail(errno, "open /proc/self/task/%s", path);
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		char *p = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail(errno, "read /proc/self/task/%s", path);
		if (n == 0)
			break;
		have += (size_t)n;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
			*nl = '\0';
			if (!skipping)
				seen |= check_line(tid, p, h);
			skipping = 0;
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof(buf)) {
			skipping = 1;
			have = 0;
		}
	}
	close(fd);
	if (seen != SEEN_ALL)
		fail(0, "/proc/self/task/%s lacks Uid, Gid or a capability set", path);
}

/*
 * One call says whether this process is a lone thread whose memory no
 * other process shares: unshare(CLONE_VM) changes nothing, and succeeds
 * only when the thread group has one live thread, its signal handlers
 * are its own, and no other task on the system uses its mm (the kernel's
 * current_is_single_threaded(), kernel/fork.c check_unshare_flags()).
 * Any other answer (EINVAL, or a refusal) sends the caller to the /proc
 * walks. HF_LONE says the early filter lets the calls through.
 */
static bool lone(const struct handoff *h)
{
	return (h->flags & HF_LONE) && syscall(SYS_unshare, CLONE_VM) == 0;
}

/* The lone thread's identity, as its status line would show it. */
static void verify_self(const struct handoff *h)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct cap[2];
	uid_t r, e, s;
	gid_t gr, ge, gs;
	/* An invalid id changes nothing and returns the current one. */
	long fsu = syscall(SYS_setfsuid, (uid_t)-1), fsg = syscall(SYS_setfsgid, (gid_t)-1);

	if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0)
		fail(errno, "getresuid/getresgid");
	if (r != h->uid || e != h->uid || s != h->uid || (uid_t)fsu != h->uid)
		fail(0, "thread %d has uid %u/%u/%u/%ld (wanted uid %u)", (int)syscall(SYS_gettid), r, e, s,
		     fsu, h->uid);
	if (gr != h->gid || ge != h->gid || gs != h->gid || (gid_t)fsg != h->gid)
		fail(0, "thread %d has gid %u/%u/%u/%ld (wanted gid %u)", (int)syscall(SYS_gettid), gr, ge,
		     gs, fsg, h->gid);
	if (h->uid == 0)
		return;
	if (syscall(SYS_capget, &hdr, cap))
		fail(errno, "capget");
	/* Ambient needs permitted (capabilities(7): "no capability can ever
	 * be ambient if it is not both permitted and inheritable"), so an
	 * empty permitted set is an empty ambient set. */
	if (cap[0].permitted || cap[1].permitted || cap[0].effective || cap[1].effective)
		fail(0, "thread %d has capabilities (permitted %08x%08x, effective %08x%08x; wanted none)",
		     (int)syscall(SYS_gettid), cap[1].permitted, cap[0].permitted, cap[1].effective,
		     cap[0].effective);
}

/*
 * glibc's broadcast reaches the threads it created; the kernel clears the
 * capabilities of a uid change away from 0 unless the thread set
 * keep-caps (capabilities(7)). Both per thread, so check every thread;
 * a lone thread checks itself without /proc.
 */
static void verify_threads(const struct handoff *h)
{
	static char buf[4096];
	int dir;

	if (lone(h)) {
		verify_self(h);
		return;
	}
	dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		fail(errno, "open /proc/self/task");
	for (;;) {
		ssize_t n = getdents64(dir, buf, sizeof(buf));

		if (n < 0)
			fail(errno, "read /proc/self/task");
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (d->d_name[0] != '.')
				check_thread(dir, d->d_name, h);
			off += d->d_reclen;
		}
	}
	close(dir);
}

/* ---- d. violation reports ---- */

struct line {
	char buf[EXE_MAX + 512];
	size_t n;
};

/* Async-signal-safe formatting: no printf in a signal handler (signal-safety(7)). */
static void put(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = *s++;
}

static void put_num(struct line *l, long long v, unsigned base)
{
	char d[24];
	size_t i = sizeof(d) - 1;
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;

	d[i] = '\0';
	do
		d[--i] = "0123456789abcdef"[u % base];
	while (u /= base);
	if (v < 0)
		d[--i] = '-';
	put(l, d + i);
}

static const char *syscall_name(int nr)
{
	const char *p = shim_ho.names;

	if (nr < 0 || (uint32_t)nr >= shim_ho.h->names_count)
		return "?";
	for (int i = 0; i < nr; i++)
		p += strlen(p) + 1;
	return *p ? p : "?";
}

static void report(const siginfo_t *si)
{
	struct line l = {.n = 0};
	int pid = __atomic_load_n(&report_pid, __ATOMIC_RELAXED);

	/*
	 * A fork child looks its pid up once. If the policy refuses getpid
	 * itself, that traps too: errno:N answers it in the nested call
	 * (pid 0 is printed), kill ends the process there, unreported.
	 */
	if (!pid && si->si_syscall != SYS_getpid) {
		long r = syscall(SYS_getpid);

		pid = r > 0 ? (int)r : 0;
		__atomic_store_n(&report_pid, pid, __ATOMIC_RELAXED);
	}
	if (shim_ho.h->flags & HF_JSON) {
		put(&l, "{\"event\":\"violation\",\"syscall\":\"");
		put(&l, syscall_name(si->si_syscall));
		put(&l, "\",\"nr\":");
		put_num(&l, si->si_syscall, 10);
		put(&l, ",\"arch\":");
		put_num(&l, si->si_arch, 10);
		put(&l, ",\"pid\":");
		put_num(&l, pid, 10);
		put(&l, ",\"exe\":\"");
		put(&l, report_exe);
		put(&l, "\",\"action\":\"");
		put(&l, report_action);
		put(&l, "\"}");
	} else {
		put(&l, "harden-exec: violation: syscall ");
		put(&l, syscall_name(si->si_syscall));
		put(&l, " (");
		put_num(&l, si->si_syscall, 10);
		put(&l, ") arch 0x");
		put_num(&l, si->si_arch, 16);
		put(&l, " pid ");
		put_num(&l, pid, 10);
		put(&l, " exe ");
		put(&l, report_exe);
		put(&l, " action ");
		put(&l, report_action);
	}
	l.buf[l.n++] = '\n';			 /* put() always leaves room for it */
	(void)!write(STDERR_FILENO, l.buf, l.n); /* one write: lines do not mix */
}

/* The value the trapped syscall returns when the handler returns. */
static void set_return(void *ctx, long v)
{
	ucontext_t *uc = ctx;

#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = v;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (unsigned long long)v;
#else
#error "libharden.so: set_return() needs this architecture's syscall return register"
#endif
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	/* Our own write() or getpid() refused as well: answer it, no report of the report. */
	static __thread int nested __attribute__((tls_model("initial-exec")));
	int saved = errno;

	(void)sig;
	if (si->si_code != SYS_SECCOMP)
		return; /* sent with kill(2), not a verdict of the filter */
	if (nested) {
		if (report_kill)
			syscall(SYS_exit_group, 128 + SIGSYS);
		set_return(ctx, -(long)report_errno);
		return;
	}
	nested = 1;
	if (report_kill || __atomic_fetch_add(&report_count, 1, __ATOMIC_RELAXED) < REPORT_MAX)
		report(si);
	if (report_kill) {
		/*
		 * SA_RESETHAND made the disposition SIG_DFL on delivery, and
		 * SA_NODEFER left SIGSYS unblocked: the same syscall traps
		 * again and the kernel ends the process by SIGSYS, so its
		 * status reads as a kernel kill would. Every TRAP verdict of
		 * the generator is independent of the arguments.
		 */
		syscall(si->si_syscall, 0, 0, 0, 0, 0, 0);
		syscall(SYS_exit_group, 128 + SIGSYS);
	}
	set_return(ctx, -(long)report_errno);
	nested = 0;
	errno = saved;
}

static void install_reporter(const struct handoff *h)
{
	struct sigaction sa = {.sa_sigaction = on_sigsys};
	sigset_t sys;
	int err;

	report_kill = h->violation_action == SECCOMP_RET_KILL_PROCESS;
	report_errno = (int)(h->violation_action & SECCOMP_RET_DATA);
	if (report_kill)
		snprintf(report_action, sizeof(report_action), "kill");
	else
		snprintf(report_action, sizeof(report_action), "errno:%d", report_errno);
	report_pid = (int)getpid();
	/*
	 * kill: SA_RESETHAND so the handler's re-issued syscall meets the
	 * default action. errno:N: the handler stays for the next one.
	 */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | (report_kill ? SA_RESETHAND : 0);
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		fail(errno, "sigaction SIGSYS");
	/* A blocked SIGSYS would reach the kernel's default, not us (force_sig_info). */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	err = pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	if (err)
		fail(err, "unblock SIGSYS");
}

void late_forked(void)
{
	__atomic_store_n(&report_pid, 0, __ATOMIC_RELAXED);
}

/* ---- e. the filter ---- */

static void install_filter(const struct handoff *h)
{
	struct sock_fprog prog = {
	    .len = (unsigned short)h->bpf_len,
	    .filter = (struct sock_filter *)shim_ho.bpf,
	};
	/* FLAG_LOG: the kernel audits every refusal (a kill included), so
	 * there is a record the killed process could not suppress. */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG, &prog);

	if (r < 0)
		fail(errno, "install the seccomp filter%s",
		     errno == EACCES ? " (hint: harden-exec sets no_new_privs before exec)" : "");
	/* A positive value is a thread that has a filter of its own (seccomp(2)). */
	if (r > 0)
		fail(0, "install the seccomp filter: thread %ld cannot be synchronised", r);
}

/* ---- f. processes sharing our memory ---- */

/* Append the pids of one children file. */
static size_t add_children(const char *path, pid_t *out, size_t n, size_t max)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return n; /* ended meanwhile */
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r == (ssize_t)sizeof(buf) - 1)
		fail(0, "%s: more children than the late stage can check", path);
	buf[r > 0 ? r : 0] = '\0';
	for (char *p = buf, *e; n < max; p = e) {
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		out[n++] = (pid_t)v;
	}
	if (n == max)
		fail(0, "more than %zu processes to check for shared memory", max);
	return n;
}

static size_t add_tree_of(pid_t pid, pid_t *out, size_t n, size_t max)
{
	static char buf[4096];
	char path[64];
	int dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return n;
	for (;;) {
		ssize_t got = getdents64(dir, buf, sizeof(buf));

		if (got <= 0)
			break;
		for (ssize_t off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, d->d_name);
			n = add_children(path, out, n, max);
		}
	}
	close(dir);
	return n;
}

/* caps_zero for a value followed by the rest of the file. */
static int caps_zero_in(const char *s)
{
	s += strspn(s, " \t");
	return *s == '0' && (s[strspn(s, "0")] == '\n' || s[strspn(s, "0")] == '\0');
}

/* The file /proc/@pid/@name, NUL-terminated, in @buf; 0 if unreadable
 * (errno from open(2) when it could not be opened). */
static int read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	size_t have = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (have < size - 1) {
		ssize_t n = read(fd, buf + have, size - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	buf[have] = '\0';
	return have > 0;
}

/* The value of the "@key" line of a status file in @buf, or NULL. */
static const char *status_value(const char *buf, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l)
		if (!strncmp(l, key, n))
			return l + n;
	return NULL;
}

/* "Uid:\t33\t33\t33\t33": none of the four is 0. */
static int ids_nonzero(const char *s)
{
	for (int i = 0; i < 4; i++) {
		char *e;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &e, 10);
		if (e == s || errno || v == 0)
			return 0;
		s = e;
	}
	return 1;
}

/*
 * kcmp needs ptrace read access to the other process, which a worker that
 * dropped to an unprivileged user itself (nginx's) lacks on its
 * neighbours: its master while root, or once its uid change (at its own
 * trigger) made it not dumpable, and its sibling workers, not dumpable
 * since their own setuid (issue 12: every first worker of nginx's died of
 * the EPERM, hidden by the master forking new ones). A process that holds
 * no privilege (no uid or gid 0, no capability in any set) cannot run our
 * memory as root whether it shares it or not, and the supervisor still
 * kills it at the deadline if it never gets the filter; nor can a zombie,
 * which has no memory left. A root master reaches that state at its own
 * trigger, moments later: wait for it up to 500 ms. Anything else still
 * fails closed.
 */
static int holds_no_privilege(pid_t pid)
{
	static char buf[8192];
	static const char *const keys[] = {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"};
	const char *v, *state;

	for (int wait = 0; wait < 500; wait++) {
		struct timespec ms = {0, 1000000};
		int ok = 0;

		if (!read_proc(pid, "stat", buf, sizeof(buf)) && errno == ENOENT)
			return 1; /* gone: it shares nothing any more */
		if ((state = strrchr(buf, ')')) && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'))
			return 1;
		if (read_proc(pid, "status", buf, sizeof(buf)))
			ok = (v = status_value(buf, "Uid:")) && ids_nonzero(v) &&
			     (v = status_value(buf, "Gid:")) && ids_nonzero(v);
		for (size_t i = 0; ok && i < sizeof(keys) / sizeof(keys[0]); i++)
			ok = (v = status_value(buf, keys[i])) && caps_zero_in(v);
		if (ok)
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/*
 * A process made with clone(CLONE_VM) but without CLONE_THREAD shares our
 * memory but is no thread of ours: neither glibc's set*id broadcast nor
 * TSYNC reaches it, and it would run our code as root without a filter.
 * Every process that can share our memory is in the supervisor's tree
 * (it is a subreaper: nothing leaves the tree), so compare each with
 * kcmp(KCMP_VM); fail closed, killing it, when one shares. The parent of
 * a vfork child is left to its own trigger (it is suspended meanwhile).
 */
static void check_shared_vm(const struct handoff *h, int vfork_child)
{
	static pid_t pids[4096];
	pid_t me, parent;
	char path[64];
	size_t n;

	/* No other task uses our memory: nothing to walk. A vfork child
	 * shares its parent's, so it never takes this path. */
	if (lone(h))
		return;
	me = (pid_t)syscall(SYS_getpid);
	parent = (pid_t)syscall(SYS_getppid);

	/* The supervisor has one thread: its children file directly. */
	if (h->supervisor) {
		snprintf(path, sizeof(path), "/proc/%u/task/%u/children", h->supervisor, h->supervisor);
		n = add_children(path, pids, 0, 4096);
	} else
		n = add_tree_of(me, pids, 0, 4096);

	for (size_t i = 0; i < n; i++)
		n = add_tree_of(pids[i], pids, n, 4096);
	for (size_t i = 0; i < n; i++) {
		long r;

		if (pids[i] == me || (vfork_child && pids[i] == parent))
			continue;
		r = syscall(SYS_kcmp, me, pids[i], KCMP_VM, 0, 0);
		/* Another thread's posix_spawn or vfork child shares our memory
		 * until its exec, a moment: give it 50 ms to leave. */
		for (int wait = 0; r == 0 && wait < 50; wait++) {
			struct timespec ms = {0, 1000000};

			nanosleep(&ms, NULL);
			r = syscall(SYS_kcmp, me, pids[i], KCMP_VM, 0, 0);
		}
		if (r < 0 && errno == ESRCH)
			continue;
		if (r < 0) {
			int e = errno;

			if (e == EPERM && holds_no_privilege(pids[i]))
				continue;
			fail(e,
			     "kcmp(KCMP_VM) with pid %d: cannot tell whether it shares this process's "
			     "memory",
			     (int)pids[i]);
		}
		if (r == 0) {
			syscall(SYS_kill, pids[i], SIGKILL);
			fail(0,
			     "pid %d shares this process's memory without being one of its threads "
			     "(clone with CLONE_VM, without CLONE_THREAD): it would stay unhardened; killed",
			     (int)pids[i]);
		}
	}
}

/* ---- the late stage ---- */

void late_apply(int vfork_child)
{
	const struct handoff *h = shim_ho.h;

	/* a. The path for reports, now: the filter may forbid readlink. */
	if (h->flags & HF_REPORT)
		read_exe(!!(h->flags & HF_JSON));
	/* f. First: nothing may keep our memory unhardened. */
	check_shared_vm(h, vfork_child);
	/* b. glibc applies set*id to every thread it knows (nptl(7)). */
	if (h->flags & HF_IDS)
		set_ids(h);
	/* c. Read the result back from every thread the kernel knows. */
	if (h->flags & HF_IDS)
		verify_threads(h);
	/* d. The handler first: the first refusal must find it. */
	if (h->flags & HF_REPORT)
		install_reporter(h);
	/* g. The identity change cleared the parent-death signal: a child of
	 *    the supervisor dies with it again (design.md, "Supervisor"). */
	if (h->supervisor && syscall(SYS_getppid) == (long)h->supervisor) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
			fail(errno, "PR_SET_PDEATHSIG");
		if (syscall(SYS_getppid) != (long)h->supervisor)
			fail(0, "the supervisor has ended");
	}
	/* e. Last, as nothing after it may need open() or readlink(). */
	install_filter(h);
}
