/* SPDX-License-Identifier: MIT */
/*
 * Seccomp program generator and simulator. See filter.h for why this is
 * not libseccomp's compiler.
 *
 * Layout of a generated program:
 *
 *   load arch;  not native?            -> kill process   (i386 int 0x80 and
 *                                                          every foreign ABI)
 *   load nr;    x32 bit set (x86_64)?  -> kill process, but -1 goes on
 *   binary search over ranges of syscall numbers that share one verdict
 *   leaf: return the verdict, or check the one argument that matters
 *
 * Numbers the build's syscall table does not hold (holes, and everything
 * above its last entry, -1 included) answer ENOSYS unless the spec names
 * them: a deny-list must not pass a syscall newer than the build (second
 * security review, item 4: open_tree_attr cloned a read-only mount
 * writable under `deny = @mount`), and an allow-list gives libc the
 * answer it falls back on.
 *
 * Only the leaves of checked syscalls load an argument, so the kernel's
 * per-syscall action cache (it emulates the program for every number of the
 * native arch at install time) keeps every other allowed syscall off the
 * filter entirely.
 */
#include "filter.h"
#include "sysnames.h"

#include <endian.h>
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <linux/audit.h>

#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif

#define OFF_NR	 offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
/*
 * Low 32 bits of argument i. Every argument checked here is declared 32
 * bits wide in the kernel (ioctl's cmd is an unsigned int, socket's family,
 * the prot and shmflg ints, personality's unsigned int), and the kernel
 * ignores the upper half: comparing all 64 bits would let a caller slip
 * past with high bits set (CVE-2019-7303 in snapd's TIOCSTI rule).
 */
#if __BYTE_ORDER == __LITTLE_ENDIAN
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define OFF_ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#else
#define OFF_ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#endif

#define X32_SYSCALL_BIT 0x40000000u

#define CLONE_NEW_FLAGS FILTER_CLONE_NEW_FLAGS

uint32_t filter_native_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#else
	return 0;
#endif
}

void filter_spec_init(struct filter_spec *spec, uint32_t action)
{
	memset(spec, 0, sizeof(*spec));
	spec->default_action = SECCOMP_RET_ERRNO | ENOSYS;
	for (size_t i = 0; i < FILTER_NR_MAX; i++)
		spec->action[i] = sysname_name((int)i) ? action : spec->default_action;
}

struct gen {
	struct sock_filter *out;
	size_t max, n;
	int overflow;
};

static size_t emit(struct gen *g, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (g->n >= g->max) {
		g->overflow = 1;
		return g->n;
	}
	g->out[g->n] = (struct sock_filter){code, jt, jf, k};
	return g->n++;
}

static int allows(uint32_t action)
{
	uint32_t a = action & SECCOMP_RET_ACTION_FULL;
	return a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG;
}

/* Range of syscall numbers [lo, hi) with one action and one check. */
struct range {
	uint32_t lo, hi;
	uint32_t action;
	uint8_t check;
};

/* Refuse when argument @arg (low 32 bits) has any bit of @mask set. */
static void emit_any_bit(struct gen *g, uint32_t action, uint32_t refuse, unsigned arg, uint32_t mask)
{
	emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(arg));
	emit(g, BPF_JMP | BPF_JSET | BPF_K, 1, 0, mask);
	emit(g, BPF_RET | BPF_K, 0, 0, action);
	emit(g, BPF_RET | BPF_K, 0, 0, refuse);
}

/*
 * Load the low 32 bits of argument @arg (ANDed with @and unless it is all
 * ones) and return @action when the value is one of @v, else @refuse.
 */
static void emit_in_set(struct gen *g, unsigned arg, uint32_t and, const uint32_t *v, unsigned n,
			uint32_t action, uint32_t refuse)
{
	emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(arg));
	if (and != 0xffffffffu)
		emit(g, BPF_ALU | BPF_AND | BPF_K, 0, 0, and);
	for (unsigned i = 0; i < n; i++)
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(n - i), 0, v[i]);
	emit(g, BPF_RET | BPF_K, 0, 0, refuse);
	emit(g, BPF_RET | BPF_K, 0, 0, action);
}

/* The policy's socket families: an allowed family falls through to the
 * instruction after the chain (its verdict, or the type check). */
static void emit_families(struct gen *g, const struct filter_spec *s)
{
	unsigned i, n = 0;

	emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(0));
	for (i = 0; i < 64; i++)
		n += !!(s->af_allowed & (1ull << i));
	for (i = 0; i < 64; i++)
		if (s->af_allowed & (1ull << i))
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)n--, 0, i);
	emit(g, BPF_RET | BPF_K, 0, 0, s->notify ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ERRNO | EAFNOSUPPORT);
}

/* The policy's socket types: the low four bits of the type argument (the
 * kernel's SOCK_TYPE_MASK; SOCK_NONBLOCK and SOCK_CLOEXEC lie above). */
static void emit_socket_types(struct gen *g, const struct filter_spec *s, uint32_t action, uint32_t refuse)
{
	uint32_t types[16];
	unsigned n = 0;

	for (uint32_t t = 0; t < 16; t++)
		if (s->socket_types & (1u << t))
			types[n++] = t;
	emit_in_set(g, 1, 0xf, types, n, action, refuse);
}

static void emit_leaf(struct gen *g, const struct filter_spec *s, const struct range *r)
{
	uint32_t refuse = s->notify ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ERRNO | EPERM;
	unsigned i, n;

	/* A refused syscall needs no argument: its verdict is the same. */
	if (r->check == CHK_NONE || !allows(r->action)) {
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		return;
	}
	switch (r->check) {
	case CHK_IOCTL_TTY:
		/* TIOCSTI pushes input into the terminal (CVE-2017-5226);
		 * TIOCLINUX can do the same on a virtual console. */
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(1));
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, TIOCSTI);
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, TIOCLINUX);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		emit(g, BPF_RET | BPF_K, 0, 0, refuse);
		return;
	case CHK_SOCKET_AF:
		emit_families(g, s);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		return;
	case CHK_SOCKET_BOTH:
		emit_families(g, s);
		emit_socket_types(g, s, r->action, refuse);
		return;
	case CHK_SOCKET_TYPE:
		emit_socket_types(g, s, r->action, refuse);
		return;
	case CHK_IOCTL_LIST:
		/* The kernel reads the request as an unsigned int: a request
		 * with high bits set is the listed one (CVE-2019-7303). */
		emit_in_set(g, 1, 0xffffffffu, s->ioctls, s->nioctls, r->action, refuse);
		return;
	case CHK_PRCTL_LIST:
		emit_in_set(g, 0, 0xffffffffu, s->prctls, s->nprctls, r->action, refuse);
		return;
	case CHK_CLONE_MASK:
		/* clone's flags are read as 32 bits; the low byte is the exit
		 * signal, never refused here. */
		emit_any_bit(g, r->action, refuse, 0, s->clone_refused);
		return;
	case CHK_MMAP_WX:
		/* Executable shared memory is writable through its other
		 * mappings (a memfd mapped twice): refused as W+X is. */
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(2));
		emit(g, BPF_ALU | BPF_AND | BPF_K, 0, 0, PROT_WRITE | PROT_EXEC);
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 4, 0, PROT_WRITE | PROT_EXEC);
		emit(g, BPF_JMP | BPF_JSET | BPF_K, 0, 2, PROT_EXEC);
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(3));
		emit(g, BPF_JMP | BPF_JSET | BPF_K, 1, 0, MAP_SHARED);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		emit(g, BPF_RET | BPF_K, 0, 0, refuse);
		return;
	case CHK_NAMESPACES:
		/* New namespaces, a user namespace above all, open kernel
		 * surface an unprivileged process otherwise cannot reach.
		 * The kernel reads clone's flags as 32 bits as well. */
		emit_any_bit(g, r->action, refuse, 0, CLONE_NEW_FLAGS);
		return;
	case CHK_SETNS:
		/* Joining a namespace is as good as making one: a user
		 * namespace of the same uid (taken from /proc/PID/ns/user of
		 * a sibling) gives CAP_SYS_ADMIN inside it. As systemd's
		 * RestrictNamespaces= does, nstype 0 (any type, from a pidfd
		 * or an nsfs descriptor) and every CLONE_NEW* type are
		 * refused (second security review, item 2). */
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(1));
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0);
		emit(g, BPF_JMP | BPF_JSET | BPF_K, 1, 0, CLONE_NEW_FLAGS);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		emit(g, BPF_RET | BPF_K, 0, 0, refuse);
		return;
	case CHK_PROT_EXEC:
		emit_any_bit(g, r->action, refuse, 2, PROT_EXEC);
		return;
	case CHK_SHM_EXEC:
		emit_any_bit(g, r->action, refuse, 2, SHM_EXEC);
		return;
	case CHK_PERSONALITY:
		/* 0xffffffff only queries; READ_IMPLIES_EXEC and friends are refused. */
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(0));
		n = s->npersonas + 1;
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)n--, 0, 0xffffffffu);
		for (i = 0; i < s->npersonas; i++)
			emit(g, BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)n--, 0, s->personas[i]);
		emit(g, BPF_RET | BPF_K, 0, 0, refuse);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		return;
	case CHK_SIGSYS:
		/* After a late filter, SIGSYS belongs to the shim's violation
		 * reporter: a handler of the service's could swallow a refused
		 * call. Queries (a NULL new action, all 64 bits) still pass. */
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(0));
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SIGSYS);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(1));
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0);
		emit(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_HI(1));
		emit(g, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		emit(g, BPF_RET | BPF_K, 0, 0, r->action);
		emit(g, BPF_RET | BPF_K, 0, 0, refuse);
		return;
	}
	emit(g, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
}

/* Binary search over ranges[lo, hi): every path ends in a return. */
static void emit_tree(struct gen *g, const struct filter_spec *s, const struct range *r, size_t lo, size_t hi)
{
	size_t mid, ja;

	if (hi - lo == 1) {
		emit_leaf(g, s, &r[lo]);
		return;
	}
	mid = lo + (hi - lo) / 2;
	/* nr >= r[mid].lo: take the long jump to the upper half. */
	emit(g, BPF_JMP | BPF_JGE | BPF_K, 0, 1, r[mid].lo);
	ja = emit(g, BPF_JMP | BPF_JA, 0, 0, 0);
	emit_tree(g, s, r, lo, mid);
	if (!g->overflow)
		g->out[ja].k = (uint32_t)(g->n - ja - 1);
	emit_tree(g, s, r, mid, hi);
}

int filter_build(const struct filter_spec *s, struct sock_filter *out, size_t max)
{
	static struct range ranges[FILTER_NR_MAX + 1];
	struct gen g = {out, max, 0, 0};
	uint32_t arch = filter_native_arch();
	size_t nr_ranges = 0;

	if (!arch) {
		errno = ENOTSUP;
		return -1;
	}
	for (uint32_t nr = 0; nr < FILTER_NR_MAX; nr++) {
		uint8_t chk = allows(s->action[nr]) ? s->check[nr] : CHK_NONE;
		struct range *last = nr_ranges ? &ranges[nr_ranges - 1] : NULL;

		if (last && last->action == s->action[nr] && last->check == chk) {
			last->hi = nr + 1;
			continue;
		}
		ranges[nr_ranges++] = (struct range){nr, nr + 1, s->action[nr], chk};
	}
	if (ranges[nr_ranges - 1].action == s->default_action && ranges[nr_ranges - 1].check == CHK_NONE)
		ranges[nr_ranges - 1].hi = UINT32_MAX;
	else
		ranges[nr_ranges++] = (struct range){FILTER_NR_MAX, UINT32_MAX, s->default_action, CHK_NONE};

	emit(&g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARCH);
	emit(&g, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, arch);
	emit(&g, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
	emit(&g, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_NR);
#if defined(__x86_64__)
	/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with bit 30.
	 * -1 is no x32 call: a tracer sets it to skip a call (strace
	 * -e inject), and the kernel answers it ENOSYS; it takes the
	 * default path as in libseccomp (second security review, item 17). */
	emit(&g, BPF_JMP | BPF_JGE | BPF_K, 0, 2, X32_SYSCALL_BIT);
	emit(&g, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, UINT32_MAX);
	emit(&g, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
#endif
	emit_tree(&g, s, ranges, 0, nr_ranges);
	if (g.overflow) {
		errno = E2BIG;
		return -1;
	}
	return (int)g.n;
}

static uint32_t load_word(const struct seccomp_data *d, uint32_t off, int *bad)
{
	uint32_t w;

	if (off > sizeof(*d) - sizeof(w) || (off & 3)) {
		*bad = 1;
		return 0;
	}
	memcpy(&w, (const char *)d + off, sizeof(w));
	return w;
}

/*
 * The subset of classic BPF that seccomp accepts and this generator emits
 * (plus the usual ALU and jump forms); anything else yields kill, as an
 * invalid program would never have been installed.
 */
uint32_t filter_run(const struct sock_filter *p, size_t len, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0;
	int bad = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &p[pc];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;
		int jump = -1;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			a = load_word(d, f->k, &bad);
			break;
		case BPF_LD | BPF_IMM:
			a = f->k;
			break;
		case BPF_LDX | BPF_IMM:
			x = f->k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
			a &= src;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
			a |= src;
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
			jump = a == src;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
			jump = a >= src;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
			jump = a > src;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			jump = (a & src) != 0;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		case BPF_RET | BPF_A:
			return a;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
		if (bad)
			return SECCOMP_RET_KILL_PROCESS;
		if (jump >= 0)
			pc += jump ? f->jt : f->jf;
	}
	return SECCOMP_RET_KILL_PROCESS; /* fell off the end */
}

const char *filter_action_name(uint32_t action, char *buf, size_t len)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, len, "kill");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, len, "kill-thread");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, len, "trap");
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, len, "errno:%u", action & SECCOMP_RET_DATA);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, len, "log");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, len, "allow");
		break;
	default:
		snprintf(buf, len, "0x%08x", action);
	}
	return buf;
}
