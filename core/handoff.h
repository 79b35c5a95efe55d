/* SPDX-License-Identifier: MIT */
/*
 * The handoff from harden-exec to libharden.so: one versioned blob in a
 * memfd sealed against writes, growth and shrinking (F_SEAL_WRITE,
 * F_SEAL_GROW, F_SEAL_SHRINK, F_SEAL_SEAL), whose descriptor number is in
 * the environment variable HANDOFF_ENV. The shim needs no INI parser and
 * no libseccomp: everything it applies is resolved here.
 *
 * Layout (native byte order, every part 4-byte aligned):
 *
 *   struct handoff                       header
 *   uint32_t groups[ngroups]             supplementary groups
 *   struct sock_filter bpf[bpf_len]      the late seccomp program
 *   char names[names_len]                syscall names: names_count
 *                                        NUL-terminated strings, entry n
 *                                        naming syscall n ("" if none)
 *   char shim_path[shim_path_len]        the LD_PRELOAD entry to remove
 *                                        (not NUL-terminated)
 *   zero padding to a multiple of 4
 */
#ifndef HARDEN_HANDOFF_H
#define HARDEN_HANDOFF_H

#include <stdint.h>
#include <linux/filter.h>

#define HANDOFF_MAGIC	   "HARDEN\0\1"
#define HANDOFF_VERSION	   2
#define HANDOFF_ENV	   "HARDEN_HANDOFF_FD"
#define HANDOFF_MEMFD_NAME "harden-handoff"
#define HANDOFF_MAX_SIZE   (256 * 1024)
#define HANDOFF_MAX_GROUPS 65536

enum handoff_trigger {
	TRIGGER_MAIN = 1,   /* after constructors, just before main() */
	TRIGGER_LISTEN = 2, /* as TRIGGER_READY: after the last listen() of a burst, at the
			     * first wait (a daemon listens on several sockets) */
	TRIGGER_ACCEPT = 3, /* on entry to the first accept()/accept4() */
	TRIGGER_READY = 4,  /* first poll, ppoll, select, pselect, epoll_wait(s), sigsuspend,
			     * pause or accept(4) after listen() has returned 0 */
};

enum handoff_flags {
	HF_IDS = 1u << 0,    /* change identity: setgroups, setresgid, setresuid */
	HF_JSON = 1u << 1,   /* violation reports as JSON lines */
	HF_REPORT = 1u << 2, /* the filter traps refused syscalls for a report */
	HF_LONE = 1u << 3,   /* the early filter allows the one-call checks of a
			      * lone thread (unshare(CLONE_VM), setfsuid(-1),
			      * setfsgid(-1), capget): see shim/late.c */
};

struct handoff {
	char magic[8];		   /* HANDOFF_MAGIC */
	uint32_t version;	   /* HANDOFF_VERSION */
	uint32_t size;		   /* the whole blob, header included */
	uint32_t trigger;	   /* enum handoff_trigger */
	uint32_t flags;		   /* enum handoff_flags */
	uint32_t uid, gid;	   /* with HF_IDS */
	uint32_t ngroups;	   /* with HF_IDS; 0 clears them */
	uint32_t bpf_len;	   /* instructions, 1..4096 */
	uint32_t violation_action; /* with HF_REPORT: what a trapped call
				    * means: SECCOMP_RET_KILL_PROCESS, or
				    * SECCOMP_RET_ERRNO | errno */
	uint32_t names_len;	   /* bytes in names[] */
	uint32_t names_count;	   /* entries in names[] */
	uint32_t shim_path_len;	   /* bytes in shim_path[] */
	uint32_t expected_filters; /* Seccomp_filters once hardened */
	uint32_t reserved;	   /* zero */
	uint32_t supervisor;	   /* pid of harden-exec's supervisor: the
				    * root of the service's tree (kcmp walk)
				    * and the parent whose death kills */
};

_Static_assert(sizeof(struct handoff) == 68, "handoff header is 68 bytes");

#endif
