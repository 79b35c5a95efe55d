#!/usr/bin/env bash
# Attacks that reach out of the service's box: an inherited descriptor,
# ptrace of a sibling or of an exec'd child, mount, chroot escapes, a
# setuid binary. Each under the control meant to stop it, next to a
# control run without it; afterwards nothing is left on the host.
. "$(dirname "$0")/../lib.sh"
need_root
. "$TOP/tests/attacks/common.sh"
command -v setpriv >/dev/null || { echo "1..0 # SKIP needs setpriv"; exit 0; }

base=$(policy base <<'X'
[policy]
include = baseline
X
)
none=$(policy none <<'X'
[exec]
no_new_privs = yes
X
)

# ---- a descriptor opened before harden-exec: read by number, by /proc ----
echo "secret-$$" >"$T/secret"
chmod 0600 "$T/secret"
nob=$(policy nob <<'X'
[identity]
user = nobody
X
)
nobpass=$(policy nobpass <<'X'
[identity]
user = nobody
[exec]
pass_fds = 7 900
X
)
run "$H" "$nob" "$ATTACK" readfd 7 procfd 7 readfd 900 procfd 900 7<"$T/secret" 900<"$T/secret"
is "$(printf '%s\n' "$out" | sed -n 's/^readfd: //p' | tr '\n' ' ')" "errno EBADF errno EBADF " \
	"inherited descriptors 7 and 900 (root's 0600 file) are closed: read by number fails with EBADF"
is "$(printf '%s\n' "$out" | sed -n 's/^procfd: //p' | tr '\n' ' ')" "errno ENOENT errno ENOENT " \
	"... and /proc/self/fd/7 and /900 do not exist"
run "$H" "$nobpass" "$ATTACK" readfd 7 procfd 900 7<"$T/secret" 900<"$T/secret"
is "$(line readfd)" "ok secret-$$" "control: passed on (pass_fds), nobody reads root's 0600 file through descriptor 7"
is "$(line procfd)" "errno EACCES" "control: ... while reopening it through /proc/self/fd is checked against the file"

# ---- ptrace of a sibling: another process of the same user ----
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$PROBE" sleep 60 >/dev/null 2>&1 &
sib=$!
on_exit "kill -9 $sib"
for _ in $(seq 50); do [ "$(readlink "/proc/$sib/exe")" = "$PROBE" ] && break; sleep 0.1; done
nobase=$(policy nobase <<'X'
[policy]
include = baseline
[identity]
user = nobody
X
)
nodeny=$(policy nodeny <<'X'
[identity]
user = nobody
[seccomp]
deny = ptrace
action = errno:EACCES
X
)
run "$H" "$nobase" "$ATTACK" ptrace_attach "$sib"
is "$(line ptrace_attach)" "errno EPERM" "ptrace(PTRACE_ATTACH) of a sibling (same uid) under the baseline: EPERM"
run "$H" "$nodeny" "$ATTACK" ptrace_attach "$sib"
is "$(line ptrace_attach)" "errno EACCES" "... refused by the seccomp filter itself (action = errno:EACCES shows through)"
run "$H" "$nob" "$ATTACK" ptrace_attach "$sib"
is "$(line ptrace_attach)" "errno EPERM" "no filter: the service's own Landlock domain refuses the same attach (EPERM)"
nobout=$(policy nobout <<'X'
[identity]
user = nobody
[landlock]
domain = no
X
)
run "$H" "$nobout" "$ATTACK" ptrace_attach "$sib"
is "$(line ptrace_attach)" "ok" "control: without the filter and without a domain (domain = no), the same attach succeeds"
is "$(awk '/^TracerPid/ { print $2 }' "/proc/$sib/status")" 0 "the sibling is not left traced"
kill -9 "$sib" 2>/dev/null
wait "$sib" 2>/dev/null
if kill -0 "$sib" 2>/dev/null; then fail "the sibling (pid $sib) is gone"; else pass "the sibling (pid $sib) is gone"; fi

# ---- PTRACE_TRACEME, then exec: a tracer holding the new image ----
run "$H" "$base" "$ATTACK" traceme_exec
is "$(line traceme_exec)" "errno EPERM" "ptrace(PTRACE_TRACEME) then exec, under the baseline: EPERM"
run "$H" "$none" "$ATTACK" traceme_exec
is "$(line traceme_exec)" "ok stopped at exec, registers readable" "control: without the filter, the exec'd child stops under our tracer"

# ---- mount: in a mount namespace of the test's own ----
if unshare --mount --propagation private true 2>/dev/null; then
	um=(unshare --mount --propagation private)
	nocap=$(policy nocap <<'X'
[capabilities]
keep = none
X
)
	mnt=$(policy mnt <<'X'
[seccomp]
deny = @mount
action = errno:EACCES
X
)
	ls -d /tmp/probe-mnt-* 2>/dev/null | sort >"$T/mnt-dirs-before"
	run "${um[@]}" "$H" "$base" "$PROBE" mount
	is "$(line mount)" "errno EPERM" "mount under the baseline: EPERM"
	run "${um[@]}" "$H" "$nocap" "$PROBE" mount
	is "$(line mount)" "errno EPERM" "mount without CAP_SYS_ADMIN (keep = none, no filter): EPERM"
	run "${um[@]}" "$H" "$mnt" "$PROBE" mount
	is "$(line mount)" "errno EACCES" "mount refused by the filter alone (deny = @mount, capabilities kept): EACCES"
	run "${um[@]}" "$H" "$none" "$PROBE" mount
	is "$(line mount)" "errno EPERM" "with CAP_SYS_ADMIN and no filter, the service's own Landlock domain refuses mount"
	noneout=$(policy noneout <<'X'
[exec]
no_new_privs = yes
[landlock]
domain = no
X
)
	run "${um[@]}" "$H" "$noneout" "$PROBE" mount
	is "$(line mount)" "ok" "control: with CAP_SYS_ADMIN, no filter and no domain (domain = no), mount works"
	ls -d /tmp/probe-mnt-* 2>/dev/null | sort >"$T/mnt-dirs-after"
	is "$(comm -13 "$T/mnt-dirs-before" "$T/mnt-dirs-after")" "" "mount: no mount folder left in /tmp"
else
	for d in baseline caps filter control folders; do skip "needs mount namespaces" "mount: $d"; done
fi

# ---- chroot escapes, in a jail in the test's folder ----
mkdir -p "$T/jail"
cp "$ATTACK" "$T/jail/attack"
touch "$T/outside-marker"
M=$T/outside-marker
jailed() { # NAME [INI-LINES...]: a chroot policy, the given lines first
	{ printf '%s\n' "${@:2}"; printf '[filesystem]\nchroot = %s\n' "$T/jail"; } | policy "$1"
}
jbase=$(jailed jbase '[policy]' 'include = baseline')
jcaps=$(jailed jcaps '[capabilities]' 'keep = none')
jonly=$(jailed jonly)
jpass=$(jailed jpass '[exec]' 'pass_fds = 7')

run "$H" "$jbase" /attack escape_dotdot "$M" escape_fchdir "$M" escape_chroot "$M" 7<"$T"
is "$(line escape_dotdot)" "inside" "chroot + baseline: \"..\" from the root, by path and by descriptor, stays inside"
is "$(line escape_fchdir)" "inside (0 folder descriptors)" "chroot + baseline: no folder descriptor from outside (7 was closed)"
is "$(line escape_chroot)" "errno EPERM" "chroot + baseline: chroot(\"x\") to climb out of: EPERM"
run "$H" "$jcaps" /attack escape_chroot "$M"
is "$(line escape_chroot)" "errno EPERM" "chroot + keep = none (no filter): chroot(\"x\") refused without CAP_SYS_CHROOT"
run "$H" "$jonly" /attack escape_dotdot "$M" escape_chroot "$M"
is "$(line escape_dotdot)" "inside" "control: chroot alone: \"..\" alone does not escape"
is "$(line escape_chroot)" "escaped" "control: chroot alone, root keeping its capabilities: chroot(\"x\") + \"..\" escapes"
run "$H" "$jpass" /attack escape_fchdir "$M" 7<"$T"
is "$(line escape_fchdir)" "escaped through descriptor 7" "control: a folder descriptor passed into the jail (pass_fds = 7) escapes"
rm -rf "$T/jail/x"

# ---- a setuid-root binary under no_new_privs ----
cp "$ATTACK" "$T/suid"
chown 0:0 "$T/suid"
chmod 4755 "$T/suid"
nonnp=$(policy nonnp <<'X'
[identity]
user = nobody
[exec]
no_new_privs = no
X
)
run "$H" "$nob" "$T/suid" ids
like "$(line ids)" "^ok 65534 65534 65534 0+$" "setuid-root binary as nobody under no_new_privs: euid stays 65534, no capability"
run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$H" --baseline "$T/suid" ids
like "$(line ids)" "^ok 65534 65534 65534 0+$" "... with harden-exec itself run by nobody (--baseline)"
run "$H" "$nonnp" "$T/suid" ids
like "$(line ids)" "^ok 65534 0 0 " "control: with no_new_privs = no, the setuid bit makes euid 0"
no_new_mounts "escape"
