# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# eth-devnet.sh - sourced by tests/send-tx.test and tests/devnet-eth.test:
# TAP output, one devnet on loopback (killed on exit) and JSON-RPC calls
# to it with curl.  Sets LITHSM, tmp, KEYS, $rpc (the devnet's RPC URL).
set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
LITHSM=$top_builddir/tools/lithsm

for prog in "$LITHSM" "$top_builddir/tools/lithsm-devnet"; do
    if [ ! -x "$prog" ]; then
        echo "Bail out! $prog is not built"
        exit 99
    fi
done
if ! command -v curl >/dev/null 2>&1; then
    echo "Bail out! curl is not installed (tools/deps.sh installs it)"
    exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-eth.XXXXXX") || {
    echo "Bail out! cannot make a temporary directory"
    exit 99
}
# shellcheck source=tests/private-keys.sh
. "$top_srcdir/tests/private-keys.sh"
private_keys "$tmp" || {
    echo "Bail out! cannot copy the test keys"
    exit 99
}
devnet_pid=
eth_cleanup() {
    [ -n "$devnet_pid" ] && kill -KILL "$devnet_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap eth_cleanup EXIT
trap 'exit 1' HUP INT TERM

n=0
# check DESCRIPTION COMMAND...: a TAP line for COMMAND's success; on a
# failure the last answer ($tmp/body) and error ($tmp/err) as comments.
check() {
    what=$1
    shift
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what"
        for f in "$tmp/body" "$tmp/err"; do
            [ -s "$f" ] && head -c 800 "$f" | sed 's/^/# /' && echo
        done
    fi
}

# start_devnet ARGS...: a devnet with ARGS; its start line in
# $tmp/devnet.json, its RPC URL in $rpc.
start_devnet() {
    "$LITHSM" devnet "$@" >"$tmp/devnet.json" 2>"$tmp/devnet.err" &
    devnet_pid=$!
    i=0
    while [ "$i" -lt 100 ] && ! grep -q '}$' "$tmp/devnet.json"; do
        kill -0 "$devnet_pid" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    rpc=$(sed -n 's/.*"rpc":"\([^"]*\)".*/\1/p' "$tmp/devnet.json")
    [ -n "$rpc" ]
}

# call METHOD PARAMS: a JSON-RPC call; the answer goes to $tmp/body.
call() {
    curl -s -m 20 -o "$tmp/body" -H 'Content-Type: application/json' \
        --data-binary \
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" \
        "$rpc"
}

# has TEXT [FILE]: FILE ($tmp/body) holds TEXT (a fixed string).
has() {
    grep -qF -- "$1" "${2:-$tmp/body}"
}

# value KEY [FILE]: the string value of "KEY" in one-line JSON.
value() {
    sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' "${2:-$tmp/body}"
}
