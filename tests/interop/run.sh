#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# Interop check: generate a vector set with the real Lit JS SDK (pinned in
# package.json / package-lock.json) and, with tests/interop-eth/run.sh, the
# Ethereum vectors from ethers into the same directory, and run
# tests/check-vectors on it; tests/interop-eth/run.sh also checks lithsm's
# token-signed output with ethers and sends transactions to a hardhat node.
# Needs Node >= 18, npm and the npm registry; exits 77 (skip) without npm.
set -eu

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
here=$top_srcdir/tests/interop

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "interop: SKIP: node/npm not found (needed to run the Lit JS SDK)"
    exit 77
fi
checker=$top_builddir/tests/check-vectors
if [ ! -x "$checker" ]; then
    echo "interop: $checker is not built (run: make tests/check-vectors)" >&2
    exit 1
fi

# npm ci writes node_modules next to package.json: work on a copy when the
# source tree is read-only (distcheck).
work=$here
if [ ! -w "$here" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-interop.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    cp "$here/package.json" "$here/package-lock.json" "$here"/gen-*.mjs \
        "$work/"
fi
out=${INTEROP_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/lithsm-interop-vectors.XXXXXX")}

echo "interop: npm ci in $work"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "interop: generating vectors into $out"
node "$work/gen-vectors.mjs" "$out"
# The Ethereum part (tests/interop-eth/run.sh): eip712.json, transaction.json
# and abi-calls.json from ethers into the same directory, then token-signed
# output checked by ethers and transactions sent to a hardhat node.
eth=0
sh "$top_srcdir/tests/interop-eth/run.sh" "$out" || eth=$?
echo "interop: $checker $out"
status=0
"$checker" "$out" || status=$?
pf() { if [ "$1" -eq 0 ]; then echo PASS; else echo "FAIL (exit status $1)"; fi; }
echo "interop: summary:"
echo "interop:   tests/check-vectors on the Lit SDK + ethers vector set: $(pf "$status")"
echo "interop:   token signatures checked by ethers, hardhat EVM: $(pf "$eth")"
if [ "$status" -eq 0 ] && [ "$eth" -eq 0 ]; then
    echo "interop: PASS"
    [ -n "${INTEROP_OUT:-}" ] || rm -rf "$out"
    exit 0
fi
echo "interop: FAIL (vectors kept in $out)"
exit 1
