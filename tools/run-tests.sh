#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# The whole test suite on a fresh Debian 12 machine (as root): installs the
# packages, builds with warnings as errors, runs `make check` (unit tests,
# golden vectors, valgrind, fuzz harnesses, CLI, SoftHSM2 and devnet tests),
# `make distcheck`, the library's tests under ASan+UBSan and a 5-second
# libFuzzer round per fuzz harness, and ends with one "N passed, M failed"
# line.
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
# A short libFuzzer round (ASan+UBSan) over every harness's corpus, in a
# separate build of the distribution tarball configured --enable-fuzzing.
fuzz=$(mktemp -d)
if { ls lithsm-*.tar.gz >/dev/null 2>&1 || make dist >/dev/null 2>&1; } &&
    tar -xzf lithsm-*.tar.gz -C "$fuzz" && (
    cd "$fuzz"/lithsm-* &&
        ./configure --quiet --enable-fuzzing &&
        make -j"$(nproc)" fuzz FUZZ_SECONDS=5
) >fuzz.log 2>&1; then
    echo "fuzz: $(grep -c 'no crash' fuzz.log) harnesses ran 5 s each without a crash"
else
    tail -n 40 fuzz.log
    echo "fuzz: the libFuzzer round failed (see fuzz.log)"
    status=1
fi
rm -rf "$fuzz"
sh tests/summary.sh || status=1
exit "$status"
