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

is "$(ours)" "$mounts_before" "nothing left in the host's mountinfo"
