#!/usr/bin/env bash
# The policy's argument rules ([seccomp] ioctl, prctl, socket_types,
# clone_flags) in the kernel: what a list holds runs, what it does not is
# refused with EPERM, and each refusal sits next to a control run without
# the rule that shows the same call works (or fails otherwise).
. "$(dirname "$0")/../lib.sh"

mk() { # NAME BODY: a policy from a [seccomp] body
	printf '[seccomp]\ndeny = ptrace\n%s\n' "$2" | policy "$1"
}
none=$(mk none "")

# ---- ioctl: a real terminal program on a pseudo-terminal ----
io=$(mk io "ioctl = TCGETS TIOCGWINSZ FIONREAD FIONBIO")
if command -v script >/dev/null && command -v stty >/dev/null; then
	# script(1) gives the command a pty as its terminal; stty -a asks
	# TCGETS and TIOCGWINSZ, stty sane sets the modes with TCSETS.
	pty() { run script -qec "$*" /dev/null; }
	pty "$H" "$io" stty -a
	like "$out" "speed [0-9]+ baud" "ioctl list: stty -a reads the terminal (TCGETS, TIOCGWINSZ)"
	like "$out" "intr = \^C" "ioctl list: stty -a prints the control characters"
	pty "$H" "$io" stty sane
	like "$out" "stty: .*Operation not permitted" "ioctl list: stty sane (TCSETS, not listed) refused with EPERM"
	pty "$H" "$none" stty sane
	unlike "$out" "Operation not permitted" "control: stty sane works without the list"
	pty "$H" "$io" "$PROBE" sys 16,0,0x5413,0 sys 16,0,0x100005413,0 sys 16,0,0x5414,0 tiocsti
	like "$out" "sys: errno EFAULT" "ioctl list: TIOCGWINSZ reaches the kernel (EFAULT for a NULL buffer)"
	is "$(printf '%s\n' "$out" | sed -n 2p | tr -d '\r')" "sys: errno EFAULT" \
		"ioctl list: TIOCGWINSZ with high bits set is the same request (the kernel reads 32 bits)"
	is "$(printf '%s\n' "$out" | sed -n 3p | tr -d '\r')" "sys: errno EPERM" "ioctl list: TIOCSWINSZ (not listed) refused"
	like "$(printf '%s\n' "$out" | tr -d '\r' | sed -n 's/^tiocsti: //p')" "EPERM" "ioctl list: TIOCSTI still refused"
	pty "$H" "$none" "$PROBE" sys 16,0,0x5414,0
	is "$(printf '%s\n' "$out" | tr -d '\r' | sed -n 1p)" "sys: errno EFAULT" "control: TIOCSWINSZ reaches the kernel without the list"
else
	for d in 1 2 3 4 5 6 7 8 9; do skip "needs script(1) and stty (util-linux, coreutils)" "ioctl list on a terminal ($d)"; done
fi
# Numbers as well as names, on a descriptor that is no terminal.
ion=$(mk ion "ioctl = 0x5401 21531")
run "$H" "$ion" "$PROBE" sys 16,0,0x5401,0 sys 16,0,0x541b,0
is "$(printf '%s\n' "$out" | sed -n 1p)" "sys: errno ENOTTY" "ioctl = 0x5401: TCGETS by number reaches the kernel"
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: errno ENOTTY" "ioctl = 21531: FIONREAD by decimal number reaches the kernel"

# ---- prctl ----
pr=$(mk pr "prctl = PR_GET_DUMPABLE PR_SET_NAME")
run "$H" "$pr" "$PROBE" sys 157,3 sys 157,0x100000003 sys 157,4,1 sys 157,38,1
is "$(printf '%s\n' "$out" | sed -n 1p)" "sys: ok 1" "prctl list: PR_GET_DUMPABLE allowed"
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: ok 1" "prctl list: its option with high bits set is the same option"
is "$(printf '%s\n' "$out" | sed -n 3p)" "sys: errno EPERM" "prctl list: PR_SET_DUMPABLE (not listed) refused"
is "$(printf '%s\n' "$out" | sed -n 4p)" "sys: errno EPERM" "prctl list: PR_SET_NO_NEW_PRIVS (not listed) refused"
run "$H" "$none" "$PROBE" sys 157,4,1
is "$(line sys)" "ok 0" "control: PR_SET_DUMPABLE works without the list"

# ---- socket types, alone and beside address families ----
st=$(mk st "socket_types = SOCK_STREAM")
run "$H" "$st" "$PROBE" sys 41,1,1,0 sys 41,1,0x80801,0 sys 41,1,2,0 sys 41,2,5,0
like "$(printf '%s\n' "$out" | sed -n 1p)" "^sys: ok [0-9]+" "socket_types: AF_UNIX SOCK_STREAM allowed"
like "$(printf '%s\n' "$out" | sed -n 2p)" "^sys: ok [0-9]+" "socket_types: SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC allowed"
is "$(printf '%s\n' "$out" | sed -n 3p)" "sys: errno EPERM" "socket_types: SOCK_DGRAM (not listed) refused"
is "$(printf '%s\n' "$out" | sed -n 4p)" "sys: errno EPERM" "socket_types: SOCK_SEQPACKET (not listed) refused"
run "$H" "$none" "$PROBE" sys 41,1,2,0
like "$(line sys)" "^ok [0-9]+" "control: SOCK_DGRAM works without the rule"
both=$(mk both "socket_types = SOCK_STREAM
address_families = AF_UNIX")
run "$H" "$both" "$PROBE" sys 41,1,1,0 sys 41,2,1,0 sys 41,1,2,0
like "$(printf '%s\n' "$out" | sed -n 1p)" "^sys: ok [0-9]+" "families and types: AF_UNIX SOCK_STREAM allowed"
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: errno EAFNOSUPPORT" "families and types: AF_INET refused by the family rule"
is "$(printf '%s\n' "$out" | sed -n 3p)" "sys: errno EPERM" "families and types: SOCK_DGRAM refused by the type rule"

# ---- clone flags ----
# fork() is clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD).
cl=$(mk cl "clone_flags = CLONE_CHILD_SETTID CLONE_CHILD_CLEARTID")
run "$H" "$cl" /bin/sh -c '/bin/true && echo forked'
is "$out" "forked" "clone_flags: fork's flags are in the mask, the shell forks"
# CLONE_SIGHAND without CLONE_VM: EINVAL from the kernel, never a child.
run "$H" "$cl" "$PROBE" sys 56,0x800 sys 56,0x80000800
is "$(printf '%s\n' "$out" | sed -n 1p)" "sys: errno EPERM" "clone_flags: CLONE_SIGHAND (outside the mask) refused"
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: errno EPERM" "clone_flags: CLONE_IO (outside the mask) refused"
run "$H" "$none" "$PROBE" sys 56,0x800
is "$(line sys)" "errno EINVAL" "control: the same clone reaches the kernel without the mask (EINVAL)"
ns=$(mk ns "clone_flags = CLONE_CHILD_SETTID CLONE_CHILD_CLEARTID CLONE_NEWUSER CLONE_SIGHAND
restrict_namespaces = yes")
run "$H" "$ns" "$PROBE" sys 56,0x800 sys 56,0x10000800
is "$(printf '%s\n' "$out" | sed -n 1p)" "sys: errno EINVAL" "clone_flags: a listed flag reaches the kernel"
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: errno EPERM" "clone_flags: restrict_namespaces wins over a listed CLONE_NEWUSER"

# ---- in a late filter too ----
# The probe is static (no preload): python's ctypes makes the calls.
PY=/usr/bin/python3
late=$(printf '[seccomp]\ndeny = ptrace\napply = main\nprctl = PR_GET_DUMPABLE\n' | policy late)
prog='import ctypes; c = ctypes.CDLL(None, use_errno=True)
print(c.prctl(3, 0, 0, 0, 0), c.prctl(4, 1, 0, 0, 0), ctypes.get_errno())'
if [ -x "$PY" ]; then
	run "$H" "$late" "$PY" -c "$prog"
	is "$out" "1 -1 1" "apply = main: the late filter holds the prctl rule (PR_SET_DUMPABLE: EPERM)"
	run "$H" "$none" "$PY" -c "$prog"
	is "$out" "1 0 0" "control: PR_SET_DUMPABLE works from python without the rule"
else
	skip "needs $PY" "apply = main: the late filter holds the prctl rule"
	skip "needs $PY" "control: PR_SET_DUMPABLE from python"
fi

# ---- the tools see them ----
run "$H" check "$both"
like "$out" "socket_types only SOCK_STREAM" "check: prints the rule"
run "$H" check "$both" --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seccomp"]["socket_types"])')" "['SOCK_STREAM']" "check --json: the rule's list"
run "$H" audit "$io"
like "$out" "^ioctl-requests +0\.[0-9]+ .*ioctl: 4 allowed" "audit: an ioctl list scores below an open ioctl"
run "$H" audit "$none"
like "$out" "^ioctl-requests +0\.60 +0  .*whatever its arguments" "audit: an open ioctl is shown (weight 0: the score as before rules)"
score() { "$H" audit "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])'; }
a=$(score "$none") b=$(score "$io")
if python3 -c "import sys; sys.exit(0 if $b < $a else 1)"; then pass "audit: the ioctl list lowers the score ($b < $a)"; else fail "audit: the ioctl list lowers the score" "with $b, without $a"; fi
