/*
 * setcheck: consistency test for the named syscall sets in wrapper/sets.c.
 *
 * For every set (one TAP test each) it checks that:
 *  - the name starts with '@', is unique in the table, and has a help line;
 *  - the member list is non-empty and single-space separated;
 *  - every "@name" member names an existing set;
 *  - every other member is a syscall name libseccomp knows on some
 *    architecture (seccomp_syscall_resolve_name() != __NR_SCMP_ERROR),
 *    or one the build's table adds (tools/syscalls-extra.txt);
 *  - no member appears twice in the list;
 *  - following nested sets never leads back into a set already being
 *    expanded (no set includes itself, directly or indirectly);
 *  - io_uring calls appear only in @io-uring, and nothing reachable from
 *    @system-service pulls them in.
 *
 * Build: gcc -std=gnu11 -Iwrapper tests/helpers/setcheck.c wrapper/sets.c -lseccomp
 * Exit status: 0 when every test passes, 1 otherwise.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "sets.h"
#include "sysnames.h"

#define MAX_NAME     64
#define MAX_MEMBERS  512
#define MAX_DEPTH    32
#define IO_URING_SET "@io-uring"
#define SERVICE_SET  "@system-service"

/* Copy the next space-delimited token of *p into buf; false at the end. */
static bool next_token(const char **p, char *buf, size_t len, bool *too_long)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ')
		s++;
	if (!*s)
		return false;
	e = s;
	while (*e && *e != ' ')
		e++;
	n = (size_t)(e - s);
	*too_long = n >= len;
	if (*too_long)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*p = e;
	return true;
}

static bool is_io_uring(const char *name)
{
	return strncmp(name, "io_uring", 8) == 0;
}

/*
 * Walk the nested sets below s.  path[0..depth-1] holds the sets being
 * expanded.  Returns false (after printing the chain to diag) on a cycle.
 * Sets *uring when an io_uring call is reachable.
 */
static bool walk(const struct sysset *s, const struct sysset **path, size_t depth, size_t max_depth,
		 bool *uring, FILE *diag)
{
	const char *p = s->members;
	char tok[MAX_NAME];
	bool too_long;
	size_t i;

	for (i = 0; i < depth; i++) {
		if (path[i] != s)
			continue;
		fprintf(diag, "# cycle:");
		for (; i < depth; i++)
			fprintf(diag, " %s ->", path[i]->name);
		fprintf(diag, " %s\n", s->name);
		return false;
	}
	if (depth >= max_depth) {
		fprintf(diag, "# nesting deeper than %zu below %s\n", max_depth, path[0]->name);
		return false;
	}
	path[depth] = s;

	while (next_token(&p, tok, sizeof(tok), &too_long)) {
		const struct sysset *sub;

		if (tok[0] != '@') {
			if (is_io_uring(tok))
				*uring = true;
			continue;
		}
		sub = sysset_find(tok);
		if (!sub)
			continue; /* reported by the direct member check */
		if (!walk(sub, path, depth + 1, max_depth, uring, diag))
			return false;
	}
	return true;
}

/* Does the expansion of from reach the set target (or is it target)? */
static bool reaches(const struct sysset *from, const struct sysset *target, size_t depth_left)
{
	const char *p = from->members;
	char tok[MAX_NAME];
	bool too_long;

	if (from == target)
		return true;
	if (depth_left == 0)
		return false;
	while (next_token(&p, tok, sizeof(tok), &too_long)) {
		const struct sysset *sub;

		if (tok[0] != '@')
			continue;
		sub = sysset_find(tok);
		if (sub && reaches(sub, target, depth_left - 1))
			return true;
	}
	return false;
}

static unsigned int check_set(const struct sysset *s, size_t nsets, size_t *nmembers, FILE *diag)
{
	static char seen[MAX_MEMBERS][MAX_NAME];
	const struct sysset *path[MAX_DEPTH];
	const struct sysset *service = sysset_find(SERVICE_SET);
	const struct sysset *t;
	unsigned int bad = 0;
	const char *p;
	char tok[MAX_NAME];
	bool too_long, uring = false;
	size_t n = 0, i, len;

	*nmembers = 0;

	if (s->name[0] != '@' || !s->name[1]) {
		fprintf(diag, "# set name does not start with '@'\n");
		bad++;
	}
	for (t = sysset_table; t->name; t++) {
		if (t != s && strcmp(t->name, s->name) == 0) {
			fprintf(diag, "# set name appears more than once in the table\n");
			bad++;
			break;
		}
	}
	if (!s->help || !s->help[0] || strchr(s->help, '\n')) {
		fprintf(diag, "# help must be one non-empty line\n");
		bad++;
	}
	if (!s->members || !s->members[0]) {
		fprintf(diag, "# member list is empty\n");
		return bad + 1;
	}

	len = strlen(s->members);
	if (s->members[0] == ' ' || s->members[len - 1] == ' ' || strstr(s->members, "  ")) {
		fprintf(diag, "# member list has leading, trailing or double spaces\n");
		bad++;
	}

	p = s->members;
	while (next_token(&p, tok, sizeof(tok), &too_long)) {
		if (too_long) {
			fprintf(diag, "# member too long: %s...\n", tok);
			bad++;
			continue;
		}
		for (i = 0; i < n && i < MAX_MEMBERS; i++) {
			if (strcmp(seen[i], tok) == 0) {
				fprintf(diag, "# duplicate member: %s\n", tok);
				bad++;
				break;
			}
		}
		if (n < MAX_MEMBERS)
			strcpy(seen[n], tok);
		else if (n == MAX_MEMBERS)
			fprintf(diag, "# more than %d members; duplicates not checked past that\n",
				MAX_MEMBERS);
		n++;

		if (tok[0] == '@') {
			if (!sysset_find(tok)) {
				fprintf(diag, "# unknown set: %s\n", tok);
				bad++;
			}
			continue;
		}
		if (seccomp_syscall_resolve_name(tok) == __NR_SCMP_ERROR && sysname_nr(tok) < 0) {
			fprintf(diag, "# neither libseccomp nor the build's table knows syscall: %s\n", tok);
			bad++;
		}
		if (is_io_uring(tok) && strcmp(s->name, IO_URING_SET) != 0) {
			fprintf(diag, "# %s belongs only in " IO_URING_SET "\n", tok);
			bad++;
		}
	}
	*nmembers = n;

	if (!walk(s, path, 0, MAX_DEPTH, &uring, diag)) {
		bad++;
	} else if (uring && service && reaches(service, s, nsets)) {
		fprintf(diag, "# io_uring calls reachable from " SERVICE_SET "\n");
		bad++;
	}
	return bad;
}

int main(void)
{
	const struct sysset *s;
	size_t nsets = 0, i;
	int failed = 0;

	for (s = sysset_table; s->name; s++)
		nsets++;

	printf("1..%zu\n", nsets);
	for (i = 0, s = sysset_table; s->name; s++, i++) {
		char *buf = NULL;
		size_t buflen = 0, nmembers;
		unsigned int bad;
		FILE *diag = open_memstream(&buf, &buflen);

		if (!diag) {
			perror("open_memstream");
			return 1;
		}
		bad = check_set(s, nsets, &nmembers, diag);
		fclose(diag);

		if (bad)
			failed++;
		printf("%sok %zu - %s (%zu members)\n", bad ? "not " : "", i + 1, s->name, nmembers);
		fputs(buf, stdout);
		free(buf);
	}
	if (failed)
		printf("# %d of %zu sets failed\n", failed, nsets);
	return failed ? 1 : 0;
}
