#!/bin/sh
# The whole test suite on a fresh Debian 12 machine (as root): installs the
# packages, builds with warnings as errors, runs `make check` (unit tests,
# golden vectors, valgrind, fuzz harnesses, CLI) and `make distcheck`, and
# ends with one "N passed, M failed" line.
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh
LITHSM_RECONFIGURE=1 sh tools/build.sh --enable-werror
status=0
make -j"$(nproc)" check || status=1
if [ "$status" -eq 0 ]; then
    make -j"$(nproc)" distcheck >distcheck.log 2>&1 || {
        tail -n 40 distcheck.log
        echo "make distcheck failed (see distcheck.log)"
        status=1
    }
fi
sh tests/summary.sh || status=1
exit "$status"
