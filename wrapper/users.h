/* SPDX-License-Identifier: MIT */
/*
 * Users and groups: /etc/passwd and /etc/group read directly first, the
 * name service switch only for names those files do not hold. A static
 * harden-exec needs no NSS module for local accounts that way; a lookup
 * that fails still fails closed ("no such user").
 */
#ifndef HARDEN_USERS_H
#define HARDEN_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct user {
	uid_t uid;
	gid_t gid;
	char *name;
	char *dir;
	bool from_files; /* found in /etc/passwd */
};

/* Where names were looked up, for messages. */
#ifdef HARDEN_STATIC
#define USERS_SOURCE                                                                                         \
	"in /etc/passwd and /etc/group (this static build reads no NSS source: give a number, or build "     \
	"with STATIC=0)"
#else
#define USERS_SOURCE ""
#endif

/* 0 when found; @u's strings are allocated. */
int user_by_name(const char *name, struct user *u);
int user_by_uid(uid_t uid, struct user *u);
int group_by_name(const char *name, gid_t *gid);

/* The user's groups as a login gives them, @gid first: 0, or -1. */
int user_groups(const struct user *u, gid_t gid, gid_t **groups, size_t *n);

#endif
