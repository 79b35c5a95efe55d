# shellcheck shell=bash
# TAP helpers for harden-exec's tests. Source from a test script:
#   . "$(dirname "$0")/../lib.sh"
# Each test gets its own temporary folder $T, removed at exit.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIX=$TOP/tests/fixtures
T=$(mktemp -d /tmp/harden-test.XXXXXX)
chmod 0755 "$T"
# $BUILD: the build's programs, staged where every user can reach them
# (tests/run stages once; a test run on its own stages into $T).
if [ -n "${HARDEN_STAGE:-}" ]; then
	BUILD=$HARDEN_STAGE
else
	BUILD=$T/build
	mkdir "$BUILD" && "$TOP/tests/stage" "$TOP/${HARDEN_BUILD:-build}" "$BUILD"
fi
H=$BUILD/harden-exec
PROBE=$BUILD/tests/probe
_n=0
_failed=0
_cleanups=()
trap '_finish' EXIT

_finish() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
	rm -rf "$T"
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
	exit $?
}

# on_exit CMD: run CMD when the test ends (unmount, kill a pid we started).
on_exit() { _cleanups+=("$1"); }

_result() { # STATUS DESCRIPTION [DIAG...]
	_n=$((_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
		shift 2
		local d
		for d in "$@"; do printf '%s\n' "$d" | sed 's/^/#   /'; done
	fi
}

pass() { _result ok "$1"; }
fail() { _result fail "$@"; }

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "got:  '$1'" "want: '$2'"; fi
}

# like GOT EXTENDED-REGEX DESCRIPTION
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else fail "$3" "got:  '$1'" "want match: $2"; fi
}

# unlike GOT EXTENDED-REGEX DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3" "got:  '$1'" "must not match: $2"; else pass "$3"; fi
}

# skip REASON DESCRIPTION
skip() {
	_n=$((_n + 1))
	echo "ok $_n - $2 # SKIP $1"
}

diag() { printf '# %s\n' "$*"; }

# policy NAME: write stdin to $T/NAME.ini, mode 0644, and print its path.
policy() {
	cat >"$T/$1.ini"
	chmod 0644 "$T/$1.ini"
	echo "$T/$1.ini"
}

# run CMD...: run with a timeout; sets $out, $err and $rc.
run() {
	out=$(timeout -k 5 60 "$@" 2>"$T/.err" </dev/null)
	rc=$?
	err=$(cat "$T/.err")
}

# field NAME: the value of a "Name:" line of /proc/PID/status in $out.
field() {
	printf '%s\n' "$out" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^[ \t]+/, ""); print; exit }'
}

# line CMD: the result part of the probe's "CMD: result" line in $out.
line() {
	printf '%s\n' "$out" | sed -n "s/^$1: //p" | head -n 1
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root"
		trap - EXIT
		rm -rf "$T"
		exit 0
	fi
}

# debian_root PKGS: the path of a tarball of a minimal Debian 12 root with
# PKGS (comma-separated) added, made with mmdebstrap and cached for a day
# in $HARDEN_TEST_CACHE (default /var/cache/harden-exec-tests). Prints
# nothing and returns 1 when it cannot be made (the log is $T/mmdebstrap.log).
debian_root() {
	local cache=${HARDEN_TEST_CACHE:-/var/cache/harden-exec-tests} src tar
	tar=$cache/debian-root-$(echo "$1" | md5sum | cut -c1-8).tar
	mkdir -p "$cache" || return 1
	if [ ! -s "$tar" ] || [ -n "$(find "$tar" -mmin +1440)" ]; then
		src=/etc/apt/sources.list.d/debian.sources
		[ -f "$src" ] || src=/etc/apt/sources.list
		diag "making a minimal Debian 12 root with $1 (about a minute)" >&2
		timeout 600 mmdebstrap --quiet --format=tar --variant=minbase --include="$1" \
			bookworm "$tar.new" "$src" >"$T/mmdebstrap.log" 2>&1 || return 1
		mv "$tar.new" "$tar"
	fi
	echo "$tar"
}

# doc_block DOC NAME: the fenced block of DOC whose first line is a comment
# naming NAME ("# /etc/x/NAME: ..." or "; NAME: ..."), without the fences:
# what a test compares with the example file it runs.
doc_block() {
	awk -v name="$2" '
		/^```/ { if (inblock) { inblock = 0; if (found) exit } else { inblock = 1; first = 1 }; next }
		inblock && first { first = 0; if ($0 ~ ("^[#;] ([^ ]*/)?" name "[: ]")) found = 1 }
		inblock && found { print }' "$1"
}
