/* SPDX-License-Identifier: MIT */
/*
 * Policy loading: INI text -> struct policy. The inih handler only
 * validates and stores; nothing here changes process state.
 *
 * Strictness (harden-exec.ini(5)): unknown sections and keys, a key given
 * twice in one file, bad values, unknown syscall, set, capability, family
 * and errno names are errors with FILE:LINE. A file named by `include`
 * is loaded where the include stands (it must open the file), and keys
 * of the including file replace the included values.
 */
#include "policy.h"
#include "sets.h"
#include "../core/sysnames.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_POLICY_SIZE	  (1 << 20)
#define MAX_INCLUDE_DEPTH 8
#define MAX_KEYS	  256

struct loader {
	struct policy *p;
	const char *file;	/* name used in messages; lives as long as p */
	char *text, *pos, *end; /* the file's contents, and the reader's place */
	int line;		/* number of the line last handed to inih */
	int continuation;	/* that line continues the key before it, as inih sees it */
	int after_key;		/* a key came since the last section header */
	int depth;
	int keys_seen;		      /* outside [policy]: include must come first */
	int caps_none, families_none; /* "none" given: no names may follow */
	int ll_scope_none;
	char seen[MAX_KEYS][80];
	size_t nseen;
	struct policy_error *err;
	int failed;
};

static void fail(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct loader *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->failed++)
		return; /* the first problem is the one reported */
	n = snprintf(l->err->msg, sizeof(l->err->msg), "%s:%d: ", l->file, l->line);
	if (n < 0 || (size_t)n >= sizeof(l->err->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(l->err->msg + n, sizeof(l->err->msg) - n, fmt, ap);
	va_end(ap);
}

/* ---- value parsers: each returns 0, or -1 after fail() ---- */

static int parse_tri(struct loader *l, const char *key, const char *v, enum tri *out, int auto_ok)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true"))
		*out = TRI_YES;
	else if (!strcmp(v, "no") || !strcmp(v, "false"))
		*out = TRI_NO;
	else if (auto_ok && !strcmp(v, "auto"))
		*out = TRI_AUTO;
	else {
		fail(l, "%s = %s: expected yes or no%s", key, v, auto_ok ? " or auto" : "");
		return -1;
	}
	return 0;
}

/* Unsigned decimal with an optional unit suffix from @units. */
struct unit {
	const char *suffix;
	unsigned long long mult;
};

static const struct unit size_units[] = {{"", 1},	    {"K", 1ull << 10}, {"M", 1ull << 20},
					 {"G", 1ull << 30}, {"T", 1ull << 40}, {NULL, 0}};
static const struct unit sec_units[] = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {NULL, 0}};
static const struct unit usec_units[] = {{"", 1},	 {"us", 1},	  {"ms", 1000},
					 {"s", 1000000}, {"m", 60000000}, {NULL, 0}};
static const struct unit count_units[] = {{"", 1}, {NULL, 0}};

static int parse_number(const char *s, const struct unit *units, unsigned long long *out)
{
	char *end;
	unsigned long long n;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	for (const struct unit *u = units; u->suffix; u++) {
		if (strcmp(end, u->suffix))
			continue;
		if (n > ULLONG_MAX / u->mult)
			return -1;
		*out = n * u->mult;
		return 0;
	}
	return -1;
}

static int parse_rlim(const char *s, const struct unit *units, unsigned long long max, rlim_t *out)
{
	unsigned long long n;

	if (!strcmp(s, "unlimited") || !strcmp(s, "infinity")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (parse_number(s, units, &n) || n > max || n >= RLIM_INFINITY)
		return -1;
	*out = (rlim_t)n;
	return 0;
}

/* Split a value at blank space into a list (appending to @list). */
static void split_append(struct strlist *list, const char *v)
{
	const char *s = v;

	while (*s) {
		size_t n;

		while (isspace((unsigned char)*s))
			s++;
		n = strcspn(s, " \t");
		if (!n)
			break;
		list->v = realloc(list->v, (list->n + 2) * sizeof(*list->v));
		if (!list->v)
			abort();
		list->v[list->n] = strndup(s, n);
		if (!list->v[list->n])
			abort();
		list->v[++list->n] = NULL;
		s += n;
	}
}

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

/* ---- keys ---- */

struct key;
typedef int (*key_fn)(struct loader *l, const struct key *k, const char *v, int cont);

struct key {
	const char *section, *name;
	key_fn set;
	int list;   /* takes continuation lines */
	size_t off; /* offset of the setting's origin in struct policy */
	size_t val; /* offset of its value */
	int arg;    /* key-specific: resource, etc. */
	/* For a list whose items are each checked (set_checked): says what
	 * is wrong with one item. */
	int (*valid)(struct loader *l, const struct key *k, const char *item);
};

#define AT(field) offsetof(struct policy, field##_at), offsetof(struct policy, field)

static struct origin *origin_of(struct loader *l, const struct key *k)
{
	return (struct origin *)((char *)l->p + k->off);
}

static void *value_of(struct loader *l, const struct key *k)
{
	return (char *)l->p + k->val;
}

static int valid_env_name(const char *s, size_t n)
{
	if (!n || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static int set_include(struct loader *l, const struct key *k, const char *v, int cont);

/* [exec] stdin: null replaces descriptor 0 with /dev/null. */
static int set_stdin(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)k;
	(void)cont;
	if (!strcmp(v, "null"))
		l->p->stdin_null = TRI_YES;
	else if (!strcmp(v, "inherit"))
		l->p->stdin_null = TRI_NO;
	else {
		fail(l, "[exec] stdin = %s: expected null or inherit", v);
		return -1;
	}
	return 0;
}

static int set_env(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)k;
	(void)cont;
	if (!strcmp(v, "clear"))
		l->p->env = ENV_CLEAR;
	else if (!strcmp(v, "inherit"))
		l->p->env = ENV_INHERIT;
	else {
		fail(l, "[exec] env = %s: expected clear or inherit", v);
		return -1;
	}
	return 0;
}

/*
 * A list key: every item checked by @valid (which says what is wrong),
 * then the list replaced, or extended by a continuation line.
 */
static int set_checked_list(struct loader *l, const struct key *k, const char *v, int cont,
			    int (*valid)(struct loader *, const struct key *, const char *))
{
	struct strlist *list = value_of(l, k), add = {0};
	int rc = 0;

	split_append(&add, v);
	for (size_t i = 0; i < add.n && !rc; i++)
		rc = valid(l, k, add.v[i]);
	if (!rc && !cont)
		strlist_free(list);
	for (size_t i = 0; i < add.n && !rc; i++)
		split_append(list, add.v[i]);
	strlist_free(&add);
	return rc;
}

static int set_checked(struct loader *l, const struct key *k, const char *v, int cont)
{
	return set_checked_list(l, k, v, cont, k->valid);
}

static int valid_env_keep(struct loader *l, const struct key *k, const char *item)
{
	(void)k;
	if (valid_env_name(item, strlen(item)))
		return 0;
	fail(l, "[exec] env_keep: %s: not a variable name", item);
	return -1;
}

static int valid_env_set(struct loader *l, const struct key *k, const char *item)
{
	const char *eq = strchr(item, '=');

	(void)k;
	if (eq && valid_env_name(item, (size_t)(eq - item)))
		return 0;
	fail(l, "[exec] env_set: %s: expected NAME=VALUE", item);
	return -1;
}

static int valid_fd(struct loader *l, const struct key *k, const char *item)
{
	unsigned long long fd;

	(void)k;
	if (!parse_number(item, count_units, &fd) && fd >= 3 && fd <= 65535)
		return 0;
	fail(l, "[exec] pass_fds: %s: expected a descriptor number from 3 to 65535", item);
	return -1;
}

static int set_umask(struct loader *l, const struct key *k, const char *v, int cont)
{
	char *end;
	unsigned long m;

	(void)k;
	(void)cont;
	errno = 0;
	m = strtoul(v, &end, 8);
	if (!*v || *end || errno || m > 0777 || !isdigit((unsigned char)*v)) {
		fail(l, "[exec] umask = %s: expected an octal mode from 0000 to 0777", v);
		return -1;
	}
	l->p->umask = (mode_t)m;
	return 0;
}

static int set_tri(struct loader *l, const struct key *k, const char *v, int cont)
{
	enum tri *t = value_of(l, k);
	char name[80];

	(void)cont;
	snprintf(name, sizeof(name), "[%s] %s", k->section, k->name);
	return parse_tri(l, name, v, t, k->arg);
}

static int set_string(struct loader *l, const struct key *k, const char *v, int cont)
{
	char **s = value_of(l, k);

	(void)cont;
	if (k->arg && v[0] != '/') {
		fail(l, "[%s] %s = %s: expected an absolute path", k->section, k->name, v);
		return -1;
	}
	if (strpbrk(v, " \t")) {
		fail(l, "[%s] %s = %s: blank space in a name or path is not supported", k->section, k->name,
		     v);
		return -1;
	}
	free(*s);
	*s = xstrdup(v);
	return 0;
}

static int set_groups(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)k;
	if (!cont) {
		strlist_free(&l->p->group_list);
		if (!strcmp(v, "none")) {
			l->p->groups = GROUPS_NONE;
			return 0;
		}
		if (!strcmp(v, "init")) {
			l->p->groups = GROUPS_INIT;
			return 0;
		}
	} else if (l->p->groups != GROUPS_LIST) {
		fail(l, "[identity] supplementary_groups: none or init cannot be continued");
		return -1;
	}
	l->p->groups = GROUPS_LIST;
	split_append(&l->p->group_list, v);
	for (size_t i = 0; i < l->p->group_list.n; i++)
		if (!strcmp(l->p->group_list.v[i], "none") || !strcmp(l->p->group_list.v[i], "init")) {
			fail(l, "[identity] supplementary_groups: %s cannot be mixed with group names",
			     l->p->group_list.v[i]);
			return -1;
		}
	return 0;
}

static int set_limit(struct loader *l, const struct key *k, const char *v, int cont)
{
	static const struct {
		int res;
		const struct unit *units;
		unsigned long long max;
	} kinds[] = {
	    {RLIMIT_CPU, sec_units, ULLONG_MAX},      {RLIMIT_RTTIME, usec_units, ULLONG_MAX},
	    {RLIMIT_NICE, count_units, 40},	      {RLIMIT_RTPRIO, count_units, 99},
	    {RLIMIT_NOFILE, count_units, ULLONG_MAX}, {RLIMIT_NPROC, count_units, ULLONG_MAX},
	    {RLIMIT_LOCKS, count_units, ULLONG_MAX},  {RLIMIT_SIGPENDING, count_units, ULLONG_MAX},
	};
	const struct unit *units = size_units;
	unsigned long long max = ULLONG_MAX;
	struct limit_setting *ls = &l->p->limits[k->arg];
	char buf[INI_MAX_LINE], *colon;
	rlim_t soft, hard;

	(void)cont;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].res == k->arg) {
			units = kinds[i].units;
			max = kinds[i].max;
		}
	snprintf(buf, sizeof(buf), "%s", v);
	colon = strchr(buf, ':');
	if (colon)
		*colon = '\0';
	if (parse_rlim(buf, units, max, &soft) ||
	    (colon ? parse_rlim(colon + 1, units, max, &hard) : (hard = soft, 0))) {
		char range[48] = "a number";

		if (max != ULLONG_MAX)
			snprintf(range, sizeof(range), "a number from 0 to %llu", max);
		fail(l, "[limits] %s = %s: expected %s, or SOFT:HARD, or unlimited", k->name, v,
		     units == size_units   ? "a size such as 64K, 16M or 2G"
		     : units == sec_units  ? "seconds, or a time such as 90s, 5m or 1h"
		     : units == usec_units ? "microseconds, or a time such as 500ms or 2s"
					   : range);
		return -1;
	}
	if (soft != RLIM_INFINITY && (hard == RLIM_INFINITY ? 0 : soft > hard)) {
		fail(l, "[limits] %s = %s: the soft limit is above the hard limit", k->name, v);
		return -1;
	}
	if (soft == RLIM_INFINITY && hard != RLIM_INFINITY) {
		fail(l, "[limits] %s = %s: the soft limit is above the hard limit", k->name, v);
		return -1;
	}
	ls->at = (struct origin){l->file, l->line};
	ls->soft = soft;
	ls->hard = hard;
	return 0;
}

/* A capability name as a bit number, or -1 (numbers are not names). */
static int cap_bit(const char *name)
{
	char lower[64];
	cap_value_t cap;
	size_t j;

	for (j = 0; j < sizeof(lower) - 1 && name[j]; j++)
		lower[j] = (char)tolower((unsigned char)name[j]);
	lower[j] = '\0';
	if (strncmp(lower, "cap_", 4) || cap_from_name(lower, &cap) || cap < 0 || cap > 63)
		return -1;
	return cap;
}

static int family_bit(const char *name)
{
	int af = family_lookup(name);

	return af <= 63 ? af : -1;
}

/*
 * A list of names kept as a bit mask, or `none` alone. @none records a
 * `none` so that a continuation line cannot add names to it.
 */
static int set_mask(struct loader *l, const struct key *k, const char *v, int cont, int *none,
		    int (*bit)(const char *), const char *what)
{
	uint64_t *mask = value_of(l, k);
	struct strlist add = {0};
	int rc = 0;

	split_append(&add, v);
	if (!cont) {
		*mask = 0;
		*none = 0; /* set by this key's own "none" only */
	}
	if (!cont && add.n == 1 && !strcmp(add.v[0], "none"))
		*none = 1;
	else if (*none && cont) {
		fail(l, "[%s] %s: none cannot be continued with names", k->section, k->name);
		rc = -1;
	} else
		for (size_t i = 0; i < add.n && !rc; i++) {
			int b = bit(add.v[i]);

			if (b < 0) {
				fail(l, "[%s] %s: %s: unknown %s", k->section, k->name, add.v[i], what);
				rc = -1;
			} else
				*mask |= 1ull << b;
		}
	strlist_free(&add);
	return rc;
}

static int set_caps(struct loader *l, const struct key *k, const char *v, int cont)
{
	return set_mask(l, k, v, cont, &l->caps_none, cap_bit, "capability");
}

static int valid_syscall_item(struct loader *l, const struct key *k, const char *item)
{
	const char *key = k->name;
	int nr;

	if (item[0] == '@') {
		if (sysset_find(item))
			return 0;
		fail(l, "[seccomp] %s: %s: unknown syscall set", key, item);
		return -1;
	}
	if (sysname_nr(item) >= 0)
		return 0;
	/*
	 * A number names a syscall the build's table may not hold yet (a
	 * kernel newer than the build): accepted, with a warning that says
	 * what it is, so that a typo in a number does not pass unseen.
	 */
	if (isdigit((unsigned char)item[0])) {
		char *end;
		long v = strtol(item, &end, 10);

		if (*end || v >= SYSNAMES_NR_MAX || (item[0] == '0' && item[1])) {
			fail(l, "[seccomp] %s: %s: not a syscall number (0 to %d)", key, item,
			     SYSNAMES_NR_MAX - 1);
			return -1;
		}
		if (sysname_name((int)v))
			fprintf(stderr, "harden-exec: %s:%d: %ld is %s\n", l->file, l->line, v,
				sysname_name((int)v));
		else
			fprintf(stderr,
				"harden-exec: %s:%d: %ld is not a syscall this build knows (accepted)\n",
				l->file, l->line, v);
		return 0;
	}
	/* Not native: ask libseccomp whether it is a syscall anywhere. */
	nr = seccomp_syscall_resolve_name(item);
	if (nr == __NR_SCMP_ERROR) {
		fail(l, "[seccomp] %s: %s: unknown syscall", key, item);
		return -1;
	}
	if (nr < 0) {
		fail(l, "[seccomp] %s: %s: not a syscall on this architecture", key, item);
		return -1;
	}
	return 0;
}

static int set_action(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)k;
	(void)cont;
	if (!strcmp(v, "kill"))
		l->p->action = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(v, "trap"))
		l->p->action = SCMP_ACT_TRAP;
	else if (!strcmp(v, "log"))
		l->p->action = SCMP_ACT_LOG;
	else if (!strncmp(v, "errno:", 6)) {
		int e = errno_lookup(v + 6);

		if (e <= 0 || e > 4095) {
			fail(l, "[seccomp] action = %s: unknown errno name", v);
			return -1;
		}
		l->p->action = SCMP_ACT_ERRNO((unsigned)e);
	} else {
		fail(l, "[seccomp] action = %s: expected kill, trap, log or errno:NAME", v);
		return -1;
	}
	return 0;
}

static int set_apply(struct loader *l, const struct key *k, const char *v, int cont)
{
	static const char *const modes[] = {"exec", "main", "listen", "accept", "ready"};

	(void)k;
	(void)cont;
	for (int i = 0; i < 5; i++)
		if (!strcmp(v, modes[i])) {
			l->p->apply = i;
			return 0;
		}
	fail(l, "[seccomp] apply = %s: expected exec, main, listen, accept or ready", v);
	return -1;
}

static int set_deadline(struct loader *l, const struct key *k, const char *v, int cont)
{
	static const struct unit ms_units[] = {{"ms", 1},      {"s", 1000}, {"m", 60000},
					       {"h", 3600000}, {"", 1000},  {NULL, 0}};
	unsigned long long ms;

	(void)k;
	(void)cont;
	if (parse_number(v, ms_units, &ms) || ms < 10 || ms > 24ull * 3600 * 1000) {
		fail(l, "[seccomp] deadline = %s: expected a time from 10ms to 24h, such as 500ms, 30s or 2m",
		     v);
		return -1;
	}
	l->p->deadline_ms = (unsigned)ms;
	return 0;
}

static int set_families(struct loader *l, const struct key *k, const char *v, int cont)
{
	return set_mask(l, k, v, cont, &l->families_none, family_bit, "address family");
}

/* ---- argument rules ([seccomp] ioctl, prctl, socket_types, clone_flags) ---- */

static int valid_argument(struct loader *l, const struct key *k, const char *item)
{
	static const char *const what[] = {
	    [ARG_IOCTL] = "ioctl request",
	    [ARG_PRCTL] = "prctl option",
	    [ARG_SOCKET_TYPE] = "socket type",
	    [ARG_CLONE_FLAG] = "clone flag",
	};
	uint32_t v;
	int rc = argname_value((enum argkind)k->arg, item, &v);

	if (rc == -2) {
		fail(l, "[seccomp] %s: %s: above 32 bits (the kernel reads a 32-bit value)", k->name, item);
		return -1;
	}
	if (rc) {
		fail(l, "[seccomp] %s: %s: unknown %s (a name, or a number)", k->name, item, what[k->arg]);
		return -1;
	}
	/* Pushing input into a terminal (CVE-2017-5226) stays refused. */
	if (k->arg == ARG_IOCTL && (v == TIOCSTI || v == TIOCLINUX)) {
		fail(l, "[seccomp] %s: %s: always refused (it injects input into a terminal)", k->name, item);
		return -1;
	}
	if (k->arg == ARG_SOCKET_TYPE && v > 15) {
		fail(l, "[seccomp] %s: %s: not a socket type (0 to 15)", k->name, item);
		return -1;
	}
	return 0;
}

static int set_log_format(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)k;
	(void)cont;
	if (!strcmp(v, "text"))
		l->p->log_format = LOG_TEXT;
	else if (!strcmp(v, "json"))
		l->p->log_format = LOG_JSON;
	else {
		fail(l, "[log] format = %s: expected text or json", v);
		return -1;
	}
	return 0;
}

static int set_log_target(struct loader *l, const struct key *k, const char *v, int cont)
{
	(void)cont;
	if (!strcmp(v, "stderr")) {
		free(l->p->log_target);
		l->p->log_target = NULL;
		return 0;
	}
	if (v[0] != '/') {
		fail(l, "[log] target = %s: expected stderr or an absolute path", v);
		return -1;
	}
	return set_string(l, k, v, cont);
}

/* ---- [namespaces] and the [filesystem] jail (applied by ns.c, mounts.c) ---- */

/* An absolute path without ., .. or empty components, nor a trailing /:
 * the jail compares and creates paths by their text. */
static int clean_path(const char *s, size_t n)
{
	if (!n || s[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	if (s[n - 1] == '/')
		return 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, len;

		while (j < n && s[j] != '/')
			j++;
		len = j - i - 1;
		if (!len || (len == 1 && s[i + 1] == '.') || (len == 2 && s[i + 1] == '.' && s[i + 2] == '.'))
			return 0;
		i = j;
	}
	return 1;
}

static int valid_jail_path(struct loader *l, const struct key *k, const char *item)
{
	if (clean_path(item, strlen(item)))
		return 0;
	fail(l, "[%s] %s: %s: expected an absolute path without ., .. or //", k->section, k->name, item);
	return -1;
}

static int valid_bind(struct loader *l, const struct key *k, const char *item)
{
	const char *colon = strchr(item, ':');
	size_t n = colon ? (size_t)(colon - item) : strlen(item);

	if (clean_path(item, n) && (!colon || clean_path(colon + 1, strlen(colon + 1))))
		return 0;
	fail(l, "[filesystem] %s: %s: expected SRC or SRC:DST, absolute paths without ., .. or //", k->name,
	     item);
	return -1;
}

static int valid_tmpfs(struct loader *l, const struct key *k, const char *item)
{
	const char *colon = strchr(item, ':');
	unsigned long long size = 1;

	(void)k;
	if (clean_path(item, colon ? (size_t)(colon - item) : strlen(item)) &&
	    (!colon || (!parse_number(colon + 1, size_units, &size) && size > 0 && size < (1ull << 40))))
		return 0;
	fail(l, "[filesystem] tmpfs: %s: expected PATH or PATH:SIZE (such as /run:16M)", item);
	return -1;
}

/* uid_map / gid_map: each line INSIDE OUTSIDE COUNT, as user_namespaces(7). */
static int set_idmap(struct loader *l, const struct key *k, const char *v, int cont)
{
	struct strlist *list = value_of(l, k), add = {0};
	unsigned long long n[3] = {0, 0, 0};
	int rc = 0;

	split_append(&add, v);
	for (size_t i = 0; i < add.n && i < 3; i++)
		if (parse_number(add.v[i], count_units, &n[i]) || n[i] > 0xfffffffeull)
			rc = -1;
	if (rc || add.n != 3 || !n[2] || n[0] + n[2] > 0xffffffffull || n[1] + n[2] > 0xffffffffull) {
		fail(l, "[namespaces] %s = %s: expected INSIDE OUTSIDE COUNT on each line, such as 0 1000 1",
		     k->name, v);
		rc = -1;
	}
	if (!rc && !cont)
		strlist_free(list);
	for (size_t i = 0; i < add.n && !rc; i++)
		split_append(list, add.v[i]);
	strlist_free(&add);
	return rc;
}

static int set_hostname(struct loader *l, const struct key *k, const char *v, int cont)
{
	size_t n = strlen(v);

	if (n > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != n ||
	    v[0] == '-' || v[0] == '.') {
		fail(l, "[namespaces] hostname = %s: expected up to 64 letters, digits, - and .", v);
		return -1;
	}
	return set_string(l, k, v, cont);
}

static int set_root(struct loader *l, const struct key *k, const char *v, int cont)
{
	if (strcmp(v, "tmpfs") && !clean_path(v, strlen(v))) {
		fail(l, "[filesystem] root = %s: expected tmpfs or an absolute path without ., .. or //", v);
		return -1;
	}
	return set_string(l, k, v, cont);
}

/* ---- [landlock]: values only; wrapper/landlock.c resolves them ---- */

static int valid_ll_path(struct loader *l, const struct key *k, const char *item)
{
	if (item[0] == '/')
		return 0;
	fail(l, "[landlock] %s: %s: expected an absolute path", k->name, item);
	return -1;
}

static int valid_ll_port(struct loader *l, const struct key *k, const char *item)
{
	unsigned long long port;

	if (!strcmp(item, "any") || (!parse_number(item, count_units, &port) && port <= 65535))
		return 0;
	fail(l, "[landlock] %s: %s: expected a TCP port from 0 to 65535, or any", k->name, item);
	return -1;
}

/* Ports, or `any` alone (that kind of TCP access is then not handled). */
static int set_ll_ports(struct loader *l, const struct key *k, const char *v, int cont)
{
	const struct strlist *list = value_of(l, k);

	if (set_checked_list(l, k, v, cont, valid_ll_port))
		return -1;
	for (size_t i = 0; i < list->n && list->n > 1; i++)
		if (!strcmp(list->v[i], "any")) {
			fail(l, "[landlock] %s: any stands alone, without port numbers", k->name);
			return -1;
		}
	return 0;
}

static int ll_scope_bit(const char *name)
{
	if (!strcmp(name, "abstract_unix"))
		return 0; /* LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET */
	if (!strcmp(name, "signal"))
		return 1; /* LANDLOCK_SCOPE_SIGNAL */
	return -1;
}

static int set_ll_scope(struct loader *l, const struct key *k, const char *v, int cont)
{
	return set_mask(l, k, v, cont, &l->ll_scope_none, ll_scope_bit,
			"scope (expected abstract_unix or signal)");
}

/* ---- [cgroup] (applied by wrapper/cgroup.c) ---- */

/* Bytes: no more than the kernel's page counters hold on 64 bits. */
static int set_cg_size(struct loader *l, const struct key *k, const char *v, int cont)
{
	unsigned long long n;

	(void)cont;
	if (parse_number(v, size_units, &n) || n > (1ull << 62)) {
		fail(l, "[cgroup] %s = %s: expected a size such as 64K, 16M or 2G", k->name, v);
		return -1;
	}
	*(uint64_t *)value_of(l, k) = n;
	return 0;
}

/* A count from 1 to k->arg. */
static int set_cg_count(struct loader *l, const struct key *k, const char *v, int cont)
{
	unsigned long long n;

	(void)cont;
	if (parse_number(v, count_units, &n) || n < 1 || n > (unsigned long long)k->arg) {
		fail(l, "[cgroup] %s = %s: expected a number from 1 to %d", k->name, v, k->arg);
		return -1;
	}
	*(unsigned *)value_of(l, k) = (unsigned)n;
	return 0;
}

/*
 * A hard quota: N% of one CPU (a 100 ms period), or QUOTA/PERIOD in
 * microseconds; "QUOTA PERIOD" as cgroup v2's cpu.max writes it is the
 * same. The kernel takes periods from 1 ms to 1 s and quotas from 1 ms.
 */
static int set_cg_cpu_max(struct loader *l, const struct key *k, const char *v, int cont)
{
	unsigned long long quota, period = 100000;
	char buf[64], *sep;
	size_t n = strlen(v);

	(void)k;
	(void)cont;
	snprintf(buf, sizeof(buf), "%s", v);
	sep = strpbrk(buf, "/ ");
	if (n && v[n - 1] == '%' && n < sizeof(buf)) {
		buf[n - 1] = '\0';
		if (parse_number(buf, count_units, &quota) || quota < 1 || quota > 10000)
			goto bad;
		quota *= 1000; /* 1% of 100000 us */
	} else if (sep && n < sizeof(buf)) {
		*sep = '\0';
		if (parse_number(buf, count_units, &quota) || parse_number(sep + 1, count_units, &period) ||
		    period < 1000 || period > 1000000 || quota < 1000 || quota > 1000000ull * 1000000)
			goto bad;
	} else
		goto bad;
	l->p->cg_cpu_quota = quota;
	l->p->cg_cpu_period = period;
	return 0;
bad:
	fail(l, "[cgroup] cpu_max = %s: expected %s", v,
	     "a percentage of one CPU from 1% to 10000%, or QUOTA/PERIOD in microseconds (period 1000 to "
	     "1000000, quota from 1000)");
	return -1;
}

static const struct key keys[] = {
    {"policy", "include", set_include, 0, 0, 0, 0, NULL},
    {"exec", "env", set_env, 0, AT(env), 0, NULL},
    {"exec", "env_keep", set_checked, 1, AT(env_keep), 0, valid_env_keep},
    {"exec", "env_set", set_checked, 1, AT(env_set), 0, valid_env_set},
    {"exec", "pass_fds", set_checked, 1, AT(pass_fds), 0, valid_fd},
    {"exec", "umask", set_umask, 0, AT(umask), 0, NULL},
    {"exec", "no_new_privs", set_tri, 0, AT(no_new_privs), 0, NULL},
    {"exec", "setsid", set_tri, 0, AT(setsid), 1, NULL},
    {"exec", "stdin", set_stdin, 0, AT(stdin_null), 0, NULL},
    {"exec", "die_with_parent", set_tri, 0, AT(die_with_parent), 0, NULL},
    {"identity", "user", set_string, 0, AT(user), 0, NULL},
    {"identity", "group", set_string, 0, AT(group), 0, NULL},
    {"identity", "supplementary_groups", set_groups, 1, AT(groups), 0, NULL},
    {"capabilities", "keep", set_caps, 1, AT(caps_keep), 0, NULL},
    {"capabilities", "bound", set_caps, 1, AT(caps_bound), 0, NULL},
    {"seccomp", "allow", set_checked, 1, AT(allow), 0, valid_syscall_item},
    {"seccomp", "deny", set_checked, 1, AT(deny), 0, valid_syscall_item},
    {"seccomp", "action", set_action, 0, AT(action), 0, NULL},
    {"seccomp", "apply", set_apply, 0, AT(apply), 0, NULL},
    {"seccomp", "deadline", set_deadline, 0, AT(deadline_ms), 0, NULL},
    {"seccomp", "early_deny", set_checked, 1, AT(early_deny), 0, valid_syscall_item},
    {"seccomp", "address_families", set_families, 1, AT(families), 0, NULL},
    {"seccomp", "memory_deny_write_execute", set_tri, 0, AT(mdwe), 0, NULL},
    {"seccomp", "lock_personality", set_tri, 0, AT(lock_personality), 0, NULL},
    {"seccomp", "restrict_namespaces", set_tri, 0, AT(restrict_namespaces), 0, NULL},
    {"seccomp", "ioctl", set_checked, 1, AT(ioctls), ARG_IOCTL, valid_argument},
    {"seccomp", "prctl", set_checked, 1, AT(prctls), ARG_PRCTL, valid_argument},
    {"seccomp", "socket_types", set_checked, 1, AT(socket_types), ARG_SOCKET_TYPE, valid_argument},
    {"seccomp", "clone_flags", set_checked, 1, AT(clone_flags), ARG_CLONE_FLAG, valid_argument},
    {"filesystem", "chroot", set_string, 0, AT(chroot), 1, NULL},
    {"filesystem", "workdir", set_string, 0, AT(workdir), 1, NULL},
    {"namespaces", "net", set_tri, 0, AT(ns_net), 0, NULL},
    {"namespaces", "ipc", set_tri, 0, AT(ns_ipc), 0, NULL},
    {"namespaces", "uts", set_tri, 0, AT(ns_uts), 0, NULL},
    {"namespaces", "hostname", set_hostname, 0, AT(hostname), 0, NULL},
    {"namespaces", "cgroup", set_tri, 0, AT(ns_cgroup), 0, NULL},
    {"namespaces", "mount", set_tri, 0, AT(ns_mount), 0, NULL},
    {"namespaces", "user", set_tri, 0, AT(ns_user), 0, NULL},
    {"namespaces", "pid", set_tri, 0, AT(ns_pid), 0, NULL},
    {"filesystem", "proc", set_tri, 0, AT(proc), 0, NULL},
    {"namespaces", "uid_map", set_idmap, 1, AT(uid_map), 0, NULL},
    {"namespaces", "gid_map", set_idmap, 1, AT(gid_map), 0, NULL},
    {"filesystem", "root", set_root, 0, AT(root), 0, NULL},
    {"filesystem", "bind_ro", set_checked, 1, AT(bind_ro), 0, valid_bind},
    {"filesystem", "bind_rw", set_checked, 1, AT(bind_rw), 0, valid_bind},
    {"filesystem", "tmpfs", set_checked, 1, AT(tmpfs), 0, valid_tmpfs},
    {"filesystem", "read_only", set_checked, 1, AT(read_only), 0, valid_jail_path},
    {"filesystem", "read_write", set_checked, 1, AT(read_write), 0, valid_jail_path},
    {"filesystem", "inaccessible", set_checked, 1, AT(inaccessible), 0, valid_jail_path},
    {"filesystem", "noexec", set_checked, 1, AT(noexec), 0, valid_jail_path},
    {"filesystem", "exec", set_checked, 1, AT(exec_paths), 0, valid_jail_path},
    {"filesystem", "private_tmp", set_tri, 0, AT(private_tmp), 0, NULL},
    {"filesystem", "private_dev", set_tri, 0, AT(private_dev), 0, NULL},
    {"filesystem", "protect_kernel", set_tri, 0, AT(protect_kernel), 0, NULL},
    {"landlock", "read", set_checked, 1, AT(ll_read), 0, valid_ll_path},
    {"landlock", "write", set_checked, 1, AT(ll_write), 0, valid_ll_path},
    {"landlock", "exec", set_checked, 1, AT(ll_exec), 0, valid_ll_path},
    {"landlock", "refer", set_checked, 1, AT(ll_refer), 0, valid_ll_path},
    {"landlock", "ioctl_dev", set_checked, 1, AT(ll_ioctl_dev), 0, valid_ll_path},
    {"landlock", "tcp_bind", set_ll_ports, 1, AT(ll_tcp_bind), 0, NULL},
    {"landlock", "tcp_connect", set_ll_ports, 1, AT(ll_tcp_connect), 0, NULL},
    {"landlock", "scope", set_ll_scope, 1, AT(ll_scope), 0, NULL},
    {"landlock", "best_effort", set_tri, 0, AT(ll_best_effort), 0, NULL},
    {"landlock", "log", set_tri, 0, AT(ll_log), 0, NULL},
    {"landlock", "domain", set_tri, 0, AT(ll_domain), 0, NULL},
    {"cgroup", "memory_max", set_cg_size, 0, AT(cg_memory_max), 0, NULL},
    {"cgroup", "memory_high", set_cg_size, 0, AT(cg_memory_high), 0, NULL},
    {"cgroup", "memory_swap_max", set_cg_size, 0, AT(cg_memory_swap_max), 0, NULL},
    {"cgroup", "cpu_max", set_cg_cpu_max, 0, AT(cg_cpu_quota), 0, NULL},
    {"cgroup", "cpu_weight", set_cg_count, 0, AT(cg_cpu_weight), 10000, NULL},
    {"cgroup", "pids_max", set_cg_count, 0, AT(cg_pids_max), 4194304, NULL},
    {"log", "format", set_log_format, 0, AT(log_format), 0, NULL},
    {"log", "target", set_log_target, 0, AT(log_target), 1, NULL},
    {"log", "kernel", set_tri, 0, AT(log_kernel), 0, NULL},
    {"log", "violations", set_tri, 0, AT(log_violations), 0, NULL},
};

static const char *const sections[] = {
    "policy",	  "exec",	"identity", "limits",	"capabilities", "seccomp",
    "filesystem", "namespaces", "log",	    "landlock", "cgroup",
};

static int known_section(const char *s)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!strcmp(sections[i], s))
			return 1;
	return 0;
}

/* ---- inih glue ---- */

/*
 * inih's reader callback: hands inih one line at a time, so we always
 * know the line number and whether the line was indented (a continuation,
 * as inih sees it). A line longer than inih's buffer would be split and
 * its tail parsed as a line of its own, so it is an error instead.
 */
static char *reader(char *str, int num, void *stream)
{
	struct loader *l = stream;
	char *nl;
	size_t n;

	if (l->failed || l->pos >= l->end)
		return NULL;
	nl = memchr(l->pos, '\n', (size_t)(l->end - l->pos));
	n = nl ? (size_t)(nl - l->pos) : (size_t)(l->end - l->pos);
	l->line++;
	if (n >= (size_t)num - 1) {
		fail(l, "line longer than %d characters (continue a list on an indented line)", num - 2);
		return NULL;
	}
	memcpy(str, l->pos, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	l->pos += n + (nl ? 1 : 0);
	/*
	 * inih's rule: an indented line continues the key before it only when
	 * a key came since the last section header; otherwise an indented
	 * line is read like any other (a section header, a key).
	 */
	{
		const char *t = str + strspn(str, " \t");
		int blank_or_comment = !*t || strchr(";#\r\n", *t);

		l->continuation = t > str && l->after_key && !blank_or_comment;
		if (l->continuation || blank_or_comment)
			return str;
		if (*t == '[') {
			char *close = strchr(t, ']');
			const char *rest = close ? close + 1 + strspn(close + 1, " \t\r\n") : NULL;

			l->after_key = 0;
			if (!close)
				fail(l, "section header without ]");
			else if (*rest && *rest != ';' && *rest != '#')
				fail(l, "text after the section header");
			else {
				*close = '\0';
				if (!known_section(t + 1))
					fail(l, "[%s]: unknown section", t + 1);
				else if (strcmp(t + 1, "policy"))
					l->keys_seen = 1;
				*close = ']';
			}
		} else if (t[strcspn(t, "=:")] == ':') {
			/* inih also splits at ':'; this format is key = value only. */
			fail(l, "expected key = value, not key: value");
		}
	}
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	const struct key *k = NULL;
	char id[80], other[80], base[64];
	int cont = 0, extend = 0;

	if (l->failed)
		return 0;
	l->after_key = 1;
	if (!*section) {
		fail(l, "%s: key outside any section", name);
		return 0;
	}
	static struct key limit_key = {"limits", NULL, set_limit, 0, 0, 0, 0, NULL};

	/*
	 * `KEY += ITEMS` adds to a list an included file gave (inih reads the
	 * key's name as "KEY +"): a learned allow-list can grow without
	 * editing the generated file. Once per file, never beside `KEY =`
	 * in the same file, so a key still has one place per file.
	 */
	{
		size_t nl = strlen(name);

		if (nl > 1 && name[nl - 1] == '+') {
			while (nl > 1 && (name[nl - 2] == ' ' || name[nl - 2] == '\t'))
				nl--;
			snprintf(base, sizeof(base), "%.*s", (int)(nl - 1), name);
			name = base;
			extend = 1;
		}
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			k = &keys[i];
	if (!strcmp(section, "limits") && limit_lookup(name) >= 0) {
		limit_key.name = name;
		limit_key.arg = limit_lookup(name);
		k = &limit_key;
	}
	if (!k) {
		fail(l, "[%s] %s: unknown key", section, name);
		return 0;
	}
	snprintf(id, sizeof(id), "%s/%s%s", section, name, extend ? " +=" : "");
	snprintf(other, sizeof(other), "%s/%s%s", section, name, extend ? "" : " +=");
	for (size_t i = 0; i < l->nseen; i++) {
		cont |= !strcmp(l->seen[i], id);
		if (!strcmp(l->seen[i], other) && !l->continuation) {
			fail(l, "[%s] %s: given with both = and += in one file (write one of them)", section,
			     name);
			return 0;
		}
	}
	if (extend && !cont && !k->list) {
		fail(l, "[%s] %s +=: only a list can be added to", section, name);
		return 0;
	}
	if (extend && !cont && (!k->off || !origin_of(l, k)->file)) {
		fail(l, "[%s] %s +=: nothing to add to (no included file sets it; use =)", section, name);
		return 0;
	}
	if (cont && !l->continuation) {
		fail(l, "[%s] %s: key given twice", section, name);
		return 0;
	}
	if (cont && !k->list) {
		fail(l, "[%s] %s: takes one value, not a continued list", section, name);
		return 0;
	}
	if (!*value) {
		fail(l, "[%s] %s: empty value", section, name);
		return 0;
	}
	if (!cont) {
		if (l->nseen >= MAX_KEYS)
			return 0;
		snprintf(l->seen[l->nseen++], sizeof(l->seen[0]), "%s", id);
	}
	if (k->set(l, k, value, cont || extend))
		return 0;
	if (extend)
		return 1; /* the origin stays where the list began */
	if (k->off && !cont)
		*origin_of(l, k) = (struct origin){l->file, l->line};
	return 1;
}

/*
 * Names of the files loaded, for the origins in struct policy, which
 * point at them for the life of the process.
 */
static const char *file_name(const char *path)
{
	static char *names[MAX_INCLUDE_DEPTH + 2];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i] && !strcmp(names[i], path))
			return names[i];
		if (!names[i])
			return names[i] = xstrdup(path);
	}
	return xstrdup(path); /* more files than includes can nest: not reached */
}

static int load_text(struct policy *p, const char *file, char *text, size_t len, int depth,
		     struct policy_error *err);

/*
 * Read a policy file we can trust: not a symlink (O_NOFOLLOW), a regular
 * file, owned by root or the invoking user, writable by nobody else
 * (doas refuses a config "writable by group or other" for the same
 * reason: whoever can write the policy owns the service).
 */
/*
 * A directory on the way to a policy: owned by root or the invoking user,
 * and writable by nobody else, unless it is sticky (as /tmp is), where
 * only an entry's owner may rename or remove it, and the entry below is
 * checked in its turn. OpenSSH's StrictModes and doas hold the same line:
 * whoever can replace a directory on the path can replace the policy.
 */
static int trusted_dir(int fd, const char *path, const char *dir, struct policy_error *err)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s: %s", path, dir, strerror(errno));
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: directory %s is owned by uid %u, neither root nor the invoking user (refused)",
			 path, dir, (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: directory %s is writable by %s (refused; chmod go-w, or +t as /tmp has)", path,
			 dir, st.st_mode & S_IWOTH ? "others" : "its group");
		return -1;
	}
	return 0;
}

/*
 * Open @path for reading through trusted directories only: the folder's
 * real path is walked from / one component at a time (O_NOFOLLOW, each
 * checked on its opened descriptor), and the file is opened in the last
 * one, so nothing can be swapped between the checks and the open.
 */
static int open_trusted(const char *path, struct policy_error *err)
{
	const char *slash = strrchr(path, '/');
	char *dir, *real;
	int fd, next;

	if (!slash)
		dir = xstrdup(".");
	else if (asprintf(&dir, "%.*s", slash == path ? 1 : (int)(slash - path), path) < 0)
		abort();
	real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return -1; /* errno tells; the caller names @path */
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (trusted_dir(fd, path, "/", err))
		goto refused;
	for (char *c = real + strspn(real, "/"); *c; c += strspn(c, "/")) {
		char *end = c + strcspn(c, "/"), was = *end;
		int bad;

		*end = '\0'; /* real now names the path so far */
		next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		bad = fd < 0 ? -1 : trusted_dir(fd, path, real, err);
		*end = was;
		if (fd < 0)
			goto out;
		if (bad)
			goto refused;
		c = end;
	}
	next =
	    openat(fd, slash ? slash + 1 : path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(fd);
	free(real);
	return next;
refused:
	if (fd >= 0)
		close(fd);
	free(real);
	errno = EPERM;
	return -2;
out:
	free(real);
	return -1;
}

static int read_trusted(const char *path, char **text, size_t *len, struct policy_error *err)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open_trusted(path, err);
	if (fd == -2)
		return -1;
	if (fd < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 errno == ELOOP ? "is a symbolic link (refused: open the file itself)"
					: strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "%s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != getuid()) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: owned by uid %u, neither root nor the invoking user (refused)", path,
			 (unsigned)st.st_uid);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err->msg, sizeof(err->msg), "%s: writable by %s (refused; chmod go-w)", path,
			 st.st_mode & S_IWOTH ? "others" : "its group");
		goto out;
	}
	if (st.st_size > MAX_POLICY_SIZE) {
		snprintf(err->msg, sizeof(err->msg), "%s: larger than %d bytes", path, MAX_POLICY_SIZE);
		goto out;
	}
	*text = malloc((size_t)st.st_size + 1);
	if (!*text)
		abort();
	n = read(fd, *text, (size_t)st.st_size + 1);
	if (n != st.st_size) {
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path,
			 n < 0 ? strerror(errno) : "changed while being read");
		free(*text);
		goto out;
	}
	(*text)[n] = '\0';
	*len = (size_t)n;
	close(fd);
	return 0;
out:
	close(fd);
	return -1;
}

static int load_path(struct policy *p, const char *path, int depth, struct policy_error *err)
{
	char *text;
	size_t len;
	int rc;

	if (!path) {
		text = xstrdup(baseline_ini);
		return load_text(p, "baseline", text, strlen(text), depth, err);
	}
	if (read_trusted(path, &text, &len, err))
		return -1;
	rc = load_text(p, file_name(path), text, len, depth, err);
	return rc;
}

static int set_include(struct loader *l, const struct key *k, const char *v, int cont)
{
	char *path;
	int rc;

	(void)k;
	(void)cont;
	if (l->keys_seen) {
		fail(l, "[policy] include: must come before every other section");
		return -1;
	}
	if (l->depth >= MAX_INCLUDE_DEPTH) {
		fail(l, "[policy] include = %s: includes nested more than %d deep", v, MAX_INCLUDE_DEPTH);
		return -1;
	}
	if (!strcmp(v, "baseline"))
		return load_path(l->p, NULL, l->depth + 1, l->err) ? (l->failed++, -1) : 0;
	if (v[0] == '/')
		path = xstrdup(v);
	else {
		/* Relative to the including file's folder, never to the cwd. */
		const char *slash = strrchr(l->file, '/');
		int dl = slash ? (int)(slash - l->file) : 1;

		if (asprintf(&path, "%.*s/%s", dl, slash ? l->file : ".", v) < 0)
			abort();
	}
	rc = load_path(l->p, path, l->depth + 1, l->err);
	free(path);
	if (rc) {
		/* Say where the include stands, then what failed; a failure
		 * already placed at an include (a loop, a chain) stays as is. */
		char inner[sizeof(l->err->msg)];

		snprintf(inner, sizeof(inner), "%s", l->err->msg);
		if (strstr(inner, "[policy] include = ")) {
			l->failed++;
			return -1;
		}
		fail(l, "[policy] include = %s: %s", v, inner);
		return -1;
	}
	return 0;
}

static int load_text(struct policy *p, const char *file, char *text, size_t len, int depth,
		     struct policy_error *err)
{
	struct loader *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		abort();
	*l = (struct loader){
	    .p = p, .file = file, .text = text, .pos = text, .end = text + len, .depth = depth, .err = err};
	if (memchr(text, '\0', len)) {
		snprintf(err->msg, sizeof(err->msg), "%s: contains a NUL byte", file);
		rc = -1;
		goto out;
	}
	rc = ini_parse_stream(reader, l, handler, l);
	if (!l->failed && rc > 0) {
		l->line = rc;
		fail(l, "syntax error (expected [section], key = value, or a ; comment)");
	}
	rc = l->failed ? -1 : 0;
out:
	free(text);
	free(l);
	return rc;
}

int policy_load(struct policy *p, const char *path, struct policy_error *err)
{
	err->msg[0] = '\0';
	return load_path(p, path, 0, err);
}
