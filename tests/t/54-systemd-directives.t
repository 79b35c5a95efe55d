#!/usr/bin/env bash
# A real service (python3 -m http.server) under the [namespaces] and
# [filesystem] keys that stand for systemd's ProtectSystem=strict,
# ReadWritePaths=, ProtectHome=, InaccessiblePaths=, PrivateTmp=,
# PrivateDevices=, PrivateNetwork=, ProtectKernelTunables= and
# NoExecPaths=/ExecPaths= (docs/systemd.md): each directive's effect is
# asserted from inside, next to the running server, and from outside.
. "$(dirname "$0")/../lib.sh"
need_root
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs /usr/bin/python3"; exit 0; }

mkdir -p "$T/state/secret"
echo "hello from the jail" >"$T/state/index.html"
echo hidden >"$T/state/secret/file"
home=""
for d in /home /root /run/user; do [ -d "$d" ] && home="$home $d"; done
port=$((20000 + $$ % 20000))

# The service: http.server, and beside it, in the same namespaces, the
# checks (the shell reads the script; only /usr may execute).
cat >"$T/state/run.sh" <<X
$PY -m http.server -b 127.0.0.1 $port -d /tmp/state >/dev/null 2>&1 &
srv=\$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	$PY -c 'import socket; socket.create_connection(("127.0.0.1", $port), 1)' 2>/dev/null && break
	sleep 0.2
done
echo "served: \$($PY -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:$port/index.html").read().decode().strip())')"
echo "ifaces: \$($PY -c 'import socket; print(" ".join(sorted(n for _, n in socket.if_nameindex())))')"
touch /etc/harden-strict 2>/dev/null && echo "etc: written" || echo "etc: refused"
touch /usr/harden-strict 2>/dev/null && echo "usr: written" || echo "usr: refused"
touch /tmp/state/written && echo "state: written" || echo "state: refused"
echo "home: \$(for d in$home; do ls -A \$d; done | wc -l)"
cat /tmp/state/secret/file 2>/dev/null && echo "secret: read" || echo "secret: refused"
echo "tmp: \$(ls -A /tmp | tr '\n' ' ')"
echo x >/tmp/harden-private-$$ && echo "tmpfile: written"
echo "dev: \$(ls /dev | tr '\n' ' ')"
hostname >/proc/sys/kernel/hostname 2>/dev/null && echo "sysctl: written" || echo "sysctl: refused"
cp /usr/bin/true /tmp/state/true && (/tmp/state/true 2>/dev/null && echo "noexec: ran" || echo "noexec: refused")
/usr/bin/true && echo "exec: ran"
touch /tmp/state/ready
sleep 2
kill \$srv
wait \$srv 2>/dev/null
echo done
X
chmod 644 "$T/state/run.sh"
p=$(policy systemd <<X
[namespaces]
; PrivateNetwork=yes
net = yes
; and a host name of its own, so that no write can reach the host's
uts = yes
[filesystem]
; ProtectSystem=strict
read_only = /
; ReadWritePaths=/tmp/state (the state folder, bound in the private /tmp)
bind_rw = $T/state:/tmp/state
read_write = /tmp/state
; ProtectHome=yes
inaccessible =$home
; InaccessiblePaths=/tmp/state/secret
	/tmp/state/secret
; PrivateTmp=yes
private_tmp = yes
; PrivateDevices=yes
private_dev = yes
; ProtectKernelTunables=yes
protect_kernel = yes
; NoExecPaths=/ ExecPaths=/usr
noexec = /
exec = /usr
X
)
"$H" "$p" /bin/sh /tmp/state/run.sh >"$T/out" 2>"$T/err" &
svc=$!
on_exit "kill $svc"
for _ in $(seq 100); do [ -e "$T/state/ready" ] && break; sleep 0.1; done
# PrivateNetwork from outside: the server listens, but not on our loopback.
if "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
	fail "PrivateNetwork: the server's port is not reachable from the host"
else
	pass "PrivateNetwork: the server's port is not reachable from the host"
fi
wait $svc
rc=$?
out=$(cat "$T/out")
is "$rc" 0 "http.server under the systemd-like policy: runs"
is "$(line served)" "hello from the jail" "the service serves its files"
is "$(line ifaces)" "lo" "PrivateNetwork: only lo inside"
is "$(line etc)" "refused" "ProtectSystem=strict: /etc is read-only"
is "$(line usr)" "refused" "ProtectSystem=strict: /usr is read-only"
is "$(line state)" "written" "ReadWritePaths: the state folder is writable"
if [ -e "$T/state/written" ]; then pass "ReadWritePaths: the write reached the host"; else fail "ReadWritePaths: the write reached the host"; fi
is "$(line home)" "0" "ProtectHome: home folders are empty"
is "$(line secret)" "refused" "InaccessiblePaths: the secret cannot be read"
is "$(line tmp)" "state " "PrivateTmp: /tmp holds only what the policy put there"
is "$(line tmpfile)" "written" "PrivateTmp: /tmp is writable"
if [ -e "/tmp/harden-private-$$" ]; then fail "PrivateTmp: absent on the host"; rm -f "/tmp/harden-private-$$"; else pass "PrivateTmp: absent on the host"; fi
is "$(line dev)" "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "PrivateDevices: /dev holds only its list"
is "$(line sysctl)" "refused" "ProtectKernelTunables: /proc/sys is read-only"
is "$(line noexec)" "refused" "NoExecPaths=/: a copied binary does not run"
is "$(line exec)" "ran" "ExecPaths=/usr: /usr/bin/true runs"
like "$out" "^done$" "the service ended cleanly"
if [ -e /etc/harden-strict ] || [ -e /usr/harden-strict ]; then fail "nothing written to the host's /etc or /usr"; rm -f /etc/harden-strict /usr/harden-strict; else pass "nothing written to the host's /etc or /usr"; fi
is "$(ps -eo pid=,args= | awk -v t="$T" 'index($0, t) && !/awk/' | wc -l)" 0 "no process left"
if grep -q "$T" /proc/self/mountinfo; then fail "nothing left in the host's mountinfo"; else pass "nothing left in the host's mountinfo"; fi
