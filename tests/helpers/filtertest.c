/* SPDX-License-Identifier: MIT */
/*
 * Simulation test of the BPF generator: random specs, every syscall
 * number and the argument checks, each verdict compared with the spec.
 * The live tests then check that the kernel agrees with the simulator.
 */
#include "../../core/filter.h"
#include "../../core/sysnames.h"

#include <errno.h>
#include <stdarg.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static int n, failed;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !cond;
}

static uint32_t run(const struct sock_filter *p, int len, uint32_t arch, uint32_t nr, uint64_t a0,
		    uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {.nr = (int)nr, .arch = arch, .args = {a0, a1, a2}};

	return filter_run(p, (size_t)len, &d);
}

static uint32_t run4(const struct sock_filter *p, int len, uint32_t arch, uint32_t nr, uint64_t prot,
		     uint64_t flags)
{
	struct seccomp_data d = {.nr = (int)nr, .arch = arch, .args = {0, 4096, prot, flags}};

	return filter_run(p, (size_t)len, &d);
}

int main(void)
{
	static struct filter_spec s;
	static struct sock_filter prog[FILTER_MAX_INSNS];
	const uint32_t arch = filter_native_arch();
	const uint32_t acts[] = {SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_ERRNO | EPERM,
				 SECCOMP_RET_TRAP,  SECCOMP_RET_LOG,	      SECCOMP_RET_ERRNO | ENOSYS};
	int len;

	srand(12345);
	for (int round = 0; round < 40; round++) {
		int bad = 0, density = 1 + rand() % 50;

		filter_spec_init(&s, acts[rand() % 6]);
		for (int nr = 0; nr < 600; nr++)
			if (rand() % density == 0)
				s.action[nr] = acts[rand() % 6];
		len = filter_build(&s, prog, FILTER_MAX_INSNS);
		if (len < 0) {
			ok(0, "round %d: build", round);
			continue;
		}
		for (uint32_t nr = 0; nr < FILTER_NR_MAX + 64; nr++) {
			uint32_t want = nr < FILTER_NR_MAX ? s.action[nr] : s.default_action;

			bad += run(prog, len, arch, nr, 0, 0, 0) != want;
		}
		/* -1 (a tracer's skip) takes the default path: ENOSYS. */
		bad += run(prog, len, arch, 0xffffffffu, 0, 0, 0) != s.default_action;
		bad += s.default_action != (SECCOMP_RET_ERRNO | ENOSYS);
		ok(!bad, "round %d (density 1/%d, %d insns): every number gets its action", round, density,
		   len);
	}

	/* Foreign arch and x32 numbers are killed whatever the spec says. */
	filter_spec_init(&s, SECCOMP_RET_ALLOW);
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, AUDIT_ARCH_I386, 20, 0, 0, 0) == SECCOMP_RET_KILL_PROCESS, "i386 arch killed");
	ok(run(prog, len, AUDIT_ARCH_AARCH64 == arch ? AUDIT_ARCH_ARM : AUDIT_ARCH_AARCH64, 1, 0, 0, 0) ==
	       SECCOMP_RET_KILL_PROCESS,
	   "another foreign arch killed");
#ifdef __x86_64__
	ok(run(prog, len, arch, 0x40000000u | 39, 0, 0, 0) == SECCOMP_RET_KILL_PROCESS, "x32 number killed");
#endif
	ok(run(prog, len, arch, 39, 0, 0, 0) == SECCOMP_RET_ALLOW, "native number allowed");
	ok(run(prog, len, arch, 0xffffffffu, 0, 0, 0) == (SECCOMP_RET_ERRNO | ENOSYS),
	   "-1 (a tracer's skip) answers ENOSYS, not the x32 kill");
#ifdef __x86_64__
	ok(run(prog, len, arch, 0xfffffffeu, 0, 0, 0) == SECCOMP_RET_KILL_PROCESS,
	   "-2 still killed (x32 bit set)");
#endif
	{
		int holes = 0, bad = 0;

		for (uint32_t nr = 0; nr < FILTER_NR_MAX + 64; nr++) {
			uint32_t v = run(prog, len, arch, nr, 0, 0, 0);

			if (sysname_name((int)nr))
				bad += v != SECCOMP_RET_ALLOW;
			else {
				holes++;
				bad += v != (SECCOMP_RET_ERRNO | ENOSYS);
			}
		}
		ok(!bad && holes > FILTER_NR_MAX - 470,
		   "allow-everything spec: every table entry allowed, %d holes and numbers above %d answer "
		   "ENOSYS",
		   holes, sysnames_last);
		ok(sysname_nr("open_tree_attr") == 467 && sysname_nr("file_setattr") == 469 &&
		       sysname_nr("mseal") == 462 && sysnames_last >= 469,
		   "the table reaches Linux 6.18 (open_tree_attr 467, mseal 462, file_setattr 469)");
	}

	/* ioctl: TIOCSTI refused on the low 32 bits, high bits or not. */
	s.check[16] = CHK_IOCTL_TTY;
	s.check[41] = CHK_SOCKET_AF;
	s.af_allowed = (1ull << 1) | (1ull << 2);
	s.check[9] = CHK_MMAP_WX;
	s.check[10] = CHK_PROT_EXEC;
	s.check[135] = CHK_PERSONALITY;
	s.personas[s.npersonas++] = 0;
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, arch, 16, 0, TIOCSTI, 0) == (SECCOMP_RET_ERRNO | EPERM), "TIOCSTI refused");
	ok(run(prog, len, arch, 16, 0, 0xdead00000000ull | TIOCSTI, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "TIOCSTI with high bits refused");
	ok(run(prog, len, arch, 16, 0, TIOCLINUX, 0) == (SECCOMP_RET_ERRNO | EPERM), "TIOCLINUX refused");
	ok(run(prog, len, arch, 16, 0, TCGETS, 0) == SECCOMP_RET_ALLOW, "TCGETS allowed");
	ok(run(prog, len, arch, 41, 2, 0, 0) == SECCOMP_RET_ALLOW, "socket AF_INET allowed");
	ok(run(prog, len, arch, 41, 10, 0, 0) == (SECCOMP_RET_ERRNO | EAFNOSUPPORT),
	   "socket AF_INET6 refused");
	ok(run(prog, len, arch, 41, 0x100000002ull, 0, 0) == SECCOMP_RET_ALLOW,
	   "socket family compared on 32 bits, as the kernel reads it");
	ok(run(prog, len, arch, 9, 0, 0, PROT_READ | PROT_WRITE | PROT_EXEC) == (SECCOMP_RET_ERRNO | EPERM),
	   "mmap W+X refused");
	ok(run(prog, len, arch, 9, 0, 0, PROT_READ | PROT_EXEC) == SECCOMP_RET_ALLOW, "mmap R+X allowed");
	ok(run(prog, len, arch, 10, 0, 0, PROT_READ | PROT_EXEC) == (SECCOMP_RET_ERRNO | EPERM),
	   "mprotect adding exec refused");
	ok(run(prog, len, arch, 135, 0x400000, 0, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "personality READ_IMPLIES_EXEC refused");
	ok(run(prog, len, arch, 135, 0xffffffffu, 0, 0) == SECCOMP_RET_ALLOW, "personality query allowed");
	ok(run(prog, len, arch, 135, 0, 0, 0) == SECCOMP_RET_ALLOW, "personality PER_LINUX allowed");

	/* rt_sigaction: a new SIGSYS handler refused, a query allowed. */
	s.check[13] = CHK_SIGSYS;
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, arch, 13, 31, 0x7ffd00001000ull, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "rt_sigaction(SIGSYS, act) refused");
	ok(run(prog, len, arch, 13, 31, 0x100000000ull, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "rt_sigaction(SIGSYS, act with a zero low half) refused");
	ok(run(prog, len, arch, 13, 31, 0, 0x7ffd00002000ull) == SECCOMP_RET_ALLOW,
	   "rt_sigaction(SIGSYS, NULL, old) allowed: a query");
	ok(run(prog, len, arch, 13, 15, 0x7ffd00001000ull, 0) == SECCOMP_RET_ALLOW,
	   "rt_sigaction(SIGTERM, act) allowed");
	ok(run(prog, len, arch, 13, 0x100000000ull | 31, 0x7ffd00001000ull, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "rt_sigaction signal number compared on 32 bits");

	/* Namespaces: clone and unshare with any CLONE_NEW* flag refused. */
	s.check[56] = CHK_NAMESPACES;
	s.check[272] = CHK_NAMESPACES;
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, arch, 272, 0x10000000, 0, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "unshare(CLONE_NEWUSER) refused");
	ok(run(prog, len, arch, 56, 0x10000000 | 17, 0, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "clone(CLONE_NEWUSER | SIGCHLD) refused");
	ok(run(prog, len, arch, 56, 0x003d0f00, 0, 0) == SECCOMP_RET_ALLOW,
	   "clone of a thread (glibc's flags) allowed");
	ok(run(prog, len, arch, 272, 0x00000400, 0, 0) == SECCOMP_RET_ALLOW, "unshare(CLONE_FILES) allowed");
	/* setns: nstype 0 (any) and every CLONE_NEW* type refused. */
	s.check[308] = CHK_SETNS;
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, arch, 308, 3, 0, 0) == (SECCOMP_RET_ERRNO | EPERM), "setns(fd, 0) refused");
	ok(run(prog, len, arch, 308, 3, 0x10000000, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "setns(fd, CLONE_NEWUSER) refused");
	ok(run(prog, len, arch, 308, 3, 0x80, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "setns(fd, CLONE_NEWTIME) refused");
	ok(run(prog, len, arch, 308, 3, 0x100000000ull, 0) == (SECCOMP_RET_ERRNO | EPERM),
	   "setns nstype compared on 32 bits (high bits only = 0)");
	ok(run(prog, len, arch, 308, 3, 0x1, 0) == SECCOMP_RET_ALLOW,
	   "setns with a type that is no namespace passes (the kernel says EINVAL)");
	/* mmap: PROT_EXEC of shared memory refused, of private memory allowed. */
	ok(run4(prog, len, arch, 9, PROT_READ | PROT_EXEC, MAP_SHARED) == (SECCOMP_RET_ERRNO | EPERM),
	   "mmap R+X MAP_SHARED refused");
	ok(run4(prog, len, arch, 9, PROT_READ | PROT_EXEC, MAP_PRIVATE) == SECCOMP_RET_ALLOW,
	   "mmap R+X MAP_PRIVATE allowed");
	ok(run4(prog, len, arch, 9, PROT_READ | PROT_WRITE, MAP_SHARED) == SECCOMP_RET_ALLOW,
	   "mmap R+W MAP_SHARED allowed");

	/* A refused syscall is refused whatever its argument check. */
	s.action[16] = SECCOMP_RET_KILL_PROCESS;
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(run(prog, len, arch, 16, 0, TCGETS, 0) == SECCOMP_RET_KILL_PROCESS, "refused ioctl stays refused");

	/* The worst case (every number its own verdict) still fits. */
	for (int nr = 0; nr < FILTER_NR_MAX; nr++)
		s.action[nr] = acts[nr % 6];
	len = filter_build(&s, prog, FILTER_MAX_INSNS);
	ok(len > 0 && len <= FILTER_MAX_INSNS, "alternating verdicts fit (%d insns)", len);
	printf("1..%d\n", n);
	return failed != 0;
}
