/* SPDX-License-Identifier: MIT */
#include "users.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A static harden-exec cannot load NSS modules (glibc's static dlopen of
 * them is unreliable: it crashed here), so it reads the local files only;
 * STATIC=0 builds add the name service switch.
 */
#ifdef HARDEN_STATIC
#define NSS(call) NULL
#else
#define NSS(call) (call)
#endif

static int take(const struct passwd *pw, struct user *u, bool from_files)
{
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	u->dir = strdup(pw->pw_dir ? pw->pw_dir : "/");
	u->from_files = from_files;
	return u->name && u->dir ? 0 : -1;
}

/* The first /etc/passwd entry @match accepts. */
static int scan_passwd(int (*match)(const struct passwd *, const void *), const void *key, struct user *u)
{
	FILE *f = fopen("/etc/passwd", "re");
	struct passwd *pw;
	int rc = -1;

	if (!f)
		return -1;
	while ((pw = fgetpwent(f)))
		if (match(pw, key)) {
			rc = take(pw, u, true);
			break;
		}
	fclose(f);
	return rc;
}

static int same_name(const struct passwd *pw, const void *name)
{
	return !strcmp(pw->pw_name, name);
}

static int same_uid(const struct passwd *pw, const void *uid)
{
	return pw->pw_uid == *(const uid_t *)uid;
}

int user_by_name(const char *name, struct user *u)
{
	struct passwd *pw;

	if (!scan_passwd(same_name, name, u))
		return 0;
	pw = NSS(getpwnam(name));
	return pw ? take(pw, u, false) : -1;
}

int user_by_uid(uid_t uid, struct user *u)
{
	struct passwd *pw;

	if (!scan_passwd(same_uid, &uid, u))
		return 0;
	pw = NSS(getpwuid(uid));
	return pw ? take(pw, u, false) : -1;
}

int group_by_name(const char *name, gid_t *gid)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *gr;

	if (f) {
		while ((gr = fgetgrent(f)))
			if (!strcmp(gr->gr_name, name)) {
				*gid = gr->gr_gid;
				fclose(f);
				return 0;
			}
		fclose(f);
	}
	gr = NSS(getgrnam(name));
	if (!gr)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

static int add(gid_t **g, size_t *n, gid_t gid)
{
	gid_t *more;

	for (size_t i = 0; i < *n; i++)
		if ((*g)[i] == gid)
			return 0;
	more = realloc(*g, (*n + 1) * sizeof(**g));
	if (!more)
		return -1;
	*g = more;
	(*g)[(*n)++] = gid;
	return 0;
}

int user_groups(const struct user *u, gid_t gid, gid_t **groups, size_t *n)
{
	FILE *f;
	struct group *gr;

	*groups = NULL;
	*n = 0;
#ifndef HARDEN_STATIC
	if (!u->from_files) {
		int count = 64;

		for (;;) {
			*groups = malloc((size_t)count * sizeof(gid_t));
			if (!*groups)
				return -1;
			if (getgrouplist(u->name, gid, *groups, &count) >= 0) {
				*n = (size_t)count;
				return 0;
			}
			free(*groups);
		}
	}
#endif
	/* As initgroups(3) does from files: the primary group, then every
	 * group that lists the user as a member. */
	if (add(groups, n, gid))
		return -1;
	f = fopen("/etc/group", "re");
	if (!f)
		return -1;
	while ((gr = fgetgrent(f)))
		for (char **m = gr->gr_mem; m && *m; m++)
			if (!strcmp(*m, u->name) && add(groups, n, gr->gr_gid)) {
				fclose(f);
				return -1;
			}
	fclose(f);
	return 0;
}
