/* SPDX-License-Identifier: MIT */
/* The native syscall table, generated at build time (tools/gen-sysnames.c). */
#ifndef HARDEN_SYSNAMES_H
#define HARDEN_SYSNAMES_H

#define SYSNAMES_NR_MAX 1024

struct sysname {
	const char *name;
	int nr;
};

extern const char *const sysname_by_nr[SYSNAMES_NR_MAX]; /* NULL: no syscall */
extern const struct sysname sysnames_sorted[];		 /* by name */
extern const unsigned sysnames_count;
extern const int sysnames_last; /* the highest number in the table */

/* Native members of each named set, in the order of sysset_table[]:
 * bit nr of set i is sysset_bits[i][nr / 8] >> (nr % 8) & 1. */
extern const unsigned char sysset_bits[][SYSNAMES_NR_MAX / 8];

/* The native number of @name, or -1. */
int sysname_nr(const char *name);

/* The name of native syscall @nr, or NULL. */
const char *sysname_name(int nr);

#endif
