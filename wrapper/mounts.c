/* SPDX-License-Identifier: MIT */
/*
 * The filesystem jail, in a mount namespace whose propagation ns.c made
 * private. Built with the new mount API: every source is opened without
 * following a symlink (openat2 RESOLVE_NO_SYMLINKS), checked against the
 * plan, and cloned from that very descriptor (open_tree), so a symlink
 * swapped in during setup cannot redirect a mount; every destination is
 * walked one component at a time below the new root, refusing symlinks,
 * so none can point a mount outside it (runc's CVE-2021-30465 was a
 * swapped symlink at a mount destination). Read-only and no-exec are set
 * with mount_setattr(AT_RECURSIVE), which covers submounts too (a plain
 * MS_REMOUNT|MS_BIND|MS_RDONLY leaves them writable). Then pivot_root and
 * the old root detached, so no chroot("..") or saved descriptor of ours
 * leads back.
 */
#include "mounts.h"
#include "../core/log.h"
#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die(EXIT_HARDEN, "out of memory");
	return d;
}

static int openat2_(int dir, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)flags | O_CLOEXEC, .resolve = resolve};

	return (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
}

/* Open a host path as it is, without following any symlink on the way;
 * a last component that is a symlink is opened as the link itself. */
static int open_nofollow(const char *path)
{
	return openat2_(AT_FDCWD, path, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
}

static size_t depth(const char *path)
{
	size_t n = 0;

	for (const char *c = path; *c; c++)
		n += *c == '/' && c[1];
	return n;
}

/* Is @path @base or below it? */
static bool below(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (!strcmp(base, "/"))
		return true;
	return !strncmp(path, base, n) && (path[n] == '/' || !path[n]);
}

/* ---- plan ---- */

static struct mop *add_op(struct mount_plan *m, enum mop_kind kind, const char *key, const struct origin *o,
			  const char *src, const char *dst)
{
	struct mop *op;

	for (size_t i = 0; i < m->nops; i++)
		if (!strcmp(m->ops[i].dst, dst))
			die(EXIT_HARDEN, "%s[filesystem] %s: %s is already a mount point of [filesystem] %s",
			    where(o), key, dst, m->ops[i].key);
	m->ops = realloc(m->ops, (m->nops + 1) * sizeof(*m->ops));
	if (!m->ops)
		die(EXIT_HARDEN, "out of memory");
	op = &m->ops[m->nops++];
	*op = (struct mop){.kind = kind, .key = key, .at = o, .dst = xstrdup(dst), .dir = true, .tree = -1};
	if (src)
		op->src = xstrdup(src);
	return op;
}

static struct rule *add_rule(struct mount_plan *m, const char *key, const struct origin *o, const char *path)
{
	struct rule *r;

	m->rules = realloc(m->rules, (m->nrules + 1) * sizeof(*m->rules));
	if (!m->rules)
		die(EXIT_HARDEN, "out of memory");
	r = &m->rules[m->nrules++];
	*r = (struct rule){.key = key, .at = o, .path = xstrdup(path)};
	return r;
}

/*
 * Where @path of the new root comes from: the deepest mount made over it
 * (@op, with the rest of the path in @rest), or the root itself.
 */
static const struct mop *covering(const struct mount_plan *m, const char *path, const char **rest,
				  const struct mop *skip)
{
	const struct mop *best = NULL;

	for (size_t i = 0; i < m->nops; i++)
		if (&m->ops[i] != skip && m->ops[i].kind != MOP_SYMLINK && below(path, m->ops[i].dst) &&
		    (!best || strlen(m->ops[i].dst) > strlen(best->dst)))
			best = &m->ops[i];
	*rest = best ? path + (strcmp(best->dst, "/") ? strlen(best->dst) : 0) : path;
	return best;
}

/*
 * Does @path exist in the new root, as the plan sees it? 1 yes (with its
 * stat in @st), 0 no; a symlink on the way is refused with @key's origin.
 */
static int exists_in_root(const struct mount_plan *m, const char *path, struct stat *st, const char *key,
			  const struct origin *o, const struct mop *skip)
{
	const char *rest;
	const struct mop *op = covering(m, path, &rest, skip);
	char host[PATH_MAX * 2];
	int fd;

	if (op && op->kind != MOP_BIND)
		return !*rest; /* a tmpfs starts empty */
	if (!op && m->root == ROOT_TMPFS) {
		/* Only the parents of mount points exist in an empty root. */
		for (size_t i = 0; i < m->nops; i++)
			if (&m->ops[i] != skip && below(m->ops[i].dst, path)) {
				st->st_mode = S_IFDIR;
				return 1;
			}
		return !strcmp(path, "/");
	}
	if (op)
		snprintf(host, sizeof(host), "%s%s", op->src, rest);
	else
		snprintf(host, sizeof(host), "%s%s", m->root == ROOT_DIR ? m->root_dir : "",
			 m->root == ROOT_DIR && !strcmp(path, "/") ? "" : path);
	fd = open_nofollow(host[0] ? host : "/");
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, st))
		die(EXIT_HARDEN, "%s[filesystem] %s: %s: %s", where(o), key, path,
		    errno == ELOOP ? "a symbolic link on the path (refused)" : strerror(errno));
	close(fd);
	if (S_ISLNK(st->st_mode))
		die(EXIT_HARDEN,
		    "%s[filesystem] %s: %s: is a symbolic link (refused: name what it points to)", where(o),
		    key, path);
	return 1;
}

/*
 * A bind source: opened without following any symlink. One in the middle
 * of the path is refused (it could be swapped to point anywhere); one at
 * the end (/bin, /lib on merged-usr Debian) is reproduced as the same
 * symlink in the new root, never followed.
 */
static void plan_bind(struct mount_plan *m, const char *key, const struct origin *o, const char *item,
		      bool ro)
{
	char src[PATH_MAX], link[PATH_MAX];
	const char *colon = strchr(item, ':'), *dst = colon ? colon + 1 : item;
	struct stat st;
	struct mop *op;
	ssize_t n;
	int fd;

	snprintf(src, sizeof(src), "%.*s", (int)(colon ? colon - item : (long)strlen(item)), item);
	fd = open_nofollow(src);
	if (fd < 0 || fstat(fd, &st))
		die(EXIT_HARDEN, "%s[filesystem] %s: %s: %s", where(o), key, src,
		    errno == ELOOP ? "a symbolic link in the middle of the path (refused)" : strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(fd, "", link, sizeof(link) - 1);
		if (n < 0)
			die(EXIT_HARDEN, "%s[filesystem] %s: %s: readlink: %s", where(o), key, src,
			    strerror(errno));
		link[n] = '\0';
		if (m->root != ROOT_TMPFS)
			die(EXIT_HARDEN,
			    "%s[filesystem] %s: %s: is a symbolic link, which only root = tmpfs can "
			    "reproduce",
			    where(o), key, src);
		op = add_op(m, MOP_SYMLINK, key, o, src, dst);
		op->link = xstrdup(link);
	} else {
		op = add_op(m, MOP_BIND, key, o, src, dst);
		op->ro = ro;
		op->dir = S_ISDIR(st.st_mode);
	}
	op->dev = st.st_dev;
	op->ino = st.st_ino;
	close(fd);
}

static void plan_tmpfs(struct plan *pl, struct mount_plan *m, const char *key, const struct origin *o,
		       const char *item, const char *mode)
{
	const char *colon = strchr(item, ':');
	char dst[PATH_MAX];
	struct mop *op;
	int n;

	snprintf(dst, sizeof(dst), "%.*s", (int)(colon ? colon - item : (long)strlen(item)), item);
	op = add_op(m, MOP_TMPFS, key, o, NULL, dst);
	/* Owned by the service's user, so that it can use its own /run. */
	n = snprintf(op->opts, sizeof(op->opts), "mode=%s", mode);
	if (pl->ids && !strcmp(mode, "0755"))
		n += snprintf(op->opts + n, sizeof(op->opts) - (size_t)n, ",uid=%u,gid=%u", (unsigned)pl->uid,
			      (unsigned)pl->gid);
	if (colon)
		snprintf(op->opts + n, sizeof(op->opts) - (size_t)n, ",size=%s", colon + 1);
}

static void plan_rules(struct mount_plan *m, const struct strlist *l, const char *key, const struct origin *o,
		       uint64_t set, uint64_t clr, bool hide)
{
	for (size_t i = 0; i < l->n; i++) {
		struct rule *r = add_rule(m, key, o, l->v[i]);

		r->set = set;
		r->clr = clr;
		r->hide = hide;
	}
}

/* protect_kernel: what systemd's ProtectKernelTunables= and
 * ProtectKernelLogs= cover, plus the kernel's memory and symbols. */
static void plan_protect_kernel(struct mount_plan *m, const struct policy *p)
{
	static const char *const ro[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus",
					 "/proc/fs",  "/proc/acpi",	     "/sys"};
	static const char *const hidden[] = {"/proc/kcore",	    "/proc/kallsyms",	 "/proc/kmsg",
					     "/proc/timer_list",    "/proc/sched_debug", "/sys/kernel/debug",
					     "/sys/kernel/tracing", "/sys/firmware"};

	if (p->protect_kernel != TRI_YES)
		return;
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		struct rule *r = add_rule(m, "protect_kernel", &p->protect_kernel_at, ro[i]);

		r->set = MOUNT_ATTR_RDONLY;
		r->optional = true;
	}
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		struct rule *r = add_rule(m, "protect_kernel", &p->protect_kernel_at, hidden[i]);

		r->hide = true;
		r->optional = true;
	}
}

static int cmp_op(const void *a, const void *b)
{
	const struct mop *x = a, *y = b;
	size_t dx = depth(x->dst), dy = depth(y->dst);

	return dx != dy ? (dx < dy ? -1 : 1) : 0;
}

static int cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;
	size_t dx = depth(x->path), dy = depth(y->path);

	/* Parents first, so that a deeper rule overrides a recursive one;
	 * hidden paths last, so that no later rule touches them. */
	if (x->hide != y->hide)
		return x->hide ? 1 : -1;
	return dx != dy ? (dx < dy ? -1 : 1) : 0;
}

static void sort_stable(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	/* Insertion sort: a handful of entries, and equal depths keep the
	 * policy's order (qsort is not stable). */
	char *b = base,
	     tmp[sizeof(struct mop) > sizeof(struct rule) ? sizeof(struct mop) : sizeof(struct rule)];

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			char *x = b + (j - 1) * size, *y = b + j * size;
			int c = cmp(x, y);

			if (c <= 0)
				break;
			memcpy(tmp, x, size);
			memcpy(x, y, size);
			memcpy(y, tmp, size);
		}
}

/* The new root: tmpfs, or a directory trusted as a chroot would be. */
static void plan_root(struct mount_plan *m, const struct policy *p)
{
	struct stat st;
	int fd;

	if (!p->root)
		return;
	if (p->chroot)
		die(EXIT_HARDEN, "%s[filesystem] root: cannot be combined with chroot", where(&p->root_at));
	if (!strcmp(p->root, "tmpfs")) {
		static const char *const stages[] = {"/tmp", "/mnt", "/run", "/"};

		m->root = ROOT_TMPFS;
		for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]) && !m->stage; i++)
			if (!lstat(stages[i], &st) && S_ISDIR(st.st_mode))
				m->stage = stages[i];
		return;
	}
	m->root = ROOT_DIR;
	m->root_dir = p->root;
	m->stage = p->root;
	fd = openat2_(AT_FDCWD, p->root, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	if (fd < 0 || fstat(fd, &st))
		die(EXIT_HARDEN, "%s[filesystem] root = %s: %s", where(&p->root_at), p->root,
		    errno == ELOOP ? "a symbolic link on the path (refused)" : strerror(errno));
	close(fd);
	if ((st.st_uid != 0 && st.st_uid != getuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		die(EXIT_HARDEN,
		    "%s[filesystem] root = %s: must be owned by root or the caller and not writable by group "
		    "or "
		    "others (refused)",
		    where(&p->root_at), p->root);
	m->root_dev = st.st_dev;
	m->root_ino = st.st_ino;
}

/*
 * Every mount point must exist where it goes, or be made inside a tmpfs
 * of ours: never created in a directory that belongs to the host.
 */
static void plan_mount_points(struct mount_plan *m)
{
	for (size_t i = 0; i < m->nops; i++) {
		struct mop *op = &m->ops[i];
		const struct mop *cover;
		const char *rest;
		struct stat st;

		cover = covering(m, op->dst, &rest, op);
		op->create = (cover && cover->kind != MOP_BIND) || (!cover && m->root == ROOT_TMPFS);
		if (op->create)
			continue;
		if (!exists_in_root(m, op->dst, &st, op->key, op->at, op))
			die(EXIT_HARDEN, "%s[filesystem] %s: %s: no such mount point in the %s",
			    where(op->at), op->key, op->dst,
			    m->root == ROOT_HOST ? "file system" : "new root");
		if (op->kind == MOP_SYMLINK)
			die(EXIT_HARDEN, "%s[filesystem] %s: %s: exists where the symbolic link would go",
			    where(op->at), op->key, op->dst);
		if (!!S_ISDIR(st.st_mode) != op->dir)
			die(EXIT_HARDEN, "%s[filesystem] %s: %s: a %s cannot be mounted on a %s",
			    where(op->at), op->key, op->dst, op->dir ? "directory" : "file",
			    S_ISDIR(st.st_mode) ? "directory" : "file");
	}
}

static void plan_rule_paths(struct mount_plan *m)
{
	for (size_t i = 0; i < m->nrules; i++) {
		struct rule *r = &m->rules[i];
		struct stat st;

		if (r->optional)
			continue; /* checked when applied: skipped when absent */
		if (!exists_in_root(m, r->path, &st, r->key, r->at, NULL))
			die(EXIT_HARDEN, "%s[filesystem] %s: %s: no such file or directory in the %s",
			    where(r->at), r->key, r->path, m->root == ROOT_HOST ? "file system" : "new root");
	}
}

void mounts_plan_build(struct plan *pl, const struct policy *p)
{
	static struct mount_plan m;
	const char *name;

	memset(&m, 0, sizeof(m));
	if (!ns_mount_key(p, &name))
		return;
	plan_root(&m, p);
	for (size_t i = 0; i < p->bind_ro.n; i++)
		plan_bind(&m, "bind_ro", &p->bind_ro_at, p->bind_ro.v[i], true);
	for (size_t i = 0; i < p->bind_rw.n; i++)
		plan_bind(&m, "bind_rw", &p->bind_rw_at, p->bind_rw.v[i], false);
	for (size_t i = 0; i < p->tmpfs.n; i++)
		plan_tmpfs(pl, &m, "tmpfs", &p->tmpfs_at, p->tmpfs.v[i], "0755");
	if (p->private_tmp == TRI_YES) {
		struct stat st;

		plan_tmpfs(pl, &m, "private_tmp", &p->private_tmp_at, "/tmp", "1777");
		/* /var/tmp too, where there is one (or can be one). */
		if (m.root == ROOT_TMPFS ||
		    exists_in_root(&m, "/var/tmp", &st, "private_tmp", &p->private_tmp_at, NULL))
			plan_tmpfs(pl, &m, "private_tmp", &p->private_tmp_at, "/var/tmp", "1777");
	}
	if (p->private_dev == TRI_YES)
		add_op(&m, MOP_DEV, "private_dev", &p->private_dev_at, NULL, "/dev");
	sort_stable(m.ops, m.nops, sizeof(*m.ops), cmp_op);
	plan_mount_points(&m);
	/* A mount's own writability is a rule at its mount point: bind_ro
	 * is read-only with its submounts, and read_only = / does not turn
	 * bind_rw, tmpfs or /dev read-only. A writable mount stays as its
	 * source is where no read_only covers it. */
	for (size_t i = 0; i < m.nops; i++) {
		bool under_ro = false;
		struct rule *r;

		for (size_t j = 0; j < p->read_only.n; j++)
			under_ro |= below(m.ops[i].dst, p->read_only.v[j]);
		if (m.ops[i].kind == MOP_SYMLINK || (!m.ops[i].ro && !under_ro))
			continue;
		r = add_rule(&m, m.ops[i].key, m.ops[i].at, m.ops[i].dst);
		if (m.ops[i].ro)
			r->set = MOUNT_ATTR_RDONLY;
		else
			r->clr = MOUNT_ATTR_RDONLY;
	}
	plan_rules(&m, &p->read_only, "read_only", &p->read_only_at, MOUNT_ATTR_RDONLY, 0, false);
	plan_rules(&m, &p->read_write, "read_write", &p->read_write_at, 0, MOUNT_ATTR_RDONLY, false);
	plan_rules(&m, &p->noexec, "noexec", &p->noexec_at, MOUNT_ATTR_NOEXEC, 0, false);
	plan_rules(&m, &p->exec_paths, "exec", &p->exec_paths_at, 0, MOUNT_ATTR_NOEXEC, false);
	plan_rules(&m, &p->inaccessible, "inaccessible", &p->inaccessible_at, 0, 0, true);
	plan_protect_kernel(&m, p);
	sort_stable(m.rules, m.nrules, sizeof(*m.rules), cmp_rule);
	plan_rule_paths(&m);
	pl->mounts = &m;
	pl->new_root = m.root != ROOT_HOST;
	pl->jailed |= pl->new_root;
}

void mounts_plan_shim(struct plan *pl)
{
	static char real[PATH_MAX];
	struct mount_plan *m = pl->mounts;
	const struct origin *o = &pl->pol->apply_at;
	const char *rest;
	struct stat st;
	struct mop *op;
	int fd;

	if (!pl->late || !pl->new_root || !pl->shim_path)
		return;
	/* The path the loader will use, with no .. and no symlink in it. */
	if (!realpath(pl->shim_path, real))
		die(EXIT_HARDEN, "%s[seccomp] apply: %s: %s", where(o), pl->shim_path, strerror(errno));
	pl->shim_path = real;
	/* The shim finds its handoff through /proc/self/fd. */
	if (!exists_in_root(m, "/proc/sys", &st, "root", o, NULL))
		die(EXIT_HARDEN,
		    "%s[seccomp] apply: a late apply in a new root needs /proc there (bind_ro = /proc)",
		    where(o));
	fd = open_nofollow(real);
	if (fd < 0 || fstat(fd, &st))
		die(EXIT_HARDEN, "%s[seccomp] apply: %s: %s", where(o), real, strerror(errno));
	close(fd);
	if (covering(m, real, &rest, NULL) && exists_in_root(m, real, &(struct stat){0}, "root", o, NULL))
		return; /* already inside a bind */
	op = add_op(m, MOP_BIND, "root (the late shim)", o, real, real);
	op->ro = true;
	op->dir = false;
	op->dev = st.st_dev;
	op->ino = st.st_ino;
	op->create = m->root == ROOT_TMPFS;
	if (!op->create && !exists_in_root(m, real, &st, "root", o, op))
		die(EXIT_HARDEN, "%s[seccomp] apply: %s must exist in [filesystem] root %s for the late shim",
		    where(o), real, m->root_dir);
	add_rule(m, "root (the late shim)", o, real)->set = MOUNT_ATTR_RDONLY;
	sort_stable(m->rules, m->nrules, sizeof(*m->rules), cmp_rule);
}

void mounts_describe(const struct plan *pl, char *buf, size_t len)
{
	const struct mount_plan *m = pl->mounts;
	size_t n, hidden = 0, ro = 0, nx = 0;

	buf[0] = '\0';
	if (!m)
		return;
	for (size_t i = 0; i < m->nrules; i++) {
		hidden += m->rules[i].hide;
		ro += !!(m->rules[i].set & MOUNT_ATTR_RDONLY);
		nx += !!(m->rules[i].set & MOUNT_ATTR_NOEXEC);
	}
	n = (size_t)snprintf(buf, len, "root %s; %zu mounts:",
			     m->root == ROOT_HOST    ? "unchanged"
			     : m->root == ROOT_TMPFS ? "tmpfs"
						     : m->root_dir,
			     m->nops);
	for (size_t i = 0; i < m->nops && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s%s%s%s", m->ops[i].dst,
				      m->ops[i].kind == MOP_SYMLINK ? "->" : "",
				      m->ops[i].kind == MOP_SYMLINK ? m->ops[i].link : "",
				      m->ops[i].kind == MOP_BIND ? (m->ops[i].ro ? "(ro)" : "(rw)") : "");
	if (n < len)
		snprintf(buf + n, len - n, "; %zu read-only, %zu no-exec, %zu hidden%s", ro, nx, hidden,
			 m->root == ROOT_HOST ? "" : "; pivot_root");
}

/* ---- apply ---- */

static _Noreturn void fail_m(const char *key, const struct origin *o, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static _Noreturn void fail_m(const char *key, const struct origin *o, int err, const char *fmt, ...)
{
	char what[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err)
		die(EXIT_HARDEN, "filesystem: %s[filesystem] %s: %s: %s", where(o), key, what, strerror(err));
	die(EXIT_HARDEN, "filesystem: %s[filesystem] %s: %s", where(o), key, what);
}

static int open_tree_(int dir, const char *path, unsigned flags)
{
	return (int)syscall(SYS_open_tree, dir, path, flags | OPEN_TREE_CLOEXEC);
}

static int move_mount_(int from, int to)
{
	return (int)syscall(SYS_move_mount, from, "", to, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int setattr(int fd, uint64_t set, uint64_t clr, bool recursive)
{
	struct mount_attr a = {.attr_set = set, .attr_clr = clr};

	return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
			    sizeof(a));
}

/* A new tmpfs, detached, with @opts ("mode=0755,size=16M"). */
static int new_tmpfs(const char *opts, uint64_t attrs, const char *key, const struct origin *o)
{
	int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC), mnt;
	char buf[128], *save = NULL;

	if (fs < 0)
		fail_m(key, o, errno, "fsopen tmpfs");
	snprintf(buf, sizeof(buf), "%s", opts);
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		*eq = '\0';
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, kv, eq + 1, 0))
			fail_m(key, o, errno, "tmpfs option %s=%s", kv, eq + 1);
	}
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		fail_m(key, o, errno, "create a tmpfs");
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		fail_m(key, o, errno, "fsmount tmpfs");
	close(fs);
	return mnt;
}

/*
 * Open @path below @root one component at a time, never following a
 * symlink and never leaving @root; with @create, make what is missing
 * (directories, and a last empty file when !@dir). An O_PATH descriptor.
 */
static int walk(int root, const char *path, bool create, bool dir, const char *key, const struct origin *o)
{
	char buf[PATH_MAX], *save = NULL, *comp, *next;
	int fd = fcntl(root, F_DUPFD_CLOEXEC, 3);

	snprintf(buf, sizeof(buf), "%s", path);
	for (comp = strtok_r(buf, "/", &save); comp && fd >= 0; comp = next) {
		int nfd;

		next = strtok_r(NULL, "/", &save);
		nfd = openat2_(fd, comp, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
		if (nfd < 0 && errno == ENOENT && create) {
			if (next || dir) {
				if (mkdirat(fd, comp, 0755) && errno != EEXIST)
					fail_m(key, o, errno, "%s: make the mount point", path);
			} else {
				int f = openat(fd, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
					       0644);

				if (f < 0)
					fail_m(key, o, errno, "%s: make the mount point", path);
				close(f);
			}
			nfd = openat2_(fd, comp, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
		}
		if (nfd >= 0) {
			struct stat st;

			/* A symlink at the end is not followed either. */
			if (!fstat(nfd, &st) && S_ISLNK(st.st_mode)) {
				close(nfd);
				nfd = -1;
				errno = ELOOP;
			}
		}
		{
			int e = errno;

			close(fd);
			errno = e;
		}
		fd = nfd;
	}
	return fd;
}

static int walk_to(int root, const char *path, bool create, bool dir, const char *key, const struct origin *o)
{
	int fd = walk(root, path, create, dir, key, o);

	if (fd < 0)
		fail_m(key, o, errno, "%s%s", path,
		       errno == ELOOP ? ": a symbolic link on the way in the new root (refused)" : "");
	return fd;
}

static bool is_proc(int fd)
{
	struct statfs sf;
	struct stat st;

	return !fstatfs(fd, &sf) && sf.f_type == PROC_SUPER_MAGIC && !fstat(fd, &st) && st.st_ino == 1;
}

/* Clone a source, after checking it is still what the plan opened. */
static int take(const char *src, dev_t dev, ino_t ino, const char *key, const struct origin *o)
{
	int fd = open_nofollow(src), tree;
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		fail_m(key, o, errno, "%s", src);
	/* /proc is a new one when [filesystem] proc mounted it (ns.c): its
	 * own root, which a plain directory swapped in could not fake. */
	if ((st.st_dev != dev || st.st_ino != ino) &&
	    !(ns_new_proc() && !strcmp(src, "/proc") && is_proc(fd)))
		fail_m(key, o, 0, "%s changed since the plan was built (refused)", src);
	tree = open_tree_(fd, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		fail_m(key, o, errno, "%s: open_tree", src);
	close(fd);
	return tree;
}

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
static int dev_trees[sizeof(dev_nodes) / sizeof(dev_nodes[0])];

static void take_sources(const struct mount_plan *m)
{
	for (size_t i = 0; i < m->nops; i++) {
		struct mop *op = &m->ops[i];

		if (op->kind == MOP_BIND)
			op->tree = take(op->src, op->dev, op->ino, op->key, op->at);
		if (op->kind == MOP_DEV)
			for (size_t j = 0; j < sizeof(dev_nodes) / sizeof(dev_nodes[0]); j++) {
				char path[64];
				struct stat st;
				int fd;

				snprintf(path, sizeof(path), "/dev/%s", dev_nodes[j]);
				fd = open_nofollow(path);
				if (fd < 0 || fstat(fd, &st) || !S_ISCHR(st.st_mode))
					fail_m(op->key, op->at, fd < 0 ? errno : 0,
					       "%s: not a character device", path);
				dev_trees[j] = open_tree_(fd, "", OPEN_TREE_CLONE | AT_EMPTY_PATH);
				if (dev_trees[j] < 0)
					fail_m(op->key, op->at, errno, "%s: open_tree", path);
				close(fd);
			}
	}
}

/* The root the jail is built in: the host's, or a new one attached at
 * the stage (seen from here until pivot_root). */
static int make_root(const struct mount_plan *m, const struct origin *o)
{
	int fd, tree;

	if (m->root == ROOT_HOST) {
		fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fail_m("root", o, errno, "/");
		return fd;
	}
	fd = openat2_(AT_FDCWD, m->stage, O_PATH | O_DIRECTORY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		fail_m("root", o, errno, "%s", m->stage);
	if (m->root == ROOT_TMPFS)
		tree = new_tmpfs("mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "root", o);
	else {
		struct stat st;

		if (fstat(fd, &st) || st.st_dev != m->root_dev || st.st_ino != m->root_ino)
			fail_m("root", o, 0, "%s changed since the plan was built (refused)", m->stage);
		tree = open_tree_(fd, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
		if (tree < 0)
			fail_m("root", o, errno, "%s: open_tree", m->stage);
	}
	if (move_mount_(tree, fd))
		fail_m("root", o, errno, "attach the new root at %s", m->stage);
	close(fd);
	return tree;
}

static void place(int tree, int root, const struct mop *op)
{
	int to = walk_to(root, op->dst, op->create, op->dir, op->key, op->at);

	if (move_mount_(tree, to))
		fail_m(op->key, op->at, errno, "%s: move_mount", op->dst);
	close(to);
}

/* /dev with null zero full random urandom tty bound from the host,
 * a new devpts instance, and /dev/shm. */
static void make_dev(int root, const struct mop *op)
{
	int dev = new_tmpfs("mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, op->key, op->at), pts, fs;
	static const char *const links[][2] = {{"pts/ptmx", "ptmx"},
					       {"/proc/self/fd", "fd"},
					       {"/proc/self/fd/0", "stdin"},
					       {"/proc/self/fd/1", "stdout"},
					       {"/proc/self/fd/2", "stderr"}};

	for (size_t j = 0; j < sizeof(dev_nodes) / sizeof(dev_nodes[0]); j++) {
		int f = openat(dev, dev_nodes[j], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);

		if (f < 0)
			fail_m(op->key, op->at, errno, "/dev/%s", dev_nodes[j]);
		close(f);
		if (syscall(SYS_move_mount, dev_trees[j], "", dev, dev_nodes[j], MOVE_MOUNT_F_EMPTY_PATH))
			fail_m(op->key, op->at, errno, "/dev/%s: move_mount", dev_nodes[j]);
		close(dev_trees[j]);
	}
	for (size_t j = 0; j < sizeof(links) / sizeof(links[0]); j++)
		if (symlinkat(links[j][0], dev, links[j][1]))
			fail_m(op->key, op->at, errno, "/dev/%s", links[j][1]);
	if (mkdirat(dev, "pts", 0755) || mkdirat(dev, "shm", 01777))
		fail_m(op->key, op->at, errno, "/dev/pts, /dev/shm");
	fs = (int)syscall(SYS_fsopen, "devpts", FSOPEN_CLOEXEC);
	if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0620", 0) ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		fail_m(op->key, op->at, errno, "a new devpts instance");
	pts = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (pts < 0 || syscall(SYS_move_mount, pts, "", dev, "pts", MOVE_MOUNT_F_EMPTY_PATH))
		fail_m(op->key, op->at, errno, "/dev/pts");
	close(fs);
	close(pts);
	pts = new_tmpfs("mode=1777", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, op->key, op->at);
	if (syscall(SYS_move_mount, pts, "", dev, "shm", MOVE_MOUNT_F_EMPTY_PATH))
		fail_m(op->key, op->at, errno, "/dev/shm");
	close(pts);
	place(dev, root, op);
	close(dev);
}

static void make_ops(const struct mount_plan *m, int root)
{
	for (size_t i = 0; i < m->nops; i++) {
		const struct mop *op = &m->ops[i];
		int tree;

		switch (op->kind) {
		case MOP_BIND:
			/* nosuid: a setuid file of the host gains nothing here. */
			if (setattr(op->tree, MOUNT_ATTR_NOSUID, 0, true))
				fail_m(op->key, op->at, errno, "%s: nosuid", op->src);
			place(op->tree, root, op);
			close(op->tree);
			break;
		case MOP_SYMLINK: {
			char parent[PATH_MAX], *slash;
			int dir;

			snprintf(parent, sizeof(parent), "%s", op->dst);
			slash = strrchr(parent, '/');
			*slash = '\0';
			dir = walk_to(root, parent, true, true, op->key, op->at);
			if (symlinkat(op->link, dir, slash + 1))
				fail_m(op->key, op->at, errno, "%s: symlink to %s", op->dst, op->link);
			close(dir);
			break;
		}
		case MOP_TMPFS:
			tree = new_tmpfs(op->opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, op->key, op->at);
			place(tree, root, op);
			close(tree);
			break;
		case MOP_DEV:
			make_dev(root, op);
			break;
		}
	}
}

/* A mount whose root is @path, bound onto itself if it was not one. */
static int mount_at(int root, struct rule *r)
{
	int fd = walk(root, r->path, false, true, r->key, r->at), tree;
	struct statx sx;

	if (fd < 0) {
		if (r->optional && errno == ENOENT)
			return -1;
		fail_m(r->key, r->at, errno, "%s%s", r->path,
		       errno == ELOOP ? ": a symbolic link on the way (refused)" : "");
	}
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx))
		fail_m(r->key, r->at, errno, "%s: statx", r->path);
	if ((sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return fd;
	tree = open_tree_(fd, "", OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0 || move_mount_(tree, fd))
		fail_m(r->key, r->at, errno, "%s: bind onto itself", r->path);
	close(fd);
	return tree;
}

/* An empty, read-only, mode-000 thing over @r->path: a tmpfs for a
 * directory, an empty file bound from a private tmpfs for the rest. */
static void hide(int root, struct rule *r)
{
	static int store = -1;
	int fd = walk(root, r->path, false, true, r->key, r->at), tree;
	const uint64_t shut = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	struct stat st;

	if (fd < 0 && r->optional && errno == ENOENT)
		return;
	if (fd < 0 || fstat(fd, &st))
		fail_m(r->key, r->at, errno, "%s%s", r->path,
		       errno == ELOOP ? ": a symbolic link on the way (refused)" : "");
	if (S_ISDIR(st.st_mode))
		tree = new_tmpfs("mode=000,size=4k", shut, r->key, r->at);
	else {
		if (store < 0) {
			int f;

			store = new_tmpfs("mode=000,size=4k", 0, r->key, r->at);
			f = openat(store, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
			if (f < 0)
				fail_m(r->key, r->at, errno, "an empty file to hide %s", r->path);
			close(f);
		}
		tree = open_tree_(store, "empty", OPEN_TREE_CLONE);
		if (tree < 0 || setattr(tree, shut, 0, false))
			fail_m(r->key, r->at, errno, "%s: an empty file to bind", r->path);
	}
	if (move_mount_(tree, fd))
		fail_m(r->key, r->at, errno, "%s: move_mount", r->path);
	close(tree);
	close(fd);
	r->applied = true;
}

static void apply_rules(const struct mount_plan *m, int root)
{
	for (size_t i = 0; i < m->nrules; i++) {
		struct rule *r = &m->rules[i];
		int fd;

		if (r->hide) {
			hide(root, r);
			continue;
		}
		fd = mount_at(root, r);
		if (fd < 0)
			continue;
		if (setattr(fd, r->set, r->clr, true))
			fail_m(r->key, r->at, errno, "%s: mount_setattr", r->path);
		close(fd);
		r->applied = true;
	}
}

/* ---- read back ---- */

/* The flag a path should have by the deepest rule over it: 1, 0, or -1
 * when no rule speaks of it. */
static int expected(const struct mount_plan *m, const char *path, uint64_t flag)
{
	int want = -1;

	for (size_t i = 0; i < m->nrules; i++) {
		const struct rule *r = &m->rules[i];

		if (r->hide || !r->applied || !below(path, r->path))
			continue;
		if (r->set & flag)
			want = 1;
		if (r->clr & flag)
			want = 0;
	}
	return want;
}

static bool has_opt(const char *opts, const char *o)
{
	size_t n = strlen(o);

	for (const char *c = opts; c; c = strchr(c, ',')) {
		c += *c == ',';
		if (!strncmp(c, o, n) && (c[n] == ',' || !c[n]))
			return true;
	}
	return false;
}

/* The options of the topmost mount at @path in @mi (mountinfo text). */
static bool find_mount(const char *mi, const char *path, char *opts, size_t len)
{
	bool found = false;

	for (const char *line = mi; *line;) {
		const char *nl = strchr(line, '\n');
		char point[PATH_MAX], o[256];

		if (sscanf(line, "%*s %*s %*s %*s %4095s %255s", point, o) == 2 && !strcmp(point, path)) {
			snprintf(opts, len, "%s", o);
			found = true;
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return found;
}

static void check_point(const struct mount_plan *m, const char *mi, const char *path, const char *key,
			const struct origin *o, bool hidden)
{
	char full[PATH_MAX * 2], opts[256];
	const char *stage = m->root == ROOT_HOST ? "" : m->stage;
	int ro = hidden ? 1 : expected(m, path, MOUNT_ATTR_RDONLY), nx = expected(m, path, MOUNT_ATTR_NOEXEC);

	if (!strcmp(path, "/"))
		snprintf(full, sizeof(full), "%s", *stage ? stage : "/");
	else
		snprintf(full, sizeof(full), "%s%s", strcmp(stage, "/") ? stage : "", path);
	if (!find_mount(mi, full, opts, sizeof(opts)))
		fail_m(key, o, 0, "%s: not in /proc/self/mountinfo after mounting", path);
	if (ro >= 0 && has_opt(opts, "ro") != (ro == 1))
		fail_m(key, o, 0, "%s: mountinfo shows %s, not %s", path, opts, ro ? "ro" : "rw");
	if (nx >= 0 && has_opt(opts, "noexec") != (nx == 1))
		fail_m(key, o, 0, "%s: mountinfo shows %s, %s noexec", path, opts, nx ? "without" : "with");
}

static void verify(const struct mount_plan *m, const struct origin *o)
{
	static char mi[1 << 20];
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		fail_m("root", o, errno, "/proc/self/mountinfo: cannot read the mounts back");
	while (n < sizeof(mi) - 1 && (r = read(fd, mi + n, sizeof(mi) - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r < 0 || n >= sizeof(mi) - 1)
		fail_m("root", o, r < 0 ? errno : EFBIG, "/proc/self/mountinfo");
	mi[n] = '\0';
	for (size_t i = 0; i < m->nops; i++)
		if (m->ops[i].kind != MOP_SYMLINK)
			check_point(m, mi, m->ops[i].dst, m->ops[i].key, m->ops[i].at, false);
	for (size_t i = 0; i < m->nrules; i++) {
		bool covered = false;

		/* A path hidden afterwards shows the hiding mount on top. */
		for (size_t j = 0; j < m->nrules && !m->rules[i].hide; j++)
			covered |= m->rules[j].hide && m->rules[j].applied &&
				   !strcmp(m->rules[j].path, m->rules[i].path);
		if (m->rules[i].applied && !covered)
			check_point(m, mi, m->rules[i].path, m->rules[i].key, m->rules[i].at,
				    m->rules[i].hide);
	}
}

/*
 * pivot_root(".", ".") stacks the old root over the new one; detaching
 * it leaves nothing of the host reachable, not even by chroot("..")
 * tricks, which a plain chroot would allow to a process that keeps
 * CAP_SYS_CHROOT.
 */
static void enter_root(int root, const struct origin *o)
{
	struct stat want, got, up;

	if (fstat(root, &want) || fchdir(root))
		fail_m("root", o, errno, "enter the new root");
	if (syscall(SYS_pivot_root, ".", "."))
		fail_m("root", o, errno, "pivot_root");
	if (umount2(".", MNT_DETACH))
		fail_m("root", o, errno, "detach the old root");
	if (chdir("/") || stat("/", &got) || stat("/..", &up))
		fail_m("root", o, errno, "chdir / in the new root");
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino || up.st_ino != got.st_ino ||
	    up.st_dev != got.st_dev)
		fail_m("root", o, 0, "/ is not the new root after pivot_root");
}

void mounts_apply(const struct plan *pl)
{
	const struct mount_plan *m = pl->mounts;
	const struct origin *o = &pl->pol->root_at;
	size_t hidden = 0;
	mode_t old;
	int root;

	if (!m)
		return;
	/* Mount points made with the modes asked, whatever the umask. */
	old = umask(0);
	take_sources(m);
	root = make_root(m, o);
	make_ops(m, root);
	apply_rules(m, root);
	verify(m, o);
	if (m->root != ROOT_HOST)
		enter_root(root, o);
	close(root);
	umask(old);
	for (size_t i = 0; i < m->nrules; i++)
		hidden += m->rules[i].hide && m->rules[i].applied;
	log_event("filesystem", "root %s, %zu mounts, %zu rules, %zu hidden%s",
		  m->root == ROOT_HOST	  ? "unchanged"
		  : m->root == ROOT_TMPFS ? "tmpfs"
					  : m->root_dir,
		  m->nops, m->nrules - hidden, hidden,
		  m->root == ROOT_HOST ? "" : ", pivot_root, old root detached");
}
