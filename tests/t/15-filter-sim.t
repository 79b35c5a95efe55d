#!/usr/bin/env bash
# The seccomp generator, simulated: every number, every argument check.
exec "$(dirname "$0")/../../${HARDEN_BUILD:-build}/tests/filtertest"
