#!/usr/bin/env bash
# harden-exec explain: a kernel seccomp record (or a number, or a name)
# turned into the syscall's name, its sets, the policy line that refused
# it and the line to add; and [log] kernel = yes, which makes errno
# refusals reach the same kernel log.
. "$(dirname "$0")/../lib.sh"

# ---- the daemonising service of issue 15 ----
# A service whose child leaves the session: the allow-list lacks setsid,
# the child is killed, and the caller sees the parent's exit 0.
dm=$(policy dm <<'X'
[seccomp]
allow = @default @basic-io @file-system @process @signal @io-event @ipc @memlock @resources @sync @timer @network-io
  uname sysinfo getpgrp madvise
action = kill
X
)
cat >"$T/dm.sh" <<'X'
#!/bin/sh
setsid /bin/sh -c 'echo daemon-running > "$1"' sh "$1" &
wait
echo parent-done
X
chmod 755 "$T/dm.sh"

# The kernel's log, or why it cannot be read (then a captured record).
klog_ok=
if dmesg >/dev/null 2>&1; then klog_ok=1; fi
mark=$(dmesg 2>/dev/null | tail -n 1)
since_mark() { dmesg | awk -v m="$mark" 'found { print } $0 == m { found = 1 }'; }

run "$H" "$dm" "$T/dm.sh" "$T/daemon.out"
is "$rc:$out" "0:parent-done" "daemonising service: the caller sees exit 0"
[ -e "$T/daemon.out" ] && fail "daemonising service: the child was killed" || pass "daemonising service: the child was killed"
record=
if [ -n "$klog_ok" ]; then
	for _ in 1 2 3 4 5; do
		record=$(since_mark | grep 'type=1326' | grep 'comm="setsid"' | tail -n 1)
		[ -n "$record" ] && break
		sleep 1
	done
fi
if [ -n "$record" ]; then
	pass "daemonising service: its kill is in the kernel log"
else
	why="the kernel log cannot be read (dmesg)"
	[ -n "$klog_ok" ] && why="the kernel's rate limit suppressed the record"
	skip "$why" "daemonising service: its kill is in the kernel log"
	record=$(cat "$FIX/audit-setsid.log") # captured from the same run on kernel 6.18
fi
run "$H" explain "$dm" "$record"
is "$rc" 0 "explain: exit 0"
like "$out" "^syscall 112: setsid \(pid [0-9]+ setsid /usr/bin/setsid\), kernel action kill" "explain: the name, pid and program of the record"
like "$out" "sets: .*@system-service" "explain: the sets it belongs to"
like "$out" "policy: kill: not in the allow list at $T/dm.ini:2" "explain: the policy line that refused it"
like "$out" "^    allow \+= setsid$" "explain: the line to add"
# The line it gives, in a policy that includes the first, lets the daemon run.
printf '[policy]\ninclude = %s\n[seccomp]\nallow += setsid\n' "$dm" | policy dm2 >/dev/null
run "$H" "$T/dm2.ini" "$T/dm.sh" "$T/daemon.out"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/daemon.out" ] && break; sleep 0.2; done
is "$(cat "$T/daemon.out" 2>/dev/null)" "daemon-running" "explain: with its line added, the daemon runs"

# ---- input forms ----
run sh -c "dmesg_like() { echo '[ 1.0] eth0: link up'; cat '$FIX/audit-setsid.log'; }; dmesg_like | '$H' explain '$dm' --json"
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["name"], d["nr"], d["pid"], d["fix"])')" \
	"setsid 112 3232 allow += setsid" "explain --json from stdin: other kernel lines passed over"
printf 'type=SECCOMP msg=audit(1795462246.857:2176): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=77 comm="x" exe="/usr/bin/x" sig=31 arch=c000003e syscall=165 compat=0 ip=0x1 code=0x80000000\n' >"$T/audit.log"
run sh -c "'$H' explain '$dm' <'$T/audit.log'"
like "$out" "^syscall 165: mount .*kernel action kill" "explain: an audit.log type=SECCOMP record"
run "$H" explain "$dm" 165 setsid
like "$out" "syscall 165: mount" "explain: a number"
like "$out" "syscall 112: setsid" "explain: a name"
dn=$(printf '[seccomp]\ndeny = @mount\n  getppid\naction = errno:EPERM\n' | policy dn)
run "$H" explain "$dn" getppid mount
like "$out" "refused by deny at $T/dn.ini:2 \(getppid\)" "explain: a deny line"
like "$out" "to allow it, remove getppid from deny at $T/dn.ini:2" "explain: how to lift a deny"
like "$out" "take @mount out of deny at $T/dn.ini:2 \(mount is one of its members\)" "explain: a denied set"
io=$(printf '[seccomp]\ndeny = ptrace\nioctl = TCGETS\n' | policy io)
run "$H" explain "$io" ioctl
like "$out" "allowed, but only with the values of \[seccomp\] ioctl at $T/io.ini:3" "explain: an argument rule's line"
run "$H" explain "$dn" clone3
like "$out" "answered ENOSYS by every filter" "explain: clone3 is refused by every filter"
run "$H" explain 112
is "$(printf '%s\n' "$out" | head -n 2 | tr '\n' '|')" "syscall 112: setsid|  sets: @system-service|" "explain without a policy: name and sets"
run "$H" explain "$dm" "syscall=1073741863 arch=c000003e"
like "$out" "an x32 call .*every filter kills it" "explain: an x32 number"
run "$H" explain "$dm" "syscall=11 arch=40000003"
like "$out" "arch 40000003 is not this machine's" "explain: a foreign architecture"
run "$H" explain "$dm" no_such_call
is "$rc" 2 "explain: an unknown name exits 2"
like "$err" "no_such_call: no syscall of that name or number" "explain: says which word"
run "$H" explain "$FIX/bad-user.ini" 112
is "$rc" 2 "explain: an invalid policy exits 2"

# ---- [log] kernel = yes: errno refusals reach the kernel log ----
kl=$(printf '[seccomp]\ndeny = getppid\naction = errno:EACCES\n[log]\nkernel = yes\n' | policy kl)
nokl=$(printf '[seccomp]\ndeny = getppid\naction = errno:EACCES\n' | policy nokl)
if [ -z "$klog_ok" ]; then
	skip "the kernel log cannot be read (dmesg)" "[log] kernel = yes: the errno refusal is in the kernel log"
	skip "the kernel log cannot be read (dmesg)" "[log] kernel = no: it is not"
elif ! grep -qw errno /proc/sys/kernel/seccomp/actions_logged; then
	skip "errno is not in /proc/sys/kernel/seccomp/actions_logged" "[log] kernel = yes: the errno refusal is in the kernel log"
	skip "errno is not in actions_logged" "[log] kernel = no: it is not"
else
	mark=$(dmesg | tail -n 1)
	run "$H" "$nokl" "$PROBE" sys 110 pid
	pid0=$(line pid | sed 's/^ok //')
	is "$(line sys)" "errno EACCES" "control: errno refusal without the flag"
	got=
	# The kernel prints audit records under a rate limit (a burst per 5 s,
	# shared with every other process): a try in a fresh window.
	for try in 1 2 3; do
		run "$H" "$kl" "$PROBE" sys 110 pid
		pid=$(line pid | sed 's/^ok //')
		sleep 0.5
		got=$(since_mark | grep "type=1326" | grep " pid=$pid " | grep " syscall=110 ")
		[ -n "$got" ] && break
		[ "$try" -lt 3 ] && sleep 5.5
	done
	if [ -n "$got" ]; then
		pass "[log] kernel = yes: the errno refusal is in the kernel log"
		like "$got" "code=0x50000" "[log] kernel = yes: recorded as an errno action"
		run "$H" explain "$kl" "$got"
		like "$out" "syscall 110: getppid .*kernel action errno" "explain: reads the errno record"
	elif since_mark | grep -q "callbacks suppressed"; then
		skip "the kernel's rate limit suppressed records" "[log] kernel = yes: the errno refusal is in the kernel log"
	else
		fail "[log] kernel = yes: the errno refusal is in the kernel log" "$(since_mark | tail -n 5)"
	fi
	unlike "$(since_mark | grep " pid=$pid0 ")" "syscall=110" "[log] kernel = no: the errno refusal is not logged"
fi
