/* SPDX-License-Identifier: MIT */
/*
 * Late application, the wrapper's side. glibc runs a program even when a
 * preload fails to load, and a service may never reach its trigger, so:
 * the shim is checked before exec, targets that cannot take a preload
 * are refused, and a detached watchdog kills a service that has not
 * reached its hardened state by the deadline.
 */
#include "late.h"
#include "../core/sysnames.h"
#include "../core/handoff.h"
#include "../core/log.h"
#include "plan.h"

#include <dirent.h>
#include <linux/capability.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *late_find_shim(char *why, size_t len)
{
	static char path[PATH_MAX + 64];
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n < 0) {
		snprintf(why, len, "cannot find libharden.so: /proc/self/exe: %s", strerror(errno));
		return NULL;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/libharden.so", exe);
	if (!stat(path, &st))
		return path;
	snprintf(path, sizeof(path), "%s/../lib/harden-exec/libharden.so", exe);
	if (!stat(path, &st))
		return path;
	snprintf(why, len, "libharden.so is neither beside %s/harden-exec nor in %s/../lib/harden-exec", exe,
		 exe);
	return NULL;
}

int late_check_shim(const char *path, char *why, size_t len)
{
	struct stat st;
	int fd;

	/* LD_PRELOAD splits at ':' and blank space. */
	if (strpbrk(path, ": \t")) {
		snprintf(why, len, "%s: a preload path cannot hold ':' or blank space", path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != getuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(why, len,
			 "%s: must be a regular file owned by root, not writable by group or others", path);
		return -1;
	}
	return 0;
}

/* PT_INTERP of an ELF file into @interp; "" for a static binary. */
static int elf_interp(int fd, char *interp, size_t len, char *why, size_t wlen, const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph)) {
		snprintf(why, wlen, "%s: not a 64-bit ELF program or #! script", path);
		return -1;
	}
	interp[0] = '\0';
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			break;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz >= len ||
		    pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
			break;
		interp[ph.p_filesz] = '\0';
		return 0;
	}
	return 0;
}

int late_check_binary(const char *path, char *why, size_t len)
{
	char head[256], interp[PATH_MAX];
	const char *base;
	ssize_t n;
	int fd, depth;

	for (depth = 0; depth < 3; depth++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(why, len, "%s: %s", path, strerror(errno));
			return -1;
		}
		n = pread(fd, head, sizeof(head) - 1, 0);
		if (n >= 2 && head[0] == '#' && head[1] == '!') {
			/* The kernel runs the interpreter: that takes the preload. */
			char *s = head + 2, *e;

			head[n] = '\0';
			s += strspn(s, " \t");
			e = s + strcspn(s, " \t\n");
			*e = '\0';
			close(fd);
			snprintf(interp, sizeof(interp), "%s", s);
			path = interp;
			base = strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp;
			/* A shell or env(1) would take the preload and then exec
			 * the real service without it. */
			if (!strcmp(base, "sh") || !strcmp(base, "bash") || !strcmp(base, "dash") ||
			    !strcmp(base, "zsh") || !strcmp(base, "ksh") || !strcmp(base, "env")) {
				snprintf(why, len,
					 "the command is a #! script for %s, which would start the service "
					 "without "
					 "the preload: name the service's own program",
					 interp);
				return -1;
			}
			continue;
		}
		if (elf_interp(fd, interp, sizeof(interp), why, len, path)) {
			close(fd);
			return -1;
		}
		close(fd);
		if (!interp[0]) {
			snprintf(why, len,
				 "%s is statically linked: no preload can run in it (use apply = exec)",
				 path);
			return -1;
		}
		base = strrchr(interp, '/') ? strrchr(interp, '/') + 1 : interp;
		if (strncmp(base, "ld-linux", 8)) {
			snprintf(why, len,
				 "%s uses %s, not glibc's loader: the preload is untested there (use apply = "
				 "exec)",
				 path, interp);
			return -1;
		}
		return 0;
	}
	snprintf(why, len, "%s: #! interpreters nested too deep", path);
	return -1;
}

unsigned late_current_filters(void)
{
	char line[256];
	unsigned n = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %u", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* ---- the blob ---- */

static void put(char **at, const void *src, size_t n)
{
	memcpy(*at, src, n);
	*at += n;
}

int late_handoff_create(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	size_t names_len = 0, size;
	unsigned count = 0;
	char *names = NULL, *blob, *at;
	struct handoff h = {0};
	int fd;

	/* Syscall names for reports: the shim has no libseccomp. */
	for (unsigned nr = 0; nr < FILTER_NR_MAX; nr++) {
		const char *name = sysname_name((int)nr);
		size_t n = name ? strlen(name) : 0;

		names = realloc(names, names_len + n + 1);
		if (!names)
			die(EXIT_HARDEN, "out of memory");
		memcpy(names + names_len, name ? name : "", n + 1);
		names_len += n + 1;
		count++;
	}
	memcpy(h.magic, HANDOFF_MAGIC, sizeof(h.magic));
	h.version = HANDOFF_VERSION;
	h.trigger = (uint32_t)p->apply;
	h.flags =
	    (pl->ids ? HF_IDS : 0) | (p->log_format == LOG_JSON ? HF_JSON : 0) | (pl->report ? HF_REPORT : 0);
	h.uid = pl->uid;
	h.gid = pl->gid;
	h.ngroups = pl->ids ? (uint32_t)pl->ngroups : 0;
	h.bpf_len = (uint32_t)pl->late_bpf_len;
	h.violation_action = pl->violation_action;
	h.names_len = (uint32_t)names_len;
	h.names_count = count;
	h.shim_path_len = (uint32_t)strlen(pl->shim_path);
	h.expected_filters = pl->expected_filters;
	size =
	    sizeof(h) + h.ngroups * 4 + h.bpf_len * sizeof(struct sock_filter) + names_len + h.shim_path_len;
	size = (size + 3) & ~(size_t)3;
	h.size = (uint32_t)size;
	if (size > HANDOFF_MAX_SIZE)
		die(EXIT_HARDEN, "late: the handoff would be %zu bytes, more than %d", size,
		    HANDOFF_MAX_SIZE);

	blob = calloc(1, size);
	if (!blob)
		die(EXIT_HARDEN, "out of memory");
	at = blob;
	put(&at, &h, sizeof(h));
	for (uint32_t i = 0; i < h.ngroups; i++) {
		uint32_t g = pl->groups[i];

		put(&at, &g, 4);
	}
	put(&at, pl->late_bpf, h.bpf_len * sizeof(struct sock_filter));
	put(&at, names, names_len);
	put(&at, pl->shim_path, h.shim_path_len);

	/* Sealed: once written, neither the service nor anyone holding the
	 * descriptor can change what the shim will apply (memfd_create(2)). */
	fd = memfd_create(HANDOFF_MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || write(fd, blob, size) != (ssize_t)size ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL))
		die(EXIT_HARDEN, "late: sealed handoff: %s", strerror(errno));
	free(blob);
	free(names);
	return fd;
}

/* ---- the watchdog ---- */

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Every thread of @pid hardened? 1 yes, 0 not yet, -1 unreadable. */
static int hardened(pid_t pid, const struct plan *pl)
{
	char path[64], line[256];
	struct dirent *e;
	int all = 1, threads = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) && all) {
		unsigned filters = 0, mode = 0, uid = ~0u;
		unsigned long long capeff = ~0ull;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/status", (int)pid, e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue; /* the thread just ended */
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "Seccomp: %u", &mode);
			sscanf(line, "Seccomp_filters: %u", &filters);
			sscanf(line, "Uid: %*u %u", &uid);
			sscanf(line, "CapEff: %llx", &capeff);
		}
		fclose(f);
		threads++;
		if (mode != SECCOMP_MODE_FILTER || filters < pl->expected_filters)
			all = 0;
		if (pl->ids && (uid != pl->uid || (pl->uid != 0 && capeff != 0)))
			all = 0;
	}
	closedir(d);
	return all && threads > 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static _Noreturn void watchdog(const struct plan *pl, pid_t pid, int pidfd)
{
	long long end = now_ms() + pl->deadline_ms;
	struct pollfd pfd = {pidfd, POLLIN, 0};

	for (;;) {
		int h = hardened(pid, pl);

		/* The pid can be reused only after the service has exited and
		 * been reaped: if the pidfd says it still runs, the status we
		 * just read was the service's. */
		if (poll(&pfd, 1, 0) != 0)
			_exit(0);
		if (h == 1) {
			log_event("watchdog", "pid %d reached its hardened state", (int)pid);
			_exit(0);
		}
		if (now_ms() >= end)
			break;
		poll(&pfd, 1, 10);
	}
	/* Said before the kill, so that it comes before the service's end. */
	fprintf(stderr,
		"harden-exec: watchdog: pid %d did not reach its hardened state within %ums: killed\n",
		(int)pid, pl->deadline_ms);
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) && errno != ESRCH)
		die(EXIT_HARDEN, "watchdog: kill pid %d: %s", (int)pid, strerror(errno));
	/* The kernel may drop the signal (a pid namespace's init): check. */
	if (poll(&pfd, 1, 2000) != 1)
		die(EXIT_HARDEN, "watchdog: pid %d is still running after SIGKILL", (int)pid);
	_exit(0);
}

/*
 * Forked twice so that it is nobody's child but init's (or a subreaper's):
 * the service, which takes this process's place by exec, never sees a
 * child it did not start. It holds a pidfd of the service, so its kill
 * cannot hit a recycled pid.
 */
void late_watchdog_start(const struct plan *pl)
{
	pid_t self = getpid(), child;
	int pidfd = pidfd_open_(self), status;

	if (pidfd < 0)
		die(EXIT_HARDEN, "late: pidfd_open: %s%s", strerror(errno),
		    errno == ENOSYS ? " (a kernel of 5.3 or later is needed)" : "");
	child = fork();
	if (child < 0)
		die(EXIT_HARDEN, "late: fork the watchdog: %s", strerror(errno));
	if (child == 0) {
		pid_t grandchild = fork();

		if (grandchild != 0)
			_exit(grandchild < 0 ? EXIT_HARDEN : 0);
		setsid();
		/* Only the pidfd, stderr and the log stay open. */
		for (size_t i = 0; i < pl->nkeep; i++)
			close(pl->keep_fds[i]);
		if (pl->handoff_fd >= 0)
			close(pl->handoff_fd);
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			if (null > 2)
				close(null);
		}
		prctl(PR_SET_NAME, "harden-watchdog", 0, 0, 0);
		/* It needs nothing but the right to kill the service. */
		struct __user_cap_header_struct ch = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct cd[2] = {{1u << CAP_KILL, 1u << CAP_KILL, 0}, {0, 0, 0}};

		(void)syscall(SYS_capset, &ch, cd); /* fails harmlessly when unprivileged */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		watchdog(pl, self, pidfd);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		die(EXIT_HARDEN, "late: the watchdog did not start");
	close(pidfd);
}
