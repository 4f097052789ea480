#!/bin/sh
# The whole test suite on a fresh Debian 12 machine (as root): installs the
# packages, builds with warnings as errors, runs `make check` (unit tests,
# golden vectors, valgrind, fuzz harnesses, CLI, SoftHSM2 and devnet tests),
# `make distcheck` and the library's tests under ASan+UBSan, and ends with
# one "N passed, M failed" line.
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
# The library's own tests again under AddressSanitizer and UBSan, in a
# separate build of the distribution tarball.  Tests that run valgrind or
# load the provider into an uninstrumented openssl are left to the build
# above.
if [ "$status" -eq 0 ]; then
    asan=$(mktemp -d)
    tar -xzf lithsm-*.tar.gz -C "$asan"
    (
        cd "$asan"/lithsm-* &&
            ./configure --quiet --enable-asan &&
            make -j"$(nproc)" >/dev/null &&
            make -j"$(nproc)" check TESTS="$(echo tests/unit/test_*.c |
                sed 's/\.c//g') tests/vectors.test tests/fuzz.test \
                tests/cli.test tests/devnet.test"
    ) >asan.log 2>&1 || {
        tail -n 40 asan.log
        echo "the ASan+UBSan build failed (see asan.log)"
        status=1
    }
    grep -E '^# (TOTAL|PASS|FAIL|ERROR):' asan.log | sed 's/^/asan /'
    rm -rf "$asan"
fi
sh tests/summary.sh || status=1
exit "$status"
