#!/usr/bin/env bash
# Landlock, live: [landlock] rules (paths, TCP ports, scopes) observed by
# what the service may and may not do, each next to a control run; the
# service's own domain that every policy gets (issue 13, item 1), which
# keeps it from another process of its uid; best_effort and a kernel
# without Landlock; late mode.
. "$(dirname "$0")/../lib.sh"
need_root
command -v setpriv >/dev/null || { echo "1..0 # SKIP needs setpriv"; exit 0; }

# Copies every user can reach and run, wherever the checkout lives.
mkdir -p "$T/bin" "$T/other" "$T/r" "$T/w" "$T/o"
cp "$BUILD/tests/llprobe" "$T/bin/llprobe"
cp "$BUILD/tests/llprobe" "$T/other/llprobe"
LL=$T/bin/llprobe
echo data >"$T/r/f"
echo data >"$T/o/f"

plain=$(policy plain <<'X'
[exec]
no_new_privs = yes
X
)
run "$H" -v "$plain" "$LL" nop
abi=$(printf '%s\n' "$err" | sed -n 's/.*landlock: ABI \([0-9]*\),.*/\1/p')
if [ -z "$abi" ]; then
	echo "1..0 # SKIP no Landlock in this kernel ($(printf '%s\n' "$err" | grep landlock))"
	exit 0
fi
diag "Landlock ABI $abi"
like "$err" "landlock: ABI $abi, domain entered: 1 path and 0 port rules; handled: make_block refer" \
	"a policy without [landlock] still gets a domain of its own (handles make_block and refer, grants both beneath /)"

# ---- filesystem: read, write, exec ----
fs=$(policy fs <<X
[landlock]
exec = $T/bin
read = $T/r
write = $T/w
X
)
cmds=(read "$T/r/f" read "$T/o/f" list "$T/r" list "$T/o" write "$T/w/new" write "$T/r/new" write "$T/o/new"
	exec "$T/bin/llprobe" exec "$T/other/llprobe" procmem)
run "$H" "$fs" "$LL" "${cmds[@]}"
is "$rc" 0 "[landlock] fs rules: the service runs"
is "$(printf '%s\n' "$out" | grep -c '^read')" 2 "... both reads answered"
got=$(printf '%s\n' "$out" | sed 's/^[a-z]*: //' | tr '\n' ' ')
is "$got" "ok errno EACCES ok errno EACCES ok errno EACCES errno EACCES ok errno EACCES errno EACCES " \
	"read, list, write, exec: allowed beneath their paths, EACCES elsewhere; /proc/self/mem not writable"
rm -f "$T/w/new" "$T/r/new" "$T/o/new"
run "$H" "$plain" "$LL" "${cmds[@]}"
got=$(printf '%s\n' "$out" | sed 's/^[a-z]*: //' | tr '\n' ' ')
is "$got" "ok ok ok ok ok ok ok ok ok ok " "control: without [landlock], all of it is allowed"
rm -f "$T/w/new" "$T/r/new" "$T/o/new"

# Renaming across folders: every filesystem domain denies it unless a
# rule grants refer, so the default domain grants it beneath /.
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$T/w/a" "$T/w/b"
	echo x >"$T/w/a/f"
	mv_py=(/usr/bin/python3 -c 'import os,sys
try:
    os.rename(sys.argv[1], sys.argv[2]); print("rename: ok")
except OSError as e:
    print("rename: errno", __import__("errno").errorcode[e.errno])')
	wr=$(policy wr <<X
[landlock]
exec = /usr
read = /usr /etc
write = $T/w
X
)
	run "$H" "$wr" "${mv_py[@]}" "$T/w/a/f" "$T/w/b/f"
	is "$(line rename)" "errno EXDEV" "[landlock] write without refer: a rename across folders is refused (EXDEV)"
	run "$H" "$plain" "${mv_py[@]}" "$T/w/a/f" "$T/w/b/f"
	is "$(line rename)" "ok" "the default domain leaves renames across folders alone"
else
	skip "needs python3" "rename across folders under write"
	skip "needs python3" "rename across folders under the default domain"
fi

# A rule path that is a symbolic link (last component) is refused, and
# the message names its target.
ln -s "$T/r" "$T/link"
lnk=$(policy lnk <<X
[landlock]
exec = $T/bin
read = $T/link
X
)
run "$H" "$lnk" "$LL" nop
is "$rc" 125 "a symlinked rule path: exit 125"
like "$err" "lnk.ini:3: \[landlock\] read: $T/link: a symbolic link on the path \(refused: name $T/r instead\)" \
	"... the message names the link's target"

# The exec a policy's rules refuse is explained: the command, or the
# interpreter the kernel opens for it (a dynamic program's loader).
if [ -x /usr/bin/true ]; then
	noint=$(policy noint <<'X'
[landlock]
exec = /usr/bin
read = /usr/lib /etc
X
)
	run "$H" "$noint" /usr/bin/true
	like "$rc: $err" "^125: .*noint.ini:2: \[landlock\] exec: .* \(its interpreter, .*\) is not beneath any exec path" \
		"an exec refused for want of the ELF interpreter's exec rule names the interpreter"
	noexe=$(policy noexe <<X
[landlock]
exec = $T/other
X
)
	run "$H" "$noexe" "$T/bin/llprobe" nop
	like "$rc: $err" "^125: .*noexe.ini:2: \[landlock\] exec: $T/bin/llprobe \(the command, .*\) is not beneath any exec path" \
		"an exec refused for the command itself names the command"
else
	skip "needs /usr/bin/true" "exec refused for the interpreter"
	skip "needs /usr/bin/true" "exec refused for the command"
fi

# ---- inside a chroot: rule paths are the service's ----
mkdir -p "$T/jail/bin" "$T/jail/data" "$T/jail/other"
cp "$LL" "$T/jail/bin/llprobe"
echo data >"$T/jail/data/f"
echo data >"$T/jail/other/f"
jail=$(policy jail <<X
[filesystem]
chroot = $T/jail
[landlock]
exec = /bin
read = /data
X
)
run "$H" "$jail" /bin/llprobe read /data/f read /other/f
is "$(line read | tr '\n' ' ')" "ok " "chroot: read = /data names the folder inside the chroot"
is "$(printf '%s\n' "$out" | sed -n 's/^read: //p' | tail -n 1)" "errno EACCES" "chroot: ... and another folder there is refused"
jailbad=$(policy jailbad <<X
[filesystem]
chroot = $T/jail
[landlock]
exec = /bin
read = $T/r
X
)
run "$H" "$jailbad" /bin/llprobe nop
like "$rc: $err" "^125: .*jailbad.ini:5: \[landlock\] read: $T/r: No such file or directory \(inside the chroot\)" \
	"chroot: a path of the host, not inside the chroot, is missing there"

# ---- in a mount namespace: rule paths resolved in the final view ----
# A private /tmp, a tmpfs and a new root exist only once the mounts are
# made: the rules are opened after them, so they name those, not the
# host's inodes under the same names.
nsfs() { # NAME [landlock lines]: a tmpfs root with the probe, /other and a private /tmp
	policy "$1" <<X
[filesystem]
root = tmpfs
bind_ro = $T/bin:/probe
tmpfs = /other
private_tmp = yes
$2
X
}
nsll=$(nsfs nsll "[landlock]
exec = /probe
write = /tmp")
nsplain=$(nsfs nsplain "")
run "$H" "$nsll" /probe/llprobe write /tmp/x write /other/x write /var/tmp/x list /tmp
is "$rc" 0 "jail: private_tmp with [landlock] write = /tmp runs"
is "$(printf '%s\n' "$out" | sed 's/^[a-z]*: //' | tr '\n' ' ')" "ok errno EACCES errno EACCES ok " \
	"jail: write = /tmp grants the private /tmp (written, listed); the tmpfs /other and /var/tmp are refused"
run "$H" "$nsplain" /probe/llprobe write /tmp/x write /other/x write /var/tmp/x
is "$(printf '%s\n' "$out" | sed 's/^[a-z]*: //' | tr '\n' ' ')" "ok ok ok " "jail control: without [landlock], all three writable"
nsmiss=$(nsfs nsmiss "[landlock]
exec = /probe
read = $T/r")
run "$H" "$nsmiss" /probe/llprobe nop
like "$rc: $err" "^125: harden-exec: .*nsmiss.ini:8: \[landlock\] read: $T/r: No such file or directory \(in the jail\)$" \
	"jail: a host path missing in the new root: exit 125, FILE:LINE, one line"
is "$(printf '%s\n' "$err" | wc -l)" 1 "jail: ... one line"
if [ -e "$T/x" ] || grep -q " /other " /proc/self/mountinfo; then fail "jail: nothing reached the host"; else pass "jail: nothing reached the host"; fi

# ---- TCP ports ----
base=$((20000 + $$ % 20000))
P1=$base P2=$((base + 1)) P3=$((base + 2))
tcp=$(policy tcp <<X
[landlock]
exec = $T/bin
tcp_bind = $P1
tcp_connect = $P2
X
)
run "$H" "$tcp" "$LL" bind "$P1" bind "$P3" connect "$P2" connect "$P3"
got=$(printf '%s\n' "$out" | sed 's/^[a-z]*: //' | tr '\n' ' ')
is "$got" "ok errno EACCES errno ECONNREFUSED errno EACCES " \
	"tcp_bind, tcp_connect: the listed ports allowed (connect: refused by nobody listening), others EACCES"
run "$H" "$plain" "$LL" bind "$P3" connect "$P3"
is "$(line bind)/$(line connect)" "ok/errno ECONNREFUSED" "control: without [landlock], any port"
anyb=$(policy anyb <<X
[landlock]
exec = $T/bin
tcp_bind = any
X
)
run "$H" "$anyb" "$LL" bind "$P3" connect "$P3"
is "$(line bind)/$(line connect)" "ok/errno EACCES" \
	"tcp_bind = any leaves bind free; connect, not granted, is denied"

# ---- scopes ----
if [ "$abi" -ge 6 ]; then
	name="harden-ll-$$"
	"$LL" ulisten "$name" 30 >"$T/ul.out" &
	ulpid=$!
	on_exit "kill $ulpid"
	for _ in $(seq 50); do grep -q ok "$T/ul.out" && break; sleep 0.1; done
	sc=$(policy sc <<'X'
[landlock]
scope = abstract_unix signal
X
)
	run "$H" "$sc" "$LL" uconnect "$name" kill "$ulpid"
	is "$(line uconnect)/$(line kill)" "errno EPERM/errno EPERM" \
		"scope: abstract unix connect and a signal to a process outside the domain: EPERM"
	run "$H" "$plain" "$LL" uconnect "$name" kill "$ulpid"
	is "$(line uconnect)/$(line kill)" "ok/ok" "control: the default domain alone scopes neither"
	kill "$ulpid" 2>/dev/null
else
	skip "needs Landlock ABI 6" "scope: abstract unix and signal"
	skip "needs Landlock ABI 6" "scope: control"
fi

# ---- the service's own domain keeps it from its uid's other processes ----
# A strict policy as nobody (the attack review's): its service must not
# write another nobody process's memory, through /proc/PID/mem or
# process_vm_writev.
strict=$(policy strict <<'X'
[policy]
include = baseline
[identity]
user = nobody
[seccomp]
allow = @system-service
restrict_namespaces = yes
memory_deny_write_execute = yes
action = kill
X
)
optout=$(policy optout <<X
[policy]
include = $strict
[landlock]
domain = no
X
)
nob=$(policy nob <<'X'
[identity]
user = nobody
X
)
nobout=$(policy nobout <<'X'
[identity]
user = nobody
[landlock]
domain = no
X
)
victim() { # SECONDS: start a nobody process outside any domain; sets vpid vaddr
	setpriv --reuid=65534 --regid=65534 --clear-groups "$LL" victim "$1" >"$T/victim.out" &
	vbg=$!
	on_exit "kill $vbg"
	for _ in $(seq 50); do grep -q ok "$T/victim.out" && break; sleep 0.1; done
	vpid=$(sed -n 's/^victim: ok \([0-9]*\) .*/\1/p' "$T/victim.out")
	vaddr=$(sed -n 's/^victim: ok [0-9]* \(0x[0-9a-f]*\)/\1/p' "$T/victim.out")
}
victim_says() { # the victim's verdict, once it has one (or is gone)
	for _ in $(seq 100); do
		grep -Eq '^victim: (un)?changed$' "$T/victim.out" && break
		kill -0 "$vbg" 2>/dev/null || break
		sleep 0.1
	done
	sed -n 's/^victim: \(changed\|unchanged\)$/\1/p' "$T/victim.out"
}
victim 3
run "$H" "$strict" "$LL" memwrite "$vpid" "$vaddr"
is "$(line memwrite)" "errno EACCES" "strict policy as nobody: /proc/PID/mem of another nobody process not writable"
run "$H" "$nob" "$LL" vmwrite "$vpid" "$vaddr"
is "$(line vmwrite)" "errno EPERM" "as nobody, no filter: process_vm_writev into another nobody process: EPERM"
is "$(victim_says)" "unchanged" "... the other process's memory is unchanged"
victim 20
run "$H" "$optout" "$LL" memwrite "$vpid" "$vaddr"
is "$(line memwrite)" "ok" "control: domain = no, /proc/PID/mem of the other process is writable"
is "$(victim_says)" "changed" "... and its memory changed"
victim 20
run "$H" "$nobout" "$LL" vmwrite "$vpid" "$vaddr"
is "$(line vmwrite)" "ok" "control: domain = no, process_vm_writev works"
is "$(victim_says)" "changed" "... and its memory changed"

# ---- log ----
if [ "$abi" -ge 7 ]; then
	lg=$(policy lg <<X
[landlock]
exec = $T/bin
log = yes
X
)
	run "$H" -v "$lg" "$LL" read "$T/o/f"
	is "$rc/$(line read)" "0/errno EACCES" "log = yes: accepted, the rules hold"
	like "$err" "landlock: ABI $abi, domain entered: .*; denials logged" "... restricted with LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON"
	# Landlock writes audit records only when audit is on (auditctl -e 1,
	# or auditd running); turning it on would change the host.
	audit=$(python3 -c 'import socket,struct
s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,9);s.bind((0,0))
s.send(struct.pack("=IHHII",16,1000,1,1,0));d=s.recv(4096)
print(struct.unpack("=I",d[20:24])[0])' 2>/dev/null)
	if [ "$audit" = 1 ]; then
		run "$H" "$lg" "$LL" read "$T/o/f"
		sleep 0.2
		like "$(dmesg | grep 'type=1423' | tail -n 5)" "llprobe" "log = yes: the denial is in the kernel's audit log"
	else
		skip "kernel audit is off here (audit_enabled = ${audit:-unknown}); Landlock then writes no record" \
			"log = yes: the denial is in the kernel's audit log"
	fi
else
	skip "needs Landlock ABI 7" "log = yes"
fi

# ---- no Landlock, best_effort ----
# A kernel without Landlock, made for real: an outer harden-exec whose
# filter answers ENOSYS to landlock_create_ruleset (as a container
# runtime's older profile does). An ABI older than 7 but not 0 cannot be
# had without mocking the kernel; the message is the same code path.
outer=$(policy outer <<'X'
[seccomp]
deny = landlock_create_ruleset
action = errno:ENOSYS
X
)
want=$(policy want <<X
[landlock]
exec = $T/bin
tcp_bind = 80
X
)
be=$(policy be <<X
[landlock]
exec = $T/bin
tcp_bind = 80
scope = signal
log = yes
best_effort = yes
X
)
run "$H" "$outer" "$H" "$want" "$LL" nop
is "$rc" 125 "no Landlock, [landlock] rules: exit 125"
like "$err" "want.ini:2: \[landlock\] exec: needs Landlock ABI 1, the kernel has 0 \(no Landlock" \
	"... naming the key, the ABI it needs and the ABI found"
run "$H" "$outer" "$H" -v "$be" "$LL" read "$T/o/f"
is "$rc/$(line read)" "0/ok" "best_effort = yes without Landlock: the service runs, unconfined"
is "$(printf '%s\n' "$err" | grep -c 'best_effort: .* dropped')" 4 "... each dropped key logged"
like "$err" "best_effort: tcp_bind dropped \(needs ABI 4, the kernel has 0\)" "... with the ABI it needs and the ABI found"
run "$H" "$outer" "$H" -v "$plain" "$LL" nop
is "$rc" 0 "no Landlock, no [landlock]: the service runs"
like "$err" "landlock: no domain: the kernel has no Landlock" "... and the log says it has no domain"

# ---- late mode: the rules apply from exec ----
if [ -x /usr/bin/cat ] && [ -f "$BUILD/libharden.so" ]; then
	late=$(policy late <<X
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = main
[landlock]
exec = /usr/bin /usr/lib
read = $T/r /etc
X
)
	run "$H" "$late" /usr/bin/cat "$T/r/f"
	is "$rc" 125 "late: rules without the preload shim: exit 125"
	like "$err" "libharden.so \(the preload shim of a late apply\) is not beneath any read or exec path" "... naming the shim"
	late2=$(policy late2 <<X
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = main
[landlock]
exec = /usr/bin /usr/lib
read = $T/r /etc /proc $BUILD
X
)
	run "$H" "$late2" /usr/bin/cat "$T/r/f"
	is "$rc/$out" "0/data" "late: the service loads with the shim readable, and reads what read grants"
	run "$H" "$late2" /usr/bin/cat "$T/o/f"
	like "$rc/$err" "^1/.*Permission denied" "late: what the rules do not grant is refused from exec"
	late3=$(policy late3 <<X
[identity]
user = nobody
[seccomp]
allow = @system-service
apply = main
[landlock]
exec = /usr/bin /usr/lib
read = $T/r /etc $BUILD
X
)
	run "$H" "$late3" /usr/bin/cat "$T/r/f"
	like "$rc: $err" "^125: .*late3.ini:8: \[landlock\] read: /proc is not beneath any read path, and the preload shim" \
		"late: rules that keep /proc from the shim: exit 125, saying so"
else
	for d in "no shim" "shim message" "granted" "refused" "no /proc"; do skip "needs /usr/bin/cat and the shim" "late: $d"; done
fi

# ---- check, audit, verify ----
run "$H" check "$fs"
like "$out" "^ *[0-9]+ landlock      ABI $abi; 3 path and 0 port rules; handled: every filesystem right" "check: the Landlock step"
run "$H" check "$plain"
like "$out" "^ *[0-9]+ landlock      a domain of its own, no rules" "check: the default domain"
run "$H" check "$nobout" --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin)["landlock"]; print(d["domain"], d["rules"])')" \
	"False False" "check --json: domain = no, no domain"
score() { "$H" audit "$1" --json | python3 -c 'import json,sys; print([c["exposure"] for c in json.load(sys.stdin)["checks"] if c["check"] == "landlock"][0])'; }
is "$(score "$nobout") $(score "$nob") $(score "$tcp")" "1.0 0.6 0.2" \
	"audit scores Landlock: no domain 1.0, a domain alone 0.6, rules with TCP 0.2"
"$LL" victim 10 >/dev/null &
vp=$!
on_exit "kill $vp"
run "$H" verify "$plain" "$vp" --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["landlock"])')" \
	"planned; not shown by the kernel" "verify --json: the domain is planned; this kernel does not show it in /proc"
kill "$vp" 2>/dev/null

# ---- unprivileged, no_new_privs = no: no domain can be entered ----
nnpno=$(policy nnpno <<X
[exec]
no_new_privs = no
[landlock]
exec = $T/bin
X
)
nnpnodef=$(policy nnpnodef <<'X'
[exec]
no_new_privs = no
X
)
if setpriv --reuid=65534 --regid=65534 --clear-groups "$H" --version >/dev/null 2>&1; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$H" "$nnpno" "$LL" nop
	like "$rc: $err" "^125: .*nnpno.ini:2: \[exec\] no_new_privs = no: \[landlock\] needs no_new_privs here" \
		"unprivileged, no_new_privs = no, [landlock] rules: refused"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$H" -v "$nnpnodef" "$LL" nop
	is "$rc" 0 "unprivileged, no_new_privs = no, no rules: runs"
	like "$err" "landlock: no domain: no_new_privs = no, without CAP_SYS_ADMIN" \
		"... without the default domain, and says so"
else
	skip "$H is out of nobody's reach here" "unprivileged, no_new_privs = no, rules"
	skip "$H is out of nobody's reach here" "unprivileged, no_new_privs = no, no rules"
	skip "$H is out of nobody's reach here" "unprivileged, no_new_privs = no, no rules: the log"
fi
