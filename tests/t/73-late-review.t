#!/usr/bin/env bash
# Late mode, second security review (issue 13 items 6, 9, 10, 11, 12):
# each test fails on the code before its fix.
. "$(dirname "$0")/../lib.sh"
need_root
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs $PY"; exit 0; }
unshare --net true 2>/dev/null || { echo "1..0 # SKIP needs network namespaces"; exit 0; }
LT=$BUILD/tests/latetree
LS=$BUILD/tests/lateserver
netns() { timeout -k 5 "$1" unshare --net sh -c 'ip link set lo up && exec "$@"' _ "${@:2}"; }
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

ready=$(policy ready <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = ready
deadline = 20s
X
)

# ---- 6. nothing on the start-up path may be writable by the late user ----
mkdir -p "$T/ok" "$T/nb" "$T/cw"
cp "$LS" "$T/ok/srv" && cp "$LS" "$T/nb/srv"
chown nobody "$T/nb"
run "$H" "$ready" "$T/nb/srv" 8080 --no-accept
is "$rc" 125 "6: a program in a directory the late user owns: refused"
like "$err" "late: .*ready.ini:6: $T/nb \(on the start-up path of the program\) can be changed by the late user \(uid 65534, gid 65534\)" \
	"6: the message names the directory"
cp "$LS" "$T/ok/own" && chown nobody "$T/ok/own"
run "$H" "$ready" "$T/ok/own" 8080 --no-accept
like "$err" "$T/ok/own \(on the start-up path of the program\) can be changed" "6: a program the late user owns: refused"
chmod 0777 "$T/cw"
out=$(cd "$T/cw" && timeout 20 "$H" "$ready" "$T/ok/srv" 8080 --no-accept 2>&1)
like "$out" "$T/cw \(on the start-up path of the working directory\) can be changed" "6: a working directory others may write: refused"
chmod 1777 "$T/cw"
out=$(cd "$T/cw" && timeout 20 "$H" "$ready" "$T/ok/srv" 8080 --no-accept 2>&1)
like "$out" "$T/cw \(on the start-up path of the working directory\)" "6: sticky is no excuse for the working directory itself"
chmod 0755 "$T/cw"
mkdir -m 0775 "$T/grp" && chgrp nogroup "$T/grp" && mkdir "$T/grp/sub" && cp "$LS" "$T/grp/sub/srv"
run "$H" "$ready" "$T/grp/sub/srv" 8080 --no-accept
like "$err" "$T/grp \(on the start-up path of the program\)" "6: a directory above, writable by the late group: refused"
printf '#!%s\nimport sys; sys.exit(4)\n' "$T/nb/py" >"$T/ok/script" && chmod 755 "$T/ok/script"
cp "$PY" "$T/nb/py"
run "$H" "$ready" "$T/ok/script"
like "$err" "$T/nb \(on the start-up path of the interpreter\)" "6: a #! interpreter in a writable directory: refused"
# Control: the same program from a root-owned directory under /tmp (sticky) runs.
printf '#!%s\nimport sys; sys.exit(4)\n' "$PY" >"$T/ok/script" && chmod 755 "$T/ok/script"
run "$H" "$ready" "$T/ok/script"
is "$rc" 4 "6: control: root's directories below the sticky /tmp are accepted"

# ---- 9. the deadline checks what the shim checks ----
cat >"$T/fake.py" <<'X'
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
class F(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]
class P(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(F))]
allow = (F * 1)(F(0x06, 0, 0, 0x7fff0000))  # BPF_RET|BPF_K SECCOMP_RET_ALLOW
assert libc.syscall(317, 1, 0, ctypes.byref(P(1, allow))) == 0  # seccomp(SET_MODE_FILTER)
os.setresgid(0, 65534, 0)
os.setresuid(0, 65534, 0)   # effective nobody, CapEff empty: root kept in the real and saved ids
print("faked", flush=True)
time.sleep(4)
print("survived", flush=True)
X
chmod 644 "$T/fake.py"
fake=$(policy fake <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = accept
deadline = 1s
X
)
run "$H" "$fake" "$PY" "$T/fake.py"
like "$out" faked "9: the service faked a hardened state (own filter, effective uid nobody, no effective capability)"
unlike "$out" survived "9: the fake does not pass the deadline"
is "$rc" 137 "9: killed (137)"
like "$err" "deadline: pid [0-9]+ \(python3\) did not reach its hardened state within 1000ms \(uid 0/65534/0/65534 gid 0/65534/0/65534, not 65534 and 65534" \
	"9: every uid and gid is checked, and the message shows them"

sed -e 's/^os.setresgid(0, 65534, 0)$/os.setgroups([0]); os.setresgid(65534, 65534, 65534)/' \
	-e 's/^os.setresuid(0, 65534, 0) .*/os.setresuid(65534, 65534, 65534)/' "$T/fake.py" >"$T/fake2.py"
chmod 644 "$T/fake2.py"
run "$H" "$fake" "$PY" "$T/fake2.py"
unlike "$out" survived "9: every id nobody but root's group 0 kept: does not pass the deadline"
like "$err" "deadline: pid [0-9]+ \(python3\) .*\(supplementary group 0 is not the policy's;" \
	"9: supplementary groups are checked too"

# ---- 10. clone(CLONE_VM) helpers made before the trigger ----
out=$(netns 15 "$H" "$ready" "$LT" clonevm 8080 2>&1)
rc=$?
helper=$(printf '%s\n' "$out" | sed -n 's/^helper: //p')
is "$rc" 125 "10: a process sharing the service's memory fails the late stage (125)"
like "$out" "late stage: pid $helper shares this process's memory without being one of its threads \(clone with CLONE_VM, without CLONE_THREAD\)" \
	"10: the message names the helper"
unlike "$out" "after:" "10: the service never runs past its trigger"
if [ -n "$helper" ] && alive "$helper"; then
	fail "10: the helper is killed" "pid $helper still runs"
	kill -KILL "$helper"
else
	pass "10: the helper is killed"
fi

# ---- 11. a vfork child reaching the trigger does not consume the parent's ----
out=$(netns 15 "$H" "$ready" "$LT" vfork 8080 2>&1)
like "$out" "parent: Uid: 65534 65534 65534 65534 Seccomp: 2" "11: the parent is hardened at its own trigger after its vfork child's"

# ---- 12. late filters are installed with SECCOMP_FILTER_FLAG_LOG ----
cat >"$T/sleep.py" <<'X'
import os, sys, time
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(20)
X
chmod 644 "$T/sleep.py"
mkdir -m 0777 "$T/w"
lg=$(policy log <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = main
early_deny = uname
X
)
"$H" "$lg" "$PY" "$T/sleep.py" "$T/w/pid" 2>/dev/null &
sup=$!
for _ in $(seq 200); do [ -s "$T/w/pid" ] && break; sleep 0.05; done
svc=$(cat "$T/w/pid")
out=$("$LT" filters "$svc" 2>&1)
kill -KILL "$sup"
wait "$sup" 2>/dev/null
is "$out" "filter 0: flags 2
filter 1: flags 2" "12: both the late filter and the early one carry SECCOMP_FILTER_FLAG_LOG (2)"
