/*
 * Named syscall sets ("@basic-io", "@system-service", ...) that a policy
 * may use in its seccomp allow and deny lists.  The table lives in sets.c.
 */
#ifndef HARDEN_SETS_H
#define HARDEN_SETS_H

struct sysset {
	const char *name;    /* "@basic-io" etc, with the '@' */
	const char *help;    /* one short line describing the set */
	const char *members; /* space-separated syscall names and nested "@set" names */
};

extern const struct sysset sysset_table[]; /* terminated by an entry with name == NULL */

const struct sysset *sysset_find(const char *name); /* exact match on name incl. '@'; NULL if none */

#endif
