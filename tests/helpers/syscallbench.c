// SPDX-License-Identifier: MIT
/*
 * syscallbench - what one system call costs, run AS the service under a
 * harden-exec policy so that the filter measured is the one it installs.
 *
 *   syscallbench run [ITERS [REPS]]   time getppid() and ioctl(FIONREAD)
 *   syscallbench floor [ITERS [REPS]] the same under a one-instruction
 *                                     allow-all filter it installs itself:
 *                                     what any seccomp filter costs here
 *   syscallbench open PATH [ITERS [REPS]]  time open(PATH) and close (Landlock rows)
 *   syscallbench status               the seccomp state only
 *   syscallbench listen-status        listen on 127.0.0.1 (any port) and poll first
 *   syscallbench noop                 exit 0 at once (for peak RSS)
 *
 * `run` prints one line of KEY=VALUE words:
 *
 *   getppid_ns=231.4 ioctl_ns=260.2 getppid_min=228.0 ioctl_min=255.1
 *   iters=200000 reps=7 seccomp=2 filters=1 uid=65534 nnp=1
 *
 * getppid needs no argument check, so a filter's verdict for it sits in
 * the kernel's per-syscall action cache; ioctl on a pipe with FIONREAD
 * is harmless but harden-exec checks ioctl's request argument (TIOCSTI),
 * so every call walks the filter. Each figure is the median over REPS
 * batches of ITERS calls, timed with clock_gettime (vDSO, no syscall).
 * The status words come from /proc/self/status, read after timing, so a
 * benchmark can tell whether the filter it meant to measure is there.
 *
 * Everything it calls is in @system-service: pipe2, ioctl, getppid,
 * openat/read/close, socket/bind/listen (listen-status only), write.
 * It is dynamically linked on purpose: a late apply needs a program that
 * takes a preload. The Makefile also builds a static copy for `noop`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPS 101

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n), which it sorts. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double batch_getppid(long iters)
{
	double t0 = now_ns();

	for (long i = 0; i < iters; i++)
		(void)syscall(SYS_getppid);
	return (now_ns() - t0) / (double)iters;
}

static double batch_ioctl(int fd, long iters)
{
	int n;
	double t0 = now_ns();

	for (long i = 0; i < iters; i++)
		if (syscall(SYS_ioctl, fd, FIONREAD, &n) != 0) {
			perror("syscallbench: ioctl FIONREAD");
			exit(1);
		}
	return (now_ns() - t0) / (double)iters;
}

/* "seccomp=2 filters=1 uid=65534 nnp=1" from /proc/self/status. */
static void status_words(char *out, size_t len)
{
	char line[256];
	unsigned mode = 0, filters = 0, uid = ~0u, nnp = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "Seccomp: %u", &mode);
			sscanf(line, "Seccomp_filters: %u", &filters);
			sscanf(line, "Uid: %*u %u", &uid);
			sscanf(line, "NoNewPrivs: %u", &nnp);
		}
		fclose(f);
	}
	snprintf(out, len, "seccomp=%u filters=%u uid=%u nnp=%u", mode, filters, uid, nnp);
}

static int run(long iters, int reps)
{
	double g[MAX_REPS], io[MAX_REPS], gmin, iomin;
	char st[128];
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		perror("syscallbench: pipe2");
		return 1;
	}
	/* Warm up: caches, the branch predictor, the CPU's clock. */
	batch_getppid(iters / 4 + 1);
	batch_ioctl(p[0], iters / 4 + 1);
	/* Alternate the two so that a slow moment hits both alike. */
	for (int r = 0; r < reps; r++) {
		g[r] = batch_getppid(iters);
		io[r] = batch_ioctl(p[0], iters);
	}
	gmin = g[0];
	iomin = io[0];
	for (int r = 1; r < reps; r++) {
		gmin = g[r] < gmin ? g[r] : gmin;
		iomin = io[r] < iomin ? io[r] : iomin;
	}
	status_words(st, sizeof(st));
	printf("getppid_ns=%.1f ioctl_ns=%.1f getppid_min=%.1f ioctl_min=%.1f iters=%ld reps=%d %s\n",
	       median(g, reps), median(io, reps), gmin, iomin, iters, reps, st);
	return fflush(stdout) ? 1 : 0;
}

/* open PATH: nanoseconds per open(PATH, O_RDONLY) and close, the cost
 * Landlock adds to a path walk (scripts/bench). */
static double batch_open(const char *path, long iters)
{
	double t0 = now_ns();

	for (long i = 0; i < iters; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -1;
		close(fd);
	}
	return (now_ns() - t0) / (double)iters;
}

static int run_open(const char *path, long iters, int reps)
{
	double v[MAX_REPS];
	char st[128];

	if (batch_open(path, iters / 4 + 1) < 0) {
		perror(path);
		return 1;
	}
	for (int r = 0; r < reps; r++)
		v[r] = batch_open(path, iters);
	status_words(st, sizeof(st));
	printf("open_ns=%.1f iters=%ld reps=%d %s\n", median(v, reps), iters, reps, st);
	return fflush(stdout) ? 1 : 0;
}

/* The cheapest filter there is: every syscall allowed, verdict cached. */
static int allow_all(void)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {1, &insn};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("syscallbench: install the allow-all filter");
		return -1;
	}
	return 0;
}

static int listen_first(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1)) {
		perror("syscallbench: listen on 127.0.0.1");
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	char st[128];

	if (!strcmp(mode, "noop"))
		return 0;
	if (!strcmp(mode, "run") || !strcmp(mode, "floor")) {
		long iters = argc > 2 ? atol(argv[2]) : 200000;
		int reps = argc > 3 ? atoi(argv[3]) : 7;

		if (iters < 1 || reps < 1 || reps > MAX_REPS) {
			fprintf(stderr, "syscallbench: ITERS >= 1, 1 <= REPS <= %d\n", MAX_REPS);
			return 2;
		}
		if (mode[0] == 'f' && allow_all())
			return 1;
		return run(iters, reps);
	}
	if (!strcmp(mode, "open") && argc > 2) {
		long iters = argc > 3 ? atol(argv[3]) : 100000;
		int reps = argc > 4 ? atoi(argv[4]) : 7;

		if (iters < 1 || reps < 1 || reps > MAX_REPS) {
			fprintf(stderr, "syscallbench: ITERS >= 1, 1 <= REPS <= %d\n", MAX_REPS);
			return 2;
		}
		return run_open(argv[2], iters, reps);
	}
	if (!strcmp(mode, "status") || !strcmp(mode, "listen-status")) {
		int s = -1;

		if (mode[0] == 'l' && (s = listen_first()) < 0)
			return 1;
		/* apply = listen fires at the first wait after the listens. */
		if (s >= 0)
			poll(NULL, 0, 0);
		status_words(st, sizeof(st));
		printf("%s\n", st);
		if (s >= 0)
			close(s);
		return fflush(stdout) ? 1 : 0;
	}
	fprintf(stderr, "usage: syscallbench run|floor [ITERS [REPS]] | open PATH [ITERS [REPS]] | status | "
			"listen-status | noop\n");
	return 2;
}
