#!/usr/bin/env bash
# Namespaces ([namespaces]): each one observed in the live kernel from
# inside the service (/proc/self/ns/*, the interfaces and their flags, a
# port on the host's loopback, the hostname, the uid map), as root and
# as an unprivileged user; a kernel that refuses a user namespace stops
# the service; nothing is left behind.
. "$(dirname "$0")/../lib.sh"
need_root

# Copies the unprivileged user can reach.
cp "$H" "$T/harden-exec" && cp "$PROBE" "$T/probe"
H=$T/harden-exec PROBE=$T/probe
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
PY=/usr/bin/python3
# Other work on this machine may mount elsewhere: compare what concerns
# us, the root, /tmp (where a new root is staged) and this test's folder.
ours() { awk -v t="$T" '$5 == "/" || $5 == "/tmp" || index($5, t) == 1 { print $5, $6 }' /proc/self/mountinfo; }
mounts_before=$(ours)
listener=
leftovers() { # DESC: no mount and no process of this test remain
	is "$(ours)" "$mounts_before" "$1: nothing left in the host's mountinfo"
	is "$(ps -eo pid=,args= | awk -v t="$T" -v l="$listener" 'index($0, t) && !/awk/ && $1 != l' | wc -l)" 0 \
		"$1: no process left"
}

# What the service sees: interfaces, lo's flags, a connection to the
# host's port, its namespaces, hostname and uid map.
cat >"$T/look.py" <<'X'
import fcntl, os, socket, struct, sys
names = sorted(n for _, n in socket.if_nameindex())
print("ifaces:", " ".join(names))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flags = struct.unpack("16sH", fcntl.ioctl(s, 0x8913, struct.pack("16sH", b"lo", 0)))[1]
print("lo:", "UP" if flags & 1 else "DOWN")
c = socket.socket()
c.settimeout(2)
try:
    c.connect(("127.0.0.1", int(sys.argv[1])))
    print("connect: ok")
except OSError as e:
    print("connect:", type(e).__name__)
for ns in ("net", "ipc", "uts", "mnt", "cgroup", "user"):
    print(ns + ":", os.readlink("/proc/self/ns/" + ns))
print("hostname:", os.uname().nodename)
print("uid_map:", " ".join(open("/proc/self/uid_map").read().split()))
print("gid_map:", " ".join(open("/proc/self/gid_map").read().split()))
print("uid:", os.getuid(), os.getgid())
X
chmod 644 "$T/look.py"

# A port listening on the host's 127.0.0.1.
"$PY" -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open("'"$T"'/port", "w").write(str(s.getsockname()[1])); time.sleep(120)' &
listener=$!
on_exit "kill $listener"
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")

run "$PY" "$T/look.py" "$port"
host=$out
host_line() { printf '%s\n' "$host" | sed -n "s/^$1: //p"; }
is "$(host_line connect)" ok "control: the host's port answers outside"

# ---- net, ipc, uts + hostname, cgroup, as root ----
p=$(policy ns <<'X'
[namespaces]
net = yes
ipc = yes
uts = yes
hostname = jail1
cgroup = yes
X
)
run "$H" -v "$p" "$PY" "$T/look.py" "$port"
is "$rc" 0 "net ipc uts cgroup: runs"
is "$(line ifaces)" "lo" "net: only lo exists"
is "$(line lo)" "UP" "net: lo is up"
is "$(line connect)" "ConnectionRefusedError" "net: no route to the port on the host's 127.0.0.1"
for ns in net ipc uts cgroup; do
	got=$(line $ns)
	if [ -n "$got" ] && [ "$got" != "$(host_line $ns)" ]; then pass "$ns: a new namespace ($got)"; else fail "$ns: a new namespace" "got $got, host $(host_line $ns)"; fi
done
is "$(line mnt)" "$(host_line mnt)" "mount: not asked, not changed"
is "$(line user)" "$(host_line user)" "user: not asked, not changed"
is "$(line hostname)" "jail1" "hostname inside"
is "$(uname -n)" "$(host_line hostname)" "hostname outside unchanged"
like "$err" "namespaces: net ipc uts cgroup, lo up" "the step is logged"
leftovers "namespaces as root"

# cgroup: the service's own cgroup is the root of its view.
run "$H" "$p" cat /proc/self/cgroup
like "$out" "^0::/$" "cgroup: the service sees its cgroup as /"

# ---- user namespace with a wider map, as root ----
mkdir "$T/owned" && chmod 0777 "$T/owned"
p=$(policy userns <<'X'
[namespaces]
user = yes
uid_map = 0 200000 1000
gid_map = 0 200000 1000
[identity]
user = 0
group = 0
X
)
run "$H" "$p" "$PY" "$T/look.py" "$port"
is "$rc" 0 "user with a map: runs"
is "$(line uid_map)" "0 200000 1000" "uid_map as written"
is "$(line gid_map)" "0 200000 1000" "gid_map as written"
is "$(line uid)" "0 0" "root inside"
run "$H" "$p" touch "$T/owned/f"
is "$(stat -c %u:%g "$T/owned/f")" "200000:200000" "root inside is uid 200000 outside"
leftovers "user namespace as root"

# ---- rootless: nobody with user, net, mount, ipc, uts and a tmpfs root ----
p=$(policy rootless <<X
[namespaces]
user = yes
net = yes
ipc = yes
uts = yes
hostname = rootless
[filesystem]
root = tmpfs
bind_ro = /usr /lib /lib64 /bin /etc /proc
	$T/look.py:/look.py
X
)
if "${NOBODY[@]}" unshare --user true 2>/dev/null; then
	run "${NOBODY[@]}" "$H" "$p" "$PY" /look.py "$port"
	is "$rc" 0 "rootless: runs" "$err"
	is "$(line ifaces)" "lo" "rootless: only lo"
	is "$(line lo)" "UP" "rootless: lo up"
	is "$(line connect)" "ConnectionRefusedError" "rootless: the host's port is out of reach"
	is "$(line hostname)" "rootless" "rootless: hostname"
	is "$(line uid_map)" "65534 65534 1" "rootless: the caller's uid maps to itself"
	is "$(line uid)" "65534 65534" "rootless: still nobody inside"
	for ns in user mnt net ipc uts; do
		got=$(line $ns)
		if [ -n "$got" ] && [ "$got" != "$(host_line $ns)" ]; then pass "rootless: new $ns namespace"; else fail "rootless: new $ns namespace"; fi
	done
	run "${NOBODY[@]}" "$H" "$p" /bin/ls /
	is "$(echo $out)" "bin etc lib lib64 look.py proc usr" "rootless: the tmpfs root holds only the bind set"
	p0=$(policy rootless0 <<'X'
[namespaces]
user = yes
uid_map = 0 65534 1
gid_map = 0 65534 1
X
)
	run "${NOBODY[@]}" "$H" "$p0" "$PY" "$T/look.py" "$port"
	is "$(line uid)" "0 0" "rootless: uid_map = 0 65534 1 makes the caller root inside"
	leftovers "rootless"
else
	skip "this kernel refuses user namespaces to nobody" "rootless runs"
fi

# ---- plan-time errors that depend on who calls ----
chmod 1777 "$T"
check() { # DESC REGEX POLICY [RUNNER...]
	local desc=$1 re=$2 pol=$3
	shift 3
	rm -f "$T/ran"
	run "$@" "$H" "$pol" -- "$PROBE" write "$T/ran" 1
	is "$rc" 125 "$desc: exit 125"
	like "$err" "$re" "$desc: message"
	if [ -e "$T/ran" ]; then fail "$desc: command never ran"; else pass "$desc: command never ran"; fi
}
p=$(policy tmpfs-nouser <<'X'
[filesystem]
root = tmpfs
X
)
check "root = tmpfs as nobody without user" \
	"tmpfs-nouser.ini:2: \[filesystem\] root: needs a mount namespace, which this caller may not create without CAP_SYS_ADMIN \(hint: set \[namespaces\] user = yes\)" "$p" "${NOBODY[@]}"
p=$(policy net-nouser <<'X'
[namespaces]
net = yes
X
)
check "net as nobody without user" "net-nouser.ini:2: \[namespaces\] net = yes: this caller may not create the namespace without CAP_SYS_ADMIN" "$p" "${NOBODY[@]}"
p=$(policy map-other <<'X'
[namespaces]
user = yes
uid_map = 0 1000 1
X
)
check "nobody mapping another uid" "map-other.ini:3: \[namespaces\] uid_map: without CAP_SETUID only the caller's own id may be mapped \(OUTSIDE 65534, COUNT 1\)" "$p" "${NOBODY[@]}"
p=$(policy unmapped <<'X'
[namespaces]
user = yes
[identity]
user = 65534
group = 65534
X
)
check "identity not in the map" "unmapped.ini:4: \[identity\] user: uid 65534 is not mapped by \[namespaces\] uid_map" "$p"

# ---- a kernel that refuses the user namespace: never a fallback ----
outer=$(policy outer <<'X'
[seccomp]
restrict_namespaces = yes
action = errno:EPERM
X
)
p=$(policy inner <<'X'
[namespaces]
user = yes
X
)
rm -f "$T/ran"
run "$H" "$outer" "$H" "$p" "$PROBE" write "$T/ran" 1
is "$rc" 125 "user namespace refused: exit 125"
like "$err" "^harden-exec: namespaces: .*inner.ini:2: \[namespaces\] user = yes: unshare\(CLONE_NEWUSER\) refused \(hint: .*user.max_user_namespaces.*\): Operation not permitted$" \
	"user namespace refused: step, key, hint and errno"
if [ -e "$T/ran" ]; then fail "user namespace refused: command never ran"; else pass "user namespace refused: command never ran"; fi
leftovers "refused"
if "${NOBODY[@]}" unshare --user true 2>/dev/null; then
	p=$(policy groups-denied <<'X'
[namespaces]
user = yes
[identity]
user = 65534
group = 65534
supplementary_groups = 65534
X
)
	check "supplementary groups where setgroups is denied" "groups-denied.ini:6: \[identity\] supplementary_groups: setgroups is denied in a user namespace made without CAP_SETGID" "$p" "${NOBODY[@]}"
else
	skip "this kernel refuses user namespaces to nobody" "supplementary groups where setgroups is denied"
fi

# ---- check and audit see the namespaces and the jail ----
plain=$(policy plain <<'X'
[exec]
umask = 0022
X
)
isolated=$(policy isolated <<'X'
[exec]
umask = 0022
[namespaces]
user = yes
net = yes
ipc = yes
uts = yes
[filesystem]
root = tmpfs
bind_ro = /usr /etc
read_only = /
X
)
run "$H" check "$isolated"
like "$out" "^ *[0-9]+ namespaces    user mount net ipc uts$" "check: the namespaces"
like "$out" "^ *[0-9]+ filesystem    jail root tmpfs; 2 mounts: /usr\(ro\) /etc\(ro\); 3 read-only, 0 no-exec, 0 hidden; pivot_root; chroot none; workdir " "check: the jail"
run "$H" check "$isolated" --json
like "$out" '"namespaces":"user mount net ipc uts","jail":"root tmpfs;' "check --json: namespaces and jail"
run "$H" audit "$plain"
s_plain=$(printf '%s\n' "$out" | sed -n 's/.*exposure \([0-9.]*\) of.*/\1/p')
run "$H" audit "$isolated"
s_iso=$(printf '%s\n' "$out" | sed -n 's/.*exposure \([0-9.]*\) of.*/\1/p')
like "$out" "filesystem +0.00 +10 +a new root \(tmpfs\), read-only" "audit: the new root is scored"
like "$out" "namespaces +0.33 +5 +mount net ipc uts|namespaces +0.33 +5 +user mount net ipc uts" "audit: the namespaces are scored"
if awk -v a="$s_iso" -v b="$s_plain" 'BEGIN { exit !(a < b) }'; then pass "audit: namespaces and a jail score better ($s_iso < $s_plain)"; else fail "audit: namespaces and a jail score better" "$s_iso vs $s_plain"; fi

# ---- verify compares a running service's namespaces with the policy ----
p=$(policy verify-ns <<'X'
[namespaces]
net = yes
uts = yes
X
)
"$H" "$p" sleep 5 &
svc=$!
sleep 0.5
sleep 5 &
plain=$!
run "$H" verify "$p" "$svc"
is "$rc:$out" "0:pid $svc holds $p" "verify: the service is in new net and uts namespaces"
run "$H" verify "$p" "$plain"
is "$rc" 1 "verify: a process in the host's namespaces does not hold the policy"
like "$out" "mismatch: the net namespace is this one's, policy: a new one" "verify: says which namespace"
kill "$svc" "$plain" 2>/dev/null
wait "$svc" "$plain" 2>/dev/null
leftovers "verify"
