#!/usr/bin/env bash
# [log] violations = yes in exec mode: every refused call reported by the
# supervisor (name, number, arguments, pid, program, the policy line), in
# text and JSON, then answered as the policy says: the errno, or SIGKILL
# before the call runs; reports rate-limited per syscall, every call
# counted in a summary line at exit.
. "$(dirname "$0")/../lib.sh"

# ---- the daemonising service of issue 15, killed and named ----
dm=$(policy dm <<'X'
[seccomp]
allow = @default @basic-io @file-system @process @signal @io-event @ipc @memlock @resources @sync @timer @network-io
  uname sysinfo getpgrp madvise
action = kill
[log]
violations = yes
X
)
cat >"$T/dm.sh" <<'X'
#!/bin/sh
setsid /bin/sh -c 'echo daemon-running > "$1"' sh "$1" &
wait
echo parent-done
X
chmod 755 "$T/dm.sh"
run "$H" "$dm" "$T/dm.sh" "$T/daemon.out"
is "$out" "parent-done" "daemon: the parent goes on"
[ -e "$T/daemon.out" ] && fail "daemon: the child was killed before setsid ran" || pass "daemon: the child was killed before setsid ran"
like "$err" "harden-exec: violation: setsid \(112\) by pid [0-9]+ /usr/bin/setsid, arguments [0-9a-fx, ]+: kill: not in the allow list at $T/dm.ini:2; to allow it: allow \+= setsid" \
	"daemon: reported by name, number, arguments, pid, program and policy line"
like "$err" "harden-exec: violations: setsid 1 \(kill\)" "daemon: the summary line at exit"

# ---- an errno refusal ----
er=$(printf '[seccomp]\ndeny = getppid\naction = errno:EACCES\n[log]\nviolations = yes\n' | policy er)
run "$H" "$er" "$PROBE" sys 110,7 pid
is "$(line sys)" "errno EACCES" "errno: the service sees the policy's errno"
like "$(line pid)" "^ok [0-9]+" "errno: the service goes on"
like "$err" "violation: getppid \(110\) by pid [0-9]+ .*/probe, arguments 0x7, 0, 0, 0, 0, 0: errno:EACCES: refused by deny at $T/er.ini:2 \(getppid\)" \
	"errno: reported with its arguments and deny line"
run "$H" "$er" "$PROBE" pid
unlike "$err" "violation" "no refusal, no report"

# ---- an argument rule's refusal ----
ar=$(printf '[seccomp]\ndeny = ptrace\nprctl = PR_GET_DUMPABLE\n[log]\nviolations = yes\n' | policy ar)
run "$H" "$ar" "$PROBE" sys 157,3 sys 157,4,1
is "$(printf '%s\n' "$out" | sed -n 2p)" "sys: errno EPERM" "argument rule: PR_SET_DUMPABLE still refused with EPERM"
like "$err" "violation: prctl \(157\) .*arguments 0x4, 0x1, .*: errno:EPERM: allowed, but only with the values of \[seccomp\] prctl at $T/ar.ini:3" \
	"argument rule: reported with the rule's line"
unlike "$err" "arguments 0x3," "argument rule: the allowed option is not reported"

# ---- a kill of the main process, before the call runs ----
echo keep >"$T/victim"
kl=$(printf '[seccomp]\ndeny = unlink unlinkat\naction = kill\n[log]\nviolations = yes\n' | policy kl)
run "$H" "$kl" "$PROBE" pid sys 87,0 pid
is "$rc" 137 "kill: the service is killed (SIGKILL through a pidfd)"
is "$(printf '%s\n' "$out" | grep -c '^pid:')" 1 "kill: nothing after the refused call ran"
like "$err" "violation: unlink \(87\) .*: kill: refused by deny at $T/kl.ini:2 \(unlink\)" "kill: reported"
run "$H" "$kl" /bin/rm -f "$T/victim"
is "$(cat "$T/victim" 2>/dev/null)" "keep" "kill: the refused unlink never ran"

# ---- JSON ----
js=$(printf '[seccomp]\ndeny = getppid\naction = errno:EPERM\n[log]\nviolations = yes\nformat = json\n' | policy js)
run "$H" "$js" "$PROBE" sys 110
v=$(printf '%s\n' "$err" | grep '"event":"violation"' | head -n 1)
is "$(printf '%s' "$v" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["syscall"], d["nr"], d["action"], d["args"][0], d["why"].split(" at ")[0])')" \
	"getppid 110 errno:EPERM 0 refused by deny" "json: one object per refused call"
like "$(printf '%s\n' "$err" | grep '"event":"violations"')" '"getppid":\{"count":1,' "json: the summary object"

# ---- rate limit: reports stop, the count does not ----
run "$H" "$er" "$PROBE" getppid_loop 1000
is "$(printf '%s\n' "$err" | grep -c 'violation: getppid')" 5 "rate limit: five reports of getppid"
like "$err" "violations: getppid 1000 \(errno:EACCES, not all reported\)" "rate limit: the summary counts all 1000"

# ---- allowed calls: the same verdicts, without a detour ----
plain=$(printf '[seccomp]\ndeny = getppid\naction = errno:EACCES\n' | policy plain)
a=$("$H" check "$plain" | sed -n 's/.*; \([0-9]*\) syscalls allowed unconditionally.*/\1/p')
b=$("$H" check "$er" | sed -n 's/.*; \([0-9]*\) syscalls allowed unconditionally.*/\1/p')
is "$b" "$a" "the filter with violations allows exactly as many syscalls unconditionally ($a)"
