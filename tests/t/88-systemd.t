#!/usr/bin/env bash
# harden-exec as the ExecStart= prefix under a real systemd: a minimal
# Debian 12 root with systemd as pid 1, booted by systemd-nspawn, runs the
# unit examples of docs/systemd.md (docs/examples/systemd/, installed as
# `make install` installs them) and a recorder unit drives them with
# systemctl, a client and journalctl. The root is made once with mmdebstrap
# and cached for a day; both come from `scripts/install-deps --systemd`.
. "$(dirname "$0")/../lib.sh"
need_root
if [ "${HARDEN_BUILD:-build}" != build ]; then
	echo "1..0 # SKIP a sanitizer build's harden-exec needs its runtime libraries, which the booted root lacks (the plain build runs this test)"
	exit 0
fi
for c in systemd-nspawn mmdebstrap; do
	if ! command -v $c >/dev/null; then
		echo "1..0 # SKIP needs $c (scripts/install-deps --systemd)"
		exit 0
	fi
done
if [ -d /run/systemd/system ] && [ "${container:-}" != "" ]; then
	echo "1..0 # SKIP inside a container: systemd-nspawn cannot boot here"
	exit 0
fi

# The root: Debian's minbase with systemd, cached for a day.
tar=$(debian_root systemd,systemd-sysv,dbus,procps,python3) ||
	{ fail "a Debian 12 root with systemd could be made" "$(tail -n 5 "$T/mmdebstrap.log")"; exit 1; }
R=$T/root
mkdir "$R"
tar -C "$R" -xf "$tar"

# Install harden-exec as `make install` does (the shim where the wrapper
# looks for it), the examples, and the recorder.
make -s -C "$TOP" install DESTDIR="$R" B="${HARDEN_BUILD:-build}" >"$T/install.log" 2>&1 ||
	{ fail "make install DESTDIR=root" "$(cat "$T/install.log")"; exit 1; }
ex=$TOP/docs/examples/systemd
install -d -m 0755 "$R/etc/harden"
install -m 0644 "$ex"/*.ini "$R/etc/harden/"
install -m 0644 "$ex"/*.service "$ex"/*.socket "$R/etc/systemd/system/"
install -m 0755 "$TOP/tests/helpers/systemd-record" "$R/usr/local/sbin/hx-record"
printf '[identity]\nuser = no-such-user-xyz\n' >"$R/etc/harden/bad.ini"
chmod 0644 "$R/etc/harden/bad.ini"
cat >"$R/etc/systemd/system/hx-bad.service" <<'X'
[Service]
ExecStart=/usr/local/bin/harden-exec /etc/harden/bad.ini /bin/true
Restart=on-failure
RestartPreventExitStatus=125 126 127
X
cat >"$R/etc/systemd/system/hx-record.service" <<'X'
[Unit]
After=multi-user.target http.service example-notify.service example-forking.service example-activated.socket

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/hx-record

[Install]
WantedBy=multi-user.target
X
for u in http.service example-notify.service example-forking.service hx-record.service; do
	ln -s "/etc/systemd/system/$u" "$R/etc/systemd/system/multi-user.target.wants/$u"
done
mkdir -p "$R/etc/systemd/system/sockets.target.wants"
ln -s /etc/systemd/system/example-activated.socket "$R/etc/systemd/system/sockets.target.wants/"
# Nothing else that would slow the boot down or need a terminal.
rm -f "$R"/etc/systemd/system/getty.target.wants/* "$R"/etc/systemd/system/timers.target.wants/*
echo harden-test >"$R/etc/hostname"

timeout -k 10 180 systemd-nspawn --register=no --keep-unit -q -D "$R" -b --private-network \
	</dev/null >"$T/boot.log" 2>&1
rc=$?
if [ ! -f "$R/results" ]; then
	fail "the booted root ran the recorder and powered off (nspawn status $rc)" \
		"$(tail -n 20 "$T/boot.log")" "$(cat "$R/results.tmp" 2>/dev/null)"
	exit 1
fi
pass "systemd booted the root, ran every example unit and the recorder, and powered off"
res() { sed -n "s/^$1=//p" "$R/results" | head -n 1; }
diag "$(cat "$R/results")"

for u in http example-notify example-forking; do
	is "$(res "$u.active")" active "$u.service is active"
done
is "$(res example-activated.active)" active "example-activated.socket is listening"

# Type=simple: the main pid is the service, hardened.
like "$(res http.get)" "^200 " "Type=simple: http.server answers on port 80"
is "$(res http.exe)" /usr/bin/python3.11 "Type=simple: systemd's main pid is the service itself"
is "$(res http.Uid)" "65534 65534 65534 65534" "Type=simple: runs as nobody"
is "$(res http.CapEff)" 0000000000000400 "Type=simple: CAP_NET_BIND_SERVICE only"
is "$(res http.CapBnd)" 0000000000000400 "Type=simple: bounding set cut"
is "$(res http.NoNewPrivs)" 1 "Type=simple: no_new_privs"
is "$(res http.Seccomp)" 2 "Type=simple: filtered"

# Type=notify with NotifyAccess=main.
like "$(res example-notify.get)" "^200 example-server: port 8081" "Type=notify: READY=1 reached systemd through harden-exec, and it serves"
is "$(res example-notify.Uid)" "65534 65534 65534 65534" "Type=notify: runs as nobody"
is "$(res example-notify.CapEff)" 0000000000000000 "Type=notify: no capability"
is "$(res example-notify.Seccomp)" 2 "Type=notify: filtered"
is "$(res example-notify.reload)" 0 "systemctl reload: succeeds"
is "$(res example-notify.reloaded)" 1 "systemctl reload: SIGHUP reached the service (its log line is in the journal)"
is "$(res example-notify.samepid)" yes "systemctl reload: the same process goes on"

# Type=forking.
is "$(res example-forking.pidfile)" yes "Type=forking: systemd's main pid is the daemon's pid file"
like "$(res example-forking.get)" "^200 example-server: port 8082, daemonised" "Type=forking: the daemonised child serves"
is "$(res example-forking.Uid)" "0 0 0 0" "Type=forking: root, as its policy says"
is "$(res example-forking.CapEff)" 0000000000000000 "Type=forking: the forked child holds no capability"
is "$(res example-forking.NoNewPrivs)" 1 "Type=forking: the forked child keeps no_new_privs"
is "$(res example-forking.Seccomp)" 2 "Type=forking: the forked child keeps the filter"

# Socket activation.
is "$(res example-activated.before)" inactive "socket activation: the service waits for a client"
like "$(res example-activated.get)" "^200 example-server: socket activation" "socket activation: LISTEN_FDS reached the service"
is "$(res example-activated.after)" active "socket activation: the service was started"
is "$(res example-activated.Uid)" "65534 65534 65534 65534" "socket activation: runs as nobody"
is "$(res example-activated.CapEff)" 0000000000000000 "socket activation: no capability needed to serve the passed socket"

# systemctl stop.
is "$(res http.stop)" 0 "systemctl stop: succeeds"
is "$(res http.stopped)" "inactive success" "systemctl stop: the unit ends cleanly"
is "$(res http.gone)" yes "systemctl stop: the service process is gone"

# A bad policy.
is "$(res hx-bad.state)" "failed 125" "bad policy: the unit failed with exit status 125"
like "$(res hx-bad.journal)" "^harden-exec: /etc/harden/bad.ini:2: \[identity\] user = no-such-user-xyz: no such user" \
	"bad policy: the journal shows harden-exec's one line with FILE:LINE"
is "$(res hx-bad.restarts)" 0 "bad policy: RestartPreventExitStatus=125 keeps systemd from restarting it"

# The docs show exactly these units and policies.
for f in "$ex"/*.service "$ex"/*.socket "$ex"/*.ini; do
	block=$(doc_block "$TOP/docs/systemd.md" "${f##*/}")
	if [ "$block" = "$(cat "$f")" ]; then
		pass "docs/systemd.md shows ${f##*/} as tested"
	else
		fail "docs/systemd.md shows ${f##*/} as tested" "$(diff <(printf '%s\n' "$block") "$f" | head -n 10)"
	fi
done
