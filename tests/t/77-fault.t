#!/usr/bin/env bash
# Fault injection: for every apply step, one of its calls is made to fail
# (or to lie about its result) through build/tests/faultinject.so,
# preloaded into harden-exec. Each must fail closed: exit 125 (126/127
# for execve), one line naming the step and the injected errno, and the
# command never runs. The injected errno is EXDEV ("Invalid cross-device
# link"), which none of these calls returns on its own, so a message that
# shows it came from the fault.
. "$(dirname "$0")/../lib.sh"
need_root
FI=$BUILD/tests/faultinject.so
if [ ! -f "$FI" ]; then
	echo "1..0 # SKIP $FI not built (make)"
	trap - EXIT
	rm -rf "$T"
	exit 0
fi
# A sanitizer build wants its runtime first in the library list; the
# fault library goes first instead, which works as long as it is allowed.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
XDEV='Invalid cross-device link'
exec 6</dev/null # for pass_fds = 6
# harden-exec is a static binary, which no preload reaches: the same
# objects linked with a shared libc stand in for it here.
H=$BUILD/harden-exec-dynamic

# The library notes each fault it injects on stderr (a log file could be
# out of reach after chroot or the uid change): split those lines off.
split_notes() {
	notes=$(printf '%s\n' "$err" | grep '^faultinject: ')
	err=$(printf '%s\n' "$err" | grep -v '^faultinject: ')
}

# expect_fault DESC STATUS REGEX RAN POLICY [VAR=VALUE...] -- COMMAND...
# RAN is the file the command would create if it ever ran.
expect_fault() {
	local desc=$1 want=$2 regex=$3 ran=$4 pol=$5 envs=()
	shift 5
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	rm -f "$ran"
	run env LD_PRELOAD="$FI" FAULT_LOG=stderr FAULT_ERRNO=EXDEV "${envs[@]}" "$H" "$pol" "$@"
	split_notes
	is "$rc" "$want" "$desc: exit $want"
	like "$err" "$regex" "$desc: message"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$desc: one line"
	if [ -n "$notes" ]; then pass "$desc: the fault fired"; else fail "$desc: the fault fired"; fi
	if [ -e "$ran" ]; then fail "$desc: command never ran"; else pass "$desc: command never ran"; fi
}

RAN=$T/ran
CMD=("$PROBE" write "$RAN" 1)

# ---- the control: the library loaded, no fault asked for ----
plain=$(policy plain <<'X'
[exec]
umask = 0027
X
)
run env LD_PRELOAD="$FI" "$H" "$plain" "${CMD[@]}"
is "$rc" 0 "control: with the library loaded and no fault, the command runs"
if [ -e "$RAN" ]; then pass "control: the command ran"; else fail "control: the command ran"; fi

# ---- 1. sanitise ----
step() { echo "^harden-exec: $1: .*$XDEV( \(.*\))?$"; }
expect_fault "sanitise: prctl(PR_SET_DUMPABLE)" 125 "$(step sanitise)" "$RAN" "$plain" \
	FAULT_CALL=prctl FAULT_ARG=4 -- "${CMD[@]}"
expect_fault "sanitise: close_range" 125 "$(step sanitise)" "$RAN" "$plain" \
	FAULT_CALL=syscall:close_range -- "${CMD[@]}"
pass6=$(policy pass6 <<'X'
[exec]
pass_fds = 6
X
)
expect_fault "sanitise: fcntl(F_SETFD) of a passed descriptor" 125 "$(step sanitise)" "$RAN" "$pass6" \
	FAULT_CALL=fcntl FAULT_ARG=2 -- "${CMD[@]}"
expect_fault "sanitise: sigprocmask" 125 "$(step sanitise)" "$RAN" "$plain" \
	FAULT_CALL=sigprocmask -- "${CMD[@]}"
ssid=$(policy ssid <<'X'
[exec]
setsid = yes
X
)
expect_fault "sanitise: setsid" 125 "$(step sanitise)" "$RAN" "$ssid" \
	FAULT_CALL=setsid -- "${CMD[@]}"
expect_fault "sanitise: umask reads back wrong (a lie)" 125 "^harden-exec: sanitise: .*umask reads back 0777$" \
	"$RAN" "$plain" FAULT_CALL=umask FAULT_NTH=2 FAULT_LIE=0777 -- "${CMD[@]}"

# TIOCNOTTY is only asked for on a terminal, when setsid() cannot be used:
# harden-exec exec'd by script's shell leads the session already.
if command -v script >/dev/null; then
	rm -f "$RAN"
	err=$(script -qec "exec env LD_PRELOAD=$FI FAULT_LOG=stderr FAULT_CALL=ioctl FAULT_ARG=0x5422 FAULT_ERRNO=EXDEV $H $plain ${CMD[*]}" /dev/null </dev/null | tr -d '\r')
	split_notes
	like "$err" "^harden-exec: sanitise: TIOCNOTTY: $XDEV$" "sanitise: ioctl(TIOCNOTTY) on a terminal: message"
	if [ -n "$notes" ]; then pass "sanitise: ioctl(TIOCNOTTY): the fault fired"; else fail "sanitise: ioctl(TIOCNOTTY): the fault fired"; fi
	if [ -e "$RAN" ]; then fail "sanitise: ioctl(TIOCNOTTY): command never ran"; else pass "sanitise: ioctl(TIOCNOTTY): command never ran"; fi
else
	for d in message fired "never ran"; do skip "needs script(1) for a terminal" "sanitise: ioctl(TIOCNOTTY): $d"; done
fi

# ---- 2. rlimits ----
lim=$(policy lim <<'X'
[limits]
nofile = 64
X
)
expect_fault "rlimits: setrlimit" 125 "^harden-exec: rlimits: .*lim.ini:2: setrlimit nofile.*: $XDEV$" "$RAN" "$lim" \
	FAULT_CALL=setrlimit -- "${CMD[@]}"
expect_fault "rlimits: getrlimit reads back wrong (a lie)" 125 "^harden-exec: rlimits: .*lim.ini:2: nofile does not read back" \
	"$RAN" "$lim" FAULT_CALL=getrlimit FAULT_ARG=7 FAULT_NTH=0 FAULT_LIE=2147483647 -- "${CMD[@]}"

# ---- 5. filesystem ----
mkdir -p "$T/jail/srv"
cp "$PROBE" "$T/jail/probe"
jail=$(policy jail <<X
[filesystem]
chroot = $T/jail
workdir = /srv
X
)
JCMD=(/probe write /ran 1)
for call in fchdir chroot; do
	expect_fault "filesystem: $call" 125 "^harden-exec: filesystem: .*jail.ini:2: chroot .*: $XDEV$" \
		"$T/jail/ran" "$jail" FAULT_CALL=$call -- "${JCMD[@]}"
done
expect_fault "filesystem: chdir / after chroot" 125 "^harden-exec: filesystem: .*jail.ini:2: chdir / in .*: $XDEV$" \
	"$T/jail/ran" "$jail" FAULT_CALL=chdir FAULT_NTH=1 -- "${JCMD[@]}"
expect_fault "filesystem: chdir to the workdir" 125 "^harden-exec: filesystem: .*jail.ini:3: chdir /srv: $XDEV$" \
	"$T/jail/ran" "$jail" FAULT_CALL=chdir FAULT_NTH=2 -- "${JCMD[@]}"
expect_fault "filesystem: / reads back as another folder (a lie)" 125 "^harden-exec: filesystem: .*jail.ini:2: / is not .* after chroot$" \
	"$T/jail/ran" "$jail" FAULT_CALL=stat FAULT_NTH=0 FAULT_LIE=1 -- "${JCMD[@]}"

# ---- 4-5. namespaces and the jail ----
iso=$(policy iso <<X
[namespaces]
user = yes
net = yes
uts = yes
hostname = f
[filesystem]
root = tmpfs
bind_ro = /usr /lib /lib64 /bin /etc $PROBE
bind_rw = $T
read_only = /
X
)
ns_fault() { # DESC REGEX FAULT...
	local desc=$1 re=$2
	shift 2
	expect_fault "$desc" 125 "^harden-exec: $re" "$RAN" "$iso" "$@" -- "${CMD[@]}"
}
ns_fault "namespaces: unshare(CLONE_NEWUSER)" "namespaces: .*iso.ini:2: \[namespaces\] user = yes: unshare\(CLONE_NEWUSER\) refused \(hint: .*\): $XDEV$" \
	FAULT_CALL=unshare FAULT_ARG=$((0x10000000))
ns_fault "namespaces: fork of the map writer" "namespaces: .*iso.ini:2: \[namespaces\] user = yes: fork the map writer: $XDEV$" \
	FAULT_CALL=fork
ns_fault "namespaces: unshare(CLONE_NEWNET)" "namespaces: .*iso.ini:3: \[namespaces\] net = yes: unshare: $XDEV$" \
	FAULT_CALL=unshare FAULT_ARG=$((0x40000000))
ns_fault "namespaces: mount propagation" "namespaces: .*iso.ini:7: \[namespaces\] mount: make / private: $XDEV$" \
	FAULT_CALL=mount
ns_fault "namespaces: lo up" "namespaces: .*iso.ini:3: \[namespaces\] net = yes: SIOCSIFFLAGS lo up: $XDEV$" \
	FAULT_CALL=ioctl FAULT_ARG=$((0x8914))
ns_fault "namespaces: sethostname" "namespaces: .*iso.ini:5: \[namespaces\] hostname = f: sethostname: $XDEV$" \
	FAULT_CALL=sethostname
ns_fault "namespaces: /proc/self/ns/user unchanged (a lie)" "namespaces: .*iso.ini:2: \[namespaces\] user = yes: /proc/self/ns/user did not change$" \
	FAULT_CALL=stat FAULT_NTH=0 FAULT_LIE=1
ns_fault "filesystem: fsopen" "filesystem: .*iso.ini:7: \[filesystem\] root: fsopen tmpfs: $XDEV$" FAULT_CALL=syscall:430
ns_fault "filesystem: open_tree" "filesystem: .*iso.ini:8: \[filesystem\] bind_ro: /usr: open_tree: $XDEV$" FAULT_CALL=syscall:428
ns_fault "filesystem: move_mount" "filesystem: .*iso.ini:7: \[filesystem\] root: attach the new root at /tmp: $XDEV$" FAULT_CALL=syscall:429
ns_fault "filesystem: mount_setattr" "filesystem: .*iso.ini:8: \[filesystem\] bind_ro: /usr: nosuid: $XDEV$" FAULT_CALL=syscall:442
ns_fault "filesystem: pivot_root" "filesystem: .*iso.ini:7: \[filesystem\] root: pivot_root: $XDEV$" FAULT_CALL=syscall:155
ns_fault "filesystem: detach the old root" "filesystem: .*iso.ini:7: \[filesystem\] root: detach the old root: $XDEV$" FAULT_CALL=umount2
# ---- 6. Landlock (syscall numbers: 312 kcmp, 444-446 landlock_*) ----
ll=$(policy ll <<X
[landlock]
exec = $(dirname "$PROBE")
write = $T
X
)
expect_fault "landlock: landlock_restrict_self" 125 "$(step landlock)" "$RAN" "$plain" \
	FAULT_CALL=syscall:446 -- "${CMD[@]}"
expect_fault "landlock: landlock_create_ruleset" 125 "^harden-exec: landlock: landlock_create_ruleset \(ABI [0-9]+\): $XDEV$" \
	"$RAN" "$plain" FAULT_CALL=syscall:444 FAULT_NTH=2 -- "${CMD[@]}"
expect_fault "landlock: landlock_add_rule" 125 "^harden-exec: .*ll.ini:3: \[landlock\] write: .*: landlock_add_rule: $XDEV$" \
	"$RAN" "$ll" FAULT_CALL=syscall:445 -- "${CMD[@]}"
expect_fault "landlock: the ABI probe fails, and rules need Landlock" 125 \
	"^harden-exec: .*ll.ini:3: \[landlock\] write: needs Landlock ABI 1, the kernel has 0" \
	"$RAN" "$ll" FAULT_CALL=syscall:444 FAULT_NTH=1 -- "${CMD[@]}"
expect_fault "landlock: the read-back (kcmp of the parent) fails" 125 \
	"^harden-exec: landlock: the parent process is still reachable in ptrace mode: $XDEV$" \
	"$RAN" "$plain" FAULT_CALL=syscall:312 FAULT_NTH=1 -- "${CMD[@]}"

# ---- 7. identity ----
ident=$(policy ident <<'X'
[identity]
user = nobody
supplementary_groups = 65534
[capabilities]
keep = CAP_NET_BIND_SERVICE
X
)
for call in setgroups setresgid setresuid; do
	expect_fault "identity: $call" 125 "^harden-exec: identity: .*ident.ini:[23]: $call.*: $XDEV$" "$RAN" "$ident" \
		FAULT_CALL=$call -- "${CMD[@]}"
done
expect_fault "identity: prctl(PR_SET_KEEPCAPS)" 125 "^harden-exec: identity: .*PR_SET_KEEPCAPS: $XDEV$" "$RAN" "$ident" \
	FAULT_CALL=prctl FAULT_ARG=8 -- "${CMD[@]}"
for call in getresuid getresgid; do
	expect_fault "identity: $call reads back another id (a lie)" 125 "^harden-exec: identity: .*do(es)? not read back" \
		"$RAN" "$ident" FAULT_CALL=$call FAULT_NTH=0 FAULT_LIE=12345 -- "${CMD[@]}"
done

# ---- 8. capabilities ----
for n in 1 2 3; do
	expect_fault "capabilities: capset, call $n" 125 "$(step capabilities)" "$RAN" "$ident" \
		FAULT_CALL=syscall:capset FAULT_NTH=$n -- "${CMD[@]}"
done
for opt in "24 PR_CAPBSET_DROP" "47 PR_CAP_AMBIENT" "28 PR_SET_SECUREBITS"; do
	set -- $opt
	expect_fault "capabilities: prctl($2)" 125 "$(step capabilities)" "$RAN" "$ident" \
		FAULT_CALL=prctl FAULT_ARG=$1 -- "${CMD[@]}"
done
expect_fault "capabilities: securebits read back unlocked (a lie)" 125 "^harden-exec: capabilities: .*securebits do not read back" \
	"$RAN" "$ident" FAULT_CALL=prctl FAULT_ARG=27 FAULT_NTH=0 FAULT_LIE=0 -- "${CMD[@]}"

# ---- 9. no_new_privs and die_with_parent ----
flags=$(policy flags <<'X'
[exec]
no_new_privs = yes
die_with_parent = yes
X
)
expect_fault "no_new_privs: prctl(PR_SET_NO_NEW_PRIVS)" 125 "$(step no_new_privs)" "$RAN" "$flags" \
	FAULT_CALL=prctl FAULT_ARG=38 -- "${CMD[@]}"
expect_fault "no_new_privs: reads back unset (a lie)" 125 "^harden-exec: no_new_privs: .*does not read back" "$RAN" "$flags" \
	FAULT_CALL=prctl FAULT_ARG=39 FAULT_NTH=0 FAULT_LIE=0 -- "${CMD[@]}"
expect_fault "die_with_parent: prctl(PR_SET_PDEATHSIG)" 125 "$(step die_with_parent)" "$RAN" "$flags" \
	FAULT_CALL=prctl FAULT_ARG=1 -- "${CMD[@]}"
expect_fault "die_with_parent: parent gone meanwhile (getppid lies)" 125 "^harden-exec: die_with_parent: .*parent has already exited" \
	"$RAN" "$flags" FAULT_CALL=getppid FAULT_NTH=2 FAULT_LIE=1 -- "${CMD[@]}"

# ---- 10. seccomp ----
sec=$(policy sec <<'X'
[seccomp]
deny = ptrace
action = errno:EPERM
X
)
expect_fault "seccomp: seccomp(SET_MODE_FILTER)" 125 "$(step seccomp)" "$RAN" "$sec" \
	FAULT_CALL=syscall:seccomp -- "${CMD[@]}"

# ---- 11. exec: as env(1), 126 found but not runnable, 127 not found ----
expect_fault "exec: execve EACCES" 126 "^harden-exec: exec: $PROBE: Permission denied$" "$RAN" "$sec" \
	FAULT_CALL=execve FAULT_ERRNO=EACCES -- "${CMD[@]}"
expect_fault "exec: execve ENOENT" 127 "^harden-exec: exec: $PROBE: No such file or directory$" "$RAN" "$sec" \
	FAULT_CALL=execve FAULT_ERRNO=ENOENT -- "${CMD[@]}"

# ---- late apply: the handoff memfd and the supervisor ----
# The command must take a preload: a dynamically linked one.
mkdir -p "$T/w" && chmod 0777 "$T/w"
late=$(policy late <<'X'
[identity]
user = nobody
[seccomp]
apply = main
deny = ptrace
deadline = 2s
X
)
LCMD=(/usr/bin/touch "$T/w/ran")
expect_fault "late: memfd_create of the handoff" 125 "$(step late)" "$T/w/ran" "$late" \
	FAULT_CALL=memfd_create -- "${LCMD[@]}"
# The supervisor a late policy needs: its setup, its fork, the child's
# parent-death signal (the child reports; the supervisor returns its 125).
expect_fault "supervisor: prctl(PR_SET_CHILD_SUBREAPER)" 125 "$(step supervisor)" "$T/w/ran" "$late" \
	FAULT_CALL=prctl FAULT_ARG=36 -- "${LCMD[@]}"
expect_fault "supervisor: fork" 125 "$(step supervisor)" "$T/w/ran" "$late" \
	FAULT_CALL=fork -- "${LCMD[@]}"
expect_fault "supervisor: the child's prctl(PR_SET_PDEATHSIG)" 125 "$(step supervisor)" "$T/w/ran" "$late" \
	FAULT_CALL=prctl FAULT_ARG=1 -- "${LCMD[@]}"
