#!/usr/bin/env bash
# Every named syscall set resolves, nests without loops, keeps io_uring out.
exec "$(dirname "$0")/../../${HARDEN_BUILD:-build}/tests/setcheck"
