#!/usr/bin/env bash
# The parser and plan path under valgrind's memcheck: every bad fixture
# (refused with 125), and good policies through `harden-exec check`, which
# loads and plans exactly as a run does. A memcheck error makes valgrind
# exit 99. (A real run stops at the descriptor read-back under valgrind:
# valgrind keeps descriptors of its own that harden-exec cannot close,
# and refuses to start the service, as it should.)
. "$(dirname "$0")/../lib.sh"
# valgrind cannot follow a static libc's allocator: the same objects,
# linked with a shared libc, stand in for the static harden-exec.
[ -x "$BUILD/harden-exec-dynamic" ] && H=$BUILD/harden-exec-dynamic
bail() { echo "1..0 # SKIP $1"; trap - EXIT; rm -rf "$T"; exit 0; }
command -v valgrind >/dev/null || bail "valgrind not installed (apt-get install valgrind)"
if ldd "$H" 2>/dev/null | grep -q 'libasan'; then
	bail "a sanitizer build: valgrind cannot run AddressSanitizer binaries (the plain build covers this)"
fi
VG=(valgrind -q --error-exitcode=99)

for f in "$FIX"/bad-*.ini; do
	run "${VG[@]}" "$H" "$f" -- "$PROBE" exit 0
	is "$rc" 125 "memcheck clean, refused: $(basename "$f")"
done

good=$(policy good <<'X'
[policy]
include = baseline
[exec]
env = clear
env_keep = TZ LANG
env_set = PATH=/usr/bin:/bin
umask = 0027
die_with_parent = yes
[identity]
user = nobody
supplementary_groups = none
[limits]
nofile = 256:512
cpu = 1m
fsize = 1G
[capabilities]
keep = CAP_NET_BIND_SERVICE
[seccomp]
allow = @system-service
deny = @privileged @mount @debug
action = kill
address_families = AF_UNIX AF_INET AF_INET6
memory_deny_write_execute = yes
lock_personality = yes
X
)
late=$(policy late <<'X'
[identity]
user = nobody
[seccomp]
apply = listen
allow = @system-service
early_deny = @mount @debug
deadline = 5s
X
)
"$H" --print-baseline >"$T/printed.ini"
chmod 0644 "$T/printed.ini"
for p in "$good" "$late" "$T/printed.ini" "$TOP"/conf/examples/*.ini; do
	run "${VG[@]}" "$H" check "$p"
	if [ "$rc" -ne 99 ] && ! printf '%s\n' "$err" | grep -q '^==[0-9]*=='; then
		pass "memcheck clean: check $(basename "$p") (exit $rc)"
	else
		fail "memcheck clean: check $(basename "$p")" "$err"
	fi
done
run "${VG[@]}" "$H" "$good" -- "$PROBE" exit 0
is "$rc" 125 "memcheck clean through a real run up to the descriptor read-back"
like "$err" "^harden-exec: sanitise: descriptor [0-9]+ is still open after closing$" \
	"... where valgrind's own descriptors make harden-exec refuse to go on"
