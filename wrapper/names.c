/* SPDX-License-Identifier: MIT */
/* Name tables: resource limits, errno values, address families. */
#include "policy.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char *const limit_names[NLIMITS] = {
    [RLIMIT_AS] = "as",		  [RLIMIT_CORE] = "core",	  [RLIMIT_CPU] = "cpu",
    [RLIMIT_DATA] = "data",	  [RLIMIT_FSIZE] = "fsize",	  [RLIMIT_LOCKS] = "locks",
    [RLIMIT_MEMLOCK] = "memlock", [RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",
    [RLIMIT_NOFILE] = "nofile",	  [RLIMIT_NPROC] = "nproc",	  [RLIMIT_RSS] = "rss",
    [RLIMIT_RTPRIO] = "rtprio",	  [RLIMIT_RTTIME] = "rttime",	  [RLIMIT_SIGPENDING] = "sigpending",
    [RLIMIT_STACK] = "stack",
};

const char *limit_name(int r)
{
	return r >= 0 && r < NLIMITS ? limit_names[r] : NULL;
}

int limit_lookup(const char *name)
{
	for (int r = 0; r < NLIMITS; r++)
		if (limit_names[r] && !strcmp(limit_names[r], name))
			return r;
	return -1;
}

struct named {
	const char *name;
	int value;
};

#define E(x)                                                                                                 \
	{                                                                                                    \
#x, x                                                                                        \
	}
static const struct named errnos[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLOCK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(ENOTSUP),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
};
#undef E

int errno_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	return -1;
}

const char *errno_name(int err)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return NULL;
}

#define F(x)                                                                                                 \
	{                                                                                                    \
#x, x                                                                                        \
	}
static const struct named families[] = {
    F(AF_UNIX),	     F(AF_LOCAL),    F(AF_INET),   F(AF_AX25),	  F(AF_IPX),	F(AF_APPLETALK),
    F(AF_NETROM),    F(AF_BRIDGE),   F(AF_ATMPVC), F(AF_X25),	  F(AF_INET6),	F(AF_ROSE),
    F(AF_NETBEUI),   F(AF_SECURITY), F(AF_KEY),	   F(AF_NETLINK), F(AF_PACKET), F(AF_ASH),
    F(AF_ECONET),    F(AF_ATMSVC),   F(AF_RDS),	   F(AF_SNA),	  F(AF_IRDA),	F(AF_PPPOX),
    F(AF_WANPIPE),   F(AF_LLC),	     F(AF_IB),	   F(AF_MPLS),	  F(AF_CAN),	F(AF_TIPC),
    F(AF_BLUETOOTH), F(AF_IUCV),     F(AF_RXRPC),  F(AF_ISDN),	  F(AF_PHONET), F(AF_IEEE802154),
    F(AF_CAIF),	     F(AF_ALG),	     F(AF_NFC),	   F(AF_VSOCK),	  F(AF_KCM),	F(AF_QIPCRTR),
    F(AF_SMC),	     F(AF_XDP),	     F(AF_MCTP),
};
#undef F

int family_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (!strcasecmp(families[i].name, name))
			return families[i].value;
	return -1;
}

const char *family_name(int af)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].value == af)
			return families[i].name;
	return NULL;
}
