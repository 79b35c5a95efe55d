/* SPDX-License-Identifier: MIT */
/*
 * Names of the argument values the policy's argument rules take: ioctl
 * requests, prctl options, socket types and clone flags. Each also takes
 * a number (decimal or 0x hex), which must fit the 32 bits the kernel
 * reads: a larger one could never match and would hide a mistake.
 */
#include "policy.h"

#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

struct argname {
	const char *name;
	uint32_t value;
};

#define N(x)                                                                                                 \
	{                                                                                                    \
#x, (uint32_t)(x)                                                                            \
	}

/* Terminals first (what a program run on a terminal asks), then the
 * descriptor-wide requests, then a few of files and network interfaces. */
static const struct argname ioctls[] = {
    N(TCGETS),	      N(TCSETS),	  N(TCSETSW),	      N(TCSETSF),	N(TCGETA),
    N(TCSETA),	      N(TCSETAW),	  N(TCSETAF),	      N(TCSBRK),	N(TCSBRKP),
    N(TCXONC),	      N(TCFLSH),	  N(TIOCEXCL),	      N(TIOCNXCL),	N(TIOCSCTTY),
    N(TIOCGPGRP),     N(TIOCSPGRP),	  N(TIOCOUTQ),	      N(TIOCGWINSZ),	N(TIOCSWINSZ),
    N(TIOCMGET),      N(TIOCMBIS),	  N(TIOCMBIC),	      N(TIOCMSET),	N(TIOCGSOFTCAR),
    N(TIOCSSOFTCAR),  N(TIOCINQ),	  N(TIOCCONS),	      N(TIOCNOTTY),	N(TIOCSETD),
    N(TIOCGETD),      N(TIOCSBRK),	  N(TIOCCBRK),	      N(TIOCGSID),	N(TIOCGPTN),
    N(TIOCSPTLCK),    N(TIOCGPTLCK),	  N(TIOCGPKT),	      N(TIOCPKT),	N(TIOCGEXCL),
    N(TIOCGDEV),      N(TIOCVHANGUP),	  N(TIOCGPTPEER),     N(TIOCSERGETLSR), N(TIOCGICOUNT),
    N(TIOCMIWAIT),    N(TIOCGSERIAL),	  N(TIOCSSERIAL),     N(FIONREAD),	N(FIONBIO),
    N(FIOASYNC),      N(FIOCLEX),	  N(FIONCLEX),	      N(FIOQSIZE),	N(FIOSETOWN),
    N(FIOGETOWN),     N(FIGETBSZ),	  N(FIBMAP),	      N(FICLONE),	N(FICLONERANGE),
    N(FIDEDUPERANGE), N(FS_IOC_GETFLAGS), N(FS_IOC_SETFLAGS), N(FS_IOC_FIEMAP), N(BLKGETSIZE64),
    N(BLKSSZGET),     N(SIOCGIFCONF),	  N(SIOCGIFFLAGS),    N(SIOCGIFINDEX),	N(SIOCGIFNAME),
    N(SIOCGIFMTU),    N(SIOCGIFADDR),	  N(SIOCGIFHWADDR),   N(SIOCATMARK),	N(SIOCOUTQ),
    N(SIOCINQ),	      N(TIOCSTI),	  N(TIOCLINUX),
};

static const struct argname prctls[] = {
    {"PR_SET_PDEATHSIG", 1},
    {"PR_GET_PDEATHSIG", 2},
    {"PR_GET_DUMPABLE", 3},
    {"PR_SET_DUMPABLE", 4},
    {"PR_GET_UNALIGN", 5},
    {"PR_SET_UNALIGN", 6},
    {"PR_GET_KEEPCAPS", 7},
    {"PR_SET_KEEPCAPS", 8},
    {"PR_GET_FPEMU", 9},
    {"PR_SET_FPEMU", 10},
    {"PR_GET_FPEXC", 11},
    {"PR_SET_FPEXC", 12},
    {"PR_GET_TIMING", 13},
    {"PR_SET_TIMING", 14},
    {"PR_SET_NAME", 15},
    {"PR_GET_NAME", 16},
    {"PR_GET_ENDIAN", 19},
    {"PR_SET_ENDIAN", 20},
    {"PR_GET_SECCOMP", 21},
    {"PR_SET_SECCOMP", 22},
    {"PR_CAPBSET_READ", 23},
    {"PR_CAPBSET_DROP", 24},
    {"PR_GET_TSC", 25},
    {"PR_SET_TSC", 26},
    {"PR_GET_SECUREBITS", 27},
    {"PR_SET_SECUREBITS", 28},
    {"PR_SET_TIMERSLACK", 29},
    {"PR_GET_TIMERSLACK", 30},
    {"PR_TASK_PERF_EVENTS_DISABLE", 31},
    {"PR_TASK_PERF_EVENTS_ENABLE", 32},
    {"PR_MCE_KILL", 33},
    {"PR_MCE_KILL_GET", 34},
    {"PR_SET_MM", 35},
    {"PR_SET_CHILD_SUBREAPER", 36},
    {"PR_GET_CHILD_SUBREAPER", 37},
    {"PR_SET_NO_NEW_PRIVS", 38},
    {"PR_GET_NO_NEW_PRIVS", 39},
    {"PR_GET_TID_ADDRESS", 40},
    {"PR_SET_THP_DISABLE", 41},
    {"PR_GET_THP_DISABLE", 42},
    {"PR_SET_FP_MODE", 45},
    {"PR_GET_FP_MODE", 46},
    {"PR_CAP_AMBIENT", 47},
    {"PR_SVE_SET_VL", 50},
    {"PR_SVE_GET_VL", 51},
    {"PR_GET_SPECULATION_CTRL", 52},
    {"PR_SET_SPECULATION_CTRL", 53},
    {"PR_PAC_RESET_KEYS", 54},
    {"PR_SET_TAGGED_ADDR_CTRL", 55},
    {"PR_GET_TAGGED_ADDR_CTRL", 56},
    {"PR_SET_IO_FLUSHER", 57},
    {"PR_GET_IO_FLUSHER", 58},
    {"PR_SET_SYSCALL_USER_DISPATCH", 59},
    {"PR_SCHED_CORE", 62},
    {"PR_SET_MDWE", 65},
    {"PR_GET_MDWE", 66},
    {"PR_SET_PTRACER", 0x59616d61},
    {"PR_SET_VMA", 0x53564d41},
    {"PR_GET_AUXV", 0x41555856},
};

static const struct argname socket_types[] = {
    {"SOCK_STREAM", 1},	   {"SOCK_DGRAM", 2}, {"SOCK_RAW", 3},	   {"SOCK_RDM", 4},
    {"SOCK_SEQPACKET", 5}, {"SOCK_DCCP", 6},  {"SOCK_PACKET", 10},
};

static const struct argname clone_flags[] = {
    {"CLONE_VM", 0x100},
    {"CLONE_FS", 0x200},
    {"CLONE_FILES", 0x400},
    {"CLONE_SIGHAND", 0x800},
    {"CLONE_PIDFD", 0x1000},
    {"CLONE_PTRACE", 0x2000},
    {"CLONE_VFORK", 0x4000},
    {"CLONE_PARENT", 0x8000},
    {"CLONE_THREAD", 0x10000},
    {"CLONE_NEWNS", 0x20000},
    {"CLONE_SYSVSEM", 0x40000},
    {"CLONE_SETTLS", 0x80000},
    {"CLONE_PARENT_SETTID", 0x100000},
    {"CLONE_CHILD_CLEARTID", 0x200000},
    {"CLONE_DETACHED", 0x400000},
    {"CLONE_UNTRACED", 0x800000},
    {"CLONE_CHILD_SETTID", 0x1000000},
    {"CLONE_NEWCGROUP", 0x2000000},
    {"CLONE_NEWUTS", 0x4000000},
    {"CLONE_NEWIPC", 0x8000000},
    {"CLONE_NEWUSER", 0x10000000},
    {"CLONE_NEWPID", 0x20000000},
    {"CLONE_NEWNET", 0x40000000},
    {"CLONE_IO", 0x80000000},
};

static const struct {
	const struct argname *v;
	size_t n;
} tables[] = {
    [ARG_IOCTL] = {ioctls, sizeof(ioctls) / sizeof(ioctls[0])},
    [ARG_PRCTL] = {prctls, sizeof(prctls) / sizeof(prctls[0])},
    [ARG_SOCKET_TYPE] = {socket_types, sizeof(socket_types) / sizeof(socket_types[0])},
    [ARG_CLONE_FLAG] = {clone_flags, sizeof(clone_flags) / sizeof(clone_flags[0])},
};

int argname_value(enum argkind kind, const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	for (size_t i = 0; i < tables[kind].n; i++)
		if (!strcmp(tables[kind].v[i].name, s)) {
			*out = tables[kind].v[i].value;
			return 0;
		}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	if (v > 0xffffffffull)
		return -2;
	*out = (uint32_t)v;
	return 0;
}

const char *argname_name(enum argkind kind, uint32_t value)
{
	for (size_t i = 0; i < tables[kind].n; i++)
		if (tables[kind].v[i].value == value)
			return tables[kind].v[i].name;
	return NULL;
}
