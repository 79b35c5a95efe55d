#!/usr/bin/env bash
# harden-exec as a container's ENTRYPOINT prefix, for real: podman (with
# runc) builds docs/examples/container/Dockerfile, the file docs/docker.md
# shows, on a local Debian 12 base image, and runs it. Storage, images and
# containers live in this test's own folder and go with it.
. "$(dirname "$0")/../lib.sh"
need_root
if [ "${HARDEN_BUILD:-build}" != build ]; then
	echo "1..0 # SKIP a sanitizer build's harden-exec needs its runtime libraries, which the image lacks (the plain build runs this test)"
	exit 0
fi
for c in podman runc mmdebstrap; do
	if ! command -v $c >/dev/null; then
		echo "1..0 # SKIP needs $c (scripts/install-deps --containers)"
		exit 0
	fi
done

tar=$(debian_root systemd,systemd-sysv,dbus,procps,python3) ||
	{ fail "a Debian 12 base could be made" "$(tail -n 5 "$T/mmdebstrap.log")"; exit 1; }
# crun refuses this machine's hybrid cgroup layout; runc does not. No
# systemd here: cgroupfs. Nothing of the host's container storage is used.
P=(podman --root "$T/storage" --runroot "$T/run" --storage-driver overlay --runtime runc
	--cgroup-manager cgroupfs --events-backend none)
cleanup() {
	"${P[@]}" rm -af -t 0
	"${P[@]}" rmi -af
	grep -o " $T/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l
}
on_exit cleanup
# Root here lacks CAP_SYS_RESOURCE: the runtime must not raise limits.
RUN=(run --network=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

if ! "${P[@]}" import "$tar" localhost/harden-test-base >"$T/import.log" 2>&1; then
	fail "podman import of the Debian 12 base" "$(tail -n 5 "$T/import.log")"
	exit 1
fi
ex=$TOP/docs/examples/container
mkdir "$T/ctx"
cp "$BUILD/harden-exec" "$ex/Dockerfile" "$ex/app.ini" "$TOP/docs/examples/systemd/example-server.py" "$T/ctx/"
if "${P[@]}" build -q --network=none --build-arg BASE=localhost/harden-test-base \
	-t localhost/harden-test-app "$T/ctx" >"$T/build.log" 2>&1; then
	pass "podman builds docs/examples/container/Dockerfile"
else
	fail "podman builds docs/examples/container/Dockerfile" "$(tail -n 10 "$T/build.log")"
	exit 1
fi
img=localhost/harden-test-app

# The hardened state, read from inside by the command the ENTRYPOINT runs.
run "${P[@]}" "${RUN[@]}" --rm "$img" grep -E '^(Uid|Gid|Groups|Cap...|NoNewPrivs|Seccomp):' /proc/self/status
is "$rc" 0 "ENTRYPOINT: the command given to podman run runs under harden-exec"
is "$(field Uid)" "65534 65534 65534 65534" "ENTRYPOINT: nobody"
for s in CapInh CapPrm CapEff CapBnd CapAmb; do is "$(field $s)" 0000000000000000 "ENTRYPOINT: $s empty"; done
is "$(field NoNewPrivs)" 1 "ENTRYPOINT: no_new_privs"
is "$(field Seccomp)" 2 "ENTRYPOINT: filtered, over the runtime's own filter"

# Exit status passes through; harden-exec's own codes too.
run "${P[@]}" "${RUN[@]}" --rm "$img" sh -c 'exit 7'
is "$rc" 7 "exit status: the command's own status reaches podman"
run "${P[@]}" "${RUN[@]}" --rm "$img" no-such-command-xyz
is "$rc" 127 "exit status: a command not found is 127"
like "$err" "^harden-exec: exec: no-such-command-xyz: command not found" "exit status: ... with harden-exec's line"
run "${P[@]}" "${RUN[@]}" --rm "$img" python3 -c 'import ctypes; ctypes.CDLL(None).mount(b"none", b"/mnt", b"tmpfs", 0, None)'
is "$rc" 159 "a forbidden call (mount) inside the container: killed by SIGSYS (128 + 31)"

# The service itself (the image's CMD), then podman stop.
"${P[@]}" "${RUN[@]}" -d --name harden-test-svc "$img" >"$T/cid" 2>"$T/run.err" ||
	fail "podman run -d the image's CMD" "$(cat "$T/run.err")"
for _ in $(seq 50); do
	out=$("${P[@]}" exec harden-test-svc python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8080/").read().decode())' 2>/dev/null) && break
	sleep 0.2
done
like "$out" "^example-server: port 8080, pid 1, uid 65534" "CMD: the service serves as pid 1 of the container, as nobody"
run "${P[@]}" exec harden-test-svc grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' /proc/1/status
is "$(field Seccomp)" 2 "CMD: the service's pid 1 is filtered"
is "$(field CapEff)" 0000000000000000 "CMD: the service holds no capability"
# The Kubernetes liveness probe of docs/examples/container/pod.yaml, run as
# the kubelet runs it: the exact command, inside the container.
probe=$(python3 -c 'import json, re, sys
m = re.search(r"^\s*command: (\[.*\])$", open(sys.argv[1]).read(), re.M)
print("\n".join(json.loads(m.group(1))))' "$ex/pod.yaml")
mapfile -t probe <<<"$probe"
like "${probe[*]}" "^/usr/local/bin/harden-exec verify /etc/harden/app.ini 1$" "probe: pod.yaml's command read"
run "${P[@]}" exec harden-test-svc "${probe[@]}"
is "$rc" 0 "probe: exit 0 on the live service (it holds app.ini)"
like "$out" "^pid 1 holds /etc/harden/app.ini" "probe: says so"
# The same probe where pid 1 was started without harden-exec: weaker.
"${P[@]}" "${RUN[@]}" -d --name harden-test-bare --entrypoint python3 "$img" /usr/local/bin/app --port 8080 >/dev/null 2>&1
sleep 1
run "${P[@]}" exec harden-test-bare "${probe[@]}"
is "$rc" 1 "probe: exit 1 on a service weaker than the policy (the kubelet restarts it)"
like "$out" "mismatch: thread 1: Uid 0 0 0 0, policy 65534" "probe: names what is weaker"
"${P[@]}" rm -f -t 0 harden-test-bare >/dev/null 2>&1
run "${P[@]}" exec harden-test-svc /usr/local/bin/harden-exec verify /etc/harden/app.ini 4242
is "$rc" 3 "probe: exit 3 when there is no such process"

run "${P[@]}" stop -t 10 harden-test-svc
is "$rc" 0 "podman stop: succeeds"
is "$("${P[@]}" inspect --format '{{.State.Status}} {{.State.ExitCode}}' harden-test-svc)" "exited 0" \
	"podman stop: SIGTERM reached the service, which ended with its own status 0 (not killed)"

# The docs show exactly this Dockerfile and policy.
for f in "$ex/Dockerfile" "$ex/app.ini" "$ex/pod.yaml"; do
	block=$(doc_block "$TOP/docs/docker.md" "${f##*/}")
	if [ "$block" = "$(cat "$f")" ]; then
		pass "docs/docker.md shows ${f##*/} as tested"
	else
		fail "docs/docker.md shows ${f##*/} as tested" "$(diff <(printf '%s\n' "$block") "$f" | head -n 10)"
	fi
done
