// SPDX-License-Identifier: MIT
/*
 * attack - what a hostile or compromised service tries, one command per
 * argv word, for tests/t/70-attacks-*.t. Each command prints one line
 * "CMD: RESULT" (see each command for its RESULT words) and flushes it
 * before the next command runs, so a test still reads everything that
 * came before a command that gets the process killed.
 *
 * Every attack is bounded by its own argument (a count, a size, seconds)
 * even when the control meant to stop it is absent: the control runs of
 * the tests must not harm the host either.
 *
 * Static, libc only, one file: it also runs alone inside a chroot and as
 * a setuid copy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB	(1024 * 1024)
#define CLIMB	64 /* ".." steps: deeper than any test folder */
#define FD_SCAN 1024

static char outbuf[4096];
static const char *self_path;

/* ---------------------------------------------------------------- output */

static void say(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", cmd);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* The symbolic name of an errno value, as the tests compare it. */
static const char *ename(int err)
{
	static char num[16];

	switch (err) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EBADF:
		return "EBADF";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case EMFILE:
		return "EMFILE";
	case ENFILE:
		return "ENFILE";
	case EFBIG:
		return "EFBIG";
	case ENOSYS:
		return "ENOSYS";
	case EIO:
		return "EIO";
	case EROFS:
		return "EROFS";
	case EEXIST:
		return "EEXIST";
	case ENOTDIR:
		return "ENOTDIR";
	case EUSERS:
		return "EUSERS";
	case ENOSPC:
		return "ENOSPC";
	}
	snprintf(num, sizeof(num), "%d", err);
	return num;
}

static void say_errno(const char *cmd, int err)
{
	say(cmd, "errno %s", ename(err));
}

static long num_arg(const char *cmd, const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > max) {
		fprintf(stderr, "attack: %s: bad number '%s'\n", cmd, s);
		exit(2);
	}
	return v;
}

/* -------------------------------------------------------- resource bombs */

/* membomb MAXMIB: "ok N" (all N MiB held) or "errno E after N" */
static void cmd_membomb(const char *cmd, char **a)
{
	long max = num_arg(cmd, a[0], 1 << 16), n;

	for (n = 0; n < max; n++) {
		char *p = malloc(MIB);

		if (!p) {
			say(cmd, "errno %s after %ld", ename(errno), n);
			return;
		}
		/* Touch every page: the memory must really be ours. */
		memset(p, 0xa5, MIB);
	}
	say(cmd, "ok %ld", n);
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* cpuspin SECONDS: "started", then "ok" once that much CPU time is used */
static void cmd_cpuspin(const char *cmd, char **a)
{
	double want = (double)num_arg(cmd, a[0], 3600);
	volatile unsigned long spin = 0;

	say(cmd, "started");
	while (cpu_seconds() < want)
		for (int i = 0; i < 1000000; i++)
			spin++;
	say(cmd, "ok");
}

/* fdbomb MAX: "ok N" or "errno E after N" (N descriptors opened) */
static void cmd_fdbomb(const char *cmd, char **a)
{
	long max = num_arg(cmd, a[0], 1 << 20), n;

	for (n = 0; n < max; n++) {
		if (open("/dev/null", O_RDONLY) < 0) {
			say(cmd, "errno %s after %ld", ename(errno), n);
			return;
		}
	}
	say(cmd, "ok %ld", n);
}

/* -------------------------------------------------- inherited descriptors */

static void say_read(const char *cmd, int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n < 0) {
		say_errno(cmd, errno);
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	say(cmd, "ok %s", buf);
}

/* readfd N: read descriptor N by number: "ok DATA" or "errno E" */
static void cmd_readfd(const char *cmd, char **a)
{
	say_read(cmd, (int)num_arg(cmd, a[0], INT32_MAX));
}

/* procfd N: reopen /proc/self/fd/N and read it: "ok DATA" or "errno E" */
static void cmd_procfd(const char *cmd, char **a)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%ld", num_arg(cmd, a[0], INT32_MAX));
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		say_errno(cmd, errno);
		return;
	}
	say_read(cmd, fd);
	close(fd);
}

/* --------------------------------------------------------------- ptrace */

/* ptrace_attach PID: "ok" (attached and detached again) or "errno E" */
static void cmd_ptrace_attach(const char *cmd, char **a)
{
	pid_t pid = (pid_t)num_arg(cmd, a[0], INT32_MAX);
	int st;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
		say_errno(cmd, errno);
		return;
	}
	waitpid(pid, &st, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	say(cmd, "ok");
}

/*
 * traceme_exec: a child asks to be traced by us, then execs; a tracer
 * that holds an exec'd image controls it from its first instruction.
 * "ok stopped at exec" or "errno E" (from the child's PTRACE_TRACEME).
 */
static void cmd_traceme_exec(const char *cmd, char **a)
{
	int pfd[2], err = 0, st;
	pid_t pid;
	ssize_t n;

	(void)a;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		say_errno(cmd, errno);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		say_errno(cmd, errno);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			err = errno;
		else
			execl(self_path, self_path, "pid", (char *)NULL);
		if (!err)
			err = errno;
		(void)!write(pfd[1], &err, sizeof(err));
		_exit(1);
	}
	close(pfd[1]);
	n = read(pfd[0], &err, sizeof(err));
	close(pfd[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(pid, NULL, 0);
		say_errno(cmd, err);
		return;
	}
	/* The pipe closed on exec: the new image stops with SIGTRAP. */
	if (waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP) {
		errno = 0;
		ptrace(PTRACE_PEEKUSER, pid, (void *)offsetof(struct user_regs_struct, rip), NULL);
		say(cmd, "ok stopped at exec%s", errno ? "" : ", registers readable");
	} else {
		say(cmd, "ok exec'd, not stopped");
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ----------------------------------------------------------- chroot escape */

/*
 * Each escape prints "inside", "escaped" (+ how), or "errno E" when the
 * call the technique needs was refused. MARKER is an absolute host path
 * that exists outside the jail only.
 */
static int sees(const char *marker)
{
	/* Absolute through our root; relative through our cwd. */
	return access(marker, F_OK) == 0 || access(marker + 1, F_OK) == 0;
}

static void climb(void)
{
	for (int i = 0; i < CLIMB; i++)
		if (chdir("..") < 0)
			break;
}

/* escape_dotdot MARKER: ".." from the root, by path and by descriptor */
static void cmd_escape_dotdot(const char *cmd, char **a)
{
	struct stat root, up;
	int fd;

	if (chdir("/") < 0 || stat("/", &root) < 0) {
		say_errno(cmd, errno);
		return;
	}
	fd = open("..", O_RDONLY | O_DIRECTORY);
	if (fd >= 0 && fstat(fd, &up) == 0 && (up.st_dev != root.st_dev || up.st_ino != root.st_ino)) {
		say(cmd, "escaped: \"..\" of the root is another folder");
		return;
	}
	if (fd >= 0)
		close(fd);
	climb();
	say(cmd, sees(a[0]) ? "escaped by climbing" : "inside");
}

/* escape_fchdir MARKER: fchdir to every inherited folder descriptor */
static void cmd_escape_fchdir(const char *cmd, char **a)
{
	int dirs = 0;

	for (int fd = 0; fd < FD_SCAN; fd++) {
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		dirs++;
		if (fchdir(fd) < 0)
			continue;
		climb();
		if (sees(a[0])) {
			say(cmd, "escaped through descriptor %d", fd);
			return;
		}
	}
	say(cmd, "inside (%d folder descriptors)", dirs);
}

/* escape_chroot MARKER: chroot into a subfolder, climb out of it, chroot(".") */
static void cmd_escape_chroot(const char *cmd, char **a)
{
	if (chdir("/") < 0 || (mkdir("x", 0700) < 0 && errno != EEXIST) || chroot("x") < 0) {
		say_errno(cmd, errno);
		return;
	}
	/* cwd is now outside the new root: ".." is not stopped there. */
	climb();
	if (chroot(".") < 0) {
		say_errno(cmd, errno);
		return;
	}
	say(cmd, sees(a[0]) ? "escaped" : "inside");
}

/* ------------------------------------------------------------- identity */

/* ids: "ok RUID EUID SUID CAPEFF" */
static void cmd_ids(const char *cmd, char **a)
{
	char line[256], capeff[32] = "?";
	uid_t r, e, s;
	FILE *f;

	(void)a;
	getresuid(&r, &e, &s);
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "CapEff: %31s", capeff);
	if (f)
		fclose(f);
	say(cmd, "ok %u %u %u %s", (unsigned)r, (unsigned)e, (unsigned)s, capeff);
}

static void cmd_pid(const char *cmd, char **a)
{
	(void)a;
	say(cmd, "ok %d", (int)getpid());
}

/*
 * capset_raise CAP: add CAP to the effective, permitted and inheritable
 * sets: "ok" or "errno E". The kernel lets permitted only shrink, so this
 * succeeds only for a capability the process still holds.
 */
static void cmd_capset_raise(const char *cmd, char **a)
{
	int cap = (int)num_arg(cmd, a[0], 63);
	struct {
		uint32_t version;
		int pid;
	} hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct {
		uint32_t effective, permitted, inheritable;
	} d[2];

	if (syscall(SYS_capget, &hdr, d) < 0) {
		say_errno(cmd, errno);
		return;
	}
	d[cap / 32].effective |= 1u << (cap % 32);
	d[cap / 32].permitted |= 1u << (cap % 32);
	d[cap / 32].inheritable |= 1u << (cap % 32);
	if (syscall(SYS_capset, &hdr, d) < 0)
		say_errno(cmd, errno);
	else
		say(cmd, "ok");
}

/* ambient_raise CAP: PR_CAP_AMBIENT_RAISE: "ok" or "errno E" */
static void cmd_ambient_raise(const char *cmd, char **a)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, num_arg(cmd, a[0], 63), 0, 0) < 0)
		say_errno(cmd, errno);
	else
		say(cmd, "ok");
}

/* signal PID: can we signal PID (signal 0: nothing is delivered)? */
static void cmd_signal(const char *cmd, char **a)
{
	if (kill((pid_t)num_arg(cmd, a[0], INT32_MAX), 0) < 0)
		say_errno(cmd, errno);
	else
		say(cmd, "ok");
}

/* clone_newuser: a child in a new user namespace through clone(2) */
static void cmd_clone_newuser(const char *cmd, char **a)
{
	long pid;

	(void)a;
	fflush(stdout);
	pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		say_errno(cmd, errno);
		return;
	}
	waitpid((pid_t)pid, NULL, 0);
	say(cmd, "ok");
}

/* -------------------------------------------------------- code injection */

/*
 * The victim returns 1; its "mov $1, %eax" is patched to return 2.
 * noipa: the compiler must not fold the call into the constant.
 */
static __attribute__((noinline, noipa)) int victim(void)
{
	return 1;
}

static int (*volatile victim_ptr)(void) = victim;

/* procmem: write our own read-only code through /proc/self/mem:
 * "ok code patched", "errno E" or "not patched" */
static void cmd_procmem(const char *cmd, char **a)
{
	const unsigned char *code = (const unsigned char *)victim_ptr;
	unsigned char two = 2;
	int fd, at = -1;

	(void)a;
	for (int i = 0; i < 32; i++)
		if (code[i] == 0xb8 && code[i + 1] == 1 && !code[i + 2] && !code[i + 3] && !code[i + 4]) {
			at = i + 1;
			break;
		}
	if (at < 0) {
		say(cmd, "no \"mov $1, %%eax\" in the victim (compiler?)");
		return;
	}
	fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0) {
		say_errno(cmd, errno);
		return;
	}
	if (pwrite(fd, &two, 1, (off_t)(uintptr_t)(code + at)) != 1) {
		say_errno(cmd, errno);
		close(fd);
		return;
	}
	close(fd);
	say(cmd, victim_ptr() == 2 ? "ok code patched" : "not patched");
}

/* memfd_wx: new code through two views of one memfd, one writable and
 * one executable (never both): "ok executed", or "errno E" */
static void cmd_memfd_wx(const char *cmd, char **a)
{
	static const unsigned char ret42[] = {0xb8, 42, 0, 0, 0, 0xc3}; /* mov $42,%eax; ret */
	unsigned char *w, *x;
	int fd;

	(void)a;
	fd = memfd_create("attack", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096) < 0) {
		say_errno(cmd, errno);
		return;
	}
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED) {
		say_errno(cmd, errno);
		return;
	}
	memcpy(w, ret42, sizeof(ret42));
	x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (x == MAP_FAILED) {
		say_errno(cmd, errno);
		return;
	}
	say(cmd, ((int (*)(void))(void *)x)() == 42 ? "ok executed" : "not executed");
}

/* ------------------------------------------- second security review */

/* setns PATH HEXTYPE: join the namespace PATH names; report CapEff there. */
static void cmd_setns(const char *cmd, char **a)
{
	unsigned long type = strtoul(a[1], NULL, 16);
	int fd = open(a[0], O_RDONLY | O_CLOEXEC);
	char line[128] = "";
	FILE *f;

	if (fd < 0) {
		say(cmd, "open %s", ename(errno));
		return;
	}
	if (syscall(SYS_setns, fd, (long)type) < 0) {
		say_errno(cmd, errno);
		close(fd);
		return;
	}
	close(fd);
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			break;
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
	say(cmd, "ok %s", line);
}

/* A file handle as the kernel's struct file_handle, with room for 64 bytes. */
struct handle {
	unsigned int bytes;
	int type;
	unsigned char f[64];
};

/* gethandle PATH: "TYPE:HEX" of PATH's handle (run outside the jail). */
static void cmd_gethandle(const char *cmd, char **a)
{
	struct handle h = {.bytes = sizeof(h.f)};
	char hex[2 * sizeof(h.f) + 1];
	int mnt;

	if (syscall(SYS_name_to_handle_at, AT_FDCWD, a[0], &h, &mnt, 0) < 0) {
		say_errno(cmd, errno);
		return;
	}
	for (unsigned i = 0; i < h.bytes && i < sizeof(h.f); i++)
		snprintf(hex + 2 * i, 3, "%02x", h.f[i]);
	say(cmd, "%d:%s", h.type, hex);
}

/*
 * openhandle TYPE:HEX NAME: open the handle through this root's
 * filesystem and look for NAME in the directory it names: the "shocker"
 * chroot escape (open_by_handle_at with CAP_DAC_READ_SEARCH).
 */
static void cmd_openhandle(const char *cmd, char **a)
{
	struct handle h = {0};
	const char *p = strchr(a[0], ':');
	struct stat st;
	int mnt, fd;

	h.type = atoi(a[0]);
	for (p = p ? p + 1 : ""; p[0] && p[1] && h.bytes < sizeof(h.f); p += 2) {
		unsigned v;

		sscanf(p, "%2x", &v);
		h.f[h.bytes++] = (unsigned char)v;
	}
	mnt = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = (int)syscall(SYS_open_by_handle_at, mnt, &h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		say_errno(cmd, errno);
		return;
	}
	say(cmd, fstatat(fd, a[1], &st, AT_SYMLINK_NOFOLLOW) ? "opened, no %s there" : "escaped: %s seen",
	    a[1]);
	close(fd);
}

/* mdwe: PR_GET_MDWE (65+1), as the kernel reports it. */
static void cmd_mdwe(const char *cmd, char **a)
{
	int v = prctl(66 /* PR_GET_MDWE */, 0, 0, 0, 0);

	(void)a;
	if (v < 0)
		say_errno(cmd, errno);
	else
		say(cmd, "%d", v);
}

/* written_exec: write a page, then mprotect it to R+X. */
static void cmd_written_exec(const char *cmd, char **a)
{
	unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)a;
	if (p == MAP_FAILED) {
		say_errno(cmd, errno);
		return;
	}
	p[0] = 0xc3; /* ret */
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
		say_errno(cmd, errno);
	else
		say(cmd, "ok");
	munmap(p, 4096);
}

/* -------------------------------------------------------------- dispatch */

static const struct command {
	const char *name;
	void (*fn)(const char *cmd, char **args);
	int nargs;
} commands[] = {
    {"membomb", cmd_membomb, 1},
    {"cpuspin", cmd_cpuspin, 1},
    {"fdbomb", cmd_fdbomb, 1},
    {"readfd", cmd_readfd, 1},
    {"procfd", cmd_procfd, 1},
    {"ptrace_attach", cmd_ptrace_attach, 1},
    {"traceme_exec", cmd_traceme_exec, 0},
    {"escape_dotdot", cmd_escape_dotdot, 1},
    {"escape_fchdir", cmd_escape_fchdir, 1},
    {"escape_chroot", cmd_escape_chroot, 1},
    {"ids", cmd_ids, 0},
    {"pid", cmd_pid, 0},
    {"clone_newuser", cmd_clone_newuser, 0},
    {"capset_raise", cmd_capset_raise, 1},
    {"ambient_raise", cmd_ambient_raise, 1},
    {"signal", cmd_signal, 1},
    {"procmem", cmd_procmem, 0},
    {"memfd_wx", cmd_memfd_wx, 0},
    {"setns", cmd_setns, 2},
    {"gethandle", cmd_gethandle, 1},
    {"openhandle", cmd_openhandle, 2},
    {"mdwe", cmd_mdwe, 0},
    {"written_exec", cmd_written_exec, 0},
};

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i;

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	self_path = argv[0];
	/* Check every word first: a typo fails before any attack runs. */
	for (i = 1; i < argc; i += 1 + c->nargs) {
		c = find(argv[i]);
		if (!c || i + c->nargs > argc - 1) {
			fprintf(stderr, "attack: %s: unknown command or missing argument\n", argv[i]);
			return 2;
		}
	}
	if (argc < 2) {
		fprintf(stderr, "usage: attack CMD [ARG] [CMD [ARG]...]\n");
		return 2;
	}
	for (i = 1; i < argc; i += 1 + c->nargs) {
		c = find(argv[i]);
		c->fn(c->name, &argv[i + 1]);
	}
	return 0;
}
