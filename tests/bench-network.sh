#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench-network.sh - connect + session sigs against a devnet of 30 nodes
# that each delay every answer by 100 ms (part of `make bench`).  The
# handshakes run in parallel, so the wall time should stay under 3x one
# node's delay (300 ms); prints the wall time of each run and the peak
# memory (maximum RSS) of the lithsm process, measured by GNU time
# (Debian package time, installed by tools/deps.sh).
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
LITHSM=$top_builddir/tools/lithsm
NODES=30
DELAY=100
RUNS=5

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-bench.XXXXXX") || exit 1
pid=
cleanup() {
    [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
# shellcheck source=tests/private-keys.sh
. "$top_srcdir/tests/private-keys.sh"
private_keys "$tmp" || exit 1
WALLET=$KEYS/TEST-ONLY-wallet-0101.pem

set --
i=0
while [ "$i" -lt "$NODES" ]; do
    set -- "$@" --fault "$i:slow=$DELAY"
    i=$((i + 1))
done
"$LITHSM" devnet --nodes "$NODES" "$@" >"$tmp/devnet.json" \
    2>"$tmp/devnet.err" &
pid=$!
i=0
until grep -q '}$' "$tmp/devnet.json" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "bench-network: the devnet did not start:" >&2
        cat "$tmp/devnet.err" >&2
        exit 1
    fi
    sleep 0.1
done
rpc=$(sed 's/.*"rpc":"\([^"]*\)".*/\1/' "$tmp/devnet.json")
staking=$(sed 's/.*"staking":"\([^"]*\)".*/\1/' "$tmp/devnet.json")

# The real binary, not libtool's wrapper script (whose own start-up would
# be measured otherwise).
bin=$LITHSM
[ -x "$top_builddir/tools/.libs/lithsm" ] &&
    bin=$top_builddir/tools/.libs/lithsm
libdir=$(cd "$top_builddir/lib/.libs" 2>/dev/null && pwd)
LD_LIBRARY_PATH=${libdir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH

gnutime=
[ -x /usr/bin/time ] && gnutime=/usr/bin/time

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

echo "network: $NODES devnet nodes, each answering after $DELAY ms;" \
    "connect (discovery + handshake) + session sigs, $RUNS runs"
best=
run=1
while [ "$run" -le "$RUNS" ]; do
    t0=$(now_ms)
    if [ -n "$gnutime" ]; then
        $gnutime -f '%M' -o "$tmp/rss" "$bin" session-sigs \
            --wallet "$WALLET" --resource 'lit-pkp://*' \
            --ability pkp-signing --rpc "$rpc" --staking "$staking" \
            --timeout-ms 10000 >"$tmp/ss.json" 2>"$tmp/ss.err"
    else
        "$bin" session-sigs --wallet "$WALLET" \
            --resource 'lit-pkp://*' --ability pkp-signing \
            --rpc "$rpc" --staking "$staking" --timeout-ms 10000 \
            >"$tmp/ss.json" 2>"$tmp/ss.err"
    fi
    rc=$?
    t1=$(now_ms)
    if [ "$rc" -ne 0 ]; then
        echo "bench-network: session-sigs failed:" >&2
        cat "$tmp/ss.err" >&2
        exit 1
    fi
    n=$(grep -o '"algo":"ed25519"' "$tmp/ss.json" | wc -l | tr -d ' ')
    ms=$((t1 - t0))
    rss="n/a (install package time)"
    [ -n "$gnutime" ] && rss="$(tail -n 1 "$tmp/rss") KiB"
    echo "  run $run: $ms ms wall ($((ms * 100 / DELAY))% of one" \
        "node's delay; $n SessionSigs), peak RSS $rss"
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
        best=$ms
    fi
    run=$((run + 1))
done
verdict="under"
[ "$best" -lt $((3 * DELAY)) ] || verdict="NOT under"
echo "  best $best ms: $verdict the 3x target ($((3 * DELAY)) ms)"
