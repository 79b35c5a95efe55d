#!/usr/bin/env bash
# Debian's daemons, as packaged (Debian's configuration and init flags;
# only pid, log, data and socket paths pointed into $T), each in its own
# network namespace and driven by its real client, bounded in time:
#  - hardened in exec mode by its shipped profile (conf/profiles/NAME.ini,
#    the file itself): it serves, `verify` holds on the live daemon, and the
#    profile's `audit` score is no worse than recorded;
#  - under `--baseline`, started as its package starts it: it serves.
# A daemon that is not installed is skipped: scripts/install-deps --daemons.
. "$(dirname "$0")/../lib.sh"
need_root
. "$TOP/tests/helpers/profiles.sh"

P=$PROFILES
# The baseline as a file, for verify on the daemons that stay root under it.
"$H" --print-baseline >"$T/baseline.ini"
chmod 0644 "$T/baseline.ini"
NEED="run as root: scripts/install-deps --daemons"

# ns_bg LOG CMD...: CMD in a new network namespace with lo up, in the
# background; its pid (the service's, as everything execs) in $NSPID.
ns_bg() {
	local log=$1
	shift
	unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@" >"$log" 2>&1 </dev/null &
	NSPID=$!
	on_exit "kill -9 $NSPID"
}

# ns_fg LOG CMD...: CMD (a daemon that forks away) in a new network
# namespace with lo up, waited for; its status in $rc.
ns_fg() {
	local log=$1
	shift
	timeout -k 5 60 unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@" >"$log" 2>&1 </dev/null
	rc=$?
}

# in_ns PID CMD...: CMD in the network namespace of PID, bounded in time.
in_ns() {
	local pid=$1
	shift
	timeout -k 5 30 nsenter --net="/proc/$pid/ns/net" "$@"
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# pidfile FILE: the first line of FILE once it names a live process.
pidfile() {
	local p
	wait_for 10 test -s "$1" || return 1
	p=$(head -n 1 "$1")
	[ -d "/proc/$p" ] && echo "$p"
}

# stop PID: TERM, then KILL after 5 s; waits until PID is gone.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait_for 5 sh -c "! kill -0 $1 2>/dev/null" || kill -9 "$1" 2>/dev/null
	wait_for 2 sh -c "! kill -0 $1 2>/dev/null"
}

# verify_holds NAME POLICY PID
verify_holds() {
	local v
	if v=$("$H" verify "$2" "$3" 2>&1); then
		pass "$1: verify holds on the live daemon"
	else
		fail "$1: verify holds on the live daemon" "$v"
	fi
}

# jailed NAME PID [DEV-FS]: the profile's jail, seen in the live daemon: its
# root is read-only, its /dev a tmpfs of its own (DEV-FS: devtmpfs, the
# host's, read-only), /root covered, and its IPC and
# UTS namespaces are not ours.
jailed() {
	local m
	m=$(awk '$5 == "/" { r = $6 } $5 == "/dev" { split($0, a, " - "); split(a[2], b, " "); d = b[1] }
		$5 == "/root" { h = $6 } END { print substr(r, 1, 3), d, substr(h, 1, 3) }' "/proc/$2/mountinfo" 2>&1)
	is "$m" "ro, ${3:-tmpfs} ro," "$1: root read-only, /dev ${3:-private}, /root covered"
	if [ -e "/proc/$2/ns/ipc" ] && [ "$(readlink "/proc/$2/ns/ipc")" != "$(readlink /proc/self/ns/ipc)" ] &&
		[ "$(readlink "/proc/$2/ns/uts")" != "$(readlink /proc/self/ns/uts)" ]; then
		pass "$1: IPC and UTS namespaces of its own"
	else
		fail "$1: IPC and UTS namespaces of its own"
	fi
}

# service PID: the service below a supervisor (a profile with [cgroup]
# makes harden-exec stay as one, the service its only child), else PID.
service() {
	local c
	c=$(pgrep -P "$1" | head -n 1)
	echo "${c:-$1}"
}

# in_cgroup NAME PID: the daemon is in harden-exec's own pids and memory
# groups (cgroup v1 here, v2 elsewhere), with the profile's limits.
in_cgroup() {
	local g
	g=$(grep -E '^[0-9]+:(pids|memory|):' "/proc/$2/cgroup" | grep -c '/harden-exec\.[0-9]*$')
	if [ "$g" -ge 1 ]; then pass "$1: in harden-exec's cgroup"; else fail "$1: in harden-exec's cgroup" "$(cat "/proc/$2/cgroup")"; fi
}

# nginx: Debian's /etc/nginx, copied; a run's pid file, logs, temporary
# folders and the default site's root in $T/nginx-LABEL, owned by OWNER:
# www-data for the profile (which runs as www-data), root for the baseline,
# as Debian's /run, /var/log/nginx and /var/lib/nginx are.
nginx_setup() { # LABEL OWNER
	local n=$T/nginx r=$T/nginx-$1
	[ -d "$n" ] || cp -rL /etc/nginx "$n"
	mkdir -p "$r" "$T/www"
	echo "hello from nginx" >"$T/www/index.html"
	chown "$2:" "$r"
	sed -e "s#/etc/nginx/#$n/#g" -e "s#^pid .*#pid $r/nginx.pid;#" -e "s#/var/log/nginx/#$r/#g" \
		-e "s#^\([[:space:]]*\)include $n/mime.types;#&\n\1client_body_temp_path $r/body;\n\1proxy_temp_path $r/proxy;\n\1fastcgi_temp_path $r/fastcgi;\n\1uwsgi_temp_path $r/uwsgi;\n\1scgi_temp_path $r/scgi;#" \
		/etc/nginx/nginx.conf >"$n/nginx-$1.conf"
	sed -i "s#root /var/www/html;#root $T/www;#" "$n"/sites-enabled/*
}

# nginx_run LABEL HARDEN-ARGS...: Debian's flags (daemon on); serves?
nginx_run() {
	local label=$1 r=$T/nginx-$1 pid body
	shift
	ns_fg "$T/nginx.$label.log" "$H" "$@" /usr/sbin/nginx -e "$r/error.log" -c "$T/nginx/nginx-$label.conf" \
		-g 'daemon on; master_process on;'
	is "$rc" 0 "nginx ($label): started, forked away" || sed 's/^/# /' "$T/nginx.$label.log"
	pid=$(pidfile "$r/nginx.pid")
	[ -n "$pid" ] && on_exit "kill -9 $pid"
	body=$(in_ns "${pid:-0}" curl -sS --max-time 5 http://127.0.0.1/ 2>&1)
	is "$body" "hello from nginx" "nginx ($label): curl gets the page"
	NGINX_PID=$pid
}

if ! command -v nginx >/dev/null || ! command -v curl >/dev/null || ! command -v wrk >/dev/null; then
	skip "nginx, curl or wrk missing: $NEED" "nginx"
else
	nginx_setup profile www-data
	nginx_setup baseline root
	run_profile nginx "$T/nginx-profile"
	nginx_run profile "$RP"
	w=$(in_ns "${NGINX_PID:-0}" wrk -t1 -c8 -d2s http://127.0.0.1/ 2>&1)
	like "$w" "Requests/sec: *[1-9]" "nginx (profile): wrk for 2 s is served" || diag "$w"
	unlike "$w" "Non-2xx|Socket errors" "nginx (profile): no error under wrk"
	verify_holds nginx "$RP" "${NGINX_PID:-0}"
	jailed nginx "${NGINX_PID:-0}"
	is "$(ps -o user= --ppid "${NGINX_PID:-0}" | sort -u | tr -d ' ')" "www-data" "nginx (profile): workers run as www-data"
	audit_at_most nginx "$P/nginx.ini" 0.7
	stop "$NGINX_PID"
	nginx_run baseline --baseline
	is "$(ps -o user= -p "${NGINX_PID:-0}" | tr -d ' ') $(ps -o user= --ppid "${NGINX_PID:-0}" | sort -u | tr -d ' ')" \
		"root www-data" "nginx (baseline): a root master drops its workers to www-data itself"
	is "$(stat -c %U "$T/nginx-baseline/body")" www-data "nginx (baseline): temporary folders made and given to www-data"
	verify_holds "nginx (baseline), the root master" "$T/baseline.ini" "${NGINX_PID:-0}"
	stop "$NGINX_PID"
fi

# ---- redis: Debian's redis.conf and unit flags ----
redis_setup() {
	local d=$T/redis
	mkdir -p "$d"
	cp /etc/redis/redis.conf "$d/redis.conf"
	sed -i -e "s#^pidfile .*#pidfile $d/redis-server.pid#" -e "s#^logfile .*#logfile $d/redis-server.log#" \
		-e "s#^dir .*#dir $d#" "$d/redis.conf"
	chown -R redis:redis "$d"
	chmod 0750 "$d"
	chmod 0640 "$d/redis.conf" # as Debian ships it: root cannot read it without a capability
}

redis_run() {
	local label=$1 v
	shift
	ns_bg "$T/redis.$label.log" "$H" "$@" /usr/bin/redis-server "$T/redis/redis.conf" --supervised systemd \
		--daemonize no
	wait_for 10 in_ns "$NSPID" redis-cli ping
	REDIS_PID=$(service "$NSPID")
	v=$(in_ns "$NSPID" redis-cli set k "v-$label" 2>&1; in_ns "$NSPID" redis-cli get k 2>&1)
	is "$(echo "$v" | tr "\n" " " | sed "s/ $//")" "OK v-$label" "redis ($label): redis-cli set and get" ||
		{ sed 's/^/# /' "$T/redis.$label.log"; tail -5 "$T/redis/redis-server.log" | sed 's/^/# /'; }
}

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
	skip "redis-server or redis-tools missing: $NEED" "redis"
else
	redis_setup
	run_profile redis-server "$T/redis"
	redis_run profile "$RP"
	b=$(in_ns "$REDIS_PID" redis-benchmark -q -n 5000 -t set,get 2>&1 | tr '\r' '\n')
	like "$b" "GET: [0-9.]+ requests per second" "redis (profile): redis-benchmark -n 5000 is served" || diag "$b"
	is "$(in_ns "$REDIS_PID" redis-cli bgsave 2>&1 | head -c 27)" "Background saving started" \
		"redis (profile): a background save (fork) starts"
	wait_for 10 test -s "$T/redis/dump.rdb"
	is "$?" 0 "redis (profile): the background save wrote dump.rdb"
	verify_holds redis "$RP" "$REDIS_PID"
	jailed redis "$REDIS_PID"
	in_cgroup redis "$REDIS_PID"
	like "$(in_ns "$REDIS_PID" redis-cli config set port 6380 2>&1)" "Unable to listen" \
		"redis (profile): Landlock refuses a bind to any port but 6379"
	audit_at_most redis "$P/redis-server.ini" 0.5
	stop "$REDIS_PID"
	redis_run baseline --baseline
	verify_holds "redis (baseline), root reading its 0640 redis.conf" "$T/baseline.ini" "$REDIS_PID"
	stop "$REDIS_PID"
fi

# ---- memcached: /etc/memcached.conf's options ----
# As Debian's systemd-memcached-wrapper reads them: comments, -d and
# logfile dropped; the pid file pointed into $T.
memcached_args() {
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' /etc/memcached.conf |
		grep -Ev '^$|^-[dh]|^logfile' | sed "s#^-P .*#-P $T/mc/memcached.pid#"
}

memcached_probe() {
	printf 'set k 0 0 5\r\nhello\r\nget k\r\nquit\r\n' | in_ns "$1" nc -q 2 127.0.0.1 11211 | tr -d '\r' | tr '\n' ' '
}

if ! command -v memcached >/dev/null || ! nc -h 2>&1 | grep -q -- -q; then
	skip "memcached or netcat-openbsd missing: $NEED" "memcached"
else
	mkdir -p "$T/mc"
	chown memcache: "$T/mc"
	run_profile memcached "$T/mc"
	# shellcheck disable=SC2046
	ns_bg "$T/mc.profile.log" "$H" "$RP" /usr/bin/memcached $(memcached_args)
	wait_for 10 in_ns "$NSPID" nc -z 127.0.0.1 11211
	pid=$(service "$NSPID")
	is "$(memcached_probe "$pid")" "STORED VALUE k 0 5 hello END " "memcached (profile): set and get, text protocol" ||
		sed 's/^/# /' "$T/mc.profile.log"
	verify_holds memcached "$RP" "$pid"
	jailed memcached "$pid"
	in_cgroup memcached "$pid"
	is "$(awk '/^Max open files/ { print $4, $5 }' "/proc/$pid/limits")" "1024 1024" \
		"memcached (profile): nofile as the profile sets it"
	audit_at_most memcached "$P/memcached.ini" 0.5
	stop "$pid"
	# Debian's own wrapper, as its unit runs it: root, -u memcache.
	grep -v '^logfile' /etc/memcached.conf | sed "s#^-P .*#-P $T/mc/memcached.pid#" >"$T/mc/memcached.conf"
	ns_bg "$T/mc.baseline.log" "$H" --baseline /usr/share/memcached/scripts/systemd-memcached-wrapper \
		"$T/mc/memcached.conf"
	pid=$NSPID
	wait_for 10 in_ns "$pid" nc -z 127.0.0.1 11211
	is "$(memcached_probe "$pid")" "STORED VALUE k 0 5 hello END " "memcached (baseline): set and get" ||
		sed 's/^/# /' "$T/mc.baseline.log"
	is "$(ps -o user= -p "$(pgrep -P "$pid" memcached || echo "$pid")" | tr -d ' ')" "memcache" \
		"memcached (baseline): dropped to memcache itself (-u)"
	stop "$pid"
fi

# ---- PostgreSQL: a cluster of its own, through postgresql-common ----
# PG_CLUSTER_CONF_ROOT keeps the cluster's configuration in $T instead of
# /etc/postgresql; data, log, socket and pid file are in $T too.
pg_ctl_run() { # LABEL HARDEN-ARGS...
	local label=$1
	shift
	ns_fg "$T/pg.$label.log" env PG_CLUSTER_CONF_ROOT="$T/pg/etc" "$H" "$@" \
		/usr/bin/pg_ctlcluster --skip-systemctl-redirect 15 main start
	is "$rc" 0 "postgresql ($label): pg_ctlcluster start" || sed 's/^/# /' "$T/pg.$label.log"
	PG_PID=$(pidfile "$T/pg/run/pg.pid")
	[ -n "$PG_PID" ] && on_exit "kill -9 $PG_PID"
	is "$(cd /tmp && runuser -u postgres -- psql -h "$T/pg/run" -Atc 'select 6*7' 2>&1)" 42 "postgresql ($label): psql"
}

if ! [ -x /usr/lib/postgresql/15/bin/postgres ] || ! command -v pg_createcluster >/dev/null; then
	skip "PostgreSQL 15 missing: $NEED" "postgresql"
else
	mkdir -p "$T/pg/etc" "$T/pg/run"
	chown -R postgres: "$T/pg"
	(cd /tmp && PG_CLUSTER_CONF_ROOT=$T/pg/etc timeout 60 pg_createcluster -u postgres -d "$T/pg/data" \
		-s "$T/pg/run" -l "$T/pg/postgresql.log" -p 5432 -o "external_pid_file=$T/pg/run/pg.pid" \
		15 main) >"$T/pg.create.log" 2>&1
	is "$?" 0 "postgresql: a cluster created in \$T (initdb as postgres)" || tail -5 "$T/pg.create.log" | sed 's/^/# /'
	run_profile postgresql "$T/pg"
	pg_ctl_run profile "$RP"
	b=$(cd /tmp && runuser -u postgres -- pgbench -q -i -s 1 -h "$T/pg/run" postgres 2>&1 &&
		runuser -u postgres -- timeout 20 pgbench -T 2 -c 2 -h "$T/pg/run" postgres 2>&1)
	like "$b" "number of failed transactions: 0 " "postgresql (profile): pgbench for 2 s, no failed transaction" ||
		diag "$b"
	verify_holds postgresql "$RP" "${PG_PID:-0}"
	jailed postgresql "${PG_PID:-0}" devtmpfs
	audit_at_most postgresql "$P/postgresql.ini" 0.6
	stop "$PG_PID"
	pg_ctl_run baseline --baseline
	stop "$PG_PID"
fi

# ---- sshd -D: a key login as root ----
# Host and user keys are made in $T. The key is read by
# AuthorizedKeysCommand (as nobody) rather than root's
# ~/.ssh/authorized_keys, and a private /run (a mount namespace) holds the
# privilege separation folder /run/sshd: nothing of the host changes.
# Debian's PAM stack sets the login's loginuid (pam_loginuid, required);
# changing one already set needs CAP_AUDIT_CONTROL, which no profile
# keeps, so sshd starts with loginuid 0, as the root login will have
# (under systemd it starts with none, which needs no privilege to set).
# shellcheck disable=SC2016 # the command is expanded by the login's shell
ssh_login() { # PID: prints what the login's shell sees
	in_ns "$1" ssh -F /dev/null -i "$T/ssh/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -o LogLevel=error -o ConnectTimeout=5 root@127.0.0.1 \
		'echo "uid $(id -u)"; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status' 2>&1 | tr -s '\t' ' '
}

sshd_run() { # LABEL HARDEN-ARGS...
	local label=$1
	shift
	# shellcheck disable=SC2016 # expanded by that sh
	unshare --net --mount --propagation private -- sh -c \
		'ip link set lo up && mount -t tmpfs -o mode=0755,size=1m tmpfs /run && mkdir -m 0755 /run/sshd &&
		{ [ "$(cat /proc/self/loginuid)" = 0 ] || echo 0 >/proc/self/loginuid; } 2>/dev/null; exec "$@"' \
		sh "$H" "$@" /usr/sbin/sshd -D -f "$T/ssh/sshd_config" -E "$T/ssh/sshd.$label.log" \
		>"$T/sshd.$label.out" 2>&1 </dev/null &
	SSHD_PID=$!
	on_exit "kill -9 $SSHD_PID"
	wait_for 10 grep -q "Server listening" "$T/ssh/sshd.$label.log"
	out=$(ssh_login "$SSHD_PID")
	like "$out" "^uid 0$" "sshd ($label): key login as root runs a command" ||
		sed 's/^/# /' "$T/sshd.$label.out" "$T/ssh/sshd.$label.log"
}

if ! [ -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
	skip "openssh-server or openssh-client missing: $NEED" "sshd"
else
	mkdir -p "$T/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/user_key"
	cp "$T/ssh/user_key.pub" "$T/ssh/authorized_keys"
	chmod 0644 "$T/ssh/authorized_keys"
	# sshd takes the first value it reads: ours first, then Debian's file.
	{
		printf '%s\n' "HostKey $T/ssh/host_key" "PidFile $T/ssh/sshd.pid" "ListenAddress 127.0.0.1" \
			"AuthorizedKeysFile none" "AuthorizedKeysCommand /bin/cat $T/ssh/authorized_keys" \
			"AuthorizedKeysCommandUser nobody"
		cat /etc/ssh/sshd_config
	} >"$T/ssh/sshd_config"
	sshd_run profile "$P/openssh-server.ini"
	like "$out" "NoNewPrivs: 1" "sshd (profile): the login inherits no_new_privs"
	like "$out" "Seccomp: 2" "sshd (profile): the login inherits the filter"
	like "$out" "CapEff: 0000000000000000" "sshd (profile): a root login holds no effective capability"
	verify_holds sshd "$P/openssh-server.ini" "$SSHD_PID"
	audit_at_most sshd "$P/openssh-server.ini" 4.6
	stop "$SSHD_PID"
	sshd_run baseline --baseline
	verify_holds "sshd (baseline)" "$T/baseline.ini" "$SSHD_PID"
	stop "$SSHD_PID"
fi

# ---- python3 -m http.server on port 80 ----
mkdir -p "$T/hs"
echo "hello from http.server" >"$T/hs/index.html"
chmod -R a+rX "$T/hs"
hs_run() { # LABEL HARDEN-ARGS...
	local label=$1
	shift
	ns_bg "$T/hs.$label.log" "$H" "$@" /usr/bin/python3 -m http.server 80 --directory "$T/hs"
	wait_for 10 in_ns "$NSPID" curl -sf http://127.0.0.1/
	HS_PID=$(service "$NSPID")
	is "$(in_ns "$HS_PID" curl -sS --max-time 5 http://127.0.0.1/ 2>&1)" "hello from http.server" \
		"http.server ($label): curl gets the page" || sed 's/^/# /' "$T/hs.$label.log"
}
if ! command -v curl >/dev/null; then
	skip "curl missing: $NEED" "http.server"
else
	run_profile http-server
	hs_run profile "$RP"
	if command -v wrk >/dev/null; then
		w=$(in_ns "$HS_PID" wrk -t1 -c4 -d1s http://127.0.0.1/ 2>&1)
		like "$w" "Requests/sec: *[1-9]" "http.server (profile): wrk for 1 s is served" || diag "$w"
	else
		skip "wrk missing: $NEED" "http.server (profile): wrk"
	fi
	verify_holds http.server "$RP" "$HS_PID"
	jailed http.server "$HS_PID"
	in_cgroup http.server "$HS_PID"
	audit_at_most http.server "$P/http-server.ini" 0.6
	stop "$HS_PID"
	hs_run baseline --baseline
	verify_holds "http.server (baseline), root on port 80" "$T/baseline.ini" "$HS_PID"
	stop "$HS_PID"
fi
