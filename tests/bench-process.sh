#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench-process.sh - whole lithsm processes, start to exit (part of `make
# bench`): 'lithsm session-sigs' for 100 nodes offline (--node x100 and
# --nonce, the fixture wallet, the delegation_full vector's delegation
# made by 'lithsm delegate' as tests/cli.test makes it), and 'lithsm
# --help', against /bin/true as the floor.  Prints the median wall time
# of RUNS runs of each (tests/proc-time), and the ratio of one JS
# getSessionSigs for 100 nodes to one whole session-sigs process: from
# the js-anchor JSON that LITHSM_JS_ANCHOR names (../shared/bench-js),
# else from reference/performance.md.  The aim is 100x.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
RUNS=${RUNS:-51}
NODES=100
VEC=$top_srcdir/tests/vectors/delegation.json
PROC_TIME=$top_builddir/tests/proc-time
# reference/performance.md: getSessionSigs, 100 nodes.
JS_REF_MS=2460

# The real binary, not libtool's wrapper script, whose own start-up
# (a shell) would be measured otherwise.
bin=$top_builddir/tools/lithsm
[ -x "$top_builddir/tools/.libs/lithsm" ] &&
    bin=$top_builddir/tools/.libs/lithsm
libdir=$(cd "$top_builddir/lib/.libs" 2>/dev/null && pwd)
LD_LIBRARY_PATH=${libdir}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
# shellcheck source=tests/private-keys.sh
. "$top_srcdir/tests/private-keys.sh"
private_keys "$tmp" || exit 1
WALLET=$KEYS/TEST-ONLY-wallet-0101.pem
OWNER=$KEYS/TEST-ONLY-owner-0202.pem

# vec KEY: the first "KEY": "value" of the delegation vectors (the inputs
# of delegation_full come first).
vec() {
    sed -n 's/^ *"'"$1"'": "\([^"]*\)",\{0,1\}$/\1/p' "$VEC" | head -n 1
}
delegatee=$(awk '/"delegateeAddresses": \[/ { getline; gsub(/[ ",]/, "");
    print; exit }' "$VEC")
if ! "$bin" delegate --key "$OWNER" --capacity-token-id "$(vec capacityTokenId)" \
    --delegatee "$delegatee" --uses "$(vec uses)" \
    --expiration "$(vec expiration)" --nonce "$(vec nonce)" \
    --issued-at "$(vec clock_now)" >"$tmp/delegation.json" 2>"$tmp/err"; then
    echo "bench-process: lithsm delegate failed:" >&2
    cat "$tmp/err" >&2
    exit 1
fi

set -- session-sigs --wallet "$WALLET" --delegation "$tmp/delegation.json" \
    --resource 'lit-pkp://*' --ability pkp-signing --nonce "$(vec nonce)"
i=0
while [ "$i" -lt "$NODES" ]; do
    set -- "$@" --node "https://node$i.example:7470"
    i=$((i + 1))
done
if ! "$bin" "$@" >"$tmp/ss.json" 2>"$tmp/err" ||
    [ "$(grep -o '"algo":"ed25519"' "$tmp/ss.json" | wc -l)" -ne "$NODES" ]; then
    echo "bench-process: lithsm session-sigs failed:" >&2
    cat "$tmp/err" >&2
    exit 1
fi

# The JS figure: results.a_getSessionSigs.N100.ms_per_call.
js_ms=
js_from="reference/performance.md (set LITHSM_JS_ANCHOR=anchor.json for \
this run's)"
if [ -n "${LITHSM_JS_ANCHOR:-}" ] && [ -r "$LITHSM_JS_ANCHOR" ]; then
    js_ms=$(tr '{},' '\n\n\n' <"$LITHSM_JS_ANCHOR" | awk '
        /"a_getSessionSigs"/ { a = 1 }
        a && /"N100"/ { b = 1 }
        b && /"ms_per_call"/ { sub(/.*: */, ""); print; exit }')
    js_from=$LITHSM_JS_ANCHOR
fi
if [ -z "$js_ms" ]; then
    js_ms=$JS_REF_MS
    [ -n "${LITHSM_JS_ANCHOR:-}" ] && js_from="reference/performance.md \
($LITHSM_JS_ANCHOR: no readable a_getSessionSigs.N100.ms_per_call)"
fi

echo "process: whole lithsm processes, median of $RUNS runs (min in" \
    "brackets); JS figure from $js_from"
# measure NAME COMMAND...: one line of figures; the median wall time in
# $median.
measure() {
    name=$1
    shift
    set -- $("$PROC_TIME" "$RUNS" "$@") || exit 1
    median=$1
    printf '  %-32s %7s ms wall (%s)  %7s ms CPU\n' "$name" "$1" "$2" "$3"
}
measure "/bin/true (the floor)" /bin/true
measure "lithsm --help" "$bin" --help
measure "lithsm session-sigs, $NODES nodes" "$bin" "$@"
awk -v js="$js_ms" -v c="$median" -v n="$NODES" 'BEGIN {
    r = js / c
    printf "  one JS getSessionSigs for %d nodes: %.1f ms = %.0fx one whole" \
        " session-sigs process (%s the 100x aim)\n", n, js, r,
        (r >= 100 ? "meets" : "below")
}'
