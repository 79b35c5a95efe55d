# shellcheck shell=bash
# Shared by tests/t/70-attacks-*.t, sourced after tests/lib.sh.
#
# Every attack runs under the policy meant to stop it, next to a control
# run without that control where one can be made safely, so that removing
# the control from the policy makes the test fail. Bombs are bounded by
# their own arguments and by `run`'s timeout; network only on loopback or
# in namespaces the test creates; only processes the test started are
# ever killed, by pid.

ATTACK=$BUILD/tests/attacks/attack
if [ ! -x "$ATTACK" ]; then
	echo "1..0 # SKIP $ATTACK not built (make)"
	trap - EXIT
	rm -rf "$T"
	exit 0
fi

# Copies that user nobody can execute wherever the checkout lives.
mkdir -p "$T/bin"
cp "$ATTACK" "$PROBE" "$T/bin/"
ATTACK=$T/bin/attack PROBE=$T/bin/probe

# gap DESC WHAT: a control harden-exec does not (yet) have, shown by the
# test instead of hidden. Reported as a skip so that tests/run lists it;
# docs/security.md carries the finding.
gap() {
	skip "KNOWN GAP (docs/security.md): $2" "$1"
}

# no_session_left SID DESC: no process is left in session SID, the one
# the service led (policies here set setsid = yes, so it is the service's
# pid and every process it started is in it).
no_session_left() {
	local left="" s
	if [ -z "$1" ]; then
		fail "$2: no process left in the service's session" "the service printed no pid"
		return
	fi
	for s in /proc/[0-9]*/stat; do
		# Fields after ") ": state ppid pgrp session
		if [ "$(sed 's/.*) //' "$s" 2>/dev/null | awk '{ print $4 }')" = "$1" ]; then
			left="$left ${s#/proc/}"
		fi
	done
	is "${left//\/stat/}" "" "$2: no process left in the service's session $1"
}

# Mount points that mention this test's folder or the probe's mount
# folders: none may appear on the host.
_mounts() { awk '{ print $5 }' /proc/self/mountinfo | grep -E "$T|probe-mnt" | sort; }
_mounts_before=$(_mounts)
no_new_mounts() {
	is "$(_mounts)" "$_mounts_before" "$1: no mount left on the host (/proc/self/mountinfo)"
}

# svc_pid: the pid the attacker or probe printed for its "pid" command.
svc_pid() { line pid | cut -d' ' -f2; }
