/* SPDX-License-Identifier: MIT */
/*
 * A threaded TCP server for the late-application tests, shaped like the
 * daemons libharden.so is for: it does privileged and soon-forbidden
 * things during its own initialisation, then serves.
 *
 *   lateserver PORT [--forbid NR] [--early NR] [--fork-after NR] [--threads N]
 *              [--sigsys-handler] [--no-accept]
 *
 *   1. --forbid: call syscall NR once (allowed: before the trigger);
 *      --early: call syscall NR once, here only (for learn's before/after)
 *   2. bind 127.0.0.1:PORT (port 80 needs root or CAP_NET_BIND_SERVICE), listen
 *   3. start N threads (default 3) that wait forever
 *   4. accept one client (--no-accept: wait forever instead), read a byte
 *   5. --sigsys-handler: try to install its own SIGSYS handler
 *   6. --forbid: call syscall NR again (after the trigger);
 *      --fork-after: a child forked here calls syscall NR, and is waited for
 *   7. answer "done" to the client and exit 0
 *
 * Each step prints one line to stdout, flushed at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *what, long rc, int err)
{
	if (rc < 0)
		printf("%s: errno %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "?");
	else
		printf("%s: ok %ld\n", what, rc);
	fflush(stdout);
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void own_handler(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	long forbid = -1, early = -1, fork_after = -1, rc;
	int threads = 3, sigsys_handler = 0, no_accept = 0, one = 1, s, c;
	char byte;

	if (argc < 2) {
		fprintf(stderr,
			"usage: lateserver PORT [--forbid NR] [--early NR] [--fork-after NR] [--threads N] "
			"[--sigsys-handler] [--no-accept]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--forbid") && i + 1 < argc)
			forbid = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--early") && i + 1 < argc)
			early = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--fork-after") && i + 1 < argc)
			fork_after = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--sigsys-handler"))
			sigsys_handler = 1;
		else if (!strcmp(argv[i], "--no-accept"))
			no_accept = 1;
		else {
			fprintf(stderr, "lateserver: %s: unknown option\n", argv[i]);
			return 2;
		}
	}
	if (forbid >= 0) {
		rc = syscall(forbid, 0, 0, 0, 0, 0, 0);
		say("before", rc, errno);
	}
	if (early >= 0) {
		rc = syscall(early, 0, 0, 0, 0, 0, 0);
		say("early", rc, errno);
	}
	addr.sin_port = htons((uint16_t)atoi(argv[1]));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&addr, sizeof(addr))) {
		say("bind", -1, errno);
		return 1;
	}
	say("bind", 0, 0);
	if (listen(s, 8)) {
		say("listen", -1, errno);
		return 1;
	}
	say("listen", 0, 0);
	for (int i = 0; i < threads; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle, NULL)) {
			say("thread", -1, EAGAIN);
			return 1;
		}
	}
	say("threads", threads, 0);
	if (no_accept)
		for (;;)
			pause();
	c = accept(s, NULL, NULL);
	say("accept", c, errno);
	if (c < 0)
		return 1;
	if (read(c, &byte, 1) != 1)
		return 1;
	if (sigsys_handler) {
		struct sigaction sa = {.sa_handler = own_handler};

		rc = sigaction(SIGSYS, &sa, NULL);
		say("sigaction", rc, errno);
	}
	if (forbid >= 0) {
		rc = syscall(forbid, 0, 0, 0, 0, 0, 0);
		say("after", rc, errno);
	}
	if (fork_after >= 0) {
		pid_t kid = fork();
		int st = 0;

		if (kid == 0) {
			(void)syscall(fork_after, 0, 0, 0, 0, 0,
				      0); /* its answer does not matter, its verdict does */
			_exit(0);
		}
		rc = kid < 0 || waitpid(kid, &st, 0) != kid ? -1
		     : WIFEXITED(st)			    ? WEXITSTATUS(st)
							    : 128 + WTERMSIG(st);
		say("forked", rc, errno);
	}
	(void)!write(c, "done\n", 5);
	close(c);
	return 0;
}
