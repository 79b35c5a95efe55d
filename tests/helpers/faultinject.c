// SPDX-License-Identifier: MIT
/*
 * faultinject.so - make one call of harden-exec fail, to prove that every
 * apply step fails closed. A test-only LD_PRELOAD library: it is built
 * under build/tests/ and never installed.
 *
 *   FAULT_CALL   the function: setresuid, prctl, fcntl, ... (see the list
 *                of interposers below), or syscall:NR for a call made
 *                through syscall(2); NR is a number or one of close_range,
 *                capset, capget, seccomp, pidfd_open
 *   FAULT_NTH    which matching call fails, from 1 (default 1); 0 = every one
 *   FAULT_ERRNO  the errno it fails with: a name (EPERM, EXDEV ...) or a
 *                number (default EPERM)
 *   FAULT_ARG    only calls whose selecting argument equals this number
 *                count: prctl's option, fcntl's command, ioctl's request,
 *                [gs]etrlimit's resource, a syscall's first argument
 *   FAULT_LIE    instead of failing, the call runs and then lies about its
 *                result: getresuid/getresgid report this id three times,
 *                getrlimit this limit, umask and getppid and prctl return
 *                it, stat reports it as the inode number
 *   FAULT_LOG    a file that gets one line each time a fault fires, or
 *                "stderr": a file path may no longer resolve (chroot) or
 *                be writable (uid change) when the fault fires
 *
 * Only calls that go through the dynamic linker can be caught: those
 * harden-exec makes itself, or its libraries make through their PLT.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

static struct {
	char call[64];
	char name[80];	   /* as given, for the log */
	long nr;	   /* syscall:NR, else -1 */
	unsigned long nth; /* 0: every matching call */
	int err;
	int has_arg, has_lie;
	unsigned long arg;
	long lie;
	const char *log;
	unsigned long seen;
} cfg = {.nr = -1};

static const struct {
	const char *name;
	int value;
} errnos[] = {
    {"EPERM", EPERM},	{"ENOENT", ENOENT},   {"EIO", EIO},
    {"EBADF", EBADF},	{"EAGAIN", EAGAIN},   {"ENOMEM", ENOMEM},
    {"EACCES", EACCES}, {"EBUSY", EBUSY},     {"EXDEV", EXDEV},
    {"EINVAL", EINVAL}, {"EMFILE", EMFILE},   {"ENOSYS", ENOSYS},
    {"ENOTTY", ENOTTY}, {"ENOEXEC", ENOEXEC}, {"E2BIG", E2BIG},
    {"ENOSPC", ENOSPC}, {"ESRCH", ESRCH},     {"ENOTRECOVERABLE", ENOTRECOVERABLE},
};

static const struct {
	const char *name;
	long nr;
} syscalls[] = {
    {"close_range", SYS_close_range}, {"capset", SYS_capset},	      {"capget", SYS_capget},
    {"seccomp", SYS_seccomp},	      {"pidfd_open", SYS_pidfd_open},
};

static void bad_config(const char *what, const char *value)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "faultinject: %s=%s: not understood\n", what, value);

	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(99); /* distinct from anything harden-exec exits with */
}

static unsigned long number(const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end)
		bad_config(what, s);
	return v;
}

__attribute__((constructor)) static void setup(void)
{
	const char *call = getenv("FAULT_CALL"), *v;

	if (!call || !*call)
		return;
	if (!strncmp(call, "syscall:", 8)) {
		const char *nr = call + 8;

		for (size_t i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
			if (!strcmp(nr, syscalls[i].name))
				cfg.nr = syscalls[i].nr;
		if (cfg.nr < 0)
			cfg.nr = (long)number("FAULT_CALL", nr);
		snprintf(cfg.call, sizeof(cfg.call), "syscall");
	} else {
		snprintf(cfg.call, sizeof(cfg.call), "%s", call);
	}
	snprintf(cfg.name, sizeof(cfg.name), "%s", call);
	v = getenv("FAULT_NTH");
	cfg.nth = v ? number("FAULT_NTH", v) : 1;
	cfg.err = EPERM;
	v = getenv("FAULT_ERRNO");
	if (v) {
		size_t i;

		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (!strcmp(v, errnos[i].name))
				break;
		cfg.err =
		    i < sizeof(errnos) / sizeof(errnos[0]) ? errnos[i].value : (int)number("FAULT_ERRNO", v);
	}
	v = getenv("FAULT_ARG");
	if (v) {
		cfg.has_arg = 1;
		cfg.arg = number("FAULT_ARG", v);
	}
	v = getenv("FAULT_LIE");
	if (v) {
		cfg.has_lie = 1;
		cfg.lie = (long)number("FAULT_LIE", v);
	}
	cfg.log = getenv("FAULT_LOG");
}

static void note(const char *what)
{
	char line[160];
	int fd, n;

	if (!cfg.log)
		return;
	n = snprintf(line, sizeof(line), "faultinject: %s call %lu: %s\n", cfg.name, cfg.seen, what);
	/* A file is opened and closed at once: no descriptor is left for
	 * the step that checks the process's descriptors. */
	if (!strcmp(cfg.log, "stderr"))
		fd = STDERR_FILENO;
	else
		fd = open(cfg.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (n > 0)
		(void)!write(fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (fd != STDERR_FILENO)
		close(fd);
}

/*
 * Does this call take the fault? @sel is the call's selecting argument.
 * Returns 1 for "fail with cfg.err" (errno already set), 2 for "lie".
 */
static int hit(const char *name, long nr, unsigned long sel)
{
	int saved = errno;

	if (!cfg.call[0] || strcmp(name, cfg.call) || (cfg.nr >= 0 && nr != cfg.nr))
		return 0;
	if (cfg.has_arg && sel != cfg.arg)
		return 0;
	cfg.seen++;
	if (cfg.nth && cfg.seen != cfg.nth)
		return 0;
	if (cfg.has_lie) {
		note("lies");
		errno = saved;
		return 2;
	}
	note(strerrordesc_np(cfg.err));
	errno = cfg.err;
	return 1;
}

/* The next definition of @name: libc's, or a sanitizer's interceptor. */
#define REAL(name)                                                                                           \
	static __typeof__(&name) real_;                                                                      \
	if (!real_)                                                                                          \
		real_ = (__typeof__(&name))dlsym(RTLD_NEXT, #name);                                          \
	if (!real_)                                                                                          \
		abort();

/* ---- calls that simply fail ---- */

#define FAILING(ret, name, params, args, sel)                                                                \
	EXPORT ret name params                                                                               \
	{                                                                                                    \
		REAL(name)                                                                                   \
		if (hit(#name, -1, (unsigned long)(sel)) == 1)                                               \
			return (ret)-1;                                                                      \
		return real_ args;                                                                           \
	}

FAILING(int, setresuid, (uid_t r, uid_t e, uid_t s), (r, e, s), 0)
FAILING(int, setresgid, (gid_t r, gid_t e, gid_t s), (r, e, s), 0)
FAILING(int, setgroups, (size_t n, const gid_t *l), (n, l), 0)
FAILING(int, setrlimit, (__rlimit_resource_t r, const struct rlimit *l), (r, l), r)
FAILING(int, chroot, (const char *p), (p), 0)
FAILING(int, chdir, (const char *p), (p), 0)
FAILING(int, fchdir, (int fd), (fd), 0)
FAILING(pid_t, setsid, (void), (), 0)
FAILING(int, sigprocmask, (int how, const sigset_t *s, sigset_t *o), (how, s, o), how)
FAILING(int, execve, (const char *p, char *const a[], char *const e[]), (p, a, e), 0)
FAILING(pid_t, fork, (void), (), 0)
FAILING(int, memfd_create, (const char *n, unsigned int f), (n, f), f)
/* namespaces and the jail (wrapper/ns.c, mounts.c) */
FAILING(int, unshare, (int flags), (flags), flags)
FAILING(int, sethostname, (const char *n, size_t l), (n, l), 0)
FAILING(int, mount, (const char *s, const char *t, const char *f, unsigned long m, const void *d),
	(s, t, f, m, d), 0)
FAILING(int, umount2, (const char *t, int f), (t, f), 0)

/* ---- calls that can also lie about their result ---- */

EXPORT int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	REAL(getresuid)
	int h = hit("getresuid", -1, 0), rc;

	if (h == 1)
		return -1;
	rc = real_(r, e, s);
	if (h == 2 && rc == 0)
		*r = *e = *s = (uid_t)cfg.lie;
	return rc;
}

EXPORT int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	REAL(getresgid)
	int h = hit("getresgid", -1, 0), rc;

	if (h == 1)
		return -1;
	rc = real_(r, e, s);
	if (h == 2 && rc == 0)
		*r = *e = *s = (gid_t)cfg.lie;
	return rc;
}

EXPORT int getrlimit(__rlimit_resource_t res, struct rlimit *l)
{
	REAL(getrlimit)
	int h = hit("getrlimit", -1, (unsigned long)res), rc;

	if (h == 1)
		return -1;
	rc = real_(res, l);
	if (h == 2 && rc == 0)
		l->rlim_cur = l->rlim_max = (rlim_t)cfg.lie;
	return rc;
}

EXPORT mode_t umask(mode_t m)
{
	REAL(umask)
	mode_t old = real_(m);

	/* umask cannot fail: it can only lie. */
	return hit("umask", -1, 0) == 2 ? (mode_t)cfg.lie : old;
}

EXPORT pid_t getppid(void)
{
	REAL(getppid)
	pid_t pid = real_();

	return hit("getppid", -1, 0) == 2 ? (pid_t)cfg.lie : pid;
}

EXPORT int stat(const char *restrict path, struct stat *restrict st)
{
	REAL(stat)
	int h = hit("stat", -1, 0), rc;

	if (h == 1)
		return -1;
	rc = real_(path, st);
	if (h == 2 && rc == 0)
		st->st_ino = (ino_t)cfg.lie;
	return rc;
}

/* ---- variadic calls: every argument word is passed on as it came ---- */

EXPORT int prctl(int option, ...)
{
	REAL(prctl)
	unsigned long a[4];
	va_list ap;
	int h, rc;

	va_start(ap, option);
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	h = hit("prctl", -1, (unsigned long)option);
	if (h == 1)
		return -1;
	rc = real_(option, a[0], a[1], a[2], a[3]);
	return h == 2 ? (int)cfg.lie : rc;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	REAL(fcntl)
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (hit("fcntl", -1, (unsigned long)cmd) == 1)
		return -1;
	return real_(fd, cmd, arg);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	REAL(ioctl)
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (hit("ioctl", -1, req) == 1)
		return -1;
	return real_(fd, req, arg);
}

EXPORT long syscall(long nr, ...)
{
	REAL(syscall)
	unsigned long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (hit("syscall", nr, a[0]) == 1)
		return -1;
	return real_(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
