#!/usr/bin/env bash
# The shipped examples that reproduce the background documents' own: the
# process manager's web service (conf/examples/managed-web.ini) and its
# "isolate untrusted workloads" (untrusted.ini), and the sandbox tool's
# layering (sandbox.ini) started by a caller who is not root. Each runs
# as shipped, and every value it sets is read back from the live kernel;
# every bomb is bounded by the example's own limit and a timeout.
. "$(dirname "$0")/../lib.sh"
need_root
command -v setpriv >/dev/null || { echo "1..0 # SKIP needs setpriv"; exit 0; }

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
# Copies nobody can read, with what the tests add in files of their own.
EX=$T/ex
mkdir -m 0755 "$EX"
cp "$TOP"/conf/examples/{managed-web,untrusted,sandbox}.ini "$EX/"
chmod 0644 "$EX"/*.ini
W=$T/w # where the services, whoever they run as, leave what they saw
mkdir -m 1777 "$W"

for f in managed-web untrusted sandbox; do
	run "$H" check "$EX/$f.ini"
	is "$rc" 0 "check $f.ini"
done

# The mount point of controller $1's v1 hierarchy, "" when none.
mnt() {
	awk -v c="$1" '{ for (i = 1; $i != "-"; i++); if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}
# group CGROUP-FILE CONTROLLER: the folder of the group that a copy of
# /proc/PID/cgroup names for that v1 controller.
group() {
	local p
	p=$(awk -F: -v c="$2" '{ n = split($2, o, ","); for (j = 1; j <= n; j++) if (o[j] == c) print $3 }' "$1")
	echo "$(mnt "$2")${p%/}"
}
# left PID: groups named after harden-exec's pid still there (none expected).
left() {
	local m
	for m in "$(mnt memory)" "$(mnt cpu)" "$(mnt pids)"; do
		[ -n "$m" ] && find "$m" -maxdepth 6 -type d -name "harden-exec.$1" 2>/dev/null
	done | sort -u
}
# start POLICY CMD...: harden-exec in the background until the service
# writes $W/ready. Sets $hx, harden-exec's pid (the supervisor).
start() {
	rm -f "$W/ready"
	"$H" "$@" 2>"$T/bg.err" </dev/null &
	hx=$!
	on_exit "kill -9 $hx"
	for _ in $(seq 250); do [ -s "$W/ready" ] && break; sleep 0.02; done
}
stop() { # DESC: SIGTERM to the supervisor; its status and no group left
	kill -TERM "$hx"
	wait "$hx"
	is "$?" 143 "$1: SIGTERM forwarded, status 128 + 15"
	is "$(left "$hx")" "" "$1: no group left behind"
}
cgroups=yes
[ -n "$(mnt memory)" ] && [ -n "$(mnt cpu)" ] || cgroups=

# ---- the process manager's web service: managed-web.ini ----
if ! getent passwd www-data >/dev/null; then
	skip "no user www-data on this host" "managed-web.ini"
elif [ -z "$cgroups" ]; then
	skip "needs the v1 memory and cpu hierarchies" "managed-web.ini"
else
	# Its limits are the document's (nofile 65536, nproc 1024, memlock
	# 100M). Where this host's hard limits are lower and harden-exec lacks
	# CAP_SYS_RESOURCE to raise them (a container, this CI), the example
	# is refused as shipped, and runs with each limit lowered to the cap.
	mw=$EX/managed-web.ini nofile=65536 nproc=1024 memlock=104857600
	if [ $((0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24 & 1)) = 0 ]; then
		hn=$(ulimit -Hn) hu=$(ulimit -Hu) hl=$(ulimit -Hl)
		[ "$hn" != unlimited ] && [ "$hn" -lt $nofile ] && nofile=$hn
		[ "$hu" != unlimited ] && [ "$hu" -lt $nproc ] && nproc=$hu
		[ "$hl" != unlimited ] && [ $((hl * 1024)) -lt $memlock ] && memlock=$((hl * 1024))
	fi
	if [ "$nofile $nproc $memlock" != "65536 1024 104857600" ]; then
		rm -f "$W/ran"
		run "$H" "$mw" -- /bin/sh -c "echo >$W/ran"
		like "$rc: $err" "^125: harden-exec: .*managed-web.ini:[0-9]+: \[limits\] (nofile|nproc|memlock): the hard limit is [0-9]+ now; raising it needs CAP_SYS_RESOURCE$" \
			"managed-web as shipped, hard limits lower here and no CAP_SYS_RESOURCE: refused, exit 125"
		[ -e "$W/ran" ] && fail "managed-web as shipped: never ran" || pass "managed-web as shipped: never ran"
		diag "this host caps nofile/nproc/memlock at $nofile/$nproc/$memlock: the run below uses those"
		sed -e "s/^nofile = .*/nofile = $nofile/" -e "s/^nproc = .*/nproc = $nproc/" \
			-e "s/^memlock = .*/memlock = $memlock/" "$mw" >"$EX/managed-web-here.ini"
		chmod 0644 "$EX/managed-web-here.ini"
		mw=$EX/managed-web-here.ini
	fi
	start "$mw" -- /bin/sh -c "echo \$\$ >$W/ready; exec sleep 30"
	svc=$(cat "$W/ready")
	out=$(cat "/proc/$svc/status")
	cat "/proc/$svc/cgroup" >"$T/cg"
	u=$(id -u www-data) g=$(id -g www-data)
	is "$(field Uid)" "$u $u $u $u" "managed-web: user www-data (uid $u, all four)"
	is "$(field Gid)" "$g $g $g $g" "managed-web: its group (gid $g, all four)"
	is "$(field Groups)" "" "managed-web: no supplementary group"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		is "$(field $c)" 0000000000000400 "managed-web: $c is CAP_NET_BIND_SERVICE only"
	done
	is "$(field NoNewPrivs) $(field Seccomp)" "1 2" "managed-web: no_new_privs and the baseline's filter"
	lim() { awk -v k="$1" 'index($0, k) == 1 { print $(NF - 2), $(NF - 1) }' "/proc/$svc/limits"; }
	is "$(lim "Max open files")" "$nofile $nofile" "managed-web: nofile $nofile"
	is "$(lim "Max processes")" "$nproc $nproc" "managed-web: nproc $nproc"
	is "$(lim "Max locked memory")" "$memlock $memlock" "managed-web: memlock $memlock"
	is "$(lim "Max core file size")" "0 0" "managed-web: core 0 (the baseline)"
	is "$(cat "$(group "$T/cg" memory)/memory.limit_in_bytes")" 2147483648 \
		"managed-web: memory_max 2G, read from the service's own memory group"
	c=$(group "$T/cg" cpu)
	is "$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us")" "100000 50000" \
		"managed-web: cpu_max \"100000 50000\", read from its own cpu group"
	run "$H" verify "$mw" "$svc"
	is "$rc" 0 "managed-web: verify holds on the live service"
	stop "managed-web"
fi

# ---- isolate untrusted workloads: untrusted.ini ----
if [ -z "$cgroups" ]; then
	skip "needs the v1 memory hierarchy" "untrusted.ini"
else
	start "$EX/untrusted.ini" -- /bin/sh -c "cat /proc/self/status >$W/status
		readlink /proc/self/ns/net /proc/self/ns/pid >$W/ns
		tail -n +3 /proc/net/dev >$W/dev
		cat /proc/self/cgroup >$W/cg
		ls /proc >$W/proc
		echo \$\$ >$W/ready; exec sleep 30"
	out=$(cat "$W/status")
	is "$(field Uid)" "65534 65534 65534 65534" "untrusted: user nobody (uid 65534, all four)"
	is "$(field Gid)" "65534 65534 65534 65534" "untrusted: gid 65534 (all four)"
	is "$(field CapEff) $(field CapBnd) $(field NoNewPrivs) $(field Seccomp)" "0000000000000000 0000000000000000 1 2" \
		"untrusted: no capability, no_new_privs, the baseline's filter"
	is "$(cat "$W/ready")" 2 "untrusted: the service is pid 2 of its own pid namespace (an init is 1)"
	[ "$(sed -n 1p "$W/ns")" != "$(readlink /proc/$$/ns/net)" ] && pass "untrusted: a network namespace of its own" ||
		fail "untrusted: a network namespace of its own" "$(cat "$W/ns")"
	[ "$(sed -n 2p "$W/ns")" != "$(readlink /proc/$$/ns/pid)" ] && pass "untrusted: a pid namespace of its own" ||
		fail "untrusted: a pid namespace of its own" "$(cat "$W/ns")"
	is "$(awk -F: '{ gsub(/ /, "", $1); print $1 }' "$W/dev" | tr '\n' ' ')" "lo " "untrusted: only lo"
	is "$(grep -E '^[0-9]+$' "$W/proc" | sort -n | head -n 2 | tr '\n' ' ')" "1 2 " \
		"untrusted: /proc is the namespace's (its init and the service first)"
	unlike "$(grep -E '^[0-9]+$' "$W/proc" | tr '\n' ' ')" " $hx " "untrusted: the host's processes are not in it"
	m=$(group "$W/cg" memory)
	is "$(cat "$m/memory.limit_in_bytes")" 104857600 "untrusted: memory_max 100M, read from the group the service is in"
	if [ -e "$m/memory.memsw.limit_in_bytes" ]; then
		is "$(cat "$m/memory.memsw.limit_in_bytes")" 104857600 "untrusted: memory_swap_max 0 (memory and swap together: 100M)"
	else
		skip "no swap accounting on this host" "untrusted: memory_swap_max 0"
	fi
	# The service as the host sees it: the child of the namespace's init,
	# itself the supervisor's child.
	init=$(cat "/proc/$hx/task/$hx/children" 2>/dev/null | tr -d ' ')
	svc=$(cat "/proc/$init/task/$init/children" 2>/dev/null | tr -d ' ')
	is "$(group "/proc/$svc/cgroup" memory)" "$m" "untrusted: the host sees the service in that group"
	run "$H" verify "$EX/untrusted.ini" "$svc"
	is "$rc" 0 "untrusted: verify holds on the live service"
	stop "untrusted"
	# A memory hog: 256M at once in a 100M group.
	run "$H" -v "$EX/untrusted.ini" -- /bin/sh -c "echo \$PPID >$W/sup; exec dd if=/dev/zero of=/dev/null bs=256M count=1"
	is "$rc" 137 "untrusted: a memory hog is killed (128 + SIGKILL), not by the timeout"
	like "$err" "harden-exec: cgroup: the group saw: memory: [1-9][0-9]* OOM kills" "untrusted: ... by the OOM killer of its group"
fi

# ---- the sandbox tool's layering, by a caller who is not root: sandbox.ini ----
# A policy of the test's own includes the example and adds only the probe
# (bound into the new root, and executable under the rules); a control
# without the example's [landlock] section (its last) shows that the
# refusals below are Landlock's, not the files' modes.
sed '/^\[landlock\]/,$d' "$EX/sandbox.ini" >"$EX/sandbox-nolandlock.ini"
for base in sandbox sandbox-nolandlock; do
	cat >"$EX/$base-probe.ini" <<X
[policy]
include = $base.ini
[filesystem]
bind_ro += $PROBE:/opt/probe
X
	[ $base = sandbox ] && printf '[landlock]\nexec += /opt/probe\n' >>"$EX/$base-probe.ini"
done
chmod 0644 "$EX"/*.ini
if ! "${NOBODY[@]}" unshare --user true 2>/dev/null; then
	skip "this kernel refuses user namespaces to nobody" "sandbox.ini as nobody"
else
	# An allowed and a refused write, read and listing of each kind, in
	# the new root: /tmp (private, written under write = /tmp), /dev/shm
	# (1777, no rule), /etc/ld.so.cache (read) and /etc/passwd (0644, no
	# rule), / (no rule).
	cmds=(write /tmp/x 1 write /dev/shm/x 1 open /etc/ld.so.cache open /etc/passwd ls /)
	run "${NOBODY[@]}" "$H" "$EX/sandbox-probe.ini" /opt/probe status "${cmds[@]}"
	is "$rc" 0 "sandbox as nobody: runs"
	is "$(field Uid) $(field Gid)" "65534 65534 65534 65534 65534 65534 65534 65534" "sandbox: still nobody"
	is "$(field CapEff) $(field CapBnd)" "0000000000000000 0000000000000000" "sandbox: no capability, none to regain"
	is "$(field NoNewPrivs) $(field Seccomp)" "1 2" "sandbox: no_new_privs, a seccomp filter (Seccomp 2)"
	is "$(printf '%s\n' "$out" | sed -n 's/^\(write\|open\|ls\): //p' | sed 's/^ok.*/ok/' | tr '\n' ' ')" \
		"ok errno EACCES ok errno EACCES errno EACCES " \
		"sandbox: Landlock allows the private /tmp and the read rule, refuses /dev/shm, /etc/passwd and listing /"
	run "${NOBODY[@]}" "$H" "$EX/sandbox-nolandlock-probe.ini" /opt/probe "${cmds[@]}"
	is "$(printf '%s\n' "$out" | sed -n 's/^\(write\|open\|ls\): //p' | sed 's/^ok.*/ok/' | tr '\n' ' ')" \
		"ok ok ok ok ok " "sandbox control without [landlock]: all five allowed"
	# The namespaces: seen through the sandbox's own /bin/sh (under
	# exec = /usr/bin).
	run "${NOBODY[@]}" "$H" "$EX/sandbox.ini" /bin/sh -c \
		'readlink /proc/self/ns/user /proc/self/ns/net /proc/self/ns/pid; cat /proc/self/uid_map; echo $$'
	is "$rc" 0 "sandbox: /bin/sh runs under the example as shipped"
	host="$(readlink /proc/$$/ns/user) $(readlink /proc/$$/ns/net) $(readlink /proc/$$/ns/pid)"
	got=$(printf '%s\n' "$out" | sed -n 1,3p | tr '\n' ' ')
	n=0
	for i in 1 2 3; do [ "$(echo "$got" | cut -d' ' -f$i)" != "$(echo "$host" | cut -d' ' -f$i)" ] && n=$((n + 1)); done
	is "$n" 3 "sandbox: user, net and pid namespaces of its own ($got)"
	is "$(printf '%s\n' "$out" | sed -n 4p | tr -s ' ' | sed 's/^ //')" "65534 65534 1" "sandbox: the caller's uid maps to itself"
	is "$(printf '%s\n' "$out" | sed -n 5p)" 2 "sandbox: pid 2 of its namespace"
	# Seccomp: keyctl (in @keyring, denied) kills; getpid next to it runs.
	run "${NOBODY[@]}" "$H" "$EX/sandbox-probe.ini" /opt/probe sys 39 sys 250
	is "$(line sys)" "ok 2" "sandbox: an allowed call (getpid) answers"
	is "$rc" 159 "sandbox: a refused call (keyctl) kills the service with SIGSYS (128 + 31)"
fi
