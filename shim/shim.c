/* SPDX-License-Identifier: MIT */
/*
 * libharden.so: the preload half of a late apply.
 *
 * The constructor reads the sealed handoff that harden-exec left in a memfd,
 * checks every byte of it, and removes its own traces from the environment.
 * The interposed functions below only watch for the trigger (main, the
 * first listen, the first accept, or the first wait after a listen) and then
 * call late_apply() once; otherwise they forward to the real function and
 * leave errno as it gave it.
 *
 * Loaded without HARDEN_HANDOFF_FD (by accident, or in a child after we
 * removed it) the library does nothing but forward.
 */
#include "shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct shim_handoff shim_ho;

/* Set by the constructor before any thread can exist, read-only after. */
static int active;  /* a handoff was loaded: the late stage is due */
static int trigger; /* enum handoff_trigger */

static int applied;  /* atomic: the late stage has run in this process */
static int listened; /* atomic: a listen() returned 0 */
/*
 * The applied state is per process. A vfork child (or a raw clone sharing
 * our memory) writes to our variables: if it reached a trigger and set
 * `applied`, the parent would serve unhardened until the deadline. So
 * apply_once() compares getpid() with self_pid (set by the constructor
 * and in every fork child), and a process that shares our memory records
 * its own apply in shared_pid instead.
 */
static pid_t self_pid;
static pid_t shared_pid;
static pthread_mutex_t apply_lock = PTHREAD_MUTEX_INITIALIZER;

/* The blob, aligned for the header, the groups and the BPF program. */
static union {
	struct handoff h;
	unsigned char b[HANDOFF_MAX_SIZE];
} blob;

noreturn void shim_fail(int late, int err, const char *fmt, ...)
{
	char msg[512], line[700];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof(line), "harden-exec: shim: %s%s%s%s\n", late ? "late stage: " : "", msg,
		     err ? ": " : "", err ? strerror(err) : "");
	if (n > 0)
		(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (late)
		syscall(SYS_exit_group, 125); /* every thread, now */
	_exit(125);
}

#define bad(...) shim_fail(0, 0, __VA_ARGS__)

/* ---- reading the handoff ---- */

/* Decimal digits only: no sign, no space, no leading zero, fits an int. */
static int parse_fd(const char *s)
{
	long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	return (int)v;
}

/*
 * Only a memfd sealed against every change is read: once F_SEAL_WRITE,
 * F_SEAL_GROW and F_SEAL_SHRINK are set nobody can alter the bytes between
 * our checks and our use (memfd_create(2), "File sealing"), and F_SEAL_SEAL
 * keeps anyone from relaxing that. The name catches a stray descriptor
 * number; it is no proof of origin (whoever sets our environment could
 * preload anything).
 */
static size_t check_memfd(int fd)
{
	const int need = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;
	static const char want[] = "/memfd:" HANDOFF_MEMFD_NAME;
	char path[40], link[128];
	struct stat st;
	ssize_t n;
	int seals;

	if (fstat(fd, &st) < 0)
		shim_fail(0, errno, "handoff descriptor %d", fd);
	if (!S_ISREG(st.st_mode))
		bad("handoff descriptor %d is not a memfd", fd);
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		shim_fail(0, errno, "handoff descriptor %d: reading its seals", fd);
	if ((seals & need) != need)
		bad("handoff memfd %d is not sealed (seals 0x%x, need 0x%x)", fd, (unsigned)seals,
		    (unsigned)need);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		shim_fail(0, errno, "readlink %s (hint: the late stage needs /proc)", path);
	link[n] = '\0';
	/* "/memfd:harden-handoff (deleted)": the name, then nothing or a space. */
	if (strncmp(link, want, sizeof(want) - 1) ||
	    (link[sizeof(want) - 1] != '\0' && link[sizeof(want) - 1] != ' '))
		bad("handoff descriptor %d is %s, not a %s memfd", fd, link, HANDOFF_MEMFD_NAME);
	if (st.st_size < (off_t)sizeof(struct handoff) || st.st_size > HANDOFF_MAX_SIZE)
		bad("handoff memfd holds %lld bytes, not %zu..%d", (long long)st.st_size,
		    sizeof(struct handoff), HANDOFF_MAX_SIZE);
	return (size_t)st.st_size;
}

static void read_blob(int fd, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(fd, blob.b + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			shim_fail(0, errno, "reading the handoff");
		if (n == 0)
			bad("handoff memfd ends after %zu of %zu bytes", got, size);
		got += (size_t)n;
	}
}

/* Characters a name may hold: printable, and nothing JSON must escape. */
static int name_char(char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static void check_names(const char *p, const struct handoff *h)
{
	const char *end = p + h->names_len;

	for (uint32_t i = 0; i < h->names_count; i++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));

		if (!z)
			bad("handoff names table holds fewer than %u names", h->names_count);
		for (; p < z; p++)
			if (!name_char(*p))
				bad("handoff names table: bad character 0x%02x in name %u", (unsigned char)*p,
				    i);
		p = z + 1;
	}
	if (p != end)
		bad("handoff names table has %zu bytes after its %u names", (size_t)(end - p),
		    h->names_count);
}

static void check_action(uint32_t a)
{
	uint32_t data = a & SECCOMP_RET_DATA;

	if (a == SECCOMP_RET_KILL_PROCESS)
		return;
	/* The kernel caps errno at MAX_ERRNO (4095); 0 would fake success. */
	if ((a & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && data >= 1 && data <= 4095)
		return;
	bad("handoff violation action 0x%08x is neither kill nor errno:1..4095", a);
}

/* Every field, and the parts adding up to exactly the size: no slack to hide bytes in. */
static void check_blob(size_t size)
{
	const struct handoff *h = &blob.h;
	const unsigned char *p;
	uint64_t parts, total;

	if (memcmp(h->magic, HANDOFF_MAGIC, sizeof(h->magic)))
		bad("handoff has a bad magic number");
	if (h->version != HANDOFF_VERSION)
		bad("handoff version %u, this shim reads version %d (hint: harden-exec and "
		    "libharden.so must come from the same build)",
		    h->version, HANDOFF_VERSION);
	if (h->size != size)
		bad("handoff header says %u bytes, the memfd holds %zu", h->size, size);
	if (h->reserved)
		bad("handoff reserved field is not zero");
	if (h->supervisor > INT_MAX)
		bad("handoff supervisor pid %u out of range", h->supervisor);
	if (h->trigger < TRIGGER_MAIN || h->trigger > TRIGGER_READY)
		bad("handoff trigger %u unknown", h->trigger);
	if (h->flags & ~(uint32_t)(HF_IDS | HF_JSON | HF_REPORT | HF_LONE))
		bad("handoff flags 0x%x unknown", h->flags);
	if (h->ngroups > HANDOFF_MAX_GROUPS || (h->ngroups && !(h->flags & HF_IDS)))
		bad("handoff group count %u out of range", h->ngroups);
	if (h->bpf_len < 1 || h->bpf_len > 4096)
		bad("handoff BPF length %u not in 1..4096", h->bpf_len);
	if (h->flags & HF_REPORT)
		check_action(h->violation_action);
	if (h->shim_path_len < 1 || h->shim_path_len >= PATH_MAX)
		bad("handoff shim path length %u out of range", h->shim_path_len);

	parts = sizeof(*h) + 4ull * h->ngroups + (uint64_t)sizeof(struct sock_filter) * h->bpf_len +
		h->names_len + h->shim_path_len;
	total = (parts + 3) & ~3ull;
	if (total != size)
		bad("handoff parts add up to %llu bytes, the header says %u", (unsigned long long)total,
		    h->size);
	for (p = blob.b + parts; p < blob.b + size; p++)
		if (*p)
			bad("handoff padding is not zero");

	shim_ho.h = h;
	shim_ho.groups = (const uint32_t *)(blob.b + sizeof(*h));
	shim_ho.bpf = (const struct sock_filter *)(shim_ho.groups + h->ngroups);
	shim_ho.names = (const char *)(shim_ho.bpf + h->bpf_len);
	shim_ho.shim_path = shim_ho.names + h->names_len;
	check_names(shim_ho.names, h);
	/* One LD_PRELOAD entry: ld.so splits the list at spaces and colons. */
	for (uint32_t i = 0; i < h->shim_path_len; i++)
		if (!shim_ho.shim_path[i] || shim_ho.shim_path[i] == ':' || shim_ho.shim_path[i] == ' ')
			bad("handoff shim path is not one LD_PRELOAD entry");
}

/* ---- removing our traces from the environment ---- */

/*
 * /proc/PID/environ shows the bytes between the kernel's env_start and
 * env_end (the strings execve copied to the stack), not the environ array:
 * unsetenv() would leave the memfd number and our LD_PRELOAD entry readable
 * there. The bounds are fields 50 and 51 of /proc/self/stat (proc(5)).
 */
static void env_bounds(char **start, char **end)
{
	char buf[2048], *p, *e;
	unsigned long long v[2];
	ssize_t n;
	int fd;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		shim_fail(0, errno, "open /proc/self/stat");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		shim_fail(0, errno, "read /proc/self/stat");
	close(fd);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
	if (!p)
		bad("/proc/self/stat: no command name");
	p++;
	for (int field = 3; field <= 51; field++) {
		if (*p++ != ' ')
			bad("/proc/self/stat: too few fields");
		if (field < 50) {
			p += strcspn(p, " ");
			continue;
		}
		errno = 0;
		v[field - 50] = strtoull(p, &e, 10);
		if (e == p || errno)
			bad("/proc/self/stat: bad field %d", field);
		p = e;
	}
	*start = (char *)(uintptr_t)v[0];
	*end = (char *)(uintptr_t)v[1];
}

static int is_var(const char *s, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(s, name, n) && s[n] == '=';
}

/*
 * Drop our entry (every copy of it) from the LD_PRELOAD string s of length
 * len, in place; the others keep their order, joined by ':'. Returns the
 * new length, or 0 when no entry is left. Writes never pass the read
 * position, so moving left in place is safe.
 */
static int found_self; /* our entry was in LD_PRELOAD */

static size_t trim_preload(char *s, size_t len)
{
	char *v = s + sizeof("LD_PRELOAD=") - 1, *end = s + len, *o = v;

	for (char *a = v; a < end;) {
		size_t n = strcspn(a, " :");

		if (n == shim_ho.h->shim_path_len && !memcmp(a, shim_ho.shim_path, n)) {
			found_self = 1;
		} else if (n) {
			if (o != v)
				*o++ = ':';
			memmove(o, a, n);
			o += n;
		}
		a += n + 1;
	}
	return o == v ? 0 : (size_t)(o - s);
}

static char dropped; /* marks environ entries to remove */

/* Point the environ entries into the string [from, next) at to, or drop them. */
static void retarget(const char *from, const char *next, char *to, size_t len)
{
	for (char **e = environ; *e; e++) {
		uintptr_t p = (uintptr_t)*e;

		if (p < (uintptr_t)from || p >= (uintptr_t)next)
			continue;
		if (!to)
			*e = &dropped;
		else
			*e = to + (p - (uintptr_t)from < len ? p - (uintptr_t)from : len);
	}
}

/*
 * Rewrite the string area in place: the strings we keep move to its start,
 * in order, the freed tail is zeroed, and environ follows them. Children
 * inherit environ, so they see neither variable either.
 */
static void scrub_env(char **envp)
{
	char *start, *end, *r, *w, **e, **o;

	env_bounds(&start, &end);
	/* The area must be the one execve filled and environ came from. */
	if (!(start < end && end[-1] == '\0' && envp && *envp && *envp >= start && *envp < end))
		bad("cannot find the environment strings (env_start %p, env_end %p)", (void *)start,
		    (void *)end);
	for (r = w = start; r < end;) {
		size_t len = strlen(r); /* end[-1] is a NUL: stays in the area */
		char *next = r + len + 1;

		if (is_var(r, HANDOFF_ENV))
			len = 0;
		else if (is_var(r, "LD_PRELOAD"))
			len = trim_preload(r, len);
		retarget(r, next, len ? w : NULL, len);
		if (len) {
			memmove(w, r, len);
			w[len] = '\0';
			w += len + 1;
		}
		r = next;
	}
	memset(w, 0, (size_t)(end - w));
	/* Not there: harden-exec and this shim disagree about the path. */
	if (!found_self)
		bad("LD_PRELOAD does not hold the handoff's shim path %.*s", (int)shim_ho.h->shim_path_len,
		    shim_ho.shim_path);
	/* Compact environ; a copy of our variable outside the area goes too. */
	for (e = o = environ; *e; e++)
		if (*e != &dropped && !is_var(*e, HANDOFF_ENV))
			*o++ = *e;
	*o = NULL;
}

/* ---- the interposed functions ---- */

enum {
	R_START_MAIN,
	R_LISTEN,
	R_ACCEPT,
	R_ACCEPT4,
	R_POLL,
	R_POLL_CHK,
	R_PPOLL,
	R_PPOLL_CHK,
	R_SELECT,
	R_PSELECT,
	R_EPOLL_WAIT,
	R_EPOLL_PWAIT,
	R_EPOLL_PWAIT2,
	R_SIGSUSPEND,
	R_PAUSE,
	R_COUNT
};

/* clang-format off */
static const char *const real_names[R_COUNT] = {
	[R_START_MAIN] = "__libc_start_main",
	[R_LISTEN] = "listen",
	[R_ACCEPT] = "accept",
	[R_ACCEPT4] = "accept4",
	[R_POLL] = "poll",
	[R_POLL_CHK] = "__poll_chk",
	[R_PPOLL] = "ppoll",
	[R_PPOLL_CHK] = "__ppoll_chk",
	[R_SELECT] = "select",
	[R_PSELECT] = "pselect",
	[R_EPOLL_WAIT] = "epoll_wait",
	[R_EPOLL_PWAIT] = "epoll_pwait",
	[R_EPOLL_PWAIT2] = "epoll_pwait2",
	[R_SIGSUSPEND] = "sigsuspend",
	[R_PAUSE] = "pause",
};
/* clang-format on */

static void *real_fns[R_COUNT];

/*
 * The next definition after ours. Looked up by the constructor, so that no
 * lookup happens once the filter is in place; a call that comes earlier
 * (another library's constructor) looks it up itself.
 */
static void *real(int i)
{
	void *f = __atomic_load_n(&real_fns[i], __ATOMIC_ACQUIRE);

	if (!f) {
		f = dlsym(RTLD_NEXT, real_names[i]);
		__atomic_store_n(&real_fns[i], f, __ATOMIC_RELEASE);
	}
	return f;
}

static int no_real(void)
{
	errno = ENOSYS;
	return -1;
}

static int pending(void)
{
	return active && !__atomic_load_n(&applied, __ATOMIC_ACQUIRE);
}

/*
 * Apply once. Other threads reaching a trigger meanwhile wait on the lock,
 * so none of them passes the trigger point before the filter is in place.
 */
static void apply_once(void)
{
	int saved = errno;
	pid_t me;

	pthread_mutex_lock(&apply_lock);
	me = (pid_t)syscall(SYS_getpid);
	if (me != self_pid) {
		/* A vfork child or a raw clone: our memory is maybe not ours alone. */
		if (shared_pid != me) {
			late_apply(1);
			shared_pid = me;
		}
	} else if (!__atomic_load_n(&applied, __ATOMIC_RELAXED)) {
		late_apply(0);
		__atomic_store_n(&applied, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&apply_lock);
	errno = saved;
}

/*
 * A listen() returned 0. listen and ready both apply at the first wait or
 * accept after it, not at the listen: a daemon listens on several sockets
 * in a row (nginx on every address of every server block), and a filter
 * or identity applied at the first would refuse the next bind.
 */
static void at_listen(void)
{
	if (pending())
		__atomic_store_n(&listened, 1, __ATOMIC_RELEASE);
}

/* Entry to accept() or accept4(). */
static void at_accept(void)
{
	if (pending() && (trigger == TRIGGER_ACCEPT ||
			  (trigger != TRIGGER_MAIN && __atomic_load_n(&listened, __ATOMIC_ACQUIRE))))
		apply_once();
}

/* Entry to a wait: poll, select, epoll, sigsuspend or pause. */
static void at_wait(void)
{
	if (pending() && (trigger == TRIGGER_READY || trigger == TRIGGER_LISTEN) &&
	    __atomic_load_n(&listened, __ATOMIC_ACQUIRE))
		apply_once();
}

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_main_fn)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *);
static main_fn service_main;

/* By now the program's constructors have run; main() has not. */
static int late_main(int argc, char **argv, char **envp)
{
	apply_once();
	return service_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
		      void (*rtld_fini)(void), void *stack_end);

HARDEN_EXPORT int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
				    void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	start_main_fn f = (start_main_fn)real(R_START_MAIN);

	if (!f)
		bad("no __libc_start_main after libharden.so");
	if (active && trigger == TRIGGER_MAIN) {
		service_main = main;
		main = late_main;
	}
	return f(main, argc, argv, init, fini, rtld_fini, stack_end);
}

HARDEN_EXPORT int listen(int fd, int backlog)
{
	int (*f)(int, int) = (int (*)(int, int))real(R_LISTEN);
	int r;

	if (!f)
		return no_real();
	r = f(fd, backlog);
	if (r == 0)
		at_listen(); /* keeps errno */
	return r;
}

HARDEN_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *restrict len)
{
	int (*f)(int, __SOCKADDR_ARG, socklen_t *) =
	    (int (*)(int, __SOCKADDR_ARG, socklen_t *))real(R_ACCEPT);

	if (!f)
		return no_real();
	at_accept();
	return f(fd, addr, len);
}

HARDEN_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *restrict len, int flags)
{
	int (*f)(int, __SOCKADDR_ARG, socklen_t *, int) =
	    (int (*)(int, __SOCKADDR_ARG, socklen_t *, int))real(R_ACCEPT4);

	if (!f)
		return no_real();
	at_accept();
	return f(fd, addr, len, flags);
}

/*
 * poll and ppoll are defined under other C names: with _FORTIFY_SOURCE,
 * <poll.h> has inline definitions of its own for them.
 */
HARDEN_EXPORT int shim_poll(struct pollfd *fds, nfds_t n, int timeout) __asm__("poll");
HARDEN_EXPORT int shim_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
			     const sigset_t *mask) __asm__("ppoll");

HARDEN_EXPORT int shim_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	int (*f)(struct pollfd *, nfds_t, int) = (int (*)(struct pollfd *, nfds_t, int))real(R_POLL);

	if (!f)
		return no_real();
	at_wait();
	return f(fds, n, timeout);
}

/* What a program built with _FORTIFY_SOURCE calls instead of poll(). */
int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen);

HARDEN_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t fdslen)
{
	int (*f)(struct pollfd *, nfds_t, int, size_t) =
	    (int (*)(struct pollfd *, nfds_t, int, size_t))real(R_POLL_CHK);

	if (!f)
		return no_real();
	at_wait();
	return f(fds, n, timeout, fdslen);
}

HARDEN_EXPORT int shim_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
			     const sigset_t *mask)
{
	int (*f)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *) =
	    (int (*)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *))real(R_PPOLL);

	if (!f)
		return no_real();
	at_wait();
	return f(fds, n, timeout, mask);
}

int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask,
		size_t fdslen);

HARDEN_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n, const struct timespec *timeout,
			      const sigset_t *mask, size_t fdslen)
{
	int (*f)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *, size_t) = (int (*)(
	    struct pollfd *, nfds_t, const struct timespec *, const sigset_t *, size_t))real(R_PPOLL_CHK);

	if (!f)
		return no_real();
	at_wait();
	return f(fds, n, timeout, mask, fdslen);
}

HARDEN_EXPORT int select(int n, fd_set *restrict r, fd_set *restrict w, fd_set *restrict x,
			 struct timeval *restrict timeout)
{
	int (*f)(int, fd_set *, fd_set *, fd_set *, struct timeval *) =
	    (int (*)(int, fd_set *, fd_set *, fd_set *, struct timeval *))real(R_SELECT);

	if (!f)
		return no_real();
	at_wait();
	return f(n, r, w, x, timeout);
}

HARDEN_EXPORT int pselect(int n, fd_set *restrict r, fd_set *restrict w, fd_set *restrict x,
			  const struct timespec *restrict timeout, const sigset_t *restrict mask)
{
	int (*f)(int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *) = (int (*)(
	    int, fd_set *, fd_set *, fd_set *, const struct timespec *, const sigset_t *))real(R_PSELECT);

	if (!f)
		return no_real();
	at_wait();
	return f(n, r, w, x, timeout, mask);
}

HARDEN_EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	int (*f)(int, struct epoll_event *, int, int) =
	    (int (*)(int, struct epoll_event *, int, int))real(R_EPOLL_WAIT);

	if (!f)
		return no_real();
	at_wait();
	return f(epfd, ev, max, timeout);
}

HARDEN_EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout, const sigset_t *mask)
{
	int (*f)(int, struct epoll_event *, int, int, const sigset_t *) =
	    (int (*)(int, struct epoll_event *, int, int, const sigset_t *))real(R_EPOLL_PWAIT);

	if (!f)
		return no_real();
	at_wait();
	return f(epfd, ev, max, timeout, mask);
}

HARDEN_EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max, const struct timespec *timeout,
			       const sigset_t *mask)
{
	int (*f)(int, struct epoll_event *, int, const struct timespec *, const sigset_t *) = (int (*)(
	    int, struct epoll_event *, int, const struct timespec *, const sigset_t *))real(R_EPOLL_PWAIT2);

	if (!f)
		return no_real();
	at_wait();
	return f(epfd, ev, max, timeout, mask);
}

/*
 * A master process that only waits for signals once its workers run
 * (nginx's master in sigsuspend) reaches no other wait.
 */
HARDEN_EXPORT int sigsuspend(const sigset_t *mask)
{
	int (*f)(const sigset_t *) = (int (*)(const sigset_t *))real(R_SIGSUSPEND);

	if (!f)
		return no_real();
	at_wait();
	return f(mask);
}

HARDEN_EXPORT int pause(void)
{
	int (*f)(void) = (int (*)(void))real(R_PAUSE);

	if (!f)
		return no_real();
	at_wait();
	return f();
}

/* ---- fork ---- */

/* A fork while the late stage runs waits for it: the child must not inherit a held lock. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&apply_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&apply_lock);
}

/* A fork child inherits the trigger state: hardened if we were, else pending. */
static void fork_child(void)
{
	self_pid = (pid_t)syscall(SYS_getpid);
	pthread_mutex_unlock(&apply_lock);
	late_forked();
}

/* ---- the constructor ---- */

/*
 * glibc passes argc, argv and the environment to ELF constructors. Ours
 * runs before the program's own constructors and main().
 */
__attribute__((constructor)) static void shim_init(int argc, char **argv, char **envp)
{
	const char *v = getenv(HANDOFF_ENV);
	size_t size;
	int fd;

	(void)argc;
	(void)argv;
	for (int i = 0; i < R_COUNT; i++)
		real(i);
	if (!v)
		return; /* loaded without a handoff: forward only */
	/*
	 * A setuid, setgid or file-capability image runs with the caller's
	 * environment against the owner's rights (ld.so(8), "secure-execution
	 * mode"): never take orders from that environment.
	 */
	if (getauxval(AT_SECURE))
		bad("refusing to run in a secure-execution (setuid, setgid or capability) program");
	fd = parse_fd(v);
	if (fd < 3) /* 0, 1 and 2 are the service's stdio, never the handoff */
		bad("%s=\"%.20s\" is not a descriptor number above 2", HANDOFF_ENV, v);
	size = check_memfd(fd);
	read_blob(fd, size);
	check_blob(size);
	if (close(fd) < 0)
		shim_fail(0, errno, "closing the handoff memfd");
	scrub_env(envp);
	trigger = (int)shim_ho.h->trigger;
	self_pid = (pid_t)syscall(SYS_getpid);
	if (pthread_atfork(fork_prepare, fork_parent, fork_child))
		bad("pthread_atfork failed");
	active = 1;
}
