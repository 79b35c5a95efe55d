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
 * The service child loads the filter last and execs; it blocks in that
 * very execve (the first call reported) until this process has taken the
 * listener from it with pidfd_getfd(2), so no call goes unseen.
 */
#include "tools.h"
#include "../core/sysnames.h"
#include "../core/log.h"
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

/* The child's listener: the descriptor /proc shows as a seccomp notifier. */
static int take_listener(pid_t pid, int pidfd)
{
	char path[64], link[64];

	for (int tries = 0; tries < 5000; tries++) {
		struct dirent *e;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
		d = opendir(path);
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%d/fd/%.16s", (int)pid, e->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (!strcmp(link, "anon_inode:seccomp notify")) {
				int fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(e->d_name), 0);

				closedir(d);
				return fd;
			}
		}
		closedir(d);
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(1000);
	}
	return -1;
}

static void add_item(bool used[FILTER_NR_MAX], const char *item)
{
	struct strlist l = {(char *[]){(char *)item, NULL}, 1};

	plan_expand(&l, used);
}

/* Merge an earlier fragment's allow list (one key, continued lines). */
static void merge_file(const char *path, bool used[FILTER_NR_MAX])
{
	char line[512];
	int in_allow = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *tok, *save = NULL;

		if (!strncmp(s, "allow", 5) && strchr(s, '=')) {
			in_allow = 1;
			s = strchr(s, '=') + 1;
		} else if (!(in_allow && (line[0] == ' ' || line[0] == '\t'))) {
			in_allow = 0;
			continue;
		}
		for (tok = strtok_r(s, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
			if (tok[0] == ';')
				break;
			add_item(used, tok);
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

static void write_fragment(FILE *f, const bool used[FILTER_NR_MAX], char **argv)
{
	static bool covered[FILTER_NR_MAX], members[FILTER_NR_MAX];
	char items[8192];
	size_t len = 0, col;
	int chosen[64], nchosen = 0;

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
		len +=
		    (size_t)snprintf(items + len, sizeof(items) - len, "%s ", sysset_table[chosen[i]].name);
	for (int nr = 0; nr < FILTER_NR_MAX && len < sizeof(items) - 64; nr++) {
		const char *name = sysname_name(nr);

		if (used[nr] && !covered[nr] && name)
			len += (size_t)snprintf(items + len, sizeof(items) - len, "%s ", name);
	}
	fprintf(f, "; learned by harden-exec learn from:");
	/* One comment line: a newline in an argument would end it, and the
	 * rest would be read as policy text. */
	for (char **a = argv; *a; a++) {
		fputc(' ', f);
		for (size_t k = 0; k < 60 && (*a)[k]; k++)
			fputc((unsigned char)(*a)[k] < 0x20 ? ' ' : (*a)[k], f);
	}
	fprintf(f,
		"\n; review it, then include it and add deny = and action = of your own\n[seccomp]\nallow =");
	/* Short lines: a policy line may not exceed 198 characters. */
	col = 7;
	for (char *tok = strtok(items, " "); tok; tok = strtok(NULL, " ")) {
		if (col + strlen(tok) > 72) {
			fprintf(f, "\n\t");
			col = 8;
		}
		col += (size_t)fprintf(f, " %s", tok);
	}
	fprintf(f, "\n");
}

int tool_learn(int argc, char **argv)
{
	static struct policy pol;
	static struct plan pl;
	static struct filter_spec spec;
	static bool used[FILTER_NR_MAX];
	static char *no_deny[] = {NULL};
	struct policy_error err;
	const char *out = NULL, *path;
	struct sigaction sa = {.sa_handler = forward};
	struct sock_fprog rules = {0};
	int i = 1, status, pidfd, listener, n, calls = 0, force = 0, failed;

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

	/*
	 * Everything but the lists, applied at exec: the policy's argument
	 * rules become an empty deny-list's filter (issue 13, item 13: W+X
	 * memory, new namespaces and io_uring worked while learning).
	 */
	pol.apply = APPLY_EXEC;
	memset(&pol.allow_at, 0, sizeof(pol.allow_at));
	memset(&pol.early_deny_at, 0, sizeof(pol.early_deny_at));
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

	child = fork();
	if (child < 0)
		die(EXIT_HARDEN, "learn: fork: %s", strerror(errno));
	if (child == 0) {
		/* The rules' filter first: it refuses only argument values and
		 * io_uring/clone3, none of which the steps before exec use. */
		if (rules.filter && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &rules) < 0)
			die(EXIT_HARDEN, "learn: load the policy's argument rules: %s", strerror(errno));
		apply_all(&pl);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	listener = pidfd < 0 ? -1 : take_listener(child, pidfd);
	if (listener < 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		die(EXIT_HARDEN, "learn: could not take the seccomp listener from the command (%s)",
		    WIFEXITED(status) && WEXITSTATUS(status) == EXIT_HARDEN ? "it failed to start"
									    : strerror(errno));
	}

	for (;;) {
		struct pollfd pfd = {listener, POLLIN, 0};
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

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
		if (req.data.nr >= 0 && req.data.nr < FILTER_NR_MAX)
			used[req.data.nr] = true;
		calls++;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp); /* ENOENT: the caller died */
	}
	waitpid(child, &status, 0);
	/* Whatever the command did, the wrapper's own execve is needed. */
	used[__NR_execve] = true;
	/* Every filter answers clone3 with ENOSYS so that glibc falls back
	 * to clone, whose flags a filter can read: a program seen making
	 * threads with clone3 needs clone (issue 12, item 6). */
	if (used[__NR_clone3])
		used[__NR_clone] = true;
	fprintf(stderr, "harden-exec: learn: %d calls seen; the command %s %d\n", calls,
		WIFEXITED(status) ? "exited with" : "was killed by signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	failed = WIFEXITED(status) ? WEXITSTATUS(status) != 0 : WTERMSIG(status) != forwarded;
	if (failed && !force) {
		fprintf(stderr,
			"harden-exec: learn: the run failed, so no list was written (it may miss calls a "
			"working run makes%s); --force writes it anyway\n",
			WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS
			    ? "; SIGSYS: one of the policy's argument rules refused a call"
			    : "");
	} else if (out) {
		FILE *f;
		int fd;

		merge_file(out, used);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f)
			die(EXIT_HARDEN, "learn: %s: %s", out, strerror(errno));
		write_fragment(f, used, &argv[i]);
		if (fclose(f))
			die(EXIT_HARDEN, "learn: %s: %s", out, strerror(errno));
	} else
		write_fragment(stdout, used, &argv[i]);
	free(rules.filter); /* the policy's own filter, loaded only in the child */
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
