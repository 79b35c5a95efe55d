#!/usr/bin/env bash
# Regression fixtures from fuzzing and review: every tests/fixtures/fuzz-*.ini
# goes through harden-exec, which must end with 0 (the policy is valid)
# or 125 (refused, one line), never with a crash (no status of 128 or
# more, no sanitizer report). `make fuzz` adds a fixture per crash found.
# Then the fuzz harness itself, when built, re-checks every fixture.
. "$(dirname "$0")/../lib.sh"
shopt -s nullglob

# A fuzzed policy may name any path as [log] target: as root, harden-exec
# would append to it. Run the fixtures as nobody, who can harm nothing.
AS=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	AS=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	cp "$H" "$PROBE" "$T/" && H=$T/harden-exec PROBE=$T/probe
fi

cd "$T" || exit 1 # relative paths a fixture names land here
fixtures=("$FIX"/fuzz-*.ini)
for f in "${fixtures[@]}"; do
	name=$(basename "$f")
	run "${AS[@]}" "$H" "$f" -- "$PROBE" exit 0
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 125 ]; then pass "$name: exit 0 or 125 (got $rc)"; else fail "$name: exit 0 or 125" "got: $rc" "$err"; fi
	unlike "$err" "AddressSanitizer|LeakSanitizer|runtime error:|Segmentation" "$name: no sanitizer report, no crash"
	if [ "$rc" -eq 125 ]; then
		is "$(printf '%s\n' "$err" | wc -l)" 1 "$name: refused with one line"
	else
		pass "$name: ran (no message to check)"
	fi
done

FUZZER=$TOP/build/fuzz/fuzz_policy
if [ -x "$FUZZER" ]; then
	out=$("$FUZZER" "$FIX"/*.ini "$TOP"/conf/*.ini "$TOP"/conf/*/*.ini 2>&1)
	rc=$?
	is "$rc" 0 "the fuzz harness's property checks pass on every fixture and shipped policy"
	[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$out" | grep -E 'fuzz_policy:|ERROR' | head -n 5)"
else
	skip "$FUZZER not built (make fuzz)" "the fuzz harness's property checks pass on every fixture"
fi
