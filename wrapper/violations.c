/* SPDX-License-Identifier: MIT */
/*
 * Refused calls named. A kernel record of a seccomp kill holds a number
 * and nothing of the policy (systemd #18052, nsjail #158): here a number
 * becomes the line of the policy behind its refusal, for explain.
 */
#include "violations.h"
#include "../core/readfile.h"
#include "../core/sysnames.h"
#include "policy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "supervisor.h"
#include "../core/log.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

/* The first item of @l whose expansion holds @nr, or NULL. */
static const char *item_holding(const struct strlist *l, long nr)
{
	static bool member[FILTER_NR_MAX];

	for (size_t i = 0; i < l->n; i++) {
		struct strlist one = {&l->v[i], 1};

		memset(member, 0, sizeof(member));
		plan_expand(&one, member);
		if (member[nr])
			return l->v[i];
	}
	return NULL;
}

static const char *rule_key(uint8_t chk)
{
	switch (chk) {
	case CHK_IOCTL_LIST:
		return "ioctl";
	case CHK_PRCTL_LIST:
		return "prctl";
	case CHK_SOCKET_TYPE:
	case CHK_SOCKET_BOTH:
		return "socket_types (and address_families)";
	case CHK_SOCKET_AF:
		return "address_families";
	case CHK_CLONE_MASK:
		return "clone_flags (and restrict_namespaces)";
	case CHK_NAMESPACES:
	case CHK_SETNS:
		return "restrict_namespaces";
	case CHK_MMAP_WX:
	case CHK_PROT_EXEC:
	case CHK_SHM_EXEC:
		return "memory_deny_write_execute";
	case CHK_PERSONALITY:
		return "lock_personality (or memory_deny_write_execute)";
	case CHK_IOCTL_TTY:
		return "the built-in TIOCSTI/TIOCLINUX rule";
	}
	return "the late filter's SIGSYS rule";
}

/* An argument rule of the policy's: which key, and where. */
static void argument_reason(const struct plan *pl, long nr, char *why, size_t wlen, char *fix, size_t flen)
{
	const struct policy *p = pl->pol;
	const struct origin *o = NULL;
	const char *key = NULL;

	switch (pl->checks[nr]) {
	case CHK_IOCTL_LIST:
		o = &p->ioctls_at, key = "ioctl";
		break;
	case CHK_PRCTL_LIST:
		o = &p->prctls_at, key = "prctl";
		break;
	case CHK_SOCKET_TYPE:
	case CHK_SOCKET_BOTH:
		o = &p->socket_types_at, key = "socket_types";
		break;
	case CHK_CLONE_MASK:
		o = &p->clone_flags_at, key = "clone_flags";
		break;
	}
	if (!o) {
		snprintf(why, wlen, "allowed, but %s refuses some of its arguments",
			 rule_key(pl->checks[nr]));
		return;
	}
	snprintf(why, wlen, "allowed, but only with the values of [seccomp] %s at %s:%d", key, o->file,
		 o->line);
	snprintf(fix, flen, "add the value to %s at %s:%d (or %s += VALUE in a policy that includes it)", key,
		 o->file, o->line, key);
}

/*
 * Why the policy refuses @nr, into @why, and the line that would allow
 * it into @fix ("" when no line can). Returns the verdict.
 */
uint32_t violation_reason(const struct plan *pl, long nr, const char *name, char *why, size_t wlen, char *fix,
			  size_t flen)
{
	const struct policy *p = pl->pol;
	const char *item;
	uint32_t a = pl->actions[nr], kind = a & SECCOMP_RET_ACTION_FULL;

	fix[0] = '\0';
	if (!pl->bpf && !pl->late_bpf) {
		snprintf(why, wlen, "the policy has no seccomp filter: not refused by it");
		return SECCOMP_RET_ALLOW;
	}
	if (!strcmp(name, "clone3") || !strncmp(name, "io_uring_", 9)) {
		snprintf(why, wlen, "answered ENOSYS by every filter (%s)",
			 name[0] == 'c' ? "its flags lie in memory no filter reads; libc falls back on clone"
					: "io_uring does I/O no filter sees");
		return a;
	}
	if (kind == SECCOMP_RET_ALLOW || kind == SECCOMP_RET_LOG) {
		if (pl->checks[nr])
			argument_reason(pl, nr, why, wlen, fix, flen);
		else if (pl->late && pl->bpf && (item = item_holding(&p->early_deny, nr)))
			snprintf(why, wlen, "refused until the trigger by early_deny at %s:%d (%s)",
				 p->early_deny_at.file, p->early_deny_at.line, item);
		else
			snprintf(why, wlen, "allowed by this policy: the refusal came from another filter");
		return a;
	}
	if ((item = item_holding(&p->deny, nr))) {
		snprintf(why, wlen, "refused by deny at %s:%d (%s)", p->deny_at.file, p->deny_at.line, item);
		if (!strcmp(item, name) || isdigit((unsigned char)item[0]))
			snprintf(fix, flen, "remove %s from deny at %s:%d", item, p->deny_at.file,
				 p->deny_at.line);
		else
			snprintf(fix, flen, "take %s out of deny at %s:%d (%s is one of its members)", item,
				 p->deny_at.file, p->deny_at.line, name);
		return a;
	}
	if (pl->jailed && !strcmp(name, "open_by_handle_at")) {
		snprintf(why, wlen, "refused in a chroot: a file handle reaches outside it");
		return a;
	}
	if (p->allow_at.file) {
		snprintf(why, wlen, "not in the allow list at %s:%d", p->allow_at.file, p->allow_at.line);
		snprintf(fix, flen, "allow += %s", name);
		return a;
	}
	snprintf(why, wlen, "refused by the filter");
	return a;
}

/* ---- reports in exec mode: [log] violations = yes ---- */

/*
 * The filter the service runs answers every refusal of the policy with
 * SECCOMP_RET_USER_NOTIF (its allowed calls are untouched, so they stay
 * on the kernel's action cache). The supervisor takes the listener from
 * the service, reports each refused call and answers it as the policy
 * would have: the errno, or SIGKILL through a pidfd before the call runs.
 *
 * The listener is created by the service's own seccomp(2) call, after the
 * fork, and is closed when the service execs; so the service then makes
 * one more call, VIOLATION_HANDSHAKE_NR, which only the supervisor can
 * answer: by then it holds the listener (found in /proc/PID/fd, taken
 * with pidfd_getfd(2)) on the descriptor number its hook watches.
 */

/* Reports of one syscall beyond this many are only counted. */
#define VIOLATION_BURST 5

static struct {
	const struct plan *pl;
	int watched; /* the hook's descriptor: a placeholder, then the listener */
	bool have_listener;
	pid_t service;
	int pidfd;
	unsigned long count[FILTER_NR_MAX + 1]; /* [FILTER_NR_MAX]: numbers above */
	uint32_t verdict[FILTER_NR_MAX + 1];
} vs = {.watched = -1, .pidfd = -1};

/* The service's listener, on vs.watched; false while it has none yet. */
static bool take_listener(void)
{
	char path[64], link[64];
	struct dirent *e;
	DIR *d;
	bool done = false;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)vs.service);
	d = opendir(path);
	if (!d)
		return true; /* the service has ended: nothing to take */
	while (!done && (e = readdir(d))) {
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/fd/%.16s", (int)vs.service, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:seccomp notify"))
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, vs.pidfd, atoi(e->d_name), 0);
		/* Fail closed: a service whose refusals nobody answers would see
		 * ENOSYS for each once its copy closes. */
		if (fd < 0 || dup3(fd, vs.watched, O_CLOEXEC) < 0) {
			(void)syscall(SYS_pidfd_send_signal, vs.pidfd, SIGKILL, NULL, 0);
			die(EXIT_HARDEN, "violations: take the seccomp listener of pid %d: %s",
			    (int)vs.service, strerror(errno));
		}
		close(fd);
		vs.have_listener = done = true;
	}
	closedir(d);
	return done;
}

static void v_started(pid_t service, void *arg)
{
	(void)arg;
	vs.service = service;
	vs.pidfd = (int)syscall(SYS_pidfd_open, service, 0);
	if (vs.pidfd < 0) {
		kill(service, SIGKILL);
		die(EXIT_HARDEN, "violations: pidfd_open of pid %d: %s", (int)service, strerror(errno));
	}
}

static int v_tick(void *arg)
{
	(void)arg;
	return !take_listener();
}

/* The thread group of @tid, from /proc (0 when it has gone). */
static pid_t thread_group(pid_t tid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, "\nTgid:");
	return p ? (pid_t)atoi(p + 6) : 0;
}

/* An action as the policy spells it: errno:EACCES, kill. */
static void action_words(uint32_t verdict, char *buf, size_t len)
{
	const char *e = errno_name((int)(verdict & SECCOMP_RET_DATA));

	if ((verdict & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && e)
		snprintf(buf, len, "errno:%s", e);
	else
		filter_action_name(verdict, buf, len);
}

static void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void report(const struct seccomp_notif *req, uint32_t verdict)
{
	const struct plan *pl = vs.pl;
	const char *name =
	    req->data.nr >= 0 && req->data.nr < FILTER_NR_MAX ? sysname_name(req->data.nr) : NULL;
	char path[64], exe[512] = "?", why[512] = "", fix[512] = "", act[32], nr[16];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/exe", req->pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 1] = '\0';
	snprintf(nr, sizeof(nr), "%d", req->data.nr);
	if (name)
		violation_reason(pl, req->data.nr, name, why, sizeof(why), fix, sizeof(fix));
	action_words(verdict, act, sizeof(act));
	if (pl->pol->log_format == LOG_JSON) {
		fprintf(stderr, "{\"event\":\"violation\",\"syscall\":");
		json_text(stderr, name ? name : nr);
		fprintf(stderr, ",\"nr\":%d,\"pid\":%u,\"exe\":", req->data.nr, req->pid);
		json_text(stderr, exe);
		fprintf(stderr, ",\"args\":[");
		for (int i = 0; i < 6; i++)
			fprintf(stderr, "%s\"%#llx\"", i ? "," : "", (unsigned long long)req->data.args[i]);
		fprintf(stderr, "],\"action\":");
		json_text(stderr, act);
		fprintf(stderr, ",\"why\":");
		json_text(stderr, why);
		fprintf(stderr, ",\"fix\":");
		json_text(stderr, fix);
		fprintf(stderr, "}\n");
	} else {
		fprintf(stderr, "harden-exec: violation: %s (%d) by pid %u %s, arguments", name ? name : "?",
			req->data.nr, req->pid, exe);
		for (int i = 0; i < 6; i++)
			fprintf(stderr, "%s%#llx", i ? ", " : " ", (unsigned long long)req->data.args[i]);
		fprintf(stderr, ": %s: %s%s%s\n", act, why, *fix ? "; to allow it: " : "", fix);
	}
	fflush(stderr);
}

static void respond(const struct seccomp_notif *req, int error)
{
	struct seccomp_notif_resp resp = {.id = req->id, .error = error};

	/* ENOENT: the caller has gone (killed, or a signal ended its wait). */
	(void)ioctl(vs.watched, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static void v_readable(int fd, void *arg)
{
	struct seccomp_notif req;
	uint32_t verdict, kind;
	size_t slot;

	(void)arg;
	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return; /* ENOENT: the caller went before we read it */
	if (req.data.nr == VIOLATION_HANDSHAKE_NR) {
		respond(&req, -ENOSYS);
		return;
	}
	verdict = filter_run(vs.pl->verdict_bpf, vs.pl->verdict_bpf_len, &req.data);
	kind = verdict & SECCOMP_RET_ACTION_FULL;
	slot = req.data.nr >= 0 && req.data.nr < FILTER_NR_MAX ? (size_t)req.data.nr : FILTER_NR_MAX;
	vs.verdict[slot] = verdict;
	if (vs.count[slot]++ < VIOLATION_BURST)
		report(&req, verdict);
	if (kind == SECCOMP_RET_ERRNO) {
		respond(&req, -(int)(verdict & SECCOMP_RET_DATA));
		return;
	}
	if (kind == SECCOMP_RET_KILL_PROCESS || kind == SECCOMP_RET_KILL_THREAD) {
		/* The caller waits in the kernel: SIGKILL ends it before the
		 * call runs. The pidfd pins the process, and the notification
		 * id is checked after it is opened, so a recycled pid cannot be
		 * hit. */
		pid_t tgid = thread_group((pid_t)req.pid);
		int pfd = tgid > 0 ? (int)syscall(SYS_pidfd_open, tgid, 0) : -1;

		if (pfd >= 0 && ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)
			(void)syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
		if (pfd >= 0)
			close(pfd);
		respond(&req, -EPERM); /* if it still waits, the call still does not run */
		return;
	}
	/* Not a refusal of the policy (not reached): let it run as asked. */
	{
		struct seccomp_notif_resp resp = {.id = req.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};

		(void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* At exit: every count, the unreported ones included, in one line. */
static void v_finished(int status, void *arg)
{
	bool any = false, json = vs.pl->pol->log_format == LOG_JSON;
	char act[32];

	(void)status;
	(void)arg;
	for (size_t nr = 0; nr <= FILTER_NR_MAX; nr++) {
		const char *name = nr < FILTER_NR_MAX ? sysname_name((int)nr) : NULL;

		if (!vs.count[nr])
			continue;
		action_words(vs.verdict[nr], act, sizeof(act));
		if (json)
			fprintf(stderr, "%s\"%s\":{\"count\":%lu,\"reported\":%lu,\"action\":\"%s\"}",
				any ? "," : "{\"event\":\"violations\",\"syscalls\":{", name ? name : "other",
				vs.count[nr], vs.count[nr] < VIOLATION_BURST ? vs.count[nr] : VIOLATION_BURST,
				act);
		else
			fprintf(stderr, "%s %s %lu (%s%s)",
				any ? "," : "harden-exec: violations:", name ? name : "other", vs.count[nr],
				act, vs.count[nr] > VIOLATION_BURST ? ", not all reported" : "");
		any = true;
	}
	if (any)
		fprintf(stderr, json ? "}}\n" : "\n");
}

void violations_plan(struct plan *pl)
{
	if (pl->dry)
		return;
	vs.pl = pl;
	/* A descriptor never readable: the hook's slot, until the listener. */
	vs.watched = eventfd(0, EFD_CLOEXEC);
	if (vs.watched < 0)
		die(EXIT_HARDEN, "violations: eventfd: %s", strerror(errno));
	if (pl->ninternal >= sizeof(pl->internal_fds) / sizeof(pl->internal_fds[0]))
		die(EXIT_HARDEN, "violations: too many internal descriptors");
	pl->internal_fds[pl->ninternal++] = vs.watched;
	sup_require("[log] violations");
	sup_hook(&(struct sup_hook){.name = "violations",
				    .started = v_started,
				    .tick = v_tick,
				    .period_ms = 1,
				    .fd = vs.watched,
				    .readable = v_readable,
				    .finished = v_finished});
}
