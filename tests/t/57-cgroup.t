#!/usr/bin/env bash
# [cgroup] live: the limits read from the service's own live groups, the
# bombs they stop (memory, fork, CPU), the supervisor's exit report, the
# kill of what is left (cgroup.kill on v2, the v1 freezer) and no group
# left behind. Every group is made beneath this test's own groups and
# removed by harden-exec; every bomb is bounded by its limit and a timeout.
. "$(dirname "$0")/../lib.sh"
need_root

# The mount point of controller $1's v1 hierarchy, "" when none.
mnt() {
	awk -v c="$1" '{ for (i = 1; $i != "-"; i++); if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
		/proc/self/mountinfo
}
V2=$(awk '{ for (i = 1; $i != "-"; i++); if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
MEM=$(mnt memory) CPU=$(mnt cpu) ACCT=$(mnt cpuacct) PIDS=$(mnt pids) FRZ=$(mnt freezer)

# grp PID CONTROLLER: the folder of the process's group (v2 for "").
grp() {
	local p
	if [ -z "$2" ]; then
		p=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
		echo "$V2${p%/}"
		return
	fi
	p=$(awk -F: -v c="$2" '{ n = split($2, o, ","); for (j = 1; j <= n; j++) if (o[j] == c) print $3 }' "/proc/$1/cgroup")
	echo "$(mnt "$2")${p%/}"
}

# left NAME: the folders named NAME in every hierarchy (none expected).
left() {
	local m
	for m in "$MEM" "$CPU" "$ACCT" "$PIDS" "$FRZ" "$V2"; do
		[ -n "$m" ] && find "$m" -maxdepth 5 -type d -name "$1" 2>/dev/null
	done | sort -u
}

if [ -z "$MEM" ] || [ -z "$CPU" ] || [ -z "$PIDS" ]; then
	echo "1..0 # SKIP needs the v1 memory, cpu and pids hierarchies (this host: memory='$MEM' cpu='$CPU' pids='$PIDS'); the v2 backend is tested where they are on v1 too"
	trap - EXIT
	rm -rf "$T"
	exit 0
fi

W=$T/w # reachable and writable by the service's users
mkdir -m 1777 "$W"

# start POLICY CMD...: harden-exec in the background; the service writes
# its pid to $W/svc. Sets $hx (harden-exec's supervisor) and $svc.
start() {
	rm -f "$W/svc"
	"$H" -v "$@" 2>"$T/bg.err" &
	hx=$!
	on_exit "kill -9 $hx"
	for _ in $(seq 200); do [ -s "$W/svc" ] && break; sleep 0.02; done
	svc=$(cat "$W/svc" 2>/dev/null)
}

# ---- every key, read from the live groups (v1 here), verify, SIGTERM ----
all=$(policy all <<'X'
[cgroup]
memory_max = 64M
memory_high = 48M
memory_swap_max = 16M
cpu_max = 25000/50000
cpu_weight = 200
pids_max = 32
X
)
start "$all" -- /bin/sh -c "echo \$\$ >$W/svc; exec sleep 30"
name=harden-exec.$hx
m=$(grp "$svc" memory) c=$(grp "$svc" cpu) p=$(grp "$svc" pids)
is "$(basename "$m")/$(basename "$c")/$(basename "$p")" "$name/$name/$name" "live: the service is in harden-exec.PID in memory, cpu and pids"
is "$(cat "$m/memory.limit_in_bytes")" 67108864 "live: memory_max = 64M is memory.limit_in_bytes"
is "$(cat "$m/memory.soft_limit_in_bytes")" 50331648 "live: memory_high = 48M is memory.soft_limit_in_bytes (v1)"
is "$(cat "$m/memory.memsw.limit_in_bytes")" 83886080 "live: memory_swap_max = 16M is memory.memsw.limit_in_bytes = 64M + 16M"
is "$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us")" "25000 50000" "live: cpu_max = 25000/50000 is cfs_quota_us/cfs_period_us"
is "$(cat "$c/cpu.shares")" 2048 "live: cpu_weight = 200 is cpu.shares 2048 (weight * 1024 / 100)"
is "$(cat "$p/pids.max")" 32 "live: pids_max = 32 is pids.max"
is "$(stat -c %U "$m/memory.limit_in_bytes")" root "live: the limit files are root's"
# The CPU account: the v2 group's cpu.stat where v2 is mounted (no cpuacct
# group then: one group less to make), else a v1 cpuacct group.
if [ -n "$V2" ]; then
	like "$(cat "$(grp "$svc" "")/cpu.stat")" "usage_usec [0-9]+" "live: the v2 group keeps the CPU account (cpu.stat usage_usec)"
	[ -n "$ACCT" ] && [ "$(basename "$(grp "$svc" cpuacct)")" = "$name" ] &&
		fail "live: no cpuacct group beside a v2 group" "the service is in $(grp "$svc" cpuacct)" ||
		pass "live: no cpuacct group beside a v2 group"
elif [ -n "$ACCT" ]; then
	is "$(basename "$(grp "$svc" cpuacct)")" "$name" "live: cpuacct group for the CPU account"
	skip "v2 not mounted" "live: no cpuacct group beside a v2 group"
else
	skip "no cpuacct hierarchy and no cgroup v2" "live: CPU account"
	skip "no cpuacct hierarchy and no cgroup v2" "live: no cpuacct group beside a v2 group"
fi
loose=$(policy loose <<'X'
[cgroup]
memory_max = 128M
pids_max = 33
X
)
run "$H" check "$all"
like "$out" "^ 3 cgroup +memory_max=67108864 \(v1 memory.limit_in_bytes\), memory_high=50331648 \(v1 memory.soft_limit_in_bytes\), memory_swap_max=83886080 \(v1 memory.memsw.limit_in_bytes\), cpu_max=50000 \(v1 cpu.cfs_period_us\), cpu_max=25000 \(v1 cpu.cfs_quota_us\), cpu_weight=2048 \(v1 cpu.shares\), pids_max=32 \(v1 pids.max\)$" "check: the [cgroup] limits and their files"
run "$H" check "$all" --json
like "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["cgroup"]["limits"])' <<<"$out")" "^memory_max=67108864 .*pids_max=32 \(v1 pids.max\)$" "check --json: cgroup.limits"
run "$H" audit "$all"
like "$out" "^cgroup +0\.00 +2 +\[cgroup\] limits the group" "audit: a cgroup with memory and pids limits exposes nothing"
run "$H" audit "$loose"
like "$out" "^cgroup +0\.00 " "audit: memory_max and pids_max are enough"
run "$H" audit "$FIX/cgroup-swap.ini"
like "$out" "^cgroup +0\.50 " "audit: memory only is half"
run "$H" verify "$all" "$svc"
is "$rc $out" "0 pid $svc holds $all" "verify: the live groups hold the policy"
run "$H" verify "$loose" "$svc"
is "$rc" 1 "verify: other limits are a mismatch"
like "$out" "mismatch: \[cgroup\] memory_max: .*/$name/memory.limit_in_bytes is 67108864, the policy says 134217728" "verify: names the file, the live value and the policy's"
like "$out" "mismatch: \[cgroup\] pids_max: .*pids.max is 32, the policy says 33" "verify: pids_max mismatch"
# The v2 backend: a group in the unified hierarchy (cgroup.kill), here
# with no controller of its own; an outsider moved into it must be killed.
if [ -n "$V2" ]; then
	g2=$(grp "$svc" "")
	is "$(basename "$g2")" "$name" "v2: the service is in $V2/.../harden-exec.PID"
	sleep 60 &
	outsider=$!
	echo "$outsider" >"$g2/cgroup.procs"
	like "$(cat "$g2/cgroup.procs" | tr '\n' ' ')" "(^| )$outsider " "v2: an outsider moved into the group"
	# One that joins a v1 group only is not in the v2 group's kill.
	sleep 60 &
	outsider1=$!
	echo "$outsider1" >"$p/cgroup.procs"
else
	skip "no cgroup v2 mounted" "v2: the service is in a v2 group"
	skip "no cgroup v2 mounted" "v2: an outsider moved into the group"
fi
kill -TERM "$hx"
wait "$hx"
is "$?" 143 "SIGTERM to harden-exec: forwarded, the service's status 143"
if [ -n "$V2" ]; then
	wait "$outsider"
	is "$?" 137 "v2: cgroup.kill killed the outsider (SIGKILL)"
	wait "$outsider1"
	is "$?" 137 "v1: an outsider in the pids group only is killed too"
	[ -d "$g2" ] && fail "v2: group removed" || pass "v2: group removed"
else
	skip "no cgroup v2 mounted" "v2: cgroup.kill"
	skip "no cgroup v2 mounted" "v1: an outsider in the pids group only"
	skip "no cgroup v2 mounted" "v2: group removed"
fi
is "$(left "$name")" "" "SIGTERM: no group left behind"
like "$(cat "$T/bg.err")" "cgroup: the group saw: memory: 0 OOM kills.*cpu: [0-9]+ ms used.*pids: fork refused at pids_max 0 times" "SIGTERM: the exit report"

# ---- v1 without v2: the freezer kills what is left ----
if [ -n "$FRZ" ] && [ -n "$V2" ]; then
	fpol=$(policy freezer <<'X'
[cgroup]
pids_max = 10
X
)
	rm -f "$W/svc"
	unshare -m /bin/sh -c "umount $V2 && exec $H $fpol -- /bin/sh -c 'echo \$\$ >$W/svc; exec sleep 30'" 2>"$T/fz.err" &
	fx=$!
	on_exit "kill -9 $fx"
	for _ in $(seq 200); do [ -s "$W/svc" ] && break; sleep 0.02; done
	svc=$(cat "$W/svc")
	sup=$(awk '{print $4}' "/proc/$svc/stat")
	fg=$(grp "$svc" freezer)
	is "$(basename "$fg")" "harden-exec.$sup" "v1 freezer: the service is in a freezer group (no v2 in this mount namespace)"
	sleep 60 &
	outsider=$!
	echo "$outsider" >"$(grp "$svc" pids)/cgroup.procs"
	echo "$outsider" >"$fg/cgroup.procs"
	kill -TERM "$sup"
	wait "$fx"
	is "$?" 143 "v1 freezer: SIGTERM forwarded"
	wait "$outsider"
	is "$?" 137 "v1 freezer: frozen, killed, thawed: the outsider is dead"
	is "$(left "harden-exec.$sup")" "" "v1 freezer: no group left behind"
else
	for d in "in a freezer group" "SIGTERM forwarded" "outsider killed" "no group left"; do
		skip "needs the v1 freezer and a v2 mount to hide" "v1 freezer: $d"
	done
fi

# ---- neither v2 nor a freezer: each member killed until none is left ----
if [ -n "$FRZ" ] && [ -n "$V2" ]; then
	rm -f "$W/svc"
	unshare -m /bin/sh -c "umount $V2 && umount $FRZ && exec $H $fpol -- /bin/sh -c 'echo \$\$ >$W/svc; exec sleep 30'" 2>"$T/pl.err" &
	px=$!
	on_exit "kill -9 $px"
	for _ in $(seq 200); do [ -s "$W/svc" ] && break; sleep 0.02; done
	svc=$(cat "$W/svc")
	sup=$(awk '{print $4}' "/proc/$svc/stat")
	is "$(grep -c harden-exec "/proc/$svc/cgroup")" 1 "kill loop: the service is in its pids group only"
	sleep 60 &
	outsider=$!
	echo "$outsider" >"$(grp "$svc" pids)/cgroup.procs"
	kill -TERM "$sup"
	wait "$px"
	is "$?" 143 "kill loop: SIGTERM forwarded"
	wait "$outsider"
	is "$?" 137 "kill loop: the outsider in cgroup.procs is killed"
	is "$(left "harden-exec.$sup")" "" "kill loop: no group left behind"
else
	for d in "in its pids group" "SIGTERM forwarded" "outsider killed" "no group left"; do
		skip "needs the v1 freezer and a v2 mount to hide" "kill loop: $d"
	done
fi

# ---- memory bomb: killed at memory_max, the OOM kill in the report ----
mem=$(policy mem <<'X'
[cgroup]
memory_max = 32M
memory_swap_max = 0
X
)
run "$H" "$mem" -- /bin/sh -c "echo \$PPID >$W/sup; exec dd if=/dev/zero of=/dev/null bs=256M count=1"
is "$rc" 137 "memory bomb: killed (128 + SIGKILL)"
like "$err" "harden-exec: cgroup: the group saw: memory: [1-9][0-9]* OOM kills" "memory bomb: the OOM kill is in the exit report"
is "$(left "harden-exec.$(cat "$W/sup")")" "" "memory bomb: no group left behind"

# ---- fork bomb as nobody: stopped at pids_max (and RLIMIT_NPROC) ----
fork=$(policy fork <<'X'
[identity]
user = nobody
group = 65534
[limits]
nproc = 200
[cgroup]
pids_max = 16
X
)
out=$(timeout -k 5 30 "$H" "$fork" -- /bin/sh -c "echo \$PPID >$W/sup; f() { f & f; }; f" 2>"$T/.err" </dev/null)
rc=$?
err=$(grep -v 'Cannot fork' "$T/.err")
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && pass "fork bomb: ended by itself, status $rc (not by the timeout)" || fail "fork bomb: ended by itself" "rc $rc"
like "$err" "pids: fork refused at pids_max [1-9][0-9]* times" "fork bomb: pids.events max in the exit report"
is "$(left "harden-exec.$(cat "$W/sup")")" "" "fork bomb: no group left behind"

# ---- CPU spin under cpu_max = 20%: the group's own account over 3 s ----
# usage NS: the CPU time of the service's group, from its own account.
usage() {
	if [ -n "$V2" ]; then
		echo $(($(awk '$1 == "usage_usec" { print $2 }' "$(grp "$svc" "")/cpu.stat") * 1000))
	else
		cat "$(grp "$svc" cpuacct)/cpuacct.usage"
	fi
}
if [ -n "$V2" ] || [ -n "$ACCT" ]; then
	cpu=$(policy cpu <<'X'
[cgroup]
cpu_max = 20%
X
)
	start "$cpu" -- /bin/sh -c "echo \$\$ >$W/svc; while :; do :; done"
	t1=$(date +%s%N) u1=$(usage)
	sleep 3
	u2=$(usage) t2=$(date +%s%N)
	used=$(((u2 - u1) / 1000000)) quota=$(((t2 - t1) / 5000000 + 20))
	# 20 ms per 100 ms period over the time measured, and one period's 20 ms.
	[ "$used" -le "$quota" ] && pass "cpu_max = 20%: $used ms of CPU in $(((t2 - t1) / 1000000)) ms (quota $quota ms)" || fail "cpu_max = 20%: at most the quota" "$used ms, quota $quota ms"
	[ "$used" -ge 300 ] && pass "cpu_max = 20%: the spin did run ($used ms)" || fail "cpu_max = 20%: the spin ran" "$used ms"
	thr=$(awk '$1 == "nr_throttled" { print $2 }' "$(grp "$svc" cpu)/cpu.stat")
	[ "${thr:-0}" -gt 0 ] && pass "cpu_max: cpu.stat nr_throttled $thr" || fail "cpu_max: throttled" "nr_throttled '$thr'"
	kill -TERM "$hx"
	wait "$hx"
	is "$?" 143 "cpu spin: SIGTERM ends it"
	like "$(cat "$T/bg.err")" "cpu: [0-9]+ ms used, throttled [1-9][0-9]* times" "cpu spin: throttling in the exit report"
	rep=$(sed -n 's/.*cpu: \([0-9]*\) ms used.*/\1/p' "$T/bg.err")
	[ "${rep:-0}" -ge "$used" ] && pass "cpu spin: the report's $rep ms used is the group's account (>= $used ms seen)" ||
		fail "cpu spin: the report's CPU used is the group's account" "report '$rep' ms, seen $used ms"
	is "$(left "harden-exec.$hx")" "" "cpu spin: no group left behind"
else
	for d in "at most the quota" "the spin ran" "throttled" "SIGTERM" "report" "report account" "no group left"; do
		skip "neither cgroup v2 nor a v1 cpuacct hierarchy to read the group's CPU time from" "cpu_max: $d"
	done
fi

# ---- normal exit and crash: nothing left ----
one=$(policy one <<'X'
[cgroup]
memory_max = 64M
cpu_max = 50%
pids_max = 64
X
)
run "$H" "$one" -- /bin/sh -c "echo \$PPID >$W/sup"
is "$rc" 0 "normal exit: status 0"
is "$(left "harden-exec.$(cat "$W/sup")")" "" "normal exit: no group left behind"
run "$H" "$one" -- /bin/sh -c "echo \$PPID >$W/sup; kill -SEGV \$\$"
is "$rc" 139 "crash: status 139 (128 + SIGSEGV)"
is "$(left "harden-exec.$(cat "$W/sup")")" "" "crash: no group left behind"

# ---- the process manager's example, every value asserted live ----
if getent passwd www-data >/dev/null; then
	pm=$(policy pm <<'X'
[identity]
user = www-data
[capabilities]
keep = CAP_NET_BIND_SERVICE
[limits]
nofile = 4096
nproc = 512
memlock = 4M
[cgroup]
memory_max = 2G
cpu_max = 100000 50000
X
)
	start "$pm" -- /bin/sh -c "echo \$\$ >$W/svc; exec sleep 30"
	st=$(cat "/proc/$svc/status")
	is "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' <<<"$st")" "33333333" "example: uid www-data (33) everywhere"
	is "$(awk '/^CapEff:/ { print $2 }' <<<"$st")" 0000000000000400 "example: CAP_NET_BIND_SERVICE only (effective)"
	is "$(awk '/^CapBnd:/ { print $2 }' <<<"$st")" 0000000000000400 "example: CAP_NET_BIND_SERVICE only (bounding)"
	is "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$svc/limits")" "4096 4096" "example: nofile 4096"
	is "$(awk '/^Max processes/ { print $3, $4 }' "/proc/$svc/limits")" "512 512" "example: nproc 512"
	is "$(awk '/^Max locked memory/ { print $4, $5 }' "/proc/$svc/limits")" "4194304 4194304" "example: memlock 4M"
	is "$(cat "$(grp "$svc" memory)/memory.limit_in_bytes")" 2147483648 "example: memory_max 2G"
	c=$(grp "$svc" cpu)
	is "$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us")" "100000 50000" "example: cpu_max \"100000 50000\" (two CPUs)"
	run "$H" verify "$pm" "$svc"
	is "$rc" 0 "example: verify holds"
	kill -TERM "$hx"
	wait "$hx"
	is "$(left "harden-exec.$hx")" "" "example: no group left behind"
else
	skip "no user www-data on this host" "the process manager's example"
fi

# ---- cgroup v2 limits: only where v2 has the controllers ----
ctl2=$(cat "$(grp $$ "")/cgroup.controllers" 2>/dev/null)
for c in memory cpu pids; do
	if [[ " $ctl2 " == *" $c "* ]]; then
		case $c in
		memory) k="memory_max = 64M" f=memory.max v=67108864 ;;
		cpu) k="cpu_max = 20%" f=cpu.max v="20000 100000" ;;
		pids) k="pids_max = 32" f=pids.max v=32 ;;
		esac
		pol=$(printf '[cgroup]\n%s\n' "$k" | policy "v2$c")
		start "$pol" -- /bin/sh -c "echo \$\$ >$W/svc; exec sleep 30"
		is "$(cat "$(grp "$svc" "")/$f")" "$v" "v2 $c: $f read from the live group"
		kill -TERM "$hx"
		wait "$hx"
	else
		skip "cgroup v2 here has no $c controller (cgroup.controllers: ${ctl2:-none})" "v2 $c: limit read from the live group"
	fi
done

# ---- errors that need the host: each a fixture, exit 125, one line ----
refused() { # DESC REGEX CMD...
	local d=$1 re=$2
	shift 2
	rm -f "$W/ran"
	run "$@" -- /bin/sh -c "touch $W/ran"
	is "$rc" 125 "$d: exit 125"
	like "$err" "$re" "$d: message"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$d: one line"
	[ -e "$W/ran" ] && fail "$d: the command never ran" || pass "$d: the command never ran"
}
refused "controller missing" \
	"^harden-exec: .*cgroup-pids.ini:3: \[cgroup\] pids_max: the pids controller is not available: not enabled in .*cgroup.controllers, and no cgroup v1 hierarchy of it is mounted$" \
	unshare -m /bin/sh -c "umount $PIDS && exec \"\$0\" \"\$@\"" "$H" "$FIX/cgroup-pids.ini"
nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups)
# nobody reads a copy: the checkout may be in a home nobody cannot enter.
cp "$FIX/cgroup-pids.ini" "$T/cgroup-pids.ini" && chmod 0644 "$T/cgroup-pids.ini"
if [ -n "$V2" ]; then
	refused "no write access (the v2 group, made before the fork)" \
		"^harden-exec: cgroup: .*cgroup-pids.ini:3: cgroup.kill \(cgroup v2\): create $V2/.*harden-exec\.[0-9]+: Permission denied \(hint: .*Delegate=yes\)$" \
		"${nobody[@]}" "$H" "$T/cgroup-pids.ini"
	v1only=(unshare -m /bin/sh -c "umount $V2 && exec \"\$0\" \"\$@\"")
else
	skip "no cgroup v2 mounted" "no write access (the v2 group)"
	v1only=()
fi
refused "no write access (v1 pids)" \
	"^harden-exec: cgroup: .*cgroup-pids.ini:3: \[cgroup\] pids_max: pids \(cgroup v1\): create $PIDS/.*harden-exec\.[0-9]+: Permission denied \(hint: .*Delegate=yes\)$" \
	"${v1only[@]}" "${nobody[@]}" "$H" "$T/cgroup-pids.ini"
refused "memory_swap_max alone on v1" \
	"^harden-exec: .*cgroup-swap-alone.ini:3: \[cgroup\] memory_swap_max: needs memory_max on cgroup v1" \
	"$H" "$FIX/cgroup-swap-alone.ini"
# Swap accounting cannot be switched off here; hiding the memory
# hierarchy's files (a tmpfs over it, in a mount namespace) takes the
# same path: memory.memsw.limit_in_bytes is not there.
refused "swap accounting off (files hidden)" \
	"^harden-exec: .*cgroup-swap.ini:4: \[cgroup\] memory_swap_max: swap accounting is off in the memory controller \(.*memory.memsw.limit_in_bytes: No such file or directory; the kernel needs swapaccount=1\)$" \
	unshare -m /bin/sh -c "mount -t tmpfs none $MEM && exec \"\$0\" \"\$@\"" "$H" "$FIX/cgroup-swap.ini"

# ---- a step that fails half-way leaves no group (build/tests/faultinject.so) ----
FI=$BUILD/tests/faultinject.so
HD=$BUILD/harden-exec-dynamic # a preload reaches only the dynamic build
fault() { # DESC REGEX CALL NTH
	rm -f "$W/ran" "$T/hx"
	out=$(timeout -k 5 60 /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$T/hx" env LD_PRELOAD="$FI" FAULT_CALL="$3" \
		FAULT_NTH="$4" FAULT_ERRNO=EXDEV "$HD" "$one" -- /bin/sh -c "touch $W/ran" 2>"$T/.err" </dev/null)
	rc=$?
	err=$(cat "$T/.err")
	is "$rc" 125 "$1: exit 125"
	like "$err" "$2: Invalid cross-device link$" "$1: message"
	[ -e "$W/ran" ] && fail "$1: the command never ran" || pass "$1: the command never ran"
	is "$(left "harden-exec.$(cat "$T/hx")")" "" "$1: no group left behind"
}
if [ "${HARDEN_BUILD:-build}" != build ]; then
	skip "a sanitizer build's runtime must come first, before the fault library (the plain build runs these)" "a step that fails half-way leaves no group"
elif [ -f "$FI" ] && [ -x "$HD" ] && [ -n "$V2" ]; then
	fault "the v2 group (harden-exec, before the fork)" "^harden-exec: cgroup: .*one.ini:[0-9]+: cgroup.kill \(cgroup v2\): create $V2/harden-exec\.[0-9]+" mkdir 1
	fault "the memory group (the service, after the v2 group)" "^harden-exec: cgroup: .*one.ini:2: \[cgroup\] memory_max: memory \(cgroup v1\): create .*/harden-exec\.[0-9]+" mkdir 2
	fault "the pids group (after memory and cpu)" "^harden-exec: cgroup: .*one.ini:4: \[cgroup\] pids_max: pids \(cgroup v1\): create .*/harden-exec\.[0-9]+" mkdir 4
	fault "clone3 into the v2 group" "^harden-exec: supervisor: fork" syscall:435 1
else
	skip "needs $FI, $HD and cgroup v2" "faults: a failing step leaves no group"
fi
