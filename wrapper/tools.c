/* SPDX-License-Identifier: MIT */
/*
 * Operator tools. Each loads the policy and builds a dry plan with the
 * code a run uses, so what they print is what a run would apply.
 *
 *   check POLICY [--json]               the effective plan, step by step
 *   audit POLICY [--json] [--threshold N]  an exposure score, 0.0 to 10.0
 *   verify POLICY PID [--json]          does a live process hold the policy?
 */
#include "tools.h"
#include "mounts.h"
#include "ns.h"
#include "cgroup.h"
#include "../core/log.h"
#include "../core/sysnames.h"
#include "landlock.h"
#include "plan.h"
#include "policy.h"
#include "sets.h"
#include "users.h"
#include "violations.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/securebits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

static const char *const apply_names[] = {"exec", "main", "listen", "accept", "ready"};

struct opts {
	const char *policy;
	const char *pid;
	int json;
	int threshold_set;
	double threshold;
};

static int parse_opts(int argc, char **argv, struct opts *o, int want_pid, const char *usage)
{
	int pos = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			o->json = 1;
		else if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
			char *end;

			o->threshold = strtod(argv[++i], &end);
			if (*end || o->threshold < 0 || o->threshold > 10)
				die(EXIT_HARDEN, "--threshold %s: expected a number from 0 to 10", argv[i]);
			o->threshold_set = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: harden-exec %s\n", usage);
			exit(0);
		} else if (argv[i][0] == '-' && argv[i][1])
			die(EXIT_HARDEN, "%s: unknown option (usage: harden-exec %s)", argv[i], usage);
		else if (pos == 0 && ++pos)
			o->policy = argv[i];
		else if (pos == 1 && want_pid && ++pos)
			o->pid = argv[i];
		else
			die(EXIT_HARDEN, "%s: unexpected argument (usage: harden-exec %s)", argv[i], usage);
	}
	if (!o->policy || (want_pid && !o->pid))
		die(EXIT_HARDEN, "usage: harden-exec %s", usage);
	return 0;
}

/*
 * Load and plan, or exit with @invalid and the run's FILE:LINE message:
 * check says 1 (its only verdict), audit and verify say 2, keeping 1 for
 * "too exposed" and "weaker than the policy".
 */
static void load(const char *path, struct policy *pol, struct plan *pl, int invalid)
{
	static char *noargv[] = {"true", NULL};
	struct policy_error err;

	log_fail_status(invalid);
	if (policy_load(pol, !strcmp(path, "baseline") ? NULL : path, &err))
		die(invalid, "%s", err.msg);
	plan_build(pl, pol, noargv, true);
}

/* ---- a tiny JSON writer: enough for flat objects and string arrays ---- */

static void jstr(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void jlist(const struct strlist *l)
{
	putchar('[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			putchar(',');
		jstr(l->v[i]);
	}
	putchar(']');
}

static void caps_text(uint64_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64; c++) {
		char *name;

		if (!(mask & (1ull << c)))
			continue;
		name = cap_to_name(c);
		for (char *q = name; q && *q; q++)
			*q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
		n +=
		    (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? " " : "", name ? name : "?");
		cap_free(name);
	}
	if (!mask)
		snprintf(buf, len, "none");
}

static void list_text(const struct strlist *l, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", i ? " " : "", l->v[i]);
}

static void families_text(uint64_t m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int af = 0; af < 64; af++)
		if (m & (1ull << af))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? " " : "",
					      family_name(af) ? family_name(af) : "?");
	if (!m)
		snprintf(buf, len, "none");
}

static void limit_text(rlim_t v, char *buf, size_t len)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* An action as the policy spells it: errno:EPERM, not errno:1. */
static void action_text(uint32_t action, char *buf, size_t len)
{
	const char *e = errno_name((int)(action & SECCOMP_RET_DATA));

	if ((action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO && e)
		snprintf(buf, len, "errno:%s", e);
	else
		filter_action_name(action, buf, len);
}

/* ---- check ---- */

/* The argument rules the policy sets, as given: a line each, or JSON
 * members ("ioctl":[...]) of the seccomp object. */
static void check_argument_rules(const struct policy *p, int json)
{
	const struct {
		const char *key;
		const struct origin *at;
		const struct strlist *l;
	} rules[] = {{"ioctl", &p->ioctls_at, &p->ioctls},
		     {"prctl", &p->prctls_at, &p->prctls},
		     {"socket_types", &p->socket_types_at, &p->socket_types},
		     {"clone_flags", &p->clone_flags_at, &p->clone_flags}};
	char buf[512];

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (!rules[i].at->file)
			continue;
		if (json) {
			printf(",\"%s\":", rules[i].key);
			jlist(rules[i].l);
			continue;
		}
		list_text(rules[i].l, buf, sizeof(buf));
		printf("                %s only %s\n", rules[i].key, buf);
	}
}

/*
 * A call the allow-list holds that deny or early_deny takes away again:
 * with a learned list that is a call the program was seen making, so
 * the service would fail there (issue 12, item 8). A warning on stderr,
 * one line per key; the policy stays valid.
 */
static int warn_removed(const struct policy *p, const struct strlist *deny, const struct origin *at,
			const char *key, int json, int nwarn)
{
	static bool in_allow[FILTER_NR_MAX], in_deny[FILTER_NR_MAX];
	char names[1024];
	size_t len = 0;
	int n = 0;

	if (!p->allow_at.file || !at->file)
		return nwarn;
	memset(in_allow, 0, sizeof(in_allow));
	memset(in_deny, 0, sizeof(in_deny));
	plan_expand(&p->allow, in_allow);
	plan_expand(deny, in_deny);
	names[0] = '\0';
	for (int nr = 0; nr < FILTER_NR_MAX; nr++)
		if (in_allow[nr] && in_deny[nr] && sysname_name(nr)) {
			if (len < sizeof(names) - 64)
				len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
							n ? " " : "", sysname_name(nr));
			n++;
		}
	if (!n)
		return nwarn;
	if (json) {
		char msg[1400];

		snprintf(msg, sizeof(msg), "%s:%d: [seccomp] %s removes %d calls the allow list holds: %s",
			 at->file, at->line, key, n, names);
		printf("%s", nwarn ? "," : "");
		jstr(msg);
	} else
		fprintf(stderr,
			"harden-exec: check: warning: %s:%d: [seccomp] %s removes %d calls the allow list "
			"(%s:%d) holds%s: %s%s\n",
			at->file, at->line, key, n, p->allow_at.file, p->allow_at.line,
			!strcmp(key, "early_deny") ? ", for the service's whole life" : "", names,
			len >= sizeof(names) - 64 ? " ..." : "");
	return nwarn + 1;
}

/* check's steps, numbered in the order harden-exec(1) lists the apply steps. */
static int check_step;

static void step(const char *name)
{
	printf("%2d %-14s", ++check_step, name);
}

/* Namespaces and the jail (ns.c, mounts.c): the namespaces step and the
 * start of the filesystem step's line, or JSON. */
static void check_isolation(const struct plan *pl, bool json)
{
	static char ns[256], jail[4096];

	ns_names(pl, ns, sizeof(ns));
	mounts_describe(pl, jail, sizeof(jail));
	if (json) {
		printf(",\"namespaces\":");
		jstr(ns);
		printf(",\"jail\":");
		if (pl->mounts)
			jstr(jail);
		else
			printf("null");
		return;
	}
	step("namespaces");
	printf("%s\n", *ns ? ns : "none");
	step("filesystem");
	if (pl->mounts)
		printf("jail %s; ", jail);
}

/* ---- Landlock (wrapper/landlock.c): its check line, audit finding and
 * verify note, kept together ---- */

static void landlock_check(const struct plan *pl, int json)
{
	const struct landlock_plan *ll = &pl->landlock;
	char what[512];

	landlock_text(ll->fs, ll->net, ll->scoped, what, sizeof(what));
	if (json) {
		printf(",\"landlock\":{\"abi\":%d,\"domain\":%s,\"rules\":%s,\"paths\":%zu,\"ports\":%zu,"
		       "\"handled\":",
		       ll->abi, ll->domain ? "true" : "false", ll->rules ? "true" : "false", ll->npaths,
		       ll->nports);
		jstr(ll->domain ? what : "nothing");
		printf(",\"log\":%s}", ll->flags & 2 /* LOG_NEW_EXEC_ON */ ? "true" : "false");
		return;
	}
	step("landlock");
	if (!ll->domain)
		printf("no domain (%s)\n", ll->none ? ll->none : "?");
	else if (!ll->rules && !ll->scoped)
		printf("a domain of its own, no rules (ABI %d)\n", ll->abi);
	else
		printf("ABI %d; %zu path and %zu port rules; handled: %s%s\n", ll->abi, ll->npaths,
		       ll->nports, what, pl->late ? " (from exec)" : "");
}

/* The kernel (6.18) shows no process's Landlock domain in /proc. */
static void landlock_verify(const struct plan *pl)
{
	printf(",\"landlock\":\"%s\"",
	       pl->landlock.domain ? "planned; not shown by the kernel" : "no domain planned");
}

/* [cgroup] for check: the limits and the files they go to (wrapper/cgroup.c). */
static void json_cgroup(void)
{
	char buf[1024];

	cgroup_describe(buf, sizeof(buf));
	printf("},\"cgroup\":{\"limits\":");
	if (buf[0])
		jstr(buf);
	else
		printf("null");
}

static void check_cgroup(void)
{
	char buf[1024];

	cgroup_describe(buf, sizeof(buf));
	step("cgroup");
	printf("%s\n", buf[0] ? buf : "none");
}

int tool_check(int argc, char **argv)
{
	static struct policy pol;
	static struct plan pl;
	struct opts o = {0};
	char a[2048], b[2048], act[64], um[16] = "unchanged";
	const struct policy *p = &pol;
	int first = 1, n;

	parse_opts(argc, argv, &o, 0, "check POLICY [--json]");
	load(o.policy, &pol, &pl, 1);
	action_text(p->action_at.file ? p->action : SCMP_ACT_KILL_PROCESS, act, sizeof(act));

	if (o.json) {
		printf("{\"policy\":");
		jstr(o.policy);
		printf(",\"valid\":true,\"sanitise\":{\"env\":\"%s\",\"env_keep\":",
		       p->env == ENV_CLEAR ? "clear" : "inherit");
		jlist(&p->env_keep);
		printf(",\"env_set\":");
		jlist(&p->env_set);
		printf(",\"pass_fds\":");
		jlist(&p->pass_fds);
		printf(",\"umask\":");
		if (p->umask_at.file)
			printf("\"%04o\"", (unsigned)p->umask);
		else
			printf("null");
		printf(",\"setsid\":\"%s\"},\"rlimits\":{", p->setsid == TRI_YES  ? "yes"
							    : p->setsid == TRI_NO ? "no"
										  : "auto");
		for (int r = 0; r < NLIMITS; r++) {
			if (!p->limits[r].at.file)
				continue;
			limit_text(p->limits[r].soft, a, sizeof(a));
			limit_text(p->limits[r].hard, b, sizeof(b));
			printf("%s\"%s\":[\"%s\",\"%s\"]", first ? "" : ",", limit_name(r), a, b);
			first = 0;
		}
		json_cgroup();
		printf("}");
		check_isolation(&pl, true);
		printf(",\"filesystem\":{\"chroot\":");
		if (p->chroot)
			jstr(p->chroot);
		else
			printf("null");
		printf(",\"workdir\":");
		if (p->workdir)
			jstr(p->workdir);
		else
			printf("null");
		printf("},\"identity\":");
		if (pl.ids) {
			printf("{\"uid\":%u,\"gid\":%u,\"groups\":[", (unsigned)pl.uid, (unsigned)pl.gid);
			for (size_t i = 0; i < pl.ngroups; i++)
				printf("%s%u", i ? "," : "", (unsigned)pl.groups[i]);
			printf("]}");
		} else
			printf("null");
		caps_text(pl.caps_keep, a, sizeof(a));
		printf(",\"capabilities\":");
		if (pl.caps || (pl.late && pl.ids)) {
			printf("{\"keep\":");
			jstr(a);
			printf("}");
		} else
			printf("null");
		printf(",\"no_new_privs\":%s,\"die_with_parent\":%s", pl.nnp ? "true" : "false",
		       pl.pdeathsig ? "true" : "false");
		printf(",\"seccomp\":");
		if (pl.bpf || pl.late_bpf) {
			families_text(p->families, a, sizeof(a));
			printf("{\"mode\":\"%s\",\"allow\":", p->allow_at.file ? "allow-list" : "deny-list");
			jlist(&p->allow);
			printf(",\"deny\":");
			jlist(&p->deny);
			printf(",\"action\":\"%s\",\"apply\":\"%s\",\"allowed_unconditionally\":%zu,"
			       "\"instructions\":%zu",
			       act, apply_names[pl.late], plan_allowed(&pl),
			       pl.late ? pl.late_bpf_len : pl.bpf_len);
			printf(",\"address_families\":");
			if (p->families_at.file)
				jstr(a);
			else
				printf("null");
			printf(",\"memory_deny_write_execute\":%s,\"lock_personality\":%s",
			       p->mdwe == TRI_YES ? "true" : "false",
			       p->lock_personality == TRI_YES ? "true" : "false");
			if (pl.late)
				printf(",\"early_instructions\":%zu,\"deadline_ms\":%u", pl.bpf_len,
				       pl.deadline_ms);
			check_argument_rules(p, 1);
			printf("}");
		} else
			printf("null");
		landlock_check(&pl, 1);
		printf(",\"warnings\":[");
		n = warn_removed(p, &p->deny, &p->deny_at, "deny", 1, 0);
		warn_removed(p, &p->early_deny, &p->early_deny_at, "early_deny", 1, n);
		printf("]}\n");
		return 0;
	}
	warn_removed(p, &p->deny, &p->deny_at, "deny", 0, 0);
	warn_removed(p, &p->early_deny, &p->early_deny_at, "early_deny", 0, 0);

	printf("%s: valid\n", o.policy);
	list_text(&p->env_keep, a, sizeof(a));
	list_text(&p->pass_fds, b, sizeof(b));
	if (p->umask_at.file)
		snprintf(um, sizeof(um), "%04o", (unsigned)p->umask);
	step("sanitise");
	printf("environment %s%s%s%s, %zu set; descriptors passed:%s%s; umask %s; setsid %s\n",
	       p->env == ENV_CLEAR ? "cleared" : "inherited less LD_*", p->env_keep.n ? " (keep " : "", a,
	       p->env_keep.n ? ")" : "", p->env_set.n, p->pass_fds.n ? " " : " none", b, um,
	       p->setsid == TRI_YES  ? "yes"
	       : p->setsid == TRI_NO ? "no"
				     : "auto");
	step("rlimits");
	for (int r = 0; r < NLIMITS; r++) {
		if (!p->limits[r].at.file)
			continue;
		limit_text(p->limits[r].soft, a, sizeof(a));
		limit_text(p->limits[r].hard, b, sizeof(b));
		printf("%s%s %s:%s", first ? "" : ", ", limit_name(r), a, b);
		first = 0;
	}
	printf("%s\n", first ? "unchanged" : "");
	check_cgroup();
	check_isolation(&pl, false);
	printf("chroot %s; workdir %s\n", p->chroot ? p->chroot : "none",
	       p->workdir ? p->workdir : "unchanged");
	landlock_check(&pl, 0);
	step("identity");
	if (pl.ids) {
		printf("uid %u gid %u groups", (unsigned)pl.uid, (unsigned)pl.gid);
		for (size_t i = 0; i < pl.ngroups; i++)
			printf(" %u", (unsigned)pl.groups[i]);
		printf("%s%s\n", pl.ngroups ? "" : " none", pl.late ? " (at the trigger)" : "");
	} else
		printf("unchanged\n");
	caps_text(pl.caps_keep, a, sizeof(a));
	step("capabilities");
	if (pl.caps)
		printf("keep %s; every other leaves every set, the bounding set included\n", a);
	else if (pl.late && pl.ids)
		printf("none, dropped with the uid change at the trigger\n");
	else
		printf("unchanged\n");
	step("no_new_privs");
	printf("%s; die_with_parent %s\n", pl.nnp ? "yes" : "no", pl.pdeathsig ? "yes" : "no");
	step("seccomp");
	if (pl.bpf || pl.late_bpf) {
		list_text(&p->allow, a, sizeof(a));
		list_text(&p->deny, b, sizeof(b));
		printf("%s%s%s%s%s; action %s; %zu syscalls allowed unconditionally; %zu "
		       "instructions\n",
		       p->allow_at.file ? "allow " : "deny-list", a,
		       p->allow_at.file && p->deny.n ? " less " : "", p->allow_at.file ? "" : " ", b, act,
		       plan_allowed(&pl), pl.late ? pl.late_bpf_len : pl.bpf_len);
		families_text(p->families, a, sizeof(a));
		printf("                 address families %s; W^X %s; personality %s; apply %s",
		       p->families_at.file ? a : "any", p->mdwe == TRI_YES ? "yes" : "no",
		       p->lock_personality == TRI_YES ? "locked" : "free", apply_names[pl.late]);
		if (pl.late)
			printf(" (early filter %zu instructions, deadline %ums)", pl.bpf_len, pl.deadline_ms);
		printf("\n");
		check_argument_rules(p, 0);
	} else
		printf("none\n");
	step("exec");
	printf("the command%s\n",
	       pl.late ? ", with libharden.so preloaded and a watchdog for the deadline" : "");
	return 0;
}

/* ---- audit ---- */

struct finding {
	const char *check;
	double exposure; /* 0: nothing exposed .. 1: fully */
	int weight;
	char what[256];
};

static int nfind;
static struct finding finds[48];

static struct finding *add(const char *check, int weight, double exposure, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static struct finding *add(const char *check, int weight, double exposure, const char *fmt, ...)
{
	struct finding *f = &finds[nfind++];
	va_list ap;

	f->check = check;
	f->weight = weight;
	f->exposure = exposure;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	return f;
}

/* Is any syscall of @set allowed by the (late or only) filter? Fraction. */
static double set_allowed(const struct plan *pl, const char *set)
{
	static bool member[FILTER_NR_MAX];
	const struct sock_filter *bpf = pl->late ? pl->late_bpf : pl->bpf;
	size_t len = pl->late ? pl->late_bpf_len : pl->bpf_len;
	struct strlist l = {(char *[]){(char *)set, NULL}, 1};
	int total = 0, open = 0;

	memset(member, 0, sizeof(member));
	plan_expand(&l, member);
	for (int nr = 0; nr < FILTER_NR_MAX; nr++) {
		struct seccomp_data d = {.nr = nr, .arch = filter_native_arch()};
		uint32_t a;

		if (!member[nr])
			continue;
		total++;
		a = bpf ? filter_run(bpf, len, &d) & SECCOMP_RET_ACTION_FULL : SECCOMP_RET_ALLOW;
		open += a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG;
	}
	return total ? (double)open / total : 0;
}

/* [landlock] in the audit (see landlock_check above). */
/*
 * No domain: other processes of the uid are reachable (/proc/PID/mem).
 * A domain alone closes that; rules narrow files and ports, scopes the
 * rest.
 */
static void landlock_audit(const struct plan *pl)
{
	const struct landlock_plan *ll = &pl->landlock;

	if (!ll->domain)
		add("landlock", 8, 1, "no domain: processes of the same uid are reachable (%s)",
		    ll->none ? ll->none : "?");
	else if (!ll->rules)
		add("landlock", 8, ll->scoped == 3 ? 0.5 : 0.6,
		    "a domain of its own, no file or port rules%s", ll->scoped ? ", scoped" : "");
	else
		add("landlock", 8, 0.3 - (ll->net ? 0.1 : 0) - (ll->scoped == 3 ? 0.1 : 0),
		    "rules on %zu paths and %zu ports%s", ll->npaths, ll->nports,
		    ll->scoped ? ", scoped" : "");
}

/*
 * The argument rules: shown for each syscall (open, refused, or held to a
 * list), but weighed only where the policy sets a rule, which then counts
 * as closed: a rule can only lower the score, and a profile audited before
 * rules existed keeps its score.
 */
static void audit_argument_rules(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	const struct {
		const char *check, *syscall;
		const struct strlist *l;
		double open;
	} rules[] = {{"ioctl-requests", "ioctl", p->ioctls_at.file ? &p->ioctls : NULL, 0.6},
		     {"prctl-options", "prctl", p->prctls_at.file ? &p->prctls : NULL, 1},
		     {"socket-types", "socket", p->socket_types_at.file ? &p->socket_types : NULL, 1},
		     {"clone-flags", "clone", p->clone_flags_at.file ? &p->clone_flags : NULL, 1}};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int nr = sysname_nr(rules[i].syscall);
		uint32_t a = nr >= 0 ? pl->actions[nr] & SECCOMP_RET_ACTION_FULL : 0;
		bool filtered = pl->bpf || pl->late_bpf;
		bool rule = rules[i].l && nr >= 0 && pl->checks[nr];
		double n = rules[i].l ? (double)rules[i].l->n : 0;

		if (filtered && a != SECCOMP_RET_ALLOW && a != SECCOMP_RET_LOG)
			add(rules[i].check, 0, 0, "%s refused", rules[i].syscall);
		else if (rule)
			add(rules[i].check, 2, 0, "%s: %.0f allowed", rules[i].syscall, n);
		else
			add(rules[i].check, 0, rules[i].open, "%s allowed whatever its arguments",
			    rules[i].syscall);
	}
}

/*
 * Capabilities that make their holder root in all but name: each one
 * alone reaches root's code or files (load a module, write /dev/mem,
 * ptrace a root process, read or write any file, become any user, load
 * BPF or change a MAC policy...).
 */
#define ROOT_CAPS                                                                                            \
	((1ull << CAP_SYS_ADMIN) | (1ull << CAP_SYS_MODULE) | (1ull << CAP_SYS_PTRACE) |                     \
	 (1ull << CAP_SYS_RAWIO) | (1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH) |              \
	 (1ull << CAP_SETUID) | (1ull << CAP_SETGID) | (1ull << CAP_SETFCAP) | (1ull << CAP_CHOWN) |         \
	 (1ull << CAP_FOWNER) | (1ull << CAP_BPF) | (1ull << CAP_MKNOD) | (1ull << CAP_SYS_BOOT) |           \
	 (1ull << CAP_MAC_ADMIN) | (1ull << CAP_MAC_OVERRIDE))
/* Strong, but bounded to one subsystem. */
#define STRONG_CAPS                                                                                          \
	((1ull << CAP_NET_ADMIN) | (1ull << CAP_NET_RAW) | (1ull << CAP_SYS_CHROOT) |                        \
	 (1ull << CAP_SETPCAP) | (1ull << CAP_LINUX_IMMUTABLE) | (1ull << CAP_SYS_RESOURCE) |                \
	 (1ull << CAP_SYS_TIME) | (1ull << CAP_SYS_NICE) | (1ull << CAP_KILL) | (1ull << CAP_IPC_OWNER) |    \
	 (1ull << CAP_AUDIT_CONTROL) | (1ull << CAP_SYSLOG) | (1ull << CAP_PERFMON) |                        \
	 (1ull << CAP_CHECKPOINT_RESTORE) | (1ull << CAP_FSETID) | (1ull << CAP_SYS_PACCT))

/* Exposure of a kept set: root-equivalent 1, strong 0.5 and up, the rest 0.15. */
static double caps_exposure(uint64_t keep)
{
	int strong = __builtin_popcountll(keep & STRONG_CAPS);

	if (keep & ROOT_CAPS)
		return 1;
	if (strong)
		return strong >= 4 ? 0.9 : 0.5 + 0.1 * (strong - 1);
	return keep ? 0.15 : 0;
}

/*
 * Groups that give their members root, or root's secrets: gid 0 owns
 * root's files, disk and kmem the raw devices, shadow the password
 * hashes, sudo and wheel root itself (with a password), docker and lxd
 * a root daemon; adm and systemd-journal read every log.
 */
static double group_exposure(gid_t gid, char *name, size_t len)
{
	static const struct {
		const char *name;
		double exposure;
	} risky[] = {{"disk", 1}, {"kmem", 1},	{"shadow", 1},
		     {"sudo", 1}, {"wheel", 1}, {"docker", 1},
		     {"lxd", 1},  {"adm", 0.5}, {"systemd-journal", 0.5}};
	gid_t g;

	if (gid == 0) {
		snprintf(name, len, "gid 0");
		return 1;
	}
	for (size_t i = 0; i < sizeof(risky) / sizeof(risky[0]); i++)
		if (!group_by_name(risky[i].name, &g) && g == gid) {
			snprintf(name, len, "%s", risky[i].name);
			return risky[i].exposure;
		}
	return 0;
}

/*
 * Namespaces and the filesystem jail: a new root with read-only system
 * paths scores best, a chroot or a read-only host tree next; each
 * namespace missing of net, mount, ipc, uts, cgroup and pid leaves a
 * sixth of that check exposed.
 */
static void audit_isolation(const struct plan *pl)
{
	const struct policy *p = pl->pol;
	char ns[256];
	size_t n = ns_names(pl, ns, sizeof(ns)) - (pl->ns && pl->ns->user);
	bool ro = p->read_only.n > 0;

	if (pl->new_root)
		add("filesystem", 10, ro ? 0 : 0.1, "a new root (%s)%s", p->root, ro ? ", read-only" : "");
	else if (p->chroot)
		add("filesystem", 10, 0.3, "chroot %s", p->chroot);
	else if (pl->mounts)
		add("filesystem", 10, ro ? 0.3 : 0.6, "the host's tree%s, with a jail's rules",
		    ro ? " read-only" : "");
	else
		add("filesystem", 10, 1, "the whole filesystem is visible");
	add("namespaces", 5, 1 - n / 6.0, n ? "%s%s" : "no namespaces%s", n ? ns : "",
	    pl->ns && !pl->ns->pid && n ? " (no pid namespace)" : "");
}

int tool_audit(int argc, char **argv)
{
	static struct policy pol;
	static struct plan pl;
	static const char *const risky_sets[] = {"@mount",	   "@module",	"@debug",  "@raw-io",
						 "@privileged",	   "@reboot",	"@swap",   "@clock",
						 "@cpu-emulation", "@obsolete", "@keyring"};
	struct opts o = {0};
	const struct policy *p = &pol;
	bool root = true, filter, log_only;
	double sum = 0, total = 0, score;
	int nrisky = (int)(sizeof(risky_sets) / sizeof(risky_sets[0]));
	char buf[512];

	parse_opts(argc, argv, &o, 0, "audit POLICY [--json] [--threshold N]");
	load(o.policy, &pol, &pl, 2);
	nfind = 0;
	filter = pl.bpf || pl.late_bpf;
	root = !pl.ids || pl.uid == 0;
	/* A filter whose refusals are only logged refuses nothing. */
	log_only = p->action_at.file && (p->action & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_LOG;

	add("identity", 15, root ? 1 : 0,
	    root ? "runs as root (no [identity] user, or uid 0)" : "runs as uid %u", (unsigned)pl.uid);
	{
		double worst = root ? 1 : 0, e;
		char name[64] = "", worst_name[64] = "root's";

		for (size_t i = 0; !root && i <= pl.ngroups; i++)
			if ((e = group_exposure(i ? pl.groups[i - 1] : pl.gid, name, sizeof(name))) > worst) {
				worst = e;
				snprintf(worst_name, sizeof(worst_name), "%s", name);
			}
		add("groups", 10, worst,
		    worst ? "in %s group: root's files, raw disks, password hashes, root itself or logs"
			  : "no root-equivalent group",
		    worst_name);
	}
	if (pl.caps) {
		caps_text(pl.caps_keep, buf, sizeof(buf));
		add("capabilities", 15, caps_exposure(pl.caps_keep), "keeps %s%s", buf,
		    pl.caps_keep & ROOT_CAPS ? " (root-equivalent)" : "");
	} else if (pl.late && pl.ids && pl.uid != 0)
		add("capabilities", 15, 0, "all dropped with the uid change at the trigger");
	else
		add("capabilities", 15, root ? 1 : 0.2,
		    root ? "no [capabilities]: root keeps every capability"
			 : "no [capabilities]: the bounding set is left as inherited");
	add("no_new_privs", 10, pl.nnp ? 0 : 1, pl.nnp ? "set" : "off: setuid binaries can gain privileges");
	if (!filter)
		add("seccomp", 15, 1, "no syscall filter");
	else if (log_only)
		add("seccomp", 15, 1, "action = log: every call is allowed, only logged");
	else if (!p->allow_at.file)
		add("seccomp", 15, 0.5, "a deny-list: every syscall not listed is allowed");
	else
		add("seccomp", 15, 0, "an allow-list: %zu syscalls allowed unconditionally",
		    plan_allowed(&pl));
	add("new-namespaces", 5, filter && p->restrict_namespaces == TRI_YES ? 0 : 1,
	    filter && p->restrict_namespaces == TRI_YES
		? "new namespaces refused"
		: "new namespaces (user namespaces: a kernel attack surface) allowed");
	for (int i = 0; i < nrisky; i++) {
		double open = set_allowed(&pl, risky_sets[i]);

		add(risky_sets[i], 2, open, open > 0 ? "%.0f%% of the set allowed" : "refused", open * 100);
	}
	add("foreign-abi", 3, filter ? 0 : 1,
	    filter ? "foreign architectures and x32 killed" : "i386 and x32 syscalls unfiltered");
	add("address-families", 5, p->families_at.file ? __builtin_popcountll(p->families) / 46.0 : 1,
	    p->families_at.file ? "restricted" : "any socket family");
	add("write-xor-execute", 3, p->mdwe == TRI_YES ? 0 : 1,
	    p->mdwe == TRI_YES ? "W+X memory refused" : "W+X memory allowed");
	add("personality", 2, p->lock_personality == TRI_YES ? 0 : 1,
	    p->lock_personality == TRI_YES ? "locked" : "personality changes allowed");
	audit_argument_rules(&pl);
	add("late-window", 5, pl.late ? 0.4 : 0,
	    pl.late ? "the service's initialisation runs before the filter (early filter %s)"
		    : "filter before exec",
	    pl.bpf ? "present" : "none");
	audit_isolation(&pl);
	add("core-dumps", 2, p->limits[RLIMIT_CORE].at.file && p->limits[RLIMIT_CORE].hard == 0 ? 0 : 1,
	    p->limits[RLIMIT_CORE].at.file && p->limits[RLIMIT_CORE].hard == 0
		? "off"
		: "allowed (memory may leak to disk)");
	add("process-limit", 2, p->limits[RLIMIT_NPROC].at.file ? 0 : 1,
	    p->limits[RLIMIT_NPROC].at.file ? "nproc limited" : "no nproc limit (fork bombs)");
	add("cgroup", 2,
	    (p->cg_memory_max_at.file ? 0 : 0.5) +
		(p->cg_pids_max_at.file || p->cg_cpu_quota_at.file ? 0 : 0.5),
	    "%s",
	    cgroup_wanted(p) ? "[cgroup] limits the group (memory_max and pids_max or cpu_max count)"
			     : "no [cgroup] limits (memory, CPU and fork bombs unbounded as a group)");
	add("descriptor-limit", 1, p->limits[RLIMIT_NOFILE].at.file ? 0 : 1,
	    p->limits[RLIMIT_NOFILE].at.file ? "nofile limited" : "nofile inherited");
	add("environment", 2, p->env == ENV_CLEAR ? 0 : 1,
	    p->env == ENV_CLEAR ? "cleared" : "inherited (less LD_*)");

	landlock_audit(&pl);
	for (int i = 0; i < nfind; i++) {
		sum += finds[i].weight * finds[i].exposure;
		total += finds[i].weight;
	}
	score = 10.0 * sum / total;
	/* One decimal, as printed, is what thresholds compare. */
	score = (double)(long)(score * 10 + 0.5) / 10;

	if (o.json) {
		printf("{\"policy\":");
		jstr(o.policy);
		printf(",\"score\":%.1f,\"checks\":[", score);
		for (int i = 0; i < nfind; i++) {
			printf("%s{\"check\":", i ? "," : "");
			jstr(finds[i].check);
			printf(",\"exposure\":%.2f,\"weight\":%d,\"detail\":", finds[i].exposure,
			       finds[i].weight);
			jstr(finds[i].what);
			printf("}");
		}
		printf("]}\n");
	} else {
		printf("%-18s %8s %6s  %s\n", "CHECK", "EXPOSURE", "WEIGHT", "DETAIL");
		for (int i = 0; i < nfind; i++)
			printf("%-18s %8.2f %6d  %s\n", finds[i].check, finds[i].exposure, finds[i].weight,
			       finds[i].what);
		printf("\n%s: exposure %.1f of 10.0 (%s)\n", o.policy, score,
		       score < 2   ? "good"
		       : score < 4 ? "fair"
		       : score < 7 ? "exposed"
				   : "unsafe");
	}
	if (o.threshold_set && score > o.threshold) {
		fprintf(stderr, "harden-exec: audit: exposure %.1f is above the threshold %.1f\n", score,
			o.threshold);
		return 1;
	}
	return 0;
}

/* ---- verify ---- */

static int mismatches;
static char mismatch_text[64][256];

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	va_list ap;

	if (mismatches < 64) {
		va_start(ap, fmt);
		vsnprintf(mismatch_text[mismatches], sizeof(mismatch_text[0]), fmt, ap);
		va_end(ap);
	}
	mismatches++;
}

static int read_status(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

static const char *status_field(const char *buf, const char *key)
{
	static char val[256];
	size_t kl = strlen(key);

	for (const char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, kl) && l[kl] == ':') {
			const char *v = l + kl + 1;
			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\n");
			snprintf(val, sizeof(val), "%.*s", (int)n, v);
			for (char *q = val; *q; q++)
				if (*q == '\t')
					*q = ' ';
			return val;
		}
	return NULL;
}

/* Does @live hold @want or less: each list of ids a subset? */
static int ids_subset(const char *live, const gid_t *want, size_t n, char *bad, size_t len)
{
	char copy[512], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", live);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		size_t j;

		for (j = 0; j < n && want[j] != (gid_t)strtoul(tok, NULL, 10); j++)
			;
		if (j == n) {
			snprintf(bad, len, "%s", tok);
			return 0;
		}
	}
	return 1;
}

/* All four ids of a Uid:/Gid: line equal to @id? */
static int ids_all(const char *v, unsigned id)
{
	unsigned a[4];

	return v && sscanf(v, "%u %u %u %u", &a[0], &a[1], &a[2], &a[3]) == 4 && a[0] == id && a[1] == id &&
	       a[2] == id && a[3] == id;
}

/*
 * One thread against the plan. A thread stricter than the plan holds: a
 * service may drop more than it was given (memcached lowering nofile,
 * sshd's per-connection child clearing its inheritable and ambient sets,
 * a second filter stacked by the service): only what is weaker than the
 * plan is a mismatch, so verify can serve as a liveness probe that
 * restarts nothing healthy (issue 12, item 9).
 */
static void verify_thread(const struct plan *pl, const char *pid, const char *tid)
{
	char path[128], buf[8192], bad[32];
	const char *v;
	unsigned long long cap;

	snprintf(path, sizeof(path), "/proc/%.20s/task/%.20s/status", pid, tid);
	if (read_status(path, buf, sizeof(buf)))
		return; /* the thread ended meanwhile */
	/* A non-root user is exact; the policy's root allows any user. */
	if (pl->ids && pl->uid != 0 && !ids_all(v = status_field(buf, "Uid"), (unsigned)pl->uid))
		mismatch("thread %s: Uid %s, policy %u", tid, v ? v : "?", (unsigned)pl->uid);
	if (pl->ids && pl->gid != 0 && !ids_all(v = status_field(buf, "Gid"), (unsigned)pl->gid))
		mismatch("thread %s: Gid %s, policy %u", tid, v ? v : "?", (unsigned)pl->gid);
	if (pl->ids && pl->set_groups && (v = status_field(buf, "Groups")) &&
	    !ids_subset(v, pl->groups, pl->ngroups, bad, sizeof(bad)))
		mismatch("thread %s: in group %s, not in the policy", tid, bad);
	if (pl->caps || (pl->late && pl->ids && pl->uid != 0)) {
		uint64_t keep = pl->caps ? pl->caps_keep : 0;
		static const char *const sets[] = {"CapPrm", "CapEff", "CapInh", "CapAmb", "CapBnd"};

		for (int i = 0; i < 5; i++) {
			if (pl->late && i >= 2)
				break; /* late: the uid change clears permitted and effective */
			if (!(v = status_field(buf, sets[i])) || sscanf(v, "%llx", &cap) != 1 ||
			    (cap & ~keep))
				mismatch("thread %s: %s %s, policy at most %016llx", tid, sets[i],
					 v ? v : "?", (unsigned long long)keep);
		}
	}
	if (pl->nnp && (!(v = status_field(buf, "NoNewPrivs")) || strcmp(v, "1")))
		mismatch("thread %s: NoNewPrivs %s, policy 1", tid, v ? v : "?");
	if (pl->bpf || pl->late_bpf) {
		unsigned n = 0;
		unsigned want_n = pl->late ? (pl->bpf ? 2 : 1) : 1;

		if (!(v = status_field(buf, "Seccomp")) || strcmp(v, "2"))
			mismatch("thread %s: Seccomp %s, policy 2 (filter)", tid, v ? v : "?");
		if (!(v = status_field(buf, "Seccomp_filters")) || sscanf(v, "%u", &n) != 1 || n < want_n)
			mismatch("thread %s: Seccomp_filters %s, policy at least %u", tid, v ? v : "?",
				 want_n);
	}
}

/* ---- the filters themselves ---- */

#define MAX_LIVE_FILTERS 32

static struct sock_filter *live_prog[MAX_LIVE_FILTERS];
static long live_len[MAX_LIVE_FILTERS];
static int filters_unread; /* not root: the contents could not be compared */

/*
 * Read every filter of thread @tid, newest first, with
 * PTRACE_SECCOMP_GET_FILTER. The kernel answers only for a tracee in a
 * ptrace stop, so the thread is seized and interrupted (a stop as short
 * as a debugger's attach; no signal is sent, and a signal that arrives
 * meanwhile is passed on at the detach), then let go. Returns the
 * number of filters, or -1 with errno.
 */
static int read_filters(pid_t tid)
{
	int status, n = 0, sig = 0, saved = 0;

	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL))
		return -1;
	if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) || waitpid(tid, &status, __WALL) != tid) {
		saved = errno;
		goto out;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		errno = ESRCH;
		return -1;
	}
	if (WIFSTOPPED(status) && (status >> 16) == 0)
		sig = WSTOPSIG(status); /* a signal-delivery stop: give the signal back */
	for (; n < MAX_LIVE_FILTERS; n++) {
		long len = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)n, NULL);

		if (len < 0) {
			if (errno != ENOENT)
				saved = errno;
			break;
		}
		free(live_prog[n]);
		live_prog[n] = calloc((size_t)len + 1, sizeof(struct sock_filter));
		if (!live_prog[n] ||
		    ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(long)n, live_prog[n]) != len) {
			saved = errno ? errno : EIO;
			break;
		}
		live_len[n] = len;
	}
out:
	ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig);
	if (saved) {
		errno = saved;
		return -1;
	}
	return n;
}

static int find_prog(int n, const struct sock_filter *prog, size_t len)
{
	for (int i = 0; i < n; i++)
		if (live_len[i] == (long)len && !memcmp(live_prog[i], prog, len * sizeof(*prog)))
			return i;
	return -1;
}

/*
 * Is the plan's own program among the thread's filters? Counting them
 * (Seccomp_filters) is not enough: a process never started by
 * harden-exec with an allow-everything filter shows the same count
 * (issue 13, item 7). More filters than the plan's hold: the kernel
 * runs them all and the strictest answer wins.
 */
static void verify_filters(const struct plan *pl, const char *tid)
{
	int n;

	if (!pl->bpf && !pl->late_bpf)
		return;
	n = read_filters((pid_t)atoi(tid));
	if (n < 0) {
		if (errno == ESRCH)
			return; /* the thread ended meanwhile */
		if (errno == EACCES || errno == EPERM || getuid() != 0) {
			/* Without CAP_SYS_ADMIN, from inside a filter, or without
			 * ptrace rights over the process (CAP_SYS_PTRACE in a
			 * container's default set), the kernel shows no filter: say
			 * so, and compare the counts only. */
			filters_unread = errno;
			return;
		}
		mismatch("thread %s: its filters cannot be read: %s", tid, strerror(errno));
		return;
	}
	if (pl->late_bpf && find_prog(n, pl->late_bpf, pl->late_bpf_len) < 0)
		mismatch("thread %s: the policy's late filter (%zu instructions) is not among its %d filters",
			 tid, pl->late_bpf_len, n);
	if (pl->bpf && find_prog(n, pl->bpf, pl->bpf_len) < 0)
		mismatch("thread %s: the policy's %sfilter (%zu instructions) is not among its %d filters",
			 tid, pl->late ? "early " : "", pl->bpf_len, n);
}

static void verify_limits(const struct plan *pl, const char *pid)
{
	static const char *const names[NLIMITS] = {
	    [RLIMIT_CPU] = "Max cpu time",
	    [RLIMIT_FSIZE] = "Max file size",
	    [RLIMIT_DATA] = "Max data size",
	    [RLIMIT_STACK] = "Max stack size",
	    [RLIMIT_CORE] = "Max core file size",
	    [RLIMIT_RSS] = "Max resident set",
	    [RLIMIT_NPROC] = "Max processes",
	    [RLIMIT_NOFILE] = "Max open files",
	    [RLIMIT_MEMLOCK] = "Max locked memory",
	    [RLIMIT_AS] = "Max address space",
	    [RLIMIT_LOCKS] = "Max file locks",
	    [RLIMIT_SIGPENDING] = "Max pending signals",
	    [RLIMIT_MSGQUEUE] = "Max msgqueue size",
	    [RLIMIT_NICE] = "Max nice priority",
	    [RLIMIT_RTPRIO] = "Max realtime priority",
	    [RLIMIT_RTTIME] = "Max realtime timeout",
	};
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/limits", pid);
	f = fopen(path, "re");
	if (!f) {
		mismatch("cannot read %s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (int r = 0; r < NLIMITS; r++) {
			const struct limit_setting *ls = &pl->pol->limits[r];
			char soft[32], hard[32];
			unsigned long long h;

			if (!ls->at.file || strncmp(line, names[r], strlen(names[r])) ||
			    sscanf(line + 26, "%31s %31s", soft, hard) != 2)
				continue;
			/* A service may move its soft limit, or lower the hard one
			 * further; the hard limit is the promise. */
			h = !strcmp(hard, "unlimited") ? RLIM_INFINITY : strtoull(hard, NULL, 10);
			if (ls->hard != RLIM_INFINITY && h > ls->hard)
				mismatch("limit %s: hard %s, policy at most %llu", limit_name(r), hard,
					 (unsigned long long)ls->hard);
		}
	fclose(f);
}

/* Is @root the policy's root, or a directory below it? */
static int root_holds(const char *root, const char *want)
{
	size_t n = strlen(want);

	return !strcmp(want, "/") || !strcmp(root, want) || (!strncmp(root, want, n) && root[n] == '/');
}

/*
 * Exit status, for probes: 0 holds (what the policy promises, or
 * stricter), 1 weaker (a mismatch), 2 the policy is invalid, 3 the
 * process is gone or cannot be read, 125 a usage error.
 */
/* [cgroup]: the limits of the live groups named by /proc/PID/cgroup. */
static void cgroup_mismatch(const char *text)
{
	mismatch("%s", text);
}

static void verify_cgroup(const char *pid)
{
	cgroup_verify((pid_t)atoi(pid), cgroup_mismatch);
}

int tool_verify(int argc, char **argv)
{
	static struct policy pol;
	static struct plan pl;
	struct opts o = {0};
	char path[PATH_MAX], root[PATH_MAX];
	struct dirent *e;
	ssize_t n;
	DIR *d;

	parse_opts(argc, argv, &o, 1, "verify POLICY PID [--json]");
	if (strspn(o.pid, "0123456789") != strlen(o.pid) || strlen(o.pid) > 10)
		die(EXIT_HARDEN, "verify: %s: not a pid", o.pid);
	load(o.policy, &pol, &pl, 2);
	log_fail_status(3);
	snprintf(path, sizeof(path), "/proc/%s/task", o.pid);
	d = opendir(path);
	if (!d)
		die(3, "verify: pid %s: %s", o.pid, errno == ENOENT ? "no such process" : strerror(errno));
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			verify_thread(&pl, o.pid, e->d_name);
			verify_filters(&pl, e->d_name);
		}
	closedir(d);
	verify_limits(&pl, o.pid);
	if (ns_verify(&pl, o.pid))
		mismatch("%s", ns_verify(&pl, o.pid));
	verify_cgroup(o.pid);
	snprintf(path, sizeof(path), "/proc/%s/root", o.pid);
	n = readlink(path, root, sizeof(root) - 1);
	if (n < 0 && (errno == EACCES || errno == EPERM) && !pol.chroot)
		; /* every root holds a policy without one; reading it needs ptrace rights */
	else if (n < 0)
		mismatch("cannot read %s: %s", path, strerror(errno));
	else {
		root[n] = '\0';
		if (!pl.new_root && !root_holds(root, pol.chroot ? pol.chroot : "/"))
			mismatch("root %s, policy %s", root, pol.chroot ? pol.chroot : "/");
	}
	if (kill((pid_t)atoi(o.pid), 0) && errno == ESRCH)
		die(3, "verify: pid %s: ended while being read", o.pid);
	if (filters_unread)
		fprintf(
		    stderr,
		    "harden-exec: verify: the filters' programs were not compared (%s: reading them "
		    "needs CAP_SYS_ADMIN and ptrace rights, outside any seccomp filter); only their count "
		    "was\n",
		    strerror(filters_unread));
	if (o.json) {
		printf("{\"pid\":%s,\"policy\":", o.pid);
		jstr(o.policy);
		landlock_verify(&pl);
		printf(",\"holds\":%s,\"filters_compared\":%s,\"mismatches\":[",
		       mismatches ? "false" : "true", filters_unread ? "false" : "true");
		for (int i = 0; i < mismatches && i < 64; i++) {
			printf("%s", i ? "," : "");
			jstr(mismatch_text[i]);
		}
		printf("]}\n");
	} else if (!mismatches)
		printf("pid %s holds %s\n", o.pid, o.policy);
	else
		for (int i = 0; i < mismatches && i < 64; i++)
			printf("mismatch: %s\n", mismatch_text[i]);
	return mismatches ? 1 : 0;
}

/* ---- explain ---- */

/* One refused call to explain: from a kernel record or given by hand. */
struct refusal {
	long nr;
	char pid[16], comm[64], exe[256], code[16], arch[16];
};

/* The value of " KEY=" in an audit line, quotes removed; "" if absent. */
static void record_field(const char *line, const char *key, char *out, size_t len)
{
	size_t k = strlen(key);
	const char *p = line;

	out[0] = '\0';
	for (; (p = strstr(p, key)); p += k)
		if (p == line || p[-1] == ' ')
			break;
	if (!p)
		return;
	p += k;
	if (*p == '"')
		p++;
	snprintf(out, len, "%.*s", (int)strcspn(p, "\" \n"), p);
}

/*
 * A kernel seccomp record (`type=1326 ... syscall=N` from dmesg,
 * `type=SECCOMP ... syscall=N` from audit.log), or else a syscall's
 * number or name. Returns 1 with @r filled, 0 for a line that holds no
 * seccomp record (other kernel lines), -1 for an unknown word.
 */
static int parse_refusal(const char *in, struct refusal *r)
{
	char nr[24], word[64];

	memset(r, 0, sizeof(*r));
	record_field(in, "syscall=", nr, sizeof(nr));
	if (*nr) {
		if (strstr(in, "type=") && !strstr(in, "type=1326") && !strstr(in, "type=SECCOMP"))
			return 0; /* an audit record of another kind */
		record_field(in, "pid=", r->pid, sizeof(r->pid));
		record_field(in, "comm=", r->comm, sizeof(r->comm));
		record_field(in, "exe=", r->exe, sizeof(r->exe));
		record_field(in, "code=", r->code, sizeof(r->code));
		record_field(in, "arch=", r->arch, sizeof(r->arch));
		r->nr = strtol(nr, NULL, 10);
		return 1;
	}
	if (sscanf(in, " %63s", word) != 1)
		return 0;
	if (isdigit((unsigned char)word[0])) {
		char *end;

		r->nr = strtol(word, &end, 10);
		return *end ? -1 : 1;
	}
	r->nr = sysname_nr(word);
	return r->nr < 0 ? -1 : 1;
}

static void explain_one(const struct plan *pl, const struct refusal *r, int json)
{
	const char *name = r->nr >= 0 && r->nr < FILTER_NR_MAX ? sysname_name((int)r->nr) : NULL;
	char why[512] = "", fix[512] = "", act[32] = "", num[24];
	const char *sets[64];
	size_t nsets = 0;
	bool foreign = *r->arch && strtoul(r->arch, NULL, 16) != filter_native_arch();

	if (name && !foreign)
		for (int i = 0; sysset_table[i].name && nsets < 64; i++)
			if (sysset_bits[i][r->nr / 8] >> (r->nr % 8) & 1)
				sets[nsets++] = sysset_table[i].name;
	snprintf(num, sizeof(num), "%ld", r->nr);
	if (foreign)
		snprintf(why, sizeof(why), "arch %s is not this machine's: every filter kills it", r->arch);
	else if (r->nr >= 0x40000000L && r->nr < 0x80000000L)
		snprintf(why, sizeof(why), "an x32 call (%ld | 0x40000000): every filter kills it",
			 r->nr - 0x40000000L);
	else if (!name)
		snprintf(why, sizeof(why), "not a syscall this build knows: every filter answers ENOSYS");
	else if (pl)
		action_text(violation_reason(pl, r->nr, name, why, sizeof(why), fix, sizeof(fix)), act,
			    sizeof(act));
	if (json) {
		printf("{\"nr\":%ld,\"name\":", r->nr);
		jstr(name && !foreign ? name : "");
		printf(",\"sets\":[");
		for (size_t i = 0; i < nsets; i++) {
			printf("%s", i ? "," : "");
			jstr(sets[i]);
		}
		printf("],\"pid\":");
		jstr(r->pid);
		printf(",\"exe\":");
		jstr(r->exe);
		printf(",\"policy_action\":");
		jstr(act);
		printf(",\"why\":");
		jstr(why);
		printf(",\"fix\":");
		jstr(fix);
		printf("}\n");
		return;
	}
	printf("syscall %ld: %s", r->nr, name && !foreign ? name : "?");
	if (*r->pid)
		printf(" (pid %s%s%s%s%s)", r->pid, *r->comm ? " " : "", r->comm, *r->exe ? " " : "", r->exe);
	if (*r->code) {
		char k[32];

		uint32_t code = (uint32_t)strtoul(r->code, NULL, 16);

		/* The kernel logs the action without its errno value. */
		printf(", kernel action %s", (code & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO
						 ? "errno"
						 : filter_action_name(code, k, sizeof(k)));
	}
	printf("\n");
	if (nsets) {
		printf("  sets:");
		for (size_t i = 0; i < nsets; i++)
			printf(" %s", sets[i]);
		printf("\n");
	}
	if (*why)
		printf("  %s%s%s%s\n", pl && name && !foreign ? "policy: " : "", act, *act ? ": " : "", why);
	if (*fix && !strncmp(fix, "allow += ", 9))
		printf(
		    "  to allow it, add to a policy that includes %s:\n    [seccomp]\n    %s\n  or add %s to "
		    "allow at %s:%d\n",
		    pl->pol->allow_at.file, fix, name, pl->pol->allow_at.file, pl->pol->allow_at.line);
	else if (*fix)
		printf("  to allow it, %s\n", fix);
}

/*
 * explain [POLICY] [RECORD | NR | NAME ...] [--json]: name a refused
 * call and say which line of POLICY refused it. Without words, reads
 * stdin, where lines that hold no seccomp record (the rest of dmesg) are
 * passed over. The first word is the policy when it is `baseline` or a
 * file that exists.
 */
int tool_explain(int argc, char **argv)
{
	static const char usage[] = "explain [POLICY] [RECORD | NR | NAME ...] [--json]";
	static struct policy pol;
	static struct plan pl;
	const struct plan *plp = NULL;
	int json = 0, first = 1, status = 0, found = 0;
	char line[4096];

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: harden-exec %s\n", usage);
			return 0;
		}
	for (int i = 1; i < argc; i++) {
		struct refusal r;

		if (!strcmp(argv[i], "--json"))
			continue;
		if (first && (!strcmp(argv[i], "baseline") || !access(argv[i], F_OK))) {
			load(argv[i], &pol, &pl, 2);
			plp = &pl;
			first = 0;
			continue;
		}
		first = 0;
		if (parse_refusal(argv[i], &r) <= 0) {
			fprintf(stderr, "harden-exec: explain: %s: no syscall of that name or number\n",
				argv[i]);
			status = 2;
			continue;
		}
		explain_one(plp, &r, json);
		found = 1;
	}
	if (found || status)
		return status;
	while (fgets(line, sizeof(line), stdin)) {
		struct refusal r;
		int rc = parse_refusal(line, &r);

		if (rc > 0) {
			explain_one(plp, &r, json);
			found = 1;
		} else if (rc < 0 && !strstr(line, "audit") && !strchr(line, '[')) {
			line[strcspn(line, "\n")] = '\0';
			fprintf(stderr, "harden-exec: explain: %s: no syscall of that name or number\n",
				line);
			status = 2;
		}
	}
	if (!found && !status) {
		fprintf(
		    stderr,
		    "harden-exec: explain: no seccomp record, number or name read (usage: harden-exec %s)\n",
		    usage);
		return 2;
	}
	return status;
}
