#!/usr/bin/env bash
# [namespaces] pid and [filesystem] proc: the supervisor stays outside, a
# minimal init is pid 1 inside and the service pid 2; /proc shows the
# namespace's processes only; exit statuses and signals pass through the
# supervisor and the init; an orphan is reaped by the init; killing the
# supervisor with SIGKILL leaves no process of the namespace; as root
# and as an unprivileged user with a user namespace.
. "$(dirname "$0")/../lib.sh"
need_root

cp "$H" "$T/harden-exec" && H=$T/harden-exec
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
ours() { awk -v t="$T" '$5 == "/" || $5 == "/proc" || $5 == "/tmp" || index($5, t) == 1 { print $5, $6 }' /proc/self/mountinfo; }
mounts_before=$(ours)

# The pids of every descendant of $1 (host pids), breadth first.
tree() {
	local all=" $1 " p q
	for _ in 1 2 3 4 5; do
		while read -r p q; do
			case "$all" in *" $q "*) case "$all" in *" $p "*) ;; *) all="$all$p " ;; esac ;; esac
		done < <(ps -eo pid=,ppid=)
	done
	echo "$all" | tr ' ' '\n' | grep -v "^$1\$" | grep . | tr '\n' ' '
}
# Processes among the pids that still run (a zombie has ended).
alive() {
	local p n=0
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
			[ -n "$(cat "/proc/$p/stat" 2>/dev/null)" ] && n=$((n + 1))
	done
	echo "$n"
}

pol=$(policy pid <<'X'
[namespaces]
pid = yes
mount = yes
X
)

# ---- the service's pid, the init, /proc ----
cat >"$T/look.sh" <<'X'
echo "self: $$"
echo "init: $(tr '\0' ' ' </proc/1/cmdline)"
echo "procs: $(ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ')"
echo "pidns: $(readlink /proc/self/ns/pid)"
echo "listen: ${LISTEN_PID:-}"
X
chmod 644 "$T/look.sh"
run env LISTEN_PID=4242 LISTEN_FDS=0 "$H" "$pol" -- sh "$T/look.sh"
is "$rc" 0 "pid = yes: exit 0"
is "$(line self)" 2 "the service is pid 2 inside"
like "$(line init)" "harden-exec" "pid 1 inside is harden-exec's init"
# Only pids of the namespace: 1 and 2 first, a few small ones after
# (the pipeline's), never the host's.
like "$(line procs)" "^1 2( [3-9]| 1[0-9])+ \$" "/proc shows only the namespace's processes"
unlike "$(line pidns)" "^$(readlink /proc/self/ns/pid)\$" "a pid namespace other than the host's"
is "$(line listen)" 2 "LISTEN_PID is the service's pid as seen inside"
is "$(ours)" "$mounts_before" "the new /proc is not in the host's mountinfo"

# proc = no: the host's /proc stays, with the host's processes.
nopr=$(policy noproc <<'X'
[namespaces]
pid = yes
mount = yes
[filesystem]
proc = no
X
)
run "$H" "$nopr" -- sh "$T/look.sh"
is "$(line self)" 2 "proc = no: still pid 2"
like "$(line procs)" " $$ " "proc = no: /proc is the host's (this test's shell is listed)"

# A new root: bind_ro = /proc carries the new /proc in, under protect_kernel.
rpol=$(policy root <<'X'
[namespaces]
pid = yes
[filesystem]
root = tmpfs
bind_ro = /usr /lib /lib64 /bin /proc
protect_kernel = yes
X
)
run "$H" "$rpol" -- /bin/sh -c 'echo "self: $$"; echo "procs: $(ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\n" " ")"
echo x 2>/dev/null >/proc/sys/kernel/hostname && echo "sys: written" || echo "sys: refused"'
is "$(line self)" 2 "new root: the service is pid 2"
like "$(line procs)" "^1 2( [3-9]| 1[0-9])+ \$" "new root: its /proc is the namespace's"
is "$(line sys)" refused "new root: protect_kernel covers the new /proc (/proc/sys read-only)"

# ---- exit statuses through the init and the supervisor ----
run "$H" "$pol" -- sh -c 'exit 7'
is "$rc" 7 "exit 7 comes through"
run "$H" "$pol" -- sh -c 'kill -TERM $$'
is "$rc" 143 "killed by SIGTERM: 128+15"

# ---- signals: harden-exec forwards, the init forwards ----
# (timeout --foreground: without it, timeout signals its whole group too.)
cat >"$T/sig.sh" <<X
trap 'echo hup >>"$T/sig.log"' HUP
trap 'echo term >>"$T/sig.log"; exit 3' TERM
echo \$\$ >"$T/sig.pid"
while :; do sleep 0.05; done
X
chmod 644 "$T/sig.sh"
rm -f "$T/sig.log" "$T/sig.pid"
timeout --foreground -k 5 30 "$H" "$pol" -- sh "$T/sig.sh" 2>/dev/null &
hp=$!
for _ in $(seq 100); do [ -s "$T/sig.pid" ] && break; sleep 0.05; done
is "$(cat "$T/sig.pid")" 2 "signal test: the service runs as pid 2"
kill -HUP "$hp"
for _ in $(seq 100); do grep -q hup "$T/sig.log" 2>/dev/null && break; sleep 0.05; done
is "$(cat "$T/sig.log" 2>/dev/null)" hup "SIGHUP to harden-exec is handled by the service"
kill -TERM "$hp"
wait "$hp"
is "$?" 3 "SIGTERM to harden-exec reaches the service, whose exit status comes back"
is "$(tr '\n' ' ' <"$T/sig.log")" "hup term " "each signal reached the service once"

# ---- an orphan reaped by the init ----
cat >"$T/orphan.sh" <<'X'
# The child forks the grandchild and exits: the grandchild's parent is
# now the init, which must reap it once it exits.
sh -c 'sh -c "sleep 0.3; echo orphan-parent: \$(cut -d\" \" -f4 /proc/\$\$/stat)" & exit 0'
sleep 1
echo "zombies: $(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)"
X
chmod 644 "$T/orphan.sh"
run "$H" "$pol" -- sh "$T/orphan.sh"
is "$(line orphan-parent)" 1 "the orphan was re-parented to the init (pid 1)"
is "$(line zombies)" 0 "the init reaped it: no zombie"
is "$rc" 0 "orphan test: exit 0"

# A service that exits 0 while its orphan still runs: the init waits for it.
run "$H" "$pol" -- sh -c "sh -c 'sleep 0.3; echo late >$T/late' & exit 0"
is "$rc" 0 "a forking service: exit 0"
is "$(cat "$T/late" 2>/dev/null)" late "the init waited for the orphan to finish"

# ---- SIGKILL to the supervisor: no process of the namespace survives ----
rm -f "$T/kill.ready"
"$H" "$pol" -- sh -c "sleep 60 & sleep 60 & sh -c 'sleep 60' & echo >$T/kill.ready; wait" 2>/dev/null &
hp=$!
for _ in $(seq 100); do [ -e "$T/kill.ready" ] && break; sleep 0.05; done
sleep 0.1
pids=$(tree "$hp")
n=$(echo "$pids" | wc -w)
if [ "$n" -ge 5 ]; then pass "the namespace's processes found ($n)"; else fail "the namespace's processes found" "got: $pids"; fi
kill -KILL "$hp"
wait "$hp" 2>/dev/null
for _ in $(seq 50); do [ "$(alive $pids)" = 0 ] && break; sleep 0.05; done
# shellcheck disable=SC2086
is "$(alive $pids)" 0 "after SIGKILL of the supervisor, every process of the namespace is gone"

# ---- check, audit, verify ----
run "$H" check "$pol"
like "$out" "namespaces +mount pid \(proc\)" "check lists the pid namespace"
run "$H" audit "$pol"
with=$(printf '%s\n' "$out" | awk '$1 == "namespaces" {print $2}')
run "$H" audit "$(policy mnt <<'X'
[namespaces]
mount = yes
X
)"
without=$(printf '%s\n' "$out" | awk '$1 == "namespaces" {print $2}')
like "$with $without" "^0\.67 0\.83$" "audit's namespaces row counts the pid namespace"
"$H" "$pol" -- sleep 3 2>/dev/null &
hp=$!
for _ in $(seq 100); do
	svc=$(tree "$hp" | awk '{print $2}')
	[ -n "$svc" ] && [ "$(readlink "/proc/$svc/exe" 2>/dev/null)" = /usr/bin/sleep ] && break
	sleep 0.05
done
run "$H" verify "$pol" "$svc"
is "$rc" 0 "verify: the service in its pid namespace holds the policy"
run "$H" verify "$(policy pidonly <<'X'
[namespaces]
pid = yes
X
)" "$$"
like "$out" "the pid namespace is this one's" "verify: a process in the host's pid namespace does not"
kill "$hp"
wait "$hp" 2>/dev/null

# ---- rootless: a user namespace owns the pid namespace ----
upol=$(policy user <<'X'
[namespaces]
user = yes
pid = yes
mount = yes
X
)
run "${NOBODY[@]}" "$H" "$upol" -- sh "$T/look.sh"
if [ "$rc" = 125 ] && printf '%s\n' "$err" | grep -q "unshare(CLONE_NEWUSER) refused"; then
	skip "the kernel refuses unprivileged user namespaces" "rootless: pid 2"
	skip "the kernel refuses unprivileged user namespaces" "rootless: /proc"
else
	is "$(line self)" 2 "rootless: the service is pid 2"
	like "$(line procs)" "^1 2( [3-9]| 1[0-9])+ \$" "rootless: /proc shows only the namespace's processes"
fi
run "${NOBODY[@]}" "$H" "$pol" -- true
is "$rc" 125 "rootless without user = yes: exit 125"
like "$err" "pid.ini:2: \[namespaces\] (pid|mount) = yes: this caller may not create the namespace without CAP_SYS_ADMIN \(hint: set user = yes\)" \
	"rootless without user = yes: the key and a hint"

# ---- a late apply in a pid namespace (and a network namespace) ----
# The service, pid 2 inside, takes the shim and its handoff; the supervisor
# enforces the deadline from outside, over the whole tree but the init.
LH=$BUILD/harden-exec # the shim is found beside it
PY=/usr/bin/python3
waitfile() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
# kids PID: the children of PID (host pids).
kids() { ps -eo pid=,ppid= | awk -v p="$1" '$2 == p {print $1}'; }
# hardened PID: one line per thread: Uid, CapEff, Seccomp, NoNewPrivs.
hardened() {
	local t
	for t in /proc/"$1"/task/*; do
		awk '$1 == "Uid:" {u = $2 " " $3 " " $4 " " $5} $1 == "CapEff:" {c = $2}
			$1 == "Seccomp:" {s = $2} $1 == "NoNewPrivs:" {n = $2}
			END {print "Uid=" u " CapEff=" c " Seccomp=" s " NoNewPrivs=" n}' "$t/status" 2>/dev/null
	done
}
HARD="Uid=65534 65534 65534 65534 CapEff=0000000000000000 Seccomp=2 NoNewPrivs=1"
if ! unshare --net true 2>/dev/null || [ ! -x "$PY" ]; then
	for d in "late pid+net: runs" "late pid+net: never-triggering child" "late pid+net: SIGTERM" \
		"late pid+net: SIGKILL" "late pid+net: http.server" "notify across a network namespace"; do
		skip "needs $PY and network namespaces" "$d"
	done
	is "$(ours)" "$mounts_before" "nothing left in the host's mountinfo"
	exit 0
fi
lpol=$(policy latepid <<'X'
[namespaces]
pid = yes
net = yes
[identity]
user = nobody
[seccomp]
allow = @system-service
action = kill
apply = listen
deadline = 2s
X
)
# Binds a privileged port (root before its trigger), triggers (a wait after
# listen()), then a thread started before the trigger connects and is served.
cat >"$T/serve.py" <<'X'
import os, select, socket, threading
s = socket.socket()
s.bind(("127.0.0.1", 80))
s.listen(8)
print("self:", os.getpid())
print("ppid:", os.getppid())
print("listen:", os.environ.get("LISTEN_PID"))
print("ifaces:", " ".join(n for _, n in socket.if_nameindex()))
go, done = threading.Event(), threading.Event()
def client():
    go.wait()
    c = socket.create_connection(("127.0.0.1", 80), timeout=5)
    print("served:", c.recv(100).decode(), flush=True)
    done.wait()
t = threading.Thread(target=client)
t.start()
select.select([], [], [], 0)
go.set()
a, _ = s.accept()
a.sendall(b"hello")
a.close()
for tid in sorted(os.listdir("/proc/self/task")):
    st = dict(l.split(":", 1) for l in open("/proc/self/task/%s/status" % tid).read().splitlines())
    print("thread: Uid=%s CapEff=%s Seccomp=%s NoNewPrivs=%s" % (" ".join(st["Uid"].split()),
          st["CapEff"].strip(), st["Seccomp"].strip(), st["NoNewPrivs"].strip()), flush=True)
done.set()
t.join()
X
chmod 644 "$T/serve.py"
run env LISTEN_PID=4242 LISTEN_FDS=0 "$LH" "$lpol" "$PY" "$T/serve.py"
is "$rc:$(line self):$(line ppid):$(line listen):$(line ifaces):$(line served)" "0:2:1:2:lo:hello" \
	"late pid+net: runs as pid 2 under the init, LISTEN_PID 2, only lo, binds port 80, triggers and serves"
threads=$(printf '%s\n' "$out" | sed -n 's/^thread: //p')
is "$(printf '%s\n' "$threads" | sort -u | tr '\n' ' ')|$(printf '%s\n' "$threads" | wc -l)" "$HARD |2" \
	"late pid+net: both threads hardened after the trigger (uid, no capabilities, Seccomp 2, no_new_privs)"
unlike "$err" "deadline" "late pid+net: the init is not taken for an unhardened process of the service"

# A child that never reaches its trigger is killed at the deadline, from outside.
cat >"$T/never.py" <<'X'
import os, select, socket, sys, time
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
s = socket.socket()
s.bind(("127.0.0.1", 80))
s.listen(8)
select.select([], [], [], 0)
os.waitpid(pid, 0)
X
chmod 644 "$T/never.py"
start=$(date +%s)
run "$LH" "$lpol" "$PY" "$T/never.py"
took=$(($(date +%s) - start))
is "$rc" 137 "late pid+net: a child that never triggers is killed at the deadline; the status is not 0 (137)"
like "$err" "harden-exec: deadline: pid [0-9]+ \(python3\) did not reach its hardened state within 2000ms \(Seccomp 0 " \
	"late pid+net: the deadline names the child"
ok_time=$([ "$took" -lt 15 ] && echo yes)
is "$ok_time" yes "late pid+net: ended soon after the deadline (${took}s)"

# The shim walks the tree from the init (pid 1 in the handoff) in the
# namespace's /proc: a clone(CLONE_VM) helper made before the trigger is found.
run "$LH" "$lpol" "$BUILD/tests/latetree" clonevm 8080
is "$rc:$(line helper)" "125:3" "late pid+net: a process sharing the service's memory fails the late stage (125)"
like "$err" "late stage: pid 3 shares this process's memory without being one of its threads" \
	"late pid+net: the shim names the helper by its pid inside"
unlike "$out" "after:" "late pid+net: the service never runs past its trigger"

# SIGTERM, then SIGKILL, to harden-exec: nothing of the namespace is left.
cat >"$T/forever.py" <<'X'
import os, select, socket, sys, threading, time
s = socket.socket()
s.bind(("127.0.0.1", 80))
s.listen(8)
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
select.select([], [], [], 0)
time.sleep(60)
X
chmod 644 "$T/forever.py"
for sig in TERM KILL; do
	rm -f "$T/fe.pid"
	"$LH" "$lpol" "$PY" "$T/forever.py" "$T/fe.pid" 2>/dev/null &
	hp=$!
	waitfile "$T/fe.pid"
	init=$(kids "$hp")
	svc=$(kids "$init")
	for _ in $(seq 100); do
		[ "$(awk '$1 == "Seccomp:" {print $2}' "/proc/$svc/status" 2>/dev/null)" = 2 ] && break
		sleep 0.05
	done
	pids="$init $svc $(kids "$svc")"
	if [ "$sig" = TERM ]; then
		is "$(cat "$T/fe.pid"):$(hardened "$svc" | sort -u):$(hardened "$svc" | wc -l)" "2:$HARD:2" \
			"late pid+net: seen from outside, every thread of the service (pid 2 inside) is hardened"
		run "$LH" verify "$lpol" "$svc"
		is "$rc" 0 "late pid+net: verify POLICY PID holds for the service ($out$err)"
		sleep 2.5 # past the deadline: the init is not taken for the service's
		is "$(alive "$init" "$svc")" 2 "late pid+net: past the deadline, the hardened service and the init still run"
	fi
	kill -"$sig" "$hp"
	wait "$hp"
	st=$?
	for _ in $(seq 50); do [ "$(alive $pids)" = 0 ] && break; sleep 0.05; done
	# shellcheck disable=SC2086
	is "$st:$(alive $pids)" "$([ $sig = TERM ] && echo 143 || echo 137):0" \
		"late pid+net: SIG$sig to harden-exec: its status, and no process of the namespace left"
done

# python3 -m http.server, apply = listen, in pid and network namespaces.
hpol=$(policy latehttp <<'X'
[namespaces]
pid = yes
net = yes
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = listen
X
)
mkdir "$T/www" && echo "served by pid 2" >"$T/www/hello.txt" && chmod 644 "$T/www/hello.txt"
"$LH" "$hpol" "$PY" -m http.server --bind 127.0.0.1 --directory "$T/www" 8000 >/dev/null 2>"$T/http.err" &
hp=$!
for _ in $(seq 100); do
	init=$(kids "$hp")
	svc=$([ -n "$init" ] && kids "$init")
	[ -n "$svc" ] && [ "$(awk '$1 == "Seccomp:" {print $2}' "/proc/$svc/status" 2>/dev/null)" = 2 ] && break
	sleep 0.05
done
got=$(timeout 20 nsenter -t "$svc" -n "$PY" -c 'import urllib.request as u, time
for _ in range(100):
    try:
        print(u.urlopen("http://127.0.0.1:8000/hello.txt", timeout=5).read().decode(), end=""); break
    except OSError: time.sleep(0.05)' 2>&1)
is "$got|$(hardened "$svc" | sort -u)" "served by pid 2|$HARD" \
	"late pid+net: python3 -m http.server (apply = listen) serves in its namespaces, hardened"
kill -TERM "$hp"
wait "$hp"
is "$?:$(alive "$init" "$svc")" "143:0" "late pid+net: http.server stopped by SIGTERM, nothing left"

# ---- sd_notify across a new network namespace ----
# The relay's abstract socket is bound in the service's network namespace
# and handed to the supervisor, which sends on from its own pid (the main
# pid); MAINPID= lines are dropped, so the supervisor stays the main pid.
cat >"$T/fakesd.py" <<'X'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.settimeout(20)
open(sys.argv[1] + ".up", "w").close()
for _ in range(2):
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = [struct.unpack("iII", d)[0] for lvl, t, d in anc if t == socket.SCM_CREDENTIALS][0]
    print("notify:", msg.decode().replace("\n", "|"), "from", pid, flush=True)
X
cat >"$T/notifier.py" <<'X'
import os, socket
a = os.environ["NOTIFY_SOCKET"]
print("service-socket:", a)
print("pid:", os.getpid())
print("ifaces:", " ".join(n for _, n in socket.if_nameindex()))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
to = "\0" + a[1:] if a[0] == "@" else a
s.sendto(b"MAINPID=%d" % os.getpid(), to)
s.sendto(b"READY=1\nMAINPID=%d\nSTATUS=up" % os.getpid(), to)
s.sendto(b"STATUS=done", to)
X
chmod 644 "$T/fakesd.py" "$T/notifier.py"
npol=$(policy notifyns <<'X'
[namespaces]
pid = yes
net = yes
X
)
for p in "$npol" "$lpol"; do
	what=exec
	[ "$p" = "$lpol" ] && what=late
	rm -f "$T/notify.sock" "$T/notify.sock.up"
	"$PY" "$T/fakesd.py" "$T/notify.sock" >"$T/fakesd.out" 2>&1 &
	fsd=$!
	waitfile "$T/notify.sock.up" || true
	out=$(NOTIFY_SOCKET=$T/notify.sock timeout 20 sh -c 'echo "sup: $$"; exec "$@"' _ "$LH" "$p" "$PY" "$T/notifier.py" 2>&1 </dev/null)
	wait "$fsd"
	sup=$(line sup)
	is "$(line pid):$(line ifaces):$(line service-socket)" "2:lo:@harden-exec/notify/$sup" \
		"notify, $what, pid+net: the service (pid 2, only lo) gets the supervisor's relay socket"
	is "$(tr '\n' ' ' <"$T/fakesd.out")" "notify: READY=1|STATUS=up from $sup notify: STATUS=done from $sup " \
		"notify, $what, pid+net: READY=1 crosses the network namespace and reaches the manager from the main pid, MAINPID= dropped"
done

is "$(ours)" "$mounts_before" "nothing left in the host's mountinfo"
