#!/usr/bin/env bash
# Attacks on privilege and code integrity: regaining dropped capabilities,
# user namespaces, writing one's own code (/proc/self/mem, a memfd mapped
# twice), loader variables smuggled through the environment. Where
# harden-exec has no control yet, the test shows the gap as a
# "KNOWN GAP" skip (common.sh's gap) and docs/security.md lists it; the
# last section pins limits that are documented on purpose.
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
nob=$(policy nob <<'X'
[identity]
user = nobody
X
)
nobase=$(policy nobase <<'X'
[policy]
include = baseline
[identity]
user = nobody
X
)

# ---- regaining a dropped capability ----
# 21 CAP_SYS_ADMIN, 12 CAP_NET_ADMIN
run "$H" "$base" "$ATTACK" capset_raise 21 capset_raise 12 ambient_raise 12 ids
is "$(printf '%s\n' "$out" | sed -n 's/^capset_raise: //p' | tr '\n' ' ')" "errno EPERM errno EPERM " \
	"baseline as root: capset raising CAP_SYS_ADMIN or CAP_NET_ADMIN again: EPERM"
is "$(line ambient_raise)" "errno EPERM" "baseline as root: PR_CAP_AMBIENT_RAISE: EPERM"
like "$(line ids)" "^ok 0 0 0 0+404c3$" "baseline as root: uid 0, and still only the baseline's bound set effective"
run "$H" "$base" "$PROBE" capset_all status
is "$(line capset_all)" "errno EPERM" "baseline as root: capset of every capability: EPERM"
is "$(field CapPrm)/$(field CapBnd)" "00000000000404c3/00000000000404c3" \
	"baseline as root: permitted and bounding sets stay the bound set"
keep=$(policy keep <<'X'
[identity]
user = nobody
[capabilities]
keep = CAP_NET_BIND_SERVICE
X
)
run "$H" "$keep" "$ATTACK" capset_raise 12 ambient_raise 12 ids
is "$(line capset_raise)/$(line ambient_raise)" "errno EPERM/errno EPERM" \
	"nobody keeping CAP_NET_BIND_SERVICE: raising CAP_NET_ADMIN (capset, ambient): EPERM"
like "$(line ids)" "^ok 65534 65534 65534 0+400$" "... effective set is CAP_NET_BIND_SERVICE alone"
run "$H" "$none" "$ATTACK" capset_raise 12 ambient_raise 12
is "$(line capset_raise)/$(line ambient_raise)" "ok/ok" \
	"control: without [capabilities], root raises CAP_NET_ADMIN into every set, ambient included"

# ---- user namespaces: unshare(2) and clone(2) ----
unsh=$(policy unsh <<'X'
[identity]
user = nobody
[seccomp]
restrict_namespaces = yes
X
)
run "$H" "$nob" "$PROBE" unshare_user
if [ "$(line unshare_user)" = ok ]; then
	pass "control: nobody can create a user namespace here (unshare)"
	run "$H" "$unsh" "$PROBE" unshare_user
	is "$(line unshare_user)" "errno EPERM" "restrict_namespaces: unshare(CLONE_NEWUSER) refused with EPERM"
	run "$H" "$nob" "$ATTACK" clone_newuser
	is "$(line clone_newuser)" "ok" "control: clone(CLONE_NEWUSER) works without the rule"
	run "$H" "$unsh" "$ATTACK" clone_newuser
	is "$(line clone_newuser)" "errno EPERM" "restrict_namespaces: clone(CLONE_NEWUSER) refused too"
	run "$H" "$nobase" "$PROBE" unshare_user
	is "$(line unshare_user)" "errno EPERM" "baseline: user namespaces refused"
else
	for d in "restrict_namespaces" "clone control" "clone" "baseline"; do
		skip "user namespaces unavailable to nobody here" "user namespaces: $d"
	done
fi

# ---- writing one's own code ----
mdwe=$(policy mdwe <<'X'
[policy]
include = baseline
[identity]
user = nobody
[seccomp]
memory_deny_write_execute = yes
X
)
run "$H" "$mdwe" "$PROBE" wxmmap mprotect_exec
is "$(line wxmmap)/$(line mprotect_exec)" "errno EPERM/errno EPERM" \
	"memory_deny_write_execute: W+X mmap and mprotect(PROT_EXEC) refused (more in 40-seccomp.t)"
# /proc/self/mem writes through page protections (FOLL_FORCE): Landlock
# refuses opening it for writing when no write rule covers /proc.
nobll=$(policy nobll <<X
[policy]
include = $nobase
[landlock]
exec = $T/bin
X
)
mdwell=$(policy mdwell <<X
[policy]
include = $mdwe
[landlock]
exec = $T/bin
X
)
run "$H" "$nobll" "$ATTACK" procmem
is "$(line procmem)" "errno EACCES" "/proc/self/mem: own code not writable under [landlock] (baseline, nobody)"
run "$H" "$mdwell" "$ATTACK" procmem memfd_wx
is "$(line procmem)" "errno EACCES" \
	"memory_deny_write_execute with [landlock]: no code write through /proc/self/mem"
run "$H" "$nobase" "$ATTACK" procmem
is "$(line procmem)" "ok code patched" \
	"control: without [landlock] rules, nobody rewrites its own code through /proc/self/mem (docs/security.md)"
run "$H" "$mdwe" "$ATTACK" memfd_wx
like "$(line memfd_wx)" "^errno EPERM" "memory_deny_write_execute: no new code through a memfd mapped twice"
run "$H" "$nobase" "$ATTACK" memfd_wx
is "$(line memfd_wx)" "ok executed" "control: without the rule, a memfd mapped twice runs new code"

# ---- the dynamic loader's variables, smuggled in through the environment ----
# (30-live.t covers LD_PRELOAD and LD_LIBRARY_PATH with env = clear, and
# LD_PRELOAD and LD_AUDIT with env = inherit.)
inh=$(policy inh <<'X'
[exec]
env = inherit
X
)
# They reach harden-exec's own loader too (the caller gave them to it):
# LD_DEBUG goes to a file in $T, and LD_PROFILE is left out, as its
# output would land in /var/tmp.
out=$(env LD_LIBRARY_PATH="$T" LD_AUDIT=/nonexistent.so LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld" \
	LD_PROFILE_OUTPUT="$T" LD_ORIGIN_PATH="$T" LD_BIND_NOT=1 LD_USE_LOAD_BIAS=1 \
	"$H" "$inh" "$PROBE" env 2>&1)
like "$out" "^env: ok$" "env = inherit: the service ran"
unlike "$out" "^env LD_" "env = inherit: LD_LIBRARY_PATH, LD_AUDIT, LD_DEBUG(_OUTPUT), LD_PROFILE_OUTPUT, LD_ORIGIN_PATH ... all dropped"
# Live: LD_SHOW_AUXV makes a dynamic program's loader print its auxiliary
# vector. harden-exec's own loader prints it once (the caller gave it
# harden-exec); the service's loader must not print it a second time.
auxv() { printf '%s\n' "$1" | grep -c '^AT_PHDR:'; }
# harden-exec's own loader, if it has one (a static build has none).
own=$(auxv "$(LD_SHOW_AUXV=1 "$H" --version 2>&1)")
out=$(LD_SHOW_AUXV=1 "$H" "$inh" /usr/bin/true 2>&1)
is "$(auxv "$out")" "$own" "LD_SHOW_AUXV does not reach the service's loader"
keepaux=$(policy keepaux <<'X'
[exec]
env = inherit
env_keep = LD_SHOW_AUXV
X
)
out=$(LD_SHOW_AUXV=1 "$H" "$keepaux" /usr/bin/true 2>&1)
is "$(auxv "$out")" $((own + 1)) "control: named in env_keep, LD_SHOW_AUXV reaches the service's loader"
out=$(GCONV_PATH="$T" GLIBC_TUNABLES=glibc.malloc.check=3 LOCPATH="$T" "$H" "$inh" "$PROBE" env 2>&1)
unlike "$out" '^env (GCONV_PATH|GLIBC_TUNABLES|LOCPATH)=' \
	"env = inherit: glibc's other unsafe variables dropped (GCONV_PATH, GLIBC_TUNABLES, LOCPATH)"
keepg=$(policy keepg <<'X'
[exec]
env = inherit
env_keep = GLIBC_TUNABLES
X
)
out=$(GLIBC_TUNABLES=glibc.malloc.check=3 "$H" "$keepg" "$PROBE" env 2>&1)
like "$out" "^env GLIBC_TUNABLES=glibc.malloc.check=3$" "control: named in env_keep, GLIBC_TUNABLES passes"

# ---- limits documented on purpose (docs/security.md, "What it does not stop") ----
touch "$T/root-owned" && chmod 0644 "$T/root-owned"
run "$H" "$base" "$PROBE" write "$T/root-owned" 1
is "$(line write)" "ok" "documented: uid 0 without capabilities still writes files root owns"
run "$H" "$nobase" "$PROBE" write "$T/root-owned" 1
is "$(line write)" "errno EACCES" "... which [identity] user = nobody stops"
setpriv --reuid=65534 --regid=65534 --clear-groups -- "$PROBE" sleep 60 >/dev/null 2>&1 &
sib=$!
on_exit "kill -9 $sib"
# Only once setpriv has switched to 65534 is it "another process of the same user".
for _ in $(seq 50); do grep -q '^Uid:[[:space:]]*65534' "/proc/$sib/status" 2>/dev/null && break; sleep 0.05; done
run "$H" "$nobase" "$ATTACK" signal "$sib" signal 1
is "$(line signal | head -n 1)" "ok" "documented: without a pid namespace, another process of the same user can be signalled"
is "$(printf '%s\n' "$out" | sed -n 's/^signal: //p' | sed -n 2p)" "errno EPERM" "... but not one of another user (pid 1)"
kill -9 "$sib" 2>/dev/null
wait "$sib" 2>/dev/null
if kill -0 "$sib" 2>/dev/null; then fail "the sibling (pid $sib) is gone"; else pass "the sibling (pid $sib) is gone"; fi
no_new_mounts "privilege"
