/* SPDX-License-Identifier: MIT */
/*
 * harden-exec: read a policy, apply every control in a fixed order, exec
 * the service. main() is the table of contents.
 */
#include "../core/log.h"
#include "plan.h"
#include "policy.h"
#include "tools.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HARDEN_VERSION
#define HARDEN_VERSION "unknown"
#endif

static const char usage[] = "usage: harden-exec [-v] POLICY [--] COMMAND [ARG...]\n"
			    "       harden-exec [-v] --baseline [--] COMMAND [ARG...]\n"
			    "       harden-exec check POLICY [--json]\n"
			    "       harden-exec audit POLICY [--json] [--threshold N]\n"
			    "       harden-exec verify POLICY PID [--json]\n"
			    "       harden-exec learn POLICY [-o FILE] [--force] [--] COMMAND [ARG...]\n"
			    "       harden-exec explain [POLICY] [RECORD | NR | NAME ...] [--json]\n"
			    "       harden-exec --print-baseline | --help | --version\n"
			    "\n"
			    "Apply the controls of the INI policy POLICY (see harden-exec.ini(5)) in a\n"
			    "fixed order, then execute COMMAND in place of harden-exec.\n"
			    "check prints the plan a run would apply, audit scores what a policy leaves\n"
			    "exposed, verify compares a running process with a policy, learn writes\n"
			    "the syscalls a command uses as an allow-list, explain names a refused\n"
			    "call from a kernel record and the policy line behind it. POLICY may be\n"
			    "`baseline` for the tools; a policy file named like a tool is ./NAME.\n"
			    "\n"
			    "  -v, --verbose       report each applied step on stderr\n"
			    "      --baseline      use the built-in baseline policy instead of a file\n"
			    "      --print-baseline  print the baseline policy, to start a file from\n"
			    "  -h, --help          show this help\n"
			    "      --version       show the version\n"
			    "\n"
			    "Exit status: 125 if harden-exec fails (the command never ran), 126 if\n"
			    "COMMAND cannot be executed, 127 if it is not found, else COMMAND's.\n";

struct args {
	int verbose;
	int baseline;
	const char *policy;
	char **command;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--")) {
			i++;
			break;
		} else if (!strcmp(o, "-v") || !strcmp(o, "--verbose"))
			a->verbose = 1;
		else if (!strcmp(o, "--baseline"))
			a->baseline = 1;
		else if (!strcmp(o, "--print-baseline")) {
			fputs(baseline_ini, stdout);
			exit(fflush(stdout) ? EXIT_HARDEN : 0);
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			fputs(usage, stdout);
			exit(fflush(stdout) ? EXIT_HARDEN : 0);
		} else if (!strcmp(o, "--version")) {
			printf("harden-exec %s\n", HARDEN_VERSION);
			exit(fflush(stdout) ? EXIT_HARDEN : 0);
		} else
			die(EXIT_HARDEN, "%s: unknown option (see --help)", o);
	}
	if (!a->baseline) {
		if (i >= argc)
			die(EXIT_HARDEN, "no policy given (see --help)");
		a->policy = argv[i++];
		/* `--` after the policy is optional: the command follows. */
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
	}
	if (i >= argc)
		die(EXIT_HARDEN, "no command given (see --help)");
	a->command = &argv[i];
}

/*
 * Events go to [log] target: stderr, or a file opened once, here, as
 * root. It must be a regular file that only root or the caller can
 * write: a FIFO planted there would hang every later start (O_NONBLOCK
 * makes the open fail with ENXIO instead), a device or a file others may
 * write would take what root writes somewhere they chose.
 */
static int open_log(const struct policy *p, const struct args *a)
{
	int fd = STDERR_FILENO;
	struct stat st;

	if (p->log_target) {
		const char *why = NULL;

		fd = open(p->log_target,
			  O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			  0600);
		if (fd < 0)
			die(EXIT_HARDEN, "%s:%d: [log] target = %s: %s", p->log_target_at.file,
			    p->log_target_at.line, p->log_target,
			    errno == ELOOP ? "a symbolic link (refused)" : strerror(errno));
		if (fstat(fd, &st))
			why = strerror(errno);
		else if (!S_ISREG(st.st_mode))
			why = "not a regular file (refused)";
		else if (st.st_uid != 0 && st.st_uid != getuid())
			why = "owned by neither root nor the invoking user (refused)";
		else if (st.st_mode & (S_IWGRP | S_IWOTH))
			why = "writable by group or others (refused; chmod go-w)";
		if (why)
			die(EXIT_HARDEN, "%s:%d: [log] target = %s: %s", p->log_target_at.file,
			    p->log_target_at.line, p->log_target, why);
	}
	if (p->log_format == LOG_JSON)
		log_setup(LOGM_JSON, fd);
	else if (a->verbose)
		log_setup(LOGM_TEXT, fd);
	return fd;
}

/*
 * Descriptors 0-2 closed by the caller would be reused by the first open:
 * the policy file, the log, the chroot folder, and then the service would
 * write its output into them. Point any closed one at /dev/null.
 */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		null = open("/dev/null", O_RDWR | O_NOCTTY);
		if (null != fd)
			die(EXIT_HARDEN, "descriptor %d is closed and /dev/null cannot take its place", fd);
	}
}

int main(int argc, char **argv)
{
	static struct policy pol;
	static struct plan plan;
	struct policy_error err;
	struct args a = {0};
	int log_fd;

	ensure_std_fds();
	if (argc > 1) {
		static const struct {
			const char *name;
			int (*run)(int, char **);
		} tools[] = {{"check", tool_check},
			     {"audit", tool_audit},
			     {"verify", tool_verify},
			     {"learn", tool_learn},
			     {"explain", tool_explain}};

		for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
			if (!strcmp(argv[1], tools[i].name) ||
			    (argv[1][0] == '-' && argv[1][1] == '-' && !strcmp(argv[1] + 2, tools[i].name)))
				return tools[i].run(argc - 1, argv + 1);
	}
	parse_args(argc, argv, &a);
	if (policy_load(&pol, a.policy, &err))
		die(EXIT_HARDEN, "%s", err.msg);
	log_fd = open_log(&pol, &a);
	plan_build(&plan, &pol, a.command, false);
	if (log_fd != STDERR_FILENO)
		plan.internal_fds[plan.ninternal++] = log_fd;
	apply_all(&plan);
}
