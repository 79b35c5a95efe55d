#!/usr/bin/env bash
# Attacks on resources, each under the [limits] key meant to stop it and
# next to a control run without it: fork bomb, memory bomb, CPU spin,
# disk fill, descriptor exhaustion, raising a lowered limit. Afterwards
# the host must hold nothing of the attack (process, file, mount).
. "$(dirname "$0")/../lib.sh"
need_root
. "$TOP/tests/attacks/common.sh"

# ---- fork bomb: nproc, as nobody (root's processes ignore RLIMIT_NPROC) ----
fb=$(policy forkbomb <<'X'
[identity]
user = nobody
[limits]
nproc = 20
core = 0
[exec]
setsid = yes
X
)
fbctl=$(policy forkbomb-ctl <<'X'
[identity]
user = nobody
[exec]
setsid = yes
X
)
run "$H" "$fb" "$PROBE" pid fork 4096
res=$(line fork)
like "$res" "^errno EAGAIN after [0-9]+$" "fork bomb, nproc = 20: fork(2) fails with EAGAIN"
n=${res##* }
if [ -n "$n" ] && [ "$n" -lt 20 ] 2>/dev/null; then
	pass "fork bomb: stopped at $n children, under the limit of 20 processes"
else
	fail "fork bomb: stopped under the limit of 20 processes" "got: $res"
fi
is "$rc" 0 "fork bomb: the service itself survives and exits 0"
no_session_left "$(svc_pid)" "fork bomb"
run "$H" "$fbctl" "$PROBE" pid fork 100
is "$(line fork)" "ok 100" "control: without nproc, nobody forks 100 children"
no_session_left "$(svc_pid)" "fork bomb control"

# ---- memory bomb: as (address space) ----
mb=$(policy membomb <<'X'
[limits]
as = 64M
core = 0
[exec]
setsid = yes
X
)
none=$(policy none <<'X'
[exec]
setsid = yes
[limits]
core = 0
X
)
run "$H" "$mb" "$ATTACK" pid membomb 1024
res=$(line membomb)
like "$res" "^errno ENOMEM after [0-9]+$" "memory bomb, as = 64M: malloc fails with ENOMEM"
n=${res##* }
if [ -n "$n" ] && [ "$n" -lt 64 ] 2>/dev/null; then
	pass "memory bomb: $n MiB touched before ENOMEM, under 64 MiB"
else
	fail "memory bomb: under 64 MiB before ENOMEM" "got: $res"
fi
is "$rc" 0 "memory bomb: no OOM kill, the service exits 0"
no_session_left "$(svc_pid)" "memory bomb"
run "$H" "$none" "$ATTACK" membomb 128
is "$(line membomb)" "ok 128" "control: without as, 128 MiB are allocated and touched"

# ---- CPU spin: cpu ----
# soft = hard: SIGKILL at the hard limit; soft < hard: SIGXCPU at the soft
# one, whose default action ends the process (core = 0: no core file).
spin=$(policy spin <<'X'
[limits]
cpu = 1
core = 0
[exec]
setsid = yes
X
)
spin2=$(policy spin2 <<'X'
[limits]
cpu = 1:3
core = 0
[exec]
setsid = yes
X
)
t0=$(date +%s)
run timeout -k 2 20 "$H" "$spin" "$ATTACK" pid cpuspin 30
t1=$(date +%s)
is "$(line cpuspin)" "started" "CPU spin, cpu = 1: it started and never finished"
is "$rc" $((128 + 9)) "CPU spin, cpu = 1: killed by SIGKILL at the hard limit"
if [ $((t1 - t0)) -le 10 ]; then pass "CPU spin: ended within 10 s ($((t1 - t0)) s)"; else fail "CPU spin: ended within 10 s ($((t1 - t0)) s)"; fi
no_session_left "$(svc_pid)" "CPU spin"
run timeout -k 2 20 "$H" "$spin2" "$ATTACK" pid cpuspin 30
is "$rc" $((128 + 24)) "CPU spin, cpu = 1:3: killed by SIGXCPU at the soft limit"
no_session_left "$(svc_pid)" "CPU spin (SIGXCPU)"
run timeout -k 2 20 "$H" "$none" "$ATTACK" cpuspin 2
like "$out" "cpuspin: ok" "control: without cpu, 2 s of CPU are spent to the end"
if ls "$T"/core* "$TOP"/core* >/dev/null 2>&1; then fail "CPU spin: no core file written"; else pass "CPU spin: no core file written"; fi

# ---- disk fill: fsize ----
df=$(policy fill <<'X'
[limits]
fsize = 1M
X
)
run "$H" "$df" "$PROBE" write "$T/fill" 4194304
is "$(line write)" "errno EFBIG written 1048576" "disk fill, fsize = 1M: write fails with EFBIG at 1 MiB"
is "$(stat -c %s "$T/fill")" 1048576 "disk fill: the file stopped at 1 MiB"
if command -v dd >/dev/null; then
	run "$H" "$df" dd if=/dev/zero of="$T/fill-dd" bs=64k count=64
	is "$rc" $((128 + 25)) "disk fill by a program that keeps SIGXFSZ's default: killed by SIGXFSZ"
	is "$(stat -c %s "$T/fill-dd")" 1048576 "disk fill by dd: the file stopped at 1 MiB"
else
	skip "needs dd" "disk fill: SIGXFSZ"
	skip "needs dd" "disk fill: SIGXFSZ size"
fi
run "$H" "$none" "$PROBE" write "$T/fill" 4194304
is "$(line write)" "ok" "control: without fsize, 4 MiB are written"
rm -f "$T/fill" "$T/fill-dd"

# ---- descriptor exhaustion: nofile ----
fd=$(policy fdbomb <<'X'
[limits]
nofile = 16
X
)
run "$H" "$fd" "$ATTACK" fdbomb 100000
is "$(line fdbomb)" "errno EMFILE after 13" "descriptor bomb, nofile = 16: EMFILE after 13 (0-2 are open)"
run "$H" "$none" "$ATTACK" fdbomb 200
is "$(line fdbomb)" "ok 200" "control: without nofile, 200 descriptors are opened"

# ---- raising a lowered limit again ----
hard=$(ulimit -Hn)
low=$(policy low <<'X'
[policy]
include = baseline
[limits]
nofile = 64
X
)
run "$H" "$low" "$PROBE" setrlimit nofile 64 "$hard" setrlimit nofile 65 65 setrlimit nofile 32 64 limits
is "$(printf '%s\n' "$out" | sed -n 's/^setrlimit: //p' | tr '\n' ' ')" "errno EPERM errno EPERM ok " \
	"nofile = 64: the hard limit cannot be raised again (to $hard, or by one), only lowered"
run "$H" "$none" "$PROBE" setrlimit nofile 64 "$hard"
is "$(line setrlimit)" "ok" "control: without nofile the service keeps the caller's hard limit ($hard)"
if grep -q '^CapEff:.*' /proc/self/status && (( (0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24) & 1 )); then
	keepres=$(policy keepres <<'X'
[limits]
nofile = 64
X
)
	run "$H" "$keepres" "$PROBE" setrlimit nofile 64 "$hard"
	is "$(line setrlimit)" "ok" "control: with CAP_SYS_RESOURCE still held, the lowered limit can be raised"
else
	skip "this root lacks CAP_SYS_RESOURCE" "control: with CAP_SYS_RESOURCE held, the lowered limit can be raised"
fi
no_new_mounts "limits"
