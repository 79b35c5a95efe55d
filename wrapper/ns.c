/* SPDX-License-Identifier: MIT */
/*
 * Namespaces. The user namespace comes first, so that every other
 * namespace is owned by it: that is what lets a caller who is not root
 * unshare mount, net, ipc, uts and cgroup (user_namespaces(7)). Its maps
 * are written before any identity change (step 7), and nothing falls
 * back to running without a namespace the policy asked for.
 *
 * The pid namespace needs the supervisor that stays outside (design.md):
 * ns_apply_pid() enters the user namespace and unshares CLONE_NEWPID
 * before sup_start() forks, so the supervisor's child is pid 1 of the new
 * namespace, owned by the new user namespace (else a caller who is not
 * root could not create it). That pid 1 is the minimal init below: it
 * forks the service, reaps the orphans that the kernel re-parents to it,
 * forwards the supervisor's signals and exits with the service's status.
 * When it dies, the kernel kills every process of the namespace; its
 * parent-death signal (SIGKILL) ties it to the supervisor.
 */
#include "ns.h"
#include "supervisor.h"
#include "../core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

bool ns_has_cap(int cap)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};

	if (syscall(SYS_capget, &h, d))
		return false;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

const struct origin *ns_mount_key(const struct policy *p, const char **name)
{
	static const struct {
		const char *name;
		size_t at;
	} keys[] = {
	    {"root", offsetof(struct policy, root_at)},
	    {"bind_ro", offsetof(struct policy, bind_ro_at)},
	    {"bind_rw", offsetof(struct policy, bind_rw_at)},
	    {"tmpfs", offsetof(struct policy, tmpfs_at)},
	    {"read_only", offsetof(struct policy, read_only_at)},
	    {"read_write", offsetof(struct policy, read_write_at)},
	    {"inaccessible", offsetof(struct policy, inaccessible_at)},
	    {"noexec", offsetof(struct policy, noexec_at)},
	    {"exec", offsetof(struct policy, exec_paths_at)},
	    {"private_tmp", offsetof(struct policy, private_tmp_at)},
	    {"private_dev", offsetof(struct policy, private_dev_at)},
	    {"protect_kernel", offsetof(struct policy, protect_kernel_at)},
	};
	const enum tri *yes[] = {&p->private_tmp, &p->private_dev, &p->protect_kernel};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct origin *o = (const struct origin *)((const char *)p + keys[i].at);

		if (!o->file || (i >= 9 && *yes[i - 9] != TRI_YES))
			continue;
		*name = keys[i].name;
		return o;
	}
	return NULL;
}

/* The namespaces after the user one, in the order they are entered. */
static const struct ns_kind {
	int flag;
	const char *name; /* in /proc/self/ns and in [namespaces] */
	size_t at;	  /* offset of the key's origin in struct policy */
} ns_table[] = {
    {CLONE_NEWNS, "mnt", offsetof(struct policy, ns_mount_at)},
    {CLONE_NEWNET, "net", offsetof(struct policy, ns_net_at)},
    {CLONE_NEWIPC, "ipc", offsetof(struct policy, ns_ipc_at)},
    {CLONE_NEWUTS, "uts", offsetof(struct policy, ns_uts_at)},
    {CLONE_NEWCGROUP, "cgroup", offsetof(struct policy, ns_cgroup_at)},
};

static const char *key_name(const struct ns_kind *k)
{
	return k->flag == CLONE_NEWNS ? "mount" : k->name;
}

/* ---- plan ---- */

/* "INSIDE OUTSIDE COUNT\n" lines from the policy, or the default. */
static void map_text(char *buf, size_t len, const struct strlist *l, unsigned self, const struct origin *o,
		     const char *key)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!l->n) {
		snprintf(buf, len, "%u %u 1\n", self, self);
		return;
	}
	for (size_t i = 0; i + 2 < l->n && n < len; i += 3)
		n += (size_t)snprintf(buf + n, len - n, "%s %s %s\n", l->v[i], l->v[i + 1], l->v[i + 2]);
	if (n >= len)
		die(EXIT_HARDEN, "%s[namespaces] %s: more than %zu characters of lines", where(o), key,
		    len - 1);
}

/* Is @id inside one of the map's ranges? */
static bool mapped(const struct strlist *l, unsigned self, unsigned long id)
{
	if (!l->n)
		return id == self;
	for (size_t i = 0; i + 2 < l->n; i += 3) {
		unsigned long in = strtoul(l->v[i], NULL, 10), cnt = strtoul(l->v[i + 2], NULL, 10);

		if (id >= in && id - in < cnt)
			return true;
	}
	return false;
}

/*
 * Without CAP_SETUID (CAP_SETGID) here, the kernel accepts one line
 * mapping the caller's own id (user_namespaces(7), "Defining user and
 * group ID mappings"): say so now rather than fail at the write.
 */
static void check_unprivileged_map(const struct strlist *l, const struct origin *o, const char *key,
				   unsigned self, int cap)
{
	if (!l->n || ns_has_cap(cap))
		return;
	if (l->n == 3 && strtoul(l->v[1], NULL, 10) == self && !strcmp(l->v[2], "1"))
		return;
	die(EXIT_HARDEN,
	    "%s[namespaces] %s: without %s only the caller's own id may be mapped (OUTSIDE %u, COUNT 1)",
	    where(o), key, cap == CAP_SETUID ? "CAP_SETUID" : "CAP_SETGID", self);
}

static void plan_user(struct ns_plan *ns, const struct plan *pl, const struct policy *p)
{
	if (p->ns_user != TRI_YES) {
		if (p->uid_map_at.file || p->gid_map_at.file)
			die(EXIT_HARDEN, "%s[namespaces] %s: needs user = yes",
			    where(p->uid_map_at.file ? &p->uid_map_at : &p->gid_map_at),
			    p->uid_map_at.file ? "uid_map" : "gid_map");
		return;
	}
	ns->user = true;
	check_unprivileged_map(&p->uid_map, &p->uid_map_at, "uid_map", (unsigned)geteuid(), CAP_SETUID);
	check_unprivileged_map(&p->gid_map, &p->gid_map_at, "gid_map", (unsigned)getegid(), CAP_SETGID);
	map_text(ns->uid_map, sizeof(ns->uid_map), &p->uid_map, (unsigned)geteuid(), &p->uid_map_at,
		 "uid_map");
	map_text(ns->gid_map, sizeof(ns->gid_map), &p->gid_map, (unsigned)getegid(), &p->gid_map_at,
		 "gid_map");
	/* An unprivileged gid_map is accepted only once setgroups is
	 * denied: else dropping a group could grant access that a negative
	 * group ACL refused (CVE-2014-8989). */
	ns->deny_setgroups = !ns_has_cap(CAP_SETGID);
	if (!pl->ids)
		return;
	/* The identity step changes to ids as seen inside: they must exist there. */
	if (!mapped(&p->uid_map, (unsigned)geteuid(), pl->uid))
		die(EXIT_HARDEN, "%s[identity] user: uid %u is not mapped by [namespaces] uid_map",
		    where(&p->user_at), (unsigned)pl->uid);
	if (!mapped(&p->gid_map, (unsigned)getegid(), pl->gid))
		die(EXIT_HARDEN, "%s[identity] group: gid %u is not mapped by [namespaces] gid_map",
		    where(p->group_at.file ? &p->group_at : &p->user_at), (unsigned)pl->gid);
	for (size_t i = 0; i < pl->ngroups; i++)
		if (!mapped(&p->gid_map, (unsigned)getegid(), pl->groups[i]))
			die(EXIT_HARDEN,
			    "%s[identity] supplementary_groups: gid %u is not mapped by [namespaces] gid_map",
			    where(&p->groups_at), (unsigned)pl->groups[i]);
	if (ns->deny_setgroups && pl->set_groups && pl->ngroups)
		die(EXIT_HARDEN,
		    "%s[identity] supplementary_groups: setgroups is denied in a user namespace made without "
		    "CAP_SETGID",
		    where(&p->groups_at));
}

/*
 * pid = yes: the supervisor stays outside, an init is pid 1 inside.
 * proc: a new /proc shows the namespace's processes only; it needs a
 * mount namespace (never the host's /proc remounted), so it is on by
 * default where there is one, and asking for it makes one.
 */
static void plan_pid(struct ns_plan *ns, const struct policy *p)
{
	if (p->proc == TRI_YES && p->ns_pid != TRI_YES)
		die(EXIT_HARDEN, "%s[filesystem] proc = yes: needs [namespaces] pid = yes",
		    where(&p->proc_at));
	if (p->ns_pid != TRI_YES)
		return;
	ns->pid = true;
	/*
	 * A late apply's shim finds the service's tree from the init's
	 * children file, /proc/1/task/1/children (shim/late.c,
	 * check_shared_vm): that must be the namespace's own /proc, since in
	 * the host's pid 1 is another process and the pids are not the
	 * service's. So a late apply makes one (and its mount namespace).
	 */
	if (p->apply != APPLY_EXEC && p->proc == TRI_NO)
		die(EXIT_HARDEN,
		    "%s[filesystem] proc = no: a late apply in a pid namespace needs the namespace's own "
		    "/proc (the shim walks the service's tree there)",
		    where(&p->proc_at));
	if (p->apply != APPLY_EXEC && p->proc == TRI_UNSET && p->ns_mount == TRI_NO)
		die(EXIT_HARDEN,
		    "%s[namespaces] mount = no: a late apply in a pid namespace needs the namespace's own "
		    "/proc, in a mount namespace",
		    where(&p->ns_mount_at));
	if (p->proc == TRI_YES || p->apply != APPLY_EXEC) {
		if (p->ns_mount == TRI_NO)
			die(EXIT_HARDEN, "%s[filesystem] proc = yes: needs a mount namespace, and mount = no",
			    where(&p->proc_at));
		if (!(ns->flags & CLONE_NEWNS))
			ns->why = p->proc_at.file ? &p->proc_at : &p->ns_pid_at;
		ns->flags |= CLONE_NEWNS;
	}
	ns->proc = p->proc == TRI_YES || (p->proc == TRI_UNSET && (ns->flags & CLONE_NEWNS));
	sup_require("pid namespace");
}

void ns_plan_build(struct plan *pl, const struct policy *p)
{
	static struct ns_plan ns;
	const char *mname = NULL;
	const struct origin *mkey = ns_mount_key(p, &mname);

	memset(&ns, 0, sizeof(ns));
	if (p->hostname && p->ns_uts != TRI_YES)
		die(EXIT_HARDEN, "%s[namespaces] hostname = %s: needs uts = yes", where(&p->hostname_at),
		    p->hostname);
	if (mkey && p->ns_mount == TRI_NO)
		die(EXIT_HARDEN, "%s[namespaces] mount = no: the [filesystem] jail needs a mount namespace",
		    where(&p->ns_mount_at));
	if (p->ns_mount == TRI_YES || mkey)
		ns.flags |= CLONE_NEWNS;
	if (p->ns_net == TRI_YES)
		ns.flags |= CLONE_NEWNET;
	if (p->ns_ipc == TRI_YES)
		ns.flags |= CLONE_NEWIPC;
	if (p->ns_uts == TRI_YES)
		ns.flags |= CLONE_NEWUTS;
	if (p->ns_cgroup == TRI_YES)
		ns.flags |= CLONE_NEWCGROUP;
	ns.why = p->ns_mount == TRI_YES ? &p->ns_mount_at : mkey;
	plan_user(&ns, pl, p);
	plan_pid(&ns, p);
	if (!ns.flags && !ns.user && !ns.pid)
		return;
	if (ns.pid && !ns.user && !ns_has_cap(CAP_SYS_ADMIN))
		die(EXIT_HARDEN,
		    "%s[namespaces] pid = yes: this caller may not create the namespace without "
		    "CAP_SYS_ADMIN "
		    "(hint: set user = yes)",
		    where(&p->ns_pid_at));
	/* Without a user namespace each unshare needs CAP_SYS_ADMIN here. */
	if (!ns.user && ns.flags && !ns_has_cap(CAP_SYS_ADMIN)) {
		const struct origin *o = &p->ns_net_at;
		const char *what = "a namespace";

		for (size_t i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]); i++)
			if (ns.flags & ns_table[i].flag) {
				o = (const struct origin *)((const char *)p + ns_table[i].at);
				what = key_name(&ns_table[i]);
				break;
			}
		if (mkey && what[0] == 'm' && p->ns_mount != TRI_YES)
			die(EXIT_HARDEN,
			    "%s[filesystem] %s: needs a mount namespace, which this caller may not create "
			    "without CAP_SYS_ADMIN (hint: set [namespaces] user = yes)",
			    where(mkey), mname);
		die(EXIT_HARDEN,
		    "%s[namespaces] %s = yes: this caller may not create the namespace without CAP_SYS_ADMIN "
		    "(hint: set user = yes)",
		    where(o), what);
	}
	pl->ns = &ns;
}

/* The namespaces a plan enters, as "user net ...", for check and audit. */
size_t ns_names(const struct plan *pl, char *buf, size_t len)
{
	size_t n = 0, count = 0;

	buf[0] = '\0';
	if (!pl->ns)
		return 0;
	if (pl->ns->user) {
		n += (size_t)snprintf(buf, len, "user");
		count++;
	}
	for (size_t i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]) && n < len; i++)
		if (pl->ns->flags & ns_table[i].flag) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", key_name(&ns_table[i]));
			count++;
		}
	if (pl->ns->pid && n < len) {
		snprintf(buf + n, len - n, "%spid%s", n ? " " : "", pl->ns->proc ? " (proc)" : "");
		count++;
	}
	return count;
}

const char *ns_verify(const struct plan *pl, const char *pid)
{
	static char why[160];
	const size_t nt = sizeof(ns_table) / sizeof(ns_table[0]);
	/* The table's namespaces, then user and pid, which are not in it. */
	const char *names[sizeof(ns_table) / sizeof(ns_table[0]) + 2];
	const char *keys[sizeof(ns_table) / sizeof(ns_table[0]) + 2];
	bool want[sizeof(ns_table) / sizeof(ns_table[0]) + 2];

	if (!pl->ns)
		return NULL;
	for (size_t i = 0; i < nt; i++) {
		names[i] = ns_table[i].name;
		keys[i] = key_name(&ns_table[i]);
		want[i] = pl->ns->flags & ns_table[i].flag;
	}
	names[nt] = keys[nt] = "user";
	want[nt] = pl->ns->user;
	names[nt + 1] = keys[nt + 1] = "pid";
	want[nt + 1] = pl->ns->pid;
	for (size_t i = 0; i < nt + 2; i++) {
		char path[64];
		struct stat mine, its;

		if (!want[i])
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, names[i]);
		if (stat(path, &its)) {
			snprintf(why, sizeof(why), "cannot read %s: %s", path, strerror(errno));
			return why;
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (!stat(path, &mine) && mine.st_ino == its.st_ino && mine.st_dev == its.st_dev) {
			snprintf(why, sizeof(why), "the %s namespace is this one's, policy: a new one",
				 keys[i]);
			return why;
		}
	}
	return NULL;
}

/* ---- apply ---- */

#define fail(o, err, ...) fail_ns(o, err, __VA_ARGS__)

static _Noreturn void fail_ns(const struct origin *o, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static _Noreturn void fail_ns(const struct origin *o, int err, const char *fmt, ...)
{
	char what[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err)
		die(EXIT_HARDEN, "namespaces: %s%s: %s", where(o), what, strerror(err));
	die(EXIT_HARDEN, "namespaces: %s%s", where(o), what);
}

/* The inode of /proc/self/ns/@name: a new namespace has a new one. */
static ino_t ns_inode(const char *name, const struct origin *o)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &st))
		fail(o, errno, "%s: cannot read it back (is /proc mounted?)", path);
	return st.st_ino;
}

static void write_file(const char *path, const char *text, const struct origin *o)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		fail(o, errno, "[namespaces] user = yes: write %s", path);
	close(fd);
}

/* The map as the kernel reads it back, blanks squeezed. */
static void read_map(const char *path, char *buf, size_t len, const struct origin *o)
{
	char raw[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, raw, sizeof(raw) - 1);
	size_t j = 0;
	int blank = 1;

	if (n < 0)
		fail(o, errno, "[namespaces] user = yes: read back %s", path);
	close(fd);
	raw[n] = '\0';
	for (char *c = raw; *c && j + 1 < len; c++) {
		if (*c == ' ') {
			if (!blank)
				buf[j++] = ' ';
			blank = 1;
			continue;
		}
		if (*c == '\n' && j && buf[j - 1] == ' ')
			j--;
		buf[j++] = *c;
		blank = *c == '\n';
	}
	buf[j] = '\0';
}

/*
 * A map other than "my own id" must be written by a process that holds
 * CAP_SETUID/CAP_SETGID in the parent namespace (user_namespaces(7)),
 * which this process no longer is once it has unshared: a short-lived
 * child that stayed outside writes them, as newuidmap(1) would. Its exit
 * status is 0 or the errno of the write that failed.
 */
static pid_t map_writer(const struct ns_plan *ns, const int go[2])
{
	pid_t pid = fork();
	char path[64], c;
	pid_t parent;

	if (pid)
		return pid;
	parent = getppid();
	close(go[1]); /* else the parent's failure would not end the read */
	if (read(go[0], &c, 1) != 1)
		_exit(0); /* the parent failed before: nothing to write */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)parent);
	for (int i = 0; i < 2; i++) {
		const char *text = i ? ns->gid_map : ns->uid_map;
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
			_exit(errno & 0xff);
		close(fd);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)parent);
	}
	_exit(0);
}

static void apply_user(const struct plan *pl)
{
	const struct ns_plan *ns = pl->ns;
	const struct origin *o = &pl->pol->ns_user_at;
	ino_t before = ns_inode("user", o);
	bool outside = !ns->deny_setgroups && ns_has_cap(CAP_SETUID);
	int go[2] = {-1, -1}, status = 0, err;
	pid_t writer = -1;
	char got[1024];

	if (outside) {
		if (pipe2(go, O_CLOEXEC))
			fail(o, errno, "[namespaces] user = yes: pipe");
		writer = map_writer(ns, go);
		if (writer < 0)
			fail(o, errno, "[namespaces] user = yes: fork the map writer");
		close(go[0]);
	}
	err = unshare(CLONE_NEWUSER) ? errno : 0;
	if (outside) {
		if (!err && write(go[1], "x", 1) != 1)
			err = errno;
		close(go[1]);
		if (waitpid(writer, &status, 0) != writer)
			fail(o, errno, "[namespaces] user = yes: wait for the map writer");
	}
	if (err)
		fail(o, err,
		     "[namespaces] user = yes: unshare(CLONE_NEWUSER) refused (hint: the kernel or a sysctl "
		     "forbids "
		     "user namespaces: user.max_user_namespaces, kernel.unprivileged_userns_clone, or "
		     "AppArmor's "
		     "kernel.apparmor_restrict_unprivileged_userns on Ubuntu; harden-exec never runs without "
		     "it)");
	if (outside && (!WIFEXITED(status) || WEXITSTATUS(status)))
		fail(o, WIFEXITED(status) ? WEXITSTATUS(status) : 0,
		     "[namespaces] uid_map, gid_map: write from outside");
	if (!outside) {
		/*
		 * The caller maps its own ids. The map files belong to root
		 * while this process is not dumpable (step 1 made it so), so
		 * it could not open them: dumpable only for these writes.
		 */
		if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			fail(o, errno, "PR_SET_DUMPABLE");
		if (ns->deny_setgroups)
			write_file("/proc/self/setgroups", "deny", o);
		write_file("/proc/self/uid_map", ns->uid_map, o);
		write_file("/proc/self/gid_map", ns->gid_map, o);
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
			fail(o, errno, "PR_SET_DUMPABLE");
	}
	if (ns_inode("user", o) == before)
		fail(o, 0, "[namespaces] user = yes: /proc/self/ns/user did not change");
	read_map("/proc/self/uid_map", got, sizeof(got), o);
	if (strcmp(got, ns->uid_map))
		fail(o, 0, "[namespaces] uid_map does not read back as written");
	read_map("/proc/self/gid_map", got, sizeof(got), o);
	if (strcmp(got, ns->gid_map))
		fail(o, 0, "[namespaces] gid_map does not read back as written");
}

/*
 * A new network namespace holds only lo, and it is down: bring it up
 * (SIOCSIFFLAGS), read it back, and check that nothing else exists.
 */
static void loopback_up(const struct origin *o)
{
	struct ifreq ifr = {0};
	struct if_nameindex *names;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		fail(o, errno, "[namespaces] net = yes: socket for lo");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		fail(o, errno, "[namespaces] net = yes: SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		fail(o, errno, "[namespaces] net = yes: SIOCSIFFLAGS lo up");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) || !(ifr.ifr_flags & IFF_UP))
		fail(o, errno, "[namespaces] net = yes: lo does not read back as up");
	close(s);
	names = if_nameindex();
	if (!names)
		fail(o, errno, "[namespaces] net = yes: list the interfaces");
	for (struct if_nameindex *i = names; i->if_index; i++)
		if (strcmp(i->if_name, "lo"))
			fail(o, 0, "[namespaces] net = yes: interface %s in the new namespace", i->if_name);
	if_freenameindex(names);
}

static void set_hostname(const struct policy *p)
{
	struct utsname u;

	if (sethostname(p->hostname, strlen(p->hostname)))
		fail(&p->hostname_at, errno, "[namespaces] hostname = %s: sethostname", p->hostname);
	if (uname(&u) || strcmp(u.nodename, p->hostname))
		fail(&p->hostname_at, 0, "[namespaces] hostname = %s: does not read back", p->hostname);
}

static bool user_entered; /* by ns_apply_pid, before the supervisor's fork */

void ns_apply_pid(const struct plan *pl)
{
	const struct origin *o = &pl->pol->ns_pid_at;
	struct stat self, kids;

	if (!pl->ns || !pl->ns->pid)
		return;
	/* The user namespace first: the pid namespace belongs to the user
	 * namespace of the process that makes it. */
	if (pl->ns->user) {
		apply_user(pl);
		user_entered = true;
	}
	if (unshare(CLONE_NEWPID))
		fail(o, errno, "[namespaces] pid = yes: unshare");
	sup_pid_namespace();
	/* Read back: the namespace for children is no longer this one's.
	 * Until its pid 1 exists the kernel shows none (ENOENT), which is
	 * as good a proof; the init checks it is pid 1 as well. */
	if (stat("/proc/self/ns/pid", &self))
		fail(o, errno, "/proc/self/ns/pid: cannot read it back (is /proc mounted?)");
	if (stat("/proc/self/ns/pid_for_children", &kids) ? errno != ENOENT : self.st_ino == kids.st_ino)
		fail(o, errno == ENOENT ? 0 : errno,
		     "[namespaces] pid = yes: /proc/self/ns/pid_for_children did not change");
}

/* Socket activation names the service's pid as the service sees it. */
static void listen_pid(struct plan *pl)
{
	static char var[32];

	for (char **e = pl->envp; e && *e; e++)
		if (!strncmp(*e, "LISTEN_PID=", 11)) {
			snprintf(var, sizeof(var), "LISTEN_PID=%d", (int)getpid());
			*e = var;
		}
}

static int code_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * The init's loop, by the supervisor's rule: the service ends with a
 * failure: exit with it (the kernel then kills what is left of the
 * namespace); it ends with 0 and some of its tree remains (a forking
 * daemon): go on reaping and forwarding, and exit with the status of the
 * last to end. Signals are blocked and read from a signalfd: pid 1 of a
 * namespace has no default action, and one without a handler is dropped.
 */
static _Noreturn void init_loop(const struct plan *pl, pid_t svc, const sigset_t *set)
{
	bool done = false, after = false;
	int main_st = 0, last = 0;
	int sfd;

	/* The service's descriptors are its own, the late handoff too. */
	for (size_t i = 0; i < pl->nkeep; i++)
		close(pl->keep_fds[i]);
	if (pl->handoff_fd >= 0)
		close(pl->handoff_fd);
	sup_notify_drop();
	sfd = signalfd(-1, set, SFD_CLOEXEC);
	if (sfd < 0) {
		kill(svc, SIGKILL);
		fail(&pl->pol->ns_pid_at, errno, "[namespaces] pid = yes: init: signalfd");
	}
	for (;;) {
		struct signalfd_siginfo si;
		pid_t p;
		int st;

		while ((p = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
			if (p == svc) {
				done = true;
				main_st = code_of(st);
			} else if (done) {
				last = code_of(st);
				after = true;
			}
		}
		if (p < 0 && errno == ECHILD)
			_exit(after && main_st == 0 ? last : main_st);
		if (done && main_st != 0)
			_exit(main_st);
		if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo == SIGCHLD)
			continue;
		/* A terminal signalled the whole group: the service has it. */
		if (si.ssi_code == SI_KERNEL && !done && getpgid(svc) == getpgrp())
			continue;
		/* After the service: every process left in the namespace. */
		(void)kill(done ? -1 : svc, (int)si.ssi_signo);
	}
}

/* pid 1 of the new namespace: fork the service, which returns, and stay. */
static void run_init(struct plan *pl)
{
	static const int forwarded[] = {SIGCHLD, SIGTERM, SIGINT,  SIGHUP,
					SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	const struct origin *o = &pl->pol->ns_pid_at;
	sigset_t set, old;
	pid_t svc;

	if (getpid() != 1)
		fail(o, 0, "[namespaces] pid = yes: the init is pid %d, not 1", (int)getpid());
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &set, &old))
		fail(o, errno, "[namespaces] pid = yes: init: sigprocmask");
	svc = fork();
	if (svc < 0)
		fail(o, errno, "[namespaces] pid = yes: init: fork the service");
	if (svc) {
		log_event("namespaces", "pid: init is pid 1, service pid %d", (int)svc);
		init_loop(pl, svc, &set);
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL))
		fail(o, errno, "[namespaces] pid = yes: sigprocmask");
	/* Nothing outlives the init; apply_flags re-arms it after the
	 * identity change, checking the parent is still pid 1. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
		fail(o, errno, "[namespaces] pid = yes: PR_SET_PDEATHSIG");
	if (getppid() != 1)
		_exit(EXIT_HARDEN);
	pl->pdeathsig = true;
	pl->parent = 1;
	listen_pid(pl);
}

static bool proc_mounted;

bool ns_new_proc(void)
{
	return proc_mounted;
}

/* A new /proc for the pid namespace, over the old one in the private
 * mount namespace (the jail's rules, protect_kernel's, apply after). */
static void mount_proc(const struct plan *pl)
{
	const struct origin *o = pl->pol->proc_at.file ? &pl->pol->proc_at : &pl->pol->ns_pid_at;
	char self[32];
	ssize_t n;

	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		fail(o, errno, "[filesystem] proc = yes: mount proc on /proc");
	n = readlink("/proc/self", self, sizeof(self) - 1);
	if (n <= 0 || (self[n] = '\0', atoi(self) != (int)getpid()))
		fail(o, n < 0 ? errno : 0, "[filesystem] proc = yes: /proc/self does not read back as pid %d",
		     (int)getpid());
	proc_mounted = true;
}

void ns_apply(struct plan *pl)
{
	const struct ns_plan *ns = pl->ns;
	const struct policy *p = pl->pol;
	char detail[160] = "";
	size_t n = 0;

	if (!ns)
		return;
	if (ns->pid)
		run_init(pl);
	if (ns->user) {
		if (!user_entered)
			apply_user(pl);
		n += (size_t)snprintf(detail, sizeof(detail), "user");
	}
	for (size_t i = 0; i < sizeof(ns_table) / sizeof(ns_table[0]); i++) {
		const struct ns_kind *k = &ns_table[i];
		const struct origin *o = (const struct origin *)((const char *)p + k->at);
		ino_t before;

		if (!(ns->flags & k->flag))
			continue;
		if (k->flag == CLONE_NEWNS && !o->file)
			o = ns->why;
		before = ns_inode(k->name, o);
		if (unshare(k->flag))
			fail(o, errno, "[namespaces] %s = yes: unshare", key_name(k));
		if (ns_inode(k->name, o) == before)
			fail(o, 0, "[namespaces] %s = yes: /proc/self/ns/%s did not change", key_name(k),
			     k->name);
		/* Private first: nothing mounted inside may reach the host's
		 * mounts by propagation, nor the host's reach in. */
		if (k->flag == CLONE_NEWNS && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			fail(o, errno, "[namespaces] mount: make / private");
		if (k->flag == CLONE_NEWNET) {
			loopback_up(o);
			sup_notify_netns(); /* NOTIFY_SOCKET's relay, reachable from here */
		}
		if (k->flag == CLONE_NEWUTS && p->hostname)
			set_hostname(p);
		n += (size_t)snprintf(detail + n, sizeof(detail) - n, "%s%s", n ? " " : "", key_name(k));
		if (n >= sizeof(detail))
			n = sizeof(detail) - 1;
	}
	if (ns->proc)
		mount_proc(pl);
	if (ns->pid)
		snprintf(detail + n, sizeof(detail) - n, "%spid%s", n ? " " : "",
			 ns->proc ? ", new /proc" : "");
	log_event("namespaces", "%s%s", detail, ns->flags & CLONE_NEWNET ? ", lo up" : "");
}
