#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# The main job, end to end on this machine: a SoftHSM2 token holding the
# wallet and capacity-owner secp256k1 keys (made on the token, never
# exported), a local devnet of 3 Lit-compatible nodes, the owner's capacity
# delegation, the wallet's SessionSigs for every node, and each node's
# verdict on its own entry.  Fresh Debian 12, as root:  sh tools/run-demo.sh
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh
sh tools/build.sh

lithsm=./tools/lithsm
work=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-demo.XXXXXX")
devnet_pid=
cleanup() {
    [ -z "$devnet_pid" ] || kill -TERM "$devnet_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
step() { printf '\n== %s\n' "$*"; }

# ---- a throwaway SoftHSM2 token in $work, found through its own config;
# the library and openssl find the built provider in provider/.libs.
step "SoftHSM2 token in $work/tokens"
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' \
    "$work/tokens" >"$work/softhsm2.conf"
: >"$work/openssl.cnf"
SOFTHSM2_CONF=$work/softhsm2.conf
OPENSSL_MODULES=$(pwd)/provider/.libs
OPENSSL_CONF=$work/openssl.cnf
export SOFTHSM2_CONF OPENSSL_MODULES OPENSSL_CONF
umask 077
# A random user PIN, kept in a 0600 file; it never appears on a command
# line that lithsm runs (softhsm2-util's init has no other way to take it).
pin=$(openssl rand -hex 8)
printf '%s\n' "$pin" >"$work/pin"
softhsm2-util --init-token --free --label lithsm-demo --pin "$pin" \
    --so-pin "$(openssl rand -hex 8)" >/dev/null
PIN="--pin-source file:$work/pin"
WALLET="pkcs11:token=lithsm-demo;object=wallet"
OWNER="pkcs11:token=lithsm-demo;object=capacity-owner"

step "secp256k1 keys generated on the token (private keys never leave it)"
# shellcheck disable=SC2086 # $PIN is a list of options
$lithsm keygen --token lithsm-demo --label wallet $PIN | tee "$work/wallet.json"
# shellcheck disable=SC2086
$lithsm keygen --token lithsm-demo --label capacity-owner $PIN
wallet_address=$(sed 's/.*"address":"\([^"]*\)".*/\1/' "$work/wallet.json")

step "local devnet: 3 nodes and a staking JSON-RPC endpoint"
$lithsm devnet --nodes 3 >"$work/devnet.json" 2>"$work/devnet.err" &
devnet_pid=$!
i=0
until grep -q '}$' "$work/devnet.json" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$devnet_pid" 2>/dev/null; then
        cat "$work/devnet.err" >&2
        echo "run-demo: the devnet did not start" >&2
        exit 1
    fi
    sleep 0.1
done
cat "$work/devnet.json"
rpc=$(sed 's/.*"rpc":"\([^"]*\)".*/\1/' "$work/devnet.json")
staking=$(sed 's/.*"staking":"\([^"]*\)".*/\1/' "$work/devnet.json")
NET="--rpc $rpc --staking $staking"

step "handshake: the consensus latest blockhash"
# shellcheck disable=SC2086 # $NET is a list of options
$lithsm handshake $NET >"$work/handshake.json"
blockhash=$(sed 's/.*"latestBlockhash":"\([^"]*\)".*/\1/' \
    "$work/handshake.json")
echo "latestBlockhash $blockhash"

step "capacity delegation signed by the owner's token key"
# shellcheck disable=SC2086
$lithsm delegate --key "$OWNER" $PIN --capacity-token-id 1234 \
    --delegatee "$wallet_address" --uses 10 --nonce "$blockhash" \
    >"$work/delegation.json"
cat "$work/delegation.json"

step "SessionSigs for every node, wallet AuthSig signed by the token"
# shellcheck disable=SC2086
$lithsm session-sigs --wallet "$WALLET" $PIN \
    --delegation "$work/delegation.json" \
    --resource 'lit-accesscontrolcondition://*' \
    --ability access-control-condition-decryption \
    --resource 'lit-pkp://*' --ability pkp-signing \
    $NET >"$work/session-sigs.json"
cat "$work/session-sigs.json"

step "each node checks its own entry"
# shellcheck disable=SC2086
$lithsm verify --session-sigs "$work/session-sigs.json" --send $NET
