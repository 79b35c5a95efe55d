/* SPDX-License-Identifier: MIT */
/*
 * Seccomp filter generation and simulation.
 *
 * harden-exec generates its classic-BPF seccomp programs itself instead of
 * through libseccomp's compiler, because two rules the policy needs cannot be
 * expressed there (libseccomp 2.5): an allowed syscall with a refused
 * argument value (an unconditional allow swallows the conditional refusal:
 * "ioctl allowed, but not TIOCSTI"), and "argument not in this set"
 * (several comparisons on one argument in one rule are rejected).
 * Generating the program ourselves also gives a layout we control (a binary
 * search over syscall-number ranges, so syscalls allowed whatever their
 * arguments stay on the kernel's per-syscall action cache), 32-bit argument
 * compares where the kernel's prototype is 32 bits wide, and raw BPF that
 * the preload shim can install without any library.
 */
#ifndef HARDEN_FILTER_H
#define HARDEN_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Syscall numbers at or above this take the default action (ENOSYS). */
#define FILTER_NR_MAX	 1024
#define FILTER_MAX_INSNS 4096 /* BPF_MAXINSNS */

/* Argument checks the generator knows; one per syscall at most. */
enum filter_check {
	CHK_NONE = 0,
	CHK_IOCTL_TTY,	 /* ioctl: refuse TIOCSTI and TIOCLINUX (low 32 bits of arg1) */
	CHK_SOCKET_AF,	 /* socket: refuse families outside spec->af_allowed */
	CHK_MMAP_WX,	 /* mmap: refuse PROT_WRITE|PROT_EXEC, and PROT_EXEC of MAP_SHARED memory */
	CHK_PROT_EXEC,	 /* mprotect, pkey_mprotect: refuse adding PROT_EXEC */
	CHK_SHM_EXEC,	 /* shmat: refuse SHM_EXEC */
	CHK_PERSONALITY, /* personality: only query and the allowed personas */
	CHK_SIGSYS,	 /* rt_sigaction: refuse SIGSYS (the shim's reporter) */
	CHK_NAMESPACES,	 /* clone, unshare: refuse CLONE_NEW* flags (arg0) */
	CHK_SETNS,	 /* setns: refuse nstype 0 and CLONE_NEW* types (arg1) */
	/* The policy's argument rules ([seccomp] ioctl, prctl, socket_types,
	 * clone_flags); each compares the low 32 bits only. */
	CHK_IOCTL_LIST,	 /* ioctl: only the requests in spec->ioctls (arg1) */
	CHK_PRCTL_LIST,	 /* prctl: only the options in spec->prctls (arg0) */
	CHK_SOCKET_TYPE, /* socket: only the types in spec->socket_types (arg1 & 0xf) */
	CHK_SOCKET_BOTH, /* socket: CHK_SOCKET_AF, then CHK_SOCKET_TYPE */
	CHK_CLONE_MASK,	 /* clone: refuse any bit of spec->clone_refused (arg0) */
};

/* CLONE_NEWNS CLONE_NEWCGROUP CLONE_NEWUTS CLONE_NEWIPC CLONE_NEWUSER
 * CLONE_NEWPID CLONE_NEWNET, and CLONE_NEWTIME (unshare only; in clone's
 * low byte, the exit signal, it is never a valid signal). */
#define FILTER_CLONE_NEW_FLAGS 0x7e020080u
/* clone's low byte: the exit signal, not a flag. */
#define FILTER_CLONE_SIGNAL 0xffu

/* At most this many values in one allow-list (a chain of 8-bit jumps). */
#define FILTER_MAX_VALUES 128

struct filter_spec {
	uint32_t default_action;	/* SECCOMP_RET_* for unlisted syscalls */
	uint32_t action[FILTER_NR_MAX]; /* per syscall number */
	uint8_t check[FILTER_NR_MAX];	/* enum filter_check, per syscall number */
	uint64_t af_allowed;		/* bit n: address family n allowed */
	uint32_t personas[4];		/* allowed personality() values */
	unsigned npersonas;
	uint32_t ioctls[FILTER_MAX_VALUES]; /* CHK_IOCTL_LIST: allowed requests */
	unsigned nioctls;
	uint32_t prctls[FILTER_MAX_VALUES]; /* CHK_PRCTL_LIST: allowed options */
	unsigned nprctls;
	uint16_t socket_types;	/* bit n: socket type n allowed (SOCK_STREAM 1 ...) */
	uint32_t clone_refused; /* CHK_CLONE_MASK: clone flag bits refused */
	/* Argument checks refuse with SECCOMP_RET_USER_NOTIF instead of their
	 * errno: a supervisor reports the call, then answers it with the
	 * verdict of the same spec built without this flag. */
	uint8_t notify;
};

/* Fill spec so that every syscall of the build's table takes @action, and
 * every other number (holes, above the table) ENOSYS. */
void filter_spec_init(struct filter_spec *spec, uint32_t action);

/*
 * Generate the program. Returns the number of instructions written to @out
 * (at most @max), or -1 with errno set (E2BIG: too long).
 */
int filter_build(const struct filter_spec *spec, struct sock_filter *out, size_t max);

/* Run a seccomp program on @data as the kernel would; returns the action. */
uint32_t filter_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *data);

/* The native audit arch of this build, or 0 where the generator has none. */
uint32_t filter_native_arch(void);

/* "kill", "errno EPERM" ...: a short name of an action, into buf. */
const char *filter_action_name(uint32_t action, char *buf, size_t len);

#endif
