#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PS, $SENDOPTS: option lists, unquoted
# run.sh OUTDIR - the Ethereum part of `make interop` (tests/interop/run.sh
# calls it; by hand: top_srcdir=. top_builddir=. sh tests/interop-eth/run.sh
# /tmp/v).  With the packages pinned in package-lock.json (npm ci):
#   1. vectors: gen-eth-vectors.mjs writes eip712.json, transaction.json and
#      abi-calls.json into OUTDIR (tests/interop/run.sh then runs
#      tests/check-vectors on OUTDIR, beside the Lit set);
#   2. token: a secp256k1 key made by `lithsm keygen` in a SoftHSM2 token
#      (tests/integration/lib.sh) signs typed data (Lit ChainSecured proofs,
#      a Mail, every valid case of the new eip712.json) with
#      `lithsm sign-typed-data` and transactions (every case of the new
#      transaction.json, types 0, 1 and 2) with `lithsm sign-tx`;
#      check-token.mjs checks each with ethers (verifyTypedData,
#      Transaction.from(raw).from);
#   3. evm: hardhat's node on 127.0.0.1 (chain id 31337); the token key,
#      funded from hardhat's first account, sends with `lithsm sign-tx --send
#      --rpc` transactions of types 0, 1 and 2, a contract creation and a
#      call with calldata from `lithsm call-data`; evm.mjs checks receipts,
#      code and storage with ethers.
# Prints a PASS/FAIL line per part; exits 0 when all pass, 1 otherwise, 77
# without node/npm.
set -eu

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
here=$top_srcdir/tests/interop-eth
out=${1:?usage: run.sh OUTDIR}

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "interop-eth: SKIP: node/npm not found (needed for ethers and hardhat)"
    exit 77
fi

# npm ci writes node_modules next to package.json: work on a copy when the
# source tree is read-only (distcheck).
work=$here
copy=
if [ ! -w "$here" ]; then
    copy=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-interop-eth.XXXXXX")
    work=$copy
    cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs \
        "$here/hardhat.config.cjs" "$work/"
fi
hh=
T=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -n "$hh" ]; then
        kill "$hh" 2>/dev/null || :
        wait "$hh" 2>/dev/null || :
    fi
    [ -z "$T" ] || rm -rf "$T"
    [ -z "$copy" ] || rm -rf "$copy"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

echo "interop-eth: npm ci in $work"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# ---------------------------------------------------------------- vectors
echo "interop-eth: generating Ethereum vectors into $out"
r_vec=PASS
node "$work/gen-eth-vectors.mjs" "$out" || r_vec=FAIL
if [ "$r_vec" = FAIL ]; then
    echo "interop-eth: vectors: FAIL (gen-eth-vectors.mjs)"
    exit 1
fi

# ---------------------------------------------------------------- token
# lib.sh: $T, a SoftHSM2 token $TOKEN with its PIN in $T/pin (it sets its
# own EXIT trap: ours is set again after it).
. "$top_srcdir/tests/integration/lib.sh"
lithsm_setup
trap cleanup EXIT
L=$top_builddir/tools/lithsm
[ -x "$L" ] || bail "$L not built"
PS="--pin-source file:$T/pin"
json_str() {
    sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"
}
$L keygen --token "$TOKEN" --label wallet $PS >"$T/wallet.json" ||
    bail "lithsm keygen failed"
URI=$(json_str uri "$T/wallet.json")
ADDR=$(json_str address "$T/wallet.json")
echo "interop-eth: token key $URI, address $ADDR"

mkdir "$T/sig"
node "$work/token-inputs.mjs" "$out" "$T/in" "$ADDR" "$(date +%s)" \
    >"$T/inputs" || bail "token-inputs.mjs failed"
: >"$T/list"
while read -r kind file name; do
    o=$T/sig/$name.out
    case $kind in
    typed) $L sign-typed-data --key "$URI" $PS --data "$file" ;;
    tx) $L sign-tx --key "$URI" $PS --tx "$file" ;;
    esac >"$o" 2>"$o.err" || :
    echo "$kind $file $o $name" >>"$T/list"
done <"$T/inputs"
proofs="not checked: this lithsm has no 'chipotle proof'"
if $L chipotle proof --help >/dev/null 2>&1; then
    proofs="checked"
    for t in CreateWallet ConvertAccount AddUsageApiKey BillingAuth; do
        o=$T/sig/chipotle_$t.out
        $L chipotle proof --key "$URI" $PS --type "$t" --chain-id 8453 \
            >"$o" 2>"$o.err" || :
        echo "proof - $o chipotle_proof_$t" >>"$T/list"
    done
fi
r_token=PASS
node "$work/check-token.mjs" "$ADDR" "$T/list" || r_token=FAIL

# ---------------------------------------------------------------- evm
r_evm=PASS
evm() {
    node "$work/evm.mjs" "$@"
}
port=$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
url=http://127.0.0.1:$port
echo "interop-eth: starting hardhat node on $url"
# Offline and quiet: no telemetry prompt, no Solidity (the config has none).
# Hardhat runs only from inside its project: cd there; exec keeps $! the
# node's own process id.
(cd "$work" && HARDHAT_DISABLE_TELEMETRY_PROMPT=true exec node \
    node_modules/hardhat/internal/cli/bootstrap.js \
    --config hardhat.config.cjs node --hostname 127.0.0.1 \
    --port "$port") >"$T/hardhat.log" 2>&1 &
hh=$!
SENDOPTS=
send() {
    if ! $L sign-tx --key "$URI" $PS --tx "$T/evm/$1.json" --send \
        --rpc "$url" $SENDOPTS >"$T/evm/$1.out" 2>"$T/evm/$1.err"; then
        echo "interop-eth: lithsm sign-tx --send $1 failed: $(cat "$T/evm/$1.err")"
        r_evm=FAIL
    fi
}
mkdir "$T/evm"
if evm wait "$url" 120 "$hh" && evm fund "$url" "$ADDR"; then
    evm txs "$T/evm" 0x000000000000000000000000000000000000b0b0
    for n in type0 type1 type2 create; do
        send $n
    done
    value=123456789
    $L call-data 'set(uint256)' "$value" >"$T/evm/calldata.json" ||
        r_evm=FAIL
    cd=$(json_str calldata "$T/evm/calldata.json")
    want=$(evm calldata "$value")
    if [ "$cd" != "$want" ]; then
        echo "interop-eth: lithsm call-data gives '$cd', ethers '$want'"
        r_evm=FAIL
    fi
    if contract=$(evm contract "$url" "$T/evm"); then
        evm call "$T/evm" "$contract" "$want"
        send call
    else
        r_evm=FAIL
    fi
    # A transaction for another chain than the node's: lithsm must refuse
    # to send it (check then finds the nonce unchanged).
    printf '{"type":2,"chainId":"1","to":"%s","value":"1","data":"0x"}\n' \
        0x000000000000000000000000000000000000b0b0 >"$T/evm/wrongchain.json"
    if $L sign-tx --key "$URI" $PS --tx "$T/evm/wrongchain.json" --send \
        --rpc "$url" $SENDOPTS >"$T/evm/wrongchain.out" 2>&1; then
        echo "interop-eth: lithsm sent a chain-1 transaction to chain 31337"
        r_evm=FAIL
    else
        echo "interop-eth: chain id mismatch refused: $(tail -n 1 "$T/evm/wrongchain.out")"
    fi
    evm check "$url" "$ADDR" "$T/evm" "$value" || r_evm=FAIL
else
    echo "interop-eth: hardhat node did not start or fund:"
    tail -n 20 "$T/hardhat.log"
    r_evm=FAIL
fi

echo "interop-eth: Ethereum vectors written ($out): $r_vec"
echo "interop-eth: token signatures checked by ethers (ChainSecured proofs $proofs): $r_token"
echo "interop-eth: hardhat EVM on loopback (types 0/1/2, create, call): $r_evm"
if [ "$r_token" = PASS ] && [ "$r_evm" = PASS ]; then
    echo "interop-eth: PASS"
    exit 0
fi
echo "interop-eth: FAIL"
exit 1
