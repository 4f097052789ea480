#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench-eth.sh - `make bench`'s Ethereum signing rates (tests/bench-eth)
# next to ethers v6's, measured in the same run: when node and npm are
# there, the pinned packages of tests/interop-eth are installed (npm ci)
# and eth-anchor.mjs runs first.  LITHSM_ETH_ANCHOR=FILE uses a figure file
# made before instead.  Without node/npm the rates print alone, saying so.
set -eu

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
here=$top_srcdir/tests/interop-eth
anchor=${LITHSM_ETH_ANCHOR:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-bench-eth.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -z "$anchor" ] && command -v node >/dev/null 2>&1 &&
    command -v npm >/dev/null 2>&1; then
    work=$here
    if [ ! -w "$here" ]; then # a read-only source tree (distcheck)
        work=$tmp/interop-eth
        mkdir "$work"
        cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs \
            "$work/"
    fi
    echo "bench-eth: npm ci in $work, then ethers' rates (eth-anchor.mjs)"
    if (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund \
        --loglevel=error) && node "$work/eth-anchor.mjs" >"$tmp/anchor.json"; then
        anchor=$tmp/anchor.json
    else
        echo "bench-eth: the ethers anchor failed; lithsm's rates alone"
    fi
elif [ -z "$anchor" ]; then
    echo "bench-eth: node/npm not found: lithsm's rates without ethers'"
fi
LITHSM_ETH_ANCHOR=$anchor "$top_builddir/tests/bench-eth"
