#!/usr/bin/env bash
# The documentation stays true to the code: the baseline printed in the
# man page is the built-in one, every key the parser accepts is in
# harden-exec.ini(5), and both pages are mandoc-clean.
. "$(dirname "$0")/../lib.sh"
man5=$TOP/docs/harden-exec.ini.5
page_baseline=$(awk '/^\.Sh THE BASELINE/ { on = 1 } on && /^\.Bd -literal/ { grab = 1; next } grab && /^\.Ed/ { exit } grab { print }' "$man5")
is "$page_baseline" "$("$H" --print-baseline)" "harden-exec.ini(5) shows the built-in baseline as it is"
# Every key in the parser's table, and every rlimit, has an entry.
keys=$(sed -n 's/^ *{"\([a-z]*\)", "\([a-z_]*\)", set_.*/\2/p' "$TOP/wrapper/policy.c")
[ -n "$keys" ] && pass "found the parser's key table" || fail "found the parser's key table"
for k in $keys as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack; do
	if grep -Eq "^\.It Cm $k( |$)" "$man5"; then pass "key $k documented"; else fail "key $k documented"; fi
done
if command -v mandoc >/dev/null; then
	run mandoc -Tlint -W warning "$TOP/docs/harden-exec.1" "$man5"
	is "$rc:$out" "0:" "mandoc -Tlint is clean"
else
	skip "needs mandoc" "mandoc -Tlint is clean"
fi
