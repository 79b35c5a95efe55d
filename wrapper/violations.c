/* SPDX-License-Identifier: MIT */
/*
 * Refused calls named. A kernel record of a seccomp kill holds a number
 * and nothing of the policy (systemd #18052, nsjail #158): here a number
 * becomes the line of the policy behind its refusal, for explain.
 */
#include "violations.h"
#include "../core/sysnames.h"
#include "policy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The first item of @l whose expansion holds @nr, or NULL. */
static const char *item_holding(const struct strlist *l, long nr)
{
	static bool member[FILTER_NR_MAX];

	for (size_t i = 0; i < l->n; i++) {
		struct strlist one = {&l->v[i], 1};

		memset(member, 0, sizeof(member));
		plan_expand(&one, member);
		if (member[nr])
			return l->v[i];
	}
	return NULL;
}

static const char *rule_key(uint8_t chk)
{
	switch (chk) {
	case CHK_IOCTL_LIST:
		return "ioctl";
	case CHK_PRCTL_LIST:
		return "prctl";
	case CHK_SOCKET_TYPE:
	case CHK_SOCKET_BOTH:
		return "socket_types (and address_families)";
	case CHK_SOCKET_AF:
		return "address_families";
	case CHK_CLONE_MASK:
		return "clone_flags (and restrict_namespaces)";
	case CHK_NAMESPACES:
	case CHK_SETNS:
		return "restrict_namespaces";
	case CHK_MMAP_WX:
	case CHK_PROT_EXEC:
	case CHK_SHM_EXEC:
		return "memory_deny_write_execute";
	case CHK_PERSONALITY:
		return "lock_personality (or memory_deny_write_execute)";
	case CHK_IOCTL_TTY:
		return "the built-in TIOCSTI/TIOCLINUX rule";
	}
	return "the late filter's SIGSYS rule";
}

/* An argument rule of the policy's: which key, and where. */
static void argument_reason(const struct plan *pl, long nr, char *why, size_t wlen, char *fix, size_t flen)
{
	const struct policy *p = pl->pol;
	const struct origin *o = NULL;
	const char *key = NULL;

	switch (pl->checks[nr]) {
	case CHK_IOCTL_LIST:
		o = &p->ioctls_at, key = "ioctl";
		break;
	case CHK_PRCTL_LIST:
		o = &p->prctls_at, key = "prctl";
		break;
	case CHK_SOCKET_TYPE:
	case CHK_SOCKET_BOTH:
		o = &p->socket_types_at, key = "socket_types";
		break;
	case CHK_CLONE_MASK:
		o = &p->clone_flags_at, key = "clone_flags";
		break;
	}
	if (!o) {
		snprintf(why, wlen, "allowed, but %s refuses some of its arguments",
			 rule_key(pl->checks[nr]));
		return;
	}
	snprintf(why, wlen, "allowed, but only with the values of [seccomp] %s at %s:%d", key, o->file,
		 o->line);
	snprintf(fix, flen, "add the value to %s at %s:%d (or %s += VALUE in a policy that includes it)", key,
		 o->file, o->line, key);
}

/*
 * Why the policy refuses @nr, into @why, and the line that would allow
 * it into @fix ("" when no line can). Returns the verdict.
 */
uint32_t violation_reason(const struct plan *pl, long nr, const char *name, char *why, size_t wlen, char *fix,
			  size_t flen)
{
	const struct policy *p = pl->pol;
	const char *item;
	uint32_t a = pl->actions[nr], kind = a & SECCOMP_RET_ACTION_FULL;

	fix[0] = '\0';
	if (!pl->bpf && !pl->late_bpf) {
		snprintf(why, wlen, "the policy has no seccomp filter: not refused by it");
		return SECCOMP_RET_ALLOW;
	}
	if (!strcmp(name, "clone3") || !strncmp(name, "io_uring_", 9)) {
		snprintf(why, wlen, "answered ENOSYS by every filter (%s)",
			 name[0] == 'c' ? "its flags lie in memory no filter reads; libc falls back on clone"
					: "io_uring does I/O no filter sees");
		return a;
	}
	if (kind == SECCOMP_RET_ALLOW || kind == SECCOMP_RET_LOG) {
		if (pl->checks[nr])
			argument_reason(pl, nr, why, wlen, fix, flen);
		else if (pl->late && pl->bpf && (item = item_holding(&p->early_deny, nr)))
			snprintf(why, wlen, "refused until the trigger by early_deny at %s:%d (%s)",
				 p->early_deny_at.file, p->early_deny_at.line, item);
		else
			snprintf(why, wlen, "allowed by this policy: the refusal came from another filter");
		return a;
	}
	if ((item = item_holding(&p->deny, nr))) {
		snprintf(why, wlen, "refused by deny at %s:%d (%s)", p->deny_at.file, p->deny_at.line, item);
		if (!strcmp(item, name) || isdigit((unsigned char)item[0]))
			snprintf(fix, flen, "remove %s from deny at %s:%d", item, p->deny_at.file,
				 p->deny_at.line);
		else
			snprintf(fix, flen, "take %s out of deny at %s:%d (%s is one of its members)", item,
				 p->deny_at.file, p->deny_at.line, name);
		return a;
	}
	if (pl->jailed && !strcmp(name, "open_by_handle_at")) {
		snprintf(why, wlen, "refused in a chroot: a file handle reaches outside it");
		return a;
	}
	if (p->allow_at.file) {
		snprintf(why, wlen, "not in the allow list at %s:%d", p->allow_at.file, p->allow_at.line);
		snprintf(fix, flen, "allow += %s", name);
		return a;
	}
	snprintf(why, wlen, "refused by the filter");
	return a;
}
