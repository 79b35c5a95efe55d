// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: policy loading and plan building.
 *
 *   make fuzz [FUZZ_SECONDS=60]
 *
 * Each input is written to a private file (mode 0600, owned by us, as
 * policy_load insists) and loaded with policy_load(), the very function
 * harden-exec uses, includes and all. A policy that loads is then planned
 * with plan_build(..., dry = true), the path `harden-exec check` takes:
 * users and groups are resolved and the seccomp programs generated, but
 * no memfd is created and nothing of the process changes.
 *
 * Why a dry plan in-process rather than a forked full plan_build per
 * input: a forked child's coverage never reaches the fuzzer, so the plan
 * code would be fuzzed blind, and the full plan's side effects (the
 * handoff memfd in late mode) belong to the apply stage anyway. What stays
 * is die(), which plan_build calls on bad input and which exits: the
 * harness is linked with -Wl,--wrap=die so that a die() returns here by
 * longjmp instead, after its message is checked. The one side effect left,
 * the O_PATH descriptor of a chroot folder, is closed after each input.
 *
 * Beyond the sanitizers (ASan, UBSan), the harness checks properties:
 *  - a failed load has a one-line message; so has every die();
 *  - every generated program is one the kernel would accept (jumps in
 *    range, ends in a return, known opcodes, aligned loads inside
 *    seccomp_data);
 *  - foreign architectures and x32 numbers are killed; execve is allowed
 *    by a filter loaded before exec; clone3 and io_uring answer ENOSYS;
 *    TIOCSTI never gets through, with or without high bits;
 *  - every syscall without an argument check gets the verdict the policy
 *    asks for: allow-list less deny-list, or the deny-list alone.
 * A violation aborts, which libFuzzer records as a crash.
 */
#include "../../core/filter.h"
#include "../../core/log.h"
#include "../../core/sysnames.h"
#include "../../wrapper/plan.h"
#include "../../wrapper/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static char dir[4096 + 32];
static char path[sizeof(dir) + 16];
static int first_fd;
static jmp_buf back;

/*
 * Leaks are not findings here: harden-exec loads one policy per process
 * and has no policy_free(), so what a load allocates lives until exec by
 * design (the harness frees what it can reach, to keep memory flat).
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

static void finding(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_policy: %s: %s\n", what, detail);
	abort();
}

/* die() from the code under test: check the message, then come back. */
_Noreturn void __wrap_die(int status, const char *fmt, ...);
_Noreturn void __wrap_die(int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!msg[0] || strchr(msg, '\n'))
		finding("die() message is not one line", msg);
	if (status != EXIT_HARDEN)
		finding("die() with a status other than 125 while planning", msg);
	longjmp(back, 1);
}

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Beside the program (build/fuzz/), not in /tmp: a crash skips the
	 * atexit cleanup, and what it leaves stays in the build folder. */
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 32);

	if (n <= 0)
		finding("readlink /proc/self/exe", strerror(errno));
	dir[n] = '\0';
	strcpy(strrchr(dir, '/') + 1, "work.XXXXXX");
	if (!mkdtemp(dir))
		finding("mkdtemp", strerror(errno));
	snprintf(path, sizeof(path), "%s/policy.ini", dir);
	atexit(cleanup);
	first_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	close(first_fd);
	return 0;
}

/* ---- the generated programs ---- */

static void check_program(const struct sock_filter *f, size_t len, const char *which)
{
	if (!f || !len || len > FILTER_MAX_INSNS)
		finding(which, "empty or too long");
	for (size_t pc = 0; pc < len; pc++) {
		uint16_t code = f[pc].code;

		switch (code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f[pc].k & 3 || f[pc].k > sizeof(struct seccomp_data) - 4)
				finding(which, "load outside seccomp_data or unaligned");
			break;
		case BPF_LD | BPF_IMM:
		case BPF_LDX | BPF_IMM:
		case BPF_MISC | BPF_TAX:
		case BPF_MISC | BPF_TXA:
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
			break;
		case BPF_JMP | BPF_JA:
			if (pc + 1 + f[pc].k >= len)
				finding(which, "jump out of the program");
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			if (pc + 1 + f[pc].jt >= len || pc + 1 + f[pc].jf >= len)
				finding(which, "conditional jump out of the program");
			break;
		default:
			finding(which, "an opcode seccomp does not take");
		}
	}
	if (BPF_CLASS(f[len - 1].code) != BPF_RET)
		finding(which, "does not end in a return");
}

static uint32_t verdict(const struct sock_filter *f, size_t len, uint32_t arch, int nr, uint64_t a0,
			uint64_t a1)
{
	struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0, a1}};

	return filter_run(f, len, &d);
}

static int nr(const char *name)
{
	int n = seccomp_syscall_resolve_name(name);

	return n >= 0 && n < FILTER_NR_MAX ? n : -1;
}

static void check_abi(const struct sock_filter *f, size_t len, const char *which)
{
	if (verdict(f, len, AUDIT_ARCH_I386, 20, 0, 0) != SECCOMP_RET_KILL_PROCESS ||
	    verdict(f, len, AUDIT_ARCH_I386, 11, 0, 0) != SECCOMP_RET_KILL_PROCESS)
		finding(which, "an i386 call is not killed");
	if (verdict(f, len, filter_native_arch(), 0x40000000 | 39, 0, 0) != SECCOMP_RET_KILL_PROCESS)
		finding(which, "an x32 call is not killed");
	if (verdict(f, len, filter_native_arch(), nr("clone3"), 0, 0) != (SECCOMP_RET_ERRNO | ENOSYS) ||
	    verdict(f, len, filter_native_arch(), nr("io_uring_setup"), 0, 0) != (SECCOMP_RET_ERRNO | ENOSYS))
		finding(which, "clone3 or io_uring_setup does not answer ENOSYS");
	for (int hi = 0; hi < 2; hi++) {
		uint32_t v = verdict(f, len, filter_native_arch(), nr("ioctl"), 0,
				     (hi ? 0x100000000ull : 0) | TIOCSTI);
		uint32_t a = v & SECCOMP_RET_ACTION_FULL;

		if (a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG)
			finding(which, hi ? "TIOCSTI with high bits gets through" : "TIOCSTI gets through");
	}
}

/*
 * Every syscall the generator decides by number alone, against the
 * policy: a denied one gets the action; a number the build's table does
 * not hold, unless named, ENOSYS; with an allow-list, an allowed
 * and not denied one is allowed (what else an allow-list lets through,
 * such as @default, is the plan's business); with a deny-list alone,
 * every other one is allowed.
 */
static void check_verdicts(const struct policy *p, const struct plan *pl)
{
	static bool allow[FILTER_NR_MAX], deny[FILTER_NR_MAX], skip[FILTER_NR_MAX];
	static const char *const special[] = {
	    "clone3",	   "io_uring_setup", "io_uring_enter", "io_uring_register", "ioctl",
	    "socket",	   "mmap",	     "mprotect",       "pkey_mprotect",	    "shmat",
	    "personality", "rt_sigaction",   "setns",	       "open_by_handle_at"};
	uint32_t action = p->action_at.file ? p->action : SECCOMP_RET_KILL_PROCESS;
	char detail[128];

	memset(allow, 0, sizeof(allow));
	memset(deny, 0, sizeof(deny));
	memset(skip, 0, sizeof(skip));
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (nr(special[i]) >= 0)
			skip[nr(special[i])] = true;
	plan_expand(&p->deny, deny);
	if (p->allow_at.file)
		plan_expand(&p->allow, allow);
	for (int n = 0; n < FILTER_NR_MAX; n++) {
		uint32_t want, got;

		if (skip[n])
			continue;
		if (deny[n])
			want = action;
		else if (!sysname_name(n) && !allow[n])
			want = SECCOMP_RET_ERRNO | ENOSYS; /* not in the build's table */
		else if (allow[n] || !p->allow_at.file)
			want = SECCOMP_RET_ALLOW;
		else
			continue;
		got = verdict(pl->bpf, pl->bpf_len, filter_native_arch(), n, 0, 0);
		if (got != want) {
			snprintf(detail, sizeof(detail), "syscall %d: verdict %#x, the policy asks %#x", n,
				 got, want);
			finding("filter disagrees with the policy", detail);
		}
	}
}

static void check_plan(const struct policy *p, const struct plan *pl)
{
	if (pl->bpf) {
		check_program(pl->bpf, pl->bpf_len, "filter");
		check_abi(pl->bpf, pl->bpf_len, "filter");
		if ((verdict(pl->bpf, pl->bpf_len, filter_native_arch(), nr("execve"), 0, 0) &
		     SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
			finding("filter", "loaded before exec, but refuses execve");
		if (!pl->late)
			check_verdicts(p, pl);
	}
	if (pl->late_bpf) {
		check_program(pl->late_bpf, pl->late_bpf_len, "late filter");
		check_abi(pl->late_bpf, pl->late_bpf_len, "late filter");
	}
}

/* ---- one input ---- */

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* What policy_load allocated (the file names in origins stay: they are
 * shared between settings, and small). */
static void policy_free(struct policy *p)
{
	strlist_free(&p->env_keep);
	strlist_free(&p->env_set);
	strlist_free(&p->pass_fds);
	strlist_free(&p->group_list);
	strlist_free(&p->allow);
	strlist_free(&p->deny);
	strlist_free(&p->early_deny);
	free(p->user);
	free(p->group);
	free(p->chroot);
	free(p->workdir);
	free(p->log_target);
}

static void plan_free(struct plan *pl)
{
	free(pl->envp);
	free(pl->groups);
	free(pl->bpf);
	free(pl->late_bpf);
}

/* The chroot folder's O_PATH descriptor, opened by the plan. */
static void close_plan_fds(void)
{
	for (int fd = first_fd; fd < first_fd + 64; fd++) {
		int fl = fcntl(fd, F_GETFL);

		if (fl >= 0 && (fl & O_PATH))
			close(fd);
	}
}

static int write_input(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		finding("cannot write the input file", strerror(errno));
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			finding("cannot write the input file", strerror(errno));
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[] = {"true", NULL};
	static struct policy pol;
	static struct plan pl;
	struct policy_error err;

	write_input(data, size);
	memset(&pol, 0, sizeof(pol));
	memset(&pl, 0, sizeof(pl));
	if (setjmp(back) == 0) {
		if (policy_load(&pol, path, &err)) {
			if (!err.msg[0] || strchr(err.msg, '\n'))
				finding("load error message is not one line", err.msg);
		} else {
			plan_build(&pl, &pol, argv, true);
			check_plan(&pol, &pl);
		}
	}
	plan_free(&pl);
	policy_free(&pol);
	close_plan_fds();
	return 0;
}
