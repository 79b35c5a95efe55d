#!/usr/bin/env bash
# Late application through libharden.so: the service initialises freely
# (binds port 80 as root, calls what the late filter forbids, starts
# threads), then every thread is hardened at the trigger.
. "$(dirname "$0")/../lib.sh"
need_root
unshare --net true 2>/dev/null || { echo "1..0 # SKIP needs network namespaces"; exit 0; }
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs $PY"; exit 0; }
LS=$BUILD/tests/lateserver
DRIVE=$TOP/tests/helpers/late_drive.py
NR_UNAME=63

# drive MODE PORT HARDEN-ARGS...: in a network namespace of our own.
drive() {
	local mode=$1 port=$2
	shift 2
	out=$(timeout -k 5 60 unshare --net sh -c 'ip link set lo up && exec "$@"' _ \
		"$PY" "$DRIVE" "$mode" "$port" -- "$@" 2>&1)
}
threads_all() { # REGEX DESC: every "thread:" line matches
	local n m
	n=$(printf '%s\n' "$out" | grep -c '^thread:')
	m=$(printf '%s\n' "$out" | grep '^thread:' | grep -cE "$1")
	if [ "$n" -gt 0 ] && [ "$n" = "$m" ]; then pass "$2 ($n threads)"; else fail "$2" "$(printf '%s\n' "$out" | grep '^thread:')" "want every thread to match: $1"; fi
}
HARD='Uid=65534 65534 65534 65534 Gid=65534 65534 65534 65534 CapPrm=0{16} CapEff=0{16} CapAmb=0{16} NoNewPrivs=1 Seccomp=2'

for trigger in accept listen ready; do
	p=$(policy "t-$trigger" <<X
[identity]
user = nobody
[seccomp]
allow = @system-service
deny = uname
action = kill
apply = $trigger
X
)
	drive lateserver 80 "$H" "$p" "$LS" 80 --forbid $NR_UNAME
	like "$out" "out: before: (ok|errno EFAULT)" "$trigger: before the trigger, uname is allowed (it ran)"
	like "$out" "out: bind: ok" "$trigger: the service bound port 80 itself, as root"
	is "$(printf '%s\n' "$out" | grep -c '^thread:')" 4 "$trigger: the server runs 4 threads"
	threads_all "$HARD" "$trigger: every thread is nobody, no capabilities, no_new_privs, filtered"
	like "$out" "err: harden-exec: violation: syscall uname \($NR_UNAME\) arch 0xc000003e pid [0-9]+ exe $LS action kill" \
		"$trigger: the violation is reported by name, number, pid and executable"
	is "$(printf '%s\n' "$out" | sed -n 's/^status: //p')" 159 "$trigger: after the trigger, uname kills (SIGSYS): 128+31 from the supervisor"
	unlike "$out" "out: after:" "$trigger: the forbidden call never returned"
done

# errno action: the call fails, the service goes on.
p=$(policy errno <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
deny = uname
action = errno:EPERM
apply = accept
X
)
drive lateserver 80 "$H" "$p" "$LS" 80 --forbid $NR_UNAME
like "$out" "out: after: errno EPERM" "errno action: uname fails with EPERM after the trigger"
is "$(printf '%s\n' "$out" | sed -n 's/^answer: //p')" done "errno action: the service goes on serving"
is "$(printf '%s\n' "$out" | sed -n 's/^status: //p')" 0 "errno action: exit 0"

# early_deny: a filter from exec on, the late one stacked on it.
p=$(policy early <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
deny = uname
action = errno:EPERM
apply = accept
early_deny = uname
X
)
drive lateserver 80 "$H" "$p" "$LS" 80 --forbid $NR_UNAME
like "$out" "out: before: errno EPERM" "early_deny: uname refused before the trigger already"
threads_all "filters=2" "early_deny: after the trigger, the late filter stacks on the early one"
like "$out" "out: after: errno EPERM" "early_deny: and uname stays refused after it"

# A service's own SIGSYS handler cannot hide a kill.
p=$(policy sig <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
deny = uname
action = kill
apply = accept
X
)
drive lateserver 80 "$H" "$p" "$LS" 80 --forbid $NR_UNAME --sigsys-handler
like "$out" "out: sigaction: errno EPERM" "installing a SIGSYS handler after the trigger is refused"
is "$(printf '%s\n' "$out" | sed -n 's/^status: //p')" 159 "the violation still kills by SIGSYS"

# JSON reports.
p=$(policy json <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
deny = uname
action = kill
apply = accept
[log]
format = json
X
)
drive lateserver 80 "$H" "$p" "$LS" 80 --forbid $NR_UNAME
rep=$(printf '%s\n' "$out" | sed -n 's/^err: \({"event":"violation".*\)/\1/p')
is "$(printf '%s' "$rep" | "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["syscall"], d["nr"], d["action"])')" \
	"uname $NR_UNAME kill" "a JSON violation report"

# ---- python3 -m http.server 80 as nobody, hardened when ready / listening ----
for trigger in ready listen; do
	p=$(policy "py-$trigger" <<X
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = $trigger
X
)
	drive http 80 "$H" "$p" "$PY" -m http.server 80 --bind 127.0.0.1 --directory /usr/share/doc
	like "$out" "http: 200 [0-9]+" "http.server ($trigger): a real client gets the page on port 80"
	threads_all "$HARD" "http.server ($trigger): unprivileged and filtered"
	unlike "$(printf '%s\n' "$out" | grep '^environ:')" "HARDEN_HANDOFF_FD|LD_PRELOAD" \
		"http.server ($trigger): /proc/PID/environ shows neither the handoff nor the preload"
done

# ---- apply = main ----
p=$(policy main <<'X'
[seccomp]
allow = @system-service
deny = uname
action = kill
apply = main
X
)
run "$H" "$p" "$PY" -c 'import os; print(open("/proc/self/status").read().split("Seccomp:")[1].split()[0], flush=True); os.uname()'
is "$out" 2 "main: the filter is in place when main() runs"
is "$rc" 159 "main: uname kills"

# ---- fail closed ----
p=$(policy dl <<'X'
[seccomp]
allow = @system-service
apply = accept
deadline = 1s
X
)
run timeout -k 5 20 "$H" "$p" "$LS" 8080 --no-accept
is "$rc" 137 "deadline: a service that never accepts is killed (SIGKILL)"
like "$err" "harden-exec: deadline: pid [0-9]+ \(lateserver\) did not reach its hardened state within 1000ms \(.*apply = accept: no accept\(\) or accept4\(\) call came\): killed" \
	"deadline: the supervisor says so, naming the missing trigger"

run "$H" "$p" "$PROBE" cwd
is "$rc" 125 "a static target is refused"
like "$err" "late: .*dl.ini:3: .*probe is statically linked: no preload can run in it \(use apply = exec\)" "static target: message with a hint"
printf '#!/bin/sh\nexec %s "$@"\n' "$LS" >"$T/wrap.sh" && chmod 755 "$T/wrap.sh"
run "$H" "$p" "$T/wrap.sh" 8080
is "$rc" 125 "a shell-script wrapper is refused"
like "$err" "a #! script for /bin/sh, which would start the service without the preload" "shell wrapper: message"

mkdir -p "$T/bin"
cp "$H" "$T/bin/harden-exec"
run "$T/bin/harden-exec" "$p" "$LS" 8080
is "$rc" 125 "no libharden.so beside the wrapper: refused"
like "$err" "libharden.so is neither beside $T/bin/harden-exec" "missing shim: message"
cp "$BUILD/libharden.so" "$T/bin/libharden.so" && chmod 0666 "$T/bin/libharden.so"
run "$T/bin/harden-exec" "$p" "$LS" 8080
is "$rc" 125 "a shim writable by others: refused"
like "$err" "libharden.so: must be a regular file owned by root, not writable by group or others" "writable shim: message"

# Tampered, unsealed or missing handoffs never let the program run.
for bad in magic version size unsealed trigger truncated missing-fd name reserved bpf names fdnum flags; do
	rm -f "$T/ran"
	# A dynamic program, so that the shim loads in it.
	run "$BUILD/tests/shimtest" --bad "$bad" --trigger main --deny $NR_UNAME -- "$PY" -c "open('$T/ran','w')"
	is "$rc" 125 "handoff $bad: exit 125"
	like "$err" "^harden-exec: shim: " "handoff $bad: the shim says what is wrong"
	[ -e "$T/ran" ] && fail "handoff $bad: the program never ran" || pass "handoff $bad: the program never ran"
done

# ---- the library itself ----
is "$(nm -D --defined-only "$BUILD/libharden.so" | awk '{print $3}' | sort | tr '\n' ' ')" \
	"__libc_start_main __poll_chk __ppoll_chk accept accept4 epoll_pwait epoll_pwait2 epoll_wait listen pause poll ppoll pselect select sigsuspend " \
	"libharden.so exports only the functions it interposes"
unlike "$(ldd "$BUILD/libharden.so")" "libseccomp|libinih|libcap" "libharden.so links neither libseccomp, nor inih, nor libcap"
# Loaded by accident, without a handoff, it changes nothing.
run env LD_PRELOAD="$BUILD/libharden.so" "$PY" -c 'print(open("/proc/self/status").read().split("Seccomp:")[1].split()[0])'
is "$out" 0 "without a handoff the library does nothing"
