#!/usr/bin/env bash
# Bad input is a test case: every fixture tests/fixtures/bad-*.ini names on
# its first line the message it must produce. Each must exit 125 with
# "harden-exec: FILE:LINE: ..." and the command must never run.
. "$(dirname "$0")/../lib.sh"

# A policy must never let the command start: it would create $T/ran.
check_refused() { # DESC EXPECT-REGEX CMD...
	local desc=$1 expect=$2
	shift 2
	rm -f "$T/ran"
	run "$@" -- "$PROBE" write "$T/ran" 1
	is "$rc" 125 "$desc: exit 125"
	like "$err" "$expect" "$desc: message"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$desc: one line"
	if [ -e "$T/ran" ]; then fail "$desc: command never ran"; else pass "$desc: command never ran"; fi
}

for f in "$FIX"/bad-*.ini; do
	name=$(basename "$f")
	expect=$(sed -n '1s/^; expect: //p' "$f")
	check_refused "$name" "^harden-exec: ([^ ]*/)?$expect" "$H" "$f"
done

# A NUL byte cannot be written in a fixture comfortably: make one.
printf '[exec]\numask = 0022\0\n' >"$T/nul.ini"
chmod 644 "$T/nul.ini"
check_refused "NUL byte" "nul.ini: contains a NUL byte" "$H" "$T/nul.ini"

# ---- trust: who may write the policy decides what the service may do ----
good=$(policy good <<'X'
[exec]
umask = 0022
X
)
ln -s "$good" "$T/link.ini"
check_refused "symlink" "link.ini: is a symbolic link \(refused" "$H" "$T/link.ini"

cp "$good" "$T/gw.ini" && chmod 0664 "$T/gw.ini"
check_refused "group-writable" "gw.ini: writable by its group \(refused" "$H" "$T/gw.ini"

cp "$good" "$T/ow.ini" && chmod 0646 "$T/ow.ini"
check_refused "world-writable" "ow.ini: writable by others \(refused" "$H" "$T/ow.ini"

if [ "$(id -u)" -eq 0 ]; then
	cp "$good" "$T/owned.ini" && chown 65534 "$T/owned.ini"
	check_refused "owned by another user" "owned.ini: owned by uid 65534, neither root nor the invoking user" "$H" "$T/owned.ini"
else
	skip "needs root to chown" "owned by another user"
fi

mkdir "$T/dir.ini"
check_refused "a folder" "dir.ini: not a regular file" "$H" "$T/dir.ini"
mkfifo "$T/fifo.ini" && chmod 644 "$T/fifo.ini"
check_refused "a FIFO" "fifo.ini: not a regular file" "$H" "$T/fifo.ini"
check_refused "missing file" "nope.ini: No such file or directory" "$H" "$T/nope.ini"

# An include is held to the same rules as the file that names it.
cp "$good" "$T/inc-gw.ini" && chmod 0666 "$T/inc-gw.ini"
inc=$(policy inc <<'X'
[policy]
include = inc-gw.ini
X
)
check_refused "include of a writable file" "inc.ini:2: \[policy\] include = inc-gw.ini: .*writable by others" "$H" "$inc"

# ---- chroot folders that others could fill ----
mkdir -p "$T/jail-w" "$T/real-jail"
chmod 0777 "$T/jail-w"
p=$(policy jw <<X
[filesystem]
chroot = $T/jail-w
X
)
check_refused "chroot writable by others" "jw.ini:2: \[filesystem\] chroot = .*must be owned by root and not writable" "$H" "$p"
ln -s "$T/real-jail" "$T/jail-link"
p=$(policy jl <<X
[filesystem]
chroot = $T/jail-link
X
)
check_refused "chroot through a symlink" "jl.ini:2: \[filesystem\] chroot = .*a symbolic link on the path" "$H" "$p"
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T/jail-u" && chown 65534 "$T/jail-u"
	p=$(policy ju <<X
[filesystem]
chroot = $T/jail-u
X
)
	check_refused "chroot owned by non-root" "ju.ini:2: .*must be owned by root" "$H" "$p"
fi
