/* SPDX-License-Identifier: MIT */
#include "sysnames.h"

#include <stddef.h>
#include <string.h>

int sysname_nr(const char *name)
{
	size_t lo = 0, hi = sysnames_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, sysnames_sorted[mid].name);

		if (!c)
			return sysnames_sorted[mid].nr;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const char *sysname_name(int nr)
{
	return nr >= 0 && nr < SYSNAMES_NR_MAX ? sysname_by_nr[nr] : NULL;
}
