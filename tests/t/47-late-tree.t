#!/usr/bin/env bash
# The supervisor of a late policy: status, signals, no orphan, and the
# whole process tree of the service hardened by the deadline or killed,
# for each daemon pattern (forking, self-dropping, several listeners).
. "$(dirname "$0")/../lib.sh"
need_root
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs $PY"; exit 0; }
unshare --net true 2>/dev/null || { echo "1..0 # SKIP needs network namespaces"; exit 0; }

# alive PID: a live process, not a zombie.
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
# waitfile FILE: up to 10 s for FILE to be non-empty.
waitfile() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

main=$(policy main <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = errno:EPERM
apply = main
X
)

# ---- status and signals ----
run "$H" "$main" "$PY" -c 'import sys; sys.exit(3)'
is "$rc" 3 "the service's exit status comes back through the supervisor"
run "$H" "$main" "$PY" -c 'import os, signal; os.kill(os.getpid(), signal.SIGUSR2)'
is "$rc" $((128 + 12)) "a service killed by signal N gives 128+N"

cat >"$T/sig.py" <<'X'
import os, signal, sys, time
signal.signal(signal.SIGUSR1, lambda *a: sys.exit(7))
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)
X
chmod 644 "$T/sig.py"
mkdir -m 0777 "$T/w" # the service writes its pid there as nobody
"$H" "$main" "$PY" "$T/sig.py" "$T/w/sig.pid" 2>"$T/sig.err" &
sup=$!
waitfile "$T/w/sig.pid"
svc=$(cat "$T/w/sig.pid")
isnt_same=$([ "$svc" != "$sup" ] && echo yes)
is "$isnt_same" yes "a late policy leaves harden-exec as the supervisor, the service below it"
is "$(awk '/^PPid:/ {print $2}' "/proc/$svc/status")" "$sup" "the service is the supervisor's child"
is "$(awk '/^Seccomp:/ {print $2}' "/proc/$sup/status")" 0 "the supervisor itself is not the filtered service"
kill -USR1 "$sup"
wait "$sup"
is "$?" 7 "SIGUSR1 to harden-exec reaches the service (its handler exits 7)"

rm -f "$T/w/sig.pid"
"$H" "$main" "$PY" "$T/sig.py" "$T/w/sig.pid" 2>"$T/sig.err" &
sup=$!
waitfile "$T/w/sig.pid"
kill -TERM "$sup"
wait "$sup"
is "$?" 143 "SIGTERM is forwarded: 128+15"

# No orphan survives the supervisor, even after the identity change
# (which clears the parent-death signal: the shim sets it again).
rm -f "$T/w/sig.pid"
"$H" "$main" "$PY" "$T/sig.py" "$T/w/sig.pid" 2>"$T/sig.err" &
sup=$!
waitfile "$T/w/sig.pid"
svc=$(cat "$T/w/sig.pid")
is "$(awk '/^Uid:/ {print $2}' "/proc/$svc/status")" 65534 "the service changed identity at its trigger"
kill -KILL "$sup"
wait "$sup" 2>/dev/null
for _ in $(seq 40); do alive "$svc" || break; sleep 0.05; done
if alive "$svc"; then
	fail "the service dies with its supervisor (SIGKILL)" "pid $svc still runs"
	kill -KILL "$svc"
else
	pass "the service dies with its supervisor (SIGKILL)"
fi

# Exec mode keeps no supervisor: harden-exec becomes the service.
p=$(policy exec <<'X'
[identity]
user = nobody
X
)
out=$(timeout 20 sh -c 'echo $$; exec "$@"' _ "$H" "$p" "$PY" -c 'import os; print(os.getpid())' 2>&1)
is "$(printf '%s\n' "$out" | sed -n 1p)" "$(printf '%s\n' "$out" | sed -n 2p)" \
	"without a control that needs it, harden-exec execs in place (same pid)"

# ---- P01: fork, the parent exits 0, the child never reaches its trigger ----
dl=$(policy dl <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = accept
deadline = 1s
X
)
cat >"$T/p01.py" <<'X'
import os, sys, time
if os.fork():
    os._exit(0)
os.setsid()
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)
X
chmod 644 "$T/p01.py"
start=$(date +%s)
run "$H" "$dl" "$PY" "$T/p01.py" "$T/p01.pid"
took=$(($(date +%s) - start))
child=$(cat "$T/p01.pid" 2>/dev/null)
isnt_zero=$([ "$rc" -ne 0 ] && echo yes)
is "$isnt_zero" yes "P01: the status is not 0 for a tree the deadline killed (got $rc)"
is "$rc" 137 "P01: 137, as for a kill"
like "$err" "harden-exec: deadline: pid $child \(python3\) did not reach its hardened state within 1000ms \(Seccomp 0 .*apply = accept: no accept\(\) or accept4\(\) call came\): killed" \
	"P01: the orphaned child is named and killed at the deadline, with the missing trigger"
if [ -n "$child" ] && alive "$child"; then
	fail "P01: the child is gone" "pid $child still runs"
	kill -KILL "$child"
else
	pass "P01: the child is gone"
fi
ok_time=$([ "$took" -lt 8 ] && echo yes)
is "$ok_time" yes "P01: ended soon after the deadline (${took}s)"

# ---- the main process fails: what it started goes with it ----
cat >"$T/fail.py" <<'X'
import os, sys, time
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
open(sys.argv[1] + ".tmp", "w").write(str(pid)); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
sys.exit(3)
X
chmod 644 "$T/fail.py"
dl20=$(policy dl20 <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = accept
deadline = 20s
X
)
start=$(date +%s)
run "$H" "$dl20" "$PY" "$T/fail.py" "$T/fail.pid"
took=$(($(date +%s) - start))
is "$rc" 3 "main process fails (3) with a child left: its status comes back"
fchild=$(cat "$T/fail.pid" 2>/dev/null)
if [ -n "$fchild" ] && alive "$fchild"; then
	fail "main process fails: its child is killed with it" "pid $fchild still runs"
	kill -KILL "$fchild"
else
	pass "main process fails: its child is killed with it"
fi
ok_time=$([ "$took" -lt 5 ] && echo yes)
is "$ok_time" yes "main process fails: at once, not at the deadline (${took}s)"

# ---- a forking daemon that reaches its trigger: supervised until it ends ----
cat >"$T/fd.py" <<'X'
import os, socket, sys
if os.fork():
    os._exit(0)
os.setsid()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 80))
s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid())); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.sendall(open("/proc/self/status").read().encode())
    c.close()
X
cat >"$T/client.py" <<'X'
import socket, sys
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
        break
    except OSError:
        import time; time.sleep(0.05)
data = b""
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
for l in data.decode().splitlines():
    k, _, v = l.partition(":")
    if k in ("Uid", "Gid", "CapPrm", "CapEff", "NoNewPrivs", "Seccomp"):
        print(k + "=" + " ".join(v.split()))
X
cat >"$T/fd.sh" <<X
ip link set lo up
"$H" "$T/fdp.ini" "$PY" "$T/fd.py" "$T/fd.pid" 2>"$T/fd.err" &
sup=\$!
for _ in \$(seq 200); do [ -s "$T/fd.pid" ] && break; sleep 0.05; done
sleep 0.2
echo "main-alive: \$(kill -0 \$sup 2>/dev/null && echo yes || echo no)"
"$PY" "$T/client.py" 80
sleep 1.5
echo "after-deadline: \$(kill -0 \$sup 2>/dev/null && echo yes || echo no)"
"$PY" "$T/client.py" 80
kill -TERM \$sup
wait \$sup
echo "status: \$?"
X
chmod 644 "$T"/*.py "$T/fd.sh"
policy fdp >/dev/null <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = accept
deadline = 1s
X
out=$(timeout -k 5 60 unshare --net sh "$T/fd.sh" 2>&1)
fdchild=$(cat "$T/fd.pid" 2>/dev/null)
like "$out" "main-alive: yes" "forking daemon: harden-exec stays after the daemon's first process exits 0"
like "$out" "Uid=65534 65534 65534 65534.*" "forking daemon: its forked child serves as nobody"
like "$(printf '%s\n' "$out" | tr '\n' ' ')" "Uid=65534 65534 65534 65534 Gid=65534 65534 65534 65534 CapPrm=0000000000000000 CapEff=0000000000000000 NoNewPrivs=1 Seccomp=2 after-deadline: yes Uid=65534 .*Seccomp=2" \
	"forking daemon: hardened (uid, caps, no_new_privs, Seccomp 2), and still so after the deadline"
like "$out" "after-deadline: yes" "forking daemon: not killed at the deadline once hardened"
like "$out" "status: 143" "forking daemon: SIGTERM to harden-exec reaches the daemon; its status (143) comes back"
unlike "$(cat "$T/fd.err")" "deadline" "forking daemon: no deadline message"
[ -n "$fdchild" ] && alive "$fdchild" && kill -KILL "$fdchild"

# ---- several listeners: apply = listen waits for the last of the burst ----
lp=$(policy listen <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = listen
X
)
cat >"$T/two.py" <<'X'
import os, select, socket
ss = []
for port in (80, 81):
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    s.listen(8)
    ss.append(s)
    print("listening", port, flush=True)
select.select([], [], [], 0)
print("state", " ".join(l.split(":")[1].split()[0] for l in open("/proc/self/status") if l.startswith(("Uid:", "Seccomp:"))))
X
chmod 644 "$T/two.py"
out=$(timeout -k 5 30 unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$lp" "$PY" "$T/two.py" 2>&1)
like "$out" "listening 81" "listen: the second privileged port binds after the first listen() (no identity change yet)"
like "$out" "state 65534 2" "listen: hardened at the first wait after the burst"

# ---- a worker that dropped its privileges itself ----
cat >"$T/drop.py" <<'X'
import os, select, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 80))
s.listen(8)
uid = int(sys.argv[1])
os.setgroups([int(g) for g in sys.argv[2:]])
os.setresgid(uid, uid, uid)
os.setresuid(uid, uid, uid)
select.select([], [], [], 0)
print("state", " ".join(l.split(":")[1].split()[0] for l in open("/proc/self/status") if l.startswith(("Uid:", "Seccomp:"))))
X
chmod 644 "$T/drop.py"
rp=$(policy ready <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = ready
X
)
out=$(timeout -k 5 30 unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$rp" "$PY" "$T/drop.py" 65534 2>&1)
like "$out" "state 65534 2" "self-dropped to the policy's user: filtered at the trigger, no identity change"
out=$(timeout -k 5 30 unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$rp" "$PY" "$T/drop.py" 1 2>&1)
rc=$?
is "$rc" 125 "self-dropped to another user: exit 125"
like "$out" "harden-exec: shim: late stage: the service changed its own identity before its trigger \(uid 1/1/1, gid 1/1/1\) and can no longer become the policy's user \(uid 65534, gid 65534\)" \
	"self-dropped to another user: the message says why and what to do"
unlike "$out" "setgroups" "self-dropped: no bare setgroups EPERM"
out=$(timeout -k 5 30 unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$rp" "$PY" "$T/drop.py" 65534 0 2>&1)
rc=$?
is "$rc" 125 "self-dropped to the policy's user but keeping group 0 (root's): exit 125"
like "$out" "kept supplementary group 0, which is not the policy's" "self-dropped, group 0 kept: the message names it"

# ---- SIGSYS: a service may ignore it unless the shim reports kills ----
run "$H" "$main" "$PY" -c 'import signal; signal.signal(signal.SIGSYS, signal.SIG_IGN); print("ignored")'
is "$out" ignored "action = errno: the service may ignore SIGSYS (as nginx does)"
kp=$(policy killsig <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = main
X
)
run "$H" "$kp" "$PY" -c 'import signal; signal.signal(signal.SIGSYS, signal.SIG_IGN); print("ignored")'
unlike "$out" ignored "action = kill: SIGSYS stays the reporter's"

# ---- a SIGSYS death is reported by the supervisor ----
ed=$(policy early <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = accept
early_deny = uname
X
)
run "$H" "$ed" "$PY" -c 'import os; os.uname()'
is "$rc" 159 "early_deny kills a call before the trigger (128+SIGSYS)"
like "$err" "harden-exec: pid [0-9]+ was killed by SIGSYS: a system call its seccomp filter refuses" \
	"an early-filter kill is reported"

# ---- what systemd sees: sd_notify relayed from the main pid, LISTEN_PID ----
cat >"$T/fakesd.py" <<'X'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(20)
open(sys.argv[1] + ".up", "w").close()
msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
pid = [struct.unpack("iII", d)[0] for lvl, t, d in anc if t == socket.SCM_CREDENTIALS][0]
print("notify:", msg.decode(), "from", pid, flush=True)
X
cat >"$T/notifier.py" <<'X'
import os, socket
a = os.environ["NOTIFY_SOCKET"]
print("service-socket:", a)
print("listen-pid:", os.environ.get("LISTEN_PID"), "pid:", os.getpid())
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", "\0" + a[1:] if a[0] == "@" else a)
X
chmod 644 "$T/fakesd.py" "$T/notifier.py"
"$PY" "$T/fakesd.py" "$T/notify.sock" >"$T/fakesd.out" 2>&1 &
fsd=$!
waitfile "$T/notify.sock.up" || true
out=$(exec 3</dev/null; NOTIFY_SOCKET=$T/notify.sock timeout 20 sh -c 'echo "sup: $$"; LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"' _ "$H" "$main" "$PY" "$T/notifier.py" 2>&1)
wait "$fsd"
sup=$(printf '%s\n' "$out" | sed -n 's/^sup: //p')
like "$out" "service-socket: @harden-exec/notify/$sup" "NOTIFY_SOCKET: the service gets the supervisor's relay socket"
like "$(cat "$T/fakesd.out")" "notify: READY=1 from $sup\$" "NOTIFY_SOCKET: READY=1 reaches the manager from the main pid (NotifyAccess=main holds)"
svcpid=$(printf '%s\n' "$out" | sed -n 's/^listen-pid: .* pid: //p')
like "$out" "listen-pid: $svcpid pid: $svcpid" "socket activation: LISTEN_PID names the service, not the supervisor"
