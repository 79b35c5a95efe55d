#!/usr/bin/env bash
# Live: a real process under a policy, its state read from the kernel
# (/proc/self/status, getrlimit, fcntl, sigprocmask, getcwd, environ).
. "$(dirname "$0")/../lib.sh"
need_root

# ---- everything at once, as root dropping to nobody ----
full=$(policy full <<X
[exec]
env = clear
env_keep = KEEPME
env_set = SETME=1
	PATH=/usr/bin:/bin
umask = 0027
no_new_privs = yes
setsid = yes

[identity]
user = nobody
group = 65534
supplementary_groups = 65534 $(getent group daemon | cut -d: -f3)

[limits]
nofile = 100:200
core = 0
fsize = 1M
cpu = 30:1m
stack = 8M:16M
nproc = 50
memlock = 64K
as = unlimited
msgqueue = 8K
sigpending = 100
locks = 40
rttime = 500ms:2s
nice = 0
rtprio = 0
rss = 1G
data = 1G

[capabilities]
keep = CAP_NET_BIND_SERVICE

[seccomp]
allow = @system-service
action = errno:EPERM

[filesystem]
workdir = /tmp

[log]
format = json
target = $T/events.json
X
)
# Leaked on purpose: an inherited descriptor, LD_PRELOAD, an ignored and
# a blocked signal. None of it may reach the service.
out=$(KEEPME=k DROPME=d python3 - "$H" "$full" "$PROBE" 7</etc/hostname <<'PY' 2>"$T/err"
import os, signal, sys
os.environ["LD_PRELOAD"] = "/nonexistent.so"
os.environ["LD_LIBRARY_PATH"] = "/tmp"
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:] + ["status", "limits", "cwd", "fds", "env", "umask",
         "sigmask", "sigign", "pid", "sid"])
PY
)
rc=$?
err=$(cat "$T/err")
is "$rc" 0 "full policy: service ran"
unlike "$err" "harden-exec" "full policy: nothing from harden-exec on stderr (json events go to the target)"
is "$(field Uid)" "65534 65534 65534 65534" "Uid real/effective/saved/fs"
is "$(field Gid)" "65534 65534 65534 65534" "Gid real/effective/saved/fs"
is "$(field Groups | tr -s ' \t' ' ' | sed 's/ $//')" "$(getent group daemon | cut -d: -f3) 65534" "Groups = supplementary_groups"
for s in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(field $s)" "0000000000000400" "$s holds CAP_NET_BIND_SERVICE only"
done
is "$(field NoNewPrivs)" 1 "NoNewPrivs"
is "$(field Seccomp)" 2 "Seccomp mode filter"
is "$(field Seccomp_filters)" 1 "one filter"
lim() { printf '%s\n' "$out" | awk -v n="$1" '$1 == "limit" && $2 == n { print $3, $4 }'; }
is "$(lim nofile)" "100 200" "limit nofile"
is "$(lim core)" "0 0" "limit core"
is "$(lim fsize)" "1048576 1048576" "limit fsize (1M)"
is "$(lim cpu)" "30 60" "limit cpu (30:1m)"
is "$(lim stack)" "8388608 16777216" "limit stack"
is "$(lim nproc)" "50 50" "limit nproc"
is "$(lim memlock)" "65536 65536" "limit memlock"
is "$(lim as)" "unlimited unlimited" "limit as"
is "$(lim msgqueue)" "8192 8192" "limit msgqueue"
is "$(lim sigpending)" "100 100" "limit sigpending"
is "$(lim locks)" "40 40" "limit locks"
is "$(lim rttime)" "500000 2000000" "limit rttime (microseconds)"
is "$(lim nice)" "0 0" "limit nice"
is "$(lim rtprio)" "0 0" "limit rtprio"
is "$(lim rss)" "1073741824 1073741824" "limit rss"
is "$(lim data)" "1073741824 1073741824" "limit data"
is "$(line cwd)" "ok /tmp" "workdir"
is "$(line fds)" "ok 0 1 2" "inherited descriptor 7 closed"
is "$(printf '%s\n' "$out" | sed -n 's/^env //p' | sort | tr '\n' ' ')" \
	"HOME=/nonexistent KEEPME=k LOGNAME=nobody PATH=/usr/bin:/bin SETME=1 USER=nobody " \
	"environment: env_keep + env_set, and the new user's HOME, USER, LOGNAME"
is "$(line umask)" "ok 0027" "umask"
is "$(line sigmask)" "ok 0000000000000000" "blocked signal mask reset"
is "$(line sigign)" "ok 0000000000000000" "ignored signals reset to default"
pid=$(line pid | cut -d' ' -f2)
is "$(line sid)" "ok $pid" "setsid = yes: own session"
events=$(cat "$T/events.json" 2>/dev/null)
for step in sanitise rlimits filesystem identity capabilities no_new_privs seccomp; do
	like "$events" "\"event\":\"step\",\"step\":\"$step\"" "json event for step $step"
done
is "$(printf '%s\n' "$events" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]; print("valid")')" valid "events are valid JSON lines"

# ---- inherit keeps the caller's environment, less the loader's variables ----
inh=$(policy inh <<'X'
[exec]
env = inherit
env_keep = LD_BIND_NOW
X
)
out=$(FOO=bar LD_BIND_NOW=1 python3 -c '
import os, sys
os.environ["LD_PRELOAD"] = "/nonexistent.so"
os.environ["LD_AUDIT"] = "/nonexistent.so"
os.execv(sys.argv[1], sys.argv[1:])' "$H" "$inh" "$PROBE" env 2>&1)
like "$out" "^env FOO=bar$" "env = inherit passes the caller's variables"
unlike "$out" "^env LD_(PRELOAD|AUDIT)=" "env = inherit drops LD_PRELOAD and LD_AUDIT"
like "$out" "^env LD_BIND_NOW=1$" "an LD_ variable named in env_keep passes"

home=$(policy home <<'X'
[exec]
env = clear
env_set = HOME=/srv
[identity]
user = nobody
X
)
run "$H" "$home" "$PROBE" getenv HOME
is "$(line getenv)" "ok /srv" "env_set HOME wins over the new user's HOME"
grp=$(policy grp <<'X'
[identity]
group = nogroup
X
)
run setpriv --groups=0,1,2 -- "$H" "$grp" "$PROBE" status
is "$(field Groups)" "" "group alone also drops inherited supplementary groups"

# ---- no_new_privs = no, and include: both observed in the kernel ----
nnp=$(policy nnp <<'X'
[exec]
no_new_privs = no
X
)
run "$H" "$nnp" "$PROBE" status
is "$(field NoNewPrivs)" 0 "no_new_privs = no leaves NoNewPrivs 0"
run "$H" --baseline "$PROBE" status
is "$(field NoNewPrivs)" 1 "... and the default (baseline) sets it"
mkdir -p "$T/inc"
policy inc/part <<'X' >/dev/null
[limits]
nofile = 77
X
chmod 0755 "$T/inc"
incp=$(policy inc/main <<'X'
[policy]
include = part.ini
[limits]
core = 0
X
)
run "$H" "$incp" "$PROBE" limits
is "$(printf '%s\n' "$out" | awk '$2 == "nofile" { print $3, $4 }')" "77 77" "include: a relative include's limit applies"
is "$(printf '%s\n' "$out" | awk '$2 == "core" { print $3, $4 }')" "0 0" "include: the including file's own keys apply too"
over=$(policy over <<'X'
[policy]
include = baseline
[seccomp]
action = errno:EACCES
X
)
run "$H" "$over" "$PROBE" ptrace_me status
is "$(line ptrace_me)" "errno EACCES" "include = baseline: the baseline's deny-list with this file's action"
is "$(field CapEff)" 00000000000404c3 "include = baseline: root keeps the baseline's bound set"

# ---- socket activation and pass_fds ----
act=$(policy act <<'X'
[exec]
env = clear
pass_fds = 6
X
)
out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=2; exec "$@"' _ "$H" "$act" "$PROBE" fds env \
	3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null 2>&1)
is "$(line fds)" "ok 0 1 2 3 4 6" "LISTEN_FDS=2 keeps 3 and 4, pass_fds keeps 6, 5 and 7 closed"
like "$out" "^env LISTEN_FDS=2$" "LISTEN_FDS survives env = clear"
like "$out" "^env LISTEN_PID=[0-9]+$" "LISTEN_PID survives env = clear"
out=$(bash -c 'export LISTEN_PID=1 LISTEN_FDS=2; exec "$@"' _ "$H" "$act" "$PROBE" fds env \
	3</dev/null 4</dev/null 6</dev/null 2>&1)
is "$(line fds)" "ok 0 1 2 6" "LISTEN_FDS meant for another pid is not honoured"
out=$(bash -c 'exec "$@"' _ "$H" "$act" "$PROBE" cloexec 6 6</dev/null 2>&1)
is "$(line cloexec)" "ok no" "a passed descriptor is not close-on-exec"

# ---- chroot and workdir ----
mkdir -p "$T/jail/srv/www"
cp "$PROBE" "$T/jail/probe"
jail=$(policy jail <<X
[filesystem]
chroot = $T/jail
workdir = /srv/www
X
)
run "$H" "$jail" /probe cwd ls / ls /srv
is "$rc" 0 "chroot: service ran inside"
is "$(line cwd)" "ok /srv/www" "chroot: workdir inside the new root"
is "$(line ls)" "ok probe srv" "chroot: / is the jail"
run "$H" "$jail" "$PROBE" cwd
is "$rc" 127 "chroot: a host path is not found inside"

# ---- identity by name, groups = init ----
idp=$(policy idp <<'X'
[identity]
user = daemon
supplementary_groups = init
X
)
run "$H" "$idp" "$PROBE" status
want_uid=$(id -u daemon)
is "$(field Uid)" "$want_uid $want_uid $want_uid $want_uid" "user = daemon by name"
is "$(field Groups | xargs -n1 | sort -n | xargs)" "$(id -G daemon | xargs -n1 | sort -n | xargs)" "supplementary_groups = init: the user's groups"
is "$(field CapEff)" "0000000000000000" "a uid change without [capabilities] leaves no capability"

# ---- a non-root service keeping CAP_NET_BIND_SERVICE binds port 80 ----
# In a network namespace of the test's own, so no host port is touched.
if unshare --net true 2>/dev/null; then
	b80=$(policy b80 <<'X'
[identity]
user = nobody
[capabilities]
keep = CAP_NET_BIND_SERVICE
X
)
	nob=$(policy nob <<'X'
[identity]
user = nobody
[capabilities]
keep = none
X
)
	out=$(unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$b80" "$PROBE" bind 80 bind6 80 status 2>&1)
	is "$(line bind)" "ok" "nobody with CAP_NET_BIND_SERVICE binds 127.0.0.1:80"
	is "$(field Uid)" "65534 65534 65534 65534" "... while running as nobody"
	out=$(unshare --net sh -c 'ip link set lo up && exec "$@"' _ "$H" "$nob" "$PROBE" bind 80 2>&1)
	is "$(line bind)" "errno EACCES" "without the capability, binding port 80 is refused"
else
	skip "needs network namespaces" "bind port 80 as nobody"
	skip "needs network namespaces" "bind port 80 as nobody: uid"
	skip "needs network namespaces" "bind port 80 refused without the capability"
fi

# ---- die_with_parent: the service does not outlive its parent ----
dwp=$(policy dwp <<'X'
[exec]
die_with_parent = yes
X
)
( "$H" "$dwp" "$PROBE" pid sleep 30 >"$T/dwp.out" 2>&1 & wait ) 2>/dev/null &
parent=$!
for _ in $(seq 50); do grep -q '^pid: ok' "$T/dwp.out" 2>/dev/null && break; sleep 0.1; done
svc=$(sed -n 's/^pid: ok //p' "$T/dwp.out")
on_exit "kill -9 $svc"
if [ -n "$svc" ] && kill -0 "$svc" 2>/dev/null; then pass "die_with_parent: service running"; else fail "die_with_parent: service running"; fi
kill -9 "$parent"
gone=no
for _ in $(seq 50); do kill -0 "$svc" 2>/dev/null || { gone=yes; break; }; sleep 0.1; done
is "$gone" yes "die_with_parent: the service is killed when its parent dies"

# ---- leaving the terminal: TIOCSTI into the caller's terminal ----
# Needs a process without CAP_SYS_ADMIN (which may inject into any tty).
tty=$(policy tty <<'X'
[capabilities]
keep = none
X
)
tty_no=$(policy ttyno <<'X'
[exec]
setsid = no
[capabilities]
keep = none
X
)
if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ]; then
	# The injected byte echoes back in front of the probe's line.
	out=$(script -qec "$H $tty_no $PROBE tiocsti" /dev/null </dev/null 2>&1 | tr -d '\r' | sed 's/^x//')
	is "$(line tiocsti)" "ok" "setsid = no on a terminal: TIOCSTI works (the control)"
	out=$(script -qec "$H $tty $PROBE tiocsti sid pid" /dev/null </dev/null 2>&1 | tr -d '\r')
	is "$(line tiocsti)" "errno EPERM" "setsid = auto (default) on a terminal: TIOCSTI refused"
	out=$(script -qec "sh -c '$H $tty $PROBE tiocsti sid pid; true'" /dev/null </dev/null 2>&1 | tr -d '\r')
	is "$(line tiocsti)" "errno EPERM" "setsid = auto, not a group leader: TIOCSTI refused"
	is "$(line sid | cut -d' ' -f2)" "$(line pid | cut -d' ' -f2)" "... and the service leads its own session"
else
	for d in control auto auto2 auto3; do skip "dev.tty.legacy_tiocsti = 0 refuses TIOCSTI anyway" "TIOCSTI $d"; done
fi

# ---- the baseline as root ----
run "$H" --baseline "$PROBE" status limits
# CAP_CHOWN DAC_OVERRIDE SETGID SETUID NET_BIND_SERVICE SYS_CHROOT
for s in CapInh CapPrm CapEff CapBnd CapAmb; do
	is "$(field $s)" "00000000000404c3" "baseline: root's $s cut to the bound set"
done
is "$(field Uid)" "0 0 0 0" "baseline: the user is left as it is"

is "$(field NoNewPrivs)" 1 "baseline: NoNewPrivs"
is "$(field Seccomp)" 2 "baseline: Seccomp filter"
is "$(printf '%s\n' "$out" | awk '$2 == "core" { print $3, $4 }')" "0 0" "baseline: core dumps off"

# ---- [capabilities] bound: root keeps those listed; another user nothing ----
bnd=$(policy bnd <<'X'
[capabilities]
bound = CAP_SETUID CAP_SYS_CHROOT CAP_NET_RAW
X
)
run "$H" "$bnd" "$PROBE" status
is "$(field CapEff) $(field CapBnd) $(field CapAmb)" \
	"0000000000042080 0000000000042080 0000000000042080" "bound: root keeps exactly the list"
bndu=$(policy bndu <<X
[policy]
include = $(basename "$bnd")
[identity]
user = nobody
X
)
run "$H" "$bndu" "$PROBE" status
is "$(field Uid) | $(field CapPrm) $(field CapBnd) $(field CapAmb)" \
	"65534 65534 65534 65534 | 0000000000000000 0000000000000000 0000000000000000" \
	"bound: a service run as another user keeps nothing, not even in the bounding set"
bndc=$(policy bndc <<X
[policy]
include = $(basename "$bnd")
[filesystem]
chroot = /
X
)
run "$H" "$bndc" "$PROBE" status
is "$(field CapEff) $(field CapBnd)" "0000000000002080 0000000000002080" \
	"bound: never CAP_SYS_CHROOT with a chroot (root would leave it)"
bndk=$(policy bndk <<X
[policy]
include = $(basename "$bnd")
[capabilities]
keep = CAP_KILL
X
)
run "$H" "$bndk" "$PROBE" status
is "$(field CapEff) $(field CapBnd)" "0000000000000020 0000000000000020" "bound: keep, when given, wins"

# ---- [exec] stdin: a terminal (here a file) left as descriptor 0 is readable ----
printf 'typed by the operator\n' >"$T/typed"
sn=$(printf '[exec]\nstdin = null\n' | policy stdin-null)
got=$(timeout 10 "$H" "$sn" /bin/readlink /proc/self/fd/0 <"$T/typed" 2>&1)
is "$got" /dev/null "stdin = null: descriptor 0 is /dev/null"
got=$(timeout 10 "$H" "$sn" /bin/cat <"$T/typed" 2>&1)
is "$got" "" "stdin = null: nothing the caller's descriptor 0 holds can be read"
si=$(printf '[exec]\nstdin = inherit\n' | policy stdin-inherit)
got=$(timeout 10 "$H" "$si" /bin/cat <"$T/typed" 2>&1)
is "$got" "typed by the operator" "control: stdin = inherit reads the caller's descriptor 0"

