#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench-wrap.sh - where a session secret should live: sealed by an AES key
# of the token (one C_Decrypt per request, node signatures in software)
# or an Ed25519 key of the token (one C_Sign per node); and the wrapped
# store's put/get rate against the plain file store.  Not part of make
# check (timing).
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

BIN=$top_builddir/tests/integration/bench_wrap
[ -x "$BIN" ] || bail "$BIN not built"
p11tool --keygen --key-type AES:32 --label store-wrap >"$T/keygen.log" 2>&1 ||
    bail "AES keygen failed: $(cat "$T/keygen.log")"
mkdir "$T/stores"

LITHSM_BENCH_MODULE=$MODULE
LITHSM_BENCH_TOKEN=$TOKEN
LITHSM_BENCH_PIN=$T/pin
LITHSM_BENCH_AES_LABEL=store-wrap
LITHSM_BENCH_WRAP_URI="pkcs11:token=$TOKEN;object=store-wrap?pin-source=file:$T/pin"
LITHSM_BENCH_DIR=$T/stores
export LITHSM_BENCH_MODULE LITHSM_BENCH_TOKEN LITHSM_BENCH_PIN \
    LITHSM_BENCH_AES_LABEL LITHSM_BENCH_WRAP_URI LITHSM_BENCH_DIR

"$BIN"
