#!/usr/bin/env bash
# The filesystem jail ([filesystem]): every key observed from inside the
# service (a refused write with its errno, a listing, an exec), escapes
# that must fail after pivot_root, symlinks in bind sources and in the
# new root, and nothing left in the host's mountinfo.
. "$(dirname "$0")/../lib.sh"
need_root

ATTACK=$BUILD/tests/attacks/attack
PROBE_ABS=$PROBE
# The root, /tmp (where a new root is staged) and this test's folder but
# its own submount: other work on this machine may mount elsewhere.
ours() { awk -v t="$T" '$5 == "/" || $5 == "/tmp" || (index($5, t) == 1 && $5 != t "/sub") { print $5, $6 }' /proc/self/mountinfo; }
mounts_before=$(ours)
leftovers() { # DESC
	is "$(ours)" "$mounts_before" "$1: nothing left in the host's mountinfo"
	is "$(ps -eo pid=,args= | awk -v t="$T" 'index($0, t) && !/awk/' | wc -l)" 0 "$1: no process left"
}
# sh -c SCRIPT through harden-exec; $out holds what it printed.
jail() { local pol=$1; shift; run "$H" "$pol" /bin/sh -c "$*"; }

mkdir -p "$T/rw" "$T/data" "$T/secret/sub" "$T/x" "$T/sub"
echo hidden >"$T/secret/file"
echo data >"$T/data/d"
cp /bin/true "$T/x/true"
# A submount of our own under the read-only tree.
mount -t tmpfs -o size=1m harden-test "$T/sub"
on_exit "umount -l '$T/sub'"

# ---- read_only = /, read_write, inaccessible, noexec/exec on the host tree ----
p=$(policy strict <<X
[filesystem]
read_only = /
read_write = $T/rw
inaccessible = $T/secret
noexec = $T
exec = $T/rw
X
)
jail "$p" "echo a > $T/file; echo b > $T/sub/f; echo c > $T/rw/f && echo rw-ok; ls -A $T/secret; cat $T/secret/file; $T/x/true; echo exec=\$?; cp $T/x/true $T/rw/t && $T/rw/t && echo exec-rw-ok"
is "$rc" 0 "strict: runs" "$err"
like "$err" "$T/file: Read-only file system" "read_only = /: a write fails with EROFS"
like "$err" "$T/sub/f: Read-only file system" "read_only = /: a write on a submount fails with EROFS too"
like "$out" "rw-ok" "read_write: writable"
is "$(cat "$T/rw/f")" c "read_write: the write reached the host's file"
unlike "$out" "hidden" "inaccessible: the file cannot be read"
like "$err" "secret/file: No such file or directory" "inaccessible: its content is gone"
like "$err" "$T/x/true: Permission denied" "noexec: an exec is refused"
like "$out" "exec=126" "noexec: the shell reports it cannot execute"
like "$out" "exec-rw-ok" "exec: a path below noexec may execute again"
jail "$p" "grep ' $T/rw ' /proc/self/mountinfo; grep ' $T/secret ' /proc/self/mountinfo; grep ' / ' /proc/self/mountinfo"
like "$out" "$T/rw rw,.*" "mountinfo inside: read_write is rw"
like "$out" "$T/secret ro,nosuid,nodev,noexec" "mountinfo inside: inaccessible is ro, empty, mode 000"
like "$out" "[0-9] [^ ]+ / ro," "mountinfo inside: / is ro"
leftovers "strict"

# As nobody, the hidden folder cannot even be listed.
p=$(policy hide-nobody <<X
[filesystem]
inaccessible = $T/secret
[identity]
user = 65534
group = 65534
X
)
run "$H" "$p" "$PROBE" ls "$T/secret" open "$T/secret/file"
is "$(line ls)" "errno EACCES" "inaccessible: a non-root service cannot list it"
is "$(line open)" "errno EACCES" "inaccessible: nor open what was in it"
run "$PROBE" ls "$T/secret"
is "$(line ls)" "ok file sub" "control: outside, the folder is intact"

# ---- private_tmp, private_dev, protect_kernel on the host tree ----
name=harden-private-$$
p=$(policy private <<'X'
[namespaces]
uts = yes
[filesystem]
private_tmp = yes
private_dev = yes
protect_kernel = yes
X
)
jail "$p" "echo x > /tmp/$name && ls /tmp; ls /dev | tr '\n' ' '; echo; hostname > /proc/sys/kernel/hostname; cat /sys/kernel/debug/x 2>&1; grep -c . /proc/kallsyms; true"
is "$rc" 0 "private: runs" "$err"
like "$out" "^$name$" "private_tmp: the file is there inside"
if [ -e "/tmp/$name" ]; then fail "private_tmp: the file is absent outside"; rm -f "/tmp/$name"; else pass "private_tmp: the file is absent outside"; fi
like "$out" "^fd full null ptmx pts random shm stderr stdin stdout tty urandom zero $" "private_dev: /dev holds only its list"
like "$err" "/proc/sys/kernel/hostname: Read-only file system" "protect_kernel: /proc/sys is read-only"
like "$out" "^0$" "protect_kernel: /proc/kallsyms reads empty"
jail "$p" "echo hi > /dev/null && echo null-ok; head -c4 /dev/urandom | wc -c; grep ' /sys ' /proc/self/mountinfo"
like "$out" "null-ok" "private_dev: /dev/null is writable"
like "$out" "^4$" "private_dev: /dev/urandom reads"
like "$out" " /sys ro," "protect_kernel: /sys is read-only"
p=$(policy noprot <<'X'
[namespaces]
uts = yes
X
)
jail "$p" "hostname > /proc/sys/kernel/hostname && echo written"
is "$out" "written" "control: without protect_kernel the same write succeeds (in its own uts namespace)"
leftovers "private"

# ---- a mount made inside never reaches the host ----
mkdir "$T/m"
p=$(policy mountns <<'X'
[namespaces]
mount = yes
; a Landlock domain refuses mount(2) even with CAP_SYS_ADMIN
[landlock]
domain = no
X
)
"$H" "$p" /bin/sh -c "mount -t tmpfs inner '$T/m' && touch '$T/mounted' && sleep 3" &
inner=$!
for _ in $(seq 50); do [ -e "$T/mounted" ] && break; sleep 0.1; done
if [ -e "$T/mounted" ]; then pass "mount = yes: the service mounted a tmpfs"; else fail "mount = yes: the service mounted a tmpfs"; fi
if grep -q " $T/m " /proc/self/mountinfo; then fail "mount inside: invisible in the host's mountinfo"; else pass "mount inside: invisible in the host's mountinfo"; fi
wait $inner
leftovers "mount namespace"

# ---- root = tmpfs: the bind set, symlinks kept as symlinks, bind_rw ----
p=$(policy tmproot <<X
[filesystem]
root = tmpfs
bind_ro = /usr /lib /lib64 /bin /etc $PROBE_ABS:/probe $ATTACK:/attack
bind_rw = $T/data:/data
tmpfs = /run:1M
X
)
run "$H" -v "$p" /probe ls / write /data/new 1 write /usr/x 1 write /run/r 1
is "$rc" 0 "tmpfs root: runs" "$err"
is "$(line ls)" "ok attack bin data etc lib lib64 probe run usr" "tmpfs root: only the bind set and the tmpfs"
is "$(line write)" "ok" "bind_rw: writable"
if [ -e "$T/data/new" ]; then pass "bind_rw: the write reached the host"; else fail "bind_rw: the write reached the host"; fi
like "$out" "write: errno EROFS" "bind_ro: a write fails with EROFS"
like "$err" "pivot_root, old root detached" "tmpfs root: pivot_root logged"
run "$H" "$p" /bin/sh -c 'readlink /bin; readlink /lib64; grep " / " /proc/self/mountinfo' 
is "$(printf '%s\n' "$out" | head -n 1)" "$(readlink /bin)" "a top-level symlink (/bin) is reproduced as the same symlink"
if [ -L /lib64 ]; then
	is "$(printf '%s\n' "$out" | sed -n 2p)" "$(readlink /lib64)" "/lib64 is reproduced, not followed"
else
	skip "/lib64 is not a symlink on this host" "/lib64 is reproduced, not followed"
fi
# Escapes after pivot_root, as root with every capability.
echo marker >"$T/marker"
run "$H" "$p" /attack escape_chroot "$T/marker" escape_dotdot "$T/marker"
is "$(line escape_chroot)" "inside" "pivot_root: chroot(\"x\") + \"..\" + chroot(\".\") stays inside"
is "$(line escape_dotdot)" "inside" "pivot_root: climbing .. stays inside"
leftovers "tmpfs root"

# A directory as the new root, with its mount points already there.
mkdir -p "$T/newroot/bin" "$T/newroot/mnt"
cp "$PROBE" "$T/newroot/bin/probe"
chmod -R go-w "$T/newroot"
p=$(policy dirroot <<X
[filesystem]
root = $T/newroot
bind_ro = $T/data:/mnt
read_only = /
X
)
run "$H" "$p" /bin/probe ls / ls /mnt write /x 1
is "$(line ls)" "ok bin mnt" "directory root: its content"
like "$out" "ls: ok d" "directory root: the bind inside"
is "$(line write)" "errno EROFS" "directory root: read_only = / holds"
leftovers "directory root"

# ---- symlinks that would redirect a mount ----
mkdir -p "$T/real/sub"
ln -s real "$T/link"
p=$(policy midlink <<X
[filesystem]
root = tmpfs
bind_ro = $T/link/sub:/s
X
)
run "$H" "$p" /bin/true
is "$rc" 125 "a symlink in the middle of a bind source: refused"
like "$err" "midlink.ini:3: \[filesystem\] bind_ro: $T/link/sub: a symbolic link in the middle of the path \(refused\)" \
	"a symlink in the middle of a bind source: message"
# A destination reached through a symlink made in the new root (runc's
# CVE-2021-30465 class): /bin is a symlink there, so /bin/x is refused.
if [ -L /bin ]; then
	p=$(policy dstlink <<'X'
[filesystem]
root = tmpfs
bind_ro = /bin
tmpfs = /bin/x
X
)
	run "$H" "$p" /bin/true
	is "$rc" 125 "a mount destination through a symlink in the new root: refused"
	like "$err" "dstlink.ini:4: \[filesystem\] tmpfs: /bin/x: a symbolic link on the way in the new root \(refused\)" \
		"a mount destination through a symlink: message"
else
	skip "/bin is not a symlink on this host" "a mount destination through a symlink"
fi
p=$(policy inroot <<X
[filesystem]
root = tmpfs
bind_ro = /usr
read_only = /srv
X
)
run "$H" "$p" /bin/true
is "$rc" 125 "a path not in the new root: refused"
like "$err" "inroot.ini:4: \[filesystem\] read_only: /srv: no such file or directory in the new root" "a path not in the new root: message"
p=$(policy rootchroot <<X
[filesystem]
root = tmpfs
chroot = $T/newroot
X
)
run "$H" "$p" /bin/true
like "$err" "rootchroot.ini:2: \[filesystem\] root: cannot be combined with chroot" "root and chroot: refused"
leftovers "refusals"

# ---- more refusals that need this test's own folders ----
refused() { # DESC REGEX POLICY
	rm -f "$T/ran"
	run "$H" "$3" "$PROBE" write "$T/ran" 1
	is "$rc" 125 "$1: exit 125"
	like "$err" "$2" "$1: message"
	if [ -e "$T/ran" ]; then fail "$1: command never ran"; else pass "$1: command never ran"; fi
}
p=$(policy rulelink <<X
[filesystem]
read_only = $T/link
X
)
refused "a read_only path that is a symlink" "rulelink.ini:2: \[filesystem\] read_only: $T/link: is a symbolic link \(refused: name what it points to\)" "$p"
p=$(policy hostlink <<X
[filesystem]
bind_ro = $T/link:$T/x
X
)
refused "a symlink source without a tmpfs root" "hostlink.ini:2: \[filesystem\] bind_ro: $T/link: is a symbolic link, which only root = tmpfs can reproduce" "$p"
mkdir "$T/wroot" && chmod 0777 "$T/wroot"
p=$(policy wroot <<X
[filesystem]
root = $T/wroot
X
)
refused "a root others can write" "wroot.ini:2: \[filesystem\] root = $T/wroot: must be owned by root or the caller and not writable by group or others \(refused\)" "$p"
p=$(policy linkover <<X
[filesystem]
root = tmpfs
bind_ro = $T/real:/r
	$T/link:/r/sub
X
)
refused "a symlink where a directory exists" "linkover.ini:3: \[filesystem\] bind_ro: /r/sub: exists where the symbolic link would go" "$p"
leftovers "more refusals"

# ---- late mode: the shim reachable in the new root without being listed ----
late_common='[identity]
user = nobody
[capabilities]
keep = none
[seccomp]
allow = @system-service
apply = main
[filesystem]
root = tmpfs'
p=$(policy late <<X
$late_common
bind_ro = /usr /lib /lib64 /bin /etc /proc $PROBE_ABS:/probe
X
)
# The shim needs a dynamic program: grep reads its own status.
run "$H" "$p" /bin/grep -E '^(Seccomp|Uid):' /proc/self/status
is "$rc" 0 "late + tmpfs root: runs"
is "$(field Seccomp)" 2 "late + tmpfs root: the shim applied the filter"
is "$(field Uid)" "65534 65534 65534 65534" "late + tmpfs root: the shim changed the uid"
shim=$(readlink -f "$BUILD/libharden.so")
run "$H" "$p" /bin/sh -c "grep ' $shim ' /proc/self/mountinfo"
like "$out" " $shim ro," "late: the shim is bound read-only at its own path"
p=$(policy late-noproc <<X
$late_common
bind_ro = /usr /lib /lib64 /bin /etc
X
)
refused "late in a new root without /proc" "late-noproc.ini:7: \[seccomp\] apply: a late apply in a new root needs /proc there \(bind_ro = /proc\)" "$p"
leftovers "late"

# ---- workdir is entered inside the new root, after pivot_root ----
p=$(policy wd <<X
[filesystem]
root = tmpfs
bind_ro = $PROBE_ABS:/probe
bind_rw = $T/data:/srv/data
workdir = /srv/data
X
)
run "$H" "$p" /probe cwd ls .
is "$(line cwd)" "ok /srv/data" "workdir: entered in the new root"
like "$(line ls)" "^ok d" "workdir: the bound folder's content"
leftovers "workdir"

# ---- symlinks on the way to a rule path or a root directory ----
mkdir -p "$T/real/inner"
p=$(policy rulemid <<X
[filesystem]
inaccessible = $T/link/inner
X
)
refused "a symlink on the way to an inaccessible path" "rulemid.ini:2: \[filesystem\] inaccessible: $T/link/inner: a symbolic link on the path \(refused\)" "$p"
p=$(policy rootlink <<X
[filesystem]
root = $T/link
X
)
refused "a root directory reached through a symlink" "rootlink.ini:2: \[filesystem\] root = $T/link: a symbolic link on the path \(refused\)" "$p"
mkdir -p "$T/lateroot/usr" "$T/lateroot/proc"
chmod -R go-w "$T/lateroot"
p=$(policy lateroot <<X
$late_common
X
)
sed -i "s|^root = tmpfs|root = $T/lateroot|" "$p"
printf 'bind_ro = /usr /proc\n' >>"$p"
refused "late in a directory root without the shim's path" "lateroot.ini:7: \[seccomp\] apply: .*libharden.so must exist in \[filesystem\] root $T/lateroot for the late shim" "$p"
leftovers "symlinks on the way"
