/* SPDX-License-Identifier: MIT */
/*
 * The supervisor (see supervisor.h for its use).
 *
 * When the main service ends (the rule, as docs/harden-exec.1 states it):
 *  - nothing else of its tree is left: harden-exec exits with its status;
 *  - it exited 0 and processes of its tree remain (a forking daemon whose
 *    first process exits once its child serves): the supervisor goes on
 *    supervising that tree, forwards signals to its own remaining
 *    children (the daemon's processes that were orphaned to it), and
 *    exits once the tree is gone, with the status of the last of its
 *    children to end;
 *  - it failed (a status other than 0, or a signal) and processes remain:
 *    they are killed (SIGKILL) and harden-exec exits with its status.
 * If a control marked the tree as failed (a late deadline killed part of
 * it), a final status of 0 becomes 137 (128 + SIGKILL): a tree that was
 * killed is never reported as a success.
 *
 * Every descendant stays below the supervisor because it is a child
 * subreaper: a process whose parent exits is re-parented to it, not to
 * init. Its descendants are therefore exactly what the children lists of
 * /proc/PID/task/TID/children name, walked from the supervisor down.
 */
#include "supervisor.h"
#include "../core/log.h"
#include "ns.h"
#include "plan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOOKS 8

static const char *required_by;
static struct sup_hook hooks[MAX_HOOKS];
static size_t nhooks;
static pid_t service;
static const char *failed;

/* What an init or a process manager sends to stop or steer a service. */
static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

void sup_require(const char *why)
{
	if (!required_by)
		required_by = why;
}

bool sup_required(void)
{
	return required_by != NULL;
}

void sup_hook(const struct sup_hook *h)
{
	if (nhooks == MAX_HOOKS)
		die(EXIT_HARDEN, "supervisor: more than %d hooks", MAX_HOOKS);
	hooks[nhooks++] = *h;
}

pid_t sup_service(void)
{
	return service;
}

void sup_mark_failed(const char *why)
{
	if (!failed)
		failed = why;
}

/* ---- the tree ---- */

/* Append the pids in one children file; returns the new count. */
static size_t read_children(const char *path, pid_t *out, size_t n, size_t max)
{
	char buf[4096];
	size_t have = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return n; /* the thread or process has ended */
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *p = buf, *end;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		/* Whole numbers only: one cut by the buffer's end waits for more. */
		for (;;) {
			long v = strtol(p, &end, 10);

			if (end == p || (*end != ' ' && *end != '\n'))
				break;
			if (n < max)
				out[n] = (pid_t)v;
			n += n < max;
			p = end + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
	}
	close(fd);
	return n;
}

/* The children of every thread of @pid. */
static size_t children_of(pid_t pid, pid_t *out, size_t n, size_t max)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return n;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, e->d_name);
		n = read_children(path, out, n, max);
	}
	closedir(d);
	return n;
}

size_t sup_tree(pid_t *out, size_t max)
{
	char path[64];
	size_t n;

	/* The supervisor has a single thread. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	n = read_children(path, out, 0, max);
	for (size_t i = 0; i < n && i < max; i++)
		n = children_of(out[i], out, n, max);
	return n < max ? n : max;
}

/* ---- the child ---- */

/* The service's environment entry NAME=..., or NULL. */
static char **env_entry(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return env;
	return NULL;
}

/* ---- sd_notify relay ---- */

/*
 * Under systemd the supervisor is the unit's main process, and
 * NotifyAccess=main (the default for Type=notify) refuses messages from
 * any other process. So the service gets a NOTIFY_SOCKET of the
 * supervisor's, and the supervisor sends on what arrives, descriptors
 * (FDSTORE=1) included, from its own pid.
 *
 * An abstract address lives in a network namespace, and no path need be
 * reachable in the service's jail. So when the service gets a new network
 * namespace, it binds the same abstract name in it, right after the
 * unshare (sup_notify_netns), and hands that socket to the supervisor
 * over a socketpair made before the fork (SCM_RIGHTS). Only processes of
 * the new namespace can reach it, and the supervisor still relays only
 * what its own tree sends (from_tree). It sends on through its own socket,
 * in its own namespace, where the manager's abstract address resolves.
 */
static int notify_fd = -1;
static int notify_in = -1;	      /* the socket in the service's network namespace */
static int notify_pass[2] = {-1, -1}; /* how it reaches the supervisor */
static struct sockaddr_un notify_to;
static socklen_t notify_to_len;
static char notify_env[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];

static void notify_setup(struct plan *pl)
{
	char **e = env_entry(pl->envp, "NOTIFY_SOCKET");
	const char *v;
	struct sockaddr_un me = {.sun_family = AF_UNIX};
	socklen_t len;
	size_t n;
	int one = 1;

	if (!e)
		return;
	v = *e + sizeof("NOTIFY_SOCKET=") - 1;
	n = strlen(v);
	if ((v[0] != '/' && v[0] != '@') || n >= sizeof(notify_to.sun_path))
		return; /* not an address we can reach: passed as it is */
	notify_to.sun_family = AF_UNIX;
	memcpy(notify_to.sun_path, v, n);
	if (v[0] == '@')
		notify_to.sun_path[0] = '\0';
	notify_to_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (notify_fd < 0)
		die(EXIT_HARDEN, "supervisor: notify relay: socket: %s", strerror(errno));
	n = (size_t)snprintf(me.sun_path + 1, sizeof(me.sun_path) - 1, "harden-exec/notify/%d",
			     (int)getpid());
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	if (bind(notify_fd, (struct sockaddr *)&me, len) ||
	    setsockopt(notify_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		die(EXIT_HARDEN, "supervisor: notify relay: bind: %s", strerror(errno));
	snprintf(notify_env, sizeof(notify_env), "NOTIFY_SOCKET=@%s", me.sun_path + 1);
	if (pl->ns && (pl->ns->flags & CLONE_NEWNET) &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, notify_pass))
		die(EXIT_HARDEN, "supervisor: notify relay: socketpair: %s", strerror(errno));
}

void sup_notify_netns(void)
{
	struct sockaddr_un me = {.sun_family = AF_UNIX};
	const char *name = notify_env + sizeof("NOTIFY_SOCKET=@") - 1;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr m = {.msg_iov = &(struct iovec){"n", 1},
			   .msg_iovlen = 1,
			   .msg_control = ctl.b,
			   .msg_controllen = sizeof(ctl.b)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	size_t n = strlen(name);
	int one = 1, fd;

	if (notify_pass[1] < 0)
		return;
	memcpy(me.sun_path + 1, name, n);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    bind(fd, (struct sockaddr *)&me, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
		die(EXIT_HARDEN, "supervisor: notify relay in the new network namespace: bind @%s: %s", name,
		    strerror(errno));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(notify_pass[1], &m, MSG_NOSIGNAL) != 1)
		die(EXIT_HARDEN, "supervisor: notify relay: pass the socket to the supervisor: %s",
		    strerror(errno));
	close(fd);
	sup_notify_drop();
}

void sup_notify_drop(void)
{
	if (notify_pass[1] >= 0)
		close(notify_pass[1]);
	notify_pass[1] = -1;
}

/* In the supervisor: the service's socket has come (or its side ended). */
static void notify_take(void)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct msghdr m = {.msg_iov = &(struct iovec){&byte, 1},
			   .msg_iovlen = 1,
			   .msg_control = ctl.b,
			   .msg_controllen = sizeof(ctl.b)};
	ssize_t r = recvmsg(notify_pass[0], &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	struct cmsghdr *c = r > 0 ? CMSG_FIRSTHDR(&m) : NULL;

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int))) {
		memcpy(&notify_in, CMSG_DATA(c), sizeof(int));
		if (fcntl(notify_in, F_SETFL, O_NONBLOCK))
			die(EXIT_HARDEN, "supervisor: notify relay: O_NONBLOCK: %s", strerror(errno));
	}
	close(notify_pass[0]); /* one socket, once */
	notify_pass[0] = -1;
}

/* Only what the service's tree sends is passed on. */
static bool from_tree(pid_t pid)
{
	pid_t pids[4096];
	size_t n = sup_tree(pids, 4096);

	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * Drop MAINPID= lines: the supervisor is the main process and stays it.
 * A MAINPID naming the service would make the manager watch (and signal)
 * a process below the supervisor, and NotifyAccess=main would then refuse
 * the supervisor's own relay; in a pid namespace the number is not even
 * the manager's. Returns the new length.
 */
static size_t drop_mainpid(char *buf, size_t len)
{
	size_t out = 0;

	for (size_t at = 0; at < len;) {
		char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) + 1 : len - at;

		if (n < 8 || memcmp(buf + at, "MAINPID=", 8)) {
			memmove(buf + out, buf + at, n);
			out += n;
		}
		at += n;
	}
	return out;
}

static void notify_relay(int from)
{
	char buf[4096];
	union {
		char b[CMSG_SPACE(sizeof(int) * 253) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b)};
	char fwd[CMSG_SPACE(sizeof(int) * 253)];
	size_t nfwd = 0;
	struct ucred *cred = NULL;
	ssize_t r;

	while ((r = recvmsg(from, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) >= 0) {
		size_t len = drop_mainpid(buf, (size_t)r);
		struct msghdr out = {.msg_name = &notify_to,
				     .msg_namelen = notify_to_len,
				     .msg_iov = &(struct iovec){buf, len},
				     .msg_iovlen = 1};

		nfwd = 0;
		cred = NULL;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_CREDENTIALS)
				cred = (struct ucred *)CMSG_DATA(c);
			else if (c->cmsg_type == SCM_RIGHTS && nfwd == 0) {
				memcpy(fwd, c, c->cmsg_len);
				nfwd = c->cmsg_len;
			}
		}
		if (cred && from_tree(cred->pid) && (len || nfwd)) {
			if (nfwd) {
				out.msg_control = fwd;
				out.msg_controllen = CMSG_SPACE(nfwd - CMSG_LEN(0));
			}
			(void)sendmsg(notify_fd, &out, MSG_NOSIGNAL);
		}
		if (nfwd) { /* ours to close once sent (the receiver has its copies) */
			struct cmsghdr *c = (struct cmsghdr *)fwd;

			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				close(((int *)CMSG_DATA(c))[i]);
		}
		m.msg_controllen = sizeof(ctl.b);
	}
}

/* ---- the child ---- */

static void child_side(struct plan *pl, pid_t sup, const sigset_t *old, int supfd)
{
	struct pollfd gone = {supfd, POLLIN, 0};
	pid_t pp;
	char **e;

	if (sigprocmask(SIG_SETMASK, old, NULL))
		die(EXIT_HARDEN, "supervisor: sigprocmask: %s", strerror(errno));
	/* No orphan survives the supervisor. The kernel clears this on a
	 * credential change: apply_flags sets it again after the identity
	 * step, and the shim after the late one. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
		die(EXIT_HARDEN, "supervisor: PR_SET_PDEATHSIG: %s", strerror(errno));
	/* In a new pid namespace the parent is outside it, pid 0 here: ask
	 * its pidfd instead (readable once it has exited). */
	pp = getppid();
	if (pp == 0 ? supfd >= 0 && poll(&gone, 1, 0) != 0 : pp != sup)
		_exit(EXIT_HARDEN); /* the supervisor is already gone */
	if (supfd >= 0)
		close(supfd);
	pl->pdeathsig = true;
	pl->parent = sup;
	/* Socket activation names the service's pid (sd_listen_fds(3)): now
	 * ours, no longer harden-exec's. */
	e = env_entry(pl->envp, "LISTEN_PID");
	if (e) {
		static char pidvar[32];

		snprintf(pidvar, sizeof(pidvar), "LISTEN_PID=%d", (int)getpid());
		*e = pidvar;
	}
	if (notify_fd >= 0) {
		close(notify_fd);
		*env_entry(pl->envp, "NOTIFY_SOCKET") = notify_env;
	}
	if (notify_pass[0] >= 0)
		close(notify_pass[0]);
	notify_pass[0] = -1;
}

/* ---- the parent ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void sup_kill_tree(int sig)
{
	pid_t pids[4096];
	size_t n = sup_tree(pids, 4096);

	for (size_t i = 0; i < n; i++)
		(void)kill(pids[i], sig);
	for (size_t i = 0; i < nhooks && sig == SIGKILL; i++)
		if (hooks[i].kill)
			hooks[i].kill(hooks[i].arg);
}

/* The state of the supervision, for the exit rule. */
struct sup_state {
	bool main_done;
	int main_status;
	int last_status; /* of the last other child reaped after the main one */
	bool any_after;
};

static int status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Reap what has ended; returns true when nothing is left. */
static bool reap(struct sup_state *s)
{
	int st;
	pid_t p;
	bool gone;

	while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			fprintf(stderr,
				"harden-exec: pid %d was killed by SIGSYS: a system call its seccomp filter "
				"refuses (the early_deny filter before the trigger, the policy's filter "
				"after it)\n",
				(int)p);
		if (p == service) {
			s->main_done = true;
			s->main_status = status_code(st);
			log_event("supervisor", "service pid %d ended with status %d", (int)p,
				  s->main_status);

		} else if (s->main_done) {
			s->last_status = status_code(st);
			s->any_after = true;
		}
	}
	/* Read before the kill below, whose hooks may set errno. */
	gone = p < 0 && errno == ECHILD;
	/* A failed service takes what it started with it: killed at each
	 * pass, so that what a dying process forked goes too. */
	if (s->main_done && s->main_status != 0)
		sup_kill_tree(SIGKILL);
	return gone;
}

static void forward(const struct signalfd_siginfo *si, const struct sup_state *s)
{
	int sig = (int)si->ssi_signo;

	if (!s->main_done) {
		/* A terminal sent it to the whole foreground group: the service,
		 * in our group, has it already. */
		if (si->ssi_code == SI_KERNEL && getpgid(service) == getpgrp())
			return;
		(void)kill(service, sig);
		return;
	}
	/* After the main process: the daemon's processes orphaned to us. */
	pid_t kids[1024];
	char path[64];
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	n = read_children(path, kids, 0, 1024);
	for (size_t i = 0; i < n && i < 1024; i++)
		(void)kill(kids[i], sig);
}

static bool pid_namespace;

void sup_pid_namespace(void)
{
	pid_namespace = true;
}

pid_t sup_ns_init(void)
{
	return pid_namespace ? service : 0;
}

static _Noreturn void finish(const struct sup_state *s)
{
	int status = s->any_after && s->main_status == 0 ? s->last_status : s->main_status;

	if (failed && status == 0)
		status = 128 + SIGKILL;
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i].finished)
			hooks[i].finished(status, hooks[i].arg);
	log_event("supervisor", "exit %d%s%s", status, failed ? ": " : "", failed ? failed : "");
	/* _exit once the state is final: no exit handler is ours, and the
	 * caller waits for this exit (exit(3) here cost about 0.1 ms of the
	 * late start, docs/benchmarks.md). After unshare(CLONE_NEWPID) no
	 * exit handler may fork either: every task this process makes is born
	 * in the service's namespace, whose init has ended (a sanitizer's leak
	 * check does, and fails). */
	fflush(NULL);
	_exit(status);
}

static _Noreturn void supervise(struct plan *pl, const sigset_t *set)
{
	struct pollfd pfd[MAX_HOOKS + 4];
	long long next[MAX_HOOKS] = {0};
	bool ticking[MAX_HOOKS] = {false};
	struct sup_state s = {0};
	struct sigaction ign = {.sa_handler = SIG_IGN};
	int sfd;

	/* The service's descriptors are its own, not the supervisor's. */
	for (size_t i = 0; i < pl->nkeep; i++)
		close(pl->keep_fds[i]);
	if (pl->handoff_fd >= 0)
		close(pl->handoff_fd);
	/* Its stderr may be a pipe the reader has closed: not a reason to die. */
	sigaction(SIGPIPE, &ign, NULL);
	sfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		kill(service, SIGKILL);
		die(EXIT_HARDEN, "supervisor: signalfd: %s", strerror(errno));
	}
	log_event("supervisor", "pid %d supervises service pid %d (for %s)", (int)getpid(), (int)service,
		  required_by);
	pfd[0] = (struct pollfd){sfd, POLLIN, 0};
	pfd[nhooks + 1] = (struct pollfd){notify_fd, POLLIN, 0};
	if (notify_pass[1] >= 0)
		close(notify_pass[1]);
	notify_pass[1] = -1;
	for (size_t i = 0; i < nhooks; i++) {
		if (hooks[i].started)
			hooks[i].started(service, hooks[i].arg);
		ticking[i] = hooks[i].tick != NULL;
		next[i] = now_ms() + hooks[i].period_ms;
		pfd[i + 1] = (struct pollfd){hooks[i].readable ? hooks[i].fd : -1, POLLIN, 0};
	}
	for (;;) {
		struct signalfd_siginfo si;
		long long now = now_ms(), wait = -1;

		for (size_t i = 0; i < nhooks; i++) {
			if (!ticking[i])
				continue;
			if (next[i] <= now) {
				ticking[i] = hooks[i].tick(hooks[i].arg) != 0;
				next[i] = now + hooks[i].period_ms;
			}
			if (ticking[i] && (wait < 0 || next[i] - now < wait))
				wait = next[i] - now;
		}
		pfd[nhooks + 2] = (struct pollfd){notify_pass[0], POLLIN, 0};
		pfd[nhooks + 3] = (struct pollfd){notify_in, POLLIN, 0};
		if (poll(pfd, nhooks + 4, (int)wait) < 0 && errno != EINTR)
			die(EXIT_HARDEN, "supervisor: poll: %s", strerror(errno));
		for (size_t i = 0; i < nhooks; i++)
			if (hooks[i].readable && pfd[i + 1].fd >= 0 && (pfd[i + 1].revents & POLLIN))
				hooks[i].readable(pfd[i + 1].fd, hooks[i].arg);
		if (notify_fd >= 0 && (pfd[nhooks + 1].revents & POLLIN))
			notify_relay(notify_fd);
		if (notify_pass[0] >= 0 && pfd[nhooks + 2].revents)
			notify_take(); /* and what it holds already, below */
		if (notify_in >= 0)
			notify_relay(notify_in);
		while (read(sfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo != SIGCHLD)
				forward(&si, &s);
		if (reap(&s))
			finish(&s);
	}
}

/*
 * fork(2), the child born in the cgroup v2 group @cgfd. Moving a process
 * afterwards through cgroup.procs takes the kernel's global
 * cgroup_threadgroup_rwsem for writing, which waits for an RCU grace
 * period (measured 1 to 15 ms here); a fork into the group does not.
 * The process is single-threaded: nothing of glibc's fork is missed.
 * Without clone3 (before Linux 5.7) it is a plain fork, and the child
 * moves itself.
 */
static pid_t fork_into(int cgfd)
{
	struct clone_args ca = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (__u64)cgfd};
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));

	if (pid < 0 && errno == ENOSYS)
		return fork();
	return (pid_t)pid;
}

pid_t sup_start(struct plan *pl)
{
	int cgfd = -1;
	sigset_t set, old;
	pid_t sup = getpid();
	int supfd;

	if (!required_by)
		return 0;
	supfd = (int)syscall(SYS_pidfd_open, sup, 0);
	/* Blocked before the fork: no signal falls between fork and signalfd. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	notify_setup(pl);
	if (sigprocmask(SIG_BLOCK, &set, &old))
		die(EXIT_HARDEN, "supervisor: sigprocmask: %s", strerror(errno));
	/* Orphans of the service come to us, not to init: a daemon that forks
	 * and lets its parent exit stays supervised (before this, such a
	 * child ran past a late deadline as root: late mode failed open). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		die(EXIT_HARDEN, "supervisor: PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	for (size_t i = 0; i < nhooks; i++)
		if (hooks[i].prefork)
			cgfd = hooks[i].prefork(hooks[i].arg);
	service = cgfd >= 0 ? fork_into(cgfd) : fork();
	if (service < 0) {
		int err = errno;

		/* Undo what a prefork hook made (a cgroup): nobody else will. */
		for (size_t i = 0; i < nhooks; i++)
			if (hooks[i].prefork && hooks[i].finished)
				hooks[i].finished(EXIT_HARDEN, hooks[i].arg);
		die(EXIT_HARDEN, "supervisor: fork: %s", strerror(err));
	}
	if (cgfd >= 0)
		close(cgfd);
	if (service == 0) {
		child_side(pl, sup, &old, supfd);
		return 0;
	}
	if (supfd >= 0)
		close(supfd);
	supervise(pl, &set);
}
