#!/usr/bin/env bash
# The generator against libseccomp: random specs built by both, run in the
# interpreter on every number and edge-case arguments, and a live sample
# in the kernel (tests/helpers/oracle.c lists the deliberate differences).
exec "$(dirname "$0")/../../${HARDEN_BUILD:-build}/tests/oracle" "$@"
