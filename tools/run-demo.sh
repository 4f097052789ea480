#!/bin/sh
# The main job, offline: a capacity delegation by the owner key, the wallet's
# session AuthSig and SessionSigs for three nodes, then each node's verdict.
# Keys are the public test fixtures in tests/keys (never real keys).
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh
sh tools/build.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lithsm=./tools/lithsm
# A fixed stand-in for the latest Ethereum blockhash (no network yet).
nonce=0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691
wallet=tests/keys/TEST-ONLY-wallet-0101.pem
owner=tests/keys/TEST-ONLY-owner-0202.pem
wallet_address=$($lithsm address --key "$wallet" | sed 's/.*"address":"\([^"]*\)".*/\1/')

$lithsm delegate --key "$owner" --capacity-token-id 1234 \
    --delegatee "$wallet_address" --uses 10 --nonce "$nonce" \
    >"$work/delegation.json"
$lithsm session-sigs --wallet "$wallet" --delegation "$work/delegation.json" \
    --resource 'lit-accesscontrolcondition://*' \
    --ability access-control-condition-decryption \
    --resource 'lit-pkp://*' --ability pkp-signing \
    --node https://127.0.0.1:7470 --node https://127.0.0.1:7471 \
    --node https://127.0.0.1:7472 --nonce "$nonce" >"$work/sigs.json"
cat "$work/sigs.json"
for port in 7470 7471 7472; do
    $lithsm verify --session-sigs "$work/sigs.json" \
        --node "https://127.0.0.1:$port"
done
