# Shared by tests/t/85-daemons.t (exec-mode profiles) and
# tests/t/46-late-daemons.t (late-mode profiles): a shipped profile run as
# the file itself, and its audit score held. Sourced after tests/lib.sh.

PROFILES=$TOP/conf/profiles

# run_profile NAME [RW-PATH...]: the shipped profile as the test runs it,
# in $T/NAME.ini: its read_write line, and the same folders in [landlock]'s
# write line, name the test's folders in $T instead of Debian's (paths in
# /dev stay), and private_tmp is off, since $T itself is below /tmp; every
# other line is the shipped file's. The path of the copy in $RP.
run_profile() {
	local n=$1
	shift
	RP=$T/$n.ini
	awk -v rw="$*" '
		/^read_write = / {
			r = "read_write = " rw
			for (i = 3; i <= NF; i++) if ($i ~ /^\/dev\//) r = r " " $i; else debian[$i] = 1
			$0 = r
		}
		/^write = / { w = "write = " rw; for (i = 3; i <= NF; i++) if (!($i in debian)) w = w " " $i; $0 = w }
		/^private_tmp = yes$/ { $0 = "private_tmp = no" }
		{ print }' "$PROFILES/$n.ini" >"$RP"
	chmod 0644 "$RP"
}

# audit_at_most NAME PROFILE RECORDED: the score may only get better.
audit_at_most() {
	local s
	s=$("$H" audit "$2" | sed -n 's/.*: exposure \([0-9.]*\) of 10.0.*/\1/p')
	if [ -n "$s" ] && awk -v s="$s" -v r="$3" 'BEGIN { exit !(s <= r) }'; then
		pass "$1: audit exposure $s, recorded $3"
	else
		fail "$1: audit exposure no worse than recorded" "got:  '$s'" "want: <= $3"
	fi
}
