// SPDX-License-Identifier: MIT
/*
 * llprobe - what a service may do under Landlock, for tests/t/55-landlock.t.
 *
 * One command per argv word (plus its arguments); each prints one line
 * "CMD: ok [detail]" or "CMD: errno ENAME". Static and libc-only, like
 * tests/helpers/probe.c, so that the rules under test need not grant the
 * loader and libraries.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char outbuf[4096];

/* SAY(cmd, call): the call's result and its errno, in that order. */
#define SAY(cmd, call)                                                                                       \
	do {                                                                                                 \
		long rc_ = (call);                                                                           \
		say(cmd, rc_, errno);                                                                        \
	} while (0)

static void say(const char *cmd, long rc, int err)
{
	if (rc >= 0)
		printf("%s: ok\n", cmd);
	else
		printf("%s: errno %s\n", cmd, strerrorname_np(err) ? strerrorname_np(err) : "?");
}

/* A writable word of ours that another process may try to change. */
static volatile uint64_t target = 0x1111111111111111ULL;

static void cmd_read(const char *cmd, char **a)
{
	int fd = open(a[0], O_RDONLY | O_CLOEXEC);

	say(cmd, fd, errno);
	if (fd >= 0)
		close(fd);
}

static void cmd_list(const char *cmd, char **a)
{
	DIR *d = opendir(a[0]);

	say(cmd, d ? 0 : -1, errno);
	if (d)
		closedir(d);
}

static void cmd_write(const char *cmd, char **a)
{
	int fd = open(a[0], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	say(cmd, fd, errno);
	if (fd >= 0)
		close(fd);
}

/* exec PATH: run PATH nop in a child; the child's execve errno comes
 * back through a close-on-exec pipe. */
static void cmd_exec(const char *cmd, char **a)
{
	int p[2], err = 0, status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		say(cmd, -1, errno);
		return;
	}
	pid = fork();
	if (pid == 0) {
		char *argv[] = {a[0], "nop", NULL};

		execve(a[0], argv, environ);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	waitpid(pid, &status, 0);
	say(cmd, err ? -1 : 0, err);
}

static int tcp(const char *port, int do_bind)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return -1;
	rc = do_bind ? bind(s, (struct sockaddr *)&sa, sizeof(sa))
		     : connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (rc) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	close(s);
	return 0;
}

static void cmd_bind(const char *cmd, char **a)
{
	SAY(cmd, tcp(a[0], 1));
}

/* connect PORT: with nobody listening, allowed is ECONNREFUSED and
 * refused by Landlock is EACCES. */
static void cmd_connect(const char *cmd, char **a)
{
	SAY(cmd, tcp(a[0], 0));
}

static socklen_t abstract(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "%s", name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static void cmd_uconnect(const char *cmd, char **a)
{
	struct sockaddr_un sa;
	socklen_t len = abstract(&sa, a[0]);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	SAY(cmd, s < 0 ? -1 : connect(s, (struct sockaddr *)&sa, len));
	if (s >= 0)
		close(s);
}

/* ulisten NAME SECONDS: an abstract socket for uconnect, then wait. */
static void cmd_ulisten(const char *cmd, char **a)
{
	struct sockaddr_un sa;
	socklen_t len = abstract(&sa, a[0]);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, len) || listen(s, 8)) {
		say(cmd, -1, errno);
		return;
	}
	say(cmd, 0, 0);
	fflush(stdout);
	sleep((unsigned)atoi(a[1]));
}

static void cmd_kill(const char *cmd, char **a)
{
	SAY(cmd, kill(atoi(a[0]), 0));
}

/* victim SECONDS: print our pid and the address of a word, then wait. */
static void cmd_victim(const char *cmd, char **a)
{
	printf("%s: ok %d %p\n", cmd, (int)getpid(), (void *)&target);
	fflush(stdout);
	for (int i = 0; i < atoi(a[0]) * 10 && target == 0x1111111111111111ULL; i++)
		usleep(100000);
	printf("%s: %s\n", cmd, target == 0x1111111111111111ULL ? "unchanged" : "changed");
}

/* memwrite PID ADDR: open /proc/PID/mem for writing, write one byte. */
static void cmd_memwrite(const char *cmd, char **a)
{
	char path[64];
	unsigned char b = 0x22;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/mem", a[0]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		say(cmd, -1, errno);
		return;
	}
	SAY(cmd, pwrite(fd, &b, 1, (off_t)strtoull(a[1], NULL, 16)) == 1 ? 0 : -1);
	close(fd);
}

/* vmwrite PID ADDR: process_vm_writev one byte. */
static void cmd_vmwrite(const char *cmd, char **a)
{
	unsigned char b = 0x33;
	struct iovec local = {&b, 1}, remote = {(void *)(uintptr_t)strtoull(a[1], NULL, 16), 1};

	SAY(cmd, process_vm_writev(atoi(a[0]), &local, 1, &remote, 1, 0) == 1 ? 0 : -1);
}

/* procmem: open our own /proc/self/mem for writing. */
static void cmd_procmem(const char *cmd, char **a)
{
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	(void)a;
	say(cmd, fd, errno);
	if (fd >= 0)
		close(fd);
}

static void cmd_nop(const char *cmd, char **a)
{
	(void)cmd;
	(void)a;
}

static const struct {
	const char *name;
	void (*fn)(const char *, char **);
	int nargs;
} commands[] = {
    {"read", cmd_read, 1},	   {"list", cmd_list, 1},	  {"write", cmd_write, 1},
    {"exec", cmd_exec, 1},	   {"bind", cmd_bind, 1},	  {"connect", cmd_connect, 1},
    {"uconnect", cmd_uconnect, 1}, {"ulisten", cmd_ulisten, 2},	  {"kill", cmd_kill, 1},
    {"victim", cmd_victim, 1},	   {"memwrite", cmd_memwrite, 2}, {"vmwrite", cmd_vmwrite, 2},
    {"procmem", cmd_procmem, 0},   {"nop", cmd_nop, 0},
};

int main(int argc, char **argv)
{
	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	for (int i = 1; i < argc;) {
		size_t c;

		for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
			if (!strcmp(commands[c].name, argv[i]))
				break;
		if (c == sizeof(commands) / sizeof(commands[0]) || i + commands[c].nargs > argc - 1) {
			fprintf(stderr, "llprobe: %s: unknown command or missing argument\n", argv[i]);
			return 2;
		}
		commands[c].fn(commands[c].name, &argv[i + 1]);
		i += 1 + commands[c].nargs;
	}
	fflush(stdout);
	return 0;
}
