/* SPDX-License-Identifier: MIT */
/*
 * harden-exec learn POLICY [-o FILE] [--force] [--] COMMAND [ARG...]
 *
 * Runs COMMAND under the policy's other controls with a filter whose every
 * native syscall is reported to this process (SECCOMP_RET_USER_NOTIF) and
 * then continued, and writes what was used as a `[seccomp] allow` list,
 * grouped into named sets where a whole set was used, merged with FILE
 * when it exists (several runs of different workloads add up).
 *
 * The policy's argument rules stay in force while learning, in a filter
 * of their own below the reporting one (address_families,
 * memory_deny_write_execute, lock_personality, restrict_namespaces, and
 * what every filter refuses: io_uring, clone3), so a run learns what the
 * program does under the policy, not what it would do unconfined. A run
 * that fails (a non-zero exit, or a signal this process did not pass on)
 * writes no list unless --force is given: it may have missed calls a
 * working run makes.
 *
 * A late policy (apply = main, listen, accept or ready) is learnt in its
 * own mode (issue 12, item 7): the service starts as root with the shim
 * preloaded and the deadline watchdog, and at its trigger the shim really
 * changes the identity and drops the capabilities, so a daemon that binds
 * port 80 and then drops works while learning. Only the late allow-list
 * is replaced: the shim installs the policy's argument rules alone, which
 * refuse nothing else. That filter is also how this process tells the
 * calls apart: a thread's Seccomp_filters count (/proc/TID/status) grows
 * by one at its trigger, for every thread at once (TSYNC), and a fork or
 * an exec inherits it, so a call reported while the caller's count is
 * below the hardened one was made before the trigger. The count is read
 * while the caller waits for our answer, in order with its calls; the
 * shim needs no change for it. The run writes the late `allow` (calls
 * made after the trigger) and an `early_deny` suggestion (dangerous calls
 * the run never made at all: the early filter stays in force after the
 * trigger), and refuses to write either when no process reached its
 * trigger.
 *
 * The service child loads the filter last and execs; it blocks in that
 * very execve (the first call reported) until this process has taken the
 * listener from it with pidfd_getfd(2), so no call goes unseen.
 */
#include "tools.h"
#include "../core/readfile.h"
#include "../core/sysnames.h"
#include "../core/log.h"
#include "late.h"
#include "plan.h"
#include "policy.h"
#include "sets.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static volatile sig_atomic_t forwarded; /* the last signal passed on */

static void forward(int sig)
{
	if (child > 0) {
		forwarded = sig;
		kill(child, sig);
	}
}

/* The seccomp listener among the descriptors of @pid, taken; -1: none there. */
static int listener_of(pid_t pid)
{
	char path[64], link[64];
	struct dirent *e;
	int fd = -1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/fd/%.16s", (int)pid, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!strcmp(link, "anon_inode:seccomp notify")) {
			int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

			if (pidfd >= 0) {
				fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0);
				close(pidfd);
			}
		}
	}
	closedir(d);
	return fd;
}

/*
 * The listener in @pid or below it: the service is our child, or, when a
 * control needs the supervisor (a late policy's deadline, a cgroup), its
 * child, or in a pid namespace the child of that namespace's init.
 */
static int listener_below(pid_t pid, int depth)
{
	char path[80], buf[1024];
	int fd = listener_of(pid), cfd;
	ssize_t n;

	if (fd >= 0 || depth == 0)
		return fd;
	/* The supervisor and an init have one thread: one children file. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return -1;
	n = read(cfd, buf, sizeof(buf) - 1);
	close(cfd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf, *end; fd < 0; p = end) {
		long kid = strtol(p, &end, 10);

		if (end == p)
			break;
		fd = listener_below((pid_t)kid, depth - 1);
	}
	return fd;
}

/* The listener; -1 with *status set when @pid ended first. */
static int take_listener(pid_t pid, int *status)
{
	for (int tries = 0; tries < 5000; tries++) {
		int fd = listener_below(pid, 3);

		if (fd >= 0)
			return fd;
		if (waitpid(pid, status, WNOHANG) == pid)
			return -1;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

/*
 * Seccomp_filters of the task @tid (a thread id: /proc/TID exists for
 * every thread, listed or not); -1 when it cannot be read.
 */
static int filters_of(pid_t tid)
{
	static char buf[8192];
	char path[48], *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\nSeccomp_filters:");
	return p ? atoi(p + strlen("\nSeccomp_filters:")) : -1;
}

static void add_item(bool used[FILTER_NR_MAX], const char *item)
{
	struct strlist l = {(char *[]){(char *)item, NULL}, 1};

	plan_expand(&l, used);
}

/*
 * Merge an earlier fragment: its allow list into @allow, its early_deny
 * into @early (*had_early: it has one). One key per line, continued by
 * indented lines.
 */
static void merge_file(const char *path, bool allow[FILTER_NR_MAX], bool early[FILTER_NR_MAX],
		       bool *had_early)
{
	char line[512];
	bool *into = NULL;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *tok, *save = NULL;
		size_t k = strcspn(line, " \t=");

		if (strchr(s, '=') && (k == 5 && !strncmp(s, "allow", 5))) {
			into = allow;
			s = strchr(s, '=') + 1;
		} else if (strchr(s, '=') && k == 10 && !strncmp(s, "early_deny", 10)) {
			into = early;
			*had_early = true;
			s = strchr(s, '=') + 1;
		} else if (!(into && (line[0] == ' ' || line[0] == '\t'))) {
			into = NULL;
			continue;
		}
		for (tok = strtok_r(s, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			if (tok[0] == ';')
				break;
			add_item(into, tok);
		}
	}
	fclose(f);
}

/* Native members of a set, as a bitmap; their number. */
static int set_bits(const char *name, bool out[FILTER_NR_MAX])
{
	int n = 0;

	memset(out, 0, FILTER_NR_MAX);
	add_item(out, name);
	for (int nr = 0; nr < FILTER_NR_MAX; nr++)
		n += out[nr];
	return n;
}

/* The members of @used as names, whole sets first where every member is in. */
static void list_items(const bool used[FILTER_NR_MAX], char *items, size_t size)
{
	static bool covered[FILTER_NR_MAX], members[FILTER_NR_MAX];
	size_t len = 0;
	int chosen[64], nchosen = 0;

	items[0] = '\0';
	memset(covered, 0, sizeof(covered));
	/* Largest whole sets first, while they add something. */
	for (;;) {
		int best = -1, best_n = 0;

		for (int i = 0; sysset_table[i].name; i++) {
			int n = set_bits(sysset_table[i].name, members), fresh = 0, all = n >= 2;

			for (int nr = 0; nr < FILTER_NR_MAX && all; nr++) {
				if (members[nr] && !used[nr])
					all = 0;
				fresh += members[nr] && !covered[nr];
			}
			if (all && fresh > 1 && n > best_n) {
				best = i;
				best_n = n;
			}
		}
		if (best < 0 || nchosen == 64)
			break;
		chosen[nchosen++] = best;
		set_bits(sysset_table[best].name, members);
		for (int nr = 0; nr < FILTER_NR_MAX; nr++)
			covered[nr] |= members[nr];
	}
	for (int i = 0; i < nchosen; i++)
		len += (size_t)snprintf(items + len, size - len, "%s ", sysset_table[chosen[i]].name);
	for (int nr = 0; nr < FILTER_NR_MAX && len < size - 64; nr++) {
		const char *name = sysname_name(nr);

		if (used[nr] && !covered[nr] && name)
			len += (size_t)snprintf(items + len, size - len, "%s ", name);
	}
}

/* KEY = the members of @set, in short lines (a policy line may not exceed
 * 198 characters); nothing when the set is empty (a key needs a value). */
static void write_key(FILE *f, const char *key, const bool set[FILTER_NR_MAX])
{
	static char items[8192];
	size_t col;

	list_items(set, items, sizeof(items));
	if (!items[0])
		return;
	col = (size_t)fprintf(f, "%s =", key);
	for (char *tok = strtok(items, " "); tok; tok = strtok(NULL, " ")) {
		if (col + strlen(tok) > 72) {
			fprintf(f, "\n\t");
			col = 8;
		}
		col += (size_t)fprintf(f, " %s", tok);
	}
	fprintf(f, "\n");
}

/* @mode: the late apply mode the run was learnt in, NULL for exec. */
static void write_fragment(FILE *f, const bool allow[FILTER_NR_MAX], const bool *early, char **argv,
			   const char *mode)
{
	fprintf(f, "; learned by harden-exec learn from:");
	/* One comment line: a newline in an argument would end it, and the
	 * rest would be read as policy text. */
	for (char **a = argv; *a; a++) {
		fputc(' ', f);
		for (size_t k = 0; k < 60 && (*a)[k]; k++)
			fputc((unsigned char)(*a)[k] < 0x20 ? ' ' : (*a)[k], f);
	}
	fputc('\n', f);
	if (mode)
		fprintf(
		    f,
		    "; in the policy's own late mode (apply = %s); allow and early_deny come from one\n"
		    "; run: allow holds the calls made after the trigger, early_deny the dangerous calls\n"
		    "; (the baseline's deny list and @mount) that no process made, before or after it\n",
		    mode);
	else if (early)
		fprintf(f, "; early_deny: the dangerous calls no run made, kept from an earlier late run\n");
	fprintf(f, "; review it, then include it and add deny = and action = of your own\n[seccomp]\n");
	write_key(f, "allow", allow);
	if (early)
		write_key(f, "early_deny", early);
}

/*
 * The calls an early_deny may suggest: the baseline's deny list and
 * @mount, less kcmp, which the shim itself calls at every trigger of a
 * process that has others beside it (wrapper/late.c checks shared memory
 * with it) under the early filter.
 */
static void dangerous(bool out[FILTER_NR_MAX])
{
	static struct policy base;
	struct policy_error err;

	memset(out, 0, FILTER_NR_MAX);
	if (policy_load(&base, NULL, &err))
		die(EXIT_HARDEN, "learn: the baseline: %s", err.msg);
	plan_expand(&base.deny, out);
	add_item(out, "@mount");
	out[__NR_kcmp] = false;
}

static const char *const mode_names[] = {"exec", "main", "listen", "accept", "ready"};

int tool_learn(int argc, char **argv)
{
	static struct policy pol;
	static struct plan pl;
	static struct filter_spec spec;
	/* used[0]: before the trigger (every call, for an exec policy);
	 * used[1]: after it. */
	static bool used[2][FILTER_NR_MAX], allow[FILTER_NR_MAX], early[FILTER_NR_MAX],
	    old_early[FILTER_NR_MAX];
	static char *no_deny[] = {NULL};
	struct policy_error err;
	const char *out = NULL, *path;
	struct sigaction sa = {.sa_handler = forward};
	struct sock_fprog rules = {0};
	int i = 1, status = 0, listener, n, calls[2] = {0, 0}, force = 0, failed, code, late;
	int hardened = 0;
	bool had_early = false, triggered = false;

	/* learn [-o FILE] [--force] POLICY [-o FILE] [--force] [--] COMMAND [ARG...] */
	for (path = NULL; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-')
			die(EXIT_HARDEN, "learn: %s: unknown option", argv[i]);
		else if (!path)
			path = argv[i];
		else
			break;
	}
	if (!path || i >= argc)
		die(EXIT_HARDEN, "usage: harden-exec learn POLICY [-o FILE] [--force] [--] COMMAND [ARG...]");
	if (policy_load(&pol, !strcmp(path, "baseline") ? NULL : path, &err))
		die(EXIT_HARDEN, "%s", err.msg);
	late = pol.apply != APPLY_EXEC;

	/*
	 * Everything but the lists: the policy's argument rules become an
	 * empty deny-list's filter (issue 13, item 13: W+X memory, new
	 * namespaces and io_uring worked while learning). An exec policy
	 * loads it at exec; a late one keeps its apply mode, identity change
	 * and deadline, and the shim installs that filter at the trigger in
	 * place of the late allow-list (and no early_deny before it).
	 */
	memset(&pol.allow_at, 0, sizeof(pol.allow_at));
	memset(&pol.early_deny_at, 0, sizeof(pol.early_deny_at));
	if (!late)
		memset(&pol.deadline_ms_at, 0, sizeof(pol.deadline_ms_at));
	pol.deny = (struct strlist){no_deny, 0};
	pol.deny_at = (struct origin){path, 0};
	pol.no_new_privs = TRI_YES;  /* the reporting filter needs it whatever the policy says */
	pol.log_violations = TRI_NO; /* learn has its own listener */
	plan_build(&pl, &pol, &argv[i], false);
	rules = (struct sock_fprog){(unsigned short)pl.bpf_len, pl.bpf};
	filter_spec_init(&spec, SECCOMP_RET_USER_NOTIF);
	pl.bpf = calloc(FILTER_MAX_INSNS, sizeof(*pl.bpf));
	n = pl.bpf ? filter_build(&spec, pl.bpf, FILTER_MAX_INSNS) : -1;
	if (n < 0)
		die(EXIT_HARDEN, "learn: cannot build the learning filter");
	pl.bpf_len = (size_t)n;
	pl.learn = true;
	pl.nnp = true;
	pl.filter_flags = 0; /* [log] kernel = yes would audit every reported call */
	if (late) {
		/* The reporting filter adds one to what the watchdog waits for
		 * (it reads the plan: its hook holds a pointer to it). */
		pl.expected_filters++;
		hardened = (int)pl.expected_filters;
	}

	child = fork();
	if (child < 0)
		die(EXIT_HARDEN, "learn: fork: %s", strerror(errno));
	if (child == 0) {
		/* The rules' filter first: it refuses only argument values and
		 * io_uring/clone3, none of which the steps before exec use. */
		if (rules.filter && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &rules) < 0)
			die(EXIT_HARDEN, "learn: load the policy's argument rules: %s", strerror(errno));
		/* The handoff names its maker as the supervisor (the shim reads
		 * its tree and dies with it): this process, not the learner.
		 * Made again, at the descriptor the environment names. */
		if (late) {
			int fd = late_handoff_create(&pl);

			if (dup2(fd, pl.handoff_fd) < 0)
				die(EXIT_HARDEN, "learn: the handoff: %s", strerror(errno));
			close(fd);
		}
		apply_all(&pl);
	}
	free(rules.filter); /* the policy's own filter, loaded only in the child */
	rules.filter = NULL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	listener = take_listener(child, &status);
	if (listener < 0)
		die(EXIT_HARDEN, "learn: could not take the seccomp listener from the command (%s)",
		    WIFEXITED(status) && WEXITSTATUS(status) == EXIT_HARDEN ? "it failed to start"
									    : strerror(errno));

	for (;;) {
		struct pollfd pfd = {listener, POLLIN, 0};
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		int after = 0;

		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd.revents & (POLLHUP | POLLERR) && !(pfd.revents & POLLIN))
			break; /* no process uses the filter any more */
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			break;
		}
		if (late) {
			/* The caller waits for our answer: its count is the one
			 * its call was made under. Unreadable (it was killed
			 * meanwhile): counted on both sides, which keeps the call
			 * allowed and out of early_deny. */
			int filters = filters_of((pid_t)req.pid);

			if (filters < 0 || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) < 0)
				after = 2;
			else
				after = filters >= hardened;
			triggered |= after == 1;
		}
		if (req.data.nr >= 0 && req.data.nr < FILTER_NR_MAX) {
			used[after & 1][req.data.nr] = true;
			if (after == 2)
				used[0][req.data.nr] = true;
		}
		calls[after & 1]++;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: the caller died */
	}
	waitpid(child, &status, 0);
	/* Every filter answers clone3 with ENOSYS so that glibc falls back
	 * to clone, whose flags a filter can read: a program seen making
	 * threads with clone3 needs clone (issue 12, item 6). */
	for (int k = 0; k < 2; k++)
		if (used[k][__NR_clone3])
			used[k][__NR_clone] = true;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (late)
		fprintf(stderr,
			"harden-exec: learn: %d calls seen, %d before the trigger (apply = %s) and %d after "
			"it; the command %s %d\n",
			calls[0] + calls[1], calls[0], mode_names[pol.apply], calls[1],
			WIFEXITED(status) ? "exited with" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	else
		fprintf(stderr, "harden-exec: learn: %d calls seen; the command %s %d\n", calls[0],
			WIFEXITED(status) ? "exited with" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	/* A signal we passed on ends the command as we asked: directly, or
	 * through the supervisor, which exits with 128 + the signal. */
	failed = code != 0 && !(forwarded && code == 128 + forwarded);
	if (failed && !force) {
		fprintf(stderr,
			"harden-exec: learn: the run failed, so no list was written (it may miss calls a "
			"working run makes%s%s%s); --force writes it anyway\n",
			WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS
			    ? "; SIGSYS: one of the policy's argument rules refused a call"
			    : "",
			late && !triggered ? "; no process reached its trigger, apply = " : "",
			late && !triggered ? mode_names[pol.apply] : "");
		return code;
	}
	if (late && !triggered && !force) {
		fprintf(
		    stderr,
		    "harden-exec: learn: no process of the service reached its trigger (apply = %s), so "
		    "no list was written: the calls a late filter would see are unknown; drive the "
		    "service past its trigger (a listen, an accept, a wait), or --force writes it anyway\n",
		    mode_names[pol.apply]);
		return code ? code : 1;
	}

	/* allow: the calls after the trigger (all calls, for an exec policy),
	 * and what earlier runs allowed. */
	if (out)
		merge_file(out, allow, old_early, &had_early);
	for (int nr = 0; nr < FILTER_NR_MAX; nr++)
		allow[nr] |= used[late][nr];
	/* An exec policy's filter comes before the wrapper's own execve. */
	if (!late)
		allow[__NR_execve] = true;
	/* early_deny: the dangerous calls no run made. The early filter stays
	 * in force after the trigger, so a call made after it counts too, and
	 * so does what an earlier run's list allowed. */
	if (late || had_early) {
		dangerous(early);
		for (int nr = 0; nr < FILTER_NR_MAX; nr++)
			early[nr] &=
			    !used[0][nr] && !used[1][nr] && !allow[nr] && (!had_early || old_early[nr]);
	}
	if (out) {
		FILE *f;
		int fd;

		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f)
			die(EXIT_HARDEN, "learn: %s: %s", out, strerror(errno));
		write_fragment(f, allow, late || had_early ? early : NULL, &argv[i],
			       late ? mode_names[pol.apply] : NULL);
		if (fclose(f))
			die(EXIT_HARDEN, "learn: %s: %s", out, strerror(errno));
	} else
		write_fragment(stdout, allow, late ? early : NULL, &argv[i],
			       late ? mode_names[pol.apply] : NULL);
	return code;
}
