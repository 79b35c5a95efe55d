#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The late stage's one-call checks of a lone thread (handoff flag HF_LONE,
# shim/late.c lone()): unshare(CLONE_VM) says whether the service is one
# thread whose memory no other task uses; then it reads its identity with
# getresuid, setfsuid(-1), capget instead of /proc, and skips the kcmp
# walk. The checks must fail as the /proc ones do, and a service with a
# second thread must take the /proc walk.
. "$(dirname "$0")/../lib.sh"
need_root
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs $PY"; exit 0; }
cd "$T" || exit 1

# A python service: optionally keep capabilities over the uid change
# (PR_SET_KEEPCAPS) or start a second thread, then listen on a unix socket
# and wait (the trigger, apply = listen), then print its own state.
cat >"$T/svc.py" <<'X'
import ctypes, os, select, socket, sys, threading
if "keepcaps" in sys.argv:
    ctypes.CDLL(None, use_errno=True).prctl(8, 1, 0, 0, 0)  # PR_SET_KEEPCAPS
if "thread" in sys.argv:
    ev = threading.Event()
    threading.Thread(target=ev.wait, daemon=True).start()
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
select.select([s], [], [], 0)  # the trigger
for tid in sorted(os.listdir("/proc/self/task")):
    st = dict(l.split(":", 1) for l in open("/proc/self/task/%s/status" % tid).read().splitlines() if ":" in l)
    print("thread:", " ".join("%s=%s" % (k, " ".join(st[k].split())) for k in ("Uid", "Gid", "CapPrm", "CapEff", "Seccomp")))
X
HARD='Uid=65534 65534 65534 65534 Gid=65534 65534 65534 65534 CapPrm=0{16} CapEff=0{16} Seccomp=2'
svc() { # FLAGS... -- ARGS: run the service under shimtest, identity nobody, trigger listen
	local flags=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	rm -f "$T/sock"
	run timeout 30 "$BUILD/tests/shimtest" "${flags[@]}" --trigger listen --uid 65534 --gid 65534 -- \
		"$PY" "$T/svc.py" "$T/sock" "$@"
}
every() { # REGEX DESC
	local n m
	n=$(printf '%s\n' "$out" | grep -c '^thread:')
	m=$(printf '%s\n' "$out" | grep '^thread:' | grep -cE "$1")
	if [ "$n" -gt 0 ] && [ "$n" = "$m" ]; then pass "$2 ($n threads)"; else fail "$2" "$out" "want every thread: $1"; fi
}

for mode in lone walk; do
	f=()
	[ $mode = lone ] && f=(--lone)
	svc "${f[@]}" --
	is "$rc" 0 "$mode: a lone service passes its trigger"
	every "^thread: $HARD" "$mode: it is nobody, without capabilities, filtered"

	svc "${f[@]}" -- keepcaps
	is "$rc" 125 "$mode: capabilities kept over the uid change (PR_SET_KEEPCAPS) fail the late stage (125)"
	like "$err" "harden-exec: shim: late stage: thread [0-9]+ has (capabilities|CapPrm)" "$mode: the message names the thread and its capabilities"
	unlike "$out" "^thread:" "$mode: the service never went on"

	svc "${f[@]}" -- thread
	is "$rc" 0 "$mode: a service with a second thread passes its trigger"
	every "^thread: $HARD" "$mode: both threads are nobody, without capabilities, filtered"
	is "$(printf '%s\n' "$out" | grep -c '^thread:')" 2 "$mode: two threads"
done

# Which path ran: strace shows the one call, and no /proc walk, only for a lone thread.
if command -v strace >/dev/null; then
	rm -f "$T/sock"
	timeout 30 strace -f -e trace=unshare,openat -o "$T/trace" "$BUILD/tests/shimtest" --lone --trigger listen \
		--uid 65534 --gid 65534 -- "$PY" "$T/svc.py" "$T/sock" >/dev/null 2>&1
	like "$(cat "$T/trace")" "unshare\(CLONE_VM\) += 0" "lone: unshare(CLONE_VM) answered 0"
	# (the service's own listing after its trigger opens it O_NONBLOCK)
	unlike "$(cat "$T/trace")" '"/proc/self/task", O_RDONLY\|O_CLOEXEC\|O_DIRECTORY\)' "lone: the shim opened no /proc/self/task"
	unlike "$(cat "$T/trace")" '/children"' "lone: nor any children file (no kcmp walk)"
	rm -f "$T/sock"
	timeout 30 strace -f -e trace=unshare,openat -o "$T/trace" "$BUILD/tests/shimtest" --lone --trigger listen \
		--uid 65534 --gid 65534 -- "$PY" "$T/svc.py" "$T/sock" thread >/dev/null 2>&1
	like "$(cat "$T/trace")" "unshare\(CLONE_VM\) += -1 EINVAL" "two threads: unshare(CLONE_VM) refused (EINVAL)"
	like "$(cat "$T/trace")" '"/proc/self/task", O_RDONLY\|O_CLOEXEC\|O_DIRECTORY\)' "two threads: the shim walked /proc/self/task"
	like "$(cat "$T/trace")" '/children"' "two threads: and the children files (the kcmp walk)"
else
	skip "needs strace" "lone: which path ran"
fi
