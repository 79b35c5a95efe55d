#!/usr/bin/env bash
# scripts/bench --quick: every part of the benchmark runs and writes its
# JSON. Benchmarks are not tests: nothing here looks at a timing, and the
# run is opt-in (it installs packages and starts nginx on 127.0.0.1).
. "$(dirname "$0")/../lib.sh"

if [ "${HARDEN_BENCH_QUICK:-}" != 1 ]; then
	skip "set HARDEN_BENCH_QUICK=1 to run" "scripts/bench --quick"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "needs root" "scripts/bench --quick"
	exit 0
fi

json=$T/quick.json
# Not through run(): its 60-second limit is too short when install-deps
# has packages to fetch.
out=$(timeout -k 10 300 "$TOP/scripts/bench" --quick --out "$json" 2>"$T/.err" </dev/null)
rc=$?
err=$(cat "$T/.err")
is "$rc" 0 "scripts/bench --quick exits 0"
[ "$rc" -eq 0 ] || diag "$(printf '%s\n' "$err" | tail -n 5)"
like "$out" "^Startup " "it prints the startup table"
like "$out" "^Isolation " "it prints the isolation table"
like "$out" "^Targets " "it prints the targets"

# One python3 call checks the shape of the JSON and prints one word per
# finding; every row is measured or skipped with a reason.
check=$(python3 - "$json" <<'X' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
def say(ok, what):
    print(("ok " if ok else "bad ") + what)
for part in ("meta", "startup", "isolation", "syscall", "nginx", "rss", "targets"):
    say(part in d, "section " + part)
rows = d.get("startup", []) + d.get("syscall", [])
say(all(r["status"] == "ok" or r.get("note") for r in rows), "every skipped row says why")
st = {r["key"]: r for r in d.get("startup", [])}
say(all(st.get(k, {}).get("status") == "ok" for k in ("bare", "env", "he-full", "setpriv")),
    "startup rows bare, env, he-full, setpriv measured")
iso = {r["key"]: r for r in d.get("isolation", [])}
say(all(iso.get(k, {}).get("status") == "ok" for k in ("he-iso", "bwrap-iso", "he-ns-net", "unshare-net")),
    "isolation rows harden-exec, bwrap, net alone and unshare --net measured")
sc = {r["key"]: r for r in d.get("syscall", [])}
say(sc.get("system-service", {}).get("state", {}).get("filters") == 1, "syscallbench ran under the real filter")
say(sc.get("stacked", {}).get("state", {}).get("filters") == 2, "the stacked shape has two filters")
ng = d.get("nginx", {})
say(ng.get("bare_rps", 0) > 0 and ng.get("hardened_rps", 0) > 0, "nginx served bare and hardened")
say(not ng.get("errors"), "wrk saw no errors")
hard = [r for r in ng.get("runs", []) if r["mode"] == "hardened"]
say(bool(hard) and all(r["state"]["master"].get("Seccomp") == "2" for r in hard), "hardened nginx ran filtered")
say(d.get("rss", {}).get("rows", [{}])[0].get("maxrss_kib", 0) > 0, "peak RSS measured")
X
)
while read -r verdict what; do
	if [ "$verdict" = ok ]; then pass "$what"; else fail "$what" "$check"; fi
done <<<"$check"
