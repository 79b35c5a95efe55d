#!/usr/bin/env bash
# Real Debian daemons in late mode, as packaged (Debian's config copied
# into $T, only pid, log and data paths pointed there), each in a network
# namespace of its own, driven by its real client, and each hardened by
# its shipped late profile (conf/profiles/NAME-late.ini, the file itself,
# only its writable paths pointed into $T as in 85-daemons.t). Every thread
# of every process of the daemon's tree must be hardened once the
# deadline has passed, `verify` of the profile must hold on each of those
# processes, the daemon must still serve, and the profile's `audit` score
# may only get better. sshd, for which no late profile is shipped (see
# openssh-server.ini), runs under a policy written here.
. "$(dirname "$0")/../lib.sh"
need_root
. "$TOP/tests/helpers/profiles.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "1..0 # SKIP needs $PY"; exit 0; }
unshare --net true 2>/dev/null || { echo "1..0 # SKIP needs network namespaces"; exit 0; }
DRIVE=$TOP/tests/helpers/daemon_drive.py
cd "$T" || exit 1 # the working directory is on the start-up path: root's

# drive NAME PORT CLIENT [DRIVER-ARGS...] -- HARDEN-EXEC-ARGS...: in a new
# network namespace (and a mount namespace, for SETUP_RUN's tmpfs on /run).
drive() {
	local name=$1 port=$2 client=$3
	shift 3
	out=$(DRIVE_ERR="$T/$name.err" timeout -k 5 90 unshare --net --mount sh -c '
		mount --make-rprivate / && ip link set lo up || exit 1
		if [ -n "$SETUP_RUN" ]; then mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -m 0755 /run/sshd; fi
		exec "$@"' _ "$PY" "$DRIVE" --port "$port" --client "$client" "$@" 2>&1)
}
# every_thread NAME REGEX: every thread line matches (and there is one)
every_thread() {
	local n m
	n=$(printf '%s\n' "$out" | grep -c '^thread:')
	m=$(printf '%s\n' "$out" | grep '^thread:' | grep -cE "$2")
	if [ "$n" -gt 0 ] && [ "$n" = "$m" ]; then pass "$1 ($n threads in $(printf '%s\n' "$out" | sed -n 's/^processes: //p') processes)"; else
		fail "$1" "$(printf '%s\n' "$out" | grep '^thread:')" "want every thread to match: $2"; fi
}
# common NAME: the tree survived the deadline, stopped on SIGTERM, left nothing
common() {
	like "$out" "ready: yes" "$1: serving"
	like "$out" "supervisor-alive: yes" "$1: harden-exec still supervises after the deadline"
	unlike "$out" "err: .*(deadline|shim|SIGSYS|violation)" "$1: no deadline kill, no late-stage failure, no violation"
	like "$out" "left: none" "$1: nothing of its tree is left after SIGTERM"
	like "$out" "status: $2$" "$1: harden-exec returns the daemon's own status after SIGTERM ($2)"
}
# verified NAME: `harden-exec verify PROFILE PID` held on every process
# of the tree (the driver ran it past the deadline; there is one).
verified() {
	local n m
	n=$(printf '%s\n' "$out" | sed -n 's/^processes: //p')
	m=$(printf '%s\n' "$out" | grep -c '^verify: [0-9]* exit 0 ')
	if [ "${n:-0}" -gt 0 ] && [ "$n" = "$m" ]; then pass "$1: verify of the profile holds on each of its $n processes"; else
		fail "$1: verify of the profile holds on each process" "$(printf '%s\n' "$out" | grep -E '^(verify|processes):')"; fi
}
# jailed NAME: the profile's isolation keys, live in the daemon: a read-only
# root, an IPC namespace and a cgroup of harden-exec's own.
jailed() { is "$(printf '%s\n' "$out" | sed -n 's/^jail: //p')" "root ro, ipc own, cgroup harden-exec" "$1: read-only root, IPC namespace and cgroup of the profile"; }
ids() { printf 'Uid=%s %s %s %s Gid=%s %s %s %s' "$1" "$1" "$1" "$1" "$2" "$2" "$2" "$2"; }
NOCAPS='CapInh=0{16} CapPrm=0{16} CapEff=0{16} CapAmb=0{16} NoNewPrivs=1 Seccomp=2'

# ---- nginx: master and workers, binds :80 as root, workers drop to www-data ----
if [ -x /usr/sbin/nginx ] && [ -f /etc/nginx/nginx.conf ] && command -v curl >/dev/null; then
	mkdir -p "$T/nginx" "$T/ngx-log" "$T/ngx-run" "$T/ngx-tmp" "$T/www"
	cp -a /etc/nginx/. "$T/nginx/"
	echo "hardened nginx page" >"$T/www/index.html"
	# Debian's config; only paths move into $T (and the site's root).
	sed -i -e "s|/etc/nginx|$T/nginx|g" -e "s|/run/nginx.pid|$T/ngx-run/nginx.pid|" \
		-e "s|/var/log/nginx|$T/ngx-log|g" \
		-e "s|^http {|http {\n\tclient_body_temp_path $T/ngx-tmp/body;\n\tproxy_temp_path $T/ngx-tmp/proxy;\n\tfastcgi_temp_path $T/ngx-tmp/fastcgi;\n\tuwsgi_temp_path $T/ngx-tmp/uwsgi;\n\tscgi_temp_path $T/ngx-tmp/scgi;|" \
		"$T/nginx/nginx.conf"
	rm -f "$T/nginx/sites-enabled/default"
	sed -e "s|root /var/www/html;|root $T/www;|" "$T/nginx/sites-available/default" >"$T/nginx/sites-enabled/default"
	run_profile nginx-late "$T/ngx-log" "$T/ngx-run" "$T/ngx-tmp"
	drive nginx 80 http --settle 5.5 --verify "$RP" -- "$H" "$RP" /usr/sbin/nginx -e "$T/ngx-log/error.log" -c "$T/nginx/nginx.conf"
	is "$(printf '%s\n' "$out" | sed -n 's/^client1: //p')" "hardened nginx page" "nginx: curl gets the page on port 80"
	is "$(printf '%s\n' "$out" | sed -n 's/^client2: //p')" "hardened nginx page" "nginx: and again after the deadline"
	every_thread "nginx: master and workers are www-data, no capabilities, no_new_privs, filtered" "$(ids 33 33) $NOCAPS"
	like "$(printf '%s\n' "$out" | grep -c '^thread: nginx')" "^[2-9]|^[1-9][0-9]" "nginx: a master and at least one worker"
	common nginx 0
	verified nginx
	# nginx's stderr is its error log (-e): a worker whose late stage failed
	# says so there, and the master quietly forks a new one in its place.
	unlike "$(cat "$T/ngx-log/error.log")" "harden-exec:" "nginx: no late-stage failure in nginx's error log (the first workers live)"
	jailed nginx
	audit_at_most nginx "$PROFILES/nginx-late.ini" 0.6

	# P01 with a real daemon: nginx forks, its first process exits 0, and
	# under apply = accept with no client its master never triggers.
	rm -f "$T/ngx-run/nginx.pid"
	p=$(policy nginx-accept <<'X'
[identity]
user = www-data
[seccomp]
allow = @system-service
action = kill
apply = accept
deadline = 2s
X
)
	start=$(date +%s)
	out=$(timeout -k 5 60 unshare --net sh -c 'ip link set lo up && exec "$@"' _ \
		"$H" "$p" /usr/sbin/nginx -e "$T/ngx-log/error.log" -c "$T/nginx/nginx.conf" 2>&1)
	rc=$?
	took=$(($(date +%s) - start))
	master=$(cat "$T/ngx-run/nginx.pid" 2>/dev/null)
	is "$rc" 137 "nginx, apply = accept, no client: harden-exec does not report success (137)"
	like "$out" "harden-exec: deadline: pid $master \(nginx\) did not reach its hardened state within 2000ms \(.*apply = accept: no accept\(\) or accept4\(\) call came\): killed" \
		"nginx, apply = accept: the daemonised master is named, with the missing trigger"
	if [ -n "$master" ] && [ -e "/proc/$master" ]; then fail "nginx, apply = accept: the master is gone" "pid $master"; kill -KILL "$master"; else pass "nginx, apply = accept: the master is gone"; fi
	ok_time=$([ "$took" -lt 15 ] && echo yes)
	is "$ok_time" yes "nginx, apply = accept: ended soon after the deadline (${took}s)"
else
	skip "nginx is not installed: scripts/install-deps --daemons" "nginx late mode"
fi

# ---- redis: daemonize yes, a config only root can read ----
if [ -x /usr/bin/redis-server ] && [ -f /etc/redis/redis.conf ] && command -v redis-cli >/dev/null; then
	mkdir -p "$T/redis-data" && chown redis:redis "$T/redis-data"
	sed -e "s|^pidfile .*|pidfile $T/redis-data/redis.pid|" -e "s|^logfile .*|logfile $T/redis-data/redis.log|" \
		-e "s|^dir .*|dir $T/redis-data|" /etc/redis/redis.conf >"$T/redis.conf"
	chmod 0600 "$T/redis.conf"
	run_profile redis-server-late "$T/redis-data"
	drive redis 6379 redis --settle 5.5 --verify "$RP" -- "$H" "$RP" /usr/bin/redis-server "$T/redis.conf"
	is "$(printf '%s\n' "$out" | sed -n 's/^client1: //p')" "OK hardened" "redis: redis-cli set and get"
	is "$(printf '%s\n' "$out" | sed -n 's/^client2: //p')" "OK hardened" "redis: and again after the deadline"
	uid=$(id -u redis) gid=$(id -g redis)
	every_thread "redis: every thread is redis, no capabilities, no_new_privs, filtered" "$(ids "$uid" "$gid") $NOCAPS"
	common redis 0
	verified redis
	jailed redis
	# The copy: the shipped file names /run/redis, which only an init
	# script or systemd makes (a read_write path must exist to be audited).
	audit_at_most redis "$RP" 0.6
	like "$(cat "$T/redis-data/redis.log" 2>/dev/null)" "Ready to accept connections" "redis: it read its root-only config (its log is where that config says)"
else
	skip "redis is not installed: scripts/install-deps --daemons" "redis late mode"
fi

# ---- memcached -u memcache: drops its privileges itself ----
if [ -x /usr/bin/memcached ]; then
	mkdir -p "$T/mc-run" && chown memcache: "$T/mc-run"
	run_profile memcached-late "$T/mc-run"
	# Debian's /etc/memcached.conf, as its systemd wrapper passes it (no -d,
	# no log file), the pid file in $T.
	drive memcached 11211 memcached --settle 5.5 --verify "$RP" -- "$H" "$RP" /usr/bin/memcached -m 64 -p 11211 \
		-u memcache -l 127.0.0.1 -P "$T/mc-run/memcached.pid"
	is "$(printf '%s\n' "$out" | sed -n 's/^client1: //p')" "STORED VALUE k 0 8 hardened END" "memcached: text protocol set and get"
	is "$(printf '%s\n' "$out" | sed -n 's/^client2: //p')" "STORED VALUE k 0 8 hardened END" "memcached: and again after the deadline"
	uid=$(id -u memcache) gid=$(id -g memcache)
	every_thread "memcached: self-dropped to memcache, then filtered at its trigger" "$(ids "$uid" "$gid") $NOCAPS"
	common memcached 0
	verified memcached
	jailed memcached
	audit_at_most memcached "$PROFILES/memcached-late.ini" 0.6
	is "$(stat -c %U "$T/mc-run/memcached.pid" 2>&1)" memcache "memcached: wrote its pid file (-P), as memcache, where the profile lets it"
else
	skip "memcached is not installed: scripts/install-deps --daemons" "memcached late mode"
fi

# ---- sshd -D: a key login ----
# No late profile is shipped for sshd (openssh-server.ini says why): the
# policy here shows the mechanism holds for a daemon that stays root.
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then
	mkdir -m 0700 "$T/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host" && ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/client"
	cp "$T/ssh/client.pub" "$T/ssh/authorized_keys"
	p=$(policy sshd <<'X'
[seccomp]
deny = @clock @cpu-emulation @debug @module @obsolete @raw-io @reboot @swap bpf
action = kill
apply = ready
deadline = 3s
X
)
	# Debian's sshd_config; keys, pid file and log in $T. StrictModes
	# would refuse keys below /tmp (world-writable, if sticky).
	SETUP_RUN=1 drive sshd 22 ssh --key "$T/ssh/client" -- "$H" "$p" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config \
		-o "HostKey=$T/ssh/host" -o "PidFile=$T/ssh/sshd.pid" -o "AuthorizedKeysFile=$T/ssh/authorized_keys" \
		-o StrictModes=no -o ListenAddress=127.0.0.1 -o Port=22
	like "$(printf '%s\n' "$out" | sed -n 's/^client1: //p')" "^ssh-ok NoNewPrivs: 1 Seccomp: 2" "sshd: a key login; its session runs filtered"
	like "$(printf '%s\n' "$out" | sed -n 's/^client2: //p')" "^ssh-ok" "sshd: and again after the deadline"
	every_thread "sshd: the listener is filtered with no_new_privs (it stays root to switch users)" "NoNewPrivs=1 Seccomp=2"
	common sshd "(0|255)" # sshd exits 0 or 255 on SIGTERM, depending on where the signal finds it
else
	skip "openssh-server is not installed: scripts/install-deps --daemons" "sshd late mode"
fi

# ---- python3 -m http.server on port 80: binds as root, serves as nobody ----
if command -v curl >/dev/null; then
	mkdir -p "$T/hs" && echo "hardened http.server page" >"$T/hs/index.html" && chmod -R a+rX "$T/hs"
	run_profile http-server-late
	drive http.server 80 http --settle 5.5 --verify "$RP" -- "$H" "$RP" "$PY" -m http.server 80 --directory "$T/hs"
	is "$(printf '%s\n' "$out" | sed -n 's/^client1: //p')" "hardened http.server page" "http.server: curl gets the page on port 80"
	is "$(printf '%s\n' "$out" | sed -n 's/^client2: //p')" "hardened http.server page" "http.server: and again after the deadline"
	every_thread "http.server: every thread is nobody, no capabilities, no_new_privs, filtered" "$(ids 65534 65534) $NOCAPS"
	common http.server 143 # python3 dies of the SIGTERM it does not handle: 128 + 15
	verified http.server
	jailed http.server
	audit_at_most http.server "$PROFILES/http-server-late.ini" 0.6
else
	skip "curl is not installed: scripts/install-deps --daemons" "http.server late mode"
fi
