/* SPDX-License-Identifier: MIT */
/*
 * The filesystem jail (step 5 of design.md): a new root (tmpfs or a
 * directory) with its bind set and tmpfs mounts, read-only, no-exec and
 * inaccessible paths, private /tmp and /dev, kernel tunables read-only,
 * then pivot_root with the old root detached. Plan and apply.
 */
#ifndef HARDEN_MOUNTS_H
#define HARDEN_MOUNTS_H

#include "plan.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum root_kind { ROOT_HOST = 0, ROOT_TMPFS, ROOT_DIR };
enum mop_kind { MOP_BIND, MOP_SYMLINK, MOP_TMPFS, MOP_DEV };

/* One mount to make, parents before children. */
struct mop {
	enum mop_kind kind;
	const char *key; /* policy key, for messages */
	const struct origin *at;
	char *src, *dst;
	bool ro;     /* bind_ro, the shim */
	bool create; /* the mount point may be made (inside a tmpfs) */
	bool dir;    /* the mount point is a directory */
	dev_t dev;   /* the source as planned: re-checked at apply */
	ino_t ino;
	char *link;    /* MOP_SYMLINK: the target reproduced */
	char opts[96]; /* MOP_TMPFS: size=, mode=, uid=, gid= */
	int tree;      /* apply: the detached clone of the source */
};

/* A path whose mount flags change, recursively; or is hidden. */
struct rule {
	const char *key;
	const struct origin *at;
	char *path;
	uint64_t set, clr; /* MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOEXEC */
	bool hide;	   /* inaccessible */
	bool optional;	   /* protect_kernel: absent paths are skipped */
	bool applied;
};

struct mount_plan {
	enum root_kind root;
	const char *root_dir; /* ROOT_DIR */
	dev_t root_dev;
	ino_t root_ino;
	const char *stage; /* where the new root is attached before pivot_root */
	struct mop *ops;
	size_t nops;
	struct rule *rules;
	size_t nrules;
};

/* Build pl->mounts after ns_plan_build; sets pl->jailed for a new root. */
void mounts_plan_build(struct plan *pl, const struct policy *p);

/* Late mode: the shim must be reachable in the new root at its own path. */
void mounts_plan_shim(struct plan *pl);

/* One line for check: the root, the mounts, the rules. */
void mounts_describe(const struct plan *pl, char *buf, size_t len);

/* Make every mount, read each back in mountinfo, pivot_root. */
void mounts_apply(const struct plan *pl);

#endif
