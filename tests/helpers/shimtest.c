/* SPDX-License-Identifier: MIT */
/*
 * shimtest: hand libharden.so a handoff without harden-exec, to test the
 * shim alone. Builds the blob (good, or broken in one chosen way), seals
 * it in a memfd, sets HARDEN_HANDOFF_FD and LD_PRELOAD, and execs.
 *
 *   shimtest [--trigger main|listen|accept|ready] [--deny NR[,NR...]]
 *            [--uid N --gid N [--groups G[,G...]]] [--action kill|errno:N]
 *            [--report] [--json] [--lone] [--shim PATH] [--no-nnp]
 *            [--bad magic|version|size|unsealed|trigger|truncated|missing-fd|
 *                   name|reserved|bpf|names|fdnum|flags]
 *            -- PROGRAM ARGS...
 *
 * The filter allows everything but the listed numbers, which get the
 * action, or SECCOMP_RET_TRAP with --report (the action then goes in
 * violation_action for the shim's handler). no_new_privs is set before
 * the exec, as harden-exec does for a late apply, unless --no-nnp.
 */
#include "../../core/filter.h"
#include "../../core/handoff.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: shimtest [--trigger main|listen|accept|ready] [--deny NR[,NR...]]\n"
	    "       [--uid N --gid N [--groups G,...]] [--action kill|errno:N] [--report] [--json] [--lone]\n"
	    "       [--shim PATH] [--no-nnp] [--bad "
	    "magic|version|size|unsealed|trigger|truncated|missing-fd|\n"
	    "                          name|reserved|bpf|names|fdnum|flags] -- PROGRAM ARGS...\n");
	exit(2);
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "shimtest: %s: %s\n", what, strerror(errno));
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 10);
	if (!*s || *e || errno || v > max) {
		fprintf(stderr, "shimtest: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

/* Names for the reports: enough for the tests, the real table comes from libseccomp. */
static const struct {
	long nr;
	const char *name;
} known[] = {
/* clang-format off */
#define N(x) { SYS_##x, #x }
	N(read),     N(write),     N(close),   N(openat),  N(mmap),     N(mprotect), N(ioctl),
	N(getpid),   N(getppid),   N(gettid),  N(socket),  N(connect),  N(accept4), N(bind),
	N(listen),   N(uname),     N(kill),    N(tgkill),  N(ptrace),   N(mount),   N(umount2),
	N(unshare),  N(setns),     N(getuid),  N(setuid),  N(setgid),   N(chdir),   N(mkdirat),
	N(unlinkat), N(personality), N(sethostname), N(rt_sigaction), N(execve), N(clone),
	N(getcwd),   N(getrandom), N(sysinfo), N(times),   N(getpriority),
#ifdef SYS_open
	N(open),     N(stat),      N(access),  N(mkdir),   N(unlink),   N(fork),    N(getpgrp),
	N(poll),     N(select),    N(time),
#endif
#undef N
    /* clang-format on */
};

struct opts {
	uint32_t trigger, flags, uid, gid, action;
	uint32_t groups[64];
	unsigned ngroups;
	int deny[FILTER_NR_MAX];
	const char *bad, *shim;
	int no_nnp;
};

/* Up to @max numbers below @lim, separated by commas. */
static unsigned list(const char *s, uint32_t *out, unsigned max, unsigned long lim)
{
	char buf[4096], *tok, *save;
	unsigned n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			fprintf(stderr, "shimtest: too many numbers in '%s'\n", s);
			exit(2);
		}
		out[n++] = (uint32_t)number(tok, lim);
	}
	return n;
}

static char *shim_path(const char *given)
{
	char exe[PATH_MAX], try[PATH_MAX + 32], *r;
	ssize_t n;

	if (given)
		return realpath(given, NULL) ?: (die(given), NULL);
	/* build/tests/shimtest -> build/libharden.so, else ./build/libharden.so */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(try, sizeof(try), "%s/../libharden.so", dirname(exe));
		if ((r = realpath(try, NULL)))
			return r;
	}
	return realpath("build/libharden.so", NULL) ?: (die("build/libharden.so (use --shim)"), NULL);
}

/* Append @n bytes to the blob. */
static void add(unsigned char *blob, size_t *len, const void *p, size_t n)
{
	if (*len + n > HANDOFF_MAX_SIZE + 64) {
		fprintf(stderr, "shimtest: blob too large\n");
		exit(2);
	}
	memcpy(blob + *len, p, n);
	*len += n;
}

static size_t build(const struct opts *o, const char *shim, unsigned char *blob)
{
	static struct filter_spec spec;
	static struct sock_filter prog[FILTER_MAX_INSNS];
	static char names[FILTER_NR_MAX * 16];
	struct handoff h = {.version = HANDOFF_VERSION, .trigger = o->trigger, .flags = o->flags};
	size_t len = sizeof(h), nlen = 0;
	long count = 0;
	int insns;

	filter_spec_init(&spec, SECCOMP_RET_ALLOW);
	for (int nr = 0; nr < FILTER_NR_MAX; nr++)
		if (o->deny[nr])
			spec.action[nr] = (o->flags & HF_REPORT) ? SECCOMP_RET_TRAP : o->action;
	insns = filter_build(&spec, prog, FILTER_MAX_INSNS);
	if (insns < 0)
		die("filter_build");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].nr + 1 > count)
			count = known[i].nr + 1;
	for (long nr = 0; nr < count; nr++) {
		const char *name = "";

		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (known[i].nr == nr)
				name = known[i].name;
		nlen += (size_t)sprintf(names + nlen, "%s", name) + 1;
	}

	memcpy(h.magic, HANDOFF_MAGIC, sizeof(h.magic));
	h.uid = o->uid;
	h.gid = o->gid;
	h.ngroups = o->ngroups;
	h.bpf_len = (uint32_t)insns;
	h.violation_action = (o->flags & HF_REPORT) ? o->action : 0;
	h.names_len = (uint32_t)nlen;
	h.names_count = (uint32_t)count;
	h.shim_path_len = (uint32_t)strlen(shim);
	h.expected_filters = 1;

	add(blob, &len, o->groups, 4 * o->ngroups);
	add(blob, &len, prog, sizeof(prog[0]) * (size_t)insns);
	add(blob, &len, names, nlen);
	add(blob, &len, shim, strlen(shim));
	while (len % 4)
		blob[len++] = 0;

	/* The broken variants, one field each. */
	h.size = (uint32_t)len;
	if (!strcmp(o->bad, "magic"))
		h.magic[0] = 'X';
	else if (!strcmp(o->bad, "version"))
		h.version = HANDOFF_VERSION + 1;
	else if (!strcmp(o->bad, "trigger"))
		h.trigger = 9;
	else if (!strcmp(o->bad, "reserved"))
		h.reserved = 1;
	else if (!strcmp(o->bad, "bpf"))
		h.bpf_len = 0;
	else if (!strcmp(o->bad, "names"))
		h.names_count = (uint32_t)count + 1;
	else if (!strcmp(o->bad, "flags"))
		h.flags |= 1u << 7;
	else if (!strcmp(o->bad, "size")) {
		/* header and memfd agree, but the parts do not add up to it */
		memset(blob + len, 0, 4);
		len += 4;
		h.size = (uint32_t)len;
	}
	memcpy(blob, &h, sizeof(h));
	return len;
}

static int handoff_fd(const struct opts *o, const unsigned char *blob, size_t len)
{
	const char *name = strcmp(o->bad, "name") ? HANDOFF_MEMFD_NAME : "not-a-handoff";
	int fd = memfd_create(name, MFD_ALLOW_SEALING); /* no CLOEXEC: it crosses the exec */

	if (fd < 0)
		die("memfd_create");
	if (!strcmp(o->bad, "truncated"))
		len -= 8; /* the header still says the full size */
	if (write(fd, blob, len) != (ssize_t)len)
		die("write memfd");
	if (strcmp(o->bad, "unsealed") &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL))
		die("F_ADD_SEALS");
	if (!strcmp(o->bad, "missing-fd"))
		close(fd); /* the number now names nothing */
	return fd;
}

int main(int argc, char **argv)
{
	static struct opts o = {.trigger = TRIGGER_MAIN, .action = SECCOMP_RET_KILL_PROCESS, .bad = ""};
	static unsigned char blob[HANDOFF_MAX_SIZE + 64];
	const char *old;
	char num[32], *shim, *preload;
	size_t len;
	int i, fd;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--report")) {
			o.flags |= HF_REPORT;
			continue;
		}
		if (!strcmp(a, "--json")) {
			o.flags |= HF_JSON;
			continue;
		}
		if (!strcmp(a, "--lone")) {
			o.flags |= HF_LONE;
			continue;
		}
		if (!strcmp(a, "--no-nnp")) {
			o.no_nnp = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--trigger")) {
			const char *t[] = {"", "main", "listen", "accept", "ready"};

			for (o.trigger = 4; o.trigger > 0 && strcmp(v, t[o.trigger]); o.trigger--)
				;
			if (!o.trigger)
				usage();
		} else if (!strcmp(a, "--deny")) {
			uint32_t nrs[FILTER_NR_MAX];
			unsigned n = list(v, nrs, FILTER_NR_MAX, FILTER_NR_MAX - 1);

			for (unsigned k = 0; k < n; k++)
				o.deny[nrs[k]] = 1;
		} else if (!strcmp(a, "--uid")) {
			o.uid = (uint32_t)number(v, UINT32_MAX - 1);
			o.flags |= HF_IDS;
		} else if (!strcmp(a, "--gid")) {
			o.gid = (uint32_t)number(v, UINT32_MAX - 1);
			o.flags |= HF_IDS;
		} else if (!strcmp(a, "--groups")) {
			o.ngroups = list(v, o.groups, 64, UINT32_MAX - 1);
			o.flags |= HF_IDS;
		} else if (!strcmp(a, "--action")) {
			if (!strcmp(v, "kill"))
				o.action = SECCOMP_RET_KILL_PROCESS;
			else if (!strncmp(v, "errno:", 6))
				o.action = SECCOMP_RET_ERRNO | (uint32_t)number(v + 6, 4095);
			else
				usage();
		} else if (!strcmp(a, "--shim"))
			o.shim = v;
		else if (!strcmp(a, "--bad"))
			o.bad = v;
		else
			usage();
	}
	if (i + 1 >= argc)
		usage();
	if (*o.bad) {
		static const char *const bads[] = {"magic",	"version",    "size", "unsealed", "trigger",
						   "truncated", "missing-fd", "name", "reserved", "bpf",
						   "names",	"fdnum",      "flags"};
		size_t k = 0;

		while (k < sizeof(bads) / sizeof(bads[0]) && strcmp(bads[k], o.bad))
			k++;
		if (k == sizeof(bads) / sizeof(bads[0]))
			usage();
	}

	shim = shim_path(o.shim);
	len = build(&o, shim, blob);
	fd = handoff_fd(&o, blob, len);
	snprintf(num, sizeof(num), "%d", fd);
	if (!strcmp(o.bad, "fdnum"))
		snprintf(num, sizeof(num), "%d ", fd);
	/* Prepend, as harden-exec does, keeping any entries already there. */
	old = getenv("LD_PRELOAD");
	if (asprintf(&preload, "%s%s%s", shim, old && *old ? ":" : "", old && *old ? old : "") < 0)
		die("asprintf");
	if (setenv(HANDOFF_ENV, num, 1) || setenv("LD_PRELOAD", preload, 1))
		die("setenv");
	if (!o.no_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "shimtest: exec %s: %s\n", argv[i + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
