/* SPDX-License-Identifier: MIT */
/*
 * libharden.so internals: shim.c reads the handoff and waits for the
 * trigger, late.c applies the late stage and reports violations.
 */
#ifndef HARDEN_SHIM_H
#define HARDEN_SHIM_H

#include "../core/handoff.h"

#include <linux/seccomp.h>

#include <stdnoreturn.h>

/* Built with -fvisibility=hidden: only the interposed symbols are seen. */
#define HARDEN_EXPORT __attribute__((visibility("default")))

/* The validated handoff: pointers into the blob, read-only after load. */
struct shim_handoff {
	const struct handoff *h;
	const uint32_t *groups;	       /* h->ngroups */
	const struct sock_filter *bpf; /* h->bpf_len */
	const char *names;	       /* h->names_len bytes, h->names_count strings */
	const char *shim_path;	       /* h->shim_path_len bytes, no NUL */
};

extern struct shim_handoff shim_ho;

/*
 * "harden-exec: shim: [late stage: ]MESSAGE[: strerror(err)]" on stderr,
 * then exit 125: _exit() before the trigger, exit_group otherwise (the
 * service may have threads by then). err 0 prints no errno text.
 */
noreturn void shim_fail(int late, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The late stage, in the calling thread, for every thread (late.c);
 * @vfork_child: this process shares its parent's memory (vfork). */
void late_apply(int vfork_child);

/* A fork child must look its pid up again for reports (late.c). */
void late_forked(void);

#endif
