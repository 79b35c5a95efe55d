/* SPDX-License-Identifier: MIT */
/*
 * The kernel's part of [cgroup] at a start, with nothing else around it:
 * the floor harden-exec cgroup.ini cannot go below on a host with
 * memory, cpu and pids on cgroup v1 and cgroup v2 mounted at
 * /sys/fs/cgroup/unified (docs/benchmarks.md, "Startup with a cgroup").
 *
 *   cc -O2 -static-pie -o /tmp/cgroup-floor scripts/cgroup-floor.c
 *   M=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
 *   /tmp/cgroup-floor MODE "$M"
 *
 * MODE 2: exec /bin/true in place (what nnp.ini does);
 * MODE 0: fork, exec, wait (what any supervisor adds);
 * MODE 1: the v2 group made and the child born in it (clone3
 *         CLONE_INTO_CGROUP); the child makes the memory, cpu and pids
 *         groups, writes four limits, joins each through "0" to tasks and
 *         execs; the parent waits and removes the four groups.
 * Time isolated starts of each (0.25 s apart), interleaved. Root only;
 * the groups are named fl.PID beneath the caller's own.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void put(const char *dir, const char *file, const char *value)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, strlen(value)) < 0) {
		perror(path);
		_exit(1);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	char *cmd[] = {"/bin/true", NULL};
	char v2[256], mem[768], cpu[256], pids[256];
	int mode = argc > 2 ? atoi(argv[1]) : -1, fd, status;
	struct clone_args ca = {.flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD};
	pid_t pid;

	if (mode < 0 || mode > 2) {
		fprintf(stderr, "usage: %s 0|1|2 MEMORY-GROUP-DIR\n", argv[0]);
		return 2;
	}
	if (mode == 2) {
		execv(cmd[0], cmd);
		return 127;
	}
	if (mode == 0) {
		pid = fork();
		if (pid == 0) {
			execv(cmd[0], cmd);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		return 0;
	}
	snprintf(v2, sizeof(v2), "/sys/fs/cgroup/unified/fl.%d", (int)getpid());
	snprintf(mem, sizeof(mem), "%s/fl.%d", argv[2], (int)getpid());
	snprintf(cpu, sizeof(cpu), "/sys/fs/cgroup/cpu/fl.%d", (int)getpid());
	snprintf(pids, sizeof(pids), "/sys/fs/cgroup/pids/fl.%d", (int)getpid());
	if (mkdir(v2, 0755) || (fd = open(v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror(v2);
		return 1;
	}
	ca.cgroup = (unsigned)fd;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		if (mkdir(mem, 0755) || mkdir(cpu, 0755) || mkdir(pids, 0755)) {
			perror("mkdir");
			_exit(1);
		}
		put(mem, "memory.limit_in_bytes", "268435456");
		put(cpu, "cpu.cfs_period_us", "100000");
		put(cpu, "cpu.cfs_quota_us", "50000");
		put(pids, "pids.max", "64");
		put(mem, "tasks", "0");
		put(cpu, "tasks", "0");
		put(pids, "tasks", "0");
		execv(cmd[0], cmd);
		_exit(127);
	}
	close(fd);
	if (pid > 0)
		waitpid(pid, &status, 0);
	rmdir(mem);
	rmdir(cpu);
	rmdir(pids);
	rmdir(v2);
	return pid > 0 ? 0 : 1;
}
