#!/usr/bin/env bash
# The seccomp-filter findings of the second security review (issue 13),
# each reproduced under the control meant to stop it, next to a control
# run without it: syscalls newer than the build's table, holes and
# numbers above it, syscall -1, setns into a same-uid user namespace, the
# open_by_handle_at chroot escape, W^X through personality(), and
# reaching into same-uid processes (process_vm_*, process_madvise, kcmp).
. "$(dirname "$0")/../lib.sh"
need_root
. "$TOP/tests/attacks/common.sh"
command -v setpriv >/dev/null || { echo "1..0 # SKIP needs setpriv"; exit 0; }

none=$(policy none <<'X'
[exec]
no_new_privs = yes
X
)
mount=$(policy mount <<'X'
[policy]
include = baseline
X
)

# ---- item 4: syscalls newer than libseccomp 2.5.4 ----
# open_tree_attr (467) with harmless arguments: EFAULT from the kernel when
# it gets there, EPERM when the filter refuses it. The control shows the
# kernel has it (ENOSYS there would make this test meaningless).
run "$H" "$none" "$PROBE" sys 467 sys 457 sys 458 sys 462,0,0,1
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "sys: errno EFAULT sys: errno EFAULT sys: errno EFAULT sys: errno EINVAL " \
	"control: without a filter, open_tree_attr, statmount, listmount reach the kernel (EFAULT), mseal too (EINVAL)"
run "$H" "$mount" "$PROBE" sys 467 sys 457 sys 458 sys 462,0,0,1
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "sys: errno EPERM sys: errno EPERM sys: errno EPERM sys: errno EINVAL " \
	"baseline (deny = @mount): open_tree_attr, statmount, listmount refused (EPERM); mseal (@default) passes"
name=$(policy name <<'X'
[seccomp]
deny = open_tree_attr mseal listmount file_setattr
action = errno:EACCES
X
)
run "$H" "$name" "$PROBE" sys 467 sys 462,0,0,1 sys 458 sys 469 sys 468
is "$(printf '%s\n' "$out" | tr '\n' ' ')" \
	"sys: errno EACCES sys: errno EACCES sys: errno EACCES sys: errno EACCES sys: errno EINVAL " \
	"open_tree_attr, mseal, listmount, file_setattr are names a policy can deny (file_getattr, not listed, passes)"

# Above the table and in its holes: ENOSYS from every filter. An
# allow-list that kills shows it (the kernel's own ENOSYS would hide it
# under a deny-list): before, these numbers took the kill.
kill=$(policy kill <<'X'
[seccomp]
allow = @system-service
action = kill
X
)
run "$H" "$kill" "$PROBE" sys 470 sys 1000 sys 400 sys 39
is "$rc" 0 "allow-list with kill: numbers above the table (470, 1000) and a hole (400) do not kill"
is "$(printf '%s\n' "$out" | sed -n 1,3p | tr '\n' ' ')" "sys: errno ENOSYS sys: errno ENOSYS sys: errno ENOSYS " \
	"... they answer ENOSYS"
like "$(printf '%s\n' "$out" | sed -n 4p)" '^sys: ok [0-9]+$' "... and getpid, allowed, still runs after them"
run "$H" "$kill" "$PROBE" sys 0x40000027
is "$rc" 159 "control: an x32 number is still killed (SIGSYS, exit 159)"

# ---- item 17: syscall -1 takes the default path ----
run "$H" "$kill" "$PROBE" sys 0xffffffffffffffff sys 39
is "$rc" 0 "syscall(-1) under a kill policy: the process survives"
is "$(line sys)" "errno ENOSYS" "... and sees ENOSYS, as from the kernel"

# ---- item 2: setns into a same-uid user namespace ----
setpriv --reuid=65534 --regid=65534 --clear-groups -- unshare -U sleep 60 >/dev/null 2>&1 &
holder=$!
on_exit "kill -9 $holder"
for _ in $(seq 50); do [ "$(stat -L -c %U "/proc/$holder/ns/user" 2>/dev/null)" = nobody ] && \
	[ "$(readlink "/proc/$holder/exe")" = "$(command -v sleep)" ] && break; sleep 0.1; done
nob=$(policy nob <<'X'
[identity]
user = nobody
X
)
nobrn=$(policy nobrn <<'X'
[identity]
user = nobody
[seccomp]
restrict_namespaces = yes
X
)
ns=/proc/$holder/ns/user
# Each service's own Landlock domain already keeps it from opening another
# process's /proc/PID/ns/* (55-landlock.t); without it, the filter must.
printf '[landlock]\ndomain = no\n' >>"$nob"
printf '[landlock]\ndomain = no\n' >>"$nobrn"
run "$H" "$nob" "$ATTACK" setns "$ns" 10000000
like "$(line setns)" '^ok CapEff:.*[1-9a-f]' \
	"control: nobody setns()es into nobody's user namespace and holds capabilities there"
run "$H" "$nobrn" "$ATTACK" setns "$ns" 10000000 setns "$ns" 0 setns "$ns" 0x10000000
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "setns: errno EPERM setns: errno EPERM setns: errno EPERM " \
	"restrict_namespaces: setns with CLONE_NEWUSER, with nstype 0 refused (EPERM)"
nobase=$(policy nobase <<'X'
[policy]
include = baseline
[identity]
user = nobody
X
)
printf '[landlock]\ndomain = no\n' >>"$nobase"
run "$H" "$nobase" "$ATTACK" setns "$ns" 0
is "$(line setns)" "errno EPERM" "... the baseline (restrict_namespaces = yes) refuses it too"
kill -9 "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# ---- item 3: open_by_handle_at out of a chroot ----
mkdir -p "$T/jail"
cp "$ATTACK" "$T/jail/attack"
chmod 0755 "$T/jail"
run "$ATTACK" gethandle /
handle=$(line gethandle)
like "$handle" '^[0-9]+:[0-9a-f]+$' "a handle of the host's / (name_to_handle_at, outside the jail)"
# The forgeable handle is that of the filesystem's own root: only where /
# is mounted from it (a bind-mounted subfolder has another inode).
if [ "$(stat -f -c %T /)" = ext2/ext3 ] && [ "$(awk '$5 == "/" { print $4; exit }' /proc/self/mountinfo)" = / ]; then
	is "$handle" "1:0200000000000000" "... on ext4 it is the forgeable FILEID_INO32_GEN, inode 2, generation 0"
	handle=1:0200000000000000
else
	skip "/ is not the root of its filesystem here (a bind mount)" "... on ext4 it is the forgeable FILEID_INO32_GEN, inode 2, generation 0"
fi
# A handle names an inode of the filesystem of the mount it is opened
# through: the escape needs the jail on the same filesystem as /.
if [ "$(stat -c %d /)" = "$(stat -c %d "$T/jail")" ]; then
	run chroot "$T/jail" /attack openhandle "$handle" "${T#/}"
	is "$(line openhandle)" "escaped: ${T#/} seen" \
		"control: in a plain chroot, root with CAP_DAC_READ_SEARCH opens the host's / by handle"
else
	skip "the test folder is on another filesystem than / (a tmpfs /tmp), where no handle of / can be opened" \
		"control: in a plain chroot, root with CAP_DAC_READ_SEARCH opens the host's / by handle"
fi
jail=$(policy jail <<X
[filesystem]
chroot = $T/jail
[capabilities]
keep = CAP_DAC_READ_SEARCH
[seccomp]
action = errno:EPERM
X
)
run "$H" "$jail" /attack openhandle "$handle" "${T#/}"
is "$(line openhandle)" "errno EPERM" "chroot + keep = CAP_DAC_READ_SEARCH: open_by_handle_at refused by the filter"
jailkill=$(policy jailkill <<X
[filesystem]
chroot = $T/jail
[capabilities]
keep = CAP_DAC_READ_SEARCH
[seccomp]
allow = @system-service open_by_handle_at
X
)
run "$H" "$jailkill" /attack openhandle "$handle" "${T#/}"
is "$rc" 159 "... even an allow-list naming it refuses it in a chroot (kill, exit 159)"

# ---- item 5: W^X, personality and PR_SET_MDWE ----
mdwe=$(policy mdwe <<'X'
[seccomp]
memory_deny_write_execute = yes
action = errno:EACCES
X
)
nomdwe=$(policy nomdwe <<'X'
[seccomp]
deny = kexec_load
action = errno:EACCES
X
)
run "$H" "$mdwe" "$PROBE" personality 400000
is "$(line personality)" "errno EPERM" \
	"memory_deny_write_execute: personality(READ_IMPLIES_EXEC) refused, lock_personality unset"
run "$H" "$nomdwe" "$PROBE" personality 400000
is "$(line personality)" "ok 0x0" "control: without it, READ_IMPLIES_EXEC is taken"
run "$H" "$mdwe" "$ATTACK" mdwe written_exec
is "$(line mdwe)" 1 "PR_GET_MDWE in the service: PR_MDWE_REFUSE_EXEC_GAIN, kept across exec"
is "$(line written_exec)" "errno EPERM" "a written page made executable (mprotect R+X) refused"
run "$H" "$nomdwe" "$ATTACK" mdwe written_exec
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "mdwe: 0 written_exec: ok " "control: without it, no MDWE and the page turns executable"

# ---- item 1 (filter half): other processes' memory under the baseline ----
# Harmless arguments: pid 0 or a bad descriptor; the kernel answers
# ESRCH/EBADF/EINVAL, the filter EPERM.
run "$H" "$none" "$PROBE" sys 310 sys 311 sys 440,0xffffffff sys 312
unlike "$out" 'EPERM' "control: process_vm_readv, process_vm_writev, process_madvise, kcmp reach the kernel"
run "$H" --baseline "$PROBE" sys 310 sys 311 sys 440,0xffffffff sys 312
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "sys: errno EPERM sys: errno EPERM sys: errno EPERM sys: errno EPERM " \
	"--baseline: process_vm_readv, process_vm_writev, process_madvise, kcmp refused"

# ---- issue 15 item 3: numbers wherever names go ----
num=$(policy num <<'X'
[seccomp]
deny = 39 470
action = errno:EACCES
X
)
run "$H" "$num" "$PROBE" sys 39 sys 470
like "$err" "num.ini:2: 39 is getpid" "deny = 39: a warning names the syscall"
like "$err" "num.ini:2: 470 is not a syscall this build knows \\(accepted\\)" "deny = 470: accepted, said unknown"
is "$(printf '%s\n' "$out" | tr '\n' ' ')" "sys: errno EACCES sys: errno EACCES " \
	"getpid by number refused; 470, named, gets the policy's action instead of ENOSYS"
