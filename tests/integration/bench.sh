#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench.sh - signatures per second through lithsm (provider + recovery)
# against a raw PKCS#11 C_Sign loop on the same SoftHSM2 key; prints the
# ratio for 1 and 2 threads.  Not part of make check (timing).
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

BIN=$top_builddir/tests/integration/bench_pkcs11
[ -x "$BIN" ] || bail "$BIN not built"
keygen secp256k1 01 eth0 || bail "keygen failed: $(cat "$T/keygen.log")"

LITHSM_BENCH_URI="pkcs11:token=$TOKEN;object=eth0;type=private"
LITHSM_BENCH_URI="$LITHSM_BENCH_URI?pin-source=file:$T/pin"
LITHSM_BENCH_MODULE=$MODULE
LITHSM_BENCH_TOKEN=$TOKEN
LITHSM_BENCH_LABEL=eth0
LITHSM_BENCH_PIN=$T/pin
export LITHSM_BENCH_URI LITHSM_BENCH_MODULE LITHSM_BENCH_TOKEN \
    LITHSM_BENCH_LABEL LITHSM_BENCH_PIN

${BENCH_WRAP:-} "$BIN"
