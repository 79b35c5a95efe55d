/* SPDX-License-Identifier: MIT */
/*
 * Process shapes for the late-mode tests (tests/t/73-late-review.t).
 * Dynamic, so that libharden.so loads in it.
 *
 *   latetree vfork PORT        listen, vfork a child that waits (reaching
 *                              the trigger) and exits; then the parent
 *                              waits too and prints its own state
 *   latetree clonevm PORT      clone(CLONE_VM) a helper without
 *                              CLONE_THREAD, print its pid, then listen
 *                              and wait (the trigger)
 *   latetree filters PID       as root: the flags of each seccomp filter
 *                              of PID (PTRACE_SECCOMP_GET_METADATA)
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void state(const char *who)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	printf("%s:", who);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Seccomp:", 8)) {
			line[strcspn(line, "\n")] = '\0';
			for (char *t = line; *t; t++)
				*t = *t == '\t' ? ' ' : *t;
			printf(" %s", line);
		}
	printf("\n");
	fflush(stdout);
	if (f)
		fclose(f);
}

static int listener(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8)) {
		perror("listen");
		exit(2);
	}
	return s;
}

static char stack[64 * 1024] __attribute__((aligned(16)));

static int helper(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "vfork")) {
		listener(atoi(argv[2]));
		pid_t p = vfork();

		if (p == 0) {
			poll(NULL, 0, 0); /* the child reaches the trigger */
			_exit(0);
		}
		waitpid(p, NULL, 0);
		poll(NULL, 0, 0); /* and so does the parent */
		state("parent");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "clonevm")) {
		int p = clone(helper, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);

		printf("helper: %d\n", p);
		fflush(stdout);
		listener(atoi(argv[2]));
		poll(NULL, 0, 0);
		state("after");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "filters")) {
		pid_t pid = atoi(argv[2]);

		if (ptrace(PTRACE_ATTACH, pid, 0, 0) || waitpid(pid, NULL, __WALL) != pid) {
			perror("attach");
			return 2;
		}
		for (unsigned long i = 0;; i++) {
			struct __ptrace_seccomp_metadata md = {.filter_off = i};

			if (ptrace(PTRACE_SECCOMP_GET_METADATA, pid, sizeof(md), &md) < 0)
				break;
			printf("filter %lu: flags %llu\n", i, (unsigned long long)md.flags);
		}
		ptrace(PTRACE_DETACH, pid, 0, 0);
		return 0;
	}
	fprintf(stderr, "usage: latetree vfork|clonevm PORT | filters PID\n");
	return 2;
}
