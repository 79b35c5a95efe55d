/* SPDX-License-Identifier: MIT */
/*
 * Late application, the wrapper's side. glibc runs a program even when a
 * preload fails to load, and a service may never reach its trigger, so:
 * the shim is checked before exec, targets that cannot take a preload
 * are refused, and a detached watchdog kills a service that has not
 * reached its hardened state by the deadline.
 */
#include "late.h"
#include "ns.h"
#include "../core/sysnames.h"
#include "../core/handoff.h"
#include "../core/filter.h"
#include "../core/log.h"
#include "plan.h"
#include "supervisor.h"

#include <dirent.h>
#include <linux/capability.h>
#include <elf.h>
#include <sched.h>
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

/* @n bytes at @off from what was read already (@head, @have bytes), else from the file. */
static bool read_at(int fd, const char *head, size_t have, void *buf, size_t n, off_t off)
{
	if (off >= 0 && (size_t)off + n <= have) {
		memcpy(buf, head + off, n);
		return true;
	}
	return pread(fd, buf, n, off) == (ssize_t)n;
}

/* PT_INTERP of an ELF file into @interp; "" for a static binary. */
static int elf_interp(int fd, const char *head, size_t have, char *interp, size_t len, char *why, size_t wlen,
		      const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (!read_at(fd, head, have, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph)) {
		snprintf(why, wlen, "%s: not a 64-bit ELF program or #! script", path);
		return -1;
	}
	interp[0] = '\0';
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (!read_at(fd, head, have, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))))
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

/* ---- what the late user can write ---- */

/*
 * Can (uid, gid, groups) change what this entry holds? The owner always
 * can (chmod). A directory that others may write but with the sticky bit
 * (/tmp) lets them add entries, not rename or remove ours: harmless above
 * the service's own directories, not in them (@own: the directory that
 * holds the program, or the working directory).
 */
static bool writable_by(const struct stat *st, const struct plan *pl, bool own)
{
	bool member = st->st_gid == pl->gid, w;

	for (size_t i = 0; i < pl->ngroups && !member; i++)
		member = st->st_gid == pl->groups[i];
	if (st->st_uid == pl->uid)
		return true;
	w = (st->st_mode & S_IWOTH) || (member && (st->st_mode & S_IWGRP));
	return w && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX) && !own);
}

/*
 * Folders already found safe as an ancestor (the sticky exemption allowed)
 * together with every folder above them, NUL-separated: the program's, the
 * loader's and the working directory's paths share most of theirs (/usr,
 * /), and each is checked once per start.
 */
static struct {
	char buf[4096];
	size_t len;
} safe;

static bool known_safe(const char *dir)
{
	for (size_t at = 0; at < safe.len; at += strlen(safe.buf + at) + 1)
		if (!strcmp(safe.buf + at, dir))
			return true;
	return false;
}

static void add_safe(const char *dir)
{
	size_t n = strlen(dir) + 1;

	if (safe.len + n <= sizeof(safe.buf)) {
		memcpy(safe.buf + safe.len, dir, n);
		safe.len += n;
	}
}

/*
 * Before its trigger a late service runs as root: a file the late user
 * can plant or change on its start-up path (its program, interpreter,
 * working directory, or any directory above them) runs as root at the
 * next start. The path is resolved first, so that every real component
 * is checked, not a symlink's name.
 */
static int check_start_path(const struct plan *pl, const char *what, const char *path, bool dir, char *why,
			    size_t len)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	size_t first = safe.len;

	if (!pl->ids || pl->uid == 0)
		return 0; /* no late user: nobody but root gets anything */
	/* getcwd(3)'s answer is already the physical path (no link, no "..") */
	if (dir && path[0] == '/' && strlen(path) < sizeof(real))
		memcpy(real, path, strlen(path) + 1);
	else if (!realpath(path, real)) {
		snprintf(why, len, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	for (int depth = 0;; depth++) {
		bool own = depth == 0 || (depth == 1 && !dir);

		/* Its ancestors too were checked when it was: a whole walk or none. */
		if (!own && known_safe(real))
			return 0;
		if (!own)
			add_safe(real);
		if (stat(real, &st)) {
			safe.len = first;
			snprintf(why, len, "%s: %s", real, strerror(errno));
			return -1;
		}
		if (writable_by(&st, pl, own)) {
			safe.len = first;
			snprintf(
			    why, len,
			    "%s (on the start-up path of the %s) can be changed by the late user (uid %u, "
			    "gid %u): before its trigger the service runs as root, so what that user "
			    "plants there would run as root at the next start; make it owned by root and "
			    "writable by nobody else",
			    real, what, (unsigned)pl->uid, (unsigned)pl->gid);
			return -1;
		}
		if (!strcmp(real, "/"))
			return 0;
		slash = strrchr(real, '/');
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

int late_check_start_path(const struct plan *pl, const char *program, char *why, size_t len)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd))) {
		snprintf(why, len, "getcwd: %s", strerror(errno));
		return -1;
	}
	if (check_start_path(pl, "working directory", cwd, true, why, len))
		return -1;
	return late_check_binary(pl, program, why, len);
}

int late_check_binary(const struct plan *pl, const char *path, char *why, size_t len)
{
	char head[256], interp[PATH_MAX];
	const char *base;
	ssize_t n;
	int fd, depth;

	for (depth = 0; depth < 3; depth++) {
		if (pl && check_start_path(pl, depth ? "interpreter" : "program", path, false, why, len))
			return -1;
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
		if (elf_interp(fd, head, n > 0 ? (size_t)n : 0, interp, sizeof(interp), why, len, path)) {
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
		if (pl && check_start_path(pl, "loader", interp, false, why, len))
			return -1;
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
	FILE *f;

	/* Mode 0, no filter: the common case, without reading /proc. */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0)
		return 0;
	f = fopen("/proc/self/status", "re");

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

/* What the early filter answers to one call the shim would make. */
static bool early_allows(const struct plan *pl, int nr, uint64_t arg0)
{
	struct seccomp_data d = {.nr = nr, .arch = filter_native_arch(), .args = {arg0}};
	uint32_t a;

	if (!pl->bpf)
		return true;
	a = filter_run(pl->bpf, pl->bpf_len, &d) & SECCOMP_RET_ACTION_FULL;
	return a == SCMP_ACT_ALLOW || a == SCMP_ACT_LOG;
}

/*
 * HF_LONE: the shim may ask the kernel in one call whether the service is
 * a lone thread whose memory no other process shares (unshare(CLONE_VM),
 * see shim/late.c), and then read its identity with setfsuid(-1),
 * setfsgid(-1) and capget instead of walking /proc. Only when the early
 * filter lets those calls through and no filter from before harden-exec
 * could refuse them (a kill there would end the service for a check):
 * otherwise the shim walks /proc as before.
 */
static bool lone_probe_allowed(const struct plan *pl)
{
	if (pl->expected_filters != (pl->bpf ? 1u : 0u) + 1)
		return false; /* a filter of the caller's, which we cannot read */
	return early_allows(pl, __NR_unshare, CLONE_VM) && early_allows(pl, __NR_setfsuid, (uint32_t)-1) &&
	       early_allows(pl, __NR_setfsgid, (uint32_t)-1) && early_allows(pl, __NR_capget, 0);
}

int late_handoff_create(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	size_t names_len = 0, size;
	unsigned count = 0;
	char *names = NULL, *blob, *at;
	struct handoff h = {0};
	int fd;

	/* Syscall names for reports: the shim has no libseccomp. Sized
	 * first, then filled: one allocation at every start. Without
	 * reports nothing reads them: the table stays empty. */
	for (unsigned nr = 0; nr < FILTER_NR_MAX && pl->report; nr++) {
		const char *name = sysname_name((int)nr);

		names_len += (name ? strlen(name) : 0) + 1;
	}
	names = malloc(names_len + 1);
	if (!names)
		die(EXIT_HARDEN, "out of memory");
	at = names;
	for (unsigned nr = 0; nr < FILTER_NR_MAX && pl->report; nr++) {
		const char *name = sysname_name((int)nr);
		size_t n = name ? strlen(name) : 0;

		memcpy(at, name ? name : "", n + 1);
		at += n + 1;
		count++;
	}
	memcpy(h.magic, HANDOFF_MAGIC, sizeof(h.magic));
	h.version = HANDOFF_VERSION;
	h.trigger = (uint32_t)p->apply;
	h.flags = (pl->ids ? HF_IDS : 0) | (p->log_format == LOG_JSON ? HF_JSON : 0) |
		  (pl->report ? HF_REPORT : 0) | (lone_probe_allowed(pl) ? HF_LONE : 0);
	h.uid = pl->uid;
	h.gid = pl->gid;
	h.ngroups = pl->ids ? (uint32_t)pl->ngroups : 0;
	h.bpf_len = (uint32_t)pl->late_bpf_len;
	h.violation_action = pl->violation_action;
	h.names_len = (uint32_t)names_len;
	h.names_count = count;
	h.shim_path_len = (uint32_t)strlen(pl->shim_path);
	h.expected_filters = pl->expected_filters;
	/* sup_start() forks the service from here; in a pid namespace the
	 * root of its tree is the init, pid 1 as the service sees it. */
	h.supervisor = pl->ns && pl->ns->pid ? 1 : (uint32_t)getpid();
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

/* ---- the deadline, in the supervisor ---- */

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/*
 * The hardened state of one process, thread by thread, as the shim
 * checks it at its trigger: every uid and gid, every capability set,
 * no_new_privs, seccomp mode and filter count. 1 hardened, 0 not (with
 * what is missing in @why), -1 gone (ended, or a zombie).
 */
/* Every supplementary group of a "Groups:" line is the policy's. */
static bool groups_allowed(const char *s, const struct plan *pl, unsigned *bad)
{
	for (char *e;; s = e) {
		unsigned long g = strtoul(s, &e, 10);
		bool ok = g == pl->gid;

		if (e == s)
			return true;
		for (size_t i = 0; i < pl->ngroups && !ok; i++)
			ok = g == pl->groups[i];
		if (!ok) {
			*bad = (unsigned)g;
			return false;
		}
	}
}

static int thread_hardened(const char *path, const struct plan *pl, char *why, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	bool groups_ok = true;
	unsigned badgroup = 0;
	unsigned filters = 0, mode = 0, nnp = 0, ids[2][4], seen = 0;
	unsigned long long caps[4] = {~0ull, ~0ull, ~0ull, ~0ull};
	static const char *const capkey[4] = {"CapInh:", "CapPrm:", "CapEff:", "CapAmb:"};
	char state = '?';
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	/* getline: a Groups line may be long. */
	while (getline(&line, &cap, f) > 0) {
		unsigned *v = NULL;

		if (sscanf(line, "State: %c", &state) == 1)
			continue;
		if (!strncmp(line, "Groups:", 7) && pl->ids)
			groups_ok = groups_allowed(line + 7, pl, &badgroup);
		sscanf(line, "Seccomp: %u", &mode);
		sscanf(line, "Seccomp_filters: %u", &filters);
		sscanf(line, "NoNewPrivs: %u", &nnp);
		if (!strncmp(line, "Uid:", 4))
			v = ids[0], seen |= 1;
		else if (!strncmp(line, "Gid:", 4))
			v = ids[1], seen |= 2;
		if (v && sscanf(line + 4, "%u %u %u %u", &v[0], &v[1], &v[2], &v[3]) != 4)
			seen = 0;
		for (int c = 0; c < 4; c++)
			if (!strncmp(line, capkey[c], strlen(capkey[c])))
				sscanf(line + strlen(capkey[c]), "%llx", &caps[c]);
	}
	fclose(f);
	free(line);
	if (state == 'Z' || state == 'X')
		return -1;
	if (mode != SECCOMP_MODE_FILTER || filters < pl->expected_filters) {
		snprintf(why, len, "Seccomp %u with %u filters, not 2 with %u", mode, filters,
			 pl->expected_filters);
		return 0;
	}
	if (nnp != 1) {
		snprintf(why, len, "no_new_privs is off");
		return 0;
	}
	if (!pl->ids)
		return 1;
	if (seen != 3) {
		snprintf(why, len, "Uid or Gid unreadable");
		return 0;
	}
	for (int i = 0; i < 4; i++)
		if (ids[0][i] != pl->uid || ids[1][i] != pl->gid) {
			snprintf(why, len, "uid %u/%u/%u/%u gid %u/%u/%u/%u, not %u and %u", ids[0][0],
				 ids[0][1], ids[0][2], ids[0][3], ids[1][0], ids[1][1], ids[1][2], ids[1][3],
				 (unsigned)pl->uid, (unsigned)pl->gid);
			return 0;
		}
	if (!groups_ok) {
		snprintf(why, len, "supplementary group %u is not the policy's", badgroup);
		return 0;
	}
	for (int c = 0; c < 4 && pl->uid != 0; c++)
		if (caps[c]) {
			snprintf(why, len, "%.6s %016llx", capkey[c], caps[c]);
			return 0;
		}
	return 1;
}

static int hardened(pid_t pid, const struct plan *pl, char *why, size_t len)
{
	char path[64];
	struct dirent *e;
	int all = 1, threads = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) && all) {
		int h;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/status", (int)pid, e->d_name);
		h = thread_hardened(path, pl, why, len);
		if (h < 0)
			continue; /* the thread just ended */
		threads++;
		all = h;
	}
	closedir(d);
	return threads ? all : -1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What the missing trigger is, for the deadline message. */
static const char *trigger_text(int apply)
{
	switch (apply) {
	case APPLY_MAIN:
		return "apply = main: main() was never reached (a program started without the preload?)";
	case APPLY_ACCEPT:
		return "apply = accept: no accept() or accept4() call came";
	default:
		return "apply = listen/ready: no wait (poll, select, epoll, sigsuspend) or accept came after "
		       "a "
		       "listen()";
	}
}

#define TREE_MAX 8192

static struct {
	long long end;
	unsigned long long last_sum; /* the pids of the last clean walk */
	size_t last_n;
	bool clean;
	pid_t pids[TREE_MAX];
} dl;

static void comm_of(pid_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(comm, (int)len, f))
		snprintf(comm, len, "?");
	comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* Said once per process, though a dying one may be seen in several walks. */
static bool told_before(pid_t pid)
{
	static pid_t told[256];
	static size_t ntold;

	for (size_t i = 0; i < ntold; i++)
		if (told[i] == pid)
			return true;
	if (ntold < 256)
		told[ntold++] = pid;
	return false;
}

/*
 * Kill every process of the tree that is not hardened, walking again
 * until a walk finds none: a process forked by one being killed is
 * itself not hardened, and the next walk finds it.
 */
static void deadline_kill(const struct plan *pl)
{
	char why[160], comm[32];

	for (int round = 0; round < 200; round++) {
		size_t n = sup_tree(dl.pids, TREE_MAX), left = 0;

		for (size_t i = 0; i < n; i++) {
			pid_t pid = dl.pids[i];
			int pidfd;

			if (pid == sup_ns_init() || hardened(pid, pl, why, sizeof(why)) != 0)
				continue;
			left++;
			/* Through a pidfd, checked again once held: no recycled pid is hit. */
			pidfd = pidfd_open_(pid);
			if (pidfd < 0 || hardened(pid, pl, why, sizeof(why)) != 0) {
				if (pidfd >= 0)
					close(pidfd);
				continue;
			}
			comm_of(pid, comm, sizeof(comm));
			if (!told_before(pid))
				fprintf(stderr,
					"harden-exec: deadline: pid %d (%s) did not reach its hardened state "
					"within %ums (%s; %s): killed\n",
					(int)pid, comm, pl->deadline_ms, why, trigger_text(pl->late));
			if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) && errno != ESRCH)
				die(EXIT_HARDEN, "deadline: kill pid %d: %s", (int)pid, strerror(errno));
			close(pidfd);
		}
		if (!left && n < TREE_MAX)
			return;
		usleep(2000);
	}
	sup_kill_tree(SIGKILL);
	die(EXIT_HARDEN, "deadline: processes of the service are still running after SIGKILL");
}

/*
 * Every 10 ms until the whole tree is hardened or the deadline has
 * passed. Done when two walks in a row find every process hardened and
 * the same processes: a process re-parented to the supervisor while one
 * walk ran can be missed by that walk, not by the next (it moves once).
 * Once all are hardened nothing unhardened can appear: a fork inherits the
 * filter and the identity, and no_new_privs keeps any exec from gaining.
 */
static int deadline_tick(void *arg)
{
	const struct plan *pl = arg;
	char why[160];
	size_t n = sup_tree(dl.pids, TREE_MAX);
	unsigned long long sum = 0;
	bool all = n < TREE_MAX;

	/* A pid namespace's init is harden-exec's, not the service's: it
	 * stays as it is (and is killed from here with the tree if need be). */
	for (size_t i = 0; i < n && all; i++) {
		if (dl.pids[i] != sup_ns_init() && hardened(dl.pids[i], pl, why, sizeof(why)) == 0)
			all = false;
		sum += (unsigned long long)dl.pids[i] * 2654435761u;
	}
	if (all) {
		if (dl.clean && dl.last_sum == sum && dl.last_n == n) {
			log_event("deadline", "every process of the service (%zu) reached its hardened state",
				  n);
			return 0;
		}
		dl.clean = true;
		dl.last_sum = sum;
		dl.last_n = n;
		return 1;
	}
	dl.clean = false;
	if (now_ms() < dl.end)
		return 1;
	deadline_kill(pl);
	sup_mark_failed("the late deadline killed processes of the service");
	return 0;
}

static void deadline_started(pid_t service, void *arg)
{
	const struct plan *pl = arg;

	(void)service;
	dl.end = now_ms() + pl->deadline_ms;
}

void late_supervise(struct plan *pl)
{
	sup_require("the late deadline");
	sup_hook(&(struct sup_hook){.name = "late deadline",
				    .arg = pl,
				    .started = deadline_started,
				    .tick = deadline_tick,
				    .period_ms = 10,
				    .fd = -1});
}
