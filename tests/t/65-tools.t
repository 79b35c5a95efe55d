#!/usr/bin/env bash
# Operator tools: check, audit, verify, learn — exit codes asserted, and
# the chain learn -> check -> audit -> run -> verify with real programs.
. "$(dirname "$0")/../lib.sh"
need_root

# The examples name host paths (web.ini's workdir /var/www exists only where
# a web server package made it): test copies whose paths this test creates.
mkdir -p "$T/examples" "$T/www"
for f in "$TOP"/conf/examples/*.ini; do
	sed "s|/var/www|$T/www|g" "$f" >"$T/examples/${f##*/}"
done
chmod 0644 "$T"/examples/*.ini
web=$T/examples/web.ini
# ---- check ----
run "$H" check "$web"
is "$rc" 0 "check: a valid policy exits 0"
like "$out" "^ *[0-9]+ identity +uid $(id -u www-data) gid $(id -g www-data) groups none" "check: identity resolved to numbers"
like "$out" "^ *[0-9]+ capabilities +keep CAP_NET_BIND_SERVICE" "check: kept capabilities"
like "$out" "^ *[0-9]+ seccomp +allow @system-service less @privileged" "check: the sets the allow-list came from"
like "$out" "action kill; [0-9]+ syscalls allowed unconditionally" "check: action and count of allowed syscalls"
like "$out" "apply exec" "check: the apply mode"
run "$H" check "$web" --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["identity"]["uid"], d["seccomp"]["action"], d["rlimits"]["nofile"])')" \
	"$(id -u www-data) kill ['4096', '4096']" "check --json: machine-readable plan"
run "$H" check "$FIX/bad-user.ini"
is "$rc" 1 "check: an invalid policy exits 1"
like "$err" "^harden-exec: .*bad-user.ini:3: \[identity\] user = no-such-user-xyz: no such user" "check: the same FILE:LINE error as a run"
run "$H" check baseline
is "$rc" 0 "check baseline"
# Steps numbered as harden-exec(1) lists them.
man_steps=$(awk '/^\.Bl -enum -offset indent/ { on = 1; next } on && /^\.El/ { exit }
	on && /^\.Sy [a-z_]+/ { printf "%d %s ", ++n, $2 }' "$TOP/docs/harden-exec.1")
is "$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9][0-9]*\) \([a-z_]*\) .*/\1 \2/p' | tr '\n' ' ')" \
	"$man_steps" "check: steps numbered as the man page's list"
like "$out" "action errno:EPERM;" "check baseline: the action as the policy spells it (errno:EPERM, not errno:1)"
run "$H" check baseline --json
like "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seccomp"]["action"])')" "^errno:EPERM$" "check --json: errno:EPERM"
# A CI gate as nobody: plan-only checks do not need the caller's
# capabilities or limits (issue 12, item 10); the real run still does.
ci=$(policy ci <<'X'
[identity]
user = nobody
[limits]
nofile = 1048576
[capabilities]
keep = CAP_NET_BIND_SERVICE
X
)
run setpriv --reuid 65534 --regid 65534 --clear-groups "$H" check "$ci"
is "$rc" 0 "check as nobody: keep = CAP_NET_BIND_SERVICE and a high nofile need no privilege to validate"
run setpriv --reuid 65534 --regid 65534 --clear-groups "$H" audit "$ci" --threshold 10
is "$rc" 0 "audit as nobody: the same policy"
run setpriv --reuid 65534 --regid 65534 --clear-groups "$H" "$ci" true
like "$rc:$err" "^125:.*ci.ini:[0-9]+: \[(limits\] nofile|capabilities\] keep)" "a real run as nobody still refuses what it cannot apply"
# A late policy without a user includes the baseline: capabilities leave at
# exec, the filter comes at the trigger.
lb=$(printf '[policy]\ninclude = baseline\n[seccomp]\napply = main\n' | policy lb)
run "$H" "$lb" /bin/cat /proc/self/status
is "$rc" 0 "late policy including the baseline, without a user: runs"
is "$(field Uid) $(field CapEff) $(field CapBnd) $(field NoNewPrivs) $(field Seccomp)" "0 0 0 0 00000000000404c3 00000000000404c3 1 2" \
	"late + baseline: root with the baseline's bound set only, filtered"
run "$H" check
is "$rc" 125 "check without a policy: usage error 125"

# ---- audit ----
scores=()
for p in baseline "$T"/examples/*.ini; do
	run "$H" audit "$p"
	is "$rc" 0 "audit $(basename "$p"): exits 0"
	like "$out" "exposure [0-9]+\.[0-9] of 10\.0" "audit $(basename "$p"): a score"
done
run "$H" audit "$web" --json
like "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["score"], len(d["checks"]))')" \
	"^[0-9.]+ [0-9]+$" "audit --json"
# Stricter, step by step: the score must never get worse.
printf '[exec]\nno_new_privs = no\n' | policy s0 >/dev/null
printf '[exec]\nno_new_privs = yes\n' | policy s1 >/dev/null
printf '[policy]\ninclude = baseline\n' | policy s2 >/dev/null
printf '[policy]\ninclude = baseline\n[identity]\nuser = nobody\n' | policy s3 >/dev/null
printf '[policy]\ninclude = baseline\n[identity]\nuser = nobody\n[seccomp]\nallow = @system-service\naction = kill\n' | policy s4 >/dev/null
printf '[policy]\ninclude = baseline\n[identity]\nuser = nobody\n[seccomp]\nallow = @system-service\ndeny = @privileged @mount @debug\naction = kill\naddress_families = AF_UNIX AF_INET\nmemory_deny_write_execute = yes\n' | policy s5 >/dev/null
printf '[policy]\ninclude = s5.ini\n[exec]\nenv = clear\n[limits]\nnproc = 64\nnofile = 256\ncore = 0\n' | policy s6 >/dev/null
prev=11
for i in 0 1 2 3 4 5 6; do
	s=$("$H" audit "$T/s$i.ini" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])')
	if python3 -c "import sys; sys.exit(0 if $s <= $prev else 1)"; then pass "audit: step $i is no worse ($s <= $prev)"; else fail "audit: step $i is no worse" "score $s after $prev"; fi
	prev=$s
done
# Weak policies the score once missed (issue 13, item 8): each must score
# worse than the same policy without its weakness.
nb='[policy]\ninclude = baseline\n[identity]\nuser = nobody\n'
score() { "$H" audit "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])'; }
worse() { # WEAK STRONG DESC
	local w s
	w=$(score "$1") s=$(score "$2")
	if python3 -c "import sys; sys.exit(0 if $w > $s else 1)"; then pass "audit: $3 ($w > $s)"; else fail "audit: $3" "weak $w, strong $s"; fi
}
printf "$nb" | policy w-ok >/dev/null
printf "${nb}group = disk\n" | policy w-disk >/dev/null
printf "${nb}group = 0\n" | policy w-gid0 >/dev/null
printf "${nb}supplementary_groups = shadow\n" | policy w-shadow >/dev/null
printf "${nb}supplementary_groups = adm\n" | policy w-adm >/dev/null
worse "$T/w-disk.ini" "$T/w-ok.ini" "group disk scores worse"
worse "$T/w-gid0.ini" "$T/w-ok.ini" "gid 0 scores worse"
worse "$T/w-shadow.ini" "$T/w-ok.ini" "supplementary group shadow scores worse"
worse "$T/w-shadow.ini" "$T/w-adm.ini" "shadow scores worse than adm"
worse "$T/w-adm.ini" "$T/w-ok.ini" "adm scores worse than none"
printf "${nb}[seccomp]\nrestrict_namespaces = no\n" | policy w-ns >/dev/null
worse "$T/w-ns.ini" "$T/w-ok.ini" "restrict_namespaces = no scores worse"
printf '[identity]\nuser = nobody\n[seccomp]\nallow = @system-service\naction = log\n' | policy w-log >/dev/null
printf '[identity]\nuser = nobody\n[seccomp]\ndeny = @mount\naction = kill\n' | policy w-deny >/dev/null
printf '[identity]\nuser = nobody\n[seccomp]\nallow = @system-service\naction = kill\n' | policy w-allow >/dev/null
worse "$T/w-log.ini" "$T/w-deny.ini" "an allow-list with action = log scores worse than a deny-list"
worse "$T/w-deny.ini" "$T/w-allow.ini" "a deny-list scores worse than an allow-list"
run "$H" audit "$T/w-log.ini"
like "$out" "^seccomp +1\.00 .*action = log" "audit: action = log counts as no filter"
printf "${nb}[capabilities]\nkeep = CAP_NET_BIND_SERVICE\n" | policy w-bind >/dev/null
for c in CAP_SYS_ADMIN CAP_SYS_PTRACE CAP_SYS_MODULE CAP_DAC_OVERRIDE; do
	printf "${nb}[capabilities]\nkeep = $c\n" | policy "w-$c" >/dev/null
	worse "$T/w-$c.ini" "$T/w-bind.ini" "keep = $c scores worse than CAP_NET_BIND_SERVICE"
	run "$H" audit "$T/w-$c.ini"
	like "$out" "^capabilities +1\.00 .*root-equivalent" "audit: $c is weighed as root"
done
worse "$T/w-bind.ini" "$T/w-ok.ini" "keep = CAP_NET_BIND_SERVICE scores worse than none"
printf "${nb}[capabilities]\nkeep = CAP_NET_ADMIN\n" | policy w-netadmin >/dev/null
worse "$T/w-CAP_SYS_ADMIN.ini" "$T/w-netadmin.ini" "CAP_SYS_ADMIN scores worse than CAP_NET_ADMIN"
worse "$T/w-netadmin.ini" "$T/w-bind.ini" "CAP_NET_ADMIN scores worse than CAP_NET_BIND_SERVICE"

run "$H" audit "$T/s0.ini" --threshold 5
is "$rc" 1 "audit --threshold: a worse score exits 1"
like "$err" "exposure [0-9.]+ is above the threshold 5.0" "audit --threshold: says why"
run "$H" audit "$T/s6.ini" --threshold 5
is "$rc" 0 "audit --threshold: a better score exits 0"
run "$H" audit "$FIX/bad-user.ini" --threshold 5
is "$rc" 2 "audit --threshold: an invalid policy exits 2, not 1 (too exposed)"
like "$err" "bad-user.ini:3: \[identity\] user = no-such-user-xyz: no such user" "audit: an invalid policy's FILE:LINE message"
run "$H" audit "$T/s6.ini" --threshold 11
is "$rc" 125 "audit --threshold out of range: 125"

# ---- verify ----
v=$(policy v <<'X'
[identity]
user = nobody
[limits]
nofile = 64
[capabilities]
keep = none
[seccomp]
allow = @system-service
X
)
"$H" "$v" python3 -c 'import threading, time
ts = [threading.Thread(target=time.sleep, args=(20,)) for _ in range(3)]
[t.start() for t in ts]
time.sleep(20)' &
svc=$!
on_exit "kill -9 $svc"
for _ in $(seq 50); do [ "$(ls /proc/$svc/task 2>/dev/null | wc -l)" -ge 4 ] && break; sleep 0.1; done
is "$(ls /proc/$svc/task | wc -l)" 4 "verify: the service runs 4 threads"
run "$H" verify "$v" "$svc"
is "$rc" 0 "verify: a process holding the policy exits 0"
is "$out" "pid $svc holds $v" "verify: says so"
run "$H" verify "$web" "$svc"
is "$rc" 1 "verify: a process not holding another policy exits 1"
like "$out" "mismatch: thread [0-9]+: Uid 65534 65534 65534 65534, policy $(id -u www-data)" "verify: one line per mismatch, per thread"
is "$(printf '%s\n' "$out" | grep -c 'Uid')" 4 "verify: every thread is checked"
run "$H" verify "$web" "$svc" --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["holds"], len(d["mismatches"]) > 0)')" "False True" "verify --json"
# Weaker than the policy: a hard limit above the policy's is a mismatch,
# one below it (stricter) holds.
v32=$(sed 's/^nofile = 64$/nofile = 32/' "$v" | policy v32)
run "$H" verify "$v32" "$svc"
is "$rc" 1 "verify: a hard limit above the policy's exits 1"
like "$out" "mismatch: limit nofile: hard 64, policy at most 32" "verify: names the weaker limit"
v128=$(sed 's/^nofile = 64$/nofile = 128/' "$v" | policy v128)
run "$H" verify "$v128" "$svc"
is "$rc:$out" "0:pid $svc holds $v128" "verify: a hard limit below the policy's still holds"
kill -9 "$svc"; wait "$svc" 2>/dev/null
run "$H" verify "$v" 999999999
is "$rc" 3 "verify: no such pid: 3"
like "$err" "pid 999999999: no such process" "verify: no such pid: says so"
run "$H" verify "$FIX/bad-user.ini" 1
is "$rc" 2 "verify: an invalid policy: 2"
run "$H" verify "$v" abc
is "$rc" 125 "verify: not a pid: 125 (usage)"

# A service that drops more than the policy gave it (sshd's per-connection
# child clears its inheritable and ambient sets, memcached lowers its own
# nofile) and stacks a filter of its own still holds (issue 12, item 9).
vk=$(policy vk <<'X'
[identity]
user = nobody
[limits]
nofile = 64
[capabilities]
keep = CAP_NET_BIND_SERVICE CAP_NET_RAW
[seccomp]
allow = @system-service
X
)
"$H" "$vk" /usr/bin/python3 -c '
import ctypes, resource, struct, time
libc = ctypes.CDLL(None, use_errno=True)
resource.setrlimit(resource.RLIMIT_NOFILE, (16, 32))
assert libc.prctl(47, 4, 0, 0, 0) == 0                 # PR_CAP_AMBIENT_CLEAR_ALL
hdr = struct.pack("II", 0x20080522, 0)
bit = 1 << 10                                          # keep CAP_NET_BIND_SERVICE only
data = struct.pack("IIIIII", bit, bit, 0, 0, 0, 0)     # effective, permitted, inheritable
assert libc.capset(hdr, data) == 0, ctypes.get_errno()
insn = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 0x7fff0000))
class P(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("f", ctypes.c_void_p)]
assert libc.prctl(22, 2, ctypes.byref(P(1, ctypes.cast(insn, ctypes.c_void_p)))) == 0
print("dropped", flush=True)
time.sleep(20)' >"$T/dropped" &
svc=$!
on_exit "kill -9 $svc"
for _ in $(seq 100); do [ -s "$T/dropped" ] && break; sleep 0.05; done
out=$(cat /proc/$svc/status)
is "$(field CapInh) $(field CapAmb) $(field Seccomp_filters)" "0000000000000000 0000000000000000 2" "verify stricter: the service cleared inheritable and ambient, stacked a filter"
run "$H" verify "$vk" "$svc"
is "$rc:$out" "0:pid $svc holds $vk" "verify: a process stricter than the policy holds (exit 0)"
kill -9 "$svc"; wait "$svc" 2>/dev/null

# ---- learn, then check, audit, run, verify: real programs ----
empty=$(printf '[exec]\nno_new_privs = yes\n' | policy empty)
# tar
run "$H" learn "$empty" -o "$T/tar-learned.ini" -- tar -C /usr/share/doc -cf "$T/a.tar" bash
is "$rc" 0 "learn tar: the command's status"
like "$err" "learn: [0-9]+ calls seen" "learn tar: reports what it saw"
like "$(tr '\n\t' '  ' <"$T/tar-learned.ini")" "allow = .* openat " "learn tar: an allow fragment"
tarpol=$(printf '[policy]\ninclude = tar-learned.ini\n[seccomp]\naction = kill\n' | policy tarpol)
run "$H" check "$tarpol"
is "$rc" 0 "learn tar: check passes"
run "$H" audit "$tarpol"
like "$out" "^seccomp +0\.00 " "learn tar: audit sees an allow-list"
run "$H" "$tarpol" tar -C /usr/share/doc -cf "$T/b.tar" bash
is "$rc" 0 "learn tar: the same work runs under the learned allow-list (action kill)"
cmp -s "$T/a.tar" "$T/b.tar" && pass "learn tar: same archive" || fail "learn tar: same archive"
run "$H" "$tarpol" tar -C /usr/share/doc -cf "$T/c.tar" bash --acls --xattrs
# (a different workload may need more: that is what merging runs is for)

# python3 -m http.server, driven by a real client, on loopback
port=$((20000 + RANDOM % 20000))
serve() { # HARDEN-EXEC-ARGS...: start the server in the background ($srv), fetch a page ($got)
	"$@" python3 -m http.server "$port" --bind 127.0.0.1 --directory /usr/share/doc >/dev/null 2>"$T/srv.err" &
	srv=$!
	on_exit "kill -9 $srv"
	for _ in $(seq 100); do python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break; sleep 0.1; done
	got=$(python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$port/bash/').status)" 2>&1)
}
serve "$H" learn "$empty" -o "$T/web-learned.ini" --
is "$got" 200 "learn http.server: page served while learning"
kill -TERM "$srv"; wait "$srv" 2>/dev/null
like "$(cat "$T/web-learned.ini")" "^allow = " "learn http.server: fragment written after SIGTERM"
like "$(tr '\n\t' '  ' <"$T/web-learned.ini")" "(accept4|accept) " "learn http.server: accept was seen"
# A second run (another workload) merges into the same file.
run "$H" learn "$empty" -o "$T/web-learned.ini" -- python3 -c 'import json; print(json.dumps({}))'
like "$(cat "$T/web-learned.ini")" "learned by harden-exec learn" "learn: a second run merges into the fragment"
webpol=$(printf '[policy]\ninclude = web-learned.ini\n[identity]\nuser = nobody\n[seccomp]\naction = kill\n' | policy webpol)
run "$H" check "$webpol"
is "$rc" 0 "learn http.server: check passes"
serve "$H" "$webpol" --
is "$got" 200 "learn http.server: served under the learned allow-list as nobody (action kill)"
run "$H" verify "$webpol" "$srv"
is "$rc" 0 "learn http.server: verify holds on the running server"
kill -TERM "$srv"; wait "$srv" 2>/dev/null
# sleep: learn, check, audit, run, verify on a second real program.
run "$H" learn "$empty" -o "$T/sleep-learned.ini" -- sleep 0.1
is "$rc" 0 "learn sleep: the command's status"
slpol=$(printf '[policy]\ninclude = sleep-learned.ini\n[identity]\nuser = nobody\n[capabilities]\nkeep = none\n[seccomp]\naction = kill\n' | policy slpol)
run "$H" check "$slpol"
is "$rc" 0 "learn sleep: check passes"
run "$H" audit "$slpol" --threshold 5
is "$rc" 0 "learn sleep: audit passes a threshold of 5"
"$H" "$slpol" sleep 30 &
slp=$!
on_exit "kill -9 $slp"
for _ in $(seq 50); do [ "$(awk '/^Seccomp:/ { print $2 }' /proc/$slp/status 2>/dev/null)" = 2 ] && break; sleep 0.05; done
run "$H" verify "$slpol" "$slp"
is "$rc" 0 "learn sleep: verify holds on the running program"
kill -TERM "$slp"; wait "$slp" 2>/dev/null
is "$?" 143 "learn sleep: it ran under the learned allow-list until stopped"

run "$H" learn "$empty" -o "$T/x.ini" -- no-such-command-xyz
is "$rc" 125 "learn: a command that cannot start: 125"

# ---- learn under the policy's own argument rules (issue 13, item 13) ----
rules=$(printf '[exec]\nno_new_privs = yes\n[seccomp]\nmemory_deny_write_execute = yes\nrestrict_namespaces = yes\n' | policy rules)
run "$H" learn "$rules" -o "$T/wx.ini" -- /usr/bin/python3 -c 'import mmap; mmap.mmap(-1, 4096, prot=7); print("W+X mapped")'
is "$rc" 1 "learn + memory_deny_write_execute: the W+X mapping fails while learning (the command exits 1)"
like "$err" "PermissionError" "learn + memory_deny_write_execute: refused with EPERM"
unlike "$out" "W\+X mapped" "learn + memory_deny_write_execute: no W+X memory"
run "$H" learn "$rules" -o "$T/ns.ini" -- unshare -U true
like "$rc:$err" "^1:.*unshare failed: Operation not permitted" "learn + restrict_namespaces: no user namespace while learning"
run "$H" learn "$empty" -- /usr/bin/python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); b = ctypes.create_string_buffer(120); print(l.syscall(425, 8, b), ctypes.get_errno())'
is "$(printf '%s\n' "$out" | head -n 1)" "-1 38" "learn: io_uring_setup answered ENOSYS while learning, as every filter does"
# A failed run writes no list, unless --force.
[ -e "$T/wx.ini" ] && fail "learn: a failed run writes no list" || pass "learn: a failed run writes no list"
run "$H" learn "$empty" -o "$T/fail.ini" -- sh -c 'exit 3'
is "$rc" 3 "learn: a failing command's status"
like "$err" "the run failed, so no list was written .*--force" "learn: says why nothing was written"
[ -e "$T/fail.ini" ] && fail "learn: exit 3 writes no list" || pass "learn: exit 3 writes no list"
run "$H" learn "$empty" -o "$T/fail.ini" --force -- sh -c 'exit 3'
like "$rc:$(tr '\n' ' ' <"$T/fail.ini" 2>/dev/null)" "^3:.*allow = " "learn --force: the list is written from a failed run"
run "$H" learn "$empty" -- sh -c 'kill -KILL $$'
like "$rc:$(printf '%s' "$err" | tr '\n' ' ')" "^137:.*killed by signal 9.*no list was written" "learn: a command killed by a signal learn did not pass on: no list"
# Threads: glibc tries clone3, gets ENOSYS from every filter, falls back to
# clone; the learned list must hold clone (issue 12, item 6).
thr='import threading; t = threading.Thread(target=print, args=("thread ran",)); t.start(); t.join()'
run "$H" learn "$empty" -o "$T/thr-learned.ini" -- /usr/bin/python3 -c "$thr"
is "$rc" 0 "learn threads: the command's status"
like "$(tr '\n\t' '  ' <"$T/thr-learned.ini")" " clone " "learn threads: clone is in the list"
thrpol=$(printf '[policy]\ninclude = thr-learned.ini\n[seccomp]\naction = kill\n' | policy thrpol)
run "$H" "$thrpol" /usr/bin/python3 -c "$thr"
is "$rc:$out" "0:thread ran" "learn threads: the learned list runs a thread (action kill)"
# An argument with a newline stays inside the fragment's comment.
run "$H" learn "$empty" -o "$T/nl.ini" -- sh -c 'true
true'
run "$H" check "$(printf '[policy]\ninclude = nl.ini\n' | policy nlpol)"
is "$rc" 0 "learn: a newline in the command's arguments does not break the fragment"

# ---- composing a learned list (issue 12, item 8) ----
run "$H" learn "$empty" -o "$T/true-learned.ini" -- /bin/true
is "$rc" 0 "learn true: a small list"
tp=$(printf '[policy]\ninclude = true-learned.ini\n[seccomp]\naction = kill\n' | policy tp)
run "$H" "$tp" /bin/echo hi
is "$rc" 159 "control: echo needs more than the list of true (killed by SIGSYS)"
tpx=$(printf '[policy]\ninclude = true-learned.ini\n[seccomp]\nallow += write\n\tuname\naction = kill\n' | policy tpx)
run "$H" "$tpx" /bin/echo hi
is "$rc:$out" "0:hi" "allow += adds to the included learned list, without editing it"
run "$H" check --json "$tpx"
like "$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin)["seccomp"]["allow"]; print(a[-2:], "execve" in a)')" \
	"^\['write', 'uname'\] True$" "allow +=: check shows the included list and the additions"
# deny taking back what the learned list holds: check warns.
tpd=$(printf '[policy]\ninclude = true-learned.ini\n[seccomp]\ndeny = close @mount\naction = kill\n' | policy tpd)
run "$H" check "$tpd"
is "$rc" 0 "check: a deny overlapping the allow list is still valid"
like "$err" "^harden-exec: check: warning: .*tpd.ini:4: \[seccomp\] deny removes 1 calls the allow list \(.*true-learned.ini:[0-9]+\) holds: close$" "check: warns that deny removes a learned call"
run "$H" check --json "$tpd"
like "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["warnings"])')" "deny removes 1 calls the allow list holds: close" "check --json: the warning"
tpe=$(printf '[policy]\ninclude = true-learned.ini\n[identity]\nuser = nobody\n[seccomp]\nearly_deny = close\napply = main\n' | policy tpe)
run "$H" check "$tpe"
like "$err" "warning: .*tpe.ini:[0-9]+: \[seccomp\] early_deny removes 1 calls the allow list .* holds, for the service's whole life: close" "check: warns that early_deny removes a learned call"
run "$H" check "$tp"
is "$err" "" "check: no warning without an overlap"
# learn needs no_new_privs for its own filter, whatever the policy says.
nonnp=$(printf '[exec]\nno_new_privs = no\n[seccomp]\nmemory_deny_write_execute = yes\n' | policy nonnp)
run "$H" learn "$nonnp" -- /bin/true
is "$rc" 0 "learn: a policy with no_new_privs = no still learns (under its argument rules)"
