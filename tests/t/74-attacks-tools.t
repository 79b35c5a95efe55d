#!/usr/bin/env bash
# Attacks on harden-exec's own inputs and operator tools (issue 13, items
# 7, 14, 15, 16): a policy reached through a directory someone else can
# write, a FIFO planted as the log target, a policy built to make planning
# slow, a process faking a hardened state for verify.
. "$(dirname "$0")/../lib.sh"
need_root

good='[exec]
umask = 0022'

# ---- 15: every directory on the policy's path is trusted ----
mkdir "$T/gw" && chmod 0775 "$T/gw"
printf '%s\n' "$good" >"$T/gw/p.ini" && chmod 0644 "$T/gw/p.ini"
run "$H" "$T/gw/p.ini" true
is "$rc" 125 "policy in a group-writable directory: refused (exit 125)"
like "$err" "p.ini: directory $T/gw is writable by its group \(refused" "group-writable directory: named in the message"
mkdir "$T/ow" && chmod 0757 "$T/ow"
printf '%s\n' "$good" >"$T/ow/p.ini" && chmod 0644 "$T/ow/p.ini"
run "$H" check "$T/ow/p.ini"
is "$rc" 1 "check: policy in a world-writable directory is invalid"
like "$err" "directory $T/ow is writable by others" "world-writable directory: named"
mkdir "$T/nb" && chown 65534 "$T/nb"
printf '%s\n' "$good" >"$T/nb/p.ini" && chmod 0644 "$T/nb/p.ini"
run "$H" "$T/nb/p.ini" true
like "$rc:$err" "^125:.*directory $T/nb is owned by uid 65534, neither root nor the invoking user" "directory owned by another user: refused"
# An include is read through the same walk.
printf '[policy]\ninclude = %s\n' "$T/gw/p.ini" | policy incgw >/dev/null
run "$H" "$T/incgw.ini" true
like "$rc:$err" "^125:.*incgw.ini:2: \[policy\] include = .*directory $T/gw is writable by its group" "include through a group-writable directory: refused"
# A sticky world-writable directory (as /tmp) holds a root-owned entry...
mkdir "$T/st" && chmod 1777 "$T/st"
printf '%s\n' "$good" >"$T/st/p.ini" && chmod 0644 "$T/st/p.ini"
run "$H" "$T/st/p.ini" true
is "$rc" 0 "sticky world-writable directory, root's entry: accepted"
# ...but not an entry another user owns, nor a directory below it that is.
mkdir "$T/st/sub" && chown 65534 "$T/st/sub"
printf '%s\n' "$good" >"$T/st/sub/p.ini" && chmod 0644 "$T/st/sub/p.ini"
run "$H" "$T/st/sub/p.ini" true
like "$rc:$err" "^125:.*directory $T/st/sub is owned by uid 65534" "sticky directory, another user's entry below: refused"
# The real path is what is checked: a symlinked folder cannot hide one.
ln -s "$T/gw" "$T/gwlink"
run "$H" "$T/gwlink/p.ini" true
like "$rc:$err" "^125:.*directory $T/gw is writable by its group" "a symlink to an untrusted directory: refused"
# Control: the same file in a trusted directory runs.
mkdir "$T/ok" && printf '%s\n' "$good" >"$T/ok/p.ini" && chmod 0644 "$T/ok/p.ini"
run "$H" "$T/ok/p.ini" true
is "$rc" 0 "control: a trusted directory"
run sh -c "cd '$T/ok' && '$H' p.ini true"
is "$rc" 0 "control: a relative policy path in a trusted directory"

# ---- 14: [log] target ----
mkfifo "$T/fifo"
lp=$(printf '[log]\nformat = json\ntarget = %s\n' "$T/fifo" | policy logfifo)
SECONDS=0
run "$H" "$lp" true
is "$rc" 125 "log target: a FIFO planted there is refused (exit 125)"
like "$err" "logfifo.ini:3: \[log\] target = $T/fifo: " "log target FIFO: FILE:LINE and the path"
[ "$SECONDS" -lt 5 ] && pass "log target FIFO: no hang ($SECONDS s)" || fail "log target FIFO: no hang" "took $SECONDS s"
# A FIFO with a reader opens, and is still not a regular file.
sleep 30 <>"$T/fifo" &
rd=$!
on_exit "kill -9 $rd"
run "$H" "$lp" true
like "$rc:$err" "^125:.*target = $T/fifo: not a regular file \(refused\)" "log target FIFO with a reader: not a regular file"
kill -9 "$rd"; wait "$rd" 2>/dev/null
touch "$T/log-ow" && chmod 0646 "$T/log-ow"
lp=$(printf '[log]\nformat = json\ntarget = %s\n' "$T/log-ow" | policy logow)
run "$H" "$lp" true
like "$rc:$err" "^125:.*target = $T/log-ow: writable by group or others" "log target writable by others: refused"
touch "$T/log-nb" && chown 65534 "$T/log-nb"
lp=$(printf '[log]\nformat = json\ntarget = %s\n' "$T/log-nb" | policy lognb)
run "$H" "$lp" true
like "$rc:$err" "^125:.*target = $T/log-nb: owned by neither root nor the invoking user" "log target owned by another user: refused"
ln -s "$T/log-ok" "$T/log-link"
lp=$(printf '[log]\nformat = json\ntarget = %s\n' "$T/log-link" | policy loglink)
run "$H" "$lp" true
like "$rc:$err" "^125:.*target = $T/log-link: a symbolic link" "log target through a symlink: refused"
lp=$(printf '[log]\nformat = json\ntarget = %s\n' "$T/log-ok" | policy logok)
run "$H" "$lp" true
is "$rc" 0 "control: a new log file is created"
like "$(stat -c %a "$T/log-ok")" "^600$" "control: created 0600"
like "$(cat "$T/log-ok")" '"event"' "control: events written to it"

# ---- 16: a 1 MiB policy of env_set items plans in linear time ----
python3 - "$T/env.ini" <<'X'
import sys
out, size, i = ["[exec]", "env_set = V0=first"], 30, 1
while size < 1000000:
    l = "\tV%d=x" % i
    out.append(l); size += len(l) + 1; i += 1
out.append("\tV0=last")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
X
chmod 0644 "$T/env.ini"
SECONDS=0
run "$H" check "$T/env.ini"
is "$rc" 0 "1 MiB of env_set items: check passes"
if [ "${HARDEN_BUILD:-build}" != build ]; then
	skip "a sanitizer build's allocator copies on every realloc; the plain build times this" "1 MiB of env_set items: planned fast"
else
	[ "$SECONDS" -le 3 ] && pass "1 MiB of env_set items: planned in $SECONDS s (was 20 s)" || fail "1 MiB of env_set items: planned fast" "took $SECONDS s"
fi
# The faster build gives what one-by-one replacement gave: each name once,
# the last value, at the place of the first.
dup=$(printf '[exec]\nenv = clear\nenv_set = A=1 B=2 A=3 C=4 B=5\n' | policy dup)
run env -i "$H" "$dup" env
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "A=3 B=5 C=4 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin " "env_set duplicates: last value, first place, once"

# ---- 7: verify reads the filters themselves ----
vp=$(policy vp <<'X'
[identity]
user = nobody
[capabilities]
keep = none
[seccomp]
allow = @system-service
X
)
# A process never started by harden-exec: nobody, no capabilities,
# no_new_privs and one allow-everything filter, so every counted field
# matches the policy.
setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs \
	/usr/bin/python3 -c '
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
insn = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 0x7fff0000))  # RET ALLOW
class P(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("f", ctypes.c_void_p)]
assert libc.prctl(22, 2, ctypes.byref(P(1, ctypes.cast(insn, ctypes.c_void_p)))) == 0
os.execv("/bin/sleep", ["sleep", "30"])' &
fake=$!
on_exit "kill -9 $fake"
"$H" "$vp" /bin/sleep 30 &
real=$!
on_exit "kill -9 $real"
for _ in $(seq 100); do
	[ "$(awk '/^Seccomp:/ { print $2 }' /proc/$fake/status 2>/dev/null)$(awk '/^Seccomp:/ { print $2 }' /proc/$real/status 2>/dev/null)" = 22 ] && break
	sleep 0.05
done
out=$(cat /proc/$fake/status)
is "$(field Uid) $(field CapBnd) $(field NoNewPrivs) $(field Seccomp_filters)" "65534 65534 65534 65534 0000000000000000 1 1" \
	"fake: every counted field looks hardened"
run "$H" verify "$vp" "$fake"
is "$rc" 1 "verify: an allow-everything filter is a mismatch (exit 1)"
like "$out" "^mismatch: thread $fake: the policy's filter \([0-9]+ instructions\) is not among its 1 filters" "verify: the filter mismatch is named per thread"
run "$H" verify "$vp" "$real"
is "$rc:$out" "0:pid $real holds $vp" "verify: the real hardened process holds"
is "$(awk '/^State:/ { print $2 }' /proc/$real/status)" "S" "verify: the service is left running, not stopped"
kill -9 "$real"; wait "$real" 2>/dev/null
# Threads: one thread whose filter differs is named alone.
"$H" "$vp" /usr/bin/python3 -c '
import ctypes, struct, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def odd():
    insn = ctypes.create_string_buffer(struct.pack("HBBI", 6, 0, 0, 0x7fff0000))
    class P(ctypes.Structure): _fields_ = [("len", ctypes.c_ushort), ("f", ctypes.c_void_p)]
    libc.prctl(22, 2, ctypes.byref(P(1, ctypes.cast(insn, ctypes.c_void_p))))
    print(libc.syscall(186), flush=True)
    time.sleep(30)
threading.Thread(target=odd).start()
time.sleep(30)' >"$T/tid" &
thr=$!
on_exit "kill -9 $thr"
for _ in $(seq 100); do [ -s "$T/tid" ] && break; sleep 0.05; done
run "$H" verify "$vp" "$thr"
is "$rc:$out" "0:pid $thr holds $vp" "verify: a thread with one more filter (stricter) still holds"
kill -9 "$thr"; wait "$thr" 2>/dev/null
# A late policy: the shim's filter and the early one are both found.
if [ -e "$BUILD/libharden.so" ]; then
	lp=$(policy lp <<'X'
[identity]
user = nobody
[seccomp]
allow = @system-service
early_deny = @mount
apply = main
X
)
	"$H" "$lp" /bin/sleep 30 &
	sup=$!
	on_exit "kill -9 $sup"
	# A late apply keeps harden-exec as the supervisor: the service is its child.
	for _ in $(seq 100); do
		late=$(cat "/proc/$sup/task/$sup/children" 2>/dev/null | awk '{ print $1 }')
		[ -n "$late" ] && [ "$(awk '/^Seccomp_filters:/ { print $2 }' "/proc/$late/status" 2>/dev/null)" = 2 ] && break
		sleep 0.05
	done
	run "$H" verify "$lp" "$late"
	is "$rc:$out" "0:pid $late holds $lp" "verify: a late service holds once its trigger passed (both filters compared)"
	run "$H" verify "$vp" "$late"
	like "$rc $(printf '%s\n' "$out" | grep filter)" "^1 mismatch: thread $late: the policy's filter \([0-9]+ instructions\) is not among its 2 filters" "verify: the late service does not hold another policy's filter"
	kill -9 "$late" "$sup"; wait "$sup" 2>/dev/null
else
	skip "needs libharden.so" "verify: a late service"
	skip "needs libharden.so" "verify: a late service, another policy"
fi
