#!/usr/bin/env bash
# make install into a staging folder: every file in place, and the
# installed wrapper finds its shim and runs.
. "$(dirname "$0")/../lib.sh"
need_root
command -v make >/dev/null || { echo "1..0 # SKIP needs make"; exit 0; }

if make -s -C "$TOP" install DESTDIR="$T/stage" PREFIX=/usr B="${HARDEN_BUILD:-build}" >"$T/install.log" 2>&1; then
	pass "make install DESTDIR PREFIX=/usr"
else
	fail "make install DESTDIR PREFIX=/usr" "$(cat "$T/install.log")"
fi
for f in usr/bin/harden-exec usr/lib/harden-exec/libharden.so usr/share/man/man1/harden-exec.1 \
	usr/share/man/man5/harden-exec.ini.5 usr/share/harden-exec/baseline.ini \
	usr/share/harden-exec/examples/web.ini; do
	[ -f "$T/stage/$f" ] && pass "installed $f" || fail "installed $f"
done
is "$(stat -c %a "$T/stage/usr/lib/harden-exec/libharden.so")" 644 "the shim is not writable by others"
run "$T/stage/usr/bin/harden-exec" --version
like "$out" "^harden-exec " "the installed binary runs"
run "$T/stage/usr/bin/harden-exec" check "$T/stage/usr/share/harden-exec/examples/demo.ini"
is "$rc" 0 "an installed example checks"

# The profiles for Debian's daemons, each installed; those whose users
# every Debian system has also check from there (nginx's only where its
# package made the folders its read_write names: a missing path fails the
# plan).
for p in "$TOP"/conf/profiles/*.ini; do
	f=usr/share/harden-exec/profiles/$(basename "$p")
	cmp -s "$p" "$T/stage/$f" && pass "installed $f" || fail "installed $f"
done
# The late ones also find the installed shim (../lib/harden-exec/).
for p in nginx http-server nginx-late http-server-late; do
	if [ "${p%-late}" = nginx ] && { ! [ -d /var/lib/nginx ] || ! [ -d /var/log/nginx ]; }; then
		skip "nginx's /var/lib/nginx or /var/log/nginx missing: scripts/install-deps --daemons" "installed profile $p.ini checks"
		continue
	fi
	run "$T/stage/usr/bin/harden-exec" check "$T/stage/usr/share/harden-exec/profiles/$p.ini"
	is "$rc" 0 "installed profile $p.ini checks"
done
