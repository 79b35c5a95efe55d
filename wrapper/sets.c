/*
 * Named syscall sets.
 *
 * A policy should be able to say "allow @system-service, deny @privileged"
 * instead of listing hundreds of syscalls by hand, and operators coming
 * from systemd units already know these group names.  So the groups and
 * their membership follow the ones systemd prints with
 * `systemd-analyze syscall-filter` (systemd 252 as shipped by Debian 12),
 * and this file is the only place in the code where they are defined.
 *
 * Each set is a space-separated list of syscall names and nested "@set"
 * names.  Names that do not exist on the native architecture (_llseek,
 * mmap2, socketcall, the *_time64 calls, ...) are listed on purpose: the
 * expander skips them, and they keep the sets meaningful should another
 * architecture be supported.  Every name is known to libseccomp on at
 * least one architecture; tests/helpers/setcheck checks that.
 *
 * Deliberate differences from systemd:
 *
 *  - io_uring_setup, io_uring_enter and io_uring_register are not in @aio
 *    (nor in any set @system-service pulls in); they have their own set,
 *    @io-uring.  A ring submits reads, writes, opens, connects and more
 *    from kernel context, where no seccomp filter ever sees them, so
 *    allowing io_uring would quietly undo the rest of the filter.
 *
 *  - @default lacks riscv_hwprobe: neither the libseccomp we build against
 *    (2.5.4) nor tools/syscalls-extra.txt knows it (riscv64 is not built).
 *
 * Syscalls newer than libseccomp 2.5.4 (tools/syscalls-extra.txt), placed
 * by what they reach (second security review, item 4):
 *
 *  - statmount, listmount, open_tree_attr in @mount: they read the mount
 *    table or clone a mount (open_tree_attr makes a writable clone of a
 *    read-only mount), so `deny = @mount` must hold them.
 *  - setxattrat getxattrat listxattrat removexattrat file_getattr
 *    file_setattr in @file-system, beside the other *xattr calls.
 *  - mseal and uretprobe in @default: mseal only takes rights away from
 *    the caller's own memory (a C library may seal at start-up), and the
 *    kernel's uprobe trampoline calls uretprobe inside any traced program.
 *  - lsm_get_self_attr lsm_set_self_attr lsm_list_modules in
 *    @system-service: they act on the caller's own LSM attributes, as the
 *    /proc/self/attr files the service can already open do, and the LSM
 *    checks every change.
 *
 *  - There is no @known ("every syscall the kernel declares"); it says
 *    nothing a filter could use.
 *
 * clone3 stays in @process as in systemd; the filter generator answers
 * it with ENOSYS on its own, so that libc falls back to clone.
 */
#include <stddef.h>
#include <string.h>

#include "sets.h"

const struct sysset sysset_table[] = {
    {
	.name = "@default",
	.help = "Calls every program needs; part of every allow-list",
	.members = "arch_prctl brk cacheflush "
		   "clock_getres clock_getres_time64 "
		   "clock_gettime clock_gettime64 "
		   "clock_nanosleep clock_nanosleep_time64 "
		   "execve exit exit_group "
		   "futex futex_time64 futex_waitv "
		   "get_robust_list get_thread_area "
		   "getegid getegid32 geteuid geteuid32 getgid getgid32 "
		   "getgroups getgroups32 getpgid getpgrp getpid getppid "
		   "getrandom getresgid getresgid32 getresuid getresuid32 "
		   "getrlimit getsid gettid gettimeofday getuid getuid32 "
		   "membarrier mmap mmap2 mprotect munmap nanosleep pause "
		   "mseal prlimit64 restart_syscall riscv_flush_icache rseq "
		   "rt_sigreturn sched_getaffinity sched_yield "
		   "set_robust_list set_thread_area set_tid_address set_tls "
		   "sigreturn time ugetrlimit uretprobe",
    },
    {
	.name = "@aio",
	.help = "Kernel AIO (io_setup/io_submit); io_uring is separate",
	.members = "io_cancel io_destroy io_getevents "
		   "io_pgetevents io_pgetevents_time64 "
		   "io_setup io_submit",
    },
    {
	.name = "@basic-io",
	.help = "Reading, writing, seeking and closing open descriptors",
	.members = "_llseek close close_range dup dup2 dup3 lseek "
		   "pread64 preadv preadv2 pwrite64 pwritev pwritev2 "
		   "read readv write writev",
    },
    {
	.name = "@chown",
	.help = "Changing the owner of files",
	.members = "chown chown32 fchown fchown32 fchownat "
		   "lchown lchown32",
    },
    {
	.name = "@clock",
	.help = "Setting or adjusting the system clock",
	.members = "adjtimex clock_adjtime clock_adjtime64 "
		   "clock_settime clock_settime64 settimeofday",
    },
    {
	.name = "@cpu-emulation",
	.help = "Legacy CPU modes and emulation (vm86, LDT, endianness)",
	.members = "modify_ldt subpage_prot switch_endian vm86 vm86old",
    },
    {
	.name = "@debug",
	.help = "Tracing, profiling and reaching into other processes",
	.members = "lookup_dcookie perf_event_open pidfd_getfd ptrace "
		   "rtas s390_runtime_instr sys_debug_setcontext",
    },
    {
	.name = "@file-system",
	.help = "Opening, inspecting and changing files and directories",
	.members = "access chdir chmod close creat "
		   "faccessat faccessat2 fallocate fchdir "
		   "fchmod fchmodat fchmodat2 fcntl fcntl64 "
		   "fgetxattr file_getattr file_setattr "
		   "flistxattr fremovexattr fsetxattr "
		   "fstat fstat64 fstatat64 fstatfs fstatfs64 "
		   "ftruncate ftruncate64 futimesat getcwd "
		   "getdents getdents64 getxattr getxattrat "
		   "inotify_add_watch inotify_init inotify_init1 "
		   "inotify_rm_watch "
		   "lgetxattr link linkat listxattr listxattrat llistxattr "
		   "lremovexattr lsetxattr lstat lstat64 "
		   "mkdir mkdirat mknod mknodat newfstatat "
		   "oldfstat oldlstat oldstat open openat openat2 "
		   "readlink readlinkat removexattr removexattrat "
		   "rename renameat renameat2 rmdir setxattr setxattrat "
		   "stat stat64 statfs statfs64 statx "
		   "symlink symlinkat truncate truncate64 "
		   "unlink unlinkat utime utimensat utimensat_time64 utimes",
    },
    {
	.name = "@io-event",
	.help = "Waiting for events: poll, select, epoll, eventfd",
	.members = "_newselect epoll_create epoll_create1 epoll_ctl "
		   "epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait "
		   "epoll_wait_old eventfd eventfd2 "
		   "poll ppoll ppoll_time64 "
		   "pselect6 pselect6_time64 select",
    },
    {
	.name = "@io-uring",
	.help = "io_uring rings; their I/O is never seen by seccomp",
	.members = "io_uring_enter io_uring_register io_uring_setup",
    },
    {
	.name = "@ipc",
	.help = "Pipes, SysV IPC, POSIX queues, memfd, cross-process memory",
	.members = "ipc memfd_create "
		   "mq_getsetattr mq_notify mq_open "
		   "mq_timedreceive mq_timedreceive_time64 "
		   "mq_timedsend mq_timedsend_time64 mq_unlink "
		   "msgctl msgget msgrcv msgsnd pipe pipe2 "
		   "process_madvise process_vm_readv process_vm_writev "
		   "semctl semget semop semtimedop semtimedop_time64 "
		   "shmat shmctl shmdt shmget",
    },
    {
	.name = "@keyring",
	.help = "The kernel key retention service",
	.members = "add_key keyctl request_key",
    },
    {
	.name = "@memlock",
	.help = "Locking memory into RAM",
	.members = "mlock mlock2 mlockall munlock munlockall",
    },
    {
	.name = "@module",
	.help = "Loading and removing kernel modules",
	.members = "delete_module finit_module init_module",
    },
    {
	.name = "@mount",
	.help = "Mounting, unmounting and changing the root directory",
	.members = "chroot fsconfig fsmount fsopen fspick listmount "
		   "mount mount_setattr move_mount open_tree open_tree_attr "
		   "pivot_root statmount umount umount2",
    },
    {
	.name = "@network-io",
	.help = "Sockets: creating, connecting, sending and receiving",
	.members = "accept accept4 bind connect "
		   "getpeername getsockname getsockopt listen "
		   "recv recvfrom recvmmsg recvmmsg_time64 recvmsg "
		   "send sendmmsg sendmsg sendto setsockopt shutdown "
		   "socket socketcall socketpair",
    },
    {
	.name = "@obsolete",
	.help = "Old, unusual or never implemented calls",
	.members = "_sysctl afs_syscall bdflush break create_module "
		   "ftime get_kernel_syms getpmsg gtty idle lock mpx "
		   "prof profil putpmsg query_module security "
		   "sgetmask ssetmask stime stty sysfs tuxcall "
		   "ulimit uselib ustat vserver",
    },
    {
	.name = "@pkey",
	.help = "Memory protection keys",
	.members = "pkey_alloc pkey_free pkey_mprotect",
    },
    {
	.name = "@privileged",
	.help = "Calls that only do anything useful with privileges",
	.members = "@chown @clock @module @raw-io @reboot @swap "
		   "_sysctl acct bpf capset chroot "
		   "fanotify_init fanotify_mark nfsservctl "
		   "open_by_handle_at pivot_root quotactl quotactl_fd "
		   "setdomainname setfsuid setfsuid32 "
		   "setgroups setgroups32 sethostname "
		   "setresuid setresuid32 setreuid setreuid32 "
		   "setuid setuid32 vhangup",
    },
    {
	.name = "@process",
	.help = "Creating, signalling, waiting for and confining processes",
	.members = "capget clone clone3 execveat fork getrusage kill "
		   "pidfd_open pidfd_send_signal prctl "
		   "rt_sigqueueinfo rt_tgsigqueueinfo setns "
		   "swapcontext tgkill times tkill unshare vfork "
		   "wait4 waitid waitpid",
    },
    {
	.name = "@raw-io",
	.help = "Direct access to I/O ports and PCI configuration space",
	.members = "ioperm iopl pciconfig_iobase pciconfig_read "
		   "pciconfig_write s390_pci_mmio_read s390_pci_mmio_write",
    },
    {
	.name = "@reboot",
	.help = "Rebooting and loading a new kernel",
	.members = "kexec_file_load kexec_load reboot",
    },
    {
	.name = "@resources",
	.help = "Changing priorities, CPU affinity, NUMA policy, rlimits",
	.members = "ioprio_set mbind migrate_pages move_pages nice "
		   "sched_setaffinity sched_setattr sched_setparam "
		   "sched_setscheduler set_mempolicy "
		   "set_mempolicy_home_node setpriority setrlimit",
    },
    {
	.name = "@setuid",
	.help = "Changing user and group IDs",
	.members = "setgid setgid32 setgroups setgroups32 "
		   "setregid setregid32 setresgid setresgid32 "
		   "setresuid setresuid32 setreuid setreuid32 "
		   "setuid setuid32",
    },
    {
	.name = "@signal",
	.help = "Signal handlers, masks and waiting for signals",
	.members = "rt_sigaction rt_sigpending rt_sigprocmask "
		   "rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64 "
		   "sigaction sigaltstack signal signalfd signalfd4 "
		   "sigpending sigprocmask sigsuspend",
    },
    {
	.name = "@swap",
	.help = "Turning swap devices on and off",
	.members = "swapoff swapon",
    },
    {
	.name = "@sync",
	.help = "Flushing files and memory to storage",
	.members = "fdatasync fsync msync sync "
		   "sync_file_range sync_file_range2 syncfs",
    },
    {
	.name = "@system-service",
	.help = "What an ordinary service needs (no io_uring)",
	.members = "@aio @basic-io @chown @default @file-system "
		   "@io-event @ipc @keyring @memlock @network-io "
		   "@process @resources @setuid @signal @sync @timer "
		   "arm_fadvise64_64 capget capset copy_file_range "
		   "fadvise64 fadvise64_64 flock get_mempolicy getcpu "
		   "getpriority ioctl ioprio_get kcmp "
		   "lsm_get_self_attr lsm_list_modules lsm_set_self_attr "
		   "madvise mremap "
		   "name_to_handle_at oldolduname olduname personality "
		   "readahead readdir remap_file_pages "
		   "sched_get_priority_max sched_get_priority_min "
		   "sched_getattr sched_getparam sched_getscheduler "
		   "sched_rr_get_interval sched_rr_get_interval_time64 "
		   "sched_yield sendfile sendfile64 "
		   "setfsgid setfsgid32 setfsuid setfsuid32 "
		   "setpgid setsid splice sysinfo tee umask uname "
		   "userfaultfd vmsplice",
    },
    {
	.name = "@timer",
	.help = "Alarms, interval timers, POSIX timers and timerfd",
	.members = "alarm getitimer setitimer "
		   "timer_create timer_delete timer_getoverrun "
		   "timer_gettime timer_gettime64 "
		   "timer_settime timer_settime64 "
		   "timerfd_create timerfd_gettime timerfd_gettime64 "
		   "timerfd_settime timerfd_settime64 times",
    },
    {.name = NULL},
};

const struct sysset *sysset_find(const char *name)
{
	const struct sysset *s;

	if (!name)
		return NULL;
	for (s = sysset_table; s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}
