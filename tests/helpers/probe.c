// SPDX-License-Identifier: MIT
/*
 * probe - a tiny service stand-in for the live tests.
 *
 * The tests run this program AS the hardened service and ask it, one
 * command per argv word (plus fixed arguments), what it can see and what
 * it may do.  Every command prints exactly one line "CMD: RESULT" where
 * RESULT is "ok [details]" or "errno ENAME".  Output is line buffered into
 * a static buffer so that a line is on its way before the next command
 * runs: a test still sees everything printed before a command that gets
 * the process killed by a seccomp filter or a limit.
 *
 * Build: gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -o probe probe.c
 * It must stay a single, static, libc-only file: it also runs inside a
 * chroot that holds nothing else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000UL
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT	     47
#define PR_CAP_AMBIENT_RAISE 2
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef NETLINK_ROUTE
#define NETLINK_ROUTE 0 /* linux/netlink.h */
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

#define UNUSED	      __attribute__((unused))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define FD_SCAN_MAX 4096
#define FORK_MAX    4096
#define WRITE_CHUNK (64 * 1024)

/* ---------------------------------------------------------------- output */

/*
 * A static buffer keeps stdio from calling fstat() and malloc() on first
 * use: under a strict filter the probe should issue nothing but write().
 */
static char outbuf[8192];

struct errno_name {
	int num;
	const char *name;
};

#define E(x)                                                                                                 \
	{                                                                                                    \
		x, #x                                                                                        \
	}
static const struct errno_name errno_names[] = {
    E(EPERM),	     E(ENOENT),	      E(ESRCH),		  E(EINTR),	      E(EIO),
    E(ENXIO),	     E(E2BIG),	      E(ENOEXEC),	  E(EBADF),	      E(ECHILD),
    E(EAGAIN),	     E(ENOMEM),	      E(EACCES),	  E(EFAULT),	      E(EBUSY),
    E(EEXIST),	     E(EXDEV),	      E(ENODEV),	  E(ENOTDIR),	      E(EISDIR),
    E(EINVAL),	     E(ENFILE),	      E(EMFILE),	  E(ENOTTY),	      E(ETXTBSY),
    E(EFBIG),	     E(ENOSPC),	      E(ESPIPE),	  E(EROFS),	      E(EMLINK),
    E(EPIPE),	     E(EDOM),	      E(ERANGE),	  E(EDEADLK),	      E(ENAMETOOLONG),
    E(ENOLCK),	     E(ENOSYS),	      E(ENOTEMPTY),	  E(ELOOP),	      E(ENOMSG),
    E(EOVERFLOW),    E(EILSEQ),	      E(ENOTSOCK),	  E(EDESTADDRREQ),    E(EMSGSIZE),
    E(EPROTOTYPE),   E(ENOPROTOOPT),  E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
    E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE),	  E(EADDRNOTAVAIL),   E(ENETDOWN),
    E(ENETUNREACH),  E(ECONNABORTED), E(ECONNRESET),	  E(ENOBUFS),	      E(EISCONN),
    E(ENOTCONN),     E(ETIMEDOUT),    E(ECONNREFUSED),	  E(EHOSTUNREACH),    E(EALREADY),
    E(EINPROGRESS),  E(ECANCELED),    E(ENOKEY),	  E(EKEYREJECTED),    E(ENOMEDIUM),
    E(EDQUOT),
};
#undef E

static void errno_str(int err, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++) {
		if (errno_names[i].num == err) {
			snprintf(buf, len, "%s", errno_names[i].name);
			return;
		}
	}
	snprintf(buf, len, "%d", err);
}

/* "CMD: ok" or "CMD: ok DETAILS" */
static void __attribute__((format(printf, 2, 3))) say_ok(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ok", cmd);
	if (fmt) {
		putchar(' ');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
}

/* "CMD: errno ENAME" */
static void say_err(const char *cmd, int err)
{
	char name[32];

	errno_str(err, name, sizeof(name));
	printf("%s: errno %s\n", cmd, name);
	fflush(stdout);
}

/* ok/errno from a libc call that returns -1 and sets errno */
static void say_rc(const char *cmd, long rc)
{
	if (rc < 0)
		say_err(cmd, errno);
	else
		say_ok(cmd, NULL);
}

static void __attribute__((noreturn, format(printf, 1, 2))) usage_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ------------------------------------------------------------ arguments */

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	/* strtoull accepts a leading '-' and wraps; we never want that */
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	return 0;
}

static uint64_t arg_u64(const char *cmd, const char *s)
{
	uint64_t v;

	if (parse_u64(s, &v))
		usage_fail("%s: not a number: '%s'", cmd, s);
	return v;
}

static int arg_int(const char *cmd, const char *s, int max)
{
	uint64_t v = arg_u64(cmd, s);

	if (v > (uint64_t)max)
		usage_fail("%s: out of range: '%s'", cmd, s);
	return (int)v;
}

/* ---------------------------------------------------------- proc status */

static void cmd_status(const char *cmd, UNUSED char **args)
{
	static const char *const keys[] = {
	    "Uid",    "Gid",	"Groups",     "CapInh",	 "CapPrm",	    "CapEff",
	    "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters",
	};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	size_t i;

	f = fopen("/proc/self/status", "re");
	if (!f) {
		say_err(cmd, errno);
		return;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			size_t klen = strlen(keys[i]);

			if ((size_t)(colon - line) == klen && !strncmp(line, keys[i], klen)) {
				fputs(line, stdout);
				if (line[len - 1] != '\n')
					putchar('\n');
				break;
			}
		}
	}
	free(line);
	fclose(f);
	say_ok(cmd, NULL);
}

/* -------------------------------------------------------------- rlimits */

struct rlimit_name {
	const char *name;
	int resource;
};

static const struct rlimit_name rlimit_names[] = {
    {"as", RLIMIT_AS},		 {"core", RLIMIT_CORE},		{"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},	 {"fsize", RLIMIT_FSIZE},	{"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},	 {"nproc", RLIMIT_NPROC},	{"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},	 {"rttime", RLIMIT_RTTIME},	{"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

static void fmt_rlim(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static void cmd_limits(const char *cmd, UNUSED char **args)
{
	char soft[32], hard[32];
	struct rlimit rl;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rlimit_names); i++) {
		if (getrlimit(rlimit_names[i].resource, &rl) < 0) {
			say_err(cmd, errno);
			return;
		}
		fmt_rlim(rl.rlim_cur, soft, sizeof(soft));
		fmt_rlim(rl.rlim_max, hard, sizeof(hard));
		printf("limit %s %s %s\n", rlimit_names[i].name, soft, hard);
	}
	say_ok(cmd, NULL);
}

static rlim_t arg_rlim(const char *cmd, const char *s)
{
	if (!strcmp(s, "unlimited") || !strcmp(s, "infinity"))
		return RLIM_INFINITY;
	return (rlim_t)arg_u64(cmd, s);
}

static void cmd_setrlimit(const char *cmd, char **args)
{
	const char *name = args[0];
	struct rlimit rl;
	size_t i;

	/* accept "nofile", "NOFILE" and "RLIMIT_NOFILE" alike */
	if (!strncasecmp(name, "RLIMIT_", 7))
		name += 7;
	for (i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (!strcasecmp(name, rlimit_names[i].name))
			break;
	if (i == ARRAY_SIZE(rlimit_names))
		usage_fail("%s: unknown limit '%s'", cmd, args[0]);
	rl.rlim_cur = arg_rlim(cmd, args[1]);
	rl.rlim_max = arg_rlim(cmd, args[2]);
	say_rc(cmd, setrlimit(rlimit_names[i].resource, &rl));
}

/* ---------------------------------------------------- files, fds, dirs */

static void cmd_cwd(const char *cmd, UNUSED char **args)
{
	char buf[4096];

	if (!getcwd(buf, sizeof(buf)))
		say_err(cmd, errno);
	else
		say_ok(cmd, "%s", buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void cmd_ls(const char *cmd, char **args)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d;

	d = opendir(args[0]);
	if (!d) {
		say_err(cmd, errno);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				usage_fail("%s: out of memory", cmd);
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			usage_fail("%s: out of memory", cmd);
		n++;
	}
	closedir(d);

	/* strcmp, not the locale's collation: stable output for the tests */
	qsort(names, n, sizeof(*names), cmp_str);
	printf("%s: ok", cmd);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	putchar('\n');
	fflush(stdout);
	free(names);
}

/* fcntl probing instead of /proc/self/fd: works in an empty chroot */
static int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void cmd_fds(const char *cmd, UNUSED char **args)
{
	int fd;

	printf("%s: ok", cmd);
	for (fd = 0; fd < FD_SCAN_MAX; fd++)
		if (fd_is_open(fd))
			printf(" %d", fd);
	putchar('\n');
	fflush(stdout);
}

static void cmd_cloexec(const char *cmd, char **args)
{
	int fd = arg_int(cmd, args[0], INT32_MAX);
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		say_err(cmd, errno);
	else
		say_ok(cmd, "%s", (flags & FD_CLOEXEC) ? "yes" : "no");
}

static void cmd_openfd(const char *cmd, char **args)
{
	int fd = arg_int(cmd, args[0], INT32_MAX);

	say_ok(cmd, "%s", fd_is_open(fd) ? "yes" : "no");
}

/* the descriptor stays open on purpose: tests look for it afterwards */
static void cmd_open(const char *cmd, char **args)
{
	say_rc(cmd, open(args[0], O_RDONLY));
}

static void cmd_write(const char *cmd, char **args)
{
	static const char zeros[WRITE_CHUNK];
	uint64_t want = arg_u64(cmd, args[1]);
	uint64_t done = 0;
	char name[32];
	int fd;

	/* without this, crossing RLIMIT_FSIZE kills us instead of EFBIG */
	signal(SIGXFSZ, SIG_IGN);

	fd = open(args[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		say_err(cmd, errno);
		return;
	}
	while (done < want) {
		size_t chunk = want - done < WRITE_CHUNK ? (size_t)(want - done) : WRITE_CHUNK;
		ssize_t n = write(fd, zeros, chunk);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			errno_str(errno, name, sizeof(name));
			printf("%s: errno %s written %" PRIu64 "\n", cmd, name, done);
			fflush(stdout);
			close(fd);
			return;
		}
		done += (uint64_t)n;
	}
	close(fd);
	say_ok(cmd, NULL);
}

static void cmd_chroot(const char *cmd, char **args)
{
	say_rc(cmd, chroot(args[0]));
}

static void cmd_mount(const char *cmd, UNUSED char **args)
{
	char dir[] = "/tmp/probe-mnt-XXXXXX";
	int rc, err;

	if (!mkdtemp(dir)) {
		say_err(cmd, errno);
		return;
	}
	rc = mount("none", dir, "tmpfs", 0, NULL);
	err = errno;
	if (rc == 0)
		umount2(dir, MNT_DETACH);
	rmdir(dir);
	if (rc < 0)
		say_err(cmd, err);
	else
		say_ok(cmd, NULL);
}

/* ------------------------------------------------- process environment */

extern char **environ;

static void cmd_env(const char *cmd, UNUSED char **args)
{
	char **e;

	for (e = environ; e && *e; e++)
		printf("env %s\n", *e);
	say_ok(cmd, NULL);
}

static void cmd_getenv(const char *cmd, char **args)
{
	const char *v = getenv(args[0]);

	if (v) {
		say_ok(cmd, "%s", v);
	} else {
		printf("%s: unset\n", cmd);
		fflush(stdout);
	}
}

static void cmd_umask(const char *cmd, UNUSED char **args)
{
	mode_t m = umask(0);

	umask(m);
	say_ok(cmd, "%04o", (unsigned int)m);
}

static void cmd_sigmask(const char *cmd, UNUSED char **args)
{
	uint64_t mask = 0;

	/*
	 * The raw call returns the kernel's mask bit for bit; the libc
	 * sigset_t is 1024 bits wide and hides the signals libc reserves.
	 */
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, sizeof(mask)) < 0)
		say_err(cmd, errno);
	else
		say_ok(cmd, "%016" PRIx64, mask);
}

static void cmd_sigign(const char *cmd, UNUSED char **args)
{
	struct sigaction sa;
	uint64_t mask = 0;
	int sig;

	for (sig = 1; sig <= 64; sig++) {
		/* libc refuses its own reserved signals: skip those */
		if (sigaction(sig, NULL, &sa) < 0)
			continue;
		if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN)
			mask |= UINT64_C(1) << (sig - 1);
	}
	say_ok(cmd, "%016" PRIx64, mask);
}

static void cmd_ids(const char *cmd, UNUSED char **args)
{
	long v;

	if (!strcmp(cmd, "pid"))
		v = getpid();
	else if (!strcmp(cmd, "ppid"))
		v = getppid();
	else if (!strcmp(cmd, "sid"))
		v = getsid(0);
	else
		v = getpgid(0);
	if (v < 0)
		say_err(cmd, errno);
	else
		say_ok(cmd, "%ld", v);
}

/* -------------------------------------------------------- raw syscalls */

static void say_sysret(const char *cmd, long rc)
{
	if (rc == -1)
		say_err(cmd, errno);
	else
		say_ok(cmd, "%ld", rc);
}

/* "NR,A0,A1,..." in one word: up to six arguments */
static void cmd_sys(const char *cmd, char **args)
{
	unsigned long v[7] = {0};
	const char *p = args[0];
	int n = 0;

	for (;;) {
		char *end;

		if (n == 7 || !*p || *p == '-' || *p == '+' || *p == ',')
			usage_fail("%s: bad 'NR[,A0...]': '%s'", cmd, args[0]);
		errno = 0;
		v[n++] = strtoull(p, &end, 0);
		if (errno || (*end && *end != ','))
			usage_fail("%s: bad 'NR[,A0...]': '%s'", cmd, args[0]);
		if (!*end)
			break;
		p = end + 1;
	}
	say_sysret(cmd, syscall((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
}

static void cmd_int80(const char *cmd, char **args)
{
#if defined(__x86_64__)
	long nr = arg_int(cmd, args[0], INT32_MAX);
	long ret;
	char name[32];

	/*
	 * i386 ABI entry from a 64-bit process: eax = NR, ebx..ebp = args.
	 * The argument registers are zeroed so the call is deterministic.
	 * Only eax carries the result on that ABI.
	 */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(0L), "c"(0L), "d"(0L), "S"(0L), "D"(0L)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	ret = (int)ret;
	if (ret < 0 && ret >= -4095) {
		errno_str((int)-ret, name, sizeof(name));
		printf("%s: errno %s\n", cmd, name);
		fflush(stdout);
	} else {
		say_ok(cmd, "%ld", ret);
	}
#else
	(void)args;
	printf("%s: unsupported\n", cmd);
	fflush(stdout);
#endif
}

static void cmd_x32(const char *cmd, char **args)
{
#if defined(__x86_64__)
	long nr = arg_int(cmd, args[0], INT32_MAX);

	/* libc's syscall() passes the number through to rax untouched */
	say_sysret(cmd, syscall(nr | (long)__X32_SYSCALL_BIT, 0, 0, 0, 0, 0, 0));
#else
	(void)args;
	printf("%s: unsupported\n", cmd);
	fflush(stdout);
#endif
}

static void cmd_tiocsti(const char *cmd, UNUSED char **args)
{
	char c = 'x';

	if (!strcmp(cmd, "tiocsti_hi")) {
		/*
		 * The kernel truncates the request to 32 bits; a filter
		 * that compares all 64 bits would miss this one.
		 */
		unsigned long long req = 0x100000000ULL | TIOCSTI;

		say_rc(cmd, syscall(SYS_ioctl, 0, req, &c));
	} else {
		say_rc(cmd, ioctl(0, TIOCSTI, &c));
	}
}

static void cmd_tioclinux(const char *cmd, UNUSED char **args)
{
	/* 6 = TIOCL_GETSHIFTSTATE: harmless when it does get through */
	char sub = 6;

	say_rc(cmd, ioctl(0, TIOCLINUX, &sub));
}

/* struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2 = 88 is larger) */
struct probe_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

static void cmd_clone3(const char *cmd, UNUSED char **args)
{
	struct probe_clone_args ca;
	long pid;

	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	fflush(stdout);
	/* no stack given: the child runs on a copy of ours, like fork() */
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid < 0) {
		say_err(cmd, errno);
		return;
	}
	while (waitpid((pid_t)pid, NULL, 0) < 0 && errno == EINTR)
		;
	say_ok(cmd, NULL);
}

static void cmd_io_uring(const char *cmd, UNUSED char **args)
{
	uint32_t params[30]; /* struct io_uring_params: 120 bytes */
	long fd;

	memset(params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 1, params);
	if (fd < 0) {
		say_err(cmd, errno);
		return;
	}
	close((int)fd);
	say_ok(cmd, NULL);
}

static void cmd_personality(const char *cmd, char **args)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(args[0], &end, 16);
	if (!*args[0] || *args[0] == '-' || errno || *end || v > 0xffffffffUL)
		usage_fail("%s: not a hex persona: '%s'", cmd, args[0]);
	v = (unsigned long)syscall(SYS_personality, v);
	if ((long)v == -1)
		say_err(cmd, errno);
	else
		say_ok(cmd, "0x%lx", v);
}

/* ------------------------------------------------------ privilege tries */

static void cmd_unshare_user(const char *cmd, UNUSED char **args)
{
	say_rc(cmd, unshare(CLONE_NEWUSER));
}

static void cmd_ptrace_me(const char *cmd, UNUSED char **args)
{
	say_rc(cmd, ptrace(PTRACE_TRACEME, 0, NULL, NULL));
}

static void cmd_setuid(const char *cmd, char **args)
{
	uint64_t uid = arg_u64(cmd, args[0]);

	if (uid > UINT32_MAX)
		usage_fail("%s: out of range: '%s'", cmd, args[0]);
	say_rc(cmd, setuid((uid_t)uid));
}

static void cmd_capset_all(const char *cmd, UNUSED char **args)
{
	/* own copies of the uapi structs: avoids header clashes with libc */
	struct {
		uint32_t version;
		int pid;
	} hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct {
		uint32_t effective;
		uint32_t permitted;
		uint32_t inheritable;
	} data[2];
	int i;

	for (i = 0; i < 2; i++) {
		data[i].effective = 0xffffffff;
		data[i].permitted = 0xffffffff;
		data[i].inheritable = 0xffffffff;
	}
	say_rc(cmd, syscall(SYS_capset, &hdr, data));
}

static void cmd_ambient_raise(const char *cmd, char **args)
{
	int cap = arg_int(cmd, args[0], 63);

	say_rc(cmd, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0));
}

/* ------------------------------------------------------------- memory */

static void cmd_wxmmap(const char *cmd, UNUSED char **args)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		say_err(cmd, errno);
		return;
	}
	munmap(p, 4096);
	say_ok(cmd, NULL);
}

/* mprotect_exec: RW -> RX; mprotect_wx: RW -> RWX */
static void cmd_mprotect(const char *cmd, UNUSED char **args)
{
	int prot = PROT_READ | PROT_EXEC;
	void *p;
	int rc;

	if (!strcmp(cmd, "mprotect_wx"))
		prot |= PROT_WRITE;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		say_err(cmd, errno);
		return;
	}
	rc = mprotect(p, 4096, prot);
	say_rc(cmd, rc);
	munmap(p, 4096);
}

/* ------------------------------------------------------------ network */

/* returns the fd (bound, or listening when backlog >= 0) or -errno */
static int tcp_bind(int family, int port, int backlog)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	struct sockaddr *sa;
	socklen_t salen;
	int one = 1;
	int fd, err;

	if (family == AF_INET6) {
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		a6.sin6_addr = in6addr_loopback;
		sa = (struct sockaddr *)&a6;
		salen = sizeof(a6);
	} else {
		memset(&a4, 0, sizeof(a4));
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa = (struct sockaddr *)&a4;
		salen = sizeof(a4);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 || bind(fd, sa, salen) < 0 ||
	    (backlog >= 0 && listen(fd, backlog) < 0)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static void cmd_bind(const char *cmd, char **args)
{
	int port = arg_int(cmd, args[0], 65535);
	int family = strcmp(cmd, "bind6") ? AF_INET : AF_INET6;
	int fd = tcp_bind(family, port, -1);

	if (fd < 0) {
		say_err(cmd, -fd);
		return;
	}
	close(fd);
	say_ok(cmd, NULL);
}

/* the listening socket stays open for the rest of the run */
static void cmd_listen(const char *cmd, char **args)
{
	int fd = tcp_bind(AF_INET, arg_int(cmd, args[0], 65535), 16);

	if (fd < 0)
		say_err(cmd, -fd);
	else
		say_ok(cmd, NULL);
}

static const struct {
	const char *name;
	int family;
} families[] = {
    {"AF_UNIX", AF_UNIX},	{"AF_INET", AF_INET},	  {"AF_INET6", AF_INET6},
    {"AF_NETLINK", AF_NETLINK}, {"AF_PACKET", AF_PACKET}, {"AF_BLUETOOTH", AF_BLUETOOTH},
    {"AF_ALG", AF_ALG},		{"AF_KEY", AF_KEY},	  {"AF_VSOCK", AF_VSOCK},
};

/* errors that only say "wrong type or protocol for this family" */
static int wrong_type(int err)
{
	return err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT || err == EPROTOTYPE;
}

static void cmd_socket(const char *cmd, char **args)
{
	/*
	 * SOCK_SEQPACKET is tried too: it is the only type AF_ALG
	 * accepts, so without it AF_ALG could never report ok.
	 */
	static const int types[] = {
	    SOCK_STREAM,
	    SOCK_DGRAM,
	    SOCK_SEQPACKET,
	    SOCK_RAW,
	};
	int family = -1, first_err = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(families); i++)
		if (!strcmp(args[0], families[i].name))
			family = families[i].family;
	if (family < 0)
		family = arg_int(cmd, args[0], 1023);

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		int type = types[i], proto = 0, fd;

		if (family == AF_NETLINK) {
			if (type != SOCK_RAW)
				continue;
			proto = NETLINK_ROUTE;
		}
		fd = socket(family, type | SOCK_CLOEXEC, proto);
		if (fd >= 0) {
			close(fd);
			say_ok(cmd, NULL);
			return;
		}
		if (!first_err)
			first_err = errno;
		if (!wrong_type(errno)) {
			say_err(cmd, errno);
			return;
		}
	}
	say_err(cmd, first_err);
}

/* ------------------------------------------------------------- processes */

static void cmd_fork(const char *cmd, char **args)
{
	static pid_t kids[FORK_MAX];
	uint64_t want = arg_u64(cmd, args[0]);
	int n = 0, err = 0, i;
	char name[32];

	if (want > FORK_MAX)
		want = FORK_MAX;
	fflush(stdout);
	while ((uint64_t)n < want) {
		pid_t pid = fork();

		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			/*
			 * Die with the parent, and let go of its stdout so a
			 * reader never waits on a child for end of file.
			 */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(1);
			close(2);
			sleep(30);
			_exit(0);
		}
		kids[n++] = pid;
	}
	if (err) {
		errno_str(err, name, sizeof(name));
		printf("%s: errno %s after %d\n", cmd, name, n);
		fflush(stdout);
	} else {
		say_ok(cmd, "%d", n);
	}
	for (i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 0; i < n; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
}

static void cmd_sleep(const char *cmd, char **args)
{
	struct timespec ts;
	char *end;
	double secs;

	errno = 0;
	secs = strtod(args[0], &end);
	if (errno || *end || end == args[0] || !isfinite(secs) || secs < 0 || secs > 86400)
		usage_fail("%s: bad seconds: '%s'", cmd, args[0]);
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	say_ok(cmd, NULL);
}

static void cmd_getppid_loop(const char *cmd, char **args)
{
	uint64_t n = arg_u64(cmd, args[0]);
	struct timespec t0, t1;
	uint64_t i, ns;

	if (n == 0 || n > 1000000000)
		usage_fail("%s: count must be 1..1000000000", cmd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* raw syscall: the point is to time the kernel entry (and filter) */
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
	say_ok(cmd, "%" PRIu64, ns / n);
}

/* consumes the rest of argv: PATH is also the new argv[0] */
static void cmd_exec(const char *cmd, char **args)
{
	fflush(stdout);
	execv(args[0], args);
	say_err(cmd, errno);
}

static void cmd_exit(const char *cmd, char **args)
{
	int status = arg_int(cmd, args[0], 255);

	fflush(stdout);
	exit(status);
}

/* -------------------------------------------------------------- dispatch */

#define REST (-1) /* takes every remaining word (at least one) */

struct command {
	const char *name;
	void (*fn)(const char *cmd, char **args);
	int nargs;
};

static const struct command commands[] = {
    {"status", cmd_status, 0},
    {"limits", cmd_limits, 0},
    {"setrlimit", cmd_setrlimit, 3},
    {"cwd", cmd_cwd, 0},
    {"ls", cmd_ls, 1},
    {"fds", cmd_fds, 0},
    {"cloexec", cmd_cloexec, 1},
    {"openfd", cmd_openfd, 1},
    {"open", cmd_open, 1},
    {"write", cmd_write, 2},
    {"chroot", cmd_chroot, 1},
    {"mount", cmd_mount, 0},
    {"env", cmd_env, 0},
    {"getenv", cmd_getenv, 1},
    {"umask", cmd_umask, 0},
    {"sigmask", cmd_sigmask, 0},
    {"sigign", cmd_sigign, 0},
    {"pid", cmd_ids, 0},
    {"ppid", cmd_ids, 0},
    {"sid", cmd_ids, 0},
    {"pgid", cmd_ids, 0},
    {"sys", cmd_sys, 1},
    {"int80", cmd_int80, 1},
    {"x32", cmd_x32, 1},
    {"tiocsti", cmd_tiocsti, 0},
    {"tiocsti_hi", cmd_tiocsti, 0},
    {"tioclinux", cmd_tioclinux, 0},
    {"clone3", cmd_clone3, 0},
    {"io_uring", cmd_io_uring, 0},
    {"personality", cmd_personality, 1},
    {"unshare_user", cmd_unshare_user, 0},
    {"ptrace_me", cmd_ptrace_me, 0},
    {"setuid", cmd_setuid, 1},
    {"capset_all", cmd_capset_all, 0},
    {"ambient_raise", cmd_ambient_raise, 1},
    {"wxmmap", cmd_wxmmap, 0},
    {"mprotect_exec", cmd_mprotect, 0},
    {"mprotect_wx", cmd_mprotect, 0},
    {"bind", cmd_bind, 1},
    {"bind6", cmd_bind, 1},
    {"listen", cmd_listen, 1},
    {"socket", cmd_socket, 1},
    {"fork", cmd_fork, 1},
    {"sleep", cmd_sleep, 1},
    {"getppid_loop", cmd_getppid_loop, 1},
    {"exec", cmd_exec, REST},
    {"exit", cmd_exit, 1},
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/*
 * Walk argv once without running anything, so a typo in the command list
 * fails up front instead of after half the commands have changed state.
 */
static void check_args(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	while (i < argc) {
		c = find_command(argv[i]);
		if (!c)
			usage_fail("unknown command '%s'", argv[i]);
		if (c->nargs == REST) {
			if (i + 1 >= argc)
				usage_fail("%s: needs a path", c->name);
			return;
		}
		if (i + c->nargs >= argc)
			usage_fail("%s: needs %d argument(s)", c->name, c->nargs);
		i += 1 + c->nargs;
	}
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (argc < 2)
		usage_fail("usage: probe CMD [ARG] [CMD [ARG]...]");
	check_args(argc, argv);

	while (i < argc) {
		c = find_command(argv[i]);
		c->fn(c->name, &argv[i + 1]);
		if (c->nargs == REST)
			break;
		i += 1 + c->nargs;
	}
	fflush(stdout);
	return 0;
}
