#!/usr/bin/env bash
# harden-exec run by an unprivileged user (65534): what still works, and
# what must fail closed instead of being skipped quietly.
. "$(dirname "$0")/../lib.sh"
need_root
command -v setpriv >/dev/null || { echo "1..0 # SKIP needs setpriv"; exit 0; }

# Copies the unprivileged user can reach, wherever the checkout lives.
cp "$H" "$T/harden-exec" && cp "$PROBE" "$T/probe"
H=$T/harden-exec PROBE=$T/probe
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)

run "${NOBODY[@]}" "$H" --baseline "$PROBE" status
is "$rc" 0 "baseline as nobody: runs"
is "$(field Uid)" "65534 65534 65534 65534" "baseline as nobody: uid unchanged"
for s in CapInh CapPrm CapEff CapAmb; do is "$(field $s)" 0000000000000000 "baseline as nobody: $s empty"; done
is "$(field NoNewPrivs)" 1 "baseline as nobody: NoNewPrivs"
is "$(field Seccomp)" 2 "baseline as nobody: Seccomp filter"
run "${NOBODY[@]}" "$H" -v --baseline "$PROBE" cwd
like "$err" "bounding set unchanged \(no CAP_SETPCAP; no_new_privs makes it inert\)" \
	"baseline as nobody: the unchanged bounding set is reported, with why"

same=$(policy same <<'X'
[identity]
user = nobody
group = 65534
X
)
run "${NOBODY[@]}" "$H" "$same" "$PROBE" status
is "$rc" 0 "[identity] equal to the caller's own: runs"

check() { # DESC REGEX POLICY
	rm -f "$T/ran"
	run "${NOBODY[@]}" "$H" "$3" -- "$PROBE" write "$T/ran" 1
	is "$rc" 125 "$1: exit 125"
	like "$err" "$2" "$1: message"
	if [ -e "$T/ran" ]; then fail "$1: command never ran"; else pass "$1: command never ran"; fi
}
# Sticky, as /tmp: nobody may write here, and a policy below it still
# passes the directory check (owned by root or the caller).
chmod 1777 "$T"

p=$(policy root <<'X'
[identity]
user = root
X
)
check "user = root as nobody" "^harden-exec: identity: .*root.ini:2: setresgid\(0\): Operation not permitted$" "$p"

mkdir -p "$T/jail" && chmod 0755 "$T/jail"
p=$(policy jail <<X
[filesystem]
chroot = $T/jail
X
)
check "chroot as nobody" "^harden-exec: filesystem: .*jail.ini:2: chroot $T/jail: Operation not permitted$" "$p"

p=$(policy cap <<'X'
[capabilities]
keep = CAP_NET_BIND_SERVICE
X
)
check "keep a capability nobody lacks" "^harden-exec: .*cap.ini:2: \[capabilities\] keep: CAP_NET_BIND_SERVICE: this process does not have it to keep$" "$p"

hard=$("${NOBODY[@]}" sh -c 'ulimit -Hn')
p=$(policy raise <<X
[limits]
nofile = $((hard + 1))
X
)
check "raise the hard nofile limit as nobody" "^harden-exec: .*raise.ini:2: \[limits\] nofile: the hard limit is $hard now; raising it needs CAP_SYS_RESOURCE$" "$p"

p=$(policy nnp <<'X'
[exec]
no_new_privs = no
[capabilities]
keep = none
X
)
check "drop capabilities as nobody with no_new_privs off" "cannot drop the bounding set without CAP_SETPCAP, and no_new_privs is off" "$p"

# The policy may belong to the invoking user...
cp "$same" "$T/mine.ini" && chown 65534 "$T/mine.ini"
run "${NOBODY[@]}" "$H" "$T/mine.ini" "$PROBE" cwd
is "$rc" 0 "a policy owned by the invoking user is trusted"
# ...but not to a third one.
cp "$same" "$T/theirs.ini" && chown 1 "$T/theirs.ini"
check "a policy owned by another user" "theirs.ini: owned by uid 1, neither root nor the invoking user" "$T/theirs.ini"
