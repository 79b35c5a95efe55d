#!/usr/bin/env bash
# Live seccomp: forbidden syscalls really killed or refused by the kernel,
# each next to a control run without the filter that shows the call works.
. "$(dirname "$0")/../lib.sh"
SIGSYS_STATUS=$((128 + 31))

mk() { # NAME BODY: a policy from a [seccomp] body
	printf '[seccomp]\n%s\n' "$2" | policy "$1"
}
none=$(printf '[exec]\nno_new_privs = yes\n' | policy none)

# ---- actions ----
p=$(mk kill "deny = ptrace
action = kill")
run "$H" "$p" "$PROBE" pid ptrace_me pid
is "$rc" "$SIGSYS_STATUS" "action = kill: killed by SIGSYS"
like "$out" "^pid: ok" "action = kill: the service ran until the forbidden call"
unlike "$(line ptrace_me)" "." "action = kill: the forbidden call never returned"

p=$(mk errno "deny = ptrace
action = errno:EACCES")
run "$H" "$p" "$PROBE" ptrace_me
is "$(line ptrace_me)" "errno EACCES" "action = errno:EACCES returns EACCES"
is "$rc" 0 "action = errno: the service goes on"

p=$(mk trap "deny = ptrace
action = trap")
run "$H" "$p" "$PROBE" ptrace_me
is "$rc" "$SIGSYS_STATUS" "action = trap: SIGSYS delivered (default disposition ends it)"

p=$(mk log "deny = ptrace
action = log")
run "$H" "$p" "$PROBE" ptrace_me status
is "$(line ptrace_me)" "ok" "action = log: the call proceeds (and is logged by the kernel)"
is "$(field Seccomp)" 2 "action = log: a filter is installed"

run "$H" "$none" "$PROBE" ptrace_me
is "$(line ptrace_me)" "ok" "control: ptrace(TRACEME) works without a filter"

# ---- allow-list ----
p=$(mk allow "allow = @system-service
action = kill")
run "$H" "$p" "$PROBE" sys 39 sys 165,0,0,0,0,0
like "$(line sys)" "^ok [0-9]+" "allow-list: getpid allowed"
is "$rc" "$SIGSYS_STATUS" "allow-list: mount (not in @system-service) kills"
p=$(mk allowdeny "allow = @system-service
deny = getppid
action = errno:EPERM")
run "$H" "$p" "$PROBE" ppid sys 110
is "$(line sys)" "errno EPERM" "allow-list: deny subtracts from allow"

# ---- foreign ABIs: i386 int 0x80, x32 ----
run "$H" "$none" "$PROBE" int80 20
if [[ "$(line int80)" =~ ^ok ]]; then
	pass "control: int 0x80 works without a filter"
	run "$H" "$p" "$PROBE" pid int80 20
	is "$rc" "$SIGSYS_STATUS" "int 0x80 (i386 getpid) killed by the filter"
	run "$H" --baseline "$PROBE" pid int80 20
	is "$rc" "$SIGSYS_STATUS" "int 0x80 killed by the baseline (a deny-list) too"
else
	skip "kernel without IA32 emulation" "control: int 0x80"
	skip "kernel without IA32 emulation" "int 0x80 killed"
	skip "kernel without IA32 emulation" "int 0x80 killed by the baseline"
fi
run "$H" "$none" "$PROBE" x32 39
like "$(line x32)" "^(ok|errno ENOSYS)" "control: an x32 call returns without a filter"
run "$H" --baseline "$PROBE" pid x32 39
is "$rc" "$SIGSYS_STATUS" "x32 getpid killed by the baseline"

# ---- ioctl: TIOCSTI and TIOCLINUX, with and without high bits ----
run "$H" "$none" "$PROBE" tiocsti tiocsti_hi tioclinux
is "$(line tiocsti)" "errno ENOTTY" "control: TIOCSTI on /dev/null reaches the kernel (ENOTTY)"
is "$(line tiocsti_hi)" "errno ENOTTY" "control: TIOCSTI with high bits reaches the kernel too"
for pol in "$p" --baseline; do
	[ "$pol" = --baseline ] && args=(--baseline) || args=("$pol")
	run "$H" "${args[@]}" "$PROBE" tiocsti tiocsti_hi tioclinux
	is "$(line tiocsti)" "errno EPERM" "TIOCSTI refused by the filter (${pol##*/})"
	is "$(line tiocsti_hi)" "errno EPERM" "TIOCSTI with the upper 32 bits set refused (${pol##*/})"
	is "$(line tioclinux)" "errno EPERM" "TIOCLINUX refused (${pol##*/})"
done

# ---- clone3 and io_uring: ENOSYS, so programs fall back ----
run "$H" "$none" "$PROBE" clone3 io_uring
is "$(line clone3)" "ok" "control: clone3 works without a filter"
like "$(line io_uring)" "^(ok|errno EPERM)" "control: io_uring_setup reaches the kernel"
run "$H" "$p" "$PROBE" clone3 io_uring
is "$(line clone3)" "errno ENOSYS" "clone3 answered ENOSYS (allow-list)"
is "$(line io_uring)" "errno ENOSYS" "io_uring_setup answered ENOSYS (allow-list)"
run "$H" --baseline "$PROBE" clone3 io_uring
is "$(line clone3)" "errno ENOSYS" "clone3 answered ENOSYS (baseline)"
is "$(line io_uring)" "errno ENOSYS" "io_uring_setup answered ENOSYS (baseline)"
run "$H" "$p" python3 -c 'import threading; t = threading.Thread(target=print, args=("thread ran",)); t.start(); t.join()'
is "$out" "thread ran" "glibc falls back from clone3 to clone: threads still start"

# ---- address families ----
p=$(mk af "address_families = AF_UNIX AF_INET")
run "$H" "$p" "$PROBE" socket AF_UNIX
is "$(line socket)" "ok" "address_families: AF_UNIX allowed"
run "$H" "$p" "$PROBE" socket AF_INET
is "$(line socket)" "ok" "address_families: AF_INET allowed"
run "$H" "$p" "$PROBE" socket AF_INET6
is "$(line socket)" "errno EAFNOSUPPORT" "address_families: AF_INET6 refused"
run "$H" "$p" "$PROBE" socket AF_NETLINK
is "$(line socket)" "errno EAFNOSUPPORT" "address_families: AF_NETLINK refused"
run "$H" "$none" "$PROBE" socket AF_NETLINK
is "$(line socket)" "ok" "control: AF_NETLINK works without the restriction"

# ---- memory_deny_write_execute ----
p=$(mk mdwe "memory_deny_write_execute = yes")
run "$H" "$p" "$PROBE" wxmmap mprotect_exec mprotect_wx
is "$(line wxmmap)" "errno EPERM" "W+X mmap refused"
is "$(line mprotect_exec)" "errno EPERM" "mprotect adding PROT_EXEC refused"
is "$(line mprotect_wx)" "errno EPERM" "mprotect to RWX refused"
run "$H" "$none" "$PROBE" wxmmap mprotect_exec
is "$(line wxmmap)" "ok" "control: W+X mmap works without the rule"
is "$(line mprotect_exec)" "ok" "control: mprotect PROT_EXEC works without the rule"
run "$H" "$p" python3 -c 'print("python ran")'
is "$out" "python ran" "a dynamically linked program still starts under W^X"

run "$H" "$p" /usr/bin/python3 -c 'import mmap,os
fd = os.memfd_create("x"); os.ftruncate(fd, 4096)
w = mmap.mmap(fd, 4096)
try:
    mmap.mmap(fd, 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC); print("exec mapping: ok")
except PermissionError: print("exec mapping: EPERM")'
is "$out" "exec mapping: EPERM" "a memfd mapped writable, then executable (shared): refused"
run "$H" "$none" /usr/bin/python3 -c 'import mmap,os
fd = os.memfd_create("x"); os.ftruncate(fd, 4096)
w = mmap.mmap(fd, 4096); mmap.mmap(fd, 4096, prot=mmap.PROT_READ | mmap.PROT_EXEC); print("exec mapping: ok")'
is "$out" "exec mapping: ok" "control: the double mapping works without the rule"

# ---- restrict_namespaces ----
p=$(mk ns "restrict_namespaces = yes")
run "$H" "$none" "$PROBE" unshare_user
if [ "$(line unshare_user)" = ok ]; then
	pass "control: unshare(CLONE_NEWUSER) works without the rule"
	run "$H" "$p" "$PROBE" unshare_user
	is "$(line unshare_user)" "errno EPERM" "restrict_namespaces: unshare(CLONE_NEWUSER) refused"
	run "$H" "$p" unshare --net true
	like "$rc:$err" "^1:.*Operation not permitted" "restrict_namespaces: unshare(CLONE_NEWNET) refused, even to root"
else
	skip "user namespaces unavailable here" "control: unshare(CLONE_NEWUSER)"
	skip "user namespaces unavailable here" "restrict_namespaces: unshare(CLONE_NEWUSER)"
	skip "user namespaces unavailable here" "restrict_namespaces: unshare(CLONE_NEWNET)"
fi
run "$H" "$p" /usr/bin/python3 -c 'import threading; t = threading.Thread(target=print, args=("thread ran",)); t.start(); t.join()'
is "$out" "thread ran" "restrict_namespaces: threads (clone without CLONE_NEW*) still start"
run "$H" "$p" /bin/sh -c 'echo forked'
is "$out" "forked" "restrict_namespaces: fork and exec still work"

# ---- lock_personality ----
p=$(mk pers "lock_personality = yes")
run "$H" "$p" "$PROBE" personality 0x400000
is "$(line personality)" "errno EPERM" "personality(READ_IMPLIES_EXEC) refused"
run "$H" "$p" "$PROBE" personality 0xffffffff
like "$(line personality)" "^ok" "personality query allowed"
run "$H" "$none" "$PROBE" personality 0x400000
like "$(line personality)" "^ok" "control: personality(READ_IMPLIES_EXEC) works without the lock"

# ---- the baseline's deny-list ----
run "$H" --baseline "$PROBE" ptrace_me mount personality 0x400000 sys 321,0,0,0 sys 250,0,0,0 status
is "$(line ptrace_me)" "errno EPERM" "baseline: ptrace refused"
is "$(line mount)" "errno EPERM" "baseline: mount refused"
is "$(line personality)" "errno EPERM" "baseline: personality change refused"
is "$(printf '%s\n' "$out" | sed -n 's/^sys: //p' | tr '\n' ' ')" "errno EPERM errno EPERM " "baseline: bpf and keyctl refused"
is "$(field Seccomp_filters)" 1 "baseline: one filter"
