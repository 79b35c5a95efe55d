#!/usr/bin/env bash
# Command line: help, version, baseline printing, usage errors, 126/127.
. "$(dirname "$0")/../lib.sh"

run "$H" --help
is "$rc" 0 "--help exits 0"
like "$out" "^usage: harden-exec" "--help prints usage on stdout"
run "$H" -h
is "$rc" 0 "-h exits 0"
run "$H" --version
like "$out" "^harden-exec [0-9]+\.[0-9]+\.[0-9]+$" "--version"

run "$H" --print-baseline
is "$rc" 0 "--print-baseline exits 0"
is "$out" "$(cat "$TOP/conf/baseline.ini")" "--print-baseline prints conf/baseline.ini"
printf '%s\n' "$out" >"$T/printed.ini"
chmod 644 "$T/printed.ini"
run "$H" "$T/printed.ini" -- "$PROBE" status
is "$rc" 0 "the printed baseline loads as a policy file"

run "$H"
is "$rc" 125 "no arguments: 125"
like "$err" "^harden-exec: no policy given" "no arguments: message"
run "$H" --frobnicate p.ini cmd
is "$rc" 125 "unknown option: 125"
like "$err" "^harden-exec: --frobnicate: unknown option" "unknown option: message"
good=$(policy good <<'X'
[exec]
umask = 0022
X
)
run "$H" "$good"
is "$rc" 125 "no command: 125"
like "$err" "no command given" "no command: message"
run "$H" --baseline
like "$err" "no command given" "--baseline without a command"

# Options after POLICY belong to the command; `--` after it is optional.
run "$H" "$good" "$PROBE" getenv --help
is "$out" "getenv: unset" "words after the command go to the command, not to harden-exec"
run "$H" "$good" -- "$PROBE" cwd
is "$rc" 0 "-- after POLICY accepted"
run "$H" -- "$good" "$PROBE" cwd
is "$rc" 0 "-- before POLICY accepted"
run "$H" --baseline -- "$PROBE" cwd
is "$rc" 0 "--baseline -- COMMAND"
run "$H" --baseline "$PROBE" exit 7
is "$rc" 7 "the service's own exit status is harden-exec's"

run "$H" "$good" no-such-command-xyz
is "$rc" 127 "command not found: 127"
like "$err" "^harden-exec: exec: no-such-command-xyz: command not found$" "command not found: message"
run "$H" "$good" "$T/none/cmd"
is "$rc" 127 "missing path: 127"
printf '#!/bin/sh\n' >"$T/noexec" && chmod 0644 "$T/noexec"
run "$H" "$good" "$T/noexec"
is "$rc" 126 "not executable: 126"
run "$H" "$good" "$T"
is "$rc" 126 "a folder: 126"

# -v reports every applied step on stderr, never on stdout.
run "$H" -v --baseline -- "$PROBE" cwd
like "$err" "harden-exec: seccomp: " "-v reports the seccomp step"
like "$err" "harden-exec: no_new_privs: set" "-v reports no_new_privs"
is "$out" "cwd: ok $PWD" "stdout is the service's alone"
