/* SPDX-License-Identifier: MIT */
/*
 * [cgroup] (see cgroup.h and harden-exec.ini(5)).
 *
 * Where the limits go. For each controller a key needs (memory, cpu,
 * pids), the service's current group in that controller's hierarchy is
 * read from /proc/self/cgroup and the mount from /proc/self/mountinfo:
 * cgroup v2 when the controller is listed in the current v2 group's
 * cgroup.controllers, the controller's v1 hierarchy otherwise, an error
 * when neither has it. In each hierarchy used, a child group
 * harden-exec.<supervisor pid> is made and its limits are written and
 * read back before the service runs anything of its own. A v2 group is
 * made by harden-exec before the supervisor's fork, and the service is
 * born in it (clone3 CLONE_INTO_CGROUP, supervisor.c); v1 groups are made
 * by the service's process at step 3, which moves itself in by writing
 * "0" to tasks. Either way the kernel's global threadgroup lock, which
 * a write of a pid to cgroup.procs takes and which waits for an RCU grace
 * period (1 to 15 ms measured on this machine), is never taken.
 *
 * Groups that hold no limit but serve the supervisor: the group that
 * kills the whole tree at once: v2's cgroup.kill when cgroup v2 is
 * mounted (also on a hybrid machine whose controllers are all on v1),
 * else the v1 freezer (freeze, SIGKILL each member, thaw: a frozen fork
 * bomb cannot outrun the kill), else repeated SIGKILL of cgroup.procs
 * until it is empty. And when cpu is limited, the group whose own
 * account gives the CPU the service used: the v2 group's cpu.stat, which
 * cgroup v2 keeps for every group with or without the cpu controller,
 * else (no v2) a group in the v1 cpuacct hierarchy.
 *
 * Every group is made and written as root, before the identity change,
 * so the service cannot change its own limits afterwards (the files
 * belong to root). The supervisor, which stays in the original groups,
 * removes them.
 */
#include "cgroup.h"
#include "../core/readfile.h"
#include "../core/log.h"
#include "plan.h"
#include "policy.h"
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { C_MEMORY, C_CPU, C_PIDS, C_CPUACCT, C_FREEZER, C_NCTL };
static const char *const ctl_name[C_NCTL] = {"memory", "cpu", "pids", "cpuacct", "freezer"};

#define CG_PATH	   512
#define MAX_DIRS   6
#define MAX_WRITES 10
#define CG_TABLE   16384 /* /proc/PID/cgroup */

struct cg_dir {
	bool v2;
	int lookup; /* v1: a controller naming the hierarchy in /proc/PID/cgroup */
	char mount[CG_PATH], mroot[CG_PATH];
	char parent[CG_PATH]; /* the service's group in this hierarchy */
	char path[CG_PATH];   /* the group made for it */
	unsigned ctls;	      /* the controllers it limits (1 << C_*) */
	const struct origin *at;
	const char *key;
	bool early; /* made by harden-exec before the fork (v2: born in it) */
};

struct cg_write {
	int dir;
	const char *key; /* the policy's key */
	const struct origin *at;
	char file[40];
	char value[48];
	unsigned long long expect; /* read back as a number, or */
	bool text;		   /* as the text written (v2 cpu.max) */
};

struct mounts {
	char v1[C_NCTL][CG_PATH], v1root[C_NCTL][CG_PATH];
	char v2[CG_PATH], v2root[CG_PATH];
	char self[CG_TABLE];   /* /proc/self/cgroup, read once */
	char v2group[CG_PATH]; /* our v2 group, "" when none */
	char v2ctls[256];      /* its cgroup.controllers */
};

static struct {
	struct cg_dir dir[MAX_DIRS];
	size_t ndir;
	struct cg_write w[MAX_WRITES];
	size_t nw;
	int ctl_dir[C_NCTL];
	int kill_dir; /* -1: kill the members one by one */
	pid_t owner;  /* harden-exec before the fork, the supervisor after */
} cg;

bool cgroup_wanted(const struct policy *p)
{
	return p->cg_memory_max_at.file || p->cg_memory_high_at.file || p->cg_memory_swap_max_at.file ||
	       p->cg_cpu_quota_at.file || p->cg_cpu_weight_at.file || p->cg_pids_max_at.file;
}

/* ---- reading the kernel's tables ---- */

static void copy(char *dst, const char *src)
{
	snprintf(dst, CG_PATH, "%s", src);
}

/*
 * A process's /proc/PID/cgroup, read once into @buf: each read of it
 * walks every hierarchy under the kernel's css_set lock (measured 35 to
 * 55 us here, and a plan asked up to a dozen times). Returns 0 or -1.
 */
static int read_table(const char *proc, char *buf, size_t len)
{
	ssize_t n = read_small(proc, buf, len);

	return n < 0 || (size_t)n == len - 1 ? -1 : 0;
}

/*
 * The group of a process in one hierarchy (@ctl NULL: v2), from its
 * /proc/PID/cgroup @table, as a path under @mount whose root is @mroot.
 * Returns 0, or -1 when the process is in no group of it or its group
 * lies outside the mount.
 */
static int group_of(const char *table, const char *ctl, const char *mount, const char *mroot, char *out)
{
	size_t rl = strlen(mroot);

	for (const char *l = table; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
		char line[CG_PATH + 128], *c1, *c2, *path;
		bool match = false;

		/* Longer than any group path we can use: not ours to match. */
		if (strcspn(l, "\n") >= sizeof(line))
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(l, "\n"), l);
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		path = c2 + 1;
		if (!ctl)
			match = !strcmp(line, "0") && c2 == c1 + 1;
		else
			for (char *save, *o = strtok_r(c1 + 1, ",", &save); o && !match;
			     o = strtok_r(NULL, ",", &save))
				match = !strcmp(o, ctl);
		if (!match)
			continue;
		/* A mount of a subtree (a container's view) shows paths below its root. */
		if (strcmp(mroot, "/")) {
			if (strncmp(path, mroot, rl) || (path[rl] && path[rl] != '/'))
				return -1;
			path += rl;
		}
		return snprintf(out, CG_PATH, "%s%s", mount, strcmp(path, "/") ? path : "") < CG_PATH ? 0
												      : -1;
	}
	return -1;
}

/* Does @text hold @word among its blank-separated words? */
static bool has_word(const char *text, const char *word)
{
	size_t wl = strlen(word);

	for (const char *t = text; *t; t += strcspn(t, " \n"), t += strspn(t, " \n"))
		if (!strncmp(t, word, wl) && strchr(" \n", t[wl]))
			return true;
	return false;
}

static int read_text(const char *path, char *buf, size_t len)
{
	if (read_small(path, buf, len) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A number as cgroup files show it; "max" is ULLONG_MAX. */
static int parse_num(const char *buf, unsigned long long *v)
{
	char *end;

	if (!strcmp(buf, "max")) {
		*v = ULLONG_MAX;
		return 0;
	}
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf ? -1 : 0;
}

static int read_num(const char *path, unsigned long long *v)
{
	char buf[64];

	return read_text(path, buf, sizeof(buf)) ? -1 : parse_num(buf, v);
}

/* The value of "KEY N" in a flat-keyed file (memory.events, cpu.stat), 0 if absent. */
static unsigned long long keyed(const char *dir, const char *file, const char *key)
{
	char path[CG_PATH + 48], buf[4096];
	size_t kl = strlen(key);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ' ')
			return strtoull(l + kl + 1, NULL, 10);
	return 0;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void find_mounts(struct mounts *m)
{
	static char mbuf[1 << 16];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	memset(m, 0, sizeof(*m));
	if (!f)
		die(EXIT_HARDEN, "cgroup: /proc/self/mountinfo: %s", strerror(errno));
	/* The kernel formats the table anew at each read: one large read
	 * instead of stdio's 1 KiB ones (about 30 us less here). */
	setvbuf(f, mbuf, _IOFBF, sizeof(mbuf));
	while (getline(&line, &cap, f) > 0) {
		char root[CG_PATH], mnt[CG_PATH], type[32], opts[1024], *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", root, mnt) != 2 ||
		    sscanf(dash + 3, "%31s %*s %1023s", type, opts) != 2)
			continue;
		if (!strcmp(type, "cgroup2") && !m->v2[0]) {
			copy(m->v2, mnt);
			copy(m->v2root, root);
		}
		if (strcmp(type, "cgroup"))
			continue;
		for (char *save, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
			for (int c = 0; c < C_NCTL; c++)
				if (!strcmp(o, ctl_name[c]) && !m->v1[c][0]) {
					copy(m->v1[c], mnt);
					copy(m->v1root[c], root);
				}
	}
	free(line);
	fclose(f);
	/* Where we are, in every hierarchy, and what our v2 group offers. */
	errno = 0;
	if (read_table("/proc/self/cgroup", m->self, sizeof(m->self)))
		die(EXIT_HARDEN, "cgroup: /proc/self/cgroup: %s", errno ? strerror(errno) : "too long");
	if (m->v2[0] && !group_of(m->self, NULL, m->v2, m->v2root, m->v2group)) {
		char file[CG_PATH + 32];

		snprintf(file, sizeof(file), "%s/cgroup.controllers", m->v2group);
		if (read_text(file, m->v2ctls, sizeof(m->v2ctls)))
			m->v2ctls[0] = '\0';
	}
}

/* ---- plan ---- */

static int use_dir(bool v2, int lookup, const char *mount, const char *mroot, const char *parent, int c,
		   const struct origin *at, const char *key)
{
	struct cg_dir *d;

	for (size_t i = 0; i < cg.ndir; i++)
		if (!strcmp(cg.dir[i].parent, parent)) {
			cg.dir[i].ctls |= c >= 0 ? 1u << c : 0;
			return (int)i;
		}
	d = &cg.dir[cg.ndir];
	*d = (struct cg_dir){.v2 = v2, .lookup = lookup, .ctls = c >= 0 ? 1u << c : 0, .at = at, .key = key};
	copy(d->mount, mount);
	copy(d->mroot, mroot);
	copy(d->parent, parent);
	if (snprintf(d->path, CG_PATH, "%s/harden-exec.%d", parent, (int)getpid()) >= CG_PATH)
		die(EXIT_HARDEN, "%scgroup: %s: path too long", where(at), parent);
	return (int)cg.ndir++;
}

/* The hierarchy for controller @c: v2 where enabled, else v1; -1 when
 * neither (an error when @key needs it). */
static int place(const struct mounts *m, int c, const struct origin *at, const char *key)
{
	char base[CG_PATH], file[CG_PATH + 32] = "";

	if (m->v2group[0]) {
		snprintf(file, sizeof(file), "%s/cgroup.controllers", m->v2group);
		if (has_word(m->v2ctls, ctl_name[c]))
			return cg.ctl_dir[c] = use_dir(true, -1, m->v2, m->v2root, m->v2group, c, at, key);
	}
	if (m->v1[c][0] && !group_of(m->self, ctl_name[c], m->v1[c], m->v1root[c], base))
		return cg.ctl_dir[c] = use_dir(false, c, m->v1[c], m->v1root[c], base, c, at, key);
	if (!key)
		return -1;
	die(EXIT_HARDEN,
	    "%s[cgroup] %s: the %s controller is not available: %s%s, and no cgroup v1 hierarchy of it is "
	    "mounted",
	    where(at), key, ctl_name[c], file[0] ? "not enabled in " : "no cgroup v2 group",
	    file[0] ? file : "");
}

static void add_write(int c, const char *key, const struct origin *at, const char *file,
		      unsigned long long value, unsigned long long expect)
{
	struct cg_write *w = &cg.w[cg.nw++];

	*w = (struct cg_write){.dir = cg.ctl_dir[c], .key = key, .at = at, .expect = expect};
	snprintf(w->file, sizeof(w->file), "%s", file);
	snprintf(w->value, sizeof(w->value), "%llu", value);
}

static void plan_memory(const struct mounts *m, const struct policy *p)
{
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
	const struct origin *at = p->cg_memory_max_at.file    ? &p->cg_memory_max_at
				  : p->cg_memory_high_at.file ? &p->cg_memory_high_at
							      : &p->cg_memory_swap_max_at;
	const char *key = p->cg_memory_max_at.file    ? "memory_max"
			  : p->cg_memory_high_at.file ? "memory_high"
						      : "memory_swap_max";
	bool v2;

	if (!at->file)
		return;
	v2 = cg.dir[place(m, C_MEMORY, at, key)].v2;
	/* The kernel keeps whole pages, rounded down. */
	if (p->cg_memory_max_at.file)
		add_write(C_MEMORY, "memory_max", &p->cg_memory_max_at,
			  v2 ? "memory.max" : "memory.limit_in_bytes", p->cg_memory_max,
			  p->cg_memory_max / page * page);
	/* v1 has no throttling threshold: its soft limit is the nearest, a
	 * target the kernel reclaims the group down to under memory pressure. */
	if (p->cg_memory_high_at.file)
		add_write(C_MEMORY, "memory_high", &p->cg_memory_high_at,
			  v2 ? "memory.high" : "memory.soft_limit_in_bytes", p->cg_memory_high,
			  p->cg_memory_high / page * page);
	if (!p->cg_memory_swap_max_at.file)
		return;
	if (v2) {
		add_write(C_MEMORY, "memory_swap_max", &p->cg_memory_swap_max_at, "memory.swap.max",
			  p->cg_memory_swap_max, p->cg_memory_swap_max / page * page);
		return;
	}
	/* v1 bounds memory plus swap together. */
	if (!p->cg_memory_max_at.file)
		die(EXIT_HARDEN,
		    "%s[cgroup] memory_swap_max: needs memory_max on cgroup v1 (memory.memsw.limit_in_bytes "
		    "bounds memory and swap together)",
		    where(&p->cg_memory_swap_max_at));
	{
		char file[CG_PATH + 40];
		unsigned long long both = (p->cg_memory_max + p->cg_memory_swap_max) / page * page;

		snprintf(file, sizeof(file), "%s/memory.memsw.limit_in_bytes",
			 cg.dir[cg.ctl_dir[C_MEMORY]].parent);
		if (access(file, F_OK))
			die(EXIT_HARDEN,
			    "%s[cgroup] memory_swap_max: swap accounting is off in the memory controller "
			    "(%s: %s; "
			    "the kernel needs swapaccount=1)",
			    where(&p->cg_memory_swap_max_at), file, strerror(errno));
		add_write(C_MEMORY, "memory_swap_max", &p->cg_memory_swap_max_at,
			  "memory.memsw.limit_in_bytes", p->cg_memory_max + p->cg_memory_swap_max, both);
	}
}

/* cgroup v2's weight (1..10000, default 100) as v1's shares (2..262144,
 * default 1024): shares = weight * 1024 / 100, within the v1 range. */
static unsigned long long shares_of(unsigned weight)
{
	unsigned long long s = (unsigned long long)weight * 1024 / 100;

	return s < 2 ? 2 : s > 262144 ? 262144 : s;
}

static void plan_cpu(const struct mounts *m, const struct policy *p)
{
	const struct origin *at = p->cg_cpu_quota_at.file ? &p->cg_cpu_quota_at : &p->cg_cpu_weight_at;
	const char *key = p->cg_cpu_quota_at.file ? "cpu_max" : "cpu_weight";

	if (!at->file)
		return;
	if (cg.dir[place(m, C_CPU, at, key)].v2) {
		if (p->cg_cpu_quota_at.file) {
			struct cg_write *w = &cg.w[cg.nw++];

			*w = (struct cg_write){.dir = cg.ctl_dir[C_CPU], .key = key, .at = at, .text = true};
			snprintf(w->file, sizeof(w->file), "cpu.max");
			snprintf(w->value, sizeof(w->value), "%llu %llu", (unsigned long long)p->cg_cpu_quota,
				 (unsigned long long)p->cg_cpu_period);
		}
		if (p->cg_cpu_weight_at.file)
			add_write(C_CPU, "cpu_weight", &p->cg_cpu_weight_at, "cpu.weight", p->cg_cpu_weight,
				  p->cg_cpu_weight);
		return;
	}
	if (p->cg_cpu_quota_at.file) {
		/* The period first: the kernel checks the quota against it. */
		add_write(C_CPU, "cpu_max", at, "cpu.cfs_period_us", p->cg_cpu_period, p->cg_cpu_period);
		add_write(C_CPU, "cpu_max", at, "cpu.cfs_quota_us", p->cg_cpu_quota, p->cg_cpu_quota);
	}
	if (p->cg_cpu_weight_at.file)
		add_write(C_CPU, "cpu_weight", &p->cg_cpu_weight_at, "cpu.shares",
			  shares_of(p->cg_cpu_weight), shares_of(p->cg_cpu_weight));
}

static void cg_kill(void *arg);
static void cg_finished(int status, void *arg);
static int cg_prefork(void *arg);

void cgroup_plan(struct plan *pl, const struct policy *p)
{
	static struct mounts m; /* 22 KiB: not on the stack */
	bool v1 = false;

	memset(&cg, 0, sizeof(cg));
	for (int c = 0; c < C_NCTL; c++)
		cg.ctl_dir[c] = -1;
	cg.kill_dir = -1;
	cg.owner = getpid();
	if (!cgroup_wanted(p))
		return;
	find_mounts(&m);
	plan_memory(&m, p);
	plan_cpu(&m, p);
	if (p->cg_pids_max_at.file) {
		place(&m, C_PIDS, &p->cg_pids_max_at, "pids_max");
		add_write(C_PIDS, "pids_max", &p->cg_pids_max_at, "pids.max", p->cg_pids_max, p->cg_pids_max);
	}
	for (size_t i = 0; i < cg.ndir; i++)
		v1 |= !cg.dir[i].v2;
	/* The group that kills the tree at once (see the top of this file). */
	if (m.v2group[0])
		cg.kill_dir = use_dir(true, -1, m.v2, m.v2root, m.v2group, -1, cg.dir[0].at, NULL);
	else if (v1)
		cg.kill_dir = place(&m, C_FREEZER, cg.dir[0].at, NULL);
	/* The CPU used, for the exit report, from a group's own account: the
	 * v2 group's cpu.stat; without v2, v1 keeps it in cpuacct (a group
	 * more to make, join and remove: about 0.1 ms of the start). */
	if (cg.ctl_dir[C_CPU] >= 0 && !cg.dir[cg.ctl_dir[C_CPU]].v2 && !m.v2group[0])
		place(&m, C_CPUACCT, cg.dir[cg.ctl_dir[C_CPU]].at, NULL);
	if (pl->dry)
		return;
	sup_require("the cgroup");
	sup_hook(&(struct sup_hook){
	    .name = "cgroup", .kill = cg_kill, .finished = cg_finished, .prefork = cg_prefork, .fd = -1});
}

/* ---- apply: step 3, in the service's process ---- */

static _Noreturn void cg_fail(const struct cg_dir *d, const char *key, const struct origin *at, int err,
			      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static _Noreturn void cg_fail(const struct cg_dir *d, const char *key, const struct origin *at, int err,
			      const char *fmt, ...)
{
	char what[CG_PATH * 2], ctls[64] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* Before the fork no supervisor will remove the early group. */
	if (getpid() == cg.owner)
		for (size_t i = 0; i < cg.ndir; i++)
			if (cg.dir[i].early)
				(void)rmdir(cg.dir[i].path);
	for (int c = 0; c < C_NCTL; c++)
		if (d->ctls & (1u << c))
			snprintf(ctls + strlen(ctls), sizeof(ctls) - strlen(ctls), "%s%s", ctls[0] ? "," : "",
				 ctl_name[c]);
	die(EXIT_HARDEN, "cgroup: %s%s%s%s%s (cgroup %s): %s: %s%s", where(at), key ? "[cgroup] " : "",
	    key ? key : "", key ? ": " : "",
	    ctls[0] ? ctls
	    : d->v2 ? "cgroup.kill"
		    : "freezer/cpuacct",
	    d->v2 ? "v2" : "v1", what, strerror(err),
	    err == EACCES || err == EPERM || err == EROFS ? " (hint: harden-exec needs to write beneath the "
							    "service's group; under systemd give the unit "
							    "Delegate=yes)"
							  : "");
}

static void make_dir(struct cg_dir *d)
{
	/* A group of a supervisor that was killed outright, with our pid. */
	if (mkdir(d->path, 0755) && (errno != EEXIST || rmdir(d->path) || mkdir(d->path, 0755)))
		cg_fail(d, d->key, d->at, errno, "create %s", d->path);
	if (!d->v2)
		return;
	/* A v2 child has the controllers its parent's subtree_control enables. */
	for (int c = 0; c < C_NCTL; c++) {
		char file[CG_PATH + 32], plus[16], on[256];

		if (!(d->ctls & (1u << c)))
			continue;
		snprintf(file, sizeof(file), "%s/cgroup.subtree_control", d->parent);
		snprintf(plus, sizeof(plus), "+%s", ctl_name[c]);
		if (read_text(file, on, sizeof(on)))
			on[0] = '\0';
		if (!has_word(on, ctl_name[c]) && write_text(file, plus))
			cg_fail(
			    d, d->key, d->at, errno,
			    "enable %s in %s (cgroup v2 enables a controller for children only in a group "
			    "without processes of its own, or in the root)",
			    ctl_name[c], file);
	}
}

/* Read back through the descriptor written to: the kernel formats the
 * file anew for a read at offset 0 (one open instead of two). */
static int read_back(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void write_limit(const struct cg_write *w)
{
	const struct cg_dir *d = &cg.dir[w->dir];
	char path[CG_PATH + 48], back[64];
	unsigned long long v = 0;
	size_t len = strlen(w->value);
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", d->path, w->file);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || write(fd, w->value, len) != (ssize_t)len) {
		err = errno;
		if (fd >= 0)
			close(fd);
		cg_fail(d, w->key, w->at, err, "write %s to %s", w->value, path);
	}
	/* Read back: the kernel rounds, and may ignore what it cannot hold. */
	err = read_back(fd, back, sizeof(back)) ? errno : 0;
	close(fd);
	if (err)
		cg_fail(d, w->key, w->at, err, "read back %s", path);
	if (w->text ? strcmp(back, w->value) : parse_num(back, &v) || v != w->expect)
		cg_fail(d, w->key, w->at, EIO, "%s reads back other than %s", path,
			w->text ? w->value : (snprintf(back, sizeof(back), "%llu", w->expect), back));
}

/* Make the groups of one kind (v2 or v1) and write their limits. */
static void make_groups(bool v2)
{
	for (size_t i = 0; i < cg.ndir; i++)
		if (cg.dir[i].v2 == v2 && !cg.dir[i].early)
			make_dir(&cg.dir[i]);
	for (size_t i = 0; i < cg.nw; i++)
		if (cg.dir[cg.w[i].dir].v2 == v2 && !cg.dir[cg.w[i].dir].early)
			write_limit(&cg.w[i]);
}

/*
 * In harden-exec before the fork: the v2 group, with its limits, for the
 * service to be born in (supervisor.c, fork_into). Returns its descriptor.
 */
static int cg_prefork(void *arg)
{
	int fd;

	(void)arg;
	for (size_t i = 0; i < cg.ndir; i++) {
		struct cg_dir *d = &cg.dir[i];

		if (!d->v2)
			continue;
		make_dir(d);
		d->early = true; /* from here a failure removes it (cg_fail) */
		for (size_t w = 0; w < cg.nw; w++)
			if (cg.w[w].dir == (int)i)
				write_limit(&cg.w[w]);
		fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			cg_fail(d, d->key, d->at, errno, "open %s", d->path);
		return fd;
	}
	return -1;
}

/* Is this process in @d by the kernel's @table (/proc/self/cgroup)? */
static bool in_group(const char *table, const struct cg_dir *d)
{
	char now[CG_PATH];

	return !group_of(table, d->v2 ? NULL : ctl_name[d->lookup], d->mount, d->mroot, now) &&
	       !strcmp(now, d->path);
}

/*
 * v1: "0" written to tasks moves the calling thread, which the kernel
 * does without its global threadgroup lock (cgroup.procs waits for an
 * RCU grace period, 1 to 15 ms measured). harden-exec has one thread
 * (@one: /proc/self/task holds one entry), so that is the process.
 */
static void move_in(const struct cg_dir *d, bool one)
{
	char file[CG_PATH + 16];

	snprintf(file, sizeof(file), "%s/%s", d->path, !d->v2 && one ? "tasks" : "cgroup.procs");
	if (write_text(file, "0"))
		cg_fail(d, d->key, d->at, errno, "move this process into %s", file);
}

static void read_self(char *table)
{
	errno = 0;
	if (read_table("/proc/self/cgroup", table, CG_TABLE))
		cg_fail(&cg.dir[0], cg.dir[0].key, cg.dir[0].at, errno ? errno : E2BIG,
			"read /proc/self/cgroup");
}

/* Move this process into every group, then check that the kernel says so:
 * one read of /proc/self/cgroup for all of them. */
static void join_all(void)
{
	static char table[CG_TABLE];
	struct stat st;
	bool one = !stat("/proc/self/task", &st) && st.st_nlink == 3, again = false;

	for (size_t i = 0; i < cg.ndir; i++)
		if (!cg.dir[i].early)
			move_in(&cg.dir[i], one);
	read_self(table);
	/* Born in its v2 group (clone3 CLONE_INTO_CGROUP), unless the fork
	 * could not do it (no clone3 before Linux 5.7): then moved here. */
	for (size_t i = 0; i < cg.ndir; i++)
		if (cg.dir[i].early && !in_group(table, &cg.dir[i])) {
			move_in(&cg.dir[i], one);
			again = true;
		}
	if (again)
		read_self(table);
	for (size_t i = 0; i < cg.ndir; i++)
		if (!in_group(table, &cg.dir[i]))
			cg_fail(&cg.dir[i], cg.dir[i].key, cg.dir[i].at, EIO,
				"/proc/self/cgroup does not name %s after the move", cg.dir[i].path);
}

void cgroup_apply(const struct plan *pl)
{
	(void)pl;
	if (!cg.ndir)
		return;
	make_groups(true); /* when the fork could not make them (no supervisor hook ran) */
	make_groups(false);
	/* Limits first, then join: the service never runs unlimited in it. */
	join_all();
	log_event("cgroup", "%zu groups harden-exec.%d, %zu limits written and read back", cg.ndir,
		  (int)getppid(), cg.nw);
}

/* ---- the supervisor's side ---- */

static void members(const struct cg_dir *d, int sig, size_t *left)
{
	char path[CG_PATH + 16], buf[8192];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", d->path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* Each read returns whole lines; a pid split by the buffer waits for the next pass. */
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (char *save, *p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
			++*left;
			if (sig)
				(void)kill((pid_t)atoi(p), sig);
		}
	}
	close(fd);
}

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	nanosleep(&ts, NULL);
}

/* Kill every member of every group. Does not wait for the end. */
static void cg_kill(void *arg)
{
	const struct cg_dir *k = cg.kill_dir >= 0 ? &cg.dir[cg.kill_dir] : NULL;
	char path[CG_PATH + 16], state[32];
	size_t left = 0;

	(void)arg;
	if (k && k->v2) {
		snprintf(path, sizeof(path), "%s/cgroup.kill", k->path);
		/* The kernel kills every member, forks in flight included. */
		(void)write_text(path, "1");
	} else if (k) {
		snprintf(path, sizeof(path), "%s/freezer.state", k->path);
		if (!write_text(path, "FROZEN")) {
			for (int i = 0;
			     i < 1000 && !read_text(path, state, sizeof(state)) && strcmp(state, "FROZEN");
			     i++)
				pause_ms(1);
			members(k, SIGKILL, &left);
			(void)write_text(path, "THAWED");
		}
	}
	/* And whatever joined a v1 group only. */
	for (size_t i = 0; i < cg.ndir; i++)
		members(&cg.dir[i], SIGKILL, &left);
}

/* What the groups saw, for the exit report. */
static void report(void)
{
	char text[768] = "";
	size_t n = 0;
	bool notable = false;
	int mem = cg.ctl_dir[C_MEMORY], cpu = cg.ctl_dir[C_CPU], pids = cg.ctl_dir[C_PIDS],
	    acct = cg.ctl_dir[C_CPUACCT], kill = cg.kill_dir;

#define ADD(...) (n += (size_t)snprintf(text + n, n < sizeof(text) ? sizeof(text) - n : 0, __VA_ARGS__))
	/* Unasked, only what stopped the service is told: the other figures
	 * are read only when they will be shown (each is a file to open). */
	if (!log_enabled() &&
	    (mem < 0 ||
	     !keyed(cg.dir[mem].path, cg.dir[mem].v2 ? "memory.events" : "memory.oom_control", "oom_kill")) &&
	    (pids < 0 || !keyed(cg.dir[pids].path, "pids.events", "max")))
		return;
	if (mem >= 0) {
		const char *d = cg.dir[mem].path;
		char f[CG_PATH + 40];
		unsigned long long oom, hit, peak = 0;

		if (cg.dir[mem].v2) {
			oom = keyed(d, "memory.events", "oom_kill");
			hit = keyed(d, "memory.events", "max");
			snprintf(f, sizeof(f), "%s/memory.peak", d);
		} else {
			oom = keyed(d, "memory.oom_control", "oom_kill");
			snprintf(f, sizeof(f), "%s/memory.failcnt", d);
			if (read_num(f, &hit))
				hit = 0;
			/* With memory_swap_max, memory and swap together may be the bound hit. */
			snprintf(f, sizeof(f), "%s/memory.memsw.failcnt", d);
			if (!read_num(f, &peak))
				hit += peak;
			snprintf(f, sizeof(f), "%s/memory.max_usage_in_bytes", d);
		}
		if (read_num(f, &peak))
			peak = 0;
		ADD("memory: %llu OOM kills, limit reached %llu times, peak %llu bytes; ", oom, hit, peak);
		notable |= oom > 0;
	}
	if (cpu >= 0) {
		const char *d = cg.dir[cpu].path;
		unsigned long long used = 0, nthr = keyed(d, "cpu.stat", "nr_throttled"), thr;
		char f[CG_PATH + 24];

		if (cg.dir[cpu].v2) {
			used = keyed(d, "cpu.stat", "usage_usec") / 1000;
			thr = keyed(d, "cpu.stat", "throttled_usec") / 1000;
		} else {
			thr = keyed(d, "cpu.stat", "throttled_time") / 1000000;
			if (kill >= 0 && cg.dir[kill].v2)
				used = keyed(cg.dir[kill].path, "cpu.stat", "usage_usec") / 1000;
			else {
				snprintf(f, sizeof(f), "%s/cpuacct.usage", acct >= 0 ? cg.dir[acct].path : d);
				if (read_num(f, &used))
					used = 0;
				used /= 1000000;
			}
		}
		ADD("cpu: %llu ms used, throttled %llu times for %llu ms; ", used, nthr, thr);
	}
	if (pids >= 0) {
		unsigned long long max = keyed(cg.dir[pids].path, "pids.events", "max");

		ADD("pids: fork refused at pids_max %llu times; ", max);
		notable |= max > 0;
	}
#undef ADD
	if (n >= 2 && n < sizeof(text))
		text[n - 2] = '\0';
	if (log_enabled())
		log_event("cgroup", "the group saw: %s", text);
	else if (notable) /* what stopped the service is worth a line even unasked */
		fprintf(stderr, "harden-exec: cgroup: the group saw: %s\n", text);
}

/*
 * Once the tree has ended: report, kill what is left, remove the groups.
 * The tree is reaped, so a group is normally empty and its rmdir is
 * done at once; one that is busy holds something that joined from
 * outside the tree: killed, then removed.
 */
static void cg_finished(int status, void *arg)
{
	size_t left = 1;
	bool busy = false;

	(void)status;
	report();
	for (size_t i = 0; i < cg.ndir; i++)
		busy |= rmdir(cg.dir[i].path) && errno != ENOENT;
	if (!busy)
		return;
	for (int pass = 0; pass < 200 && left; pass++) {
		left = 0;
		for (size_t i = 0; i < cg.ndir; i++)
			members(&cg.dir[i], 0, &left);
		if (left) {
			cg_kill(arg);
			pause_ms(5);
		}
	}
	for (size_t i = 0; i < cg.ndir; i++) {
		int tries = 0;

		/* A member that just died may hold the group for a moment. */
		while (rmdir(cg.dir[i].path) && errno == EBUSY && tries++ < 500)
			pause_ms(2);
		if (access(cg.dir[i].path, F_OK) == 0)
			fprintf(stderr, "harden-exec: cgroup: cannot remove %s: %s\n", cg.dir[i].path,
				strerror(errno));
	}
}

/* ---- verify and check ---- */

int cgroup_verify(pid_t pid, void (*bad)(const char *text))
{
	static char table[CG_TABLE];
	char proc[64], group[CG_PATH], path[CG_PATH + 48], got[64], msg[CG_PATH + 200];
	int bads = 0;

	snprintf(proc, sizeof(proc), "/proc/%d/cgroup", (int)pid);
	if (read_table(proc, table, sizeof(table)))
		table[0] = '\0'; /* each limit is then "in no group" */
	for (size_t i = 0; i < cg.nw; i++) {
		const struct cg_write *w = &cg.w[i];
		const struct cg_dir *d = &cg.dir[w->dir];
		unsigned long long v = 0;

		if (group_of(table, d->v2 ? NULL : ctl_name[d->lookup], d->mount, d->mroot, group)) {
			snprintf(msg, sizeof(msg), "[cgroup] %s: pid %d is in no group of %s", w->key,
				 (int)pid, d->mount);
			bads++;
			bad(msg);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", group, w->file);
		if (w->text ? read_text(path, got, sizeof(got)) : read_num(path, &v))
			snprintf(got, sizeof(got), "unreadable (%s)", strerror(errno));
		else if (w->text ? !strcmp(got, w->value) : v == w->expect)
			continue;
		else if (!w->text)
			snprintf(got, sizeof(got), "%llu", v);
		snprintf(msg, sizeof(msg), "[cgroup] %s: %s is %s, the policy says %s", w->key, path, got,
			 w->value);
		bads++;
		bad(msg);
	}
	return bads;
}

void cgroup_describe(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cg.nw && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s (v%d %s)", i ? ", " : "", cg.w[i].key,
				      cg.w[i].value, cg.dir[cg.w[i].dir].v2 ? 2 : 1, cg.w[i].file);
}
